//! The ruleset: one [`Rule`] per endpoint version, loaded from TOML data.
//!
//! No endpoint fact lives in Rust: the bundled rules are `rules/**/*.toml`,
//! embedded at build time ([`bundled`]), and a user's `--rules` files go
//! through the same loader ([`load`]). `schema` holds the raw serde types.

pub mod bundled;
pub mod lifecycle;
pub mod load;
pub mod normalize;
pub mod schema;

use std::collections::HashMap;
use std::path::PathBuf;

pub use lifecycle::{next_deadline, replacement_out, status_on, Date, Deadline, Milestone, Status};
pub use load::RuleError;

/// How well a fact is sourced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Read on a vendor page (release note, API guide).
    Primary,
    /// Only a third party quoting the vendor: reported as unconfirmed and
    /// never fails a gate by default.
    Secondary,
}

/// A publication a rule rests on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Source {
    pub title: String,
    /// Publication date, `YYYY-MM-DD` or `YYYY-MM`.
    pub date: String,
    pub url: Option<String>,
    pub evidence: Evidence,
}

/// A deadline as published, with where it was published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedFact {
    pub deadline: Deadline,
    /// The source of this date when it differs from the rule's own source.
    pub source: Option<Source>,
}

/// An earlier published value of a rule's date, superseded by a later source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HistoryEntry {
    /// `"eos"` or `"eol"`.
    pub field: String,
    /// The earlier value as published (`YYYY-MM`, `YYYY-MM-DD` or `active`).
    pub value: String,
    pub source: Source,
}

/// The advice for requests with given values of the `action` parameter
/// (`[[endpoint.action]]`): the Scan API moved only `action=list` to 3.0.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ActionScope {
    /// The actions this entry is about, as sent (`list`, `launch`).
    pub names: Vec<String>,
    /// Where requests with these actions move; `None` when no replacement
    /// is published for them (the endpoint's deadlines still apply).
    pub replacement: Option<String>,
    /// What the source says about these actions.
    pub note: String,
    pub source: Source,
}

/// How serious a request check is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    /// Worth knowing; never fails a gate.
    Info,
    /// The advice for this request differs from the endpoint's.
    Warning,
    /// The request is wrong for the endpoint (or its replacement) as the
    /// sources document it.
    Error,
}

impl CheckLevel {
    /// `info`, `warning` or `error`.
    pub fn parse(s: &str) -> Option<CheckLevel> {
        match s {
            "info" => Some(CheckLevel::Info),
            "warning" => Some(CheckLevel::Warning),
            "error" => Some(CheckLevel::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CheckLevel::Info => "info",
            CheckLevel::Warning => "warning",
            CheckLevel::Error => "error",
        }
    }
}

/// What a parameter check says about a request (`[[endpoint.param-check]]`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ParamRule {
    /// The endpoint does not take this parameter (it was introduced in a
    /// later version, or is ignored here): sending it is flagged.
    NotAccepted { param: String },
    /// The request must send this parameter.
    Required { param: String },
    /// At most one of the two may be sent.
    Exclusive { first: String, second: String },
    /// The parameter must not be sent with one of these values.
    RejectsValues { param: String, values: Vec<String> },
    /// An IPv6 address in the literal value of one of these parameters
    /// (empty: of any parameter) fails the check. Values are split into
    /// candidate tokens (lists, ranges, `host:port:ip/path`), and a token
    /// counts only when `std::net::Ipv6Addr` parses it.
    Ipv6 { params: Vec<String> },
}

/// A condition on another parameter: the check applies only when `param`
/// is sent with one of `values` (compared without regard to case).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ParamCondition {
    pub param: String,
    pub values: Vec<String>,
}

/// One parameter check of a rule, with the source it rests on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ParamCheck {
    #[serde(flatten)]
    pub rule: ParamRule,
    /// The actions the check applies to; empty for every request.
    pub actions: Vec<String>,
    pub when: Option<ParamCondition>,
    pub level: CheckLevel,
    /// What to change, in words ("add use_ad_hashicorp=1").
    pub message: String,
    /// For a `required` check: the literal value `fix` may add when the
    /// parameter is missing (`add = "1"`); `None` when the sources give no
    /// single value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add: Option<String>,
    pub source: Source,
}

/// Where a rule was loaded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleOrigin {
    Bundled(&'static str),
    File(PathBuf),
}

