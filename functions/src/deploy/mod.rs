//! `deploy-setup`: the CloudFormation custom resources of a deploy, one function of the
//! one `bootstrap`.
//!
//! - `Custom::SigningSecret` generates the secret that signs sessions and cursors (a new
//!   one when its `Version` changes); it reaches the functions through their environment.
//! - `Custom::Site` copies the front ends built into this binary to the bucket's `site/`
//!   prefix (CloudFront's origin), writes `site/config.json`, stores the app's URL for
//!   links in mail, and issues the one-time setup link while signup is closed.
//!
//! CloudFormation waits for the answer PUT to the event's presigned `ResponseURL`; a
//! failure is answered FAILED with its reason, so the deploy stops and rolls back.

mod front_ends;
mod response;

use aws_sdk_s3::primitives::ByteStream;
use serde::{Deserialize, Serialize};
use wrrk_shared::App;
use wrrk_shared::ids::{hash_secret, new_secret};
use wrrk_shared::store::SetupLink;

pub use front_ends::FILES;

/// The bucket prefix CloudFront serves (its origin path).
pub const SITE_PREFIX: &str = "site/";

/// A custom resource request, as CloudFormation sends it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomResourceEvent {
    /// `Create`, `Update` or `Delete`.
    pub request_type: String,
    /// Where the answer is PUT.
    #[serde(rename = "ResponseURL")]
    pub response_url: String,
    /// The stack.
    pub stack_id: String,
    /// This request.
    pub request_id: String,
    /// The resource's name in the template.
    pub logical_resource_id: String,
    /// `Custom::SigningSecret` or `Custom::Site`.
    pub resource_type: String,
    /// Set on Update and Delete.
    #[serde(default)]
    pub physical_resource_id: Option<String>,
    /// The resource's properties.
    #[serde(default)]
    pub resource_properties: serde_json::Value,
}

/// The properties of `Custom::Site`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SiteProperties {
    /// The app's URL (custom domain or CloudFront's).
    app_url: String,
    /// The WebSocket API's URL.
    web_socket_url: String,
    /// `open` or `setup-link`.
    signup: String,
}

/// What a resource hands back (`!GetAtt Resource.Name`).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Data {
    /// The signing secret (`Custom::SigningSecret`).
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    /// The setup link, or what became of it (`Custom::Site`).
    #[serde(rename = "SetupUrl", skip_serializing_if = "Option::is_none")]
    setup_url: Option<String>,
}

/// A resource's outcome: its physical id, its data, whether CloudFormation must mask it.
struct Done {
    physical_id: String,
    data: Data,
    no_echo: bool,
}

/// What the function returns to Lambda once CloudFormation has its answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// `SUCCESS` or `FAILED`.
    pub status: &'static str,
    /// The resource.
    pub logical_resource_id: String,
}

/// The `/config.json` the app and the widget read.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SiteConfig<'a> {
    api_url: &'a str,
    ws_url: &'a str,
}

/// The Lambda entry: one custom resource request.
pub async fn handle(app: App, event: serde_json::Value) -> Result<serde_json::Value, String> {
    let event: CustomResourceEvent = serde_json::from_value(event)
        .map_err(|e| format!("not a CloudFormation custom resource request: {e}"))?;
    let outcome = run(&app, &event, FILES)
        .await
        .map_err(|e| format!("{e:#}"))?;
    serde_json::to_value(outcome).map_err(|e| e.to_string())
}

/// Handles `event` with `files` as the front ends and answers CloudFormation. Only a
/// failure to answer is an error (Lambda then retries the request).
pub async fn run(
    app: &App,
    event: &CustomResourceEvent,
    files: &'static [(&'static str, &'static [u8])],
) -> anyhow::Result<Outcome> {
    let result = if event.request_type == "Delete" {
        // The bucket (and the files in it) and the table outlive the stack; a secret
        // kept in an environment goes with its functions.
        Ok(Done {
            physical_id: event
                .physical_resource_id
                .clone()
                .unwrap_or_else(|| event.logical_resource_id.clone()),
            data: Data::default(),
            no_echo: false,
        })
    } else {
        match event.resource_type.as_str() {
            "Custom::SigningSecret" => Ok(signing_secret(event)),
            "Custom::Site" => site(app, event, files).await,
            other => Err(anyhow::anyhow!("deploy-setup does not handle {other}")),
        }
    };
    let status = if result.is_ok() { "SUCCESS" } else { "FAILED" };
    let answer = match result {
        Ok(done) => response::Answer {
            status,
            reason: None,
            physical_resource_id: done.physical_id,
            stack_id: &event.stack_id,
            request_id: &event.request_id,
            logical_resource_id: &event.logical_resource_id,
            no_echo: done.no_echo,
            data: done.data,
        },
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), resource = %event.logical_resource_id, "custom resource failed");
            response::Answer {
                status,
                reason: Some(format!("{e:#}")),
                physical_resource_id: event
                    .physical_resource_id
                    .clone()
                    .unwrap_or_else(|| event.logical_resource_id.clone()),
                stack_id: &event.stack_id,
                request_id: &event.request_id,
                logical_resource_id: &event.logical_resource_id,
                no_echo: false,
                data: Data::default(),
            }
        }
    };
    response::send(&event.response_url, &answer).await?;
    Ok(Outcome {
        status,
        logical_resource_id: event.logical_resource_id.clone(),
    })
}

