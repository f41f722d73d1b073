//! `sunset report`: a migration report (Markdown, HTML or CSV) from a scan,
//! or an org-wide roll-up of JSON reports with `--from`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use miette::Diagnostic;

use super::{print_error, CommonArgs, ExitStatus, Output, ScanArgs, Setup};
use crate::migration::{self, rollup, AsOfBasis, Input, LinkBase, Plan, PlanOptions};
use crate::model::Report;
use crate::rules::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown (for a pull request, an issue or a wiki).
    #[value(alias = "md")]
    Markdown,
    /// One self-contained HTML page with an SVG timeline and sortable tables.
    Html,
    /// One row per finding, every JSON field.
    Csv,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Link each `path:line` to a code browser: `URL/path#Lline`, e.g.
    /// `https://github.com/org/repo/blob/abc123`. In a roll-up, `REPO=URL`
    /// sets the base of one repository (repeat the flag).
    #[arg(long, value_name = "URL")]
    pub link_base: Vec<String>,
    /// Build the report from JSON reports of `audit`/`check` (one per
    /// repository, tagged with `--repo-name`) instead of scanning. Statuses
    /// are computed at `--as-of`, else at the newest report's date.
    #[arg(long, value_name = "JSON", num_args = 1.., conflicts_with = "paths")]
    pub from: Vec<PathBuf>,
}

/// A bad `--link-base`.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{0}")]
#[diagnostic(
    code(sunset::report::link_base),
    help("e.g. --link-base https://github.com/org/repo/blob/abc123")
)]
struct LinkBaseError(String);

pub fn run(args: ReportArgs) -> std::io::Result<ExitStatus> {
    let Ok(setup) = Setup::load(&args.common, &args.scan) else {
        return Ok(ExitStatus::Error);
    };
    let rules = &setup.rules;
    let links = match LinkBase::parse(&args.link_base) {
        Ok(l) => l,
        Err(e) => {
            print_error(LinkBaseError(e));
            return Ok(ExitStatus::Error);
        }
    };

    let (inputs, options) = if args.from.is_empty() {
        let (as_of, basis) = match args.common.as_of {
            Some(d) => (d, AsOfBasis::Flag),
            None => (Date::today(), AsOfBasis::Today),
        };
        let shown: Vec<String> = setup
            .roots
            .iter()
            .map(|r| r.display().to_string())
            .collect();
        let found = super::scan_with_progress(&setup.scan, rules, args.scan.quiet);
        let mut report = Report::from_scan(found, as_of, false);
        setup.exclude(&mut report);
        let input = Input {
            repo: report.repo_name.clone(),
            files_scanned: report.summary.files_scanned,
            unresolved: report.summary.unresolved.len(),
            findings: report.findings,
        };
        let options = PlanOptions {
            as_of,
            basis,
            roots: shown,
            rollup: false,
            scanned_on: BTreeMap::new(),
            links,
        };
        (vec![input], options)
    } else {
        let loaded = match rollup::read_all(&args.from) {
            Ok(l) => l,
            Err(e) => {
                print_error(e);
                return Ok(ExitStatus::Error);
            }
        };
        let newest = loaded.iter().map(|l| l.as_of).max();
        let (as_of, basis) = match (args.common.as_of, newest) {
            (Some(d), _) => (d, AsOfBasis::Flag),
            (None, Some(d)) => (d, AsOfBasis::NewestInput),
            // `--from` takes at least one file (clap), so this is unreachable
            // in practice; today is the honest fallback.
            (None, None) => (Date::today(), AsOfBasis::Today),
        };
        let scanned_on = loaded
            .iter()
            .filter_map(|l| l.input.repo.clone().map(|r| (r, l.as_of)))
            .collect();
        let options = PlanOptions {
            as_of,
            basis,
            roots: Vec::new(),
            rollup: true,
            scanned_on,
            links,
        };
        (loaded.into_iter().map(|l| l.input).collect(), options)
    };

    // The plan has no notice list: the one line goes to stderr.
    if let Some(n) = setup.as_of_notice(options.as_of) {
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "notice: {}: {}",
            crate::display::escape(&n.path),
            crate::display::escape(&n.message)
        )?;
    }
    let mut out = match Output::open(args.output.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    match args.format {
        ReportFormat::Markdown => {
            let plan = Plan::build(inputs, rules, &options);
            migration::markdown::render(&plan, &mut out)?;
        }
        ReportFormat::Html => {
            let plan = Plan::build(inputs, rules, &options);
            migration::html::render(&plan, &mut out)?;
        }
        ReportFormat::Csv => csv(inputs, options.as_of, &mut out)?,
    }
    if let Err(e) = out.finish() {
        print_error(e);
        return Ok(ExitStatus::Error);
    }
    Ok(ExitStatus::Success)
}

/// CSV through the findings printer: one header row, then each input's
/// findings assessed at `as_of`.
fn csv(inputs: Vec<Input>, as_of: Date, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut table = crate::printer::csv::CsvWriter::new(out)?;
    for input in inputs {
        let mut report = Report {
            as_of,
            repo_name: input.repo,
            findings: input.findings,
            summary: Default::default(),
            gate: None,
            suppression_comments: Default::default(),
        };
        report.reassess(as_of);
        table.rows(&report)?;
    }
    table.finish()
}
