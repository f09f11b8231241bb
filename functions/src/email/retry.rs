//! The schedule that retries failed outbound mail with backoff. The scheduled event's
//! `time` is "now", so a retry is due by the clock of the event, not of the machine.
//!
//! The operator invokes the same function by hand for the mail that failed for good
//! (the send dead letters, `wrrk_shared::email::dead_letter`): `{"failedSends": "list"}`
//! lists them, `{"failedSends": "replay"}` sends each again, once.

use chrono::{DateTime, Utc};
use serde_json::Value;
use wrrk_shared::App;
use wrrk_shared::email::dead_letter;

/// How often the schedule runs (its registry line and template event use this).
pub const SCHEDULE: &str = "rate(1 minute)";

/// What an invocation asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// The schedule: retry what is due at this time.
    Retry(DateTime<Utc>),
    /// List the dead letters.
    ListFailedSends,
    /// Send the dead letters again.
    ReplayFailedSends,
}

/// Reads an event: an operator's `failedSends` command, else the schedule's (its `time`,
/// or the clock's `now` when it has none).
pub fn request(event: &Value, now: DateTime<Utc>) -> Result<Request, String> {
    match event.get("failedSends") {
        Some(Value::String(c)) if c == "list" => return Ok(Request::ListFailedSends),
        Some(Value::String(c)) if c == "replay" => return Ok(Request::ReplayFailedSends),
        Some(other) => {
            return Err(format!(
                "failedSends must be \"list\" or \"replay\", not {other}"
            ));
        }
        None => {}
    }
    Ok(Request::Retry(
        event["time"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(now, |t| t.with_timezone(&Utc)),
    ))
}

/// Retries every failed mail due at the event's `time`, or runs an operator's command.
pub async fn handle(app: App, event: Value) -> Result<Value, String> {
    match request(&event, Utc::now())? {
        Request::Retry(now) => {
            let (tried, sent) = wrrk_shared::email::outbound::retry_due(&app, now)
                .await
                .map_err(|e| format!("{e:#}"))?;
            if tried > 0 {
                tracing::info!(tried, sent, "outbound mail retried");
            }
            serde_json::to_value(Retried { tried, sent }).map_err(|e| e.to_string())
        }
        Request::ListFailedSends => {
            let failed = dead_letter::list(&app)
                .await
                .map_err(|e| format!("{e:#}"))?;
            Ok(serde_json::json!({ "failedSends": failed }))
        }
        Request::ReplayFailedSends => {
            let done = dead_letter::replay(&app)
                .await
                .map_err(|e| format!("{e:#}"))?;
            tracing::info!(?done, "failed sends replayed");
            serde_json::to_value(done).map_err(|e| e.to_string())
        }
    }
}

/// The function's answer (for the logs): mails tried and sent.
#[derive(serde::Serialize)]
struct Retried {
    tried: usize,
    sent: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn a_scheduled_event_retries_by_its_own_time() {
        let event = json!({
            "version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
            "detail-type": "Scheduled Event", "source": "aws.events",
            "time": "2026-12-04T18:45:00Z", "region": "eu-west-1", "detail": {}
        });
        let want = DateTime::parse_from_rfc3339("2026-12-04T18:45:00Z").unwrap();
        assert_eq!(request(&event, now()), Ok(Request::Retry(want.into())));
    }

    #[test]
    fn an_event_without_a_time_retries_by_the_clock() {
        assert_eq!(request(&json!({}), now()), Ok(Request::Retry(now())));
        assert_eq!(
            request(&json!({ "time": "yesterday" }), now()),
            Ok(Request::Retry(now()))
        );
    }

    #[test]
    fn the_operators_commands_are_read() {
        assert_eq!(
            request(&json!({ "failedSends": "list" }), now()),
            Ok(Request::ListFailedSends)
        );
        assert_eq!(
            request(&json!({ "failedSends": "replay" }), now()),
            Ok(Request::ReplayFailedSends)
        );
    }

    #[test]
    fn an_unknown_command_is_refused_not_taken_for_the_schedule() {
        for bad in [
            json!({ "failedSends": "resend" }),
            json!({ "failedSends": true }),
        ] {
            assert!(request(&bad, now()).is_err(), "{bad}");
        }
    }
}
