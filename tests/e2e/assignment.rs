//! Assignment rules: round robin among a team's online agents under a cap, the team's
//! queue, and routing rules that send new conversations to a team.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use wrrk_tests::{Session, TestApp, item_s};

const SITE: &str = "https://shop.example.com";

/// Sets `team`'s assignment mode and cap, asserting a 200; the team.
async fn set_mode(app: &TestApp, admin: &Session, team: &str, mode: &str, cap: u32) -> Value {
    let r = app
        .patch(
            &format!("/api/teams/{team}"),
            &admin.token,
            json!({ "assignmentMode": mode, "maxOpenPerAgent": cap }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().clone()
}

/// Replaces the organization's routing rules, asserting a 200.
async fn set_rules(app: &TestApp, admin: &Session, rules: Value) -> Value {
    let r = app
        .patch(
            &format!("/api/organizations/{}/routing-rules", admin.org_id),
            &admin.token,
            json!({ "rules": rules }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().clone()
}

/// Opens a ticket as `s` (channel MANUAL); its id.
async fn open_ticket(app: &TestApp, s: &Session, subject: &str) -> String {
    let r = app
        .post(
            "/api/tickets",
            &s.token,
            json!({ "subject": subject, "customer": { "email": format!("c-{}@example.com", wrrk_tests::unique()), "name": "Cus Tomer" }, "message": "Help, please." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.data()["id"].as_str().expect("an id").to_string()
}

async fn ticket(app: &TestApp, s: &Session, id: &str) -> Value {
    let r = app.get(&format!("/api/tickets/{id}"), &s.token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().clone()
}

/// Polls ticket `id` until `done` holds (a deadline, not a fixed wait).
async fn ticket_until(
    app: &TestApp,
    s: &Session,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let t = ticket(app, s, id).await;
        if done(&t) {
            return t;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "ticket {id} stayed {t:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The ids of the tickets waiting in `team`'s queue, oldest first.
async fn queue(app: &TestApp, org_id: &str, team: &str) -> Vec<String> {
    let pk = format!("ORG#{org_id}#QUEUE#{team}");
    app.org_items(org_id)
        .await
        .iter()
        .filter(|i| item_s(i, "PK") == Some(pk.as_str()))
        .filter_map(|i| item_s(i, "ticketId").map(str::to_string))
        .collect()
}

/// Each agent's stored count of open conversations.
async fn loads(app: &TestApp, org_id: &str) -> HashMap<String, i64> {
    app.org_items(org_id)
        .await
        .iter()
        .filter_map(|i| {
            let user = item_s(i, "SK")?.strip_prefix("LOAD#")?.to_string();
            let open = i.get("open")?.as_n().ok()?.parse().ok()?;
            Some((user, open))
        })
        .collect()
}

/// A round-robin team of `n` agents with `cap`, every ticket opened by hand routed to it.
async fn round_robin_team(
    app: &TestApp,
    admin: &Session,
    n: usize,
    cap: u32,
) -> (String, Vec<Session>) {
    let team = app.create_team(admin, "Front line").await;
    let mut agents = Vec::new();
    for _ in 0..n {
        let a = app.add_member(admin, "AGENT").await;
        app.add_to_team(admin, &team, &a.user_id).await;
        agents.push(a);
    }
    let t = set_mode(app, admin, &team, "ROUND_ROBIN", cap).await;
    assert_eq!(t["assignmentMode"], "ROUND_ROBIN");
    assert_eq!(t["maxOpenPerAgent"], cap);
    set_rules(app, admin, json!([{ "channel": "MANUAL", "teamId": team }])).await;
    (team, agents)
}

#[tokio::test]
async fn round_robin_over_three_agents_under_twenty_concurrent_chats_respects_caps_and_queues_the_rest()
 {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, agents) = round_robin_team(&app, &admin, 3, 3).await;
    let mut sockets = Vec::new();
    for a in &agents {
        sockets.push(app.ws_connect(&a.token).await);
    }

    let opened = futures::future::join_all((0..20).map(|i| {
        open_ticket(
            &app,
            &admin,
            Box::leak(format!("Chat {i}").into_boxed_str()),
        )
    }))
    .await;

    let mut per_agent: HashMap<String, Vec<String>> = HashMap::new();
    let mut unassigned = Vec::new();
    for id in &opened {
        let t = ticket(&app, &admin, id).await;
        assert_eq!(t["teamId"], team.as_str(), "routed to the team");
        match t["assigneeId"].as_str() {
            Some(a) => per_agent.entry(a.to_string()).or_default().push(id.clone()),
            None => unassigned.push(id.clone()),
        }
    }
    // Everyone online and under the cap took turns until every place was full.
    assert_eq!(per_agent.len(), 3, "{per_agent:?}");
    for (agent, tickets) in &per_agent {
        assert_eq!(tickets.len(), 3, "{agent} holds {tickets:?}");
    }
    assert_eq!(unassigned.len(), 11);
    let mut waiting = queue(&app, &admin.org_id, &team).await;
    waiting.sort();
    unassigned.sort();
    assert_eq!(waiting, unassigned, "the rest wait in the queue");
    // No ticket was counted twice: each count is what the agent holds.
    let counts = loads(&app, &admin.org_id).await;
    for (agent, tickets) in &per_agent {
        assert_eq!(
            counts.get(agent).copied(),
            Some(tickets.len() as i64),
            "{agent}"
        );
    }
    // Each assignee heard each of their assignments once, as ticket:notify ASSIGNED.
    for (a, ws) in agents.iter().zip(sockets.iter_mut()) {
        let mine = &per_agent[&a.user_id];
        let mut heard = Vec::new();
        while heard.len() < mine.len() {
            let (e, _) = ws.until("ticket:notify", |d| d["kind"] == "ASSIGNED").await;
            heard.push(e["data"]["ticket"]["id"].as_str().unwrap().to_string());
        }
        let extra: Vec<Value> = ws
            .sync()
            .await
            .into_iter()
            .filter(|e| e["event"] == "ticket:notify")
            .collect();
        assert!(extra.is_empty(), "{extra:?}");
        heard.sort();
        let mut mine = mine.clone();
        mine.sort();
        assert_eq!(heard, mine);
    }
}

#[tokio::test]
async fn a_queued_conversation_goes_to_an_agent_who_comes_online() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, agents) = round_robin_team(&app, &admin, 1, 2).await;
    let agent = &agents[0];

    let first = open_ticket(&app, &admin, "Nobody online").await;
    assert!(ticket(&app, &admin, &first).await["assigneeId"].is_null());
    let second = open_ticket(&app, &admin, "Still nobody").await;
    assert_eq!(
        queue(&app, &admin.org_id, &team).await,
        [first.clone(), second.clone()]
    );

    let _ws = app.ws_connect(&agent.token).await;
    for id in [&first, &second] {
        let t = ticket_until(&app, &admin, id, |t| !t["assigneeId"].is_null()).await;
        assert_eq!(t["assigneeId"], agent.user_id.as_str());
    }
    assert!(queue(&app, &admin.org_id, &team).await.is_empty());
    assert_eq!(loads(&app, &admin.org_id).await[&agent.user_id], 2);
}

#[tokio::test]
async fn a_queued_conversation_goes_to_an_online_agent_added_to_the_team() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, _offline) = round_robin_team(&app, &admin, 1, 2).await;
    let waiting = open_ticket(&app, &admin, "Nobody online").await;
    assert_eq!(
        queue(&app, &admin.org_id, &team).await,
        std::slice::from_ref(&waiting)
    );

    // Online, but in no team yet: coming online moves no queue.
    let newcomer = app.add_member(&admin, "AGENT").await;
    let mut ws = app.ws_connect(&newcomer.token).await;
    assert!(ticket(&app, &admin, &waiting).await["assigneeId"].is_null());

    app.add_to_team(&admin, &team, &newcomer.user_id).await;
    // Assigned within the request that added the member, and told to the new member.
    let t = ticket(&app, &admin, &waiting).await;
    assert_eq!(t["assigneeId"], newcomer.user_id.as_str(), "{t:?}");
    let (e, _) = ws.until("ticket:notify", |d| d["kind"] == "ASSIGNED").await;
    assert_eq!(e["data"]["ticket"]["id"], waiting.as_str());
    assert!(queue(&app, &admin.org_id, &team).await.is_empty());
    assert_eq!(loads(&app, &admin.org_id).await[&newcomer.user_id], 1);
}

#[tokio::test]
async fn a_queued_conversation_goes_to_an_agent_who_resolves_one_and_reassigning_gives_places_back()
{
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, agents) = round_robin_team(&app, &admin, 1, 1).await;
    let agent = &agents[0];
    let mut ws = app.ws_connect(&agent.token).await;

    let first = open_ticket(&app, &admin, "First").await;
    assert_eq!(
        ticket(&app, &admin, &first).await["assigneeId"],
        agent.user_id.as_str()
    );
    let second = open_ticket(&app, &admin, "Second").await;
    assert!(
        ticket(&app, &admin, &second).await["assigneeId"].is_null(),
        "at the cap"
    );
    assert_eq!(
        queue(&app, &admin.org_id, &team).await,
        vec![second.clone()]
    );

    let r = app
        .patch(
            &format!("/api/tickets/{first}"),
            &agent.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let t = ticket(&app, &admin, &second).await;
    assert_eq!(
        t["assigneeId"],
        agent.user_id.as_str(),
        "the freed place took the queue's oldest"
    );
    let (notice, _) = ws
        .until("ticket:notify", |d| {
            d["kind"] == "ASSIGNED" && d["ticket"]["id"] == second.as_str()
        })
        .await;
    assert_eq!(notice["data"]["byName"], "Round robin");
    assert!(queue(&app, &admin.org_id, &team).await.is_empty());
    assert_eq!(loads(&app, &admin.org_id).await[&agent.user_id], 1);

    // Unassigned by hand: the place comes back; a third conversation takes it.
    let r = app
        .patch(
            &format!("/api/tickets/{second}"),
            &admin.token,
            json!({ "assigneeId": null }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(loads(&app, &admin.org_id).await[&agent.user_id], 0);
    let third = open_ticket(&app, &admin, "Third").await;
    assert_eq!(
        ticket(&app, &admin, &third).await["assigneeId"],
        agent.user_id.as_str()
    );
    // Assigned by hand on top: counted, never refused (a person chose it).
    let r = app
        .patch(
            &format!("/api/tickets/{second}"),
            &admin.token,
            json!({ "assigneeId": agent.user_id }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(loads(&app, &admin.org_id).await[&agent.user_id], 2);
    // Closed and resolved: both places back.
    for (id, status) in [(&second, "CLOSED"), (&third, "RESOLVED")] {
        let r = app
            .patch(
                &format!("/api/tickets/{id}"),
                &agent.token,
                json!({ "status": status }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    assert_eq!(loads(&app, &admin.org_id).await[&agent.user_id], 0);
}

#[tokio::test]
async fn a_customer_reply_reopening_an_unassigned_conversation_goes_through_the_round_robin() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, agents) = round_robin_team(&app, &admin, 1, 1).await;
    let agent = &agents[0];
    let mut ws = app.ws_connect(&agent.token).await;

    // Resolved with no one on it (unassigned and resolved in one change).
    let waiting = open_ticket(&app, &admin, "Handed back").await;
    ws.until("ticket:notify", |d| {
        d["kind"] == "ASSIGNED" && d["ticket"]["id"] == waiting.as_str()
    })
    .await;
    let r = app
        .patch(
            &format!("/api/tickets/{waiting}"),
            &admin.token,
            json!({ "assigneeId": null, "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // The agent's one place goes to another conversation.
    let other = open_ticket(&app, &admin, "Another").await;
    assert_eq!(
        ticket(&app, &admin, &other).await["assigneeId"],
        agent.user_id.as_str()
    );

    // The customer writes again: reopened, and, the only agent being full, queued as a
    // new conversation would be (not left unassigned outside the queue).
    let customer = ticket(&app, &admin, &waiting).await["customerId"]
        .as_str()
        .expect("a customer")
        .to_string();
    let visitor = app
        .visitor_token(&admin.org_id, &customer, "Cus Tomer", &waiting)
        .await;
    let r = app
        .post(
            "/api/widget/messages",
            &visitor,
            json!({ "clientId": "again-1", "content": "It broke again." }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let t = ticket(&app, &admin, &waiting).await;
    assert_eq!(t["status"], "OPEN");
    assert!(t["assigneeId"].is_null(), "{t:?}");
    assert_eq!(
        queue(&app, &admin.org_id, &team).await,
        std::slice::from_ref(&waiting)
    );

    // The agent's place comes free: the reopened conversation is theirs.
    let r = app
        .patch(
            &format!("/api/tickets/{other}"),
            &agent.token,
            json!({ "status": "RESOLVED" }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        ticket(&app, &admin, &waiting).await["assigneeId"],
        agent.user_id.as_str()
    );
    ws.until("ticket:notify", |d| {
        d["kind"] == "ASSIGNED" && d["ticket"]["id"] == waiting.as_str()
    })
    .await;
    assert!(queue(&app, &admin.org_id, &team).await.is_empty());
    assert_eq!(loads(&app, &admin.org_id).await[&agent.user_id], 1);
}

#[tokio::test]
async fn a_deactivated_agents_conversations_go_back_to_the_team() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, agents) = round_robin_team(&app, &admin, 1, 5).await;
    let leaver = &agents[0];
    let _leaver_ws = app.ws_connect(&leaver.token).await;
    let open = open_ticket(&app, &admin, "Still open").await;
    let waiting = open_ticket(&app, &admin, "Waiting on the customer").await;
    let done = open_ticket(&app, &admin, "Done").await;
    for id in [&open, &waiting, &done] {
        assert_eq!(
            ticket(&app, &admin, id).await["assigneeId"],
            leaver.user_id.as_str()
        );
    }
    for (id, status) in [(&waiting, "PENDING"), (&done, "RESOLVED")] {
        let r = app
            .patch(
                &format!("/api/tickets/{id}"),
                &leaver.token,
                json!({ "status": status }),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    assert_eq!(loads(&app, &admin.org_id).await[&leaver.user_id], 2);
    let stayer = app.add_member(&admin, "AGENT").await;
    app.add_to_team(&admin, &team, &stayer.user_id).await;
    let mut ws = app.ws_connect(&stayer.token).await;

    let r = app
        .delete(&format!("/api/users/{}", leaver.user_id), &admin.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // The open one went through the round robin to whoever is left; the pending one waits
    // unassigned for the customer; the resolved one keeps its history.
    let t = ticket(&app, &admin, &open).await;
    assert_eq!(t["assigneeId"], stayer.user_id.as_str(), "{t:?}");
    let (e, _) = ws
        .until("ticket:notify", |d| {
            d["kind"] == "ASSIGNED" && d["ticket"]["id"] == open.as_str()
        })
        .await;
    assert_eq!(e["data"]["byName"], "Round robin");
    let t = ticket(&app, &admin, &waiting).await;
    assert!(t["assigneeId"].is_null(), "{t:?}");
    assert_eq!(t["status"], "PENDING");
    assert_eq!(
        ticket(&app, &admin, &done).await["assigneeId"],
        leaver.user_id.as_str()
    );
    let counts = loads(&app, &admin.org_id).await;
    assert_eq!(counts[&leaver.user_id], 0);
    assert_eq!(counts[&stayer.user_id], 1);

    // Deactivating again changes nothing more.
    let r = app
        .delete(&format!("/api/users/{}", leaver.user_id), &admin.token)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        ticket(&app, &admin, &open).await["assigneeId"],
        stayer.user_id.as_str()
    );
}

#[tokio::test]
async fn a_manual_team_never_assigns_by_itself() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Shop", "ada@shop.io").await;
    let (team, agents) = round_robin_team(&app, &admin, 1, 5).await;
    set_mode(&app, &admin, &team, "MANUAL", 5).await;
    let _ws = app.ws_connect(&agents[0].token).await;
    let id = open_ticket(&app, &admin, "By hand").await;
    let t = ticket(&app, &admin, &id).await;
    assert_eq!(t["teamId"], team.as_str());
    assert!(t["assigneeId"].is_null());
    assert!(queue(&app, &admin.org_id, &team).await.is_empty());
}

#[tokio::test]
async fn routing_rules_send_conversations_by_channel_address_and_widget() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let shop = app.create_team(&admin, "Shop").await;
    let billing = app.create_team(&admin, "Billing").await;
    let mail = app.create_team(&admin, "Mail").await;
    let org = app
        .patch(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
            json!({ "widget": { "allowedOrigins": [SITE, "https://docs.example.com"] } }),
        )
        .await;
    let key = org.data()["widget"]["widgetKey"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post(
            &format!("/api/organizations/{}/addresses", admin.org_id),
            &admin.token,
            json!({ "address": "billing@acme.io" }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let rules = set_rules(
        &app,
        &admin,
        json!([
            { "widgetOrigin": "HTTPS://Shop.Example.com/", "teamId": shop },
            { "supportAddress": " Billing@Acme.io ", "teamId": billing },
            { "channel": "EMAIL", "teamId": mail },
        ]),
    )
    .await;
    // Stored normalized, and shown with the organization.
    assert_eq!(rules[0]["widgetOrigin"], SITE);
    assert_eq!(rules[1]["supportAddress"], "billing@acme.io");
    let got = app
        .get(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
        )
        .await;
    assert_eq!(got.data()["routingRules"], rules);

    let chat = |origin: &'static str| {
        let (app, key) = (&app, key.clone());
        async move {
            let resp = app
                .http
                .post(app.url("/api/widget/sessions"))
                .header("origin", origin)
                .json(&json!({ "widgetKey": key, "name": "Vera" }))
                .send()
                .await
                .expect("request sent");
            assert_eq!(resp.status().as_u16(), 201);
            let body: Value = resp.json().await.expect("JSON");
            body["data"]["ticketId"].as_str().unwrap().to_string()
        }
    };
    let from_shop = chat(SITE).await;
    assert_eq!(
        ticket(&app, &admin, &from_shop).await["teamId"],
        shop.as_str()
    );
    let from_docs = chat("https://docs.example.com").await;
    assert!(
        ticket(&app, &admin, &from_docs).await["teamId"].is_null(),
        "no rule matches"
    );

    let address = got.data()["supportAddress"].as_str().unwrap().to_string();
    let send = |to: &str, header_to: &str, id: &str| {
        format!(
            "From: Customer <cus@customer.io>\r\nTo: {header_to}\r\nSubject: Mail {id}\r\nMessage-ID: <{id}@customer.io>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello {to}\r\n"
        )
    };
    // Forwarded from the own address: the envelope names wrrk's, To the organization's.
    app.send_smtp(
        "cus@customer.io",
        &[&address],
        &send(&address, "billing@acme.io", "a1"),
    )
    .await;
    app.send_smtp(
        "cus@customer.io",
        &[&address],
        &send(&address, &address, "a2"),
    )
    .await;
    let tickets = app.get("/api/tickets?limit=100", &admin.token).await;
    let team_of = |subject: &str| {
        tickets
            .data()
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["subject"] == subject)
            .map(|t| t["teamId"].clone())
    };
    assert_eq!(team_of("Mail a1"), Some(json!(billing)));
    assert_eq!(team_of("Mail a2"), Some(json!(mail)));
    // An agent's ticket: no rule for MANUAL.
    let manual = open_ticket(&app, &admin, "Phone call").await;
    assert!(ticket(&app, &admin, &manual).await["teamId"].is_null());
}

#[tokio::test]
async fn another_organizations_teams_are_not_found_and_bad_rules_are_refused_whole() {
    let app = TestApp::spawn().await;
    let admin = app.signup("Acme", "ada@acme.io").await;
    let other = app.signup("Globex", "hank@globex.io").await;
    let theirs = app.create_team(&other, "Theirs").await;
    let mine = app.create_team(&admin, "Mine").await;
    let agent = app.add_member(&admin, "AGENT").await;

    let r = app
        .patch(
            &format!("/api/teams/{theirs}"),
            &admin.token,
            json!({ "assignmentMode": "ROUND_ROBIN" }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/organizations/{}/routing-rules", other.org_id),
            &admin.token,
            json!({ "rules": [{ "teamId": mine }] }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    let path = format!("/api/organizations/{}/routing-rules", admin.org_id);
    // Rules may share a team.
    set_rules(
        &app,
        &admin,
        json!([{ "channel": "EMAIL", "teamId": mine }, { "teamId": mine }]),
    )
    .await;
    set_rules(&app, &admin, json!([{ "channel": "CHAT", "teamId": mine }])).await;
    // A rule naming another organization's team: that team is not found.
    let r = app
        .patch(
            &path,
            &admin.token,
            json!({ "rules": [{ "teamId": mine }, { "teamId": theirs }] }),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    for (rules, field) in [
        (
            json!([{ "widgetOrigin": "ftp://x.test", "teamId": mine }]),
            "rules",
        ),
        (
            json!([{ "supportAddress": "not an address", "teamId": mine }]),
            "rules",
        ),
    ] {
        let r = app
            .patch(&path, &admin.token, json!({ "rules": rules }))
            .await;
        assert_eq!(r.status, 422, "{rules}: {:?}", r.body);
        assert_eq!(r.body["field"], field, "{:?}", r.body);
    }
    let r = app
        .patch(
            &format!("/api/teams/{mine}"),
            &admin.token,
            json!({ "maxOpenPerAgent": 0 }),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    // Nothing was written by a refused request.
    let got = app
        .get(
            &format!("/api/organizations/{}", admin.org_id),
            &admin.token,
        )
        .await;
    assert_eq!(
        got.data()["routingRules"],
        json!([{ "channel": "CHAT", "teamId": mine }])
    );
    // Only admins set routing; managers and admins set a team's mode.
    let r = app.patch(&path, &agent.token, json!({ "rules": [] })).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = app
        .patch(
            &format!("/api/teams/{mine}"),
            &agent.token,
            json!({ "assignmentMode": "ROUND_ROBIN" }),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
}
