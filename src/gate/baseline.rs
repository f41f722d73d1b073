//! Baselines: adopt the gate in a repository that already has legacy calls.
//!
//! `--write-baseline FILE` records every non-active finding by its
//! fingerprint: rule, root-relative path, matched text without whitespace
//! and occurrence index. No line numbers, so inserting lines above a
//! finding does not break it. `--baseline FILE` then suppresses the recorded
//! findings, so only new ones can fail, and lists entries that no longer
//! occur so the file can shrink.

use std::collections::BTreeSet;
use std::path::Path;

use miette::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::model::{BaselineEntry, BaselineOutcome, Report};
use crate::model::{SuppressedBy, Suppression};
use crate::rules::Status;

/// The schema tag of a baseline file.
pub const SCHEMA: &str = "sunset-baseline/1";

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    schema: String,
    /// The as-of date the baseline was written at (informative).
    as_of: String,
    entries: Vec<BaselineEntry>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("cannot use baseline {path}: {message}")]
#[diagnostic(
    code(sunset::baseline),
    help("write a new one with `sunset check --write-baseline {path}`")
)]
pub struct BaselineError {
    pub path: String,
    pub message: String,
}

/// The entries a baseline written now would hold, sorted by path and line.
pub fn entries(report: &Report) -> Vec<BaselineEntry> {
    let mut entries: Vec<BaselineEntry> = report
        .findings
        .iter()
        // An active endpoint is recorded only for a request check that can
        // fail the gate (IPv6 sent to save_merchant).
        .filter(|f| is_gated(f))
        .map(|f| BaselineEntry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            path: f.path.clone(),
            line: f.line,
            matched: f.matched.clone(),
        })
        .collect();
    entries.sort_by(|a, b| (&a.path, a.line, &a.rule).cmp(&(&b.path, b.line, &b.rule)));
    entries
}

/// Whether a finding can fail the gate and so belongs in a baseline: a
/// legacy endpoint, or an active one with a request check at warning or
/// error (IPv6 sent to save_merchant).
fn is_gated(f: &crate::model::Finding) -> bool {
    f.status != Status::Active
        || f.request_checks
            .iter()
            .any(|c| c.level >= crate::model::request::CheckLevel::Warning)
}

/// Serialises a baseline document.
pub fn to_json(entries: &[BaselineEntry], as_of: &str) -> String {
    let doc = BaselineFile {
        schema: SCHEMA.to_string(),
        as_of: as_of.to_string(),
        entries: entries.to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a baseline file.
pub fn load(path: &Path) -> Result<Vec<BaselineEntry>, BaselineError> {
    let err = |message: String| BaselineError {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let doc: BaselineFile = serde_json::from_str(&text)
        .map_err(|e| err(format!("not a sunset baseline (line {}: {e})", e.line())))?;
    if doc.schema != SCHEMA {
        return Err(err(format!(
            "schema is `{}`, expected `{SCHEMA}`",
            doc.schema
        )));
    }
    Ok(doc.entries)
}

/// Suppresses findings recorded in `entries` and says which entries are
/// gone. Findings already suppressed otherwise keep that reason but still
/// count as known.
pub fn apply(report: &mut Report, entries: &[BaselineEntry], file: &str) -> BaselineOutcome {
    let recorded: BTreeSet<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let mut present: BTreeSet<String> = BTreeSet::new();
    let (mut known, mut new) = (0, 0);
    for f in report.findings.iter_mut().filter(|f| is_gated(f)) {
        present.insert(f.fingerprint.clone());
        if recorded.contains(f.fingerprint.as_str()) {
            known += 1;
            if f.suppressed.is_none() {
                f.suppressed = Some(Suppression {
                    by: SuppressedBy::Baseline,
                    reason: Some("recorded in the baseline".to_string()),
                    at: file.to_string(),
                });
            }
        } else {
            new += 1;
        }
    }
    let mut fixed: Vec<BaselineEntry> = entries
        .iter()
        .filter(|e| !present.contains(&e.fingerprint))
        .cloned()
        .collect();
    fixed.sort();
    fixed.dedup();
    BaselineOutcome {
        file: file.to_string(),
        known,
        new,
        fixed,
    }
}
