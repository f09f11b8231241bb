//! The HTTP contract every endpoint shares: errors, request bodies, responses.

pub mod error;
pub mod request;
pub mod response;

pub use error::ApiError;
pub use request::{Query, json_body, path_id};
pub use response::{created, ok, page};

/// The handler result every endpoint returns.
pub type ApiResult = Result<lambda_http::Response<lambda_http::Body>, ApiError>;
