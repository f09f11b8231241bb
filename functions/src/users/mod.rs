//! Agents of an organization: list, profile, edit, deactivate.

pub mod deactivate;
pub mod get;
pub mod list;
pub mod update;
