//! `sunset fix`: rewrite legacy endpoint versions in place.
//!
//! Planning ([`plan`]) re-reads each file with findings, locates the legacy
//! version segment inside each finding's span and computes the fixed bytes;
//! nothing is written. [`diff`] renders a plan as a unified diff and
//! [`write`] applies it atomically. A rewrite changes only the version
//! segment (`2.0` → `3.0`), so host, query, quoting, slash style,
//! `index.php`, line endings, BOM and encoding stay as they are.
//!
//! Safety follows ruff's applicability: a rewrite is *safe* when the rule
//! says the replacement is a drop-in (`safe-fix = true`), otherwise it is
//! *unsafe* and held back unless asked for, with the rule's notes as the
//! reason. A finding whose version is not written in one literal inside its
//! span (a version variable, a base from another file) is *manual*.

pub mod diff;
mod postman;
pub mod text;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::finding::{Finding, FindingKind};
use crate::report::{Notice, Report};
use crate::rules::{EndpointPattern, Rule, RuleSet, Segment, Status};
use text::Decoded;

/// What to fix.
#[derive(Clone, Copy, Debug)]
pub struct FixOptions {
    /// Apply unsafe rewrites too (`--unsafe`).
    pub include_unsafe: bool,
    /// The lowest status fixed: `Deprecated` fixes deprecated, EOS and EOL.
    pub min_status: Status,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            include_unsafe: false,
            min_status: Status::Deprecated,
        }
    }
}

/// Whether a rewrite keeps the program working as it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// The rule says the replacement is a drop-in.
    Safe,
    /// Not documented as a drop-in; why, from the rule's notes.
    Unsafe { reasons: Vec<String> },
}

/// One rewrite of a version segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The finding's position (1-based, column in characters).
    pub line: usize,
    pub column: usize,
    pub rule: String,
    /// The endpoints as published, e.g. `/api/2.0/fo/scan/` → `/api/3.0/fo/scan/`.
    pub endpoint: String,
    pub replacement: String,
    /// The source text replaced and its replacement, e.g. `2.0` → `3.0`.
    pub from: String,
    pub to: String,
    pub applicability: Applicability,
    /// Byte range in the file and the bytes that replace it.
    range: (usize, usize),
    bytes: Vec<u8>,
}

/// The rewrites of one file.
#[derive(Clone, Debug)]
pub struct FilePlan {
    /// As the scanner displays it (relative to the current directory when
    /// the root given was).
    pub display: String,
    /// The file actually written: the path reached, symlinks resolved.
    pub target: PathBuf,
    /// The bytes read when planning, compared again right before writing.
    pub original: Vec<u8>,
    pub fixed: Vec<u8>,
    /// The edits applied, in file order.
    pub edits: Vec<Edit>,
    /// False for UTF-16: its diff is shown decoded and does not apply with
    /// `patch`.
    pub byte_diffable: bool,
}

/// A finding that needs a person.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Manual {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub endpoint: String,
    pub replacement: Option<String>,
    pub reason: String,
}

/// An unsafe rewrite held back because `--unsafe` was not given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub path: String,
    pub edit: Edit,
}

/// Everything `fix` would do.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub files: Vec<FilePlan>,
    pub manual: Vec<Manual>,
    pub held: Vec<Held>,
    /// Files left alone and why (unreadable, outside the roots, …).
    pub notices: Vec<Notice>,
}

impl Plan {
    pub fn edit_count(&self) -> usize {
        self.files.iter().map(|f| f.edits.len()).sum()
    }
}

/// Plans the rewrites for the call findings of `report` at or above
/// `opts.min_status`. `roots` are the scanned roots: a file that resolves
/// outside all of them is never planned.
pub fn plan(report: &Report, rules: &RuleSet, roots: &[PathBuf], opts: &FixOptions) -> Plan {
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        // Mentions (comments, prose) are never rewritten; neither is a
        // finding someone suppressed.
        if f.kind == FindingKind::Call
            && f.status != Status::Active
            && f.status >= opts.min_status
            && f.suppressed.is_none()
        {
            by_file.entry(f.path.as_str()).or_default().push(f);
        }
    }
    let mut plan = Plan::default();
    let mut targets: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (display, findings) in by_file {
        let reached = PathBuf::from(display);
        let target = match resolve_inside(&reached, &canonical_roots) {
            Ok(t) => t,
            Err(message) => {
                plan.notices.push(Notice {
                    path: display.to_string(),
                    message,
                });
                continue;
            }
        };
        if let Some(first) = targets.get(&target) {
            plan.notices.push(Notice {
                path: display.to_string(),
                message: format!("the same file as {first}: fixed there"),
            });
            continue;
        }
        targets.insert(target.clone(), display.to_string());
        plan_file(display, target, &findings, rules, opts, &mut plan);
    }
    plan.manual.sort();
    plan
}

