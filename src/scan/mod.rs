//! Walking, reading and scanning files: the only module that touches the
//! filesystem.
//!
//! Phase 1 runs in parallel over the walk: each file is size-checked, read,
//! tested for binary content, passed through the byte prefilter, decoded,
//! extracted and matched; its findings and its cross-file material (bases
//! such as `BASE = "https://…/api/2.0/fo/"` and relative endpoint pieces
//! such as `'scan/'`) come back to one collector. Phase 2 joins relative
//! pieces to bases across files ([`crossfile`]). The report is then sorted,
//! so output is the same at any thread count.

pub mod crossfile;
pub mod fixes;
pub mod flow;
pub mod libs;
pub mod own;
mod postman;
pub mod role;
pub mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::extract::{self, Expr, Language};
use crate::matcher::{Hit, Matcher, Outcome};
use crate::model::{
    Confidence, Finding, FindingKind, Notice, Origin, OriginRole, Scan, Severity, SkipReason,
    Summary, Unresolved,
};
use crate::redact;
use crate::rules::{Rule, RuleSet, Status};
use crate::source::{self, ceil_boundary, display_path, floor_boundary, Decoded, LineIndex};
use crate::suppress::{self, Inline};
use fixes::FixPlan;
pub use walk::WalkOptions;

/// Default `--max-filesize`: larger files are skipped as too large.
pub const DEFAULT_MAX_FILESIZE: u64 = 64 * 1024 * 1024;

/// Everything a scan needs to know.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub roots: Vec<PathBuf>,
    pub walk: WalkOptions,
    pub max_filesize: u64,
    /// Scan files that look binary too.
    pub binary: bool,
    pub repo_name: Option<String>,
}

/// Where a finding sits, with its redacted code frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub snippet: String,
    pub snippet_span: (usize, usize),
}

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    scanned: bool,
    parsed: bool,
    skipped: Option<SkipReason>,
    notice: Option<Notice>,
    findings: Vec<Finding>,
    unresolved: Vec<Unresolved>,
    unknown: Vec<Unresolved>,
    cross: crossfile::FileMaterial,
    flow: Option<flow::FileFlow>,
    /// `sunset: ignore` comments: (display path, their lines).
    suppression_comments: Option<(String, Vec<(usize, Inline)>)>,
    /// The file below its root, when it has findings (for vendored copies).
    rel: Option<(String, String)>,
    /// A manifest, or a Python file naming Qualys, kept for the library step.
    kept_manifest: Option<libs::Kept>,
    kept_source: Option<libs::Kept>,
    /// A code file the prefilter turned away (for [`second_look`]).
    unfiltered: Option<PathBuf>,
    /// A code file whose flow was deferred (see [`Material::Deferred`]).
    deferred: Option<PathBuf>,
}

/// Scans the roots with the rules. The result is time-free: every use of a
/// known endpoint, active ones included, sorted and fingerprinted.
pub fn scan(opts: &ScanOptions, rules: &RuleSet) -> Scan {
    let matcher = Matcher::new(rules);
    libs::warm();
    // Boxed and shrunk: a few thousand results wait for the walk to end,
    // and a `Vec` of one 900-byte finding reserves four.
    let results: Mutex<Vec<Box<FileResult>>> = Mutex::new(Vec::new());
    // Every file is counted, from every worker: atomics, so that the two
    // workers never wait for each other on a lock (30,000 files would mean
    // 30,000 lock round trips, and futex sleeps whenever they collide).
    let scanned = AtomicUsize::new(0);
    let parsed = AtomicUsize::new(0);
    let skipped: Mutex<BTreeMap<SkipReason, usize>> = Mutex::new(BTreeMap::new());
    let candidates: Mutex<Vec<(PathBuf, Recall)>> = Mutex::new(Vec::new());
    let excluded = walk::walk(&opts.roots, &opts.walk, |entry| {
        let result = match entry {
            walk::Entry::File { path, .. } => scan_file(&path, opts, &matcher),
            walk::Entry::Loop { path } => FileResult {
                skipped: Some(SkipReason::SymlinkLoop),
                notice: Some(Notice {
                    path: display_path(&path),
                    message: "symbolic link loop".into(),
                }),
                ..FileResult::default()
            },
            walk::Entry::Error { path, message } => FileResult {
                skipped: Some(SkipReason::Unreadable),
                notice: Some(Notice {
                    path: path.as_deref().map(display_path).unwrap_or_default(),
                    message,
                }),
                ..FileResult::default()
            },
        };
        let mut result = result;
        // Most code files are only candidates for a second look: their
        // paths go to a list of their own, not a whole result each.
        let recall = result
            .unfiltered
            .take()
            .map(|p| (p, Recall::Unfiltered))
            .or_else(|| result.deferred.take().map(|p| (p, Recall::Deferred)));
        if let Some(r) = recall {
            if let Ok(mut c) = candidates.lock() {
                c.push(r);
            }
        }
        let interesting = !result.findings.is_empty()
            || !result.unresolved.is_empty()
            || !result.unknown.is_empty()
            || result.notice.is_some()
            || !result.cross.is_empty()
            || result.flow.is_some()
            || result.suppression_comments.is_some()
            || result.kept_manifest.is_some()
            || result.kept_source.is_some();
        scanned.fetch_add(usize::from(result.scanned), Ordering::Relaxed);
        parsed.fetch_add(usize::from(result.parsed), Ordering::Relaxed);
        if let Some(reason) = result.skipped {
            if let Ok(mut s) = skipped.lock() {
                *s.entry(reason).or_default() += 1;
            }
        }
        if interesting {
            result.findings.shrink_to_fit();
            result.unresolved.shrink_to_fit();
            result.unknown.shrink_to_fit();
            if let Ok(mut r) = results.lock() {
                r.push(Box::new(result));
            }
        }
    });
    let mut summary = Summary {
        files_scanned: scanned.into_inner(),
        files_parsed: parsed.into_inner(),
        files_skipped: skipped.into_inner().unwrap_or_default(),
        ..Summary::default()
    };
    if excluded.hidden > 0 {
        summary
            .files_skipped
            .insert(SkipReason::Hidden, excluded.hidden);
    }
    if excluded.ignored > 0 {
        summary
            .files_skipped
            .insert(SkipReason::Ignored, excluded.ignored);
    }

    let results = results.into_inner().unwrap_or_default();
    let mut findings = Vec::new();
    let mut materials = Vec::new();
    let mut flows: Vec<flow::FileFlow> = Vec::new();
    let mut suppression_comments = BTreeMap::new();
    let (mut manifests, mut sources) = (Vec::new(), Vec::new());
    let mut rel_of: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for r in results {
        let r = *r;
        manifests.extend(r.kept_manifest);
        sources.extend(r.kept_source);
        rel_of.extend(r.rel);
        suppression_comments.extend(r.suppression_comments);
        findings.extend(r.findings);
        summary.unresolved.extend(r.unresolved);
        summary.unknown.extend(r.unknown);
        summary.notices.extend(r.notice);
        if !r.cross.is_empty() {
            materials.push(r.cross);
        }
        flows.extend(r.flow);
    }
    let (cross_findings, cross_unresolved) = crossfile::resolve(materials, &matcher, &findings);
    findings.extend(cross_findings);
    summary.unresolved.extend(cross_unresolved);
    let mut candidates = candidates.into_inner().unwrap_or_default();
    // A fixed order, whatever order the workers finished in. Compared as
    // bytes: `Path`'s component-wise order cost more than the rest of the
    // step on tens of thousands of paths, and any fixed order will do.
    candidates.sort_unstable_by(|a, b| {
        (a.0.as_os_str().as_encoded_bytes(), a.1).cmp(&(b.0.as_os_str().as_encoded_bytes(), b.1))
    });
    second_look(&candidates, &mut flows, opts, &matcher);
    drop(candidates);
    // The flow step sees the files in path order, whatever order the
    // workers finished in.
    flows.sort_by(|a, b| a.path.cmp(&b.path));
    let flowed = flow::resolve(&flows, &matcher, &findings);
    findings.extend(flowed.findings);
    summary
        .unresolved
        .retain(|u| !flowed.resolved.contains(&(u.path.clone(), u.line)));
    // The library step below holds every Python file's model at once: the
    // flow material (a fifth of the peak on a large tree) is freed first,
    // and so is the slack of the findings list.
    drop(flows);
    findings.shrink_to_fit();
    // In a fixed order, whatever order the workers finished in.
    manifests.sort_by(|a: &libs::Kept, b| a.rel.cmp(&b.rel));
    sources.sort_by(|a: &libs::Kept, b| a.rel.cmp(&b.rel));
    let imported = libs::imported_modules(&sources);
    sources.extend(imported);
    sources.sort_by(|a: &libs::Kept, b| a.rel.cmp(&b.rel));
    let library = libs::resolve(&manifests, &sources, rules, &mut findings, &rel_of);
    findings.extend(library.findings);
    summary.notices.extend(library.notices);

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    let root_names: Vec<String> = opts.roots.iter().map(|r| display_path(r)).collect();
    crate::model::assign_fingerprints(&mut findings, &root_names);
    summary.unresolved.sort();
    summary.unresolved.dedup();
    summary.unknown.sort();
    summary.unknown.dedup();
    suppress::check_comments(&mut suppression_comments, &findings, |id| {
        rules.get(id).is_some()
    });
    summary.notices.sort();
    Scan {
        repo_name: opts.repo_name.clone(),
        findings,
        summary,
        suppression_comments,
    }
}

