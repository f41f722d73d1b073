//! URLs whose pieces flow in from elsewhere: a template with holes
//! (`f"/api/2.0/fo/report/template/{kind}/"`, `fmt.Sprintf("%s/api/%s/fo/%s",
//! base, v, path)`, `BASE + path` in a helper) filled with the values that
//! can reach each hole, as real clients write them:
//! - an argument at a call site of the function the template sits in
//!   (`self._template_write("scan", …)`, `self._post('scan/', …)`), or its
//!   default (`version="1.0"`);
//! - every value an assignment can take (`"2.0" if c else "1.0"`);
//! - what a function returns, and a map's values (`v := versionFor(cap)`,
//!   `return pinnedVersions[c]`, `map[capability]apiVersion{…: v2_0}`);
//! - a package constant of the same directory (`v2_0 = "2.0"`);
//! - a versioned base defined in another file (`BASE = "…/api/2.0/fo/"`);
//! - the value of a key a request wrapper reads (`path: "scan/"`,
//!   `RelativeURI = 'asset/host/'`), when the hole has that key's name.
//!
//! A value joins a template only through one of these links: a relative
//! piece alone is never joined to a base on a guess. Each filled template
//! that is a known endpoint is a finding: where the value was passed in
//! (the call site, the key) when it came from a caller, else at the
//! template, with the template and the definitions in `origins`. Every
//! resolution is bounded in depth and in the values it tries.

use std::collections::{BTreeSet, HashMap};

use super::fixes::FixPlan;
use super::role::Role;
use super::{make_finding, FindingFacts, Pending};
use crate::extract::flow::{Flow, Value};
use crate::extract::{Expr, Seg};
use crate::matcher::{Matcher, Outcome};
use crate::model::{Confidence, Finding, FindingKind, Origin, OriginRole};

/// How deep a name is followed (a parameter to its callers' values, a
/// variable to a function's returns, …).
const MAX_DEPTH: usize = 5;
/// Most values tried for one hole, and most fillings of one template.
const MAX_VALUES: usize = 128;
const MAX_FILLINGS: usize = 256;

/// Whether a request wrapper may read a relative path from a key of this
/// name (any case).
pub fn is_path_key(name: &str) -> bool {
    PATH_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// Key names a request wrapper reads a relative path from.
const PATH_KEYS: &[&str] = &[
    "path",
    "uri",
    "url",
    "endpoint",
    "relativeuri",
    "relative_uri",
    "relativeurl",
    "relative_url",
    "resource",
    "route",
    "apipath",
    "api_path",
    "endpointpath",
    "endpoint_path",
];

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A value not known here, by the name it is read from.
    Hole(Option<String>),
}

/// A URL built in this file with holes to fill.
#[derive(Clone, Debug)]
pub struct Template {
    pub pieces: Vec<Piece>,
    /// Byte offset of the expression (for the function it sits in).
    pub offset: usize,
    pub location: Pending,
}

/// A literal value written in a file, where it is.
#[derive(Clone, Debug)]
pub struct Written {
    pub text: String,
    pub location: Pending,
}

/// A key-value pair a request wrapper may read (`path: "scan/"`).
#[derive(Clone, Debug)]
pub struct KeyValue {
    pub key: String,
    pub value: Written,
}

/// One file's material for this step.
#[derive(Clone, Debug, Default)]
pub struct FileFlow {
    pub path: String,
    /// The file's directory below the scanned root (a Go package, a
    /// Python package): constants and helpers are looked up there too.
    pub dir: String,
    pub role: Role,
    /// Whether the language shares top-level names across the files of a
    /// directory (Go packages).
    pub package_dir: bool,
    pub flow: Flow,
    pub templates: Vec<Template>,
    /// Short literals of the flow by their start offset.
    pub literals: HashMap<usize, Written>,
    pub keys: Vec<KeyValue>,
    /// Versioned bases defined here: (name, text, line).
    pub bases: Vec<(String, String, usize)>,
    /// Byte offsets where lines start (for the lines of definitions).
    pub line_starts: Vec<usize>,
}

impl FileFlow {
    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(k) => k + 1,
            Err(k) => k.max(1),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
            && self.keys.is_empty()
            && self.bases.is_empty()
            && self.flow.calls.is_empty()
            && self.flow.assigns.is_empty()
            && self.flow.maps.is_empty()
    }
}

