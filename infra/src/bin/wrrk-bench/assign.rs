//! `wrrk-bench assign`: how long a new conversation takes to reach every agent's tab with
//! 200 agents online (one socket each), first with no rules (`ticket:created` to everyone),
//! then routed to a round-robin team of all of them (`ticket:created`, then the assignee's
//! `ticket:notify` ASSIGNED and everyone else's `ticket:updated`).

use std::collections::HashMap;
use std::time::{Duration, Instant};
use wrrk_shared::ids::{OrgId, TeamId, UserId};

use anyhow::{Context, bail};
use clap::Args;
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::load::{ms, percentile};
use crate::seed::{Person, add_users};
use crate::{signup, start_stack};

/// Flags of the `assign` subcommand.
#[derive(Args)]
pub struct AssignArgs {
    /// Agents online, one socket each.
    #[arg(long, default_value_t = 200)]
    agents: usize,
    /// Conversations started (one after another) per phase.
    #[arg(long, default_value_t = 50)]
    chats: usize,
}

/// One frame an agent's socket heard: the event, the ticket and when it arrived.
type Heard = (String, String, Instant);

/// Starts a chat as the widget does; its ticket id.
async fn start_chat(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    i: usize,
) -> anyhow::Result<String> {
    let resp = http
        .post(format!("{base}/api/widget/sessions"))
        .json(&json!({ "widgetKey": key, "name": format!("Visitor {i}") }))
        .send()
        .await?;
    let status = resp.status();
    let body: Value = resp.json().await?;
    if !status.is_success() {
        bail!("starting a chat answered {status}: {body}");
    }
    Ok(body["data"]["ticketId"]
        .as_str()
        .context("no ticketId")?
        .to_string())
}

/// Runs `chats` conversations; for each, the time from the request until `done` says the
/// sockets heard enough.
async fn phase(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    chats: usize,
    first: usize,
    heard: &mut mpsc::UnboundedReceiver<Heard>,
    done: impl Fn(&[(String, Instant)]) -> bool,
) -> anyhow::Result<Vec<Duration>> {
    let mut early: HashMap<String, Vec<(String, Instant)>> = HashMap::new();
    let mut times = Vec::with_capacity(chats);
    for i in 0..chats {
        let t0 = Instant::now();
        let ticket = start_chat(http, base, key, first + i).await?;
        let mut seen = early.remove(&ticket).unwrap_or_default();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while !done(&seen) {
            let (event, id, at) = tokio::time::timeout_at(deadline, heard.recv())
                .await
                .with_context(|| {
                    format!("chat {i}: the sockets heard {} frames in 60 s", seen.len())
                })?
                .context("every socket closed")?;
            if id == ticket {
                seen.push((event, at));
            } else {
                early.entry(id).or_default().push((event, at));
            }
        }
        let last = seen.iter().map(|(_, at)| *at).max().unwrap_or(t0);
        times.push(last.duration_since(t0));
    }
    Ok(times)
}

fn report(title: &str, mut times: Vec<Duration>) {
    times.sort();
    let p99 = percentile(&times, 99.0);
    println!(
        "  {title}: {} chats, p50 {} ms, p99 {} ms, max {} ms (target p99 < 300 ms: {})",
        times.len(),
        ms(percentile(&times, 50.0)),
        ms(p99),
        ms(times.last().copied().unwrap_or_default()),
        if p99 < Duration::from_millis(300) {
            "met"
        } else {
            "NOT met"
        }
    );
}

