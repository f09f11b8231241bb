//! Mail from the organization's own address: an admin verifies an address or domain as
//! an SES identity (pending until SES verifies it; locally `POST
//! /_local/ses/identities/{identity}/verify` does what AWS does after DNS), and replies to
//! mail that came to that address go out from it, with Cc, while a Cc'd answer threads.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp, enc};

use crate::email::{Org, mail, messages, org, smtp, tickets};

fn path(s: &Session) -> String {
    format!("/api/organizations/{}/sender-identities", s.org_id)
}

async fn add(app: &TestApp, s: &Session, identity: &str) -> Value {
    let r = app
        .post(&path(s), &s.token, json!({ "identity": identity }))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data().clone()
}

/// What AWS does once the link is followed or the DKIM records are found.
async fn verify_in_ses(app: &TestApp, identity: &str) {
    let r = app
        .call(
            Method::POST,
            &format!("/_local/ses/identities/{}/verify", enc(identity)),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn own_address(app: &TestApp, o: &Org, address: &str) {
    let r = app
        .post(
            &format!("/api/organizations/{}/addresses", o.admin.org_id),
            &o.admin.token,
            json!({ "address": address }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

/// A customer writes to `support@acme.io`, which their provider forwards to the built-in
/// address; the ticket's id.
async fn mail_to_own_address(app: &TestApp, o: &Org, id: &str) -> String {
    let raw = mail(
        "kim@customer.io",
        "Acme Support <support@acme.io>",
        "Invoice",
        id,
        &format!("X-Forwarded-To: {}\r\n", o.address),
        "Wrong total.",
    );
    smtp(app, "kim@customer.io", &[&o.address], &raw).await;
    let listed = tickets(app, &o.admin).await;
    let t = listed
        .iter()
        .find(|t| t["subject"] == "Invoice")
        .expect("the ticket");
    t["id"].as_str().unwrap().to_string()
}

async fn reply(app: &TestApp, s: &Session, ticket: &str, body: Value) {
    let r = app
        .post(&format!("/api/tickets/{ticket}/messages"), &s.token, body)
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
}

#[tokio::test]
async fn email_identity_verification_goes_from_pending_to_verified() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    let domain = add(&app, &o.admin, "Acme.IO").await;
    assert_eq!(domain["identity"], "acme.io");
    assert_eq!(domain["kind"], "DOMAIN");
    assert_eq!(domain["status"], "PENDING");
    assert_eq!(domain["verifiedForSending"], false);
    let records = domain["dnsRecords"].as_array().unwrap();
    assert_eq!(records.len(), 3, "{domain}");
    for r in records {
        let name = r["name"].as_str().unwrap();
        let token = name.strip_suffix("._domainkey.acme.io").expect(name);
        assert_eq!(r["type"], "CNAME");
        assert_eq!(r["value"], format!("{token}.dkim.amazonses.com"));
    }
    let address = add(&app, &o.admin, "support@acme.io").await;
    assert_eq!(address["kind"], "EMAIL_ADDRESS");
    assert_eq!(address["dnsRecords"], json!([]));
    // The local SES holds both, pending, as SES would.
    let held = app.stack.ses_identities.get("acme.io").expect("in SES");
    assert_eq!(held.verification_status, "PENDING");

    let r = app.get(&path(&o.admin), &o.admin.token).await;
    assert_eq!(r.status, 200);
    let names: Vec<&str> = r
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["identity"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acme.io", "support@acme.io"]);
    assert!(
        r.data()
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "PENDING")
    );

    verify_in_ses(&app, "acme.io").await;
    let one = format!("{}/{}", path(&o.admin), enc("acme.io"));
    let r = app.get(&one, &o.admin.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["status"], "SUCCESS");
    assert_eq!(r.data()["verifiedForSending"], true);
    // Any member sees the state; only admins change it.
    let agent = app.add_member(&o.admin, "AGENT").await;
    let r = app.get(&path(&agent), &agent.token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()[0]["status"], "SUCCESS");
    let r = app
        .post(
            &path(&agent),
            &agent.token,
            json!({ "identity": "help.acme.io" }),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = app.delete(&one, &agent.token).await;
    assert_eq!(r.status, 403, "{:?}", r.body);

    // Adding it twice is a conflict; removing it removes it from SES as well.
    let r = app
        .post(
            &path(&o.admin),
            &o.admin.token,
            json!({ "identity": "acme.io" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "identity_taken"),
        "{:?}",
        r.body
    );
    let r = app.delete(&one, &o.admin.token).await;
    assert_eq!(r.status, 204);
    assert!(app.stack.ses_identities.get("acme.io").is_none());
    assert_eq!(app.get(&one, &o.admin.token).await.status, 404);
    let encoded = format!("{}/{}", path(&o.admin), enc("support@acme.io"));
    assert_eq!(
        app.get(&encoded, &o.admin.token).await.data()["status"],
        "PENDING"
    );
}

#[tokio::test]
async fn email_a_reply_to_mail_sent_to_a_verified_own_address_goes_from_it_with_cc_and_a_cc_answer_threads()
 {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    own_address(&app, &o, "support@acme.io").await;
    add(&app, &o.admin, "support@acme.io").await;
    verify_in_ses(&app, "support@acme.io").await;
    let id = mail_to_own_address(&app, &o, "q1@customer.io").await;
    let r = app.get(&format!("/api/tickets/{id}"), &o.admin.token).await;
    assert_eq!(r.data()["mailTo"], "support@acme.io", "{:?}", r.body);

    reply(
        &app,
        &o.admin,
        &id,
        json!({ "content": "Copying our accountant.", "cc": ["anna@accounts.io"] }),
    )
    .await;
    let out = app.last_mail_to("kim@customer.io");
    assert!(out.from.ends_with("<support@acme.io>"), "{}", out.from);
    let from = out.decoded.header("From").unwrap_or_default();
    assert!(from.contains("support@acme.io"), "{from}");
    assert!(
        out.decoded
            .header("Cc")
            .is_some_and(|c| c.contains("anna@accounts.io")),
        "{:#?}",
        out.decoded.headers
    );
    // Answers still thread by the ticket's reply address.
    let reply_to = out.decoded.header("Reply-To").unwrap_or_default();
    assert!(reply_to.contains("@wrrk.local"), "{reply_to}");
    let listed = messages(&app, &o.admin, &id).await;
    assert_eq!(listed[1]["email"]["delivery"]["state"], "sent");

    // The accountant answers everyone (to the own address, forwarded): the same ticket.
    let ses_id = out
        .decoded
        .header("Message-ID")
        .unwrap()
        .trim_matches(['<', '>'])
        .to_string();
    let answer = mail(
        "anna@accounts.io",
        "support@acme.io",
        "Re: Invoice",
        "a1@accounts.io",
        &format!("In-Reply-To: <{ses_id}>\r\nReferences: <{ses_id}>\r\nCc: kim@customer.io\r\n"),
        "The total is right.",
    );
    smtp(&app, "anna@accounts.io", &[&o.address], &answer).await;
    assert_eq!(tickets(&app, &o.admin).await.len(), 1, "no new ticket");
    let listed = messages(&app, &o.admin, &id).await;
    assert_eq!(listed.len(), 3, "{listed:#?}");
    assert_eq!(listed[2]["content"], "The total is right.");

    // The next reply goes from the own address again.
    reply(&app, &o.admin, &id, json!({ "content": "Thanks both." })).await;
    assert!(
        app.last_mail_to("kim@customer.io")
            .from
            .ends_with("<support@acme.io>")
    );
}

#[tokio::test]
async fn email_until_the_own_address_is_verified_replies_go_from_the_built_in_one() {
    let app = TestApp::spawn().await;
    let o = org(&app, "Acme", "ada@acme.io").await;
    own_address(&app, &o, "support@acme.io").await;
    add(&app, &o.admin, "acme.io").await;
    let id = mail_to_own_address(&app, &o, "q2@customer.io").await;
    reply(
        &app,
        &o.admin,
        &id,
        json!({ "content": "Looking into it." }),
    )
    .await;
    let out = app.last_mail_to("kim@customer.io");
    assert!(
        out.from.ends_with(&format!("<{}>", o.address)),
        "{}",
        out.from
    );

    // SES verified the domain meanwhile: the next reply goes from the own address, found
    // by the sending path itself (nobody opened the settings).
    verify_in_ses(&app, "acme.io").await;
    reply(&app, &o.admin, &id, json!({ "content": "Fixed." })).await;
    let out = app.last_mail_to("kim@customer.io");
    assert!(out.from.ends_with("<support@acme.io>"), "{}", out.from);

    // Mail to the built-in address itself is answered from it whatever is verified.
    let raw = mail(
        "lee@customer.io",
        &o.address,
        "Other",
        "q3@customer.io",
        "",
        "Hi.",
    );
    smtp(&app, "lee@customer.io", &[&o.address], &raw).await;
    let other = tickets(&app, &o.admin)
        .await
        .into_iter()
        .find(|t| t["subject"] == "Other")
        .unwrap();
    assert!(
        other.get("mailTo").is_none() || other["mailTo"].is_null(),
        "{other}"
    );
    reply(
        &app,
        &o.admin,
        other["id"].as_str().unwrap(),
        json!({ "content": "Hello." }),
    )
    .await;
    let out = app.last_mail_to("lee@customer.io");
    assert!(
        out.from.ends_with(&format!("<{}>", o.address)),
        "{}",
        out.from
    );
}

#[tokio::test]
async fn email_identities_are_one_organizations_and_never_wrrks() {
    let app = TestApp::spawn().await;
    let a = org(&app, "Acme", "ada@acme.io").await;
    let b = org(&app, "Other", "bob@other.io").await;
    add(&app, &a.admin, "acme.io").await;
    let one = |s: &Session| format!("{}/{}", path(s), enc("acme.io"));
    // Another organization's identity, or its list: 404.
    let r = app.get(&path(&a.admin), &b.admin.token).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(app.get(&one(&b.admin), &b.admin.token).await.status, 404);
    assert_eq!(app.delete(&one(&b.admin), &b.admin.token).await.status, 404);
    let r = app
        .post(
            &path(&a.admin),
            &b.admin.token,
            json!({ "identity": "other.io" }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    // Claiming it again from another organization: taken.
    let r = app
        .post(
            &path(&b.admin),
            &b.admin.token,
            json!({ "identity": "ACME.io" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "identity_taken"),
        "{:?}",
        r.body
    );
    assert_eq!(app.get(&one(&a.admin), &a.admin.token).await.status, 200);
    // wrrk's own domain is nobody's to claim.
    for reserved in ["wrrk.local", "x@wrrk.local", "eu.wrrk.local"] {
        let r = app
            .post(
                &path(&b.admin),
                &b.admin.token,
                json!({ "identity": reserved }),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "identity_taken"),
            "{reserved}: {:?}",
            r.body
        );
    }
    // Malformed: 422, nothing stored.
    for bad in ["acme", "a b.io", "jörg@acme.io", "-x.io", "@acme.io"] {
        let r = app
            .post(&path(&b.admin), &b.admin.token, json!({ "identity": bad }))
            .await;
        assert_eq!(r.status, 422, "{bad}: {:?}", r.body);
    }
    assert_eq!(
        app.get(&path(&b.admin), &b.admin.token).await.data(),
        &json!([])
    );
    // At most ten per organization.
    for i in 0..10 {
        add(&app, &b.admin, &format!("d{i}.other.io")).await;
    }
    let r = app
        .post(
            &path(&b.admin),
            &b.admin.token,
            json!({ "identity": "d10.other.io" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "identity_limit"),
        "{:?}",
        r.body
    );
    assert!(app.stack.ses_identities.get("d10.other.io").is_none());
}