/// Whether a literal is short and path-like enough to fill a hole.
pub fn fills_holes(text: &str) -> bool {
    text.len() <= 200
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/:?&=%{}$".contains(c))
}

/// Turns an expression into template pieces, when it is a URL with a hole
/// where a path segment or the path goes: a root followed by a hole, or a
/// leading hole followed by another (a base and a path joined at run
/// time).
pub fn template_of(expr: &Expr, matcher: &Matcher) -> Option<Vec<Piece>> {
    let holes = expr
        .segs
        .iter()
        .filter(|s| s.is_hole() || s.via.is_some())
        .count();
    if holes == 0 || holes > 6 || expr.segs.len() > 24 {
        return None;
    }
    let text = expr.text();
    // A piece read from a variable of this file is a hole too: the flow
    // step knows every value it can take (`"2.0" if c else "1.0"`), the
    // assembler only one.
    let mut pieces: Vec<Piece> = Vec::new();
    for s in &expr.segs {
        let piece = match (&s.via, s.is_hole()) {
            (Some((name, _)), _) => Piece::Hole(Some(name.clone())),
            (None, true) => Piece::Hole(s.hole.clone()),
            (None, false) => Piece::Text(s.text.clone()),
        };
        // One variable supplies several segments in a row: one hole.
        if piece != Piece::Text(String::new())
            && pieces.last() == Some(&piece)
            && matches!(piece, Piece::Hole(_))
        {
            continue;
        }
        pieces.push(piece);
    }
    match matcher.find_root(&text) {
        // A hole (or a variable's value) after the root: in the path.
        Some(p) => {
            // The root read from a variable: the path is written (and
            // reported) where the variable is defined.
            let mut at = 0usize;
            for s in &expr.segs {
                if at + s.text.len() > p {
                    if s.via.is_some() {
                        return None;
                    }
                    break;
                }
                at += s.text.len();
            }
            let starts = expr.segs.iter().scan(0usize, |at, s| {
                let start = *at;
                *at += s.text.len();
                Some((start, s))
            });
            starts
                .filter(|(start, s)| start + s.text.len() > p)
                .any(|(_, s)| s.is_hole() || s.via.is_some())
                .then_some(pieces)
        }
        // `{base}{path}`, `{base}/{path}`: two holes and nothing versioned.
        None => (holes >= 2 && expr.segs.first().is_some_and(Seg::is_hole)).then_some(pieces),
    }
}

/// A candidate value for a hole.
#[derive(Clone, Debug)]
struct Cand {
    text: String,
    /// Where the value is written, and whether a caller passed it in (an
    /// argument, a key) rather than the template's own code defining it.
    site: Option<(usize, Written, bool)>,
    /// Names it was read through (for `origins`).
    via: Vec<(String, usize, usize)>,
}

struct Resolver<'f> {
    files: &'f [FileFlow],
    /// Function name → files defining it.
    defs: HashMap<&'f str, Vec<usize>>,
    /// Directory → files.
    dirs: HashMap<&'f str, Vec<usize>>,
}

