//! Snooze: an agent puts a ticket away until a time; it waits PENDING and comes back OPEN
//! then, and its assignee is told (`ticket:notify`, `SNOOZE_ENDED`). Each snooze is an
//! item in one time-ordered queue partition ([`crate::keys::snooze`]), which the waker
//! (an EventBridge schedule in AWS, a timer in `wrrk-local`) reads with one Query.
//!
//! The ticket's `snoozedUntil` is the truth: a queue item whose ticket no longer waits
//! PENDING for exactly that time (snoozed again, set OPEN by hand, reopened by the
//! customer) wakes nothing and is dropped.

use chrono::{DateTime, Utc};

use crate::App;
use crate::domain::{Ticket, TicketStatus};
use crate::events::NoticeKind;
use crate::ids::{OrgId, TicketId};
use crate::realtime;
use crate::sla;
use crate::store::{Conflict, StoreError, StoreResult, TicketChanges};

/// Most snoozes one run of the waker handles (the next run takes the rest).
const WAKE_BATCH: usize = 100;

/// Snoozes `ticket` until `until` (PENDING meanwhile); the ticket as stored. Queued first,
/// so a ticket is never marked snoozed without a queue item to wake it (an item whose
/// ticket write then lost a race is dropped by the waker).
pub async fn snooze(app: &App, ticket: &Ticket, until: DateTime<Utc>) -> StoreResult<Ticket> {
    app.store
        .queue_snooze(&ticket.org_id, &ticket.id, until)
        .await?;
    let changes = TicketChanges {
        status: Some(TicketStatus::Pending),
        snoozed_until: Some(Some(until)),
        ..TicketChanges::default()
    };
    let updated = app.store.update_ticket(ticket, &changes).await?;
    // Waiting PENDING stops the resolution clock (told with the change).
    let ticket = sla::status_changed(app, ticket.status, updated, Utc::now()).await?;
    realtime::ticket_updated(app, &ticket, false, None).await;
    Ok(ticket)
}

/// Wakes every ticket due at `now`: OPEN again, `snoozedUntil` cleared, the assignee told.
/// Returns how many woke.
pub async fn wake_due(app: &App, now: DateTime<Utc>) -> StoreResult<usize> {
    let due = app.store.due_snoozes(now, WAKE_BATCH).await?;
    let mut woke = 0;
    for item in due {
        if wake(app, &item.org_id, &item.ticket_id, item.until, now).await? {
            woke += 1;
        }
        // After the ticket write: a failed run leaves the item for the next one.
        app.store.delete_snooze(&item.sk).await?;
    }
    Ok(woke)
}

/// Wakes one ticket if it still waits for `until`; whether it woke.
async fn wake(
    app: &App,
    org_id: &OrgId,
    ticket_id: &TicketId,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    for _ in 0..5 {
        let Some(ticket) = app.store.get_ticket(org_id, ticket_id).await? else {
            return Ok(false);
        };
        if ticket.snoozed_until != Some(until) {
            return Ok(false);
        }
        let changes = TicketChanges {
            // Reopened meanwhile (a customer's answer): only the snooze ends.
            status: (ticket.status == TicketStatus::Pending).then_some(TicketStatus::Open),
            snoozed_until: Some(None),
            ..TicketChanges::default()
        };
        match app.store.update_ticket(&ticket, &changes).await {
            Ok(woken) => {
                // OPEN again: the resolution clock runs on (before the change is told).
                let woken = sla::status_changed(app, ticket.status, woken, now).await?;
                if changes.status.is_some() {
                    let tell = woken.assignee_id.as_ref().map(|a| realtime::Tell {
                        user_id: a,
                        kind: NoticeKind::SnoozeEnded,
                        by_user_id: None,
                        by_name: "Snooze",
                    });
                    realtime::ticket_updated(app, &woken, false, tell).await;
                }
                return Ok(changes.status.is_some());
            }
            Err(StoreError::Conflict(Conflict::StaleWrite)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}
