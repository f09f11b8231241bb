//! Lambda entry point of the `ws-typing-stop` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-typing-stop").await
}
