//! Lambda entry point of the `teams-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("teams-list").await
}
