//! The command line: clap arguments → validated options → a run → an exit
//! status. Only this module chooses exit codes. One file per subcommand;
//! this file holds what they share (scan flags, output, rule loading).

mod audit;
mod check;
mod fix;
mod output;
mod report;
mod rules_cmd;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use miette::{Diagnostic, Report as MietteReport};

use crate::gate::config::{self, Config};
use crate::printer::{human::HumanOptions, OutputFormat};
use crate::rules::{self, Date, RuleSet};
use crate::scan::{self, ScanOptions, WalkOptions};

pub use audit::AuditArgs;
pub use check::CheckArgs;
pub use output::Output;
pub use rules_cmd::{RulesArgs, RulesFormat};

const AFTER_HELP: &str = "\
Dates: EOS and EOL are kept at the precision Qualys published them. A month-only
date (\"December 2026\") is read as the FIRST day of that month, so a status turns
EOS or EOL no later than the vendor's date.

Exit status: 0 when the command ran (whatever it found), 2 for a usage error, a
broken rule file or a missing path. `sunset check` exits 1 when the gate fails,
`sunset fix --write` when a planned file could not be written.";

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
    /// Fail a CI build on end-of-life endpoints (exit 1), with suppressions,
    /// sunset.toml, baselines and CI output formats.
    #[command(after_help = check::CHECK_AFTER_HELP)]
    Check(CheckArgs),
    /// List the rules with their dates and status, or validate a rule file.
    #[command(after_help = AFTER_HELP)]
    Rules(RulesArgs),
    /// Write a migration report (Markdown, HTML or CSV) from a scan, or an
    /// org-wide roll-up of JSON reports with `--from`.
    #[command(after_help = AFTER_HELP)]
    Report(report::ReportArgs),
    /// Rewrite legacy endpoint versions to their replacements: print a
    /// unified diff, or apply it with --write.
    // `--repo-name` only tags reports; fix writes none.
    #[command(after_help = fix::FIX_AFTER_HELP, mut_arg("repo_name", |a| a.hide(true)))]
    Fix(fix::FixArgs),
}

/// Flags every subcommand that reads rules shares.
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

impl CommonArgs {
    /// The as-of date of this run: `--as-of`, else today (UTC). The one
    /// place the clock is read.
    pub fn as_of(&self) -> Date {
        self.as_of.unwrap_or_else(Date::today)
    }
}

/// Flags of every subcommand that scans a tree (`audit`, `check`, `report`,
/// `fix`).
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Do not honour .gitignore, .ignore and git exclude files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan hidden files and directories too (CI configuration such as
    /// .github/, .gitlab-ci.yml or .circleci/ is scanned anyway; .git/
    /// never is).
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Scan files that look binary (a NUL byte in the first 8 KiB) too.
    #[arg(long)]
    pub binary: bool,
    /// No progress spinner on stderr (it is shown only when stderr is a
    /// terminal and a scan takes more than about a second).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Skip files larger than this: bytes, or K, M, G (e.g. 10M).
    #[arg(long, value_name = "SIZE", default_value_t = scan::DEFAULT_MAX_FILESIZE, value_parser = parse_size)]
    pub max_filesize: u64,
    /// Worker threads: 1 to 1024 (more than 4 per core are not started),
    /// or 0 for one per core (the default).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0, value_parser = parse_threads)]
    pub threads: usize,
    /// Tag the output with a repository name (for roll-ups with
    /// `sunset report --from`).
    #[arg(long, value_name = "NAME")]
    pub repo_name: Option<String>,
    /// Use this configuration file instead of looking for sunset.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any sunset.toml.
    #[arg(long)]
    pub no_config: bool,
}

impl ScanArgs {
    /// The roots to scan; every one must exist.
    pub fn roots(&self) -> Result<Vec<PathBuf>, CliError> {
        let roots = if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        };
        for root in &roots {
            if std::fs::symlink_metadata(root).is_err() {
                return Err(CliError::MissingPath {
                    path: crate::display::path(root),
                });
            }
        }
        Ok(roots)
    }

    /// Scan options for `roots`.
    pub fn scan_options(&self, roots: Vec<PathBuf>) -> ScanOptions {
        ScanOptions {
            roots,
            walk: WalkOptions {
                no_ignore: self.no_ignore,
                hidden: self.hidden,
                follow: self.follow,
                threads: self.threads,
                exclude: None,
            },
            max_filesize: self.max_filesize,
            binary: self.binary,
            repo_name: self.repo_name.clone(),
        }
    }
}

