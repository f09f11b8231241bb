//! API Gateway WebSocket API emulation: assigns connection ids, routes frames by their
//! `action` (`$request.body.action`) to `template.yaml`'s route functions with the event
//! shape API Gateway sends, returns a two-way route's response body as a frame, and
//! answers the management API (`POST/GET/DELETE /@connections/{id}`) that the real
//! aws-sdk-apigatewaymanagement client calls from the handlers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tracing::Instrument;
use wrrk_functions::realtime::{WsRequest, WsResponse};
use wrrk_functions::registry::{self, WsHandler};
use wrrk_shared::App;

use crate::meter::Meter;
use crate::template::Template;

/// The stage name the local API presents (the management endpoint's path).
pub const STAGE: &str = "local";
/// API Gateway's largest WebSocket message.
const MAX_FRAME: usize = 128 * 1024;
/// Frames queued for one connection before posts to it are throttled (a slow reader
/// then costs only its own messages, never anyone else's).
const QUEUE: usize = 1024;

/// A route bound to its handler.
struct WsRoute {
    name: String,
    handler: WsHandler,
    two_way: bool,
}

/// What a connection's task is told to do.
enum Outbound {
    Frame(String),
    Close,
}

/// A live connection as the gateway sees it.
struct Live {
    /// Whether `$connect` has returned: until then the management API answers 410 for
    /// it, as API Gateway does.
    open: bool,
    tx: mpsc::Sender<Outbound>,
    connected_at: DateTime<Utc>,
    last_active_at: DateTime<Utc>,
    source_ip: String,
    user_agent: String,
}

/// The emulated WebSocket API.
pub struct WsGateway {
    app: App,
    routes: HashMap<String, WsRoute>,
    domain: String,
    live: Mutex<HashMap<String, Live>>,
    meter: Arc<Meter>,
}

impl WsGateway {
    /// Binds every WebSocket route of `template` to its registered handler; `domain` is
    /// the `host:port` clients connect to.
    pub fn new(app: App, template: &Template, domain: String) -> anyhow::Result<Self> {
        let mut routes = HashMap::new();
        for r in &template.websocket_routes {
            let function = registry::ws_function(&r.name).ok_or_else(|| {
                anyhow::anyhow!(
                    "WebSocket route {} ({}) has no handler",
                    r.route_key,
                    r.name
                )
            })?;
            anyhow::ensure!(
                function.route_key == r.route_key,
                "{} serves {} in the registry but {} in template.yaml",
                r.name,
                function.route_key,
                r.route_key
            );
            routes.insert(
                r.route_key.clone(),
                WsRoute {
                    name: r.name.clone(),
                    handler: function.handler,
                    two_way: r.two_way,
                },
            );
        }
        Ok(Self {
            app,
            routes,
            domain,
            live: Mutex::new(HashMap::new()),
            meter: Arc::default(),
        })
    }

    /// Counts invocations and messages in `meter` (the stack's) instead of its own.
    pub fn with_meter(mut self, meter: Arc<Meter>) -> Self {
        self.meter = meter;
        self
    }

    /// The router: WebSocket upgrades on `/` (and `/{stage}`), the management API on
    /// `/{stage}/@connections/{id}` (and without the stage).
    pub fn router(self: Arc<Self>) -> Router {
        Router::new()
            .route("/", get(upgrade))
            .route("/{stage}", get(upgrade))
            .route(
                "/@connections/{id}",
                post(post_to_connection)
                    .get(get_connection)
                    .delete(delete_connection),
            )
            .route(
                "/{stage}/@connections/{id}",
                post(post_to_connection)
                    .get(get_connection)
                    .delete(delete_connection),
            )
            .with_state(self)
    }

    /// Number of open connections (for tests and the banner).
    pub fn open_connections(&self) -> usize {
        self.live_map().len()
    }

