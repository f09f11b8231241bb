//! Users: the list (filters, pagination), profiles, who may edit what, roles, the last
//! admin, and deactivation.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use wrrk_tests::{PASSWORD, Session, TestApp, enc, ids, unique};

fn set(ids: Vec<String>) -> BTreeSet<String> {
    ids.into_iter().collect()
}

fn user_path(s: &Session) -> String {
    format!("/api/users/{}", s.user_id)
}

#[tokio::test]
async fn the_list_is_newest_first_and_pages_without_gaps_or_duplicates() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let mut created = vec![admin.user_id.clone()];
    for role in ["AGENT", "SUPERVISOR", "AGENT", "MANAGER", "AGENT"] {
        created.push(app.add_member(&admin, role).await.user_id);
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let r = app.get("/api/users", &admin.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ids(r.data()), newest_first);
    assert!(r.body["nextCursor"].is_null(), "{:?}", r.body);
    let created_at: Vec<&str> = r
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["createdAt"].as_str().unwrap())
        .collect();
    let times: Vec<chrono::DateTime<chrono::Utc>> =
        created_at.iter().map(|t| t.parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{created_at:?}");
    let text = r.body.to_string();
    for secret in ["passwordHash", "argon2", "searchText", "\"PK\""] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }

    // Two per page: three pages, together exactly the full list, in order.
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => "/api/users?limit=2".to_string(),
            Some(c) => format!("/api/users?limit=2&cursor={}", enc(c)),
        };
        let r = app.get(&path, &admin.token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        pages.push(ids(r.data()));
        match r.body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
        assert!(pages.len() < 10, "the cursor never ran out");
    }
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(pages.iter().all(|p| p.len() == 2), "{pages:?}");
    assert_eq!(pages.concat(), newest_first);

    // Other page sizes agree too.
    for limit in [1, 4, 5, 6, 100] {
        let all = app.list_all("/api/users", &admin.token, limit).await;
        assert_eq!(ids(&Value::Array(all)), newest_first, "limit={limit}");
    }
}

#[tokio::test]
async fn bad_limits_and_cursors_are_400() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    for _ in 0..3 {
        app.add_member(&admin, "AGENT").await;
    }
    for limit in ["0", "101", "-1", "abc", "2.5", "1e2"] {
        let r = app
            .get(&format!("/api/users?limit={limit}"), &admin.token)
            .await;
        assert_eq!(r.status, 400, "limit={limit}: {:?}", r.body);
        assert_eq!(r.code(), "invalid_limit", "limit={limit}");
    }
    assert_eq!(
        app.get("/api/users?limit=100", &admin.token).await.status,
        200
    );

    let r = app.get("/api/users?limit=1", &admin.token).await;
    let cursor = r.body["nextCursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    assert_eq!(
        app.get(
            &format!("/api/users?limit=1&cursor={}", enc(&cursor)),
            &admin.token
        )
        .await
        .status,
        200
    );
    // Flip one character of the payload, of the signature, or drop the signature.
    let (payload, tag) = cursor.split_once('.').unwrap();
    let flip = |s: &str| {
        let mut c: Vec<char> = s.chars().collect();
        c[1] = if c[1] == 'A' { 'B' } else { 'A' };
        c.into_iter().collect::<String>()
    };
    let tampered = [
        format!("{}.{tag}", flip(payload)),
        format!("{payload}.{}", flip(tag)),
        payload.to_string(),
        "garbage".to_string(),
        format!("{cursor}x"),
    ];
    for bad in tampered {
        let r = app
            .get(
                &format!("/api/users?limit=1&cursor={}", enc(&bad)),
                &admin.token,
            )
            .await;
        assert_eq!(r.status, 400, "{bad}: {:?}", r.body);
        assert_eq!(r.code(), "invalid_cursor", "{bad}");
    }
    // A cursor belongs to its list and filters.
    for other in [
        format!("/api/users?limit=1&role=AGENT&cursor={}", enc(&cursor)),
        format!("/api/users?limit=1&search=a&cursor={}", enc(&cursor)),
        format!("/api/teams?limit=1&cursor={}", enc(&cursor)),
    ] {
        let r = app.get(&other, &admin.token).await;
        assert_eq!((r.status, r.code()), (400, "invalid_cursor"), "{other}");
    }
}

