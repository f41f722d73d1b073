//! Walking, reading and scanning files: the only module that touches the
//! filesystem.
//!
//! Phase 1 runs in parallel over the walk: each file is size-checked, read,
//! tested for binary content, passed through the byte prefilter, decoded,
//! extracted and matched; its findings and its cross-file material (bases
//! such as `BASE = "https://…/api/2.0/fo/"` and relative endpoint pieces
//! such as `'scan/'`) come back to one collector. Phase 2 joins relative
//! pieces to bases across files ([`crossfile`]). The report is then sorted,
//! so output is the same at any thread count.

pub mod crossfile;
pub mod source;
pub mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::extract::{self, Expr, Language};
use crate::finding::{Finding, FindingKind, NextDeadline, Severity};
use crate::gate::suppress::{self, Inline};
use crate::matcher::{Hit, Matcher, Outcome};
use crate::redact;
use crate::report::{Notice, Report, SkipReason, Summary, Unresolved};
use crate::rules::{Date, Rule, RuleSet, Status};
use source::{ceil_boundary, floor_boundary, LineIndex};
pub use walk::WalkOptions;

/// Default `--max-filesize`: larger files are skipped as too large.
pub const DEFAULT_MAX_FILESIZE: u64 = 64 * 1024 * 1024;

/// Everything a scan needs to know.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub roots: Vec<PathBuf>,
    pub walk: WalkOptions,
    pub max_filesize: u64,
    /// Scan files that look binary too.
    pub binary: bool,
    pub as_of: Date,
    /// Report uses of active (current) endpoints too.
    pub include_active: bool,
    pub repo_name: Option<String>,
}

/// Where a finding sits, with its redacted code frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub snippet: String,
    pub snippet_span: (usize, usize),
}

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    scanned: bool,
    parsed: bool,
    skipped: Option<SkipReason>,
    notice: Option<Notice>,
    findings: Vec<Finding>,
    unresolved: Vec<Unresolved>,
    cross: crossfile::FileMaterial,
    /// `sunset: ignore` comments: (display path, their lines).
    suppression_comments: Option<(String, Vec<(usize, Inline)>)>,
}

/// Scans the roots with the rules and returns the sorted report.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Report {
    let matcher = Matcher::new(rules);
    let results: Mutex<Vec<FileResult>> = Mutex::new(Vec::new());
    // Every file is counted, from every worker: atomics, so that the two
    // workers never wait for each other on a lock (30,000 files would mean
    // 30,000 lock round trips, and futex sleeps whenever they collide).
    let scanned = AtomicUsize::new(0);
    let parsed = AtomicUsize::new(0);
    let skipped: Mutex<BTreeMap<SkipReason, usize>> = Mutex::new(BTreeMap::new());
    let excluded = walk::walk(&opts.roots, &opts.walk, |entry| {
        let result = match entry {
            walk::Entry::File { path, .. } => scan_file(&path, opts, &matcher),
            walk::Entry::Loop { path } => FileResult {
                skipped: Some(SkipReason::SymlinkLoop),
                notice: Some(Notice {
                    path: display_path(&path),
                    message: "symbolic link loop".into(),
                }),
                ..FileResult::default()
            },
            walk::Entry::Error { path, message } => FileResult {
                skipped: Some(SkipReason::Unreadable),
                notice: Some(Notice {
                    path: path.as_deref().map(display_path).unwrap_or_default(),
                    message,
                }),
                ..FileResult::default()
            },
        };
        let interesting = !result.findings.is_empty()
            || !result.unresolved.is_empty()
            || result.notice.is_some()
            || !result.cross.is_empty()
            || result.suppression_comments.is_some();
        scanned.fetch_add(usize::from(result.scanned), Ordering::Relaxed);
        parsed.fetch_add(usize::from(result.parsed), Ordering::Relaxed);
        if let Some(reason) = result.skipped {
            if let Ok(mut s) = skipped.lock() {
                *s.entry(reason).or_default() += 1;
            }
        }
        if interesting {
            if let Ok(mut r) = results.lock() {
                r.push(result);
            }
        }
    });
    let mut summary = Summary {
        files_scanned: scanned.into_inner(),
        files_parsed: parsed.into_inner(),
        files_skipped: skipped.into_inner().unwrap_or_default(),
        ..Summary::default()
    };
    if excluded.hidden > 0 {
        summary
            .files_skipped
            .insert(SkipReason::Hidden, excluded.hidden);
    }
    if excluded.ignored > 0 {
        summary
            .files_skipped
            .insert(SkipReason::Ignored, excluded.ignored);
    }

    let results = results.into_inner().unwrap_or_default();
    let mut findings = Vec::new();
    let mut materials = Vec::new();
    let mut suppression_comments = BTreeMap::new();
    for r in results {
        suppression_comments.extend(r.suppression_comments);
        findings.extend(r.findings);
        summary.unresolved.extend(r.unresolved);
        summary.notices.extend(r.notice);
        if !r.cross.is_empty() {
            materials.push(r.cross);
        }
    }
    let (cross_findings, cross_unresolved) =
        crossfile::resolve(materials, &matcher, opts, &findings);
    findings.extend(cross_findings);
    summary.unresolved.extend(cross_unresolved);

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    let root_names: Vec<String> = opts.roots.iter().map(|r| display_path(r)).collect();
    crate::finding::assign_fingerprints(&mut findings, &root_names);
    summary.unresolved.sort();
    summary.unresolved.dedup();
    summary.notices.sort();
    let mut report = Report {
        as_of: opts.as_of,
        repo_name: opts.repo_name.clone(),
        findings,
        summary,
        gate: None,
        suppression_comments,
    };
    report.count_findings();
    report
}

