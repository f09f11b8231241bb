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

/// What the document declares for text fields ([`TrimmedText`]): no control, invisible or
/// direction characters anywhere, and something other than spaces. `maxLength` gives the
/// length. The handlers' `#[schema(pattern = ...)]` attributes repeat it (they take only
/// literals); a test in `functions` checks every copy equals this one.
pub const TEXT_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$";

/// What the document declares for optional text fields (blank means none):
/// [`TrimmedText::parse_or_blank`].
pub const OPTIONAL_TEXT_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$";

/// What the document declares for message content: something other than white space
/// (control characters such as line breaks are allowed).
pub const CONTENT_PATTERN: &str =
    "[^\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";

/// What the document declares for multi-line text that may be blank (notes, comments):
/// line breaks and tabs, no other control character.
pub const LINES_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// Multi-line text that must say something (a saved reply's body).
pub const LINES_REQUIRED_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// What the document declares for email fields ([`Email`]), with `maxLength: 254`.
pub const EMAIL_PATTERN: &str = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$";

/// Forbidden anywhere in text: control characters, and those that hide or reorder text.
fn is_forbidden(c: char) -> bool {
    c.is_control() || is_invisible_or_bidi(c)
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
        // Lengths and characters are checked on the text as sent, as [`EMAIL_PATTERN`]
        // declares them; only then is it trimmed, normalized and lower-cased.
        if raw.len() > 1024 || raw.chars().count() > 254 || raw.chars().any(is_forbidden) {
            return Err(bad());
        }
        let trimmed = raw.trim();
        let (local, domain) = trimmed.split_once('@').ok_or_else(bad)?;
        let domain_ok = !domain.is_empty()
            && domain.split('.').count() >= 2
            && domain.split('.').all(|label| !label.is_empty())
            && !domain.contains('@');
        if local.is_empty()
            || local.chars().count() > 64
            || trimmed.chars().any(char::is_whitespace)
            || !domain_ok
        {
            return Err(bad());
        }
        Ok(Self(nfc(trimmed).to_lowercase()))
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
        // Checked on the text as sent, as [`TEXT_PATTERN`] and `maxLength` declare it.
        if raw.len() > max * 4 || raw.chars().count() > max {
            return Err(Invalid::new(
                field,
                format!("must be at most {max} characters"),
            ));
        }
        if raw.chars().any(char::is_control) {
            return Err(Invalid::new(field, "must not contain control characters"));
        }
        if raw.chars().any(is_invisible_or_bidi) {
            return Err(Invalid::new(
                field,
                "must not contain invisible or text-direction characters",
            ));
        }
        let normalized = nfc(raw);
        let s = normalized.trim();
        if s.is_empty() {
            return Err(Invalid::new(field, "must not be empty"));
        }
        Ok(Self(s.to_string()))
    }

    /// Like [`Self::parse`], but blank text (spaces only) is `None`.
    pub fn parse_or_blank(
        field: &'static str,
        raw: &str,
        max: usize,
    ) -> Result<Option<Self>, Invalid> {
        match Self::parse(field, raw, max) {
            Ok(t) => Ok(Some(t)),
            // Spaces alone pass every other check: that is "no text".
            Err(_) if raw.chars().all(|c| c.is_whitespace() && !c.is_control()) => Ok(None),
            Err(e) => Err(e),
        }
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
    /// A name the compiled-in zone database knows (business hours count in it).
    pub fn parse(field: &'static str, raw: &str) -> Result<String, Invalid> {
        if let Some(tz) = crate::business_hours::parse_timezone(raw) {
            Ok(tz.name().to_string())
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
    fn lengths_and_characters_are_judged_as_sent_as_the_document_declares() {
        // Padding counts toward the length, and control characters are refused even at the
        // ends (trimming would otherwise accept what the document's pattern refuses).
        let padded = format!(" {} ", "a".repeat(99));
        assert!(PersonName::parse("n", &padded).is_err());
        assert_eq!(
            PersonName::parse("n", &format!(" {} ", "a".repeat(98))).unwrap(),
            "a".repeat(98)
        );
        assert!(PersonName::parse("n", "Ada\n").is_err());
        assert!(PersonName::parse("n", "\tAda").is_err());
        assert!(PersonName::parse("n", "\u{3000}").is_err(), "spaces alone");
        assert_eq!(
            TrimmedText::parse_or_blank("d", "  ", 10).unwrap(),
            None,
            "blank is no text"
        );
        assert!(TrimmedText::parse_or_blank("d", "\t", 10).is_err());
        // Emails: spaces around are trimmed, controls anywhere refused, the local part is
        // counted in characters.
        assert_eq!(
            Email::parse("e", "\u{00A0}Ada@Example.com ")
                .unwrap()
                .as_str(),
            "ada@example.com"
        );
        assert!(Email::parse("e", "ada@example.com\n").is_err());
        assert!(Email::parse("e", &format!("{}@x.io", "é".repeat(64))).is_ok());
        assert!(Email::parse("e", &format!("{}@x.io", "é".repeat(65))).is_err());
        assert!(Email::parse("e", "a@b@c.io").is_err());
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
