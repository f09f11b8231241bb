//! The HTTP contract every endpoint shares: errors, request bodies, responses.

pub mod error;
pub mod pagination;
pub mod request;
pub mod response;

pub use error::{ApiError, ErrorBody, ErrorCode};

use crate::store::Conflict;
pub use pagination::{PageParams, PageRequest};
pub use request::{Query, json_body, nullable, parse_enum, path_id};
pub use response::{Data, Paged, accepted, created, no_content, ok, page};

/// The handler result every endpoint returns.
pub type ApiResult = Result<lambda_http::Response<lambda_http::Body>, ApiError>;

/// Runs a read-modify-write again (up to three times in all) when another writer got in
/// between, so concurrent edits of different fields both land instead of one failing.
pub async fn retry_on_stale<T, F, Fut>(mut attempt: F) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(ApiError::Store(Conflict::StaleWrite)) if tries < 3 => continue,
            other => return other,
        }
    }
}
