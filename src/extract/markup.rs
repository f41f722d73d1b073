//! Markdown (and reStructuredText / AsciiDoc code blocks) and plain-text
//! extraction.
//!
//! Markdown: fenced code blocks are runnable examples, so their body is
//! handed to the extractor of the fence's language (calls); prose lines and
//! inline code spans are mentions, except inline code holding a command
//! (`curl …`) or a full URL. Plain text: one expression per line, a call
//! when the line holds a command, a URL or starts with an HTTP verb; a
//! command continued with a trailing `\` or PowerShell backtick is a call on
//! every line.

use super::structured::lines;
use super::{Binding, Expr, Extracted, Language, Seg};
use crate::model::FindingKind;

/// Programs whose command line is an HTTP request.
const COMMANDS: &[&str] = &[
    "curl",
    "wget",
    "invoke-restmethod",
    "invoke-webrequest",
    "iwr",
    "irm",
];

/// HTTP verbs that start a request line (`GET /api/2.0/fo/scan/`).
const VERBS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// Words after which a command may start (`sudo curl`, `RUN curl`).
const PREFIX_WORDS: &[&str] = &[
    "sudo", "exec", "run", "then", "do", "else", "time", "nohup", "xargs", "-", "*", "+", ">", "$",
    "%", "ps>", "!", "&", "call", "command", "env",
];

fn merge(into: &mut Extracted, from: Extracted) {
    into.exprs.extend(from.exprs);
    into.bindings.extend(from.bindings);
    into.idents.extend(from.idents);
}

fn finish(out: &mut Extracted) {
    out.idents.sort();
    out.idents.dedup();
}

/// One expression holding `t` verbatim at file offset `off` (base added).
fn verbatim(t: &str, off: usize, kind: FindingKind) -> Expr {
    let mut e = Expr::new(kind);
    e.push(Seg::literal(t, Some(off), (off, off + t.len())));
    e
}

/// Trims `s` (at offset `off`), returning the trimmed text and its offset.
fn trim_at(s: &str, off: usize) -> (&str, usize) {
    let t = s.trim_start();
    let off = off + (s.len() - t.len());
    (t.trim_end(), off)
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.'
}

/// Whether `s` holds a request command (`curl`, `wget`, `Invoke-RestMethod`,
/// …) in command position.
fn has_command(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let b = lower.as_bytes();
    for cmd in COMMANDS {
        let mut from = 0;
        // A real line names a command a few times; the cap keeps pathological
        // lines linear.
        let mut tries = 0;
        while let Some(k) = lower[from..].find(cmd) {
            tries += 1;
            if tries > 16 {
                break;
            }
            let at = from + k;
            let end = at + cmd.len();
            from = end;
            let before_ok = at == 0 || !is_word_byte(b[at - 1]);
            let after_ok = end == b.len()
                || matches!(b[end], b' ' | b'\t' | b'"' | b'\'' | b')' | b';' | b'`');
            // `curl.exe`
            let after_ok = after_ok || lower[end..].starts_with(".exe");
            if !(before_ok && after_ok) {
                continue;
            }
            if command_position(&lower[..at]) {
                return true;
            }
        }
    }
    false
}

/// Whether a command may start right after `before`.
fn command_position(before: &str) -> bool {
    let t = before.trim_end();
    if t.is_empty() {
        return true;
    }
    // A path to the program (`/usr/bin/curl`).
    if before.ends_with('/') || before.ends_with('\\') {
        let word_start = t.rfind([' ', '\t']).map_or(0, |k| k + 1);
        return command_position(&t[..word_start]);
    }
    if before.len() == t.len() {
        // Glued to the previous text (`x=curl` is fine, `acurl` never gets here).
        return matches!(
            t.as_bytes()[t.len() - 1],
            b'(' | b'=' | b'`' | b'"' | b'\'' | b'{' | b'|' | b';' | b'&'
        );
    }
    let last = t.as_bytes()[t.len() - 1];
    if matches!(
        last,
        b'|' | b';' | b'&' | b'(' | b'=' | b'`' | b'{' | b'"' | b'\'' | b'>' | b'$' | b':'
    ) {
        return true;
    }
    let word = t.rsplit([' ', '\t']).next().unwrap_or("");
    if PREFIX_WORDS.contains(&word) {
        return true;
    }
    // A numbered step (`1.`), or a prompt like `user@host:~$`.
    word.ends_with('$')
        || word.ends_with('#') && word.contains('@')
        || word
            .trim_end_matches('.')
            .bytes()
            .all(|c| c.is_ascii_digit())
}

