//! Line-oriented configuration and build files: INI (and `.properties`,
//! `.cfg`, `.conf`, `.env`), Makefiles, Dockerfiles.
//!
//! A setting (`key = value`, `NAME := value`, `ENV NAME value`) becomes
//! `Ident(name) Op(=) Str(value)`, so that the assembler binds it like an
//! assignment in code; commands (Makefile recipes, Dockerfile `RUN`) are
//! lexed as shell.
//!
//! What kind an unquoted value is: a value is a string a program reads (a
//! call candidate), unless it is prose: under a prose key (`description`,
//! `note`, …) or several words with no URL or command in them. A line that
//! is no setting is read as the plain-text extractor reads it (a call when
//! it holds a URL or a command, else a mention), which keeps `.conf` files
//! that are not INI (nginx, Apache) as they were.

use super::parts::{build_parts, config_into, dollar_into, Flavor};
use super::shell::shell_range;
use super::syntax::{At, Escape, Interp, Syntax};
use super::{line_end, Lexed, Offset, Op, Out, Tok};
use crate::extract::markup::line_is_call;
use crate::extract::structured::is_prose_key;

/// The end of the logical line starting at `ls`: physical lines joined
/// while one ends with `\` (its `\n` offset, or the end of the text).
fn logical_end(b: &[u8], ls: usize) -> usize {
    let mut le = line_end(b, ls);
    while le < b.len() && ends_with_backslash(&b[ls..le]) {
        le = line_end(b, le + 1);
    }
    le
}

fn ends_with_backslash(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.ends_with(b"\\")
}

fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// The first non-blank offset at or after `at`, before `end`.
fn skip_blanks(b: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && blank(b[at]) {
        at += 1;
    }
    at
}

/// The bound name of a key: its last `.` or `:` component.
fn last_component(key: &str) -> &str {
    key.rsplit(['.', ':']).next().unwrap_or(key)
}

/// Whether `value` reads as prose: several words, none a URL or command.
fn is_prose(value: &str) -> bool {
    value.contains([' ', '\t']) && !line_is_call(value)
}

/// A line that is no setting: a call when it holds a URL or a command,
/// else a mention, as the plain-text extractor reads it.
fn text_line<'a, O: Offset>(text: &'a str, from: usize, to: usize, out: &mut Out<'a, O>) {
    let t = text[from..to].trim_end();
    if t.is_empty() {
        return;
    }
    if line_is_call(t) {
        out.verbatim(t, from, from, from + t.len());
        out.tok(Tok::Newline, from + t.len(), from + t.len());
    } else {
        out.comment(t, from, from, from + t.len());
    }
}

// ------------------------------------------------------------------ INI

/// INI-like files: comments by the row's markers (at the start of a line,
/// or after a blank for inline ones), `[sections]`, `key = value` and
/// `key: value` settings (quoted values unquoted, `\` continuing a value
/// onto the next line), `${name}`, `$NAME` and `%(name)s` in values.
pub(super) fn lex_ini<'a, O: Offset>(syntax: &Syntax, text: &'a str, base: usize) -> Lexed<'a, O> {
    let b = text.as_bytes();
    let mut out = Out::new(base, text.len() / 16);
    let mut ls = 0;
    while ls < b.len() {
        let le = logical_end(b, ls);
        ini_line(syntax, text, ls, le, &mut out);
        ls = le + 1;
    }
    out.finish()
}

/// The line comment starting at `at`, if a marker of the row is there.
fn comment_marker(syntax: &Syntax, b: &[u8], at: usize) -> Option<usize> {
    syntax
        .line_comments
        .iter()
        .find(|c| b[at..].starts_with(c.marker.as_bytes()))
        .map(|c| c.marker.len())
}

