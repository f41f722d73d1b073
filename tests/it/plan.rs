//! `sunset report`: the migration report (Markdown, HTML, CSV), the
//! `--from` roll-up and its exit codes, run through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{code, run_in, stderr, stdout, sunset, tree, AS_OF};

/// Calls three legacy endpoints (two with migration notes in the rules), one
/// of them twice, and mentions one in a comment.
const JOBS_PY: &str = "\
import requests
BASE = 'https://qualysapi.qualys.com'
# Nightly scan list; see /api/2.0/fo/scan/ in the runbook.
requests.post(BASE + '/api/2.0/fo/scan/', data={'action': 'list'})
requests.post(BASE + '/api/2.0/fo/report/', data={'action': 'list'})
requests.post(BASE + '/api/2.0/fo/scan/', data={'action': 'launch'})
";

const AUTH_SH: &str = "\
#!/bin/sh
curl -s \"https://admin:S3cr3t-Pa55@qualysapi.qualys.com/api/2.0/fo/auth/nsx/?action=list\"
curl -s -H \"Authorization: Bearer $JWT\" \"https://gateway.qg1.apps.qualys.com/pcrs/1.0/posture/hostids?policyId=1\"
";

const MALICIOUS: &str = "<img src=x onerror=alert(1)>.py";

fn small_tree() -> tempfile::TempDir {
    tree(&[("src/jobs.py", JOBS_PY), ("scripts/auth.sh", AUTH_SH)])
}

// ---------------------------------------------------------------------------
// Markdown and CSV.
// ---------------------------------------------------------------------------

#[test]
fn markdown_report() {
    let dir = small_tree();
    let o = run_in(dir.path(), &["report", "--as-of", AS_OF, "src", "scripts"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    // The order the issue asks for.
    let at = |heading: &str| {
        md.find(heading)
            .unwrap_or_else(|| panic!("no {heading:?} in:\n{md}"))
    };
    assert!(at("## Summary") < at("## Timeline"));
    assert!(at("## Timeline") < at("## Endpoints"));
    assert!(at("## Endpoints") < at("## Checklist"));
    assert!(at("## Checklist") < at("## Mentions"));
    assert!(!md.contains("S3cr3t-Pa55"), "a credential leaked:\n{md}");
    insta::assert_snapshot!(md);
}

/// `report --format csv` hands the findings to `crate::printer::csv`: one
/// row per finding, every JSON field.
#[test]
fn csv_report() {
    let dir = small_tree();
    let o = run_in(
        dir.path(),
        &[
            "report", "--format", "csv", "--as-of", AS_OF, "src", "scripts",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let csv = stdout(&o);
    // One header line and one row per finding (no field holds a newline
    // here): 3 calls and a mention in jobs.py, 2 calls in auth.sh.
    assert_eq!(csv.lines().count(), 1 + 4 + 2, "{csv}");
    assert!(!csv.contains("S3cr3t-Pa55"), "a credential leaked:\n{csv}");
    insta::assert_snapshot!(csv);
}

// ---------------------------------------------------------------------------
// HTML.
// ---------------------------------------------------------------------------

/// Every tag of `html` (text `<` is always escaped, so each `<` opens one),
/// skipping the bodies of `<script>` and `<style>`.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = rest[start + 1..start + len].to_string();
        rest = &rest[start + len + 1..];
        for raw in ["script", "style"] {
            if tag == raw || tag.starts_with(&format!("{raw} ")) {
                let close = format!("</{raw}>");
                let end = rest.find(&close).expect("closed");
                rest = &rest[end..];
            }
        }
        out.push(tag);
    }
    out
}

/// The name and attributes of a tag. The report writes every value in
/// double quotes; anything else in a tag (an unquoted value, a stray quote)
/// would be injected markup, so it fails here.
fn parse_tag(tag: &str) -> (String, Vec<(String, String)>) {
    let tag = tag.trim_end_matches('/');
    let (name, mut rest) = tag.split_once(' ').unwrap_or((tag, ""));
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (attr, after) = rest
            .split_once("=\"")
            .unwrap_or_else(|| panic!("attribute without a quoted value in <{tag}>"));
        assert!(
            !attr.is_empty()
                && attr
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':'),
            "bad attribute name {attr:?} in <{tag}>"
        );
        let (value, after) = after
            .split_once('"')
            .unwrap_or_else(|| panic!("unclosed value in <{tag}>"));
        attrs.push((attr.to_string(), value.to_string()));
        rest = after;
    }
    (name.to_string(), attrs)
}

