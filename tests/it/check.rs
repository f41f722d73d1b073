//! `sunset check`: exit codes at dates either side of each deadline,
//! thresholds, suppressions, sunset.toml, waivers and baselines.
//!
//! Exit status: 0 gate passed, 1 gate failed, 2 usage/config/rule error.

use serde_json::Value;

use crate::util::{code, json, run_in, stderr, stdout, tree};

/// Scan API 2.0: EOS December 2025, EOL December 2026 (both month-only,
/// read as the first day of the month).
const SCAN_SH: &str = "#!/bin/sh\ncurl -sS -u \"$U:$P\" \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n";
/// Cloud Perimeter Scan API 2.0: deprecated, EOL December 2026.
const PERIMETER_SH: &str =
    "#!/bin/sh\ncurl -sS \"https://qualysapi.qualys.com/api/2.0/fo/scan/cloud/perimeter/job/?action=list\"\n";
/// Compliance Exception API 2.0: EOS April 2026 and EOL December 2026,
/// both from the vendor's release note.
const EXCEPTION_SH: &str =
    "#!/bin/sh\ncurl -sS \"https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/?action=list\"\n";
/// Only a comment names the endpoint.
const MENTION_PY: &str = "# The old /api/2.0/fo/scan/ endpoint is gone.\nprint('hello')\n";

fn check(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["check", "--color", "never"];
    all.extend_from_slice(args);
    run_in(dir, &all)
}

