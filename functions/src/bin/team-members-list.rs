//! Lambda entry point of the `team-members-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("team-members-list").await
}
