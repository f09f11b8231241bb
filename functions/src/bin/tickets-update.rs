//! Lambda entry point of the `tickets-update` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("tickets-update").await
}
