//! Calendar dates, published deadlines and the status of a rule at a date.
//!
//! The vendor publishes most deadlines as a month ("December 2026"). A
//! month-only deadline is read as the **first day of that month**: calls may
//! start failing at any point in the month, so a CI gate must trip no later
//! than the vendor's date. This is the only place that reading is made.

use std::fmt;

/// A day in the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// English month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = s.get(0..4)?.parse().ok()?;
        let month = s.get(5..7)?.parse().ok()?;
        let day = s.get(8..10)?.parse().ok()?;
        Date::new(year, month, day)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days(secs.div_euclid(86_400))
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Inverse of [`Date::to_days`].
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Signed number of days from `self` to `other`.
    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A deadline at the precision the vendor published it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Deadline {
    /// "December 2026": read as the first day of the month.
    Month { year: i32, month: u8 },
    /// "2026-12-15".
    Day(Date),
}

impl Deadline {
    /// Parses `YYYY-MM` (month precision) or `YYYY-MM-DD` (day precision).
    pub fn parse(s: &str) -> Option<Deadline> {
        match s.len() {
            7 => {
                let b = s.as_bytes();
                if b[4] != b'-' {
                    return None;
                }
                let year: i32 = s.get(0..4)?.parse().ok()?;
                let month: u8 = s.get(5..7)?.parse().ok()?;
                Date::new(year, month, 1)?;
                Some(Deadline::Month { year, month })
            }
            10 => Date::parse(s).map(Deadline::Day),
            _ => None,
        }
    }

    /// The day the phase starts. A month-only deadline starts on the 1st.
    pub fn effective(self) -> Date {
        match self {
            Deadline::Month { year, month } => Date {
                year,
                month,
                day: 1,
            },
            Deadline::Day(d) => d,
        }
    }

    /// As published: `YYYY-MM` or `YYYY-MM-DD`.
    pub fn published(self) -> String {
        match self {
            Deadline::Month { year, month } => format!("{year:04}-{month:02}"),
            Deadline::Day(d) => d.to_string(),
        }
    }

    /// In words: "December 2026" or "15 December 2026".
    pub fn words(self) -> String {
        match self {
            Deadline::Month { year, month } => format!("{} {year}", MONTHS[usize::from(month - 1)]),
            Deadline::Day(d) => {
                format!("{} {} {}", d.day, MONTHS[usize::from(d.month - 1)], d.year)
            }
        }
    }

    pub fn is_month_only(self) -> bool {
        matches!(self, Deadline::Month { .. })
    }
}

/// Serialised as published (`"2026-12"`, `"2026-12-15"`).
impl serde::Serialize for Deadline {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.published())
    }
}

impl<'de> serde::Deserialize<'de> for Deadline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Deadline, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Deadline::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not a deadline (YYYY-MM or YYYY-MM-DD)"))
        })
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.published())
    }
}

/// Where an endpoint version stands on a given day.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Current: no replacement is published.
    Active,
    /// A replacement is published; EOS not yet reached.
    Deprecated,
    /// End of Support reached; End of Life not yet.
    Eos,
    /// End of Life reached: calls fail.
    Eol,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Eos => "eos",
            Status::Eol => "eol",
        }
    }

    /// The label people read: "EOL", "EOS", "deprecated", "active".
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deprecated => "deprecated",
            Status::Eos => "EOS",
            Status::Eol => "EOL",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which deadline is meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Milestone {
    Eos,
    Eol,
}

impl Milestone {
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Eos => "EOS",
            Milestone::Eol => "EOL",
        }
    }
}

/// The status of an endpoint with the given deadlines on `today`.
///
/// `has_replacement` distinguishes `deprecated` from `active` before EOS.
pub fn status_on(
    eos: Option<Deadline>,
    eol: Option<Deadline>,
    has_replacement: bool,
    today: Date,
) -> Status {
    if eol.is_some_and(|d| d.effective() <= today) {
        Status::Eol
    } else if eos.is_some_and(|d| d.effective() <= today) {
        Status::Eos
    } else if has_replacement || eos.is_some() || eol.is_some() {
        Status::Deprecated
    } else {
        Status::Active
    }
}

/// Whether the replacement is published on `today`: true without a
/// `replacement-published` date (the rule makes no claim about the past),
/// and from that date on (a month-only date from its first day, like every
/// date here). Before it the endpoint is the current one: `active`, no
/// replacement offered, no deadline counted.
pub fn replacement_out(published: Option<Deadline>, today: Date) -> bool {
    published.is_none_or(|p| p.effective() <= today)
}

/// The next deadline after `today` (EOS if still ahead, else EOL), with the
/// days left to it; `None` when no deadline is ahead.
pub fn next_deadline(
    eos: Option<Deadline>,
    eol: Option<Deadline>,
    today: Date,
) -> Option<(Milestone, Deadline, i64)> {
    [(Milestone::Eos, eos), (Milestone::Eol, eol)]
        .into_iter()
        .filter_map(|(m, d)| d.map(|d| (m, d)))
        .map(|(m, d)| (m, d, today.days_until(d.effective())))
        .find(|&(_, _, left)| left > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for z in [-1000, 0, 1, 19_000, 20_415, 25_000] {
            assert_eq!(Date::from_days(z).to_days(), z);
        }
        assert_eq!(Date::parse("1970-01-01").map(Date::to_days), Some(0));
        assert_eq!(
            Date::parse("2026-11-23").map(|d| d.days_until(Date {
                year: 2026,
                month: 12,
                day: 1
            })),
            Some(8)
        );
    }

    #[test]
    fn month_only_deadline_is_read_as_first_of_month() {
        let d = Deadline::parse("2026-12").expect("valid");
        assert_eq!(
            d.effective(),
            Date {
                year: 2026,
                month: 12,
                day: 1
            }
        );
        assert_eq!(d.published(), "2026-12");
        assert_eq!(d.words(), "December 2026");
        let before = Date::parse("2026-11-30").expect("valid");
        let on = Date::parse("2026-12-01").expect("valid");
        assert_eq!(status_on(None, Some(d), true, before), Status::Deprecated);
        assert_eq!(status_on(None, Some(d), true, on), Status::Eol);
    }

    #[test]
    fn statuses_follow_the_timeline() {
        let eos = Deadline::parse("2026-11");
        let eol = Deadline::parse("2027-05");
        let at = |s| Date::parse(s).expect("valid");
        assert_eq!(
            status_on(eos, eol, true, at("2026-10-31")),
            Status::Deprecated
        );
        assert_eq!(status_on(eos, eol, true, at("2026-11-01")), Status::Eos);
        assert_eq!(status_on(eos, eol, true, at("2027-05-01")), Status::Eol);
        assert_eq!(
            status_on(None, None, false, at("2027-05-01")),
            Status::Active
        );
        assert_eq!(
            next_deadline(eos, eol, at("2026-11-23")).map(|x| x.2),
            Some(159)
        );
        assert_eq!(next_deadline(eos, eol, at("2027-06-01")), None);
    }

    #[test]
    fn rejects_bad_dates() {
        for s in [
            "2026-13",
            "2026-00",
            "2026-02-30",
            "26-12",
            "2026/12",
            "December 2026",
            "",
        ] {
            assert!(Deadline::parse(s).is_none(), "{s}");
        }
    }
}