/// What one file's text yields.
#[derive(Debug, Default)]
pub struct TextScan {
    pub findings: Vec<Finding>,
    /// Qualys-looking URLs that could not be built.
    pub unresolved: Vec<Unresolved>,
    /// Whole versioned Qualys paths that no rule names.
    pub unknown: Vec<Unresolved>,
    /// Bases and relative pieces for the cross-file step.
    pub cross: crossfile::FileMaterial,
    /// Templates and value flow for the flow step.
    pub flow: Option<flow::FileFlow>,
    /// Whether the file can supply values to templates elsewhere; the flow
    /// step then reads it again (see [`second_look`]).
    pub deferred: bool,
    /// Findings and unresolved strings beyond [`MAX_PER_FILE`] each, not
    /// kept.
    pub capped: usize,
}

/// The most findings, and the most unresolved (and unknown) strings, one
/// file contributes: a pathological file (a minified bundle with a
/// hundred thousand URLs) keeps memory bounded; the rest is counted and a
/// notice in the summary says so.
pub const MAX_PER_FILE: usize = 10_000;

/// Scans one file's text that is already in memory (used by tests and by
/// the per-file worker).
pub fn scan_text(
    display: &str,
    lang: Language,
    role: role::Role,
    text: &str,
    matcher: &Matcher,
) -> TextScan {
    // A large file is extracted around the prefilter's hits only, a piece
    // at a time: memory follows the pieces, not the file.
    // A notebook's code cells are one Python program (see
    // [`extract::notebook`]); nothing changes for any other file.
    let (extracted, notebook) = if lang == Language::Json && extract::notebook::is_notebook(display)
    {
        let (x, nb) = extract::notebook::extract_for_scan(text);
        (x, Some(nb))
    } else if text.len() > extract::window::LARGE {
        let hits = matcher.prefilter_hits(text.as_bytes());
        let x = extract::window::extract_around(lang.refine(text), text, &hits, &|e| {
            matcher.may_matter(e)
        });
        (x, None)
    } else {
        (extract::extract_for_scan(lang, text), None)
    };
    let index = LineIndex::new(text);
    // Requests are read around the first calls of a file only: a minified
    // file with thousands of URLs stays linear (the rest: request unknown).
    let mut requests_left = REQUESTS_PER_FILE;
    let notebook_code = notebook.as_ref().map(|nb| {
        let (python, shell, program) = nb.programs();
        NotebookCode {
            nb,
            python: LineIndex::new(python),
            shell: LineIndex::new(shell),
            program: LineIndex::new(program),
        }
    });
    let mut findings = Vec::new();
    let mut unresolved = Vec::new();
    let mut unknown = Vec::new();
    let mut capped = 0usize;
    for expr in &extracted.exprs {
        for outcome in matcher.match_expr(expr) {
            match outcome {
                Outcome::Hit(_) if findings.len() >= MAX_PER_FILE => capped += 1,
                Outcome::Unresolved { unknown: u, .. }
                    if expr.kind() == FindingKind::Call
                        && (if u { &unknown } else { &unresolved }).len() >= MAX_PER_FILE =>
                {
                    capped += 1
                }
                Outcome::Hit(hit) => {
                    findings.push(finding_from_hit(
                        display,
                        lang,
                        role,
                        text,
                        &index,
                        expr,
                        &hit,
                        &mut requests_left,
                        notebook_code.as_ref(),
                    ));
                }
                Outcome::Unresolved {
                    span,
                    text: shown,
                    reason,
                    unknown: is_unknown,
                } => {
                    if expr.kind() == FindingKind::Call {
                        let (line, column) = index.line_col(span.0);
                        let record = Unresolved {
                            path: display.to_string(),
                            line,
                            column,
                            text: redact::redact_str(&shown),
                            reason,
                        };
                        if is_unknown {
                            unknown.push(record);
                        } else {
                            unresolved.push(record);
                        }
                    }
                }
            }
        }
    }
    for finding in operation_findings(
        display,
        lang,
        role,
        text,
        &index,
        matcher,
        &mut requests_left,
    ) {
        if findings.len() >= MAX_PER_FILE {
            capped += 1;
        } else {
            findings.push(finding);
        }
    }
    if let Some(code) = &notebook_code {
        place_in_cells(code, text, &index, &mut findings);
    }
    let mut cross =
        crossfile::FileMaterial::collect(display, text, &index, &extracted, matcher, dialect(lang));
    cross.role = role;
    if let Some(nb) = &notebook {
        cross.ordered = true;
        for b in &mut cross.bases {
            b.notebook = nb.position(text, b.offset);
        }
        for u in &mut cross.uses {
            u.notebook = index
                .offset(u.location.line, u.location.column)
                .and_then(|at| nb.position(text, at));
        }
    }
    let material = flow_material(
        display,
        lang,
        role,
        text,
        &index,
        &extracted,
        &cross,
        matcher,
        Want::Demand,
    );
    let deferred = matches!(material, Material::Deferred);
    let flow = match material {
        Material::Flow(f) => Some(*f),
        _ => None,
    };
    TextScan {
        findings,
        unresolved,
        unknown,
        cross,
        flow,
        deferred,
        capped,
    }
}

