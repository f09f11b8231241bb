//! Every function: its name (its `Handler` in `template.yaml`, which Lambda hands the one
//! `bootstrap` binary as `_HANDLER`), what triggers it, what it may touch, its handler.
//! The local stack routes by this table, and the template test derives each function's
//! `Events` and `Policies` from it: adding a function is its module, one line here and
//! its block in the template.

use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use wrrk_shared::App;

use crate::realtime::{WsRequest, WsResponse};

/// What a function may touch; each maps to one policy in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Read the table (`DynamoDBReadPolicy`).
    TableRead,
    /// Read and write the table (`DynamoDBCrudPolicy`).
    TableWrite,
    /// Post to and close WebSocket connections (`execute-api:ManageConnections`, and the
    /// `WEBSOCKET_ENDPOINT` variable).
    ManageConnections,
    /// Send mail through SESv2 (`ses:SendEmail`).
    SendMail,
    /// Read the bucket (`S3ReadPolicy`).
    BucketRead,
    /// Read and write the bucket (`S3CrudPolicy`).
    BucketWrite,
    /// Read and set the region's active SES receipt rule set
    /// (`ses:DescribeActiveReceiptRuleSet`, `ses:SetActiveReceiptRuleSet`).
    ActivateReceiptRuleSet,
}

/// What invokes a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// An HTTP API route (`path` is `$default` for the catch-all).
    Http {
        /// Upper-case method, or `ANY`.
        method: &'static str,
        /// Route path with `{param}` segments.
        path: &'static str,
    },
    /// A WebSocket API route.
    WebSocket {
        /// `$connect`, `$disconnect`, `$default` or an action name.
        route_key: &'static str,
    },
    /// An SES receipt rule's Lambda action (after its S3 action stored the mail).
    SesInbound,
    /// CloudFormation custom resources (`Custom::*` whose `ServiceToken` is the
    /// function): run while the stack deploys, answered through the event's ResponseURL.
    CloudFormation,
    /// An EventBridge schedule (`rate(5 minutes)`).
    Schedule {
        /// The schedule expression.
        expression: &'static str,
    },
}

/// A handler as the runtime and the local stack call it.
pub type Handler = fn(App, Request) -> BoxFuture<'static, Response<Body>>;

/// One HTTP Lambda function.
#[derive(Clone, Copy)]
pub struct HttpFunction {
    /// The function's name (`Handler` in the template).
    pub name: &'static str,
    /// HTTP method of its route (`ANY` for the fallback).
    pub method: &'static str,
    /// Route path with `{param}` segments (`$default` for the fallback).
    pub path: &'static str,
    /// What it may touch.
    pub access: &'static [Access],
    /// The handler.
    pub handler: Handler,
}

macro_rules! http_functions {
    ($($name:literal: $method:literal $path:literal [$($access:ident),*] => $handler:path,)*) => {
        /// All HTTP functions.
        pub const HTTP_FUNCTIONS: &[HttpFunction] = &[$(
            HttpFunction {
                name: $name,
                method: $method,
                path: $path,
                access: &[$(Access::$access),*],
                handler: |app, req| Box::pin(crate::entry::respond($handler(app, req))),
            },
        )*];
    };
}