/// Scans one file's bytes that are already in memory (used by tests and by
/// the per-file worker).
pub fn scan_text(
    display: &str,
    lang: Language,
    text: &str,
    opts: &ScanOptions,
    matcher: &Matcher,
) -> (Vec<Finding>, Vec<Unresolved>, crossfile::FileMaterial) {
    // A large file is extracted around the prefilter's hits only, a piece
    // at a time: memory follows the pieces, not the file.
    let extracted = if text.len() > extract::window::LARGE {
        let hits = matcher.prefilter_hits(text.as_bytes());
        extract::window::extract_around(lang, text, &hits, &|e| matcher.may_matter(e))
    } else {
        extract::extract_for_scan(lang, text)
    };
    let index = LineIndex::new(text);
    let mut findings = Vec::new();
    let mut unresolved = Vec::new();
    for expr in &extracted.exprs {
        for outcome in matcher.match_expr(expr) {
            match outcome {
                Outcome::Hit(hit) => {
                    if let Some(f) = finding_from_hit(display, text, &index, expr, &hit, opts) {
                        findings.push(f);
                    }
                }
                Outcome::Unresolved {
                    span,
                    text: shown,
                    reason,
                } => {
                    if expr.kind() == FindingKind::Call {
                        let (line, column) = index.line_col(span.0);
                        unresolved.push(Unresolved {
                            path: display.to_string(),
                            line,
                            column,
                            text: redact::redact_str(&shown),
                            reason,
                        });
                    }
                }
            }
        }
    }
    let cross = crossfile::FileMaterial::collect(display, text, &index, &extracted, matcher);
    (findings, unresolved, cross)
}

