//! JSON and YAML extraction.
//!
//! Neither format is parsed for real: a tolerant hand-written JSON tokenizer
//! (JSONC comments, JSON5 single quotes and bare keys, unbalanced brackets,
//! unterminated strings) and a line-oriented YAML reader are enough to find
//! every string value with byte offsets, in linear time, without panicking on
//! whatever a repository holds.
//!
//! JSON specifics: Postman `url.path` arrays are joined into one path (only
//! when the `url` object has no `raw` string, which already reports it);
//! Jupyter cells make markdown/raw cell sources and cell outputs mentions;
//! values under prose keys (`name`, `description`, …) are mentions; saved
//! responses are mentions. Every string under a key is also a [`Binding`].

use super::{Binding, Expr, Extracted, Seg};
use crate::model::FindingKind;

/// Keys whose string values are prose (titles, descriptions, messages): a
/// path there names an endpoint rather than calling it.
const PROSE_KEYS: &[&str] = &[
    "name",
    "description",
    "summary",
    "title",
    "comment",
    "comments",
    "msg",
    "message",
    "help",
    "notes",
    "note",
    "doc",
    "docs",
    "label",
    "displayname",
];

/// Keys whose whole subtree is a mention (saved example responses).
const MENTION_TREE_KEYS: &[&str] = &["response", "responses", "description"];

/// Deeper nesting than this is tracked by a counter only; strings there are
/// still scanned, without their keys.
const MAX_DEPTH: usize = 2048;

pub(crate) fn is_prose_key(key: &str) -> bool {
    PROSE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

fn is_mention_tree_key(key: &str) -> bool {
    MENTION_TREE_KEYS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(key))
}

/// The bound name for a key: the last dotted component, without `$`.
fn binding_name(key: &str) -> Option<String> {
    let last = key
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(key)
        .trim()
        .trim_start_matches('$');
    if last.is_empty() {
        None
    } else {
        Some(last.to_string())
    }
}

/// Adds the names used in `{{ name }}` templates (Postman variables, Jinja)
/// to `idents`.
fn template_idents(text: &str, idents: &mut Vec<String>) {
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        rest = &rest[i + 2..];
        let Some(j) = rest.find("}}") else { break };
        let inner = rest[..j].trim();
        let name: String = inner
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '-')
            .collect();
        if let Some(n) = binding_name(&name) {
            idents.push(n);
        }
        rest = &rest[j + 2..];
    }
}

fn finish_idents(out: &mut Extracted) {
    out.idents.sort();
    out.idents.dedup();
}

/// Decodes a backslash-escaped string body `s` (the text between quotes,
/// at file offset `off`) into segments: verbatim runs keep their offset,
/// decoded escapes have none. `single` selects YAML single-quote rules
/// (`''` is a quote, no backslash escapes).
fn decode_escaped(s: &str, off: usize, site: (usize, usize), single: bool) -> Vec<Seg> {
    let b = s.as_bytes();
    let mut segs = Vec::new();
    let mut run = 0;
    let mut i = 0;
    let flush = |segs: &mut Vec<Seg>, from: usize, to: usize| {
        if to > from {
            segs.push(Seg::literal(&s[from..to], Some(off + from), site));
        }
    };
    while i < b.len() {
        if single {
            if b[i] == b'\'' && b.get(i + 1) == Some(&b'\'') {
                flush(&mut segs, run, i);
                segs.push(Seg::literal("'", None, site));
                i += 2;
                run = i;
            } else {
                i += 1;
            }
            continue;
        }
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        flush(&mut segs, run, i);
        let Some(c) = s[i + 1..].chars().next() else {
            // A trailing lone backslash: keep it.
            segs.push(Seg::literal("\\", None, site));
            i += 1;
            run = i;
            break;
        };
        let mut next = i + 1 + c.len_utf8();
        let decoded: String = match c {
            'n' => "\n".into(),
            't' => "\t".into(),
            'r' => "\r".into(),
            'b' => "\u{8}".into(),
            'f' => "\u{c}".into(),
            '0' => "\u{0}".into(),
            'u' => {
                let hex = |at: usize| -> Option<u32> {
                    let h = s.get(at..at + 4)?;
                    if h.bytes().all(|x| x.is_ascii_hexdigit()) {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        None
                    }
                };
                match hex(i + 2) {
                    Some(hi) if (0xD800..0xDC00).contains(&hi) => {
                        let lo = if s.get(i + 6..i + 8) == Some("\\u") {
                            hex(i + 8)
                        } else {
                            None
                        };
                        match lo {
                            Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                next = i + 12;
                                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                char::from_u32(cp).unwrap_or('\u{FFFD}').to_string()
                            }
                            _ => {
                                next = i + 6;
                                "\u{FFFD}".into()
                            }
                        }
                    }
                    Some(cp) => {
                        next = i + 6;
                        char::from_u32(cp).unwrap_or('\u{FFFD}').to_string()
                    }
                    None => "u".into(),
                }
            }
            other => other.to_string(),
        };
        segs.push(Seg::literal(decoded, None, site));
        i = next;
        run = i;
    }
    flush(&mut segs, run, b.len().max(run));
    segs
}

// ---------------------------------------------------------------- JSON

#[derive(Debug)]
enum JTok {
    Open(u8),
    Close(u8),
    Colon,
    Comma,
    /// A string: span of the token (quotes included), span of the content.
    Str {
        start: usize,
        end: usize,
        cstart: usize,
        cend: usize,
    },
    /// A bare word: number, literal, JSON5 key, garbage.
    Word {
        start: usize,
        end: usize,
    },
}