/// What every scanning sub-command (`audit`, `check`, `report`, `fix`)
/// takes from its flags and `sunset.toml`, merged once and the same way
/// for all: the config (found by walking up from the first PATH, or
/// `--config`, or none with `--no-config`), the bundled rules plus the
/// config's `rules` plus `--rules`, the roots, and scan options whose walk
/// skips the config's `exclude` globs. The gate-only keys (`fail-on`,
/// `warn-within`, `strict`, `fail-unconfirmed`, `[[waiver]]`) are read and
/// checked here too, and only `check` applies them.
pub struct Setup {
    pub rules: RuleSet,
    pub roots: Vec<PathBuf>,
    pub config: Option<Config>,
    pub scan: ScanOptions,
    /// The rule files and directories this run loaded (the config's and
    /// `--rules`): their endpoints are rule data, not uses.
    pub rule_paths: Vec<PathBuf>,
}

/// A notice when `as_of` precedes the earliest source date of `rules`
/// ([`RuleSet::earliest_source_date`]): one line for the run, not one per
/// finding.
pub fn as_of_notice(rules: &RuleSet, as_of: Date) -> Option<crate::model::Notice> {
    let earliest = rules.earliest_source_date()?;
    (as_of < earliest).then(|| crate::model::Notice {
        path: "--as-of".to_string(),
        message: format!(
            "{as_of} is before the earliest source of the loaded rules ({earliest}): verdicts before that date rest on no source"
        ),
    })
}

impl Setup {
    /// Loads everything, in the order errors are reported: missing paths,
    /// then `sunset.toml`, then rule files. `Err` after printing what is
    /// wrong.
    pub fn load(common: &CommonArgs, scan: &ScanArgs) -> Result<Setup, Reported> {
        let roots = scan.roots().map_err(reported)?;
        let config_file = match (&scan.config, scan.no_config) {
            (Some(file), _) => Some(file.clone()),
            (None, true) => None,
            (None, false) => config::find(&roots[0]),
        };
        let config = match &config_file {
            Some(file) if scan.config.is_some() => {
                Some(config::load(file).map_err(|e| reported(*e))?)
            }
            Some(file) => Some(config::load_found(file).map_err(|e| reported(*e))?),
            None => None,
        };
        let mut extra: Vec<PathBuf> = config.as_ref().map(|c| c.rules.clone()).unwrap_or_default();
        extra.extend(common.rules.iter().cloned());
        let rules = load_rules_with(&extra).map_err(reported)?;
        let mut options = scan.scan_options(roots.clone());
        // Excluded paths are not even read; [`Setup::exclude`] filters the
        // findings the walk cannot place (a root outside the config's tree).
        options.walk.exclude = config
            .as_ref()
            .filter(|c| !c.exclude.is_empty())
            .and_then(|c| crate::scan::walk::Exclude::new(&c.dir, c.exclude.clone(), &roots))
            .map(std::sync::Arc::new);
        Ok(Setup {
            rules,
            roots,
            config,
            scan: options,
            rule_paths: extra,
        })
    }

    /// The one notice for an as-of date before every source of the loaded
    /// rules: no verdict on such a day rests on a publication.
    pub fn as_of_notice(&self, as_of: Date) -> Option<crate::model::Notice> {
        as_of_notice(&self.rules, as_of)
    }

    /// Drops findings in paths the config excludes (what the walk could
    /// not leave out) and in the rule files this run loaded.
    pub fn exclude(&self, report: &mut crate::model::Report) {
        if let Some(c) = &self.config {
            crate::gate::exclude(report, c);
        }
        let rule_paths: Vec<PathBuf> = self
            .rule_paths
            .iter()
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        if rule_paths.is_empty() {
            return;
        }
        let is_rule_data = |path: &str| {
            std::fs::canonicalize(path).is_ok_and(|p| rule_paths.iter().any(|r| p.starts_with(r)))
        };
        report.findings.retain(|f| !is_rule_data(&f.path));
        report.summary.unresolved.retain(|u| !is_rule_data(&u.path));
        report
            .suppression_comments
            .retain(|path, _| !is_rule_data(path));
    }
}

