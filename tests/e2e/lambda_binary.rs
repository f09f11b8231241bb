//! A real built Lambda binary, run against a Runtime API served by the test.

use wrrk_local::runtime_api::{Outcome, RuntimeApi, get_event};
use wrrk_tests::TestApp;

/// The `bootstrap` under test: `WRRK_BOOTSTRAP` (the test command points it at the one
/// `sam build` produced, so the deployed artifact is what runs), else the cargo-built one.
fn bootstrap() -> std::path::PathBuf {
    if let Some(path) = std::env::var_os("WRRK_BOOTSTRAP").filter(|p| !p.is_empty()) {
        return path.into();
    }
    // target/<profile>/deps/e2e-<hash> -> target/<profile>/bootstrap
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|p| p.parent()).unwrap();
    let path = dir.join("bootstrap");
    assert!(
        path.exists(),
        "{} is missing: build the functions first (`cargo build --workspace --bins`)",
        path.display()
    );
    path
}

#[tokio::test]
async fn bootstrap_as_auth_me_answers_an_api_gateway_event() {
    let app = TestApp::spawn().await;
    let session = app.signup("Acme", "ada@acme.io").await;
    let mut runtime = RuntimeApi::start().await.unwrap();

    let mut child = runtime
        .lambda_command(&bootstrap(), "auth-me", &app.stack)
        .spawn()
        .unwrap();

    let event = |token: &str| get_event("/api/auth/me", token);
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

#[tokio::test]
async fn bootstrap_refuses_an_unknown_handler_at_start_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let runtime = RuntimeApi::start().await.unwrap();
    let out = runtime
        .lambda_command(&bootstrap(), "no-such-function", &app.stack)
        .stderr(std::process::Stdio::piped())
        .output();
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), out)
        .await
        .expect("bootstrap exits in time")
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no function is registered as") && stderr.contains("no-such-function"),
        "{stderr}"
    );
    assert!(
        stderr.contains("auth-me"),
        "names the known functions: {stderr}"
    );
}
