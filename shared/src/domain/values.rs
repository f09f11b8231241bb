use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::Invalid;

/// Characters that reorder or hide text (bidi overrides and isolates, marks, zero-width
/// joiners and spaces): they let a name or address display as something it is not.
fn is_invisible_or_bidi(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}' | '\u{180E}' | '\u{00AD}')
}

/// Unicode NFC of `raw`, so one text typed two ways (composed or decomposed) is one value.
fn nfc(raw: &str) -> String {
    raw.nfc().collect()
}

/// An email address, trimmed and lower-cased so uniqueness is case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Validates the shape (one `@`, a dotted domain, no spaces, at most 254 bytes), after
    /// Unicode NFC and lower-casing, so composed and decomposed forms are one address.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Invalid> {
        let bad = || Invalid::new(field, "must be a valid email address");
        // Checked before normalizing, so an oversized value costs nothing.
        if raw.len() > 1024 {
            return Err(bad());
        }
        let s = nfc(raw.trim()).to_lowercase();
        if s.len() > 254
            || s.chars()
                .any(|c| c.is_whitespace() || c.is_control() || is_invisible_or_bidi(c))
        {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(bad());
        }
        Ok(Self(s))
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed: long enough to resist guessing, short enough to hash cheaply.
pub struct Password(String);

impl Password {
    /// Fewest characters we accept.
    pub const MIN_CHARS: usize = 8;
    /// Most characters we accept (argon2 cost must stay bounded).
    pub const MAX_CHARS: usize = 128;

