//! Lambda entry point of the `auth-login` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("auth-login").await
}
