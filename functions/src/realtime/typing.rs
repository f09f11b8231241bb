//! `typing:start` and `typing:stop` `{ticketId}`: tell the ticket's other viewers. Only a
//! connection in the room may type there; the indicator carries `expiresAt`, so it clears
//! by itself if `typing:stop` never comes. Repeated starts are coalesced: the room hears
//! a connection's start at most once per [`TYPING_REFRESH_SECONDS`] (clients resend it
//! while typing, so the indicator never lapses).

use chrono::Utc;
use wrrk_shared::App;
use wrrk_shared::events::{Event, VisitorEvent};
use wrrk_shared::http::ApiError;
use wrrk_shared::realtime;

use super::{TicketAction, WsRequest, WsResult, accepted, caller_connection};

/// `typing:start`.
pub async fn start(app: App, event: WsRequest) -> WsResult {
    indicate(app, event, true).await
}

/// `typing:stop`.
pub async fn stop(app: App, event: WsRequest) -> WsResult {
    indicate(app, event, false).await
}

/// How often a continuing `typing:start` is passed on to the room.
pub const TYPING_REFRESH_SECONDS: i64 = 3;

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
    let now = Utc::now();
    if typing {
        let refresh = now + chrono::Duration::seconds(TYPING_REFRESH_SECONDS);
        if !app.store.start_typing(&conn, &ticket, refresh).await? {
            return accepted();
        }
    } else {
        app.store.stop_typing(&conn).await?;
    }
    let data = realtime::typing_data(&conn, ticket.as_str(), typing, now);
    realtime::to_ticket(
        &app,
        &conn.org_id,
        &ticket,
        &Event::TypingIndicator(data.clone()),
        Some(&VisitorEvent::TypingIndicator(data)),
        Some(&conn.id),
    )
    .await;
    accepted()
}
