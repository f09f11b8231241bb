//! Lambda entry point of the `ticket-messages-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ticket-messages-list").await
}
