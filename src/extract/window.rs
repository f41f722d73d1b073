//! Large files are extracted around the prefilter's hits.
//!
//! Extraction costs up to a few hundred bytes of memory per byte of text
//! (tokens, syntax trees, one expression per line of a log), so a 32 MiB
//! log that mentions one endpoint used to take gigabytes. A text larger
//! than [`LARGE`] is instead extracted in *regions*: the lines within
//! [`RADIUS`] bytes of each place the prefilter accepted, merged where they
//! touch, and cut at line ends into pieces of at most [`CHUNK`] bytes. Each
//! piece is extracted on its own, with its file offsets, and dropped before
//! the next: memory follows the piece, not the file. No expression spans
//! two pieces, so no URL is made of text from both sides of a cut. Only
//! the expressions and bindings the caller's sieve accepts are kept from
//! each piece.
//!
//! What is lost, for files this large only: same-file names defined more
//! than [`RADIUS`] away from their use, and constructs that span a cut (a
//! string or a Markdown fence opened before a region). A line longer than
//! [`LINE_SLACK`] is cut inside, at a char boundary.

use super::{extract_for_scan_at, Expr, Extracted, Language};

/// Texts up to this size are extracted whole.
pub const LARGE: usize = 1 << 20;
/// Bytes of context kept on each side of a hit.
pub const RADIUS: usize = 64 << 10;
/// How far a region reaches past [`RADIUS`] to end at a line end.
pub const LINE_SLACK: usize = 64 << 10;
/// Largest piece extracted at once.
pub const CHUNK: usize = 256 << 10;

/// What a scan extracts from `text` given the byte offsets of the
/// prefilter's hits: all of it for a text up to [`LARGE`] bytes, else the
/// pieces of [`regions`], one at a time, keeping from each the
/// expressions and bindings that `keep` accepts (the scan's sieve for what
/// may hold an endpoint).
pub fn extract_around(
    lang: Language,
    text: &str,
    hits: &[usize],
    keep: &dyn Fn(&Expr) -> bool,
) -> Extracted {
    if text.len() <= LARGE {
        return extract_for_scan_at(lang, text, 0);
    }
    let mut out = Extracted::default();
    for (start, end) in regions(text, hits) {
        let Some(piece) = text.get(start..end) else {
            continue;
        };
        let x = extract_for_scan_at(lang, piece, start);
        // Only what may matter is kept from each piece: every line of a
        // log is an expression.
        out.exprs.extend(x.exprs.into_iter().filter(|e| keep(e)));
        out.bindings
            .extend(x.bindings.into_iter().filter(|b| keep(&b.value)));
        out.idents.extend(x.idents);
    }
    out.idents.sort();
    out.idents.dedup();
    out
}

/// The pieces of `text` to extract around `hits` (byte offsets, in any
/// order): sorted, disjoint, on char boundaries, each at most [`CHUNK`]
/// bytes (plus one line end's worth of slack when no line end is near).
pub fn regions(text: &str, hits: &[usize]) -> Vec<(usize, usize)> {
    let mut hits: Vec<usize> = hits.iter().map(|&h| h.min(text.len())).collect();
    hits.sort_unstable();
    hits.dedup();
    // Merged windows.
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for h in hits {
        let start = line_start_near(text, h.saturating_sub(RADIUS));
        let end = line_end_near(text, (h + RADIUS).min(text.len()));
        match windows.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => windows.push((start, end)),
        }
    }
    // Cut into chunks at line ends.
    let mut out = Vec::new();
    for (mut start, end) in windows {
        while end - start > CHUNK {
            let cut = chunk_end(text, start, start + CHUNK);
            out.push((start, cut));
            start = cut;
        }
        if end > start {
            out.push((start, end));
        }
    }
    out
}

/// The start of the line holding `at`, if within [`LINE_SLACK`] before it;
/// else `at` itself (on a char boundary).
fn line_start_near(text: &str, at: usize) -> usize {
    let at = floor_boundary(text, at);
    let from = at.saturating_sub(LINE_SLACK);
    match memchr::memrchr(b'\n', &text.as_bytes()[from..at]) {
        Some(k) => from + k + 1,
        None if from == 0 => 0,
        None => at,
    }
}

/// The end of the line holding `at` (after its `\n`), if within
/// [`LINE_SLACK`] after it; else `at` itself (on a char boundary).
fn line_end_near(text: &str, at: usize) -> usize {
    let at = ceil_boundary(text, at);
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\n') {
        return at;
    }
    let to = (at + LINE_SLACK).min(text.len());
    match memchr::memchr(b'\n', &text.as_bytes()[at..to]) {
        Some(k) => at + k + 1,
        None if to == text.len() => text.len(),
        None => at,
    }
}

