//! The API contract as the tests hold the stack to it: every JSON response a test receives
//! from `/api/...` is validated against the OpenAPI document generated from the code
//! (the operation's schema for that status, or the `default` error schema). Objects are
//! checked strictly (`unevaluatedProperties: false`), so a field the document does not
//! declare fails too: the document cannot drift from what is sent.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Map, Value, json};

struct Contract {
    /// `(method, template segments)` of every operation.
    routes: Vec<(String, Vec<String>)>,
    /// The document with strict object schemas.
    doc: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let mut doc = serde_json::to_value(wrrk_functions::openapi::document())
            .expect("the document serializes");
        let mut routes = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
                    routes.push((
                        method.to_uppercase(),
                        path.split('/').map(str::to_string).collect(),
                    ));
                }
            }
        }
        // Schemas merged into another through `allOf` (a `#[serde(flatten)]`) must allow
        // the other's properties, so only they stay lenient.
        let mut merged = Vec::new();
        collect_all_of_refs(&doc, &mut merged);
        if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
            for (name, schema) in schemas.iter_mut() {
                if !merged.contains(name) {
                    make_strict(schema, false);
                }
            }
        }
        Contract {
            routes,
            doc,
            validators: Mutex::new(HashMap::new()),
        }
    })
}

fn collect_all_of_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(parts)) = o.get("allOf") {
                for part in parts {
                    if let Some(r) = part["$ref"].as_str() {
                        out.push(r.rsplit('/').next().unwrap_or(r).to_string());
                    }
                }
            }
            o.values().for_each(|x| collect_all_of_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_all_of_refs(x, out)),
        _ => {}
    }
}

/// Adds `unevaluatedProperties: false` to every object schema, except the parts of an
/// `allOf` (the combined schema gets it instead).
fn make_strict(v: &mut Value, in_all_of: bool) {
    let Value::Object(o) = v else { return };
    let is_object = o.contains_key("properties") || o.contains_key("allOf");
    if is_object && !in_all_of && !o.contains_key("additionalProperties") {
        o.insert("unevaluatedProperties".into(), Value::Bool(false));
    }
    for (key, child) in o.iter_mut() {
        match (key.as_str(), child) {
            ("allOf", Value::Array(parts)) => parts.iter_mut().for_each(|p| make_strict(p, true)),
            ("properties", Value::Object(props)) => {
                props.values_mut().for_each(|p| make_strict(p, false))
            }
            ("oneOf" | "anyOf", Value::Array(parts)) => {
                parts.iter_mut().for_each(|p| make_strict(p, false))
            }
            ("items", item) => make_strict(item, false),
            _ => {}
        }
    }
}

/// The template (`/api/tickets/{id}`) that `path` matches for `method`, if any.
fn operation_path(c: &Contract, method: &str, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    c.routes
        .iter()
        .filter(|(m, t)| m == method && t.len() == segments.len())
        .filter(|(_, t)| {
            t.iter()
                .zip(&segments)
                .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        })
        // Literal segments beat parameters (`/token/{t}` vs `/{id}`).
        .max_by_key(|(_, t)| t.iter().filter(|s| !s.starts_with('{')).count())
        .map(|(_, t)| t.join("/"))
}

/// Panics, naming the operation and the error, when `body` is not what the document says
/// `method path` answers with `status`.
pub fn check(method: &str, url_path: &str, status: u16, body: &Value) {
    let path = url_path.split('?').next().unwrap_or(url_path);
    if !path.starts_with("/api/") || path == "/api/openapi.json" || status == 204 {
        return;
    }
    let c = contract();
    let method = method.to_uppercase();
    let pointer = match operation_path(c, &method, path) {
        Some(template) => {
            let responses = &c.doc["paths"][&template][method.to_lowercase()]["responses"];
            let key = if responses.get(status.to_string()).is_some() {
                status.to_string()
            } else {
                "default".to_string()
            };
            format!(
                "#/paths/{}/{}/responses/{key}/content/application~1json/schema",
                template
                    .replace('~', "~0")
                    .replace('/', "~1")
                    .replace('{', "%7B")
                    .replace('}', "%7D"),
                method.to_lowercase()
            )
        }
        // No such operation: the answer must be an error.
        None => "#/components/schemas/ErrorBody".to_string(),
    };
    let errors = violations(&pointer, body);
    assert!(
        errors.is_empty(),
        "{method} {path} answered {status} with a body the OpenAPI document does not allow \
         ({pointer}):\n  {}\nbody: {body}",
        errors.join("\n  ")
    );
}

/// Panics, naming the error, when a WebSocket frame is not what the document's `schema`
/// (`Event` or `VisitorEvent`) allows.
pub fn check_frame(schema: &str, frame: &Value) {
    let pointer = format!("#/components/schemas/{schema}");
    let errors = violations(&pointer, frame);
    assert!(
        errors.is_empty(),
        "a WebSocket frame the OpenAPI document's {schema} does not allow:\n  {}\nframe: {frame}",
        errors.join("\n  ")
    );
}

/// What is wrong with `body` against the schema at `pointer` (nothing: valid).
fn violations(pointer: &str, body: &Value) -> Vec<String> {
    let c = contract();
    let validator = {
        let mut cache = c.validators.lock().expect("validator cache");
        cache
            .entry(pointer.to_string())
            .or_insert_with(|| {
                let mut schema = Map::new();
                schema.insert("$ref".into(), json!(pointer));
                schema.insert("paths".into(), c.doc["paths"].clone());
                schema.insert("components".into(), c.doc["components"].clone());
                std::sync::Arc::new(
                    jsonschema::draft202012::new(&Value::Object(schema))
                        .unwrap_or_else(|e| panic!("schema {pointer} compiles: {e}")),
                )
            })
            .clone()
    };
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}
