//! A finding: one use of a known endpoint version at a place in a file.

use serde::{Deserialize, Serialize};

use crate::rules::{Milestone, Source, Status};

/// Whether the endpoint is called or only named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
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

/// One use of an endpoint. Every text field is already redacted.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
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
    /// Dates of a confirmed rule that rest on secondary evidence only
    /// (`["eos"]` when the EOS date comes from a third party). A status
    /// reached through such a date warns instead of failing a gate.
    #[serde(default)]
    pub unconfirmed_dates: Vec<Milestone>,
    /// How the URL was put together, when it was not one literal:
    /// e.g. "version from API_VERSION (line 4)" or "base BASE_URL from src/settings.py:3".
    pub via: Option<String>,
    pub source: Source,
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
    /// The source lines of the span, redacted (for code frames).
    #[serde(skip)]
    pub snippet: String,
    /// Byte span of the finding inside `snippet`.
    #[serde(skip)]
    pub snippet_span: (usize, usize),
    /// Whether the rule marks its rewrite as safe to apply unreviewed
    /// (`safe-fix`); read by printers that offer fixes. Not in the JSON
    /// document: a finding read back from JSON offers no fix.
    #[serde(skip)]
    pub safe_fix: bool,
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