/// Gives a notebook's findings (and the definitions they were built from)
/// their cell positions and a code frame cut from the cell's decoded code,
/// and keeps a fix only where its edit stays inside
/// the JSON string unchanged in meaning: the edited bytes are verbatim
/// source (no escapes, which [`extract::notebook`] guarantees by giving
/// escaped text no `src`) and the new text needs no escaping.
fn place_in_cells(code: &NotebookCode, text: &str, index: &LineIndex, findings: &mut [Finding]) {
    let nb = code.nb;
    for f in findings {
        if let Some(at) = index.offset(f.line, f.column) {
            f.notebook = nb.position(text, at);
            // The code frame shows the cell's decoded line, not its JSON
            // string (a mention in a Markdown cell keeps the JSON line).
            let end = index.offset(f.end_line, f.end_column).unwrap_or(at);
            if let Some((_, _, span)) = nb.code_at((at, end)) {
                let (_, _, program) = nb.programs();
                let frame = locate(program, &code.program, span);
                f.snippet = frame.snippet;
                f.snippet_span = frame.snippet_span;
            }
        }
        for o in f.origins.iter_mut().filter(|o| o.path.is_none()) {
            o.notebook = nb.position(text, o.offset);
        }
        let needs_escape = f.fix.as_ref().is_some_and(|fix| {
            fix.edits.iter().any(|e| {
                e.to.chars()
                    .chain(e.from.chars())
                    .any(|c| c == '"' || c == '\\' || c.is_control())
            })
        });
        if needs_escape {
            f.fix = None;
            f.manual_fix = Some(
                "the rewrite would need JSON escapes inside the notebook: edit the cell by hand"
                    .into(),
            );
        }
    }
}

/// Most files the prefilter turned away that [`second_look`] reads, and
/// the largest file it reads.
const MAX_SECOND_LOOK: usize = 2000;
const MAX_SECOND_LOOK_BYTES: u64 = 1024 * 1024;

/// Why [`second_look`] may read a file again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Recall {
    /// The prefilter turned it away.
    Unfiltered,
    /// It was scanned, and can only supply values ([`Material::Deferred`]).
    Deferred,
}

/// Code files whose flow the flow step still needs, read again.
///
/// Files the prefilter turned away: a helper that joins an imported base
/// to its parameter holds no path (`BASE + path`), nor do its callers
/// (`fo_post("/report/")`), nor a Go file of the package that only picks
/// the version. Those under the directory of a base or a template that
/// name a base or a template's function are read, and every file of a Go
/// template's package directory, at most [`MAX_SECOND_LOOK`].
///
/// Deferred files, wherever they are, that name a base, a template's
/// function or a name a template's hole reads.
///
/// In up to three rounds (a file read in one may hold a new template). A
/// round reads a file only for what is new since the last one (a new
/// directory, or new names), in parallel, and keeps the matches in path
/// order, so the result does not depend on the threads.
fn second_look(
    candidates: &[(PathBuf, Recall)],
    flows: &mut Vec<flow::FileFlow>,
    opts: &ScanOptions,
    matcher: &Matcher,
) {
    use rayon::prelude::*;
    if candidates.is_empty() || flows.is_empty() {
        return;
    }
    // Each candidate's directory, as the flow step names directories,
    // worked out once for all rounds; what was read, by index.
    let candidate_dirs: Vec<String> = candidates
        .par_iter()
        .map(|(path, _)| {
            let display = display_path(path);
            display
                .rsplit_once('/')
                .map_or(String::new(), |(d, _)| d.to_string())
        })
        .collect();
    let mut done = vec![false; candidates.len()];
    let mut old_names: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut old_holes: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut old_dirs: Vec<(String, bool)> = Vec::new();
    let mut unfiltered_read = 0usize;
    for round in 0..3 {
        let mut names: Vec<String> = Vec::new();
        let mut holes: Vec<String> = Vec::new();
        let mut dirs: Vec<(String, bool)> = Vec::new();
        for f in flows.iter() {
            for (name, _, _) in &f.bases {
                names.push(name.clone());
            }
            for t in &f.templates {
                if let Some(func) = f.flow.function_at(t.offset) {
                    names.push(func.name.to_string());
                }
                for piece in &t.pieces {
                    if let flow::Piece::Hole(Some(name)) = piece {
                        holes.push(name.clone());
                    }
                }
            }
            if !f.bases.is_empty() || !f.templates.is_empty() {
                dirs.push((f.dir.clone(), f.package_dir && !f.templates.is_empty()));
            }
        }
        for list in [&mut names, &mut holes] {
            list.sort();
            list.dedup();
            list.retain(|n| n.len() >= 3);
        }
        holes.retain(|h| names.binary_search(h).is_err());
        dirs.sort();
        dirs.dedup();
        if dirs.is_empty() {
            return;
        }
        let finders =
            |names: &mut dyn Iterator<Item = &String>| -> Vec<memchr::memmem::Finder<'static>> {
                names
                    .map(|n| memchr::memmem::Finder::new(n.as_bytes()).into_owned())
                    .collect()
            };
        let all = finders(&mut names.iter());
        let new = finders(&mut names.iter().filter(|n| !old_names.contains(*n)));
        let all_holes = finders(&mut holes.iter());
        let new_holes = finders(&mut holes.iter().filter(|n| !old_holes.contains(*n)));
        let budget = MAX_SECOND_LOOK.saturating_sub(unfiltered_read);
        // What each file must be checked for this round: all names where
        // it is new to the search, the new names where it was read before.
        let matched: Vec<(usize, &PathBuf, Recall, Vec<u8>)> = candidates
            .par_iter()
            .zip(&candidate_dirs)
            .enumerate()
            .filter(|(i, ((_, recall), _))| {
                !done[*i] && (*recall == Recall::Deferred || budget > 0)
            })
            .filter_map(|(i, ((path, recall), file_dir))| {
                let file_dir = file_dir.as_str();
                let same_package = package_of(&dirs, file_dir);
                let was_package = package_of(&old_dirs, file_dir);
                let wanted: Vec<&Vec<memchr::memmem::Finder>> = match recall {
                    _ if same_package && !was_package => Vec::new(),
                    Recall::Deferred if round == 0 => vec![&all, &all_holes],
                    Recall::Deferred => vec![&new, &new_holes],
                    Recall::Unfiltered => {
                        let was_under = under_any(&old_dirs, file_dir);
                        if !under_any(&dirs, file_dir) {
                            return None;
                        } else if !was_under {
                            vec![&all]
                        } else {
                            vec![&new]
                        }
                    }
                };
                if !wanted.is_empty() && wanted.iter().all(|f| f.is_empty()) {
                    return None;
                }
                let ok = std::fs::symlink_metadata(path)
                    .is_ok_and(|m| m.is_file() && m.len() <= MAX_SECOND_LOOK_BYTES);
                if !ok {
                    return None;
                }
                let bytes = std::fs::read(path).ok()?;
                let named = wanted.is_empty()
                    || wanted
                        .iter()
                        .any(|fs| fs.iter().any(|f| f.find(&bytes).is_some()));
                named.then_some((i, path, *recall, bytes))
            })
            .collect();
        old_names.extend(names);
        old_holes.extend(holes);
        old_dirs = dirs;
        // The budget counts unfiltered files in path order.
        let mut kept = Vec::new();
        for m in matched {
            if m.2 == Recall::Unfiltered {
                if unfiltered_read >= MAX_SECOND_LOOK {
                    continue;
                }
                unfiltered_read += 1;
            }
            kept.push(m);
        }
        let added: Vec<flow::FileFlow> = kept
            .par_iter()
            .filter_map(|(_, path, _, bytes)| {
                let display = display_path(path);
                let decoded = Decoded::new(bytes);
                let text = decoded.text.as_ref();
                let lang = Language::of_path(path);
                let role = role::Role::of(path, &opts.roots);
                let extracted = extract::extract_for_scan(lang, text);
                let index = LineIndex::new(text);
                let cross = crossfile::FileMaterial::collect(
                    &display,
                    text,
                    &index,
                    &extracted,
                    matcher,
                    dialect(lang),
                );
                match flow_material(
                    &display,
                    lang,
                    role,
                    text,
                    &index,
                    &extracted,
                    &cross,
                    matcher,
                    Want::All,
                ) {
                    Material::Flow(f) => Some(*f),
                    _ => None,
                }
            })
            .collect();
        for (i, ..) in &kept {
            done[*i] = true;
        }
        if added.is_empty() {
            return;
        }
        flows.extend(added);
    }
}

