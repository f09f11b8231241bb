//! Outbound email: real MIME (text and HTML parts) sent raw through SESv2.

use anyhow::Context;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{EmailContent, RawMessage};
use mail_builder::MessageBuilder;

/// An email to send.
#[derive(Debug, Clone)]
pub struct OutboundEmail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body; build it with [`escape_html`] around anything user-supplied.
    pub html: String,
    /// Message-IDs (without brackets) this replies to, oldest first; sets `In-Reply-To`
    /// (the last) and `References` (all) so mail clients thread the conversation.
    pub thread: Vec<String>,
}

/// Sends mail with SESv2 `SendEmail` (raw content).
pub struct Mailer {
    ses: aws_sdk_sesv2::Client,
    from: String,
}

impl Mailer {
    /// A mailer sending as `from`.
    pub fn new(ses: aws_sdk_sesv2::Client, from: String) -> Self {
        Self { ses, from }
    }

    /// Builds the MIME message for `email` with a fresh `Message-ID`; returns both.
    pub fn render(&self, email: &OutboundEmail) -> anyhow::Result<(String, Vec<u8>)> {
        let (name, addr) = split_address(&self.from);
        let domain = addr.rsplit_once('@').map_or("wrrk.local", |(_, d)| d);
        let message_id = format!("{}@{domain}", crate::ids::new_id().to_lowercase());
        let mut builder = MessageBuilder::new()
            .from((name, addr))
            .to(email.to.as_str())
            .subject(email.subject.as_str())
            .message_id(message_id.as_str())
            .text_body(email.text.as_str())
            .html_body(email.html.as_str());
        if let Some(last) = email.thread.last() {
            builder = builder
                .in_reply_to(last.as_str())
                .references(email.thread.as_slice());
        }
        let raw = builder.write_to_vec().context("rendering MIME")?;
        Ok((message_id, raw))
    }

    /// The region SES runs in (its rewritten Message-IDs name it).
    pub fn region(&self) -> String {
        self.ses
            .config()
            .region()
            .map_or_else(|| "us-east-1".to_string(), |r| r.to_string())
    }

    /// Sends prepared raw MIME from `from` to `to`, copying `cc` and `bcc` (the envelope
    /// decides who receives it: Bcc is in no header); returns the id SES answered with.
    pub async fn send_raw(
        &self,
        from: &str,
        to: &str,
        cc: &[String],
        bcc: &[String],
        raw: Vec<u8>,
    ) -> anyhow::Result<String> {
        let out = self
            .ses
            .send_email()
            .from_email_address(from)
            .destination(
                aws_sdk_sesv2::types::Destination::builder()
                    .to_addresses(to)
                    .set_cc_addresses((!cc.is_empty()).then(|| cc.to_vec()))
                    .set_bcc_addresses((!bcc.is_empty()).then(|| bcc.to_vec()))
                    .build(),
            )
            .content(
                EmailContent::builder()
                    .raw(
                        RawMessage::builder()
                            .data(Blob::new(raw))
                            .build()
                            .context("building raw message")?,
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "SESv2 SendEmail failed: {}",
                    aws_sdk_sesv2::error::DisplayErrorContext(&e)
                )
            })?;
        out.message_id
            .ok_or_else(|| anyhow::anyhow!("SES answered without a MessageId"))
    }

    /// Renders and sends `email`; returns the `Message-ID` it carried.
    pub async fn send(&self, email: &OutboundEmail) -> anyhow::Result<String> {
        let (message_id, raw) = self.render(email)?;
        let out = self
            .ses
            .send_email()
            .from_email_address(&self.from)
            .destination(
                aws_sdk_sesv2::types::Destination::builder()
                    .to_addresses(&email.to)
                    .build(),
            )
            .content(
                EmailContent::builder()
                    .raw(
                        RawMessage::builder()
                            .data(Blob::new(raw))
                            .build()
                            .context("building raw message")?,
                    )
                    .build(),
            )
            .send()
            .await
            .context("SESv2 SendEmail failed")?;
        tracing::info!(
            ses_message_id = out.message_id.unwrap_or_default(),
            "email sent"
        );
        Ok(message_id)
    }
}

/// Splits `Name <addr>` into its parts (a bare address has an empty name).
fn split_address(from: &str) -> (&str, &str) {
    match (from.find('<'), from.rfind('>')) {
        (Some(l), Some(r)) if l < r => (from[..l].trim(), from[l + 1..r].trim()),
        _ => ("", from.trim()),
    }
}

