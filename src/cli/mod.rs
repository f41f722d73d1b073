//! The command line: clap arguments → validated options → a run → an exit
//! status. Only this module chooses exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use miette::{Diagnostic, Report as MietteReport};

use crate::report::{self, human::HumanOptions, OutputFormat};
use crate::rules::{self, Date, RuleSet};
use crate::scan::{self, ScanOptions, WalkOptions};

const AFTER_HELP: &str = "\
Dates: EOS and EOL are kept at the precision Qualys published them. A month-only
date (\"December 2026\") is read as the FIRST day of that month, so a status turns
EOS or EOL no later than the vendor's date.

Exit status: 0 when the scan ran (whatever it found), 2 for a usage error, a broken
rule file or a missing path.";

/// Find every call to a Qualys API endpoint version that is deprecated, past
/// End of Support (EOS) or past End of Life (EOL), with its deadline and the
/// replacement URL.
#[derive(Debug, Parser)]
#[command(name = "sunset", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for legacy Qualys endpoint uses.
    #[command(after_help = AFTER_HELP)]
    Audit(AuditArgs),
    /// List the rules with their dates and status, or validate a rule file.
    #[command(after_help = AFTER_HELP)]
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The day statuses are computed for, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Extra rule files or directories of *.toml, on top of the bundled rules
    /// (a rule with the same id replaces the bundled one).
    #[arg(long = "rules", value_name = "FILE_OR_DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan hidden files and directories too.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Scan files that look binary (a NUL byte in the first 8 KiB) too.
    #[arg(long)]
    pub binary: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = scan::DEFAULT_MAX_FILESIZE)]
    pub max_filesize: u64,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Also report uses of current (active) endpoint versions.
    #[arg(long)]
    pub include_active: bool,
    /// Tag the JSON output with a repository name (for roll-ups).
    #[arg(long, value_name = "NAME")]
    pub repo_name: Option<String>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Check one rule file and exit (0 when valid, 2 with located errors).
    #[arg(long, value_name = "FILE")]
    pub validate: Option<PathBuf>,
    /// Output format of the listing.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command ran.
    Success,
    /// Usage, configuration or rule error.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Error => 2,
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// A setup failure shown to the user.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum CliError {
    /// A path given on the command line does not exist.
    #[error("no such file or directory: {path}")]
    #[diagnostic(
        code(sunset::cli::missing_path),
        help("check the path; sunset scans files and directories that exist")
    )]
    MissingPath { path: String },
}

/// Runs the parsed command, writing to stdout/stderr. Returns the status.
pub fn run(cli: Cli) -> std::io::Result<ExitStatus> {
    match cli.command {
        Command::Audit(args) => audit(args),
        Command::Rules(args) => list_rules(args),
    }
}

fn load_rules(common: &CommonArgs) -> Result<RuleSet, rules::RuleError> {
    let extra: Vec<&Path> = common.rules.iter().map(PathBuf::as_path).collect();
    if extra.is_empty() {
        rules::load::load_bundled()
    } else {
        rules::load::load_with_extra(&extra)
    }
}

fn print_error(err: impl Diagnostic + Send + Sync + 'static) {
    let report = MietteReport::new(err);
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{report:?}");
}

fn audit(args: AuditArgs) -> std::io::Result<ExitStatus> {
    let rules = match load_rules(&args.common) {
        Ok(r) => r,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for root in &roots {
        if std::fs::symlink_metadata(root).is_err() {
            print_error(CliError::MissingPath {
                path: root.display().to_string(),
            });
            return Ok(ExitStatus::Error);
        }
    }
    let opts = ScanOptions {
        roots,
        walk: WalkOptions {
            no_ignore: args.no_ignore,
            hidden: args.hidden,
            follow: args.follow,
            threads: args.threads,
        },
        max_filesize: args.max_filesize,
        binary: args.binary,
        as_of: args.common.as_of.unwrap_or_else(Date::today),
        include_active: args.include_active,
        repo_name: args.repo_name.clone(),
    };
    let report = scan::scan(&opts, &rules);
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let options = HumanOptions {
        color,
        ..HumanOptions::default()
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    report::render(&report, args.format, &options, &mut out)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn list_rules(args: RulesArgs) -> std::io::Result<ExitStatus> {
    if let Some(path) = &args.validate {
        return match rules::load::validate_file(path) {
            Ok(n) => {
                let mut out = std::io::stdout().lock();
                let noun = if n == 1 { "rule" } else { "rules" };
                writeln!(out, "{}: {n} {noun}, valid", path.display())?;
                Ok(ExitStatus::Success)
            }
            Err(e) => {
                print_error(e);
                Ok(ExitStatus::Error)
            }
        };
    }
    let rules = match load_rules(&args.common) {
        Ok(r) => r,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    let as_of = args.common.as_of.unwrap_or_else(Date::today);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    report::rules_table::render(&rules, as_of, args.format == RulesFormat::Json, &mut out)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}
