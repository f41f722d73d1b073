//! Adoption (issue 13): what a team meets in its first hour and in the
//! shipped CI recipes. Each test fails on the behaviour the issue reports.

use std::path::Path;

use serde_json::Value;

use crate::util::{
    audit_json, code, examples_copy, git_apply, json, run_in, snapshot, stderr, stdout, sunset,
    tree, AS_OF,
};

/// (path, line, column, rule, kind) of every finding in a JSON report.
fn finding_keys(doc: &Value) -> Vec<(String, u64, u64, String, String)> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["rule"].as_str().expect("rule").to_string(),
                f["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect()
}

/// Issue 13, blocker: every report sunset writes into the tree is skipped
/// on the next run (by content: the files are given names that say
/// nothing), counted under `own_output`, and the findings stay the same.
#[test]
fn reports_written_into_the_tree_are_not_scanned_again() {
    let dir = examples_copy();
    let before = audit_json(dir.path(), &["examples"]);
    let keys = finding_keys(&before);
    assert!(keys.len() > 10, "{keys:?}");

    let outputs: &[(&[&str], &str)] = &[
        (&["audit", "--format", "json"], "a"),
        (&["audit", "--format", "sarif"], "b"),
        (&["audit", "--format", "gitlab"], "c"),
        (&["audit", "--format", "junit"], "d"),
        (&["audit", "--format", "csv"], "e"),
        (&["report", "--format", "markdown"], "f"),
        (&["report", "--format", "html"], "g"),
        (&["report", "--format", "csv"], "h"),
        (&["check", "--no-config", "--write-baseline"], "i"),
    ];
    for (args, name) in outputs {
        let file = format!("examples/out-{name}.txt");
        let mut all: Vec<&str> = args.to_vec();
        if args[0] == "check" {
            all.push(&file);
        } else {
            all.extend(["-o", &file]);
        }
        all.extend(["--as-of", AS_OF, "examples"]);
        let o = run_in(dir.path(), &all);
        assert!(code(&o) < 2, "{all:?}: {}", stderr(&o));
        assert!(dir.path().join(&file).is_file(), "{all:?} wrote nothing");
    }

    let after = audit_json(dir.path(), &["examples"]);
    assert_eq!(finding_keys(&after), keys);
    assert_eq!(
        after["summary"]["files_skipped"]["own_output"],
        outputs.len(),
        "{}",
        after["summary"]
    );
    assert_eq!(
        after["summary"]["files_scanned"], before["summary"]["files_scanned"],
        "own output is not counted as scanned"
    );
    // Human output names the skip reason.
    let o = run_in(
        dir.path(),
        &["audit", "--as-of", AS_OF, "--color", "never", "examples"],
    );
    assert!(
        stdout(&o).contains(&format!("{} sunset's own output", outputs.len())),
        "{}",
        stdout(&o)
    );
}

/// The must-not-flag twin: a file that quotes sunset's formats without
/// being sunset output (a JSON document with another schema, another
/// tool's SARIF) is scanned as usual.
#[test]
fn lookalikes_of_sunset_output_are_still_scanned() {
    let url = "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list";
    let dir = tree(&[
        (
            "other.json",
            format!("{{\"name\": \"x\", \"schema\": \"sunset/1\", \"url\": \"{url}\"}}\n"),
        ),
        (
            "semgrep.sarif",
            format!(
                "{{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"runs\": [{{\"results\": [{{\"message\": {{\"text\": \"{url}\"}}}}], \"tool\": {{\"driver\": {{\"name\": \"semgrep\"}}}}}}]}}\n"
            ),
        ),
        (
            "migration.md",
            format!("# Qualys API migration report\n\nWe call `{url}`.\n"),
        ),
    ]);
    let doc = audit_json(dir.path(), &["."]);
    let paths: Vec<String> = finding_keys(&doc).into_iter().map(|k| k.0).collect();
    for f in ["other.json", "semgrep.sarif", "migration.md"] {
        assert!(paths.iter().any(|p| p.ends_with(f)), "{f}: {paths:?}");
    }
    assert!(doc["summary"]["files_skipped"].get("own_output").is_none());
}

