//! Rendering a [`Report`]: one file per output format.
//!
//! Every printer sees the same sorted, redacted report and writes into the
//! writer it is given; none of them reads the filesystem or the clock.

pub mod concise;
pub mod csv;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod rules_table;
pub mod sarif;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Finding, FindingKind};
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
    /// Findings whose rule rests on secondary evidence only.
    pub unconfirmed: usize,
    pub files_with_findings: usize,
    /// Findings kept from failing the gate by an inline comment, a waiver or
    /// the baseline (they are still listed).
    pub suppressed: usize,
    pub nearest_deadline: Option<NearestDeadline>,
    pub unresolved: Vec<Unresolved>,
    pub notices: Vec<Notice>,
}

/// The result of a scan, ready to render.
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
    pub suppression_comments: BTreeMap<String, Vec<(usize, crate::gate::suppress::Inline)>>,
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
    /// Builds the summary counts from the findings (coverage fields are
    /// filled by the scanner).
    pub fn count_findings(&mut self) {
        let s = &mut self.summary;
        s.by_status.clear();
        s.calls = 0;
        s.mentions = 0;
        s.unconfirmed = 0;
        s.suppressed = 0;
        let mut files: Vec<&str> = Vec::new();
        let mut nearest: Option<NearestDeadline> = None;
        for f in &self.findings {
            *s.by_status.entry(f.status).or_default() += 1;
            match f.kind {
                FindingKind::Call => s.calls += 1,
                FindingKind::Mention => s.mentions += 1,
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

/// Percent-encodes every byte of a path but unreserved characters and `/`
/// (`:` too, so a first segment like `c:x` is not read as a scheme): a file
/// name cannot end a URL, start a fragment or break out of an attribute.
/// Used for SARIF artifact URIs and report links.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Output formats of `audit` and `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Compiler-style diagnostics with code frames.
    Human,
    /// One JSON document, schema `sunset/1`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`): annotations.
    Github,
    /// GitLab Code Quality report (JSON array).
    Gitlab,
    /// JUnit XML: one testcase per finding, one testsuite per file.
    Junit,
    /// One line per finding: `path:line:col: status rule endpoint -> replacement (deadline)`.
    Concise,
    /// CSV: one row per finding, every JSON field.
    Csv,
}

/// Renders `report` in `format`.
pub fn render(
    report: &Report,
    format: OutputFormat,
    options: &human::HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Human => human::render(report, options, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Sarif => sarif::render(report, out),
        OutputFormat::Github => github::render(report, out),
        OutputFormat::Gitlab => gitlab::render(report, out),
        OutputFormat::Junit => junit::render(report, out),
        OutputFormat::Concise => concise::render(report, out),
        OutputFormat::Csv => csv::render(report, out),
    }
}
