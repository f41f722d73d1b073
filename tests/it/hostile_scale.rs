//! Hostile inputs at scale (issue 14, scripts R02, R03, R07, R08, R09, R19
//! in `../shared/hardening/`): each runs the binary in a child process with
//! a time and a memory guard. The guards catch hangs and blow-ups, not
//! speed: every input is sized so that the old quadratic, exponential or
//! recursive behaviour would take minutes, gigabytes or the process down,
//! while the linear one takes well under a second in a release build.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{sunset, tree};

/// Longest a case may run (a debug build on a busy machine).
const TIME_GUARD: Duration = Duration::from_secs(120);

/// Peak resident memory a case may reach (the issue's bound for any single
/// file up to the default `--max-filesize`).
const RSS_GUARD_KB: u64 = 400 * 1024;

/// Peak resident set of a running process, from `/proc` (Linux only).
fn peak_rss_kb(child: &Child) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What a guarded run printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_kb: Option<u64>,
}

/// Runs `sunset audit --format json <args>` in `dir`, killing it (and
/// failing) past [`TIME_GUARD`] or [`RSS_GUARD_KB`].
fn audit(dir: &Path, args: &[&str]) -> Run {
    let out = tempfile::tempfile().expect("temp file");
    let err = tempfile::tempfile().expect("temp file");
    let mut child = sunset()
        .current_dir(dir)
        .args([
            "audit",
            "--format",
            "json",
            "--as-of",
            crate::fixtures::AS_OF,
        ])
        .args(args)
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone"))
        .stderr(err.try_clone().expect("clone"))
        .spawn()
        .expect("run sunset");
    let started = Instant::now();
    let mut peak_kb = None;
    let status = loop {
        // The high-water mark is read before each reap attempt: once the
        // child is reaped its `/proc` entry is gone.
        if let Some(kb) = peak_rss_kb(&child) {
            peak_kb = Some(kb);
            if kb > RSS_GUARD_KB {
                let _ = child.kill();
                let _ = child.wait();
                panic!("sunset {args:?} reached {kb} KB of memory (guard {RSS_GUARD_KB} KB)");
            }
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sunset {args:?} still running after {TIME_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read = |mut f: std::fs::File| {
        use std::io::Seek;
        let mut s = String::new();
        f.seek(std::io::SeekFrom::Start(0)).expect("seek");
        f.read_to_string(&mut s).expect("utf-8 output");
        s
    };
    Run {
        code: status.code(),
        stdout: read(out),
        stderr: read(err),
        peak_kb,
    }
}

/// The rule ids of the findings, in report order.
fn rules_found(run: &Run) -> Vec<String> {
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

const SCAN: &str = "qualys-scan-v2";

#[test]
fn deep_nesting_falls_back_instead_of_overflowing_the_stack() {
    let url = "let u = \"/api/2.0/fo/scan/\";";
    let dir = tree::<&str>(&[]);
    let p = dir.path();
    write(
        p,
        "ret.rs",
        &format!("fn f() {{ {url} {}1; }}\n", "return ".repeat(150_000)),
    );
    write(
        p,
        "as.rs",
        &format!(
            "fn f() {{ {url} let x = 1{}; }}\n",
            " as u8".repeat(100_000)
        ),
    );
    write(
        p,
        "fence.md",
        &format!("```rust\n{url}\n{}1;\n```\n", "return ".repeat(150_000)),
    );
    let n = 200_000;
    write(
        p,
        "calls.py",
        &format!(
            "u = '/api/2.0/fo/scan/'\nx = {}'a'{}\n",
            "format(".repeat(n),
            ")".repeat(n)
        ),
    );
    write(
        p,
        "calls.md",
        &format!(
            "```python\nu = '/api/2.0/fo/scan/'\nx = {}'a'{}\n```\n",
            "getenv(".repeat(n),
            ")".repeat(n)
        ),
    );
    for file in ["ret.rs", "as.rs", "fence.md", "calls.py", "calls.md"] {
        assert_eq!(rules_found(&audit(p, &[file])), vec![SCAN], "{file}");
    }
    // One run over all of them: every file reported.
    assert_eq!(rules_found(&audit(p, &["."])).len(), 5);
}

#[test]
fn json_deeper_than_the_tracked_depth_is_still_scanned() {
    let dir = tree::<&str>(&[]);
    let deep = format!(
        "{{\"a\": {}\"https://qualysapi.qualys.com/api/2.0/fo/scan/\"{}}}",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    write(dir.path(), "deep.json", &deep);
    assert_eq!(rules_found(&audit(dir.path(), &["deep.json"])), vec![SCAN]);
}

#[test]
fn doubling_and_accumulating_strings_stay_small() {
    let dir = tree::<&str>(&[]);
    let p = dir.path();
    let doubling = |first: &str, step: &str, last: &str| {
        let mut t = format!("{first}\n");
        for i in 1..=24 {
            let line = step
                .replace("{i}", &i.to_string())
                .replace("{p}", &(i - 1).to_string());
            t.push_str(&line);
            t.push('\n');
        }
        t.push_str(last);
        t
    };
    write(
        p,
        "dbl.py",
        &doubling(
            "a0 = '/api/2.0/fo/scan/'",
            "a{i} = a{p} + a{p}",
            "requests.get(a24)\n",
        ),
    );
    write(
        p,
        "dbl.sh",
        &doubling(
            "A0=\"/api/2.0/fo/scan/\"",
            "A{i}=\"$A{p}$A{p}\"",
            "curl \"$A24\"\n",
        ),
    );
    write(
        p,
        "dbl.rs",
        &doubling(
            "const A0: &str = \"/api/2.0/fo/scan/\";",
            "const A{i}: &str = concatcp!(A{p}, A{p});",
            "fn f() { get(A24); }\n",
        ),
    );
    let mut legacy =
        String::from("<?php\n$api = \"https://qualysapi.qualys.com/api/2.0/fo/scan/\";\n");
    while legacy.len() < 300_000 {
        legacy.push_str("$html = $html . \"<tr><td><a href='/x/y'>row</a></td></tr>\";\n");
    }
    write(p, "legacy.php", &legacy);
    for file in ["dbl.py", "dbl.sh", "dbl.rs", "legacy.php"] {
        let run = audit(p, &[file]);
        assert_eq!(rules_found(&run), vec![SCAN], "{file}");
        // Far below the guard: a few tens of MB.
        assert!(
            run.peak_kb.is_none_or(|kb| kb < 200 * 1024),
            "{file}: {:?} KB",
            run.peak_kb
        );
    }
}

#[test]
fn long_chains_of_unknown_names_are_linear() {
    let dir = tree::<&str>(&[]);
    let p = dir.path();
    write(
        p,
        "or.js",
        &format!(
            "u = \"/api/2.0/fo/scan/\"; c = a{};\n",
            " || a".repeat(64_000)
        ),
    );
    write(
        p,
        "plus.py",
        &format!(
            "u = '/api/2.0/fo/scan/'\nc = a.b{}\n",
            " + a.b".repeat(64_000)
        ),
    );
    write(
        p,
        "move.rs",
        &format!(
            "fn f() {{ let u = \"/api/2.0/fo/scan/\"; let x = {}a; }}\n",
            "move || ".repeat(64_000)
        ),
    );
    for file in ["or.js", "plus.py", "move.rs"] {
        assert_eq!(rules_found(&audit(p, &[file])), vec![SCAN], "{file}");
    }
}

#[test]
fn many_urls_on_one_line_are_linear_and_capped_per_file() {
    let dir = tree::<&str>(&[]);
    let line = vec!["\"/api/2.0/fo/scan/\""; 50_000].join(";");
    write(dir.path(), "min.js", &format!("{line}\n"));
    // Unresolved strings are capped too: 15,000 paths no rule names.
    let odd = "fetch(\"/api/2.0/fo/nothing/\");".repeat(15_000);
    write(dir.path(), "odd.js", &format!("{odd}\n"));
    let run = audit(dir.path(), &["min.js", "odd.js"]);
    let found = rules_found(&run);
    // At most 10,000 findings from one file; the rest counted in a notice.
    assert_eq!(found.len(), 10_000);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    // Columns are counted from the line start, in chars.
    let last = &json["findings"][9_999];
    assert_eq!(last["line"], 1);
    assert_eq!(last["column"], 9_999 * 20 + 2);
    let notices = json["summary"]["notices"].as_array().expect("notices");
    let about = |path: &str| {
        notices
            .iter()
            .find(|n| n["path"] == path)
            .and_then(|n| n["message"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        about("min.js").starts_with("40000 more finding(s)")
            && about("min.js").contains("at most 10000"),
        "{notices:?}"
    );
    let listed = |key: &str| {
        json["summary"][key]
            .as_array()
            .map_or(0, |a| a.iter().filter(|u| u["path"] == "odd.js").count())
    };
    assert_eq!(listed("unknown"), 10_000);
    assert!(
        about("odd.js").starts_with("5000 more finding(s) or unresolved"),
        "{notices:?}"
    );
    if let Some(kb) = run.peak_kb {
        eprintln!("peak RSS {kb} KB");
    }
}

#[test]
fn a_file_under_the_cap_is_reported_whole() {
    // Must-not-cap twin: 9,999 findings, all listed, no notice.
    let dir = tree::<&str>(&[]);
    let line = vec!["\"/api/2.0/fo/scan/\""; 9_999].join(";");
    write(dir.path(), "min.js", &format!("{line}\n"));
    let run = audit(dir.path(), &["min.js"]);
    assert_eq!(rules_found(&run).len(), 9_999);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["summary"]["notices"].as_array().map_or(0, Vec::len), 0);
}

#[test]
fn a_large_log_with_one_endpoint_is_scanned_in_bounded_memory() {
    let dir = tree::<&str>(&[]);
    let mut log = String::with_capacity(32 << 20);
    log.push_str("GET /api/2.0/fo/scan/ 200\n");
    while log.len() < 32 << 20 {
        log.push_str("10.0.0.1 - - \"GET /index.html HTTP/1.1\" 200\n");
    }
    // The same endpoint again near the end, with a host: both found, at
    // their lines.
    log.push_str("curl https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\n");
    let lines = log.lines().count();
    write(dir.path(), "access.log", &log);
    drop(log);
    let run = audit(dir.path(), &["access.log"]);
    assert_eq!(rules_found(&run), vec![SCAN, SCAN]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["findings"][0]["line"], 1);
    assert_eq!(json["findings"][1]["line"], lines);
}

#[test]
fn many_custom_rules_load_in_linear_time() {
    let dir = tree(&[("a.py", "u = '/g19999/1.0/x/'\n")]);
    let mut rules = String::new();
    for i in 0..20_000 {
        rules.push_str(&format!(
            "[[endpoint]]\nid = \"g{i}-v1\"\nname = \"x\"\nproduct = \"x\"\ncategory = \"x\"\nendpoint = \"/g{i}/1.0/x/\"\nreplacement = \"/g{i}/2.0/x/\"\neol = \"2026-01\"\nsource = {{ title = \"t\", date = \"2026-01-01\", evidence = \"primary\" }}\n"
        ));
    }
    write(dir.path(), "rules.toml", &rules);
    let run = audit(dir.path(), &["--rules", "rules.toml", "a.py"]);
    assert_eq!(rules_found(&run), vec!["g19999-v1"]);
}