/// The `assign` benchmark.
pub async fn assign(args: AssignArgs) -> anyhow::Result<()> {
    // One loopback address stands for every visitor: lift the per-IP widget limits.
    // SAFETY: set before the stack starts any thread that reads the environment.
    unsafe { std::env::set_var("WIDGET_IP_LIMIT_FACTOR", "10000") };
    let stack = start_stack(None).await?;
    let http = reqwest::Client::new();
    let base = stack.http_url.clone();
    let admin = signup(&http, &base, "assign-admin@bench.test").await?;
    let people = (1..args.agents)
        .map(|n| Person {
            name: format!("Agent {n}"),
            email: format!("agent{n}@assign.bench.test"),
            role: wrrk_shared::domain::Role::Agent,
        })
        .collect();
    let colleagues = add_users(&stack.app, &admin, people, 8, "agents added").await?;
    let mut agents = vec![(admin.user_id.clone(), admin.token.clone())];
    for u in &colleagues {
        agents.push((u.id.to_string(), stack.app.tokens.issue(u, 0)?));
    }

    // One socket per agent, each on its inbox or a ticket page alike: every one must hear.
    let (tx, mut heard) = mpsc::unbounded_channel::<Heard>();
    let mut readers = Vec::new();
    for (user, token) in &agents {
        let (mut socket, _) = tokio_tungstenite::connect_async_with_config(
            format!("{}/?token={token}", stack.ws_url),
            None,
            true,
        )
        .await
        .with_context(|| format!("opening the socket of {user}"))?;
        let tx = tx.clone();
        let me = user.clone();
        readers.push(tokio::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                let Message::Text(text) = frame else { continue };
                let at = Instant::now();
                if !(text.contains("\"ticket:created\"") || text.contains("\"ticket:notify\"")) {
                    continue;
                }
                let Ok(v) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                let event = v["event"].as_str().unwrap_or_default();
                let (id, tag) = if event == "ticket:created" {
                    (v["data"]["id"].as_str(), "created".to_string())
                } else {
                    (v["data"]["ticket"]["id"].as_str(), format!("assigned:{me}"))
                };
                if let Some(id) = id {
                    let _ = tx.send((tag, id.to_string(), at));
                }
            }
        }));
    }
    drop(tx);
    println!("assign: {} agents online, one socket each", agents.len());

    let org = http
        .get(format!("{base}/api/organizations/{}", admin.org_id))
        .bearer_auth(&admin.token)
        .send()
        .await?
        .json::<Value>()
        .await?;
    let key = org["data"]["widget"]["widgetKey"]
        .as_str()
        .context("no widget key")?
        .to_string();

    let everyone = agents.len();
    let created = |seen: &[(String, Instant)]| seen.iter().filter(|(e, _)| e == "created").count();
    let times = phase(&http, &base, &key, args.chats, 0, &mut heard, |seen| {
        created(seen) >= everyone
    })
    .await?;
    report("no rules: ticket:created on every agent's socket", times);

    // A round-robin team of every agent; chats routed to it.
    let team: Value = http
        .post(format!("{base}/api/teams"))
        .bearer_auth(&admin.token)
        .json(&json!({ "name": "Everyone" }))
        .send()
        .await?
        .json()
        .await?;
    let team_id = team["data"]["id"]
        .as_str()
        .context("no team id")?
        .to_string();
    for (user, _) in &agents {
        stack
            .app
            .store
            .add_team_member(
                &OrgId::trusted(admin.org_id.as_str()),
                &TeamId::trusted(team_id.as_str()),
                &UserId::trusted(user.as_str()),
            )
            .await?;
    }
    for (path, body) in [
        (
            format!("/api/teams/{team_id}"),
            json!({ "assignmentMode": "ROUND_ROBIN", "maxOpenPerAgent": 100 }),
        ),
        (
            format!("/api/organizations/{}/routing-rules", admin.org_id),
            json!({ "rules": [{ "channel": "CHAT", "teamId": team_id }] }),
        ),
    ] {
        let resp = http
            .patch(format!("{base}{path}"))
            .bearer_auth(&admin.token)
            .json(&body)
            .send()
            .await?;
        if !resp.status().is_success() {
            bail!("{path} answered {}", resp.status());
        }
    }
    let times = phase(
        &http,
        &base,
        &key,
        args.chats,
        args.chats,
        &mut heard,
        |seen| created(seen) >= everyone && seen.iter().any(|(e, _)| e.starts_with("assigned:")),
    )
    .await?;
    report(
        "round robin over all of them: ticket:created everywhere and the assignee's ticket:notify",
        times,
    );
    for r in readers {
        r.abort();
    }
    Ok(())
}
