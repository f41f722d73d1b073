//! One snapshot per output format, from one shared set of findings: EOL,
//! EOS, deprecated, a mention, an unconfirmed rule, redacted secrets, a
//! unicode path and an unresolved URL. The JSON is also checked
//! structurally against the `sunset/1` contract.

use std::path::Path;

use serde_json::Value;

use sunset::report::human::{self, HumanOptions};
use sunset::report::{json, Report};
use sunset::scan;

use crate::fixtures::{bundled, options};

/// Secrets planted in the tree; none may appear in any output.
const SECRETS: [&str; 3] = ["S3cretPass", "abc.def.ghi", "hunter2"];

const SCAN_SH: &str = r#"#!/bin/sh
# Nightly scan export (EOS), CAR scripts (EOL) and detections (unconfirmed).
curl -sS -u admin:S3cretPass -H "X-Requested-With: ci" "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list&state=Running"
curl -sS -H "Authorization: Bearer abc.def.ghi" "https://gateway.qg1.apps.qualys.com/sm/v1/script?limit=10"
curl -sS -u "$QUALYS_USER:$QUALYS_PASS" "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list"
curl -sS -u "$QUALYS_USER:$QUALYS_PASS" "https://qualysapi.qualys.com/api/2.0/fo/scanner/?action=list"
"#;

const UNICODE_PY: &str = r#"import requests

BASE = "https://qualysapi.qualys.com"
# TODO(équipe): /api/2.0/fo/schedule/scan/ moves to 5.0 before the deadline.
r = requests.post(BASE + "/api/2.0/fo/report/?action=list", auth=("admin", "hunter2"), params={"password": "hunter2"})
"#;

/// Writes the shared tree and scans it; paths in the report are relative to
/// the temp root, so the snapshots do not depend on where the temp dir is.
fn shared_report() -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("ci/scan.sh", SCAN_SH);
    write("tests/données/é.py", UNICODE_PY);
    write("README.md", "Nothing to see here.\n");
    let mut report = scan::scan(&options(vec![dir.path().to_path_buf()]), bundled());
    relativize(&mut report, dir.path());
    report
}

fn relativize(report: &mut Report, root: &Path) {
    let prefix = format!("{}/", scan::display_path(root));
    let strip = |p: &mut String| {
        if let Some(rest) = p.strip_prefix(&prefix) {
            *p = rest.to_string();
        }
    };
    report.findings.iter_mut().for_each(|f| strip(&mut f.path));
    report
        .summary
        .unresolved
        .iter_mut()
        .for_each(|u| strip(&mut u.path));
    report
        .summary
        .notices
        .iter_mut()
        .for_each(|n| strip(&mut n.path));
}

fn render_json(report: &Report) -> String {
    let mut out = Vec::new();
    json::render(report, &mut out).expect("render json");
    String::from_utf8(out).expect("utf-8 JSON")
}

fn render_human(report: &Report) -> String {
    let mut out = Vec::new();
    human::render(
        report,
        &HumanOptions {
            color: false,
            width: Some(100),
        },
        &mut out,
    )
    .expect("render human");
    String::from_utf8(out).expect("utf-8 output")
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} output leaks {secret:?}:\n{text}"
        );
    }
}

#[test]
fn shared_findings_cover_every_case() {
    let report = shared_report();
    let got: Vec<(&str, usize, &str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.line,
                f.rule.as_str(),
                f.status.as_str(),
                f.kind.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("ci/scan.sh", 3, "qualys-scan-v2", "eos", "call"),
            ("ci/scan.sh", 4, "qualys-car-script-v1", "eol", "call"),
            ("ci/scan.sh", 5, "qualys-host-detection-v2", "eos", "call"),
            (
                "tests/données/é.py",
                4,
                "qualys-schedule-scan-v2",
                "deprecated",
                "mention"
            ),
            (
                "tests/données/é.py",
                5,
                "qualys-report-v2",
                "deprecated",
                "call"
            ),
        ]
    );
    let unresolved: Vec<(&str, usize)> = report
        .summary
        .unresolved
        .iter()
        .map(|u| (u.path.as_str(), u.line))
        .collect();
    assert_eq!(unresolved, vec![("ci/scan.sh", 6)]);
    assert!(report.findings.iter().any(|f| !f.confirmed));
}

#[test]
fn json_output() {
    let report = shared_report();
    let text = render_json(&report);
    assert_no_secret("JSON", &text);
    let doc: Value = serde_json::from_str(&text).expect("the JSON output parses");
    assert_eq!(doc["schema"], "sunset/1");
    assert_eq!(doc["as_of"], crate::fixtures::AS_OF);
    let findings = doc["findings"].as_array().expect("findings is an array");
    assert_eq!(findings.len(), 5);
    const FIELDS: [&str; 18] = [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "rule",
        "endpoint",
        "matched",
        "replacement",
        "suggested",
        "status",
        "eos",
        "eol",
        "days_left",
        "severity",
        "kind",
        "source",
        "confirmed",
    ];
    for f in findings {
        for key in FIELDS {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(
                f[key].as_u64().is_some_and(|n| n >= 1),
                "`{key}` is not a 1-based number: {f}"
            );
        }
        assert!(
            ["eol", "eos", "deprecated"].contains(&f["status"].as_str().expect("status")),
            "{f}"
        );
        assert!(
            ["error", "warning", "note"].contains(&f["severity"].as_str().expect("severity")),
            "{f}"
        );
        assert!(
            ["call", "mention"].contains(&f["kind"].as_str().expect("kind")),
            "{f}"
        );
        for key in ["eos", "eol"] {
            let ok = f[key].is_null()
                || f[key]
                    .as_str()
                    .is_some_and(|d| d.len() == 7 || d.len() == 10);
            assert!(ok, "`{key}` is not YYYY-MM, YYYY-MM-DD or null: {f}");
        }
        assert!(
            f["source"]["title"].is_string() && f["source"]["date"].is_string(),
            "{f}"
        );
        assert!(!f["path"].as_str().expect("path").contains('\\'), "{f}");
    }
    let summary = &doc["summary"];
    assert_eq!(summary["files_scanned"], 3);
    assert_eq!(summary["unresolved"].as_array().map(Vec::len), Some(1));
    insta::assert_snapshot!(text);
}

#[test]
fn human_output() {
    let report = shared_report();
    let text = render_human(&report);
    assert_no_secret("human", &text);
    assert!(!text.contains('\u{1b}'), "colour is off");
    assert!(text.contains("tests/données/é.py:5:"), "{text}");
    assert_eq!(
        text.lines()
            .last()
            .map(|l| l.starts_with("sunset: 5 findings")),
        Some(true),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn human_output_for_a_clean_tree_is_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ok.py"), "print('/api/3.0/fo/scan/')\n").expect("write");
    let report = scan::scan(&options(vec![dir.path().to_path_buf()]), bundled());
    let text = render_human(&report);
    assert_eq!(
        text,
        "sunset: no legacy Qualys endpoints found (scanned 1 file)\n"
    );
}