struct JLexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl JLexer<'_> {
    fn next(&mut self) -> Option<JTok> {
        let b = self.b;
        loop {
            while self.i < b.len() && b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
            if self.i >= b.len() {
                return None;
            }
            if b[self.i] == b'/' && b.get(self.i + 1) == Some(&b'/') {
                self.i = memchr::memchr(b'\n', &b[self.i..]).map_or(b.len(), |k| self.i + k);
                continue;
            }
            if b[self.i] == b'/' && b.get(self.i + 1) == Some(&b'*') {
                self.i = memchr::memmem::find(&b[self.i + 2..], b"*/")
                    .map_or(b.len(), |k| self.i + 2 + k + 2);
                continue;
            }
            break;
        }
        let start = self.i;
        let c = b[start];
        self.i += 1;
        Some(match c {
            b'{' | b'[' => JTok::Open(c),
            b'}' | b']' => JTok::Close(c),
            b':' => JTok::Colon,
            b',' => JTok::Comma,
            b'"' | b'\'' => {
                // Ends at the matching quote, or (tolerance) at a newline.
                let mut j = self.i;
                loop {
                    match b.get(j) {
                        None => break,
                        Some(&x) if x == c => break,
                        Some(b'\n') => break,
                        Some(b'\\') => {
                            j += 1;
                            // Step over the escaped char, but not a newline.
                            if b.get(j).is_some_and(|&x| x != b'\n') {
                                j += 1;
                            }
                        }
                        Some(_) => j += 1,
                    }
                }
                // `j` stops on an ASCII byte or at the end: a char boundary.
                let j = j.min(b.len());
                let mut cend = j;
                if b.get(j) == Some(&c) {
                    self.i = j + 1;
                } else {
                    self.i = j;
                    // An unterminated string before CRLF: drop the `\r`.
                    if cend > start + 1 && b[cend - 1] == b'\r' {
                        cend -= 1;
                    }
                }
                JTok::Str {
                    start,
                    end: self.i,
                    cstart: start + 1,
                    cend,
                }
            }
            _ => {
                while self.i < b.len()
                    && !b[self.i].is_ascii_whitespace()
                    && !matches!(
                        b[self.i],
                        b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"' | b'\''
                    )
                {
                    self.i += 1;
                }
                while !self.s.is_char_boundary(self.i) {
                    self.i += 1;
                }
                JTok::Word { start, end: self.i }
            }
        })
    }
}

/// One open `{` or `[`.
#[derive(Default)]
struct Frame {
    is_obj: bool,
    /// File offset (without base) of the bracket.
    start: usize,
    /// Object: the current key and its offset; array: the key it sits under.
    key: Option<(String, usize)>,
    /// Object: a string seen where a key was expected, not yet followed by `:`.
    pending: Option<JString>,
    /// Number of exprs when the current value began.
    value_start: usize,
    /// Everything under this frame is a mention.
    mention: bool,
    // Object facts, settled when it closes.
    has_raw: bool,
    cell_type: Option<String>,
    path_expr: Option<Expr>,
    source: Option<(usize, usize)>,
    outputs: Option<(usize, usize)>,
    kv_key: Option<String>,
    kv_value: Option<(Expr, usize)>,
    // Array: the strings of a `path` array, `None` once a non-string is seen.
    path_parts: Option<Vec<Vec<Seg>>>,
}

struct JString {
    segs: Vec<Seg>,
    text: String,
    /// File offset (without base) of the token.
    start: usize,
}

struct JParser<'a> {
    s: &'a str,
    base: usize,
    stack: Vec<Frame>,
    /// Brackets opened beyond [`MAX_DEPTH`].
    overflow: usize,
    /// Open objects on the stack (arrays are the rest).
    objs: usize,
    out: Extracted,
    /// Notebook cells in document order (see [`NotebookCell`]), recorded
    /// only when asked for.
    cells: Option<Vec<NotebookCell>>,
}

/// A Jupyter cell as the JSON reader saw it: its type and the content
/// ranges (between the quotes, raw file offsets) of its non-empty source
/// strings, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NotebookCell {
    pub cell_type: String,
    pub strings: Vec<(usize, usize)>,
}

