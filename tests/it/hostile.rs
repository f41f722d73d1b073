//! Hostile input (issue 14): what a scanned tree, a file name or a flag can
//! do to a run. Each case runs the binary under a time bound (a hang
//! guard, not a speed claim) and, where `/usr/bin/prlimit` exists, an
//! address-space bound (a memory guard); without prlimit the memory part
//! is skipped and the test says so. The control cases that already held
//! (FIFOs, devices and symlink loops in the tree, unreadable files) are
//! here too, so they stay that way.
//!
//! Nothing here writes to a real device: device cases use a FIFO, a link
//! and (as root) a private character device made with mknod in a temp
//! directory.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::cli::tree;

/// Wall-clock bound of one run.
const TIME: Duration = Duration::from_secs(60);
/// Address-space bound of one run (with `-j 2`, a run needs well under
/// 256 MiB; the regressions took gigabytes).
const MEMORY: u64 = 1 << 30;
const PRLIMIT: &str = "/usr/bin/prlimit";
const SECRET_ENV: &str = "SUNSET_HOSTILE_CANARY";
const SECRET: &str = "glpat-CanaryValue4242";

/// Runs sunset in `dir` with `args` under the time and memory bounds;
/// panics (killing it) if it outlives [`TIME`].
fn bounded(dir: &Path, args: &[&str]) -> Output {
    bounded_with(dir, args, |_| {})
}

fn bounded_with(dir: &Path, args: &[&str], tweak: impl FnOnce(&mut Command)) -> Output {
    let bin = env!("CARGO_BIN_EXE_sunset");
    let mut cmd = if Path::new(PRLIMIT).exists() {
        let mut c = Command::new(PRLIMIT);
        c.arg(format!("--as={MEMORY}")).arg("--").arg(bin);
        c
    } else {
        eprintln!("note: {PRLIMIT} not found; running without the memory bound");
        Command::new(bin)
    };
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env(SECRET_ENV, SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tweak(&mut cmd);
    let mut child = cmd.spawn().expect("spawn sunset");
    // Drain both pipes while waiting: a full pipe must not look like a hang.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > TIME {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sunset {args:?} did not finish within {TIME:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {:?}\n{}", o.status, text(&o.stderr)))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn both(o: &Output) -> String {
    format!("{}{}", text(&o.stdout), text(&o.stderr))
}

fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success())
}

/// A private character device like /dev/null (root only).
fn mknull(p: &Path) -> bool {
    Command::new("mknod")
        .arg(p)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Reads a FIFO on another thread; the result arrives on the channel (a
/// regression that never writes to it must fail the test, not hang it).
fn read_fifo(fifo: &Path) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let fifo = fifo.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::read(fifo).unwrap_or_default());
    });
    rx
}

fn received(rx: &std::sync::mpsc::Receiver<Vec<u8>>) -> String {
    text(
        &rx.recv_timeout(Duration::from_secs(20))
            .expect("the FIFO was written to"),
    )
}

fn legacy_tree() -> tempfile::TempDir {
    tree(&[(
        "app.py",
        "import requests\nrequests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list')\n",
    )])
}

fn audit_json(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "audit",
        "-j",
        "2",
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
    ];
    args.extend_from_slice(extra);
    args.push(".");
    bounded(dir, &args)
}

// ---------------------------------------------------------------------------
// R04 / R18: where -o writes.