/// A diagnostic was printed; the command exits 2.
#[derive(Debug)]
pub struct Reported;

/// Prints `e` and says so.
pub fn reported(e: impl Diagnostic + Send + Sync + 'static) -> Reported {
    print_error(e);
    Reported
}

/// Where and how `audit` and `check` write their report.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Write the output to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When to colour human output (`NO_COLOR` is honoured in `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// In human output, list the Qualys endpoints no rule knows and the
    /// URLs that could not be built (JSON always has them).
    #[arg(long)]
    pub show_unknown: bool,
}

/// `--format` of `audit` and `check`: the printers' formats, named for
/// the command line (clap stays in `cli/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
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

impl From<FormatArg> for OutputFormat {
    fn from(f: FormatArg) -> OutputFormat {
        match f {
            FormatArg::Human => OutputFormat::Human,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Sarif => OutputFormat::Sarif,
            FormatArg::Github => OutputFormat::Github,
            FormatArg::Gitlab => OutputFormat::Gitlab,
            FormatArg::Junit => OutputFormat::Junit,
            FormatArg::Concise => OutputFormat::Concise,
            FormatArg::Csv => OutputFormat::Csv,
        }
    }
}

impl OutputArgs {
    /// The printer's format.
    pub fn format(&self) -> OutputFormat {
        self.format.into()
    }

    /// The run's notices on stderr, when the format has no place for them
    /// ([`crate::printer::carries_notices`]), so none is lost.
    pub fn notices_to_stderr(&self, report: &crate::model::Report) -> std::io::Result<()> {
        if crate::printer::carries_notices(self.format()) {
            return Ok(());
        }
        let stderr = std::io::stderr();
        let color = self.color.enabled_for(&stderr);
        crate::printer::human::render_notices(report, color, &mut stderr.lock())
    }

    /// Human-output options: colour only when writing to a terminal.
    pub fn human(&self) -> HumanOptions {
        HumanOptions {
            color: self.output.is_none() && self.color.enabled(),
            show_unknown: self.show_unknown,
            ..HumanOptions::default()
        }
    }