    fn live_map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Live>> {
        // A poisoned lock only means a panic elsewhere; the map itself is still usable.
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Calls the function of `route_key` with `event`; `None` when the route is absent.
    async fn invoke(&self, route_key: &str, event: Value) -> Option<(WsResponse, bool)> {
        let route = self.routes.get(route_key)?;
        let request: WsRequest = match serde_json::from_value(event) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "could not build the WebSocket event");
                return None;
            }
        };
        let span = tracing::info_span!(
            "ws",
            route = route_key,
            function = %route.name,
            connection_id = request.request_context.connection_id.as_deref().unwrap_or("")
        );
        let started = std::time::Instant::now();
        let resp = (route.handler)(self.app.clone(), request)
            .instrument(span.clone())
            .await;
        self.meter.invocation(&route.name, started.elapsed());
        span.in_scope(|| {
            tracing::info!(
                status = resp.status_code,
                micros = started.elapsed().as_micros() as u64,
                "handled"
            )
        });
        Some((resp, route.two_way))
    }

    /// The `requestContext` API Gateway sends.
    fn context(
        &self,
        connection_id: &str,
        route_key: &str,
        event_type: &str,
        live: &LiveInfo,
    ) -> Value {
        let now = Utc::now();
        let request_id = ulid::Ulid::new().to_string();
        json!({
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": request_id,
            "requestId": request_id,
            "messageId": (event_type == "MESSAGE").then(|| ulid::Ulid::new().to_string()),
            "messageDirection": "IN",
            "requestTime": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "requestTimeEpoch": now.timestamp_millis(),
            "connectedAt": live.connected_at.timestamp_millis(),
            "stage": STAGE,
            "domainName": self.domain,
            "apiId": "local",
            "connectionId": connection_id,
            "identity": { "sourceIp": live.source_ip, "userAgent": live.user_agent },
        })
    }

    /// Forgets `id` and runs `$disconnect` for it, once.
    async fn disconnect(&self, id: &str, status: u16, reason: &str) {
        let Some(live) = self.live_map().remove(id) else {
            return;
        };
        let info = LiveInfo::of(&live);
        let mut context = self.context(id, "$disconnect", "DISCONNECT", &info);
        context["disconnectStatusCode"] = json!(status);
        context["disconnectReason"] = json!(reason);
        let event = json!({
            "headers": { "Host": self.domain },
            "multiValueHeaders": { "Host": [self.domain] },
            "requestContext": context,
            "isBase64Encoded": false,
        });
        self.invoke("$disconnect", event).await;
    }

    /// Routes one client frame by its `action`, as `$request.body.action` does.
    async fn message(&self, id: &str, body: String) -> Option<String> {
        let info = {
            let mut map = self.live_map();
            let live = map.get_mut(id)?;
            live.last_active_at = Utc::now();
            LiveInfo::of(live)
        };
        self.meter.ws_received(body.len());
        let action = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["action"].as_str().map(str::to_string))
            .filter(|a| !a.starts_with('$') && self.routes.contains_key(a));
        let route_key = action.as_deref().unwrap_or("$default");
        let event = json!({
            "requestContext": self.context(id, route_key, "MESSAGE", &info),
            "body": body,
            "isBase64Encoded": false,
        });
        let (resp, two_way) = self.invoke(route_key, event).await?;
        if !two_way {
            return None;
        }
        match resp.body {
            Some(lambda_http::Body::Text(t)) if !t.is_empty() => Some(t),
            _ => None,
        }
    }
}

/// The parts of a [`Live`] connection its events carry.
struct LiveInfo {
    connected_at: DateTime<Utc>,
    source_ip: String,
    user_agent: String,
}

impl LiveInfo {
    fn of(live: &Live) -> Self {
        Self {
            connected_at: live.connected_at,
            source_ip: live.source_ip.clone(),
            user_agent: live.user_agent.clone(),
        }
    }
}

