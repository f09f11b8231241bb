//! Business hours: when an organization's team works, and time counted in working time
//! (SLA targets are in business seconds). Pure arithmetic over the org's settings: an IANA
//! timezone, a weekly schedule (per weekday, open intervals in local wall-clock time) and
//! holidays (local dates, closed all day). No schedule means open around the clock.
//!
//! Each local date opens as UTC spans: `[local(date, start), local(date, end))` per
//! interval. Wall-clock times that a DST change skips or repeats resolve as RFC 5545 and
//! most calendars do: a skipped time moves forward by the gap (02:30 on a spring-forward
//! night is 03:30), a repeated one is its first occurrence. So a day with an hour skipped
//! has an hour less business time, a day with one repeated an hour more.
//!
//! The zone database is compiled into the binary (chrono-tz): Lambda's `provided.al2023`
//! has no `/usr/share/zoneinfo` to read.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono::{Offset, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Days the arithmetic scans at most (ten years): a schedule open a few minutes a year
/// with a long target would otherwise loop for ages. Past it the answer saturates.
const MAX_SCAN_DAYS: i64 = 3660;

/// Most intervals on one weekday.
pub const MAX_INTERVALS_PER_DAY: usize = 6;

/// Most holidays an organization lists.
pub const MAX_HOLIDAYS: usize = 400;

/// A wall-clock time of day in minutes since midnight, `00:00` to `24:00` (`24:00` only
/// ends an interval). Written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(u16);

impl ClockTime {
    /// Midnight at the start of the day.
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    /// Midnight at the end of the day.
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    /// `hours:minutes`; `None` past `24:00`.
    pub fn new(hours: u16, minutes: u16) -> Option<Self> {
        let m = hours.checked_mul(60)?.checked_add(minutes)?;
        (minutes < 60 && m <= 24 * 60).then_some(Self(m))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl FromStr for ClockTime {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a time of day like 09:30 (00:00 to 24:00)");
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 || !(h.chars().chain(m.chars())).all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Self::new(h, m).ok_or_else(bad)
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `HH:MM`, `00:00` to `24:00`.
pub const CLOCK_TIME_PATTERN: &str = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

impl utoipa::PartialSchema for ClockTime {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(CLOCK_TIME_PATTERN))
            .description(Some("Local wall-clock time `HH:MM`, `00:00` to `24:00`."))
            .into()
    }
}

impl utoipa::ToSchema for ClockTime {}

/// One open interval of a day, local wall-clock time, `start` before `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenInterval {
    /// Opens (`09:00`).
    pub start: ClockTime,
    /// Closes (`17:30`; `24:00` for midnight at the end of the day).
    pub end: ClockTime,
}

impl OpenInterval {
    /// `start`–`end`; for tests and defaults.
    pub fn new(start: ClockTime, end: ClockTime) -> Self {
        Self { start, end }
    }
}

/// The open intervals of each weekday; a day with none is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklySchedule {
    /// Monday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub mon: Vec<OpenInterval>,
    /// Tuesday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub tue: Vec<OpenInterval>,
    /// Wednesday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub wed: Vec<OpenInterval>,
    /// Thursday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub thu: Vec<OpenInterval>,
    /// Friday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub fri: Vec<OpenInterval>,
    /// Saturday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub sat: Vec<OpenInterval>,
    /// Sunday.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub sun: Vec<OpenInterval>,
}

impl WeeklySchedule {
    /// The intervals of `day`.
    pub fn day(&self, day: Weekday) -> &[OpenInterval] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    /// Mutable intervals of `day`.
    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<OpenInterval> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }

    /// `intervals` on each of `days` (the others closed).
    pub fn on(days: &[Weekday], intervals: &[OpenInterval]) -> Self {
        let mut s = Self::default();
        for d in days {
            *s.day_mut(*d) = intervals.to_vec();
        }
        s
    }

    /// Each day's intervals sorted; an error naming the day if one is empty (`start` not
    /// before `end`), they overlap, a day has too many, or the week has none.
    pub fn normalize(mut self) -> Result<Self, String> {
        let mut any = false;
        for day in WEEK {
            let list = self.day_mut(day);
            if list.len() > MAX_INTERVALS_PER_DAY {
                return Err(format!(
                    "{}: at most {MAX_INTERVALS_PER_DAY} intervals",
                    day_name(day)
                ));
            }
            list.sort_by_key(|i| i.start);
            for i in list.iter() {
                if i.start >= i.end {
                    return Err(format!(
                        "{}: {}–{} must start before it ends",
                        day_name(day),
                        i.start,
                        i.end
                    ));
                }
            }
            for w in list.windows(2) {
                if w[1].start < w[0].end {
                    return Err(format!("{}: intervals overlap", day_name(day)));
                }
            }
            any |= !list.is_empty();
        }
        if any {
            Ok(self)
        } else {
            Err("the week has no open interval (omit the schedule to be open all the time)".into())
        }
    }
}

