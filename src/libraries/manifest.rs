//! Finding a dependency and its version in a project's manifests and lock
//! files.
//!
//! [`parse_manifest`] reads one file's text: `requirements*.txt`,
//! `constraints*.txt`, `pyproject.toml` (PEP 621, PEP 735 groups and
//! Poetry), `Pipfile`, `Pipfile.lock`, `poetry.lock`, `setup.py` (literal
//! `install_requires` lists), `setup.cfg`, `package.json` and
//! `package-lock.json`. Each dependency comes with its 1-based line and the
//! requirement as written. `-r`/`-c` includes are returned as references,
//! never read. [`resolve`] takes every manifest of a tree and gives, per
//! directory and package, the declaring line and the version actually
//! installed: the lock file's when the directory has one, else a pin of a
//! constraints file, else the declared requirement.

use std::collections::BTreeMap;
use std::path::Path;

use super::version::{Ecosystem, VersionReq};
use crate::extract::lexer::{self, Op, Tok};
use crate::extract::Language;

/// The kinds of file [`parse_manifest`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManifestKind {
    Requirements,
    Constraints,
    PyProject,
    Pipfile,
    PipfileLock,
    PoetryLock,
    SetupPy,
    SetupCfg,
    PackageJson,
    PackageLock,
}

impl ManifestKind {
    /// The kind of manifest a path names, by file name; `None` for any
    /// other file.
    pub fn of_path(path: &Path) -> Option<ManifestKind> {
        let name = path.file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        Some(match lower.as_str() {
            "pyproject.toml" => ManifestKind::PyProject,
            "pipfile" => ManifestKind::Pipfile,
            "pipfile.lock" => ManifestKind::PipfileLock,
            "poetry.lock" => ManifestKind::PoetryLock,
            "setup.py" => ManifestKind::SetupPy,
            "setup.cfg" => ManifestKind::SetupCfg,
            "package.json" => ManifestKind::PackageJson,
            "package-lock.json" | "npm-shrinkwrap.json" => ManifestKind::PackageLock,
            _ if lower.ends_with(".txt") && lower.starts_with("constraints") => {
                ManifestKind::Constraints
            }
            _ if lower.ends_with(".txt") && lower.starts_with("requirements") => {
                ManifestKind::Requirements
            }
            // requirements/base.txt, requirements/dev.txt
            _ if lower.ends_with(".txt")
                && path
                    .parent()
                    .and_then(|p| p.file_name())
                    .and_then(|p| p.to_str())
                    .is_some_and(|p| p.eq_ignore_ascii_case("requirements")) =>
            {
                ManifestKind::Requirements
            }
            _ => return None,
        })
    }

    pub fn ecosystem(self) -> Ecosystem {
        match self {
            ManifestKind::PackageJson | ManifestKind::PackageLock => Ecosystem::Npm,
            _ => Ecosystem::PyPi,
        }
    }

    /// Lock files record what is installed, not what is asked for.
    pub fn is_lock(self) -> bool {
        matches!(
            self,
            ManifestKind::PipfileLock | ManifestKind::PoetryLock | ManifestKind::PackageLock
        )
    }
}

/// One dependency as a manifest writes it.
#[derive(Clone, Debug)]
pub struct Dependency {
    /// The name as written.
    pub name: String,
    /// The name in its comparable form ([`Ecosystem::normalize_name`]).
    pub normalized: String,
    pub ecosystem: Ecosystem,
    /// The requirement as parsed (for a lock file: the exact version).
    pub requirement: VersionReq,
    /// 1-based line of the dependency in the file.
    pub line: u32,
    /// A development-only dependency (dev group, devDependencies).
    pub dev: bool,
}

/// A `-r file` or `-c file` line of a requirements file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub path: String,
    pub line: u32,
    /// `-c` (a constraints file) rather than `-r`.
    pub constraint: bool,
}

/// What one manifest says.
#[derive(Clone, Debug)]
pub struct ParsedManifest {
    pub kind: ManifestKind,
    pub dependencies: Vec<Dependency>,
    pub includes: Vec<Include>,
}

