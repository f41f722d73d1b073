//! The result of a run: findings with the coverage and counts around them,
//! and what the gate of `sunset check` made of them. Printers, the gate, the
//! migration report and `fix` read these types; they depend on nothing but
//! [`crate::rules`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::finding::{Finding, FindingKind};
use crate::rules::{Date, Status};

/// Why a file was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Contains a NUL byte in its first 8 KiB.
    Binary,
    /// Larger than `--max-filesize`.
    TooLarge,
    /// Excluded by .gitignore, .ignore or similar (`--no-ignore` to include).
    Ignored,
    /// A hidden file or directory (`--hidden` to include).
    Hidden,
    /// Could not be read (permissions, vanished, I/O error).
    Unreadable,
    /// A symbolic link loop (with `--follow`).
    SymlinkLoop,
    /// Looks like UTF-16 text without a byte-order mark (every other byte
    /// NUL): not decoded, since without a BOM the byte order is a guess.
    Utf16NoBom,
    /// A report, baseline or patch sunset wrote (recognised by its
    /// content): its URLs are records of findings, not uses.
    OwnOutput,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Ignored => "ignored",
            SkipReason::Hidden => "hidden",
            SkipReason::Unreadable => "unreadable",
            SkipReason::SymlinkLoop => "symlink loop",
            SkipReason::Utf16NoBom => "UTF-16 without BOM",
            SkipReason::OwnOutput => "sunset's own output",
        }
    }
}

/// A URL-like string that looked like a Qualys endpoint but could not be
/// resolved to a known one (an unknown path, or a version held in a value
/// the scanner cannot see).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Unresolved {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The text as reconstructed, holes shown as `{name}`, redacted.
    pub text: String,
    pub reason: String,
}

/// A problem with one file that did not stop the scan.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Notice {
    pub path: String,
    pub message: String,
}

/// The nearest deadline among the findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NearestDeadline {
    pub milestone: crate::rules::Milestone,
    pub date: String,
    pub words: String,
    pub days_left: i64,
    pub rule: String,
    pub endpoint: String,
}

/// Coverage and counts of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    /// Files that passed the byte prefilter and were parsed.
    pub files_parsed: usize,
    pub files_skipped: BTreeMap<SkipReason, usize>,
    /// Findings by status (calls and mentions together).
    pub by_status: BTreeMap<Status, usize>,
    pub calls: usize,
    pub mentions: usize,
    /// Findings in tests, fixtures and mocks (kind `test`).
    pub tests: usize,
    /// Client-library calls and dependencies that reach a legacy endpoint
    /// (kind `library`).
    pub library_calls: usize,
    /// Findings whose rule rests on secondary evidence only.
    pub unconfirmed: usize,
    pub files_with_findings: usize,
    /// Findings kept from failing the gate by an inline comment, a waiver or
    /// the baseline (they are still listed).
    pub suppressed: usize,
    pub nearest_deadline: Option<NearestDeadline>,
    /// Qualys-looking URLs that could not be built (a piece held in a value
    /// not known here, a segment filled in at run time).
    pub unresolved: Vec<Unresolved>,
    /// Whole versioned Qualys paths that no rule names
    /// (`/api/2.0/fo/asset/ip/`): endpoints sunset does not know.
    pub unknown: Vec<Unresolved>,
    pub notices: Vec<Notice>,
}

/// A parsed `sunset: ignore` comment ([`crate::suppress`] finds them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inline {
    /// The rule ids in brackets; empty means every rule.
    pub rules: Vec<String>,
    /// The text after the marker, comment closers removed.
    pub reason: Option<String>,
    /// Whether only a comment leader precedes the marker.
    pub alone: bool,
    /// The ids in brackets that name no rule (set by the scanner, which
    /// has the rules).
    pub unknown: Vec<String>,
    /// Whether the comment suppresses at least one finding of the scan, of
    /// any status (set by the scanner; ruff's RUF100 reports the others).
    pub used: bool,
}

impl Inline {
    /// Whether this comment suppresses findings of `rule`.
    pub fn covers(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule)
    }
}

/// What a scan found, before any date is applied: the same tree gives the
/// same `Scan` whatever the day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub repo_name: Option<String>,
    /// Sorted by [`Finding::sort_key`], fingerprinted; active endpoints
    /// included (whether one is active depends on the day).
    pub findings: Vec<Finding>,
    /// Coverage: files scanned, parsed and skipped, unresolved, notices.
    pub summary: Summary,
    /// The `sunset: ignore` comments of the scanned files that hold one, by
    /// path, as (1-based line, comment): the scanner collects them while it
    /// has the text, so applying them reads no file again.
    pub suppression_comments: BTreeMap<String, Vec<(usize, Inline)>>,
}