#[test]
fn html_report_is_self_contained_and_escaped() {
    let dir = tree(&[
        ("src/jobs.py", JOBS_PY),
        (
            &format!("src/{MALICIOUS}"),
            "import requests\nrequests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list')\n",
        ),
    ]);
    let o = run_in(
        dir.path(),
        &[
            "report",
            "--format",
            "html",
            "--as-of",
            AS_OF,
            "--link-base",
            "https://github.com/org/repo/blob/abc123",
            "src",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = stdout(&o);
    assert!(html.starts_with("<!DOCTYPE html>"));

    // The chart, the tables and the sections.
    assert!(html.contains("<svg class=\"timeline\""), "{html}");
    assert!(html.contains("<g class=\"today\">"));
    assert!(html.contains("today · 23 November 2026"));
    for id in ["summary", "timeline", "endpoints", "checklist", "mentions"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(html.contains("<table class=\"sortable\" id=\"endpoints-table\">"));
    assert!(html.contains("<table class=\"sortable\" id=\"timeline-table\">"));
    assert!(html.contains("<input type=\"checkbox\""));

    // Nothing is fetched: no external resource of any kind.
    let tags = tags(&html);
    assert!(tags.len() > 100, "{} tags", tags.len());
    for tag in tags
        .iter()
        .filter(|t| !t.starts_with('/') && !t.starts_with('!'))
    {
        let (name, attrs) = parse_tag(tag);
        assert!(
            ![
                "img",
                "link",
                "iframe",
                "object",
                "embed",
                "source",
                "video",
                "audio",
                "image",
                "use",
                "base",
                "form",
                "frame",
                "meta http-equiv=\"refresh\"",
            ]
            .contains(&name.as_str()),
            "unexpected <{tag}>"
        );
        for (attr, value) in &attrs {
            assert!(
                !attr.starts_with("on")
                    && attr != "src"
                    && attr != "srcset"
                    && attr != "xlink:href",
                "<{tag}>"
            );
            if attr == "href" {
                assert!(name == "a", "href on <{tag}>");
                assert!(
                    value.starts_with('#') || value.starts_with("https://"),
                    "<{tag}>"
                );
            }
        }
    }
    assert_eq!(html.matches("<script>").count(), 1);
    assert_eq!(html.matches("<script").count(), 1);
    for fetch in ["@import", "url(", "@font-face"] {
        assert!(!html.contains(fetch), "{fetch}");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));

    // The malicious file name: text escaped, link percent-encoded.
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;.py:2"),
        "the file name is not shown escaped"
    );
    assert!(html.contains(
        "href=\"https://github.com/org/repo/blob/abc123/src/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.py#L2\""
    ));
    assert!(!html.contains("<img"));
    // Links to the other file.
    assert!(html.contains("href=\"https://github.com/org/repo/blob/abc123/src/jobs.py#L4\""));
}

#[test]
fn markdown_escapes_a_malicious_file_name() {
    let dir = tree(&[(
        &format!("src/{MALICIOUS}"),
        "import requests\nrequests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list')\n",
    )]);
    let o = run_in(
        dir.path(),
        &[
            "report",
            "--as-of",
            AS_OF,
            "--link-base",
            "https://github.com/org/repo/blob/abc123",
            "src",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    // Only ever inside a code span, and URL-encoded in the link.
    assert!(
        md.contains("[`src/<img src=x onerror=alert(1)>.py:2`](https://github.com/org/repo/blob/abc123/src/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.py#L2)"),
        "{md}"
    );
    for line in md.lines().filter(|l| l.contains("<img")) {
        let outside: String = line.split('`').step_by(2).collect();
        assert!(!outside.contains("<img"), "outside a code span: {line}");
    }
}

// ---------------------------------------------------------------------------
// Roll-up.
// ---------------------------------------------------------------------------

/// `sunset audit --format json --repo-name NAME -o NAME.json` in `repo`.
fn audit_json(repo: &Path, name: &str, as_of: &str, out: &Path) {
    let o = run_in(
        repo,
        &[
            "audit",
            "--format",
            "json",
            "--as-of",
            as_of,
            "--repo-name",
            name,
            "-o",
            out.to_str().expect("utf-8 path"),
            ".",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

fn two_reports() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let work = tempfile::tempdir().expect("tempdir");
    let alpha = tree(&[("scripts/auth.sh", AUTH_SH), ("src/jobs.py", JOBS_PY)]);
    let beta = tree(&[("lib/kb.py", JOBS_PY)]);
    let a = work.path().join("alpha.json");
    let b = work.path().join("beta.json");
    // alpha was scanned before the NSX and PCRS EOS (November 2026):
    // deprecated then, EOS at the roll-up's date.
    audit_json(alpha.path(), "alpha", "2026-10-15", &a);
    audit_json(beta.path(), "beta", AS_OF, &b);
    let json = std::fs::read_to_string(&a).expect("alpha.json");
    assert!(json.contains("\"status\": \"deprecated\""), "{json}");
    assert!(!json.contains("S3cr3t-Pa55"), "{json}");
    (work, a, b)
}

#[test]
fn rollup_merges_two_reports() {
    let (work, _, _) = two_reports();
    let o = run_in(
        work.path(),
        &["report", "--from", "alpha.json", "beta.json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("As of **23 November 2026** (the newest scan among the merged reports)"),
        "{md}"
    );
    assert!(md.contains("## Repositories"), "{md}");
    // Restated at the roll-up's date: EOS since 1 November 2026.
    assert!(
        md.contains("- [ ] `alpha: scripts/auth.sh:2`  `https://***@qualysapi.qualys.com/api/2.0/fo/auth/nsx/?action=list` → `https://***@qualysapi.qualys.com/api/3.0/fo/auth/nsx/?action=list` (EOS; sunset fix --unsafe: 2.0 → 3.0)"),
        "{md}"
    );
    assert!(!md.contains("S3cr3t-Pa55"), "{md}");
    insta::assert_snapshot!(md);

    // `--as-of` wins over the inputs' dates.
    let o = run_in(
        work.path(),
        &[
            "report",
            "--as-of",
            "2027-01-05",
            "--from",
            "alpha.json",
            "beta.json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("As of **5 January 2027** (set with --as-of)"),
        "{md}"
    );
    assert!(
        md.contains("### End of Life reached: these calls fail now"),
        "{md}"
    );
}

#[test]
fn rollup_html_has_the_repository_table() {
    let (work, _, _) = two_reports();
    let o = run_in(
        work.path(),
        &[
            "report",
            "--format",
            "html",
            "--from",
            "alpha.json",
            "beta.json",
            "--link-base",
            "alpha=https://git.example/alpha/blob/main",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = stdout(&o);
    assert!(html.contains("<section id=\"repositories\">"));
    assert!(html.contains("<td><code>alpha</code></td>"));
    assert!(html.contains("<td><code>beta</code></td>"));
    // Per-repository link base: alpha's lines are links, beta's are not.
    assert!(html.contains("href=\"https://git.example/alpha/blob/main/src/jobs.py#L4\""));
    assert!(!html.contains("href=\"https://git.example/alpha/blob/main/lib/"));
    assert!(!html.contains("https://git.example/beta"));
    assert!(
        html.contains("<code>beta: lib/<wbr>kb.py:4</code>"),
        "{html}"
    );
}

#[test]
fn rollup_reads_check_reports_too() {
    let (work, a, _) = two_reports();
    // A `sunset check` report: the same document with a gate and verdicts.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a).expect("read")).expect("json");
    doc["gate"] = serde_json::json!({"fail_on": "eol", "passed": false, "failing": 1});
    for f in doc["findings"].as_array_mut().expect("findings") {
        f["verdict"] = serde_json::json!("fail");
    }
    std::fs::write(&a, doc.to_string()).expect("write");
    let o = run_in(
        work.path(),
        &["report", "--from", "alpha.json", "beta.json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("| `alpha` | 5 |"), "{}", stdout(&o));
}

#[test]
fn rollup_rejects_two_reports_of_one_repository() {
    let (work, a, _) = two_reports();
    let copy = work.path().join("alpha-again.json");
    std::fs::copy(&a, &copy).expect("copy");
    let o = run_in(
        work.path(),
        &["report", "--from", "alpha.json", "alpha-again.json"],
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("alpha-again.json"), "{err}");
    assert!(err.contains("alpha.json"), "{err}");
    assert!(err.contains("`alpha`"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn rollup_of_a_file_that_is_not_a_report_exits_2_naming_it() {
    let (work, _, _) = two_reports();
    let cases = [
        ("notes.txt", "just text\n", "not JSON"),
        (
            "sarif.json",
            "{\"version\": \"2.1.0\", \"runs\": []}",
            "no `schema` key",
        ),
        ("future.json", "{\"schema\": \"sunset/2\"}", "`sunset/2`"),
        (
            "broken.json",
            "{\"schema\": \"sunset/1\", \"as_of\": \"2026-11-23\"}",
            "findings",
        ),
    ];
    for (name, text, reason) in cases {
        std::fs::write(work.path().join(name), text).expect("write");
        let o = run_in(work.path(), &["report", "--from", "alpha.json", name]);
        assert_eq!(code(&o), 2, "{name}");
        let err = stderr(&o);
        assert!(err.contains(name), "{name}: {err}");
        assert!(err.contains(reason), "{name}: {err}");
        assert!(o.stdout.is_empty(), "{name}");
    }
    let o = run_in(work.path(), &["report", "--from", "no-such.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no-such.json"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------
// Exit codes and flags.
// ---------------------------------------------------------------------------

#[test]
fn missing_path_exits_2() {
    let dir = small_tree();
    let o = run_in(
        dir.path(),
        &["report", "--as-of", AS_OF, "src", "no/such/dir"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn output_file_is_written_and_exit_is_0() {
    let dir = small_tree();
    let o = run_in(
        dir.path(),
        &[
            "report",
            "--as-of",
            AS_OF,
            "--format",
            "html",
            "-o",
            "report.html",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let html = std::fs::read_to_string(dir.path().join("report.html")).expect("written");
    assert!(html.contains("<svg class=\"timeline\""));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn a_clean_tree_still_reports() {
    let dir = tree(&[("src/app.py", "print('hello')\n")]);
    let o = run_in(dir.path(), &["report", "--as-of", AS_OF]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("| Call sites | **0** (EOL 0 · EOS 0 · deprecated 0) |"),
        "{md}"
    );
    assert!(md.contains("No call site to migrate."), "{md}");

    let o = run_in(
        dir.path(),
        &["report", "--as-of", AS_OF, "--format", "html"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let html = stdout(&o);
    assert!(
        html.contains("<p>No legacy endpoint is used.</p>"),
        "{html}"
    );
    assert!(html.contains("<p>No call site to migrate.</p>"), "{html}");
    assert!(!html.contains("<svg"), "an empty chart: {html}");
}

#[test]
fn bad_flags_exit_2() {
    let dir = small_tree();
    for args in [
        &["report", "--link-base", "javascript:alert(1)", "src"][..],
        &["report", "--format", "pdf", "src"],
        &["report", "--from", "a.json", "--", "src"],
    ] {
        let o = run_in(dir.path(), args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

// ---------------------------------------------------------------------------
// In a real browser.
// ---------------------------------------------------------------------------

/// The Chromium binary: `$CHROMIUM`, else the first of the usual names on
/// `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

#[test]
#[ignore = "needs chromium: .ci/run installs it and runs this test"]
fn browser_renders_the_html_report() {
    let browser = chromium().expect(
        "no chromium on PATH (set CHROMIUM=/path/to/chromium): this test must not pass without a browser",
    );
    let work = tempfile::tempdir().expect("tempdir");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let html_path = work.path().join("report.html");
    let o = sunset()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "--format", "html", "--as-of", AS_OF, "-o"])
        .arg(&html_path)
        .arg(&examples)
        .output()
        .expect("run sunset");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let url = format!("file://{}", html_path.display());
    let profile = work.path().join("profile");
    let headless = |extra: &[&str]| {
        Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("run chromium")
    };

    // The DOM after the browser parsed the page and ran its script.
    let dom = headless(&["--dump-dom"]);
    assert!(dom.status.success(), "{}", stderr(&dom));
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(
        dom.contains("<svg class=\"timeline\""),
        "no chart in:\n{dom}"
    );
    assert!(dom.contains("class=\"today\""), "no today line");
    // The inline script ran: it marks every sortable table.
    assert!(
        dom.contains("<table class=\"sortable js-sortable\" id=\"endpoints-table\">"),
        "the sort script did not run"
    );
    assert!(dom.contains("aria-sort=\"none\""));
    // Every legacy endpoint of examples/ is a row of the chart and of the table.
    for endpoint in [
        "/api/2.0/fo/scan/",
        "/pcrs/1.0/posture/hostids",
        "/api/2.0/fo/auth/nsx/",
    ] {
        assert!(dom.contains(endpoint), "{endpoint} missing");
    }
    assert!(dom.matches("<g class=\"row\">").count() >= 10);

    // The tables sort: a copy of the page clicks "Call sites" twice
    // (descending), and the endpoint with the most call sites comes first.
    let sorted_path = work.path().join("sorted.html");
    let html = std::fs::read_to_string(&html_path).expect("report");
    let click = "<script>var th=document.querySelectorAll('#endpoints-table th')[6];th.click();th.click();</script></body>";
    std::fs::write(&sorted_path, html.replace("</body>", click)).expect("write");
    let o = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", sorted_path.display()))
        .output()
        .expect("run chromium");
    assert!(o.status.success(), "{}", stderr(&o));
    let dom = String::from_utf8_lossy(&o.stdout).into_owned();
    let table = &dom[dom.find("id=\"endpoints-table\"").expect("table")..];
    let body = &table[table.find("<tbody>").expect("tbody")..];
    let first_row = &body[..body.find("</tr>").expect("row")];
    assert!(
        first_row.contains(">Scan API</a>"),
        "not sorted: {first_row}"
    );
    assert!(table.contains("aria-sort=\"descending\""));

    // And it paints: a screenshot is a PNG of some size.
    let shot = work.path().join("report.png");
    let o = headless(&[
        "--window-size=1200,2400",
        &format!("--screenshot={}", shot.display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 50_000,
        "a {} byte screenshot is blank",
        png.len()
    );
}

/// Issue 12: the report lists per endpoint what must change in the
/// requests (their request checks, grouped and counted), not only the URL.
#[test]
fn request_changes_are_listed_per_endpoint() {
    let py = "\
import requests
requests.post('https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/', data={'action': 'create', 'vault_type': 'HashiCorp', 'title': 'a'})
requests.post('https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/', data={'action': 'update', 'vault_type': 'HashiCorp', 'ids': '7'})
requests.post('https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/', data={'action': 'list'})
requests.post('https://qualysapi.qualys.com/api/2.0/fo/scan/cloud/internal/job/', data={'action': 'create', 'cloud_provider': 'gcp'})
";
    let dir = tree(&[("src/vault.py", py)]);
    let md = run_in(dir.path(), &["report", "--as-of", AS_OF, "src"]);
    assert_eq!(code(&md), 0, "{}", stderr(&md));
    let text = stdout(&md);
    assert!(text.contains("Request changes"), "{text}");
    assert!(text.contains("(2 calls)"), "{text}");
    insta::assert_snapshot!("request_changes_markdown", text);
    let html = run_in(
        dir.path(),
        &["report", "--as-of", AS_OF, "--format", "html", "src"],
    );
    let page = stdout(&html);
    assert!(
        page.contains("<p class=\"notes-title\">Request changes</p>"),
        "{page}"
    );
    assert!(page.contains("<code>param-required</code>"), "{page}");
}
