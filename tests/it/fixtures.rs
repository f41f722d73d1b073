//! One snapshot per fixture file, checked first against the expectations
//! written inside the fixture.
//!
//! # Expectations
//!
//! A comment on the line directly above each planted use names the endpoint
//! as the rule publishes it:
//!
//! ```text
//! # sunset-expect: /api/2.0/fo/scan/              a call on the next line
//! # sunset-expect-mention: /api/2.0/fo/scan/      a mention on the next line
//! # sunset-expect+4: /api/2.0/fo/asset/host/      a call 4 lines below (a curl
//!                                                 command whose URL sits on a
//!                                                 `\` continuation line)
//! ```
//!
//! A marker names an endpoint itself, so findings on a marker's own line are
//! ignored. Files that cannot hold comments (JSON) carry a sidecar
//! `NAME.expect` instead: one `LINE ENDPOINT [KIND]` per line; without a
//! kind, any kind matches. Calls are always checked; mentions are checked in
//! every file that expects at least one mention (in the others they are
//! left to the snapshot).
//!
//! The harness asserts that the findings equal the expectations before it
//! snapshots, so a wrong `.snap` cannot be blessed silently; decoys carry no
//! marker, so a false positive fails.
//!
//! Robustness cases that must not be committed (binary, 3 MB, symlink loop,
//! unreadable) are generated in a temp dir here, and a proptest feeds random
//! code-like text through every extractor.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;

use sunset::extract::{self, Language};
use sunset::matcher::Matcher;
use sunset::model::{Report, SkipReason};
use sunset::rules::{Date, RuleSet};
use sunset::scan::{self, ScanOptions, WalkOptions};

/// The day every fixture is evaluated on.
pub(crate) use crate::util::AS_OF;

pub(crate) fn bundled() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| sunset::rules::load::load_bundled().expect("the bundled rules load"))
}

pub(crate) fn options(roots: Vec<PathBuf>) -> ScanOptions {
    ScanOptions {
        roots,
        walk: WalkOptions {
            threads: 1,
            ..WalkOptions::default()
        },
        max_filesize: scan::DEFAULT_MAX_FILESIZE,
        binary: false,
        repo_name: None,
    }
}

/// Scans and assesses at [`AS_OF`], as `sunset audit` does.
pub(crate) fn scan_report(opts: &ScanOptions) -> Report {
    Report::from_scan(
        scan::scan(opts, bundled()),
        Date::parse(AS_OF).expect("valid date"),
        false,
    )
}

fn scan_one(path: &Path) -> Report {
    scan_report(&options(vec![path.to_path_buf()]))
}

// ---------------------------------------------------------------------------
// Expectations.
// ---------------------------------------------------------------------------

/// One expected finding; `kind: None` matches any kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    line: usize,
    endpoint: String,
    kind: Option<String>,
}

/// The decoded text of a fixture, as the scanner reads it.
fn decoded(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    sunset::source::decode(&bytes).0
}

/// Markers in the text, and the lines that hold one.
fn markers(text: &str) -> (Vec<Expected>, Vec<usize>) {
    let mut expected = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mut rest = line;
        let mut any = false;
        while let Some(at) = rest.find("sunset-expect") {
            any = true;
            rest = &rest[at + "sunset-expect".len()..];
            let (kind, after) = if let Some(r) = rest.strip_prefix("-mention") {
                ("mention", r)
            } else if let Some(r) = rest.strip_prefix("-test") {
                ("test", r)
            } else {
                ("call", rest)
            };
            let (offset, after) = match after.strip_prefix('+') {
                Some(r) => {
                    let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
                    let k: usize = digits
                        .parse()
                        .unwrap_or_else(|_| panic!("line {n}: bad marker offset in {line:?}"));
                    (k, &r[digits.len()..])
                }
                None => (1, after),
            };
            let Some(after) = after.strip_prefix(':') else {
                continue;
            };
            let endpoint: String = after
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            assert!(
                endpoint.starts_with('/'),
                "line {n}: marker without an endpoint: {line:?}"
            );
            expected.push(Expected {
                line: n + offset,
                endpoint,
                kind: Some(kind.to_string()),
            });
            rest = after;
        }
        if any {
            lines.push(n);
        }
    }
    (expected, lines)
}

