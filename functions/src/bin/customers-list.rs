//! Lambda entry point of the `customers-list` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("customers-list").await
}
