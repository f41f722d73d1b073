//! Every command and format tells the same story about one finding: one
//! assessment (status, days left) and one fix (the same edits), whoever
//! prints them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::{code, json, run_in, stderr, stdout, tree};

/// An EOL call (Scan API 2.0, EOL December 2026), an EOS call (NSX auth 2.0,
/// EOS November 2026) and a deprecated one (Report API 2.0, EOL December
/// 2026 but assessed before), plus the safe-fix Compliance Exception API.
const CALLS_PY: &str = "\
import requests
H = 'https://qualysapi.qualys.com'
requests.post(H + '/api/2.0/fo/scan/', data={'action': 'list'})
requests.get(H + '/api/2.0/fo/auth/nsx/?action=list')
requests.get(H + '/api/2.0/fo/report/?action=list')
requests.get(H + '/api/2.0/fo/compliance/exception/?action=list')
";

type Key = (String, u64, String);

fn from_json(doc: &Value) -> BTreeMap<Key, (String, Option<i64>)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                (
                    f["path"].as_str().expect("path").to_string(),
                    f["line"].as_u64().expect("line"),
                    f["rule"].as_str().expect("rule").to_string(),
                ),
                (
                    f["status"].as_str().expect("status").to_string(),
                    f["days_left"].as_i64(),
                ),
            )
        })
        .collect()
}

fn from_csv(text: &str) -> BTreeMap<Key, (String, Option<i64>)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (path, line, rule, status, days) = (
        col("path"),
        col("line"),
        col("rule"),
        col("status"),
        col("days_left"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (
                (
                    r[path].to_string(),
                    r[line].parse().expect("line"),
                    r[rule].to_string(),
                ),
                (r[status].to_string(), r[days].parse().ok()),
            )
        })
        .collect()
}

/// audit CSV and JSON, report CSV, `report --from` CSV and check JSON give
/// each finding the same status and days left, on days before, at and after
/// the deadlines (past EOL, days_left is the days since it, everywhere).
#[test]
fn status_and_days_left_agree_across_commands_and_formats() {
    let dir = tree(&[("jobs.py", CALLS_PY)]);
    // The JSON report is kept outside the scanned tree.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let saved = elsewhere.path().join("audit.json");
    let saved_arg = saved.to_str().expect("utf-8 temp path");
    for as_of in ["2026-10-15", "2026-11-23", "2027-03-01"] {
        let audit_json = run_in(
            dir.path(),
            &["audit", ".", "--format", "json", "--as-of", as_of],
        );
        assert_eq!(code(&audit_json), 0, "{}", stderr(&audit_json));
        let expected = from_json(&json(&audit_json));
        assert!(expected.len() >= 3, "{expected:?}");
        let statuses: Vec<&str> = expected.values().map(|(s, _)| s.as_str()).collect();
        if as_of == "2026-11-23" {
            for s in ["eos", "deprecated"] {
                assert!(statuses.contains(&s), "{as_of}: {statuses:?}");
            }
        }
        if as_of == "2027-03-01" {
            assert!(statuses.contains(&"eol"), "{as_of}: {statuses:?}");
            assert!(
                expected.values().any(|(_, d)| d.is_some_and(|d| d < 0)),
                "past EOL: negative days: {expected:?}"
            );
        }
        std::fs::write(&saved, &audit_json.stdout).expect("write");

        let audit_csv = run_in(
            dir.path(),
            &["audit", ".", "--format", "csv", "--as-of", as_of],
        );
        assert_eq!(from_csv(&stdout(&audit_csv)), expected, "audit csv {as_of}");

        let report_csv = run_in(
            dir.path(),
            &["report", "jobs.py", "--format", "csv", "--as-of", as_of],
        );
        assert_eq!(
            from_csv(&stdout(&report_csv)),
            expected
                .iter()
                .map(|((p, l, r), v)| (
                    (p.trim_start_matches("./").to_string(), *l, r.clone()),
                    v.clone()
                ))
                .collect(),
            "report csv {as_of}"
        );

        let rollup_csv = run_in(
            dir.path(),
            &[
                "report", "--from", saved_arg, "--format", "csv", "--as-of", as_of,
            ],
        );
        assert_eq!(
            from_csv(&stdout(&rollup_csv)),
            expected,
            "report --from csv {as_of}"
        );

        let check_json = run_in(
            dir.path(),
            &[
                "check",
                ".",
                "--no-config",
                "--format",
                "json",
                "--as-of",
                as_of,
            ],
        );
        assert_eq!(
            from_json(&json(&check_json)),
            expected,
            "check json {as_of}"
        );
    }
}

