//! Lambda entry point of the `ws-connect` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-connect").await
}
