//! Files in the chat widget: a visitor uploads through the widget API (the same presigned
//! staging upload and checks as agents'), sends the file with a message, agents see it on
//! the ticket and the visitor downloads it; refused across organizations, over the limits,
//! from another session of the same chat and on a closed chat; internal notes' files are
//! never served to the visitor; a retried send stays one message.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{Resp, TestApp};

use crate::email_attachments::{binary, put};
use crate::widget::{SITE, org_with_widget, start_session, widget};

/// A visitor's session with a first message: `(token, ticketId)`.
async fn visitor(app: &TestApp, extra: Value, key: &str) -> (String, String) {
    let mut body = json!({ "message": { "clientId": "c-0", "content": "Hello" } });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let s = start_session(app, key, body).await;
    assert!(s.status == 201 || s.status == 200, "{:?}", s.body);
    (
        s.data()["token"].as_str().unwrap().to_string(),
        s.data()["ticketId"].as_str().unwrap().to_string(),
    )
}

/// Asks the widget API for an upload URL, from the customer's site.
async fn upload_url(app: &TestApp, token: &str, name: &str, ct: &str, size: usize) -> Resp {
    widget(
        app,
        Method::POST,
        "/api/widget/attachments",
        Some(SITE),
        Some(token),
        Some(json!({ "filename": name, "contentType": ct, "size": size })),
    )
    .await
}

/// Uploads `bytes`; the attachment id.
async fn uploaded(app: &TestApp, token: &str, name: &str, ct: &str, bytes: &[u8]) -> String {
    let r = upload_url(app, token, name, ct, bytes.len()).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let got = put(app, r.data(), bytes).await;
    assert_eq!(got.status(), 200, "{:?}", got.text().await);
    r.data()["attachment"]["id"].as_str().unwrap().to_string()
}

async fn send(app: &TestApp, token: &str, client_id: &str, ids: &[&str]) -> Resp {
    widget(
        app,
        Method::POST,
        "/api/widget/messages",
        Some(SITE),
        Some(token),
        Some(json!({ "clientId": client_id, "content": "see the file", "attachmentIds": ids })),
    )
    .await
}

async fn download(app: &TestApp, token: &str, id: &str) -> Resp {
    widget(
        app,
        Method::GET,
        &format!("/api/widget/attachments?id={id}"),
        Some(SITE),
        Some(token),
        None,
    )
    .await
}

/// A PNG-looking file.
fn png(len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend(binary(len, 7));
    b
}