    /// Opens the destination.
    pub fn open(&self) -> Result<Output, CliError> {
        Output::open(self.output.as_deref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `--color always|never`, or in `auto` what `anstream` decides for
    /// standard output: a terminal, honouring `NO_COLOR`, `CLICOLOR`,
    /// `CLICOLOR_FORCE` and `TERM=dumb` (the same decision clap makes).
    pub fn enabled(self) -> bool {
        self.enabled_for(&std::io::stdout())
    }

    /// The same decision for another stream (stderr).
    pub fn enabled_for<S: anstream::stream::RawStream>(self, stream: &S) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
            }
        }
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// The command ran (and the gate, if any, passed).
    Success,
    /// `sunset check`: the gate failed.
    Failure,
    /// Usage, configuration or rule error.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// `-j N`: a number from 0 (one per core) to [`scan::walk::MAX_THREADS`].
fn parse_threads(s: &str) -> Result<usize, String> {
    let max = scan::walk::MAX_THREADS;
    match s.trim().parse::<u64>() {
        Ok(n) if n <= max as u64 => Ok(n as usize),
        Ok(_) => Err(format!("at most {max} threads (0 means one per core)")),
        Err(_) => Err(format!(
            "`{s}` is not a number of threads: use 0 (one per core) to {max}"
        )),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    if let Some(d) = Date::parse(s) {
        return Ok(d);
    }
    // The right shape but no such day: say which part is wrong.
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if shaped {
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let (year, month) = (num(0..4), num(5..7));
        use crate::rules::lifecycle::MONTHS;
        if !(1..=12).contains(&month) {
            return Err(format!(
                "`{s}`: there is no month {month} (months are 01 to 12)"
            ));
        }
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        return Err(format!(
            "`{s}`: the day does not exist ({} {year} has {days} days)",
            MONTHS[month as usize - 1]
        ));
    }
    Err(format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// `--max-filesize`: bytes, or with a suffix K, M or G (powers of 1024,
/// as ripgrep takes them), e.g. `10M`.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.eq_ignore_ascii_case(&'k') => (&t[..i], 10),
        Some((i, c)) if c.eq_ignore_ascii_case(&'m') => (&t[..i], 20),
        Some((i, c)) if c.eq_ignore_ascii_case(&'g') => (&t[..i], 30),
        _ => (t, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .ok_or_else(|| {
            format!("`{s}` is not a size: use bytes or a number with K, M or G (e.g. 10M)")
        })
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
    /// `--output FILE` could not be written.
    #[error("cannot write {path}: {message}")]
    #[diagnostic(code(sunset::cli::output))]
    Output { path: String, message: String },
}

/// Runs the parsed command, writing to stdout/stderr. Returns the status.
pub fn run(cli: Cli) -> std::io::Result<ExitStatus> {
    match cli.command {
        Command::Audit(args) => audit::run(args),
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules_cmd::run(args),
        Command::Report(args) => report::run(args),
        Command::Fix(args) => fix::run(args),
    }
}

/// Loads the bundled rules plus `--rules`.
pub fn load_rules(common: &CommonArgs) -> Result<RuleSet, rules::RuleError> {
    load_rules_with(&common.rules)
}

/// Loads the bundled rules plus the rule files or directories in `extra`.
pub fn load_rules_with(extra: &[PathBuf]) -> Result<RuleSet, rules::RuleError> {
    let extra: Vec<&Path> = extra.iter().map(PathBuf::as_path).collect();
    if extra.is_empty() {
        rules::load::load_bundled()
    } else {
        rules::load::load_with_extra(&extra)
    }
}

/// `s` without ANSI escape sequences (CSI `ESC [ … letter`, OSC 8 links).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(d) = chars.next() {
                    if d == '\u{7}' || (d == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Prints a diagnostic to stderr (miette's graphical or narrated handler),
/// with control characters from paths and file text escaped (its own
/// colours kept).
pub fn print_error(err: impl Diagnostic + Send + Sync + 'static) {
    // The diagnostic code (`sunset::cli::missing_path`) is for the docs
    // and tests, not for the reader: miette prints it on a line of its
    // own above the message, which is left out.
    let code = err.code().map(|c| c.to_string());
    // Messages wrap at spaces only: a path or URL is never broken at a `/`
    // or `-`, so it can be copied (miette's default breaks words and
    // hyphenates).
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let _ = miette::set_hook(Box::new(|_| {
            Box::new(
                miette::MietteHandlerOpts::new()
                    .break_words(false)
                    .word_separator(textwrap::WordSeparator::AsciiSpace)
                    .word_splitter(textwrap::WordSplitter::NoHyphenation)
                    .build(),
            )
        }));
    });
    let report = MietteReport::new(err);
    let mut rendered = format!("{report:?}");
    if let Some(code) = code {
        let (first, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
        if strip_ansi(first).trim() == code {
            rendered = rest.strip_prefix('\n').unwrap_or(rest).to_string();
        }
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", crate::display::escape_terminal(&rendered));
}

/// Runs `scan::scan`, with a spinner on stderr while it lasts when stderr
/// is a terminal, the scan passes about a second and `--quiet` is not
/// given. Never drawn into a pipe, a file or a CI log.
pub fn scan_with_progress(opts: &ScanOptions, rules: &RuleSet, quiet: bool) -> crate::model::Scan {
    use std::io::IsTerminal;
    let _spinner = (!quiet && std::io::stderr().is_terminal()).then(Spinner::start);
    scan::scan(opts, rules)
}

/// A spinner that appears after a delay and is cleared when dropped.
struct Spinner {
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Spinner {
    fn start() -> Spinner {
        // SUNSET_PROGRESS_DELAY_MS shortens the delay for tests.
        let delay = std::env::var("SUNSET_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let timeout = std::time::Duration::from_millis(delay);
            if wait.recv_timeout(timeout) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{spinner} sunset: scanning… {elapsed}")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let _ = wait.recv();
            bar.finish_and_clear();
        });
        Spinner {
            done: Some(done),
            thread: Some(thread),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