impl<'f> Resolver<'f> {
    fn new(files: &'f [FileFlow]) -> Resolver<'f> {
        let mut defs: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut dirs: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in files.iter().enumerate() {
            for func in &f.flow.functions {
                let e = defs.entry(func.name.as_str()).or_default();
                if e.last() != Some(&i) {
                    e.push(i);
                }
            }
            dirs.entry(f.dir.as_str()).or_default().push(i);
        }
        Resolver { files, defs, dirs }
    }

    /// The files a call of `name` from file `from` may reach: its own
    /// definitions, else a function of that name defined in exactly one
    /// file of the repository.
    fn defining(&self, name: &str, from: usize) -> Vec<usize> {
        let Some(files) = self.defs.get(name) else {
            return Vec::new();
        };
        if files.contains(&from) {
            vec![from]
        } else if files.len() == 1 {
            files.clone()
        } else {
            // Several definitions: the ones in the same directory.
            let dir = &self.files[from].dir;
            files
                .iter()
                .copied()
                .filter(|&i| &self.files[i].dir == dir)
                .collect()
        }
    }

    /// Values that can reach `name` read at `offset` of file `file`.
    fn name(&self, file: usize, offset: usize, name: &str, depth: usize) -> Vec<Cand> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let f = &self.files[file];
        let mut out = Vec::new();
        let scope = f.flow.function_at(offset);
        // 1. A parameter: its default, and what callers pass.
        if let Some(func) = scope {
            if let Some(index) = func.params.iter().position(|p| p == name) {
                for a in
                    f.flow.assigns.iter().filter(|a| {
                        a.name == name && func.header <= a.offset && a.offset < func.start
                    })
                {
                    for v in &a.values {
                        out.extend(self.value(file, a.offset, v, depth + 1, false));
                    }
                }
                let callers: Vec<usize> = if self.defining(&func.name, file).contains(&file) {
                    // Calls from anywhere reach it when it is defined once;
                    // from its own file always.
                    match self.defs.get(func.name.as_str()) {
                        Some(d) if d.len() == 1 => (0..self.files.len()).collect(),
                        _ => vec![file],
                    }
                } else {
                    vec![file]
                };
                for g in callers {
                    for call in self.files[g]
                        .flow
                        .calls
                        .iter()
                        .filter(|c| c.callee == func.name)
                    {
                        let by_name = call.args.iter().find(|a| a.name.as_deref() == Some(name));
                        let positional =
                            || call.args.iter().filter(|a| a.name.is_none()).nth(index);
                        if let Some(arg) = by_name.or_else(positional) {
                            out.extend(self.value(g, call.offset, &arg.value, depth + 1, true));
                        }
                        if out.len() >= MAX_VALUES {
                            break;
                        }
                    }
                }
                if !out.is_empty() {
                    return out;
                }
            }
        }
        // 2. Assignments in the same function, else at file level.
        let in_scope = |a_offset: usize| match scope {
            Some(func) => func.start <= a_offset && a_offset < func.end,
            None => f.flow.function_at(a_offset).is_none(),
        };
        // The assignment nearest before the use is the one that reaches it
        // in straight-line code (every value it can take is kept).
        let nearest = f
            .flow
            .assigns
            .iter()
            .filter(|a| a.name == name && in_scope(a.offset) && a.offset <= offset)
            .max_by_key(|a| a.offset);
        let defined_here = nearest.is_some();
        if let Some(a) = nearest {
            for v in &a.values {
                for mut c in self.value(file, a.offset, v, depth + 1, false) {
                    c.via.push((name.to_string(), file, a.offset));
                    out.push(c);
                }
            }
        }
        if defined_here {
            // Defined here, to what it can be: not looked for elsewhere.
            return out;
        }
        // 3. A constant of the file, or of its package: its directory, in a
        // language whose packages are directories (Go). A Python script
        // beside another shares none of its names.
        let siblings = if f.package_dir {
            self.dirs.get(f.dir.as_str()).cloned().unwrap_or_default()
        } else {
            Vec::new()
        };
        for g in std::iter::once(file).chain(siblings.into_iter().filter(|&g| g != file)) {
            let gf = &self.files[g];
            for a in gf
                .flow
                .assigns
                .iter()
                .filter(|a| a.name == name && gf.flow.function_at(a.offset).is_none())
            {
                for v in &a.values {
                    if matches!(v, Value::Str { .. } | Value::Name(_)) {
                        for mut c in self.value(g, a.offset, v, depth + 1, false) {
                            c.via.push((name.to_string(), g, a.offset));
                            out.push(c);
                        }
                    }
                }
            }
            if !out.is_empty() {
                return out;
            }
        }
        // 4. A versioned base defined elsewhere: the nearest first (by
        // directory distance, then path, then line), so that the first
        // filling, the one reported, never depends on thread timing.
        let mut defined: Vec<(usize, &str, usize, usize, &String)> = Vec::new();
        for (g, gf) in self.files.iter().enumerate() {
            for (n, text, line) in &gf.bases {
                if n == name {
                    let d = super::crossfile::dir_distance(&f.path, &gf.path);
                    defined.push((d, gf.path.as_str(), *line, g, text));
                }
            }
        }
        defined.sort_by(|x, y| (x.0, x.1.as_bytes(), x.2).cmp(&(y.0, y.1.as_bytes(), y.2)));
        for (_, _, line, g, text) in defined {
            out.push(Cand {
                text: text.clone(),
                site: None,
                via: vec![(format!("base:{name}:{line}"), g, 0)],
            });
        }
        if !out.is_empty() {
            return out;
        }
        // 5. The value of a key a request wrapper reads.
        if is_path_key(name) {
            for (g, gf) in self.files.iter().enumerate() {
                for kv in gf.keys.iter().filter(|k| k.key.eq_ignore_ascii_case(name)) {
                    out.push(Cand {
                        text: kv.value.text.clone(),
                        site: Some((g, kv.value.clone(), true)),
                        via: Vec::new(),
                    });
                }
            }
        }
        out
    }