http_functions! {
    "auth-signup": "POST" "/api/auth/signup" [TableWrite, SendMail] => crate::auth::signup::handle,
    "auth-login": "POST" "/api/auth/login" [TableWrite] => crate::auth::login::handle,
    "auth-me": "GET" "/api/auth/me" [TableRead] => crate::auth::me::handle,
    "auth-logout": "POST" "/api/auth/logout" [TableWrite, ManageConnections] => crate::auth::logout::handle,
    "auth-password-change": "POST" "/api/auth/password" [TableWrite, ManageConnections] => crate::auth::password_change::handle,
    "auth-password-forgot": "POST" "/api/auth/forgot-password" [TableWrite, SendMail] => crate::auth::password_forgot::handle,
    "auth-password-reset": "POST" "/api/auth/reset-password" [TableWrite, ManageConnections] => crate::auth::password_reset::handle,
    "auth-verify-email": "POST" "/api/auth/verify-email" [TableWrite] => crate::auth::verify_email::handle,
    "auth-verify-email-resend": "POST" "/api/auth/verify-email/resend" [TableWrite, SendMail] => crate::auth::verify_email_resend::handle,
    "users-list": "GET" "/api/users" [TableRead] => crate::users::list::handle,
    "users-get": "GET" "/api/users/{id}" [TableRead] => crate::users::get::handle,
    "users-update": "PATCH" "/api/users/{id}" [TableWrite, ManageConnections] => crate::users::update::handle,
    "notifications-unsubscribe": "POST" "/api/notifications/unsubscribe" [TableWrite] => crate::users::unsubscribe::handle,
    "users-deactivate": "DELETE" "/api/users/{id}" [TableWrite, ManageConnections] => crate::users::deactivate::handle,
    "organizations-get": "GET" "/api/organizations/{id}" [TableRead] => crate::organizations::get::handle,
    "organizations-update": "PATCH" "/api/organizations/{id}" [TableWrite] => crate::organizations::update::handle,
    "teams-list": "GET" "/api/teams" [TableRead] => crate::teams::list::handle,
    "teams-create": "POST" "/api/teams" [TableWrite] => crate::teams::create::handle,
    "teams-get": "GET" "/api/teams/{id}" [TableRead] => crate::teams::get::handle,
    "teams-update": "PATCH" "/api/teams/{id}" [TableWrite] => crate::teams::update::handle,
    "teams-delete": "DELETE" "/api/teams/{id}" [TableWrite] => crate::teams::delete::handle,
    "team-members-list": "GET" "/api/teams/{id}/members" [TableRead] => crate::teams::members_list::handle,
    "team-members-add": "POST" "/api/teams/{id}/members" [TableWrite] => crate::teams::members_add::handle,
    "team-members-remove": "DELETE" "/api/teams/{id}/members/{userId}" [TableWrite] => crate::teams::members_remove::handle,
    "invitations-create": "POST" "/api/invitations" [TableWrite, SendMail] => crate::invitations::create::handle,
    "invitations-list": "GET" "/api/invitations" [TableRead] => crate::invitations::list::handle,
    "invitations-revoke": "DELETE" "/api/invitations/{id}" [TableWrite] => crate::invitations::revoke::handle,
    "invitations-lookup": "GET" "/api/invitations/token/{token}" [TableRead] => crate::invitations::lookup::handle,
    "invitations-accept": "POST" "/api/invitations/token/{token}/accept" [TableWrite] => crate::invitations::accept::handle,
    "tickets-create": "POST" "/api/tickets" [TableWrite, ManageConnections] => crate::tickets::create::handle,
    "tickets-list": "GET" "/api/tickets" [TableRead] => crate::tickets::list::handle,
    "tickets-get": "GET" "/api/tickets/{id}" [TableRead] => crate::tickets::get::handle,
    "tickets-update": "PATCH" "/api/tickets/{id}" [TableWrite, ManageConnections, SendMail] => crate::tickets::update::handle,
    "tickets-snooze": "PUT" "/api/tickets/{id}/snooze" [TableWrite, ManageConnections] => crate::tickets::snooze::handle,
    "ticket-messages-list": "GET" "/api/tickets/{id}/messages" [TableRead] => crate::tickets::messages_list::handle,
    "ticket-messages-create": "POST" "/api/tickets/{id}/messages" [TableWrite, ManageConnections, SendMail, BucketWrite] => crate::tickets::messages_create::handle,
    "ticket-attachments-create": "POST" "/api/tickets/{id}/attachments" [TableWrite, BucketWrite] => crate::tickets::attachments_create::handle,
    "customers-list": "GET" "/api/customers" [TableRead] => crate::customers::list::handle,
    "customers-get": "GET" "/api/customers/{id}" [TableRead] => crate::customers::get::handle,
    "customers-update": "PATCH" "/api/customers/{id}" [TableWrite] => crate::customers::update::handle,
    "customers-merge": "POST" "/api/customers/{id}/merge" [TableWrite] => crate::customers::merge::handle,
    "saved-replies-list": "GET" "/api/saved-replies" [TableRead] => crate::saved_replies::list::handle,
    "saved-replies-create": "POST" "/api/saved-replies" [TableWrite] => crate::saved_replies::create::handle,
    "saved-replies-update": "PATCH" "/api/saved-replies/{id}" [TableWrite] => crate::saved_replies::update::handle,
    "saved-replies-delete": "DELETE" "/api/saved-replies/{id}" [TableWrite] => crate::saved_replies::delete::handle,
    "saved-replies-render": "GET" "/api/saved-replies/{id}/render" [TableRead] => crate::saved_replies::render::handle,
    "csat-get": "GET" "/api/csat/{token}" [TableRead] => crate::csat::get::handle,
    "csat-rate": "POST" "/api/csat/{token}" [TableWrite, ManageConnections] => crate::csat::rate::handle,
    "presence-list": "GET" "/api/presence" [TableRead] => crate::presence::list::handle,
    "widget-init": "POST" "/api/widget/init" [TableWrite] => crate::widget::init::handle,
    "widget-sessions": "POST" "/api/widget/sessions" [TableWrite, ManageConnections] => crate::widget::sessions::handle,
    "widget-messages-create": "POST" "/api/widget/messages" [TableWrite, ManageConnections, SendMail] => crate::widget::messages_create::handle,
    "widget-messages-list": "GET" "/api/widget/messages" [TableRead] => crate::widget::messages_list::handle,
    "widget-connect-ticket": "POST" "/api/widget/connect-ticket" [TableWrite] => crate::widget::connect_ticket::handle,
    "widget-preflight": "OPTIONS" "/api/widget/{route}" [] => crate::widget::preflight::handle,
    "support-addresses-list": "GET" "/api/organizations/{id}/addresses" [TableRead] => crate::email::addresses::list,
    "support-addresses-add": "POST" "/api/organizations/{id}/addresses" [TableWrite] => crate::email::addresses::add,
    "support-addresses-remove": "DELETE" "/api/organizations/{id}/addresses/{address}" [TableWrite] => crate::email::addresses::remove,
    "quarantine-list": "GET" "/api/quarantine" [TableRead] => crate::email::quarantine::handle,
    "attachments-get": "GET" "/api/attachments/{id}" [TableRead, BucketRead] => crate::email::attachments::handle,
    "openapi": "GET" "/api/openapi.json" [] => crate::openapi::handle,
    "fallback": "ANY" "$default" [] => crate::fallback::handle,
}

