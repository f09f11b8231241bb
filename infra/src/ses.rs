//! The SESv2 outbox: answers `SendEmail` as SES would (an SES-style `MessageId`, and the
//! mail's `Message-ID` header replaced by `<{MessageId}@{region}.amazonses.com>`, exactly
//! what breaks naive threading in production), keeps each raw MIME message, and lists
//! them decoded at `GET /_local/outbox` for people and tests.
//!
//! Sender identities as SESv2 keeps them (`CreateEmailIdentity`, `GetEmailIdentity`,
//! `DeleteEmailIdentity`): a new one is `PENDING` until verified, which AWS does when the
//! link it mails is followed or the DKIM records appear in DNS, and which this stack does
//! on `POST /_local/ses/identities/{identity}/verify`. `SendEmail` refuses a From address
//! no verified identity covers, as SES does; the stack's own domain starts verified.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// SES's limit on a raw message, attachments included.
pub const MAX_RAW_BYTES: usize = 40 * 1024 * 1024;

/// The largest `SendEmail` request body: a raw message at the limit, base64 in JSON.
pub const MAX_REQUEST_BYTES: usize = MAX_RAW_BYTES / 3 * 4 + 64 * 1024;

/// One sent message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    /// The id SES answered with.
    pub id: String,
    /// The envelope sender.
    pub from: String,
    /// Every envelope recipient (To, Cc and Bcc).
    pub to: Vec<String>,
    /// Decoded subject.
    pub subject: String,
    /// The raw MIME, as sent.
    pub raw: String,
    /// When it was sent (RFC 3339).
    pub sent_at: String,
    /// The mail decoded: headers, text, HTML, attachment names.
    #[serde(default)]
    pub decoded: Decoded,
}

/// A sent mail as a person reads it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decoded {
    /// Every header, decoded, in order.
    pub headers: Vec<(String, String)>,
    /// The text body.
    pub text: Option<String>,
    /// The HTML body.
    pub html: Option<String>,
    /// Attachment file names.
    pub attachments: Vec<String>,
}

impl Decoded {
    /// Decodes raw MIME.
    pub fn of(raw: &[u8]) -> Self {
        let Some(m) = mail_parser::MessageParser::default().parse(raw) else {
            return Self::default();
        };
        use mail_parser::MimeHeaders as _;
        Self {
            headers: m
                .headers_raw()
                .map(|(n, v)| (n.to_string(), v.trim().replace("\r\n", "")))
                .collect(),
            text: m.body_text(0).map(|t| t.into_owned()),
            html: m
                .html_bodies()
                .any(|p| matches!(p.body, mail_parser::PartType::Html(_)))
                .then(|| m.body_html(0).map(|h| h.into_owned()))
                .flatten(),
            attachments: m
                .attachments()
                .map(|a| a.attachment_name().unwrap_or("(unnamed)").to_string())
                .collect(),
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The region the local SES pretends to run in.
pub const REGION: &str = "us-east-1";

/// Replaces (or adds) the `Message-ID` header of raw MIME, as SES does on sending.
pub fn rewrite_message_id(raw: &[u8], new_id: &str) -> Vec<u8> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 2)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 1))
        .unwrap_or(raw.len());
    let head = &raw[..end];
    let mut out = Vec::with_capacity(raw.len() + 64);
    let mut skipping = false;
    let mut replaced = false;
    for line in head.split_inclusive(|b| *b == b'\n') {
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if skipping && continuation {
            continue;
        }
        skipping = false;
        if line.len() >= 11 && line[..11].eq_ignore_ascii_case(b"message-id:") {
            skipping = true;
            if !replaced {
                out.extend_from_slice(format!("Message-ID: <{new_id}>\r\n").as_bytes());
                replaced = true;
            }
            continue;
        }
        out.extend_from_slice(line);
    }
    if !replaced {
        let mut with = format!("Message-ID: <{new_id}>\r\n").into_bytes();
        with.extend_from_slice(&out);
        out = with;
    }
    out.extend_from_slice(&raw[end..]);
    out
}

