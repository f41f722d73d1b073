//! Where values flow in a file, as far as a token scan can tell: function
//! definitions with their parameters, bodies and returned values; calls
//! with their literal arguments; assignments with every value that can
//! reach them (`v = "2.0" if c else "1.0"`, `c ? a : b`, `a || b`); and
//! the values of map literals.
//!
//! The cross-file step ([`crate::scan::flow`]) uses it to fill the holes
//! of a URL template (`f"/api/2.0/fo/report/template/{kind}/"`,
//! `fmt.Sprintf("%s/api/%s/fo/%s", base, v, path)`) with the values that
//! can reach them: arguments at call sites, defaults, conditionals,
//! returned constants and map values. Nothing here evaluates code: a value
//! is a string literal, a name, a call or a map lookup; anything else is
//! unknown and stays a hole.
//!
//! Every scan over tokens is linear, and each list is capped
//! ([`MAX_ITEMS`]), so a generated file cannot make it quadratic.

use super::lexer::{lex_split, Lexed, Offset, Op, Part, Tok};
use super::Language;

/// A name or a short literal kept in a file's flow. Names and most literals
/// fit in its 24 inline bytes, so the tens of thousands a large tree keeps
/// until the walk ends cost no allocation each (ruff keeps names the same
/// way).
pub type Text = compact_str::CompactString;

/// The values an assignment can give its name: almost always one, kept
/// inline (no allocation per assignment).
pub type Values = smallvec::SmallVec<[Value; 1]>;

/// Most functions, calls, assignments or maps kept per file.
const MAX_ITEMS: usize = 4096;
/// Most alternatives kept for one assignment.
const MAX_ALTERNATIVES: usize = 8;

/// A value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A plain string literal (no interpolation): its text and the byte
    /// range of that text in the file.
    Str {
        text: Text,
        start: usize,
        end: usize,
    },
    /// A name (its last dotted component: `self.base` → `base`).
    Name(Text),
    /// A call of the named function or method (`versionFor(cap)`).
    Call(Text),
    /// A lookup in the named map (`pinnedVersions[c]`).
    Index(Text),
    Unknown,
}

/// A function or method definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: Text,
    /// Parameter names in order, `self`/`cls`/`this` left out.
    pub params: Vec<Text>,
    /// Whether the first parameter was `self`/`cls` (a method called as
    /// `obj.name(…)` passes its arguments from the second on).
    pub method: bool,
    /// Byte offset of the definition (its keyword or name): parameter
    /// defaults lie between here and `start`.
    pub header: usize,
    /// Byte range of the body.
    pub start: usize,
    pub end: usize,
    /// What `return` statements hand back.
    pub returns: Vec<Value>,
}

/// One argument at a call site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// `name=value`, `name: value`, `-Name value`.
    pub name: Option<Text>,
    pub value: Value,
}

/// A call of a named function or method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub callee: Text,
    /// Byte offset of the callee's name.
    pub offset: usize,
    pub args: Vec<Arg>,
}

/// `name = value` with every value that can reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assign {
    pub name: Text,
    pub offset: usize,
    pub values: Values,
}

/// A map (dict, hashtable, struct) literal bound to a name, and the values
/// of its entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapLit {
    pub name: Text,
    pub values: Vec<Value>,
}

/// A string built by joining names and literals (`BASE + path`,
/// `f"{base}{path}"`, `"$Base$RelativeUri"`): a URL template when one of
/// the names is a parameter of the function it sits in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Join {
    pub offset: usize,
    pub end: usize,
    /// In order: [`Value::Str`] pieces and [`Value::Name`]s.
    pub operands: Vec<Value>,
}

/// Everything [`flow`] found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    pub functions: Vec<Function>,
    pub calls: Vec<Call>,
    pub assigns: Vec<Assign>,
    pub maps: Vec<MapLit>,
    pub joins: Vec<Join>,
}

impl Flow {
    /// The same flow without spare capacity: a file's flow is kept until
    /// the walk ends.
    pub fn shrunk(mut self) -> Flow {
        self.functions.shrink_to_fit();
        self.calls.shrink_to_fit();
        self.assigns.shrink_to_fit();
        self.maps.shrink_to_fit();
        self.joins.shrink_to_fit();
        self
    }

    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
            && self.calls.is_empty()
            && self.assigns.is_empty()
            && self.maps.is_empty()
            && self.joins.is_empty()
    }

    /// The innermost function whose body holds `offset`.
    pub fn function_at(&self, offset: usize) -> Option<&Function> {
        self.functions
            .iter()
            .filter(|f| f.start <= offset && offset < f.end)
            .min_by_key(|f| f.end - f.start)
    }
}

/// Words that introduce a function definition.
const DEF_WORDS: &[&str] = &["def", "func", "function", "fn", "sub", "Function", "Sub"];
/// First parameters that stand for the receiver.
const RECEIVERS: &[&str] = &["self", "cls", "this", "$this"];
/// Words after which an identifier followed by `(` is not a call.
const NOT_CALLS: &[&str] = &[
    "if", "for", "while", "switch", "catch", "return", "elif", "match", "with", "print",
];

