//! `--format csv`: one row per finding with every field of the JSON
//! finding, for spreadsheets and roll-ups across repositories.
//!
//! - Columns: `repo` (`--repo-name`, empty without it) and `as_of` first,
//!   so files from many repositories or days concatenate into one table;
//!   then every JSON field, nested objects flattened with dotted names
//!   (`next_deadline.date`, `source.url`, `suppressed.reason`, …). A null
//!   is an empty cell; booleans are `true`/`false`. A field added later
//!   (`notebook.cell`, `notebook.line`, `notebook.column`) is appended
//!   after the others: no column ever moves.
//! - RFC 4180: a header row, CRLF line ends, a field holding `,`, `"`, CR or
//!   LF is quoted and its quotes doubled. The header is written even when
//!   there are no findings.
//! - Formula injection: a text cell starting with `=`, `+`, `-`, `@`, tab or
//!   CR gets a leading `'`, so a spreadsheet shows it instead of evaluating
//!   it (paths and matched URLs come from the scanned code). Numbers sunset
//!   writes itself (lines, columns, `days_left`, which can be negative) are
//!   left as they are: a number cannot be a formula.

use crate::model::Finding;
use crate::model::Report;
use crate::rules::{Deadline, Evidence};

/// A cell: text from the scanned code or the rules (guarded against
/// formulas), or a number sunset wrote.
enum Cell {
    Text(String),
    Number(String),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: Option<&str>) -> Cell {
    text(s.unwrap_or_default())
}

fn num(n: impl ToString) -> Cell {
    Cell::Number(n.to_string())
}

type Column = (&'static str, fn(&Finding) -> Cell);

/// Every column after `repo` and `as_of`, in JSON field order, then the
/// columns added since (appended, so a column never moves for a sheet or
/// script that reads them by position).
const COLUMNS: &[Column] = &[
    ("path", |f| text(&f.path)),
    ("line", |f| num(f.line)),
    ("column", |f| num(f.column)),
    ("end_line", |f| num(f.end_line)),
    ("end_column", |f| num(f.end_column)),
    ("rule", |f| text(&f.rule)),
    ("name", |f| text(&f.name)),
    ("endpoint", |f| text(&f.endpoint)),
    ("matched", |f| text(&f.matched)),
    ("replacement", |f| opt(f.replacement.as_deref())),
    ("suggested", |f| opt(f.suggested.as_deref())),
    ("status", |f| text(f.status.as_str())),
    ("eos", |f| opt(f.eos.map(Deadline::published).as_deref())),
    ("eol", |f| opt(f.eol.map(Deadline::published).as_deref())),
    ("days_left", |f| f.days_left.map_or_else(|| text(""), num)),
    ("next_deadline.milestone", |f| {
        opt(f
            .next_deadline
            .as_ref()
            .map(|n| n.milestone.label().to_ascii_lowercase())
            .as_deref())
    }),
    ("next_deadline.date", |f| {
        opt(f.next_deadline.as_ref().map(|n| n.date.as_str()))
    }),
    ("next_deadline.words", |f| {
        opt(f.next_deadline.as_ref().map(|n| n.words.as_str()))
    }),
    ("severity", |f| text(f.severity.as_str())),
    ("kind", |f| text(f.kind.as_str())),
    ("confirmed", |f| text(f.confirmed.to_string())),
    // A list in one cell: `eos`, `eol` or `eos;eol`.
    ("unconfirmed_dates", |f| {
        text(
            f.unconfirmed_dates
                .iter()
                .map(|m| m.label().to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(";"),
        )
    }),
    ("confidence", |f| text(f.confidence.as_str())),
    ("via", |f| opt(f.via().as_deref())),
    // Lists of objects share one cell: each as compact JSON, `;`-separated.
    ("origins", |f| text(json_list(&f.origins))),
    ("source.title", |f| text(&f.source.title)),
    ("source.date", |f| text(&f.source.date)),
    ("source.url", |f| opt(f.source.url.as_deref())),
    ("source.evidence", |f| {
        text(match f.source.evidence {
            Evidence::Primary => "primary",
            Evidence::Secondary => "secondary",
        })
    }),
    ("fix.applicability", |f| {
        opt(f.fix.as_ref().map(|x| x.applicability.as_str()))
    }),
    ("fix.reasons", |f| {
        opt(f.fix.as_ref().map(|x| x.reasons.join(";")).as_deref())
    }),
    ("fix.edits", |f| {
        opt(f.fix.as_ref().map(|x| json_list(&x.edits)).as_deref())
    }),
    ("manual_fix", |f| opt(f.manual_fix.as_deref())),
    ("library.name", |f| {
        opt(f.library.as_ref().map(|l| l.name.as_str()))
    }),
    ("library.ecosystem", |f| {
        opt(f.library.as_ref().map(|l| l.ecosystem.as_str()))
    }),
    ("library.requirement", |f| {
        opt(f.library.as_ref().and_then(|l| l.requirement.as_deref()))
    }),
    ("library.pinned", |f| {
        opt(f.library.as_ref().and_then(|l| l.pinned.as_deref()))
    }),
    ("library.method", |f| {
        opt(f.library.as_ref().and_then(|l| l.method.as_deref()))
    }),
    ("library.endpoints", |f| {
        opt(f.library.as_ref().map(|l| l.endpoints.join(";")).as_deref())
    }),
    ("library.upgrade", |f| {
        opt(f.library.as_ref().and_then(|l| l.upgrade.as_deref()))
    }),
    ("library.vendored", |f| {
        opt(f.library.as_ref().and_then(|l| l.vendored.as_deref()))
    }),
    ("request.method", |f| {
        opt(f.request.as_ref().and_then(|r| r.method.as_deref()))
    }),
    ("request.action", |f| {
        opt(f.request.as_ref().and_then(|r| r.action.as_deref()))
    }),
    ("request.params", |f| {
        opt(f.request.as_ref().map(|r| json_list(&r.params)).as_deref())
    }),
    ("request_checks", |f| text(json_list(&f.request_checks))),
    ("fingerprint", |f| text(&f.fingerprint)),
    ("suppressed.by", |f| {
        opt(f.suppressed.as_ref().map(|s| s.by.as_str()))
    }),
    ("suppressed.reason", |f| {
        opt(f.suppressed.as_ref().and_then(|s| s.reason.as_deref()))
    }),
    ("suppressed.at", |f| {
        opt(f.suppressed.as_ref().map(|s| s.at.as_str()))
    }),
    ("verdict", |f| opt(f.verdict.map(|v| v.as_str()))),
    ("notebook.cell", |f| cell_position(f, |n| n.cell)),
    ("notebook.line", |f| cell_position(f, |n| n.line)),
    ("notebook.column", |f| cell_position(f, |n| n.column)),
];

/// One number of a notebook finding's cell position; empty elsewhere.
fn cell_position(f: &Finding, get: fn(crate::model::CellPosition) -> usize) -> Cell {
    f.notebook.map_or_else(|| text(""), |n| num(get(n)))
}

/// Items as compact JSON (keys sorted), `;`-separated.
fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    items
        .iter()
        // Through a `Value`: its keys are sorted, so a cell does not change
        // with field order.
        .map(|i| serde_json::to_value(i).map_or_else(|_| String::new(), |v| v.to_string()))
        .collect::<Vec<_>>()
        .join(";")
}

/// The header row's names, in order (`repo`, `as_of`, then the finding's).
pub fn header() -> Vec<&'static str> {
    ["repo", "as_of"]
        .into_iter()
        .chain(COLUMNS.iter().map(|(name, _)| *name))
        .collect()
}

