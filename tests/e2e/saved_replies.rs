//! Saved replies: shared and personal, permissions, search, placeholders filled for a
//! ticket (as text, in one pass, escaped in mail), and other organizations' ids are 404.

use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp, ids};

use crate::email::{messages, org, smtp, tickets};

async fn create(app: &TestApp, s: &Session, title: &str, body: &str, shared: bool) -> Value {
    let r = app
        .post(
            "/api/saved-replies",
            &s.token,
            json!({ "title": title, "body": body, "shared": shared }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

async fn list(app: &TestApp, s: &Session, query: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/saved-replies?{query}"), &s.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    ids(r.data())
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn shared_ones_are_managed_by_managers_and_personal_ones_are_their_owners_alone() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let other_agent = app.add_member(&admin, "AGENT").await;

    // An agent cannot create a shared reply; a manager can.
    let r = app
        .post(
            "/api/saved-replies",
            &agent.token,
            json!({ "title": "Refund", "body": "x", "shared": true }),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let refund = create(
        &app,
        &manager,
        " Refund policy ",
        "We refund within 30 days.",
        true,
    )
    .await;
    assert_eq!(refund["title"], "Refund policy");
    assert!(refund["ownerId"].is_null());
    let greeting = create(&app, &admin, "Greeting", "Hello!", true).await;

    // Personal ones: anyone, owned by them.
    let mine = create(&app, &agent, "My refund wording", "Sure thing.", false).await;
    assert_eq!(mine["ownerId"], agent.user_id.as_str());

    // Everyone sees the shared ones; only the owner sees their personal one.
    assert_eq!(
        list(&app, &agent, "").await,
        vec![id(&refund), id(&greeting)]
    );
    assert_eq!(list(&app, &other_agent, "scope=shared").await.len(), 2);
    assert_eq!(list(&app, &agent, "scope=personal").await, vec![id(&mine)]);
    assert!(list(&app, &other_agent, "scope=personal").await.is_empty());
    assert!(list(&app, &admin, "scope=personal").await.is_empty());
    // Search by title, case-insensitive, in both scopes.
    assert_eq!(list(&app, &agent, "search=REFUND").await, vec![id(&refund)]);
    assert_eq!(
        list(&app, &agent, "scope=personal&search=refund").await,
        vec![id(&mine)]
    );
    let r = app
        .get("/api/saved-replies?scope=everyone", &agent.token)
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);

    // Another agent (even an admin) cannot read, render, edit or delete a personal one.
    let mine_path = format!("/api/saved-replies/{}", id(&mine));
    for s in [&other_agent, &admin] {
        let r = app
            .patch(&mine_path, &s.token, json!({ "title": "x" }))
            .await;
        assert_eq!(r.status, 404, "{:?}", r.body);
        let r = app.delete(&mine_path, &s.token).await;
        assert_eq!(r.status, 404, "{:?}", r.body);
    }
    // The owner edits and deletes theirs.
    let r = app
        .patch(&mine_path, &agent.token, json!({ "body": "Of course." }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["body"], "Of course.");
    assert_eq!(r.data()["title"], "My refund wording");
    assert_eq!(r.data()["version"], 2);

    // An agent cannot edit or delete a shared one; a manager can.
    let refund_path = format!("/api/saved-replies/{}", id(&refund));
    let r = app
        .patch(&refund_path, &agent.token, json!({ "title": "Mine now" }))
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = app.delete(&refund_path, &agent.token).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = app
        .patch(&refund_path, &manager.token, json!({ "title": "Refunds" }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        list(&app, &agent, "search=refunds").await,
        vec![id(&refund)]
    );

    // Validation: blank title or body, control characters, unknown fields.
    for body in [
        json!({ "title": " ", "body": "x" }),
        json!({ "title": "t", "body": "  " }),
        json!({ "title": "t", "body": "bell\u{7}" }),
    ] {
        let r = app.post("/api/saved-replies", &agent.token, body).await;
        assert_eq!(r.status, 422, "{:?}", r.body);
    }
    let r = app
        .post(
            "/api/saved-replies",
            &agent.token,
            json!({ "title": "t", "body": "b", "owner": "x" }),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);

    let r = app.delete(&mine_path, &agent.token).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert!(list(&app, &agent, "scope=personal").await.is_empty());
    let r = app.delete(&refund_path, &manager.token).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(list(&app, &agent, "").await, vec![id(&greeting)]);
}

#[tokio::test]
async fn placeholders_are_filled_for_the_ticket_as_text_and_escaped_in_mail() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let agent = app
        .join(&o.admin, "bo@acme.io", "Bo <i>Agent</i>", "AGENT")
        .await;
    // The customer's name is hostile: markup, and a placeholder of its own.
    let raw = format!(
        "From: \"<b>Bob</b> {{{{agent.name}}}}\" <bob@customer.io>\r\nTo: {}\r\nSubject: Help\r\nMessage-ID: <h1@customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy order is late.\r\n",
        o.address
    );
    smtp(&app, "bob@customer.io", &[&o.address], &raw).await;
    let ticket = tickets(&app, &o.admin).await.remove(0);
    let ticket_id = ticket["id"].as_str().unwrap();
    let number = ticket["ticketNumber"].as_str().unwrap();
    assert_eq!(ticket["customer"]["name"], "<b>Bob</b> {{agent.name}}");

    let reply = create(
        &app,
        &o.admin,
        "Late order",
        "Hi {{customer.name}},\n{{ agent.name }} here about {{ticket.number}}. {{unknown}}",
        true,
    )
    .await;
    let r = app
        .get(
            &format!(
                "/api/saved-replies/{}/render?ticketId={ticket_id}",
                id(&reply)
            ),
            &agent.token,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let text = r.data()["text"].as_str().unwrap().to_string();
    // Filled in one pass: the customer's "{{agent.name}}" stays text; markup stays text.
    assert_eq!(
        text,
        format!(
            "Hi <b>Bob</b> {{{{agent.name}}}},\nBo <i>Agent</i> here about {number}. {{{{unknown}}}}"
        )
    );
    assert_eq!(r.data()["title"], "Late order");

    // Sent as the reply, the mail's HTML part shows the markup as text.
    let r = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &agent.token,
            json!({ "content": text }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(messages(&app, &o.admin, ticket_id).await.len(), 2);
    let out = app.last_mail_to("bob@customer.io");
    let html = out.decoded.html.expect("an html part");
    assert!(
        html.contains("Hi &lt;b&gt;Bob&lt;/b&gt; {{agent.name}},"),
        "{html}"
    );
    assert!(html.contains("Bo &lt;i&gt;Agent&lt;/i&gt; here"), "{html}");
    assert!(!html.contains("<b>Bob"), "{html}");

    // Bad or missing ticket ids.
    let path = format!("/api/saved-replies/{}/render", id(&reply));
    let r = app.get(&path, &agent.token).await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = app
        .get(&format!("{path}?ticketId=nope"), &agent.token)
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
}

#[tokio::test]
async fn other_organizations_saved_replies_and_tickets_are_404() {
    let app = TestApp::spawn().await;
    let a = app.signup("Acme", "ada@acme.io").await;
    let b = app.signup("Bolt", "bea@bolt.io").await;
    let shared = create(&app, &a, "Shared", "Hi {{customer.name}}", true).await;
    let r = app
        .post(
            "/api/tickets",
            &a.token,
            json!({ "subject": "S", "customer": { "email": "c@customer.io", "name": "Cy" }, "message": "m" }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let a_ticket = r.data()["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            "/api/tickets",
            &b.token,
            json!({ "subject": "S", "customer": { "email": "d@customer.io", "name": "Di" }, "message": "m" }),
        )
        .await;
    let b_ticket = r.data()["id"].as_str().unwrap().to_string();
    let b_reply = create(&app, &b, "Bolt's", "x", true).await;

    let path = format!("/api/saved-replies/{}", id(&shared));
    assert!(list(&app, &b, "").await == vec![id(&b_reply)]);
    let r = app.patch(&path, &b.token, json!({ "title": "x" })).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app.delete(&path, &b.token).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .get(&format!("{path}/render?ticketId={b_ticket}"), &b.token)
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // Its own reply on the other organization's ticket: 404 too.
    let r = app
        .get(
            &format!(
                "/api/saved-replies/{}/render?ticketId={a_ticket}",
                id(&b_reply)
            ),
            &b.token,
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .get(&format!("{path}/render?ticketId={a_ticket}"), &a.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["text"], "Hi Cy");
}
