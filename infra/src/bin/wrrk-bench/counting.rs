//! What one API call asks of DynamoDB: a counting proxy in front of the engine and a
//! second gateway whose handlers reach the engine only through it.
//!
//! The timed load runs against the stack's own gateway, which talks to the engine
//! directly, so the proxy's extra hop never shows in latencies. The counted calls run
//! one at a time against the second gateway: same handlers, same table, same signing
//! secret, only the DynamoDB endpoint differs. Between two calls nothing else goes
//! through the proxy, so each call's tally is exact.
//!
//! The proxy asks for `ReturnConsumedCapacity: INDEXES` on every data operation (the
//! total, plus what of it went to secondary indexes) and sums the `ConsumedCapacity` of
//! the answers. Rewriting a signed body works because neither dynoxide nor DynamoDB
//! Local verifies SigV4 signatures (dynoxide only checks that the auth material is
//! there; see its `server/auth.rs`). Answers pass back byte for byte, so the SDK's CRC32
//! check of the response still holds.
//!
//! The same proxy, with another rewrite, lets seeding skip an engine artifact: see
//! [`seeding_app`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::task::JoinHandle;
use wrrk_local::http_api::{self, Gateway};
use wrrk_local::{LocalStack, local_sdk_config};
use wrrk_shared::{App, Endpoints};

/// Operations that accept `ReturnConsumedCapacity`.
const CAPACITY_OPERATIONS: &[&str] = &[
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactGetItems",
    "TransactWriteItems",
    "ExecuteStatement",
    "BatchExecuteStatement",
    "ExecuteTransaction",
];

/// Operations whose capacity is read capacity (the rest that report any write).
const READ_OPERATIONS: &[&str] = &[
    "GetItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "TransactGetItems",
];

/// What DynamoDB was asked and answered during one call.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Requests by operation (`X-Amz-Target` without its prefix).
    pub by_operation: BTreeMap<String, u64>,
    /// Items the engine read: a Query's `ScannedCount` (before filters), items a
    /// GetItem or BatchGetItem found.
    pub items_read: u64,
    /// Items that came back (after filters).
    pub items_returned: u64,
    /// Read capacity units consumed.
    pub read_units: f64,
    /// Write capacity units consumed.
    pub write_units: f64,
    /// Of `read_units`, what reading secondary indexes consumed.
    pub index_read_units: f64,
    /// Of `write_units`, what maintaining secondary indexes consumed.
    pub index_write_units: f64,
    /// Bytes of the engine's answers.
    pub response_bytes: u64,
    /// Answers outside 2xx (a failed condition, throttling).
    pub failed: u64,
    /// Successful data operations whose answer carried no `ConsumedCapacity`.
    pub without_capacity: u64,
}

impl Tally {
    /// All requests, whatever the operation.
    pub fn requests(&self) -> u64 {
        self.by_operation.values().sum()
    }

    /// Adds one answer of `operation`.
    fn record(&mut self, operation: &str, ok: bool, body: &[u8]) {
        *self.by_operation.entry(operation.to_string()).or_default() += 1;
        self.response_bytes += body.len() as u64;
        if !ok {
            self.failed += 1;
            return;
        }
        let Ok(answer) = serde_json::from_slice::<Value>(body) else {
            return;
        };
        let count = |v: &Value, field: &str| v.get(field).and_then(Value::as_u64).unwrap_or(0);
        match operation {
            "Query" | "Scan" => {
                self.items_read += count(&answer, "ScannedCount");
                self.items_returned += count(&answer, "Count");
            }
            "GetItem" => {
                let found = u64::from(answer.get("Item").is_some());
                self.items_read += found;
                self.items_returned += found;
            }
            "BatchGetItem" => {
                let found: u64 = answer
                    .get("Responses")
                    .and_then(Value::as_object)
                    .map(|tables| {
                        tables
                            .values()
                            .filter_map(Value::as_array)
                            .map(|items| items.len() as u64)
                            .sum()
                    })
                    .unwrap_or(0);
                self.items_read += found;
                self.items_returned += found;
            }
            _ => {}
        }
        let reports: Vec<&Value> = match answer.get("ConsumedCapacity") {
            Some(Value::Array(all)) => all.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        if reports.is_empty() && CAPACITY_OPERATIONS.contains(&operation) {
            self.without_capacity += 1;
        }
        let reads = READ_OPERATIONS.contains(&operation);
        for report in reports {
            let units = |field: &str| report.get(field).and_then(Value::as_f64);
            match (units("ReadCapacityUnits"), units("WriteCapacityUnits")) {
                (None, None) => {
                    let total = units("CapacityUnits").unwrap_or(0.0);
                    if reads {
                        self.read_units += total;
                    } else {
                        self.write_units += total;
                    }
                }
                (read, write) => {
                    self.read_units += read.unwrap_or(0.0);
                    self.write_units += write.unwrap_or(0.0);
                }
            }
            let on_indexes: f64 = ["GlobalSecondaryIndexes", "LocalSecondaryIndexes"]
                .iter()
                .filter_map(|arm| report.get(*arm).and_then(Value::as_object))
                .flat_map(|indexes| indexes.values())
                .filter_map(|detail| detail.get("CapacityUnits").and_then(Value::as_f64))
                .sum();
            if reads {
                self.index_read_units += on_indexes;
            } else {
                self.index_write_units += on_indexes;
            }
        }
    }
}

/// How a proxy changes requests on their way to the engine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    /// Ask for `ReturnConsumedCapacity: INDEXES` (counting).
    AskForCapacity,
    /// Drop `ClientRequestToken` from transactions (seeding; see [`seeding_app`]).
    DropIdempotencyTokens,
}

