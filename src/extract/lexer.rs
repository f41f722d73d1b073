//! Tokenizers per language family.
//!
//! These are not full lexers: they know exactly as much of each language as
//! it takes to find string literals (with their interpolations), comments,
//! identifiers and the operators that join strings, with byte offsets. They
//! never fail: text they do not understand becomes [`Tok::Other`], and an
//! unterminated single-line string gives its quote back so a stray
//! apostrophe cannot swallow the rest of a file.

use std::borrow::Cow;

use super::Language;

/// A piece of a string literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part<'a> {
    /// Literal text; `src` is the byte offset of `text[0]` when the text is
    /// a verbatim copy of the source. Verbatim text borrows the source:
    /// most strings are, and most are never looked at again.
    Text {
        text: Cow<'a, str>,
        src: Option<usize>,
    },
    /// An interpolated expression (`{x}`, `${x}`, `#{x}`, `$x`, `%s` is not
    /// one: format strings are handled by the assembler).
    Interp {
        expr: &'a str,
        start: usize,
        end: usize,
    },
}

/// A token's kind and content. Comments are not tokens: the lexer gives
/// them in a list of their own ([`Comment`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok<'a> {
    /// A string literal: where its parts are in the lexed file's list
    /// ([`Lexed::parts`]). Tokens hold nothing to free: the token list is
    /// dropped in one piece.
    Str(Parts),
    /// Identifiers and numbers borrow the text: no allocation per token.
    Ident(&'a str),
    Num(&'a str),
    Op(Op),
    /// A statement-ending newline (only in newline-sensitive languages,
    /// outside brackets).
    Newline,
    Other,
}

/// A token and its byte span in the file (`base` already added). The
/// offsets are `u32` unless the text ends past 4 GiB (see [`Offset`]): a
/// minified file has a token every three bytes, and the token list is
/// most of the memory a scan uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a, O: Offset = u32> {
    pub tok: Tok<'a>,
    pub start: O,
    pub end: O,
}

/// The range of a string literal's parts in [`Lexed::parts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub start: usize,
    pub end: usize,
}

/// A lexed text: its tokens, its comments, and the parts of its string
/// literals (which [`Tok::Str`] tokens point into).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lexed<'a, O: Offset = u32> {
    pub toks: Vec<Token<'a, O>>,
    pub comments: Vec<Comment<'a>>,
    pub parts: Vec<Part<'a>>,
}

impl<'a, O: Offset> Lexed<'a, O> {
    /// The parts of the string literal `r`.
    pub fn parts_of(&self, r: Parts) -> &[Part<'a>] {
        &self.parts[r.start..r.end]
    }
}

/// A comment: its text (without its markers, borrowed: most comments are
/// dropped unread), the offset of that text, and the comment's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment<'a> {
    pub text: &'a str,
    pub offset: usize,
    pub start: usize,
    pub end: usize,
}

/// A byte offset in a [`Token`]: `u32` for a text whose offsets (with its
/// base) all fit one ([`fits_u32`]), `usize` for any other.
pub trait Offset: Copy + Ord + std::fmt::Debug {
    /// `n`, which the caller knows to fit.
    fn from_usize(n: usize) -> Self;
    fn get(self) -> usize;
}

impl Offset for u32 {
    #[inline]
    fn from_usize(n: usize) -> u32 {
        debug_assert!(u32::try_from(n).is_ok());
        n as u32
    }

    #[inline]
    fn get(self) -> usize {
        self as usize
    }
}

impl Offset for usize {
    #[inline]
    fn from_usize(n: usize) -> usize {
        n
    }

    #[inline]
    fn get(self) -> usize {
        self
    }
}

/// Whether every offset of `text` lexed at `base` fits a `u32`, so that
/// it may be lexed into `Token<u32>`s.
pub fn fits_u32(text: &str, base: usize) -> bool {
    base.checked_add(text.len())
        .is_some_and(|end| u32::try_from(end).is_ok())
}

/// An operator token. Written `op!("+")` (the macro names the variant of
/// an operator's text), so that the assembler reads as the code it parses
/// while it compares bytes, not strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Eq,
    Lt,
    Gt,
    Bang,
    And,
    Or,
    Caret,
    Tilde,
    Question,
    Colon,
    Semi,
    Comma,
    Dot,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    At,
    EqEq,
    Ne,
    Le,
    Ge,
    FatArrow,
    Arrow,
    ColonColon,
    PlusEq,
    DotEq,
    ColonEq,
    DotDot,
    AndAnd,
    OrOr,
    Coalesce,
    MinusEq,
    Shl,
}

impl Op {
    /// The operator's text.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Plus => "+",
            Op::Minus => "-",
            Op::Star => "*",
            Op::Slash => "/",
            Op::Percent => "%",
            Op::Eq => "=",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Bang => "!",
            Op::And => "&",
            Op::Or => "|",
            Op::Caret => "^",
            Op::Tilde => "~",
            Op::Question => "?",
            Op::Colon => ":",
            Op::Semi => ";",
            Op::Comma => ",",
            Op::Dot => ".",
            Op::LParen => "(",
            Op::RParen => ")",
            Op::LBracket => "[",
            Op::RBracket => "]",
            Op::LBrace => "{",
            Op::RBrace => "}",
            Op::At => "@",
            Op::EqEq => "==",
            Op::Ne => "!=",
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::FatArrow => "=>",
            Op::Arrow => "->",
            Op::ColonColon => "::",
            Op::PlusEq => "+=",
            Op::DotEq => ".=",
            Op::ColonEq => ":=",
            Op::DotDot => "..",
            Op::AndAnd => "&&",
            Op::OrOr => "||",
            Op::Coalesce => "??",
            Op::MinusEq => "-=",
            Op::Shl => "<<",
        }
    }
}

