//! Inbound MIME, read with `mail-parser` into what the channel needs: who, to whom, the
//! thread headers, text and HTML, attachments, and whether a machine wrote it.

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};

pub use super::classify::BounceInfo;
use super::classify::{auto_reply, bounce_info};
use super::thread::{message_ids_in, normalize_message_id};
use crate::email::address::normalize_address;

/// An attachment or inline image as parsed.
#[derive(Debug, Clone)]
pub struct MailPart {
    /// File name as given (not yet sanitized).
    pub filename: Option<String>,
    /// `type/subtype`.
    pub content_type: String,
    /// `Content-ID` without brackets.
    pub content_id: Option<String>,
    /// Shown inline (disposition inline, or referenced by `cid:`).
    pub inline: bool,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

/// An inbound mail, parsed.
#[derive(Debug, Clone, Default)]
pub struct InboundMail {
    /// `Message-ID` without brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` ids.
    pub in_reply_to: Vec<String>,
    /// `References` ids, oldest first.
    pub references: Vec<String>,
    /// The From address, normalized.
    pub from: Option<String>,
    /// The From display name.
    pub from_name: Option<String>,
    /// To, Cc, Delivered-To and X-Forwarded-To addresses, normalized, in that order.
    pub recipients: Vec<String>,
    /// The decoded subject.
    pub subject: String,
    /// The text body (converted from HTML for HTML-only mail).
    pub text: String,
    /// The HTML body, unsanitized.
    pub html: Option<String>,
    /// Attachments and inline images.
    pub parts: Vec<MailPart>,
    /// A machine answered (out-of-office, list, loop header).
    pub auto_reply: bool,
    /// A delivery report or complaint.
    pub bounce: Option<BounceInfo>,
}

/// Parses raw MIME; `None` when it is not a message at all.
pub fn parse(raw: &[u8]) -> Option<InboundMail> {
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let mut mail = InboundMail {
        message_id: message
            .message_id()
            .map(normalize_message_id)
            .filter(|s| !s.is_empty()),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        subject: message.subject().unwrap_or_default().to_string(),
        ..InboundMail::default()
    };
    if let Some(from) = message.from().and_then(Address::first) {
        mail.from = from
            .address()
            .map(normalize_address)
            .filter(|a| a.contains('@'));
        mail.from_name = from
            .name()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
    }
    for addr in [message.to(), message.cc()].into_iter().flatten() {
        mail.recipients.extend(
            addr.iter()
                .filter_map(|a| a.address())
                .map(normalize_address),
        );
    }
    for name in ["Delivered-To", "X-Forwarded-To", "X-Original-To"] {
        for v in message.header_values(name) {
            if let Some(t) = v.as_text() {
                mail.recipients.push(normalize_address(t));
            }
        }
    }
    mail.text = message
        .body_text(0)
        .map(|t| t.replace("\r\n", "\n"))
        .unwrap_or_default();
    // Only a real HTML part counts (mail-parser renders text parts as HTML too).
    if message
        .html_bodies()
        .any(|p| matches!(p.body, PartType::Html(_)))
    {
        mail.html = message.body_html(0).map(|h| h.into_owned());
    }
    let html = mail.html.clone().unwrap_or_default();
    for part in message.attachments() {
        let bytes = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
            PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
            PartType::Message(m) => m.raw_message().to_vec(),
            PartType::Multipart(_) => continue,
        };
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_lowercase();
        let content_id = part.content_id().map(normalize_message_id);
        let referenced = content_id
            .as_ref()
            .is_some_and(|cid| html.contains(&format!("cid:{cid}")));
        let inline =
            referenced || (matches!(part.body, PartType::InlineBinary(_)) && content_id.is_some());
        mail.parts.push(MailPart {
            filename: part.attachment_name().map(str::to_string),
            content_type,
            content_id,
            inline,
            bytes,
        });
    }
    mail.auto_reply = auto_reply(&message);
    mail.bounce = bounce_info(&message, &mail);
    Some(mail)
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => message_ids_in(&format!("<{}>", t.trim_matches(['<', '>']))),
        HeaderValue::TextList(list) => list
            .iter()
            .flat_map(|t| message_ids_in(&format!("<{}>", t.trim_matches(['<', '>']))))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_parses_a_plain_reply() {
        let raw = b"From: Ann <Ann@Example.com>\r\nTo: acme@in.test\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <m1@example.com>\r\nIn-Reply-To: <x@y>\r\nReferences: <w@y> <x@y>\r\n\r\nHello\r\n";
        let m = parse(raw).unwrap();
        assert_eq!(m.from.as_deref(), Some("ann@example.com"));
        assert_eq!(m.subject, "Grüße");
        assert_eq!(m.message_id.as_deref(), Some("m1@example.com"));
        assert_eq!(m.in_reply_to, vec!["x@y"]);
        assert_eq!(m.references, vec!["w@y", "x@y"]);
        assert!(!m.auto_reply && m.bounce.is_none());
    }

