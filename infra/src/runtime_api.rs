//! A minimal Lambda Runtime API, enough to run a real built function binary outside AWS:
//! it hands out queued events at `/next` and collects what the function answers. Tests use
//! it to exercise the deployed entry points; the benchmark uses it to time cold starts.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

/// What the function did with one invocation.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// `POST /invocation/{id}/response`.
    Response(Value),
    /// `POST /invocation/{id}/error` or `/init/error`.
    Error(Value),
}

/// One report from the function.
#[derive(Debug, Clone)]
pub struct Report {
    /// The invocation's request id (`init` for an init error).
    pub request_id: String,
    /// What it answered.
    pub outcome: Outcome,
}

struct Inner {
    queue: Mutex<VecDeque<Value>>,
    ready: Notify,
    first_poll: watch::Sender<Option<Instant>>,
    reports: mpsc::UnboundedSender<Report>,
}

/// A running Runtime API on loopback.
pub struct RuntimeApi {
    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: SocketAddr,
    inner: Arc<Inner>,
    reports: mpsc::UnboundedReceiver<Report>,
    task: JoinHandle<()>,
}

impl RuntimeApi {
    /// Starts an empty Runtime API on a free port.
    pub async fn start() -> anyhow::Result<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            first_poll: watch::Sender::new(None),
            reports: tx,
        });
        let router = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self {
            address,
            inner,
            reports: rx,
            task,
        })
    }

    /// Queues an event for the function's next poll.
    pub fn invoke(&self, event: Value) {
        if let Ok(mut q) = self.inner.queue.lock() {
            q.push_back(event);
        }
        self.inner.ready.notify_one();
    }

    /// The next thing the function reported.
    pub async fn next_report(&mut self) -> Option<Report> {
        self.reports.recv().await
    }

    /// When the function first asked for work (the end of its cold start), once it has.
    pub async fn first_poll(&self) -> Instant {
        let mut rx = self.inner.first_poll.subscribe();
        loop {
            if let Some(at) = *rx.borrow_and_update() {
                return at;
            }
            if rx.changed().await.is_err() {
                // The sender lives as long as `self`; this cannot end first.
                std::future::pending::<()>().await;
            }
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn next(State(inner): State<Arc<Inner>>) -> Response {
    inner.first_poll.send_if_modified(|first| {
        let unset = first.is_none();
        first.get_or_insert_with(Instant::now);
        unset
    });
    loop {
        let event = inner.queue.lock().ok().and_then(|mut q| q.pop_front());
        if let Some(event) = event {
            let id = ulid::Ulid::new().to_string();
            let deadline = chrono::Utc::now().timestamp_millis() + 30_000;
            let mut headers = HeaderMap::new();
            let mut put = |k: &'static str, v: String| {
                if let Ok(v) = v.parse() {
                    headers.insert(k, v);
                }
            };
            put("lambda-runtime-aws-request-id", id);
            put("lambda-runtime-deadline-ms", deadline.to_string());
            put(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:000000000000:function:local".into(),
            );
            put(
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000".into(),
            );
            return (StatusCode::OK, headers, axum::Json(event)).into_response();
        }
        inner.ready.notified().await;
    }
}

fn report(inner: &Inner, request_id: String, body: &Bytes, ok: bool) -> StatusCode {
    let value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let outcome = if ok {
        Outcome::Response(value)
    } else {
        Outcome::Error(value)
    };
    let _ = inner.reports.send(Report {
        request_id,
        outcome,
    });
    StatusCode::ACCEPTED
}

async fn response(
    State(inner): State<Arc<Inner>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    report(&inner, id, &body, true)
}

async fn error(State(inner): State<Arc<Inner>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    report(&inner, id, &body, false)
}

async fn init_error(State(inner): State<Arc<Inner>>, body: Bytes) -> StatusCode {
    report(&inner, "init".into(), &body, false)
}

impl RuntimeApi {
    /// A command that runs the built `bootstrap` as the Lambda function `function` against
    /// this Runtime API, with the environment Lambda and `template.yaml` give it
    /// (`_HANDLER` names the function), its clients pointed at `stack`'s engine and table.
    /// Output is discarded; the process dies with the handle.
    pub fn lambda_command(
        &self,
        bootstrap: &std::path::Path,
        function: &str,
        stack: &crate::LocalStack,
    ) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(bootstrap);
        cmd.env_clear()
            .env("_HANDLER", function)
            .env("LAMBDA_TASK_ROOT", "/var/task")
            .env("AWS_LAMBDA_RUNTIME_API", self.address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", function)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{function}"),
            )
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "local")
            .env("AWS_SECRET_ACCESS_KEY", "local")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL_DYNAMODB", &stack.dynamodb_endpoint)
            .env("TABLE_NAME", stack.app.store.table())
            .env("JWT_SECRET", &stack.app.settings.jwt_secret)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        cmd
    }
}

/// The API Gateway HTTP API (payload format 2.0) event for `GET path` with a bearer token.
pub fn get_event(path: &str, token: &str) -> Value {
    serde_json::json!({
        "version": "2.0",
        "routeKey": format!("GET {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": { "authorization": format!("Bearer {token}"), "host": "api.example.com" },
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "api.example.com",
            "domainPrefix": "api", "requestId": ulid::Ulid::new().to_string(),
            "routeKey": format!("GET {path}"), "stage": "$default",
            "time": "24/Nov/2026:10:00:00 +0000", "timeEpoch": 0,
            "http": { "method": "GET", "path": path, "protocol": "HTTP/1.1",
                      "sourceIp": "203.0.113.9", "userAgent": "wrrk-local" }
        },
        "isBase64Encoded": false
    })
}
