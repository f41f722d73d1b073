//! The gate of `sunset check`: which findings fail a build, which warn,
//! and what keeps a finding from failing (inline comments, waivers in
//! `sunset.toml`, a baseline).
//!
//! [`run`] owns the order, which is fixed: the gate's own files (baselines)
//! and config excludes drop findings, then inline suppressions, then
//! waivers, then the baseline mark what is left, then [`judge`] gives every
//! finding a [`Verdict`] and the report a [`Gate`]. A suppressed finding
//! keeps the first reason that applied.

pub mod baseline;
pub mod config;
pub mod duration;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::{
    BaselineEntry, BaselineOutcome, ExpiredWaiver, Finding, FindingKind, Gate, Notice, Report,
    SuppressedBy, Suppression, Verdict,
};
use crate::rules::{CheckLevel, Status};
use crate::source::display_path;
use config::Config;
use duration::Window;

/// The default `--warn-within`.
pub const DEFAULT_WARN_WITHIN: Window = Window::Days(90);

/// The thresholds of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GateOptions {
    /// The lowest status that fails: eol, eos or deprecated.
    pub fail_on: Status,
    pub warn_within: Window,
    /// Mentions count like calls.
    pub strict: bool,
    /// Rules resting on secondary evidence may fail the gate.
    pub fail_unconfirmed: bool,
    /// Findings of kind `library` (a dependency, a call through a client
    /// library) count like calls; `--no-libraries` leaves them out.
    pub libraries: bool,
    /// The lowest request-check level that fails (`--fail-on-request`).
    pub fail_on_request: FailOnRequest,
}

/// `--fail-on-request error|warning|never`: which request checks (the
/// verdicts of a rule's request data on the call's parameters) fail the
/// gate, independently of `--fail-on`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailOnRequest {
    #[default]
    Error,
    Warning,
    Never,
}

impl FailOnRequest {
    pub fn parse(s: &str) -> Option<FailOnRequest> {
        match s {
            "error" => Some(FailOnRequest::Error),
            "warning" => Some(FailOnRequest::Warning),
            "never" => Some(FailOnRequest::Never),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOnRequest::Error => "error",
            FailOnRequest::Warning => "warning",
            FailOnRequest::Never => "never",
        }
    }

    /// Whether a request check at `level` fails.
    pub fn fails(self, level: CheckLevel) -> bool {
        match self {
            FailOnRequest::Error => level >= CheckLevel::Error,
            FailOnRequest::Warning => level >= CheckLevel::Warning,
            FailOnRequest::Never => false,
        }
    }
}

impl Default for GateOptions {
    fn default() -> Self {
        GateOptions {
            fail_on: Status::Eol,
            warn_within: DEFAULT_WARN_WITHIN,
            strict: false,
            fail_unconfirmed: false,
            libraries: true,
            fail_on_request: FailOnRequest::Error,
        }
    }
}

/// Everything the gate applies, merged from flags and `sunset.toml`.
#[derive(Debug, Default)]
pub struct GateSettings {
    pub options: GateOptions,
    pub config: Option<Config>,
    /// `--baseline FILE` and its entries.
    pub baseline: Option<(PathBuf, Vec<BaselineEntry>)>,
    /// Files sunset itself reads or writes in this run (baselines): their
    /// URLs are records, not calls.
    pub own_files: Vec<PathBuf>,
    /// The command a reader runs to see every finding in detail.
    pub details: String,
}

impl GateOptions {
    /// Flags win over `sunset.toml`, which wins over the defaults. The one
    /// place the two are merged.
    pub fn merge(flags: GateFlags, config: Option<&Config>) -> GateOptions {
        let d = GateOptions::default();
        GateOptions {
            fail_on: flags
                .fail_on
                .or(config.and_then(|c| c.fail_on))
                .unwrap_or(d.fail_on),
            warn_within: flags
                .warn_within
                .or(config.and_then(|c| c.warn_within))
                .unwrap_or(d.warn_within),
            strict: flags.strict || config.and_then(|c| c.strict).unwrap_or(d.strict),
            fail_unconfirmed: flags.fail_unconfirmed
                || config
                    .and_then(|c| c.fail_unconfirmed)
                    .unwrap_or(d.fail_unconfirmed),
            libraries: !flags.no_libraries && d.libraries,
            fail_on_request: flags.fail_on_request.unwrap_or(d.fail_on_request),
        }
    }
}

