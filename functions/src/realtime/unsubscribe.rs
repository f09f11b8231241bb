//! `ticket:unsubscribe` `{ticketId}`: stop following a ticket (idempotent); the agents
//! still viewing it hear `ticket:viewers` if this user no longer has it open.

use wrrk_shared::App;
use wrrk_shared::events::{Event, TicketRef};
use wrrk_shared::viewers;

use super::{TicketAction, WsRequest, WsResult, caller_connection, reply};

/// Acknowledged with `ticket:unsubscribed`.
pub async fn handle(app: App, event: WsRequest) -> WsResult {
    let conn = caller_connection(&app, &event).await?;
    let action = TicketAction::parse(&event)?;
    let was_following = app.store.leave_room(&conn, &action.ticket_id).await?;
    if was_following && conn.kind == wrrk_shared::domain::ConnectionKind::Agent {
        viewers::left(&app, &conn, &action.ticket_id).await;
    }
    reply(&Event::TicketUnsubscribed(TicketRef {
        ticket_id: action.ticket_id.into(),
    }))
}
