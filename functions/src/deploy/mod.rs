//! `deploy-setup`: the CloudFormation custom resources of a deploy, one function of the
//! one `bootstrap`.
//!
//! - `Custom::SigningSecret` generates the secret that signs sessions and cursors (a new
//!   one when its `Version` changes); it reaches the functions through their environment.
//! - `Custom::Site` copies the front ends built into this binary to the bucket's `site/`
//!   prefix (CloudFront's origin), writes `site/config.json`, stores the app's URL for
//!   links in mail, and issues the one-time setup link while signup is closed.
//! - `Custom::ActiveReceiptRuleSet` makes the stack's SES receipt rule set the active one
//!   (`receipt_rules`), without replacing a set the account already uses.
//!
//! CloudFormation waits for the answer PUT to the event's presigned `ResponseURL`; a
//! failure is answered FAILED with its reason, so the deploy stops and rolls back.

mod front_ends;
mod receipt_rules;
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

/// What CloudFormation asks of a custom resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// The resource is new (its physical id is ours to choose).
    Create,
    /// Its properties changed.
    Update,
    /// It leaves the stack (or a failed create is rolled back).
    Delete,
}

impl CustomResourceEvent {
    /// The request's kind; CloudFormation sends no other.
    pub fn kind(&self) -> anyhow::Result<RequestKind> {
        match self.request_type.as_str() {
            "Create" => Ok(RequestKind::Create),
            "Update" => Ok(RequestKind::Update),
            "Delete" => Ok(RequestKind::Delete),
            other => anyhow::bail!("unknown custom resource RequestType {other:?}"),
        }
    }

    /// The physical id CloudFormation holds, else the logical id (a failed create).
    fn physical_or_logical_id(&self) -> String {
        self.physical_resource_id
            .clone()
            .unwrap_or_else(|| self.logical_resource_id.clone())
    }
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
    let result = match (event.kind(), event.resource_type.as_str()) {
        (Err(e), _) => Err(e),
        // It acts on Delete too: the stack's set must stop being the active one.
        (Ok(_), "Custom::ActiveReceiptRuleSet") => {
            receipt_rules::handle(event).await.map(|physical_id| Done {
                physical_id,
                data: Data::default(),
                no_echo: false,
            })
        }
        // The bucket (and the files in it) and the table outlive the stack; a secret
        // kept in an environment goes with its functions.
        (Ok(RequestKind::Delete), _) => Ok(Done {
            physical_id: event.physical_or_logical_id(),
            data: Data::default(),
            no_echo: false,
        }),
        (Ok(_), "Custom::SigningSecret") => Ok(signing_secret(event)),
        (Ok(_), "Custom::Site") => site(app, event, files).await,
        (Ok(_), other) => Err(anyhow::anyhow!("deploy-setup does not handle {other}")),
    };
    if let Err(e) = &result {
        tracing::error!(error = %format!("{e:#}"), resource = %event.logical_resource_id, "custom resource failed");
    }
    let answer = answer(event, result);
    let status = answer.status;
    response::send(&event.response_url, &answer).await?;
    Ok(Outcome {
        status,
        logical_resource_id: event.logical_resource_id.clone(),
    })
}

