//! Client libraries in a scan: the legacy endpoints a dependency reaches
//! without any path written in the project ([`crate::libraries`] knows the
//! libraries; this step turns what it finds into findings of kind
//! `library`).
//!
//! The walk keeps the text of two kinds of file for this step, whatever the
//! endpoint prefilter says: manifests and lock files (`requirements.txt`,
//! `pyproject.toml`, `package.json`, …) and Python files that name Qualys
//! at all (a library call rarely holds a path). After the walk:
//! - each manifest line that makes a known library a dependency becomes a
//!   finding listing the legacy endpoints the version in force reaches,
//!   with the way out (the first release that moved off them, or none);
//! - each call of a library method that reaches a legacy endpoint becomes
//!   a finding at the call line (inferred unless the version is pinned);
//! - a finding in a vendored copy of a library says which one.

use std::collections::{HashMap, HashSet};

use super::fixes::FixPlan;
use super::{locate, make_finding, FindingFacts};
use crate::libraries::{self, CallSite, LibraryTable, Resolution, ResolvedDependency, SourceText};
use crate::model::{Confidence, Finding, FindingKind, LibraryUse, Notice, Origin, OriginRole};
use crate::rules::{Rule, RuleSet};
use crate::source::LineIndex;

/// A file kept for the library step.
#[derive(Clone, Debug)]
pub struct Kept {
    /// Below the scanned root, `/`-separated: what the library step
    /// reasons about (directories, vendored copies, module names).
    pub rel: String,
    /// As findings show it.
    pub display: String,
    pub text: String,
}

/// Whether a Python file's bytes name Qualys (any case): only such files
/// can call a Qualys client library by name or through a class of one.
pub fn names_qualys(bytes: &[u8]) -> bool {
    static FINDER: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    FINDER
        .get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(["qualys"])
                .expect("invariant: one literal pattern builds")
        })
        .is_match(bytes)
}

/// Most project modules read for imports alone (see [`imported_modules`]).
const MAX_IMPORTED: usize = 256;
/// Largest module read for its imports alone.
const MAX_IMPORTED_BYTES: u64 = 1024 * 1024;

/// The project's own Python modules that the kept sources import but the
/// walk did not read (a `lib/` a `.gitignore` template excludes, though the
/// project keeps its code there): a library client is often made in such
/// a base module (`from lib.base import QualysBaseAction`). Only modules
/// inside the scanned tree, regular files of sane size, and only for this
/// step: they are not scanned for endpoints. Followed to a fixed point,
/// at most [`MAX_IMPORTED`] files.
pub fn imported_modules(sources: &[Kept]) -> Vec<Kept> {
    let known: HashSet<String> = sources.iter().map(|k| k.rel.clone()).collect();
    let mut seen = known.clone();
    let mut queue: Vec<Kept> = sources.to_vec();
    let mut found = Vec::new();
    while let Some(k) = queue.pop() {
        if found.len() >= MAX_IMPORTED {
            break;
        }
        // The scanned root, as the walk reached it: display minus rel.
        let Some(root) = k.display.strip_suffix(&k.rel) else {
            continue;
        };
        let dir = k.rel.rsplit_once('/').map_or("", |(d, _)| d);
        for module in python_imports(&k.text) {
            for rel in module_files(dir, &module) {
                if seen.contains(&rel) {
                    continue;
                }
                let display = format!("{root}{rel}");
                let path = &crate::source::path_of_display(&display);
                let ok = std::fs::symlink_metadata(path)
                    .is_ok_and(|m| m.is_file() && m.len() <= MAX_IMPORTED_BYTES);
                if !ok {
                    continue;
                }
                seen.insert(rel.clone());
                if let Ok(text) = std::fs::read_to_string(path) {
                    let kept = Kept { rel, display, text };
                    queue.push(kept.clone());
                    found.push(kept);
                }
            }
        }
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    found
}

/// The modules a Python file imports (`from a.b import c` → `a.b`,
/// `import a.b` → `a.b`; a relative `from .b import c` → `.b`).
fn python_imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let module = if let Some(rest) = line.strip_prefix("from ") {
            rest.split_whitespace().next()
        } else if let Some(rest) = line.strip_prefix("import ") {
            rest.split([',', ' ']).next()
        } else {
            None
        };
        if let Some(m) = module {
            if !m.is_empty()
                && m.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                out.push(m.to_string());
            }
        }
    }
    out
}

/// Where module `module` imported from a file in `dir` may be, below the
/// root: beside the file (`dir/a/b.py`), or from the root (`a/b.py`), as a
/// module or a package.
fn module_files(dir: &str, module: &str) -> Vec<String> {
    let dots = module.chars().take_while(|&c| c == '.').count();
    let name = module[dots..].replace('.', "/");
    let mut bases: Vec<String> = Vec::new();
    if dots > 0 {
        // `.b` is beside the file, `..b` one level up.
        let mut d: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        for _ in 1..dots {
            d.pop();
        }
        bases.push(d.join("/"));
    } else {
        bases.push(dir.to_string());
        bases.push(String::new());
    }
    let mut out = Vec::new();
    for base in bases {
        let prefix = if base.is_empty() {
            String::new()
        } else {
            format!("{base}/")
        };
        if name.is_empty() {
            out.push(format!("{prefix}__init__.py"));
        } else {
            out.push(format!("{prefix}{name}.py"));
            out.push(format!("{prefix}{name}/__init__.py"));
        }
    }
    out
}

