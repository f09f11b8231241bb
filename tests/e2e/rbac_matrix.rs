//! The role matrix: every users/organizations/teams/invitations endpoint, called by an
//! actor of every role in one organization. Allowed roles get a 2xx; the others a 403
//! `forbidden` that leaves the organization's items untouched.

use reqwest::Method;
use serde_json::Value;
use wrrk_functions::registry::{HTTP_FUNCTIONS, path_matches};
use wrrk_tests::{Session, TestApp, unique};

/// What a row needs created (by the admin) before each call, because the call uses it up.
#[derive(Clone, Copy, Debug)]
enum Fresh {
    /// Nothing: the row reuses the shared fixtures.
    Nothing,
    /// A new AGENT (`{fresh}` is their id).
    Agent,
    /// A new ADMIN (`{fresh}` is their id).
    Admin,
    /// A new, empty team (`{fresh}` is its id).
    Team,
    /// A new team whose only member is `{target}` (`{fresh}` is its id).
    TeamWithTarget,
    /// A new pending invitation (`{fresh}` is its id).
    Invitation,
    /// A new own support address (`{fresh}` is the address).
    SupportAddress,
    /// A new sender identity, a domain (`{fresh}` is its name).
    SenderIdentity,
}

/// One endpoint call. Placeholders: `{org}` the organization, `{self}` the caller,
/// `{target}` a shared AGENT, `{target_admin}` a shared second ADMIN, `{team}` a shared
/// team, `{fresh}` the row's fresh fixture, `{unique}` a new unique string.
struct Row {
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    fresh: Fresh,
    allowed: &'static [&'static str],
}

const ROLES: [&str; 4] = ["ADMIN", "MANAGER", "SUPERVISOR", "AGENT"];
const EVERYONE: &[&str] = &["ADMIN", "MANAGER", "SUPERVISOR", "AGENT"];
const MANAGERS: &[&str] = &["ADMIN", "MANAGER"];
const ADMINS: &[&str] = &["ADMIN"];

const fn row(
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    fresh: Fresh,
    allowed: &'static [&'static str],
) -> Row {
    Row {
        method,
        path,
        body,
        fresh,
        allowed,
    }
}

use Fresh::{
    Admin, Agent, Invitation, Nothing, SenderIdentity, SupportAddress, Team, TeamWithTarget,
};