/// The `run:` script of the step with `id: <id>` in action.yml.
fn action_step(id: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("id: {id}"))
        .unwrap_or_else(|| panic!("no step {id} in action.yml"));
    let run = at
        + lines[at..]
            .iter()
            .position(|l| l.trim() == "run: |")
            .expect("run: | in the step");
    let indent = lines[run].len() - lines[run].trim_start().len();
    let mut script = String::new();
    for l in &lines[run + 1..] {
        let lead = l.len() - l.trim_start().len();
        if !l.trim().is_empty() && lead <= indent {
            break;
        }
        script.push_str(l.get(indent + 2..).unwrap_or(""));
        script.push('\n');
    }
    script
}

/// What one run of the Action's gate step gave: the `exit-code` output
/// and the job log (stdout and stderr).
fn run_gate_step(dir: &Path, baseline: &str, paths: &str) -> (String, String) {
    let runner = dir.join("runner-temp");
    std::fs::create_dir_all(runner.join("sunset/bin")).expect("mkdir");
    let link = runner.join("sunset/bin/sunset");
    if !link.exists() {
        #[cfg(unix)]
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sunset"), &link).expect("symlink");
    }
    let gh_output = dir.join("gh-output");
    std::fs::write(&gh_output, "").expect("write");
    let o = std::process::Command::new("bash")
        .args(["-e", "-c", &action_step("gate")])
        .current_dir(dir.join("workspace"))
        .env("RUNNER_TEMP", &runner)
        .env("GITHUB_OUTPUT", &gh_output)
        .env("SUNSET_PATHS", paths)
        .env("SUNSET_FAIL_ON", "")
        .env("SUNSET_WARN_WITHIN", "")
        .env("SUNSET_BASELINE", baseline)
        .env("SUNSET_ARGS", "--as-of 2026-12-01")
        .env("SUNSET_SARIF", "sunset.sarif")
        .output()
        .expect("bash");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let exit = std::fs::read_to_string(&gh_output).expect("read");
    // The summary line differs on the second run only by its count of
    // skipped files (the SARIF of the first run): the verdict and the
    // finding counts must not.
    let log = (stdout(&o) + &stderr(&o))
        .lines()
        .map(|l| l.split(" (skipped: ").next().unwrap_or(l).to_string() + "\n")
        .collect();
    (exit.trim().to_string(), log)
}

/// Issue 13, done-when: the Action's gate step, run twice in a row in the
/// same workspace (it writes `sunset.sarif` there), gives the same verdict
/// and the same annotations, with and without a baseline.
#[cfg(unix)]
#[test]
fn the_actions_gate_step_gives_the_same_verdict_twice() {
    let dir = examples_copy();
    let ws = dir.path().join("workspace");
    std::fs::rename(dir.path().join("examples"), &ws).expect("move");
    let first = run_gate_step(dir.path(), "", ".");
    assert_eq!(first.0, "exit-code=1");
    assert!(ws.join("sunset.sarif").is_file());
    // One run of check, and the job log says why it failed.
    assert!(first.1.contains("sunset check: FAILED"), "{}", first.1);
    assert_eq!(first.1.matches("sunset check:").count(), 1, "{}", first.1);
    let second = run_gate_step(dir.path(), "", ".");
    assert_eq!(second, first);

    // With a baseline of today's findings: passes, twice.
    let o = sunset()
        .current_dir(&ws)
        .args(["check", "--no-config", "--as-of", "2026-12-01"])
        .args(["--write-baseline", "sunset-baseline.json", "."])
        .output()
        .expect("run");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let first = run_gate_step(dir.path(), "sunset-baseline.json", ".");
    assert_eq!(first.0, "exit-code=0", "{}", first.1);
    let second = run_gate_step(dir.path(), "sunset-baseline.json", ".");
    assert_eq!(second, first);

    // A repository whose only reference is a TODO comment passes twice.
    let mention = tree(&[(
        "workspace/app.py",
        "# TODO: move off https://qualysapi.qualys.com/api/2.0/fo/scan/ before EOL\nprint('hi')\n",
    )]);
    let first = run_gate_step(mention.path(), "", ".");
    assert_eq!(first.0, "exit-code=0", "{}", first.1);
    let second = run_gate_step(mention.path(), "", ".");
    assert_eq!(second, first);
}

