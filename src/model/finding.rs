//! A finding: one use of a known endpoint version at a place in a file.
//!
//! The scanner fills the time-free facts (where, which rule, how the URL was
//! built, the fix); [`super::assess`] fills what depends on the day
//! (`status`, `severity`, `days_left`, `next_deadline`) once, for every
//! consumer alike.

use serde::{Deserialize, Serialize};

use crate::rules::{Deadline, Milestone, Source, Status};

/// Whether the endpoint is called or only named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// Code, a curl command or a request definition: the endpoint is called.
    Call,
    /// A comment or prose names the endpoint: reported, never fails a gate.
    Mention,
    /// A call in a test, fixture or mock (`tests/`, `*_test.go`,
    /// `test_*.py`, `__mocks__/`, a recorded response): reported and
    /// counted, fails a gate only with `--strict`.
    Test,
    /// A call of a client-library method that reaches the endpoint inside
    /// the library (`conn.launchScan()`), or the dependency on such a
    /// library in a manifest: fails a gate like a call.
    Library,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Call => "call",
            FindingKind::Mention => "mention",
            FindingKind::Test => "test",
            FindingKind::Library => "library",
        }
    }

    /// Whether a gate counts this kind without `--strict`: a call written
    /// out, or one a client library makes.
    pub fn is_call(self) -> bool {
        matches!(self, FindingKind::Call | FindingKind::Library)
    }
}

/// How sure sunset is that this code reaches the endpoint.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// The URL is written in the file, as one literal or built from pieces
    /// of the same file.
    #[default]
    Certain,
    /// The URL was joined from pieces in several files (a base defined
    /// elsewhere): the evidence is named in `origins`.
    Inferred,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Certain => "certain",
            Confidence::Inferred => "inferred",
        }
    }
}

/// eol = error, eos = warning, deprecated = note, active = none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    None,
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn of(status: Status) -> Severity {
        match status {
            Status::Eol => Severity::Error,
            Status::Eos => Severity::Warning,
            Status::Deprecated => Severity::Note,
            Status::Active => Severity::None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The next deadline of a finding's endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct NextDeadline {
    pub milestone: Milestone,
    /// As published: `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// In words: "December 2026".
    pub words: String,
}

/// A place in a Jupyter notebook, as nbqa names it (`cell_3:5:12`): the
/// cell, 1-based, counting every cell (markdown and raw ones too, so the
/// number is the cell's place in the notebook as Jupyter shows it), the
/// 1-based line in the cell's source and the 1-based column (characters)
/// in that line, after JSON unescaping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub struct CellPosition {
    pub cell: usize,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for CellPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cell_{}:{}:{}", self.cell, self.line, self.column)
    }
}

/// What part a piece of code played in building a finding's URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginRole {
    /// A variable or constant of the same file whose value is part of the
    /// URL (`API_VERSION = "2.0"`).
    Definition,
    /// A versioned base defined in another file (`BASE = "…/api/2.0/fo/"`)
    /// that a relative path was joined to.
    Base,
    /// The manifest line that makes a client library a dependency (name
    /// is the package and the version in force).
    Dependency,
    /// The URL template (in the named function) that a value passed here
    /// fills (`f"/api/2.0/fo/report/template/{kind}/"`).
    Template,
}

/// Where a piece of a finding's URL was defined: data, not prose. The
/// printers turn it into words ("built from `X` defined at line 4").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub struct Origin {
    pub role: OriginRole,
    /// The name as written (`API_VERSION`, `BASE`).
    pub name: String,
    /// The file that defines it; `None` for the finding's own file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line of the definition.
    pub line: usize,
    /// Byte offset of the definition in its file's decoded text.
    pub offset: usize,
    /// In a notebook: the cell, line and column of the definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook: Option<CellPosition>,
}

/// A client library behind a finding of kind `library`, or the library a
/// vendored file belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct LibraryUse {
    /// The package (`qualysapi`) and its registry (`pypi`, `npm`).
    pub name: String,
    pub ecosystem: String,
    /// The requirement in force (`==6.0.0`, `>=6`), when a manifest names it.
    #[serde(default)]
    pub requirement: Option<String>,
    /// The exact version, when one is pinned or locked.
    #[serde(default)]
    pub pinned: Option<String>,
    /// The method or function called (`QGConnector.launchScan`); `None` for
    /// the dependency itself.
    #[serde(default)]
    pub method: Option<String>,
    /// Every legacy endpoint the version in force reaches (the dependency
    /// finding lists them all; a call, the ones its method reaches).
    #[serde(default)]
    pub endpoints: Vec<String>,
    /// The way out: the first release that no longer reaches the endpoint,
    /// or `None` when no release has moved off it.
    #[serde(default)]
    pub upgrade: Option<String>,
    /// For a file of the scanned tree: the vendored copy it belongs to
    /// (`vendor/qualysapi`).
    #[serde(default)]
    pub vendored: Option<String>,
}

