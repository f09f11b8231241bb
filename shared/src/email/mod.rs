//! The email channel as a module: inbound mail ([`inbound`]: parsing, routing, threading,
//! classification, and the path that posts it), the addresses mail is matched by
//! ([`address`]), what agents see of a mail ([`content`]), the organization's own
//! sender addresses verified in SES ([`identities`]), the reply path with its
//! delivery state ([`outbound`]), what wrrk's mail says ([`templates`]) and the one way
//! mail leaves through SESv2 ([`transport`]).

pub mod address;
pub mod content;
pub mod dead_letter;
pub mod identities;
pub mod inbound;
pub mod outbound;
pub mod templates;
pub mod transport;

pub use inbound::parse::{InboundMail, MailPart, parse};
