//! A literal's body → text and interpolation parts.
//!
//! Escapes are decoded; a text run with no escape inside keeps its source
//! offset (and borrows the source). One function per family of
//! interpolation syntax: [`build_parts`] for brace-delimited ones,
//! [`dollar_into`] for `$name` languages (PHP, PowerShell, shell, Make,
//! Perl), [`percent_into`] for `cmd`, [`config_into`] for configuration
//! values.

use std::borrow::Cow;

use super::syntax::{Escape, Interp};
use super::{is_ident, is_ident_start, Part};

/// Splits a literal's body (at file offset `offset`) into text and
/// interpolation parts, decoding escapes, and appends them to `out`. `q` is
/// the closing delimiter (for doubled-quote and quote escapes).
pub(super) fn build_parts<'a>(
    body: &'a str,
    offset: usize,
    q: u8,
    escape: Escape,
    interp: Interp,
    out: &mut Vec<Part<'a>>,
) {
    let escapes = matches!(escape, Escape::Backslash | Escape::BacktickDoubled);
    match interp {
        Interp::Dollar => return dollar_into(body, offset, escapes, Flavor::Dollar, out),
        Interp::Perl => {
            return dollar_into(body, offset, escape == Escape::Backslash, Flavor::Perl, out)
        }
        Interp::Percent => return percent_into(body, offset, out),
        Interp::Config => return config_into(body, offset, out),
        _ => {}
    }
    let backslash = escape == Escape::Backslash;
    let raw_backslash = escape == Escape::RawBackslash;
    let quote_escape = escape == Escape::Quote;
    let backtick = escape == Escape::BacktickDoubled;
    let doubled = matches!(escape, Escape::Doubled | Escape::BacktickDoubled).then_some(q);
    let b = body.as_bytes();
    // No byte any rule below acts on (the usual string): one verbatim part,
    // without the general loop and its buffer.
    if !b.iter().any(|&c| stops(c)) {
        if !body.is_empty() {
            out.push(Part::Text {
                text: Cow::Borrowed(body),
                src: Some(offset),
            });
        }
        return;
    }
    let parts = out;
    let mut text = String::new();
    let mut run_start = 0usize;
    let mut verbatim = true;
    let mut i = 0;
    let flush = |parts: &mut Vec<Part<'a>>, text: &mut String, run_start: usize, verbatim: bool| {
        if !text.is_empty() {
            parts.push(Part::Text {
                text: part_text(body, text, run_start, verbatim),
                src: verbatim.then_some(offset + run_start),
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        // (start of the expression, index of its closing brace or end, end
        // of the interpolation)
        let found: Option<(usize, usize, usize)> = match interp {
            Interp::PyFormat | Interp::Brace if c == b'{' => {
                if b.get(i + 1) == Some(&b'{') {
                    // `{{` is a literal brace.
                    flush(parts, &mut text, run_start, verbatim);
                    text.push('{');
                    verbatim = false;
                    run_start = i;
                    i += 2;
                    flush(parts, &mut text, run_start, verbatim);
                    verbatim = true;
                    run_start = i;
                    continue;
                }
                Some(braced(b, i + 1))
            }
            Interp::DollarBrace | Interp::Template if c == b'$' && b.get(i + 1) == Some(&b'{') => {
                Some(braced(b, i + 2))
            }
            // Julia `$(expr)`.
            Interp::Template if c == b'$' && b.get(i + 1) == Some(&b'(') => {
                let close = matching(b, i + 2, b'(', b')');
                Some((i + 2, close, (close + 1).min(b.len())))
            }
            Interp::Template if c == b'$' && b.get(i + 1).is_some_and(|&n| is_ident_start(n)) => {
                let mut k = i + 1;
                while k < b.len() && is_ident(b[k]) && b[k] != b'$' {
                    k += 1;
                }
                Some((i + 1, k, k))
            }
            Interp::HashBrace if c == b'#' && b.get(i + 1) == Some(&b'{') => Some(braced(b, i + 2)),
            _ => None,
        };
        if let Some((inner, close, end)) = found {
            flush(parts, &mut text, run_start, verbatim);
            parts.push(Part::Interp {
                expr: &body[inner..close],
                start: offset + i,
                end: offset + end,
            });
            i = end;
            verbatim = true;
            run_start = i;
            continue;
        }
        if (interp == Interp::PyFormat || interp == Interp::Brace)
            && c == b'}'
            && b.get(i + 1) == Some(&b'}')
        {
            flush(parts, &mut text, run_start, verbatim);
            text.push('}');
            verbatim = false;
            i += 2;
            flush(parts, &mut text, i - 2, verbatim);
            verbatim = true;
            run_start = i;
            continue;
        }
        let quote_escaped =
            quote_escape && c == b'\\' && matches!(b.get(i + 1), Some(&n) if n == b'\\' || n == q);
        if (backslash && c == b'\\') || (backtick && c == b'`') || quote_escaped {
            flush(parts, &mut text, run_start, verbatim);
            let decoded = if quote_escaped {
                (char::from(b[i + 1]).to_string(), i + 2)
            } else {
                decode_escape(body, i + 1)
            };
            text.push_str(&decoded.0);
            verbatim = false;
            run_start = i;
            i = decoded.1;
            flush(parts, &mut text, run_start, verbatim);
            verbatim = true;
            run_start = i;
            continue;
        }
        if raw_backslash && c == b'\\' && i + 1 < b.len() {
            // Raw string: both characters are text.
            let len = body[i + 1..].chars().next().map_or(1, char::len_utf8);
            text.push_str(&body[i..i + 1 + len]);
            i += 1 + len;
            continue;
        }
        if let Some(q) = doubled {
            if c == q && b.get(i + 1) == Some(&q) {
                flush(parts, &mut text, run_start, verbatim);
                text.push(char::from(q));
                verbatim = false;
                run_start = i;
                i += 2;
                flush(parts, &mut text, run_start, verbatim);
                verbatim = true;
                run_start = i;
                continue;
            }
        }
        // Plain text up to the next byte any rule above looks at, in one
        // copy (those bytes are ASCII, so the cut is a char boundary).
        let len = body[i..].chars().next().map_or(1, char::len_utf8);
        let mut j = i + len;
        while j < b.len() && !stops(b[j]) {
            j += 1;
        }
        text.push_str(&body[i..j]);
        i = j;
    }
    flush(parts, &mut text, run_start, verbatim);
}

/// The bytes [`build_parts`]'s rules act on.
fn stops(c: u8) -> bool {
    matches!(c, b'{' | b'}' | b'$' | b'#' | b'\\' | b'`' | b'"' | b'\'')
}

/// A brace interpolation whose expression starts at `inner`: (inner, index
/// of the closing brace or the end, end of the interpolation).
fn braced(b: &[u8], inner: usize) -> (usize, usize, usize) {
    let close = matching_brace(b, inner);
    (inner, close, (close + 1).min(b.len()))
}

/// A text part's text, taken from the `text` buffer: borrowed from `body`
/// when it is the verbatim run starting at `run_start` (the buffer is then
/// only cleared, so its allocation is reused), else moved out.
pub(super) fn part_text<'a>(
    body: &'a str,
    text: &mut String,
    run_start: usize,
    verbatim: bool,
) -> Cow<'a, str> {
    let source = run_start
        .checked_add(text.len())
        .and_then(|end| body.get(run_start..end));
    match source {
        Some(source) if verbatim && source == text.as_str() => {
            text.clear();
            Cow::Borrowed(source)
        }
        _ => Cow::Owned(std::mem::take(text)),
    }
}