/// One path segment of an endpoint pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    Literal(String),
    /// `{scanId}`: any one non-empty segment.
    Param(String),
}

/// An endpoint's identity: its canonical path (no host, no query, no
/// `index.php`, no trailing slash), possibly with `{param}` segments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EndpointPattern {
    /// Canonical text, e.g. `/api/2.0/fo/scan` or `/pci/scan/{scanId}/details`.
    pub canonical: String,
    pub segments: Vec<Segment>,
}

impl EndpointPattern {
    /// The pattern of a rule keyed by an operation name: no segments, so
    /// it matches no path.
    pub fn operation(name: &str) -> EndpointPattern {
        EndpointPattern {
            canonical: format!("operation:{name}"),
            segments: Vec::new(),
        }
    }

    /// Builds a pattern from a published path; `None` if it is not a path.
    pub fn parse(path: &str) -> Option<EndpointPattern> {
        let canonical = crate::rules::normalize::canonical_path(path)?;
        let segments = canonical
            .split('/')
            .skip(1)
            .map(|s| {
                if s.len() > 2 && s.starts_with('{') && s.ends_with('}') {
                    Segment::Param(s[1..s.len() - 1].to_string())
                } else {
                    Segment::Literal(s.to_string())
                }
            })
            .collect();
        Some(EndpointPattern {
            canonical,
            segments,
        })
    }

