//! Lambda entry point of the `team-members-add` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("team-members-add").await
}
