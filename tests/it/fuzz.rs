//! Seeded mutation fuzzing on stable (issue 14, "make it stay fixed").
//!
//! A small deterministic mutator (xorshift, no dependency) takes the
//! scanner's fixture files and a few hostile seeds, mutates them (flip,
//! insert, delete, duplicate and splice byte runs; multi-byte characters,
//! deep brackets, long lines, CR, NUL, BOMs) and drives each input through
//! every target:
//!
//! - each extractor family: the lexer languages (every row of the language
//!   table), Rust (`syn`), JSON/YAML, Markdown, through `extract` and the
//!   whole per-file `scan_text` (matching, cross-file and flow material);
//! - the rule loader (`parse_rules`) and the config loader (`gate::config::parse`);
//! - redaction (`redact`, `redact_str`, `redact_lines`): never panics, and a
//!   redacted text's offset map stays inside the text;
//! - decoding and fix's edit application: `Decoded` maps every text range
//!   back to bytes that decode to the same text, and re-encoding an edit
//!   changes the bytes only inside the mapped range (fix's own `splice` has
//!   the same property test in `src/fix/mod.rs`).
//!
//! A target that panics fails the test with the seed, the target and the
//! input (hex), so the case can be replayed and kept as a regression.
//! `cargo test` runs a short budget; `.ci/run` a bounded one
//! (`SUNSET_FUZZ_SECS`); longer runs are in docs/development.md.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sunset::extract::{self, language::Language};
use sunset::matcher::Matcher;
use sunset::rules::RuleOrigin;
use sunset::scan;
use sunset::source::Decoded;

use crate::fixtures::bundled;

/// xorshift64*: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Pieces the mutator likes to insert: multi-byte characters, brackets,
/// quotes, URL parts, line ends, NUL, BOMs.
const TOKENS: &[&[u8]] = &[
    "é".as_bytes(),
    "€".as_bytes(),
    "😀".as_bytes(),
    "\u{202e}".as_bytes(),
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"\xF0\x9F",
    b"\0",
    b"\r\n",
    b"\r",
    b"\n",
    b"\"",
    b"'",
    b"`",
    b"${",
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"/*",
    b"*/",
    b"#",
    b"//",
    b"\\",
    b"```rust\n",
    b"```\n",
    b"---\n",
    b": ",
    b" + ",
    b"f\"",
    b"r#\"",
    b"<<EOF\n",
    b"https://qualysapi.qualys.com",
    b"/api/2.0/fo/scan/",
    b"/api/3.0/fo/",
    b"?action=list&pw=secret",
    b"user:p@ss@host",
    b"BASE = ",
    b"qualys",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(out.len() + 1);
        match rng.below(9) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, t.iter().copied());
            }
            2 if !out.is_empty() => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 if !out.is_empty() => {
                // Duplicate a run, a few times.
                let start = rng.below(out.len());
                let end = (start + 1 + rng.below(128)).min(out.len());
                let run = out[start..end].to_vec();
                for _ in 0..1 + rng.below(8) {
                    out.splice(at..at, run.iter().copied());
                }
            }
            4 => {
                // Deep nesting.
                let open = [b'[', b'{', b'('][rng.below(3)];
                let n = 1 + rng.below(3000);
                out.splice(at..at, std::iter::repeat_n(open, n));
            }
            5 => {
                // A long line.
                let t = TOKENS[rng.below(TOKENS.len())];
                let n = 1 + rng.below(500);
                let run: Vec<u8> = t.iter().copied().cycle().take(t.len() * n).collect();
                out.splice(at..at, run);
            }
            6 if !out.is_empty() => out.truncate(at),
            7 => out.insert(at, rng.below(256) as u8),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, t.iter().copied());
            }
        }
        // Keep inputs small enough for a short run.
        out.truncate(64 * 1024);
    }
    out
}