/// The bundled client-library table, parsed once per process. [`warm`]
/// starts the parse while the walk runs: the library step comes after the
/// walk, alone on its thread.
fn bundled_table() -> &'static Result<LibraryTable, crate::libraries::LibraryError> {
    static TABLE: std::sync::OnceLock<Result<LibraryTable, crate::libraries::LibraryError>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(LibraryTable::bundled)
}

/// Parses the bundled table on the thread pool, ahead of [`resolve`].
pub fn warm() {
    rayon::spawn(|| {
        let _ = bundled_table();
    });
}

/// What the library step found.
#[derive(Debug, Default)]
pub struct LibraryOutcome {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
}

/// Findings of kind `library` for the kept manifests and sources, and the
/// vendored-copy note on `direct` findings (path text written in the tree).
pub fn resolve(
    manifests: &[Kept],
    sources: &[Kept],
    rules: &RuleSet,
    direct: &mut [Finding],
    rel_of: &HashMap<String, String>,
) -> LibraryOutcome {
    let mut out = LibraryOutcome::default();
    if manifests.is_empty() && sources.is_empty() && direct.is_empty() {
        return out;
    }
    let table = match bundled_table() {
        Ok(t) => t,
        Err(e) => {
            out.notices.push(Notice {
                path: "rules/libraries".to_string(),
                message: format!("the client-library table did not load: {e}"),
            });
            return out;
        }
    };
    for f in direct.iter_mut() {
        if let Some(v) = rel_of
            .get(&f.path)
            .and_then(|rel| libraries::library_of_path(table, rel))
        {
            let ecosystem = table
                .libraries()
                .iter()
                .find(|l| l.name == v.library)
                .map_or("pypi", |l| l.ecosystem.as_str());
            f.library = Some(LibraryUse {
                name: v.library.clone(),
                ecosystem: ecosystem.to_string(),
                requirement: None,
                pinned: None,
                method: None,
                endpoints: Vec::new(),
                upgrade: None,
                vendored: Some(v.root.clone()),
            });
        }
    }
    let pairs: Vec<(&str, &str)> = manifests
        .iter()
        .map(|k| (k.rel.as_str(), k.text.as_str()))
        .collect();
    let deps = libraries::resolve(&pairs);
    let texts: Vec<SourceText> = sources
        .iter()
        .map(|k| SourceText {
            path: &k.rel,
            text: &k.text,
        })
        .collect();
    let mut sites = libraries::find_calls(&texts, table, &deps);
    libraries::retain_legacy(&mut sites, rules);
    let by_rel: HashMap<&str, &Kept> = sources
        .iter()
        .chain(manifests)
        .map(|k| (k.rel.as_str(), k))
        .collect();
    // A path passed to a library's request wrapper is written in the tree:
    // where it is written, the scan already reports it.
    let written: HashSet<(&str, &str)> = direct
        .iter()
        .map(|f| (f.path.as_str(), f.rule.as_str()))
        .collect();
    for site in &sites {
        let Some(kept) = by_rel.get(site.path.as_str()) else {
            continue;
        };
        let lib = table.libraries().iter().find(|l| l.name == site.library);
        for endpoint in &site.endpoints {
            let Some(rule) = libraries::legacy_rule(rules, endpoint) else {
                continue;
            };
            if matches!(site.resolution, Resolution::Path(_))
                && written.contains(&(kept.display.as_str(), rule.id.as_str()))
            {
                continue;
            }
            out.findings.push(call_finding(
                kept, site, endpoint, rule, lib, &deps, &by_rel,
            ));
        }
    }
    for dep in &deps {
        if let Some(f) = dependency_finding(dep, table, rules, &by_rel) {
            out.findings.push(f);
        }
    }
    out
}

/// The way out of `endpoint` in words, for `manual_fix`.
fn way_out(
    library: &str,
    endpoint: &str,
    rule: &Rule,
    upgrade: &Option<libraries::Upgrade>,
) -> String {
    match upgrade {
        Some(libraries::Upgrade::To(v)) => {
            format!("upgrade {library} to {v} or later, the first release that no longer calls {endpoint}")
        }
        _ => format!(
            "no release of {library} has moved off {endpoint}: call {} directly or patch the library",
            rule.replacement.as_deref().unwrap_or("its replacement")
        ),
    }
}

fn upgrade_version(upgrade: &Option<libraries::Upgrade>) -> Option<String> {
    match upgrade {
        Some(libraries::Upgrade::To(v)) => Some(v.clone()),
        _ => None,
    }
}

