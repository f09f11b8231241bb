//! wrrk's Lambda handlers. Each endpoint is one module with a `handle` function; each has a
//! thin binary in `src/bin/` (its Lambda) and an entry in [`registry`] (what the local stack
//! and the template check use). Storage calls live in `wrrk_shared::store`.

pub mod auth;
pub mod customers;
pub mod entry;
pub mod fallback;
pub mod invitations;
pub mod organizations;
pub mod presence;
pub mod realtime;
pub mod registry;
pub mod teams;
pub mod tickets;
pub mod users;

pub use entry::serve;
