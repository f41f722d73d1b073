//! The fix of a finding, made where the match is made (ruff's model): the
//! scanner knows which piece of source supplied each byte of a URL, so it
//! can tell whether one literal of this file holds the version segment and
//! where exactly.
//!
//! A rewrite changes only the version segment (`2.0` → `3.0`), so host,
//! query, quoting, slash style and `index.php` stay as they are. It is
//! *safe* when the rule says the replacement is a drop-in (`safe-fix`),
//! otherwise *unsafe*, with the rule's `breaking-changes` as the reasons.
//! When the version is not in one literal here (a shared definition, a
//! value filled in at run time) the finding says why it needs a person.

use crate::extract::{Expr, Seg};
use crate::model::request::{CheckLevel, Knowledge, Request, RequestCheck};
use crate::model::{Applicability, Edit, Finding, Fix};
use crate::rules::{ActionAdvice, ParamRule, Rule, Segment, VersionSwap};
use crate::source::LineIndex;

/// The fix for a finding, or why it needs a person.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FixPlan {
    pub fix: Option<Fix>,
    pub manual: Option<String>,
}

impl FixPlan {
    pub fn manual(reason: impl Into<String>) -> FixPlan {
        FixPlan {
            fix: None,
            manual: Some(reason.into()),
        }
    }
}

/// Where, in an expression's joined text, a matched endpoint path lies.
#[derive(Clone, Copy, Debug)]
pub struct PathSpan {
    pub start: usize,
    pub end: usize,
}

/// Plans the rewrite of the version segment of the endpoint at `path` in
/// `expr`. `json` adds the companion edit of a Postman `url.path` array.
pub fn plan(
    rule: &Rule,
    expr: &Expr,
    joined: &str,
    path: PathSpan,
    text: &str,
    index: &LineIndex,
    json: bool,
) -> FixPlan {
    let swap = match rule.version_swap() {
        Ok(s) => s,
        Err(why) => return FixPlan::manual(why),
    };
    let Some((vs, ve)) = segment_span(joined, path, swap.index) else {
        return FixPlan::manual("no single literal here holds the whole version segment");
    };
    if !joined[vs..ve].eq_ignore_ascii_case(&swap.old) {
        return FixPlan::manual("no single literal here holds the whole version segment");
    }
    let starts = seg_starts(&expr.segs);
    let k = match starts.binary_search(&vs) {
        Ok(k) => k,
        Err(k) => k - 1,
    };
    let Some(seg) = expr.segs.get(k) else {
        return FixPlan::manual("no single literal here holds the whole version segment");
    };
    if seg.is_hole() {
        let name = seg.hole.as_deref().unwrap_or("a value");
        return FixPlan::manual(format!(
            "the version is filled in at run time (`{name}`): change the value passed for it by hand"
        ));
    }
    if ve > starts[k + 1] {
        return FixPlan::manual("no single literal here holds the whole version segment");
    }
    if let Some((name, def)) = &seg.via {
        // The literal is shared with every other use of the name.
        return FixPlan::manual(format!(
            "the version is not written in this expression (built from `{name}` defined at line {}): change it where it is defined",
            index.line_col(*def).0
        ));
    }
    let Some(src) = seg.src else {
        return FixPlan::manual(
            "the version is written with escapes in its literal: rewrite it by hand",
        );
    };
    let start = src + (vs - starts[k]);
    let end = start + (ve - vs);
    let Some(written) = text.get(start..end) else {
        return FixPlan::manual("no single literal here holds the whole version segment");
    };
    let mut edits = vec![edit(index, start, written, &swap)];
    if json {
        let prev = swap
            .index
            .checked_sub(1)
            .and_then(|p| match rule.endpoint.segments.get(p) {
                Some(Segment::Literal(s)) => Some(s.as_str()),
                _ => None,
            });
        if let Some(t) = super::postman::companion(text, start, prev, written) {
            if let Some(w) = text.get(t..t + written.len()) {
                edits.push(edit(index, t, w, &swap));
                edits.sort();
            }
        }
    }
    let (applicability, reasons) = applicability(rule);
    FixPlan {
        fix: Some(Fix {
            applicability,
            reasons,
            edits,
        }),
        manual: None,
    }
}

/// Applies what the rule says about this request: with per-action scope
/// (`[[endpoint.action]]`), the replacement follows the request's action;
/// an action listed without a replacement, or an action that is not known,
/// leaves the finding with no replacement and no fix, and a check that
/// says why. `request` is `None` where the request could not be read (a
/// URL joined across files): its action is then not known.
pub fn apply_request(f: &mut Finding, rule: &Rule, request: Option<Request>) {
    apply_request_in(f, rule, request, None);
}