/// Sent mail, in memory and optionally in `data_dir/outbox/*.json`.
#[derive(Clone, Default)]
pub struct Outbox {
    messages: Arc<Mutex<Vec<OutboxMessage>>>,
    dir: Option<PathBuf>,
    fail_next: Arc<AtomicUsize>,
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
            fail_next: Arc::default(),
        })
    }

    /// Makes the next `n` sends fail as SES does when it cannot take mail (a 503
    /// `ServiceUnavailable`): how tests see failed sends and their retries.
    pub fn fail_next(&self, n: usize) {
        self.fail_next.store(n, Ordering::SeqCst);
    }

    fn should_fail(&self) -> bool {
        self.fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
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

/// One sender identity as the local SES keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalIdentity {
    /// The address or domain, lower-case.
    pub identity: String,
    /// `EMAIL_ADDRESS` or `DOMAIN`.
    pub identity_type: String,
    /// `PENDING` or `SUCCESS`.
    pub verification_status: String,
    /// Easy DKIM tokens (domains).
    pub tokens: Vec<String>,
}

impl LocalIdentity {
    fn new(identity: &str) -> Self {
        let domain = !identity.contains('@');
        let token = || {
            let n: u128 = rand::random();
            format!("{n:032x}")
        };
        Self {
            identity: identity.to_string(),
            identity_type: if domain { "DOMAIN" } else { "EMAIL_ADDRESS" }.into(),
            verification_status: "PENDING".into(),
            tokens: if domain {
                vec![token(), token(), token()]
            } else {
                Vec::new()
            },
        }
    }

    fn verified(&self) -> bool {
        self.verification_status == "SUCCESS"
    }

    /// The body SESv2 answers `GetEmailIdentity` with.
    fn to_json(&self) -> serde_json::Value {
        let domain = self.identity_type == "DOMAIN";
        let dkim_status = match (domain, self.verified()) {
            (false, _) => "NOT_STARTED",
            (true, true) => "SUCCESS",
            (true, false) => "PENDING",
        };
        json!({
            "IdentityType": self.identity_type,
            "FeedbackForwardingStatus": true,
            "VerifiedForSendingStatus": self.verified(),
            "VerificationStatus": self.verification_status,
            "DkimAttributes": {
                "SigningEnabled": domain,
                "Status": dkim_status,
                "Tokens": self.tokens,
                "SigningAttributesOrigin": "AWS_SES",
                "CurrentSigningKeyLength": "RSA_2048_BIT",
                "NextSigningKeyLength": "RSA_2048_BIT",
            },
            "Policies": {},
            "Tags": [],
        })
    }
}

/// Sender identities, in memory and optionally in `data_dir/ses-identities.json`.
#[derive(Clone, Default)]
pub struct Identities {
    map: Arc<Mutex<BTreeMap<String, LocalIdentity>>>,
    file: Option<PathBuf>,
}

impl Identities {
    /// Identities persisted in `file` (loading what is there), with `verified` (the
    /// stack's own domains) verified from the start.
    pub fn open(file: Option<PathBuf>, verified: &[&str]) -> anyhow::Result<Self> {
        let mut map: BTreeMap<String, LocalIdentity> = match &file {
            Some(f) if f.exists() => serde_json::from_slice(&std::fs::read(f)?)?,
            _ => BTreeMap::new(),
        };
        for v in verified {
            let v = v.to_lowercase();
            map.entry(v.clone())
                .or_insert_with(|| LocalIdentity::new(&v))
                .verification_status = "SUCCESS".into();
        }
        Ok(Self {
            map: Arc::new(Mutex::new(map)),
            file,
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<String, LocalIdentity>) -> T) -> T {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let out = f(&mut map);
        if let Some(file) = &self.file
            && let Ok(bytes) = serde_json::to_vec_pretty(&*map)
            && let Err(e) = std::fs::write(file, bytes)
        {
            tracing::warn!(error = %e, "could not persist the local SES identities");
        }
        out
    }

    /// One identity.
    pub fn get(&self, identity: &str) -> Option<LocalIdentity> {
        self.with(|m| m.get(&identity.to_lowercase()).cloned())
    }

    /// Marks an identity verified, as AWS does once the link is followed or the DKIM
    /// records are found; `false` when there is no such identity.
    pub fn verify(&self, identity: &str) -> bool {
        self.with(|m| match m.get_mut(&identity.to_lowercase()) {
            Some(i) => {
                i.verification_status = "SUCCESS".into();
                true
            }
            None => false,
        })
    }

    /// Whether mail may go out from `address`: a verified identity is the address, its
    /// domain or a parent domain.
    pub fn may_send_from(&self, address: &str) -> bool {
        let address = address.to_lowercase();
        let Some((_, mut domain)) = address.rsplit_once('@') else {
            return false;
        };
        self.with(|m| {
            if m.get(&address).is_some_and(LocalIdentity::verified) {
                return true;
            }
            loop {
                if m.get(domain).is_some_and(LocalIdentity::verified) {
                    return true;
                }
                match domain.split_once('.') {
                    Some((_, parent)) if parent.contains('.') => domain = parent,
                    _ => return false,
                }
            }
        })
    }
}

/// The local SES's state: sent mail and sender identities.
#[derive(Clone)]
pub struct Ses {
    /// Sent mail.
    pub outbox: Outbox,
    /// Sender identities.
    pub identities: Identities,
}

impl FromRef<Ses> for Outbox {
    fn from_ref(ses: &Ses) -> Self {
        ses.outbox.clone()
    }
}

impl FromRef<Ses> for Identities {
    fn from_ref(ses: &Ses) -> Self {
        ses.identities.clone()
    }
}

/// The body of `CreateEmailIdentity`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateIdentityRequest {
    email_identity: String,
}

