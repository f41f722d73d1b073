//! URLs built across files: a versioned base kept in one place and relative
//! endpoint paths passed elsewhere.
//!
//! A **base** is a string binding whose value ends in a strict prefix of a
//! known endpoint (`BASE = "https://…/api/2.0/fo/"`, `"base_url": …` in a
//! settings file, an environment default). A **relative use** is a string in
//! code that is a relative path (`'scan/'`, `"schedule/scan/"`) or that
//! appends to a name (`BASE + "scan/"`, `f"{base}knowledge_base/vuln/"`).
//! A use is joined to the base it names, else to the bases whose names its
//! file refers to, else to the repository's only base; it is reported only
//! when the joined path is a known endpoint.

use std::collections::HashSet;

use super::fixes::FixPlan;
use super::{locate, make_finding, FindingFacts, Location};
use crate::extract::{Expr, Extracted, HOLE};
use crate::matcher::{rewrite_path, Matcher};
use crate::model::{Confidence, Finding, FindingKind, Origin, OriginRole, Unresolved};
use crate::redact;
use crate::rules::normalize::canonical_path;
use crate::source::LineIndex;

/// A base defined in a file.
#[derive(Clone, Debug)]
pub struct Base {
    /// In a notebook: where the definition sits in its cell.
    pub notebook: Option<crate::model::CellPosition>,
    pub name: String,
    pub path: String,
    pub line: usize,
    /// Byte offset of the definition.
    pub offset: usize,
    /// Canonical path prefix, e.g. `/api/2.0/fo`.
    pub canonical: String,
    /// The base as written (URL up to its end), holes as `{name}`.
    pub text: String,
}

/// A relative endpoint piece used in a file.
#[derive(Clone, Debug)]
pub struct RelativeUse {
    /// In a notebook: where the use sits in its cell.
    pub notebook: Option<crate::model::CellPosition>,
    /// The relative path (no query), e.g. `scan/`.
    pub rel: String,
    /// What follows the path (`?action=list`).
    pub tail: String,
    /// The name it is appended to, when there is one.
    pub base_name: Option<String>,
    pub location: Location,
    /// The request around the use (method, action, parameters), read
    /// where the call is written; `None` past the per-file budget.
    pub request: Option<crate::model::request::Request>,
}

/// One file's cross-file material.
#[derive(Clone, Debug, Default)]
pub struct FileMaterial {
    pub path: String,
    pub bases: Vec<Base>,
    pub uses: Vec<RelativeUse>,
    /// Names the file refers to.
    pub idents: HashSet<String>,
    /// Whether the file is a test, fixture or mock.
    pub role: super::role::Role,
    /// A notebook: its cells run top to bottom, so a use joins no base of
    /// the same file defined after it.
    pub ordered: bool,
}

impl FileMaterial {
    pub fn is_empty(&self) -> bool {
        self.bases.is_empty() && self.uses.is_empty()
    }

    pub fn collect(
        display: &str,
        text: &str,
        index: &LineIndex,
        extracted: &Extracted,
        matcher: &Matcher,
        dialect: crate::request::Dialect,
    ) -> FileMaterial {
        let mut m = FileMaterial {
            path: display.to_string(),
            ..FileMaterial::default()
        };
        for b in &extracted.bindings {
            if let Some((canonical, shown)) = base_of(&b.value, matcher) {
                m.bases.push(Base {
                    notebook: None,
                    name: b.name.clone(),
                    path: display.to_string(),
                    line: index.line_col(b.offset).0,
                    offset: b.offset,
                    canonical,
                    text: shown,
                });
            }
        }
        for e in &extracted.exprs {
            if e.kind() != FindingKind::Call {
                continue;
            }
            if let Some((mut u, span)) = relative_use(e, text, index, matcher) {
                if m.uses.len() < super::REQUESTS_PER_FILE {
                    let url = format!("{}{}", u.rel, u.tail);
                    u.request = Some(crate::request::read(text, index, span, &url, dialect));
                }
                m.uses.push(u);
            }
        }
        if !m.uses.is_empty() {
            m.idents = extracted.idents.iter().cloned().collect();
            m.idents.extend(
                text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
                    .map(str::to_string),
            );
        }
        m
    }
}

