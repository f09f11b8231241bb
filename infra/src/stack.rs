//! Starting and stopping the whole local stack in one process.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use axum::Router;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use tokio::task::JoinHandle;
use wrrk_shared::{App, Endpoints, Settings};

use crate::dynamo::{self, Engine};
use crate::http_api::{self, Gateway};
use crate::meter::Meter;
use crate::s3::{LOCAL_BUCKET, LocalS3};
use crate::seed::{self, DemoLogin};
use crate::ses::{self, Identities, Outbox, Ses};
use crate::smtp::{self, Verdicts};
use crate::static_site::{self, Sites};
use crate::template::Template;
use crate::websocket::{self, WsGateway};

/// How to start the stack.
#[derive(Debug, Clone)]
pub struct Options {
    /// HTTP API port (0 picks a free one).
    pub port: u16,
    /// WebSocket API port (0 picks a free one).
    pub ws_port: u16,
    /// Where data lives; `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// Create a demo organization when the database is new.
    pub seed_demo: bool,
    /// Print progress to stderr while starting.
    pub progress: bool,
    /// How often expired TTL items are deleted.
    pub ttl_sweep_every: Duration,
    /// Use this DynamoDB endpoint instead of the embedded engine (each stack then gets its
    /// own table, so many stacks can share one engine).
    pub external_dynamodb: Option<String>,
    /// The built front ends to serve (dashboard at `/`, widget at `/widget.js`).
    pub sites: Sites,
    /// Template parameter values (as `sam deploy --parameter-overrides` gives them).
    /// `AllowedOrigin` defaults to the stack's own address, so no other web page can call
    /// the local API from a browser.
    pub parameters: BTreeMap<String, String>,
    /// Port of the SMTP door (0 picks a free one; `None` opens none).
    pub smtp_port: Option<u16>,
}

impl Options {
    /// A throwaway in-memory stack on a random port, silent: what tests use. With
    /// `WRRK_TEST_DYNAMODB_ENDPOINT` set, it runs against that engine instead (the test
    /// command points it at Amazon's DynamoDB Local for a fidelity pass).
    pub fn for_tests() -> Self {
        Self {
            port: 0,
            ws_port: 0,
            data_dir: None,
            seed_demo: false,
            progress: false,
            ttl_sweep_every: Duration::from_secs(3600),
            external_dynamodb: std::env::var("WRRK_TEST_DYNAMODB_ENDPOINT")
                .ok()
                .filter(|s| !s.is_empty()),
            sites: Sites::default(),
            parameters: BTreeMap::new(),
            smtp_port: Some(0),
        }
    }
}

/// A running local stack. Dropping it stops everything.
pub struct LocalStack {
    /// Base URL of the HTTP API.
    pub http_url: String,
    /// URL of the WebSocket API (`ws://...`).
    pub ws_url: String,
    /// The emulated WebSocket API (its open connections).
    pub websocket: Arc<WsGateway>,
    /// Endpoint of the emulated AWS services (SES) that handlers are pointed at.
    pub aws_endpoint: String,
    /// Endpoint of the embedded DynamoDB engine.
    pub dynamodb_endpoint: String,
    /// The handlers' context (same clients the handlers use).
    pub app: App,
    /// Mail sent through SES.
    pub outbox: Outbox,
    /// Sender identities in the local SES.
    pub ses_identities: Identities,
    /// The template the stack serves.
    pub template: Template,
    /// The template parameter values it runs with.
    pub parameters: BTreeMap<String, String>,
    /// Set when a demo organization was created on this start.
    pub demo: Option<DemoLogin>,
    /// The embedded engine.
    pub engine: Engine,
    /// Endpoint of the local S3.
    pub s3_endpoint: String,
    /// The SMTP door's address, when it is open.
    pub smtp_addr: Option<SocketAddr>,
    /// What the stack did, counted as AWS bills it (`wrrk-bench cost` reads it).
    pub meter: Arc<Meter>,
    s3: LocalS3,
    tasks: Vec<JoinHandle<()>>,
}

/// SDK configuration for local endpoints: fixed region and dummy credentials.
pub fn local_sdk_config() -> SdkConfig {
    SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "local",
            "local",
            None,
            None,
            "wrrk-local",
        )))
        .behavior_version(BehaviorVersion::latest())
        .build()
}

struct Progress {
    on: bool,
}