/// The entries of the sorted directory list `dirs` naming `dir` exactly.
fn listed<'d>(dirs: &'d [(String, bool)], dir: &str) -> &'d [(String, bool)] {
    let at = dirs.partition_point(|(d, _)| d.as_str() < dir);
    let n = dirs[at..].iter().take_while(|(d, _)| d == dir).count();
    &dirs[at..at + n]
}

/// Whether `file_dir` is one of the sorted `dirs` or below one: one of
/// its ancestors (itself, each parent, the root `""`) is listed.
fn under_any(dirs: &[(String, bool)], file_dir: &str) -> bool {
    let mut dir = file_dir;
    loop {
        if !listed(dirs, dir).is_empty() {
            return true;
        }
        match dir.rsplit_once('/') {
            Some((parent, _)) => dir = parent,
            None if dir.is_empty() => return false,
            None => dir = "",
        }
    }
}

/// Whether `file_dir` is listed in the sorted `dirs` as a template's
/// package directory.
fn package_of(dirs: &[(String, bool)], file_dir: &str) -> bool {
    listed(dirs, file_dir).iter().any(|(_, pkg)| *pkg)
}

/// Most literals of one file given a location for the flow step.
const MAX_FLOW_LITERALS: usize = 512;

/// A file's material for the flow step ([`flow`]), when it has any: URL
/// templates, keys a request wrapper reads, bases, or a quoted version
/// (`"2.0"`: a constant a builder may pick).
#[allow(clippy::too_many_arguments)]
fn flow_material(
    display: &str,
    lang: Language,
    role: role::Role,
    text: &str,
    index: &LineIndex,
    extracted: &extract::Extracted,
    cross: &crossfile::FileMaterial,
    matcher: &Matcher,
    want: Want,
) -> Material {
    if !lang.is_code() {
        return Material::None;
    }
    let shared = std::cell::OnceCell::new();
    let templates: Vec<flow::Template> = extracted
        .exprs
        .iter()
        .filter(|e| e.kind() == FindingKind::Call)
        .filter_map(|e| {
            let pieces = flow::template_of(e, matcher)?;
            let site = e.site()?;
            Some(flow::Template {
                pieces,
                offset: site.0,
                location: Pending::capture(text, &shared, index, site),
            })
        })
        .collect();
    let keys: Vec<flow::KeyValue> = extracted
        .bindings
        .iter()
        .filter(|b| b.value.segs.len() == 1 && !b.value.segs[0].is_hole())
        .filter_map(|b| {
            let seg = &b.value.segs[0];
            let src = seg.src?;
            // Only keys a request wrapper reads are ever looked up.
            let is_path = flow::is_path_key(&b.name)
                && seg.text.contains('/')
                && flow::fills_holes(&seg.text);
            is_path.then(|| flow::KeyValue {
                key: b.name.clone(),
                value: flow::Written {
                    text: seg.text.clone(),
                    location: Pending::capture(text, &shared, index, (src, src + seg.text.len())),
                },
            })
        })
        .collect();
    let quoted_version = text.as_bytes().windows(5).any(|w| {
        matches!(w[0], b'"' | b'\'')
            && w[1].is_ascii_digit()
            && w[2] == b'.'
            && w[3].is_ascii_digit()
            && matches!(w[4], b'"' | b'\'')
    });
    if want == Want::Demand && templates.is_empty() && keys.is_empty() && cross.bases.is_empty() {
        return if cross.is_empty() && !quoted_version {
            Material::None
        } else {
            Material::Deferred
        };
    }
    let value_flow = extract::flow::flow(lang, text);
    // A helper joining a name and its own parameter (`BASE + path`,
    // `f"{self.base}{path}"`) is a template even without a `/` in sight.
    let mut templates = templates;
    for join in &value_flow.joins {
        let Some(func) = value_flow.function_at(join.offset) else {
            continue;
        };
        let is_param = |v: &extract::flow::Value| matches!(v, extract::flow::Value::Name(n) if func.params.contains(n));
        if !matches!(join.operands.first(), Some(extract::flow::Value::Name(_)))
            || !join.operands.iter().skip(1).any(is_param)
            || templates.iter().any(|t| t.offset == join.offset)
        {
            continue;
        }
        let pieces = join
            .operands
            .iter()
            .map(|v| match v {
                extract::flow::Value::Str { text, .. } => flow::Piece::Text(text.to_string()),
                extract::flow::Value::Name(n) => flow::Piece::Hole(Some(n.to_string())),
                _ => flow::Piece::Hole(None),
            })
            .collect();
        templates.push(flow::Template {
            pieces,
            offset: join.offset,
            location: Pending::capture(
                text,
                &shared,
                index,
                (join.offset, join.end.max(join.offset + 1)),
            ),
        });
    }
    let mut literals = std::collections::HashMap::new();
    let mut add = |v: &extract::flow::Value| {
        if let extract::flow::Value::Str {
            text: s,
            start,
            end,
        } = v
        {
            if literals.len() < MAX_FLOW_LITERALS && flow::fills_holes(s) {
                literals.entry(*start).or_insert_with(|| flow::Written {
                    text: s.to_string(),
                    location: Pending::capture(
                        text,
                        &shared,
                        index,
                        (*start, (*end).max(*start + 1)),
                    ),
                });
            }
        }
    };
    for c in &value_flow.calls {
        c.args.iter().for_each(|a| add(&a.value));
    }
    for a in &value_flow.assigns {
        a.values.iter().for_each(&mut add);
    }
    for m in &value_flow.maps {
        m.values.iter().for_each(&mut add);
    }
    for f in &value_flow.functions {
        f.returns.iter().for_each(&mut add);
    }
    let mut line_starts = vec![0];
    line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    let dir = display.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    Some(flow::FileFlow {
        path: display.to_string(),
        dir,
        role,
        package_dir: lang == Language::Go,
        flow: value_flow.shrunk(),
        templates,
        literals,
        keys,
        bases: cross
            .bases
            .iter()
            .map(|b| (b.name.clone(), b.text.clone(), b.line))
            .collect(),
        line_starts,
    })
    .filter(|f| !f.is_empty())
    .map_or(Material::None, |f| Material::Flow(Box::new(f)))
}

