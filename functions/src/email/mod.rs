//! The email channel's functions: SES inbound mail, the outbound retry schedule, support
//! addresses, sender identities, quarantine and attachment downloads.

pub mod addresses;
pub mod attachments;
pub mod identities;
pub mod inbound;
pub mod quarantine;
pub mod retry;
