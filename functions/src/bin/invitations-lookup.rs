//! Lambda entry point of the `invitations-lookup` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("invitations-lookup").await
}
