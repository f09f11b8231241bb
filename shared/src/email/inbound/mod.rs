//! Inbound mail as a module: [`process`] takes one raw mail and what SES said about it,
//! resolves the organization by recipient ([`route`]), holds or drops what must not
//! become a ticket ([`classify`]), keeps delivery reports on the ticket they concern,
//! threads the mail ([`thread`]: reply address, then Message-IDs, then the subject token
//! for participants) and posts it through the one message path. The Lambda handler only
//! decodes the SES event and reads the raw mail from the bucket.
//!
//! Errors worth a retry (storage unreachable) are returned, so the invocation fails and
//! Lambda retries it; mail that can never succeed (unknown recipient, unparseable) is
//! dropped with a log line and an `Ok` outcome.

pub mod classify;
pub mod parse;
pub mod route;
pub mod thread;

use std::collections::HashMap;

use anyhow::Context;
use chrono::Utc;
use serde::Serialize;
use sha2::{Digest, Sha256};

use self::classify::{BounceInfo, Class, Facts, bounce_note, classify};
pub use self::parse::{InboundMail, MailPart, parse};
use self::route::{Recipient, addressed_to, candidates, recipient, under_inbound_domain};
use self::thread::{Action, answered_ids, clean_subject, decide, linked_note, subject_tokens};
use crate::App;
use crate::conversation::{self, Author, NewMessage};
use crate::domain::{Attachment, Channel, Email, EmailMeta, MailKind, Priority, Ticket};
use crate::email::address::default_support_address;
use crate::email::content::{fold_quotes, safe_filename, sanitize_html};
use crate::ids::{MessageId, OrgId, TicketId};
use crate::store::{FirstMessage, InboundClaim, NewTicket, QuarantinedMail, StoredAttachment};

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

