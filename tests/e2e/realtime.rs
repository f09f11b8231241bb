//! Real-time over the WebSocket API, with real WebSocket clients: live messages, typing,
//! presence, isolation, vanished clients, catch-up and the management API.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wrrk_shared::domain::{Connection, ConnectionKind};
use wrrk_shared::ids::{OrgId, TicketId};
use wrrk_tests::ws::WsClient;
use wrrk_tests::{Session, TestApp};

/// Opens a MANUAL ticket as `s`; its JSON.
async fn open_ticket(app: &TestApp, s: &Session, subject: &str) -> Value {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({ "subject": subject, "customer": { "email": "cus@example.com", "name": "Cus Tomer" }, "priority": "MEDIUM", "message": "Help, please." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

/// Posts a message over HTTP; the stored message.
async fn post(app: &TestApp, s: &Session, ticket: &str, content: &str, internal: bool) -> Value {
    let r = app
        .post(
            &format!("/api/tickets/{ticket}/messages"),
            &s.token,
            json!({ "content": content, "internal": internal }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

fn names(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// Whether the table still holds connection `connection_id`.
async fn connection_stored(app: &TestApp, connection_id: &str) -> bool {
    app.stack
        .app
        .store
        .get_connection(connection_id)
        .await
        .expect("store read")
        .is_some()
}

/// The `online` entries of `GET /api/presence`, as (userId, connections).
async fn online(app: &TestApp, s: &Session) -> Vec<(String, i64)> {
    let r = app.get("/api/presence", &s.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            assert_eq!(p["status"], "online");
            (
                p["userId"].as_str().unwrap().to_string(),
                p["connections"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_message_reaches_every_viewer_of_its_ticket_and_no_one_else() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let t1 = id(&open_ticket(&app, &admin, "Printer on fire").await);
    let t2 = id(&open_ticket(&app, &admin, "Other matter").await);

    let mut a = app.ws_connect(&admin.token).await;
    let mut b = app.ws_connect(&agent.token).await;
    let mut c = app.ws_connect(&agent.token).await;
    let mut list = app.ws_connect(&agent.token).await;
    a.subscribe(&t1).await;
    b.subscribe(&t1).await;
    c.subscribe(&t2).await;

    let sent = post(&app, &admin, &t1, "On our way.", false).await;
    for viewer in [&mut a, &mut b] {
        let ev = viewer.expect("message:new").await;
        assert_eq!(ev["data"]["id"], sent["id"]);
        assert_eq!(ev["data"]["ticketId"], t1.as_str());
        assert_eq!(ev["data"]["content"], "On our way.");
        assert_eq!(ev["data"]["internal"], false);
    }
    // The viewer of another ticket shows no list: it hears nothing of this one.
    let before = c.barrier(&t2).await;
    assert!(before.is_empty(), "{before:?}");
    // A connection that follows no ticket (a list) hears of the ticket's change, but not
    // its message.
    let before = list.sync().await;
    assert!(
        !names(&before).contains(&"message:new".to_string()),
        "{before:?}"
    );
    assert!(
        before
            .iter()
            .any(|e| e["event"] == "ticket:updated" && e["data"]["id"] == t1.as_str()),
        "{before:?}"
    );

    // Agents see internal notes live.
    let note = post(&app, &agent, &t1, "Customer is a VIP.", true).await;
    for viewer in [&mut a, &mut b] {
        let ev = viewer.expect("message:new").await;
        assert_eq!(ev["data"]["id"], note["id"]);
        assert_eq!(ev["data"]["internal"], true);
    }

    // Unsubscribing stops the messages.
    b.send(json!({ "action": "ticket:unsubscribe", "ticketId": t1 }))
        .await;
    b.expect("ticket:unsubscribed").await;
    post(&app, &admin, &t1, "Another.", false).await;
    a.expect("message:new").await;
    let before = b.barrier(&t2).await;
    assert!(
        !names(&before).contains(&"message:new".to_string()),
        "{before:?}"
    );
}

#[tokio::test]
async fn each_agent_hears_one_event_per_message() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let t1 = id(&open_ticket(&app, &admin, "Printer on fire").await);
    let t2 = id(&open_ticket(&app, &admin, "Other matter").await);
    let resolved = app
        .patch(
            &format!("/api/tickets/{t1}"),
            &admin.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(resolved.status, 200, "{:?}", resolved.body);

    let mut viewer = app.ws_connect(&admin.token).await;
    let mut list = app.ws_connect(&agent.token).await;
    let mut elsewhere = app.ws_connect(&agent.token).await;
    viewer.subscribe(&t1).await;
    elsewhere.subscribe(&t2).await;

    // A public reply reopens the ticket and moves it to the top of the lists.
    let sent = post(&app, &agent, &t1, "It is on fire again.", false).await;
    let (ev, before) = viewer.until("message:new", |d| d["id"] == sent["id"]).await;
    assert!(before.is_empty(), "the viewer heard more: {before:?}");
    // The viewer's one event carries what its lists need.
    let summary = &ev["data"]["ticket"];
    assert_eq!(summary["id"], t1.as_str());
    assert_eq!(summary["status"], "OPEN");
    assert_eq!(summary["lastActivityAt"], sent["createdAt"]);
    assert_eq!(summary["customer"]["name"], "Cus Tomer");
    let after = viewer.barrier(&t2).await;
    assert!(
        !after.iter().any(|e| e["data"]["id"] == t1.as_str()),
        "the viewer also heard: {after:?}"
    );
    // A connection showing lists hears the list change once, and not the message; one
    // viewing another ticket hears nothing.
    // (The viewer's barrier joined t2, which its viewers hear of: not about the message.)
    let heard_elsewhere: Vec<Value> = elsewhere
        .barrier(&t2)
        .await
        .into_iter()
        .filter(|e| e["event"] != "ticket:viewers")
        .collect();
    assert!(heard_elsewhere.is_empty(), "{heard_elsewhere:?}");
    let heard = list.sync().await;
    let about_t1: Vec<&Value> = heard
        .iter()
        .filter(|e| e["data"]["id"] == t1.as_str() || e["data"]["ticketId"] == t1.as_str())
        .collect();
    assert_eq!(about_t1.len(), 1, "{heard:?}");
    assert_eq!(about_t1[0]["event"], "ticket:updated");
    assert_eq!(about_t1[0]["data"]["status"], "OPEN");
    // Only what a list row needs travels organization-wide.
    assert!(about_t1[0]["data"].get("messageCount").is_none());
    assert!(about_t1[0]["data"].get("emailReferences").is_none());

    // An internal note changes nothing a list shows: the viewer hears the note, nobody
    // else hears anything.
    let note = post(&app, &admin, &t1, "Checked the logs.", true).await;
    let (ev, _) = viewer.until("message:new", |d| d["id"] == note["id"]).await;
    assert_eq!(ev["data"]["internal"], true);
    let heard = list.sync().await;
    assert!(heard.is_empty(), "{heard:?}");

    // A change of the ticket's fields reaches its viewer and the lists, once each.
    let r = app
        .patch(
            &format!("/api/tickets/{t1}"),
            &admin.token,
            json!({ "priority": "URGENT" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for conn in [&mut viewer, &mut list] {
        let ev = conn.expect("ticket:updated").await;
        assert_eq!(ev["data"]["priority"], "URGENT");
        assert!(conn.sync().await.is_empty());
    }
    // (The viewer's barrier joined t2, which its viewers hear of: not about the message.)
    let heard_elsewhere: Vec<Value> = elsewhere
        .barrier(&t2)
        .await
        .into_iter()
        .filter(|e| e["event"] != "ticket:viewers")
        .collect();
    assert!(heard_elsewhere.is_empty(), "{heard_elsewhere:?}");
}

#[tokio::test]
async fn ticket_changes_reach_the_whole_organization() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let mut watcher = app.ws_connect(&agent.token).await;

    let ticket = open_ticket(&app, &admin, "New one").await;
    let created = watcher.expect("ticket:created").await;
    assert_eq!(created["data"]["id"], ticket["id"]);
    assert_eq!(created["data"]["ticketNumber"], ticket["ticketNumber"]);

    let r = app
        .patch(
            &format!("/api/tickets/{}", id(&ticket)),
            &admin.token,
            json!({ "status": "PENDING", "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // The watcher is the new assignee: its copy is the notice, carrying the summary.
    let notice = watcher.expect("ticket:notify").await;
    assert_eq!(notice["data"]["kind"], "ASSIGNED");
    let updated = &notice["data"]["ticket"];
    assert_eq!(updated["id"], ticket["id"]);
    assert_eq!(updated["status"], "PENDING");
    assert_eq!(updated["assigneeId"], agent.user_id.as_str());
}

#[tokio::test]
async fn internal_notes_and_other_tickets_never_reach_a_visitor() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let ticket = open_ticket(&app, &admin, "Widget chat").await;
    let other = open_ticket(&app, &admin, "Someone else").await;
    let t = id(&ticket);
    let token = app
        .visitor_token(
            &admin.org_id,
            ticket["customerId"].as_str().unwrap(),
            "Vi Sitor",
            &t,
        )
        .await;
    let mut visitor = app.ws_visitor_connect(&token).await;
    // Already in its ticket's room; subscribing again is acknowledged.
    visitor.subscribe(&t).await;

    post(&app, &admin, &t, "Internal: check the logs", true).await;
    let public = post(&app, &admin, &t, "Hello! How can we help?", false).await;
    let (ev, before) = visitor
        .until("message:new", |d| d["id"] == public["id"])
        .await;
    assert_eq!(ev["data"]["content"], "Hello! How can we help?");
    assert!(before.is_empty(), "the visitor heard: {before:?}");

    // Another ticket of the same organization: refused, and nothing about it arrives.
    visitor
        .send(json!({ "action": "ticket:subscribe", "ticketId": id(&other) }))
        .await;
    let err = visitor.expect("error").await;
    assert_eq!(err["data"]["code"], "not_found");
    open_ticket(&app, &admin, "A third one").await;
    post(&app, &admin, &id(&other), "Reply elsewhere", false).await;
    let before = visitor.barrier(&t).await;
    assert!(before.is_empty(), "the visitor heard: {before:?}");

    // A visitor token for a ticket of another customer gets no connect ticket.
    let forged = app
        .visitor_token(&admin.org_id, "01J0000000000000000000000", "X", &t)
        .await;
    let r = app
        .post("/api/widget/connect-ticket", &forged, json!({}))
        .await;
    assert_eq!(r.status, 401, "{:?}", r.body);
    // A visitor token is not an agent token, nor the other way round.
    assert_eq!(
        app.ws_try_connect(&format!("token={token}")).await.err(),
        Some(401)
    );
    let r = app
        .post("/api/widget/connect-ticket", &admin.token, json!({}))
        .await;
    assert_eq!(r.status, 401, "{:?}", r.body);
}

#[tokio::test]
async fn a_visitor_session_token_in_the_url_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let ticket = open_ticket(&app, &admin, "Widget chat").await;
    let t = id(&ticket);
    let token = app
        .visitor_token(
            &admin.org_id,
            ticket["customerId"].as_str().unwrap(),
            "Vi Sitor",
            &t,
        )
        .await;

    // A valid visitor session token is refused in the URL, under any name: session tokens
    // never travel in URLs (they end up in logs, histories and referrers).
    for query in [format!("visitorToken={token}"), format!("token={token}")] {
        assert_eq!(app.ws_try_connect(&query).await.err(), Some(401), "{query}");
    }
    assert_eq!(app.stack.websocket.open_connections(), 0);
    let stored: Vec<_> = app
        .all_items()
        .await
        .into_iter()
        .filter(|i| {
            // The connection, its org listing and its room membership.
            i["PK"].as_s().unwrap().starts_with("CONN#")
                || i["SK"].as_s().unwrap().starts_with("CONN#")
        })
        .collect();
    assert!(stored.is_empty(), "{stored:?}");

    // The same visitor connects with a connect ticket, and hears its ticket's replies.
    let mut visitor = app.ws_visitor_connect(&token).await;
    assert_eq!(app.stack.websocket.open_connections(), 1);
    let reply = post(&app, &admin, &t, "Hello from the desk", false).await;
    visitor
        .until("message:new", |d| d["id"] == reply["id"])
        .await;
}

#[tokio::test]
async fn typing_reaches_the_other_viewers_not_the_typist_and_clears() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let t = id(&open_ticket(&app, &admin, "Typing").await);
    let mut a = app.ws_connect(&admin.token).await;
    let mut b = app.ws_connect(&agent.token).await;
    a.subscribe(&t).await;
    b.subscribe(&t).await;

    let sent_at = Utc::now();
    a.send(json!({ "action": "typing:start", "ticketId": t }))
        .await;
    let ev = b.expect("typing:indicator").await;
    assert_eq!(ev["data"]["ticketId"], t.as_str());
    assert_eq!(ev["data"]["userId"], admin.user_id.as_str());
    assert_eq!(ev["data"]["name"], "Admin");
    assert_eq!(ev["data"]["typing"], true);
    // It clears by itself if no stop ever comes.
    let expires: DateTime<Utc> = ev["data"]["expiresAt"].as_str().unwrap().parse().unwrap();
    assert!(expires > sent_at && expires <= Utc::now() + chrono::Duration::seconds(10));

    a.send(json!({ "action": "typing:stop", "ticketId": t }))
        .await;
    let ev = b.expect("typing:indicator").await;
    assert_eq!(ev["data"]["typing"], false);
    assert!(ev["data"]["expiresAt"].is_null());

    let before = a.barrier(&t).await;
    assert!(
        !names(&before).contains(&"typing:indicator".to_string()),
        "the typist heard itself: {before:?}"
    );

    // Typing on a ticket one does not follow is refused.
    let other = id(&open_ticket(&app, &admin, "Elsewhere").await);
    b.send(json!({ "action": "typing:start", "ticketId": other }))
        .await;
    let err = b.expect("error").await;
    assert_eq!(err["data"]["code"], "forbidden");
    assert_eq!(err["data"]["action"], "typing:start");
}

#[tokio::test]
async fn presence_counts_tabs_so_closing_one_of_two_keeps_a_user_online() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let mut observer = app.ws_connect(&admin.token).await;
    let t = id(&open_ticket(&app, &admin, "Barrier").await);
    observer.expect("ticket:created").await;

    let tab1 = app.ws_connect(&agent.token).await;
    let ev = observer.expect("presence:update").await;
    assert_eq!(ev["data"]["userId"], agent.user_id.as_str());
    assert_eq!(ev["data"]["status"], "online");
    assert_eq!(ev["data"]["name"], "AGENT Member");

    let tab2 = app.ws_connect(&agent.token).await;
    let mut on = online(&app, &admin).await;
    on.sort();
    let mut expected = vec![(admin.user_id.clone(), 1), (agent.user_id.clone(), 2)];
    expected.sort();
    assert_eq!(on, expected);

    tab1.close().await;
    assert!(
        online(&app, &admin)
            .await
            .contains(&(agent.user_id.clone(), 1))
    );

    tab2.close().await;
    let (ev, before) = observer
        .until("presence:update", |d| d["status"] == "offline")
        .await;
    assert_eq!(ev["data"]["userId"], agent.user_id.as_str());
    assert!(ev["data"]["lastSeenAt"].is_string());
    assert!(
        before.is_empty(),
        "a second tab should change nothing: {before:?}"
    );
    assert_eq!(online(&app, &admin).await, vec![(admin.user_id.clone(), 1)]);
    // Nothing else about presence arrived (the observer never hears of itself).
    assert!(observer.barrier(&t).await.is_empty());
}

#[tokio::test]
async fn another_organization_can_neither_follow_nor_overhear() {
    let app = TestApp::spawn().await;
    let a_admin = app.signup("Acme", "ada@acme.io").await;
    let b_admin = app.signup("Bravo", "bob@bravo.io").await;
    let a_ticket = id(&open_ticket(&app, &a_admin, "Acme's secret").await);
    let b_ticket = id(&open_ticket(&app, &b_admin, "Bravo's own").await);
    let mut spy = app.ws_connect(&b_admin.token).await;
    spy.subscribe(&b_ticket).await;

    spy.send(json!({ "action": "ticket:subscribe", "ticketId": a_ticket }))
        .await;
    let err = spy.expect("error").await;
    assert_eq!(err["data"]["code"], "not_found");
    assert_eq!(err["data"]["action"], "ticket:subscribe");

    let mut a_tab = app.ws_connect(&a_admin.token).await;
    let mut a_list = app.ws_connect(&a_admin.token).await;
    a_tab.subscribe(&a_ticket).await;
    post(&app, &a_admin, &a_ticket, "Acme-only reply", false).await;
    a_tab.expect("message:new").await;
    open_ticket(&app, &a_admin, "Another Acme ticket").await;
    a_list.expect("ticket:created").await;
    a_tab
        .send(json!({ "action": "typing:start", "ticketId": a_ticket }))
        .await;

    let before = spy.barrier(&b_ticket).await;
    assert!(before.is_empty(), "org B heard org A: {before:?}");
}

#[tokio::test]
async fn forged_expired_and_missing_tokens_cannot_connect_and_store_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let claims = |exp: i64| json!({ "sub": admin.user_id, "org": admin.org_id, "role": "ADMIN", "iat": exp - 100, "exp": exp });
    let sign = |claims: &Value, secret: &[u8]| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            claims,
            &jsonwebtoken::EncodingKey::from_secret(secret),
        )
        .unwrap()
    };
    let secret = app.stack.app.settings.jwt_secret.as_bytes().to_vec();
    let now = Utc::now().timestamp();
    let expired = sign(&claims(now - 10), &secret);
    let other_key = sign(
        &claims(now + 3600),
        b"some-other-secret-of-enough-length-000",
    );
    let mut tampered = admin.token.clone();
    tampered.pop();
    tampered.push(if admin.token.ends_with('A') { 'B' } else { 'A' });
    app.deactivate(&admin, &agent).await;

    for query in [
        String::new(),
        "token=".into(),
        "token=not-a-jwt".into(),
        format!("token={expired}"),
        format!("token={other_key}"),
        format!("token={tampered}"),
        format!("token={}", agent.token),
    ] {
        assert_eq!(app.ws_try_connect(&query).await.err(), Some(401), "{query}");
    }
    assert_eq!(app.stack.websocket.open_connections(), 0);
    let stored: Vec<_> = app
        .all_items()
        .await
        .into_iter()
        .filter(|i| {
            let pk = i["PK"].as_s().unwrap();
            pk.starts_with("CONN#")
                || pk.ends_with("#CONNS")
                || i["SK"].as_s().unwrap().starts_with("PRESENCE#")
        })
        .collect();
    assert!(stored.is_empty(), "{stored:?}");

    // The valid token still works.
    let ok = app.ws_connect(&admin.token).await;
    assert_eq!(app.stack.websocket.open_connections(), 1);
    ok.close().await;
    assert_eq!(app.stack.websocket.open_connections(), 0);
}

#[tokio::test]
async fn a_vanished_connection_is_removed_by_the_next_broadcast_and_others_still_receive() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let ghost_user = app.add_member(&admin, "AGENT").await;
    let dropper = app.add_member(&admin, "AGENT").await;
    let t = id(&open_ticket(&app, &admin, "Fan-out").await);
    let mut a = app.ws_connect(&admin.token).await;
    let mut b = app.ws_connect(&admin.token).await;
    a.subscribe(&t).await;
    b.subscribe(&t).await;

    // A client that drops its TCP connection without a closing handshake: the gateway
    // notices and runs `$disconnect`, which announces its user offline.
    let mut gone = app.ws_connect(&dropper.token).await;
    gone.subscribe(&t).await;
    a.until("presence:update", |d| {
        d["userId"] == dropper.user_id.as_str() && d["status"] == "online"
    })
    .await;
    gone.vanish();
    a.until("presence:update", |d| {
        d["userId"] == dropper.user_id.as_str() && d["status"] == "offline"
    })
    .await;

    // A connection whose `$disconnect` never arrived (API Gateway delivers it on a best-
    // effort basis): stored, in the room, counted online, but unknown to the gateway.
    let ghost = Connection {
        id: "Z2hvc3QtY29ubg=".into(),
        org_id: OrgId::trusted(admin.org_id.as_str()),
        kind: ConnectionKind::Agent,
        user_id: ghost_user.user_id.clone(),
        name: "Ghost".into(),
        ticket_id: None,
        // Older than the window in which API Gateway answers 410 before `$connect`
        // returns (a connection that young is not treated as gone).
        connected_at: Utc::now() - chrono::Duration::minutes(2),
        session: None,
        rooms: Vec::new(),
    };
    let store = &app.stack.app.store;
    store.open_connection(&ghost).await.unwrap();
    store
        .join_room(&ghost, &TicketId::trusted(t.as_str()))
        .await
        .unwrap();
    assert!(
        online(&app, &admin)
            .await
            .iter()
            .any(|(u, _)| *u == ghost_user.user_id)
    );

    let sent = post(&app, &admin, &t, "Still there?", false).await;
    for viewer in [&mut a, &mut b] {
        let (ev, _) = viewer.until("message:new", |d| d["id"] == sent["id"]).await;
        assert_eq!(ev["data"]["content"], "Still there?");
    }
    // The broadcast met 410 Gone for the ghost: removed, and its user announced offline.
    assert!(!connection_stored(&app, &ghost.id).await);
    assert!(
        !store
            .in_room(&ghost.org_id, &TicketId::trusted(t.as_str()), &ghost.id)
            .await
            .unwrap()
    );
    a.until("presence:update", |d| {
        d["userId"] == ghost_user.user_id.as_str() && d["status"] == "offline"
    })
    .await;
    let on = online(&app, &admin).await;
    assert_eq!(on, vec![(admin.user_id.clone(), 2)]);
}

#[tokio::test]
async fn after_a_dropped_connection_the_missed_messages_are_fetched_exactly() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let t = id(&open_ticket(&app, &admin, "Catch-up").await);
    let mut viewer = app.ws_connect(&agent.token).await;
    viewer.subscribe(&t).await;
    let first = post(&app, &admin, &t, "one", false).await;
    let seen = viewer.expect("message:new").await;
    assert_eq!(seen["data"]["id"], first["id"]);
    viewer.vanish();

    let mut missed = Vec::new();
    for text in ["two", "three", "four"] {
        missed.push(post(&app, &admin, &t, text, false).await["id"].clone());
    }
    let mut again = app.ws_connect(&agent.token).await;
    again.subscribe(&t).await;
    let r = app
        .get(
            &format!("/api/tickets/{t}/messages?after={}", id(&first)),
            &agent.token,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let got: Vec<Value> = r
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].clone())
        .collect();
    assert_eq!(got, missed);
    // Live again from here on.
    let next = post(&app, &admin, &t, "five", false).await;
    let (ev, _) = again.until("message:new", |d| d["id"] == next["id"]).await;
    assert_eq!(ev["data"]["content"], "five");
}

/// Sends `frame` and expects an error frame with `code`.
async fn expect_error(c: &mut WsClient, frame: &str, code: &str) {
    c.send_text(frame).await;
    let err = c.expect("error").await;
    assert_eq!(err["data"]["code"], code, "{frame}: {err}");
    assert!(err["data"]["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn unknown_actions_and_malformed_frames_get_error_frames() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let t = id(&open_ticket(&app, &admin, "Errors").await);
    let mut c = app.ws_connect(&admin.token).await;

    expect_error(
        &mut c,
        r#"{"action":"ticket:delete","ticketId":"x"}"#,
        "unknown_action",
    )
    .await;
    expect_error(&mut c, "not json at all", "unknown_action").await;
    expect_error(
        &mut c,
        r#"{"action":"ticket:subscribe"}"#,
        "validation_failed",
    )
    .await;
    expect_error(
        &mut c,
        r#"{"action":"ticket:subscribe","ticketId":42}"#,
        "validation_failed",
    )
    .await;
    expect_error(
        &mut c,
        r#"{"action":"ticket:subscribe","ticketId":"01J00000000000000000000000"}"#,
        "not_found",
    )
    .await;
    expect_error(
        &mut c,
        r#"{"action":"ticket:subscribe","ticketId":"../../etc"}"#,
        "not_found",
    )
    .await;
    let big = format!(
        r#"{{"action":"ticket:subscribe","ticketId":"{t}","pad":"{}"}}"#,
        "x".repeat(8 * 1024)
    );
    expect_error(&mut c, &big, "payload_too_large").await;
    // Still usable after all that.
    c.subscribe(&t).await;
}

#[tokio::test]
async fn the_management_api_answers_like_api_gateway() {
    use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let mut c = app.ws_connect(&admin.token).await;
    let conn_id = {
        let r = app.all_items().await;
        let item = r
            .iter()
            .find(|i| i["PK"].as_s().unwrap().starts_with("CONN#"))
            .expect("the connection is stored");
        item["id"].as_s().unwrap().clone()
    };
    let endpoint = app.stack.app.settings.websocket_endpoint.clone().unwrap();
    let client = aws_sdk_apigatewaymanagement::Client::from_conf(
        aws_sdk_apigatewaymanagement::config::Builder::from(&wrrk_local::local_sdk_config())
            .endpoint_url(endpoint)
            .build(),
    );
    client
        .post_to_connection()
        .connection_id(&conn_id)
        .data(aws_sdk_apigatewaymanagement::primitives::Blob::new(
            r#"{"event":"hello","data":{}}"#,
        ))
        .send()
        .await
        .expect("posted");
    assert_eq!(c.next_unchecked().await["event"], "hello");

    let info = client
        .get_connection()
        .connection_id(&conn_id)
        .send()
        .await
        .expect("described");
    assert_eq!(
        info.identity().and_then(|i| i.source_ip()),
        Some("127.0.0.1")
    );
    assert!(info.connected_at().is_some());

    let err = client
        .post_to_connection()
        .connection_id("bm8tc3VjaC1jb25u")
        .data(aws_sdk_apigatewaymanagement::primitives::Blob::new("x"))
        .send()
        .await
        .expect_err("unknown connection");
    assert!(matches!(
        err.as_service_error(),
        Some(PostToConnectionError::GoneException(_))
    ));

    client
        .delete_connection()
        .connection_id(&conn_id)
        .send()
        .await
        .expect("deleted");
    c.close().await;
    assert!(!connection_stored(&app, &conn_id).await);
    assert_eq!(app.stack.websocket.open_connections(), 0);
}