/// Index of the `}` closing a brace opened just before `from` (nested
/// braces counted), or the end of the text.
pub(super) fn matching_brace(b: &[u8], from: usize) -> usize {
    matching(b, from, b'{', b'}')
}

/// Index of the `close` matching an `open` just before `from` (nesting
/// counted), or the end of the text.
pub(super) fn matching(b: &[u8], from: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    for (k, &c) in b.iter().enumerate().skip(from) {
        if c == close {
            if depth == 0 {
                return k;
            }
            depth -= 1;
        } else if c == open {
            depth += 1;
        }
    }
    b.len()
}

/// Decodes the escape whose letter is at `at`; returns the text and the
/// index after the escape.
pub(super) fn decode_escape(body: &str, at: usize) -> (String, usize) {
    let Some(c) = body[at.min(body.len())..].chars().next() else {
        return (String::new(), body.len());
    };
    let next = at + c.len_utf8();
    let text = match c {
        'n' => "\n".to_string(),
        't' => "\t".to_string(),
        'r' => "\r".to_string(),
        '0' => String::new(),
        '\n' => String::new(),
        other => other.to_string(),
    };
    (text, next)
}

/// Which `$` interpolation [`dollar_into`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavor {
    /// PHP, PowerShell, shell, Make: `$name`, `${name}`, `{$name}`,
    /// `$(expr)`, `$env:NAME`.
    Dollar,
    /// Perl: `$name` with subscripts, `${name}`, `@name`, `@{[ expr ]}`.
    Perl,
}

