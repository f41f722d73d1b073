//! `sunset report`: a migration plan a team lead can work from.
//!
//! [`Plan::build`] turns findings (from one scan, or from several JSON
//! reports with [`rollup`]) into a format-independent model: a summary, the
//! deadlines on a timeline, one entry per legacy endpoint with the migration
//! notes of its rule, a checklist of call sites grouped by deadline and the
//! mentions apart. [`markdown`] and [`html`] only lay that model out, so the
//! two formats cannot disagree on a number.
//!
//! Statuses and days are recomputed here at the plan's as-of date from the
//! deadlines each finding carries (as published), because roll-up inputs may
//! have been scanned on different days.

pub mod html;
pub mod markdown;
pub mod rollup;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Applicability, Finding, FindingKind, SuppressedBy};
use crate::rules::{self, Date, Deadline, Milestone, RuleSet, Status};

/// Findings of one repository (or of one local scan).
#[derive(Clone, Debug)]
pub struct Input {
    /// `--repo-name` at scan time; `None` for a local scan without one.
    pub repo: Option<String>,
    pub findings: Vec<Finding>,
    pub files_scanned: usize,
    /// Strings that looked like endpoints but could not be resolved.
    pub unresolved: usize,
}

/// Where the plan's as-of date comes from (said in the report header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOfBasis {
    /// `--as-of` on the command line.
    Flag,
    /// Today (UTC), the day of this scan.
    Today,
    /// The newest `as_of` among the `--from` reports.
    NewestInput,
}

impl AsOfBasis {
    pub fn describe(self) -> &'static str {
        match self {
            AsOfBasis::Flag => "set with --as-of",
            AsOfBasis::Today => "today, UTC",
            AsOfBasis::NewestInput => "the newest scan among the merged reports",
        }
    }
}

/// `--link-base`: turns `path:line` into a link to a code browser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkBase {
    /// `--link-base URL`: for every repository.
    pub default: Option<String>,
    /// `--link-base REPO=URL`: for one repository of a roll-up.
    pub per_repo: BTreeMap<String, String>,
}

impl LinkBase {
    /// Parses the `--link-base` values. Only `http(s)://` bases are taken:
    /// a `javascript:` base would turn every link into script.
    pub fn parse(values: &[String]) -> Result<LinkBase, String> {
        let mut out = LinkBase::default();
        for value in values {
            // `REPO=URL` when the part before `=` cannot be a URL's start.
            let (repo, url) = match value.split_once('=') {
                Some((repo, url))
                    if !repo.is_empty() && !repo.contains([':', '/']) && is_http(url) =>
                {
                    (Some(repo), url)
                }
                _ => (None, value.as_str()),
            };
            if !is_http(url) {
                return Err(format!(
                    "--link-base `{value}` is not an http(s):// URL (or REPO=URL)"
                ));
            }
            let url = url.trim_end_matches('/').to_string();
            match repo {
                Some(repo) => {
                    out.per_repo.insert(repo.to_string(), url);
                }
                None => out.default = Some(url),
            }
        }
        Ok(out)
    }

    /// `BASE/path#Lline`, the path percent-encoded; `None` without a base.
    pub fn link(&self, repo: Option<&str>, path: &str, line: usize) -> Option<String> {
        let base = repo
            .and_then(|r| self.per_repo.get(r))
            .or(self.default.as_ref())?;
        let path = path.trim_start_matches("./");
        Some(format!(
            "{base}/{}#L{line}",
            crate::text::percent_encode_path(path)
        ))
    }
}

