//! The deploy-time custom resources (`deploy-setup`) as CloudFormation drives them: a
//! request whose ResponseURL is a listener here, the answer read from what it receives.
//! And a stack whose signup is closed: one organization, through the setup link, once.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wrrk_functions::deploy::{CustomResourceEvent, run};
use wrrk_local::Options;
use wrrk_tests::{PASSWORD, TestApp, unique};

const APP_URL: &str = "https://d111111abcdef8.cloudfront.net";
const WS_URL: &str = "wss://abc123.execute-api.us-east-1.amazonaws.com/live";

static FIRST_BUILD: &[(&str, &[u8])] = &[
    (
        "index.html",
        b"<!doctype html><script src=/assets/index-aaaa1111.js></script>",
    ),
    ("assets/index-aaaa1111.js", b"console.log(1)"),
    ("widget.js", b"/* widget v1 */"),
    ("widget.0123456789.js", b"/* widget v1 */"),
];

static SECOND_BUILD: &[(&str, &[u8])] = &[
    (
        "index.html",
        b"<!doctype html><script src=/assets/index-bbbb2222.js></script>",
    ),
    ("assets/index-bbbb2222.js", b"console.log(2)"),
    ("widget.js", b"/* widget v2 */"),
    ("widget.9876543210.js", b"/* widget v2 */"),
];

/// A stack configured as a deployed one: signup closed.
async fn closed_stack() -> TestApp {
    let mut options = Options::for_tests();
    options.parameters = BTreeMap::from([("PublicSignup".into(), "false".into())]);
    TestApp::spawn_with(options).await
}

/// Sends one custom resource request and returns the answer CloudFormation would get.
async fn request(
    app: &TestApp,
    request_type: &str,
    resource_type: &str,
    properties: Value,
    files: &'static [(&'static str, &'static [u8])],
) -> Value {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/response?X-Amz-Signature=abc",
        listener.local_addr().unwrap()
    );
    let receive = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = socket.read(&mut chunk).await.unwrap();
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).to_string();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text[..end]
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    assert!(
                        text.starts_with("PUT /response?X-Amz-Signature=abc "),
                        "{text}"
                    );
                    socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .unwrap();
                    return serde_json::from_slice::<Value>(&buf[end + 4..end + 4 + length])
                        .unwrap();
                }
            }
            assert!(n > 0, "the connection closed before the answer was whole");
        }
    });
    let event: CustomResourceEvent = serde_json::from_value(json!({
        "RequestType": request_type,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:000000000000:stack/wrrk/1",
        "RequestId": unique(),
        "LogicalResourceId": "Site",
        "ResourceType": resource_type,
        "PhysicalResourceId": (request_type != "Create").then_some("site"),
        "ResourceProperties": properties,
    }))
    .unwrap();
    run(&app.stack.app, &event, files).await.expect("answered");
    receive.await.unwrap()
}

fn site_properties(signup: &str) -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:000000000000:function:deploy-setup",
        "AppUrl": APP_URL,
        "WebSocketUrl": WS_URL,
        "Signup": signup,
    })
}

/// An object of the bucket: (body, content type, cache control), or None.
async fn object(app: &TestApp, key: &str) -> Option<(String, String, String)> {
    let out = app
        .stack
        .app
        .s3
        .get_object()
        .bucket(&app.stack.app.settings.bucket_name)
        .key(key)
        .send()
        .await
        .ok()?;
    let content_type = out.content_type().unwrap_or_default().to_string();
    let cache = out.cache_control().unwrap_or_default().to_string();
    let body = out.body.collect().await.unwrap().into_bytes();
    Some((String::from_utf8_lossy(&body).into(), content_type, cache))
}

async fn sign_up(app: &TestApp, setup_token: Option<&str>) -> wrrk_tests::Resp {
    let mut body = json!({
        "organizationName": "Acme",
        "name": "Ada Admin",
        "email": format!("{}@example.com", unique()),
        "password": PASSWORD,
    });
    if let Some(token) = setup_token {
        body["setupToken"] = json!(token);
    }
    app.call(Method::POST, "/api/auth/signup", None, Some(body))
        .await
}

