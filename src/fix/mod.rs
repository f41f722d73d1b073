//! `sunset fix`: apply the fixes findings carry.
//!
//! The scanner attaches a [`Fix`](crate::model::Fix) to each call whose
//! version segment one literal of its file holds ([`crate::scan::fixes`]),
//! or says why it needs a person. Planning ([`plan`]) only gathers those
//! edits: it re-reads each file, checks its text is still what the scanner
//! saw at every edit, maps the edits back to bytes through the same
//! decoding ([`crate::source::Decoded`]) and computes the fixed bytes;
//! nothing is written. [`diff`] renders a plan as a unified diff and
//! [`write`] applies it atomically.
//!
//! Safety follows ruff's applicability: a fix is *safe* when the rule says
//! the replacement is a drop-in (`safe-fix = true`), otherwise *unsafe*
//! and held back unless asked for, with the rule's breaking changes as the
//! reasons.

pub mod diff;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::{Applicability, Finding, FindingKind, Notice, Report};
use crate::rules::Status;
use crate::source::Decoded;

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

/// One edit of a finding's fix, placed in the file's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedEdit {
    /// The edit's position (1-based, column in characters).
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
    /// Why an unsafe edit is unsafe (the rule's breaking changes).
    pub reasons: Vec<String>,
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
    pub edits: Vec<PlannedEdit>,
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
    pub edit: PlannedEdit,
}

/// Everything `fix` would do.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub files: Vec<FilePlan>,
    pub manual: Vec<Manual>,
    pub held: Vec<Held>,
    /// Files left alone and why (unreadable, outside the roots, …).
    pub notices: Vec<Notice>,
    /// Files holding a rewrite that cannot be fixed (each also has a
    /// notice saying why): `fix --write` exits 1 when there is one.
    pub refused: Vec<String>,
}

impl Plan {
    pub fn edit_count(&self) -> usize {
        self.files.iter().map(|f| f.edits.len()).sum()
    }

    /// Leaves `display` alone: it holds a rewrite that cannot be made.
    fn refuse(&mut self, display: &str, message: String) {
        self.notices.push(Notice {
            path: display.to_string(),
            message,
        });
        if self.refused.last().map(String::as_str) != Some(display) {
            self.refused.push(display.to_string());
        }
    }
}

