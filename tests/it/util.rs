//! What every integration test shares (ripgrep's `tests/util.rs`): running
//! the binary, reading its output, and temporary trees.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The day most tests are evaluated on.
pub(crate) const AS_OF: &str = "2026-11-23";

/// The `sunset` binary with a fixed terminal width and colour decided by
/// its flags (no `NO_COLOR` from the environment).
pub(crate) fn sunset() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sunset"));
    cmd.env_remove("NO_COLOR").env("COLUMNS", "100");
    cmd
}

/// Runs `sunset ARGS` in `dir`.
pub(crate) fn run_in(dir: &Path, args: &[&str]) -> Output {
    sunset()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run sunset")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Bytes as text, invalid UTF-8 replaced (for diffs of Latin-1 files).
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

pub(crate) fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("JSON output does not parse ({e}):\n{}", stdout(o)))
}

/// `sunset audit --format json --as-of AS_OF ARGS` in `dir`, which must
/// exit 0; its JSON document.
pub(crate) fn audit_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["audit", "--format", "json", "--as-of", AS_OF];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    json(&o)
}

/// A copy of `examples/` in a temp dir (as `<tmp>/examples`).
pub(crate) fn examples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("walk examples");
        let rel = entry.path().strip_prefix(&src).expect("below examples");
        let to = dir.path().join("examples").join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    dir
}

/// All files below `dir`, with their bytes, sorted by path.
pub(crate) fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).expect("below").to_path_buf(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs `git apply ARGS` in `dir` (outside any repository it works like
/// `patch -p1`).
pub(crate) fn git_apply(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(["apply"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git")
}

/// A temp dir holding `files` (path relative to the dir, contents).
pub(crate) fn tree<T: AsRef<[u8]>>(files: &[(&str, T)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, contents) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    dir
}

/// Keeps a generated part of a committed file current: the text between
/// `begin` and `end` in `path` (relative to the crate) must be `content`.
/// With `SUNSET_BLESS=1` a stale part is rewritten instead (typos'
/// `tests/codegen.rs`); otherwise the test fails saying how to refresh it.
pub(crate) fn generated_section(path: &str, begin: &str, end: &str, content: &str, test: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    let start = text
        .find(begin)
        .unwrap_or_else(|| panic!("{path}: no {begin} marker"))
        + begin.len();
    let stop = start
        + text[start..]
            .find(end)
            .unwrap_or_else(|| panic!("{path}: no {end} marker"));
    if text[start..stop] == *content {
        return;
    }
    if std::env::var_os("SUNSET_BLESS").is_some_and(|v| v == "1") {
        let updated = format!("{}{}{}", &text[..start], content, &text[stop..]);
        std::fs::write(&file, updated).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    panic!("the generated part of {path} is stale: run `SUNSET_BLESS=1 cargo test {test}` and commit the result");
}
