//! The caller's organization: reading it, changing its settings, validation, and
//! concurrent edits of different fields.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp};

fn org_path(s: &Session) -> String {
    format!("/api/organizations/{}", s.org_id)
}

#[tokio::test]
async fn every_member_reads_their_organization() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme Corp", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    for s in [&admin, &agent] {
        let r = app.get(&org_path(s), &s.token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let org = r.data();
        assert_eq!(org["id"], admin.org_id.as_str());
        assert_eq!(org["name"], "Acme Corp");
        assert_eq!(org["ticketPrefix"], "ACME");
        assert_eq!(org["timezone"], "UTC");
        let widget = &org["widget"];
        assert!(
            widget["primaryColor"]
                .as_str()
                .is_some_and(|c| c.len() == 7 && c.starts_with('#'))
        );
        assert_eq!(widget["position"], "bottom-right");
        assert!(
            widget["welcomeMessage"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    for missing in [ulid::Ulid::new().to_string(), "not-an-id".to_string()] {
        let r = app
            .get(&format!("/api/organizations/{missing}"), &admin.token)
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{missing}");
        let r = app
            .patch(
                &format!("/api/organizations/{missing}"),
                &admin.token,
                json!({"name": "X"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{missing}");
    }
    let r = app.call(Method::GET, &org_path(&admin), None, None).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn an_admin_changes_every_setting() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let before = app.get(&org_path(&admin), &admin.token).await;
    let r = app
        .patch(
            &org_path(&admin),
            &admin.token,
            json!({
                "name": "  Acme Support  ",
                "ticketPrefix": "help",
                "timezone": "Europe/Berlin",
                "widget": {
                    "primaryColor": "#FF8800",
                    "position": "bottom-left",
                    "welcomeMessage": "  Hello there!  "
                }
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let want = json!({
        "name": "Acme Support",
        "ticketPrefix": "HELP",
        "timezone": "Europe/Berlin",
        "widget": {
            "primaryColor": "#ff8800",
            "position": "bottom-left",
            "welcomeMessage": "Hello there!"
        }
    });
    let got = app.get(&org_path(&admin), &admin.token).await;
    for org in [r.data(), got.data()] {
        for key in ["name", "ticketPrefix", "timezone"] {
            assert_eq!(org[key], want[key], "{key}: {org}");
        }
        for key in ["primaryColor", "position", "welcomeMessage"] {
            assert_eq!(
                org["widget"][key], want["widget"][key],
                "widget.{key}: {org}"
            );
        }
        assert_eq!(org["id"], admin.org_id.as_str());
        assert_eq!(org["createdAt"], before.data()["createdAt"]);
    }
    // Sign-in answers show the new name too.
    let me = app.get("/api/auth/me", &admin.token).await;
    assert_eq!(me.data()["organization"]["name"], "Acme Support");

    // A partial widget change keeps the other widget fields; other fields stay.
    let r = app
        .patch(
            &org_path(&admin),
            &admin.token,
            json!({"widget": {"position": "bottom-right"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let got = app.get(&org_path(&admin), &admin.token).await;
    let widget = &got.data()["widget"];
    assert_eq!(
        [
            &widget["primaryColor"],
            &widget["position"],
            &widget["welcomeMessage"]
        ],
        [
            &json!("#ff8800"),
            &json!("bottom-right"),
            &json!("Hello there!")
        ]
    );
    assert_eq!(got.data()["name"], "Acme Support");
    assert_eq!(got.data()["ticketPrefix"], "HELP");
    assert_eq!(got.data()["timezone"], "Europe/Berlin");

    // Edge values that are valid.
    for body in [
        json!({"ticketPrefix": "AB"}),
        json!({"ticketPrefix": "ABCDEF"}),
        json!({"timezone": "UTC"}),
        json!({"timezone": "America/Argentina/Buenos_Aires"}),
        json!({"widget": {"primaryColor": "#abcdef"}}),
        json!({"name": "n".repeat(100)}),
    ] {
        let r = app
            .patch(&org_path(&admin), &admin.token, body.clone())
            .await;
        assert_eq!(r.status, 200, "{body}: {:?}", r.body);
    }
}

#[tokio::test]
async fn invalid_settings_are_422_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let before = app.get(&org_path(&admin), &admin.token).await;
    let cases: Vec<(Value, Option<&str>)> = vec![
        (json!({"name": ""}), Some("name")),
        (json!({"name": "   "}), Some("name")),
        (json!({"name": "n".repeat(101)}), Some("name")),
        (json!({"ticketPrefix": "A"}), Some("ticketPrefix")),
        (json!({"ticketPrefix": "ABCDEFG"}), Some("ticketPrefix")),
        (json!({"ticketPrefix": "AB1"}), Some("ticketPrefix")),
        (json!({"ticketPrefix": "AB-C"}), Some("ticketPrefix")),
        (json!({"ticketPrefix": ""}), Some("ticketPrefix")),
        (json!({"ticketPrefix": "ÄBC"}), Some("ticketPrefix")),
        (json!({"timezone": "Mars"}), Some("timezone")),
        (json!({"timezone": ""}), Some("timezone")),
        (json!({"timezone": "Europe/Berlin; DROP"}), Some("timezone")),
        (
            json!({"widget": {"primaryColor": "red"}}),
            Some("widget.primaryColor"),
        ),
        (
            json!({"widget": {"primaryColor": "#12345"}}),
            Some("widget.primaryColor"),
        ),
        (
            json!({"widget": {"primaryColor": "#1234567"}}),
            Some("widget.primaryColor"),
        ),
        (
            json!({"widget": {"primaryColor": "#GGGGGG"}}),
            Some("widget.primaryColor"),
        ),
        (
            json!({"widget": {"primaryColor": "123456"}}),
            Some("widget.primaryColor"),
        ),
        (
            json!({"widget": {"welcomeMessage": ""}}),
            Some("widget.welcomeMessage"),
        ),
        (
            json!({"widget": {"welcomeMessage": "w".repeat(501)}}),
            Some("widget.welcomeMessage"),
        ),
        (json!({"widget": {"position": "top-left"}}), None),
        (json!({"widget": {"position": "BOTTOM-LEFT"}}), None),
        (json!({"widget": {"font": "Comic Sans"}}), None),
        (json!({"widget": "blue"}), None),
        (json!({"plan": "enterprise"}), None),
        (json!({"id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}), None),
        (json!({"ticketPrefix": 42}), None),
        // One bad field spoils the whole request: the good one is not applied either.
        (
            json!({"name": "Renamed", "ticketPrefix": "X"}),
            Some("ticketPrefix"),
        ),
    ];
    for (body, field) in cases {
        let r = app
            .patch(&org_path(&admin), &admin.token, body.clone())
            .await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{body}");
        if let Some(field) = field {
            assert_eq!(r.body["field"], field, "{body}");
        }
    }
    let r = app
        .raw(
            Method::PATCH,
            &org_path(&admin),
            Some(&admin.token),
            "{not json",
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "malformed_json"));
    let after = app.get(&org_path(&admin), &admin.token).await;
    assert_eq!(before.body, after.body, "a rejected change was applied");
}

#[tokio::test]
async fn concurrent_changes_of_different_fields_all_land() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let path = org_path(&admin);
    let zones = ["Europe/Berlin", "Asia/Tokyo", "America/New_York", "UTC"];
    let colors = ["#111111", "#222222", "#333333", "#444444"];
    let positions = ["bottom-left", "bottom-right", "bottom-left", "bottom-right"];
    for round in 0..4 {
        let name = format!("Acme round {round}");
        let (a, b, c) = tokio::join!(
            app.patch(&path, &admin.token, json!({ "name": name })),
            app.patch(&path, &admin.token, json!({ "timezone": zones[round] })),
            app.patch(
                &path,
                &admin.token,
                json!({ "widget": { "primaryColor": colors[round] } })
            ),
        );
        for r in [&a, &b, &c] {
            assert_eq!(r.status, 200, "round {round}: {:?}", r.body);
        }
        let (d, e) = tokio::join!(
            app.patch(
                &path,
                &admin.token,
                json!({ "widget": { "position": positions[round] } })
            ),
            app.patch(
                &path,
                &admin.token,
                json!({ "widget": { "welcomeMessage": format!("Hi {round}") } })
            ),
        );
        for r in [&d, &e] {
            assert_eq!(r.status, 200, "round {round}: {:?}", r.body);
        }
        let got = app.get(&path, &admin.token).await;
        let org = got.data();
        assert_eq!(org["name"], name.as_str(), "round {round}");
        assert_eq!(org["timezone"], zones[round], "round {round}");
        assert_eq!(
            org["widget"]["primaryColor"], colors[round],
            "round {round}"
        );
        assert_eq!(org["widget"]["position"], positions[round], "round {round}");
        assert_eq!(
            org["widget"]["welcomeMessage"],
            format!("Hi {round}").as_str(),
            "round {round}"
        );
    }
}
