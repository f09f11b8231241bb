//! `typing:start` and `typing:stop` `{ticketId}`: tell the ticket's other viewers. Only a
//! connection in the room may type there; the indicator carries `expiresAt`, so it clears
//! by itself if `typing:stop` never comes.

use chrono::Utc;
use wrrk_shared::App;
use wrrk_shared::http::ApiError;
use wrrk_shared::realtime::{self, Audience, TYPING_INDICATOR};

use super::{TicketAction, WsRequest, WsResult, accepted, caller_connection};

/// `typing:start`.
pub async fn start(app: App, event: WsRequest) -> WsResult {
    indicate(app, event, true).await
}

/// `typing:stop`.
pub async fn stop(app: App, event: WsRequest) -> WsResult {
    indicate(app, event, false).await
}

/// Sends `typing:indicator` to the room, not back to the typist; no frame in reply.
async fn indicate(app: App, event: WsRequest, typing: bool) -> WsResult {
    let conn = caller_connection(&app, &event).await?;
    let action = TicketAction::parse(&event)?;
    let ticket = action.ticket_id;
    if !app.store.in_room(&conn.org_id, &ticket, &conn.id).await? {
        return Err(ApiError::Forbidden(
            "Subscribe to the ticket before typing on it.".into(),
        ));
    }
    let data = realtime::typing_data(&conn, &ticket, typing, Utc::now());
    realtime::to_ticket(
        &app,
        &conn.org_id,
        &ticket,
        TYPING_INDICATOR,
        data,
        Audience::Everyone,
        Some(&conn.id),
    )
    .await;
    accepted()
}
