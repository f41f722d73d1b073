//! Suppression comments are checked (ruff's RUF100): an id no rule has and
//! a comment that suppresses nothing are warnings in every format that
//! lists notices (human, JSON, SARIF, GitHub annotations), while a used comment with known ids
//! is not reported. See: issue 13 ("Suppressions are checked").

use crate::util::{json, run_in, stdout, tree, AS_OF};

const SCRIPT: &str = "#!/bin/sh\n\
# sunset: ignore[qualys-scan-v2] decommissioned in January, OPS-7\n\
curl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n\
# sunset: ignore[qualys-scan-v2] left behind by a refactor\n\
echo nothing to suppress here\n\
curl \"https://qualysapi.qualys.com/api/2.0/fo/report/?action=list\" # sunset: ignore[qualys-reprot-v2] typo\n";

const UNUSED: &str = "a.sh:4: unused suppression";
const UNKNOWN: &str = "a.sh:6: unknown rule id `qualys-reprot-v2`";

#[test]
fn unknown_ids_and_unused_suppressions_are_warnings_in_every_format() {
    let dir = tree(&[("a.sh", SCRIPT)]);
    for cmd in ["audit", "check"] {
        let human = stdout(&run_in(dir.path(), &[cmd, "--as-of", AS_OF, "a.sh"]));
        assert!(
            human.contains(&format!("notice: {UNUSED}")),
            "{cmd}:\n{human}"
        );
        assert!(
            human.contains(&format!("notice: {UNKNOWN}")),
            "{cmd}:\n{human}"
        );
        // The used suppression on line 2 (a known id) is not reported.
        assert!(!human.contains("notice: a.sh:2:"), "{cmd}:\n{human}");

        let doc = json(&run_in(
            dir.path(),
            &[cmd, "--as-of", AS_OF, "--format", "json", "a.sh"],
        ));
        let notices: Vec<String> = doc["summary"]["notices"]
            .as_array()
            .expect("notices")
            .iter()
            .map(|n| {
                format!(
                    "{}: {}",
                    n["path"].as_str().unwrap(),
                    n["message"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(notices.len(), 2, "{cmd}: {notices:?}");
        assert!(notices[0].starts_with(UNUSED), "{notices:?}");
        assert!(notices[1].starts_with(UNKNOWN), "{notices:?}");

        let github = stdout(&run_in(
            dir.path(),
            &[cmd, "--as-of", AS_OF, "--format", "github", "a.sh"],
        ));
        assert!(
            github.contains("::warning file=a.sh,line=4,title=sunset notice::unused suppression"),
            "{github}"
        );
        assert!(
            github.contains("::warning file=a.sh,line=6,title=sunset notice::unknown rule id"),
            "{github}"
        );

        let sarif = json(&run_in(
            dir.path(),
            &[cmd, "--as-of", AS_OF, "--format", "sarif", "a.sh"],
        ));
        let texts: Vec<&str> = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .map(|n| n["message"]["text"].as_str().unwrap())
            .collect();
        assert!(texts.iter().any(|t| t.starts_with(UNUSED)), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with(UNKNOWN)), "{texts:?}");
    }
}

#[test]
fn a_used_suppression_with_a_known_id_is_not_reported() {
    let dir = tree(&[(
        "a.sh",
        "# sunset: ignore[qualys-scan-v2] decommissioned in January, OPS-7\n\
         curl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n\
         curl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\" # sunset: ignore OPS-8\n",
    )]);
    let doc = json(&run_in(
        dir.path(),
        &["check", "--as-of", AS_OF, "--format", "json", "a.sh"],
    ));
    assert_eq!(doc["summary"]["notices"], serde_json::json!([]), "{doc}");
    assert_eq!(doc["summary"]["suppressed"], 2, "{doc}");
}

#[test]
fn a_suppression_in_an_excluded_file_is_not_reported() {
    let dir = tree(&[
        ("sunset.toml", "exclude = [\"vendor/**\"]\n"),
        ("vendor/a.sh", "# sunset: ignore[no-such-rule] x\necho\n"),
    ]);
    let doc = json(&run_in(
        dir.path(),
        &["check", "--as-of", AS_OF, "--format", "json", "."],
    ));
    assert_eq!(doc["summary"]["notices"], serde_json::json!([]), "{doc}");
}
