//! Ending a live connection, whoever ends it (`$disconnect`, logout, deactivation, a socket
//! over its limits): one sequence. The store forgets the connection first, so no frame of
//! it is acted on any more; then its user's presence (when it was their last) and the
//! tickets it viewed hear of it; a connection wrrk ends is then closed at the gateway.
//! The fan-out's cleanup of connections the gateway reports gone (`realtime`) announces
//! presence only: it runs inside a fan-out, which viewers' announcements would re-enter.

use crate::App;
use crate::events::Event;
use crate::ids::{OrgId, UserId};
use crate::realtime::presence_changed;
use crate::store::Closed;

/// What follows a connection the store has forgotten: presence, then the viewers of the
/// tickets it had open.
pub async fn forgotten(app: &App, closed: &Closed) {
    if let Some(presence) = &closed.offline {
        presence_changed(app, &closed.connection, presence).await;
    }
    crate::viewers::connection_closed(app, &closed.connection).await;
}

/// Ends `user_id`'s live connections (only those of `session`, if given): each is removed
/// from the store first, so no frame of it is acted on any more, then closed at the
/// gateway. Deactivation, demotion, logout and password changes call this.
pub async fn end_connections(app: &App, org_id: &OrgId, user_id: &UserId, session: Option<&str>) {
    let ids = match app
        .store
        .user_connection_ids(org_id, user_id, session)
        .await
    {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!(error = ?e, %user_id, "listing a user's connections failed");
            return;
        }
    };
    for id in ids {
        end_connection(app, &id).await;
    }
}

/// Ends one connection: forgets it (presence and viewers follow), then closes it at the
/// gateway.
pub async fn end_connection(app: &App, id: &str) {
    match app.store.close_connection(id).await {
        Ok(Some(closed)) => forgotten(app, &closed).await,
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = ?e, connection_id = %id, "removing a connection failed")
        }
    }
    app.publisher.disconnect(id).await;
}

/// Cuts off a connection for what it did: its last frame says why (`DeleteConnection`
/// carries no reason: API Gateway closes with 1000 whatever the cause), then it ends.
pub async fn cut_off(app: &App, id: &str, why: &Event) {
    let _ = app.publisher.post(id, &why.frame()).await;
    end_connection(app, id).await;
}
