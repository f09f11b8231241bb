//! Reports: rollups written as tickets change, read back as a day-keyed Query.
//!
//! Every reportable happening (a ticket opened, its first agent reply, a resolve, a
//! satisfaction survey sent, a rating) appends one short entry to its organization's rollup
//! for that local day: `kind|value|agent|team|channel`, where `value` is a duration in
//! (business) seconds or a rating. Keeping the durations themselves makes medians and
//! percentiles exact ([`percentile`], nearest rank). A day's counter item takes the next
//! entry number (`ADD`), which names the day's shard item the entry is appended to
//! (`list_append`): both atomic, so concurrent writers never lose an entry, and each shard
//! holds [`ENTRIES_PER_ITEM`] entries (about 3.5 KB), so an append, billed by item size,
//! stays cheap however busy the day.
//!
//! A report reads the shard items of the days asked for with one Query on the
//! organization's partition (`SK BETWEEN REPORT#from# AND REPORT#to#~`, paged at 1 MB):
//! ⌈entries of the day / [`ENTRIES_PER_ITEM`]⌉ items per day with activity, never a scan of
//! tickets.
//!
//! Days are local to the organization and durations count business hours: both come from
//! [`calendar`], the one place the organization's schedule plugs in.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use crate::App;
use crate::business_hours::BusinessHours;
use crate::domain::{Channel, Organization, Ticket};

/// Entries in one shard item: at most [`MAX_ENTRY_BYTES`] each, about 3.5 KB in all.
pub const ENTRIES_PER_ITEM: u64 = 50;
/// Longest entry: a kind, a 10-digit value, two 26-character ids, a channel, separators.
pub const MAX_ENTRY_BYTES: usize = 1 + 1 + 10 + 1 + 26 + 1 + 26 + 1 + 6;
/// The shard of a day's `number`-th entry (from 1) with `per_item` entries a shard.
pub fn shard_of(number: u64, per_item: u64) -> u64 {
    number.saturating_sub(1) / per_item.max(1)
}
/// Longest report, in days (inclusive of both ends).
pub const MAX_DAYS: i64 = 366;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A ticket was opened.
    Opened,
    /// An agent answered a ticket for the first time; value: seconds since it opened.
    FirstResponse,
    /// A ticket was resolved; value: seconds since it opened.
    Resolved,
    /// A satisfaction survey was sent.
    Surveyed,
    /// A survey was answered; value: the rating. Counted on the day the survey was sent,
    /// so ratings never outnumber the surveys of the same days.
    Rated,
}

impl Kind {
    fn code(self) -> char {
        match self {
            Kind::Opened => 'o',
            Kind::FirstResponse => 'f',
            Kind::Resolved => 'r',
            Kind::Surveyed => 's',
            Kind::Rated => 'c',
        }
    }

    fn from_code(c: &str) -> Option<Self> {
        Some(match c {
            "o" => Kind::Opened,
            "f" => Kind::FirstResponse,
            "r" => Kind::Resolved,
            "s" => Kind::Surveyed,
            "c" => Kind::Rated,
            _ => return None,
        })
    }
}

fn channel_code(c: Channel) -> &'static str {
    match c {
        Channel::Manual => "MANUAL",
        Channel::Email => "EMAIL",
        Channel::Chat => "CHAT",
    }
}

fn channel_from(code: &str) -> Option<Channel> {
    Some(match code {
        "MANUAL" => Channel::Manual,
        "EMAIL" => Channel::Email,
        "CHAT" => Channel::Chat,
        _ => return None,
    })
}

/// One rollup entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What happened.
    pub kind: Kind,
    /// Seconds, or a rating.
    pub value: u64,
    /// The agent it is credited to (the responder, the assignee).
    pub agent: Option<String>,
    /// The ticket's team.
    pub team: Option<String>,
    /// The ticket's channel.
    pub channel: Channel,
}

