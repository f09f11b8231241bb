//! The email channel end to end: real MIME sent by a real SMTP client (`lettre`) through
//! the local SMTP door, which stores it in local S3 and invokes the inbound function with
//! the SES event; agent replies leave through the SESv2 outbox, which rewrites the
//! Message-ID exactly as SES does.

use serde_json::{Value, json};
use wrrk_local::smtp::Verdicts;
use wrrk_tests::{Session, TestApp};

/// An organization with its support address.
pub(crate) struct Org {
    pub(crate) admin: Session,
    pub(crate) address: String,
}

pub(crate) async fn org(app: &TestApp, name: &str, email: &str) -> Org {
    let admin = app.signup(name, email).await;
    let r = app
        .get(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let address = r.data()["supportAddress"]
        .as_str()
        .expect("supportAddress")
        .to_string();
    assert!(address.ends_with("@wrrk.local"), "{address}");
    Org { admin, address }
}

/// Sends `raw` over SMTP from `from` to `to`; the door answers once the mail landed.
pub(crate) async fn smtp(app: &TestApp, from: &str, to: &[&str], raw: &str) {
    app.send_smtp(from, to, raw).await;
}

/// A plain text mail.
pub(crate) fn mail(
    from: &str,
    to: &str,
    subject: &str,
    id: &str,
    extra: &str,
    body: &str,
) -> String {
    format!(
        "From: Customer <{from}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

pub(crate) async fn tickets(app: &TestApp, s: &Session) -> Vec<Value> {
    let r = app.get("/api/tickets?limit=100", &s.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().as_array().unwrap().clone()
}

pub(crate) async fn messages(app: &TestApp, s: &Session, ticket_id: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/tickets/{ticket_id}/messages?limit=100"),
            &s.token,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().as_array().unwrap().clone()
}

async fn reply(app: &TestApp, s: &Session, ticket_id: &str, content: &str) -> Value {
    let r = app
        .post(
            &format!("/api/tickets/{ticket_id}/messages"),
            &s.token,
            json!({ "content": content }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

/// The only ticket of the organization.
pub(crate) async fn only_ticket(app: &TestApp, s: &Session) -> Value {
    let all = tickets(app, s).await;
    assert_eq!(all.len(), 1, "{all:#?}");
    all[0].clone()
}

/// Opens a ticket by mail and has the agent answer it; the ticket id and the mail the
/// customer received (decoded headers).
async fn opened_and_answered(
    app: &TestApp,
    o: &Org,
    customer: &str,
) -> (String, wrrk_local::ses::OutboxMessage) {
    smtp(
        app,
        customer,
        &[&o.address],
        &mail(
            customer,
            &o.address,
            "Printer on fire",
            &format!("first-{customer}"),
            "",
            "It burns.",
        ),
    )
    .await;
    let t = tickets(app, &o.admin)
        .await
        .into_iter()
        .find(|t| t["customer"]["email"] == customer)
        .expect("the ticket");
    let id = t["id"].as_str().unwrap().to_string();
    reply(app, &o.admin, &id, "Unplug it.").await;
    (id, app.last_mail_to(customer))
}

fn header<'a>(m: &'a wrrk_local::ses::OutboxMessage, name: &str) -> &'a str {
    m.decoded
        .header(name)
        .unwrap_or_else(|| panic!("no {name} header: {:#?}", m.decoded.headers))
}

#[tokio::test]
async fn email_checklist_mail_becomes_a_ticket_the_reply_is_threaded_and_the_answer_lands_on_it() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let mut ws = app.ws_connect(&o.admin.token).await;
    smtp(
        &app,
        "carl@customer.io",
        &[&o.address],
        &mail(
            "carl@customer.io",
            &o.address,
            "Printer on fire",
            "c1@customer.io",
            "",
            "It burns.\r\n\r\nCarl",
        ),
    )
    .await;
    let created = ws.expect("ticket:created").await;
    let t = only_ticket(&app, &o.admin).await;
    assert_eq!(created["data"]["id"], t["id"]);
    assert_eq!(t["channel"], "EMAIL");
    assert_eq!(t["subject"], "Printer on fire");
    assert_eq!(t["customer"]["email"], "carl@customer.io");
    let id = t["id"].as_str().unwrap();
    let key = t["ticketNumber"].as_str().unwrap();

    let sent = reply(&app, &o.admin, id, "Unplug it.").await;
    assert_eq!(sent["email"]["delivery"]["state"], "sent", "{sent:#}");
    let ses_id = sent["email"]["delivery"]["sesMessageId"]
        .as_str()
        .unwrap()
        .to_string();
    let ours = sent["email"]["delivery"]["messageId"]
        .as_str()
        .unwrap()
        .to_string();
    let out = app.last_mail_to("carl@customer.io");
    assert_eq!(out.id, ses_id);
    // SES replaced our Message-ID with its own form; ours rides in References.
    let ses_form = format!("{ses_id}@us-east-1.amazonses.com");
    assert_eq!(
        header(&out, "Message-ID").trim_matches(['<', '>']),
        ses_form
    );
    assert!(header(&out, "References").contains(&ours));
    assert!(header(&out, "References").contains("c1@customer.io"));
    assert!(header(&out, "In-Reply-To").contains("c1@customer.io"));
    assert!(
        header(&out, "Reply-To").contains("reply+"),
        "{}",
        header(&out, "Reply-To")
    );
    assert!(
        header(&out, "From").contains(&o.address)
            && header(&out, "From").contains("Admin via Acme")
    );
    assert_eq!(out.subject, format!("Re: [#{key}] Printer on fire"));
    assert!(out.decoded.text.as_deref().unwrap().contains("Unplug it."));
    assert!(out.decoded.html.as_deref().unwrap().contains("Unplug it."));
    let listed = messages(&app, &o.admin, id).await;
    assert_eq!(listed[1]["email"]["delivery"]["state"], "sent");

    // The customer answers from their mail client: the answer lands on the same ticket.
    ws.subscribe(id).await;
    let answer = mail(
        "carl@customer.io",
        &o.address,
        &format!("Re: [#{key}] Printer on fire"),
        "c2@customer.io",
        &format!(
            "In-Reply-To: <{ses_form}>\r\nReferences: <c1@customer.io> <{ours}> <{ses_form}>\r\n"
        ),
        "It worked, thanks!\r\n\r\nOn Tue, Dec 1, 2026, Admin via Acme wrote:\r\n> Unplug it.\r\n",
    );
    smtp(&app, "carl@customer.io", &[&o.address], &answer).await;
    let (new, _) = ws
        .until("message:new", |d| d["authorType"] == "CUSTOMER")
        .await;
    assert_eq!(new["data"]["ticketId"], id);
    let all = messages(&app, &o.admin, id).await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[2]["content"], "It worked, thanks!");
    assert!(
        all[2]["email"]["fullText"]
            .as_str()
            .unwrap()
            .contains("> Unplug it.")
    );
    assert_eq!(tickets(&app, &o.admin).await.len(), 1);
}

#[tokio::test]
async fn email_replies_thread_by_ses_id_references_reply_address_and_subject_token() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let (id, out) = opened_and_answered(&app, &o, "ios@customer.io").await;
    let ses_form = header(&out, "Message-ID")
        .trim_matches(['<', '>'])
        .to_string();
    let refs = header(&out, "References").to_string();
    let reply_to = header(&out, "Reply-To")
        .trim_matches(['<', '>'])
        .to_string();
    let key = only_ticket(&app, &o.admin).await["ticketNumber"]
        .as_str()
        .unwrap()
        .to_string();

    // iOS Mail: only the SES id, in In-Reply-To, nothing else.
    let ios = mail(
        "ios@customer.io",
        &o.address,
        "Re: Printer on fire",
        "r1@ios",
        &format!("In-Reply-To: <{ses_form}>\r\n"),
        "by SES id",
    );
    // References only (no In-Reply-To), subject changed the way Outlook does.
    let outlook = mail(
        "ios@customer.io",
        &o.address,
        "AW: something else entirely",
        "r2@outlook",
        &format!("References: {refs}\r\nThread-Index: AdFuZ6XxOH+qH5H+R76f2odV/Vn8MQ==\r\n"),
        "by references, new subject",
    );
    // No thread headers at all, sent to the reply address.
    let by_address = mail(
        "ios@customer.io",
        &reply_to,
        "hello again",
        "r3@plain",
        "",
        "by reply address",
    );
    // No thread headers, the support address, only the subject token.
    let by_token = mail(
        "ios@customer.io",
        &o.address,
        &format!("Update [#{key}]"),
        "r4@plain",
        "",
        "by subject token",
    );
    for (raw, to) in [
        (ios, o.address.as_str()),
        (outlook, o.address.as_str()),
        (by_address, reply_to.as_str()),
        (by_token, o.address.as_str()),
    ] {
        smtp(&app, "ios@customer.io", &[to], &raw).await;
    }
    assert_eq!(tickets(&app, &o.admin).await.len(), 1);
    let contents: Vec<String> = messages(&app, &o.admin, &id)
        .await
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        contents[2..],
        [
            "by SES id",
            "by references, new subject",
            "by reply address",
            "by subject token"
        ]
    );
}

#[tokio::test]
async fn email_a_stranger_never_joins_a_thread_and_a_reply_to_a_known_thread_opens_a_linked_ticket()
{
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let (id, out) = opened_and_answered(&app, &o, "carl@customer.io").await;
    let key = only_ticket(&app, &o.admin).await["ticketNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let ses_form = header(&out, "Message-ID")
        .trim_matches(['<', '>'])
        .to_string();
    // Someone else guesses the subject token: a new ticket of their own.
    smtp(
        &app,
        "eve@else.io",
        &[&o.address],
        &mail(
            "eve@else.io",
            &o.address,
            &format!("Re: [#{key}] hi"),
            "e1@else",
            "",
            "token guess",
        ),
    )
    .await;
    // Someone else answers the thread (a forwarded mail): a new ticket, linked.
    smtp(
        &app,
        "bob@else.io",
        &[&o.address],
        &mail(
            "bob@else.io",
            &o.address,
            "Re: Printer on fire",
            "b1@else",
            &format!("In-Reply-To: <{ses_form}>\r\n"),
            "forwarded to me",
        ),
    )
    .await;
    let all = tickets(&app, &o.admin).await;
    assert_eq!(all.len(), 3);
    assert_eq!(messages(&app, &o.admin, &id).await.len(), 2);
    let bob = all
        .iter()
        .find(|t| t["customer"]["email"] == "bob@else.io")
        .unwrap();
    let notes = messages(&app, &o.admin, bob["id"].as_str().unwrap()).await;
    assert!(
        notes
            .iter()
            .any(|m| m["internal"] == true && m["content"].as_str().unwrap().contains(&key)),
        "{notes:#?}"
    );
}

#[tokio::test]
async fn email_duplicate_delivery_is_one_message_and_a_reused_message_id_from_another_sender_is_not_dropped()
 {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let raw = mail(
        "carl@customer.io",
        &o.address,
        "Hello",
        "same@id",
        "",
        "once",
    );
    smtp(&app, "carl@customer.io", &[&o.address], &raw).await;
    smtp(&app, "carl@customer.io", &[&o.address], &raw).await;
    // SES delivering the very same object twice (same SES id) changes nothing either.
    let again = app
        .stack
        .deliver_mail(
            raw.as_bytes(),
            "carl@customer.io",
            std::slice::from_ref(&o.address),
            &Verdicts::default(),
        )
        .await
        .unwrap();
    assert_eq!(again["results"][0]["outcome"], "duplicate", "{again}");
    let t = only_ticket(&app, &o.admin).await;
    assert_eq!(
        messages(&app, &o.admin, t["id"].as_str().unwrap())
            .await
            .len(),
        1
    );
    // Another sender reusing the Message-ID is a different mail.
    smtp(
        &app,
        "dora@other.io",
        &[&o.address],
        &mail("dora@other.io", &o.address, "Other", "same@id", "", "mine"),
    )
    .await;
    assert_eq!(tickets(&app, &o.admin).await.len(), 2);
}

#[tokio::test]
async fn email_an_out_of_office_is_kept_never_answered_and_never_reopens() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let (id, out) = opened_and_answered(&app, &o, "away@customer.io").await;
    let r = app
        .patch(
            &format!("/api/tickets/{id}"),
            &o.admin.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let sent_before = app.outbox().len();
    let ses_form = header(&out, "Message-ID")
        .trim_matches(['<', '>'])
        .to_string();
    for (i, extra) in [
        "Auto-Submitted: auto-replied\r\n",
        "X-Autoreply: yes\r\n",
        "Precedence: bulk\r\n",
    ]
    .iter()
    .enumerate()
    {
        let raw = mail(
            "away@customer.io",
            &o.address,
            "Automatic reply: Printer on fire",
            &format!("ooo{i}@customer.io"),
            &format!("{extra}In-Reply-To: <{ses_form}>\r\n"),
            "I am out of office.",
        );
        smtp(&app, "away@customer.io", &[&o.address], &raw).await;
    }
    let t = only_ticket(&app, &o.admin).await;
    assert_eq!(t["status"], "RESOLVED");
    let all = messages(&app, &o.admin, &id).await;
    assert_eq!(all.len(), 5);
    assert!(
        all[2..].iter().all(|m| m["email"]["kind"] == "AUTO_REPLY"),
        "{all:#?}"
    );
    assert_eq!(
        app.outbox().len(),
        sent_before,
        "an auto-reply is never answered"
    );
    // An auto-reply to nothing we know is not a ticket.
    smtp(
        &app,
        "x@customer.io",
        &[&o.address],
        &mail(
            "x@customer.io",
            &o.address,
            "Out of Office",
            "ooo@x",
            "Auto-Submitted: auto-replied\r\n",
            "away",
        ),
    )
    .await;
    assert_eq!(tickets(&app, &o.admin).await.len(), 1);
}

#[tokio::test]
async fn email_a_bounce_lands_on_its_ticket_and_flags_the_customer_never_a_ticket() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let (id, out) = opened_and_answered(&app, &o, "gone@customer.io").await;
    let ses_form = header(&out, "Message-ID")
        .trim_matches(['<', '>'])
        .to_string();
    let dsn = format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.customer.io>\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.customer.io\r\n\r\nFinal-Recipient: rfc822; gone@customer.io\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ses_form}>\r\nSubject: Re: Printer on fire\r\n--B--\r\n",
        to = o.address
    );
    smtp(&app, "", &[&o.address], &dsn).await;
    assert_eq!(tickets(&app, &o.admin).await.len(), 1);
    let all = messages(&app, &o.admin, &id).await;
    let bounce = all.last().unwrap();
    assert_eq!(bounce["email"]["kind"], "BOUNCE", "{all:#?}");
    assert_eq!(bounce["internal"], true);
    let t = only_ticket(&app, &o.admin).await;
    let c = app
        .get(
            &format!("/api/customers/{}", t["customer"]["id"].as_str().unwrap()),
            &o.admin.token,
        )
        .await;
    assert_eq!(c.data()["emailBouncing"], true, "{:?}", c.body);
}

