//! `wrrk-bench widget`: many chat-widget visitors and agents on loopback. Every visitor
//! goes through the widget API as the script does (init, session, connect ticket, socket),
//! then posts a message every `--interval` seconds while agents follow the visitors'
//! tickets and reply; prints errors and the latency of a visitor's message post.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use futures::{SinkExt, StreamExt, stream};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use crate::load::{ms, percentile};
use crate::seed::{Person, add_users};
use crate::{signup, start_stack};

/// Flags of the `widget` subcommand.
#[derive(Args)]
pub struct WidgetArgs {
    /// Widget visitors (each with a session, a CHAT ticket and a socket).
    #[arg(long, default_value_t = 2000)]
    visitors: usize,
    /// Agents, one socket each (each follows an equal share of the visitors' tickets and
    /// replies to them).
    #[arg(long, default_value_t = 200)]
    agents: usize,
    /// Seconds of the load phase.
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Seconds between one visitor's messages (the per-session limit is 20 a minute).
    #[arg(long, default_value_t = 30)]
    interval: u64,
}

struct Visitor {
    token: String,
    ticket: String,
}

/// Counters shared by every task.
#[derive(Default)]
struct Tally {
    errors: AtomicU64,
    non_2xx: AtomicU64,
    frames_to_visitors: AtomicU64,
    frames_to_agents: AtomicU64,
    replies: AtomicU64,
}

