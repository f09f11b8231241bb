//! Inbound MIME, read with `mail-parser` into what the channel needs: who, to whom, the
//! thread headers, text and HTML, attachments, and whether a machine wrote it.

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

use super::thread::{message_ids_in, normalize_address, normalize_message_id};

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

/// What a bounce report says.
#[derive(Debug, Clone, Default)]
pub struct BounceInfo {
    /// The addresses that failed (`Final-Recipient`/`Original-Recipient`).
    pub recipients: Vec<String>,
    /// Whether delivery failed for good (`Action: failed`, or any complaint), as opposed
    /// to a delay warning.
    pub permanent: bool,
    /// A complaint (ARF feedback report) rather than a delivery failure.
    pub complaint: bool,
    /// Message-IDs of the mail the report is about.
    pub about: Vec<String>,
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
    mail.auto_reply = is_auto_reply(&message);
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

fn header_text(message: &Message<'_>, name: &str) -> Option<String> {
    message.header_raw(name).map(|v| v.trim().to_lowercase())
}

/// RFC 3834 and the headers real autoresponders set.
fn is_auto_reply(message: &Message<'_>) -> bool {
    if header_text(message, "Auto-Submitted").is_some_and(|v| !v.is_empty() && !v.starts_with("no"))
    {
        return true;
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Loop"] {
        if message.header_raw(name).is_some() {
            return true;
        }
    }
    if header_text(message, "X-Auto-Response-Suppress")
        .is_some_and(|v| v.contains("all") || v.contains("oof"))
    {
        return true;
    }
    if header_text(message, "Precedence").is_some_and(|v| {
        ["bulk", "junk", "list", "auto_reply"]
            .iter()
            .any(|p| v.starts_with(p))
    }) {
        return true;
    }
    let subject = message.subject().unwrap_or_default().to_lowercase();
    [
        "automatic reply:",
        "auto:",
        "out of office",
        "autoreply:",
        "auto-reply:",
        "abwesenheitsnotiz",
    ]
    .iter()
    .any(|p| subject.starts_with(p))
}

/// A delivery status report or complaint, standard (`multipart/report`) or not
/// (from the mailer daemon, with the usual subjects).
fn bounce_info(message: &Message<'_>, mail: &InboundMail) -> Option<BounceInfo> {
    let root_ct = message.root_part().content_type();
    let report_type = root_ct
        .filter(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .and_then(|ct| ct.attribute("report-type"))
        .map(str::to_lowercase);
    let from = mail.from.clone().unwrap_or_default();
    let local = from.split('@').next().unwrap_or_default().trim_matches('"');
    let daemon = [
        "mailer-daemon",
        "postmaster",
        "mail-daemon",
        "mailerdaemon",
        "mdaemon",
        "mail.delivery",
        "ndr",
        "system administrator",
        "smtp",
    ]
    .iter()
    .any(|d| local.contains(d));
    // Nobody but a mail system writes as these.
    let system_sender = [
        "mailer-daemon",
        "postmaster",
        "mail-daemon",
        "mailerdaemon",
        "mdaemon",
    ]
    .iter()
    .any(|d| local == *d || local.starts_with(&format!("{d}+")));
    let null_sender = message
        .header_raw("Return-Path")
        .is_some_and(|r| r.trim() == "<>");
    let subject = mail.subject.to_lowercase();
    let bounce_subject = [
        "undeliverable",
        "undelivered",
        "delivery status notification",
        "returned mail",
        "failure notice",
        "delivery failed",
        "delivery failure",
        "non-delivery",
        "non remis",
        "unzustellbar",
        "nondeliverable",
        "could not be delivered",
        "mail system error",
        "could not send",
        "not delivered",
        "delivery problem",
        "automatically rejected",
        "error during delivery",
        "user unknown",
        "mail error",
        "returning message to sender",
        "delivery notification",
    ]
    .iter()
    .filter(|p| subject.contains(*p))
    .collect::<Vec<_>>();
    // Mail systems open the subject with the phrase; a person may use the word anywhere.
    let bounce_subject_leads = bounce_subject
        .iter()
        .any(|p| subject.trim_start().starts_with(*p));
    let bounce_subject_phrases = bounce_subject;
    let bounce_subject = !bounce_subject_phrases.is_empty();
    let body = mail.text.to_lowercase();
    let bounce_body = [
        "could not be delivered",
        "undeliverable",
        "user unknown",
        "delivery failed",
        "permanent error",
        "permanent fatal error",
        "delivery has failed",
        "was not delivered",
        "no such user",
        "unknown user",
        "mailbox unavailable",
        "recipient address rejected",
        "could not deliver",
        "returned to sender",
        "not be delivered",
    ]
    .iter()
    .filter(|p| body.contains(*p))
    .collect::<Vec<_>>();
    // Mail systems say it twice, in other words (subject "delivery failed", body "could not
    // be delivered"); a person asking about an "undeliverable" parcel repeats their word.
    let bounce_body = bounce_subject_leads
        || bounce_body
            .iter()
            .any(|p| !bounce_subject_phrases.contains(p));
    let embeds_original = message.parts.iter().any(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                || ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
        })
    });
    let mut has_status_part = false;
    let mut info = BounceInfo::default();
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let sub = ct.subtype().unwrap_or_default().to_lowercase();
        let ty = ct.ctype().to_lowercase();
        match (ty.as_str(), sub.as_str()) {
            ("message", "delivery-status") | ("message", "global-delivery-status") => {
                has_status_part = true;
                let text = String::from_utf8_lossy(part.contents()).into_owned();
                read_status(&text, &mut info);
            }
            ("message", "feedback-report") => {
                has_status_part = true;
                info.complaint = true;
                info.permanent = true;
            }
            ("text", "rfc822-headers") => {
                let text = String::from_utf8_lossy(part.contents()).into_owned();
                for line in text.lines() {
                    if let Some(v) = line
                        .strip_prefix("Message-ID:")
                        .or_else(|| line.strip_prefix("Message-Id:"))
                    {
                        info.about.extend(message_ids_in(v));
                    }
                }
            }
            _ => {}
        }
        if let PartType::Message(inner) = &part.body {
            if let Some(id) = inner.message_id() {
                info.about.push(normalize_message_id(id));
            }
            if info.complaint {
                for a in inner
                    .to()
                    .into_iter()
                    .flat_map(|t| t.iter())
                    .filter_map(|a| a.address())
                {
                    info.recipients.push(normalize_address(a));
                }
            }
        }
    }
    let standard = matches!(
        report_type.as_deref(),
        Some("delivery-status" | "feedback-report")
    ) || has_status_part;
    // Non-standard reports: a bounce subject with one more sign (a daemon or null
    // sender, no sender at all, the original attached, the usual wording).
    let heuristic = system_sender
        || (bounce_subject && (daemon || null_sender || mail.from.is_none() || embeds_original))
        || (bounce_subject && bounce_body);
    if !(standard || heuristic) {
        return None;
    }
    if report_type.as_deref() == Some("feedback-report") {
        info.complaint = true;
        info.permanent = true;
    }
    if !standard {
        info.permanent = true;
        // Non-standard reports quote the original headers in the text.
        for line in mail.text.lines() {
            let l = line.trim();
            if l.to_lowercase().starts_with("message-id:") {
                info.about.extend(message_ids_in(&l[11..]));
            }
        }
    }
    info.about.extend(mail.in_reply_to.iter().cloned());
    info.about.extend(mail.references.iter().cloned());
    info.recipients.sort();
    info.recipients.dedup();
    Some(info)
}

