//! `sunset.toml`: the gate's settings for a repository.
//!
//! ```toml
//! fail-on = "eos"             # eol (default) | eos | deprecated
//! warn-within = "90d"         # d, w, m (calendar months), y
//! strict = false              # true: mentions count like calls
//! fail-unconfirmed = false    # true: rules on secondary evidence can fail
//! exclude = ["vendor/**", "docs/archive/**"]
//! rules = ["ci/our-apis.toml"]
//!
//! [[waiver]]
//! rule = "qualys.scan.v2"     # a rule id or glob; and/or
//! path = "legacy/**"          # a path glob, relative to this file
//! reason = "decommissioned with the legacy scheduler, JIRA-123"
//! until = "2027-03-31"        # last day the waiver applies
//! ```
//!
//! It is found by walking up from the first scanned path, or given with
//! `--config`. Paths and globs are relative to the file's directory. An
//! unknown key, a bad value or a waiver without `reason` or `until` is an
//! error that points at the line.
//!
//! **A found file is the scanned repository's, so it is untrusted** (`sunset
//! check` and the GitHub Action pick it up from the tree): it must be a
//! regular file of at most 4 MiB ([`readfile::CONFIG_MAX_BYTES`]) that does
//! not resolve outside the directory it was found in, and every path in its
//! `rules` must resolve (symbolic links followed) inside that directory, to
//! a regular file of at most 4 MiB or a directory whose `*.toml` files are
//! such files. A file given with `--config` is the user's choice: it and its
//! rule paths may be anywhere, but are still regular files under the same
//! cap. Either way, an error shows at most the offending line of the file,
//! cut to a short excerpt, with credentials masked: a configuration that is
//! not TOML (say, a link to a file of secrets) is not echoed.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use super::duration::Window;
use crate::readfile;
use crate::rules::{Date, Status};

/// The file name looked for.
pub const FILE_NAME: &str = "sunset.toml";

/// Unknown keys are found by [`unknown_keys`] (all of them, with spans)
/// rather than by serde, which stops at the first.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    warn_within: Option<Spanned<String>>,
    strict: Option<bool>,
    fail_unconfirmed: Option<bool>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default, rename = "waiver")]
    waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Debug, Deserialize)]
struct RawWaiver {
    rule: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    reason: Spanned<String>,
    until: Spanned<String>,
}

/// A loaded configuration.
#[derive(Debug)]
pub struct Config {
    /// The file it came from.
    pub file: PathBuf,
    /// Its directory: globs and rule paths are relative to it.
    pub dir: PathBuf,
    pub fail_on: Option<Status>,
    pub warn_within: Option<Window>,
    pub strict: Option<bool>,
    pub fail_unconfirmed: Option<bool>,
    pub exclude: GlobSet,
    pub rules: Vec<PathBuf>,
    /// Where each of `rules` is written in the file (for errors).
    rule_spans: Vec<std::ops::Range<usize>>,
    pub waivers: Vec<Waiver>,
}

/// An allow-list entry with a reason and an end date.
#[derive(Debug)]
pub struct Waiver {
    pub rule: Option<(String, GlobMatcher)>,
    pub path: Option<(String, GlobMatcher)>,
    pub reason: String,
    /// The last day the waiver applies.
    pub until: Date,
    pub until_text: String,
    /// 1-based line of the `[[waiver]]` table.
    pub line: usize,
}

impl Waiver {
    /// Whether the waiver covers `rule` at `path` (relative to the
    /// config's directory).
    pub fn covers(&self, rule: &str, path: &str) -> bool {
        self.rule.as_ref().is_none_or(|(_, m)| m.is_match(rule))
            && self.path.as_ref().is_none_or(|(_, m)| m.is_match(path))
    }
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(sunset::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// With several problems, each of them (the error itself then only
    /// counts them): a file's problems are reported in one pass.
    #[related]
    pub related: Vec<ConfigError>,
}

/// Looks for `sunset.toml` in `start` (or its directory, for a file) and
/// every ancestor. Whatever has the name counts (a FIFO or a directory
/// too): [`load_found`] then says why it cannot be used, rather than a
/// configuration further up silently taking its place.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let first = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    first
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| std::fs::symlink_metadata(candidate).is_ok())
}

/// An error about the file as a whole (no source to show).
fn file_error(file: &Path, message: String, help: Option<String>) -> Box<ConfigError> {
    let name = crate::display::path(file);
    Box::new(ConfigError {
        message: format!("{name}: {message}"),
        src: NamedSource::new(name, String::new()),
        span: None,
        label: String::new(),
        help,
        related: Vec::new(),
    })
}

