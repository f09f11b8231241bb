//! Assignment modes of a team and the organization's routing rules: which team a new
//! conversation goes to, by where it came from. Pure rules; `crate::assignment` applies them.

use serde::{Deserialize, Serialize};

use super::Channel;
use crate::ids::TeamId;

/// How a team's new conversations find an agent.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssignmentMode {
    /// Agents take conversations themselves (or are assigned by hand).
    #[default]
    Manual,
    /// Each new conversation goes to the next agent of the team who is online and under
    /// the team's cap; when none is, it waits in the team's queue.
    RoundRobin,
}

impl AssignmentMode {
    /// As stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "MANUAL",
            Self::RoundRobin => "ROUND_ROBIN",
        }
    }
}

/// Default cap of open conversations per agent for round robin.
pub const DEFAULT_MAX_OPEN_PER_AGENT: u32 = 5;
/// Highest cap a team may set.
pub const MAX_OPEN_PER_AGENT_LIMIT: u32 = 100;

/// Most routing rules an organization may have.
pub const MAX_ROUTING_RULES: usize = 50;

/// One routing rule: a new conversation that matches every condition given goes to
/// `team_id`. Rules are tried in order; the first match wins; no match, no team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoutingRule {
    /// Only conversations of this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Only mail that came to this support address (lower case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_address: Option<String>,
    /// Only chats started on this site (an origin of the widget, `https://shop.example.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget_origin: Option<String>,
    /// The team the conversation goes to.
    pub team_id: TeamId,
}

/// Where a new conversation came from, as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Its channel.
    pub channel: Channel,
    /// The support address a mail came to (lower case).
    pub support_address: Option<String>,
    /// The site a chat started on (its normalized origin).
    pub widget_origin: Option<String>,
}

/// What a channel knows of where a new conversation came from, beyond the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Via {
    /// The support address a mail came to.
    pub support_address: Option<String>,
    /// The site a chat started on (its normalized origin).
    pub widget_origin: Option<String>,
}

impl Origin {
    /// A conversation of `channel` with nothing more known.
    pub fn of(channel: Channel) -> Self {
        Self::new(channel, &Via::default())
    }

    /// A conversation of `channel` that came `via`.
    pub fn new(channel: Channel, via: &Via) -> Self {
        Self {
            channel,
            support_address: via.support_address.clone(),
            widget_origin: via.widget_origin.clone(),
        }
    }
}

impl RoutingRule {
    /// Whether `origin` meets every condition of the rule (a rule with none matches all).
    pub fn matches(&self, origin: &Origin) -> bool {
        let same = |want: &Option<String>, got: &Option<String>| {
            want.as_ref()
                .is_none_or(|w| got.as_ref().is_some_and(|g| g.eq_ignore_ascii_case(w)))
        };
        self.channel.is_none_or(|c| c == origin.channel)
            && same(&self.support_address, &origin.support_address)
            && same(&self.widget_origin, &origin.widget_origin)
    }
}

/// The team of the first rule `origin` matches.
pub fn route<'a>(rules: &'a [RoutingRule], origin: &Origin) -> Option<&'a TeamId> {
    rules.iter().find(|r| r.matches(origin)).map(|r| &r.team_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(n: u8) -> TeamId {
        TeamId::trusted(format!("01HZ{n:022}"))
    }

    fn rule(
        channel: Option<Channel>,
        address: Option<&str>,
        site: Option<&str>,
        t: u8,
    ) -> RoutingRule {
        RoutingRule {
            channel,
            support_address: address.map(str::to_string),
            widget_origin: site.map(str::to_string),
            team_id: team(t),
        }
    }

    fn mail_to(address: &str) -> Origin {
        Origin {
            support_address: Some(address.into()),
            ..Origin::of(Channel::Email)
        }
    }

    fn chat_on(site: Option<&str>) -> Origin {
        Origin {
            widget_origin: site.map(str::to_string),
            ..Origin::of(Channel::Chat)
        }
    }

    #[test]
    fn no_rules_route_nowhere() {
        assert_eq!(route(&[], &Origin::of(Channel::Chat)), None);
    }

    #[test]
    fn a_channel_rule_takes_only_its_channel() {
        let rules = [rule(Some(Channel::Chat), None, None, 1)];
        assert_eq!(route(&rules, &chat_on(None)), Some(&team(1)));
        assert_eq!(route(&rules, &mail_to("help@acme.test")), None);
        assert_eq!(route(&rules, &Origin::of(Channel::Manual)), None);
    }

    #[test]
    fn an_address_rule_takes_mail_to_that_address_in_any_case() {
        let rules = [rule(None, Some("billing@acme.test"), None, 2)];
        assert_eq!(route(&rules, &mail_to("Billing@ACME.test")), Some(&team(2)));
        assert_eq!(route(&rules, &mail_to("help@acme.test")), None);
        assert_eq!(route(&rules, &chat_on(None)), None, "a chat has no address");
    }

    #[test]
    fn a_widget_rule_takes_chats_from_that_site_only() {
        let rules = [rule(None, None, Some("https://shop.acme.test"), 3)];
        assert_eq!(
            route(&rules, &chat_on(Some("https://shop.acme.test"))),
            Some(&team(3))
        );
        assert_eq!(
            route(&rules, &chat_on(Some("https://docs.acme.test"))),
            None
        );
        assert_eq!(route(&rules, &chat_on(None)), None);
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let rules = [
            rule(Some(Channel::Email), Some("billing@acme.test"), None, 1),
            rule(Some(Channel::Email), None, None, 2),
            rule(None, None, None, 3),
        ];
        assert_eq!(route(&rules, &mail_to("billing@acme.test")), Some(&team(1)));
        assert_eq!(route(&rules, &mail_to("help@acme.test")), Some(&team(2)));
        assert_eq!(route(&rules, &chat_on(None)), Some(&team(3)), "a catch-all");
    }

    #[test]
    fn every_condition_of_a_rule_must_hold() {
        let rules = [rule(
            Some(Channel::Chat),
            Some("billing@acme.test"),
            None,
            1,
        )];
        assert_eq!(route(&rules, &mail_to("billing@acme.test")), None);
        assert_eq!(route(&rules, &chat_on(None)), None);
    }
}
