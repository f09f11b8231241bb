//! Sign-up, login, the current session, tokens and throttling.

use jsonwebtoken::{EncodingKey, Header};
use reqwest::Method;
use serde_json::json;
use wrrk_tests::{PASSWORD, TestApp};

#[tokio::test]
async fn signup_creates_an_organization_and_its_admin() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Method::POST,
            "/api/auth/signup",
            None,
            Some(json!({"organizationName": " Acme Corp ", "name": "Ada", "email": "Ada@Acme.io", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let data = r.data();
    assert!(
        data["token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3)
    );
    assert_eq!(data["user"]["email"], "ada@acme.io");
    assert_eq!(data["user"]["role"], "ADMIN");
    assert_eq!(data["organization"]["name"], "Acme Corp");
    assert_eq!(data["organization"]["ticketPrefix"], "ACME");
    assert_eq!(data["user"]["orgId"], data["organization"]["id"]);
    let text = r.body.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("password"),
        "{text}"
    );
}

#[tokio::test]
async fn signup_validates_every_field() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            json!({"organizationName": "", "name": "A", "email": "a@b.io", "password": PASSWORD}),
            "organizationName",
        ),
        (
            json!({"organizationName": "O", "name": " ", "email": "a@b.io", "password": PASSWORD}),
            "name",
        ),
        (
            json!({"organizationName": "O", "name": "A", "email": "not-an-email", "password": PASSWORD}),
            "email",
        ),
        (
            json!({"organizationName": "O", "name": "A", "email": "a@b.io", "password": "short"}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let r = app
            .call(Method::POST, "/api/auth/signup", None, Some(body))
            .await;
        assert_eq!(r.status, 422, "{field}: {:?}", r.body);
        assert_eq!(r.code(), "validation_failed");
        assert_eq!(r.body["field"], field);
    }
    assert!(
        app.all_items().await.is_empty(),
        "a rejected sign-up wrote something"
    );
}

#[tokio::test]
async fn emails_are_unique_case_insensitively_and_a_conflict_writes_nothing() {
    let app = TestApp::spawn().await;
    app.signup("First", "owner@example.com").await;
    let before = app.all_items().await.len();
    let r = app
        .call(
            Method::POST,
            "/api/auth/signup",
            None,
            Some(json!({"organizationName": "Second", "name": "B", "email": "OWNER@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.code(), "email_taken");
    assert_eq!(
        app.all_items().await.len(),
        before,
        "the failed sign-up left items behind"
    );
}

#[tokio::test]
async fn login_and_me() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let s = app.login("ADA@acme.io", PASSWORD).await;
    assert_eq!(s.user_id, admin.user_id);
    let me = app.get("/api/auth/me", &s.token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.data()["user"]["id"], admin.user_id.as_str());
    assert_eq!(me.data()["organization"]["id"], admin.org_id.as_str());
    assert!(me.data()["user"].get("passwordHash").is_none());
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    let wrong_password = app.try_login("ada@acme.io", "not the password").await;
    let wrong_email = app.try_login("nobody@acme.io", PASSWORD).await;
    let malformed_email = app.try_login("nobody", PASSWORD).await;
    for r in [&wrong_password, &wrong_email, &malformed_email] {
        assert_eq!(r.status, 401);
    }
    assert_eq!(wrong_password.body, wrong_email.body);
    assert_eq!(wrong_password.body, malformed_email.body);
    assert_eq!(wrong_password.code(), "invalid_credentials");
}

#[tokio::test]
async fn repeated_failures_for_one_email_are_throttled() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    for _ in 0..5 {
        assert_eq!(
            app.try_login("ada@acme.io", "wrong password").await.status,
            401
        );
    }
    // Even the right password is refused while throttled, or guessing would go on.
    let r = app.try_login("ada@acme.io", PASSWORD).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.code(), "too_many_requests");
    let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 900);
    // Other accounts are unaffected.
    app.signup("Other", "bob@other.io").await;
    assert_eq!(app.try_login("bob@other.io", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn failures_from_one_address_for_other_accounts_do_not_lock_out_the_office() {
    // One colleague behind the office NAT mistypes, or one machine misbehaves: everyone
    // else on that address still signs in (the per-IP ceiling is far above this).
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    for i in 0..25 {
        let r = app
            .try_login(&format!("guess{i}@acme.io"), "whatever1")
            .await;
        assert_eq!(r.status, 401);
    }
    assert_eq!(app.try_login("ada@acme.io", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_success_clears_earlier_failures() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    for _ in 0..4 {
        app.try_login("ada@acme.io", "wrong password").await;
    }
    app.login("ada@acme.io", PASSWORD).await;
    for _ in 0..4 {
        assert_eq!(
            app.try_login("ada@acme.io", "wrong password").await.status,
            401
        );
    }
    assert_eq!(app.try_login("ada@acme.io", PASSWORD).await.status, 200);
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    sub: &'a str,
    org: &'a str,
    role: &'a str,
    iat: i64,
    exp: i64,
}

#[tokio::test]
async fn expired_forged_and_foreign_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let s = app.signup("Acme", "ada@acme.io").await;
    let secret = app.stack.app.settings.jwt_secret.clone();
    let now = chrono::Utc::now().timestamp();
    let sign = |exp: i64, key: &[u8]| {
        let claims = Claims {
            sub: &s.user_id,
            org: &s.org_id,
            role: "ADMIN",
            iat: now - 7200,
            exp,
        };
        jsonwebtoken::encode(&Header::default(), &claims, &EncodingKey::from_secret(key)).unwrap()
    };
    // Control: a token we sign ourselves with the right key and a future expiry works.
    assert_eq!(
        app.get("/api/auth/me", &sign(now + 600, secret.as_bytes()))
            .await
            .status,
        200
    );

    let expired = sign(now - 1, secret.as_bytes());
    let other_key = sign(now + 600, b"another-secret-another-secret-another");
    let mut forged = s.token.clone();
    // Flip a character of the payload: the signature no longer matches.
    let dot = forged.find('.').unwrap() + 5;
    let c = forged.as_bytes()[dot];
    forged.replace_range(dot..=dot, if c == b'A' { "B" } else { "A" });
    let none_alg = format!(
        "eyJhbGciOiJub25lIn0.{}.",
        s.token.split('.').nth(1).unwrap()
    );
    for (name, token) in [
        ("expired", expired),
        ("other key", other_key),
        ("forged", forged),
        ("alg none", none_alg),
        ("garbage", "x.y.z".into()),
    ] {
        let r = app.get("/api/auth/me", &token).await;
        assert_eq!(r.status, 401, "{name} token accepted");
        assert_eq!(r.code(), "unauthorized");
    }
    let r = app.call(Method::GET, "/api/auth/me", None, None).await;
    assert_eq!(r.status, 401);
}
