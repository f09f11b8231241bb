//! `wrrk-bench`: load and cold-start figures for wrrk's handlers on the local stack.
//!
//! Each subcommand starts its own in-memory stack in this process, drives it with a few
//! concurrent HTTP clients and prints throughput and latency percentiles. It is a
//! measurement tool, not a test: it asserts nothing and only reports what it saw.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};
use wrrk_local::runtime_api::{Outcome, RuntimeApi};
use wrrk_local::{LocalStack, Options};

/// The password every benchmark user gets.
const PASSWORD: &str = "correct horse battery";
/// Failed logins allowed per email before the throttle answers 429 (we stay below it).
const FAILURES_PER_EMAIL: usize = 4;
/// How long a cold-start run may take before it is reported as hung.
const COLD_START_TIMEOUT: Duration = Duration::from_secs(30);

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
    Auth(AuthArgs),
}

/// Flags every load-generating subcommand shares.
#[derive(Args, Clone, Copy)]
struct LoadArgs {
    /// Seconds each load phase runs.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Concurrent clients in each load phase.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
}

/// Flags of the `auth` subcommand.
#[derive(Args)]
struct AuthArgs {
    /// Shared load flags.
    #[command(flatten)]
    load: LoadArgs,
    /// Wrong-password and unknown-email logins sampled (each; at most 10 so the per-IP
    /// throttle of 20 failures per window is never reached).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10))]
    failed_logins: u64,
    /// Cold starts of the `auth-me` binary.
    #[arg(long, default_value_t = 20)]
    cold_runs: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    print_caveats();
    match cli.bench {
        Bench::Auth(args) => auth(args).await,
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

/// The `auth` benchmark: steady load on `me` and `login`, failed-login cost, cold start.
async fn auth(args: AuthArgs) -> anyhow::Result<()> {
    let stack = start_stack().await?;
    let http = reqwest::Client::new();
    let admin = signup(&http, &stack.http_url, "bench-admin@bench.test").await?;

    let me_url = format!("{}/api/auth/me", stack.http_url);
    let token = Arc::new(admin.token.clone());
    let me = load(args.load, move |client, _| {
        let (url, token) = (me_url.clone(), token.clone());
        async move { Ok(client.get(url).bearer_auth(token.as_str()).send().await?) }
    })
    .await;
    me.print("GET /api/auth/me (valid token)");

    let login_url = format!("{}/api/auth/login", stack.http_url);
    let body = Arc::new(json!({ "email": admin.email, "password": PASSWORD }));
    let login = load(args.load, move |client, _| {
        let (url, body) = (login_url.clone(), body.clone());
        async move { Ok(client.post(url).json(body.as_ref()).send().await?) }
    })
    .await;
    login.print("POST /api/auth/login (correct password)");

    failed_logins(&http, &stack.http_url, args.failed_logins as usize).await?;
    cold_start(&stack, &admin.token, args.cold_runs).await
}

/// Starts an in-memory stack on a random port with the embedded engine and no demo data.
async fn start_stack() -> anyhow::Result<LocalStack> {
    LocalStack::start(Options {
        external_dynamodb: None,
        ..Options::for_tests()
    })
    .await
    .context("starting the local stack")
}

/// A signed-up administrator.
struct Session {
    /// Bearer token.
    token: String,
    /// Login email.
    email: String,
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
    let token = answer["data"]["token"]
        .as_str()
        .context("the signup answer has no token")?;
    Ok(Session {
        token: token.to_string(),
        email: email.to_string(),
    })
}

/// What one load phase saw.
#[derive(Default)]
struct LoadFigures {
    /// Latency of every completed request (transport errors excluded).
    latencies: Vec<Duration>,
    /// Responses with a status outside 2xx.
    non_2xx: usize,
    /// Requests that failed before a status arrived.
    errors: usize,
    /// Wall time from the first request to the last answer.
    elapsed: Duration,
}

impl LoadFigures {
    /// Completed requests per second of wall time.
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// Prints one block of figures under `title`.
    fn print(&self, title: &str) {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        println!("{title}");
        println!(
            "  requests {:>8}   req/s {:>9.1}   p50 {:>8} ms   p99 {:>8} ms   non-2xx {}   errors {}",
            sorted.len(),
            self.per_second(),
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 99.0)),
            self.non_2xx,
            self.errors,
        );
        println!();
    }
}