/// Plans the fixes of the call findings of `report` at or above
/// `opts.min_status`. `roots` are the scanned roots: a file that resolves
/// outside all of them is never planned.
pub fn plan(report: &Report, roots: &[PathBuf], opts: &FixOptions) -> Plan {
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
        let manual = |f: &Finding, reason: &str| Manual {
            path: display.to_string(),
            line: f.line,
            column: f.column,
            rule: f.rule.clone(),
            endpoint: f.endpoint.clone(),
            replacement: f.replacement.clone(),
            reason: reason.to_string(),
        };
        let fixable: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| {
                if f.fix.is_some() {
                    return true;
                }
                let reason = f
                    .manual_fix
                    .as_deref()
                    .unwrap_or("no replacement is published");
                plan.manual.push(manual(f, reason));
                false
            })
            .collect();
        if fixable.is_empty() {
            continue;
        }
        // The display is lossless: it maps back to the exact path.
        let reached = crate::source::path_of_display(display);
        let target = match resolve_inside(&reached, &canonical_roots) {
            Ok(t) => t,
            Err(message) => {
                plan.refuse(display, message);
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
        plan_file(display, target, &fixable, opts, &mut plan);
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
    opts: &FixOptions,
    plan: &mut Plan,
) {
    let original = match std::fs::read(&target) {
        Ok(b) => b,
        Err(e) => {
            plan.refuse(display, format!("not fixed: cannot read: {e}"));
            return;
        }
    };
    let decoded = Decoded::new(&original);
    let mut edits: Vec<PlannedEdit> = Vec::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        for (k, e) in fix.edits.iter().enumerate() {
            // The text must still be what the scanner saw, and its bytes
            // must map back exactly; otherwise the file is left alone.
            let still = decoded.text.get(e.start..e.end) == Some(e.from.as_str());
            let range = still
                .then(|| decoded.byte_range(&original, e.start, e.end - e.start))
                .flatten();
            let Some(range) = range else {
                plan.refuse(
                    display,
                    if still {
                        "not fixed: the version touches bytes that cannot be re-encoded exactly"
                            .to_string()
                    } else {
                        "not fixed: the file changed since it was scanned".to_string()
                    },
                );
                return;
            };
            // The main rewrite is shown at the finding's own position (as
            // `audit` lists it); a companion edit at its own.
            let (line, column) = if k == 0 {
                (f.line, f.column)
            } else {
                (e.line, e.column)
            };
            edits.push(PlannedEdit {
                line,
                column,
                rule: f.rule.clone(),
                endpoint: f.endpoint.clone(),
                replacement: f.replacement.clone().unwrap_or_default(),
                from: e.from.clone(),
                to: e.to.clone(),
                applicability: fix.applicability,
                reasons: fix.reasons.clone(),
                range,
                bytes: decoded.encode(&e.to),
            });
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
    let fixed = splice(&original, &applied);
    let byte_diffable = decoded.byte_diffable();
    drop(decoded);
    plan.files.push(FilePlan {
        display: display.to_string(),
        target,
        original,
        fixed,
        edits: applied,
        byte_diffable,
    });
}

/// `original` with each edit's range replaced, in one pass (edits sorted,
/// not overlapping): linear in the file and the edits.
fn splice(original: &[u8], edits: &[PlannedEdit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(original.len() + 16 * edits.len());
    let mut at = 0;
    for e in edits {
        out.extend_from_slice(&original[at..e.range.0]);
        out.extend_from_slice(&e.bytes);
        at = e.range.1;
    }
    out.extend_from_slice(&original[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(range: (usize, usize), to: &str) -> PlannedEdit {
        PlannedEdit {
            line: 1,
            column: 1,
            rule: "r".into(),
            endpoint: String::new(),
            replacement: String::new(),
            from: String::new(),
            to: to.into(),
            applicability: Applicability::Safe,
            reasons: Vec::new(),
            range,
            bytes: to.as_bytes().to_vec(),
        }
    }

    /// The output differs from the input only inside the edits' ranges.
    #[test]
    fn splice_changes_only_the_ranges() {
        let original = b"a/api/2.0/x b/api/2.0/y";
        let edits = [planned((6, 9), "3.0"), planned((18, 21), "3.0")];
        assert_eq!(splice(original, &edits), b"a/api/3.0/x b/api/3.0/y");
        assert_eq!(splice(original, &[]), original);
    }

    proptest::proptest! {
        /// Fuzz target for fix's edit application: for any bytes and any
        /// sorted, non-overlapping edits, the output is the input with
        /// exactly those ranges replaced: the bytes before, between and
        /// after the edits are the input's.
        #[test]
        fn splice_differs_only_inside_the_spans(
            original in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
            cuts in proptest::collection::vec((0usize..300, 0usize..8, "[0-9.é]{0,4}"), 0..12),
        ) {
            let mut edits: Vec<PlannedEdit> = Vec::new();
            let mut at = 0;
            let mut sorted = cuts;
            sorted.sort();
            for (start, len, to) in sorted {
                let start = start.min(original.len());
                if start < at {
                    continue;
                }
                let end = (start + len).min(original.len());
                edits.push(planned((start, end), &to));
                at = end;
            }
            let out = splice(&original, &edits);
            let (mut i, mut o) = (0, 0);
            for e in &edits {
                let keep = e.range.0 - i;
                proptest::prop_assert_eq!(&out[o..o + keep], &original[i..e.range.0]);
                o += keep;
                proptest::prop_assert_eq!(&out[o..o + e.bytes.len()], e.bytes.as_slice());
                o += e.bytes.len();
                i = e.range.1;
            }
            proptest::prop_assert_eq!(&out[o..], &original[i..]);
        }
    }
}