fn ini_line<'a, O: Offset>(
    syntax: &Syntax,
    text: &'a str,
    ls: usize,
    le: usize,
    out: &mut Out<'a, O>,
) {
    let b = text.as_bytes();
    let p = skip_blanks(b, ls, le);
    if p >= le || b[p] == b'\r' || b[p] == b'\n' {
        return;
    }
    if let Some(len) = comment_marker(syntax, b, p) {
        let end = line_end(b, p);
        out.comment(text[p + len..end].trim_end_matches('\r'), p + len, p, end);
        return;
    }
    let first_end = line_end(b, p);
    let line = text[p..first_end].trim_end_matches('\r').trim_end();
    if line.starts_with('[') && line.ends_with(']') {
        return;
    }
    let mut k = p;
    if b[k..].starts_with(b"export ") {
        k = skip_blanks(b, k + 7, le);
    }
    let Some((key_end, sep, vstart)) = ini_separator(b, k, first_end) else {
        text_line(text, p, le, out);
        return;
    };
    let key = &text[k..key_end];
    // The value: to the end of the logical line, less an inline comment.
    let mut vend = le;
    while vend > vstart && matches!(b[vend - 1], b' ' | b'\t' | b'\r') {
        vend -= 1;
    }
    let quoted = matches!(b.get(vstart), Some(b'"' | b'\''))
        && text[vstart + 1..vend].contains(char::from(b[vstart]));
    let (body_start, body_end) = if quoted {
        let q = b[vstart];
        let close = vstart
            + 1
            + b[vstart + 1..vend]
                .iter()
                .position(|&c| c == q)
                .unwrap_or(0);
        if let Some((cs, ce)) = inline_comment(syntax, b, close + 1, vend) {
            out.comment(text[cs..ce].trim_end(), cs, cs, ce);
        }
        (vstart + 1, close)
    } else {
        match inline_comment(syntax, b, vstart, vend) {
            Some((marker, ce)) => {
                let mut e = marker;
                while e > vstart && blank(b[e - 1]) {
                    e -= 1;
                }
                out.comment(text[marker..ce].trim_end(), marker, marker, ce);
                (vstart, e)
            }
            None => (vstart, vend),
        }
    };
    if body_end <= body_start {
        return;
    }
    let value = &text[body_start..body_end];
    if is_prose_key(last_component(key)) || (!quoted && is_prose(value)) {
        out.comment(value, body_start, body_start, body_end);
        return;
    }
    let name = last_component(key);
    let name_start = key_end - name.len();
    out.tok(Tok::Ident(name), name_start, key_end);
    out.tok(Tok::Op(Op::Eq), sep, sep + 1);
    let from = out.parts.len();
    if quoted {
        config_into(value, body_start + out.base, &mut out.parts);
    } else {
        // A `\` line continuation joins the next line's text.
        let mut at = body_start;
        while at < body_end {
            let pe = line_end(b, at).min(body_end);
            let piece = text[at..pe].trim_end_matches('\r');
            let (piece, more) = match piece.strip_suffix('\\') {
                Some(p) if pe < body_end => (p, true),
                _ => (piece, false),
            };
            config_into(piece, at + out.base, &mut out.parts);
            if !more {
                break;
            }
            at = skip_blanks(b, pe + 1, body_end);
        }
    }
    out.str_from(from, body_start, body_end);
    out.tok(Tok::Newline, body_end, body_end);
}

/// A `key = value` / `key: value` separator on the line `k..end`: (end of
/// the key, the separator's offset, start of the value).
fn ini_separator(b: &[u8], k: usize, end: usize) -> Option<(usize, usize, usize)> {
    let mut j = k;
    while j < end
        && (b[j].is_ascii_alphanumeric()
            || matches!(b[j], b'_' | b'.' | b'-' | b' ' | b'\t' | b'/'))
    {
        j += 1;
    }
    let sep = j;
    let c = *b.get(sep).filter(|_| sep < end)?;
    let mut key_end = sep;
    while key_end > k && blank(b[key_end - 1]) {
        key_end -= 1;
    }
    if key_end == k || !b[k].is_ascii_alphabetic() && b[k] != b'_' {
        return None;
    }
    let key = &b[k..key_end];
    match c {
        b'=' if b.get(sep + 1) != Some(&b'=') => {}
        // `key: value`, but neither `https://…` nor prose (`Note that: …`).
        b':' if !key.iter().any(|&c| blank(c))
            && !matches!(b.get(sep + 1), Some(b'/' | b'\\' | b':')) => {}
        _ => return None,
    }
    if key.contains(&b'/') {
        return None;
    }
    Some((key_end, sep, skip_blanks(b, sep + 1, end)))
}

