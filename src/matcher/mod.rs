//! Matching reconstructed text against endpoint identities.
//!
//! [`Matcher::new`] compiles everything once per run: the byte prefilter
//! ([`prefilter`]: the endpoint roots and the path segments a relative
//! endpoint can start with) and the root finder. An endpoint is matched by
//! its whole canonical path, never by prefix: host, query, `index.php` and
//! the trailing slash do not matter, extra segments do.

pub mod host;
pub mod prefilter;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::extract::{Expr, Seg, HOLE};
use crate::rules::normalize::canonical_path;
use crate::rules::{Rule, RuleSet, Segment};

/// What a piece of text turned out to be.
#[derive(Clone, Debug)]
pub enum Outcome<'r> {
    /// A known endpoint (legacy or active).
    Hit(Hit<'r>),
    /// Looks like a Qualys endpoint, but is unknown or has a piece that
    /// cannot be resolved here.
    Unresolved {
        span: (usize, usize),
        text: String,
        reason: String,
        /// True for a whole versioned Qualys path that no rule names
        /// (`/api/2.0/fo/asset/ip/`): an *unknown* endpoint, not one that
        /// could not be built.
        unknown: bool,
    },
}

/// A known endpoint found in an expression.
#[derive(Clone, Debug)]
pub struct Hit<'r> {
    pub rule: &'r Rule,
    /// Byte span in the file.
    pub span: (usize, usize),
    /// The URL as reconstructed (holes shown as `{name}`), not yet redacted.
    pub matched: String,
    /// `matched` with the endpoint replaced by the rule's replacement.
    pub suggested: Option<String>,
    /// Variables whose values built the endpoint: (name, definition offset).
    pub via: Vec<(String, usize)>,
    /// Byte range of the endpoint's path in the expression's joined text
    /// (for planning the fix of its version segment).
    pub path: (usize, usize),
}

/// The compiled matcher, shared by every worker thread.
pub struct Matcher<'r> {
    rules: &'r RuleSet,
    /// Finds `/api/`, `/pcrs/`, … inside reconstructed text.
    roots: AhoCorasick,
    /// Rejects files that cannot hold an endpoint, before any parsing.
    prefilter: prefilter::Prefilter,
    /// Every literal path segment after a version (`fo`, `scan`, …): a
    /// relative endpoint piece holds one.
    pieces: AhoCorasick,
    /// Canonical paths that are strict prefixes of some endpoint (bases).
    prefixes: std::collections::HashSet<String>,
    /// The endpoint roots (`api`, `pcrs`, …), computed once.
    root_names: Vec<String>,
    /// A searcher for `root/`, for each root in the same order.
    root_needles: Vec<memchr::memmem::Finder<'static>>,
    /// Per root, the shape of its version segment (`2.0` → "9.9", `v1` →
    /// "v9"), so `/api/v1/` of another vendor is not taken for Qualys.
    version_shapes: std::collections::HashMap<String, Vec<String>>,
    /// A searcher for each rule keyed by an operation name
    /// (`save_merchant`), with the rule.
    operations: Vec<(memchr::memmem::Finder<'static>, &'r Rule)>,
}

/// One use of an operation name in a file: the rule, and the byte span of
/// the name.
pub struct OperationUse<'r> {
    pub rule: &'r Rule,
    pub span: (usize, usize),
}