/// What [`flow_material`] is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// During the walk: the flow of a file that asks for values (a
    /// template, a key a wrapper reads, a base); a file that can only
    /// supply them (calls, constants, a quoted version) is deferred.
    Demand,
    /// Everything the file has.
    All,
}

/// A file's share of the flow step.
enum Material {
    None,
    /// It can only supply values: the flow step reads it again if it names
    /// what some template asks for (see [`second_look`]). Most such files
    /// supply nothing, and keeping their flow for the whole run cost more
    /// memory than the rest of the scan.
    Deferred,
    Flow(Box<flow::FileFlow>),
}

fn scan_file(path: &Path, opts: &ScanOptions, matcher: &Matcher) -> FileResult {
    // The display path is built only for the few files that need one: most
    // are rejected by the prefilter.
    let unreadable = |e: std::io::Error| FileResult {
        skipped: Some(SkipReason::Unreadable),
        notice: Some(Notice {
            path: display_path(path),
            message: e.to_string(),
        }),
        ..FileResult::default()
    };
    // One read buffer per worker thread, reused (ripgrep does the same):
    // most files are rejected by the prefilter, so allocation would dominate.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut bytes = buffer.borrow_mut();
        bytes.clear();
        // Read at most one byte past the limit instead of a stat per file.
        let limit = opts.max_filesize.saturating_add(1);
        let read = std::fs::File::open(path).and_then(|f| {
            std::io::Read::read_to_end(&mut std::io::Read::take(f, limit), &mut bytes)
        });
        if let Err(e) = read {
            return unreadable(e);
        }
        if bytes.len() as u64 > opts.max_filesize {
            return FileResult {
                skipped: Some(SkipReason::TooLarge),
                ..FileResult::default()
            };
        }
        // One file's failure must not lose the run: a panic in an
        // extractor becomes a notice about that file.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            scan_bytes(path, &bytes, opts, matcher)
        }))
        .unwrap_or_else(|_| FileResult {
            scanned: true,
            notice: Some(Notice {
                path: display_path(path),
                message: "not scanned: internal error while reading this file (please report it)"
                    .into(),
            }),
            ..FileResult::default()
        });
        if bytes.capacity() > 4 * 1024 * 1024 {
            // Do not keep a huge buffer alive after one big file.
            *bytes = Vec::new();
        }
        result
    })
}

fn scan_bytes(path: &Path, bytes: &[u8], opts: &ScanOptions, matcher: &Matcher) -> FileResult {
    if !opts.binary && source::is_binary(bytes) {
        // Text in UTF-16 without a BOM is not silently lost among binaries:
        // it has a skip reason of its own.
        let reason = if source::looks_utf16_without_bom(bytes) {
            SkipReason::Utf16NoBom
        } else {
            SkipReason::Binary
        };
        return FileResult {
            skipped: Some(reason),
            ..FileResult::default()
        };
    }
    // A report sunset wrote holds the URLs it reported: never read again.
    if own::detect(bytes).is_some() {
        return FileResult {
            skipped: Some(SkipReason::OwnOutput),
            ..FileResult::default()
        };
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    // UTF-16 is decoded first: its bytes would never meet the prefilter.
    let decoded_utf16 = utf16.then(|| Decoded::new(bytes));
    let searched = decoded_utf16.as_ref().map_or(bytes, |d| d.text.as_bytes());
    // Manifests and Python files that name Qualys go to the library step,
    // whether or not they hold an endpoint.
    let lang = Language::of_path(path);
    let for_libraries = crate::libraries::ManifestKind::of_path(path).is_some()
        || (lang == Language::Python && libs::names_qualys(searched));
    let keep = |text: &str| {
        for_libraries.then(|| libs::Kept {
            rel: role::below_root(path, &opts.roots),
            display: display_path(path),
            text: text.to_string(),
        })
    };
    let kept = |k: Option<libs::Kept>, r: FileResult| match k {
        Some(k) if crate::libraries::ManifestKind::of_path(path).is_some() => FileResult {
            kept_manifest: Some(k),
            ..r
        },
        Some(k) => FileResult {
            kept_source: Some(k),
            ..r
        },
        None => r,
    };
    if !matcher.prefilter(searched) {
        let k = for_libraries
            .then(|| keep(&decoded_utf16.unwrap_or_else(|| Decoded::new(bytes)).text))
            .flatten();
        let code = lang.is_code();
        return kept(
            k,
            FileResult {
                scanned: true,
                unfiltered: code.then(|| path.to_path_buf()),
                ..FileResult::default()
            },
        );
    }
    // Valid UTF-8 without a BOM, the usual case, is borrowed, not copied.
    let decoded = decoded_utf16.unwrap_or_else(|| Decoded::new(bytes));
    let text = decoded.text.as_ref();
    let display = display_path(path);
    let role = role::Role::of(path, &opts.roots);
    let TextScan {
        findings,
        unresolved,
        unknown,
        cross,
        flow,
        deferred: is_deferred,
        capped,
    } = scan_text(&display, lang, role, text, matcher);
    let notice = (capped > 0).then(|| Notice {
        path: display.clone(),
        message: format!(
            "{capped} more finding(s) or unresolved string(s) not reported: at most {MAX_PER_FILE} of each per file"
        ),
    });
    let comments = suppress::comments_in(text);
    let rel =
        (!findings.is_empty()).then(|| (display.clone(), role::below_root(path, &opts.roots)));
    let k = keep(text);
    kept(
        k,
        FileResult {
            scanned: true,
            parsed: true,
            rel,
            findings,
            unresolved,
            unknown,
            cross,
            flow,
            deferred: is_deferred.then(|| path.to_path_buf()),
            suppression_comments: (!comments.is_empty()).then_some((display, comments)),
            notice,
            ..FileResult::default()
        },
    )
}

/// A notebook's decoded code, where its requests are read (see
/// [`extract::notebook::Notebook::code_at`]).
struct NotebookCode<'a> {
    nb: &'a extract::notebook::Notebook,
    python: LineIndex<'a>,
    shell: LineIndex<'a>,
    program: LineIndex<'a>,
}