fn read_status(text: &str, info: &mut BounceInfo) {
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_lowercase();
        let value = value.trim();
        match name.as_str() {
            "final-recipient" | "original-recipient" => {
                let addr = value.rsplit(';').next().unwrap_or(value);
                let addr = normalize_address(addr);
                if addr.contains('@') {
                    info.recipients.push(addr);
                }
            }
            "action" if value.eq_ignore_ascii_case("failed") => info.permanent = true,
            _ => {}
        }
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

/// Mail as real clients and mail systems write it (`fixtures/*.eml`), classified: which is
/// a person, an autoresponder, a bounce (permanent or a delay) or a complaint.
#[cfg(test)]
mod fixtures {
    use super::*;

    /// What a fixture must parse into.
    #[derive(Debug, PartialEq)]
    enum Kind {
        Person,
        AutoReply,
        Bounce { permanent: bool, complaint: bool },
    }

    fn kind(m: &InboundMail) -> Kind {
        match (&m.bounce, m.auto_reply) {
            (Some(b), _) => Kind::Bounce {
                permanent: b.permanent,
                complaint: b.complaint,
            },
            (None, true) => Kind::AutoReply,
            (None, false) => Kind::Person,
        }
    }

    fn fixture(name: &str) -> InboundMail {
        let path = format!("{}/src/email/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        parse(&raw).unwrap_or_else(|| panic!("{name} did not parse"))
    }

    #[test]
    fn every_fixture_is_classified() {
        let person = Kind::Person;
        let failed = Kind::Bounce {
            permanent: true,
            complaint: false,
        };
        let cases = [
            ("reply-multipart-qp.eml", person),
            ("human-auto-submitted-no.eml", Kind::Person),
            ("human-says-undeliverable.eml", Kind::Person),
            ("outlook-automatic-reply.eml", Kind::AutoReply),
            ("vacation-x-autoreply.eml", Kind::AutoReply),
            ("abwesenheitsnotiz-subject-only.eml", Kind::AutoReply),
            ("mailing-list.eml", Kind::AutoReply),
            ("postfix-dsn-failed.eml", failed),
            (
                "exim-dsn-delayed.eml",
                Kind::Bounce {
                    permanent: false,
                    complaint: false,
                },
            ),
            (
                "arf-complaint.eml",
                Kind::Bounce {
                    permanent: true,
                    complaint: true,
                },
            ),
            (
                "exchange-ndr-nonstandard.eml",
                Kind::Bounce {
                    permanent: true,
                    complaint: false,
                },
            ),
        ];
        let dir = format!("{}/src/email/fixtures", env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert_eq!(on_disk, cases.len(), "every fixture has an expectation");
        for (name, want) in cases {
            assert_eq!(kind(&fixture(name)), want, "{name}");
        }
    }

    #[test]
    fn a_reply_carries_its_thread_and_text() {
        let m = fixture("reply-multipart-qp.eml");
        assert_eq!(m.from.as_deref(), Some("joerg@example.de"));
        assert_eq!(m.from_name.as_deref(), Some("Jörg Müller"));
        assert_eq!(m.message_id.as_deref(), Some("CAF=reply1@mail.example.de"));
        assert_eq!(m.in_reply_to, ["0100018c-abc@eu-west-1.amazonses.com"]);
        assert_eq!(
            m.references,
            ["first@example.de", "0100018c-abc@eu-west-1.amazonses.com"]
        );
        assert_eq!(
            m.recipients,
            [
                "acme-01jabcdefghjkmnpqrstvwxyz0@in.test",
                "colleague@example.de"
            ]
        );
        assert!(
            m.text.starts_with("Danke, das hat geholfen. Schöne Grüße"),
            "{}",
            m.text
        );
        assert!(m.html.as_deref().is_some_and(|h| h.contains("<p>Danke")));
    }

    #[test]
    fn a_bounce_names_who_failed_and_which_mail() {
        let b = fixture("postfix-dsn-failed.eml").bounce.expect("a bounce");
        assert_eq!(b.recipients, ["gone@example.net"]);
        assert!(
            b.about
                .contains(&"0100018c-sent@eu-west-1.amazonses.com".to_string())
        );
        let b = fixture("arf-complaint.eml").bounce.expect("a complaint");
        assert_eq!(b.recipients, ["angry@example.com"]);
        assert!(b.about.contains(&"complained@in.test".to_string()));
        let b = fixture("exchange-ndr-nonstandard.eml")
            .bounce
            .expect("an NDR");
        assert!(
            b.about
                .contains(&"0100018c-orig@eu-west-1.amazonses.com".to_string())
        );
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
                crate::email::thread::clean_subject(&mail.subject);
            }
        }
    }
}
