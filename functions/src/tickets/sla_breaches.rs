//! The schedule that checks SLA due times: a ticket still due for a target when its time
//! comes breached it, and its assignee and team hear of it once. The scheduled event's
//! `time` is "now", so breaches follow the clock of the event, not of the machine.

use chrono::{DateTime, Utc};
use serde_json::Value;
use wrrk_shared::App;

/// How often the schedule runs (its registry line and template event use this).
pub const SCHEDULE: &str = "rate(1 minute)";

/// Checks every due time reached at the event's `time`.
pub async fn handle(app: App, event: Value) -> Result<Value, String> {
    let now = event["time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let breached = wrrk_shared::sla::check_breaches(&app, now)
        .await
        .map_err(|e| format!("{e:#}"))?;
    serde_json::to_value(Breached { breached }).map_err(|e| e.to_string())
}

/// The function's answer (for the logs): breaches announced.
#[derive(serde::Serialize)]
struct Breached {
    breached: usize,
}
