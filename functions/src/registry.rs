//! Every function: its name (its `Handler` in `template.yaml`, which Lambda hands the one
//! `bootstrap` binary as `_HANDLER`), what triggers it, what it may touch, its handler.
//! An HTTP function's method and path are read from its handler's `#[utoipa::path]`.
//! The local stack routes by this table, the OpenAPI document's paths and the functions'
//! blocks of `template.yaml` are generated from it (`crate::template`): adding a function
//! is its module and one line here, then `wrrk-local --print-openapi` / `--write-template`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use futures::future::BoxFuture;
use lambda_http::{Body, Request, Response};
use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::{RefOr, schema::Schema};
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
    /// Read sender identities' state in SES (`ses:GetEmailIdentity`).
    ReadMailIdentities,
    /// Start, read and remove sender identities in SES (`ses:CreateEmailIdentity`,
    /// `ses:GetEmailIdentity`, `ses:DeleteEmailIdentity`).
    ManageMailIdentities,
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
    /// An EventBridge schedule (`rate(5 minutes)`). Its event in the template is named
    /// after the function name's last word (`tickets-snooze-wake`: `Wake`).
    Schedule {
        /// The schedule expression.
        expression: &'static str,
    },
}

/// A handler as the runtime and the local stack call it.
pub type Handler = fn(App, Request) -> BoxFuture<'static, Response<Body>>;

/// The route of an HTTP function, read from its handler's `#[utoipa::path]` (the
/// `__path_*` type the attribute generates): the method and path live only there.
#[derive(Clone, Copy)]
pub struct Operation {
    methods: fn() -> Vec<HttpMethod>,
    path: fn() -> String,
    operation: fn() -> utoipa::openapi::path::Operation,
    tags: fn() -> Vec<&'static str>,
    schemas: fn(&mut Vec<(String, RefOr<Schema>)>),
}

impl Operation {
    /// The operation `#[utoipa::path]` generated as `P`.
    pub const fn of<P>() -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
    {
        Self {
            methods: P::methods,
            path: P::path,
            operation: P::operation,
            tags: <P as utoipa::__dev::Tags<'static>>::tags,
            schemas: P::schemas,
        }
    }

    /// Its HTTP methods (one per function; a test checks it).
    pub fn methods(&self) -> Vec<HttpMethod> {
        (self.methods)()
    }

    /// Its path with `{param}` segments.
    pub fn path(&self) -> String {
        (self.path)()
    }

    /// The OpenAPI operation, with the tags the attribute names.
    pub fn operation(&self) -> utoipa::openapi::path::Operation {
        let mut op = (self.operation)();
        let tags = (self.tags)();
        if !tags.is_empty() {
            op.tags
                .get_or_insert_with(Vec::new)
                .extend(tags.iter().map(|t| t.to_string()));
        }
        op
    }

    /// The schemas its parameters, bodies and responses name (with what they name).
    pub fn schemas(&self, out: &mut Vec<(String, RefOr<Schema>)>) {
        (self.schemas)(out)
    }
}

/// Upper-case name of an HTTP method, as API Gateway and the template spell it.
pub fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::Head => "HEAD",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Trace => "TRACE",
    }
}

/// Template settings a function needs beyond the defaults (`Globals` in the template).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// `MemorySize` in MB (CPU scales with it).
    pub memory_mb: Option<u32>,
    /// `Timeout` in seconds.
    pub timeout_s: Option<u32>,
    /// Why, written beside the settings in the template.
    pub why: &'static str,
    /// More `Properties`, as YAML lines indented six spaces (retries, aliases, variables).
    pub extra: &'static str,
}

impl Tuning {
    /// The defaults: nothing beyond `Globals`.
    pub const DEFAULT: Tuning = Tuning {
        memory_mb: None,
        timeout_s: None,
        why: "",
        extra: "",
    };
}

