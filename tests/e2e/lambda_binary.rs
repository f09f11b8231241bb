//! A real built Lambda binary, run against a Runtime API served by the test.

use wrrk_local::runtime_api::{Outcome, RuntimeApi, get_event};
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

    let mut child = runtime
        .lambda_command(&built_binary("auth-me"), &app.stack)
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
