//! Files agents attach to replies: an upload URL from the API, the bytes PUT straight to
//! the (local) S3 with a real HTTP client, the reply listing the upload's id, and the mail
//! the customer receives carrying the file as a MIME attachment, parsed back here.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{Resp, Session, TestApp};

use crate::email::{messages, only_ticket, org, smtp};

/// Opens an EMAIL ticket for `customer` by mail; its id.
async fn email_ticket(app: &TestApp, o: &crate::email::Org, customer: &str) -> String {
    smtp(
        app,
        customer,
        &[&o.address],
        &crate::email::mail(
            customer,
            &o.address,
            "Need the invoice",
            &format!("first-{customer}"),
            "",
            "Please send me the invoice.",
        ),
    )
    .await;
    only_ticket(app, &o.admin).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Asks for an upload URL.
pub(crate) async fn upload_url(
    app: &TestApp,
    s: &Session,
    ticket_id: &str,
    filename: &str,
    content_type: &str,
    size: usize,
) -> Resp {
    app.post(
        &format!("/api/tickets/{ticket_id}/attachments"),
        &s.token,
        json!({ "filename": filename, "contentType": content_type, "size": size }),
    )
    .await
}

/// PUTs `bytes` to an upload the way a browser would: the given headers, the body.
pub(crate) async fn put(app: &TestApp, upload: &Value, bytes: &[u8]) -> reqwest::Response {
    let mut req = app
        .http
        .put(upload["uploadUrl"].as_str().unwrap())
        .body(bytes.to_vec());
    for (k, v) in upload["uploadHeaders"].as_object().unwrap() {
        req = req.header(k.as_str(), v.as_str().unwrap());
    }
    req.send().await.expect("PUT sent")
}

/// Asks for an upload URL and uploads `bytes`; the attachment id.
async fn uploaded(
    app: &TestApp,
    s: &Session,
    ticket_id: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> String {
    let r = upload_url(app, s, ticket_id, filename, content_type, bytes.len()).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let got = put(app, r.data(), bytes).await;
    assert_eq!(got.status(), 200, "{:?}", got.text().await);
    r.data()["attachment"]["id"].as_str().unwrap().to_string()
}

async fn post(app: &TestApp, s: &Session, ticket_id: &str, body: Value) -> Resp {
    app.post(
        &format!("/api/tickets/{ticket_id}/messages"),
        &s.token,
        body,
    )
    .await
}

/// Bytes that are not text (every byte value), `len` long.
pub(crate) fn binary(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn email_attachments_an_agent_reply_mails_uploaded_files_as_mime_attachments() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let customer = "carl@customer.io";
    let ticket_id = email_ticket(&app, &o, customer).await;

    let pdf = binary(300 * 1024, 7);
    let note = "Grüße aus Köln.\nZeile zwei.\n".as_bytes().to_vec();
    let long_name = format!("Überweisung März 2026 – {}.txt", "ä".repeat(60));

    // The answer: the attachment as messages will list it, and a signed PUT.
    let r = upload_url(
        &app,
        &o.admin,
        &ticket_id,
        "invoice.pdf",
        "application/pdf",
        pdf.len(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let up = r.data().clone();
    assert_eq!(up["attachment"]["filename"], "invoice.pdf");
    assert_eq!(up["attachment"]["contentType"], "application/pdf");
    assert_eq!(up["attachment"]["size"], pdf.len());
    assert_eq!(up["uploadMethod"], "PUT");
    assert_eq!(up["expiresIn"], 300);
    assert_eq!(up["uploadHeaders"]["content-type"], "application/pdf");
    let url = up["uploadUrl"].as_str().unwrap();
    assert!(
        url.contains("X-Amz-Signature") && url.contains("X-Amz-Expires=300"),
        "{url}"
    );
    assert!(
        url.contains("content-length"),
        "the length is signed: {url}"
    );
    // The signature binds length and type: other bytes or another type are refused.
    assert_eq!(put(&app, &up, &pdf[..1000]).await.status(), 403);
    let wrong_type = app
        .http
        .put(url)
        .header("content-type", "text/html")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 403);
    assert_eq!(put(&app, &up, &pdf).await.status(), 200);
    let pdf_id = up["attachment"]["id"].as_str().unwrap().to_string();

    // A name with spaces and non-ASCII letters, long enough to need RFC 2231 continuations.
    let r = upload_url(
        &app,
        &o.admin,
        &ticket_id,
        &format!("../{long_name}"),
        "Text/Plain",
        note.len(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(
        r.data()["attachment"]["filename"],
        long_name.as_str(),
        "the path is cut off"
    );
    assert_eq!(r.data()["attachment"]["contentType"], "text/plain");
    assert_eq!(put(&app, r.data(), &note).await.status(), 200);
    let note_id = r.data()["attachment"]["id"].as_str().unwrap().to_string();

    let sent = post(
        &app,
        &o.admin,
        &ticket_id,
        json!({ "content": "Here is the invoice.", "attachmentIds": [pdf_id, note_id] }),
    )
    .await;
    assert_eq!(sent.status, 201, "{:?}", sent.body);
    let m = sent.data();
    assert_eq!(m["email"]["delivery"]["state"], "sent", "{m:#}");
    let listed: Vec<&str> = m["email"]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["invoice.pdf", long_name.as_str()]);

    // The mail: multipart/mixed, the text and HTML alternative, then both files.
    let out = app.last_mail_to(customer);
    assert_eq!(
        out.decoded.attachments,
        ["invoice.pdf", long_name.as_str()],
        "the outbox decodes the names"
    );
    let raw = out.raw.as_bytes();
    assert!(out.raw.len() > pdf.len(), "the bytes travel in the mail");
    let parsed = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("MIME");
    use mail_parser::MimeHeaders as _;
    assert_eq!(
        parsed.content_type().map(|c| (c.ctype(), c.subtype())),
        Some(("multipart", Some("mixed")))
    );
    assert!(
        parsed
            .body_text(0)
            .unwrap()
            .contains("Here is the invoice.")
    );
    assert!(
        parsed
            .body_html(0)
            .unwrap()
            .contains("Here is the invoice.")
    );
    let files: Vec<_> = parsed.attachments().collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].attachment_name(), Some("invoice.pdf"));
    assert_eq!(
        files[0].content_type().map(|c| c.subtype()),
        Some(Some("pdf"))
    );
    assert_eq!(files[0].contents(), pdf.as_slice());
    assert_eq!(files[1].attachment_name(), Some(long_name.as_str()));
    assert_eq!(files[1].contents(), note.as_slice());
    // No line of the mail is longer than RFC 5322 allows.
    assert!(out.raw.split("\r\n").all(|l| l.len() <= 998));

    // The thread lists them like inbound files, and the download URL serves the bytes.
    let thread = messages(&app, &o.admin, &ticket_id).await;
    let reply = thread.iter().find(|x| x["id"] == m["id"]).unwrap();
    assert_eq!(reply["email"]["attachments"], m["email"]["attachments"]);
    let link = app
        .get(&format!("/api/attachments/{pdf_id}"), &o.admin.token)
        .await;
    assert_eq!(link.status, 200, "{:?}", link.body);
    assert_eq!(link.data()["ticketId"], ticket_id.as_str());
    let got = reqwest::get(link.data()["url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // A used upload cannot go with a second message; nothing is posted.
    let count = thread.len();
    let again = post(
        &app,
        &o.admin,
        &ticket_id,
        json!({ "content": "Once more", "attachmentIds": [pdf_id] }),
    )
    .await;
    assert_eq!(again.status, 409, "{:?}", again.body);
    assert_eq!(again.code(), "attachment_used");
    assert_eq!(messages(&app, &o.admin, &ticket_id).await.len(), count);

    // Two replies racing for one upload: one takes it, the other stores nothing.
    let shared = uploaded(
        &app,
        &o.admin,
        &ticket_id,
        "race.txt",
        "text/plain",
        b"race",
    )
    .await;
    let body = |n: u8| json!({ "content": format!("Racer {n}"), "attachmentIds": [shared] });
    let (a, b) = tokio::join!(
        post(&app, &o.admin, &ticket_id, body(1)),
        post(&app, &o.admin, &ticket_id, body(2))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{:?} {:?}", a.body, b.body);
    let after = messages(&app, &o.admin, &ticket_id).await;
    assert_eq!(after.len(), count + 1);
    let carrying = after
        .iter()
        .filter(|m| m["email"]["attachments"][0]["id"] == shared.as_str())
        .count();
    assert_eq!(carrying, 1);
}

#[tokio::test]
async fn email_attachments_refuse_foreign_unknown_used_unuploaded_and_oversize_files() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let ticket_id = email_ticket(&app, &o, "carl@customer.io").await;
    let other = app
        .post(
            "/api/tickets",
            &o.admin.token,
            json!({ "subject": "Other", "customer": { "email": "dora@customer.io", "name": "Dora" }, "message": "Hi" }),
        )
        .await;
    assert_eq!(other.status, 201, "{:?}", other.body);
    let other_ticket = other.data()["id"].as_str().unwrap().to_string();
    let globex = org(&app, "Globex", "gus@globex.io").await;
    let globex_ticket = email_ticket(&app, &globex, "hank@customer.io").await;

    // Another organization's ticket: 404, as for every foreign id.
    let r = upload_url(
        &app,
        &o.admin,
        &globex_ticket,
        "a.pdf",
        "application/pdf",
        10,
    )
    .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // Sizes and types are checked before any URL is handed out.
    let max = 10 * 1024 * 1024;
    for (name, ct, size, field) in [
        ("big.bin", "application/octet-stream", max + 1, "size"),
        ("empty.txt", "text/plain", 0, "size"),
        ("x.pdf", "pdf", 10, "contentType"),
        ("x.txt", "text/plain\r\nX-Evil: 1", 10, "contentType"),
    ] {
        let r = upload_url(&app, &o.admin, &ticket_id, name, ct, size).await;
        assert_eq!(r.status, 422, "{name}: {:?}", r.body);
        assert_eq!(r.body["field"], field, "{name}");
    }
    assert_eq!(
        upload_url(&app, &o.admin, &ticket_id, "max.bin", "", max)
            .await
            .status,
        201,
        "exactly 10 MB is allowed (type defaults to application/octet-stream)"
    );

    let count = messages(&app, &o.admin, &ticket_id).await.len();
    let sent_before = app.outbox().len();
    let refused = |r: &Resp, status: u16| {
        assert_eq!(r.status, status, "{:?}", r.body);
    };
    let reply = |ids: Value| json!({ "content": "See attached", "attachmentIds": ids });

    // Unknown ids and malformed ones: the ticket exists, the body is at fault.
    let unknown = ulid::Ulid::new().to_string();
    refused(
        &post(&app, &o.admin, &ticket_id, reply(json!([unknown]))).await,
        422,
    );
    refused(
        &post(&app, &o.admin, &ticket_id, reply(json!(["../x"]))).await,
        422,
    );
    // Uploaded for another ticket of the same organization.
    let elsewhere = uploaded(
        &app,
        &o.admin,
        &other_ticket,
        "e.txt",
        "text/plain",
        b"elsewhere",
    )
    .await;
    let r = post(&app, &o.admin, &ticket_id, reply(json!([elsewhere]))).await;
    refused(&r, 422);
    assert!(
        r.body["error"].as_str().unwrap().contains("another ticket"),
        "{:?}",
        r.body
    );
    // Another organization's upload, on its own ticket: to us it is an unknown id.
    let theirs = uploaded(
        &app,
        &globex.admin,
        &globex_ticket,
        "g.txt",
        "text/plain",
        b"globex",
    )
    .await;
    refused(
        &post(&app, &o.admin, &ticket_id, reply(json!([theirs]))).await,
        422,
    );
    // An upload URL handed out but never used.
    let r = upload_url(
        &app,
        &o.admin,
        &ticket_id,
        "later.pdf",
        "application/pdf",
        100,
    )
    .await;
    let never = r.data()["attachment"]["id"].as_str().unwrap().to_string();
    let r = post(&app, &o.admin, &ticket_id, reply(json!([never]))).await;
    refused(&r, 422);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("not been uploaded"),
        "{:?}",
        r.body
    );
    // More than 25 MB together (declared sizes, checked before any S3 call).
    let mut big = Vec::new();
    for i in 0..3 {
        let r = upload_url(
            &app,
            &o.admin,
            &ticket_id,
            &format!("part{i}.bin"),
            "",
            9 * 1024 * 1024,
        )
        .await;
        big.push(r.data()["attachment"]["id"].as_str().unwrap().to_string());
    }
    let r = post(&app, &o.admin, &ticket_id, reply(json!(big))).await;
    refused(&r, 422);
    assert!(
        r.body["error"].as_str().unwrap().contains("25 MB"),
        "{:?}",
        r.body
    );
    // More than ten files, and one file twice.
    let ids: Vec<String> = (0..11).map(|_| ulid::Ulid::new().to_string()).collect();
    refused(
        &post(&app, &o.admin, &ticket_id, reply(json!(ids))).await,
        422,
    );
    let ok_id = uploaded(&app, &o.admin, &ticket_id, "ok.txt", "text/plain", b"fine").await;
    refused(
        &post(&app, &o.admin, &ticket_id, reply(json!([ok_id, ok_id]))).await,
        422,
    );
    // One bad id spoils the message: the good one stays unused.
    refused(
        &post(&app, &o.admin, &ticket_id, reply(json!([ok_id, unknown]))).await,
        422,
    );

    assert_eq!(
        messages(&app, &o.admin, &ticket_id).await.len(),
        count,
        "nothing was posted"
    );
    assert_eq!(app.outbox().len(), sent_before, "nothing was mailed");
    let r = post(&app, &o.admin, &ticket_id, reply(json!([ok_id]))).await;
    refused(&r, 201);
}

#[tokio::test]
async fn email_attachments_on_notes_and_chats_are_kept_and_never_mailed() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let ticket_id = email_ticket(&app, &o, "carl@customer.io").await;
    let sent_before = app.outbox().len();

    // An internal note keeps its file; nothing goes to the customer.
    let id = uploaded(
        &app,
        &o.admin,
        &ticket_id,
        "notes.txt",
        "text/plain",
        b"for us",
    )
    .await;
    let r = post(
        &app,
        &o.admin,
        &ticket_id,
        json!({ "content": "Log attached", "internal": true, "attachmentIds": [id] }),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["email"]["attachments"][0]["filename"], "notes.txt");
    assert!(r.data()["email"].get("delivery").is_none());
    assert_eq!(app.outbox().len(), sent_before);

    // A chat whose visitor left no address: the reply keeps its file for the thread (the
    // dashboard links it), and no mail goes anywhere.
    const SITE: &str = "https://shop.example.com";
    let r = app
        .patch(
            &format!("/api/organizations/{}", o.admin.org_id),
            &o.admin.token,
            json!({ "widget": { "allowedOrigins": [SITE] } }),
        )
        .await;
    let key = r.data()["widget"]["widgetKey"]
        .as_str()
        .unwrap()
        .to_string();
    let session = app
        .http
        .post(app.url("/api/widget/sessions"))
        .header("origin", SITE)
        .json(&json!({ "widgetKey": key, "name": "Visitor" }))
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 201);
    let chats = app.get("/api/tickets?channel=CHAT", &o.admin.token).await;
    let chat_id = chats.data()[0]["id"].as_str().unwrap().to_string();
    let id = uploaded(
        &app,
        &o.admin,
        &chat_id,
        "guide.pdf",
        "application/pdf",
        b"%PDF-1.4",
    )
    .await;
    let r = post(
        &app,
        &o.admin,
        &chat_id,
        json!({ "content": "Our guide", "attachmentIds": [id] }),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["email"]["attachments"][0]["id"], id.as_str());
    let link = app
        .get(&format!("/api/attachments/{id}"), &o.admin.token)
        .await;
    assert_eq!(link.status, 200);
    assert_eq!(app.outbox().len(), sent_before);
}

#[tokio::test]
async fn email_attachments_the_local_s3_applies_the_buckets_cors_rules() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let ticket_id = email_ticket(&app, &o, "carl@customer.io").await;
    let r = upload_url(&app, &o.admin, &ticket_id, "a.txt", "text/plain", 3).await;
    let url = r.data()["uploadUrl"].as_str().unwrap();
    // The dashboard's origin (AllowedOrigin, locally the stack's own address) may PUT.
    let dashboard = app.stack.http_url.clone();
    let preflight_for = |origin: String, method: &'static str, headers: &'static str| {
        app.http
            .request(Method::OPTIONS, url)
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", headers)
            .send()
    };
    let preflight = |origin: String, headers: &'static str| preflight_for(origin, "PUT", headers);
    let ok = preflight(dashboard.clone(), "content-type").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        dashboard
    );
    assert!(
        ok.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PUT")
    );
    // Any site may PUT (the chat widget uploads from customers' sites: the widget-uploads
    // rule; the presigned URL is what authorizes the write), and nothing else.
    assert_eq!(
        preflight("https://shop.example".into(), "content-type")
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        preflight_for("https://evil.example".into(), "DELETE", "content-type")
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        preflight(dashboard.clone(), "x-amz-acl")
            .await
            .unwrap()
            .status(),
        403
    );
    // The PUT itself carries the header the browser needs to read the answer.
    let put = app
        .http
        .put(url)
        .header("origin", &dashboard)
        .header("content-type", "text/plain")
        .body("abc")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    assert_eq!(
        put.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        dashboard
    );
}