/// Writes rows of one or more reports under one header row (a roll-up
/// concatenates repositories into one table).
pub struct CsvWriter<'w> {
    inner: csv::Writer<&'w mut dyn std::io::Write>,
}

impl<'w> CsvWriter<'w> {
    /// Starts the table: the header row.
    pub fn new(out: &'w mut dyn std::io::Write) -> std::io::Result<CsvWriter<'w>> {
        let mut inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        inner.write_record(header()).map_err(io_error)?;
        Ok(CsvWriter { inner })
    }

    /// One row per finding of `report`.
    pub fn rows(&mut self, report: &Report) -> std::io::Result<()> {
        let repo = report.repo_name.clone().unwrap_or_default();
        let as_of = report.as_of.to_string();
        for f in &report.findings {
            let cells = [text(repo.as_str()), text(as_of.as_str())]
                .into_iter()
                .chain(COLUMNS.iter().map(|(_, get)| get(f)))
                .map(guarded);
            self.inner.write_record(cells).map_err(io_error)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The writer's own I/O error, unwrapped: `csv`'s `From` conversion files
/// every error under `ErrorKind::Other`, which would hide a closed pipe
/// (`sunset audit --format csv | head -1`) from the binary's quiet exit.
fn io_error(e: csv::Error) -> std::io::Error {
    if !e.is_io_error() {
        return std::io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = CsvWriter::new(out)?;
    w.rows(report)?;
    w.finish()
}

/// A cell's text, a leading `'` before what a spreadsheet would evaluate.
fn guarded(cell: Cell) -> String {
    match cell {
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        Cell::Text(s) | Cell::Number(s) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: Vec<Cell>) -> String {
        let mut buf = Vec::new();
        {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut buf);
            w.write_record(cells.into_iter().map(guarded)).expect("row");
            w.flush().expect("flush");
        }
        String::from_utf8(buf).expect("utf-8")
    }

    #[test]
    fn quotes_as_rfc_4180_says() {
        assert_eq!(
            row(vec![
                text("a,b"),
                text("say \"hi\""),
                text("x\ny"),
                text("plain")
            ]),
            "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",plain\r\n"
        );
    }

    #[test]
    fn text_cannot_become_a_formula_but_numbers_stay_numbers() {
        assert_eq!(
            row(vec![
                text("=HYPERLINK(\"x\")"),
                text("+1"),
                text("-2"),
                text("@SUM(A1)"),
                text("\tx"),
                num(-175),
            ]),
            "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),'\tx,-175\r\n"
        );
    }
}