/// Password hashing (argon2) is CPU-bound, and CPU scales with memory.
const HASHING: Tuning = Tuning {
    memory_mb: Some(1024),
    why: "argon2 hashing is CPU-bound; CPU scales with memory",
    ..Tuning::DEFAULT
};

/// A reply may carry 25 MB of files, copied from staging to their final keys, read from the
/// bucket and mailed as ~34 MB of MIME; API Gateway's HTTP integrations stop at 30 s.
const LARGE_REPLY: Tuning = Tuning {
    memory_mb: Some(512),
    timeout_s: Some(29),
    why: "a reply's 25 MB of files are copied, read and mailed; API Gateway stops at 30 s",
    ..Tuning::DEFAULT
};

/// Answers without touching anything.
const SMALL: Tuning = Tuning {
    memory_mb: Some(128),
    ..Tuning::DEFAULT
};

/// One HTTP Lambda function.
#[derive(Clone, Copy)]
pub struct HttpFunction {
    /// The function's name (`Handler` in the template).
    pub name: &'static str,
    /// Its route and OpenAPI operation (`None`: the `$default` catch-all).
    pub operation: Option<Operation>,
    /// What it may touch.
    pub access: &'static [Access],
    /// Template settings beyond the defaults.
    pub tuning: Tuning,
    /// The handler.
    pub handler: Handler,
}

/// Each HTTP function's (method, path), read once from the operations.
static ROUTES: LazyLock<BTreeMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| {
        HTTP_FUNCTIONS
            .iter()
            .map(|f| {
                let route = match &f.operation {
                    Some(op) => (
                        op.methods().first().map_or("ANY", method_name),
                        &*String::leak(op.path()),
                    ),
                    None => ("ANY", "$default"),
                };
                (f.name, route)
            })
            .collect()
    });

impl HttpFunction {
    /// HTTP method of its route (`ANY` for the fallback), from its `#[utoipa::path]`.
    pub fn method(&self) -> &'static str {
        ROUTES.get(self.name).map_or("ANY", |r| r.0)
    }

    /// Route path with `{param}` segments (`$default` for the fallback), from its
    /// `#[utoipa::path]`.
    pub fn path(&self) -> &'static str {
        ROUTES.get(self.name).map_or("$default", |r| r.1)
    }
}

/// The tuning named on a line, or the defaults.
macro_rules! tuning {
    () => {
        Tuning::DEFAULT
    };
    ($t:expr) => {
        $t
    };
}

/// One line per HTTP function: `"name" [access] => module::{handler, __path_handler}`
/// (the handler and the type its `#[utoipa::path]` generates), with `with TUNING` before
/// `=>` when it needs more than the defaults; the handler's `#[utoipa::path]` gives its method, path and documentation.
/// The `$default` catch-all comes last, after `default:`.
macro_rules! http_functions {
    (
        $($name:literal [$($access:ident),*] $(with $tuning:expr)? => $($seg:ident)::+ :: {$f:ident, $p:ident},)*
        default: $fname:literal [$($faccess:ident),*] $(with $ftuning:expr)? => $fhandler:path,
    ) => {
        /// All HTTP functions.
        pub const HTTP_FUNCTIONS: &[HttpFunction] = &[$(
            HttpFunction {
                name: $name,
                operation: Some(Operation::of::<$($seg)::+::$p>()),
                access: &[$(Access::$access),*],
                tuning: tuning!($($tuning)?),
                handler: |app, req| Box::pin(crate::entry::respond($($seg)::+::$f(app, req))),
            },
        )*
            HttpFunction {
                name: $fname,
                operation: None,
                access: &[$(Access::$faccess),*],
                tuning: tuning!($($ftuning)?),
                handler: |app, req| Box::pin(crate::entry::respond($fhandler(app, req))),
            },
        ];
    };
}

