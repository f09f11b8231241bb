//! End-to-end tests: each starts a fresh local stack and drives it like a client would.

mod auth;
mod http_contract;
mod lambda_binary;
mod template_check;
