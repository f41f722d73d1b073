//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues
//! in the Code Climate shape), for `artifacts:reports:codequality`.
//!
//! Choices:
//! - `severity` comes from [`Finding::level`]: a failing finding (or, in
//!   `audit`, an EOL one) is `critical` when the endpoint is past End of
//!   Life and `major` otherwise; warning is `minor`; note and pass are
//!   `info`. `blocker` is not used: nothing here is worse than a call that
//!   already fails.
//! - Suppressed findings stay in the report, as `info` with
//!   "Suppressed (by at: reason)" leading the description. GitLab has no
//!   suppressed state, and dropping them would hide that a waiver exists.
//! - `fingerprint` is the finding's own fingerprint, stable across runs and
//!   line shifts, so GitLab's merge-request diff of new/resolved issues
//!   works. It is unique within one scan root; the same file scanned under
//!   two roots can repeat it, so a repeat gets `-2`, `-3`, … in report
//!   order (GitLab drops issues whose fingerprint is not unique).
//! - `check_name` is the rule id; `categories` is `["Compatibility"]`.

use std::collections::HashMap;

use serde::Serialize;

use super::concise::message;
use crate::model::Report;
use crate::model::{Finding, Severity};
use crate::rules::Status;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
    categories: [&'static str; 1],
    engine_name: &'static str,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .map(|f| {
            let n = seen.entry(f.fingerprint.as_str()).or_default();
            *n += 1;
            let fingerprint = if *n == 1 {
                f.fingerprint.clone()
            } else {
                format!("{}-{n}", f.fingerprint)
            };
            issue(f, fingerprint)
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

fn issue(f: &Finding, fingerprint: String) -> Issue<'_> {
    let description = match &f.suppressed {
        Some(s) => format!(
            "Suppressed ({} at {}: {}). {}",
            s.by.as_str(),
            s.at,
            s.reason.as_deref().unwrap_or("no reason given"),
            message(f)
        ),
        None => message(f),
    };
    Issue {
        kind: "issue",
        description,
        check_name: &f.rule,
        fingerprint,
        severity: severity(f),
        location: Location {
            path: &f.path,
            lines: Lines {
                begin: f.line,
                end: f.end_line,
            },
        },
        categories: ["Compatibility"],
        engine_name: "sunset",
    }
}

fn severity(f: &Finding) -> &'static str {
    if f.suppressed.is_some() {
        return "info";
    }
    match f.level() {
        Severity::Error if f.status == Status::Eol => "critical",
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note | Severity::None => "info",
    }
}
