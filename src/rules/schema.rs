//! The raw, unvalidated shape of a rule file, with a byte span on every key
//! and value.
//!
//! A rule file is read in two steps. [`parse_document`] turns TOML text into
//! a tree of [`RawValue`]s; it fails only on TOML syntax. [`decode_file`] then
//! reads that tree into the `Raw*` structs, checking key names (kebab-case,
//! no unknown keys), required keys and value types. It records **every**
//! problem instead of stopping at the first, which a derived
//! `#[serde(deny_unknown_fields)]` struct cannot do: serde aborts the whole
//! file on the first unknown or missing key. The key lists below
//! ([`ENDPOINT_KEYS`] and friends) are the schema; `rules/README.md`
//! documents it.
//!
//! Semantic checks (date formats, paths, ids, evidence grades) happen in
//! [`super::load`], on the `Raw*` structs.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use super::load::RuleProblem;

/// Keys of the top-level table.
pub const FILE_KEYS: &[&str] = &["endpoint"];
/// Keys of an `[[endpoint]]` table.
pub const ENDPOINT_KEYS: &[&str] = &[
    "id",
    "name",
    "product",
    "category",
    "endpoint",
    "replacement",
    "active-versions",
    "methods",
    "eos",
    "eol",
    "replacement-published",
    "safe-fix",
    "notes",
    "breaking-changes",
    "source",
    "history",
    "action",
    "param-check",
    "operation",
];
/// Keys of a `source = { … }` table.
pub const SOURCE_KEYS: &[&str] = &["title", "date", "url", "evidence"];
/// Keys of the table form of a date, `eos = { date = …, source = { … } }`.
pub const DATE_KEYS: &[&str] = &["date", "source"];
/// Keys of an `[[endpoint.action]]` table.
pub const ACTION_KEYS: &[&str] = &["names", "replacement", "note", "source"];
/// Keys of an `[[endpoint.param-check]]` table.
pub const PARAM_CHECK_KEYS: &[&str] = &[
    "kind", "params", "actions", "when", "values", "level", "message", "source", "add",
];
/// Keys of the `when = { … }` condition of a parameter check.
pub const WHEN_KEYS: &[&str] = &["param", "values"];
/// Keys of an `[[endpoint.history]]` table.
pub const HISTORY_KEYS: &[&str] = &["field", "value", "source"];

/// Any TOML value, with spans on nested keys and values.
#[derive(Clone, Debug)]
pub enum RawValue {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    /// A bare TOML date or date-time (`eos = 2026-12-01`), as written.
    Datetime(String),
    Array(Vec<Spanned<RawValue>>),
    Table(RawTable),
}

/// A TOML table: its keys in document order.
#[derive(Clone, Debug, Default)]
pub struct RawTable {
    pub entries: Vec<(Spanned<String>, Spanned<RawValue>)>,
}

impl RawValue {
    /// "a string", "an array"…: for "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            RawValue::String(_) => "a string",
            RawValue::Integer(_) => "an integer",
            RawValue::Float(_) => "a float",
            RawValue::Boolean(_) => "a boolean",
            RawValue::Datetime(_) => "a bare TOML date",
            RawValue::Array(_) => "an array",
            RawValue::Table(_) => "a table",
        }
    }
}

/// Parses TOML text into a spanned tree. Fails only on TOML syntax.
pub fn parse_document(text: &str) -> Result<RawTable, toml::de::Error> {
    let doc: Spanned<RawValue> = toml::from_str(text)?;
    match doc.into_inner() {
        RawValue::Table(t) => Ok(t),
        // The TOML deserializer always yields a table at the top level.
        _ => Ok(RawTable::default()),
    }
}

// ---------------------------------------------------------------------------
// Deserializing the spanned tree.
// ---------------------------------------------------------------------------

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(RawValueVisitor)
    }
}

struct RawValueVisitor;

/// The key toml uses to pass a date-time through serde as a one-entry map.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> Visitor<'de> for RawValueVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any TOML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Boolean(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Integer(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawValue, E> {
        i64::try_from(v)
            .map(RawValue::Integer)
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawValue>>()? {
            items.push(item);
        }
        Ok(RawValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<RawKey>()? {
            if key.name == TOML_DATETIME_KEY {
                let text: String = map.next_value()?;
                return Ok(RawValue::Datetime(text));
            }
            let value: Spanned<RawValue> = map.next_value()?;
            let span = key.span.unwrap_or_else(|| value.span());
            entries.push((Spanned::new(span, key.name), value));
        }
        Ok(RawValue::Table(RawTable { entries }))
    }
}

