//! Lambda entry point of the `tickets-get` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("tickets-get").await
}
