//! `wrrk-bench email`: inbound mail end to end through the SMTP door (mails per second),
//! parse-and-store latency of the inbound function for a 10 KB text mail and a 5 MB mail
//! with attachments, and the peak memory of processing a 40 MB mail (SES's limit).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine as _;
use clap::Args;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use wrrk_functions::email::inbound;

use crate::load::{ms, percentile};

/// Flags of `wrrk-bench email`.
#[derive(Args, Clone, Copy)]
pub struct EmailArgs {
    /// Mails sent through SMTP for the throughput figure.
    #[arg(long, default_value_t = 300)]
    pub smtp_mails: usize,
    /// Concurrent SMTP clients.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Samples of the 10 KB mail.
    #[arg(long, default_value_t = 200)]
    pub small: usize,
    /// Samples of the 5 MB mail.
    #[arg(long, default_value_t = 20)]
    pub large: usize,
}

/// A plain text mail of about `size` bytes.
fn text_mail(to: &str, id: &str, size: usize) -> Vec<u8> {
    let line = "The printer on the third floor prints every page twice and then jams.\r\n";
    let body: String = line.repeat(size / line.len() + 1);
    format!(
        "From: Bench Customer <customer-{id}@bench.test>\r\nTo: {to}\r\nSubject: Bench {id}\r\nMessage-ID: <{id}@bench.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

/// A multipart mail with text, HTML and attachments totalling about `size` raw bytes.
fn attachment_mail(to: &str, id: &str, size: usize) -> Vec<u8> {
    let mut out = format!(
        "From: Bench Customer <customer-{id}@bench.test>\r\nTo: {to}\r\nSubject: Files {id}\r\nMessage-ID: <{id}@bench.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BENCH\"\r\n\r\n--BENCH\r\nContent-Type: multipart/alternative; boundary=\"ALT\"\r\n\r\n--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached files.\r\n--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See the <b>attached</b> files.</p>\r\n--ALT--\r\n"
    )
    .into_bytes();
    // Base64 is 4/3 of the bytes (plus line breaks): four attachments fill `size`.
    let per_file = size * 3 / 4 / 4 / 78 * 76;
    for n in 0..4 {
        let bytes: Vec<u8> = (0..per_file).map(|i| (i * 31 + n * 7) as u8).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        out.extend_from_slice(
            format!(
                "--BENCH\r\nContent-Type: application/octet-stream; name=\"file{n}.bin\"\r\nContent-Disposition: attachment; filename=\"file{n}.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            )
            .as_bytes(),
        );
        for chunk in b64.as_bytes().chunks(76) {
            out.extend_from_slice(chunk);
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"--BENCH--\r\n");
    out
}

/// Peak resident memory of this process since the last reset, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn current_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets the peak (writing 5 to `clear_refs`, Linux 4.0+).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

async fn parse_and_store(
    stack: &wrrk_local::LocalStack,
    to: &str,
    mails: Vec<Vec<u8>>,
) -> anyhow::Result<Vec<Duration>> {
    let envelope = inbound::Envelope {
        ses_message_id: "bench".into(),
        recipients: vec![to.to_string()],
        ..inbound::Envelope::default()
    };
    let mut samples = Vec::with_capacity(mails.len());
    for raw in mails {
        let started = Instant::now();
        let outcome = inbound::process(&stack.app, &raw, &envelope).await?;
        samples.push(started.elapsed());
        anyhow::ensure!(
            matches!(outcome, inbound::Outcome::Opened { .. }),
            "unexpected outcome {outcome:?}"
        );
    }
    samples.sort();
    Ok(samples)
}

fn print_latency(label: &str, samples: &[Duration]) {
    println!(
        "  {label:<34} p50 {:>9} ms   p99 {:>9} ms   ({} mails)",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
        samples.len()
    );
}

/// Runs the email benchmark.
pub async fn email(args: EmailArgs) -> anyhow::Result<()> {
    let stack = crate::start_stack(None).await?;
    let http = reqwest::Client::new();
    let admin = crate::signup(&http, &stack.http_url, "bench-email@bench.test").await?;
    let org = stack
        .app
        .store
        .get_organization(&wrrk_shared::ids::OrgId::trusted(admin.org_id.as_str()))
        .await?
        .context("the organization")?;
    let to = wrrk_shared::email::outbound::support_address(&stack.app, &org);
    let smtp = stack.smtp_addr.context("the SMTP door")?;

    println!("\nemail: inbound mail end to end through SMTP (S3, SES event, inbound function)");
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.ip().to_string())
        .port(smtp.port())
        .build();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (transport, next, to) = (transport.clone(), next.clone(), to.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= args.smtp_mails {
                        return Ok::<_, anyhow::Error>(latencies);
                    }
                    let id = format!("smtp-{n}");
                    let raw = text_mail(&to, &id, 2 * 1024);
                    let envelope = Envelope::new(
                        Some(format!("customer-{id}@bench.test").parse()?),
                        vec![to.parse()?],
                    )?;
                    let t = Instant::now();
                    transport.send_raw(&envelope, &raw).await?;
                    latencies.push(t.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "  {} mails of 2 KB, {} SMTP clients: {:.1} mails/s   per mail p50 {} ms   p99 {} ms",
        latencies.len(),
        args.concurrency,
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
    );

    println!("\nemail: parse and store (the inbound function after its S3 read), one at a time");
    let small: Vec<_> = (0..args.small)
        .map(|n| text_mail(&to, &format!("small-{n}"), 10 * 1024))
        .collect();
    let mut parse_only: Vec<Duration> = small
        .iter()
        .map(|raw| {
            let t = Instant::now();
            let _ = wrrk_shared::email::parse(raw);
            t.elapsed()
        })
        .collect();
    parse_only.sort();
    print_latency("10 KB text mail, parse only", &parse_only);
    print_latency(
        "10 KB text mail, parse + store",
        &parse_and_store(&stack, &to, small).await?,
    );
    let large: Vec<_> = (0..args.large)
        .map(|n| attachment_mail(&to, &format!("large-{n}"), 5 * 1024 * 1024))
        .collect();
    println!(
        "  (the 5 MB mail: {} bytes raw, 4 attachments, text and HTML)",
        large[0].len()
    );
    print_latency(
        "5 MB mail with attachments",
        &parse_and_store(&stack, &to, large).await?,
    );

    println!("\nemail: peak memory of one 40 MB mail (S3 write, S3 read, parse, attachments)");
    let big = attachment_mail(&to, "huge", 40 * 1024 * 1024 - 64 * 1024);
    let size = big.len();
    let before = current_rss().unwrap_or(0);
    let reset = reset_peak();
    let t = Instant::now();
    let r = stack
        .deliver_mail(
            &big,
            "customer-huge@bench.test",
            std::slice::from_ref(&to),
            &wrrk_local::smtp::Verdicts::default(),
        )
        .await?;
    let took = t.elapsed();
    drop(big);
    anyhow::ensure!(r["results"][0]["outcome"] == "opened", "unexpected {r}");
    match (reset, peak_rss()) {
        (true, Some(peak)) => println!(
            "  {:.1} MB mail in {} ms: process peak RSS {:.0} MB ({:.0} MB before; the whole local\n  stack, engine included, shares this process, so the function's own peak is at most {:.0} MB)",
            size as f64 / 1e6,
            ms(took),
            peak as f64 / 1e6,
            before as f64 / 1e6,
            (peak.saturating_sub(before)) as f64 / 1e6 + 0.0,
        ),
        _ => println!("  peak memory is only measured on Linux (/proc/self/clear_refs)"),
    }
    Ok(())
}
