//! Human output: one compiler-style diagnostic per finding, then a summary.
//!
//! Each finding becomes a small [`Diagnostic`] rendered by miette's
//! [`GraphicalReportHandler`]: a headline with the status and the deadline in
//! words, a code frame over the finding's snippet (with the file's real line
//! numbers, through [`FrameSource`]), the endpoint underlined, and a `help`
//! line with the replacement. `note` lines follow (how the URL was built,
//! evidence, mention, source), then notices and a one-line summary.
//!
//! The printer reads neither the clock nor the terminal: "today" is
//! `report.as_of`, the width is [`HumanOptions::width`], and colour is
//! [`HumanOptions::color`]. Text coming from scanned files is shown with
//! control characters replaced by visible symbols, so a file cannot send
//! escape sequences to the terminal.

use std::fmt;
use std::io;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::model::{Finding, FindingKind, Severity, Verdict};
use crate::model::{Gate, Report, Summary};
use crate::rules::{Date, Deadline, Milestone, Status};

/// How to render.
#[derive(Clone, Debug, Default)]
pub struct HumanOptions {
    /// ANSI colours (the caller decides: TTY, `NO_COLOR`, `--color`).
    pub color: bool,
    /// Wrap `note` prose at this many columns; `None` leaves wrapping to
    /// the terminal. Headlines, `help` and source lines never wrap.
    pub width: Option<usize>,
    /// List the unknown endpoints and the unresolved URLs (`--show-unknown`),
    /// not only count them.
    pub show_unknown: bool,
}

/// Label under the endpoint in the code frame.
const LABEL: &str = "legacy endpoint";
/// Source lines longer than this (in characters) are cut around the span.
const MAX_LINE_CHARS: usize = 160;
/// Characters kept on each side of the span in a cut line.
const CUT_CONTEXT: usize = 48;
/// Notices listed before the summary; the rest are counted.
const MAX_NOTICES: usize = 10;

/// Renders `report` as diagnostics followed by a summary line. With a gate
/// (`sunset check`) only the findings that fail or warn get a diagnostic;
/// the rest are counted, and the gate's verdict closes the output.
pub fn render(report: &Report, options: &HumanOptions, out: &mut dyn io::Write) -> io::Result<()> {
    let handler = handler(options);
    let paint = Paint { on: options.color };
    let shown = report.findings.iter().filter(|f| {
        report.gate.is_none() || matches!(f.verdict, Some(Verdict::Fail | Verdict::Warn))
    });
    for finding in shown {
        let mut text = String::new();
        write_finding(&mut text, &handler, paint, options, finding, report.as_of)
            .map_err(|_| io::Error::other("formatting a diagnostic failed"))?;
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
    }
    render_tail(report, options, out)
}

/// The notices, the summary line and, with a gate, its verdict: what
/// `sunset check --statistics` prints under its table.
pub fn render_tail(
    report: &Report,
    options: &HumanOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let paint = Paint { on: options.color };
    let mut tail = String::new();
    write_notices(&mut tail, paint, &report.summary);
    if options.show_unknown {
        write_unknown(&mut tail, paint, &report.summary);
    }
    write_summary(&mut tail, paint, report);
    if let Some(gate) = &report.gate {
        write_gate(&mut tail, paint, report, gate);
    }
    out.write_all(tail.as_bytes())
}

