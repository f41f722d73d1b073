//! The byte prefilter: rejects a file that cannot hold an endpoint (or a
//! relative piece of one) before any decoding or parsing. Nine files in ten
//! stop here, so this is the one search that runs over every byte of a
//! repository.
//!
//! The literals it looks for (`/api/`, `"api"`, `'scan/`, …) start with a
//! quote or a slash, bytes that are everywhere in code: a search keyed on
//! the first byte stops at every string. So the search runs in two steps,
//! like ripgrep's literal prefilter:
//! 1. a SIMD search (Aho-Corasick's packed Teddy, up to 64 literals) for
//!    the first four bytes of each literal, which narrows the candidates to
//!    places where a quote or slash is followed by the right letters;
//! 2. at each candidate, an anchored Aho-Corasick check of the whole
//!    literal, and for `/root/` of the byte after it (a version, or code
//!    that supplies one, so another vendor's `/api/v1/` is not a reason to
//!    parse a file).
//!
//! When Teddy cannot be used (more than 64 prefixes, e.g. many user roots;
//! a CPU without SSSE3), an unanchored Aho-Corasick automaton over the
//! whole literals finds the candidates instead. Both give the same answer.

use aho_corasick::{
    packed, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};

/// Bytes of each literal given to the SIMD search: enough for Teddy's
/// fingerprint (up to three bytes) plus one to confirm it cheaply.
const PREFIX_LEN: usize = 4;

/// The automaton for `patterns` literals: a full DFA (the fastest search)
/// for the usual few dozen; past a few thousand (a user's rule files with
/// as many roots) its memory grows too fast, and the contiguous NFA, about
/// as fast on short texts, is used.
pub fn automaton_kind(patterns: usize) -> AhoCorasickKind {
    if patterns <= 2_000 {
        AhoCorasickKind::DFA
    } else {
        AhoCorasickKind::ContiguousNFA
    }
}

/// One literal of the prefilter.
#[derive(Clone, Debug, Default)]
pub struct Literal {
    pub text: String,
    /// For `root/`: the bytes that may follow it for the file to count.
    pub next: Option<Vec<u8>>,
    /// The bytes that must come just before it (`api"` after a `/`): the
    /// byte is left out of the literal so that its first four bytes, the
    /// SIMD fingerprint, are rarer than `/api`, which every path has.
    pub prev: Option<Vec<u8>>,
}

impl Literal {
    /// Whether this literal is accepted at `start` of `bytes`, where its
    /// text was found.
    fn accepts(&self, bytes: &[u8], start: usize, end: usize) -> bool {
        self.next
            .as_ref()
            .is_none_or(|allowed| bytes.get(end).is_some_and(|b| allowed.contains(b)))
            && self.prev.as_ref().is_none_or(|allowed| {
                start
                    .checked_sub(1)
                    .and_then(|k| bytes.get(k))
                    .is_some_and(|b| allowed.contains(b))
            })
    }
}

/// The compiled prefilter: one or more groups of literals, each with its
/// own SIMD search. A file passes when any group accepts a literal in it.
///
/// Why groups: Teddy's cost is not linear in its literals. Past 32 prefixes
/// it switches to its "fat" form (half the bytes per step), and the more
/// literals share a bucket, the more false candidates each must verify.
/// Measured on a 30k-file tree, the roots (26 prefixes) alone take 33 ms,
/// the relative pieces (38) alone 39 ms, and all 64 in one search 136 ms.
/// Two searches, the group most files pass by first, cost what the two
/// halves cost.
#[derive(Debug)]
pub struct Prefilter {
    groups: Vec<Group>,
}

/// One group's literals and searches.
#[derive(Debug)]
struct Group {
    /// The literals, in the automata's pattern order (for their checks of
    /// the bytes around a match).
    literals: Vec<Literal>,
    /// Whole-literal check at a candidate position.
    verify: AhoCorasick,
    candidates: Candidates,
}

#[derive(Debug)]
enum Candidates {
    /// Teddy over the literals' prefixes.
    Packed(packed::Searcher),
    /// An unanchored automaton over the whole literals.
    Automaton(AhoCorasick),
}

