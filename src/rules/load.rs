//! Loading and validating rule files.
//!
//! Every rule file, bundled or the user's, goes through [`parse_rules`]:
//! TOML syntax, then the schema ([`super::schema`]: key names, required
//! keys, types), then the meaning of each value (ids, dates, paths, evidence
//! grades). All problems of a file are collected and reported together as
//! one [`RuleError::Invalid`], each with a label on the offending key or
//! value.
//!
//! Ids are unique within the bundled rules and within the user's files; a
//! user's rule may reuse a bundled id to replace that rule.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use toml::Spanned;

use super::schema::{self, RawDate, RawEndpoint, RawSource};
use super::{
    bundled, ActionScope, CheckLevel, DatedFact, Deadline, EndpointPattern, Evidence, HistoryEntry,
    ParamCheck, ParamCondition, ParamRule, Rule, RuleOrigin, RuleSet, Segment, Source,
};

/// Why a set of rules could not be loaded.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RuleError {
    /// A rule file has one or more problems, each shown with its span.
    ///
    /// Resolution: fix every problem listed; `rules/README.md` documents
    /// each key.
    #[error("invalid rule file `{}`: {}", source_code.name(), count_problems(problems.len()))]
    #[diagnostic(
        code(sunset::rules::invalid_file),
        help("fix every problem listed below; rules/README.md documents each key")
    )]
    Invalid {
        /// The file's text, named by its path (or bundled name).
        #[source_code]
        source_code: NamedSource<String>,
        /// Every problem, in file order.
        #[related]
        problems: Vec<RuleProblem>,
    },

    /// A path given as a rule file or directory does not exist.
    ///
    /// Resolution: pass an existing file, or a directory of `*.toml` files.
    #[error("rule path `{}` does not exist", path.display())]
    #[diagnostic(
        code(sunset::rules::not_found),
        help("pass an existing rule file, or a directory whose *.toml files are rule files")
    )]
    NotFound { path: PathBuf },

    /// A rule file or directory exists but could not be read.
    ///
    /// Resolution: check permissions, and that the file is UTF-8 text.
    #[error("cannot read rule path `{}`", path.display())]
    #[diagnostic(
        code(sunset::rules::unreadable),
        help("check that the path is readable and that rule files are UTF-8 text")
    )]
    Unreadable {
        path: PathBuf,
        #[source]
        error: std::io::Error,
    },

    /// Several rule files have problems.
    ///
    /// Resolution: fix the problems of each file listed.
    #[error("{count} rule files have problems")]
    #[diagnostic(
        code(sunset::rules::invalid_files),
        help("fix the problems of each file listed below")
    )]
    Many {
        count: usize,
        #[related]
        errors: Vec<RuleError>,
    },
}

fn count_problems(n: usize) -> String {
    if n == 1 {
        "1 problem".to_string()
    } else {
        format!("{n} problems")
    }
}