/// An inline comment in `from..to`: a marker of the row that may follow a
/// blank, after one: (marker offset, end).
fn inline_comment(syntax: &Syntax, b: &[u8], from: usize, to: usize) -> Option<(usize, usize)> {
    let markers = || {
        syntax
            .line_comments
            .iter()
            .filter(|c| c.at == At::AfterBlank)
    };
    markers().next()?;
    let mut k = from;
    while k < to {
        if (k == from || blank(b[k - 1]))
            && markers().any(|c| b[k..to].starts_with(c.marker.as_bytes()))
        {
            return Some((k, line_end(b, k).min(to)));
        }
        k += 1;
    }
    None
}

// ------------------------------------------------------------- Makefile

/// Makefiles: `#` comments, variable definitions (`NAME = v`, `:=`, `?=`,
/// `+=`, `define NAME … endef`), recipe lines (a leading tab) and
/// `target: ; command` as shell; `$(NAME)` and `${NAME}` expand.
pub(super) fn lex_make<O: Offset>(text: &str, base: usize) -> Lexed<'_, O> {
    let b = text.as_bytes();
    let mut out = Out::new(base, text.len() / 8);
    let mut ls = 0;
    while ls < b.len() {
        let le = logical_end(b, ls);
        let next = make_line(text, ls, le, &mut out);
        ls = next.max(le) + 1;
    }
    out.finish()
}

/// One logical Makefile line; returns the end of what it consumed (a
/// `define` block runs past its first line).
fn make_line<'a, O: Offset>(text: &'a str, ls: usize, le: usize, out: &mut Out<'a, O>) -> usize {
    let b = text.as_bytes();
    if b.get(ls) == Some(&b'\t') {
        shell_range(&text[..le], ls + 1, out);
        out.tok(Tok::Newline, le, le);
        return le;
    }
    let p = skip_blanks(b, ls, le);
    if p >= le {
        return le;
    }
    if b[p] == b'#' {
        out.comment(text[p + 1..le].trim_end_matches('\r'), p + 1, p, le);
        return le;
    }
    let mut k = p;
    for word in ["export ", "override ", "private "] {
        if b[k..].starts_with(word.as_bytes()) {
            k = skip_blanks(b, k + word.len(), le);
        }
    }
    // `define NAME` … `endef`
    if b[k..].starts_with(b"define ") {
        let n = skip_blanks(b, k + 7, le);
        let mut ne = n;
        while ne < le && !b[ne].is_ascii_whitespace() && b[ne] != b'=' && b[ne] != b':' {
            ne += 1;
        }
        let body = (le + 1).min(b.len());
        let mut at = body;
        let end = loop {
            if at >= b.len() {
                break b.len();
            }
            let e = line_end(b, at);
            if text[at..e].trim() == "endef" {
                break at;
            }
            at = e + 1;
        };
        if ne > n {
            out.tok(Tok::Ident(&text[n..ne]), n, ne);
            out.tok(Tok::Op(Op::Eq), ne, ne);
            let from = out.parts.len();
            dollar_into(
                &text[body..end],
                body + out.base,
                false,
                Flavor::Dollar,
                &mut out.parts,
            );
            out.str_from(from, body, end);
            out.tok(Tok::Newline, end, end);
        }
        return line_end(b, end);
    }
    // `NAME = value` and its variants.
    let mut j = k;
    while j < le && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'.' | b'-' | b'/')) {
        j += 1;
    }
    let name_end = j;
    let o = skip_blanks(b, j, le);
    let op_len = [":::=", "::=", ":=", "?=", "+=", "!=", "="]
        .iter()
        .find(|op| b[o..le].starts_with(op.as_bytes()))
        .map(|op| op.len());
    if let (true, Some(len)) = (name_end > k, op_len) {
        let vstart = skip_blanks(b, o + len, le);
        // `#` starts a comment unless escaped.
        let mut vend = le;
        let mut c = vstart;
        while c < le {
            if b[c] == b'#' && (c == 0 || b[c - 1] != b'\\') {
                out.comment(text[c + 1..le].trim_end_matches('\r'), c + 1, c, le);
                vend = c;
                break;
            }
            c += 1;
        }
        while vend > vstart && b[vend - 1].is_ascii_whitespace() {
            vend -= 1;
        }
        out.tok(Tok::Ident(&text[k..name_end]), k, name_end);
        out.tok(Tok::Op(Op::Eq), o, o + len);
        if vend > vstart {
            let from = out.parts.len();
            let mut at = vstart;
            while at < vend {
                let pe = line_end(b, at).min(vend);
                let piece = text[at..pe].trim_end_matches('\r');
                let piece = piece.strip_suffix('\\').unwrap_or(piece);
                dollar_into(piece, at + out.base, false, Flavor::Dollar, &mut out.parts);
                at = skip_blanks(b, pe + 1, vend);
            }
            out.str_from(from, vstart, vend);
        }
        out.tok(Tok::Newline, le, le);
        return le;
    }
    // A rule: `target: prerequisites ; recipe`, or a directive.
    match text[p..le].find(';') {
        Some(semi) if text[p..p + semi].contains(':') => {
            shell_range(&text[..le], p + semi + 1, out);
        }
        _ => shell_range(&text[..le], p, out),
    }
    out.tok(Tok::Newline, le, le);
    le
}

