//! `wrrk-bench realtime`: how fast a posted message reaches every socket following its
//! ticket, for rooms of several sizes, and how many messages a room of 100 sustains.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::load::{ms, percentile};
use crate::seed::{Person, add_users};
use crate::{Session, signup, start_stack};
use wrrk_shared::store::MAX_CONNECTIONS_PER_USER;

/// Flags of the `realtime` subcommand.
#[derive(Args)]
pub struct RealtimeArgs {
    /// Room sizes (subscribed sockets) to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 100, 1000])]
    sizes: Vec<usize>,
    /// Messages posted (one after another) per room size.
    #[arg(long, default_value_t = 50)]
    messages: usize,
    /// Room size of the sustained-rate phase.
    #[arg(long, default_value_t = 100)]
    sustain_room: usize,
    /// Seconds of the sustained-rate phase.
    #[arg(long, default_value_t = 10)]
    sustain_seconds: u64,
    /// Concurrent posters in the sustained-rate phase.
    #[arg(long, default_value_t = 8)]
    sustain_posters: usize,
}

/// A `message:new` seen by one socket: the message id and when it arrived.
type Receipt = (String, Instant);

/// Sockets following one ticket; their receipts arrive on `receipts`.
struct Room {
    receipts: mpsc::UnboundedReceiver<Receipt>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Room {
    fn drop(&mut self) {
        for r in &self.readers {
            r.abort();
        }
    }
}

/// Session tokens of enough agents of `owner`'s organization (the owner first) to hold
/// `sockets` connections: one user may hold only `MAX_CONNECTIONS_PER_USER`.
async fn agent_tokens(
    stack: &wrrk_local::LocalStack,
    owner: &Session,
    sockets: usize,
) -> anyhow::Result<Vec<String>> {
    let per_user = MAX_CONNECTIONS_PER_USER as usize;
    let tag = &owner.org_id[owner.org_id.len().saturating_sub(6)..];
    let people = (1..sockets.div_ceil(per_user))
        .map(|n| Person {
            name: format!("Agent {n}"),
            email: format!("agent{n}-{}@realtime.bench.test", tag.to_lowercase()),
            role: wrrk_shared::domain::Role::Agent,
        })
        .collect();
    let colleagues = add_users(&stack.app, owner, people, 8, "agents added").await?;
    let mut tokens = vec![owner.token.clone()];
    for user in &colleagues {
        tokens.push(stack.app.tokens.issue(user, 0)?);
    }
    Ok(tokens)
}

/// Opens `size` agent connections (spread over `tokens`' agents), subscribes each to
/// `ticket`, and starts a reader per socket that reports every `message:new`.
async fn open_room(
    ws_url: &str,
    tokens: &[String],
    ticket: &str,
    size: usize,
) -> anyhow::Result<Room> {
    let (tx, receipts) = mpsc::unbounded_channel();
    let mut readers = Vec::with_capacity(size);
    for i in 0..size {
        let token = &tokens[i % tokens.len().max(1)];
        let (mut socket, _) = tokio_tungstenite::connect_async_with_config(
            format!("{ws_url}/?token={token}"),
            None,
            true,
        )
        .await
        .with_context(|| format!("opening socket {i}"))?;
        let subscribe = json!({ "action": "ticket:subscribe", "ticketId": ticket }).to_string();
        socket.send(Message::Text(subscribe.into())).await?;
        loop {
            let frame = socket
                .next()
                .await
                .context("the socket closed before its subscription was acknowledged")??;
            if let Message::Text(text) = frame {
                let v: Value = serde_json::from_str(&text)?;
                match v["event"].as_str() {
                    Some("ticket:subscribed") => break,
                    Some("error") => bail!("subscribing failed: {v}"),
                    _ => {}
                }
            }
        }
        let tx = tx.clone();
        readers.push(tokio::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                let Message::Text(text) = frame else { continue };
                let at = Instant::now();
                // Cheap pre-check: most frames in a busy org are other events.
                if !text.contains("\"message:new\"") {
                    continue;
                }
                if let Ok(v) = serde_json::from_str::<Value>(&text)
                    && let Some(id) = v["data"]["id"].as_str()
                {
                    let _ = tx.send((id.to_string(), at));
                }
            }
        }));
    }
    Ok(Room { receipts, readers })
}

/// Posts a reply on `ticket`; the message id.
async fn post(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    ticket: &str,
    n: u64,
) -> anyhow::Result<String> {
    let resp = http
        .post(format!("{base}/api/tickets/{ticket}/messages"))
        .bearer_auth(token)
        .json(&json!({ "content": format!("Benchmark message {n}"), "internal": false }))
        .send()
        .await?;
    let status = resp.status();
    let body: Value = resp.json().await?;
    if !status.is_success() {
        bail!("posting answered {status}: {body}");
    }
    body["data"]["id"]
        .as_str()
        .map(str::to_string)
        .context("the answer has no message id")
}

/// Opens a ticket; its id.
async fn open_ticket(
    http: &reqwest::Client,
    base: &str,
    s: &Session,
    subject: &str,
) -> anyhow::Result<String> {
    let resp = http
        .post(format!("{base}/api/tickets"))
        .bearer_auth(&s.token)
        .json(&json!({
            "subject": subject,
            "customer": { "email": "bench@customer.test", "name": "Bench Customer" },
            "priority": "MEDIUM",
            "message": "Benchmark ticket."
        }))
        .send()
        .await?;
    let body: Value = resp.json().await?;
    body["data"]["id"]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("opening a ticket answered {body}"))
}

