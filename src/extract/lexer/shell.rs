//! Shells and batch files: commands made of words.
//!
//! Every word is one [`Tok::Str`] (quoting pieces joined, variables
//! interpolated); an assignment at a command's start (`NAME=value`,
//! `set NAME=value`) becomes `Ident(NAME) Op(=) Str(value)`.

use std::borrow::Cow;

use super::parts::{dollar_into, percent_into, Flavor};
use super::{line_end, op1, Lexed, Offset, Op, Out, Part, Tok};

/// Shell: words, comments, assignments.
pub(super) fn lex_shell<O: Offset>(text: &str, base: usize) -> Lexed<'_, O> {
    let mut out = Out::new(base, text.len() / 8);
    shell_range(text, 0, &mut out);
    out.finish()
}

/// Lexes `text[from..]` as shell into `out`. `text` may be a prefix of the
/// file (so that a Makefile recipe or a Dockerfile `RUN` stops at its
/// line): offsets stay offsets in the file.
pub(super) fn shell_range<'a, O: Offset>(text: &'a str, from: usize, out: &mut Out<'a, O>) {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' | b';' => {
                out.tok(Tok::Newline, i, i + 1);
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            b'#' => {
                let end = line_end(b, i);
                out.comment(text[i + 1..end].trim_end_matches('\r'), i + 1, i, end);
                i = end;
            }
            b'|' | b'&' | b'(' | b')' | b'<' | b'>' => {
                out.tok(Tok::Op(op1(c)), i, i + 1);
                i += 1;
            }
            _ => {
                let start = i;
                // An assignment word: NAME=…
                let mut k = i;
                while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                    k += 1;
                }
                let assign = k > i
                    && b.get(k) == Some(&b'=')
                    && (b[i].is_ascii_alphabetic() || b[i] == b'_');
                if assign {
                    out.tok(Tok::Ident(&text[i..k]), i, k);
                    out.tok(Tok::Op(Op::Eq), k, k + 1);
                    i = k + 1;
                }
                let from = out.parts.len();
                let end = shell_word(text, i, out.base, &mut out.parts);
                if end > i || assign {
                    out.str_from(from, if assign { i } else { start }, end);
                } else {
                    out.parts.truncate(from);
                }
                i = end.max(i + usize::from(!assign));
            }
        }
    }
}

/// One shell word starting at `i`: appends its parts to `parts`, returns
/// its end.
fn shell_word<'a>(text: &'a str, mut i: usize, base: usize, parts: &mut Vec<Part<'a>>) -> usize {
    let b = text.as_bytes();
    let mut run = i;
    let flush_plain = |parts: &mut Vec<Part<'a>>, from: usize, to: usize| {
        if to > from {
            dollar_into(&text[from..to], from + base, true, Flavor::Dollar, parts);
        }
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'|' | b'&' | b'<' | b'>' | b')' | b'(' => break,
            b'\\' if b.get(i + 1) == Some(&b'\n') => break,
            b'\'' => {
                flush_plain(parts, run, i);
                let close = memchr::memchr(b'\'', &b[i + 1..]).map_or(b.len(), |k| i + 1 + k);
                parts.push(Part::Text {
                    text: Cow::Borrowed(&text[i + 1..close]),
                    src: Some(i + 1 + base),
                });
                i = (close + 1).min(b.len());
                run = i;
            }
            b'"' => {
                flush_plain(parts, run, i);
                let mut k = i + 1;
                while k < b.len() && b[k] != b'"' {
                    k += if b[k] == b'\\' { 2 } else { 1 };
                }
                let close = k.min(b.len());
                dollar_into(
                    &text[i + 1..close],
                    i + 1 + base,
                    true,
                    Flavor::Dollar,
                    parts,
                );
                i = (close + 1).min(b.len());
                run = i;
            }
            b'$' if b.get(i + 1) == Some(&b'(') || b.get(i + 1) == Some(&b'{') => {
                // Skip to the matching closer so spaces inside do not split.
                let (open, close) = if b[i + 1] == b'(' {
                    (b'(', b')')
                } else {
                    (b'{', b'}')
                };
                let mut depth = 0usize;
                let mut k = i + 1;
                while k < b.len() {
                    if b[k] == open {
                        depth += 1;
                    } else if b[k] == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    k += 1;
                }
                i = (k + 1).min(b.len());
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                i += len;
            }
        }
    }
    flush_plain(parts, run, i);
    i
}