/// Whether applying a fix keeps the program working as it did (ruff's
/// `Applicability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The rule's source says the replacement is a drop-in (`safe-fix`).
    Safe,
    /// A correct rewrite of the text, not known to keep behaviour: applied
    /// only with `--unsafe`, with the reasons shown.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One replacement of text in the finding's file, made where the match was
/// made. Offsets are byte offsets in the decoded text ([`crate::source`]);
/// `fix` maps them back to bytes and checks the text is still `from`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (characters) of `start`.
    pub line: usize,
    pub column: usize,
    /// The text replaced, as written (`2.0`) and what replaces it (`3.0`).
    pub from: String,
    pub to: String,
}

/// The rewrite that moves a finding to its replacement.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// Why an unsafe fix is unsafe: from the rule's data (`breaking-changes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// In file order; a Postman URL has two (`raw` and its `path` array).
    pub edits: Vec<Edit>,
}

/// One use of an endpoint. Every text field is already redacted.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Finding {
    /// As the walker reached it from the given root, forward slashes.
    pub path: String,
    /// 1-based start line and column (column in characters).
    pub line: usize,
    pub column: usize,
    /// 1-based end line and column; the end column is exclusive.
    pub end_line: usize,
    pub end_column: usize,
    /// In a notebook: the cell, the line in the cell and the column there
    /// (`line` and `column` stay the file's). `None` elsewhere, and for a
    /// place outside every cell's source (an output, metadata).
    #[serde(default)]
    pub notebook: Option<CellPosition>,
    pub rule: String,
    /// The API's name.
    pub name: String,
    /// The endpoint found, normalised (published form of the rule).
    pub endpoint: String,
    /// The URL or path as reconstructed from the source, credentials redacted.
    pub matched: String,
    pub replacement: Option<String>,
    /// `matched` with the endpoint rewritten to the replacement.
    pub suggested: Option<String>,
    /// The rule's deadlines, as published.
    pub eos: Option<Deadline>,
    pub eol: Option<Deadline>,
    /// When the replacement first appeared (the rule's
    /// `replacement-published`), as published; `None` when the rule does
    /// not say. Before it, `assess` treats the endpoint as the current one.
    #[serde(default)]
    pub replacement_published: Option<Deadline>,
    pub kind: FindingKind,
    /// False when the rule rests only on secondary evidence.
    pub confirmed: bool,
    /// Dates of a confirmed rule that rest on secondary evidence only
    /// (`["eos"]` when the EOS date comes from a third party). A status
    /// reached through such a date warns instead of failing a gate.
    #[serde(default)]
    pub unconfirmed_dates: Vec<Milestone>,
    #[serde(default)]
    pub confidence: Confidence,
    /// The definitions the URL was built from, when it was not one literal.
    #[serde(default)]
    pub origins: Vec<Origin>,
    pub source: Source,
    /// The rewrite to the replacement, when one literal of this file holds
    /// the version.
    #[serde(default)]
    pub fix: Option<Fix>,
    /// Why the rewrite needs a person, when there is a replacement but no
    /// [`Fix`] (the version sits in a shared definition, is filled in at run
    /// time, or the replacement changes more than the version).
    #[serde(default)]
    pub manual_fix: Option<String>,
    /// The client library behind a `library` finding, or the vendored copy
    /// of one a finding sits in.
    #[serde(default)]
    pub library: Option<LibraryUse>,
    /// The request around the call, as far as literals show it: method,
    /// action, parameters with their places. `None` for mentions and
    /// library findings, and when nothing of the request is literal.
    #[serde(default)]
    pub request: Option<super::request::Request>,
    /// What the rule's request data says about this request ("action=launch
    /// has no published replacement"), in source order.
    #[serde(default)]
    pub request_checks: Vec<super::request::RequestCheck>,
    /// Set by [`super::assess`]: the status at the as-of date.
    pub status: Status,
    /// Days from the as-of date to the next deadline; negative (days since
    /// the last one) once every deadline has passed. Set by `assess`.
    pub days_left: Option<i64>,
    pub next_deadline: Option<NextDeadline>,
    pub severity: Severity,
    /// Identifies this use across runs even when lines move: a hash of the
    /// rule, the path, the matched text with whitespace removed and the
    /// occurrence index among equal (rule, path, text) triples in the file.
    #[serde(default)]
    pub fingerprint: String,
    /// Set when an inline `sunset: ignore`, a waiver in `sunset.toml` or a
    /// baseline keeps this finding from failing the gate. Suppressed
    /// findings stay in every output.
    #[serde(default)]
    pub suppressed: Option<Suppression>,
    /// What the gate of `sunset check` made of this finding; null in `audit`.
    #[serde(default)]
    pub verdict: Option<Verdict>,
    /// The advice about a replacement not yet published at the as-of date,
    /// held back by `assess` and given back when a later date is assessed.
    #[serde(skip)]
    pub withheld: Option<Box<Withheld>>,
    /// The source lines of the span, redacted (for code frames).
    #[serde(skip)]
    pub snippet: String,
    /// Byte span of the finding inside `snippet`.
    #[serde(skip)]
    pub snippet_span: (usize, usize),
}

