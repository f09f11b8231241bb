//! Lambda entry point of the `users-update` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("users-update").await
}