impl Prefilter {
    /// One search over all `literals`.
    pub fn new(literals: &[Literal]) -> Prefilter {
        Prefilter::grouped(&[literals.to_vec()])
    }

    /// One search per group, run in the order given (put first the group
    /// most matching files hold). Empty groups are dropped.
    pub fn grouped(groups: &[Vec<Literal>]) -> Prefilter {
        Prefilter::build(groups, true)
    }

    /// `use_teddy`: try Teddy for the candidates (tests turn it off to check
    /// the automaton path).
    fn build(groups: &[Vec<Literal>], use_teddy: bool) -> Prefilter {
        Prefilter {
            groups: groups
                .iter()
                .filter(|g| !g.is_empty())
                .map(|g| Group::build(g, use_teddy))
                .collect(),
        }
    }

    /// Whether `bytes` holds one of the literals (with an allowed byte
    /// after it where that is restricted).
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        self.groups.iter().any(|g| g.find_from(bytes, 0).is_some())
    }

    /// Where the first accepted literal at or after `at` starts.
    pub fn find_from(&self, bytes: &[u8], at: usize) -> Option<usize> {
        self.groups
            .iter()
            .filter_map(|g| g.find_from(bytes, at))
            .min()
    }

    /// Where every accepted literal starts (overlapping ones included).
    pub fn hits(&self, bytes: &[u8]) -> Vec<usize> {
        let mut out = Vec::new();
        for g in &self.groups {
            let mut at = 0;
            while let Some(hit) = g.find_from(bytes, at) {
                out.push(hit);
                at = hit + 1;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether every group's candidate search is Teddy (for tests).
    #[cfg(test)]
    pub(crate) fn is_packed(&self) -> bool {
        self.groups
            .iter()
            .all(|g| matches!(g.candidates, Candidates::Packed(_)))
    }

    /// The same prefilter, forced onto the automaton path (for tests).
    #[cfg(test)]
    fn with_automaton(literals: &[Literal]) -> Prefilter {
        Prefilter::build(&[literals.to_vec()], false)
    }
}

impl Group {
    fn build(literals: &[Literal], use_teddy: bool) -> Group {
        let texts: Vec<&str> = literals.iter().map(|l| l.text.as_str()).collect();
        let automaton = |start: StartKind| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .kind(Some(automaton_kind(texts.len())))
                .start_kind(start)
                .build(&texts)
                .expect("invariant: literal patterns always build")
        };
        let mut prefixes: Vec<&[u8]> = texts
            .iter()
            .map(|t| &t.as_bytes()[..t.len().min(PREFIX_LEN)])
            .collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        let searcher = use_teddy
            .then(|| {
                packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(&prefixes)
                    .build()
            })
            .flatten();
        let candidates = match searcher {
            Some(searcher) => Candidates::Packed(searcher),
            None => Candidates::Automaton(automaton(StartKind::Unanchored)),
        };
        Group {
            literals: literals.to_vec(),
            verify: automaton(StartKind::Anchored),
            candidates,
        }
    }

    /// Where this group's first accepted literal at or after `at` starts.
    fn find_from(&self, bytes: &[u8], mut at: usize) -> Option<usize> {
        while at < bytes.len() {
            let start = match &self.candidates {
                Candidates::Packed(searcher) => searcher
                    .find_in(bytes, aho_corasick::Span::from(at..bytes.len()))?
                    .start(),
                Candidates::Automaton(ac) => ac.find(Input::new(bytes).range(at..))?.start(),
            };
            if self.accepts_at(bytes, start) {
                return Some(start);
            }
            at = start + 1;
        }
        None
    }

    /// Whether a whole literal starts at `start` and is accepted there.
    fn accepts_at(&self, bytes: &[u8], start: usize) -> bool {
        let input = Input::new(bytes).range(start..).anchored(Anchored::Yes);
        let Some(m) = self.verify.find(input) else {
            return false;
        };
        self.literals[m.pattern().as_usize()].accepts(bytes, start, m.end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn literals() -> Vec<Literal> {
        let lit = |t: &str, next: Option<&[u8]>| Literal {
            text: t.to_string(),
            next: next.map(<[u8]>::to_vec),
            prev: None,
        };
        vec![
            lit("/api/", Some(b"\"'{23")),
            Literal {
                text: "api\"".to_string(),
                next: None,
                prev: Some(b"/".to_vec()),
            },
            lit("\"api\"", None),
            lit("/x/", Some(b"1")),
            lit("\"scan/", None),
            lit("'scan/", None),
            lit("\"fo/", None),
        ]
    }

    /// The reference: every position, every literal, no search at all.
    fn naive(literals: &[Literal], bytes: &[u8]) -> bool {
        (0..bytes.len()).any(|i| {
            literals.iter().any(|l| {
                bytes[i..].starts_with(l.text.as_bytes()) && l.accepts(bytes, i, i + l.text.len())
            })
        })
    }

    #[test]
    fn finds_literals_and_checks_the_byte_after_a_root() {
        let p = Prefilter::new(&literals());
        assert!(p.is_packed());
        assert!(p.is_match(b"u = '/api/2.0/fo/scan/'"));
        assert!(p.is_match(b"path: \"scan/\""));
        assert!(p.is_match(b"x/api\""));
        // `api"` only after a slash.
        assert!(!p.is_match(b"x api\""));
        assert!(!p.is_match(b"api\""));
        assert!(!p.is_match(b"u = 'https://example.net/api/v1/scan'"));
        assert!(!p.is_match(b"/api/"));
        assert!(!p.is_match(b""));
        // A rejected `/api/` does not hide a literal that overlaps it.
        assert!(p.is_match(b"/api/x/1"));
        assert!(Prefilter::with_automaton(&literals()).is_match(b"/api/x/1"));
    }

    #[test]
    fn no_literals_match_nothing() {
        let p = Prefilter::new(&[]);
        assert!(!p.is_match(b"/api/2.0/fo/scan/"));
    }

    #[test]
    fn more_than_64_prefixes_fall_back_to_the_automaton() {
        let many: Vec<Literal> = (0..100)
            .map(|i| Literal {
                text: format!("'{i:03}k/"),
                ..Literal::default()
            })
            .collect();
        let p = Prefilter::new(&many);
        assert!(!p.is_packed());
        assert!(p.is_match(b"x = '042k/'"));
        assert!(!p.is_match(b"x = '042k'"));
    }

    proptest! {
        #[test]
        fn packed_and_automaton_agree_with_the_naive_search(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just(b"/api/".to_vec()), Just(b"/api\"".to_vec()), Just(b"api\"".to_vec()), Just(b"\"api\"".to_vec()),
                    Just(b"/x/".to_vec()), Just(b"\"scan/".to_vec()), Just(b"'scan/".to_vec()),
                    Just(b"\"fo/".to_vec()), Just(b"/ap".to_vec()), Just(b"\"sca".to_vec()),
                    Just(b"2".to_vec()), Just(b"1".to_vec()), Just(b"{".to_vec()),
                    Just(b"/".to_vec()), Just(b"\"".to_vec()), Just(b"'".to_vec()),
                    any::<u8>().prop_map(|b| vec![b]),
                ],
                0..60,
            )
        ) {
            let bytes = pieces.concat();
            let lits = literals();
            let expected = naive(&lits, &bytes);
            prop_assert_eq!(Prefilter::new(&lits).is_match(&bytes), expected);
            prop_assert_eq!(Prefilter::with_automaton(&lits).is_match(&bytes), expected);
            let every: Vec<usize> = (0..bytes.len())
                .filter(|&i| {
                    lits.iter().any(|l| {
                        bytes[i..].starts_with(l.text.as_bytes()) && l.accepts(&bytes, i, i + l.text.len())
                    })
                })
                .collect();
            prop_assert_eq!(Prefilter::new(&lits).hits(&bytes), every.clone());
            // Split in two groups (as the matcher does: roots, then
            // relative pieces), the answer is the same.
            let (roots, relative): (Vec<Literal>, Vec<Literal>) =
                lits.iter().cloned().partition(|l| !l.text.ends_with('/') || l.next.is_some());
            let grouped = Prefilter::grouped(&[roots, relative]);
            prop_assert_eq!(grouped.is_match(&bytes), expected);
            prop_assert_eq!(grouped.hits(&bytes), every.clone());
            prop_assert_eq!(Prefilter::with_automaton(&lits).hits(&bytes), every);
        }
    }
}
