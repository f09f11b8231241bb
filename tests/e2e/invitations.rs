//! Invitations: sending, listing, revoking, looking up and accepting single-use links.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use wrrk_shared::ids::hash_secret;
use wrrk_tests::aws_sdk_dynamodb_types::AttributeValue;
use wrrk_tests::{Item, PASSWORD, Resp, Session, TestApp, enc, ids, item_s, unique};

fn accept_path(token: &str) -> String {
    format!("/api/invitations/token/{token}/accept")
}

/// `POST .../accept` with any body.
async fn accept_with(app: &TestApp, token: &str, body: Value) -> Resp {
    app.call(Method::POST, &accept_path(token), None, Some(body))
        .await
}

fn id_of(invitation: &Value) -> String {
    invitation["id"]
        .as_str()
        .expect("invitation id")
        .to_string()
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .unwrap_or_else(|| panic!("not a timestamp: {v}"))
        .parse()
        .expect("RFC 3339")
}

/// Every string anywhere in a JSON value (object keys included).
fn json_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            json_strings(x, out);
        }),
        _ => {}
    }
}

/// Every string anywhere in a DynamoDB attribute (nested maps, lists and sets included).
fn attr_strings(v: &AttributeValue, out: &mut Vec<String>) {
    match v {
        AttributeValue::S(s) | AttributeValue::N(s) => out.push(s.clone()),
        AttributeValue::Ss(ss) | AttributeValue::Ns(ss) => out.extend(ss.iter().cloned()),
        AttributeValue::L(l) => l.iter().for_each(|x| attr_strings(x, out)),
        AttributeValue::M(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            attr_strings(x, out);
        }),
        AttributeValue::B(b) => out.push(String::from_utf8_lossy(b.as_ref()).into_owned()),
        AttributeValue::Bs(bs) => out.extend(
            bs.iter()
                .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned()),
        ),
        _ => {}
    }
}

fn item_strings(item: &Item) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in item {
        out.push(k.clone());
        attr_strings(v, &mut out);
    }
    out
}

/// Every item, sorted by key: a snapshot to compare before and after.
async fn snapshot(app: &TestApp) -> Vec<Item> {
    let mut items = app.all_items().await;
    items.sort_by(|a, b| {
        (item_s(a, "PK"), item_s(a, "SK")).cmp(&(item_s(b, "PK"), item_s(b, "SK")))
    });
    items
}

/// The invitation's own item, found by a scan.
async fn invitation_item(app: &TestApp, id: &str) -> Item {
    let sk = format!("INVITE#{id}");
    app.all_items()
        .await
        .into_iter()
        .find(|i| item_s(i, "SK") == Some(sk.as_str()))
        .unwrap_or_else(|| panic!("no item for invitation {id}"))
}