fn call_finding(
    kept: &Kept,
    site: &CallSite,
    endpoint: &str,
    rule: &Rule,
    lib: Option<&libraries::Library>,
    deps: &[ResolvedDependency],
    by_rel: &HashMap<&str, &Kept>,
) -> Finding {
    let upgrade = lib.and_then(|l| l.upgrade_for_method(&site.method, endpoint));
    let ecosystem = lib.map_or("pypi", |l| l.ecosystem.as_str());
    let index = LineIndex::new(&kept.text);
    let (start, _) = index.line_range(site.line.saturating_sub(1) as usize);
    let at = (start + site.column.saturating_sub(1) as usize).min(kept.text.len());
    let location = locate(&kept.text, &index, (at, at + site.method.len()));
    let method = match &site.class {
        Some(c) => format!("{c}.{}", site.method),
        None => site.method.clone(),
    };
    let dependency = deps
        .iter()
        .filter(|d| d.name == site.library)
        .filter_map(|d| d.location())
        .next();
    let origins = dependency
        .map(|loc| Origin {
            notebook: None,
            role: OriginRole::Dependency,
            name: format!(
                "{}{}",
                site.library,
                site.pinned
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            ),
            path: Some(
                by_rel
                    .get(loc.path.as_str())
                    .map_or_else(|| loc.path.clone(), |k| k.display.clone()),
            ),
            line: loc.line as usize,
            offset: 0,
        })
        .into_iter()
        .collect();
    let matched = format!("{}() → {endpoint}", site.method);
    make_finding(
        &kept.display,
        location,
        rule,
        &matched,
        None,
        FindingFacts {
            kind: FindingKind::Library,
            confidence: if site.pinned.is_some() {
                Confidence::Certain
            } else {
                Confidence::Inferred
            },
            origins,
            fix: FixPlan::manual(way_out(&site.library, endpoint, rule, &upgrade)),
            library: Some(LibraryUse {
                name: site.library.clone(),
                ecosystem: ecosystem.to_string(),
                requirement: site.requirement.clone(),
                pinned: site.pinned.clone(),
                method: Some(method),
                endpoints: vec![endpoint.to_string()],
                upgrade: upgrade_version(&upgrade),
                vendored: None,
            }),
        },
    )
}

/// One finding per dependency on a known library whose version in force
/// reaches legacy endpoints, under the rule that ends first (EOL, then
/// EOS: the same whatever the day).
fn dependency_finding(
    dep: &ResolvedDependency,
    table: &LibraryTable,
    rules: &RuleSet,
    by_rel: &HashMap<&str, &Kept>,
) -> Option<Finding> {
    let lib = table.get(dep.ecosystem, &dep.name)?;
    let sel = lib.select(Some(&dep.requirement));
    let mut legacy: Vec<(&str, &Rule)> = lib
        .endpoints(&sel)
        .into_iter()
        .filter_map(|e| libraries::legacy_rule(rules, e).map(|r| (e, r)))
        .collect();
    if legacy.is_empty() {
        return None;
    }
    let first_end = |r: &Rule| {
        (
            r.eol().map(|d| d.effective()),
            r.eos().map(|d| d.effective()),
        )
    };
    legacy.sort_by(|a, b| {
        let (ea, eb) = (first_end(a.1), first_end(b.1));
        // Dated before undated; earlier first; then by endpoint.
        (ea.0.is_none(), ea.0, ea.1.is_none(), ea.1, a.0).cmp(&(
            eb.0.is_none(),
            eb.0,
            eb.1.is_none(),
            eb.1,
            b.0,
        ))
    });
    let (endpoint, rule) = legacy[0];
    let loc = dep.location()?;
    let kept = by_rel.get(loc.path.as_str())?;
    let index = LineIndex::new(&kept.text);
    let (start, end) = index.line_range(loc.line.saturating_sub(1) as usize);
    let location = locate(&kept.text, &index, (start, end.max(start + 1)));
    let upgrade = lib.upgrade_for(endpoint);
    let endpoints: Vec<String> = legacy.iter().map(|(e, _)| e.to_string()).collect();
    let version = dep
        .pinned
        .clone()
        .unwrap_or_else(|| loc.requirement.clone());
    let matched = format!("{} {version}", dep.name).trim().to_string();
    Some(make_finding(
        &kept.display,
        location,
        rule,
        &matched,
        None,
        FindingFacts {
            kind: FindingKind::Library,
            confidence: if dep.pinned.is_some() {
                Confidence::Certain
            } else {
                Confidence::Inferred
            },
            origins: Vec::new(),
            fix: FixPlan::manual(way_out(&dep.name, endpoint, rule, &upgrade)),
            library: Some(LibraryUse {
                name: dep.name.clone(),
                ecosystem: dep.ecosystem.as_str().to_string(),
                requirement: Some(loc.requirement.clone()).filter(|r| !r.is_empty()),
                pinned: dep.pinned.clone(),
                method: None,
                endpoints,
                upgrade: upgrade_version(&upgrade),
                vendored: None,
            }),
        },
    ))
}
