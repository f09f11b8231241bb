//! `wrrk-bench cost`: what each operation asks of AWS, measured on the local stack, and what
//! two workloads cost at AWS list prices.
//!
//! The whole stack runs against a counting proxy in front of the DynamoDB engine (so every
//! handler's calls are tallied, with the capacity units the engine reports), and the
//! stack's meter counts Lambda invocations with their handler time, HTTP API requests,
//! WebSocket messages both ways, S3 requests and received mail; the SES outbox counts sent
//! mail. Each operation is run `--samples` times one after another through real HTTP,
//! WebSocket and SES-event clients, and the figures are means. Workloads are sums of
//! operations (their composition is printed with them), priced with [`Price`].

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;
use wrrk_local::meter::Metered;
use wrrk_local::smtp::Verdicts;
use wrrk_local::{LocalStack, Options};
use wrrk_shared::domain::Role;

use crate::counting::{CountingEngine, Tally};
use crate::seed::{Person, add_users};
use crate::{PASSWORD, Session, signup};

/// AWS list prices in dollars, us-east-1, on-demand, arm64; sources in `docs/cost.md`.
mod price {
    /// DynamoDB on-demand, per write request unit.
    pub const WRITE_UNIT: f64 = 0.625 / 1e6;
    /// DynamoDB on-demand, per read request unit.
    pub const READ_UNIT: f64 = 0.125 / 1e6;
    /// HTTP API, per request (first 300 million a month).
    pub const HTTP_REQUEST: f64 = 1.00 / 1e6;
    /// WebSocket API, per message (each 32 KB unit), sent or received (first billion).
    pub const WS_MESSAGE: f64 = 1.00 / 1e6;
    /// WebSocket API, per connection minute.
    pub const WS_MINUTE: f64 = 0.25 / 1e6;
    /// Lambda, per request.
    pub const LAMBDA_REQUEST: f64 = 0.20 / 1e6;
    /// Lambda arm64, per GB-second.
    pub const LAMBDA_GB_SECOND: f64 = 0.000_013_333_4;
    /// Memory of every function in `template.yaml`.
    pub const LAMBDA_GB: f64 = 128.0 / 1024.0;
    /// SES, per mail sent.
    pub const SES_SEND: f64 = 0.10 / 1000.0;
    /// SES, per mail received (plus a chunk charge per 256 KB; our mails are one chunk).
    pub const SES_RECEIVE: f64 = 0.10 / 1000.0 + 0.09 / 1000.0;
    /// S3 Standard, per PUT, COPY, POST or LIST.
    pub const S3_WRITE: f64 = 0.005 / 1000.0;
    /// S3 Standard, per GET and other reads.
    pub const S3_READ: f64 = 0.0004 / 1000.0;
}

/// Flags of the `cost` subcommand.
#[derive(Args)]
pub struct CostArgs {
    /// Times each operation is run (the figures are means).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=15))]
    samples: u64,
    /// Run against this DynamoDB endpoint (e.g. Amazon's DynamoDB Local) instead of the
    /// embedded engine.
    #[arg(long)]
    dynamodb_endpoint: Option<String>,
    /// Minutes a visitor's socket stays open during one chat.
    #[arg(long, default_value_t = 10.0)]
    visitor_minutes: f64,
    /// For the AWS estimate of Lambda time: milliseconds added to the measured handler time
    /// per AWS call the operation made (DynamoDB, PostToConnection, SES, S3), as if every
    /// call were made one after another at in-region latency. Loopback calls take far less.
    #[arg(long, default_value_t = 4.0)]
    ms_per_aws_call: f64,
    /// Also print each operation's DynamoDB requests by kind and its functions.
    #[arg(long)]
    detail: bool,
}

/// What one operation asks of AWS (means over the samples).
#[derive(Debug, Default, Clone)]
struct Usage {
    ddb_requests: f64,
    read_units: f64,
    write_units: f64,
    invocations: f64,
    /// Lambda billed milliseconds as measured locally (1 ms granularity per invocation).
    billed_ms: f64,
    /// DynamoDB, PostToConnection, DeleteConnection, SES and S3 calls made.
    aws_calls: f64,
    http: f64,
    ws_in: f64,
    ws_out: f64,
    ws_posts: f64,
    ws_units: f64,
    ws_minutes: f64,
    s3_writes: f64,
    s3_reads: f64,
    mail_sent: f64,
    mail_received: f64,
    /// Of `write_units`, what index maintenance took.
    index_write_units: f64,
    /// DynamoDB requests by operation.
    by_operation: std::collections::BTreeMap<String, f64>,
    /// Lambda invocations by function.
    by_function: std::collections::BTreeMap<String, f64>,
}

