//! Reports: figures from the rollups tickets write as they change. Known times are driven
//! explicitly: tickets are opened through the API, then their happenings are recorded
//! through the same `wrrk_shared::reports::note_in` the ticket path calls, with chosen
//! instants (no sleeps, no clock). The ticket path itself (open, reply, resolve, rating) is
//! checked by its counts.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use wrrk_shared::domain::{Channel, Organization, Ticket};
use wrrk_shared::ids::{OrgId, TeamId, UserId};
use wrrk_shared::reports::{Happened, note_in};
use wrrk_tests::{Session, TestApp, item_s};

async fn open(app: &TestApp, s: &Session, n: usize) -> Ticket {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({
                "subject": format!("Seeded {n}"),
                "customer": { "email": format!("c{n}@customer.test"), "name": "Carl" },
                "message": "Hello",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    serde_json::from_value(r.data().clone()).expect("a ticket")
}

async fn organization(app: &TestApp, s: &Session) -> Organization {
    app.stack
        .app
        .store
        .get_organization(&OrgId::trusted(s.org_id.as_str()))
        .await
        .unwrap()
        .expect("the organization")
}

async fn report(app: &TestApp, s: &Session, from: &str, to: &str) -> Value {
    let r = app
        .get(&format!("/api/reports?from={from}&to={to}"), &s.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().clone()
}

fn row<'a>(rows: &'a Value, key: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows}"))
}

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, d, h, m, 0).unwrap()
}

/// Ten tickets opened on 5 January 2026 at 20:00 UTC, ticket i (1..=10) answered after
/// i minutes and resolved after i hours, alternately by agents A (odd) and B (even), on
/// team T, the even ones by chat; four surveys, three rated 5, 4 and 2.
#[tokio::test]
async fn reports_figures_over_seeded_tickets_are_the_expected_medians_and_percentiles() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let a = app.add_member(&admin, "AGENT").await;
    let b = app.add_member(&admin, "AGENT").await;
    let team = app.create_team(&admin, "Tier 1").await;
    let org = organization(&app, &admin).await;
    let opened = at(5, 20, 0);
    for i in 1..=10u32 {
        let mut t = open(&app, &admin, i as usize).await;
        let agent = if i % 2 == 1 { &a } else { &b };
        t.created_at = opened;
        t.assignee_id = Some(UserId::trusted(agent.user_id.clone()));
        t.team_id = Some(TeamId::trusted(team.clone()));
        t.channel = if i % 2 == 0 {
            Channel::Chat
        } else {
            Channel::Email
        };
        let app_ = &app.stack.app;
        note_in(app_, &org, &t, Happened::Opened).await;
        let by = agent.user_id.clone();
        let answered = opened + Duration::minutes(i64::from(i));
        note_in(app_, &org, &t, Happened::FirstResponse { by, at: answered }).await;
        let resolved = opened + Duration::hours(i64::from(i));
        note_in(app_, &org, &t, Happened::Resolved { at: resolved }).await;
        if i <= 4 {
            note_in(app_, &org, &t, Happened::Surveyed { at: resolved }).await;
        }
        if let Some(rating) = [5u8, 4, 2].get(i as usize - 1) {
            let rated = Happened::Rated {
                surveyed_at: resolved,
                rating: *rating,
            };
            note_in(app_, &org, &t, rated).await;
        }
    }

    let r = report(&app, &admin, "2026-01-04", "2026-01-07").await;
    assert_eq!(r["timezone"], "UTC");
    let totals = &r["totals"];
    assert_eq!(totals["opened"], 10);
    assert_eq!(totals["resolved"], 10);
    // Nearest rank over 60, 120, ..., 600 s: the 5th and the 9th.
    assert_eq!(
        totals["firstResponse"],
        json!({ "count": 10, "median": 300, "p90": 540 })
    );
    assert_eq!(
        totals["resolution"],
        json!({ "count": 10, "median": 5 * 3600, "p90": 9 * 3600 })
    );
    assert_eq!(
        totals["csat"],
        json!({ "surveys": 4, "ratings": 3, "average": 3.67, "responseRate": 0.75 })
    );

    // Per day: resolves before midnight (hours 1 to 3) on the 5th, the rest on the 6th.
    let days: Vec<(&str, u64, u64)> = r["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap(),
                d["figures"]["opened"].as_u64().unwrap(),
                d["figures"]["resolved"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("2026-01-04", 0, 0),
            ("2026-01-05", 10, 3),
            ("2026-01-06", 0, 7),
            ("2026-01-07", 0, 0)
        ]
    );
    assert_eq!(
        r["days"][2]["figures"]["resolution"],
        json!({ "count": 7, "median": 7 * 3600, "p90": 10 * 3600 })
    );

    // Agent A: 60, 180, 300, 420, 540 s; B: 120, ..., 600 s.
    let ra = row(&r["agents"], &a.user_id);
    assert_eq!(
        ra["figures"]["firstResponse"],
        json!({ "count": 5, "median": 300, "p90": 540 })
    );
    assert!(ra["name"].is_string());
    let rb = row(&r["agents"], &b.user_id);
    assert_eq!(
        rb["figures"]["firstResponse"],
        json!({ "count": 5, "median": 360, "p90": 600 })
    );
    assert_eq!(rb["figures"]["resolution"]["median"], 6 * 3600);
    let rt = row(&r["teams"], &team);
    assert_eq!(rt["name"], "Tier 1");
    assert_eq!(rt["figures"]["resolved"], 10);
    let chat = row(&r["channels"], "CHAT");
    assert_eq!(chat["figures"]["opened"], 5);
    assert_eq!(
        chat["figures"]["csat"],
        json!({ "surveys": 2, "ratings": 1, "average": 4.0, "responseRate": 0.5 })
    );

    // Another organization sees none of it.
    let other = app.signup("Globex", "hank@globex.io").await;
    let r = report(&app, &other, "2026-01-04", "2026-01-07").await;
    assert_eq!(r["totals"]["opened"], 0);
    assert_eq!(r["totals"]["firstResponse"]["median"], Value::Null);
    assert!(r["agents"].as_array().unwrap().is_empty());
}

