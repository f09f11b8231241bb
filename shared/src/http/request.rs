//! Reading requests: size-limited JSON bodies, path ids, query parameters.

use lambda_http::{Body, Request, RequestExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Largest JSON body most endpoints accept.
pub const MAX_JSON_BYTES: usize = 16 * 1024;

/// Whether the request declares a JSON body (`application/json`, or a `+json` type).
fn declares_json(req: &Request) -> bool {
    let Some(ct) = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses the body as JSON of type `T`, refusing bodies over `limit` bytes and bodies not
/// declared as JSON (415). Syntax errors are 400; wrong types and missing fields are 422
/// naming the problem.
pub fn json_body<T: DeserializeOwned>(req: &Request, limit: usize) -> Result<T, ApiError> {
    if !declares_json(req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes: &[u8] = match req.body() {
        Body::Empty => b"",
        Body::Text(s) => s.as_bytes(),
        Body::Binary(b) => b,
        _ => b"",
    };
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedJson(
            "The request body must be a JSON object.".into(),
        ));
    }
    // serde reads a struct from an array too (`[null, null]`); the document says object.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde_json::Value>(bytes).is_ok()
    {
        return Err(ApiError::Validation {
            field: None,
            message: "The request body must be a JSON object.".into(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::Validation {
                field: None,
                message: strip_position(&e.to_string()),
            },
            _ => ApiError::MalformedJson(format!(
                "The request body is not valid JSON: {}",
                strip_position(&e.to_string())
            )),
        }
    })
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// A path parameter that must be one of our ids, as its typed id (`let id: TicketId =
/// path_id(&req, "id", "Ticket")?`); anything else is a plain 404 for `what`.
pub fn path_id<Id: crate::ids::TypedId>(
    req: &Request,
    name: &str,
    what: &'static str,
) -> Result<Id, ApiError> {
    req.path_parameters()
        .first(name)
        .and_then(Id::parse_id)
        .ok_or(ApiError::NotFound(what))
}

/// Typed access to the query string.
pub struct Query(lambda_http::aws_lambda_events::query_map::QueryMap);

impl Query {
    /// The request's query string.
    pub fn of(req: &Request) -> Self {
        Self(req.query_string_parameters())
    }

    /// A non-empty parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        // As sent: a parameter given empty or padded is what the document calls invalid
        // (ids, enums, numbers); free-text parameters trim for themselves.
        self.0.first(name)
    }

    /// `search`: at most 100 characters as sent, then trimmed and lower-cased for a
    /// case-insensitive prefix match; blank means no search.
    pub fn search(&self) -> Result<Option<String>, ApiError> {
        match self.get("search") {
            Some(s) if s.chars().count() > 100 => Err(ApiError::invalid(
                "search",
                "search: must be at most 100 characters",
            )),
            Some(s) => Ok(Some(s.trim().to_lowercase()).filter(|s| !s.is_empty())),
            None => Ok(None),
        }
    }

    /// A parameter that must be one of our ids (it becomes part of a key): 422 otherwise,
    /// whatever its length or characters.
    pub fn id(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if crate::ids::is_valid_id(v) => Ok(Some(v)),
            Some(_) => Err(ApiError::invalid(name, format!("{name}: not a valid id"))),
        }
    }

    /// `limit`, defaulting to `default` and capped at `max`; junk is a 400.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(default),
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::BadRequest(
                    crate::http::ErrorCode::InvalidLimit,
                    format!("limit must be a whole number from 1 to {max}."),
                )),
            },
        }
    }
}

/// For optional fields where `null` means "clear": absent is `None`, `null` is
/// `Some(None)`, a value is `Some(Some(v))`. Use with `#[serde(default, deserialize_with)]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The caller's source IP as API Gateway saw it (`unknown` outside API Gateway).
pub fn source_ip(req: &Request) -> String {
    req.request_context_ref()
        .and_then(|c| match c {
            lambda_http::request::RequestContext::ApiGatewayV2(c) => c.http.source_ip.clone(),
            _ => None,
        })
        .unwrap_or_else(|| "unknown".into())
}

/// A whole number as JSON Schema counts one: `293` or `293.0` (an integer-valued number
/// is an integer to the document). Use with `#[serde(deserialize_with)]`.
pub fn whole_number<'de, D>(d: D) -> Result<u64, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let n = serde_json::Number::deserialize(d)?;
    n.as_u64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                .map(|f| f as u64)
        })
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number")))
}

/// [`whole_number`] for an optional field (`#[serde(default, deserialize_with)]`).
pub fn whole_number_opt<'de, D>(d: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Whole(#[serde(deserialize_with = "whole_number")] u64);
    Ok(Option::<Whole>::deserialize(d)?.map(|w| w.0))
}

/// Parses a query or body value into one of our wire enums (`OPEN`, `HIGH`, ...); 422 naming
/// `field` otherwise.
pub fn parse_enum<T: DeserializeOwned>(field: &str, raw: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(raw.to_string()))
        .map_err(|_| ApiError::invalid(field, format!("{field}: {raw:?} is not a valid value")))
}