/// What a finding says about its replacement: held back while the
/// replacement is not yet published at the as-of date.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Withheld {
    pub replacement: Option<String>,
    pub suggested: Option<String>,
    pub fix: Option<Fix>,
    pub manual_fix: Option<String>,
    /// Request checks resting on a source published on or after the
    /// replacement's date (they speak of the replacement).
    pub request_checks: Vec<super::request::RequestCheck>,
}

/// The JSON shape of a finding (`sunset/1`): the fields in their documented
/// order, plus `via`, the origins in words for readers and older consumers.
#[derive(Serialize)]
struct FindingWire<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    notebook: &'a Option<CellPosition>,
    rule: &'a str,
    name: &'a str,
    endpoint: &'a str,
    matched: &'a str,
    replacement: &'a Option<String>,
    suggested: &'a Option<String>,
    status: Status,
    eos: &'a Option<Deadline>,
    eol: &'a Option<Deadline>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replacement_published: &'a Option<Deadline>,
    days_left: Option<i64>,
    next_deadline: &'a Option<NextDeadline>,
    severity: Severity,
    kind: FindingKind,
    confirmed: bool,
    unconfirmed_dates: &'a [Milestone],
    confidence: Confidence,
    via: Option<String>,
    origins: &'a [Origin],
    source: &'a Source,
    fix: &'a Option<Fix>,
    manual_fix: &'a Option<String>,
    library: &'a Option<LibraryUse>,
    request: &'a Option<super::request::Request>,
    request_checks: &'a [super::request::RequestCheck],
    fingerprint: &'a str,
    suppressed: &'a Option<Suppression>,
    verdict: &'a Option<Verdict>,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FindingWire {
            path: &self.path,
            line: self.line,
            column: self.column,
            end_line: self.end_line,
            end_column: self.end_column,
            notebook: &self.notebook,
            rule: &self.rule,
            name: &self.name,
            endpoint: &self.endpoint,
            matched: &self.matched,
            replacement: &self.replacement,
            suggested: &self.suggested,
            status: self.status,
            eos: &self.eos,
            eol: &self.eol,
            replacement_published: &self.replacement_published,
            days_left: self.days_left,
            next_deadline: &self.next_deadline,
            severity: self.severity,
            kind: self.kind,
            confirmed: self.confirmed,
            unconfirmed_dates: &self.unconfirmed_dates,
            confidence: self.confidence,
            via: self.via(),
            origins: &self.origins,
            source: &self.source,
            fix: &self.fix,
            manual_fix: &self.manual_fix,
            library: &self.library,
            request: &self.request,
            request_checks: &self.request_checks,
            fingerprint: &self.fingerprint,
            suppressed: &self.suppressed,
            verdict: &self.verdict,
        }
        .serialize(s)
    }
}

/// What kept a finding from failing the gate.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Suppression {
    pub by: SuppressedBy,
    /// The reason given; `None` for an inline suppression without one
    /// (which is itself reported as a warning).
    pub reason: Option<String>,
    /// Where the suppression is written: `path:line` of the comment, of the
    /// waiver in `sunset.toml`, or of the baseline file.
    pub at: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressedBy {
    /// A `sunset: ignore[rule]` comment on the line or the line above.
    Inline,
    /// A waiver in `sunset.toml` whose `until` date has not passed.
    Waiver,
    /// The finding's fingerprint is in the `--baseline` file.
    Baseline,
}

impl SuppressedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressedBy::Inline => "inline",
            SuppressedBy::Waiver => "waiver",
            SuppressedBy::Baseline => "baseline",
        }
    }
}

/// The gate's view of one finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// At or above `--fail-on` and not suppressed: the gate fails.
    Fail,
    /// Below the threshold, but its next deadline falls within
    /// `--warn-within` (or a mention / suppressed finding at the threshold).
    Warn,
    /// Reported for information only.
    Pass,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Pass => "pass",
        }
    }
}

