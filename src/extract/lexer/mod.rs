//! Tokenizers, driven by the language table.
//!
//! These are not full lexers: they know exactly as much of each language as
//! it takes to find string literals (with their interpolations), comments,
//! identifiers and the operators that join strings, with byte offsets. They
//! never fail: text they do not understand becomes [`Tok::Other`], and an
//! unterminated single-line string gives its quote back so a stray
//! apostrophe cannot swallow the rest of a file.
//!
//! What a language's comments and strings look like is data: a
//! [`syntax::Syntax`] row of the table in [`crate::extract::language`].
//! [`code`] reads any row whose lexer is [`syntax::Lexer::Code`]; line
//! oriented formats have their own readers ([`shell`] for shells and
//! batch files, [`config`] for INI, Makefiles and Dockerfiles, [`xml`]).
//! [`parts`] splits a literal's body into text and interpolations.

use std::borrow::Cow;

use super::Language;

pub mod code;
pub mod config;
pub mod parts;
pub mod shell;
pub mod syntax;
pub mod xml;

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
    /// `++` (Haskell, Elixir): lexed only where a row lists it.
    PlusPlus,
    /// `<>` (Haskell, Elixir): lexed only where a row lists it.
    LtGt,
    /// `<-` (R's assignment): lexed only where a row lists it.
    LArrow,
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
            Op::PlusPlus => "++",
            Op::LtGt => "<>",
            Op::LArrow => "<-",
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
    ("++") => {
        $crate::extract::lexer::Op::PlusPlus
    };
    ("<>") => {
        $crate::extract::lexer::Op::LtGt
    };
    ("<-") => {
        $crate::extract::lexer::Op::LArrow
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
    let syntax = lang.syntax();
    match syntax.lexer {
        syntax::Lexer::Code => code::lex(lang, text, base),
        syntax::Lexer::Shell => shell::lex_shell(text, base),
        syntax::Lexer::Batch => shell::lex_batch(text, base),
        syntax::Lexer::Make => config::lex_make(text, base),
        syntax::Lexer::Dockerfile => config::lex_dockerfile(text, base),
        syntax::Lexer::Ini => config::lex_ini(syntax, text, base),
        syntax::Lexer::Xml => xml::lex_xml(text, base),
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

/// A [`Lexed`] under construction: every reader pushes through it, with
/// offsets relative to the lexed text (`base` is added here).
struct Out<'a, O: Offset> {
    toks: Vec<Token<'a, O>>,
    comments: Vec<Comment<'a>>,
    /// The parts of all string literals, in order.
    parts: Vec<Part<'a>>,
    base: usize,
}

impl<'a, O: Offset> Out<'a, O> {
    fn new(base: usize, toks: usize) -> Out<'a, O> {
        Out {
            toks: Vec::with_capacity(toks),
            comments: Vec::new(),
            parts: Vec::new(),
            base,
        }
    }

    fn tok(&mut self, tok: Tok<'a>, start: usize, end: usize) {
        self.toks.push(Token {
            tok,
            start: O::from_usize(start + self.base),
            end: O::from_usize(end + self.base),
        });
    }

    /// A string token whose parts are those pushed since the part list
    /// was `from` long.
    fn str_from(&mut self, from: usize, start: usize, end: usize) {
        let parts = Parts {
            start: from,
            end: self.parts.len(),
        };
        self.tok(Tok::Str(parts), start, end);
    }

    /// A verbatim text part: `text` is the source at `offset`.
    fn text(&mut self, text: &'a str, offset: usize) {
        self.parts.push(Part::Text {
            text: Cow::Borrowed(text),
            src: Some(offset + self.base),
        });
    }

    /// A string token holding `text` verbatim (at `offset`), spanning
    /// `start..end`.
    fn verbatim(&mut self, text: &'a str, offset: usize, start: usize, end: usize) {
        let from = self.parts.len();
        self.text(text, offset);
        self.str_from(from, start, end);
    }

    /// A comment whose text `text` starts at `offset` and which spans
    /// `start..end`.
    fn comment(&mut self, text: &'a str, offset: usize, start: usize, end: usize) {
        self.comments.push(Comment {
            text,
            offset: offset + self.base,
            start: start + self.base,
            end: end + self.base,
        });
    }

    /// The last token, if any.
    fn last(&self) -> Option<&Tok<'a>> {
        self.toks.last().map(|t| &t.tok)
    }

    fn finish(self) -> Lexed<'a, O> {
        Lexed {
            toks: self.toks,
            comments: self.comments,
            parts: self.parts,
        }
    }
}

/// The end of the line holding `from`: the offset of its `\n`, or the end.
fn line_end(b: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &b[from.min(b.len())..]).map_or(b.len(), |k| from + k)
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
                b"ab_.$@=:+-%|?()[]{},;'\"`\\/#\n {}fx0<~qsE[=\t",
            );
            for lang in langs() {
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

    /// The string tokens of `text`, interpolations shown as `<expr>`.
    pub(super) fn strs(lang: Language, text: &str) -> Vec<String> {
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

    /// Spans in bounds, verbatim parts equal to the text they point at,
    /// each literal's parts right after the previous literal's.
    pub(super) fn check_offsets(lang: Language, text: &str) {
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

    /// Every row's lexer (the structured formats' rows lex as plain code).
    fn langs() -> impl Iterator<Item = Language> {
        Language::all()
    }

    #[test]
    fn line_oriented_lexers_stay_linear() {
        // A command or a line repeated on one 800 KB line: no search may
        // run from every repetition to the end of the line.
        for (lang, unit) in [
            (Language::Batch, "set A=b & set \"C=d\" & rem x "),
            (Language::Ini, "k = v ; c # d "),
            (Language::Xml, "<a k=\"v\"><![CDATA[x]]><!-- c --></a>"),
            (Language::Makefile, "A := $(B) # c "),
            (Language::Dockerfile, "ENV A b && echo \"$A\" "),
            (Language::Dotenv, "A=\"${B}\" # c "),
        ] {
            let text = unit.repeat(800_000 / unit.len());
            let t = std::time::Instant::now();
            let _ = lex(lang, &text, 0);
            assert!(
                t.elapsed() < std::time::Duration::from_secs(5),
                "{lang:?} took {:?}",
                t.elapsed()
            );
        }
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "\"",
            "'",
            "`",
            "f\"{",
            "$\"{",
            "@\"",
            "#{",
            "${",
            "\\",
            "r#\"",
            "/*",
            "<#",
            "é\"ü",
            "$(",
            "{$",
            "<<\"E\"\n",
            "<<~E\n",
            "E\n",
            "q(",
            "qq{",
            "s/",
            "--[[",
            "[==[",
            "{-",
            "=pod\n",
            "\n=cut",
            "~s(",
            "@doc \"",
            "$/",
            "/",
            "REM ",
            "'",
            "%x%",
            "<!--",
            "]]>",
            "<a b=\"",
            "[s]\n",
            "k = v",
            "\tcurl ",
            "ENV A b",
            "set A=",
            "$#",
            "$\"",
            "__END__",
        ];
        for lang in langs() {
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
