//! The chat widget's public API over real HTTP and WebSocket: keys and origins, sessions
//! scoped to one CHAT conversation, idempotent sends, connect tickets, identity
//! verification, offline email and rate limits. The browser tests (widget/tests/) drive
//! the same API through the real script.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{Resp, Session, TestApp};

pub(crate) const SITE: &str = "https://shop.example.com";

/// A widget API call from `origin` (none: a server), with an optional session token.
pub(crate) async fn widget(
    app: &TestApp,
    method: Method,
    path: &str,
    origin: Option<&str>,
    token: Option<&str>,
    body: Option<Value>,
) -> Resp {
    let mut req = app.http.request(method, app.url(path));
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON")
    };
    Resp {
        status,
        headers,
        body,
    }
}

/// An organization whose widget may be embedded on [`SITE`]; its admin and widget key.
pub(crate) async fn org_with_widget(app: &TestApp) -> (Session, String) {
    let admin = app
        .signup(
            "Shop",
            &format!("admin-{}@example.com", wrrk_tests::unique()),
        )
        .await;
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "allowedOrigins": [SITE] } }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let key = r.data()["widget"]["widgetKey"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(key.starts_with("wk_"), "{key}");
    (admin, key)
}

pub(crate) async fn start_session(app: &TestApp, key: &str, extra: Value) -> Resp {
    let mut body = json!({ "widgetKey": key });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    widget(
        app,
        Method::POST,
        "/api/widget/sessions",
        Some(SITE),
        None,
        Some(body),
    )
    .await
}

fn header<'a>(r: &'a Resp, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn widget_settings_key_and_secret_are_for_admins_and_rotate() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let path = format!("/api/organizations/{}", admin.org_id);
    let mine = app.get(&path, &admin.token).await;
    let w = &mine.data()["widget"];
    assert_eq!(w["widgetKey"], key.as_str());
    assert_eq!(w["allowedOrigins"], json!([SITE]));
    assert_eq!(w["identityEnforced"], false);
    let secret = w["identitySecret"].as_str().unwrap().to_string();
    assert!(secret.len() >= 40);

    let agent = app.add_member(&admin, "AGENT").await;
    let seen = app.get(&path, &agent.token).await;
    assert_eq!(seen.data()["widget"]["widgetKey"], key.as_str());
    assert!(seen.data()["widget"].get("identitySecret").is_none());
    let denied = app
        .patch(
            &path,
            &agent.token,
            json!({ "widget": { "rotateKey": true } }),
        )
        .await;
    assert_eq!(denied.status, 403);

    let bad = app
        .patch(
            &path,
            &admin.token,
            json!({ "widget": { "allowedOrigins": ["https://a.com/path"] } }),
        )
        .await;
    assert_eq!(bad.status, 422, "{:?}", bad.body);

    let rotated = app
        .patch(
            &path,
            &admin.token,
            json!({ "widget": { "rotateKey": true, "rotateIdentitySecret": true } }),
        )
        .await;
    assert_eq!(rotated.status, 200, "{:?}", rotated.body);
    let new_key = rotated.data()["widget"]["widgetKey"].as_str().unwrap();
    assert_ne!(new_key, key);
    assert_ne!(rotated.data()["widget"]["identitySecret"], secret.as_str());
    let old = widget(
        &app,
        Method::POST,
        "/api/widget/init",
        Some(SITE),
        None,
        Some(json!({ "widgetKey": key })),
    )
    .await;
    assert_eq!(old.status, 404);
    let new = widget(
        &app,
        Method::POST,
        "/api/widget/init",
        Some(SITE),
        None,
        Some(json!({ "widgetKey": new_key })),
    )
    .await;
    assert_eq!(new.status, 200, "{:?}", new.body);
    assert_eq!(new.data()["organization"]["name"], "Shop");
}