async fn call(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    let mut req = match body {
        Some(b) => http.post(url).json(&b),
        None => http.post(url),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    Ok((status, v))
}

/// Runs the `widget` subcommand.
pub async fn widget(args: WidgetArgs) -> anyhow::Result<()> {
    // One loopback address stands for thousands of visitors: raise the per-IP limits.
    // SAFETY: set before the stack starts any thread that reads the environment.
    unsafe { std::env::set_var("WIDGET_IP_LIMIT_FACTOR", "10000") };
    let stack = start_stack(None).await?;
    let base = stack.http_url.clone();
    let ws = stack.ws_url.clone();
    let http = reqwest::Client::new();
    let admin = signup(&http, &base, "widget@bench.test").await?;
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
    println!(
        "widget: {} visitors and {} agent sockets on loopback, {} s, a message per visitor every {} s",
        args.visitors, args.agents, args.duration, args.interval
    );

    // Visitors: init, session, connect ticket, socket (50 at a time).
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let setups = stream::iter(0..args.visitors)
        .map(|i| {
            let (http, base, ws, key, tally) = (
                http.clone(),
                base.clone(),
                ws.clone(),
                key.clone(),
                tally.clone(),
            );
            async move {
                let (s, _) = call(
                    &http,
                    format!("{base}/api/widget/init"),
                    None,
                    Some(json!({ "widgetKey": key })),
                )
                .await?;
                if s != 200 {
                    bail!("init answered {s}");
                }
                let (s, v) = call(
                    &http,
                    format!("{base}/api/widget/sessions"),
                    None,
                    Some(json!({ "widgetKey": key, "name": format!("Visitor {i}") })),
                )
                .await?;
                if s != 201 {
                    bail!("session answered {s}: {v}");
                }
                let token = v["data"]["token"].as_str().context("token")?.to_string();
                let ticket = v["data"]["ticketId"]
                    .as_str()
                    .context("ticket")?
                    .to_string();
                let (s, v) = call(
                    &http,
                    format!("{base}/api/widget/connect-ticket"),
                    Some(&token),
                    None,
                )
                .await?;
                if s != 201 {
                    bail!("connect ticket answered {s}");
                }
                let t = v["data"]["ticket"].as_str().context("ticket")?;
                let (socket, _) =
                    tokio_tungstenite::connect_async(format!("{ws}/?ticket={t}")).await?;
                let (_, mut read) = socket.split();
                tokio::spawn(async move {
                    while let Some(Ok(frame)) = read.next().await {
                        if matches!(frame, Message::Text(_)) {
                            tally.frames_to_visitors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
                Ok(Visitor { token, ticket })
            }
        })
        .buffer_unordered(50)
        .collect::<Vec<anyhow::Result<Visitor>>>()
        .await;
    let setup_errors = setups.iter().filter(|r| r.is_err()).count();
    if let Some(Err(e)) = setups.iter().find(|r| r.is_err()) {
        println!("  first setup error: {e:#}");
    }
    let visitors: Vec<Visitor> = setups.into_iter().filter_map(Result::ok).collect();
    println!(
        "  visitors ready           {} of {} in {:.1} s (init, session, connect ticket, socket); setup errors {}",
        visitors.len(),
        args.visitors,
        started.elapsed().as_secs_f64(),
        setup_errors
    );

    // Agents: the admin and colleagues (a user may hold 20 sockets), each socket following
    // its share of the tickets.
    let started = Instant::now();
    let people = (1..args.agents.max(1))
        .map(|n| Person {
            name: format!("Agent {n}"),
            email: format!("agent{n}@widget.bench.test"),
            role: wrrk_shared::domain::Role::Agent,
        })
        .collect();
    let colleagues = add_users(&stack.app, &admin, people, 8, "agents added").await?;
    let mut tokens = vec![admin.token.clone()];
    for user in &colleagues {
        tokens.push(stack.app.tokens.issue(user, 0)?);
    }
    let share = visitors.len().div_ceil(tokens.len()).max(1);
    let tickets: Vec<String> = visitors.iter().map(|v| v.ticket.clone()).collect();
    let mut agent_tasks = Vec::new();
    let mut agent_writers = Vec::new();
    for (chunk, token) in tickets.chunks(share).zip(&tokens) {
        let (socket, _) = tokio_tungstenite::connect_async(format!("{ws}/?token={token}")).await?;
        let (mut write, mut read) = socket.split();
        for t in chunk {
            let f = json!({ "action": "ticket:subscribe", "ticketId": t }).to_string();
            write.send(Message::Text(f.into())).await?;
        }
        let mut acks = 0;
        while acks < chunk.len() {
            match read.next().await {
                Some(Ok(Message::Text(t))) if t.contains("ticket:subscribed") => acks += 1,
                Some(Ok(_)) => {}
                _ => bail!("an agent socket closed while subscribing"),
            }
        }
        let tally = tally.clone();
        agent_tasks.push(tokio::spawn(async move {
            while let Some(Ok(frame)) = read.next().await {
                if matches!(frame, Message::Text(_)) {
                    tally.frames_to_agents.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
        agent_writers.push((Arc::new(Mutex::new(write)), chunk.to_vec(), token.clone()));
    }
    println!(
        "  agent sockets ready      {} in {:.1} s, {} tickets each",
        agent_writers.len(),
        started.elapsed().as_secs_f64(),
        share
    );

    // Load: visitors post on a jittered schedule; each agent replies on its tickets in turn.
    let deadline = Instant::now() + Duration::from_secs(args.duration);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let interval = Duration::from_secs(args.interval.max(1));
    let mut tasks = Vec::new();
    for (i, v) in visitors.into_iter().enumerate() {
        let (http, base, tally, latencies) =
            (http.clone(), base.clone(), tally.clone(), latencies.clone());
        let offset = interval.mul_f64(i as f64 / args.visitors.max(1) as f64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut n = 0u64;
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let next = Instant::now() + interval;
                let sent = Instant::now();
                let body = json!({ "clientId": format!("b{n}"), "content": format!("Visitor message {n}") });
                match call(&http, format!("{base}/api/widget/messages"), Some(&v.token), Some(body)).await {
                    Ok((s, _)) => {
                        mine.push(sent.elapsed());
                        if !(200..300).contains(&s) {
                            tally.non_2xx.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(_) => {
                        tally.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                n += 1;
                tokio::time::sleep_until(next.into()).await;
            }
            latencies.lock().await.extend(mine);
            let _ = v.ticket;
        }));
    }
    for (a, (_, chunk, token)) in agent_writers.iter().enumerate() {
        let (http, base, token, tally, chunk) = (
            http.clone(),
            base.clone(),
            token.clone(),
            tally.clone(),
            chunk.clone(),
        );
        let offset = interval.mul_f64(a as f64 / args.agents.max(1) as f64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut n = 0usize;
            // An agent answers one of their chats about as often as one visitor writes.
            let every = interval
                .checked_div(chunk.len().max(1) as u32)
                .unwrap_or(interval)
                .max(Duration::from_millis(200));
            while Instant::now() < deadline {
                let t = &chunk[n % chunk.len()];
                let r = http
                    .post(format!("{base}/api/tickets/{t}/messages"))
                    .bearer_auth(&token)
                    .json(&json!({ "content": format!("Agent reply {n}") }))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        tally.replies.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {
                        tally.non_2xx.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        tally.errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                n += 1;
                tokio::time::sleep(every).await;
            }
        }));
    }
    let load_started = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = load_started.elapsed().as_secs_f64();
    let mut lat = latencies.lock().await.clone();
    lat.sort();
    println!(
        "  visitor message posts    {}   per s {:.1}   p50 {} ms   p99 {} ms",
        lat.len(),
        lat.len() as f64 / elapsed,
        ms(percentile(&lat, 50.0)),
        ms(percentile(&lat, 99.0)),
    );
    println!(
        "  agent replies            {}   frames to visitors {}   frames to agents {}",
        tally.replies.load(Ordering::Relaxed),
        tally.frames_to_visitors.load(Ordering::Relaxed),
        tally.frames_to_agents.load(Ordering::Relaxed),
    );
    println!(
        "  errors                   transport {}   non-2xx {}   setup {}",
        tally.errors.load(Ordering::Relaxed),
        tally.non_2xx.load(Ordering::Relaxed),
        setup_errors
    );
    for t in agent_tasks {
        t.abort();
    }
    Ok(())
}