/// Appends the parts of a `$`-interpolating `body` to `parts` (a shell
/// word gathers the parts of all its quoted and unquoted pieces).
pub(super) fn dollar_into<'a>(
    body: &'a str,
    offset: usize,
    escapes: bool,
    flavor: Flavor,
    parts: &mut Vec<Part<'a>>,
) {
    let perl = flavor == Flavor::Perl;
    let b = body.as_bytes();
    // Most shell words and many strings hold none of the bytes a rule below
    // acts on: one verbatim part, without the general loop.
    if !b
        .iter()
        .any(|&c| matches!(c, b'{' | b'$' | b'\\' | b'`') || (perl && c == b'@'))
    {
        if !body.is_empty() {
            parts.push(Part::Text {
                text: Cow::Borrowed(body),
                src: Some(offset),
            });
        }
        return;
    }
    let mut text = String::new();
    let mut run_start = 0;
    let mut verbatim = true;
    let mut i = 0;
    macro_rules! flush {
        () => {
            if !text.is_empty() {
                parts.push(Part::Text {
                    text: part_text(body, &mut text, run_start, verbatim),
                    src: verbatim.then_some(offset + run_start),
                });
            }
        };
    }
    while i < b.len() {
        let c = b[i];
        // PHP `{$this->base}`: the whole brace is the expression.
        if !perl && c == b'{' && b.get(i + 1) == Some(&b'$') {
            let close = matching_brace(b, i + 1);
            flush!();
            parts.push(Part::Interp {
                expr: &body[i + 1..close],
                start: offset + i,
                end: offset + (close + 1).min(b.len()),
            });
            i = (close + 1).min(b.len());
            verbatim = true;
            run_start = i;
            continue;
        }
        // (start of the expression, its end, end of the interpolation)
        let found: Option<(usize, usize, usize)> = match (c, b.get(i + 1)) {
            (b'$', Some(b'{')) => {
                let close = matching_brace(b, i + 2);
                Some((i + 2, close, (close + 1).min(b.len())))
            }
            (b'$', Some(b'(')) if !perl => {
                let close = matching(b, i + 2, b'(', b')');
                Some((i + 2, close, (close + 1).min(b.len())))
            }
            // Perl `@{[ expr ]}`.
            (b'@', Some(b'{')) if perl => {
                let close = matching_brace(b, i + 2);
                let inner = body[i + 2..close].trim();
                let inner = inner
                    .strip_prefix('[')
                    .and_then(|s| s.strip_suffix(']'))
                    .map_or(inner, str::trim);
                let start = inner.as_ptr() as usize - body.as_ptr() as usize;
                Some((start, start + inner.len(), (close + 1).min(b.len())))
            }
            (b'$', Some(&n)) | (b'@', Some(&n)) if is_ident_start(n) && (c == b'$' || perl) => {
                let mut k = i + 1;
                while k < b.len()
                    && (is_ident(b[k])
                        || (!perl
                            && b[k] == b':'
                            && k + 1 < b.len()
                            && is_ident_start(b[k + 1])
                            && body[i + 1..k].eq_ignore_ascii_case("env")))
                {
                    k += 1;
                }
                let name_end = k;
                if perl {
                    k = perl_subscripts(b, k);
                }
                Some((i + 1, name_end, k))
            }
            _ => None,
        };
        if let Some((inner, close, end)) = found {
            flush!();
            parts.push(Part::Interp {
                expr: &body[inner..close.min(b.len())],
                start: offset + i,
                end: offset + end,
            });
            i = end;
            verbatim = true;
            run_start = i;
            continue;
        }
        if escapes && (c == b'\\' || (!perl && c == b'`')) {
            flush!();
            let (decoded, next) = decode_escape(body, i + 1);
            text.push_str(&decoded);
            verbatim = false;
            run_start = i;
            i = next;
            flush!();
            verbatim = true;
            run_start = i;
            continue;
        }
        // Plain text up to the next byte a rule above looks at, in one copy.
        let len = body[i..].chars().next().map_or(1, char::len_utf8);
        let mut j = i + len;
        while j < b.len() && !(matches!(b[j], b'{' | b'$' | b'\\' | b'`') || (perl && b[j] == b'@'))
        {
            j += 1;
        }
        text.push_str(&body[i..j]);
        i = j;
    }
    flush!();
}

/// The end of the subscripts after a Perl variable in a string:
/// `->{key}`, `->[0]`, `{key}`, `[0]`, repeated.
fn perl_subscripts(b: &[u8], mut k: usize) -> usize {
    loop {
        let at = if b[k..].starts_with(b"->") { k + 2 } else { k };
        match b.get(at) {
            Some(b'{') => {
                let close = matching_brace(b, at + 1);
                if close >= b.len() {
                    return k;
                }
                k = close + 1;
            }
            Some(b'[') => {
                let close = matching(b, at + 1, b'[', b']');
                if close >= b.len() {
                    return k;
                }
                k = close + 1;
            }
            _ => return k,
        }
    }
}

