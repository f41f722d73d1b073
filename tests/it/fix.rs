//! `sunset fix`: diffs per language, byte-exact writes, safety gating and
//! the refusals (read-only, changed on disk, outside the roots).
//!
//! Each test copies its input into a fresh temp dir and runs there with a
//! relative root, so paths in diffs and snapshots do not depend on the temp
//! dir, and every run passes an explicit `--as-of`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sunset::fix::{self, FixOptions};

use crate::fixtures::options;
use crate::util::{code, text, tree, AS_OF};

/// `sunset ARGS --as-of AS_OF` in `dir`, without colour.
fn sunset(dir: &Path, args: &[&str]) -> Output {
    crate::util::sunset()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--as-of", AS_OF])
        .output()
        .expect("run sunset")
}

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).expect("read")
}

/// The plan `fix` would make for `root` (relative to the current
/// directory) as the library sees it.
fn plan_in(dir: &Path, include_unsafe: bool) -> fix::Plan {
    let roots = vec![dir.to_path_buf()];
    let report = crate::fixtures::scan_report(&options(roots.clone()));
    fix::plan(
        &report,
        &roots,
        &FixOptions {
            include_unsafe,
            ..FixOptions::default()
        },
    )
}

// ---------------------------------------------------------------------------
// One diff per language, from the scanner's fixtures.
// ---------------------------------------------------------------------------

const LANGUAGES: &[(&str, &str)] = &[
    ("python", "python/qualys_client.py"),
    ("powershell", "powershell/QualysSync.ps1"),
    ("shell", "shell/qualys_nightly.sh"),
    ("go", "go/qualys.go"),
    ("javascript", "javascript/qualysClient.js"),
    ("typescript", "typescript/qualysApi.ts"),
    ("java", "java/QualysClient.java"),
    ("csharp", "csharp/QualysClient.cs"),
    ("ruby", "ruby/qualys_client.rb"),
    ("php", "php/QualysApi.php"),
    ("yaml", "yaml/ansible_qualys.yml"),
    ("postman", "json/qualys.postman_collection.json"),
    ("markdown", "markdown/runbook.md"),
];

#[test]
fn diff_per_language() {
    let mut patched = 0;
    for (lang, rel) in LANGUAGES {
        let name = Path::new(rel)
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let dir = tree(&[(&format!("src/{name}"), &fixture(rel))]);
        let before = read(dir.path(), &format!("src/{name}"));
        let dry = sunset(dir.path(), &["fix", "src", "--unsafe"]);
        assert_eq!(code(&dry), 0, "{lang}: {}", text(&dry.stderr));
        assert_eq!(
            read(dir.path(), &format!("src/{name}")),
            before,
            "{lang}: a dry run changed the file"
        );
        assert!(
            text(&dry.stdout).contains("\n@@ -"),
            "{lang}: nothing to rewrite:\n{}",
            text(&dry.stderr)
        );
        let shown = format!(
            "== stdout\n{}== stderr\n{}",
            text(&dry.stdout),
            text(&dry.stderr)
        );
        insta::assert_snapshot!(format!("diff_{lang}"), shown);

        // Applied, nothing fixable is left; what remains is manual.
        let write = sunset(dir.path(), &["fix", "src", "--unsafe", "--write"]);
        assert_eq!(code(&write), 0, "{lang}: {}", text(&write.stderr));
        let again = plan_in(dir.path(), true);
        assert_eq!(again.edit_count(), 0, "{lang}: fixable after --write");
        assert!(again.held.is_empty(), "{lang}");
        // The diff printed matches what --write wrote, unless a masked
        // credential keeps it from applying (checked on its own below).
        if !text(&dry.stderr).contains("shown masked") {
            let copy = tree(&[(&format!("src/{name}"), &before)]);
            apply_patch(copy.path(), &dry.stdout);
            assert_eq!(
                read(copy.path(), &format!("src/{name}")),
                read(dir.path(), &format!("src/{name}")),
                "{lang}: patch -p1 and --write disagree"
            );
            patched += 1;
        }
    }
    // Most fixtures hold no credential on a diff line: the comparison ran.
    assert!(patched >= 8, "only {patched} diffs were applied with patch");
}