/// The value flow of `text` in `lang`.
pub fn flow(lang: Language, text: &str) -> Flow {
    if super::lexer::fits_u32(text, 0) {
        flow_with::<u32>(lang, text)
    } else {
        flow_with::<usize>(lang, text)
    }
}

fn flow_with<O: Offset>(lang: Language, text: &str) -> Flow {
    let lexed: Lexed<'_, O> = lex_split::<O>(lang, text, 0);
    let mut scan = Scanner {
        lang,
        text,
        lexed: &lexed,
        closers: closers(&lexed),
        out: Flow::default(),
    };
    scan.run();
    scan.out
}

struct Scanner<'a, 't, O: Offset> {
    lang: Language,
    text: &'t str,
    lexed: &'a Lexed<'t, O>,
    /// For each opening bracket, the index of its closer (see [`closers`]).
    closers: Vec<usize>,
    out: Flow,
}

/// For each token that opens a bracket, the index of the bracket of the
/// same kind that closes it (each kind nests on its own); the number of
/// tokens when none does, and for every other token. One pass, so that
/// nested calls cost linear time, not a scan per level.
fn closers<O: Offset>(lexed: &Lexed<'_, O>) -> Vec<usize> {
    let n = lexed.toks.len();
    let mut out = vec![n; n];
    let mut open: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for (i, t) in lexed.toks.iter().enumerate() {
        match t.tok {
            Tok::Op(Op::LParen) => open[0].push(i),
            Tok::Op(Op::LBracket) => open[1].push(i),
            Tok::Op(Op::LBrace) => open[2].push(i),
            Tok::Op(Op::RParen) => pair(&mut out, &mut open[0], i),
            Tok::Op(Op::RBracket) => pair(&mut out, &mut open[1], i),
            Tok::Op(Op::RBrace) => pair(&mut out, &mut open[2], i),
            _ => {}
        }
    }
    out
}

fn pair(out: &mut [usize], open: &mut Vec<usize>, close: usize) {
    if let Some(o) = open.pop() {
        out[o] = close;
    }
}

