//! Lambda entry point of the `organizations-update` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("organizations-update").await
}