/// A sidecar `NAME.expect`: `LINE ENDPOINT [KIND]` per line.
fn sidecar(path: &Path) -> Option<Vec<Expected>> {
    let mut name = path.as_os_str().to_owned();
    name.push(".expect");
    let text = std::fs::read_to_string(PathBuf::from(name)).ok()?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let n = words.next().and_then(|w| w.parse().ok());
        let endpoint = words.next();
        let (Some(n), Some(endpoint)) = (n, endpoint) else {
            panic!(
                "{}.expect:{}: expected `LINE ENDPOINT [KIND]`, got {line:?}",
                path.display(),
                i + 1
            )
        };
        out.push(Expected {
            line: n,
            endpoint: endpoint.to_string(),
            kind: words.next().map(str::to_string),
        });
    }
    Some(out)
}

/// Compares findings with expectations; `Err` lists every difference.
fn check(path: &Path, text: &str, report: &Report) -> Result<(), String> {
    let (from_markers, marker_lines) = markers(text);
    let expected = sidecar(path).unwrap_or(from_markers);
    // A file that expects no mention at all leaves its mentions to the
    // snapshot (some fixtures only mark calls); calls are always checked.
    let checks_mentions = expected
        .iter()
        .any(|e| e.kind.as_deref() == Some("mention"));
    let mut actual: Vec<(usize, String, String)> = report
        .findings
        .iter()
        .filter(|f| !marker_lines.contains(&f.line))
        .filter(|f| checks_mentions || f.kind.as_str() != "mention")
        .map(|f| (f.line, f.endpoint.clone(), f.kind.as_str().to_string()))
        .collect();
    let mut missing = Vec::new();
    for e in &expected {
        let found = actual.iter().position(|(l, ep, k)| {
            *l == e.line && *ep == e.endpoint && e.kind.as_ref().is_none_or(|ek| ek == k)
        });
        match found {
            Some(k) => {
                actual.remove(k);
            }
            None => missing.push(format!(
                "  missing    {}:{} {} {}",
                path.display(),
                e.line,
                e.kind.as_deref().unwrap_or("any"),
                e.endpoint
            )),
        }
    }
    let unexpected = actual
        .iter()
        .map(|(l, ep, k)| format!("  unexpected {}:{l} {k} {ep}", path.display()));
    // A finding covers at least the endpoint's text.
    let empty = report
        .findings
        .iter()
        .filter(|f| (f.line, f.column) >= (f.end_line, f.end_column))
        .map(|f| {
            format!(
                "  empty span {}:{}:{}-{}:{} {}",
                path.display(),
                f.line,
                f.column,
                f.end_line,
                f.end_column,
                f.endpoint
            )
        });
    let problems: Vec<String> = missing.into_iter().chain(unexpected).chain(empty).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

// ---------------------------------------------------------------------------
// Rendering for the snapshot.
// ---------------------------------------------------------------------------

/// One line per finding, then the unresolved strings and notices.
fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let span = if f.end_line == f.line {
            format!("{}:{}-{}", f.line, f.column, f.end_column)
        } else {
            format!("{}:{}-{}:{}", f.line, f.column, f.end_line, f.end_column)
        };
        let _ = write!(
            out,
            "{span} {} {} {} {} -> {} | {} => {}",
            f.kind.as_str(),
            f.status.as_str(),
            f.rule,
            f.endpoint,
            f.replacement.as_deref().unwrap_or("-"),
            f.matched,
            f.suggested.as_deref().unwrap_or("-"),
        );
        if let Some(via) = f.via() {
            let _ = write!(out, " (via {via})");
        }
        if !f.confirmed {
            out.push_str(" [unconfirmed]");
        }
        out.push('\n');
    }
    if report.findings.is_empty() {
        out.push_str("no findings\n");
    }
    let s = &report.summary;
    if !s.unresolved.is_empty() {
        out.push_str("unresolved:\n");
        for u in &s.unresolved {
            let _ = writeln!(out, "  {}:{} {} ({})", u.line, u.column, u.text, u.reason);
        }
    }
    if !s.files_skipped.is_empty() {
        let skipped: Vec<String> = s
            .files_skipped
            .iter()
            .map(|(r, n)| format!("{} {n}", r.as_str()))
            .collect();
        let _ = writeln!(out, "skipped: {}", skipped.join(", "));
    }
    for n in &s.notices {
        let _ = writeln!(out, "notice: {}", n.message);
    }
    out
}