/// Moves the invitation's `expiresAt` into the past, directly in the table.
async fn expire(app: &TestApp, id: &str) {
    let item = invitation_item(app, id).await;
    let past =
        (Utc::now() - Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    app.stack
        .dynamodb_client()
        .update_item()
        .table_name(app.stack.app.store.table())
        .key("PK", item["PK"].clone())
        .key("SK", item["SK"].clone())
        .update_expression("SET expiresAt = :at")
        .expression_attribute_values(":at", AttributeValue::S(past))
        .send()
        .await
        .expect("expiresAt updated");
}

/// The emails of the pending invitations, as `by` lists them (one per page, so paging
/// is exercised too).
async fn pending(app: &TestApp, by: &Session) -> Vec<String> {
    app.list_all("/api/invitations", &by.token, 1)
        .await
        .iter()
        .map(|i| i["email"].as_str().expect("email").to_string())
        .collect()
}

/// How many users of `by`'s organization match `email` in the users list.
async fn users_with_email(app: &TestApp, by: &Session, email: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/users?search={}", enc(email)), &by.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()
        .as_array()
        .expect("users")
        .iter()
        .filter(|u| u["email"] == email)
        .cloned()
        .collect()
}

fn assert_gone(r: &Resp, code: &str, says: &str) {
    assert_eq!((r.status, r.code()), (410, code), "{:?}", r.body);
    let message = r.body["error"].as_str().unwrap_or("");
    assert!(message.contains(says), "{code}: {message:?}");
}

#[tokio::test]
async fn an_invitation_is_answered_without_its_token_and_mailed_with_a_link() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme Support", "ada@acme.io").await;

    let r = app.invite(&admin, "  Bob@Example.COM ", "AGENT").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let inv = r.data().clone();
    assert_eq!(inv["email"], "bob@example.com");
    assert_eq!(inv["role"], "AGENT");
    assert_eq!(inv["status"], "PENDING");
    assert_eq!(inv["orgId"], admin.org_id.as_str());
    assert_eq!(inv["invitedBy"], admin.user_id.as_str());

    // One mail, through SES, to the invitee, with the link in both parts (the other mail
    // in the outbox is the admin's own email verification).
    let outbox: Vec<_> = app
        .outbox()
        .into_iter()
        .filter(|m| m.to != vec!["ada@acme.io".to_string()])
        .collect();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    let mail = &outbox[0];
    assert_eq!(mail.to, vec!["bob@example.com".to_string()]);
    // Names chosen by users stay out of the subject (they would read as ours there).
    assert_eq!(mail.subject, "You are invited to a wrrk workspace");
    assert!(
        mail.raw.contains("Acme Support"),
        "the body names the workspace"
    );
    let token = app.invitation_token_for("bob@example.com");

    // 256 random bits, base64url.
    let bytes = URL_SAFE_NO_PAD.decode(&token).expect("base64url token");
    assert_eq!(bytes.len(), 32, "{token}");

    // Neither the token nor its hash is anywhere in the answer.
    let mut strings = Vec::new();
    json_strings(&r.body, &mut strings);
    let hash = hash_secret(&token);
    for s in &strings {
        assert!(!s.contains(&token), "the token leaked: {}", r.body);
        assert!(!s.contains(&hash), "the token hash leaked: {}", r.body);
        assert!(!s.to_lowercase().contains("token"), "{s:?} in {}", r.body);
    }

    // Valid for exactly seven days from now.
    let created = time(&inv["createdAt"]);
    let expires = time(&inv["expiresAt"]);
    assert_eq!(expires - created, Duration::days(7));
    assert!(
        (Utc::now() - created).abs() < Duration::minutes(1),
        "{created}"
    );

    // The public look-up tells the invitee what they are joining.
    let r = app.lookup_invitation(&token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["organizationName"], "Acme Support");
    assert_eq!(r.data()["email"], "bob@example.com");
    assert_eq!(r.data()["role"], "AGENT");
    assert_eq!(r.data()["valid"], true);
    assert_eq!(time(&r.data()["expiresAt"]), expires);

    // A second invitation gets a different token.
    let (_, other) = app.invite_ok(&admin, "carol@example.com", "AGENT").await;
    assert_ne!(other, token);
}

#[tokio::test]
async fn the_token_is_stored_only_as_a_hash_and_the_item_expires_in_seven_days() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (inv, token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;

    let items = app.all_items().await;
    let mut hashed = false;
    for item in &items {
        for s in item_strings(item) {
            assert!(!s.contains(&token), "raw token stored in {item:?}");
            hashed |= s.contains(&hash_secret(&token));
        }
    }
    assert!(hashed, "no item holds the token's hash");

    let item = invitation_item(&app, &id_of(&inv)).await;
    let created: DateTime<Utc> = item_s(&item, "createdAt").unwrap().parse().unwrap();
    let expires: DateTime<Utc> = item_s(&item, "expiresAt").unwrap().parse().unwrap();
    assert_eq!(expires - created, Duration::days(7), "{item:?}");
}