/// A proxy's state.
struct Proxy {
    /// Where requests go on to.
    upstream: String,
    /// What it changes.
    rewrite: Rewrite,
    /// Forwarding client.
    client: reqwest::Client,
    /// Since the last [`CountedApi::take`].
    tally: Mutex<Tally>,
    /// The engine's `Server` header, to say whose capacity figures these are.
    server: Mutex<Option<String>>,
}

/// A running proxy.
struct ProxyServer {
    /// `http://127.0.0.1:<port>`.
    url: String,
    state: Arc<Proxy>,
    task: JoinHandle<()>,
}

impl ProxyServer {
    /// Starts a proxy to `upstream` on a free loopback port.
    async fn start(upstream: &str, rewrite: Rewrite) -> anyhow::Result<Self> {
        let state = Arc::new(Proxy {
            upstream: upstream.to_string(),
            rewrite,
            // No environment proxy may sit between us and a loopback engine.
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .context("building the proxy's client")?,
            tally: Mutex::new(Tally::default()),
            server: Mutex::new(None),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let router = Router::new().fallback(forward).with_state(state.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("DynamoDB proxy stopped: {e}");
            }
        });
        Ok(Self { url, state, task })
    }
}

impl Drop for ProxyServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Flags of the subcommands that count DynamoDB traffic.
#[derive(clap::Args)]
pub struct CountArgs {
    /// Sequential calls through the counting proxy per endpoint.
    #[arg(long = "counted-calls", default_value_t = 10)]
    pub calls: usize,
    /// Run against this DynamoDB endpoint (e.g. Amazon's DynamoDB Local) instead of the
    /// embedded engine; the stack makes a table of its own there.
    #[arg(long)]
    pub dynamodb_endpoint: Option<String>,
}

/// The stack's handlers behind a second gateway whose DynamoDB traffic is counted.
pub struct CountedApi {
    /// Base URL of the counted gateway.
    pub http_url: String,
    proxy: ProxyServer,
    gateway: JoinHandle<()>,
}

impl CountedApi {
    /// Starts the proxy in front of `stack`'s engine and a gateway over it.
    pub async fn start(stack: &LocalStack) -> anyhow::Result<Self> {
        let proxy = ProxyServer::start(&stack.dynamodb_endpoint, Rewrite::AskForCapacity).await?;
        let endpoints = Endpoints {
            dynamodb: Some(proxy.url.clone()),
            sesv2: Some(stack.aws_endpoint.clone()),
            s3: Some(stack.s3_endpoint.clone()),
        };
        let app = App::new(&local_sdk_config(), stack.app.settings.clone(), &endpoints);
        let gateway = Arc::new(Gateway::new(
            app,
            &stack.template,
            Default::default(),
            &stack.parameters,
        )?);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let http_url = format!("http://{}", listener.local_addr()?);
        let router = Router::new()
            .fallback(http_api::dispatch)
            .with_state(gateway);
        let gateway = wrrk_local::serve(listener, router).await;
        Ok(Self {
            http_url,
            proxy,
            gateway,
        })
    }

    /// The tally since the last call, starting a new one.
    pub fn take(&self) -> Tally {
        std::mem::take(&mut *self.proxy.state.tally.lock().expect("tally lock"))
    }

    /// The counting proxy's URL: an [`App`] pointed at it has its calls counted too.
    pub fn dynamodb_url(&self) -> &str {
        &self.proxy.url
    }

    /// The engine's `Server` header, once it has answered.
    pub fn engine(&self) -> Option<String> {
        self.proxy.state.server.lock().expect("server lock").clone()
    }

