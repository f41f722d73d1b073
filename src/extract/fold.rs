//! A size bound on folded strings.
//!
//! A string built from names can grow without bound: `a1 = a0 + a0`
//! doubles at every line (24 lines of it are 16 million pieces), and
//! legacy code's `html = html + "…"` copies the whole value again at every
//! line. Only the pieces that came through a name (a *folded* value) make a
//! string grow faster than the file; text written in the expression itself
//! is at most the size of the expression, and is never cut.
//!
//! Once the folded pieces of a string pass [`MAX_FOLDED_PIECES`] pieces or
//! [`MAX_FOLDED_TEXT`] bytes, the string keeps its first and its last
//! [`KEEP_TEXT`] bytes (at most [`KEEP_PIECES`] pieces each) with one hole
//! between them. An endpoint is short: the head keeps a base and the path
//! joined to it, the tail keeps what the last pieces add; the hole stops a
//! path, so no endpoint is made of text from both sides of the cut.

/// Folded pieces a string may hold before it is cut.
pub const MAX_FOLDED_PIECES: usize = 32;
/// Folded bytes a string may hold before it is cut.
pub const MAX_FOLDED_TEXT: usize = 4 * 1024;
/// Pieces kept at each end of a cut string.
pub const KEEP_PIECES: usize = 8;
/// Bytes kept at each end of a cut string.
pub const KEEP_TEXT: usize = 1024;

/// A piece of a string under construction ([`super::Seg`], or the
/// assembler's borrowed piece).
pub trait Piece: Sized {
    fn text(&self) -> &str;
    /// Whether the piece came through a name (a constant, a variable).
    fn folded(&self) -> bool;
    fn site(&self) -> (usize, usize);
    /// The bytes `[a, b)` of the text (on char boundaries).
    fn slice(&self, a: usize, b: usize) -> Self;
    /// An unnamed hole at `site`.
    fn gap(site: (usize, usize)) -> Self;
}

/// Folded pieces and bytes of a string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Weight {
    pub pieces: usize,
    pub bytes: usize,
}

impl Weight {
    pub fn of<P: Piece>(pieces: &[P]) -> Weight {
        let mut w = Weight::default();
        for p in pieces {
            w.add(p);
        }
        w
    }

    pub fn add<P: Piece>(&mut self, piece: &P) {
        if piece.folded() {
            self.pieces += 1;
            self.bytes += piece.text().len();
        }
    }

    pub fn over(self) -> bool {
        self.pieces > MAX_FOLDED_PIECES || self.bytes > MAX_FOLDED_TEXT
    }
}

/// Cuts `pieces` when its folded part is over the bound (see the module
/// documentation); returns the weight of what is kept.
pub fn bound<P: Piece>(pieces: &mut Vec<P>) -> Weight {
    let w = Weight::of(pieces);
    if w.over() {
        cut(pieces);
        Weight::of(pieces)
    } else {
        w
    }
}

