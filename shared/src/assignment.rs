//! Assignment rules: a team in `ROUND_ROBIN` mode gives each new conversation to the next
//! of its agents who is online (a live agent connection) and under the team's cap of open
//! conversations; when none is, the conversation waits in the team's queue and is
//! assigned, oldest first, when one of its agents frees a place or comes online. Everything
//! happens on events (a conversation opened, a ticket changed by hand, an agent's first
//! connection), so no scheduler runs. The selection and counting rules are the pure
//! functions [`try_order`] and [`load_change`]; the atomic writes are in the store.

use std::collections::HashSet;

use crate::App;
use crate::domain::{AssignmentMode, PersonSummary, Team, Ticket, TicketStatus};
use crate::events::NoticeKind;
use crate::ids::{OrgId, TeamId, TicketId, UserId};
use crate::keys::Key;
use crate::realtime::{self, Tell};
use crate::store::{
    AgentState, AssignOutcome, Conflict, StoreError, StoreResult, TicketChanges, TicketFilter,
};

/// One agent of a team as the selection rule sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Their id (the order agents take turns in).
    pub user_id: String,
    /// An active account.
    pub active: bool,
    /// At least one live agent connection.
    pub online: bool,
    /// Open conversations they hold.
    pub open: i64,
}

/// Who to try, in order, for the turn at round-robin `position`: the agents who are
/// active, online and under `cap`, in id order, starting at the `position`-th of them
/// (wrapping). Each turn moves the position on, so consecutive conversations go to
/// consecutive agents; an agent who is full or away is skipped, not waited for.
pub fn try_order(candidates: &[Candidate], cap: u32, position: u64) -> Vec<usize> {
    let mut eligible: Vec<usize> = (0..candidates.len())
        .filter(|&i| {
            let c = &candidates[i];
            c.active && c.online && c.open < i64::from(cap)
        })
        .collect();
    eligible.sort_by(|&a, &b| candidates[a].user_id.cmp(&candidates[b].user_id));
    if eligible.is_empty() {
        return eligible;
    }
    let start = usize::try_from(position % eligible.len() as u64).unwrap_or(0);
    eligible.rotate_left(start);
    eligible
}

/// Whether a ticket in `status` counts against its assignee's cap: while it is OPEN or
/// PENDING (waiting on the customer is still the agent's conversation).
pub fn counts(status: TicketStatus) -> bool {
    matches!(status, TicketStatus::Open | TicketStatus::Pending)
}

/// How a ticket's place in an agent's count must move, given who holds it now
/// (`holder`) and the ticket's status and assignee: `(give back, take)`. Resolving,
/// closing, unassigning or reassigning gives the holder's place back; an assignment by
/// hand of an open ticket takes one.
pub fn load_change<'a>(
    holder: Option<&'a str>,
    status: TicketStatus,
    assignee: Option<&'a str>,
) -> (Option<&'a str>, Option<&'a str>) {
    let wanted = assignee.filter(|_| counts(status));
    if holder == wanted {
        return (None, None);
    }
    (holder, wanted)
}

/// How many queued conversations one drain looks at per read.
const QUEUE_PAGE: usize = 25;
/// Most conversations one drain assigns (a bound per event; the next event goes on).
const MAX_DRAIN: usize = 200;
/// Attempts on one agent when their count clashed with another transaction.
const CLASH_RETRIES: u32 = 3;

/// What trying to place one conversation achieved.
enum Placed {
    Assigned(Box<Ticket>),
    NoOne,
    Taken,
}

/// Every member id of a team.
async fn members(app: &App, team: &Team) -> StoreResult<Vec<String>> {
    let mut out = Vec::new();
    let mut start = None;
    loop {
        let page = app
            .store
            .team_member_ids(&team.org_id, &team.id, 1000, start)
            .await?;
        out.extend(page.items);
        match page.next {
            Some(next) => start = Some(next),
            None => return Ok(out),
        }
    }
}

fn candidates(ids: &[String], states: &[AgentState]) -> Vec<Candidate> {
    ids.iter()
        .zip(states)
        .map(|(id, st)| Candidate {
            user_id: id.clone(),
            active: st.user.as_ref().is_some_and(|u| u.active),
            online: st.connections > 0,
            open: st.open,
        })
        .collect()
}

