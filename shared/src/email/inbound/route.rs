//! Which organization (and maybe which ticket) a mail is for, from its recipients: the
//! envelope recipients SES reports first, then To, Cc, Delivered-To, X-Forwarded-To and
//! X-Original-To. Pure: the lookups are the caller's.

use super::parse::InboundMail;
use crate::email::address::{normalize_address, org_of_default_address, token_of_reply_address};

/// What one recipient address is to wrrk, before any lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A ticket's reply address: its token.
    Reply(String),
    /// Shaped as an organization's built-in address: the organization id it names (the
    /// caller checks the organization exists and the prefix matches).
    BuiltIn(String),
    /// Any other address: maybe an organization's own support address.
    Other,
}

/// Classifies `address` (normalized) against the inbound `domain`.
pub fn recipient(address: &str, domain: &str) -> Recipient {
    if let Some(token) = token_of_reply_address(address, domain) {
        return Recipient::Reply(token);
    }
    if let Some(org_id) = org_of_default_address(address, domain) {
        return Recipient::BuiltIn(org_id);
    }
    Recipient::Other
}

/// The addresses to try, in order: envelope recipients (normalized), then the mail's own
/// recipient headers; each once.
pub fn candidates(envelope_recipients: &[String], mail: &InboundMail) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let all = envelope_recipients
        .iter()
        .map(|r| normalize_address(r))
        .chain(mail.recipients.iter().cloned());
    for address in all {
        if !address.is_empty() && !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

/// Whether `address` is under the inbound domain (every such address is wrrk's).
pub fn under_inbound_domain(address: &str, domain: &str) -> bool {
    address.rsplit_once('@').is_some_and(|(_, d)| d == domain)
}

/// The first of `candidates` that is one of the organization's `own` support addresses:
/// the address the customer wrote to, even when their provider forwarded it to the
/// built-in one (the envelope then names the built-in address, the headers the own one).
pub fn addressed_to(candidates: &[String], own: &[String]) -> Option<String> {
    candidates.iter().find(|c| own.contains(c)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::address::{default_support_address, reply_address, reply_token};

    const DOMAIN: &str = "in.test";
    const ORG: &str = "01JABCDEFGHJKMNPQRSTVWXYZ0";

    fn mail_to(recipients: &[&str]) -> InboundMail {
        InboundMail {
            recipients: recipients.iter().map(|r| r.to_string()).collect(),
            ..InboundMail::default()
        }
    }

    #[test]
    fn a_reply_address_is_recognized_by_its_token() {
        let token = reply_token("s", "T1");
        assert_eq!(
            recipient(&reply_address(&token, DOMAIN), DOMAIN),
            Recipient::Reply(token)
        );
    }

    #[test]
    fn a_built_in_address_names_an_organization() {
        let a = default_support_address("ACME", ORG, DOMAIN);
        assert_eq!(recipient(&a, DOMAIN), Recipient::BuiltIn(ORG.into()));
    }

    #[test]
    fn other_addresses_need_a_lookup() {
        for a in [
            "support@acme.io",
            "acme-short@in.test",
            &default_support_address("ACME", ORG, "other.test"),
            &reply_address(&reply_token("s", "T1"), "other.test"),
        ] {
            assert_eq!(recipient(a, DOMAIN), Recipient::Other, "{a}");
        }
    }

    #[test]
    fn envelope_recipients_come_first_normalized_and_once() {
        let mail = mail_to(&["support@acme.io", "x@in.test", "cc@customer.io"]);
        assert_eq!(
            candidates(&[" <X@In.Test> ".into()], &mail),
            ["x@in.test", "support@acme.io", "cc@customer.io"]
        );
        assert!(candidates(&[], &InboundMail::default()).is_empty());
        assert_eq!(candidates(&["".into()], &mail_to(&["a@b.c"])), ["a@b.c"]);
    }

    #[test]
    fn the_inbound_domain_is_matched_exactly() {
        let cases = [
            ("a@in.test", true),
            ("a@sub.in.test", false),
            ("a@in.test.evil", false),
            ("in.test", false),
            ("a@IN.TEST", false),
        ];
        for (a, want) in cases {
            assert_eq!(under_inbound_domain(a, DOMAIN), want, "{a}");
        }
    }

    #[test]
    fn the_address_written_to_is_the_first_own_one_named() {
        let own = ["help@acme.io".to_string(), "support@acme.io".to_string()];
        let builtin = default_support_address("ACME", ORG, DOMAIN);
        let forwarded = candidates(
            std::slice::from_ref(&builtin),
            &mail_to(&["support@acme.io"]),
        );
        assert_eq!(
            addressed_to(&forwarded, &own).as_deref(),
            Some("support@acme.io")
        );
        let direct = candidates(&[builtin], &mail_to(&[]));
        assert_eq!(addressed_to(&direct, &own), None);
        let both = candidates(&[], &mail_to(&["help@acme.io", "support@acme.io"]));
        assert_eq!(addressed_to(&both, &own).as_deref(), Some("help@acme.io"));
        assert_eq!(addressed_to(&both, &[]), None);
    }

    #[test]
    fn forwarded_mail_names_the_own_address_after_the_built_in_one() {
        let m = crate::email::inbound::fixture("forwarded-own-address.eml");
        let builtin = default_support_address("ACME", ORG, DOMAIN);
        let c = candidates(std::slice::from_ref(&builtin), &m);
        assert_eq!(c, [builtin.clone(), "support@acme.io".to_string()]);
        assert_eq!(recipient(&c[0], DOMAIN), Recipient::BuiltIn(ORG.into()));
        let own = ["support@acme.io".to_string()];
        assert_eq!(addressed_to(&c, &own).as_deref(), Some("support@acme.io"));
    }

    #[test]
    fn a_reply_to_the_reply_address_routes_by_its_token() {
        let m = crate::email::inbound::fixture("reply-to-reply-address.eml");
        let c = candidates(&[], &m);
        assert_eq!(
            recipient(&c[0], DOMAIN),
            Recipient::Reply("0123456789abcdef0123456789abcd".into())
        );
    }

    #[test]
    fn a_reply_all_lists_everyone_copied() {
        let m = crate::email::inbound::fixture("cc-reply-all.eml");
        assert_eq!(
            candidates(&[], &m),
            [
                "acme-01jabcdefghjkmnpqrstvwxyz0@in.test",
                "kim@customer.io",
                "boss@customer.io"
            ]
        );
    }
}