/// The last lines of `sunset check`: why it failed or passed, in words.
fn write_gate(out: &mut String, paint: Paint, report: &Report, gate: &Gate) {
    for w in &gate.expired_waivers {
        let target = match (&w.rule, &w.path) {
            (Some(r), Some(p)) => format!("{} in {}", visible(r), visible(p)),
            (Some(r), None) => visible(r),
            (None, Some(p)) => visible(p),
            (None, None) => "everything".to_string(),
        };
        out.push_str(&format!(
            "{} waiver for {target} expired on {} and no longer applies ({}: {})\n",
            paint.warning("warning:"),
            w.until,
            visible(&w.at),
            visible(&w.reason)
        ));
    }
    for n in &gate.unexplained_suppressions {
        out.push_str(&format!(
            "{} {}: {}\n",
            paint.warning("warning:"),
            visible(&n.path),
            visible(&n.message)
        ));
    }
    if let Some(b) = &gate.baseline {
        let mut line = format!(
            "baseline {}: {} known, {} new",
            visible(&b.file),
            thousands_usize(b.known),
            thousands_usize(b.new)
        );
        if !b.fixed.is_empty() {
            line.push_str(&format!(
                "; {} no longer {} (fixed: rewrite the baseline with --write-baseline to drop {})",
                plural(b.fixed.len(), "entry", "entries"),
                if b.fixed.len() == 1 {
                    "occurs"
                } else {
                    "occur"
                },
                if b.fixed.len() == 1 { "it" } else { "them" },
            ));
        }
        out.push_str(&line);
        out.push('\n');
        for e in b.fixed.iter().take(MAX_NOTICES) {
            out.push_str(&format!(
                "  fixed: {}:{} {} {}\n",
                visible(&e.path),
                e.line,
                visible(&e.rule),
                visible(&e.matched)
            ));
        }
        if b.fixed.len() > MAX_NOTICES {
            out.push_str(&format!(
                "  … and {} more (--format json lists them)\n",
                thousands_usize(b.fixed.len() - MAX_NOTICES)
            ));
        }
    }

    let threshold = match gate.fail_on {
        Status::Eol => "at End of Life",
        Status::Eos => "at or past End of Support",
        _ => "deprecated or worse",
    };
    let what = if gate.strict { "use" } else { "call" };
    let status_failing = gate.failing - gate.request_failing.min(gate.failing);
    let head = if !gate.passed && status_failing == 0 {
        format!(
            "{} {} — {} with a request error (--fail-on-request)",
            paint.bold("sunset check:"),
            paint.severity(Severity::Error, "FAILED"),
            plural(gate.request_failing, what, &format!("{what}s")),
        )
    } else if gate.passed {
        format!(
            "{} passed — no {what} {threshold} (--fail-on {})",
            paint.bold("sunset check:"),
            gate.fail_on.as_str()
        )
    } else {
        format!(
            "{} {} — {} {threshold} (--fail-on {})",
            paint.bold("sunset check:"),
            paint.severity(Severity::Error, "FAILED"),
            plural(status_failing, what, &format!("{what}s")),
            gate.fail_on.as_str()
        )
    };
    let head = if !gate.passed && status_failing > 0 && gate.request_failing > 0 {
        format!(
            "{head}; {} with a request error (--fail-on-request)",
            plural(gate.request_failing, what, &format!("{what}s"))
        )
    } else {
        head
    };
    out.push_str(&head);
    out.push('\n');

    let mut facts = Vec::new();
    let warned = |f: &&Finding| f.verdict == Some(Verdict::Warn);
    let unconfirmed_warnings = report
        .findings
        .iter()
        .filter(warned)
        .filter(|f| f.status_unconfirmed() && f.status >= gate.fail_on)
        .count();
    let deadline_warnings = gate.warnings - unconfirmed_warnings.min(gate.warnings);
    if deadline_warnings > 0 {
        facts.push(format!(
            "{} (a deadline within {})",
            plural(deadline_warnings, "warning", "warnings"),
            gate.warn_within
        ));
    }
    if unconfirmed_warnings > 0 {
        facts.push(format!(
            "{} at the threshold on secondary evidence only",
            plural(unconfirmed_warnings, "warning", "warnings")
        ));
    }
    let passing_calls: usize = report
        .findings
        .iter()
        .filter(|f| {
            f.verdict == Some(Verdict::Pass)
                && f.suppressed.is_none()
                && f.kind == FindingKind::Call
        })
        .count();
    if passing_calls > 0 {
        facts.push(format!(
            "{} below the threshold",
            plural(passing_calls, "call", "calls")
        ));
    }
    let s = &report.summary;
    if s.mentions > 0 && !gate.strict {
        facts.push(format!(
            "{} never fail (--strict counts them)",
            plural(s.mentions, "mention", "mentions")
        ));
    }
    if s.tests > 0 && !gate.strict {
        facts.push(format!(
            "{} in tests (counted only with --strict)",
            plural(s.tests, "finding", "findings")
        ));
    }
    if s.suppressed > 0 {
        facts.push(format!("{} suppressed", thousands_usize(s.suppressed)));
    }
    if unconfirmed_warnings > 0 && !gate.fail_unconfirmed {
        facts.push("--fail-unconfirmed gates on unconfirmed rules too".to_string());
    }
    if !facts.is_empty() {
        out.push_str(&format!("  {}\n", facts.join("; ")));
    }
    if let Some(n) = &s.nearest_deadline {
        let when = Deadline::parse(&n.date).map_or_else(|| n.words.clone(), on_or_in);
        out.push_str(&format!(
            "  nearest deadline: {} of {} {when}, {}\n",
            n.milestone.label(),
            visible(&n.endpoint),
            days_phrase(n.days_left)
        ));
    }
    if !report.findings.is_empty() && !gate.details.is_empty() {
        out.push_str(&format!("  details: {}\n", visible(&gate.details)));
    }
}

fn handler(options: &HumanOptions) -> GraphicalReportHandler {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Headlines and `help` stay on one line each: greppable in CI logs, and
    // URLs are never broken. Only `note` prose wraps (see `wrap_into`).
    GraphicalReportHandler::new_themed(theme)
        .without_syntax_highlighting()
        .with_links(false)
        .with_context_lines(1)
        .with_wrap_lines(false)
        .with_width(options.width.unwrap_or(200))
}

// ---------------------------------------------------------------------------
// One finding

