//! The caller's organization and its settings.

pub mod get;
pub mod update;
