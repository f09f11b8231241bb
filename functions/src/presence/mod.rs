//! Who is online in the caller's organization.

pub mod list;