/// Whether `s` starts with an HTTP verb followed by a path or URL.
fn starts_with_verb(s: &str) -> bool {
    let t = s.trim_start();
    VERBS.iter().any(|v| {
        t.strip_prefix(v).is_some_and(|r| {
            let r2 = r.trim_start();
            r2.len() < r.len()
                && (r2.starts_with('/')
                    || r2.starts_with("http")
                    || r2.starts_with("{{")
                    || r2.starts_with('$')
                    || r2.starts_with('<')
                    || r2.starts_with(':'))
        })
    })
}

fn has_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.contains("http://") || lower.contains("https://")
}

/// A plain-text line that is a comment (`#`, `;`, `//`, `REM`, `::`).
fn is_comment_line(t: &str) -> bool {
    t.starts_with('#')
        || t.starts_with(';')
        || t.starts_with("//")
        || t.starts_with("::")
        || t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("rem "))
}

/// Whether a (trimmed) line is a request in plain text.
pub(crate) fn line_is_call(t: &str) -> bool {
    !is_comment_line(t) && (has_command(t) || has_url(t) || starts_with_verb(t))
}

/// Whether a (trimmed) line continues onto the next: trailing `\`, or a
/// PowerShell backtick / cmd caret after whitespace.
fn continues(t: &str) -> bool {
    let b = t.as_bytes();
    match b.last() {
        Some(b'\\') => true,
        Some(b'`') | Some(b'^') => b.len() >= 2 && matches!(b[b.len() - 2], b' ' | b'\t'),
        _ => false,
    }
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}

/// A setting on a line: `key = value`, `KEY=value`, `key: value`,
/// `export KEY=value`, `$Key = "value"`, `<add key="K" value="V"/>`,
/// `<Key>value</Key>`. Returns (name, name offset, value, value offset).
fn setting(t: &str) -> Option<(&str, usize, &str, usize)> {
    if let Some(x) = xml_setting(t) {
        return Some(x);
    }
    let mut off = 0;
    for p in [
        "export ",
        "set ",
        "setx ",
        "$env:",
        "$",
        "readonly ",
        "declare ",
    ] {
        if t.len() > p.len() && t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)) {
            off = p.len();
            break;
        }
    }
    let b = t.as_bytes();
    let ns = off;
    if !b
        .get(ns)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    let mut i = ns;
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    let name = &t[ns..i];
    let mut j = i;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    match b.get(j) {
        Some(b'=') if b.get(j + 1) != Some(&b'=') => j += 1,
        Some(b':') if matches!(b.get(j + 1), Some(b' ') | Some(b'\t')) => j += 1,
        _ => return None,
    }
    let v = &t[j..];
    let (v, voff) = trim_at(v, j);
    let v = v.strip_suffix(';').unwrap_or(v).trim_end();
    let (v, voff) = unquote(v, voff);
    (!v.is_empty()).then_some((name, ns, v, voff))
}

fn unquote(v: &str, off: usize) -> (&str, usize) {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        (&v[1..v.len() - 1], off + 1)
    } else {
        (v, off)
    }
}

fn xml_attr<'a>(t: &'a str, attr: &str) -> Option<(&'a str, usize)> {
    let mut from = 0;
    while let Some(k) = t[from..].find(attr) {
        let at = from + k;
        from = at + attr.len();
        let before_ok = at > 0 && matches!(t.as_bytes()[at - 1], b' ' | b'\t');
        let rest = &t[at + attr.len()..];
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let q = *rest.as_bytes().get(1)?;
        if q != b'"' && q != b'\'' {
            continue;
        }
        let vstart = at + attr.len() + 2;
        let vlen = t[vstart..].find(q as char)?;
        return Some((&t[vstart..vstart + vlen], vstart));
    }
    None
}

