//! `$default`: a frame whose `action` matches no route (or that is not JSON at all).

use wrrk_shared::App;
use wrrk_shared::http::ApiError;
use wrrk_shared::http::ErrorCode;

use super::{WsRequest, WsResult};

/// Always an error frame naming the known actions, read from the registry (no read: nothing
/// depends on who).
pub async fn handle(_app: App, _event: WsRequest) -> WsResult {
    let actions: Vec<&str> = crate::registry::ws_actions().collect();
    Err(ApiError::BadRequest(
        ErrorCode::UnknownAction,
        format!("Send JSON with an \"action\" of: {}.", actions.join(", ")),
    ))
}