    /// Says where the DynamoDB figures came from and what the capacity units are.
    pub fn print_source(&self, external: Option<&str>) {
        let server = self.engine().unwrap_or_else(|| "none seen".into());
        let place = match external {
            Some(url) => format!("the DynamoDB endpoint {url}"),
            None => "the embedded engine, dynoxide".into(),
        };
        println!("DynamoDB figures: counted by a proxy in front of {place}");
        println!(
            "  (its Server header: {server}), for a second gateway that runs the same handlers"
        );
        println!("  with the same settings.");
        println!(
            "  Capacity units are what that engine reported in ConsumedCapacity when the proxy"
        );
        println!(
            "  asked for INDEXES: its model of DynamoDB's on-demand metering (reads per 4 KB,"
        );
        println!(
            "  eventually consistent ones at half; writes per 1 KB; transactions doubled; index"
        );
        println!("  writes included and shown apart), not figures from AWS.");
    }
}

impl Drop for CountedApi {
    fn drop(&mut self) {
        self.gateway.abort();
    }
}

/// A counting proxy in front of a DynamoDB engine for a whole stack: every call of every
/// handler (HTTP, WebSocket, mail, schedules) is tallied, not only a second gateway's.
pub struct CountingEngine {
    /// The proxy's URL, for `Options::external_dynamodb`.
    pub url: String,
    proxy: ProxyServer,
    /// The embedded engine, when no external endpoint was given.
    _engine: Option<wrrk_local::dynamo::Engine>,
}

impl CountingEngine {
    /// Starts the embedded engine (or uses `external`) and a counting proxy in front of it.
    pub async fn start(external: Option<String>) -> anyhow::Result<Self> {
        let (upstream, engine) = match external {
            Some(url) => (url, None),
            None => {
                let engine = wrrk_local::dynamo::Engine::start(None).await?;
                (engine.endpoint.clone(), Some(engine))
            }
        };
        let proxy = ProxyServer::start(&upstream, Rewrite::AskForCapacity).await?;
        Ok(Self {
            url: proxy.url.clone(),
            proxy,
            _engine: engine,
        })
    }

    /// The tally since the last call, starting a new one.
    pub fn take(&self) -> Tally {
        std::mem::take(&mut *self.proxy.state.tally.lock().expect("tally lock"))
    }

    /// The engine's `Server` header, once it has answered.
    pub fn engine(&self) -> Option<String> {
        self.proxy.state.server.lock().expect("server lock").clone()
    }
}

/// An [`App`] for seeding through the store, with the proxy it goes through.
pub struct SeedingApp {
    /// The handlers' context, its DynamoDB client pointed at the proxy.
    pub app: App,
    _proxy: ProxyServer,
}

/// A [`SeedingApp`] over `stack`'s engine and table.
///
/// The SDK gives every `TransactWriteItems` a `ClientRequestToken`, and dynoxide keeps
/// each token for DynamoDB's ten-minute idempotency window and walks all of them, under
/// a lock, on every transaction (`evict_expired` in its `lib.rs`). Tens of thousands of
/// seeding transactions would then slow every write measured after them, an artifact
/// of the engine that AWS does not have. Seeding therefore drops the token: the items
/// written are the same, only a retried seeding transaction could apply twice.
pub async fn seeding_app(stack: &LocalStack) -> anyhow::Result<SeedingApp> {
    let proxy =
        ProxyServer::start(&stack.dynamodb_endpoint, Rewrite::DropIdempotencyTokens).await?;
    let endpoints = Endpoints {
        dynamodb: Some(proxy.url.clone()),
        sesv2: Some(stack.aws_endpoint.clone()),
        s3: Some(stack.s3_endpoint.clone()),
    };
    let app = App::new(&local_sdk_config(), stack.app.settings.clone(), &endpoints);
    Ok(SeedingApp { app, _proxy: proxy })
}

