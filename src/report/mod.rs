//! Rendering a [`Report`]: one file per output format.
//!
//! Every printer sees the same sorted, redacted report and writes into the
//! writer it is given; none of them reads the filesystem or the clock.

pub mod human;
pub mod json;
pub mod rules_table;

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

/// Output formats of `audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Compiler-style diagnostics with code frames.
    Human,
    /// One JSON document, schema `sunset/1`.
    Json,
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
    }
}