/// One problem in a rule file, labelled in the file's text.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum RuleProblem {
    /// The file is not valid TOML.
    ///
    /// Resolution: fix the syntax at the marked position.
    #[error("TOML syntax error: {message}")]
    #[diagnostic(
        code(sunset::rules::syntax),
        help("fix the TOML syntax at the marked position: strings need double quotes, and each rule starts with `[[endpoint]]`")
    )]
    Syntax {
        message: String,
        #[label("here")]
        span: SourceSpan,
    },

    /// A key that the schema does not know (often a typo or snake_case).
    ///
    /// Resolution: rename or remove it.
    #[error("unknown key `{key}` in {table}")]
    #[diagnostic(code(sunset::rules::unknown_key))]
    UnknownKey {
        key: String,
        table: String,
        #[label("unknown key")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// A required key is absent.
    ///
    /// Resolution: add it.
    #[error("missing key `{key}` in {table}")]
    #[diagnostic(
        code(sunset::rules::missing_key),
        help("add `{key} = …` to this table; rules/README.md lists the required keys")
    )]
    MissingKey {
        key: String,
        table: String,
        #[label("this table has no `{key}`")]
        span: SourceSpan,
    },

    /// A value of the wrong TOML type.
    ///
    /// Resolution: write the value with the expected type.
    #[error("`{key}` must be {expected}, found {found}")]
    #[diagnostic(code(sunset::rules::wrong_type))]
    WrongType {
        key: String,
        expected: String,
        found: String,
        #[label("{found}")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// A rule id that is not kebab-case.
    ///
    /// Resolution: use lowercase letters, digits and single hyphens.
    #[error("rule id `{id}` is not kebab-case")]
    #[diagnostic(code(sunset::rules::bad_id))]
    BadId {
        id: String,
        #[label("not kebab-case")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// Two rules with the same id.
    ///
    /// Resolution: give one of them another id (ids are never reused).
    #[error("duplicate rule id `{id}`")]
    #[diagnostic(code(sunset::rules::duplicate_id))]
    DuplicateId {
        id: String,
        #[label("defined again here")]
        span: SourceSpan,
        #[label("first defined here")]
        first: Option<SourceSpan>,
        #[help]
        help: String,
    },

    /// Two rules for the same endpoint.
    ///
    /// Resolution: keep one rule per endpoint version.
    #[error("endpoint `{endpoint}` already has rule `{first_id}`")]
    #[diagnostic(code(sunset::rules::duplicate_endpoint))]
    DuplicateEndpoint {
        endpoint: String,
        first_id: String,
        #[label("same endpoint again")]
        span: SourceSpan,
        #[label("first rule for it")]
        first: Option<SourceSpan>,
        #[help]
        help: String,
    },

    /// A text value that is empty.
    ///
    /// Resolution: write the text, or remove the key if it is optional.
    #[error("`{key}` is empty")]
    #[diagnostic(
        code(sunset::rules::empty_value),
        help("write a non-empty value for `{key}`")
    )]
    Empty {
        key: String,
        #[label("empty")]
        span: SourceSpan,
    },

    /// A date that is neither `YYYY-MM` nor `YYYY-MM-DD`.
    ///
    /// Resolution: write the date as published, at its precision.
    #[error("`{key}` is not a date: \"{value}\"")]
    #[diagnostic(code(sunset::rules::bad_date))]
    BadDate {
        key: String,
        value: String,
        #[label("expected YYYY-MM or YYYY-MM-DD")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    /// End of Support after End of Life.
    ///
    /// Resolution: check both dates against the source.
    #[error("End of Support ({eos}) is after End of Life ({eol})")]
    #[diagnostic(
        code(sunset::rules::eos_after_eol),
        help("check both dates against the source: End of Support must come no later than End of Life")
    )]
    EosAfterEol {
        eos: String,
        eol: String,
        #[label("EOS")]
        eos_span: SourceSpan,
        #[label("EOL")]
        eol_span: SourceSpan,
    },

    /// A value that should be an endpoint path but is not one.
    ///
    /// Resolution: write the path as published, starting with `/`.
    #[error("`{key}` is not an endpoint path: {reason}")]
    #[diagnostic(
        code(sunset::rules::bad_path),
        help("write the path as published, e.g. \"/api/2.0/fo/scan/\", with `{{name}}` for a path parameter segment and no host or query")
    )]
    BadPath {
        key: String,
        reason: String,
        #[label("not a path")]
        span: SourceSpan,
    },

    /// A replacement that is the endpoint itself.
    ///
    /// Resolution: name the newer version, or remove `replacement` if the
    /// endpoint is current.
    #[error("`replacement` is the endpoint itself")]
    #[diagnostic(
        code(sunset::rules::replacement_is_endpoint),
        help(
            "name the newer version, or remove `replacement` if this endpoint is the current one"
        )
    )]
    ReplacementIsEndpoint {
        #[label("same endpoint")]
        span: SourceSpan,
        #[label("as this")]
        endpoint_span: SourceSpan,
    },

    /// A `replacement-published` date on a rule that names no replacement.
    ///
    /// Resolution: add the `replacement`, or remove `replacement-published`.
    #[error("`replacement-published` is set, but the rule names no `replacement`")]
    #[diagnostic(
        code(sunset::rules::replacement_published_without_replacement),
        help("`replacement-published` dates the rule's `replacement`: add `replacement`, or remove the key")
    )]
    ReplacementPublishedWithoutReplacement {
        #[label("no replacement to date")]
        span: SourceSpan,
    },

    /// A replacement published after the endpoint's End of Support or End
    /// of Life.
    ///
    /// Resolution: check both dates against the sources.
    #[error("the replacement is published ({published}) after {milestone} ({deadline})")]
    #[diagnostic(
        code(sunset::rules::replacement_published_after_deadline),
        help("check both dates against the sources: a version is retired only after its replacement is published")
    )]
    ReplacementPublishedAfterDeadline {
        published: String,
        milestone: String,
        deadline: String,
        #[label("published")]
        span: SourceSpan,
        #[label("{milestone}")]
        deadline_span: SourceSpan,
    },

    /// An HTTP method that is not an uppercase standard method.
    ///
    /// Resolution: use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.
    #[error("unknown HTTP method \"{value}\"")]
    #[diagnostic(
        code(sunset::rules::bad_method),
        help("methods are uppercase: GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")
    )]
    BadMethod {
        value: String,
        #[label("not a method")]
        span: SourceSpan,
    },

    /// An evidence grade other than primary or secondary.
    ///
    /// Resolution: use "primary" or "secondary".
    #[error("unknown evidence grade \"{value}\"")]
    #[diagnostic(
        code(sunset::rules::bad_evidence),
        help("evidence is \"primary\" (read on a vendor page) or \"secondary\" (a third party quoting the vendor)")
    )]
    BadEvidence {
        value: String,
        #[label("not primary or secondary")]
        span: SourceSpan,
    },

    /// A history entry about a field other than eos or eol.
    ///
    /// Resolution: use "eos" or "eol".
    #[error("history `field` must be \"eos\" or \"eol\", found \"{value}\"")]
    #[diagnostic(
        code(sunset::rules::bad_history_field),
        help("history records earlier values of a date: write field = \"eos\" or field = \"eol\"")
    )]
    BadHistoryField {
        value: String,
        #[label("not eos or eol")]
        span: SourceSpan,
    },

    /// A source URL that is not an http(s) URL.
    ///
    /// Resolution: give the page's full `https://` URL, or leave `url` out.
    #[error("source `url` is not an http(s) URL: \"{value}\"")]
    #[diagnostic(
        code(sunset::rules::bad_url),
        help("give the page's full URL starting with https://, or leave `url` out when there is none")
    )]
    BadUrl {
        value: String,
        #[label("not a URL")]
        span: SourceSpan,
    },

    /// An `[[endpoint.action]]` name that is not a literal action as sent
    /// (lowercase letters, digits and `_`), an empty list, or a name two
    /// action tables of one rule both claim.
    ///
    /// Resolution: write each action once, as the API takes it (`list`).
    #[error("bad action name: {problem}")]
    #[diagnostic(
        code(sunset::rules::bad_action),
        help("write the actions as sent, e.g. names = [\"launch\", \"fetch\"], each in one `[[endpoint.action]]` of the rule")
    )]
    BadAction {
        problem: String,
        #[label("here")]
        span: SourceSpan,
    },

    /// An `[[endpoint.param-check]]` that cannot be evaluated: an unknown
    /// `kind` or `level`, the wrong number of `params`, `values` missing
    /// where the kind needs them (or given where it ignores them), or a
    /// parameter or action name that is not one as sent.
    ///
    /// Resolution: follow the table in rules/README.md ("Parameter checks").
    #[error("bad parameter check: {problem}")]
    #[diagnostic(
        code(sunset::rules::bad_param_check),
        help("kinds: not-accepted, required and rejects-value take one parameter, exclusive takes two, ipv6 takes one or more (or [\"*\"] for every parameter); rejects-value needs `values`; `add` only on required; level is info, warning or error")
    )]
    BadParamCheck {
        problem: String,
        #[label("here")]
        span: SourceSpan,
    },

    /// An `operation` that cannot be matched: not an identifier as written
    /// in code, given together with `endpoint`, or with a key that only a
    /// path can have (`replacement`, `active-versions`, `[[endpoint.action]]`).
    ///
    /// Resolution: give either `endpoint` (a published path) or `operation`
    /// (the operation's name, e.g. `save_merchant`), not both.
    #[error("bad operation: {problem}")]
    #[diagnostic(
        code(sunset::rules::bad_operation),
        help("`operation` is an identifier (letters, digits, `_`, not starting with a digit) used where no path is published; a rule has either `endpoint` or `operation`, and an operation rule has no replacement, active versions or per-action scope")
    )]
    BadOperation {
        problem: String,
        #[label("here")]
        span: SourceSpan,
    },
}