/// The gate's command-line flags, before `sunset.toml` is merged in.
#[derive(Clone, Copy, Debug, Default)]
pub struct GateFlags {
    pub fail_on: Option<Status>,
    pub warn_within: Option<Window>,
    pub strict: bool,
    pub fail_unconfirmed: bool,
    pub no_libraries: bool,
    pub fail_on_request: Option<FailOnRequest>,
}

/// What the suppression steps left for the gate to report.
#[derive(Debug, Default)]
pub struct Suppressed {
    /// Inline suppressions without a reason.
    pub unexplained: Vec<Notice>,
    /// Waivers past their `until` date.
    pub expired: Vec<ExpiredWaiver>,
}

/// Steps 1–4 of the gate: drops the gate's own files and excluded paths,
/// then marks inline suppressions and waivers. `--write-baseline` records
/// what is left after these.
pub fn suppress(report: &mut Report, settings: &GateSettings) -> Suppressed {
    for file in &settings.own_files {
        drop_file(report, file);
    }
    if let Some(c) = &settings.config {
        exclude(report, c);
    }
    let unexplained = crate::suppress::apply(report);
    let expired = match &settings.config {
        Some(c) => apply_waivers(report, c),
        None => Vec::new(),
    };
    Suppressed {
        unexplained,
        expired,
    }
}

/// The whole gate, in its documented order: [`suppress`], then the
/// baseline, then [`judge`]. Sets every finding's verdict and `report.gate`.
pub fn run(report: &mut Report, settings: &GateSettings) {
    let suppressed = suppress(report, settings);
    let baseline = settings
        .baseline
        .as_ref()
        .map(|(file, entries)| baseline::apply(report, entries, &display_path(file)));
    judge(
        report,
        &settings.options,
        suppressed.expired,
        suppressed.unexplained,
        baseline,
        settings.details.clone(),
    );
}

/// A finding's path relative to the config's directory, for globs.
/// Canonicalises once per path; a path that cannot be resolved is matched
/// as displayed.
struct RelativePaths {
    dir: Option<PathBuf>,
    cache: HashMap<String, String>,
}

impl RelativePaths {
    fn new(config: &Config) -> RelativePaths {
        RelativePaths {
            dir: std::fs::canonicalize(&config.dir).ok(),
            cache: HashMap::new(),
        }
    }

    fn of(&mut self, path: &str) -> String {
        if let Some(hit) = self.cache.get(path) {
            return hit.clone();
        }
        let relative = self
            .dir
            .as_ref()
            .and_then(|dir| {
                let abs = std::fs::canonicalize(crate::source::path_of_display(path)).ok()?;
                let rel = abs.strip_prefix(dir).ok()?;
                Some(display_path(rel))
            })
            .unwrap_or_else(|| path.trim_start_matches("./").to_string());
        self.cache.insert(path.to_string(), relative.clone());
        relative
    }
}

/// `path` relative to the working directory when it lies below it, so
/// messages say `sunset.toml:3`, not `/home/…/repo/sunset.toml:3`.
pub fn shown_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| {
            let abs = std::fs::canonicalize(path).ok()?;
            abs.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        });
    display_path(relative.as_deref().unwrap_or(path))
}

/// Drops findings in `file` (the baseline itself: it holds the matched
/// URLs it records, which are not calls).
pub fn drop_file(report: &mut Report, file: &Path) {
    let Ok(target) = std::fs::canonicalize(file) else {
        return;
    };
    report
        .findings
        .retain(|f| std::fs::canonicalize(&f.path).map_or(true, |p| p != target));
    report
        .suppression_comments
        .retain(|path, _| std::fs::canonicalize(path).map_or(true, |p| p != target));
}

