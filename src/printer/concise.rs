//! `--format concise`: one grep-friendly line per finding.
//!
//! ```text
//! ci/scan.sh:3:85: eos qualys-scan-v2 /api/2.0/fo/scan/ -> /api/3.0/fo/scan/ (EOL December 2026, 8 days left)
//! ```
//!
//! `path:line:col:` comes first so editors and `grep`-style tooling jump to
//! it; the status is the lowercase word of the JSON output so a pipe can
//! filter on it. Mentions, unconfirmed rules, suppressed findings and the
//! gate's verdict are short bracketed suffixes after the deadline, so the
//! fixed part of the line never moves. There is no summary line: every line
//! is a finding, and `wc -l` counts them (the exit status still tells the
//! gate's outcome). Control characters in any field are shown as `\u{..}`
//! escapes so one finding is always exactly one line.
//!
//! This module also holds the phrases the other CI printers share
//! ([`deadline`], [`message`]), so every format words a finding the same way.

use crate::model::Report;
use crate::model::{Finding, FindingKind, Verdict};
use crate::rules::{Deadline, Status};

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}", line(f))?;
    }
    Ok(())
}

fn line(f: &Finding) -> String {
    let target = f
        .replacement
        .as_deref()
        .unwrap_or("(no replacement published)");
    let mut text = format!(
        "{}:{}: {} {} {} -> {} ({})",
        f.path,
        f.position(),
        f.status.as_str(),
        f.rule,
        f.endpoint,
        target,
        deadline(f)
    );
    if f.kind != FindingKind::Call {
        text.push_str(&format!(" [{}]", f.kind.as_str()));
    }
    if !f.confirmed {
        text.push_str(" [unconfirmed]");
    }
    if let Some(s) = &f.suppressed {
        match &s.reason {
            Some(reason) => text.push_str(&format!(" [suppressed: {reason}]")),
            None => text.push_str(&format!(" [suppressed: {}]", s.by.as_str())),
        }
    }
    // Only a failing verdict adds noise: "warn"/"pass" already show in the
    // status and the exit code, and `audit` has no verdict at all.
    if f.verdict == Some(Verdict::Fail) {
        text.push_str(" [fail]");
    }
    // Control and bidi characters as `\u{..}` so a crafted path cannot
    // split a line, drive a terminal or reorder what is shown.
    crate::display::escape(&text).into_owned()
}

/// The deadline that matters, in words with the days counted:
/// "EOL December 2026, 8 days left", "EOL June 2026, 175 days ago",
/// "EOS December 2025, 357 days ago; no EOL date published".
pub(super) fn deadline(f: &Finding) -> String {
    if let Some(next) = &f.next_deadline {
        return match f.days_left {
            Some(days) => format!(
                "{} {}, {}",
                next.milestone.label(),
                next.words,
                days_phrase(days)
            ),
            None => format!("{} {}", next.milestone.label(), next.words),
        };
    }
    // Before its replacement is published the endpoint is current: no
    // deadline is counted or named.
    if f.status == Status::Active {
        if let Some(p) = f.replacement_published {
            return format!("no deadline before its replacement is published ({p})");
        }
    }
    // Past every published deadline: `days_left` counts from the last one.
    let words = |d: &Option<Deadline>| d.map(Deadline::words);
    let days = f
        .days_left
        .map(|d| format!(", {}", days_phrase(d)))
        .unwrap_or_default();
    match (f.status, words(&f.eos), words(&f.eol)) {
        (_, _, Some(eol)) => format!("EOL {eol}{days}"),
        (Status::Eos, Some(eos), None) => {
            format!("EOS {eos}{days}; no EOL date published")
        }
        _ => "no EOS or EOL date published".to_string(),
    }
}

/// "8 days left", "1 day left", "today", "1 day ago", "175 days ago".
fn days_phrase(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "1 day left".to_string(),
        -1 => "1 day ago".to_string(),
        d if d > 0 => format!("{d} days left"),
        d => format!("{} days ago", d.unsigned_abs()),
    }
}

/// "past End of Life", "past End of Support", "deprecated".
pub(super) fn status_words(status: Status) -> &'static str {
    match status {
        Status::Eol => "past End of Life",
        Status::Eos => "past End of Support",
        Status::Deprecated => "deprecated",
        Status::Active => "active",
    }
}

/// One sentence for annotations and messages: the status, the endpoint,
/// the deadline and what to use instead, e.g. "Scan API /api/2.0/fo/scan/
/// is past End of Support (EOL December 2026, 8 days left). Use
/// /api/3.0/fo/scan/: https://…/api/3.0/fo/scan/?action=list".
pub(super) fn message(f: &Finding) -> String {
    let mut text = format!(
        "{} {} is {} ({}).",
        f.name,
        f.endpoint,
        status_words(f.status),
        deadline(f)
    );
    match (&f.replacement, &f.suggested) {
        (Some(r), Some(s)) if s != r => text.push_str(&format!(" Use {r}: {s}")),
        (Some(r), _) => text.push_str(&format!(" Use {r}.")),
        (None, _) => text.push_str(" No replacement endpoint is published."),
    }
    match f.kind {
        FindingKind::Call => {}
        FindingKind::Mention => text.push_str(" (Mentioned in a comment or text, not called.)"),
        FindingKind::Test => text.push_str(" (In a test, fixture or mock.)"),
        FindingKind::Library => text.push_str(" (Through a client library.)"),
    }
    // CI annotations sit on the notebook's own line (its JSON); the cell
    // is where the user edits.
    if let Some(at) = f.notebook {
        text.push_str(&format!(
            " (Notebook cell {}, line {}, column {}.)",
            at.cell, at.line, at.column
        ));
    }
    if !f.confirmed {
        text.push_str(" (Unconfirmed: the rule rests on secondary evidence only.)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_worded_both_ways() {
        assert_eq!(days_phrase(8), "8 days left");
        assert_eq!(days_phrase(1), "1 day left");
        assert_eq!(days_phrase(0), "today");
        assert_eq!(days_phrase(-1), "1 day ago");
        assert_eq!(days_phrase(-175), "175 days ago");
    }

    #[test]
    fn control_characters_cannot_split_a_line() {
        assert_eq!(
            crate::display::escape("a\nb\u{1b}[31m\u{202e}"),
            "a\\u{a}b\\u{1b}[31m\\u{202e}"
        );
    }
}
