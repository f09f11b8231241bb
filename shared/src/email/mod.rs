//! The email channel's pure parts: parsing inbound MIME ([`parse`]), threading tokens and
//! addresses ([`thread`]), folding quoted history and sanitizing HTML ([`content`]), and
//! the outbound path with its delivery state ([`outbound`]).

pub mod content;
pub mod dead_letter;
pub mod outbound;
pub mod parse;
pub mod thread;

pub use parse::{InboundMail, MailPart, parse};
