//! Lambda entry point of the `team-members-remove` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("team-members-remove").await
}