fn xml_setting(t: &str) -> Option<(&str, usize, &str, usize)> {
    if !t.starts_with('<') {
        return None;
    }
    if let (Some((k, ko)), Some((v, vo))) = (
        xml_attr(t, "key").or_else(|| xml_attr(t, "name")),
        xml_attr(t, "value"),
    ) {
        return (!k.is_empty() && !v.is_empty()).then_some((k, ko, v, vo));
    }
    // `<Name>value</Name>`
    let b = t.as_bytes();
    let mut i = 1;
    while i < b.len() && is_name_byte(b[i]) {
        i += 1;
    }
    let name = &t[1..i];
    if name.is_empty() || b.get(i) != Some(&b'>') {
        return None;
    }
    let close = format!("</{name}>");
    let rest = &t[i + 1..];
    let k = rest.find(&close)?;
    let v = &rest[..k];
    (!v.is_empty() && !v.contains('<')).then_some((name, 1, v, i + 1))
}

fn binding_name(key: &str) -> Option<String> {
    let last = key
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(key)
        .trim_start_matches('$');
    (!last.is_empty()).then(|| last.to_string())
}

/// Plain text, config files, logs, unknown types: one expression per line.
pub fn extract_text(text: &str, base: usize) -> Extracted {
    let mut out = Extracted::default();
    // (trimmed text, offset, is call, continues)
    let items: Vec<(&str, usize, bool, bool)> = lines(text)
        .filter_map(|(lo, l)| {
            let (t, off) = trim_at(l, lo);
            (!t.is_empty()).then(|| (t, off, line_is_call(t), continues(t) && !is_comment_line(t)))
        })
        .collect();
    let mut i = 0;
    while i < items.len() {
        // A logical command: lines joined by continuations.
        let mut j = i;
        while j < items.len() && items[j].3 {
            j += 1;
        }
        let group = &items[i..=j.min(items.len() - 1)];
        let call = group.iter().any(|g| g.2);
        for &(t, off, _, _) in group {
            let kind = if call && !is_comment_line(t) {
                FindingKind::Call
            } else {
                FindingKind::Mention
            };
            out.exprs.push(verbatim(t, base + off, kind));
            if is_comment_line(t) {
                continue;
            }
            if let Some((name, noff, v, voff)) = setting(t) {
                if let Some(n) = binding_name(name) {
                    let value = verbatim(v, base + off + voff, kind);
                    out.bindings.push(Binding {
                        name: n,
                        value,
                        offset: base + off + noff,
                    });
                }
            }
        }
        i = j + 1;
    }
    out
}

// ---------------------------------------------------------------- Markdown

/// Indentation of `line` in columns (tabs to multiples of 4) and bytes.
fn indent_of(line: &str) -> (usize, usize) {
    let mut cols = 0;
    let mut bytes = 0;
    for c in line.bytes() {
        match c {
            b' ' => cols += 1,
            b'\t' => cols += 4 - cols % 4,
            _ => break,
        }
        bytes += 1;
    }
    (cols, bytes)
}

/// An opening code fence: (char, length, info string).
fn fence_open(line: &str) -> Option<(u8, usize, &str)> {
    let t = line.trim_start_matches([' ', '\t']);
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n..].trim();
    if c == b'`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

fn fence_close(line: &str, c: u8, n: usize) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    let m = t.bytes().take_while(|&x| x == c).count();
    m >= n && t[m..].trim().is_empty()
}

/// A list item marker at the start of `t` (after indentation): the width of
/// the marker and the spaces after it.
fn list_marker(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let m = match b.first()? {
        b'-' | b'*' | b'+' => 1,
        c if c.is_ascii_digit() => {
            let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 9 || !matches!(b.get(d), Some(b'.') | Some(b')')) {
                return None;
            }
            d + 1
        }
        _ => return None,
    };
    match b.get(m) {
        None => Some(m + 1),
        Some(b' ') | Some(b'\t') => {
            let sp = b[m..].iter().take_while(|&&c| c == b' ').count();
            Some(m + if sp > 4 { 1 } else { sp.max(1) })
        }
        _ => None,
    }
}