/// [`apply_request`], with the file's text: a parameter the replacement
/// requires and the rule gives a literal value for (`add`) is added by the
/// fix where the request's parameters are a literal it can extend safely.
pub fn apply_request_in(
    f: &mut Finding,
    rule: &Rule,
    request: Option<Request>,
    file: Option<(&str, &LineIndex)>,
) {
    let action = request.as_ref().and_then(|r| r.action.clone());
    let action_sent = request
        .as_ref()
        .is_some_and(|r| r.knowledge("action") != Knowledge::Absent);
    match rule.advice_for(action.as_deref()) {
        ActionAdvice::Endpoint => {}
        ActionAdvice::Moves(scope) => {
            if scope.replacement != rule.replacement {
                // Another path than the rule's: the planned rewrite is not it.
                f.replacement = scope.replacement.clone();
                f.suggested = None;
                f.fix = None;
                f.manual_fix = None;
            }
        }
        ActionAdvice::NoneFor(scope) => {
            let action = action.unwrap_or_default();
            let message = format!(
                "action={action} is {} — no replacement is published for this action",
                scope.note
            );
            withhold(f, &message);
            f.request_checks.push(RequestCheck {
                level: CheckLevel::Warning,
                code: "action-no-replacement".to_string(),
                message,
                source: scope.source.clone(),
            });
        }
        ActionAdvice::Unknown => {
            let moves: Vec<String> = rule
                .actions
                .iter()
                .filter_map(|a| {
                    a.replacement
                        .as_ref()
                        .map(|r| format!("action={} to {r}", a.names.join("|")))
                })
                .collect();
            let why = match (&action, action_sent, &request) {
                (Some(a), _, _) => format!("action={a} is not covered by the sources"),
                (None, true, _) => "the action of this request is not a literal".to_string(),
                (None, false, Some(_)) => "no action is visible in this request".to_string(),
                (None, false, None) => {
                    "the request is not read where the URL is assembled across functions or files"
                        .to_string()
                }
            };
            let message = format!(
                "{why}; {} moves only {}, so no replacement is suggested",
                rule.endpoint_display,
                if moves.is_empty() {
                    "some actions".to_string()
                } else {
                    moves.join(", ")
                }
            );
            withhold(f, &message);
            f.request_checks.push(RequestCheck {
                level: CheckLevel::Warning,
                code: "action-unknown".to_string(),
                message,
                source: rule
                    .actions
                    .first()
                    .map_or_else(|| rule.source.clone(), |a| a.source.clone()),
            });
        }
    }
    if let Some(r) = &request {
        for pc in &rule.param_checks {
            for check in crate::model::request::evaluate(std::slice::from_ref(pc), r) {
                // A parameter the replacement requires and the request
                // lacks: a rewrite of the version alone gives a request that
                // fails, unless the fix can add the parameter too.
                if check.code == "param-required" && check.level >= CheckLevel::Warning {
                    let added = match (&pc.rule, &pc.add, file, f.fix.as_mut()) {
                        (
                            ParamRule::Required { param },
                            Some(value),
                            Some((text, index)),
                            Some(fix),
                        ) => insertion(text, index, r, fix, param, value).map(|edit| {
                            fix.reasons
                                .push(format!("adds {param}={value} ({})", check.message));
                            fix.edits.push(edit);
                            fix.edits.sort();
                        }),
                        _ => None,
                    };
                    if added.is_none() {
                        f.fix = None;
                        f.manual_fix = Some(check.message.clone());
                    }
                }
                f.request_checks.push(check);
            }
        }
    }
    f.request = request.filter(|r| !r.is_empty());
}