/// Fixture files and hostile seeds the mutator starts from.
fn corpus() -> &'static Vec<(String, Vec<u8>)> {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let bytes = std::fs::read(e.path()).ok()?;
                (bytes.len() <= 32 * 1024).then(|| (e.path().display().to_string(), bytes))
            })
            .collect();
        for (name, text) in [
            ("seed.rs", "fn f() { let u = format!(\"{}/api/2.0/fo/scan/\", BASE); get(&u); }\n"),
            ("seed.json", "{\"base_url\": \"https://qualysapi.qualys.com/api/2.0/fo/\", \"a\": [[[\"scan/\"]]]}\n"),
            ("seed.yaml", "base: https://qualysapi.qualys.com/api/2.0/fo/\nx:\n  - y: 'scan/?action=list'\n"),
            ("seed.md", "# t\n\n```rust\nget(\"/api/2.0/fo/scan/\");\n```\n\n`/api/2.0/fo/asset/host/`\n"),
            ("seed.py", "BASE = 'https://qualysapi.qualys.com/api/2.0/fo/'\nrequests.post(BASE + 'scan/', auth=(USER, 'p'))\n"),
            ("sunset.toml", "fail-on = \"eos\"\nrules = [\"r.toml\"]\n[[ignore]]\nrule = \"x\"\npaths = [\"a/**\"]\nreason = \"r\"\n"),
        ] {
            files.push((name.to_string(), text.as_bytes().to_vec()));
        }
        for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/qualys"))
            .expect("rules")
            .filter_map(Result::ok)
        {
            if let Ok(b) = std::fs::read(entry.path()) {
                files.push((entry.path().display().to_string(), b));
            }
        }
        files
    })
}

fn matcher() -> &'static Matcher<'static> {
    static M: OnceLock<Matcher<'static>> = OnceLock::new();
    M.get_or_init(|| Matcher::new(bundled()))
}

/// Languages to drive each input through: the one its name says, and a
/// few fixed families so every extractor sees every input shape.
fn languages(name: &str, rng: &mut Rng) -> Vec<Language> {
    let all: Vec<Language> = Language::all().collect();
    let mut v = vec![
        Language::of_path(Path::new(name)),
        Language::of_path(Path::new("x.rs")),
        Language::of_path(Path::new("x.json")),
        Language::of_path(Path::new("x.yaml")),
        Language::of_path(Path::new("x.md")),
    ];
    v.push(all[rng.below(all.len())]);
    v.sort_by_key(|l| format!("{l:?}"));
    v.dedup();
    v
}

/// Runs every target on one input; `Err(target)` names the one that
/// panicked.
fn run_targets(name: &str, bytes: &[u8], rng: &mut Rng) -> Result<(), String> {
    let guard = |target: &str, f: &mut dyn FnMut()| {
        catch_unwind(AssertUnwindSafe(f)).map_err(|_| target.to_string())
    };
    let decoded = Decoded::new(bytes);
    let text = decoded.text.as_ref();
    for lang in languages(name, rng) {
        guard(&format!("extract {lang:?}"), &mut || {
            let _ = extract::extract(lang, text, 0);
        })?;
        guard(&format!("scan_text {lang:?}"), &mut || {
            let s = scan::scan_text("f", lang, scan::role::Role::Code, text, matcher());
            for f in &s.findings {
                assert!(f.line >= 1 && f.column >= 1);
            }
        })?;
    }
    guard("rule loader", &mut || {
        let _ = sunset::rules::load::parse_rules(
            "fuzz.toml",
            text,
            RuleOrigin::File("fuzz.toml".into()),
        );
    })?;
    guard("config loader", &mut || {
        let _ = sunset::gate::config::parse(text, Path::new("fuzz/sunset.toml"));
    })?;
    guard("redaction", &mut || {
        let r = sunset::redact::redact(text);
        let _ = r.map_offset(text.len());
        let _ = sunset::redact::redact_str(text);
        let lines: Vec<&str> = text.lines().take(200).collect();
        let _ = sunset::redact::redact_lines(&lines);
    })?;
    guard("decode and edit", &mut || check_edit(bytes, rng))?;
    Ok(())
}