fn is_fixture(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let expect = path.extension().is_some_and(|e| e == "expect");
    let invalid_rules = path.components().any(|c| c.as_os_str() == "rules-invalid");
    // Manifests, packages and projects of the client-library tests
    // (tests/it/libraries.rs), not scanner fixtures.
    let libraries = path.components().any(|c| c.as_os_str() == "libraries");
    path.is_file() && !hidden && !expect && !invalid_rules && !libraries
}

#[test]
fn fixtures() {
    let failures = Mutex::new(Vec::new());
    insta::glob!("../fixtures", "**/*", |path| {
        if !is_fixture(path) {
            return;
        }
        let report = scan_one(path);
        match check(path, &decoded(path), &report) {
            // Only a file whose findings meet its expectations is snapshotted.
            Ok(()) => insta::assert_snapshot!(render(&report)),
            Err(problems) => {
                let failure = format!(
                    "{problems}\n  (all findings:\n{})",
                    indent(&render(&report))
                );
                // Printed now too: a snapshot failure elsewhere in the glob
                // panics before the summary below.
                eprintln!("{failure}");
                failures.lock().expect("lock").push(failure);
            }
        }
    });
    let failures = failures.into_inner().expect("lock");
    assert!(
        failures.is_empty(),
        "findings differ from the sunset-expect markers:\n{}",
        failures.join("\n")
    );
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn markers_parse() {
    let text = "a\n# sunset-expect: /api/2.0/fo/scan/\nb\n<!-- sunset-expect-mention: /pcrs/1.0/posture/hostids -->\n# sunset-expect+3: /api/2.0/fo/report/\n";
    let (e, lines) = markers(text);
    let got: Vec<(usize, &str, Option<&str>)> = e
        .iter()
        .map(|e| (e.line, e.endpoint.as_str(), e.kind.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "/api/2.0/fo/scan/", Some("call")),
            (5, "/pcrs/1.0/posture/hostids", Some("mention")),
            (8, "/api/2.0/fo/report/", Some("call")),
        ]
    );
    assert_eq!(lines, vec![2, 4, 5]);
}

// ---------------------------------------------------------------------------
// Robustness: generated, not committed.
// ---------------------------------------------------------------------------

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, bytes).expect("write");
    path
}

fn skipped(report: &Report) -> BTreeMap<SkipReason, usize> {
    report.summary.files_skipped.clone()
}

#[test]
fn binary_file_is_skipped_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0".to_vec();
    bytes.extend_from_slice(b"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\0");
    write(dir.path(), "qualys-agent.bin", &bytes);
    write(dir.path(), "ok.py", b"x = 1\n");
    let report = scan_report(&options(vec![dir.path().to_path_buf()]));
    assert!(report.findings.is_empty(), "{}", render(&report));
    assert_eq!(skipped(&report).get(&SkipReason::Binary), Some(&1));
    assert_eq!(report.summary.files_scanned, 1);

    // `binary: true` scans it anyway.
    let mut opts = options(vec![dir.path().to_path_buf()]);
    opts.binary = true;
    let report = scan_report(&opts);
    assert_eq!(report.findings.len(), 1, "{}", render(&report));
    assert_eq!(report.findings[0].rule, "qualys-scan-v2");
}