    /// Values of one written value.
    fn value(
        &self,
        file: usize,
        offset: usize,
        v: &Value,
        depth: usize,
        passed: bool,
    ) -> Vec<Cand> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let f = &self.files[file];
        match v {
            Value::Str { text, start, .. } => vec![Cand {
                text: text.to_string(),
                site: f.literals.get(start).map(|w| (file, w.clone(), passed)),
                via: Vec::new(),
            }],
            Value::Name(n) => {
                let mut c = self.name(file, offset, n, depth + 1);
                if passed {
                    // A caller passed a variable: where its value is
                    // written is where the caller sets it.
                    for x in &mut c {
                        if let Some(site) = &mut x.site {
                            site.2 = true;
                        }
                    }
                }
                c
            }
            Value::Call(g) => {
                let mut out = Vec::new();
                for h in self.in_dir_or_defining(g, file) {
                    for func in self.files[h].flow.functions.iter().filter(|x| x.name == g) {
                        for r in &func.returns {
                            out.extend(self.value(h, func.start, r, depth + 1, false));
                        }
                    }
                }
                out
            }
            Value::Index(m) => {
                let mut out = Vec::new();
                let mut dirs = vec![file];
                if f.package_dir {
                    dirs.extend(
                        self.dirs
                            .get(f.dir.as_str())
                            .into_iter()
                            .flatten()
                            .copied()
                            .filter(|&g| g != file),
                    );
                }
                for h in dirs {
                    for map in self.files[h].flow.maps.iter().filter(|x| x.name == m) {
                        for val in &map.values {
                            out.extend(self.value(h, 0, val, depth + 1, false));
                        }
                    }
                }
                out
            }
            Value::Unknown => Vec::new(),
        }
    }

    fn in_dir_or_defining(&self, name: &str, file: usize) -> Vec<usize> {
        self.defining(name, file)
    }
}

/// What the flow step found.
#[derive(Debug, Default)]
pub struct Flowed {
    pub findings: Vec<Finding>,
    /// (path, line) of the templates that some filling made a known
    /// endpoint: no longer "could not be built".
    pub resolved: BTreeSet<(String, usize)>,
}