/// Whether `s` starts with `http://` or `https://` (any case).
pub fn is_http(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A deadline still ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upcoming {
    pub milestone: Milestone,
    pub deadline: Deadline,
    pub days_left: i64,
    pub endpoint: String,
}

/// One use of an endpoint, as listed in the checklist or the mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub repo: Option<String>,
    pub path: String,
    pub line: usize,
    /// In a notebook: the cell and the line in it (`line` stays the
    /// file's, which links use).
    pub notebook: Option<crate::model::CellPosition>,
    pub rule: String,
    pub endpoint: String,
    pub replacement: Option<String>,
    /// The URL as found (redacted).
    pub matched: String,
    /// `matched` rewritten to the replacement (redacted).
    pub suggested: Option<String>,
    pub status: Status,
    pub suppressed: Option<SuppressedBy>,
    pub via: Option<String>,
    pub confirmed: bool,
    /// `--link-base` link to the line.
    pub link: Option<String>,
    /// How the call gets fixed: the finding's own edits (what `sunset fix`
    /// applies) or why it needs a person.
    pub fix: Option<FixWay>,
}

/// How a call site is moved to its replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixWay {
    /// `sunset fix` rewrites it: each edit as (from, to); unsafe ones need
    /// `--unsafe`.
    Edits {
        applicability: Applicability,
        edits: Vec<(String, String)>,
    },
    /// A person must: why.
    ByHand(String),
}

impl FixWay {
    /// The finding's fix, as the checklist shows it.
    pub fn of(f: &Finding) -> Option<FixWay> {
        if f.kind != FindingKind::Call {
            return None;
        }
        match (&f.fix, &f.manual_fix) {
            (Some(fix), _) => Some(FixWay::Edits {
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| (e.from.clone(), e.to.clone()))
                    .collect(),
            }),
            (None, Some(why)) => Some(FixWay::ByHand(why.clone())),
            (None, None) => None,
        }
    }

    /// "sunset fix: `2.0` → `3.0`", "sunset fix --unsafe: …", "by hand: …".
    pub fn words(&self) -> String {
        match self {
            FixWay::Edits {
                applicability,
                edits,
            } => {
                let command = match applicability {
                    Applicability::Safe => "sunset fix",
                    Applicability::Unsafe => "sunset fix --unsafe",
                };
                let changes: Vec<String> =
                    edits.iter().map(|(a, b)| format!("{a} → {b}")).collect();
                format!("{command}: {}", changes.join(", "))
            }
            FixWay::ByHand(why) => format!("by hand: {why}"),
        }
    }
}

impl Item {
    /// `path:line` (in a notebook `path:cell_N:line`, as nbqa names it),
    /// prefixed with the repository in a roll-up.
    pub fn location(&self) -> String {
        let at = match self.notebook {
            Some(n) => format!("{}:cell_{}:{}", self.path, n.cell, n.line),
            None => format!("{}:{}", self.path, self.line),
        };
        match &self.repo {
            Some(repo) => format!("{repo}: {at}"),
            None => at,
        }
    }

    /// What to write instead: the suggested URL, else the replacement path.
    pub fn target(&self) -> Option<&str> {
        self.suggested.as_deref().or(self.replacement.as_deref())
    }
}

/// A heading of the checklist: the deadline its call sites must beat.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupKey {
    /// End of Life already reached: these calls fail now.
    PastEol,
    /// The next deadline, soonest first (effective date, then milestone).
    Next {
        effective: Date,
        milestone: MilestoneOrd,
        deadline: DeadlineOrd,
        days_left: i64,
    },
    /// No deadline ahead is published (a replacement without dates, or
    /// EOS reached with no EOL announced).
    NoDate,
}

/// [`Milestone`] with an order (EOS before EOL on the same day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MilestoneOrd(pub u8);

impl MilestoneOrd {
    fn of(m: Milestone) -> MilestoneOrd {
        MilestoneOrd(match m {
            Milestone::Eos => 0,
            Milestone::Eol => 1,
        })
    }

    pub fn milestone(self) -> Milestone {
        if self.0 == 0 {
            Milestone::Eos
        } else {
            Milestone::Eol
        }
    }
}

/// A [`Deadline`] ordered by its published text (only used as a tie-break
/// after the effective date).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineOrd(pub Deadline);

