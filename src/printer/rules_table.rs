//! `sunset rules`: the loaded rules as a table, as JSON, or as the markdown
//! table committed in `rules/README.md`.
//!
//! Rules are always listed in **id order** (ids are stable, and versions of
//! one API sit next to each other). Status and days left are computed at
//! the `as_of` date the caller passes in; nothing here reads the clock.

use std::io::{self, Write};

use serde::Serialize;

use crate::rules::{
    Date, DatedFact, Evidence, HistoryEntry, Milestone, Rule, RuleOrigin, RuleSet, Source, Status,
};

/// The first key of `sunset rules --format json`: the mark by which a
/// scan recognises the file as sunset's own ([`crate::scan::own`]).
pub const RULES_SCHEMA: &str = "sunset-rules/1";

/// Writes the rules of `set`, as a table or (`json`) as a JSON array of
/// rules, each opening with `"schema": "sunset-rules/1"`: tools read the
/// array as it always was, and a listing saved into a scanned tree is
/// recognised by its first key and skipped, not read as calls.
pub fn render(set: &RuleSet, as_of: Date, json: bool, out: &mut dyn Write) -> io::Result<()> {
    let rules = sorted(set);
    if json {
        #[derive(Serialize)]
        struct Marked<'a> {
            schema: &'static str,
            #[serde(flatten)]
            rule: JsonRule<'a>,
        }
        let doc: Vec<Marked> = rules
            .iter()
            .map(|r| Marked {
                schema: RULES_SCHEMA,
                rule: JsonRule::new(r, as_of),
            })
            .collect();
        // `From` keeps the I/O error kind, so a closed pipe stays a closed pipe.
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
        writeln!(out)
    } else {
        render_table(&rules, as_of, out)
    }
}

/// The markdown table of `rules/README.md` (no status: it must not depend
/// on the day it is generated).
pub fn render_markdown(set: &RuleSet, out: &mut dyn Write) -> io::Result<()> {
    let rules = sorted(set);
    let counts = Counts::of(&rules);
    writeln!(
        out,
        "{} rules: {} legacy (a replacement or a deadline is published), {} active, {} unconfirmed (secondary evidence only).",
        rules.len(),
        counts.legacy,
        counts.active,
        counts.unconfirmed
    )?;
    writeln!(out, "A date marked `*` comes from a secondary source.")?;
    writeln!(out)?;
    writeln!(
        out,
        "| id | endpoint | replacement | EOS | EOL | evidence | file |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for r in rules {
        let replacement = r.replacement.as_deref().map_or_else(
            || "—".to_string(),
            |p| format!("`{p}`{}", published_note(r)),
        );
        writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} | {} | {} |",
            r.id,
            r.endpoint_display,
            replacement,
            date_cell(r.eos.as_ref(), "—"),
            date_cell(r.eol.as_ref(), "—"),
            evidence_str(r.source.evidence),
            origin_str(&r.origin),
        )?;
    }
    Ok(())
}

fn sorted(set: &RuleSet) -> Vec<&Rule> {
    let mut rules: Vec<&Rule> = set.rules().iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules
}

struct Counts {
    legacy: usize,
    active: usize,
    unconfirmed: usize,
}

impl Counts {
    fn of(rules: &[&Rule]) -> Counts {
        let legacy = rules.iter().filter(|r| is_legacy(r)).count();
        Counts {
            legacy,
            active: rules.len() - legacy,
            unconfirmed: rules.iter().filter(|r| !r.is_confirmed()).count(),
        }
    }
}

/// A replacement or a deadline is published for this endpoint.
fn is_legacy(rule: &Rule) -> bool {
    rule.replacement.is_some() || rule.eos.is_some() || rule.eol.is_some()
}

/// `2026-11`, with `*` when the date has its own secondary source.
fn date_cell(fact: Option<&DatedFact>, none: &str) -> String {
    match fact {
        None => none.to_string(),
        Some(f) => {
            let secondary = f
                .source
                .as_ref()
                .is_some_and(|s| s.evidence == Evidence::Secondary);
            format!(
                "{}{}",
                f.deadline.published(),
                if secondary { "*" } else { "" }
            )
        }
    }
}

fn evidence_str(e: Evidence) -> &'static str {
    match e {
        Evidence::Primary => "primary",
        Evidence::Secondary => "secondary",
    }
}

fn origin_str(origin: &RuleOrigin) -> String {
    match origin {
        RuleOrigin::Bundled(name) => (*name).to_string(),
        RuleOrigin::File(path) => path.display().to_string().replace('\\', "/"),
    }
}

