//! Outbound mail that failed for good: after its last retry (or at once, for a mail SES
//! would never take) it is kept as a dead letter in the table (`Store::record_failed_send`)
//! and counted in the `wrrk/FailedSends` CloudWatch metric (an embedded-metric log line:
//! no metric filter, and nothing billed while nothing fails), which `FailedSendsAlarm`
//! watches. Once the cause is fixed the operator replays the dead letters
//! (`email-retry` invoked with `{"failedSends": "replay"}`, docs/deploy.md): each is
//! claimed by a conditional delete and sent with its first Message-ID, so no mail goes
//! out twice, however many replays run, and a mail an agent sent again meanwhile is not
//! sent.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::outbound::{self, MAX_ATTEMPTS};
use crate::App;
use crate::domain::{DeliveryState, EmailDelivery};
use crate::store::FailedSend;

/// What follows a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterFailure {
    /// The retry schedule tries again at this time.
    Retry(DateTime<Utc>),
    /// No more tries: the mail becomes a dead letter.
    DeadLetter,
}

/// The step after attempt number `attempts` failed at `now`; `retryable` is false for a
/// failure no retry can mend (a mail over SES's size limit).
pub fn after_failure(attempts: u32, retryable: bool, now: DateTime<Utc>) -> AfterFailure {
    if retryable && attempts < MAX_ATTEMPTS {
        AfterFailure::Retry(now + outbound::backoff(attempts))
    } else {
        AfterFailure::DeadLetter
    }
}

/// What a replay does with one dead letter, given the message's delivery now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayStep {
    /// Still failed: send it (once claimed).
    Send,
    /// Sent since (an agent sent it again): drop the dead letter, send nothing.
    AlreadySent,
    /// Being sent right now: leave it for a later replay.
    InFlight,
    /// The ticket or message is gone: drop the dead letter.
    Gone,
}

/// The replay step for a message in `delivery` state (`None`: the message is gone, or
/// has no mail to send).
pub fn replay_step(delivery: Option<&EmailDelivery>) -> ReplayStep {
    match delivery.map(|d| &d.state) {
        None => ReplayStep::Gone,
        Some(DeliveryState::Sent) => ReplayStep::AlreadySent,
        Some(DeliveryState::Sending) => ReplayStep::InFlight,
        Some(DeliveryState::Failed) => ReplayStep::Send,
    }
}

/// The metric's namespace.
pub const METRIC_NAMESPACE: &str = "wrrk";
/// The metric: dead letters recorded.
pub const METRIC_NAME: &str = "FailedSends";

/// One CloudWatch embedded-metric-format line counting a failed send for the stack whose
/// table is `table` (the dimension the alarm names), at `at`.
pub fn metric_line(table: &str, at: DateTime<Utc>) -> String {
    serde_json::json!({
        "_aws": {
            "Timestamp": at.timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": METRIC_NAMESPACE,
                "Dimensions": [["Table"]],
                "Metrics": [{ "Name": METRIC_NAME, "Unit": "Count" }],
            }],
        },
        "Table": table,
        METRIC_NAME: 1,
        "message": "outbound mail failed for good; replay it once fixed (docs/deploy.md)",
    })
    .to_string()
}

/// Keeps a mail that failed for good as a dead letter and counts it.
pub async fn record(app: &App, failed: &FailedSend) -> anyhow::Result<()> {
    app.store.record_failed_send(failed).await?;
    // Lambda sends stdout to CloudWatch Logs, which turns this line into the metric.
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        println!(
            "{}",
            metric_line(&app.settings.table_name, failed.failed_at)
        );
    }
    tracing::error!(
        ticket_id = %failed.ticket_id,
        message_id = %failed.message_id,
        attempts = failed.attempts,
        error = %failed.error,
        "outbound mail failed for good: kept as a dead letter"
    );
    Ok(())
}

/// What a replay did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replayed {
    /// Dead letters this replay claimed and sent again.
    pub replayed: usize,
    /// Of those, the ones that went out (the others are dead letters again).
    pub sent: usize,
    /// Dropped without sending: sent since, or their message is gone.
    pub dropped: usize,
    /// Left for a later replay: being sent right now, or claimed by another replay.
    pub skipped: usize,
}

