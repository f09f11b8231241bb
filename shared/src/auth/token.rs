//! Session tokens: HS256 JWTs naming the user, their organization and role.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::{Role, User};

/// What a session token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The organization id.
    pub org: String,
    /// The role when the token was issued (handlers trust the stored role, not this).
    pub role: Role,
    /// Issued at, epoch seconds.
    pub iat: i64,
    /// Expiry, epoch seconds.
    pub exp: i64,
}

/// Audience of visitor tokens; agent tokens carry none, so neither passes for the other.
const VISITOR_AUDIENCE: &str = "wrrk-visitor";

/// What a visitor token says: a chat-widget visitor scoped to one ticket of one org.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitorClaims {
    /// The customer id.
    pub sub: String,
    /// The organization id.
    pub org: String,
    /// The one ticket this visitor may follow.
    pub ticket: String,
    /// Display name (shown in typing indicators).
    pub name: String,
    /// Always [`VISITOR_AUDIENCE`].
    pub aud: String,
    /// Issued at, epoch seconds.
    pub iat: i64,
    /// Expiry, epoch seconds.
    pub exp: i64,
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

    /// A fresh token for `user`.
    pub fn issue(&self, user: &User) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user.id.clone(),
            org: user.org_id.clone(),
            role: user.role,
            iat: now,
            exp: now + self.ttl_seconds,
        };
        self.sign(&claims)
    }

    /// The claims of a token that is well-formed, signed by us and unexpired.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }

    /// A token for a visitor of `ticket` (the chat widget's session), valid `ttl_seconds`.
    pub fn issue_visitor(
        &self,
        org_id: &str,
        customer_id: &str,
        name: &str,
        ticket_id: &str,
        ttl_seconds: i64,
    ) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = VisitorClaims {
            sub: customer_id.to_string(),
            org: org_id.to_string(),
            ticket: ticket_id.to_string(),
            name: name.to_string(),
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
