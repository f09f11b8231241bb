//! The per-process context a handler receives: clients built once at cold start.

use std::ops::Deref;
use std::sync::Arc;

use anyhow::Context;
use aws_config::{BehaviorVersion, SdkConfig};

use crate::auth::token::TokenKeys;
use crate::email::transport::Mailer;
use crate::realtime::{POST_TIMEOUT, Publisher};
use crate::store::Store;
use crate::store::cursor::CursorCodec;

/// Settings every handler reads: environment variables in Lambda, flags in the local stack.
#[derive(Clone)]
pub struct Settings {
    /// The single DynamoDB table.
    pub table_name: String,
    /// HMAC secret that signs session tokens and cursors.
    pub jwt_secret: String,
    /// How long a session token lives.
    pub token_ttl_seconds: i64,
    /// Base URL of the dashboard, used in links sent by email; empty in a stack without a
    /// custom domain, where the deploy stores CloudFront's domain (see [`App::app_url`]).
    pub app_url: String,
    /// Whether anyone may create an organization; otherwise only the holder of the
    /// deployment's one-time setup link may, once.
    pub signup_open: bool,
    /// The `From` address of outbound mail.
    pub mail_from: String,
    /// The WebSocket API's management endpoint (`https://{api}.execute-api.{region}.
    /// amazonaws.com/{stage}`); without it nothing is published.
    pub websocket_endpoint: Option<String>,
    /// The domain inbound mail arrives at: support addresses `{slug}@` and reply
    /// addresses `reply+{token}@` live under it.
    pub inbound_domain: String,
    /// The bucket of raw inbound mail and attachments.
    pub bucket_name: String,
}

impl std::fmt::Debug for Settings {
    // Hand-written so the secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("table_name", &self.table_name)
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("app_url", &self.app_url)
            .field("signup_open", &self.signup_open)
            .field("mail_from", &self.mail_from)
            .field("websocket_endpoint", &self.websocket_endpoint)
            .field("inbound_domain", &self.inbound_domain)
            .field("bucket_name", &self.bucket_name)
            .finish_non_exhaustive()
    }
}

/// Default session length: a working day and a half.
pub const DEFAULT_TOKEN_TTL_SECONDS: i64 = 36 * 3600;

impl Settings {
    /// Reads the settings a deployed function gets from `template.yaml`.
    pub fn from_env() -> anyhow::Result<Self> {
        let jwt_secret = std::env::var("JWT_SECRET").context("JWT_SECRET is not set")?;
        anyhow::ensure!(
            jwt_secret.len() >= 32,
            "JWT_SECRET must be at least 32 characters"
        );
        Self::from_env_with_secret(jwt_secret)
    }

    /// The settings of a function that signs nothing (the deploy-time custom resources,
    /// which generate the secret the others get): a random secret nobody else holds.
    pub fn from_env_without_sessions() -> anyhow::Result<Self> {
        Self::from_env_with_secret(crate::ids::new_secret())
    }

    fn from_env_with_secret(jwt_secret: String) -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).with_context(|| format!("{name} is not set"));
        Ok(Self {
            table_name: var("TABLE_NAME")?,
            jwt_secret,
            token_ttl_seconds: std::env::var("TOKEN_TTL_SECONDS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_TOKEN_TTL_SECONDS),
            app_url: var("APP_URL").unwrap_or_default(),
            // Closed unless the stack opens it (PublicSignup); wrrk-local opens it.
            signup_open: var("SIGNUP").is_ok_and(|v| v == "open"),
            mail_from: var("MAIL_FROM").unwrap_or_else(|_| "wrrk <support@wrrk.local>".into()),
            websocket_endpoint: var("WEBSOCKET_ENDPOINT").ok().filter(|s| !s.is_empty()),
            inbound_domain: var("INBOUND_DOMAIN")
                .map(|d| d.trim().to_lowercase())
                .unwrap_or_else(|_| "wrrk.local".into()),
            bucket_name: var("BUCKET_NAME").unwrap_or_default(),
        })
    }
}

/// Per-service endpoint overrides; the local stack sets them, AWS leaves them empty.
#[derive(Clone, Debug, Default)]
pub struct Endpoints {
    /// DynamoDB endpoint (the embedded engine locally).
    pub dynamodb: Option<String>,
    /// SESv2 endpoint (the local outbox).
    pub sesv2: Option<String>,
    /// S3 endpoint (the local S3-compatible server); path-style addressing when set.
    pub s3: Option<String>,
}

/// Amazon Trust Services' root certificates: every AWS endpoint's certificate chains to
/// one of them.
const AWS_ROOTS: &str = include_str!("aws-roots.pem");

/// The SDK's HTTPS client trusting [`AWS_ROOTS`] only. The default client reads the
/// system's whole root store (a bundle and a directory of some 150 files) while the
/// function starts, about half of a cold start; five roots parse in a fraction of that.
fn aws_https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
    let trust = TrustStore::empty().with_pem_certificate(AWS_ROOTS.as_bytes());
    let builder = aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(
        tls::rustls_provider::CryptoMode::AwsLc,
    ));
    match TlsContext::builder().with_trust_store(trust).build() {
        Ok(context) => builder.tls_context(context).build_https(),
        // Building a context cannot fail today; if it ever does, trust the system's roots.
        Err(_) => builder.build_https(),
    }
}

/// Whether an `AWS_ENDPOINT_URL*` variable points a client at another HTTPS endpoint,
/// which may present any certificate: the system's roots are trusted then. (Plain-HTTP
/// endpoints, like the local stack's, need no roots at all.)
fn endpoint_overridden() -> bool {
    std::env::vars_os().any(|(k, v)| {
        k.to_string_lossy().starts_with("AWS_ENDPOINT_URL")
            && v.to_string_lossy()
                .to_ascii_lowercase()
                .starts_with("https://")
    })
}