http_functions! {
    "auth-signup" [TableWrite, SendMail] with HASHING => crate::auth::signup::{handle, __path_handle},
    "auth-login" [TableWrite] with HASHING => crate::auth::login::{handle, __path_handle},
    "auth-me" [TableRead] => crate::auth::me::{handle, __path_handle},
    "auth-logout" [TableWrite, ManageConnections] => crate::auth::logout::{handle, __path_handle},
    "auth-password-change" [TableWrite, ManageConnections] with HASHING => crate::auth::password_change::{handle, __path_handle},
    "auth-password-forgot" [TableWrite, SendMail] => crate::auth::password_forgot::{handle, __path_handle},
    "auth-password-reset" [TableWrite, ManageConnections] with HASHING => crate::auth::password_reset::{handle, __path_handle},
    "auth-verify-email" [TableWrite] => crate::auth::verify_email::{handle, __path_handle},
    "auth-verify-email-resend" [TableWrite, SendMail] => crate::auth::verify_email_resend::{handle, __path_handle},
    "users-list" [TableRead] => crate::users::list::{handle, __path_handle},
    "users-get" [TableRead] => crate::users::get::{handle, __path_handle},
    "users-update" [TableWrite, ManageConnections] => crate::users::update::{handle, __path_handle},
    "notifications-unsubscribe" [TableWrite] => crate::users::unsubscribe::{handle, __path_handle},
    "users-deactivate" [TableWrite, ManageConnections] => crate::users::deactivate::{handle, __path_handle},
    "organizations-get" [TableRead] => crate::organizations::get::{handle, __path_handle},
    "organizations-update" [TableWrite] => crate::organizations::update::{handle, __path_handle},
    "routing-rules-update" [TableWrite] => crate::organizations::routing::{handle, __path_handle},
    "teams-list" [TableRead] => crate::teams::list::{handle, __path_handle},
    "teams-create" [TableWrite] => crate::teams::create::{handle, __path_handle},
    "teams-get" [TableRead] => crate::teams::get::{handle, __path_handle},
    "teams-update" [TableWrite, ManageConnections] => crate::teams::update::{handle, __path_handle},
    "teams-delete" [TableWrite] => crate::teams::delete::{handle, __path_handle},
    "team-members-list" [TableRead] => crate::teams::members_list::{handle, __path_handle},
    "team-members-add" [TableWrite, ManageConnections] => crate::teams::members_add::{handle, __path_handle},
    "team-members-remove" [TableWrite] => crate::teams::members_remove::{handle, __path_handle},
    "invitations-create" [TableWrite, SendMail] => crate::invitations::create::{handle, __path_handle},
    "invitations-list" [TableRead] => crate::invitations::list::{handle, __path_handle},
    "invitations-revoke" [TableWrite] => crate::invitations::revoke::{handle, __path_handle},
    "invitations-lookup" [TableRead] => crate::invitations::lookup::{handle, __path_handle},
    "invitations-accept" [TableWrite] with HASHING => crate::invitations::accept::{handle, __path_handle},
    "tickets-create" [TableWrite, ManageConnections] => crate::tickets::create::{handle, __path_handle},
    "tickets-list" [TableRead] => crate::tickets::list::{handle, __path_handle},
    "tickets-get" [TableRead] => crate::tickets::get::{handle, __path_handle},
    "tickets-update" [TableWrite, ManageConnections, SendMail] => crate::tickets::update::{handle, __path_handle},
    "tickets-snooze" [TableWrite, ManageConnections] => crate::tickets::snooze::{handle, __path_handle},
    "ticket-messages-list" [TableRead] => crate::tickets::messages_list::{handle, __path_handle},
    "ticket-messages-create" [TableWrite, ManageConnections, SendMail, ReadMailIdentities, BucketWrite] with LARGE_REPLY => crate::tickets::messages_create::{handle, __path_handle},
    "ticket-attachments-create" [TableWrite, BucketWrite] => crate::tickets::attachments_create::{handle, __path_handle},
    "customers-list" [TableRead] => crate::customers::list::{handle, __path_handle},
    "customers-get" [TableRead] => crate::customers::get::{handle, __path_handle},
    "customers-update" [TableWrite] => crate::customers::update::{handle, __path_handle},
    "customers-merge" [TableWrite] => crate::customers::merge::{handle, __path_handle},
    "saved-replies-list" [TableRead] => crate::saved_replies::list::{handle, __path_handle},
    "saved-replies-create" [TableWrite] => crate::saved_replies::create::{handle, __path_handle},
    "saved-replies-update" [TableWrite] => crate::saved_replies::update::{handle, __path_handle},
    "saved-replies-delete" [TableWrite] => crate::saved_replies::delete::{handle, __path_handle},
    "saved-replies-render" [TableRead] => crate::saved_replies::render::{handle, __path_handle},
    "reports-get" [TableRead] => crate::reports::get::{handle, __path_handle},
    "csat-get" [TableRead] => crate::csat::get::{handle, __path_handle},
    "csat-rate" [TableWrite, ManageConnections] => crate::csat::rate::{handle, __path_handle},
    "presence-list" [TableRead] => crate::presence::list::{handle, __path_handle},
    "widget-init" [TableWrite] => crate::widget::init::{handle, __path_handle},
    "widget-sessions" [TableWrite, ManageConnections] => crate::widget::sessions::{handle, __path_handle},
    "widget-messages-create" [TableWrite, ManageConnections, SendMail, BucketWrite] with LARGE_REPLY => crate::widget::messages_create::{handle, __path_handle},
    "widget-messages-list" [TableRead] => crate::widget::messages_list::{handle, __path_handle},
    "widget-csat" [TableWrite, ManageConnections] => crate::widget::csat::{handle, __path_handle},
    "widget-attachments-create" [TableWrite, BucketWrite] => crate::widget::attachments_create::{handle, __path_handle},
    "widget-attachments-get" [TableRead, BucketRead] => crate::widget::attachments_get::{handle, __path_handle},
    "widget-connect-ticket" [TableWrite] => crate::widget::connect_ticket::{handle, __path_handle},
    "widget-preflight" [] with SMALL => crate::widget::preflight::{handle, __path_handle},
    "support-addresses-list" [TableRead] => crate::email::addresses::{list, __path_list},
    "support-addresses-add" [TableWrite] => crate::email::addresses::{add, __path_add},
    "support-addresses-remove" [TableWrite] => crate::email::addresses::{remove, __path_remove},
    "sender-identities-list" [TableWrite, ReadMailIdentities] => crate::email::identities::{list, __path_list},
    "sender-identities-get" [TableWrite, ReadMailIdentities] => crate::email::identities::{get, __path_get},
    "sender-identities-add" [TableWrite, ManageMailIdentities] => crate::email::identities::{add, __path_add},
    "sender-identities-remove" [TableWrite, ManageMailIdentities] => crate::email::identities::{remove, __path_remove},
    "quarantine-list" [TableRead] => crate::email::quarantine::{handle, __path_handle},
    "attachments-get" [TableRead, BucketRead] => crate::email::attachments::{handle, __path_handle},
    "openapi" [] with SMALL => crate::openapi::{handle, __path_handle},
    default: "fallback" [] with SMALL => crate::fallback::handle,
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
    /// Template settings beyond the defaults.
    pub tuning: Tuning,
    /// The handler.
    pub handler: EventHandler,
}

