//! The schedule that retries failed outbound mail with backoff. The scheduled event's
//! `time` is "now", so a retry is due by the clock of the event, not of the machine.

use chrono::{DateTime, Utc};
use serde_json::Value;
use wrrk_shared::App;

/// How often the schedule runs (its registry line and template event use this).
pub const SCHEDULE: &str = "rate(1 minute)";

/// Retries every failed mail due at the event's `time`.
pub async fn handle(app: App, event: Value) -> Result<Value, String> {
    let now = event["time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let (tried, sent) = wrrk_shared::email::outbound::retry_due(&app, now)
        .await
        .map_err(|e| format!("{e:#}"))?;
    if tried > 0 {
        tracing::info!(tried, sent, "outbound mail retried");
    }
    serde_json::to_value(Retried { tried, sent }).map_err(|e| e.to_string())
}

/// The function's answer (for the logs): mails tried and sent.
#[derive(serde::Serialize)]
struct Retried {
    tried: usize,
    sent: usize,
}