/// `fix --write`, SARIF's `fixes` and the migration report's checklist all
/// come from the edits the finding carries in JSON.
#[test]
fn fix_sarif_and_checklist_share_the_findings_edits() {
    let dir = tree(&[("jobs.py", CALLS_PY)]);
    let as_of = ["--as-of", "2026-11-23"];
    let audit = json(&run_in(
        dir.path(),
        &["audit", "jobs.py", "--format", "json", as_of[0], as_of[1]],
    ));
    let findings = audit["findings"].as_array().expect("findings");
    let with_fix: Vec<&Value> = findings.iter().filter(|f| !f["fix"].is_null()).collect();
    assert_eq!(with_fix.len(), findings.len(), "every call here is fixable");

    // SARIF offers exactly the safe fixes, with the same replacement text.
    let sarif = json(&run_in(
        dir.path(),
        &["audit", "jobs.py", "--format", "sarif", as_of[0], as_of[1]],
    ));
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    for (f, r) in findings.iter().zip(results) {
        let safe = f["fix"]["applicability"] == "safe";
        assert_eq!(r.get("fixes").is_some(), safe, "{f}");
        if safe {
            let rep = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
            assert_eq!(rep["insertedContent"]["text"], f["fix"]["edits"][0]["to"]);
            assert_eq!(
                rep["deletedRegion"]["startLine"],
                f["fix"]["edits"][0]["line"]
            );
            assert_eq!(
                rep["deletedRegion"]["startColumn"],
                f["fix"]["edits"][0]["column"]
            );
        }
    }
    assert!(findings.iter().any(|f| f["fix"]["applicability"] == "safe"));

    // The checklist names the same rewrite for each call.
    let md = stdout(&run_in(
        dir.path(),
        &["report", "jobs.py", as_of[0], as_of[1]],
    ));
    for f in &with_fix {
        let e = &f["fix"]["edits"][0];
        let command = if f["fix"]["applicability"] == "safe" {
            "sunset fix:"
        } else {
            "sunset fix --unsafe:"
        };
        let words = format!(
            "{command} {} → {}",
            e["from"].as_str().expect("from"),
            e["to"].as_str().expect("to")
        );
        let line = format!("`jobs.py:{}`", f["line"]);
        assert!(
            md.lines().any(|l| l.contains(&line) && l.contains(&words)),
            "{line} {words}\n{md}"
        );
    }

    // `fix --write --unsafe` writes exactly those edits, by their offsets.
    let before = std::fs::read_to_string(dir.path().join("jobs.py")).expect("read");
    let mut expected = before.clone();
    let mut edits: Vec<(usize, usize, String)> = with_fix
        .iter()
        .flat_map(|f| f["fix"]["edits"].as_array().expect("edits").iter())
        .map(|e| {
            (
                e["start"].as_u64().expect("start") as usize,
                e["end"].as_u64().expect("end") as usize,
                e["to"].as_str().expect("to").to_string(),
            )
        })
        .collect();
    edits.sort();
    for (start, end, to) in edits.iter().rev() {
        expected.replace_range(start..end, to);
    }
    let out = run_in(
        dir.path(),
        &["fix", "jobs.py", "--write", "--unsafe", as_of[0], as_of[1]],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = std::fs::read_to_string(dir.path().join("jobs.py")).expect("read");
    assert_eq!(after, expected);
    assert_ne!(after, before);
}
