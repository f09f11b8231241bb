//! The OpenAPI document: generated from the code, committed as `openapi.json`, served at
//! `/api/openapi.json`, covering every registered route. (Every response the other tests
//! receive is validated against it in `support/contract.rs`.)

use std::collections::BTreeSet;

use wrrk_functions::openapi;
use wrrk_functions::registry::HTTP_FUNCTIONS;
use wrrk_tests::TestApp;

#[test]
fn committed_openapi_json_is_the_generated_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json");
    let committed = std::fs::read_to_string(path).expect("openapi.json is committed");
    assert!(
        committed == openapi::document_json(),
        "openapi.json is stale: run `cargo run -p wrrk-local -- --print-openapi > openapi.json`"
    );
}

#[test]
fn every_registered_route_is_documented_and_nothing_else() {
    let doc = serde_json::to_value(openapi::document()).expect("serializes");
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let registered: BTreeSet<String> = HTTP_FUNCTIONS
        .iter()
        .filter(|f| f.path() != "$default")
        .map(|f| format!("{} {}", f.method(), f.path()))
        .collect();
    let missing: Vec<_> = registered.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the document: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "documented but not registered: {unknown:?}"
    );
    // Every operation names its id after its function, and answers errors as `ErrorBody`.
    for f in HTTP_FUNCTIONS.iter().filter(|f| f.path() != "$default") {
        let op = &doc["paths"][f.path()][f.method().to_lowercase()];
        assert_eq!(op["operationId"], f.name, "{} {}", f.method(), f.path());
        assert_eq!(
            op["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{}",
            f.name
        );
    }
}

#[tokio::test]
async fn the_stack_serves_the_document() {
    let app = TestApp::spawn().await;
    let resp = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("application/json")
    );
    let served = resp.text().await.expect("body");
    assert_eq!(served, openapi::document_json());
}

#[test]
fn responses_that_break_the_contract_are_caught() {
    // The validator itself: a ticket missing its number, or carrying an undeclared field,
    // must fail, so the checks on every other test's responses mean something.
    let ticket = serde_json::json!({
        "id": "01J0000000000000000000000A", "orgId": "01J0000000000000000000000B", "number": 1,
        "ticketNumber": "ACME-0001", "subject": "s", "status": "OPEN", "priority": "LOW",
        "channel": "MANUAL", "customerId": "01J0000000000000000000000C", "tags": [], "messageCount": 0,
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
        "lastActivityAt": "2026-01-01T00:00:00Z", "version": 1,
        "customer": null, "assignee": null
    });
    let check = |body: serde_json::Value| {
        std::panic::catch_unwind(|| {
            wrrk_tests::contract::check(
                "GET",
                "/api/tickets/01J0000000000000000000000A",
                200,
                &body,
            )
        })
        .is_ok()
    };
    assert!(check(serde_json::json!({ "data": ticket.clone() })));
    let mut missing = ticket.clone();
    missing
        .as_object_mut()
        .expect("object")
        .remove("ticketNumber");
    assert!(!check(serde_json::json!({ "data": missing })));
    let mut extra = ticket.clone();
    extra["secret"] = serde_json::json!("leak");
    assert!(!check(serde_json::json!({ "data": extra })));
    assert!(!check(
        serde_json::json!({ "data": { "status": "SLEEPING" } })
    ));
}

#[test]
fn websocket_frames_that_break_the_contract_are_caught() {
    let check = |schema: &'static str, frame: serde_json::Value| {
        std::panic::catch_unwind(|| wrrk_tests::contract::check_frame(schema, &frame)).is_ok()
    };
    let unsubscribed =
        serde_json::json!({ "event": "ticket:unsubscribed", "data": { "ticketId": "t" } });
    assert!(check("Event", unsubscribed.clone()));
    // An unknown event, a field the type lacks, and an agent-only event to a visitor.
    assert!(!check(
        "Event",
        serde_json::json!({ "event": "ticket:exploded", "data": {} })
    ));
    assert!(!check(
        "Event",
        serde_json::json!({ "event": "ticket:unsubscribed", "data": { "ticketId": "t", "x": 1 } })
    ));
    assert!(!check("VisitorEvent", unsubscribed));
}
