//! Load generation and the arithmetic of its figures (percentiles, rates).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;

/// Flags every load-generating subcommand shares.
#[derive(Args, Clone, Copy)]
pub struct LoadArgs {
    /// Seconds each load phase runs.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Concurrent clients in each load phase.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
}

/// What one load phase saw.
#[derive(Default)]
pub struct LoadFigures {
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
    pub fn print(&self, title: &str) {
        println!("{title}");
        self.print_line();
        println!();
    }

    /// Prints the figures on one indented line, without a title.
    pub fn print_line(&self) {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        println!(
            "  requests {:>8}   req/s {:>9.1}   p50 {:>8} ms   p99 {:>8} ms   non-2xx {}   errors {}",
            sorted.len(),
            self.per_second(),
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 99.0)),
            self.non_2xx,
            self.errors,
        );
    }
}

/// Runs `request` from `args.concurrency` clients (one connection pool each) back to back
/// for `args.duration`; `request` gets its client and the request's index in that client.
pub async fn load<F, Fut>(args: LoadArgs, request: F) -> LoadFigures
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
pub async fn read_through(
    response: impl Future<Output = anyhow::Result<reqwest::Response>>,
) -> anyhow::Result<bool> {
    let response = response.await?;
    let ok = response.status().is_success();
    response.bytes().await?;
    Ok(ok)
}

/// Prints median, min and max of `samples` on one line.
pub fn print_spread(label: &str, samples: &mut [Duration]) {
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
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    percentile(samples, 50.0)
}

/// The nearest-rank percentile `p` of already sorted `sorted` (zero when empty).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `d` in milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}
