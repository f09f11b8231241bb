//! What a mail is: a person writing, an autoresponder, a delivery report or complaint, or
//! mail to keep aside (spam, virus, DMARC failure). The header and body signs are read
//! while parsing ([`auto_reply`], [`bounce_info`]); [`classify`] decides what becomes of
//! the mail from them and the few facts only the store knows.

use mail_parser::{Message, MimeHeaders, PartType};

use super::parse::InboundMail;
use super::thread::{message_ids_in, normalize_message_id};
use crate::email::address::normalize_address;

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

/// Whether an SES verdict's status is `FAIL` (any case).
pub fn verdict_failed(status: Option<&str>) -> bool {
    status.is_some_and(|s| s.eq_ignore_ascii_case("FAIL"))
}

/// A DMARC `FAIL` under a policy that asks receivers to hold the mail (`quarantine` or
/// `reject`); under `none` the sender's domain asked for reports only.
pub fn dmarc_enforced_fail(status: Option<&str>, policy: Option<&str>) -> bool {
    verdict_failed(status)
        && policy.is_some_and(|p| matches!(p.to_lowercase().as_str(), "quarantine" | "reject"))
}

/// What SES and the store say about a mail's sender, as [`classify`] takes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Spam verdict FAIL.
    pub spam: bool,
    /// Virus verdict FAIL.
    pub virus: bool,
    /// DMARC FAIL under a `quarantine` or `reject` policy.
    pub dmarc_enforced_fail: bool,
    /// The From address is a valid email address.
    pub sender_valid: bool,
    /// The From address is one of wrrk's or the organization's own (a loop).
    pub sender_is_own: bool,
    /// The From address is a customer of the organization already.
    pub sender_is_customer: bool,
}