#[tokio::test]
async fn widget_files_a_visitor_sends_an_image_agents_see_it_and_a_retry_is_one_message() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let (token, ticket_id) = visitor(&app, json!({}), &key).await;
    let bytes = png(2000);
    let id = uploaded(&app, &token, "screen shot.png", "image/png", &bytes).await;

    let r = send(&app, &token, "c-1", &[&id]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["attachments"][0]["id"], id.as_str());
    assert_eq!(r.data()["attachments"][0]["filename"], "screen shot.png");
    assert_eq!(r.data()["attachments"][0]["contentType"], "image/png");
    let message_id = r.data()["id"].clone();

    // A retried send (same clientId) answers the same message, although its file is used.
    let again = send(&app, &token, "c-1", &[&id]).await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.data()["id"], message_id);
    let listed = widget(
        &app,
        Method::GET,
        "/api/widget/messages",
        Some(SITE),
        Some(&token),
        None,
    )
    .await;
    let with_files: Vec<_> = listed
        .data()
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["attachments"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    assert_eq!(with_files.len(), 1, "{:?}", listed.body);
    assert_eq!(with_files[0]["attachments"][0]["id"], id.as_str());

    // The agent sees it on the ticket and downloads the very bytes.
    let msgs = app
        .get(&format!("/api/tickets/{ticket_id}/messages"), &admin.token)
        .await;
    let m = msgs
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == message_id)
        .unwrap();
    assert_eq!(m["email"]["attachments"][0]["id"], id.as_str());
    let link = app
        .get(&format!("/api/attachments/{id}"), &admin.token)
        .await;
    assert_eq!(link.status, 200, "{:?}", link.body);
    let got = app
        .http
        .get(link.data()["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);

    // The visitor downloads it too, from their site.
    let mine = download(&app, &token, &id).await;
    assert_eq!(mine.status, 200, "{:?}", mine.body);
    assert_eq!(
        mine.headers
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(SITE)
    );
    let got = app
        .http
        .get(mine.data()["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);

    // An agent's file on a public reply reaches the visitor; a note's never does.
    let agent_file = |name: &'static str| {
        let app = &app;
        let admin = &admin;
        let ticket_id = &ticket_id;
        async move {
            let r =
                crate::email_attachments::upload_url(app, admin, ticket_id, name, "text/plain", 5)
                    .await;
            assert_eq!(r.status, 201, "{:?}", r.body);
            assert_eq!(put(app, r.data(), b"hello").await.status(), 200);
            r.data()["attachment"]["id"].as_str().unwrap().to_string()
        }
    };
    let note_file = agent_file("secret.txt").await;
    let reply_file = agent_file("guide.txt").await;
    let path = format!("/api/tickets/{ticket_id}/messages");
    let note = app
        .post(
            &path,
            &admin.token,
            json!({ "content": "internal", "internal": true, "attachmentIds": [note_file] }),
        )
        .await;
    assert_eq!(note.status, 201, "{:?}", note.body);
    let reply = app
        .post(
            &path,
            &admin.token,
            json!({ "content": "Here is the guide", "attachmentIds": [reply_file] }),
        )
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let r = download(&app, &token, &note_file).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = download(&app, &token, &reply_file).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["attachment"]["filename"], "guide.txt");
    let listed = app.get("/api/widget/messages", &token).await;
    let files: Vec<&str> = listed
        .data()
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["attachments"].as_array().unwrap().iter())
        .map(|a| a["filename"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["screen shot.png", "guide.txt"]);
}

#[tokio::test]
async fn widget_files_are_refused_across_organizations_sessions_limits_and_closed_chats() {
    let app = TestApp::spawn().await;
    let (admin, key) = org_with_widget(&app).await;
    let (other_admin, other_key) = org_with_widget(&app).await;
    let (token, ticket_id) = visitor(&app, json!({}), &key).await;
    let (stranger, _) = visitor(&app, json!({}), &other_key).await;

    // Over the limits, empty, or not a MIME type: no upload URL.
    for (size, ct) in [
        (10 * 1024 * 1024 + 1, "image/png"),
        (0, "image/png"),
        (10, "text/html; charset=utf-8"),
    ] {
        let r = upload_url(&app, &token, "a.png", ct, size).await;
        assert_eq!(r.status, 422, "{size} {ct}: {:?}", r.body);
    }
    // More than ten files on one message.
    let ids: Vec<String> = (0..11).map(|_| wrrk_shared::ids::new_id()).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let r = send(&app, &token, "c-many", &refs).await;
    assert_eq!(r.status, 422, "{:?}", r.body);

    let id = uploaded(&app, &token, "a.png", "image/png", &png(100)).await;
    // Another organization's visitor cannot send it nor read it; neither can its agents.
    let r = send(&app, &stranger, "c-x", &[&id]).await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = download(&app, &stranger, &id).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .get(&format!("/api/attachments/{id}"), &other_admin.token)
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // Another visitor of the same organization: another chat's upload.
    let (neighbour, _) = visitor(&app, json!({}), &key).await;
    let r = send(&app, &neighbour, "c-n", &[&id]).await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    // Not sent yet: not served, even to its uploader.
    let r = download(&app, &token, &id).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // Declared bigger than what was PUT: refused when sent.
    let short = upload_url(&app, &token, "b.png", "image/png", 50).await;
    assert_eq!(short.status, 201);
    let short_id = short.data()["attachment"]["id"].as_str().unwrap();
    let r = send(&app, &token, "c-short", &[short_id]).await;
    assert_eq!(r.status, 422, "{:?}", r.body);

    // The same chat from another session (a verified user on a second device): the
    // upload belongs to the session that asked for it.
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "rotateIdentitySecret": true } }),
        )
        .await;
    let secret = r.data()["widget"]["identitySecret"]
        .as_str()
        .unwrap()
        .to_string();
    let hash = wrrk_shared::widget::identity_hash(&secret, "u-1");
    // (Another name, so that the two tokens differ even within one second.)
    let device = |name: &str| json!({ "user": { "id": "u-1", "name": name, "hash": hash } });
    let (first, chat) = visitor(&app, device("Ursula"), &key).await;
    let (second, same_chat) = visitor(&app, device("Ursula B."), &key).await;
    assert_eq!(chat, same_chat);
    assert_ne!(first, second);
    let theirs = uploaded(&app, &first, "c.png", "image/png", &png(10)).await;
    let r = send(&app, &second, "c-2", &[&theirs]).await;
    assert_eq!(r.status, 410, "{:?}", r.body);
    assert_eq!(r.body["code"], "upload_expired");
    let r = send(&app, &first, "c-2", &[&theirs]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // Used: it cannot go with a second message.
    let r = send(&app, &first, "c-3", &[&theirs]).await;
    assert_eq!(r.status, 409, "{:?}", r.body);

    // A closed chat takes files only after a message opened its follow-up.
    let r = app
        .patch(
            &format!("/api/tickets/{ticket_id}"),
            &admin.token,
            json!({ "status": "CLOSED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = upload_url(&app, &token, "d.png", "image/png", 10).await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["code"], "chat_closed");
    let r = send(&app, &token, "c-again", &[]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let later = uploaded(&app, &token, "d.png", "image/png", &png(10)).await;
    let r = send(&app, &token, "c-later", &[&later]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}