fn next_cell(rule: &Rule, as_of: Date) -> String {
    match rule.next_deadline(as_of) {
        Some((m, _, 1)) => format!("{} in 1 day", m.label()),
        Some((m, _, days)) => format!("{} in {days} days", m.label()),
        None => "-".to_string(),
    }
}

fn render_table(rules: &[&Rule], as_of: Date, out: &mut dyn Write) -> io::Result<()> {
    let counts = Counts::of(rules);
    writeln!(
        out,
        "{} rules as of {as_of}: {} legacy, {} active, {} unconfirmed",
        rules.len(),
        counts.legacy,
        counts.active,
        counts.unconfirmed
    )?;
    writeln!(out)?;
    let header = [
        "ID",
        "ENDPOINT",
        "REPLACEMENT",
        "EOS",
        "EOL",
        "STATUS",
        "NEXT",
        "",
    ];
    let rows: Vec<[String; 8]> = rules
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                r.endpoint_display.clone(),
                replacement_cell(r),
                date_cell(r.eos.as_ref(), "-"),
                date_cell(r.eol.as_ref(), "-"),
                r.status_on(as_of).label().to_string(),
                next_cell(r, as_of),
                if r.is_confirmed() {
                    String::new()
                } else {
                    "unconfirmed".to_string()
                },
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(
                ' ',
                w.saturating_sub(cell.chars().count()),
            ));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    if rows
        .iter()
        .any(|r| r[3].ends_with('*') || r[4].ends_with('*'))
    {
        writeln!(out)?;
        writeln!(out, "* date from a secondary source (unconfirmed)")?;
    }
    Ok(())
}

/// One rule in `sunset rules --json`.
#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    name: &'a str,
    product: &'a str,
    category: &'a str,
    /// As published.
    endpoint: &'a str,
    /// Canonical form used for matching.
    canonical: &'a str,
    replacement: Option<&'a str>,
    /// When the replacement first appeared (`replacement-published`), with
    /// its source; absent when the rule does not date it.
    #[serde(skip_serializing_if = "Option::is_none")]
    replacement_published: Option<JsonDate<'a>>,
    active_versions: &'a [String],
    methods: &'a [String],
    eos: Option<JsonDate<'a>>,
    eol: Option<JsonDate<'a>>,
    status: Status,
    next_deadline: Option<JsonNext>,
    confirmed: bool,
    safe_fix: bool,
    source: &'a Source,
    history: &'a [HistoryEntry],
    notes: &'a [String],
    breaking_changes: &'a [String],
    /// Per-action replacements (`[[endpoint.action]]`).
    actions: &'a [crate::rules::ActionScope],
    /// The operation name a rule without a published path matches
    /// (`save_merchant`); absent for path rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'a str>,
    origin: String,
}

/// ` (published 2026-05-11)` after a replacement whose first appearance
/// the rule dates (`replacement-published`), `*` when that date's source is
/// secondary; empty otherwise.
fn published_note(r: &Rule) -> String {
    match r.replacement_published.as_ref() {
        Some(f) => format!(" (published {})", date_cell(Some(f), "")),
        None => String::new(),
    }
}

/// The replacement, scoped by action where the rule says so:
/// `/api/3.0/fo/scan/ (action=list; none for launch|fetch|…)`.
fn replacement_cell(r: &Rule) -> String {
    let base = r
        .replacement
        .as_ref()
        .map_or_else(|| "-".to_string(), |p| format!("{p}{}", published_note(r)));
    if r.actions.is_empty() {
        return base;
    }
    let scopes: Vec<String> = r
        .actions
        .iter()
        .map(|a| match &a.replacement {
            Some(to) if Some(to) == r.replacement.as_ref() => {
                format!("action={}", a.names.join("|"))
            }
            Some(to) => format!("{to} for action={}", a.names.join("|")),
            None => format!("none for {}", a.names.join("|")),
        })
        .collect();
    format!("{base} ({})", scopes.join("; "))
}

#[derive(Serialize)]
struct JsonDate<'a> {
    /// As published: `YYYY-MM` or `YYYY-MM-DD`.
    date: String,
    words: String,
    /// The day the phase starts (the 1st for a month-only date).
    effective: String,
    month_only: bool,
    /// Set when the date comes from another source than the rule.
    source: Option<&'a Source>,
}