/// The [`Op`] whose text is the given literal: `op!("::")`.
macro_rules! op {
    ("+") => {
        $crate::extract::lexer::Op::Plus
    };
    ("-") => {
        $crate::extract::lexer::Op::Minus
    };
    ("*") => {
        $crate::extract::lexer::Op::Star
    };
    ("/") => {
        $crate::extract::lexer::Op::Slash
    };
    ("%") => {
        $crate::extract::lexer::Op::Percent
    };
    ("=") => {
        $crate::extract::lexer::Op::Eq
    };
    ("<") => {
        $crate::extract::lexer::Op::Lt
    };
    (">") => {
        $crate::extract::lexer::Op::Gt
    };
    ("!") => {
        $crate::extract::lexer::Op::Bang
    };
    ("&") => {
        $crate::extract::lexer::Op::And
    };
    ("|") => {
        $crate::extract::lexer::Op::Or
    };
    ("^") => {
        $crate::extract::lexer::Op::Caret
    };
    ("~") => {
        $crate::extract::lexer::Op::Tilde
    };
    ("?") => {
        $crate::extract::lexer::Op::Question
    };
    (":") => {
        $crate::extract::lexer::Op::Colon
    };
    (";") => {
        $crate::extract::lexer::Op::Semi
    };
    (",") => {
        $crate::extract::lexer::Op::Comma
    };
    (".") => {
        $crate::extract::lexer::Op::Dot
    };
    ("(") => {
        $crate::extract::lexer::Op::LParen
    };
    (")") => {
        $crate::extract::lexer::Op::RParen
    };
    ("[") => {
        $crate::extract::lexer::Op::LBracket
    };
    ("]") => {
        $crate::extract::lexer::Op::RBracket
    };
    ("{") => {
        $crate::extract::lexer::Op::LBrace
    };
    ("}") => {
        $crate::extract::lexer::Op::RBrace
    };
    ("@") => {
        $crate::extract::lexer::Op::At
    };
    ("==") => {
        $crate::extract::lexer::Op::EqEq
    };
    ("!=") => {
        $crate::extract::lexer::Op::Ne
    };
    ("<=") => {
        $crate::extract::lexer::Op::Le
    };
    (">=") => {
        $crate::extract::lexer::Op::Ge
    };
    ("=>") => {
        $crate::extract::lexer::Op::FatArrow
    };
    ("->") => {
        $crate::extract::lexer::Op::Arrow
    };
    ("::") => {
        $crate::extract::lexer::Op::ColonColon
    };
    ("+=") => {
        $crate::extract::lexer::Op::PlusEq
    };
    (".=") => {
        $crate::extract::lexer::Op::DotEq
    };
    (":=") => {
        $crate::extract::lexer::Op::ColonEq
    };
    ("..") => {
        $crate::extract::lexer::Op::DotDot
    };
    ("&&") => {
        $crate::extract::lexer::Op::AndAnd
    };
    ("||") => {
        $crate::extract::lexer::Op::OrOr
    };
    ("??") => {
        $crate::extract::lexer::Op::Coalesce
    };
    ("-=") => {
        $crate::extract::lexer::Op::MinusEq
    };
    ("<<") => {
        $crate::extract::lexer::Op::Shl
    };
}
pub(crate) use op;

/// The two-byte operators, as a list: `op2` is the lookup the lexer uses;
/// a test checks that the two agree.
#[cfg(test)]
const OPS2: [&str; 16] = [
    "==", "!=", "<=", ">=", "=>", "->", "::", "+=", ".=", ":=", "..", "&&", "||", "??", "-=", "<<",
];
const OPS1: &[u8] = b"+-*/%=<>!&|^~?:;,.()[]{}@";

/// `OPS1` as a byte table: the lexer asks once per operator byte, and a
/// table lookup is far cheaper than a search of the list.
const IS_OP1: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    while k < OPS1.len() {
        t[OPS1[k] as usize] = true;
        k += 1;
    }
    t
};

/// The bytes that start a two-byte operator (checked against `OPS2` by a
/// test): most operator bytes start none, and one lookup rules them out.
const OP2_FIRST: [bool; 256] = {
    let mut t = [false; 256];
    let firsts = b"=!<>-:+.&|?";
    let mut k = 0;
    while k < firsts.len() {
        t[firsts[k] as usize] = true;
        k += 1;
    }
    t
};

/// The two-byte operator starting with `a b`, if any (one of `OPS2`).
fn op2(a: u8, b: u8) -> Option<Op> {
    let op = match (a, b) {
        (b'=', b'=') => Op::EqEq,
        (b'!', b'=') => Op::Ne,
        (b'<', b'=') => Op::Le,
        (b'>', b'=') => Op::Ge,
        (b'=', b'>') => Op::FatArrow,
        (b'-', b'>') => Op::Arrow,
        (b':', b':') => Op::ColonColon,
        (b'+', b'=') => Op::PlusEq,
        (b'.', b'=') => Op::DotEq,
        (b':', b'=') => Op::ColonEq,
        (b'.', b'.') => Op::DotDot,
        (b'&', b'&') => Op::AndAnd,
        (b'|', b'|') => Op::OrOr,
        (b'?', b'?') => Op::Coalesce,
        (b'-', b'=') => Op::MinusEq,
        (b'<', b'<') => Op::Shl,
        _ => return None,
    };
    Some(op)
}

/// The one-byte operator `b` (one of `OPS1`), as a table: the lexer looks
/// one up for most operator bytes.
const OP1: [Op; 256] = {
    let mut t = [Op::At; 256];
    let mut k = 0;
    while k < 256 {
        t[k] = op1_of(k as u8);
        k += 1;
    }
    t
};

fn op1(b: u8) -> Op {
    OP1[usize::from(b)]
}

const fn op1_of(b: u8) -> Op {
    match b {
        b'+' => Op::Plus,
        b'-' => Op::Minus,
        b'*' => Op::Star,
        b'/' => Op::Slash,
        b'%' => Op::Percent,
        b'=' => Op::Eq,
        b'<' => Op::Lt,
        b'>' => Op::Gt,
        b'!' => Op::Bang,
        b'&' => Op::And,
        b'|' => Op::Or,
        b'^' => Op::Caret,
        b'~' => Op::Tilde,
        b'?' => Op::Question,
        b':' => Op::Colon,
        b';' => Op::Semi,
        b',' => Op::Comma,
        b'.' => Op::Dot,
        b'(' => Op::LParen,
        b')' => Op::RParen,
        b'[' => Op::LBracket,
        b']' => Op::RBracket,
        b'{' => Op::LBrace,
        b'}' => Op::RBrace,
        _ => Op::At,
    }
}

/// Tokenizes `text` as `lang`, in source order, without the comments.
/// Offsets are shifted by `base`.
pub fn lex(lang: Language, text: &str, base: usize) -> Lexed<'_, usize> {
    let mut lexed = lex_split(lang, text, base);
    lexed.toks.sort_by_key(|t| t.start);
    lexed
}

