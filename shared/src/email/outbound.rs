//! An agent's public reply on an EMAIL ticket, as threaded raw MIME through SESv2, with
//! its delivery state recorded on the message: `sending`, then `sent` with the SES id, or
//! `failed` with the reason and a retry queued with backoff. Each state is announced to
//! the ticket's agents as `message:updated`. A reply with files goes out as
//! `multipart/mixed`: the text and HTML alternative, then each file (base64), read from
//! the bucket when the mail is built (so a retry sends them again).

use std::borrow::Cow;

use anyhow::Context;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};

use super::address;
use super::content::{is_plain_filename, percent_encode_value};
use super::dead_letter::AfterFailure;
use super::identities;
use super::inbound::thread::{clean_subject, ses_message_id};
use super::templates::reply_bodies;
use super::transport::new_message_id;
use crate::App;
use crate::domain::{Attachment, DeliveryState, EmailDelivery, Message, Organization, Ticket};
use crate::ids::OrgId;
use crate::store::FailedSend;

/// Attempts before a failed mail stays failed for good: it is then a dead letter the
/// operator is alerted to and replays (`dead_letter`), and stays visible to agents.
pub const MAX_ATTEMPTS: u32 = 8;

/// SES refuses a raw message over 40 MB (attachments included, after encoding).
pub const SES_MAX_RAW_BYTES: usize = 40 * 1024 * 1024;

/// A file a reply carries, as read from the bucket.
#[derive(Debug, Clone)]
pub struct OutboundFile {
    /// The name the customer sees.
    pub filename: String,
    /// Its MIME type (checked when it was uploaded).
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// One file as a MIME part. A plain ASCII name is quoted as is; any other goes in
/// `Content-Type` as an RFC 2047 encoded word (what Outlook reads) and in
/// `Content-Disposition` in RFC 2231's extended form, split into continuations so no line
/// grows long (what the standard and most clients read).
fn attachment_part(file: &OutboundFile) -> MimePart<'_> {
    let (name, disposition) = if is_plain_filename(&file.filename) {
        let quoted = format!("\"{}\"", file.filename);
        (quoted.clone(), format!("attachment; filename={quoted}"))
    } else {
        // One encoded word: readers join several inside quotes with their spaces kept.
        let word = base64::engine::general_purpose::STANDARD.encode(file.filename.as_bytes());
        // Segments of about 45 characters, cut between characters, not inside one: some
        // readers (mail-parser among them) decode each continuation on its own.
        let mut segments = vec![String::new()];
        for c in file.filename.chars() {
            let encoded = percent_encode_value(c.encode_utf8(&mut [0; 4]));
            if segments
                .last()
                .is_some_and(|s| s.len() + encoded.len() > 45)
            {
                segments.push(String::new());
            }
            if let Some(last) = segments.last_mut() {
                last.push_str(&encoded);
            }
        }
        let params: Vec<String> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let charset = if i == 0 { "utf-8''" } else { "" };
                format!("filename*{i}*={charset}{s}")
            })
            .collect();
        (
            format!("\"=?utf-8?B?{word}?=\""),
            format!("attachment; {}", params.join("; ")),
        )
    };
    MimePart {
        headers: vec![
            (
                "Content-Type".into(),
                Raw::new(format!("{}; name={name}", file.content_type)).into(),
            ),
            ("Content-Disposition".into(), Raw::new(disposition).into()),
        ],
        // A binary body without a Content-Transfer-Encoding header is written as base64.
        contents: BodyPart::Binary(Cow::Borrowed(&file.bytes)),
    }
}

/// Reads the files of a reply from the bucket, in the message's order.
pub async fn load_files(
    app: &App,
    org_id: &OrgId,
    attachments: &[Attachment],
) -> anyhow::Result<Vec<OutboundFile>> {
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = attachments.iter().map(|a| a.id.clone()).collect();
    let stored = app.store.get_attachments(org_id, &ids).await?;
    let reads = attachments.iter().map(|a| {
        let stored = stored.iter().find(|s| s.attachment.id == a.id);
        async move {
            let stored = stored.with_context(|| format!("attachment {} is gone", a.id))?;
            let object = app
                .s3
                .get_object()
                .bucket(&app.settings.bucket_name)
                .key(&stored.s3_key)
                .send()
                .await
                .with_context(|| format!("reading {} from the bucket", a.filename))?;
            let bytes = object
                .body
                .collect()
                .await
                .with_context(|| format!("reading {} from the bucket", a.filename))?
                .into_bytes()
                .to_vec();
            Ok(OutboundFile {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                bytes,
            })
        }
    });
    futures::future::try_join_all(reads).await
}