fn read(file: &Path) -> Result<String, Box<ConfigError>> {
    readfile::regular_to_string(file, readfile::CONFIG_MAX_BYTES)
        .map_err(|e| file_error(file, format!("cannot read it: {e}"), None))
}

/// Reads and checks a configuration file the user named (`--config`).
pub fn load(file: &Path) -> Result<Config, Box<ConfigError>> {
    let text = read(file)?;
    let mut config = parse(&text, file)?;
    config.rules = check_rule_paths(&config, &text, None)?;
    Ok(config)
}

/// Reads and checks a configuration file [`find`] found in the scanned
/// tree: it and its rule paths must stay inside its directory (see the
/// module documentation).
pub fn load_found(file: &Path) -> Result<Config, Box<ConfigError>> {
    let outside = || {
        file_error(
            file,
            "a sunset.toml found in the scanned tree may not resolve outside its directory"
                .to_string(),
            Some("replace the symbolic link by the file, or pass --config to use it".to_string()),
        )
    };
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tree = std::fs::canonicalize(dir).map_err(|e| file_error(file, e.to_string(), None))?;
    match std::fs::canonicalize(file) {
        Ok(real) if real.starts_with(&tree) => {}
        Ok(_) => return Err(outside()),
        Err(e) => return Err(file_error(file, format!("cannot read it: {e}"), None)),
    }
    let text = read(file)?;
    let mut config = parse(&text, file)?;
    config.rules = check_rule_paths(&config, &text, Some(&tree))?;
    Ok(config)
}