/// Reads the request around a match at `span`. In a notebook it is read in
/// the cell's decoded code, where the file has JSON escapes, and its
/// parameters are placed back in the file.
fn read_request(
    text: &str,
    index: &LineIndex,
    lang: Language,
    span: (usize, usize),
    matched: &str,
    notebook: Option<&NotebookCode>,
) -> crate::model::request::Request {
    if let Some(code) = notebook {
        if let Some((program, program_lang, at)) = code.nb.code_at(span) {
            let program_index = if program_lang == Language::Shell {
                &code.shell
            } else {
                &code.python
            };
            let mut request =
                crate::request::read(program, program_index, at, matched, dialect(program_lang));
            for p in &mut request.params {
                p.offset = code.nb.start(p.offset);
                (p.line, p.column) = index.line_col(p.offset);
            }
            return request;
        }
    }
    crate::request::read(text, index, span, matched, dialect(lang))
}

#[allow(clippy::too_many_arguments)]
fn finding_from_hit(
    display: &str,
    lang: Language,
    role: role::Role,
    text: &str,
    index: &LineIndex,
    expr: &Expr,
    hit: &Hit,
    requests_left: &mut usize,
    notebook: Option<&NotebookCode>,
) -> Finding {
    let location = locate(text, index, hit.span);
    let origins = hit
        .via
        .iter()
        .map(|(name, def)| Origin {
            notebook: None,
            role: OriginRole::Definition,
            name: name.clone(),
            path: None,
            line: index.line_col(*def).0,
            offset: *def,
        })
        .collect();
    let kind = match classify_kind(expr, &hit.matched) {
        FindingKind::Call if role == role::Role::Test => FindingKind::Test,
        kind => kind,
    };
    // Mentions are never rewritten: a fix is planned for calls only.
    let fix = if kind == FindingKind::Call {
        let joined = expr.text();
        fixes::plan(
            hit.rule,
            expr,
            &joined,
            fixes::PathSpan {
                start: hit.path.0,
                end: hit.path.1,
            },
            text,
            index,
            lang == Language::Json,
        )
    } else {
        FixPlan::default()
    };
    // The URL is rebuilt from pieces: mask what the source around them
    // shows to be a secret, even where gluing hid its shape.
    let known = redact::secrets_near(
        text,
        std::iter::once(hit.span.0).chain(hit.via.iter().map(|(_, def)| *def)),
    );
    let matched = redact::redact_known(&hit.matched, &known);
    let suggested = hit
        .suggested
        .as_deref()
        .map(|s| redact::redact_known(s, &known));
    let mut finding = make_finding(
        display,
        location,
        hit.rule,
        &matched,
        suggested.as_deref(),
        FindingFacts {
            kind,
            confidence: Confidence::Certain,
            origins,
            fix,
            library: None,
        },
    );
    if matches!(kind, FindingKind::Call | FindingKind::Test) {
        let request = (*requests_left > 0).then(|| {
            *requests_left -= 1;
            read_request(text, index, lang, hit.span, &hit.matched, notebook)
        });
        // A parameter is added to a request only where the file's bytes are
        // its code: never inside a notebook's JSON strings.
        let file = notebook.is_none().then_some((text, index));
        fixes::apply_request_in(&mut finding, hit.rule, request, file);
    }
    finding
}

/// Findings of rules keyed by an operation name (`save_merchant`), where
/// no path is published: a call of the name (`client.save_merchant(…)`),
/// the name as a string or a path segment (`"save_merchant"`,
/// `…/save_merchant`), or, in shell and PowerShell, a word of a command.
/// A definition (`def save_merchant(`) and a mention in a comment are not
/// uses. The request is read around the use as around a URL.
fn operation_findings(
    display: &str,
    lang: Language,
    role: role::Role,
    text: &str,
    index: &LineIndex,
    matcher: &Matcher,
    requests_left: &mut usize,
) -> Vec<Finding> {
    use crate::request::Dialect;
    let uses = matcher.operation_uses(text);
    if uses.is_empty() {
        return Vec::new();
    }
    let dialect = dialect(lang);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut last_object: Option<(usize, usize)> = None;
    for u in uses {
        let (at, end) = u.span;
        let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
        let line_head = text[line_start..at].trim_start();
        let comment = line_head.starts_with('#')
            || line_head.starts_with("//")
            || line_head.starts_with("/*")
            || line_head.starts_with('*');
        let before = text[line_start..at].trim_end();
        let definition = before
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .is_some_and(|w| ["def", "function", "fn", "func", "sub"].contains(&w));
        let rest = text[end..].trim_start();
        let called = rest.starts_with('(');
        let quoted_or_path = at
            .checked_sub(1)
            .map(|i| bytes[i])
            .is_some_and(|b| matches!(b, b'"' | b'\'' | b'`' | b'/'));
        let line_end = text[end..].find('\n').map_or(text.len(), |p| end + p);
        let line = text[line_start..line_end].to_ascii_lowercase();
        // Prose (Markdown, text) names an operation far more often than it
        // calls it: only a line that reads like a request counts there.
        let prose = matches!(lang, Language::Markdown | Language::Text)
            && !["curl", "wget", "http", "invoke-"]
                .iter()
                .any(|k| line.contains(k));
        let accepted = !prose
            && match dialect {
                Dialect::Json => true,
                Dialect::Shell | Dialect::PowerShell => !comment,
                Dialect::Code { .. } => !comment && (called || quoted_or_path),
            };
        if !accepted || definition {
            continue;
        }
        // A Postman request names its URL twice (`raw` and `path`): one
        // finding per request object.
        if dialect == Dialect::Json {
            let object = crate::request::request_object_span(text, at);
            if object.is_some() && object == last_object {
                continue;
            }
            last_object = object;
        }
        let kind = if role == role::Role::Test {
            FindingKind::Test
        } else {
            FindingKind::Call
        };
        let name = &text[at..end];
        let mut finding = make_finding(
            display,
            locate(text, index, u.span),
            u.rule,
            name,
            None,
            FindingFacts {
                kind,
                confidence: Confidence::Certain,
                origins: Vec::new(),
                fix: FixPlan::default(),
                library: None,
            },
        );
        // Read a call's arguments from inside its parentheses.
        let read_at = if called && dialect != Dialect::Json {
            let open = end + (text.len() - end - rest.len());
            (open + 1, open + 1)
        } else {
            u.span
        };
        let request = (*requests_left > 0).then(|| {
            *requests_left -= 1;
            crate::request::read(text, index, read_at, name, dialect)
        });
        fixes::apply_request(&mut finding, u.rule, request);
        out.push(finding);
    }
    out
}

