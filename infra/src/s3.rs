//! Local S3: a real S3-compatible endpoint (`s3s` over `s3s-fs`, objects as files) that
//! the real `aws-sdk-s3` client talks to, SigV4 and presigned URLs included. The bucket's
//! CORS rules from `template.yaml` are applied as S3 applies them, so a browser can PUT to
//! a presigned URL from the dashboard's origin and from no other.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::task::JoinHandle;

use crate::meter::Meter;
use crate::template::{Cors, Setting};

/// The bucket the local stack creates (raw inbound mail and attachments).
pub const LOCAL_BUCKET: &str = "wrrk-mail";

/// A running local S3 endpoint.
pub struct LocalS3 {
    /// `http://127.0.0.1:{port}`.
    pub endpoint: String,
    /// Where the objects live.
    pub root: PathBuf,
    /// Removed on drop (an in-memory stack's temporary directory).
    temporary: bool,
    task: JoinHandle<()>,
}

impl LocalS3 {
    /// Serves `root` (or a fresh temporary directory) on a free loopback port, with the
    /// local credentials (`local`/`local`) and [`LOCAL_BUCKET`] created, applying the
    /// bucket's CORS `rules` (origins already resolved); every request is counted in `meter`.
    pub async fn start(
        root: Option<&Path>,
        rules: Vec<Cors>,
        meter: Arc<Meter>,
    ) -> anyhow::Result<Self> {
        let (root, temporary) = match root {
            Some(r) => (r.to_path_buf(), false),
            None => (
                std::env::temp_dir().join(format!(
                    "wrrk-s3-{}",
                    ulid::Ulid::new().to_string().to_lowercase()
                )),
                true,
            ),
        };
        std::fs::create_dir_all(root.join(LOCAL_BUCKET))
            .with_context(|| format!("creating {}", root.display()))?;
        let fs = s3s_fs::FileSystem::new(&root)
            .map_err(|e| anyhow::anyhow!("opening the local S3 directory: {e:?}"))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single("local", "local"));
        let service = builder.build();
        let rules = Arc::new(rules);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (service, rules, meter) = (service.clone(), rules.clone(), meter.clone());
                let cors = hyper::service::service_fn(move |req: Request<_>| {
                    meter.s3_request(req.method().as_str());
                    let (service, rules) = (service.clone(), rules.clone());
                    async move { with_cors(&service, &rules, req).await }
                });
                tokio::spawn(async move {
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), cors);
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "local S3 connection ended");
                    }
                });
            }
        });
        Ok(Self {
            endpoint,
            root,
            temporary,
            task,
        })
    }
}

/// The first rule that allows `origin` and `method` (S3 uses the first match).
fn rule_for<'a>(rules: &'a [Cors], origin: &str, method: &str) -> Option<&'a Cors> {
    rules.iter().find(|r| {
        r.allow_origins
            .iter()
            .any(|o| matches!(o, Setting::Literal(v) if v == "*" || v.eq_ignore_ascii_case(origin)))
            && r.allow_methods
                .iter()
                .any(|m| m.eq_ignore_ascii_case(method))
    })
}

/// S3's answer to a request from a browser: preflights answered from the rules (403 when
/// none allows the origin, method and headers), CORS headers added to allowed requests.
async fn with_cors(
    service: &s3s::service::S3Service,
    rules: &[Cors],
    req: Request<hyper::body::Incoming>,
) -> Result<Response<s3s::Body>, s3s::HttpError> {
    let origin = req
        .headers()
        .get(http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(origin) = origin else {
        return hyper::service::Service::call(service, req).await;
    };
    let asked = req
        .headers()
        .get(http::header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if req.method() == Method::OPTIONS
        && let Some(method) = asked
    {
        let headers: Vec<String> = req
            .headers()
            .get(http::header::ACCESS_CONTROL_REQUEST_HEADERS)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        let rule = rule_for(rules, &origin, &method).filter(|r| {
            headers.iter().all(|h| {
                r.allow_headers
                    .iter()
                    .any(|a| a == "*" || a.eq_ignore_ascii_case(h))
            })
        });
        let mut resp = Response::new(s3s::Body::empty());
        let Some(rule) = rule else {
            *resp.status_mut() = StatusCode::FORBIDDEN;
            return Ok(resp);
        };
        let h = resp.headers_mut();
        let value = |s: &str| HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static(""));
        h.insert("access-control-allow-origin", value(&origin));
        h.insert(
            "access-control-allow-methods",
            value(&rule.allow_methods.join(", ")),
        );
        if !headers.is_empty() {
            h.insert("access-control-allow-headers", value(&headers.join(", ")));
        }
        if let Some(age) = rule.max_age {
            h.insert("access-control-max-age", HeaderValue::from(age));
        }
        h.insert(
            "vary",
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
            ),
        );
        return Ok(resp);
    }
    let method = req.method().as_str().to_string();
    let mut resp = hyper::service::Service::call(service, req).await?;
    if let Some(rule) = rule_for(rules, &origin, &method) {
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&origin) {
            h.insert("access-control-allow-origin", v);
        }
        if let Ok(v) = HeaderValue::from_str(&rule.allow_methods.join(", ")) {
            h.insert("access-control-allow-methods", v);
        }
        h.insert("vary", HeaderValue::from_static("Origin"));
    }
    Ok(resp)
}

impl Drop for LocalS3 {
    fn drop(&mut self) {
        self.task.abort();
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}