impl Usage {
    fn of(t: &Tally, m: &Metered, mail_sent: usize) -> Self {
        let ddb = t.requests() as f64;
        let s3 = m.s3_requests.values().sum::<u64>() as f64;
        Self {
            ddb_requests: ddb,
            read_units: t.read_units,
            write_units: t.write_units,
            invocations: m.invocations() as f64,
            billed_ms: m.billed_ms() as f64,
            aws_calls: ddb + (m.ws_posts + m.ws_deletes) as f64 + s3 + mail_sent as f64,
            http: m.http_requests as f64,
            ws_in: m.ws_in as f64,
            ws_out: m.ws_out as f64,
            ws_posts: m.ws_posts as f64,
            ws_units: m.ws_units as f64,
            ws_minutes: 0.0,
            s3_writes: m.s3_writes() as f64,
            s3_reads: m.s3_reads() as f64,
            mail_sent: mail_sent as f64,
            mail_received: m.mail_received as f64,
            index_write_units: t.index_write_units,
            by_operation: t
                .by_operation
                .iter()
                .map(|(k, v)| (k.clone(), *v as f64))
                .collect(),
            by_function: m
                .functions
                .iter()
                .map(|(k, v)| (k.clone(), v.invocations as f64))
                .collect(),
        }
    }

    /// `self` plus `times` × `other`.
    fn plus(&self, other: &Usage, times: f64) -> Usage {
        let f = |a: f64, b: f64| a + b * times;
        Usage {
            ddb_requests: f(self.ddb_requests, other.ddb_requests),
            read_units: f(self.read_units, other.read_units),
            write_units: f(self.write_units, other.write_units),
            invocations: f(self.invocations, other.invocations),
            billed_ms: f(self.billed_ms, other.billed_ms),
            aws_calls: f(self.aws_calls, other.aws_calls),
            http: f(self.http, other.http),
            ws_in: f(self.ws_in, other.ws_in),
            ws_out: f(self.ws_out, other.ws_out),
            ws_posts: f(self.ws_posts, other.ws_posts),
            ws_units: f(self.ws_units, other.ws_units),
            ws_minutes: f(self.ws_minutes, other.ws_minutes),
            s3_writes: f(self.s3_writes, other.s3_writes),
            s3_reads: f(self.s3_reads, other.s3_reads),
            mail_sent: f(self.mail_sent, other.mail_sent),
            mail_received: f(self.mail_received, other.mail_received),
            index_write_units: f(self.index_write_units, other.index_write_units),
            by_operation: merged(&self.by_operation, &other.by_operation, times),
            by_function: merged(&self.by_function, &other.by_function, times),
        }
    }

    /// Dollars by service. Lambda time is the AWS estimate: measured handler time plus
    /// `ms_per_call` per AWS call.
    fn dollars(&self, ms_per_call: f64) -> Vec<(&'static str, f64)> {
        let lambda_ms = self.billed_ms + self.aws_calls * ms_per_call;
        vec![
            ("DynamoDB writes", self.write_units * price::WRITE_UNIT),
            ("DynamoDB reads", self.read_units * price::READ_UNIT),
            ("HTTP API requests", self.http * price::HTTP_REQUEST),
            ("WebSocket messages", self.ws_units * price::WS_MESSAGE),
            ("WebSocket minutes", self.ws_minutes * price::WS_MINUTE),
            ("Lambda requests", self.invocations * price::LAMBDA_REQUEST),
            (
                "Lambda duration",
                lambda_ms / 1000.0 * price::LAMBDA_GB * price::LAMBDA_GB_SECOND,
            ),
            (
                "SES",
                self.mail_sent * price::SES_SEND + self.mail_received * price::SES_RECEIVE,
            ),
            (
                "S3 requests",
                self.s3_writes * price::S3_WRITE + self.s3_reads * price::S3_READ,
            ),
        ]
    }

    fn total(&self, ms_per_call: f64) -> f64 {
        self.dollars(ms_per_call).iter().map(|(_, d)| d).sum()
    }
}

/// `a` plus `times` × `b`, key by key.
fn merged(
    a: &std::collections::BTreeMap<String, f64>,
    b: &std::collections::BTreeMap<String, f64>,
    times: f64,
) -> std::collections::BTreeMap<String, f64> {
    let mut out = a.clone();
    for (k, v) in b {
        *out.entry(k.clone()).or_default() += v * times;
    }
    out
}

/// A measured operation: the sum over its kept samples.
struct Op {
    name: String,
    total: Usage,
    kept: u64,
}

impl Op {
    /// The mean over the samples.
    fn usage(&self) -> Usage {
        Usage::default().plus(&self.total, 1.0 / self.kept.max(1) as f64)
    }
}

/// Where an operation's figures are kept ([`Bench::op`]).
#[derive(Clone, Copy)]
struct OpId(usize);

/// The stack, its counters, and the clients that drive it.
struct Bench {
    stack: LocalStack,
    ddb: CountingEngine,
    http: reqwest::Client,
    ops: Vec<Op>,
    /// Mails in the outbox when the current sample began.
    mails_before: usize,
}

/// Whether a scheduled function ran (its calls are not the operation's).
fn scheduled(m: &Metered) -> bool {
    wrrk_functions::registry::EVENT_FUNCTIONS.iter().any(|f| {
        matches!(
            f.trigger,
            wrrk_functions::registry::Trigger::Schedule { .. }
        ) && m.functions.contains_key(f.name)
    })
}

