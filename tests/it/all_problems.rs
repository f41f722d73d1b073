//! Every problem at once: `rules --validate` and a broken `sunset.toml`
//! list all their problems in one run, not one round per fix.
//! See: issue 13 ("All problems at once").

use crate::util::{code, run_in, sunset, tree};

/// Three entries: one missing a key that also has a bad id, a date range
/// backwards and an unknown key; one with a bad date; one duplicating it.
const RULES: &str = r#"
[[endpoint]]
id = "Bad_Id"
name = "X"
product = "P"
endpoint = "/api/2.0/fo/x/"
replacement = "/api/3.0/fo/x/"
eos = "2027-12"
eol = "2026-06"
colour = "red"
source = { title = "T", date = "2025-06-25", url = "https://example.com/a", evidence = "primary" }

[[endpoint]]
id = "dup-id"
name = "Y"
product = "P"
category = "C"
endpoint = "/api/2.0/fo/y/"
eos = "December 2026"
source = { title = "T", date = "2025-06-25", url = "https://example.com/a", evidence = "primary" }

[[endpoint]]
id = "dup-id"
name = "Z"
product = "P"
category = "C"
endpoint = "/api/2.0/fo/y/"
eos = "2026-12"
source = { title = "T", date = "2025-06-25", evidence = "tertiary" }
"#;

#[test]
fn rules_validate_lists_every_problem_of_a_file_in_one_pass() {
    let dir = tree(&[("extra.toml", RULES)]);
    let out = sunset()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["rules", "--validate", "extra.toml"])
        .output()
        .expect("run sunset");
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    for problem in [
        "8 problems",
        "missing key `category`",
        "rule id `Bad_Id` is not kebab-case",
        "End of Support (2027-12) is after End of Life (2026-06)",
        "unknown key `colour`",
        "`eos` is not a date",
        "duplicate rule id `dup-id`",
        "endpoint `/api/2.0/fo/y/` already has rule `dup-id`",
        "tertiary",
    ] {
        assert!(err.contains(problem), "{problem}:\n{err}");
    }
}

#[test]
fn a_config_with_several_problems_reports_them_all() {
    let dir = tree(&[(
        "sunset.toml",
        "exclude = [\"[bad\"]\nfail-on = \"nope\"\nunknown-key = 1\nwarn-within = \"soon\"\n\
         [[waiver]]\nrule = \"x\"\nreason = \"\"\nuntil = \"2026-02-30\"\nexpires = \"x\"\n",
    )]);
    for cmd in ["audit", "check"] {
        let out = run_in(dir.path(), &[cmd, "."]);
        assert_eq!(code(&out), 2, "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        for problem in [
            "sunset.toml: 7 problems",
            "unknown key `unknown-key`",
            "unknown key [[waiver]] `expires`",
            "`fail-on = \"nope\"` is not a threshold",
            "`soon` is not a duration",
            "bad exclude glob",
            "a waiver's `reason` may not be empty",
            "`until = \"2026-02-30\"` is not a date",
        ] {
            assert!(err.contains(problem), "{cmd}: {problem}:\n{err}");
        }
    }
}

#[test]
fn a_config_with_one_problem_reports_it_alone() {
    let dir = tree(&[("sunset.toml", "fail-on = \"nope\"\n")]);
    let out = run_in(dir.path(), &["check", "."]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("problems"), "{err}");
    assert!(err.contains("is not a threshold"), "{err}");
}
