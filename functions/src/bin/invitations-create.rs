//! Lambda entry point of the `invitations-create` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("invitations-create").await
}
