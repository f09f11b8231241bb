//! `ticket:subscribe` `{ticketId}`: follow a ticket's room. Agents only tickets of their
//! own organization (anything else is "not found"); visitors only their own ticket. An
//! agent's acknowledgement lists who has the ticket open (`wrrk_shared::viewers`).

use wrrk_shared::App;
use wrrk_shared::domain::ConnectionKind;
use wrrk_shared::events::{Event, Subscribed};
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::UserId;
use wrrk_shared::viewers;

use super::{TicketAction, WsRequest, WsResult, caller_connection, reply};

/// Acknowledged with `ticket:subscribed`, so a client knows events will follow.
pub async fn handle(app: App, event: WsRequest) -> WsResult {
    let conn = caller_connection(&app, &event).await?;
    let action = TicketAction::parse(&event)?;
    let ticket_id = action.ticket_id;
    if !conn.may_follow(&ticket_id) {
        return Err(ApiError::NotFound("Ticket"));
    }
    // The stored user, not the one at connect time (a deactivated agent stops here),
    // read alongside the ticket.
    let (active, ticket) = tokio::try_join!(
        async {
            match conn.kind {
                ConnectionKind::Agent => Ok(app
                    .store
                    // An agent connection's user id, as the store wrote it.
                    .get_user(&conn.org_id, &UserId::trusted(conn.user_id.clone()))
                    .await?
                    .is_some_and(|u| u.active)),
                ConnectionKind::Visitor => Ok(true),
            }
        },
        app.store.get_ticket(&conn.org_id, &ticket_id)
    )?;
    if !active {
        return Err(ApiError::Unauthorized(
            "Your session is invalid or has expired.".into(),
        ));
    }
    ticket.ok_or(ApiError::NotFound("Ticket"))?;
    let was_following = app.store.join_room(&conn, &ticket_id).await?;
    // Agents learn who else has the ticket open in this acknowledgement (no extra post),
    // and the others hear of them.
    let viewers = match conn.kind {
        ConnectionKind::Agent => viewers::joined(&app, &conn, &ticket_id, was_following).await,
        ConnectionKind::Visitor => None,
    };
    reply(&Event::TicketSubscribed(Subscribed {
        ticket_id: ticket_id.into(),
        at: viewers.as_ref().map(|v| v.at),
        viewers: viewers.map(|v| v.viewers),
    }))
}