#[tokio::test]
async fn search_matches_name_or_email_case_insensitively() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let zelda = app
        .join(&admin, "zq@alpha.test", "Zelda Quartz", "AGENT")
        .await;
    let yann = app
        .join(
            &admin,
            "Yann.Stone@Beta.test",
            "Yannick Stone",
            "SUPERVISOR",
        )
        .await;
    let xav = app
        .join(&admin, "xq@gamma.test", "Xavier Quartzman", "AGENT")
        .await;
    let cases: Vec<(&str, Vec<&Session>)> = vec![
        ("quartz", vec![&xav, &zelda]),
        ("QUARTZ", vec![&xav, &zelda]),
        ("qUaRtZmAn", vec![&xav]),
        ("zelda q", vec![&zelda]),
        ("BETA.TEST", vec![&yann]),
        ("yann.stone@", vec![&yann]),
        ("Stone", vec![&yann]),
        ("@", vec![&xav, &yann, &zelda, &admin]),
        ("nobody-matches-this", vec![]),
    ];
    for (search, want) in cases {
        let want: Vec<String> = want.iter().map(|s| s.user_id.clone()).collect();
        let path = format!("/api/users?search={}", enc(search));
        let r = app.get(&path, &admin.token).await;
        assert_eq!(r.status, 200, "{search}: {:?}", r.body);
        assert_eq!(ids(r.data()), want, "search={search}");
        // Filtered pages are gapless too.
        let paged = app.list_all(&path, &admin.token, 1).await;
        assert_eq!(ids(&Value::Array(paged)), want, "search={search}, paged");
    }
    let r = app
        .get(
            &format!("/api/users?search={}", "a".repeat(101)),
            &admin.token,
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
}

#[tokio::test]
async fn role_and_team_filters() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let a1 = app.add_member(&admin, "AGENT").await;
    let sup = app.add_member(&admin, "SUPERVISOR").await;
    let a2 = app.add_member(&admin, "AGENT").await;
    let mgr = app.add_member(&admin, "MANAGER").await;

    let by_role = |role: &str| format!("/api/users?role={role}");
    let cases = [
        ("AGENT", vec![&a2, &a1]),
        ("SUPERVISOR", vec![&sup]),
        ("MANAGER", vec![&mgr]),
        ("ADMIN", vec![&admin]),
    ];
    for (role, want) in cases {
        let r = app.get(&by_role(role), &admin.token).await;
        assert_eq!(r.status, 200, "{role}: {:?}", r.body);
        let want: Vec<String> = want.iter().map(|s| s.user_id.clone()).collect();
        assert_eq!(ids(r.data()), want, "role={role}");
        assert!(
            r.data()
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["role"] == role)
        );
    }
    let r = app.get(&by_role("OWNER"), &admin.token).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));

    let team = app.create_team(&admin, "Billing").await;
    let other_team = app.create_team(&admin, "Empty").await;
    app.add_to_team(&admin, &team, &a1.user_id).await;
    app.add_to_team(&admin, &team, &mgr.user_id).await;
    let r = app
        .get(&format!("/api/users?team={team}"), &admin.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        set(ids(r.data())),
        set(vec![a1.user_id.clone(), mgr.user_id.clone()])
    );
    let paged = app
        .list_all(&format!("/api/users?team={team}"), &admin.token, 1)
        .await;
    assert_eq!(
        set(ids(&Value::Array(paged.clone()))),
        set(vec![a1.user_id.clone(), mgr.user_id.clone()])
    );
    assert_eq!(paged.len(), 2);
    let r = app
        .get(&format!("/api/users?team={team}&role=AGENT"), &admin.token)
        .await;
    assert_eq!(ids(r.data()), vec![a1.user_id.clone()]);
    let r = app
        .get(
            &format!("/api/users?team={team}&search={}", enc("MANAGER member")),
            &admin.token,
        )
        .await;
    assert_eq!(ids(r.data()), vec![mgr.user_id.clone()]);
    let r = app
        .get(&format!("/api/users?team={other_team}"), &admin.token)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data(), &json!([]));
    let missing = ulid::Ulid::new().to_string();
    let r = app
        .get(&format!("/api/users?team={missing}"), &admin.token)
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"), "team={missing}");
    // Not an id at all: refused before it can become part of a key.
    let r = app.get("/api/users?team=not-a-team", &admin.token).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
}