impl Entry {
    /// `kind|value|agent|team|channel`, ids empty when absent.
    pub fn encode(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.kind.code(),
            self.value.min(9_999_999_999),
            self.agent.as_deref().unwrap_or(""),
            self.team.as_deref().unwrap_or(""),
            channel_code(self.channel)
        )
    }

    /// The entry `raw` encodes; `None` for anything else (skipped by readers).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.split('|');
        let kind = Kind::from_code(parts.next()?)?;
        let value = parts.next()?.parse().ok()?;
        let id = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let agent = id(parts.next()?);
        let team = id(parts.next()?);
        let channel = channel_from(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            kind,
            value,
            agent,
            team,
            channel,
        })
    }
}

/// What reports need of an organization's calendar: the local day of an instant and the
/// working seconds between two instants.
pub trait Calendar {
    /// The local date `at` falls on.
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate;
    /// Seconds between `from` and `to` that count (business hours), 0 if `to` is earlier.
    fn business_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64;
}

/// Every second counts, days at a fixed offset from UTC (the arithmetic's tests).
#[derive(Debug, Clone, Copy)]
pub struct AroundTheClock(pub FixedOffset);

impl Calendar for AroundTheClock {
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    fn business_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        (to - from).num_seconds().max(0)
    }
}

impl Calendar for BusinessHours {
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        BusinessHours::local_date(self, at)
    }

    fn business_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        BusinessHours::business_seconds_between(self, from, to).max(0)
    }
}

/// The calendar of `org`: the one place its timezone and business hours plug in. Days are
/// local to its timezone; durations count business time where it has a weekly schedule.
pub fn calendar(org: &Organization) -> BusinessHours {
    org.business_hours()
}

/// Whether `org`'s durations are business hours (the report says so).
pub fn counts_business_hours(org: &Organization) -> bool {
    calendar(org).schedule.is_some()
}

