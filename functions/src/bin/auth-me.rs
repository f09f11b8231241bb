//! Lambda entry point of the `auth-me` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("auth-me").await
}
