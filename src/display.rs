//! Text for a terminal: control characters escaped.
//!
//! A file name, a notice or a line of a scanned file may hold bytes that a
//! terminal obeys: ESC sequences that retitle the window or clear the
//! screen, a CR that overwrites the line, BEL, C1 controls, and the Unicode
//! bidirectional overrides that reorder what is shown (`Trojan Source`).
//! [`escape`] turns each into a visible Rust-style escape (`\u{1b}`,
//! `\u{202e}`) so one line of output stays one line and shows what is
//! there. Tab and newline are escaped too (a path or a message is one
//! line); [`escape_multiline`] keeps newlines for multi-line text.
//!
//! Paths are escaped losslessly first ([`crate::source::display_path`]: a
//! backslash doubled, invalid UTF-8 as `\xHH`), so in a path `\u{1b}` is
//! always an escape and a name holding the text `\u{1b}` shows `\\u{1b}`.
//! Other text keeps a literal backslash as it is; machine-readable formats
//! (JSON, SARIF) carry the exact text.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // bidi embeddings, overrides and isolates, marks
            '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{061c}'
                // line and paragraph separators
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` on one line, every unsafe character (see [`is_unsafe`]) as
/// `\u{..}`. Borrows when there is nothing to escape.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// Like [`escape`], but newlines stay.
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

fn escape_with(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text rendered for a terminal by a trusted printer (miette's reports):
/// newlines, tabs and colour sequences (`ESC [ digits;… m`) stay, every
/// other unsafe character is escaped. Text from files inside the report
/// can then change colours at most, never move the cursor, clear the
/// screen, retitle the window or reorder what is shown.
pub fn escape_terminal(text: &str) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\u{1b}' && chars.get(i + 1) == Some(&'[') {
            let mut j = i + 2;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == ';') {
                j += 1;
            }
            if chars.get(j) == Some(&'m') {
                out.extend(&chars[i..=j]);
                i = j + 1;
                continue;
            }
        }
        if is_unsafe(c) && c != '\n' && c != '\t' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            changed = true;
        } else {
            out.push(c);
        }
        i += 1;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// A path for a message: losslessly escaped (`\\` for a backslash,
/// `\xHH` for a byte that is not UTF-8, see
/// [`crate::source::display_path`]), then control characters escaped.
pub fn path(p: &std::path::Path) -> String {
    escape(&crate::source::escaped_path(p)).into_owned()
}

/// Longest excerpt an error shows around its span.
const EXCERPT: usize = 120;

/// The line of `text` holding `span`, cut to about 120 bytes
/// around it, with credentials masked and control characters escaped, and
/// the span within it. The rest of the file is not shown (it may not be a
/// configuration at all): the lines before are left blank, so the line
/// number stays.
pub fn excerpt(text: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(span.start);
    let end = floor(span.end.max(start)).max(start);
    let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |p| start + p);
    let end = end.min(line_end).max(start);
    let from = floor(start.saturating_sub(EXCERPT / 2).max(line_start));
    let mut to = (end + EXCERPT / 2).min(line_end).max(end);
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let window = crate::redact::redact_window(
        &text[line_start..line_end],
        from - line_start..to - line_start,
    );
    let (s, e) = window.map_span(start - from, end - from);
    // Escape controls piecewise so the span follows.
    let before = escape(&window.text[..s]).into_owned();
    let inside = escape(&window.text[s..e]).into_owned();
    let after = escape(&window.text[e..]).into_owned();
    let mut out = String::with_capacity(before.len() + inside.len() + after.len() + 2);
    let lead = if from > line_start { "…" } else { "" };
    out.push_str(lead);
    out.push_str(&before);
    out.push_str(&inside);
    out.push_str(&after);
    if to < line_end {
        out.push('…');
    }
    if line_end < text.len() {
        // The line break stays: an error at the end of the line points at it.
        out.push('\n');
    }
    // Blank lines in front keep the line number the error shows.
    let blank = memchr::memchr_iter(b'\n', &text.as_bytes()[..line_start]).count();
    let mut s = lead.len() + before.len();
    let mut e = s + inside.len();
    if span.end > line_end && line_end < text.len() && to == line_end {
        e += 1; // the span covers the line break
    }
    if s == e && s == out.len() {
        // An empty span at the very end cannot carry a label: take the last
        // character, as for a span at the end of a whole file.
        if let Some(c) = out.chars().next_back() {
            s -= c.len_utf8();
        }
    }
    (format!("{}{out}", "\n".repeat(blank)), blank + s..blank + e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped() {
        let name = "evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\r\u{9b}31m\u{202e}gpj.py\tx\ny";
        let out = escape(name);
        assert_eq!(
            out,
            "evil\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J\\u{d}\\u{9b}31m\\u{202e}gpj.py\\u{9}x\\u{a}y"
        );
        assert!(!out.chars().any(is_unsafe));
        assert_eq!(escape_multiline("a\nb\u{1b}"), "a\nb\\u{1b}");
    }

    #[test]
    fn terminal_text_keeps_colours_only() {
        let t = "\u{1b}[31merror\u{1b}[0m: x\u{1b}]0;T\u{7}\u{1b}[2J\ty\nz";
        assert_eq!(
            escape_terminal(t),
            "\u{1b}[31merror\u{1b}[0m: x\\u{1b}]0;T\\u{7}\\u{1b}[2J\ty\nz"
        );
        assert!(matches!(escape_terminal("a\n\u{1b}[1mb"), Cow::Borrowed(_)));
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            escape("src/app.py: rewrote 1 use(s) — é 日本"),
            Cow::Borrowed(_)
        ));
        assert_eq!(path(std::path::Path::new("a/\u{1b}b")), "a/\\u{1b}b");
    }
}
