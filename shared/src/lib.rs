//! wrrk's shared library: domain types, the single-table store, auth, RBAC, the HTTP
//! contract (errors, bodies, responses) and outbound mail. Every Lambda handler and the
//! local stack build on it, so the same code runs in AWS and on a laptop.

pub mod after_message;
pub mod app;
pub mod assignment;
pub mod auth;
pub mod business_hours;
pub mod conversation;
pub mod csat;
pub mod domain;
pub mod email;
pub mod events;
pub mod hangup;
pub mod http;
pub mod ids;
pub mod keys;
pub mod notify;
pub mod rbac;
pub mod realtime;
pub mod reports;
pub mod sla;
pub mod snooze;
pub mod store;
pub mod telemetry;
pub mod uploads;
pub mod viewers;
pub mod widget;

pub use app::{App, Endpoints, Settings};
pub use http::error::ApiError;
