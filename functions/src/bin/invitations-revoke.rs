//! Lambda entry point of the `invitations-revoke` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("invitations-revoke").await
}
