//! Business hours and SLAs: due times counted in business time (a weekend and a holiday in
//! a non-UTC zone), the rules that set and clear them, the inbox's "due next" order, the
//! breach announced once, and the widget saying when the team is back.

use chrono::{DateTime, Datelike, Duration, NaiveDate, SubsecRound, TimeZone, Utc, Weekday};
use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp};

const SITE: &str = "https://shop.example.com";

/// Lets the widget run on [`SITE`] and sets `settings`; the widget key.
async fn configure(app: &TestApp, admin: &Session, settings: Value) -> String {
    let mut body = settings;
    body["widget"] = json!({ "allowedOrigins": [SITE] });
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()["widget"]["widgetKey"]
        .as_str()
        .expect("a widget key")
        .to_string()
}

/// A visitor starts a chat; its ticket id and the visitor's session token.
async fn start_chat(app: &TestApp, key: &str, name: &str) -> (String, String) {
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
    let field = |name: &str| body["data"][name].as_str().expect("a field").to_string();
    (field("ticketId"), field("token"))
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

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| {
        DateTime::parse_from_rfc3339(s)
            .expect("a time")
            .with_timezone(&Utc)
    })
}

/// Runs the breach check as its schedule would at `at`; how many breached.
async fn check_at(app: &TestApp, at: DateTime<Utc>) -> u64 {
    let out = app
        .stack
        .run_schedule("tickets-sla-breaches", at)
        .await
        .expect("the breach check runs");
    out["breached"].as_u64().expect("a count")
}

