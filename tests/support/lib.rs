//! Test support: a fresh local stack per test (in-memory engine, random port) and an HTTP
//! client that speaks the API's JSON.

use reqwest::Method;
use serde_json::{Value, json};
use wrrk_local::{LocalStack, Options};

/// One running stack and a client for it.
pub struct TestApp {
    /// The stack (its `app` holds the same clients the handlers use).
    pub stack: LocalStack,
    /// HTTP client.
    pub http: reqwest::Client,
}

/// A response: status, headers and JSON body (`Null` when there is none).
#[derive(Debug)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Parsed JSON body.
    pub body: Value,
}

impl Resp {
    /// `body.data`.
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// `body.code` of an error.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// Bearer token.
    pub token: String,
    /// User id.
    pub user_id: String,
    /// Organization id.
    pub org_id: String,
    /// Email.
    pub email: String,
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// Starts a fresh stack.
    pub async fn spawn() -> Self {
        let stack = LocalStack::start(Options::for_tests())
            .await
            .expect("local stack starts");
        Self {
            stack,
            http: reqwest::Client::new(),
        }
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.stack.http_url)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        Self::read(resp).await
    }

    /// Sends a raw body with a content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Resp {
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("request sent")).await
    }

    async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
        };
        Resp {
            status,
            headers,
            body,
        }
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// PATCH JSON with a token.
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// DELETE with a token.
    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Signs up a new organization; returns its admin's session.
    pub async fn signup(&self, org: &str, email: &str) -> Session {
        let r = self
            .call(
                Method::POST,
                "/api/auth/signup",
                None,
                Some(json!({ "organizationName": org, "name": "Admin", "email": email, "password": PASSWORD })),
            )
            .await;
        assert_eq!(r.status, 201, "signup failed: {:?}", r.body);
        session(&r.body["data"], email)
    }

    /// Logs in; panics unless it succeeds.
    pub async fn login(&self, email: &str, password: &str) -> Session {
        let r = self.try_login(email, password).await;
        assert_eq!(r.status, 200, "login failed: {:?}", r.body);
        session(&r.body["data"], email)
    }

    /// Attempts a login.
    pub async fn try_login(&self, email: &str, password: &str) -> Resp {
        self.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": email, "password": password })),
        )
        .await
    }

    /// Every item in the table (a Scan: test-only, never on a request path).
    pub async fn all_items(
        &self,
    ) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb_types::AttributeValue>> {
        let client = self.stack.dynamodb_client();
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = client
                .scan()
                .table_name(self.stack.app.store.table())
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return items;
            }
        }
    }
}

fn session(data: &Value, email: &str) -> Session {
    Session {
        token: data["token"].as_str().expect("token").to_string(),
        user_id: data["user"]["id"].as_str().expect("user id").to_string(),
        org_id: data["user"]["orgId"].as_str().expect("org id").to_string(),
        email: email.to_string(),
    }
}

/// Re-export for tests that look at raw items.
pub mod aws_sdk_dynamodb_types {
    pub use aws_sdk_dynamodb::types::AttributeValue;
}
