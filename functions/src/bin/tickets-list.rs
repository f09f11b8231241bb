//! Lambda entry point of the `tickets-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("tickets-list").await
}
