//! The addresses mail is matched by: the organization's built-in support address and a
//! ticket's reply address (`reply+{token}@{InboundDomain}`), and how an address is compared.

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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn addresses_are_compared_lower_case_without_brackets() {
        assert_eq!(normalize_address(" <Ada@Example.COM> "), "ada@example.com");
        assert_eq!(normalize_address("ada@example.com"), "ada@example.com");
    }

    #[test]
    fn a_reply_address_round_trips_to_its_token() {
        let t = reply_token("secret", "T1");
        let addr = reply_address(&t, "in.test");
        assert_eq!(token_of_reply_address(&addr, "in.test"), Some(t));
    }

    #[test]
    fn a_built_in_address_names_its_organization() {
        let id = "01JABCDEFGHJKMNPQRSTVWXYZ0";
        let a = default_support_address("ACME", id, "in.test");
        assert_eq!(org_of_default_address(&a, "in.test").as_deref(), Some(id));
        assert_eq!(
            org_of_default_address(&a.to_uppercase(), "in.test"),
            None,
            "domain compared as given"
        );
    }
}