/// Drops findings and unresolved URLs in files the config excludes.
pub fn exclude(report: &mut Report, config: &Config) {
    if config.exclude.is_empty() {
        return;
    }
    let mut paths = RelativePaths::new(config);
    report
        .findings
        .retain(|f| !config.exclude.is_match(paths.of(&f.path)));
    report
        .summary
        .unresolved
        .retain(|u| !config.exclude.is_match(paths.of(&u.path)));
    report
        .suppression_comments
        .retain(|path, _| !config.exclude.is_match(paths.of(path)));
}

/// Applies the config's waivers; returns those past their `until` date,
/// which suppress nothing.
pub fn apply_waivers(report: &mut Report, config: &Config) -> Vec<ExpiredWaiver> {
    let as_of = report.as_of;
    let file = shown_path(&config.file);
    let at = |line: usize| format!("{file}:{line}");
    let mut expired = Vec::new();
    let mut live = Vec::new();
    for w in &config.waivers {
        if as_of > w.until {
            expired.push(ExpiredWaiver {
                at: at(w.line),
                rule: w.rule.as_ref().map(|(t, _)| t.clone()),
                path: w.path.as_ref().map(|(t, _)| t.clone()),
                until: w.until_text.clone(),
                reason: w.reason.clone(),
            });
        } else {
            live.push(w);
        }
    }
    if !live.is_empty() {
        let mut paths = RelativePaths::new(config);
        for f in report
            .findings
            .iter_mut()
            .filter(|f| f.suppressed.is_none())
        {
            let rel = paths.of(&f.path);
            if let Some(w) = live.iter().find(|w| w.covers(&f.rule, &rel)) {
                f.suppressed = Some(Suppression {
                    by: SuppressedBy::Waiver,
                    reason: Some(format!("{} (until {})", w.reason, w.until_text)),
                    at: at(w.line),
                });
            }
        }
    }
    expired.sort();
    expired
}

/// The verdict of one finding under `opts`.
fn verdict(f: &Finding, opts: &GateOptions, warn_days: i64) -> Verdict {
    if f.suppressed.is_some() {
        return Verdict::Pass;
    }
    if !f.kind.is_call() && !opts.strict {
        return Verdict::Pass;
    }
    if f.kind == FindingKind::Library && !opts.libraries {
        return Verdict::Pass;
    }
    if request_fails(f, opts) {
        return Verdict::Fail;
    }
    if f.status == Status::Active {
        return Verdict::Pass;
    }
    if f.status >= opts.fail_on {
        return if !f.status_unconfirmed() || opts.fail_unconfirmed {
            Verdict::Fail
        } else {
            // Secondary evidence never fails a gate by default, but it is
            // shown: the vendor may well keep the date.
            Verdict::Warn
        };
    }
    match f.days_left {
        Some(days) if (0..=warn_days).contains(&days) => Verdict::Warn,
        _ => Verdict::Pass,
    }
}

/// Whether one of the finding's request checks fails at `--fail-on-request`.
fn request_fails(f: &Finding, opts: &GateOptions) -> bool {
    f.request_checks
        .iter()
        .any(|c| opts.fail_on_request.fails(c.level))
}

