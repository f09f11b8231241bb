//! `wrrk-bench concurrency`: the races the core must win. Many posters on one ticket (how
//! many succeed, and how fast), and a burst of parallel wrong passwords for one account
//! (how many were actually checked before the throttle answered).

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use futures::future::join_all;
use serde_json::json;

use crate::load::{ms, percentile};
use crate::{PASSWORD, signup, start_stack};

/// Options of `wrrk-bench concurrency`.
#[derive(Args)]
pub struct ConcurrencyArgs {
    /// Concurrent posters on one ticket.
    #[arg(long, default_value_t = 50)]
    posters: usize,
    /// Rounds of posting (each round: every poster posts once, all at once).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Parallel wrong logins for one account.
    #[arg(long, default_value_t = 40)]
    logins: usize,
}

/// Runs both measurements and prints them.
pub async fn concurrency(args: ConcurrencyArgs) -> anyhow::Result<()> {
    let stack = start_stack(None).await?;
    let http = reqwest::Client::new();
    let base = stack.http_url.clone();
    let admin = signup(&http, &base, "bench@concurrency.test").await?;

    let ticket: serde_json::Value = http
        .post(format!("{base}/api/tickets"))
        .bearer_auth(&admin.token)
        .json(&json!({ "subject": "busy", "customer": { "email": "c@x.test" }, "message": "hi" }))
        .send()
        .await?
        .json()
        .await?;
    let ticket_id = ticket["data"]["id"]
        .as_str()
        .context("the ticket has no id")?
        .to_string();
    let path = format!("{base}/api/tickets/{ticket_id}/messages");
    let mut latencies = Vec::new();
    let mut created = 0usize;
    let mut statuses = std::collections::BTreeMap::new();
    for round in 0..args.rounds {
        let results = join_all((0..args.posters).map(|i| {
            let http = &http;
            let path = &path;
            let token = &admin.token;
            async move {
                let started = Instant::now();
                let status = http
                    .post(path)
                    .bearer_auth(token)
                    .json(&json!({ "content": format!("round {round} poster {i}") }))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                (status, started.elapsed())
            }
        }))
        .await;
        for (status, took) in results {
            *statuses.entry(status).or_insert(0usize) += 1;
            if status == 201 {
                created += 1;
            }
            latencies.push(took);
        }
    }
    latencies.sort();
    let total = args.posters * args.rounds;
    println!(
        "{} concurrent posters on one ticket, {} rounds ({total} posts)",
        args.posters, args.rounds
    );
    println!(
        "  201: {created}/{total} ({:.1} %)   statuses: {statuses:?}",
        100.0 * created as f64 / total.max(1) as f64
    );
    println!(
        "  latency p50 {}  p99 {}  max {}",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or(Duration::ZERO)),
    );
    let listed: serde_json::Value = http
        .get(format!("{base}/api/tickets/{ticket_id}"))
        .bearer_auth(&admin.token)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "  messageCount afterwards: {} (1 opening message + {created})",
        listed["data"]["messageCount"]
    );
    println!();

    let started = Instant::now();
    let results = join_all((0..args.logins).map(|_| {
        let http = &http;
        let base = &base;
        let email = &admin.email;
        async move {
            http.post(format!("{base}/api/auth/login"))
                .json(&json!({ "email": email, "password": format!("not {PASSWORD}") }))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    }))
    .await;
    let checked = results.iter().filter(|s| **s == 401).count();
    let throttled = results.iter().filter(|s| **s == 429).count();
    println!("{} parallel wrong passwords for one account", args.logins);
    println!(
        "  passwords checked (401): {checked}   refused before checking (429): {throttled}   other: {}   in {}",
        args.logins - checked - throttled,
        ms(started.elapsed())
    );
    Ok(())
}