impl Finding {
    /// Whether the finding's status rests on a date, or a rule, known only
    /// from secondary evidence.
    pub fn status_unconfirmed(&self) -> bool {
        let through = match self.status {
            Status::Eos => Some(Milestone::Eos),
            Status::Eol => Some(Milestone::Eol),
            Status::Active | Status::Deprecated => None,
        };
        !self.confirmed || through.is_some_and(|m| self.unconfirmed_dates.contains(&m))
    }

    /// The order every output uses: path, position, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, &self.rule)
    }

    /// The level CI formats use: the gate's verdict when there is one,
    /// otherwise the severity of the status.
    pub fn level(&self) -> Severity {
        match self.verdict {
            Some(Verdict::Fail) => Severity::Error,
            Some(Verdict::Warn) => Severity::Warning,
            Some(Verdict::Pass) => Severity::Note,
            None => self.severity,
        }
    }

    /// The origins in words: "built from `X` defined at line 4" for pieces
    /// of the same file, "base `B` from settings.py:3" for a base joined
    /// from another file. `None` for a URL written in one literal.
    /// Where the finding is, after the path: `line:column`, or in a
    /// notebook `cell_N:line:column` (nbqa's form).
    pub fn position(&self) -> String {
        match self.notebook {
            Some(at) => at.to_string(),
            None => format!("{}:{}", self.line, self.column),
        }
    }

    pub fn via(&self) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        let definitions: Vec<String> = self
            .origins
            .iter()
            .filter(|o| o.role == OriginRole::Definition)
            .map(|o| match o.notebook {
                Some(at) => format!("`{}` defined at cell_{}:{}", o.name, at.cell, at.line),
                None => format!("`{}` defined at line {}", o.name, o.line),
            })
            .collect();
        if !definitions.is_empty() {
            parts.push(format!("built from {}", definitions.join(", ")));
        }
        for o in self
            .origins
            .iter()
            .filter(|o| o.role == OriginRole::Template)
        {
            let at = match o.path.as_deref() {
                Some(file) => format!("{file}:{}", o.line),
                None => format!("line {}", o.line),
            };
            parts.push(format!("`{}` at {at} from the value here", o.name));
        }
        for o in self.origins.iter().filter(|o| o.role == OriginRole::Base) {
            let file = o.path.as_deref().unwrap_or(&self.path);
            parts.push(format!("base `{}` from {file}:{}", o.name, o.line));
        }
        for o in self
            .origins
            .iter()
            .filter(|o| o.role == OriginRole::Dependency)
        {
            let file = o.path.as_deref().unwrap_or(&self.path);
            parts.push(format!("dependency {} at {file}:{}", o.name, o.line));
        }
        if parts.is_empty() {
            return None;
        }
        Some(parts.join("; "))
    }

    /// The rewrite if it is applicable at `allow_unsafe`.
    pub fn applicable_fix(&self, allow_unsafe: bool) -> Option<&Fix> {
        self.fix
            .as_ref()
            .filter(|f| allow_unsafe || f.applicability == Applicability::Safe)
    }
}

/// Fills [`Finding::fingerprint`] for findings sorted by [`Finding::sort_key`].
///
/// The fingerprint leaves out line and column so a baseline survives lines
/// inserted above a finding; the occurrence index keeps two identical calls
/// in one file apart. The path is taken relative to the scanned root that
/// holds it (`roots` as displayed), so `sunset check .` and `sunset check
/// /abs/repo` agree. FNV-1a (64 bit) is enough: the input is short and not
/// adversarial, and it is stable across Rust versions, unlike `DefaultHasher`.
pub fn assign_fingerprints(findings: &mut [Finding], roots: &[String]) {
    let mut seen: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let text: String = f.matched.chars().filter(|c| !c.is_whitespace()).collect();
        let key = (
            f.rule.clone(),
            relative_to_root(&f.path, roots).to_string(),
            text,
        );
        let n = seen.entry(key.clone()).or_default();
        let occurrence = *n;
        *n += 1;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [
            key.0.as_bytes(),
            key.1.as_bytes(),
            key.2.as_bytes(),
            occurrence.to_string().as_bytes(),
        ] {
            for &b in part.iter().chain(std::iter::once(&0xffu8)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        f.fingerprint = format!("{h:016x}");
    }
}

/// `path` without the longest root it lies under (a root that is the file
/// itself leaves its file name).
fn relative_to_root<'a>(path: &'a str, roots: &[String]) -> &'a str {
    let mut best = path;
    for root in roots {
        let root = root.trim_end_matches('/');
        if root.is_empty() || root == "." {
            continue;
        }
        if let Some(rest) = path.strip_prefix(root) {
            if let Some(rest) = rest.strip_prefix('/') {
                if rest.len() < best.len() {
                    best = rest;
                }
            } else if rest.is_empty() {
                let name = path.rsplit('/').next().unwrap_or(path);
                if name.len() < best.len() {
                    best = name;
                }
            }
        }
    }
    best
}