impl JParser<'_> {
    fn string(&self, start: usize, end: usize, cstart: usize, cend: usize) -> JString {
        let body = self.s.get(cstart..cend).unwrap_or("");
        let site = (self.base + start, self.base + end);
        let segs = decode_escaped(body, self.base + cstart, site, false);
        let text = segs.iter().map(|s| s.text.as_str()).collect();
        JString { segs, text, start }
    }

    /// A string nested deeper than [`MAX_DEPTH`]: its key and context are
    /// not tracked, but it is still scanned, as a value of the deepest
    /// tracked context (a mention inside a mention tree, else a call).
    fn deep_string(&mut self, start: usize, end: usize, cstart: usize, cend: usize) {
        let js = self.string(start, end, cstart, cend);
        if js.text.is_empty() {
            return;
        }
        template_idents(&js.text, &mut self.out.idents);
        let kind = if self.in_mention() {
            FindingKind::Mention
        } else {
            FindingKind::Call
        };
        self.out.exprs.push(Expr {
            segs: js.segs,
            kind: Some(kind),
        });
    }

    fn in_mention(&self) -> bool {
        self.stack.last().is_some_and(|f| f.mention)
    }

    /// A scalar value (string or word) just ended at this depth.
    fn scalar(&mut self, js: Option<JString>) {
        let mention_ctx = self.in_mention();
        let base = self.base;
        let key = self
            .stack
            .last()
            .and_then(|f| if f.is_obj { f.key.clone() } else { None });
        if let Some(js) = js {
            let prose = key.as_ref().is_some_and(|(k, _)| is_prose_key(k));
            if let Some(f) = self.stack.last_mut() {
                if !f.is_obj {
                    if let Some(parts) = f.path_parts.as_mut() {
                        parts.push(js.segs.clone());
                    }
                }
                if f.is_obj {
                    if let Some((k, _)) = &key {
                        if k == "raw" {
                            f.has_raw = true;
                        }
                        if k == "cell_type" {
                            f.cell_type = Some(js.text.clone());
                        }
                    }
                }
            }
            template_idents(&js.text, &mut self.out.idents);
            if !js.text.is_empty() {
                let kind = if mention_ctx || prose {
                    FindingKind::Mention
                } else {
                    FindingKind::Call
                };
                let expr = Expr {
                    segs: js.segs,
                    kind: Some(kind),
                };
                if let Some((k, koff)) = &key {
                    if let Some(name) = binding_name(k) {
                        self.out.bindings.push(Binding {
                            name,
                            value: expr.clone(),
                            offset: base + koff,
                        });
                    }
                    if let Some(f) = self.stack.last_mut() {
                        if k == "key" {
                            f.kv_key = Some(js.text.clone());
                        } else if k == "value" {
                            f.kv_value = Some((expr.clone(), base + js.start));
                        }
                    }
                }
                self.out.exprs.push(expr);
            }
        } else if let Some(f) = self.stack.last_mut() {
            if !f.is_obj {
                f.path_parts = None;
            }
        }
        self.value_done();
    }

    /// The value under the current key of the top object is complete.
    fn value_done(&mut self) {
        let n = self.out.exprs.len();
        let Some(f) = self.stack.last_mut() else {
            return;
        };
        if !f.is_obj {
            f.value_start = n;
            return;
        }
        if let Some((k, _)) = &f.key {
            let range = (f.value_start, n);
            if k == "source" {
                f.source = Some(range);
            } else if k == "outputs" {
                f.outputs = Some(range);
            }
        }
        f.key = None;
        f.value_start = n;
    }

    fn open(&mut self, c: u8, at: usize) {
        self.flush_pending();
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
            return;
        }
        let n = self.out.exprs.len();
        let (key, mention) = match self.stack.last_mut() {
            Some(p) => {
                p.path_parts = None;
                let key = if p.is_obj { p.key.clone() } else { None };
                let mention =
                    p.mention || key.as_ref().is_some_and(|(k, _)| is_mention_tree_key(k));
                (key, mention)
            }
            None => (None, false),
        };
        let path_parts = if c == b'[' && key.as_ref().is_some_and(|(k, _)| k == "path") {
            Some(Vec::new())
        } else {
            None
        };
        if c == b'{' {
            self.objs += 1;
        }
        self.stack.push(Frame {
            is_obj: c == b'{',
            start: at,
            key: if c == b'[' { key } else { None },
            value_start: n,
            mention,
            path_parts,
            ..Frame::default()
        });
    }

    fn close(&mut self, c: u8, at: usize) {
        self.flush_pending();
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        let want_obj = c == b'}';
        // Pop to the matching bracket (amortised: every frame is popped
        // once); a stray closer matches nothing.
        let open = if want_obj {
            self.objs
        } else {
            self.stack.len() - self.objs
        };
        if open == 0 {
            return;
        }
        while self.stack.last().is_some_and(|f| f.is_obj != want_obj) {
            self.pop(None);
        }
        self.pop(Some(at + 1));
    }

    /// Closes the top frame (`end`: offset after its closer, if any).
    fn pop(&mut self, end: Option<usize>) {
        let Some(f) = self.stack.pop() else { return };
        let end = end.unwrap_or(self.s.len());
        if f.is_obj {
            self.objs -= 1;
            // Notebook cells sit at `{"cells": [cell]}`; deeper "cells" are
            // not looked at (which also keeps marking linear).
            let cell_depth = self.stack.len() <= 3;
            if let (Some(ct), true, Some(cells)) = (&f.cell_type, cell_depth, self.cells.as_mut()) {
                let strings = f
                    .source
                    .and_then(|(a, b)| self.out.exprs.get(a..b))
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|e| {
                        let site = e.segs.first()?.site;
                        (site.1 >= site.0 + 2).then(|| (site.0 + 1, site.1 - 1))
                    })
                    .collect();
                cells.push(NotebookCell {
                    cell_type: ct.clone(),
                    strings,
                });
            }
            if let (Some(ct), true) = (&f.cell_type, cell_depth) {
                if let Some((a, b)) = f.source {
                    if ct == "code" {
                        // Comment lines of a code cell are mentions.
                        for e in self.out.exprs.get_mut(a..b).into_iter().flatten() {
                            if e.segs
                                .first()
                                .is_some_and(|s| s.text.trim_start().starts_with('#'))
                            {
                                e.kind = Some(FindingKind::Mention);
                            }
                        }
                    } else {
                        self.mark_mention(a, b);
                    }
                }
                if let Some((a, b)) = f.outputs {
                    self.mark_mention(a, b);
                }
            }
            if !f.has_raw {
                if let Some(e) = f.path_expr {
                    self.out.exprs.push(e);
                }
            }
            if let (Some(k), Some((v, off))) = (f.kv_key, f.kv_value) {
                if let Some(name) = binding_name(&k) {
                    self.out.bindings.push(Binding {
                        name,
                        value: v,
                        offset: off,
                    });
                }
            }
        } else if let Some(parts) = f.path_parts {
            let site = (self.base + f.start, self.base + end);
            let mention = f.mention;
            if let (false, Some(p)) = (parts.is_empty(), self.stack.last_mut()) {
                let mut e = Expr::new(if mention {
                    FindingKind::Mention
                } else {
                    FindingKind::Call
                });
                for segs in parts {
                    e.push(Seg::literal("/", None, site));
                    for s in segs {
                        e.push(s);
                    }
                }
                if p.is_obj {
                    p.path_expr = Some(e);
                }
            }
        }
        if let Some(p) = self.stack.last_mut() {
            p.path_parts = None;
        }
        self.value_done();
    }

    fn mark_mention(&mut self, a: usize, b: usize) {
        for e in self.out.exprs.get_mut(a..b).into_iter().flatten() {
            e.kind = Some(FindingKind::Mention);
        }
    }

    /// A string that was waiting for `:` turned out to be a value.
    fn flush_pending(&mut self) {
        if let Some(js) = self.stack.last_mut().and_then(|f| f.pending.take()) {
            if let Some(f) = self.stack.last_mut() {
                f.key = None;
            }
            self.scalar(Some(js));
        }
    }

    fn run(&mut self) {
        let mut lx = JLexer {
            s: self.s,
            b: self.s.as_bytes(),
            i: 0,
        };
        while let Some(t) = lx.next() {
            match t {
                JTok::Open(c) => {
                    let at = lx.i - 1;
                    self.open(c, at);
                }
                JTok::Close(c) => {
                    let at = lx.i - 1;
                    self.close(c, at);
                }
                JTok::Colon => {
                    if self.overflow > 0 {
                        continue;
                    }
                    if let Some(f) = self.stack.last_mut() {
                        if let Some(js) = f.pending.take() {
                            f.key = Some((js.text, js.start));
                            f.value_start = self.out.exprs.len();
                        }
                    }
                }
                JTok::Comma => {
                    self.flush_pending();
                    if let Some(f) = self.stack.last_mut() {
                        if f.is_obj {
                            f.key = None;
                        }
                    }
                }
                JTok::Str {
                    start,
                    end,
                    cstart,
                    cend,
                } => {
                    if self.overflow > 0 {
                        self.deep_string(start, end, cstart, cend);
                        continue;
                    }
                    let js = self.string(start, end, cstart, cend);
                    self.word_or_string(Some(js), start, end);
                }
                JTok::Word { start, end } => {
                    if self.overflow > 0 {
                        continue;
                    }
                    self.word_or_string(None, start, end);
                }
            }
        }
        while !self.stack.is_empty() {
            self.flush_pending();
            self.pop(None);
        }
    }

    fn word_or_string(&mut self, js: Option<JString>, start: usize, end: usize) {
        self.flush_pending();
        let Some(f) = self.stack.last_mut() else {
            self.scalar(js);
            return;
        };
        if f.is_obj && f.key.is_none() {
            // Expecting a key: wait for `:` to decide.
            let js = js.unwrap_or_else(|| JString {
                segs: Vec::new(),
                text: self.s.get(start..end).unwrap_or("").to_string(),
                start,
            });
            f.pending = Some(js);
            return;
        }
        self.scalar(js);
    }
}

