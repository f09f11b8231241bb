//! Never miss a customer: new conversations and assignments reach every agent's tab,
//! whatever page it shows.

use serde_json::{Value, json};
use wrrk_tests::ws::WsClient;
use wrrk_tests::{Session, TestApp};

const SITE: &str = "https://shop.example.com";

/// Opens a ticket as `s`; its id.
async fn open_ticket(app: &TestApp, s: &Session, subject: &str) -> String {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({ "subject": subject, "customer": { "email": "cus@example.com", "name": "Cus Tomer" }, "message": "Help, please." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data()["id"].as_str().expect("an id").to_string()
}

/// Lets the widget of `admin`'s organization run on [`SITE`]; its key.
async fn widget_key(app: &TestApp, admin: &Session) -> String {
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "allowedOrigins": [SITE] } }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()["widget"]["widgetKey"]
        .as_str()
        .expect("a widget key")
        .to_string()
}

/// A visitor starts a chat; its ticket id.
async fn start_chat(app: &TestApp, key: &str, name: &str) -> String {
    start_chat_session(app, key, name).await.0
}

/// A visitor starts a chat; its ticket id and the visitor's session token.
async fn start_chat_session(app: &TestApp, key: &str, name: &str) -> (String, String) {
    let resp = app
        .http
        .post(app.url("/api/widget/sessions"))
        .header("origin", SITE)
        .json(&json!({ "widgetKey": key, "name": name }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(resp.status().as_u16(), 201);
    let body: Value = resp.json().await.expect("JSON");
    let field = |name: &str| {
        body["data"][name]
            .as_str()
            .expect("a session field")
            .to_string()
    };
    (field("ticketId"), field("token"))
}

/// The events `ws` heard that concern `ticket_id`.
fn about<'a>(events: &'a [Value], ticket_id: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| {
            e["data"]["id"] == ticket_id
                || e["data"]["ticketId"] == ticket_id
                || e["data"]["ticket"]["id"] == ticket_id
        })
        .collect()
}

/// Reads what `ws` heard up to a round trip, keeping its room as it is.
async fn drain(ws: &mut WsClient) -> Vec<Value> {
    ws.sync().await
}

#[tokio::test]
async fn a_new_chat_reaches_an_agent_whose_only_socket_follows_another_ticket() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let key = widget_key(&app, &admin).await;
    let other = open_ticket(&app, &admin, "Older matter").await;

    let mut busy = app.ws_connect(&agent.token).await;
    busy.subscribe(&other).await;
    let mut list = app.ws_connect(&admin.token).await;

    let chat = start_chat(&app, &key, "Vera Visitor").await;
    let (created, _) = busy
        .until("ticket:created", |d| d["id"] == chat.as_str())
        .await;
    assert_eq!(created["data"]["channel"], "CHAT");
    assert_eq!(created["data"]["status"], "OPEN");
    // One event per connection per change: nothing more about it on either socket.
    assert!(about(&drain(&mut busy).await, &chat).is_empty());
    let heard = drain(&mut list).await;
    let heard = about(&heard, &chat);
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0]["event"], "ticket:created");
}

#[tokio::test]
async fn an_assignment_reaches_the_assignee_on_any_page_once_and_a_team_ticket_only_its_team() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let member = app.add_member(&admin, "AGENT").await;
    let outsider = app.add_member(&admin, "AGENT").await;
    let team = app.create_team(&admin, "Billing").await;
    app.add_to_team(&admin, &team, &member.user_id).await;
    let elsewhere = open_ticket(&app, &admin, "Elsewhere").await;
    let ticket = open_ticket(&app, &admin, "Invoice wrong").await;

    let mut member_ws = app.ws_connect(&member.token).await;
    member_ws.subscribe(&elsewhere).await;
    let mut outsider_ws = app.ws_connect(&outsider.token).await;
    outsider_ws.subscribe(&elsewhere).await;
    let mut viewer = app.ws_connect(&admin.token).await;
    viewer.subscribe(&ticket).await;

    // Routed to the team and assigned to its member: the member hears it from another
    // ticket's page, the viewer of the ticket once, the agent outside the team nothing.
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "teamId": team, "assigneeId": member.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (ev, _) = member_ws
        .until("ticket:notify", |d| d["ticket"]["id"] == ticket.as_str())
        .await;
    assert_eq!(ev["data"]["kind"], "ASSIGNED");
    assert_eq!(ev["data"]["ticket"]["assigneeId"], member.user_id.as_str());
    assert!(about(&drain(&mut member_ws).await, &ticket).is_empty());
    let heard = drain(&mut viewer).await;
    let heard = about(&heard, &ticket);
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert!(about(&drain(&mut outsider_ws).await, &ticket).is_empty());

    // A change that is no reassignment reaches the ticket's viewers and lists only.
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "priority": "HIGH" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (ev, _) = viewer
        .until("ticket:updated", |d| d["id"] == ticket.as_str())
        .await;
    assert_eq!(ev["data"]["priority"], "HIGH");
    assert!(about(&drain(&mut member_ws).await, &ticket).is_empty());
}

