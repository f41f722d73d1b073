//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF
//! viewers read it.
//!
//! Choices:
//! - One run; `tool.driver.rules` holds one reportingDescriptor per rule
//!   that has a finding, sorted by id, and each result points at its rule by
//!   `ruleId` and `ruleIndex`. No `security-severity`: a retired endpoint is
//!   a maintenance problem, not a vulnerability, and GitHub would rank it as
//!   one.
//! - `level` is [`Finding::level`]: the gate's verdict in `check`, the
//!   status in `audit`.
//! - Regions use the finding's 1-based character columns, end exclusive;
//!   the run says `columnKind: unicodeCodePoints` so viewers do not read
//!   them as UTF-16 units. URIs are relative to `%SRCROOT%` (the directory
//!   the scan ran in) and percent-encoded, so a space or a non-ASCII file
//!   name stays a valid URI; an absolute path becomes a `file://` URI.
//! - `partialFingerprints["sunset/v1"]` is the finding's fingerprint, which
//!   survives lines moving, so code scanning tracks an alert across pushes.
//! - Suppressed findings stay, with a `suppressions` entry: `inSource` for
//!   an inline comment, `external` for a waiver or the baseline, the reason
//!   as `justification`. `baselineState` is only written when `check` ran
//!   with a baseline (baseline-suppressed = `unchanged`, others `new`).
//! - A `fixes` entry is offered only where `sunset fix` would apply the
//!   rewrite without `--unsafe`: the rule marks its rewrite safe
//!   (`safe-fix`), and the change is a pure textual rewrite of a call built
//!   from one literal (`via` is none): when the source text at the span
//!   equals `matched`, it becomes `suggested`; when it equals the endpoint
//!   as published, it becomes the replacement endpoint. Anything assembled
//!   from variables, or a rewrite whose new version changes parameters or
//!   output, is left to a human (SARIF has no way to mark a fix unsafe).
//! - `informationUri` is the package's repository or homepage from
//!   `Cargo.toml`, and left out while neither is set (SARIF makes it
//!   optional; an invented URL would be worse).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::concise::{deadline, message, status_words};
use crate::model::Report;
use crate::model::{Finding, FindingKind, Severity, SuppressedBy};
use crate::rules::Deadline;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    // The log without its results, which are built and written one at a
    // time: as one JSON value, 3,000 results held 20 MB at once.
    let shell = shell(report)?;
    let streamed = Streamed {
        doc: &shell,
        results: Results::of(report),
    };
    // Buffered for the same reason as the JSON printer.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &streamed)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// The whole SARIF log as a JSON value, for callers that post-process it.
pub fn document(report: &Report) -> serde_json::Result<Value> {
    let mut doc = shell(report)?;
    let results = Results::of(report);
    doc["runs"][0]["results"] = Value::Array(results.values().collect());
    Ok(doc)
}

/// The results of a report, built on demand.
struct Results<'a> {
    report: &'a Report,
    /// Each rule's place in `tool.driver.rules`.
    index: BTreeMap<&'a str, usize>,
    baseline: bool,
}

impl<'a> Results<'a> {
    fn of(report: &'a Report) -> Results<'a> {
        Results {
            report,
            index: rule_index(report),
            baseline: report.gate.as_ref().is_some_and(|g| g.baseline.is_some()),
        }
    }

    fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.report
            .findings
            .iter()
            .map(|f| result(f, self.index.get(f.rule.as_str()).copied(), self.baseline))
    }
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.report.findings.len()))?;
        for value in self.values() {
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}

/// The shell of the log with `runs[*].results` written from [`Results`].
/// The same bytes as serializing [`document`]: the shell's maps are walked
/// in their own (sorted) order.
struct Streamed<'a> {
    doc: &'a Value,
    results: Results<'a>,
}

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Run<'r>(&'r Map<String, Value>, &'r Results<'r>);
        impl serde::Serialize for Run<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    if k == "results" {
                        map.serialize_entry(k, self.1)?;
                    } else {
                        map.serialize_entry(k, v)?;
                    }
                }
                map.end()
            }
        }
        struct Runs<'r>(&'r [Value], &'r Results<'r>);
        impl serde::Serialize for Runs<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for run in self.0 {
                    match run {
                        Value::Object(run) => seq.serialize_element(&Run(run, self.1))?,
                        other => seq.serialize_element(other)?,
                    }
                }
                seq.end()
            }
        }
        let Value::Object(top) = self.doc else {
            return self.doc.serialize(s);
        };
        let mut map = s.serialize_map(Some(top.len()))?;
        for (k, v) in top {
            match v {
                Value::Array(runs) if k == "runs" => {
                    map.serialize_entry(k, &Runs(runs, &self.results))?
                }
                _ => map.serialize_entry(k, v)?,
            }
        }
        map.end()
    }
}