#[tokio::test]
async fn widget_origins_are_checked_and_preflights_answered_by_the_widget_api() {
    let app = TestApp::spawn().await;
    let (_admin, key) = org_with_widget(&app).await;
    let body = json!({ "widgetKey": key });
    let ok = widget(
        &app,
        Method::POST,
        "/api/widget/init",
        Some(SITE),
        None,
        Some(body.clone()),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(header(&ok, "access-control-allow-origin"), Some(SITE));
    assert_eq!(header(&ok, "vary"), Some("Origin"));

    let evil = widget(
        &app,
        Method::POST,
        "/api/widget/init",
        Some("https://evil.example"),
        None,
        Some(body.clone()),
    )
    .await;
    assert_eq!(evil.status, 403, "{:?}", evil.body);
    assert_eq!(header(&evil, "access-control-allow-origin"), None);
    let refused = widget(
        &app,
        Method::POST,
        "/api/widget/sessions",
        Some("https://evil.example"),
        None,
        Some(body),
    )
    .await;
    assert_eq!(refused.status, 403);

    let pre = app
        .http
        .request(Method::OPTIONS, app.url("/api/widget/messages"))
        .header("origin", SITE)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204);
    let h = |n: &str| {
        pre.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(h("access-control-allow-origin"), SITE);
    assert!(h("access-control-allow-methods").contains("POST"));
    assert!(h("access-control-allow-headers").contains("authorization"));
}

#[tokio::test]
async fn widget_chat_is_a_chat_ticket_with_idempotent_sends_and_live_replies() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let mut agent_ws = app.ws_connect(&admin.token).await;

    let s = start_session(&app, &key, json!({ "name": "Vera Visitor" })).await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    let token = s.data()["token"].as_str().unwrap().to_string();
    let ticket_id = s.data()["ticketId"].as_str().unwrap().to_string();
    let created = agent_ws.expect("ticket:created").await;
    assert_eq!(created["data"]["id"], ticket_id.as_str());

    let ticket = app
        .get(&format!("/api/tickets/{ticket_id}"), &admin.token)
        .await;
    assert_eq!(ticket.data()["channel"], "CHAT");

    // A retried send (same clientId) is stored once.
    let send = json!({ "clientId": "c-1", "content": "Where is my <b>order</b>?" });
    let first = widget(
        &app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        Some(send.clone()),
    )
    .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = widget(
        &app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        Some(send),
    )
    .await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.data()["id"], first.data()["id"]);
    let thread = app
        .get(&format!("/api/tickets/{ticket_id}/messages"), &admin.token)
        .await;
    let msgs = thread.data().as_array().unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["authorType"], "CUSTOMER");
    assert_eq!(msgs[0]["authorName"], "Vera Visitor");

    // The visitor connects with a single-use ticket, never with the session token.
    let ct = widget(
        &app,
        Method::POST,
        "/api/widget/connect-ticket",
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(ct.status, 201, "{:?}", ct.body);
    let connect = ct.data()["ticket"].as_str().unwrap().to_string();
    let mut visitor_ws = app
        .ws_try_connect(&format!("ticket={connect}"))
        .await
        .unwrap_or_else(|s| panic!("refused {s}"));
    assert_eq!(
        app.ws_try_connect(&format!("ticket={connect}")).await.err(),
        Some(401)
    );
    assert_eq!(app.ws_try_connect("ticket=forged").await.err(), Some(401));

    // Internal notes never reach the visitor; the public reply does, live.
    let note = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &admin.token,
            json!({ "content": "secret note", "internal": true }),
        )
        .await;
    assert_eq!(note.status, 201);
    let reply = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &admin.token,
            json!({ "content": "It ships today." }),
        )
        .await;
    assert_eq!(reply.status, 201);
    let live = visitor_ws.expect("message:new").await;
    assert_eq!(live["data"]["content"], "It ships today.");

    // History and catch-up without the note.
    let all = widget(
        &app,
        Method::GET,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(all.status, 200);
    let contents: Vec<&str> = all
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["Where is my <b>order</b>?", "It ships today."]);
    let after = first.data()["id"].as_str().unwrap();
    let caught = widget(
        &app,
        Method::GET,
        &format!("/api/widget/messages?after={after}"),
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    let contents: Vec<&str> = caught
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents, ["It ships today."]);

    // No session, or an agent's token, is not a widget session.
    let none = widget(
        &app,
        Method::GET,
        "/api/widget/messages",
        Some(SITE),
        None,
        None,
    )
    .await;
    assert_eq!(none.status, 401);
    let agent = widget(
        &app,
        Method::GET,
        "/api/widget/messages",
        Some(SITE),
        Some(&admin.token),
        None,
    )
    .await;
    assert_eq!(agent.status, 401);
}