/// Reads one manifest's text. Never fails: a file it cannot read yields
/// no dependency.
pub fn parse_manifest(kind: ManifestKind, text: &str) -> ParsedManifest {
    let mut out = ParsedManifest {
        kind,
        dependencies: Vec::new(),
        includes: Vec::new(),
    };
    match kind {
        ManifestKind::Requirements | ManifestKind::Constraints => requirements(text, &mut out),
        ManifestKind::PyProject => pyproject(text, &mut out),
        ManifestKind::Pipfile => pipfile(text, &mut out),
        ManifestKind::PipfileLock => pipfile_lock(text, &mut out),
        ManifestKind::PoetryLock => poetry_lock(text, &mut out),
        ManifestKind::SetupPy => setup_py(text, &mut out),
        ManifestKind::SetupCfg => setup_cfg(text, &mut out),
        ManifestKind::PackageJson => package_json(text, &mut out),
        ManifestKind::PackageLock => package_lock(text, &mut out),
    }
    out
}

fn push(out: &mut ParsedManifest, name: &str, req: VersionReq, line: u32, dev: bool) {
    let eco = out.kind.ecosystem();
    let name = name.trim();
    if name.is_empty() {
        return;
    }
    out.dependencies.push(Dependency {
        name: name.to_string(),
        normalized: eco.normalize_name(name),
        ecosystem: eco,
        requirement: req,
        line,
        dev,
    });
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let n = memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// PEP 508 requirement strings.
// ---------------------------------------------------------------------------

/// `name[extras] (spec) ; marker`, `name @ url`: the name and requirement.
fn pep508(s: &str) -> Option<(String, VersionReq)> {
    let s = s.trim();
    let s = s.split(';').next().unwrap_or(s).trim();
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = &s[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let mut rest = s[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| &rest[i + 1..]).trim_start();
    }
    if rest.starts_with('@') {
        return Some((name.to_string(), VersionReq::parse(Ecosystem::PyPi, "@url")));
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    Some((name.to_string(), VersionReq::parse(Ecosystem::PyPi, rest)))
}

/// The package an `-e`/URL requirement installs (`#egg=name`).
fn egg_name(s: &str) -> Option<String> {
    let i = s.find("#egg=")?;
    let name: String = s[i + 5..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

fn requirements(text: &str, out: &mut ParsedManifest) {
    // Join backslash continuations, keeping the first line's number.
    let mut logical: Vec<(u32, String)> = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let (start, mut acc) = pending.take().unwrap_or((n, String::new()));
        if let Some(stripped) = raw.strip_suffix('\\') {
            acc.push_str(stripped);
            pending = Some((start, acc));
            continue;
        }
        acc.push_str(raw);
        logical.push((start, acc));
    }
    if let Some(p) = pending {
        logical.push(p);
    }
    for (line, l) in logical {
        // A comment starts at `#` at the line start or after whitespace
        // (`#egg=` inside a URL is not one).
        let mut cut = l.len();
        let b = l.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
                cut = i;
                break;
            }
        }
        let l = l[..cut].trim();
        if l.is_empty() {
            continue;
        }
        let (flag, arg) = match l.split_once(|c: char| c.is_whitespace() || c == '=') {
            Some((f, a)) if l.starts_with('-') => (f, a.trim()),
            _ => (l, ""),
        };
        match flag {
            "-r" | "--requirement" => {
                out.includes.push(Include {
                    path: arg.to_string(),
                    line,
                    constraint: false,
                });
                continue;
            }
            "-c" | "--constraint" => {
                out.includes.push(Include {
                    path: arg.to_string(),
                    line,
                    constraint: true,
                });
                continue;
            }
            "-e" | "--editable" => {
                if let Some(name) = egg_name(arg) {
                    push(
                        out,
                        &name,
                        VersionReq::parse(Ecosystem::PyPi, "@url"),
                        line,
                        false,
                    );
                }
                continue;
            }
            _ if l.starts_with('-') => continue,
            _ => {}
        }
        if l.contains("://") {
            if let Some(name) = egg_name(l) {
                push(
                    out,
                    &name,
                    VersionReq::parse(Ecosystem::PyPi, "@url"),
                    line,
                    false,
                );
                continue;
            }
            if !l.contains(" @ ") && !l.contains('@') {
                continue;
            }
        }
        if let Some((name, req)) = pep508(l) {
            push(out, &name, req, line, false);
        }
    }
}

// ---------------------------------------------------------------------------
// TOML manifests.
// ---------------------------------------------------------------------------

// TOML files are read with `toml_edit`, which keeps the span of every key
// and value (`toml` is built on it; the rule loader's own spanned reader
// does not take dotted table headers such as `[tool.poetry.dependencies]`).

use toml_edit::{ImDocument, Item, TableLike, Value as TomlValue};

fn parse_toml(text: &str) -> Option<ImDocument<&str>> {
    ImDocument::parse(text).ok()
}

fn item_at<'a>(t: &'a dyn TableLike, path: &[&str]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let item = t.get(first)?;
    if rest.is_empty() {
        Some(item)
    } else {
        item_at(item.as_table_like()?, rest)
    }
}