macro_rules! event_functions {
    ($($name:literal: $trigger:expr, [$($access:ident),*] $(with $tuning:expr)? => $handler:path,)*) => {
        /// All event functions.
        pub const EVENT_FUNCTIONS: &[EventFunction] = &[$(
            EventFunction {
                name: $name,
                trigger: $trigger,
                access: &[$(Access::$access),*],
                tuning: tuning!($($tuning)?),
                handler: |app, event| Box::pin($handler(app, event)),
            },
        )*];
    };
}

/// A 40 MB mail with attachments is parsed in memory. Lambda tries a mail three times; one
/// that still fails lands in the dead-letter queue with its event (the S3 key):
/// docs/deploy.md, "Replaying failed mail".
const INBOUND_MAIL: Tuning = Tuning {
    memory_mb: Some(1024),
    timeout_s: Some(60),
    why: "a 40 MB mail with attachments, parsed in memory; failed mail goes to the dead-letter queue",
    extra: "      EventInvokeConfig:
        MaximumRetryAttempts: 2
        DestinationConfig:
          OnFailure:
            Type: SQS
            Destination: !GetAtt MailDeadLetterQueue.Arn
",
};

/// A queue run takes one Query and a write per due item.
const QUEUE_RUN: Tuning = Tuning {
    timeout_s: Some(60),
    ..Tuning::DEFAULT
};

