//! Sign-up, login and the current session.

pub mod login;
pub mod me;
pub mod signup;