/// A WebSocket route handler as the runtime and the local stack call it.
pub type WsHandler = fn(App, WsRequest) -> BoxFuture<'static, WsResponse>;

/// One WebSocket route's Lambda function.
#[derive(Clone, Copy)]
pub struct WsFunction {
    /// The function's name (`Handler` in the template).
    pub name: &'static str,
    /// Route key: `$connect`, `$disconnect`, `$default` or an action name.
    pub route_key: &'static str,
    /// What it may touch.
    pub access: &'static [Access],
    /// The handler.
    pub handler: WsHandler,
}

macro_rules! ws_functions {
    ($($name:literal: $route:literal [$($access:ident),*] => $handler:path,)*) => {
        /// All WebSocket route functions.
        pub const WS_FUNCTIONS: &[WsFunction] = &[$(
            WsFunction {
                name: $name,
                route_key: $route,
                access: &[$(Access::$access),*],
                handler: |app, event| Box::pin(crate::entry::respond_ws($route, $handler(app, event))),
            },
        )*];
    };
}

ws_functions! {
    "ws-connect": "$connect" [TableWrite, ManageConnections] => crate::realtime::connect::handle,
    "ws-disconnect": "$disconnect" [TableWrite, ManageConnections] => crate::realtime::disconnect::handle,
    "ws-default": "$default" [] => crate::realtime::default::handle,
    "ws-ticket-subscribe": "ticket:subscribe" [TableWrite, ManageConnections] => crate::realtime::subscribe::handle,
    "ws-ticket-unsubscribe": "ticket:unsubscribe" [TableWrite, ManageConnections] => crate::realtime::unsubscribe::handle,
    "ws-typing-start": "typing:start" [TableWrite, ManageConnections] => crate::realtime::typing::start,
    "ws-typing-stop": "typing:stop" [TableWrite, ManageConnections] => crate::realtime::typing::stop,
}