/// The ticket path writes the rollups: opening, the first agent reply (once, notes and
/// later replies aside), the resolve, the survey and its rating.
#[tokio::test]
async fn reports_the_ticket_path_writes_each_rollup_once() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let t = open(&app, &admin, 1).await;
    let id = t.id.to_string();
    let path = format!("/api/tickets/{id}/messages");
    for (content, internal) in [("A note", true), ("First answer", false), ("More", false)] {
        let r = app
            .post(
                &path,
                &admin.token,
                json!({ "content": content, "internal": internal }),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let r = app
        .patch(
            &format!("/api/tickets/{id}"),
            &admin.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.data()["firstResponseAt"].is_string(), "{:?}", r.body);
    let mail = app.last_mail_to("c1@customer.test");
    let text = mail.decoded.text.expect("a text part");
    let start = text.find("/rate/").expect("a rating link") + "/rate/".len();
    let token: String = text[start..].chars().take_while(|c| *c != '?').collect();
    let r = app
        .call(
            reqwest::Method::POST,
            &format!("/api/csat/{token}"),
            None,
            Some(json!({ "rating": 4 })),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Around today, so a run across midnight still sees every entry.
    let today = Utc::now().date_naive();
    let (from, to) = (today - Duration::days(1), today + Duration::days(1));
    let r = report(&app, &admin, &from.to_string(), &to.to_string()).await;
    let totals = &r["totals"];
    assert_eq!(totals["opened"], 1);
    assert_eq!(totals["resolved"], 1);
    assert_eq!(totals["firstResponse"]["count"], 1);
    assert_eq!(totals["resolution"]["count"], 1);
    assert_eq!(
        totals["csat"],
        json!({ "surveys": 1, "ratings": 1, "average": 4.0, "responseRate": 1.0 })
    );
    let me = row(&r["agents"], &admin.user_id);
    assert_eq!(me["figures"]["firstResponse"]["count"], 1);
    assert_eq!(row(&r["channels"], "MANUAL")["figures"]["opened"], 1);
}

#[tokio::test]
async fn reports_need_the_permission_and_a_valid_range() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let supervisor = app.add_member(&admin, "SUPERVISOR").await;
    let agent = app.add_member(&admin, "AGENT").await;
    let ok = "/api/reports?from=2026-01-01&to=2026-03-31";
    assert_eq!(app.get(ok, &supervisor.token).await.status, 200);
    let r = app.get(ok, &agent.token).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    for bad in [
        "/api/reports",
        "/api/reports?from=2026-01-01",
        "/api/reports?from=2026-1-1&to=2026-01-02",
        "/api/reports?from=2026-02-30&to=2026-03-01",
        "/api/reports?from=2026-03-02&to=2026-03-01",
        "/api/reports?from=2025-01-01&to=2026-01-02",
    ] {
        let r = app.get(bad, &admin.token).await;
        assert_eq!(
            (r.status, r.code()),
            (422, "validation_failed"),
            "{bad}: {:?}",
            r.body
        );
    }
    // 366 days, both ends included, is the longest.
    assert_eq!(
        app.get("/api/reports?from=2025-01-01&to=2026-01-01", &admin.token)
            .await
            .status,
        200
    );
}

/// Concurrent writers of one day lose no entry, and a day's entries fill shard items of
/// a fixed size in turn, all of which the report reads.
#[tokio::test]
async fn reports_concurrent_appends_all_land_and_a_full_day_spills_over() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let day = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    // Items of 40 entries here (50 in service).
    let (per_item, total) = (40, 100);
    let store = &app.stack.app.store;
    let org = OrgId::trusted(admin.org_id.as_str());
    let writes = futures::stream::iter(0..total).map(|_| {
        let org = org.clone();
        async move {
            store
                .append_report_entry_within(&org, day, "o|0|||EMAIL", per_item)
                .await
                .unwrap()
        }
    });
    use futures::StreamExt;
    writes.buffer_unordered(16).collect::<Vec<()>>().await;
    let r = report(&app, &admin, "2026-02-01", "2026-02-01").await;
    assert_eq!(r["totals"]["opened"], total);
    let items: Vec<String> = app
        .org_items(org.as_str())
        .await
        .iter()
        .filter_map(|i| item_s(i, "SK").map(str::to_string))
        .filter(|sk| sk.starts_with("REPORT#"))
        .collect();
    assert_eq!(
        items,
        [
            "REPORT#2026-02-01#0000",
            "REPORT#2026-02-01#0001",
            "REPORT#2026-02-01#0002"
        ]
    );
}

/// Days are the organization's: a ticket opened at 20:00 UTC on 5 January counts on the
/// 6th in Tokyo.
#[tokio::test]
async fn reports_days_are_local_to_the_organizations_timezone() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let r = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "timezone": "Asia/Tokyo" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let org = organization(&app, &admin).await;
    let mut t = open(&app, &admin, 1).await;
    t.created_at = at(5, 20, 0);
    note_in(&app.stack.app, &org, &t, Happened::Opened).await;
    let r = report(&app, &admin, "2026-01-05", "2026-01-06").await;
    assert_eq!(r["timezone"], "Asia/Tokyo");
    assert_eq!(r["days"][0]["figures"]["opened"], 0);
    assert_eq!(r["days"][1]["figures"]["opened"], 1);
}
