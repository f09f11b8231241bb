//! The one way mail leaves: SESv2 `SendEmail` with raw MIME. Every Message-ID wrrk gives
//! a mail is minted here ([`new_message_id`]); [`Mailer::send`] renders wrrk's own mail
//! (account links, invitations, notifications) and [`Mailer::send_raw`] sends MIME built
//! elsewhere (agents' replies, with Cc, Bcc and files).

use anyhow::Context;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use mail_builder::MessageBuilder;

use super::templates::OutboundEmail;

/// A fresh Message-ID (without brackets) under `domain`.
pub fn new_message_id(domain: &str) -> String {
    format!("{}@{domain}", crate::ids::new_id().to_lowercase())
}

/// Splits `Name <addr>` into its parts (a bare address has an empty name).
pub fn split_address(from: &str) -> (&str, &str) {
    match (from.find('<'), from.rfind('>')) {
        (Some(l), Some(r)) if l < r => (from[..l].trim(), from[l + 1..r].trim()),
        _ => ("", from.trim()),
    }
}

/// Sends mail with SESv2 `SendEmail` (raw content).
pub struct Mailer {
    ses: aws_sdk_sesv2::Client,
    from: String,
}

impl Mailer {
    /// A mailer sending wrrk's own mail as `from` (`Name <address>`).
    pub fn new(ses: aws_sdk_sesv2::Client, from: String) -> Self {
        Self { ses, from }
    }

    /// The SESv2 client (sender identities are managed through it).
    pub fn ses(&self) -> &aws_sdk_sesv2::Client {
        &self.ses
    }

    /// Builds the MIME message for `email` with a fresh `Message-ID`; returns both.
    pub fn render(&self, email: &OutboundEmail) -> anyhow::Result<(String, Vec<u8>)> {
        let (name, addr) = split_address(&self.from);
        let domain = addr.rsplit_once('@').map_or("wrrk.local", |(_, d)| d);
        let message_id = new_message_id(domain);
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
                Destination::builder()
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

    /// Renders and sends `email` from wrrk's own address; returns the `Message-ID` it
    /// carried.
    pub async fn send(&self, email: &OutboundEmail) -> anyhow::Result<String> {
        let (message_id, raw) = self.render(email)?;
        let ses_id = self.send_raw(&self.from, &email.to, &[], &[], raw).await?;
        tracing::info!(ses_message_id = ses_id, "email sent");
        Ok(message_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_from_value_splits_into_name_and_address() {
        let cases = [
            ("wrrk <support@wrrk.local>", ("wrrk", "support@wrrk.local")),
            ("  a@b.io ", ("", "a@b.io")),
            ("\"Ada via Acme\" <x@y.z>", ("\"Ada via Acme\"", "x@y.z")),
            ("broken > <", ("", "broken > <")),
        ];
        for (raw, want) in cases {
            assert_eq!(split_address(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn message_ids_are_fresh_and_under_the_domain() {
        let a = new_message_id("in.test");
        let b = new_message_id("in.test");
        assert_ne!(a, b);
        let (local, domain) = a.split_once('@').unwrap();
        assert_eq!(domain, "in.test");
        assert_eq!(local.len(), 26);
        assert_eq!(local, local.to_lowercase());
    }
}