/// Whether an inline code span's content is a call: a command or a URL.
fn inline_is_call(code: &str) -> bool {
    let mut t = code.trim();
    for p in ["$ ", "> ", "PS> ", "% ", "sudo "] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.trim_start();
        }
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    let first = lower.split([' ', '\t']).next().unwrap_or("");
    let first = first.trim_end_matches(".exe");
    if COMMANDS.contains(&first) && lower.len() > first.len() {
        return true;
    }
    // HTTPie: `http GET …`, `https POST …`, `http https://…`
    if first == "http" || first == "https" {
        let rest = t[first.len()..].trim_start();
        return starts_with_verb(rest) || has_url(rest) || rest.starts_with(':');
    }
    false
}

/// Inline code spans of a line: (content start, content end) byte ranges.
/// A span opens at a run of backticks (not escaped) and closes at the next
/// run of the same length.
fn code_spans(l: &str) -> Vec<(usize, usize)> {
    let b = l.as_bytes();
    // Backtick runs: (start, length, escaped).
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let n = b[i..].iter().take_while(|&&c| c == b'`').count();
            runs.push((i, n, i > 0 && b[i - 1] == b'\\'));
            i += n;
        } else {
            i += 1;
        }
    }
    // The next run of each run's length, found in one backward pass.
    let mut next = vec![None; runs.len()];
    let mut last: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (k, r) in runs.iter().enumerate().rev() {
        next[k] = last.get(&r.1).copied();
        last.insert(r.1, k);
    }
    let mut spans = Vec::new();
    let mut k = 0;
    while k < runs.len() {
        let (start, n, escaped) = runs[k];
        match next[k] {
            Some(j) if !escaped => {
                spans.push((start + n, runs[j].0));
                k = j + 1;
            }
            _ => k += 1,
        }
    }
    spans
}

/// A prose line: inline commands and URLs in code spans are calls, the rest
/// of the line is a mention.
fn prose_line(out: &mut Extracted, l: &str, lo: usize, base: usize) {
    let mut from = 0;
    for (a, b) in code_spans(l) {
        let code = &l[a..b];
        if !inline_is_call(code) {
            continue;
        }
        let (ct, coff) = trim_at(code, a);
        // The prose before the span, without its opening backticks.
        let open = l[..a].trim_end_matches('`');
        let (pt, poff) = trim_at(&l[from..open.len().max(from)], from);
        if !pt.is_empty() {
            out.exprs
                .push(verbatim(pt, base + lo + poff, FindingKind::Mention));
        }
        out.exprs
            .push(verbatim(ct, base + lo + coff, FindingKind::Call));
        from = b + l[b..].bytes().take_while(|&c| c == b'`').count();
    }
    let (pt, poff) = trim_at(&l[from..], from);
    if !pt.is_empty() {
        out.exprs
            .push(verbatim(pt, base + lo + poff, FindingKind::Mention));
    }
}

/// The body of a code block in `lang`.
fn code_block(out: &mut Extracted, lang: Language, body: &str, off: usize) {
    let x = match lang {
        // Never recurse into Markdown from a code block.
        Language::Markdown | Language::Text => extract_text(body, off),
        l => super::extract(l, body, off),
    };
    merge(out, x);
}

/// An indented block in progress: continues while lines are blank or at
/// least `min_indent` columns deep.
struct Indented {
    lang: Language,
    min_indent: usize,
    start: usize,
    end: usize,
}

/// A fenced block in progress.
struct Fence<'a> {
    c: u8,
    n: usize,
    info: &'a str,
    body: usize,
}

/// RST `.. code-block:: lang`, returning the language word.
fn rst_directive(t: &str) -> Option<&str> {
    let r = t.strip_prefix("..")?.trim_start();
    for d in ["code-block::", "code::", "sourcecode::"] {
        if let Some(lang) = r.strip_prefix(d) {
            return Some(lang.trim());
        }
    }
    None
}

/// AsciiDoc `[source,lang]`, returning the language word.
fn adoc_source(t: &str) -> Option<&str> {
    let r = t.strip_prefix("[source")?.strip_suffix(']')?;
    Some(
        r.trim_start_matches(',')
            .split(',')
            .next()
            .unwrap_or("")
            .trim(),
    )
}

