//! `sunset audit`: scan and print every finding.

use clap::Args;

use super::{print_error, CommonArgs, ExitStatus, OutputArgs, ScanArgs, Setup};
use crate::model::Report;
use crate::printer;

#[derive(Debug, Args)]
pub struct AuditArgs {
    // Help lists the output and date flags first, the walking flags after.
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Also report uses of current (active) endpoint versions.
    #[arg(long)]
    pub include_active: bool,
    /// Not a flag of audit (which never fails on findings): accepted only
    /// to point at `sunset check`.
    #[arg(long, hide = true, value_name = "STATUS")]
    pub fail_on: Option<String>,
}

pub fn run(args: AuditArgs) -> std::io::Result<ExitStatus> {
    if let Some(status) = &args.fail_on {
        let mut err = std::io::stderr().lock();
        std::io::Write::write_fmt(
            &mut err,
            format_args!(
                "error: `sunset audit` lists findings and never fails on them; to fail a build, run\n\n    sunset check --fail-on {}\n",
                crate::display::escape(status)
            ),
        )?;
        return Ok(ExitStatus::Error);
    }
    let Ok(setup) = Setup::load(&args.common, &args.scan) else {
        return Ok(ExitStatus::Error);
    };
    let found = super::scan_with_progress(&setup.scan, &setup.rules, args.scan.quiet);
    let mut report = Report::from_scan(found, args.common.as_of(), args.include_active);
    setup.exclude(&mut report);
    report
        .summary
        .notices
        .splice(0..0, setup.as_of_notice(report.as_of));
    // The inventory lists suppressed uses too, marked as such; the warning
    // about a suppression without a reason belongs to `check`.
    let _ = crate::suppress::apply(&mut report);
    report.count_findings();
    let options = args.out.human();
    let mut out = match args.out.open() {
        Ok(o) => o,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    printer::render(&report, args.out.format(), &options, &mut out)?;
    if let Err(e) = out.finish() {
        print_error(e);
        return Ok(ExitStatus::Error);
    }
    args.out.notices_to_stderr(&report)?;
    Ok(ExitStatus::Success)
}
