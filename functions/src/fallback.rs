//! `$default`: every request no route matched. 405 when the path exists with another
//! method, 404 otherwise, both in the API's JSON error shape (API Gateway's own would not be).

use lambda_http::{Request, RequestExt};
use wrrk_shared::App;
use wrrk_shared::http::{ApiError, ApiResult};

use crate::registry::{HTTP_FUNCTIONS, path_matches};

/// Answers an unmatched request.
pub async fn handle(_app: App, req: Request) -> ApiResult {
    let stage = req.request_context_ref().and_then(|c| match c {
        lambda_http::request::RequestContext::ApiGatewayV2(c) => c.stage.clone(),
        _ => None,
    });
    Err(unmatched(
        req.method().as_str(),
        route_path(req.uri().path(), stage.as_deref()),
    ))
}

/// The path routes are declared against: on a named stage API Gateway puts the stage in
/// front (`/live/api/users`), on `$default` it does not.
fn route_path<'a>(path: &'a str, stage: Option<&str>) -> &'a str {
    match stage.filter(|s| !s.is_empty() && *s != "$default") {
        Some(stage) => path
            .strip_prefix('/')
            .and_then(|p| p.strip_prefix(stage))
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .unwrap_or(path),
        None => path,
    }
}

// A plain fn, so the async handler's type does not depend on the table that lists it.
fn unmatched(method: &str, path: &str) -> ApiError {
    let mut allow: Vec<&'static str> = HTTP_FUNCTIONS
        .iter()
        .filter(|f| f.path() != "$default" && path_matches(f.path(), path))
        .map(|f| f.method())
        .collect();
    if allow.is_empty() {
        return ApiError::RouteNotFound(path.to_string());
    }
    allow.sort_unstable();
    allow.dedup();
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        allow,
    }
}

#[cfg(test)]
mod tests {
    use super::{route_path, unmatched};
    use wrrk_shared::http::ApiError;

    #[test]
    fn a_named_stage_is_not_part_of_the_route() {
        assert_eq!(route_path("/live/api/users", Some("live")), "/api/users");
        assert_eq!(route_path("/api/users", Some("$default")), "/api/users");
        assert_eq!(route_path("/lively/api", Some("live")), "/lively/api");
        assert_eq!(route_path("/api/users", None), "/api/users");
    }

    #[test]
    fn a_405_lists_the_methods_the_path_has() {
        match unmatched("PUT", "/api/tickets/01ARZ3NDEKTSV4RRFFQ69G5FAV") {
            ApiError::MethodNotAllowed { allow, .. } => assert_eq!(allow, ["GET", "PATCH"]),
            other => panic!("expected a 405, got {other:?}"),
        }
        let response = unmatched("TRACE", "/api/auth/login").into_response();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "POST");
        assert!(matches!(
            unmatched("GET", "/api/nothing"),
            ApiError::RouteNotFound(_)
        ));
    }
}
