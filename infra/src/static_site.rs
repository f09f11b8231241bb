//! The built front ends, served as CloudFront serves them from the bucket in AWS: the
//! dashboard at `/` with its client-side routes falling back to `index.html`, the widget
//! script at `/widget.js`, and `/config.json` telling the app where the APIs are (in AWS
//! the deploy writes the same file).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where the built files are.
#[derive(Debug, Clone, Default)]
pub struct Sites {
    /// The dashboard's `dist/` (with `index.html`).
    pub dashboard: Option<PathBuf>,
    /// The widget's `dist/` (with `widget.js` and `demo.html`).
    pub widget: Option<PathBuf>,
}

/// Whether `path` belongs to the APIs rather than to a front end.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path.starts_with("/_local/")
}

/// The `/config.json` body.
pub fn config_json(api_url: &str, ws_url: &str) -> Response {
    let body = serde_json::json!({ "apiUrl": api_url, "wsUrl": ws_url });
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
            // The chat widget reads it from customers' sites.
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The file for a GET of `path`, if a front end has it; `None` lets the API answer.
pub async fn serve(sites: &Sites, path: &str) -> Option<Response> {
    if let Some(dir) = &sites.widget {
        let name = match path {
            "/widget.js" => Some("widget.js"),
            "/widget-demo" | "/widget-demo/" => Some("demo.html"),
            _ => path.strip_prefix("/widget/"),
        };
        if let Some(name) = name
            && let Some(resp) = file(dir, name).await
        {
            return Some(resp);
        }
    }
    let dir = sites.dashboard.as_ref()?;
    let rel = path.trim_start_matches('/');
    if !rel.is_empty()
        && let Some(resp) = file(dir, rel).await
    {
        return Some(resp);
    }
    // A client-side route (`/tickets/{id}`, `/invite/{token}`): the app decides. Missing
    // assets (a path with an extension) stay 404 so a broken build is noticed.
    if Path::new(rel).extension().is_some() {
        return None;
    }
    file(dir, "index.html").await
}

/// `dir/rel` if it is a regular file inside `dir`.
async fn file(dir: &Path, rel: &str) -> Option<Response> {
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let full = dir.join(rel);
    let bytes = tokio::fs::read(&full).await.ok()?;
    let mime = match full.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    // Hashed asset names never change content; html must be fetched fresh.
    let cache = if full.to_string_lossy().contains("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Some(resp)
}
