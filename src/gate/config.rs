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

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use super::duration::Window;
use crate::rules::{Date, Status};

/// The file name looked for.
pub const FILE_NAME: &str = "sunset.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    warn_within: Option<Spanned<String>>,
    strict: Option<bool>,
    fail_unconfirmed: Option<bool>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default, rename = "waiver")]
    waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
}

/// Looks for `sunset.toml` in `start` (or its directory, for a file) and
/// every ancestor.
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
        .find(|candidate| candidate.is_file())
}

/// Reads and checks a configuration file.
pub fn load(file: &Path) -> Result<Config, Box<ConfigError>> {
    let name = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| {
        Box::new(ConfigError {
            message: format!("cannot read {name}: {e}"),
            src: NamedSource::new(name.clone(), String::new()),
            span: None,
            label: String::new(),
            help: None,
        })
    })?;
    parse(&text, file)
}

/// Parses configuration text that came from `file`.
pub fn parse(text: &str, file: &Path) -> Result<Config, Box<ConfigError>> {
    let name = file.display().to_string();
    let error = |message: String,
                 span: Option<std::ops::Range<usize>>,
                 label: &str,
                 help: Option<String>| {
        Box::new(ConfigError {
            message: format!("{name}: {message}"),
            src: NamedSource::new(name.clone(), text.to_string()),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
            label: label.to_string(),
            help,
        })
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_string();
        let help = message.starts_with("unknown field").then(|| {
            "known keys: fail-on, warn-within, strict, fail-unconfirmed, exclude, rules, \
             [[waiver]] (rule, path, reason, until)"
                .to_string()
        });
        error(message, e.span(), "here", help)
    })?;
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();

    let fail_on = match &raw.fail_on {
        None => None,
        Some(v) => Some(parse_fail_on(v.get_ref()).ok_or_else(|| {
            error(
                format!("`fail-on = \"{}\"` is not a threshold", v.get_ref()),
                Some(v.span()),
                "expected eol, eos or deprecated",
                None,
            )
        })?),
    };
    let warn_within = match &raw.warn_within {
        None => None,
        Some(v) => {
            Some(Window::parse(v.get_ref()).map_err(|m| error(m, Some(v.span()), "here", None))?)
        }
    };
    let mut exclude = GlobSetBuilder::new();
    for g in &raw.exclude {
        let glob = Glob::new(g.get_ref()).map_err(|e| {
            error(
                format!("bad exclude glob: {e}"),
                Some(g.span()),
                "here",
                None,
            )
        })?;
        exclude.add(glob);
    }
    let exclude = exclude
        .build()
        .map_err(|e| error(format!("bad exclude globs: {e}"), None, "", None))?;

    let mut waivers = Vec::new();
    for w in &raw.waivers {
        let span = w.span();
        let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
        let w = w.get_ref();
        if w.rule.is_none() && w.path.is_none() {
            return Err(error(
                "a waiver needs a `rule`, a `path` or both".to_string(),
                Some(span),
                "this waiver would cover everything",
                Some("add rule = \"qualys.scan.v2\" and/or path = \"legacy/**\"".to_string()),
            ));
        }
        if w.reason.get_ref().trim().is_empty() {
            return Err(error(
                "a waiver's `reason` may not be empty".to_string(),
                Some(w.reason.span()),
                "say why this is waived",
                None,
            ));
        }
        let until = Date::parse(w.until.get_ref()).ok_or_else(|| {
            error(
                format!("`until = \"{}\"` is not a date", w.until.get_ref()),
                Some(w.until.span()),
                "expected YYYY-MM-DD",
                None,
            )
        })?;
        let matcher = |v: &Spanned<String>| {
            Glob::new(v.get_ref())
                .map(|g| (v.get_ref().clone(), g.compile_matcher()))
                .map_err(|e| error(format!("bad glob: {e}"), Some(v.span()), "here", None))
        };
        waivers.push(Waiver {
            rule: w.rule.as_ref().map(matcher).transpose()?,
            path: w.path.as_ref().map(matcher).transpose()?,
            reason: w.reason.get_ref().trim().to_string(),
            until,
            until_text: w.until.get_ref().clone(),
            line,
        });
    }
    Ok(Config {
        file: file.to_path_buf(),
        rules: raw.rules.iter().map(|r| dir.join(r)).collect(),
        dir,
        fail_on,
        warn_within,
        strict: raw.strict,
        fail_unconfirmed: raw.fail_unconfirmed,
        exclude,
        waivers,
    })
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
        assert!(
            e.message.contains("unknown field `fail_on`"),
            "{}",
            e.message
        );
        let span = e.span.expect("span");
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "fail_on");
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

    #[test]
    fn bad_values() {
        assert!(parse_str("fail-on = \"later\"\n").is_err());
        assert!(parse_str("warn-within = \"soon\"\n").is_err());
        assert!(parse_str("exclude = [\"a/[\"]\n").is_err());
    }
}