/// An id shaped like API Gateway's (base64 of random bytes, often ending in `=`), so
/// clients and the SDK meet the same encoding questions as in AWS.
fn new_connection_id() -> String {
    let bytes: [u8; 10] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `GET /`: runs `$connect`; a non-200 answer refuses the handshake with that status.
async fn upgrade(
    State(gw): State<Arc<WsGateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let id = new_connection_id();
    let (tx, rx) = mpsc::channel(QUEUE);
    let now = Utc::now();
    let live = Live {
        open: false,
        tx,
        connected_at: now,
        last_active_at: now,
        source_ip: peer.ip().to_string(),
        user_agent: headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
    };
    let info = LiveInfo::of(&live);
    // Known (for its id and identity) but not open while `$connect` runs: posts to it are
    // answered 410 until then, exactly as API Gateway does, and handlers must cope.
    gw.live_map().insert(id.clone(), live);

    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let mut single = serde_json::Map::new();
    let mut multi: serde_json::Map<String, Value> = serde_json::Map::new();
    for (k, v) in params {
        single.insert(k.clone(), json!(v));
        let entry = multi.entry(k).or_insert_with(|| json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.push(json!(v));
        }
    }
    let mut hdrs = serde_json::Map::new();
    let mut multi_hdrs = serde_json::Map::new();
    for (name, value) in &headers {
        if let Ok(v) = value.to_str() {
            hdrs.insert(name.to_string(), json!(v));
            multi_hdrs.insert(name.to_string(), json!([v]));
        }
    }
    let mut event = json!({
        "headers": hdrs,
        "multiValueHeaders": multi_hdrs,
        "requestContext": gw.context(&id, "$connect", "CONNECT", &info),
        "isBase64Encoded": false,
    });
    if !single.is_empty() {
        event["queryStringParameters"] = Value::Object(single);
        event["multiValueQueryStringParameters"] = Value::Object(multi);
    }
    let status = match gw.invoke("$connect", event).await {
        Some((resp, _)) => resp.status_code,
        None => 500,
    };
    if status == 200
        && let Some(live) = gw.live_map().get_mut(&id)
    {
        live.open = true;
        gw.meter.ws_connected();
    }
    if status != 200 {
        gw.live_map().remove(&id);
        let code = StatusCode::from_u16(u16::try_from(status).unwrap_or(500))
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (code, axum::Json(json!({ "message": "Forbidden" }))).into_response();
    }
    let failed = gw.clone();
    let failed_id = id.clone();
    ws.max_message_size(MAX_FRAME)
        .on_failed_upgrade(move |_| {
            tokio::spawn(
                async move { failed.disconnect(&failed_id, 1006, "upgrade failed").await },
            );
        })
        .on_upgrade(move |socket| run(gw, id, socket, rx))
}

/// One connection: frames in go to their route; queued posts go out.
async fn run(
    gw: Arc<WsGateway>,
    id: String,
    mut socket: WebSocket,
    mut rx: mpsc::Receiver<Outbound>,
) {
    let (status, reason) = loop {
        // Queued posts first: a frame posted before the client's next message arrived
        // reaches the client before that message's reply, as ordering tests rely on.
        tokio::select! {
            biased;
            out = rx.recv() => match out {
                Some(Outbound::Frame(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break (1006, "Going away");
                    }
                }
                // API Gateway closes a deleted connection with 1000 and no reason of its
                // own (a function that wants to say why posts a last frame first).
                Some(Outbound::Close) => {
                    let _ = socket
                        .send(Message::Close(Some(axum::extract::ws::CloseFrame {
                            code: 1000,
                            reason: "".into(),
                        })))
                        .await;
                    break (1000, "Connection Closed Normally");
                }
                None => break (1011, "Gateway stopped"),
            },
            incoming = socket.recv() => {
                let body = match incoming {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                    Some(Ok(Message::Close(frame))) => {
                        break (frame.map_or(1005, |f| f.code), "Client closed");
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(_)) | None => break (1006, "Going away"),
                };
                if let Some(reply) = gw.message(&id, body).await {
                    gw.meter.ws_sent(reply.len(), false);
                    if socket.send(Message::Text(reply.into())).await.is_err() {
                        break (1006, "Going away");
                    }
                }
            }
        }
    };
    // `$disconnect` finishes before the close handshake completes, so a client that saw
    // its socket close can rely on the server having forgotten it.
    gw.disconnect(&id, status, reason).await;
    let _ = futures::SinkExt::close(&mut socket).await;
}

fn gone() -> Response {
    (
        StatusCode::GONE,
        [("x-amzn-ErrorType", "GoneException")],
        axum::Json(json!({ "message": null })),
    )
        .into_response()
}

/// The `{id}` of a management API path (with or without the stage segment).
fn connection_param(params: &HashMap<String, String>) -> String {
    params.get("id").cloned().unwrap_or_default()
}

/// `PostToConnection`: queues the frame; 410 for an unknown connection, 413 when too
/// large, 429 when the client is not reading (it does not wait on a slow client).
async fn post_to_connection(
    State(gw): State<Arc<WsGateway>>,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let id = connection_param(&params);
    if body.len() > MAX_FRAME {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [("x-amzn-ErrorType", "PayloadTooLargeException")],
            axum::Json(json!({ "message": "Message too long" })),
        )
            .into_response();
    }
    let tx = match gw.live_map().get(&id) {
        Some(live) if live.open => live.tx.clone(),
        _ => return gone(),
    };
    match tx.try_send(Outbound::Frame(String::from_utf8_lossy(&body).into_owned())) {
        Ok(()) => {
            gw.meter.ws_sent(body.len(), true);
            StatusCode::OK.into_response()
        }
        Err(mpsc::error::TrySendError::Closed(_)) => gone(),
        Err(mpsc::error::TrySendError::Full(_)) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("x-amzn-ErrorType", "LimitExceededException")],
            axum::Json(json!({ "message": "The client is not reading fast enough" })),
        )
            .into_response(),
    }
}

/// `GetConnection`.
async fn get_connection(
    State(gw): State<Arc<WsGateway>>,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    let id = connection_param(&params);
    let map = gw.live_map();
    let Some(live) = map.get(&id).filter(|l| l.open) else {
        return gone();
    };
    axum::Json(json!({
        "connectedAt": live.connected_at.to_rfc3339(),
        "lastActiveAt": live.last_active_at.to_rfc3339(),
        "identity": { "sourceIp": live.source_ip, "userAgent": live.user_agent },
    }))
    .into_response()
}

/// `DeleteConnection`: closes the socket (which then runs `$disconnect`).
async fn delete_connection(
    State(gw): State<Arc<WsGateway>>,
    Path(params): Path<HashMap<String, String>>,
) -> Response {
    let id = connection_param(&params);
    let tx = match gw.live_map().get(&id) {
        Some(live) if live.open => live.tx.clone(),
        _ => return gone(),
    };
    let _ = tx.try_send(Outbound::Close);
    gw.meter.ws_deleted();
    StatusCode::NO_CONTENT.into_response()
}
