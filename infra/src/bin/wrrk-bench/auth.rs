//! The `auth` benchmark: steady load on `me` and `login`, failed-login cost, cold start.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use serde_json::json;
use wrrk_local::LocalStack;
use wrrk_local::runtime_api::{Outcome, RuntimeApi, get_event};

use crate::load::{LoadArgs, load, median, ms, print_spread};
use crate::{PASSWORD, signup, start_stack};

/// Failed logins allowed per email before the throttle answers 429 (we stay below it).
const FAILURES_PER_EMAIL: usize = 4;
/// How long a cold-start run may take before it is reported as hung.
const COLD_START_TIMEOUT: Duration = Duration::from_secs(30);

/// Flags of the `auth` subcommand.
#[derive(Args)]
pub struct AuthArgs {
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

/// The `auth` benchmark: steady load on `me` and `login`, failed-login cost, cold start.
pub async fn auth(args: AuthArgs) -> anyhow::Result<()> {
    let stack = start_stack(None).await?;
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

/// Flags of the `forgot-password` subcommand.
#[derive(Args)]
pub struct ForgotArgs {
    /// Requests for existing accounts and for unknown addresses (each, interleaved).
    #[arg(long, default_value_t = 20)]
    samples: usize,
}

/// `POST /api/auth/forgot-password` for an existing account (a link is stored and mailed)
/// and for an unknown address (nothing is done): both answers should take the same time.
pub async fn forgot_password(args: ForgotArgs) -> anyhow::Result<()> {
    let stack = start_stack(None).await?;
    let http = reqwest::Client::new();
    let url = format!("{}/api/auth/forgot-password", stack.http_url);
    let mut accounts = Vec::with_capacity(args.samples);
    for n in 0..args.samples {
        // One request per account: the per-address limit (3 an hour) is never reached.
        accounts.push(
            signup(
                &http,
                &stack.http_url,
                &format!("bench-forgot-{n}@bench.test"),
            )
            .await?
            .email,
        );
    }
    let (mut known, mut unknown, mut unexpected) = (Vec::new(), Vec::new(), 0);
    for (i, account) in accounts.into_iter().enumerate() {
        let attempts = [
            (&mut known, account),
            (&mut unknown, format!("bench-nobody-{i}@bench.test")),
        ];
        for (into, email) in attempts {
            let sent = Instant::now();
            let status = http
                .post(&url)
                .json(&json!({ "email": email }))
                .send()
                .await?
                .status();
            into.push(sent.elapsed());
            if status != reqwest::StatusCode::ACCEPTED {
                unexpected += 1;
            }
        }
    }
    println!(
        "POST /api/auth/forgot-password, sequential, {} of each interleaved",
        args.samples
    );
    print_spread("existing account", &mut known);
    print_spread("unknown address", &mut unknown);
    println!("  answers other than 202: {unexpected}");
    Ok(())
}

/// Where the release-built `name` binary sits: next to this executable.
fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating wrrk-bench")?;
    let dir = exe.parent().context("wrrk-bench has no parent directory")?;
    Ok(dir.join(name))
}

/// Cold-starts `bootstrap` as the `auth-me` function `runs` times and times its first poll and first answer.
async fn cold_start(stack: &LocalStack, token: &str, runs: usize) -> anyhow::Result<()> {
    let binary = sibling_binary("bootstrap")?;
    if !binary.exists() {
        println!(
            "Cold start of auth-me: skipped, {} is missing.",
            binary.display()
        );
        println!("  Build it first: cargo build --release -p wrrk-functions --bin bootstrap");
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
    let mut child = runtime
        .lambda_command(binary, "auth-me", stack)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let polled = tokio::select! {
        at = runtime.first_poll() => at,
        status = child.wait() => bail!("auth-me exited with {:?} before asking for work", status?),
        () = tokio::time::sleep(COLD_START_TIMEOUT) => {
            bail!("auth-me did not ask for work within {COLD_START_TIMEOUT:?}")
        }
    };
    let invoked = Instant::now();
    runtime.invoke(get_event("/api/auth/me", token));
    let report = tokio::time::timeout(COLD_START_TIMEOUT, runtime.next_report())
        .await
        .context("auth-me did not answer its first request in time")?
        .context("the Runtime API stopped")?;
    let first = invoked.elapsed();
    child.kill().await.ok();
    let ok = matches!(report.outcome, Outcome::Response(r) if r["statusCode"] == 200);
    Ok((polled.duration_since(spawned), first, ok))
}