impl RuleProblem {
    /// Where the problem is, for ordering problems by position.
    fn offset(&self) -> usize {
        let span = match self {
            RuleProblem::Syntax { span, .. }
            | RuleProblem::UnknownKey { span, .. }
            | RuleProblem::MissingKey { span, .. }
            | RuleProblem::WrongType { span, .. }
            | RuleProblem::BadId { span, .. }
            | RuleProblem::DuplicateId { span, .. }
            | RuleProblem::DuplicateEndpoint { span, .. }
            | RuleProblem::Empty { span, .. }
            | RuleProblem::BadDate { span, .. }
            | RuleProblem::BadPath { span, .. }
            | RuleProblem::ReplacementIsEndpoint { span, .. }
            | RuleProblem::ReplacementPublishedWithoutReplacement { span, .. }
            | RuleProblem::ReplacementPublishedAfterDeadline { span, .. }
            | RuleProblem::BadMethod { span, .. }
            | RuleProblem::BadOperation { span, .. }
            | RuleProblem::BadEvidence { span, .. }
            | RuleProblem::BadHistoryField { span, .. }
            | RuleProblem::BadUrl { span, .. }
            | RuleProblem::BadAction { span, .. }
            | RuleProblem::BadParamCheck { span, .. } => span,
            RuleProblem::EosAfterEol { eos_span, .. } => eos_span,
        };
        span.offset()
    }
}

// ---------------------------------------------------------------------------
// Public API.
// ---------------------------------------------------------------------------

/// The rules shipped in the binary (`rules/qualys/*.toml`).
pub fn load_bundled() -> Result<RuleSet, RuleError> {
    Ok(RuleSet::from_rules(bundled_rules()?))
}