impl<'a, 't, O: Offset> Scanner<'a, 't, O> {
    fn tok(&self, i: usize) -> Option<&Tok<'t>> {
        self.lexed.toks.get(i).map(|t| &t.tok)
    }

    fn start(&self, i: usize) -> usize {
        self.lexed
            .toks
            .get(i)
            .map_or(self.text.len(), |t| t.start.get())
    }

    fn end(&self, i: usize) -> usize {
        self.lexed
            .toks
            .get(i)
            .map_or(self.text.len(), |t| t.end.get())
    }

    fn is_op(&self, i: usize, op: Op) -> bool {
        matches!(self.tok(i), Some(Tok::Op(o)) if *o == op)
    }

    fn ident(&self, i: usize) -> Option<&'t str> {
        match self.tok(i) {
            Some(Tok::Ident(n)) => Some(n),
            _ => None,
        }
    }

    /// The index of the bracket closing the one opened at `open`, or the
    /// end of the tokens.
    fn close_of(&self, open: usize) -> usize {
        match self.tok(open) {
            Some(Tok::Op(Op::LParen | Op::LBracket | Op::LBrace)) => self.closers[open],
            // Not an opener: as if it opened a brace (the callers only ask
            // at an opener).
            _ => self.lexed.toks.len(),
        }
    }

    fn run(&mut self) {
        let n = self.lexed.toks.len();
        let mut i = 0;
        while i < n {
            if self.out.functions.len() >= MAX_ITEMS
                && self.out.calls.len() >= MAX_ITEMS
                && self.out.assigns.len() >= MAX_ITEMS
            {
                break;
            }
            if let Some(next) = self.join(i) {
                i = next;
                continue;
            }
            match self.tok(i) {
                Some(Tok::Ident(w)) if DEF_WORDS.contains(w) => {
                    if let Some(next) = self.definition(i) {
                        i = next;
                        continue;
                    }
                }
                Some(Tok::Ident("for" | "foreach")) => self.for_each(i),
                Some(Tok::Ident(name)) if self.is_op(i + 1, Op::LParen) => {
                    let before = i.checked_sub(1).and_then(|k| self.ident(k));
                    if !NOT_CALLS.contains(name) && !before.is_some_and(|b| DEF_WORDS.contains(&b))
                    {
                        if let Some(f) = self.method_definition(i) {
                            self.push_function(f);
                        } else {
                            self.call(i);
                        }
                    }
                }
                Some(Tok::Op(Op::Eq)) | Some(Tok::Op(Op::ColonEq)) => self.assign(i),
                _ => {}
            }
            i += 1;
        }
    }

    fn push_function(&mut self, f: Function) {
        if self.out.functions.len() < MAX_ITEMS {
            self.out.functions.push(f);
        }
    }

    /// `def name(params):`, `func (r T) Name(params) T {`, `function
    /// name(params) {`, `fn name(…)`: the function, and where to go on
    /// (right after the parameter list: the body is scanned as usual).
    fn definition(&mut self, at: usize) -> Option<usize> {
        let mut i = at + 1;
        // Go's receiver: `func (c *Client) Name(`.
        if self.is_op(i, Op::LParen) {
            i = self.close_of(i) + 1;
        }
        let mut name = self.ident(i)?.to_string();
        // PowerShell's `Verb-Noun` names.
        while self.lang == Language::PowerShell
            && self.is_op(i + 1, Op::Minus)
            && self.ident(i + 2).is_some()
            && self.start(i + 1) == self.end(i)
        {
            name.push('-');
            name.push_str(self.ident(i + 2).unwrap_or_default());
            i += 2;
        }
        let name = name.as_str();
        if !self.is_op(i + 1, Op::LParen) {
            // PowerShell `function Name {` with a `param(…)` block.
            if self.is_op(i + 1, Op::LBrace) {
                let close = self.close_of(i + 1);
                let params = self.param_block(i + 2, close);
                let returns = self.returns(i + 2, close);
                self.push_function(Function {
                    name: name.into(),
                    params,
                    method: false,
                    header: self.start(at),
                    start: self.start(i + 1),
                    end: self.end(close),
                    returns,
                });
                return Some(i + 2);
            }
            return None;
        }
        let close = self.close_of(i + 1);
        let (params, method) = self.params(i + 2, close);
        let (body_start, body_end, body_toks) = self.body(at, close)?;
        let returns = self.returns(body_toks.0, body_toks.1);
        self.push_function(Function {
            name: name.into(),
            params,
            method,
            header: self.start(at),
            start: body_start,
            end: body_end,
            returns,
        });
        Some(close + 1)
    }

    /// A method written without a keyword (`name(params) {` in a JS class,
    /// `Type Name(params) {` in Java/C#): the parameter list is followed by
    /// the body's brace, and the name does not follow `.`, `=` or `new`.
    fn method_definition(&mut self, i: usize) -> Option<Function> {
        if !matches!(
            self.lang,
            Language::JavaScript
                | Language::CLike
                | Language::CSharp
                | Language::Php
                | Language::Kotlin
                | Language::Scala
                | Language::Groovy
                | Language::Dart
        ) {
            return None;
        }
        let prev = i.checked_sub(1).and_then(|k| self.tok(k));
        if matches!(
            prev,
            Some(Tok::Op(Op::Dot | Op::Eq | Op::Comma | Op::LParen))
        ) || matches!(prev, Some(Tok::Ident(w)) if *w == "new" || *w == "return")
        {
            return None;
        }
        let close = self.close_of(i + 1);
        // `) {`, or `) : Type {` / `): Type {` (TS), `) throws X {`.
        let mut k = close + 1;
        while k < self.lexed.toks.len() && k <= close + 6 {
            if self.is_op(k, Op::LBrace) {
                break;
            }
            if !matches!(
                self.tok(k),
                Some(Tok::Ident(_) | Tok::Op(Op::Colon | Op::Lt | Op::Gt | Op::Comma))
            ) {
                return None;
            }
            k += 1;
        }
        if !self.is_op(k, Op::LBrace) {
            return None;
        }
        let body_close = self.close_of(k);
        let (params, method) = self.params(i + 2, close);
        Some(Function {
            name: self.ident(i)?.into(),
            params,
            method,
            header: self.start(i),
            start: self.start(k),
            end: self.end(body_close),
            returns: self.returns(k + 1, body_close),
        })
    }

    /// Parameter names between `from` and `to` (exclusive): the first name
    /// of each comma-separated item (`kind: str = "x"`, `path string`,
    /// `$Name`), the receiver left out. A default value (`version="1.0"`)
    /// is recorded as an assignment: it is what reaches the body when no
    /// caller passes one.
    fn params(&mut self, from: usize, to: usize) -> (Vec<Text>, bool) {
        let mut names: Vec<Text> = Vec::new();
        let mut depth = 0usize;
        let mut expect = true;
        let mut k = from;
        while k < to.min(self.lexed.toks.len()) {
            match self.tok(k) {
                Some(Tok::Op(Op::LParen | Op::LBracket | Op::LBrace)) => depth += 1,
                Some(Tok::Op(Op::RParen | Op::RBracket | Op::RBrace)) => {
                    depth = depth.saturating_sub(1)
                }
                Some(Tok::Op(Op::Comma)) if depth == 0 => expect = true,
                Some(Tok::Op(Op::Eq)) if depth == 0 => {
                    if let Some(name) = names.last() {
                        let (v, next) = self.value(k + 1);
                        if v != Value::Unknown && self.out.assigns.len() < MAX_ITEMS {
                            self.out.assigns.push(Assign {
                                name: name.clone(),
                                offset: self.start(k),
                                values: smallvec::smallvec![v],
                            });
                        }
                        k = next;
                        continue;
                    }
                }
                Some(Tok::Ident(n)) if expect && depth == 0 => {
                    names.push(n.trim_start_matches('$').into());
                    expect = false;
                }
                _ => {}
            }
            k += 1;
        }
        let method = names
            .first()
            .is_some_and(|n| RECEIVERS.contains(&n.as_str()));
        if method {
            names.remove(0);
        }
        (names, method)
    }

    /// PowerShell's `param([string]$A, $B)` inside a function body.
    fn param_block(&self, from: usize, to: usize) -> Vec<Text> {
        let mut k = from;
        while k < to {
            if self
                .ident(k)
                .is_some_and(|w| w.eq_ignore_ascii_case("param"))
                && self.is_op(k + 1, Op::LParen)
            {
                let close = self.close_of(k + 1);
                // `[Parameter(Mandatory)][string]$Name = 'x', …`: the names
                // are the words outside brackets, before any `=`.
                let mut names = Vec::new();
                let mut depth = 0usize;
                let mut in_default = false;
                for j in k + 2..close {
                    match self.tok(j) {
                        Some(Tok::Op(Op::LParen | Op::LBracket | Op::LBrace)) => depth += 1,
                        Some(Tok::Op(Op::RParen | Op::RBracket | Op::RBrace)) => {
                            depth = depth.saturating_sub(1)
                        }
                        Some(Tok::Op(Op::Comma)) if depth == 0 => in_default = false,
                        Some(Tok::Op(Op::Eq)) if depth == 0 => in_default = true,
                        Some(Tok::Ident(n)) if depth == 0 && !in_default => {
                            names.push(n.trim_start_matches('$').into())
                        }
                        _ => {}
                    }
                }
                return names;
            }
            k += 1;
        }
        Vec::new()
    }

    /// The body of the function whose parameter list closes at `close`:
    /// its byte range and token range. Brace languages: the next `{…}`;
    /// Python and Ruby: the lines indented deeper than the definition.
    fn body(&self, def_at: usize, close: usize) -> Option<(usize, usize, (usize, usize))> {
        if matches!(self.lang, Language::Python | Language::Ruby) {
            let indent = self.indent_of(self.start(def_at));
            let mut k = close + 1;
            let n = self.lexed.toks.len();
            // Past the header (`-> T:`) to the first token on a later line.
            while k < n && !self.is_op(k, Op::Colon) && !matches!(self.tok(k), Some(Tok::Newline)) {
                k += 1;
            }
            let first = k + 1;
            let mut j = first;
            while j < n {
                let s = self.start(j);
                if !matches!(self.tok(j), Some(Tok::Newline))
                    && self.starts_line(s)
                    && self.indent_of(s) <= indent
                {
                    break;
                }
                j += 1;
            }
            return Some((self.start(first.min(n)), self.start(j), (first, j)));
        }
        let mut k = close + 1;
        while k < self.lexed.toks.len() && k <= close + 8 && !self.is_op(k, Op::LBrace) {
            k += 1;
        }
        if !self.is_op(k, Op::LBrace) {
            return None;
        }
        let body_close = self.close_of(k);
        Some((self.start(k), self.end(body_close), (k + 1, body_close)))
    }

    /// Columns of whitespace before the first character of the line holding `offset`.
    fn indent_of(&self, offset: usize) -> usize {
        let line_start = self.text[..offset.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |p| p + 1);
        self.text[line_start..]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count()
    }

    /// Whether only whitespace precedes `offset` on its line.
    fn starts_line(&self, offset: usize) -> bool {
        let line_start = self.text[..offset.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |p| p + 1);
        self.text[line_start..offset]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
    }

    /// What `return` statements hand back between tokens `from` and `to`.
    fn returns(&self, from: usize, to: usize) -> Vec<Value> {
        let mut out = Vec::new();
        for k in from..to.min(self.lexed.toks.len()) {
            if self.ident(k) == Some("return") {
                let (v, _) = self.value(k + 1);
                if v != Value::Unknown && !out.contains(&v) && out.len() < MAX_ALTERNATIVES {
                    out.push(v);
                }
            }
        }
        out
    }

    /// The value starting at token `i`, and the index after it.
    fn value(&self, i: usize) -> (Value, usize) {
        match self.tok(i) {
            Some(Tok::Str(r)) => {
                let parts = self.lexed.parts_of(*r);
                match parts {
                    [Part::Text {
                        text,
                        src: Some(src),
                    }] => (
                        Value::Str {
                            text: Text::from(text.as_ref()),
                            start: *src,
                            end: *src + text.len(),
                        },
                        i + 1,
                    ),
                    [] => (
                        Value::Str {
                            text: Text::default(),
                            start: self.start(i),
                            end: self.start(i),
                        },
                        i + 1,
                    ),
                    _ => (Value::Unknown, i + 1),
                }
            }
            Some(Tok::Ident(_)) => {
                // A dotted name: `a.b.c`.
                let mut k = i;
                let mut last = self.ident(k).unwrap_or_default();
                while self.is_op(k + 1, Op::Dot) {
                    match self.ident(k + 2) {
                        Some(n) => {
                            last = n;
                            k += 2;
                        }
                        None => break,
                    }
                }
                let last = last.trim_start_matches('$').to_string();
                if self.is_op(k + 1, Op::LParen) {
                    (Value::Call(last.into()), self.close_of(k + 1) + 1)
                } else if self.is_op(k + 1, Op::LBracket) {
                    (Value::Index(last.into()), self.close_of(k + 1) + 1)
                } else {
                    (Value::Name(last.into()), k + 1)
                }
            }
            _ => (Value::Unknown, i + 1),
        }
    }

    /// A join starting at token `i`: `a + b (+ …)` of names and plain
    /// literals with at least one name, or an interpolated string; the
    /// index after it.
    fn join(&mut self, i: usize) -> Option<usize> {
        if self.out.joins.len() >= MAX_ITEMS {
            return None;
        }
        if let Some(Tok::Str(r)) = self.tok(i) {
            let parts = self.lexed.parts_of(*r);
            if parts.iter().any(|p| matches!(p, Part::Interp { .. }))
                && !self.is_op(i + 1, Op::Plus)
            {
                let operands: Vec<Value> = parts
                    .iter()
                    .map(|p| match p {
                        Part::Text {
                            text,
                            src: Some(src),
                        } => Value::Str {
                            text: Text::from(text.as_ref()),
                            start: *src,
                            end: *src + text.len(),
                        },
                        Part::Text { .. } => Value::Unknown,
                        Part::Interp { expr, .. } => interp_name(expr),
                    })
                    .collect();
                self.out.joins.push(Join {
                    offset: self.start(i),
                    end: self.end(i),
                    operands,
                });
                return None;
            }
        }
        if !matches!(self.tok(i), Some(Tok::Ident(_) | Tok::Str(_))) {
            return None;
        }
        let (first, mut next) = self.value(i);
        if !self.is_op(next, Op::Plus) || matches!(first, Value::Call(_) | Value::Index(_)) {
            return None;
        }
        let mut operands = vec![first];
        while self.is_op(next, Op::Plus) && operands.len() < 16 {
            let (v, n) = self.value(next + 1);
            if matches!(v, Value::Unknown | Value::Call(_) | Value::Index(_)) {
                break;
            }
            operands.push(v);
            next = n;
        }
        if operands.len() >= 2 && operands.iter().any(|v| matches!(v, Value::Name(_))) {
            self.out.joins.push(Join {
                offset: self.start(i),
                end: self.end(next.saturating_sub(1)),
                operands,
            });
            return Some(next);
        }
        None
    }

    /// `name = value` (or `:=`) at token `eq`: the alternatives that can
    /// reach `name`, and a map literal's entry values.
    fn assign(&mut self, eq: usize) {
        let Some(mut k) = eq.checked_sub(1) else {
            return;
        };
        // `x: T = …` (annotations), and Go's `name Type = …` / `var name
        // Type = …`: the name is before the type.
        if let Some(j) = k.checked_sub(2) {
            if self.is_op(k - 1, Op::Colon) && self.ident(j).is_some() {
                k = j;
            }
        }
        if let (Some(j), true) = (k.checked_sub(1), self.lang == Language::Go) {
            if self.ident(j).is_some_and(|w| !matches!(w, "var" | "const"))
                && self.ident(k).is_some()
            {
                k = j;
            }
        }
        let Some(name) = self.ident(k) else { return };
        // Not `a.b = …` of another object's field … but `self.base = …` is a
        // name we know by its last component.
        let name = name.trim_start_matches('$').to_string();
        // A map literal: `{`, `map[K]V{`, `@{`, `dict(`.
        let mut v = eq + 1;
        if self.ident(v) == Some("map") {
            while v < self.lexed.toks.len() && !self.is_op(v, Op::LBrace) && v < eq + 12 {
                v += 1;
            }
        }
        if self.is_op(v, Op::LBrace) {
            let close = self.close_of(v);
            let values = self.entry_values(v + 1, close);
            if !values.is_empty() && self.out.maps.len() < MAX_ITEMS {
                self.out.maps.push(MapLit {
                    name: name.into(),
                    values,
                });
            }
            return;
        }
        let mut values = Vec::new();
        let (first, mut next) = self.value(eq + 1);
        values.push(self.whole(first, next));
        // `a if cond else b`, `cond ? a : b`, `a || b`, `a or b`, `a ?? b`.
        loop {
            if values.len() >= MAX_ALTERNATIVES {
                break;
            }
            match self.tok(next) {
                Some(Tok::Ident("if")) if self.lang == Language::Python => {
                    let mut k = next + 1;
                    while k < self.lexed.toks.len()
                        && self.ident(k) != Some("else")
                        && !matches!(self.tok(k), Some(Tok::Newline))
                    {
                        k += 1;
                    }
                    if self.ident(k) != Some("else") {
                        break;
                    }
                    let (v, n) = self.value(k + 1);
                    values.push(self.whole(v, n));
                    next = n;
                }
                Some(Tok::Op(Op::Question)) => {
                    // `cond ? a : b`: what was read was the condition.
                    values.clear();
                    let (a, n) = self.value(next + 1);
                    values.push(self.whole(a, n));
                    if !self.is_op(n, Op::Colon) {
                        break;
                    }
                    let (b, n) = self.value(n + 1);
                    values.push(self.whole(b, n));
                    next = n;
                }
                Some(Tok::Op(Op::OrOr | Op::Coalesce)) => {
                    let (v, n) = self.value(next + 1);
                    values.push(self.whole(v, n));
                    next = n;
                }
                Some(Tok::Ident("or")) => {
                    let (v, n) = self.value(next + 1);
                    values.push(self.whole(v, n));
                    next = n;
                }
                _ => break,
            }
        }
        values.retain(|v| *v != Value::Unknown);
        if values.is_empty() {
            // Assigned something unknown: still the name's definition here,
            // so a reader does not look for it elsewhere.
            values.push(Value::Unknown);
        }
        if self.out.assigns.len() < MAX_ITEMS {
            self.out.assigns.push(Assign {
                name: name.into(),
                offset: self.start(k),
                values: values.into_iter().collect(),
            });
        }
    }

    /// A loop over a literal collection binds its variable to each element:
    /// `for t in ("unix", "windows"):`, `for (const t of ["a", "b"])`,
    /// `foreach ($t in @("a", "b"))`. Only when every element is a plain
    /// string literal; otherwise the variable is bound to an unknown value
    /// (it is defined here, and nothing is guessed).
    fn for_each(&mut self, at: usize) {
        let mut k = at + 1;
        if self.is_op(k, Op::LParen) {
            k += 1;
        }
        if matches!(self.ident(k), Some("const" | "let" | "var" | "my")) {
            k += 1;
        }
        let Some(name) = self.ident(k) else { return };
        let name_at = k;
        if !matches!(self.ident(k + 1), Some("in" | "of")) {
            return;
        }
        k += 2;
        // PowerShell's `@(`.
        if self.is_op(k, Op::At) {
            k += 1;
        }
        if !matches!(
            self.tok(k),
            Some(Tok::Op(Op::LParen | Op::LBracket | Op::LBrace))
        ) {
            return;
        }
        let close = self.close_of(k);
        let mut values = Vec::new();
        let mut e = k + 1;
        while e < close {
            let (v, next) = self.value(e);
            let literal = matches!(v, Value::Str { .. });
            let separated = next == close || self.is_op(next, Op::Comma);
            if !literal || !separated || values.len() >= MAX_ALTERNATIVES {
                values = vec![Value::Unknown];
                break;
            }
            values.push(v);
            e = next + 1;
        }
        if values.is_empty() {
            return;
        }
        if self.out.assigns.len() < MAX_ITEMS {
            self.out.assigns.push(Assign {
                name: name.trim_start_matches('$').into(),
                offset: self.start(name_at),
                values: values.into_iter().collect(),
            });
        }
    }

    /// `v` when the value ends at token `next` (what follows cannot extend
    /// it: the end of the statement, a bracket, a separator, an
    /// alternative); [`Value::Unknown`] when more follows (`"a/" + b`).
    fn whole(&self, v: Value, next: usize) -> Value {
        let ends = match self.tok(next) {
            None | Some(Tok::Newline) => true,
            Some(Tok::Op(
                Op::Semi
                | Op::Comma
                | Op::RParen
                | Op::RBracket
                | Op::RBrace
                | Op::Question
                | Op::Colon
                | Op::OrOr
                | Op::Coalesce,
            )) => true,
            Some(Tok::Ident(w)) => {
                matches!(*w, "if" | "else" | "or") || self.starts_line(self.start(next))
            }
            _ => false,
        };
        if ends {
            v
        } else {
            Value::Unknown
        }
    }

    /// The values of `key: value` / `key = value` entries between tokens
    /// `from` and `to`, at the top level of the literal.
    fn entry_values(&self, from: usize, to: usize) -> Vec<Value> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut k = from;
        while k < to.min(self.lexed.toks.len()) {
            match self.tok(k) {
                Some(Tok::Op(Op::LParen | Op::LBracket | Op::LBrace)) => depth += 1,
                Some(Tok::Op(Op::RParen | Op::RBracket | Op::RBrace)) => {
                    depth = depth.saturating_sub(1)
                }
                Some(Tok::Op(Op::Colon | Op::Eq)) if depth == 0 => {
                    let (v, n) = self.value(k + 1);
                    if v != Value::Unknown && out.len() < MAX_ITEMS {
                        out.push(v);
                    }
                    k = n;
                    continue;
                }
                _ => {}
            }
            k += 1;
        }
        out
    }

    /// A call `name(args)` at token `i`.
    fn call(&mut self, i: usize) {
        if self.out.calls.len() >= MAX_ITEMS {
            return;
        }
        let Some(callee) = self.ident(i) else { return };
        let close = self.close_of(i + 1);
        let mut args = Vec::new();
        let mut k = i + 2;
        while k < close {
            // `name=value` / `name: value`.
            let named = match (self.ident(k), self.tok(k + 1)) {
                (Some(n), Some(Tok::Op(Op::Eq | Op::Colon))) if !self.is_op(k + 2, Op::Eq) => {
                    Some(n.to_string())
                }
                _ => None,
            };
            let at = if named.is_some() { k + 2 } else { k };
            let (value, next) = self.value(at);
            // Anything after the value up to the next top-level comma
            // makes it unknown (`"a" + b`).
            let mut end = next;
            let mut depth = 0usize;
            let mut clean = true;
            while end < close {
                match self.tok(end) {
                    Some(Tok::Op(Op::LParen | Op::LBracket | Op::LBrace)) => depth += 1,
                    Some(Tok::Op(Op::RParen | Op::RBracket | Op::RBrace)) => {
                        depth = depth.saturating_sub(1)
                    }
                    Some(Tok::Op(Op::Comma)) if depth == 0 => break,
                    _ => {}
                }
                clean = false;
                end += 1;
            }
            args.push(Arg {
                name: named.map(Text::from),
                value: if clean { value } else { Value::Unknown },
            });
            k = end + 1;
        }
        if args
            .iter()
            .any(|a| matches!(a.value, Value::Str { .. } | Value::Name(_)))
        {
            self.out.calls.push(Call {
                callee: callee.into(),
                offset: self.start(i),
                args,
            });
        }
    }
}