// ----------------------------------------------------------- Dockerfile

/// Dockerfiles: `#` comment lines; `ENV NAME value` bindings (the
/// `NAME=value` forms are shell assignments); exec-form `["curl", "…"]`
/// as strings; every other instruction's arguments as shell.
pub(super) fn lex_dockerfile<O: Offset>(text: &str, base: usize) -> Lexed<'_, O> {
    let b = text.as_bytes();
    let mut out = Out::new(base, text.len() / 8);
    let mut ls = 0;
    while ls < b.len() {
        let p = skip_blanks(b, ls, b.len());
        if b.get(p) == Some(&b'#') {
            let end = line_end(b, p);
            out.comment(text[p + 1..end].trim_end_matches('\r'), p + 1, p, end);
            ls = end + 1;
            continue;
        }
        let le = docker_logical_end(b, ls);
        docker_line(text, p.min(le), le, &mut out);
        out.tok(Tok::Newline, le, le);
        ls = le + 1;
    }
    out.finish()
}

/// Dockerfile instructions (a line starting with another word is read as
/// shell).
const INSTRUCTIONS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "ENV",
    "ARG",
    "LABEL",
    "HEALTHCHECK",
    "ADD",
    "COPY",
    "WORKDIR",
    "USER",
    "EXPOSE",
    "VOLUME",
    "SHELL",
    "ONBUILD",
    "STOPSIGNAL",
    "MAINTAINER",
];

/// As [`logical_end`], and a comment line inside a continued instruction
/// does not end it (Docker drops such lines).
fn docker_logical_end(b: &[u8], ls: usize) -> usize {
    let mut le = line_end(b, ls);
    let mut from = ls;
    while le < b.len() && ends_with_backslash(&b[from..le]) {
        let mut next = le + 1;
        loop {
            let p = skip_blanks(b, next, b.len());
            if b.get(p) != Some(&b'#') {
                break;
            }
            let e = line_end(b, p);
            if e >= b.len() {
                return e;
            }
            next = e + 1;
        }
        from = next;
        le = line_end(b, next);
    }
    le
}

