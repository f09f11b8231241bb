//! The one error-to-HTTP mapping: `{"error": sentence, "code": machine_code}`.

use lambda_http::{Body, Response};
use serde::Serialize;

use crate::domain::Invalid;
use crate::store::{Conflict, StoreError};

/// Every machine code an error can carry: the one list, so clients can switch on it from
/// the document's types. Serialized in snake_case (`not_found`, `validation_failed`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not JSON.
    MalformedJson,
    /// `limit` is not a whole number from 1 to 100.
    InvalidLimit,
    /// The cursor was not issued for this list.
    InvalidCursor,
    /// The WebSocket event has no connection id.
    NoConnection,
    /// The WebSocket frame names no known action.
    UnknownAction,
    /// No valid session.
    Unauthorized,
    /// Wrong email or password.
    InvalidCredentials,
    /// Authenticated but not allowed.
    Forbidden,
    /// Not found, or another organization's.
    NotFound,
    /// No route matches the path.
    RouteNotFound,
    /// The path exists with other methods (see `Allow`).
    MethodNotAllowed,
    /// An admin cannot deactivate their own account.
    CannotDeactivateSelf,
    /// The user is a member already.
    AlreadyMember,
    /// An account already uses the email.
    EmailTaken,
    /// The stack's one-time setup link was used already.
    SetupLinkUsed,
    /// Another customer of the organization has the address.
    CustomerEmailTaken,
    /// The customer was merged into another.
    CustomerMerged,
    /// The invitation was accepted or revoked already.
    InvitationNotPending,
    /// Another team has the name.
    TeamNameTaken,
    /// The change would leave no active admin.
    LastAdmin,
    /// The record changed since it was read.
    StaleWrite,
    /// Another writer took the same item at the same moment.
    WriteConflict,
    /// The support address is taken.
    AddressTaken,
    /// Another organization holds the sender identity, or it is wrrk's own.
    IdentityTaken,
    /// The organization holds the most sender identities allowed.
    IdentityLimit,
    /// The message was stored already.
    DuplicateMessage,
    /// The upload went with another message.
    AttachmentUsed,
    /// The invitation was used.
    InvitationUsed,
    /// The invitation was revoked.
    InvitationRevoked,
    /// The invitation expired.
    InvitationExpired,
    /// Another request changed the same thing at the same time.
    Conflict,
    /// The user holds the most sockets allowed.
    TooManyConnections,
    /// The socket sent too many frames.
    FrameLimit,
    /// The socket follows the most tickets allowed.
    TooManyRooms,
    /// A rate limit; see `Retry-After`.
    TooManyRequests,
    /// A link's token is invalid, expired or used.
    TokenInvalid,
    /// A satisfaction survey's link expired.
    SurveyExpired,
    /// The survey was answered already.
    AlreadyRated,
    /// The upload expired before it was sent, or belongs to another session.
    UploadExpired,
    /// The uploaded file changed between its check and its copy.
    UploadChanged,
    /// The chat was closed: files go with the message that opens its follow-up, so
    /// send that message first.
    ChatClosed,
    /// The body is not declared as JSON.
    UnsupportedMediaType,
    /// The body is too large.
    PayloadTooLarge,
    /// A field is missing or invalid (see `field`).
    ValidationFailed,
    /// Our fault; try again.
    InternalError,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::InvalidLimit => "invalid_limit",
            Self::InvalidCursor => "invalid_cursor",
            Self::NoConnection => "no_connection",
            Self::UnknownAction => "unknown_action",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::RouteNotFound => "route_not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::CannotDeactivateSelf => "cannot_deactivate_self",
            Self::AlreadyMember => "already_member",
            Self::EmailTaken => "email_taken",
            Self::SetupLinkUsed => "setup_link_used",
            Self::CustomerEmailTaken => "customer_email_taken",
            Self::CustomerMerged => "customer_merged",
            Self::InvitationNotPending => "invitation_not_pending",
            Self::TeamNameTaken => "team_name_taken",
            Self::LastAdmin => "last_admin",
            Self::StaleWrite => "stale_write",
            Self::WriteConflict => "write_conflict",
            Self::AddressTaken => "address_taken",
            Self::IdentityTaken => "identity_taken",
            Self::IdentityLimit => "identity_limit",
            Self::DuplicateMessage => "duplicate_message",
            Self::AttachmentUsed => "attachment_used",
            Self::InvitationUsed => "invitation_used",
            Self::InvitationRevoked => "invitation_revoked",
            Self::InvitationExpired => "invitation_expired",
            Self::Conflict => "conflict",
            Self::TooManyConnections => "too_many_connections",
            Self::FrameLimit => "frame_limit",
            Self::TooManyRooms => "too_many_rooms",
            Self::TooManyRequests => "too_many_requests",
            Self::TokenInvalid => "token_invalid",
            Self::SurveyExpired => "survey_expired",
            Self::AlreadyRated => "already_rated",
            Self::UploadExpired => "upload_expired",
            Self::UploadChanged => "upload_changed",
            Self::ChatClosed => "chat_closed",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::ValidationFailed => "validation_failed",
            Self::InternalError => "internal_error",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A sentence for people, safe to show.
    pub error: String,
    /// A stable machine code.
    pub code: ErrorCode,
    /// The request field at fault (validation errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Everything a request can fail with. Each variant has exactly one status and code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON at all.
    #[error("{0}")]
    MalformedJson(String),
    /// The request is unusable for another reason (bad cursor, bad query parameter).
    #[error("{1}")]
    BadRequest(ErrorCode, String),
    /// No valid session.
    #[error("{0}")]
    Unauthorized(String),
    /// Wrong email or password (one answer for both).
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Authenticated but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Not found, or belongs to another organization (indistinguishable on purpose).
    #[error("{0} not found.")]
    NotFound(&'static str),
    /// No route matches the path.
    #[error("No route matches {0}.")]
    RouteNotFound(String),
    /// The path exists but not with this method; `allow` lists the methods it has (the
    /// `Allow` header RFC 9110 requires on a 405).
    #[error("{method} is not allowed here.")]
    MethodNotAllowed {
        /// The method used.
        method: String,
        /// The path's methods.
        allow: Vec<&'static str>,
    },
    /// Conflicts with existing state (duplicate, stale write).
    #[error("{1}")]
    Conflict(ErrorCode, String),
    /// A store condition failed: 409, or 429 for limits that waiting lifts.
    #[error("{0}")]
    Store(Conflict),
    /// Existed once, no longer usable (expired or used invitation).
    #[error("{1}")]
    Gone(ErrorCode, String),
    /// A body that is not declared as JSON (`Content-Type: application/json`). Browsers send
    /// `text/plain` cross-site without a preflight, so accepting it would open every JSON
    /// endpoint to cross-site requests.
    #[error("Send the body as JSON with Content-Type: application/json.")]
    UnsupportedMediaType,
    /// The body is larger than the endpoint accepts.
    #[error("The request body is larger than {0} bytes.")]
    PayloadTooLarge(usize),
    /// A field has the wrong type, is missing or is invalid.
    #[error("{message}")]
    Validation {
        /// The field at fault, when known.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// Too many attempts; retry after the given seconds.
    #[error("Too many attempts. Try again in {0} seconds.")]
    TooManyRequests(i64),
    /// Our fault. Logged in full, answered with a generic sentence.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Self::MalformedJson(_) | Self::BadRequest(..) => 400,
            Self::Unauthorized(_) | Self::InvalidCredentials => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound(_) | Self::RouteNotFound(_) => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Conflict(..) => 409,
            Self::Store(c) if c.is_limit() => 429,
            Self::Store(_) => 409,
            Self::Gone(..) => 410,
            Self::PayloadTooLarge(_) => 413,
            Self::UnsupportedMediaType => 415,
            Self::Validation { .. } => 422,
            Self::TooManyRequests(_) => 429,
            Self::Internal(_) => 500,
        }
    }

    /// Machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::MalformedJson(_) => ErrorCode::MalformedJson,
            Self::BadRequest(code, _) | Self::Conflict(code, _) | Self::Gone(code, _) => *code,
            // Every 429 has the same code, whichever limit it was.
            Self::Store(c) if c.is_limit() => ErrorCode::TooManyRequests,
            Self::Store(c) => c.code(),
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::RouteNotFound(_) => ErrorCode::RouteNotFound,
            Self::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Self::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Self::Validation { .. } => ErrorCode::ValidationFailed,
            Self::TooManyRequests(_) => ErrorCode::TooManyRequests,
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// A 422 for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// The JSON response; server errors are logged here, once, with their chain.
    pub fn into_response(self) -> Response<Body> {
        let status = self.status();
        let message = match &self {
            Self::Internal(e) => {
                tracing::error!(error = ?e, "request failed");
                "Something went wrong on our side. Please try again.".to_string()
            }
            other => other.to_string(),
        };
        let field = match &self {
            Self::Validation { field, .. } => field.clone(),
            _ => None,
        };
        let body = ErrorBody {
            error: message,
            code: self.code(),
            field,
        };
        let text = serde_json::to_string(&body).unwrap_or_default();
        let mut builder = Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, "application/json");
        match &self {
            Self::TooManyRequests(secs) => {
                builder = builder.header(http::header::RETRY_AFTER, secs.to_string());
            }
            Self::MethodNotAllowed { allow, .. } => {
                builder = builder.header(http::header::ALLOW, allow.join(", "));
            }
            _ => {}
        }
        builder
            .body(Body::Text(text))
            .unwrap_or_else(|_| Response::new(Body::Empty))
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        Self::Validation {
            field: Some(e.field.to_string()),
            message: format!("{}: {}", e.field, e.message),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(c) => Self::Store(c),
            StoreError::Other(e) => Self::Internal(e),
        }
    }
}