/// Under an AWS emulator (`AWS_ENDPOINT_URL` set, as emulators set it for the functions
/// they run), the WebSocket API's management endpoint
/// `https://{api}.execute-api.{region}.{suffix}/{stage}` would leave the machine; emulators
/// serve it at `{AWS_ENDPOINT_URL}/_aws/execute-api/{api}/{stage}`. In AWS: `None`.
fn emulated_management_endpoint(url: &str) -> Option<String> {
    let base = std::env::var("AWS_ENDPOINT_URL")
        .ok()
        .filter(|s| !s.is_empty())?;
    let (host, stage) = url.strip_prefix("https://")?.split_once('/')?;
    let (api, _) = host.split_once(".execute-api.")?;
    Some(format!(
        "{}/_aws/execute-api/{api}/{stage}",
        base.trim_end_matches('/')
    ))
}

/// Everything a handler needs, cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct App(Arc<AppInner>);

/// The contents of [`App`].
pub struct AppInner {
    /// Single-table DynamoDB access.
    pub store: Store,
    /// Session token signing and verification.
    pub tokens: TokenKeys,
    /// Opaque, tamper-proof pagination cursors.
    pub cursors: CursorCodec,
    /// Outbound email through SESv2.
    pub mailer: Mailer,
    /// Server events to WebSocket connections.
    pub publisher: Publisher,
    /// The bucket of raw mail and attachments.
    pub s3: aws_sdk_s3::Client,
    /// The settings the clients were built from.
    pub settings: Settings,
    /// The app's URL once read from the table (a stack without a custom domain).
    stored_app_url: tokio::sync::OnceCell<String>,
}

impl Deref for App {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl App {
    /// Builds the context inside Lambda: SDK configuration and settings from the environment
    /// (`AWS_ENDPOINT_URL_<SERVICE>` still overrides endpoints, as the SDK documents).
    pub async fn from_env() -> anyhow::Result<Self> {
        Self::from_settings(Settings::from_env()?).await
    }

    /// [`App::from_env`] with settings read some other way.
    pub async fn from_settings(mut settings: Settings) -> anyhow::Result<Self> {
        if let Some(url) = settings
            .websocket_endpoint
            .as_deref()
            .and_then(emulated_management_endpoint)
        {
            settings.websocket_endpoint = Some(url);
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if !endpoint_overridden() {
            loader = loader.http_client(aws_https_client());
        }
        let sdk = loader.load().await;
        Ok(Self::new(&sdk, settings, &Endpoints::default()))
    }

    /// Builds the context from an SDK configuration, with optional endpoint overrides.
    pub fn new(sdk: &SdkConfig, settings: Settings, endpoints: &Endpoints) -> Self {
        let mut dynamo = aws_sdk_dynamodb::config::Builder::from(sdk);
        if let Some(url) = &endpoints.dynamodb {
            dynamo = dynamo.endpoint_url(url);
        }
        let mut ses = aws_sdk_sesv2::config::Builder::from(sdk);
        if let Some(url) = &endpoints.sesv2 {
            ses = ses.endpoint_url(url);
        }
        let mut s3 = aws_sdk_s3::config::Builder::from(sdk);
        if let Some(url) = &endpoints.s3 {
            s3 = s3.endpoint_url(url).force_path_style(true);
        }
        let publisher = Publisher::new(settings.websocket_endpoint.as_ref().map(|url| {
            let timeouts = aws_config::timeout::TimeoutConfig::builder()
                .operation_timeout(POST_TIMEOUT)
                .build();
            aws_sdk_apigatewaymanagement::Client::from_conf(
                aws_sdk_apigatewaymanagement::config::Builder::from(sdk)
                    .endpoint_url(url)
                    .timeout_config(timeouts)
                    .build(),
            )
        }));
        let store = Store::new(
            aws_sdk_dynamodb::Client::from_conf(dynamo.build()),
            settings.table_name.clone(),
        );
        Self(Arc::new(AppInner {
            store,
            tokens: TokenKeys::new(settings.jwt_secret.as_bytes(), settings.token_ttl_seconds),
            cursors: CursorCodec::new(settings.jwt_secret.as_bytes()),
            mailer: Mailer::new(
                aws_sdk_sesv2::Client::from_conf(ses.build()),
                settings.mail_from.clone(),
            ),
            publisher,
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            settings,
            stored_app_url: tokio::sync::OnceCell::new(),
        }))
    }

    /// The app's base URL (no trailing slash) for links in mail: the `APP_URL` setting,
    /// else the one the deploy stored (CloudFront's domain cannot be a function's input:
    /// the distribution fronts the APIs, which front the functions). Read once.
    pub async fn app_url(&self) -> anyhow::Result<String> {
        if !self.settings.app_url.is_empty() {
            return Ok(self.settings.app_url.trim_end_matches('/').to_string());
        }
        let url = self
            .stored_app_url
            .get_or_try_init(|| async {
                match self.store.app_url().await {
                    Ok(Some(url)) => Ok(url.trim_end_matches('/').to_string()),
                    Ok(None) => Err(anyhow::anyhow!(
                        "APP_URL is empty and the deploy stored no app URL"
                    )),
                    Err(e) => Err(anyhow::Error::new(e).context("reading the app's URL")),
                }
            })
            .await?;
        Ok(url.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aws_roots_are_amazon_trust_services_five() {
        assert_eq!(AWS_ROOTS.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        assert_eq!(AWS_ROOTS.matches("-----END CERTIFICATE-----").count(), 5);
        // The client builds (the roots are parsed when it first connects).
        let _ = aws_https_client();
    }
}