/// Markdown (also reStructuredText and AsciiDoc code blocks).
pub fn extract_markdown(text: &str, base: usize) -> Extracted {
    let mut out = Extracted::default();
    let mut fence: Option<Fence> = None;
    let mut block: Option<Indented> = None;
    // An indented block announced by an RST directive or `::`: (language,
    // indentation of the announcing line).
    let mut pending: Option<(Language, usize)> = None;
    // `[source,lang]` waiting for its `----`.
    let mut adoc: Option<&str> = None;
    // Content column of the current list item.
    let mut list_col: Option<usize> = None;
    let mut prev_blank = true;

    for (lo, l) in lines(text) {
        if let Some(f) = &fence {
            let closes = fence_close(l, f.c, f.n);
            if closes {
                let lang = if f.c == b'-' {
                    Language::of_fence(f.info)
                } else {
                    fence_lang(f.info)
                };
                let body = &text[f.body..lo];
                code_block(&mut out, lang, body, base + f.body);
                fence = None;
                prev_blank = true;
            }
            continue;
        }
        let (cols, ib) = indent_of(l);
        let t = l[ib..].trim_end();
        let blank = t.is_empty();

        if let Some(bk) = &mut block {
            if blank {
                continue;
            }
            if cols >= bk.min_indent {
                bk.end = lo + l.len();
                continue;
            }
            let (lang, start, end) = (bk.lang, bk.start, bk.end);
            block = None;
            code_block(&mut out, lang, &text[start..end], base + start);
            prev_blank = true;
        }
        if blank {
            prev_blank = true;
            continue;
        }
        if let Some((lang, parent)) = pending.take() {
            if cols > parent {
                // RST directive options (`:linenos:`) are not code.
                if lang != Language::Text && t.starts_with(':') && t[1..].contains(':') {
                    pending = Some((lang, parent));
                    continue;
                }
                block = Some(Indented {
                    lang,
                    min_indent: parent + 1,
                    start: lo,
                    end: lo + l.len(),
                });
                continue;
            }
        }
        if let Some(info) = adoc.take() {
            let dashes = t.bytes().take_while(|&c| c == b'-').count();
            if dashes >= 4 && dashes == t.len() {
                fence = Some(Fence {
                    c: b'-',
                    n: dashes,
                    info,
                    body: next_line(text, lo, l),
                });
                continue;
            }
        }
        if let Some((c, n, info)) = fence_open(l) {
            fence = Some(Fence {
                c,
                n,
                info,
                body: next_line(text, lo, l),
            });
            continue;
        }
        if let Some(lang) = rst_directive(t) {
            pending = Some((Language::of_fence(lang), cols));
            prev_blank = false;
            continue;
        }
        if let Some(lang) = adoc_source(t) {
            adoc = Some(lang);
            continue;
        }
        // Indented code (not inside a paragraph; deeper inside a list item).
        let code_min = list_col.map_or(4, |c| c + 4);
        if prev_blank && cols >= code_min {
            block = Some(Indented {
                lang: Language::Text,
                min_indent: code_min,
                start: lo,
                end: lo + l.len(),
            });
            continue;
        }
        // List bookkeeping.
        if cols < 4 {
            if let Some(m) = list_marker(&l[ib..]) {
                list_col = Some(cols + m);
            } else if prev_blank && list_col.is_some_and(|c| cols < c) {
                list_col = None;
            }
        }
        prose_line(&mut out, l, lo, base);
        if t.ends_with("::") && !t.starts_with("..") {
            pending = Some((Language::Text, cols));
        }
        // A complete HTML comment is a block of its own: indented code may
        // follow it directly.
        prev_blank = cols < 4 && t.starts_with("<!--") && t.ends_with("-->");
    }
    if let Some(f) = fence {
        let lang = if f.c == b'-' {
            Language::of_fence(f.info)
        } else {
            fence_lang(f.info)
        };
        let from = f.body.min(text.len());
        code_block(&mut out, lang, &text[from..], base + from);
    }
    if let Some(bk) = block {
        code_block(&mut out, bk.lang, &text[bk.start..bk.end], base + bk.start);
    }
    finish(&mut out);
    out
}

