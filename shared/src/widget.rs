//! The chat widget's rules that are not storage: identity verification, allowed origins,
//! and the rate limits of the public widget API.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The identity hash a site computes for its user: hex HMAC-SHA256 of `user_id` under the
/// organization's identity secret.
pub fn identity_hash(secret: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(user_id.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `hash` (hex, any case) is `user_id`'s identity hash (constant-time compare).
pub fn identity_valid(secret: &str, user_id: &str, hash: &str) -> bool {
    let Some(bytes) = decode_hex(hash) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(user_id.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

/// A short digest of a widget key that visitor tokens carry: rotating the key changes it,
/// which ends every session issued under the old key (the key itself stays out of tokens).
pub fn key_fingerprint(widget_key: &str) -> String {
    use sha2::Digest;
    Sha256::digest(widget_key.as_bytes())
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// A normalized origin (`https://www.example.com`, `http://127.0.0.1:8080`): scheme and
/// host (and port), no path; `None` for anything else.
pub fn parse_origin(raw: &str) -> Option<String> {
    let s = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest.len() <= 253
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then_some(s)
}

/// One rate limit: at most `max` requests per `window_seconds` for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Subject prefix in the counter key (`IP`, `KEY`, `SESSION`) and the action.
    pub name: &'static str,
    /// Requests allowed per window.
    pub max: u64,
    /// Window length.
    pub window_seconds: i64,
}

/// Limits of the public widget API. Per-IP limits are generous, so one office behind one
/// proxy is not locked out by a single visitor: each visitor first meets the much lower
/// limit of their own session, which is checked (and counted) before the IP's.
pub mod limits {
    use super::Limit;

    const MINUTE: i64 = 60;

    /// `init` per source IP.
    pub const INIT_PER_IP: Limit = Limit {
        name: "init:ip",
        max: 300,
        window_seconds: MINUTE,
    };
    /// `init` per widget key.
    pub const INIT_PER_KEY: Limit = Limit {
        name: "init:key",
        max: 20_000,
        window_seconds: MINUTE,
    };
    /// New sessions per source IP.
    pub const SESSIONS_PER_IP: Limit = Limit {
        name: "sessions:ip",
        max: 60,
        window_seconds: MINUTE,
    };
    /// New sessions per widget key.
    pub const SESSIONS_PER_KEY: Limit = Limit {
        name: "sessions:key",
        max: 5_000,
        window_seconds: MINUTE,
    };
    /// Messages per session (one visitor).
    pub const MESSAGES_PER_SESSION: Limit = Limit {
        name: "messages:session",
        max: 20,
        window_seconds: MINUTE,
    };
    /// Messages per source IP.
    pub const MESSAGES_PER_IP: Limit = Limit {
        name: "messages:ip",
        max: 1_200,
        window_seconds: MINUTE,
    };
    /// Messages per widget key.
    pub const MESSAGES_PER_KEY: Limit = Limit {
        name: "messages:key",
        max: 50_000,
        window_seconds: MINUTE,
    };
    /// Connect tickets per session.
    pub const TICKETS_PER_SESSION: Limit = Limit {
        name: "tickets:session",
        max: 60,
        window_seconds: MINUTE,
    };
}

/// Multiplies every per-IP limit (`WIDGET_IP_LIMIT_FACTOR`, default 1): a load test from
/// one loopback address raises it; production leaves it alone.
pub fn ip_limit_factor() -> u64 {
    std::env::var("WIDGET_IP_LIMIT_FACTOR")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v: &u64| *v >= 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_hash_round_trips_and_rejects_others() {
        let h = identity_hash("secret", "user-1");
        assert_eq!(h.len(), 64);
        assert!(identity_valid("secret", "user-1", &h));
        assert!(identity_valid("secret", "user-1", &h.to_uppercase()));
        assert!(!identity_valid("secret", "user-2", &h));
        assert!(!identity_valid("other", "user-1", &h));
        assert!(!identity_valid("secret", "user-1", "zz"));
        assert!(!identity_valid("secret", "user-1", ""));
    }

    #[test]
    fn origins_are_normalized_and_junk_refused() {
        assert_eq!(
            parse_origin("https://WWW.Example.com/").as_deref(),
            Some("https://www.example.com")
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(parse_origin("https://a.com/path"), None);
        assert_eq!(parse_origin("ftp://a.com"), None);
        assert_eq!(parse_origin("*"), None);
    }
}
