//! `$default`: every request no route matched. 405 when the path exists with another
//! method, 404 otherwise, both in the API's JSON error shape (API Gateway's own would not be).

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::http::{ApiError, ApiResult};

use crate::registry::{HTTP_FUNCTIONS, path_matches};

/// Answers an unmatched request.
pub async fn handle(_app: App, req: Request) -> ApiResult {
    Err(unmatched(req.method().as_str(), req.uri().path()))
}

// A plain fn, so the async handler's type does not depend on the table that lists it.
fn unmatched(method: &str, path: &str) -> ApiError {
    let path_known = HTTP_FUNCTIONS
        .iter()
        .any(|f| f.path != "$default" && path_matches(f.path, path));
    if path_known {
        ApiError::MethodNotAllowed(method.to_string())
    } else {
        ApiError::RouteNotFound(path.to_string())
    }
}