fn docker_line<'a, O: Offset>(text: &'a str, p: usize, le: usize, out: &mut Out<'a, O>) {
    let b = text.as_bytes();
    let mut w = p;
    while w < le && b[w].is_ascii_alphabetic() {
        w += 1;
    }
    let instruction = &text[p..w];
    if !INSTRUCTIONS
        .iter()
        .any(|i| i.eq_ignore_ascii_case(instruction))
    {
        shell_range(&text[..le], p, out);
        return;
    }
    let args = skip_blanks(b, w, le);
    if instruction.eq_ignore_ascii_case("ENV") {
        // `ENV NAME value` (the legacy form: the rest is the value).
        let mut n = args;
        while n < le && (b[n].is_ascii_alphanumeric() || b[n] == b'_') {
            n += 1;
        }
        if n > args && n < le && blank(b[n]) {
            let vstart = skip_blanks(b, n, le);
            let mut vend = le;
            while vend > vstart && b[vend - 1].is_ascii_whitespace() {
                vend -= 1;
            }
            let (vs, ve) = match (b.get(vstart), vend.checked_sub(1).map(|e| b[e])) {
                (Some(&q), Some(l)) if (q == b'"' || q == b'\'') && l == q && vend > vstart + 1 => {
                    (vstart + 1, vend - 1)
                }
                _ => (vstart, vend),
            };
            out.tok(Tok::Ident(&text[args..n]), args, n);
            out.tok(Tok::Op(Op::Eq), n, n + 1);
            let from = out.parts.len();
            dollar_into(
                &text[vs..ve],
                vs + out.base,
                true,
                Flavor::Dollar,
                &mut out.parts,
            );
            out.str_from(from, vs, ve);
            return;
        }
    }
    if b.get(args) == Some(&b'[') {
        // Exec form: a JSON array of strings.
        let mut k = args + 1;
        while k < le {
            if b[k] == b'"' {
                let mut e = k + 1;
                while e < le && b[e] != b'"' {
                    e += if b[e] == b'\\' { 2 } else { 1 };
                }
                let e = e.min(le);
                let from = out.parts.len();
                build_parts(
                    &text[k + 1..e],
                    k + 1 + out.base,
                    b'"',
                    Escape::Backslash,
                    Interp::None,
                    &mut out.parts,
                );
                out.str_from(from, k, (e + 1).min(le));
                k = e + 1;
            } else {
                k += 1;
            }
        }
        return;
    }
    shell_range(&text[..le], args, out);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check_offsets, strs};
    use super::super::{comments, lex, Tok};
    use crate::extract::Language;

    fn names(lang: Language, src: &str) -> Vec<String> {
        lex(lang, src, 0)
            .toks
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Ident(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    }

    fn coms(lang: Language, src: &str) -> Vec<String> {
        comments(lang, src, 0)
            .into_iter()
            .map(|c| c.0.trim().to_string())
            .collect()
    }

    #[test]
    fn ini_settings_comments_and_prose() {
        let src = "; legacy /api/2.0/fo/scan/\n[qualys]\nbase_url = https://qualysapi.qualys.com/api/2.0/fo/ ; inline\nscan.path: \"%(base_url)sscan/?action=list\"\ndescription = Lists /api/2.0/fo/report/ nightly\nnote = calls /api/2.0/fo/asset/host/ sometimes\nhook = curl -s https://h/api/2.0/fo/report/ \\\n    -o out.xml\nhttps://not.a/key\nplain text line with /api/2.0/fo/scan/\n";
        check_offsets(Language::Ini, src);
        assert_eq!(
            strs(Language::Ini, src),
            [
                "https://qualysapi.qualys.com/api/2.0/fo/",
                "<base_url>scan/?action=list",
                "curl -s https://h/api/2.0/fo/report/ -o out.xml",
                "https://not.a/key"
            ]
        );
        assert_eq!(names(Language::Ini, src), ["base_url", "path", "hook"]);
        assert_eq!(
            coms(Language::Ini, src),
            [
                "legacy /api/2.0/fo/scan/",
                "; inline",
                "Lists /api/2.0/fo/report/ nightly",
                "calls /api/2.0/fo/asset/host/ sometimes",
                "plain text line with /api/2.0/fo/scan/"
            ]
        );
    }

    #[test]
    fn properties_and_dotenv() {
        let src =
            "! old\n# also old\nqualys.api.base=${QUALYS_HOST}/api/2.0/fo/\nurl:https://h/x#frag\n";
        check_offsets(Language::Properties, src);
        assert_eq!(
            strs(Language::Properties, src),
            ["<QUALYS_HOST>/api/2.0/fo/", "https://h/x#frag"]
        );
        assert_eq!(names(Language::Properties, src), ["base", "url"]);
        let src = "export QUALYS_URL=\"https://h/api/2.0/fo/scan/\" # c\nTOKEN='a b'\nEMPTY=\n";
        check_offsets(Language::Dotenv, src);
        assert_eq!(
            strs(Language::Dotenv, src),
            ["https://h/api/2.0/fo/scan/", "a b"]
        );
        assert_eq!(coms(Language::Dotenv, src), ["# c"]);
    }

    #[test]
    fn makefile_variables_recipes_and_rules() {
        let src = "# old /api/2.0/fo/scan/\nQUALYS_API ?= https://qualysapi.qualys.com\nSCAN := $(QUALYS_API)/api/2.0/fo/scan/ # trailing\nexport TOKEN=x\ndefine BODY\n/api/2.0/fo/report/\nendef\nscans:\n\tcurl -s \"$(SCAN)?action=list\" \\\n\t  -o scans.xml\nfetch: ; wget $(QUALYS_API)/api/2.0/fo/report/\n";
        check_offsets(Language::Makefile, src);
        let s = strs(Language::Makefile, src);
        assert!(
            s.contains(&"https://qualysapi.qualys.com".to_string()),
            "{s:?}"
        );
        assert!(
            s.contains(&"<QUALYS_API>/api/2.0/fo/scan/".to_string()),
            "{s:?}"
        );
        assert!(s.contains(&"<SCAN>?action=list".to_string()), "{s:?}");
        assert!(s.contains(&"/api/2.0/fo/report/\n".to_string()), "{s:?}");
        assert!(
            s.contains(&"<QUALYS_API>/api/2.0/fo/report/".to_string()),
            "{s:?}"
        );
        assert_eq!(
            names(Language::Makefile, src),
            ["QUALYS_API", "SCAN", "TOKEN", "BODY"]
        );
        assert_eq!(
            coms(Language::Makefile, src),
            ["old /api/2.0/fo/scan/", "trailing"]
        );
    }

    #[test]
    fn dockerfile_instructions() {
        let src = "# syntax comment /api/2.0/fo/scan/\nFROM alpine\nARG QUALYS_API=https://qualysapi.qualys.com\nENV SCAN_URL $QUALYS_API/api/2.0/fo/scan/\nENV A=1 B=\"two\"\nRUN apk add curl && \\\n    # dropped comment\n    curl -s \"$SCAN_URL?action=list\"\nCMD [\"curl\", \"-s\", \"https://h/api/2.0/fo/report/\"]\nrun echo lower\n";
        check_offsets(Language::Dockerfile, src);
        let s = strs(Language::Dockerfile, src);
        for want in [
            "https://qualysapi.qualys.com",
            "<QUALYS_API>/api/2.0/fo/scan/",
            "two",
            "<SCAN_URL>?action=list",
            "https://h/api/2.0/fo/report/",
            "lower",
        ] {
            assert!(s.contains(&want.to_string()), "{want}: {s:?}");
        }
        assert!(!s.contains(&"FROM".to_string()) && !s.contains(&"RUN".to_string()));
        assert_eq!(
            names(Language::Dockerfile, src),
            ["QUALYS_API", "SCAN_URL", "A", "B"]
        );
        assert_eq!(
            coms(Language::Dockerfile, src),
            ["syntax comment /api/2.0/fo/scan/", "dropped comment"]
        );
    }
}