/// Runs `request` from `args.concurrency` clients (one connection pool each) back to back
/// for `args.duration`; `request` gets its client and the request's index in that client.
async fn load<F, Fut>(args: LoadArgs, request: F) -> LoadFigures
where
    F: Fn(reqwest::Client, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<reqwest::Response>> + Send + 'static,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.duration);
    let workers: Vec<_> = (0..args.concurrency.max(1))
        .map(|_| tokio::spawn(worker(request.clone(), deadline)))
        .collect();
    let mut total = LoadFigures::default();
    for w in workers {
        match w.await {
            Ok(figures) => {
                total.latencies.extend(figures.latencies);
                total.non_2xx += figures.non_2xx;
                total.errors += figures.errors;
            }
            Err(_) => total.errors += 1,
        }
    }
    total.elapsed = started.elapsed();
    total
}

/// One client issuing requests until `deadline`.
async fn worker<F, Fut>(request: Arc<F>, deadline: Instant) -> LoadFigures
where
    F: Fn(reqwest::Client, u64) -> Fut,
    Fut: Future<Output = anyhow::Result<reqwest::Response>>,
{
    let client = reqwest::Client::new();
    let mut figures = LoadFigures::default();
    let mut i = 0;
    while Instant::now() < deadline {
        let sent = Instant::now();
        match read_through(request(client.clone(), i)).await {
            Ok(ok) => {
                figures.latencies.push(sent.elapsed());
                if !ok {
                    figures.non_2xx += 1;
                }
            }
            Err(_) => figures.errors += 1,
        }
        i += 1;
    }
    figures
}

/// Awaits a response and its whole body; says whether the status was 2xx.
async fn read_through(
    response: impl Future<Output = anyhow::Result<reqwest::Response>>,
) -> anyhow::Result<bool> {
    let response = response.await?;
    let ok = response.status().is_success();
    response.bytes().await?;
    Ok(ok)
}

/// Times wrong-password and unknown-email logins, `samples` of each, interleaved.
async fn failed_logins(http: &reqwest::Client, base: &str, samples: usize) -> anyhow::Result<()> {
    let users = samples.div_ceil(FAILURES_PER_EMAIL);
    let mut emails = Vec::with_capacity(users);
    for n in 0..users {
        emails.push(
            signup(http, base, &format!("bench-wrong-{n}@bench.test"))
                .await?
                .email,
        );
    }
    let url = format!("{base}/api/auth/login");
    let (mut wrong, mut unknown, mut unexpected) = (Vec::new(), Vec::new(), 0);
    for i in 0..samples {
        let attempts = [
            (&mut wrong, emails[i / FAILURES_PER_EMAIL].clone()),
            (&mut unknown, format!("bench-nobody-{i}@bench.test")),
        ];
        for (into, email) in attempts {
            let body = json!({ "email": email, "password": "not the password" });
            let sent = Instant::now();
            let status = http.post(&url).json(&body).send().await?.status();
            into.push(sent.elapsed());
            if status != reqwest::StatusCode::UNAUTHORIZED {
                unexpected += 1;
            }
        }
    }
    println!(
        "Failed logins, sequential, {samples} of each interleaved ({users} fresh users, at most \
         {FAILURES_PER_EMAIL} wrong passwords each; all from one IP, below its limit of 20)"
    );
    println!("  wrong password   median {:>8} ms", ms(median(&mut wrong)));
    println!(
        "  unknown email    median {:>8} ms",
        ms(median(&mut unknown))
    );
    println!("  answers other than 401: {unexpected}");
    println!();
    Ok(())
}

/// Where the release-built `name` binary sits: next to this executable.
fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating wrrk-bench")?;
    let dir = exe.parent().context("wrrk-bench has no parent directory")?;
    Ok(dir.join(name))
}