/// A list of PEP 508 strings (`dependencies = ["a>=1", …]`).
fn pep508_list(text: &str, item: &Item, dev: bool, out: &mut ParsedManifest) {
    let Some(arr) = item.as_array() else { return };
    for v in arr.iter() {
        if let (Some(s), Some(span)) = (v.as_str(), v.span()) {
            if let Some((name, req)) = pep508(s) {
                push(out, &name, req, line_of(text, span.start), dev);
            }
        }
    }
}

/// A Poetry/Pipfile dependency table: `name = "^1.0"` or `name = { version
/// = "…" }` or `{ git = … }`.
fn name_table(
    text: &str,
    t: &dyn TableLike,
    dev: bool,
    out: &mut ParsedManifest,
    skip_python: bool,
) {
    for (name, item) in t.iter() {
        if skip_python && name == "python" {
            continue;
        }
        let line = t
            .key(name)
            .and_then(|k| k.span())
            .or_else(|| item.span())
            .map_or(1, |s| line_of(text, s.start));
        let req = if let Some(s) = item.as_str() {
            VersionReq::parse(Ecosystem::PyPi, s)
        } else if let Some(spec) = item.as_table_like() {
            match spec.get("version").and_then(Item::as_str) {
                Some(s) => VersionReq::parse(Ecosystem::PyPi, s),
                None if ["git", "path", "url", "file"]
                    .iter()
                    .any(|k| spec.contains_key(k)) =>
                {
                    VersionReq::parse(Ecosystem::PyPi, "@url")
                }
                None => VersionReq::parse(Ecosystem::PyPi, ""),
            }
        } else if matches!(
            item,
            Item::Value(TomlValue::Array(_)) | Item::ArrayOfTables(_)
        ) {
            // Poetry's multiple-constraint form.
            VersionReq::parse(Ecosystem::PyPi, "@multiple")
        } else {
            continue;
        };
        push(out, name, req, line, dev);
    }
}

fn pyproject(text: &str, out: &mut ParsedManifest) {
    let Some(doc) = parse_toml(text) else { return };
    let root = doc.as_table();
    if let Some(i) = item_at(root, &["project", "dependencies"]) {
        pep508_list(text, i, false, out);
    }
    if let Some(t) =
        item_at(root, &["project", "optional-dependencies"]).and_then(Item::as_table_like)
    {
        for (_, i) in t.iter() {
            pep508_list(text, i, false, out);
        }
    }
    if let Some(t) = item_at(root, &["dependency-groups"]).and_then(Item::as_table_like) {
        for (_, i) in t.iter() {
            pep508_list(text, i, true, out);
        }
    }
    if let Some(t) =
        item_at(root, &["tool", "poetry", "dependencies"]).and_then(Item::as_table_like)
    {
        name_table(text, t, false, out, true);
    }
    if let Some(t) =
        item_at(root, &["tool", "poetry", "dev-dependencies"]).and_then(Item::as_table_like)
    {
        name_table(text, t, true, out, true);
    }
    if let Some(groups) = item_at(root, &["tool", "poetry", "group"]).and_then(Item::as_table_like)
    {
        for (_, g) in groups.iter() {
            if let Some(t) = g
                .as_table_like()
                .and_then(|g| g.get("dependencies"))
                .and_then(Item::as_table_like)
            {
                name_table(text, t, true, out, true);
            }
        }
    }
}

fn pipfile(text: &str, out: &mut ParsedManifest) {
    let Some(doc) = parse_toml(text) else { return };
    let root = doc.as_table();
    if let Some(t) = root.get("packages").and_then(Item::as_table_like) {
        name_table(text, t, false, out, false);
    }
    if let Some(t) = root.get("dev-packages").and_then(Item::as_table_like) {
        name_table(text, t, true, out, false);
    }
}