/// The base prefix a value ends in, if any.
fn base_of(value: &Expr, matcher: &Matcher) -> Option<(String, String)> {
    let text = value.text();
    let p = matcher.find_root(&text)?;
    let path = &text[p..];
    if path.contains(|c: char| c == HOLE || c == '?' || c.is_whitespace()) {
        return None;
    }
    let canonical = canonical_path(path)?;
    if matcher.is_base(&canonical) && matcher.rules().lookup(&canonical).is_none() {
        let shown = text.replace(HOLE, "{…}");
        return Some((canonical, shown));
    }
    None
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '{' | '}')
}

/// A relative endpoint piece in an expression, if it is one.
fn relative_use(
    e: &Expr,
    text: &str,
    index: &LineIndex,
    matcher: &Matcher,
) -> Option<(RelativeUse, (usize, usize))> {
    // Cheap rejections before joining the text: too long, or no slash at all.
    let len: usize = e.segs.iter().map(|s| s.text.len()).sum();
    if len > 300 || !e.segs.iter().any(|s| s.text.contains('/')) {
        return None;
    }
    let joined = e.text();
    if joined.len() > 300 {
        return None;
    }
    let (base_name, rest, first_seg) = if joined.starts_with(HOLE) {
        let first = e.segs.first()?;
        (first.hole.clone(), &joined[HOLE.len_utf8()..], 1)
    } else {
        (None, joined.as_str(), 0)
    };
    if rest.contains(HOLE) || rest.is_empty() {
        return None;
    }
    let (path, tail) = match rest.find(['?', '#']) {
        Some(k) => (&rest[..k], &rest[k..]),
        None => (rest, ""),
    };
    if !path.chars().all(is_path_char) || path.starts_with("./") || path.contains("..") {
        return None;
    }
    let trimmed = path.trim_start_matches('/');
    let first = trimmed.split('/').next().unwrap_or("");
    if first.is_empty() || matcher.root_names().iter().any(|r| r == first) {
        return None;
    }
    // A bare literal must look like a relative path (`scan/`), not a word.
    if base_name.is_none() && (path.starts_with('/') || !path.contains('/')) {
        return None;
    }
    let seg = e.segs.get(first_seg)?;
    let start = match (seg.src, &seg.via) {
        (Some(s), None) => s,
        _ => seg.site.0,
    };
    let last = e.segs.last()?;
    let end = match (last.src, &last.via) {
        (Some(s), None) => s + last.text.len(),
        _ => last.site.1,
    };
    Some((
        RelativeUse {
            notebook: None,
            rel: path.to_string(),
            tail: tail.to_string(),
            base_name,
            location: locate(text, index, (start, end)),
            request: None,
        },
        (start, end),
    ))
}

/// Steps between the directories of two files (`/`-separated display
/// paths): up from `from`'s directory to the common ancestor, then down to
/// `to`'s. Files in the same directory are 0 apart.
pub fn dir_distance(from: &str, to: &str) -> usize {
    let dirs = |p: &str| -> Vec<String> {
        let mut v: Vec<String> = p.split('/').map(str::to_string).collect();
        v.pop();
        v
    };
    let (a, b) = (dirs(from), dirs(to));
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    (a.len() - common) + (b.len() - common)
}

/// Orders definitions competing for one use: nearest by directory distance
/// from the using file, then by path (byte order), then by position. The
/// order never depends on which worker finished first.
pub fn nearest_first(using: &str, bases: &mut [&Base]) {
    bases.sort_by(|x, y| {
        (dir_distance(using, &x.path), x.path.as_bytes(), x.offset).cmp(&(
            dir_distance(using, &y.path),
            y.path.as_bytes(),
            y.offset,
        ))
    });
}

