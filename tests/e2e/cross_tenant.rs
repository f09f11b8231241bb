//! Tenancy: a user of organization B, whatever their role, cannot see or touch anything of
//! organization A through any endpoint. Every attempt is a 404 (a 400 for a foreign
//! cursor), and A's items stay byte-for-byte the same.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp, enc, ids};

/// One attempt: method, path, body, expected status and code, and whether it is refused
/// the same way for a B user without any permission (an AGENT).
struct Attempt {
    method: Method,
    path: String,
    body: Option<Value>,
    status: u16,
    code: &'static str,
    any_role: bool,
}

fn attempt(method: Method, path: String, body: Option<Value>) -> Attempt {
    Attempt {
        method,
        path,
        body,
        status: 404,
        code: "not_found",
        any_role: true,
    }
}

fn next_cursor(r: &wrrk_tests::Resp) -> String {
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["nextCursor"]
        .as_str()
        .unwrap_or_else(|| panic!("no next page: {:?}", r.body))
        .to_string()
}

#[tokio::test]
async fn another_organization_sees_and_changes_nothing() {
    let app = TestApp::spawn().await;

    // Organization A: users, a team with members, a pending invitation.
    let a_admin = app.signup("Alpha", "ada@alpha.io").await;
    let a_agent = app.add_member(&a_admin, "AGENT").await;
    let a_manager = app.add_member(&a_admin, "MANAGER").await;
    let a_team = app.create_team(&a_admin, "Billing").await;
    let a_team2 = app.create_team(&a_admin, "Access").await;
    app.add_to_team(&a_admin, &a_team, &a_agent.user_id).await;
    app.add_to_team(&a_admin, &a_team, &a_manager.user_id).await;
    let (a_inv, _) = app
        .invite_ok(&a_admin, "pending@alpha.io", "SUPERVISOR")
        .await;
    let a_inv = a_inv["id"].as_str().unwrap().to_string();
    app.invite_ok(&a_admin, "pending2@alpha.io", "AGENT").await;
    // Cursors A obtained for its own lists.
    let users_cursor = next_cursor(&app.get("/api/users?limit=1", &a_admin.token).await);
    let teams_cursor = next_cursor(&app.get("/api/teams?limit=1", &a_admin.token).await);
    let members_cursor = next_cursor(
        &app.get(
            &format!("/api/teams/{a_team}/members?limit=1"),
            &a_admin.token,
        )
        .await,
    );
    let invitations_cursor =
        next_cursor(&app.get("/api/invitations?limit=1", &a_admin.token).await);

    // Organization B: an admin, an agent and a team of its own.
    let b_admin = app.signup("Beta", "bob@beta.io").await;
    let b_agent = app.add_member(&b_admin, "AGENT").await;
    let b_team = app.create_team(&b_admin, "Billing").await;

    let before = app.org_items(&a_admin.org_id).await;
    assert!(
        before.len() > 10,
        "organization A has items: {}",
        before.len()
    );

    let (ua, um, uadm) = (&a_agent.user_id, &a_manager.user_id, &a_admin.user_id);
    let org = &a_admin.org_id;
    let mut attempts = vec![
        attempt(Method::GET, format!("/api/users/{ua}"), None),
        attempt(Method::GET, format!("/api/users/{uadm}"), None),
        attempt(
            Method::PATCH,
            format!("/api/users/{ua}"),
            Some(json!({"name": "Hijacked"})),
        ),
        attempt(
            Method::PATCH,
            format!("/api/users/{ua}"),
            Some(json!({"avatarUrl": "https://evil.example.com/x.png"})),
        ),
        attempt(
            Method::PATCH,
            format!("/api/users/{um}"),
            Some(json!({"role": "ADMIN"})),
        ),
        attempt(
            Method::PATCH,
            format!("/api/users/{uadm}"),
            Some(json!({"role": "AGENT"})),
        ),
        attempt(Method::DELETE, format!("/api/users/{ua}"), None),
        attempt(Method::DELETE, format!("/api/users/{uadm}"), None),
        attempt(Method::GET, format!("/api/organizations/{org}"), None),
        attempt(
            Method::PATCH,
            format!("/api/organizations/{org}"),
            Some(json!({"name": "Hijacked", "ticketPrefix": "HIJ"})),
        ),
        attempt(Method::GET, format!("/api/teams/{a_team}"), None),
        attempt(
            Method::PATCH,
            format!("/api/teams/{a_team}"),
            Some(json!({"name": "Hijacked"})),
        ),
        attempt(
            Method::PATCH,
            format!("/api/teams/{a_team}"),
            Some(json!({"name": "Access"})),
        ),
        attempt(Method::DELETE, format!("/api/teams/{a_team}"), None),
        attempt(Method::DELETE, format!("/api/teams/{a_team2}"), None),
        attempt(Method::GET, format!("/api/teams/{a_team}/members"), None),
        attempt(
            Method::POST,
            format!("/api/teams/{a_team}/members"),
            Some(json!({"userId": b_admin.user_id})),
        ),
        attempt(
            Method::POST,
            format!("/api/teams/{a_team2}/members"),
            Some(json!({"userId": ua})),
        ),
        attempt(
            Method::DELETE,
            format!("/api/teams/{a_team}/members/{ua}"),
            None,
        ),
        attempt(Method::DELETE, format!("/api/invitations/{a_inv}"), None),
        attempt(Method::GET, format!("/api/users?team={a_team}"), None),
        // B's own team, A's user.
        Attempt {
            any_role: false,
            ..attempt(
                Method::POST,
                format!("/api/teams/{b_team}/members"),
                Some(json!({"userId": ua})),
            )
        },
    ];
    // A's cursors are useless to B.
    for (path, cursor, any_role) in [
        ("/api/users", &users_cursor, true),
        ("/api/teams", &teams_cursor, true),
        (
            &format!("/api/teams/{b_team}/members") as &str,
            &members_cursor,
            true,
        ),
        ("/api/invitations", &invitations_cursor, false),
    ] {
        attempts.push(Attempt {
            status: 400,
            code: "invalid_cursor",
            any_role,
            ..attempt(
                Method::GET,
                format!("{path}?limit=1&cursor={}", enc(cursor)),
                None,
            )
        });
    }

    for (who, s) in [("B admin", &b_admin), ("B agent", &b_agent)] {
        for a in &attempts {
            if !a.any_role && who == "B agent" {
                continue;
            }
            let r = app
                .call(a.method.clone(), &a.path, Some(&s.token), a.body.clone())
                .await;
            assert_eq!(
                (r.status, r.code()),
                (a.status, a.code),
                "{who}: {} {} {:?} -> {:?}",
                a.method,
                a.path,
                a.body,
                r.body
            );
        }
    }

    // B's lists hold only B's things.
    let users = ids(app.get("/api/users", &b_admin.token).await.data());
    assert_eq!(
        users,
        vec![b_agent.user_id.clone(), b_admin.user_id.clone()]
    );
    let r = app
        .get(
            &format!("/api/users?search={}", enc(&a_agent.email)),
            &b_admin.token,
        )
        .await;
    assert_eq!(r.data(), &json!([]));
    let r = app.get("/api/users?search=alpha", &b_admin.token).await;
    assert_eq!(r.data(), &json!([]));
    let teams = ids(app.get("/api/teams", &b_admin.token).await.data());
    assert_eq!(teams, vec![b_team.clone()]);
    let r = app.get("/api/invitations", &b_admin.token).await;
    assert_eq!(r.data(), &json!([]));
    let r = app
        .get(&format!("/api/users/{}", b_admin.user_id), &b_admin.token)
        .await;
    assert_eq!(r.data()["teams"], json!([]));

    // Inviting A's account holders into B reveals nothing (the invitation is made; only its
    // recipient learns their address is taken); A's mere invitees can be invited too.
    let r = app.invite(&b_admin, &a_agent.email, "AGENT").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = app.invite(&b_admin, "PENDING@alpha.io", "AGENT").await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    let after = app.org_items(&a_admin.org_id).await;
    assert_eq!(before.len(), after.len(), "A's item count changed");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "an item of organization A changed");
    }

    // And A still works as before.
    let r = app
        .get(&format!("/api/teams/{a_team}"), &a_admin.token)
        .await;
    assert_eq!(r.data()["memberCount"], 2);
    assert_eq!(r.data()["name"], "Billing");
}