#[tokio::test]
async fn only_admins_and_managers_invite_and_a_manager_cannot_invite_an_admin() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let supervisor = app.add_member(&admin, "SUPERVISOR").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let sent = app.outbox().len();

    let r = app.invite(&manager, "boss@example.com", "ADMIN").await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    for s in [&supervisor, &agent] {
        let r = app.invite(s, "someone@example.com", "AGENT").await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    }
    assert_eq!(app.outbox().len(), sent, "a refused invitation sent mail");
    assert!(pending(&app, &admin).await.is_empty());

    app.invite_ok(&manager, "peer@example.com", "MANAGER").await;
    app.invite_ok(&manager, "agent@example.com", "AGENT").await;
    app.invite_ok(&admin, "boss@example.com", "ADMIN").await;
    let mut emails = pending(&app, &admin).await;
    emails.sort();
    assert_eq!(
        emails,
        ["agent@example.com", "boss@example.com", "peer@example.com"]
    );
}

#[tokio::test]
async fn inviting_a_member_is_409_and_an_account_elsewhere_is_not_revealed() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let member = app.add_member(&admin, "AGENT").await;
    app.signup("Other", "olga@other.io").await;
    let sent = app.outbox().len();

    for email in ["ada@acme.io", "ADA@Acme.io", member.email.as_str()] {
        let r = app.invite(&admin, email, "AGENT").await;
        assert_eq!((r.status, r.code()), (409, "already_member"), "{email}");
    }
    assert_eq!(app.outbox().len(), sent);
    assert!(pending(&app, &admin).await.is_empty());
    // An account in another organization is invited like anyone (only its owner learns,
    // on accepting, that the address is taken).
    let r = app.invite(&admin, "olga@other.io", "AGENT").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(app.outbox().len(), sent + 1);
}

#[tokio::test]
async fn re_inviting_a_pending_email_replaces_the_old_invitation() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (first, old_token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    app.invite_ok(&admin, "carol@example.com", "AGENT").await;

    let (second, new_token) = app.invite_ok(&admin, "Bob@Example.com", "SUPERVISOR").await;
    assert_ne!(id_of(&first), id_of(&second));
    assert_ne!(old_token, new_token);

    // The old link is dead: it was replaced, i.e. revoked.
    assert_gone(
        &app.lookup_invitation(&old_token).await,
        "invitation_revoked",
        "replaced",
    );
    assert_gone(
        &app.accept(&old_token, "Bob").await,
        "invitation_revoked",
        "replaced",
    );

    // One invitation per email in the list: the new one.
    let list = app.list_all("/api/invitations", &admin.token, 10).await;
    let bobs: Vec<&Value> = list
        .iter()
        .filter(|i| i["email"] == "bob@example.com")
        .collect();
    assert_eq!(bobs.len(), 1, "{list:?}");
    assert_eq!(id_of(bobs[0]), id_of(&second));
    assert_eq!(bobs[0]["role"], "SUPERVISOR");
    assert_eq!(list.len(), 2, "{list:?}");

    // The new link works, with the new role.
    let r = app.accept(&new_token, "Bob").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["user"]["role"], "SUPERVISOR");
}