#[tokio::test]
async fn a_profile_lists_its_teams() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let billing = app.create_team(&admin, "Billing").await;
    let access = app.create_team(&admin, "Access").await;
    app.create_team(&admin, "Unrelated").await;
    app.add_to_team(&admin, &billing, &agent.user_id).await;
    app.add_to_team(&admin, &access, &agent.user_id).await;

    // Anyone in the organization can read a profile.
    let r = app.get(&user_path(&agent), &admin.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let u = r.data();
    assert_eq!(u["id"], agent.user_id.as_str());
    assert_eq!(u["email"], agent.email.as_str());
    assert_eq!(u["role"], "AGENT");
    assert_eq!(u["active"], true);
    assert!(u.get("passwordHash").is_none());
    let mut teams: Vec<(String, String)> = u["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| {
            assert_eq!(t.as_object().unwrap().len(), 2, "only id and name: {t}");
            (
                t["id"].as_str().unwrap().to_string(),
                t["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    teams.sort();
    let mut want = vec![
        (billing.clone(), "Billing".to_string()),
        (access.clone(), "Access".to_string()),
    ];
    want.sort();
    assert_eq!(teams, want);

    let r = app.get(&user_path(&admin), &agent.token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["teams"], json!([]));

    for missing in [ulid::Ulid::new().to_string(), "not-an-id".to_string()] {
        let r = app
            .get(&format!("/api/users/{missing}"), &admin.token)
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{missing}");
    }
}

#[tokio::test]
async fn who_may_edit_which_profile() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let sup = app.add_member(&admin, "SUPERVISOR").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let other_agent = app.add_member(&admin, "AGENT").await;

    // Everyone edits their own name and avatar.
    for s in [&admin, &manager, &sup, &agent] {
        let r = app
            .patch(
                &user_path(s),
                &s.token,
                json!({"name": "  Renamed Self  ", "avatarUrl": "https://cdn.example.com/me.png"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}: {:?}", s.email, r.body);
        assert_eq!(r.data()["name"], "Renamed Self");
        assert_eq!(r.data()["avatarUrl"], "https://cdn.example.com/me.png");
        let got = app.get(&user_path(s), &s.token).await;
        assert_eq!(got.data()["name"], "Renamed Self");
        assert_eq!(got.data()["avatarUrl"], "https://cdn.example.com/me.png");
    }
    // null clears the avatar.
    let r = app
        .patch(&user_path(&agent), &agent.token, json!({"avatarUrl": null}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.data().get("avatarUrl").is_none_or(Value::is_null));
    assert_eq!(r.data()["name"], "Renamed Self", "an absent field is kept");

    let rename = |name: &str| json!({ "name": name });
    // Agents and supervisors cannot edit others.
    for (actor, target) in [(&agent, &other_agent), (&sup, &agent), (&agent, &admin)] {
        let r = app
            .patch(&user_path(target), &actor.token, rename("Hijacked"))
            .await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{}", actor.email);
    }
    // Managers edit agents, supervisors and managers, but not admins.
    for target in [&agent, &sup] {
        let r = app
            .patch(&user_path(target), &manager.token, rename("By Manager"))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.data()["name"], "By Manager");
    }
    let r = app
        .patch(&user_path(&admin), &manager.token, rename("Hijacked"))
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = app
        .patch(
            &user_path(&admin),
            &manager.token,
            json!({"avatarUrl": "https://evil.example.com/x.png"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = app.delete(&user_path(&admin), &manager.token).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let got = app.get(&user_path(&admin), &admin.token).await;
    assert_eq!(got.data()["name"], "Renamed Self");
    assert_eq!(got.data()["active"], true);

    // Only admins change roles: not managers, not anyone their own.
    for (actor, target, role) in [
        (&manager, &agent, "SUPERVISOR"),
        (&manager, &manager, "ADMIN"),
        (&agent, &agent, "MANAGER"),
        (&sup, &sup, "ADMIN"),
    ] {
        let r = app
            .patch(&user_path(target), &actor.token, json!({ "role": role }))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (403, "forbidden"),
            "{} -> {role}",
            actor.email
        );
    }
    let got = app.get(&user_path(&agent), &admin.token).await;
    assert_eq!(got.data()["role"], "AGENT");
    let got = app.get(&user_path(&manager), &admin.token).await;
    assert_eq!(got.data()["role"], "MANAGER");

    let r = app
        .patch(
            &user_path(&agent),
            &admin.token,
            json!({"role": "SUPERVISOR", "name": "Promoted"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["role"], "SUPERVISOR");
    assert_eq!(r.data()["name"], "Promoted");
    let again = app.login(&agent.email, PASSWORD).await;
    let me = app.get("/api/auth/me", &again.token).await;
    assert_eq!(me.data()["user"]["role"], "SUPERVISOR");

    // Validation.
    for (body, field) in [
        (json!({"name": ""}), Some("name")),
        (json!({"name": "   "}), Some("name")),
        (json!({"name": "x".repeat(101)}), Some("name")),
        (json!({"email": "new@acme.io"}), None),
        (json!({"name": 5}), None),
    ] {
        let r = app
            .patch(&user_path(&agent), &agent.token, body.clone())
            .await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{body}");
        if let Some(field) = field {
            assert_eq!(r.body["field"], field, "{body}");
        }
    }
    for missing in [ulid::Ulid::new().to_string(), "nope".to_string()] {
        let r = app
            .patch(&format!("/api/users/{missing}"), &admin.token, rename("X"))
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
    }
}

#[tokio::test]
async fn avatar_urls_must_be_https_and_roles_must_exist() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let before = app.get(&user_path(&agent), &admin.token).await;
    for url in [
        "http://cdn.example.com/a.png",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://cdn.example.com/a.png",
        "https://",
        "https:// spaced.example.com/a.png",
        "//cdn.example.com/a.png",
        "",
    ] {
        let r = app
            .patch(
                &user_path(&agent),
                &agent.token,
                json!({ "avatarUrl": url }),
            )
            .await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{url}");
        assert_eq!(r.body["field"], "avatarUrl", "{url}");
    }
    for role in ["OWNER", "superuser", "", "ADMINISTRATOR"] {
        let r = app
            .patch(&user_path(&agent), &admin.token, json!({ "role": role }))
            .await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{role}");
        assert_eq!(r.body["field"], "role", "{role}");
    }
    let after = app.get(&user_path(&agent), &admin.token).await;
    assert_eq!(before.body, after.body, "a rejected edit changed the user");
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let r = app
        .patch(&user_path(&admin), &admin.token, json!({"role": "MANAGER"}))
        .await;
    assert_eq!((r.status, r.code()), (409, "last_admin"), "{:?}", r.body);
    let r = app.delete(&user_path(&admin), &admin.token).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "cannot_deactivate_self"),
        "{:?}",
        r.body
    );
    let me = app.get(&user_path(&admin), &admin.token).await;
    assert_eq!(me.data()["role"], "ADMIN");
    assert_eq!(me.data()["active"], true);

    // A second admin (by promotion) makes demoting the first possible...
    let second = app.add_member(&admin, "MANAGER").await;
    let r = app
        .patch(&user_path(&second), &admin.token, json!({"role": "ADMIN"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(&user_path(&admin), &admin.token, json!({"role": "AGENT"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // ...and then the second is the last one.
    let r = app
        .patch(
            &user_path(&second),
            &second.token,
            json!({"role": "SUPERVISOR"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "last_admin"));

    // A third admin (by invitation) can be deactivated while another remains, and then
    // the remaining one stays an admin.
    let third = app.add_member(&second, "ADMIN").await;
    let r = app.delete(&user_path(&third), &second.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &user_path(&second),
            &second.token,
            json!({"role": "MANAGER"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "last_admin"));
    // A deactivated admin does not count: promoting someone back is needed first.
    let r = app
        .patch(&user_path(&admin), &second.token, json!({"role": "ADMIN"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &user_path(&second),
            &second.token,
            json!({"role": "MANAGER"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let admins = app.get("/api/users?role=ADMIN", &admin.token).await;
    let active: Vec<&Value> = admins
        .data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["active"] == true)
        .collect();
    assert_eq!(active.len(), 1, "{:?}", admins.body);
    assert_eq!(active[0]["id"], admin.user_id.as_str());
}

/// Active admins of the organization, as the API lists them.
async fn active_admins(app: &TestApp, token: &str) -> Vec<String> {
    let r = app.get("/api/users?role=ADMIN", token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["active"] == true)
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_exactly_one() {
    let app = TestApp::spawn().await;
    for round in 0..3 {
        let a = app
            .signup(&format!("Race {round}"), &format!("a{round}@race.io"))
            .await;
        let b = app.add_member(&a, "ADMIN").await;
        let (path_a, path_b) = (user_path(&a), user_path(&b));
        let (ra, rb) = tokio::join!(
            app.patch(&path_b, &a.token, json!({"role": "AGENT"})),
            app.patch(&path_a, &b.token, json!({"role": "AGENT"})),
        );
        let ok: Vec<_> = [&ra, &rb].into_iter().filter(|r| r.status == 200).collect();
        let refused: Vec<_> = [&ra, &rb].into_iter().filter(|r| r.status != 200).collect();
        assert_eq!(ok.len(), 1, "round {round}: {ra:?} / {rb:?}");
        // The loser either hit the guard or was already demoted when it was checked.
        assert!(
            matches!(
                (refused[0].status, refused[0].code()),
                (409, "last_admin") | (403, "forbidden")
            ),
            "round {round}: {:?}",
            refused[0]
        );
        let winner = if ra.status == 200 { &a } else { &b };
        let remaining = active_admins(&app, &winner.token).await;
        assert_eq!(remaining, vec![winner.user_id.clone()], "round {round}");
        // The guard still agrees there is exactly one.
        let r = app
            .patch(&user_path(winner), &winner.token, json!({"role": "AGENT"}))
            .await;
        assert_eq!((r.status, r.code()), (409, "last_admin"), "round {round}");
    }
}

#[tokio::test]
async fn two_admins_deactivating_each_other_at_once_leave_exactly_one() {
    let app = TestApp::spawn().await;
    for round in 0..3 {
        let a = app
            .signup(&format!("Race {round}"), &format!("a{round}@race.io"))
            .await;
        let b = app.add_member(&a, "ADMIN").await;
        let (path_a, path_b) = (user_path(&a), user_path(&b));
        let (ra, rb) = tokio::join!(app.delete(&path_b, &a.token), app.delete(&path_a, &b.token),);
        let statuses = [ra.status, rb.status];
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {ra:?} / {rb:?}"
        );
        let (winner, loser, refused) = if ra.status == 200 {
            (&a, &b, &rb)
        } else {
            (&b, &a, &ra)
        };
        // The loser hit the guard, or was already deactivated when it was authenticated.
        assert!(
            matches!(
                (refused.status, refused.code()),
                (409, "last_admin") | (401, "unauthorized")
            ),
            "round {round}: {refused:?}"
        );
        assert_eq!(
            active_admins(&app, &winner.token).await,
            vec![winner.user_id.clone()]
        );
        assert_eq!(app.try_login(&loser.email, PASSWORD).await.status, 401);
        assert_eq!(app.try_login(&winner.email, PASSWORD).await.status, 200);
    }
}

#[tokio::test]
async fn deactivation_cuts_access_at_once_and_keeps_the_user() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let team = app.create_team(&admin, "Billing").await;
    app.add_to_team(&admin, &team, &agent.user_id).await;
    assert_eq!(app.get("/api/auth/me", &agent.token).await.status, 200);
    assert_eq!(app.get("/api/users", &agent.token).await.status, 200);

    let r = app.delete(&user_path(&agent), &admin.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["active"], false);
    assert_eq!(r.data()["id"], agent.user_id.as_str());

    // The token they already hold stops working at once, everywhere.
    for path in ["/api/auth/me", "/api/users", "/api/teams"] {
        let r = app.get(path, &agent.token).await;
        assert_eq!((r.status, r.code()), (401, "unauthorized"), "{path}");
    }
    let r = app
        .patch(
            &user_path(&agent),
            &agent.token,
            json!({"name": "Still here"}),
        )
        .await;
    assert_eq!(r.status, 401);
    // Logging in again is refused like a wrong password.
    let r = app.try_login(&agent.email, PASSWORD).await;
    assert_eq!((r.status, r.code()), (401, "invalid_credentials"));

    // The account is kept and listed as inactive.
    let r = app.get("/api/users", &admin.token).await;
    let listed = r
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == agent.user_id.as_str())
        .expect("still listed")
        .clone();
    assert_eq!(listed["active"], false);
    assert_eq!(listed["email"], agent.email.as_str());
    let r = app.get(&user_path(&agent), &admin.token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["active"], false);

    // Deactivating again changes nothing; deactivating yourself is refused.
    let r = app.delete(&user_path(&agent), &admin.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["active"], false);
    let r = app.delete(&user_path(&admin), &admin.token).await;
    assert_eq!((r.status, r.code()), (409, "cannot_deactivate_self"));
    let manager = app.add_member(&admin, "MANAGER").await;
    let r = app.delete(&user_path(&manager), &manager.token).await;
    assert_eq!((r.status, r.code()), (409, "cannot_deactivate_self"));
    assert_eq!(app.get("/api/auth/me", &manager.token).await.status, 200);

    // Agents and supervisors cannot deactivate anyone.
    let sup = app.add_member(&admin, "SUPERVISOR").await;
    let victim = app.add_member(&admin, "AGENT").await;
    let r = app.delete(&user_path(&victim), &sup.token).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    assert_eq!(app.get("/api/auth/me", &victim.token).await.status, 200);
    for missing in [ulid::Ulid::new().to_string(), "nope".into()] {
        let r = app
            .delete(&format!("/api/users/{missing}"), &admin.token)
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"));
    }
}

#[tokio::test]
async fn a_demoted_manager_loses_manager_permissions_immediately() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let r = app
        .post("/api/teams", &manager.token, json!({"name": "Before"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(
        app.get("/api/invitations", &manager.token).await.status,
        200
    );

    let r = app
        .patch(&user_path(&manager), &admin.token, json!({"role": "AGENT"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Same token, no new login: the stored role applies at once.
    let r = app
        .post("/api/teams", &manager.token, json!({"name": "After"}))
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    let r = app.get("/api/invitations", &manager.token).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = app
        .invite(&manager, &format!("{}@x.test", unique()), "AGENT")
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let r = app
        .patch(&user_path(&agent), &manager.token, json!({"name": "Nope"}))
        .await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    let me = app.get("/api/auth/me", &manager.token).await;
    assert_eq!(me.data()["user"]["role"], "AGENT");

    // Promoted back, the same token regains them.
    let r = app
        .patch(
            &user_path(&manager),
            &admin.token,
            json!({"role": "MANAGER"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .post("/api/teams", &manager.token, json!({"name": "After"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}
