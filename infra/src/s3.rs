//! Local S3: a real S3-compatible endpoint (`s3s` over `s3s-fs`, objects as files) that
//! the real `aws-sdk-s3` client talks to, SigV4 and presigned URLs included.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::task::JoinHandle;

use crate::meter::Meter;

/// The bucket the local stack creates (raw inbound mail and attachments).
pub const LOCAL_BUCKET: &str = "wrrk-mail";

/// A running local S3 endpoint.
pub struct LocalS3 {
    /// `http://127.0.0.1:{port}`.
    pub endpoint: String,
    /// Where the objects live.
    pub root: PathBuf,
    /// Removed on drop (an in-memory stack's temporary directory).
    temporary: bool,
    task: JoinHandle<()>,
}

impl LocalS3 {
    /// Serves `root` (or a fresh temporary directory) on a free loopback port, with the
    /// local credentials (`local`/`local`) and [`LOCAL_BUCKET`] created; every request is
    /// counted in `meter`.
    pub async fn start(root: Option<&Path>, meter: Arc<Meter>) -> anyhow::Result<Self> {
        let (root, temporary) = match root {
            Some(r) => (r.to_path_buf(), false),
            None => (
                std::env::temp_dir().join(format!(
                    "wrrk-s3-{}",
                    ulid::Ulid::new().to_string().to_lowercase()
                )),
                true,
            ),
        };
        std::fs::create_dir_all(root.join(LOCAL_BUCKET))
            .with_context(|| format!("creating {}", root.display()))?;
        let fs = s3s_fs::FileSystem::new(&root)
            .map_err(|e| anyhow::anyhow!("opening the local S3 directory: {e:?}"))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single("local", "local"));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (service, meter) = (service.clone(), meter.clone());
                let counted = hyper::service::service_fn(move |req| {
                    meter.s3_request(req.method().as_str());
                    let service = service.clone();
                    async move { hyper::service::Service::call(&service, req).await }
                });
                tokio::spawn(async move {
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), counted);
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "local S3 connection ended");
                    }
                });
            }
        });
        Ok(Self {
            endpoint,
            root,
            temporary,
            task,
        })
    }
}

impl Drop for LocalS3 {
    fn drop(&mut self) {
        self.task.abort();
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}