/// Forwards one request to the engine, rewritten as the proxy's policy says, and tallies
/// the answer.
async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or_default()
        .to_string();
    let body = match proxy.rewrite {
        Rewrite::AskForCapacity => asking_for_capacity(&operation, body),
        Rewrite::DropIdempotencyTokens => without_token(&operation, body),
    };
    let mut request = proxy.client.request(method, &proxy.upstream).body(body);
    for (name, value) in &headers {
        // The client sets these for the rewritten body and the upstream address.
        if name != header::HOST && name != header::CONTENT_LENGTH {
            request = request.header(name, value);
        }
    }
    let answer = match request.send().await {
        Ok(a) => a,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = answer.status();
    let answer_headers = answer.headers().clone();
    let bytes = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    if let Some(server) = answer_headers
        .get(header::SERVER)
        .and_then(|v| v.to_str().ok())
    {
        proxy
            .server
            .lock()
            .expect("server lock")
            .get_or_insert_with(|| server.to_string());
    }
    proxy
        .tally
        .lock()
        .expect("tally lock")
        .record(&operation, status.is_success(), &bytes);
    let mut response = Response::builder().status(status);
    for (name, value) in &answer_headers {
        // Framing is redone for the body we send; everything else (CRC32) passes as is.
        if name != header::CONTENT_LENGTH
            && name != header::TRANSFER_ENCODING
            && name != header::CONNECTION
        {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(bytes))
        .unwrap_or_else(|e| (StatusCode::BAD_GATEWAY, e.to_string()).into_response())
}

/// `body` with `"ReturnConsumedCapacity": "INDEXES"` added when `operation` takes it and the
/// caller did not choose a mode itself; anything unparsable passes unchanged.
fn asking_for_capacity(operation: &str, body: Bytes) -> Bytes {
    if !CAPACITY_OPERATIONS.contains(&operation) {
        return body;
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(mut request)) if !request.contains_key("ReturnConsumedCapacity") => {
            request.insert("ReturnConsumedCapacity".into(), "INDEXES".into());
            serde_json::to_vec(&request).map_or(body, Bytes::from)
        }
        _ => body,
    }
}

/// `body` without `ClientRequestToken` when `operation` is a transaction.
fn without_token(operation: &str, body: Bytes) -> Bytes {
    if operation != "TransactWriteItems" {
        return body;
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(mut request)) if request.contains_key("ClientRequestToken") => {
            request.remove("ClientRequestToken");
            serde_json::to_vec(&request).map_or(body, Bytes::from)
        }
        _ => body,
    }
}

/// The DynamoDB cost of a series of identical calls, one tally each.
pub struct Costs {
    /// One tally per call.
    pub calls: Vec<Tally>,
    /// Calls answered outside 2xx.
    pub non_2xx: usize,
}

impl Costs {
    /// Prints the per-call figures: exact when every call cost the same, else the mean
    /// with its range.
    pub fn print(&self) {
        let n = self.calls.len();
        if n == 0 {
            return;
        }
        let mean = |f: &dyn Fn(&Tally) -> f64| self.calls.iter().map(f).sum::<f64>() / n as f64;
        let range = |f: &dyn Fn(&Tally) -> f64| {
            let values: Vec<f64> = self.calls.iter().map(f).collect();
            let (lo, hi) = values
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
            if lo == hi {
                String::new()
            } else {
                format!(" (range {}..{})", num(lo), num(hi))
            }
        };
        let mut operations: BTreeMap<&str, u64> = BTreeMap::new();
        for call in &self.calls {
            for (op, count) in &call.by_operation {
                *operations.entry(op).or_default() += count;
            }
        }
        let operations: Vec<String> = operations
            .iter()
            .map(|(op, count)| format!("{op} {}", num(*count as f64 / n as f64)))
            .collect();
        let failed = mean(&|t| t.failed as f64);
        let uncosted = mean(&|t| t.without_capacity as f64);
        let status = if self.non_2xx == 0 {
            "all 2xx".to_string()
        } else {
            format!("{} non-2xx", self.non_2xx)
        };
        println!(
            "  DynamoDB per call (mean of {n} sequential counted calls, {status}): {} requests{} [{}]",
            num(mean(&|t| t.requests() as f64)),
            range(&|t| t.requests() as f64),
            operations.join(", "),
        );
        let on_indexes = |units: f64| {
            if units > 0.0 {
                format!(" (on indexes {})", num(units))
            } else {
                String::new()
            }
        };
        println!(
            "    items read {}{} (returned {})   read units {}{}{}   write units {}{}{}   bytes from DynamoDB {}{}{}",
            num(mean(&|t| t.items_read as f64)),
            range(&|t| t.items_read as f64),
            num(mean(&|t| t.items_returned as f64)),
            num(mean(&|t| t.read_units)),
            range(&|t| t.read_units),
            on_indexes(mean(&|t| t.index_read_units)),
            num(mean(&|t| t.write_units)),
            range(&|t| t.write_units),
            on_indexes(mean(&|t| t.index_write_units)),
            num(mean(&|t| t.response_bytes as f64).round()),
            if failed > 0.0 {
                format!("   failed DynamoDB requests {}", num(failed))
            } else {
                String::new()
            },
            if uncosted > 0.0 {
                format!("   answers without capacity {}", num(uncosted))
            } else {
                String::new()
            },
        );
    }
}

/// `v` with up to two decimals and no trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
