//! Service levels: per priority, how long (in business seconds, see
//! [`crate::business_hours`]) a customer may wait for the first answer, for the next one
//! after they write again, and for the ticket's resolution. Each ticket carries its due
//! times ([`TicketSla`]); the rules that move them ([`on_event`]) are pure and run in the
//! one message/ticket path ([`crate::conversation`]) and on status changes.
//!
//! A ticket with a due time pending sits in a sparse index partition sorted by the
//! soonest (the inbox's "due next" order), and each due time is queued
//! ([`crate::keys::sla_due`]) for the breach check: a scheduled function (EventBridge in
//! AWS, a timer in `wrrk-local`) reads what is due with one Query and, once per ticket,
//! target and due time (a conditional write), tells the assignee and the team
//! (`ticket:notify`, `SLA_BREACHED`).

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::App;
use crate::business_hours::BusinessHours;
use crate::domain::{AuthorType, Priority, Ticket, TicketStatus};
use crate::events::{Event, NoticeKind, TicketNotice};
use crate::ids::{OrgId, TicketId};
use crate::realtime;
use crate::store::{Conflict, StoreError, StoreResult};

/// Longest target: a year of business time.
pub const MAX_TARGET_SECS: i64 = 365 * 24 * 3600;
/// Shortest target: a minute.
pub const MIN_TARGET_SECS: i64 = 60;

/// What a due time is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlaTarget {
    /// The first agent reply to a new ticket.
    FirstResponse,
    /// The agent reply to the customer's next message.
    NextResponse,
    /// The ticket resolved.
    Resolution,
}

impl SlaTarget {
    /// All three, in the order a ticket meets them.
    pub const ALL: [SlaTarget; 3] = [
        SlaTarget::FirstResponse,
        SlaTarget::NextResponse,
        SlaTarget::Resolution,
    ];

    /// Its wire name (`FIRST_RESPONSE`).
    pub fn as_str(self) -> &'static str {
        match self {
            SlaTarget::FirstResponse => "FIRST_RESPONSE",
            SlaTarget::NextResponse => "NEXT_RESPONSE",
            SlaTarget::Resolution => "RESOLUTION",
        }
    }

    /// From its wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// How people say it.
    pub fn label(self) -> &'static str {
        match self {
            SlaTarget::FirstResponse => "First response",
            SlaTarget::NextResponse => "Next response",
            SlaTarget::Resolution => "Resolution",
        }
    }
}

/// One priority's targets, in business seconds; an absent one is not tracked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlaPolicy {
    /// First agent reply within this many business seconds of the ticket opening.
    #[serde(default)]
    #[schema(minimum = 60, maximum = 31536000)]
    pub first_response_secs: Option<i64>,
    /// Agent reply within this many business seconds of a later customer message.
    #[serde(default)]
    #[schema(minimum = 60, maximum = 31536000)]
    pub next_response_secs: Option<i64>,
    /// Resolved within this many business seconds of opening.
    #[serde(default)]
    #[schema(minimum = 60, maximum = 31536000)]
    pub resolution_secs: Option<i64>,
}

impl SlaPolicy {
    /// The target for `target`.
    pub fn secs(&self, target: SlaTarget) -> Option<i64> {
        match target {
            SlaTarget::FirstResponse => self.first_response_secs,
            SlaTarget::NextResponse => self.next_response_secs,
            SlaTarget::Resolution => self.resolution_secs,
        }
    }

    /// An error naming the first target out of range.
    pub fn check(&self) -> Result<(), String> {
        for t in SlaTarget::ALL {
            if let Some(v) = self.secs(t)
                && !(MIN_TARGET_SECS..=MAX_TARGET_SECS).contains(&v)
            {
                return Err(format!(
                    "{}: must be {MIN_TARGET_SECS} to {MAX_TARGET_SECS} seconds",
                    t.label()
                ));
            }
        }
        Ok(())
    }
}

/// An organization's policies, one per priority; a priority without one has no SLA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlaPolicies {
    /// LOW tickets.
    #[serde(default)]
    pub low: Option<SlaPolicy>,
    /// MEDIUM tickets.
    #[serde(default)]
    pub medium: Option<SlaPolicy>,
    /// HIGH tickets.
    #[serde(default)]
    pub high: Option<SlaPolicy>,
    /// URGENT tickets.
    #[serde(default)]
    pub urgent: Option<SlaPolicy>,
}

impl SlaPolicies {
    /// The policy for `priority`.
    pub fn for_priority(&self, priority: Priority) -> Option<&SlaPolicy> {
        match priority {
            Priority::Low => self.low.as_ref(),
            Priority::Medium => self.medium.as_ref(),
            Priority::High => self.high.as_ref(),
            Priority::Urgent => self.urgent.as_ref(),
        }
    }