impl Progress {
    async fn step<T>(
        &self,
        what: &str,
        f: impl Future<Output = anyhow::Result<T>>,
    ) -> anyhow::Result<T> {
        let started = Instant::now();
        if self.on {
            eprint!("  {what} ...");
        }
        let out = f.await;
        if self.on {
            match &out {
                Ok(_) => eprintln!(" ok ({} ms)", started.elapsed().as_millis()),
                Err(_) => eprintln!(" failed"),
            }
        }
        out
    }
}

fn jwt_secret(data_dir: Option<&PathBuf>) -> anyhow::Result<String> {
    let Some(dir) = data_dir else {
        return Ok(wrrk_shared::ids::new_secret());
    };
    let path = dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => Ok(s.trim().to_string()),
        _ => {
            let s = wrrk_shared::ids::new_secret();
            write_private(&path, &s).with_context(|| format!("writing {}", path.display()))?;
            Ok(s)
        }
    }
}

/// Writes a secret readable by its owner only (mode 0600 from the start, never wider).
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents.as_bytes())
}

/// Serves `router` on `listener` in a task (peer addresses available to handlers).
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> JoinHandle<()> {
    // Small frames and responses go out at once instead of waiting out Nagle's algorithm
    // against the peer's delayed ACK (a 40 ms stall on loopback).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, service).await {
            tracing::error!(error = %e, "listener stopped");
        }
    })
}

impl LocalStack {
    /// Starts the engine, creates the table from the template, binds the HTTP API and the
    /// AWS service endpoints, and seeds a demo organization on a new database.
    pub async fn start(opts: Options) -> anyhow::Result<Self> {
        let progress = Progress { on: opts.progress };
        let template = Template::embedded()?;
        if let Some(dir) = &opts.data_dir {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let engine = match &opts.external_dynamodb {
            Some(endpoint) => Engine::external(endpoint.clone()),
            None => {
                progress
                    .step(
                        "starting the DynamoDB engine",
                        Engine::start(opts.data_dir.as_deref()),
                    )
                    .await?
            }
        };
        let table_name = match opts.external_dynamodb {
            Some(_) => format!("wrrk-{}", wrrk_shared::ids::new_id().to_lowercase()),
            None => "wrrk".to_string(),
        };
        engine.spawn_ttl_sweeper(opts.ttl_sweep_every);

        let aws_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let aws_endpoint = format!("http://{}", aws_listener.local_addr()?);
        let http_listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.port))
            .await
            .with_context(|| format!("port {} is taken (use --port)", opts.port))?;
        let http_url = format!("http://{}", http_listener.local_addr()?);
        let ws_listener = tokio::net::TcpListener::bind(("127.0.0.1", opts.ws_port))
            .await
            .with_context(|| format!("port {} is taken (use --ws-port)", opts.ws_port))?;
        let ws_addr = ws_listener.local_addr()?;

        let mut parameters: BTreeMap<String, String> = template
            .parameters
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .collect();
        parameters.insert("AllowedOrigin".into(), http_url.clone());
        parameters.extend(opts.parameters.clone());

        let bucket_cors = template
            .bucket_cors
            .iter()
            .map(|c| http_api::resolve(c, &parameters))
            .collect();
        let meter = Arc::new(Meter::default());
        let s3 = progress
            .step(
                "starting local S3",
                LocalS3::start(
                    opts.data_dir.as_ref().map(|d| d.join("s3")).as_deref(),
                    bucket_cors,
                    meter.clone(),
                ),
            )
            .await?;
        let settings = Settings {
            table_name,
            jwt_secret: jwt_secret(opts.data_dir.as_ref())?,
            token_ttl_seconds: wrrk_shared::app::DEFAULT_TOKEN_TTL_SECONDS,
            app_url: http_url.clone(),
            // A local stack is the developer's own: anyone may sign up, unless it is started
            // with PublicSignup=false (as a deployed stack is by default).
            signup_open: opts
                .parameters
                .get("PublicSignup")
                .is_none_or(|v| v == "true"),
            mail_from: "wrrk <support@wrrk.local>".into(),
            websocket_endpoint: Some(format!("http://{ws_addr}/{}", websocket::STAGE)),
            inbound_domain: "wrrk.local".into(),
            bucket_name: LOCAL_BUCKET.into(),
        };
        let sdk = local_sdk_config();
        let endpoints = Endpoints {
            dynamodb: Some(engine.endpoint.clone()),
            sesv2: Some(aws_endpoint.clone()),
            s3: Some(s3.endpoint.clone()),
        };
        let app = App::new(&sdk, settings, &endpoints);