/// Calls per file whose request is read (see [`scan_text`]).
pub(crate) const REQUESTS_PER_FILE: usize = 512;

/// How the request around a match is written in files of `lang`.
fn dialect(lang: Language) -> crate::request::Dialect {
    use crate::request::Dialect;
    match lang {
        Language::Shell
        | Language::Dockerfile
        | Language::Makefile
        | Language::Yaml
        | Language::Markdown
        | Language::Text
        | Language::Batch => Dialect::Shell,
        Language::PowerShell => Dialect::PowerShell,
        Language::Json => Dialect::Json,
        Language::Python
        | Language::Ruby
        | Language::Perl
        | Language::R
        | Language::Julia
        | Language::Elixir
        | Language::Hcl
        | Language::Ini
        | Language::Properties
        | Language::Dotenv => Dialect::Code {
            hash_comments: true,
        },
        _ => Dialect::Code {
            hash_comments: false,
        },
    }
}

/// A string literal that reads like a sentence mentions an endpoint rather
/// than calling it (a log message, a docstring).
fn classify_kind(expr: &Expr, matched: &str) -> FindingKind {
    if expr.kind() == FindingKind::Mention {
        return FindingKind::Mention;
    }
    let text = expr.text();
    if text.len() > 2000 || expr.segs.len() != 1 {
        return FindingKind::Call;
    }
    let lower = text.to_ascii_lowercase();
    if ["curl", "wget", "http://", "https://", "invoke-"]
        .iter()
        .any(|k| lower.contains(k))
    {
        return FindingKind::Call;
    }
    let rest = text.replacen(matched, " ", 1);
    let words = rest
        .split_whitespace()
        .filter(|w| w.len() > 1 && w.chars().all(|c| c.is_alphabetic()))
        .count();
    if words >= 5 {
        FindingKind::Mention
    } else {
        FindingKind::Call
    }
}

/// How a finding came about: facts the scanner decides per use.
pub(crate) struct FindingFacts {
    pub kind: FindingKind,
    pub confidence: Confidence,
    pub origins: Vec<Origin>,
    pub fix: FixPlan,
    pub library: Option<crate::model::LibraryUse>,
}

/// Builds a time-free finding; every text field is redacted here. Status
/// and days are left for [`crate::model::assess`].
pub(crate) fn make_finding(
    display: &str,
    location: Location,
    rule: &Rule,
    matched: &str,
    suggested: Option<&str>,
    facts: FindingFacts,
) -> Finding {
    Finding {
        notebook: None,
        path: display.to_string(),
        line: location.line,
        column: location.column,
        end_line: location.end_line,
        end_column: location.end_column,
        rule: rule.id.clone(),
        name: rule.name.clone(),
        endpoint: rule.endpoint_display.clone(),
        matched: redact::redact_str(matched),
        replacement: rule.replacement.clone(),
        suggested: suggested.map(redact::redact_str),
        eos: rule.eos(),
        eol: rule.eol(),
        replacement_published: rule.replacement_published(),
        kind: facts.kind,
        confirmed: rule.is_confirmed(),
        unconfirmed_dates: rule.unconfirmed_dates(),
        confidence: facts.confidence,
        origins: facts.origins,
        source: rule.source.clone(),
        fix: facts.fix.fix,
        manual_fix: facts.fix.manual,
        request: None,
        request_checks: Vec::new(),
        library: facts.library,
        status: Status::Active,
        days_left: None,
        next_deadline: None,
        severity: Severity::None,
        fingerprint: String::new(),
        suppressed: None,
        verdict: None,
        withheld: None,
        snippet: location.snippet,
        snippet_span: location.snippet_span,
    }
}

/// Longest code frame kept around a finding on a long (minified) line.
const SNIPPET_CONTEXT: usize = 80;

/// Text around a code frame the redactor sees (not shown).
const REDACT_CONTEXT: usize = 512;

