//! Reads `template.yaml`, the one description of functions, routes and the table.

use anyhow::{Context, bail};
use serde_yaml::Value;

/// The template, compiled in so the local stack runs from anywhere.
pub const TEMPLATE_YAML: &str = include_str!("../../template.yaml");

/// `template.yaml` as it must be committed: its hand-written part with the functions'
/// part generated from the registry (`wrrk_functions::template`).
pub fn generated_template() -> anyhow::Result<String> {
    wrrk_functions::template::splice(TEMPLATE_YAML, &wrrk_functions::template::generated())
        .map_err(anyhow::Error::msg)
}

/// What the local stack needs from the template.
#[derive(Debug, Clone)]
pub struct Template {
    /// Every `AWS::Serverless::Function`.
    pub functions: Vec<FunctionDef>,
    /// The DynamoDB table's schema.
    pub table: TableDef,
    /// Each HTTP API's CORS settings by logical id (`None`: the API has none, so the
    /// gateway answers no preflight and adds no header).
    pub http_apis: std::collections::BTreeMap<String, Option<Cors>>,
    /// The bucket's CORS rules (`CorsConfiguration.CorsRules`), which the local S3 applies.
    pub bucket_cors: Vec<Cors>,
    /// Parameters and their defaults.
    pub parameters: std::collections::BTreeMap<String, Option<String>>,
    /// The WebSocket API's routes.
    pub websocket_routes: Vec<WsRouteDef>,
}

/// A WebSocket API route and the function its integration invokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsRouteDef {
    /// `$connect`, `$disconnect`, `$default` or an action name.
    pub route_key: String,
    /// Name (`Handler`) of the function behind it.
    pub name: String,
    /// Whether the function's response body is sent back to the client (a route response).
    pub two_way: bool,
}

/// A Lambda function.
#[derive(Debug, Clone)]
pub struct FunctionDef {
    /// Logical id in the template.
    pub logical_id: String,
    /// Its name: the `Handler` the one `bootstrap` binary dispatches on.
    pub name: String,
    /// The binary it is built from (`BuildProperties.Binary`).
    pub binary: String,
    /// Its `HttpApi` routes.
    pub routes: Vec<RouteDef>,
    /// Its `Schedule` events' expressions.
    pub schedules: Vec<String>,
    /// Invoked by an SES receipt rule's Lambda action.
    pub ses_inbound: bool,
    /// The `ServiceToken` of a CloudFormation custom resource (`Custom::*`).
    pub custom_resource: bool,
    /// What its policies grant, one word each: `DynamoDBReadPolicy`, `DynamoDBCrudPolicy`,
    /// `S3ReadPolicy`, `S3CrudPolicy`, and the actions of inline statements
    /// (`execute-api:ManageConnections`, `ses:SendEmail`, ...).
    pub grants: Vec<String>,
    /// Whether it gets the `WEBSOCKET_ENDPOINT` variable.
    pub websocket_endpoint: bool,
}

/// An HTTP API route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDef {
    /// Upper-case method, or `ANY`.
    pub method: String,
    /// `/api/users/{id}`, or `None` for the `$default` route.
    pub path: Option<String>,
    /// Logical id of the HTTP API it belongs to.
    pub api: String,
}

/// The table's keys and indexes.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// (name, type) pairs.
    pub attributes: Vec<(String, String)>,
    /// (name, HASH|RANGE) pairs.
    pub key_schema: Vec<(String, String)>,
    /// Global secondary indexes.
    pub indexes: Vec<IndexDef>,
    /// TTL attribute, if enabled.
    pub ttl_attribute: Option<String>,
}

/// A global secondary index as the template defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    /// Index name.
    pub name: String,
    /// (name, HASH|RANGE) pairs.
    pub key_schema: Vec<(String, String)>,
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection: String,
    /// With `INCLUDE`: the attributes projected besides the keys.
    pub non_key_attributes: Vec<String>,
}

/// CORS as API Gateway applies it (and, from a bucket's rule, as S3 does).
#[derive(Debug, Clone, Default)]
pub struct Cors {
    /// Allowed origins: literal values, or `!Ref` of a parameter (resolved at start).
    pub allow_origins: Vec<Setting>,
    /// Allowed methods.
    pub allow_methods: Vec<String>,
    /// Allowed request headers.
    pub allow_headers: Vec<String>,
    /// Preflight cache seconds.
    pub max_age: Option<u64>,
}

/// A template value: a literal, or a parameter reference resolved when the stack starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// A plain value.
    Literal(String),
    /// `!Ref Parameter`.
    Param(String),
}

impl Setting {
    fn of(v: &Value) -> Option<Self> {
        match v {
            Value::Tagged(t) if t.tag == "!Ref" => t.value.as_str().map(|p| Self::Param(p.into())),
            other => str_of(other).map(Self::Literal),
        }
    }
}