impl<'r> Matcher<'r> {
    pub fn new(rules: &'r RuleSet) -> Matcher<'r> {
        // `api/`, not `/api/`: real code writes `"api/2.0/fo/scan/"` and
        // `APIFunction=api/2.0/fo/scan` too. Where a root may start a path
        // is decided at each match ([`Matcher::path_start`]).
        let roots: Vec<String> = rules.roots().into_iter().map(|r| format!("{r}/")).collect();
        // The prefilter's literals. Each has at least four bytes, the SIMD
        // search's fingerprint (a three-byte one matches far more often and
        // halves its speed), and they stay within its 64 prefixes.
        let mut literals: Vec<prefilter::Literal> = Vec::new();
        let plain = |text: String| prefilter::Literal {
            text,
            ..prefilter::Literal::default()
        };
        // `root/` counts only when followed by a byte a version, or code
        // that supplies one, can start with, so another vendor's `/api/v1/`
        // does not send a file to the parser. The bytes a version can start
        // with, per root, in one pass over the rules (a user's rule files
        // may hold tens of thousands).
        let mut version_starts: std::collections::HashMap<&str, Vec<u8>> =
            std::collections::HashMap::new();
        for rule in rules.rules() {
            let next = version_starts.entry(rule.endpoint.root()).or_default();
            match rule.endpoint.segments.get(1) {
                Some(Segment::Literal(s)) => next.extend(s.bytes().next()),
                _ => next.push(b'{'),
            }
        }
        for root in rules.roots() {
            let mut next: Vec<u8> = b"\"'`{$%#<[(+\\".to_vec();
            next.extend(version_starts.remove(root.as_str()).unwrap_or_default());
            next.sort_unstable();
            next.dedup();
            if root.len() >= 3 {
                literals.push(prefilter::Literal {
                    text: format!("{root}/"),
                    next: Some(next),
                    prev: None,
                });
                // `BASE + "/api"`: `api"` after a slash.
                literals.extend(["\"", "'"].iter().map(|q| prefilter::Literal {
                    text: format!("{root}{q}"),
                    next: None,
                    prev: Some(b"/".to_vec()),
                }));
            } else {
                // A short root (`sm`) with the byte before it: a slash, a
                // quote, the `=` of a setting or the blank of a YAML value.
                for before in ["/", "\"", "'", "`", "=", " "] {
                    literals.push(prefilter::Literal {
                        text: format!("{before}{root}/"),
                        next: Some(next.clone()),
                        prev: None,
                    });
                }
                literals.extend(["\"", "'"].iter().map(|q| plain(format!("/{root}{q}"))));
            }
            literals.extend(["\"", "'"].iter().map(|q| plain(format!("{q}{root}{q}"))));
        }
        // Where a relative endpoint piece can start (`'scan/'`, `"fo/…"`,
        // `'knowledge_base/vuln/'`): the two segments after a version (a
        // base ends with the version, or with the segment after it).
        let mut starts: Vec<&str> = rules
            .rules()
            .iter()
            .flat_map(|r| {
                let segs = &r.endpoint.segments;
                let version = segs
                    .iter()
                    .position(|s| matches!(s, Segment::Literal(v) if is_version(v)));
                version.map_or(&segs[..0], |v| &segs[v + 1..(v + 3).min(segs.len())])
            })
            .filter_map(|s| match s {
                Segment::Literal(s) => Some(s.as_str()),
                Segment::Param(_) => None,
            })
            .collect();
        starts.sort_unstable();
        starts.dedup();
        // In a group of their own, searched after the roots: see
        // [`prefilter::Prefilter`] for why two small searches beat one.
        let mut seen: std::collections::HashSet<String> =
            literals.iter().map(|l| l.text.clone()).collect();
        let mut relative: Vec<prefilter::Literal> = Vec::new();
        for s in starts {
            for q in ['"', '\''] {
                let text = format!("{q}{s}/");
                if seen.insert(text.clone()) {
                    relative.push(plain(text));
                }
            }
        }
        let mut segments: Vec<&str> = rules
            .rules()
            .iter()
            .flat_map(|r| r.endpoint.segments.iter().skip(2))
            .filter_map(|s| match s {
                Segment::Literal(s) => Some(s.as_str()),
                Segment::Param(_) => None,
            })
            .collect();
        segments.sort_unstable();
        segments.dedup();
        let mut prefixes = std::collections::HashSet::new();
        for rule in rules.rules() {
            let segs = &rule.endpoint.segments;
            let mut prefix = String::new();
            for (k, seg) in segs.iter().enumerate() {
                let Segment::Literal(s) = seg else { break };
                prefix.push('/');
                prefix.push_str(s);
                if k + 1 < segs.len() {
                    prefixes.insert(prefix.clone());
                }
            }
        }
        // A full DFA: the fastest search, and the pattern sets are small
        // (unless a user's rules bring thousands of roots).
        let build = |pats: &[String]| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(prefilter::automaton_kind(pats.len())))
                .build(pats)
                .expect("invariant: literal patterns always build")
        };
        let mut version_shapes: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for rule in rules.rules() {
            if let Some(Segment::Literal(v)) = rule.endpoint.segments.get(1) {
                if is_version(v) {
                    let shapes = version_shapes
                        .entry(rule.endpoint.root().to_string())
                        .or_default();
                    let shape = version_shape(v);
                    if !shapes.contains(&shape) {
                        shapes.push(shape);
                    }
                }
            }
        }
        Matcher {
            rules,
            roots: build(&roots),
            prefilter: prefilter::Prefilter::grouped(&[literals, relative]),
            pieces: AhoCorasickBuilder::new()
                .kind(Some(prefilter::automaton_kind(segments.len())))
                .build(&segments)
                .expect("invariant: literal patterns always build"),
            prefixes,
            root_names: rules.roots(),
            root_needles: rules
                .roots()
                .iter()
                .map(|r| memchr::memmem::Finder::new(format!("{r}/").as_bytes()).into_owned())
                .collect(),
            version_shapes,
            operations: rules
                .operations()
                .filter_map(|r| {
                    let name = r.operation.as_deref()?;
                    Some((memchr::memmem::Finder::new(name.as_bytes()).into_owned(), r))
                })
                .collect(),
        }
    }

    /// The uses of operation names in `text`: whole identifiers
    /// (`save_merchant`, not `save_merchants` or `do_save_merchant`),
    /// sorted by position.
    pub fn operation_uses(&self, text: &str) -> Vec<OperationUse<'r>> {
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut out = Vec::new();
        for (finder, rule) in &self.operations {
            for at in finder.find_iter(bytes) {
                let end = at + finder.needle().len();
                let before = at.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(end).copied();
                if before.is_some_and(word) || after.is_some_and(word) {
                    continue;
                }
                out.push(OperationUse {
                    rule,
                    span: (at, end),
                });
            }
        }
        out.sort_by_key(|u| u.span);
        out
    }

    /// The endpoint roots (`api`, `pcrs`, …).
    pub fn root_names(&self) -> &[String] {
        &self.root_names
    }

    /// Where the first endpoint path in `text` starts: `/api/…`, or a bare
    /// `api/…` at a word boundary whose next segment is shaped like a
    /// version of that root (so `"api/2.0/fo/scan"` counts, `"api/users"`
    /// and `myapi/2.0/` do not).
    pub fn find_root(&self, text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut best: Option<usize> = None;
        for (needle, root) in self.root_needles.iter().zip(&self.root_names) {
            for r in needle.find_iter(bytes) {
                if best.is_some_and(|b| b <= r) {
                    break;
                }
                if let Some(p) = self.path_start(text, r, root) {
                    best = Some(p);
                    break;
                }
            }
        }
        best
    }

    /// The start of the path whose root name begins at byte `r` of `text`:
    /// the slash before it, or the root itself at a word boundary when the
    /// segment after it is shaped like a version of that root; `None`
    /// when the root is part of another word (`myapi/`) or a bare root is
    /// not followed by a version (`api/users`).
    fn path_start(&self, text: &str, r: usize, root: &str) -> Option<usize> {
        let before = text[..r].chars().next_back();
        match before {
            Some('/') => Some(r - 1),
            Some(c) if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '~' | '%' | '@') => {
                None
            }
            _ => {
                let rest = &text[r + root.len() + 1..];
                let version: &str = rest.split(['/', '?', '#', '"', '\'', ' ']).next()?;
                self.version_shapes
                    .get(root)
                    .is_some_and(|shapes| shapes.contains(&version_shape(version)))
                    .then_some(r)
            }
        }
    }

    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Whether `bytes` may hold an endpoint (or a relative piece of one).
    pub fn prefilter(&self, bytes: &[u8]) -> bool {
        self.prefilter.is_match(bytes)
            || self
                .operations
                .iter()
                .any(|(finder, _)| finder.find(bytes).is_some())
    }

    /// Whether an expression may hold an endpoint, a base or a relative
    /// piece of one: it holds a `/root/` or a path segment of some
    /// endpoint. A cheap sieve for files extracted in windows, where every
    /// line of a log is an expression.
    pub fn may_matter(&self, expr: &Expr) -> bool {
        let text = expr.text();
        self.root_needles
            .iter()
            .any(|n| n.find(text.as_bytes()).is_some())
            || self.pieces.is_match(&text)
    }

    /// Where the prefilter's literals start in `bytes` (see
    /// [`crate::extract::window`]).
    pub fn prefilter_hits(&self, bytes: &[u8]) -> Vec<usize> {
        self.prefilter.hits(bytes)
    }

    /// Whether a canonical path is a strict prefix of a known endpoint
    /// (`/api/2.0/fo`), i.e. a base other code appends to.
    pub fn is_base(&self, canonical: &str) -> bool {
        self.prefixes.contains(canonical)
    }

    /// Every endpoint in an expression.
    pub fn match_expr(&self, expr: &Expr) -> Vec<Outcome<'r>> {
        let text = expr.text();
        let mut out = Vec::new();
        if self.rules.is_empty() {
            return out;
        }
        let mut found = self.roots.find_iter(&text).peekable();
        if found.peek().is_none() {
            // Most expressions hold no root at all.
            return out;
        }
        let starts = seg_starts(&expr.segs);
        let mut next_free = 0;
        for m in found {
            let root = &text[m.start()..m.end() - 1];
            let Some(p) = self.path_start(&text, m.start(), root) else {
                continue;
            };
            if p < next_free {
                continue;
            }
            let q = path_end(&text, p);
            next_free = q;
            let region = &text[p..q];
            let after_hole = text[q..].starts_with(HOLE);
            let canonical = canonical_path(region).unwrap_or_default();
            if host::classify(&text[url_bounds(&text, p, q).0..p]) == host::HostKind::Foreign {
                // Another service's API under a look-alike path.
                continue;
            }
            if let Some(candidates) = self.placeholder_segment(&text, region, q, &canonical) {
                // `/api/2.0/fo/auth/{type}/`: a segment filled in at run time
                // is not the generic endpoint, it is one of those below it.
                let (ms, me) = url_bounds(&text, p, q);
                let span = (
                    offset_of(&expr.segs, &starts, p, true),
                    offset_of(&expr.segs, &starts, q, false),
                );
                const SHOWN: usize = 6;
                let reason = match candidates.len() {
                    0 => "a path segment is filled in at run time".to_string(),
                    n if n <= SHOWN => format!(
                        "a path segment is filled in at run time; it may be {}",
                        candidates.join(", ")
                    ),
                    n => format!(
                        "a path segment is filled in at run time; it may be any of {n} endpoints ({}, …)",
                        candidates[..SHOWN].join(", ")
                    ),
                };
                out.push(Outcome::Unresolved {
                    span,
                    text: show(&expr.segs, &starts, ms, me),
                    reason,
                    unknown: false,
                });
                continue;
            }
            if let Some(rule) = self.rules.lookup(&canonical) {
                let (a_seg, b_seg) = (
                    seg_at(&starts, p),
                    seg_at(&starts, q.saturating_sub(1).max(p)),
                );
                let vias: Vec<&(String, usize)> = expr.segs[a_seg..=b_seg]
                    .iter()
                    .filter_map(|s| s.via.as_ref())
                    .collect();
                let wholly_from_one_via = expr.segs[a_seg..=b_seg].iter().all(|s| s.via.is_some())
                    && vias.windows(2).all(|w| w[0] == w[1]);
                if wholly_from_one_via {
                    // The definition's own literal is reported; a use of
                    // the variable would report it twice.
                    continue;
                }
                let mut span = (
                    offset_of(&expr.segs, &starts, p, true),
                    offset_of(&expr.segs, &starts, q, false),
                );
                if span.1 <= span.0 {
                    // The endpoint starts in one argument and ends in another
                    // written earlier (`Sprintf("%s%s/scan/", base, fo)`):
                    // cover every piece that supplied it.
                    let pieces = &expr.segs[a_seg..=b_seg];
                    span.0 = pieces.iter().map(|s| s.site.0).min().unwrap_or(span.0);
                    span.1 = pieces
                        .iter()
                        .map(|s| s.site.1)
                        .max()
                        .unwrap_or(span.1)
                        .max(span.0 + 1);
                }
                let (ms, me) = url_bounds(&text, p, q);
                let matched = show(&expr.segs, &starts, ms, me);
                let suggested = rule.replacement.as_deref().map(|r| {
                    format!(
                        "{}{}{}",
                        show(&expr.segs, &starts, ms, p),
                        rewrite_path(region, r),
                        show(&expr.segs, &starts, q, me)
                    )
                });
                let mut via: Vec<(String, usize)> = vias.into_iter().cloned().collect();
                via.dedup();
                out.push(Outcome::Hit(Hit {
                    rule,
                    span,
                    matched,
                    suggested,
                    via,
                    path: (p, q),
                }));
            } else if after_hole && self.is_base(&canonical) {
                // A base with the rest appended at run time: not a finding.
            } else if let Some((reason, unknown)) =
                self.unresolved_reason(&text, region, q, after_hole)
            {
                let (ms, me) = url_bounds(&text, p, q);
                let span = (
                    offset_of(&expr.segs, &starts, p, true),
                    offset_of(&expr.segs, &starts, q, false),
                );
                out.push(Outcome::Unresolved {
                    span,
                    text: show(&expr.segs, &starts, ms, me),
                    reason,
                    unknown,
                });
            }
        }
        out
    }

    /// When a whole path segment of the endpoint is filled in at run time
    /// (`{type}` in `/api/2.0/fo/auth/{type}/`, written `<type>`, `{type}`,
    /// `:type` or `%s`, or a value the scanner could not see), the ids of
    /// the rules it may reach below the known part; `None` when no segment
    /// is missing, or when a rule has a parameter there itself
    /// (`/pci/scan/{scanId}/details`).
    fn placeholder_segment(
        &self,
        text: &str,
        region: &str,
        q: usize,
        canonical: &str,
    ) -> Option<Vec<String>> {
        if self.rules.lookup(canonical).is_some() && !region.ends_with('/') {
            return None;
        }
        // The known part: the canonical path up to a placeholder segment
        // inside it, or the whole of it when a placeholder follows it.
        let known = match canonical.split('/').skip(1).position(is_placeholder) {
            Some(k) if self.rules.lookup(canonical).is_none() => canonical
                .split('/')
                .skip(1)
                .take(k)
                .fold(String::new(), |acc, seg| acc + "/" + seg),
            Some(_) => return None,
            None => {
                let rest = &text[q..];
                let after = if let Some(r) = rest.strip_prefix(HOLE) {
                    r
                } else if let Some(r) = rest.strip_prefix('<') {
                    let close = r.find('>')?;
                    let name = &r[..close];
                    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        return None;
                    }
                    &r[close + 1..]
                } else {
                    return None;
                };
                if !region.ends_with('/') || !after.starts_with('/') {
                    // A value appended to the path (a query string, an id
                    // at the end) or glued to a segment: no missing segment.
                    return None;
                }
                if self.rules.lookup(&format!("{canonical}/x")).is_some()
                    && self.rules.lookup(canonical).is_none()
                {
                    return None;
                }
                canonical.to_string()
            }
        };
        let depth = known.matches('/').count() + 1;
        let mut ids: Vec<String> = self
            .rules
            .rules()
            .iter()
            .filter(|r| {
                r.endpoint.canonical.starts_with(&format!("{known}/"))
                    && r.endpoint.canonical.matches('/').count() >= depth
            })
            .map(|r| r.id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        Some(ids)
    }

    /// Why a Qualys-looking path is not a known endpoint, and whether it is
    /// an *unknown* endpoint (fully written, no rule) rather than one that
    /// could not be built; `None` when it does not look like one (a base,
    /// a DTD, another vendor's `/api/v1/`).
    fn unresolved_reason(
        &self,
        text: &str,
        region: &str,
        q: usize,
        after_hole: bool,
    ) -> Option<(String, bool)> {
        let canonical = canonical_path(region)?;
        let parts: Vec<&str> = canonical.split('/').skip(1).collect();
        let versioned = match (parts.first(), parts.get(1)) {
            (Some(root), Some(v)) => self
                .version_shapes
                .get(*root)
                .is_some_and(|shapes| shapes.contains(&version_shape(v))),
            _ => false,
        };
        if after_hole {
            // `/api/{VER}/fo/scan/`: a hole inside the path.
            let rest = &text[q + HOLE.len_utf8()..];
            if rest.starts_with('/') && rest.len() > 1 && (parts.len() == 1 || versioned) {
                return Some((
                    "part of the path is held in a value not known here".to_string(),
                    false,
                ));
            }
            return None;
        }
        if !versioned || parts.len() < 3 {
            return None;
        }
        if self.is_base(&canonical) {
            return None;
        }
        let last = parts.last().copied().unwrap_or("");
        if last.contains('.') && !last.ends_with(".php") {
            // A DTD or XSD, not an endpoint.
            return None;
        }
        Some(("no rule names this endpoint".to_string(), true))
    }
}

