//! Opaque pagination cursors: the encoded resume key, signed and bound to a scope
//! (organization, list and filters), so a cursor cannot be forged, edited, or replayed
//! against another organization's list.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use aws_sdk_dynamodb::types::AttributeValue;

use super::Item;
use crate::http::error::ApiError;

type HmacSha256 = Hmac<Sha256>;

/// Encodes and verifies cursors with a key derived from the signing secret.
pub struct CursorCodec {
    key: Vec<u8>,
}

#[derive(serde::Serialize, serde::Deserialize)]
enum Attr {
    S(String),
    N(String),
}

impl CursorCodec {
    /// A codec whose key is derived from `secret` (domain-separated from session tokens).
    pub fn new(secret: &[u8]) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(b"wrrk cursor key v1");
        Self {
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    fn mac(&self, scope: &str, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(scope.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        mac
    }

    /// The cursor for resuming `scope` at `key`.
    pub fn encode(&self, scope: &str, key: &Item) -> String {
        let map: BTreeMap<&String, Attr> = key
            .iter()
            .filter_map(|(k, v)| match v {
                AttributeValue::S(s) => Some((k, Attr::S(s.clone()))),
                AttributeValue::N(n) => Some((k, Attr::N(n.clone()))),
                _ => None,
            })
            .collect();
        let payload = serde_json::to_vec(&map).unwrap_or_default();
        let tag = self.mac(scope, &payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The resume key of a cursor issued for `scope`; anything else is a 400.
    pub fn decode(&self, scope: &str, cursor: &str) -> Result<Item, ApiError> {
        let bad = || {
            ApiError::BadRequest(
                crate::http::ErrorCode::InvalidCursor,
                "The cursor is not valid for this list.".into(),
            )
        };
        let (p, t) = cursor.split_once('.').ok_or_else(bad)?;
        let payload = URL_SAFE_NO_PAD.decode(p).map_err(|_| bad())?;
        let tag = URL_SAFE_NO_PAD.decode(t).map_err(|_| bad())?;
        self.mac(scope, &payload)
            .verify_slice(&tag)
            .map_err(|_| bad())?;
        let map: BTreeMap<String, Attr> = serde_json::from_slice(&payload).map_err(|_| bad())?;
        Ok(map
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    Attr::S(s) => AttributeValue::S(s),
                    Attr::N(n) => AttributeValue::N(n),
                };
                (k, v)
            })
            .collect())
    }

    /// Decodes an optional cursor parameter.
    pub fn decode_opt(&self, scope: &str, cursor: Option<&str>) -> Result<Option<Item>, ApiError> {
        cursor.map(|c| self.decode(scope, c)).transpose()
    }

    /// Encodes an optional resume key.
    pub fn encode_opt(&self, scope: &str, key: Option<&Item>) -> Option<String> {
        key.map(|k| self.encode(scope, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_bound_to_their_scope_and_untamperable() {
        let codec = CursorCodec::new(b"secret");
        let key: Item = [("PK".to_string(), AttributeValue::S("ORG#a".into()))].into();
        let c = codec.encode("users:a", &key);
        assert_eq!(codec.decode("users:a", &c).unwrap(), key);
        assert!(codec.decode("users:b", &c).is_err());
        let mut forged = c.clone();
        forged.insert(1, 'x');
        assert!(codec.decode("users:a", &forged).is_err());
        assert!(CursorCodec::new(b"other").decode("users:a", &c).is_err());
    }
}
