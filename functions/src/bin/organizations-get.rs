//! Lambda entry point of the `organizations-get` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("organizations-get").await
}
