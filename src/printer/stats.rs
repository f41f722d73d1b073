//! `--statistics`: counts per rule, status and deadline, soonest first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::model::Report;
use crate::model::{FindingKind, Verdict};

#[derive(Default)]
struct Row {
    calls: usize,
    mentions: usize,
    suppressed: usize,
    failing: usize,
    status: String,
    deadline: String,
    days: Option<i64>,
    endpoint: String,
}

/// Writes the table (or one line when there is nothing to count).
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for f in &report.findings {
        let row = rows.entry(&f.rule).or_insert_with(|| Row {
            status: f.status.label().to_string(),
            deadline: f.next_deadline.as_ref().map_or_else(
                || match (&f.eol, &f.eos) {
                    (Some(eol), _) => format!("EOL {} (passed)", eol.words()),
                    (None, Some(eos)) => format!("EOS {} (passed)", eos.words()),
                    _ => "none published".to_string(),
                },
                |n| format!("{} {}", n.milestone.label(), n.words),
            ),
            days: f.days_left.filter(|_| f.next_deadline.is_some()),
            endpoint: match &f.replacement {
                Some(r) => format!("{} -> {r}", f.endpoint),
                None => f.endpoint.clone(),
            },
            ..Row::default()
        });
        match f.kind {
            FindingKind::Call | FindingKind::Library => row.calls += 1,
            FindingKind::Mention | FindingKind::Test => row.mentions += 1,
        }
        if f.suppressed.is_some() {
            row.suppressed += 1;
        }
        if f.verdict == Some(Verdict::Fail) {
            row.failing += 1;
        }
    }
    if rows.is_empty() {
        return writeln!(out, "statistics: no findings");
    }
    let mut rows: Vec<(&str, Row)> = rows.into_iter().collect();
    // Past deadlines (no next deadline) first: they are the most urgent.
    rows.sort_by_key(|(rule, r)| (r.days.unwrap_or(i64::MIN), *rule));
    let gate = report.gate.is_some();
    let mut table: Vec<Vec<String>> = vec![{
        let mut h = vec!["calls", "mentions", "suppressed"];
        if gate {
            h.push("failing");
        }
        h.extend(["status", "next deadline", "days", "rule", "endpoint"]);
        h.into_iter().map(str::to_string).collect()
    }];
    for (rule, r) in &rows {
        let mut line = vec![
            r.calls.to_string(),
            r.mentions.to_string(),
            r.suppressed.to_string(),
        ];
        if gate {
            line.push(r.failing.to_string());
        }
        line.extend([
            r.status.clone(),
            r.deadline.clone(),
            r.days.map_or_else(|| "-".to_string(), |d| d.to_string()),
            (*rule).to_string(),
            r.endpoint.clone(),
        ]);
        table.push(line);
    }
    let numeric = if gate { 4 } else { 3 };
    let columns = table[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c > 0 {
                line.push_str("  ");
            }
            if c < numeric || c == numeric + 2 {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else if c + 1 == columns {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
