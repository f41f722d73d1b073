//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request.
//!
//! One command per finding:
//! `::error file=P,line=L,col=C,endLine=L,endColumn=C,title=T::MESSAGE`,
//! `error`/`warning`/`notice` from [`Finding::level`] (the gate's verdict in
//! `check`, the status in `audit`). A suppressed finding is always a
//! `notice` whose message says it is suppressed, by what and why: it stays
//! visible without drawing a red annotation. Values are escaped exactly as
//! `@actions/core` does (`escapeData` for the message, `escapeProperty` for
//! `file=`, `title=`…), so a `,` or `:` in a path cannot end a property.
//! The last line is a plain summary (the counts, and with a gate whether it
//! passed and why), which the runner shows as ordinary log text.

use super::concise::message;
use crate::model::Report;
use crate::model::{Finding, FindingKind, Severity};

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}", command(f))?;
    }
    // Notices (unreadable files, unknown or unused suppressions…) are
    // warning annotations, on their line when they name one.
    for n in &report.summary.notices {
        let located = n
            .path
            .rsplit_once(':')
            .filter(|(_, line)| !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()));
        match located {
            Some((file, line)) => writeln!(
                out,
                "::warning file={},line={line},title=sunset notice::{}",
                escape_property(file),
                escape_data(&n.message)
            )?,
            None => writeln!(
                out,
                "::warning title=sunset notice::{}",
                escape_data(&format!("{}: {}", n.path, n.message))
            )?,
        }
    }
    writeln!(out, "{}", escape_data(&summary(report)))
}

fn command(f: &Finding) -> String {
    let (name, text) = match &f.suppressed {
        Some(s) => {
            let why = s.reason.as_deref().unwrap_or("no reason given");
            (
                "notice",
                format!(
                    "Suppressed ({} at {}: {why}). {}",
                    s.by.as_str(),
                    s.at,
                    message(f)
                ),
            )
        }
        None => {
            let name = match f.level() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note | Severity::None => "notice",
            };
            (name, message(f))
        }
    };
    let kind = match f.kind {
        FindingKind::Call => "",
        FindingKind::Mention => " mention",
        FindingKind::Test => " test",
        FindingKind::Library => " library",
    };
    let title = format!("{} {}{kind}: {}", f.status.label(), f.rule, f.endpoint);
    format!(
        "::{name} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&f.path),
        f.line,
        f.column,
        f.end_line,
        f.end_column,
        escape_property(&title),
        escape_data(&text)
    )
}

/// "sunset: 5 findings (1 EOL, 2 EOS, 2 deprecated), 1 suppressed as of
/// 2026-11-23; gate failed: 2 findings at --fail-on eos, 1 warning,
/// baseline b.json: 1 known, 5 new, 0 fixed".
fn summary(report: &Report) -> String {
    let s = &report.summary;
    let by_status: Vec<String> = s
        .by_status
        .iter()
        .rev()
        .filter(|(_, &n)| n > 0)
        .map(|(status, n)| format!("{n} {}", status.label()))
        .collect();
    let mut line = match &report.repo_name {
        Some(repo) => format!("sunset ({repo}): "),
        None => "sunset: ".to_string(),
    };
    let total = report.findings.len();
    line.push_str(&format!(
        "{total} finding{}",
        if total == 1 { "" } else { "s" }
    ));
    if !by_status.is_empty() {
        line.push_str(&format!(" ({})", by_status.join(", ")));
    }
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    line.push_str(&format!(" as of {}", report.as_of));
    if let Some(gate) = &report.gate {
        if gate.passed {
            line.push_str(&format!(
                "; gate passed: no finding fails at --fail-on {}",
                gate.fail_on.as_str()
            ));
        } else {
            line.push_str(&format!(
                "; gate failed: {} finding{} at --fail-on {}",
                gate.failing,
                if gate.failing == 1 { "" } else { "s" },
                gate.fail_on.as_str()
            ));
        }
        let mut extra = Vec::new();
        if gate.warnings > 0 {
            extra.push(plural(gate.warnings, "warning"));
        }
        if !gate.expired_waivers.is_empty() {
            extra.push(plural(gate.expired_waivers.len(), "expired waiver"));
        }
        if !gate.unexplained_suppressions.is_empty() {
            extra.push(format!(
                "{} without a reason",
                plural(gate.unexplained_suppressions.len(), "suppression")
            ));
        }
        if let Some(b) = &gate.baseline {
            extra.push(format!(
                "baseline {}: {} known, {} new, {} fixed",
                b.file,
                b.known,
                b.new,
                b.fixed.len()
            ));
        }
        for e in extra {
            line.push_str(", ");
            line.push_str(&e);
        }
    }
    line
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `escapeData` of `@actions/core`: the message after `::`; other control
/// and bidi characters as `\u{..}` (the log viewer obeys ANSI escapes).
fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::display::escape(&s).into_owned()
}

/// `escapeProperty` of `@actions/core`: a `key=value` inside the command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("a%b:c,d\n"), "a%25b%3Ac%2Cd%0A");
    }
}
