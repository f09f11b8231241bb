//! Satisfaction surveys in the chat widget: a visitor who is there when their chat is
//! resolved is asked in the widget (`csat:request`), rates once through the widget API,
//! and the rating reaches the agents on the ticket live; a reopened-and-resolved chat is a
//! new survey; another visitor cannot answer it; an organization that turned chat surveys
//! off asks nothing.

use serde_json::json;
use wrrk_tests::{Session, TestApp};

use crate::widget::{org_with_widget, start_session};

/// A visitor's session with a first message, and its chat's id.
async fn visitor(app: &TestApp, key: &str, text: &str) -> (String, String) {
    let s = start_session(
        app,
        key,
        json!({ "message": { "clientId": "c-1", "content": text } }),
    )
    .await;
    assert_eq!(s.status, 201, "{:?}", s.body);
    (
        s.data()["token"].as_str().unwrap().to_string(),
        s.data()["ticketId"].as_str().unwrap().to_string(),
    )
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

#[tokio::test]
async fn widget_csat_a_visitor_there_rates_once_in_the_widget_and_agents_see_it_live() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let (token, ticket_id) = visitor(&app, &key, "My parcel is late").await;
    let mut visitor_ws = app.ws_visitor_connect(&token).await;
    let mut agent_ws = app.ws_connect(&admin.token).await;
    agent_ws.subscribe(&ticket_id).await;
    let mails = app.outbox().len();

    set_status(&app, &admin, &ticket_id, "RESOLVED").await;
    let ask = visitor_ws.expect("csat:request").await;
    assert_eq!(ask["data"]["ticketId"], ticket_id.as_str());
    let survey = ask["data"]["surveyId"].as_str().unwrap().to_string();
    // Asked in the widget, not by mail as well.
    assert_eq!(app.outbox().len(), mails);

    // Out of range or malformed: refused, nothing rated.
    for bad in [
        json!({ "surveyId": survey, "rating": 0 }),
        json!({ "surveyId": survey, "rating": 6 }),
        json!({ "surveyId": survey, "rating": 3, "comment": "x\u{7}" }),
        json!({ "surveyId": "not-a-survey", "rating": 3 }),
    ] {
        let r = app.post("/api/widget/csat", &token, bad).await;
        assert_eq!(r.status, 422, "{:?}", r.body);
    }
    // Another visitor of the same organization cannot answer it.
    let (other, _) = visitor(&app, &key, "Me too").await;
    let r = app
        .post(
            "/api/widget/csat",
            &other,
            json!({ "surveyId": survey, "rating": 1 }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);

    let r = app
        .post(
            "/api/widget/csat",
            &token,
            json!({ "surveyId": survey, "rating": 5, "comment": "Fast, thanks" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["rating"], 5);
    assert_eq!(r.data()["comment"], "Fast, thanks");
    // Once only.
    let r = app
        .post(
            "/api/widget/csat",
            &token,
            json!({ "surveyId": survey, "rating": 1 }),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.code(), "already_rated");

    // The agents on the ticket see the rating live, as a note the visitor never gets.
    let (note, _) = agent_ws
        .until("message:new", |d| d["authorType"] == "SYSTEM")
        .await;
    let content = note["data"]["content"].as_str().unwrap();
    assert!(
        content.contains("5/5") && content.contains("Fast, thanks"),
        "{content}"
    );
    assert_eq!(note["data"]["internal"], true);
    let before = visitor_ws.sync().await;
    assert!(
        before.iter().all(|e| e["event"] != "message:new"),
        "{before:?}"
    );

    // Reopened and resolved again: a new survey, answered on its own.
    set_status(&app, &admin, &ticket_id, "OPEN").await;
    set_status(&app, &admin, &ticket_id, "RESOLVED").await;
    let again = visitor_ws.expect("csat:request").await;
    let second = again["data"]["surveyId"].as_str().unwrap().to_string();
    assert_ne!(second, survey);
    let r = app
        .post(
            "/api/widget/csat",
            &token,
            json!({ "surveyId": second, "rating": 3 }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn widget_csat_another_organizations_survey_is_unknown() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let (token, ticket_id) = visitor(&app, &key, "Hello").await;
    let mut visitor_ws = app.ws_visitor_connect(&token).await;
    set_status(&app, &admin, &ticket_id, "RESOLVED").await;
    let survey = visitor_ws.expect("csat:request").await["data"]["surveyId"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, other_key) = org_with_widget(&app).await;
    let (other, _) = visitor(&app, &other_key, "Hi").await;
    let r = app
        .post(
            "/api/widget/csat",
            &other,
            json!({ "surveyId": survey, "rating": 2 }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
}

#[tokio::test]
async fn widget_csat_turned_off_for_chat_asks_nothing_and_other_channels_keep_asking() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let org_path = format!("/api/organizations/{}", admin.org_id);
    let r = app.get(&org_path, &admin.token).await;
    assert_eq!(
        r.data()["csat"],
        json!({ "email": true, "chat": true, "manual": true })
    );
    for bad in [
        json!({ "csat": { "chat": "no" } }),
        json!({ "csat": { "sms": false } }),
    ] {
        let r = app.patch(&org_path, &admin.token, bad).await;
        assert!(r.status == 400 || r.status == 422, "{:?}", r.body);
    }
    let r = app
        .patch(
            &org_path,
            &admin.token,
            json!({ "csat": { "chat": false } }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.data()["csat"],
        json!({ "email": true, "chat": false, "manual": true })
    );

    let (token, ticket_id) = visitor(&app, &key, "Quick question").await;
    let mut visitor_ws = app.ws_visitor_connect(&token).await;
    set_status(&app, &admin, &ticket_id, "RESOLVED").await;
    // The resolve has answered; anything it sent the visitor is queued before this.
    let before = visitor_ws.sync().await;
    assert!(
        before.iter().all(|e| e["event"] != "csat:request"),
        "{before:?}"
    );

    // A manual ticket of the same organization is still asked (by mail).
    let t = app
        .post(
            "/api/tickets",
            &admin.token,
            json!({ "subject": "Call back", "customer": { "email": "mia@customer.io", "name": "Mia" }, "message": "Called" }),
        )
        .await;
    assert_eq!(t.status, 201, "{:?}", t.body);
    let id = t.data()["id"].as_str().unwrap().to_string();
    set_status(&app, &admin, &id, "RESOLVED").await;
    assert!(
        app.last_mail_to("mia@customer.io")
            .subject
            .starts_with("How did we do?")
    );
}
