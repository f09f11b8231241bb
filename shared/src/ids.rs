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
    ulid::Ulid::from_string(s).is_ok()
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
