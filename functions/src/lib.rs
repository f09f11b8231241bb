//! wrrk's Lambda handlers. Each endpoint is one module with a `handle` function and one
//! line in [`registry`] (its trigger, what it may touch). Every function runs the one
//! `bootstrap` binary, which serves the function named by `_HANDLER`. Storage calls live
//! in `wrrk_shared::store`.

pub mod auth;
pub mod csat;
pub mod customers;
pub mod deploy;
pub mod email;
pub mod entry;
#[cfg(test)]
mod event_fixtures;
pub mod fallback;
pub mod invitations;
pub mod openapi;
pub mod organizations;
pub mod presence;
pub mod realtime;
pub mod registry;
pub mod reports;
pub mod saved_replies;
pub mod teams;
pub mod template;
pub mod tickets;
pub mod users;
pub mod widget;
pub mod wire;

pub use entry::serve;