fn verdicts(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["path"].as_str().unwrap_or(""),
                f["line"],
                f["status"].as_str().unwrap_or(""),
                f["verdict"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn eol_gate_trips_on_the_first_day_of_the_published_month() {
    let dir = tree(&[("scan.sh", SCAN_SH)]);
    let before = check(dir.path(), &["--as-of", "2026-11-30", "."]);
    assert_eq!(code(&before), 0, "{}", stdout(&before));
    let text = stdout(&before);
    assert!(text.contains("sunset check: passed"), "{text}");
    assert!(text.contains("warning[EOS]"), "EOL in 1 day warns: {text}");
    let after = check(dir.path(), &["--as-of", "2026-12-01", "."]);
    assert_eq!(code(&after), 1);
    let text = stdout(&after);
    assert!(
        text.contains("sunset check: FAILED — 1 call at End of Life (--fail-on eol)"),
        "{text}"
    );
    assert!(
        text.contains("details: sunset audit . --as-of 2026-12-01"),
        "{text}"
    );
}

#[test]
fn fail_on_eos_and_deprecated() {
    let dir = tree(&[("exception.sh", EXCEPTION_SH)]);
    // EOS April 2026: failing with --fail-on eos from 2026-04-01.
    for (as_of, expected) in [("2026-03-31", 0), ("2026-04-01", 1)] {
        let o = check(dir.path(), &["--fail-on", "eos", "--as-of", as_of, "."]);
        assert_eq!(code(&o), expected, "{as_of}: {}", stdout(&o));
    }
    // The Scan API 2.0's EOS (December 2025) is known from a secondary
    // source only: it warns, and fails only with --fail-unconfirmed.
    let dir = tree(&[("scan.sh", SCAN_SH)]);
    let o = check(
        dir.path(),
        &["--fail-on", "eos", "--as-of", "2026-01-05", "."],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let text = stdout(&o);
    assert!(
        text.contains("unconfirmed: the EOS date (December 2025) rests on secondary evidence"),
        "{text}"
    );
    assert!(
        text.contains("1 warning at the threshold on secondary evidence only"),
        "{text}"
    );
    let o = check(
        dir.path(),
        &[
            "--fail-on",
            "eos",
            "--fail-unconfirmed",
            "--as-of",
            "2026-01-05",
            ".",
        ],
    );
    assert_eq!(code(&o), 1);
    let dir = tree(&[("perimeter.sh", PERIMETER_SH)]);
    let o = check(
        dir.path(),
        &["--fail-on", "eos", "--as-of", "2026-11-23", "."],
    );
    assert_eq!(code(&o), 0, "deprecated is below eos");
    let o = check(
        dir.path(),
        &["--fail-on", "deprecated", "--as-of", "2026-11-23", "."],
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("deprecated or worse"));
}

#[test]
fn warn_within_window() {
    let dir = tree(&[("perimeter.sh", PERIMETER_SH)]);
    // EOL December 2026 is 8 days after 2026-11-23.
    let o = check(
        dir.path(),
        &[
            "--warn-within",
            "7d",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            ".",
        ],
    );
    assert_eq!(code(&o), 0);
    let doc = json(&o);
    assert_eq!(verdicts(&doc), vec!["perimeter.sh:2 deprecated pass"]);
    assert_eq!(doc["gate"]["warn_within_days"], 7);
    let o = check(
        dir.path(),
        &[
            "--warn-within",
            "8d",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            ".",
        ],
    );
    assert_eq!(verdicts(&json(&o)), vec!["perimeter.sh:2 deprecated warn"]);
    let o = check(
        dir.path(),
        &[
            "--warn-within",
            "1m",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            ".",
        ],
    );
    assert_eq!(json(&o)["gate"]["warn_within_days"], 30);
}

#[test]
fn mentions_never_fail_unless_strict() {
    let dir = tree(&[("notes.py", MENTION_PY)]);
    let o = check(dir.path(), &["--as-of", "2026-12-01", "."]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 mention never fail"),
        "{}",
        stdout(&o)
    );
    let o = check(dir.path(), &["--strict", "--as-of", "2026-12-01", "."]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("FAILED — 1 use at End of Life"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn usage_and_config_errors_exit_2() {
    let dir = tree(&[("scan.sh", SCAN_SH)]);
    for args in [
        &["--fail-on", "later", "."][..],
        &["--warn-within", "soon", "."],
        &["--as-of", "2026-13-01", "."],
        &["no-such-dir"],
        &["--config", "missing.toml", "."],
        &["--baseline", "missing.json", "."],
        &["--unknown-flag"],
    ] {
        let o = check(dir.path(), args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}: says why");
    }
}

#[test]
fn unknown_config_key_points_at_its_line() {
    let dir = tree(&[
        ("scan.sh", SCAN_SH),
        (
            "sunset.toml",
            "fail-on = \"eol\"\n\nwarn_within = \"30d\"\n",
        ),
    ]);
    let o = check(dir.path(), &["."]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("unknown key `warn_within`") && err.contains("`warn-within`?)"),
        "{err}"
    );
    assert!(err.contains("sunset.toml:3:1"), "points at line 3: {err}");
    assert!(err.contains("warn-within"), "lists the known keys: {err}");
}

#[test]
fn config_is_found_walking_up_and_applies() {
    let dir = tree(&[
        ("svc/exception.sh", EXCEPTION_SH),
        ("svc/vendor/perimeter.sh", PERIMETER_SH),
        (
            "sunset.toml",
            "fail-on = \"deprecated\"\nexclude = [\"svc/vendor/**\"]\n",
        ),
    ]);
    // Scanned from a subdirectory: the config two levels up still applies.
    let o = check(
        &dir.path().join("svc"),
        &["--format", "json", "--as-of", "2026-11-23", "."],
    );
    assert_eq!(code(&o), 1, "fail-on deprecated from sunset.toml");
    let doc = json(&o);
    assert_eq!(
        verdicts(&doc),
        vec!["exception.sh:2 eos fail"],
        "vendor/ excluded"
    );
    assert_eq!(doc["gate"]["fail_on"], "deprecated");
    // Excluded files are not read at all, and are counted as ignored.
    assert_eq!(doc["summary"]["files_scanned"], 1, "{}", doc["summary"]);
    assert_eq!(
        doc["summary"]["files_skipped"]["ignored"], 1,
        "{}",
        doc["summary"]
    );
    // The command line wins over the file; --no-config ignores it.
    let o = check(
        &dir.path().join("svc"),
        &["--fail-on", "eol", "--as-of", "2026-11-23", "."],
    );
    assert_eq!(code(&o), 0);
    let o = check(
        &dir.path().join("svc"),
        &[
            "--no-config",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            ".",
        ],
    );
    assert_eq!(json(&o)["findings"].as_array().map(Vec::len), Some(2));
}

#[test]
fn waiver_stops_working_after_its_until_date() {
    let config = "[[waiver]]\nrule = \"qualys-scan-v2\"\npath = \"legacy/**\"\nreason = \"retired with the old scheduler, OPS-42\"\nuntil = \"2026-12-31\"\n";
    let dir = tree(&[("legacy/scan.sh", SCAN_SH), ("sunset.toml", config)]);
    let o = check(
        dir.path(),
        &["--format", "json", "--as-of", "2026-12-31", "."],
    );
    assert_eq!(code(&o), 0, "waived through its last day");
    let doc = json(&o);
    let f = &doc["findings"][0];
    assert_eq!(f["suppressed"]["by"], "waiver");
    assert_eq!(f["suppressed"]["at"], "sunset.toml:1");
    assert!(f["suppressed"]["reason"]
        .as_str()
        .unwrap_or("")
        .contains("OPS-42"));
    assert_eq!(doc["summary"]["suppressed"], 1);

    let o = check(dir.path(), &["--as-of", "2027-01-01", "."]);
    assert_eq!(code(&o), 1, "expired waiver no longer suppresses");
    let text = stdout(&o);
    assert!(
        text.contains(
            "waiver for qualys-scan-v2 in legacy/** expired on 2026-12-31 and no longer applies"
        ),
        "{text}"
    );
    let o = check(
        dir.path(),
        &["--format", "json", "--as-of", "2027-01-01", "."],
    );
    let doc = json(&o);
    assert_eq!(doc["gate"]["expired_waivers"][0]["until"], "2026-12-31");
    assert_eq!(doc["findings"][0]["suppressed"], Value::Null);
}

#[test]
fn inline_suppression_with_and_without_reason() {
    let with_reason = "#!/bin/sh\n# sunset: ignore[qualys-scan-v2] decommissioned in January, OPS-7\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n";
    let dir = tree(&[("scan.sh", with_reason)]);
    let o = check(
        dir.path(),
        &["--format", "json", "--as-of", "2026-12-01", "."],
    );
    assert_eq!(code(&o), 0);
    let doc = json(&o);
    assert_eq!(doc["findings"][0]["suppressed"]["by"], "inline");
    assert_eq!(doc["findings"][0]["suppressed"]["at"], "scan.sh:2");
    assert_eq!(
        doc["findings"][0]["suppressed"]["reason"],
        "decommissioned in January, OPS-7"
    );
    assert_eq!(doc["summary"]["suppressed"], 1, "counted, not dropped");
    assert_eq!(
        doc["gate"]["unexplained_suppressions"],
        Value::Array(vec![])
    );

    // `audit` lists it too, marked suppressed.
    let o = run_in(
        dir.path(),
        &["audit", "--format", "json", "--as-of", "2026-12-01", "."],
    );
    assert_eq!(code(&o), 0);
    let doc = json(&o);
    assert_eq!(doc["findings"][0]["suppressed"]["by"], "inline");
    assert_eq!(doc["summary"]["suppressed"], 1);
    let o = run_in(
        dir.path(),
        &["audit", "--color", "never", "--as-of", "2026-12-01", "."],
    );
    assert!(
        stdout(&o).contains("suppressed (inline) at scan.sh:2: “decommissioned in January, OPS-7”"),
        "{}",
        stdout(&o)
    );

    let no_reason = "#!/bin/sh\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\" # sunset: ignore\n";
    let dir = tree(&[("scan.sh", no_reason)]);
    let o = check(dir.path(), &["--as-of", "2026-12-01", "."]);
    assert_eq!(code(&o), 0, "still suppressed");
    let text = stdout(&o);
    assert!(
        text.contains("warning: scan.sh:2: `sunset: ignore` without a reason"),
        "{text}"
    );

    let other_rule = "#!/bin/sh\n# sunset: ignore[qualys-report-v2] not this one\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n";
    let dir = tree(&[("scan.sh", other_rule)]);
    let o = check(dir.path(), &["--as-of", "2026-12-01", "."]);
    assert_eq!(code(&o), 1, "a suppression for another rule does not apply");

    let trailing_above = "#!/bin/sh\necho hi # sunset: ignore belongs to echo\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n";
    let dir = tree(&[("scan.sh", trailing_above)]);
    let o = check(dir.path(), &["--as-of", "2026-12-01", "."]);
    assert_eq!(
        code(&o),
        1,
        "a trailing comment on the line above does not apply"
    );
}

#[test]
fn baseline_survives_inserted_lines_and_reports_fixed_entries() {
    let two = "#!/bin/sh\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/report/?action=list\"\n";
    let dir = tree(&[("scan.sh", two)]);
    let o = check(
        dir.path(),
        &[
            "--write-baseline",
            "baseline.json",
            "--as-of",
            "2026-12-01",
            ".",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("wrote 2 baseline entries to baseline.json"),
        "{}",
        stderr(&o)
    );
    let written: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("baseline.json")).expect("baseline written"),
    )
    .expect("baseline is JSON");
    assert_eq!(written["schema"], "sunset-baseline/1");

    let o = check(
        dir.path(),
        &["--baseline", "baseline.json", "--as-of", "2026-12-01", "."],
    );
    assert_eq!(code(&o), 0, "everything is known: {}", stdout(&o));

    // Lines inserted above, one known call removed, one new call added.
    let edited = "#!/bin/sh\n# a header\nset -eu\n\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/asset/host/?action=list\"\n";
    std::fs::write(dir.path().join("scan.sh"), edited).expect("edit");
    let o = check(
        dir.path(),
        &[
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "--as-of",
            "2026-12-01",
            ".",
        ],
    );
    assert_eq!(code(&o), 1, "the new call fails");
    let doc = json(&o);
    assert_eq!(
        verdicts(&doc),
        vec!["scan.sh:5 eol pass", "scan.sh:6 eol fail"],
        "the shifted call is still known"
    );
    assert_eq!(doc["gate"]["baseline"]["known"], 1);
    assert_eq!(doc["gate"]["baseline"]["new"], 1);
    assert_eq!(
        doc["gate"]["baseline"]["fixed"][0]["rule"],
        "qualys-report-v2"
    );
    let o = check(
        dir.path(),
        &["--baseline", "baseline.json", "--as-of", "2026-12-01", "."],
    );
    let text = stdout(&o);
    assert!(
        text.contains("baseline baseline.json: 1 known, 1 new; 1 entry no longer occurs"),
        "{text}"
    );

    // The same baseline works from another working directory.
    let o = run_in(
        dir.path().parent().expect("parent"),
        &[
            "check",
            "--baseline",
            &dir.path().join("baseline.json").to_string_lossy(),
            "--format",
            "json",
            "--as-of",
            "2026-12-01",
            &dir.path().to_string_lossy(),
        ],
    );
    assert_eq!(json(&o)["gate"]["baseline"]["known"], 1);
}

#[test]
fn broken_baseline_is_an_error() {
    let dir = tree(&[
        ("scan.sh", SCAN_SH),
        (
            "b.json",
            "{\"schema\": \"other/1\", \"as_of\": \"x\", \"entries\": []}",
        ),
    ]);
    let o = check(dir.path(), &["--baseline", "b.json", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("schema is `other/1`"), "{}", stderr(&o));
}

#[test]
fn statistics_table() {
    let dir = tree(&[
        ("scan.sh", SCAN_SH),
        ("perimeter.sh", PERIMETER_SH),
        ("notes.py", MENTION_PY),
    ]);
    let o = check(dir.path(), &["--statistics", "--as-of", "2026-12-01", "."]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("calls  mentions  suppressed  failing  status"),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("qualys-scan-v2") && l.contains("EOL December 2026 (passed)")),
        "{text}"
    );
    assert!(
        !text.contains("╭─["),
        "no diagnostics with --statistics: {text}"
    );
    assert!(text.contains("sunset check: FAILED"), "{text}");
    // With a machine format the table goes to stderr, the JSON stays clean.
    let o = check(
        dir.path(),
        &[
            "--statistics",
            "--format",
            "json",
            "--as-of",
            "2026-12-01",
            ".",
        ],
    );
    assert!(stderr(&o).contains("qualys-scan-v2"));
    assert_eq!(json(&o)["schema"], "sunset/1");
}

#[test]
fn output_file_and_colour() {
    let dir = tree(&[("scan.sh", SCAN_SH)]);
    let o = check(
        dir.path(),
        &[
            "--format",
            "json",
            "--output",
            "out/../report.json",
            "--as-of",
            "2026-12-01",
            "scan.sh",
        ],
    );
    assert_eq!(code(&o), 2, "a missing directory for --output is an error");
    let o = check(
        dir.path(),
        &[
            "--format",
            "json",
            "--output",
            "report.json",
            "--as-of",
            "2026-12-01",
            "scan.sh",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).expect("written"))
            .expect("json");
    assert_eq!(doc["gate"]["passed"], false);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".sunset-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("report.json"))
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o644, 0o644, "readable like any report: {mode:o}");
    }

    let coloured = run_in(
        dir.path(),
        &["check", "--color", "always", "--as-of", "2026-12-01", "."],
    );
    assert!(stdout(&coloured).contains("\u{1b}["));
    let plain = run_in(dir.path(), &["check", "--as-of", "2026-12-01", "."]);
    assert!(
        !stdout(&plain).contains("\u{1b}["),
        "not a terminal: no colour"
    );
}

#[test]
fn clean_tree_is_quiet_and_passes() {
    let dir = tree(&[("ok.py", "requests.get(BASE + '/api/3.0/fo/scan/')\n")]);
    let o = check(dir.path(), &["--as-of", "2026-12-01", "."]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("sunset check: passed"), "{text}");
}

/// Every published deadline of every bundled rule, either side: the day
/// before the deadline takes effect the gate passes, on the day it fails
/// (EOL with the default `--fail-on eol`, EOS with `--fail-on eos`). A
/// month-only deadline takes effect on the first day of its month. Rules on
/// secondary evidence warn instead of failing.
#[test]
fn every_deadline_either_side() {
    use sunset::gate::{self, GateOptions};
    use sunset::model::Verdict;
    use sunset::rules::Status;

    let rules = crate::fixtures::bundled();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut checked = 0;
    let param = regex::Regex::new(r"\{[^}]*\}").expect("regex");
    for rule in rules.rules() {
        for (milestone, deadline, fail_on) in [
            ("eol", rule.eol(), Status::Eol),
            ("eos", rule.eos(), Status::Eos),
        ] {
            let Some(deadline) = deadline else { continue };
            let endpoint = param.replace_all(&rule.endpoint_display, "1234");
            let file = dir.path().join(format!("{}-{milestone}.sh", rule.id));
            std::fs::write(
                &file,
                format!("curl -sS \"https://qualysapi.qualys.com{endpoint}\"\n"),
            )
            .expect("write");
            let effective = deadline.effective();
            let day_before = sunset::rules::Date::from_days(effective.to_days() - 1);
            // One time-free scan, assessed on each day.
            let found = sunset::scan::scan(&crate::fixtures::options(vec![file.clone()]), rules);
            for (as_of, should_fail) in [(day_before, false), (effective, true)] {
                let mut report = sunset::model::Report::from_scan(found.clone(), as_of, false);
                let gate_opts = GateOptions {
                    fail_on,
                    ..GateOptions::default()
                };
                gate::judge(&mut report, &gate_opts, vec![], vec![], None, String::new());
                let mine: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule == rule.id)
                    .collect();
                assert_eq!(
                    mine.len(),
                    1,
                    "{} {endpoint}: {:?}",
                    rule.id,
                    report.findings
                );
                let expected = match (should_fail, !mine[0].status_unconfirmed()) {
                    (false, _) => mine[0].verdict != Some(Verdict::Fail),
                    (true, true) => mine[0].verdict == Some(Verdict::Fail),
                    (true, false) => mine[0].verdict == Some(Verdict::Warn),
                };
                assert!(
                    expected,
                    "{} {milestone} {deadline} at {as_of}: verdict {:?}",
                    rule.id, mine[0].verdict
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} deadlines checked");
}

/// A call in a test file is reported with kind `test`, and fails the gate
/// only with `--strict`; the same call in production code fails.
#[test]
fn calls_in_tests_fail_only_with_strict() {
    let dir = tree(&[(
        "tests/test_scan.py",
        "requests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/')\n",
    )]);
    let o = check(dir.path(), &["--as-of", "2026-12-01", "--no-config", "."]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("1 finding in tests (counted only with --strict)"),
        "{}",
        stdout(&o)
    );
    let o = check(
        dir.path(),
        &["--as-of", "2026-12-01", "--no-config", "--strict", "."],
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let o = check(
        dir.path(),
        &[
            "--as-of",
            "2026-12-01",
            "--no-config",
            "--format",
            "json",
            ".",
        ],
    );
    assert_eq!(json(&o)["findings"][0]["kind"], "test");
    assert_eq!(json(&o)["summary"]["tests"], 1);

    let prod = tree(&[(
        "src/scan.py",
        "requests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/')\n",
    )]);
    let o = check(prod.path(), &["--as-of", "2026-12-01", "--no-config", "."]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}