/// An event function's handler (SES inbound mail, schedules): the raw event in, a JSON
/// result out; an error makes Lambda retry an asynchronous invocation.
pub type EventHandler =
    fn(App, serde_json::Value) -> BoxFuture<'static, Result<serde_json::Value, String>>;

/// A function invoked by an event source rather than an API.
#[derive(Clone, Copy)]
pub struct EventFunction {
    /// The function's name (`Handler` in the template).
    pub name: &'static str,
    /// What invokes it ([`Trigger::SesInbound`] or [`Trigger::Schedule`]).
    pub trigger: Trigger,
    /// What it may touch.
    pub access: &'static [Access],
    /// The handler.
    pub handler: EventHandler,
}

macro_rules! event_functions {
    ($($name:literal: $trigger:expr, [$($access:ident),*] => $handler:path,)*) => {
        /// All event functions.
        pub const EVENT_FUNCTIONS: &[EventFunction] = &[$(
            EventFunction {
                name: $name,
                trigger: $trigger,
                access: &[$(Access::$access),*],
                handler: |app, event| Box::pin($handler(app, event)),
            },
        )*];
    };
}

event_functions! {
    // Reads the raw mail the receipt rule stored, writes attachments beside it, posts the
    // message (which fans out to agents live).
    "email-inbound": Trigger::SesInbound, [TableWrite, ManageConnections, SendMail, BucketWrite] => crate::email::inbound::handle,
    // Reads the files a reply carries from the bucket; announces delivery states.
    // Wakes snoozed tickets and tells their assignees.
    "tickets-snooze-wake": Trigger::Schedule { expression: crate::tickets::snooze_wake::SCHEDULE }, [TableWrite, ManageConnections] => crate::tickets::snooze_wake::handle,
    "email-retry": Trigger::Schedule { expression: crate::email::retry::SCHEDULE }, [TableWrite, ManageConnections, SendMail, BucketRead] => crate::email::retry::handle,
    // Generates the signing secret; copies the front ends into the bucket, writes
    // config.json, stores the app's URL and issues the setup link; activates the stack's
    // receipt rule set.
    "deploy-setup": Trigger::CloudFormation, [TableWrite, BucketWrite, ActivateReceiptRuleSet] => crate::deploy::handle,
}

/// A function of any kind, as the template sees it.
#[derive(Debug, Clone, Copy)]
pub struct FunctionSpec {
    /// The function's name.
    pub name: &'static str,
    /// What invokes it.
    pub trigger: Trigger,
    /// What it may touch.
    pub access: &'static [Access],
}

/// Every function, whatever its trigger.
pub fn all() -> impl Iterator<Item = FunctionSpec> {
    let http = HTTP_FUNCTIONS.iter().map(|f| FunctionSpec {
        name: f.name,
        trigger: Trigger::Http {
            method: f.method,
            path: f.path,
        },
        access: f.access,
    });
    let ws = WS_FUNCTIONS.iter().map(|f| FunctionSpec {
        name: f.name,
        trigger: Trigger::WebSocket {
            route_key: f.route_key,
        },
        access: f.access,
    });
    let events = EVENT_FUNCTIONS.iter().map(|f| FunctionSpec {
        name: f.name,
        trigger: f.trigger,
        access: f.access,
    });
    http.chain(ws).chain(events)
}

/// The client actions the WebSocket API routes (every route key not starting with `$`).
pub fn ws_actions() -> impl Iterator<Item = &'static str> {
    WS_FUNCTIONS
        .iter()
        .map(|f| f.route_key)
        .filter(|k| !k.starts_with('$'))
}

/// The WebSocket function named `name`.
pub fn ws_function(name: &str) -> Option<WsFunction> {
    WS_FUNCTIONS.iter().find(|f| f.name == name).copied()
}

/// The HTTP function named `name`.
pub fn http_function(name: &str) -> Option<HttpFunction> {
    HTTP_FUNCTIONS.iter().find(|f| f.name == name).copied()
}

/// The event function named `name`.
pub fn event_function(name: &str) -> Option<EventFunction> {
    EVENT_FUNCTIONS.iter().find(|f| f.name == name).copied()
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