/// Monday first.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The schedule's key for `day` (`mon`).
pub fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// The zone for an IANA name, if the compiled-in database knows it.
pub fn parse_timezone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// An organization's business hours: timezone, weekly schedule, holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusinessHours {
    /// IANA timezone the schedule and holidays are in (`Europe/Berlin`).
    #[serde(default = "utc_name")]
    pub timezone: String,
    /// When the team works; absent: around the clock.
    #[serde(default)]
    pub schedule: Option<WeeklySchedule>,
    /// Local dates closed all day.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
}

fn utc_name() -> String {
    "UTC".into()
}

impl Default for BusinessHours {
    /// Open around the clock, in UTC.
    fn default() -> Self {
        Self {
            timezone: utc_name(),
            schedule: None,
            holidays: Vec::new(),
        }
    }
}

/// One stretch of open time, UTC, end exclusive.
type Span = (DateTime<Utc>, DateTime<Utc>);

impl BusinessHours {
    /// The zone (UTC if the name is unknown: names are checked when saved).
    pub fn tz(&self) -> Tz {
        parse_timezone(&self.timezone).unwrap_or(Tz::UTC)
    }

    /// The local date at `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz()).date_naive()
    }

    /// Whether the team works at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let tz = self.tz();
        let d = self.local_date(at);
        [d.pred_opt(), Some(d), d.succ_opt()]
            .into_iter()
            .flatten()
            .flat_map(|day| self.spans_on(&tz, day))
            .any(|(s, e)| s <= at && at < e)
    }

    /// `at` if open then, else when the team next opens; `None` if it never does within
    /// ten years.
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.spans_from(at).next().map(|(s, _)| s)
    }

    /// The instant `secs` business seconds after `from` (`from` itself for zero or less).
    /// Saturates ten years of scanning on: a schedule with hardly any open time.
    pub fn add_business_seconds(&self, from: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        if secs <= 0 {
            return from;
        }
        let mut left = Duration::seconds(secs);
        let mut last = from;
        for (s, e) in self.spans_from(from) {
            let len = e - s;
            if left <= len {
                return s + left;
            }
            left -= len;
            last = e;
        }
        last.max(from + Duration::days(MAX_SCAN_DAYS))
    }

    /// Business seconds from `from` to `to`; negative when `to` is earlier.
    pub fn business_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to < from {
            return -self.business_seconds_between(to, from);
        }
        let mut total = Duration::zero();
        for (s, e) in self.spans_from(from) {
            if s >= to {
                break;
            }
            total += e.min(to) - s;
        }
        total.num_seconds()
    }

    /// The open spans from `at` on, in order, the first clipped to start at `at`.
    fn spans_from(&self, at: DateTime<Utc>) -> impl Iterator<Item = Span> + '_ {
        let tz = self.tz();
        let first = self.local_date(at).pred_opt().unwrap_or(NaiveDate::MIN);
        first
            .iter_days()
            .take(MAX_SCAN_DAYS as usize)
            .flat_map(move |day| self.spans_on(&tz, day))
            .filter(move |(_, e)| *e > at)
            .map(move |(s, e)| (s.max(at), e))
    }

    /// The open spans of local date `day`, in order.
    fn spans_on(&self, tz: &Tz, day: NaiveDate) -> Vec<Span> {
        if self.holidays.contains(&day) {
            return Vec::new();
        }
        let all_day = [OpenInterval::new(
            ClockTime::MIDNIGHT,
            ClockTime::END_OF_DAY,
        )];
        let intervals: &[OpenInterval] = match &self.schedule {
            Some(s) => s.day(day.weekday()),
            None => &all_day,
        };
        intervals
            .iter()
            .map(|i| (to_utc(tz, day, i.start), to_utc(tz, day, i.end)))
            .filter(|(s, e)| s < e)
            .collect()
    }
}