/// Joins relative uses to bases across all files.
pub fn resolve(
    mut materials: Vec<FileMaterial>,
    matcher: &Matcher,
    direct: &[Finding],
) -> (Vec<Finding>, Vec<Unresolved>) {
    // Files in path order, whatever order the workers finished in.
    materials.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let bases: Vec<&Base> = materials.iter().flat_map(|m| m.bases.iter()).collect();
    let mut findings = Vec::new();
    let mut unresolved = Vec::new();
    if bases.is_empty() {
        return (findings, unresolved);
    }
    let reported: HashSet<(&str, usize, usize)> = direct
        .iter()
        .map(|f| (f.path.as_str(), f.line, f.column))
        .collect();
    let mut distinct: Vec<&str> = bases.iter().map(|b| b.canonical.as_str()).collect();
    distinct.sort();
    distinct.dedup();
    for m in &materials {
        for u in &m.uses {
            if reported.contains(&(m.path.as_str(), u.location.line, u.location.column)) {
                continue;
            }
            let mut named: Vec<&Base> = match &u.base_name {
                Some(n) => {
                    let exact: Vec<&Base> =
                        bases.iter().copied().filter(|b| &b.name == n).collect();
                    if exact.is_empty() {
                        bases
                            .iter()
                            .copied()
                            .filter(|b| b.name.eq_ignore_ascii_case(n))
                            .collect()
                    } else {
                        exact
                    }
                }
                // A bare relative piece (`'scan/'`) joins a base only
                // through the flow step: as the argument of a helper that
                // joins it to the base, or the value of a key a request
                // wrapper reads. Never on the guess that it is the file's
                // or the repository's only base (`os.makedirs('scan/')`).
                None => continue,
            };
            if m.ordered {
                // The notebook's own definitions that ran before, or a
                // module's (which it may import); never another notebook's.
                named.retain(|b| {
                    if b.path != m.path {
                        return !crate::extract::notebook::is_notebook(&b.path);
                    }
                    match (b.notebook, u.notebook) {
                        (Some(def), Some(used)) => def < used,
                        _ => b.line < u.location.line,
                    }
                });
            }
            if named.is_empty() {
                continue;
            }
            // Several definitions of the name: the nearest one is joined.
            nearest_first(&m.path, &mut named);
            // Every candidate base must lead to the same endpoint.
            let mut outcome: Option<(&Base, &crate::rules::Rule, String)> = None;
            let mut ambiguous = false;
            for b in &named {
                let joined = format!("{}/{}", b.canonical, u.rel.trim_start_matches('/'));
                let Some(canonical) = canonical_path(&joined) else {
                    continue;
                };
                let Some(rule) = matcher.rules().lookup(&canonical) else {
                    continue;
                };
                match &outcome {
                    Some((_, r, _)) if r.id != rule.id => ambiguous = true,
                    Some(_) => {}
                    None => outcome = Some((b, rule, joined)),
                }
            }
            let Some((base, rule, joined)) = outcome else {
                continue;
            };
            if ambiguous {
                unresolved.push(Unresolved {
                    path: m.path.clone(),
                    line: u.location.line,
                    column: u.location.column,
                    text: redact::redact_str(&u.rel),
                    reason: "relative path joins to different endpoints depending on the base"
                        .into(),
                });
                continue;
            }
            let sep = if base.text.ends_with('/') || u.rel.starts_with('/') {
                ""
            } else {
                "/"
            };
            let matched = format!("{}{}{}{}", base.text, sep, u.rel, u.tail);
            let suggested = rule.replacement.as_deref().map(|r| {
                let host = base
                    .text
                    .find(&format!("/{}/", rule.endpoint.root()))
                    .map_or("", |k| &base.text[..k]);
                format!("{host}{}{}", rewrite_path(&joined, r), u.tail)
            });
            let origin = Origin {
                notebook: base.notebook.filter(|_| base.path == m.path),
                role: OriginRole::Base,
                name: base.name.clone(),
                path: Some(base.path.clone()),
                line: base.line,
                offset: base.offset,
            };
            let fix = FixPlan::manual(match rule.version_swap() {
                Ok(_) => format!(
                    "the version is not written in this expression (base `{}` from {}:{}): change it where it is defined",
                    base.name, base.path, base.line
                ),
                Err(why) => why,
            });
            let mut finding = make_finding(
                &m.path,
                u.location.clone(),
                rule,
                &matched,
                suggested.as_deref(),
                FindingFacts {
                    kind: if m.role == super::role::Role::Test {
                        FindingKind::Test
                    } else {
                        FindingKind::Call
                    },
                    confidence: Confidence::Inferred,
                    origins: vec![origin],
                    fix,
                    library: None,
                },
            );
            finding.notebook = u.notebook;
            if finding.kind != FindingKind::Mention {
                super::fixes::apply_request(&mut finding, rule, u.request.clone());
            }
            findings.push(finding);
        }
    }
    (findings, unresolved)
}
