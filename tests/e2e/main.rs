//! End-to-end tests: each starts a fresh local stack and drives it like a client would.

mod auth;
mod cross_tenant;
mod email;
mod email_attachments;
mod hardening_http;
mod hardening_realtime;
mod http_contract;
mod invitations;
mod lambda_binary;
mod local_binary;
mod never_miss;
mod openapi;
mod organizations;
mod rbac_matrix;
mod realtime;
mod teams;
mod template_check;
mod tickets;
mod users;
mod viewers;
mod widget;
