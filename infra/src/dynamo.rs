//! The embedded DynamoDB-compatible engine (dynoxide), served on a loopback port so the
//! handlers reach it through the real AWS SDK client, and the table made from the template.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use dynoxide::Database;
use tokio::sync::oneshot;

use crate::template::TableDef;

/// A running engine.
pub struct Engine {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    /// The embedded database; `None` when an external engine is used.
    db: Option<Database>,
    stop: Option<oneshot::Sender<()>>,
}

impl Engine {
    /// Starts the engine: in memory, or persisted in `data_dir/dynamodb.sqlite`.
    pub async fn start(data_dir: Option<&Path>) -> anyhow::Result<Self> {
        let db = match data_dir {
            Some(dir) => {
                let path = dir.join("dynamodb.sqlite");
                Database::new(&path.to_string_lossy())
                    .map_err(|e| anyhow::anyhow!("opening {}: {e}", path.display()))?
            }
            None => Database::memory().map_err(|e| anyhow::anyhow!("in-memory engine: {e}"))?,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the DynamoDB port")?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let served = db.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(e) = dynoxide::server::serve_with_shutdown(listener, served, shutdown).await
            {
                tracing::error!(error = %e, "DynamoDB engine stopped");
            }
        });
        Ok(Self {
            endpoint,
            db: Some(db),
            stop: Some(stop),
        })
    }

    /// Uses an engine running elsewhere (Amazon's DynamoDB Local, as a fidelity check).
    pub fn external(endpoint: String) -> Self {
        Self {
            endpoint,
            db: None,
            stop: None,
        }
    }

    /// Deletes expired TTL items every `every`, as DynamoDB does in the background.
    pub fn spawn_ttl_sweeper(&self, every: Duration) {
        let Some(db) = self.db.clone() else {
            return;
        };
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let db = db.clone();
                match tokio::task::spawn_blocking(move || db.sweep_ttl()).await {
                    Ok(Ok(n)) if n > 0 => tracing::debug!(deleted = n, "TTL sweep"),
                    Ok(Err(e)) => tracing::warn!(error = %e, "TTL sweep failed"),
                    _ => {}
                }
            }
        });
    }

    /// Runs one TTL sweep now; returns how many items it deleted.
    pub fn sweep_ttl_now(&self) -> anyhow::Result<usize> {
        match &self.db {
            Some(db) => db
                .sweep_ttl()
                .map_err(|e| anyhow::anyhow!("TTL sweep: {e}")),
            None => Ok(0),
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn key_schema(pairs: &[(String, String)]) -> anyhow::Result<Vec<KeySchemaElement>> {
    pairs
        .iter()
        .map(|(name, kind)| {
            Ok(KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(KeyType::from(kind.as_str()))
                .build()?)
        })
        .collect()
}

/// Creates `name` from the template's definition unless it exists. Returns whether it
/// created the table (a fresh database).
pub async fn ensure_table(
    client: &aws_sdk_dynamodb::Client,
    name: &str,
    def: &TableDef,
) -> anyhow::Result<bool> {
    let existing = client.list_tables().send().await.context("ListTables")?;
    if existing.table_names().iter().any(|t| t == name) {
        return Ok(false);
    }
    let mut create = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key_schema(&def.key_schema)?));
    for (attr, kind) in &def.attributes {
        create = create.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(ScalarAttributeType::from(kind.as_str()))
                .build()?,
        );
    }
    for index in &def.indexes {
        let non_key =
            (!index.non_key_attributes.is_empty()).then(|| index.non_key_attributes.clone());
        create = create.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(index.projection.as_str()))
                        .set_non_key_attributes(non_key)
                        .build(),
                )
                .build()?,
        );
    }
    create.send().await.context("CreateTable")?;
    if let Some(attr) = &def.ttl_attribute {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(attr)
                    .enabled(true)
                    .build()?,
            )
            .send()
            .await
            .context("UpdateTimeToLive")?;
    }
    Ok(true)
}