/// A fresh 256-bit secret; the physical id names its version, so a new version replaces
/// it (and every function's environment with it: all sessions end).
fn signing_secret(event: &CustomResourceEvent) -> Done {
    let version = match &event.resource_properties["Version"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Done {
        physical_id: format!("signing-secret-v{version}"),
        data: Data {
            secret: Some(new_secret()),
            setup_url: None,
        },
        no_echo: true,
    }
}

/// How long a browser or CloudFront may keep a file of the site.
pub fn cache_control(name: &str) -> &'static str {
    let hashed = name.starts_with("assets/")
        || (name.starts_with("widget.") && name != "widget.js" && name.ends_with(".js"));
    if hashed {
        // A content-hashed name never changes meaning.
        "public, max-age=31536000, immutable"
    } else if name == "widget.js" {
        // The stable name customers embed: a new widget reaches them within minutes.
        "public, max-age=300"
    } else if name.ends_with(".html") || name == "config.json" {
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

/// The content type of a file of the site.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn site(
    app: &App,
    event: &CustomResourceEvent,
    files: &'static [(&'static str, &'static [u8])],
) -> anyhow::Result<Done> {
    let props: SiteProperties = serde_json::from_value(event.resource_properties.clone())
        .map_err(|e| anyhow::anyhow!("Custom::Site properties: {e}"))?;
    anyhow::ensure!(
        files.iter().any(|(name, _)| *name == "index.html")
            && files.iter().any(|(name, _)| *name == "widget.js"),
        "this bootstrap was built without the front ends: run `npm ci && npm run build` in \
         dashboard/ and in widget/, then `sam build` again"
    );
    let app_url = props.app_url.trim_end_matches('/');
    // Hashed files first and index.html last: a browser that gets the new index.html
    // finds its assets. Nothing is deleted, so old index.html files keep theirs.
    let (pages, rest): (Vec<_>, Vec<_>) =
        files.iter().partition(|(name, _)| name.ends_with(".html"));
    let config = serde_json::to_vec(&SiteConfig {
        api_url: app_url,
        ws_url: &props.web_socket_url,
    })?;
    for batch in rest.chunks(8).chain(pages.chunks(8)) {
        let puts = batch
            .iter()
            .map(|&(name, bytes)| put(app.clone(), name, ByteStream::from_static(bytes)));
        futures::future::try_join_all(puts).await?;
    }
    put(app.clone(), "config.json", ByteStream::from(config)).await?;
    app.store.put_app_url(app_url).await?;
    let setup_url = if props.signup == "open" {
        format!("{app_url}/signup (signup is open to anyone)")
    } else {
        let token = new_secret();
        match app.store.issue_setup_link(&hash_secret(&token)).await? {
            SetupLink::Issued => format!("{app_url}/signup?setup={token}"),
            SetupLink::Used => {
                "used: the first organization exists; invite agents from the app".to_string()
            }
        }
    };
    tracing::info!(files = files.len(), app_url, "site deployed");
    Ok(Done {
        physical_id: format!("site-{}", app.settings.bucket_name),
        data: Data {
            secret: None,
            setup_url: Some(setup_url),
        },
        no_echo: false,
    })
}

async fn put(app: App, name: &'static str, body: ByteStream) -> anyhow::Result<()> {
    app.s3
        .put_object()
        .bucket(&app.settings.bucket_name)
        .key(format!("{SITE_PREFIX}{name}"))
        .content_type(content_type(name))
        .cache_control(cache_control(name))
        .body(body)
        .send()
        .await
        .map_err(|e| anyhow::Error::new(e).context(format!("writing {SITE_PREFIX}{name}")))?;
    Ok(())
}