/// Tokenizes `text` as `lang`: the tokens, and the comments in a second
/// list. `O` must be `usize` unless [`fits_u32`]`(text, base)`.
pub fn lex_split<O: Offset>(lang: Language, text: &str, base: usize) -> Lexed<'_, O> {
    if lang == Language::Shell {
        return lex_shell(text, base);
    }
    let mut lx = Lexer {
        lang,
        s: text,
        b: text.as_bytes(),
        i: 0,
        base,
        depth: 0,
        // Code runs at about one token per 3–8 bytes: reserving for one per
        // 4 spares most files every regrowth copy, and reserved memory that
        // is never written costs next to nothing (a large block is mapped
        // lazily).
        out: Vec::with_capacity(text.len() / 4),
        comments: Vec::new(),
        parts: Vec::new(),
        unclosed_until: [0; 3],
    };
    lx.run();
    Lexed {
        toks: lx.out,
        comments: lx.comments,
        parts: lx.parts,
    }
}

/// Only the comments of `text`, as `(comment text, offset)` pairs.
pub fn comments(lang: Language, text: &str, base: usize) -> Vec<(String, usize)> {
    let mut comments = lex_split::<usize>(lang, text, base).comments;
    comments.sort_by_key(|c| c.start);
    comments
        .into_iter()
        .map(|c| (c.text.to_string(), c.offset))
        .collect()
}

struct Lexer<'a, O: Offset> {
    lang: Language,
    s: &'a str,
    b: &'a [u8],
    i: usize,
    base: usize,
    depth: usize,
    out: Vec<Token<'a, O>>,
    comments: Vec<Comment<'a>>,
    /// The parts of all string literals, in order.
    parts: Vec<Part<'a>>,
    /// Per quote byte: a single-line string opened before this offset found
    /// no closing quote up to here, so no later quote on the line can close
    /// either. Keeps a 3 MB line full of stray apostrophes linear.
    unclosed_until: [usize; 3],
}

fn quote_slot(q: u8) -> usize {
    match q {
        b'"' => 0,
        b'\'' => 1,
        _ => 2,
    }
}

/// Per byte: 1 = may start an identifier, 2 = may continue one. Identifier
/// bytes are most of the bytes of code; a table lookup is cheaper than
/// the three tests.
const IDENT_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            t[c] = 3;
        } else if b.is_ascii_digit() {
            t[c] = 2;
        }
        c += 1;
    }
    t
};

fn is_ident_start(c: u8) -> bool {
    IDENT_CLASS[usize::from(c)] & 1 != 0
}

fn is_ident(c: u8) -> bool {
    IDENT_CLASS[usize::from(c)] & 2 != 0
}

impl<'a, O: Offset> Lexer<'a, O> {
    fn push(&mut self, tok: Tok<'a>, start: usize, end: usize) {
        self.out.push(Token {
            tok,
            start: O::from_usize(start + self.base),
            end: O::from_usize(end + self.base),
        });
    }

    /// A string token whose parts are those pushed since the part list
    /// was `from` long.
    fn push_str(&mut self, from: usize, start: usize, end: usize) {
        let parts = Parts {
            start: from,
            end: self.parts.len(),
        };
        self.push(Tok::Str(parts), start, end);
    }

    /// A comment whose text `text` starts at `offset` (in `text`) and which
    /// spans `start..end`.
    fn comment(&mut self, text: &'a str, offset: usize, start: usize, end: usize) {
        self.comments.push(Comment {
            text,
            offset: offset + self.base,
            start: start + self.base,
            end: end + self.base,
        });
    }

    fn at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn starts(&self, pat: &str) -> bool {
        self.b[self.i..].starts_with(pat.as_bytes())
    }

    fn newline_sensitive(&self) -> bool {
        matches!(
            self.lang,
            Language::Python | Language::Ruby | Language::PowerShell
        )
    }

    fn hash_comments(&self) -> bool {
        matches!(
            self.lang,
            Language::Python | Language::Ruby | Language::PowerShell | Language::Php
        )
    }