/// A reply's files (up to 25 MB) are read and mailed again.
const RESEND: Tuning = Tuning {
    memory_mb: Some(512),
    timeout_s: Some(60),
    why: "a reply's files (up to 25 MB) are read and mailed again",
    ..Tuning::DEFAULT
};

/// Copies the front ends into the bucket at deploy time; a new version per deploy of new
/// code (the Site resource names it, so it runs again). It issues no sessions: an empty
/// `JWT_SECRET` keeps its definition free of the secret it generates (a function cannot
/// depend on its own custom resource).
const DEPLOY_TIME: Tuning = Tuning {
    memory_mb: Some(512),
    timeout_s: Some(300),
    why: "copies the front ends; a new version per deploy, so the Site resource runs again",
    extra: "      AutoPublishAlias: live
      Environment:
        Variables:
          JWT_SECRET: \"\"
",
};

event_functions! {
    // Reads the raw mail the receipt rule stored, writes attachments beside it, posts the
    // message (which fans out to agents live).
    "email-inbound": Trigger::SesInbound, [TableWrite, ManageConnections, SendMail, BucketWrite] with INBOUND_MAIL => crate::email::inbound::handle,
    // Reads the files a reply carries from the bucket; announces delivery states.
    // Wakes snoozed tickets and tells their assignees.
    "tickets-snooze-wake": Trigger::Schedule { expression: crate::tickets::snooze_wake::SCHEDULE }, [TableWrite, ManageConnections] with QUEUE_RUN => crate::tickets::snooze_wake::handle,
    // Announces missed SLA targets to the assignee and team, once each.
    "tickets-sla-breaches": Trigger::Schedule { expression: crate::tickets::sla_breaches::SCHEDULE }, [TableWrite, ManageConnections] with QUEUE_RUN => crate::tickets::sla_breaches::handle,
    "email-retry": Trigger::Schedule { expression: crate::email::retry::SCHEDULE }, [TableWrite, ManageConnections, SendMail, ReadMailIdentities, BucketRead] with RESEND => crate::email::retry::handle,
    // Generates the signing secret; copies the front ends into the bucket, writes
    // config.json, stores the app's URL and issues the setup link; activates the stack's
    // receipt rule set.
    "deploy-setup": Trigger::CloudFormation, [TableWrite, BucketWrite, ActivateReceiptRuleSet] with DEPLOY_TIME => crate::deploy::handle,
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
    /// Template settings beyond the defaults.
    pub tuning: Tuning,
}

/// Every function, whatever its trigger.
pub fn all() -> impl Iterator<Item = FunctionSpec> {
    let http = HTTP_FUNCTIONS.iter().map(|f| FunctionSpec {
        name: f.name,
        trigger: Trigger::Http {
            method: f.method(),
            path: f.path(),
        },
        access: f.access,
        tuning: f.tuning,
    });
    let ws = WS_FUNCTIONS.iter().map(|f| FunctionSpec {
        name: f.name,
        trigger: Trigger::WebSocket {
            route_key: f.route_key,
        },
        access: f.access,
        tuning: Tuning::DEFAULT,
    });
    let events = EVENT_FUNCTIONS.iter().map(|f| FunctionSpec {
        name: f.name,
        trigger: f.trigger,
        access: f.access,
        tuning: f.tuning,
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
