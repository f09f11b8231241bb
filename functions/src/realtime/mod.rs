//! The WebSocket API's routes: `$connect`, `$disconnect`, `$default` and one function per
//! client action. Each action answers with one frame (API Gateway's route response), an
//! acknowledgement or `{"event": "error", ...}`; server events go out through
//! `wrrk_shared::realtime`.

pub mod connect;
pub mod default;
pub mod disconnect;
pub mod subscribe;
pub mod typing;
pub mod unsubscribe;

use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest,
};
use lambda_http::aws_lambda_events::encodings::Body;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use wrrk_shared::App;
use wrrk_shared::domain::Connection;
use wrrk_shared::events::{ActionError, Event};
use wrrk_shared::http::ApiError;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::ids::TicketId;
use wrrk_shared::store::{Conflict, StoreError};

/// The event API Gateway sends for a WebSocket route.
pub type WsRequest = ApiGatewayWebsocketProxyRequest;
/// What a WebSocket route function returns (its body is the frame sent back, if any).
pub type WsResponse = ApiGatewayProxyResponse;
/// A WebSocket handler's result.
pub type WsResult = Result<WsResponse, ApiError>;

/// Largest action frame accepted (API Gateway allows 128 KB; actions are tiny).
const MAX_ACTION_BYTES: usize = 4 * 1024;

/// A response with `status` and an optional body.
pub fn response(status: i64, body: Option<String>) -> WsResponse {
    let mut r = WsResponse::default();
    r.status_code = status;
    r.body = body.map(Body::Text);
    r
}

/// 200 with no frame back.
pub fn accepted() -> WsResult {
    Ok(response(200, None))
}

/// 200 with `event` sent back to the caller.
pub fn reply(event: &Event) -> WsResult {
    Ok(response(
        200,
        Some(String::from_utf8_lossy(&event.frame()).into_owned()),
    ))
}

/// The error frame for a failed action: `{"event": "error", "data": {action, code, error}}`.
pub fn error_frame(action: &str, e: &ApiError) -> WsResponse {
    let event = Event::Error(ActionError {
        action: action.to_string(),
        code: e.code(),
        error: e.to_string(),
    });
    response(
        200,
        Some(String::from_utf8_lossy(&event.frame()).into_owned()),
    )
}

/// The connection id API Gateway assigned.
pub fn connection_id(event: &WsRequest) -> Result<&str, ApiError> {
    event
        .request_context
        .connection_id
        .as_deref()
        .ok_or_else(|| ApiError::BadRequest(ErrorCode::NoConnection, "No connection id.".into()))
}

/// Frames one connection may send per [`FRAME_WINDOW_SECONDS`] (a person types and
/// clicks far slower; a runaway client or a flood stops here, at its own connection).
pub const MAX_FRAMES_PER_WINDOW: u64 = 50;
/// The frame-counting window.
pub const FRAME_WINDOW_SECONDS: i64 = 10;

/// The caller's stored connection, this frame counted against its limit; an unknown,
/// closed or expired one must reconnect. The first frame over the limit cuts the
/// connection off: a last `error` frame (`too_many_requests`) says why, then it is closed,
/// so a flood costs one refusal, not one per frame.
pub async fn caller_connection(app: &App, event: &WsRequest) -> Result<Connection, ApiError> {
    let id = connection_id(event)?;
    match app
        .store
        .count_frame(id, FRAME_WINDOW_SECONDS, MAX_FRAMES_PER_WINDOW)
        .await
    {
        Ok(Some(conn)) => Ok(conn),
        Ok(None) => Err(ApiError::Unauthorized(
            "This connection is closed; reconnect.".into(),
        )),
        Err(e @ StoreError::Conflict(Conflict::FrameLimit { .. })) => {
            // Over the frame limit is a 429 (the one error mapping, `ApiError::Store`).
            let e = ApiError::from(e);
            let action = event
                .request_context
                .route_key
                .as_deref()
                .unwrap_or("$default");
            let why = Event::Error(ActionError {
                action: action.to_string(),
                code: e.code(),
                error: format!("{e} This connection is closed; reconnect later."),
            });
            tracing::warn!(connection_id = id, "frame flood: connection cut off");
            wrrk_shared::hangup::cut_off(app, id, &why).await;
            Err(e)
        }
        Err(e) => Err(e.into()),
    }
}

/// Parses an action's JSON body.
pub fn action_body<T: DeserializeOwned>(event: &WsRequest) -> Result<T, ApiError> {
    let body = event.body.as_deref().unwrap_or("");
    if body.len() > MAX_ACTION_BYTES {
        return Err(ApiError::PayloadTooLarge(MAX_ACTION_BYTES));
    }
    serde_json::from_str(body).map_err(|e| {
        if e.is_data() {
            ApiError::invalid("body", format!("body: {e}"))
        } else {
            ApiError::MalformedJson(format!("The frame is not valid JSON: {e}"))
        }
    })
}

/// `{"action": ..., "ticketId": ...}`, the body of every ticket action (`action` already
/// chose the function, so it is not read again).
pub struct TicketAction {
    /// The ticket.
    pub ticket_id: TicketId,
}

impl TicketAction {
    /// Parses the body; a malformed ticket id is simply not found.
    pub fn parse(event: &WsRequest) -> Result<Self, ApiError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            ticket_id: String,
        }
        let body: Body = action_body(event)?;
        let ticket_id = TicketId::parse(&body.ticket_id).ok_or(ApiError::NotFound("Ticket"))?;
        Ok(Self { ticket_id })
    }
}