fn scan_file(path: &Path, opts: &ScanOptions, matcher: &Matcher) -> FileResult {
    // The display path is built only for the few files that need one: most
    // are rejected by the prefilter.
    let unreadable = |e: std::io::Error| FileResult {
        skipped: Some(SkipReason::Unreadable),
        notice: Some(Notice {
            path: display_path(path),
            message: e.to_string(),
        }),
        ..FileResult::default()
    };
    // One read buffer per worker thread, reused (ripgrep does the same):
    // most files are rejected by the prefilter, so allocation would dominate.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut bytes = buffer.borrow_mut();
        bytes.clear();
        // Read at most one byte past the limit instead of a stat per file.
        let limit = opts.max_filesize.saturating_add(1);
        let read = std::fs::File::open(path).and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes)
        });
        if let Err(e) = read {
            return unreadable(e);
        }
        if bytes.len() as u64 > opts.max_filesize {
            return FileResult {
                skipped: Some(SkipReason::TooLarge),
                ..FileResult::default()
            };
        }
        // One file's failure must not lose the run: a panic in an
        // extractor becomes a notice about that file.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            scan_bytes(path, &bytes, opts, matcher)
        }))
        .unwrap_or_else(|_| FileResult {
            scanned: true,
            notice: Some(Notice {
                path: display_path(path),
                message: "not scanned: internal error while reading this file (please report it)"
                    .into(),
            }),
            ..FileResult::default()
        });
        if bytes.capacity() > 4 * 1024 * 1024 {
            // Do not keep a huge buffer alive after one big file.
            *bytes = Vec::new();
        }
        result
    })
}

