//! The HTTP contract: JSON errors with the right 4xx for every kind of bad request.

use reqwest::Method;
use serde_json::json;
use wrrk_tests::TestApp;

#[tokio::test]
async fn malformed_wrongly_typed_incomplete_and_oversized_bodies() {
    let app = TestApp::spawn().await;
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("not JSON", "{oops".into(), 400, "malformed_json"),
        ("empty", "".into(), 400, "malformed_json"),
        (
            "wrong type",
            r#"{"organizationName": 7, "name": "A", "email": "a@b.io", "password": "12345678"}"#
                .into(),
            422,
            "validation_failed",
        ),
        (
            "missing field",
            r#"{"name": "A", "email": "a@b.io", "password": "12345678"}"#.into(),
            422,
            "validation_failed",
        ),
        ("array", "[]".into(), 422, "validation_failed"),
        (
            "oversized",
            format!(
                r#"{{"organizationName": "{}", "name": "A", "email": "a@b.io", "password": "12345678"}}"#,
                "x".repeat(40_000)
            ),
            413,
            "payload_too_large",
        ),
    ];
    for (name, body, status, code) in cases {
        let r = app.raw(Method::POST, "/api/auth/signup", None, body).await;
        assert_eq!(r.status, status, "{name}: {:?}", r.body);
        assert_eq!(r.code(), code, "{name}");
        assert!(
            r.body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{name}"
        );
    }
    assert!(
        app.all_items().await.is_empty(),
        "a rejected request wrote something"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let app = TestApp::spawn().await;
    let r = app
        .call(Method::GET, "/api/does-not-exist", None, None)
        .await;
    assert_eq!((r.status, r.code()), (404, "route_not_found"));
    let r = app.call(Method::GET, "/", None, None).await;
    assert_eq!((r.status, r.code()), (404, "route_not_found"));
    let r = app
        .call(Method::DELETE, "/api/auth/signup", None, None)
        .await;
    assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
    let r = app
        .call(Method::PUT, "/api/auth/me", None, Some(json!({})))
        .await;
    assert_eq!((r.status, r.code()), (405, "method_not_allowed"));
}

#[tokio::test]
async fn responses_carry_a_request_id_and_cors_headers_for_the_allowed_origin_only() {
    let app = TestApp::spawn().await;
    // The template's AllowOrigins is `!Ref AllowedOrigin`; locally it is the stack's own
    // address, as if deployed with that parameter.
    let own = app.stack.http_url.clone();
    let preflight = |origin: &str| {
        app.http
            .request(Method::OPTIONS, app.url("/api/auth/login"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
    };
    let r = preflight("https://evil.example.com").await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(
        !r.headers().contains_key("access-control-allow-origin"),
        "a foreign origin is not reflected"
    );
    let r = preflight(&own).await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], own.as_str());
    assert!(
        r.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PATCH")
    );
    let r = app
        .http
        .get(app.url("/api/auth/me"))
        .header("origin", &own)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("apigw-requestid"));
    assert_eq!(r.headers()["access-control-allow-origin"], own.as_str());
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r = app
        .http
        .get(app.url("/api/auth/me"))
        .header("origin", "https://evil.example.com")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"));
}
