//! `template.yaml` and the function registry describe the same functions: the functions'
//! part of the template is generated from the registry and committed, the local stack's
//! reading of it gives back each registry line's trigger and access, and every function is
//! built from the one `bootstrap` binary.

use std::collections::{BTreeMap, BTreeSet};

use wrrk_functions::registry::{self, Access, Trigger, WS_FUNCTIONS};
use wrrk_local::template::{FunctionDef, Template};

fn template() -> Template {
    Template::embedded().unwrap()
}

fn by_name(t: &Template) -> BTreeMap<String, &FunctionDef> {
    t.functions.iter().map(|f| (f.name.clone(), f)).collect()
}

/// The functions' part of the template is generated from the registry (as `openapi.json`
/// is from the handlers): the committed file must be what `--print-template` prints
/// (`--write-template` writes it).
#[test]
fn committed_template_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml");
    let committed = std::fs::read_to_string(path).expect("template.yaml is committed");
    let generated =
        wrrk_functions::template::splice(&committed, &wrrk_functions::template::generated())
            .expect("template.yaml has the generated lines");
    assert!(
        committed == generated,
        "template.yaml is stale: run `cargo run -p wrrk-local -- --write-template`"
    );
}

/// The local stack reads the generated template back: what it reads is what the registry
/// says (names, triggers, access).
#[test]
fn every_function_is_triggered_as_its_registry_line_says() {
    let t = template();
    let functions = by_name(&t);
    let ws_routes: BTreeMap<&str, Vec<&str>> =
        t.websocket_routes.iter().fold(BTreeMap::new(), |mut m, r| {
            m.entry(r.name.as_str())
                .or_default()
                .push(r.route_key.as_str());
            m
        });
    assert_eq!(functions.len(), registry::all().count(), "functions");
    for spec in registry::all() {
        let f = functions[spec.name];
        let routes: Vec<(String, String)> = f
            .routes
            .iter()
            .map(|r| {
                (
                    r.method.clone(),
                    r.path.clone().unwrap_or("$default".into()),
                )
            })
            .collect();
        let ws = ws_routes.get(spec.name).cloned().unwrap_or_default();
        let (want_routes, want_ws, want_schedules, want_ses) = match spec.trigger {
            Trigger::Http { method, path } => (
                vec![(method.to_string(), path.to_string())],
                vec![],
                vec![],
                false,
            ),
            Trigger::WebSocket { route_key } => (vec![], vec![route_key], vec![], false),
            Trigger::SesInbound => (vec![], vec![], vec![], true),
            Trigger::Schedule { expression } => {
                (vec![], vec![], vec![expression.to_string()], false)
            }
            Trigger::CloudFormation => (vec![], vec![], vec![], false),
        };
        assert_eq!(
            f.custom_resource,
            spec.trigger == Trigger::CloudFormation,
            "{}: a custom resource's ServiceToken",
            spec.name
        );
        assert_eq!(routes, want_routes, "{}: HTTP routes", spec.name);
        assert_eq!(ws, want_ws, "{}: WebSocket routes", spec.name);
        assert_eq!(f.schedules, want_schedules, "{}: schedules", spec.name);
        assert_eq!(f.ses_inbound, want_ses, "{}: SES receipt rule", spec.name);
    }
}

/// The policy words a function with `access` must have, and nothing more.
fn grants_for(access: &[Access]) -> BTreeSet<String> {
    let mut g = BTreeSet::new();
    let has = |a| access.contains(&a);
    if has(Access::TableWrite) {
        g.insert("DynamoDBCrudPolicy");
    } else if has(Access::TableRead) {
        g.insert("DynamoDBReadPolicy");
    }
    if has(Access::BucketWrite) {
        g.insert("S3CrudPolicy");
    } else if has(Access::BucketRead) {
        g.insert("S3ReadPolicy");
    }
    if has(Access::ManageConnections) {
        g.insert("execute-api:ManageConnections");
    }
    if has(Access::SendMail) {
        g.extend(["ses:SendEmail", "ses:SendRawEmail"]);
    }
    if has(Access::ManageMailIdentities) {
        g.extend([
            "ses:CreateEmailIdentity",
            "ses:GetEmailIdentity",
            "ses:DeleteEmailIdentity",
        ]);
    } else if has(Access::ReadMailIdentities) {
        g.insert("ses:GetEmailIdentity");
    }
    if has(Access::ActivateReceiptRuleSet) {
        g.extend([
            "ses:DescribeActiveReceiptRuleSet",
            "ses:SetActiveReceiptRuleSet",
        ]);
    }
    g.into_iter().map(String::from).collect()
}

#[test]
fn every_function_holds_exactly_the_access_its_registry_line_grants() {
    let t = template();
    let functions = by_name(&t);
    for spec in registry::all() {
        let f = functions[spec.name];
        let have: BTreeSet<String> = f.grants.iter().cloned().collect();
        assert_eq!(have, grants_for(spec.access), "{}: Policies", spec.name);
        // The management endpoint goes exactly where the permission to use it goes.
        assert_eq!(
            f.websocket_endpoint,
            spec.access.contains(&Access::ManageConnections),
            "{}: WEBSOCKET_ENDPOINT",
            spec.name
        );
    }
}

