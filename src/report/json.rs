//! `--format json`: one document, schema `sunset/1`.

use serde::Serialize;

use super::{Gate, Report, Summary};
use crate::finding::Finding;

/// The schema tag; bumped on any incompatible change.
pub const SCHEMA: &str = "sunset/1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    as_of: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    repo: Option<&'a str>,
    findings: &'a [Finding],
    summary: &'a Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<&'a Gate>,
}

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = Document {
        schema: SCHEMA,
        as_of: report.as_of.to_string(),
        repo: report.repo_name.as_deref(),
        findings: &report.findings,
        summary: &report.summary,
        gate: report.gate.as_ref(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
