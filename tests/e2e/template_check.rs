//! `template.yaml`, the handler registry and `functions/src/bin/` describe the same functions.

use std::collections::BTreeSet;

use wrrk_functions::registry::{HTTP_FUNCTIONS, WS_FUNCTIONS};
use wrrk_local::template::Template;

fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn every_template_function_has_a_handler_and_every_handler_a_function() {
    let template = Template::embedded().unwrap();
    let in_template: BTreeSet<(String, String, String)> = template
        .functions
        .iter()
        .flat_map(|f| {
            f.routes.iter().map(|r| {
                (
                    f.binary.clone(),
                    r.method.clone(),
                    r.path.clone().unwrap_or("$default".into()),
                )
            })
        })
        .collect();
    let registered: BTreeSet<(String, String, String)> = HTTP_FUNCTIONS
        .iter()
        .map(|f| {
            (
                f.binary.to_string(),
                f.method.to_string(),
                f.path.to_string(),
            )
        })
        .collect();
    let missing_handler: Vec<_> = in_template.difference(&registered).collect();
    let missing_function: Vec<_> = registered.difference(&in_template).collect();
    assert!(
        missing_handler.is_empty(),
        "in template.yaml without a handler: {missing_handler:?}"
    );
    assert!(
        missing_function.is_empty(),
        "handlers without a function in template.yaml: {missing_function:?}"
    );
}

#[test]
fn every_function_has_a_binary_that_serves_it() {
    let template = Template::embedded().unwrap();
    let bin_dir = workspace_root().join("functions/src/bin");
    let bins: BTreeSet<String> = std::fs::read_dir(&bin_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect();
    let functions: BTreeSet<String> = template
        .functions
        .iter()
        .map(|f| f.binary.clone())
        .collect();
    assert_eq!(
        bins, functions,
        "functions/src/bin and template.yaml disagree"
    );
    for bin in &bins {
        let src = std::fs::read_to_string(bin_dir.join(format!("{bin}.rs"))).unwrap();
        assert!(
            src.contains(&format!("serve(\"{bin}\")")),
            "{bin}.rs does not serve {bin}"
        );
    }
}

#[test]
fn every_function_is_least_privileged_and_built_with_cargo_lambda() {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    for (id, res) in doc["Resources"].as_mapping().unwrap() {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        assert_eq!(
            res["Metadata"]["BuildMethod"].as_str(),
            Some("rust-cargolambda"),
            "{id:?}"
        );
        let policies = format!("{:?}", res["Properties"]["Policies"]);
        assert!(
            !policies.contains("AdministratorAccess") && !policies.contains("\"*\""),
            "{id:?}: {policies}"
        );
    }
}

#[test]
fn every_websocket_route_has_a_handler_and_every_handler_a_route() {
    let template = Template::embedded().unwrap();
    let in_template: BTreeSet<(String, String)> = template
        .websocket_routes
        .iter()
        .map(|r| (r.binary.clone(), r.route_key.clone()))
        .collect();
    let registered: BTreeSet<(String, String)> = WS_FUNCTIONS
        .iter()
        .map(|f| (f.binary.to_string(), f.route_key.to_string()))
        .collect();
    assert_eq!(in_template, registered);
    for required in ["$connect", "$disconnect", "$default"] {
        assert!(
            registered.iter().any(|(_, k)| k == required),
            "no {required} route"
        );
    }
    // Actions answer with a frame (ack or error), so they need a route response.
    for r in &template.websocket_routes {
        let expects_reply = !matches!(r.route_key.as_str(), "$connect" | "$disconnect");
        assert_eq!(r.two_way, expects_reply, "{}", r.route_key);
    }
}

#[test]
fn only_functions_that_publish_may_manage_connections() {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut managing = BTreeSet::new();
    for (_, res) in doc["Resources"].as_mapping().unwrap() {
        if res["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = res["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap()
            .to_string();
        let policies = serde_yaml::to_string(&res["Properties"]["Policies"]).unwrap();
        let manages = policies.contains("execute-api:ManageConnections");
        // The management endpoint goes exactly where the permission to use it goes.
        let has_endpoint =
            !res["Properties"]["Environment"]["Variables"]["WEBSOCKET_ENDPOINT"].is_null();
        assert_eq!(manages, has_endpoint, "{binary}");
        if manages {
            managing.insert(binary);
        }
    }
    let publishers: BTreeSet<String> = [
        "tickets-create",
        "tickets-update",
        "ticket-messages-create",
        "ws-connect",
        "ws-disconnect",
        "ws-typing-start",
        "ws-typing-stop",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(managing, publishers);
}
