//! SES receipt rule -> raw MIME in S3 (`inbound/{messageId}`) -> this function. Resolves
//! the organization by recipient, honours verdicts, drops loops and bounces onto the
//! ticket they concern, threads the mail (reply address, then Message-IDs, then the
//! subject token for participants), and posts it through the one message path.
//!
//! Errors worth a retry (storage unreachable) fail the invocation so Lambda retries it;
//! mail that can never succeed (unknown recipient, unparseable) is dropped with a log
//! line and an `Ok` answer.

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use wrrk_shared::App;
use wrrk_shared::conversation::{self, Author, NewMessage};
use wrrk_shared::domain::{
    Attachment, AuthorType, Channel, Email, EmailMeta, MailKind, Message, Priority, Ticket,
};
use wrrk_shared::email::content::{fold_quotes, safe_filename, sanitize_html};
use wrrk_shared::email::thread::{self, clean_subject, subject_tokens};
use wrrk_shared::email::{InboundMail, parse};
use wrrk_shared::ids::{MessageId, OrgId, TicketId};
use wrrk_shared::store::{InboundClaim, NewTicket, QuarantinedMail, StoredAttachment};

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

fn failed(v: &Option<Verdict>) -> bool {
    v.as_ref()
        .is_some_and(|v| v.status.eq_ignore_ascii_case("FAIL"))
}

/// What SES says about one mail, besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    /// SES's id (the object key's last part).
    pub ses_message_id: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// Spam verdict FAIL.
    pub spam: bool,
    /// Virus verdict FAIL.
    pub virus: bool,
    /// DMARC FAIL under a `quarantine` or `reject` policy.
    pub dmarc_enforced_fail: bool,
    /// Where the raw mail is kept.
    pub s3_key: String,
}