impl PartialOrd for DeadlineOrd {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DeadlineOrd {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.published().cmp(&other.0.published())
    }
}

/// Call sites that share a deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub key: GroupKey,
    pub items: Vec<Item>,
}

impl Group {
    /// The heading: "EOL December 2026 — 8 days left".
    pub fn heading(&self) -> String {
        match &self.key {
            GroupKey::PastEol => "End of Life reached: these calls fail now".to_string(),
            GroupKey::Next {
                milestone,
                deadline,
                days_left,
                ..
            } => format!(
                "{} {} — {}",
                milestone.milestone().label(),
                deadline.0.words(),
                days(*days_left)
            ),
            GroupKey::NoDate => "No further deadline published".to_string(),
        }
    }
}

/// One legacy endpoint (one rule) and what touches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointPlan {
    pub rule: String,
    pub name: String,
    pub endpoint: String,
    pub replacement: Option<String>,
    pub eos: Option<Deadline>,
    pub eol: Option<Deadline>,
    pub status: Status,
    pub next: Option<Upcoming>,
    pub calls: usize,
    /// Distinct files (per repository) with a call.
    pub files: usize,
    pub mentions: usize,
    /// Repositories with a use (roll-up only).
    pub repos: usize,
    /// From the loaded rule; empty when the rule is not loaded.
    pub notes: Vec<String>,
    /// What must change in the requests, not only the URL: the request
    /// checks of this endpoint's calls, grouped, most serious first.
    pub request_changes: Vec<RequestChange>,
    pub source: crate::rules::Source,
    pub confirmed: bool,
    /// False when the findings name a rule the loaded rule set lacks.
    pub rule_loaded: bool,
}

/// One request check shared by calls of an endpoint, with how many calls
/// it was found on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestChange {
    pub level: crate::model::request::CheckLevel,
    pub code: String,
    pub message: String,
    pub calls: usize,
}

impl RequestChange {
    /// Adds one call's checks to `changes`, keeping them grouped and
    /// sorted: error, warning, info, then by code and message.
    fn add(changes: &mut Vec<RequestChange>, checks: &[crate::model::request::RequestCheck]) {
        for c in checks {
            match changes
                .iter_mut()
                .find(|x| x.level == c.level && x.code == c.code && x.message == c.message)
            {
                Some(x) => x.calls += 1,
                None => changes.push(RequestChange {
                    level: c.level,
                    code: c.code.clone(),
                    message: c.message.clone(),
                    calls: 1,
                }),
            }
        }
        changes.sort_by(|a, b| {
            (std::cmp::Reverse(a.level), &a.code, &a.message).cmp(&(
                std::cmp::Reverse(b.level),
                &b.code,
                &b.message,
            ))
        });
    }
}

impl EndpointPlan {
    /// "reached 8 days ago", "in 8 days" for a deadline at `as_of`.
    pub fn when(deadline: Deadline, as_of: Date) -> String {
        let left = as_of.days_until(deadline.effective());
        if left > 0 {
            days(left)
        } else if left == 0 {
            "reached today".to_string()
        } else {
            format!("reached {} ago", plural(-left, "day"))
        }
    }
}

/// One repository of a roll-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoRow {
    pub repo: String,
    pub calls_by_status: BTreeMap<Status, usize>,
    pub calls: usize,
    pub mentions: usize,
    pub files: usize,
    pub nearest: Option<Upcoming>,
    /// The day that repository was scanned.
    pub scanned_on: Date,
}

/// One EOS or EOL date on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEvent {
    pub deadline: Deadline,
    pub milestone: Milestone,
    pub endpoint: String,
    pub name: String,
    pub calls: usize,
    pub mentions: usize,
}