/// A path segment that stands for a value: `{type}`, `<type>`, `:type`,
/// `%s`, `${type}`, `$type`.
fn is_placeholder(seg: &str) -> bool {
    (seg.starts_with('{') && seg.ends_with('}'))
        || (seg.starts_with('<') && seg.ends_with('>'))
        || (seg.starts_with(':') && seg.len() > 1)
        || seg.starts_with('$')
        || seg == "%s"
        || seg == "%v"
        || seg == "%d"
}

fn is_version(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// `2.0` → `9.9`, `v12` → `v9`: digits runs collapsed.
fn version_shape(v: &str) -> String {
    let mut out = String::new();
    for c in v.chars() {
        let c = if c.is_ascii_digit() { '9' } else { c };
        if !(c == '9' && out.ends_with('9')) {
            out.push(c);
        }
    }
    out
}

/// Start byte of each segment in the joined text.
fn seg_starts(segs: &[Seg]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(segs.len() + 1);
    let mut at = 0;
    for s in segs {
        starts.push(at);
        at += s.text.len();
    }
    starts.push(at);
    starts
}

/// Index of the segment holding byte `i` of the joined text.
fn seg_at(starts: &[usize], i: usize) -> usize {
    match starts.binary_search(&i) {
        Ok(k) => k.min(starts.len().saturating_sub(2)),
        Err(k) => k.saturating_sub(1),
    }
}

/// File offset of byte `i` of the joined text: exact inside a verbatim
/// literal, else the site of the token that supplied it.
fn offset_of(segs: &[Seg], starts: &[usize], i: usize, is_start: bool) -> usize {
    let k = if is_start {
        seg_at(starts, i)
    } else {
        seg_at(starts, i.saturating_sub(1))
    };
    let Some(seg) = segs.get(k) else { return 0 };
    match (seg.src, &seg.via) {
        (Some(src), None) => src + (i - starts[k]).min(seg.text.len()),
        _ if is_start => seg.site.0,
        _ => seg.site.1,
    }
}

/// Characters that end a path.
fn ends_path(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '?' | '#'
                | '"'
                | '\''
                | '`'
                | '<'
                | '>'
                | '\\'
                | '|'
                | '^'
                | ')'
                | '('
                | ','
                | ';'
                | ']'
                | '['
                | '*'
                | HOLE
        )
}