/// What becomes of a mail, before threading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Kept aside for admins, not a ticket: `virus`, `spam` or `dmarc`.
    Quarantine(&'static str),
    /// Not kept: why.
    Drop(&'static str),
    /// A delivery report or complaint: a note on the ticket it concerns.
    Bounce,
    /// An autoresponder or a loop: kept on its ticket, never answered.
    Machine,
    /// A person writing.
    Person,
}

/// Classifies a mail. The order matters: a virus is held whoever sent it; a report needs
/// no valid sender; DMARC holds only mail that would pass as a known customer's.
pub fn classify(mail: &InboundMail, facts: Facts) -> Class {
    if facts.virus {
        return Class::Quarantine("virus");
    }
    if facts.spam {
        return Class::Quarantine("spam");
    }
    if mail.from.is_none() {
        return Class::Drop("no_sender");
    }
    if mail.bounce.is_some() {
        return Class::Bounce;
    }
    if !facts.sender_valid {
        return Class::Drop("invalid_sender");
    }
    if facts.dmarc_enforced_fail && facts.sender_is_customer {
        return Class::Quarantine("dmarc");
    }
    if mail.auto_reply || facts.sender_is_own {
        return Class::Machine;
    }
    Class::Person
}

/// The internal note a delivery report becomes on its ticket.
pub fn bounce_note(bounce: &BounceInfo, text: &str) -> String {
    let what = if bounce.complaint {
        "A complaint report"
    } else {
        "A delivery failure report"
    };
    let who = if bounce.recipients.is_empty() {
        String::new()
    } else {
        format!(" ({})", bounce.recipients.join(", "))
    };
    let text: String = text.chars().take(4000).collect();
    format!("{what} arrived for this ticket{who}.\n\n{text}")
}

fn header_text(message: &Message<'_>, name: &str) -> Option<String> {
    message.header_raw(name).map(|v| v.trim().to_lowercase())
}

/// RFC 3834 and the headers real autoresponders set.
pub(crate) fn auto_reply(message: &Message<'_>) -> bool {
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
pub(crate) fn bounce_info(message: &Message<'_>, mail: &InboundMail) -> Option<BounceInfo> {
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

/// Mail as real clients and mail systems write it (`fixtures/*.eml`), classified: which is
/// a person, an autoresponder, a bounce (permanent or a delay) or a complaint.
#[cfg(test)]
mod fixtures {
    use crate::email::inbound::InboundMail;

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

    use crate::email::inbound::fixture;

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
            ("helpdesk-x-loop.eml", Kind::AutoReply),
            ("auto-generated-report.eml", Kind::AutoReply),
            ("forwarded-own-address.eml", Kind::Person),
            ("reply-to-reply-address.eml", Kind::Person),
            ("ios-reply-ses-id-only.eml", Kind::Person),
            ("subject-token-only.eml", Kind::Person),
            ("html-only.eml", Kind::Person),
            ("cc-reply-all.eml", Kind::Person),
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
        let dir = format!("{}/src/email/inbound/fixtures", env!("CARGO_MANIFEST_DIR"));
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

    fn facts() -> super::Facts {
        super::Facts {
            sender_valid: true,
            ..super::Facts::default()
        }
    }

    #[test]
    fn a_person_from_a_fixture_is_a_person_unless_held() {
        let m = fixture("forwarded-own-address.eml");
        assert_eq!(super::classify(&m, facts()), super::Class::Person);
        let spam = super::Facts {
            spam: true,
            ..facts()
        };
        assert_eq!(super::classify(&m, spam), super::Class::Quarantine("spam"));
    }

    #[test]
    fn autoresponder_fixtures_are_machines() {
        for name in [
            "helpdesk-x-loop.eml",
            "auto-generated-report.eml",
            "outlook-automatic-reply.eml",
            "mailing-list.eml",
        ] {
            assert_eq!(
                super::classify(&fixture(name), facts()),
                super::Class::Machine,
                "{name}"
            );
        }
    }

    #[test]
    fn report_fixtures_are_bounces_whatever_the_sender() {
        for name in [
            "postfix-dsn-failed.eml",
            "arf-complaint.eml",
            "exchange-ndr-nonstandard.eml",
        ] {
            let invalid = super::Facts {
                sender_valid: false,
                ..facts()
            };
            assert_eq!(
                super::classify(&fixture(name), invalid),
                super::Class::Bounce,
                "{name}"
            );
        }
    }

    #[test]
    fn a_delay_warning_is_not_permanent_and_names_no_complaint() {
        let b = fixture("exim-dsn-delayed.eml").bounce.expect("a report");
        assert!(!b.permanent && !b.complaint);
        assert!(super::bounce_note(&b, "x").starts_with("A delivery failure report"));
    }

    #[test]
    fn an_html_only_mail_gets_a_text_and_keeps_its_html() {
        let m = fixture("html-only.eml");
        assert!(m.text.contains("Order 42 shipped"), "{}", m.text);
        assert!(m.html.as_deref().is_some_and(|h| h.contains("<script>")));
        let clean =
            crate::email::content::sanitize_html(m.html.as_deref().unwrap(), &Default::default());
        assert!(!clean.contains("script"), "{clean}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> InboundMail {
        InboundMail {
            from: Some("kim@customer.io".into()),
            ..InboundMail::default()
        }
    }

    fn ok() -> Facts {
        Facts {
            sender_valid: true,
            ..Facts::default()
        }
    }

    #[test]
    fn verdicts_fail_only_on_fail() {
        for (status, want) in [
            (Some("FAIL"), true),
            (Some("fail"), true),
            (Some("PASS"), false),
            (Some("GRAY"), false),
            (Some("PROCESSING_FAILED"), false),
            (None, false),
        ] {
            assert_eq!(verdict_failed(status), want, "{status:?}");
        }
    }

    #[test]
    fn dmarc_holds_mail_only_under_quarantine_or_reject() {
        let cases = [
            (Some("FAIL"), Some("reject"), true),
            (Some("FAIL"), Some("QUARANTINE"), true),
            (Some("FAIL"), Some("none"), false),
            (Some("FAIL"), None, false),
            (Some("PASS"), Some("reject"), false),
            (None, Some("reject"), false),
        ];
        for (status, policy, want) in cases {
            assert_eq!(
                dmarc_enforced_fail(status, policy),
                want,
                "{status:?} {policy:?}"
            );
        }
    }

    #[test]
    fn a_virus_is_held_before_anything_else() {
        let mut mail = person();
        mail.bounce = Some(BounceInfo::default());
        let facts = Facts {
            virus: true,
            spam: true,
            ..ok()
        };
        assert_eq!(classify(&mail, facts), Class::Quarantine("virus"));
        assert_eq!(
            classify(&mail, Facts { spam: true, ..ok() }),
            Class::Quarantine("spam")
        );
    }

    #[test]
    fn mail_without_a_sender_is_dropped() {
        assert_eq!(
            classify(&InboundMail::default(), ok()),
            Class::Drop("no_sender")
        );
    }

    #[test]
    fn a_report_needs_no_valid_sender() {
        let mut mail = person();
        mail.bounce = Some(BounceInfo::default());
        let facts = Facts {
            sender_valid: false,
            ..ok()
        };
        assert_eq!(classify(&mail, facts), Class::Bounce);
    }

    #[test]
    fn an_invalid_sender_is_dropped() {
        let facts = Facts {
            sender_valid: false,
            ..ok()
        };
        assert_eq!(classify(&person(), facts), Class::Drop("invalid_sender"));
    }

    #[test]
    fn dmarc_holds_only_mail_posing_as_a_known_customer() {
        let failing = Facts {
            dmarc_enforced_fail: true,
            ..ok()
        };
        assert_eq!(classify(&person(), failing), Class::Person);
        let known = Facts {
            sender_is_customer: true,
            ..failing
        };
        assert_eq!(classify(&person(), known), Class::Quarantine("dmarc"));
        assert_eq!(
            classify(
                &person(),
                Facts {
                    sender_is_customer: true,
                    ..ok()
                }
            ),
            Class::Person
        );
    }

    #[test]
    fn autoresponders_and_our_own_addresses_are_machines() {
        let mut mail = person();
        mail.auto_reply = true;
        assert_eq!(classify(&mail, ok()), Class::Machine);
        assert_eq!(
            classify(
                &person(),
                Facts {
                    sender_is_own: true,
                    ..ok()
                }
            ),
            Class::Machine
        );
        assert_eq!(classify(&person(), ok()), Class::Person);
    }

    #[test]
    fn a_bounce_note_says_what_and_for_whom() {
        let mut b = BounceInfo {
            recipients: vec!["a@x.io".into(), "b@x.io".into()],
            ..BounceInfo::default()
        };
        assert_eq!(
            bounce_note(&b, "details"),
            "A delivery failure report arrived for this ticket (a@x.io, b@x.io).\n\ndetails"
        );
        b.complaint = true;
        b.recipients.clear();
        assert_eq!(
            bounce_note(&b, ""),
            "A complaint report arrived for this ticket.\n\n"
        );
        assert_eq!(
            bounce_note(&b, &"x".repeat(5000))
                .chars()
                .filter(|c| *c == 'x')
                .count(),
            4000
        );
    }
}