/// `cmd` variables: `%NAME%`, `%NAME:~0,4%`, `!NAME!`, `%~dp0`, `%1`;
/// `%%` is a literal `%`.
pub(super) fn percent_into<'a>(body: &'a str, offset: usize, parts: &mut Vec<Part<'a>>) {
    let b = body.as_bytes();
    let mut run = 0;
    let mut i = 0;
    let push_text = |parts: &mut Vec<Part<'a>>, from: usize, to: usize| {
        if to > from {
            parts.push(Part::Text {
                text: Cow::Borrowed(&body[from..to]),
                src: Some(offset + from),
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        if c != b'%' && c != b'!' {
            i += 1;
            continue;
        }
        if c == b'%' && b.get(i + 1) == Some(&b'%') {
            // `%%`: a literal percent sign (or a `for` variable, `%%i`).
            push_text(parts, run, i + 1);
            i += 2;
            run = i;
            continue;
        }
        let arg = c == b'%'
            && b.get(i + 1)
                .is_some_and(|&n| n == b'~' || n == b'*' || n.is_ascii_digit());
        let end = if arg {
            // `%1`, `%*`, `%~dp0`: up to the digit or `*`.
            let mut k = i + 1;
            while k < b.len() && !(b[k].is_ascii_digit() || b[k] == b'*') {
                if !b[k].is_ascii_alphabetic() && b[k] != b'~' {
                    break;
                }
                k += 1;
            }
            (k < b.len() && (b[k].is_ascii_digit() || b[k] == b'*')).then_some((
                i + 1,
                k + 1,
                k + 1,
            ))
        } else {
            // `%NAME%` / `!NAME!`: a closing mark before any blank or quote.
            let mut k = i + 1;
            while k < b.len() && b[k] != c && !matches!(b[k], b' ' | b'\t' | b'\n' | b'"') {
                k += 1;
            }
            (k < b.len() && b[k] == c && k > i + 1).then_some((i + 1, k, k + 1))
        };
        match end {
            Some((inner, close, end)) => {
                push_text(parts, run, i);
                parts.push(Part::Interp {
                    expr: &body[inner..close],
                    start: offset + i,
                    end: offset + end,
                });
                i = end;
                run = i;
            }
            None => i += 1,
        }
    }
    push_text(parts, run, b.len());
}

/// Configuration values: `${name}`, `$NAME`, `%(name)s`.
pub(super) fn config_into<'a>(body: &'a str, offset: usize, parts: &mut Vec<Part<'a>>) {
    let b = body.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let found = match (b[i], b.get(i + 1)) {
            (b'$', Some(b'{')) => {
                let close = matching_brace(b, i + 2);
                (close < b.len()).then_some((i + 2, close, close + 1))
            }
            (b'$', Some(&n)) if is_ident_start(n) => {
                let mut k = i + 1;
                while k < b.len() && is_ident(b[k]) {
                    k += 1;
                }
                Some((i + 1, k, k))
            }
            (b'%', Some(b'(')) => {
                let close = matching(b, i + 2, b'(', b')');
                (close < b.len() && b.get(close + 1) == Some(&b's')).then_some((
                    i + 2,
                    close,
                    close + 2,
                ))
            }
            _ => None,
        };
        match found {
            Some((inner, close, end)) => {
                if i > run {
                    parts.push(Part::Text {
                        text: Cow::Borrowed(&body[run..i]),
                        src: Some(offset + run),
                    });
                }
                parts.push(Part::Interp {
                    expr: &body[inner..close],
                    start: offset + i,
                    end: offset + end,
                });
                i = end;
                run = i;
            }
            None => i += 1,
        }
    }
    if b.len() > run {
        parts.push(Part::Text {
            text: Cow::Borrowed(&body[run..]),
            src: Some(offset + run),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(parts: &[Part]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Part::Text { text, .. } => text.to_string(),
                Part::Interp { expr, .. } => format!("<{expr}>"),
            })
            .collect()
    }

    fn check(body: &str, parts: &[Part]) {
        for p in parts {
            match p {
                Part::Text { text, src: Some(o) } => {
                    assert_eq!(&body[*o..*o + text.len()], text.as_ref(), "{body:?}")
                }
                Part::Interp { start, end, .. } => {
                    assert!(start < end && *end <= body.len(), "{body:?}")
                }
                _ => {}
            }
        }
    }

    fn built(body: &str, q: u8, escape: Escape, interp: Interp) -> String {
        let mut parts = Vec::new();
        build_parts(body, 0, q, escape, interp, &mut parts);
        check(body, &parts);
        show(&parts)
    }

    #[test]
    fn escapes() {
        assert_eq!(
            built(r"a\tb\\c", b'"', Escape::Backslash, Interp::None),
            "a\tb\\c"
        );
        assert_eq!(
            built(r"a\'b\\c\d", b'\'', Escape::Quote, Interp::None),
            r"a'b\c\d"
        );
        assert_eq!(
            built(r"a\'b", b'\'', Escape::RawBackslash, Interp::None),
            r"a\'b"
        );
        assert_eq!(
            built(r#"say ""hi"""#, b'"', Escape::Doubled, Interp::None),
            r#"say "hi""#
        );
        assert_eq!(built(r"a\nb", b'"', Escape::None, Interp::None), r"a\nb");
    }

    #[test]
    fn interpolations() {
        assert_eq!(
            built(
                "$base/api/${v}/x$",
                b'"',
                Escape::Backslash,
                Interp::Template
            ),
            "<base>/api/<v>/x$"
        );
        assert_eq!(
            built(
                "$(cfg.base)/api/$v",
                b'"',
                Escape::Backslash,
                Interp::Template
            ),
            "<cfg.base>/api/<v>"
        );
        assert_eq!(
            built("#{base}/api/#x", b'"', Escape::Backslash, Interp::HashBrace),
            "<base>/api/#x"
        );
        assert_eq!(
            built("{{a}} {b}/x", b'"', Escape::Backslash, Interp::Brace),
            "{a} <b>/x"
        );
        assert_eq!(
            built("$base/api", b'"', Escape::Backslash, Interp::DollarBrace),
            "$base/api"
        );
    }

    #[test]
    fn perl_interpolation() {
        let perl = |s: &str| built(s, b'"', Escape::Backslash, Interp::Perl);
        assert_eq!(perl("$base/api/2.0/fo/scan/"), "<base>/api/2.0/fo/scan/");
        assert_eq!(perl("$self->{base}/api"), "<self>/api");
        assert_eq!(perl("$h{url}[0]/x"), "<h>/x");
        assert_eq!(perl("@{[ $c->base ]}/api"), "<$c->base>/api");
        assert_eq!(perl("user\\@example.com @list"), "user@example.com <list>");
        assert_eq!(perl("${base}/x {not}"), "<base>/x {not}");
        assert_eq!(perl("cost: $"), "cost: $");
    }

    #[test]
    fn percent_variables() {
        let pct = |s: &str| {
            let mut parts = Vec::new();
            percent_into(s, 0, &mut parts);
            check(s, &parts);
            show(&parts)
        };
        assert_eq!(
            pct("%QUALYS_API%/api/2.0/fo/scan/"),
            "<QUALYS_API>/api/2.0/fo/scan/"
        );
        assert_eq!(
            pct("!BASE!/x 100%% %~dp0run %1"),
            "<BASE>/x 100% <~dp0>run <1>"
        );
        assert_eq!(pct("50% off"), "50% off");
        assert_eq!(pct("%"), "%");
    }

    #[test]
    fn config_variables() {
        let cfg = |s: &str| {
            let mut parts = Vec::new();
            config_into(s, 0, &mut parts);
            check(s, &parts);
            show(&parts)
        };
        assert_eq!(cfg("${qualys.base}/api/2.0/"), "<qualys.base>/api/2.0/");
        assert_eq!(cfg("%(base)s/api/2.0/"), "<base>/api/2.0/");
        assert_eq!(cfg("$BASE/api %(x)d ${"), "<BASE>/api %(x)d ${");
    }

    #[test]
    fn never_panics_on_fragments() {
        let samples = [
            "$", "${", "@{", "@{[", "%", "%(", "\\", "é", "$é", "->{", "}", "#{",
        ];
        for a in samples {
            for b in samples {
                let s = format!("{a}x{b}é{a}");
                for interp in [
                    Interp::None,
                    Interp::PyFormat,
                    Interp::Brace,
                    Interp::DollarBrace,
                    Interp::Template,
                    Interp::HashBrace,
                    Interp::Dollar,
                    Interp::Perl,
                    Interp::Percent,
                    Interp::Config,
                ] {
                    for escape in [Escape::Backslash, Escape::Quote, Escape::Doubled] {
                        let mut parts = Vec::new();
                        build_parts(&s, 0, b'"', escape, interp, &mut parts);
                        check(&s, &parts);
                    }
                }
            }
        }
    }
}