/// The canonical path of `path` when it lies inside one of `roots`
/// (already canonical); otherwise why it is refused.
pub(crate) fn resolve_inside(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, String> {
    let target = std::fs::canonicalize(path)
        .map_err(|e| format!("not fixed: cannot resolve the path: {e}"))?;
    if roots.iter().any(|r| target.starts_with(r)) {
        Ok(target)
    } else {
        Err(format!(
            "not fixed: resolves to {} outside the scanned roots",
            target.display()
        ))
    }
}

fn plan_file(
    display: &str,
    target: PathBuf,
    findings: &[&Finding],
    rules: &RuleSet,
    opts: &FixOptions,
    plan: &mut Plan,
) {
    let manual = |f: &Finding, reason: String| Manual {
        path: display.to_string(),
        line: f.line,
        column: f.column,
        rule: f.rule.clone(),
        endpoint: f.endpoint.clone(),
        replacement: f.replacement.clone(),
        reason,
    };
    let original = match std::fs::read(&target) {
        Ok(b) => b,
        Err(e) => {
            plan.notices.push(Notice {
                path: display.to_string(),
                message: format!("not fixed: cannot read: {e}"),
            });
            return;
        }
    };
    let decoded = match Decoded::new(&original) {
        Ok(d) => d,
        Err(why) => {
            for f in findings {
                plan.manual.push(manual(f, format!("not rewritten: {why}")));
            }
            return;
        }
    };
    let mut edits: Vec<Edit> = Vec::new();
    for f in findings {
        let Some(rule) = rules.get(&f.rule) else {
            plan.manual
                .push(manual(f, "its rule is not loaded in this run".to_string()));
            continue;
        };
        match edit_for(f, rule, &decoded, display.ends_with(".json")) {
            Ok(found) => edits.extend(found),
            Err(reason) => plan.manual.push(manual(f, reason)),
        }
    }
    // Two findings on one span (or overlapping spans) must agree.
    edits.sort_by_key(|e| e.range);
    edits.dedup_by(|b, a| a.range == b.range && a.bytes == b.bytes);
    let mut clashing = vec![false; edits.len()];
    // The edit reaching furthest so far, to catch any overlap, not only
    // with the neighbour.
    let mut furthest: Option<usize> = None;
    for i in 0..edits.len() {
        if let Some(k) = furthest {
            if edits[i].range.0 < edits[k].range.1 {
                clashing[i] = true;
                clashing[k] = true;
            }
        }
        if furthest.is_none_or(|k| edits[i].range.1 > edits[k].range.1) {
            furthest = Some(i);
        }
    }
    let mut applied = Vec::new();
    for (edit, clash) in edits.into_iter().zip(clashing) {
        if clash {
            plan.manual.push(Manual {
                path: display.to_string(),
                line: edit.line,
                column: edit.column,
                rule: edit.rule.clone(),
                endpoint: edit.endpoint.clone(),
                replacement: Some(edit.replacement.clone()),
                reason: "two rules would rewrite the same text differently".to_string(),
            });
        } else if edit.applicability == Applicability::Safe || opts.include_unsafe {
            applied.push(edit);
        } else {
            plan.held.push(Held {
                path: display.to_string(),
                edit,
            });
        }
    }
    if applied.is_empty() {
        return;
    }
    let mut fixed = original.clone();
    for e in applied.iter().rev() {
        fixed.splice(e.range.0..e.range.1, e.bytes.iter().copied());
    }
    plan.files.push(FilePlan {
        display: display.to_string(),
        target,
        original,
        fixed,
        edits: applied,
        byte_diffable: decoded.byte_diffable(),
    });
}

/// The rewrite for one finding (two for a Postman URL: `raw` and its
/// `path` array), or why it must be done by hand.
fn edit_for(f: &Finding, rule: &Rule, decoded: &Decoded, json: bool) -> Result<Vec<Edit>, String> {
    let replacement = rule
        .replacement
        .as_deref()
        .ok_or_else(|| "no replacement is published".to_string())?;
    let swap = version_swap(&rule.endpoint, replacement)?;
    let text = &decoded.text;
    let (start, end) = match (
        text::offset_of(text, f.line, f.column),
        text::offset_of(text, f.end_line, f.end_column),
    ) {
        (Some(s), Some(e)) if s <= e => (s, e),
        _ => return Err("its position is no longer in the file".to_string()),
    };
    let at = locate(&text[start..end], &swap).map_err(|why| match &f.via {
        Some(via) if why.is_none() => format!(
            "the version is not written in this expression ({via}): change it where it is defined"
        ),
        _ => why.unwrap_or_else(|| match placeholder(&text[start..end], &swap) {
            Some(hole) => format!(
                "the version is filled in at run time (`{hole}` in the format string): change the value passed for it by hand"
            ),
            None => "no single literal here holds the whole version segment".to_string(),
        }),
    })?;
    // A span that reaches back to a variable's definition (pieces passed
    // to a format call) may hold the literal there; that literal is shared
    // with every other use of the variable, so it is not this finding's to
    // rewrite.
    let found_line = line_col(text, start + at).0;
    if let Some(via) = &f.via {
        if defined_at_lines(via).contains(&found_line) {
            return Err(format!(
                "the version is in a shared definition ({via}): change it there by hand"
            ));
        }
    }
    let applicability = if rule.safe_fix {
        Applicability::Safe
    } else {
        Applicability::Unsafe {
            reasons: unsafe_reasons(rule, replacement),
        }
    };
    let edit_at = |t: usize| -> Result<Edit, String> {
        let range = decoded.byte_range(t, swap.old.len()).ok_or_else(|| {
            "the version segment touches bytes that cannot be re-encoded exactly".to_string()
        })?;
        let (line, column) = line_col(text, t);
        // The version is found ignoring ASCII case; the new one is written
        // in the case the old one was (`/sm/V1/` becomes `/sm/V5/`).
        let written = text.get(t..t + swap.old.len()).unwrap_or(&swap.old);
        let to = in_case_of(written, &swap.new);
        Ok(Edit {
            line,
            column,
            rule: rule.id.clone(),
            endpoint: rule.endpoint_display.clone(),
            replacement: replacement.to_string(),
            from: written.to_string(),
            bytes: decoded.encode(&to),
            to,
            applicability: applicability.clone(),
            range,
        })
    };
    let mut first = edit_at(start + at)?;
    // Report the finding's own position for the main rewrite.
    (first.line, first.column) = (f.line, f.column);
    let mut edits = vec![first];
    if json {
        if let Some(t) = postman::companion(text, start + at, swap.prev.as_deref(), &swap.old) {
            edits.push(edit_at(t)?);
        }
    }
    Ok(edits)
}

/// The line numbers in a finding's `via` text ("`X` defined at line 4").
fn defined_at_lines(via: &str) -> Vec<usize> {
    via.split("defined at line ")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// 1-based line and column (in characters) of byte offset `t`.
fn line_col(text: &str, t: usize) -> (usize, usize) {
    let before = &text[..t];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[start..].chars().count() + 1)
}

/// Why a rewrite is not known to be a drop-in: a plain statement, then
/// the rule's notes on what changes between the versions (parameters, DTD
/// or output changes, authentication). Notes about dates alone are left
/// out: they say nothing about whether the new version behaves the same.
fn unsafe_reasons(rule: &Rule, replacement: &str) -> Vec<String> {
    const CHANGE_WORDS: [&str; 16] = [
        "parameter",
        "dtd",
        "xsd",
        "output",
        "response",
        "requir",
        "only",
        "adds",
        "added",
        "new ",
        "jwt",
        "bearer",
        "format",
        "removed",
        "return",
        "gateway",
    ];
    let mut reasons = vec![format!(
        "no source says {replacement} is a drop-in for {}",
        rule.endpoint_display
    )];
    reasons.extend(
        rule.notes
            .iter()
            .filter(|n| {
                let lower = n.to_lowercase();
                CHANGE_WORDS.iter().any(|w| lower.contains(w))
            })
            .cloned(),
    );
    reasons
}

/// The one path segment a replacement changes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct VersionSwap {
    /// The literal segment before it (`api`), if any.
    prev: Option<String>,
    old: String,
    new: String,
}