/// Extracts every string value of a JSON (JSONC, JSON5-ish, notebook,
/// Postman, HAR) file.
pub fn extract_json(text: &str, base: usize) -> Extracted {
    json_with_cells(text, base, false).0
}

/// [`extract_json`] of a notebook, with its cells in document order
/// (offsets are raw file offsets: `base` is 0).
pub(crate) fn extract_json_cells(text: &str) -> (Extracted, Vec<NotebookCell>) {
    json_with_cells(text, 0, true)
}

fn json_with_cells(text: &str, base: usize, cells: bool) -> (Extracted, Vec<NotebookCell>) {
    let mut p = JParser {
        s: text,
        base,
        stack: Vec::new(),
        overflow: 0,
        objs: 0,
        out: Extracted::default(),
        cells: cells.then(Vec::new),
    };
    p.run();
    let cells = p.cells.take().unwrap_or_default();
    let mut out = p.out;
    // A pending bare word that never got a `:` is not a value worth keeping;
    // pending strings were flushed by `run`. Exprs made of nothing are dropped.
    out.exprs.retain(|e| !e.segs.is_empty());
    finish_idents(&mut out);
    (out, cells)
}

// ---------------------------------------------------------------- YAML

/// Lines of `text` as `(offset, content)`, without `\n` or a trailing `\r`.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut off = 0;
    text.split('\n').map(move |l| {
        let start = off;
        off += l.len() + 1;
        (start, l.strip_suffix('\r').unwrap_or(l))
    })
}

/// Position of a YAML comment `#` in `s` (at start or after whitespace,
/// outside quotes), scanning from `from`.
fn yaml_comment(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    // Quotes only open a scalar at a token start.
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') {
                    return Some(i);
                }
                if (c == b'"' || c == b'\'')
                    && (i == from
                        || matches!(b[i - 1], b' ' | b'\t' | b'[' | b'{' | b',' | b':' | b'-'))
                {
                    quote = Some(c);
                }
            }
        }
        i += 1;
    }
    None
}

/// Position of the `:` that ends a mapping key in `s` (followed by a space
/// or the end), outside quotes and flow brackets.
fn yaml_key_colon(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'"') | Some(b'\'')) {
        let q = b[0];
        i = 1;
        while i < b.len() && b[i] != q {
            if b[i] == b'\\' && q == b'"' {
                i += 1;
            }
            i += 1;
        }
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        return (b.get(i) == Some(&b':')
            && matches!(b.get(i + 1), None | Some(b' ') | Some(b'\t')))
        .then_some(i);
    }
    if matches!(b.first(), Some(b'[') | Some(b'{') | Some(b'|') | Some(b'>')) {
        return None;
    }
    while i < b.len() {
        if b[i] == b':' && matches!(b.get(i + 1), None | Some(b' ') | Some(b'\t')) {
            return Some(i);
        }
        if b[i] == b'#' && i > 0 && matches!(b[i - 1], b' ' | b'\t') {
            return None;
        }
        i += 1;
    }
    None
}

/// A plain `NAME=value` sequence item (docker-compose `environment:`).
fn env_item(v: &str, off: usize, base: usize) -> Option<Binding> {
    let lead = v.len() - v.trim_start().len();
    let t = v.trim();
    let eq = t.find('=')?;
    let name = &t[..eq];
    let ok = name
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    let value = &t[eq + 1..];
    if !ok || value.is_empty() {
        return None;
    }
    let at = base + off + lead + eq + 1;
    let mut e = Expr::new(FindingKind::Call);
    e.push(Seg::literal(value, Some(at), (at, at + value.len())));
    Some(Binding {
        name: name.to_string(),
        value: e,
        offset: base + off + lead,
    })
}

/// A block scalar in progress.
struct Block {
    /// Indentation of the line holding the indicator.
    parent_indent: usize,
    kind: FindingKind,
    key: Option<(String, usize)>,
    folded: bool,
    value: Expr,
}

struct Yaml<'a> {
    base: usize,
    out: Extracted,
    _s: &'a str,
}

