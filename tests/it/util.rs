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
