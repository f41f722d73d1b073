//! One snapshot per output format, from one shared set of findings: EOL,
//! EOS, deprecated, a mention, an unconfirmed rule, redacted secrets, a
//! unicode path and an unresolved URL. The JSON is also checked
//! structurally against the `sunset/1` contract.

use std::path::Path;

use serde_json::Value;

use sunset::model::{
    Applicability, BaselineOutcome, ExpiredWaiver, FindingKind, Gate, Notice, Report, Severity,
    SuppressedBy, Suppression, Verdict,
};
use sunset::printer::human::{self, HumanOptions};
use sunset::printer::{self as report, json, OutputFormat};
use sunset::rules::Status;

use crate::fixtures::options;

/// Secrets planted in the tree; none may appear in any output.
const SECRETS: [&str; 3] = ["S3cretPass", "abc.def.ghi", "hunter2"];

const SCAN_SH: &str = r#"#!/bin/sh
# Nightly scan export (EOS), CAR scripts (EOL) and detections (EOL June 2026, unconfirmed).
curl -sS -u admin:S3cretPass -H "X-Requested-With: ci" "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list&state=Running"
curl -sS -H "Authorization: Bearer abc.def.ghi" "https://gateway.qg1.apps.qualys.com/sm/v1/script?limit=10"
curl -sS -u "$QUALYS_USER:$QUALYS_PASS" "https://qualysapi.qualys.com/api/2.0/fo/asset/host/vm/detection/?action=list"
curl -sS -u "$QUALYS_USER:$QUALYS_PASS" "https://qualysapi.qualys.com/api/2.0/fo/scanner/?action=list"
curl -sS -u "$QUALYS_USER:$QUALYS_PASS" "https://qualysapi.qualys.com/api/2.0/fo/auth/$RECORD_TYPE/?action=list"
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
    let mut report = crate::fixtures::scan_report(&options(vec![dir.path().to_path_buf()]));
    relativize(&mut report, dir.path());
    report
}

fn relativize(report: &mut Report, root: &Path) {
    let prefix = format!("{}/", sunset::source::display_path(root));
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
        .chain(report.summary.unknown.iter_mut())
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
            show_unknown: false,
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
            ("ci/scan.sh", 5, "qualys-host-detection-v2", "eol", "call"),
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
                "test"
            ),
        ]
    );
    let unresolved: Vec<(&str, usize)> = report
        .summary
        .unresolved
        .iter()
        .map(|u| (u.path.as_str(), u.line))
        .collect();
    // A segment filled in at run time (`auth/$RECORD_TYPE/`) is unresolved,
    // not the generic auth endpoint; a whole path no rule names is unknown.
    assert_eq!(unresolved, vec![("ci/scan.sh", 7)]);
    let unknown: Vec<(&str, usize)> = report
        .summary
        .unknown
        .iter()
        .map(|u| (u.path.as_str(), u.line))
        .collect();
    assert_eq!(unknown, vec![("ci/scan.sh", 6)]);
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
            ["call", "mention", "test"].contains(&f["kind"].as_str().expect("kind")),
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
    assert_eq!(summary["unknown"].as_array().map(Vec::len), Some(1));
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
    let report = crate::fixtures::scan_report(&options(vec![dir.path().to_path_buf()]));
    let text = render_human(&report);
    assert_eq!(
        text,
        "sunset: no legacy Qualys endpoints found (scanned 1 file)\n"
    );
}

// ---------------------------------------------------------------------------
// CI formats: SARIF, GitHub, GitLab, JUnit, concise, CSV.
// ---------------------------------------------------------------------------

/// Renders `report` in one of the CI formats.
fn render_as(report: &Report, format: OutputFormat) -> String {
    let mut out = Vec::new();
    report::render(
        report,
        format,
        &HumanOptions {
            color: false,
            width: Some(100),
            show_unknown: false,
        },
        &mut out,
    )
    .expect("render");
    String::from_utf8(out).expect("utf-8 output")
}