#[test]
fn output_into_a_fifo_is_written_not_replaced() {
    let dir = legacy_tree();
    let fifo = dir.path().join("out.fifo");
    if !mkfifo(&fifo) {
        eprintln!("note: mkfifo unavailable; skipped");
        return;
    }
    let reader = read_fifo(&fifo);
    let o = audit_json(dir.path(), &["-o", "out.fifo"]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(std::fs::symlink_metadata(&fifo)
        .expect("stat")
        .file_type()
        .is_fifo());
    assert!(
        received(&reader).contains("\"findings\""),
        "the report went through the FIFO"
    );

    // Through a symbolic link: both stay what they are.
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&fifo, &link).expect("symlink");
    let reader = read_fifo(&fifo);
    let o = bounded(
        dir.path(),
        &[
            "check",
            "-j",
            "2",
            "--as-of",
            "2026-12-01",
            "--write-baseline",
            "link",
            ".",
        ],
    );
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(std::fs::symlink_metadata(&link)
        .expect("lstat")
        .file_type()
        .is_symlink());
    assert!(std::fs::symlink_metadata(&fifo)
        .expect("stat")
        .file_type()
        .is_fifo());
    assert!(received(&reader).contains("sunset-baseline/1"));
}

#[test]
fn output_into_a_character_device_keeps_the_device() {
    let dir = legacy_tree();
    let null = dir.path().join("null");
    if !mknull(&null) {
        eprintln!("note: mknod needs root; skipped");
        return;
    }
    for args in [
        vec!["audit", "-j", "2", "--format", "json", "-o", "null", "."],
        vec!["report", "-j", "2", "--format", "html", "-o", "null", "."],
        vec!["check", "-j", "2", "--write-baseline", "null", "."],
    ] {
        let o = bounded(dir.path(), &args);
        assert!(matches!(code(&o), 0 | 1), "{args:?}: {}", both(&o));
        let meta = std::fs::symlink_metadata(&null).expect("stat");
        assert!(
            meta.file_type().is_char_device(),
            "{args:?} replaced the device"
        );
        assert_eq!(
            meta.rdev(),
            std::fs::metadata("/dev/null").expect("stat").rdev()
        );
    }
    // The real /dev/null is only looked at.
    assert!(std::fs::metadata("/dev/null")
        .expect("stat")
        .file_type()
        .is_char_device());
}

/// `/proc/self/fd/1` rather than `/dev/stdout`: a regression would try to
/// rename over it and fail inside procfs, not replace a link in `/dev`
/// (the unit tests check that `/dev/stdout` is recognised).
#[test]
fn output_to_dev_stdout_goes_to_standard_output() {
    let dir = legacy_tree();
    let o = audit_json(dir.path(), &["-o", "/proc/self/fd/1"]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(text(&o.stdout).contains("\"findings\""));
}

#[test]
fn output_refuses_a_directory_and_a_dangling_link() {
    let dir = legacy_tree();
    std::fs::create_dir(dir.path().join("reports")).expect("mkdir");
    let o = audit_json(dir.path(), &["-o", "reports"]);
    assert_eq!(code(&o), 2, "{}", both(&o));
    assert!(text(&o.stderr).contains("is a directory"), "{}", both(&o));
    std::os::unix::fs::symlink("gone/report.json", dir.path().join("dangling")).expect("symlink");
    let o = audit_json(dir.path(), &["-o", "dangling"]);
    assert_eq!(code(&o), 2, "{}", both(&o));
    assert!(std::fs::symlink_metadata(dir.path().join("dangling"))
        .expect("lstat")
        .file_type()
        .is_symlink());
}

#[test]
fn output_over_a_file_keeps_its_mode_and_owner_and_a_link_stays_a_link() {
    let dir = legacy_tree();
    let report = dir.path().join("report.json");
    std::fs::write(&report, "old secret report").expect("write");
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    // As root, give it to another user: the owner must stay.
    let other = std::os::unix::fs::chown(&report, Some(4242), Some(4242)).is_ok();
    let o = audit_json(dir.path(), &["-o", "report.json"]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    let meta = std::fs::metadata(&report).expect("stat");
    assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    if other {
        assert_eq!((meta.uid(), meta.gid()), (4242, 4242));
    }
    assert!(std::fs::read_to_string(&report)
        .expect("read")
        .contains("\"findings\""));

    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink("report.json", &link).expect("symlink");
    let o = bounded(
        dir.path(),
        &[
            "audit",
            "-j",
            "2",
            "--format",
            "sarif",
            "-o",
            "latest.json",
            ".",
        ],
    );
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(std::fs::symlink_metadata(&link)
        .expect("lstat")
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&report)
        .expect("read")
        .contains("\"runs\""));
    // No temporary file left behind.
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ---------------------------------------------------------------------------
// R05 / R10: configuration, rule and ignore files the tree controls.

fn config_tree(config: &str) -> tempfile::TempDir {
    let dir = legacy_tree();
    std::fs::write(dir.path().join("sunset.toml"), config).expect("write");
    dir
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "-j", "2", "--as-of", "2026-12-01"];
    args.extend_from_slice(extra);
    args.push(".");
    bounded(dir, &args)
}

#[test]
fn a_found_config_cannot_read_files_outside_its_tree() {
    for target in [
        "/proc/self/environ",
        "/dev/zero",
        "/proc/kmsg",
        "/etc/passwd",
    ] {
        if !Path::new(target).exists() {
            continue;
        }
        let dir = config_tree(&format!("rules = [\"{target}\"]\n"));
        let o = check(dir.path(), &[]);
        assert_eq!(code(&o), 2, "{target}: {}", both(&o));
        let all = both(&o);
        assert!(
            !all.contains(SECRET) && !all.contains(SECRET_ENV),
            "{target} leaked: {all}"
        );
        assert!(!all.contains("root:x:0"), "{target} echoed");
        assert!(all.contains("outside"), "{target}: says why: {all}");
    }
    // Through a link inside the tree, and as a directory entry.
    let dir = config_tree("rules = [\"ci\"]\n");
    std::fs::create_dir(dir.path().join("ci")).expect("mkdir");
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("ci/env.toml"))
        .expect("symlink");
    let o = check(dir.path(), &[]);
    assert_eq!(code(&o), 2, "{}", both(&o));
    assert!(!both(&o).contains(SECRET));
}