#[tokio::test]
async fn email_spam_virus_and_dmarc_failures_are_quarantined_not_tickets() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    // A known customer first.
    smtp(
        &app,
        "carl@customer.io",
        &[&o.address],
        &mail(
            "carl@customer.io",
            &o.address,
            "Hi",
            "ok@customer.io",
            "",
            "real",
        ),
    )
    .await;
    let to = std::slice::from_ref(&o.address);
    let spam = Verdicts {
        spam: "FAIL".into(),
        ..Verdicts::default()
    };
    let virus = Verdicts {
        virus: "FAIL".into(),
        ..Verdicts::default()
    };
    let dmarc = Verdicts {
        dmarc: "FAIL".into(),
        dmarc_policy: Some("reject".into()),
        ..Verdicts::default()
    };
    for (i, v) in [spam, virus, dmarc].iter().enumerate() {
        let raw = mail(
            "carl@customer.io",
            &o.address,
            "<script>alert(1)</script>",
            &format!("bad{i}@x"),
            "",
            "bad",
        );
        let r = app
            .stack
            .deliver_mail(raw.as_bytes(), "carl@customer.io", to, v)
            .await
            .unwrap();
        assert_eq!(r["results"][0]["outcome"], "quarantined", "{r}");
    }
    let t = only_ticket(&app, &o.admin).await;
    assert_eq!(
        messages(&app, &o.admin, t["id"].as_str().unwrap())
            .await
            .len(),
        1
    );
    let q = app.get("/api/quarantine", &o.admin.token).await;
    assert_eq!(q.status, 200, "{:?}", q.body);
    let mut reasons: Vec<&str> = q
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["reason"].as_str().unwrap())
        .collect();
    reasons.sort_unstable();
    assert_eq!(reasons, ["dmarc", "spam", "virus"]);
    // An agent does not see the quarantine.
    let agent = app.add_member(&o.admin, "AGENT").await;
    assert_eq!(app.get("/api/quarantine", &agent.token).await.status, 403);
    // DMARC failing for an address that is nobody's customer yet is a normal new ticket.
    let v = Verdicts {
        dmarc: "FAIL".into(),
        dmarc_policy: Some("quarantine".into()),
        ..Verdicts::default()
    };
    let raw = mail(
        "new@stranger.io",
        &o.address,
        "Hello",
        "n1@stranger",
        "",
        "hi",
    );
    let r = app
        .stack
        .deliver_mail(raw.as_bytes(), "new@stranger.io", to, &v)
        .await
        .unwrap();
    assert_eq!(r["results"][0]["outcome"], "opened", "{r}");
}