const CI_FORMATS: [(&str, OutputFormat); 6] = [
    ("sarif", OutputFormat::Sarif),
    ("github", OutputFormat::Github),
    ("gitlab", OutputFormat::Gitlab),
    ("junit", OutputFormat::Junit),
    ("concise", OutputFormat::Concise),
    ("csv", OutputFormat::Csv),
];

/// A path that holds every character some format must escape: markup,
/// quotes, the workflow-command separators, a percent sign, a control
/// character XML forbids and a line break.
const HOSTILE_PATH: &str = "odd/a&b<c>\"d'e,f:g%h\u{1}i\nj.py";

/// The shared report as `sunset check --fail-on eos --warn-within 30
/// --baseline sunset-baseline.json` would leave it, set by hand: the EOS
/// call fails, the EOL call is suppressed inline with a reason, the
/// unconfirmed one by the baseline, the rest warn (8 days left). A copy of
/// the deprecated call sits under [`HOSTILE_PATH`] to exercise escaping.
fn gated_report() -> Report {
    let mut report = shared_report();
    let mut odd = report.findings[4].clone();
    odd.path = HOSTILE_PATH.to_string();
    odd.fingerprint = "00000000000000ff".to_string();
    report.findings.push(odd);
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    for f in &mut report.findings {
        f.verdict = Some(Verdict::Warn);
        match (f.rule.as_str(), f.status) {
            ("qualys-scan-v2", _) => f.verdict = Some(Verdict::Fail),
            ("qualys-car-script-v1", _) => {
                f.suppressed = Some(Suppression {
                    by: SuppressedBy::Inline,
                    reason: Some("migration <ticket #42> & rollout \"next week\"".to_string()),
                    at: "ci/scan.sh:3".to_string(),
                });
            }
            ("qualys-host-detection-v2", _) => {
                f.suppressed = Some(Suppression {
                    by: SuppressedBy::Baseline,
                    reason: None,
                    at: "sunset-baseline.json".to_string(),
                });
            }
            _ => {}
        }
    }
    report.count_findings();
    report.repo_name = Some("acme/scanner".to_string());
    report.gate = Some(Gate {
        fail_on: Status::Eos,
        warn_within_days: 30,
        warn_within: "30 days".to_string(),
        strict: false,
        fail_unconfirmed: false,
        passed: false,
        failing: 1,
        request_failing: 0,
        warnings: 5,
        expired_waivers: vec![ExpiredWaiver {
            at: "sunset.toml:7".to_string(),
            rule: Some("qualys-report-v2".to_string()),
            path: None,
            until: "2026-10-01".to_string(),
            reason: "report migration in Q3".to_string(),
        }],
        unexplained_suppressions: vec![Notice {
            path: "tests/données/é.py:3".to_string(),
            message: "`sunset: ignore` without a reason".to_string(),
        }],
        baseline: Some(BaselineOutcome {
            file: "sunset-baseline.json".to_string(),
            known: 1,
            new: 5,
            fixed: Vec::new(),
        }),
        details: "sunset audit . --as-of 2026-11-23".to_string(),
    });
    report
}

#[test]
fn gated_report_has_every_gate_case() {
    let report = gated_report();
    let verdicts: Vec<(&str, Option<&str>, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                f.verdict.map(Verdict::as_str),
                f.suppressed.as_ref().map(|s| s.by.as_str()),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("qualys-scan-v2", Some("fail"), None),
            ("qualys-car-script-v1", Some("warn"), Some("inline")),
            ("qualys-host-detection-v2", Some("warn"), Some("baseline")),
            ("qualys-report-v2", Some("warn"), None),
            ("qualys-schedule-scan-v2", Some("warn"), None),
            ("qualys-report-v2", Some("warn"), None),
        ]
    );
    assert_eq!(report.findings[3].path, HOSTILE_PATH);
}

#[test]
fn ci_formats_snapshots() {
    for (variant, report) in [("audit", shared_report()), ("gated", gated_report())] {
        for (name, format) in CI_FORMATS {
            let text = render_as(&report, format);
            assert_no_secret(name, &text);
            insta::assert_snapshot!(format!("ci_{name}_{variant}"), text);
        }
    }
}