#[test]
fn an_explicit_config_may_point_anywhere_but_reads_regular_files_only() {
    let dir = legacy_tree();
    for target in ["/dev/zero", "/proc/self/environ", "/proc/kmsg"] {
        if !Path::new(target).exists() {
            continue;
        }
        let o = check(dir.path(), &["--config", target]);
        assert_eq!(code(&o), 2, "{target}: {}", both(&o));
        assert!(!both(&o).contains(SECRET), "{target}");
        let o = check(dir.path(), &["--rules", target]);
        assert_eq!(code(&o), 2, "{target}: {}", both(&o));
        assert!(!both(&o).contains(SECRET), "{target}");
    }
    // A rules file elsewhere, named by an explicit config, is fine.
    let elsewhere = tree(&[("sunset.toml", "fail-on = \"eos\"\n")]);
    let o = check(
        dir.path(),
        &[
            "--config",
            &elsewhere.path().join("sunset.toml").to_string_lossy(),
        ],
    );
    assert_eq!(code(&o), 1, "{}", both(&o));
}

#[test]
fn a_config_that_is_not_toml_is_not_echoed() {
    // A link to a file of secrets in the tree: the error shows one short,
    // masked line.
    let dir = legacy_tree();
    let mut env = format!("QUALYS_PASSWORD={SECRET}\n");
    for k in 0..40 {
        env.push_str(&format!("VAR_{k}=value-{k}\n"));
    }
    std::fs::write(dir.path().join(".env"), env).expect("write");
    std::os::unix::fs::symlink(".env", dir.path().join("sunset.toml")).expect("symlink");
    let o = check(dir.path(), &[]);
    assert_eq!(code(&o), 2, "{}", both(&o));
    let err = text(&o.stderr);
    assert!(!err.contains(SECRET), "{err}");
    assert!(!err.contains("value-0"), "shows one line only: {err}");
}