/// End of the path starting at `p`. A `}` ends it unless it closes a `{`
/// opened inside the path (`/pci/scan/{scanId}/details`), so Javadoc's
/// `{@code /api/2.0/fo/scan/}` stops before the brace.
fn path_end(text: &str, p: usize) -> usize {
    let mut depth = 0usize;
    for (k, c) in text[p..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return p + k,
            '}' => depth -= 1,
            c if ends_path(c) => return p + k,
            _ => {}
        }
    }
    text.len()
}

/// The URL around the endpoint `[p, q)`: back over the host (or template
/// placeholder) and forward over the query.
fn url_bounds(text: &str, p: usize, q: usize) -> (usize, usize) {
    let stop_back = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '`' | ',' | ';' | '(' | ')' | '[' | ']' | '|' | '\\' | '='
            )
    };
    let mut start = p;
    loop {
        // A template placeholder with spaces inside (`{{ qualys_api_url }}`)
        // is one piece of the host.
        if text[..start].ends_with("}}") {
            if let Some(open) = text[..start - 2].rfind("{{") {
                start = open;
                continue;
            }
        }
        match text[..start].chars().next_back() {
            Some(c) if !stop_back(c) => start -= c.len_utf8(),
            _ => break,
        }
    }
    let stop_fwd = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '`' | ',' | ';' | ')' | '(' | ']' | '[' | '|' | '\\' | '<' | '>'
            )
    };
    let mut end = q;
    let mut depth = 0usize;
    loop {
        if text[end..].starts_with("{{") {
            if let Some(close) = text[end..].find("}}") {
                end += close + 2;
                continue;
            }
        }
        match text[end..].chars().next() {
            // `{@code /api/2.0/fo/scan/}`: a brace the URL did not open.
            Some('}') if depth == 0 => break,
            Some(c) if !stop_fwd(c) => {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                end += c.len_utf8()
            }
            _ => break,
        }
    }
    (start, end)
}