#[derive(Serialize)]
struct JsonNext {
    milestone: Milestone,
    date: String,
    days_left: i64,
}

impl<'a> JsonDate<'a> {
    fn new(fact: &'a DatedFact) -> JsonDate<'a> {
        JsonDate {
            date: fact.deadline.published(),
            words: fact.deadline.words(),
            effective: fact.deadline.effective().to_string(),
            month_only: fact.deadline.is_month_only(),
            source: fact.source.as_ref(),
        }
    }
}

impl<'a> JsonRule<'a> {
    fn new(r: &'a Rule, as_of: Date) -> JsonRule<'a> {
        JsonRule {
            id: &r.id,
            name: &r.name,
            product: &r.product,
            category: &r.category,
            endpoint: &r.endpoint_display,
            canonical: &r.endpoint.canonical,
            operation: r.operation.as_deref(),
            replacement: r.replacement.as_deref(),
            replacement_published: r.replacement_published.as_ref().map(JsonDate::new),
            active_versions: &r.active_versions,
            methods: &r.methods,
            eos: r.eos.as_ref().map(JsonDate::new),
            eol: r.eol.as_ref().map(JsonDate::new),
            status: r.status_on(as_of),
            next_deadline: r
                .next_deadline(as_of)
                .map(|(milestone, d, days_left)| JsonNext {
                    milestone,
                    date: d.published(),
                    days_left,
                }),
            confirmed: r.is_confirmed(),
            safe_fix: r.safe_fix,
            source: &r.source,
            history: &r.history,
            notes: &r.notes,
            breaking_changes: &r.breaking_changes,
            actions: &r.actions,
            origin: match &r.origin {
                RuleOrigin::Bundled(name) => format!("bundled:{name}"),
                RuleOrigin::File(_) => origin_str(&r.origin),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load::parse_rules;

    fn set() -> RuleSet {
        let text = r#"
[[endpoint]]
id = "b-old"
name = "B"
product = "P"
category = "C"
endpoint = "/api/1.0/b/"
replacement = "/api/2.0/b/"
eos = { date = "2026-11", source = { title = "Blog", date = "undated", evidence = "secondary" } }
eol = "2027-05"
source = { title = "T", date = "2026-05-11", evidence = "primary" }

[[endpoint]]
id = "a-new"
name = "A"
product = "P"
category = "C"
endpoint = "/api/2.0/b/"
source = { title = "T", date = "2026-05-11", evidence = "secondary" }
"#;
        RuleSet::from_rules(
            parse_rules("t.toml", text, RuleOrigin::Bundled("t.toml")).expect("valid"),
        )
    }

    #[test]
    fn table_is_sorted_by_id_with_status_and_days() {
        let mut out = Vec::new();
        let as_of = Date::parse("2026-11-23").expect("valid");
        render(&set(), as_of, false, &mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let expected = [
            "2 rules as of 2026-11-23: 1 legacy, 1 active, 1 unconfirmed",
            "",
            "ID     ENDPOINT     REPLACEMENT  EOS       EOL      STATUS  NEXT",
            "a-new  /api/2.0/b/  -            -         -        active  -                unconfirmed",
            "b-old  /api/1.0/b/  /api/2.0/b/  2026-11*  2027-05  EOS     EOL in 159 days",
            "",
            "* date from a secondary source (unconfirmed)",
            "",
        ]
        .join("\n");
        assert_eq!(text, expected);
    }

    #[test]
    fn json_has_every_field() {
        let mut out = Vec::new();
        let as_of = Date::parse("2026-11-23").expect("valid");
        render(&set(), as_of, true, &mut out).expect("write");
        let doc: serde_json::Value = serde_json::from_slice(&out).expect("json");
        // A bare array (eval scripts and jq one-liners index it directly),
        // every element marked with the schema.
        let v = doc.as_array().expect("a bare array");
        assert!(v.iter().all(|r| r["schema"] == RULES_SCHEMA));
        let b = &v[1];
        assert_eq!(b["id"], "b-old");
        assert_eq!(b["canonical"], "/api/1.0/b");
        assert_eq!(b["status"], "eos");
        assert_eq!(b["eos"]["effective"], "2026-11-01");
        assert_eq!(b["eos"]["source"]["evidence"], "secondary");
        assert_eq!(b["next_deadline"]["milestone"], "eol");
        assert_eq!(b["next_deadline"]["days_left"], 159);
        assert_eq!(b["origin"], "bundled:t.toml");
        assert_eq!(v[0]["confirmed"], false);
    }
}