#[test]
fn a_config_named_fifo_or_pseudo_file_is_refused_not_read() {
    let dir = legacy_tree();
    let config = dir.path().join("sunset.toml");
    if mkfifo(&config) {
        let o = check(dir.path(), &[]);
        assert_eq!(code(&o), 2, "{}", both(&o));
        assert!(text(&o.stderr).contains("FIFO"), "{}", both(&o));
        std::fs::remove_file(&config).expect("rm");
    }
    if Path::new("/proc/kmsg").exists() {
        std::os::unix::fs::symlink("/proc/kmsg", &config).expect("symlink");
        let o = check(dir.path(), &[]);
        assert_eq!(code(&o), 2, "{}", both(&o));
    }
}

#[test]
fn hostile_ignore_files_neither_hang_nor_fill_memory() {
    type Setup = Box<dyn Fn(&Path) -> bool>;
    let cases: Vec<(&str, Setup)> = vec![
        (
            "root .gitignore -> /dev/zero",
            Box::new(|d: &Path| {
                std::os::unix::fs::symlink("/dev/zero", d.join(".gitignore")).is_ok()
            }),
        ),
        (
            "root .gitignore FIFO",
            Box::new(|d: &Path| mkfifo(&d.join(".gitignore"))),
        ),
        (
            "sub/.ignore -> /dev/zero",
            Box::new(|d: &Path| {
                std::fs::create_dir_all(d.join("sub")).is_ok()
                    && std::fs::write(
                        d.join("sub/b.py"),
                        "u = 'https://qualysapi.qualys.com/api/2.0/fo/report/'\n",
                    )
                    .is_ok()
                    && std::os::unix::fs::symlink("/dev/zero", d.join("sub/.ignore")).is_ok()
            }),
        ),
        (
            "sub/.gitignore FIFO",
            Box::new(|d: &Path| {
                std::fs::create_dir_all(d.join("sub")).is_ok()
                    && std::fs::write(
                        d.join("sub/b.py"),
                        "u = 'https://qualysapi.qualys.com/api/2.0/fo/report/'\n",
                    )
                    .is_ok()
                    && mkfifo(&d.join("sub/.gitignore"))
            }),
        ),
        (
            "worktree .git -> FIFO commondir",
            Box::new(|d: &Path| {
                std::fs::create_dir_all(d.join("gd")).is_ok()
                    && std::fs::write(
                        d.join(".git"),
                        format!("gitdir: {}\n", d.join("gd").display()),
                    )
                    .is_ok()
                    && mkfifo(&d.join("gd/commondir"))
            }),
        ),
    ];
    for (name, make) in cases {
        let dir = legacy_tree();
        if !make(dir.path()) {
            eprintln!("note: {name}: could not be set up; skipped");
            continue;
        }
        let o = audit_json(dir.path(), &[]);
        assert_eq!(code(&o), 0, "{name}: {}", both(&o));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let findings = doc["findings"].as_array().expect("findings");
        assert!(!findings.is_empty(), "{name}: still scanned: {doc}");
        if name.starts_with("sub/") {
            assert_eq!(findings.len(), 2, "{name}: the directory is scanned: {doc}");
        }
        let notices = doc["summary"]["notices"].to_string();
        assert!(
            notices.contains("ignore file not read"),
            "{name}: {notices}"
        );
    }
}

// ---------------------------------------------------------------------------
// R15: -j.

#[test]
fn thread_counts_are_checked() {
    let dir = legacy_tree();
    for j in ["18446744073709551615", "100000", "1025", "many"] {
        let o = bounded(dir.path(), &["audit", "-j", j, "."]);
        assert_eq!(code(&o), 2, "-j {j}: {}", both(&o));
        assert!(text(&o.stderr).contains("thread"), "-j {j}: {}", both(&o));
        assert!(!text(&o.stderr).contains("panicked"));
    }
    for j in ["0", "1", "64"] {
        let o = bounded(dir.path(), &["audit", "-j", j, "--format", "concise", "."]);
        assert_eq!(code(&o), 0, "-j {j}: {}", both(&o));
    }
}

// ---------------------------------------------------------------------------
// R16: terminal controls in names.

