//! Which ticket a mail continues: the Message-IDs it names (`In-Reply-To`, `References`,
//! SES's rewritten form of ours), `[#ACME-0042]` subject tokens, and the decision taken
//! once the candidate ticket and the sender's part in it are known.

use super::parse::InboundMail;

/// A Message-ID without brackets or whitespace.
pub fn normalize_message_id(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// Every Message-ID in a header value (`<a@b> <c@d>`), in order.
pub fn message_ids_in(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let id = normalize_message_id(&rest[start + 1..start + len]);
        if !id.is_empty() && !id.contains(char::is_whitespace) {
            out.push(id);
        }
        rest = &rest[start + len + 1..];
    }
    if out.is_empty() {
        out.extend(
            raw.split_whitespace()
                .map(normalize_message_id)
                .filter(|id| id.contains('@')),
        );
    }
    out
}

/// The header form SES gives a message it sent: `{ses id}@{region}.amazonses.com`.
pub fn ses_message_id(ses_id: &str, region: &str) -> String {
    format!("{ses_id}@{region}.amazonses.com")
}

/// The ticket numbers (`ACME-0042`) of `[#ACME-0042]` tokens in a subject.
pub fn subject_tokens(subject: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(']') else {
            break;
        };
        let token = after[..end].trim().to_uppercase();
        let valid = token.split_once('-').is_some_and(|(p, n)| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_alphanumeric())
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        });
        if valid {
            out.push(token);
        }
        rest = &after[end..];
    }
    out
}

/// A subject without reply prefixes and ticket tokens (for a new ticket's subject).
pub fn clean_subject(subject: &str) -> String {
    let mut s: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    loop {
        let trimmed = s.trim_start();
        let lower = trimmed.to_lowercase();
        let prefix = ["re:", "fw:", "fwd:", "aw:", "sv:", "wg:", "tr:"]
            .iter()
            .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => s = trimmed[p.len()..].to_string(),
            None => break,
        }
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s: String = s.chars().take(200).collect();
    if s.is_empty() {
        "(no subject)".into()
    } else {
        s
    }
}

/// The Message-IDs a mail says it answers, as the lookup takes them: `References`, then
/// `In-Reply-To`.
pub fn answered_ids(mail: &InboundMail) -> Vec<String> {
    let mut ids = mail.references.clone();
    ids.extend(mail.in_reply_to.iter().cloned());
    ids
}

/// What becomes of a mail once the ticket it continues (if any) and the sender's part in
/// it are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action<T> {
    /// Posted on the ticket: its sender takes part in it.
    Join(T),
    /// A machine's mail kept on its ticket (never answered, never reopens it).
    KeepMachine(T),
    /// A new ticket; linked to the thread its sender answered without taking part in it.
    Open {
        /// The thread answered.
        linked_to: Option<T>,
    },
    /// A machine's mail about no ticket: not kept.
    DropMachine,
}

/// Decides from the thread found (the ticket, and whether the sender takes part in it)
/// and whether a machine wrote the mail.
pub fn decide<T>(found: Option<(T, bool)>, machine: bool) -> Action<T> {
    match (found, machine) {
        (Some((ticket, _)), true) => Action::KeepMachine(ticket),
        (None, true) => Action::DropMachine,
        (Some((ticket, true)), false) => Action::Join(ticket),
        (Some((ticket, false)), false) => Action::Open {
            linked_to: Some(ticket),
        },
        (None, false) => Action::Open { linked_to: None },
    }
}