    /// Checks the length; the value is never echoed back.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, Invalid> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Invalid::new(
                field,
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if n > Self::MAX_CHARS {
            return Err(Invalid::new(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        Ok(Self(raw.to_string()))
    }

    /// The secret itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Non-empty, trimmed text without control characters, up to a length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct TrimmedText(String);

impl TrimmedText {
    /// Normalizes `raw` to NFC, trims it and checks it is 1 to `max` characters with no
    /// control, bidi-override or invisible characters.
    pub fn parse(field: &'static str, raw: &str, max: usize) -> Result<Self, Invalid> {
        if raw.len() > max * 4 + 64 {
            return Err(Invalid::new(
                field,
                format!("must be at most {max} characters"),
            ));
        }
        let normalized = nfc(raw);
        let s = normalized.trim();
        if s.is_empty() {
            return Err(Invalid::new(field, "must not be empty"));
        }
        if s.chars().count() > max {
            return Err(Invalid::new(
                field,
                format!("must be at most {max} characters"),
            ));
        }
        if s.chars().any(|c| c.is_control()) {
            return Err(Invalid::new(field, "must not contain control characters"));
        }
        if s.chars().any(is_invisible_or_bidi) {
            return Err(Invalid::new(
                field,
                "must not contain invisible or text-direction characters",
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The text.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A person's display name.
pub struct PersonName;

impl PersonName {
    /// Longest name accepted.
    pub const MAX_CHARS: usize = 100;

    /// A trimmed, non-empty name.
    pub fn parse(field: &'static str, raw: &str) -> Result<String, Invalid> {
        TrimmedText::parse(field, raw, Self::MAX_CHARS).map(TrimmedText::into_inner)
    }
}

/// An `https://` URL (avatars): never `javascript:` or plain http.
pub struct HttpsUrl;

impl HttpsUrl {
    /// Parses as a URL (WHATWG rules): scheme `https`, a domain host, no credentials, at
    /// most 2,048 characters, and nothing a URL parser would have to escape (quotes, angle
    /// brackets, spaces): the value is stored exactly as given, so it must already be clean.
    pub fn parse(field: &'static str, raw: &str) -> Result<String, Invalid> {
        let s = raw.trim();
        let bad = || Invalid::new(field, "must be an https URL");
        if s.len() > 2048
            || s.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '"' | '\'' | '<' | '>' | '`' | '\\' | '{' | '}' | '|' | '^'
                    )
            })
        {
            return Err(bad());
        }
        let url = url::Url::parse(s).map_err(|_| bad())?;
        let domain_ok = matches!(url.host(), Some(url::Host::Domain(d)) if d.contains('.'));
        if url.scheme() != "https"
            || !domain_ok
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(bad());
        }
        Ok(url.to_string())
    }
}

/// The prefix of an organization's ticket numbers (`ACME` in `ACME-0042`).
pub struct TicketPrefix;

impl TicketPrefix {
    /// 2 to 6 ASCII letters, stored upper-case.
    pub fn parse(field: &'static str, raw: &str) -> Result<String, Invalid> {
        let s = raw.trim();
        if !(2..=6).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Invalid::new(field, "must be 2 to 6 letters"));
        }
        Ok(s.to_ascii_uppercase())
    }

    /// The prefix a new organization starts with: the first letters of its name.
    pub fn derive(org_name: &str) -> String {
        let letters: String = org_name
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .take(4)
            .collect::<String>()
            .to_ascii_uppercase();
        if letters.len() >= 2 {
            letters
        } else {
            "TKT".to_string()
        }
    }
}

/// An IANA timezone name such as `Europe/Berlin`, or `UTC`.
pub struct Timezone;

impl Timezone {
    /// Checks the shape of the name (we keep no zone database in the binary).
    pub fn parse(field: &'static str, raw: &str) -> Result<String, Invalid> {
        let s = raw.trim();
        let ok = (1..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
            && (s == "UTC" || s.contains('/'));
        if ok {
            Ok(s.to_string())
        } else {
            Err(Invalid::new(
                field,
                "must be an IANA timezone such as Europe/Berlin or UTC",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            Email::parse("email", " Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.io",
            "a b@x.io",
            "ada@x",
            "ada@x..io",
            "a\u{202E}da@x.io",
            "a\u{200B}@x.io",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad} accepted");
        }
        // Composed and decomposed forms are one address.
        let composed = Email::parse("email", "j\u{00F6}rg@example.com").unwrap();
        let decomposed = Email::parse("email", "jo\u{0308}rg@example.com").unwrap();
        assert_eq!(composed, decomposed);
    }

    #[test]
    fn names_are_normalized_and_refuse_bidi_and_invisible_characters() {
        assert_eq!(
            PersonName::parse("n", "Jo\u{0308}rg").unwrap(),
            "J\u{00F6}rg"
        );
        for bad in [
            "\u{202E}gnp.exe",
            "a\u{2066}b",
            "\u{200B}\u{200B}",
            "\u{FEFF}",
            "x\u{0007}",
        ] {
            assert!(PersonName::parse("n", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(TicketPrefix::derive("Acme Corp"), "ACME");
        assert_eq!(TicketPrefix::derive("42"), "TKT");
        assert_eq!(TicketPrefix::parse("p", "abc").unwrap(), "ABC");
        assert!(TicketPrefix::parse("p", "A").is_err());
        assert!(TicketPrefix::parse("p", "ABCDEFG").is_err());
        assert!(TicketPrefix::parse("p", "AB1").is_err());
    }

    #[test]
    fn urls_and_zones() {
        assert!(HttpsUrl::parse("a", "https://cdn.example.com/a.png").is_ok());
        assert!(HttpsUrl::parse("a", "http://cdn.example.com/a.png").is_err());
        assert!(HttpsUrl::parse("a", "javascript:alert(1)").is_err());
        for bad in [
            "https://x.io/\"><script>",
            "https://x.io/<img>",
            "https://user:pw@x.io/a.png",
            "https://localhost/a.png",
            "https://intranet/a.png",
            "https://x.io/a b.png",
        ] {
            assert!(HttpsUrl::parse("a", bad).is_err(), "{bad} accepted");
        }
        assert!(Timezone::parse("t", "Europe/Berlin").is_ok());
        assert!(Timezone::parse("t", "Mars").is_err());
    }
}
