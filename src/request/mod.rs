//! Reads the request around a matched endpoint: the HTTP method, the
//! `action` and the parameters, each with its place in the file.
//!
//! The request is looked for where the call is written:
//!
//! - the URL's own query string (`…/scan/?action=list`);
//! - shell and PowerShell: the logical command (lines joined by `\` or a
//!   backtick) — curl `-X`/`--request`, `-G`, `-d`/`--data*`/`-F` words,
//!   `-Method`, and `k=v` words;
//! - code: the innermost call whose parentheses hold the URL — keyword
//!   arguments and `key: value` entries (`action="list"`,
//!   `{'action': 'list'}`, `url.Values{"action": {"list"}}`,
//!   `JSON.stringify({…})`, `URLSearchParams({…})`, `@{action='list'}`),
//!   `k=v&…` strings, and a dictionary or hashtable literal bound to a name
//!   passed as `data=`/`params=`/`json=`/`body:`/`-Body` or splatted
//!   (`@params`);
//! - Postman JSON: the request object around the URL — its `method`, and
//!   `{"key": …, "value": …}` entries of `query`, `urlencoded` and
//!   `formdata`, and a `raw` body.
//!
//! Only literal keys and values are trusted: a key whose value is computed
//! is recorded with no value (unknown), never guessed. Text-level and
//! bounded: the window around a call is at most [`WINDOW`] bytes.

use crate::model::request::{Param, ParamSource, Request};
use crate::source::LineIndex;
use std::borrow::Cow;

/// Bytes searched before a match for the opening of its call, and after it
/// for the close.
pub const WINDOW: usize = 4096;

/// Bytes searched before a call for the literal bound to a name it passes.
const BINDING_WINDOW: usize = 16 * 1024;

/// How the file around a match is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// POSIX shells, Dockerfiles, Makefiles, CI scripts: `\` continues a line.
    Shell,
    /// PowerShell: a backtick continues a line; `-Body @{…}`, splats.
    PowerShell,
    /// A programming language; `hash_comments` when `#` starts a comment.
    Code { hash_comments: bool },
    /// JSON (a Postman collection).
    Json,
}

/// Option names of HTTP clients whose value is not a parameter.
const OPTION_KEYS: &[&str] = &[
    "url",
    "uri",
    "headers",
    "header",
    "auth",
    "timeout",
    "verify",
    "cert",
    "cookies",
    "proxies",
    "allow_redirects",
    "stream",
    "files",
    "method",
    "credential",
    "contenttype",
    "content-type",
    "baseurl",
    "base_url",
    "responsetype",
    "mode",
    "cache",
    "redirect",
    "signal",
    "outfile",
    "usebasicparsing",
    "websession",
    "sessionvariable",
    "authorization",
];

/// Option names whose value is the parameters (or a name bound to them).
const CARRIER_KEYS: &[&str] = &[
    "params",
    "data",
    "json",
    "body",
    "form",
    "qs",
    "query",
    "searchparams",
    "content",
];

/// Option names whose value is skipped whole (never parameters).
const OPAQUE_KEYS: &[&str] = &["headers", "header", "auth", "cookies", "proxies"];

/// Reads the request around the match at `span` (byte offsets in `text`);
/// `matched` is the URL as sunset rebuilt it.
pub fn read(
    text: &str,
    index: &LineIndex,
    span: (usize, usize),
    matched: &str,
    dialect: Dialect,
) -> Request {
    let mut out = Collector {
        text,
        index,
        req: Request::default(),
    };
    // The rebuilt URL's query string, located at the match.
    if let Some(q) = matched.split_once('?').map(|(_, q)| q) {
        out.pairs(q, span.0, None, ParamSource::Query);
    }
    let start = floor(text, span.0.min(text.len()));
    match dialect {
        Dialect::Shell | Dialect::PowerShell => {
            let (from, to) = logical_command(text, start, dialect);
            let tokens = tokenize(text, from, to, dialect);
            out.command(text, &tokens, span, dialect);
        }
        Dialect::Code { .. } => {
            let (from, tokens) = enclosing_call(text, start, dialect);
            out.method_from_call_name(text, from, dialect);
            out.entries(text, &tokens, span, dialect);
        }
        Dialect::Json => {
            if let Some((from, to)) = enclosing_request_object(text, start) {
                let tokens = tokenize(text, from, to, dialect);
                out.postman(&tokens, span);
            }
        }
    }
    out.finish()
}

struct Collector<'a> {
    text: &'a str,
    index: &'a LineIndex<'a>,
    req: Request,
}