/// Keeps the first and last [`KEEP_TEXT`] bytes (at most [`KEEP_PIECES`]
/// pieces each) with one hole between, when there is more.
pub fn cut<P: Piece>(pieces: &mut Vec<P>) {
    let total: usize = pieces.iter().map(|p| p.text().len()).sum();
    if pieces.len() <= 2 * KEEP_PIECES && total <= 2 * KEEP_TEXT {
        return;
    }
    // The head: whole pieces, then the start of the piece that crosses the
    // budget.
    let (mut n, mut bytes) = (0, 0);
    let mut head_cut: Option<usize> = None;
    while n < pieces.len() && n < KEEP_PIECES && bytes < KEEP_TEXT {
        let len = pieces[n].text().len();
        if bytes + len > KEEP_TEXT {
            head_cut = Some(KEEP_TEXT - bytes);
            break;
        }
        bytes += len;
        n += 1;
    }
    // The tail, the same way from the end, not overlapping the head.
    let first_free = n + usize::from(head_cut.is_some());
    let (mut m, mut bytes) = (pieces.len(), 0);
    let mut tail_cut: Option<usize> = None;
    while m > first_free && pieces.len() - m < KEEP_PIECES && bytes < KEEP_TEXT {
        let len = pieces[m - 1].text().len();
        if bytes + len > KEEP_TEXT {
            tail_cut = Some(KEEP_TEXT - bytes);
            break;
        }
        bytes += len;
        m -= 1;
    }
    if m == n && head_cut.is_none() && tail_cut.is_none() {
        return;
    }
    // One piece crossing both budgets gives its start to the head and its
    // end to the tail.
    let both_ends = match (head_cut, tail_cut) {
        (Some(_), None) if m == n + 1 && bytes < KEEP_TEXT => Some(KEEP_TEXT - bytes),
        _ => None,
    };
    // Pieces [0, n) and [m, len) are kept whole; piece n is cut after
    // `head_cut` bytes, piece m - 1 before its last `tail_cut` bytes.
    let mut head: Vec<P> = Vec::with_capacity(KEEP_PIECES + 2);
    let mut tail: Vec<P> = Vec::with_capacity(KEEP_PIECES + 1);
    let mut gap_site = None;
    for (i, p) in std::mem::take(pieces).into_iter().enumerate() {
        if i < n {
            head.push(p);
        } else if i >= m {
            tail.push(p);
        } else {
            gap_site = gap_site.or(Some(p.site()));
            let text = p.text();
            if let (true, Some(keep)) = (i == n, head_cut) {
                let end = floor_boundary(text, keep);
                if end > 0 {
                    head.push(p.slice(0, end));
                }
                if let Some(keep) = both_ends {
                    let start = ceil_boundary(text, text.len().saturating_sub(keep).max(end));
                    if start < text.len() {
                        tail.push(p.slice(start, text.len()));
                    }
                }
            } else if let (true, Some(keep)) = (i + 1 == m, tail_cut) {
                let start = ceil_boundary(text, text.len().saturating_sub(keep));
                if start < text.len() {
                    tail.push(p.slice(start, text.len()));
                }
            }
        }
    }
    head.push(P::gap(gap_site.unwrap_or_default()));
    head.extend(tail);
    *pieces = head;
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl Piece for super::Seg {
    fn text(&self) -> &str {
        &self.text
    }

    fn folded(&self) -> bool {
        self.via.is_some()
    }

    fn site(&self) -> (usize, usize) {
        self.site
    }

    fn slice(&self, a: usize, b: usize) -> Self {
        super::Seg {
            text: self.text.get(a..b).unwrap_or("").to_string(),
            src: self.src.map(|s| s + a),
            site: self.site,
            via: self.via.clone(),
            hole: None,
        }
    }

    fn gap(site: (usize, usize)) -> Self {
        super::Seg::hole(None, site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Seg, HOLE};

    fn folded(text: &str, at: usize) -> Seg {
        Seg {
            via: Some(("v".to_string(), 0)),
            ..Seg::literal(text, Some(at), (at, at + text.len()))
        }
    }

    fn joined(segs: &[Seg]) -> String {
        segs.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn small_and_direct_strings_are_kept_whole() {
        let mut segs: Vec<Seg> = (0..MAX_FOLDED_PIECES).map(|i| folded("ab", i)).collect();
        let before = segs.clone();
        assert_eq!(bound(&mut segs).pieces, MAX_FOLDED_PIECES);
        assert_eq!(segs, before);
        // Text written in the expression itself is never cut, however long.
        let big = "x/".repeat(100_000);
        let mut segs = vec![Seg::literal(big.clone(), Some(0), (0, big.len()))];
        segs.extend((0..10_000).map(|i| Seg::literal("/p", Some(i), (i, i + 2))));
        let before = segs.clone();
        assert_eq!(bound(&mut segs), Weight::default());
        assert_eq!(segs, before);
    }

    #[test]
    fn many_folded_pieces_keep_head_and_tail() {
        let mut segs: Vec<Seg> = (0..1000).map(|i| folded(&format!("{i:04}"), i)).collect();
        let w = bound(&mut segs);
        assert!(!w.over());
        assert_eq!(segs.len(), 2 * KEEP_PIECES + 1);
        let text = joined(&segs);
        assert!(text.starts_with("000000010002"));
        assert!(text.ends_with("09980999"));
        assert_eq!(segs[KEEP_PIECES].text, HOLE.to_string());
        assert_eq!(segs[KEEP_PIECES].site, (KEEP_PIECES, KEEP_PIECES + 4));
    }

    #[test]
    fn long_folded_text_is_sliced_on_char_boundaries() {
        // Two folded pieces of 6 KiB of two-byte chars.
        let a = "é".repeat(3 * 1024);
        let mut segs = vec![folded(&a, 0), folded(&a, 10_000)];
        bound(&mut segs);
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[0].text.len(), KEEP_TEXT);
        assert_eq!(segs[2].text.len(), KEEP_TEXT);
        assert!(segs[1].is_hole());
        // The tail slice still points at its source bytes.
        assert_eq!(segs[2].src, Some(10_000 + a.len() - KEEP_TEXT));
        // One huge folded piece: head and tail of it.
        let mut segs = vec![folded(&"ab".repeat(10_000), 0)];
        bound(&mut segs);
        assert_eq!(joined(&segs).len(), 2 * KEEP_TEXT + HOLE.len_utf8());
    }

    #[test]
    fn doubling_stays_bounded() {
        let mut value = vec![folded("/api/2.0/fo/scan/", 0)];
        for _ in 0..40 {
            let mut next: Vec<Seg> = value.clone();
            next.extend(value.iter().cloned());
            bound(&mut next);
            value = next;
        }
        assert!(value.len() <= 2 * KEEP_PIECES + 1);
        assert!(joined(&value).starts_with("/api/2.0/fo/scan//api/"));
        assert!(joined(&value).ends_with("/fo/scan/"));
    }
}