#[tokio::test]
async fn the_list_holds_only_pending_invitations_newest_first() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let manager = app.add_member(&admin, "MANAGER").await;
    let (revoked, _) = app.invite_ok(&admin, "revoked@example.com", "AGENT").await;
    let (_, used) = app.invite_ok(&admin, "used@example.com", "AGENT").await;
    let (expired, _) = app.invite_ok(&admin, "expired@example.com", "AGENT").await;
    let (older, _) = app.invite_ok(&admin, "older@example.com", "AGENT").await;
    let (newer, _) = app.invite_ok(&manager, "newer@example.com", "AGENT").await;

    let r = app
        .delete(
            &format!("/api/invitations/{}", id_of(&revoked)),
            &admin.token,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert_eq!(app.accept(&used, "Used").await.status, 201);
    expire(&app, &id_of(&expired)).await;

    let r = app.get("/api/invitations", &manager.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(ids(r.data()), vec![id_of(&newer), id_of(&older)]);
    assert!(r.body["nextCursor"].is_null(), "{:?}", r.body);
    assert_eq!(r.data()[0], newer, "listed as created");
    assert_eq!(
        pending(&app, &admin).await,
        ["newer@example.com", "older@example.com"]
    );
}

#[tokio::test]
async fn a_revoked_invitation_is_410_invitation_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (inv, token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    let path = format!("/api/invitations/{}", id_of(&inv));

    let r = app.delete(&path, &admin.token).await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    assert!(pending(&app, &admin).await.is_empty());

    assert_gone(
        &app.lookup_invitation(&token).await,
        "invitation_revoked",
        "revoked",
    );
    assert_gone(
        &app.accept(&token, "Bob").await,
        "invitation_revoked",
        "revoked",
    );
    assert_eq!(app.try_login("bob@example.com", PASSWORD).await.status, 401);

    // Only pending invitations can be revoked.
    let r = app.delete(&path, &admin.token).await;
    assert_eq!((r.status, r.code()), (409, "invitation_not_pending"));

    // The email is free again.
    let (_, token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    assert_eq!(app.accept(&token, "Bob").await.status, 201);
}

#[tokio::test]
async fn accepting_creates_the_user_with_the_invited_role_and_signs_them_in() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (inv, token) = app.invite_ok(&admin, "Bob@Example.com", "MANAGER").await;

    let r = app.accept(&token, "  Bob Builder ").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let user = &r.data()["user"];
    assert_eq!(user["email"], "bob@example.com");
    assert_eq!(user["name"], "Bob Builder");
    assert_eq!(user["role"], "MANAGER");
    assert_eq!(user["orgId"], admin.org_id.as_str());
    assert_eq!(r.data()["organization"]["id"], admin.org_id.as_str());
    assert_eq!(r.data()["organization"]["name"], "Acme");
    let text = r.body.to_string();
    for secret in ["passwordHash", "argon2", token.as_str()] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }

    // The returned token is a session like login's.
    let jwt = r.data()["token"].as_str().expect("a session token");
    let me = app.get("/api/auth/me", jwt).await;
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(me.data()["user"]["id"], user["id"]);
    assert_eq!(me.data()["user"]["role"], "MANAGER");
    assert_eq!(me.data()["organization"]["id"], admin.org_id.as_str());
    let bob = app.login("bob@example.com", PASSWORD).await;
    assert_eq!(bob.user_id, user["id"].as_str().unwrap());
    assert_eq!(bob.org_id, admin.org_id);
    // ... with the invited role's permissions.
    assert_eq!(app.get("/api/invitations", &bob.token).await.status, 200);
    assert_eq!(
        users_with_email(&app, &admin, "bob@example.com")
            .await
            .len(),
        1
    );

    // Single use: the link is now 410 invitation_used, and the invitation is no longer pending.
    assert_gone(
        &app.lookup_invitation(&token).await,
        "invitation_used",
        "already been used",
    );
    assert_gone(
        &app.accept(&token, "Bob Again").await,
        "invitation_used",
        "already been used",
    );
    assert!(pending(&app, &admin).await.is_empty());
    let r = app
        .delete(&format!("/api/invitations/{}", id_of(&inv)), &admin.token)
        .await;
    assert_eq!((r.status, r.code()), (409, "invitation_not_pending"));
}

#[tokio::test]
async fn an_expired_invitation_is_410_invitation_expired() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (inv, token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    assert_eq!(app.lookup_invitation(&token).await.status, 200);

    expire(&app, &id_of(&inv)).await;

    assert_gone(
        &app.lookup_invitation(&token).await,
        "invitation_expired",
        "expired",
    );
    assert_gone(
        &app.accept(&token, "Bob").await,
        "invitation_expired",
        "expired",
    );
    assert!(
        users_with_email(&app, &admin, "bob@example.com")
            .await
            .is_empty()
    );
    assert!(pending(&app, &admin).await.is_empty());

    // A fresh invitation to the same email works.
    let (_, fresh) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    assert_eq!(app.accept(&fresh, "Bob").await.status, 201);
}

#[tokio::test]
async fn unknown_tokens_are_404() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (_, real) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;

    let mut lookalike: Vec<char> = real.chars().collect();
    lookalike[0] = if lookalike[0] == 'A' { 'B' } else { 'A' };
    let unknown = [
        URL_SAFE_NO_PAD.encode([7u8; 32]),
        lookalike.into_iter().collect(),
        hash_secret(&real),
        "short".to_string(),
        "x".repeat(500),
    ];
    for token in unknown {
        let r = app.lookup_invitation(&token).await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{token}");
        let r = app.accept(&token, "Bob").await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{token}");
    }
    assert_eq!(app.lookup_invitation(&real).await.status, 200);
}