impl Bench {
    /// A new operation to measure.
    fn op(&mut self, name: &str) -> OpId {
        self.ops.push(Op {
            name: name.to_string(),
            total: Usage::default(),
            kept: 0,
        });
        OpId(self.ops.len() - 1)
    }

    /// Starts a sample: every counter from zero.
    fn begin(&mut self) {
        self.ddb.take();
        self.stack.meter.take();
        self.mails_before = self.stack.outbox.messages().len();
    }

    /// Ends a sample of `op`. A sample during which a scheduled function ran is dropped.
    fn end(&mut self, op: OpId) {
        let (tally, metered) = (self.ddb.take(), self.stack.meter.take());
        let sent = self
            .stack
            .outbox
            .messages()
            .len()
            .saturating_sub(self.mails_before);
        if scheduled(&metered) {
            return;
        }
        let op = &mut self.ops[op.0];
        op.total = op.total.plus(&Usage::of(&tally, &metered, sent), 1.0);
        op.kept += 1;
    }

    /// The mean usage of `op`.
    fn usage(&self, op: OpId) -> Usage {
        self.ops[op.0].usage()
    }

    /// Waits (up to 5 s) until `function` has run since the sample began.
    async fn ran(&self, function: &str) -> anyhow::Result<()> {
        for _ in 0..500 {
            if self.stack.meter.peek().functions.contains_key(function) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        bail!("{function} did not run")
    }

    /// Calls the HTTP API; the answer's JSON, or an error for a non-2xx answer.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.stack.http_url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let v: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{method} {path} answered {status}: {v}");
        }
        Ok(v)
    }

    async fn get(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> anyhow::Result<Value> {
        self.call(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    async fn socket(&self, query: &str) -> anyhow::Result<Socket> {
        Socket::open(&self.stack.ws_url, query).await
    }
}

/// A WebSocket client that keeps every event it receives.
struct Socket {
    write: futures::stream::SplitSink<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
        Frame,
    >,
    events: mpsc::UnboundedReceiver<Value>,
}

impl Socket {
    async fn open(ws_url: &str, query: &str) -> anyhow::Result<Self> {
        let (stream, _) = tokio_tungstenite::connect_async(format!("{ws_url}/?{query}"))
            .await
            .context("connecting a socket")?;
        let (write, mut read) = stream.split();
        let (tx, events) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = read.next().await {
                if let Frame::Text(t) = frame
                    && let Ok(v) = serde_json::from_str::<Value>(&t)
                    && tx.send(v).is_err()
                {
                    break;
                }
            }
        });
        Ok(Self { write, events })
    }

    async fn send(&mut self, frame: Value) -> anyhow::Result<()> {
        self.write
            .send(Frame::Text(frame.to_string().into()))
            .await?;
        Ok(())
    }

    /// The next `event` whose data satisfies `pred` (others are skipped), within 10 s.
    async fn expect(
        &mut self,
        event: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> anyhow::Result<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let frame = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .with_context(|| format!("no {event} within 10 s"))?
                .context("the socket closed")?;
            if frame["event"] == event && pred(&frame["data"]) {
                return Ok(frame["data"].clone());
            }
        }
    }

    /// Events received so far and not yet read.
    fn drain(&mut self) -> Vec<Value> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }

    async fn subscribe(&mut self, ticket: &str) -> anyhow::Result<()> {
        self.send(json!({ "action": "ticket:subscribe", "ticketId": ticket }))
            .await?;
        self.expect("ticket:subscribed", |d| d["ticketId"] == ticket)
            .await?;
        Ok(())
    }

    async fn unsubscribe(&mut self, ticket: &str) -> anyhow::Result<()> {
        self.send(json!({ "action": "ticket:unsubscribe", "ticketId": ticket }))
            .await?;
        self.expect("ticket:unsubscribed", |d| d["ticketId"] == ticket)
            .await?;
        Ok(())
    }

    async fn close(mut self) {
        let _ = self.write.close().await;
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> anyhow::Result<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .with_context(|| format!("no {pointer} in {v}"))
}