/// Line, column and a redacted code frame for a byte span.
pub(crate) fn locate(text: &str, index: &LineIndex, span: (usize, usize)) -> Location {
    let (start, end) = (
        floor_boundary(text, span.0),
        ceil_boundary(text, span.1.max(span.0)),
    );
    let (line, column) = index.line_col(start);
    let (end_line, end_column) = index.line_col(end);
    let first = index.line_range(line - 1).0;
    let last = index.line_range(end_line - 1).1.max(end);
    let (mut from, mut to) = (first, last.min(text.len()));
    if to - from > 4 * SNIPPET_CONTEXT {
        // A minified line: keep a window around the span.
        from = floor_boundary(text, start.saturating_sub(SNIPPET_CONTEXT).max(first));
        to = ceil_boundary(text, (end + SNIPPET_CONTEXT).min(to));
    }
    // Redacted with up to REDACT_CONTEXT bytes around the frame in view, so
    // a key outside the frame (left of a minified window, on the line above)
    // still hides its value inside it.
    let cfrom = floor_boundary(text, from.saturating_sub(REDACT_CONTEXT));
    let cto = ceil_boundary(text, (to + REDACT_CONTEXT).min(text.len()));
    // Carriage returns are left out of the frame; most files have none,
    // and their context is borrowed, not copied.
    let raw = &text[cfrom..cto];
    let has_cr = memchr::memchr(b'\r', raw.as_bytes()).is_some();
    let context = if has_cr {
        std::borrow::Cow::Owned(raw.replace('\r', ""))
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    let shift = |o: usize| {
        let before = &text.as_bytes()[cfrom..o.max(cfrom)];
        if has_cr {
            before.iter().filter(|&&b| b != b'\r').count()
        } else {
            before.len()
        }
    };
    let base = shift(from);
    let redacted = redact::redact_window(&context, base..shift(to));
    let span_in = (
        redacted.map_offset(shift(start) - base),
        redacted.map_offset(shift(end) - base),
    );
    Location {
        line,
        column,
        end_line,
        end_column,
        snippet: redacted.text,
        snippet_span: span_in,
    }
}

/// A [`Location`] whose snippet is not redacted yet. The flow step records
/// many candidate places (every literal that may fill a template) and
/// reports few; redaction is the costly part, so it runs only for those
/// reported. A file up to [`SHARED_TEXT_MAX`] bytes is shared by all its
/// pending locations (one copy of the text, never output unredacted); a
/// larger one is located at once.
#[derive(Clone, Debug)]
pub struct Pending {
    pub line: usize,
    kind: PendingKind,
}

#[derive(Clone, Debug)]
enum PendingKind {
    Shared {
        text: std::sync::Arc<str>,
        span: (usize, usize),
    },
    Located(Location),
}

/// Largest file whose text the flow step keeps for its pending locations.
const SHARED_TEXT_MAX: usize = 256 * 1024;

impl Pending {
    /// The location of `span` in `text`; `shared` holds the file's text
    /// once made (see [`Pending`]).
    pub(crate) fn capture(
        text: &str,
        shared: &std::cell::OnceCell<std::sync::Arc<str>>,
        index: &LineIndex,
        span: (usize, usize),
    ) -> Pending {
        if text.len() > SHARED_TEXT_MAX {
            let location = locate(text, index, span);
            return Pending {
                line: location.line,
                kind: PendingKind::Located(location),
            };
        }
        let line = index.line_col(floor_boundary(text, span.0)).0;
        Pending {
            line,
            kind: PendingKind::Shared {
                text: shared.get_or_init(|| std::sync::Arc::from(text)).clone(),
                span,
            },
        }
    }

    /// The request around the pending place in the file at `path` (which
    /// gives its language); `None` for a large file whose text is not kept.
    pub(crate) fn request(
        &self,
        matched: &str,
        path: &str,
    ) -> Option<crate::model::request::Request> {
        match &self.kind {
            PendingKind::Shared { text, span } => Some(crate::request::read(
                text,
                &LineIndex::new(text),
                *span,
                matched,
                dialect(Language::of_path(std::path::Path::new(path))),
            )),
            PendingKind::Located(_) => None,
        }
    }

    /// The location, its snippet redacted.
    pub fn locate(&self) -> Location {
        match &self.kind {
            PendingKind::Located(location) => location.clone(),
            PendingKind::Shared { text, span } => locate(text, &LineIndex::new(text), *span),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;

    fn rules() -> RuleSet {
        let r = |id, e, rep: Option<&str>, eol: Option<&str>| {
            Rule::simple(id, e, rep, None, eol).expect("valid")
        };
        RuleSet::from_rules(vec![
            r(
                "scan-v2",
                "/api/2.0/fo/scan/",
                Some("/api/3.0/fo/scan/"),
                Some("2026-12"),
            ),
            r("scan-v3", "/api/3.0/fo/scan/", None, None),
            r(
                "perimeter-v2",
                "/api/2.0/fo/scan/cloud/perimeter/job/",
                Some("/api/4.0/fo/scan/cloud/perimeter/job/"),
                Some("2026-12"),
            ),
            r(
                "host-v2",
                "/api/2.0/fo/asset/host/",
                Some("/api/5.0/fo/asset/host/"),
                Some("2026-12"),
            ),
            r(
                "kb-v2",
                "/api/2.0/fo/knowledge_base/vuln/",
                Some("/api/4.0/fo/knowledge_base/vuln/"),
                Some("2026-12"),
            ),
            r("pci-details", "/pci/scan/{scanId}/details", None, None),
        ])
    }

    /// The legacy findings of `text` at 2026-11-23.
    fn assessed(lang: Language, text: &str) -> Vec<Finding> {
        let set = rules();
        let m = Matcher::new(&set);
        let mut f = scan_text("t", lang, role::Role::Code, text, &m).findings;
        let as_of = crate::rules::Date::parse("2026-11-23").expect("valid");
        for f in &mut f {
            crate::model::assess_finding(f, as_of);
        }
        f.retain(|f| f.status != Status::Active);
        f
    }

    fn found(lang: Language, text: &str) -> Vec<(usize, String, String)> {
        assessed(lang, text)
            .into_iter()
            .map(|f| (f.line, f.rule, f.kind.as_str().to_string()))
            .collect()
    }

    #[test]
    fn identity_not_prefix() {
        let t = "a = '/api/2.0/fo/asset/host/vm/detection/'\nb = '/api/2.0/fo/scan/cloud/perimeter/job/'\nc = '/api/2.0/fo/scanner/'\n";
        assert_eq!(
            found(Language::Python, t),
            vec![(2, "perimeter-v2".to_string(), "call".to_string())]
        );
    }

    #[test]
    fn version_variable_reported_at_use_once() {
        let t = "API_PATH=\"/api/2.0/fo/scan/\"\ncurl -s \"$QUALYS_API$API_PATH\"\n";
        assert_eq!(
            found(Language::Shell, t),
            vec![(1, "scan-v2".to_string(), "call".to_string())]
        );
        let t = "    API_VERSION = \"2.0\"\n    url = f\"{base}/api/{API_VERSION}/fo/scan/\"\n";
        assert_eq!(
            found(Language::Python, t),
            vec![(2, "scan-v2".to_string(), "call".to_string())]
        );
    }

    #[test]
    fn comments_are_mentions_and_active_is_quiet() {
        let t =
            "# migrated away from /api/2.0/fo/scan/ in the last release\nx = '/api/3.0/fo/scan/'\n";
        assert_eq!(
            found(Language::Python, t),
            vec![(1, "scan-v2".to_string(), "mention".to_string())]
        );
    }

    #[test]
    fn matched_and_suggested_keep_host_and_query() {
        let t = "r = s.get(f\"{base}/api/2.0/fo/scan/?action=list\")\nu = 'https://qualysapi.qualys.com/api/2.0/fo/asset/host/index.php?action=list'\n";
        let f = assessed(Language::Python, t);
        assert_eq!(f[0].matched, "{base}/api/2.0/fo/scan/?action=list");
        assert_eq!(
            f[0].suggested.as_deref(),
            Some("{base}/api/3.0/fo/scan/?action=list")
        );
        assert_eq!(
            f[1].suggested.as_deref(),
            Some("https://qualysapi.qualys.com/api/5.0/fo/asset/host/index.php?action=list")
        );
        assert_eq!((f[1].line, f[1].column, f[1].end_column), (2, 34, 66));
        assert_eq!(f[0].days_left, Some(8));
    }
}