/// Every report the CI formats are checked on.
fn ci_reports() -> Vec<Report> {
    vec![shared_report(), gated_report()]
}

// --- SARIF -----------------------------------------------------------------

/// The official OASIS SARIF 2.1.0 schema (errata01,
/// `sarif-schema-2.1.0.json`); see `tests/schemas/README.md` for where the
/// copy comes from.
fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("the SARIF schema is checked in");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    for report in ci_reports() {
        let doc: Value =
            serde_json::from_str(&render_as(&report, OutputFormat::Sarif)).expect("SARIF is JSON");
        assert_eq!(schema_errors(&validator, &doc), Vec::<String>::new());

        // The validator really checks: broken copies are rejected.
        let mut broken = doc.clone();
        broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
        assert!(!schema_errors(&validator, &broken).is_empty());
        let mut broken = doc.clone();
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
            ["startLine"] = Value::from(0);
        assert!(!schema_errors(&validator, &broken).is_empty());
        let mut broken = doc.clone();
        broken["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = Value::from("not a uri");
        assert!(
            !schema_errors(&validator, &broken).is_empty(),
            "format check"
        );
        let mut broken = doc;
        broken["runs"][0]["tool"]["driver"]
            .as_object_mut()
            .expect("driver")
            .remove("name");
        assert!(!schema_errors(&validator, &broken).is_empty());
    }
}

/// The printer writes results one at a time; the bytes are those of the
/// whole document serialized at once (the streaming is invisible).
#[test]
fn sarif_streamed_is_the_document_byte_for_byte() {
    for report in ci_reports() {
        let streamed = render_as(&report, OutputFormat::Sarif);
        let whole = serde_json::to_string_pretty(
            &sunset::printer::sarif::document(&report).expect("document"),
        )
        .expect("serialize");
        assert!(!report.findings.is_empty());
        assert_eq!(streamed, format!("{whole}\n"));
    }
}

#[test]
fn sarif_results_point_at_their_rules_and_carry_gate_state() {
    let report = gated_report();
    let doc: Value =
        serde_json::from_str(&render_as(&report, OutputFormat::Sarif)).expect("SARIF is JSON");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules are sorted and unique");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.findings.len());
    for (r, f) in results.iter().zip(&report.findings) {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert_eq!(r["ruleId"], f.rule.as_str());
        assert_eq!(
            r["partialFingerprints"]["sunset/v1"],
            f.fingerprint.as_str()
        );
        assert_eq!(r["level"], f.level().as_str());
        let state = if f
            .suppressed
            .as_ref()
            .is_some_and(|s| s.by == SuppressedBy::Baseline)
        {
            "unchanged"
        } else {
            "new"
        };
        assert_eq!(r["baselineState"], state);
        let kinds: Vec<&str> = r["suppressions"]
            .as_array()
            .map(|s| {
                s.iter()
                    .map(|s| s["kind"].as_str().expect("kind"))
                    .collect()
            })
            .unwrap_or_default();
        let expected: Vec<&str> = match f.suppressed.as_ref().map(|s| s.by) {
            Some(SuppressedBy::Inline) => vec!["inSource"],
            Some(_) => vec!["external"],
            None => vec![],
        };
        assert_eq!(kinds, expected);
    }
    assert_eq!(run["properties"]["repo"], "acme/scanner");
    // In `audit` there is no baseline, hence no baseline state.
    let doc: Value =
        serde_json::from_str(&render_as(&shared_report(), OutputFormat::Sarif)).expect("JSON");
    for r in doc["runs"][0]["results"].as_array().expect("results") {
        assert!(r.get("baselineState").is_none(), "{r}");
        assert!(r.get("suppressions").is_none(), "{r}");
    }
}