/// A customer's mail to `to`, optionally answering `in_reply_to`.
fn mail(to: &str, from: &str, id: &str, in_reply_to: Option<&str>) -> Vec<u8> {
    let threading = in_reply_to
        .map(|r| format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n"))
        .unwrap_or_default();
    format!(
        "From: Cost Customer <{from}>\r\nTo: {to}\r\nSubject: Invoice {id}\r\nMessage-ID: <{id}>\r\n{threading}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, the invoice shows the wrong amount. Could you have a look?\r\n"
    )
    .into_bytes()
}

/// An agent who is signed in, with a socket.
struct Agent {
    session: Session,
    socket: Socket,
}

/// Adds `count` agents to `admin`'s organization, signs them in and connects them.
async fn add_agents(b: &Bench, admin: &Session, count: usize) -> anyhow::Result<Vec<Agent>> {
    let start = rand::random::<u32>();
    let people = (0..count)
        .map(|n| Person {
            name: format!("Agent {n}"),
            email: format!("agent{start}-{n}@bench.test"),
            role: Role::Agent,
        })
        .collect();
    let users = add_users(&b.stack.app, admin, people, 4, "agents added").await?;
    let mut agents = Vec::new();
    for u in users {
        let answer = b
            .post(
                "/api/auth/login",
                None,
                json!({ "email": u.email, "password": PASSWORD }),
            )
            .await?;
        let session = Session {
            token: str_at(&answer, "/data/token")?.to_string(),
            email: u.email.to_string(),
            user_id: u.id.to_string(),
            org_id: admin.org_id.clone(),
        };
        let socket = b.socket(&format!("token={}", session.token)).await?;
        agents.push(Agent { session, socket });
    }
    Ok(agents)
}

/// A visitor's chat, as the widget opens it.
struct Chat {
    token: String,
    ticket: String,
    socket: Socket,
}

/// What the widget does when a visitor opens the chat: init, session (opens the CHAT
/// ticket), connect ticket, socket.
async fn start_chat(b: &Bench, widget_key: &str, n: u64) -> anyhow::Result<Chat> {
    b.post("/api/widget/init", None, json!({ "widgetKey": widget_key }))
        .await?;
    let session = b
        .post(
            "/api/widget/sessions",
            None,
            json!({ "widgetKey": widget_key, "name": format!("Visitor {n}") }),
        )
        .await?;
    let token = str_at(&session, "/data/token")?.to_string();
    let ticket = str_at(&session, "/data/ticketId")?.to_string();
    let connect = b
        .post("/api/widget/connect-ticket", Some(&token), json!({}))
        .await?;
    let socket = b
        .socket(&format!("ticket={}", str_at(&connect, "/data/ticket")?))
        .await?;
    Ok(Chat {
        token,
        ticket,
        socket,
    })
}

/// The email operations with the organization's agents online: a customer's mail opens a
/// ticket, an agent's reply is mailed, the customer's answer threads in, the ticket is
/// resolved. Ids of (inbound new, outbound reply, inbound reply, resolve).
async fn email_ops(
    b: &mut Bench,
    agents: &mut [Agent],
    samples: u64,
    label: &str,
) -> anyhow::Result<[OpId; 4]> {
    let admin = agents[0].session.clone();
    let org = b
        .stack
        .app
        .store
        .get_organization(&wrrk_shared::ids::OrgId::trusted(admin.org_id.as_str()))
        .await?
        .context("the organization")?;
    let to = wrrk_shared::email::outbound::support_address(&b.stack.app, &org);
    let ops = [
        b.op(&format!("inbound email, new ticket ({label})")),
        b.op(&format!(
            "outbound email: agent reply on an EMAIL ticket ({label})"
        )),
        b.op(&format!(
            "inbound email, customer's reply threads in ({label})"
        )),
        b.op(&format!("resolve a ticket (PATCH status; {label})")),
    ];
    let tag = rand::random::<u32>();
    for i in 0..samples {
        let from = format!("mailer{tag}-{i}@customer.test");
        let first = format!("first-{tag}-{i}@customer.test");
        b.begin();
        b.stack
            .deliver_mail(
                &mail(&to, &from, &first, None),
                &from,
                std::slice::from_ref(&to),
                &Verdicts::default(),
            )
            .await?;
        b.end(ops[0]);
        let created = agents[0]
            .socket
            .expect("ticket:created", |d| {
                d["subject"].as_str().is_some_and(|s| s.contains(&first))
            })
            .await?;
        let ticket = str_at(&created, "/id")?.to_string();

        b.begin();
        b.post(
            &format!("/api/tickets/{ticket}/messages"),
            Some(&admin.token),
            json!({ "content": "Thanks, we corrected the invoice." }),
        )
        .await?;
        b.end(ops[1]);

        let answer = format!("answer-{tag}-{i}@customer.test");
        b.begin();
        b.stack
            .deliver_mail(
                &mail(&to, &from, &answer, Some(&first)),
                &from,
                std::slice::from_ref(&to),
                &Verdicts::default(),
            )
            .await?;
        b.end(ops[2]);

        b.begin();
        b.call(
            reqwest::Method::PATCH,
            &format!("/api/tickets/{ticket}"),
            Some(&admin.token),
            Some(json!({ "status": "RESOLVED" })),
        )
        .await?;
        b.end(ops[3]);

        // The answer threaded into the same ticket.
        let t = b
            .get(&format!("/api/tickets/{ticket}"), &admin.token)
            .await?;
        if t["data"]["messageCount"] != 3 {
            bail!("the customer's answer did not thread into {ticket}: {t}");
        }
    }
    for a in agents.iter_mut() {
        a.socket.drain();
    }
    Ok(ops)
}

fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The per-operation table.
fn print_ops(b: &Bench, ms_per_call: f64, detail: bool) {
    println!(
        "{:<62} {:>7} {:>6} {:>6} {:>6} {:>8} {:>5} {:>12} {:>4} {:>4} {:>11}",
        "operation (mean per operation)",
        "DDB req",
        "RRU",
        "WRU",
        "Lambda",
        "ms local",
        "HTTP",
        "WS msg (post)",
        "S3",
        "SES",
        "$ per 1M"
    );
    for op in &b.ops {
        let u = op.usage();
        println!(
            "{:<62} {:>7} {:>6} {:>6} {:>6} {:>8} {:>5} {:>12} {:>4} {:>4} {:>11.2}",
            op.name,
            num(u.ddb_requests),
            num(u.read_units),
            num(u.write_units),
            num(u.invocations),
            num(u.billed_ms),
            num(u.http),
            format!("{} ({})", num(u.ws_in + u.ws_out), num(u.ws_posts)),
            num(u.s3_writes + u.s3_reads),
            num(u.mail_sent + u.mail_received),
            u.total(ms_per_call) * 1e6,
        );
        if detail {
            let list = |m: &std::collections::BTreeMap<String, f64>| {
                m.iter()
                    .map(|(k, v)| format!("{k} {}", num(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!(
                "      DynamoDB: {} (index WRU {});  functions: {}",
                list(&u.by_operation),
                num(u.index_write_units),
                list(&u.by_function)
            );
        }
    }
}

/// A workload's total and its split by service.
fn print_workload(title: &str, composition: &str, u: &Usage, target: Option<f64>, ms: f64) {
    let total = u.total(ms);
    println!();
    println!("{title}");
    println!("  {composition}");
    println!(
        "  DynamoDB {} requests, {} RRU, {} WRU; Lambda {} invocations; HTTP API {} requests; \
         WebSocket {} messages ({} PostToConnection), {} connection minutes",
        num(u.ddb_requests),
        num(u.read_units),
        num(u.write_units),
        num(u.invocations),
        num(u.http),
        num(u.ws_in + u.ws_out),
        num(u.ws_posts),
        num(u.ws_minutes),
    );
    for (what, dollars) in u.dollars(ms) {
        if dollars > 0.0 {
            println!(
                "    {what:<20} ${dollars:>9.4}  {:>5.1} %",
                dollars / total * 100.0
            );
        }
    }
    match target {
        Some(t) => println!(
            "    {:<20} ${total:>9.4}  (target under ${t:.2}: {})",
            "total",
            if total < t { "met" } else { "NOT met" }
        ),
        None => println!("    {:<20} ${total:>9.4}", "total"),
    }
}

/// The `cost` benchmark.
pub async fn cost(args: CostArgs) -> anyhow::Result<()> {
    // One loopback address stands for every visitor: lift the per-IP widget limits.
    // SAFETY: set before the stack starts any thread that reads the environment.
    unsafe { std::env::set_var("WIDGET_IP_LIMIT_FACTOR", "10000") };
    let ddb = CountingEngine::start(args.dynamodb_endpoint.clone()).await?;
    let stack = LocalStack::start(Options {
        external_dynamodb: Some(ddb.url.clone()),
        ..Options::for_tests()
    })
    .await
    .context("starting the local stack")?;
    let mut b = Bench {
        stack,
        ddb,
        http: reqwest::Client::new(),
        ops: Vec::new(),
        mails_before: 0,
    };
    let n = args.samples;
    println!("cost: each operation run {n} times through the local stack, every AWS call counted");

    // An organization of two agents with sockets, and tickets for the lists.
    let admin = signup(&b.http, &b.stack.http_url, "cost-admin@bench.test").await?;
    let a0 = admin.token.clone();
    let mut agents = vec![Agent {
        socket: b.socket(&format!("token={a0}")).await?,
        session: admin.clone(),
    }];
    agents.extend(add_agents(&b, &admin, 1).await?);
    for i in 0..24 {
        let t = b
            .post(
                "/api/tickets",
                Some(&a0),
                json!({ "subject": format!("Seeded {i}"), "customer": { "email": format!("seed{}@customer.test", i % 9), "name": format!("Seed Customer {}", i % 9) }, "message": "Hello" }),
            )
            .await?;
        if i % 3 > 0 {
            let who = agents[i % 3 - 1].session.user_id.clone();
            b.call(
                reqwest::Method::PATCH,
                &format!("/api/tickets/{}", str_at(&t, "/data/id")?),
                Some(&a0),
                Some(json!({ "assigneeId": who })),
            )
            .await?;
        }
    }
    for a in &mut agents {
        a.socket.drain();
    }

    // ---- two agents online -------------------------------------------------------------
    let op = b.op("signup (organization and admin)");
    for i in 0..n {
        b.begin();
        signup(
            &b.http,
            &b.stack.http_url,
            &format!("cost-signup-{i}@bench.test"),
        )
        .await?;
        b.end(op);
    }
    let login = b.op("login");
    for _ in 0..n {
        b.begin();
        b.post(
            "/api/auth/login",
            None,
            json!({ "email": admin.email, "password": PASSWORD }),
        )
        .await?;
        b.end(login);
    }
    let me = b.op("GET /api/auth/me (dashboard start)");
    for _ in 0..n {
        b.begin();
        b.get("/api/auth/me", &a0).await?;
        b.end(me);
    }
    let list = b.op("list tickets (page of 20)");
    for _ in 0..n {
        b.begin();
        let page = b.get("/api/tickets?status=OPEN&limit=20", &a0).await?;
        b.end(list);
        let rows = page["data"].as_array().map_or(0, Vec::len);
        if rows != 20 {
            bail!("the list page has {rows} rows, not 20");
        }
    }

    let open = b.op("open a ticket (agent; 2 agents online)");
    let mut created = Vec::new();
    let mut announced_with_summaries = true;
    for i in 0..n {
        b.begin();
        let t = b
            .post(
                "/api/tickets",
                Some(&a0),
                json!({ "subject": format!("Walk-in {i}"), "customer": { "email": format!("walkin{i}@customer.test"), "name": "Walk In" }, "message": "Came to the desk." }),
            )
            .await?;
        b.end(open);
        let id = str_at(&t, "/data/id")?.to_string();
        for a in &mut agents {
            let ev = a
                .socket
                .expect("ticket:created", |d| d["id"] == id.as_str())
                .await?;
            announced_with_summaries &= ev["customer"]["name"].is_string();
        }
        created.push(id);
    }
    let fetch = b.op("GET /api/tickets/{id}");
    for id in &created {
        b.begin();
        b.get(&format!("/api/tickets/{id}"), &a0).await?;
        b.end(fetch);
    }
    let viewer = agents[1].session.token.clone();
    let view = b.op("view a ticket (ticket, messages, subscribe)");
    for id in &created {
        b.begin();
        b.get(&format!("/api/tickets/{id}"), &viewer).await?;
        b.get(&format!("/api/tickets/{id}/messages"), &viewer)
            .await?;
        agents[1].socket.subscribe(id).await?;
        b.end(view);
    }
    let leave = b.op("leave a ticket (unsubscribe)");
    for id in &created {
        b.begin();
        agents[1].socket.unsubscribe(id).await?;
        b.end(leave);
    }

    // ---- chat --------------------------------------------------------------------------
    let org = b
        .get(&format!("/api/organizations/{}", admin.org_id), &a0)
        .await?;
    let widget_key = str_at(&org, "/data/widget/widgetKey")?.to_string();
    let init = b.op("widget init (every page view of the host site)");
    for _ in 0..n {
        b.begin();
        b.post("/api/widget/init", None, json!({ "widgetKey": widget_key }))
            .await?;
        b.end(init);
    }
    let chat_start = b.op("chat start (init, session, connect ticket, socket)");
    let mut chats = Vec::new();
    for i in 0..n {
        b.begin();
        let chat = start_chat(&b, &widget_key, i).await?;
        b.ran("ws-connect").await?;
        b.end(chat_start);
        chats.push(chat);
    }
    for a in &mut agents {
        a.socket.drain();
    }
    // The same with both agents at work on another ticket: every agent hears of a new
    // conversation whatever page it shows, so each still gets its one ticket:created.
    let busy_ticket = created[0].clone();
    for a in &mut agents {
        a.socket.subscribe(&busy_ticket).await?;
    }
    let chat_start_busy = b.op("chat start (both agents on another ticket's page)");
    for i in 0..n {
        b.begin();
        let chat = start_chat(&b, &widget_key, 100 + i).await?;
        b.ran("ws-connect").await?;
        b.end(chat_start_busy);
        for a in &mut agents {
            a.socket
                .expect("ticket:created", |d| d["id"] == chat.ticket.as_str())
                .await?;
        }
        chats.push(chat);
    }
    for a in &mut agents {
        a.socket.unsubscribe(&busy_ticket).await?;
        a.socket.drain();
    }
    // Both agents follow the first chat.
    let ticket = chats[0].ticket.clone();
    let visitor = chats[0].token.clone();
    for a in &mut agents {
        a.socket.subscribe(&ticket).await?;
    }
    let widget_message = b.op("widget message (visitor; 2 agents viewing)");
    for i in 0..n {
        let content = format!("Visitor message {i}");
        b.begin();
        b.post(
            "/api/widget/messages",
            Some(&visitor),
            json!({ "clientId": format!("cost-{i}"), "content": content }),
        )
        .await?;
        b.end(widget_message);
        for a in &mut agents {
            a.socket
                .expect("message:new", |d| d["content"] == content.as_str())
                .await?;
        }
    }
    let reply = b.op("post a message (agent reply; 2 agents viewing)");
    for i in 0..n {
        let content = format!("Agent reply {i}");
        b.begin();
        b.post(
            &format!("/api/tickets/{ticket}/messages"),
            Some(&a0),
            json!({ "content": content }),
        )
        .await?;
        b.end(reply);
        chats[0]
            .socket
            .expect("message:new", |d| d["content"] == content.as_str())
            .await?;
    }
    let typing = b.op("typing start and stop (agent; 2 others viewing)");
    for _ in 0..n {
        b.begin();
        agents[0]
            .socket
            .send(json!({ "action": "typing:start", "ticketId": ticket }))
            .await?;
        chats[0]
            .socket
            .expect("typing:indicator", |d| d["typing"] == true)
            .await?;
        agents[0]
            .socket
            .send(json!({ "action": "typing:stop", "ticketId": ticket }))
            .await?;
        chats[0]
            .socket
            .expect("typing:indicator", |d| d["typing"] == false)
            .await?;
        b.end(typing);
        // Repeated starts within 3 s are coalesced; each sample is a fresh one.
        tokio::time::sleep(Duration::from_millis(3100)).await;
    }
    for a in &mut agents {
        a.socket.unsubscribe(&ticket).await?;
        a.socket.drain();
    }
    let plain_chats: Vec<String> = chats.iter().map(|c| c.ticket.clone()).collect();
    let visitor_leaves = b.op("visitor leaves (socket closed)");
    for chat in chats {
        b.begin();
        chat.socket.close().await;
        b.ran("ws-disconnect").await?;
        b.end(visitor_leaves);
    }

    // ---- assignment rules ----------------------------------------------------------------
    // The same chat start, routed to a round-robin team of both agents (online, under the
    // cap): what routing, the selection, the assignment and its notice add; and resolving
    // such a ticket, which gives the agent's place back and looks at the team's queue.
    let team = b
        .post("/api/teams", Some(&a0), json!({ "name": "Round robin" }))
        .await?;
    let team_id = str_at(&team, "/data/id")?.to_string();
    for a in &agents {
        b.post(
            &format!("/api/teams/{team_id}/members"),
            Some(&a0),
            json!({ "userId": a.session.user_id }),
        )
        .await?;
    }
    b.call(
        reqwest::Method::PATCH,
        &format!("/api/teams/{team_id}"),
        Some(&a0),
        Some(json!({ "assignmentMode": "ROUND_ROBIN", "maxOpenPerAgent": 100 })),
    )
    .await?;
    let rules_path = format!("/api/organizations/{}/routing-rules", admin.org_id);
    b.call(
        reqwest::Method::PATCH,
        &rules_path,
        Some(&a0),
        Some(json!({ "rules": [{ "channel": "CHAT", "teamId": team_id }] })),
    )
    .await?;
    let chat_start_rr = b.op("chat start, routed to a round-robin team and assigned");
    let mut assigned = Vec::new();
    for i in 0..n {
        b.begin();
        let chat = start_chat(&b, &widget_key, 300 + i).await?;
        b.end(chat_start_rr);
        for a in &mut agents {
            a.socket
                .expect("ticket:created", |d| d["id"] == chat.ticket.as_str())
                .await?;
            a.socket.drain();
        }
        assigned.push(chat.ticket.clone());
        chat.socket.close().await;
    }
    let resolve_rr = b.op("resolve a ticket the rules assigned (place given back)");
    for id in &assigned {
        b.begin();
        b.call(
            reqwest::Method::PATCH,
            &format!("/api/tickets/{id}"),
            Some(&a0),
            Some(json!({ "status": "RESOLVED" })),
        )
        .await?;
        b.end(resolve_rr);
    }
    let resolve_plain = b.op("resolve a chat of no team, unassigned");
    for id in plain_chats.iter().take(n as usize) {
        b.begin();
        b.call(
            reqwest::Method::PATCH,
            &format!("/api/tickets/{id}"),
            Some(&a0),
            Some(json!({ "status": "RESOLVED" })),
        )
        .await?;
        b.end(resolve_plain);
    }
    b.call(
        reqwest::Method::PATCH,
        &rules_path,
        Some(&a0),
        Some(json!({ "rules": [] })),
    )
    .await?;
    for a in &mut agents {
        a.socket.drain();
    }

    email_ops(&mut b, &mut agents, n, "2 agents online").await?;

    // ---- an organization of 20 agents --------------------------------------------------
    let more = add_agents(&b, &admin, 18).await?;
    agents.extend(more);
    for a in &mut agents {
        a.socket.drain();
    }
    let list20 = b.op("list tickets (page of 20; 20 agents online)");
    for _ in 0..n {
        b.begin();
        b.get("/api/tickets?status=OPEN&limit=20", &a0).await?;
        b.end(list20);
    }
    let [inbound, outbound, answer, resolve] =
        email_ops(&mut b, &mut agents, n, "20 agents online").await?;

    // ---- print -------------------------------------------------------------------------
    let ms = args.ms_per_aws_call;
    println!();
    print_ops(&b, ms, args.detail);
    println!();
    println!(
        "ticket:created carries the ticket's customer: {announced_with_summaries} (when it does \
         not, each agent's open inbox fetches the ticket: one GET /api/tickets/{{id}} per agent)"
    );
    let inbox_fetch = if announced_with_summaries { 0.0 } else { 1.0 };

    let mut chat = Usage::default()
        .plus(&b.usage(chat_start), 1.0)
        .plus(&b.usage(view), 2.0)
        .plus(&b.usage(widget_message), 5.0)
        .plus(&b.usage(reply), 5.0)
        .plus(&b.usage(leave), 2.0)
        .plus(&b.usage(list), 2.0)
        .plus(&b.usage(visitor_leaves), 1.0)
        .plus(&b.usage(fetch), 2.0 * inbox_fetch);
    chat.ws_minutes += args.visitor_minutes;
    let chats = Usage::default().plus(&chat, 10_000.0);
    print_workload(
        "(a) 10,000 chat conversations of 10 messages, two agents viewing",
        &format!(
            "per chat: chat start, 2 agents view the ticket and go back to their inbox (a list \
             page), 5 widget messages, 5 agent replies, the visitor leaves after {} min{}",
            args.visitor_minutes,
            if inbox_fetch > 0.0 {
                ", 2 inbox fetches of the new ticket"
            } else {
                ""
            }
        ),
        &chats,
        Some(1.0),
        ms,
    );
    let busy = Usage::default()
        .plus(&chat, 10_000.0)
        .plus(&b.usage(chat_start), -10_000.0)
        .plus(&b.usage(chat_start_busy), 10_000.0);
    println!(
        "    with both agents on another ticket's page when each chat starts (each still hears ticket:created): ${:.4}",
        busy.total(ms)
    );
    let rules = Usage::default()
        .plus(&b.usage(chat_start_rr), 10_000.0)
        .plus(&b.usage(chat_start), -10_000.0)
        .plus(&b.usage(resolve_rr), 10_000.0)
        .plus(&b.usage(resolve_plain), -10_000.0);
    println!(
        "    assignment rules (routed to a round-robin team, assigned, the assignee told; resolved, \
         the place given back): {:+.0} DynamoDB requests, {:+.1} RRU, {:+.1} WRU, {:+.0} WebSocket \
         posts, ${:+.4} per 10,000 chats",
        rules.ddb_requests,
        rules.read_units,
        rules.write_units,
        rules.ws_posts,
        rules.total(ms)
    );
    let typed = chats.plus(&b.usage(typing), 10.0 * 10_000.0);
    println!(
        "    with a typing start and stop before each of the 10 messages: ${:.4}",
        typed.total(ms)
    );
    println!(
        "    every page view of the host site loads the widget (init): ${:.4} per 10,000 views",
        Usage::default().plus(&b.usage(init), 10_000.0).total(ms)
    );
    let messages_only = Usage::default()
        .plus(&b.usage(widget_message), 5.0 * 10_000.0)
        .plus(&b.usage(reply), 5.0 * 10_000.0);
    println!(
        "    the 10 messages alone (5 widget messages, 5 agent replies, two agents viewing): ${:.4}",
        messages_only.total(ms)
    );

    let per_ticket = Usage::default()
        .plus(&b.usage(inbound), 1.0)
        .plus(&b.usage(outbound), 2.0)
        .plus(&b.usage(answer), 1.0)
        .plus(&b.usage(view), 2.0)
        .plus(&b.usage(leave), 2.0)
        .plus(&b.usage(resolve), 1.0)
        .plus(&b.usage(fetch), 20.0 * inbox_fetch);
    let mut per_agent_day = Usage::default()
        .plus(&b.usage(login), 1.0)
        .plus(&b.usage(me), 1.0)
        .plus(&b.usage(list20), 20.0);
    per_agent_day.ws_minutes += 8.0 * 60.0;
    let month = Usage::default()
        .plus(&per_ticket, 1000.0)
        .plus(&per_agent_day, 20.0 * 22.0);
    print_workload(
        "(b) an organization of 20 agents handling 1,000 email tickets a month",
        &format!(
            "per ticket: the customer's mail, 2 replies mailed, the customer's answer, 2 views \
             and leaves, resolved{}; per agent and working day (22 a month): login, /me, 20 \
             list pages, 8 h of socket",
            if inbox_fetch > 0.0 {
                ", 20 inbox fetches of the new ticket"
            } else {
                ""
            }
        ),
        &month,
        None,
        ms,
    );

    println!();
    println!(
        "Lambda duration is priced at 128 MB arm64 from the handler time measured here (1 ms \
         granularity per invocation) plus {ms} ms per AWS call the operation made, as if every \
         call were sequential at in-region latency (loopback calls take far less)."
    );
    println!(
        "DynamoDB capacity: what {} reported in ConsumedCapacity for every request of the stack.",
        b.ddb.engine().unwrap_or_else(|| "the engine".to_string())
    );
    println!(
        "At rest: nothing here costs anything without traffic; storage (DynamoDB $0.25 per \
         GB-month, S3) and logs are billed by size."
    );
    Ok(())
}
