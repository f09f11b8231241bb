//! The local stack: serves wrrk's real Lambda handlers on loopback the way AWS would
//! (API Gateway HTTP and WebSocket API events, the `@connections` management API), with an
//! embedded DynamoDB-compatible engine and an SESv2 outbox. Tests start it in-process; `wrrk-local` runs it for people.

pub mod dynamo;
pub mod front_ends;
pub mod http_api;
pub mod meter;
pub mod runtime_api;
pub mod s3;
pub mod seed;
pub mod ses;
pub mod smtp;
mod stack;
pub mod static_site;
pub mod template;
pub mod websocket;

pub use stack::{LocalStack, Options, local_sdk_config, serve};