#[test]
fn minified_three_megabyte_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut js = String::from("!function(){\"use strict\";");
    let mut k = 0;
    while js.len() < 3 * 1024 * 1024 {
        let _ = write!(
            js,
            "var a{k}=function(e){{return e+\"x{k}\"+'y'+`z${{e}}`}},b{k}=a{k}(\"it's\");"
        );
        k += 1;
    }
    let column = js.chars().count() + 1 + "fetch(\"https://qualysapi.qualys.com".len();
    js.push_str(
        "fetch(\"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\",{method:\"POST\"});",
    );
    js.push_str(&"var q=1;".repeat(1000));
    js.push_str("}();");
    let path = write(dir.path(), "app.min.js", js.as_bytes());

    let report = scan_one(&path);
    assert_eq!(report.findings.len(), 1, "{}", render(&report));
    let f = &report.findings[0];
    assert_eq!(
        (f.line, f.column, f.rule.as_str()),
        (1, column, "qualys-scan-v2")
    );
    assert_eq!(
        f.matched,
        "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list"
    );
    assert!(
        f.snippet.len() < 1024,
        "snippet of {} bytes",
        f.snippet.len()
    );

    let mut json = Vec::new();
    sunset::printer::json::render(&report, &mut json).expect("render json");
    assert!(
        json.len() < 16 * 1024,
        "JSON output of {} bytes",
        json.len()
    );
    let mut human = Vec::new();
    let opts = sunset::printer::human::HumanOptions {
        color: false,
        width: Some(100),
        show_unknown: false,
    };
    sunset::printer::human::render(&report, &opts, &mut human).expect("render human");
    assert!(
        human.len() < 16 * 1024,
        "human output of {} bytes",
        human.len()
    );
    assert!(String::from_utf8_lossy(&human).contains("/api/2.0/fo/scan/"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_with_follow_terminates() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "src/client.py",
        b"u = 'https://qualysapi.qualys.com/api/2.0/fo/report/'\n",
    );
    std::os::unix::fs::symlink("..", dir.path().join("src/up")).expect("symlink");
    let mut opts = options(vec![dir.path().to_path_buf()]);
    opts.walk.follow = true;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(scan_report(&opts));
    });
    let report = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the scan terminates");
    assert_eq!(report.findings.len(), 1, "{}", render(&report));
    assert_eq!(
        skipped(&report).get(&SkipReason::SymlinkLoop),
        Some(&1),
        "{}",
        render(&report)
    );
    assert!(
        report
            .summary
            .notices
            .iter()
            .any(|n| n.message.contains("loop")),
        "{:?}",
        report.summary.notices
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_counted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "secret.py", b"u = '/api/2.0/fo/scan/'\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reads, nothing to test.
        eprintln!("unreadable_file_is_counted: skipped, the file is still readable (root?)");
        return;
    }
    let report = scan_report(&options(vec![dir.path().to_path_buf()]));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod back");
    assert!(report.findings.is_empty());
    assert_eq!(skipped(&report).get(&SkipReason::Unreadable), Some(&1));
    assert_eq!(
        report.summary.notices.len(),
        1,
        "{:?}",
        report.summary.notices
    );
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "empty.sh", b"");
    let report = scan_one(&path);
    assert!(report.findings.is_empty());
    assert_eq!(report.summary.files_scanned, 1);
    assert!(report.summary.notices.is_empty());
}

