//! A finding: one use of a known endpoint version at a place in a file.

use serde::Serialize;

use crate::rules::{Milestone, Source, Status};

/// Whether the endpoint is called or only named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// Code, a curl command or a request definition: the endpoint is called.
    Call,
    /// A comment or prose names the endpoint: reported, never fails a gate.
    Mention,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Call => "call",
            FindingKind::Mention => "mention",
        }
    }
}

/// eol = error, eos = warning, deprecated = note, active = none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NextDeadline {
    pub milestone: Milestone,
    /// As published: `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// In words: "December 2026".
    pub words: String,
}

/// One use of an endpoint. Every text field is already redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// As the walker reached it from the given root, forward slashes.
    pub path: String,
    /// 1-based start line and column (column in characters).
    pub line: usize,
    pub column: usize,
    /// 1-based end line and column; the end column is exclusive.
    pub end_line: usize,
    pub end_column: usize,
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
    pub status: Status,
    /// As published: `YYYY-MM`, `YYYY-MM-DD` or null.
    pub eos: Option<String>,
    pub eol: Option<String>,
    /// Days from `as_of` to the next deadline; negative or null once past.
    pub days_left: Option<i64>,
    pub next_deadline: Option<NextDeadline>,
    pub severity: Severity,
    pub kind: FindingKind,
    /// False when the rule rests only on secondary evidence.
    pub confirmed: bool,
    /// How the URL was put together, when it was not one literal:
    /// e.g. "version from API_VERSION (line 4)" or "base BASE_URL from src/settings.py:3".
    pub via: Option<String>,
    pub source: Source,
    /// The source lines of the span, redacted (for code frames).
    #[serde(skip)]
    pub snippet: String,
    /// Byte span of the finding inside `snippet`.
    #[serde(skip)]
    pub snippet_span: (usize, usize),
}

impl Finding {
    /// The order every output uses: path, position, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.line, self.column, &self.rule)
    }
}