#[tokio::test]
async fn widget_enforced_identity_refuses_unverified_chats_and_finds_verified_ones() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "identityEnforced": true } }),
        )
        .await;
    let secret = r.data()["widget"]["identitySecret"]
        .as_str()
        .unwrap()
        .to_string();
    let init = widget(
        &app,
        Method::POST,
        "/api/widget/init",
        Some(SITE),
        None,
        Some(json!({ "widgetKey": key })),
    )
    .await;
    assert_eq!(init.data()["identityRequired"], true);

    let anonymous = start_session(&app, &key, json!({ "name": "Anon" })).await;
    assert_eq!(anonymous.status, 403, "{:?}", anonymous.body);
    let forged = start_session(
        &app,
        &key,
        json!({ "user": { "id": "u-42", "hash": "00".repeat(32) } }),
    )
    .await;
    assert_eq!(forged.status, 403);
    let tickets = app.get("/api/tickets", &admin.token).await;
    assert_eq!(
        tickets.data().as_array().unwrap().len(),
        0,
        "no ticket for a refused chat"
    );

    let hash = wrrk_shared::widget::identity_hash(&secret, "u-42");
    let user = json!({ "user": { "id": "u-42", "email": "u42@example.com", "name": "Ursula", "hash": hash } });
    let first = start_session(&app, &key, user.clone()).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    // Another device: the same conversation.
    let second = start_session(&app, &key, user).await;
    assert_eq!(second.status, 200, "{:?}", second.body);
    assert_eq!(second.data()["ticketId"], first.data()["ticketId"]);
    let customers = app.get("/api/customers?search=u42", &admin.token).await;
    assert_eq!(customers.data()[0]["email"], "u42@example.com");
}

#[tokio::test]
async fn widget_offline_asks_for_an_email_and_stores_it_on_the_customer() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let body = json!({ "widgetKey": key });
    let init = || {
        widget(
            &app,
            Method::POST,
            "/api/widget/init",
            Some(SITE),
            None,
            Some(body.clone()),
        )
    };
    let offline = init().await;
    assert_eq!(offline.data()["agentsOnline"], false);
    assert_eq!(offline.data()["askEmail"], true);

    let s = start_session(&app, &key, json!({ "email": "away@example.com" })).await;
    assert_eq!(s.status, 201);
    let ticket_id = s.data()["ticketId"].as_str().unwrap();
    let t = app
        .get(&format!("/api/tickets/{ticket_id}"), &admin.token)
        .await;
    // Typed, not proven: kept on a new unverified contact (see tests/e2e/safety.rs).
    let customer = t.data()["customerId"].as_str().unwrap();
    let c = app
        .get(&format!("/api/customers/{customer}"), &admin.token)
        .await;
    assert_eq!(c.data()["unverifiedEmail"], "away@example.com");

    let _ws = app.ws_connect(&admin.token).await;
    let online = init().await;
    assert_eq!(online.data()["agentsOnline"], true);
    assert_eq!(online.data()["askEmail"], false);
}

