//! Lambda entry point of the `teams-update` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("teams-update").await
}