/// The offset of the line after line `l` (at `lo`, without its `\r\n`).
fn next_line(text: &str, lo: usize, l: &str) -> usize {
    let mut end = lo + l.len();
    if text.as_bytes().get(end) == Some(&b'\r') {
        end += 1;
    }
    (end + 1).min(text.len())
}

/// The language of a fence's info string (`{.bash}` and `bash title="x"`
/// included).
fn fence_lang(info: &str) -> Language {
    let info = info.trim_start_matches(['{', '.', ' ']);
    Language::of_fence(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_srcs(text: &str, base: usize, x: &Extracted) {
        for e in x.exprs.iter().chain(x.bindings.iter().map(|b| &b.value)) {
            for s in &e.segs {
                if let Some(o) = s.src {
                    assert!(o >= base, "{s:?}");
                    assert_eq!(&text[o - base..][..s.text.len()], s.text, "{s:?}");
                }
            }
        }
    }

    fn texts(x: &Extracted, kind: FindingKind) -> Vec<String> {
        x.exprs
            .iter()
            .filter(|e| e.kind() == kind)
            .map(|e| e.text())
            .collect()
    }

    #[test]
    fn text_lines_and_continuations() {
        let t = "Notes about /api/2.0/fo/scan/\r\n\r\ncurl -u \"$U:$P\" -H 'X-Requested-With: curl' \\\r\n  -d 'action=list' \\\r\n  \"$QUALYS_URL/api/2.0/fo/scan/\"\r\nGET /api/2.0/fo/asset/host/?action=list\r\n# curl https://h/api/2.0/fo/report/\r\nsee https://h/api/2.0/fo/x/ docs\r\nInvoke-RestMethod -Uri $u `\r\n   -Method Post\r\nuse curl to call /api/2.0/fo/y/\r\n";
        let x = extract_text(t, 50);
        check_srcs(t, 50, &x);
        assert_eq!(
            texts(&x, FindingKind::Call),
            [
                "curl -u \"$U:$P\" -H 'X-Requested-With: curl' \\",
                "-d 'action=list' \\",
                "\"$QUALYS_URL/api/2.0/fo/scan/\"",
                "GET /api/2.0/fo/asset/host/?action=list",
                "see https://h/api/2.0/fo/x/ docs",
                "Invoke-RestMethod -Uri $u `",
                "-Method Post",
            ]
        );
        assert_eq!(
            texts(&x, FindingKind::Mention),
            [
                "Notes about /api/2.0/fo/scan/",
                "# curl https://h/api/2.0/fo/report/",
                "use curl to call /api/2.0/fo/y/"
            ]
        );
        for e in &x.exprs {
            assert!(!e.text().contains('\r'));
        }
    }

    #[test]
    fn text_settings_bind() {
        let t = "[qualys]\napi_base = https://qualysapi.qualys.com/api/2.0/fo/\nexport QUALYS_URL=\"https://h/api/2.0\"\nqualys.api.url: https://h/\n<add key=\"QualysBase\" value=\"https://h/api/2.0/fo/\" />\n<BaseUrl>https://h/api/2.0/fo/</BaseUrl>\n";
        let x = extract_text(t, 3);
        check_srcs(t, 3, &x);
        let b: Vec<_> = x
            .bindings
            .iter()
            .map(|b| (b.name.as_str(), b.value.text()))
            .collect();
        assert_eq!(
            b,
            [
                (
                    "api_base",
                    "https://qualysapi.qualys.com/api/2.0/fo/".to_string()
                ),
                ("QUALYS_URL", "https://h/api/2.0".to_string()),
                ("url", "https://h/".to_string()),
                ("QualysBase", "https://h/api/2.0/fo/".to_string()),
                ("BaseUrl", "https://h/api/2.0/fo/".to_string()),
            ]
        );
        assert_eq!(x.bindings[0].offset, 3 + t.find("api_base").unwrap());
    }

    #[test]
    fn command_position_rules() {
        assert!(line_is_call("sudo curl -s x"));
        assert!(line_is_call("RESP=$(curl -s x)"));
        assert!(line_is_call("1. curl -s x"));
        assert!(line_is_call("user@host:~$ wget x"));
        assert!(line_is_call("/usr/bin/curl x"));
        assert!(line_is_call("curl.exe -s x"));
        assert!(!line_is_call("we use curl to fetch"));
        assert!(!line_is_call("libcurl is a library"));
        assert!(!line_is_call("GET requests are cached"));
        assert!(line_is_call("POST {{base}}/api/2.0/fo/scan/"));
    }

    #[test]
    fn markdown_text_fences_and_inline() {
        let t = "# Runbook\n\nThe old `/api/2.0/fo/scan/` endpoint, see [docs](https://h/api/2.0/fo/scan/).\n\nRun `curl -X POST https://h/api/2.0/fo/scan/?action=list` now, or open `https://h/api/2.0/fo/report/`.\n\n```\ncurl -u u:p \\\n  https://h/api/2.0/fo/asset/host/\nprose /api/2.0/fo/x/\n```\n\n~~~text\nGET /api/2.0/fo/y/\n~~~\n";
        let x = extract_markdown(t, 9);
        check_srcs(t, 9, &x);
        assert_eq!(
            texts(&x, FindingKind::Call),
            [
                "curl -X POST https://h/api/2.0/fo/scan/?action=list",
                "https://h/api/2.0/fo/report/",
                "curl -u u:p \\",
                "https://h/api/2.0/fo/asset/host/",
                "GET /api/2.0/fo/y/",
            ]
        );
        assert_eq!(
            texts(&x, FindingKind::Mention),
            [
                "# Runbook",
                "The old `/api/2.0/fo/scan/` endpoint, see [docs](https://h/api/2.0/fo/scan/).",
                "Run",
                "now, or open",
                ".",
                "prose /api/2.0/fo/x/",
            ]
        );
    }

    #[test]
    fn markdown_fence_dispatch_to_json_yaml() {
        let t = "```json\n{\"url\": \"https://h/api/2.0/fo/scan/\"}\n```\n```yaml\n# c\nurl: /api/2.0/fo/x/\n```\n";
        let x = extract_markdown(t, 0);
        check_srcs(t, 0, &x);
        assert_eq!(
            texts(&x, FindingKind::Call),
            ["https://h/api/2.0/fo/scan/", "/api/2.0/fo/x/"]
        );
        assert_eq!(texts(&x, FindingKind::Mention), ["c"]);
    }

    #[test]
    fn markdown_bash_fence_goes_to_code_extractor() {
        // The shell extractor is someone else's: only check that the fence
        // body (not the prose) reaches it with correct offsets, and no panic.
        let t = "Intro\n\n```bash\ncurl -s \\\n  \"https://h/api/2.0/fo/scan/?action=list\"\n```\n";
        let x = extract_markdown(t, 4);
        check_srcs(t, 4, &x);
        assert_eq!(texts(&x, FindingKind::Mention)[0], "Intro");
        let fence_at = 4 + t.find("curl").unwrap();
        for e in x.exprs.iter().skip(1) {
            if let Some((a, _)) = e.site() {
                assert!(a >= fence_at, "{e:?}");
            }
        }
    }

    #[test]
    fn markdown_indented_and_unclosed() {
        let t = "Para:\n\n    curl https://h/api/2.0/fo/scan/\n    more\n\n- item\n\n      curl https://h/api/2.0/fo/a/\n\nAfter\n\n```sh";
        let x = extract_markdown(t, 0);
        check_srcs(t, 0, &x);
        let calls = texts(&x, FindingKind::Call);
        assert!(calls.contains(&"curl https://h/api/2.0/fo/scan/".to_string()));
        assert!(calls.contains(&"curl https://h/api/2.0/fo/a/".to_string()));
        assert!(texts(&x, FindingKind::Mention).contains(&"After".to_string()));
        assert!(texts(&x, FindingKind::Mention).contains(&"more".to_string()));
    }

    #[test]
    fn rst_and_adoc_blocks() {
        let t = "Title\n=====\n\n.. code-block:: text\n   :linenos:\n\n   GET /api/2.0/fo/scan/\n\nBack to prose /api/2.0/fo/x/\n\n[source,text]\n----\ncurl https://h/api/2.0/fo/y/\n----\n";
        let x = extract_markdown(t, 0);
        check_srcs(t, 0, &x);
        assert_eq!(
            texts(&x, FindingKind::Call),
            ["GET /api/2.0/fo/scan/", "curl https://h/api/2.0/fo/y/"]
        );
        assert!(
            texts(&x, FindingKind::Mention).contains(&"Back to prose /api/2.0/fo/x/".to_string())
        );
    }

    #[test]
    fn markdown_crlf() {
        let t =
            "Text `curl https://h/api/2.0/fo/scan/`\r\n\r\n```\r\nGET /api/2.0/fo/x/\r\n```\r\n";
        let x = extract_markdown(t, 0);
        check_srcs(t, 0, &x);
        for e in &x.exprs {
            assert!(!e.text().contains('\r'), "{e:?}");
        }
        assert_eq!(
            texts(&x, FindingKind::Call),
            ["curl https://h/api/2.0/fo/scan/", "GET /api/2.0/fo/x/"]
        );
    }

    #[test]
    fn inline_call_detection() {
        assert!(inline_is_call("curl -s https://h/"));
        assert!(inline_is_call("$ wget x"));
        assert!(inline_is_call("Invoke-RestMethod -Uri $u"));
        assert!(inline_is_call("http GET :8080/api/2.0/fo/scan/"));
        assert!(inline_is_call("https://h/api/2.0/fo/scan/"));
        assert!(!inline_is_call("/api/2.0/fo/scan/"));
        assert!(!inline_is_call("curl"));
        assert!(!inline_is_call("POST /api/2.0/fo/scan/"));
    }

    #[test]
    fn fixtures_keep_their_spans_and_bindings() {
        // What each fixture must yield is checked end to end by
        // tests/it/fixtures.rs; here, that every piece points into the text.
        use crate::extract::structured::read_fixture;
        let t = read_fixture("text/qualys-sync.conf");
        let x = extract_text(&t, 0);
        check_srcs(&t, 0, &x);
        assert!(x.bindings.iter().any(|b| b.name == "host_list_url"));
        let t = read_fixture("markdown/runbook.md");
        let x = extract_markdown(&t, 0);
        check_srcs(&t, 0, &x);
        assert!(!x.exprs.is_empty());
    }

    fn garbage(seed: u64, n: usize) -> String {
        crate::extract::garbage(
            seed,
            n,
            b"`~ \n\r\t#-*:>.[]()\\/<>\"'abcurl GET http: 0123456789\xc3\xa9\xe2\x82\xac",
        )
    }

    #[test]
    fn large_inputs_are_linear() {
        let started = std::time::Instant::now();
        let one_line = "a b/curl\"/".repeat(300_000);
        let _ = extract_text(&one_line, 0);
        let _ = extract_markdown(&one_line, 0);
        let ticks: String = (1..2000)
            .map(|n| "`".repeat(n % 40 + 1) + "x")
            .collect::<String>()
            .repeat(40);
        let _ = extract_markdown(&ticks, 0);
        let many =
            "- item `curl https://h/api/2.0/fo/scan/`\n    code\n\n```sh\nx\n".repeat(50_000);
        let _ = extract_markdown(&many, 0);
        let _ = crate::extract::structured::extract_yaml(&one_line, 0);
        assert!(started.elapsed().as_secs() < 30);
    }

    #[test]
    fn garbage_never_panics() {
        let fixed = [
            "```",
            "~~~\n",
            "````\n```\n",
            "``",
            "`a``b`",
            "    ",
            "\t\tx",
            "..",
            ".. code::",
            "[source]\n----",
            "::\n",
            "\r",
            "\\",
        ];
        for g in fixed {
            check_srcs(g, 2, &extract_markdown(g, 2));
            check_srcs(g, 2, &extract_text(g, 2));
        }
        for seed in 0..600u64 {
            let g = garbage(seed, (seed as usize * 11) % 500);
            check_srcs(&g, 2, &extract_markdown(&g, 2));
            check_srcs(&g, 2, &extract_text(&g, 2));
        }
    }

    proptest::proptest! {
        #[test]
        fn prop_never_panics(s in "[`~ \n\r\t#*:>.\\[\\]()\\\\/<>\"'a-z0-9é=$-]{0,200}") {
            check_srcs(&s, 1, &extract_markdown(&s, 1));
            check_srcs(&s, 1, &extract_text(&s, 1));
        }
    }
}
