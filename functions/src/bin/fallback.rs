//! Lambda entry point of the `fallback` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("fallback").await
}