#[test]
fn sarif_fixes_are_the_findings_safe_edits() {
    let report = shared_report();
    let doc: Value =
        serde_json::from_str(&render_as(&report, OutputFormat::Sarif)).expect("SARIF is JSON");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    for (r, f) in results.iter().zip(&report.findings) {
        assert_eq!(
            r.get("fixes").is_some(),
            f.kind == FindingKind::Call && f.applicable_fix(false).is_some(),
            "a fix is offered exactly when `sunset fix` would apply it: {r}"
        );
    }
    // The shared tree's calls are rewrites of rules whose new version
    // changes parameters or output (not `safe-fix`): no fix offered.
    assert!(results.iter().all(|r| r.get("fixes").is_none()));

    // A safe fix is offered as exactly its edits.
    let mut one = report.clone();
    let with_fix = report
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::Call && f.fix.is_some())
        .expect("the shared tree has a call with a fix")
        .clone();
    one.findings = vec![with_fix];
    let edit = one.findings[0].fix.as_ref().expect("fix").edits[0].clone();
    let doc: Value = serde_json::from_str(&render_as(&one, OutputFormat::Sarif)).expect("JSON");
    assert!(doc["runs"][0]["results"][0].get("fixes").is_none());
    if let Some(fix) = one.findings[0].fix.as_mut() {
        fix.applicability = Applicability::Safe;
    }
    let doc: Value = serde_json::from_str(&render_as(&one, OutputFormat::Sarif)).expect("JSON");
    let replacement =
        &doc["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], edit.to.as_str());
    assert_eq!(
        replacement["deletedRegion"]["startColumn"].as_u64(),
        Some(edit.column as u64)
    );
    assert_eq!(
        replacement["deletedRegion"]["endColumn"].as_u64(),
        Some((edit.column + edit.from.chars().count()) as u64)
    );
}

// --- GitHub ----------------------------------------------------------------

#[test]
fn github_lines_follow_the_workflow_command_grammar() {
    let command = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,endLine=[1-9][0-9]*,endColumn=[1-9][0-9]*,title=[^,:\r\n]+::[^\r\n]+$",
    )
    .expect("regex");
    for report in ci_reports() {
        let text = render_as(&report, OutputFormat::Github);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), report.findings.len() + 1, "{text}");
        for (line, f) in lines.iter().zip(&report.findings) {
            assert!(command.is_match(line), "not a workflow command: {line}");
            let expected = match (f.suppressed.is_some(), f.level()) {
                (true, _) => "::notice ",
                (false, Severity::Error) => "::error ",
                (false, Severity::Warning) => "::warning ",
                (false, _) => "::notice ",
            };
            assert!(line.starts_with(expected), "{line}");
        }
        let summary = lines.last().expect("summary");
        assert!(summary.starts_with("sunset"), "{summary}");
        if report.gate.is_some() {
            assert!(summary.contains("gate failed: 1 finding"), "{summary}");
        }
    }
    let text = render_as(&gated_report(), OutputFormat::Github);
    assert!(
        text.contains("file=odd/a&b<c>\"d'e%2Cf%3Ag%25h\\u{1}i%0Aj.py,"),
        "{text}"
    );
}

// --- GitLab ----------------------------------------------------------------