fn write_finding(
    out: &mut String,
    handler: &GraphicalReportHandler,
    paint: Paint,
    options: &HumanOptions,
    f: &Finding,
    as_of: Date,
) -> fmt::Result {
    let path = visible(&f.path);
    let frame = Frame::build(&f.snippet, f.snippet_span);
    let (source, label) = match frame {
        Some(frame) => {
            let span = SourceSpan::from(frame.span.0..frame.span.1);
            // The snippet normally starts on the finding's line; if it
            // carries context lines above the span, start that much earlier.
            let above = frame.text[..frame.span.0].matches('\n').count();
            // In a notebook the frame is named and numbered by the cell
            // (`analysis.ipynb:cell_3:5:12`, nbqa's form); the text shown
            // is the notebook's own line.
            let (name, line, column) = match f.notebook {
                Some(at) => (format!("{path}:cell_{}", at.cell), at.line, at.column),
                None => (path.clone(), f.line, f.column),
            };
            let source = FrameSource {
                name,
                first_line: line.saturating_sub(1).saturating_sub(above),
                primary_offset: frame.span.0,
                primary_column: column.saturating_sub(1),
                text: frame.text,
            };
            (
                Some(source),
                Some(LabeledSpan::new_primary_with_span(
                    Some(
                        if f.kind == FindingKind::Library {
                            "reaches it inside the library"
                        } else if !f.endpoint.starts_with('/') {
                            // A rule keyed by an operation name.
                            "operation"
                        } else {
                            LABEL
                        }
                        .to_string(),
                    ),
                    span,
                )),
            )
        }
        None => (None, None),
    };
    let diagnostic = FindingDiagnostic {
        message: format!(
            "{}: {}",
            paint.severity(shown_level(f), &tag(f)),
            visible(&headline(f, as_of))
        ),
        severity: match shown_level(f) {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note | Severity::None => miette::Severity::Advice,
        },
        help: Some(visible(&help(f))),
        source,
        label,
    };
    handler.render_report(out, &diagnostic)?;

    let mut notes = Vec::new();
    if diagnostic.source.is_none() {
        notes.push(format!(
            "at {path}:{}: {}",
            f.position(),
            visible(&f.matched)
        ));
    }
    if let Some(via) = f.via() {
        notes.push(via_note(&visible(&via)));
    }
    if !f.confirmed {
        notes.push("unconfirmed: rests on secondary evidence".to_string());
    }
    for m in &f.unconfirmed_dates {
        let date = match m {
            Milestone::Eos => f.eos,
            Milestone::Eol => f.eol,
        };
        let words = date.map_or_else(String::new, |d| format!(" ({})", d.words()));
        notes.push(format!(
            "unconfirmed: the {} date{words} rests on secondary evidence",
            m.label()
        ));
    }
    match f.kind {
        FindingKind::Call => {}
        FindingKind::Mention => {
            notes.push("kind: mention (not a call; never fails a gate)".to_string())
        }
        FindingKind::Test => notes.push(
            "kind: test (in a test, fixture or mock; fails a gate only with --strict)".to_string(),
        ),
        FindingKind::Library => {
            if let Some(lib) = &f.library {
                notes.push(library_note(lib));
            }
        }
    }
    if let (FindingKind::Call | FindingKind::Test, Some(lib)) = (f.kind, &f.library) {
        if let Some(root) = &lib.vendored {
            notes.push(format!("in a vendored copy of {} ({root})", lib.name));
        }
    }
    if let Some(s) = &f.suppressed {
        let why = s.reason.as_deref().map_or_else(
            || "no reason given".to_string(),
            |r| format!("“{}”", visible(r)),
        );
        notes.push(format!(
            "suppressed ({}) at {}: {why}",
            s.by.as_str(),
            visible(&s.at)
        ));
    }
    notes.push(source_note(f));
    for note in notes {
        wrap_into(out, &paint.note("note:"), &note, options.width);
    }
    // The parameter checks of the request, each with its level and source.
    for c in f
        .request_checks
        .iter()
        .filter(|c| c.code.starts_with("param-"))
    {
        let line = format!(
            "{} ({}; source: {}, {})",
            visible(&c.message),
            c.code,
            visible(&c.source.title),
            visible(&c.source.date)
        );
        let label = format!("request {}:", c.level.as_str());
        wrap_into(out, &paint.note(&label), &line, options.width);
    }
    Ok(())
}

/// "through qualysapi 6.0.0 (pinned): upgrade to 7.0.0" and the like.
fn library_note(lib: &crate::model::LibraryUse) -> String {
    let version = match (&lib.pinned, &lib.requirement) {
        (Some(v), _) => format!(" {v} (pinned)"),
        (None, Some(r)) if !r.is_empty() => format!(" {r}"),
        _ => " (version not pinned: every release read)".to_string(),
    };
    match &lib.method {
        Some(m) => format!("through client library {}{version}, method {m}", lib.name),
        None => format!(
            "client library {}{version} reaches {}",
            lib.name,
            lib.endpoints.join(", ")
        ),
    }
}

/// `error[EOL]`, `warning[EOS]`, `note[deprecated]` for calls;
/// `mention[EOL]`, `test[EOS]` for what names an endpoint without calling
/// it from production code, so a mention never reads like an error.
fn tag(f: &Finding) -> String {
    if let (Some(level), FindingKind::Call) = (request_problem(f), f.kind) {
        // An active endpoint shown for its request: say so.
        return format!("{}[request]", level.as_str());
    }
    let word = match (f.kind, shown_level(f)) {
        (FindingKind::Call, Severity::None) => "info",
        (FindingKind::Call, s) => s.as_str(),
        (kind, _) => kind.as_str(),
    };
    format!("{word}[{}]", f.status.label())
}

/// For a use of an active endpoint, the worst request check at warning or
/// error (IPv6 sent to save_merchant): the reason it is shown at all.
fn request_problem(f: &Finding) -> Option<crate::model::request::CheckLevel> {
    use crate::model::request::CheckLevel;
    if f.status != Status::Active {
        return None;
    }
    f.request_checks
        .iter()
        .map(|c| c.level)
        .filter(|l| *l >= CheckLevel::Warning)
        .max()
}

/// The level a finding is drawn at: a mention or test finding is advice
/// unless the gate failed it (`--strict`).
fn shown_level(f: &Finding) -> Severity {
    if f.kind.is_call() || f.verdict == Some(Verdict::Fail) {
        f.level()
    } else {
        Severity::Note
    }
}