    /// An error naming the first policy with a target out of range.
    pub fn check(&self) -> Result<(), String> {
        for (name, p) in [
            ("low", &self.low),
            ("medium", &self.medium),
            ("high", &self.high),
            ("urgent", &self.urgent),
        ] {
            if let Some(p) = p {
                p.check().map_err(|e| format!("{name}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// A ticket's pending due times; met or not tracked ones are absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketSla {
    /// The first agent reply is due then.
    #[serde(default)]
    pub first_response_due_at: Option<DateTime<Utc>>,
    /// The agent reply to the customer's latest message is due then.
    #[serde(default)]
    pub next_response_due_at: Option<DateTime<Utc>>,
    /// Resolution is due then.
    #[serde(default)]
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// While the ticket waits PENDING on the customer: when the resolution clock stopped
    /// (`resolutionDueAt` is absent meanwhile; it runs again when the ticket reopens).
    #[serde(default)]
    pub resolution_paused_at: Option<DateTime<Utc>>,
    /// While paused: the business seconds the resolution target has left.
    #[serde(default)]
    pub resolution_left_secs: Option<i64>,
    /// Business seconds the resolution clock stood still in earlier pauses (a priority
    /// change counts again from the opening, these added).
    #[serde(default)]
    pub resolution_paused_secs: i64,
}

impl TicketSla {
    /// The due time of `target`.
    pub fn due(&self, target: SlaTarget) -> Option<DateTime<Utc>> {
        match target {
            SlaTarget::FirstResponse => self.first_response_due_at,
            SlaTarget::NextResponse => self.next_response_due_at,
            SlaTarget::Resolution => self.resolution_due_at,
        }
    }

    /// The soonest due time and what it is for.
    pub fn next_due(&self) -> Option<(DateTime<Utc>, SlaTarget)> {
        SlaTarget::ALL
            .into_iter()
            .filter_map(|t| self.due(t).map(|d| (d, t)))
            .min()
    }

    /// Nothing is due.
    pub fn is_empty(&self) -> bool {
        self.next_due().is_none()
    }

    /// Nothing is due or paused, and nothing to remember: stored as no SLA at all.
    pub fn is_blank(&self) -> bool {
        *self == Self::default()
    }

    /// The due times set here that `before` did not have (each must be queued for the
    /// breach check).
    pub fn new_dues(&self, before: &TicketSla) -> Vec<(SlaTarget, DateTime<Utc>)> {
        SlaTarget::ALL
            .into_iter()
            .filter_map(|t| {
                let d = self.due(t)?;
                (before.due(t) != Some(d)).then_some((t, d))
            })
            .collect()
    }
}

/// What happened to a ticket, as far as its SLA goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaEvent {
    /// It opened; `by_customer` when the customer wrote first (an agent's outbound ticket
    /// has its first response already).
    Opened {
        /// The customer opened it.
        by_customer: bool,
    },
    /// An agent replied publicly.
    AgentReplied,
    /// The customer wrote.
    CustomerWrote,
    /// It was resolved or closed.
    Resolved,
    /// It went from OPEN to PENDING (waiting on the customer): the resolution clock stops.
    Paused,
    /// It came back OPEN from PENDING (the customer wrote, a snooze ended, by hand): the
    /// resolution clock runs on with the time it had left.
    Resumed,
    /// Its priority changed: the pending first-response and resolution due times are
    /// counted again under the new priority's policy from the opening (`at` is then the
    /// ticket's opening time).
    PriorityChanged,
}

/// The event a stored message is: public human messages only (notes, wrrk's own lines
/// and auto-replies or bounces move no clock).
pub fn message_event(author: AuthorType, public: bool, machine: bool) -> Option<SlaEvent> {
    if !public || machine {
        return None;
    }
    match author {
        AuthorType::Agent => Some(SlaEvent::AgentReplied),
        AuthorType::Customer => Some(SlaEvent::CustomerWrote),
        AuthorType::System => None,
    }
}

/// The event a status change is: into RESOLVED or CLOSED from an active status, from
/// OPEN into PENDING, or back.
pub fn status_event(from: TicketStatus, to: TicketStatus) -> Option<SlaEvent> {
    use TicketStatus::{Closed, Open, Pending, Resolved};
    let done = |s| matches!(s, Resolved | Closed);
    if done(to) && !done(from) {
        return Some(SlaEvent::Resolved);
    }
    match (from, to) {
        (Open, Pending) => Some(SlaEvent::Paused),
        (Pending, Open) => Some(SlaEvent::Resumed),
        _ => None,
    }
}

/// The rule: the due times after `event` at `at`. Opening starts the first-response and
/// resolution clocks; an agent's reply meets the first and next response; a customer's
/// message starts the next-response clock unless a response is already due (the wait
/// began with their earlier message); resolving meets everything. Waiting PENDING stops
/// the resolution clock (not the response clocks: a reply owed is still owed); a clock
/// already run out stays breached. Targets count business time from `at` by `hours`.
pub fn on_event(
    current: &TicketSla,
    event: SlaEvent,
    policy: Option<&SlaPolicy>,
    hours: &BusinessHours,
    at: DateTime<Utc>,
) -> TicketSla {
    let due = |target| {
        policy
            .and_then(|p| p.secs(target))
            // Whole seconds: the breach queue stores the time as text and compares.
            .map(|secs| hours.add_business_seconds(at, secs).trunc_subsecs(0))
    };
    match event {
        SlaEvent::Opened { by_customer } => TicketSla {
            first_response_due_at: if by_customer {
                due(SlaTarget::FirstResponse)
            } else {
                None
            },
            next_response_due_at: None,
            resolution_due_at: due(SlaTarget::Resolution),
            ..TicketSla::default()
        },
        SlaEvent::AgentReplied => TicketSla {
            first_response_due_at: None,
            next_response_due_at: None,
            ..*current
        },
        SlaEvent::CustomerWrote => {
            if current.first_response_due_at.is_some() || current.next_response_due_at.is_some() {
                *current
            } else {
                TicketSla {
                    next_response_due_at: due(SlaTarget::NextResponse),
                    ..*current
                }
            }
        }
        SlaEvent::Resolved => TicketSla::default(),
        SlaEvent::Paused => match current.resolution_due_at {
            Some(d) if d > at => TicketSla {
                resolution_due_at: None,
                resolution_paused_at: Some(at),
                resolution_left_secs: Some(hours.business_seconds_between(at, d)),
                ..*current
            },
            _ => *current,
        },
        SlaEvent::Resumed => match (current.resolution_paused_at, current.resolution_left_secs) {
            (Some(paused), Some(left)) => TicketSla {
                resolution_due_at: Some(hours.add_business_seconds(at, left).trunc_subsecs(0)),
                resolution_paused_at: None,
                resolution_left_secs: None,
                resolution_paused_secs: current.resolution_paused_secs
                    + hours.business_seconds_between(paused, at),
                ..*current
            },
            _ => *current,
        },
        // `at` is the opening here.
        SlaEvent::PriorityChanged => {
            let first = TicketSla {
                first_response_due_at: current
                    .first_response_due_at
                    .and(due(SlaTarget::FirstResponse)),
                ..*current
            };
            let target = policy.and_then(|p| p.secs(SlaTarget::Resolution));
            let stood = current.resolution_paused_secs;
            let from_opening = |secs: i64| {
                hours
                    .add_business_seconds(at, secs + stood)
                    .trunc_subsecs(0)
            };
            match (current.resolution_paused_at, target) {
                // Paused: the time left is counted again; a target the time already used
                // exceeds is breached (due when it ran out), pause or not.
                (Some(paused), Some(secs)) => {
                    let used = hours.business_seconds_between(at, paused) - stood;
                    if used < secs {
                        TicketSla {
                            resolution_left_secs: Some(secs - used),
                            ..first
                        }
                    } else {
                        TicketSla {
                            resolution_due_at: Some(from_opening(secs)),
                            resolution_paused_at: None,
                            resolution_left_secs: None,
                            ..first
                        }
                    }
                }
                (Some(_), None) => TicketSla {
                    resolution_paused_at: None,
                    resolution_left_secs: None,
                    ..first
                },
                (None, target) => TicketSla {
                    resolution_due_at: current.resolution_due_at.and(target.map(from_opening)),
                    ..first
                },
            }
        }
    }
}

/// Whether [`on_event`] could change anything: when not, the organization's policy need
/// not be read.
pub fn may_change(current: &TicketSla, event: SlaEvent) -> bool {
    match event {
        SlaEvent::Opened { .. } => true,
        SlaEvent::AgentReplied => {
            current.first_response_due_at.is_some() || current.next_response_due_at.is_some()
        }
        SlaEvent::CustomerWrote => {
            current.first_response_due_at.is_none() && current.next_response_due_at.is_none()
        }
        SlaEvent::Resolved => !current.is_blank(),
        SlaEvent::Paused => current.resolution_due_at.is_some(),
        SlaEvent::Resumed => current.resolution_paused_at.is_some(),
        SlaEvent::PriorityChanged => {
            current.first_response_due_at.is_some()
                || current.resolution_due_at.is_some()
                || current.resolution_paused_at.is_some()
        }
    }
}

/// The event a priority change is, if it is one.
pub fn priority_event(from: Priority, to: Priority) -> Option<SlaEvent> {
    (from != to).then_some(SlaEvent::PriorityChanged)
}

/// After a status change from `from` to `ticket`'s status at `at`: the clocks it moves
/// ([`status_event`]) moved; the ticket as it is then.
pub async fn status_changed(
    app: &App,
    from: TicketStatus,
    ticket: Ticket,
    at: DateTime<Utc>,
) -> StoreResult<Ticket> {
    match status_event(from, ticket.status) {
        Some(event) => apply(app, ticket, event, at).await,
        None => Ok(ticket),
    }
}

/// Applies `event` at `at` to `ticket`: new due times written (and queued for the breach
/// check) when they change; the ticket as it is then. Reads the organization only when a
/// clock may start. A pause or resume holds only while the ticket is still in the status
/// it followed: one that moved on meanwhile (answered, set OPEN again) is left to that
/// change's own event, which may have run before this one's write.
pub async fn apply(
    app: &App,
    ticket: Ticket,
    event: SlaEvent,
    at: DateTime<Utc>,
) -> StoreResult<Ticket> {
    let holds = match event {
        SlaEvent::Paused => Some(TicketStatus::Pending),
        SlaEvent::Resumed => Some(TicketStatus::Open),
        _ => None,
    };
    let mut ticket = ticket;
    for _ in 0..3 {
        match apply_once(app, ticket.clone(), event, at, holds).await {
            Err(StoreError::Conflict(Conflict::StaleWrite)) => {
                ticket = app
                    .store
                    .get_ticket(&ticket.org_id, &ticket.id)
                    .await?
                    .ok_or(StoreError::NotFound("Ticket"))?;
                if Some(ticket.status) != holds {
                    return Ok(ticket);
                }
            }
            done => return done,
        }
    }
    Ok(ticket)
}

async fn apply_once(
    app: &App,
    ticket: Ticket,
    event: SlaEvent,
    at: DateTime<Utc>,
    holds: Option<TicketStatus>,
) -> StoreResult<Ticket> {
    let current = ticket.sla.unwrap_or_default();
    if !may_change(&current, event) {
        return Ok(ticket);
    }
    let org = match event {
        SlaEvent::AgentReplied | SlaEvent::Resolved => None,
        _ => app.store.get_organization(&ticket.org_id).await?,
    };
    // A priority change counts again from the opening.
    let at = if event == SlaEvent::PriorityChanged {
        ticket.created_at
    } else {
        at
    };
    let hours = org.as_ref().map(|o| o.business_hours()).unwrap_or_default();
    let policy = org
        .as_ref()
        .and_then(|o| o.sla_policies.for_priority(ticket.priority));
    let next = on_event(&current, event, policy, &hours, at);
    if next == current {
        return Ok(ticket);
    }
    for (target, due) in next.new_dues(&current) {
        app.store
            .queue_sla_due(&ticket.org_id, &ticket.id, target, due)
            .await?;
    }
    app.store.set_ticket_sla(&ticket, &next, holds).await
}

/// Most due times one run of the breach check handles (the next run takes the rest).
const BREACH_BATCH: usize = 100;

/// Checks every due time queued up to `now`: a ticket still due then for that target
/// breached, and its assignee and team hear of it once. Returns how many breached.
pub async fn check_breaches(app: &App, now: DateTime<Utc>) -> StoreResult<usize> {
    let due = app.store.due_sla(now, BREACH_BATCH).await?;
    let mut breached = 0;
    for item in due {
        let org_id = OrgId::trusted(item.org_id.as_str());
        let ticket_id = TicketId::trusted(item.ticket_id.as_str());
        let ticket = app.store.get_ticket(&org_id, &ticket_id).await?;
        if let Some(ticket) = ticket
            && ticket.sla.and_then(|s| s.due(item.target)) == Some(item.due)
            && app
                .store
                .claim_sla_breach(&org_id, &ticket_id, item.target, item.due)
                .await?
        {
            notify_breach(app, &ticket, item.target).await?;
            breached += 1;
        }
        // After the notice: a failed run leaves the item for the next one, and the claim
        // keeps that from telling twice.
        app.store.delete_sla_due(&item.sk).await?;
    }
    Ok(breached)
}

/// Who hears of a breach: the assignee and the ticket's team; everyone when it has
/// neither (someone must).
pub fn breach_audience(assignee: Option<&str>, team_members: &[String], agent: &str) -> bool {
    (assignee.is_none() && team_members.is_empty())
        || assignee == Some(agent)
        || team_members.iter().any(|m| m == agent)
}

/// `ticket:notify` (`SLA_BREACHED`) to the connections of the agents concerned.
async fn notify_breach(app: &App, ticket: &Ticket, target: SlaTarget) -> StoreResult<()> {
    let members = match &ticket.team_id {
        // A team's first 500 members (teams are far smaller).
        Some(team) => {
            app.store
                .team_member_ids(&ticket.org_id, team, 500, None)
                .await?
                .items
        }
        None => Vec::new(),
    };
    let assignee = ticket.assignee_id.as_ref().map(|a| a.to_string());
    let targets: Vec<String> = app
        .store
        .org_agent_connections(&ticket.org_id)
        .await?
        .into_iter()
        .filter(|c| breach_audience(assignee.as_deref(), &members, &c.user_id))
        .map(|c| c.connection_id)
        .collect();
    tracing::info!(ticket_id = %ticket.id, target = target.as_str(), told = targets.len(), "SLA breached");
    let event = Event::TicketNotify(TicketNotice {
        kind: NoticeKind::SlaBreached,
        ticket: ticket.into(),
        by_user_id: None,
        by_name: "SLA".into(),
        excerpt: Some(format!("{} target missed", target.label())),
    });
    realtime::to_connections(app, targets, &event, None).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::business_hours::{OpenInterval, WEEK, WeeklySchedule};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test time")
            .with_timezone(&Utc)
    }

    const H: i64 = 3600;

    fn policy() -> SlaPolicy {
        SlaPolicy {
            first_response_secs: Some(H),
            next_response_secs: Some(2 * H),
            resolution_secs: Some(8 * H),
        }
    }

    fn office() -> BusinessHours {
        let nine_to_five = [OpenInterval::new(
            "09:00".parse().expect("time"),
            "17:00".parse().expect("time"),
        )];
        BusinessHours {
            timezone: "UTC".into(),
            schedule: Some(WeeklySchedule::on(&WEEK[..5], &nine_to_five)),
            holidays: Vec::new(),
        }
    }

    fn sla(first: Option<&str>, next: Option<&str>, res: Option<&str>) -> TicketSla {
        TicketSla {
            first_response_due_at: first.map(t),
            next_response_due_at: next.map(t),
            resolution_due_at: res.map(t),
            ..TicketSla::default()
        }
    }

    #[test]
    fn message_events_by_author() {
        use AuthorType::*;
        let cases = [
            (Agent, true, false, Some(SlaEvent::AgentReplied)),
            (Customer, true, false, Some(SlaEvent::CustomerWrote)),
            (System, true, false, None),
            (Agent, false, false, None),
            (Customer, false, false, None),
            (Customer, true, true, None),
        ];
        for (author, public, machine, want) in cases {
            assert_eq!(
                message_event(author, public, machine),
                want,
                "{author:?} {public} {machine}"
            );
        }
    }

    #[test]
    fn status_events_resolve_pause_and_resume() {
        use TicketStatus::*;
        let cases = [
            (Open, Resolved, Some(SlaEvent::Resolved)),
            (Open, Closed, Some(SlaEvent::Resolved)),
            (Pending, Resolved, Some(SlaEvent::Resolved)),
            (Resolved, Closed, None),
            (Open, Pending, Some(SlaEvent::Paused)),
            (Pending, Open, Some(SlaEvent::Resumed)),
            (Resolved, Pending, None),
            (Resolved, Open, None),
            (Open, Open, None),
            (Pending, Pending, None),
        ];
        for (from, to, want) in cases {
            assert_eq!(status_event(from, to), want, "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn pending_stops_the_resolution_clock_and_reopening_runs_it_on_in_business_time() {
        // Friday 15:00, resolution due Monday 12:00: 5 business hours left.
        let cur = sla(
            Some("2026-12-04T16:00:00Z"),
            None,
            Some("2026-12-07T12:00:00Z"),
        );
        let paused = on_event(
            &cur,
            SlaEvent::Paused,
            Some(&policy()),
            &office(),
            t("2026-12-04T15:00:00Z"),
        );
        assert_eq!(paused.resolution_due_at, None);
        assert_eq!(paused.resolution_paused_at, Some(t("2026-12-04T15:00:00Z")));
        assert_eq!(paused.resolution_left_secs, Some(5 * H));
        // A reply owed is still owed.
        assert_eq!(paused.first_response_due_at, cur.first_response_due_at);
        assert!(!paused.is_blank());

        // Back OPEN on Tuesday 10:00: the 5 business hours left run from then.
        let resumed = on_event(
            &paused,
            SlaEvent::Resumed,
            Some(&policy()),
            &office(),
            t("2026-12-08T10:00:00Z"),
        );
        assert_eq!(resumed.resolution_due_at, Some(t("2026-12-08T15:00:00Z")));
        assert_eq!(resumed.resolution_paused_at, None);
        assert_eq!(resumed.resolution_left_secs, None);
        // Friday 15-17, Monday 9-17, Tuesday 9-10.
        assert_eq!(resumed.resolution_paused_secs, 11 * H);
        assert!(may_change(&paused, SlaEvent::Resumed));
        assert!(!may_change(&resumed, SlaEvent::Resumed));
    }

    #[test]
    fn a_breached_resolution_does_not_pause_and_resolving_forgets_a_pause() {
        let cur = sla(None, None, Some("2026-12-04T12:00:00Z"));
        let late = on_event(
            &cur,
            SlaEvent::Paused,
            Some(&policy()),
            &office(),
            t("2026-12-04T13:00:00Z"),
        );
        assert_eq!(late, cur);
        let paused = on_event(
            &cur,
            SlaEvent::Paused,
            Some(&policy()),
            &office(),
            t("2026-12-04T11:00:00Z"),
        );
        assert!(paused.is_empty() && !paused.is_blank());
        assert!(may_change(&paused, SlaEvent::Resolved));
        let done = on_event(
            &paused,
            SlaEvent::Resolved,
            Some(&policy()),
            &office(),
            t("2026-12-04T11:30:00Z"),
        );
        assert!(done.is_blank());
    }

    #[test]
    fn a_priority_change_counts_pauses_as_time_stood_still() {
        // Opened 09:00; paused from 10:00 to 12:00 (2 h stood still), running again.
        let running = TicketSla {
            resolution_due_at: Some(t("2026-12-04T19:00:00Z")),
            resolution_paused_secs: 2 * H,
            ..TicketSla::default()
        };
        let four_hours = SlaPolicy {
            resolution_secs: Some(4 * H),
            ..SlaPolicy::default()
        };
        let opened = t("2026-12-04T09:00:00Z");
        let always = BusinessHours::default();
        let got = on_event(
            &running,
            SlaEvent::PriorityChanged,
            Some(&four_hours),
            &always,
            opened,
        );
        assert_eq!(got.resolution_due_at, Some(t("2026-12-04T15:00:00Z")));

        // Paused again since 14:00: 3 h used of the 4, 1 h left.
        let paused = TicketSla {
            resolution_due_at: None,
            resolution_paused_at: Some(t("2026-12-04T14:00:00Z")),
            resolution_left_secs: Some(5 * H),
            ..running
        };
        let got = on_event(
            &paused,
            SlaEvent::PriorityChanged,
            Some(&four_hours),
            &always,
            opened,
        );
        assert_eq!(got.resolution_left_secs, Some(H));
        assert_eq!(got.resolution_due_at, None);
        // Under a 2 h target the time used already ran it out: breached, due when it did.
        let two_hours = SlaPolicy {
            resolution_secs: Some(2 * H),
            ..SlaPolicy::default()
        };
        let got = on_event(
            &paused,
            SlaEvent::PriorityChanged,
            Some(&two_hours),
            &always,
            opened,
        );
        assert_eq!(got.resolution_due_at, Some(t("2026-12-04T13:00:00Z")));
        assert_eq!(got.resolution_paused_at, None);
        // No resolution target under the new priority: nothing paused either.
        let got = on_event(
            &paused,
            SlaEvent::PriorityChanged,
            Some(&SlaPolicy::default()),
            &always,
            opened,
        );
        assert!(got.resolution_paused_at.is_none() && got.resolution_left_secs.is_none());
    }

    #[test]
    fn opening_starts_first_response_and_resolution() {
        let got = on_event(
            &TicketSla::default(),
            SlaEvent::Opened { by_customer: true },
            Some(&policy()),
            &office(),
            t("2026-12-04T16:30:00Z"),
        );
        // Friday 16:30 + 1 h business: Monday 09:30; + 8 h: Monday 16:30.
        assert_eq!(
            got,
            sla(
                Some("2026-12-07T09:30:00Z"),
                None,
                Some("2026-12-07T16:30:00Z")
            )
        );
    }

    #[test]
    fn an_agent_opened_ticket_has_no_first_response_due() {
        let got = on_event(
            &TicketSla::default(),
            SlaEvent::Opened { by_customer: false },
            Some(&policy()),
            &BusinessHours::default(),
            t("2026-12-04T10:00:00Z"),
        );
        assert_eq!(got, sla(None, None, Some("2026-12-04T18:00:00Z")));
    }

    #[test]
    fn no_policy_no_due_times() {
        let got = on_event(
            &TicketSla::default(),
            SlaEvent::Opened { by_customer: true },
            None,
            &office(),
            t("2026-12-04T10:00:00Z"),
        );
        assert!(got.is_empty());
    }

    #[test]
    fn a_policy_without_a_target_leaves_it_out() {
        let p = SlaPolicy {
            first_response_secs: Some(H),
            ..SlaPolicy::default()
        };
        let got = on_event(
            &TicketSla::default(),
            SlaEvent::Opened { by_customer: true },
            Some(&p),
            &BusinessHours::default(),
            t("2026-12-04T10:00:00Z"),
        );
        assert_eq!(got, sla(Some("2026-12-04T11:00:00Z"), None, None));
    }

    #[test]
    fn agent_reply_meets_first_and_next_response() {
        let cur = sla(
            Some("2026-12-04T11:00:00Z"),
            Some("2026-12-04T12:00:00Z"),
            Some("2026-12-05T10:00:00Z"),
        );
        let got = on_event(
            &cur,
            SlaEvent::AgentReplied,
            Some(&policy()),
            &office(),
            t("2026-12-04T10:30:00Z"),
        );
        assert_eq!(got, sla(None, None, Some("2026-12-05T10:00:00Z")));
    }

    #[test]
    fn customer_message_after_a_reply_starts_next_response() {
        let cur = sla(None, None, Some("2026-12-05T10:00:00Z"));
        let got = on_event(
            &cur,
            SlaEvent::CustomerWrote,
            Some(&policy()),
            &office(),
            t("2026-12-04T16:00:00Z"),
        );
        // Friday 16:00 + 2 h business: Monday 10:00.
        assert_eq!(
            got,
            sla(
                None,
                Some("2026-12-07T10:00:00Z"),
                Some("2026-12-05T10:00:00Z")
            )
        );
    }

    #[test]
    fn customer_message_while_first_response_pends_changes_nothing() {
        let cur = sla(Some("2026-12-04T11:00:00Z"), None, None);
        let got = on_event(
            &cur,
            SlaEvent::CustomerWrote,
            Some(&policy()),
            &office(),
            t("2026-12-04T10:30:00Z"),
        );
        assert_eq!(got, cur);
    }

    #[test]
    fn a_second_customer_message_keeps_the_earlier_next_response() {
        let cur = sla(None, Some("2026-12-04T12:00:00Z"), None);
        let got = on_event(
            &cur,
            SlaEvent::CustomerWrote,
            Some(&policy()),
            &office(),
            t("2026-12-04T11:00:00Z"),
        );
        assert_eq!(got, cur);
    }

    #[test]
    fn resolving_meets_everything() {
        let cur = sla(
            Some("2026-12-04T11:00:00Z"),
            Some("2026-12-04T12:00:00Z"),
            Some("2026-12-05T10:00:00Z"),
        );
        let got = on_event(
            &cur,
            SlaEvent::Resolved,
            Some(&policy()),
            &office(),
            t("2026-12-04T10:30:00Z"),
        );
        assert!(got.is_empty());
    }

    #[test]
    fn a_priority_change_recounts_pending_targets_from_the_opening() {
        let cur = sla(
            Some("2026-12-05T10:00:00Z"),
            Some("2026-12-04T13:00:00Z"),
            Some("2026-12-06T10:00:00Z"),
        );
        let urgent = SlaPolicy {
            first_response_secs: Some(600),
            next_response_secs: Some(60),
            resolution_secs: Some(H),
        };
        let got = on_event(
            &cur,
            SlaEvent::PriorityChanged,
            Some(&urgent),
            &BusinessHours::default(),
            t("2026-12-04T10:00:00Z"),
        );
        assert_eq!(
            got,
            sla(
                Some("2026-12-04T10:10:00Z"),
                Some("2026-12-04T13:00:00Z"),
                Some("2026-12-04T11:00:00Z")
            )
        );
    }

    #[test]
    fn a_priority_change_never_restarts_a_met_target() {
        let cur = sla(None, None, Some("2026-12-06T10:00:00Z"));
        let got = on_event(
            &cur,
            SlaEvent::PriorityChanged,
            Some(&policy()),
            &BusinessHours::default(),
            t("2026-12-04T10:00:00Z"),
        );
        assert_eq!(got, sla(None, None, Some("2026-12-04T18:00:00Z")));
    }

    #[test]
    fn a_priority_without_policy_drops_pending_targets() {
        let cur = sla(
            Some("2026-12-05T10:00:00Z"),
            None,
            Some("2026-12-06T10:00:00Z"),
        );
        let got = on_event(
            &cur,
            SlaEvent::PriorityChanged,
            None,
            &office(),
            t("2026-12-04T10:00:00Z"),
        );
        assert!(got.is_empty());
    }

    #[test]
    fn priority_events_only_on_a_change() {
        assert_eq!(priority_event(Priority::Low, Priority::Low), None);
        assert_eq!(
            priority_event(Priority::Low, Priority::High),
            Some(SlaEvent::PriorityChanged)
        );
    }

    #[test]
    fn due_times_are_whole_seconds() {
        let at = t("2026-12-04T10:00:00.987654Z");
        let got = on_event(
            &TicketSla::default(),
            SlaEvent::Opened { by_customer: true },
            Some(&policy()),
            &BusinessHours::default(),
            at,
        );
        assert_eq!(got.first_response_due_at, Some(t("2026-12-04T11:00:00Z")));
    }

    #[test]
    fn next_due_is_the_soonest() {
        let s = sla(
            None,
            Some("2026-12-04T12:00:00Z"),
            Some("2026-12-04T11:00:00Z"),
        );
        assert_eq!(
            s.next_due(),
            Some((t("2026-12-04T11:00:00Z"), SlaTarget::Resolution))
        );
        assert_eq!(TicketSla::default().next_due(), None);
    }

    #[test]
    fn new_dues_lists_what_changed_to_a_time() {
        let before = sla(
            Some("2026-12-04T11:00:00Z"),
            None,
            Some("2026-12-05T10:00:00Z"),
        );
        let after = sla(
            None,
            Some("2026-12-04T12:00:00Z"),
            Some("2026-12-05T10:00:00Z"),
        );
        assert_eq!(
            after.new_dues(&before),
            vec![(SlaTarget::NextResponse, t("2026-12-04T12:00:00Z"))]
        );
    }

    #[test]
    fn may_change_skips_reading_policy_when_nothing_can_move() {
        let empty = TicketSla::default();
        let first = sla(Some("2026-12-04T11:00:00Z"), None, None);
        let cases = [
            (empty, SlaEvent::AgentReplied, false),
            (first, SlaEvent::AgentReplied, true),
            (empty, SlaEvent::CustomerWrote, true),
            (first, SlaEvent::CustomerWrote, false),
            (empty, SlaEvent::Resolved, false),
            (first, SlaEvent::Resolved, true),
            (empty, SlaEvent::Opened { by_customer: true }, true),
            (empty, SlaEvent::PriorityChanged, false),
            (first, SlaEvent::PriorityChanged, true),
        ];
        for (cur, ev, want) in cases {
            assert_eq!(may_change(&cur, ev), want, "{cur:?} {ev:?}");
        }
    }

    #[test]
    fn on_event_agrees_with_may_change() {
        // Wherever may_change says no, on_event changes nothing.
        let states = [
            TicketSla::default(),
            sla(Some("2026-12-04T11:00:00Z"), None, None),
            sla(
                None,
                Some("2026-12-04T11:00:00Z"),
                Some("2026-12-05T11:00:00Z"),
            ),
            TicketSla {
                resolution_paused_at: Some(t("2026-12-04T09:00:00Z")),
                resolution_left_secs: Some(H),
                resolution_paused_secs: H,
                ..TicketSla::default()
            },
        ];
        let events = [
            SlaEvent::AgentReplied,
            SlaEvent::CustomerWrote,
            SlaEvent::Resolved,
            SlaEvent::Paused,
            SlaEvent::Resumed,
            SlaEvent::PriorityChanged,
        ];
        for s in states {
            for e in events {
                if !may_change(&s, e) {
                    assert_eq!(
                        on_event(&s, e, Some(&policy()), &office(), t("2026-12-04T10:00:00Z")),
                        s
                    );
                }
            }
        }
    }

    #[test]
    fn policies_pick_by_priority() {
        let p = SlaPolicies {
            urgent: Some(policy()),
            ..SlaPolicies::default()
        };
        assert_eq!(p.for_priority(Priority::Urgent), Some(&policy()));
        assert_eq!(p.for_priority(Priority::Low), None);
    }

    #[test]
    fn policy_ranges_are_checked() {
        let cases = [
            (Some(60), true),
            (Some(MAX_TARGET_SECS), true),
            (Some(59), false),
            (Some(0), false),
            (Some(-1), false),
            (Some(MAX_TARGET_SECS + 1), false),
            (None, true),
        ];
        for (v, ok) in cases {
            let p = SlaPolicies {
                high: Some(SlaPolicy {
                    resolution_secs: v,
                    ..SlaPolicy::default()
                }),
                ..SlaPolicies::default()
            };
            assert_eq!(p.check().is_ok(), ok, "{v:?}");
        }
    }

    #[test]
    fn breach_reaches_assignee_and_team_or_everyone() {
        let team = ["u2".to_string(), "u3".to_string()];
        let cases = [
            (Some("u1"), &team[..], "u1", true),
            (Some("u1"), &team[..], "u2", true),
            (Some("u1"), &team[..], "u4", false),
            (Some("u1"), &[][..], "u2", false),
            (None, &team[..], "u3", true),
            (None, &team[..], "u1", false),
            (None, &[][..], "u9", true),
        ];
        for (assignee, members, agent, told) in cases {
            assert_eq!(
                breach_audience(assignee, members, agent),
                told,
                "{assignee:?} {agent}"
            );
        }
    }

    #[test]
    fn targets_round_trip_their_wire_names() {
        for t in SlaTarget::ALL {
            assert_eq!(SlaTarget::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).expect("ser"), t.as_str());
        }
        assert_eq!(SlaTarget::parse("SOON"), None);
    }

    #[test]
    fn weekend_opening_counts_from_monday() {
        let got = on_event(
            &TicketSla::default(),
            SlaEvent::Opened { by_customer: true },
            Some(&policy()),
            &office(),
            t("2026-12-05T12:00:00Z"),
        );
        assert_eq!(got.first_response_due_at, Some(t("2026-12-07T10:00:00Z")));
    }
}