/// A table key with its span when the deserializer provides one.
///
/// `Spanned<String>` cannot be used for keys: toml hands date-time values
/// over as a map whose key has no span, and `Spanned` rejects that. This
/// type speaks the same private protocol as `serde_spanned` (the field names
/// below, pinned by `Cargo.lock`; `tests::spans_point_at_keys_and_values`
/// fails if they change) and falls back to a plain string.
struct RawKey {
    name: String,
    span: Option<Range<usize>>,
}

const SPANNED_NAME: &str = "$__serde_spanned_private_Spanned";
const SPANNED_START: &str = "$__serde_spanned_private_start";
const SPANNED_END: &str = "$__serde_spanned_private_end";
const SPANNED_VALUE: &str = "$__serde_spanned_private_value";
const SPANNED_FIELDS: &[&str] = &[SPANNED_START, SPANNED_END, SPANNED_VALUE];

impl<'de> Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawKey, D::Error> {
        deserializer.deserialize_struct(SPANNED_NAME, SPANNED_FIELDS, RawKeyVisitor)
    }
}

struct RawKeyVisitor;

impl<'de> Visitor<'de> for RawKeyVisitor {
    type Value = RawKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table key")
    }

    fn visit_str<E>(self, v: &str) -> Result<RawKey, E> {
        Ok(RawKey {
            name: v.to_string(),
            span: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawKey, A::Error> {
        let (mut start, mut end, mut name) = (None, None, None);
        while let Some(field) = map.next_key::<String>()? {
            match field.as_str() {
                SPANNED_START => start = Some(map.next_value::<usize>()?),
                SPANNED_END => end = Some(map.next_value::<usize>()?),
                SPANNED_VALUE => name = Some(map.next_value::<String>()?),
                other => {
                    return Err(serde::de::Error::unknown_field(other, SPANNED_FIELDS));
                }
            }
        }
        let name = name.ok_or_else(|| serde::de::Error::missing_field(SPANNED_VALUE))?;
        let span = match (start, end) {
            (Some(s), Some(e)) if s <= e => Some(s..e),
            _ => None,
        };
        Ok(RawKey { name, span })
    }
}

// ---------------------------------------------------------------------------
// The typed raw rule file.
// ---------------------------------------------------------------------------

/// A whole rule file: its `[[endpoint]]` entries that have every required
/// key with the right type. Entries with structural problems are left out
/// (their problems are reported instead).
#[derive(Clone, Debug, Default)]
pub struct RawFile {
    pub endpoints: Vec<RawEndpoint>,
}

/// One `[[endpoint]]` table.
#[derive(Clone, Debug)]
pub struct RawEndpoint {
    /// The table's header line (`[[endpoint]]`), for labels.
    pub span: Range<usize>,
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub product: Spanned<String>,
    pub category: Spanned<String>,
    /// The `endpoint` path; for a rule keyed by `operation` alone, the
    /// operation's value (so labels point at it).
    pub endpoint: Spanned<String>,
    /// `operation = "save_merchant"`: the rule matches this name in code
    /// instead of a path.
    pub operation: Option<Spanned<String>>,
    /// Whether `endpoint` itself was written (not stood in for by
    /// `operation`).
    pub has_endpoint: bool,
    pub replacement: Option<Spanned<String>>,
    pub active_versions: Vec<Spanned<String>>,
    pub methods: Vec<Spanned<String>>,
    pub eos: Option<RawDate>,
    pub eol: Option<RawDate>,
    /// `replacement-published = { date, source }`: when the replacement
    /// first appeared (always with its own source).
    pub replacement_published: Option<RawDate>,
    pub safe_fix: bool,
    pub notes: Vec<Spanned<String>>,
    pub breaking_changes: Vec<Spanned<String>>,
    pub source: RawSource,
    pub history: Vec<RawHistory>,
    pub actions: Vec<RawAction>,
    pub param_checks: Vec<RawParamCheck>,
}

/// One `[[endpoint.param-check]]` table.
#[derive(Clone, Debug)]
pub struct RawParamCheck {
    pub span: Range<usize>,
    pub kind: Spanned<String>,
    pub params: Vec<Spanned<String>>,
    pub actions: Vec<Spanned<String>>,
    pub when: Option<RawWhen>,
    pub values: Vec<Spanned<String>>,
    pub level: Spanned<String>,
    pub message: Spanned<String>,
    /// `add = "1"`: the literal value `fix` adds for a missing required
    /// parameter.
    pub add: Option<Spanned<String>>,
    pub source: RawSource,
}

/// `when = { param = "vault_type", values = ["HashiCorp"] }`.
#[derive(Clone, Debug)]
pub struct RawWhen {
    pub span: Range<usize>,
    pub param: Spanned<String>,
    pub values: Vec<Spanned<String>>,
}

/// One `[[endpoint.action]]` table.
#[derive(Clone, Debug)]
pub struct RawAction {
    pub span: Range<usize>,
    pub names: Vec<Spanned<String>>,
    pub replacement: Option<Spanned<String>>,
    pub note: Spanned<String>,
    pub source: RawSource,
}

/// `eos = "2026-11"` or `eos = { date = "2026-11", source = { … } }`.
#[derive(Clone, Debug)]
pub struct RawDate {
    pub date: Spanned<String>,
    pub source: Option<RawSource>,
}

/// `source = { title, date, url, evidence }`.
#[derive(Clone, Debug)]
pub struct RawSource {
    pub span: Range<usize>,
    pub title: Spanned<String>,
    pub date: Spanned<String>,
    pub url: Option<Spanned<String>>,
    pub evidence: Spanned<String>,
}

/// One `[[endpoint.history]]` table.
#[derive(Clone, Debug)]
pub struct RawHistory {
    pub span: Range<usize>,
    pub field: Spanned<String>,
    pub value: Spanned<String>,
    pub source: RawSource,
}

/// Reads the tree into [`RawFile`], pushing every structural problem.
pub fn decode_file(text: &str, doc: &RawTable, problems: &mut Vec<RuleProblem>) -> RawFile {
    let mut file = RawFile::default();
    let mut top = Reader::new(text, doc, 0..0, "the top level", FILE_KEYS, problems);
    let entries = top.tables("endpoint");
    top.finish();
    for (span, table) in entries {
        let mut r = Reader::new(
            text,
            table,
            span.clone(),
            "an `[[endpoint]]` table",
            ENDPOINT_KEYS,
            problems,
        );
        let id = r.required_string("id");
        let name = r.required_string("name");
        let product = r.required_string("product");
        let category = r.required_string("category");
        let operation = r.string("operation");
        let has_endpoint = r.value("endpoint").is_some();
        let endpoint = if has_endpoint || operation.is_none() {
            r.required_string("endpoint")
        } else {
            operation.clone()
        };
        let replacement = r.string("replacement");
        let active_versions = r.strings("active-versions");
        let methods = r.strings("methods");
        let eos = r
            .value("eos")
            .and_then(|v| decode_date(text, "eos", v, r.problems));
        let eol = r
            .value("eol")
            .and_then(|v| decode_date(text, "eol", v, r.problems));
        let replacement_published = r
            .value("replacement-published")
            .and_then(|v| decode_date(text, "replacement-published", v, r.problems));
        let safe_fix = r.boolean("safe-fix").unwrap_or(false);
        let notes = r.strings("notes");
        let breaking_changes = r.strings("breaking-changes");
        let source = r.required_table("source");
        let history_tables = r.tables("history");
        let action_tables = r.tables("action");
        let check_tables = r.tables("param-check");
        r.finish();
        let problems = r.problems;
        let source = source.and_then(|(s, t)| decode_source(text, s, t, problems));
        let mut history = Vec::new();
        for (span, table) in history_tables {
            history.extend(decode_history(text, span, table, problems));
        }
        let mut actions = Vec::new();
        for (span, table) in action_tables {
            actions.extend(decode_action(text, span, table, problems));
        }
        let mut param_checks = Vec::new();
        for (span, table) in check_tables {
            param_checks.extend(decode_param_check(text, span, table, problems));
        }
        // An entry missing a key (already reported) is still checked for
        // everything else, so one pass lists every problem of the file:
        // the missing values are placeholders the checks skip.
        let header = header_span(text, &span);
        let source = source.unwrap_or_else(|| RawSource {
            span: header.clone(),
            title: missing(),
            date: missing(),
            url: None,
            evidence: missing(),
        });
        {
            let [id, name, product, category, endpoint] =
                [id, name, product, category, endpoint].map(|v| v.unwrap_or_else(missing));
            file.endpoints.push(RawEndpoint {
                span: header,
                id,
                name,
                product,
                category,
                endpoint,
                operation,
                has_endpoint,
                replacement,
                active_versions,
                methods,
                eos,
                eol,
                replacement_published,
                safe_fix,
                notes,
                breaking_changes,
                source,
                history,
                actions,
                param_checks,
            });
        }
    }
    file
}

fn decode_action(
    text: &str,
    span: Range<usize>,
    table: &RawTable,
    problems: &mut Vec<RuleProblem>,
) -> Option<RawAction> {
    let mut r = Reader::new(
        text,
        table,
        span.clone(),
        "an `[[endpoint.action]]` table",
        ACTION_KEYS,
        problems,
    );
    let has_names = r.value("names").is_some();
    let names = r.strings("names");
    let replacement = r.string("replacement");
    let note = r.required_string("note");
    let source = r.required_table("source");
    if !has_names {
        r.missing("names");
    }
    r.finish();
    let problems = r.problems;
    let source = source.and_then(|(s, t)| decode_source(text, s, t, problems));
    Some(RawAction {
        span: header_span(text, &span),
        names,
        replacement,
        note: note?,
        source: source?,
    })
}

fn decode_param_check(
    text: &str,
    span: Range<usize>,
    table: &RawTable,
    problems: &mut Vec<RuleProblem>,
) -> Option<RawParamCheck> {
    let mut r = Reader::new(
        text,
        table,
        span.clone(),
        "an `[[endpoint.param-check]]` table",
        PARAM_CHECK_KEYS,
        problems,
    );
    let kind = r.required_string("kind");
    let has_params = r.value("params").is_some();
    let params = r.strings("params");
    let actions = r.strings("actions");
    let when = r.optional_table("when");
    let values = r.strings("values");
    let level = r.required_string("level");
    let message = r.required_string("message");
    let add = r.string("add");
    let source = r.required_table("source");
    if !has_params {
        r.missing("params");
    }
    r.finish();
    let problems = r.problems;
    let when = match when {
        Some((wspan, t)) => {
            let mut w = Reader::new(
                text,
                t,
                wspan.clone(),
                "a `when` table",
                WHEN_KEYS,
                problems,
            );
            let param = w.required_string("param");
            let has_values = w.value("values").is_some();
            let values = w.strings("values");
            if !has_values {
                w.missing("values");
            }
            w.finish();
            Some(RawWhen {
                span: wspan,
                param: param?,
                values,
            })
        }
        None => None,
    };
    let source = source.and_then(|(s, t)| decode_source(text, s, t, problems));
    if !has_params {
        return None;
    }
    Some(RawParamCheck {
        span: header_span(text, &span),
        kind: kind?,
        params,
        actions,
        when,
        values,
        level: level?,
        message: message?,
        add,
        source: source?,
    })
}

fn decode_date(
    text: &str,
    key: &'static str,
    value: &Spanned<RawValue>,
    problems: &mut Vec<RuleProblem>,
) -> Option<RawDate> {
    // The date a replacement appeared is a claim about the past that only
    // a publication can make: it is written with its source, always.
    let sourced = key == "replacement-published";
    match value.get_ref() {
        RawValue::String(_) if sourced => {
            problems.push(wrong_type(
                key,
                "a table { date = \"YYYY-MM\", source = { title, date, url, evidence } }",
                value.get_ref(),
                value.span(),
            ));
            None
        }
        RawValue::String(s) => Some(RawDate {
            date: Spanned::new(value.span(), s.clone()),
            source: None,
        }),
        RawValue::Table(t) => {
            let what = match key {
                "eos" => "an `eos` table",
                "eol" => "an `eol` table",
                _ => "a `replacement-published` table",
            };
            let mut r = Reader::new(text, t, value.span(), what, DATE_KEYS, problems);
            let date = r.required_string("date");
            let source = r.required_table("source");
            r.finish();
            let problems = r.problems;
            let source = source.and_then(|(s, t)| decode_source(text, s, t, problems));
            Some(RawDate {
                date: date?,
                source: Some(source?),
            })
        }
        other if sourced => {
            problems.push(wrong_type(
                key,
                "a table { date = \"YYYY-MM\", source = { title, date, url, evidence } }",
                other,
                value.span(),
            ));
            None
        }
        other => {
            problems.push(wrong_type(
                key,
                "a string like \"2026-12\" or a table { date, source }",
                other,
                value.span(),
            ));
            None
        }
    }
}

fn decode_source(
    text: &str,
    span: Range<usize>,
    table: &RawTable,
    problems: &mut Vec<RuleProblem>,
) -> Option<RawSource> {
    let mut r = Reader::new(
        text,
        table,
        span.clone(),
        "a `source` table",
        SOURCE_KEYS,
        problems,
    );
    let title = r.required_string("title");
    let date = r.required_string("date");
    let url = r.string("url");
    let evidence = r.required_string("evidence");
    r.finish();
    Some(RawSource {
        span: header_span(text, &span),
        title: title.unwrap_or_else(missing),
        date: date.unwrap_or_else(missing),
        url,
        evidence: evidence.unwrap_or_else(missing),
    })
}

/// The placeholder for a required value that is absent (reported as a
/// missing key): an empty span, which no value in a file has.
pub fn missing() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}

/// Whether `value` is the placeholder of a missing key ([`missing`]).
pub fn is_missing(value: &Spanned<String>) -> bool {
    value.span().is_empty()
}

fn decode_history(
    text: &str,
    span: Range<usize>,
    table: &RawTable,
    problems: &mut Vec<RuleProblem>,
) -> Option<RawHistory> {
    let mut r = Reader::new(
        text,
        table,
        span.clone(),
        "an `[[endpoint.history]]` table",
        HISTORY_KEYS,
        problems,
    );
    let field = r.required_string("field");
    let value = r.required_string("value");
    let source = r.required_table("source");
    r.finish();
    let problems = r.problems;
    let source = source.and_then(|(s, t)| decode_source(text, s, t, problems));
    Some(RawHistory {
        span: header_span(text, &span),
        field: field?,
        value: value?,
        source: source?,
    })
}

fn wrong_type(key: &str, expected: &str, found: &RawValue, span: Range<usize>) -> RuleProblem {
    let help = if matches!(found, RawValue::Datetime(_)) {
        "quote dates: write `eos = \"2026-12\"`, not a bare TOML date".to_string()
    } else {
        format!("write `{key}` as {expected}")
    };
    RuleProblem::WrongType {
        key: key.to_string(),
        expected: expected.to_string(),
        found: found.kind().to_string(),
        span: span.into(),
        help,
    }
}

/// The first line of a span (a table header, or the start of an inline
/// table), so that a label on a whole table stays readable.
pub fn header_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let Some(body) = text.get(span.clone()) else {
        return span.clone();
    };
    match body.find('\n') {
        Some(i) => span.start..span.start + body[..i].trim_end_matches('\r').len(),
        None => span.clone(),
    }
}