/// The status and the deadline in words, with the days left or gone.
fn headline(f: &Finding, as_of: Date) -> String {
    let what = format!("{} {}", f.name, f.endpoint);
    let (eos, eol) = (f.eos, f.eol);
    let next = next_phrase(f, as_of);
    match f.status {
        Status::Eol => match eol {
            Some(d) => format!(
                "{what} reached End of Life {} — {}",
                on_or_in(d),
                days_phrase(as_of.days_until(d.effective()))
            ),
            None => format!("{what} reached End of Life"),
        },
        Status::Eos => {
            let when = eos.map(|d| format!(" {}", on_or_in(d))).unwrap_or_default();
            let after = next.unwrap_or_else(|| "no End of Life date published".to_string());
            format!("{what} reached End of Support{when} — {after}")
        }
        Status::Deprecated => match next {
            Some(next) => format!("{what} is deprecated — {next}"),
            None => format!("{what} is deprecated; no End of Support date published"),
        },
        Status::Active if request_problem(f).is_some() => {
            format!("{what} is active, but this request is not valid for it")
        }
        Status::Active => format!("{what} is active"),
    }
}

/// "EOL May 2027 in 159 days", from the finding's next deadline.
fn next_phrase(f: &Finding, as_of: Date) -> Option<String> {
    let next = f.next_deadline.as_ref()?;
    let days = f
        .days_left
        .or_else(|| Deadline::parse(&next.date).map(|d| as_of.days_until(d.effective())))?;
    let label = match next.milestone {
        Milestone::Eos => "EOS",
        Milestone::Eol => "EOL",
    };
    Some(format!("{label} {} {}", next.words, days_phrase(days)))
}

/// "in December 2026" (month precision) or "on 15 December 2026".
fn on_or_in(d: Deadline) -> String {
    if d.is_month_only() {
        format!("in {}", d.words())
    } else {
        format!("on {}", d.words())
    }
}

/// "in 8 days", "in 1 day", "today", "1 day ago", "1,024 days ago".
fn days_phrase(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "in 1 day".to_string(),
        -1 => "1 day ago".to_string(),
        d if d > 0 => format!("in {} days", thousands(d.unsigned_abs())),
        d => format!("{} days ago", thousands(d.unsigned_abs())),
    }
}

fn help(f: &Finding) -> String {
    if f.kind == FindingKind::Library {
        // No URL is written here: the way out is the library's.
        let to = f.replacement.as_deref().map_or_else(String::new, |r| {
            format!("{} is replaced by {r}; ", f.endpoint)
        });
        return format!("{to}{}", f.manual_fix.as_deref().unwrap_or_default());
    }
    // The request's own verdict on the replacement (per-action scope).
    if let Some(c) = f
        .request_checks
        .iter()
        .find(|c| c.code.starts_with("action-"))
    {
        return visible(&c.message);
    }
    if request_problem(f).is_some() {
        return "change the request as the request check below says".to_string();
    }
    match (&f.replacement, &f.suggested) {
        (Some(r), Some(s)) if s != r => format!("use {r}: {s}"),
        (Some(r), _) => format!("use {r}"),
        (None, _) => "no replacement endpoint is published".to_string(),
    }
}

/// "URL built from `API_VERSION` defined at line 2" or
/// "URL built with version from API_VERSION (line 4)".
fn via_note(via: &str) -> String {
    if via.starts_with("dependency ") {
        via.to_string()
    } else if via.starts_with("built ") || via.starts_with("assembled ") {
        format!("URL {via}")
    } else {
        format!("URL built with {via}")
    }
}

fn source_note(f: &Finding) -> String {
    let s = &f.source;
    let date = Deadline::parse(&s.date)
        .map(Deadline::words)
        .unwrap_or_else(|| s.date.clone());
    let mut note = format!("source: {} ({date})", visible(&s.title));
    if let Some(url) = &s.url {
        note.push(' ');
        note.push_str(&visible(url));
    }
    note
}

// ---------------------------------------------------------------------------
// The miette side: a diagnostic per finding over a source with real line numbers

#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<FrameSource>,
    label: Option<LabeledSpan>,
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// The snippet of one finding, seen by miette as if it were the whole file
/// from `first_line` on: spans read from it report the file's line numbers,
/// and the primary span reports the finding's real column (the snippet's
/// first line may have been cut).
#[derive(Debug)]
struct FrameSource {
    name: String,
    text: String,
    /// 0-based line of the file where `text` starts.
    first_line: usize,
    primary_offset: usize,
    /// 0-based character column of the finding in the file.
    primary_column: usize,
}

