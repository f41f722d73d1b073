//! The one place time enters: a finding's status, severity, next deadline
//! and days left at an as-of date, derived from the deadlines it carries.
//!
//! The scan is time-free ([`super::Scan`]); `audit`, `check`, `report`
//! (including `--from` roll-ups of JSON reports) and `fix` all go through
//! [`assess`], so every format and sub-command agrees on a finding's status
//! and `days_left` (pluto's `IsDeprecatedIn(target)`, computed at print time).

use super::finding::{Finding, NextDeadline, Severity, Withheld};
use crate::rules::{next_deadline, replacement_out, status_on, Date, Deadline, Milestone, Status};

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

/// Assesses deadlines at `as_of`. Before `replacement_published` (the day
/// the replacement first appeared, when a rule gives it) the endpoint is the
/// current one: `active`, with no deadline and no days counted.
pub fn assess(
    eos: Option<Deadline>,
    eol: Option<Deadline>,
    has_replacement: bool,
    replacement_published: Option<Deadline>,
    as_of: Date,
) -> Assessment {
    if !replacement_out(replacement_published, as_of) {
        return Assessment {
            status: Status::Active,
            severity: Severity::of(Status::Active),
            days_left: None,
            next: None,
        };
    }
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

/// Writes the assessment at `as_of` into a finding. Before the replacement
/// is published, the advice about it (replacement, suggested URL, rewrite,
/// manual-fix note, and the request checks sourced on or after that day) is
/// held back in [`Finding::withheld`], so no output and no `fix` offers a
/// version that does not exist yet; a later assessment gives it back.
pub fn assess_finding(f: &mut Finding, as_of: Date) {
    if let Some(w) = f.withheld.take() {
        f.replacement = w.replacement;
        f.suggested = w.suggested;
        f.fix = w.fix;
        f.manual_fix = w.manual_fix;
        f.request_checks = w.request_checks;
    }
    if let Some(published) = f
        .replacement_published
        .filter(|&p| !replacement_out(Some(p), as_of))
    {
        let from = published.effective();
        let all = f.request_checks.clone();
        // A check whose source is dated from the replacement's publication
        // on speaks of the replacement; undated ones stay.
        f.request_checks
            .retain(|c| Deadline::parse(&c.source.date).is_none_or(|d| d.effective() < from));
        f.withheld = Some(Box::new(Withheld {
            replacement: f.replacement.take(),
            suggested: f.suggested.take(),
            fix: f.fix.take(),
            manual_fix: f.manual_fix.take(),
            request_checks: all,
        }));
    }
    let a = assess(
        f.eos,
        f.eol,
        f.replacement.is_some(),
        f.replacement_published,
        as_of,
    );
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
        let a = assess(None, eol, true, None, day("2027-03-01"));
        assert_eq!(a.status, Status::Eol);
        assert_eq!(a.days_left, Some(-90));
        assert_eq!(a.next, None);
        let a = assess(
            Deadline::parse("2026-06"),
            eol,
            true,
            None,
            day("2026-11-23"),
        );
        assert_eq!(a.status, Status::Eos);
        assert_eq!(a.days_left, Some(8));
        assert_eq!(a.severity, Severity::Warning);
    }

    /// A rule dating its replacement (`replacement-published`): active
    /// before the day, as without the key from the day on; the twin without
    /// the key is unchanged at every date.
    #[test]
    fn before_the_replacement_is_published_the_endpoint_is_active() {
        let (eos, eol) = (Deadline::parse("2026-11"), Deadline::parse("2027-05"));
        let published = Deadline::parse("2026-05-11");
        for at in ["1999-01-01", "2026-05-10"] {
            let a = assess(eos, eol, true, published, day(at));
            assert_eq!(a.status, Status::Active, "{at}");
            assert_eq!(a.severity, Severity::None, "{at}");
            assert_eq!((a.days_left, a.next), (None, None), "{at}");
        }
        for at in ["2026-05-11", "2026-05-12", "2026-11-01", "2027-06-01"] {
            assert_eq!(
                assess(eos, eol, true, published, day(at)),
                assess(eos, eol, true, None, day(at)),
                "{at}"
            );
        }
        let on = assess(eos, eol, true, published, day("2026-05-11"));
        assert_eq!((on.status, on.days_left), (Status::Deprecated, Some(174)));
        // The twin without the key: deprecated with the days counted, even
        // in 1999.
        let twin = assess(eos, eol, true, None, day("1999-01-01"));
        assert_eq!(twin.status, Status::Deprecated);
        assert_eq!(twin.days_left, Some(10_166));
        // A month-only date starts on its first day.
        let month = Deadline::parse("2026-05");
        assert_eq!(
            assess(eos, eol, true, month, day("2026-04-30")).status,
            Status::Active
        );
        assert_eq!(
            assess(eos, eol, true, month, day("2026-05-01")).status,
            Status::Deprecated
        );
    }

    /// The advice about the replacement is held back before the day and
    /// given back when a later day is assessed.
    #[test]
    fn advice_is_held_back_and_given_back() {
        use crate::model::request::{CheckLevel, RequestCheck};
        use crate::rules::{Evidence, Source};
        let source = |date: &str| Source {
            title: "t".into(),
            date: date.into(),
            url: None,
            evidence: Evidence::Primary,
        };
        let check = |date: &str| RequestCheck {
            level: CheckLevel::Warning,
            code: "param-required".into(),
            message: date.into(),
            source: source(date),
        };
        let mut f: Finding = serde_json::from_value(serde_json::json!({
            "path": "a.sh", "line": 1, "column": 1, "end_line": 1, "end_column": 2,
            "rule": "r", "name": "n", "endpoint": "/api/2.0/fo/auth/nsx/",
            "matched": "/api/2.0/fo/auth/nsx/", "replacement": "/api/3.0/fo/auth/nsx/",
            "suggested": "/api/3.0/fo/auth/nsx/", "eos": "2026-11", "eol": "2027-05",
            "replacement_published": "2026-05-11", "kind": "call", "confirmed": true,
            "source": {"title": "t", "date": "2026-05-11", "url": null, "evidence": "primary"},
            "manual_fix": "by hand", "status": "active", "days_left": null,
            "next_deadline": null, "severity": "none"
        }))
        .expect("finding");
        f.request_checks = vec![check("2025-01-01"), check("2026-05-11"), check("undated")];
        let original = f.clone();
        assess_finding(&mut f, day("1999-01-01"));
        assert_eq!(f.status, Status::Active);
        assert_eq!(
            (&f.replacement, &f.suggested, &f.manual_fix),
            (&None, &None, &None)
        );
        let kept: Vec<&str> = f
            .request_checks
            .iter()
            .map(|c| c.message.as_str())
            .collect();
        assert_eq!(kept, ["2025-01-01", "undated"]);
        // Assessing again before the day changes nothing.
        let once = f.clone();
        assess_finding(&mut f, day("2026-05-10"));
        assert_eq!(
            (f.replacement.clone(), f.request_checks.clone()),
            (once.replacement, once.request_checks)
        );
        assess_finding(&mut f, day("2026-05-11"));
        assert_eq!(f.status, Status::Deprecated);
        assert_eq!(f.withheld, None);
        assert_eq!(f.replacement, original.replacement);
        assert_eq!(f.suggested, original.suggested);
        assert_eq!(f.manual_fix, original.manual_fix);
        assert_eq!(f.request_checks, original.request_checks);
    }
}