/// The version segment `endpoint` and `replacement` differ in; `Err` when
/// they differ in anything else (a rewrite would then not be a version
/// bump, e.g. `/sm/v1/block-commands/{id}` → `/sm/v1/block-commands/search`).
fn version_swap(endpoint: &EndpointPattern, replacement: &str) -> Result<VersionSwap, String> {
    let to = EndpointPattern::parse(replacement)
        .ok_or_else(|| format!("the replacement {replacement} is not a path"))?;
    let beyond = || {
        format!(
            "the replacement {replacement} changes more than the version segment of {}",
            endpoint.canonical
        )
    };
    if to.segments.len() != endpoint.segments.len() {
        return Err(beyond());
    }
    let differing: Vec<usize> = (0..to.segments.len())
        .filter(|&i| to.segments[i] != endpoint.segments[i])
        .collect();
    let [i] = differing[..] else {
        return Err(beyond());
    };
    match (&endpoint.segments[i], &to.segments[i]) {
        (Segment::Literal(old), Segment::Literal(new)) => {
            let prev = match i.checked_sub(1).map(|p| &endpoint.segments[p]) {
                Some(Segment::Literal(p)) => Some(p.clone()),
                Some(Segment::Param(_)) => return Err(beyond()),
                None => None,
            };
            Ok(VersionSwap {
                prev,
                old: old.clone(),
                new: new.clone(),
            })
        }
        _ => Err(beyond()),
    }
}