    fn slash_comments(&self) -> bool {
        matches!(
            self.lang,
            Language::CLike
                | Language::JavaScript
                | Language::Go
                | Language::CSharp
                | Language::Php
                | Language::Rust
        )
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.b[from..]).map_or(self.b.len(), |k| from + k)
    }

    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            let start = self.i;
            match c {
                b'\n' => {
                    if self.newline_sensitive() && self.depth == 0 {
                        self.push(Tok::Newline, start, start + 1);
                    }
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0c => self.i += 1,
                // Line continuations: `\` (Python, Ruby, C macros) and the
                // PowerShell backtick, before a newline.
                b'\\' | b'`'
                    if (c == b'\\' || self.lang == Language::PowerShell)
                        && (self.at(1) == b'\n'
                            || (self.at(1) == b'\r' && self.at(2) == b'\n')) =>
                {
                    self.i += if self.at(1) == b'\r' { 3 } else { 2 };
                }
                b'#' if self.lang == Language::Php && self.at(1) == b'[' => {
                    self.push(Tok::Other, start, start + 1);
                    self.i += 1;
                }
                b'#' if self.hash_comments() => self.line_comment(1),
                b'<' if self.lang == Language::PowerShell && self.at(1) == b'#' => {
                    self.block_comment(2, "#>")
                }
                b'/' if self.slash_comments() && self.at(1) == b'/' => self.line_comment(2),
                b'/' if self.slash_comments() && self.at(1) == b'*' => self.block_comment(2, "*/"),
                b'=' if self.lang == Language::Ruby
                    && self.starts("=begin")
                    && (start == 0 || self.b[start - 1] == b'\n') =>
                {
                    let end = self.s[start..]
                        .find("\n=end")
                        .map_or(self.b.len(), |k| start + k + 5);
                    let text = &self.s[start + 6..end.max(start + 6)];
                    self.comment(text, start + 6, start, end);
                    self.i = end;
                }
                b'"' | b'\'' | b'`' => self.string(start),
                b'$' | b'@' if self.special_prefix(start) => {}
                b'0'..=b'9' => {
                    let mut j = self.i;
                    while j < self.b.len()
                        && (self.b[j].is_ascii_alphanumeric()
                            || self.b[j] == b'.'
                            || self.b[j] == b'_')
                    {
                        j += 1;
                    }
                    self.push(Tok::Num(&self.s[start..j]), start, j);
                    self.i = j;
                }
                c if is_ident_start(c) => self.ident(start),
                c if IS_OP1[usize::from(c)] => {
                    let two = if OP2_FIRST[usize::from(c)] {
                        op2(c, self.at(1))
                    } else {
                        None
                    };
                    if let Some(op) = two {
                        self.push(Tok::Op(op), start, start + 2);
                        self.i += 2;
                    } else {
                        match c {
                            b'(' | b'[' => self.depth += 1,
                            b'{' if self.lang == Language::Python => self.depth += 1,
                            b')' | b']' => self.depth = self.depth.saturating_sub(1),
                            b'}' if self.lang == Language::Python => {
                                self.depth = self.depth.saturating_sub(1)
                            }
                            _ => {}
                        }
                        self.push(Tok::Op(op1(c)), start, start + 1);
                        self.i += 1;
                    }
                }
                _ => {
                    // Skip one whole character.
                    let len = self.s[start..].chars().next().map_or(1, char::len_utf8);
                    self.push(Tok::Other, start, start + len);
                    self.i += len;
                }
            }
        }
    }

    fn line_comment(&mut self, marker: usize) {
        let start = self.i;
        let end = self.line_end(start);
        let text_start = (start + marker).min(end);
        let text = self.s[text_start..end].trim_end_matches('\r');
        self.comment(text, text_start, start, end);
        self.i = end;
    }

    fn block_comment(&mut self, marker: usize, close: &str) {
        let start = self.i;
        let body = start + marker;
        let end = self.s[body..]
            .find(close)
            .map_or(self.b.len(), |k| body + k);
        let text = &self.s[body..end];
        let stop = (end + close.len()).min(self.b.len());
        self.comment(text, body, start, stop);
        self.i = stop;
    }

    /// `$name` (PHP, PowerShell), `@name` (Ruby), `@"…"`/`$"…"` (C#),
    /// `@"…"@` here-strings (PowerShell). Returns false when `$`/`@` is just
    /// an operator here.
    fn special_prefix(&mut self, start: usize) -> bool {
        let c = self.b[start];
        let next = self.at(1);
        match (self.lang, c) {
            (Language::CSharp, b'$' | b'@')
                if next == b'"' || ((next == b'@' || next == b'$') && self.at(2) == b'"') =>
            {
                let prefix = if next == b'"' { 1 } else { 2 };
                let interp = self.s[start..start + prefix].contains('$');
                let verbatim = self.s[start..start + prefix].contains('@');
                self.i = start + prefix;
                self.quoted(
                    start,
                    b'"',
                    QuoteRules {
                        escapes: !verbatim,
                        doubled: verbatim,
                        multiline: verbatim,
                        interp: if interp { Interp::Brace } else { Interp::None },
                        ..QuoteRules::default()
                    },
                );
                true
            }
            (Language::PowerShell, b'@') if next == b'"' || next == b'\'' => {
                // Here-string: @"<newline> … <newline>"@
                let q = next;
                let close = if q == b'"' { "\n\"@" } else { "\n'@" };
                let body = self.line_end(start) + 1;
                let body = body.min(self.b.len());
                let end = self.s[body..]
                    .find(close)
                    .map_or(self.b.len(), |k| body + k);
                let from = self.parts.len();
                if q == b'"' {
                    interp_dollar_into(&self.s[body..end], body + self.base, true, &mut self.parts);
                } else {
                    self.parts.push(Part::Text {
                        text: Cow::Borrowed(&self.s[body..end]),
                        src: Some(body + self.base),
                    });
                }
                let stop = (end + close.len()).min(self.b.len());
                self.push_str(from, start, stop);
                self.i = stop;
                true
            }
            (Language::Php | Language::PowerShell, b'$')
                if is_ident_start(next) || next == b'{' =>
            {
                let s = self.s;
                let (name, end) = if next == b'{' {
                    match s[start + 2..].find('}') {
                        Some(k) => (&s[start + 2..start + 2 + k], start + 3 + k),
                        None => (&s[start + 2..], self.b.len()),
                    }
                } else {
                    let mut j = start + 1;
                    while j < self.b.len()
                        && (is_ident(self.b[j])
                            || (self.lang == Language::PowerShell
                                && self.b[j] == b':'
                                && j + 1 < self.b.len()
                                && is_ident_start(self.b[j + 1])))
                    {
                        j += 1;
                    }
                    (&s[start + 1..j], j)
                };
                let name = name.rsplit(':').next().unwrap_or("");
                self.push(Tok::Ident(name), start, end);
                self.i = end;
                true
            }
            (Language::Ruby, b'@') if is_ident_start(next) || next == b'@' => {
                let mut j = start + 1;
                while j < self.b.len() && (is_ident(self.b[j]) || self.b[j] == b'@') {
                    j += 1;
                }
                self.push(
                    Tok::Ident(self.s[start..j].trim_start_matches('@')),
                    start,
                    j,
                );
                self.i = j;
                true
            }
            _ => false,
        }
    }

    fn ident(&mut self, start: usize) {
        let mut j = start;
        while j < self.b.len() && is_ident(self.b[j]) {
            j += 1;
        }
        // Guard against a cut inside a multi-byte character.
        while !self.s.is_char_boundary(j) {
            j += 1;
        }
        let word = &self.s[start..j];
        let next = self.b.get(j).copied().unwrap_or(0);
        // String prefixes: Python r"" f"" b"" rb"" …, Rust r"" r#"" b"".
        if (next == b'"' || next == b'\'' || (next == b'#' && self.lang == Language::Rust))
            && word.len() <= 2
        {
            let lower = word.to_ascii_lowercase();
            match self.lang {
                Language::Python if lower.chars().all(|c| "rbfu".contains(c)) => {
                    self.i = j;
                    let raw = lower.contains('r');
                    let interp = if lower.contains('f') {
                        Interp::PyFormat
                    } else {
                        Interp::None
                    };
                    self.python_string(start, raw, interp);
                    return;
                }
                Language::Rust if lower == "r" || lower == "br" => {
                    self.i = j;
                    self.rust_raw(start);
                    return;
                }
                Language::Rust if lower == "b" && next == b'"' => {
                    self.i = j;
                    self.quoted(
                        start,
                        b'"',
                        QuoteRules {
                            escapes: true,
                            multiline: true,
                            ..QuoteRules::default()
                        },
                    );
                    return;
                }
                _ => {}
            }
        }
        self.push(Tok::Ident(word), start, j);
        self.i = j;
    }

    fn string(&mut self, start: usize) {
        let q = self.b[start];
        match self.lang {
            Language::Python => self.python_string(start, false, Interp::None),
            Language::JavaScript => match q {
                b'`' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        multiline: true,
                        interp: Interp::DollarBrace,
                        ..QuoteRules::default()
                    },
                ),
                _ => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        ..QuoteRules::default()
                    },
                ),
            },
            Language::Go => match q {
                b'`' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        multiline: true,
                        ..QuoteRules::default()
                    },
                ),
                _ => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        ..QuoteRules::default()
                    },
                ),
            },
            Language::CSharp | Language::CLike => {
                if q == b'"' && self.starts("\"\"\"") {
                    self.triple(start, "\"\"\"", true, Interp::None);
                } else if q == b'`' {
                    self.push(Tok::Other, start, start + 1);
                    self.i += 1;
                } else {
                    let interp = if self.lang == Language::CLike && q == b'"' {
                        Interp::DollarBrace
                    } else {
                        Interp::None
                    };
                    self.quoted(
                        start,
                        q,
                        QuoteRules {
                            escapes: true,
                            interp,
                            ..QuoteRules::default()
                        },
                    )
                }
            }
            Language::Php => match q {
                b'"' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        multiline: true,
                        interp: Interp::Dollar,
                        ..QuoteRules::default()
                    },
                ),
                b'\'' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        multiline: true,
                        ..QuoteRules::default()
                    },
                ),
                _ => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        multiline: true,
                        ..QuoteRules::default()
                    },
                ),
            },
            Language::Ruby => match q {
                b'"' | b'`' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        multiline: true,
                        interp: Interp::HashBrace,
                        ..QuoteRules::default()
                    },
                ),
                _ => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        multiline: true,
                        ..QuoteRules::default()
                    },
                ),
            },
            Language::PowerShell => match q {
                b'"' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        backtick: true,
                        doubled: true,
                        multiline: true,
                        interp: Interp::Dollar,
                        ..QuoteRules::default()
                    },
                ),
                b'\'' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        doubled: true,
                        multiline: true,
                        ..QuoteRules::default()
                    },
                ),
                _ => {
                    self.push(Tok::Other, start, start + 1);
                    self.i += 1;
                }
            },
            Language::Rust => match q {
                b'"' => self.quoted(
                    start,
                    q,
                    QuoteRules {
                        escapes: true,
                        multiline: true,
                        ..QuoteRules::default()
                    },
                ),
                b'\'' => {
                    // A char literal ('x', '\n') or a lifetime ('a).
                    let is_char =
                        self.at(1) == b'\\' || self.s[start + 1..].chars().nth(1) == Some('\'');
                    if is_char {
                        self.quoted(
                            start,
                            q,
                            QuoteRules {
                                escapes: true,
                                ..QuoteRules::default()
                            },
                        )
                    } else {
                        self.push(Tok::Other, start, start + 1);
                        self.i += 1;
                    }
                }
                _ => {
                    self.push(Tok::Other, start, start + 1);
                    self.i += 1;
                }
            },
            _ => self.quoted(
                start,
                q,
                QuoteRules {
                    escapes: true,
                    ..QuoteRules::default()
                },
            ),
        }
    }

    fn python_string(&mut self, start: usize, raw: bool, interp: Interp) {
        let q = self.b[self.i];
        let triple = [q, q, q];
        if self.b[self.i..].starts_with(&triple) {
            let delim = if q == b'"' { "\"\"\"" } else { "'''" };
            self.triple(start, delim, !raw, interp);
        } else {
            self.quoted(
                start,
                q,
                QuoteRules {
                    escapes: !raw,
                    raw_backslash: raw,
                    interp,
                    ..QuoteRules::default()
                },
            );
        }
    }

    fn triple(&mut self, start: usize, delim: &'static str, escapes: bool, interp: Interp) {
        let open = self.i;
        let body = open + delim.len();
        let mut j = body;
        let end = loop {
            match self.s[j..].find(delim) {
                Some(k) => {
                    let at = j + k;
                    if escapes && at > body && self.b[at - 1] == b'\\' {
                        j = at + 1;
                        continue;
                    }
                    break at;
                }
                None => break self.b.len(),
            }
        };
        let from = self.parts.len();
        build_parts(
            &self.s[body..end],
            body + self.base,
            escapes,
            None,
            false,
            false,
            interp,
            &mut self.parts,
        );
        let stop = (end + delim.len()).min(self.b.len());
        self.push_str(from, start, stop);
        self.i = stop;
    }

    fn rust_raw(&mut self, start: usize) {
        let mut j = self.i;
        let mut hashes = 0;
        while j < self.b.len() && self.b[j] == b'#' {
            hashes += 1;
            j += 1;
        }
        if self.b.get(j) != Some(&b'"') {
            self.push(Tok::Other, start, j.max(start + 1));
            self.i = j.max(start + 1);
            return;
        }
        let body = j + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = self.s[body..]
            .find(&close)
            .map_or(self.b.len(), |k| body + k);
        let from = self.parts.len();
        self.parts.push(Part::Text {
            text: Cow::Borrowed(&self.s[body..end]),
            src: Some(body + self.base),
        });
        let stop = (end + close.len()).min(self.b.len());
        self.push_str(from, start, stop);
        self.i = stop;
    }

    /// A string delimited by `q`; `self.i` is at the opening quote.
    fn quoted(&mut self, start: usize, q: u8, rules: QuoteRules) {
        let body = self.i + 1;
        if !rules.multiline && body < self.unclosed_until[quote_slot(q)] {
            self.push(Tok::Other, start, body);
            self.i = body;
            return;
        }
        let mut j = body;
        let mut brace_depth = 0usize;
        let end = loop {
            let Some(&c) = self.b.get(j) else { break None };
            match c {
                b'\\' if rules.escapes || rules.raw_backslash => j += 2,
                b'`' if rules.backtick => j += 2,
                b'\n' if !rules.multiline && brace_depth == 0 => break None,
                b'{' if rules.interp != Interp::None => {
                    brace_depth += 1;
                    j += 1
                }
                b'}' if rules.interp != Interp::None => {
                    brace_depth = brace_depth.saturating_sub(1);
                    j += 1
                }
                c if c == q && rules.doubled && self.b.get(j + 1) == Some(&q) => j += 2,
                c if c == q
                    && (brace_depth == 0
                        || rules.interp == Interp::Dollar
                        || q != b'`' && rules.interp != Interp::DollarBrace) =>
                {
                    break Some(j)
                }
                _ => j += 1,
            }
        };
        let Some(end) = end else {
            // Unterminated on this line: give the quote back.
            if !rules.multiline {
                self.unclosed_until[quote_slot(q)] = j;
            }
            self.push(Tok::Other, start, body);
            self.i = body;
            return;
        };
        let end = end.min(self.b.len());
        let from = self.parts.len();
        build_parts(
            &self.s[body..end],
            body + self.base,
            rules.escapes,
            rules.doubled.then_some(q),
            rules.backtick,
            rules.raw_backslash,
            rules.interp,
            &mut self.parts,
        );
        self.push_str(from, start, end + 1);
        self.i = end + 1;
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Interp {
    #[default]
    None,
    /// Python f-strings: `{expr}`, `{{` escapes.
    PyFormat,
    /// C# `$"…{expr}…"`.
    Brace,
    /// JS template literals, Kotlin/Groovy/Dart: `${expr}`.
    DollarBrace,
    /// Ruby: `#{expr}`.
    HashBrace,
    /// PHP, PowerShell, shell: `$name`, `${name}`, `{$name}`, `$(expr)`.
    Dollar,
}

#[derive(Clone, Copy, Debug, Default)]
struct QuoteRules {
    escapes: bool,
    /// The quote doubled stands for itself (`''` in PowerShell, `""` verbatim).
    doubled: bool,
    /// PowerShell's backtick escape.
    backtick: bool,
    /// Python raw strings: `\"` does not end the string but stays as text.
    raw_backslash: bool,
    multiline: bool,
    interp: Interp,
}

/// Splits a literal's body into text and interpolation parts, decoding
/// escapes, and appends them to `out`. A text run with no escape inside
/// keeps its source offset.
#[allow(clippy::too_many_arguments)]
fn build_parts<'a>(
    body: &'a str,
    offset: usize,
    escapes: bool,
    doubled: Option<u8>,
    backtick: bool,
    raw_backslash: bool,
    interp: Interp,
    out: &mut Vec<Part<'a>>,
) {
    if interp == Interp::Dollar {
        interp_dollar_into(body, offset, escapes || backtick, out);
        return;
    }
    let b = body.as_bytes();
    // No byte any rule below acts on (the usual string): one verbatim part,
    // without the general loop and its buffer.
    if !b
        .iter()
        .any(|&c| matches!(c, b'{' | b'}' | b'$' | b'#' | b'\\' | b'`' | b'"' | b'\''))
    {
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
        let open_len = match interp {
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
                1
            }
            Interp::DollarBrace if c == b'$' && b.get(i + 1) == Some(&b'{') => 2,
            Interp::HashBrace if c == b'#' && b.get(i + 1) == Some(&b'{') => 2,
            _ => 0,
        };
        if open_len > 0 {
            flush(parts, &mut text, run_start, verbatim);
            let inner = i + open_len;
            let close = matching_brace(b, inner);
            let expr = &body[inner..close];
            parts.push(Part::Interp {
                expr,
                start: offset + i,
                end: offset + (close + 1).min(b.len()),
            });
            i = (close + 1).min(b.len());
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
        if (escapes && c == b'\\') || (backtick && c == b'`') {
            flush(parts, &mut text, run_start, verbatim);
            let decoded = decode_escape(body, i + 1);
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
        while j < b.len()
            && !matches!(
                b[j],
                b'{' | b'}' | b'$' | b'#' | b'\\' | b'`' | b'"' | b'\''
            )
        {
            j += 1;
        }
        text.push_str(&body[i..j]);
        i = j;
    }
    flush(parts, &mut text, run_start, verbatim);
}

/// A text part's text, taken from the `text` buffer: borrowed from `body`
/// when it is the verbatim run starting at `run_start` (the buffer is then
/// only cleared, so its allocation is reused), else moved out.
fn part_text<'a>(
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
fn matching_brace(b: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    for (k, &c) in b.iter().enumerate().skip(from) {
        match c {
            b'{' => depth += 1,
            b'}' if depth == 0 => return k,
            b'}' => depth -= 1,
            _ => {}
        }
    }
    b.len()
}

/// Decodes the escape whose letter is at `at`; returns the text and the
/// index after the escape.
fn decode_escape(body: &str, at: usize) -> (String, usize) {
    let Some(c) = body[at.min(body.len())..].chars().next() else {
        return (String::new(), body.len());
    };
    let next = at + c.len_utf8();
    let text = match c {
        'n' => "\n".to_string(),
        't' => "\t".to_string(),
        'r' => "\r".to_string(),
        '0' => "\0".replace('\0', ""),
        '\n' => String::new(),
        other => other.to_string(),
    };
    (text, next)
}

/// `$name`, `${name}`, `{$name}`, `$(expr)`, `$env:NAME` interpolation
/// (PHP, PowerShell and shell double-quoted strings): appends the parts of
/// `body` to `parts` (a shell word gathers the parts of all its quoted and
/// unquoted pieces).
fn interp_dollar_into<'a>(body: &'a str, offset: usize, escapes: bool, parts: &mut Vec<Part<'a>>) {
    let b = body.as_bytes();
    // Most shell words and many strings hold none of the bytes a rule below
    // acts on: one verbatim part, without the general loop.
    if !b.iter().any(|&c| matches!(c, b'{' | b'$' | b'\\' | b'`')) {
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
        if c == b'{' && b.get(i + 1) == Some(&b'$') {
            let close = matching_brace(b, i + 1);
            if !text.is_empty() {
                parts.push(Part::Text {
                    text: part_text(body, &mut text, run_start, verbatim),
                    src: verbatim.then_some(offset + run_start),
                });
            }
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
        let interp_end = if c == b'$' {
            let s = if c == b'{' { i + 1 } else { i };
            match b.get(s + 1) {
                Some(b'{') => Some((s + 2, matching_brace(b, s + 2), 1)),
                Some(b'(') => {
                    let mut depth = 0usize;
                    let mut k = s + 2;
                    let mut close = b.len();
                    while k < b.len() {
                        match b[k] {
                            b'(' => depth += 1,
                            b')' if depth == 0 => {
                                close = k;
                                break;
                            }
                            b')' => depth -= 1,
                            _ => {}
                        }
                        k += 1;
                    }
                    Some((s + 2, close, 1))
                }
                Some(&n) if is_ident_start(n) => {
                    let mut k = s + 1;
                    while k < b.len()
                        && (is_ident(b[k])
                            || (b[k] == b':'
                                && k + 1 < b.len()
                                && is_ident_start(b[k + 1])
                                && body[s + 1..k].eq_ignore_ascii_case("env")))
                    {
                        k += 1;
                    }
                    Some((s + 1, k, 0))
                }
                _ => None,
            }
            .map(|(inner, close, closer)| {
                let close_end = (close + closer).min(b.len());
                // `{$name}`: also consume the closing brace.
                let close_end = if c == b'{' && b.get(close_end) == Some(&b'}') {
                    close_end + 1
                } else {
                    close_end
                };
                (inner, close, close_end)
            })
        } else {
            None
        };
        if let Some((inner, close, close_end)) = interp_end {
            flush!();
            let expr = &body[inner..close.min(b.len())];
            parts.push(Part::Interp {
                expr,
                start: offset + i,
                end: offset + close_end,
            });
            i = close_end;
            verbatim = true;
            run_start = i;
            continue;
        }
        if escapes && (c == b'\\' || c == b'`') {
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
        while j < b.len() && !matches!(b[j], b'{' | b'$' | b'\\' | b'`') {
            j += 1;
        }
        text.push_str(&body[i..j]);
        i = j;
    }
    flush!();
}

/// Shell: words, comments, assignments. Every word is one [`Tok::Str`]
/// (quoting pieces joined, `$VAR` interpolated); `NAME=value` at a word's
/// start becomes `Ident(NAME) Op(=) Str(value)`.
fn lex_shell<'a, O: Offset>(text: &'a str, base: usize) -> Lexed<'a, O> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut comments = Vec::new();
    let mut parts = Vec::new();
    let mut i = 0;
    let push = |out: &mut Vec<Token<'a, O>>, tok: Tok<'a>, s: usize, e: usize| {
        out.push(Token {
            tok,
            start: O::from_usize(s + base),
            end: O::from_usize(e + base),
        })
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' | b';' => {
                push(&mut out, Tok::Newline, i, i + 1);
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            b'#' => {
                let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
                comments.push(Comment {
                    text: text[i + 1..end].trim_end_matches('\r'),
                    offset: i + 1 + base,
                    start: i + base,
                    end: end + base,
                });
                i = end;
            }
            b'|' | b'&' | b'(' | b')' | b'<' | b'>' => {
                push(&mut out, Tok::Op(op1(c)), i, i + 1);
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
                    push(&mut out, Tok::Ident(&text[i..k]), i, k);
                    push(&mut out, Tok::Op(Op::Eq), k, k + 1);
                    i = k + 1;
                }
                let from = parts.len();
                let end = shell_word(text, i, base, &mut parts);
                if end > i || assign {
                    let word = Parts {
                        start: from,
                        end: parts.len(),
                    };
                    push(
                        &mut out,
                        Tok::Str(word),
                        if assign { i } else { start },
                        end,
                    );
                } else {
                    parts.truncate(from);
                }
                i = end.max(i + usize::from(!assign));
            }
        }
    }
    Lexed {
        toks: out,
        comments,
        parts,
    }
}

