//! `sunset report --from a.json b.json …`: reading the JSON reports of
//! `audit`/`check` (schema `sunset/1`) for an org-wide roll-up.
//!
//! Each report stands for one repository, named by its `"repo"` key
//! (`--repo-name` at scan time) or, failing that, by the file's stem. Two
//! reports with the same repository name are an error rather than merged:
//! the usual cause is the same artifact downloaded twice or a matrix job
//! missing `--repo-name`, and adding them up would double every count.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::Diagnostic;
use serde::Deserialize;

use super::Input;
use crate::model::Finding;
use crate::model::SCHEMA;
use crate::rules::Date;

/// A `--from` file that cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RollupError {
    #[error("cannot read {file}: {message}")]
    #[diagnostic(code(sunset::report::from))]
    Read { file: String, message: String },
    #[error("{file} is not a sunset JSON report: {reason}")]
    #[diagnostic(
        code(sunset::report::from),
        help("pass the output of `sunset audit --format json` or `sunset check --format json` (schema {SCHEMA})")
    )]
    NotAReport { file: String, reason: String },
    #[error("{second} and {first} are both reports of repository `{repo}`")]
    #[diagnostic(
        code(sunset::report::duplicate_repo),
        help("tag each scan with its own `--repo-name NAME`; reports of one repository are not added up")
    )]
    DuplicateRepo {
        repo: String,
        first: String,
        second: String,
    },
}

/// A JSON report as written by `crate::printer::json`. Unknown keys (such as
/// `gate`) are ignored so `check` reports read too.
#[derive(Deserialize)]
struct Document {
    schema: String,
    as_of: String,
    #[serde(default)]
    repo: Option<String>,
    findings: Vec<Finding>,
    summary: SummaryPart,
}

/// The parts of the summary a roll-up shows.
#[derive(Deserialize)]
struct SummaryPart {
    files_scanned: usize,
    #[serde(default)]
    unresolved: Vec<serde::de::IgnoredAny>,
}

/// One report read from disk.
#[derive(Debug)]
pub struct Loaded {
    pub file: PathBuf,
    pub as_of: Date,
    pub input: Input,
}

/// Reads every file; the first bad one is the error.
pub fn read_all(files: &[PathBuf]) -> Result<Vec<Loaded>, RollupError> {
    // An org-wide roll-up reads hundreds of reports of megabytes each:
    // parsing is the work, and the files are independent. The results come
    // back in input order, so the first bad file is the one named.
    use rayon::prelude::*;
    let parsed: Vec<Result<Loaded, RollupError>> = files.par_iter().map(|f| read(f)).collect();
    let mut out: Vec<Loaded> = Vec::with_capacity(files.len());
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (file, loaded) in files.iter().zip(parsed) {
        let loaded = loaded?;
        let repo = loaded.input.repo.clone().unwrap_or_default();
        let shown = file.display().to_string();
        if let Some(first) = names.insert(repo.clone(), shown.clone()) {
            return Err(RollupError::DuplicateRepo {
                repo,
                first,
                second: shown,
            });
        }
        out.push(loaded);
    }
    Ok(out)
}

/// Reads one report.
pub fn read(file: &Path) -> Result<Loaded, RollupError> {
    let shown = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| RollupError::Read {
        file: shown.clone(),
        message: e.to_string(),
    })?;
    let not_a_report = |reason: String| RollupError::NotAReport {
        file: shown.clone(),
        reason,
    };
    // The schema tag first, so a JSON file of another kind gets that
    // message rather than a complaint about a missing field.
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| not_a_report(format!("not JSON ({e})")))?;
    match value.get("schema").and_then(serde_json::Value::as_str) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(not_a_report(format!(
                "its schema is `{other}`, expected `{SCHEMA}`"
            )))
        }
        None => return Err(not_a_report("no `schema` key".to_string())),
    }
    let doc: Document = serde_json::from_value(value).map_err(|e| not_a_report(e.to_string()))?;
    debug_assert_eq!(doc.schema, SCHEMA);
    let as_of = Date::parse(&doc.as_of)
        .ok_or_else(|| not_a_report(format!("`as_of` is `{}`, not YYYY-MM-DD", doc.as_of)))?;
    // Sunset redacts before writing JSON; a report from elsewhere (or
    // edited by hand) goes through the same redaction before it is shown.
    let mut findings = doc.findings;
    for f in &mut findings {
        f.matched = crate::redact::redact_str(&f.matched);
        f.suggested = f.suggested.as_deref().map(crate::redact::redact_str);
        f.manual_fix = f.manual_fix.as_deref().map(crate::redact::redact_str);
    }
    let repo = match doc.repo.filter(|r| !r.trim().is_empty()) {
        Some(r) => r,
        None => file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| shown.clone()),
    };
    Ok(Loaded {
        file: file.to_path_buf(),
        as_of,
        input: Input {
            repo: Some(repo),
            findings,
            files_scanned: doc.summary.files_scanned,
            unresolved: doc.summary.unresolved.len(),
        },
    })
}