/// The note on a ticket opened because its sender answered a thread they are not part of.
pub fn linked_note(from: &str, old_ticket_number: &str) -> String {
    format!(
        "{from} answered the thread of {old_ticket_number}, which they are not part of: opened as a new ticket."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_headers_as_mail_clients_write_them() {
        let cases: &[(&str, &[&str])] = &[
            ("<a@b.c>", &["a@b.c"]),
            ("  <a@b.c>  ", &["a@b.c"]),
            ("<a@b.c> <d@e.f>", &["a@b.c", "d@e.f"]),
            // Folded over lines, tabs, no separating space.
            ("<a@b.c>\r\n\t<d@e.f><g@h.i>", &["a@b.c", "d@e.f", "g@h.i"]),
            // Comments and junk between ids are skipped.
            ("(Outlook) <a@b.c> , <d@e.f>", &["a@b.c", "d@e.f"]),
            // Bare ids without brackets (old clients): only the ones with an @.
            ("a@b.c d@e.f nonsense", &["a@b.c", "d@e.f"]),
            // An id with white space inside is not an id; an unclosed one ends the list.
            ("<a b@c.d> <e@f.g> <unclosed@x", &["e@f.g"]),
            ("", &[]),
            ("<>", &[]),
        ];
        for (raw, want) in cases {
            assert_eq!(message_ids_in(raw), *want, "{raw:?}");
        }
        assert_eq!(normalize_message_id(" <x@y> "), "x@y");
        assert_eq!(
            ses_message_id("0100018c-abc", "eu-west-1"),
            "0100018c-abc@eu-west-1.amazonses.com"
        );
    }

    #[test]
    fn subject_tokens_and_subjects() {
        let tokens: &[(&str, &[&str])] = &[
            ("[#ACME-0042] Help", &["ACME-0042"]),
            ("Re: [#acme-42]", &["ACME-42"]),
            ("[# ACME-7 ] spaced", &["ACME-7"]),
            ("[#A-1] and [#B-2]", &["A-1", "B-2"]),
            ("[#ACME-42x] [#ACME] [#-1] [#A-] [#ACME-0042", &[]),
            ("[#AC ME-1] [#AC_ME-1]", &[]),
            ("no token here", &[]),
        ];
        for (subject, want) in tokens {
            assert_eq!(subject_tokens(subject), *want, "{subject:?}");
        }
        let subjects = [
            ("Re: Hello", "Hello"),
            ("RE: FW: Fwd: AW: SV: WG: TR: Hello", "Hello"),
            ("Réponse: Hello", "Réponse: Hello"),
            ("Hello\tthere\r\nfriend", "Hello there friend"),
            ("   ", "(no subject)"),
            ("Re:", "(no subject)"),
            ("Re: re: ", "(no subject)"),
        ];
        for (raw, want) in subjects {
            assert_eq!(clean_subject(raw), want, "{raw:?}");
        }
        assert_eq!(clean_subject(&"x".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn references_are_looked_up_before_in_reply_to() {
        let mail = InboundMail {
            references: vec!["a@x".into(), "b@x".into()],
            in_reply_to: vec!["c@x".into()],
            ..InboundMail::default()
        };
        assert_eq!(answered_ids(&mail), ["a@x", "b@x", "c@x"]);
        assert!(answered_ids(&InboundMail::default()).is_empty());
    }

    #[test]
    fn a_participant_joins_the_thread() {
        assert_eq!(decide(Some(("T", true)), false), Action::Join("T"));
    }

    #[test]
    fn someone_else_answering_a_thread_opens_a_linked_ticket() {
        assert_eq!(
            decide(Some(("T", false)), false),
            Action::Open {
                linked_to: Some("T")
            }
        );
    }

    #[test]
    fn a_person_writing_fresh_opens_a_ticket() {
        assert_eq!(
            decide::<&str>(None, false),
            Action::Open { linked_to: None }
        );
    }

    #[test]
    fn a_machine_is_kept_on_its_ticket_whoever_it_is_or_dropped() {
        for participant in [true, false] {
            assert_eq!(
                decide(Some(("T", participant)), true),
                Action::KeepMachine("T")
            );
        }
        assert_eq!(decide::<&str>(None, true), Action::DropMachine);
    }

    #[test]
    fn the_linked_note_names_the_sender_and_the_old_ticket() {
        assert_eq!(
            linked_note("eve@x.io", "ACME-0001"),
            "eve@x.io answered the thread of ACME-0001, which they are not part of: opened as a new ticket."
        );
    }

    #[test]
    fn an_ios_reply_names_only_the_ses_id() {
        let m = crate::email::inbound::fixture("ios-reply-ses-id-only.eml");
        assert_eq!(
            answered_ids(&m),
            [ses_message_id("0100018c-ios", "us-east-1")]
        );
    }

    #[test]
    fn a_reply_all_names_the_whole_chain() {
        let m = crate::email::inbound::fixture("cc-reply-all.eml");
        assert_eq!(
            answered_ids(&m),
            ["q1@customer.io", "ours1@in.test", "ours1@in.test"]
        );
    }

    #[test]
    fn a_subject_token_survives_reply_prefixes_in_any_language() {
        let m = crate::email::inbound::fixture("subject-token-only.eml");
        assert!(answered_ids(&m).is_empty());
        assert_eq!(subject_tokens(&m.subject), ["ACME-0042"]);
        assert_eq!(clean_subject(&m.subject), "[#acme-0042] Invoice");
    }

    #[test]
    fn a_fresh_mail_names_no_thread() {
        let m = crate::email::inbound::fixture("forwarded-own-address.eml");
        assert!(answered_ids(&m).is_empty());
        assert!(subject_tokens(&m.subject).is_empty());
        assert_eq!(clean_subject(&m.subject), "Cannot log in");
    }
}
