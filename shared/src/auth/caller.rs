//! The one auth extractor: who is calling, re-checked against the stored user.

use lambda_http::Request;

use crate::App;
use crate::auth::token::Claims;
use crate::domain::{Organization, Role, User};
use crate::http::error::ApiError;
use crate::rbac::{self, Permission};

/// An authenticated, active user, as stored right now.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The stored user (role and active flag are current, not the token's).
    pub user: User,
    /// The session: its token's id and expiry, and the user's session epoch.
    pub session: Session,
}

/// The session a request came with.
#[derive(Debug, Clone)]
pub struct Session {
    /// The token's id (`jti`).
    pub id: String,
    /// When the token expires (epoch seconds).
    pub expires_at: i64,
    /// The user's current session epoch.
    pub epoch: u64,
    /// The user's logged-out sessions, as read with the user (logout appends to them).
    pub logged_out: Vec<String>,
}

impl Caller {
    /// Reads `Authorization: Bearer <jwt>`, verifies it and loads the user. A deactivated
    /// or deleted user is refused at once, whatever the token's expiry; a demoted user
    /// gets their new role on the next request.
    pub async fn from_request(app: &App, req: &Request) -> Result<Self, ApiError> {
        let claims = Self::claims(app, bearer(req)?)?;
        Self::load(app, &claims).await
    }

    /// The caller and their organization, read concurrently: the token names both keys.
    pub async fn with_organization(
        app: &App,
        req: &Request,
    ) -> Result<(Self, Organization), ApiError> {
        let claims = Self::claims(app, bearer(req)?)?;
        let (caller, org) = tokio::try_join!(Self::load(app, &claims), async {
            Ok(app.store.get_organization(&claims.org).await?)
        })?;
        let org = org.ok_or(ApiError::NotFound("Organization"))?;
        Ok((caller, org))
    }

    /// Verifies a raw token (WebSocket connections pass it as a query parameter).
    pub async fn from_token(app: &App, token: &str) -> Result<Self, ApiError> {
        let claims = Self::claims(app, token)?;
        Self::load(app, &claims).await
    }

    fn claims(app: &App, token: &str) -> Result<Claims, ApiError> {
        app.tokens.verify(token).ok_or_else(invalid_session)
    }

    /// The stored user behind `claims`, if the session still holds: the user is active,
    /// the token is of the current session epoch and was not logged out. One GetItem.
    async fn load(app: &App, claims: &Claims) -> Result<Self, ApiError> {
        let (user, sessions) = app
            .store
            .get_user_sessions(&claims.org, &claims.sub)
            .await?
            .ok_or_else(invalid_session)?;
        if !user.active || claims.epoch != sessions.epoch || sessions.is_revoked(&claims.jti) {
            return Err(invalid_session());
        }
        Ok(Self {
            user,
            session: Session {
                id: claims.jti.clone(),
                expires_at: claims.exp,
                epoch: sessions.epoch,
                logged_out: sessions.revoked,
            },
        })
    }

    /// The caller's organization.
    pub fn org_id(&self) -> &crate::ids::OrgId {
        &self.user.org_id
    }

    /// The caller's current role.
    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Whether the caller holds `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        rbac::allows(self.user.role, permission)
    }

    /// 403 unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "Your role ({}) does not allow this.",
                self.user.role.as_str()
            )))
        }
    }
}

/// The token of `Authorization: Bearer <jwt>`.
fn bearer(req: &Request) -> Result<&str, ApiError> {
    let header = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorized("Sign in to continue.".into()))?;
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::Unauthorized("Use a Bearer token.".into()))
}

fn invalid_session() -> ApiError {
    ApiError::Unauthorized("Your session is invalid or has expired.".into())
}