fn poetry_lock(text: &str, out: &mut ParsedManifest) {
    let Some(doc) = parse_toml(text) else { return };
    let Some(pkgs) = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables)
    else {
        return;
    };
    for t in pkgs.iter() {
        let (Some(name), Some(version)) = (
            t.get("name").and_then(Item::as_str),
            t.get("version").and_then(Item::as_str),
        ) else {
            continue;
        };
        let span = t
            .get("name")
            .and_then(Item::span)
            .or_else(|| t.span())
            .unwrap_or(0..0);
        let dev = t.get("category").and_then(Item::as_str) == Some("dev");
        push(
            out,
            name,
            VersionReq::exact(Ecosystem::PyPi, version),
            line_of(text, span.start),
            dev,
        );
    }
}

// ---------------------------------------------------------------------------
// setup.py and setup.cfg.
// ---------------------------------------------------------------------------

/// `install_requires=[ "a>=1", 'b' ]` (and `=(…)`): literal strings only.
fn setup_py(text: &str, out: &mut ParsedManifest) {
    let lexed = lexer::lex(Language::Python, text, 0);
    let toks = &lexed.toks;
    let mut i = 0;
    while i < toks.len() {
        let is_key = matches!(toks[i].tok, Tok::Ident("install_requires"))
            || matches!(toks[i].tok, Tok::Str(p) if string_value(&lexed, p).as_deref() == Some("install_requires"));
        if !is_key {
            i += 1;
            continue;
        }
        // `install_requires=[` or `"install_requires": [`
        let mut j = i + 1;
        if !matches!(
            toks.get(j).map(|t| t.tok),
            Some(Tok::Op(Op::Eq | Op::Colon))
        ) {
            i += 1;
            continue;
        }
        j += 1;
        if !matches!(
            toks.get(j).map(|t| t.tok),
            Some(Tok::Op(Op::LBracket | Op::LParen))
        ) {
            i = j;
            continue;
        }
        j += 1;
        while let Some(t) = toks.get(j) {
            match t.tok {
                Tok::Op(Op::RBracket | Op::RParen) => break,
                Tok::Str(p) => {
                    if let Some(s) = string_value(&lexed, p) {
                        if let Some((name, req)) = pep508(&s) {
                            push(out, &name, req, line_of(text, t.start), false);
                        }
                    }
                }
                _ => {}
            }
            j += 1;
        }
        i = j;
    }
}

/// The text of a string literal without interpolations; `None` for an
/// f-string with `{…}`.
pub(crate) fn string_value<O: lexer::Offset>(
    lexed: &lexer::Lexed<'_, O>,
    parts: lexer::Parts,
) -> Option<String> {
    let mut s = String::new();
    for part in lexed.parts_of(parts) {
        match part {
            lexer::Part::Text { text, .. } => s.push_str(text),
            lexer::Part::Interp { .. } => return None,
        }
    }
    Some(s)
}