/// Where a chunk starting at `start` ends: after the last line end before
/// `limit`, if that keeps at least half a chunk; else at `limit` (on a
/// char boundary).
fn chunk_end(text: &str, start: usize, limit: usize) -> usize {
    let limit = floor_boundary(text, limit);
    match memchr::memrchr(b'\n', &text.as_bytes()[start..limit]) {
        Some(k) if k + 1 >= CHUNK / 2 => start + k + 1,
        _ => limit.max(ceil_boundary(text, start + 1)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FindingKind;

    /// Filler lines, with `line` inserted at about byte `at`.
    fn text_with(size: usize, at: usize, line: &str) -> String {
        let mut t = String::with_capacity(size + line.len());
        while t.len() < size {
            if t.len() >= at && !t.contains(line) {
                t.push_str(line);
            }
            t.push_str("x = f(1) # filler a/b line\n");
        }
        t
    }

    fn check_regions(text: &str, regions: &[(usize, usize)]) {
        for w in regions.windows(2) {
            assert!(w[0].1 <= w[1].0, "{regions:?}");
        }
        for &(s, e) in regions {
            assert!(s < e && e <= text.len());
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            assert!(e - s <= CHUNK + LINE_SLACK, "{}", e - s);
        }
    }

    #[test]
    fn small_texts_are_extracted_whole() {
        let t = text_with(LARGE / 2, 1000, "u = '/api/2.0/fo/scan/'\n");
        let x = extract_around(Language::Python, &t, &[], &|_| true);
        assert_eq!(x, extract_for_scan_at(Language::Python, &t, 0));
    }

    #[test]
    fn large_texts_are_extracted_around_hits_with_their_offsets() {
        let line = "u = BASE + '/api/2.0/fo/scan/' # é\n";
        let t = text_with(LARGE + 200_000, LARGE / 2, line);
        let at = t.find("/api/").unwrap_or(0);
        let regions = regions(&t, &[at]);
        check_regions(&t, &regions);
        assert_eq!(regions.len(), 1);
        let (s, e) = regions[0];
        // Whole lines around the hit.
        assert!(s == 0 || t.as_bytes()[s - 1] == b'\n');
        assert!(t.as_bytes()[e - 1] == b'\n');
        assert!(s + RADIUS <= at && at + RADIUS <= e, "{s} {at} {e}");
        let whole = extract_for_scan_at(Language::Python, &t, 0);
        let x = extract_around(Language::Python, &t, &[at], &|_| true);
        let find = |x: &Extracted| {
            x.exprs
                .iter()
                .find(|e| e.text().contains("/fo/scan/"))
                .cloned()
        };
        assert!(find(&x).is_some());
        assert_eq!(find(&x), find(&whole));
        assert!(x.exprs.len() < whole.exprs.len());
        // A log: one expression per line, of the region only.
        let whole = extract_for_scan_at(Language::Text, &t, 0);
        let x = extract_around(Language::Text, &t, &[at], &|_| true);
        let calls = |x: &Extracted| {
            x.exprs
                .iter()
                .filter(|e| e.kind() == FindingKind::Call || e.text().contains("/api/"))
                .filter(|e| e.text().contains("/api/"))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(calls(&x), calls(&whole));
        assert!(x.exprs.len() * 5 < whole.exprs.len());
    }

    #[test]
    fn dense_hits_are_cut_into_chunks_at_line_ends() {
        let t = "u = '/api/2.0/fo/scan/'\n".repeat(2 * LARGE / 24);
        let mut hits: Vec<usize> = t.match_indices("/api/").map(|(i, _)| i).collect();
        hits.reverse();
        let regions = regions(&t, &hits);
        check_regions(&t, &regions);
        assert!(regions.len() >= 2 * LARGE / CHUNK);
        // Everything is covered, and every cut is at a line end.
        assert_eq!(regions.first().map(|r| r.0), Some(0));
        assert_eq!(regions.last().map(|r| r.1), Some(t.len()));
        for w in regions.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert_eq!(t.as_bytes()[w[0].1 - 1], b'\n');
        }
        let x = extract_around(Language::Python, &t, &hits, &|_| true);
        assert_eq!(x.exprs.len(), hits.len());
    }

    #[test]
    fn one_long_line_is_cut_inside_on_char_boundaries() {
        let mut t = "é;".repeat(3 * LARGE / 3);
        let at = t.len() / 2;
        let at = floor_boundary(&t, at);
        t.insert_str(at, "'/api/2.0/fo/scan/';");
        let regions = regions(&t, &[at + 1]);
        check_regions(&t, &regions);
        let covered: usize = regions.iter().map(|r| r.1 - r.0).sum();
        assert!(covered <= 2 * RADIUS + 8, "{covered}");
        let x = extract_around(Language::JavaScript, &t, &[at + 1], &|_| true);
        let e = x.exprs.iter().find(|e| e.text() == "/api/2.0/fo/scan/");
        let src = e.and_then(|e| e.segs[0].src);
        assert_eq!(src, Some(at + 1));
    }
}
