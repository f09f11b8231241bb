//! How mail finds its ticket and its organization: support addresses, reply addresses,
//! `[#ACME-0042]` subject tokens, Message-ID forms.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Lower-cases and strips an address (`<A@B.com>` -> `a@b.com`).
pub fn normalize_address(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

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

/// The organization's built-in support address: `{prefix}-{org id}@{domain}`, derived so
/// it needs no lookup and can never collide with another organization's.
pub fn default_support_address(ticket_prefix: &str, org_id: &str, domain: &str) -> String {
    format!(
        "{}-{}@{domain}",
        ticket_prefix.to_lowercase(),
        org_id.to_lowercase()
    )
}

/// The organization id a built-in support address names (`acme-01j…@domain`).
pub fn org_of_default_address(address: &str, domain: &str) -> Option<String> {
    let (local, d) = address.rsplit_once('@')?;
    if d != domain {
        return None;
    }
    let (_, id) = local.rsplit_once('-')?;
    (id.len() == 26 && id.chars().all(|c| c.is_ascii_alphanumeric())).then(|| id.to_uppercase())
}

/// A ticket's reply-address token: keyed by the signing secret, so it is unguessable
/// and stable (the same ticket always gets the same address).
pub fn reply_token(secret: &str, ticket_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"reply-address:");
    mac.update(ticket_id.as_bytes());
    let bytes = mac.finalize().into_bytes();
    bytes[..15].iter().map(|b| format!("{b:02x}")).collect()
}

/// `reply+{token}@{domain}`.
pub fn reply_address(token: &str, domain: &str) -> String {
    format!("reply+{token}@{domain}")
}

/// The token of a reply address under `domain`.
pub fn token_of_reply_address(address: &str, domain: &str) -> Option<String> {
    let (local, d) = address.rsplit_once('@')?;
    if d != domain {
        return None;
    }
    let token = local.strip_prefix("reply+")?;
    (token.len() == 30 && token.chars().all(|c| c.is_ascii_hexdigit())).then(|| token.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_ids_and_tokens() {
        assert_eq!(
            message_ids_in("<a@b.c>\r\n <d@e.f>"),
            vec!["a@b.c".to_string(), "d@e.f".to_string()]
        );
        assert_eq!(subject_tokens("Re: Help [#ACME-0042] x"), vec!["ACME-0042"]);
        assert!(subject_tokens("[#nope] [#A-] [#-1]").is_empty());
        assert_eq!(
            clean_subject("RE: Fwd: re:  Hello\r\n world"),
            "Hello world"
        );
        let t = reply_token("secret", "T1");
        let addr = reply_address(&t, "in.test");
        assert_eq!(token_of_reply_address(&addr, "in.test"), Some(t));
        let id = "01JABCDEFGHJKMNPQRSTVWXYZ0";
        let a = default_support_address("ACME", id, "in.test");
        assert_eq!(org_of_default_address(&a, "in.test").as_deref(), Some(id));
    }

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
        assert_eq!(normalize_address(" <Ada@Example.COM> "), "ada@example.com");
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
    fn reply_and_support_addresses() {
        let t = reply_token("secret", "T1");
        assert_eq!(t.len(), 30);
        assert_eq!(t, reply_token("secret", "T1"), "stable for a ticket");
        assert_ne!(t, reply_token("secret", "T2"), "distinct per ticket");
        assert_ne!(t, reply_token("other secret", "T1"), "keyed by the secret");
        let domain = "in.test";
        for (address, want) in [
            (reply_address(&t, domain), Some(t.clone())),
            (reply_address(&t, "other.test"), None),
            (format!("reply+{}@{domain}", &t[..29]), None),
            (format!("reply+{}zz@{domain}", &t[..28]), None),
            (format!("reply{t}@{domain}"), None),
        ] {
            assert_eq!(token_of_reply_address(&address, domain), want, "{address}");
        }
        let id = "01JABCDEFGHJKMNPQRSTVWXYZ0";
        let a = default_support_address("ACME", id, domain);
        assert_eq!(a, format!("acme-{}@{domain}", id.to_lowercase()));
        for (address, want) in [
            (a.clone(), Some(id)),
            (a.replace(domain, "x.test"), None),
            ("acme-short@in.test".to_string(), None),
            (format!("acme_{}@{domain}", id.to_lowercase()), None),
        ] {
            assert_eq!(
                org_of_default_address(&address, domain).as_deref(),
                want,
                "{address}"
            );
        }
    }
}