fn apply_patch(dir: &Path, diff: &[u8]) {
    let out = Command::new("patch")
        .current_dir(dir)
        .args(["-p1", "--batch", "--no-backup-if-mismatch"])
        .output_with_stdin(diff);
    assert!(
        out.status.success(),
        "patch failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn printed_diff_applies_with_patch_and_git_apply() {
    // CRLF, a BOM and Latin-1 bytes all go through the diff as bytes.
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "app/client.py",
            b"import requests\n\nHOST = 'https://qualysapi.qualys.com'\n\ndef exceptions():\n    return requests.get(HOST + '/api/2.0/fo/compliance/exception/?action=list')\n\ndef scans():\n    return requests.get(HOST + '/api/2.0/fo/scan/', params={'action': 'list'})\n".to_vec(),
        ),
        (
            "app/sync.ps1",
            b"\xEF\xBB\xBF$u = 'https://qualysapi.qualys.com/api/2.0/fo/report/?action=list'\r\nInvoke-RestMethod -Uri $u\r\n".to_vec(),
        ),
        (
            "app/nuit.sh",
            b"#!/bin/sh\n# \xE9quipe s\xE9curit\xE9\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/asset/host/?action=list\"".to_vec(),
        ),
    ];
    let as_refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    let written = tree(&as_refs);
    let dry = sunset(written.path(), &["fix", "app", "--unsafe"]);
    assert_eq!(code(&dry), 0, "{}", text(&dry.stderr));
    let write = sunset(written.path(), &["fix", "app", "--unsafe", "--write"]);
    assert_eq!(code(&write), 0, "{}", text(&write.stderr));

    let patched = tree(&as_refs);
    apply_patch(patched.path(), &dry.stdout);
    let git = tree(&as_refs);
    let git_out = Command::new("git")
        .current_dir(git.path())
        .args(["apply", "-p1", "-"])
        .output_with_stdin(&dry.stdout);
    assert!(
        git_out.status.success(),
        "git apply: {}",
        text(&git_out.stderr)
    );
    for (rel, _) in &files {
        let want = read(written.path(), rel);
        assert_eq!(read(patched.path(), rel), want, "patch: {rel}");
        assert_eq!(read(git.path(), rel), want, "git apply: {rel}");
    }
}

/// `Command::output` with bytes fed to standard input.
trait OutputWithStdin {
    fn output_with_stdin(&mut self, input: &[u8]) -> Output;
}

impl OutputWithStdin for Command {
    fn output_with_stdin(&mut self, input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("feed");
        child.wait_with_output().expect("wait")
    }
}

// ---------------------------------------------------------------------------
// Bytes kept.
// ---------------------------------------------------------------------------

/// `bytes` with the one occurrence of `from` replaced by `to`.
fn replaced_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let hits: Vec<usize> = (0..=bytes.len() - from.len())
        .filter(|&i| &bytes[i..i + from.len()] == from)
        .collect();
    assert_eq!(hits.len(), 1, "expected one occurrence");
    let i = hits[0];
    [&bytes[..i], to, &bytes[i + from.len()..]].concat()
}