    #[test]
    fn email_knows_a_dsn_and_an_auto_reply() {
        let dsn = b"From: MAILER-DAEMON@mx.test\r\nTo: acme@in.test\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.test\r\n\r\nFinal-Recipient: rfc822; Bob@Example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@in.test>\r\n--b--\r\n";
        let m = parse(dsn).unwrap();
        let b = m.bounce.unwrap();
        assert!(b.permanent);
        assert_eq!(b.recipients, vec!["bob@example.com"]);
        assert!(b.about.contains(&"orig@in.test".to_string()));
        let ooo = b"From: a@b.test\r\nTo: c@d.test\r\nAuto-Submitted: auto-replied\r\nSubject: Away\r\n\r\nI am away\r\n";
        assert!(parse(ooo).unwrap().auto_reply);
    }
}

#[cfg(test)]
mod property {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    const SEEDS: &[&[u8]] = &[
        b"From: Ann <ann@example.com>\r\nTo: acme@in.test\r\nSubject: =?iso-2022-jp?B?GyRCJEskWyRzJDQbKEI=?=\r\nMessage-ID: <m1@example.com>\r\nReferences: <a@b> <c@d>\r\n\r\nHello\r\n> quoted\r\n",
        b"From: a@b.test\r\nTo: c@d.test\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: multipart/related; boundary=\"Y\"\r\n\r\n--Y\r\nContent-Type: text/html; charset=koi8-r\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>=F0=D2=C9=D7=C5=D4<img src=3D\"cid:i1@x\"></p>\r\n--Y\r\nContent-Type: image/png\r\nContent-ID: <i1@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--Y--\r\n--X\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--X--\r\n",
        b"From: MAILER-DAEMON@mx.test\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@y.z\r\nAction: failed\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <o@p>\r\nFrom: q@r.s\r\n\r\nbody\r\n--b--\r\n",
    ];

    /// Truncated, bit-flipped, spliced and repeated messages: parsing, folding and
    /// sanitizing never panic.
    #[test]
    fn email_mutated_and_truncated_mail_never_panics() {
        let mut rng = StdRng::seed_from_u64(0x5eed_e7a1);
        let noise: &[&[u8]] = &[
            b"\r\n",
            b"--",
            b"=?",
            b"?=",
            b"<",
            b">",
            b"\"",
            b";",
            b"=",
            b"\r\n\r\n",
            b"boundary=",
            b"\xff\xfe",
            b"charset=utf-7",
        ];
        for i in 0..3000 {
            let seed = SEEDS[i % SEEDS.len()];
            let mut m = seed.to_vec();
            for _ in 0..rng.random_range(1..6) {
                match rng.random_range(0..5) {
                    0 => m.truncate(rng.random_range(0..=m.len())),
                    1 if !m.is_empty() => {
                        let at = rng.random_range(0..m.len());
                        m[at] = rng.random();
                    }
                    2 => {
                        let at = rng.random_range(0..=m.len());
                        let piece = noise[rng.random_range(0..noise.len())];
                        m.splice(at..at, piece.iter().copied());
                    }
                    3 if !m.is_empty() => {
                        let a = rng.random_range(0..m.len());
                        let b = rng.random_range(a..=m.len());
                        let chunk = m[a..b].to_vec();
                        m.extend_from_slice(&chunk);
                    }
                    _ => m.reverse(),
                }
            }
            if let Some(mail) = super::parse(&m) {
                let folded = crate::email::content::fold_quotes(&mail.text);
                assert!(folded.len() <= mail.text.len() + 1);
                if let Some(h) = &mail.html {
                    crate::email::content::sanitize_html(h, &Default::default());
                }
                crate::email::inbound::thread::clean_subject(&mail.subject);
            }
        }
    }
}