#[test]
fn every_function_runs_the_one_bootstrap_binary() {
    let t = template();
    for f in &t.functions {
        assert_eq!(f.binary, "bootstrap", "{}", f.logical_id);
    }
    let text = wrrk_local::template::TEMPLATE_YAML;
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    // Identical build metadata is what lets `sam build` build the binary once for all.
    let metadata: BTreeSet<String> = doc["Resources"]
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|r| serde_yaml::to_string(&r["Metadata"]).unwrap())
        .collect();
    assert_eq!(metadata.len(), 1, "build metadata differs: {metadata:?}");
    assert!(metadata.iter().all(|m| m.contains("rust-cargolambda")));
}

#[test]
fn websocket_actions_answer_with_a_frame_and_the_required_routes_exist() {
    let t = template();
    let keys: BTreeSet<&str> = WS_FUNCTIONS.iter().map(|f| f.route_key).collect();
    for required in ["$connect", "$disconnect", "$default"] {
        assert!(keys.contains(required), "no {required} route");
    }
    // Actions answer with a frame (ack or error), so they need a route response.
    for r in &t.websocket_routes {
        let expects_reply = !matches!(r.route_key.as_str(), "$connect" | "$disconnect");
        assert_eq!(r.two_way, expects_reply, "{}", r.route_key);
    }
}

/// Resource types that cost nothing without traffic (requests, messages, mail and stored
/// bytes are billed; nothing by the hour). A new type must be checked against this and
/// `docs/cost.md` ("$0 at rest") before it joins the list.
const PAY_PER_USE: &[&str] = &[
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::RouteResponse",
    "AWS::ApiGatewayV2::Stage",
    "AWS::CloudFront::CachePolicy",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::Function",
    "AWS::CloudFront::OriginAccessControl",
    "AWS::DynamoDB::Table",
    "AWS::Lambda::Permission",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SES::ReceiptRule",
    "AWS::SES::EmailIdentity",
    "AWS::SES::ReceiptRuleSet",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::Serverless::Function",
    "AWS::Serverless::HttpApi",
    // Custom resources run the deploy-setup function at deploy time only.
    "Custom::SigningSecret",
    "Custom::Site",
    "Custom::ActiveReceiptRuleSet",
];

/// Types that bill at rest, allowed only behind a condition the operator opts into
/// (`CreateAlarms`; the cost is named in its description and docs/deploy.md).
const OPT_IN_PAID: &[&str] = &["AWS::CloudWatch::Alarm"];

#[test]
fn nothing_in_the_template_costs_money_at_rest() {
    let raw: serde_yaml::Value =
        serde_yaml::from_str(wrrk_local::template::TEMPLATE_YAML).expect("template.yaml parses");
    let resources = raw["Resources"].as_mapping().expect("Resources");
    for (id, resource) in resources {
        let kind = resource["Type"].as_str().unwrap_or_default();
        if OPT_IN_PAID.contains(&kind) {
            assert_eq!(
                resource["Condition"].as_str(),
                Some("WantsAlarms"),
                "{id:?} bills at rest: only when the operator asks for it"
            );
            continue;
        }
        assert!(
            PAY_PER_USE.contains(&kind),
            "{id:?} is a {kind}: check whether it bills by the hour (docs/cost.md) and list it"
        );
    }
    assert_eq!(
        raw["Resources"]["Table"]["Properties"]["BillingMode"].as_str(),
        Some("PAY_PER_REQUEST"),
        "the table is on-demand"
    );
    // Provisioned throughput (table or index) and provisioned concurrency bill by the hour.
    for word in [
        "ProvisionedThroughput",
        "ProvisionedConcurrency",
        "OnDemandThroughput",
    ] {
        assert!(
            !wrrk_local::template::TEMPLATE_YAML.contains(word),
            "template.yaml mentions {word}"
        );
    }
}

#[test]
fn the_ticket_list_index_projects_exactly_a_list_row() {
    let t = template();
    let index = t
        .table
        .indexes
        .iter()
        .find(|i| i.name == wrrk_shared::keys::GSI3)
        .expect("the tickets-by-activity index");
    assert_eq!(index.projection, "INCLUDE");
    let projected: BTreeSet<&str> = index
        .non_key_attributes
        .iter()
        .map(String::as_str)
        .collect();
    let row: BTreeSet<&str> = wrrk_shared::domain::TicketSummary::ATTRIBUTES
        .into_iter()
        .collect();
    assert_eq!(projected, row);
}

/// An index as compared: key schema, projection type, projected attributes.
type IndexShape = (Vec<(String, String)>, String, BTreeSet<String>);

#[tokio::test]
async fn the_local_table_has_the_template_s_indexes() {
    let app = wrrk_tests::TestApp::spawn().await;
    let described = app
        .stack
        .dynamodb_client()
        .describe_table()
        .table_name(app.stack.app.store.table())
        .send()
        .await
        .expect("DescribeTable");
    let table = described.table.expect("a table");
    let local: BTreeMap<String, IndexShape> = table
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            let keys = g
                .key_schema()
                .iter()
                .map(|k| {
                    (
                        k.attribute_name().to_string(),
                        k.key_type().as_str().to_string(),
                    )
                })
                .collect();
            let projection = g.projection().expect("a projection");
            (
                g.index_name().unwrap_or_default().to_string(),
                (
                    keys,
                    projection
                        .projection_type()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    projection.non_key_attributes().iter().cloned().collect(),
                ),
            )
        })
        .collect();
    let declared: BTreeMap<String, IndexShape> = template()
        .table
        .indexes
        .into_iter()
        .map(|i| {
            (
                i.name,
                (
                    i.key_schema,
                    i.projection,
                    i.non_key_attributes.into_iter().collect(),
                ),
            )
        })
        .collect();
    assert_eq!(local, declared);
}
