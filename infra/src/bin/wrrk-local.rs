//! `wrrk-local`: the whole stack on loopback, no AWS account, no Docker.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use wrrk_local::static_site::Sites;
use wrrk_local::{LocalStack, Options};

/// Runs wrrk's Lambda handlers locally, as API Gateway would, with embedded engines.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Port of the HTTP API.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Port of the WebSocket API.
    #[arg(long, default_value_t = 3001)]
    ws_port: u16,
    /// Where the database and the outbox are kept.
    #[arg(long, default_value = ".wrrk")]
    data_dir: PathBuf,
    /// Keep everything in memory (a throwaway run).
    #[arg(long)]
    in_memory: bool,
    /// Do not create the demo organization on a new database.
    #[arg(long)]
    no_demo: bool,
    /// Port of the SMTP door that feeds mail to the inbound function as SES would.
    #[arg(long, default_value_t = 2525)]
    smtp_port: u16,
    /// The built dashboard to serve at `/`.
    #[arg(long, default_value = "dashboard/dist")]
    dashboard_dir: PathBuf,
    /// An origin allowed to call the API from a browser (CORS), besides the stack's own
    /// address (for a dashboard served elsewhere, e.g. a Vite dev server).
    #[arg(long)]
    allowed_origin: Option<String>,
    /// The built widget (`widget.js`, `demo.html`) to serve at `/widget.js`.
    #[arg(long, default_value = "widget/dist")]
    widget_dir: PathBuf,
    /// Serve the front ends as they are, without building them first.
    #[arg(long)]
    no_build: bool,
    /// Print the OpenAPI document (what `openapi.json` holds) and exit.
    #[arg(long)]
    print_openapi: bool,
    /// Print `template.yaml` with its functions regenerated from the registry, and exit.
    #[arg(long)]
    print_template: bool,
    /// Regenerate the functions in the repository's `template.yaml` in place, and exit
    /// (a shell redirect into the file would empty it before a rebuild reads it).
    #[arg(long)]
    write_template: bool,
}

/// mimalloc, as the Lambda binary uses (glibc's malloc and free were a fifth of the CPU
/// samples under load).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    wrrk_shared::telemetry::init_local();
    let args = Args::parse();
    if args.print_openapi {
        print!("{}", wrrk_functions::openapi::document_json());
        return Ok(());
    }
    if args.print_template {
        print!("{}", wrrk_local::template::generated_template()?);
        return Ok(());
    }
    if args.write_template {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml");
        let current = std::fs::read_to_string(path)?;
        let next =
            wrrk_functions::template::splice(&current, &wrrk_functions::template::generated())
                .map_err(anyhow::Error::msg)?;
        std::fs::write(path, next)?;
        eprintln!("wrrk-local: template.yaml regenerated");
        return Ok(());
    }
    eprintln!("wrrk-local: starting");
    if !args.no_build {
        // `dashboard/dist` is built from `dashboard/`, `widget/dist` from `widget/`.
        for (dist, marker) in [
            (&args.dashboard_dir, "index.html"),
            (&args.widget_dir, "widget.js"),
        ] {
            if let Some(project) = dist.parent().filter(|p| !p.as_os_str().is_empty())
                && let Err(e) = wrrk_local::front_ends::ensure_built(project, marker)
            {
                eprintln!("  {e:#}: serving the API without it");
            }
        }
    }
    let stack_sites = Sites {
        dashboard: (args.dashboard_dir.join("index.html").is_file())
            .then(|| args.dashboard_dir.clone()),
        widget: (args.widget_dir.join("widget.js").is_file()).then(|| args.widget_dir.clone()),
    };
    let stack = LocalStack::start(Options {
        port: args.port,
        ws_port: args.ws_port,
        data_dir: (!args.in_memory).then(|| args.data_dir.clone()),
        seed_demo: !args.no_demo,
        progress: true,
        ttl_sweep_every: Duration::from_secs(30),
        external_dynamodb: None,
        sites: stack_sites.clone(),
        parameters: args
            .allowed_origin
            .iter()
            .map(|o| ("AllowedOrigin".to_string(), o.clone()))
            .collect(),
        smtp_port: Some(args.smtp_port),
    })
    .await?;
    let functions = stack.template.functions.len();
    eprintln!();
    eprintln!(
        "  HTTP API      {}/api  ({functions} functions from template.yaml)",
        stack.http_url
    );
    eprintln!(
        "  WebSocket API {}/?token=<session token>  ({} routes)",
        stack.ws_url,
        stack.template.websocket_routes.len()
    );
    match &stack_sites.dashboard {
        Some(_) => eprintln!("  Dashboard     {}/", stack.http_url),
        None => eprintln!("  Dashboard     not built (cd dashboard && npm ci && npm run build)"),
    }
    if stack_sites.widget.is_some() {
        eprintln!("  Widget demo   {}/widget-demo", stack.http_url);
    }
    eprintln!("  Outbox        {}/_local/outbox", stack.http_url);
    if let Some(addr) = stack.smtp_addr {
        eprintln!(
            "  SMTP          {addr}  (mail to an organization's supportAddress opens tickets)"
        );
    }
    eprintln!("  S3            {}  (bucket wrrk-mail)", stack.s3_endpoint);
    eprintln!("  DynamoDB      {}", stack.dynamodb_endpoint);
    eprintln!("  AWS services  {}  (SESv2)", stack.aws_endpoint);
    match &args.in_memory {
        true => eprintln!("  Data          in memory (lost on exit)"),
        false => eprintln!("  Data          {}", args.data_dir.display()),
    }
    if let Some(demo) = &stack.demo {
        eprintln!();
        eprintln!("  Demo login: {} / {}", demo.email, demo.password);
        eprintln!(
            "    curl -s {}/api/auth/login -H 'content-type: application/json' \\\n      -d '{{\"email\":\"{}\",\"password\":\"{}\"}}'",
            stack.http_url, demo.email, demo.password
        );
    }
    eprintln!();
    eprintln!("Ready. Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    eprintln!("wrrk-local: stopping");
    drop(stack);
    Ok(())
}