/// A happening on a ticket, with the times that make its entry.
#[derive(Debug, Clone)]
pub enum Happened {
    /// The ticket was opened (at its `created_at`).
    Opened,
    /// Agent `by` answered it for the first time, at `at`.
    FirstResponse {
        /// The agent.
        by: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// It was resolved at `at` (credited to its assignee).
    Resolved {
        /// When.
        at: DateTime<Utc>,
    },
    /// A survey about it was sent at `at`.
    Surveyed {
        /// When.
        at: DateTime<Utc>,
    },
    /// The survey sent at `surveyed_at` was answered with `rating`.
    Rated {
        /// When that survey was sent (its day counts the rating).
        surveyed_at: DateTime<Utc>,
        /// 1 to 5.
        rating: u8,
    },
}

/// The day and entry `what` on `ticket` makes under `cal`.
pub fn entry(cal: &impl Calendar, ticket: &Ticket, what: &Happened) -> (NaiveDate, Entry) {
    let since_open = |at: DateTime<Utc>| {
        u64::try_from(cal.business_seconds_between(ticket.created_at, at)).unwrap_or(0)
    };
    let assignee = ticket.assignee_id.as_ref().map(ToString::to_string);
    let (kind, value, agent, at) = match what {
        Happened::Opened => (Kind::Opened, 0, assignee, ticket.created_at),
        Happened::FirstResponse { by, at } => {
            (Kind::FirstResponse, since_open(*at), Some(by.clone()), *at)
        }
        Happened::Resolved { at } => (Kind::Resolved, since_open(*at), assignee, *at),
        Happened::Surveyed { at } => (Kind::Surveyed, 0, assignee, *at),
        Happened::Rated {
            surveyed_at,
            rating,
        } => (Kind::Rated, u64::from(*rating), assignee, *surveyed_at),
    };
    (
        cal.local_date(at),
        Entry {
            kind,
            value,
            agent,
            team: ticket.team_id.as_ref().map(ToString::to_string),
            channel: ticket.channel,
        },
    )
}

/// Records `what` on `ticket` of `org`. Failures are logged: the ticket's change stands
/// without its rollup entry, never the reverse.
pub async fn note_in(app: &App, org: &Organization, ticket: &Ticket, what: Happened) {
    let (date, entry) = entry(&calendar(org), ticket, &what);
    if let Err(e) = app
        .store
        .append_report_entry(&ticket.org_id, date, &entry.encode())
        .await
    {
        tracing::error!(ticket_id = %ticket.id, error = %format!("{e:#}"), ?what, "writing a report rollup failed");
    }
}

/// [`note_in`], reading the organization first.
pub async fn note(app: &App, ticket: &Ticket, what: Happened) {
    match app.store.get_organization(&ticket.org_id).await {
        Ok(Some(org)) => note_in(app, &org, ticket, what).await,
        Ok(None) => {}
        Err(e) => {
            tracing::error!(ticket_id = %ticket.id, error = %format!("{e:#}"), "reading the organization for a report rollup failed");
        }
    }
}

/// Whether `message` is a ticket's first response candidate: a public message of an agent.
pub fn is_response(message: &crate::domain::Message) -> bool {
    !message.internal && message.author_type == crate::domain::AuthorType::Agent
}

/// After `message` was stored on `ticket` (as it is now): a public agent message on a
/// ticket never answered before marks the first response (once, by a conditional write)
/// and records it. The message that opened a ticket is not a response to it.
pub async fn message_stored(app: &App, ticket: &Ticket, message: &crate::domain::Message) {
    if ticket.first_response_at.is_some() || !is_response(message) || ticket.message_count <= 1 {
        return;
    }
    let Some(by) = message.author_id.clone() else {
        return;
    };
    match app
        .store
        .mark_first_response(&ticket.org_id, &ticket.id, message.created_at)
        .await
    {
        Ok(true) => {
            let at = message.created_at;
            note(app, ticket, Happened::FirstResponse { by, at }).await;
        }
        Ok(false) => {}
        Err(e) => {
            tracing::error!(ticket_id = %ticket.id, error = %format!("{e:#}"), "marking the first response failed");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading: the arithmetic.
// ---------------------------------------------------------------------------------------

/// The `p`-th percentile (0 < p ≤ 100) of `sorted` (ascending) by nearest rank: the
/// smallest value with at least p% of the values at or below it, i.e. the value at
/// 1-based rank ⌈p/100 · n⌉. The median is the 50th (the lower middle of an even count).
/// `None` for no values.
pub fn percentile(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (u64::from(p.clamp(1, 100)) * n).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// Median and 90th percentile of a set of durations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportDurations)]
pub struct Durations {
    /// How many durations.
    pub count: u64,
    /// Median in seconds (nearest rank); null without durations.
    pub median: Option<u64>,
    /// 90th percentile in seconds (nearest rank); null without durations.
    pub p90: Option<u64>,
}

impl Durations {
    /// The figures of `values` (any order).
    pub fn of(mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        Self {
            count: values.len() as u64,
            median: percentile(&values, 50),
            p90: percentile(&values, 90),
        }
    }
}

/// Customer satisfaction over the surveys sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportSatisfaction)]
pub struct Satisfaction {
    /// Surveys sent.
    pub surveys: u64,
    /// Of them, answered.
    pub ratings: u64,
    /// Mean rating (1 to 5), two decimals; null without ratings.
    pub average: Option<f64>,
    /// `ratings / surveys` (0 to 1), four decimals; null without surveys.
    pub response_rate: Option<f64>,
}

impl Satisfaction {
    /// From the counts and the sum of ratings.
    pub fn of(surveys: u64, ratings: u64, rating_sum: u64) -> Self {
        let round = |v: f64, places: i32| {
            let f = 10f64.powi(places);
            (v * f).round() / f
        };
        Self {
            surveys,
            ratings,
            average: (ratings > 0).then(|| round(rating_sum as f64 / ratings as f64, 2)),
            response_rate: (surveys > 0).then(|| round(ratings as f64 / surveys as f64, 4)),
        }
    }
}

/// The figures of a day, an agent, a team, a channel or the whole range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportFigures)]
pub struct Figures {
    /// Tickets opened.
    pub opened: u64,
    /// Resolves (a ticket resolved again after a reopen counts again).
    pub resolved: u64,
    /// Time from opening to the first agent reply.
    pub first_response: Durations,
    /// Time from opening to each resolve.
    pub resolution: Durations,
    /// Satisfaction, by the day each survey was sent.
    pub csat: Satisfaction,
}

/// Entries summed up, before percentiles are taken.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    opened: u64,
    first_response: Vec<u64>,
    resolution: Vec<u64>,
    surveys: u64,
    ratings: u64,
    rating_sum: u64,
}

impl Tally {
    /// Counts `e`.
    pub fn add(&mut self, e: &Entry) {
        match e.kind {
            Kind::Opened => self.opened += 1,
            Kind::FirstResponse => self.first_response.push(e.value),
            Kind::Resolved => self.resolution.push(e.value),
            Kind::Surveyed => self.surveys += 1,
            Kind::Rated => {
                self.ratings += 1;
                self.rating_sum += e.value;
            }
        }
    }

    /// The figures.
    pub fn figures(self) -> Figures {
        Figures {
            opened: self.opened,
            resolved: self.resolution.len() as u64,
            first_response: Durations::of(self.first_response),
            resolution: Durations::of(self.resolution),
            csat: Satisfaction::of(self.surveys, self.ratings, self.rating_sum),
        }
    }
}

/// One day of the series.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportDayFigures)]
pub struct DayFigures {
    /// The local date, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Its figures.
    pub figures: Figures,
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReportRow)]
pub struct Row {
    /// The agent's or team's id, or the channel.
    pub key: String,
    /// The agent's or team's name (null once deleted); the channel for channels.
    pub name: Option<String>,
    /// Its figures over the range.
    pub figures: Figures,
}

/// A report over a range of days.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// First day, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// Last day (included).
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// The organization's timezone the days are local to.
    pub timezone: String,
    /// Whether durations count business hours only (else every hour).
    pub business_hours: bool,
    /// The whole range.
    pub totals: Figures,
    /// Every day of the range, oldest first (days without activity are zeros).
    pub days: Vec<DayFigures>,
    /// By agent (first responses by the responder; the rest by the assignee), busiest first.
    pub agents: Vec<Row>,
    /// By team, busiest first.
    pub teams: Vec<Row>,
    /// By channel.
    pub channels: Vec<Row>,
}

/// Breakdowns before names are known.
#[derive(Debug, Default)]
pub struct Summed {
    /// The whole range.
    pub totals: Figures,
    /// Every day from `from` to `to`.
    pub days: Vec<DayFigures>,
    /// By agent id.
    pub agents: Vec<(String, Figures)>,
    /// By team id.
    pub teams: Vec<(String, Figures)>,
    /// By channel.
    pub channels: Vec<(Channel, Figures)>,
}

fn busiest_first<K: Ord + Clone>(m: BTreeMap<K, Tally>) -> Vec<(K, Figures)> {
    let mut rows: Vec<(K, Figures)> = m.into_iter().map(|(k, t)| (k, t.figures())).collect();
    rows.sort_by(|a, b| {
        (b.1.opened + b.1.resolved + b.1.first_response.count)
            .cmp(&(a.1.opened + a.1.resolved + a.1.first_response.count))
            .then_with(|| a.0.cmp(&b.0))
    });
    rows
}

/// Sums `entries` (dated) of the days `from..=to` into totals, a day series and
/// breakdowns. Entries outside the range are ignored.
pub fn summarize(
    from: NaiveDate,
    to: NaiveDate,
    entries: impl IntoIterator<Item = (NaiveDate, Entry)>,
) -> Summed {
    let mut total = Tally::default();
    let mut days: BTreeMap<NaiveDate, Tally> = BTreeMap::new();
    let mut agents: BTreeMap<String, Tally> = BTreeMap::new();
    let mut teams: BTreeMap<String, Tally> = BTreeMap::new();
    let mut channels: BTreeMap<&'static str, (Channel, Tally)> = BTreeMap::new();
    for (date, e) in entries {
        if date < from || date > to {
            continue;
        }
        total.add(&e);
        days.entry(date).or_default().add(&e);
        if let Some(a) = &e.agent {
            agents.entry(a.clone()).or_default().add(&e);
        }
        if let Some(t) = &e.team {
            teams.entry(t.clone()).or_default().add(&e);
        }
        channels
            .entry(channel_code(e.channel))
            .or_insert_with(|| (e.channel, Tally::default()))
            .1
            .add(&e);
    }
    let series = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| DayFigures {
            date,
            figures: days.remove(&date).unwrap_or_default().figures(),
        })
        .collect();
    Summed {
        totals: total.figures(),
        days: series,
        agents: busiest_first(agents),
        teams: busiest_first(teams),
        channels: channels
            .into_values()
            .map(|(c, t)| (c, t.figures()))
            .collect(),
    }
}

/// Why a range was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    /// Not a `YYYY-MM-DD` date (named parameter).
    NotADate(&'static str),
    /// `to` is before `from`.
    Backwards,
    /// More than [`MAX_DAYS`] days.
    TooLong,
}

/// The days `from` to `to` (both `YYYY-MM-DD`, inclusive), at most [`MAX_DAYS`].
pub fn parse_range(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), RangeError> {
    let date = |name: &'static str, raw: &str| {
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        shaped
            .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
            .flatten()
            .ok_or(RangeError::NotADate(name))
    };
    let (from, to) = (date("from", from)?, date("to", to)?);
    if to < from {
        return Err(RangeError::Backwards);
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(RangeError::TooLong);
    }
    Ok((from, to))
}

