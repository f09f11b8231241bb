//! Lambda entry point of the `ticket-messages-create` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ticket-messages-create").await
}