/// How long to wait before attempt `attempts + 1`.
pub fn backoff(attempts: u32) -> Duration {
    let minutes = [1, 5, 15, 60, 180, 360, 720];
    Duration::minutes(minutes[(attempts.saturating_sub(1) as usize).min(minutes.len() - 1)])
}

/// The organization's built-in support address.
pub fn support_address(app: &App, org: &Organization) -> String {
    address::default_support_address(
        &org.ticket_prefix,
        org.id.as_str(),
        &app.settings.inbound_domain,
    )
}

/// The ticket's reply address (its token is registered on the first mail).
pub fn reply_address(app: &App, ticket: &Ticket) -> String {
    let token = address::reply_token(&app.settings.jwt_secret, ticket.id.as_str());
    address::reply_address(&token, &app.settings.inbound_domain)
}

/// What the reply looks like on the wire, built without sending.
pub struct Rendered {
    /// Our Message-ID (without brackets).
    pub message_id: String,
    /// The envelope and header From.
    pub from: String,
    /// The customer.
    pub to: String,
    /// Copied, in the `Cc` header.
    pub cc: Vec<String>,
    /// Copied unnamed (envelope only).
    pub bcc: Vec<String>,
    /// The raw MIME.
    pub raw: Vec<u8>,
}

/// The address a reply on `ticket` goes out from: the own address its customer wrote to
/// once a sender identity verified in SES covers it, else the built-in one (see
/// [`identities::sender_for`]).
pub async fn sender(app: &App, org: &Organization, ticket: &Ticket) -> anyhow::Result<String> {
    let builtin = support_address(app, org);
    let Some(to) = ticket.mail_to.as_deref() else {
        return Ok(builtin);
    };
    let mut own = app.store.list_sender_identities(&ticket.org_id).await?;
    // An identity still waiting is asked about again: SES may have verified it since.
    for identity in own
        .iter_mut()
        .filter(|i| !i.verified_for_sending && identities::covers(&i.identity, i.kind, to))
    {
        match identities::refresh(app, &ticket.org_id, identity).await {
            Ok(next) => *identity = next,
            Err(e) => tracing::warn!(
                error = %format!("{e:#}"),
                identity = %identity.identity,
                "could not ask SES about a sender identity; it counts as unverified"
            ),
        }
    }
    Ok(identities::sender_for(Some(to), &own, &builtin))
}