impl Collector<'_> {
    fn push(&mut self, name: &str, value: Option<String>, source: ParamSource, offset: usize) {
        let name = name.trim();
        if name.is_empty() || !is_param_name(name) {
            return;
        }
        let (line, column) = self.index.line_col(offset);
        // Values are output: a credential-like key hides its value here,
        // the others go through the redactor in `finish`.
        let value = value.map(|v| {
            if is_secret_name(name) {
                "***".to_string()
            } else {
                v
            }
        });
        self.req.params.push(Param {
            name: name.to_string(),
            value,
            source,
            line,
            column,
            offset,
        });
    }

    /// `k=v&k2=v2` at `at` (the offset of the text's first byte). With
    /// `literal = Some(false)` every value is unknown.
    fn pairs(&mut self, text: &str, at: usize, literal: Option<bool>, source: ParamSource) {
        let mut off = 0;
        for part in text.split('&') {
            let here = at + off;
            off += part.len() + 1;
            let Some((k, v)) = part.split_once('=') else {
                continue;
            };
            let known = literal.unwrap_or(true) && !has_interpolation(v);
            let value = known.then(|| percent_decode(v.trim()));
            self.push(&percent_decode(k), value, source, here);
        }
    }

    fn set_method(&mut self, m: &str) {
        let m = m.trim().to_ascii_uppercase();
        if matches!(
            m.as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
        ) && self.req.method.is_none()
        {
            self.req.method = Some(m);
        }
    }

    /// A shell or PowerShell command.
    fn command(&mut self, text: &str, tokens: &[Token], span: (usize, usize), dialect: Dialect) {
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            let word = t.text.as_ref();
            let next = tokens.get(i + 1);
            let flag = if t.quoted { "" } else { word };
            let lower = flag.to_ascii_lowercase();
            match lower.as_str() {
                "-x" | "--request" | "-method" => {
                    if let Some(n) = next {
                        if n.literal {
                            self.set_method(&n.text);
                        }
                        i += 2;
                        continue;
                    }
                }
                "-g" | "--get" => self.set_method("GET"),
                "-d" | "--data" | "--data-urlencode" | "--data-raw" | "--data-ascii"
                | "--data-binary" | "-f" | "--form" | "--form-string" => {
                    if let Some(n) = next {
                        if !n.text.starts_with('@') {
                            self.pairs(&n.text, n.start, Some(n.literal), ParamSource::Body);
                        }
                        i += 2;
                        continue;
                    }
                }
                "-body" if dialect == Dialect::PowerShell => {
                    if let Some(n) = next {
                        if n.text.starts_with('$') && !n.quoted {
                            self.binding(text, n.text.trim_start_matches('$'), span, dialect);
                        }
                    }
                }
                _ => {}
            }
            if dialect == Dialect::PowerShell && !t.quoted && word.len() > 1 {
                if let Some(name) = word.strip_prefix('@') {
                    if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        // A splat: the hashtable bound to the name.
                        self.binding(text, name, span, dialect);
                    }
                }
            }
            // `@{ action = 'list' }` hashtables in the command itself.
            if dialect == Dialect::PowerShell && word == "@{" {
                let end = closing(tokens, i);
                self.entries(text, &tokens[i..end], span, dialect);
                i = end;
                continue;
            }
            // A quoted URL's query string is read from the rebuilt URL.
            let is_url = word.contains("://") || (word.starts_with('/') && word.contains('?'));
            if !is_url && !flag.starts_with('-') && looks_like_pairs(word) && t.start >= span.1 {
                self.pairs(word, t.start, Some(t.literal), ParamSource::Body);
            }
            i += 1;
        }
    }

    /// `key = value` / `key: value` entries of a call or literal.
    fn entries(&mut self, text: &str, tokens: &[Token], span: (usize, usize), dialect: Dialect) {
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            let Some(sep) = tokens.get(i + 1) else { break };
            let is_key = (t.kind == Kind::Word || (t.kind == Kind::Str && t.literal))
                && sep.kind == Kind::Punct
                && (sep.text == "=" || sep.text == ":" || sep.text == "=>");
            // A string that is the URL or a `k=v&…` body.
            if t.kind == Kind::Str && !is_key {
                if !(t.start <= span.0 && span.0 <= t.start + t.text.len() + 1)
                    && looks_like_pairs(&t.text)
                {
                    self.pairs(&t.text, t.start, Some(t.literal), ParamSource::Body);
                }
                i += 1;
                continue;
            }
            if !is_key {
                i += 1;
                continue;
            }
            let key = t.text.trim_start_matches('$');
            let lower = key.to_ascii_lowercase();
            let Some(v) = tokens.get(i + 2) else { break };
            if lower == "method" {
                if v.kind == Kind::Str && v.literal || v.kind == Kind::Word {
                    self.set_method(&v.text);
                }
                i += 3;
                continue;
            }
            let opens = v.kind == Kind::Punct && matches!(v.text.as_ref(), "{" | "[" | "(" | "@{");
            if OPAQUE_KEYS.contains(&lower.as_str()) {
                i = if opens { closing(tokens, i + 2) } else { i + 3 };
                continue;
            }
            if CARRIER_KEYS.contains(&lower.as_str()) || OPTION_KEYS.contains(&lower.as_str()) {
                if v.kind == Kind::Word && CARRIER_KEYS.contains(&lower.as_str()) {
                    // `data=payload`: the literal bound to `payload`.
                    self.binding(text, v.text.trim_start_matches('$'), span, dialect);
                } else if v.kind == Kind::Str && CARRIER_KEYS.contains(&lower.as_str()) {
                    self.pairs(&v.text, v.start, Some(v.literal), ParamSource::Body);
                }
                i += 3;
                continue;
            }
            let source = ParamSource::Argument;
            match v.kind {
                Kind::Str => {
                    let value = v.literal.then(|| v.text.to_string());
                    self.push(key, value, source, t.start);
                }
                Kind::Number => self.push(key, Some(v.text.to_string()), source, t.start),
                Kind::Word if matches!(v.text.as_ref(), "true" | "false" | "True" | "False") => {
                    self.push(key, Some(v.text.to_ascii_lowercase()), source, t.start)
                }
                Kind::Punct if v.text == "{" || v.text == "[" => {
                    // Go `url.Values{"action": {"list"}}`: one literal in braces.
                    let (a, b) = (tokens.get(i + 3), tokens.get(i + 4));
                    match (a, b) {
                        (Some(a), Some(b))
                            if a.kind != Kind::Punct
                                && b.kind == Kind::Punct
                                && (b.text == "}" || b.text == "]") =>
                        {
                            let literal =
                                a.kind == Kind::Number || a.kind == Kind::Str && a.literal;
                            self.push(key, literal.then(|| a.text.to_string()), source, t.start);
                            i += 5;
                            continue;
                        }
                        // A nested container: its entries are read in turn.
                        _ => {}
                    }
                }
                Kind::Punct if v.text == "@{" || v.text == "(" => {}
                _ => self.push(key, None, source, t.start),
            }
            i += 3;
        }
    }

    /// The literal bound to `name` before the match: `name = {…}`,
    /// `$name = @{…}`, `const name = {…}`, `name := url.Values{…}`.
    fn binding(&mut self, text: &str, name: &str, span: (usize, usize), dialect: Dialect) {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return;
        }
        let lo = floor(text, span.0.saturating_sub(BINDING_WINDOW));
        let before = &text[lo..floor(text, span.0)];
        let mut found = None;
        let mut at = 0;
        while let Some(p) = before[at..].find(name) {
            let s = at + p;
            at = s + name.len();
            let prev_ok = before[..s]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let rest = before[at..].trim_start_matches([' ', '\t']);
            let rest = rest
                .strip_prefix(":=")
                .or_else(|| rest.strip_prefix('='))
                .filter(|r| !r.starts_with('='));
            if let (true, Some(r)) = (prev_ok, rest) {
                let r2 = r.trim_start_matches([' ', '\t']);
                let skip = before.len() - r2.len();
                let open = r2.find('{').filter(|&o| {
                    let head = &r2[..o];
                    head.len() <= 40 && !head.contains('\n') && !head.contains('(')
                        || head.trim_end().ends_with('(')
                });
                if let Some(o) = open {
                    found = Some(lo + skip + o);
                }
            }
        }
        let Some(open) = found else { return };
        let Some((_, mut tokens)) = balanced(text, open, dialect) else {
            return;
        };
        // Strip the outer braces; the inner entries are the parameters.
        if !tokens.is_empty() {
            tokens.remove(0);
        }
        self.entries(text, &tokens, span, dialect);
    }

    /// `requests.post(`, `axios.get(`, `http.Post(`: the method of the
    /// innermost call around the match.
    fn method_from_call_name(&mut self, text: &str, call_open: usize, _dialect: Dialect) {
        if text.as_bytes().get(call_open) != Some(&b'(') {
            return;
        }
        let head = &text[floor(text, call_open.saturating_sub(40))..call_open];
        let name: String = head
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let dotted = head[..head.len() - name.len()].ends_with('.');
        if dotted {
            self.set_method(&name);
        }
    }

    /// A Postman request object.
    fn postman(&mut self, tokens: &[Token], span: (usize, usize)) {
        let mut section = ParamSource::Argument;
        let mut i = 0;
        while i + 2 < tokens.len() {
            let (k, sep, v) = (&tokens[i], &tokens[i + 1], &tokens[i + 2]);
            if k.kind == Kind::Str && sep.text == ":" {
                match k.text.as_ref() {
                    "method" if v.kind == Kind::Str => self.set_method(&v.text),
                    "query" => section = ParamSource::Query,
                    "urlencoded" | "formdata" => section = ParamSource::Body,
                    "raw" if v.kind == Kind::Str && !(v.start <= span.0 && span.0 <= v.end) => {
                        self.raw_body(v);
                    }
                    "key" if v.kind == Kind::Str => {
                        // `{"key": "action", "value": "list"}`
                        let value = tokens[i + 3..]
                            .windows(3)
                            .take(8)
                            .find(|w| {
                                w[0].kind == Kind::Str && w[0].text == "value" && w[1].text == ":"
                            })
                            .map(|w| {
                                (w[2].kind == Kind::Str && !w[2].text.contains("{{"))
                                    .then(|| w[2].text.to_string())
                            });
                        let source = if section == ParamSource::Query {
                            ParamSource::Query
                        } else {
                            ParamSource::Body
                        };
                        // Query entries repeat the raw URL's query string.
                        if source != ParamSource::Query
                            || self.req.params.iter().all(|p| p.name != v.text)
                        {
                            self.push(&v.text, value.flatten(), source, v.start);
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
    }

    /// A Postman `raw` body: `k=v&…`, or JSON with literal keys.
    fn raw_body(&mut self, v: &Token) {
        let body = v.text.replace("\\\"", "\"").replace("\\n", "\n");
        if looks_like_pairs(&body) {
            self.pairs(
                &body,
                v.start,
                Some(!body.contains("{{")),
                ParamSource::Body,
            );
            return;
        }
        let tokens = tokenize(&body, 0, body.len(), Dialect::Json);
        let mut i = 0;
        while i + 2 < tokens.len() {
            let (k, sep, val) = (&tokens[i], &tokens[i + 1], &tokens[i + 2]);
            if k.kind == Kind::Str && sep.text == ":" {
                let value = match val.kind {
                    Kind::Str if !val.text.contains("{{") => Some(val.text.to_string()),
                    Kind::Number => Some(val.text.to_string()),
                    Kind::Punct => {
                        i += 1;
                        continue;
                    }
                    _ => None,
                };
                self.push(&k.text, value, ParamSource::Body, v.start);
                i += 3;
                continue;
            }
            i += 1;
        }
    }

    fn finish(mut self) -> Request {
        // Every value is redacted, and hidden whole where it holds a secret
        // the source shows near any parameter of the request (one look for
        // the whole request: a look per parameter was most of its cost).
        let offsets: Vec<usize> = self
            .req
            .params
            .iter()
            .filter(|p| p.value.as_deref().is_some_and(|v| v != "***"))
            .map(|p| p.offset)
            .collect();
        if !offsets.is_empty() {
            let near = crate::redact::secrets_near(self.text, offsets);
            for p in &mut self.req.params {
                if let Some(v) = p.value.as_mut().filter(|v| v.as_str() != "***") {
                    *v = if near.iter().any(|k| v.contains(k.as_str())) {
                        "***".to_string()
                    } else {
                        crate::redact::redact_str(v)
                    };
                }
            }
        }
        self.req.action = match self.req.knowledge("action") {
            crate::model::request::Knowledge::Literal(a) => Some(a),
            _ => None,
        };
        self.req
    }
}

/// A key whose value is a credential (`password`, `api_key`, `token`…).
fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "pass",
        "pwd",
        "pw",
        "secret",
        "token",
        "key",
        "auth",
        "credential",
        "session",
        "cookie",
        "signature",
        "sig",
    ]
    .iter()
    .any(|w| lower.contains(w))
        && !lower.ends_with("_id")
        && lower != "secret_kv_name"
}

fn is_param_name(name: &str) -> bool {
    name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
}

/// `action=list`, `a=1&b=2`: a string that is form data.
fn looks_like_pairs(s: &str) -> bool {
    let s = s.trim();
    let Some((k, _)) = s.split_once('=') else {
        return false;
    };
    !k.is_empty() && is_param_name(k) && !s.contains(char::is_whitespace) && !s.contains("://")
}

fn has_interpolation(v: &str) -> bool {
    v.contains('$') || v.contains("{{") || v.contains("#{") || v.contains('{') || v.contains('`')
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The logical command around `at`: its line, and the lines joined to it by
/// a trailing `\` (shell) or backtick (PowerShell).
fn logical_command(text: &str, at: usize, dialect: Dialect) -> (usize, usize) {
    let cont = if dialect == Dialect::PowerShell {
        '`'
    } else {
        '\\'
    };
    let lo = floor(text, at.saturating_sub(WINDOW));
    let hi = floor(text, (at + WINDOW).min(text.len()));
    let mut from = text[lo..at].rfind('\n').map_or(lo, |p| lo + p + 1);
    while from > lo {
        let prev_end = from - 1;
        let prev_start = text[lo..prev_end].rfind('\n').map_or(lo, |p| lo + p + 1);
        if text[prev_start..prev_end].trim_end().ends_with(cont) {
            from = prev_start;
        } else {
            break;
        }
    }
    let mut to = at;
    loop {
        let end = text[to..hi].find('\n').map_or(hi, |p| to + p);
        if text[to..end].trim_end().ends_with(cont) && end < hi {
            to = end + 1;
        } else {
            to = end;
            break;
        }
    }
    (from, to)
}

/// The innermost `(…)` around `at`, or its line when there is none.
fn enclosing_call(text: &str, at: usize, dialect: Dialect) -> (usize, Vec<Token<'_>>) {
    let lo = floor(text, at.saturating_sub(WINDOW));
    let lo = text[lo..at].find('\n').map_or(lo, |p| lo + p + 1).min(at);
    let tokens = tokenize(text, lo, at, dialect);
    let mut stack: Vec<usize> = Vec::new();
    for t in &tokens {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_ref() {
            "(" | "[" | "{" | "@{" => stack.push(t.start),
            ")" | "]" | "}" => {
                stack.pop();
            }
            _ => {}
        }
    }
    let open = stack
        .iter()
        .rev()
        .find(|&&o| text.as_bytes().get(o) == Some(&b'('))
        .copied();
    match open.and_then(|o| balanced(text, o, dialect).map(|(_, tokens)| (o, tokens))) {
        Some(call) => call,
        None => {
            // The line around the match, within the window: a minified
            // file is one line, and each finding must cost a bounded read.
            let hi = floor(text, (at + WINDOW).min(text.len()));
            let from = text[lo..at].rfind('\n').map_or(lo, |p| lo + p + 1);
            let to = text[at..hi].find('\n').map_or(hi, |p| at + p);
            (from, tokenize(text, from, to, dialect))
        }
    }
}

/// The end (exclusive) of the bracket group opening at `open`.
/// The end of the bracket opened at `open` (one past its closing bracket)
/// and the tokens from `open` to it, within [`WINDOW`] bytes. Most calls
/// close within a few hundred bytes: a short window is tried first (a token
/// before the close does not depend on where tokenizing stops).
fn balanced(text: &str, open: usize, dialect: Dialect) -> Option<(usize, Vec<Token<'_>>)> {
    const SHORT: usize = 512;
    let limit = floor(text, (open + WINDOW).min(text.len()));
    let short = floor(text, (open + SHORT).min(limit));
    for hi in [short, limit] {
        let mut tokens = tokenize(text, open, hi, dialect);
        let mut depth = 0usize;
        let mut close = None;
        for (k, t) in tokens.iter().enumerate() {
            if t.kind != Kind::Punct {
                continue;
            }
            match t.text.as_ref() {
                "(" | "[" | "{" | "@{" => depth += 1,
                ")" | "]" | "}" => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        close = Some(k);
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(k) = close {
            let end = tokens[k].start + 1;
            tokens.truncate(k + 1);
            return Some((end, tokens));
        }
        if hi == limit {
            break;
        }
    }
    None
}

/// The byte range of the Postman request object around `at`, if any.
pub fn request_object_span(text: &str, at: usize) -> Option<(usize, usize)> {
    enclosing_request_object(text, floor(text, at.min(text.len())))
}

/// The innermost JSON object around `at` that has a `"method"` key: a
/// Postman request.
fn enclosing_request_object(text: &str, at: usize) -> Option<(usize, usize)> {
    let lo = floor(text, at.saturating_sub(WINDOW));
    let tokens = tokenize(text, lo, at, Dialect::Json);
    let mut stack: Vec<usize> = Vec::new();
    for t in &tokens {
        match t.text.as_ref() {
            "{" | "[" if t.kind == Kind::Punct => stack.push(t.start),
            "}" | "]" if t.kind == Kind::Punct => {
                stack.pop();
            }
            _ => {}
        }
    }
    for &open in stack.iter().rev() {
        if text.as_bytes().get(open) != Some(&b'{') {
            continue;
        }
        let (end, _) = balanced(text, open, Dialect::Json)?;
        if text[open..end].contains("\"method\"") {
            return Some((open, end));
        }
    }
    None
}

/// The index after the group that opens at `tokens[i]`.
fn closing(tokens: &[Token], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, t) in tokens.iter().enumerate().skip(i) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_ref() {
            "(" | "[" | "{" | "@{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Str,
    Word,
    Number,
    Punct,
}

#[derive(Clone, Debug)]
struct Token<'a> {
    kind: Kind,
    /// A string's content (quotes removed), a word, or the punctuation:
    /// borrowed from the file except a shell word with inner quotes
    /// (`key="value"` reads `key=value`). Every finding tokenizes up to a
    /// few windows, so an allocation per token was most of the cost.
    text: Cow<'a, str>,
    /// Offset of the content (a string's first byte after the quote).
    start: usize,
    end: usize,
    /// A string or word with no interpolation.
    literal: bool,
    quoted: bool,
}

/// A small tokenizer: strings (with their interpolation), words, numbers
/// and bracket/separator punctuation; comments skipped.
fn tokenize(text: &str, from: usize, to: usize, dialect: Dialect) -> Vec<Token<'_>> {
    let b = text.as_bytes();
    let to = floor(text, to.min(text.len()));
    let mut i = floor(text, from);
    let mut out = Vec::new();
    let hash = matches!(
        dialect,
        Dialect::Shell
            | Dialect::PowerShell
            | Dialect::Code {
                hash_comments: true
            }
    );
    let shellish = matches!(dialect, Dialect::Shell | Dialect::PowerShell);
    while i < to {
        let c = b[i];
        if c.is_ascii_whitespace()
            || (c == b'\\' && shellish)
            || (c == b'`'
                && dialect == Dialect::PowerShell
                && b.get(i + 1).is_some_and(|n| n.is_ascii_whitespace()))
        {
            i += 1;
            continue;
        }
        if c == b'#' && hash && (i == 0 || b[i - 1].is_ascii_whitespace() || b[i - 1] == b';') {
            i = text[i..to].find('\n').map_or(to, |p| i + p);
            continue;
        }
        if !hash && c == b'/' && b.get(i + 1) == Some(&b'/') {
            i = text[i..to].find('\n').map_or(to, |p| i + p);
            continue;
        }
        if !hash && c == b'/' && b.get(i + 1) == Some(&b'*') {
            // The window may end between `/` and `*`.
            let body = (i + 2).min(to);
            i = text[body..to].find("*/").map_or(to, |p| body + p + 2);
            continue;
        }
        if c == b'"' || c == b'\'' || (c == b'`' && !shellish) {
            // A Python f/b/r prefix right before the quote.
            let prefix_f = i > from
                && matches!(b[i - 1], b'f' | b'F')
                && (i < from + 2 || !b[i - 2].is_ascii_alphanumeric());
            let triple = !shellish && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
            let q = if triple { 3 } else { 1 };
            let start = i + q;
            let mut j = start;
            let mut end = to;
            while j < to {
                if b[j] == b'\\' && !(c == b'\'' && shellish) {
                    j += 2;
                    continue;
                }
                if b[j] == c && (!triple || (b.get(j + 1) == Some(&c) && b.get(j + 2) == Some(&c)))
                {
                    end = j;
                    break;
                }
                j += 1;
            }
            let end = floor(text, end.min(to));
            let content = &text[floor(text, start.min(end))..end];
            let interp = prefix_f
                || content.contains("${")
                || content.contains("#{")
                || content.contains("{{")
                || (c == b'`')
                || (c == b'"' && shellish && content.contains('$'));
            // A prefix letter was read as a word: drop it.
            if prefix_f {
                if let Some(last) = out.last() {
                    let last: &Token = last;
                    if last.kind == Kind::Word && last.end == i {
                        out.pop();
                    }
                }
            }
            out.push(Token {
                kind: Kind::Str,
                text: Cow::Borrowed(content),
                start: floor(text, start.min(end)),
                end,
                literal: !interp,
                quoted: true,
            });
            i = (end + q).min(to.max(end));
            if i <= start.saturating_sub(q) {
                i = start;
            }
            continue;
        }
        if c == b'@' && b.get(i + 1) == Some(&b'{') {
            out.push(punct("@{", i));
            i += 2;
            continue;
        }
        if matches!(c, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b';') {
            out.push(punct(&text[i..i + 1], i));
            i += 1;
            continue;
        }
        if c == b'=' && b.get(i + 1) == Some(&b'>') {
            out.push(punct("=>", i));
            i += 2;
            continue;
        }
        if c == b':' && b.get(i + 1) == Some(&b'=') {
            out.push(punct("=", i));
            i += 2;
            continue;
        }
        if c == b'=' && b.get(i + 1) == Some(&b'=') {
            out.push(punct("==", i));
            i += 2;
            continue;
        }
        if (c == b'=' || c == b':') && !shellish {
            out.push(punct(&text[i..i + 1], i));
            i += 1;
            continue;
        }
        if c == b'=' && dialect == Dialect::PowerShell {
            out.push(punct("=", i));
            i += 1;
            continue;
        }
        // A word: up to whitespace or punctuation (a shell word keeps `=`,
        // `:` and inner quotes as part of it).
        let mut j = i;
        let mut literal = true;
        // Built only once a shell word meets an inner quote.
        let mut owned: Option<String> = None;
        let mut quoted = false;
        while j < to {
            let d = b[j];
            if d.is_ascii_whitespace()
                || matches!(d, b'(' | b')' | b'{' | b'}' | b',' | b';' | b'[' | b']')
                    && !(shellish && d == b'{' && j > i && b[j - 1] == b'$')
            {
                break;
            }
            if !shellish && matches!(d, b'=' | b':' | b'"' | b'\'') {
                break;
            }
            if shellish && (d == b'"' || d == b'\'') {
                // `key="value"` in one shell word.
                quoted = true;
                let close = text[j + 1..to].find(d as char).map_or(to, |p| j + 1 + p);
                let inner = &text[j + 1..close];
                if d == b'"' && inner.contains('$') {
                    literal = false;
                }
                owned
                    .get_or_insert_with(|| text[i..j].to_string())
                    .push_str(inner);
                j = (close + 1).min(to);
                continue;
            }
            if dialect == Dialect::PowerShell && d == b'=' {
                break;
            }
            if d == b'$' {
                literal = false;
            }
            let ch = text[j..].chars().next().unwrap_or(' ');
            if let Some(owned) = owned.as_mut() {
                owned.push(ch);
            }
            j += ch.len_utf8();
        }
        if j == i {
            i += 1;
            continue;
        }
        let content: Cow<'_, str> = match owned {
            Some(owned) => Cow::Owned(owned),
            None => Cow::Borrowed(&text[i..j]),
        };
        let kind = if content
            .bytes()
            .all(|d| d.is_ascii_digit() || d == b'.' || d == b'-')
            && content.bytes().any(|d| d.is_ascii_digit())
        {
            Kind::Number
        } else {
            Kind::Word
        };
        out.push(Token {
            kind,
            text: content,
            start: i,
            end: j,
            literal,
            quoted,
        });
        i = j;
    }
    out
}

fn punct(s: &str, at: usize) -> Token<'_> {
    Token {
        kind: Kind::Punct,
        text: Cow::Borrowed(s),
        start: at,
        end: at + s.len(),
        literal: true,
        quoted: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str, needle: &str, dialect: Dialect) -> Request {
        let at = text.find(needle).expect("needle");
        read(
            text,
            &LineIndex::new(text),
            (at, at + needle.len()),
            needle,
            dialect,
        )
    }

    fn pairs(r: &Request) -> Vec<(String, Option<String>)> {
        r.params
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect()
    }

    const PY: Dialect = Dialect::Code {
        hash_comments: true,
    };
    const JS: Dialect = Dialect::Code {
        hash_comments: false,
    };

    /// Found by the seeded fuzz run: a tokenizer window ending between the
    /// `/` and the `*` of a block comment sliced past its end.
    #[test]
    fn a_window_ending_inside_a_comment_opener_is_cut_there() {
        let text = "a /* b */ c";
        for to in 0..=text.len() {
            let _ = tokenize(text, 0, to, JS);
        }
    }

    #[test]
    fn query_string_of_the_url() {
        let r = req(
            "x = get('https://h/api/2.0/fo/scan/?action=list&ids=1')",
            "/api/2.0/fo/scan/?action=list&ids=1",
            PY,
        );
        assert_eq!(r.action.as_deref(), Some("list"));
        assert!(r
            .params
            .iter()
            .any(|p| p.name == "ids" && p.source == ParamSource::Query));
    }

    #[test]
    fn python_keyword_and_dict_arguments() {
        let r = req(
            "requests.post(H + '/api/2.0/fo/scan/', data={'action': 'launch', 'ip': ip})",
            "/api/2.0/fo/scan/",
            PY,
        );
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.action.as_deref(), Some("launch"));
        assert!(pairs(&r).contains(&("ip".into(), None)));
        let r = req(
            "self._post('scan/', action=\"list\", state=state)",
            "scan/",
            PY,
        );
        assert_eq!(r.action.as_deref(), Some("list"));
    }

    #[test]
    fn python_dict_bound_to_a_name() {
        let text = "payload = {\n  'action': 'fetch',\n}\nrequests.post(URL + '/api/2.0/fo/scan/', data=payload)\n";
        let r = req(text, "/api/2.0/fo/scan/", PY);
        assert_eq!(r.action.as_deref(), Some("fetch"));
        assert_eq!(r.params[0].line, 2);
    }

    #[test]
    fn non_literal_action_is_unknown() {
        let r = req(
            "requests.post(H + '/api/2.0/fo/scan/', data={'action': act})",
            "/api/2.0/fo/scan/",
            PY,
        );
        assert_eq!(r.action, None);
        assert_eq!(pairs(&r), [("action".to_string(), None)]);
        let r = req(
            "requests.post(H + '/api/2.0/fo/scan/', data={'action': f'{a}'})",
            "/api/2.0/fo/scan/",
            PY,
        );
        assert_eq!(r.action, None);
    }

    #[test]
    fn curl_on_one_logical_command() {
        let text = "curl -sS \\\n  -X POST \\\n  --data-urlencode \"action=launch\" \\\n  --data-urlencode \"ip=${T}\" \\\n  \"$Q/api/2.0/fo/scan/\" > out\ncurl -d action=list x\n";
        let r = req(text, "/api/2.0/fo/scan/", Dialect::Shell);
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.action.as_deref(), Some("launch"));
        assert!(pairs(&r).contains(&("ip".into(), None)));
        assert!(!pairs(&r).iter().any(|(_, v)| v.as_deref() == Some("list")));
    }

    #[test]
    fn js_fetch_and_axios() {
        let r = req(
            "fetch(`${base}/api/2.0/fo/scan/`, { method: 'POST', headers: {'X-A': 'b'}, body: new URLSearchParams({ action: 'list' }) })",
            "/api/2.0/fo/scan/",
            JS,
        );
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(
            pairs(&r),
            [("action".to_string(), Some("list".to_string()))]
        );
        let r = req(
            "axios.post(base + '/api/2.0/fo/scan/', JSON.stringify({ action: kind }))",
            "/api/2.0/fo/scan/",
            JS,
        );
        assert_eq!(r.action, None);
        assert_eq!(pairs(&r), [("action".to_string(), None)]);
    }

    #[test]
    fn powershell_body_and_splat() {
        let text = "Invoke-RestMethod -Uri \"$base/api/2.0/fo/scan/\" -Method Post `\n  -Body @{ action = 'launch'; ip = $ip }\n";
        let r = req(text, "/api/2.0/fo/scan/", Dialect::PowerShell);
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.action.as_deref(), Some("launch"));
        let text = "$p = @{\n  Uri = \"$base/x\"\n  Method = 'Get'\n  Body = @{ action = 'list' }\n}\nInvoke-RestMethod @p -Uri \"$base/api/2.0/fo/scan/\"\n";
        let r = req(text, "/api/2.0/fo/scan/", Dialect::PowerShell);
        assert_eq!(r.action.as_deref(), Some("list"));
    }

    #[test]
    fn go_url_values() {
        let r = req(
            "resp, err := http.PostForm(base+\"/api/2.0/fo/scan/\", url.Values{\"action\": {\"list\"}, \"ids\": {id}})",
            "/api/2.0/fo/scan/",
            JS,
        );
        assert_eq!(r.action.as_deref(), Some("list"));
        assert!(pairs(&r).contains(&("ids".into(), None)));
    }

    #[test]
    fn postman_request_object() {
        let text = r#"{"request": {"method": "POST", "url": {"raw": "{{base}}/api/2.0/fo/scan/", "path": ["api"]}, "body": {"mode": "urlencoded", "urlencoded": [{"key": "action", "value": "launch"}, {"key": "ip", "value": "{{ip}}"}]}}}"#;
        let r = req(text, "/api/2.0/fo/scan/", Dialect::Json);
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.action.as_deref(), Some("launch"));
        assert!(pairs(&r).contains(&("ip".into(), None)));
    }

    #[test]
    fn nothing_outside_the_call_is_read() {
        let text = "get(URL + '/api/2.0/fo/scan/')\nother(action='launch')\n";
        let r = req(text, "/api/2.0/fo/scan/", PY);
        assert!(r.params.is_empty(), "{r:?}");
    }
}
