//! Core hardening over HTTP: login throttling that guessers cannot bypass and cannot turn
//! against the owner, cross-site bodies, key-bound input, invitation rules, email
//! verification, account lifecycle and sessions, and the contract's edges.

use std::net::IpAddr;

use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use wrrk_functions::registry::HTTP_FUNCTIONS;
use wrrk_tests::{PASSWORD, Resp, Session, TestApp};

/// A client whose requests come from `ip` (any address of 127.0.0.0/8 reaches the stack),
/// so tests can play a second network.
pub(crate) fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(ip))
        .build()
        .unwrap()
}

pub(crate) async fn login_from(app: &TestApp, client: &reqwest::Client, body: Value) -> Resp {
    let r = client
        .post(app.url("/api/auth/login"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.json::<Value>().await.unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn parallel_wrong_passwords_are_counted_before_any_is_checked() {
    wrrk_tests::within_one_login_window(60).await;
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    let results = join_all((0..40).map(|_| app.try_login("ada@acme.io", "wrong password"))).await;
    let checked = results.iter().filter(|r| r.status == 401).count();
    let throttled = results.iter().filter(|r| r.status == 429).count();
    assert_eq!(
        (checked, throttled),
        (5, 35),
        "only the allowance is checked"
    );
}

#[tokio::test]
async fn a_guesser_elsewhere_cannot_lock_the_owner_out() {
    wrrk_tests::within_one_login_window(60).await;
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    let attacker = client_from([127, 0, 0, 2]);
    for _ in 0..5 {
        let r = login_from(
            &app,
            &attacker,
            json!({ "email": "ada@acme.io", "password": "guess" }),
        )
        .await;
        assert_eq!(r.status, 401);
    }
    let r = login_from(
        &app,
        &attacker,
        json!({ "email": "ada@acme.io", "password": PASSWORD }),
    )
    .await;
    assert_eq!(r.status, 429, "the guesser's own allowance is spent");
    // The owner, on their own network, signs in at once (and again and again).
    for _ in 0..3 {
        assert_eq!(app.try_login("ada@acme.io", PASSWORD).await.status, 200);
    }
}

#[tokio::test]
async fn a_known_device_passes_the_ip_and_email_ceilings() {
    wrrk_tests::within_one_login_window(60).await;
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    // Ada signs in once from her laptop, which keeps the device token.
    let first = app.try_login("ada@acme.io", PASSWORD).await;
    let device = first.data()["deviceToken"].as_str().unwrap().to_string();
    // Someone on the office network sprays logins until the IP ceiling is reached.
    let office = client_from([127, 0, 0, 3]);
    let spray = join_all((0..110).map(|i| {
        let office = &office;
        let app = &app;
        async move {
            login_from(
                app,
                office,
                json!({ "email": format!("nobody{i}@acme.io"), "password": "guess" }),
            )
            .await
            .status
        }
    }))
    .await;
    assert!(spray.contains(&429), "the spray hits the IP ceiling");
    // A browser nobody has seen is refused from there, Ada's laptop is not.
    let unknown = login_from(
        &app,
        &office,
        json!({ "email": "ada@acme.io", "password": PASSWORD }),
    )
    .await;
    assert_eq!(unknown.status, 429);
    let known = login_from(
        &app,
        &office,
        json!({ "email": "ada@acme.io", "password": PASSWORD, "deviceToken": device }),
    )
    .await;
    assert_eq!(known.status, 200, "{:?}", known.body);
    // A device token of another account is no pass.
    let r = login_from(
        &app,
        &office,
        json!({ "email": "bob@acme.io", "password": PASSWORD, "deviceToken": device }),
    )
    .await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn json_bodies_must_be_declared_as_json() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let body = json!({ "email": "ada@acme.io", "password": PASSWORD }).to_string();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ] {
        let r = app
            .http
            .post(app.url("/api/auth/login"))
            .header("content-type", ct)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415, "{ct}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], "unsupported_media_type");
    }
    let r = app
        .http
        .post(app.url("/api/tickets"))
        .bearer_auth(&admin.token)
        .header("content-type", "text/plain;charset=UTF-8")
        .body(
            json!({ "subject": "x", "customer": { "email": "c@x.io" }, "message": "m" })
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = app
        .http
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Odd values for route parameters and filters: over-long, path-like, control, unicode.
fn odd_values() -> Vec<String> {
    vec![
        "x".repeat(2028),
        "..%2F..%2Fetc".into(),
        "%00".into(),
        "%E2%80%AE%F0%9F%92%A9".into(),
        "ORG%23x".into(),
        "01ARZ3NDEKTSV4RRFFQ69G5FA".into(),
        "%20".into(),
    ]
}

#[tokio::test]
async fn every_route_parameter_and_filter_answers_odd_values_with_a_4xx() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let mut failures = Vec::new();
    for f in HTTP_FUNCTIONS.iter().filter(|f| f.path().contains('{')) {
        for v in odd_values() {
            let path: String = f
                .path()
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        v.as_str()
                    } else {
                        seg
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let method = Method::from_bytes(f.method().as_bytes()).unwrap();
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            let r = app.call(method, &path, Some(&admin.token), body).await;
            if !(400..500).contains(&r.status) {
                failures.push(format!(
                    "{} {} -> {}",
                    f.method(),
                    path.chars().take(60).collect::<String>(),
                    r.status
                ));
            }
        }
    }
    let filters = [
        "/api/tickets?status=",
        "/api/tickets?priority=",
        "/api/tickets?assignee=",
        "/api/tickets?team=",
        "/api/tickets?channel=",
        "/api/tickets?customer=",
        "/api/tickets?cursor=",
        "/api/tickets?limit=",
        "/api/users?team=",
        "/api/users?role=",
        "/api/users?search=",
        "/api/users?cursor=",
        "/api/customers?search=",
        "/api/teams?cursor=",
        "/api/invitations?cursor=",
        "/api/presence?cursor=",
    ];
    for f in filters {
        for v in odd_values() {
            let r = app.get(&format!("{f}{v}"), &admin.token).await;
            // Values that become keys are refused; an id-shaped value that matches nothing
            // is simply an empty list, a blank one is no filter, and search text is free
            // text (never part of a key) up to its length limit.
            let ok = (400..500).contains(&r.status)
                || (r.status == 200
                    && (v.starts_with("01ARZ")
                        || v == "%20"
                        || (f.contains("search=") && v.len() <= 100)));
            if !ok {
                failures.push(format!(
                    "GET {f}{} -> {}",
                    v.chars().take(40).collect::<String>(),
                    r.status
                ));
            }
        }
    }
    // Unauthenticated routes that turn input into keys.
    for v in odd_values() {
        let r = app.try_login(&format!("{v}@x.io"), "whatever").await;
        if !(400..500).contains(&r.status) {
            failures.push(format!("login {} -> {}", v.len(), r.status));
        }
    }
    assert!(failures.is_empty(), "not a 4xx:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_manager_cannot_revoke_or_downgrade_an_admins_invitation() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let (inv, _) = app.invite_ok(&admin, "boss@acme.io", "ADMIN").await;
    let r = app
        .delete(
            &format!("/api/invitations/{}", inv["id"].as_str().unwrap()),
            &manager.token,
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = app.invite(&manager, "boss@acme.io", "AGENT").await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    // Still the admin invitation, still usable.
    let token = app.invitation_token_for("boss@acme.io");
    let r = app.lookup_invitation(&token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["role"], "ADMIN");
    // Their own rank they may manage.
    let (agent_inv, _) = app.invite_ok(&manager, "new@acme.io", "AGENT").await;
    let r = app
        .delete(
            &format!("/api/invitations/{}", agent_inv["id"].as_str().unwrap()),
            &manager.token,
        )
        .await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn an_unverified_organization_sends_no_invitations_and_a_verified_one_is_limited() {
    let app = TestApp::spawn().await;
    let fresh = app
        .signup_unverified("<b>Free money</b>", "spam@spam.test")
        .await;
    let r = app.invite(&fresh, "victim@example.com", "AGENT").await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    assert!(
        app.outbox()
            .iter()
            .all(|m| !m.to.contains(&"victim@example.com".to_string()))
    );
    // The signup mailed a single-use verification link to the admin.
    let token = app.link_token_for("spam@spam.test", "verify-email");
    let verify = |t: String| {
        app.call(
            Method::POST,
            "/api/auth/verify-email",
            None,
            Some(json!({ "token": t })),
        )
    };
    // A lost link is no dead end: the signed-in admin can ask for another.
    let r = app
        .call(
            Method::POST,
            "/api/auth/verify-email/resend",
            Some(&fresh.token),
            None,
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_ne!(app.link_token_for("spam@spam.test", "verify-email"), token);
    assert_eq!(verify(token.clone()).await.status, 200);
    assert_eq!(verify(token).await.status, 410, "the link works once");
    // Text no link could carry is refused before the store, as the document's pattern says.
    assert_eq!(verify("x".repeat(3000)).await.status, 422);
    let r = app
        .call(
            Method::POST,
            "/api/auth/verify-email/resend",
            Some(&fresh.token),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "nothing left to verify");
    let me = app.get("/api/auth/me", &fresh.token).await;
    assert_eq!(me.data()["user"]["emailVerified"], true);
    assert_eq!(me.data()["organization"]["verified"], true);
    // Now it may invite, up to its daily allowance.
    let mut statuses = Vec::new();
    for i in 0..52 {
        statuses.push(
            app.invite(&fresh, &format!("p{i}@example.com"), "AGENT")
                .await
                .status,
        );
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 50);
    assert_eq!(statuses[50..], [429, 429]);
    // The attacker-chosen name never reaches the subject.
    let mail = app.last_mail_to("p0@example.com");
    assert!(!mail.subject.contains("Free money"), "{}", mail.subject);
}

#[tokio::test]
async fn a_deactivated_user_can_be_reactivated_and_old_tokens_stay_dead() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    app.deactivate(&admin, &agent).await;
    let path = format!("/api/users/{}", agent.user_id);
    let r = app
        .patch(&path, &agent.token, json!({ "active": true }))
        .await;
    assert_eq!(r.status, 401, "a deactivated user cannot revive themselves");
    let r = app
        .patch(&path, &admin.token, json!({ "active": true }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["active"], true);
    assert_eq!(app.get("/api/auth/me", &agent.token).await.status, 401);
    let again = app.login(&agent.email, PASSWORD).await;
    assert_eq!(app.get("/api/auth/me", &again.token).await.status, 200);
    // An AGENT may not reactivate anyone.
    let other = app.add_member(&admin, "AGENT").await;
    app.deactivate(&admin, &other).await;
    let r = app
        .patch(
            &format!("/api/users/{}", other.user_id),
            &again.token,
            json!({ "active": true }),
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn emails_and_names_are_normalized_and_deceptive_names_refused() {
    let app = TestApp::spawn().await;
    app.signup("Acme", "j\u{00F6}rg@acme.io").await;
    let r = app
        .call(
            Method::POST,
            "/api/auth/signup",
            None,
            Some(json!({ "organizationName": "Other", "name": "X", "email": "jo\u{0308}rg@acme.io", "password": PASSWORD })),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "email_taken"),
        "NFD is the same address"
    );
    assert_eq!(
        app.try_login("jo\u{0308}rg@acme.io", PASSWORD).await.status,
        200
    );
    for name in ["Bob\u{202E}gnp.exe", "\u{200B}\u{200B}", "A\u{2066}B"] {
        let r = app
            .call(
                Method::POST,
                "/api/auth/signup",
                None,
                Some(json!({ "organizationName": "Org", "name": name, "email": format!("{}@n.io", wrrk_tests::unique()), "password": PASSWORD })),
            )
            .await;
        assert_eq!(r.status, 422, "{name:?}");
    }
}

#[tokio::test]
async fn password_change_ends_other_sessions_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let s = app.signup("Acme", "ada@acme.io").await;
    let other = app.login("ada@acme.io", PASSWORD).await;
    let r = app
        .post(
            "/api/auth/password",
            &s.token,
            json!({ "currentPassword": "nope nope", "newPassword": "another long one" }),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    let r = app
        .post(
            "/api/auth/password",
            &s.token,
            json!({ "currentPassword": PASSWORD, "newPassword": "another long one" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fresh = r.data()["token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/auth/me", &fresh).await.status, 200);
    assert_eq!(app.get("/api/auth/me", &s.token).await.status, 401);
    assert_eq!(app.get("/api/auth/me", &other.token).await.status, 401);
    assert_eq!(app.try_login("ada@acme.io", PASSWORD).await.status, 401);
    assert_eq!(
        app.try_login("ada@acme.io", "another long one")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_the_emailed_link() {
    let app = TestApp::spawn().await;
    let s = app.signup("Acme", "ada@acme.io").await;
    let forgot = |email: &str| {
        app.call(
            Method::POST,
            "/api/auth/forgot-password",
            None,
            Some(json!({ "email": email })),
        )
    };
    let known = forgot("ada@acme.io").await;
    let unknown = forgot("nobody@acme.io").await;
    assert_eq!((known.status, unknown.status), (202, 202));
    assert_eq!(
        known.body, unknown.body,
        "nothing tells which addresses exist"
    );
    assert!(
        app.outbox()
            .iter()
            .all(|m| !m.to.contains(&"nobody@acme.io".to_string()))
    );
    let token = app.link_token_for("ada@acme.io", "reset-password");
    let reset = |t: &str, p: &str| {
        app.call(
            Method::POST,
            "/api/auth/reset-password",
            None,
            Some(json!({ "token": t, "newPassword": p })),
        )
    };
    assert_eq!(
        reset(&token, "short").await.status,
        422,
        "a typo does not burn the link"
    );
    let r = reset(&token, "brand new password").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(reset(&token, "and again please").await.status, 410);
    assert_eq!(app.get("/api/auth/me", &s.token).await.status, 401);
    assert_eq!(
        app.try_login("ada@acme.io", "brand new password")
            .await
            .status,
        200
    );
    // Requests per address are limited without saying so.
    for _ in 0..5 {
        assert_eq!(forgot("ada@acme.io").await.status, 202);
    }
    let sent = app
        .outbox()
        .iter()
        .filter(|m| m.subject == "Reset your wrrk password")
        .count();
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn every_answer_says_nosniff_and_the_edges_answer_in_json() {
    let app = TestApp::spawn().await;
    let s = app.signup("Acme", "ada@acme.io").await;
    for (method, path, token) in [
        (Method::GET, "/api/auth/me", Some(s.token.as_str())),
        (Method::GET, "/api/auth/me", None),
        (Method::GET, "/api/nowhere", None),
        (Method::DELETE, "/api/auth/signup", None),
    ] {
        let mut req = app.http.request(method.clone(), app.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        assert_eq!(
            r.headers()["x-content-type-options"],
            "nosniff",
            "{method} {path}"
        );
    }
    // Over API Gateway's 10 MiB payload limit.
    let r = app
        .http
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body(vec![b' '; 10 * 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "payload_too_large");
}

#[tokio::test]
async fn the_fallback_strips_a_named_stage_before_matching() {
    // On a named stage API Gateway puts the stage in front of the path; the fallback must
    // still tell "wrong method" from "no such path".
    let app = TestApp::spawn().await;
    let fallback = wrrk_functions::registry::http_function("fallback").unwrap();
    let event = |method: &str, path: &str| {
        json!({
            "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "headers": { "host": "api.example.com" },
            "requestContext": {
                "accountId": "1", "apiId": "api", "domainName": "api.example.com",
                "domainPrefix": "api", "requestId": "r", "routeKey": "$default", "stage": "live",
                "time": "01/Dec/2026:10:00:00 +0000", "timeEpoch": 0,
                "http": { "method": method, "path": path, "protocol": "HTTP/1.1",
                          "sourceIp": "203.0.113.9", "userAgent": "t" }
            },
            "isBase64Encoded": false
        })
    };
    for (method, path, want) in [
        ("DELETE", "/live/api/auth/signup", 405),
        ("GET", "/live/api/nowhere", 404),
    ] {
        let req = lambda_http::request::from_str(&event(method, path).to_string()).unwrap();
        let resp = (fallback.handler)(app.stack.app.clone(), req).await;
        assert_eq!(resp.status().as_u16(), want, "{method} {path}");
    }
}

#[tokio::test]
async fn avatars_must_be_real_https_urls() {
    let app = TestApp::spawn().await;
    let s: Session = app.signup("Acme", "ada@acme.io").await;
    let path = format!("/api/users/{}", s.user_id);
    for bad in [
        "https://x.io/\"><script>alert(1)</script>",
        "https://x.io/<img src=x>",
        "javascript:alert(1)",
        "https://user:pw@x.io/a.png",
    ] {
        let r = app
            .patch(&path, &s.token, json!({ "avatarUrl": bad }))
            .await;
        assert_eq!(r.status, 422, "{bad}");
    }
    let r = app
        .patch(
            &path,
            &s.token,
            json!({ "avatarUrl": "https://cdn.example.com/a.png" }),
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn the_local_secret_is_private_and_tokens_stay_out_of_the_request_log() {
    let dir = std::env::temp_dir().join(format!("wrrk-test-{}", wrrk_tests::unique()));
    let mut opts = wrrk_local::Options::for_tests();
    opts.data_dir = Some(dir.clone());
    let stack = wrrk_local::LocalStack::start(opts).await.unwrap();
    drop(stack);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("jwt-secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let logged = wrrk_local::http_api::loggable_path(
        "/api/invitations/token/s3cr3t-t0ken-value/accept",
        &[("token".to_string(), "s3cr3t-t0ken-value".to_string())],
    );
    assert_eq!(logged, "/api/invitations/token/<redacted>/accept");
}