/// `POST /v2/email/identities`: SESv2 CreateEmailIdentity.
pub(crate) async fn create_identity(
    State(identities): State<Identities>,
    Json(req): Json<CreateIdentityRequest>,
) -> Response {
    let name = req.email_identity.trim().to_lowercase();
    if name.is_empty() || name.len() > 320 || name.contains(char::is_whitespace) {
        return ses_error(
            StatusCode::BAD_REQUEST,
            "BadRequestException",
            "Invalid email identity",
        );
    }
    let created = identities.with(|m| {
        if m.contains_key(&name) {
            return None;
        }
        let identity = LocalIdentity::new(&name);
        m.insert(name.clone(), identity.clone());
        Some(identity)
    });
    let Some(identity) = created else {
        return ses_error(
            StatusCode::BAD_REQUEST,
            "AlreadyExistsException",
            &format!("Email identity {name} already exist."),
        );
    };
    let full = identity.to_json();
    Json(json!({
        "IdentityType": full["IdentityType"],
        "VerifiedForSendingStatus": false,
        "DkimAttributes": full["DkimAttributes"],
    }))
    .into_response()
}

fn identity_not_found(name: &str) -> Response {
    ses_error(
        StatusCode::NOT_FOUND,
        "NotFoundException",
        &format!("Email identity {name} does not exist."),
    )
}

/// `GET /v2/email/identities/{identity}`: SESv2 GetEmailIdentity.
pub(crate) async fn get_identity(
    State(identities): State<Identities>,
    Path(name): Path<String>,
) -> Response {
    match identities.get(&name) {
        Some(i) => Json(i.to_json()).into_response(),
        None => identity_not_found(&name),
    }
}

/// `DELETE /v2/email/identities/{identity}`: SESv2 DeleteEmailIdentity.
pub(crate) async fn delete_identity(
    State(identities): State<Identities>,
    Path(name): Path<String>,
) -> Response {
    match identities.with(|m| m.remove(&name.to_lowercase())) {
        Some(_) => Json(json!({})).into_response(),
        None => identity_not_found(&name),
    }
}

