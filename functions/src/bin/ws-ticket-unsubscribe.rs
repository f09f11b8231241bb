//! Lambda entry point of the `ws-ticket-unsubscribe` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-ticket-unsubscribe").await
}