/// Gives ticket `ticket_id` of `team` to the next agent who can take it.
async fn place(
    app: &App,
    team: &Team,
    ticket_id: &TicketId,
    queued: Option<&Key>,
) -> StoreResult<Placed> {
    let ids = members(app, team).await?;
    if ids.is_empty() {
        return Ok(Placed::NoOne);
    }
    let typed: Vec<UserId> = ids.iter().map(|id| UserId::trusted(id.as_str())).collect();
    let states = app.store.agent_states(&team.org_id, &typed).await?;
    let cands = candidates(&ids, &states);
    let order = try_order(&cands, team.max_open_per_agent, 0);
    if order.is_empty() {
        return Ok(Placed::NoOne);
    }
    let position = app.store.next_round_robin(&team.org_id, &team.id).await?;
    let order = try_order(&cands, team.max_open_per_agent, position);
    for i in order {
        let Some(user) = &states[i].user else {
            continue;
        };
        let summary = PersonSummary::from(user);
        for _ in 0..CLASH_RETRIES {
            match app
                .store
                .assign_within_cap(
                    &team.org_id,
                    ticket_id,
                    &team.id,
                    &summary,
                    team.max_open_per_agent,
                    queued,
                )
                .await
            {
                Ok(AssignOutcome::Assigned(t)) => return Ok(Placed::Assigned(t)),
                Ok(AssignOutcome::Taken) => return Ok(Placed::Taken),
                Ok(AssignOutcome::AgentFull) => break,
                // Another new conversation's transaction held this agent's count: again.
                Err(StoreError::Conflict(Conflict::WriteConflict)) => continue,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(Placed::NoOne)
}

/// Tells everyone who hears of assignments that `ticket` changed, and its assignee (when
/// `assigned`) with `ticket:notify` ASSIGNED and, when away, a mail: the one assignment
/// notice, whether a person (`by_user_id`) or the rules assigned.
pub async fn announce(
    app: &App,
    ticket: &Ticket,
    widen: bool,
    assigned: bool,
    by_user_id: Option<&str>,
    by_name: &str,
) {
    let tell = ticket
        .assignee_id
        .as_ref()
        .filter(|_| assigned)
        .map(|a| Tell {
            user_id: a,
            kind: NoticeKind::Assigned,
            by_user_id,
            by_name,
        });
    realtime::ticket_updated(app, ticket, widen, tell).await;
    if let Some(t) = tell.filter(|t| Some(t.user_id.as_str()) != t.by_user_id) {
        crate::notify::mail_if_away(app, ticket, t.user_id, t.kind, t.by_name, None).await;
    }
}

/// Who the rules' notices name as having assigned.
pub const RULES_NAME: &str = "Round robin";

/// A new conversation of `ticket`'s team: assigned by round robin when the team uses it,
/// queued when no one can take it; the ticket as it is after that. Failures are logged:
/// the ticket stays open and unassigned, as with manual assignment.
pub async fn new_conversation(app: &App, ticket: Ticket) -> Ticket {
    let Some(team_id) = &ticket.team_id else {
        return ticket;
    };
    match try_new_conversation(app, &ticket, team_id).await {
        Ok(Some(t)) => t,
        Ok(None) => ticket,
        Err(e) => {
            tracing::error!(error = ?e, ticket_id = %ticket.id, "automatic assignment failed");
            ticket
        }
    }
}

/// The ticket after placing it, when placing may have changed it.
async fn try_new_conversation(
    app: &App,
    ticket: &Ticket,
    team_id: &TeamId,
) -> StoreResult<Option<Ticket>> {
    let Some(team) = app.store.get_team(&ticket.org_id, team_id).await? else {
        return Ok(None);
    };
    if team.assignment_mode != AssignmentMode::RoundRobin {
        return Ok(None);
    }
    match place(app, &team, &ticket.id, None).await? {
        Placed::Assigned(t) => {
            announce(app, &t, true, true, None, RULES_NAME).await;
            return Ok(Some(*t));
        }
        Placed::NoOne => {
            app.store
                .enqueue(&ticket.org_id, team_id, &ticket.id, ticket.created_at)
                .await?;
            // An agent may have freed a place between the read and the queueing: look
            // again, so the conversation never waits for the next event needlessly.
            drain_team(app, &team).await;
        }
        Placed::Taken => {}
    }
    // Queued (and perhaps drained to someone), or changed by someone else meanwhile.
    app.store.get_ticket(&ticket.org_id, &ticket.id).await
}

/// Assigns `team`'s queued conversations, oldest first, while an agent can take them.
pub async fn drain_team(app: &App, team: &Team) {
    if team.assignment_mode != AssignmentMode::RoundRobin {
        return;
    }
    if let Err(e) = try_drain(app, team).await {
        tracing::error!(error = ?e, team_id = %team.id, "draining a team's queue failed");
    }
}

async fn try_drain(app: &App, team: &Team) -> StoreResult<()> {
    let mut done = 0;
    let mut skipped: HashSet<String> = HashSet::new();
    while done < MAX_DRAIN {
        let queued = app.store.queued(&team.org_id, &team.id, QUEUE_PAGE).await?;
        let fresh: Vec<_> = queued
            .into_iter()
            .filter(|q| !skipped.contains(&q.key.sk))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        for q in fresh {
            done += 1;
            match place(
                app,
                team,
                &TicketId::trusted(q.ticket_id.as_str()),
                Some(&q.key),
            )
            .await?
            {
                Placed::Assigned(t) => announce(app, &t, true, true, None, RULES_NAME).await,
                Placed::Taken => {
                    // Assigned by hand, resolved or moved meanwhile: it waits no more.
                    app.store.dequeue(&q.key).await?;
                    skipped.insert(q.key.sk.clone());
                }
                Placed::NoOne => return Ok(()),
            }
        }
    }
    Ok(())
}

/// `user_id` may take conversations now (came online, or gave one back): the queues of
/// their round-robin teams move.
pub async fn agent_free(app: &App, org_id: &OrgId, user_id: &UserId) {
    let teams = async {
        let ids = app.store.user_team_ids(org_id, user_id).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        app.store.get_teams(org_id, &ids).await
    };
    match teams.await {
        Ok(teams) => {
            for team in teams
                .iter()
                .filter(|t| t.assignment_mode == AssignmentMode::RoundRobin)
            {
                drain_team(app, team).await;
            }
        }
        Err(e) => tracing::error!(error = ?e, %user_id, "reading an agent's teams failed"),
    }
}

/// Most conversations one deactivation hands back (deactivating again goes on with the
/// rest: it hands back even when the account is already inactive).
const HAND_BACK_MAX: usize = 500;

/// `user_id` left (deactivated): every conversation they still hold OPEN or PENDING goes
/// back to its team unassigned, their count with it, told as any unassignment by
/// `by_user_id`; an OPEN one then goes through its team's round robin as a new
/// conversation would (a PENDING one when the customer writes). How many went back.
pub async fn hand_back(
    app: &App,
    org_id: &OrgId,
    user_id: &UserId,
    by_user_id: &str,
    by_name: &str,
) -> StoreResult<usize> {
    let filter = TicketFilter {
        assignee: Some(Some(user_id.to_string())),
        ..TicketFilter::default()
    };
    let mut ids: Vec<TicketId> = Vec::new();
    let mut start = None;
    while ids.len() < HAND_BACK_MAX {
        let page = app.store.list_tickets(org_id, &filter, 100, start).await?;
        ids.extend(
            page.items
                .into_iter()
                .filter(|t| counts(t.status))
                .map(|t| t.id),
        );
        match page.next {
            Some(next) => start = Some(next),
            None => break,
        }
    }
    ids.truncate(HAND_BACK_MAX);
    let mut handed = 0;
    for id in &ids {
        match give_back(app, org_id, id, user_id, by_user_id, by_name).await {
            Ok(true) => handed += 1,
            Ok(false) => {}
            // One ticket's failure must not keep the others with someone who left.
            Err(e) => {
                tracing::error!(error = ?e, ticket_id = %id, "handing a conversation back failed")
            }
        }
    }
    Ok(handed)
}

/// Unassigns `ticket_id` if `user_id` still holds it active; whether it did.
async fn give_back(
    app: &App,
    org_id: &OrgId,
    ticket_id: &TicketId,
    user_id: &UserId,
    by_user_id: &str,
    by_name: &str,
) -> StoreResult<bool> {
    let changes = TicketChanges {
        assignee: Some(None),
        ..TicketChanges::default()
    };
    for _ in 0..5 {
        let Some(ticket) = app.store.get_ticket(org_id, ticket_id).await? else {
            return Ok(false);
        };
        if ticket.assignee_id.as_ref() != Some(user_id) || !counts(ticket.status) {
            return Ok(false);
        }
        match app.store.update_ticket(&ticket, &changes).await {
            Ok(t) => {
                // Their place given back directly, not through `settle`: that would also
                // move their teams' queues for them, who can take nothing now (reads per
                // conversation for nothing).
                app.store.release_load(org_id, ticket_id, user_id).await?;
                announce(app, &t, true, true, Some(by_user_id), by_name).await;
                if t.status == TicketStatus::Open {
                    // Boxed: assigning is a deep future.
                    Box::pin(new_conversation(app, t)).await;
                }
                return Ok(true);
            }
            Err(StoreError::Conflict(Conflict::StaleWrite)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// `ticket` changed by hand (status, assignee): its place in its agents' counts follows
/// ([`load_change`]), and a place given back moves that agent's teams' queues.
pub async fn settle(app: &App, ticket: &Ticket) {
    if let Err(e) = try_settle(app, ticket).await {
        tracing::error!(error = ?e, ticket_id = %ticket.id, "settling an agent's count failed");
    }
}

async fn try_settle(app: &App, ticket: &Ticket) -> StoreResult<()> {
    let org_id = &ticket.org_id;
    let holder = app.store.load_holder(org_id, &ticket.id).await?;
    let (give_back, take) = load_change(
        holder.as_deref(),
        ticket.status,
        ticket.assignee_id.as_ref().map(UserId::as_str),
    );
    if let Some(user) = take.filter(|_| give_back.is_none()) {
        let user = UserId::trusted(user);
        app.store.acquire_load(org_id, &ticket.id, &user).await?;
    }
    if let Some(user) = give_back.map(UserId::trusted)
        && app.store.release_load(org_id, &ticket.id, &user).await?
    {
        if let Some(next) = take {
            let next = UserId::trusted(next);
            app.store.acquire_load(org_id, &ticket.id, &next).await?;
        }
        agent_free(app, org_id, &user).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, online: bool, open: i64) -> Candidate {
        Candidate {
            user_id: id.into(),
            active: true,
            online,
            open,
        }
    }

    fn names(c: &[Candidate], order: &[usize]) -> Vec<String> {
        order.iter().map(|&i| c[i].user_id.clone()).collect()
    }

    #[test]
    fn turns_go_round_in_id_order() {
        let c = [
            agent("c", true, 0),
            agent("a", true, 0),
            agent("b", true, 0),
        ];
        assert_eq!(names(&c, &try_order(&c, 5, 0)), ["a", "b", "c"]);
        assert_eq!(names(&c, &try_order(&c, 5, 1)), ["b", "c", "a"]);
        assert_eq!(names(&c, &try_order(&c, 5, 2)), ["c", "a", "b"]);
        assert_eq!(names(&c, &try_order(&c, 5, 3)), ["a", "b", "c"], "wraps");
    }

    #[test]
    fn an_agent_at_the_cap_is_skipped() {
        let c = [agent("a", true, 2), agent("b", true, 1)];
        assert_eq!(names(&c, &try_order(&c, 2, 0)), ["b"]);
        assert!(try_order(&c, 1, 0).is_empty(), "everyone full");
    }

    #[test]
    fn an_offline_or_inactive_agent_is_skipped() {
        let mut gone = agent("b", true, 0);
        gone.active = false;
        let c = [agent("a", false, 0), gone, agent("c", true, 0)];
        assert_eq!(names(&c, &try_order(&c, 5, 7)), ["c"]);
    }

    #[test]
    fn no_one_online_means_no_one() {
        let c = [agent("a", false, 0), agent("b", false, 0)];
        assert!(try_order(&c, 5, 0).is_empty());
        assert!(try_order(&[], 5, 0).is_empty());
    }

    #[test]
    fn ties_in_load_do_not_matter_only_the_turn_does() {
        // Round robin, not least-loaded: b is next even though a holds fewer.
        let c = [agent("a", true, 0), agent("b", true, 3)];
        assert_eq!(names(&c, &try_order(&c, 5, 1)), ["b", "a"]);
    }

    #[test]
    fn a_negative_drifted_count_is_under_the_cap() {
        let c = [agent("a", true, -1)];
        assert_eq!(names(&c, &try_order(&c, 1, 0)), ["a"]);
    }

    #[test]
    fn only_open_and_pending_count() {
        use TicketStatus::*;
        for (status, expected) in [
            (Open, true),
            (Pending, true),
            (Resolved, false),
            (Closed, false),
        ] {
            assert_eq!(counts(status), expected, "{status:?}");
        }
    }

    type Change<'a> = (Option<&'a str>, Option<&'a str>);

    #[test]
    fn places_follow_status_and_assignee() {
        use TicketStatus::*;
        type Case<'a> = (Option<&'a str>, TicketStatus, Option<&'a str>, Change<'a>);
        let cases: [Case; 9] = [
            (None, Open, None, (None, None)),
            (Some("a"), Open, Some("a"), (None, None)),
            (Some("a"), Pending, Some("a"), (None, None)),
            (Some("a"), Resolved, Some("a"), (Some("a"), None)),
            (Some("a"), Closed, Some("a"), (Some("a"), None)),
            (Some("a"), Open, None, (Some("a"), None)),
            (Some("a"), Open, Some("b"), (Some("a"), Some("b"))),
            (None, Open, Some("b"), (None, Some("b"))),
            (None, Resolved, Some("b"), (None, None)),
        ];
        for (holder, status, assignee, expected) in cases {
            assert_eq!(
                load_change(holder, status, assignee),
                expected,
                "{holder:?} {status:?} {assignee:?}"
            );
        }
    }
}
