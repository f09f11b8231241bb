//! Customers: the people tickets are for.

pub mod get;
pub mod list;
