//! Progress on long runs: a spinner on stderr only when stderr is a
//! terminal and the scan passes a delay (about a second; the tests set it
//! to 0 with `SUNSET_PROGRESS_DELAY_MS`), never into a pipe and never with
//! `--quiet`. See: issue 13 ("Progress on long runs").

use std::process::Command;

use crate::util::{code, stderr, sunset, tree, AS_OF};

const SCRIPT: &str = "curl \"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\"\n";

/// Runs `sunset ARGS` with stderr on a pseudo-terminal (util-linux
/// `script`), stdout discarded; returns what reached the terminal, or
/// `None` where `script` is not installed.
fn on_a_terminal(dir: &std::path::Path, args: &str) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_sunset");
    let out = Command::new("script")
        .current_dir(dir)
        .env("SUNSET_PROGRESS_DELAY_MS", "0")
        .args(["-qec", &format!("{bin} {args} > /dev/null"), "/dev/null"])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_spinner_on_a_terminal() {
    let dir = tree(&[("a.sh", SCRIPT)]);
    let Some(shown) = on_a_terminal(dir.path(), &format!("audit --as-of {AS_OF} .")) else {
        eprintln!("skipped: no `script` to give sunset a terminal");
        return;
    };
    assert!(shown.contains("sunset: scanning"), "{shown:?}");
}

#[test]
fn no_spinner_with_quiet() {
    let dir = tree(&[("a.sh", SCRIPT)]);
    for cmd in ["audit", "check", "fix", "report"] {
        let Some(shown) = on_a_terminal(dir.path(), &format!("{cmd} -q --as-of {AS_OF} .")) else {
            return;
        };
        assert!(!shown.contains("scanning"), "{cmd}: {shown:?}");
    }
}

#[test]
fn no_progress_output_when_piped() {
    let dir = tree(&[("a.sh", SCRIPT)]);
    for cmd in ["audit", "check", "fix"] {
        let out = sunset()
            .current_dir(dir.path())
            .env("SUNSET_PROGRESS_DELAY_MS", "0")
            .args([cmd, "--as-of", AS_OF, "."])
            .output()
            .expect("run sunset");
        assert!(code(&out) < 2, "{cmd}");
        let err = stderr(&out);
        assert!(!err.contains("scanning"), "{cmd}: {err:?}");
        assert!(
            !err.contains('\r') && !err.contains('\u{1b}'),
            "{cmd}: {err:?}"
        );
    }
}
