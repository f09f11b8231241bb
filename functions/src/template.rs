//! The functions' part of `template.yaml`, generated from the registry: each function's
//! resource (its `Events` from its trigger, its `Policies` from its access, its tuning), and
//! for WebSocket routes the integration, route, permission and route response. It sits in
//! `template.yaml` between the [`BEGIN`] and [`END`] lines; the rest of the file (APIs,
//! table, bucket, mail, distribution, alarms) is written by hand. A test checks the
//! committed file equals [`splice`] of it with [`generated`]; regenerate it with
//! `cargo run -p wrrk-local -- --write-template`.

use std::fmt::Write;

use crate::registry::{self, Access, FunctionSpec, Trigger, Tuning};

/// The line before the generated functions.
pub const BEGIN: &str = "  # ---- BEGIN generated from functions/src/registry.rs by `wrrk-local --print-template`: do not edit ----";
/// The line after them.
pub const END: &str = "  # ---- END generated ----";

/// A function's logical id: its name in PascalCase, then `Function` (`auth-signup`:
/// `AuthSignupFunction`).
pub fn logical_id(name: &str) -> String {
    format!("{}Function", pascal(name))
}

/// `auth-signup`: `AuthSignup`.
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The name of a schedule's event: the function name's last word (`tickets-snooze-wake`:
/// `Wake`). It names the rule and permission SAM derives, so it must stay stable.
pub fn schedule_event_name(name: &str) -> String {
    pascal(name.rsplit('-').next().unwrap_or(name))
}

/// The HTTP API a route belongs to: the widget's own (called cross-origin, no CORS
/// configuration) for `/api/widget/*`, the agents' otherwise.
pub fn http_api_for(path: &str) -> &'static str {
    if path.starts_with("/api/widget/") {
        "WidgetApi"
    } else {
        "HttpApi"
    }
}

/// Whether a WebSocket route sends the function's answer back (every action does;
/// `$connect` and `$disconnect` cannot).
pub fn ws_two_way(route_key: &str) -> bool {
    !matches!(route_key, "$connect" | "$disconnect")
}

