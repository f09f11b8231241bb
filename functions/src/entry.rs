//! What every Lambda binary runs: tracing, clients built once, then the handler loop.

use std::convert::Infallible;

use lambda_http::{Body, Request, Response, service_fn};
use wrrk_shared::App;
use wrrk_shared::http::ApiResult;

use crate::realtime::{self, WsRequest, WsResponse, WsResult};
use crate::registry;

/// Runs the function registered as `name` (HTTP, WebSocket or event) under the Lambda
/// runtime. An unknown name fails before any client is built.
pub async fn serve(name: &str) -> Result<(), lambda_http::Error> {
    wrrk_shared::telemetry::init_lambda();
    let known = registry::http_function(name).is_some()
        || registry::ws_function(name).is_some()
        || registry::event_function(name).is_some();
    if !known {
        let names: Vec<&str> = registry::all().map(|f| f.name).collect();
        return Err(format!(
            "no function is registered as {name:?} (the function's Handler); known: {}",
            names.join(", ")
        )
        .into());
    }
    let deploy_time = registry::event_function(name)
        .is_some_and(|f| f.trigger == registry::Trigger::CloudFormation);
    let app = if deploy_time {
        App::from_settings(wrrk_shared::app::Settings::from_env_without_sessions()?).await?
    } else {
        App::from_env().await?
    };
    if let Some(function) = registry::event_function(name) {
        return lambda_runtime::run(lambda_runtime::service_fn(
            move |event: lambda_runtime::LambdaEvent<serde_json::Value>| {
                let app = app.clone();
                async move { (function.handler)(app, event.payload).await }
            },
        ))
        .await;
    }
    if let Some(function) = registry::http_function(name) {
        return lambda_http::run(service_fn(move |req: Request| {
            let app = app.clone();
            async move { Ok::<_, Infallible>((function.handler)(app, req).await) }
        }))
        .await;
    }
    let function =
        registry::ws_function(name).ok_or_else(|| format!("{name} is not a WebSocket function"))?;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<WsRequest>| {
            let app = app.clone();
            async move { Ok::<_, Infallible>((function.handler)(app, event.payload).await) }
        },
    ))
    .await
}

/// Turns a WebSocket handler's result into its response. `$connect` refuses with the
/// error's status (the client's handshake fails); other routes always answer 200 and
/// send the error back as a frame.
pub async fn respond_ws(route: &str, result: impl Future<Output = WsResult>) -> WsResponse {
    match result.await {
        Ok(r) => r,
        Err(e) if route == "$connect" => {
            let body = wrrk_shared::http::ErrorBody {
                error: e.to_string(),
                code: e.code(),
                field: None,
            };
            let text = serde_json::to_string(&body).unwrap_or_default();
            realtime::response(i64::from(e.status()), Some(text))
        }
        Err(e) => {
            if e.status() >= 500 {
                tracing::error!(error = %e, route, "action failed");
            }
            realtime::error_frame(route, &e)
        }
    }
}

/// Turns a handler's result into the response: errors become their JSON answer, and
/// every answer tells browsers not to sniff a type other than the one declared.
pub async fn respond(result: impl Future<Output = ApiResult>) -> Response<Body> {
    let mut resp = result.await.unwrap_or_else(|e| e.into_response());
    resp.headers_mut().insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        http::HeaderValue::from_static("nosniff"),
    );
    resp
}