impl SourceCode for FrameSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette uses the column only for the `[path:line:col]` header, which
        // it reads with no context lines.
        let column = if context_lines_before > 0 {
            inner.column()
        } else if span.offset() == self.primary_offset {
            self.primary_column
        } else {
            char_column(&self.text, span.offset())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// 0-based character column of byte `offset` in `text`.
fn char_column(text: &str, offset: usize) -> usize {
    let offset = floor_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

/// The text of a code frame and the finding's span inside it: control
/// characters made visible, CRLF folded, overlong lines cut around the span.
#[derive(Debug, PartialEq, Eq)]
struct Frame {
    text: String,
    span: (usize, usize),
}

impl Frame {
    /// `None` when there is nothing to show.
    fn build(snippet: &str, span: (usize, usize)) -> Option<Frame> {
        let start = floor_boundary(snippet, span.0);
        let end = ceil_boundary(snippet, span.1.max(span.0)).max(start);
        let mut text = String::with_capacity(snippet.len().min(4 * MAX_LINE_CHARS));
        let (mut new_start, mut new_end) = (None, None);
        let mut line_start = 0;
        for (i, raw) in snippet.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let line_end = line_start + line.len();
            let (lo, hi) = cut(
                line,
                start.checked_sub(line_start),
                end.checked_sub(line_start),
            );
            if lo > 0 {
                text.push('…');
            }
            let kept_start = line_start + lo;
            for (j, c) in line[lo..hi].char_indices() {
                let at = kept_start + j;
                if new_start.is_none() && at >= start {
                    new_start = Some(text.len());
                }
                if new_end.is_none() && at >= end {
                    new_end = Some(text.len());
                }
                push_visible(&mut text, c);
            }
            // Offsets past the kept part of this line (the cut tail, a
            // dropped `\r`, the newline) map to the end of the kept part.
            let next_line_start = line_end + (raw.len() - line.len()) + 1;
            if new_start.is_none() && start < next_line_start {
                new_start = Some(text.len());
            }
            if new_end.is_none() && end < next_line_start {
                new_end = Some(text.len());
            }
            if hi < line.len() {
                text.push('…');
            }
            line_start = next_line_start;
        }
        let new_start = new_start.unwrap_or(text.len());
        let mut new_end = new_end.unwrap_or(text.len()).max(new_start);
        // Drop trailing blank lines below the span.
        let keep = text.trim_end_matches('\n').len().max(new_end);
        text.truncate(keep);
        new_end = new_end.min(text.len());
        if text.trim().is_empty() {
            return None;
        }
        Some(Frame {
            text,
            span: (new_start, new_end),
        })
    }
}

/// The byte range of `line` to show: all of it when short, else a window of
/// at most [`MAX_LINE_CHARS`] characters around the span part on this line.
/// `start`/`end` are the span's offsets relative to the line start (`None`
/// when the span starts/ends before the line).
fn cut(line: &str, start: Option<usize>, end: Option<usize>) -> (usize, usize) {
    if line.len() <= MAX_LINE_CHARS || line.chars().count() <= MAX_LINE_CHARS {
        return (0, line.len());
    }
    let n = line.chars().count();
    let char_at = |byte: usize| line[..floor_boundary(line, byte)].chars().count();
    // The span touches this line unless it ends before it or starts after it.
    let touches = end.is_some() && start.is_none_or(|s| s <= line.len());
    let (lo, hi) = if touches {
        let a = start.map_or(0, char_at);
        let b = end.map_or(0, char_at).max(a + 1);
        let lo = a.saturating_sub(CUT_CONTEXT);
        (lo, (b + CUT_CONTEXT).min(lo + MAX_LINE_CHARS).min(n))
    } else {
        (0, MAX_LINE_CHARS)
    };
    let byte_of = |ch: usize| line.char_indices().nth(ch).map_or(line.len(), |(i, _)| i);
    (byte_of(lo), byte_of(hi.max(lo)))
}

/// Pushes `c`, replacing characters that could move the cursor, recolour
/// the terminal or reorder text (control and bidi characters).
fn push_visible(out: &mut String, c: char) {
    match c {
        '\t' | '\n' => out.push(c),
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => out.push('\u{2421}'),
        '\u{80}'..='\u{9f}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => out.push('\u{fffd}'),
        c => out.push(c),
    }
}

/// `text` on one line with control characters made visible.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\t' {
            out.push(' ');
        } else {
            push_visible(&mut out, c);
        }
    }
    out
}

fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

// ---------------------------------------------------------------------------
// Notices and the summary

fn write_notices(out: &mut String, paint: Paint, summary: &Summary) {
    let notices = &summary.notices;
    for notice in notices.iter().take(MAX_NOTICES) {
        out.push_str(&format!(
            "{} {}: {}\n",
            paint.warning("notice:"),
            visible(&notice.path),
            visible(&notice.message)
        ));
    }
    if notices.len() > MAX_NOTICES {
        out.push_str(&format!(
            "{} … and {} more (--format json lists them)\n",
            paint.warning("notice:"),
            thousands_usize(notices.len() - MAX_NOTICES)
        ));
    }
}

/// Just the notices, one `notice: path: message` line each: for the
/// formats whose document has no place for them (see
/// [`super::carries_notices`]), written on stderr.
pub fn render_notices(report: &Report, color: bool, out: &mut dyn io::Write) -> io::Result<()> {
    let mut text = String::new();
    write_notices(&mut text, Paint { on: color }, &report.summary);
    out.write_all(text.as_bytes())
}

/// `--show-unknown`: one line per unknown endpoint and unresolved URL.
fn write_unknown(out: &mut String, paint: Paint, summary: &Summary) {
    for (label, list) in [
        ("unknown endpoint:", &summary.unknown),
        ("unresolved:", &summary.unresolved),
    ] {
        for u in list {
            out.push_str(&format!(
                "{} {}:{}:{}: {} ({})\n",
                paint.note(label),
                visible(&u.path),
                u.line,
                u.column,
                visible(&u.text),
                visible(&u.reason)
            ));
        }
    }
}