#[tokio::test]
async fn due_times_skip_a_weekend_and_a_holiday_in_new_york() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let ny = wrrk_shared::business_hours::parse_timezone("America/New_York").expect("a zone");
    let today = Utc::now().with_timezone(&ny).date_naive();
    // Closed from today through the coming weekend and the Monday after it (a holiday):
    // the team is next in on that Tuesday at 09:00 New York time, whatever today is.
    let mut monday = today + Duration::days(2);
    while monday.weekday() != Weekday::Mon {
        monday += Duration::days(1);
    }
    let holidays: Vec<String> = (0..)
        .map(|i| today + Duration::days(i))
        .take_while(|d| *d <= monday)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .map(|d| d.to_string())
        .collect();
    let nine_to_five = json!([{ "start": "09:00", "end": "17:00" }]);
    let key = configure(
        &app,
        &admin,
        json!({
            "timezone": "America/New_York",
            "schedule": { "mon": nine_to_five, "tue": nine_to_five, "wed": nine_to_five, "thu": nine_to_five, "fri": nine_to_five },
            "holidays": holidays,
            "slaPolicies": { "medium": { "firstResponseSecs": 3600, "nextResponseSecs": 7200, "resolutionSecs": 36000 } }
        }),
    )
    .await;
    let tuesday = monday + Duration::days(1);
    let local = |d: NaiveDate, h: u32| {
        ny.from_local_datetime(&d.and_hms_opt(h, 0, 0).expect("a time"))
            .single()
            .expect("not a DST edge at that hour")
            .with_timezone(&Utc)
    };

    let (ticket, visitor) = start_chat(&app, &key, "Vera Visitor").await;
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    let sla = &t.data()["sla"];
    // One business hour: Tuesday 10:00; ten: Tuesday's eight, then Wednesday 11:00.
    assert_eq!(time(&sla["firstResponseDueAt"]), Some(local(tuesday, 10)));
    assert_eq!(
        time(&sla["resolutionDueAt"]),
        Some(local(tuesday + Duration::days(1), 11))
    );
    assert!(sla["nextResponseDueAt"].is_null());

    // The customer writes again: the first response still pends, nothing moves.
    visitor_says(&app, &visitor, "c-1", "Hello?").await;
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    assert_eq!(
        time(&t.data()["sla"]["firstResponseDueAt"]),
        Some(local(tuesday, 10))
    );

    // A note meets nothing; the agent's reply meets the first response.
    let r = app
        .post(
            &format!("/api/tickets/{ticket}/messages"),
            &admin.token,
            json!({ "content": "Checking the order", "internal": true }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    assert!(!t.data()["sla"]["firstResponseDueAt"].is_null());
    let r = app
        .post(
            &format!("/api/tickets/{ticket}/messages"),
            &admin.token,
            json!({ "content": "We are on it." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    let sla = &t.data()["sla"];
    assert!(sla["firstResponseDueAt"].is_null());
    assert!(sla["nextResponseDueAt"].is_null());
    assert!(!sla["resolutionDueAt"].is_null());

    // The customer answers: the next response is due two business hours on (Tuesday 11:00).
    visitor_says(&app, &visitor, "c-2", "Thanks, any news?").await;
    let t = app
        .get(&format!("/api/tickets/{ticket}"), &admin.token)
        .await;
    assert_eq!(
        time(&t.data()["sla"]["nextResponseDueAt"]),
        Some(local(tuesday, 11))
    );

    // Resolved: everything met, and the ticket leaves the "due next" list.
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.data()["sla"].is_null(), "{:?}", r.data()["sla"]);
    let due = app.get("/api/tickets?sort=due", &admin.token).await;
    assert_eq!(due.status, 200, "{:?}", due.body);
    assert_eq!(due.data().as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn the_inbox_sorts_by_due_time_and_lists_carry_it() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let other = app.signup("Other", "olga@other.io").await;
    let key = configure(
        &app,
        &admin,
        json!({ "slaPolicies": {
            "urgent": { "firstResponseSecs": 600 },
            "medium": { "firstResponseSecs": 86400 }
        } }),
    )
    .await;
    // Opened first but due later (MEDIUM, a day), then one due sooner (made URGENT), and
    // one with no policy (made LOW).
    let (later, _) = start_chat(&app, &key, "Lou Later").await;
    let (sooner, _) = start_chat(&app, &key, "Sue Sooner").await;
    let (none, _) = start_chat(&app, &key, "Nat None").await;
    for (id, priority) in [(&sooner, "URGENT"), (&none, "LOW")] {
        let r = app
            .patch(
                &format!("/api/tickets/{id}"),
                &admin.token,
                json!({ "priority": priority }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    // Closed: nothing due any more.
    let r = app
        .patch(
            &format!("/api/tickets/{none}"),
            &admin.token,
            json!({ "status": "CLOSED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let by_activity = app.get("/api/tickets", &admin.token).await;
    let rows = by_activity.data().as_array().expect("rows").clone();
    assert_eq!(rows.len(), 3);
    let row = rows
        .iter()
        .find(|r| r["id"] == later.as_str())
        .expect("row");
    assert!(!row["sla"]["firstResponseDueAt"].is_null(), "{row:?}");

    let by_due = app.get("/api/tickets?sort=due&limit=2", &admin.token).await;
    assert_eq!(by_due.status, 200, "{:?}", by_due.body);
    let dues: Vec<DateTime<Utc>> = by_due
        .data()
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| time(&r["sla"]["firstResponseDueAt"]).expect("a due time"))
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    // Every ticket with a due time, soonest first, across pages; the closed one is not there.
    let all = app.list_all("/api/tickets?sort=due", &admin.token, 1).await;
    let ids: Vec<&str> = all.iter().filter_map(|r| r["id"].as_str()).collect();
    // URGENT counts ten minutes from its opening, MEDIUM a day.
    assert_eq!(ids, vec![sooner.as_str(), later.as_str()]);
    assert!(!ids.contains(&none.as_str()));
    // Filters apply; another organization sees none of it; a bad order is refused.
    let mine = app
        .get("/api/tickets?sort=due&priority=MEDIUM", &admin.token)
        .await;
    assert_eq!(crate_ids(mine.data()), vec![later.clone()]);
    let theirs = app.get("/api/tickets?sort=due", &other.token).await;
    assert_eq!(theirs.data().as_array().map(Vec::len), Some(0));
    let bad = app.get("/api/tickets?sort=soonest", &admin.token).await;
    assert!(bad.status == 400 || bad.status == 422, "{:?}", bad.body);
}

fn crate_ids(list: &Value) -> Vec<String> {
    wrrk_tests::ids(list)
}

#[tokio::test]
async fn a_breach_is_announced_once_to_the_assignee_and_team() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let mate = app.add_member(&admin, "AGENT").await;
    let outsider = app.add_member(&admin, "AGENT").await;
    let team = app.create_team(&admin, "Support").await;
    app.add_to_team(&admin, &team, &mate.user_id).await;
    let key = configure(
        &app,
        &admin,
        json!({ "slaPolicies": { "medium": { "firstResponseSecs": 60, "resolutionSecs": 3600 } } }),
    )
    .await;
    let (ticket, _) = start_chat(&app, &key, "Vera Visitor").await;
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id, "teamId": team }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let due = time(&r.data()["sla"]["firstResponseDueAt"]).expect("due");
    let mut agent_ws = app.ws_connect(&agent.token).await;
    let mut mate_ws = app.ws_connect(&mate.token).await;
    let mut outsider_ws = app.ws_connect(&outsider.token).await;

    // Before it is due: nothing.
    assert_eq!(check_at(&app, due - Duration::seconds(1)).await, 0);
    // Due and unanswered: breached, once, to the assignee and the team.
    assert_eq!(check_at(&app, due + Duration::seconds(1)).await, 1);
    for ws in [&mut agent_ws, &mut mate_ws] {
        let (ev, _) = ws
            .until("ticket:notify", |d| d["ticket"]["id"] == ticket.as_str())
            .await;
        assert_eq!(ev["data"]["kind"], "SLA_BREACHED");
        assert_eq!(ev["data"]["excerpt"], "First response target missed");
    }
    assert_eq!(check_at(&app, due + Duration::minutes(5)).await, 0);
    let heard = outsider_ws.sync().await;
    assert!(
        !heard
            .iter()
            .any(|e| e["event"] == "ticket:notify" && e["data"]["ticket"]["id"] == ticket.as_str()),
        "{heard:?}"
    );
    let later = agent_ws.sync().await;
    assert!(
        !later.iter().any(|e| e["event"] == "ticket:notify"),
        "told twice: {later:?}"
    );

    // A target met in time never breaches: the reply clears it before the resolution is due.
    let r = app
        .post(
            &format!("/api/tickets/{ticket}/messages"),
            &agent.token,
            json!({ "content": "Sorry for the wait." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let resolution = time(
        &app.get(&format!("/api/tickets/{ticket}"), &admin.token)
            .await
            .data()["sla"]["resolutionDueAt"],
    )
    .expect("resolution due");
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(check_at(&app, resolution + Duration::seconds(1)).await, 0);
}

#[tokio::test]
async fn settings_are_validated_and_the_widget_says_when_the_team_is_back() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let path = format!("/api/organizations/{}", admin.org_id);
    for bad in [
        json!({ "timezone": "Mars/Olympus" }),
        json!({ "schedule": { "mon": [{ "start": "17:00", "end": "09:00" }] } }),
        json!({ "schedule": { "mon": [{ "start": "09:00", "end": "12:00" }, { "start": "11:00", "end": "13:00" }] } }),
        json!({ "schedule": { "mon": [{ "start": "9:00", "end": "12:00" }] } }),
        json!({ "schedule": { "mon": [{ "start": "09:00", "end": "24:01" }] } }),
        json!({ "schedule": {} }),
        json!({ "schedule": { "funday": [] } }),
        json!({ "holidays": ["2026-02-30"] }),
        json!({ "slaPolicies": { "high": { "firstResponseSecs": 59 } } }),
        json!({ "slaPolicies": { "high": { "firstResponseSecs": 31536001 } } }),
        json!({ "slaPolicies": { "critical": {} } }),
    ] {
        let r = app.patch(&path, &admin.token, bad.clone()).await;
        // 400 for a malformed shape, 422 for a well-formed but invalid value.
        assert!(r.status == 400 || r.status == 422, "{bad}: {:?}", r.body);
    }

    // Closed yesterday through tomorrow (UTC, otherwise around the clock): back the day after.
    let today = Utc::now().date_naive();
    let days: Vec<String> = (-1..=1)
        .map(|i| (today + Duration::days(i)).to_string())
        .collect();
    let key = configure(&app, &admin, json!({ "holidays": days })).await;
    let init = app
        .http
        .post(app.url("/api/widget/init"))
        .header("origin", SITE)
        .json(&json!({ "widgetKey": key }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(init.status().as_u16(), 200);
    let body: Value = init.json().await.expect("JSON");
    wrrk_tests::contract::check("POST", "/api/widget/init", 200, &body);
    let d = &body["data"];
    assert_eq!(d["availability"]["open"], false);
    assert_eq!(
        time(&d["availability"]["backAt"]),
        Some(
            (today + Duration::days(2))
                .and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
        )
    );
    assert_eq!(d["askEmail"], true);

    // Back in hours (no holidays): open, nothing to wait for.
    configure(&app, &admin, json!({ "holidays": [], "schedule": null })).await;
    let init = app
        .http
        .post(app.url("/api/widget/init"))
        .header("origin", SITE)
        .json(&json!({ "widgetKey": key }))
        .send()
        .await
        .expect("request sent");
    let body: Value = init.json().await.expect("JSON");
    assert_eq!(body["data"]["availability"]["open"], true);
    assert!(body["data"]["availability"]["backAt"].is_null());
}

#[tokio::test]
async fn waiting_pending_stops_the_resolution_clock_until_the_ticket_reopens() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let key = configure(
        &app,
        &admin,
        json!({ "slaPolicies": { "medium": { "resolutionSecs": 7200 } } }),
    )
    .await;
    let (ticket, visitor) = start_chat(&app, &key, "Vera Visitor").await;
    let path = format!("/api/tickets/{ticket}");
    let sla = |v: &Value| v["sla"].clone();
    let opened = sla(app.get(&path, &admin.token).await.data());
    let due = time(&opened["resolutionDueAt"]).expect("resolution due");

    // Waiting on the customer: nothing due, the time left kept, no breach when the old due
    // time passes.
    let r = app
        .patch(&path, &admin.token, json!({ "status": "PENDING" }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let paused = sla(r.data());
    assert!(paused["resolutionDueAt"].is_null(), "{paused:?}");
    let paused_at = time(&paused["resolutionPausedAt"]).expect("paused at");
    let left = paused["resolutionLeftSecs"].as_i64().expect("time left");
    assert!(
        (left - (due - paused_at).num_seconds()).abs() <= 1,
        "{paused:?}"
    );
    assert!((7000..=7200).contains(&left), "{left}");
    assert_eq!(check_at(&app, due + Duration::seconds(1)).await, 0);
    // Not in the inbox's "due next" list meanwhile.
    let list = app
        .get("/api/tickets?sort=due", &admin.token)
        .await
        .data()
        .clone();
    assert!(crate_ids(&list).is_empty(), "{list:?}");

    // The customer answers: OPEN again, the time left running from now.
    let before = Utc::now();
    visitor_says(&app, &visitor, "back-1", "Here is the screenshot.").await;
    let t = app.get(&path, &admin.token).await.data().clone();
    assert_eq!(t["status"], "OPEN");
    let resumed = sla(&t);
    let again = time(&resumed["resolutionDueAt"]).expect("due again");
    assert!(
        again >= (before + Duration::seconds(left)).trunc_subsecs(0)
            && again <= Utc::now() + Duration::seconds(left),
        "{resumed:?}"
    );
    assert!(resumed["resolutionPausedAt"].is_null(), "{resumed:?}");

    // A snooze pauses it too; waking it (as the schedule would, two days on) resumes it
    // with the same time left, counted from the wake.
    let until = (Utc::now() + Duration::days(2)).trunc_subsecs(0);
    let r = app
        .call(
            reqwest::Method::PUT,
            &format!("{path}/snooze"),
            Some(admin.token.as_str()),
            Some(json!({ "until": until.to_rfc3339() })),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let snoozed = sla(r.data());
    let left = snoozed["resolutionLeftSecs"].as_i64().expect("time left");
    assert!(snoozed["resolutionDueAt"].is_null(), "{snoozed:?}");
    let woke_at = until + Duration::seconds(1);
    let woke = app
        .stack
        .run_schedule("tickets-snooze-wake", woke_at)
        .await
        .expect("the waker runs");
    assert_eq!(woke["woke"], 1);
    let t = app.get(&path, &admin.token).await.data().clone();
    assert_eq!(t["status"], "OPEN");
    let due = time(&t["sla"]["resolutionDueAt"]).expect("due after the wake");
    assert_eq!(due, woke_at + Duration::seconds(left), "{:?}", t["sla"]);
    // The two days asleep are remembered as time the clock stood still.
    let stood = t["sla"]["resolutionPausedSecs"].as_i64().expect("stood");
    assert!(stood >= 2 * 86_400, "{stood}");

    // Resolving forgets all of it.
    let r = app
        .patch(&path, &admin.token, json!({ "status": "RESOLVED" }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.data()["sla"].is_null(), "{:?}", r.data()["sla"]);
}

#[tokio::test]
async fn a_pause_that_lost_the_race_to_a_reopen_is_not_written() {
    use wrrk_shared::domain::TicketStatus;
    use wrrk_shared::ids::{OrgId, TicketId};
    use wrrk_shared::sla::{self, SlaEvent};

    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let key = configure(
        &app,
        &admin,
        json!({ "slaPolicies": { "medium": { "resolutionSecs": 7200 } } }),
    )
    .await;
    let (ticket, _) = start_chat(&app, &key, "Vera Visitor").await;
    let store = &app.stack.app.store;
    let (org_id, ticket_id) = (OrgId::trusted(&admin.org_id), TicketId::trusted(&ticket));
    let open = store
        .get_ticket(&org_id, &ticket_id)
        .await
        .expect("read")
        .expect("the ticket");
    let due = open.sla.and_then(|s| s.resolution_due_at).expect("due");

    // One request set it PENDING and holds that ticket, its pause not yet written; another
    // set it OPEN again meanwhile (its resume found nothing paused). The late pause must
    // not stop the clock of an OPEN ticket.
    let mut stale = open.clone();
    stale.status = TicketStatus::Pending;
    let after = sla::apply(&app.stack.app, stale, SlaEvent::Paused, Utc::now())
        .await
        .expect("applied");
    assert_eq!(after.status, TicketStatus::Open);
    let stored = store
        .get_ticket(&org_id, &ticket_id)
        .await
        .expect("read")
        .expect("the ticket");
    let kept = stored.sla.expect("due times");
    assert_eq!(kept.resolution_due_at, Some(due));
    assert_eq!(kept.resolution_paused_at, None);

    // In its status, the same pause holds.
    let r = app
        .patch(
            &format!("/api/tickets/{ticket}"),
            &admin.token,
            json!({ "status": "PENDING" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        !r.data()["sla"]["resolutionPausedAt"].is_null(),
        "{:?}",
        r.data()
    );
}