/// The instant local `day` at `time` names in `tz`: a repeated time its first occurrence,
/// a skipped one moved forward by the gap (read with the offset before the change).
fn to_utc(tz: &Tz, day: NaiveDate, time: ClockTime) -> DateTime<Utc> {
    let local: NaiveDateTime =
        day.and_time(NaiveTime::MIN) + Duration::minutes(time.minutes().into());
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // Zones change at most once a day: a day earlier is before the change.
            let before = tz
                .offset_from_utc_datetime(&(local - Duration::days(1)))
                .fix();
            (local - Duration::seconds(before.local_minus_utc().into())).and_utc()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test time")
            .with_timezone(&Utc)
    }

    fn hm(s: &str) -> ClockTime {
        s.parse().expect("test clock time")
    }

    fn iv(a: &str, b: &str) -> OpenInterval {
        OpenInterval::new(hm(a), hm(b))
    }

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    /// Mon–Fri 09:00–17:00 in `tz`.
    fn office(tz: &str) -> BusinessHours {
        BusinessHours {
            timezone: tz.into(),
            schedule: Some(WeeklySchedule::on(&WEEKDAYS, &[iv("09:00", "17:00")])),
            holidays: Vec::new(),
        }
    }

    /// Every day 00:00–24:00 in `tz` (local days, so DST shows in the totals).
    fn every_day(tz: &str) -> BusinessHours {
        BusinessHours {
            timezone: tz.into(),
            schedule: Some(WeeklySchedule::on(&WEEK, &[iv("00:00", "24:00")])),
            holidays: Vec::new(),
        }
    }

    const H: i64 = 3600;

    // 2026-12-04 is a Friday; 2026-12-05/06 the weekend.

    #[test]
    fn default_is_open_all_the_time_in_utc() {
        let b = BusinessHours::default();
        for at in [
            "2026-12-05T03:00:00Z",
            "2026-12-06T23:59:59Z",
            "2026-01-01T00:00:00Z",
        ] {
            assert!(b.is_open(t(at)), "{at}");
            assert_eq!(b.next_open(t(at)), Some(t(at)));
        }
        assert_eq!(
            b.add_business_seconds(t("2026-12-05T10:00:00Z"), 48 * H),
            t("2026-12-07T10:00:00Z")
        );
        assert_eq!(
            b.local_date(t("2026-12-05T23:30:00Z")).to_string(),
            "2026-12-05"
        );
    }

    #[test]
    fn default_deserializes_from_an_empty_object() {
        let b: BusinessHours = serde_json::from_str("{}").expect("empty");
        assert_eq!(b, BusinessHours::default());
    }

    #[test]
    fn open_inside_interval_closed_outside_utc() {
        let b = office("UTC");
        let cases = [
            ("2026-12-04T08:59:59Z", false),
            ("2026-12-04T09:00:00Z", true),
            ("2026-12-04T12:00:00Z", true),
            ("2026-12-04T16:59:59Z", true),
            ("2026-12-04T17:00:00Z", false),
            ("2026-12-05T12:00:00Z", false),
            ("2026-12-06T12:00:00Z", false),
            ("2026-12-07T09:00:00Z", true),
        ];
        for (at, open) in cases {
            assert_eq!(b.is_open(t(at)), open, "{at}");
        }
    }

    #[test]
    fn is_open_uses_local_time() {
        // Berlin is UTC+1 in December: 09:00 local is 08:00Z.
        let b = office("Europe/Berlin");
        assert!(!b.is_open(t("2026-12-04T07:59:00Z")));
        assert!(b.is_open(t("2026-12-04T08:00:00Z")));
        assert!(b.is_open(t("2026-12-04T15:59:00Z")));
        assert!(!b.is_open(t("2026-12-04T16:00:00Z")));
    }

    #[test]
    fn local_date_crosses_midnight_by_zone() {
        let at = t("2026-12-04T23:30:00Z");
        assert_eq!(office("UTC").local_date(at).to_string(), "2026-12-04");
        assert_eq!(
            office("Europe/Berlin").local_date(at).to_string(),
            "2026-12-05"
        );
        assert_eq!(
            office("America/New_York")
                .local_date(t("2026-12-05T03:00:00Z"))
                .to_string(),
            "2026-12-04"
        );
    }

    #[test]
    fn next_open_skips_the_weekend() {
        let b = office("UTC");
        assert_eq!(
            b.next_open(t("2026-12-04T17:00:00Z")),
            Some(t("2026-12-07T09:00:00Z"))
        );
        assert_eq!(
            b.next_open(t("2026-12-06T08:00:00Z")),
            Some(t("2026-12-07T09:00:00Z"))
        );
    }

    #[test]
    fn next_open_before_opening_is_that_days_opening() {
        let b = office("America/New_York");
        // 09:00 EST is 14:00Z.
        assert_eq!(
            b.next_open(t("2026-12-04T06:00:00Z")),
            Some(t("2026-12-04T14:00:00Z"))
        );
    }

    #[test]
    fn next_open_when_open_is_now() {
        let b = office("UTC");
        let at = t("2026-12-04T10:15:00Z");
        assert_eq!(b.next_open(at), Some(at));
    }

    #[test]
    fn next_open_skips_holidays() {
        let mut b = office("Europe/Berlin");
        b.holidays = vec![
            NaiveDate::from_ymd_opt(2026, 12, 24).expect("date"),
            NaiveDate::from_ymd_opt(2026, 12, 25).expect("date"),
        ];
        // Thursday 24th after close of Wednesday: Friday 25th is a holiday too; Monday 28th.
        assert_eq!(
            b.next_open(t("2026-12-23T17:00:00Z")),
            Some(t("2026-12-28T08:00:00Z"))
        );
        assert!(!b.is_open(t("2026-12-24T10:00:00Z")));
    }

    #[test]
    fn holiday_is_a_local_date() {
        // Sydney is UTC+11 in December: the local 25th runs 24th 13:00Z to 25th 13:00Z.
        let b = BusinessHours {
            timezone: "Australia/Sydney".into(),
            schedule: None,
            holidays: vec![NaiveDate::from_ymd_opt(2026, 12, 25).expect("date")],
        };
        assert!(b.is_open(t("2026-12-24T12:59:00Z")));
        assert!(!b.is_open(t("2026-12-24T13:00:00Z")));
        assert!(!b.is_open(t("2026-12-25T12:59:00Z")));
        assert!(b.is_open(t("2026-12-25T13:00:00Z")));
        assert_eq!(
            b.next_open(t("2026-12-24T20:00:00Z")),
            Some(t("2026-12-25T13:00:00Z"))
        );
    }

    #[test]
    fn never_open_gives_none() {
        let b = BusinessHours {
            timezone: "UTC".into(),
            schedule: Some(WeeklySchedule::on(&[Weekday::Mon], &[iv("09:00", "10:00")])),
            holidays: (0..3700)
                .filter_map(|i| {
                    NaiveDate::from_ymd_opt(2026, 1, 1)?.checked_add_days(chrono::Days::new(i))
                })
                .collect(),
        };
        assert_eq!(b.next_open(t("2026-01-01T00:00:00Z")), None);
    }

    #[test]
    fn several_intervals_a_day() {
        let b = BusinessHours {
            timezone: "UTC".into(),
            schedule: Some(WeeklySchedule::on(
                &WEEKDAYS,
                &[iv("08:00", "12:00"), iv("13:00", "17:00")],
            )),
            holidays: Vec::new(),
        };
        assert!(b.is_open(t("2026-12-04T11:59:00Z")));
        assert!(!b.is_open(t("2026-12-04T12:30:00Z")));
        assert_eq!(
            b.next_open(t("2026-12-04T12:30:00Z")),
            Some(t("2026-12-04T13:00:00Z"))
        );
        // 3 h from 11:00: one before lunch, two after.
        assert_eq!(
            b.add_business_seconds(t("2026-12-04T11:00:00Z"), 3 * H),
            t("2026-12-04T15:00:00Z")
        );
        assert_eq!(
            b.business_seconds_between(t("2026-12-04T00:00:00Z"), t("2026-12-05T00:00:00Z")),
            8 * H
        );
    }

    #[test]
    fn add_within_the_same_interval() {
        let b = office("UTC");
        assert_eq!(
            b.add_business_seconds(t("2026-12-04T10:00:00Z"), 2 * H),
            t("2026-12-04T12:00:00Z")
        );
    }

    #[test]
    fn add_from_closed_time_starts_at_opening() {
        let b = office("UTC");
        assert_eq!(
            b.add_business_seconds(t("2026-12-04T06:00:00Z"), H),
            t("2026-12-04T10:00:00Z")
        );
    }

    #[test]
    fn add_across_the_weekend() {
        let b = office("UTC");
        // Friday 16:00 + 4 h: one on Friday, three on Monday.
        assert_eq!(
            b.add_business_seconds(t("2026-12-04T16:00:00Z"), 4 * H),
            t("2026-12-07T12:00:00Z")
        );
    }

    #[test]
    fn add_across_weekend_and_holiday_in_new_york() {
        let mut b = office("America/New_York");
        b.holidays = vec![NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")];
        // Friday 16:00 EST (21:00Z) + 2 h: one on Friday, Monday a holiday, one on Tuesday
        // from 09:00 EST (14:00Z).
        assert_eq!(
            b.add_business_seconds(t("2026-12-04T21:00:00Z"), 2 * H),
            t("2026-12-08T15:00:00Z")
        );
    }

    #[test]
    fn add_lands_exactly_on_close() {
        let b = office("UTC");
        assert_eq!(
            b.add_business_seconds(t("2026-12-04T09:00:00Z"), 8 * H),
            t("2026-12-04T17:00:00Z")
        );
    }

    #[test]
    fn add_zero_or_negative_is_from() {
        let b = office("UTC");
        let at = t("2026-12-05T10:00:00Z");
        assert_eq!(b.add_business_seconds(at, 0), at);
        assert_eq!(b.add_business_seconds(at, -5), at);
    }

    #[test]
    fn add_a_business_week() {
        let b = office("UTC");
        assert_eq!(
            b.add_business_seconds(t("2026-12-07T09:00:00Z"), 40 * H),
            t("2026-12-11T17:00:00Z")
        );
    }

    #[test]
    fn add_saturates_on_a_schedule_never_open() {
        let b = BusinessHours {
            timezone: "UTC".into(),
            schedule: Some(WeeklySchedule::on(&[Weekday::Mon], &[iv("09:00", "09:01")])),
            holidays: Vec::new(),
        };
        let from = t("2026-01-01T00:00:00Z");
        // One minute a week: ten years give ~522 minutes, far less than a year asked.
        let got = b.add_business_seconds(from, 365 * 24 * H);
        assert!(got >= from + Duration::days(MAX_SCAN_DAYS - 7), "{got}");
    }

    #[test]
    fn between_counts_only_open_time() {
        let b = office("UTC");
        let cases = [
            ("2026-12-04T10:00:00Z", "2026-12-04T12:00:00Z", 2 * H),
            ("2026-12-04T16:00:00Z", "2026-12-07T10:00:00Z", 2 * H),
            ("2026-12-05T00:00:00Z", "2026-12-06T23:00:00Z", 0),
            ("2026-12-07T00:00:00Z", "2026-12-12T00:00:00Z", 40 * H),
            ("2026-12-04T12:00:00Z", "2026-12-04T12:00:00Z", 0),
        ];
        for (a, b2, want) in cases {
            assert_eq!(b.business_seconds_between(t(a), t(b2)), want, "{a}..{b2}");
        }
    }

    #[test]
    fn between_is_negative_backwards() {
        let b = office("UTC");
        assert_eq!(
            b.business_seconds_between(t("2026-12-07T10:00:00Z"), t("2026-12-04T16:00:00Z")),
            -2 * H
        );
    }

    #[test]
    fn between_and_add_agree() {
        let mut b = office("Europe/Paris");
        b.holidays = vec![NaiveDate::from_ymd_opt(2026, 12, 25).expect("date")];
        let from = t("2026-12-18T15:17:00Z");
        for secs in [1, 59, H, 7 * H, 8 * H, 9 * H, 33 * H + 17, 100 * H] {
            let to = b.add_business_seconds(from, secs);
            assert_eq!(b.business_seconds_between(from, to), secs, "{secs}");
        }
    }

    #[test]
    fn spring_forward_day_is_an_hour_shorter() {
        // Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST.
        let b = every_day("Europe/Berlin");
        let day_start = t("2026-03-28T23:00:00Z"); // 00:00 CET on the 29th
        let next_day = t("2026-03-29T22:00:00Z"); // 00:00 CEST on the 30th
        assert_eq!(b.business_seconds_between(day_start, next_day), 23 * H);
        assert_eq!(b.add_business_seconds(day_start, 23 * H), next_day);
    }

    #[test]
    fn fall_back_day_is_an_hour_longer() {
        // Europe/Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET.
        let b = every_day("Europe/Berlin");
        let day_start = t("2026-10-24T22:00:00Z"); // 00:00 CEST on the 25th
        let next_day = t("2026-10-25T23:00:00Z"); // 00:00 CET on the 26th
        assert_eq!(b.business_seconds_between(day_start, next_day), 25 * H);
    }

    #[test]
    fn office_hours_keep_local_time_across_spring_forward() {
        // New York, 2026-03-08 (Sunday) springs forward: 09:00 is 14:00Z before, 13:00Z after.
        let b = office("America/New_York");
        assert_eq!(
            b.next_open(t("2026-03-06T22:00:00Z")),
            Some(t("2026-03-09T13:00:00Z"))
        );
        // Friday 16:00 EST + 2 h: Monday 10:00 EDT.
        assert_eq!(
            b.add_business_seconds(t("2026-03-06T21:00:00Z"), 2 * H),
            t("2026-03-09T14:00:00Z")
        );
    }

    #[test]
    fn office_hours_keep_local_time_across_fall_back() {
        // New York, 2026-11-01 (Sunday) falls back: 09:00 is 13:00Z before, 14:00Z after.
        let b = office("America/New_York");
        assert_eq!(
            b.next_open(t("2026-10-30T21:00:00Z")),
            Some(t("2026-11-02T14:00:00Z"))
        );
    }

    #[test]
    fn interval_starting_in_the_skipped_hour_moves_forward() {
        // Berlin 2026-03-29 (Sunday): 02:30 does not exist; it reads as 03:30 CEST (01:30Z).
        let b = BusinessHours {
            timezone: "Europe/Berlin".into(),
            schedule: Some(WeeklySchedule::on(&[Weekday::Sun], &[iv("02:30", "05:00")])),
            holidays: Vec::new(),
        };
        assert!(!b.is_open(t("2026-03-29T01:29:00Z")));
        assert!(b.is_open(t("2026-03-29T01:30:00Z")));
        assert_eq!(
            b.business_seconds_between(t("2026-03-29T00:00:00Z"), t("2026-03-30T00:00:00Z")),
            (3 * H) / 2
        );
    }

    #[test]
    fn interval_spanning_the_repeated_hour_counts_it_twice() {
        // Berlin 2026-10-25 (Sunday): 01:00–04:00 local holds 02:00–03:00 twice: 4 h.
        let b = BusinessHours {
            timezone: "Europe/Berlin".into(),
            schedule: Some(WeeklySchedule::on(&[Weekday::Sun], &[iv("01:00", "04:00")])),
            holidays: Vec::new(),
        };
        assert_eq!(
            b.business_seconds_between(t("2026-10-24T00:00:00Z"), t("2026-10-26T00:00:00Z")),
            4 * H
        );
        // Starts at 01:00 CEST (23:00Z on the 24th).
        assert_eq!(
            b.next_open(t("2026-10-24T12:00:00Z")),
            Some(t("2026-10-24T23:00:00Z"))
        );
    }

    #[test]
    fn interval_starting_in_the_repeated_hour_takes_the_first() {
        // Berlin 2026-10-25: 02:30 happens at 00:30Z (CEST) and 01:30Z (CET).
        let b = BusinessHours {
            timezone: "Europe/Berlin".into(),
            schedule: Some(WeeklySchedule::on(&[Weekday::Sun], &[iv("02:30", "24:00")])),
            holidays: Vec::new(),
        };
        assert!(!b.is_open(t("2026-10-25T00:29:00Z")));
        assert!(b.is_open(t("2026-10-25T00:30:00Z")));
    }

    #[test]
    fn southern_hemisphere_dst() {
        // Sydney, 2026-10-04 springs forward 02:00 AEST → 03:00 AEDT: a 23-hour day.
        let b = every_day("Australia/Sydney");
        assert_eq!(
            b.business_seconds_between(t("2026-10-03T14:00:00Z"), t("2026-10-04T13:00:00Z")),
            23 * H
        );
    }

    #[test]
    fn half_hour_zone() {
        // India, UTC+05:30, no DST: 09:00 IST is 03:30Z.
        let b = office("Asia/Kolkata");
        assert_eq!(
            b.next_open(t("2026-12-04T00:00:00Z")),
            Some(t("2026-12-04T03:30:00Z"))
        );
    }

    #[test]
    fn schedule_round_trips_as_json() {
        let b = office("Europe/Berlin");
        let json = serde_json::to_value(&b).expect("ser");
        assert_eq!(json["schedule"]["mon"][0]["start"], "09:00");
        assert_eq!(json["schedule"]["sat"], serde_json::json!([]));
        let back: BusinessHours = serde_json::from_value(json).expect("de");
        assert_eq!(back, b);
    }

    #[test]
    fn clock_times_parse_strictly() {
        for (s, ok) in [
            ("00:00", true),
            ("09:30", true),
            ("23:59", true),
            ("24:00", true),
            ("24:01", false),
            ("9:30", false),
            ("09:60", false),
            ("0930", false),
            ("", false),
            ("+9:30", false),
            ("09:3a", false),
        ] {
            assert_eq!(s.parse::<ClockTime>().is_ok(), ok, "{s}");
        }
        assert_eq!(hm("07:05").to_string(), "07:05");
    }

    #[test]
    fn normalize_sorts_intervals() {
        let s = WeeklySchedule {
            mon: vec![iv("13:00", "17:00"), iv("08:00", "12:00")],
            ..WeeklySchedule::default()
        };
        assert_eq!(s.normalize().expect("ok").mon[0].start, hm("08:00"));
    }

    #[test]
    fn normalize_rejects_overlaps_naming_the_day() {
        let s = WeeklySchedule {
            tue: vec![iv("08:00", "12:00"), iv("11:00", "13:00")],
            ..WeeklySchedule::default()
        };
        assert!(s.normalize().expect_err("overlap").contains("tue"));
    }

    #[test]
    fn normalize_rejects_empty_intervals() {
        let s = WeeklySchedule {
            wed: vec![iv("12:00", "12:00")],
            ..WeeklySchedule::default()
        };
        assert!(s.normalize().is_err());
    }

    #[test]
    fn normalize_rejects_a_week_with_no_open_time() {
        assert!(WeeklySchedule::default().normalize().is_err());
    }

    #[test]
    fn normalize_rejects_too_many_intervals() {
        let s = WeeklySchedule {
            fri: (0..7)
                .map(|i| iv(&format!("0{i}:00"), &format!("0{i}:30")))
                .collect(),
            ..WeeklySchedule::default()
        };
        assert!(s.normalize().is_err());
    }

    #[test]
    fn normalize_accepts_touching_intervals() {
        let s = WeeklySchedule {
            sat: vec![iv("08:00", "12:00"), iv("12:00", "13:00")],
            ..WeeklySchedule::default()
        };
        assert!(s.normalize().is_ok());
    }

    #[test]
    fn timezones_come_from_the_bundled_database() {
        for ok in [
            "UTC",
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Asia/Kolkata",
        ] {
            assert!(parse_timezone(ok).is_some(), "{ok}");
        }
        for bad in ["Mars", "", "Europe/Atlantis", "Europe/Berlin; DROP"] {
            assert!(parse_timezone(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn unknown_zone_name_counts_as_utc() {
        let mut b = office("UTC");
        b.timezone = "Nowhere/Else".into();
        assert!(b.is_open(t("2026-12-04T09:00:00Z")));
    }
}
