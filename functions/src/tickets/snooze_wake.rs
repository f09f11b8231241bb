//! The schedule that wakes snoozed tickets. The scheduled event's `time` is "now", so a
//! ticket wakes by the clock of the event, not of the machine.

use chrono::{DateTime, Utc};
use serde_json::Value;
use wrrk_shared::App;

/// How often the schedule runs (its registry line and template event use this).
pub const SCHEDULE: &str = "rate(1 minute)";

/// Wakes every ticket due at the event's `time`.
pub async fn handle(app: App, event: Value) -> Result<Value, String> {
    let now = event["time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let woke = wrrk_shared::snooze::wake_due(&app, now)
        .await
        .map_err(|e| format!("{e:#}"))?;
    if woke > 0 {
        tracing::info!(woke, "snoozed tickets woke");
    }
    serde_json::to_value(Woke { woke }).map_err(|e| e.to_string())
}

/// The function's answer (for the logs): tickets woken.
#[derive(serde::Serialize)]
struct Woke {
    woke: usize,
}