/// The whole report, format-independent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub as_of: Date,
    pub basis: AsOfBasis,
    /// The scanned paths (local scan) or nothing (roll-up).
    pub roots: Vec<String>,
    /// Set for a roll-up (`--from`), even of one report.
    pub repos: Option<Vec<RepoRow>>,
    pub files_scanned: usize,
    pub unresolved: usize,
    /// Call sites by status.
    pub calls_by_status: BTreeMap<Status, usize>,
    pub calls: usize,
    pub mentions: usize,
    pub suppressed: usize,
    /// Files with at least one call.
    pub files: usize,
    /// Endpoints with at least one call.
    pub endpoints_called: usize,
    /// Uses of current endpoints in the inputs: nothing to migrate.
    pub active_ignored: usize,
    pub nearest: Option<Upcoming>,
    /// Most urgent first.
    pub endpoints: Vec<EndpointPlan>,
    /// Chronological.
    pub timeline: Vec<TimelineEvent>,
    /// Soonest deadline first.
    pub checklist: Vec<Group>,
    pub mentions_list: Vec<Item>,
    /// Client libraries that reach legacy endpoints, by name.
    pub libraries: Vec<LibraryPlan>,
}

/// A client library the project depends on that reaches legacy endpoints:
/// what it reaches, where it is declared and called, and the way out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryPlan {
    pub name: String,
    /// The version in force: pinned, else the requirement, else unknown.
    pub version: String,
    /// Where the dependency is declared (`repo: requirements.txt:3`).
    pub declared: Vec<String>,
    /// Per legacy endpoint: the way out ("upgrade to 7.0.0" or "no release
    /// has moved").
    pub endpoints: Vec<(String, String)>,
    /// Call sites through the library.
    pub calls: usize,
}

impl LibraryPlan {
    /// Groups the `library` findings by library.
    fn build(findings: &[(&Option<String>, &Finding)]) -> Vec<LibraryPlan> {
        let mut by_name: BTreeMap<String, LibraryPlan> = BTreeMap::new();
        for (repo, f) in findings {
            let Some(lib) = &f.library else { continue };
            if f.kind != FindingKind::Library {
                continue;
            }
            let entry = by_name
                .entry(lib.name.clone())
                .or_insert_with(|| LibraryPlan {
                    name: lib.name.clone(),
                    version: String::new(),
                    declared: Vec::new(),
                    endpoints: Vec::new(),
                    calls: 0,
                });
            let version = lib
                .pinned
                .clone()
                .or_else(|| lib.requirement.clone())
                .unwrap_or_else(|| "version not pinned".to_string());
            if entry.version.is_empty() || lib.pinned.is_some() {
                entry.version = version;
            }
            let way_out = |endpoint: &str| match &lib.upgrade {
                Some(v) => (endpoint.to_string(), format!("upgrade to {v} or later")),
                None => (
                    endpoint.to_string(),
                    "no release has moved: call the replacement directly or patch the library"
                        .to_string(),
                ),
            };
            match &lib.method {
                None => {
                    let at = match repo {
                        Some(r) => format!("{r}: {}:{}", f.path, f.line),
                        None => format!("{}:{}", f.path, f.line),
                    };
                    entry.declared.push(at);
                    // The dependency lists every legacy endpoint; its way
                    // out is known for the first (the one it is filed under).
                    for e in &lib.endpoints {
                        if !entry.endpoints.iter().any(|(x, _)| x == e) {
                            entry.endpoints.push(if e == &f.endpoint {
                                way_out(e)
                            } else {
                                (e.clone(), String::new())
                            });
                        }
                    }
                }
                Some(_) => {
                    entry.calls += 1;
                    for e in &lib.endpoints {
                        match entry.endpoints.iter_mut().find(|(x, _)| x == e) {
                            Some(slot) if slot.1.is_empty() => *slot = way_out(e),
                            Some(_) => {}
                            None => entry.endpoints.push(way_out(e)),
                        }
                    }
                }
            }
        }
        let mut out: Vec<LibraryPlan> = by_name.into_values().collect();
        for l in &mut out {
            l.endpoints.sort();
            l.declared.sort();
            l.declared.dedup();
        }
        out
    }
}

