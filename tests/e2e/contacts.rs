//! Contacts: agents edit customers (conditionally, addresses unique per organization) and
//! merge duplicates (tickets and messages kept, addresses kept as secondary, idempotent,
//! resumable); other organizations' customers are 404.

use serde_json::{Value, json};
use wrrk_shared::domain::{Customer, Email};
use wrrk_shared::ids::{CustomerId, OrgId};
use wrrk_tests::{Session, TestApp, ids};

async fn open(app: &TestApp, s: &Session, subject: &str, email: &str, name: &str) -> Value {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({ "subject": subject, "customer": { "email": email, "name": name }, "message": format!("About {subject}") }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

async fn reply(app: &TestApp, s: &Session, ticket: &str, text: &str) {
    let r = app
        .post(
            &format!("/api/tickets/{ticket}/messages"),
            &s.token,
            json!({ "content": text, "internal": true }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

async fn customer(app: &TestApp, s: &Session, id: &str) -> Value {
    let r = app.get(&format!("/api/customers/{id}"), &s.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().clone()
}

async fn tickets_of(app: &TestApp, s: &Session, customer: &str) -> Vec<String> {
    let mut all = ids(&Value::Array(
        app.list_all(&format!("/api/tickets?customer={customer}"), &s.token, 2)
            .await,
    ));
    all.sort();
    all
}

/// Every message id of every ticket in `tickets`, sorted.
async fn message_ids(app: &TestApp, s: &Session, tickets: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tickets {
        out.extend(ids(&Value::Array(
            app.list_all(&format!("/api/tickets/{t}/messages"), &s.token, 50)
                .await,
        )));
    }
    out.sort();
    out
}

fn cid(v: &Value) -> String {
    v["customerId"].as_str().expect("customerId").to_string()
}

#[tokio::test]
async fn agents_edit_customers_conditionally_with_unique_addresses() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let t = open(&app, &admin, "One", "carl@customer.io", "Carl").await;
    let other = open(&app, &admin, "Two", "dora@customer.io", "Dora").await;
    let id = cid(&t);
    let path = format!("/api/customers/{id}");

    // Any agent edits; the version read is the condition.
    let r = app
        .patch(
            &path,
            &agent.token,
            json!({ "name": "Carl Jones", "phone": "+44 20 7946 0000", "notes": "VIP.\nPrefers mail.", "version": 0 }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["name"], "Carl Jones");
    assert_eq!(r.data()["phone"], "+44 20 7946 0000");
    assert_eq!(r.data()["notes"], "VIP.\nPrefers mail.");
    assert_eq!(r.data()["version"], 1);
    // A second edit based on the old version would lose the first: refused.
    let r = app
        .patch(&path, &admin.token, json!({ "name": "Karl", "version": 0 }))
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.code(), "stale_write");
    assert_eq!(customer(&app, &admin, &id).await["name"], "Carl Jones");
    // The ticket shows the new name.
    let r = app
        .get(
            &format!("/api/tickets/{}", t["id"].as_str().unwrap()),
            &admin.token,
        )
        .await;
    assert_eq!(r.data()["customer"]["name"], "Carl Jones");
    let list = app.get("/api/tickets", &admin.token).await;
    let row = list
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == t["id"])
        .unwrap()
        .clone();
    assert_eq!(row["customer"]["name"], "Carl Jones");
    // Search finds the phone.
    let r = app.get("/api/customers?search=7946", &admin.token).await;
    assert_eq!(ids(r.data()), vec![id.clone()]);

    // Bad input is 422 and changes nothing.
    for body in [
        json!({ "phone": "call me" }),
        json!({ "email": "not-an-email" }),
        json!({ "name": " " }),
        json!({ "notes": "bell\u{7}" }),
    ] {
        let r = app.patch(&path, &admin.token, body).await;
        assert_eq!(r.status, 422, "{:?}", r.body);
    }
    // Another customer's address is refused.
    let r = app
        .patch(&path, &admin.token, json!({ "email": "Dora@customer.io" }))
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.code(), "customer_email_taken");

    // A new address: mail to it maps to this customer, the old one is free again.
    let r = app
        .patch(
            &path,
            &admin.token,
            json!({ "email": "carl@new.io", "phone": null }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["email"], "carl@new.io");
    assert!(r.data().get("phone").is_none());
    assert_eq!(r.data()["notes"], "VIP.\nPrefers mail.");
    let again = open(&app, &admin, "Three", "carl@new.io", "Whoever").await;
    assert_eq!(cid(&again), id);
    let old = open(&app, &admin, "Four", "carl@customer.io", "Carl Old").await;
    assert_ne!(cid(&old), id);
    assert_ne!(cid(&old), cid(&other));
}

#[tokio::test]
async fn merge_keeps_every_ticket_and_message_and_the_duplicate_s_address() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let a1 = open(&app, &admin, "A1", "ann@customer.io", "Ann").await;
    let a2 = open(&app, &admin, "A2", "ann@customer.io", "Ann").await;
    let mut dupe_tickets = Vec::new();
    for i in 0..3 {
        let t = open(&app, &admin, &format!("B{i}"), "ann.b@other.io", "Ann B").await;
        reply(&app, &admin, t["id"].as_str().unwrap(), "a note").await;
        dupe_tickets.push(t);
    }
    let keep = cid(&a1);
    let dupe = cid(&dupe_tickets[0]);
    let r = app
        .patch(
            &format!("/api/customers/{dupe}"),
            &admin.token,
            json!({ "notes": "Met at the fair.", "phone": "555 0100" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let mut all_tickets: Vec<String> = [&a1, &a2]
        .into_iter()
        .chain(dupe_tickets.iter())
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    all_tickets.sort();
    let messages_before = message_ids(&app, &admin, &all_tickets).await;
    assert_eq!(messages_before.len(), 2 + 3 * 2);

    let merge = format!("/api/customers/{keep}/merge");
    let r = app
        .post(&merge, &admin.token, json!({ "customerId": dupe }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["movedTickets"], 3);
    let kept = &r.data()["customer"];
    assert_eq!(kept["email"], "ann@customer.io");
    assert_eq!(kept["secondaryEmails"], json!(["ann.b@other.io"]));
    assert_eq!(kept["phone"], "555 0100");
    assert!(kept["notes"].as_str().unwrap().contains("Met at the fair."));

    // Every ticket and every message is there, all on the customer that stays.
    assert_eq!(tickets_of(&app, &admin, &keep).await, all_tickets);
    assert!(tickets_of(&app, &admin, &dupe).await.is_empty());
    assert_eq!(
        message_ids(&app, &admin, &all_tickets).await,
        messages_before
    );
    let detail = customer(&app, &admin, &keep).await;
    assert_eq!(detail["tickets"].as_array().unwrap().len(), 5);
    for t in &dupe_tickets {
        let r = app
            .get(
                &format!("/api/tickets/{}", t["id"].as_str().unwrap()),
                &admin.token,
            )
            .await;
        assert_eq!(r.data()["customerId"], keep.as_str());
        assert_eq!(r.data()["customer"]["email"], "ann@customer.io");
    }
    // The duplicate is kept, pointing at the one that stays, and no longer listed.
    let d = customer(&app, &admin, &dupe).await;
    assert_eq!(d["mergedInto"], keep.as_str());
    let listed = ids(app
        .get("/api/customers?limit=100", &admin.token)
        .await
        .data());
    assert_eq!(listed, vec![keep.clone()]);
    // Search finds the one that stays by the secondary address.
    let r = app.get("/api/customers?search=ann.b", &admin.token).await;
    assert_eq!(ids(r.data()), vec![keep.clone()]);

    // New conversations from the secondary address join the one that stays.
    let later = open(&app, &admin, "Later", "ANN.B@other.io", "Ann B").await;
    assert_eq!(cid(&later), keep);

    // Repeating the merge is harmless; a merged customer takes no edits and no merges.
    let r = app
        .post(&merge, &admin.token, json!({ "customerId": dupe }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["movedTickets"], 0);
    let r = app
        .post(
            &format!("/api/customers/{dupe}/merge"),
            &admin.token,
            json!({ "customerId": keep }),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.code(), "customer_merged");
    let r = app
        .patch(
            &format!("/api/customers/{dupe}"),
            &admin.token,
            json!({ "name": "x" }),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    let r = app
        .post(&merge, &admin.token, json!({ "customerId": keep }))
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = app
        .post(&merge, &admin.token, json!({ "customerId": "nope" }))
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);

    // The secondary address can be made primary; the old primary stays secondary.
    let r = app
        .patch(
            &format!("/api/customers/{keep}"),
            &admin.token,
            json!({ "email": "ann.b@other.io" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["email"], "ann.b@other.io");
    assert_eq!(r.data()["secondaryEmails"], json!(["ann@customer.io"]));
    let again = open(&app, &admin, "Again", "ann@customer.io", "Ann").await;
    assert_eq!(cid(&again), keep);
}

#[tokio::test]
async fn an_interrupted_merge_is_finished_by_merging_again() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let keep_t = open(&app, &admin, "Keep", "kim@customer.io", "Kim").await;
    let d1 = open(&app, &admin, "D1", "kim2@customer.io", "Kim").await;
    let d2 = open(&app, &admin, "D2", "kim2@customer.io", "Kim").await;
    let (keep, dupe) = (cid(&keep_t), cid(&d1));
    // The first step alone, as if the function stopped before moving any ticket.
    let store = &app.stack.app.store;
    let target: Customer = store
        .get_customer(
            &OrgId::trusted(admin.org_id.as_str()),
            &CustomerId::trusted(keep.as_str()),
        )
        .await
        .unwrap()
        .unwrap();
    let source: Customer = store
        .get_customer(
            &OrgId::trusted(admin.org_id.as_str()),
            &CustomerId::trusted(dupe.as_str()),
        )
        .await
        .unwrap()
        .unwrap();
    let mut after = target.clone();
    after
        .secondary_emails
        .push(Email::parse("e", "kim2@customer.io").unwrap());
    after.version += 1;
    store
        .merge_customer_records(&target, &after, &source)
        .await
        .unwrap();
    // Mail from the duplicate's address already maps to the one that stays.
    let mid = open(&app, &admin, "Mid", "kim2@customer.io", "Kim").await;
    assert_eq!(cid(&mid), keep);

    let r = app
        .post(
            &format!("/api/customers/{keep}/merge"),
            &admin.token,
            json!({ "customerId": dupe }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["movedTickets"], 2);
    let mut expected: Vec<String> = [&keep_t, &d1, &d2, &mid]
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert_eq!(tickets_of(&app, &admin, &keep).await, expected);
}

#[tokio::test]
async fn other_organizations_customers_are_404() {
    let app = TestApp::spawn().await;
    let a = app.signup("Acme", "ada@acme.io").await;
    let b = app.signup("Bolt", "bea@bolt.io").await;
    let ta = open(&app, &a, "A", "x@customer.io", "X").await;
    let tb = open(&app, &b, "B", "y@customer.io", "Y").await;
    let (ca, cb) = (cid(&ta), cid(&tb));
    let r = app
        .patch(
            &format!("/api/customers/{ca}"),
            &b.token,
            json!({ "name": "Mine" }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/customers/{ca}/merge"),
            &b.token,
            json!({ "customerId": cb }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // Pulling another organization's customer into one's own: 404, nothing moves.
    let r = app
        .post(
            &format!("/api/customers/{cb}/merge"),
            &b.token,
            json!({ "customerId": ca }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(customer(&app, &a, &ca).await["name"], "X");
    assert_eq!(tickets_of(&app, &a, &ca).await.len(), 1);
    // Another organization's customer with the same address is a different customer.
    let r = app
        .patch(
            &format!("/api/customers/{cb}"),
            &b.token,
            json!({ "email": "x@customer.io" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