/// Runs the `realtime` subcommand.
pub async fn realtime(args: RealtimeArgs) -> anyhow::Result<()> {
    let stack = start_stack(None).await?;
    let http = reqwest::Client::new();
    let base = stack.http_url.clone();
    let admin = signup(&http, &base, "realtime@bench.test").await?;
    println!("realtime: message:new fan-out on the local WebSocket API");
    println!(
        "  agents of one organization (at most 20 sockets each), all viewing the ticket: one post"
    );
    println!("  per socket per message (viewers hear no ticket:updated for a message).");
    println!();
    let largest = args.sizes.iter().copied().max().unwrap_or(1);
    let tokens = agent_tokens(&stack, &admin, largest).await?;

    for &size in &args.sizes {
        let ticket = open_ticket(&http, &base, &admin, &format!("Room of {size}")).await?;
        let opened = Instant::now();
        let mut room = open_room(&stack.ws_url, &tokens, &ticket, size).await?;
        let open_time = opened.elapsed();
        let mut after_return = Vec::with_capacity(args.messages);
        let mut from_send = Vec::with_capacity(args.messages);
        let mut post_times = Vec::with_capacity(args.messages);
        for n in 0..args.messages {
            let sent = Instant::now();
            let id = post(&http, &base, &admin.token, &ticket, n as u64).await?;
            let returned = Instant::now();
            let mut got = 0;
            let mut last = sent;
            while got < size {
                let (rid, at) = tokio::time::timeout(Duration::from_secs(30), room.receipts.recv())
                    .await
                    .context("deliveries stopped arriving")?
                    .context("every reader stopped")?;
                if rid == id {
                    got += 1;
                    last = last.max(at);
                }
            }
            post_times.push(returned - sent);
            from_send.push(last - sent);
            // Delivery happens inside the request, so the last socket often has the
            // message before the POST's answer is read: that counts as zero.
            after_return.push(last.saturating_duration_since(returned));
        }
        for v in [&mut after_return, &mut from_send, &mut post_times] {
            v.sort();
        }
        println!(
            "room of {size} sockets ({} messages; sockets opened and subscribed in {} ms)",
            args.messages,
            ms(open_time)
        );
        println!(
            "  POST returned -> last socket   p50 {:>9} ms   p99 {:>9} ms",
            ms(percentile(&after_return, 50.0)),
            ms(percentile(&after_return, 99.0))
        );
        println!(
            "  POST sent     -> last socket   p50 {:>9} ms   p99 {:>9} ms",
            ms(percentile(&from_send, 50.0)),
            ms(percentile(&from_send, 99.0))
        );
        println!(
            "  POST latency                   p50 {:>9} ms   p99 {:>9} ms",
            ms(percentile(&post_times, 50.0)),
            ms(percentile(&post_times, 99.0))
        );
        println!();
        drop(room);
    }

    sustained(&args, &stack, &http).await
}

/// Posters reply back to back for a while; counts messages fully delivered to the room.
async fn sustained(
    args: &RealtimeArgs,
    stack: &wrrk_local::LocalStack,
    http: &reqwest::Client,
) -> anyhow::Result<()> {
    let base = stack.http_url.clone();
    // A fresh organization, so the earlier rooms' sockets are not also org listeners.
    let owner = signup(http, &base, "sustained@bench.test").await?;
    let ticket = open_ticket(http, &base, &owner, "Sustained").await?;
    let size = args.sustain_room;
    let tokens = agent_tokens(stack, &owner, size).await?;
    let mut room = open_room(&stack.ws_url, &tokens, &ticket, size).await?;
    let posted = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.sustain_seconds);
    let started = Instant::now();
    let posters: Vec<_> = (0..args.sustain_posters.max(1))
        .map(|p| {
            let http = http.clone();
            let base = base.clone();
            let token = owner.token.clone();
            let ticket = ticket.clone();
            let posted = posted.clone();
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    if post(&http, &base, &token, &ticket, p as u64 * 1_000_000 + n)
                        .await
                        .is_ok()
                    {
                        posted.fetch_add(1, Ordering::Relaxed);
                    }
                    n += 1;
                }
            })
        })
        .collect();
    for p in posters {
        p.await?;
    }
    let total = posted.load(Ordering::Relaxed);
    let mut per_message: HashMap<String, usize> = HashMap::new();
    let mut deliveries = 0u64;
    let mut last = started;
    while deliveries < total * size as u64 {
        match tokio::time::timeout(Duration::from_secs(10), room.receipts.recv()).await {
            Ok(Some((id, at))) => {
                *per_message.entry(id).or_default() += 1;
                deliveries += 1;
                last = last.max(at);
            }
            _ => break,
        }
    }
    let complete = per_message.values().filter(|c| **c == size).count();
    let secs = (last - started).as_secs_f64().max(f64::EPSILON);
    println!(
        "sustained: room of {size} sockets, {} posters for {} s",
        args.sustain_posters, args.sustain_seconds
    );
    println!(
        "  messages posted {total}   fully delivered {complete}   deliveries {deliveries} of {}",
        total * size as u64
    );
    println!(
        "  {:.1} messages/s delivered to all {size} sockets ({:.0} socket deliveries/s)",
        complete as f64 / secs,
        deliveries as f64 / secs
    );
    Ok(())
}
