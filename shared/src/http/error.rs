//! The one error-to-HTTP mapping: `{"error": sentence, "code": machine_code}`.

use lambda_http::{Body, Response};
use serde::Serialize;

use crate::domain::Invalid;
use crate::store::{Conflict, StoreError};

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A sentence for people, safe to show.
    pub error: String,
    /// A stable machine code (`not_found`, `validation_failed`, `too_many_requests`...).
    pub code: &'static str,
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
    BadRequest(&'static str, String),
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
    /// The path exists but not with this method.
    #[error("{0} is not allowed here.")]
    MethodNotAllowed(String),
    /// Conflicts with existing state (duplicate, stale write).
    #[error("{1}")]
    Conflict(&'static str, String),
    /// A store condition failed: 409, or 429 for limits that waiting lifts.
    #[error("{0}")]
    Store(Conflict),
    /// Existed once, no longer usable (expired or used invitation).
    #[error("{1}")]
    Gone(&'static str, String),
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
            Self::MethodNotAllowed(_) => 405,
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedJson(_) => "malformed_json",
            Self::BadRequest(code, _) | Self::Conflict(code, _) | Self::Gone(code, _) => code,
            // Every 429 has the same code, whichever limit it was.
            Self::Store(c) if c.is_limit() => "too_many_requests",
            Self::Store(c) => c.code(),
            Self::Unauthorized(_) => "unauthorized",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::RouteNotFound(_) => "route_not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Validation { .. } => "validation_failed",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Internal(_) => "internal_error",
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
        if let Self::TooManyRequests(secs) = self {
            builder = builder.header(http::header::RETRY_AFTER, secs.to_string());
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