fn write_summary(out: &mut String, paint: Paint, report: &Report) {
    let s = &report.summary;
    let name = match &report.repo_name {
        Some(repo) => format!("sunset ({}):", visible(repo)),
        None => "sunset:".to_string(),
    };
    let mut line = paint.bold(&name);
    line.push(' ');
    if report.findings.is_empty() {
        line.push_str(&format!(
            "no legacy Qualys endpoints found ({})",
            coverage(s)
        ));
    } else {
        let total = report.findings.len();
        let mut by_status: Vec<String> = s
            .by_status
            .iter()
            .rev()
            .filter(|(_, &n)| n > 0)
            .map(|(status, n)| format!("{} {}", thousands_usize(*n), status.label()))
            .collect();
        if by_status.is_empty() {
            by_status.push("none counted".to_string());
        }
        let mut extra = Vec::new();
        if s.tests > 0 {
            extra.push(format!(
                "{} in tests",
                plural(s.tests, "finding", "findings")
            ));
        }
        if s.mentions > 0 {
            extra.push(plural(s.mentions, "mention", "mentions"));
        }
        if s.unconfirmed > 0 {
            extra.push(format!("{} unconfirmed", thousands_usize(s.unconfirmed)));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("; {}", extra.join(", "))
        };
        line.push_str(&format!(
            "{} ({}{extra}) in {}",
            plural(total, "finding", "findings"),
            by_status.join(", "),
            plural(s.files_with_findings, "file", "files"),
        ));
        if let Some(n) = &s.nearest_deadline {
            line.push_str(&format!(
                " — nearest: {} {} for {} {}",
                n.milestone.label(),
                n.words,
                visible(&n.endpoint),
                days_phrase(n.days_left)
            ));
        }
        line.push_str(&format!("; {}", coverage(s)));
    }
    if !s.unknown.is_empty() {
        line.push_str(&format!(
            "; {} no rule knows (--show-unknown lists them)",
            plural(s.unknown.len(), "Qualys endpoint", "Qualys endpoints")
        ));
    }
    if !s.unresolved.is_empty() {
        let n = s.unresolved.len();
        let what = if n == 1 {
            "1 URL looked like a Qualys endpoint".to_string()
        } else {
            format!("{} URLs looked like Qualys endpoints", thousands_usize(n))
        };
        line.push_str(&format!(
            "; {what} but could not be built (--show-unknown lists them)"
        ));
    }
    out.push_str(&line);
    out.push('\n');
}

/// "scanned 1,204 files (skipped: 3 binary, 2 ignored, 1 unreadable)".
fn coverage(s: &Summary) -> String {
    let mut text = format!("scanned {}", plural(s.files_scanned, "file", "files"));
    let skipped: Vec<String> = s
        .files_skipped
        .iter()
        .filter(|(_, &n)| n > 0)
        .map(|(reason, n)| format!("{} {}", thousands_usize(*n), reason.as_str()))
        .collect();
    if !skipped.is_empty() {
        text.push_str(&format!(" (skipped: {})", skipped.join(", ")));
    }
    if !s.notices.is_empty() {
        text.push_str(&format!(
            ", {}",
            plural(s.notices.len(), "notice", "notices")
        ));
    }
    text
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands_usize(n))
    }
}

fn thousands_usize(n: usize) -> String {
    thousands(n as u64)
}

/// 1204 → "1,204".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes `  {prefix} {text}`, wrapped at `width` without breaking words;
/// continuation lines align under the text.
fn wrap_into(out: &mut String, prefix: &str, text: &str, width: Option<usize>) {
    let first = format!("  {prefix} ");
    let Some(width) = width else {
        out.push_str(&first);
        out.push_str(text);
        out.push('\n');
        return;
    };
    // textwrap measures display width (wide characters count two, ANSI
    // colour codes none); words (paths, URLs) are never split.
    let indent = " ".repeat(textwrap::core::display_width(&first));
    let options = textwrap::Options::new(width)
        .initial_indent(&first)
        .subsequent_indent(&indent)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    out.push_str(&textwrap::fill(text, options));
    out.push('\n');
}

/// Colours of human output, as `anstyle` styles; plain text when off.
#[derive(Clone, Copy)]
struct Paint {
    on: bool,
}

