//! The README's run command: the built `wrrk-local` binary serves the API and the WebSocket
//! API, seeds a demo login on a new database, and keeps data across restarts.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// `cargo run -p wrrk-local` must pick this binary.
#[test]
fn cargo_run_picks_wrrk_local() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/Cargo.toml");
    let text = std::fs::read_to_string(manifest).unwrap();
    assert!(
        text.contains("default-run = \"wrrk-local\""),
        "infra/Cargo.toml has no default-run = \"wrrk-local\""
    );
}

/// What the banner said.
struct Banner {
    http: String,
    ws: String,
    demo: Option<(String, String)>,
}

fn binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(|p| p.parent())
        .unwrap()
        .join("wrrk-local");
    assert!(
        path.exists(),
        "{} is missing: build it first",
        path.display()
    );
    path
}

/// Starts `wrrk-local` with `args` and reads its banner up to "Ready".
async fn start(args: &[&str]) -> (Child, Banner) {
    let mut child = Command::new(binary())
        .args(["--port", "0", "--ws-port", "0", "--smtp-port", "0"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("wrrk-local starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut banner = Banner {
        http: String::new(),
        ws: String::new(),
        demo: None,
    };
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let word = |prefix: &str| {
                line.split_whitespace()
                    .find(|w| w.starts_with(prefix))
                    .map(str::to_string)
            };
            if line.trim_start().starts_with("HTTP API") {
                banner.http = word("http://")
                    .unwrap()
                    .trim_end_matches("/api")
                    .to_string();
            } else if line.trim_start().starts_with("WebSocket API") {
                banner.ws = word("ws://")
                    .unwrap()
                    .split("/?")
                    .next()
                    .unwrap()
                    .to_string();
            } else if let Some(rest) = line.trim_start().strip_prefix("Demo login: ") {
                let (email, password) = rest.split_once(" / ").unwrap();
                banner.demo = Some((email.to_string(), password.to_string()));
            } else if line.starts_with("Ready") {
                return;
            }
        }
        panic!("wrrk-local exited before it was ready");
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("wrrk-local is ready within a minute");
    // Keep draining stderr so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, banner)
}

/// Stops the stack the way a person does (Ctrl-C) and waits for it to exit.
async fn stop(mut child: Child) {
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops on Ctrl-C")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn the_run_command_serves_a_demo_login_and_keeps_data_across_restarts() {
    let dir = std::env::temp_dir().join(format!("wrrk-local-{}", ulid::Ulid::new()));
    let data = dir.to_str().unwrap();
    let http = reqwest::Client::new();

    let (child, banner) = start(&["--data-dir", data]).await;
    let (email, password) = banner
        .demo
        .clone()
        .expect("a new database prints a demo login");
    let login = http
        .post(format!("{}/api/auth/login", banner.http))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let token = login.json::<serde_json::Value>().await.unwrap()["data"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let (ws, _) = tokio_tungstenite::connect_async(format!("{}/?token={token}", banner.ws))
        .await
        .expect("the WebSocket API accepts the demo login");
    drop(ws);
    let signup = http
        .post(format!("{}/api/auth/signup", banner.http))
        .json(&json!({ "organizationName": "Kept", "name": "Kay", "email": "kay@kept.io", "password": "correct horse battery" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);
    stop(child).await;

    let (child, banner) = start(&["--data-dir", data]).await;
    assert!(banner.demo.is_none(), "the demo is created once");
    let login = http
        .post(format!("{}/api/auth/login", banner.http))
        .json(&json!({ "email": "kay@kept.io", "password": "correct horse battery" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "data survives a restart");
    stop(child).await;
    let _ = std::fs::remove_dir_all(&dir);
}