const MANAGE_CONNECTIONS: &str = r#"        - Statement:
            - Effect: Allow
              Action: execute-api:ManageConnections
              Resource:
                - !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/live/POST/@connections/*"
                - !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/live/DELETE/@connections/*"
"#;

const SEND_MAIL: &str = r#"        - Statement:
            - Effect: Allow
              Action: [ses:SendEmail, ses:SendRawEmail]
              Resource: !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*"
"#;

const READ_MAIL_IDENTITIES: &str = r#"        - Statement:
            # Replies go from the organization's own address once SES verified it.
            - Effect: Allow
              Action: ses:GetEmailIdentity
              Resource: !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*"
"#;

const MANAGE_MAIL_IDENTITIES: &str = r#"        - Statement:
            - Effect: Allow
              Action: [ses:CreateEmailIdentity, ses:GetEmailIdentity, ses:DeleteEmailIdentity]
              Resource: !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*"
"#;

const ACTIVATE_RECEIPT_RULE_SET: &str = r#"        # Receipt rule sets take no resource-level permissions.
        - Statement:
            - Effect: Allow
              Action: [ses:DescribeActiveReceiptRuleSet, ses:SetActiveReceiptRuleSet]
              Resource: "*"
"#;

const WEBSOCKET_ENDPOINT: &str = r#"      Environment:
        Variables:
          # Where PostToConnection goes: only functions that publish get it.
          WEBSOCKET_ENDPOINT: !Sub "https://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/live"
"#;

/// The `Policies` lines for `access` (none: no `Policies`).
fn policies(access: &[Access]) -> String {
    let has = |a| access.contains(&a);
    let mut out = String::new();
    if has(Access::TableWrite) {
        out += "        - DynamoDBCrudPolicy: { TableName: !Ref Table }\n";
    } else if has(Access::TableRead) {
        out += "        - DynamoDBReadPolicy: { TableName: !Ref Table }\n";
    }
    if has(Access::BucketWrite) {
        out += "        - S3CrudPolicy: { BucketName: !Ref Bucket }\n";
    } else if has(Access::BucketRead) {
        out += "        - S3ReadPolicy: { BucketName: !Ref Bucket }\n";
    }
    if has(Access::ManageConnections) {
        out += MANAGE_CONNECTIONS;
    }
    if has(Access::SendMail) {
        out += SEND_MAIL;
    }
    if has(Access::ActivateReceiptRuleSet) {
        out += ACTIVATE_RECEIPT_RULE_SET;
    }
    if has(Access::ManageMailIdentities) {
        out += MANAGE_MAIL_IDENTITIES;
    } else if has(Access::ReadMailIdentities) {
        out += READ_MAIL_IDENTITIES;
    }
    if out.is_empty() {
        out
    } else {
        format!("      Policies:\n{out}")
    }
}

/// `MemorySize`, `Timeout` and the extra properties of a tuning.
fn tuning(t: &Tuning) -> String {
    let mut out = String::new();
    if !t.why.is_empty() {
        let _ = writeln!(out, "      # {}", t.why);
    }
    if let Some(mb) = t.memory_mb {
        let _ = writeln!(out, "      MemorySize: {mb}");
    }
    if let Some(s) = t.timeout_s {
        let _ = writeln!(out, "      Timeout: {s}");
    }
    out + t.extra
}

/// A YAML scalar for a route path: quoted when it holds `{param}` segments.
fn path_scalar(path: &str) -> String {
    if path.contains('{') {
        format!("\"{path}\"")
    } else {
        path.to_string()
    }
}

/// The `Events` lines of a trigger (none for WebSocket routes, mail and custom resources:
/// their resources name the function instead).
fn events(spec: &FunctionSpec) -> String {
    match spec.trigger {
        Trigger::Http {
            path: "$default", ..
        } => "      Events:\n        Api: { Type: HttpApi, Properties: { ApiId: !Ref HttpApi } }\n"
            .to_string(),
        Trigger::Http { method, path } => format!(
            "      Events:\n        Api: {{ Type: HttpApi, Properties: {{ ApiId: !Ref {}, Method: {method}, Path: {} }} }}\n",
            http_api_for(path),
            path_scalar(path)
        ),
        Trigger::Schedule { expression } => format!(
            "      Events:\n        {}: {{ Type: Schedule, Properties: {{ Schedule: {expression} }} }}\n",
            schedule_event_name(spec.name)
        ),
        Trigger::WebSocket { .. } | Trigger::SesInbound | Trigger::CloudFormation => String::new(),
    }
}

/// One function's `AWS::Serverless::Function` resource.
pub fn function_resource(spec: &FunctionSpec) -> String {
    let mut out = format!(
        "  {}:\n    Type: AWS::Serverless::Function\n    Metadata: {{ BuildMethod: rust-cargolambda, BuildProperties: {{ Binary: bootstrap }} }}\n    Properties:\n      Handler: {}\n",
        logical_id(spec.name),
        spec.name
    );
    out += &tuning(&spec.tuning);
    out += &policies(spec.access);
    if spec.access.contains(&Access::ManageConnections) {
        out += WEBSOCKET_ENDPOINT;
    }
    out += &events(spec);
    out
}

/// A WebSocket route's integration, route, invoke permission and (for actions) route
/// response.
fn ws_route_resources(name: &str, route_key: &str) -> String {
    let id = pascal(name);
    let function = logical_id(name);
    let mut out = format!(
        r#"
  {id}Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref WebSocketApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{function}.Arn}}/invocations"

  {id}Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref WebSocketApi
      RouteKey: "{route_key}"
      AuthorizationType: NONE
"#
    );
    if ws_two_way(route_key) {
        out += "      RouteResponseSelectionExpression: $default\n";
    }
    let _ = write!(
        out,
        r#"      Target: !Sub "integrations/${{{id}Integration}}"

  {id}Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref {function}
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{WebSocketApi}}/*"
"#
    );
    if ws_two_way(route_key) {
        let _ = write!(
            out,
            r#"
  {id}RouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref WebSocketApi
      RouteId: !Ref {id}Route
      RouteResponseKey: $default
"#
        );
    }
    out
}

/// Every function's resources, in registry order (HTTP, WebSocket, events), between
/// [`BEGIN`] and [`END`].
pub fn generated() -> String {
    let mut out = format!("{BEGIN}\n");
    for spec in registry::all() {
        out += "\n";
        out += &function_resource(&spec);
        if let Trigger::WebSocket { route_key } = spec.trigger {
            out += &ws_route_resources(spec.name, route_key);
        }
    }
    out += "\n";
    out += END;
    out += "\n";
    out
}

/// `template` with its generated part (from the [`BEGIN`] line through the [`END`] line)
/// replaced by `generated`.
pub fn splice(template: &str, generated: &str) -> Result<String, String> {
    let begin = template
        .find(&format!("{BEGIN}\n"))
        .ok_or("template.yaml has no BEGIN generated line")?;
    let end_line = format!("{END}\n");
    let end = template[begin..]
        .find(&end_line)
        .map(|i| begin + i + end_line.len())
        .ok_or("template.yaml has no END generated line after its BEGIN")?;
    Ok(format!(
        "{}{generated}{}",
        &template[..begin],
        &template[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_are_the_pascal_case_names() {
        for (name, id) in [
            ("auth-signup", "AuthSignupFunction"),
            ("ws-ticket-subscribe", "WsTicketSubscribeFunction"),
            ("openapi", "OpenapiFunction"),
            ("deploy-setup", "DeploySetupFunction"),
        ] {
            assert_eq!(logical_id(name), id);
        }
    }

    #[test]
    fn a_schedule_event_is_named_after_the_last_word() {
        assert_eq!(schedule_event_name("tickets-snooze-wake"), "Wake");
        assert_eq!(schedule_event_name("email-retry"), "Retry");
        assert_eq!(schedule_event_name("sweep"), "Sweep");
    }

    #[test]
    fn widget_routes_go_to_the_widget_api() {
        for (path, api) in [
            ("/api/widget/init", "WidgetApi"),
            ("/api/widget/{route}", "WidgetApi"),
            ("/api/widgets", "HttpApi"),
            ("/api/tickets/{id}", "HttpApi"),
        ] {
            assert_eq!(http_api_for(path), api, "{path}");
        }
    }

    #[test]
    fn only_actions_answer_with_a_frame() {
        assert!(!ws_two_way("$connect"));
        assert!(!ws_two_way("$disconnect"));
        assert!(ws_two_way("$default"));
        assert!(ws_two_way("typing:start"));
    }

    #[test]
    fn policies_follow_access_and_write_implies_read() {
        assert_eq!(policies(&[]), "");
        let p = policies(&[Access::TableRead, Access::TableWrite, Access::BucketRead]);
        assert!(p.contains("DynamoDBCrudPolicy") && !p.contains("DynamoDBReadPolicy"));
        assert!(p.contains("S3ReadPolicy") && !p.contains("S3CrudPolicy"));
        let p = policies(&[Access::ManageConnections, Access::SendMail]);
        assert!(p.contains("execute-api:ManageConnections") && p.contains("ses:SendEmail"));
        assert!(!p.contains("DynamoDB"));
    }

    #[test]
    fn splice_replaces_only_the_generated_part() {
        let t = format!("a\n{BEGIN}\nold\n{END}\nb\n");
        assert_eq!(
            splice(&t, &format!("{BEGIN}\nnew\n{END}\n")).unwrap(),
            format!("a\n{BEGIN}\nnew\n{END}\nb\n")
        );
        assert!(splice("a\nb\n", "x").is_err());
        assert!(splice(&format!("{BEGIN}\nold\n"), "x").is_err());
    }

    #[test]
    fn every_function_has_exactly_one_route_method() {
        for f in registry::HTTP_FUNCTIONS {
            if let Some(op) = &f.operation {
                assert_eq!(op.methods().len(), 1, "{}", f.name);
            }
        }
    }

    #[test]
    fn the_generated_part_is_yaml_without_duplicate_keys() {
        let text = generated();
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("generated YAML parses");
        let n = registry::all().count();
        let functions = doc
            .as_mapping()
            .expect("a mapping")
            .values()
            .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
            .count();
        assert_eq!(functions, n);
    }
}