/// One shell word starting at `i`: appends its parts to `parts`, returns
/// its end.
fn shell_word<'a>(text: &'a str, mut i: usize, base: usize, parts: &mut Vec<Part<'a>>) -> usize {
    let b = text.as_bytes();
    let mut run = i;
    let flush_plain = |parts: &mut Vec<Part<'a>>, from: usize, to: usize| {
        if to > from {
            interp_dollar_into(&text[from..to], from + base, true, parts);
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
                interp_dollar_into(&text[i + 1..close], i + 1 + base, true, parts);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_table_matches_its_definition() {
        for c in 0..=255u8 {
            let start = c.is_ascii_alphabetic() || c == b'_' || c >= 0x80;
            assert_eq!(is_ident_start(c), start, "byte {c}");
            assert_eq!(is_ident(c), start || c.is_ascii_digit(), "byte {c}");
        }
    }

    #[test]
    fn tokens_are_small() {
        assert!(std::mem::size_of::<Token<'_, u32>>() <= 32);
    }

    #[test]
    fn u32_offsets_only_where_they_fit() {
        let max = u32::MAX as usize;
        assert!(fits_u32("ab", max - 2));
        assert!(!fits_u32("ab", max - 1));
        assert!(!fits_u32("", usize::MAX));
        assert!(fits_u32("", max));
    }

    #[test]
    fn u32_and_usize_offsets_give_the_same_tokens() {
        fn widen(t: Token<'_, u32>) -> Token<'_, usize> {
            Token {
                tok: t.tok,
                start: t.start as usize,
                end: t.end as usize,
            }
        }
        for seed in 0..200u64 {
            let text = crate::extract::garbage(
                seed,
                (seed as usize * 13) % 300,
                b"ab_.$@=:+-%|?()[]{},;'\"`\\/#\n {}fx0",
            );
            for lang in LANGS {
                let l32 = lex_split::<u32>(lang, &text, 7);
                let l64 = lex_split::<usize>(lang, &text, 7);
                assert_eq!(
                    l32.toks.into_iter().map(widen).collect::<Vec<_>>(),
                    l64.toks
                );
                assert_eq!(l32.comments, l64.comments);
                assert_eq!(l32.parts, l64.parts);
            }
        }
    }

    #[test]
    fn op_macro_names_the_operator_of_its_text() {
        assert_eq!(op!("+").as_str(), "+");
        assert_eq!(op!("-").as_str(), "-");
        assert_eq!(op!("*").as_str(), "*");
        assert_eq!(op!("/").as_str(), "/");
        assert_eq!(op!("%").as_str(), "%");
        assert_eq!(op!("=").as_str(), "=");
        assert_eq!(op!("<").as_str(), "<");
        assert_eq!(op!(">").as_str(), ">");
        assert_eq!(op!("!").as_str(), "!");
        assert_eq!(op!("&").as_str(), "&");
        assert_eq!(op!("|").as_str(), "|");
        assert_eq!(op!("^").as_str(), "^");
        assert_eq!(op!("~").as_str(), "~");
        assert_eq!(op!("?").as_str(), "?");
        assert_eq!(op!(":").as_str(), ":");
        assert_eq!(op!(";").as_str(), ";");
        assert_eq!(op!(",").as_str(), ",");
        assert_eq!(op!(".").as_str(), ".");
        assert_eq!(op!("(").as_str(), "(");
        assert_eq!(op!(")").as_str(), ")");
        assert_eq!(op!("[").as_str(), "[");
        assert_eq!(op!("]").as_str(), "]");
        assert_eq!(op!("{").as_str(), "{");
        assert_eq!(op!("}").as_str(), "}");
        assert_eq!(op!("@").as_str(), "@");
        assert_eq!(op!("==").as_str(), "==");
        assert_eq!(op!("!=").as_str(), "!=");
        assert_eq!(op!("<=").as_str(), "<=");
        assert_eq!(op!(">=").as_str(), ">=");
        assert_eq!(op!("=>").as_str(), "=>");
        assert_eq!(op!("->").as_str(), "->");
        assert_eq!(op!("::").as_str(), "::");
        assert_eq!(op!("+=").as_str(), "+=");
        assert_eq!(op!(".=").as_str(), ".=");
        assert_eq!(op!(":=").as_str(), ":=");
        assert_eq!(op!("..").as_str(), "..");
        assert_eq!(op!("&&").as_str(), "&&");
        assert_eq!(op!("||").as_str(), "||");
        assert_eq!(op!("??").as_str(), "??");
        assert_eq!(op!("-=").as_str(), "-=");
        assert_eq!(op!("<<").as_str(), "<<");
    }

    #[test]
    fn op1_table_matches_its_definition() {
        for c in 0..=255u8 {
            assert_eq!(op1(c), op1_of(c), "byte {c}");
            if IS_OP1[usize::from(c)] {
                assert_eq!(op1(c).as_str().as_bytes(), [c], "byte {c}");
            }
        }
    }

    #[test]
    fn op2_table_matches_the_operator_list() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let listed = OPS2.iter().find(|o| o.as_bytes() == [a, b]).copied();
                assert_eq!(op2(a, b).map(Op::as_str), listed, "bytes {a} {b}");
            }
        }
        for c in 0..=255u8 {
            assert_eq!(IS_OP1[usize::from(c)], OPS1.contains(&c), "byte {c}");
            let first = OPS2.iter().any(|o| o.as_bytes()[0] == c);
            assert_eq!(OP2_FIRST[usize::from(c)], first, "byte {c}");
        }
    }

    fn strs(lang: Language, text: &str) -> Vec<String> {
        let lexed = lex(lang, text, 0);
        lexed
            .toks
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Str(parts) => Some(
                    lexed
                        .parts_of(parts)
                        .iter()
                        .map(|p| match p {
                            Part::Text { text, .. } => text.to_string(),
                            Part::Interp { expr, .. } => format!("<{expr}>"),
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    fn check_offsets(lang: Language, text: &str) {
        let lexed = lex(lang, text, 0);
        for c in &lexed.comments {
            assert!(c.start <= c.end && c.end <= text.len(), "{c:?}");
            assert_eq!(&text[c.offset..c.offset + c.text.len()], c.text);
        }
        let mut next_part = 0;
        for t in &lexed.toks {
            assert!(t.start <= t.end && t.end <= text.len(), "{t:?}");
            if let Tok::Str(parts) = t.tok {
                // Each literal's parts follow the previous literal's.
                assert_eq!(parts.start, next_part, "{t:?}");
                assert!(parts.start <= parts.end, "{t:?}");
                next_part = parts.end;
                for p in lexed.parts_of(parts) {
                    if let Part::Text {
                        text: s,
                        src: Some(o),
                    } = p
                    {
                        assert_eq!(&text[*o..*o + s.len()], s);
                    }
                }
            }
        }
        assert_eq!(next_part, lexed.parts.len());
    }

    #[test]
    fn python_strings() {
        let src = "x = f\"{base}/api/{V}/fo/\" + r'a\\b' + '''m\nl''' # c /api/2.0/\n";
        assert_eq!(
            strs(Language::Python, src),
            ["<base>/api/<V>/fo/", "a\\b", "m\nl"]
        );
        check_offsets(Language::Python, src);
        assert!(comments(Language::Python, src, 0)
            .iter()
            .any(|c| c.0.contains("/api/2.0/")));
    }

    #[test]
    fn unterminated_quote_gives_back() {
        let src = "don't\nx = \"/api/2.0/fo/scan/\"\n";
        assert_eq!(strs(Language::Python, src), ["/api/2.0/fo/scan/"]);
    }

    #[test]
    fn js_template_and_escapes() {
        let src = "const u = `${base}/api/${V}/x`; const e = \"a\\\"b\";";
        assert_eq!(
            strs(Language::JavaScript, src),
            ["<base>/api/<V>/x", "a\"b"]
        );
        check_offsets(Language::JavaScript, src);
    }

    #[test]
    fn csharp_php_ruby_powershell() {
        assert_eq!(
            strs(Language::CSharp, "var u = $\"{baseUrl}/api/2.0/x\";"),
            ["<baseUrl>/api/2.0/x"]
        );
        assert_eq!(
            strs(Language::Php, "$u = \"{$base}/api/$v/x\";"),
            ["<$base>/api/<v>/x"]
        );
        assert_eq!(
            strs(Language::Ruby, "u = \"#{base}/api/2.0\""),
            ["<base>/api/2.0"]
        );
        assert_eq!(
            strs(Language::PowerShell, "$u = \"$BaseUri/api/2.0/?a=1\""),
            ["<BaseUri>/api/2.0/?a=1"]
        );
        assert_eq!(strs(Language::PowerShell, "$u = 'it''s'"), ["it's"]);
    }

    #[test]
    fn shell_words_and_assignments() {
        let src = "API_PATH=\"/api/2.0/fo/scan/\"\ncurl -s -u \"$U:$P\" \\\n  \"$QUALYS_API$API_PATH\" # done\n";
        let toks = lex(Language::Shell, src, 0).toks;
        assert!(matches!(&toks[0].tok, Tok::Ident(n) if *n == "API_PATH"));
        assert_eq!(
            strs(Language::Shell, src),
            [
                "/api/2.0/fo/scan/",
                "curl",
                "-s",
                "-u",
                "<U>:<P>",
                "<QUALYS_API><API_PATH>"
            ]
        );
        check_offsets(Language::Shell, src);
    }

    const LANGS: [Language; 10] = [
        Language::Python,
        Language::JavaScript,
        Language::Go,
        Language::CSharp,
        Language::CLike,
        Language::Php,
        Language::Ruby,
        Language::PowerShell,
        Language::Rust,
        Language::Shell,
    ];

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "\"", "'", "`", "f\"{", "$\"{", "@\"", "#{", "${", "\\", "r#\"", "/*", "<#", "é\"ü",
            "$(", "{$",
        ];
        for lang in LANGS {
            for a in samples {
                for b in samples {
                    let s = format!("{a}x{b}é\n{a}");
                    check_offsets(lang, &s);
                    check_offsets(lang, &format!("{a}{b}é"));
                    check_offsets(lang, &format!("{a}é{b}"));
                }
            }
        }
    }
}