#[tokio::test]
async fn a_deploy_publishes_the_site_and_a_setup_link_that_creates_exactly_one_organization() {
    let app = closed_stack().await;
    // Before any deploy nobody may sign up.
    let closed = sign_up(&app, None).await;
    assert_eq!((closed.status, closed.code()), (403, "forbidden"));

    let answer = request(
        &app,
        "Create",
        "Custom::Site",
        site_properties("setup-link"),
        FIRST_BUILD,
    )
    .await;
    assert_eq!(answer["Status"], "SUCCESS", "{answer}");
    assert_eq!(answer["LogicalResourceId"], "Site");
    let setup_url = answer["Data"]["SetupUrl"].as_str().unwrap().to_string();
    let prefix = format!("{APP_URL}/signup?setup=");
    assert!(setup_url.starts_with(&prefix), "{setup_url}");
    let token = &setup_url[prefix.len()..];

    // The files, each with its cache policy: hashed ones for a year, pages revalidated.
    let (index, kind, cache) = object(&app, "site/index.html").await.unwrap();
    assert!(index.contains("index-aaaa1111.js"));
    assert_eq!(
        (kind.as_str(), cache.as_str()),
        ("text/html; charset=utf-8", "no-cache")
    );
    let (_, kind, cache) = object(&app, "site/assets/index-aaaa1111.js").await.unwrap();
    assert_eq!(kind, "text/javascript; charset=utf-8");
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let (_, _, cache) = object(&app, "site/widget.js").await.unwrap();
    assert_eq!(cache, "public, max-age=300");
    let (_, _, cache) = object(&app, "site/widget.0123456789.js").await.unwrap();
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let (config, kind, cache) = object(&app, "site/config.json").await.unwrap();
    assert_eq!(
        (kind.as_str(), cache.as_str()),
        ("application/json", "no-cache")
    );
    let config: Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config, json!({ "apiUrl": APP_URL, "wsUrl": WS_URL }));
    // Links in mail follow the stored URL.
    assert_eq!(
        app.stack.app.store.app_url().await.unwrap().as_deref(),
        Some(APP_URL)
    );

    // A wrong token is refused like none at all; the right one creates the organization.
    let wrong = sign_up(&app, Some(&"x".repeat(43))).await;
    assert_eq!((wrong.status, wrong.code()), (403, "forbidden"));
    let first = sign_up(&app, Some(token)).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = sign_up(&app, Some(token)).await;
    assert_eq!((again.status, again.code()), (403, "forbidden"));

    // The next deploy of a changed dashboard: new files in, old hashed files still there
    // (an index.html cached before the deploy keeps working), the link stays spent.
    let answer = request(
        &app,
        "Update",
        "Custom::Site",
        site_properties("setup-link"),
        SECOND_BUILD,
    )
    .await;
    assert_eq!(answer["Status"], "SUCCESS", "{answer}");
    assert!(
        answer["Data"]["SetupUrl"]
            .as_str()
            .unwrap()
            .starts_with("used")
    );
    let (index, _, _) = object(&app, "site/index.html").await.unwrap();
    assert!(index.contains("index-bbbb2222.js"));
    assert!(
        object(&app, "site/assets/index-bbbb2222.js")
            .await
            .is_some()
    );
    assert_eq!(
        object(&app, "site/assets/index-aaaa1111.js")
            .await
            .unwrap()
            .0,
        "console.log(1)"
    );
    assert!(object(&app, "site/widget.0123456789.js").await.is_some());
    assert_eq!(
        object(&app, "site/widget.js").await.unwrap().0,
        "/* widget v2 */"
    );
    let still_closed = sign_up(&app, Some(token)).await;
    assert_eq!(still_closed.status, 403);
}

#[tokio::test]
async fn a_redeploy_before_the_link_is_used_replaces_it() {
    let app = closed_stack().await;
    let first = request(
        &app,
        "Create",
        "Custom::Site",
        site_properties("setup-link"),
        FIRST_BUILD,
    )
    .await;
    let old = first["Data"]["SetupUrl"]
        .as_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_string();
    let second = request(
        &app,
        "Update",
        "Custom::Site",
        site_properties("setup-link"),
        FIRST_BUILD,
    )
    .await;
    let new = second["Data"]["SetupUrl"]
        .as_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(old, new);
    assert_eq!(sign_up(&app, Some(&old)).await.status, 403);
    assert_eq!(sign_up(&app, Some(&new)).await.status, 201);
}

#[tokio::test]
async fn a_stack_opened_to_signup_takes_anyone_and_the_local_stack_is_open() {
    let mut options = Options::for_tests();
    options.parameters = BTreeMap::from([("PublicSignup".into(), "true".into())]);
    let app = TestApp::spawn_with(options).await;
    let answer = request(
        &app,
        "Create",
        "Custom::Site",
        site_properties("open"),
        FIRST_BUILD,
    )
    .await;
    assert_eq!(
        answer["Data"]["SetupUrl"],
        format!("{APP_URL}/signup (signup is open to anyone)")
    );
    assert_eq!(sign_up(&app, None).await.status, 201);
    assert_eq!(sign_up(&app, None).await.status, 201);
    // wrrk-local without parameters: open, as it always was.
    let local = TestApp::spawn().await;
    assert_eq!(sign_up(&local, None).await.status, 201);
}

#[tokio::test]
async fn a_bootstrap_built_without_the_front_ends_fails_the_deploy_with_the_fix() {
    let app = closed_stack().await;
    let answer = request(
        &app,
        "Create",
        "Custom::Site",
        site_properties("setup-link"),
        &[],
    )
    .await;
    assert_eq!(answer["Status"], "FAILED");
    assert!(
        answer["Reason"].as_str().unwrap().contains("npm run build"),
        "{answer}"
    );
    // Deleting a resource whose creation failed succeeds (the rollback goes through).
    let deleted = request(
        &app,
        "Delete",
        "Custom::Site",
        site_properties("setup-link"),
        &[],
    )
    .await;
    assert_eq!(deleted["Status"], "SUCCESS");
}

#[tokio::test]
async fn the_signing_secret_is_generated_masked_and_replaced_by_a_new_version() {
    let app = closed_stack().await;
    let props =
        |v: &str| json!({ "ServiceToken": "arn:aws:lambda:us-east-1:0:function:f", "Version": v });
    let first = request(&app, "Create", "Custom::SigningSecret", props("1"), &[]).await;
    assert_eq!(first["Status"], "SUCCESS");
    assert_eq!(first["NoEcho"], true);
    assert_eq!(first["PhysicalResourceId"], "signing-secret-v1");
    let secret = first["Data"]["Secret"].as_str().unwrap().to_string();
    assert!(secret.len() >= 32);
    let rotated = request(&app, "Update", "Custom::SigningSecret", props("2"), &[]).await;
    assert_eq!(rotated["PhysicalResourceId"], "signing-secret-v2");
    assert_ne!(rotated["Data"]["Secret"].as_str().unwrap(), secret);
}