/// Each rule with a finding, by id, at its place in `tool.driver.rules`.
fn rule_index(report: &Report) -> BTreeMap<&str, usize> {
    first_of_each_rule(report)
        .keys()
        .enumerate()
        .map(|(i, r)| (*r, i))
        .collect()
}

/// First finding of each rule, by rule id: the rule's facts are the same
/// in every finding of that rule.
fn first_of_each_rule(report: &Report) -> BTreeMap<&str, &Finding> {
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(f.rule.as_str()).or_insert(f);
    }
    rules
}

/// The log with an empty `results` array.
fn shell(report: &Report) -> serde_json::Result<Value> {
    let rules = first_of_each_rule(report);

    let mut driver = Map::new();
    driver.insert("name".into(), json!("sunset"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert(
        "rules".into(),
        Value::Array(rules.values().map(|f| rule(f)).collect()),
    );

    let mut properties = Map::new();
    properties.insert("asOf".into(), json!(report.as_of.to_string()));
    if let Some(repo) = &report.repo_name {
        properties.insert("repo".into(), json!(repo));
    }
    if let Some(gate) = &report.gate {
        properties.insert("gate".into(), serde_json::to_value(gate)?);
    }

    Ok(json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications(report),
            }],
            "columnKind": "unicodeCodePoints",
            "results": [],
            "properties": properties,
        }]
    }))
}

/// Problems that did not stop the run, as tool notifications: files that
/// could not be read, expired waivers, suppressions without a reason.
fn notifications(report: &Report) -> Vec<Value> {
    let note = |text: String| json!({ "level": "warning", "message": { "text": text } });
    let mut out: Vec<Value> = report
        .summary
        .notices
        .iter()
        .map(|n| note(format!("{}: {}", n.path, n.message)))
        .collect();
    if let Some(gate) = &report.gate {
        out.extend(gate.expired_waivers.iter().map(|w| {
            note(format!(
                "waiver at {} expired on {} and no longer suppresses anything: {}",
                w.at, w.until, w.reason
            ))
        }));
        out.extend(
            gate.unexplained_suppressions
                .iter()
                .map(|n| note(format!("{}: {}", n.path, n.message))),
        );
    }
    out
}

fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn rule(f: &Finding) -> Value {
    let published =
        |d: &Option<Deadline>| d.map_or_else(|| "not published".to_string(), Deadline::words);
    let replacement = f.replacement.as_deref().unwrap_or("none published");
    let short = format!("{} {} is {}", f.name, f.endpoint, status_words(f.status));
    let full = format!(
        "Qualys {} {}: End of Support {}, End of Life {}; replacement {}.",
        f.name,
        f.endpoint,
        published(&f.eos),
        published(&f.eol),
        replacement
    );
    let source = match &f.source.url {
        Some(url) => format!("{} ({}) {url}", f.source.title, f.source.date),
        None => format!("{} ({})", f.source.title, f.source.date),
    };
    let source_md = match &f.source.url {
        Some(url) => format!("[{}]({url}) ({})", md(&f.source.title), f.source.date),
        None => format!("{} ({})", md(&f.source.title), f.source.date),
    };
    let unconfirmed = if f.confirmed {
        ""
    } else {
        " Unconfirmed: this rule rests on secondary evidence only."
    };
    let help_text = format!(
        "Legacy endpoint: {}. Replacement: {replacement}. End of Support: {}. \
         End of Life: {}. Source: {source}.{unconfirmed}",
        f.endpoint,
        published(&f.eos),
        published(&f.eol),
    );
    let help_md = format!(
        "**Legacy endpoint:** `{}`\n\n**Replacement:** {}\n\n\
         **End of Support:** {}\n\n**End of Life:** {}\n\n**Source:** {source_md}{}",
        f.endpoint,
        f.replacement
            .as_deref()
            .map_or_else(|| "none published".to_string(), |r| format!("`{r}`")),
        published(&f.eos),
        published(&f.eol),
        if f.confirmed {
            String::new()
        } else {
            "\n\n**Unconfirmed:** this rule rests on secondary evidence only.".to_string()
        }
    );
    let mut rule = json!({
        "id": f.rule,
        "name": pascal(&f.rule),
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": help_text, "markdown": help_md },
        "defaultConfiguration": { "level": Severity::of(f.status).as_str() },
        "properties": { "tags": ["qualys", "deprecation", f.status.as_str()] },
    });
    if let (Some(url), Some(obj)) = (&f.source.url, rule.as_object_mut()) {
        obj.insert("helpUri".into(), json!(url));
    }
    rule
}

