//! "Who else is viewing" and live delivery state, with real WebSocket clients: the
//! `ticket:subscribed` acknowledgement lists the ticket's viewers, the other agents in the
//! room hear `ticket:viewers` when the set of people changes (open, close, disconnect,
//! logout) and only then; an emailed reply's delivery state reaches them as
//! `message:updated`.

use serde_json::{Value, json};
use wrrk_tests::ws::WsClient;
use wrrk_tests::{Session, TestApp};

async fn open_ticket(app: &TestApp, s: &Session, subject: &str) -> String {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({ "subject": subject, "customer": { "email": "cus@example.com", "name": "Cus Tomer" }, "message": "Help, please." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data()["id"].as_str().unwrap().to_string()
}

/// The viewers' names in a `ticket:viewers` or `ticket:subscribed` data.
fn names(data: &Value) -> Vec<String> {
    data["viewers"]
        .as_array()
        .unwrap_or_else(|| panic!("no viewers in {data}"))
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

/// Subscribes and returns the acknowledgement's data.
async fn subscribe(c: &mut WsClient, ticket: &str) -> Value {
    c.send(json!({ "action": "ticket:subscribe", "ticketId": ticket }))
        .await;
    c.until("ticket:subscribed", |d| d["ticketId"] == ticket)
        .await
        .0["data"]
        .clone()
}

fn viewer_events(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["event"] == "ticket:viewers")
        .collect()
}

#[tokio::test]
async fn viewers_are_listed_on_subscribe_and_announced_only_when_the_people_change() {
    let app = TestApp::spawn().await;
    let ada = app.signup("Acme", "ada@acme.io").await;
    let bob = app.join(&ada, "bob@acme.io", "Bob Agent", "AGENT").await;
    let cy = app.join(&ada, "cy@acme.io", "Cy Agent", "AGENT").await;
    let t = open_ticket(&app, &ada, "Shared").await;
    let other = open_ticket(&app, &ada, "Elsewhere").await;

    let mut a = app.ws_connect(&ada.token).await;
    let ack = subscribe(&mut a, &t).await;
    assert_eq!(names(&ack), ["Admin"]);
    assert_eq!(ack["viewers"][0]["userId"], ada.user_id.as_str());
    assert!(ack["at"].is_string(), "{ack}");

    // Bob opens it: his acknowledgement lists both, Ada hears of him.
    let mut b1 = app.ws_connect(&bob.token).await;
    let ack = subscribe(&mut b1, &t).await;
    assert_eq!(names(&ack), ["Admin", "Bob Agent"]);
    let ev = a.expect("ticket:viewers").await;
    assert_eq!(ev["data"]["ticketId"], t.as_str());
    assert_eq!(names(&ev["data"]), ["Admin", "Bob Agent"]);
    assert!(ev["data"]["at"].as_str().unwrap() >= ack["at"].as_str().unwrap());

    // Cy follows another ticket only: he never hears about this one.
    let mut c = app.ws_connect(&cy.token).await;
    assert_eq!(names(&subscribe(&mut c, &other).await), ["Cy Agent"]);

    // Bob's second tab, and Ada subscribing again: the people did not change.
    let mut b2 = app.ws_connect(&bob.token).await;
    assert_eq!(names(&subscribe(&mut b2, &t).await), ["Admin", "Bob Agent"]);
    subscribe(&mut a, &t).await;
    let before = a.barrier(&t).await;
    assert!(viewer_events(&before).is_empty(), "{before:?}");
    let before = b1.barrier(&t).await;
    assert!(viewer_events(&before).is_empty(), "{before:?}");

    // Bob closes one tab: he still has it open elsewhere.
    b2.send(json!({ "action": "ticket:unsubscribe", "ticketId": t }))
        .await;
    b2.expect("ticket:unsubscribed").await;
    let before = a.barrier(&t).await;
    assert!(viewer_events(&before).is_empty(), "{before:?}");

    // His last one goes away: Ada hears he left.
    b1.close().await;
    let ev = a.expect("ticket:viewers").await;
    assert_eq!(names(&ev["data"]), ["Admin"]);

    // Unsubscribing from a ticket one never followed announces nothing.
    b2.send(json!({ "action": "ticket:unsubscribe", "ticketId": t }))
        .await;
    b2.expect("ticket:unsubscribed").await;
    let before = a.barrier(&t).await;
    assert!(viewer_events(&before).is_empty(), "{before:?}");

    // Bob comes back, then logs out: the server ends his connection, Ada hears it.
    assert_eq!(names(&subscribe(&mut b2, &t).await), ["Admin", "Bob Agent"]);
    assert_eq!(
        names(&a.expect("ticket:viewers").await["data"]),
        ["Admin", "Bob Agent"]
    );
    let r = app.post("/api/auth/logout", &bob.token, json!({})).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let ev = a.expect("ticket:viewers").await;
    assert_eq!(names(&ev["data"]), ["Admin"]);
    b2.until_closed().await;

    let before = c.barrier(&other).await;
    assert!(viewer_events(&before).is_empty(), "{before:?}");
}

#[tokio::test]
async fn a_visitor_is_never_listed_and_never_hears_who_is_viewing() {
    let app = TestApp::spawn().await;
    let ada = app.signup("Acme", "ada@acme.io").await;
    let bob = app.join(&ada, "bob@acme.io", "Bob Agent", "AGENT").await;
    let r = app
        .post(
            "/api/tickets",
            &ada.token,
            json!({ "subject": "Chat", "customer": { "email": "vi@example.com", "name": "Vi" }, "message": "Hi" }),
        )
        .await;
    let ticket = r.data().clone();
    let t = ticket["id"].as_str().unwrap().to_string();
    let token = app
        .visitor_token(
            &ada.org_id,
            ticket["customerId"].as_str().unwrap(),
            "Vi Sitor",
            &t,
        )
        .await;
    let mut visitor = app.ws_visitor_connect(&token).await;
    let ack = subscribe(&mut visitor, &t).await;
    assert!(ack.get("viewers").is_none(), "{ack}");

    let mut a = app.ws_connect(&ada.token).await;
    assert_eq!(names(&subscribe(&mut a, &t).await), ["Admin"]);
    let mut b = app.ws_connect(&bob.token).await;
    assert_eq!(names(&subscribe(&mut b, &t).await), ["Admin", "Bob Agent"]);
    a.expect("ticket:viewers").await;
    b.close().await;
    assert_eq!(names(&a.expect("ticket:viewers").await["data"]), ["Admin"]);
    let before = visitor.barrier(&t).await;
    assert!(viewer_events(&before).is_empty(), "{before:?}");
}

#[tokio::test]
async fn an_emailed_replys_delivery_state_reaches_the_agents_viewing_the_ticket() {
    let app = TestApp::spawn().await;
    let ada = app.signup("Acme", "ada@acme.io").await;
    let bob = app.join(&ada, "bob@acme.io", "Bob Agent", "AGENT").await;
    let r = app
        .get(&format!("/api/organizations/{}", ada.org_id), &ada.token)
        .await;
    let address = r.data()["supportAddress"].as_str().unwrap().to_string();
    app.send_smtp(
        "carl@customer.io",
        &[&address],
        &format!(
            "From: Carl <carl@customer.io>\r\nTo: {address}\r\nSubject: Broken\r\nMessage-ID: <d1@customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIt broke.\r\n"
        ),
    )
    .await;
    let r = app.get("/api/tickets?limit=10", &ada.token).await;
    let t = r.data()[0]["id"].as_str().unwrap().to_string();
    let mut b = app.ws_connect(&bob.token).await;
    subscribe(&mut b, &t).await;

    // Sent: "sending", then "sent" with the SES id, each replacing the message by id.
    let r = app
        .post(
            &format!("/api/tickets/{t}/messages"),
            &ada.token,
            json!({ "content": "Try again now." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let sent = r.data().clone();
    let (ev, _) = b
        .until("message:updated", |d| {
            d["email"]["delivery"]["state"] == "sending"
        })
        .await;
    assert_eq!(ev["data"]["id"], sent["id"]);
    assert_eq!(ev["data"]["content"], "Try again now.");
    let (ev, _) = b
        .until("message:updated", |d| {
            d["email"]["delivery"]["state"] == "sent"
        })
        .await;
    assert_eq!(ev["data"]["id"], sent["id"]);
    assert_eq!(
        ev["data"]["email"]["delivery"]["sesMessageId"],
        sent["email"]["delivery"]["sesMessageId"]
    );

    // Failed, with the reason; the schedule's retry is announced too.
    app.stack.outbox.fail_next(usize::MAX);
    let r = app
        .post(
            &format!("/api/tickets/{t}/messages"),
            &ada.token,
            json!({ "content": "Second answer" }),
        )
        .await;
    app.stack.outbox.fail_next(0);
    let failed = r.data().clone();
    let (ev, _) = b
        .until("message:updated", |d| {
            d["id"] == failed["id"] && d["email"]["delivery"]["state"] == "failed"
        })
        .await;
    let error = ev["data"]["email"]["delivery"]["error"].as_str().unwrap();
    assert!(error.contains("ServiceUnavailable"), "{error}");
    app.stack
        .run_schedule(
            "email-retry",
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    let (ev, _) = b
        .until("message:updated", |d| {
            d["id"] == failed["id"] && d["email"]["delivery"]["state"] == "sent"
        })
        .await;
    assert_eq!(ev["data"]["email"]["delivery"]["attempts"], 2);

    // Internal notes are never mailed, so never updated.
    let r = app
        .post(
            &format!("/api/tickets/{t}/messages"),
            &ada.token,
            json!({ "content": "note", "internal": true }),
        )
        .await;
    assert_eq!(r.status, 201);
    let before = b.barrier(&t).await;
    assert!(
        before.iter().all(|e| e["event"] != "message:updated"),
        "{before:?}"
    );
}
