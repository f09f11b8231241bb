//! `$connect`: authenticates before anything is stored. Agents pass their session JWT as
//! `?token=` (browsers cannot set headers on a WebSocket); chat-widget visitors pass only a
//! single-use connect ticket as `?ticket=` (`POST /api/widget/connect-ticket`), which scopes
//! the connection to one ticket. A visitor's session token is never accepted in the URL
//! (URLs end up in logs, histories and referrers). Anything else is refused with 401 and
//! nothing is written.

use chrono::Utc;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{Connection, ConnectionKind};
use wrrk_shared::http::ApiError;
use wrrk_shared::realtime;

use super::{WsRequest, WsResult, accepted, connection_id};

/// Stores the connection; announces the user online on their first one.
pub async fn handle(app: App, event: WsRequest) -> WsResult {
    let id = connection_id(&event)?.to_string();
    let param = |name: &str| {
        event
            .query_string_parameters
            .first(name)
            .map(str::to_string)
    };
    let conn = match (param("token"), param("ticket")) {
        (Some(token), _) => agent(&app, id, &token).await?,
        (None, Some(ticket)) => widget_ticket(&app, id, &ticket).await?,
        (None, None) => {
            return Err(ApiError::Unauthorized(
                "Connect with ?token=<session token> or ?ticket=<connect ticket>.".into(),
            ));
        }
    };
    // Over the connection limit is a 429 (the one error mapping, `ApiError::Store`).
    let online = app.store.open_connection(&conn).await?;
    if let Some(ticket) = &conn.ticket_id {
        app.store.join_room(&conn, ticket).await?;
    }
    if let Some(presence) = online {
        realtime::presence_changed(&app, &conn, &presence).await;
        // An agent came online: their round-robin teams' queued conversations may go to them.
        wrrk_shared::assignment::agent_free(
            &app,
            &conn.org_id,
            &wrrk_shared::ids::UserId::trusted(conn.user_id.as_str()),
        )
        .await;
    }
    tracing::info!(connection_id = %conn.id, org_id = %conn.org_id, kind = ?conn.kind, "connected");
    accepted()
}

async fn agent(app: &App, id: String, token: &str) -> Result<Connection, ApiError> {
    let caller = Caller::from_token(app, token).await?;
    Ok(Connection {
        id,
        org_id: caller.user.org_id,
        kind: ConnectionKind::Agent,
        user_id: caller.user.id.into(),
        name: caller.user.name,
        ticket_id: None,
        connected_at: Utc::now(),
        session: Some(caller.session.id),
        rooms: Vec::new(),
    })
}

/// A chat-widget visitor's single-use connect ticket (`POST /api/widget/connect-ticket`),
/// consumed here, so the widget's session token never appears in a URL.
async fn widget_ticket(app: &App, id: String, ticket: &str) -> Result<Connection, ApiError> {
    let invalid =
        || ApiError::Unauthorized("This connect ticket is invalid, used or expired.".into());
    if ticket.is_empty() || ticket.len() > 100 {
        return Err(invalid());
    }
    let t = app
        .store
        .take_connect_ticket(&wrrk_shared::ids::hash_secret(ticket))
        .await?
        .ok_or_else(invalid)?;
    Ok(Connection {
        id,
        org_id: t.org_id,
        kind: ConnectionKind::Visitor,
        user_id: t.customer_id,
        name: t.name,
        ticket_id: Some(t.ticket_id),
        connected_at: Utc::now(),
        session: None,
        rooms: Vec::new(),
    })
}
