//! The answer to CloudFormation: a JSON document PUT to the request's presigned URL.

use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use serde::Serialize;

use super::Data;

/// The response object CloudFormation expects.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Answer<'a> {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub physical_resource_id: String,
    pub stack_id: &'a str,
    pub request_id: &'a str,
    pub logical_resource_id: &'a str,
    pub no_echo: bool,
    pub data: Data,
}

/// PUTs `answer` to `url` (HTTPS in AWS, trusting the system's roots; plain HTTP on an
/// emulator). The presigned URL signs no content type, so none is sent.
pub(super) async fn send(url: &str, answer: &Answer<'_>) -> anyhow::Result<()> {
    let body = serde_json::to_vec(answer)?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .context("loading the system's root certificates")?
        .https_or_http()
        .enable_http1()
        .build();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(https);
    let request = http::Request::put(url)
        .header(http::header::CONTENT_LENGTH, body.len())
        .body(Full::new(Bytes::from(body)))
        .context("the ResponseURL is not a URL")?;
    let response = client
        .request(request)
        .await
        .context("answering CloudFormation")?;
    anyhow::ensure!(
        response.status().is_success(),
        "CloudFormation's ResponseURL answered {}",
        response.status()
    );
    Ok(())
}