#[tokio::test]
async fn email_attachments_and_inline_images_round_trip_through_presigned_urls() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-fake-image-bytes";
    let pdf: &[u8] = b"%PDF-1.4\n% a small pdf\n";
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let raw = format!(
        "From: Carl <carl@customer.io>\r\nTo: {to}\r\nSubject: Screenshot\r\nMessage-ID: <att@customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"M\"\r\n\r\n--M\r\nContent-Type: multipart/related; boundary=\"R\"\r\n\r\n--R\r\nContent-Type: multipart/alternative; boundary=\"A\"\r\n\r\n--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the image.\r\n--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onmouseover=\"steal()\">See <b>the</b> image:<img src=\"cid:shot@customer.io\"><script>alert(1)</script></p>\r\n--A--\r\n--R\r\nContent-Type: image/png\r\nContent-ID: <shot@customer.io>\r\nContent-Disposition: inline; filename=\"shot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{png}\r\n--R--\r\n--M\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n--M--\r\n",
        to = o.address,
        png = b64(png),
        pdf = b64(pdf)
    );
    smtp(&app, "carl@customer.io", &[&o.address], &raw).await;
    let t = only_ticket(&app, &o.admin).await;
    let m = &messages(&app, &o.admin, t["id"].as_str().unwrap()).await[0];
    assert_eq!(m["content"], "See the image.");
    let html = m["email"]["html"].as_str().unwrap();
    assert!(
        !html.contains("script") && !html.contains("onmouseover") && !html.contains("cid:"),
        "{html}"
    );
    let atts = m["email"]["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 2, "{atts:#?}");
    for (name, bytes, inline) in [("shot.png", png, true), ("invoice.pdf", pdf, false)] {
        let a = atts
            .iter()
            .find(|a| a["filename"] == name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(a["inline"], inline, "{a}");
        let aid = a["id"].as_str().unwrap();
        if inline {
            assert!(html.contains(&format!("/api/attachments/{aid}")), "{html}");
        }
        let r = app
            .get(&format!("/api/attachments/{aid}"), &o.admin.token)
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let url = r.data()["url"].as_str().unwrap();
        assert!(url.contains("X-Amz-Signature"), "{url}");
        let got = reqwest::get(url).await.unwrap();
        assert_eq!(got.status(), 200);
        assert_eq!(got.bytes().await.unwrap().as_ref(), bytes);
        // A tampered URL is refused by S3.
        let (head, sig) = url.split_once("X-Amz-Signature=").unwrap();
        let flipped: String = sig
            .chars()
            .map(|c| {
                if c == 'a' {
                    'b'
                } else if c.is_ascii_hexdigit() {
                    'a'
                } else {
                    c
                }
            })
            .collect();
        let bad = reqwest::get(format!("{head}X-Amz-Signature={flipped}"))
            .await
            .unwrap();
        assert_eq!(bad.status(), 403);
    }
    // Another organization cannot fetch it.
    let other = org(&app, "Globex", "gus@globex.io").await;
    let aid = atts[0]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/attachments/{aid}"), &other.admin.token)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn email_iso_2022_jp_windows_1252_and_koi8_r_mail_is_read_correctly() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let cases: [(&str, &str, &[u8], &str, &str); 3] = [
        (
            "jp@customer.io",
            "=?ISO-2022-JP?B?GyRCJCpMZCQkOWckbyQ7GyhC?=",
            b"\x1b$B$3$s$K$A$O\x1b(B",
            "iso-2022-jp",
            "こんにちは",
        ),
        (
            "cp@customer.io",
            "=?windows-1252?Q?Caf=E9?=",
            b"Caf\xe9 \x96 na\xefve \x93quotes\x94 \x80",
            "windows-1252",
            "Café – naïve “quotes” €",
        ),
        (
            "ru@customer.io",
            "=?koi8-r?B?8NLJ18XU?=",
            b"\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2",
            "koi8-r",
            "Привет, мир",
        ),
    ];
    for (from, subject, body, charset, _) in &cases {
        let mut raw = format!(
            "From: {from}\r\nTo: {}\r\nSubject: {subject}\r\nMessage-ID: <{from}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
            o.address
        )
        .into_bytes();
        raw.extend_from_slice(body);
        raw.extend_from_slice(b"\r\n");
        let r = app
            .stack
            .deliver_mail(
                &raw,
                from,
                std::slice::from_ref(&o.address),
                &Verdicts::default(),
            )
            .await
            .unwrap();
        assert_eq!(r["results"][0]["outcome"], "opened", "{r}");
    }
    // And one through SMTP, quoted-printable.
    smtp(&app, "qp@customer.io", &[&o.address], &format!("From: qp@customer.io\r\nTo: {}\r\nSubject: =?koi8-r?Q?=F0=D2=C9=D7=C5=D4?=\r\nMessage-ID: <qp@customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=F0=D2=C9=D7=C5=D4, =CD=C9=D2\r\n", o.address)).await;
    let all = tickets(&app, &o.admin).await;
    let subject_of = |email: &str| {
        all.iter()
            .find(|t| t["customer"]["email"] == email)
            .unwrap()["subject"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(subject_of("jp@customer.io"), "お問い合わせ");
    assert_eq!(subject_of("cp@customer.io"), "Café");
    assert_eq!(subject_of("ru@customer.io"), "Привет");
    assert_eq!(subject_of("qp@customer.io"), "Привет");
    for (from, _, _, _, text) in
        cases
            .iter()
            .chain([&("qp@customer.io", "", &b""[..], "", "Привет, мир")])
    {
        let t = all
            .iter()
            .find(|t| t["customer"]["email"] == *from)
            .unwrap();
        let m = &messages(&app, &o.admin, t["id"].as_str().unwrap()).await[0];
        assert_eq!(m["content"], *text, "{from}");
    }
}

#[tokio::test]
async fn email_html_only_mail_is_text_for_agents_and_its_html_and_subject_cannot_script() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let raw = format!(
        "From: h@customer.io\r\nTo: {}\r\nSubject: <img src=x onerror=alert(1)>\r\nMessage-ID: <h1@customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><h1>Broken</h1><p>It <a href=\"javascript:alert(1)\">fails</a> daily.</p><iframe src=\"https://evil\"></iframe></body></html>\r\n",
        o.address
    );
    smtp(&app, "h@customer.io", &[&o.address], &raw).await;
    let t = only_ticket(&app, &o.admin).await;
    let m = &messages(&app, &o.admin, t["id"].as_str().unwrap()).await[0];
    let text = m["content"].as_str().unwrap();
    assert!(
        text.contains("Broken") && text.contains("fails daily"),
        "{text}"
    );
    assert!(!text.contains('<'), "{text}");
    let html = m["email"]["html"].as_str().unwrap();
    assert!(html.contains("<h1>Broken</h1>"), "{html}");
    assert!(
        !html.contains("javascript") && !html.contains("iframe"),
        "{html}"
    );
    // The subject is stored as text: the dashboard escapes it like any text.
    assert_eq!(t["subject"], "<img src=x onerror=alert(1)>");
}

#[tokio::test]
async fn email_to_an_unknown_address_is_dropped_and_organizations_never_share_mail_or_addresses() {
    let app = TestApp::spawn().await;
    let acme = org(&app, "Acme", "ada@acme.io").await;
    let globex = org(&app, "Globex", "gus@globex.io").await;
    for to in [
        "nobody@wrrk.local",
        "acme-01AAAAAAAAAAAAAAAAAAAAAAAA@wrrk.local",
        "reply+000000000000000000000000000000@wrrk.local",
        "x@elsewhere.io",
    ] {
        let r = app
            .stack
            .deliver_mail(
                mail("c@customer.io", to, "Hi", &format!("{to}.id"), "", "hi").as_bytes(),
                "c@customer.io",
                &[to.to_string()],
                &Verdicts::default(),
            )
            .await
            .unwrap();
        assert_eq!(r["results"][0]["reason"], "unknown_recipient", "{to}: {r}");
    }
    // Through SMTP too: accepted (as SES would), then dropped with a log line.
    smtp(
        &app,
        "c@customer.io",
        &["nobody@wrrk.local"],
        &mail("c@customer.io", "nobody@wrrk.local", "Hi", "n@x", "", "hi"),
    )
    .await;
    assert!(tickets(&app, &acme.admin).await.is_empty());
    assert!(tickets(&app, &globex.admin).await.is_empty());

    // Acme's mail is Acme's only.
    smtp(
        &app,
        "c@customer.io",
        &[&acme.address],
        &mail("c@customer.io", &acme.address, "For Acme", "a@x", "", "hi"),
    )
    .await;
    assert_eq!(tickets(&app, &acme.admin).await.len(), 1);
    assert!(tickets(&app, &globex.admin).await.is_empty());

    // Own addresses: unique across organizations; wrrk's domain cannot be claimed.
    let path = |o: &Org| format!("/api/organizations/{}/addresses", o.admin.org_id);
    let r = app
        .post(
            &path(&acme),
            &acme.admin.token,
            json!({ "address": "Support@Acme.io" }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = app
        .post(
            &path(&globex),
            &globex.admin.token,
            json!({ "address": "support@acme.io" }),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    let r = app
        .post(
            &path(&globex),
            &globex.admin.token,
            json!({ "address": acme.address.clone() }),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/organizations/{}/addresses", acme.admin.org_id),
            &globex.admin.token,
            json!({ "address": "x@globex.io" }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let listed = app.get(&path(&acme), &acme.admin.token).await;
    assert_eq!(listed.data()["addresses"], json!(["support@acme.io"]));
    assert_eq!(listed.data()["supportAddress"], acme.address);
    // Mail forwarded from the own address (envelope to wrrk, To: the own address).
    let forwarded = mail(
        "d@customer.io",
        "support@acme.io",
        "Forwarded",
        "f@x",
        "X-Forwarded-To: support@acme.io\r\n",
        "hi",
    );
    let r = app
        .stack
        .deliver_mail(
            forwarded.as_bytes(),
            "d@customer.io",
            &["support@acme.io".to_string()],
            &Verdicts::default(),
        )
        .await
        .unwrap();
    assert_eq!(r["results"][0]["orgId"], acme.admin.org_id.as_str(), "{r}");
    assert_eq!(tickets(&app, &acme.admin).await.len(), 2);
    let r = app
        .delete(
            &format!("{}/support@acme.io", path(&acme)),
            &acme.admin.token,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .post(
            &path(&globex),
            &globex.admin.token,
            json!({ "address": "support@acme.io" }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

#[tokio::test]
async fn email_a_failed_send_is_recorded_and_retried_by_the_schedule() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    smtp(
        &app,
        "carl@customer.io",
        &[&o.address],
        &mail(
            "carl@customer.io",
            &o.address,
            "Hi",
            "f1@customer.io",
            "",
            "hello",
        ),
    )
    .await;
    let t = only_ticket(&app, &o.admin).await;
    let id = t["id"].as_str().unwrap();
    // SES unavailable for longer than the SDK's own retries last.
    app.stack.outbox.fail_next(usize::MAX);
    let m = reply(&app, &o.admin, id, "Answer").await;
    app.stack.outbox.fail_next(0);
    let d = &m["email"]["delivery"];
    assert_eq!(d["state"], "failed", "{m:#}");
    assert!(
        d["error"].as_str().unwrap().contains("ServiceUnavailable"),
        "{d}"
    );
    assert_eq!(d["attempts"], 1);
    assert!(d["nextAttemptAt"].is_string());
    assert!(
        app.outbox()
            .iter()
            .all(|m| !m.to.contains(&"carl@customer.io".to_string()))
    );
    // Not due yet: nothing happens.
    let r = app
        .stack
        .run_schedule("email-retry", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(r["tried"], 0);
    let r = app
        .stack
        .run_schedule(
            "email-retry",
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(r, json!({ "tried": 1, "sent": 1 }));
    let listed = messages(&app, &o.admin, id).await;
    let d = &listed[1]["email"]["delivery"];
    assert_eq!(d["state"], "sent", "{d}");
    assert_eq!(d["attempts"], 2);
    assert_eq!(
        app.last_mail_to("carl@customer.io").id,
        d["sesMessageId"].as_str().unwrap()
    );
    // Internal notes never go out by mail.
    let before = app.outbox().len();
    let r = app
        .post(
            &format!("/api/tickets/{id}/messages"),
            &o.admin.token,
            json!({ "content": "note", "internal": true }),
        )
        .await;
    assert_eq!(r.status, 201);
    assert!(r.data()["email"].is_null());
    assert_eq!(app.outbox().len(), before);
}

/// The public sample mail of two Debian packages (CPython's email test data, flufl.bounce's
/// bounce collection), fetched by `tests/email-corpus.sh`.
fn corpus() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("target/email-corpus/root");
    if !root.join("target/email-corpus/.done").exists() {
        let status = std::process::Command::new("bash")
            .arg(root.join("tests/email-corpus.sh"))
            .status()
            .expect("tests/email-corpus.sh runs");
        assert!(
            status.success(),
            "fetching the corpus failed (apt-get download)"
        );
    }
    dir
}

fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn email_public_sample_mail_is_processed_and_bounces_are_bounces() {
    let root = corpus();
    let python = files(&root.join("usr/lib/python3.11/test/test_email/data"));
    let bounces = files(&root.join("usr/lib/python3/dist-packages/flufl/bounce/tests/data"));
    assert!(
        python.len() >= 40 && bounces.len() >= 100,
        "{} {}",
        python.len(),
        bounces.len()
    );
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let to = std::slice::from_ref(&o.address);
    // Every message is handled (the function answers, nothing panics), whatever it is;
    // no bounce opens a ticket.
    for path in python.iter().chain(&bounces) {
        let raw = std::fs::read(path).unwrap();
        let r = app
            .stack
            .deliver_mail(&raw, "sender@corpus.test", to, &Verdicts::default())
            .await
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        let outcome = r["results"][0]["outcome"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: {r}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy();
        if bounces.contains(path) && name != "groupwise_03.txt" {
            assert_ne!(outcome, "opened", "{name}: {r}");
        }
    }
    // The bounce collection is classified as bounces, and never opens a ticket. Two of its
    // files are not bounces: a person's reply (groupwise_03) and an auto-reply (qmail_08).
    let not_bounces = ["groupwise_03.txt", "qmail_08.txt"];
    let mut missed = Vec::new();
    for path in &bounces {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let parsed = wrrk_shared::email::parse(&std::fs::read(path).unwrap()).expect("a message");
        let bounce = parsed.bounce.is_some();
        if not_bounces.contains(&name.as_str()) {
            assert!(!bounce, "{name}");
        } else if !bounce {
            missed.push(name);
        }
    }
    assert!(missed.is_empty(), "not recognized as bounces: {missed:?}");
    assert!(
        wrrk_shared::email::parse(
            &std::fs::read(
                root.join("usr/lib/python3/dist-packages/flufl/bounce/tests/data/qmail_08.txt")
            )
            .unwrap()
        )
        .unwrap()
        .auto_reply
    );
    let opened: Vec<String> = tickets(&app, &o.admin)
        .await
        .iter()
        .map(|t| t["customer"]["email"].as_str().unwrap().to_string())
        .collect();
    // Only the CPython samples with a sender and the one human reply may open tickets.
    assert!(!opened.is_empty());
    assert!(opened.len() <= python.len() + 1, "{opened:?}");
    assert!(
        opened.iter().any(|e| e == "reservas@yyyyy.cu"),
        "{opened:?}"
    );
}

#[tokio::test]
async fn email_an_ses_event_without_verdicts_or_headers_is_accepted() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let raw = mail(
        "min@customer.io",
        &o.address,
        "Minimal",
        "min@customer.io",
        "",
        "hello",
    );
    let s3 = &app.stack.app.s3;
    s3.put_object()
        .bucket(&app.stack.app.settings.bucket_name)
        .key("inbound/minimal-event-1")
        .body(raw.into_bytes().into())
        .send()
        .await
        .unwrap();
    // What a receipt rule sends when scanning is off: no verdict fields at all.
    let event = json!({ "Records": [{ "eventSource": "aws:ses", "ses": {
        "mail": { "messageId": "minimal-event-1", "destination": [o.address.clone()] },
        "receipt": { "recipients": [o.address.clone()] }
    }}]});
    let f = wrrk_functions::registry::event_function("email-inbound").unwrap();
    let r = (f.handler)(app.stack.app.clone(), event).await.unwrap();
    assert_eq!(r["results"][0]["outcome"], "opened", "{r}");
    // Not an SES event at all: an error (Lambda retries), never a panic.
    let f = wrrk_functions::registry::event_function("email-inbound").unwrap();
    assert!(
        (f.handler)(app.stack.app.clone(), json!([1, 2]))
            .await
            .is_err()
    );
}