/// The result of a scan assessed at a date, ready to gate and render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub as_of: Date,
    /// Set with `--repo-name`, for roll-ups across repositories.
    pub repo_name: Option<String>,
    /// Sorted by [`Finding::sort_key`].
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Set by `sunset check`: thresholds and the outcome of the gate.
    pub gate: Option<Gate>,
    /// The `sunset: ignore` comments of the scanned files that hold one, by
    /// path, as (1-based line, comment): the scanner collects them while it
    /// has the text, so applying them reads no file again.
    pub suppression_comments: BTreeMap<String, Vec<(usize, Inline)>>,
}

/// The outcome of `sunset check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// The lowest status that fails: `eol`, `eos` or `deprecated`.
    pub fail_on: Status,
    /// Findings whose next deadline is this many days away or fewer warn.
    pub warn_within_days: i64,
    /// The window as given: "90 days", "3 months".
    pub warn_within: String,
    /// Whether mentions count like calls (`--strict`).
    pub strict: bool,
    /// Whether rules resting on secondary evidence may fail.
    pub fail_unconfirmed: bool,
    pub passed: bool,
    /// Findings with verdict `fail`.
    pub failing: usize,
    /// Of those, the findings that fail on a request check
    /// (`--fail-on-request`); absent from JSON when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub request_failing: usize,
    /// Findings with verdict `warn`.
    pub warnings: usize,
    /// Waivers in `sunset.toml` whose `until` date has passed: they no
    /// longer suppress anything.
    pub expired_waivers: Vec<ExpiredWaiver>,
    /// Inline `sunset: ignore` comments without a reason.
    pub unexplained_suppressions: Vec<Notice>,
    /// Set with `--baseline FILE`.
    pub baseline: Option<BaselineOutcome>,
    /// The command that lists every finding in detail.
    pub details: String,
}

/// A waiver past its `until` date.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExpiredWaiver {
    /// `sunset.toml:LINE`.
    pub at: String,
    pub rule: Option<String>,
    pub path: Option<String>,
    pub until: String,
    pub reason: String,
}

/// How the findings compare with a baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaselineOutcome {
    pub file: String,
    /// Findings whose fingerprint is in the baseline.
    pub known: usize,
    /// Findings not in the baseline (these may fail the gate).
    pub new: usize,
    /// Baseline entries that no longer occur: fixed, and can be removed.
    pub fixed: Vec<BaselineEntry>,
}

/// One entry of a baseline file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, Serialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub path: String,
    /// The line when the baseline was written (informative only).
    pub line: usize,
    pub matched: String,
}

impl Report {
    /// Assesses a scan at `as_of` ([`super::assess`]); uses of active
    /// endpoints are kept only with `include_active`, or when a request
    /// check on them is a warning or an error.
    pub fn from_scan(scan: Scan, as_of: Date, include_active: bool) -> Report {
        let mut report = Report {
            as_of,
            repo_name: scan.repo_name,
            findings: scan.findings,
            summary: scan.summary,
            gate: None,
            suppression_comments: scan.suppression_comments,
        };
        report.reassess(as_of);
        if !include_active {
            // A use of an active endpoint is news only with
            // --include-active; a request the sources say is wrong for it
            // (a request check at warning or error: IPv6 sent to
            // save_merchant) is a problem whatever the endpoint's status.
            report.findings.retain(|f| {
                f.status != Status::Active
                    || f.request_checks
                        .iter()
                        .any(|c| c.level >= super::request::CheckLevel::Warning)
            });
        }
        report.count_findings();
        report
    }

    /// Sets every finding's status and days at `as_of` (the only place the
    /// date reaches a finding).
    pub fn reassess(&mut self, as_of: Date) {
        self.as_of = as_of;
        for f in &mut self.findings {
            super::assess::assess_finding(f, as_of);
        }
    }

    /// Builds the summary counts from the findings (coverage fields are
    /// filled by the scanner).
    pub fn count_findings(&mut self) {
        let s = &mut self.summary;
        s.by_status.clear();
        s.calls = 0;
        s.mentions = 0;
        s.tests = 0;
        s.library_calls = 0;
        s.unconfirmed = 0;
        s.suppressed = 0;
        let mut files: Vec<&str> = Vec::new();
        let mut nearest: Option<NearestDeadline> = None;
        for f in &self.findings {
            *s.by_status.entry(f.status).or_default() += 1;
            match f.kind {
                FindingKind::Call => s.calls += 1,
                FindingKind::Mention => s.mentions += 1,
                FindingKind::Test => s.tests += 1,
                FindingKind::Library => s.library_calls += 1,
            }
            if !f.confirmed {
                s.unconfirmed += 1;
            }
            if f.suppressed.is_some() {
                s.suppressed += 1;
            }
            files.push(&f.path);
            if let (Some(next), Some(days)) = (&f.next_deadline, f.days_left) {
                if nearest.as_ref().is_none_or(|n| days < n.days_left) {
                    nearest = Some(NearestDeadline {
                        milestone: next.milestone,
                        date: next.date.clone(),
                        words: next.words.clone(),
                        days_left: days,
                        rule: f.rule.clone(),
                        endpoint: f.endpoint.clone(),
                    });
                }
            }
        }
        files.dedup();
        s.files_with_findings = files.len();
        s.nearest_deadline = nearest;
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
