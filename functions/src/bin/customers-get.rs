//! Lambda entry point of the `customers-get` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("customers-get").await
}