/// Sends every dead letter again, once (up to 100 per run).
pub async fn replay(app: &App) -> anyhow::Result<Replayed> {
    let mut done = Replayed::default();
    for failed in app.store.failed_sends(100).await? {
        let (ticket, message) = tokio::try_join!(
            app.store.get_ticket(&failed.org_id, &failed.ticket_id),
            app.store.get_message(
                &failed.org_id,
                &failed.ticket_id,
                failed.message_id.as_str()
            ),
        )?;
        let delivery = message
            .as_ref()
            .and_then(|m| m.email.as_ref())
            .and_then(|e| e.delivery.as_ref())
            .filter(|_| ticket.is_some());
        let step = replay_step(delivery);
        if step == ReplayStep::InFlight {
            done.skipped += 1;
            continue;
        }
        // Only the caller that removes the dead letter acts on it.
        if !app
            .store
            .take_failed_send(
                &failed.org_id,
                &failed.ticket_id,
                failed.message_id.as_str(),
            )
            .await?
        {
            done.skipped += 1;
            continue;
        }
        let (ReplayStep::Send, Some(ticket), Some(message)) = (step, ticket, message) else {
            done.dropped += 1;
            continue;
        };
        done.replayed += 1;
        // A new failure records the dead letter again (its attempts are spent).
        if outbound::send_reply(app, &ticket, &message).await?.state == DeliveryState::Sent {
            done.sent += 1;
        }
    }
    Ok(done)
}

/// The dead letters as the operator lists them.
pub async fn list(app: &App) -> anyhow::Result<Vec<FailedSend>> {
    Ok(app.store.failed_sends(100).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    fn delivery(state: DeliveryState) -> EmailDelivery {
        EmailDelivery {
            state,
            message_id: "m@mail.example.com".into(),
            ses_message_id: None,
            error: None,
            attempts: MAX_ATTEMPTS,
            next_attempt_at: None,
        }
    }

    #[test]
    fn a_retryable_failure_is_retried_with_backoff_until_the_last_attempt() {
        for attempts in 1..MAX_ATTEMPTS {
            assert_eq!(
                after_failure(attempts, true, at(0)),
                AfterFailure::Retry(at(0) + outbound::backoff(attempts)),
                "attempt {attempts}"
            );
        }
    }

    #[test]
    fn the_last_attempt_makes_a_dead_letter() {
        assert_eq!(
            after_failure(MAX_ATTEMPTS, true, at(0)),
            AfterFailure::DeadLetter
        );
        // A replay is one more attempt past the last: a new failure is a dead letter again.
        assert_eq!(
            after_failure(MAX_ATTEMPTS + 1, true, at(0)),
            AfterFailure::DeadLetter
        );
    }

    #[test]
    fn a_failure_no_retry_mends_is_a_dead_letter_at_once() {
        assert_eq!(after_failure(1, false, at(0)), AfterFailure::DeadLetter);
    }

    #[test]
    fn retries_back_off_and_then_wait_twelve_hours_each() {
        let waits: Vec<i64> = (1..MAX_ATTEMPTS)
            .map(|n| outbound::backoff(n).num_minutes())
            .collect();
        assert_eq!(waits, [1, 5, 15, 60, 180, 360, 720]);
        assert_eq!(outbound::backoff(0).num_minutes(), 1);
        assert_eq!(outbound::backoff(50).num_minutes(), 720);
    }

    #[test]
    fn a_replay_sends_only_a_message_still_failed() {
        assert_eq!(
            replay_step(Some(&delivery(DeliveryState::Failed))),
            ReplayStep::Send
        );
    }

    #[test]
    fn a_replay_drops_a_message_sent_since_without_sending() {
        assert_eq!(
            replay_step(Some(&delivery(DeliveryState::Sent))),
            ReplayStep::AlreadySent
        );
    }

    #[test]
    fn a_replay_leaves_a_message_being_sent() {
        assert_eq!(
            replay_step(Some(&delivery(DeliveryState::Sending))),
            ReplayStep::InFlight
        );
    }

    #[test]
    fn a_replay_drops_a_message_that_is_gone() {
        assert_eq!(replay_step(None), ReplayStep::Gone);
    }

    #[test]
    fn the_metric_line_is_embedded_metric_format_for_the_stack() {
        let line: serde_json::Value =
            serde_json::from_str(&metric_line("wrrk-Table-1", at(0))).unwrap();
        let m = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(m["Namespace"], METRIC_NAMESPACE);
        assert_eq!(m["Dimensions"], serde_json::json!([["Table"]]));
        assert_eq!(m["Metrics"][0]["Name"], METRIC_NAME);
        assert_eq!(line["_aws"]["Timestamp"], at(0).timestamp_millis());
        // Each dimension and metric is a top-level member of the line.
        assert_eq!(line["Table"], "wrrk-Table-1");
        assert_eq!(line[METRIC_NAME], 1);
    }
}
