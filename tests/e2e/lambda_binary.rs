//! A real built Lambda binary, run against a Runtime API served by the test.

use std::process::Stdio;

use serde_json::json;
use wrrk_local::runtime_api::{Outcome, RuntimeApi};
use wrrk_tests::TestApp;

fn built_binary(name: &str) -> std::path::PathBuf {
    // target/<profile>/deps/e2e-<hash> -> target/<profile>/<name>
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|p| p.parent()).unwrap();
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the functions first (`cargo build --workspace --bins`)",
        path.display()
    );
    path
}

#[tokio::test]
async fn the_auth_me_binary_answers_an_api_gateway_event() {
    let app = TestApp::spawn().await;
    let session = app.signup("Acme", "ada@acme.io").await;
    let mut runtime = RuntimeApi::start().await.unwrap();

    let mut child = tokio::process::Command::new(built_binary("auth-me"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "auth-me")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/auth-me")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_DYNAMODB", &app.stack.dynamodb_endpoint)
        .env("TABLE_NAME", app.stack.app.store.table())
        .env("JWT_SECRET", &app.stack.app.settings.jwt_secret)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();

    let event = |token: &str| {
        json!({
            "version": "2.0",
            "routeKey": "GET /api/auth/me",
            "rawPath": "/api/auth/me",
            "rawQueryString": "",
            "headers": { "authorization": format!("Bearer {token}"), "host": "api.example.com" },
            "requestContext": {
                "accountId": "000000000000", "apiId": "api", "domainName": "api.example.com",
                "domainPrefix": "api", "requestId": "req-1", "routeKey": "GET /api/auth/me",
                "stage": "$default", "time": "24/Nov/2026:10:00:00 +0000", "timeEpoch": 0,
                "http": { "method": "GET", "path": "/api/auth/me", "protocol": "HTTP/1.1",
                          "sourceIp": "203.0.113.9", "userAgent": "test" }
            },
            "isBase64Encoded": false
        })
    };
    runtime.invoke(event(&session.token));
    runtime.invoke(event("forged.token.here"));

    let mut statuses = Vec::new();
    for _ in 0..2 {
        let report =
            tokio::time::timeout(std::time::Duration::from_secs(60), runtime.next_report())
                .await
                .expect("the binary answered in time")
                .expect("a report");
        let Outcome::Response(resp) = report.outcome else {
            panic!("the binary reported an error: {report:?}");
        };
        let body: serde_json::Value = serde_json::from_str(resp["body"].as_str().unwrap()).unwrap();
        statuses.push(resp["statusCode"].as_u64().unwrap());
        if resp["statusCode"] == 200 {
            assert_eq!(body["data"]["user"]["email"], "ada@acme.io");
            assert_eq!(body["data"]["organization"]["id"], session.org_id.as_str());
        } else {
            assert_eq!(body["code"], "unauthorized");
        }
    }
    assert_eq!(statuses, vec![200, 401]);
    child.kill().await.ok();
}
