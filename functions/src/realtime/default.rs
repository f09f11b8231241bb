//! `$default`: a frame whose `action` matches no route (or that is not JSON at all).

use wrrk_shared::App;
use wrrk_shared::http::ApiError;

use super::{WsRequest, WsResult, caller_connection};

/// The actions a client may send.
pub const ACTIONS: &[&str] = &[
    "ticket:subscribe",
    "ticket:unsubscribe",
    "typing:start",
    "typing:stop",
];

/// Always an error frame naming the known actions.
pub async fn handle(app: App, event: WsRequest) -> WsResult {
    caller_connection(&app, &event).await?;
    Err(ApiError::BadRequest(
        "unknown_action",
        format!("Send JSON with an \"action\" of: {}.", ACTIONS.join(", ")),
    ))
}