/// The offset of the old version segment inside `span`, found as one
/// contiguous run of source text: `/api/2.0` (followed by a path boundary),
/// or, failing that, a string literal that is exactly `"2.0"`. `Err(None)` when the span does not hold it (the version
/// comes from elsewhere); `Err(Some(reason))` when it is ambiguous.
fn locate(span: &str, swap: &VersionSwap) -> Result<usize, Option<String>> {
    let needle = match &swap.prev {
        Some(p) => format!("/{p}/{}", swap.old),
        None => format!("/{}", swap.old),
    };
    let hits: Vec<usize> = find_all_ascii_ci(span, &needle)
        .into_iter()
        .filter(|&i| ends_segment(span, i + needle.len()))
        .map(|i| i + needle.len() - swap.old.len())
        .collect();
    match hits[..] {
        [one] => return Ok(one),
        [] => {}
        _ => {
            return Err(Some(format!(
                "`{needle}` occurs {} times in this expression: which one is meant is not clear",
                hits.len()
            )))
        }
    }
    // A literal that is the whole version segment: a Postman `path`
    // element, or an argument such as `"{}/api/{}/fo/".format(base, "2.0")`.
    let mut quoted = Vec::new();
    for q in ['"', '\''] {
        let token = format!("{q}{}{q}", swap.old);
        quoted.extend(find_all_ascii_ci(span, &token).into_iter().map(|i| i + 1));
    }
    match quoted[..] {
        [one] => Ok(one),
        [] => Err(None),
        _ => Err(Some(format!(
            "the version `{}` occurs {} times in this expression: which one is meant is not clear",
            swap.old,
            quoted.len()
        ))),
    }
}

/// The text standing in the version's place after `/api/` when it is not
/// the version itself: a format placeholder such as `%s`, `{}` or `{1}`.
fn placeholder(span: &str, swap: &VersionSwap) -> Option<String> {
    let prev = format!("/{}/", swap.prev.as_deref()?);
    let at = find_all_ascii_ci(span, &prev).into_iter().next()? + prev.len();
    let seg: String = span[at..].chars().take_while(|&c| c != '/').collect();
    let looks_like_hole = seg.starts_with('%') || (seg.starts_with('{') && seg.ends_with('}'));
    looks_like_hole.then_some(seg)
}

