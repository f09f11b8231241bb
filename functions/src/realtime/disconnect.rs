//! `$disconnect`: removes the connection and its rooms; the user goes offline when this
//! was their last connection (closing one of two tabs changes nothing), and the tickets it
//! had open hear who is still viewing them.

use wrrk_shared::App;
use wrrk_shared::hangup;

use super::{WsRequest, WsResult, accepted, connection_id};

/// Idempotent: a connection already removed by a fan-out that met 410 is left alone.
pub async fn handle(app: App, event: WsRequest) -> WsResult {
    let id = connection_id(&event)?;
    if let Some(closed) = app.store.close_connection(id).await? {
        hangup::forgotten(&app, &closed).await;
    }
    tracing::info!(connection_id = %id, "disconnected");
    accepted()
}
