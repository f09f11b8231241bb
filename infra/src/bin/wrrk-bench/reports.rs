//! `wrrk-bench reports`: the report of an organization with many tickets over 90 days
//! (what it reads from DynamoDB, its latency), and what a resolve writes with its rollups.
//!
//! The organization's rollups are seeded for tickets spread evenly over the days (each
//! opened, answered and resolved, some surveyed and rated): their entries are made by
//! `wrrk_shared::reports::entry`, as `note_in` (the ticket path's call) makes them, and
//! written a day at a time in the same shard items (`Store::put_report_day`), since tens of
//! thousands of single appends would make seeding the longest part. The report reads only
//! the rollups, so the tickets themselves are not stored; their agents and teams are ids
//! without items.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::json;
use wrrk_local::local_sdk_config;
use wrrk_shared::domain::{Channel, Ticket};
use wrrk_shared::ids::{OrgId, TeamId, TicketId, UserId};
use wrrk_shared::reports::{ENTRIES_PER_ITEM, Happened};
use wrrk_shared::{App, Endpoints};

use crate::counting::{Costs, CountArgs, CountedApi, Tally, seeding_app};
use crate::endpoint::{Measure, authed_get};
use crate::load::LoadArgs;
use crate::{signup, start_stack};

/// Flags of the `reports` subcommand.
#[derive(clap::Args)]
pub struct ReportsArgs {
    #[command(flatten)]
    load: LoadArgs,
    /// Tickets of the organization, spread evenly over the days.
    #[arg(long, default_value_t = 10_000)]
    tickets: u64,
    /// Days the tickets span (the report covers them all).
    #[arg(long, default_value_t = 90)]
    days: i64,
    /// Agents the tickets are assigned to.
    #[arg(long, default_value_t = 10)]
    agents: usize,
    /// Teams the tickets belong to.
    #[arg(long, default_value_t = 3)]
    teams: usize,
    /// Concurrent rollup writes while seeding.
    #[arg(long, default_value_t = 8)]
    seed_concurrency: usize,
    /// Resolves counted (each on a fresh ticket).
    #[arg(long, default_value_t = 10)]
    resolves: usize,
    #[command(flatten)]
    counted: CountArgs,
}

