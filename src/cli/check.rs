//! `sunset check`: the CI gate. Scans like `audit`, applies `sunset.toml`,
//! inline suppressions and a baseline, and exits 1 when a call at or above
//! `--fail-on` remains.

use std::path::PathBuf;

use std::io::Write;

use clap::Args;

use super::{print_error, CommonArgs, ExitStatus, Output, OutputArgs, ScanArgs, Setup};
use crate::gate::{
    self, baseline, config, duration::Window, FailOnRequest, GateFlags, GateOptions, GateSettings,
};
use crate::model::Report;
use crate::printer::{self, OutputFormat};
use crate::rules::{Date, Status};

pub const CHECK_AFTER_HELP: &str = "\
Exit status: 0 when no call at or above --fail-on remains (warnings do not fail),
1 when the gate fails, 2 for a usage error, a broken sunset.toml, rule file or
baseline, or a missing path.

Dates: EOS and EOL are kept at the precision Qualys published them. A month-only
date (\"December 2026\") is read as the FIRST day of that month, so a status turns
EOS or EOL no later than the vendor's date.

Suppress one finding with a comment on its line or alone on the line above, in
any comment syntax: `sunset: ignore[rule-id] reason`. sunset.toml (found by
walking up from the first PATH, the same for audit, report and fix, which use
its exclude and rules) sets fail-on, warn-within, strict, exclude,
rules and [[waiver]]s with a reason and an until date.";

#[derive(Debug, Args)]
pub struct CheckArgs {
    // Help lists the output and date flags first, the walking flags after.
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub scan: ScanArgs,
    /// The lowest status that fails the gate: eol, eos or deprecated
    /// [default: eol, or sunset.toml's fail-on].
    #[arg(long, value_name = "STATUS", value_parser = parse_fail_on)]
    pub fail_on: Option<Status>,
    /// Warn about findings whose next deadline falls within this window:
    /// 30d, 8w, 3m (calendar months), 1y [default: 90d, or sunset.toml's].
    #[arg(long, value_name = "DURATION", value_parser = Window::parse)]
    pub warn_within: Option<Window>,
    /// Mentions in comments and prose count like calls.
    #[arg(long)]
    pub strict: bool,
    /// Rules resting only on secondary evidence may fail the gate too.
    #[arg(long)]
    pub fail_unconfirmed: bool,
    /// Leave out findings of kind `library` (a client-library dependency or
    /// a call through one): only paths written in the code can fail.
    #[arg(long)]
    pub no_libraries: bool,
    /// Which request checks fail the gate: error (a request the endpoint
    /// or its replacement refuses), warning, or never [default: error].
    /// Independent of --fail-on.
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on_request)]
    pub fail_on_request: Option<FailOnRequest>,
    /// Fail only on findings not recorded in this baseline file; list the
    /// recorded ones that are gone.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE as a baseline and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Print a table of counts per rule, status and deadline (instead of
    /// one diagnostic per finding in human output; on stderr otherwise).
    #[arg(long)]
    pub statistics: bool,
}

fn parse_fail_on(s: &str) -> Result<Status, String> {
    config::parse_fail_on(s)
        .ok_or_else(|| format!("`{s}` is not a threshold: use eol, eos or deprecated"))
}

fn parse_fail_on_request(s: &str) -> Result<FailOnRequest, String> {
    FailOnRequest::parse(s)
        .ok_or_else(|| format!("`{s}` is not a level: use error, warning or never"))
}

pub fn run(args: CheckArgs) -> std::io::Result<ExitStatus> {
    match check(args) {
        Ok(status) => Ok(status),
        Err(Failed::Io(e)) => Err(e),
        Err(Failed::Reported) => Ok(ExitStatus::Error),
    }
}

enum Failed {
    /// A diagnostic was printed.
    Reported,
    Io(std::io::Error),
}

impl From<std::io::Error> for Failed {
    fn from(e: std::io::Error) -> Self {
        Failed::Io(e)
    }
}

fn reported(e: impl miette::Diagnostic + Send + Sync + 'static) -> Failed {
    print_error(e);
    Failed::Reported
}

