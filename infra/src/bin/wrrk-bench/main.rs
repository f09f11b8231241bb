//! `wrrk-bench`: load and cold-start figures for wrrk's handlers on the local stack.
//!
//! Each subcommand starts its own in-memory stack in this process, drives it with a few
//! concurrent HTTP clients and prints throughput and latency percentiles; `users` and
//! `tickets` also count what each call asks of DynamoDB. It is a measurement tool, not a
//! test: it asserts nothing and only reports what it saw.

mod assign;
mod auth;
mod concurrency;
mod cost;
mod counting;
mod email;
mod endpoint;
mod load;
mod realtime;
mod reports;
mod seed;
mod tickets;
mod users;
mod widget;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use wrrk_local::{LocalStack, Options};

/// The password every benchmark user gets.
const PASSWORD: &str = "correct horse battery";

/// Measures wrrk's handlers on the local stack.
#[derive(Parser)]
struct Cli {
    /// Which area to measure.
    #[command(subcommand)]
    bench: Bench,
}

/// One subcommand per area of the API.
#[derive(Subcommand)]
enum Bench {
    /// `/api/auth/me`, `/api/auth/login`, failed-login cost and the `auth-me` cold start.
    Auth(auth::AuthArgs),
    /// `/api/auth/forgot-password` for existing and unknown addresses (their timings match).
    ForgotPassword(auth::ForgotArgs),
    /// `GET /api/users` (first page and searches) in an organization of many users.
    Users(users::UsersArgs),
    /// Ticket lists, a ticket's messages and replying, in an organization of many tickets.
    Tickets(tickets::TicketsArgs),
    /// A new conversation reaching every agent's socket (200 agents), without and with
    /// round-robin assignment: p50/p99.
    Assign(assign::AssignArgs),
    /// `message:new` fan-out to rooms of 1, 100 and 1,000 sockets, and a sustained rate.
    Realtime(realtime::RealtimeArgs),
    /// 50 concurrent posters on one ticket; 40 parallel wrong logins for one account.
    Concurrency(concurrency::ConcurrencyArgs),
    /// Inbound mail through SMTP, parse-and-store latency, peak memory of a 40 MB mail.
    Email(email::EmailArgs),
    /// Chat-widget visitors and agents: message post latency and errors under load.
    Widget(widget::WidgetArgs),
    /// What each operation asks of AWS and what two workloads cost at list prices.
    Cost(cost::CostArgs),
    /// The 90-day report of a busy organization: its reads and latency; what a resolve
    /// writes with its rollups.
    Reports(reports::ReportsArgs),
}

/// mimalloc, as the Lambda binary uses (glibc's malloc and free were a fifth of the CPU
/// samples under load).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    print_caveats();
    match cli.bench {
        Bench::Auth(args) => auth::auth(args).await,
        Bench::ForgotPassword(args) => auth::forgot_password(args).await,
        Bench::Users(args) => users::users(args).await,
        Bench::Tickets(args) => tickets::tickets(args).await,
        Bench::Assign(args) => assign::assign(args).await,
        Bench::Realtime(args) => realtime::realtime(args).await,
        Bench::Concurrency(args) => concurrency::concurrency(args).await,
        Bench::Email(args) => email::email(args).await,
        Bench::Widget(args) => widget::widget(args).await,
        Bench::Cost(args) => cost::cost(args).await,
        Bench::Reports(args) => reports::reports(args).await,
    }
}

/// Prints what the figures do and do not mean.
fn print_caveats() {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("wrrk-bench: figures from the local stack, not from AWS.");
    println!("  - The load generator, the HTTP gateway, the handlers and the embedded DynamoDB");
    println!("    engine share this one process and this machine's {cores} core(s), which other");
    println!("    work may also be using: throughput is bounded by the machine, not by Lambda.");
    println!("  - Latencies include the in-process client; compare runs on the same machine only.");
    println!("  - Cold starts are local process starts (no Firecracker, no code download).");
    println!();
}

/// Starts an in-memory stack on a random port with no demo data: on the embedded engine,
/// or on `external_dynamodb` (then in a table of its own) when given.
async fn start_stack(external_dynamodb: Option<String>) -> anyhow::Result<LocalStack> {
    LocalStack::start(Options {
        external_dynamodb,
        ..Options::for_tests()
    })
    .await
    .context("starting the local stack")
}

/// A signed-up administrator.
#[derive(Clone)]
struct Session {
    /// Bearer token.
    token: String,
    /// Login email.
    email: String,
    /// The admin's user id.
    user_id: String,
    /// The organization's id.
    org_id: String,
}

/// Signs up a new organization whose admin logs in as `email` with [`PASSWORD`].
async fn signup(http: &reqwest::Client, base: &str, email: &str) -> anyhow::Result<Session> {
    let body = json!({
        "organizationName": format!("Bench {email}"),
        "name": "Bench Admin",
        "email": email,
        "password": PASSWORD,
    });
    let resp = http
        .post(format!("{base}/api/auth/signup"))
        .json(&body)
        .send()
        .await?;
    let status = resp.status();
    let answer: Value = resp.json().await.context("reading the signup answer")?;
    if !status.is_success() {
        bail!("signup of {email} answered {status}: {answer}");
    }
    let field = |pointer: &str| {
        answer
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
            .with_context(|| format!("the signup answer has no {pointer}"))
    };
    Ok(Session {
        token: field("/data/token")?,
        email: email.to_string(),
        user_id: field("/data/user/id")?,
        org_id: field("/data/user/orgId")?,
    })
}