const ACME_RULES: &str = r#"[[endpoint]]
id = "acme-widgets-v1"
name = "Widgets API"
product = "Acme"
category = "Inventory"
endpoint = "/acme/1.0/widgets/"
replacement = "/acme/2.0/widgets/"
eol = "2026-12"
source = { title = "Acme API changelog", date = "2026-01-15", evidence = "primary" }
"#;

const SAFE_CALL: &str =
    "import requests\nrequests.post('https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/', data={'action': 'list'})\n";

/// A tree with a sunset.toml that excludes `vendor/` and adds a rule file.
fn configured_tree() -> tempfile::TempDir {
    tree(&[
        (
            "sunset.toml",
            "exclude = [\"vendor/**\"]\nrules = [\"rules/acme.toml\"]\nfail-on = \"eol\"\n",
        ),
        ("rules/acme.toml", ACME_RULES),
        ("app/client.py", SAFE_CALL),
        (
            "app/widgets.js",
            "fetch('https://qualysapi.qualys.com/acme/1.0/widgets/?limit=5');\n",
        ),
        ("vendor/lib/old.py", SAFE_CALL),
    ])
}

/// Sorted (path, rule) of a JSON report's findings.
fn path_rules(doc: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = finding_keys(doc)
        .into_iter()
        .map(|k| (k.0.trim_start_matches("./").to_string(), k.3))
        .collect();
    v.sort();
    v
}

