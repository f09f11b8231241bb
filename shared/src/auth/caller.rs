//! The one auth extractor: who is calling, re-checked against the stored user.

use lambda_http::Request;

use crate::App;
use crate::domain::{Role, User};
use crate::http::error::ApiError;
use crate::rbac::{self, Permission};

/// An authenticated, active user, as stored right now.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The stored user (role and active flag are current, not the token's).
    pub user: User,
}

impl Caller {
    /// Reads `Authorization: Bearer <jwt>`, verifies it and loads the user. A deactivated
    /// or deleted user is refused at once, whatever the token's expiry; a demoted user
    /// gets their new role on the next request.
    pub async fn from_request(app: &App, req: &Request) -> Result<Self, ApiError> {
        let header = req
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::Unauthorized("Sign in to continue.".into()))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| ApiError::Unauthorized("Use a Bearer token.".into()))?;
        Self::from_token(app, token.trim()).await
    }

    /// Verifies a raw token (WebSocket connections pass it as a query parameter).
    pub async fn from_token(app: &App, token: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::Unauthorized("Your session is invalid or has expired.".into());
        let claims = app.tokens.verify(token).ok_or_else(invalid)?;
        let user = app
            .store
            .get_user(&claims.org, &claims.sub)
            .await?
            .filter(|u| u.active)
            .ok_or_else(invalid)?;
        Ok(Self { user })
    }

    /// The caller's organization.
    pub fn org_id(&self) -> &str {
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
