//! Lambda entry point of the `users-get` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("users-get").await
}
