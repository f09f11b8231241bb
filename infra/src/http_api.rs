//! API Gateway HTTP API emulation: matches `template.yaml`'s routes, builds the payload
//! format 2.0 event API Gateway sends, and calls the very handler the deployed function runs.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body as AxumBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tracing::Instrument;
use wrrk_functions::registry::{self, Handler};
use wrrk_shared::App;

use crate::meter::Meter;
use crate::static_site::{self, Sites};
use crate::template::{Cors, Setting, Template};

/// API Gateway's payload limit for HTTP APIs.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

/// One route bound to its handler.
struct Route {
    method: String,
    path: Option<String>,
    name: String,
    handler: Handler,
    /// Its API's CORS configuration, parameters resolved.
    cors: Option<Arc<Cors>>,
}

/// The emulated HTTP API(s).
pub struct Gateway {
    app: App,
    routes: Vec<Route>,
    sites: Sites,
    meter: Arc<Meter>,
}

/// `cors` with its `!Ref` origins resolved from `parameters`.
pub(crate) fn resolve(cors: &Cors, parameters: &BTreeMap<String, String>) -> Cors {
    let mut out = cors.clone();
    out.allow_origins = cors
        .allow_origins
        .iter()
        .filter_map(|o| match o {
            Setting::Literal(v) => Some(Setting::Literal(v.clone())),
            Setting::Param(p) => parameters.get(p).map(|v| Setting::Literal(v.clone())),
        })
        .collect();
    out
}

/// The `Access-Control-Allow-Origin` value for `origin`, if the configuration allows it.
fn allowed_origin(cors: &Cors, origin: &HeaderValue) -> Option<HeaderValue> {
    let origin_str = origin.to_str().ok()?;
    cors.allow_origins.iter().find_map(|o| match o {
        Setting::Literal(v) if v == "*" => Some(HeaderValue::from_static("*")),
        Setting::Literal(v) if v.eq_ignore_ascii_case(origin_str) => Some(origin.clone()),
        _ => None,
    })
}

impl Gateway {
    /// Binds every route of `template` to its registered handler; a route whose function
    /// has no handler is an error (the deployed API would have a function that cannot run).
    /// `parameters` are the template's parameter values (defaults already applied).
    pub fn new(
        app: App,
        template: &Template,
        sites: Sites,
        parameters: &BTreeMap<String, String>,
    ) -> anyhow::Result<Self> {
        let apis: HashMap<&str, Option<Arc<Cors>>> = template
            .http_apis
            .iter()
            .map(|(id, c)| {
                (
                    id.as_str(),
                    c.as_ref().map(|c| Arc::new(resolve(c, parameters))),
                )
            })
            .collect();
        let mut routes = Vec::new();
        for f in &template.functions {
            for r in &f.routes {
                let function = registry::http_function(&f.name).ok_or_else(|| {
                    anyhow::anyhow!("{} ({}) has no registered handler", f.logical_id, f.name)
                })?;
                routes.push(Route {
                    method: r.method.clone(),
                    path: r.path.clone(),
                    name: f.name.clone(),
                    handler: function.handler,
                    cors: apis.get(r.api.as_str()).cloned().flatten(),
                });
            }
        }
        // Literal segments win over parameters, as in API Gateway.
        routes.sort_by_key(|r| {
            r.path
                .as_deref()
                .map_or(usize::MAX, |p| p.matches('{').count())
        });
        Ok(Self {
            app,
            routes,
            sites,
            meter: Arc::default(),
        })
    }

    /// Counts requests and handler time in `meter` (the stack's) instead of its own.
    pub fn with_meter(mut self, meter: Arc<Meter>) -> Self {
        self.meter = meter;
        self
    }

    /// The CORS configuration of the API that serves `path` (any method).
    fn api_cors_for_path(&self, path: &str) -> Option<Arc<Cors>> {
        let route = self
            .routes
            .iter()
            .find(|r| {
                r.path
                    .as_deref()
                    .is_some_and(|p| registry::path_matches(p, path))
            })
            .or_else(|| self.routes.iter().find(|r| r.path.is_none()))?;
        route.cors.clone()
    }

