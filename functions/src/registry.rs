//! Every function: its binary name (as in `template.yaml`), its route (HTTP or WebSocket),
//! its handler.
//! A test checks this table, the template and `src/bin/` name the same functions.

use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use wrrk_shared::App;

use crate::realtime::{WsRequest, WsResponse};

/// A handler as the runtime and the local stack call it.
pub type Handler = fn(App, Request) -> BoxFuture<'static, Response<Body>>;

/// One HTTP Lambda function.
#[derive(Clone, Copy)]
pub struct HttpFunction {
    /// Binary name (`BuildProperties.Binary` in the template).
    pub binary: &'static str,
    /// HTTP method of its route (`ANY` for the fallback).
    pub method: &'static str,
    /// Route path with `{param}` segments (`$default` for the fallback).
    pub path: &'static str,
    /// The handler.
    pub handler: Handler,
}

macro_rules! http_functions {
    ($($binary:literal: $method:literal $path:literal => $handler:path,)*) => {
        /// All HTTP functions.
        pub const HTTP_FUNCTIONS: &[HttpFunction] = &[$(
            HttpFunction {
                binary: $binary,
                method: $method,
                path: $path,
                handler: |app, req| Box::pin(crate::entry::respond($handler(app, req))),
            },
        )*];
    };
}

http_functions! {
    "auth-signup": "POST" "/api/auth/signup" => crate::auth::signup::handle,
    "auth-login": "POST" "/api/auth/login" => crate::auth::login::handle,
    "auth-me": "GET" "/api/auth/me" => crate::auth::me::handle,
    "users-list": "GET" "/api/users" => crate::users::list::handle,
    "users-get": "GET" "/api/users/{id}" => crate::users::get::handle,
    "users-update": "PATCH" "/api/users/{id}" => crate::users::update::handle,
    "users-deactivate": "DELETE" "/api/users/{id}" => crate::users::deactivate::handle,
    "organizations-get": "GET" "/api/organizations/{id}" => crate::organizations::get::handle,
    "organizations-update": "PATCH" "/api/organizations/{id}" => crate::organizations::update::handle,
    "teams-list": "GET" "/api/teams" => crate::teams::list::handle,
    "teams-create": "POST" "/api/teams" => crate::teams::create::handle,
    "teams-get": "GET" "/api/teams/{id}" => crate::teams::get::handle,
    "teams-update": "PATCH" "/api/teams/{id}" => crate::teams::update::handle,
    "teams-delete": "DELETE" "/api/teams/{id}" => crate::teams::delete::handle,
    "team-members-list": "GET" "/api/teams/{id}/members" => crate::teams::members_list::handle,
    "team-members-add": "POST" "/api/teams/{id}/members" => crate::teams::members_add::handle,
    "team-members-remove": "DELETE" "/api/teams/{id}/members/{userId}" => crate::teams::members_remove::handle,
    "invitations-create": "POST" "/api/invitations" => crate::invitations::create::handle,
    "invitations-list": "GET" "/api/invitations" => crate::invitations::list::handle,
    "invitations-revoke": "DELETE" "/api/invitations/{id}" => crate::invitations::revoke::handle,
    "invitations-lookup": "GET" "/api/invitations/token/{token}" => crate::invitations::lookup::handle,
    "invitations-accept": "POST" "/api/invitations/token/{token}/accept" => crate::invitations::accept::handle,
    "tickets-create": "POST" "/api/tickets" => crate::tickets::create::handle,
    "tickets-list": "GET" "/api/tickets" => crate::tickets::list::handle,
    "tickets-get": "GET" "/api/tickets/{id}" => crate::tickets::get::handle,
    "tickets-update": "PATCH" "/api/tickets/{id}" => crate::tickets::update::handle,
    "ticket-messages-list": "GET" "/api/tickets/{id}/messages" => crate::tickets::messages_list::handle,
    "ticket-messages-create": "POST" "/api/tickets/{id}/messages" => crate::tickets::messages_create::handle,
    "customers-list": "GET" "/api/customers" => crate::customers::list::handle,
    "customers-get": "GET" "/api/customers/{id}" => crate::customers::get::handle,
    "presence-list": "GET" "/api/presence" => crate::presence::list::handle,
    "fallback": "ANY" "$default" => crate::fallback::handle,
}

/// A WebSocket route handler as the runtime and the local stack call it.
pub type WsHandler = fn(App, WsRequest) -> BoxFuture<'static, WsResponse>;

/// One WebSocket route's Lambda function.
#[derive(Clone, Copy)]
pub struct WsFunction {
    /// Binary name (`BuildProperties.Binary` in the template).
    pub binary: &'static str,
    /// Route key: `$connect`, `$disconnect`, `$default` or an action name.
    pub route_key: &'static str,
    /// The handler.
    pub handler: WsHandler,
}

macro_rules! ws_functions {
    ($($binary:literal: $route:literal => $handler:path,)*) => {
        /// All WebSocket route functions.
        pub const WS_FUNCTIONS: &[WsFunction] = &[$(
            WsFunction {
                binary: $binary,
                route_key: $route,
                handler: |app, event| Box::pin(crate::entry::respond_ws($route, $handler(app, event))),
            },
        )*];
    };
}

ws_functions! {
    "ws-connect": "$connect" => crate::realtime::connect::handle,
    "ws-disconnect": "$disconnect" => crate::realtime::disconnect::handle,
    "ws-default": "$default" => crate::realtime::default::handle,
    "ws-ticket-subscribe": "ticket:subscribe" => crate::realtime::subscribe::handle,
    "ws-ticket-unsubscribe": "ticket:unsubscribe" => crate::realtime::unsubscribe::handle,
    "ws-typing-start": "typing:start" => crate::realtime::typing::start,
    "ws-typing-stop": "typing:stop" => crate::realtime::typing::stop,
}

/// The WebSocket function built as `binary`.
pub fn ws_function(binary: &str) -> Option<WsFunction> {
    WS_FUNCTIONS.iter().find(|f| f.binary == binary).copied()
}

/// The function built as `binary`.
pub fn http_function(binary: &str) -> Option<HttpFunction> {
    HTTP_FUNCTIONS.iter().find(|f| f.binary == binary).copied()
}

/// Whether a route `pattern` (`/api/users/{id}`) matches `path`.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.trim_matches('/').split('/');
    let mut a = path.trim_matches('/').split('/');
    loop {
        match (p.next(), a.next()) {
            (None, None) => return true,
            (Some(seg), Some(val)) if seg.starts_with('{') && seg.ends_with('}') => {
                if val.is_empty() {
                    return false;
                }
            }
            (Some(seg), Some(val)) if seg == val => {}
            _ => return false,
        }
    }
}