/// Decoding round-trips and an edit changes the bytes only inside its
/// range: the property fix's byte-exact writes rest on.
fn check_edit(bytes: &[u8], rng: &mut Rng) {
    let d = Decoded::new(bytes);
    let text = d.text.as_ref();
    if text.is_empty() {
        return;
    }
    let mut start = rng.below(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + 1 + rng.below(16)).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let Some((a, b)) = d.byte_range(bytes, start, end - start) else {
        // Refused: fix leaves such a file alone.
        return;
    };
    assert!(a <= b && b <= bytes.len());
    // The bytes of the range decode (in context) to the text of the range.
    assert_eq!(d.encode(&text[start..end]), bytes[a..b].to_vec());
    // Replacing it: everything outside [a, b) is unchanged.
    let repl = d.encode("3.0");
    let mut out = bytes[..a].to_vec();
    out.extend_from_slice(&repl);
    out.extend_from_slice(&bytes[b..]);
    assert_eq!(&out[..a], &bytes[..a]);
    assert_eq!(&out[a + repl.len()..], &bytes[b..]);
    // And the result decodes to the text with that one range replaced.
    let again = Decoded::new(&out);
    let want = format!("{}3.0{}", &text[..start], &text[end..]);
    assert_eq!(again.text.as_ref(), want);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Mutates the corpus for `budget`, starting from `seed`.
fn fuzz(seed: u64, budget: Duration) -> usize {
    let corpus = corpus();
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut cases = 0;
    // Panics are caught and reported with the case; keep the default hook
    // from printing each.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failure = None;
    let watch = Watchdog::start(seed);
    while started.elapsed() < budget {
        let (name, base) = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base);
        let case_seed = rng.next();
        watch.begin(name, cases, case_seed, &input);
        if let Err(target) = run_targets(name, &input, &mut Rng(case_seed | 1)) {
            failure = Some(format!(
                "{target} panicked (seed {seed}, case {cases}, from {name}, case seed {case_seed}); input hex: {}",
                hex(&input)
            ));
            break;
        }
        cases += 1;
    }
    std::panic::set_hook(hook);
    if let Some(f) = failure {
        panic!("{f}");
    }
    cases
}

/// A hang is a defect like a panic: a case that runs past
/// `CASE_LIMIT` ends the test process with the case, so it can be replayed
/// (a hung thread cannot be unwound, so the watchdog exits the process).
struct Watchdog {
    current: std::sync::Arc<std::sync::Mutex<Option<(Instant, String)>>>,
}

const CASE_LIMIT: Duration = Duration::from_secs(20);

impl Watchdog {
    fn start(seed: u64) -> Watchdog {
        let current: std::sync::Arc<std::sync::Mutex<Option<(Instant, String)>>> =
            Default::default();
        let seen = std::sync::Arc::downgrade(&current);
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(500));
            let Some(current) = seen.upgrade() else {
                return;
            };
            let guard = current.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((since, case)) = guard.as_ref() {
                if since.elapsed() > CASE_LIMIT {
                    eprintln!("fuzz: a case ran past {CASE_LIMIT:?} (seed {seed}): {case}");
                    std::process::exit(1);
                }
            }
        });
        Watchdog { current }
    }

    fn begin(&self, name: &str, case: usize, case_seed: u64, input: &[u8]) {
        let text = format!(
            "case {case}, from {name}, case seed {case_seed}; input hex: {}",
            hex(input)
        );
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), text));
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn seeded_mutations_crash_no_target() {
    // `cargo test`: a few seconds. `.ci/run` sets SUNSET_FUZZ_SECS (≤ 60);
    // longer runs: docs/development.md.
    let secs = env_u64("SUNSET_FUZZ_SECS").unwrap_or(3);
    let seed = env_u64("SUNSET_FUZZ_SEED").unwrap_or(0x5eed_2026);
    let cases = fuzz(seed, Duration::from_secs(secs));
    eprintln!("fuzz: {cases} cases in {secs} s from seed {seed}");
    assert!(cases > 0, "no case ran");
}

#[test]
fn the_mutator_is_deterministic_and_mutates() {
    let base = b"requests.get('https://qualysapi.qualys.com/api/2.0/fo/scan/')\n";
    let run = |seed| {
        let mut r = Rng(seed);
        (0..50).map(|_| mutate(&mut r, base)).collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    assert!(run(7).iter().any(|m| m.as_slice() != base));
}

/// Known crash kept as a regression: a byte slice inside a multi-byte
/// character in the code lexer (found by a proptest on main; fixed there).
#[test]
fn regression_multibyte_inside_a_lexer_slice() {
    let mut rng = Rng(1);
    for text in [
        "x = \"é/api/2.0/fo/scan/\u{00e9}\"",
        "s = q'€/api/2.0/fo/scan/€'",
        "my $u = q{é/api/2.0/fo/scan/é};",
        "u = `€${é}/api/2.0/fo/scan/`",
    ] {
        for name in ["x.py", "x.pl", "x.js", "x.rb", "x.sh", "x.php"] {
            run_targets(name, text.as_bytes(), &mut rng)
                .unwrap_or_else(|t| panic!("{t}: {text:?}"));
        }
    }
}