        let fresh = progress
            .step("creating the table from template.yaml", async {
                let client = aws_sdk_dynamodb::Client::from_conf(
                    aws_sdk_dynamodb::config::Builder::from(&sdk)
                        .endpoint_url(&engine.endpoint)
                        .build(),
                );
                dynamo::ensure_table(&client, app.store.table(), &template.table).await
            })
            .await?;

        let outbox = Outbox::open(opts.data_dir.as_ref().map(|d| d.join("outbox")))?;
        let gateway = Arc::new(
            Gateway::new(app.clone(), &template, opts.sites.clone(), &parameters)?
                .with_meter(meter.clone()),
        );
        let ws_gateway = Arc::new(
            WsGateway::new(app.clone(), &template, ws_addr.to_string())?.with_meter(meter.clone()),
        );
        // The stack sends from its own domain, verified from the start as a deployment's is.
        let own_domains: Vec<&str> = [
            app.settings.inbound_domain.as_str(),
            app.settings
                .mail_from
                .rsplit_once('@')
                .map_or("", |(_, d)| d.trim_end_matches('>')),
        ]
        .into_iter()
        .filter(|d| !d.is_empty())
        .collect();
        let ses_identities = Identities::open(
            opts.data_dir
                .as_ref()
                .map(|d| d.join("ses-identities.json")),
            &own_domains,
        )?;
        let ses_state = Ses {
            outbox: outbox.clone(),
            identities: ses_identities.clone(),
        };
        let aws = Router::new()
            .route("/v2/email/outbound-emails", post(ses::send_email))
            // Replies carry files: axum's 2 MB default would refuse them before SES's rules.
            .layer(axum::extract::DefaultBodyLimit::max(ses::MAX_REQUEST_BYTES))
            .route("/v2/email/identities", post(ses::create_identity))
            .route(
                "/v2/email/identities/{identity}",
                get(ses::get_identity).delete(ses::delete_identity),
            )
            .with_state(ses_state.clone());
        let config = {
            let (api, ws) = (http_url.clone(), format!("ws://{ws_addr}"));
            move || std::future::ready(static_site::config_json(&api, &ws))
        };
        let http = Router::new()
            .route("/config.json", get(config))
            .route("/_local/outbox", get(ses::list))
            .route("/_local/outbox/fail", post(ses::fail))
            .route(
                "/_local/ses/identities/{identity}/verify",
                post(ses::verify_identity),
            )
            .with_state(ses_state)
            .merge(
                Router::new()
                    .fallback(http_api::dispatch)
                    .with_state(gateway),
            );
        let mut tasks = vec![
            serve(aws_listener, aws).await,
            serve(http_listener, http).await,
            serve(ws_listener, ws_gateway.clone().router()).await,
        ];
        let mut smtp_addr = None;
        if let Some(port) = opts.smtp_port {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .with_context(|| format!("port {port} is taken (use --smtp-port)"))?;
            smtp_addr = Some(listener.local_addr()?);
            let (app, meter) = (app.clone(), meter.clone());
            let deliver: smtp::Deliver = Arc::new(move |raw, from, to| {
                let (app, meter) = (app.clone(), meter.clone());
                Box::pin(async move {
                    deliver_mail(&app, &meter, raw, &from, &to, &Verdicts::default())
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("{e:#}"))
                })
            });
            tasks.push(smtp::spawn(listener, deliver));
        }
        // EventBridge's schedules: every scheduled function runs on its rate.
        tasks.push(spawn_schedules(app.clone(), meter.clone()));

        let demo = if fresh && opts.seed_demo {
            Some(
                progress
                    .step(
                        "creating the demo organization",
                        seed::create_demo(&app, &http_url),
                    )
                    .await?,
            )
        } else {
            None
        };
        Ok(Self {
            http_url,
            ws_url: format!("ws://{ws_addr}"),
            websocket: ws_gateway,
            aws_endpoint,
            dynamodb_endpoint: engine.endpoint.clone(),
            app,
            outbox,
            ses_identities,
            template,
            parameters,
            demo,
            engine,
            s3_endpoint: s3.endpoint.clone(),
            smtp_addr,
            meter,
            s3,
            tasks,
        })
    }

    /// Delivers raw mail as SES inbound would, with these verdicts: stores it in S3 and
    /// invokes the inbound-mail function with the SES event; its answer.
    pub async fn deliver_mail(
        &self,
        raw: &[u8],
        envelope_from: &str,
        recipients: &[String],
        verdicts: &Verdicts,
    ) -> anyhow::Result<serde_json::Value> {
        deliver_mail(
            &self.app,
            &self.meter,
            raw.to_vec(),
            envelope_from,
            recipients,
            verdicts,
        )
        .await
    }

    /// Runs a scheduled function now with an EventBridge event whose `time` is `at`.
    pub async fn run_schedule(
        &self,
        name: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<serde_json::Value> {
        let f = wrrk_functions::registry::event_function(name)
            .with_context(|| format!("no event function {name}"))?;
        metered(
            &self.meter,
            name,
            (f.handler)(self.app.clone(), schedule_event(name, at)),
        )
        .await
        .map_err(|e| anyhow::anyhow!(e))
    }

    /// Invokes event function `name` with `event`, as `aws lambda invoke` does (the
    /// operator's commands, e.g. `email-retry` with `{"failedSends": "replay"}`).
    pub async fn invoke(
        &self,
        name: &str,
        event: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        let f = wrrk_functions::registry::event_function(name)
            .with_context(|| format!("no event function {name}"))?;
        metered(&self.meter, name, (f.handler)(self.app.clone(), event))
            .await
            .map_err(|e| anyhow::anyhow!(e))
    }

    /// Where the local S3 keeps its objects.
    pub fn s3_root(&self) -> &std::path::Path {
        &self.s3.root
    }

    /// A DynamoDB client for the embedded engine (tests inspect the table with it).
    pub fn dynamodb_client(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&local_sdk_config())
                .endpoint_url(&self.dynamodb_endpoint)
                .build(),
        )
    }
}

