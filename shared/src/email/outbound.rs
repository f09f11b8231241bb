//! An agent's public reply on an EMAIL ticket, as threaded raw MIME through SESv2, with
//! its delivery state recorded on the message: `sending`, then `sent` with the SES id, or
//! `failed` with the reason and a retry queued with backoff. Each state is announced to
//! the ticket's agents as `message:updated`.

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;

use super::thread;
use crate::App;
use crate::domain::{DeliveryState, EmailDelivery, Message, Organization, Ticket};
use crate::mail::escape_html;

/// Attempts before a failed mail stays failed for good (still listed, never silent).
pub const MAX_ATTEMPTS: u32 = 8;

/// How long to wait before attempt `attempts + 1`.
pub fn backoff(attempts: u32) -> Duration {
    let minutes = [1, 5, 15, 60, 180, 360, 720];
    Duration::minutes(minutes[(attempts.saturating_sub(1) as usize).min(minutes.len() - 1)])
}

/// The organization's built-in support address.
pub fn support_address(app: &App, org: &Organization) -> String {
    thread::default_support_address(&org.ticket_prefix, &org.id, &app.settings.inbound_domain)
}

/// The ticket's reply address (its token is registered on the first mail).
pub fn reply_address(app: &App, ticket: &Ticket) -> String {
    let token = thread::reply_token(&app.settings.jwt_secret, &ticket.id);
    thread::reply_address(&token, &app.settings.inbound_domain)
}

/// What the reply looks like on the wire, built without sending.
pub struct Rendered {
    /// Our Message-ID (without brackets).
    pub message_id: String,
    /// The envelope and header From.
    pub from: String,
    /// The customer.
    pub to: String,
    /// The raw MIME.
    pub raw: Vec<u8>,
}

/// Builds the raw MIME of `message` on `ticket` to `to`, carrying `message_id`.
pub fn render(
    app: &App,
    org: &Organization,
    ticket: &Ticket,
    message: &Message,
    to: &str,
    message_id: &str,
) -> anyhow::Result<Rendered> {
    let from_addr = support_address(app, org);
    let display = format!("{} via {}", message.author_name, org.name);
    let subject = format!(
        "Re: [#{}] {}",
        ticket.ticket_number,
        thread::clean_subject(&ticket.subject)
    );
    let text = format!(
        "{}\n\n-- \n{}\n{}\n",
        message.content, message.author_name, org.name
    );
    let paragraphs: String = message
        .content
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html><body>{paragraphs}<p>-- <br>{}<br>{}</p></body></html>",
        escape_html(&message.author_name),
        escape_html(&org.name)
    );
    let mut references: Vec<String> = ticket.email_references.clone();
    references.retain(|r| r != message_id);
    // Our own id rides in References too: SES replaces Message-ID, and replies copy
    // References, so a reply still names an id we know.
    references.push(message_id.to_string());
    let reply_to = reply_address(app, ticket);
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(
            Some(display.as_str()),
            from_addr.as_str(),
        ))
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
    let raw = builder.write_to_vec().context("rendering MIME")?;
    Ok(Rendered {
        message_id: message_id.to_string(),
        from: from_addr,
        to: to.to_string(),
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
        .unwrap_or_else(|| {
            format!(
                "{}@{}",
                crate::ids::new_id().to_lowercase(),
                app.settings.inbound_domain
            )
        });
    let attempts = previous.as_ref().map_or(0, |d| d.attempts) + 1;
    let token = thread::reply_token(&app.settings.jwt_secret, &ticket.id);
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
        .set_message_email(&ticket.org_id, &ticket.id, &message.id, &meta)
        .await?;
    announce(app, message, &meta).await;
    let rendered = render(
        app,
        &org,
        ticket,
        message,
        customer.email.as_str(),
        &message_id,
    )?;
    let from_header = format!(
        "{} via {} <{}>",
        message.author_name, org.name, rendered.from
    );
    let sent = app
        .mailer
        .send_raw(&from_header, &rendered.to, rendered.raw)
        .await;
    let delivery = match sent {
        Ok(ses_id) => {
            let ses_form = thread::ses_message_id(&ses_id, &app.mailer.region());
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
        Err(e) => {
            let now = Utc::now();
            let next = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
            if let Some(due) = next {
                app.store
                    .queue_mail_retry(due, &ticket.org_id, &ticket.id, &message.id)
                    .await?;
            }
            tracing::error!(ticket_id = %ticket.id, error = %e, attempts, "emailing the reply failed");
            EmailDelivery {
                state: DeliveryState::Failed,
                message_id,
                ses_message_id: None,
                error: Some(format!("{e:#}").chars().take(500).collect()),
                attempts,
                next_attempt_at: next,
            }
        }
    };
    meta.delivery = Some(delivery.clone());
    app.store
        .set_message_email(&ticket.org_id, &ticket.id, &message.id, &meta)
        .await?;
    announce(app, message, &meta).await;
    Ok(delivery)
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
