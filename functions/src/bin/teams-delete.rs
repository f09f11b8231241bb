//! Lambda entry point of the `teams-delete` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("teams-delete").await
}
