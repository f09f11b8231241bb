//! What every Lambda binary runs: tracing, clients built once, then the handler loop.

use std::convert::Infallible;

use lambda_http::{Body, Request, Response, service_fn};
use wrrk_shared::App;
use wrrk_shared::http::ApiResult;

use crate::registry;

/// Runs the HTTP function registered as `binary` under the Lambda runtime.
pub async fn serve(binary: &str) -> Result<(), lambda_http::Error> {
    wrrk_shared::telemetry::init_lambda();
    let function = registry::http_function(binary)
        .ok_or_else(|| format!("no HTTP function is registered as {binary}"))?;
    let app = App::from_env().await?;
    lambda_http::run(service_fn(move |req: Request| {
        let app = app.clone();
        async move { Ok::<_, Infallible>((function.handler)(app, req).await) }
    }))
    .await
}

/// Turns a handler's result into the response: errors become their JSON answer.
pub async fn respond(result: impl Future<Output = ApiResult>) -> Response<Body> {
    result.await.unwrap_or_else(|e| e.into_response())
}
