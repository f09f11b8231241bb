//! The events API Gateway hands our functions, as AWS writes them (`fixtures/*.json`), read
//! through the same code the runtime uses: an HTTP API v2 request (plain and base64, on
//! `$default` and a named stage) and the WebSocket API's connect, message and disconnect.

use lambda_http::RequestExt;
use wrrk_shared::http::{Query, json_body};

use crate::realtime::{self, WsRequest};
use crate::registry;

fn fixture(name: &str) -> String {
    let path = format!("{}/src/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn http(name: &str) -> lambda_http::Request {
    lambda_http::request::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ws(name: &str) -> WsRequest {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn an_http_api_request_reads_as_the_handlers_expect() {
    let req = http("apigw-http-v2-get-ticket.json");
    assert_eq!(req.method(), "GET");
    assert_eq!(req.uri().path(), "/api/tickets/01JABCDEFGHJKMNPQRSTVWXYZ0");
    let q = Query::of(&req);
    assert_eq!(q.get("limit"), Some("5"));
    assert_eq!(
        q.id("after").ok().flatten(),
        Some("01JABCDEFGHJKMNPQRSTVWXYZ1")
    );
    assert_eq!(
        q.get("empty"),
        Some(""),
        "a parameter sent empty is not an absent one"
    );
    assert_eq!(
        req.path_parameters().first("id"),
        Some("01JABCDEFGHJKMNPQRSTVWXYZ0")
    );
    assert_eq!(crate::widget::source_ip(&req), "203.0.113.7");
    let routed = registry::HTTP_FUNCTIONS
        .iter()
        .find(|f| f.method() == "GET" && registry::path_matches(f.path(), req.uri().path()))
        .map(|f| f.name);
    assert_eq!(routed, Some("tickets-get"));
}

#[test]
fn a_base64_body_on_a_named_stage_is_decoded() {
    let req = http("apigw-http-v2-post-base64.json");
    assert_eq!(req.method(), "POST");
    let body: serde_json::Value = json_body(&req, 1024).expect("a JSON object");
    assert_eq!(body["content"], "Grüße");
    assert_eq!(crate::widget::source_ip(&req), "2001:db8::7");
    assert_eq!(
        req.path_parameters().first("id"),
        Some("01JABCDEFGHJKMNPQRSTVWXYZ0")
    );
}

#[test]
fn websocket_events_read_as_the_handlers_expect() {
    let connect = ws("apigw-ws-connect.json");
    assert_eq!(
        realtime::connection_id(&connect).ok(),
        Some("Lq2sBd5fIAMCJbQ=")
    );
    assert_eq!(
        connect.request_context.route_key.as_deref(),
        Some("$connect")
    );
    assert_eq!(
        connect.query_string_parameters.first("token"),
        Some("eyJ.session.token")
    );

    let message = ws("apigw-ws-message.json");
    let route = message
        .request_context
        .route_key
        .clone()
        .unwrap_or_default();
    let routed = registry::WS_FUNCTIONS.iter().find(|f| f.route_key == route);
    assert_eq!(routed.map(|f| f.name), Some("ws-ticket-subscribe"));
    let frame: serde_json::Value =
        serde_json::from_str(message.body.as_deref().unwrap_or_default()).expect("a frame");
    assert_eq!(frame["action"], route.as_str());

    let disconnect = ws("apigw-ws-disconnect.json");
    assert_eq!(
        disconnect.request_context.route_key.as_deref(),
        Some("$disconnect")
    );
    assert_eq!(
        realtime::connection_id(&disconnect).ok(),
        Some("Lq2sBd5fIAMCJbQ=")
    );
}
