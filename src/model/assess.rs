//! The one place time enters: a finding's status, severity, next deadline
//! and days left at an as-of date, derived from the deadlines it carries.
//!
//! The scan is time-free ([`super::Scan`]); `audit`, `check`, `report`
//! (including `--from` roll-ups of JSON reports) and `fix` all go through
//! [`assess`], so every format and sub-command agrees on a finding's status
//! and `days_left` (pluto's `IsDeprecatedIn(target)`, computed at print time).

use super::finding::{Finding, NextDeadline, Severity};
use crate::rules::{next_deadline, status_on, Date, Deadline, Milestone, Status};

/// What a finding's deadlines mean on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub status: Status,
    pub severity: Severity,
    /// Days to the next deadline; once every deadline has passed, the
    /// (negative) days since the last one; `None` without deadlines.
    pub days_left: Option<i64>,
    pub next: Option<(Milestone, Deadline)>,
}

/// Assesses deadlines at `as_of`.
pub fn assess(
    eos: Option<Deadline>,
    eol: Option<Deadline>,
    has_replacement: bool,
    as_of: Date,
) -> Assessment {
    let status = status_on(eos, eol, has_replacement, as_of);
    let next = next_deadline(eos, eol, as_of);
    let days_left = next.map(|(_, _, d)| d).or_else(|| {
        // Past every deadline: days since the last one, negative.
        eol.or(eos).map(|d| as_of.days_until(d.effective()))
    });
    Assessment {
        status,
        severity: Severity::of(status),
        days_left,
        next: next.map(|(m, d, _)| (m, d)),
    }
}

/// Writes the assessment at `as_of` into a finding.
pub fn assess_finding(f: &mut Finding, as_of: Date) {
    let a = assess(f.eos, f.eol, f.replacement.is_some(), as_of);
    f.status = a.status;
    f.severity = a.severity;
    f.days_left = a.days_left;
    f.next_deadline = a.next.map(|(milestone, d)| NextDeadline {
        milestone,
        date: d.published(),
        words: d.words(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn past_every_deadline_counts_days_since_the_last() {
        let eol = Deadline::parse("2026-12");
        let a = assess(None, eol, true, day("2027-03-01"));
        assert_eq!(a.status, Status::Eol);
        assert_eq!(a.days_left, Some(-90));
        assert_eq!(a.next, None);
        let a = assess(Deadline::parse("2026-06"), eol, true, day("2026-11-23"));
        assert_eq!(a.status, Status::Eos);
        assert_eq!(a.days_left, Some(8));
        assert_eq!(a.severity, Severity::Warning);
    }
}
