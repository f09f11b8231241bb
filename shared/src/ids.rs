//! Identifiers and secrets: sortable, unguessable ids and hashed random tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new ULID: sortable by creation time, 80 random bits.
pub fn new_id() -> String {
    ulid::Ulid::new().to_string()
}

/// Whether `s` looks like an id we issued (so junk never reaches a key).
pub fn is_valid_id(s: &str) -> bool {
    // Exactly what the document's id pattern says: 26 upper-case Crockford base32
    // characters, the first at most 7 (a 128-bit value).
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let b = s.as_bytes();
    b.len() == 26 && (b'0'..=b'7').contains(&b[0]) && b.iter().all(|c| ALPHABET.contains(c))
}

/// Whether `s` has the shape of a secret [`new_secret`] issues (43 URL-safe base64
/// characters), as the document's token pattern says; other text is refused unread.
pub fn is_valid_secret(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A 256-bit random secret, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hex SHA-256 of a secret: what is stored instead of the secret itself.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What every typed id can do, for code generic over the kind (path parameters).
pub trait TypedId: Sized {
    /// `raw` as this kind of id, if it is an id we could have issued.
    fn parse_id(raw: &str) -> Option<Self>;
}

/// Declares typed ids: each kind of record has its own id type, so a user's id cannot be
/// passed where a ticket's is meant. On the wire and in the table each is the bare ULID
/// string (`#[serde(transparent)]`); in the OpenAPI document each is a named string schema.
/// No `Deref<Target = str>`: code that needs the text says so (`as_str()`), and store
/// functions take the typed id.
macro_rules! typed_ids {
    ($($(#[$doc:meta])* $name:ident,)*) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = String, format = "ulid", pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
        pub struct $name(String);

        #[allow(clippy::new_without_default)] // a default id would be a random one
        impl $name {
            /// A new id (a fresh ULID).
            pub fn new() -> Self {
                Self(new_id())
            }

            /// `raw` as this kind of id, if it is an id we could have issued.
            pub fn parse(raw: &str) -> Option<Self> {
                is_valid_id(raw).then(|| Self(raw.to_string()))
            }

            /// An id read back from the store or a signed token (already checked when it
            /// was issued).
            pub fn trusted(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }

            /// The ULID text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TypedId for $name {
            fn parse_id(raw: &str) -> Option<Self> {
                Self::parse(raw)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }
    )*};
}

typed_ids! {
    /// An organization's id.
    OrgId,
    /// A user's (agent's) id.
    UserId,
    /// A team's id.
    TeamId,
    /// A ticket's id.
    TicketId,
    /// A message's id (messages sort by it).
    MessageId,
    /// A customer's id.
    CustomerId,
    /// An invitation's id.
    InvitationId,
    /// An uploaded or received file's id.
    AttachmentId,
    /// A saved reply's id.
    SavedReplyId,
}

#[cfg(test)]
mod typed_id_tests {
    use super::*;

    #[test]
    fn typed_ids_are_bare_strings_on_the_wire_and_checked_when_parsed() {
        let id = TicketId::new();
        let json = serde_json::to_string(&id).unwrap_or_default();
        assert_eq!(json, format!("\"{id}\""));
        let back: TicketId = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, id);
        assert!(TicketId::parse("not-an-id").is_none());
        // Only the form the document's pattern allows: upper case, a 128-bit value.
        assert!(TicketId::parse(&id.as_str().to_lowercase()).is_none());
        assert!(TicketId::parse("8ZZZZZZZZZZZZZZZZZZZZZZZZZ").is_none());
        assert!(TicketId::parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ").is_some());
        assert!(TicketId::parse("01ARZ3NDEKTSV4RRFFQ69G5FAI").is_none());
        assert_eq!(TicketId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(id.as_str().len(), 26);
    }
}