const EVIL: &str = "evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\r\u{202e}gpj.py";

#[test]
fn control_characters_in_names_never_reach_the_terminal_raw() {
    let dir = tree(&[(
        EVIL,
        "import requests\nrequests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list')\n",
    )]);
    let raw = |s: &str| {
        s.contains('\u{1b}') || s.contains('\u{7}') || s.contains('\r') || s.contains('\u{202e}')
    };
    for args in [
        vec!["audit", "-j", "2", "."],
        vec!["audit", "-j", "2", "--format", "concise", "."],
        vec!["audit", "-j", "2", "--format", "github", "."],
        vec!["check", "-j", "2", "."],
        vec!["fix", "-j", "2", "--unsafe", "."],
        vec!["fix", "-j", "2", "--unsafe", "--write", "."],
    ] {
        let o = bounded(dir.path(), &args);
        assert!(matches!(code(&o), 0 | 1), "{args:?}: {}", both(&o));
        assert!(
            !raw(&both(&o)),
            "{args:?} printed a raw control: {:?}",
            both(&o)
        );
        assert!(both(&o).contains("evil"), "{args:?}: {}", both(&o));
    }
    // The file was rewritten all the same.
    let fixed = std::fs::read_to_string(dir.path().join(EVIL)).expect("read");
    assert!(fixed.contains("/api/3.0/fo/scan/"), "{fixed}");
    // A missing path with controls, in an error.
    let o = bounded(dir.path(), &["audit", "no\u{1b}[2Jsuch"]);
    assert_eq!(code(&o), 2);
    assert!(!raw(&text(&o.stderr)), "{:?}", text(&o.stderr));
}

// ---------------------------------------------------------------------------
// Control cases that already held.

