//! Tickets, messages and customers: lifecycle, numbering, filters, cursors, assignment,
//! internal notes, the after-message path, concurrency, validation and tenancy.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_shared::domain::{Author, Channel, Email, Priority};
use wrrk_shared::ids::MessageId;
use wrrk_shared::store::{FirstMessage, NewTicket};
use wrrk_tests::{PASSWORD, Resp, Session, TestApp};

/// Opens a MANUAL ticket as `s`; returns the ticket JSON.
async fn open(app: &TestApp, s: &Session, subject: &str, customer: &str) -> Value {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({ "subject": subject, "customer": { "email": customer, "name": "Cus Tomer" }, "priority": "HIGH", "message": "It broke." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

/// A new member of `admin`'s organization with `role`, through a real invitation.
async fn member(app: &TestApp, admin: &Session, email: &str, role: &str) -> Session {
    let r = app
        .post(
            "/api/invitations",
            &admin.token,
            json!({ "email": email, "role": role }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let raw = app
        .stack
        .outbox
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.to.iter().any(|t| t == email))
        .expect("invitation mail")
        .raw;
    let parsed = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("MIME");
    let text = parsed.body_text(0).expect("text part").into_owned();
    let start = text.find("/invite/").expect("link") + "/invite/".len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let r = app
        .call(
            Method::POST,
            &format!("/api/invitations/token/{token}/accept"),
            None,
            Some(json!({ "name": role, "password": PASSWORD })),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    app.login(email, PASSWORD).await
}

fn ids(r: &Resp) -> BTreeSet<String> {
    r.data()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_ticket_is_opened_answered_and_resolved() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let t = open(&app, &admin, "Printer on fire", "Carl@Customer.io").await;
    assert_eq!(t["ticketNumber"], "ACME-0001");
    assert_eq!(t["status"], "OPEN");
    assert_eq!(t["priority"], "HIGH");
    assert_eq!(t["channel"], "MANUAL");
    assert_eq!(t["customer"]["email"], "carl@customer.io");
    let id = t["id"].as_str().unwrap();

    let got = app.get(&format!("/api/tickets/{id}"), &admin.token).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.data()["subject"], "Printer on fire");

    let r = app
        .post(
            &format!("/api/tickets/{id}/messages"),
            &admin.token,
            json!({ "content": "Unplug it." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["internal"], false);
    assert_eq!(r.data()["authorType"], "AGENT");

    let resolved = app
        .patch(
            &format!("/api/tickets/{id}"),
            &admin.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(resolved.data()["status"], "RESOLVED");
    // An internal note leaves it resolved and does not move its last activity; a public
    // reply reopens it.
    app.post(
        &format!("/api/tickets/{id}/messages"),
        &admin.token,
        json!({ "content": "fyi", "internal": true }),
    )
    .await;
    let noted = app.get(&format!("/api/tickets/{id}"), &admin.token).await;
    assert_eq!(noted.data()["status"], "RESOLVED");
    assert_eq!(
        noted.data()["lastActivityAt"],
        resolved.data()["lastActivityAt"]
    );
    app.post(
        &format!("/api/tickets/{id}/messages"),
        &admin.token,
        json!({ "content": "One more thing" }),
    )
    .await;
    let after = app.get(&format!("/api/tickets/{id}"), &admin.token).await;
    assert_eq!(after.data()["status"], "OPEN");
    assert_eq!(after.data()["messageCount"], 4);
    assert!(after.data()["lastActivityAt"].as_str() > t["lastActivityAt"].as_str());

    let msgs = app
        .get(&format!("/api/tickets/{id}/messages"), &admin.token)
        .await;
    let contents: Vec<&str> = msgs
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        ["It broke.", "Unplug it.", "fyi", "One more thing"]
    );
    let closed = app
        .patch(
            &format!("/api/tickets/{id}"),
            &admin.token,
            json!({ "status": "CLOSED", "tags": ["Fire", "fire", "hardware"] }),
        )
        .await;
    assert_eq!(closed.data()["status"], "CLOSED");
    assert_eq!(closed.data()["tags"], json!(["fire", "hardware"]));
}

#[tokio::test]
async fn customers_are_found_by_email_and_listed_with_their_tickets() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let a = open(&app, &admin, "One", "carl@customer.io").await;
    let b = open(&app, &admin, "Two", "CARL@customer.io").await;
    open(&app, &admin, "Three", "dora@else.io").await;
    assert_eq!(a["customerId"], b["customerId"]);
    let list = app.get("/api/customers?search=CARL", &admin.token).await;
    assert_eq!(list.data().as_array().unwrap().len(), 1);
    let cid = a["customerId"].as_str().unwrap();
    let c = app
        .get(&format!("/api/customers/{cid}"), &admin.token)
        .await;
    assert_eq!(c.status, 200);
    let subjects: BTreeSet<&str> = c.data()["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, BTreeSet::from(["One", "Two"]));
    assert_eq!(
        app.get("/api/customers", &admin.token)
            .await
            .data()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn fifty_concurrent_tickets_get_fifty_consecutive_numbers() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let tickets = futures::future::join_all((0..50).map(|i| {
        let app = &app;
        let admin = &admin;
        async move { open(app, admin, &format!("T{i}"), &format!("c{}@x.io", i % 7)).await }
    }))
    .await;
    let mut numbers: Vec<u64> = tickets
        .iter()
        .map(|t| t["number"].as_u64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
    let keys: BTreeSet<&str> = tickets
        .iter()
        .map(|t| t["ticketNumber"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 50);
    assert!(keys.contains("ACME-0050"));
    // Seven customers, each created once despite the races.
    let customers = app.get("/api/customers?limit=100", &admin.token).await;
    assert_eq!(customers.data().as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn every_filter_returns_exactly_its_tickets() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = member(&app, &admin, "agent@acme.io", "AGENT").await;
    let team = app
        .post("/api/teams", &admin.token, json!({ "name": "Billing" }))
        .await
        .data()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t1 = open(&app, &admin, "mine open", "a@c.io").await;
    let t2 = open(&app, &admin, "agent's pending", "b@c.io").await;
    let t3 = open(&app, &admin, "unassigned open", "a@c.io").await;
    let t4 = open(&app, &admin, "unassigned resolved", "b@c.io").await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_string();
    app.patch(
        &format!("/api/tickets/{}", id(&t1)),
        &admin.token,
        json!({ "assigneeId": admin.user_id, "priority": "LOW" }),
    )
    .await;
    app.patch(
        &format!("/api/tickets/{}", id(&t2)),
        &admin.token,
        json!({ "assigneeId": agent.user_id, "status": "PENDING", "teamId": team }),
    )
    .await;
    app.patch(
        &format!("/api/tickets/{}", id(&t4)),
        &admin.token,
        json!({ "status": "RESOLVED", "teamId": team }),
    )
    .await;
    let set = |ts: &[&Value]| ts.iter().map(|t| id(t)).collect::<BTreeSet<_>>();

    let cases: Vec<(String, BTreeSet<String>)> = vec![
        ("".into(), set(&[&t1, &t2, &t3, &t4])),
        ("status=OPEN".into(), set(&[&t1, &t3])),
        ("status=RESOLVED".into(), set(&[&t4])),
        ("assignee=me".into(), set(&[&t1])),
        ("assignee=me&status=OPEN".into(), set(&[&t1])),
        ("assignee=unassigned".into(), set(&[&t3, &t4])),
        ("assignee=unassigned&status=OPEN".into(), set(&[&t3])),
        (format!("assignee={}", agent.user_id), set(&[&t2])),
        (
            format!("assignee={}&status=PENDING", agent.user_id),
            set(&[&t2]),
        ),
        ("priority=LOW".into(), set(&[&t1])),
        ("priority=HIGH&status=OPEN".into(), set(&[&t3])),
        (format!("team={team}"), set(&[&t2, &t4])),
        (format!("team={team}&status=RESOLVED"), set(&[&t4])),
        ("channel=MANUAL".into(), set(&[&t1, &t2, &t3, &t4])),
        ("channel=EMAIL".into(), set(&[])),
        (
            format!("customer={}", t1["customerId"].as_str().unwrap()),
            set(&[&t1, &t3]),
        ),
    ];
    for (query, expected) in cases {
        let r = app
            .get(&format!("/api/tickets?{query}"), &admin.token)
            .await;
        assert_eq!(r.status, 200, "{query}: {:?}", r.body);
        assert_eq!(ids(&r), expected, "filter {query:?}");
    }
    // Agents see "me" as themselves.
    assert_eq!(
        ids(&app.get("/api/tickets?assignee=me", &agent.token).await),
        set(&[&t2])
    );
    // Newest activity first.
    app.post(
        &format!("/api/tickets/{}/messages", id(&t1)),
        &admin.token,
        json!({ "content": "bump" }),
    )
    .await;
    let all = app.get("/api/tickets", &admin.token).await;
    assert_eq!(all.data()[0]["id"], t1["id"]);
    assert!(all.data()[0]["customer"]["email"].is_string());
}

#[tokio::test]
async fn pages_have_no_duplicates_or_gaps_when_tickets_arrive_between_them() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let mut original = BTreeSet::new();
    for i in 0..7 {
        original.insert(
            open(&app, &admin, &format!("t{i}"), "c@x.io").await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/tickets?status=OPEN&limit=3&cursor={c}"),
            None => "/api/tickets?status=OPEN&limit=3".to_string(),
        };
        let r = app.get(&path, &admin.token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        seen.extend(ids(&r));
        pages += 1;
        // New tickets arrive while the agent pages.
        open(&app, &admin, "newcomer", "n@x.io").await;
        match r.body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let unique: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "duplicates across pages");
    assert_eq!(unique, original, "gaps or intruders across pages");
    // A cursor is bound to its filters.
    let r = app
        .get("/api/tickets?status=OPEN&limit=3", &admin.token)
        .await;
    let c = r.body["nextCursor"].as_str().unwrap();
    assert_eq!(
        app.get(
            &format!("/api/tickets?status=CLOSED&cursor={c}"),
            &admin.token
        )
        .await
        .code(),
        "invalid_cursor"
    );
}

#[tokio::test]
async fn assignment_rules() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = member(&app, &admin, "agent@acme.io", "AGENT").await;
    let sup = member(&app, &admin, "sup@acme.io", "SUPERVISOR").await;
    let other = app.signup("Other", "o@other.io").await;
    let t = open(&app, &admin, "x", "c@x.io").await;
    let path = format!("/api/tickets/{}", t["id"].as_str().unwrap());
    // An agent takes a ticket, but cannot hand it to someone else.
    assert_eq!(
        app.patch(&path, &agent.token, json!({ "assigneeId": agent.user_id }))
            .await
            .data()["assignee"]["id"],
        agent.user_id.as_str()
    );
    assert_eq!(
        app.patch(&path, &agent.token, json!({ "assigneeId": sup.user_id }))
            .await
            .status,
        403
    );
    // A supervisor may reassign; unassigning someone else needs the permission too.
    assert_eq!(
        app.patch(&path, &sup.token, json!({ "assigneeId": admin.user_id }))
            .await
            .status,
        200
    );
    assert_eq!(
        app.patch(&path, &agent.token, json!({ "assigneeId": null }))
            .await
            .status,
        403
    );
    let r = app
        .patch(&path, &sup.token, json!({ "assigneeId": null }))
        .await;
    assert!(r.data()["assigneeId"].is_null());
    // Only active users of the same organization.
    let r = app
        .patch(&path, &admin.token, json!({ "assigneeId": other.user_id }))
        .await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    app.delete(&format!("/api/users/{}", agent.user_id), &admin.token)
        .await;
    assert_eq!(
        app.patch(&path, &admin.token, json!({ "assigneeId": agent.user_id }))
            .await
            .status,
        422
    );
    assert_eq!(
        app.patch(
            &path,
            &admin.token,
            json!({ "teamId": "01JAAAAAAAAAAAAAAAAAAAAAAA" })
        )
        .await
        .status,
        422
    );
}

#[tokio::test]
async fn replies_on_email_tickets_are_mailed_threaded_and_notes_never_are() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    // An EMAIL ticket as the email channel opens it (inbound mail arrives in a later issue).
    let store = &app.stack.app.store;
    let org = store
        .get_organization(&wrrk_shared::ids::OrgId::trusted(admin.org_id.as_str()))
        .await
        .unwrap()
        .unwrap();
    let (ticket, _, _) = store
        .open_ticket(
            &org,
            NewTicket {
                subject: "Invoice wrong".into(),
                priority: Priority::Medium,
                channel: Channel::Email,
                customer_email: Email::parse("e", "erin@customer.io").unwrap(),
                customer_name: "Erin".into(),
                customer_unverified_email: None,
                first_message: Some(FirstMessage {
                    id: MessageId::new(),
                    author: Author::Customer {
                        id: None,
                        name: "Erin".into(),
                    },
                    content: "My invoice is wrong.".into(),
                    internal: false,
                    channel: Channel::Email,
                    email_message_id: Some("first@mail.customer.io".into()),
                    email: None,
                }),
                email_references: vec!["first@mail.customer.io".into()],
                follows: None,
                team_id: None,
                via: Default::default(),
            },
        )
        .await
        .unwrap();
    let path = format!("/api/tickets/{}/messages", ticket.id);
    let before = app.stack.outbox.messages().len();
    let note = app
        .post(
            &path,
            &admin.token,
            json!({ "content": "Customer is VIP, be nice", "internal": true }),
        )
        .await;
    assert_eq!(note.status, 201);
    assert_eq!(
        app.stack.outbox.messages().len(),
        before,
        "an internal note was emailed"
    );

    let reply = app
        .post(
            &path,
            &admin.token,
            json!({ "content": "Sorry! Fixed it.\n\nBest" }),
        )
        .await;
    assert_eq!(reply.status, 201);
    let sent = app.stack.outbox.messages();
    assert_eq!(sent.len(), before + 1);
    let mail = sent.last().unwrap();
    assert_eq!(mail.to, ["erin@customer.io"]);
    assert_eq!(mail.subject, "Re: [#ACME-0001] Invoice wrong");
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.raw.as_bytes())
        .unwrap();
    assert_eq!(
        parsed.in_reply_to().as_text(),
        Some("first@mail.customer.io")
    );
    assert!(parsed.body_text(0).unwrap().contains("Sorry! Fixed it."));
    assert!(parsed.body_html(0).unwrap().contains("Sorry! Fixed it."));
    assert!(!mail.raw.contains("VIP"), "the note leaked into the email");
}

#[tokio::test]
async fn concurrent_edits_of_different_fields_both_land() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let t = open(&app, &admin, "x", "c@x.io").await;
    let path = format!("/api/tickets/{}", t["id"].as_str().unwrap());
    let msgs = format!("{path}/messages");
    let (a, b, c) = tokio::join!(
        app.patch(&path, &admin.token, json!({ "priority": "URGENT" })),
        app.patch(&path, &admin.token, json!({ "tags": ["vip"] })),
        app.post(&msgs, &admin.token, json!({ "content": "racing reply" })),
    );
    assert_eq!((a.status, b.status, c.status), (200, 200, 201));
    let after = app.get(&path, &admin.token).await;
    assert_eq!(after.data()["priority"], "URGENT");
    assert_eq!(after.data()["tags"], json!(["vip"]));
    assert_eq!(after.data()["messageCount"], 2);
    // The version counts field edits; messages move the ticket without one.
    assert_eq!(after.data()["version"], 3);
}

#[tokio::test]
async fn catching_up_after_a_message_returns_exactly_the_later_ones() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let t = open(&app, &admin, "x", "c@x.io").await;
    let path = format!("/api/tickets/{}/messages", t["id"].as_str().unwrap());
    let mut sent = Vec::new();
    for i in 0..5 {
        sent.push(
            app.post(&path, &admin.token, json!({ "content": format!("m{i}") }))
                .await
                .data()["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let r = app
        .get(&format!("{path}?after={}", sent[1]), &admin.token)
        .await;
    let got: Vec<&str> = r
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        sent[2..].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let r = app
        .get(&format!("{path}?after={}", sent[4]), &admin.token)
        .await;
    assert!(r.data().as_array().unwrap().is_empty());
    // Pages of two, oldest first, then nothing left.
    let r = app.get(&format!("{path}?limit=2"), &admin.token).await;
    assert_eq!(r.data()[0]["content"], "It broke.");
    assert!(r.body["nextCursor"].is_string());
}

#[tokio::test]
async fn invalid_ticket_requests_are_refused_and_write_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let t = open(&app, &admin, "x", "c@x.io").await;
    let id = t["id"].as_str().unwrap();
    let before = app.all_items().await;
    let cases: Vec<(Method, String, Value, u16)> = vec![
        (
            Method::POST,
            "/api/tickets".into(),
            json!({ "subject": "", "customer": { "email": "c@x.io" }, "message": "m" }),
            422,
        ),
        (
            Method::POST,
            "/api/tickets".into(),
            json!({ "subject": "s", "customer": { "email": "nope" }, "message": "m" }),
            422,
        ),
        (
            Method::POST,
            "/api/tickets".into(),
            json!({ "subject": "s", "customer": { "email": "c@x.io" }, "message": "  " }),
            422,
        ),
        (
            Method::POST,
            "/api/tickets".into(),
            json!({ "subject": "s", "customer": { "email": "c@x.io" }, "message": "m", "priority": "SOON" }),
            422,
        ),
        (
            Method::POST,
            format!("/api/tickets/{id}/messages"),
            json!({ "content": "" }),
            422,
        ),
        (
            Method::POST,
            format!("/api/tickets/{id}/messages"),
            json!({ "content": "x".repeat(64 * 1024 + 1) }),
            422,
        ),
        (
            Method::POST,
            format!("/api/tickets/{id}/messages"),
            json!({ "content": "x".repeat(300 * 1024) }),
            413,
        ),
        (
            Method::POST,
            format!("/api/tickets/{id}/messages"),
            json!({ "content": 5 }),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/tickets/{id}"),
            json!({ "status": "DONE" }),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/tickets/{id}"),
            json!({ "colour": "red" }),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/tickets/{id}"),
            json!({ "tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>() }),
            422,
        ),
    ];
    for (method, path, body, status) in cases {
        let r = app
            .call(method.clone(), &path, Some(&admin.token), Some(body))
            .await;
        assert_eq!(r.status, status, "{method} {path}: {:?}", r.body);
        assert!(r.body["code"].is_string());
    }
    for q in [
        "status=DONE",
        "priority=x",
        "assignee=someone",
        "team=zzz",
        "limit=0",
        "limit=101",
    ] {
        let r = app.get(&format!("/api/tickets?{q}"), &admin.token).await;
        assert!(r.status == 400 || r.status == 422, "{q}: {}", r.status);
    }
    assert_eq!(
        app.get(
            &format!("/api/tickets/{id}/messages?after=bad"),
            &admin.token
        )
        .await
        .status,
        422
    );
    assert_eq!(
        app.all_items().await,
        before,
        "a refused request changed the table"
    );
}

#[tokio::test]
async fn another_organizations_tickets_and_customers_are_404_and_untouched() {
    let app = TestApp::spawn().await;
    let a = app.signup("Acme", "ada@acme.io").await;
    let b = app.signup("Bobco", "bob@bob.io").await;
    let t = open(&app, &a, "secret", "c@x.io").await;
    let (tid, cid) = (t["id"].as_str().unwrap(), t["customerId"].as_str().unwrap());
    let before = app.all_items().await;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/tickets/{tid}"), None),
        (
            Method::PATCH,
            format!("/api/tickets/{tid}"),
            Some(json!({ "status": "CLOSED" })),
        ),
        (Method::GET, format!("/api/tickets/{tid}/messages"), None),
        (
            Method::POST,
            format!("/api/tickets/{tid}/messages"),
            Some(json!({ "content": "hi" })),
        ),
        (Method::GET, format!("/api/customers/{cid}"), None),
    ];
    for (method, path, body) in calls {
        let r = app.call(method.clone(), &path, Some(&b.token), body).await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{method} {path}");
    }
    assert!(
        app.get("/api/tickets", &b.token)
            .await
            .data()
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        app.get("/api/customers", &b.token)
            .await
            .data()
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get(&format!("/api/tickets?customer={cid}"), &b.token)
            .await
            .data(),
        &json!([])
    );
    assert_eq!(app.all_items().await, before);
}

#[tokio::test]
async fn a_ticket_is_found_by_its_number_as_people_type_it_and_only_in_its_organization() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let first = open(&app, &admin, "First", "a@customer.io").await;
    let second = open(&app, &admin, "Second", "b@customer.io").await;
    let number = second["ticketNumber"].as_str().unwrap().to_string();
    assert_eq!(number, "ACME-0002");
    for typed in ["ACME-0002", "acme-2", "%23ACME-02"] {
        let r = app
            .get(&format!("/api/tickets?number={typed}"), &admin.token)
            .await;
        assert_eq!(r.status, 200, "{typed}: {:?}", r.body);
        let found = r.data().as_array().unwrap();
        assert_eq!(found.len(), 1, "{typed}: {found:?}");
        assert_eq!(found[0]["id"], second["id"]);
        assert_eq!(found[0]["customer"]["email"], "b@customer.io");
        assert!(r.body["nextCursor"].is_null());
    }
    // Other filters do not hide it; a number nobody has is an empty list.
    let r = app
        .get("/api/tickets?number=ACME-1&status=CLOSED", &admin.token)
        .await;
    assert_eq!(r.data()[0]["id"], first["id"]);
    let r = app.get("/api/tickets?number=ACME-0099", &admin.token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data(), &json!([]));

    // Not a number: a clear 422. Another organization's number: nothing.
    for bad in ["ACME", "ACME-x", "ACME-1-2", "%C3%84-1"] {
        let r = app
            .get(&format!("/api/tickets?number={bad}"), &admin.token)
            .await;
        assert_eq!(r.status, 422, "{bad}: {:?}", r.body);
        assert_eq!(r.body["field"], "number", "{bad}: {:?}", r.body);
    }
    // Same prefix, same number, another organization: never theirs.
    let other = app.signup("Acme Two", "ben@acme2.io").await;
    let theirs = open(&app, &other, "Theirs", "c@customer.io").await;
    let r = app
        .get(
            &format!(
                "/api/tickets?number={}",
                theirs["ticketNumber"].as_str().unwrap()
            ),
            &admin.token,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.data()
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != theirs["id"]),
        "{:?}",
        r.body
    );
}

#[tokio::test]
async fn list_rows_carry_customer_and_assignee_and_follow_a_rename() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = member(&app, &admin, "agent@acme.io", "AGENT").await;
    let t = open(&app, &admin, "Where is my parcel", "carl@customer.io").await;
    let id = t["id"].as_str().unwrap();
    assert_eq!(t["customer"]["email"], "carl@customer.io");
    let r = app
        .patch(
            &format!("/api/tickets/{id}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["assignee"]["id"], agent.user_id.as_str());

    let row = |list: &Resp| {
        list.data()
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
            .expect("the ticket is listed")
    };
    let list = app.get("/api/tickets?status=OPEN", &admin.token).await;
    let listed = row(&list);
    assert_eq!(listed["customer"]["email"], "carl@customer.io");
    assert_eq!(listed["assignee"]["id"], agent.user_id.as_str());
    // A list row is what a list shows, not the whole ticket.
    assert!(listed.get("messageCount").is_none(), "{listed}");

    // The assignee changes their name and avatar: their tickets' rows follow.
    let r = app
        .patch(
            &format!("/api/users/{}", agent.user_id),
            &agent.token,
            json!({ "name": "Agnes Renamed", "avatarUrl": "https://example.com/a.png" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let list = app.get("/api/tickets?assignee=me", &agent.token).await;
    let listed = row(&list);
    assert_eq!(listed["assignee"]["name"], "Agnes Renamed");
    assert_eq!(listed["assignee"]["avatarUrl"], "https://example.com/a.png");
    let got = app.get(&format!("/api/tickets/{id}"), &admin.token).await;
    assert_eq!(got.data()["assignee"]["name"], "Agnes Renamed");

    // Unassigning clears the summary with the id.
    let r = app
        .patch(
            &format!("/api/tickets/{id}"),
            &admin.token,
            json!({ "assigneeId": null }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let listed = row(&app.get("/api/tickets", &admin.token).await);
    assert!(listed["assignee"].is_null(), "{listed}");
    assert!(listed["assigneeId"].is_null(), "{listed}");
}