/// The event function: one result per record.
pub async fn handle(app: App, event: Value) -> Result<Value, String> {
    let event: SesEvent =
        serde_json::from_value(event).map_err(|e| format!("not an SES event: {e}"))?;
    let mut results = Vec::new();
    for record in event.records {
        let SesBody { mail, receipt } = record.ses;
        let key = receipt
            .action
            .as_ref()
            .and_then(|a| a.object_key.clone())
            .unwrap_or_else(|| format!("{INBOUND_PREFIX}{}", mail.message_id));
        let bucket = receipt
            .action
            .as_ref()
            .and_then(|a| a.bucket_name.clone())
            .unwrap_or_else(|| app.settings.bucket_name.clone());
        let mut recipients = receipt.recipients.clone();
        if recipients.is_empty() {
            recipients = mail.destination.clone();
        }
        let envelope = Envelope {
            ses_message_id: mail.message_id.clone(),
            recipients,
            spam: failed(&receipt.spam_verdict),
            virus: failed(&receipt.virus_verdict),
            dmarc_enforced_fail: failed(&receipt.dmarc_verdict)
                && receipt
                    .dmarc_policy
                    .as_deref()
                    .is_some_and(|p| matches!(p.to_lowercase().as_str(), "quarantine" | "reject")),
            s3_key: key.clone(),
        };
        let raw = read_object(&app, &bucket, &key)
            .await
            .map_err(|e| format!("{e:#}"))?;
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

/// What became of one mail (the function's answer lists one per record, for the logs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "lowercase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// A new ticket.
    Opened {
        org_id: OrgId,
        ticket_id: TicketId,
        linked_to: Option<String>,
    },
    /// A message on an existing ticket.
    Added { org_id: OrgId, ticket_id: TicketId },
    /// Delivered before; nothing changed.
    Duplicate { org_id: OrgId, earlier: String },
    /// An auto-reply or bounce stored on its ticket.
    Machine {
        org_id: OrgId,
        ticket_id: TicketId,
        kind: MailKind,
    },
    /// Kept aside, not a ticket (`spam`, `virus`, `dmarc`).
    Quarantined { org_id: OrgId, reason: String },
    /// Not kept: why.
    Dropped {
        /// Why.
        reason: &'static str,
    },
}

impl Outcome {
    fn record(&self) -> String {
        match self {
            Self::Opened { ticket_id, .. }
            | Self::Added { ticket_id, .. }
            | Self::Machine { ticket_id, .. } => ticket_id.to_string(),
            Self::Duplicate { earlier, .. } => earlier.clone(),
            Self::Quarantined { reason, .. } => format!("quarantined:{reason}"),
            Self::Dropped { reason: why } => format!("dropped:{why}"),
        }
    }
}

/// Where a mail goes.
struct Route {
    org_id: OrgId,
    /// The ticket a reply address named.
    reply_ticket: Option<TicketId>,
}

/// The organization (and maybe ticket) of the first recipient wrrk knows: envelope
/// recipients first, then To, Cc, Delivered-To, X-Forwarded-To.
async fn route(
    app: &App,
    envelope: &Envelope,
    mail: &InboundMail,
) -> anyhow::Result<Option<Route>> {
    let domain = app.settings.inbound_domain.as_str();
    let candidates = envelope
        .recipients
        .iter()
        .map(|r| thread::normalize_address(r))
        .chain(mail.recipients.iter().cloned());
    for address in candidates {
        if let Some(token) = thread::token_of_reply_address(&address, domain) {
            if let Some((org_id, ticket_id)) = app.store.find_reply_token(&token).await? {
                return Ok(Some(Route {
                    org_id,
                    reply_ticket: Some(ticket_id),
                }));
            }
            continue;
        }
        if let Some(org_id) = thread::org_of_default_address(&address, domain)
            .as_deref()
            .and_then(OrgId::parse)
            && let Some(org) = app.store.get_organization(&org_id).await?
            && thread::default_support_address(&org.ticket_prefix, org.id.as_str(), domain)
                == address
        {
            return Ok(Some(Route {
                org_id,
                reply_ticket: None,
            }));
        }
        if let Some(org_id) = app.store.find_support_address(&address).await? {
            return Ok(Some(Route {
                org_id,
                reply_ticket: None,
            }));
        }
    }
    Ok(None)
}

fn dedupe_key(mail: &InboundMail, raw: &[u8]) -> String {
    let mut h = Sha256::new();
    match &mail.message_id {
        Some(id) => {
            h.update(id.as_bytes());
            h.update(b"\n");
            h.update(mail.from.as_deref().unwrap_or("").as_bytes());
        }
        None => h.update(raw),
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Handles one raw mail as SES delivered it.
pub async fn process(app: &App, raw: &[u8], envelope: &Envelope) -> anyhow::Result<Outcome> {
    let Some(mail) = parse(raw) else {
        tracing::warn!(ses_message_id = %envelope.ses_message_id, "dropped: not a MIME message");
        return Ok(Outcome::Dropped {
            reason: "unparseable",
        });
    };
    let Some(route) = route(app, envelope, &mail).await? else {
        tracing::warn!(ses_message_id = %envelope.ses_message_id, recipients = ?envelope.recipients, "dropped: no organization has this address");
        return Ok(Outcome::Dropped {
            reason: "unknown_recipient",
        });
    };
    let org_id = route.org_id.clone();
    let dedupe = dedupe_key(&mail, raw);
    match app
        .store
        .claim_inbound(&org_id, &dedupe, chrono::Duration::minutes(5))
        .await?
    {
        InboundClaim::New => {}
        InboundClaim::Done(earlier) => {
            tracing::info!(%org_id, %earlier, "duplicate delivery ignored");
            return Ok(Outcome::Duplicate { org_id, earlier });
        }
        InboundClaim::InProgress => {
            anyhow::bail!("another delivery of this mail is being processed")
        }
    }
    match handle_claimed(app, raw, envelope, &mail, &route).await {
        Ok(outcome) => {
            app.store
                .finish_inbound(&org_id, &dedupe, &outcome.record())
                .await?;
            Ok(outcome)
        }
        Err(e) => {
            let _ = app.store.release_inbound(&org_id, &dedupe).await;
            Err(e)
        }
    }
}

async fn quarantine(
    app: &App,
    org_id: &OrgId,
    mail: &InboundMail,
    envelope: &Envelope,
    reason: &str,
) -> anyhow::Result<Outcome> {
    app.store
        .put_quarantined(&QuarantinedMail {
            id: wrrk_shared::ids::new_id(),
            org_id: org_id.to_string(),
            reason: reason.to_string(),
            from: mail.from.clone().unwrap_or_default(),
            subject: clean_subject(&mail.subject),
            s3_key: envelope.s3_key.clone(),
            received_at: Utc::now(),
        })
        .await?;
    tracing::warn!(%org_id, reason, "inbound mail quarantined");
    Ok(Outcome::Quarantined {
        org_id: org_id.clone(),
        reason: reason.to_string(),
    })
}

async fn is_participant(app: &App, ticket: &Ticket, from: &str) -> anyhow::Result<bool> {
    if let Some(c) = app
        .store
        .get_customer(&ticket.org_id, &ticket.customer_id)
        .await?
        && c.email.as_str() == from
    {
        return Ok(true);
    }
    Ok(app
        .store
        .is_mail_participant(&ticket.org_id, &ticket.id, from)
        .await?)
}

/// The ticket a mail continues, and whether the sender takes part in it.
async fn find_thread(
    app: &App,
    route: &Route,
    mail: &InboundMail,
    from: &str,
) -> anyhow::Result<Option<(Ticket, bool)>> {
    let org_id = &route.org_id;
    let mut candidate = route.reply_ticket.clone();
    if candidate.is_none() {
        let mut ids = mail.references.clone();
        ids.extend(mail.in_reply_to.iter().cloned());
        candidate = app.store.find_ticket_by_references(org_id, &ids).await?;
    }
    if let Some(id) = candidate
        && let Some(ticket) = app.store.get_ticket(org_id, &id).await?
    {
        let participant = is_participant(app, &ticket, from).await?;
        return Ok(Some((ticket, participant)));
    }
    // A subject token threads only for the ticket's participants.
    for number in subject_tokens(&mail.subject) {
        if let Some(id) = app.store.find_ticket_by_number(org_id, &number).await?
            && let Some(ticket) = app.store.get_ticket(org_id, &id).await?
            && is_participant(app, &ticket, from).await?
        {
            return Ok(Some((ticket, true)));
        }
    }
    Ok(None)
}

pub(crate) async fn own_address(app: &App, address: &str) -> anyhow::Result<bool> {
    let domain = &app.settings.inbound_domain;
    if address.rsplit_once('@').is_some_and(|(_, d)| d == domain) {
        return Ok(true);
    }
    Ok(app.store.find_support_address(address).await?.is_some())
}

async fn handle_claimed(
    app: &App,
    raw: &[u8],
    envelope: &Envelope,
    mail: &InboundMail,
    route: &Route,
) -> anyhow::Result<Outcome> {
    let org_id = &route.org_id;
    if envelope.virus {
        return quarantine(app, org_id, mail, envelope, "virus").await;
    }
    if envelope.spam {
        return quarantine(app, org_id, mail, envelope, "spam").await;
    }
    let Some(from) = mail.from.clone() else {
        tracing::warn!(%org_id, "dropped: no From address");
        return Ok(Outcome::Dropped {
            reason: "no_sender",
        });
    };
    if let Some(bounce) = &mail.bounce {
        return handle_bounce(app, org_id, mail, bounce).await;
    }
    let from_email = match Email::parse("from", &from) {
        Ok(e) => e,
        Err(_) => {
            return Ok(Outcome::Dropped {
                reason: "invalid_sender",
            });
        }
    };
    if envelope.dmarc_enforced_fail
        && app
            .store
            .find_customer(org_id, &from_email)
            .await?
            .is_some()
    {
        return quarantine(app, org_id, mail, envelope, "dmarc").await;
    }
    let machine = mail.auto_reply || own_address(app, &from).await?;
    let thread = find_thread(app, route, mail, &from).await?;
    if machine {
        let Some((ticket, _)) = thread else {
            tracing::info!(%org_id, "dropped: an auto-reply to no ticket");
            return Ok(Outcome::Dropped {
                reason: "auto_reply",
            });
        };
        let meta = build_meta(app, org_id, mail, Some(MailKind::AutoReply)).await?;
        let posted = post(
            app,
            &ticket,
            mail,
            &from,
            meta.0,
            Some(dedupe_key(mail, raw)),
        )
        .await?;
        store_attachments(app, org_id, posted.ticket.id.as_str(), meta.1).await?;
        return Ok(Outcome::Machine {
            org_id: org_id.clone(),
            ticket_id: posted.ticket.id,
            kind: MailKind::AutoReply,
        });
    }
    let mut linked_to = None;
    if let Some((ticket, participant)) = thread {
        if participant {
            let (meta, attachments) = build_meta(app, org_id, mail, None).await?;
            let posted = post(app, &ticket, mail, &from, meta, Some(dedupe_key(mail, raw))).await?;
            store_attachments(app, org_id, posted.ticket.id.as_str(), attachments).await?;
            remember_thread(app, &posted.ticket, mail).await?;
            return Ok(Outcome::Added {
                org_id: org_id.clone(),
                ticket_id: posted.ticket.id,
            });
        }
        linked_to = Some(ticket);
    }
    open(app, org_id, mail, &from_email, linked_to).await
}

/// Stores the thread's Message-IDs and participants after a mail joined a ticket.
async fn remember_thread(app: &App, ticket: &Ticket, mail: &InboundMail) -> anyhow::Result<()> {
    let org_id = &ticket.org_id;
    if let Some(id) = &mail.message_id {
        app.store
            .put_mail_references(org_id, &ticket.id, std::slice::from_ref(id))
            .await?;
        if !ticket.email_references.contains(id) {
            app.store
                .append_ticket_references(org_id, &ticket.id, std::slice::from_ref(id))
                .await?;
        }
    }
    if let Some(from) = &mail.from {
        app.store
            .add_mail_participant(org_id, &ticket.id, from)
            .await?;
    }
    app.store
        .put_ticket_number_marker(org_id, &ticket.ticket_number, &ticket.id)
        .await?;
    Ok(())
}

async fn post(
    app: &App,
    ticket: &Ticket,
    mail: &InboundMail,
    from: &str,
    meta: EmailMeta,
    dedupe: Option<String>,
) -> anyhow::Result<conversation::Posted> {
    let customer = app
        .store
        .get_customer(&ticket.org_id, &ticket.customer_id)
        .await?;
    let is_customer = customer.as_ref().is_some_and(|c| c.email.as_str() == from);
    let name = mail.from_name.clone().unwrap_or_else(|| from.to_string());
    let mut meta = meta;
    if !is_customer {
        meta.from = Some(from.to_string());
    }
    let posted = conversation::post_message_with(
        app,
        ticket,
        NewMessage {
            author: Author {
                kind: AuthorType::Customer,
                id: is_customer.then(|| ticket.customer_id.to_string()),
                name,
            },
            content: fold_quotes(&mail.text),
            internal: false,
            channel: Some(Channel::Email),
            email_message_id: mail.message_id.clone(),
            dedupe_key: dedupe,
            uploads: Vec::new(),
        },
        Some(meta),
    )
    .await?;
    Ok(posted)
}

/// Uploads attachments (keys need no ticket) and builds the message's email details.
async fn build_meta(
    app: &App,
    org_id: &OrgId,
    mail: &InboundMail,
    kind: Option<MailKind>,
) -> anyhow::Result<(EmailMeta, Vec<(Attachment, String)>)> {
    let mut attachments = Vec::new();
    let mut cids = HashMap::new();
    for (i, part) in mail.parts.iter().enumerate() {
        let id = wrrk_shared::ids::new_id();
        let filename = safe_filename(part.filename.as_deref(), &format!("attachment-{}", i + 1));
        let key = format!("attachments/{org_id}/{id}/{filename}");
        app.s3
            .put_object()
            .bucket(&app.settings.bucket_name)
            .key(&key)
            .content_type(&part.content_type)
            .body(part.bytes.clone().into())
            .send()
            .await
            .with_context(|| format!("storing attachment {key}"))?;
        if let Some(cid) = &part.content_id {
            cids.insert(cid.clone(), format!("/api/attachments/{id}"));
        }
        attachments.push((
            Attachment {
                id,
                filename,
                content_type: part.content_type.clone(),
                size: part.bytes.len() as u64,
                content_id: part.content_id.clone(),
                inline: part.inline,
            },
            key,
        ));
    }
    let full_text = mail.text.trim_end().to_string();
    let folded = fold_quotes(&mail.text);
    let meta = EmailMeta {
        html: mail.html.as_deref().map(|h| sanitize_html(h, &cids)),
        full_text: (folded != full_text).then_some(full_text),
        attachments: attachments.iter().map(|(a, _)| a.clone()).collect(),
        kind,
        from: None,
        delivery: None,
        cc: Vec::new(),
        bcc: Vec::new(),
    };
    Ok((meta, attachments))
}

async fn store_attachments(
    app: &App,
    org_id: &OrgId,
    ticket_id: &str,
    attachments: Vec<(Attachment, String)>,
) -> anyhow::Result<()> {
    for (attachment, s3_key) in attachments {
        app.store
            .put_attachment(
                org_id,
                &StoredAttachment {
                    attachment,
                    ticket_id: ticket_id.to_string(),
                    s3_key,
                    state: None,
                    uploaded_by: None,
                    upload_session: None,
                    message_id: None,
                    ttl: None,
                },
            )
            .await?;
    }
    Ok(())
}

/// A new EMAIL ticket for the mail (linked to `linked_to` when it answered a thread its
/// sender is not part of).
async fn open(
    app: &App,
    org_id: &OrgId,
    mail: &InboundMail,
    from: &Email,
    linked_to: Option<Ticket>,
) -> anyhow::Result<Outcome> {
    let org = app
        .store
        .get_organization(org_id)
        .await?
        .context("organization vanished")?;
    let (meta, attachments) = build_meta(app, org_id, mail, None).await?;
    let name = mail
        .from_name
        .clone()
        .unwrap_or_else(|| from.as_str().split('@').next().unwrap_or("").to_string());
    let mut content = fold_quotes(&mail.text);
    if content.trim().is_empty() {
        content = "(no text)".into();
    }
    let mut references = mail.references.clone();
    references.extend(mail.in_reply_to.iter().cloned());
    references.extend(mail.message_id.iter().cloned());
    references.dedup();
    let opened = conversation::open_ticket(
        app,
        &org,
        NewTicket {
            subject: clean_subject(&mail.subject),
            priority: Priority::Medium,
            channel: Channel::Email,
            customer_email: from.clone(),
            customer_name: name.chars().take(100).collect(),
            customer_unverified_email: None,
            first_message: Some(Message {
                // The store gives the first message its ids.
                id: MessageId::new(),
                ticket_id: TicketId::new(),
                org_id: OrgId::new(),
                author_type: AuthorType::Customer,
                author_id: None,
                author_name: mail.from_name.clone().unwrap_or_else(|| from.to_string()),
                content,
                internal: false,
                channel: Channel::Email,
                email_message_id: mail.message_id.clone(),
                email: Some(meta),
                created_at: Utc::now(),
            }),
            email_references: mail.message_id.iter().cloned().collect(),
            follows: None,
        },
    )
    .await?;
    let ticket = opened.ticket;
    store_attachments(app, org_id, ticket.id.as_str(), attachments).await?;
    remember_thread(app, &ticket, mail).await?;
    // Everyone the customer wrote to alongside wrrk takes part in the thread.
    for r in &mail.recipients {
        if !own_address(app, r).await? {
            app.store
                .add_mail_participant(org_id, &ticket.id, r)
                .await?;
        }
    }
    let linked = linked_to.map(|t| t.ticket_number.clone());
    if let Some(old) = &linked {
        let note = format!(
            "{} answered the thread of {old}, which they are not part of: opened as a new ticket.",
            from
        );
        system_note(app, &ticket, note).await?;
    }
    tracing::info!(%org_id, ticket_id = %ticket.id, linked_to = ?linked, "ticket opened from mail");
    Ok(Outcome::Opened {
        org_id: org_id.clone(),
        ticket_id: ticket.id,
        linked_to: linked,
    })
}

async fn system_note(app: &App, ticket: &Ticket, content: String) -> anyhow::Result<()> {
    conversation::post_message(
        app,
        ticket,
        NewMessage {
            author: Author {
                kind: AuthorType::System,
                id: None,
                name: "wrrk".into(),
            },
            content,
            internal: true,
            channel: None,
            email_message_id: None,
            dedupe_key: None,
            uploads: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// A delivery report: kept on the ticket it concerns (never a ticket of its own), and
/// the failed addresses flagged as bouncing.
async fn handle_bounce(
    app: &App,
    org_id: &OrgId,
    mail: &InboundMail,
    bounce: &wrrk_shared::email::parse::BounceInfo,
) -> anyhow::Result<Outcome> {
    let ticket_id = app
        .store
        .find_ticket_by_references(org_id, &bounce.about)
        .await?;
    let ticket = match ticket_id {
        Some(id) => app.store.get_ticket(org_id, &id).await?,
        None => None,
    };
    let mut flagged = Vec::new();
    if bounce.permanent {
        for r in &bounce.recipients {
            if let Ok(e) = Email::parse("recipient", r)
                && let Some(c) = app.store.find_customer(org_id, &e).await?
            {
                app.store.mark_customer_bouncing(org_id, &c.id).await?;
                flagged.push(c.id);
            }
        }
        if flagged.is_empty()
            && let Some(t) = &ticket
        {
            app.store
                .mark_customer_bouncing(org_id, &t.customer_id)
                .await?;
        }
    }
    let Some(ticket) = ticket else {
        tracing::info!(%org_id, recipients = ?bounce.recipients, "bounce about no known ticket");
        return Ok(Outcome::Dropped {
            reason: "bounce_without_ticket",
        });
    };
    let what = if bounce.complaint {
        "A complaint report"
    } else {
        "A delivery failure report"
    };
    let content = format!(
        "{what} arrived for this ticket{}.\n\n{}",
        if bounce.recipients.is_empty() {
            String::new()
        } else {
            format!(" ({})", bounce.recipients.join(", "))
        },
        mail.text.chars().take(4000).collect::<String>()
    );
    let (meta, attachments) = build_meta(app, org_id, mail, Some(MailKind::Bounce)).await?;
    let posted = conversation::post_message_with(
        app,
        &ticket,
        NewMessage {
            author: Author {
                kind: AuthorType::System,
                id: None,
                name: "Mail delivery".into(),
            },
            content,
            internal: true,
            channel: Some(Channel::Email),
            email_message_id: mail.message_id.clone(),
            dedupe_key: None,
            uploads: Vec::new(),
        },
        Some(meta),
    )
    .await?;
    store_attachments(app, org_id, ticket.id.as_str(), attachments).await?;
    Ok(Outcome::Machine {
        org_id: org_id.clone(),
        ticket_id: posted.ticket.id,
        kind: MailKind::Bounce,
    })
}