    fn route(&self, method: &str, path: &str) -> Option<(&Route, HashMap<String, String>)> {
        let explicit = self.routes.iter().find_map(|r| {
            let pattern = r.path.as_deref()?;
            if r.method != "ANY" && r.method != method {
                return None;
            }
            path_params(pattern, path).map(|p| (r, p))
        });
        explicit.or_else(|| {
            self.routes
                .iter()
                .find(|r| r.path.is_none())
                .map(|r| (r, HashMap::new()))
        })
    }
}

/// Path parameters when `pattern` matches `path` (values percent-decoded).
fn path_params(pattern: &str, path: &str) -> Option<HashMap<String, String>> {
    if !registry::path_matches(pattern, path) {
        return None;
    }
    let names = pattern.trim_matches('/').split('/');
    let values = path.trim_matches('/').split('/');
    Some(
        names
            .zip(values)
            .filter_map(|(n, v)| {
                let name = n.strip_prefix('{')?.strip_suffix('}')?;
                let value = percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned();
                Some((name.to_string(), value))
            })
            .collect(),
    )
}

/// `path` as the request log shows it: secrets in path parameters (invitation tokens)
/// replaced, so logs never carry a usable link.
pub fn loggable_path(path: &str, params: &[(String, String)]) -> String {
    params
        .iter()
        .filter(|(name, v)| name.to_ascii_lowercase().contains("token") && !v.is_empty())
        .fold(path.to_string(), |p, (_, value)| {
            let encoded =
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            p.replace(&encoded, "<redacted>")
                .replace(value.as_str(), "<redacted>")
        })
}

/// Serves one request as API Gateway would.
pub async fn dispatch(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    if parts.method == "GET"
        && !static_site::is_api_path(parts.uri.path())
        && let Some(resp) = static_site::serve(&gw.sites, parts.uri.path()).await
    {
        return resp;
    }
    let origin = parts.headers.get("origin").cloned();
    // API Gateway answers a preflight itself on an API with a CORS configuration (the
    // route the path would reach decides which API); on one without, OPTIONS is routed.
    if parts.method == "OPTIONS"
        && let Some(o) = &origin
        && parts.headers.contains_key("access-control-request-method")
        && let Some(cors) = gw.api_cors_for_path(parts.uri.path())
    {
        return preflight(&cors, o);
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_PAYLOAD).await else {
        // API Gateway's own 413 is `{"message": ...}`; locally it speaks the API's shape.
        let err = wrrk_shared::ApiError::PayloadTooLarge(MAX_PAYLOAD);
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [("x-content-type-options", "nosniff")],
            axum::Json(json!({ "error": err.to_string(), "code": err.code() })),
        )
            .into_response();
    };
    let path = parts.uri.path().to_string();
    let method = parts.method.as_str().to_string();
    let Some((route, params)) = gw.route(&method, &path) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "message": "Not Found" })),
        )
            .into_response();
    };
    let request_id = ulid::Ulid::new().to_string();
    let route_key = route
        .path
        .as_ref()
        .map_or("$default".to_string(), |p| format!("{} {p}", route.method));
    let params_list: Vec<(String, String)> =
        params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let logged_path = loggable_path(&path, &params_list);
    let event = build_event(&parts, &body, &route_key, params, peer, &request_id);
    let lambda_req = match lambda_http::request::from_str(&event.to_string()) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "could not build the Lambda request");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let span = tracing::info_span!("request", request_id = %request_id, function = %route.name);
    let started = std::time::Instant::now();
    let resp = (route.handler)(gw.app.clone(), lambda_req)
        .instrument(span.clone())
        .await;
    gw.meter.http_request();
    gw.meter.invocation(&route.name, started.elapsed());
    span.in_scope(|| {
        tracing::info!(
            method = %method,
            path = %logged_path,
            status = resp.status().as_u16(),
            micros = started.elapsed().as_micros() as u64,
            "handled"
        )
    });
    into_axum(resp, route.cors.as_deref(), origin, &request_id)
}

