//! `Custom::ActiveReceiptRuleSet`: makes the stack's receipt rule set the region's active
//! one (only one is active per region, and CloudFormation has no property for it).
//!
//! It never replaces a set the account already uses: a first deploy that finds another
//! set active fails with the parameter that adds wrrk's rule to that set instead; an
//! update leaves it alone (failing there would also fail its own rollback). Deleting the
//! stack deactivates the set only while it is ours that is active.

use serde::Deserialize;

use super::{CustomResourceEvent, RequestKind};

/// The properties of `Custom::ActiveReceiptRuleSet`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Properties {
    /// The stack's rule set.
    rule_set_name: String,
}

/// What one request asks of SES, decided from the set active now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Make ours the active set.
    Activate,
    /// Leave the region with no active set (ours was it).
    Deactivate,
    /// Nothing to change.
    Keep,
    /// Another set is active and a first deploy must not replace it.
    Refuse {
        /// The set the account uses.
        active: String,
    },
}

/// The request, read from the event: what is asked, for which set, and the physical id
/// CloudFormation keeps for it (it names the set, so another set is another resource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Create, Update or Delete.
    pub kind: RequestKind,
    /// The stack's rule set.
    pub rule_set: String,
    /// `active-receipt-rule-set:{name}`.
    pub physical_id: String,
}

impl Request {
    /// Reads `event`; an event without a usable `RuleSetName` is refused.
    pub fn from_event(event: &CustomResourceEvent) -> anyhow::Result<Self> {
        let kind = event.kind()?;
        let props: Properties = serde_json::from_value(event.resource_properties.clone())
            .map_err(|e| anyhow::anyhow!("Custom::ActiveReceiptRuleSet properties: {e}"))?;
        let rule_set = props.rule_set_name.trim().to_string();
        anyhow::ensure!(
            !rule_set.is_empty(),
            "Custom::ActiveReceiptRuleSet needs a RuleSetName"
        );
        Ok(Self {
            kind,
            physical_id: format!("active-receipt-rule-set:{rule_set}"),
            rule_set,
        })
    }
}

/// The step for `kind` on `ours` when `active` is the region's active set (None: none).
pub fn step(kind: RequestKind, active: Option<&str>, ours: &str) -> Step {
    let ours_active = active == Some(ours);
    match kind {
        RequestKind::Delete if ours_active => Step::Deactivate,
        RequestKind::Delete => Step::Keep,
        _ if ours_active => Step::Keep,
        _ => match active {
            None => Step::Activate,
            Some(other) if kind == RequestKind::Create => Step::Refuse {
                active: other.to_string(),
            },
            // An operator switched sets after the first deploy: theirs to decide.
            Some(_) => Step::Keep,
        },
    }
}

/// Why a first deploy stops when `active` is in use, and what to deploy instead.
pub fn refusal(active: &str) -> String {
    format!(
        "the receipt rule set \"{active}\" is active in this region and a deploy does not \
         replace it: deploy with ExistingReceiptRuleSet={active} to add wrrk's rule to it \
         (docs/deploy.md, \"Mail\")"
    )
}

