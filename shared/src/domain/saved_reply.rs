use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Invalid;
use crate::ids::{OrgId, SavedReplyId, UserId};

/// A canned answer agents insert into the reply box: shared by the organization (managed
/// with `saved_replies:manage`) or personal (its owner's alone, invisible to others).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavedReply {
    /// ULID.
    pub id: SavedReplyId,
    /// The organization.
    pub org_id: OrgId,
    /// The agent it belongs to; `null` for a shared reply.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// What `/` searches by.
    pub title: String,
    /// Plain text with placeholders (`{{customer.name}}`, `{{agent.name}}`,
    /// `{{ticket.number}}`).
    pub body: String,
    /// Who created it.
    pub created_by: UserId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: u64,
}

impl SavedReply {
    /// Longest title, in characters.
    pub const TITLE_MAX: usize = 100;
    /// Longest body, in characters.
    pub const BODY_MAX: usize = 10_000;

    /// Checks a body: not blank, at most [`Self::BODY_MAX`] characters. Line breaks are
    /// kept (it is a message); other control characters are refused.
    pub fn parse_body(raw: &str) -> Result<String, Invalid> {
        if raw.trim().is_empty() {
            return Err(Invalid::new("body", "must not be empty"));
        }
        if raw.chars().count() > Self::BODY_MAX {
            return Err(Invalid::new(
                "body",
                format!("must be at most {} characters", Self::BODY_MAX),
            ));
        }
        if raw
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(Invalid::new("body", "must not contain control characters"));
        }
        Ok(raw.trim_end().to_string())
    }
}

/// The values a saved reply's placeholders take on one ticket.
pub struct Placeholders<'a> {
    /// `{{customer.name}}`.
    pub customer_name: &'a str,
    /// `{{agent.name}}`: the agent inserting it.
    pub agent_name: &'a str,
    /// `{{ticket.number}}`: `ACME-0042`.
    pub ticket_number: &'a str,
}

impl Placeholders<'_> {
    /// `body` with each known placeholder replaced by its value, in one left-to-right pass:
    /// a value is inserted as it is and never read again, so a customer named
    /// `{{agent.name}}` stays that text. The result is plain text like any message (the
    /// dashboard puts it in a text box; mail escapes it in its HTML part). Unknown
    /// `{{...}}` are left as written, so a typo shows rather than vanishing.
    pub fn fill(&self, body: &str) -> String {
        let mut out = String::with_capacity(body.len());
        let mut rest = body;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let value = after.find("}}").and_then(|end| {
                let name = after[..end].trim();
                let value = match name {
                    "customer.name" => self.customer_name,
                    "agent.name" => self.agent_name,
                    "ticket.number" => self.ticket_number,
                    _ => return None,
                };
                Some((value, end))
            });
            match value {
                Some((value, end)) => {
                    out.push_str(value);
                    rest = &after[end + 2..];
                }
                None => {
                    out.push_str("{{");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Placeholders<'static> {
        Placeholders {
            customer_name: "<b>Bob</b> {{agent.name}}",
            agent_name: "Ada",
            ticket_number: "ACME-0042",
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_values_stay_text() {
        let filled =
            values().fill("Hi {{customer.name}}, {{ agent.name }} here about {{ticket.number}}.");
        assert_eq!(
            filled,
            "Hi <b>Bob</b> {{agent.name}}, Ada here about ACME-0042."
        );
    }

    #[test]
    fn unknown_and_unclosed_placeholders_stay_as_written() {
        assert_eq!(
            values().fill("{{nope}} {{ticket.number"),
            "{{nope}} {{ticket.number"
        );
        assert_eq!(values().fill("{{{{ticket.number}}}}"), "{{ACME-0042}}");
        assert_eq!(values().fill("é{{agent.name}}ü"), "éAdaü");
    }

    #[test]
    fn bodies_keep_lines_and_refuse_other_controls() {
        assert_eq!(SavedReply::parse_body("a\nb\n\n").as_deref(), Ok("a\nb"));
        assert!(SavedReply::parse_body("  ").is_err());
        assert!(SavedReply::parse_body("a\u{7}").is_err());
    }
}