/// The bundled rules plus each extra rule file or directory (a directory
/// means every `*.toml` file directly in it, in name order). A rule in an
/// extra file replaces the bundled rule with the same id. Problems of every
/// file are reported together.
pub fn load_with_extra(extra: &[&Path]) -> Result<RuleSet, RuleError> {
    let mut rules = bundled_rules()?;
    let mut errors = Vec::new();
    let mut seen = Seen::default();
    // Paths in the order given, so that errors are reported in that order.
    let files = extra.iter().flat_map(|path| match expand(path) {
        Ok(found) => found.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(e) => vec![Err(e)],
    });
    for file in files {
        let path = match file {
            Ok(path) => path,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let text = match read(&path) {
            Ok(text) => text,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = path.display().to_string();
        match parse_file(&name, &text, RuleOrigin::File(path.clone())) {
            Ok(parsed) => {
                let problems = seen.check(&name, &parsed);
                if problems.is_empty() {
                    rules.extend(parsed.into_iter().map(|p| p.rule));
                } else {
                    errors.push(invalid(&name, &text, problems));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(RuleSet::from_rules(rules)),
        1 => Err(errors.remove(0)),
        count => Err(RuleError::Many { count, errors }),
    }
}

/// Checks one rule file on its own; returns its number of rules.
pub fn validate_file(path: &Path) -> Result<usize, RuleError> {
    let text = read(path)?;
    let name = path.display().to_string();
    parse_rules(&name, &text, RuleOrigin::File(path.to_path_buf())).map(|rules| rules.len())
}

/// Parses and validates the text of one rule file. `name` labels errors
/// (a path or a bundled file's name).
pub fn parse_rules(name: &str, text: &str, origin: RuleOrigin) -> Result<Vec<Rule>, RuleError> {
    parse_file(name, text, origin).map(|parsed| parsed.into_iter().map(|p| p.rule).collect())
}

// ---------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------

fn bundled_rules() -> Result<Vec<Rule>, RuleError> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let mut seen = Seen::default();
    for &(file, text) in bundled::FILES {
        let name = format!("rules/{file}");
        match parse_file(&name, text, RuleOrigin::Bundled(file)) {
            Ok(parsed) => {
                let problems = seen.check(&name, &parsed);
                if problems.is_empty() {
                    rules.extend(parsed.into_iter().map(|p| p.rule));
                } else {
                    errors.push(invalid(&name, text, problems));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(rules),
        1 => Err(errors.remove(0)),
        count => Err(RuleError::Many { count, errors }),
    }
}

/// A file as itself; a directory as its `*.toml` files, sorted by name.
fn expand(path: &Path) -> Result<Vec<PathBuf>, RuleError> {
    let meta = std::fs::metadata(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => RuleError::NotFound {
            path: path.to_path_buf(),
        },
        _ => RuleError::Unreadable {
            path: path.to_path_buf(),
            error,
        },
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let unreadable = |error| RuleError::Unreadable {
        path: path.to_path_buf(),
        error,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
            files.push(p);
        }
    }
    files.sort();
    Ok(files)
}

/// A rule file: a regular file of at most
/// [`crate::readfile::RULES_MAX_BYTES`], read without blocking (see
/// [`crate::readfile`]).
fn read(path: &Path) -> Result<String, RuleError> {
    crate::readfile::regular_to_string(path, crate::readfile::RULES_MAX_BYTES).map_err(|error| {
        if error.is_not_found() {
            RuleError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            RuleError::Unreadable {
                path: path.to_path_buf(),
                error: error.into_io(),
            }
        }
    })
}

/// The error for a file's problems; credentials in the text it shows are
/// masked (offsets kept, so every span still points at its text).
fn invalid(name: &str, text: &str, mut problems: Vec<RuleProblem>) -> RuleError {
    problems.sort_by_key(RuleProblem::offset);
    RuleError::Invalid {
        source_code: NamedSource::new(name, crate::redact::mask_keeping_offsets(text)),
        problems,
    }
}

/// Ids and endpoints already defined by earlier files of one group
/// (the bundled files, or the user's files).
#[derive(Default)]
struct Seen {
    ids: HashMap<String, String>,
    endpoints: HashMap<String, (String, String)>,
}

impl Seen {
    /// Problems of `parsed` (from file `name`) against earlier files; then
    /// remembers them.
    fn check(&mut self, name: &str, parsed: &[Parsed]) -> Vec<RuleProblem> {
        let mut problems = Vec::new();
        for p in parsed {
            if let Some(file) = self.ids.get(&p.rule.id) {
                problems.push(RuleProblem::DuplicateId {
                    id: p.rule.id.clone(),
                    span: p.id_span.clone().into(),
                    first: None,
                    help: format!(
                        "`{}` is already defined in {file}; ids are unique across rule files (only a bundled rule may be replaced by id)",
                        p.rule.id
                    ),
                });
            }
            if let Some((id, file)) = self.endpoints.get(&p.rule.endpoint.canonical) {
                problems.push(RuleProblem::DuplicateEndpoint {
                    endpoint: p.rule.endpoint_display.clone(),
                    first_id: id.clone(),
                    span: p.endpoint_span.clone().into(),
                    first: None,
                    help: format!("rule `{id}` in {file} is about the same endpoint; keep one rule per endpoint version"),
                });
            }
        }
        for p in parsed {
            self.ids
                .entry(p.rule.id.clone())
                .or_insert_with(|| name.to_string());
            self.endpoints
                .entry(p.rule.endpoint.canonical.clone())
                .or_insert_with(|| (p.rule.id.clone(), name.to_string()));
        }
        problems
    }
}

// ---------------------------------------------------------------------------
// One file.
// ---------------------------------------------------------------------------

/// A compiled rule and where its id and endpoint are in the file.
struct Parsed {
    rule: Rule,
    id_span: Range<usize>,
    endpoint_span: Range<usize>,
}

fn parse_file(name: &str, text: &str, origin: RuleOrigin) -> Result<Vec<Parsed>, RuleError> {
    let mut problems = Vec::new();
    let doc = match schema::parse_document(text) {
        Ok(doc) => doc,
        Err(e) => {
            // Not TOML, so perhaps not a rule file at all: show only a
            // short excerpt of the offending line.
            let span = clamp(e.span().unwrap_or(0..0), text);
            let (shown, span) = crate::display::excerpt(text, span);
            problems.push(RuleProblem::Syntax {
                message: e.message().trim().to_string(),
                span: span.into(),
            });
            return Err(invalid(name, &shown, problems));
        }
    };
    let raw = schema::decode_file(text, &doc, &mut problems);
    check_duplicates(&raw.endpoints, &mut problems);
    let mut parsed = Vec::new();
    for entry in &raw.endpoints {
        if let Some(p) = compile(entry, &origin, &mut problems) {
            parsed.push(p);
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(invalid(name, text, problems))
    }
}

/// A span miette can show: inside the text, and not empty at its very end.
fn clamp(span: Range<usize>, text: &str) -> Range<usize> {
    let len = text.len();
    let mut start = span.start.min(len);
    let end = span.end.clamp(start, len);
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    if start == len && len > 0 {
        let mut s = len - 1;
        while s > 0 && !text.is_char_boundary(s) {
            s -= 1;
        }
        return s..len;
    }
    start..end
}

fn check_duplicates(entries: &[RawEndpoint], problems: &mut Vec<RuleProblem>) {
    let mut ids: HashMap<&str, Range<usize>> = HashMap::new();
    let mut endpoints: HashMap<String, (&str, Range<usize>)> = HashMap::new();
    for e in entries.iter().filter(|e| !schema::is_missing(&e.id)) {
        let id = e.id.get_ref().as_str();
        if let Some(first) = ids.get(id) {
            problems.push(RuleProblem::DuplicateId {
                id: id.to_string(),
                span: e.id.span().into(),
                first: Some(first.clone().into()),
                help: "give one of the rules another id: ids are stable and never reused"
                    .to_string(),
            });
        } else {
            ids.insert(id, e.id.span());
        }
        let pattern = match &e.operation {
            Some(op) if !e.has_endpoint => EndpointPattern::operation(op.get_ref()),
            _ => {
                if path_problem(e.endpoint.get_ref()).is_some() {
                    continue;
                }
                let Some(pattern) = EndpointPattern::parse(e.endpoint.get_ref()) else {
                    continue;
                };
                pattern
            }
        };
        if let Some((first_id, first)) = endpoints.get(&pattern.canonical) {
            problems.push(RuleProblem::DuplicateEndpoint {
                endpoint: e.endpoint.get_ref().clone(),
                first_id: first_id.to_string(),
                span: e.endpoint.span().into(),
                first: Some(first.clone().into()),
                help: "keep one rule per endpoint version (host, query, `index.php` and a trailing slash do not make a path different)".to_string(),
            });
        } else {
            endpoints.insert(pattern.canonical, (id, e.endpoint.span()));
        }
    }
}

/// Turns a structurally valid entry into a [`Rule`], or records why not.
fn compile(
    e: &RawEndpoint,
    origin: &RuleOrigin,
    problems: &mut Vec<RuleProblem>,
) -> Option<Parsed> {
    let before = problems.len();
    check_id(&e.id, problems);
    for (key, value) in [
        ("name", &e.name),
        ("product", &e.product),
        ("category", &e.category),
    ] {
        check_non_empty(key, value, problems);
    }
    let endpoint = match &e.operation {
        Some(op) => check_operation(e, op, problems),
        None => check_path("endpoint", &e.endpoint, problems),
    };
    if let Some(r) = &e.replacement {
        if let (Some(ep), Some(rp)) = (&endpoint, check_path("replacement", r, problems)) {
            if ep.canonical == rp.canonical {
                problems.push(RuleProblem::ReplacementIsEndpoint {
                    span: r.span().into(),
                    endpoint_span: e.endpoint.span().into(),
                });
            }
        }
    }
    for v in &e.active_versions {
        check_path("active-versions", v, problems);
    }
    for m in &e.methods {
        if !METHODS.contains(&m.get_ref().as_str()) {
            problems.push(RuleProblem::BadMethod {
                value: m.get_ref().clone(),
                span: m.span().into(),
            });
        }
    }
    for n in e.notes.iter().chain(&e.breaking_changes) {
        check_non_empty("notes", n, problems);
    }
    let source = compile_source(&e.source, problems);
    let eos = e
        .eos
        .as_ref()
        .and_then(|d| compile_date("eos", d, problems));
    let eol = e
        .eol
        .as_ref()
        .and_then(|d| compile_date("eol", d, problems));
    if let (Some(eos_fact), Some(eol_fact), Some(eos_raw), Some(eol_raw)) =
        (&eos, &eol, &e.eos, &e.eol)
    {
        if eos_fact.deadline.effective() > eol_fact.deadline.effective() {
            problems.push(RuleProblem::EosAfterEol {
                eos: eos_fact.deadline.published(),
                eol: eol_fact.deadline.published(),
                eos_span: eos_raw.date.span().into(),
                eol_span: eol_raw.date.span().into(),
            });
        }
    }
    let replacement_published = e
        .replacement_published
        .as_ref()
        .and_then(|d| compile_date("replacement-published", d, problems));
    if let (Some(fact), Some(raw)) = (&replacement_published, &e.replacement_published) {
        if e.replacement.is_none() {
            problems.push(RuleProblem::ReplacementPublishedWithoutReplacement {
                span: raw.date.span().into(),
            });
        }
        // Month-only dates compare by their first day, as everywhere.
        for (label, deadline, deadline_raw) in [
            ("End of Support", &eos, &e.eos),
            ("End of Life", &eol, &e.eol),
        ] {
            if let (Some(d), Some(d_raw)) = (deadline, deadline_raw) {
                if fact.deadline.effective() > d.deadline.effective() {
                    problems.push(RuleProblem::ReplacementPublishedAfterDeadline {
                        published: fact.deadline.published(),
                        milestone: label.to_string(),
                        deadline: d.deadline.published(),
                        span: raw.date.span().into(),
                        deadline_span: d_raw.date.span().into(),
                    });
                }
            }
        }
    }
    let mut history = Vec::new();
    for h in &e.history {
        let field = h.field.get_ref();
        if field != "eos" && field != "eol" {
            problems.push(RuleProblem::BadHistoryField {
                value: field.clone(),
                span: h.field.span().into(),
            });
        }
        let value = h.value.get_ref();
        if value != "active" && Deadline::parse(value).is_none() {
            problems.push(RuleProblem::BadDate {
                key: "value".to_string(),
                value: value.clone(),
                span: h.value.span().into(),
                help: date_help(
                    value,
                    "or \"active\" when the earlier source listed the version as active",
                ),
            });
        }
        if let Some(source) = compile_source(&h.source, problems) {
            history.push(HistoryEntry {
                field: field.clone(),
                value: value.clone(),
                source,
            });
        }
    }
    let actions = compile_actions(e, endpoint.as_ref(), problems);
    let param_checks = compile_param_checks(e, problems);
    if problems.len() > before {
        return None;
    }
    let (endpoint, source) = (endpoint?, source?);
    Some(Parsed {
        rule: Rule {
            id: e.id.get_ref().clone(),
            name: e.name.get_ref().clone(),
            product: e.product.get_ref().clone(),
            category: e.category.get_ref().clone(),
            endpoint,
            endpoint_display: e.endpoint.get_ref().clone(),
            operation: e.operation.as_ref().map(|o| o.get_ref().clone()),
            replacement: e.replacement.as_ref().map(|r| r.get_ref().clone()),
            active_versions: e
                .active_versions
                .iter()
                .map(|v| v.get_ref().clone())
                .collect(),
            methods: e.methods.iter().map(|v| v.get_ref().clone()).collect(),
            eos,
            eol,
            replacement_published,
            source,
            history,
            notes: e.notes.iter().map(|v| v.get_ref().clone()).collect(),
            breaking_changes: e
                .breaking_changes
                .iter()
                .map(|v| v.get_ref().clone())
                .collect(),
            safe_fix: e.safe_fix,
            actions,
            param_checks,
            origin: origin.clone(),
        },
        id_span: e.id.span(),
        endpoint_span: e.endpoint.span(),
    })
}

/// The pattern of a rule keyed by `operation`, or why it cannot be one.
fn check_operation(
    e: &RawEndpoint,
    op: &Spanned<String>,
    problems: &mut Vec<RuleProblem>,
) -> Option<EndpointPattern> {
    let before = problems.len();
    let name = op.get_ref();
    let bad = |problem: String, span: Range<usize>| RuleProblem::BadOperation {
        problem,
        span: span.into(),
    };
    let identifier = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !identifier {
        problems.push(bad(
            format!("\"{name}\" is not an identifier as written in code"),
            op.span(),
        ));
    }
    if e.has_endpoint {
        problems.push(bad(
            "a rule has either `endpoint` or `operation`, not both".to_string(),
            op.span(),
        ));
    }
    if let Some(r) = &e.replacement {
        problems.push(bad(
            "an operation rule has no `replacement` (nothing to rewrite to)".to_string(),
            r.span(),
        ));
    }
    if let Some(v) = e.active_versions.first() {
        problems.push(bad(
            "an operation rule has no `active-versions`".to_string(),
            v.span(),
        ));
    }
    if let Some(a) = e.actions.first() {
        problems.push(bad(
            "an operation rule has no `[[endpoint.action]]`".to_string(),
            a.span.clone(),
        ));
    }
    (problems.len() == before).then(|| EndpointPattern::operation(name))
}

/// The `[[endpoint.action]]` tables of an entry, checked: names as sent,
/// each claimed once; replacements are paths other than the endpoint.
fn compile_actions(
    e: &RawEndpoint,
    endpoint: Option<&EndpointPattern>,
    problems: &mut Vec<RuleProblem>,
) -> Vec<ActionScope> {
    let mut seen: HashMap<&str, ()> = HashMap::new();
    let mut out = Vec::new();
    for a in &e.actions {
        if a.names.is_empty() {
            problems.push(RuleProblem::BadAction {
                problem: "`names` lists no action".to_string(),
                span: a.span.clone().into(),
            });
        }
        for n in &a.names {
            let name = n.get_ref().as_str();
            let well_formed = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                problems.push(RuleProblem::BadAction {
                    problem: format!("\"{name}\" is not an action as sent"),
                    span: n.span().into(),
                });
            } else if seen.insert(name, ()).is_some() {
                problems.push(RuleProblem::BadAction {
                    problem: format!("\"{name}\" is already in another `[[endpoint.action]]`"),
                    span: n.span().into(),
                });
            }
        }
        if let Some(r) = &a.replacement {
            if let (Some(ep), Some(rp)) = (endpoint, check_path("replacement", r, problems)) {
                if ep.canonical == rp.canonical {
                    problems.push(RuleProblem::ReplacementIsEndpoint {
                        span: r.span().into(),
                        endpoint_span: e.endpoint.span().into(),
                    });
                }
            }
        }
        check_non_empty("note", &a.note, problems);
        if let Some(source) = compile_source(&a.source, problems) {
            out.push(ActionScope {
                names: a.names.iter().map(|n| n.get_ref().clone()).collect(),
                replacement: a.replacement.as_ref().map(|r| r.get_ref().clone()),
                note: a.note.get_ref().clone(),
                source,
            });
        }
    }
    out
}

/// Whether `name` is a parameter or action name as sent: non-empty, and
/// letters, digits, `_`, `-` or `.` only.
fn is_param_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The `[[endpoint.param-check]]` tables of an entry, checked.
fn compile_param_checks(e: &RawEndpoint, problems: &mut Vec<RuleProblem>) -> Vec<ParamCheck> {
    let mut out = Vec::new();
    for c in &e.param_checks {
        let before = problems.len();
        let bad = |problem: String, span: std::ops::Range<usize>| RuleProblem::BadParamCheck {
            problem,
            span: span.into(),
        };
        let any_param =
            c.kind.get_ref() == "ipv6" && c.params.len() == 1 && c.params[0].get_ref() == "*";
        for p in c
            .params
            .iter()
            .filter(|_| !any_param)
            .chain(&c.actions)
            .chain(c.when.iter().map(|w| &w.param))
        {
            if !is_param_name(p.get_ref()) {
                problems.push(bad(
                    format!(
                        "\"{}\" is not a parameter or action name as sent",
                        p.get_ref()
                    ),
                    p.span(),
                ));
            }
        }
        let level = CheckLevel::parse(c.level.get_ref());
        if level.is_none() {
            problems.push(bad(
                format!(
                    "level \"{}\" is not info, warning or error",
                    c.level.get_ref()
                ),
                c.level.span(),
            ));
        }
        let names: Vec<String> = c.params.iter().map(|p| p.get_ref().clone()).collect();
        let values: Vec<String> = c.values.iter().map(|v| v.get_ref().clone()).collect();
        let kind = c.kind.get_ref().as_str();
        let wanted = match kind {
            "exclusive" => 2,
            "not-accepted" | "required" | "rejects-value" => 1,
            "ipv6" => {
                if names.is_empty() {
                    problems.push(bad(
                        "kind ipv6 takes one or more parameters in `params` (or [\"*\"] for every parameter)".to_string(),
                        c.span.clone(),
                    ));
                }
                0
            }
            other => {
                problems.push(bad(
                    format!("kind \"{other}\" is not not-accepted, required, exclusive, rejects-value or ipv6"),
                    c.kind.span(),
                ));
                0
            }
        };
        if let Some(a) = &c.add {
            if kind != "required" {
                problems.push(bad(
                    format!("kind {kind} does not use `add` (only required does)"),
                    a.span(),
                ));
            } else if a.get_ref().is_empty()
                || a.get_ref()
                    .bytes()
                    .any(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
            {
                problems.push(bad(
                    format!(
                        "`add = \"{}\"` is not a plain literal value (letters, digits, `_`, `-`, `.`)",
                        a.get_ref()
                    ),
                    a.span(),
                ));
            }
        }
        if wanted > 0 && names.len() != wanted {
            problems.push(bad(
                format!(
                    "kind {kind} takes {wanted} parameter(s) in `params`, found {}",
                    names.len()
                ),
                c.span.clone(),
            ));
        }
        if kind == "rejects-value" && values.is_empty() {
            problems.push(bad(
                "kind rejects-value needs the rejected `values`".to_string(),
                c.span.clone(),
            ));
        }
        if kind != "rejects-value" && !values.is_empty() {
            problems.push(bad(
                format!("kind {kind} does not use `values`"),
                c.values[0].span(),
            ));
        }
        if let Some(w) = &c.when {
            if w.values.is_empty() {
                problems.push(bad("`when` lists no values".to_string(), w.span.clone()));
            }
        }
        check_non_empty("message", &c.message, problems);
        let source = compile_source(&c.source, problems);
        if problems.len() > before {
            continue;
        }
        let (Some(level), Some(source)) = (level, source) else {
            continue;
        };
        let rule = match kind {
            "not-accepted" => ParamRule::NotAccepted {
                param: names[0].clone(),
            },
            "required" => ParamRule::Required {
                param: names[0].clone(),
            },
            "exclusive" => ParamRule::Exclusive {
                first: names[0].clone(),
                second: names[1].clone(),
            },
            "ipv6" => ParamRule::Ipv6 {
                params: if any_param { Vec::new() } else { names },
            },
            _ => ParamRule::RejectsValues {
                param: names[0].clone(),
                values,
            },
        };
        out.push(ParamCheck {
            rule,
            actions: c.actions.iter().map(|a| a.get_ref().clone()).collect(),
            when: c.when.as_ref().map(|w| ParamCondition {
                param: w.param.get_ref().clone(),
                values: w.values.iter().map(|v| v.get_ref().clone()).collect(),
            }),
            level,
            message: c.message.get_ref().clone(),
            add: c.add.as_ref().map(|a| a.get_ref().clone()),
            source,
        });
    }
    out
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

fn check_non_empty(key: &str, value: &Spanned<String>, problems: &mut Vec<RuleProblem>) -> bool {
    if schema::is_missing(value) {
        return false;
    }
    if value.get_ref().trim().is_empty() {
        problems.push(RuleProblem::Empty {
            key: key.to_string(),
            span: value.span().into(),
        });
        return false;
    }
    true
}

/// Whether `id` is kebab-case: lowercase ASCII letters and digits in
/// hyphen-separated words, starting with a letter.
pub fn is_kebab_case(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

fn check_id(id: &Spanned<String>, problems: &mut Vec<RuleProblem>) {
    let value = id.get_ref();
    if is_kebab_case(value) || schema::is_missing(id) {
        return;
    }
    let words: Vec<String> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let guess = words.join("-");
    let help = if is_kebab_case(&guess) {
        format!("did you mean `{guess}`? Ids are lowercase letters and digits joined by single hyphens, starting with a letter")
    } else {
        "ids are lowercase letters and digits joined by single hyphens, starting with a letter, e.g. `qualys-scan-v2`"
            .to_string()
    };
    problems.push(RuleProblem::BadId {
        id: value.clone(),
        span: id.span().into(),
        help,
    });
}

/// The reason `path` is not an endpoint path, if it is not one.
fn path_problem(path: &str) -> Option<String> {
    if path.contains("://") {
        return Some("it has a scheme and host; give only the path".to_string());
    }
    if !path.starts_with('/') {
        return Some("it does not start with `/`".to_string());
    }
    if path.contains(char::is_whitespace) {
        return Some("it contains whitespace".to_string());
    }
    if path.contains(['?', '#']) {
        return Some("it has a query or fragment; give only the path".to_string());
    }
    for segment in path.split('/') {
        if segment.contains(['{', '}']) && !is_param(segment) {
            return Some(format!(
                "segment `{segment}` is not a path parameter like `{{scanId}}`"
            ));
        }
    }
    let Some(pattern) = EndpointPattern::parse(path) else {
        return Some("it has no path segments".to_string());
    };
    if matches!(pattern.segments.first(), Some(Segment::Param(_))) {
        return Some(
            "its first segment is a parameter; it must be a literal such as `api`".to_string(),
        );
    }
    None
}

fn is_param(segment: &str) -> bool {
    segment
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .is_some_and(|name| {
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn check_path(
    key: &str,
    value: &Spanned<String>,
    problems: &mut Vec<RuleProblem>,
) -> Option<EndpointPattern> {
    if schema::is_missing(value) {
        return None;
    }
    match path_problem(value.get_ref()) {
        Some(reason) => {
            problems.push(RuleProblem::BadPath {
                key: key.to_string(),
                reason,
                span: value.span().into(),
            });
            None
        }
        None => EndpointPattern::parse(value.get_ref()),
    }
}

fn compile_date(key: &str, raw: &RawDate, problems: &mut Vec<RuleProblem>) -> Option<DatedFact> {
    let source = match &raw.source {
        Some(s) => Some(compile_source(s, problems)?),
        None => None,
    };
    let value = raw.date.get_ref();
    match Deadline::parse(value) {
        Some(deadline) => Some(DatedFact { deadline, source }),
        None => {
            problems.push(RuleProblem::BadDate {
                key: key.to_string(),
                value: value.clone(),
                span: raw.date.span().into(),
                help: date_help(value, ""),
            });
            None
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `"December 2026"` → `"2026-12"`; also `"Dec 2026"`, `"2026/12"`.
fn suggest_date(value: &str) -> Option<String> {
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if let [month, year] = words.as_slice() {
        let month = month.to_lowercase();
        let index = MONTH_NAMES
            .iter()
            .position(|m| month.len() >= 3 && m.starts_with(month.trim_end_matches('.')))?;
        let year: i32 = year.parse().ok().filter(|y| (1000..=9999).contains(y))?;
        return Some(format!("{year:04}-{:02}", index + 1));
    }
    let alt = value.trim().replace(['/', '.'], "-");
    (alt != value && Deadline::parse(&alt).is_some()).then_some(alt)
}

fn date_help(value: &str, extra: &str) -> String {
    let rule = "dates are \"YYYY-MM\" (a month, read as its first day) or \"YYYY-MM-DD\"";
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    match suggest_date(value) {
        Some(s) => format!("write \"{s}\": {rule}{extra}"),
        None => format!("{rule}{extra}"),
    }
}

fn compile_source(raw: &RawSource, problems: &mut Vec<RuleProblem>) -> Option<Source> {
    let before = problems.len();
    check_non_empty("title", &raw.title, problems);
    let date = raw.date.get_ref();
    let evidence_missing = schema::is_missing(&raw.evidence);
    if !schema::is_missing(&raw.date) && date != "undated" && Deadline::parse(date).is_none() {
        problems.push(RuleProblem::BadDate {
            key: "source date".to_string(),
            value: date.clone(),
            span: raw.date.span().into(),
            help: date_help(date, "or \"undated\" for an undated source"),
        });
    }
    if let Some(url) = &raw.url {
        let u = url.get_ref();
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && !u.contains(char::is_whitespace)
            && u.len() > "https://".len();
        if !ok {
            problems.push(RuleProblem::BadUrl {
                value: u.clone(),
                span: url.span().into(),
            });
        }
    }
    let evidence = match raw.evidence.get_ref().as_str() {
        _ if evidence_missing => None,
        "primary" => Some(Evidence::Primary),
        "secondary" => Some(Evidence::Secondary),
        other => {
            problems.push(RuleProblem::BadEvidence {
                value: other.to_string(),
                span: raw.evidence.span().into(),
            });
            None
        }
    };
    if problems.len() > before {
        return None;
    }
    Some(Source {
        title: raw.title.get_ref().clone(),
        date: date.clone(),
        url: raw.url.as_ref().map(|u| u.get_ref().clone()),
        evidence: evidence?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[endpoint]]
id = "acme-scan-v1"
name = "Scan API"
product = "Acme"
category = "Scan"
endpoint = "/api/1.0/scan/"
replacement = "/api/2.0/scan/"
active-versions = ["/api/2.0/scan/"]
methods = ["GET"]
eos = "2026-05"
eol = { date = "2026-11-15", source = { title = "Later note", date = "2026-01", evidence = "secondary" } }
notes = ["Use v2."]
source = { title = "Acme 1.0", date = "2025-12-01", url = "https://example.com/r", evidence = "primary" }

[[endpoint.history]]
field = "eol"
value = "2026-06"
source = { title = "Acme 0.9", date = "undated", evidence = "primary" }

[[endpoint]]
id = "acme-scan-v2"
name = "Scan API"
product = "Acme"
category = "Scan"
endpoint = "/api/2.0/scan/{scanId}"
source = { title = "Acme 1.0", date = "2025-12-01", evidence = "primary" }
"#;

    fn problems(text: &str) -> Vec<String> {
        match parse_rules("t.toml", text, RuleOrigin::Bundled("t.toml")) {
            Ok(_) => Vec::new(),
            Err(RuleError::Invalid { problems, .. }) => problems
                .iter()
                .map(|p| p.code().map(|c| c.to_string()).unwrap_or_default())
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn param_checks_compile_and_bad_ones_are_located() {
        let src =
            "source = { title = \"Acme 1.0\", date = \"2025-12-01\", evidence = \"primary\" }";
        let good = format!(
            "{GOOD}\n[[endpoint.param-check]]\nkind = \"exclusive\"\nparams = [\"a_id\", \"a_name\"]\nactions = [\"create\"]\nwhen = {{ param = \"cloud\", values = [\"gcp\"] }}\nlevel = \"error\"\nmessage = \"keep one\"\n{src}\n"
        );
        let rules = parse_rules("t.toml", &good, RuleOrigin::Bundled("t.toml")).expect("valid");
        let c = &rules[1].param_checks[0];
        assert_eq!(
            c.rule,
            ParamRule::Exclusive {
                first: "a_id".into(),
                second: "a_name".into()
            }
        );
        assert_eq!(c.level, CheckLevel::Error);
        assert_eq!(c.when.as_ref().map(|w| w.param.as_str()), Some("cloud"));
        for bad in [
            "kind = \"forbidden\"\nparams = [\"a\"]",
            "kind = \"exclusive\"\nparams = [\"a\"]",
            "kind = \"rejects-value\"\nparams = [\"a\"]",
            "kind = \"required\"\nparams = [\"a b\"]",
            "kind = \"required\"\nparams = [\"a\"]\nvalues = [\"1\"]",
        ] {
            let text = format!(
                "{GOOD}\n[[endpoint.param-check]]\n{bad}\nlevel = \"error\"\nmessage = \"m\"\n{src}\n"
            );
            assert_eq!(problems(&text), ["sunset::rules::bad_param_check"], "{bad}");
        }
        let text = format!(
            "{GOOD}\n[[endpoint.param-check]]\nkind = \"required\"\nparams = [\"a\"]\nlevel = \"fatal\"\nmessage = \"m\"\n{src}\n"
        );
        assert_eq!(problems(&text), ["sunset::rules::bad_param_check"]);
        let text = format!(
            "{GOOD}\n[[endpoint.param-check]]\nkind = \"required\"\nparam = [\"a\"]\nlevel = \"error\"\nmessage = \"m\"\n{src}\n"
        );
        let got = problems(&text);
        assert!(
            got.contains(&"sunset::rules::unknown_key".to_string()),
            "{got:?}"
        );
        assert!(
            got.contains(&"sunset::rules::missing_key".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn a_good_file_compiles() {
        let rules = parse_rules("t.toml", GOOD, RuleOrigin::Bundled("t.toml")).expect("valid");
        assert_eq!(rules.len(), 2);
        let r = &rules[0];
        assert_eq!(r.endpoint.canonical, "/api/1.0/scan");
        assert_eq!(r.endpoint_display, "/api/1.0/scan/");
        assert_eq!(r.eos().map(Deadline::published).as_deref(), Some("2026-05"));
        assert_eq!(
            r.eol().map(Deadline::published).as_deref(),
            Some("2026-11-15")
        );
        assert_eq!(
            r.eol
                .as_ref()
                .and_then(|f| f.source.as_ref())
                .map(|s| s.evidence),
            Some(Evidence::Secondary)
        );
        assert_eq!(r.history.len(), 1);
        assert_eq!(r.history[0].source.date, "undated");
        assert!(r.is_confirmed());
        assert!(!r.safe_fix);
        assert!(rules[1].endpoint.has_params());
        assert!(rules[1].replacement.is_none());
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        let text = GOOD
            .replace("eos = \"2026-05\"", "eos = \"2027-05\"\nsafe_fix = true")
            .replace("id = \"acme-scan-v2\"", "id = \"Acme_Scan\"")
            .replace("evidence = \"secondary\"", "evidence = \"tertiary\"")
            .replace("methods = [\"GET\"]", "methods = [\"get\"]")
            .replace(
                "endpoint = \"/api/2.0/scan/{scanId}\"",
                "endpoint = \"api/2.0\"",
            );
        assert_eq!(
            problems(&text),
            [
                "sunset::rules::bad_method",
                "sunset::rules::unknown_key",
                "sunset::rules::bad_evidence",
                "sunset::rules::bad_id",
                "sunset::rules::bad_path",
            ]
        );
    }

    #[test]
    fn eos_after_eol_and_duplicates() {
        let text = GOOD
            .replace("eos = \"2026-05\"", "eos = \"2026-12\"")
            .replace("acme-scan-v2", "acme-scan-v1");
        assert_eq!(
            problems(&text),
            [
                "sunset::rules::eos_after_eol",
                "sunset::rules::duplicate_id"
            ]
        );
        let same = GOOD.replace(
            "/api/2.0/scan/{scanId}",
            "https://x.example/api/1.0/scan/index.php",
        );
        assert_eq!(problems(&same), ["sunset::rules::bad_path"]);
        let same = GOOD.replace("/api/2.0/scan/{scanId}", "/api/1.0/scan/index.php");
        assert_eq!(problems(&same), ["sunset::rules::duplicate_endpoint"]);
    }

    #[test]
    fn structural_problems() {
        assert_eq!(problems("[[endpoint]]\nid = \"x\"\n").len(), 5);
        assert_eq!(problems("endpoint = 3"), ["sunset::rules::wrong_type"]);
        assert_eq!(
            problems("[endpoint]\nid = \"x\""),
            ["sunset::rules::wrong_type"]
        );
        assert_eq!(problems("id = \"x\""), ["sunset::rules::unknown_key"]);
        assert_eq!(problems("[[endpoint]\n"), ["sunset::rules::syntax"]);
        assert_eq!(problems(""), Vec::<String>::new());
        let bare_date = GOOD.replace("eos = \"2026-05\"", "eos = 2026-05-01");
        assert_eq!(problems(&bare_date), ["sunset::rules::wrong_type"]);
    }

    #[test]
    fn dates_get_a_suggestion() {
        assert_eq!(suggest_date("December 2026").as_deref(), Some("2026-12"));
        assert_eq!(suggest_date("dec. 2026").as_deref(), Some("2026-12"));
        assert_eq!(suggest_date("2026/12").as_deref(), Some("2026-12"));
        assert_eq!(suggest_date("soon"), None);
        assert_eq!(suggest_date("Ma 2026"), None);
    }

    #[test]
    fn paths() {
        for ok in [
            "/api/2.0/fo/scan/",
            "/pci/scan/{scanId}/details",
            "/sm/v1/script/{scriptid}",
            "/x",
        ] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
        for bad in [
            "api/2.0", "/", "//", "/a b", "/a?x=1", "/{id}/x", "/a/{b", "/a/x{b}", "/a/{}",
            "/a/{1x}",
        ] {
            assert!(path_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn kebab_case() {
        for ok in ["a", "qualys-scan-v2", "a1-b2"] {
            assert!(is_kebab_case(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "1a", "A", "a_b", "a b", "é"] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }

    #[test]
    fn spans_stay_in_bounds() {
        let text = "é";
        assert_eq!(clamp(5..9, text), 0..2);
        assert_eq!(clamp(0..0, ""), 0..0);
        assert_eq!(clamp(1..1, "ab"), 1..1);
    }
}
