//! The SESv2 outbox: answers `SendEmail` as SES would, keeps each raw MIME message, and
//! lists them at `GET /_local/outbox` for people and tests.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// One sent message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    /// The id SES answered with.
    pub id: String,
    /// The envelope sender.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Decoded subject.
    pub subject: String,
    /// The raw MIME, as sent.
    pub raw: String,
    /// When it was sent (RFC 3339).
    pub sent_at: String,
}

/// Sent mail, in memory and optionally in `data_dir/outbox/*.json`.
#[derive(Clone, Default)]
pub struct Outbox {
    messages: Arc<Mutex<Vec<OutboxMessage>>>,
    dir: Option<PathBuf>,
}

impl Outbox {
    /// An outbox persisted under `dir` (loading what is already there), or in memory.
    pub fn open(dir: Option<PathBuf>) -> anyhow::Result<Self> {
        let mut messages = Vec::new();
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir)?;
            let mut files: Vec<_> = std::fs::read_dir(dir)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            for f in files {
                if let Ok(m) = serde_json::from_slice(&std::fs::read(&f)?) {
                    messages.push(m);
                }
            }
        }
        Ok(Self {
            messages: Arc::new(Mutex::new(messages)),
            dir,
        })
    }

    /// Every message sent so far, oldest first.
    pub fn messages(&self) -> Vec<OutboxMessage> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    fn push(&self, m: OutboxMessage) -> anyhow::Result<()> {
        if let Some(dir) = &self.dir {
            std::fs::write(
                dir.join(format!("{}.json", m.id)),
                serde_json::to_vec_pretty(&m)?,
            )?;
        }
        self.messages
            .lock()
            .map_err(|_| anyhow::anyhow!("outbox lock poisoned"))?
            .push(m);
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SendEmailRequest {
    from_email_address: Option<String>,
    destination: Option<Destination>,
    content: Content,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Destination {
    #[serde(default)]
    to_addresses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Content {
    raw: Option<Raw>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Raw {
    data: String,
}

fn ses_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        [("x-amzn-errortype", kind.to_string())],
        Json(json!({ "message": message })),
    )
        .into_response()
}

/// `POST /v2/email/outbound-emails`: SESv2 SendEmail with raw content.
pub(crate) async fn send_email(
    State(outbox): State<Outbox>,
    Json(req): Json<SendEmailRequest>,
) -> Response {
    let Some(raw) = req.content.raw else {
        return ses_error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "only Raw content is supported locally",
        );
    };
    let Ok(bytes) = STANDARD.decode(raw.data.as_bytes()) else {
        return ses_error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "Raw.Data is not base64",
        );
    };
    let parsed = mail_parser::MessageParser::default().parse(&bytes);
    let subject = parsed
        .as_ref()
        .and_then(|m| m.subject())
        .unwrap_or_default()
        .to_string();
    let mut to = req.destination.map(|d| d.to_addresses).unwrap_or_default();
    if to.is_empty() {
        to = parsed
            .as_ref()
            .and_then(|m| m.to())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.address().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
    }
    let message = OutboxMessage {
        id: ulid::Ulid::new().to_string(),
        from: req.from_email_address.unwrap_or_default(),
        to,
        subject,
        raw: String::from_utf8_lossy(&bytes).into_owned(),
        sent_at: chrono::Utc::now().to_rfc3339(),
    };
    let id = message.id.clone();
    match outbox.push(message) {
        Ok(()) => Json(json!({ "MessageId": id })).into_response(),
        Err(e) => ses_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            &e.to_string(),
        ),
    }
}

/// `GET /_local/outbox`: every message sent, newest last.
pub(crate) async fn list(State(outbox): State<Outbox>) -> Json<Vec<OutboxMessage>> {
    Json(outbox.messages())
}