/// The rule files `config` names, each checked: a regular file within the
/// size cap, or a directory expanded to its `*.toml` files (sorted); with
/// `tree`, every one must resolve inside it. A path that does not exist is
/// passed on for the rule loader to report.
fn check_rule_paths(
    config: &Config,
    text: &str,
    tree: Option<&Path>,
) -> Result<Vec<PathBuf>, Box<ConfigError>> {
    let mut files = Vec::new();
    for (path, span) in config.rules.iter().zip(&config.rule_spans) {
        let error = |message: String, help: Option<String>| {
            error_at(
                &config.file,
                text,
                message,
                Some(span.clone()),
                "here",
                help,
            )
        };
        let check_file = |p: &Path| -> Result<(), Box<ConfigError>> {
            if let Some(tree) = tree {
                let real = std::fs::canonicalize(p).map_err(|e| {
                    error(
                        format!("cannot resolve {}: {e}", crate::display::path(p)),
                        None,
                    )
                })?;
                if !real.starts_with(tree) {
                    return Err(error(
                        format!(
                            "rule path {} resolves outside {}",
                            crate::display::path(p),
                            crate::display::path(tree)
                        ),
                        Some(
                            "a sunset.toml found in the scanned tree may only name rule files inside its directory; pass --rules or --config for others"
                                .to_string(),
                        ),
                    ));
                }
            }
            // Checked now, to point at the entry; the rule loader reads it
            // with the same limits.
            readfile::check_regular(p, readfile::RULES_MAX_BYTES).map_err(|e| {
                error(
                    format!("cannot use rule file {}: {e}", crate::display::path(p)),
                    None,
                )
            })
        };
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(_) => {
                // Missing (or a dangling link): the rule loader says so.
                files.push(path.clone());
                continue;
            }
        };
        let is_dir = meta.is_dir() || (meta.file_type().is_symlink() && path.is_dir());
        if !is_dir {
            check_file(path)?;
            files.push(path.clone());
            continue;
        }
        if let Some(tree) = tree {
            let real = std::fs::canonicalize(path).map_err(|e| error(e.to_string(), None))?;
            if !real.starts_with(tree) {
                check_file(path)?; // reports the escape
            }
        }
        let entries = std::fs::read_dir(path).map_err(|e| {
            error(
                format!("cannot list {}: {e}", crate::display::path(path)),
                None,
            )
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        for p in found {
            check_file(&p)?;
            files.push(p);
        }
    }
    Ok(files)
}

/// An error pointing into `text`, showing only a short excerpt of it.
fn error_at(
    file: &Path,
    text: &str,
    message: String,
    span: Option<std::ops::Range<usize>>,
    label: &str,
    help: Option<String>,
) -> Box<ConfigError> {
    let name = crate::display::path(file);
    let (src, span) = match span {
        Some(r) => {
            let (excerpt, r) = crate::display::excerpt(text, r);
            (excerpt, Some(SourceSpan::from(r.start..r.end.max(r.start))))
        }
        None => (String::new(), None),
    };
    Box::new(ConfigError {
        message: format!("{name}: {}", crate::display::escape(&message)),
        src: NamedSource::new(name, src),
        span,
        label: label.to_string(),
        help,
        related: Vec::new(),
    })
}

/// The keys `sunset.toml` knows, at the top level and in a `[[waiver]]`.
const KEYS: &[&str] = &[
    "fail-on",
    "warn-within",
    "strict",
    "fail-unconfirmed",
    "exclude",
    "rules",
    "waiver",
];
const WAIVER_KEYS: &[&str] = &["rule", "path", "reason", "until"];
const KNOWN_KEYS_HELP: &str = "known keys: fail-on, warn-within, strict, fail-unconfirmed, \
                               exclude, rules, [[waiver]] (rule, path, reason, until)";

/// Every key of `text` that sunset.toml does not know, with its span.
fn unknown_keys(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut check = |table: &dyn toml_edit::TableLike, known: &[&str], within: &str| {
        for (key, _) in table.iter() {
            if !known.contains(&key) {
                let span = table
                    .key(key)
                    .and_then(toml_edit::Key::span)
                    .unwrap_or(0..0);
                let kebab = key.replace('_', "-");
                let hint = if known.contains(&kebab.as_str()) {
                    format!(" (did you mean `{kebab}`?)")
                } else {
                    String::new()
                };
                out.push((format!("{within}`{key}`{hint}"), span));
            }
        }
    };
    check(doc.as_table(), KEYS, "");
    if let Some(waivers) = doc
        .get("waiver")
        .and_then(toml_edit::Item::as_array_of_tables)
    {
        for w in waivers.iter() {
            check(w, WAIVER_KEYS, "[[waiver]] ");
        }
    }
    out
}

/// Parses configuration text that came from `file`. Every problem of the
/// file is reported at once: unknown keys, bad values, bad waivers.
pub fn parse(text: &str, file: &Path) -> Result<Config, Box<ConfigError>> {
    let error =
        |message: String,
         span: Option<std::ops::Range<usize>>,
         label: &str,
         help: Option<String>| { error_at(file, text, message, span, label, help) };
    let mut problems: Vec<Box<ConfigError>> = unknown_keys(text)
        .into_iter()
        .map(|(key, span)| {
            error(
                format!("unknown key {key}"),
                Some(span),
                "here",
                Some(KNOWN_KEYS_HELP.to_string()),
            )
        })
        .collect();
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let message = e.message().trim().to_string();
            problems.push(error(message, e.span(), "here", None));
            return Err(gather(file, problems));
        }
    };
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();

    let fail_on = raw.fail_on.as_ref().and_then(|v| {
        let parsed = parse_fail_on(v.get_ref());
        if parsed.is_none() {
            problems.push(error(
                format!("`fail-on = \"{}\"` is not a threshold", v.get_ref()),
                Some(v.span()),
                "expected eol, eos or deprecated",
                None,
            ));
        }
        parsed
    });
    let warn_within = raw.warn_within.as_ref().and_then(|v| {
        Window::parse(v.get_ref())
            .map_err(|m| problems.push(error(m, Some(v.span()), "here", None)))
            .ok()
    });
    let mut exclude = GlobSetBuilder::new();
    for g in &raw.exclude {
        match Glob::new(g.get_ref()) {
            Ok(glob) => {
                exclude.add(glob);
            }
            Err(e) => problems.push(error(
                format!("bad exclude glob: {e}"),
                Some(g.span()),
                "here",
                None,
            )),
        }
    }
    let exclude = exclude.build().unwrap_or_else(|e| {
        problems.push(error(format!("bad exclude globs: {e}"), None, "", None));
        GlobSet::empty()
    });

    let mut waivers = Vec::new();
    for w in &raw.waivers {
        let span = w.span();
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        let w = w.get_ref();
        let before = problems.len();
        if w.rule.is_none() && w.path.is_none() {
            problems.push(error(
                "a waiver needs a `rule`, a `path` or both".to_string(),
                Some(span),
                "this waiver would cover everything",
                Some("add rule = \"qualys.scan.v2\" and/or path = \"legacy/**\"".to_string()),
            ));
        }
        if w.reason.get_ref().trim().is_empty() {
            problems.push(error(
                "a waiver's `reason` may not be empty".to_string(),
                Some(w.reason.span()),
                "say why this is waived",
                None,
            ));
        }
        let until = Date::parse(w.until.get_ref());
        if until.is_none() {
            problems.push(error(
                format!("`until = \"{}\"` is not a date", w.until.get_ref()),
                Some(w.until.span()),
                "expected YYYY-MM-DD",
                None,
            ));
        }
        let mut matcher = |v: &Spanned<String>| match Glob::new(v.get_ref()) {
            Ok(g) => Some((v.get_ref().clone(), g.compile_matcher())),
            Err(e) => {
                problems.push(error(
                    format!("bad glob: {e}"),
                    Some(v.span()),
                    "here",
                    None,
                ));
                None
            }
        };
        let rule = w.rule.as_ref().map(&mut matcher);
        let path = w.path.as_ref().map(&mut matcher);
        let (Some(until), true) = (until, problems.len() == before) else {
            continue;
        };
        waivers.push(Waiver {
            rule: rule.flatten(),
            path: path.flatten(),
            reason: w.reason.get_ref().trim().to_string(),
            until,
            until_text: w.until.get_ref().clone(),
            line,
        });
    }
    if !problems.is_empty() {
        return Err(gather(file, problems));
    }
    Ok(Config {
        file: file.to_path_buf(),
        rules: raw.rules.iter().map(|r| dir.join(r.get_ref())).collect(),
        rule_spans: raw.rules.iter().map(Spanned::span).collect(),
        dir,
        fail_on,
        warn_within,
        strict: raw.strict,
        fail_unconfirmed: raw.fail_unconfirmed,
        exclude,
        waivers,
    })
}