/// Whether `b[at..]` starts with the keyword `word` (any case) followed by
/// a blank, the end of the line or the end of the text.
fn keyword_at(b: &[u8], at: usize, word: &str) -> bool {
    let end = at + word.len();
    b.get(at..end)
        .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        && matches!(b.get(end), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// Windows `cmd`: `REM` and `::` comments, `set NAME=value` bindings,
/// `%VAR%` / `!VAR!` variables, `^` escapes and line continuations.
pub(super) fn lex_batch<O: Offset>(text: &str, base: usize) -> Lexed<'_, O> {
    let b = text.as_bytes();
    let mut out = Out::new(base, text.len() / 8);
    let mut i = 0;
    // Whether the next word starts a command.
    let mut command = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                out.tok(Tok::Newline, i, i + 1);
                i += 1;
                command = true;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'^' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'^' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            b'@' if command => i += 1,
            b'&' | b'|' | b'(' | b')' | b'<' | b'>' => {
                out.tok(Tok::Op(op1(c)), i, i + 1);
                i += 1;
                command = matches!(c, b'&' | b'|' | b'(');
            }
            _ => {
                if command {
                    command = false;
                    if b[i..].starts_with(b"::") || keyword_at(b, i, "rem") {
                        let body = i + if b[i] == b':' { 2 } else { 3 };
                        let end = line_end(b, i);
                        out.comment(
                            text[body.min(end)..end].trim_end_matches('\r'),
                            body.min(end),
                            i,
                            end,
                        );
                        i = end;
                        continue;
                    }
                    if b[i] == b':' {
                        // A label.
                        i = line_end(b, i);
                        continue;
                    }
                    if keyword_at(b, i, "set") {
                        if let Some(next) = batch_set(text, i + 3, &mut out) {
                            i = next;
                            continue;
                        }
                    }
                }
                let from = out.parts.len();
                let end = batch_word(text, i, out.base, &mut out.parts);
                if end > i {
                    out.str_from(from, i, end);
                    i = end;
                } else {
                    out.parts.truncate(from);
                    let len = text[i..].chars().next().map_or(1, char::len_utf8);
                    out.tok(Tok::Other, i, i + len);
                    i += len;
                }
            }
        }
    }
    out.finish()
}

/// `set NAME=value` or `set "NAME=value"` (after `set` at `at`): pushes
/// `Ident Op(=) Str` and returns where the command ends; `None` when this
/// is no plain assignment (`set /a`, `set` alone).
fn batch_set<'a, O: Offset>(text: &'a str, at: usize, out: &mut Out<'a, O>) -> Option<usize> {
    let b = text.as_bytes();
    let mut k = at;
    while matches!(b.get(k), Some(b' ' | b'\t')) {
        k += 1;
    }
    let quoted = b.get(k) == Some(&b'"');
    if quoted {
        k += 1;
    }
    let name_start = k;
    // The name runs to `=`; the command would end first at a line break or
    // an operator.
    let eq = name_start
        + b[name_start..]
            .iter()
            .position(|&c| matches!(c, b'=' | b'\n' | b'&' | b'|' | b'"'))?;
    if b[eq] != b'=' {
        return None;
    }
    let name = text[name_start..eq].trim_end();
    if name.is_empty() || name.starts_with('/') || name.contains([' ', '\t']) {
        return None;
    }
    let vstart = eq + 1;
    let vend = if quoted {
        // `set "NAME=value"`: up to the closing quote on the line.
        vstart + b[vstart..].iter().position(|&c| c == b'"' || c == b'\n')?
    } else {
        // An unescaped `&` or `|` ends the command.
        let mut j = vstart;
        while j < b.len() && !matches!(b[j], b'&' | b'|' | b'\n') {
            j += if b[j] == b'^' { 2 } else { 1 };
        }
        let j = j.min(b.len());
        vstart + text[vstart..j].trim_end().len()
    };
    if quoted && b.get(vend) != Some(&b'"') {
        return None;
    }
    out.tok(
        Tok::Ident(&text[name_start..name_start + name.len()]),
        name_start,
        name_start + name.len(),
    );
    out.tok(Tok::Op(Op::Eq), eq, eq + 1);
    let from = out.parts.len();
    percent_into(&text[vstart..vend], vstart + out.base, &mut out.parts);
    out.str_from(from, vstart, vend);
    Some(if quoted { vend + 1 } else { vend })
}

