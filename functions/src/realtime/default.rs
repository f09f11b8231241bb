//! `$default`: a frame whose `action` matches no route (or that is not JSON at all).

use wrrk_shared::App;
use wrrk_shared::http::ApiError;

use super::{WsRequest, WsResult};

/// The actions a client may send.
pub const ACTIONS: &[&str] = &[
    "ticket:subscribe",
    "ticket:unsubscribe",
    "typing:start",
    "typing:stop",
];

/// Always an error frame naming the known actions (no read: nothing depends on who).
pub async fn handle(_app: App, _event: WsRequest) -> WsResult {
    Err(ApiError::BadRequest(
        "unknown_action",
        format!("Send JSON with an \"action\" of: {}.", ACTIONS.join(", ")),
    ))
}