/// The edit that adds `name=value` to the request, where that is
/// unambiguous: after the last entry of a literal dictionary or object
/// (`{'k': 'v'}`, `{"k": "v"}`, `{k: 'v'}`) holding the request's last
/// parameter, or at the end of a literal query string in the URL literal
/// the fix already rewrites. Anything else (a keyword argument, a shell or
/// PowerShell body, a computed value, a Postman collection): `None`, and
/// the fix is withheld.
fn insertion(
    text: &str,
    index: &LineIndex,
    request: &Request,
    fix: &Fix,
    name: &str,
    value: &str,
) -> Option<Edit> {
    let at = |pos: usize, to: String| {
        let (line, column) = index.line_col(pos);
        Edit {
            start: pos,
            end: pos,
            line,
            column,
            from: String::new(),
            to,
        }
    };
    let bytes = text.as_bytes();
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    };
    // A literal dictionary or object: the last parameter read from one.
    let last = request
        .params
        .iter()
        .filter(|p| p.source != crate::model::request::ParamSource::Query)
        .max_by_key(|p| p.offset);
    if let Some(p) = last {
        let value_lit = p.value.as_deref()?;
        let start = p.offset;
        let key_quote = start
            .checked_sub(1)
            .map(|i| bytes[i])
            .filter(|b| matches!(b, b'\'' | b'"'));
        let mut i = start + p.name.len();
        if text.get(start..i)? != p.name {
            return None;
        }
        if let Some(q) = key_quote {
            if bytes.get(i) != Some(&q) {
                return None;
            }
            i += 1;
        }
        i = skip_ws(i);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(i + 1);
        let vq = *bytes.get(i).filter(|b| matches!(b, b'\'' | b'"'))?;
        let close = i + 1 + value_lit.len();
        if text.get(i + 1..close)? != value_lit || bytes.get(close) != Some(&vq) {
            return None;
        }
        let after = close + 1;
        // The entry must end the object: `}` after an optional comma.
        let mut j = skip_ws(after);
        if bytes.get(j) == Some(&b',') {
            j = skip_ws(j + 1);
        }
        if bytes.get(j) != Some(&b'}') {
            return None;
        }
        let key = match key_quote {
            Some(q) => format!("{0}{name}{0}", q as char),
            None => name.to_string(),
        };
        return Some(at(after, format!(", {key}: {0}{value}{0}", vq as char)));
    }
    // A literal query string in the URL literal the fix rewrites.
    let edit = fix.edits.first()?;
    let line_start = text[..edit.start].rfind('\n').map_or(0, |p| p + 1);
    let open = text[line_start..edit.start].rfind(['\'', '"'])? + line_start;
    let q = bytes[open];
    let close = text[edit.end..].find(q as char)? + edit.end;
    let literal = &text[open + 1..close];
    let query = literal.split_once('?')?.1;
    let literal_query = !query.is_empty()
        && !query.ends_with('&')
        && query.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'=' | b'&' | b'_' | b'-' | b'.' | b'%')
        });
    if !literal_query || text[edit.end..close].contains('#') {
        return None;
    }
    Some(at(close, format!("&{name}={value}")))
}

/// No replacement, no rewrite: the sources publish none for this request;
/// `why` is what `fix` lists for it.
fn withhold(f: &mut Finding, why: &str) {
    f.replacement = None;
    f.suggested = None;
    f.fix = None;
    f.manual_fix = Some(why.to_string());
}

/// Safe when the rule says the replacement is a drop-in; unsafe otherwise,
/// with the rule's breaking changes as the reasons (never words searched
/// in its notes).
pub fn applicability(rule: &Rule) -> (Applicability, Vec<String>) {
    if rule.safe_fix {
        return (Applicability::Safe, Vec::new());
    }
    let mut reasons = vec![format!(
        "no source says {} is a drop-in for {}",
        rule.replacement.as_deref().unwrap_or("the replacement"),
        rule.endpoint_display
    )];
    reasons.extend(rule.breaking_changes.iter().cloned());
    (Applicability::Unsafe, reasons)
}

fn edit(index: &LineIndex, start: usize, written: &str, swap: &VersionSwap) -> Edit {
    let (line, column) = index.line_col(start);
    Edit {
        start,
        end: start + written.len(),
        line,
        column,
        from: written.to_string(),
        to: in_case_of(written, &swap.new),
    }
}

/// Byte span in `joined` of path segment `index` (0 = the root, `api`) of
/// the path at `path`, empty segments skipped as `canonical_path` does.
fn segment_span(joined: &str, path: PathSpan, index: usize) -> Option<(usize, usize)> {
    let region = joined.get(path.start..path.end)?;
    let mut at = path.start;
    let mut k = 0;
    for part in region.split('/') {
        if !part.is_empty() {
            if k == index {
                return Some((at, at + part.len()));
            }
            k += 1;
        }
        at += part.len() + 1;
    }
    None
}

/// Start byte of each segment in the joined text, and the end.
fn seg_starts(segs: &[Seg]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(segs.len() + 1);
    let mut at = 0;
    for s in segs {
        starts.push(at);
        at += s.text.len();
    }
    starts.push(at);
    starts
}

/// `new` in the letter case of `written`: upper case when every letter of
/// `written` is, as published otherwise (`/sm/V1/` becomes `/sm/V5/`).
fn in_case_of(written: &str, new: &str) -> String {
    let mut letters = written.chars().filter(char::is_ascii_alphabetic).peekable();
    if letters.peek().is_some() && letters.all(|c| c.is_ascii_uppercase()) {
        new.to_ascii_uppercase()
    } else {
        new.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_version_keeps_the_case_it_replaces() {
        assert_eq!(in_case_of("V1", "v5"), "V5");
        assert_eq!(in_case_of("v1", "v5"), "v5");
        assert_eq!(in_case_of("2.0", "3.0"), "3.0");
        assert_eq!(in_case_of("Vx", "v5"), "v5");
    }

    #[test]
    fn segments_are_counted_as_canonical_paths_count_them() {
        let j = "https://h//api/2.0/fo/scan/";
        let p = PathSpan {
            start: j.find("/api").expect("present") - 1,
            end: j.len(),
        };
        let (a, b) = segment_span(j, p, 1).expect("version");
        assert_eq!(&j[a..b], "2.0");
        assert_eq!(segment_span(j, p, 9), None);
    }
}