/// Columns count characters of the decoded text: a BOM, a `\r` or UTF-16
/// code units never shift them.
#[test]
fn columns_after_bom_crlf_and_utf16() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "u = 'https://qualysapi.qualys.com/api/2.0/fo/scan/'";
    let col = line.find("/api/").expect("present") + 1;
    let end = col + "/api/2.0/fo/scan/".len();

    let bom = write(dir.path(), "bom.py", format!("\u{feff}{line}\n").as_bytes());
    let crlf = write(
        dir.path(),
        "crlf.py",
        format!("# é\r\n{line}\r\n").as_bytes(),
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        format!("# é\r\n{line}\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let utf16 = write(dir.path(), "utf16.py", &utf16);
    let mut latin1 = b"# caf\xe9\n".to_vec();
    latin1.extend_from_slice(line.as_bytes());
    let latin1 = write(dir.path(), "latin1.py", &latin1);

    for (path, n) in [(&bom, 1), (&crlf, 2), (&utf16, 2), (&latin1, 2)] {
        let report = scan_one(path);
        let got: Vec<(usize, usize, usize, usize)> = report
            .findings
            .iter()
            .map(|f| (f.line, f.column, f.end_line, f.end_column))
            .collect();
        assert_eq!(got, vec![(n, col, n, end)], "{}", path.display());
        assert!(
            !report.findings[0].snippet.contains('\r'),
            "{}",
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------
// Proptest: code-like noise never panics, and spans stay in the text.
// ---------------------------------------------------------------------------

/// Every language of the table: each row's lexer and extractor.
fn languages() -> Vec<Language> {
    Language::all().collect()
}

const PIECES: &[&str] = &[
    "/api/",
    "2.0",
    "3.0",
    "/fo/scan/",
    "/fo/asset/host/",
    "/pcrs/1.0/posture/hostids",
    "https://q.example",
    "\"",
    "'",
    "`",
    "\"\"\"",
    "+",
    ".",
    "{",
    "}",
    "${",
    "#{",
    "$",
    "$(",
    "#",
    "//",
    "/*",
    "*/",
    "<!--",
    "-->",
    "\\",
    "\n",
    "\r\n",
    "\t",
    " ",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    ":",
    "=",
    "f\"",
    "r\"",
    "$\"",
    "@\"",
    "curl ",
    "-u a:b ",
    "-X POST ",
    "--data-urlencode ",
    "`\n",
    "\\\n",
    "é",
    "日本",
    "🦀",
    "\u{feff}",
    "\0",
    "API_VERSION",
    "BASE",
    "fmt.Sprintf(",
    "\"%s/api/%s/fo/scan/\"",
    "format!(",
    "concat!(",
    "```",
    "```python\n",
    "- ",
    "key: ",
    "{{baseUrl}}",
    "%s",
    "{0}",
    "index.php",
    "?action=list",
    "Bearer x.y.z",
    // Comment, quote and form syntax of the table's rows.
    "--",
    "{-",
    "-}",
    "[[",
    "]]",
    "[==[",
    "\n=pod\n",
    "\n=cut\n",
    "q(",
    "qq{",
    "s/",
    "<<\"EOF\"",
    "<<~EOF\n",
    "\nEOF\n",
    "<<<T\n",
    "REM ",
    "::",
    "%QUALYS_API%",
    "!V!",
    "set ",
    "@echo off",
    "~s(",
    "@doc ",
    "@base ",
    "__END__\n",
    "$/",
    "$#",
    "@{[",
    "s\"",
    "raw\"",
    "$$\"\"\"",
    "\"\"",
    " _\n",
    "++",
    "<>",
    "<-",
    "..",
    "&",
    "[qualys]\n",
    "%(base)s",
    "export ",
    "\tcurl ",
    "ENV ",
    "RUN ",
    "CMD [\"",
    "<a>",
    "</a>",
    "<b k=\"",
    "&amp;",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE x [",
    "<?x ",
    "?>",
    "#!/usr/bin/env perl\n",
];

fn code_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

fn check_spans(lang: Language, text: &str) -> Result<(), TestCaseError> {
    static MATCHER: OnceLock<Matcher<'static>> = OnceLock::new();
    let matcher = MATCHER.get_or_init(|| Matcher::new(bundled()));
    let _ = extract::extract(lang, text, 0);
    let scanned = scan::scan_text("t", lang, scan::role::Role::Code, text, matcher);
    let (findings, unresolved) = (
        scanned.findings,
        scanned
            .unresolved
            .into_iter()
            .chain(scanned.unknown)
            .collect::<Vec<_>>(),
    );
    let lines: Vec<usize> = text.split('\n').map(|l| l.chars().count()).collect();
    let within = |line: usize, col: usize| {
        line >= 1 && line <= lines.len() && col >= 1 && col <= lines[line - 1] + 1
    };
    for f in &findings {
        prop_assert!(
            within(f.line, f.column),
            "{lang:?} start {}:{} out of {text:?}",
            f.line,
            f.column
        );
        prop_assert!(
            within(f.end_line, f.end_column),
            "{lang:?} end {}:{} out of {text:?}",
            f.end_line,
            f.end_column
        );
        prop_assert!(
            (f.line, f.column) < (f.end_line, f.end_column),
            "{lang:?} empty or reversed span {}:{}-{}:{} in {text:?}",
            f.line,
            f.column,
            f.end_line,
            f.end_column
        );
        prop_assert!(
            f.snippet_span.0 <= f.snippet_span.1 && f.snippet_span.1 <= f.snippet.len(),
            "{lang:?} {text:?}"
        );
    }
    for u in &unresolved {
        prop_assert!(
            within(u.line, u.column),
            "{lang:?} unresolved {}:{} out of {text:?}",
            u.line,
            u.column
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn code_like_text_never_panics(text in code_like()) {
        for lang in languages() {
            check_spans(lang, &text)?;
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let (text, _) = sunset::source::decode(&bytes);
        for lang in languages() {
            check_spans(lang, &text)?;
        }
    }
}
