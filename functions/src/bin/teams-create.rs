//! Lambda entry point of the `teams-create` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("teams-create").await
}