const MATRIX: &[Row] = &[
    // Users.
    row("GET", "/api/users", None, Nothing, EVERYONE),
    row("GET", "/api/users/{target}", None, Nothing, EVERYONE),
    row(
        "PATCH",
        "/api/users/{self}",
        Some(r#"{"name": "Myself"}"#),
        Nothing,
        EVERYONE,
    ),
    row(
        "PATCH",
        "/api/users/{target}",
        Some(r#"{"name": "Edited {unique}"}"#),
        Nothing,
        MANAGERS,
    ),
    row(
        "PATCH",
        "/api/users/{target_admin}",
        Some(r#"{"name": "Admin {unique}"}"#),
        Nothing,
        ADMINS,
    ),
    row(
        "PATCH",
        "/api/users/{fresh}",
        Some(r#"{"role": "SUPERVISOR"}"#),
        Agent,
        ADMINS,
    ),
    row("DELETE", "/api/users/{fresh}", None, Agent, MANAGERS),
    row("DELETE", "/api/users/{fresh}", None, Admin, ADMINS),
    // Organization.
    row("GET", "/api/organizations/{org}", None, Nothing, EVERYONE),
    row(
        "PATCH",
        "/api/organizations/{org}",
        Some(r#"{"name": "Acme {unique}"}"#),
        Nothing,
        ADMINS,
    ),
    row(
        "PATCH",
        "/api/organizations/{org}",
        Some(r##"{"widget": {"primaryColor": "#123abc"}}"##),
        Nothing,
        ADMINS,
    ),
    row(
        "PATCH",
        "/api/organizations/{org}/routing-rules",
        Some(r#"{"rules": [{"channel": "CHAT", "teamId": "{team}"}]}"#),
        Nothing,
        ADMINS,
    ),
    row(
        "GET",
        "/api/organizations/{org}/addresses",
        None,
        Nothing,
        EVERYONE,
    ),
    row(
        "POST",
        "/api/organizations/{org}/addresses",
        Some(r#"{"address": "{unique}@own.test"}"#),
        Nothing,
        ADMINS,
    ),
    row(
        "DELETE",
        "/api/organizations/{org}/addresses/{fresh}",
        None,
        SupportAddress,
        ADMINS,
    ),
    row(
        "GET",
        "/api/organizations/{org}/sender-identities",
        None,
        Nothing,
        EVERYONE,
    ),
    row(
        "POST",
        "/api/organizations/{org}/sender-identities",
        Some(r#"{"identity": "{unique}.own.test"}"#),
        Nothing,
        ADMINS,
    ),
    row(
        "GET",
        "/api/organizations/{org}/sender-identities/{fresh}",
        None,
        SenderIdentity,
        EVERYONE,
    ),
    row(
        "DELETE",
        "/api/organizations/{org}/sender-identities/{fresh}",
        None,
        SenderIdentity,
        ADMINS,
    ),
    // Teams.
    row("GET", "/api/teams", None, Nothing, EVERYONE),
    row(
        "POST",
        "/api/teams",
        Some(r#"{"name": "Team {unique}"}"#),
        Nothing,
        MANAGERS,
    ),
    row("GET", "/api/teams/{team}", None, Nothing, EVERYONE),
    row(
        "PATCH",
        "/api/teams/{team}",
        Some(r#"{"name": "Shared {unique}"}"#),
        Nothing,
        MANAGERS,
    ),
    row(
        "PATCH",
        "/api/teams/{team}",
        Some(r#"{"assignmentMode": "MANUAL", "maxOpenPerAgent": 7}"#),
        Nothing,
        MANAGERS,
    ),
    row("DELETE", "/api/teams/{fresh}", None, Team, MANAGERS),
    row("GET", "/api/teams/{team}/members", None, Nothing, EVERYONE),
    row(
        "POST",
        "/api/teams/{fresh}/members",
        Some(r#"{"userId": "{target}"}"#),
        Team,
        MANAGERS,
    ),
    row(
        "DELETE",
        "/api/teams/{fresh}/members/{target}",
        None,
        TeamWithTarget,
        MANAGERS,
    ),
    // Invitations.
    row(
        "POST",
        "/api/invitations",
        Some(r#"{"email": "{unique}@invitee.test", "role": "AGENT"}"#),
        Nothing,
        MANAGERS,
    ),
    row(
        "POST",
        "/api/invitations",
        Some(r#"{"email": "{unique}@invitee.test", "role": "MANAGER"}"#),
        Nothing,
        MANAGERS,
    ),
    row(
        "POST",
        "/api/invitations",
        Some(r#"{"email": "{unique}@invitee.test", "role": "ADMIN"}"#),
        Nothing,
        ADMINS,
    ),
    row("GET", "/api/invitations", None, Nothing, MANAGERS),
    row(
        "DELETE",
        "/api/invitations/{fresh}",
        None,
        Invitation,
        MANAGERS,
    ),
];

/// The shared fixtures of the organization.
struct World {
    admin: Session,
    actors: Vec<(&'static str, Session)>,
    target: Session,
    target_admin: Session,
    team: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.signup("Acme", "ada@acme.io").await;
    let mut actors = vec![("ADMIN", admin.clone())];
    for role in &ROLES[1..] {
        actors.push((role, app.add_member(&admin, role).await));
    }
    let target = app.add_member(&admin, "AGENT").await;
    let target_admin = app.add_member(&admin, "ADMIN").await;
    let team = app.create_team(&admin, "Shared").await;
    World {
        admin,
        actors,
        target,
        target_admin,
        team,
    }
}

/// Creates the row's fresh fixture; its id.
async fn fresh(app: &TestApp, w: &World, kind: Fresh) -> Option<String> {
    match kind {
        Nothing => None,
        Agent => Some(app.add_member(&w.admin, "AGENT").await.user_id),
        Admin => Some(app.add_member(&w.admin, "ADMIN").await.user_id),
        Team => Some(
            app.create_team(&w.admin, &format!("Fresh {}", unique()))
                .await,
        ),
        TeamWithTarget => {
            let team = app
                .create_team(&w.admin, &format!("Fresh {}", unique()))
                .await;
            app.add_to_team(&w.admin, &team, &w.target.user_id).await;
            Some(team)
        }
        Invitation => {
            let email = format!("{}@fresh.test", unique());
            let (inv, _) = app.invite_ok(&w.admin, &email, "AGENT").await;
            Some(inv["id"].as_str().expect("invitation id").to_string())
        }
        SupportAddress => {
            let address = format!("{}@own.test", unique());
            let r = app
                .post(
                    &format!("/api/organizations/{}/addresses", w.admin.org_id),
                    &w.admin.token,
                    serde_json::json!({ "address": address }),
                )
                .await;
            assert_eq!(r.status, 201, "{:?}", r.body);
            Some(address)
        }
        SenderIdentity => {
            let identity = format!("{}.own.test", unique());
            let r = app
                .post(
                    &format!("/api/organizations/{}/sender-identities", w.admin.org_id),
                    &w.admin.token,
                    serde_json::json!({ "identity": identity }),
                )
                .await;
            assert_eq!(r.status, 201, "{:?}", r.body);
            Some(identity)
        }
    }
}

fn fill(template: &str, w: &World, actor: &Session, fresh: Option<&str>) -> String {
    let mut s = template
        .replace("{org}", &w.admin.org_id)
        .replace("{self}", &actor.user_id)
        .replace("{target_admin}", &w.target_admin.user_id)
        .replace("{target}", &w.target.user_id)
        .replace("{team}", &w.team)
        .replace("{unique}", &unique());
    if let Some(id) = fresh {
        s = s.replace("{fresh}", id);
    }
    for p in [
        "{org}", "{self}", "{target", "{team}", "{fresh}", "{unique}",
    ] {
        assert!(!s.contains(p), "unfilled {p} in {s}");
    }
    s
}

#[test]
fn the_matrix_covers_every_endpoint_of_users_organizations_teams_and_invitations() {
    let in_scope = |path: &str| {
        ["/api/users", "/api/organizations", "/api/teams", "/api/invitations"]
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
            // Public token endpoints need no role.
            && !path.starts_with("/api/invitations/token/")
    };
    for f in HTTP_FUNCTIONS.iter().filter(|f| in_scope(f.path())) {
        assert!(
            MATRIX
                .iter()
                .any(|r| r.method == f.method() && path_matches(f.path(), r.path)),
            "{} {} ({}) has no row in the matrix",
            f.method(),
            f.path(),
            f.name
        );
    }
    for r in MATRIX {
        assert!(
            HTTP_FUNCTIONS
                .iter()
                .any(|f| f.method() == r.method && path_matches(f.path(), r.path)),
            "row {} {} matches no route",
            r.method,
            r.path
        );
    }
}

#[tokio::test]
async fn every_role_gets_exactly_the_access_its_permissions_grant() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mut failures = Vec::new();
    for row in MATRIX {
        for (role, actor) in &w.actors {
            let fresh_id = fresh(&app, &w, row.fresh).await;
            let path = fill(row.path, &w, actor, fresh_id.as_deref());
            let body: Option<Value> = row.body.map(|b| {
                serde_json::from_str(&fill(b, &w, actor, fresh_id.as_deref()))
                    .expect("row body is JSON")
            });
            let allowed = row.allowed.contains(role);
            let before = if allowed {
                None
            } else {
                Some(app.org_items(&w.admin.org_id).await)
            };
            let method = Method::from_bytes(row.method.as_bytes()).unwrap();
            let r = app
                .call(method, &path, Some(&actor.token), body.clone())
                .await;
            let what = format!("{role} {} {} {body:?}", row.method, row.path);
            if allowed {
                if !(200..300).contains(&r.status) {
                    failures.push(format!("{what}: wanted 2xx, got {} {:?}", r.status, r.body));
                }
            } else if (r.status, r.code()) != (403, "forbidden") {
                failures.push(format!(
                    "{what}: wanted 403 forbidden, got {} {:?}",
                    r.status, r.body
                ));
            } else if before.as_ref() != Some(&app.org_items(&w.admin.org_id).await) {
                failures.push(format!(
                    "{what}: refused, but the organization's items changed"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // Every actor is still who they were (no row demoted or deactivated one of them).
    for (role, actor) in &w.actors {
        let me = app.get("/api/auth/me", &actor.token).await;
        assert_eq!(me.status, 200, "{role}");
        assert_eq!(me.data()["user"]["role"], *role);
    }
}