#[test]
fn gitlab_is_an_array_of_issues_with_unique_fingerprints() {
    for mut report in ci_reports() {
        // The same file reached under two roots repeats a fingerprint.
        let twin = report.findings[0].clone();
        report.findings.insert(1, twin);
        let doc: Value = serde_json::from_str(&render_as(&report, OutputFormat::Gitlab))
            .expect("GitLab report is JSON");
        let issues = doc.as_array().expect("an array");
        assert_eq!(issues.len(), report.findings.len());
        let mut fingerprints = std::collections::HashSet::new();
        for (issue, f) in issues.iter().zip(&report.findings) {
            let fp = issue["fingerprint"].as_str().expect("fingerprint");
            assert!(fingerprints.insert(fp.to_string()), "repeated {fp}");
            assert!(fp.starts_with(&f.fingerprint));
            assert_eq!(issue["check_name"], f.rule.as_str());
            assert_eq!(issue["location"]["path"], f.path.as_str());
            assert_eq!(issue["location"]["lines"]["begin"], f.line);
            assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
            let severity = issue["severity"].as_str().expect("severity");
            assert!(
                ["info", "minor", "major", "critical", "blocker"].contains(&severity),
                "{issue}"
            );
            if let Some(s) = &f.suppressed {
                assert_eq!(severity, "info");
                assert!(issue["description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("Suppressed (") && d.contains(s.by.as_str())));
            }
        }
    }
}

// --- JUnit -----------------------------------------------------------------

#[test]
fn junit_parses_as_xml_with_one_suite_per_file() {
    for report in ci_reports() {
        let text = render_as(&report, OutputFormat::Junit);
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("JUnit output is not XML: {e}\n{text}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        let mut paths: Vec<String> = report.findings.iter().map(|f| f.path.clone()).collect();
        paths.dedup();
        assert_eq!(suites.len(), paths.len());
        let mut cases = Vec::new();
        for (suite, path) in suites.iter().zip(&paths) {
            assert_eq!(suite.tag_name().name(), "testsuite");
            // Forbidden control characters were replaced, the rest survive.
            let expected = path.replace('\u{1}', "\u{fffd}");
            assert_eq!(suite.attribute("name"), Some(expected.as_str()));
            let mine: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
            let count = |tag: &str| {
                mine.iter()
                    .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                    .count()
                    .to_string()
            };
            assert_eq!(
                suite.attribute("tests"),
                Some(mine.len().to_string().as_str())
            );
            assert_eq!(suite.attribute("failures"), Some(count("failure").as_str()));
            assert_eq!(suite.attribute("skipped"), Some(count("skipped").as_str()));
            cases.extend(mine);
        }
        assert_eq!(cases.len(), report.findings.len());
        for (case, f) in cases.iter().zip(&report.findings) {
            assert_eq!(case.tag_name().name(), "testcase");
            assert_eq!(
                case.attribute("name"),
                Some(format!("{} at {}:{}", f.rule, f.line, f.column).as_str())
            );
            let child = |tag: &str| case.children().find(|n| n.has_tag_name(tag));
            match (&f.suppressed, f.level()) {
                (Some(s), _) => {
                    let skipped = child("skipped").expect("a suppressed finding is skipped");
                    let message = skipped.attribute("message").expect("message");
                    assert!(message.contains(s.reason.as_deref().unwrap_or("no reason")));
                }
                (None, Severity::Error) => {
                    let failure = child("failure").expect("an error is a failure");
                    assert_eq!(failure.attribute("type"), Some(f.status.as_str()));
                }
                (None, _) => {
                    assert!(child("failure").is_none() && child("skipped").is_none());
                    assert!(child("system-out").is_some());
                }
            }
        }
    }
}

// --- concise ---------------------------------------------------------------

#[test]
fn concise_is_one_line_per_finding() {
    for report in ci_reports() {
        let text = render_as(&report, OutputFormat::Concise);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), report.findings.len(), "{text}");
        for (line, f) in lines.iter().zip(&report.findings) {
            let head = format!(
                "{}:{}:{}: {} {} {} -> ",
                f.path.replace('\u{1}', "\\u{1}").replace('\n', "\\u{a}"),
                f.line,
                f.column,
                f.status.as_str(),
                f.rule,
                f.endpoint
            );
            assert!(line.starts_with(&head), "{line}\nexpected {head}");
            assert_eq!(line.contains("[mention]"), f.kind == FindingKind::Mention);
            assert_eq!(line.contains("[unconfirmed]"), !f.confirmed);
            assert_eq!(line.contains("[suppressed: "), f.suppressed.is_some());
        }
    }
    let text = render_as(&shared_report(), OutputFormat::Concise);
    assert!(
        text.starts_with(
            "ci/scan.sh:3:85: eos qualys-scan-v2 /api/2.0/fo/scan/ -> /api/3.0/fo/scan/ (EOL December 2026, 8 days left)\n"
        ),
        "{text}"
    );
}

// --- CSV -------------------------------------------------------------------

/// A JSON finding flattened the way the CSV names columns.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        v => out.push((prefix.to_string(), v.clone())),
    }
}