/// CloudFormation's answer to `event` once it was handled: SUCCESS with the resource's
/// physical id and data, or FAILED with the reason (the deploy stops and rolls back).
fn answer(event: &CustomResourceEvent, result: anyhow::Result<Done>) -> response::Answer<'_> {
    let (status, reason, done) = match result {
        Ok(done) => ("SUCCESS", None, done),
        Err(e) => (
            "FAILED",
            Some(format!("{e:#}")),
            Done {
                physical_id: event.physical_or_logical_id(),
                data: Data::default(),
                no_echo: false,
            },
        ),
    };
    response::Answer {
        status,
        reason,
        physical_resource_id: done.physical_id,
        stack_id: &event.stack_id,
        request_id: &event.request_id,
        logical_resource_id: &event.logical_resource_id,
        no_echo: done.no_echo,
        data: done.data,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> CustomResourceEvent {
        serde_json::from_str(text).expect("a CloudFormation event")
    }

    fn create() -> CustomResourceEvent {
        event(include_str!("fixtures/rule_set_create.json"))
    }

    fn update() -> CustomResourceEvent {
        event(include_str!("fixtures/rule_set_update.json"))
    }

    fn json(answer: &response::Answer<'_>) -> serde_json::Value {
        serde_json::to_value(answer).unwrap()
    }

    #[test]
    fn the_request_kinds_cloudformation_sends_are_read() {
        assert_eq!(create().kind().unwrap(), RequestKind::Create);
        assert_eq!(update().kind().unwrap(), RequestKind::Update);
        let delete = event(include_str!("fixtures/rule_set_delete.json"));
        assert_eq!(delete.kind().unwrap(), RequestKind::Delete);
    }

    #[test]
    fn a_success_answers_with_the_ids_of_the_request_and_no_reason() {
        let e = create();
        let a = json(&answer(
            &e,
            Ok(Done {
                physical_id: "active-receipt-rule-set:wrrk-inbound".into(),
                data: Data::default(),
                no_echo: false,
            }),
        ));
        assert_eq!(a["Status"], "SUCCESS");
        assert_eq!(
            a["PhysicalResourceId"],
            "active-receipt-rule-set:wrrk-inbound"
        );
        assert_eq!(a["StackId"], e.stack_id.as_str());
        assert_eq!(a["RequestId"], e.request_id.as_str());
        assert_eq!(a["LogicalResourceId"], "ReceiptRuleSetActivation");
        assert_eq!(a["NoEcho"], false);
        assert!(a.get("Reason").is_none(), "{a}");
        assert_eq!(a["Data"], serde_json::json!({}));
    }

    #[test]
    fn a_failed_create_answers_failed_with_its_reason_under_the_logical_id() {
        let e = create();
        let a = json(&answer(&e, Err(anyhow::anyhow!("the set is busy"))));
        assert_eq!(a["Status"], "FAILED");
        assert_eq!(a["Reason"], "the set is busy");
        // No physical id yet: the rollback's Delete names the logical one.
        assert_eq!(a["PhysicalResourceId"], "ReceiptRuleSetActivation");
    }

    #[test]
    fn a_failed_update_keeps_the_physical_id_so_nothing_is_replaced() {
        let e = update();
        let a = json(&answer(&e, Err(anyhow::anyhow!("no"))));
        assert_eq!(a["Status"], "FAILED");
        assert_eq!(
            a["PhysicalResourceId"],
            "active-receipt-rule-set:wrrk-inbound"
        );
    }

    #[test]
    fn the_signing_secret_is_masked_and_named_by_its_version() {
        let mut e = create();
        e.resource_type = "Custom::SigningSecret".into();
        e.resource_properties = serde_json::json!({ "Version": "3" });
        let a = json(&answer(&e, Ok(signing_secret(&e))));
        assert_eq!(a["PhysicalResourceId"], "signing-secret-v3");
        assert_eq!(a["NoEcho"], true);
        let secret = a["Data"]["Secret"].as_str().unwrap();
        assert!(secret.len() >= 43, "{secret}");
        // A number (as CloudFormation may pass a Number parameter) names it the same way.
        e.resource_properties = serde_json::json!({ "Version": 3 });
        assert_eq!(signing_secret(&e).physical_id, "signing-secret-v3");
    }

    #[test]
    fn hashed_files_are_immutable_and_entry_points_revalidated() {
        for (name, want) in [
            (
                "assets/index-abc123.js",
                "public, max-age=31536000, immutable",
            ),
            ("widget.0a1b2c.js", "public, max-age=31536000, immutable"),
            ("widget.js", "public, max-age=300"),
            ("index.html", "no-cache"),
            ("config.json", "no-cache"),
            ("favicon.svg", "public, max-age=3600"),
        ] {
            assert_eq!(cache_control(name), want, "{name}");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        for (name, want) in [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/a.js", "text/javascript; charset=utf-8"),
            ("assets/a.css", "text/css; charset=utf-8"),
            ("config.json", "application/json"),
            ("logo.svg", "image/svg+xml"),
            ("font.woff2", "font/woff2"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(name), want, "{name}");
        }
    }
}