/// Reads the keys of one table, recording problems.
struct Reader<'a, 'p> {
    text: &'a str,
    table: &'a RawTable,
    span: Range<usize>,
    what: &'static str,
    known: &'static [&'static str],
    problems: &'p mut Vec<RuleProblem>,
}

impl<'a, 'p> Reader<'a, 'p> {
    fn new(
        text: &'a str,
        table: &'a RawTable,
        span: Range<usize>,
        what: &'static str,
        known: &'static [&'static str],
        problems: &'p mut Vec<RuleProblem>,
    ) -> Reader<'a, 'p> {
        Reader {
            text,
            table,
            span,
            what,
            known,
            problems,
        }
    }

    fn value(&self, key: &str) -> Option<&'a Spanned<RawValue>> {
        self.table
            .entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    fn missing(&mut self, key: &str) {
        self.problems.push(RuleProblem::MissingKey {
            key: key.to_string(),
            table: self.what.to_string(),
            span: header_span(self.text, &self.span).into(),
        });
    }

    fn string(&mut self, key: &str) -> Option<Spanned<String>> {
        let v = self.value(key)?;
        match v.get_ref() {
            RawValue::String(s) => Some(Spanned::new(v.span(), s.clone())),
            other => {
                self.problems
                    .push(wrong_type(key, "a string", other, v.span()));
                None
            }
        }
    }

    fn required_string(&mut self, key: &str) -> Option<Spanned<String>> {
        if self.value(key).is_none() {
            self.missing(key);
            return None;
        }
        self.string(key)
    }

    fn strings(&mut self, key: &str) -> Vec<Spanned<String>> {
        let Some(v) = self.value(key) else {
            return Vec::new();
        };
        let RawValue::Array(items) = v.get_ref() else {
            self.problems.push(wrong_type(
                key,
                "an array of strings",
                v.get_ref(),
                v.span(),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                RawValue::String(s) => out.push(Spanned::new(item.span(), s.clone())),
                other => {
                    self.problems
                        .push(wrong_type(key, "an array of strings", other, item.span()))
                }
            }
        }
        out
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.value(key)?;
        match v.get_ref() {
            RawValue::Boolean(b) => Some(*b),
            other => {
                self.problems
                    .push(wrong_type(key, "`true` or `false`", other, v.span()));
                None
            }
        }
    }

    fn required_table(&mut self, key: &str) -> Option<(Range<usize>, &'a RawTable)> {
        let Some(v) = self.value(key) else {
            self.missing(key);
            return None;
        };
        match v.get_ref() {
            RawValue::Table(t) => Some((v.span(), t)),
            other => {
                self.problems
                    .push(wrong_type(key, "a table", other, v.span()));
                None
            }
        }
    }

    /// An optional table (`key = { … }`).
    fn optional_table(&mut self, key: &str) -> Option<(Range<usize>, &'a RawTable)> {
        self.value(key)?;
        self.required_table(key)
    }

    /// An array of tables (`[[key]]`); absent means empty.
    fn tables(&mut self, key: &str) -> Vec<(Range<usize>, &'a RawTable)> {
        let Some(v) = self.value(key) else {
            return Vec::new();
        };
        let RawValue::Array(items) = v.get_ref() else {
            let expected = format!("an array of tables, `[[{key}]]`");
            self.problems
                .push(wrong_type(key, &expected, v.get_ref(), v.span()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.get_ref() {
                RawValue::Table(t) => out.push((item.span(), t)),
                other => {
                    let expected = format!("an array of tables, `[[{key}]]`");
                    self.problems
                        .push(wrong_type(key, &expected, other, item.span()));
                }
            }
        }
        out
    }

    /// Reports every key that is not in the schema.
    fn finish(&mut self) {
        for (key, _) in &self.table.entries {
            if !self.known.contains(&key.get_ref().as_str()) {
                let suggestion = closest(key.get_ref(), self.known);
                let help = match suggestion {
                    Some(s) => format!(
                        "did you mean `{s}`? The keys of {} are: {}",
                        self.what,
                        self.known.join(", ")
                    ),
                    None => format!("the keys of {} are: {}", self.what, self.known.join(", ")),
                };
                self.problems.push(RuleProblem::UnknownKey {
                    key: key.get_ref().clone(),
                    table: self.what.to_string(),
                    span: key.span().into(),
                    help,
                });
            }
        }
    }
}

/// The known key closest to `key` (snake_case spelling, or edit distance ≤ 2).
fn closest(key: &str, known: &[&'static str]) -> Option<&'static str> {
    let kebab = key.replace('_', "-").to_lowercase();
    if let Some(k) = known.iter().find(|k| **k == kebab) {
        return Some(k);
    }
    known
        .iter()
        .map(|k| (edit_distance(&kebab, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "[[endpoint]]\nid = \"a\"\neos = { date = \"2025-12\" }\nwhen = 2026-12-01\n";
        let doc = parse_document(text).expect("valid TOML");
        let (key, value) = &doc.entries[0];
        assert_eq!(key.get_ref(), "endpoint");
        let RawValue::Array(items) = value.get_ref() else {
            panic!("array")
        };
        let RawValue::Table(t) = items[0].get_ref() else {
            panic!("table")
        };
        assert_eq!(&text[header_span(text, &items[0].span())], "[[endpoint]]");
        let (k, v) = &t.entries[0];
        assert_eq!(&text[k.span()], "id");
        assert_eq!(&text[v.span()], "\"a\"");
        let RawValue::Table(date) = t.entries[1].1.get_ref() else {
            panic!("table")
        };
        assert_eq!(&text[date.entries[0].0.span()], "date");
        assert!(matches!(t.entries[2].1.get_ref(), RawValue::Datetime(s) if s == "2026-12-01"));
        assert_eq!(&text[t.entries[2].1.span()], "2026-12-01");
    }

    #[test]
    fn suggests_the_kebab_case_key() {
        assert_eq!(closest("safe_fix", ENDPOINT_KEYS), Some("safe-fix"));
        assert_eq!(closest("replacment", ENDPOINT_KEYS), Some("replacement"));
        assert_eq!(closest("zzzzzzzz", ENDPOINT_KEYS), None);
    }
}