/// A small deterministic generator (the figures repeat run to run).
fn mix(i: u64, salt: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

/// The happenings of seeded ticket `i` of `t` opened at `opened`.
fn happenings(i: u64, t: &Ticket, opened: DateTime<Utc>) -> Vec<Happened> {
    let answered = opened + chrono::Duration::seconds(60 + (mix(i, 1) % (4 * 3600)) as i64);
    let resolved = answered + chrono::Duration::seconds((mix(i, 2) % (48 * 3600)) as i64);
    let by = t
        .assignee_id
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut all = vec![
        Happened::Opened,
        Happened::FirstResponse { by, at: answered },
        Happened::Resolved { at: resolved },
    ];
    // Six in ten resolves are surveyed (email tickets), half of those answered.
    if mix(i, 3) % 10 < 6 {
        all.push(Happened::Surveyed { at: resolved });
        if mix(i, 4).is_multiple_of(2) {
            all.push(Happened::Rated {
                surveyed_at: resolved,
                rating: 1 + (mix(i, 5) % 5) as u8,
            });
        }
    }
    all
}

fn print_tally(label: &str, t: &Tally) {
    let ops: Vec<String> = t
        .by_operation
        .iter()
        .map(|(op, n)| format!("{op} {n}"))
        .collect();
    println!(
        "  {label:<34} requests {:>3} [{}]   read units {:>6.1}   write units {:>6.1}",
        t.requests(),
        ops.join(", "),
        t.read_units,
        t.write_units
    );
}

fn mean(tallies: &[Tally]) -> Tally {
    let n = tallies.len().max(1) as f64;
    let mut out = Tally::default();
    for t in tallies {
        for (op, c) in &t.by_operation {
            *out.by_operation.entry(op.clone()).or_default() += c;
        }
        out.read_units += t.read_units / n;
        out.write_units += t.write_units / n;
    }
    for c in out.by_operation.values_mut() {
        *c = (*c as f64 / n).round() as u64;
    }
    out
}

/// The `reports` benchmark.
pub async fn reports(args: ReportsArgs) -> anyhow::Result<()> {
    let stack = start_stack(args.counted.dynamodb_endpoint.clone()).await?;
    let counted = CountedApi::start(&stack).await?;
    let http = reqwest::Client::new();
    let admin = signup(&http, &stack.http_url, "reports-admin@bench.test").await?;
    let seeding = seeding_app(&stack).await?;
    let app = &seeding.app;
    let org = app
        .store
        .get_organization(&OrgId::trusted(admin.org_id.as_str()))
        .await?
        .context("the organization is missing")?;

    // A real ticket as the template of the seeded ones.
    let template: Ticket = {
        let r: serde_json::Value = http
            .post(format!("{}/api/tickets", stack.http_url))
            .bearer_auth(&admin.token)
            .json(&json!({ "subject": "Template", "customer": { "email": "t@customer.test", "name": "T" }, "message": "Hello" }))
            .send()
            .await?
            .json()
            .await?;
        serde_json::from_value(r["data"].clone()).context("the template ticket")?
    };
    let agents: Vec<UserId> = (0..args.agents).map(|_| UserId::new()).collect();
    let teams: Vec<TeamId> = (0..args.teams).map(|_| TeamId::new()).collect();
    let today = Utc::now().date_naive();
    let first_day = today - chrono::Duration::days(args.days);
    let start = first_day
        .and_hms_opt(0, 0, 0)
        .context("midnight")?
        .and_utc();
    let span = (args.days * 86_400) as u64;
    println!(
        "Seeding one organization's rollups: {} tickets over {} days ({} to {}), {} agents, {} teams (entries by reports::entry, as note_in makes them, written a day at a time)",
        args.tickets,
        args.days,
        first_day,
        today - chrono::Duration::days(1),
        args.agents,
        args.teams
    );
    let began = std::time::Instant::now();
    let mut notes = Vec::new();
    for i in 0..args.tickets {
        let opened = start + chrono::Duration::seconds((i * span / args.tickets) as i64);
        let mut t = template.clone();
        t.id = TicketId::new();
        t.created_at = opened;
        t.assignee_id = Some(agents[(mix(i, 6) % args.agents as u64) as usize].clone());
        t.team_id = Some(teams[(mix(i, 7) % args.teams as u64) as usize].clone());
        t.channel = [Channel::Email, Channel::Chat, Channel::Manual][(mix(i, 8) % 3) as usize];
        for h in happenings(i, &t, opened) {
            notes.push((t.clone(), h));
        }
    }
    let entries = notes.len();
    // Each day's entries as note_in makes them (reports::entry), written a day at a time
    // in shards of ENTRIES_PER_ITEM: the items note_in would have left, in far fewer writes.
    let cal = wrrk_shared::reports::calendar(&org);
    let mut by_day: std::collections::BTreeMap<chrono::NaiveDate, Vec<String>> =
        std::collections::BTreeMap::new();
    for (t, h) in &notes {
        let (day, e) = wrrk_shared::reports::entry(&cal, t, h);
        by_day.entry(day).or_default().push(e.encode());
    }
    futures::stream::iter(by_day)
        .map(|(day, list)| {
            let org_id = OrgId::trusted(admin.org_id.as_str());
            async move {
                app.store
                    .put_report_day(&org_id, day, &list, ENTRIES_PER_ITEM)
                    .await
            }
        })
        .buffer_unordered(args.seed_concurrency.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<()>, _>>()?;
    println!(
        "  {entries} rollup entries in {:.1} s ({:.1} a ticket)",
        began.elapsed().as_secs_f64(),
        entries as f64 / args.tickets as f64
    );
    println!();

    // The report over every seeded day.
    let from = first_day;
    let to = today - chrono::Duration::days(1);
    let measure = Measure {
        stack_url: stack.http_url.clone(),
        counted: &counted,
        load: args.load,
        calls: args.counted.calls,
    };
    let token: Arc<str> = admin.token.clone().into();
    let path = format!("/api/reports?from={from}&to={to}");
    let report: serde_json::Value = http
        .get(format!("{}{path}", stack.http_url))
        .bearer_auth(&admin.token)
        .send()
        .await?
        .json()
        .await?;
    let totals = &report["data"]["totals"];
    measure
        .endpoint(
            &format!(
                "GET {path} ({} days; totals: opened {}, resolved {}, first response median {} s, p90 {} s)",
                args.days,
                totals["opened"],
                totals["resolved"],
                totals["firstResponse"]["median"],
                totals["firstResponse"]["p90"]
            ),
            authed_get(token, path.clone()),
        )
        .await?;

    // A resolve with its rollups, counted; and the rollup's own calls alone.
    println!(
        "PATCH /api/tickets/{{id}} {{\"status\": \"RESOLVED\"}} (a MANUAL ticket with an agent reply; its survey is mailed)"
    );
    let counted_app = App::new(
        &local_sdk_config(),
        stack.app.settings.clone(),
        &Endpoints {
            dynamodb: Some(counted.dynamodb_url().to_string()),
            sesv2: Some(stack.aws_endpoint.clone()),
            s3: Some(stack.s3_endpoint.clone()),
        },
    );
    let mut with_rollups = Vec::new();
    let mut rollup_alone = Vec::new();
    for n in 0..args.resolves {
        let t: serde_json::Value = http
            .post(format!("{}/api/tickets", stack.http_url))
            .bearer_auth(&admin.token)
            .json(&json!({ "subject": format!("Resolve {n}"), "customer": { "email": format!("r{n}@customer.test"), "name": "R" }, "message": "Hello" }))
            .send()
            .await?
            .json()
            .await?;
        let id = t["data"]["id"].as_str().context("a ticket id")?.to_string();
        http.post(format!("{}/api/tickets/{id}/messages", stack.http_url))
            .bearer_auth(&admin.token)
            .json(&json!({ "content": "On it." }))
            .send()
            .await?
            .error_for_status()?;
        counted.take();
        http.patch(format!("{}/api/tickets/{id}", counted.http_url))
            .bearer_auth(&admin.token)
            .json(&json!({ "status": "RESOLVED" }))
            .send()
            .await?
            .error_for_status()?;
        with_rollups.push(counted.take());
        // The same rollup write again, alone (note reads the organization, then appends).
        let ticket = app
            .store
            .get_ticket(
                &OrgId::trusted(admin.org_id.as_str()),
                &TicketId::trusted(id.as_str()),
            )
            .await?
            .context("the resolved ticket")?;
        let at = ticket.updated_at;
        counted.take();
        wrrk_shared::reports::note(&counted_app, &ticket, Happened::Resolved { at }).await;
        rollup_alone.push(counted.take());
    }
    let after = mean(&with_rollups);
    let rollup = mean(&rollup_alone);
    let mut before = after.clone();
    before.read_units -= rollup.read_units;
    before.write_units -= rollup.write_units;
    for (op, c) in &rollup.by_operation {
        if let Some(v) = before.by_operation.get_mut(op) {
            *v = v.saturating_sub(*c);
        }
    }
    before.by_operation.retain(|_, c| *c > 0);
    println!("  mean of {} resolves:", args.resolves);
    print_tally("with rollups (measured)", &after);
    print_tally("the rollup write alone (measured)", &rollup);
    print_tally("before rollups (the difference)", &before);
    Costs {
        calls: with_rollups,
        non_2xx: 0,
    }
    .print();
    counted.print_source(args.counted.dynamodb_endpoint.as_deref());
    Ok(())
}