/// One error for a file's problems: itself when there is one, else a count
/// with each problem related to it.
#[allow(clippy::vec_box)] // the boxes error_at makes, unboxed once here
fn gather(file: &Path, mut problems: Vec<Box<ConfigError>>) -> Box<ConfigError> {
    if problems.len() == 1 {
        return problems.remove(0);
    }
    let mut all = file_error(
        file,
        format!("{} problems", problems.len()),
        Some("fix every problem listed below".to_string()),
    );
    all.related = problems.into_iter().map(|p| *p).collect();
    all
}

/// `eol`, `eos` or `deprecated`.
pub fn parse_fail_on(s: &str) -> Option<Status> {
    match s.to_ascii_lowercase().as_str() {
        "eol" => Some(Status::Eol),
        "eos" => Some(Status::Eos),
        "deprecated" => Some(Status::Deprecated),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Config, Box<ConfigError>> {
        parse(text, Path::new("repo/sunset.toml"))
    }

    #[test]
    fn full_file() {
        let c = parse_str(
            "fail-on = \"eos\"\nwarn-within = \"8w\"\nstrict = true\nexclude = [\"vendor/**\"]\nrules = [\"ci/r.toml\"]\n\n[[waiver]]\nrule = \"qualys.scan.*\"\nreason = \"JIRA-1\"\nuntil = \"2027-01-31\"\n",
        )
        .expect("valid");
        assert_eq!(c.fail_on, Some(Status::Eos));
        assert_eq!(c.warn_within, Some(Window::Days(56)));
        assert_eq!(c.strict, Some(true));
        assert!(c.exclude.is_match("vendor/a/b.py"));
        assert_eq!(c.rules, vec![PathBuf::from("repo/ci/r.toml")]);
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.waivers[0].line, 7);
        assert!(c.waivers[0].covers("qualys.scan.v2", "any/path.py"));
        assert!(!c.waivers[0].covers("qualys.report.v2", "any/path.py"));
    }

    #[test]
    fn unknown_key_points_at_it() {
        let text = "fail-on = \"eol\"\nfail_on = \"eos\"\n";
        let e = parse_str(text).expect_err("unknown key");
        assert!(e.message.contains("unknown key `fail_on`"), "{}", e.message);
        let span = e.span.expect("span");
        // The error shows the offending line only.
        let shown = e.src.inner();
        assert_eq!(shown, "\nfail_on = \"eos\"\n");
        assert_eq!(&shown[span.offset()..span.offset() + span.len()], "fail_on");
        assert!(e.help.is_some());
    }

    #[test]
    fn waiver_needs_reason_until_and_a_target() {
        let e =
            parse_str("[[waiver]]\nrule = \"x\"\nuntil = \"2027-01-01\"\n").expect_err("no reason");
        assert!(e.message.contains("reason"), "{}", e.message);
        let e = parse_str("[[waiver]]\nrule = \"x\"\nreason = \"r\"\n").expect_err("no until");
        assert!(e.message.contains("until"), "{}", e.message);
        let e = parse_str("[[waiver]]\nreason = \"r\"\nuntil = \"2027-01-01\"\n")
            .expect_err("no target");
        assert!(e.message.contains("rule"), "{}", e.message);
        let e = parse_str("[[waiver]]\nrule = \"x\"\nreason = \"r\"\nuntil = \"2027-02-30\"\n")
            .expect_err("bad date");
        assert!(e.message.contains("not a date"), "{}", e.message);
    }

    fn tree(config: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(FILE_NAME), config).expect("write");
        dir
    }

    #[test]
    fn a_found_config_names_rules_inside_its_tree_only() {
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::write(outside.path().join("r.toml"), "").expect("write");
        let dir = tree(&format!(
            "rules = [\"{}\"]\n",
            outside.path().join("r.toml").display()
        ));
        let file = dir.path().join(FILE_NAME);
        let e = load_found(&file).expect_err("outside");
        assert!(e.message.contains("resolves outside"), "{}", e.message);
        // The same file named explicitly may point anywhere.
        assert_eq!(load(&file).expect("explicit").rules.len(), 1);

        // A link inside the tree that leads out is outside too.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path().join("r.toml"), dir.path().join("link.toml"))
                .expect("symlink");
            std::fs::write(&file, "rules = [\"link.toml\"]\n").expect("write");
            assert!(load_found(&file).is_err());
            std::fs::remove_file(dir.path().join("link.toml")).expect("rm");
        }

        // Inside: a file, and a directory of *.toml (sorted).
        std::fs::create_dir(dir.path().join("ci")).expect("mkdir");
        for n in ["b.toml", "a.toml", "notes.md"] {
            std::fs::write(dir.path().join("ci").join(n), "").expect("write");
        }
        std::fs::write(dir.path().join("own.toml"), "").expect("write");
        std::fs::write(&file, "rules = [\"own.toml\", \"ci\"]\n").expect("write");
        let c = load_found(&file).expect("inside");
        let names: Vec<String> = c
            .rules
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["own.toml", "a.toml", "b.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_reading_them() {
        for target in ["/proc/self/environ", "/dev/zero", "/proc/kmsg"] {
            if !Path::new(target).exists() {
                continue;
            }
            // As a rule path of a found config: outside the tree.
            let dir = tree(&format!("rules = [\"{target}\"]\n"));
            let file = dir.path().join(FILE_NAME);
            let e = load_found(&file).expect_err(target);
            assert!(e.src.inner().len() < 200, "{target}: short excerpt");
            // Named explicitly: still not read (not regular, or lying about its size).
            let e = load(&file).expect_err(target);
            assert!(
                e.message.contains("regular file"),
                "{target}: {}",
                e.message
            );
            // As the config itself, through a link.
            let dir = tempfile::tempdir().expect("tempdir");
            let link = dir.path().join(FILE_NAME);
            std::os::unix::fs::symlink(target, &link).expect("symlink");
            assert!(load_found(&link).is_err(), "{target}");
            let e = load(&link).expect_err(target);
            assert!(!e.src.inner().contains("PATH="), "{target} echoed");
        }
        // A FIFO named sunset.toml is found (not skipped) and refused.
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join(FILE_NAME);
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            assert_eq!(find(dir.path()).as_deref(), Some(fifo.as_path()));
            let e = load_found(&fifo).expect_err("fifo");
            assert!(e.message.contains("FIFO"), "{}", e.message);
        }
    }

    #[test]
    fn an_error_in_a_file_that_is_not_toml_shows_a_short_masked_excerpt() {
        let secret = "hunter2-very-secret";
        let keys: String = (0..50).map(|k| format!("k{k} = 1\n")).collect();
        let text = format!(
            "{keys}QUALYS_PASSWORD={secret} {}\nLAST=1\n",
            "x".repeat(500)
        );
        let e = parse(&text, Path::new("repo/sunset.toml")).expect_err("not toml");
        let shown = e.src.inner();
        assert!(!shown.contains(secret), "{shown}");
        assert!(
            !shown.contains("LAST") && shown.trim().len() < 300,
            "{shown}"
        );
        assert!(!shown.contains("k1 = 1"), "{shown}");
        assert!(
            shown.starts_with(&"\n".repeat(50)),
            "line number kept: {shown}"
        );
        let span = e.span.expect("span");
        assert!(span.offset() + span.len() <= shown.len());
    }

    #[test]
    fn bad_values() {
        assert!(parse_str("fail-on = \"later\"\n").is_err());
        assert!(parse_str("warn-within = \"soon\"\n").is_err());
        assert!(parse_str("exclude = [\"a/[\"]\n").is_err());
    }
}