/// Builds the raw MIME of `message` on `ticket` from `from_addr` to `to`, carrying
/// `message_id` and `files`.
#[allow(clippy::too_many_arguments)]
pub fn render(
    app: &App,
    org: &Organization,
    ticket: &Ticket,
    message: &Message,
    from_addr: &str,
    to: &str,
    message_id: &str,
    files: &[OutboundFile],
) -> anyhow::Result<Rendered> {
    let display = format!("{} via {}", message.author_name, org.name);
    let subject = format!(
        "Re: [#{}] {}",
        ticket.ticket_number,
        clean_subject(&ticket.subject)
    );
    let (text, html) = reply_bodies(&message.content, &message.author_name, &org.name);
    let mut references: Vec<String> = ticket.email_references.clone();
    references.retain(|r| r != message_id);
    // Our own id rides in References too: SES replaces Message-ID, and replies copy
    // References, so a reply still names an id we know.
    references.push(message_id.to_string());
    let reply_to = reply_address(app, ticket);
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(Some(display.as_str()), from_addr))
        .to(to)
        .reply_to(reply_to.as_str())
        .subject(subject.as_str())
        .message_id(message_id)
        .references(references.clone())
        .header(
            "X-Wrrk-Ticket",
            mail_builder::headers::raw::Raw::new(ticket.ticket_number.clone()),
        )
        .text_body(text)
        .html_body(html);
    if let Some(last) = ticket.email_references.last() {
        builder = builder.in_reply_to(last.as_str());
    }
    let (cc, bcc) = message
        .email
        .as_ref()
        .map(|e| (e.cc.clone(), e.bcc.clone()))
        .unwrap_or_default();
    if !cc.is_empty() {
        builder = builder.cc(cc.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if !files.is_empty() {
        // With attachments the builder writes multipart/mixed around the alternative.
        builder.attachments = Some(files.iter().map(attachment_part).collect());
    }
    let raw = builder.write_to_vec().context("rendering MIME")?;
    Ok(Rendered {
        message_id: message_id.to_string(),
        from: from_addr.to_string(),
        to: to.to_string(),
        cc,
        bcc,
        raw,
    })
}

/// Sends `message` (an agent's public reply on an EMAIL ticket) to the ticket's customer
/// and records each step of its delivery on the message. Returns the final state.
pub async fn send_reply(
    app: &App,
    ticket: &Ticket,
    message: &Message,
) -> anyhow::Result<EmailDelivery> {
    let (customer, org) = tokio::try_join!(
        async {
            app.store
                .get_customer(&ticket.org_id, &ticket.customer_id)
                .await
                .map_err(anyhow::Error::from)
        },
        async {
            app.store
                .get_organization(&ticket.org_id)
                .await
                .map_err(anyhow::Error::from)
        },
    )?;
    let customer = customer.with_context(|| format!("ticket {} has no customer", ticket.id))?;
    let org = org.context("the ticket's organization is gone")?;
    let mut meta = message.email.clone().unwrap_or_default();
    let previous = meta.delivery.clone();
    let message_id = previous
        .as_ref()
        .map(|d| d.message_id.clone())
        .unwrap_or_else(|| new_message_id(&app.settings.inbound_domain));
    let attempts = previous.as_ref().map_or(0, |d| d.attempts) + 1;
    let token = address::reply_token(&app.settings.jwt_secret, ticket.id.as_str());
    // The markers replies are matched by exist before the mail can be answered.
    tokio::try_join!(
        app.store
            .put_reply_token(&token, &ticket.org_id, &ticket.id),
        app.store
            .put_ticket_number_marker(&ticket.org_id, &ticket.ticket_number, &ticket.id),
        app.store.put_mail_references(
            &ticket.org_id,
            &ticket.id,
            std::slice::from_ref(&message_id)
        ),
    )?;
    meta.delivery = Some(EmailDelivery {
        state: DeliveryState::Sending,
        message_id: message_id.clone(),
        ses_message_id: None,
        error: None,
        attempts,
        next_attempt_at: None,
    });
    app.store
        .set_message_email(&ticket.org_id, &ticket.id, message.id.as_str(), &meta)
        .await?;
    announce(app, message, &meta).await;
    let sent = match build(
        app,
        &org,
        ticket,
        message,
        customer.email.as_str(),
        &message_id,
    )
    .await
    {
        Ok(rendered) => {
            let from_header = format!(
                "{} via {} <{}>",
                message.author_name, org.name, rendered.from
            );
            app.mailer
                .send_raw(
                    &from_header,
                    &rendered.to,
                    &rendered.cc,
                    &rendered.bcc,
                    rendered.raw,
                )
                .await
                .map_err(|e| (e, true))
        }
        Err(failure) => Err(failure),
    };
    let delivery = match sent {
        Ok(ses_id) => {
            let ses_form = ses_message_id(&ses_id, &app.mailer.region());
            app.store
                .put_mail_references(&ticket.org_id, &ticket.id, std::slice::from_ref(&ses_form))
                .await?;
            app.store
                .append_ticket_references(
                    &ticket.org_id,
                    &ticket.id,
                    &[message_id.clone(), ses_form],
                )
                .await?;
            tracing::info!(ticket_id = %ticket.id, ses_message_id = %ses_id, "reply emailed");
            EmailDelivery {
                state: DeliveryState::Sent,
                message_id,
                ses_message_id: Some(ses_id),
                error: None,
                attempts,
                next_attempt_at: None,
            }
        }
        Err((e, retryable)) => {
            let now = Utc::now();
            let error: String = format!("{e:#}").chars().take(500).collect();
            tracing::error!(ticket_id = %ticket.id, error = %e, attempts, "emailing the reply failed");
            let next = match super::dead_letter::after_failure(attempts, retryable, now) {
                AfterFailure::Retry(due) => {
                    app.store
                        .queue_mail_retry(due, &ticket.org_id, &ticket.id, message.id.as_str())
                        .await?;
                    Some(due)
                }
                AfterFailure::DeadLetter => {
                    let failed = FailedSend {
                        org_id: ticket.org_id.clone(),
                        ticket_id: ticket.id.clone(),
                        message_id: message.id.clone(),
                        email_message_id: message_id.clone(),
                        error: error.clone(),
                        attempts,
                        failed_at: now,
                    };
                    super::dead_letter::record(app, &failed).await?;
                    None
                }
            };
            EmailDelivery {
                state: DeliveryState::Failed,
                message_id,
                ses_message_id: None,
                error: Some(error),
                attempts,
                next_attempt_at: next,
            }
        }
    };
    meta.delivery = Some(delivery.clone());
    app.store
        .set_message_email(&ticket.org_id, &ticket.id, message.id.as_str(), &meta)
        .await?;
    announce(app, message, &meta).await;
    Ok(delivery)
}

/// The raw mail of a reply with its files, or why it cannot go out and whether trying
/// again may help (a mail over SES's limit never will).
async fn build(
    app: &App,
    org: &Organization,
    ticket: &Ticket,
    message: &Message,
    to: &str,
    message_id: &str,
) -> Result<Rendered, (anyhow::Error, bool)> {
    let attachments = message
        .email
        .as_ref()
        .map(|e| e.attachments.as_slice())
        .unwrap_or_default();
    let (files, from) = tokio::try_join!(
        load_files(app, &ticket.org_id, attachments),
        sender(app, org, ticket)
    )
    .map_err(|e| (e, true))?;
    let rendered =
        render(app, org, ticket, message, &from, to, message_id, &files).map_err(|e| (e, true))?;
    check_size(rendered.raw.len()).map_err(|e| (e, false))?;
    Ok(rendered)
}

/// Refuses a mail SES would refuse for its size, with a reason an agent can act on.
pub fn check_size(raw_len: usize) -> anyhow::Result<()> {
    if raw_len > SES_MAX_RAW_BYTES {
        anyhow::bail!(
            "the mail with its attachments is {:.1} MB, over the 40 MB email providers accept; send fewer or smaller files",
            raw_len as f64 / (1024.0 * 1024.0)
        );
    }
    Ok(())
}

/// Tells the agents viewing the ticket that the message's delivery state moved, so the
/// thread shows "Sending…", "Sent" or the failure without a reload.
async fn announce(app: &App, message: &Message, meta: &crate::domain::EmailMeta) {
    let mut updated = message.clone();
    updated.email = Some(meta.clone());
    crate::realtime::message_updated(app, &updated).await;
}

/// Retries every failed mail due at `now`; returns how many were tried and how many went.
pub async fn retry_due(app: &App, now: DateTime<Utc>) -> anyhow::Result<(usize, usize)> {
    let due = app.store.due_mail_retries(now, 100).await?;
    let (mut tried, mut sent) = (0, 0);
    for item in due {
        let (ticket, message) = tokio::try_join!(
            app.store.get_ticket(&item.org_id, &item.ticket_id),
            app.store
                .get_message(&item.org_id, &item.ticket_id, &item.message_id),
        )?;
        // The queue item goes first: a new failure queues its own, later one.
        app.store.delete_mail_retry(&item.sk).await?;
        let (Some(ticket), Some(message)) = (ticket, message) else {
            continue;
        };
        let failed = message
            .email
            .as_ref()
            .and_then(|e| e.delivery.as_ref())
            .is_some_and(|d| d.state != DeliveryState::Sent);
        if !failed {
            continue;
        }
        tried += 1;
        if send_reply(app, &ticket, &message).await?.state == DeliveryState::Sent {
            sent += 1;
        }
    }
    Ok((tried, sent))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail_with(files: &[OutboundFile]) -> Vec<u8> {
        let mut b = MessageBuilder::new()
            .from("a@b.test")
            .to("c@d.test")
            .subject("Files")
            .text_body("See the files.")
            .html_body("<p>See the files.</p>");
        b.attachments = Some(files.iter().map(attachment_part).collect());
        b.write_to_vec().unwrap()
    }

    #[test]
    fn email_attachment_names_survive_any_characters_and_lines_stay_short() {
        let names = [
            "plain.pdf".to_string(),
            "with space.txt".to_string(),
            "日本語のファイル名.txt".to_string(),
            format!("{}😀.bin", "é".repeat(140)),
        ];
        let files: Vec<OutboundFile> = names
            .iter()
            .enumerate()
            .map(|(i, n)| OutboundFile {
                filename: n.clone(),
                content_type: "application/octet-stream".into(),
                bytes: vec![i as u8; 100 + i],
            })
            .collect();
        let raw = mail_with(&files);
        let text = String::from_utf8(raw.clone()).unwrap();
        assert!(text.is_ascii(), "headers are encoded");
        assert!(text.split("\r\n").all(|l| l.len() <= 998), "{text}");
        assert!(text.contains("Content-Type: multipart/mixed"), "{text}");
        assert!(text.contains("filename*0*=utf-8''"), "{text}");
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        use mail_parser::MimeHeaders as _;
        let got: Vec<(String, Vec<u8>)> = parsed
            .attachments()
            .map(|a| {
                (
                    a.attachment_name().unwrap_or_default().to_string(),
                    a.contents().to_vec(),
                )
            })
            .collect();
        let want: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| (f.filename.clone(), f.bytes.clone()))
            .collect();
        assert_eq!(got, want);
        // The Content-Type name (what Outlook shows) decodes to the same name.
        let ct_names: Vec<String> = parsed
            .attachments()
            .map(|a| {
                a.content_type()
                    .and_then(|c| c.attribute("name"))
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(ct_names, names);
        assert_eq!(parsed.body_text(0).unwrap().trim(), "See the files.");
    }

    #[test]
    fn email_a_mail_over_the_ses_limit_is_refused_with_its_size() {
        assert!(check_size(SES_MAX_RAW_BYTES).is_ok());
        let e = check_size(SES_MAX_RAW_BYTES + 1).unwrap_err().to_string();
        assert!(e.contains("40.0 MB") && e.contains("40 MB"), "{e}");
    }
}