/// The report of `org` for `from..=to`: one Query over the day items (see the module
/// documentation for how many), then the names of the agents and teams it mentions.
pub async fn report(
    app: &App,
    org: &Organization,
    from: NaiveDate,
    to: NaiveDate,
) -> crate::store::StoreResult<Report> {
    let days = app.store.report_days(&org.id, from, to).await?;
    let entries = days.into_iter().flat_map(|(date, raw)| {
        raw.into_iter()
            .filter_map(move |r| Some((date, Entry::parse(&r)?)))
    });
    let summed = summarize(from, to, entries);
    let agent_ids: Vec<String> = summed.agents.iter().map(|(k, _)| k.clone()).collect();
    let team_ids: Vec<String> = summed.teams.iter().map(|(k, _)| k.clone()).collect();
    let (users, teams) = tokio::try_join!(
        app.store.get_users(&org.id, &agent_ids),
        app.store.get_teams(&org.id, &team_ids),
    )?;
    let user_name = |id: &str| {
        users
            .iter()
            .find(|u| u.id.as_str() == id)
            .map(|u| u.name.clone())
    };
    let team_name = |id: &str| {
        teams
            .iter()
            .find(|t| t.id.as_str() == id)
            .map(|t| t.name.clone())
    };
    Ok(Report {
        from,
        to,
        timezone: org.timezone.clone(),
        business_hours: counts_business_hours(org),
        totals: summed.totals,
        days: summed.days,
        agents: summed
            .agents
            .into_iter()
            .map(|(key, figures)| Row {
                name: user_name(&key),
                key,
                figures,
            })
            .collect(),
        teams: summed
            .teams
            .into_iter()
            .map(|(key, figures)| Row {
                name: team_name(&key),
                key,
                figures,
            })
            .collect(),
        channels: summed
            .channels
            .into_iter()
            .map(|(c, figures)| Row {
                key: channel_code(c).to_string(),
                name: Some(channel_code(c).to_string()),
                figures,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn e(kind: Kind, value: u64, agent: Option<&str>, channel: Channel) -> Entry {
        Entry {
            kind,
            value,
            agent: agent.map(str::to_string),
            team: None,
            channel,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        // (values, p, expected)
        let cases: &[(&[u64], u32, Option<u64>)] = &[
            (&[], 50, None),
            (&[7], 50, Some(7)),
            (&[7], 90, Some(7)),
            (&[1, 2], 50, Some(1)),
            (&[1, 2], 90, Some(2)),
            (&[1, 2, 3, 4], 50, Some(2)),
            (&[1, 2, 3, 4, 5], 50, Some(3)),
            (&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90, Some(90)),
            (
                &[10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110],
                90,
                Some(100),
            ),
            (&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 100, Some(100)),
            (&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 1, Some(10)),
        ];
        for (values, p, want) in cases {
            assert_eq!(percentile(values, *p), *want, "{values:?} p{p}");
        }
    }

    #[test]
    fn a_percentile_is_always_one_of_the_values_and_grows_with_p() {
        let values: Vec<u64> = (0..37).map(|i| (i * 7919) % 1000).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let mut last = 0;
        for p in 1..=100 {
            let v = percentile(&sorted, p).unwrap();
            assert!(values.contains(&v));
            assert!(v >= last, "p{p}");
            let at_or_below = sorted.iter().filter(|x| **x <= v).count();
            assert!(at_or_below * 100 >= p as usize * sorted.len(), "p{p}");
            last = v;
        }
    }

    #[test]
    fn durations_sort_before_ranking() {
        assert_eq!(
            Durations::of(vec![300, 60, 120]),
            Durations {
                count: 3,
                median: Some(120),
                p90: Some(300)
            }
        );
        assert_eq!(Durations::of(vec![]), Durations::default());
    }

    #[test]
    fn satisfaction_average_and_response_rate() {
        assert_eq!(Satisfaction::of(0, 0, 0), Satisfaction::default());
        let s = Satisfaction::of(3, 2, 9);
        assert_eq!(s.average, Some(4.5));
        assert_eq!(s.response_rate, Some(0.6667));
        let s = Satisfaction::of(4, 0, 0);
        assert_eq!(s.average, None);
        assert_eq!(s.response_rate, Some(0.0));
        assert_eq!(Satisfaction::of(3, 3, 10).average, Some(3.33));
    }

    #[test]
    fn entries_round_trip_and_junk_is_skipped() {
        let agent = "01JBZ8Q3W2V6X9Y0A1B2C3D4E5";
        let full = Entry {
            kind: Kind::Resolved,
            value: 3600,
            agent: Some(agent.into()),
            team: Some("01JBZ8Q3W2V6X9Y0A1B2C3D4E6".into()),
            channel: Channel::Chat,
        };
        let encoded = full.encode();
        assert!(encoded.len() <= MAX_ENTRY_BYTES);
        assert_eq!(Entry::parse(&encoded), Some(full));
        let bare = e(Kind::Opened, 0, None, Channel::Email);
        assert_eq!(bare.encode(), "o|0|||EMAIL");
        assert_eq!(Entry::parse(&bare.encode()), Some(bare));
        for junk in [
            "",
            "x|0|||EMAIL",
            "o|-1|||EMAIL",
            "o|0|||FAX",
            "o|0|||EMAIL|more",
            "o|0",
        ] {
            assert_eq!(Entry::parse(junk), None, "{junk}");
        }
        let huge = e(Kind::Resolved, u64::MAX, Some(agent), Channel::Manual).encode();
        assert!(huge.len() <= MAX_ENTRY_BYTES, "{huge}");
        assert!(ENTRIES_PER_ITEM as usize * (MAX_ENTRY_BYTES + 4) < 4 * 1024);
    }

    #[test]
    fn entries_fill_shards_in_order_exactly() {
        // (entry number, entries a shard, shard)
        let cases = [
            (1, 50, 0),
            (50, 50, 0),
            (51, 50, 1),
            (100, 50, 1),
            (101, 50, 2),
            (0, 50, 0),
            (7, 1, 6),
            (7, 0, 6),
        ];
        for (number, per_item, want) in cases {
            assert_eq!(shard_of(number, per_item), want, "{number} of {per_item}");
        }
    }

    #[test]
    fn days_are_local_to_the_organization() {
        let utc = AroundTheClock(FixedOffset::east_opt(0).unwrap());
        let berlin_winter = AroundTheClock(FixedOffset::east_opt(3600).unwrap());
        let new_york = AroundTheClock(FixedOffset::west_opt(5 * 3600).unwrap());
        // (instant, calendar, local date)
        let cases = [
            (at(2026, 1, 1, 23, 30), utc, "2026-01-01"),
            (at(2026, 1, 1, 23, 30), berlin_winter, "2026-01-02"),
            (at(2026, 1, 1, 23, 30), new_york, "2026-01-01"),
            (at(2026, 1, 2, 3, 0), new_york, "2026-01-01"),
            (at(2026, 1, 2, 5, 0), new_york, "2026-01-02"),
            (at(2026, 12, 31, 23, 0), berlin_winter, "2027-01-01"),
        ];
        for (instant, cal, want) in cases {
            assert_eq!(
                cal.local_date(instant),
                date(want),
                "{instant} at {:?}",
                cal.0
            );
        }
    }

    #[test]
    fn an_organizations_days_follow_its_zone_across_daylight_saving() {
        let zone = |tz: &str| BusinessHours {
            timezone: tz.into(),
            ..BusinessHours::default()
        };
        // (instant, zone, local date)
        let cases = [
            (at(2026, 3, 28, 23, 30), "Europe/Berlin", "2026-03-29"),
            (at(2026, 3, 29, 22, 30), "Europe/Berlin", "2026-03-30"),
            (at(2026, 3, 29, 21, 30), "Europe/Berlin", "2026-03-29"),
            (at(2026, 7, 1, 3, 59), "America/New_York", "2026-06-30"),
            (at(2026, 7, 1, 4, 0), "America/New_York", "2026-07-01"),
            (at(2026, 7, 1, 4, 0), "UTC", "2026-07-01"),
            (at(2026, 7, 1, 14, 0), "Pacific/Kiritimati", "2026-07-02"),
        ];
        for (instant, tz, want) in cases {
            assert_eq!(
                Calendar::local_date(&zone(tz), instant),
                date(want),
                "{instant} in {tz}"
            );
        }
        // Without a schedule every second counts, across the spring-forward night too.
        let berlin = zone("Europe/Berlin");
        let seconds = Calendar::business_seconds_between(
            &berlin,
            at(2026, 3, 28, 12, 0),
            at(2026, 3, 29, 12, 0),
        );
        assert_eq!(seconds, 24 * 3600);
        assert_eq!(
            Calendar::business_seconds_between(&berlin, at(2026, 3, 2, 0, 0), at(2026, 3, 1, 0, 0)),
            0
        );
    }

    fn ticket(created: DateTime<Utc>) -> Ticket {
        serde_json::from_value(serde_json::json!({
            "id": "01JBZ8Q3W2V6X9Y0A1B2C3D4E5",
            "orgId": "01JBZ8Q3W2V6X9Y0A1B2C3D4E0",
            "number": 1,
            "ticketNumber": "TKT-0001",
            "subject": "s",
            "status": "OPEN",
            "priority": "MEDIUM",
            "channel": "EMAIL",
            "customerId": "01JBZ8Q3W2V6X9Y0A1B2C3D4E1",
            "assigneeId": "01JBZ8Q3W2V6X9Y0A1B2C3D4E2",
            "teamId": "01JBZ8Q3W2V6X9Y0A1B2C3D4E3",
            "messageCount": 1,
            "createdAt": created,
            "updatedAt": created,
            "lastActivityAt": created,
            "version": 1,
        }))
        .unwrap()
    }

    #[test]
    fn each_happening_makes_its_entry_on_its_local_day() {
        let opened = at(2026, 3, 1, 22, 0);
        let t = ticket(opened);
        let tokyo = AroundTheClock(FixedOffset::east_opt(9 * 3600).unwrap());
        let (d, en) = entry(&tokyo, &t, &Happened::Opened);
        assert_eq!(
            (d, en.kind, en.value),
            (date("2026-03-02"), Kind::Opened, 0)
        );
        assert_eq!(en.team.as_deref(), Some("01JBZ8Q3W2V6X9Y0A1B2C3D4E3"));
        let by = "01JBZ8Q3W2V6X9Y0A1B2C3D4E9".to_string();
        let (d, en) = entry(
            &tokyo,
            &t,
            &Happened::FirstResponse {
                by: by.clone(),
                at: at(2026, 3, 1, 22, 45),
            },
        );
        assert_eq!(
            (d, en.value, en.agent),
            (date("2026-03-02"), 2700, Some(by))
        );
        let (d, en) = entry(
            &tokyo,
            &t,
            &Happened::Resolved {
                at: at(2026, 3, 2, 16, 0),
            },
        );
        assert_eq!(
            (d, en.kind, en.value),
            (date("2026-03-03"), Kind::Resolved, 18 * 3600)
        );
        assert_eq!(en.agent.as_deref(), Some("01JBZ8Q3W2V6X9Y0A1B2C3D4E2"));
        // A rating counts on the day its survey went out, however late it comes.
        let (d, en) = entry(
            &tokyo,
            &t,
            &Happened::Rated {
                surveyed_at: at(2026, 3, 2, 16, 0),
                rating: 4,
            },
        );
        assert_eq!((d, en.kind, en.value), (date("2026-03-03"), Kind::Rated, 4));
        // A clock that went backwards gives zero, never a wrapped huge duration.
        let (_, en) = entry(
            &tokyo,
            &t,
            &Happened::Resolved {
                at: at(2026, 3, 1, 21, 0),
            },
        );
        assert_eq!(en.value, 0);
    }

    #[test]
    fn summarize_fills_every_day_and_breaks_down() {
        let (a, b) = (Some("A"), Some("B"));
        let entries = vec![
            (date("2026-05-01"), e(Kind::Opened, 0, None, Channel::Email)),
            (date("2026-05-01"), e(Kind::Opened, 0, None, Channel::Chat)),
            (
                date("2026-05-01"),
                e(Kind::FirstResponse, 60, a, Channel::Email),
            ),
            (
                date("2026-05-03"),
                e(Kind::FirstResponse, 180, b, Channel::Chat),
            ),
            (
                date("2026-05-03"),
                e(Kind::Resolved, 600, a, Channel::Email),
            ),
            (date("2026-05-03"), e(Kind::Surveyed, 0, a, Channel::Email)),
            (date("2026-05-03"), e(Kind::Rated, 5, a, Channel::Email)),
            (date("2026-04-30"), e(Kind::Opened, 0, None, Channel::Email)),
            (date("2026-05-04"), e(Kind::Opened, 0, None, Channel::Email)),
        ];
        let s = summarize(date("2026-05-01"), date("2026-05-03"), entries);
        assert_eq!(s.totals.opened, 2, "outside the range is ignored");
        assert_eq!(s.totals.resolved, 1);
        assert_eq!(s.totals.first_response.median, Some(60));
        assert_eq!(s.totals.first_response.p90, Some(180));
        assert_eq!(s.totals.csat.average, Some(5.0));
        assert_eq!(s.totals.csat.response_rate, Some(1.0));
        let dates: Vec<String> = s.days.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, ["2026-05-01", "2026-05-02", "2026-05-03"]);
        assert_eq!(s.days[1].figures, Figures::default());
        assert_eq!(s.days[2].figures.resolved, 1);
        let agents: Vec<(&str, u64, u64)> = s
            .agents
            .iter()
            .map(|(k, f)| (k.as_str(), f.first_response.count, f.resolved))
            .collect();
        assert_eq!(agents, [("A", 1, 1), ("B", 1, 0)]);
        let chat = s
            .channels
            .iter()
            .find(|(c, _)| *c == Channel::Chat)
            .unwrap();
        assert_eq!(
            (chat.1.opened, chat.1.first_response.median),
            (1, Some(180))
        );
        assert!(s.teams.is_empty());
    }

    #[test]
    fn ranges_are_checked() {
        assert_eq!(
            parse_range("2026-01-01", "2026-03-31"),
            Ok((date("2026-01-01"), date("2026-03-31")))
        );
        assert_eq!(
            parse_range("2026-01-01", "2026-01-01").map(|r| r.0),
            Ok(date("2026-01-01"))
        );
        assert_eq!(
            parse_range("2026-1-01", "2026-01-02"),
            Err(RangeError::NotADate("from"))
        );
        assert_eq!(
            parse_range("2026-01-01", "2026-02-30"),
            Err(RangeError::NotADate("to"))
        );
        assert_eq!(
            parse_range("+2026-01-01", "2026-02-01"),
            Err(RangeError::NotADate("from"))
        );
        assert_eq!(
            parse_range("2026-01-02", "2026-01-01"),
            Err(RangeError::Backwards)
        );
        assert_eq!(
            parse_range("2025-01-01", "2026-01-01").map(|_| ()),
            Ok(()),
            "366 days"
        );
        assert_eq!(
            parse_range("2025-01-01", "2026-01-02"),
            Err(RangeError::TooLong)
        );
    }
}
