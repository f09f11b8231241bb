//! One endpoint's figures: timed load on the stack's gateway, then counted calls on the
//! counting gateway, printed together.

use std::sync::Arc;

use crate::counting::{Costs, CountedApi};
use crate::load::{LoadArgs, load, read_through};

/// Builds the `n`th request of an endpoint for a client and a gateway's base URL.
pub type MakeRequest =
    Arc<dyn Fn(&reqwest::Client, &str, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// `GET {base}{path_and_query}` with a bearer `token`, the same for every call.
pub fn authed_get(token: Arc<str>, path_and_query: String) -> MakeRequest {
    Arc::new(move |client, base, _| {
        client
            .get(format!("{base}{path_and_query}"))
            .bearer_auth(&*token)
    })
}

/// Where and how long to measure.
pub struct Measure<'a> {
    /// Base URL of the stack's own gateway (timed).
    pub stack_url: String,
    /// The counting gateway.
    pub counted: &'a CountedApi,
    /// Load flags.
    pub load: LoadArgs,
    /// Sequential counted calls per endpoint.
    pub calls: usize,
}

impl Measure<'_> {
    /// Times `make` under load, counts `calls` of it, and prints both under `title`.
    pub async fn endpoint(&self, title: &str, make: MakeRequest) -> anyhow::Result<()> {
        println!("{title}");
        let base = self.stack_url.clone();
        let timed = make.clone();
        let figures = load(self.load, move |client, i| {
            let request = timed(&client, &base, i);
            async move { Ok(request.send().await?) }
        })
        .await;
        figures.print_line();
        self.count(&make).await?.print();
        println!();
        Ok(())
    }

    /// Sends `self.calls` requests one after another through the counting gateway.
    async fn count(&self, make: &MakeRequest) -> anyhow::Result<Costs> {
        let client = reqwest::Client::new();
        let mut costs = Costs {
            calls: Vec::with_capacity(self.calls),
            non_2xx: 0,
        };
        // Nothing else uses the counting gateway, but start from a clean tally anyway.
        self.counted.take();
        for i in 0..self.calls {
            let request = make(&client, &self.counted.http_url, i as u64);
            if !read_through(async { Ok(request.send().await?) }).await? {
                costs.non_2xx += 1;
            }
            costs.calls.push(self.counted.take());
        }
        Ok(costs)
    }
}
