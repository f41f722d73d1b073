//! Inline suppressions: `sunset: ignore[rule-id] reason` in any comment
//! syntax, on the finding's line or alone on the line above it.
//!
//! The marker is found by text, not by parsing comments, so it works the
//! same in every language sunset reads (`#`, `//`, `/* */`, `<!-- -->`,
//! `REM`, `'`, `--`, `;`…). On the line above, the marker must be the
//! line's only content (after a comment leader): a trailing comment on the
//! previous statement belongs to that statement, not to the next one.

use std::sync::OnceLock;

use regex::Regex;

pub use crate::model::Inline;
use crate::model::{Notice, Report, SuppressedBy, Suppression};

fn marker() -> &'static Regex {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER.get_or_init(|| {
        Regex::new(
            r"sunset:[ \t]*ignore(?:\[([^\]\r\n]*)\])?(?:[ \t:—–-]+(.*)|$|[ \t]*(\*/|-->|#>|%>).*)",
        )
        .unwrap_or_else(|e| panic!("suppression marker regex: {e}"))
    })
}

/// Parses the suppression comment on `line`, if any.
pub fn parse_line(line: &str) -> Option<Inline> {
    if !line.contains("sunset:") {
        return None;
    }
    let caps = marker().captures(line)?;
    let whole = caps.get(0)?;
    let rules = caps
        .get(1)
        .map(|m| {
            m.as_str()
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let reason = caps
        .get(2)
        .map(|m| clean_reason(m.as_str()))
        .filter(|r| !r.is_empty());
    let prefix = line[..whole.start()].trim();
    let alone = prefix.is_empty()
        || prefix.eq_ignore_ascii_case("rem")
        || prefix.chars().all(|c| "#/*-;!<'%".contains(c));
    Some(Inline {
        rules,
        reason,
        alone,
        unknown: Vec::new(),
        used: false,
    })
}

/// Strips comment closers and surrounding punctuation from a reason.
fn clean_reason(text: &str) -> String {
    let mut t = text.trim();
    for closer in ["*/", "-->", "#>", "%>", "\"\"\"", "'''"] {
        if let Some(rest) = t.strip_suffix(closer) {
            t = rest.trim_end();
        }
    }
    t.trim().to_string()
}

/// Every `sunset: ignore` comment of a file's text, as (1-based line,
/// comment). The scanner calls this on each file it parses; a file without
/// the marker costs one substring search.
pub fn comments_in(text: &str) -> Vec<(usize, Inline)> {
    if memchr::memmem::find(text.as_bytes(), b"sunset:").is_none() {
        return Vec::new();
    }
    text.split('\n')
        .enumerate()
        .filter_map(|(i, line)| parse_line(line.trim_end_matches('\r')).map(|s| (i + 1, s)))
        .collect()
}

/// The index in `lines` (one file's comments, sorted by line) of the
/// comment that suppresses a finding of `rule` on `line`: the one on the
/// same line, else one alone on the line above.
pub fn covering(lines: &[(usize, Inline)], line: usize, rule: &str) -> Option<usize> {
    let comment_at = |line: usize| lines.binary_search_by_key(&line, |(l, _)| *l).ok();
    let same = comment_at(line).filter(|&k| lines[k].1.covers(rule));
    same.or_else(|| {
        comment_at(line.checked_sub(1)?).filter(|&k| lines[k].1.alone && lines[k].1.covers(rule))
    })
}

/// Checks the comments the scanner collected against the rules and the
/// scan's findings (of every status, before any date applies): records the
/// ids no rule has and whether each comment suppresses anything.
pub fn check_comments(
    comments: &mut std::collections::BTreeMap<String, Vec<(usize, Inline)>>,
    findings: &[crate::model::Finding],
    is_rule: impl Fn(&str) -> bool,
) {
    for lines in comments.values_mut() {
        for (_, c) in lines.iter_mut() {
            c.unknown = c.rules.iter().filter(|r| !is_rule(r)).cloned().collect();
        }
    }
    for f in findings {
        if let Some(lines) = comments.get_mut(&f.path) {
            if let Some(k) = covering(lines, f.line, &f.rule) {
                lines[k].1.used = true;
            }
        }
    }
}

/// The warnings about the suppression comments themselves (ruff's RUF100):
/// an id in brackets that names no rule, and a comment that suppresses
/// nothing. A comment with an unknown id is reported for that only.
pub fn comment_notices(
    comments: &std::collections::BTreeMap<String, Vec<(usize, Inline)>>,
) -> Vec<Notice> {
    let mut out = Vec::new();
    for (path, lines) in comments {
        for (line, c) in lines {
            let at = format!("{path}:{line}");
            for id in &c.unknown {
                out.push(Notice {
                    path: at.clone(),
                    message: format!(
                        "unknown rule id `{id}` in `sunset: ignore[…]`: it suppresses nothing \
                         (`sunset rules` lists the ids)"
                    ),
                });
            }
            if c.unknown.is_empty() && !c.used {
                out.push(Notice {
                    path: at,
                    message: "unused suppression: this `sunset: ignore` matches no finding \
                              on its line or the next; remove it"
                        .to_string(),
                });
            }
        }
    }
    out
}

/// Marks findings covered by an inline suppression (from the comments the
/// scanner collected), adds the warnings about unknown ids and unused
/// comments to the report's notices, and returns a notice for every
/// suppression comment that gives no reason.
pub fn apply(report: &mut Report) -> Vec<Notice> {
    let mut unexplained = Vec::new();
    let comments = &report.suppression_comments;
    report.summary.notices.extend(comment_notices(comments));
    report.summary.notices.sort();
    report.summary.notices.dedup();
    for f in report
        .findings
        .iter_mut()
        .filter(|f| f.suppressed.is_none())
    {
        let Some(lines) = comments.get(&f.path) else {
            continue;
        };
        if let Some((line, s)) = covering(lines, f.line, &f.rule).map(|k| (lines[k].0, &lines[k].1))
        {
            let at = format!("{}:{line}", f.path);
            if s.reason.is_none() {
                unexplained.push(Notice {
                    path: at.clone(),
                    message: "`sunset: ignore` without a reason: say why after it, e.g. \
                              `sunset: ignore[rule-id] migrating in Q1, see TICKET-123`"
                        .to_string(),
                });
            }
            f.suppressed = Some(Suppression {
                by: SuppressedBy::Inline,
                reason: s.reason.as_deref().map(crate::redact::redact_str),
                at,
            });
        }
    }
    unexplained.sort();
    unexplained.dedup();
    unexplained
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_comment_syntax() {
        for line in [
            "# sunset: ignore[qualys.scan.v2] migrating in Q1",
            "// sunset: ignore[qualys.scan.v2] migrating in Q1",
            "/* sunset: ignore[qualys.scan.v2] migrating in Q1 */",
            "<!-- sunset: ignore[qualys.scan.v2] migrating in Q1 -->",
            "REM sunset: ignore[qualys.scan.v2] migrating in Q1",
            "-- sunset: ignore[qualys.scan.v2]: migrating in Q1",
        ] {
            let s = parse_line(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(s.rules, vec!["qualys.scan.v2".to_string()], "{line}");
            assert_eq!(s.reason.as_deref(), Some("migrating in Q1"), "{line}");
            assert!(s.alone, "{line}");
        }
    }

    #[test]
    fn rule_list_optional_and_reason_optional() {
        let s = parse_line("x = f('/api/2.0/fo/scan/')  # sunset: ignore").expect("marker");
        assert!(s.rules.is_empty());
        assert_eq!(s.reason, None);
        assert!(!s.alone, "code precedes the marker");
        let s = parse_line("# sunset: ignore[a, b ]").expect("marker");
        assert_eq!(s.rules, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(s.reason, None);
        let s = parse_line("/* sunset: ignore */").expect("marker");
        assert_eq!(s.reason, None);
    }

    #[test]
    fn comments_in_numbers_lines_and_ignores_crlf() {
        let text = "a = 1\r\n# sunset: ignore[r] moving in Q1\r\nb = '/api/2.0/fo/scan/'  # sunset: ignore\n";
        let found = comments_in(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, 2);
        assert_eq!(found[0].1.reason.as_deref(), Some("moving in Q1"));
        assert!(found[0].1.alone);
        assert_eq!(found[1].0, 3);
        assert!(!found[1].1.alone);
        assert!(comments_in("no marker here\n").is_empty());
    }

    #[test]
    fn not_a_marker() {
        assert_eq!(parse_line("# sunset: ignored files are counted"), None);
        assert_eq!(parse_line("# sunset is at 18:00"), None);
        assert_eq!(parse_line("nothing here"), None);
    }
}