/// Whether a path segment ends at byte `i` of `s` (`/api/2.0` but not
/// `/api/2.01` or `/api/2.0.1`).
fn ends_segment(s: &str, i: usize) -> bool {
    s.as_bytes()
        .get(i)
        .is_none_or(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
}

/// `new` in the letter case of `written`: upper case when every letter of
/// `written` is, as published otherwise.
fn in_case_of(written: &str, new: &str) -> String {
    let mut letters = written.chars().filter(char::is_ascii_alphabetic).peekable();
    if letters.peek().is_some() && letters.all(|c| c.is_ascii_uppercase()) {
        new.to_ascii_uppercase()
    } else {
        new.to_string()
    }
}

/// Byte offsets of every occurrence of ASCII `needle` in `hay`, ignoring
/// ASCII case (paths such as `/API/2.0/` are matched case-insensitively).
fn find_all_ascii_ci(hay: &str, needle: &str) -> Vec<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return Vec::new();
    }
    (0..=h.len() - n.len())
        .filter(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swap(e: &str, r: &str) -> Result<VersionSwap, String> {
        version_swap(&EndpointPattern::parse(e).expect("path"), r)
    }

    #[test]
    fn new_version_keeps_the_case_it_replaces() {
        assert_eq!(in_case_of("V1", "v5"), "V5");
        assert_eq!(in_case_of("v1", "v5"), "v5");
        assert_eq!(in_case_of("2.0", "3.0"), "3.0");
        assert_eq!(in_case_of("Vx", "v5"), "v5");
    }

    #[test]
    fn via_lines_are_read() {
        assert_eq!(
            defined_at_lines("built from `a` defined at line 4, `b` defined at line 12"),
            vec![4, 12]
        );
        assert!(defined_at_lines("base `BASE` from src/settings.py:3").is_empty());
    }

    #[test]
    fn version_swap_takes_one_literal_segment() {
        let s = swap("/api/2.0/fo/scan/", "/api/3.0/fo/scan/").expect("swap");
        assert_eq!(
            (s.prev.as_deref(), s.old.as_str(), s.new.as_str()),
            (Some("api"), "2.0", "3.0")
        );
        let s = swap("/sm/v1/script/{scriptid}", "/sm/v4/script/{scriptid}").expect("swap");
        assert_eq!((s.old.as_str(), s.new.as_str()), ("v1", "v4"));
        assert!(swap("/sm/v1/block-commands/{id}", "/sm/v1/block-commands/search").is_err());
        assert!(swap("/api/2.0/fo/scan/", "/api/3.0/fo/scans/").is_err());
        assert!(swap("/api/2.0/fo/scan/", "/api/3.0/fo/scan/x/").is_err());
    }

    #[test]
    fn locate_finds_one_run_or_explains() {
        let s = swap("/api/2.0/fo/scan/", "/api/3.0/fo/scan/").expect("swap");
        let span = "\"https://h/api/2.0/fo/scan/?action=list\"";
        assert_eq!(locate(span, &s), Ok(span.find("2.0").expect("present")));
        assert_eq!(locate("'/API/2.0/fo/scan'", &s), Ok(6));
        // A version held in a variable: not in the span.
        assert_eq!(locate("f\"{h}/api/{V}/fo/scan/\"", &s), Err(None));
        // `/api/2.01` is another segment.
        assert_eq!(locate("'/api/2.01/fo/scan/'", &s), Err(None));
        // Postman path array.
        let arr = "[\"api\", \"2.0\", \"fo\", \"scan\", \"\"]";
        assert_eq!(locate(arr, &s), Ok(arr.find("2.0").expect("present")));
        assert_eq!(
            placeholder("\"%s/api/%s/fo/scan/\"", &s).as_deref(),
            Some("%s")
        );
        assert_eq!(
            placeholder("'{0}/api/{1}/fo/scan/'", &s).as_deref(),
            Some("{1}")
        );
        assert_eq!(placeholder("'/api/v/fo/scan/'", &s), None);
        let fmt = "\"{}/api/{}/fo/scan/\".format(b, \"2.0\")";
        assert_eq!(locate(fmt, &s), Ok(fmt.find("2.0").expect("present")));
        // Twice: ambiguous.
        assert!(matches!(
            locate("'/api/2.0/fo/' + '/api/2.0/fo/scan/'", &s),
            Err(Some(_))
        ));
    }
}