#[test]
fn fifos_devices_loops_and_unreadable_files_in_the_tree_are_skipped() {
    let dir = legacy_tree();
    let d = dir.path();
    let _ = mkfifo(&d.join("pipe.py"));
    let _ = mknull(&d.join("dev.py"));
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.py")).expect("symlink");
    std::fs::create_dir(d.join("loop")).expect("mkdir");
    std::os::unix::fs::symlink("..", d.join("loop/up")).expect("symlink");
    // Unreadable: as root permissions do not apply, so a file whose read
    // fails (procfs) stands in.
    std::os::unix::fs::symlink("/proc/self/mem", d.join("mem.py")).expect("symlink");
    if !Path::new("/proc/self/mem").exists() || std::fs::File::open("/proc/self/mem").is_err() {
        std::fs::write(d.join("locked.py"), "x").expect("write");
        std::fs::set_permissions(d.join("locked.py"), std::fs::Permissions::from_mode(0o000))
            .expect("chmod");
    }
    for follow in [false, true] {
        let extra: &[&str] = if follow { &["-L"] } else { &[] };
        let o = audit_json(d, extra);
        assert_eq!(code(&o), 0, "follow={follow}: {}", both(&o));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(1), "{doc}");
        if follow {
            assert!(
                doc["summary"]["files_skipped"]["symlink_loop"].as_u64() >= Some(1),
                "{doc}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// R06: competing definitions of one base name.

const REGION_HOSTS: [&str; 4] = [
    "qualysapi.qualys.com",
    "qualysapi.qualys.eu",
    "qualysapi.qg2.apps.qualys.com",
    "qualysapi.qg3.apps.qualys.com",
];

/// Four `regionN/settings.py` each defining `BASE` with another host (of
/// different sizes, so workers finish them in varying order), a client
/// that joins `BASE + 'scan/'`, and filler files to keep the workers busy.
fn competing_bases(extra: &[(&str, String)]) -> tempfile::TempDir {
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, host) in REGION_HOSTS.iter().enumerate() {
        // The last region is the largest: read last by a lone worker,
        // finished last among racing ones.
        let filler: String = (0..[900, 10, 3000, 40][i])
            .map(|j| format!("X{j} = {j}\n"))
            .collect();
        files.push((
            format!("region{i}/settings.py"),
            format!("BASE = \"https://{host}/api/2.0/fo/\"\n{filler}"),
        ));
    }
    files.push((
        "pkg/client.py".into(),
        "from settings import BASE\n\ndef f(s):\n    return s.post(BASE + 'scan/', data={})\n"
            .into(),
    ));
    for i in 0..300 {
        files.push((
            format!("pkg/filler{i}.py"),
            "x = 1\n".repeat(1 + (i * 37) % 200),
        ));
    }
    for (p, t) in extra {
        files.push((p.to_string(), t.clone()));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    tree(&refs)
}

fn matched_of(o: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["matched"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn competing_bases_give_byte_identical_output_at_any_thread_count() {
    let dir = competing_bases(&[]);
    for format in ["json", "sarif"] {
        let mut outputs = Vec::new();
        for j in ["1", "2", "8", "1", "2", "8", "8", "2"] {
            let o = bounded(
                dir.path(),
                &[
                    "audit",
                    "--as-of",
                    "2026-11-23",
                    "--format",
                    format,
                    "-j",
                    j,
                    ".",
                ],
            );
            assert_eq!(code(&o), 0, "{}", both(&o));
            outputs.push((j, o.stdout));
        }
        for (j, out) in &outputs[1..] {
            assert!(
                out == &outputs[0].1,
                "{format} at -j{j} differs from -j1:\n{}\n---\n{}",
                text(out),
                text(&outputs[0].1)
            );
        }
    }
    // Equal distance (two steps each): the first path in byte order wins.
    let o = audit_json(dir.path(), &[]);
    assert_eq!(
        matched_of(&o),
        vec!["https://qualysapi.qualys.com/api/2.0/fo/scan/".to_string()]
    );
    // A baseline written by one run matches every other run.
    let bl = dir.path().join("bl.json");
    let o = bounded(
        dir.path(),
        &[
            "check",
            "--as-of",
            "2026-11-23",
            "--no-config",
            "-j",
            "2",
            "--write-baseline",
        ]
        .into_iter()
        .chain([bl.to_str().unwrap(), "."])
        .collect::<Vec<_>>(),
    );
    assert!(bl.exists(), "{}", both(&o));
    for j in ["1", "2", "8", "8", "2", "1", "8", "8"] {
        let o = bounded(
            dir.path(),
            &[
                "check",
                "--as-of",
                "2026-11-23",
                "--no-config",
                "--fail-on",
                "eos",
                "--fail-unconfirmed",
                "--baseline",
                bl.to_str().unwrap(),
                "-j",
                j,
                ".",
            ],
        );
        assert_eq!(
            code(&o),
            0,
            "baselined call counted as new at -j{j}:\n{}",
            both(&o)
        );
    }
}

#[test]
fn the_nearest_definition_of_a_base_wins_over_path_order() {
    // `pkg/settings.py` is in the client's own directory (distance 0); the
    // region files sort before it but are two steps away.
    let near = (
        "pkg/settings.py",
        "BASE = \"https://qualysapi.qg4.apps.qualys.com/api/2.0/fo/\"\n".to_string(),
    );
    let dir = competing_bases(&[near]);
    for j in ["1", "8"] {
        let o = bounded(
            dir.path(),
            &[
                "audit",
                "--as-of",
                "2026-11-23",
                "--format",
                "json",
                "-j",
                j,
                ".",
            ],
        );
        assert_eq!(
            matched_of(&o),
            vec!["https://qualysapi.qg4.apps.qualys.com/api/2.0/fo/scan/".to_string()],
            "-j{j}"
        );
    }
    // Must-not-flag twin: a nearer value that is not a versioned base is
    // not a candidate at all; the equally far regions decide, by path.
    let plain = (
        "pkg/settings.py",
        "BASE = \"https://example.com/hello/\"\n".to_string(),
    );
    let dir = competing_bases(&[plain]);
    let o = audit_json(dir.path(), &[]);
    assert_eq!(
        matched_of(&o),
        vec!["https://qualysapi.qualys.com/api/2.0/fo/scan/".to_string()]
    );
}

// ---------------------------------------------------------------------------
// Item 17: fix's temporary files.

#[test]
fn a_stale_fix_temp_file_is_never_scanned_nor_touched() {
    // What a `fix --write` killed between writing its temporary copy and the
    // rename leaves behind: a half-rewritten copy named `.sunset-fix-*.tmp`.
    let call = "requests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list')\n";
    let dir = tree(&[
        ("app.py", call),
        ("src/.sunset-fix-Ab12Cd.tmp", call),
        (".sunset-fix-x.tmp", call),
        // Must-flag twins: names that only look alike.
        ("src/.sunset-fixture.py", call),
        ("src/sunset-fix-y.tmp", call),
        ("src/.sunset-fix-z.tmp.py", call),
    ]);
    for hidden in [&["--hidden"][..], &[]] {
        let o = audit_json(dir.path(), hidden);
        assert_eq!(code(&o), 0, "{}", both(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let mut paths: Vec<&str> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["path"].as_str().expect("path"))
            .collect();
        paths.sort();
        let expected: &[&str] = if hidden.is_empty() {
            &["app.py", "src/sunset-fix-y.tmp"]
        } else {
            &[
                "app.py",
                "src/.sunset-fix-z.tmp.py",
                "src/.sunset-fixture.py",
                "src/sunset-fix-y.tmp",
            ]
        };
        assert_eq!(paths, expected, "{hidden:?}");
    }
    // fix --write rewrites the real file, leaves the stale copy alone and
    // leaves no temporary file of its own.
    let o = bounded(
        dir.path(),
        &[
            "fix",
            "--write",
            "--unsafe",
            "--as-of",
            "2026-12-01",
            "app.py",
            "src",
        ],
    );
    assert_eq!(code(&o), 0, "{}", both(&o));
    assert!(text(&std::fs::read(dir.path().join("app.py")).expect("read")).contains("/api/3.0/"));
    assert_eq!(
        text(&std::fs::read(dir.path().join("src/.sunset-fix-Ab12Cd.tmp")).expect("read")),
        call
    );
    let temps: Vec<String> = std::fs::read_dir(dir.path().join("src"))
        .expect("list")
        .chain(std::fs::read_dir(dir.path()).expect("list"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".sunset-fix-") && n.ends_with(".tmp"))
        .collect();
    let mut temps = temps;
    temps.sort();
    assert_eq!(temps, [".sunset-fix-Ab12Cd.tmp", ".sunset-fix-x.tmp"]);
}

// ---------------------------------------------------------------------------
// Item 18: nothing skipped silently.

#[test]
fn utf16_without_a_bom_is_a_skip_reason_of_its_own() {
    let call = "requests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list')\n";
    let le: Vec<u8> = call.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = call.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut bom = vec![0xFF, 0xFE];
    bom.extend_from_slice(&le);
    let dir = tree(&[
        ("le.py", le.as_slice()),
        ("be.py", be.as_slice()),
        // Twins: a BOM makes it text that is scanned; a real binary stays
        // "binary".
        ("bom.py", bom.as_slice()),
        (
            "blob.py",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0https://qualysapi.qualys.com/api/2.0/fo/scan/"
                .as_slice(),
        ),
    ]);
    let o = audit_json(dir.path(), &[]);
    assert_eq!(code(&o), 0, "{}", both(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["summary"]["files_skipped"],
        serde_json::json!({"binary": 1, "utf16_no_bom": 2}),
        "{}",
        text(&o.stdout)
    );
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["bom.py"]);
    let o = bounded(
        dir.path(),
        &["audit", "--as-of", "2026-12-01", "-j", "2", "."],
    );
    let human = both(&o);
    assert!(
        human.contains("1 binary") && human.contains("2 UTF-16 without BOM"),
        "{human}"
    );
}