/// The organization (and maybe ticket) of the first recipient wrrk knows, in the order
/// of [`candidates`].
async fn route(
    app: &App,
    envelope: &Envelope,
    mail: &InboundMail,
) -> anyhow::Result<Option<Route>> {
    let domain = app.settings.inbound_domain.as_str();
    for address in candidates(&envelope.recipients, mail) {
        match recipient(&address, domain) {
            Recipient::Reply(token) => {
                if let Some((org_id, ticket_id)) = app.store.find_reply_token(&token).await? {
                    return Ok(Some(Route {
                        org_id,
                        reply_ticket: Some(ticket_id),
                    }));
                }
                continue;
            }
            Recipient::BuiltIn(org_id) => {
                if let Some(org_id) = OrgId::parse(&org_id)
                    && let Some(org) = app.store.get_organization(&org_id).await?
                    && default_support_address(&org.ticket_prefix, org.id.as_str(), domain)
                        == address
                {
                    return Ok(Some(Route {
                        org_id,
                        reply_ticket: None,
                    }));
                }
            }
            Recipient::Other => {}
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

/// The key a delivery is recognized by when SES delivers it again: the Message-ID with
/// its sender (another sender reusing an id is another mail), else the bytes.
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
            id: crate::ids::new_id(),
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
        candidate = app
            .store
            .find_ticket_by_references(org_id, &answered_ids(mail))
            .await?;
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

/// Whether `address` is wrrk's (under the inbound domain) or any organization's own
/// support address.
pub async fn own_address(app: &App, address: &str) -> anyhow::Result<bool> {
    if under_inbound_domain(address, &app.settings.inbound_domain) {
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
    let from = mail.from.clone().unwrap_or_default();
    let from_email = Email::parse("from", &from).ok();
    let mut facts = Facts {
        spam: envelope.spam,
        virus: envelope.virus,
        dmarc_enforced_fail: envelope.dmarc_enforced_fail,
        sender_valid: from_email.is_some(),
        ..Facts::default()
    };
    // Only what the classification still needs is looked up.
    let held = facts.spam || facts.virus || mail.from.is_none() || mail.bounce.is_some();
    if !held && let Some(e) = &from_email {
        facts.sender_is_customer =
            facts.dmarc_enforced_fail && app.store.find_customer(org_id, e).await?.is_some();
        facts.sender_is_own = own_address(app, &from).await?;
    }
    let class = classify(mail, facts);
    let machine = match class {
        Class::Quarantine(reason) => return quarantine(app, org_id, mail, envelope, reason).await,
        Class::Drop(reason) => {
            tracing::warn!(%org_id, reason, "inbound mail dropped");
            return Ok(Outcome::Dropped { reason });
        }
        Class::Bounce => {
            let bounce = mail
                .bounce
                .as_ref()
                .context("a bounce without its report")?;
            return handle_bounce(app, org_id, mail, bounce).await;
        }
        Class::Machine => true,
        Class::Person => false,
    };
    let Some(from_email) = from_email else {
        return Ok(Outcome::Dropped {
            reason: "invalid_sender",
        });
    };
    let found = find_thread(app, route, mail, &from).await?;
    match decide(found, machine) {
        Action::DropMachine => {
            tracing::info!(%org_id, "dropped: an auto-reply to no ticket");
            Ok(Outcome::Dropped {
                reason: "auto_reply",
            })
        }
        Action::KeepMachine(ticket) => {
            let (meta, attachments) =
                build_meta(app, org_id, mail, Some(MailKind::AutoReply)).await?;
            let posted = post(app, &ticket, mail, &from, meta, Some(dedupe_key(mail, raw))).await?;
            store_attachments(
                app,
                org_id,
                posted.ticket.id.as_str(),
                &posted.message.id,
                attachments,
            )
            .await?;
            Ok(Outcome::Machine {
                org_id: org_id.clone(),
                ticket_id: posted.ticket.id,
                kind: MailKind::AutoReply,
            })
        }
        Action::Join(ticket) => {
            let (meta, attachments) = build_meta(app, org_id, mail, None).await?;
            let posted = post(app, &ticket, mail, &from, meta, Some(dedupe_key(mail, raw))).await?;
            store_attachments(
                app,
                org_id,
                posted.ticket.id.as_str(),
                &posted.message.id,
                attachments,
            )
            .await?;
            remember_thread(app, &posted.ticket, mail).await?;
            // A ticket that follows a closed one answers from the address the closed one did.
            let to = came_to(app, org_id, envelope, mail)
                .await?
                .or(ticket.mail_to.clone());
            remember_mail_to(app, &posted.ticket, to).await?;
            Ok(Outcome::Added {
                org_id: org_id.clone(),
                ticket_id: posted.ticket.id,
            })
        }
        Action::Open { linked_to } => {
            let to = came_to(app, org_id, envelope, mail).await?;
            open(app, org_id, mail, &from_email, linked_to, to).await
        }
    }
}

/// The organization's own support address the mail was written to, if it names one
/// (forwarded mail reaches the built-in address with the own one in its headers).
async fn came_to(
    app: &App,
    org_id: &OrgId,
    envelope: &Envelope,
    mail: &InboundMail,
) -> anyhow::Result<Option<String>> {
    let domain = &app.settings.inbound_domain;
    let outside: Vec<String> = candidates(&envelope.recipients, mail)
        .into_iter()
        .filter(|a| !under_inbound_domain(a, domain))
        .collect();
    if outside.is_empty() {
        return Ok(None);
    }
    let own = app.store.list_support_addresses(org_id).await?;
    Ok(addressed_to(&outside, &own))
}

/// Records on the ticket the own address its customer wrote to, when it changed.
async fn remember_mail_to(app: &App, ticket: &Ticket, to: Option<String>) -> anyhow::Result<()> {
    if let Some(to) = to
        && ticket.mail_to.as_ref() != Some(&to)
    {
        app.store
            .set_ticket_mail_to(&ticket.org_id, &ticket.id, &to)
            .await?;
    }
    Ok(())
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
            author: Author::Customer {
                id: is_customer.then(|| ticket.customer_id.clone()),
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
        let id = crate::ids::new_id();
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

/// Records the mail's files, each naming its ticket and the message that lists them (what
/// lets a chat's visitor download the files of a mail answer in their chat).
async fn store_attachments(
    app: &App,
    org_id: &OrgId,
    ticket_id: &str,
    message_id: &MessageId,
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
                    message_id: Some(message_id.to_string()),
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
    mail_to: Option<String>,
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
    let first_id = MessageId::new();
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
            first_message: Some(FirstMessage {
                id: first_id.clone(),
                author: Author::Customer {
                    id: None,
                    name: mail.from_name.clone().unwrap_or_else(|| from.to_string()),
                },
                content,
                internal: false,
                channel: Channel::Email,
                email_message_id: mail.message_id.clone(),
                email: Some(meta),
            }),
            email_references: mail.message_id.iter().cloned().collect(),
            follows: None,
            team_id: None,
            // Routing rules name the organization's address the customer wrote to.
            via: crate::domain::Via {
                support_address: mail_to.clone(),
                widget_origin: None,
            },
        },
    )
    .await?;
    let ticket = opened.ticket;
    let message_id = opened.message.map_or(first_id, |m| m.id);
    store_attachments(app, org_id, ticket.id.as_str(), &message_id, attachments).await?;
    remember_thread(app, &ticket, mail).await?;
    remember_mail_to(app, &ticket, mail_to).await?;
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
        system_note(app, &ticket, linked_note(from.as_str(), old)).await?;
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
            author: Author::System {
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
    bounce: &BounceInfo,
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
    let content = bounce_note(bounce, &mail.text);
    let (meta, attachments) = build_meta(app, org_id, mail, Some(MailKind::Bounce)).await?;
    let posted = conversation::post_message_with(
        app,
        &ticket,
        NewMessage {
            author: Author::System {
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
    store_attachments(
        app,
        org_id,
        ticket.id.as_str(),
        &posted.message.id,
        attachments,
    )
    .await?;
    Ok(Outcome::Machine {
        org_id: org_id.clone(),
        ticket_id: posted.ticket.id,
        kind: MailKind::Bounce,
    })
}

/// A fixture of `fixtures/*.eml`, parsed (for the module's unit tests).
#[cfg(test)]
pub(crate) fn fixture(name: &str) -> InboundMail {
    let path = format!(
        "{}/src/email/inbound/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&raw).unwrap_or_else(|| panic!("{name} did not parse"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redelivery_has_the_same_key_and_another_sender_another() {
        let a = fixture("cc-reply-all.eml");
        assert_eq!(dedupe_key(&a, b"x"), dedupe_key(&a, b"other bytes"));
        let mut b = a.clone();
        b.from = Some("eve@elsewhere.io".into());
        assert_ne!(dedupe_key(&a, b"x"), dedupe_key(&b, b"x"));
    }

    #[test]
    fn a_mail_without_message_id_is_keyed_by_its_bytes() {
        let mut m = fixture("cc-reply-all.eml");
        m.message_id = None;
        assert_eq!(dedupe_key(&m, b"one"), dedupe_key(&m, b"one"));
        assert_ne!(dedupe_key(&m, b"one"), dedupe_key(&m, b"two"));
        assert_eq!(dedupe_key(&m, b"one").len(), 64);
    }

    #[test]
    fn outcomes_are_recorded_by_what_they_name() {
        let opened = Outcome::Opened {
            org_id: OrgId::trusted("O"),
            ticket_id: TicketId::trusted("T"),
            linked_to: None,
        };
        assert_eq!(opened.record(), "T");
        assert_eq!(
            Outcome::Dropped {
                reason: "auto_reply"
            }
            .record(),
            "dropped:auto_reply"
        );
        assert_eq!(
            Outcome::Quarantined {
                org_id: OrgId::trusted("O"),
                reason: "spam".into()
            }
            .record(),
            "quarantined:spam"
        );
        assert_eq!(
            serde_json::to_value(&opened).unwrap(),
            serde_json::json!({"outcome": "opened", "orgId": "O", "ticketId": "T", "linkedTo": null})
        );
    }
}