#[test]
fn crlf_bom_latin1_and_utf16_kept_byte_for_byte() {
    let crlf = b"$Base = 'https://qualysapi.qualys.com'\r\nInvoke-RestMethod -Uri \"$Base/api/2.0/fo/compliance/exception/?action=list\"\r\n# end\r\n".to_vec();
    let bom =
        b"\xEF\xBB\xBFURL = 'https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/'\n"
            .to_vec();
    let latin1 = b"#!/bin/sh\n# R\xE9cup\xE8re les exceptions (\xE9quipe s\xE9curit\xE9)\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/?action=list\" # caf\xE9\n".to_vec();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "$u = \"https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/\"\r\n# é\r\n"
        .encode_utf16()
    {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let dir = tree(&[
        ("t/crlf.ps1", &crlf),
        ("t/bom.py", &bom),
        ("t/latin1.sh", &latin1),
        ("t/utf16.ps1", &utf16),
    ]);
    // The exception rule is safe: no --unsafe needed.
    let out = sunset(dir.path(), &["fix", "t", "--write"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let slash = |s: &str| -> Vec<u8> { s.as_bytes().to_vec() };
    let old = slash("/api/2.0/fo/compliance");
    let new = slash("/api/3.0/fo/compliance");
    assert_eq!(
        read(dir.path(), "t/crlf.ps1"),
        replaced_once(&crlf, &old, &new)
    );
    assert_eq!(
        read(dir.path(), "t/bom.py"),
        replaced_once(&bom, &old, &new)
    );
    assert_eq!(
        read(dir.path(), "t/latin1.sh"),
        replaced_once(&latin1, &old, &new)
    );
    let utf16_of = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    assert_eq!(
        read(dir.path(), "t/utf16.ps1"),
        replaced_once(&utf16, &utf16_of("/api/2.0/fo"), &utf16_of("/api/3.0/fo"))
    );
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[(
        "bin/exceptions.sh",
        b"#!/bin/sh\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/\"\n",
    )]);
    let path = dir.path().join("bin/exceptions.sh");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).expect("chmod");
    let out = sunset(dir.path(), &["fix", "bin", "--write"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&read(dir.path(), "bin/exceptions.sh")).contains("/api/3.0/"));
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o7777;
    assert_eq!(mode, 0o751);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("bin"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["exceptions.sh".to_string()]);
}

// ---------------------------------------------------------------------------
// Refusals.
// ---------------------------------------------------------------------------

const EXCEPTION_PY: &[u8] =
    b"import requests\nrequests.get('https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/')\n";

#[cfg(unix)]
#[test]
fn read_only_file_is_left_intact_with_a_message() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("src/ro.py", EXCEPTION_PY), ("src/rw.py", EXCEPTION_PY)]);
    let ro = dir.path().join("src/ro.py");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = sunset(dir.path(), &["fix", "src", "--write"]);
    // One planned file could not be written: exit 1, the other is written.
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("src/ro.py: not written: the file is read-only"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(read(dir.path(), "src/ro.py"), EXCEPTION_PY);
    assert!(text(&read(dir.path(), "src/rw.py")).contains("/api/3.0/"));
}

#[test]
fn file_changed_after_planning_is_skipped() {
    let dir = tree(&[("src/a.py", EXCEPTION_PY)]);
    let plan = plan_in(dir.path(), false);
    assert_eq!(plan.edit_count(), 1);
    let edited = b"# edited meanwhile\nimport requests\nrequests.get('https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/')\n";
    std::fs::write(dir.path().join("src/a.py"), edited).expect("write");
    let outcomes = fix::write::apply(&plan, &[dir.path().to_path_buf()]);
    assert_eq!(outcomes.len(), 1);
    let err = outcomes[0].result.clone().expect_err("skipped");
    assert!(err.contains("changed on disk"), "{err}");
    assert_eq!(read(dir.path(), "src/a.py"), edited);
}