#[tokio::test]
async fn widget_replies_reach_an_away_visitor_by_email_and_their_answer_threads_back() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    // Only a proven address is mailed: the site vouches for its signed-in user.
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "rotateIdentitySecret": true } }),
        )
        .await;
    let secret = r.data()["widget"]["identitySecret"].as_str().unwrap();
    let hash = wrrk_shared::widget::identity_hash(secret, "ann-1");
    let s = start_session(
        &app,
        &key,
        json!({ "user": { "id": "ann-1", "email": "away@example.com", "name": "Ann", "hash": hash } }),
    )
    .await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    let ticket_id = s.data()["ticketId"].as_str().unwrap().to_string();
    let token = s.data()["token"].as_str().unwrap().to_string();
    let r = widget(
        &app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        Some(json!({ "content": "Is my order on its way?", "clientId": "c-1" })),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    // Nobody on the page: the agent's answer goes out by email, and notes never do.
    let path = format!("/api/tickets/{ticket_id}/messages");
    let note = app
        .post(
            &path,
            &admin.token,
            json!({ "content": "check the depot", "internal": true }),
        )
        .await;
    assert_eq!(note.status, 201);
    let reply = app
        .post(
            &path,
            &admin.token,
            json!({ "content": "Yes, it ships today." }),
        )
        .await;
    assert_eq!(reply.status, 201);
    let mails: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|m| m.to.contains(&"away@example.com".to_string()))
        .collect();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].raw.contains("Yes, it ships today."));
    assert!(!mails[0].raw.contains("check the depot"));
    let reply_to = mails[0]
        .raw
        .lines()
        .find_map(|l| l.strip_prefix("Reply-To: "))
        .expect("a Reply-To")
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string();

    // The visitor answers from their mail client, with a file: it lands in the same chat.
    let raw = format!(
        "From: Ann <away@example.com>\r\nTo: {reply_to}\r\nSubject: Re: your chat\r\nMessage-ID: <answer-1@example.com>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGreat, thanks!\r\n--b1\r\nContent-Type: text/plain; name=\"receipt.txt\"\r\nContent-Disposition: attachment; filename=\"receipt.txt\"\r\n\r\nReceipt 42\r\n--b1--\r\n"
    );
    app.send_smtp("away@example.com", &[reply_to.as_str()], &raw)
        .await;
    let listed = app.get(&path, &admin.token).await;
    let contents: Vec<&str> = listed
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert!(
        contents.iter().any(|c| c.contains("Great, thanks!")),
        "{contents:?}"
    );
    let tickets = app.get("/api/tickets?limit=100", &admin.token).await;
    assert_eq!(
        tickets.data().as_array().unwrap().len(),
        1,
        "no second ticket"
    );
    // The mail's file is the chat's: the visitor downloads it from the widget.
    let seen = widget(
        &app,
        Method::GET,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(seen.status, 200, "{:?}", seen.body);
    let answer = seen.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["content"]
                .as_str()
                .is_some_and(|c| c.contains("Great, thanks!"))
        })
        .expect("the mailed answer in the chat")
        .clone();
    let file = &answer["attachments"][0];
    assert_eq!(file["filename"], "receipt.txt", "{answer:?}");
    let link = widget(
        &app,
        Method::GET,
        &format!(
            "/api/widget/attachments?id={}",
            file["id"].as_str().unwrap()
        ),
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(link.status, 200, "{:?}", link.body);
    let bytes = app
        .http
        .get(link.data()["url"].as_str().unwrap())
        .send()
        .await
        .expect("downloaded")
        .text()
        .await
        .expect("text");
    assert!(bytes.contains("Receipt 42"), "{bytes:?}");

    // Back on the page (connected), replies stay in the chat only.
    let ct = widget(
        &app,
        Method::POST,
        "/api/widget/connect-ticket",
        Some(SITE),
        Some(&token),
        Some(json!({})),
    )
    .await;
    assert_eq!(ct.status, 201, "{:?}", ct.body);
    let ticket = ct.data()["ticket"].as_str().unwrap();
    let mut ws = app
        .ws_try_connect(&format!("ticket={ticket}"))
        .await
        .unwrap_or_else(|s| panic!("visitor connect refused: {s}"));
    let before = app.outbox().len();
    let r = app
        .post(&path, &admin.token, json!({ "content": "Anything else?" }))
        .await;
    assert_eq!(r.status, 201);
    ws.until("message:new", |d| d["content"] == "Anything else?")
        .await;
    assert_eq!(
        app.outbox().len(),
        before,
        "no mail while the visitor is here"
    );
}

#[tokio::test]
async fn widget_rate_limits_one_visitor_without_locking_out_their_office() {
    let app = TestApp::spawn().await;
    let (_admin, key) = org_with_widget(&app).await;
    let noisy = start_session(&app, &key, json!({})).await;
    let noisy = noisy.data()["token"].as_str().unwrap().to_string();
    let max = wrrk_shared::widget::limits::MESSAGES_PER_SESSION.max;
    let mut statuses = Vec::new();
    for i in 0..=max {
        let r = widget(
            &app,
            Method::POST,
            "/api/widget/messages",
            Some(SITE),
            Some(&noisy),
            Some(json!({ "clientId": format!("m{i}"), "content": "hello" })),
        )
        .await;
        statuses.push(r.status);
        if r.status == 429 {
            let retry: i64 = header(&r, "retry-after").unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry));
            assert_eq!(header(&r, "access-control-allow-origin"), Some(SITE));
            assert_eq!(r.code(), "too_many_requests");
        }
    }
    assert!(
        statuses[..max as usize].iter().all(|s| *s == 201),
        "{statuses:?}"
    );
    assert_eq!(statuses[max as usize], 429);

    // A colleague behind the same address still chats.
    let colleague = start_session(&app, &key, json!({})).await;
    let colleague = colleague.data()["token"].as_str().unwrap().to_string();
    let r = widget(
        &app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(&colleague),
        Some(json!({ "clientId": "x", "content": "hi" })),
    )
    .await;
    assert_eq!(r.status, 201);
}