/// Fills every template of `files`: findings for fillings that are known
/// endpoints (at the caller's site or at the template).
pub fn resolve(files: &[FileFlow], matcher: &Matcher, direct: &[Finding]) -> Flowed {
    let mut resolved: BTreeSet<(String, usize)> = BTreeSet::new();
    let resolver = Resolver::new(files);
    let reported: BTreeSet<(&str, usize, &str)> = direct
        .iter()
        .map(|f| (f.path.as_str(), f.line, f.rule.as_str()))
        .collect();
    let mut out: Vec<Finding> = Vec::new();
    let mut seen: BTreeSet<(String, usize, String)> = BTreeSet::new();
    for (fi, f) in files.iter().enumerate() {
        for t in &f.templates {
            // Candidates per hole; a hole with none stays a hole.
            let options: Vec<Vec<Option<Cand>>> = t
                .pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(_) => vec![None],
                    Piece::Hole(None) => vec![None],
                    Piece::Hole(Some(n)) => {
                        let mut c = resolver.name(fi, t.offset, n, 0);
                        // The same text from the same place once; from
                        // different call sites, each is its own finding.
                        let mut seen_values = BTreeSet::new();
                        c.retain(|x| {
                            let at = x.site.as_ref().map(|(g, w, _)| (*g, w.location.line));
                            seen_values.insert((x.text.clone(), at))
                        });
                        c.truncate(MAX_VALUES);
                        if c.is_empty() {
                            vec![None]
                        } else {
                            c.into_iter().map(Some).collect()
                        }
                    }
                })
                .collect();
            if options.iter().all(|o| o.iter().all(Option::is_none)) {
                continue;
            }
            for filling in fillings(&options) {
                let mut expr = Expr::new(FindingKind::Call);
                for (p, c) in t.pieces.iter().zip(&filling) {
                    match (p, c) {
                        (Piece::Text(s), _) => expr.push(Seg::literal(s.clone(), None, (0, 0))),
                        (Piece::Hole(_), Some(c)) => {
                            expr.push(Seg::literal(c.text.clone(), None, (0, 0)))
                        }
                        (Piece::Hole(n), None) => expr.push(Seg::hole(n.clone(), (0, 0))),
                    }
                }
                for outcome in matcher.match_expr(&expr) {
                    let Outcome::Hit(hit) = outcome else { continue };
                    // Where to report: the last value a caller passed in;
                    // else the template.
                    let passed = filling
                        .iter()
                        .rev()
                        .flatten()
                        .filter_map(|c| c.site.as_ref())
                        .find(|s| s.2);
                    let (at_file, pending) = match passed {
                        Some((g, w, _)) => (*g, &w.location),
                        None => (fi, &t.location),
                    };
                    let path = &files[at_file].path;
                    if reported.contains(&(path.as_str(), pending.line, hit.rule.id.as_str())) {
                        continue;
                    }
                    if !seen.insert((path.clone(), pending.line, hit.rule.id.clone())) {
                        continue;
                    }
                    let location = pending.locate();
                    let mut origins = Vec::new();
                    resolved.insert((f.path.clone(), t.location.line));
                    if at_file != fi || location.line != t.location.line {
                        origins.push(Origin {
                            notebook: None,
                            role: OriginRole::Template,
                            name: f
                                .flow
                                .function_at(t.offset)
                                .map_or_else(|| "URL".to_string(), |x| x.name.to_string()),
                            path: (at_file != fi).then(|| f.path.clone()),
                            line: t.location.line,
                            offset: t.offset,
                        });
                    }
                    for c in filling.iter().flatten() {
                        for (name, g, off) in &c.via {
                            if let Some(base) = name.strip_prefix("base:") {
                                let (n, line) = base.rsplit_once(':').unwrap_or((base, "0"));
                                origins.push(Origin {
                                    notebook: None,
                                    role: OriginRole::Base,
                                    name: n.to_string(),
                                    path: Some(files[*g].path.clone()),
                                    line: line.parse().unwrap_or(0),
                                    offset: 0,
                                });
                            } else {
                                origins.push(Origin {
                                    notebook: None,
                                    role: OriginRole::Definition,
                                    name: name.clone(),
                                    path: (*g != at_file).then(|| files[*g].path.clone()),
                                    line: files[*g].line_of(*off),
                                    offset: *off,
                                });
                            }
                        }
                    }
                    let cross_file = filling.iter().flatten().any(|c| {
                        c.site.as_ref().is_some_and(|s| s.0 != fi)
                            || c.via.iter().any(|v| v.1 != fi)
                    }) || at_file != fi;
                    let kind = match files[at_file].role {
                        // A test reaching a production template through a
                        // value it passes is a test of that code, not a
                        // call of its own: the template is reported where
                        // production code fills it.
                        Role::Test if cross_file => continue,
                        Role::Test => FindingKind::Test,
                        Role::Code => FindingKind::Call,
                    };
                    let fix = FixPlan::manual(match hit.rule.version_swap() {
                        Ok(_) => format!(
                            "the URL is built by {} at {}:{}: change the version where it is chosen",
                            f.flow
                                .function_at(t.offset)
                                .map_or("a template", |x| x.name.as_str()),
                            f.path,
                            t.location.line
                        ),
                        Err(why) => why,
                    });
                    origins.sort();
                    origins.dedup();
                    let mut finding = make_finding(
                        path,
                        location,
                        hit.rule,
                        &hit.matched,
                        hit.suggested.as_deref(),
                        FindingFacts {
                            kind,
                            confidence: if cross_file {
                                Confidence::Inferred
                            } else {
                                Confidence::Certain
                            },
                            origins,
                            fix,
                            library: None,
                        },
                    );
                    if finding.kind != FindingKind::Mention {
                        let request = pending.request(&hit.matched, path);
                        super::fixes::apply_request(&mut finding, hit.rule, request);
                    }
                    out.push(finding);
                }
            }
        }
    }
    Flowed {
        findings: out,
        resolved,
    }
}

/// Every combination of one option per piece, at most [`MAX_FILLINGS`],
/// in a fixed order.
fn fillings(options: &[Vec<Option<Cand>>]) -> Vec<Vec<Option<Cand>>> {
    let mut out: Vec<Vec<Option<Cand>>> = vec![Vec::new()];
    for opts in options {
        let mut next = Vec::new();
        for prefix in &out {
            for o in opts {
                if next.len() >= MAX_FILLINGS {
                    break;
                }
                let mut p = prefix.clone();
                p.push(o.clone());
                next.push(p);
            }
        }
        out = next;
    }
    out
}