/// Escapes text for HTML bodies.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A notification to an agent who has no tab open: what happened on which ticket, a link
/// to it and one to stop this kind of mail. Customer text appears only in the body.
pub fn notification_email(
    to: &str,
    subject: &str,
    what: &str,
    excerpt: Option<&str>,
    ticket_link: &str,
    unsubscribe_link: &str,
) -> OutboundEmail {
    let quoted = excerpt.map(|e| format!("\n\n> {e}")).unwrap_or_default();
    let text = format!(
        "Hello,\n\n{what}{quoted}\n\nOpen the ticket: {ticket_link}\n\n\
         You get at most one such mail per ticket every 10 minutes while you have no wrrk tab \
         open. Stop these mails: {unsubscribe_link}\n"
    );
    let html = format!(
        "<p>Hello,</p><p>{what}</p>{quote}<p><a href=\"{href}\">Open the ticket</a></p>\
         <p style=\"color:#666\">You get at most one such mail per ticket every 10 minutes while \
         you have no wrrk tab open. <a href=\"{unsub}\">Stop these mails</a></p>",
        what = escape_html(what),
        quote = excerpt
            .map(|e| format!("<blockquote>{}</blockquote>", escape_html(e)))
            .unwrap_or_default(),
        href = escape_html(ticket_link),
        unsub = escape_html(unsubscribe_link),
    );
    OutboundEmail {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
        thread: Vec::new(),
    }
}

/// The invitation email: who invites, to which organization, and the single-use link.
/// Names chosen by users (the organization's, the inviter's) appear only quoted in the
/// body, never in the subject, so nobody can make our mail say what they like.
pub fn invitation_email(
    to: &str,
    org_name: &str,
    inviter: &str,
    role: &str,
    link: &str,
    days: i64,
) -> OutboundEmail {
    let subject = "You are invited to a wrrk workspace".to_string();
    let text = format!(
        "Hello,\n\nA member of the wrrk workspace \"{org_name}\" (who gave their name as \
         \"{inviter}\") invited you to join it as {role}.\n\n\
         Accept the invitation: {link}\n\n\
         The link works once and expires in {days} days. If you did not expect this, ignore it.\n"
    );
    let html = format!(
        "<p>Hello,</p><p>A member of the wrrk workspace &ldquo;{org}&rdquo; (who gave their \
         name as &ldquo;{inviter}&rdquo;) invited you to join it as {role}.</p>\
         <p><a href=\"{href}\">Accept the invitation</a></p>\
         <p>The link works once and expires in {days} days. If you did not expect this, ignore it.</p>",
        inviter = escape_html(inviter),
        org = escape_html(org_name),
        role = escape_html(role),
        href = escape_html(link),
    );
    OutboundEmail {
        to: to.to_string(),
        subject,
        text,
        html,
        thread: Vec::new(),
    }
}

/// A single-use link by email (email verification, password reset): fixed wording, the
/// link, and how long it works.
fn account_link_email(
    to: &str,
    subject: &str,
    action: &str,
    link: &str,
    hours: i64,
) -> OutboundEmail {
    let text = format!(
        "Hello,\n\n{action}: {link}\n\nThe link works once and expires in {hours} hours. \
         If you did not ask for this, ignore this email.\n"
    );
    let html = format!(
        "<p>Hello,</p><p><a href=\"{href}\">{action}</a></p><p>The link works once and \
         expires in {hours} hours. If you did not ask for this, ignore this email.</p>",
        href = escape_html(link),
        action = escape_html(action),
    );
    OutboundEmail {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
        thread: Vec::new(),
    }
}

/// The email that confirms a new admin's address.
pub fn verification_email(to: &str, link: &str, hours: i64) -> OutboundEmail {
    account_link_email(
        to,
        "Confirm your email for wrrk",
        "Confirm your email address",
        link,
        hours,
    )
}

/// The email with a password-reset link.
pub fn password_reset_email(to: &str, link: &str, hours: i64) -> OutboundEmail {
    account_link_email(
        to,
        "Reset your wrrk password",
        "Choose a new password",
        link,
        hours,
    )
}

/// An agent's reply to a customer on an email ticket, threaded under the conversation.
pub fn reply_email(
    to: &str,
    ticket_key: &str,
    subject: &str,
    agent: &str,
    content: &str,
    thread: Vec<String>,
) -> OutboundEmail {
    let base = subject
        .trim_start_matches("Re: ")
        .trim_start_matches("RE: ");
    let subject = format!("Re: {base} [#{ticket_key}]");
    let text = format!("{content}\n\n-- \n{agent}\n");
    let paragraphs: String = content
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect();
    let html = format!("{paragraphs}<p>-- <br>{}</p>", escape_html(agent));
    OutboundEmail {
        to: to.to_string(),
        subject,
        text,
        html,
        thread,
    }
}
