//! Cc and Bcc on an agent's emailed reply: the MIME names Cc and never Bcc, SES gets every
//! recipient, the message keeps both, and a copied person's answer threads into the ticket.

use serde_json::json;
use wrrk_tests::TestApp;

use crate::email::{mail, messages, org, smtp, tickets};

#[tokio::test]
async fn email_a_reply_is_copied_by_cc_and_bcc_and_a_copied_answer_threads() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    smtp(
        &app,
        "carl@customer.io",
        &[&o.address],
        &mail(
            "carl@customer.io",
            &o.address,
            "Invoice",
            "q1@customer.io",
            "",
            "Wrong total.",
        ),
    )
    .await;
    let ticket = tickets(&app, &o.admin).await.remove(0);
    let id = ticket["id"].as_str().unwrap().to_string();
    let path = format!("/api/tickets/{id}/messages");

    let r = app
        .post(
            &path,
            &o.admin.token,
            json!({
                "content": "Copying our accountant.",
                "cc": ["Anna@Accounts.io", "carl@customer.io", "anna@accounts.io"],
                "bcc": ["boss@customer.io"],
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // Normalized, the customer and repeats left out.
    assert_eq!(r.data()["email"]["cc"], json!(["anna@accounts.io"]));
    assert_eq!(r.data()["email"]["bcc"], json!(["boss@customer.io"]));

    let out = app.last_mail_to("carl@customer.io");
    let mut envelope = out.to.clone();
    envelope.sort();
    assert_eq!(
        envelope,
        vec!["anna@accounts.io", "boss@customer.io", "carl@customer.io"]
    );
    assert!(
        out.decoded
            .header("Cc")
            .is_some_and(|v| v.contains("anna@accounts.io")),
        "{:#?}",
        out.decoded.headers
    );
    assert!(
        out.decoded.header("Bcc").is_none(),
        "Bcc must be in no header"
    );
    assert!(!out.raw.contains("boss@customer.io"), "{}", out.raw);
    // Shown in the thread.
    let listed = messages(&app, &o.admin, &id).await;
    assert_eq!(listed[1]["email"]["cc"], json!(["anna@accounts.io"]));
    assert_eq!(listed[1]["email"]["bcc"], json!(["boss@customer.io"]));
    assert_eq!(listed[1]["email"]["delivery"]["state"], "sent");

    // The accountant answers (reply-all to our mail): it threads into the same ticket.
    let ses_id = out
        .decoded
        .header("Message-ID")
        .unwrap()
        .trim_matches(['<', '>'])
        .to_string();
    let answer = mail(
        "anna@accounts.io",
        &o.address,
        "Re: Invoice",
        "a1@accounts.io",
        &format!("In-Reply-To: <{ses_id}>\r\nReferences: <{ses_id}>\r\nCc: carl@customer.io\r\n"),
        "The total is right.",
    );
    smtp(&app, "anna@accounts.io", &[&o.address], &answer).await;
    // The boss, Bcc'd, answers too.
    let answer = mail(
        "boss@customer.io",
        &o.address,
        "Re: Invoice",
        "b1@customer.io",
        &format!("In-Reply-To: <{ses_id}>\r\n"),
        "Thanks all.",
    );
    smtp(&app, "boss@customer.io", &[&o.address], &answer).await;
    assert_eq!(tickets(&app, &o.admin).await.len(), 1, "no new ticket");
    let listed = messages(&app, &o.admin, &id).await;
    assert_eq!(listed.len(), 4, "{listed:#?}");
    assert_eq!(listed[2]["content"], "The total is right.");
    assert_eq!(listed[2]["authorType"], "CUSTOMER");
    assert_eq!(listed[3]["content"], "Thanks all.");

    // Someone never copied answering the same mail opens a new ticket instead.
    let stranger = mail(
        "eve@elsewhere.io",
        &o.address,
        "Re: Invoice",
        "e1@elsewhere.io",
        &format!("In-Reply-To: <{ses_id}>\r\n"),
        "Me too.",
    );
    smtp(&app, "eve@elsewhere.io", &[&o.address], &stranger).await;
    assert_eq!(tickets(&app, &o.admin).await.len(), 2);
    assert_eq!(messages(&app, &o.admin, &id).await.len(), 4);
}

#[tokio::test]
async fn email_copies_are_only_for_emailed_replies_to_valid_outside_addresses() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    smtp(
        &app,
        "carl@customer.io",
        &[&o.address],
        &mail(
            "carl@customer.io",
            &o.address,
            "Help",
            "h1@customer.io",
            "",
            "Hi.",
        ),
    )
    .await;
    let email_ticket = tickets(&app, &o.admin).await.remove(0)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(
            "/api/tickets",
            &o.admin.token,
            json!({ "subject": "Manual", "customer": { "email": "m@customer.io" }, "message": "m" }),
        )
        .await;
    let manual = r.data()["id"].as_str().unwrap().to_string();
    let many: Vec<String> = (0..11).map(|i| format!("p{i}@x.io")).collect();
    let cases = [
        (&manual, json!({ "content": "x", "cc": ["a@x.io"] }), "cc"),
        (
            &email_ticket,
            json!({ "content": "x", "internal": true, "bcc": ["a@x.io"] }),
            "bcc",
        ),
        (
            &email_ticket,
            json!({ "content": "x", "cc": ["not an address"] }),
            "cc",
        ),
        (
            &email_ticket,
            json!({ "content": "x", "cc": [o.address.clone()] }),
            "cc",
        ),
        (&email_ticket, json!({ "content": "x", "cc": many }), "cc"),
    ];
    let before = app.outbox().len();
    for (ticket, body, field) in cases {
        let r = app
            .post(
                &format!("/api/tickets/{ticket}/messages"),
                &o.admin.token,
                body,
            )
            .await;
        assert_eq!(r.status, 422, "{:?}", r.body);
        assert_eq!(r.body["field"], field, "{:?}", r.body);
    }
    assert_eq!(app.outbox().len(), before, "nothing was sent");
    assert_eq!(
        messages(&app, &o.admin, &email_ticket).await.len(),
        1,
        "nothing was posted"
    );
}
