//! What every integration test shares (ripgrep's `tests/util.rs`): running
//! the binary, reading its output, and temporary trees.

use std::path::Path;
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
