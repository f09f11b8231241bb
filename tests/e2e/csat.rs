//! Customer satisfaction by mail: resolving asks once per resolve; the signed links work
//! without login, rate once, expire, cannot be forged or pointed at another ticket; the
//! rating lands on the ticket as a note.

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp};

use crate::email::{mail, messages, org, smtp, tickets};

/// The rating token in the newest survey mail to `to`, and the mail's text.
fn survey_token(app: &TestApp, to: &str) -> (String, String) {
    let out = app.last_mail_to(to);
    assert!(out.subject.starts_with("How did we do?"), "{}", out.subject);
    let text = out.decoded.text.clone().expect("a text part");
    let start = text.find("/rate/").expect("a rating link") + "/rate/".len();
    let token: String = text[start..].chars().take_while(|c| *c != '?').collect();
    for n in 1..=5 {
        assert!(
            text.contains(&format!("/rate/{token}?rating={n}")),
            "{text}"
        );
    }
    let html = out.decoded.html.expect("an html part");
    assert!(html.contains(&format!("/rate/{token}?rating=5")), "{html}");
    (token, text)
}

async fn set_status(app: &TestApp, s: &Session, id: &str, status: &str) {
    let r = app
        .patch(
            &format!("/api/tickets/{id}"),
            &s.token,
            json!({ "status": status }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn anonymous(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> wrrk_tests::Resp {
    app.call(method, path, None, body).await
}

#[tokio::test]
async fn csat_a_resolve_mails_links_that_rate_once_and_the_rating_lands_on_the_ticket() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    smtp(
        &app,
        "carl@customer.io",
        &[&o.address],
        &mail(
            "carl@customer.io",
            &o.address,
            "Broken",
            "b1@customer.io",
            "",
            "It broke.",
        ),
    )
    .await;
    let t = tickets(&app, &o.admin).await.remove(0);
    let id = t["id"].as_str().unwrap().to_string();
    let sent_before = app.outbox().len();
    // Pending is not resolved: nothing is asked.
    set_status(&app, &o.admin, &id, "PENDING").await;
    assert_eq!(app.outbox().len(), sent_before);
    set_status(&app, &o.admin, &id, "RESOLVED").await;
    assert_eq!(app.outbox().len(), sent_before + 1, "one survey");
    // Saving it resolved again asks nothing more.
    set_status(&app, &o.admin, &id, "RESOLVED").await;
    assert_eq!(app.outbox().len(), sent_before + 1);
    let (token, text) = survey_token(&app, "carl@customer.io");
    assert!(text.contains("Broken"), "{text}");

    let path = format!("/api/csat/{token}");
    let r = anonymous(&app, reqwest::Method::GET, &path, None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["organizationName"], "Acme");
    assert_eq!(r.data()["ticketNumber"], t["ticketNumber"]);
    assert!(r.data()["rating"].is_null());

    for bad in [
        json!({ "rating": 0 }),
        json!({ "rating": 6 }),
        json!({ "rating": 3, "comment": "x\u{7}" }),
    ] {
        let r = anonymous(&app, reqwest::Method::POST, &path, Some(bad)).await;
        assert_eq!(r.status, 422, "{:?}", r.body);
    }
    let r = anonymous(
        &app,
        reqwest::Method::POST,
        &path,
        Some(json!({ "rating": 4, "comment": "Quick <b>fix</b>, thanks" })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["rating"], 4);
    // Once only.
    let r = anonymous(
        &app,
        reqwest::Method::POST,
        &path,
        Some(json!({ "rating": 1 })),
    )
    .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.code(), "already_rated");
    let r = anonymous(&app, reqwest::Method::GET, &path, None).await;
    assert_eq!(r.data()["rating"], 4);
    assert_eq!(r.data()["comment"], "Quick <b>fix</b>, thanks");

    // On the ticket, as a note: never mailed, the ticket stays resolved.
    let listed = messages(&app, &o.admin, &id).await;
    let note = listed.last().unwrap();
    assert_eq!(note["authorType"], "SYSTEM");
    assert_eq!(note["internal"], true);
    assert!(note["content"].as_str().unwrap().contains("4/5"), "{note}");
    assert!(
        note["content"]
            .as_str()
            .unwrap()
            .contains("Quick <b>fix</b>, thanks")
    );
    let r = app.get(&format!("/api/tickets/{id}"), &o.admin.token).await;
    assert_eq!(r.data()["status"], "RESOLVED");
    assert_eq!(app.outbox().len(), sent_before + 1);

    // Reopened and resolved again: a new survey, with its own rating.
    set_status(&app, &o.admin, &id, "OPEN").await;
    set_status(&app, &o.admin, &id, "RESOLVED").await;
    let (second, _) = survey_token(&app, "carl@customer.io");
    assert_ne!(second, token);
    let r = anonymous(
        &app,
        reqwest::Method::POST,
        &format!("/api/csat/{second}"),
        Some(json!({ "rating": 5 })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn csat_links_expire_cannot_be_forged_and_cannot_rate_another_ticket() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    for (who, id) in [
        ("ann@customer.io", "a1@customer.io"),
        ("bob@customer.io", "b1@customer.io"),
    ] {
        smtp(
            &app,
            who,
            &[&o.address],
            &mail(who, &o.address, "Help", id, "", "Hi."),
        )
        .await;
    }
    for t in tickets(&app, &o.admin).await {
        set_status(&app, &o.admin, t["id"].as_str().unwrap(), "RESOLVED").await;
    }
    let (ann, _) = survey_token(&app, "ann@customer.io");
    let (bob, _) = survey_token(&app, "bob@customer.io");
    let part = |t: &str, i: usize| t.split('-').nth(i).unwrap().to_string();

    // Ann's signature with Bob's survey: refused, nothing rated.
    let forged = format!(
        "{}-{}-{}-{}",
        part(&ann, 0),
        part(&bob, 1),
        part(&ann, 2),
        part(&ann, 3)
    );
    // A later expiry with the old signature: refused.
    let later = format!(
        "{}-{}-{}-{}",
        part(&ann, 0),
        part(&ann, 1),
        part(&ann, 2).parse::<i64>().unwrap() + 1,
        part(&ann, 3)
    );
    for t in [forged.as_str(), later.as_str(), "nope", "a-b-c-d"] {
        let r = anonymous(
            &app,
            reqwest::Method::POST,
            &format!("/api/csat/{t}"),
            Some(json!({ "rating": 1 })),
        )
        .await;
        assert_eq!(r.status, 404, "{t}: {:?}", r.body);
    }
    let r = anonymous(
        &app,
        reqwest::Method::GET,
        &format!("/api/csat/{bob}"),
        None,
    )
    .await;
    assert!(r.data()["rating"].is_null());

    // A token the server signed, expired: 410.
    let secret = app.stack.app.settings.jwt_secret.clone();
    let expired = wrrk_shared::csat::token(
        &secret,
        &part(&ann, 0),
        &part(&ann, 1),
        Utc::now() - Duration::seconds(1),
    );
    let r = anonymous(
        &app,
        reqwest::Method::POST,
        &format!("/api/csat/{expired}"),
        Some(json!({ "rating": 5 })),
    )
    .await;
    assert_eq!(r.status, 410, "{:?}", r.body);
    assert_eq!(r.code(), "survey_expired");
    // A token signed with any other secret is refused.
    let other = wrrk_shared::csat::token(
        "not the secret",
        &part(&ann, 0),
        &part(&ann, 1),
        Utc::now() + Duration::days(1),
    );
    let r = anonymous(
        &app,
        reqwest::Method::GET,
        &format!("/api/csat/{other}"),
        None,
    )
    .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // The real one still works.
    let r = anonymous(
        &app,
        reqwest::Method::POST,
        &format!("/api/csat/{ann}"),
        Some(json!({ "rating": 2 })),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
