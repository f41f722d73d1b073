//! The `sunset` binary: exit codes, bad input, and what reaches the user.
//!
//! Exit status: 0 when the scan ran (whatever it found), 2 for a usage
//! error, a broken rule file or a missing path.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub(crate) use crate::util::{code, json, run_in, stderr, stdout, sunset, tree, AS_OF};

const LEGACY_PY: &str = "import requests\nBASE = 'https://qualysapi.qualys.com'\nrequests.post(BASE + '/api/2.0/fo/scan/', data={'action': 'list'})\nrequests.post(BASE + '/api/2.0/fo/report/', data={'action': 'list'})\n";

// ---------------------------------------------------------------------------
// Help and usage errors.
// ---------------------------------------------------------------------------

#[test]
fn help_explains_month_dates_and_exit_codes() {
    for args in [&["--help"][..], &["audit", "--help"], &["rules", "--help"]] {
        let o = sunset().args(args).output().expect("run");
        assert_eq!(code(&o), 0, "{args:?}");
        let text = stdout(&o);
        assert!(text.contains("FIRST day of that month"), "{args:?}: {text}");
        assert!(
            text.contains("Exit status: 0 when the command ran"),
            "{args:?}: {text}"
        );
        assert!(text.contains("2 for a usage error"), "{args:?}: {text}");
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let o = sunset()
        .args(["audit", "--no-such-flag"])
        .output()
        .expect("run");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--no-such-flag"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let o = sunset().arg("frobnicate").output().expect("run");
    assert_eq!(code(&o), 2);
}

#[test]
fn bad_as_of_is_a_usage_error() {
    let dir = tree(&[("a.py", "x = 1\n")]);
    for bad in ["2026-13-01", "2026-02-30", "2026-12", "tomorrow"] {
        let o = run_in(dir.path(), &["audit", "--as-of", bad, "."]);
        assert_eq!(code(&o), 2, "--as-of {bad}");
        assert!(stderr(&o).contains(bad), "--as-of {bad}: {}", stderr(&o));
    }
}

#[test]
fn missing_path_is_named() {
    let dir = tree(&[("a.py", "x = 1\n")]);
    let o = run_in(
        dir.path(),
        &["audit", "--as-of", AS_OF, "a.py", "no/such/dir"],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing is scanned: {}", stdout(&o));
}

// ---------------------------------------------------------------------------
// Scans.
// ---------------------------------------------------------------------------

#[test]
fn clean_tree_prints_one_quiet_line() {
    let dir = tree(&[
        ("src/app.py", "print('hello')\n"),
        ("src/current.py", "u = '/api/3.0/fo/scan/'\n"),
    ]);
    let o = run_in(dir.path(), &["audit", "--as-of", AS_OF, "--color", "never"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "sunset: no legacy Qualys endpoints found (scanned 2 files)\n"
    );
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn findings_still_exit_zero() {
    let dir = tree(&[("jobs/nightly.py", LEGACY_PY)]);
    let o = run_in(
        dir.path(),
        &["audit", "--as-of", AS_OF, "--color", "never", "jobs"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("jobs/nightly.py:3:"), "{text}");
    assert!(text.contains("EOL December 2026"), "{text}");
    assert!(
        text.contains("https://qualysapi.qualys.com/api/3.0/fo/scan/"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "--color never: {text}");
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("sunset: 2 findings")),
        "{text}"
    );
}

#[test]
fn json_format_parses_with_relative_unicode_paths() {
    let dir = tree(&[("données/é.py", LEGACY_PY)]);
    let o = run_in(
        dir.path(),
        &["audit", "--as-of", AS_OF, "--format", "json", "."],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["schema"], "sunset/1");
    assert_eq!(doc["as_of"], AS_OF);
    let findings = doc["findings"].as_array().expect("findings");
    let got: Vec<(&str, u64, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["line"].as_u64().expect("line"),
                f["rule"].as_str().expect("rule"),
                f["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("données/é.py", 3, "qualys-scan-v2", "eos"),
            ("données/é.py", 4, "qualys-report-v2", "deprecated")
        ]
    );
    assert_eq!(
        findings[0]["suggested"],
        "https://qualysapi.qualys.com/api/3.0/fo/scan/"
    );
}

/// A month-only EOL ("December 2026") is read as 2026-12-01.
#[test]
fn as_of_flips_at_the_first_day_of_the_eol_month() {
    let dir = tree(&[("jobs/nightly.py", LEGACY_PY)]);
    let statuses = |day: &str| -> Vec<(String, String, Value)> {
        let o = run_in(
            dir.path(),
            &["audit", "--as-of", day, "--format", "json", "."],
        );
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        json(&o)["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().expect("rule").to_string(),
                    f["status"].as_str().expect("status").to_string(),
                    f["days_left"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        statuses("2026-11-30"),
        vec![
            (
                "qualys-scan-v2".to_string(),
                "eos".to_string(),
                Value::from(1)
            ),
            (
                "qualys-report-v2".to_string(),
                "deprecated".to_string(),
                Value::from(1)
            ),
        ]
    );
    assert_eq!(
        statuses("2026-12-01"),
        vec![
            (
                "qualys-scan-v2".to_string(),
                "eol".to_string(),
                Value::from(0)
            ),
            (
                "qualys-report-v2".to_string(),
                "eol".to_string(),
                Value::from(0)
            ),
        ]
    );
}

#[test]
fn binary_file_is_counted_not_scanned() {
    let dir = tree(&[("ok.py", "x = 1\n")]);
    std::fs::write(
        dir.path().join("agent.bin"),
        b"\x7fELF\0\0\0\0https://qualysapi.qualys.com/api/2.0/fo/scan/\0",
    )
    .expect("write");
    let o = run_in(
        dir.path(),
        &["audit", "--as-of", AS_OF, "--format", "json", "."],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(doc["summary"]["files_skipped"]["binary"], 1);
    assert_eq!(doc["summary"]["files_scanned"], 1);

    let o = run_in(
        dir.path(),
        &[
            "audit", "--as-of", AS_OF, "--format", "json", "--binary", ".",
        ],
    );
    assert_eq!(json(&o)["findings"].as_array().map(Vec::len), Some(1));
}

/// Runs a command with a deadline, killing it if it hangs.
fn output_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sunset did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn symlink_loop_with_follow_terminates() {
    let dir = tree(&[(
        "src/client.py",
        "u = 'https://qualysapi.qualys.com/api/2.0/fo/report/'\n",
    )]);
    std::os::unix::fs::symlink("..", dir.path().join("src/up")).expect("symlink");
    let mut cmd = sunset();
    cmd.current_dir(dir.path())
        .args(["audit", "-L", "--as-of", AS_OF, "--format", "json", "."]);
    let o = output_within(cmd, Duration::from_secs(60));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(1), "{doc}");
    assert_eq!(doc["summary"]["files_skipped"]["symlink_loop"], 1, "{doc}");
    let notices = doc["summary"]["notices"].as_array().expect("notices");
    assert!(
        notices
            .iter()
            .any(|n| n["message"].as_str().is_some_and(|m| m.contains("loop"))),
        "{doc}"
    );
}

#[test]
fn output_is_the_same_at_any_thread_count() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for format in ["json", "human"] {
        let run = |threads: &str| {
            let o = run_in(
                &root,
                &[
                    "audit",
                    "--as-of",
                    AS_OF,
                    "--color",
                    "never",
                    "--format",
                    format,
                    "-j",
                    threads,
                    "tests/fixtures",
                ],
            );
            assert_eq!(code(&o), 0, "{}", stderr(&o));
            o.stdout
        };
        let one = run("1");
        assert!(one.len() > 1000, "the fixtures produce findings");
        for _ in 0..2 {
            assert!(one == run("4"), "--format {format}: -j1 and -j4 differ");
        }
    }
}

// ---------------------------------------------------------------------------
// Rules.
// ---------------------------------------------------------------------------

const GOOD_RULES: &str = r#"# Our own internal API, in the same format as the bundled rules.
[[endpoint]]
id = "acme-widgets-v1"
name = "Widgets API"
product = "Acme"
category = "Inventory"
endpoint = "/acme/1.0/widgets/"
replacement = "/acme/2.0/widgets/"
eol = "2026-12"
source = { title = "Acme API changelog", date = "2026-01-15", evidence = "primary" }
"#;

const BROKEN_RULES: &str = r#"[[endpoint]]
id = "acme-widgets-v1"
name = "Widgets API"
product = "Acme"
category = "Inventory"
endpoint = "/acme/1.0/widgets/"
eol = "2026-13"
source = { title = "Acme API changelog", date = "2026-01-15", evidence = "primary" }
"#;

#[test]
fn rules_lists_the_bundled_rules() {
    let o = sunset()
        .args(["rules", "--as-of", AS_OF])
        .output()
        .expect("run");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains(&format!("as of {AS_OF}")), "{text}");
    for id in [
        "qualys-scan-v2",
        "qualys-asset-host-v4",
        "qualys-pcrs-hostids-v1",
        "qualys-option-profile-v3",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(id)),
            "{id} is not listed:\n{text}"
        );
    }
    let o = sunset()
        .args(["rules", "--as-of", AS_OF, "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(code(&o), 0);
    json(&o);
}

#[test]
fn user_rules_are_added_and_used() {
    let dir = tree(&[
        ("rules/acme.toml", GOOD_RULES),
        (
            "src/inventory.js",
            "fetch(`${ACME}/acme/1.0/widgets/?limit=5`);\n",
        ),
    ]);
    let o = run_in(
        dir.path(),
        &[
            "audit",
            "--rules",
            "rules/acme.toml",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "src",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "acme-widgets-v1", "{doc}");
    assert_eq!(f["suggested"], "{ACME}/acme/2.0/widgets/?limit=5", "{doc}");

    let o = run_in(dir.path(), &["rules", "--rules", "rules", "--as-of", AS_OF]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).lines().any(|l| l.starts_with("acme-widgets-v1")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn broken_rule_file_names_file_and_line() {
    let dir = tree(&[("broken.toml", BROKEN_RULES), ("a.py", "x = 1\n")]);
    let o = run_in(
        dir.path(),
        &["audit", "--rules", "broken.toml", "--as-of", AS_OF, "a.py"],
    );
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("broken.toml:7:"),
        "stderr names broken.toml line 7:\n{err}"
    );
    assert!(err.contains("eol"), "{err}");
    assert!(o.stdout.is_empty(), "no scan output: {}", stdout(&o));
}

#[test]
fn validate_good_and_bad_rule_files() {
    let dir = tree(&[("good.toml", GOOD_RULES), ("broken.toml", BROKEN_RULES)]);
    let o = run_in(dir.path(), &["rules", "--validate", "good.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "good.toml: 1 rule, valid\n");

    let o = run_in(dir.path(), &["rules", "--validate", "broken.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("broken.toml:7:"), "{}", stderr(&o));

    let o = run_in(dir.path(), &["rules", "--validate", "missing.toml"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("missing.toml"), "{}", stderr(&o));
}