fn setup_cfg(text: &str, out: &mut ParsedManifest) {
    let mut section = String::new();
    let mut in_key = false;
    for (i, raw) in text.lines().enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_ascii_lowercase();
            in_key = false;
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if !indented {
            in_key = false;
            if let Some((k, v)) = trimmed.split_once(['=', ':']) {
                let k = k.trim();
                let wanted = (section == "options" && k == "install_requires")
                    || section == "options.extras_require";
                if wanted {
                    in_key = true;
                    let v = v.trim();
                    if !v.is_empty() {
                        for item in v.split(';').next().unwrap_or(v).split(',') {
                            if let Some((name, req)) = pep508(item) {
                                push(out, &name, req, line, false);
                            }
                        }
                    }
                }
            }
            continue;
        }
        if in_key && !trimmed.is_empty() {
            if let Some((name, req)) = pep508(trimmed) {
                push(out, &name, req, line, false);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// JSON manifests.
// ---------------------------------------------------------------------------

/// The line of `"key"` as an object key at or after byte `from`.
fn key_line(text: &str, key: &str, from: usize) -> Option<(u32, usize)> {
    let needle = serde_json::to_string(key).ok()?;
    let mut at = from.min(text.len());
    while let Some(i) = text.get(at..).and_then(|t| t.find(&needle)) {
        let pos = at + i;
        let after = text[pos + needle.len()..].trim_start();
        if after.starts_with(':') {
            return Some((line_of(text, pos), pos));
        }
        at = pos + needle.len();
    }
    None
}

fn package_json(text: &str, out: &mut ParsedManifest) {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    for (section, dev) in [
        ("dependencies", false),
        ("optionalDependencies", false),
        ("peerDependencies", false),
        ("devDependencies", true),
    ] {
        let Some(serde_json::Value::Object(deps)) = doc.get(section) else {
            continue;
        };
        let start = key_line(text, section, 0).map_or(0, |(_, p)| p);
        for (name, spec) in deps {
            let spec = spec.as_str().unwrap_or("");
            let line = key_line(text, name, start).map_or(1, |(l, _)| l);
            let req = if spec.contains(':') || spec.contains('/') {
                // git+…, file:…, github:user/repo, npm:alias@…
                VersionReq::parse(Ecosystem::Npm, "@url")
            } else {
                VersionReq::parse(Ecosystem::Npm, spec)
            };
            push(out, name, req, line, dev);
        }
    }
}

fn package_lock(text: &str, out: &mut ParsedManifest) {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    // lockfileVersion 2 and 3: "packages": { "node_modules/a/node_modules/b": {…} }.
    if let Some(serde_json::Value::Object(pkgs)) = doc.get("packages") {
        let start = key_line(text, "packages", 0).map_or(0, |(_, p)| p);
        for (key, info) in pkgs {
            let Some(name) = key.rsplit_once("node_modules/").map(|(_, n)| n) else {
                continue;
            };
            let Some(version) = info.get("version").and_then(|v| v.as_str()) else {
                continue;
            };
            let dev = info.get("dev").and_then(|d| d.as_bool()).unwrap_or(false);
            let line = key_line(text, key, start).map_or(1, |(l, _)| l);
            push(
                out,
                name,
                VersionReq::exact(Ecosystem::Npm, version),
                line,
                dev,
            );
        }
        return;
    }
    // lockfileVersion 1: nested "dependencies".
    fn walk(
        text: &str,
        deps: &serde_json::Map<String, serde_json::Value>,
        from: usize,
        out: &mut ParsedManifest,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        for (name, info) in deps {
            let (line, pos) = key_line(text, name, from).unwrap_or((1, from));
            if let Some(version) = info.get("version").and_then(|v| v.as_str()) {
                let dev = info.get("dev").and_then(|d| d.as_bool()).unwrap_or(false);
                push(
                    out,
                    name,
                    VersionReq::exact(Ecosystem::Npm, version),
                    line,
                    dev,
                );
            }
            if let Some(serde_json::Value::Object(nested)) = info.get("dependencies") {
                walk(text, nested, pos, out, depth + 1);
            }
        }
    }
    if let Some(serde_json::Value::Object(deps)) = doc.get("dependencies") {
        let start = key_line(text, "dependencies", 0).map_or(0, |(_, p)| p);
        walk(text, deps, start, out, 0);
    }
}

fn pipfile_lock(text: &str, out: &mut ParsedManifest) {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    for (section, dev) in [("default", false), ("develop", true)] {
        let Some(serde_json::Value::Object(deps)) = doc.get(section) else {
            continue;
        };
        let start = key_line(text, section, 0).map_or(0, |(_, p)| p);
        for (name, info) in deps {
            let line = key_line(text, name, start).map_or(1, |(l, _)| l);
            let req = match info.get("version").and_then(|v| v.as_str()) {
                Some(v) => VersionReq::parse(Ecosystem::PyPi, v),
                None => VersionReq::parse(Ecosystem::PyPi, "@url"),
            };
            push(out, name, req, line, dev);
        }
    }
}

// ---------------------------------------------------------------------------
// Resolving a tree's manifests.
// ---------------------------------------------------------------------------

/// Where a dependency is written.
#[derive(Clone, Debug)]
pub struct Located {
    /// The manifest's path, as given to [`resolve`].
    pub path: String,
    pub kind: ManifestKind,
    pub line: u32,
    /// The requirement as written (`>=6.0`, `==6.0.0`, empty for none).
    pub requirement: String,
}

/// A package a directory depends on, with the version it gets.
#[derive(Clone, Debug)]
pub struct ResolvedDependency {
    /// The normalised package name.
    pub name: String,
    pub ecosystem: Ecosystem,
    /// The directory of the manifests (`""` for the root).
    pub directory: String,
    /// Where the project asks for it (a requirements file, pyproject,
    /// package.json…); `None` when only a lock file names it.
    pub declared: Option<Located>,
    /// Where a lock file (or a pinning constraints file) fixes its version.
    pub locked: Option<Located>,
    /// The requirement in force: the locked version when there is one.
    pub requirement: VersionReq,
    /// The exact version, when one is pinned or locked.
    pub pinned: Option<String>,
}

impl ResolvedDependency {
    /// The line a finding about this dependency belongs on: where it is
    /// declared, else where it is locked.
    pub fn location(&self) -> Option<&Located> {
        self.declared.as_ref().or(self.locked.as_ref())
    }
}

/// Resolves every manifest of a tree (`(path, text)` pairs; the caller
/// reads the files). Manifests in one directory resolve together: a lock
/// file fixes the versions of the requirements next to it; a constraints
/// file's exact pin fixes an unpinned requirement. Sorted by directory,
/// then name.
pub fn resolve(manifests: &[(&str, &str)]) -> Vec<ResolvedDependency> {
    type Key = (String, Ecosystem, String);
    let mut declared: BTreeMap<Key, (Located, VersionReq)> = BTreeMap::new();
    let mut locked: BTreeMap<Key, (Located, VersionReq)> = BTreeMap::new();
    let mut constrained: BTreeMap<Key, (Located, VersionReq)> = BTreeMap::new();
    // Declaring manifests in a fixed order, so that the line reported is
    // the same whatever order the caller lists files in.
    let mut files: Vec<(ManifestKind, &str, &str)> = manifests
        .iter()
        .filter_map(|&(p, t)| ManifestKind::of_path(Path::new(p)).map(|k| (k, p, t)))
        .collect();
    files.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (kind, path, text) in files {
        let dir = Path::new(path)
            .parent()
            .map(|d| d.to_string_lossy().into_owned())
            .unwrap_or_default();
        // requirements/dev.txt belongs to the project above it.
        let dir = if kind == ManifestKind::Requirements
            && Path::new(&dir)
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("requirements"))
        {
            Path::new(&dir)
                .parent()
                .map(|d| d.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            dir
        };
        let parsed = parse_manifest(kind, text);
        for d in parsed.dependencies {
            let key = (dir.clone(), d.ecosystem, d.normalized.clone());
            let loc = Located {
                path: path.to_string(),
                kind,
                line: d.line,
                requirement: d.requirement.as_str().to_string(),
            };
            let map = if kind.is_lock() {
                &mut locked
            } else if kind == ManifestKind::Constraints {
                &mut constrained
            } else {
                &mut declared
            };
            map.entry(key).or_insert((loc, d.requirement));
        }
    }
    let mut keys: Vec<Key> = declared.keys().chain(locked.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let decl = declared.get(&key).cloned();
            let mut lock = locked.get(&key).cloned();
            if lock.is_none() {
                // A constraints file that pins it acts as a lock.
                lock = constrained
                    .get(&key)
                    .filter(|(_, r)| r.pinned().is_some())
                    .cloned();
            }
            let requirement = match (&lock, &decl) {
                (Some((_, r)), _) => r.clone(),
                (None, Some((_, r))) => r.clone(),
                (None, None) => VersionReq::parse(key.1, ""),
            };
            let pinned = requirement.pinned().map(str::to_string);
            let (directory, ecosystem, name) = key;
            ResolvedDependency {
                name,
                ecosystem,
                directory,
                declared: decl.map(|(l, _)| l),
                locked: lock.map(|(l, _)| l),
                requirement,
                pinned,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(kind: ManifestKind, text: &str) -> Vec<(String, String, u32)> {
        parse_manifest(kind, text)
            .dependencies
            .into_iter()
            .map(|d| (d.normalized, d.requirement.as_str().to_string(), d.line))
            .collect()
    }

    #[test]
    fn kinds_by_name() {
        let k = |p: &str| ManifestKind::of_path(Path::new(p));
        assert_eq!(k("requirements.txt"), Some(ManifestKind::Requirements));
        assert_eq!(
            k("a/requirements-dev.txt"),
            Some(ManifestKind::Requirements)
        );
        assert_eq!(k("requirements/base.txt"), Some(ManifestKind::Requirements));
        assert_eq!(k("constraints.txt"), Some(ManifestKind::Constraints));
        assert_eq!(k("Pipfile"), Some(ManifestKind::Pipfile));
        assert_eq!(k("x/package-lock.json"), Some(ManifestKind::PackageLock));
        assert_eq!(k("notes.txt"), None);
        assert_eq!(k("main.py"), None);
    }

    #[test]
    fn requirement_lines() {
        let text = "# tools\n-r base.txt\n-c constraints.txt\npandas==0.20.3\nqualysapi==6.0.0  # pinned\nQualys_API >= 1.0, <2 ; python_version > '3'\n-e git+https://github.com/x/qualysapi@py3#egg=qualysapi\nrequests\\\n  >=2\n--index-url https://example.invalid/simple\nfoo @ https://example.invalid/foo.zip\n";
        let p = parse_manifest(ManifestKind::Requirements, text);
        assert_eq!(
            p.includes,
            vec![
                Include {
                    path: "base.txt".into(),
                    line: 2,
                    constraint: false
                },
                Include {
                    path: "constraints.txt".into(),
                    line: 3,
                    constraint: true
                },
            ]
        );
        let d = deps(ManifestKind::Requirements, text);
        assert_eq!(d[0], ("pandas".into(), "==0.20.3".into(), 4));
        assert_eq!(d[1], ("qualysapi".into(), "==6.0.0".into(), 5));
        assert_eq!(d[2], ("qualys-api".into(), ">= 1.0, <2".into(), 6));
        assert_eq!(d[3].0, "qualysapi");
        assert_eq!(d[3].2, 7);
        assert_eq!(d[4], ("requests".into(), ">=2".into(), 8));
        assert_eq!(d[5].0, "foo");
        let p = parse_manifest(ManifestKind::Requirements, text);
        assert!(p.dependencies[3].requirement.is_unknown());
        assert!(p.dependencies[5].requirement.is_unknown());
    }

    #[test]
    fn pyproject_pep621_and_poetry() {
        let text = r#"[project]
name = "x"
dependencies = [
  "qualysapi>=6,<7",
  "requests",
]
[project.optional-dependencies]
sdk = ["qualysdk~=0.3.2"]

[tool.poetry.dependencies]
python = "^3.10"
qualyspy = "^0.5"
pyqualys = { version = "0.1.0", optional = true }
qualysclient = { git = "https://example.invalid/q.git" }

[tool.poetry.group.dev.dependencies]
pytest = "*"
"#;
        let d = deps(ManifestKind::PyProject, text);
        assert!(
            d.contains(&("qualysapi".into(), ">=6,<7".into(), 4)),
            "{d:?}"
        );
        assert!(d.contains(&("requests".into(), "".into(), 5)));
        assert!(d.contains(&("qualysdk".into(), "~=0.3.2".into(), 8)));
        assert!(d.contains(&("qualyspy".into(), "^0.5".into(), 12)));
        assert!(d.contains(&("pyqualys".into(), "0.1.0".into(), 13)));
        assert!(d.iter().any(|x| x.0 == "qualysclient" && x.2 == 14));
        assert!(!d.iter().any(|x| x.0 == "python"));
        assert!(d.contains(&("pytest".into(), "*".into(), 17)));
    }

    #[test]
    fn pipfile_and_lock() {
        let pipfile = "[packages]\nqualysapi = \"*\"\nrequests = {version = \">=2\"}\n\n[dev-packages]\npytest = \"*\"\n";
        let d = deps(ManifestKind::Pipfile, pipfile);
        assert_eq!(d[0], ("qualysapi".into(), "*".into(), 2));
        assert_eq!(d[1], ("requests".into(), ">=2".into(), 3));
        let lock = "{\n  \"_meta\": {},\n  \"default\": {\n    \"requests\": {\"version\": \"==2.31.0\"},\n    \"qualysapi\": {\n      \"version\": \"==5.1.0\"\n    }\n  },\n  \"develop\": {}\n}\n";
        let d = deps(ManifestKind::PipfileLock, lock);
        assert!(
            d.contains(&("qualysapi".into(), "==5.1.0".into(), 5)),
            "{d:?}"
        );
    }

    #[test]
    fn poetry_lock_versions() {
        let lock = "[[package]]\nname = \"requests\"\nversion = \"2.31.0\"\n\n[[package]]\nname = \"qualysapi\"\nversion = \"6.0.0\"\n";
        let p = parse_manifest(ManifestKind::PoetryLock, lock);
        let q = &p.dependencies[1];
        assert_eq!(q.normalized, "qualysapi");
        assert_eq!(q.line, 6);
        assert_eq!(q.requirement.pinned(), Some("6.0.0"));
    }

    #[test]
    fn setup_py_and_cfg() {
        let py = "from setuptools import setup\nsetup(\n    name='x',\n    install_requires=[\n        'qualysapi>=5',\n        \"requests\",\n    ],\n)\n";
        let d = deps(ManifestKind::SetupPy, py);
        assert_eq!(
            d,
            vec![
                ("qualysapi".into(), ">=5".into(), 5),
                ("requests".into(), "".into(), 6)
            ]
        );
        let cfg = "[metadata]\nname = x\n\n[options]\npackages = find:\ninstall_requires =\n    qualysapi==6.1.0\n    requests>=2\npython_requires = >=3.8\n";
        let d = deps(ManifestKind::SetupCfg, cfg);
        assert_eq!(
            d,
            vec![
                ("qualysapi".into(), "==6.1.0".into(), 7),
                ("requests".into(), ">=2".into(), 8)
            ]
        );
    }

    #[test]
    fn package_json_and_lock() {
        let pj = "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"left-pad\": \"^1.3.0\",\n    \"qualys-client\": \"~2.1.0\"\n  },\n  \"devDependencies\": {\n    \"mocha\": \"*\"\n  }\n}\n";
        let d = deps(ManifestKind::PackageJson, pj);
        assert!(
            d.contains(&("qualys-client".into(), "~2.1.0".into(), 5)),
            "{d:?}"
        );
        assert!(d.contains(&("mocha".into(), "*".into(), 8)));
        let lock = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"x\"},\n    \"node_modules/qualys-client\": {\n      \"version\": \"2.1.4\"\n    }\n  }\n}\n";
        let p = parse_manifest(ManifestKind::PackageLock, lock);
        assert_eq!(p.dependencies.len(), 1);
        assert_eq!(p.dependencies[0].line, 5);
        assert_eq!(p.dependencies[0].requirement.pinned(), Some("2.1.4"));
        let v1 = "{\n  \"lockfileVersion\": 1,\n  \"dependencies\": {\n    \"qualys-client\": {\n      \"version\": \"2.0.1\"\n    }\n  }\n}\n";
        let p = parse_manifest(ManifestKind::PackageLock, v1);
        assert_eq!(p.dependencies[0].requirement.pinned(), Some("2.0.1"));
        assert_eq!(p.dependencies[0].line, 4);
    }

    #[test]
    fn resolve_prefers_the_lock_file() {
        let r = resolve(&[
            (
                "svc/pyproject.toml",
                "[tool.poetry.dependencies]\nqualysapi = \"^5.0\"\n",
            ),
            (
                "svc/poetry.lock",
                "[[package]]\nname = \"qualysapi\"\nversion = \"5.1.0\"\n",
            ),
            ("other/requirements.txt", "qualysapi>=6\n"),
            ("pinned/requirements.txt", "qualysapi\n"),
            ("pinned/constraints.txt", "qualysapi==6.0.0\n"),
        ]);
        let by_dir = |d: &str| r.iter().find(|x| x.directory == d).expect(d);
        let svc = by_dir("svc");
        assert_eq!(svc.pinned.as_deref(), Some("5.1.0"));
        assert_eq!(svc.declared.as_ref().map(|l| l.line), Some(2));
        assert_eq!(svc.locked.as_ref().map(|l| l.line), Some(2));
        let other = by_dir("other");
        assert_eq!(other.pinned, None);
        assert_eq!(other.requirement.as_str(), ">=6");
        let pinned = by_dir("pinned");
        assert_eq!(pinned.pinned.as_deref(), Some("6.0.0"));
    }
}