/// Cold-starts the `auth-me` binary `runs` times and times its first poll and first answer.
async fn cold_start(stack: &LocalStack, token: &str, runs: usize) -> anyhow::Result<()> {
    let binary = sibling_binary("auth-me")?;
    if !binary.exists() {
        println!(
            "Cold start of auth-me: skipped, {} is missing.",
            binary.display()
        );
        println!("  Build it first: cargo build --release -p wrrk-functions --bin auth-me");
        return Ok(());
    }
    let (mut boots, mut firsts) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let mut failed = 0;
    for _ in 0..runs {
        let (boot, first, ok) = cold_run(stack, &binary, token).await?;
        boots.push(boot);
        firsts.push(first);
        if !ok {
            failed += 1;
        }
    }
    println!("Cold start of {} ({runs} runs)", binary.display());
    print_spread("exec -> first /next poll", &mut boots);
    print_spread("first GET /api/auth/me", &mut firsts);
    println!("  first requests not answered 200: {failed}");
    Ok(())
}

/// One cold start: (exec to first poll, first request to its answer, answered 200).
async fn cold_run(
    stack: &LocalStack,
    binary: &Path,
    token: &str,
) -> anyhow::Result<(Duration, Duration, bool)> {
    let mut runtime = RuntimeApi::start().await?;
    let spawned = Instant::now();
    let mut child = lambda_command(binary, stack, &runtime)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let polled = loop {
        if let Some(at) = runtime.first_poll() {
            break at;
        }
        if let Some(status) = child.try_wait()? {
            bail!("auth-me exited with {status} before asking for work");
        }
        if spawned.elapsed() > COLD_START_TIMEOUT {
            bail!("auth-me did not ask for work within {COLD_START_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    };
    let invoked = Instant::now();
    runtime.invoke(me_event(token));
    let report = tokio::time::timeout(COLD_START_TIMEOUT, runtime.next_report())
        .await
        .context("auth-me did not answer its first request in time")?
        .context("the Runtime API stopped")?;
    let first = invoked.elapsed();
    child.kill().await.ok();
    let ok = matches!(report.outcome, Outcome::Response(r) if r["statusCode"] == 200);
    Ok((polled.duration_since(spawned), first, ok))
}

/// The command that runs a function binary the way Lambda would, against `runtime`.
fn lambda_command(
    binary: &Path,
    stack: &LocalStack,
    runtime: &RuntimeApi,
) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(binary);
    cmd.env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "auth-me")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/auth-me")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_DYNAMODB", &stack.dynamodb_endpoint)
        .env("TABLE_NAME", stack.app.store.table())
        .env("JWT_SECRET", &stack.app.settings.jwt_secret)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// An API Gateway HTTP API event for `GET /api/auth/me` with `token`.
fn me_event(token: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": "GET /api/auth/me",
        "rawPath": "/api/auth/me",
        "rawQueryString": "",
        "headers": { "authorization": format!("Bearer {token}"), "host": "api.example.com" },
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "api.example.com",
            "domainPrefix": "api", "requestId": "bench", "routeKey": "GET /api/auth/me",
            "stage": "$default", "time": "24/Nov/2026:10:00:00 +0000", "timeEpoch": 0,
            "http": { "method": "GET", "path": "/api/auth/me", "protocol": "HTTP/1.1",
                      "sourceIp": "203.0.113.9", "userAgent": "wrrk-bench" }
        },
        "isBase64Encoded": false
    })
}

/// Prints median, min and max of `samples` on one line.
fn print_spread(label: &str, samples: &mut [Duration]) {
    samples.sort();
    let min = samples.first().copied().unwrap_or_default();
    let max = samples.last().copied().unwrap_or_default();
    println!(
        "  {label:<26} median {:>8} ms   min {:>8} ms   max {:>8} ms",
        ms(median(samples)),
        ms(min),
        ms(max)
    );
}

/// The median of `samples` (sorts them).
fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    percentile(samples, 50.0)
}

/// The nearest-rank percentile `p` of already sorted `sorted` (zero when empty).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `d` in milliseconds with three decimals.
fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}