#[tokio::test]
async fn simultaneous_accepts_of_one_token_create_exactly_one_user() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let email = format!("race-{}@example.com", unique());
    let (_, token) = app.invite_ok(&admin, &email, "ADMIN").await;

    let names: Vec<String> = (0..5).map(|i| format!("Racer {i}")).collect();
    let results =
        futures::future::join_all(names.iter().map(|name| app.accept(&token, name))).await;

    let winners: Vec<&Resp> = results.iter().filter(|r| r.status == 201).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    for r in results.iter().filter(|r| r.status != 201) {
        assert!(
            (r.status, r.code()) == (410, "invitation_used") || r.status == 409,
            "{:?}",
            r.body
        );
    }

    let users = users_with_email(&app, &admin, &email).await;
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0]["id"], winners[0].data()["user"]["id"]);
    assert_eq!(users[0]["role"], "ADMIN");
    let markers = app
        .all_items()
        .await
        .into_iter()
        .filter(|i| item_s(i, "PK") == Some(format!("EMAIL#{email}").as_str()))
        .count();
    assert_eq!(markers, 1);
    app.login(&email, PASSWORD).await;
    assert_gone(
        &app.lookup_invitation(&token).await,
        "invitation_used",
        "already been used",
    );
}

#[tokio::test]
async fn an_invalid_accept_is_422_writes_nothing_and_leaves_the_token_usable() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (_, token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    let before = snapshot(&app).await;

    let bad = [
        (json!({"name": "Bob", "password": "short"}), "password"),
        (json!({"name": "Bob", "password": "1234567"}), "password"),
        (json!({"name": "", "password": PASSWORD}), "name"),
        (json!({"name": "   ", "password": PASSWORD}), "name"),
    ];
    for (body, field) in bad {
        let r = accept_with(&app, &token, body.clone()).await;
        assert_eq!((r.status, r.code()), (422, "validation_failed"), "{body}");
        assert_eq!(r.body["field"], field, "{body}: {:?}", r.body);
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused accept wrote something"
    );
    assert_eq!(app.try_login("bob@example.com", "short").await.status, 401);

    assert_eq!(app.lookup_invitation(&token).await.status, 200);
    let r = accept_with(&app, &token, json!({"name": "Bob", "password": "12345678"})).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    app.login("bob@example.com", "12345678").await;
}

#[tokio::test]
async fn another_organization_cannot_revoke_an_invitation() {
    let app = TestApp::spawn().await;
    let a_admin = app.signup("Alpha", "ada@alpha.io").await;
    let b_admin = app.signup("Beta", "bea@beta.io").await;
    let (inv, token) = app.invite_ok(&a_admin, "bob@example.com", "AGENT").await;
    let path = format!("/api/invitations/{}", id_of(&inv));

    let r = app.delete(&path, &b_admin.token).await;
    assert_eq!((r.status, r.code()), (404, "not_found"), "{:?}", r.body);
    assert!(pending(&app, &b_admin).await.is_empty());

    assert_eq!(pending(&app, &a_admin).await, ["bob@example.com"]);
    assert_eq!(
        item_s(&invitation_item(&app, &id_of(&inv)).await, "status"),
        Some("PENDING")
    );
    assert_eq!(app.lookup_invitation(&token).await.status, 200);
}

#[tokio::test]
async fn an_invitation_whose_email_got_an_account_elsewhere_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let (_, token) = app.invite_ok(&admin, "bob@example.com", "AGENT").await;
    app.signup("Bob's Own", "bob@example.com").await;
    let before = snapshot(&app).await;

    let r = app.accept(&token, "Bob").await;
    assert_eq!((r.status, r.code()), (409, "email_taken"), "{:?}", r.body);
    assert_eq!(snapshot(&app).await, before);
    assert!(
        users_with_email(&app, &admin, "bob@example.com")
            .await
            .is_empty()
    );
}
