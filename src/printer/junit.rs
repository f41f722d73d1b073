//! `--format junit`: JUnit XML, for CI systems that show test reports.
//!
//! One `<testsuite name="PATH">` per file with findings, one `<testcase
//! classname="PATH" name="RULE at LINE:COL">` per finding. A finding at
//! level error ([`Finding::level`]: verdict `fail` in `check`, an EOL status
//! in `audit`) is a `<failure type="STATUS">`; a suppressed one is
//! `<skipped>` with the suppression and its reason; any other passes and
//! carries its detail in `<system-out>`, so the report still lists every
//! use. A clean scan is an empty `<testsuites>`.
//!
//! Every attribute and text is escaped; characters XML 1.0 forbids (control
//! characters other than tab, newline and carriage return, U+FFFE, U+FFFF)
//! become U+FFFD, so a hostile path cannot make the document unreadable.

use std::fmt::Write as _;

use super::concise::message;
use crate::model::Report;
use crate::model::{Finding, Severity};

enum Outcome {
    Failure,
    Skipped,
    Passed,
}

fn outcome(f: &Finding) -> Outcome {
    if f.suppressed.is_some() {
        Outcome::Skipped
    } else if f.level() == Severity::Error {
        Outcome::Failure
    } else {
        Outcome::Passed
    }
}

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let count = |fs: &[Finding], pick: fn(&Outcome) -> bool| {
        fs.iter().filter(|f| pick(&outcome(f))).count()
    };
    let failures = |o: &Outcome| matches!(o, Outcome::Failure);
    let skipped = |o: &Outcome| matches!(o, Outcome::Skipped);

    let all = &report.findings;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"sunset\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\">",
        all.len(),
        count(all, failures),
        count(all, skipped)
    );
    // Findings are sorted by path, so each file's findings are contiguous.
    for group in all.chunk_by(|a, b| a.path == b.path) {
        let path = attr(&group[0].path);
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"0\">",
            group.len(),
            count(group, failures),
            count(group, skipped)
        );
        for f in group {
            write_case(&mut xml, f, &path);
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}

fn write_case(xml: &mut String, f: &Finding, path: &str) {
    let _ = writeln!(
        xml,
        "    <testcase classname=\"{path}\" name=\"{}\">",
        attr(&format!("{} at {}", f.rule, f.position()))
    );
    let detail = text(&detail(f));
    match (outcome(f), &f.suppressed) {
        (Outcome::Skipped, Some(s)) => {
            let why = s.reason.as_deref().unwrap_or("no reason given");
            let _ = writeln!(
                xml,
                "      <skipped message=\"{}\"/>",
                attr(&format!(
                    "suppressed ({} at {}): {why}",
                    s.by.as_str(),
                    s.at
                ))
            );
            let _ = writeln!(xml, "      <system-out>{detail}</system-out>");
        }
        (Outcome::Failure, _) => {
            let _ = writeln!(
                xml,
                "      <failure message=\"{}\" type=\"{}\">{detail}</failure>",
                attr(&message(f)),
                f.status.as_str()
            );
        }
        _ => {
            let _ = writeln!(xml, "      <system-out>{detail}</system-out>");
        }
    }
    xml.push_str("    </testcase>\n");
}

/// The message plus where, what was matched and the source, one per line.
fn detail(f: &Finding) -> String {
    let mut d = format!(
        "{}:{}: {}\nmatched: {}\n",
        f.path,
        f.position(),
        message(f),
        f.matched
    );
    if let Some(via) = f.via() {
        let _ = writeln!(d, "via: {via}");
    }
    let _ = write!(d, "source: {} ({})", f.source.title, f.source.date);
    if let Some(url) = &f.source.url {
        let _ = write!(d, " {url}");
    }
    if let Some(v) = f.verdict {
        let _ = write!(d, "\nverdict: {}", v.as_str());
    }
    d
}

/// Escapes text content.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (quoted with `"`); newlines and tabs become
/// character references so attribute normalisation keeps them.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if allowed_in_xml(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// XML 1.0 `Char`, tab/newline/carriage return handled by the caller.
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(attr("a&b<c>\"d'\n"), "a&amp;b&lt;c&gt;&quot;d&apos;&#10;");
        assert_eq!(
            text("x\u{0}y\u{1b}\u{fffe}\tz\n"),
            "x\u{fffd}y\u{fffd}\u{fffd}\tz\n"
        );
    }
}