/// Handles one request against SES; returns the physical id.
pub async fn handle(event: &CustomResourceEvent) -> anyhow::Result<String> {
    let request = Request::from_event(event)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let ses = aws_sdk_ses::Client::new(&config);
    let active = ses
        .describe_active_receipt_rule_set()
        .send()
        .await
        .map_err(|e| anyhow::Error::new(e).context("reading the active receipt rule set"))?;
    let active = active.metadata().and_then(|m| m.name());
    match step(request.kind, active, &request.rule_set) {
        Step::Activate => {
            ses.set_active_receipt_rule_set()
                .rule_set_name(&request.rule_set)
                .send()
                .await
                .map_err(|e| {
                    anyhow::Error::new(e).context(format!("activating {}", request.rule_set))
                })?;
            tracing::info!(rule_set = %request.rule_set, "receipt rule set activated");
        }
        Step::Deactivate => {
            // No name: no set is active.
            ses.set_active_receipt_rule_set()
                .send()
                .await
                .map_err(|e| {
                    anyhow::Error::new(e).context(format!("deactivating {}", request.rule_set))
                })?;
            tracing::info!(rule_set = %request.rule_set, "receipt rule set deactivated");
        }
        Step::Keep => {}
        Step::Refuse { active } => anyhow::bail!(refusal(&active)),
    }
    Ok(request.physical_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> CustomResourceEvent {
        let text = match name {
            "create" => include_str!("fixtures/rule_set_create.json"),
            "update" => include_str!("fixtures/rule_set_update.json"),
            "delete" => include_str!("fixtures/rule_set_delete.json"),
            other => panic!("no fixture {other}"),
        };
        serde_json::from_str(text).expect("a CloudFormation event")
    }

    const OURS: &str = "wrrk-inbound";

    #[test]
    fn a_create_event_names_the_set_and_its_physical_id() {
        let r = Request::from_event(&fixture("create")).unwrap();
        assert_eq!(r.kind, RequestKind::Create);
        assert_eq!(r.rule_set, OURS);
        assert_eq!(r.physical_id, "active-receipt-rule-set:wrrk-inbound");
    }

    #[test]
    fn update_and_delete_events_keep_the_physical_id_of_the_same_set() {
        for name in ["update", "delete"] {
            let event = fixture(name);
            let r = Request::from_event(&event).unwrap();
            assert_eq!(Some(r.physical_id), event.physical_resource_id, "{name}");
        }
        assert_eq!(
            Request::from_event(&fixture("delete")).unwrap().kind,
            RequestKind::Delete
        );
    }

    #[test]
    fn an_event_without_a_rule_set_name_is_refused() {
        let mut event = fixture("create");
        event.resource_properties["RuleSetName"] = serde_json::json!(" ");
        assert!(Request::from_event(&event).is_err());
        event.resource_properties = serde_json::json!({ "ServiceToken": "arn" });
        assert!(Request::from_event(&event).is_err());
    }

    #[test]
    fn an_unknown_request_type_is_refused() {
        let mut event = fixture("create");
        event.request_type = "Rollback".into();
        assert!(Request::from_event(&event).is_err());
    }

    #[test]
    fn create_activates_ours_when_no_set_is_active() {
        assert_eq!(step(RequestKind::Create, None, OURS), Step::Activate);
    }

    #[test]
    fn create_and_update_keep_ours_when_it_is_active_already() {
        for kind in [RequestKind::Create, RequestKind::Update] {
            assert_eq!(step(kind, Some(OURS), OURS), Step::Keep, "{kind:?}");
        }
    }

    #[test]
    fn create_never_replaces_another_active_set() {
        assert_eq!(
            step(RequestKind::Create, Some("theirs"), OURS),
            Step::Refuse {
                active: "theirs".into()
            }
        );
        let why = refusal("theirs");
        assert!(why.contains("ExistingReceiptRuleSet=theirs"), "{why}");
    }

    #[test]
    fn update_leaves_a_set_the_operator_activated_since() {
        assert_eq!(step(RequestKind::Update, Some("theirs"), OURS), Step::Keep);
    }

    #[test]
    fn update_activates_ours_when_none_is_active() {
        assert_eq!(step(RequestKind::Update, None, OURS), Step::Activate);
    }

    #[test]
    fn delete_deactivates_only_when_ours_is_the_active_set() {
        assert_eq!(
            step(RequestKind::Delete, Some(OURS), OURS),
            Step::Deactivate
        );
        assert_eq!(step(RequestKind::Delete, Some("theirs"), OURS), Step::Keep);
        assert_eq!(step(RequestKind::Delete, None, OURS), Step::Keep);
    }

    #[test]
    fn a_set_whose_name_merely_starts_like_ours_is_another_set() {
        assert_eq!(
            step(RequestKind::Delete, Some("wrrk-inbound-old"), OURS),
            Step::Keep
        );
    }
}