impl Yaml<'_> {
    fn mention(&mut self, text: &str, off: usize) {
        let t = text.trim_end();
        if t.is_empty() {
            return;
        }
        let site = (self.base + off, self.base + off + t.len());
        let mut e = Expr::new(FindingKind::Mention);
        e.push(Seg::literal(t, Some(self.base + off), site));
        self.out.exprs.push(e);
    }

    /// Emits the scalar `v` (at offset `off`, comment already cut) and
    /// returns its expr.
    fn scalar(&mut self, v: &str, off: usize, kind: FindingKind) -> Option<Expr> {
        let lead = v.len() - v.trim_start().len();
        let v = v.trim();
        let off = off + lead;
        if v.is_empty() {
            return None;
        }
        let b = v.as_bytes();
        let segs = if b[0] == b'"' || b[0] == b'\'' {
            let q = b[0];
            // Find the closing quote.
            let mut i = 1;
            while i < b.len() {
                if q == b'"' && b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == q {
                    if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let close = i.min(b.len());
            let end = if close < b.len() { close + 1 } else { b.len() };
            let site = (self.base + off, self.base + off + end);
            let body = v.get(1..close).unwrap_or("");
            decode_escaped(body, self.base + off + 1, site, q == b'\'')
        } else {
            let site = (self.base + off, self.base + off + v.len());
            vec![Seg::literal(v, Some(self.base + off), site)]
        };
        let e = Expr {
            segs,
            kind: Some(kind),
        };
        if e.text().is_empty() {
            return None;
        }
        template_idents(&e.text(), &mut self.out.idents);
        self.out.exprs.push(e.clone());
        Some(e)
    }

    /// Items of a flow collection (`[a, "b"]`, `{k: v}`) on one line.
    fn flow(&mut self, v: &str, off: usize, kind: FindingKind) {
        let b = v.as_bytes();
        let mut i = 0;
        let mut item = 0;
        while i <= b.len() {
            let c = b.get(i).copied();
            match c {
                Some(b'"') | Some(b'\'') if v[item..i].trim().is_empty() => {
                    let q = c.unwrap_or(b'"');
                    let mut j = i + 1;
                    while j < b.len() && b[j] != q {
                        if b[j] == b'\\' && q == b'"' {
                            j += 1;
                        }
                        j += 1;
                    }
                    let end = (j + 1).min(b.len());
                    self.scalar(&v[i..end], off + i, kind);
                    i = end;
                    item = i;
                    // Skip to the next delimiter.
                    while i < b.len() && !matches!(b[i], b',' | b']' | b'}') {
                        i += 1;
                    }
                    item = item.max(i);
                    if i < b.len() {
                        item = i + 1;
                    }
                    i += 1;
                }
                None | Some(b',') | Some(b'[') | Some(b']') | Some(b'{') | Some(b'}') => {
                    let piece = &v[item..i.min(b.len())];
                    let (p, poff) = match yaml_key_colon(piece.trim_start()) {
                        Some(k) => {
                            let lead = piece.len() - piece.trim_start().len();
                            (&piece[lead + k + 1..], item + lead + k + 1)
                        }
                        None => (piece, item),
                    };
                    if !p.trim().is_empty() {
                        self.scalar(p, off + poff, kind);
                    }
                    i += 1;
                    item = i.min(b.len());
                }
                Some(_) => i += 1,
            }
        }
    }

    fn end_block(&mut self, blk: Block) {
        if let Some((k, koff)) = blk.key {
            if let (Some(name), false) = (binding_name(&k), blk.value.segs.is_empty()) {
                self.out.bindings.push(Binding {
                    name,
                    value: blk.value,
                    offset: self.base + koff,
                });
            }
        }
    }

    fn run(&mut self, text: &str) {
        let mut block: Option<Block> = None;
        let mut last_name: Option<(String, usize)> = None;
        for (lo, line) in lines(text) {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            let content = &line[indent..];
            if let Some(blk) = block.as_mut() {
                if content.is_empty() {
                    continue;
                }
                if indent > blk.parent_indent {
                    let t = content.trim_end();
                    let kind = if t.starts_with('#') {
                        FindingKind::Mention
                    } else {
                        blk.kind
                    };
                    let off = self.base + lo + indent;
                    let site = (off, off + t.len());
                    let mut e = Expr::new(kind);
                    e.push(Seg::literal(t, Some(off), site));
                    template_idents(t, &mut self.out.idents);
                    if !blk.value.segs.is_empty() {
                        blk.value.push(Seg::literal(
                            if blk.folded { " " } else { "\n" },
                            None,
                            site,
                        ));
                    }
                    blk.value.push(Seg::literal(t, Some(off), site));
                    self.out.exprs.push(e);
                    continue;
                }
                if let Some(b) = block.take() {
                    self.end_block(b);
                }
            }
            if content.is_empty()
                || content == "---"
                || content == "..."
                || content.starts_with("--- ")
            {
                continue;
            }
            if content.starts_with('%') && indent == 0 {
                continue;
            }
            // Cut the comment.
            let (body, comment) = match yaml_comment(content, 0) {
                Some(c) => (&content[..c], Some(c)),
                None => (content, None),
            };
            if let Some(c) = comment {
                let t = &content[c + 1..];
                let t_lead = t.len() - t.trim_start().len();
                self.mention(t.trim_start(), lo + indent + c + 1 + t_lead);
            }
            // Sequence markers.
            let mut rest = body;
            let mut roff = lo + indent;
            let mut dash_col = None;
            loop {
                let t = rest.trim_start();
                let skip = rest.len() - t.len();
                if t == "-" || t.starts_with("- ") || t.starts_with("-\t") {
                    dash_col = Some(roff + skip - lo);
                    rest = &rest[skip + 1..];
                    roff += skip + 1;
                    continue;
                }
                break;
            }
            let t = rest.trim_start();
            roff += rest.len() - t.len();
            let rest = t;
            if rest.trim().is_empty() {
                continue;
            }
            let (key, mut val, mut voff) = match yaml_key_colon(rest) {
                Some(k) => {
                    let raw = rest[..k].trim_end();
                    let name = raw.trim_matches(|c| c == '"' || c == '\'').to_string();
                    (Some((name, roff)), &rest[k + 1..], roff + k + 1)
                }
                None => (None, rest, roff),
            };
            let col = roff - lo;
            let kind = match &key {
                Some((k, _)) if is_prose_key(k) => FindingKind::Mention,
                _ => FindingKind::Call,
            };
            // Node properties: anchors, tags, aliases.
            loop {
                let t = val.trim_start();
                let lead = val.len() - t.len();
                if t.starts_with('&') || t.starts_with('!') || t.starts_with('*') {
                    let w = t.find([' ', '\t']).unwrap_or(t.len());
                    if t.starts_with('*') {
                        val = "";
                        break;
                    }
                    val = &t[w..];
                    voff += lead + w;
                    continue;
                }
                break;
            }
            let t = val.trim();
            if t.starts_with('|') || t.starts_with('>') {
                let ind = t[1..].trim();
                if ind
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
                {
                    // Content must be indented more than the node's parent:
                    // the key, or the `-` of a bare sequence item.
                    let parent_indent = if key.is_some() {
                        col
                    } else {
                        dash_col.unwrap_or(indent)
                    };
                    block = Some(Block {
                        parent_indent,
                        kind,
                        key: key.clone(),
                        folded: t.starts_with('>'),
                        value: Expr::new(kind),
                    });
                    continue;
                }
            }
            if t.starts_with('[') || t.starts_with('{') {
                let lead = val.len() - val.trim_start().len();
                self.flow(val.trim_start(), voff + lead, kind);
                continue;
            }
            if let Some(e) = self.scalar(val, voff, kind) {
                if let Some((k, koff)) = key {
                    // `- name: QUALYS_URL` / `value: https://…` (k8s env,
                    // Postman-like lists) binds the name.
                    if k == "name" {
                        last_name = Some((e.text(), col));
                    } else if k == "value" {
                        if let Some((n, c)) = last_name.take() {
                            if let (true, Some(name)) = (c == col, binding_name(&n)) {
                                self.out.bindings.push(Binding {
                                    name,
                                    value: e.clone(),
                                    offset: self.base + koff,
                                });
                            }
                        }
                    }
                    if let Some(name) = binding_name(&k) {
                        self.out.bindings.push(Binding {
                            name,
                            value: e,
                            offset: self.base + koff,
                        });
                    }
                } else if let Some(b) = env_item(val, voff, self.base) {
                    self.out.bindings.push(b);
                }
            }
        }
        if let Some(b) = block.take() {
            self.end_block(b);
        }
    }
}

/// Extracts values (calls) and comments (mentions) from a YAML file, line
/// by line.
pub fn extract_yaml(text: &str, base: usize) -> Extracted {
    let mut y = Yaml {
        base,
        out: Extracted::default(),
        _s: text,
    };
    y.run(text);
    let mut out = y.out;
    finish_idents(&mut out);
    out
}

/// A fixture's text for the extractors' own tests (the planted
/// expectations are checked end to end by `tests/it/fixtures.rs`, the one
/// parser of them).
#[cfg(test)]
pub(crate) fn read_fixture(rel: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    let s = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every verbatim segment really is the file's text at its offset.
    fn check_srcs(text: &str, base: usize, x: &Extracted) {
        for e in x.exprs.iter().chain(x.bindings.iter().map(|b| &b.value)) {
            for s in &e.segs {
                if let Some(o) = s.src {
                    assert!(o >= base, "{s:?}");
                    assert_eq!(&text[o - base..][..s.text.len()], s.text, "{s:?}");
                }
                assert!(
                    s.site.0 <= s.site.1 && s.site.1 <= base + text.len(),
                    "{s:?}"
                );
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
    fn json_strings_keys_bindings() {
        let t = r#"{"base_url": "https://qualysapi.qualys.com/api/2.0/fo/", "n": 3, "list": ["a", "b"]}"#;
        let x = extract_json(t, 100);
        check_srcs(t, 100, &x);
        assert_eq!(
            texts(&x, FindingKind::Call),
            ["https://qualysapi.qualys.com/api/2.0/fo/", "a", "b"]
        );
        let b = &x.bindings[0];
        assert_eq!(b.name, "base_url");
        assert_eq!(b.offset, 101);
        assert_eq!(b.value.text(), "https://qualysapi.qualys.com/api/2.0/fo/");
        let seg = &x.exprs[0].segs[0];
        let q = t.find("\"https").unwrap();
        assert_eq!(seg.src, Some(100 + q + 1));
        assert_eq!(seg.site, (100 + q, 100 + q + 42));
    }

    #[test]
    fn postman_raw_and_path() {
        let t = r#"{"item": [
          {"name": "List", "request": {"method": "POST", "url": {
             "raw": "{{baseUrl}}/api/2.0/fo/scan/?action=list",
             "host": ["{{baseUrl}}"], "path": ["api", "2.0", "fo", "scan", ""]}}},
          {"name": "Path only", "request": {"url": {
             "host": ["{{baseUrl}}"], "path": ["api","2.0","fo","asset","host",""]}}},
          {"request": {"url": {"path": ["api","2.0","fo","report",""], "raw": "{{baseUrl}}/api/2.0/fo/report/"}}}
        ]}"#;
        let x = extract_json(t, 0);
        check_srcs(t, 0, &x);
        let calls = texts(&x, FindingKind::Call);
        let scan: Vec<_> = calls
            .iter()
            .filter(|c| c.contains("/api/2.0/fo/scan/"))
            .collect();
        assert_eq!(scan, ["{{baseUrl}}/api/2.0/fo/scan/?action=list"]);
        assert_eq!(
            calls
                .iter()
                .filter(|c| c.contains("/api/2.0/fo/report/"))
                .count(),
            1
        );
        let joined: Vec<_> = calls
            .iter()
            .filter(|c| c.contains("/api/2.0/fo/asset/host/"))
            .collect();
        assert_eq!(joined, ["/api/2.0/fo/asset/host/"]);
        let e = x
            .exprs
            .iter()
            .find(|e| e.text() == "/api/2.0/fo/asset/host/")
            .unwrap();
        let a = t.find(r#"["api","2.0","fo","asset""#).unwrap();
        assert_eq!(
            e.site(),
            Some((a, a + r#"["api","2.0","fo","asset","host",""]"#.len()))
        );
        // Names are prose: mentions, not calls.
        assert!(texts(&x, FindingKind::Mention).contains(&"Path only".to_string()));
        assert!(x.idents.contains(&"baseUrl".to_string()));
    }

    #[test]
    fn postman_variables_bind() {
        let t = r#"{"variable": [{"key": "baseUrl", "value": "https://qualysapi.qualys.com/api/2.0/fo"}]}"#;
        let x = extract_json(t, 0);
        let b = x.bindings.iter().find(|b| b.name == "baseUrl").unwrap();
        assert_eq!(b.value.text(), "https://qualysapi.qualys.com/api/2.0/fo");
    }

    #[test]
    fn notebook_cells() {
        let t = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Uses /api/2.0/fo/scan/\n", "old API"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["GET /api/2.0/fo/host/ ok\n"]}],
   "source": ["import requests\n", "  # was /api/2.0/fo/report/\n", "r = requests.post(BASE + \"/api/2.0/fo/scan/\")\n"]},
  {"metadata": {}, "source": ["x = '/pcrs/1.0/posture/policy/list'"], "cell_type": "markdown"}
 ],
 "nbformat": 4
}"##;
        let x = extract_json(t, 0);
        check_srcs(t, 0, &x);
        let calls = texts(&x, FindingKind::Call);
        let mentions = texts(&x, FindingKind::Mention);
        assert!(calls.contains(&"import requests\n".to_string()));
        assert!(calls.contains(&"r = requests.post(BASE + \"/api/2.0/fo/scan/\")\n".to_string()));
        assert!(mentions.contains(&"# Uses /api/2.0/fo/scan/\n".to_string()));
        assert!(mentions.contains(&"GET /api/2.0/fo/host/ ok\n".to_string()));
        assert!(mentions.contains(&"x = '/pcrs/1.0/posture/policy/list'".to_string()));
        assert!(mentions.contains(&"  # was /api/2.0/fo/report/\n".to_string()));
        // The verbatim run before the escape keeps its offset.
        let e = x
            .exprs
            .iter()
            .find(|e| e.text().starts_with("r = "))
            .unwrap();
        assert_eq!(e.segs[0].text, "r = requests.post(BASE + ");
        assert!(e.segs[0].src.is_some());
    }

    #[test]
    fn json_escapes_have_no_src() {
        let t = r#"{"u": "https:\/\/h\/api\/2.0\/fo\/scan\/", "q": "say \"hi\"", "e": "\u00e9\ud83d\ude00"}"#;
        let x = extract_json(t, 7);
        check_srcs(t, 7, &x);
        let c = texts(&x, FindingKind::Call);
        assert_eq!(c, ["https://h/api/2.0/fo/scan/", "say \"hi\"", "é😀"]);
        for e in &x.exprs {
            for s in &e.segs {
                if s.text.contains('/') || s.text.contains('"') {
                    assert_eq!(s.src, None, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn jsonc_and_json5() {
        let t = "{\r\n  // a comment with /api/2.0/fo/scan/\r\n  /* block */ url: 'https://h/api/2.0/fo/',\r\n}";
        let x = extract_json(t, 0);
        check_srcs(t, 0, &x);
        assert_eq!(texts(&x, FindingKind::Call), ["https://h/api/2.0/fo/"]);
        assert_eq!(x.bindings[0].name, "url");
    }

    #[test]
    fn broken_json_never_panics() {
        let cases = [
            "",
            "{",
            "}",
            "[",
            "]]]]",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": \"unterminated\n, \"b\": \"x\"}",
            "\"\\",
            "\"\\u12",
            "\"\\ud800\"",
            "{\"a\" \"b\" : }",
            "[\"é\\",
            "{\"path\": [\"api\", 1, \"x\"]}",
            "{\"path\": []}",
            "/*",
            "//",
            "{\"a\": [}]",
            "\"\\é\"",
            "'",
            "{,:,:}",
        ];
        for c in cases {
            let x = extract_json(c, 3);
            check_srcs(c, 3, &x);
        }
        let unterminated = extract_json("{\"a\": \"https://h/api/2.0/fo/\n\"b\": \"c\"}", 0);
        assert!(unterminated
            .exprs
            .iter()
            .any(|e| e.text() == "https://h/api/2.0/fo/"));
    }

    #[test]
    fn deep_and_large_json_is_linear() {
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        let _ = extract_json(&deep, 0);
        let deep2 = "{\"a\":".repeat(100_000);
        let _ = extract_json(&deep2, 0);
        // Strings past the tracked depth are still scanned (keys are no
        // longer told from values there), in the deepest tracked context.
        for (key, kind) in [
            ("a", FindingKind::Call),
            ("responses", FindingKind::Mention),
        ] {
            let deep = format!(
                "{{\"{key}\": {}{{\"k\": \"https://h/api/2.0/fo/scan/\"}}{}}}",
                "[".repeat(5000),
                "]".repeat(5000)
            );
            let x = extract_json(&deep, 0);
            assert!(texts(&x, kind).contains(&"https://h/api/2.0/fo/scan/".to_string()));
            check_srcs(&deep, 0, &x);
        }
        let stray = "[".repeat(3000) + &"}".repeat(1_000_000);
        let _ = extract_json(&stray, 0);
        let nested_cells = "{\"cell_type\":\"raw\",\"source\":[\"x\",".repeat(50_000);
        let _ = extract_json(&nested_cells, 0);
        let mut big = String::from("[");
        while big.len() < 3_000_000 {
            big.push_str("{\"url\":\"https:\\/\\/h\\/api\\/2.0\\/fo\\/scan\\/\",\"n\":1},");
        }
        big.push(']');
        let t = std::time::Instant::now();
        let x = extract_json(&big, 0);
        assert!(x.exprs.len() > 10_000);
        assert!(t.elapsed().as_secs() < 20);
    }

    #[test]
    fn yaml_comment_mention_vs_value_call() {
        let t = "# Old API: /api/2.0/fo/scan/\nurl: \"{{ qualys_api_url }}/api/2.0/fo/scan/?action=list\"  # legacy\nmethod: POST\npath: /api/3.0/fo/scan/#frag\n";
        let x = extract_yaml(t, 10);
        check_srcs(t, 10, &x);
        assert_eq!(
            texts(&x, FindingKind::Mention),
            ["Old API: /api/2.0/fo/scan/", "legacy"]
        );
        assert_eq!(
            texts(&x, FindingKind::Call),
            [
                "{{ qualys_api_url }}/api/2.0/fo/scan/?action=list",
                "POST",
                "/api/3.0/fo/scan/#frag"
            ]
        );
        let b: Vec<_> = x.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(b, ["url", "method", "path"]);
        assert_eq!(x.bindings[0].offset, 10 + t.find("url:").unwrap());
        assert!(x.idents.contains(&"qualys_api_url".to_string()));
    }

    #[test]
    fn yaml_lists_quotes_flow() {
        let t = "tasks:\n  - name: Launch /api/2.0/fo/scan/\n    uri:\n      url: 'https://h/api/2.0/fo/scan/?a=''b'''\n  - - \"/api/2.0/fo/asset/\"\n    - plain /api/2.0/fo/report/\nlist: [\"/api/2.0/fo/x/\", plain, {k: /api/2.0/fo/y/}]\n\"q key\": v\n";
        let x = extract_yaml(t, 0);
        check_srcs(t, 0, &x);
        let calls = texts(&x, FindingKind::Call);
        assert!(
            calls.contains(&"https://h/api/2.0/fo/scan/?a='b'".to_string()),
            "{calls:?}"
        );
        assert!(calls.contains(&"/api/2.0/fo/asset/".to_string()));
        assert!(calls.contains(&"plain /api/2.0/fo/report/".to_string()));
        assert!(calls.contains(&"/api/2.0/fo/x/".to_string()));
        assert!(calls.contains(&"plain".to_string()));
        assert!(calls.contains(&"/api/2.0/fo/y/".to_string()));
        assert!(calls.contains(&"v".to_string()));
        assert!(!calls
            .iter()
            .any(|c| c.contains("tasks") || c.contains("uri")));
        assert_eq!(
            texts(&x, FindingKind::Mention),
            ["Launch /api/2.0/fo/scan/"]
        );
        assert!(x.bindings.iter().any(|b| b.name == "q key"));
    }

    #[test]
    fn yaml_env_bindings() {
        let t = "services:\n  sync:\n    environment:\n      - QUALYS_URL=https://h/api/2.0/fo/\n    env:\n      - name: KB\n        value: https://h/api/2.0/fo/knowledge_base/vuln/\n";
        let x = extract_yaml(t, 2);
        check_srcs(t, 2, &x);
        let b = x.bindings.iter().find(|b| b.name == "QUALYS_URL").unwrap();
        assert_eq!(b.value.text(), "https://h/api/2.0/fo/");
        assert_eq!(b.offset, 2 + t.find("QUALYS_URL").unwrap());
        let b = x.bindings.iter().find(|b| b.name == "KB").unwrap();
        assert_eq!(b.value.text(), "https://h/api/2.0/fo/knowledge_base/vuln/");
    }

    #[test]
    fn yaml_block_scalars() {
        let t = "run: |\n  curl -u x \\\n    https://h/api/2.0/fo/scan/\n  # note\n\nurl: >-\n  https://h/api/2.0/\n  fo/\nafter: x\n";
        let x = extract_yaml(t, 0);
        check_srcs(t, 0, &x);
        let calls = texts(&x, FindingKind::Call);
        assert_eq!(
            calls,
            [
                "curl -u x \\",
                "https://h/api/2.0/fo/scan/",
                "https://h/api/2.0/",
                "fo/",
                "x"
            ]
        );
        assert_eq!(texts(&x, FindingKind::Mention), ["# note"]);
        let b = x.bindings.iter().find(|b| b.name == "url").unwrap();
        assert_eq!(b.value.text(), "https://h/api/2.0/ fo/");
    }

    #[test]
    fn yaml_crlf() {
        let t = "a: \"x/api/2.0/fo/\"\r\n# c\r\nb: |\r\n  line\r\n";
        let x = extract_yaml(t, 0);
        check_srcs(t, 0, &x);
        for e in &x.exprs {
            assert!(!e.text().contains('\r'));
        }
        assert_eq!(texts(&x, FindingKind::Call), ["x/api/2.0/fo/", "line"]);
    }

    #[test]
    fn fixtures_keep_their_spans_and_bindings() {
        // What each fixture must yield is checked end to end by
        // tests/it/fixtures.rs; here, that every piece points into the text.
        for rel in [
            "json/qualys.postman_collection.json",
            "json/kb_export.ipynb",
        ] {
            let t = read_fixture(rel);
            let x = extract_json(&t, 0);
            check_srcs(&t, 0, &x);
            assert!(!x.exprs.is_empty(), "{rel}");
        }
        for rel in ["yaml/ansible_qualys.yml", "yaml/group_vars_qualys.yml"] {
            let t = read_fixture(rel);
            let x = extract_yaml(&t, 0);
            check_srcs(&t, 0, &x);
            assert!(!x.exprs.is_empty(), "{rel}");
        }
        let t = read_fixture("yaml/group_vars_qualys.yml");
        let y = extract_yaml(&t, 0);
        assert!(y.bindings.iter().any(|b| b.name == "QUALYS_KB_URL"));
        assert!(y.bindings.iter().any(|b| b.name == "qualys_scan_url"));
    }

    fn garbage(seed: u64, n: usize) -> String {
        crate::extract::garbage(
            seed,
            n,
            b"{}[]:,\"'\\/ \n\r\t#-|>&*!abcu0123456789\xc3\xa9\xe2\x82\xac`~{}",
        )
    }

    #[test]
    fn garbage_never_panics() {
        for seed in 0..600u64 {
            let g = garbage(seed, (seed as usize * 7) % 400);
            let x = extract_json(&g, 5);
            check_srcs(&g, 5, &x);
            let y = extract_yaml(&g, 5);
            check_srcs(&g, 5, &y);
        }
    }

    proptest::proptest! {
        #[test]
        fn prop_never_panics(s in "[{}\\[\\]:,\"'\\\\/ \n\r#|>a-z0-9é-]{0,200}") {
            let x = extract_json(&s, 1);
            check_srcs(&s, 1, &x);
            let y = extract_yaml(&s, 1);
            check_srcs(&s, 1, &y);
        }
    }
}
