//! Account and visitor safety (issue 17), one test per finding: lockouts by refused
//! logins, reset links that outlive their purpose, visitors claiming customers by typing an
//! email, uploads swapped after sending, visitors writing to CLOSED chats and rotated widget
//! keys, invitations revealing accounts elsewhere, empty chats, and flooding sockets.

use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{PASSWORD, Session, TestApp};

use crate::email_attachments::{binary, put, upload_url};
use crate::hardening_http::{client_from, login_from};
use crate::widget::{SITE, org_with_widget, start_session, widget};

fn login(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}

#[tokio::test]
async fn safety_refused_logins_elsewhere_never_lock_the_owner_out() {
    wrrk_tests::within_one_login_window(60).await;
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    let home = client_from([127, 0, 0, 1]);
    // Ada signs in from home once: that network is known from now on.
    let first = login_from(&app, &home, login("ada@acme.io", PASSWORD)).await;
    assert_eq!(first.status, 200);
    let device = first.data()["deviceToken"].as_str().unwrap().to_string();

    // One address hammers her account: 5 guesses are checked, the rest refused, and the
    // refusals count nowhere.
    let attacker = client_from([127, 0, 0, 2]);
    let mut statuses = Vec::new();
    for _ in 0..51 {
        statuses.push(
            login_from(&app, &attacker, login("ada@acme.io", "guess"))
                .await
                .status,
        );
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 46));
    // A first-time address without a device token still gets in: one source used up only
    // 5 of the account's 50-failure budget.
    let cafe = client_from([127, 0, 0, 30]);
    assert_eq!(
        login_from(&app, &cafe, login("ada@acme.io", PASSWORD))
            .await
            .status,
        200
    );

    // Ten more addresses spend the account's failure budget (50 per window) ...
    for last in 3..=13u8 {
        let c = client_from([127, 0, 0, last]);
        for _ in 0..5 {
            login_from(&app, &c, login("ada@acme.io", "guess")).await;
        }
    }
    let stranger = client_from([127, 0, 0, 31]);
    assert_eq!(
        login_from(&app, &stranger, login("ada@acme.io", PASSWORD))
            .await
            .status,
        429,
        "the per-account guess budget holds for unknown sources"
    );
    // ... yet Ada's own network and her own browser (anywhere) still sign in.
    let r = login_from(&app, &home, login("ada@acme.io", PASSWORD)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = login_from(
        &app,
        &stranger,
        json!({ "email": "ada@acme.io", "password": PASSWORD, "deviceToken": device }),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn safety_a_spray_from_the_office_does_not_refuse_its_known_users() {
    wrrk_tests::within_one_login_window(60).await;
    let app = TestApp::spawn().await;
    app.signup("Acme", "ada@acme.io").await;
    let office = client_from([127, 0, 0, 40]);
    assert_eq!(
        login_from(&app, &office, login("ada@acme.io", PASSWORD))
            .await
            .status,
        200
    );
    // Someone in the office sprays 150 addresses: 100 are checked, 50 refused.
    let spray = join_all((0..150).map(|i| {
        let (app, office) = (&app, &office);
        async move {
            login_from(app, office, login(&format!("nobody{i}@acme.io"), "guess"))
                .await
                .status
        }
    }))
    .await;
    assert_eq!(spray.iter().filter(|s| **s == 401).count(), 100);
    // Ada, who signs in from there, is not refused (no device token needed).
    let r = login_from(&app, &office, login("ada@acme.io", PASSWORD)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn safety_only_the_newest_reset_link_works_and_a_password_change_voids_it() {
    let app = TestApp::spawn().await;
    let s = app.signup("Acme", "ada@acme.io").await;
    let forgot = || {
        app.call(
            Method::POST,
            "/api/auth/forgot-password",
            None,
            Some(json!({ "email": "ada@acme.io" })),
        )
    };
    let reset = |t: String, p: &'static str| {
        app.call(
            Method::POST,
            "/api/auth/reset-password",
            None,
            Some(json!({ "token": t, "newPassword": p })),
        )
    };
    assert_eq!(forgot().await.status, 202);
    let t1 = app.link_token_for("ada@acme.io", "reset-password");
    assert_eq!(forgot().await.status, 202);
    let t2 = app.link_token_for("ada@acme.io", "reset-password");
    assert_ne!(t1, t2);
    // One live link per account: the older one is dead.
    let r = reset(t1, "first new password").await;
    assert_eq!((r.status, r.code()), (410, "token_invalid"), "{:?}", r.body);
    let r = reset(t2.clone(), "second new password").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(reset(t2, "third new password").await.status, 410);
    assert_eq!(app.get("/api/auth/me", &s.token).await.status, 401);

    // A link asked for before a password change dies with the change.
    assert_eq!(forgot().await.status, 202);
    let t3 = app.link_token_for("ada@acme.io", "reset-password");
    let me = app.login("ada@acme.io", "second new password").await;
    let r = app
        .post(
            "/api/auth/password",
            &me.token,
            json!({ "currentPassword": "second new password", "newPassword": "changed by ada" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = reset(t3, "attacker's password").await;
    assert_eq!(r.status, 410, "{:?}", r.body);
    assert_eq!(
        app.try_login("ada@acme.io", "changed by ada").await.status,
        200
    );
}

#[tokio::test]
async fn safety_a_typed_email_never_claims_an_existing_customer() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    // Alice is a customer with history.
    let r = app
        .post(
            "/api/tickets",
            &admin.token,
            json!({ "subject": "Refund", "customer": { "email": "alice@example.com", "name": "Alice" }, "message": "My refund, please." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let alice = r.data()["customerId"].as_str().unwrap().to_string();

    // Someone types her address into the widget.
    let s = start_session(
        &app,
        &key,
        json!({ "email": "alice@example.com", "name": "Alice?" }),
    )
    .await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    let token = s.data()["token"].as_str().unwrap();
    visitor_send(&app, token, "m-1", "Send my invoices to me").await;
    assert_eq!(s.data()["hasEmail"], false);
    let ticket_id = s.data()["ticketId"].as_str().unwrap().to_string();
    let t = app
        .get(&format!("/api/tickets/{ticket_id}"), &admin.token)
        .await;
    let contact = t.data()["customerId"].as_str().unwrap().to_string();
    assert_ne!(contact, alice, "the chat is not Alice's");
    assert_eq!(t.data()["customer"]["unverifiedEmail"], "alice@example.com");
    let c = app
        .get(&format!("/api/customers/{contact}"), &admin.token)
        .await;
    assert_eq!(c.status, 200, "{:?}", c.body);
    assert_eq!(c.data()["unverifiedEmail"], "alice@example.com");
    assert!(
        c.data()["email"]
            .as_str()
            .unwrap()
            .ends_with("@visitors.wrrk.invalid")
    );
    let a = app
        .get(&format!("/api/customers/{alice}"), &admin.token)
        .await;
    assert!(a.data().get("unverifiedEmail").is_none());

    // The visitor is away: the agent's answer is not mailed to the address they typed.
    let reply = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &admin.token,
            json!({ "content": "Here are all your invoices." }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert!(
        app.outbox()
            .iter()
            .all(|m| !m.to.contains(&"alice@example.com".to_string())),
        "nothing was mailed to Alice"
    );
}

#[tokio::test]
async fn safety_a_sent_upload_cannot_be_swapped_and_belongs_to_its_session() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let r = app
        .post(
            "/api/tickets",
            &admin.token,
            json!({ "subject": "Invoice", "customer": { "email": "carl@example.com", "name": "Carl" }, "message": "The invoice?" }),
        )
        .await;
    let ticket_id = r.data()["id"].as_str().unwrap().to_string();
    let original = binary(4096, 1);
    let up = upload_url(
        &app,
        &admin,
        &ticket_id,
        "invoice.pdf",
        "application/pdf",
        original.len(),
    )
    .await;
    assert_eq!(up.status, 201, "{:?}", up.body);
    let up = up.data().clone();
    let id = up["attachment"]["id"].as_str().unwrap().to_string();
    assert_eq!(put(&app, &up, &original).await.status(), 200);
    let sent = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &admin.token,
            json!({ "content": "Attached.", "attachmentIds": [id] }),
        )
        .await;
    assert_eq!(sent.status, 201, "{:?}", sent.body);

    // The URL still accepts bytes (S3 cannot be told otherwise) ...
    let swapped = binary(4096, 99);
    assert_eq!(put(&app, &up, &swapped).await.status(), 200);
    // ... but what was sent is what everyone gets.
    let link = app
        .get(&format!("/api/attachments/{id}"), &admin.token)
        .await;
    assert_eq!(link.status, 200, "{:?}", link.body);
    let got = reqwest::get(link.data()["url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        got.as_ref() == original.as_slice(),
        "the bytes served are not the bytes sent"
    );

    // An upload belongs to the session that asked for it: after that session ends, no
    // other session (nor whoever holds the URL) can send it.
    let other = app.login("ada@acme.io", PASSWORD).await;
    let up = upload_url(&app, &admin, &ticket_id, "b.txt", "text/plain", 3).await;
    let up = up.data().clone();
    let id = up["attachment"]["id"].as_str().unwrap().to_string();
    assert_eq!(put(&app, &up, b"abc").await.status(), 200);
    let r = app.post("/api/auth/logout", &admin.token, json!({})).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &other.token,
            json!({ "content": "From my other session", "attachmentIds": [id] }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (410, "upload_expired"),
        "{:?}",
        r.body
    );
}

/// A visitor's session on a new chat, and its first message `content`; (token, ticket id).
/// (Sent apart from the session, as API clients still may, so that these tests isolate
/// what they check.)
async fn chat(app: &TestApp, key: &str, content: &str) -> (String, String) {
    let s = start_session(app, key, json!({ "name": "Vera" })).await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    let token = s.data()["token"].as_str().unwrap().to_string();
    visitor_send(app, &token, "first", content).await;
    (token, s.data()["ticketId"].as_str().unwrap().to_string())
}

async fn visitor_send(app: &TestApp, token: &str, client_id: &str, content: &str) -> Value {
    let r = widget(
        app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(token),
        Some(json!({ "clientId": client_id, "content": content })),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

async fn contents(app: &TestApp, admin: &Session, ticket_id: &str) -> Vec<String> {
    app.get(&format!("/api/tickets/{ticket_id}/messages"), &admin.token)
        .await
        .data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["internal"] != true)
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn safety_a_visitor_writing_to_a_closed_chat_opens_its_follow_up() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let (token, closed) = chat(&app, &key, "Hello").await;
    let r = app
        .patch(
            &format!("/api/tickets/{closed}"),
            &admin.token,
            json!({ "status": "CLOSED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    visitor_send(&app, &token, "again-1", "Are you there?").await;
    visitor_send(&app, &token, "again-2", "Hello??").await;
    let old = app
        .get(&format!("/api/tickets/{closed}"), &admin.token)
        .await;
    assert_eq!(old.data()["status"], "CLOSED");
    let follow_up = old.data()["followedBy"]
        .as_str()
        .expect("a follow-up")
        .to_string();
    let new = app
        .get(&format!("/api/tickets/{follow_up}"), &admin.token)
        .await;
    assert_eq!(new.data()["status"], "OPEN");
    assert_eq!(new.data()["channel"], "CHAT");
    assert_eq!(new.data()["follows"], closed.as_str());
    assert_eq!(contents(&app, &admin, &closed).await, ["Hello"]);
    assert_eq!(
        contents(&app, &admin, &follow_up).await,
        ["Are you there?", "Hello??"],
        "one follow-up carries everything written after the close"
    );
    // The visitor's session follows the conversation: their history is the follow-up's.
    let listed = widget(
        &app,
        Method::GET,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(listed.data().as_array().unwrap().len(), 2);
    // A pending or resolved chat simply reopens.
    for status in ["PENDING", "RESOLVED"] {
        let r = app
            .patch(
                &format!("/api/tickets/{follow_up}"),
                &admin.token,
                json!({ "status": status }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        visitor_send(&app, &token, &format!("on-{status}"), "One more thing").await;
        let t = app
            .get(&format!("/api/tickets/{follow_up}"), &admin.token)
            .await;
        assert_eq!(t.data()["status"], "OPEN", "after {status}");
    }
}

#[tokio::test]
async fn safety_rotating_the_widget_key_ends_visitor_sessions() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let (token, _) = chat(&app, &key, "Hello").await;
    visitor_send(&app, &token, "before", "still here").await;
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "rotateKey": true } }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for (method, path, body) in [
        (
            Method::POST,
            "/api/widget/messages",
            Some(json!({ "clientId": "after", "content": "hi" })),
        ),
        (Method::GET, "/api/widget/messages", None),
        (Method::POST, "/api/widget/connect-ticket", Some(json!({}))),
    ] {
        let r = widget(&app, method, path, Some(SITE), Some(&token), body).await;
        assert_eq!(r.status, 401, "{path}: {:?}", r.body);
    }
}

#[tokio::test]
async fn safety_invitations_do_not_reveal_accounts_in_other_organizations() {
    let app = TestApp::spawn().await;
    let a = app.signup("Alpha", "ada@alpha.io").await;
    let b = app.signup("Beta", "bea@beta.io").await;
    let taken = app.invite(&b, "ada@alpha.io", "AGENT").await;
    let free = app.invite(&b, "nobody@alpha.io", "AGENT").await;
    assert_eq!((taken.status, free.status), (201, 201), "{:?}", taken.body);
    // Ada learns, on accepting, that her address is taken; Beta's admin never does.
    let token = app.invitation_token_for("ada@alpha.io");
    let r = app.accept(&token, "Ada").await;
    assert_eq!((r.status, r.code()), (409, "email_taken"), "{:?}", r.body);
    assert_eq!(app.get("/api/auth/me", &a.token).await.status, 200);
}

#[tokio::test]
async fn safety_a_widget_chat_opens_with_its_first_message() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let mut agent = app.ws_connect(&admin.token).await;
    let s = start_session(
        &app,
        &key,
        json!({ "name": "Vera", "message": { "clientId": "c-1", "content": "Where is my order?" } }),
    )
    .await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    assert_eq!(s.data()["firstMessage"]["content"], "Where is my order?");
    let ticket_id = s.data()["ticketId"].as_str().unwrap().to_string();
    // Agents hear of the chat once it has its message, never an empty one.
    let created = agent.expect("ticket:created").await;
    assert_eq!(created["data"]["id"], ticket_id.as_str());
    let t = app
        .get(&format!("/api/tickets/{ticket_id}"), &admin.token)
        .await;
    assert_eq!(t.data()["messageCount"], 1);
    assert_eq!(
        contents(&app, &admin, &ticket_id).await,
        ["Where is my order?"]
    );
    // Sent again with its client id (a widget unsure it arrived): stored once.
    let token = s.data()["token"].as_str().unwrap();
    let again = widget(
        &app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(token),
        Some(json!({ "clientId": "c-1", "content": "Where is my order?" })),
    )
    .await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.data()["id"], s.data()["firstMessage"]["id"]);
    // A bad first message opens nothing.
    let bad = start_session(
        &app,
        &key,
        json!({ "message": { "clientId": "c-2", "content": "   " } }),
    )
    .await;
    assert_eq!(bad.status, 422, "{:?}", bad.body);
    let all = app.get("/api/tickets", &admin.token).await;
    assert_eq!(all.data().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn safety_a_flooding_socket_is_cut_off_with_a_reason() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let r = app
        .post(
            "/api/tickets",
            &admin.token,
            json!({ "subject": "x", "customer": { "email": "c@example.com", "name": "C" }, "message": "hi" }),
        )
        .await;
    let ticket = r.data()["id"].as_str().unwrap().to_string();
    let mut ws = app.ws_connect(&admin.token).await;
    for _ in 0..200 {
        ws.send(json!({ "action": "ticket:subscribe", "ticketId": ticket }))
            .await;
    }
    let events = ws.until_closed().await;
    let acked = events
        .iter()
        .filter(|e| e["event"] == "ticket:subscribed")
        .count();
    let refusals: Vec<&Value> = events.iter().filter(|e| e["event"] == "error").collect();
    assert!(acked <= 100, "{acked} acknowledged");
    assert!(!refusals.is_empty(), "the socket is told why");
    assert!(
        refusals.len() <= 2,
        "one refusal (and its route response), not one per frame: {refusals:?}"
    );
    for e in refusals {
        assert_eq!(e["data"]["code"], "too_many_requests", "{e}");
    }
    assert!(
        acked + 2 < 200,
        "the frames after the cut were never acted on"
    );
}

#[tokio::test]
async fn safety_mail_to_a_closed_ticket_follows_the_same_rule_as_the_widget() {
    use crate::email::{mail, messages, org, smtp, tickets};
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let customer = "carl@customer.io";
    smtp(
        &app,
        customer,
        &[&o.address],
        &mail(
            customer,
            &o.address,
            "Broken",
            "c1@customer.io",
            "",
            "It broke.",
        ),
    )
    .await;
    let closed = tickets(&app, &o.admin).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .patch(
            &format!("/api/tickets/{closed}"),
            &o.admin.token,
            json!({ "status": "CLOSED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for (id, body) in [
        ("c2@customer.io", "Broke again."),
        ("c3@customer.io", "Still broken."),
    ] {
        smtp(
            &app,
            customer,
            &[&o.address],
            &mail(
                customer,
                &o.address,
                "Re: Broken",
                id,
                "In-Reply-To: <c1@customer.io>\r\nReferences: <c1@customer.io>\r\n",
                body,
            ),
        )
        .await;
    }
    let old = app
        .get(&format!("/api/tickets/{closed}"), &o.admin.token)
        .await;
    assert_eq!(old.data()["status"], "CLOSED");
    let follow_up = old.data()["followedBy"].as_str().expect("a follow-up");
    assert_eq!(tickets(&app, &o.admin).await.len(), 2, "one follow-up only");
    let public: Vec<String> = messages(&app, &o.admin, follow_up)
        .await
        .iter()
        .filter(|m| m["internal"] != true)
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(public, ["Broke again.", "Still broken."]);
    assert_eq!(messages(&app, &o.admin, &closed).await.len(), 1);
}
