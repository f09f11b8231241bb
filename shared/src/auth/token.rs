//! Session tokens: HS256 JWTs naming the user, their organization and role.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::{Role, User};

use crate::ids::{CustomerId, OrgId, TicketId, UserId};

/// What a session token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: UserId,
    /// The organization id.
    pub org: OrgId,
    /// The role when the token was issued (handlers trust the stored role, not this).
    pub role: Role,
    /// Issued at, epoch seconds.
    pub iat: i64,
    /// Expiry, epoch seconds.
    pub exp: i64,
    /// This session's id (logout of one session revokes it).
    #[serde(default)]
    pub jti: String,
    /// The user's session epoch when issued; logout everywhere, a password change or
    /// reset and deactivation move the epoch on, which ends every older token.
    #[serde(default)]
    pub epoch: u64,
}

/// Audience of visitor tokens; agent tokens carry none, so neither passes for the other.
const VISITOR_AUDIENCE: &str = "wrrk-visitor";

/// What a visitor token says: a chat-widget visitor scoped to one ticket of one org.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitorClaims {
    /// The customer id.
    pub sub: CustomerId,
    /// The organization id.
    pub org: OrgId,
    /// The one ticket this visitor may follow.
    pub ticket: TicketId,
    /// Display name (shown in typing indicators).
    pub name: String,
    /// The fingerprint of the widget key it was issued under
    /// ([`crate::widget::key_fingerprint`]); a rotated key voids the token.
    #[serde(default)]
    pub key: String,
    /// Always [`VISITOR_AUDIENCE`].
    pub aud: String,
    /// Issued at, epoch seconds.
    pub iat: i64,
    /// Expiry, epoch seconds.
    pub exp: i64,
}

/// Audience of device tokens (see [`TokenKeys::issue_device`]).
const DEVICE_AUDIENCE: &str = "wrrk-device";
/// How long a device stays known.
const DEVICE_TTL_SECONDS: i64 = 90 * 24 * 3600;

/// What a device token says: this browser signed in as `sub` (an email) before.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeviceClaims {
    sub: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Audience of unsubscribe tokens (see [`TokenKeys::issue_unsubscribe`]).
const UNSUBSCRIBE_AUDIENCE: &str = "wrrk-unsubscribe";
/// How long an unsubscribe link in a notification mail works.
const UNSUBSCRIBE_TTL_SECONDS: i64 = 365 * 24 * 3600;

/// What an unsubscribe token says: user `sub` of `org` wants no more mail of `kind`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnsubscribeClaims {
    /// The user id.
    pub sub: UserId,
    /// The organization id.
    pub org: OrgId,
    /// The kind of mail (`ASSIGNED`, `CUSTOMER_REPLIED`).
    pub kind: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Signing and verification keys, derived once at cold start.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    visitor_validation: Validation,
    ttl_seconds: i64,
}

impl TokenKeys {
    /// Keys for an HMAC secret; tokens live `ttl_seconds`.
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let mut visitor_validation = validation.clone();
        visitor_validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        visitor_validation.set_audience(&[VISITOR_AUDIENCE]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            visitor_validation,
            ttl_seconds,
        }
    }

    /// A fresh session token for `user` at session `epoch`.
    pub fn issue(&self, user: &User, epoch: u64) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user.id.clone(),
            org: user.org_id.clone(),
            role: user.role,
            iat: now,
            exp: now + self.ttl_seconds,
            jti: crate::ids::new_id(),
            epoch,
        };
        self.sign(&claims)
    }

    /// A token that marks a browser as one that signed in as `email` before: login
    /// throttles that lock out guessers do not lock out such a known device.
    pub fn issue_device(&self, email: &str) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        self.sign(&DeviceClaims {
            sub: email.to_string(),
            aud: DEVICE_AUDIENCE.to_string(),
            iat: now,
            exp: now + DEVICE_TTL_SECONDS,
        })
    }

    /// A link token that turns off one kind of notification mail for one user: works
    /// without signing in (from the mail), for a year, for nothing else.
    pub fn issue_unsubscribe(
        &self,
        org_id: &OrgId,
        user_id: &UserId,
        kind: &str,
    ) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        self.sign(&UnsubscribeClaims {
            sub: user_id.clone(),
            org: org_id.clone(),
            kind: kind.to_string(),
            aud: UNSUBSCRIBE_AUDIENCE.to_string(),
            iat: now,
            exp: now + UNSUBSCRIBE_TTL_SECONDS,
        })
    }

    /// The claims of a valid unsubscribe token.
    pub fn verify_unsubscribe(&self, token: &str) -> Option<UnsubscribeClaims> {
        let mut v = self.validation.clone();
        v.set_required_spec_claims(&["exp", "sub", "aud"]);
        v.set_audience(&[UNSUBSCRIBE_AUDIENCE]);
        jsonwebtoken::decode::<UnsubscribeClaims>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }

    /// Whether `token` is a valid device token for `email`.
    pub fn verify_device(&self, token: &str, email: &str) -> bool {
        let mut v = self.validation.clone();
        v.set_required_spec_claims(&["exp", "sub", "aud"]);
        v.set_audience(&[DEVICE_AUDIENCE]);
        jsonwebtoken::decode::<DeviceClaims>(token, &self.decoding, &v)
            .is_ok_and(|d| d.claims.sub == email)
    }

    /// The claims of a token that is well-formed, signed by us and unexpired.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }

    /// A token for a visitor of `ticket` (the chat widget's session) under the widget key
    /// with fingerprint `key`, valid `ttl_seconds`.
    pub fn issue_visitor(
        &self,
        org_id: &OrgId,
        customer_id: &CustomerId,
        name: &str,
        ticket_id: &TicketId,
        key: &str,
        ttl_seconds: i64,
    ) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = VisitorClaims {
            sub: customer_id.clone(),
            org: org_id.clone(),
            ticket: ticket_id.clone(),
            name: name.to_string(),
            key: key.to_string(),
            aud: VISITOR_AUDIENCE.to_string(),
            iat: now,
            exp: now + ttl_seconds,
        };
        self.sign(&claims)
    }

    /// The claims of a valid, unexpired visitor token signed by us.
    pub fn verify_visitor(&self, token: &str) -> Option<VisitorClaims> {
        jsonwebtoken::decode::<VisitorClaims>(token, &self.decoding, &self.visitor_validation)
            .ok()
            .map(|d| d.claims)
    }

    /// An HS256 JWT of `claims`.
    fn sign(&self, claims: &impl Serialize) -> anyhow::Result<String> {
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.encoding,
        )?)
    }
}