/// One batch word starting at `i`: its parts (quotes removed, `%VAR%`
/// interpolated, `^x` escapes decoded) appended to `parts`; returns its end.
fn batch_word<'a>(text: &'a str, mut i: usize, base: usize, parts: &mut Vec<Part<'a>>) -> usize {
    let b = text.as_bytes();
    let mut run = i;
    let flush = |parts: &mut Vec<Part<'a>>, from: usize, to: usize| {
        if to > from {
            percent_into(&text[from..to], from + base, parts);
        }
    };
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => break,
            b'"' => {
                flush(parts, run, i);
                let close = b[i + 1..]
                    .iter()
                    .position(|&c| c == b'"' || c == b'\n')
                    .map_or(b.len(), |k| i + 1 + k);
                flush(parts, i + 1, close);
                i = if b.get(close) == Some(&b'"') {
                    close + 1
                } else {
                    close
                };
                run = i;
            }
            b'^' if i + 1 < b.len() && !matches!(b[i + 1], b'\n' | b'\r') => {
                flush(parts, run, i);
                let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                parts.push(Part::Text {
                    text: Cow::Borrowed(&text[i + 1..i + 1 + len]),
                    src: Some(i + 1 + base),
                });
                i += 1 + len;
                run = i;
            }
            b'^' => break,
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                i += len;
            }
        }
    }
    flush(parts, run, i);
    i
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check_offsets, strs};
    use super::super::{comments, lex, Tok};
    use crate::extract::Language;

    #[test]
    fn batch_comments_sets_and_variables() {
        let src = "@echo off\r\nREM old: /api/2.0/fo/scan/\r\n:: also old /api/2.0/fo/report/\r\nset QUALYS_API=https://qualysapi.qualys.com\r\nset \"SCAN=%QUALYS_API%/api/2.0/fo/scan/?action=list&show=1\"\r\ncurl -s \"%QUALYS_API%/api/2.0/fo/report/\" ^\r\n  -u %USER%:!PASS! & rem trailing\r\n:label\r\nremark.exe\r\n";
        check_offsets(Language::Batch, src);
        assert_eq!(
            strs(Language::Batch, src),
            [
                "echo",
                "off",
                "https://qualysapi.qualys.com",
                "<QUALYS_API>/api/2.0/fo/scan/?action=list&show=1",
                "curl",
                "-s",
                "<QUALYS_API>/api/2.0/fo/report/",
                "-u",
                "<USER>:<PASS>",
                "remark.exe"
            ]
        );
        let c: Vec<String> = comments(Language::Batch, src, 0)
            .into_iter()
            .map(|c| c.0.trim().to_string())
            .collect();
        assert_eq!(
            c,
            [
                "old: /api/2.0/fo/scan/",
                "also old /api/2.0/fo/report/",
                "trailing"
            ]
        );
        let toks = lex(Language::Batch, src, 0).toks;
        let names: Vec<&str> = toks
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Ident(n) => Some(n),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["QUALYS_API", "SCAN"]);
    }

    #[test]
    fn batch_unquoted_set_stops_at_ampersand() {
        let src = "set U=https://h/api/2.0/fo/scan/ & echo %U%\nset /a N=1+2\n";
        check_offsets(Language::Batch, src);
        let s = strs(Language::Batch, src);
        assert_eq!(s[0], "https://h/api/2.0/fo/scan/");
        assert!(s.contains(&"<U>".to_string()), "{s:?}");
        // `set /a` is arithmetic: no binding.
        let names: Vec<&str> = lex(Language::Batch, src, 0)
            .toks
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Ident(n) => Some(n),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["U"]);
    }
}