#[test]
fn csv_has_every_json_field_and_the_same_values() {
    for report in ci_reports() {
        let text = render_as(&report, OutputFormat::Csv);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header row")
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(header, report::csv::header(), "the documented header");
        assert_eq!(&header[..2], ["repo", "as_of"]);
        let rows: Vec<csv::StringRecord> = reader
            .records()
            .collect::<Result<_, _>>()
            .expect("RFC 4180 rows");
        assert_eq!(rows.len(), report.findings.len());
        let json: Value = serde_json::from_str(&render_json(&report)).expect("JSON");
        let findings = json["findings"].as_array().expect("findings");
        for (row, finding) in rows.iter().zip(findings) {
            let mut fields = Vec::new();
            flatten("", finding, &mut fields);
            // A null object (no next deadline, not suppressed) flattens to
            // its own name; the columns are its sub-fields, all empty.
            for (key, value) in fields {
                let columns: Vec<usize> = header
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| **h == key || h.starts_with(&format!("{key}.")))
                    .map(|(i, _)| i)
                    .collect();
                assert!(!columns.is_empty(), "no CSV column for JSON field `{key}`");
                let expected = match &value {
                    Value::Null => String::new(),
                    Value::String(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
                        format!("'{s}")
                    }
                    Value::String(s) => s.clone(),
                    // Lists share one cell, `;`-separated.
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(";"),
                    v => v.to_string(),
                };
                for i in columns {
                    assert_eq!(row.get(i), Some(expected.as_str()), "column {}", header[i]);
                }
            }
            let repo = report.repo_name.clone().unwrap_or_default();
            assert_eq!(row.get(0), Some(repo.as_str()));
            assert_eq!(row.get(1), Some(crate::fixtures::AS_OF));
        }
    }
}

#[test]
fn csv_cells_cannot_be_formulas() {
    let mut report = shared_report();
    report.findings[0].path = "=HYPERLINK(\"http://evil\",\"x\")".to_string();
    report.findings[0].manual_fix = Some("@SUM(A1)".to_string());
    let text = render_as(&report, OutputFormat::Csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader
        .records()
        .next()
        .expect("a row")
        .expect("RFC 4180 row");
    assert_eq!(row.get(2), Some("'=HYPERLINK(\"http://evil\",\"x\")"));
    assert!(row.iter().any(|c| c == "'@SUM(A1)"));
    // A negative day count is a number, not a formula.
    let eol = render_as(&report, OutputFormat::Csv);
    assert!(eol.contains(",-175,"), "{eol}");
}

#[test]
fn ci_formats_of_a_clean_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ok.py"), "print('/api/3.0/fo/scan/')\n").expect("write");
    let report = crate::fixtures::scan_report(&options(vec![dir.path().to_path_buf()]));
    assert_eq!(render_as(&report, OutputFormat::Concise), "");
    assert_eq!(render_as(&report, OutputFormat::Gitlab), "[]\n");
    assert_eq!(
        render_as(&report, OutputFormat::Csv).lines().count(),
        1,
        "only the header"
    );
    let sarif: Value =
        serde_json::from_str(&render_as(&report, OutputFormat::Sarif)).expect("JSON");
    assert_eq!(
        schema_errors(&sarif_validator(), &sarif),
        Vec::<String>::new()
    );
    assert!(roxmltree::Document::parse(&render_as(&report, OutputFormat::Junit)).is_ok());
    assert_eq!(
        render_as(&report, OutputFormat::Github),
        "sunset: 0 findings as of 2026-11-23\n"
    );
}

