//! The local SMTP door: a real SMTP listener (the `mailin` protocol engine on tokio) that
//! does what SES inbound does: stores each message in S3 under `inbound/{messageId}` and
//! invokes the inbound-mail function with the SES event (verdicts `PASS`). Unlike SES,
//! it answers `250` only after the function ran, so a sender (or a test) knows the mail
//! has landed when its SMTP transaction ends.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use mailin::{Action, Handler, Response, SessionBuilder, response};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::task::JoinHandle;

/// The largest mail SES accepts (40 MB); bigger ones are refused with 552.
pub const MAX_MESSAGE_BYTES: usize = 40 * 1024 * 1024;

/// What a receipt rule says about a mail.
#[derive(Debug, Clone)]
pub struct Verdicts {
    /// `PASS`, `FAIL`, `GRAY` or `PROCESSING_FAILED`.
    pub spam: String,
    /// Same values.
    pub virus: String,
    /// Same values.
    pub dmarc: String,
    /// The sender domain's DMARC policy (`none`, `quarantine`, `reject`).
    pub dmarc_policy: Option<String>,
}

impl Default for Verdicts {
    fn default() -> Self {
        Self {
            spam: "PASS".into(),
            virus: "PASS".into(),
            dmarc: "PASS".into(),
            dmarc_policy: None,
        }
    }
}

/// An SES-style message id (`0100019…-…-000000`).
pub fn ses_message_id() -> String {
    let u = ulid::Ulid::new().0.to_be_bytes();
    let hex: String = u.iter().map(|b| format!("{b:02x}")).collect();
    let ms = chrono::Utc::now().timestamp_millis();
    format!(
        "010001{ms:010x}-{}-{}-{}-{}-{}-000000",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The event an SES receipt rule's Lambda action sends for a mail (as documented for
/// `invocationType: Event`; the body is in S3, never in the event).
pub fn ses_event(
    message_id: &str,
    raw: &[u8],
    envelope_from: &str,
    recipients: &[String],
    v: &Verdicts,
) -> Value {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let parsed = mail_parser::MessageParser::default().parse_headers(raw);
    let mut headers = Vec::new();
    let mut common = json!({ "returnPath": envelope_from });
    if let Some(m) = &parsed {
        for (name, value) in m.headers_raw() {
            headers.push(json!({ "name": name, "value": value.trim() }));
        }
        let list = |a: Option<&mail_parser::Address<'_>>| -> Vec<String> {
            a.map(|a| {
                a.iter()
                    .filter_map(|x| x.address().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
        };
        common = json!({
            "returnPath": envelope_from,
            "from": list(m.from()),
            "to": list(m.to()),
            "messageId": m.message_id().map(|i| format!("<{i}>")),
            "subject": m.subject(),
        });
    }
    let mut receipt = json!({
        "timestamp": now,
        "processingTimeMillis": 1,
        "recipients": recipients,
        "spamVerdict": { "status": v.spam },
        "virusVerdict": { "status": v.virus },
        "spfVerdict": { "status": "PASS" },
        "dkimVerdict": { "status": "PASS" },
        "dmarcVerdict": { "status": v.dmarc },
        "action": {
            "type": "Lambda",
            "functionArn": "arn:aws:lambda:us-east-1:000000000000:function:email-inbound",
            "invocationType": "Event"
        }
    });
    if let Some(p) = &v.dmarc_policy {
        receipt["dmarcPolicy"] = json!(p);
    }
    json!({
        "Records": [{
            "eventSource": "aws:ses",
            "eventVersion": "1.0",
            "ses": {
                "mail": {
                    "timestamp": now,
                    "source": envelope_from,
                    "messageId": message_id,
                    "destination": recipients,
                    "headersTruncated": false,
                    "headers": headers,
                    "commonHeaders": common,
                },
                "receipt": receipt,
            }
        }]
    })
}

/// Hands one received mail on (to S3 and the inbound function): `raw`, envelope sender,
/// envelope recipients.
pub type Deliver = Arc<
    dyn Fn(Vec<u8>, String, Vec<String>) -> BoxFuture<'static, Result<(), String>> + Send + Sync,
>;

#[derive(Default)]
struct Transaction {
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
    too_big: bool,
    finished: bool,
}

#[derive(Clone, Default)]
struct DoorHandler(Arc<Mutex<Transaction>>);

impl Handler for DoorHandler {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        if let Ok(mut t) = self.0.lock() {
            *t = Transaction {
                from: if from == NULL_SENDER {
                    String::new()
                } else {
                    from.to_string()
                },
                ..Transaction::default()
            };
        }
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if let Ok(mut t) = self.0.lock() {
            t.to.push(to.trim_matches(['<', '>']).to_string());
        }
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Ok(mut t) = self.0.lock() {
            if t.data.len() + buf.len() > MAX_MESSAGE_BYTES {
                t.too_big = true;
            } else {
                t.data.extend_from_slice(buf);
            }
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Ok(mut t) = self.0.lock() {
            t.finished = true;
        }
        response::OK
    }
}

/// Serves SMTP on `listener` until the task is aborted.
pub fn spawn(listener: tokio::net::TcpListener, deliver: Deliver) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let deliver = deliver.clone();
            tokio::spawn(async move {
                if let Err(e) = session(stream, peer, deliver).await {
                    tracing::debug!(error = %e, "SMTP session ended");
                }
            });
        }
    })
}

const NULL_SENDER: &str = "null-sender@wrrk.invalid";

fn is_null_sender(line: &[u8]) -> bool {
    let l = String::from_utf8_lossy(line).to_ascii_uppercase();
    let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
    l.starts_with("MAILFROM:<>")
}

async fn write(w: &mut (impl AsyncWriteExt + Unpin), r: &Response) -> std::io::Result<()> {
    w.write_all(&r.buffer()?).await?;
    w.flush().await
}

async fn session(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    deliver: Deliver,
) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let (r, mut w) = stream.into_split();
    let mut reader = BufReader::new(r);
    let handler = DoorHandler::default();
    let state = handler.0.clone();
    let mut session = SessionBuilder::new("wrrk-local").build(peer.ip(), handler);
    write(&mut w, &session.greeting()).await?;
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        // The null reverse-path of bounces (`MAIL FROM:<>`, RFC 5321 4.5.5) is valid SMTP
        // that the protocol engine refuses: hand it a placeholder, recorded as empty.
        let reply = if is_null_sender(&line) {
            session.process(format!("MAIL FROM:<{NULL_SENDER}>\r\n").as_bytes())
        } else {
            session.process(&line)
        };
        let finished = {
            let mut t = state
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?;
            if t.finished {
                Some(std::mem::take(&mut *t))
            } else {
                None
            }
        };
        if let Some(t) = finished {
            let answer = if t.too_big {
                Response::custom(552, "Message exceeds the 40 MB limit".into())
            } else {
                match deliver(t.data, t.from, t.to).await {
                    Ok(()) => response::OK,
                    Err(e) => {
                        tracing::error!(error = %e, "inbound delivery failed");
                        response::INTERNAL_ERROR
                    }
                }
            };
            write(&mut w, &answer).await?;
            continue;
        }
        match reply.action {
            Action::NoReply => {}
            Action::Close => {
                write(&mut w, &reply).await?;
                return Ok(());
            }
            Action::UpgradeTls => {
                write(&mut w, &Response::custom(454, "TLS not available".into())).await?;
            }
            Action::Reply => write(&mut w, &reply).await?,
        }
    }
}