#[cfg(unix)]
#[test]
fn symlink_pointing_outside_the_root_is_not_written() {
    let outside = tree(&[("victim.py", EXCEPTION_PY)]);
    let dir = tree(&[("repo/inside.py", EXCEPTION_PY)]);
    std::os::unix::fs::symlink(
        outside.path().join("victim.py"),
        dir.path().join("repo/link.py"),
    )
    .expect("symlink");
    // --follow so the walker reads the link at all.
    let out = sunset(dir.path(), &["fix", "repo", "--write", "--follow"]);
    // A file holding a rewrite was left alone: exit 1, and it is named.
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("1 file(s) not written"), "{err}");
    assert!(
        err.contains("repo/link.py: not fixed: resolves to")
            && err.contains("outside the scanned roots"),
        "{err}"
    );
    assert_eq!(read(outside.path(), "victim.py"), EXCEPTION_PY);
    assert!(std::fs::symlink_metadata(dir.path().join("repo/link.py"))
        .expect("stat")
        .file_type()
        .is_symlink());
    assert!(text(&read(dir.path(), "repo/inside.py")).contains("/api/3.0/"));
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_root_is_written_through_once() {
    let dir = tree(&[("repo/real.py", EXCEPTION_PY)]);
    std::os::unix::fs::symlink("real.py", dir.path().join("repo/link.py")).expect("symlink");
    let out = sunset(dir.path(), &["fix", "repo", "--write", "--follow"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // The link stays a link; its target is fixed once.
    assert!(std::fs::symlink_metadata(dir.path().join("repo/link.py"))
        .expect("stat")
        .file_type()
        .is_symlink());
    assert!(text(&read(dir.path(), "repo/real.py")).contains("/api/3.0/"));
    assert!(!text(&read(dir.path(), "repo/real.py")).contains("/api/2.0/"));
}

// ---------------------------------------------------------------------------
// Safety, manual findings, idempotence.
// ---------------------------------------------------------------------------

const MIXED_PY: &[u8] = b"import requests\n\nHOST = 'https://qualysapi.qualys.com'\nAPI_VERSION = '2.0'\n\n# Mentioned only: /api/2.0/fo/scan/ is the old Scan API.\n\ndef exceptions():\n    return requests.get(HOST + '/api/2.0/fo/compliance/exception/')\n\ndef nsx():\n    return requests.get(HOST + '/api/2.0/fo/auth/nsx/?action=list')\n\ndef kb():\n    return requests.get(f'{HOST}/api/{API_VERSION}/fo/knowledge_base/vuln/')\n";

#[test]
fn unsafe_rewrites_need_the_flag_and_say_why() {
    let dir = tree(&[("src/mixed.py", MIXED_PY)]);
    let safe_only = sunset(dir.path(), &["fix", "src"]);
    assert_eq!(code(&safe_only), 0);
    let diff = text(&safe_only.stdout);
    let err = text(&safe_only.stderr);
    assert!(diff.contains("+    return requests.get(HOST + '/api/3.0/fo/compliance/exception/')"));
    assert!(!diff.contains("/api/3.0/fo/auth/nsx/"), "{diff}");
    assert!(
        err.contains("src/mixed.py:12:33: unsafe, not applied (pass --unsafe): qualys-auth-nsx-v2"),
        "{err}"
    );
    assert!(
        err.contains("use_ad_hashicorp={0|1} is a required parameter"),
        "{err}"
    );

    let with_unsafe = sunset(dir.path(), &["fix", "src", "--unsafe"]);
    let diff = text(&with_unsafe.stdout);
    assert!(diff.contains("+    return requests.get(HOST + '/api/3.0/fo/auth/nsx/?action=list')"));
    // The header of the unsafe rewrite gives the reason from the notes.
    assert!(diff.contains("qualys-auth-nsx-v2 /api/2.0/fo/auth/nsx/ -> /api/3.0/fo/auth/nsx/ (unsafe: not a documented drop-in)"), "{diff}");
    assert!(
        diff.contains("#   3.0 adds Active Directory support with HashiCorp Vault"),
        "{diff}"
    );
    // The mention in the comment is never touched.
    assert!(diff.contains(" # Mentioned only: /api/2.0/fo/scan/ is the old Scan API."));
    assert!(!diff.contains("+# Mentioned only"));
}

#[test]
fn assembled_urls_are_listed_as_manual() {
    let dir = tree::<&[u8]>(&[
        ("app/settings.py", b"BASE = 'https://qualysapi.qualys.com/api/2.0/fo/'\n"),
        ("app/client.py", b"from .settings import BASE\nimport requests\n\ndef scans(s):\n    return s.post(BASE + 'scan/', data={'action': 'list'})\n"),
        ("app/mixed.py", MIXED_PY),
    ]);
    let out = sunset(dir.path(), &["fix", "app", "--unsafe"]);
    assert_eq!(code(&out), 0);
    let err = text(&out.stderr);
    assert!(
        err.contains("app/client.py:5:") && err.contains(": manual: qualys-scan-v2"),
        "{err}"
    );
    assert!(err.contains("base `BASE` from app/settings.py:1"), "{err}");
    assert!(
        err.contains("app/mixed.py:15:")
            && err.contains("built from `API_VERSION` defined at line 4"),
        "{err}"
    );
    // Neither the shared base nor the version variable is rewritten.
    let diff = text(&out.stdout);
    assert!(!diff.contains("settings.py"), "{diff}");
    assert!(!diff.contains("API_VERSION = '3.0'"), "{diff}");
}

#[test]
fn write_twice_changes_nothing_the_second_time() {
    let dir = tree(&[("src/mixed.py", MIXED_PY)]);
    let first = sunset(dir.path(), &["fix", "src", "--unsafe", "--write"]);
    assert_eq!(code(&first), 0, "{}", text(&first.stderr));
    assert!(text(&first.stderr).contains("rewrote 2 use(s) in 1 file(s)"));
    let after_first = read(dir.path(), "src/mixed.py");
    let second = sunset(dir.path(), &["fix", "src", "--unsafe", "--write"]);
    assert_eq!(code(&second), 0);
    assert!(
        text(&second.stderr).contains("rewrote 0 use(s) in 0 file(s)"),
        "{}",
        text(&second.stderr)
    );
    assert_eq!(read(dir.path(), "src/mixed.py"), after_first);
    // What is left is the one manual finding, no fixable call.
    let plan = plan_in(dir.path(), true);
    assert_eq!(
        (plan.edit_count(), plan.held.len(), plan.manual.len()),
        (0, 0, 1)
    );
}

#[test]
fn min_status_limits_what_is_fixed() {
    // On 2026-11-23 the exception API is EOS (EOL December 2026).
    let dir = tree(&[("src/a.py", EXCEPTION_PY)]);
    let eol_only = sunset(dir.path(), &["fix", "src", "--min-status", "eol"]);
    assert_eq!(code(&eol_only), 0);
    assert!(
        text(&eol_only.stdout).is_empty(),
        "{}",
        text(&eol_only.stdout)
    );
    let eos = sunset(dir.path(), &["fix", "src", "--min-status", "eos"]);
    assert!(text(&eos.stdout).contains("+requests.get('https://qualysapi.qualys.com/api/3.0/"));
}

// ---------------------------------------------------------------------------
// Exit codes.
// ---------------------------------------------------------------------------

#[test]
fn exit_codes() {
    let dir = tree(&[("src/a.py", EXCEPTION_PY), ("clean/b.py", b"print('hi')\n")]);
    // Something to fix, dry run: 0.
    assert_eq!(code(&sunset(dir.path(), &["fix", "src"])), 0);
    // Nothing to fix: 0, empty diff.
    let clean = sunset(dir.path(), &["fix", "clean", "--write"]);
    assert_eq!(code(&clean), 0);
    assert!(clean.stdout.is_empty());
    // Usage errors: 2.
    assert_eq!(code(&sunset(dir.path(), &["fix", "--no-such-flag"])), 2);
    assert_eq!(
        code(&sunset(dir.path(), &["fix", "--min-status", "active"])),
        2
    );
    let missing = sunset(dir.path(), &["fix", "no/such/dir"]);
    assert_eq!(code(&missing), 2);
    assert!(text(&missing.stderr).contains("no such file or directory"));
    // The dry runs changed nothing.
    assert_eq!(read(dir.path(), "src/a.py"), EXCEPTION_PY);
}

#[test]
fn plan_paths_stay_inside_the_roots() {
    let dir = tree(&[("src/a.py", EXCEPTION_PY)]);
    let plan = plan_in(dir.path(), false);
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    for f in &plan.files {
        assert!(f.target.starts_with(&root), "{}", f.target.display());
    }
    assert_eq!(
        plan.files
            .iter()
            .map(|f| f.target.clone())
            .collect::<Vec<PathBuf>>(),
        vec![root.join("src/a.py")]
    );
}

#[cfg(unix)]
#[test]
fn owner_is_kept_when_run_as_root() {
    use std::os::unix::fs::MetadataExt;
    let dir = tree(&[("src/a.py", EXCEPTION_PY)]);
    let path = dir.path().join("src/a.py");
    if std::fs::metadata(&path).expect("stat").uid() != 0 {
        // Only root can hand a file to another user; nothing to check.
        return;
    }
    std::os::unix::fs::chown(&path, Some(4321), Some(4322)).expect("chown");
    let out = sunset(dir.path(), &["fix", "src", "--write"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let meta = std::fs::metadata(&path).expect("stat");
    assert!(text(&read(dir.path(), "src/a.py")).contains("/api/3.0/"));
    assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("under root");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

#[test]
fn examples_have_no_fixable_call_left_after_write_unsafe() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &dir.path().join("examples"),
    );
    let before = plan_in(dir.path(), true);
    assert!(before.edit_count() >= 10, "{}", before.edit_count());
    let out = sunset(dir.path(), &["fix", "examples", "--unsafe", "--write"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let after = plan_in(dir.path(), true);
    assert_eq!((after.edit_count(), after.held.len()), (0, 0));
    // Only the uses whose version lives elsewhere are left, all manual.
    assert_eq!(after.manual.len(), before.manual.len());
    let report = crate::fixtures::scan_report(&options(vec![dir.path().to_path_buf()]));
    // (Not counted: the active save_merchant call, shown for its request
    // error, has no version to rewrite.)
    let calls = report
        .findings
        .iter()
        .filter(|f| f.kind == sunset::FindingKind::Call && f.status != sunset::Status::Active)
        .count();
    assert_eq!(calls, after.manual.len());
}

#[test]
fn suppressed_lines_are_not_rewritten() {
    let py: &[u8] = b"import requests\nHOST = 'https://qualysapi.qualys.com'\n# sunset: ignore[qualys-compliance-exception-v2] pinned until the exporter is retired\nrequests.get(HOST + '/api/2.0/fo/compliance/exception/')\nrequests.get(HOST + '/api/2.0/fo/compliance/exception/?action=list')\n";
    let dir = tree(&[("a.py", py)]);
    let o = sunset(dir.path(), &["fix", "a.py", "--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let after = text(&read(dir.path(), "a.py"));
    assert!(
        after.contains("'/api/2.0/fo/compliance/exception/')"),
        "suppressed call kept: {after}"
    );
    assert!(
        after.contains("'/api/3.0/fo/compliance/exception/?action=list')"),
        "the other is fixed: {after}"
    );
}

// ---------------------------------------------------------------------------
// R14: names that are not plain UTF-8 round-trip.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn backslash_and_non_utf8_names_are_reported_losslessly_and_fixed() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    const ONE: &str =
        "u = requests.get('https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/')\n";
    let two = format!("x = 1\n{ONE}");
    let dir = tree(&[("back/slash.py", two.as_str())]);
    let back = dir.path().join("back\\slash.py");
    std::fs::write(&back, ONE).expect("write");
    let bad = dir.path().join(OsStr::from_bytes(b"bad\xff.py"));
    std::fs::write(&bad, ONE).expect("write");

    // Human output: each file by its own escaped name.
    let out = sunset(dir.path(), &["audit", "--format", "concise", "."]);
    let human = text(&out.stdout);
    assert!(human.contains("back/slash.py:2:"), "{human}");
    assert!(human.contains("back\\\\slash.py:1:"), "{human}");
    assert!(human.contains("bad\\xFF.py:1:"), "{human}");
    assert!(!human.contains('\u{fffd}'), "{human}");
    // Machine output: the same lossless strings, three distinct paths.
    let out = sunset(dir.path(), &["audit", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut paths: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, ["back/slash.py", "back\\\\slash.py", "bad\\xFF.py"]);

    // fix maps each display back to its exact file.
    let out = sunset(dir.path(), &["fix", "--write", "."]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let fixed = |p: &Path| text(&std::fs::read(p).expect("read"));
    assert_eq!(fixed(&back), ONE.replace("2.0", "3.0"));
    assert_eq!(fixed(&bad), ONE.replace("2.0", "3.0"));
    assert_eq!(
        fixed(&dir.path().join("back/slash.py")),
        two.replace("2.0", "3.0")
    );
}

#[cfg(unix)]
#[test]
fn plain_names_are_shown_unchanged() {
    // Must-not-change twin: ordinary names, including non-ASCII UTF-8, are
    // shown as they are, not escaped.
    let body =
        "u = requests.get('https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/')\n";
    let dir = tree(&[("café/ünï code.py", body)]);
    let out = sunset(dir.path(), &["audit", "--format", "concise", "."]);
    assert!(
        text(&out.stdout).contains("café/ünï code.py:1:"),
        "{}",
        text(&out.stdout)
    );
}

// ---------------------------------------------------------------------------
// R13: what --write keeps of a file.
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn setgid_setuid_owner_and_mode_bits_are_kept() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    for mode in [0o2755, 0o4755, 0o1640, 0o600] {
        let dir = tree(&[("src/a.py", EXCEPTION_PY)]);
        let path = dir.path().join("src/a.py");
        let root = std::fs::metadata(&path).expect("stat").uid() == 0;
        if root {
            // The hostile case: root fixes another user's file (a change of
            // owner after chmod clears setuid/setgid).
            std::os::unix::fs::chown(&path, Some(4321), Some(4322)).expect("chown");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let before = std::fs::metadata(&path).expect("stat");
        let out = sunset(dir.path(), &["fix", "src", "--write"]);
        assert_eq!(code(&out), 0, "{mode:o}: {}", text(&out.stderr));
        assert!(text(&read(dir.path(), "src/a.py")).contains("/api/3.0/"));
        let after = std::fs::metadata(&path).expect("stat");
        assert_ne!(after.ino(), before.ino(), "rewritten by rename");
        assert_eq!(after.mode() & 0o7777, mode, "{:o}", after.mode());
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn extended_attributes_are_kept() {
    let dir = tree(&[("src/a.py", EXCEPTION_PY)]);
    let path = dir.path().join("src/a.py");
    let set = rustix::fs::setxattr(
        &path,
        "user.sunset-test",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    );
    if let Err(e) = set {
        eprintln!("note: the temp file system takes no user.* attributes ({e}); nothing to check");
        return;
    }
    let out = sunset(dir.path(), &["fix", "src", "--write"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&read(dir.path(), "src/a.py")).contains("/api/3.0/"));
    let mut value = [0u8; 16];
    let n = rustix::fs::getxattr(&path, "user.sunset-test", &mut value[..]).expect("kept");
    assert_eq!(&value[..n], b"kept");
}

#[cfg(unix)]
#[test]
fn a_hard_linked_file_is_refused_unless_asked() {
    use std::os::unix::fs::MetadataExt;
    let dir = tree(&[("src/a.py", EXCEPTION_PY), ("src/b.py", EXCEPTION_PY)]);
    // The other name is outside the scanned root.
    std::fs::create_dir(dir.path().join("elsewhere")).expect("mkdir");
    std::fs::hard_link(
        dir.path().join("src/a.py"),
        dir.path().join("elsewhere/a.py"),
    )
    .expect("link");
    let out = sunset(dir.path(), &["fix", "src", "--write"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("src/a.py: not written: the file has 2 hard links")
            && err.contains("--break-hardlinks"),
        "{err}"
    );
    assert_eq!(read(dir.path(), "src/a.py"), EXCEPTION_PY);
    assert_eq!(
        std::fs::metadata(dir.path().join("src/a.py"))
            .expect("stat")
            .nlink(),
        2
    );
    // Twin: the file with one name is written.
    assert!(text(&read(dir.path(), "src/b.py")).contains("/api/3.0/"));

    let out = sunset(dir.path(), &["fix", "src", "--write", "--break-hardlinks"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&read(dir.path(), "src/a.py")).contains("/api/3.0/"));
    // The other name keeps the old text, now a file of its own.
    assert_eq!(read(dir.path(), "elsewhere/a.py"), EXCEPTION_PY);
    assert_eq!(
        std::fs::metadata(dir.path().join("src/a.py"))
            .expect("stat")
            .nlink(),
        1
    );
}

/// Issue 12: a `required` parameter check with `add = "…"` (here from a
/// rule file of the test: the bundled NSX rule gives no single value) lets
/// `fix` add the parameter where the request's parameters are a literal it
/// can extend: a dictionary or object, or the URL's literal query string.
/// Elsewhere (a curl body, a PowerShell hashtable, a Postman collection, a
/// computed value, keyword arguments) the fix stays withheld. Only the
/// version and the added entry change.
#[test]
fn fix_adds_a_required_parameter_the_rule_gives_a_value_for() {
    const RULES: &str = r#"
[[endpoint]]
id = "acme-vault-v2"
name = "Vault API"
product = "Acme"
category = "Auth"
endpoint = "/api/2.0/fo/auth/vault/"
replacement = "/api/3.0/fo/auth/vault/"
eol = "2026-12"
source = { title = "Acme 1.0", date = "2026-05-11", evidence = "primary" }

[[endpoint.param-check]]
kind = "required"
params = ["use_ad"]
actions = ["create"]
level = "warning"
message = "3.0 requires use_ad on create: add use_ad=0"
add = "0"
source = { title = "Acme 1.0", date = "2026-05-11", evidence = "primary" }
"#;
    const URL: &str = "https://qualysapi.qualys.com/api/2.0/fo/auth/vault/";
    let py = format!(
        "import requests\n\
         requests.post('{URL}', data={{'action': 'create', 'title': 'a'}})\n\
         requests.post('{URL}?action=create&title=b')\n\
         requests.post('{URL}', data={{'action': 'create', 'title': t}})\n\
         requests.post('{URL}', action='create', title='a')\n\
         requests.post('{URL}', data={{'action': 'list'}})\n"
    );
    let js = format!(
        "await fetch('{URL}', {{ method: 'POST', body: new URLSearchParams({{ action: 'create', title: 'a', }}) }});\n"
    );
    let (_, sh) = crate::params::request("sh", URL, &[("action", crate::params::V::Lit("create"))]);
    let (_, ps1) =
        crate::params::request("ps1", URL, &[("action", crate::params::V::Lit("create"))]);
    let (_, postman) = crate::params::request(
        "postman",
        URL,
        &[("action", crate::params::V::Lit("create"))],
    );
    let dir = tree(&[
        ("rules.toml", RULES),
        ("a.py", py.as_str()),
        ("a.js", js.as_str()),
        ("a.sh", sh.as_str()),
        ("a.ps1", ps1.as_str()),
        ("q.postman_collection.json", postman.as_str()),
    ]);
    let out = sunset(
        dir.path(),
        &["fix", "--rules", "rules.toml", "--unsafe", "--write", "."],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("read");
    let v3 = URL.replace("2.0", "3.0");
    assert_eq!(
        read("a.py"),
        format!(
            "import requests\n\
             requests.post('{v3}', data={{'action': 'create', 'title': 'a', 'use_ad': '0'}})\n\
             requests.post('{v3}?action=create&title=b&use_ad=0')\n\
             requests.post('{URL}', data={{'action': 'create', 'title': t}})\n\
             requests.post('{URL}', action='create', title='a')\n\
             requests.post('{v3}', data={{'action': 'list'}})\n"
        )
    );
    assert_eq!(
        read("a.js"),
        format!(
            "await fetch('{v3}', {{ method: 'POST', body: new URLSearchParams({{ action: 'create', title: 'a', use_ad: '0', }}) }});\n"
        )
    );
    // Not extended: the fix is withheld, the file untouched.
    assert_eq!(read("a.sh"), sh);
    assert_eq!(read("a.ps1"), ps1);
    assert_eq!(read("q.postman_collection.json"), postman);
}

/// The bundled NSX rule gives no value for `use_ad_hashicorp` (1 enables
/// Active Directory, 0 leaves it off): `fix` never invents one.
#[test]
fn fix_never_invents_a_value_for_the_bundled_nsx_rule() {
    let py = "import requests\nrequests.post('https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/', data={'action': 'create', 'vault_type': 'HashiCorp', 'title': 'a'})\n";
    let dir = tree(&[("a.py", py)]);
    let out = sunset(dir.path(), &["fix", "--unsafe", "--write", "."]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.py")).expect("read"),
        py
    );
}
