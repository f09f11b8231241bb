//! Lambda entry point of the `ws-disconnect` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-disconnect").await
}
