//! Lambda entry point of the `teams-get` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("teams-get").await
}
