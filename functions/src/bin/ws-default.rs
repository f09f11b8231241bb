//! Lambda entry point of the `ws-default` function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    wrrk_functions::serve("ws-default").await
}
