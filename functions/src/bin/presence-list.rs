//! Lambda entry point of the `presence-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("presence-list").await
}