    pub fn has_params(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Param(_)))
    }

    /// Whether a canonical path is this endpoint (whole-path identity).
    pub fn matches(&self, canonical: &str) -> bool {
        let mut parts = canonical.split('/').skip(1);
        for seg in &self.segments {
            match (seg, parts.next()) {
                (Segment::Literal(l), Some(p)) if l == p => {}
                (Segment::Param(_), Some(p)) if !p.is_empty() => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// The first path segment (`api`, `pcrs`, `pci`, …), used to find
    /// endpoints inside longer text.
    pub fn root(&self) -> &str {
        match self.segments.first() {
            Some(Segment::Literal(s)) => s,
            _ => "",
        }
    }
}

/// One endpoint version and what is known about its lifecycle.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Stable, kebab-case, never reused.
    pub id: String,
    /// The API's name, e.g. "Knowledge Base Vulnerability API".
    pub name: String,
    pub product: String,
    pub category: String,
    /// The endpoint this rule is about (legacy or active). For a rule
    /// keyed by `operation` it has no segments and the canonical text
    /// `operation:<name>`, which no path can equal.
    pub endpoint: EndpointPattern,
    /// The operation name the rule matches where no path is published
    /// (`save_merchant`): an identifier or string in code, not a URL.
    pub operation: Option<String>,
    /// The endpoint as published (for display), e.g. `/api/2.0/fo/scan/`.
    pub endpoint_display: String,
    /// The recommended latest version, as published; `None` for an active
    /// endpoint with no successor.
    pub replacement: Option<String>,
    /// Every version of this API still active (as published paths).
    pub active_versions: Vec<String>,
    /// HTTP methods where published.
    pub methods: Vec<String>,
    pub eos: Option<DatedFact>,
    pub eol: Option<DatedFact>,
    /// When the replacement first appeared, with the source that says so
    /// (`replacement-published`). Before that day the endpoint is the
    /// current one: no replacement is offered and no deadline counted.
    pub replacement_published: Option<DatedFact>,
    pub source: Source,
    pub history: Vec<HistoryEntry>,
    /// Migration notes stated in the sources (parameters, DTD changes…).
    pub notes: Vec<String>,
    /// What the replacement changes that can break a caller rewritten to
    /// it unreviewed (required parameters, DTD or output changes), as the
    /// sources state it. Any entry makes the rewrite unsafe.
    pub breaking_changes: Vec<String>,
    /// Whether the replacement is a drop-in for this version.
    pub safe_fix: bool,
    /// Per-action replacements; empty when the replacement holds for every
    /// request.
    pub actions: Vec<ActionScope>,
    /// Checks of the request's parameters (`[[endpoint.param-check]]`).
    pub param_checks: Vec<ParamCheck>,
    pub origin: RuleOrigin,
}

/// The replacement that holds for one request, given its `action`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionAdvice<'a> {
    /// The rule has no per-action scope: its replacement holds.
    Endpoint,
    /// The action is listed with a replacement.
    Moves(&'a ActionScope),
    /// The action is listed, and no replacement is published for it.
    NoneFor(&'a ActionScope),
    /// The rule scopes its replacement by action, and this request's
    /// action is not known or not listed: no replacement is guessed.
    Unknown,
}

impl Rule {
    pub fn eos(&self) -> Option<Deadline> {
        self.eos.as_ref().map(|d| d.deadline)
    }

    pub fn eol(&self) -> Option<Deadline> {
        self.eol.as_ref().map(|d| d.deadline)
    }

    pub fn replacement_published(&self) -> Option<Deadline> {
        self.replacement_published.as_ref().map(|d| d.deadline)
    }

    /// False when the rule rests only on secondary evidence.
    pub fn is_confirmed(&self) -> bool {
        self.source.evidence == Evidence::Primary
    }

    /// The dates with their own source that is secondary evidence.
    pub fn unconfirmed_dates(&self) -> Vec<Milestone> {
        let secondary = |fact: &Option<DatedFact>| {
            fact.as_ref()
                .and_then(|f| f.source.as_ref())
                .is_some_and(|s| s.evidence == Evidence::Secondary)
        };
        let mut dates = Vec::new();
        if secondary(&self.eos) {
            dates.push(Milestone::Eos);
        }
        if secondary(&self.eol) {
            dates.push(Milestone::Eol);
        }
        dates
    }

    /// The advice for a request whose `action` is `action` (`None`: not
    /// known as a literal).
    pub fn advice_for(&self, action: Option<&str>) -> ActionAdvice<'_> {
        if self.actions.is_empty() {
            return ActionAdvice::Endpoint;
        }
        let Some(action) = action else {
            return ActionAdvice::Unknown;
        };
        match self
            .actions
            .iter()
            .find(|a| a.names.iter().any(|n| n == action))
        {
            Some(a) if a.replacement.is_some() => ActionAdvice::Moves(a),
            Some(a) => ActionAdvice::NoneFor(a),
            None => ActionAdvice::Unknown,
        }
    }

    /// The status on `today`; `active` before the replacement is published
    /// ([`replacement_out`]).
    pub fn status_on(&self, today: Date) -> Status {
        if !replacement_out(self.replacement_published(), today) {
            return Status::Active;
        }
        status_on(self.eos(), self.eol(), self.replacement.is_some(), today)
    }

    /// The next deadline after `today`; none before the replacement is
    /// published.
    pub fn next_deadline(&self, today: Date) -> Option<(Milestone, Deadline, i64)> {
        if !replacement_out(self.replacement_published(), today) {
            return None;
        }
        next_deadline(self.eos(), self.eol(), today)
    }

    /// The one path segment the replacement changes (`2.0` → `3.0`); `Err`
    /// with the reason when there is no replacement or it changes more
    /// than that segment (a rewrite would then not be a version bump, e.g.
    /// `/sm/v1/block-commands/{id}` → `/sm/v1/block-commands/search`).
    pub fn version_swap(&self) -> Result<VersionSwap, String> {
        let replacement = self
            .replacement
            .as_deref()
            .ok_or_else(|| "no replacement is published".to_string())?;
        let endpoint = &self.endpoint;
        let to = EndpointPattern::parse(replacement)
            .ok_or_else(|| format!("the replacement {replacement} is not a path"))?;
        let beyond = || {
            format!(
                "the replacement {replacement} changes more than the version segment of {}",
                endpoint.canonical
            )
        };
        if to.segments.len() != endpoint.segments.len() {
            return Err(beyond());
        }
        let differing: Vec<usize> = (0..to.segments.len())
            .filter(|&i| to.segments[i] != endpoint.segments[i])
            .collect();
        let [index] = differing[..] else {
            return Err(beyond());
        };
        match (&endpoint.segments[index], &to.segments[index]) {
            (Segment::Literal(old), Segment::Literal(new)) => Ok(VersionSwap {
                index,
                old: old.clone(),
                new: new.clone(),
            }),
            _ => Err(beyond()),
        }
    }
}

/// The one segment a replacement changes: segment `index` of the canonical
/// path (0 is the root, `api`), `old` → `new`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionSwap {
    pub index: usize,
    pub old: String,
    pub new: String,
}

/// All rules, indexed for lookup by canonical endpoint path.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Canonical path → rule index, for patterns without parameters.
    exact: HashMap<String, usize>,
    /// Indices of rules whose pattern has `{param}` segments.
    parametric: Vec<usize>,
}

