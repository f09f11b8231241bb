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

/// The upload session of a visitor's token (visitor tokens carry no session id): a
/// digest of the token itself, so only the widget that asked for an upload, holding that
/// very token, can send it ([`crate::uploads::check`]), and no token is stored.
pub fn upload_session(token: &str) -> String {
    use sha2::Digest;
    let hex: String = Sha256::digest(token.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("visitor:{hex}")
}

/// Whether a visitor whose chat is `chat_ticket` may download file `attachment_id` of
/// ticket `file_ticket`, which its item says went with `message` (as read from the store):
/// only a file of this chat that a public message of it lists. Pending uploads, other
/// chats' files and internal notes' files never are.
pub fn visitor_may_read(
    attachment_id: &str,
    file_ticket: &str,
    chat_ticket: &str,
    message: Option<&crate::domain::Message>,
) -> bool {
    let Some(m) = message else {
        return false;
    };
    file_ticket == chat_ticket
        && m.ticket_id.as_str() == chat_ticket
        && !m.internal
        && m.email
            .as_ref()
            .is_some_and(|e| e.attachments.iter().any(|a| a.id == attachment_id))
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
    /// Upload URLs per session (one visitor): a message carries at most ten files.
    pub const UPLOADS_PER_SESSION: Limit = Limit {
        name: "uploads:session",
        max: 20,
        window_seconds: MINUTE,
    };
    /// Upload URLs per source IP.
    pub const UPLOADS_PER_IP: Limit = Limit {
        name: "uploads:ip",
        max: 600,
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

    #[test]
    fn upload_sessions_are_per_token() {
        let a = upload_session("token-a");
        assert_eq!(a, upload_session("token-a"));
        assert_ne!(a, upload_session("token-b"));
        assert!(a.starts_with("visitor:"));
        assert!(!a.contains("token-a"));
    }

    fn message(ticket: &str, internal: bool, files: &[&str]) -> crate::domain::Message {
        use crate::domain::{Attachment, AuthorType, Channel, EmailMeta, Message};
        use crate::ids::{MessageId, OrgId, TicketId};
        Message {
            id: MessageId::trusted("M"),
            ticket_id: TicketId::trusted(ticket),
            org_id: OrgId::trusted("O"),
            author_type: AuthorType::Agent,
            author_id: None,
            author_name: "Ada".into(),
            content: "see".into(),
            internal,
            channel: Channel::Chat,
            email_message_id: None,
            email: Some(EmailMeta {
                attachments: files
                    .iter()
                    .map(|id| Attachment {
                        id: (*id).into(),
                        filename: "f.png".into(),
                        content_type: "image/png".into(),
                        size: 1,
                        content_id: None,
                        inline: false,
                    })
                    .collect(),
                ..EmailMeta::default()
            }),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_visitor_reads_files_of_public_messages_of_their_chat() {
        assert!(visitor_may_read(
            "F",
            "T",
            "T",
            Some(&message("T", false, &["F"]))
        ));
    }

    #[test]
    fn a_visitor_never_reads_a_notes_file() {
        assert!(!visitor_may_read(
            "F",
            "T",
            "T",
            Some(&message("T", true, &["F"]))
        ));
    }

    #[test]
    fn a_visitor_never_reads_another_chats_file() {
        assert!(!visitor_may_read(
            "F",
            "U",
            "T",
            Some(&message("U", false, &["F"]))
        ));
        assert!(!visitor_may_read(
            "F",
            "T",
            "T",
            Some(&message("U", false, &["F"]))
        ));
    }

    #[test]
    fn a_visitor_never_reads_a_file_no_message_lists() {
        assert!(!visitor_may_read("F", "T", "T", None));
        assert!(!visitor_may_read(
            "F",
            "T",
            "T",
            Some(&message("T", false, &["G"]))
        ));
    }
}