/// `POST /_local/ses/identities/{identity}/verify`: what AWS does once the verification
/// link is followed or the DKIM records are found. Local only; JSON answer.
pub(crate) async fn verify_identity(
    State(identities): State<Identities>,
    Path(name): Path<String>,
) -> Response {
    if identities.verify(&name) {
        Json(json!({ "identity": name.to_lowercase(), "verificationStatus": "SUCCESS" }))
            .into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no identity {name}") })),
        )
            .into_response()
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
    #[serde(default)]
    cc_addresses: Vec<String>,
    #[serde(default)]
    bcc_addresses: Vec<String>,
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
    State(ses): State<Ses>,
    Json(req): Json<SendEmailRequest>,
) -> Response {
    let outbox = ses.outbox;
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
    if bytes.len() > MAX_RAW_BYTES {
        return ses_error(
            StatusCode::BAD_REQUEST,
            "MessageRejected",
            "Message length is more than 40 MB",
        );
    }
    // SES checks the sender against the account's verified identities.
    let sender = req
        .from_email_address
        .as_deref()
        .map(sender_address)
        .or_else(|| {
            mail_parser::MessageParser::default()
                .parse(&bytes)
                .and_then(|m| {
                    m.from()
                        .and_then(|f| f.first())
                        .and_then(|a| a.address())
                        .map(str::to_string)
                })
        })
        .unwrap_or_default();
    if !ses.identities.may_send_from(&sender) {
        return ses_error(
            StatusCode::BAD_REQUEST,
            "MessageRejected",
            &format!(
                "Email address is not verified. The following identities failed the check in region {}: {sender}",
                REGION.to_uppercase()
            ),
        );
    }
    if outbox.should_fail() {
        return ses_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Service is unavailable (local outbox told to fail)",
        );
    }
    let id = crate::smtp::ses_message_id();
    let bytes = rewrite_message_id(&bytes, &format!("{id}@{REGION}.amazonses.com"));
    let parsed = mail_parser::MessageParser::default().parse(&bytes);
    let subject = parsed
        .as_ref()
        .and_then(|m| m.subject())
        .unwrap_or_default()
        .to_string();
    // Every envelope recipient, as SES delivers to each (Bcc ones are in no header).
    let mut to: Vec<String> = req
        .destination
        .map(|d| {
            d.to_addresses
                .into_iter()
                .chain(d.cc_addresses)
                .chain(d.bcc_addresses)
                .collect()
        })
        .unwrap_or_default();
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
        id,
        from: req.from_email_address.unwrap_or_default(),
        to,
        subject,
        decoded: Decoded::of(&bytes),
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

/// The address of a `From` value (`Name <address>` or a bare address).
fn sender_address(from: &str) -> String {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(l), Some(r)) if l < r => from[l + 1..r].trim().to_string(),
        _ => from.trim().to_string(),
    }
}

/// `GET /_local/outbox`: every message sent, newest last.
pub(crate) async fn list(State(outbox): State<Outbox>) -> Json<Vec<OutboxMessage>> {
    Json(outbox.messages())
}

/// `POST /_local/outbox/fail` `{"count": n}`: the next `n` sends fail as SES does when it
/// cannot take mail (0 stops it). The SDK retries a 503 itself, so one failed reply takes
/// a few: a large count fails every send until reset. A local switch for trying the
/// "not delivered" state and the retry schedule by hand or from browser tests; it is
/// JSON only, so another web page cannot flip it without a preflight nobody answers.
pub(crate) async fn fail(
    State(outbox): State<Outbox>,
    Json(body): Json<FailRequest>,
) -> Json<serde_json::Value> {
    outbox.fail_next(body.count);
    Json(json!({ "count": body.count }))
}

/// The body of `POST /_local/outbox/fail`.
#[derive(Debug, Deserialize)]
pub(crate) struct FailRequest {
    count: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_identity_is_pending_and_a_domain_gets_three_tokens() {
        let d = LocalIdentity::new("acme.io");
        assert_eq!(d.identity_type, "DOMAIN");
        assert_eq!(d.verification_status, "PENDING");
        assert_eq!(d.tokens.len(), 3);
        assert!(d.tokens.iter().all(|t| t.len() == 32));
        let a = LocalIdentity::new("support@acme.io");
        assert_eq!(a.identity_type, "EMAIL_ADDRESS");
        assert!(a.tokens.is_empty());
        assert_eq!(a.to_json()["VerifiedForSendingStatus"], false);
    }

    #[test]
    fn only_verified_identities_let_mail_out() {
        let ids = Identities::open(None, &["wrrk.local"]).unwrap();
        assert!(ids.may_send_from("acme-1@wrrk.local"));
        assert!(
            ids.may_send_from("x@eu.wrrk.local"),
            "subdomains of a verified domain"
        );
        ids.with(|m| {
            m.insert(
                "support@acme.io".into(),
                LocalIdentity::new("support@acme.io"),
            )
        });
        assert!(!ids.may_send_from("support@acme.io"), "pending");
        assert!(ids.verify("Support@Acme.io"));
        assert!(ids.may_send_from("support@acme.io"));
        assert!(
            !ids.may_send_from("help@acme.io"),
            "an address covers only itself"
        );
        assert!(!ids.verify("nobody@acme.io"));
        assert!(!ids.may_send_from("not an address"));
    }

    #[test]
    fn from_values_give_their_address() {
        assert_eq!(sender_address("Ada via Acme <a@b.io>"), "a@b.io");
        assert_eq!(sender_address(" a@b.io "), "a@b.io");
    }
}
