//! Paths stay whole and pasteable, and every file sunset writes is its
//! own: a long path in an error is not wrapped mid-path, the "details"
//! command quotes a raw path so a shell gets it back exactly, and
//! `sunset rules --format json` carries the own-output mark.
//! See: issue 13 ("paths in help/errors are not wrapped mid-path").

use std::process::Command;

use crate::util::{code, json, run_in, stderr, sunset, tree, AS_OF};

const SCRIPT: &str = "curl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n";

#[test]
fn a_long_path_in_an_error_stays_on_one_line() {
    let dir = tree(&[("x", "")]);
    let long: Vec<String> = (0..4)
        .map(|i| format!("a-very-very-long-directory-name-{i}"))
        .collect();
    let missing = format!("{}/missing.sh", long.join("/"));
    let out = sunset()
        .current_dir(dir.path())
        .env("COLUMNS", "60")
        .args(["audit", &missing])
        .output()
        .expect("run sunset");
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.lines().any(|l| l.contains(&missing)),
        "the path is split across lines:\n{err}"
    );
}

/// The `details:` command of `check` on `dir_name`, and what bash makes of
/// its path argument.
fn details_round_trip(dir_name: &str) -> (String, String) {
    let dir = tree(&[(format!("{dir_name}/a.sh").as_str(), SCRIPT)]);
    let out = run_in(
        dir.path(),
        &[
            "check", "--as-of", AS_OF, "--format", "json", "--", dir_name,
        ],
    );
    let details = json(&out)["gate"]["details"]
        .as_str()
        .expect("details")
        .to_string();
    let word = details
        .strip_prefix("sunset audit ")
        .and_then(|r| r.strip_suffix(&format!(" --as-of {AS_OF}")))
        .unwrap_or_else(|| panic!("{details}"));
    let shell = Command::new("bash")
        .args(["-c", &format!("printf %s {word}")])
        .output()
        .expect("run bash");
    (
        details.clone(),
        String::from_utf8_lossy(&shell.stdout).into_owned(),
    )
}

#[test]
fn details_command_quotes_raw_paths_for_the_shell() {
    for (name, expected) in [
        ("my dir's", "'my dir'\\''s'"),
        ("-x", "./-x"),
        ("back\\slash", "'back\\slash'"),
        ("new\nline", "$'new\\x0aline'"),
    ] {
        let (details, back) = details_round_trip(name);
        assert_eq!(
            details,
            format!("sunset audit {expected} --as-of {AS_OF}"),
            "{name:?}"
        );
        assert_eq!(back.trim_start_matches("./"), name, "{details}");
    }
}

#[test]
fn a_saved_rules_listing_is_skipped_as_own_output() {
    let listing = sunset()
        .args(["rules", "--format", "json"])
        .output()
        .expect("run sunset");
    let doc: serde_json::Value = serde_json::from_slice(&listing.stdout).expect("json");
    // An array of rules, as tools have always read it, each marked.
    let rules = doc.as_array().expect("an array of rules");
    assert!(!rules.is_empty());
    assert!(rules.iter().all(|r| r["schema"] == "sunset-rules/1"));
    // Issue 13: the sourced date a replacement appeared, where a rule has
    // one; the marker stays the first key.
    let nsx = rules
        .iter()
        .find(|r| r["id"] == "qualys-auth-nsx-v2")
        .expect("nsx rule");
    assert_eq!(nsx["replacement_published"]["date"], "2026-05-11");
    assert_eq!(
        nsx["replacement_published"]["source"]["title"],
        "Policy Audit Release 1.11 API"
    );
    assert!(rules
        .iter()
        .filter(|r| r["replacement_published"].is_object())
        .all(|r| r["replacement"].is_string()));
    let text = String::from_utf8_lossy(&listing.stdout);
    assert!(text.starts_with("[\n  {\n    \"schema\": \"sunset-rules/1\""));

    let dir = tree(&[("rules.json", listing.stdout)]);
    let report = json(&run_in(
        dir.path(),
        &["audit", "--as-of", AS_OF, "--format", "json", "."],
    ));
    assert_eq!(report["findings"], serde_json::json!([]), "{report}");
    assert_eq!(report["summary"]["files_skipped"]["own_output"], 1);
}
