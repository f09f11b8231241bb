//! A real WebSocket client for the local stack's WebSocket API.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::TestApp;

/// How long a test waits for a frame that must come (a guard against hangs; a passing
/// test never waits this long).
const FRAME_DEADLINE: Duration = Duration::from_secs(15);

/// One open connection.
pub struct WsClient {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The document's schema every frame must match (`Event`, or a widget's
    /// `VisitorEvent`).
    schema: &'static str,
}

impl TestApp {
    /// Connects with `query` (e.g. `token=...`); the handshake's HTTP status on refusal.
    pub async fn ws_try_connect(&self, query: &str) -> Result<WsClient, u16> {
        match connect_async(format!("{}/?{query}", self.stack.ws_url)).await {
            Ok((stream, _)) => Ok(WsClient {
                stream,
                schema: match query.starts_with("ticket=") {
                    true => "VisitorEvent",
                    false => "Event",
                },
            }),
            Err(tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("WebSocket connect failed unexpectedly: {e}"),
        }
    }

    /// Connects as the holder of a session token.
    pub async fn ws_connect(&self, token: &str) -> WsClient {
        self.ws_try_connect(&format!("token={token}"))
            .await
            .unwrap_or_else(|status| panic!("connect refused with {status}"))
    }

    /// Connects as a chat visitor the way the widget does: the visitor token buys a
    /// single-use connect ticket over HTTP, and only the ticket goes in the URL.
    pub async fn ws_visitor_connect(&self, visitor_token: &str) -> WsClient {
        let r = self
            .post("/api/widget/connect-ticket", visitor_token, json!({}))
            .await;
        assert_eq!(r.status, 201, "connect ticket: {:?}", r.body);
        let ticket = r.data()["ticket"].as_str().expect("a ticket").to_string();
        self.ws_try_connect(&format!("ticket={ticket}"))
            .await
            .unwrap_or_else(|status| panic!("visitor connect refused with {status}"))
    }
}

impl WsClient {
    /// Sends a JSON frame.
    pub async fn send(&mut self, frame: Value) {
        self.send_text(&frame.to_string()).await;
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::Text(text.into()))
            .await
            .expect("frame sent");
    }

    /// The next event frame (`{"event", "data"}`), parsed and held to the OpenAPI
    /// document's frame schema.
    pub async fn next(&mut self) -> Value {
        let frame = self.next_unchecked().await;
        crate::contract::check_frame(self.schema, &frame);
        frame
    }

    /// The next frame, parsed, whatever it is (a test's own post through the management
    /// API).
    pub async fn next_unchecked(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(FRAME_DEADLINE, self.stream.next())
                .await
                .expect("a frame arrives in time")
                .expect("the connection is open")
                .expect("a valid frame");
            match msg {
                Message::Text(t) => {
                    return serde_json::from_str(&t)
                        .unwrap_or_else(|_| panic!("frame is not JSON: {t}"));
                }
                Message::Close(c) => panic!("connection closed: {c:?}"),
                _ => continue,
            }
        }
    }

    /// Reads until an event named `name` satisfying `pred`; returns it and every event
    /// received before it (so tests can assert what did *not* arrive in between).
    pub async fn until(
        &mut self,
        name: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> (Value, Vec<Value>) {
        let mut before = Vec::new();
        loop {
            let ev = self.next().await;
            if ev["event"] == name && pred(&ev["data"]) {
                return (ev, before);
            }
            before.push(ev);
        }
    }

    /// The next event named `name` (others skipped).
    pub async fn expect(&mut self, name: &str) -> Value {
        self.until(name, |_| true).await.0
    }

    /// Subscribes to a ticket and waits for the acknowledgement; events received before
    /// the acknowledgement are returned.
    pub async fn subscribe(&mut self, ticket_id: &str) -> Vec<Value> {
        self.send(json!({ "action": "ticket:subscribe", "ticketId": ticket_id }))
            .await;
        let (ack, before) = self
            .until("ticket:subscribed", |d| d["ticketId"] == ticket_id)
            .await;
        assert_eq!(ack["data"]["ticketId"], ticket_id);
        before
    }

    /// A round trip whose answer comes after everything already queued for this
    /// connection: the events that arrived before it.
    pub async fn barrier(&mut self, ticket_id: &str) -> Vec<Value> {
        self.subscribe(ticket_id).await
    }

    /// A round trip that changes nothing (an unknown action, answered with an error
    /// frame): the events that arrived before its answer. Unlike [`WsClient::barrier`],
    /// it leaves a connection that follows no ticket (a list) as it is.
    pub async fn sync(&mut self) -> Vec<Value> {
        self.send(json!({ "action": "sync" })).await;
        let (_, before) = self.until("error", |d| d["code"] == "unknown_action").await;
        before
    }

    /// Reads until the server closes the connection; the events that came before. Panics
    /// if it stays open past the deadline.
    pub async fn until_closed(&mut self) -> Vec<Value> {
        let mut before = Vec::new();
        loop {
            match tokio::time::timeout(FRAME_DEADLINE, self.stream.next())
                .await
                .expect("the server closes the connection in time")
            {
                Some(Ok(Message::Text(t))) => {
                    before.push(serde_json::from_str(&t).unwrap_or(Value::Null));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return before,
                Some(Ok(_)) => {}
            }
        }
    }

    /// Closes cleanly and waits until the server has finished with the connection.
    pub async fn close(mut self) {
        self.stream.close(None).await.expect("close sent");
        while let Ok(Some(Ok(_))) = tokio::time::timeout(FRAME_DEADLINE, self.stream.next()).await {
        }
    }

    /// Drops the TCP connection without a closing handshake (a vanished client).
    pub fn vanish(self) {
        drop(self.stream);
    }
}
