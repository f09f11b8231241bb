//! Lambda entry point of the `auth-signup` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("auth-signup").await
}
