//! A reader that closes the pipe early (`sunset audit --format csv | head -1`)
//! ends the run quietly: status 0 and nothing on stderr, in every format.

use std::io::Read;
use std::process::{Command, Stdio};

/// Spawns `sunset audit --format FORMAT examples`, closes its stdout before
/// it writes anything, and returns (status code, stderr).
fn audit_into_closed_pipe(format: &str) -> (Option<i32>, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sunset"))
        .args(["audit", "--format", format, "--no-config", "examples"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sunset");
    // The read end goes away before the scan finishes: the first write fails
    // with EPIPE (Rust ignores SIGPIPE, so it is an error, not a signal).
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    (status.code(), err)
}

#[test]
fn closed_pipe_exits_quietly_in_every_format() {
    for format in [
        "csv", "json", "sarif", "human", "junit", "gitlab", "concise",
    ] {
        let (code, err) = audit_into_closed_pipe(format);
        assert_eq!(code, Some(0), "--format {format}: stderr {err:?}");
        assert!(
            !err.contains("Broken pipe") && !err.contains("os error 32"),
            "--format {format}: {err:?}"
        );
    }
}

#[test]
fn open_pipe_still_gets_every_row() {
    // Twin: with a reader that keeps going, the CSV is complete.
    let out = Command::new(env!("CARGO_BIN_EXE_sunset"))
        .args(["audit", "--format", "csv", "--no-config", "examples"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sunset");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() > 1, "header and rows: {text}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