/// The as-of date and how the plan is laid out.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    pub as_of: Date,
    pub basis: AsOfBasis,
    pub roots: Vec<String>,
    /// Whether the inputs are a roll-up (show the repository table).
    pub rollup: bool,
    /// The day each repository was scanned, for the repository table.
    pub scanned_on: BTreeMap<String, Date>,
    pub links: LinkBase,
}

/// Urgency order of statuses: EOL first.
fn urgency(status: Status) -> u8 {
    match status {
        Status::Eol => 0,
        Status::Eos => 1,
        Status::Deprecated => 2,
        Status::Active => 3,
    }
}

fn upcoming(
    eos: Option<Deadline>,
    eol: Option<Deadline>,
    as_of: Date,
    endpoint: &str,
) -> Option<Upcoming> {
    rules::next_deadline(eos, eol, as_of).map(|(milestone, deadline, days_left)| Upcoming {
        milestone,
        deadline,
        days_left,
        endpoint: endpoint.to_string(),
    })
}

/// The sooner of two upcoming deadlines (ties keep the first).
fn sooner(a: Option<Upcoming>, b: Option<Upcoming>) -> Option<Upcoming> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.days_left < a.days_left { b } else { a }),
        (a, b) => a.or(b),
    }
}

impl Plan {
    /// Builds the plan. `rules` supplies names, notes and sources by rule id.
    pub fn build(inputs: Vec<Input>, rules: &RuleSet, options: &PlanOptions) -> Plan {
        let as_of = options.as_of;
        let mut plan = Plan {
            as_of,
            basis: options.basis,
            roots: options.roots.clone(),
            repos: None,
            files_scanned: 0,
            unresolved: 0,
            calls_by_status: BTreeMap::new(),
            calls: 0,
            mentions: 0,
            suppressed: 0,
            files: 0,
            endpoints_called: 0,
            active_ignored: 0,
            nearest: None,
            endpoints: Vec::new(),
            timeline: Vec::new(),
            checklist: Vec::new(),
            mentions_list: Vec::new(),
            libraries: Vec::new(),
        };
        let mut endpoints: BTreeMap<String, EndpointPlan> = BTreeMap::new();
        // (rule) → distinct (repo, path) with a call, and repos with a use.
        let mut endpoint_files: BTreeMap<String, BTreeSet<(Option<String>, String)>> =
            BTreeMap::new();
        let mut endpoint_repos: BTreeMap<String, BTreeSet<Option<String>>> = BTreeMap::new();
        let mut files: BTreeSet<(Option<String>, String)> = BTreeSet::new();
        let mut groups: BTreeMap<GroupKey, Vec<Item>> = BTreeMap::new();
        let mut repos: Vec<RepoRow> = Vec::new();
        let mut library_findings: Vec<(Option<String>, Finding)> = Vec::new();

        for input in inputs {
            plan.files_scanned += input.files_scanned;
            plan.unresolved += input.unresolved;
            let mut row = RepoRow {
                repo: input.repo.clone().unwrap_or_default(),
                calls_by_status: BTreeMap::new(),
                calls: 0,
                mentions: 0,
                files: 0,
                nearest: None,
                scanned_on: input
                    .repo
                    .as_ref()
                    .and_then(|r| options.scanned_on.get(r).copied())
                    .unwrap_or(as_of),
            };
            let mut row_files: BTreeSet<&str> = BTreeSet::new();
            let mut findings = input.findings;
            for f in &mut findings {
                crate::model::assess_finding(f, as_of);
            }
            library_findings.extend(
                findings
                    .iter()
                    .filter(|f| f.kind == FindingKind::Library && f.status != Status::Active)
                    .map(|f| (input.repo.clone().filter(|_| options.rollup), f.clone())),
            );
            for f in &findings {
                if f.status == Status::Active {
                    plan.active_ignored += 1;
                    continue;
                }
                let (eos, eol) = (f.eos, f.eol);
                let rule = rules.get(&f.rule);
                let entry = endpoints
                    .entry(f.rule.clone())
                    .or_insert_with(|| EndpointPlan {
                        rule: f.rule.clone(),
                        name: rule.map_or_else(|| f.name.clone(), |r| r.name.clone()),
                        endpoint: f.endpoint.clone(),
                        replacement: f.replacement.clone(),
                        eos,
                        eol,
                        status: f.status,
                        next: upcoming(eos, eol, as_of, &f.endpoint),
                        calls: 0,
                        files: 0,
                        mentions: 0,
                        repos: 0,
                        // What breaks first, then the other notes.
                        notes: rule
                            .map(|r| r.breaking_changes.iter().chain(&r.notes).cloned().collect())
                            .unwrap_or_default(),
                        request_changes: Vec::new(),
                        source: rule.map_or_else(|| f.source.clone(), |r| r.source.clone()),
                        confirmed: f.confirmed,
                        rule_loaded: rule.is_some(),
                    });
                endpoint_repos
                    .entry(f.rule.clone())
                    .or_default()
                    .insert(input.repo.clone());
                let item = Item {
                    // Only a roll-up prefixes locations with the repository;
                    // a single scan tagged with --repo-name needs no prefix.
                    repo: input.repo.clone().filter(|_| options.rollup),
                    path: f.path.clone(),
                    line: f.line,
                    notebook: f.notebook,
                    rule: f.rule.clone(),
                    endpoint: f.endpoint.clone(),
                    replacement: f.replacement.clone(),
                    matched: f.matched.clone(),
                    suggested: f.suggested.clone(),
                    status: f.status,
                    suppressed: f.suppressed.as_ref().map(|s| s.by),
                    via: f.via(),
                    confirmed: f.confirmed,
                    link: options.links.link(input.repo.as_deref(), &f.path, f.line),
                    fix: FixWay::of(f),
                };
                if f.suppressed.is_some() {
                    plan.suppressed += 1;
                }
                match f.kind {
                    // A test fixture is listed with the mentions: it calls
                    // nothing in production, but it must move too.
                    FindingKind::Mention | FindingKind::Test => {
                        entry.mentions += 1;
                        row.mentions += 1;
                        plan.mentions += 1;
                        plan.mentions_list.push(item);
                    }
                    FindingKind::Call | FindingKind::Library => {
                        entry.calls += 1;
                        RequestChange::add(&mut entry.request_changes, &f.request_checks);
                        row.calls += 1;
                        plan.calls += 1;
                        *row.calls_by_status.entry(f.status).or_default() += 1;
                        *plan.calls_by_status.entry(f.status).or_default() += 1;
                        endpoint_files
                            .entry(f.rule.clone())
                            .or_default()
                            .insert((input.repo.clone(), f.path.clone()));
                        files.insert((input.repo.clone(), f.path.clone()));
                        row_files.insert(&f.path);
                        let next = upcoming(eos, eol, as_of, &f.endpoint);
                        row.nearest = sooner(row.nearest.take(), next.clone());
                        plan.nearest = sooner(plan.nearest.take(), next.clone());
                        let key = match (&next, f.status) {
                            (_, Status::Eol) => GroupKey::PastEol,
                            (Some(n), _) => GroupKey::Next {
                                effective: n.deadline.effective(),
                                milestone: MilestoneOrd::of(n.milestone),
                                deadline: DeadlineOrd(n.deadline),
                                days_left: n.days_left,
                            },
                            (None, _) => GroupKey::NoDate,
                        };
                        groups.entry(key).or_default().push(item);
                    }
                }
            }
            row.files = row_files.len();
            repos.push(row);
        }

        for (rule, e) in &mut endpoints {
            e.files = endpoint_files.get(rule).map_or(0, BTreeSet::len);
            e.repos = endpoint_repos.get(rule).map_or(0, BTreeSet::len);
        }
        plan.files = files.len();
        let mut endpoints: Vec<EndpointPlan> = endpoints.into_values().collect();
        plan.endpoints_called = endpoints.iter().filter(|e| e.calls > 0).count();
        // Most urgent first: past End of Life, then by the days left to the
        // next deadline (a deprecated endpoint whose EOL is next week comes
        // before one at EOS whose EOL is next year), then by status.
        let urgency_key = |e: &EndpointPlan| {
            (
                e.status != Status::Eol,
                e.next.as_ref().map_or(i64::MAX, |n| n.days_left),
                urgency(e.status),
                e.endpoint.clone(),
                e.rule.clone(),
            )
        };
        endpoints.sort_by_key(urgency_key);

        for e in &endpoints {
            for (milestone, deadline) in [(Milestone::Eos, e.eos), (Milestone::Eol, e.eol)] {
                if let Some(deadline) = deadline {
                    plan.timeline.push(TimelineEvent {
                        deadline,
                        milestone,
                        endpoint: e.endpoint.clone(),
                        name: e.name.clone(),
                        calls: e.calls,
                        mentions: e.mentions,
                    });
                }
            }
        }
        plan.timeline.sort_by(|a, b| {
            (
                a.deadline.effective(),
                MilestoneOrd::of(a.milestone),
                &a.endpoint,
            )
                .cmp(&(
                    b.deadline.effective(),
                    MilestoneOrd::of(b.milestone),
                    &b.endpoint,
                ))
        });
        plan.endpoints = endpoints;

        let order = |a: &Item, b: &Item| {
            (&a.repo, &a.path, a.line, &a.rule).cmp(&(&b.repo, &b.path, b.line, &b.rule))
        };
        plan.checklist = groups
            .into_iter()
            .map(|(key, mut items)| {
                items.sort_by(order);
                Group { key, items }
            })
            .collect();
        plan.mentions_list.sort_by(order);
        let library_findings: Vec<(&Option<String>, &Finding)> =
            library_findings.iter().map(|(r, f)| (r, f)).collect();
        plan.libraries = LibraryPlan::build(&library_findings);
        if options.rollup {
            repos.sort_by(|a, b| a.repo.cmp(&b.repo));
            plan.repos = Some(repos);
        }
        plan
    }
}