#[tokio::test]
async fn ids_of_another_organization_in_bodies_and_queries_are_not_found() {
    // The same checks from A's side towards B, with a freshly deactivated user in B too,
    // so an inactive foreign user is no different from an active one.
    let app = TestApp::spawn().await;
    let a = app.signup("Alpha", "ada@alpha.io").await;
    let a_team = app.create_team(&a, "Support").await;
    let b = app.signup("Beta", "bob@beta.io").await;
    let b_gone = app.add_member(&b, "AGENT").await;
    app.deactivate(&b, &b_gone).await;
    let before = app.org_items(&b.org_id).await;
    let probes: [(&Session, &str); 2] = [(&b, "active"), (&b_gone, "inactive")];
    for (user, what) in probes {
        let r = app
            .post(
                &format!("/api/teams/{a_team}/members"),
                &a.token,
                json!({ "userId": user.user_id }),
            )
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{what}");
        let r = app
            .get(&format!("/api/users/{}", user.user_id), &a.token)
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{what}");
        let r = app
            .delete(&format!("/api/users/{}", user.user_id), &a.token)
            .await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{what}");
    }
    let r = app
        .call(
            Method::GET,
            &format!("/api/organizations/{}", b.org_id),
            Some(&a.token),
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (404, "not_found"));
    assert_eq!(app.org_items(&b.org_id).await, before);
}
