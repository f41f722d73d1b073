//! `sunset audit`: scan and print every finding.

use clap::Args;

use super::{load_rules, print_error, ColorChoice, CommonArgs, ExitStatus, Output, ScanArgs};
use crate::report::{self, human::HumanOptions, OutputFormat};
use crate::rules::Date;
use crate::scan;

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Also report uses of current (active) endpoint versions.
    #[arg(long)]
    pub include_active: bool,
    /// When to colour human output (`NO_COLOR` is honoured in `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

pub fn run(args: AuditArgs) -> std::io::Result<ExitStatus> {
    let rules = match load_rules(&args.common) {
        Ok(r) => r,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    let roots = match args.scan.roots() {
        Ok(r) => r,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    let mut opts = args
        .scan
        .scan_options(roots, args.common.as_of.unwrap_or_else(Date::today));
    opts.include_active = args.include_active;
    let report = scan::scan(&opts, &rules);
    let options = HumanOptions {
        color: args.output.is_none() && args.color.enabled(),
        ..HumanOptions::default()
    };
    let mut out = match Output::open(args.output.as_deref()) {
        Ok(o) => o,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    report::render(&report, args.format, &options, &mut out)?;
    if let Err(e) = out.finish() {
        print_error(e);
        return Ok(ExitStatus::Error);
    }
    Ok(ExitStatus::Success)
}