/// "8 days left", "1 day left".
pub fn days(left: i64) -> String {
    format!("{} left", plural(left, "day"))
}

/// "1 day", "3 days".
pub fn plural(n: impl Into<i64>, word: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "EOL 1 · EOS 14 · deprecated 7": statuses most urgent first.
pub fn by_status_words(counts: &BTreeMap<Status, usize>) -> String {
    let parts: Vec<String> = [Status::Eol, Status::Eos, Status::Deprecated]
        .into_iter()
        .map(|s| format!("{} {}", s.label(), counts.get(&s).copied().unwrap_or(0)))
        .collect();
    parts.join(" · ")
}

/// The date in words: "23 November 2026".
pub fn date_words(d: Date) -> String {
    Deadline::Day(d).words()
}

/// A label for a suppression.
pub fn suppressed_words(by: SuppressedBy) -> String {
    format!("suppressed ({})", by.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    #[test]
    fn link_base_accepts_only_http_and_encodes_paths() {
        assert!(LinkBase::parse(&["javascript:alert(1)".into()]).is_err());
        assert!(LinkBase::parse(&["repo=ftp://x".into()]).is_err());
        let links = LinkBase::parse(&[
            "https://github.com/org/repo/blob/abc123/".into(),
            "api=https://git.example/api/blob/main".into(),
        ])
        .expect("valid");
        assert_eq!(
            links.link(None, "./src/a b\"<x>.py", 7).as_deref(),
            Some("https://github.com/org/repo/blob/abc123/src/a%20b%22%3Cx%3E.py#L7")
        );
        assert_eq!(
            links.link(Some("api"), "x.py", 1).as_deref(),
            Some("https://git.example/api/blob/main/x.py#L1")
        );
        assert_eq!(LinkBase::default().link(None, "x.py", 1), None);
    }

    #[test]
    fn assess_recomputes_status_at_the_date() {
        let mut f = sample("2026-06", "2026-12");
        crate::model::assess_finding(&mut f, Date::parse("2026-01-10").expect("date"));
        assert_eq!(f.status, Status::Deprecated);
        assert_eq!(
            f.next_deadline.as_ref().map(|n| n.milestone),
            Some(Milestone::Eos)
        );
        crate::model::assess_finding(&mut f, Date::parse("2026-11-23").expect("date"));
        assert_eq!((f.status, f.days_left), (Status::Eos, Some(8)));
        // Past every deadline: the days since the last one, as audit says.
        crate::model::assess_finding(&mut f, Date::parse("2027-03-01").expect("date"));
        assert_eq!(
            (f.status, f.days_left, f.severity),
            (Status::Eol, Some(-90), Severity::Error)
        );
    }

    #[test]
    fn checklist_groups_soonest_first_and_past_eol_on_top() {
        let mut a = sample("2026-06", "2026-12");
        a.path = "a.py".into();
        let mut b = sample("2025-01", "2025-06");
        b.path = "b.py".into();
        b.rule = "other".into();
        let mut c = sample("2027-01", "2027-06");
        c.path = "c.py".into();
        c.rule = "third".into();
        let plan = Plan::build(
            vec![Input {
                repo: None,
                findings: vec![c, a, b],
                files_scanned: 3,
                unresolved: 0,
            }],
            &RuleSet::default(),
            &PlanOptions {
                as_of: Date::parse("2026-11-23").expect("date"),
                basis: AsOfBasis::Flag,
                roots: vec![".".into()],
                rollup: false,
                scanned_on: BTreeMap::new(),
                links: LinkBase::default(),
            },
        );
        let heads: Vec<String> = plan.checklist.iter().map(Group::heading).collect();
        assert_eq!(
            heads,
            [
                "End of Life reached: these calls fail now",
                "EOL December 2026 — 8 days left",
                "EOS January 2027 — 39 days left",
            ]
        );
        assert_eq!(plan.nearest.as_ref().map(|n| n.days_left), Some(8));
        assert_eq!(plan.files, 3);
        assert_eq!(plan.endpoints[0].rule, "other");
    }

    fn sample(eos: &str, eol: &str) -> Finding {
        Finding {
            notebook: None,
            path: "x.py".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            rule: "r".into(),
            name: "R".into(),
            endpoint: "/api/2.0/fo/x/".into(),
            matched: "/api/2.0/fo/x/".into(),
            replacement: Some("/api/3.0/fo/x/".into()),
            suggested: Some("/api/3.0/fo/x/".into()),
            status: Status::Active,
            eos: crate::rules::Deadline::parse(eos),
            eol: crate::rules::Deadline::parse(eol),
            days_left: None,
            next_deadline: None,
            severity: Severity::None,
            kind: FindingKind::Call,
            confirmed: true,
            unconfirmed_dates: Vec::new(),
            replacement_published: None,
            confidence: Default::default(),
            origins: Vec::new(),
            fix: None,
            manual_fix: None,
            request: None,
            request_checks: Vec::new(),
            library: None,
            source: crate::rules::Source {
                title: "t".into(),
                date: "2026-01".into(),
                url: None,
                evidence: crate::rules::Evidence::Primary,
            },
            fingerprint: String::new(),
            suppressed: None,
            verdict: None,
            withheld: None,
            snippet: String::new(),
            snippet_span: (0, 0),
        }
    }
}