/// Gives every finding its verdict and sets `report.gate`. `details` is the
/// command a reader runs to see every finding.
pub fn judge(
    report: &mut Report,
    opts: &GateOptions,
    expired_waivers: Vec<ExpiredWaiver>,
    unexplained_suppressions: Vec<Notice>,
    baseline: Option<BaselineOutcome>,
    details: String,
) {
    let warn_days = opts.warn_within.days_from(report.as_of);
    let (mut failing, mut warnings, mut request_failing) = (0, 0, 0);
    for f in &mut report.findings {
        let v = verdict(f, opts, warn_days);
        if v == Verdict::Fail && f.suppressed.is_none() && request_fails(f, opts) {
            request_failing += 1;
        }
        match v {
            Verdict::Fail => failing += 1,
            Verdict::Warn => warnings += 1,
            Verdict::Pass => {}
        }
        f.verdict = Some(v);
    }
    report.count_findings();
    report.gate = Some(Gate {
        fail_on: opts.fail_on,
        warn_within_days: warn_days,
        warn_within: opts.warn_within.to_string(),
        strict: opts.strict,
        fail_unconfirmed: opts.fail_unconfirmed,
        passed: failing == 0,
        failing,
        request_failing,
        warnings,
        expired_waivers,
        unexplained_suppressions,
        baseline,
        details,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Language;
    use crate::matcher::Matcher;
    use crate::model::Scan;
    use crate::rules::{Date, Rule, RuleSet};
    use crate::scan::scan_text;

    fn report_at(as_of: &str, text: &str) -> Report {
        let rules = RuleSet::from_rules(
            [
                Rule::simple(
                    "t.eol",
                    "/api/2.0/fo/scan/",
                    Some("/api/3.0/fo/scan/"),
                    Some("2026-06"),
                    Some("2026-12"),
                ),
                Rule::simple(
                    "t.dep",
                    "/api/2.0/fo/report/",
                    Some("/api/3.0/fo/report/"),
                    Some("2027-03-15"),
                    Some("2027-09"),
                ),
            ]
            .into_iter()
            .map(|r| r.expect("valid rule"))
            .collect(),
        );
        let mut findings = scan_text(
            "a.sh",
            Language::Shell,
            crate::scan::role::Role::Code,
            text,
            &Matcher::new(&rules),
        )
        .findings;
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let scan = Scan {
            findings,
            ..Scan::default()
        };
        Report::from_scan(scan, Date::parse(as_of).expect("date"), false)
    }

    const TEXT: &str = "curl https://h/api/2.0/fo/scan/\ncurl https://h/api/2.0/fo/report/\n# see /api/2.0/fo/scan/\n";

    fn verdicts(r: &Report) -> Vec<(String, Verdict)> {
        r.findings
            .iter()
            .map(|f| (format!("{}:{}", f.rule, f.line), f.verdict.expect("judged")))
            .collect()
    }

    #[test]
    fn eol_fails_from_the_first_day_of_the_month() {
        let mut before = report_at("2026-11-30", TEXT);
        judge(
            &mut before,
            &GateOptions::default(),
            vec![],
            vec![],
            None,
            String::new(),
        );
        let gate = before.gate.as_ref().expect("gate");
        assert!(gate.passed, "{:?}", verdicts(&before));
        let mut after = report_at("2026-12-01", TEXT);
        judge(
            &mut after,
            &GateOptions::default(),
            vec![],
            vec![],
            None,
            String::new(),
        );
        assert!(!after.gate.as_ref().expect("gate").passed);
        assert_eq!(
            verdicts(&after),
            vec![
                ("t.eol:1".to_string(), Verdict::Fail),
                ("t.dep:2".to_string(), Verdict::Pass),
                ("t.eol:3".to_string(), Verdict::Pass),
            ]
        );
    }

    #[test]
    fn warn_window_and_strict() {
        let mut r = report_at("2027-01-01", TEXT);
        let opts = GateOptions {
            strict: true,
            ..GateOptions::default()
        };
        judge(&mut r, &opts, vec![], vec![], None, String::new());
        // EOS of report in 73 days: inside the default 90-day window.
        assert_eq!(
            verdicts(&r),
            vec![
                ("t.eol:1".to_string(), Verdict::Fail),
                ("t.dep:2".to_string(), Verdict::Warn),
                ("t.eol:3".to_string(), Verdict::Fail),
            ]
        );
        let mut r = report_at("2027-01-01", TEXT);
        let opts = GateOptions {
            warn_within: Window::Days(30),
            fail_on: Status::Deprecated,
            ..GateOptions::default()
        };
        judge(&mut r, &opts, vec![], vec![], None, String::new());
        assert_eq!(r.gate.as_ref().expect("gate").failing, 2);
    }
}
