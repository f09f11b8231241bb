//! Lambda entry point of the `users-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("users-list").await
}
