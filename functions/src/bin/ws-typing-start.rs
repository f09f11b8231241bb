//! Lambda entry point of the `ws-typing-start` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-typing-start").await
}