/// The name an interpolation reads (`{self.base}` → `base`, `$($cfg.Uri)`
/// → `Uri`, `$RelativeUri` → `RelativeUri`); [`Value::Unknown`] for an
/// expression.
fn interp_name(expr: &str) -> Value {
    let e = expr
        .trim()
        .trim_start_matches('$')
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim_start_matches('$')
        .trim_start_matches('{')
        .trim_end_matches('}');
    let last = e
        .rsplit(['.', '>'])
        .next()
        .unwrap_or(e)
        .trim_start_matches('$');
    if !last.is_empty()
        && e.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '-' | '>'))
    {
        Value::Name(last.into())
    } else {
        Value::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(values: &[Value]) -> Vec<String> {
        values
            .iter()
            .map(|v| match v {
                Value::Str { text, .. } => format!("'{text}'"),
                Value::Name(n) => n.to_string(),
                Value::Call(n) => format!("{n}()"),
                Value::Index(n) => format!("{n}[]"),
                Value::Unknown => "?".to_string(),
            })
            .collect()
    }

    #[test]
    fn python_functions_calls_and_conditionals() {
        let t = "class C:\n    def _write(self, kind, action, xml=None):\n        return self._fo(f\"/api/2.0/fo/report/template/{kind}/\")\n\n    def create(self, xml):\n        return self._write(\"scan\", \"create\", xml)\n\ndef pcrs(api_version=\"1.0\"):\n    version = \"2.0\" if api_version.startswith(\"2\") else \"1.0\"\n    return version\n";
        let f = flow(Language::Python, t);
        let w = f
            .functions
            .iter()
            .find(|f| f.name == "_write")
            .expect("_write");
        assert_eq!(w.params, vec!["kind", "action", "xml"]);
        assert!(w.method);
        let body = &t[w.start..w.end];
        assert!(
            body.contains("report/template") && !body.contains("def create"),
            "{body:?}"
        );
        let call = f.calls.iter().find(|c| c.callee == "_write").expect("call");
        assert_eq!(
            strs(
                &call
                    .args
                    .iter()
                    .map(|a| a.value.clone())
                    .collect::<Vec<_>>()
            ),
            vec!["'scan'", "'create'", "xml"]
        );
        let v = f
            .assigns
            .iter()
            .find(|a| a.name == "version")
            .expect("version");
        assert_eq!(strs(&v.values), vec!["'2.0'", "'1.0'"]);
        let d = f
            .assigns
            .iter()
            .find(|a| a.name == "api_version")
            .expect("default");
        assert_eq!(strs(&d.values), vec!["'1.0'"]);
        assert!(f
            .function_at(t.find("version =").expect("at"))
            .is_some_and(|f| f.name == "pcrs"));
    }

    #[test]
    fn loops_over_literal_collections_bind_their_variable() {
        let cases = [
            (
                Language::Python,
                "for auth_type in {\"unix\", \"windows\"}:\n    u = f\"x/{auth_type}/\"\n",
            ),
            (
                Language::Python,
                "for auth_type in (\"unix\", \"windows\"):\n    pass\n",
            ),
            (
                Language::JavaScript,
                "for (const auth_type of [\"unix\", \"windows\"]) { go(auth_type); }",
            ),
            (
                Language::PowerShell,
                "foreach ($auth_type in @(\"unix\", \"windows\")) { Go $auth_type }",
            ),
        ];
        for (lang, t) in cases {
            let f = flow(lang, t);
            let a = f.assigns.iter().find(|a| a.name == "auth_type");
            assert_eq!(
                a.map(|a| strs(&a.values)),
                Some(vec!["'unix'".to_string(), "'windows'".to_string()]),
                "{lang:?} {t:?}"
            );
        }
        // Must not guess: an element that is not a literal, or a collection
        // that is a name.
        let f = flow(Language::Python, "for t in [\"unix\", other]:\n    pass\n");
        let a = f.assigns.iter().find(|a| a.name == "t").expect("bound");
        assert_eq!(strs(&a.values), vec!["?"]);
        let f = flow(Language::Python, "for t in kinds:\n    pass\n");
        assert!(f.assigns.iter().all(|a| a.name != "t"));
    }

    #[test]
    fn go_receivers_returns_and_maps() {
        let t = "package vmdr\n\nfunc versionFor(c capability) apiVersion {\n\tif v, ok := pinned[c]; ok {\n\t\treturn v\n\t}\n\treturn v2_0\n}\n\nvar pinned = map[capability]apiVersion{\n\tcapScan: v2_0,\n\tcapHost: v2_0,\n}\n\nfunc (c *Client) endpoint(cap capability, path string) string {\n\tv := versionFor(cap)\n\treturn fmt.Sprintf(\"%s/api/%s/fo/%s\", c.base, v, path)\n}\n\nfunc (c *Client) scans() {\n\tc.do(request{capability: capScan, path: \"scan/\"})\n}\n";
        let f = flow(Language::Go, t);
        let vf = f
            .functions
            .iter()
            .find(|f| f.name == "versionFor")
            .expect("versionFor");
        assert_eq!(vf.params, vec!["c"]);
        assert_eq!(strs(&vf.returns), vec!["v", "v2_0"]);
        let ep = f
            .functions
            .iter()
            .find(|f| f.name == "endpoint")
            .expect("endpoint");
        assert_eq!(ep.params, vec!["cap", "path"]);
        let m = f.maps.iter().find(|m| m.name == "pinned").expect("map");
        assert_eq!(strs(&m.values), vec!["v2_0", "v2_0"]);
        let v = f
            .assigns
            .iter()
            .find(|a| a.name == "v" && a.values.as_slice() == [Value::Call("versionFor".into())]);
        assert!(v.is_some(), "{:?}", f.assigns);
    }

    #[test]
    fn joins_of_names_and_interpolations() {
        let t = "def _post(self, path, **kw):\n    return self.s.post(BASE + path, data=kw)\n\ndef _get(self, path):\n    return self.s.get(f\"{self.base}{path}\")\n";
        let f = flow(Language::Python, t);
        let ops: Vec<Vec<String>> = f.joins.iter().map(|j| strs(&j.operands)).collect();
        assert_eq!(ops, vec![vec!["BASE", "path"], vec!["base", "path"]]);
    }

    #[test]
    fn a_literal_that_more_follows_is_not_the_value() {
        let t = "path = \"api/2.0/fo/auth/\" + kind\nbase = \"x\"\n";
        let f = flow(Language::Python, t);
        let path = f.assigns.iter().find(|a| a.name == "path").expect("path");
        assert_eq!(path.values.as_slice(), [Value::Unknown]);
        assert!(f.assigns.iter().any(|a| a.name == "base"));
    }

    #[test]
    fn ternaries_and_defaults_in_javascript() {
        let t = "const v = legacy ? \"2.0\" : \"3.0\";\nconst base = process.env.BASE || \"https://qualysapi.qualys.com\";\n";
        let f = flow(Language::JavaScript, t);
        assert_eq!(strs(&f.assigns[0].values), vec!["'2.0'", "'3.0'"]);
        let b = f.assigns.iter().find(|a| a.name == "base").expect("base");
        assert_eq!(
            strs(&b.values),
            vec!["BASE", "'https://qualysapi.qualys.com'"]
        );
    }

    #[test]
    fn garbage_never_panics() {
        for lang in [
            Language::Python,
            Language::Go,
            Language::JavaScript,
            Language::PowerShell,
            Language::CLike,
        ] {
            for seed in 0..40 {
                let text = crate::extract::garbage(seed, 400, b"def func (){}[]=:?,'\"abc .\n\t");
                let _ = flow(lang, &text);
            }
        }
    }
}