/// Issue 13, major 1: `audit`, `check`, `report` and `fix` read the same
/// sunset.toml the same way: the excluded `vendor/` is in none of them,
/// the extra rule file's rule is in all of them, and `fix --write` leaves
/// the excluded file alone.
#[test]
fn every_command_uses_the_same_sunset_toml() {
    let dir = configured_tree();
    let expected = vec![
        (
            "app/client.py".to_string(),
            "qualys-compliance-exception-v2".to_string(),
        ),
        ("app/widgets.js".to_string(), "acme-widgets-v1".to_string()),
    ];

    let audit = audit_json(dir.path(), &["."]);
    assert_eq!(path_rules(&audit), expected, "audit");

    let o = run_in(
        dir.path(),
        &["check", "--format", "json", "--as-of", "2026-12-01", "."],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_eq!(path_rules(&json(&o)), expected, "check");

    let o = run_in(
        dir.path(),
        &["report", "--format", "csv", "--as-of", AS_OF, "."],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut rows: Vec<(String, String)> = stdout(&o)
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (
                cells[2].trim_start_matches("./").to_string(),
                cells[7].to_string(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(rows, expected, "report");

    let o = run_in(dir.path(), &["fix", "--as-of", AS_OF, "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let diff = stdout(&o);
    assert!(diff.contains("app/client.py"), "{diff}");
    assert!(!diff.contains("vendor"), "{diff}");
    let o = run_in(dir.path(), &["fix", "--write", "--as-of", AS_OF, "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let vendor = std::fs::read_to_string(dir.path().join("vendor/lib/old.py")).expect("read");
    assert_eq!(vendor, SAFE_CALL, "fix --write edited an excluded file");
    let app = std::fs::read_to_string(dir.path().join("app/client.py")).expect("read");
    assert!(app.contains("/api/3.0/fo/compliance/exception/"), "{app}");
}

/// The twin: `--no-config` works for every command, and then `vendor/`
/// is scanned and the extra rule is unknown.
#[test]
fn no_config_works_for_every_command() {
    let dir = configured_tree();
    let doc = audit_json(dir.path(), &["--no-config", "."]);
    let got = path_rules(&doc);
    assert!(got.iter().any(|(p, _)| p == "vendor/lib/old.py"), "{got:?}");
    assert!(!got.iter().any(|(_, r)| r == "acme-widgets-v1"), "{got:?}");
    for cmd in [
        &[
            "check",
            "--no-config",
            "--as-of",
            AS_OF,
            "--format",
            "concise",
            ".",
        ][..],
        &["report", "--no-config", "--as-of", AS_OF, "."],
        &["fix", "--no-config", "--as-of", AS_OF, "."],
    ] {
        let o = run_in(dir.path(), cmd);
        assert!(code(&o) < 2, "{cmd:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("vendor"), "{cmd:?}: {}", stdout(&o));
    }
    // A broken sunset.toml stops every command the same way.
    std::fs::write(dir.path().join("sunset.toml"), "exclude = 3\n").expect("write");
    for cmd in ["audit", "check", "report", "fix"] {
        let o = run_in(dir.path(), &[cmd, "."]);
        assert_eq!(code(&o), 2, "{cmd}");
        assert!(stderr(&o).contains("sunset.toml"), "{cmd}: {}", stderr(&o));
    }
}

const WORKFLOW: &str = "name: nightly\non: schedule\njobs:\n  scans:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          curl -s -u \"$QUALYS_USER:$QUALYS_PASS\" -H 'X-Requested-With: curl' \\\n            'https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list'\n";

/// A tree with CI configuration under dot-paths, git's own store and an
/// ordinary hidden directory, all holding a legacy call.
fn ci_tree() -> tempfile::TempDir {
    let call = "curl 'https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list'\n";
    tree(&[
        (".github/workflows/nightly.yml", WORKFLOW),
        (".gitlab-ci.yml", &format!("scan:\n  script:\n    - {call}")),
        (
            ".circleci/config.yml",
            &format!("jobs:\n  a:\n    steps:\n      - run: {call}"),
        ),
        (".git/config", &format!("[remote]\n  url = {call}")),
        (".git/hooks/pre-push.sample", call),
        (".git/logs/HEAD", call),
        (".cache/run.sh", call),
        ("app.py", "print('hello')\n"),
    ])
}

/// Issue 13, major 2: CI configuration under well-known dot-paths is
/// scanned by default, so a workflow with a legacy curl call fails
/// `check`; `.git/` is never read, not even with `--hidden`; other hidden
/// paths stay out unless `--hidden` (the twin).
#[test]
fn ci_dot_paths_are_scanned_and_git_never() {
    let dir = ci_tree();
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--as-of",
            "2026-12-01",
            "--format",
            "concise",
            ".",
        ],
    );
    assert_eq!(code(&o), 1, "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(".github/workflows/nightly.yml:9:"), "{out}");

    let doc = audit_json(dir.path(), &["."]);
    let mut paths: Vec<String> = finding_keys(&doc)
        .into_iter()
        .map(|k| k.0.trim_start_matches("./").to_string())
        .collect();
    paths.dedup();
    assert_eq!(
        paths,
        [
            ".circleci/config.yml",
            ".github/workflows/nightly.yml",
            ".gitlab-ci.yml"
        ]
    );
    assert_eq!(doc["summary"]["files_scanned"], 4, "{}", doc["summary"]);
    assert_eq!(
        doc["summary"]["files_skipped"]["hidden"], 1,
        "{}",
        doc["summary"]
    );

    // --hidden lets in .cache/, never .git/.
    let doc = audit_json(dir.path(), &["--hidden", "--no-ignore", "."]);
    let paths: Vec<String> = finding_keys(&doc).into_iter().map(|k| k.0).collect();
    assert!(
        paths.iter().any(|p| p.ends_with(".cache/run.sh")),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.contains(".git/")), "{paths:?}");
    assert_eq!(doc["summary"]["files_scanned"], 5, "{}", doc["summary"]);
}

/// Issue 13, major 5: with the findings in a file, the verdict lines go to
/// stderr for every format; stdout stays empty. The twin: without `-o`
/// the verdict is part of the human report on stdout, not repeated.
#[test]
fn check_with_output_file_prints_the_verdict_on_stderr() {
    let dir = examples_copy();
    for format in [
        "human", "json", "sarif", "gitlab", "junit", "concise", "csv", "github",
    ] {
        let o = run_in(
            dir.path(),
            &[
                "check",
                "--no-config",
                "--as-of",
                "2026-12-01",
                "--format",
                format,
                "-o",
                "out.txt",
                "examples",
            ],
        );
        assert_eq!(code(&o), 1, "{format}");
        assert_eq!(stdout(&o), "", "{format}");
        let err = stderr(&o);
        assert!(err.contains("sunset check: FAILED"), "{format}: {err}");
        assert!(err.contains("written to out.txt"), "{format}: {err}");
    }
    let o = run_in(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--as-of",
            "2026-11-30",
            "--color",
            "never",
            // examples/bash/pci_onboard.sh sends IPv6 to save_merchant, a
            // request error at every date: this run is about the dates.
            "--fail-on-request",
            "never",
            "examples",
        ],
    );
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("sunset check: passed"),
        "{}",
        stdout(&o)
    );
    assert_eq!(stderr(&o), "");
}

fn version(s: &str) -> Vec<u64> {
    s.split('.').map(|x| x.parse().expect("number")).collect()
}

/// Issue 13, major 3: Cargo.toml's `rust-version` is at least every
/// locked crate's `rust-version` (cargo metadata), and the GitLab recipe's
/// image is that version.
#[test]
fn rust_version_covers_the_lock_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(root)
        .output()
        .expect("cargo metadata");
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).expect("metadata JSON");
    let packages = doc["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "sunset")
        .and_then(|p| p["rust_version"].as_str())
        .expect("sunset declares rust-version");
    let (needed, by) = packages
        .iter()
        .filter_map(|p| Some((p["rust_version"].as_str()?, p["name"].as_str()?)))
        .max_by_key(|(v, _)| version(v))
        .expect("locked crates declare rust-version");
    assert!(
        version(ours) >= version(needed),
        "rust-version {ours}, but {by} needs {needed}"
    );
    let gate = std::fs::read_to_string(root.join("docs/gate.md")).expect("gate.md");
    assert!(
        gate.contains(&format!("image: rust:{ours}\n")),
        "the GitLab recipe's image is not rust:{ours}"
    );
}

/// The fake credentials planted in examples/ (as .ci/run lists them).
const EXAMPLE_SECRETS: &[&str] = &[
    "S3cr3t-Pa55",
    "Winter2026!",
    "hunter2",
    "ZmFrZS10b2tlbi1mb3ItZXhhbXBsZXM",
    "ZmFrZS1nYXRld2F5LXRva2Vu",
];

/// Issue 13, major 4: `fix --unsafe --patch FILE` on examples/ writes a
/// patch (mode 0600) that `git apply` accepts and that gives the same
/// files as `fix --unsafe --write`; no credential reaches stdout or
/// stderr. The masked diff on stdout (the twin) is still masked.
#[cfg(unix)]
#[test]
fn fix_patch_applies_on_examples_and_is_never_printed() {
    use std::os::unix::fs::PermissionsExt;
    let patched = examples_copy();
    let o = run_in(
        patched.path(),
        &[
            "fix",
            "--unsafe",
            "--as-of",
            AS_OF,
            "--patch",
            "fix.patch",
            "examples",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let printed = stdout(&o) + &stderr(&o);
    assert_eq!(stdout(&o), "", "nothing on stdout with --patch");
    assert!(printed.contains("fix.patch"), "{printed}");
    let patch = patched.path().join("fix.patch");
    let mode = std::fs::metadata(&patch)
        .expect("patch")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&patch).expect("read");
    assert!(text.matches("\n--- a/").count() >= 5, "{text}");
    let o = git_apply(patched.path(), &["--check", "fix.patch"]);
    assert!(o.status.success(), "git apply --check: {}", stderr(&o));
    let o = git_apply(patched.path(), &["fix.patch"]);
    assert!(o.status.success(), "git apply: {}", stderr(&o));
    std::fs::remove_file(&patch).expect("rm");

    let written = examples_copy();
    let o = run_in(
        written.path(),
        &["fix", "--unsafe", "--write", "--as-of", AS_OF, "examples"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(snapshot(patched.path()), snapshot(written.path()));

    // The masked diff on stdout: what a terminal sees.
    let fresh = examples_copy();
    let o = run_in(
        fresh.path(),
        &["fix", "--unsafe", "--as-of", AS_OF, "examples"],
    );
    let printed = stdout(&o) + &stderr(&o);
    for s in EXAMPLE_SECRETS {
        assert!(!printed.contains(s), "{s} printed");
    }
}

/// A credential on a context line: the patch applies and holds it (that
/// is why it is 0600), the terminal never shows it.
#[cfg(unix)]
#[test]
fn fix_patch_applies_with_a_credential_on_a_context_line() {
    let source = "import requests\nAUTH = ('scanner', 'Tr0ub4dor-and-3')\nURL = 'https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/'\nrequests.post(URL, auth=AUTH, data={'action': 'list'})\n";
    let dir = tree(&[("repo/app.py", source)]);
    let repo = dir.path().join("repo");
    let o = run_in(
        &repo,
        &["fix", "--as-of", AS_OF, "--patch", "../p.diff", "."],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let printed = stdout(&o) + &stderr(&o);
    assert!(!printed.contains("Tr0ub4dor"), "{printed}");
    let patch = std::fs::read_to_string(dir.path().join("p.diff")).expect("patch");
    assert!(
        patch.contains(" AUTH = ('scanner', 'Tr0ub4dor-and-3')"),
        "{patch}"
    );
    let o = git_apply(&repo, &["../p.diff"]);
    assert!(o.status.success(), "git apply: {}", stderr(&o));
    let fixed = std::fs::read_to_string(repo.join("app.py")).expect("read");
    assert_eq!(fixed, source.replace("/api/2.0/", "/api/3.0/"));

    // The diff on stdout has the line masked, and says --patch applies.
    std::fs::write(repo.join("app.py"), source).expect("write");
    let o = run_in(&repo, &["fix", "--as-of", AS_OF, "."]);
    assert!(!stdout(&o).contains("Tr0ub4dor"), "{}", stdout(&o));
    assert!(stderr(&o).contains("--patch FILE"), "{}", stderr(&o));
    // Never to standard output.
    let o = run_in(&repo, &["fix", "--as-of", AS_OF, "--patch", "-", "."]);
    assert_eq!(code(&o), 2);
    assert!(!stdout(&o).contains("Tr0ub4dor"));
}

/// Issue 13, friendly parsing: `--max-filesize` takes K/M/G suffixes
/// (1024-based, as ripgrep): 1K skips a 2,000-byte file, 10K scans it.
#[test]
fn max_filesize_takes_size_suffixes() {
    let mut big = String::from("URL = 'https://qualysapi.qualys.com/api/2.0/fo/scan/'\n");
    while big.len() < 2000 {
        big.push_str("# padding padding padding padding padding padding\n");
    }
    let dir = tree(&[("big.py", big.as_str())]);
    let small = audit_json(dir.path(), &["--max-filesize", "1K", "."]);
    assert_eq!(
        small["summary"]["files_skipped"]["too_large"], 1,
        "{}",
        small["summary"]
    );
    let large = audit_json(dir.path(), &["--max-filesize", "10k", "."]);
    assert_eq!(finding_keys(&large).len(), 1, "{large}");
    let o = run_in(dir.path(), &["audit", "--max-filesize", "10X", "."]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("K, M or G"), "{}", stderr(&o));
}

/// Issue 13, friendly parsing: in `audit` and `check` help, `--format`,
/// `--as-of` and `-o` come before the walking flags; `fix --help` does not
/// list `--repo-name`, which does nothing for fix.
#[test]
fn help_lists_output_flags_first_and_fix_only_its_own() {
    for cmd in ["audit", "check"] {
        let o = sunset().args([cmd, "--help"]).output().expect("run");
        let help = stdout(&o);
        let at = |flag: &str| {
            help.find(flag)
                .unwrap_or_else(|| panic!("{cmd} --help lacks {flag}"))
        };
        for first in ["--format", "--as-of", "--output"] {
            for walk in ["--no-ignore", "--hidden", "--max-filesize"] {
                assert!(at(first) < at(walk), "{cmd}: {first} after {walk}");
            }
        }
        assert!(help.contains("--repo-name"), "{cmd}");
    }
    let o = sunset().args(["fix", "--help"]).output().expect("run");
    let help = stdout(&o);
    assert!(!help.contains("--repo-name"), "{help}");
    assert!(help.contains("--patch"), "{help}");
}