impl Paint {
    fn styled(self, style: anstyle::Style, text: &str) -> String {
        if self.on {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity, text: &str) -> String {
        let color = match severity {
            Severity::Error => anstyle::AnsiColor::Red,
            Severity::Warning => anstyle::AnsiColor::Yellow,
            Severity::Note | Severity::None => anstyle::AnsiColor::Cyan,
        };
        self.styled(
            anstyle::Style::new().bold().fg_color(Some(color.into())),
            text,
        )
    }

    fn warning(self, text: &str) -> String {
        let yellow = anstyle::AnsiColor::Yellow.into();
        self.styled(anstyle::Style::new().fg_color(Some(yellow)), text)
    }

    fn note(self, text: &str) -> String {
        let cyan = anstyle::AnsiColor::Cyan.into();
        self.styled(anstyle::Style::new().fg_color(Some(cyan)), text)
    }

    fn bold(self, text: &str) -> String {
        self.styled(anstyle::Style::new().bold(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, Origin, OriginRole};
    use crate::model::{Notice, SkipReason, Unresolved};
    use crate::rules::{Evidence, Source};

    fn as_of() -> Date {
        Date::parse("2026-11-23").expect("valid date")
    }

    fn source(title: &str, date: &str, evidence: Evidence) -> Source {
        Source {
            title: title.to_string(),
            date: date.to_string(),
            url: Some("https://docs.qualys.com/en/vm/release-notes/10.34.htm".to_string()),
            evidence,
        }
    }

    /// A finding whose snippet starts at `line` and whose span is the first
    /// occurrence of `matched` in `snippet`.
    #[allow(clippy::too_many_arguments)]
    fn finding(
        path: &str,
        line: usize,
        snippet: &str,
        matched: &str,
        status: Status,
        eos: Option<&str>,
        eol: Option<&str>,
        kind: FindingKind,
    ) -> Finding {
        let start = snippet
            .find(matched)
            .expect("matched text is in the snippet");
        let end = start + matched.len();
        let line_start = snippet[..start].rfind('\n').map_or(0, |i| i + 1);
        let lines_before = snippet[..start].matches('\n').count();
        let column = snippet[line_start..start].chars().count() + 1;
        let end_line_start = snippet[..end].rfind('\n').map_or(0, |i| i + 1);
        let mut f = Finding {
            notebook: None,
            path: path.to_string(),
            line: line + lines_before,
            column,
            end_line: line + snippet[..end].matches('\n').count(),
            end_column: snippet[end_line_start..end].chars().count() + 1,
            rule: "qualys.scan.v2".to_string(),
            name: "Scan API".to_string(),
            endpoint: "/api/2.0/fo/scan/".to_string(),
            matched: matched.to_string(),
            replacement: Some("/api/3.0/fo/scan/".to_string()),
            suggested: Some(matched.replace("/api/2.0/", "/api/3.0/")),
            status,
            eos: eos.and_then(Deadline::parse),
            eol: eol.and_then(Deadline::parse),
            days_left: None,
            next_deadline: None,
            severity: Severity::of(status),
            kind,
            confirmed: true,
            unconfirmed_dates: Vec::new(),
            replacement_published: None,
            confidence: Confidence::Certain,
            origins: Vec::new(),
            fix: None,
            manual_fix: None,
            request: None,
            request_checks: Vec::new(),
            library: None,
            source: source(
                "Qualys Cloud Platform 10.34 API release notes",
                "2025-06-10",
                Evidence::Primary,
            ),
            fingerprint: String::new(),
            suppressed: None,
            verdict: None,
            withheld: None,
            snippet: snippet.to_string(),
            snippet_span: (start, end),
        };
        // Days and the next deadline from the one assessment step; the
        // status stays the one each sample asks for.
        crate::model::assess_finding(&mut f, as_of());
        f.status = status;
        f.severity = Severity::of(status);
        f
    }

    fn sample_report() -> Report {
        let url = "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list";
        // EOL, with a redacted secret on the same line.
        let eol = finding(
            "scripts/list_scans.sh",
            12,
            &format!("curl -u \"***\" -H 'X-Requested-With: curl' \\\n  \"{url}\""),
            url,
            Status::Eol,
            Some("2026-06"),
            Some("2026-11"),
            FindingKind::Call,
        );
        // EOS, assembled from a variable, under a unicode path.
        let mut eos = finding(
            "src/données/扫描.py",
            41,
            "    resp = session.get(f\"{BASE}/api/{API_VERSION}/fo/scan/\", params=params)",
            "f\"{BASE}/api/{API_VERSION}/fo/scan/\"",
            Status::Eos,
            Some("2026-11"),
            Some("2027-05"),
            FindingKind::Call,
        );
        eos.matched = "https://qualysapi.qualys.com/api/2.0/fo/scan/".to_string();
        eos.suggested = Some("https://qualysapi.qualys.com/api/3.0/fo/scan/".to_string());
        eos.origins = vec![
            Origin {
                notebook: None,
                role: OriginRole::Definition,
                name: "API_VERSION".to_string(),
                path: None,
                line: 7,
                offset: 120,
            },
            Origin {
                notebook: None,
                role: OriginRole::Base,
                name: "BASE".to_string(),
                path: Some("src/settings.py".to_string()),
                line: 3,
                offset: 40,
            },
        ];
        // Deprecated, 8 days to EOS, unconfirmed, day-precision EOL.
        let mut deprecated = finding(
            "src/client.rs",
            88,
            "        let url = format!(\"{base}/api/2.0/fo/asset/host/?action=list\");",
            "/api/2.0/fo/asset/host/",
            Status::Deprecated,
            Some("2026-12"),
            Some("2027-06-30"),
            FindingKind::Call,
        );
        deprecated.rule = "qualys.host.v2".to_string();
        deprecated.name = "Host List API".to_string();
        deprecated.endpoint = "/api/2.0/fo/asset/host/".to_string();
        deprecated.replacement = Some("/api/3.0/fo/asset/host/".to_string());
        deprecated.suggested = Some("/api/3.0/fo/asset/host/".to_string());
        deprecated.confirmed = false;
        deprecated.source = Source {
            title: "Community forum post quoting the vendor".to_string(),
            date: "2025-09".to_string(),
            url: None,
            evidence: Evidence::Secondary,
        };
        // A mention in a comment.
        let mention = finding(
            "README.md",
            3,
            "The old `/api/2.0/fo/scan/` endpoint is going away.",
            "/api/2.0/fo/scan/",
            Status::Eol,
            Some("2026-06"),
            Some("2026-11"),
            FindingKind::Mention,
        );
        let mut findings = vec![eol, eos, deprecated, mention];
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut report = Report {
            as_of: as_of(),
            repo_name: None,
            findings,
            summary: Summary {
                files_scanned: 1204,
                files_parsed: 311,
                files_skipped: [
                    (SkipReason::Binary, 3),
                    (SkipReason::Ignored, 2),
                    (SkipReason::Unreadable, 1),
                ]
                .into_iter()
                .collect(),
                unresolved: vec![Unresolved {
                    path: "src/a.py".to_string(),
                    line: 3,
                    column: 9,
                    text: "{host}/api/{v}/fo/scan/".to_string(),
                    reason: "version held in a value the scanner cannot see".to_string(),
                }],
                unknown: vec![Unresolved {
                    path: "src/b.py".to_string(),
                    line: 5,
                    column: 1,
                    text: "/api/2.0/fo/asset/ip/".to_string(),
                    reason: "no rule names this endpoint".to_string(),
                }],
                notices: vec![Notice {
                    path: "vendor/locked.txt".to_string(),
                    message: "could not be read: permission denied".to_string(),
                }],
                ..Summary::default()
            },
            gate: None,
            suppression_comments: Default::default(),
        };
        report.count_findings();
        report
    }

    fn render_to_string(report: &Report, options: &HumanOptions) -> String {
        let mut out = Vec::new();
        render(report, options, &mut out).expect("rendering into a Vec cannot fail");
        String::from_utf8(out).expect("the human output is UTF-8")
    }

    #[test]
    fn snapshot_of_a_mixed_report() {
        let report = sample_report();
        let text = render_to_string(
            &report,
            &HumanOptions {
                color: false,
                width: Some(100),
                show_unknown: false,
            },
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_frame_shows_real_line_numbers_and_columns() {
        let report = sample_report();
        let text = render_to_string(
            &report,
            &HumanOptions {
                color: false,
                width: Some(100),
                show_unknown: false,
            },
        );
        assert!(text.contains("[scripts/list_scans.sh:13:4]"), "{text}");
        assert!(text.contains(" 13 │   \"https://qualysapi"), "{text}");
        assert!(text.contains(" 12 │ curl -u \"***\""), "{text}");
        assert!(text.contains("[src/données/扫描.py:41:24]"), "{text}");
        assert!(text.contains("[README.md:3:10]"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour when color is false");
    }

    #[test]
    fn deterministic_and_coloured_on_request() {
        let report = sample_report();
        let plain = HumanOptions {
            color: false,
            width: Some(100),
            show_unknown: false,
        };
        assert_eq!(
            render_to_string(&report, &plain),
            render_to_string(&report, &plain)
        );
        let coloured = render_to_string(
            &report,
            &HumanOptions {
                color: true,
                width: None,
                show_unknown: false,
            },
        );
        assert!(coloured.contains("\u{1b}["), "colour when asked");
    }

    #[test]
    fn no_findings_is_one_quiet_line() {
        let mut report = Report {
            as_of: as_of(),
            repo_name: None,
            findings: Vec::new(),
            summary: Summary {
                files_scanned: 1204,
                files_skipped: [(SkipReason::Binary, 3)].into_iter().collect(),
                ..Summary::default()
            },
            gate: None,
            suppression_comments: Default::default(),
        };
        report.count_findings();
        let text = render_to_string(
            &report,
            &HumanOptions {
                color: false,
                width: Some(100),
                show_unknown: false,
            },
        );
        assert_eq!(
            text,
            "sunset: no legacy Qualys endpoints found (scanned 1,204 files (skipped: 3 binary))\n"
        );
        report.summary.files_skipped.clear();
        report.summary.files_scanned = 1;
        let text = render_to_string(&report, &HumanOptions::default());
        assert_eq!(
            text,
            "sunset: no legacy Qualys endpoints found (scanned 1 file)\n"
        );
    }

    #[test]
    fn via_reads_as_a_sentence() {
        assert_eq!(
            via_note("built from `API_VERSION` defined at line 2"),
            "URL built from `API_VERSION` defined at line 2"
        );
        assert_eq!(
            via_note("version from API_VERSION (line 4)"),
            "URL built with version from API_VERSION (line 4)"
        );
    }

    #[test]
    fn words_for_days_and_numbers() {
        assert_eq!(days_phrase(8), "in 8 days");
        assert_eq!(days_phrase(1), "in 1 day");
        assert_eq!(days_phrase(0), "today");
        assert_eq!(days_phrase(-1), "1 day ago");
        assert_eq!(days_phrase(-1500), "1,500 days ago");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn frames_survive_bad_spans_and_odd_text() {
        // Out-of-bounds, reversed, mid-character and empty spans never panic.
        let snippets = [
            "",
            "\n\n",
            "é✓日本",
            "a\r\nb\r\n",
            "x\u{1b}[31my\u{202e}z",
            "\t\tcurl é\n",
        ];
        for snippet in snippets {
            for s in 0..snippet.len() + 3 {
                for e in [0, s, s + 1, snippet.len(), usize::MAX] {
                    if let Some(frame) = Frame::build(snippet, (s, e)) {
                        assert!(frame.text.is_char_boundary(frame.span.0));
                        assert!(frame.text.is_char_boundary(frame.span.1));
                        assert!(frame.span.0 <= frame.span.1 && frame.span.1 <= frame.text.len());
                        assert!(!frame.text.contains('\u{1b}') && !frame.text.contains('\r'));
                    }
                }
            }
        }
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let url = "https://qualysapi.qualys.com/api/2.0/fo/scan/";
        let snippet = format!("{}{url}{}", "x".repeat(5000), "y".repeat(5000));
        let start = 5000;
        let frame = Frame::build(&snippet, (start, start + url.len())).expect("a frame");
        assert!(
            frame.text.chars().count() <= MAX_LINE_CHARS + 2,
            "{}",
            frame.text
        );
        assert_eq!(&frame.text[frame.span.0..frame.span.1], url);
        assert!(frame.text.starts_with('…') && frame.text.ends_with('…'));
    }

    #[test]
    fn rendering_odd_findings_never_panics() {
        let mut report = sample_report();
        for (i, f) in report.findings.iter_mut().enumerate() {
            match i {
                0 => f.snippet.clear(),
                1 => f.snippet_span = (usize::MAX - 1, usize::MAX),
                2 => {
                    f.snippet = "é\u{1b}]8;;evil\u{7}✓".to_string();
                    f.snippet_span = (1, 3);
                }
                _ => {
                    f.status = Status::Active;
                    f.severity = Severity::None;
                    f.next_deadline = None;
                    f.eos = None;
                    f.eol = None;
                    f.replacement = None;
                }
            }
        }
        for width in [None, Some(0), Some(10), Some(100)] {
            let text = render_to_string(
                &report,
                &HumanOptions {
                    color: false,
                    width,
                    show_unknown: true,
                },
            );
            assert!(!text.contains('\u{1b}'), "{text}");
        }
    }
}