/// Text `[a, b)` for display: holes become `{name}`.
fn show(segs: &[Seg], starts: &[usize], a: usize, b: usize) -> String {
    let mut out = String::new();
    for (k, seg) in segs.iter().enumerate() {
        let (s, e) = (starts[k], starts[k + 1]);
        if e <= a || s >= b {
            continue;
        }
        if seg.is_hole() {
            out.push('{');
            out.push_str(seg.hole.as_deref().unwrap_or("…"));
            out.push('}');
        } else {
            let from = a.max(s) - s;
            let to = b.min(e) - s;
            out.push_str(seg.text.get(from..to).unwrap_or(""));
        }
    }
    out
}

/// The replacement in the shape of the original path: `index.php` and the
/// trailing slash kept as the original had them.
pub fn rewrite_path(original: &str, replacement: &str) -> String {
    let Some(mut canonical) = canonical_path(replacement) else {
        return replacement.to_string();
    };
    if !original.starts_with('/') {
        // Written without a leading slash (`api/2.0/fo/scan/`): so is the
        // replacement.
        canonical.remove(0);
    }
    let trimmed = original.trim_end_matches('/');
    if trimmed.ends_with("/index.php") {
        format!("{canonical}/index.php")
    } else if original.ends_with('/') {
        format!("{canonical}/")
    } else {
        canonical
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled rules keep the prefilter on its SIMD path: at most 64
    /// distinct four-byte prefixes (past that it falls back to a slower
    /// automaton, still correct). A rule with new segments that breaks this
    /// needs the literals rethought, not this test.
    #[test]
    fn bundled_rules_keep_the_prefilter_packed() {
        let rules = crate::rules::load::load_bundled().expect("bundled rules");
        let m = Matcher::new(&rules);
        assert!(m.prefilter.is_packed());
        // Bare and short roots, quoted roots and relative pieces.
        for text in [
            "u = \"api/2.0/fo/scan/\"",
            "APIFunction=api/2.0/fo/scan",
            "path: sm/v1/script",
            "BASE + \"/api\" + v",
            "u = '/sm/v1/script'",
            "post(\"scan/\", data)",
            "x = 'knowledge_base/vuln/'",
        ] {
            assert!(m.prefilter(text.as_bytes()), "{text}");
        }
        for text in [
            "api\" alone",
            "https://x.example/api/users",
            "mysm/v1",
            "'scanner'",
        ] {
            assert!(!m.prefilter(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn rewrite_keeps_shape() {
        assert_eq!(
            rewrite_path("/api/2.0/fo/scan/", "/api/3.0/fo/scan/"),
            "/api/3.0/fo/scan/"
        );
        assert_eq!(
            rewrite_path("/api/2.0/fo/scan/index.php", "/api/3.0/fo/scan/"),
            "/api/3.0/fo/scan/index.php"
        );
        assert_eq!(
            rewrite_path("/api/2.0/fo/scan", "/api/3.0/fo/scan/"),
            "/api/3.0/fo/scan"
        );
    }

    #[test]
    fn versions() {
        assert!(is_version("2.0") && is_version("v1") && !is_version("fo") && !is_version("v"));
        assert_eq!(version_shape("10.25"), "9.9");
        assert_eq!(version_shape("v1"), "v9");
    }
}