/// A preflight answer: the CORS headers only when the origin is allowed (API Gateway
/// still answers 204 for others, without them, so the browser refuses).
fn preflight(cors: &Cors, origin: &HeaderValue) -> Response {
    let mut headers = HeaderMap::new();
    let Some(allow) = allowed_origin(cors, origin) else {
        return (StatusCode::NO_CONTENT, headers).into_response();
    };
    headers.insert("access-control-allow-origin", allow);
    let join = |v: &[String]| HeaderValue::from_str(&v.join(",")).ok();
    if let Some(v) = join(&cors.allow_methods) {
        headers.insert("access-control-allow-methods", v);
    }
    if let Some(v) = join(&cors.allow_headers) {
        headers.insert("access-control-allow-headers", v);
    }
    if let Some(age) = cors.max_age {
        headers.insert("access-control-max-age", HeaderValue::from(age));
    }
    (StatusCode::NO_CONTENT, headers).into_response()
}

fn is_text(headers: &axum::http::request::Parts) -> bool {
    let ct = headers
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    ct.is_empty()
        || ct.starts_with("text/")
        || ct.contains("json")
        || ct.contains("xml")
        || ct.contains("x-www-form-urlencoded")
}

/// The payload format 2.0 event for one request.
fn build_event(
    parts: &axum::http::request::Parts,
    body: &[u8],
    route_key: &str,
    path_parameters: HashMap<String, String>,
    peer: SocketAddr,
    request_id: &str,
) -> Value {
    let mut headers: HashMap<String, String> = HashMap::new();
    let mut cookies = Vec::new();
    for (name, value) in &parts.headers {
        let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == "cookie" {
            cookies.extend(
                v.split(';')
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty()),
            );
            continue;
        }
        headers
            .entry(name.as_str().to_string())
            .and_modify(|e| {
                e.push(',');
                e.push_str(&v);
            })
            .or_insert(v);
    }
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let mut query: HashMap<String, String> = HashMap::new();
    for (k, v) in
        serde_urlencoded::from_str::<Vec<(String, String)>>(&raw_query).unwrap_or_default()
    {
        query
            .entry(k)
            .and_modify(|e| {
                e.push(',');
                e.push_str(&v);
            })
            .or_insert(v);
    }
    let text = is_text(parts) && std::str::from_utf8(body).is_ok();
    let now = chrono::Utc::now();
    let host = headers
        .get("host")
        .cloned()
        .unwrap_or_else(|| "127.0.0.1".into());
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split('.').next().unwrap_or("local"),
            "http": {
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": peer.ip().to_string(),
                "userAgent": parts.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or(""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "timeEpoch": now.timestamp_millis(),
        },
        "isBase64Encoded": !body.is_empty() && !text,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !query.is_empty() {
        event["queryStringParameters"] = json!(query);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = json!(path_parameters);
    }
    if !body.is_empty() {
        event["body"] = if text {
            json!(String::from_utf8_lossy(body))
        } else {
            json!(STANDARD.encode(body))
        };
    }
    event
}

fn into_axum(
    resp: lambda_http::Response<lambda_http::Body>,
    cors: Option<&Cors>,
    origin: Option<HeaderValue>,
    request_id: &str,
) -> Response {
    let (parts, body) = resp.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(s) => s.into_bytes(),
        lambda_http::Body::Binary(b) => b,
        _ => Vec::new(),
    };
    let mut out = Response::new(AxumBody::from(bytes));
    *out.status_mut() = parts.status;
    *out.headers_mut() = parts.headers;
    if let Ok(v) = HeaderValue::from_str(request_id) {
        out.headers_mut().insert("apigw-requestid", v);
    }
    // With a CORS configuration, API Gateway replaces whatever CORS headers the function
    // sent; without one, the function's own pass through.
    if let Some(cors) = cors {
        let h = out.headers_mut();
        h.remove("access-control-allow-origin");
        if let Some(allow) = origin.as_ref().and_then(|o| allowed_origin(cors, o)) {
            h.insert("access-control-allow-origin", allow);
        }
    }
    out
}
