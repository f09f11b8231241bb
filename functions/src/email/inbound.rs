//! SES receipt rule -> raw MIME in S3 (`inbound/{messageId}`) -> this function: decodes
//! the SES event, reads the raw mail from the bucket and hands both to
//! [`wrrk_shared::email::inbound::process`], which does everything else.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wrrk_shared::App;
use wrrk_shared::email::inbound::classify::{dmarc_enforced_fail, verdict_failed};
pub use wrrk_shared::email::inbound::{Envelope, Outcome, process};

/// The S3 prefix the receipt rule stores raw mail under.
pub const INBOUND_PREFIX: &str = "inbound/";

/// The SES event, read tolerantly: every field may be missing (the event types of
/// `aws_lambda_events` reject an event without, say, a DMARC verdict).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SesEvent {
    #[serde(rename = "Records")]
    records: Vec<SesRecord>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SesRecord {
    ses: SesBody,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SesBody {
    mail: SesMail,
    receipt: SesReceipt,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SesMail {
    message_id: String,
    source: Option<String>,
    destination: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SesReceipt {
    recipients: Vec<String>,
    spam_verdict: Option<Verdict>,
    virus_verdict: Option<Verdict>,
    dmarc_verdict: Option<Verdict>,
    dmarc_policy: Option<String>,
    action: Option<SesAction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Verdict {
    status: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct SesAction {
    bucket_name: Option<String>,
    object_key: Option<String>,
}

fn status(v: &Option<Verdict>) -> Option<&str> {
    v.as_ref().map(|v| v.status.as_str())
}

/// Where one record's mail is kept (bucket, key) and what SES said about it.
fn envelope(body: &SesBody, default_bucket: &str) -> (String, Envelope) {
    let SesBody { mail, receipt } = body;
    let action = receipt.action.as_ref();
    let key = action
        .and_then(|a| a.object_key.clone())
        .unwrap_or_else(|| format!("{INBOUND_PREFIX}{}", mail.message_id));
    let bucket = action
        .and_then(|a| a.bucket_name.clone())
        .unwrap_or_else(|| default_bucket.to_string());
    let recipients = if receipt.recipients.is_empty() {
        mail.destination.clone()
    } else {
        receipt.recipients.clone()
    };
    let envelope = Envelope {
        ses_message_id: mail.message_id.clone(),
        recipients,
        spam: verdict_failed(status(&receipt.spam_verdict)),
        virus: verdict_failed(status(&receipt.virus_verdict)),
        dmarc_enforced_fail: dmarc_enforced_fail(
            status(&receipt.dmarc_verdict),
            receipt.dmarc_policy.as_deref(),
        ),
        s3_key: key,
    };
    (bucket, envelope)
}

/// The event function: one result per record.
pub async fn handle(app: App, event: Value) -> Result<Value, String> {
    let event: SesEvent =
        serde_json::from_value(event).map_err(|e| format!("not an SES event: {e}"))?;
    let mut results = Vec::new();
    for record in event.records {
        let (bucket, envelope) = envelope(&record.ses, &app.settings.bucket_name);
        let raw = read_object(&app, &bucket, &envelope.s3_key)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let mail = &record.ses.mail;
        tracing::info!(ses_message_id = %mail.message_id, source = ?mail.source, bytes = raw.len(), "inbound mail");
        let outcome = process(&app, &raw, &envelope).await.map_err(|e| {
            tracing::error!(error = %format!("{e:#}"), ses_message_id = %mail.message_id, "inbound mail failed; SES retries");
            format!("{e:#}")
        })?;
        results.push(outcome);
    }
    serde_json::to_value(Handled { results }).map_err(|e| e.to_string())
}

async fn read_object(app: &App, bucket: &str, key: &str) -> anyhow::Result<Vec<u8>> {
    let out = app
        .s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .with_context(|| format!("reading s3://{bucket}/{key}"))?;
    let bytes = out
        .body
        .collect()
        .await
        .context("reading the mail's bytes")?;
    Ok(bytes.into_bytes().to_vec())
}

/// The function's answer: what became of each record's mail.
#[derive(Serialize)]
struct Handled {
    results: Vec<Outcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SES receipt event as AWS documents it (Lambda action after an S3 action).
    const EVENT: &str = r#"{"Records":[{"eventSource":"aws:ses","eventVersion":"1.0","ses":{
        "mail":{"messageId":"o3vrnil0e2ic28","source":"kim@customer.io","destination":["acme@in.test"]},
        "receipt":{"recipients":["acme@in.test","help@acme.io"],
          "spamVerdict":{"status":"PASS"},"virusVerdict":{"status":"FAIL"},
          "dmarcVerdict":{"status":"FAIL"},"dmarcPolicy":"reject",
          "action":{"type":"Lambda","functionArn":"arn:aws:lambda:us-east-1:1:function:x","invocationType":"Event",
                    "bucketName":"mail-bucket","objectKey":"inbound/o3vrnil0e2ic28"}}}}]}"#;

    #[test]
    fn the_ses_event_gives_the_object_and_the_verdicts() {
        let event: SesEvent = serde_json::from_str(EVENT).unwrap();
        let (bucket, e) = envelope(&event.records[0].ses, "default");
        assert_eq!(bucket, "mail-bucket");
        assert_eq!(e.s3_key, "inbound/o3vrnil0e2ic28");
        assert_eq!(e.ses_message_id, "o3vrnil0e2ic28");
        assert_eq!(e.recipients, ["acme@in.test", "help@acme.io"]);
        assert!(e.virus && !e.spam && e.dmarc_enforced_fail);
    }

    #[test]
    fn a_sparse_event_falls_back_to_the_destination_and_the_default_object() {
        let event: SesEvent = serde_json::from_str(
            r#"{"Records":[{"ses":{"mail":{"messageId":"m1","destination":["a@in.test"]}}}]}"#,
        )
        .unwrap();
        let (bucket, e) = envelope(&event.records[0].ses, "default");
        assert_eq!(bucket, "default");
        assert_eq!(e.s3_key, "inbound/m1");
        assert_eq!(e.recipients, ["a@in.test"]);
        assert!(!e.virus && !e.spam && !e.dmarc_enforced_fail);
    }
}
