//! Authentication: password hashing, session tokens, and the one request extractor.

pub mod caller;
pub mod password;
pub mod token;

pub use caller::Caller;
