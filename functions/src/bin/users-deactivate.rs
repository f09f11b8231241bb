//! Lambda entry point of the `users-deactivate` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("users-deactivate").await
}
