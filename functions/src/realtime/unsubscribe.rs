//! `ticket:unsubscribe` `{ticketId}`: stop following a ticket (idempotent).

use wrrk_shared::App;

use super::{TicketAction, WsRequest, WsResult, caller_connection, reply};

/// Acknowledged with `ticket:unsubscribed`.
pub async fn handle(app: App, event: WsRequest) -> WsResult {
    let conn = caller_connection(&app, &event).await?;
    let action = TicketAction::parse(&event)?;
    app.store.leave_room(&conn, &action.ticket_id).await?;
    reply(
        "ticket:unsubscribed",
        serde_json::json!({ "ticketId": action.ticket_id }),
    )
}
