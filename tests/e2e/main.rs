//! End-to-end tests: each starts a fresh local stack and drives it like a client would.

mod auth;
mod contacts;
mod cross_tenant;
mod csat;
mod deploy;
mod email;
mod email_attachments;
mod email_cc;
mod hardening_http;
mod hardening_realtime;
mod http_contract;
mod invitations;
mod lambda_binary;
mod local_binary;
mod openapi;
mod organizations;
mod rbac_matrix;
mod realtime;
mod safety;
mod saved_replies;
mod teams;
mod template_check;
mod tickets;
mod users;
mod viewers;
mod widget;
