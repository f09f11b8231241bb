//! Lambda entry point of the `ws-ticket-subscribe` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-ticket-subscribe").await
}
