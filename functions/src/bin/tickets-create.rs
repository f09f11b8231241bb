//! Lambda entry point of the `tickets-create` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("tickets-create").await
}