fn check(args: CheckArgs) -> Result<ExitStatus, Failed> {
    let setup = Setup::load(&args.common, &args.scan).map_err(|_| Failed::Reported)?;
    let config = setup.config.as_ref();
    let flags = GateFlags {
        fail_on: args.fail_on,
        warn_within: args.warn_within,
        strict: args.strict,
        fail_unconfirmed: args.fail_unconfirmed,
        no_libraries: args.no_libraries,
        fail_on_request: args.fail_on_request,
    };
    let options = GateOptions::merge(flags, config);

    let baseline = match &args.baseline {
        Some(file) => Some((file.clone(), baseline::load(file).map_err(reported)?)),
        None => None,
    };

    let as_of = args.common.as_of();
    let mut report = Report::from_scan(
        super::scan_with_progress(&setup.scan, &setup.rules, args.scan.quiet),
        as_of,
        false,
    );
    setup.exclude(&mut report);
    report
        .summary
        .notices
        .splice(0..0, setup.as_of_notice(as_of));
    let settings = GateSettings {
        options,
        config: setup.config,
        baseline,
        own_files: args
            .baseline
            .iter()
            .chain(&args.write_baseline)
            .cloned()
            .collect(),
        details: details_command(&args.scan.paths, as_of),
    };

    if let Some(file) = &args.write_baseline {
        gate::suppress(&mut report, &settings);
        let entries = baseline::entries(&report);
        let mut out = Output::open(Some(file)).map_err(reported)?;
        std::io::Write::write_all(
            &mut out,
            baseline::to_json(&entries, &as_of.to_string()).as_bytes(),
        )?;
        out.finish().map_err(reported)?;
        let mut err = std::io::stderr().lock();
        let noun = if entries.len() == 1 {
            "entry"
        } else {
            "entries"
        };
        std::io::Write::write_fmt(
            &mut err,
            format_args!(
                "sunset: wrote {} baseline {noun} to {}\n",
                entries.len(),
                crate::display::path(file)
            ),
        )?;
        return Ok(ExitStatus::Success);
    }
    gate::run(&mut report, &settings);

    let human = args.out.human();
    let mut out = args.out.open().map_err(reported)?;
    if args.statistics && args.out.format() == OutputFormat::Human {
        printer::stats::render(&report, &mut out)?;
        printer::human::render_tail(&report, &human, &mut out)?;
    } else {
        printer::render(&report, args.out.format(), &human, &mut out)?;
        if args.statistics {
            printer::stats::render(&report, &mut std::io::stderr().lock())?;
        }
    }
    out.finish().map_err(reported)?;
    // With the findings in a file, the terminal (a CI log) still says why
    // the run passed or failed: the summary and verdict lines on stderr
    // (semgrep does the same).
    if let Some(file) = &args.out.output {
        let stderr = std::io::stderr();
        let tail = printer::human::HumanOptions {
            color: args.out.color.enabled_for(&stderr),
            show_unknown: false,
            ..printer::human::HumanOptions::default()
        };
        let mut err = stderr.lock();
        writeln!(
            err,
            "sunset: {} written to {}",
            format_noun(args.out.format()),
            crate::display::path(file)
        )?;
        printer::human::render_tail(&report, &tail, &mut err)?;
    } else {
        args.out.notices_to_stderr(&report)?;
    }
    let passed = report.gate.as_ref().is_some_and(|g| g.passed);
    Ok(if passed {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// What `--format` wrote, in words.
fn format_noun(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Human => "report",
        OutputFormat::Json => "JSON report",
        OutputFormat::Sarif => "SARIF report",
        OutputFormat::Github => "GitHub annotations",
        OutputFormat::Gitlab => "GitLab Code Quality report",
        OutputFormat::Junit => "JUnit report",
        OutputFormat::Concise => "findings",
        OutputFormat::Csv => "CSV report",
    }
}

/// The `sunset audit` command that lists every finding the gate judged.
fn details_command(paths: &[PathBuf], as_of: Date) -> String {
    let mut cmd = String::from("sunset audit");
    for p in paths {
        cmd.push(' ');
        cmd.push_str(&shell_quote(p));
    }
    cmd.push_str(&format!(" --as-of {as_of}"));
    cmd
}

/// `path` as a POSIX shell word that names it exactly, so the "details"
/// command can be pasted: the raw path (not the escaped display form, whose
/// `\\` and `\xHH` a shell would take literally), bare when it is made of
/// safe characters, in single quotes otherwise, and as `$'…'` with `\xHH`
/// escapes when it holds control characters or bytes that are not UTF-8 (so
/// none reach the terminal). A leading `-` gets `./` so it is not a flag.
fn shell_quote(path: &std::path::Path) -> String {
    let raw: std::borrow::Cow<'_, [u8]> = {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
        }
        #[cfg(not(unix))]
        {
            std::borrow::Cow::Owned(path.to_string_lossy().as_bytes().to_vec())
        }
    };
    let prefix = if raw.first() == Some(&b'-') { "./" } else { "" };
    let Ok(text) = std::str::from_utf8(&raw) else {
        return format!("{prefix}{}", ansi_c_quote(&raw));
    };
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,".contains(c))
    {
        format!("{prefix}{text}")
    } else if text.chars().any(char::is_control) {
        format!("{prefix}{}", ansi_c_quote(&raw))
    } else {
        format!("{prefix}'{}'", text.replace('\'', "'\\''"))
    }
}

/// Bash's `$'…'` quoting: printable ASCII as itself (`\\` and `\'`
/// escaped), every other byte as `\xHH`.
fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}