#[tokio::test]
async fn notices_reach_the_agent_concerned_on_any_page_instead_of_the_list_update() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app
        .join(&admin, "grace@shop.io", "Grace Hopper", "AGENT")
        .await;
    let key = widget_key(&app, &admin).await;
    let elsewhere = open_ticket(&app, &admin, "Elsewhere").await;
    let (chat, visitor) = start_chat_session(&app, &key, "Vera Visitor").await;

    let mut busy = app.ws_connect(&agent.token).await;
    busy.subscribe(&elsewhere).await;
    let mut list = app.ws_connect(&agent.token).await;
    let mut admin_list = app.ws_connect(&admin.token).await;

    // Assigned by the admin: both of the agent's tabs hear ASSIGNED (the list tab in
    // place of ticket:updated), the admin's list hears the update.
    let r = app
        .patch(
            &format!("/api/tickets/{chat}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for ws in [&mut busy, &mut list] {
        let (ev, before) = ws
            .until("ticket:notify", |d| d["ticket"]["id"] == chat.as_str())
            .await;
        assert!(about(&before, &chat).is_empty(), "{before:?}");
        assert_eq!(ev["data"]["kind"], "ASSIGNED");
        assert_eq!(ev["data"]["byUserId"], admin.user_id.as_str());
        assert_eq!(ev["data"]["ticket"]["assigneeId"], agent.user_id.as_str());
        assert!(about(&drain(ws).await, &chat).is_empty());
    }
    let heard = drain(&mut admin_list).await;
    let heard = about(&heard, &chat);
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert_eq!(heard[0]["event"], "ticket:updated");

    // The customer answers: the assignee hears it on every tab, with an excerpt.
    let resp = app
        .http
        .post(app.url("/api/widget/messages"))
        .bearer_auth(&visitor)
        .json(&json!({ "clientId": "c-1", "content": "Any news about my order?" }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(resp.status().as_u16(), 201);
    for ws in [&mut busy, &mut list] {
        let (ev, _) = ws
            .until("ticket:notify", |d| d["ticket"]["id"] == chat.as_str())
            .await;
        assert_eq!(ev["data"]["kind"], "CUSTOMER_REPLIED");
        assert_eq!(ev["data"]["excerpt"], "Any news about my order?");
        assert!(ev["data"]["byUserId"].is_null());
        assert!(about(&drain(ws).await, &chat).is_empty());
    }

    // A note that mentions Grace reaches her; one that mentions nobody does not.
    let note = |content: &str| json!({ "content": content, "internal": true });
    let r = app
        .post(
            &format!("/api/tickets/{chat}/messages"),
            &admin.token,
            note("@grace can you check the warehouse?"),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let (ev, _) = busy
        .until("ticket:notify", |d| d["ticket"]["id"] == chat.as_str())
        .await;
    assert_eq!(ev["data"]["kind"], "MENTIONED");
    assert_eq!(ev["data"]["byName"], admin_name(&app, &admin).await);
    let r = app
        .post(
            &format!("/api/tickets/{chat}/messages"),
            &admin.token,
            note("mail grace@shop.io later"),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert!(about(&drain(&mut busy).await, &chat).is_empty());
}

async fn admin_name(app: &TestApp, admin: &Session) -> String {
    let r = app.get("/api/auth/me", &admin.token).await;
    r.data()["user"]["name"]
        .as_str()
        .expect("a name")
        .to_string()
}

#[tokio::test]
async fn notification_preferences_are_each_users_own() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let me = app
        .get(&format!("/api/users/{}", agent.user_id), &agent.token)
        .await;
    assert_eq!(
        me.data()["notifications"],
        json!({ "newConversation": true, "assigned": true, "customerReplied": true, "mentioned": true, "sound": false, "emailAssigned": true, "emailCustomerReplied": true })
    );
    let prefs = json!({ "newConversation": false, "assigned": true, "customerReplied": false, "mentioned": true, "sound": true, "emailAssigned": false, "emailCustomerReplied": true });
    let r = app
        .patch(
            &format!("/api/users/{}", agent.user_id),
            &agent.token,
            json!({ "notifications": prefs }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["notifications"], prefs);
    let again = app
        .get(&format!("/api/users/{}", agent.user_id), &agent.token)
        .await;
    assert_eq!(again.data()["notifications"], prefs);

    // Not even an admin sets someone else's; a partial or unknown shape is refused.
    let r = app
        .patch(
            &format!("/api/users/{}", agent.user_id),
            &admin.token,
            json!({ "notifications": prefs }),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    for bad in [
        json!({ "notifications": { "sound": true } }),
        json!({ "notifications": { "newConversation": true, "assigned": true, "customerReplied": true, "mentioned": true, "sound": true, "emailAssigned": true, "emailCustomerReplied": true, "sms": true } }),
    ] {
        let r = app
            .patch(&format!("/api/users/{}", agent.user_id), &agent.token, bad)
            .await;
        assert!(
            r.status == 400 || r.status == 422,
            "{}: {:?}",
            r.status,
            r.body
        );
    }
    let unchanged = app
        .get(&format!("/api/users/{}", agent.user_id), &agent.token)
        .await;
    assert_eq!(unchanged.data()["notifications"], prefs);
}

/// `PUT /api/tickets/{id}/snooze` as `who`.
async fn snooze(app: &TestApp, who: &Session, id: &str, until: String) -> wrrk_tests::Resp {
    app.call(
        reqwest::Method::PUT,
        &format!("/api/tickets/{id}/snooze"),
        Some(who.token.as_str()),
        Some(json!({ "until": until })),
    )
    .await
}

/// Runs the snooze waker as its schedule would at `at`; how many tickets woke.
async fn wake_at(app: &TestApp, at: chrono::DateTime<chrono::Utc>) -> u64 {
    let out = app
        .stack
        .run_schedule("tickets-snooze-wake", at)
        .await
        .expect("the waker runs");
    out["woke"].as_u64().expect("a count")
}

#[tokio::test]
async fn a_snoozed_ticket_wakes_open_at_its_time_and_tells_its_assignee() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let ticket = open_ticket(&app, &admin, "Call back on Monday").await;
    let elsewhere = open_ticket(&app, &admin, "Elsewhere").await;
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let until = (chrono::Utc::now() + chrono::Duration::hours(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let r = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/tickets/{ticket}/snooze"),
            Some(agent.token.as_str()),
            Some(json!({ "until": until })),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["status"], "PENDING");
    let until_at = chrono::DateTime::parse_from_rfc3339(&until)
        .expect("a time")
        .with_timezone(&chrono::Utc);
    let stored = r.data()["snoozedUntil"].as_str().expect("snoozedUntil");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(stored).expect("a time"),
        until_at
    );

    let mut busy = app.ws_connect(&agent.token).await;
    busy.subscribe(&elsewhere).await;

    // Not yet due: nothing wakes.
    assert_eq!(wake_at(&app, chrono::Utc::now()).await, 0);
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    assert_eq!(t.data()["status"], "PENDING");

    // Due: OPEN again, the snooze gone, the assignee told on the page they are on.
    assert_eq!(
        wake_at(&app, until_at + chrono::Duration::seconds(1)).await,
        1
    );
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    assert_eq!(t.data()["status"], "OPEN");
    assert!(t.data()["snoozedUntil"].is_null());
    let (ev, _) = busy
        .until("ticket:notify", |d| d["ticket"]["id"] == ticket.as_str())
        .await;
    assert_eq!(ev["data"]["kind"], "SNOOZE_ENDED");
    assert_eq!(ev["data"]["ticket"]["status"], "OPEN");
    // Once.
    assert_eq!(
        wake_at(&app, until_at + chrono::Duration::minutes(5)).await,
        0
    );
    assert!(about(&drain(&mut busy).await, &ticket).is_empty());
}

#[tokio::test]
async fn a_snooze_ended_by_hand_wakes_nothing_and_bad_snoozes_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let other = app.signup("Other", "olga@other.io").await;
    let ticket = open_ticket(&app, &admin, "Later").await;
    let soon = chrono::Utc::now() + chrono::Duration::minutes(30);
    let soon_s = soon.to_rfc3339();

    // Another organization's ticket is not found; past, far and malformed times are refused.
    let r = snooze(&app, &other, &ticket, soon_s.clone()).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    for bad in [
        (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
        (chrono::Utc::now() + chrono::Duration::days(400)).to_rfc3339(),
        "tomorrow".to_string(),
    ] {
        let r = snooze(&app, &admin, &ticket, bad).await;
        assert_eq!(r.status, 422, "{:?}", r.body);
    }
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    assert_eq!(t.data()["status"], "OPEN");
    assert!(t.data()["snoozedUntil"].is_null());

    // Set OPEN by hand before its time: the snooze ends, and the waker wakes nothing.
    let r = snooze(&app, &admin, &ticket, soon_s).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "status": "OPEN" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.data()["snoozedUntil"].is_null());
    assert_eq!(wake_at(&app, soon + chrono::Duration::minutes(1)).await, 0);

    // A closed ticket cannot be snoozed.
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "status": "CLOSED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let r = snooze(&app, &admin, &ticket, later).await;
    assert_eq!(r.status, 422, "{:?}", r.body);
}

/// The notification mails sent to `email` so far.
fn notification_mails(app: &TestApp, email: &str) -> Vec<wrrk_local::ses::OutboxMessage> {
    app.outbox()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(email)))
        .filter(|m| m.subject.starts_with('['))
        .collect()
}

/// The `/unsubscribe?token=<token>` link's token in a mail's text (and the html links it too).
fn unsubscribe_token(mail: &wrrk_local::ses::OutboxMessage) -> String {
    let text = mail.decoded.text.clone().expect("a text body");
    let at = text
        .find("/unsubscribe?token=")
        .expect("an unsubscribe link")
        + "/unsubscribe?token=".len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let html = mail.decoded.html.clone().expect("an html body");
    assert!(html.contains(&token), "{html}");
    token
}

/// A visitor's chat message.
async fn visitor_says(app: &TestApp, visitor: &str, client_id: &str, content: &str) {
    let resp = app
        .http
        .post(app.url("/api/widget/messages"))
        .bearer_auth(visitor)
        .json(&json!({ "clientId": client_id, "content": content }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(resp.status().as_u16(), 201);
}

#[tokio::test]
async fn an_away_agent_is_mailed_once_per_ticket_per_window_and_can_unsubscribe_per_kind() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app
        .join(&admin, "grace@shop.io", "Grace Hopper", "AGENT")
        .await;
    let key = widget_key(&app, &admin).await;
    let (chat, visitor) = start_chat_session(&app, &key, "Vera Visitor").await;

    // Assigned while away (no tab open): one mail with a link to the ticket.
    let r = app
        .patch(
            &format!("/api/tickets/{chat}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let mails = notification_mails(&app, "grace@shop.io");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].subject.contains("Assigned to you"),
        "{}",
        mails[0].subject
    );
    let text = mails[0].decoded.text.clone().unwrap_or_default();
    assert!(text.contains(&format!("/tickets/{chat}")), "{text}");

    // The customer answers twice within the window: no second mail for this ticket.
    visitor_says(&app, &visitor, "c-1", "Hello? Anyone?").await;
    visitor_says(&app, &visitor, "c-2", "Still waiting.").await;
    assert_eq!(notification_mails(&app, "grace@shop.io").len(), 1);

    // Another ticket is another batch: the answer on it is mailed, quoting the customer.
    let (chat2, visitor2) = start_chat_session(&app, &key, "Walt Visitor").await;
    let r = app
        .patch(
            &format!("/api/tickets/{chat2}"),
            &agent.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Taking a ticket yourself mails nothing.
    assert_eq!(notification_mails(&app, "grace@shop.io").len(), 1);
    visitor_says(&app, &visitor2, "w-1", "My parcel never came").await;
    let mails = notification_mails(&app, "grace@shop.io");
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails[1].subject.contains("Your customer answered"));
    assert!(
        mails[1]
            .decoded
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("My parcel never came")
    );

    // Its unsubscribe link turns off that kind only (no sign-in needed).
    let token = unsubscribe_token(&mails[1]);
    let r = app
        .http
        .post(app.url("/api/notifications/unsubscribe"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.expect("JSON");
    assert_eq!(body["data"]["kind"], "CUSTOMER_REPLIED");
    let me = app
        .get(&format!("/api/users/{}", agent.user_id), &agent.token)
        .await;
    assert_eq!(me.data()["notifications"]["emailCustomerReplied"], false);
    assert_eq!(me.data()["notifications"]["emailAssigned"], true);
    let (chat3, visitor3) = start_chat_session(&app, &key, "Xena Visitor").await;
    let r = app
        .patch(
            &format!("/api/tickets/{chat3}"),
            &agent.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    visitor_says(&app, &visitor3, "x-1", "Hi").await;
    assert_eq!(notification_mails(&app, "grace@shop.io").len(), 2);

    // A forged or session token is no unsubscribe link.
    for bad in ["nope".to_string(), agent.token.clone()] {
        let r = app
            .http
            .post(app.url("/api/notifications/unsubscribe"))
            .json(&json!({ "token": bad }))
            .send()
            .await
            .expect("request sent");
        assert_eq!(r.status().as_u16(), 410);
    }
}

#[tokio::test]
async fn an_agent_with_a_tab_open_is_not_mailed() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app
        .join(&admin, "grace@shop.io", "Grace Hopper", "AGENT")
        .await;
    let ticket = open_ticket(&app, &admin, "Printer").await;
    let mut tab = app.ws_connect(&agent.token).await;
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (ev, _) = tab
        .until("ticket:notify", |d| d["ticket"]["id"] == ticket.as_str())
        .await;
    assert_eq!(ev["data"]["kind"], "ASSIGNED");
    assert!(notification_mails(&app, "grace@shop.io").is_empty());
}
