//! The send dead letters: a reply whose every attempt fails is kept for the operator, and
//! the operator's replay (`email-retry` invoked with `{"failedSends": "replay"}`, as
//! docs/deploy.md runs it) sends it once the cause is fixed, exactly once.

use serde_json::json;
use wrrk_tests::TestApp;

use crate::email::{mail, messages, only_ticket, org, smtp};

#[tokio::test]
async fn email_a_send_that_fails_every_attempt_is_kept_and_replayed_exactly_once() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    smtp(
        &app,
        "dora@customer.io",
        &[&o.address],
        &mail(
            "dora@customer.io",
            &o.address,
            "Hi",
            "d1@customer.io",
            "",
            "hello",
        ),
    )
    .await;
    let ticket_id = only_ticket(&app, &o.admin).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // SES is down for longer than every retry.
    app.stack.outbox.fail_next(usize::MAX);
    let r = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &o.admin.token,
            json!({ "content": "Answer" }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let message_id = r.data()["id"].as_str().unwrap().to_string();
    let max = wrrk_shared::email::outbound::MAX_ATTEMPTS;
    // The schedule, each run a day later than the one before: every retry is due.
    for day in 1..i64::from(max) {
        let r = app
            .stack
            .run_schedule(
                "email-retry",
                chrono::Utc::now() + chrono::Duration::days(day),
            )
            .await
            .unwrap();
        assert_eq!(r, json!({ "tried": 1, "sent": 0 }), "day {day}");
    }
    let listed = messages(&app, &o.admin, &ticket_id).await;
    let d = &listed[1]["email"]["delivery"];
    assert_eq!(d["state"], "failed", "{d}");
    assert_eq!(d["attempts"], max);
    assert!(d["nextAttemptAt"].is_null(), "no retry is left: {d}");
    let email_message_id = d["messageId"].as_str().unwrap().to_string();
    // Nothing more is retried; the operator lists the dead letter.
    let r = app
        .stack
        .run_schedule(
            "email-retry",
            chrono::Utc::now() + chrono::Duration::days(30),
        )
        .await
        .unwrap();
    assert_eq!(r["tried"], 0);
    let r = app
        .stack
        .invoke("email-retry", json!({ "failedSends": "list" }))
        .await
        .unwrap();
    let failed = r["failedSends"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{r}");
    assert_eq!(failed[0]["ticketId"], ticket_id.as_str());
    assert_eq!(failed[0]["messageId"], message_id.as_str());
    assert_eq!(failed[0]["emailMessageId"], email_message_id.as_str());
    assert_eq!(failed[0]["attempts"], max);
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("ServiceUnavailable"),
        "{r}"
    );
    assert!(
        app.outbox()
            .iter()
            .all(|m| !m.to.contains(&"dora@customer.io".to_string()))
    );

    // Fixed. Two replays at once (an operator's double run): one mail goes out.
    app.stack.outbox.fail_next(0);
    let (a, b) = tokio::join!(
        app.stack
            .invoke("email-retry", json!({ "failedSends": "replay" })),
        app.stack
            .invoke("email-retry", json!({ "failedSends": "replay" })),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let total = |k: &str| a[k].as_u64().unwrap() + b[k].as_u64().unwrap();
    assert_eq!((total("replayed"), total("sent")), (1, 1), "{a} {b}");
    let sent: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|m| m.to.contains(&"dora@customer.io".to_string()))
        .collect();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    // The mail keeps the Message-ID of its first attempt.
    assert!(sent[0].raw.contains(&email_message_id), "{}", sent[0].raw);
    let listed = messages(&app, &o.admin, &ticket_id).await;
    let d = &listed[1]["email"]["delivery"];
    assert_eq!(d["state"], "sent", "{d}");
    assert_eq!(d["attempts"], max + 1);

    // Nothing is left; a later replay sends nothing.
    let r = app
        .stack
        .invoke("email-retry", json!({ "failedSends": "list" }))
        .await
        .unwrap();
    assert_eq!(r, json!({ "failedSends": [] }));
    let r = app
        .stack
        .invoke("email-retry", json!({ "failedSends": "replay" }))
        .await
        .unwrap();
    assert_eq!(
        r,
        json!({ "replayed": 0, "sent": 0, "dropped": 0, "skipped": 0 })
    );
    let after = app
        .outbox()
        .iter()
        .filter(|m| m.to.contains(&"dora@customer.io".to_string()))
        .count();
    assert_eq!(after, 1);
}