fn result(f: &Finding, rule_index: Option<usize>, baseline: bool) -> Value {
    let (uri, base) = artifact_uri(&f.path);
    let mut artifact = Map::new();
    artifact.insert("uri".into(), json!(uri));
    if let Some(base) = base {
        artifact.insert("uriBaseId".into(), json!(base));
    }
    let region = json!({
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column,
    });
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(f.level().as_str()));
    r.insert("message".into(), json!({ "text": message(f) }));
    r.insert(
        "locations".into(),
        json!([{ "physicalLocation": {
            "artifactLocation": artifact,
            "region": region,
        }}]),
    );
    r.insert(
        "partialFingerprints".into(),
        json!({ "sunset/v1": f.fingerprint }),
    );
    if let Some(s) = &f.suppressed {
        let kind = match s.by {
            SuppressedBy::Inline => "inSource",
            SuppressedBy::Waiver | SuppressedBy::Baseline => "external",
        };
        let mut sup = Map::new();
        sup.insert("kind".into(), json!(kind));
        if let Some(reason) = &s.reason {
            sup.insert("justification".into(), json!(reason));
        }
        sup.insert(
            "properties".into(),
            json!({ "by": s.by.as_str(), "at": s.at }),
        );
        r.insert("suppressions".into(), json!([sup]));
    }
    if baseline {
        let state = match &f.suppressed {
            Some(s) if s.by == SuppressedBy::Baseline => "unchanged",
            _ => "new",
        };
        r.insert("baselineState".into(), json!(state));
    }
    if let Some(fix) = fix(f, &artifact) {
        r.insert("fixes".into(), json!([fix]));
    }
    let mut props = json!({
        "status": f.status.as_str(),
        "kind": f.kind.as_str(),
        "confirmed": f.confirmed,
        "deadline": deadline(f),
    });
    if let (Some(v), Some(obj)) = (f.verdict, props.as_object_mut()) {
        obj.insert("verdict".into(), json!(v.as_str()));
    }
    // The request as data (method, action, parameters) and its checks.
    if let Some(obj) = props.as_object_mut() {
        if let Some(req) = &f.request {
            obj.insert("request".into(), json!(req));
        }
        if !f.request_checks.is_empty() {
            obj.insert("requestChecks".into(), json!(f.request_checks));
        }
        // In a notebook: the cell, line and column (the region stays the
        // file's, so viewers still open the right bytes).
        if let Some(at) = &f.notebook {
            obj.insert("notebook".into(), json!(at));
        }
    }
    r.insert("properties".into(), props);
    Value::Object(r)
}

/// The finding's own fix, offered only when `sunset fix` would apply it
/// without `--unsafe`: the same edits `fix --write` makes.
fn fix(f: &Finding, artifact: &Map<String, Value>) -> Option<Value> {
    let fix = f.applicable_fix(false)?;
    if f.kind != FindingKind::Call || fix.edits.is_empty() {
        return None;
    }
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.line,
                    "startColumn": e.column,
                    "endLine": e.line,
                    "endColumn": e.column + e.from.chars().count(),
                },
                "insertedContent": { "text": e.to },
            })
        })
        .collect();
    let what = f.replacement.as_deref()?;
    Some(json!({
        "description": { "text": format!("Use {what} instead of {}", f.endpoint) },
        "artifactChanges": [{
            "artifactLocation": artifact,
            "replacements": replacements,
        }],
    }))
}

/// The artifact URI and its base: relative paths under `%SRCROOT%`,
/// absolute ones as `file://` URIs; percent-encoded either way.
fn artifact_uri(path: &str) -> (String, Option<&'static str>) {
    if let Some(rest) = path.strip_prefix('/') {
        (
            format!("file:///{}", crate::text::percent_encode_path(rest)),
            None,
        )
    } else if path.as_bytes().get(1) == Some(&b':') && path.as_bytes().get(2) == Some(&b'/') {
        // A Windows drive path, already forward-slashed: `C:/x` → `file:///C:/x`.
        let drive = &path[..2];
        (
            format!(
                "file:///{drive}/{}",
                crate::text::percent_encode_path(&path[3..])
            ),
            None,
        )
    } else {
        (crate::text::percent_encode_path(path), Some("%SRCROOT%"))
    }
}

/// `qualys-scan-v2` → `QualysScanV2`: SARIF's `name` is an identifier.
fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Escapes Markdown link text so a `]` in a title cannot end the link.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '[' | ']' | '*' | '_' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_and_based() {
        assert_eq!(
            artifact_uri("tests/données/é 1.py"),
            (
                "tests/donn%C3%A9es/%C3%A9%201.py".to_string(),
                Some("%SRCROOT%")
            )
        );
        assert_eq!(
            artifact_uri("/srv/a b"),
            ("file:///srv/a%20b".to_string(), None)
        );
        assert_eq!(artifact_uri("C:/x/y"), ("file:///C:/x/y".to_string(), None));
        assert_eq!(
            artifact_uri("c:x"),
            ("c%3Ax".to_string(), Some("%SRCROOT%"))
        );
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(pascal("qualys-scan-v2"), "QualysScanV2");
    }
}
