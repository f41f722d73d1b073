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
pub mod stats;

use crate::model::Report;

/// Output formats of `audit` and `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// Whether `format`'s output has a place for the run's notices (an
/// unreadable file, `--as-of` before every source…). The line and row
/// formats, GitLab's array of issues and JUnit's test cases have none: the
/// commands write the notices on stderr for those, so none is lost.
pub fn carries_notices(format: OutputFormat) -> bool {
    match format {
        OutputFormat::Human | OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Github => {
            true
        }
        OutputFormat::Gitlab | OutputFormat::Junit | OutputFormat::Concise | OutputFormat::Csv => {
            false
        }
    }
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
