//! Lambda entry point of the `invitations-accept` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("invitations-accept").await
}