/// The realistic tree under `examples/`: URLs assembled from variables,
/// Postman collections, runbooks. Its SARIF is valid, and every fix,
/// applied to the file on disk, turns the legacy endpoint at that spot into
/// its replacement and touches nothing else.
#[test]
fn sarif_of_the_examples_tree_is_valid_and_its_fixes_apply() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut report = crate::fixtures::scan_report(&options(vec![root.join("examples")]));
    relativize(&mut report, root);
    assert!(report.findings.len() > 10, "the examples have findings");
    let doc: Value =
        serde_json::from_str(&render_as(&report, OutputFormat::Sarif)).expect("SARIF is JSON");
    assert_eq!(
        schema_errors(&sarif_validator(), &doc),
        Vec::<String>::new()
    );
    let mut applied = 0;
    let results = doc["runs"][0]["results"].as_array().expect("results");
    for (r, f) in results.iter().zip(&report.findings) {
        let Some(fix) = r.get("fixes") else { continue };
        assert!(f.origins.is_empty() && f.kind == FindingKind::Call, "{r}");
        let change = &fix[0]["artifactChanges"][0];
        assert_eq!(
            change["artifactLocation"]["uri"],
            f.path.as_str(),
            "plain ASCII paths"
        );
        let replacement = &change["replacements"][0];
        let region = &replacement["deletedRegion"];
        let line_no = region["startLine"].as_u64().expect("line") as usize;
        assert_eq!(region["endLine"].as_u64(), Some(line_no as u64));
        let start = region["startColumn"].as_u64().expect("column") as usize - 1;
        let end = region["endColumn"].as_u64().expect("column") as usize - 1;
        let text = std::fs::read_to_string(root.join(&f.path)).expect("read example");
        let line = text.lines().nth(line_no - 1).expect("line exists");
        let chars: Vec<char> = line.chars().collect();
        let old: String = chars[start..end].iter().collect();
        let new = replacement["insertedContent"]["text"]
            .as_str()
            .expect("text");
        // The edit replaces the version segment, and the line then calls
        // the replacement.
        let edit = &f
            .fix
            .as_ref()
            .expect("a fix offered is the finding's")
            .edits[0];
        assert_eq!((old.as_str(), new), (edit.from.as_str(), edit.to.as_str()));
        let fixed: String = chars[..start]
            .iter()
            .chain(new.chars().collect::<Vec<_>>().iter())
            .chain(chars[end..].iter())
            .collect();
        let replacement = f.replacement.as_deref().expect("replacement");
        assert!(
            fixed.contains(replacement.trim_end_matches('/')),
            "{}:{line_no}: {fixed}",
            f.path
        );
        applied += 1;
    }
    assert!(applied > 0, "some example calls are plain literals");
}

/// `sunset audit --format X` through the binary: each CI format reaches
/// stdout whole, exits 0 and parses, run from the repository root so the
/// paths are relative as in CI.
#[test]
fn ci_formats_through_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in CI_FORMATS {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sunset"))
            .current_dir(root)
            .args(["audit", "examples", "--as-of", crate::fixtures::AS_OF])
            .args(["--format", name])
            .output()
            .expect("run sunset");
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        let text = String::from_utf8(out.stdout).expect("utf-8 stdout");
        assert!(!text.is_empty(), "{name}");
        match name {
            "sarif" => {
                let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
                assert_eq!(
                    schema_errors(&sarif_validator(), &doc),
                    Vec::<String>::new()
                );
                let uri = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
                    ["artifactLocation"]["uri"];
                assert!(
                    uri.as_str().is_some_and(|u| u.starts_with("examples/")),
                    "{uri}"
                );
            }
            "gitlab" => {
                let doc: Value = serde_json::from_str(&text).expect("GitLab report is JSON");
                assert!(doc.as_array().is_some_and(|a| !a.is_empty()));
            }
            "junit" => {
                roxmltree::Document::parse(&text).expect("JUnit is XML");
            }
            "csv" => {
                let rows = csv::Reader::from_reader(text.as_bytes())
                    .records()
                    .collect::<Result<Vec<_>, _>>()
                    .expect("RFC 4180");
                assert!(!rows.is_empty());
            }
            _ => assert!(text.lines().all(|l| !l.is_empty()), "{name}: {text}"),
        }
    }
}