/// An EventBridge scheduled event.
fn schedule_event(name: &str, at: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    serde_json::json!({
        "version": "0",
        "id": ulid::Ulid::new().to_string(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "region": ses::REGION,
        "resources": [format!("arn:aws:events:us-east-1:000000000000:rule/{name}")],
        "detail": {}
    })
}

/// Awaits a function's run, counting it as an invocation of `name`.
async fn metered<T>(meter: &Meter, name: &str, run: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = run.await;
    meter.invocation(name, started.elapsed());
    out
}

/// Runs each scheduled function every minute (the template's rates are minutes).
fn spawn_schedules(app: App, meter: Arc<Meter>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            for f in wrrk_functions::registry::EVENT_FUNCTIONS {
                if !matches!(
                    f.trigger,
                    wrrk_functions::registry::Trigger::Schedule { .. }
                ) {
                    continue;
                }
                let run = (f.handler)(app.clone(), schedule_event(f.name, chrono::Utc::now()));
                if let Err(e) = metered(&meter, f.name, run).await {
                    tracing::error!(function = f.name, error = %e, "scheduled run failed");
                }
            }
        }
    })
}

/// SES inbound: the raw mail into S3 under `inbound/{id}`, then the receipt rule's
/// Lambda action (every SES-inbound function) with the event.
async fn deliver_mail(
    app: &App,
    meter: &Meter,
    raw: Vec<u8>,
    envelope_from: &str,
    recipients: &[String],
    verdicts: &Verdicts,
) -> anyhow::Result<serde_json::Value> {
    let id = smtp::ses_message_id();
    let event = smtp::ses_event(&id, &raw, envelope_from, recipients, verdicts);
    app.s3
        .put_object()
        .bucket(&app.settings.bucket_name)
        .key(format!("inbound/{id}"))
        .body(raw.into())
        .send()
        .await
        .context("storing the mail in S3")?;
    meter.mail_received();
    let mut last = serde_json::Value::Null;
    for f in wrrk_functions::registry::EVENT_FUNCTIONS {
        if f.trigger == wrrk_functions::registry::Trigger::SesInbound {
            last = metered(meter, f.name, (f.handler)(app.clone(), event.clone()))
                .await
                .map_err(|e| anyhow::anyhow!("{} failed: {e}", f.name))?;
        }
    }
    Ok(last)
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