fn scan_bytes(path: &Path, bytes: &[u8], opts: &ScanOptions, matcher: &Matcher) -> FileResult {
    if !opts.binary && source::is_binary(bytes) {
        return FileResult {
            skipped: Some(SkipReason::Binary),
            ..FileResult::default()
        };
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    // UTF-16 is decoded first: its bytes would never meet the prefilter.
    let decoded = if utf16 {
        Some(source::decode(bytes).0)
    } else {
        None
    };
    if !matcher.prefilter(decoded.as_ref().map_or(bytes, |t| t.as_bytes())) {
        return FileResult {
            scanned: true,
            ..FileResult::default()
        };
    }
    // Valid UTF-8 without a BOM, the usual case, is scanned in place;
    // `decode` would return the same text as a copy.
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let text: std::borrow::Cow<str> = match (decoded, bom) {
        (Some(text), _) => text.into(),
        (None, false) => match std::str::from_utf8(bytes) {
            Ok(text) => text.into(),
            Err(_) => source::decode(bytes).0.into(),
        },
        (None, true) => source::decode(bytes).0.into(),
    };
    let display = display_path(path);
    let (findings, unresolved, cross) =
        scan_text(&display, Language::of_path(path), &text, opts, matcher);
    let comments = suppress::comments_in(&text);
    FileResult {
        scanned: true,
        parsed: true,
        findings,
        unresolved,
        cross,
        suppression_comments: (!comments.is_empty()).then_some((display, comments)),
        ..FileResult::default()
    }
}

/// A path as the walker reached it, with forward slashes and no `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

fn finding_from_hit(
    display: &str,
    text: &str,
    index: &LineIndex,
    expr: &Expr,
    hit: &Hit,
    opts: &ScanOptions,
) -> Option<Finding> {
    let status = hit.rule.status_on(opts.as_of);
    if status == Status::Active && !opts.include_active {
        return None;
    }
    let location = locate(text, index, hit.span);
    let via = if hit.via.is_empty() {
        None
    } else {
        let parts: Vec<String> = hit
            .via
            .iter()
            .map(|(name, def)| format!("`{name}` defined at line {}", index.line_col(*def).0))
            .collect();
        Some(format!("built from {}", parts.join(", ")))
    };
    let kind = classify_kind(expr, &hit.matched);
    Some(make_finding(
        display,
        location,
        hit.rule,
        &hit.matched,
        hit.suggested.as_deref(),
        via,
        kind,
        opts.as_of,
    ))
}

/// A string literal that reads like a sentence mentions an endpoint rather
/// than calling it (a log message, a docstring).
fn classify_kind(expr: &Expr, matched: &str) -> FindingKind {
    if expr.kind() == FindingKind::Mention {
        return FindingKind::Mention;
    }
    let text = expr.text();
    if text.len() > 2000 || expr.segs.len() != 1 {
        return FindingKind::Call;
    }
    let lower = text.to_ascii_lowercase();
    if ["curl", "wget", "http://", "https://", "invoke-"]
        .iter()
        .any(|k| lower.contains(k))
    {
        return FindingKind::Call;
    }
    let rest = text.replacen(matched, " ", 1);
    let words = rest
        .split_whitespace()
        .filter(|w| w.len() > 1 && w.chars().all(|c| c.is_alphabetic()))
        .count();
    if words >= 5 {
        FindingKind::Mention
    } else {
        FindingKind::Call
    }
}

/// Builds a finding; every text field is redacted here.
#[allow(clippy::too_many_arguments)]
pub(crate) fn make_finding(
    display: &str,
    location: Location,
    rule: &Rule,
    matched: &str,
    suggested: Option<&str>,
    via: Option<String>,
    kind: FindingKind,
    as_of: Date,
) -> Finding {
    let status = rule.status_on(as_of);
    let next = rule.next_deadline(as_of);
    let days_left = next.map(|(_, _, d)| d).or_else(|| {
        // Past every deadline: days since the last one, negative.
        rule.eol()
            .or(rule.eos())
            .map(|d| as_of.days_until(d.effective()))
    });
    Finding {
        path: display.to_string(),
        line: location.line,
        column: location.column,
        end_line: location.end_line,
        end_column: location.end_column,
        rule: rule.id.clone(),
        name: rule.name.clone(),
        endpoint: rule.endpoint_display.clone(),
        matched: redact::redact_str(matched),
        replacement: rule.replacement.clone(),
        suggested: suggested.map(redact::redact_str),
        status,
        eos: rule.eos().map(|d| d.published()),
        eol: rule.eol().map(|d| d.published()),
        days_left,
        next_deadline: next.map(|(milestone, d, _)| NextDeadline {
            milestone,
            date: d.published(),
            words: d.words(),
        }),
        severity: Severity::of(status),
        kind,
        confirmed: rule.is_confirmed(),
        unconfirmed_dates: rule.unconfirmed_dates(),
        via,
        source: rule.source.clone(),
        fingerprint: String::new(),
        suppressed: None,
        verdict: None,
        snippet: location.snippet,
        snippet_span: location.snippet_span,
        safe_fix: rule.safe_fix,
    }
}

/// Longest code frame kept around a finding on a long (minified) line.
const SNIPPET_CONTEXT: usize = 80;

/// Line, column and a redacted code frame for a byte span.
pub(crate) fn locate(text: &str, index: &LineIndex, span: (usize, usize)) -> Location {
    let (start, end) = (
        floor_boundary(text, span.0),
        ceil_boundary(text, span.1.max(span.0)),
    );
    let (line, column) = index.line_col(start);
    let (end_line, end_column) = index.line_col(end);
    let first = index.line_range(line - 1).0;
    let last = index.line_range(end_line - 1).1.max(end);
    let (mut from, mut to) = (first, last.min(text.len()));
    if to - from > 4 * SNIPPET_CONTEXT {
        // A minified line: keep a window around the span.
        from = floor_boundary(text, start.saturating_sub(SNIPPET_CONTEXT).max(first));
        to = ceil_boundary(text, (end + SNIPPET_CONTEXT).min(to));
    }
    let raw = &text[from..to];
    let raw = raw.replace('\r', "");
    let shift = |o: usize| text[from..o.max(from)].replace('\r', "").len();
    let redacted = redact::redact(&raw);
    let span_in = (
        redacted.map_offset(shift(start)),
        redacted.map_offset(shift(end)),
    );
    Location {
        line,
        column,
        end_line,
        end_column,
        snippet: redacted.text,
        snippet_span: span_in,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;

    fn rules() -> RuleSet {
        let r = |id, e, rep: Option<&str>, eol: Option<&str>| {
            Rule::simple(id, e, rep, None, eol).expect("valid")
        };
        RuleSet::from_rules(vec![
            r(
                "scan-v2",
                "/api/2.0/fo/scan/",
                Some("/api/3.0/fo/scan/"),
                Some("2026-12"),
            ),
            r("scan-v3", "/api/3.0/fo/scan/", None, None),
            r(
                "perimeter-v2",
                "/api/2.0/fo/scan/cloud/perimeter/job/",
                Some("/api/4.0/fo/scan/cloud/perimeter/job/"),
                Some("2026-12"),
            ),
            r(
                "host-v2",
                "/api/2.0/fo/asset/host/",
                Some("/api/5.0/fo/asset/host/"),
                Some("2026-12"),
            ),
            r(
                "kb-v2",
                "/api/2.0/fo/knowledge_base/vuln/",
                Some("/api/4.0/fo/knowledge_base/vuln/"),
                Some("2026-12"),
            ),
            r("pci-details", "/pci/scan/{scanId}/details", None, None),
        ])
    }

    fn opts() -> ScanOptions {
        ScanOptions {
            roots: vec![],
            walk: WalkOptions::default(),
            max_filesize: DEFAULT_MAX_FILESIZE,
            binary: false,
            as_of: Date::parse("2026-11-23").expect("valid"),
            include_active: false,
            repo_name: None,
        }
    }

    fn found(lang: Language, text: &str) -> Vec<(usize, String, String)> {
        let set = rules();
        let m = Matcher::new(&set);
        let (f, _, _) = scan_text("t", lang, text, &opts(), &m);
        f.into_iter()
            .map(|f| (f.line, f.rule, f.kind.as_str().to_string()))
            .collect()
    }

    #[test]
    fn identity_not_prefix() {
        let t = "a = '/api/2.0/fo/asset/host/vm/detection/'\nb = '/api/2.0/fo/scan/cloud/perimeter/job/'\nc = '/api/2.0/fo/scanner/'\n";
        assert_eq!(
            found(Language::Python, t),
            vec![(2, "perimeter-v2".to_string(), "call".to_string())]
        );
    }

    #[test]
    fn version_variable_reported_at_use_once() {
        let t = "API_PATH=\"/api/2.0/fo/scan/\"\ncurl -s \"$QUALYS_API$API_PATH\"\n";
        assert_eq!(
            found(Language::Shell, t),
            vec![(1, "scan-v2".to_string(), "call".to_string())]
        );
        let t = "    API_VERSION = \"2.0\"\n    url = f\"{base}/api/{API_VERSION}/fo/scan/\"\n";
        assert_eq!(
            found(Language::Python, t),
            vec![(2, "scan-v2".to_string(), "call".to_string())]
        );
    }

    #[test]
    fn comments_are_mentions_and_active_is_quiet() {
        let t =
            "# migrated away from /api/2.0/fo/scan/ in the last release\nx = '/api/3.0/fo/scan/'\n";
        assert_eq!(
            found(Language::Python, t),
            vec![(1, "scan-v2".to_string(), "mention".to_string())]
        );
    }

    #[test]
    fn matched_and_suggested_keep_host_and_query() {
        let set = rules();
        let m = Matcher::new(&set);
        let t = "r = s.get(f\"{base}/api/2.0/fo/scan/?action=list\")\nu = 'https://qualysapi.qualys.com/api/2.0/fo/asset/host/index.php?action=list'\n";
        let (f, _, _) = scan_text("t", Language::Python, t, &opts(), &m);
        assert_eq!(f[0].matched, "{base}/api/2.0/fo/scan/?action=list");
        assert_eq!(
            f[0].suggested.as_deref(),
            Some("{base}/api/3.0/fo/scan/?action=list")
        );
        assert_eq!(
            f[1].suggested.as_deref(),
            Some("https://qualysapi.qualys.com/api/5.0/fo/asset/host/index.php?action=list")
        );
        assert_eq!((f[1].line, f[1].column, f[1].end_column), (2, 34, 66));
        assert_eq!(f[0].days_left, Some(8));
    }
}
