//! The one Lambda binary: every function runs it, and Lambda names the function to serve
//! in `_HANDLER` (the function's `Handler` in `template.yaml`). One build, one link.

/// mimalloc: glibc's malloc and free were a fifth of the CPU samples under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let name = std::env::var("_HANDLER").map_err(|_| {
        "_HANDLER is not set: run this binary as a Lambda function whose Handler names a \
         registered function (see functions/src/registry.rs)"
    })?;
    wrrk_functions::serve(&name).await
}
