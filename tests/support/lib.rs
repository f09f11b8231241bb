//! Test support: a fresh local stack per test (in-memory engine, random port) and an HTTP
//! client that speaks the API's JSON.

pub mod contract;
pub mod ws;

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

/// Login throttling counts in fixed 15-minute windows (`LoginWindow`): a test that spends
/// an allowance and then checks it is spent must not straddle a window's edge (one did, at
/// 18:00:00). When fewer than `needed` seconds are left in this window, waits for the next.
pub async fn within_one_login_window(needed: i64) {
    let left = wrrk_shared::store::LoginWindow::now().seconds_left();
    if left < needed {
        let wait = u64::try_from(left + 1).unwrap_or(1);
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
}

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// Starts a fresh stack.
    pub async fn spawn() -> Self {
        Self::spawn_with(Options::for_tests()).await
    }

    /// Starts a fresh stack with `options` (template parameters, ...).
    pub async fn spawn_with(options: Options) -> Self {
        let stack = LocalStack::start(options)
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
        let method_name = method.to_string();
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        Self::read(method_name, path, resp).await
    }

    /// Sends a raw body with a content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Resp {
        let method_name = method.to_string();
        let mut req = self
            .http
            .request(method, self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::read(method_name, path, req.send().await.expect("request sent")).await
    }

    /// Reads a response, holding it to the OpenAPI document (see [`contract`]).
    async fn read(method: String, path: &str, resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
        };
        contract::check(&method, path, status, &body);
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

    /// Signs up a new organization and confirms the admin's email through the mailed
    /// link, as a new admin would; returns the admin's session.
    pub async fn signup(&self, org: &str, email: &str) -> Session {
        let session = self.signup_unverified(org, email).await;
        let token = self.link_token_for(email, "verify-email");
        let r = self
            .call(
                Method::POST,
                "/api/auth/verify-email",
                None,
                Some(json!({ "token": token })),
            )
            .await;
        assert_eq!(r.status, 200, "verification failed: {:?}", r.body);
        session
    }

    /// Signs up a new organization without confirming the admin's email.
    pub async fn signup_unverified(&self, org: &str, email: &str) -> Session {
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

    /// A widget session token for `customer_id` on `ticket_id`, issued directly (as
    /// `POST /api/widget/sessions` would, under the organization's current widget key).
    pub async fn visitor_token(
        &self,
        org_id: &str,
        customer_id: &str,
        name: &str,
        ticket_id: &str,
    ) -> String {
        // Ids as the API answered them.
        use wrrk_shared::ids::{CustomerId, OrgId, TicketId};
        let (org_id, customer_id, ticket_id) = (
            &OrgId::trusted(org_id),
            &CustomerId::trusted(customer_id),
            &TicketId::trusted(ticket_id),
        );
        let org = self
            .stack
            .app
            .store
            .get_organization(org_id)
            .await
            .unwrap()
            .expect("the organization");
        self.stack
            .app
            .tokens
            .issue_visitor(
                org_id,
                customer_id,
                name,
                ticket_id,
                &wrrk_shared::widget::key_fingerprint(&org.widget.widget_key),
                3600,
            )
            .unwrap()
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

// ---------------------------------------------------------------------------------------
// Users, organizations, teams and invitations: helpers that keep those tests short.
// ---------------------------------------------------------------------------------------

use mail_parser::{MessageParser, MimeHeaders};
use wrrk_local::ses::OutboxMessage;

/// A raw DynamoDB item.
pub type Item = std::collections::HashMap<String, aws_sdk_dynamodb_types::AttributeValue>;

/// A fresh lower-case ULID: makes names and emails unique within a test.
pub fn unique() -> String {
    ulid::Ulid::new().to_string().to_lowercase()
}

/// Percent-encodes a query-string value (everything but unreserved characters).
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `id` of every object in a JSON array.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .map(|v| v["id"].as_str().expect("an id").to_string())
        .collect()
}

/// A string attribute of an item.
pub fn item_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// The token of the `/invite/<token>` link in a raw invitation email (it must have
/// both a text/plain and a text/html body, each with the link under `app_url`).
pub fn invitation_token_in(app_url: &str, raw: &str) -> String {
    link_token_in(app_url, raw, "invite")
}

/// The token of the `{app_url}/{path}/<token>` link in a raw email with a text and an
/// html body (both must carry the link).
pub fn link_token_in(app_url: &str, raw: &str, path: &str) -> String {
    let message = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("the invitation is a MIME message");
    let has = |subtype: &str| {
        message.parts.iter().any(|p| {
            p.content_type()
                .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some(subtype))
        })
    };
    assert!(has("plain"), "no text/plain part:\n{raw}");
    assert!(has("html"), "no text/html part:\n{raw}");
    let text = message.body_text(0).expect("a text body").into_owned();
    let html = message.body_html(0).expect("an html body").into_owned();
    let prefix = format!("{}/{path}/", app_url.trim_end_matches('/'));
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no {prefix}<token> link in the text body:\n{text}"))
        + prefix.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    assert!(!token.is_empty(), "empty token in:\n{text}");
    let link = format!("{prefix}{token}");
    assert!(
        html.contains(&format!("href=\"{link}\"")),
        "the html body does not link to {link}:\n{html}"
    );
    token
}

impl TestApp {
    /// Every message sent so far, oldest first.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.stack.outbox.messages()
    }

    /// The newest message sent to `email` (compared case-insensitively).
    pub fn last_mail_to(&self, email: &str) -> OutboxMessage {
        let email = email.trim().to_lowercase();
        self.outbox()
            .into_iter()
            .rev()
            .find(|m| m.to.iter().any(|t| t.to_lowercase() == email))
            .unwrap_or_else(|| panic!("no mail was sent to {email}"))
    }

    /// Sends `raw` with a real SMTP client through the stack's SMTP door, from `from` to
    /// `to` (the envelope); the door answers once the mail has landed.
    pub async fn send_smtp(&self, from: &str, to: &[&str], raw: &str) {
        use lettre::address::Envelope;
        use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
        let addr = self.stack.smtp_addr.expect("the SMTP door is open");
        let transport =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
                .port(addr.port())
                .build();
        let envelope = Envelope::new(
            (!from.is_empty()).then(|| from.parse().expect("sender")),
            to.iter().map(|t| t.parse().expect("recipient")).collect(),
        )
        .expect("envelope");
        transport
            .send_raw(&envelope, raw.as_bytes())
            .await
            .expect("the SMTP door accepts the mail");
    }

    /// The token of the newest `{APP_URL}/{path}/<token>` link mailed to `email`.
    pub fn link_token_for(&self, email: &str, path: &str) -> String {
        link_token_in(&self.stack.http_url, &self.last_mail_to(email).raw, path)
    }

    /// The token of the newest invitation mailed to `email`.
    pub fn invitation_token_for(&self, email: &str) -> String {
        invitation_token_in(&self.stack.http_url, &self.last_mail_to(email).raw)
    }

    /// `POST /api/invitations` as `by`.
    pub async fn invite(&self, by: &Session, email: &str, role: &str) -> Resp {
        self.post(
            "/api/invitations",
            &by.token,
            json!({ "email": email, "role": role }),
        )
        .await
    }

    /// Invites `email`, asserting a 201; returns the invitation and its token.
    pub async fn invite_ok(&self, by: &Session, email: &str, role: &str) -> (Value, String) {
        let r = self.invite(by, email, role).await;
        assert_eq!(r.status, 201, "invite {email}: {:?}", r.body);
        (r.data().clone(), self.invitation_token_for(email))
    }

    /// `GET /api/invitations/token/{token}` (public).
    pub async fn lookup_invitation(&self, token: &str) -> Resp {
        self.call(
            Method::GET,
            &format!("/api/invitations/token/{token}"),
            None,
            None,
        )
        .await
    }

    /// `POST /api/invitations/token/{token}/accept` (public) with [`PASSWORD`].
    pub async fn accept(&self, token: &str, name: &str) -> Resp {
        self.call(
            Method::POST,
            &format!("/api/invitations/token/{token}/accept"),
            None,
            Some(json!({ "name": name, "password": PASSWORD })),
        )
        .await
    }

    /// Invites `email` as `role`, accepts through the emailed link; the new session.
    pub async fn join(&self, admin: &Session, email: &str, name: &str, role: &str) -> Session {
        let (_, token) = self.invite_ok(admin, email, role).await;
        let r = self.accept(&token, name).await;
        assert_eq!(r.status, 201, "accept for {email}: {:?}", r.body);
        session(&r.body["data"], &email.trim().to_lowercase())
    }

    /// A new member of `admin`'s organization with `role` (and a unique email).
    pub async fn add_member(&self, admin: &Session, role: &str) -> Session {
        let email = format!("{}-{}@members.test", role.to_lowercase(), unique());
        self.join(admin, &email, &format!("{role} Member"), role)
            .await
    }

    /// Creates a team, asserting a 201; its id.
    pub async fn create_team(&self, by: &Session, name: &str) -> String {
        let r = self
            .post("/api/teams", &by.token, json!({ "name": name }))
            .await;
        assert_eq!(r.status, 201, "create team {name}: {:?}", r.body);
        r.data()["id"].as_str().expect("team id").to_string()
    }

    /// Adds `user_id` to `team_id`, asserting a 201.
    pub async fn add_to_team(&self, by: &Session, team_id: &str, user_id: &str) {
        let r = self
            .post(
                &format!("/api/teams/{team_id}/members"),
                &by.token,
                json!({ "userId": user_id }),
            )
            .await;
        assert_eq!(r.status, 201, "add {user_id} to {team_id}: {:?}", r.body);
    }

    /// `DELETE /api/users/{id}` of `user` as `by`, asserting a 200.
    pub async fn deactivate(&self, by: &Session, user: &Session) {
        let r = self
            .delete(&format!("/api/users/{}", user.user_id), &by.token)
            .await;
        assert_eq!(r.status, 200, "deactivate {}: {:?}", user.email, r.body);
    }

    /// Every item of a list endpoint, following `nextCursor` with `limit` per page;
    /// asserts every page holds at most `limit` items. `path` may have a query already.
    pub async fn list_all(&self, path: &str, token: &str, limit: usize) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..1000 {
            let mut url = format!("{path}{sep}limit={limit}");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={}", enc(c)));
            }
            let r = self.get(&url, token).await;
            assert_eq!(r.status, 200, "{url}: {:?}", r.body);
            let page = r.data().as_array().expect("a page").clone();
            assert!(page.len() <= limit, "{url}: {} items", page.len());
            items.extend(page);
            match r.body["nextCursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => {
                    assert!(r.body["nextCursor"].is_null(), "{:?}", r.body);
                    return items;
                }
            }
        }
        panic!("{path}: the cursor never ran out");
    }

    /// The organization's items (partition key `ORG#<org_id>`), sorted by key.
    pub async fn org_items(&self, org_id: &str) -> Vec<Item> {
        let pk = format!("ORG#{org_id}");
        let mut items: Vec<Item> = self
            .all_items()
            .await
            .into_iter()
            .filter(|i| item_s(i, "PK").is_some_and(|p| p.starts_with(&pk)))
            .collect();
        items.sort_by(|a, b| {
            (item_s(a, "PK"), item_s(a, "SK")).cmp(&(item_s(b, "PK"), item_s(b, "SK")))
        });
        items
    }

    /// Moves an invitation's `expiresAt` directly in the table (as serde writes it).
    pub async fn set_invitation_expiry(
        &self,
        org_id: &str,
        invitation_id: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) {
        use aws_sdk_dynamodb_types::AttributeValue as A;
        self.stack
            .dynamodb_client()
            .update_item()
            .table_name(self.stack.app.store.table())
            .key("PK", A::S(format!("ORG#{org_id}")))
            .key("SK", A::S(format!("INVITE#{invitation_id}")))
            .update_expression("SET expiresAt = :at")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(
                ":at",
                A::S(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            )
            .send()
            .await
            .expect("invitation expiry updated");
    }
}
