//! What the local stack did, counted the way AWS bills it: Lambda invocations with their
//! handler time, HTTP API requests, WebSocket messages each way, S3 requests and mail
//! through SES. `wrrk-bench cost` turns these counts into dollars; nothing else reads
//! them, and counting is a few atomic adds under one lock per event.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// API Gateway bills WebSocket messages in units of this many bytes.
pub const WS_MESSAGE_UNIT: usize = 32 * 1024;

/// One function's invocations.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FunctionUse {
    /// Invocations.
    pub invocations: u64,
    /// Handler time summed over invocations.
    pub handler_time: Duration,
    /// What Lambda bills: each invocation's handler time rounded up to a whole millisecond.
    pub billed_ms: u64,
}

/// Counts since the last [`Meter::take`].
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Metered {
    /// Lambda invocations by function name (HTTP, WebSocket routes, events).
    pub functions: BTreeMap<String, FunctionUse>,
    /// Requests to the HTTP APIs (each one billed request).
    pub http_requests: u64,
    /// Client frames routed to a function (WebSocket messages received).
    pub ws_in: u64,
    /// Frames to clients: route responses and `PostToConnection` (messages sent).
    pub ws_out: u64,
    /// Of `ws_out`, the `PostToConnection` calls.
    pub ws_posts: u64,
    /// Billed WebSocket message units (each message rounded up to 32 KB), both ways.
    pub ws_units: u64,
    /// WebSocket connections opened (`$connect` accepted).
    pub ws_connections: u64,
    /// `DeleteConnection` calls.
    pub ws_deletes: u64,
    /// S3 requests by HTTP method (PUT and POST are billed as writes, the rest as reads).
    pub s3_requests: BTreeMap<String, u64>,
    /// Mail received through the SES receipt rule.
    pub mail_received: u64,
}

impl Metered {
    /// Lambda invocations of every function.
    pub fn invocations(&self) -> u64 {
        self.functions.values().map(|f| f.invocations).sum()
    }

    /// Billed Lambda milliseconds of every function.
    pub fn billed_ms(&self) -> u64 {
        self.functions.values().map(|f| f.billed_ms).sum()
    }

    /// Handler time of every function.
    pub fn handler_time(&self) -> Duration {
        self.functions.values().map(|f| f.handler_time).sum()
    }

    /// WebSocket messages both ways.
    pub fn ws_messages(&self) -> u64 {
        self.ws_in + self.ws_out
    }

    /// S3 requests billed at the write rate (PUT, COPY, POST, LIST are one tier; a LIST
    /// is a GET on a bucket, which the local stack never makes).
    pub fn s3_writes(&self) -> u64 {
        ["PUT", "POST"]
            .iter()
            .filter_map(|m| self.s3_requests.get(*m))
            .sum()
    }

    /// S3 requests billed at the read rate.
    pub fn s3_reads(&self) -> u64 {
        self.s3_requests.values().sum::<u64>() - self.s3_writes()
    }
}

/// The stack's counters (one per stack, shared by its gateways).
#[derive(Debug, Default)]
pub struct Meter(Mutex<Metered>);

/// Billed units of a WebSocket message of `bytes`.
fn ws_units(bytes: usize) -> u64 {
    bytes.div_ceil(WS_MESSAGE_UNIT).max(1) as u64
}

impl Meter {
    fn with(&self, f: impl FnOnce(&mut Metered)) {
        // A poisoned lock only means a panic elsewhere; the counts are still usable.
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut m);
    }

    /// A function ran for `took`.
    pub fn invocation(&self, function: &str, took: Duration) {
        let ms = took.as_nanos().div_ceil(1_000_000) as u64;
        self.with(|m| {
            let f = m.functions.entry(function.to_string()).or_default();
            f.invocations += 1;
            f.handler_time += took;
            f.billed_ms += ms.max(1);
        });
    }

    /// An HTTP API request reached a route.
    pub fn http_request(&self) {
        self.with(|m| m.http_requests += 1);
    }

    /// A client sent a frame of `bytes`.
    pub fn ws_received(&self, bytes: usize) {
        self.with(|m| {
            m.ws_in += 1;
            m.ws_units += ws_units(bytes);
        });
    }

    /// A frame of `bytes` went to a client; `posted` when by `PostToConnection`.
    pub fn ws_sent(&self, bytes: usize, posted: bool) {
        self.with(|m| {
            m.ws_out += 1;
            m.ws_posts += u64::from(posted);
            m.ws_units += ws_units(bytes);
        });
    }

    /// A WebSocket connection opened.
    pub fn ws_connected(&self) {
        self.with(|m| m.ws_connections += 1);
    }

    /// A `DeleteConnection` call.
    pub fn ws_deleted(&self) {
        self.with(|m| m.ws_deletes += 1);
    }

    /// An S3 request with `method`.
    pub fn s3_request(&self, method: &str) {
        self.with(|m| *m.s3_requests.entry(method.to_string()).or_default() += 1);
    }

    /// A mail came in through the receipt rule.
    pub fn mail_received(&self) {
        self.with(|m| m.mail_received += 1);
    }

    /// The counts since the last [`Meter::take`], left running.
    pub fn peek(&self) -> Metered {
        let mut out = Metered::default();
        self.with(|m| out = m.clone());
        out
    }

    /// The counts since the last call, starting anew.
    pub fn take(&self) -> Metered {
        let mut out = Metered::default();
        self.with(|m| out = std::mem::take(m));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_bills_whole_milliseconds_and_websocket_32_kb_units() {
        let meter = Meter::default();
        meter.invocation("f", Duration::from_micros(1_200));
        meter.invocation("f", Duration::from_micros(300));
        meter.ws_sent(10, true);
        meter.ws_received(WS_MESSAGE_UNIT + 1);
        meter.s3_request("PUT");
        meter.s3_request("GET");
        let m = meter.take();
        assert_eq!(m.functions["f"].invocations, 2);
        assert_eq!(m.billed_ms(), 3);
        assert_eq!((m.ws_messages(), m.ws_units, m.ws_posts), (2, 3, 1));
        assert_eq!((m.s3_writes(), m.s3_reads()), (1, 1));
        assert_eq!(meter.take(), Metered::default());
    }
}
