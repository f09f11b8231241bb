//! The caller's organization and its settings.

pub mod get;
pub mod routing;
pub mod update;
