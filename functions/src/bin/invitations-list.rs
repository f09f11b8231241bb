//! Lambda entry point of the `invitations-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("invitations-list").await
}