fn str_of(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The text of a plain string or of an intrinsic such as `!Sub "..."`.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) => t.value.as_str().map(str::to_string),
        other => str_of(other),
    }
}

/// The resource a `!Sub` text refers to: the first `${Id}` or `${Id.Attr}` that is not a
/// pseudo parameter such as `${AWS::Region}`.
fn sub_reference(text: &str) -> Option<String> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split('}').next())
        .find(|inner| !inner.starts_with("AWS::"))
        .map(|inner| inner.split('.').next().unwrap_or(inner).to_string())
}

fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    list.as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((str_of(&e[a])?, str_of(&e[b])?)))
        .collect()
}

/// One word per grant of a `Policies` list (see [`FunctionDef::grants`]).
fn grants(policies: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for p in policies.as_sequence().into_iter().flatten() {
        let Some(map) = p.as_mapping() else {
            if let Some(name) = str_of(p) {
                out.push(name);
            }
            continue;
        };
        for (k, v) in map {
            let key = str_of(k).unwrap_or_default();
            if key != "Statement" {
                out.push(key);
                continue;
            }
            for st in v.as_sequence().into_iter().flatten() {
                match &st["Action"] {
                    Value::Sequence(actions) => out.extend(actions.iter().filter_map(str_of)),
                    other => out.extend(str_of(other)),
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

impl Template {
    /// The compiled-in template.
    pub fn embedded() -> anyhow::Result<Self> {
        Self::parse(TEMPLATE_YAML)
    }

    /// Parses template text (intrinsic tags such as `!Ref` are read as tagged values).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let doc: Value = serde_yaml::from_str(text).context("template.yaml is not YAML")?;
        let resources = doc["Resources"]
            .as_mapping()
            .context("template.yaml has no Resources")?;
        let mut functions = Vec::new();
        let mut table = None;
        let mut http_apis = std::collections::BTreeMap::new();
        let mut bucket_cors = Vec::new();
        let parameters = doc["Parameters"]
            .as_mapping()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((str_of(k)?, str_of(&v["Default"]))))
            .collect();
        let mut binaries = std::collections::HashMap::new();
        let mut integrations = std::collections::HashMap::new();
        let mut ws_routes = Vec::new();
        let mut ses_functions = Vec::new();
        let mut custom_resource_functions = Vec::new();
        for (id, res) in resources {
            let id = str_of(id).unwrap_or_default();
            match res["Type"].as_str() {
                Some("AWS::Serverless::Function") => {
                    let binary = str_of(&res["Metadata"]["BuildProperties"]["Binary"])
                        .with_context(|| format!("{id} has no BuildProperties.Binary"))?;
                    let props = &res["Properties"];
                    let name = str_of(&props["Handler"])
                        .with_context(|| format!("{id} has no Handler"))?;
                    let events = || props["Events"].as_mapping().into_iter().flatten();
                    let routes = events()
                        .filter(|(_, e)| e["Type"].as_str() == Some("HttpApi"))
                        .map(|(_, e)| RouteDef {
                            method: str_of(&e["Properties"]["Method"])
                                .map_or("ANY".into(), |m| m.to_uppercase()),
                            path: str_of(&e["Properties"]["Path"]),
                            api: text_of(&e["Properties"]["ApiId"]).unwrap_or_default(),
                        })
                        .collect();
                    let schedules = events()
                        .filter(|(_, e)| e["Type"].as_str() == Some("Schedule"))
                        .filter_map(|(_, e)| str_of(&e["Properties"]["Schedule"]))
                        .collect();
                    binaries.insert(id.clone(), name.clone());
                    functions.push(FunctionDef {
                        logical_id: id,
                        name,
                        binary,
                        routes,
                        schedules,
                        ses_inbound: false,
                        custom_resource: false,
                        grants: grants(&props["Policies"]),
                        websocket_endpoint:
                            !props["Environment"]["Variables"]["WEBSOCKET_ENDPOINT"].is_null(),
                    });
                }
                Some(kind) if kind.starts_with("Custom::") => {
                    if let Some(token) = text_of(&res["Properties"]["ServiceToken"]) {
                        // `!GetAtt Fn.Arn`.
                        custom_resource_functions
                            .push(token.split('.').next().unwrap_or("").to_string());
                    }
                }
                Some("AWS::SES::ReceiptRule") => {
                    for action in res["Properties"]["Rule"]["Actions"]
                        .as_sequence()
                        .into_iter()
                        .flatten()
                    {
                        if let Some(arn) = text_of(&action["LambdaAction"]["FunctionArn"]) {
                            // `!GetAtt Fn.Arn` or `!Sub "${Fn.Arn}"`.
                            let function = sub_reference(&arn)
                                .unwrap_or_else(|| arn.split('.').next().unwrap_or("").into());
                            ses_functions.push(function);
                        }
                    }
                }
                Some("AWS::DynamoDB::Table") => {
                    let p = &res["Properties"];
                    table = Some(TableDef {
                        attributes: pairs(
                            &p["AttributeDefinitions"],
                            "AttributeName",
                            "AttributeType",
                        ),
                        key_schema: pairs(&p["KeySchema"], "AttributeName", "KeyType"),
                        indexes: p["GlobalSecondaryIndexes"]
                            .as_sequence()
                            .into_iter()
                            .flatten()
                            .filter_map(|g| {
                                Some(IndexDef {
                                    name: str_of(&g["IndexName"])?,
                                    key_schema: pairs(&g["KeySchema"], "AttributeName", "KeyType"),
                                    projection: str_of(&g["Projection"]["ProjectionType"])?,
                                    non_key_attributes: g["Projection"]["NonKeyAttributes"]
                                        .as_sequence()
                                        .into_iter()
                                        .flatten()
                                        .filter_map(str_of)
                                        .collect(),
                                })
                            })
                            .collect(),
                        ttl_attribute: (p["TimeToLiveSpecification"]["Enabled"].as_bool()
                            == Some(true))
                        .then(|| str_of(&p["TimeToLiveSpecification"]["AttributeName"]))
                        .flatten(),
                    });
                }
                // An API without CorsConfiguration (the widget's) answers CORS itself.
                Some("AWS::Serverless::HttpApi")
                    if !res["Properties"]["CorsConfiguration"].is_null() =>
                {
                    let c = &res["Properties"]["CorsConfiguration"];
                    let list = |k: &str| -> Vec<String> {
                        c[k].as_sequence()
                            .into_iter()
                            .flatten()
                            .filter_map(str_of)
                            .collect()
                    };
                    let cors = c.is_mapping().then(|| Cors {
                        allow_origins: c["AllowOrigins"]
                            .as_sequence()
                            .into_iter()
                            .flatten()
                            .filter_map(Setting::of)
                            .collect(),
                        allow_methods: list("AllowMethods"),
                        allow_headers: list("AllowHeaders"),
                        max_age: c["MaxAge"].as_u64(),
                    });
                    http_apis.insert(id, cors);
                }
                Some("AWS::S3::Bucket") => {
                    let rules = &res["Properties"]["CorsConfiguration"]["CorsRules"];
                    for rule in rules.as_sequence().into_iter().flatten() {
                        let list = |k: &str| -> Vec<String> {
                            rule[k]
                                .as_sequence()
                                .into_iter()
                                .flatten()
                                .filter_map(str_of)
                                .collect()
                        };
                        bucket_cors.push(Cors {
                            allow_origins: rule["AllowedOrigins"]
                                .as_sequence()
                                .into_iter()
                                .flatten()
                                .filter_map(Setting::of)
                                .collect(),
                            allow_methods: list("AllowedMethods"),
                            allow_headers: list("AllowedHeaders"),
                            max_age: rule["MaxAge"].as_u64(),
                        });
                    }
                }
                Some("AWS::ApiGatewayV2::Integration") => {
                    let uri = text_of(&res["Properties"]["IntegrationUri"])
                        .with_context(|| format!("{id} has no IntegrationUri"))?;
                    let function = sub_reference(&uri)
                        .with_context(|| format!("{id}'s IntegrationUri names no function"))?;
                    integrations.insert(id, function);
                }
                Some("AWS::ApiGatewayV2::Route") => {
                    let p = &res["Properties"];
                    let target = text_of(&p["Target"])
                        .and_then(|t| sub_reference(&t))
                        .with_context(|| format!("{id} has no integration target"))?;
                    let route_key =
                        str_of(&p["RouteKey"]).with_context(|| format!("{id} has no RouteKey"))?;
                    ws_routes.push((
                        id,
                        route_key,
                        target,
                        p["RouteResponseSelectionExpression"].is_string(),
                    ));
                }
                _ => {}
            }
        }
        let mut websocket_routes = Vec::new();
        for (id, route_key, integration, two_way) in ws_routes {
            let function = integrations
                .get(&integration)
                .with_context(|| format!("{id} targets a missing integration {integration}"))?;
            let name = binaries
                .get(function)
                .with_context(|| format!("{integration} invokes a missing function {function}"))?;
            websocket_routes.push(WsRouteDef {
                route_key,
                name: name.clone(),
                two_way,
            });
        }
        for f in &mut functions {
            f.ses_inbound = ses_functions.contains(&f.logical_id);
            f.custom_resource = custom_resource_functions.contains(&f.logical_id);
        }
        let Some(table) = table else {
            bail!("template.yaml has no AWS::DynamoDB::Table");
        };
        Ok(Self {
            functions,
            table,
            http_apis,
            bucket_cors,
            parameters,
            websocket_routes,
        })
    }
}
