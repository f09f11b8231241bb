//! Teams: lifecycle, unique names, validation, members and their counts.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp, ids, item_s};

fn team_path(id: &str) -> String {
    format!("/api/teams/{id}")
}

fn members_path(id: &str) -> String {
    format!("/api/teams/{id}/members")
}

async fn member_count(app: &TestApp, s: &Session, team: &str) -> u64 {
    let r = app.get(&team_path(team), &s.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()["memberCount"].as_u64().expect("memberCount")
}

async fn member_ids(app: &TestApp, s: &Session, team: &str) -> BTreeSet<String> {
    let all = app.list_all(&members_path(team), &s.token, 2).await;
    let ids = ids(&Value::Array(all));
    let set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(set.len(), ids.len(), "duplicates in {ids:?}");
    set
}

async fn team_ids_of(app: &TestApp, s: &Session, user: &str) -> BTreeSet<String> {
    let r = app.get(&format!("/api/users/{user}"), &s.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    ids(&r.data()["teams"]).into_iter().collect()
}

#[tokio::test]
async fn create_read_list_rename_and_delete() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;

    let r = app
        .post(
            "/api/teams",
            &admin.token,
            json!({"name": "  Billing  ", "description": " Money matters "}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let team = r.data().clone();
    let id = team["id"].as_str().unwrap().to_string();
    assert_eq!(team["name"], "Billing");
    assert_eq!(team["description"], "Money matters");
    assert_eq!(team["memberCount"], 0);
    assert_eq!(team["orgId"], admin.org_id.as_str());

    // Everyone in the organization reads teams.
    let r = app.get(&team_path(&id), &agent.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data(), &team);

    let second = app.create_team(&admin, "Access").await;
    let third = app.create_team(&admin, "Onboarding").await;
    let r = app.get("/api/teams", &agent.token).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        ids(r.data()),
        vec![id.clone(), second.clone(), third.clone()],
        "oldest first"
    );
    assert!(r.body["nextCursor"].is_null());
    let paged = app.list_all("/api/teams", &admin.token, 2).await;
    assert_eq!(
        ids(&Value::Array(paged)),
        vec![id.clone(), second.clone(), third.clone()]
    );

    // Rename and re-describe; null clears the description; absent fields stay.
    let r = app
        .patch(
            &team_path(&id),
            &admin.token,
            json!({"name": "Payments", "description": "Cards and invoices"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["name"], "Payments");
    assert_eq!(r.data()["description"], "Cards and invoices");
    let r = app
        .patch(&team_path(&id), &admin.token, json!({"description": null}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["name"], "Payments");
    assert!(r.data().get("description").is_none_or(Value::is_null));
    let got = app.get(&team_path(&id), &admin.token).await;
    assert_eq!(got.data()["name"], "Payments");
    assert!(got.data().get("description").is_none_or(Value::is_null));
    // The old name is free again.
    app.create_team(&admin, "Billing").await;

    // Delete: gone from reads and lists, and its name can be reused.
    let r = app.delete(&team_path(&id), &admin.token).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(r.body, Value::Null);
    for r in [
        app.get(&team_path(&id), &admin.token).await,
        app.patch(&team_path(&id), &admin.token, json!({"name": "Zombie"}))
            .await,
        app.delete(&team_path(&id), &admin.token).await,
        app.get(&members_path(&id), &admin.token).await,
    ] {
        assert_eq!((r.status, r.code()), (404, "not_found"), "{:?}", r.body);
    }
    let r = app.get("/api/teams", &admin.token).await;
    assert!(!ids(r.data()).contains(&id));
    app.create_team(&admin, "payments").await;

    for missing in [ulid::Ulid::new().to_string(), "not-an-id".to_string()] {
        let r = app.get(&team_path(&missing), &admin.token).await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{missing}");
    }
}

#[tokio::test]
async fn names_are_unique_per_organization_ignoring_case() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let billing = app.create_team(&admin, "Billing").await;
    let access = app.create_team(&admin, "Access").await;
    let before = app.org_items(&admin.org_id).await;
    for name in ["Billing", "billing", "BILLING", "  Billing  "] {
        let r = app
            .post("/api/teams", &admin.token, json!({ "name": name }))
            .await;
        assert_eq!((r.status, r.code()), (409, "team_name_taken"), "{name}");
        let r = app
            .patch(&team_path(&access), &admin.token, json!({ "name": name }))
            .await;
        assert_eq!((r.status, r.code()), (409, "team_name_taken"), "{name}");
    }
    assert_eq!(
        app.org_items(&admin.org_id).await,
        before,
        "a refused name changed something"
    );
    // Changing only the case of your own name is fine, and keeps it reserved.
    let r = app
        .patch(
            &team_path(&billing),
            &admin.token,
            json!({"name": "BILLING"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["name"], "BILLING");
    let r = app
        .post("/api/teams", &admin.token, json!({"name": "billing"}))
        .await;
    assert_eq!((r.status, r.code()), (409, "team_name_taken"));
    // Another organization may use the same name.
    let other = app.signup("Other", "bob@other.io").await;
    app.create_team(&other, "Billing").await;

    // Two creations of one name at once: exactly one wins.
    let (a, b) = tokio::join!(
        app.post("/api/teams", &admin.token, json!({"name": "Race"})),
        app.post("/api/teams", &admin.token, json!({"name": "RACE"})),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} / {b:?}");
    let names: Vec<String> = app
        .list_all("/api/teams", &admin.token, 100)
        .await
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert_eq!(names.iter().filter(|n| *n == "race").count(), 1);
}

#[tokio::test]
async fn team_fields_are_validated() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let team = app.create_team(&admin, "Billing").await;
    let before = app.org_items(&admin.org_id).await;
    let cases: Vec<(Value, Option<&str>)> = vec![
        (json!({"name": ""}), Some("name")),
        (json!({"name": "   "}), Some("name")),
        (json!({"name": "n".repeat(81)}), Some("name")),
        (json!({"name": "a\u{7}b"}), Some("name")),
        (
            json!({"name": "Fine", "description": "d".repeat(501)}),
            Some("description"),
        ),
        (json!({"name": 7}), None),
        (json!({"name": "Fine", "color": "red"}), None),
    ];
    for (body, field) in &cases {
        let r = app.post("/api/teams", &admin.token, body.clone()).await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{body}");
        if let Some(field) = field {
            assert_eq!(r.body["field"], *field, "{body}");
        }
        let r = app
            .patch(&team_path(&team), &admin.token, body.clone())
            .await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{body}");
    }
    let r = app
        .post(
            "/api/teams",
            &admin.token,
            json!({"description": "no name"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    assert_eq!(app.org_items(&admin.org_id).await, before);
    // The longest allowed values are fine.
    let r = app
        .post(
            "/api/teams",
            &admin.token,
            json!({"name": "n".repeat(80), "description": "d".repeat(500)}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

#[tokio::test]
async fn members_join_and_leave_with_counts_in_step() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let a1 = app.add_member(&admin, "AGENT").await;
    let a2 = app.add_member(&admin, "AGENT").await;
    let a3 = app.add_member(&admin, "AGENT").await;
    let team = app.create_team(&admin, "Billing").await;
    let other = app.create_team(&admin, "Access").await;

    let r = app
        .post(
            &members_path(&team),
            &manager.token,
            json!({"userId": a1.user_id}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["id"], a1.user_id.as_str());
    assert!(r.data().get("passwordHash").is_none());
    app.add_to_team(&admin, &team, &a2.user_id).await;
    app.add_to_team(&admin, &team, &manager.user_id).await;
    app.add_to_team(&admin, &other, &a1.user_id).await;
    assert_eq!(member_count(&app, &admin, &team).await, 3);
    assert_eq!(
        member_ids(&app, &a3, &team).await,
        [&a1, &a2, &manager]
            .iter()
            .map(|s| s.user_id.clone())
            .collect()
    );
    assert_eq!(
        team_ids_of(&app, &admin, &a1.user_id).await,
        [team.clone(), other.clone()].into_iter().collect()
    );

    // Already a member.
    let r = app
        .post(
            &members_path(&team),
            &admin.token,
            json!({"userId": a1.user_id}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "already_member"));
    assert_eq!(member_count(&app, &admin, &team).await, 3);

    // Not a user of this organization, or not active: 404, nothing written.
    let outsider = app.signup("Other", "bob@other.io").await;
    app.deactivate(&admin, &a3).await;
    let before = app.org_items(&admin.org_id).await;
    for (who, user_id) in [
        ("deactivated", a3.user_id.clone()),
        ("other org", outsider.user_id.clone()),
        ("unknown", ulid::Ulid::new().to_string()),
        ("junk", "not-an-id".to_string()),
    ] {
        let r = app
            .post(
                &members_path(&team),
                &admin.token,
                json!({ "userId": user_id }),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (404, "not_found"),
            "{who}: {:?}",
            r.body
        );
    }
    let r = app
        .post(
            &members_path(&ulid::Ulid::new().to_string()),
            &admin.token,
            json!({"userId": a1.user_id}),
        )
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let r = app
        .post(&members_path(&team), &admin.token, json!({}))
        .await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    assert_eq!(app.org_items(&admin.org_id).await, before);

    // Leaving.
    let r = app
        .delete(
            &format!("{}/{}", members_path(&team), a2.user_id),
            &manager.token,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(member_count(&app, &admin, &team).await, 2);
    assert!(!member_ids(&app, &admin, &team).await.contains(&a2.user_id));
    assert!(team_ids_of(&app, &admin, &a2.user_id).await.is_empty());
    let r = app
        .delete(
            &format!("{}/{}", members_path(&team), a2.user_id),
            &admin.token,
        )
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"), "not a member now");
    let r = app
        .delete(
            &format!("{}/{}", members_path(&team), outsider.user_id),
            &admin.token,
        )
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    assert_eq!(member_count(&app, &admin, &team).await, 2);
    // And back again.
    app.add_to_team(&admin, &team, &a2.user_id).await;
    assert_eq!(member_count(&app, &admin, &team).await, 3);
}

#[tokio::test]
async fn concurrent_membership_changes_keep_the_count_right() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let mut users = Vec::new();
    for _ in 0..4 {
        users.push(app.add_member(&admin, "AGENT").await);
    }
    let team = app.create_team(&admin, "Billing").await;
    let path = members_path(&team);
    let add = |u: &Session| app.post(&path, &admin.token, json!({"userId": u.user_id}));
    // Different users at once: all join.
    let (a, b, c) = tokio::join!(add(&users[0]), add(&users[1]), add(&users[2]));
    for r in [&a, &b, &c] {
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    assert_eq!(member_count(&app, &admin, &team).await, 3);
    // The same user twice at once: one joins, one is told they already are.
    let (a, b) = tokio::join!(add(&users[3]), add(&users[3]));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} / {b:?}");
    assert_eq!(member_count(&app, &admin, &team).await, 4);
    assert_eq!(member_ids(&app, &admin, &team).await.len(), 4);
    // Removing one user twice at once: one removal, one 404.
    let path = format!("{}/{}", members_path(&team), users[0].user_id);
    let (a, b) = tokio::join!(
        app.delete(&path, &admin.token),
        app.delete(&path, &admin.token)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [204, 404], "{a:?} / {b:?}");
    assert_eq!(member_count(&app, &admin, &team).await, 3);
}

#[tokio::test]
async fn deleting_a_team_removes_its_memberships() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let doomed = app.create_team(&admin, "Doomed").await;
    let kept = app.create_team(&admin, "Kept").await;
    app.add_to_team(&admin, &doomed, &agent.user_id).await;
    app.add_to_team(&admin, &doomed, &admin.user_id).await;
    app.add_to_team(&admin, &kept, &agent.user_id).await;

    let r = app.delete(&team_path(&doomed), &admin.token).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(
        team_ids_of(&app, &admin, &agent.user_id).await,
        [kept.clone()].into_iter().collect()
    );
    assert!(team_ids_of(&app, &admin, &admin.user_id).await.is_empty());
    let r = app
        .get(&format!("/api/users?team={doomed}"), &admin.token)
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    let leftovers: Vec<_> = app
        .org_items(&admin.org_id)
        .await
        .into_iter()
        .filter(|i| item_s(i, "SK").is_some_and(|sk| sk.contains(&doomed)))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A re-created team of the same name starts empty.
    let again = app.create_team(&admin, "Doomed").await;
    assert_eq!(member_count(&app, &admin, &again).await, 0);
    assert!(member_ids(&app, &admin, &again).await.is_empty());
}