impl RuleSet {
    /// Builds the index. A later rule with the same id replaces an earlier
    /// one (a user's file overrides a bundled rule by id).
    pub fn from_rules(rules: Vec<Rule>) -> RuleSet {
        let mut by_id: Vec<Rule> = Vec::with_capacity(rules.len());
        let mut slots: HashMap<String, usize> = HashMap::with_capacity(rules.len());
        for rule in rules {
            match slots.get(&rule.id) {
                Some(&slot) => by_id[slot] = rule,
                None => {
                    slots.insert(rule.id.clone(), by_id.len());
                    by_id.push(rule);
                }
            }
        }
        let mut set = RuleSet {
            rules: by_id,
            ..RuleSet::default()
        };
        for (i, rule) in set.rules.iter().enumerate() {
            if rule.operation.is_some() {
                // Matched by name in code, never as a path.
                continue;
            }
            if rule.endpoint.has_params() {
                set.parametric.push(i);
            } else {
                // A later rule for the same endpoint wins, as with ids.
                set.exact.insert(rule.endpoint.canonical.clone(), i);
            }
        }
        set
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The earliest publication date any source of the loaded rules carries
    /// (a rule's source, a date's, a history entry's, an action's or a
    /// parameter check's); undated sources are left out. Before it, no
    /// verdict rests on a source.
    pub fn earliest_source_date(&self) -> Option<Date> {
        let dated = |s: &Source| Deadline::parse(&s.date).map(Deadline::effective);
        self.rules
            .iter()
            .flat_map(|r| {
                let facts = [&r.eos, &r.eol, &r.replacement_published]
                    .into_iter()
                    .filter_map(|f| f.as_ref().and_then(|f| f.source.as_ref()));
                std::iter::once(&r.source)
                    .chain(facts)
                    .chain(r.history.iter().map(|h| &h.source))
                    .chain(r.actions.iter().map(|a| &a.source))
                    .chain(r.param_checks.iter().map(|c| &c.source))
                    .filter_map(dated)
                    .collect::<Vec<_>>()
            })
            .min()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rule whose endpoint is exactly this canonical path.
    pub fn lookup(&self, canonical: &str) -> Option<&Rule> {
        if let Some(&i) = self.exact.get(canonical) {
            return Some(&self.rules[i]);
        }
        self.parametric
            .iter()
            .map(|&i| &self.rules[i])
            .find(|r| r.endpoint.matches(canonical))
    }

    /// The rules keyed by an operation name (`operation = "save_merchant"`).
    pub fn operations(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.operation.is_some())
    }

    /// The distinct root segments of all endpoints (`api`, `pcrs`, …).
    pub fn roots(&self) -> Vec<String> {
        let mut roots: Vec<String> = self
            .rules
            .iter()
            .map(|r| r.endpoint.root().to_string())
            .collect();
        roots.sort();
        roots.dedup();
        roots.retain(|r| !r.is_empty());
        roots
    }
}

impl Rule {
    /// A minimal rule for tests and examples: primary evidence, no history.
    pub fn simple(
        id: &str,
        endpoint: &str,
        replacement: Option<&str>,
        eos: Option<&str>,
        eol: Option<&str>,
    ) -> Option<Rule> {
        let fact = |s: Option<&str>| -> Option<Option<DatedFact>> {
            match s {
                None => Some(None),
                Some(s) => Deadline::parse(s).map(|deadline| {
                    Some(DatedFact {
                        deadline,
                        source: None,
                    })
                }),
            }
        };
        Some(Rule {
            id: id.to_string(),
            name: id.to_string(),
            product: String::new(),
            category: String::new(),
            endpoint: EndpointPattern::parse(endpoint)?,
            endpoint_display: endpoint.to_string(),
            operation: None,
            replacement: replacement.map(str::to_string),
            active_versions: replacement.map(|r| vec![r.to_string()]).unwrap_or_default(),
            methods: Vec::new(),
            eos: fact(eos)?,
            eol: fact(eol)?,
            replacement_published: None,
            source: Source {
                title: "test".into(),
                date: "2026-05-11".into(),
                url: None,
                evidence: Evidence::Primary,
            },
            history: Vec::new(),
            notes: Vec::new(),
            breaking_changes: Vec::new(),
            safe_fix: false,
            actions: Vec::new(),
            param_checks: Vec::new(),
            origin: RuleOrigin::Bundled("test"),
        })
    }
}
