//! The table-driven tokenizer for programming languages.
//!
//! One loop for every language whose row says [`Lexer::Code`]: a byte
//! that the row's [byte classes](super::syntax::classes) mark as special
//! is tried against the row's comments, forms, prefixes, sigils and quotes
//! (in that order); every other byte goes straight to the plain rules
//! (blanks, numbers, identifiers, operators). A language is a row; the
//! mechanisms here are shared.
//!
//! Every search that could fail and be retried from a later byte is
//! bounded so that lexing stays linear: single-line strings and slashy
//! literals remember how far a failed search went, unterminated multi-line
//! constructs run to the end of the file, and heredoc searches share a
//! budget proportional to the file.
//!
//! [`Lexer::Code`]: super::syntax::Lexer::Code

use super::parts::build_parts;
use super::syntax::{
    At, BlockComment, Escape, Form, Heredoc, Interp, LineComment, Prefix, Quote, Sigil, Syntax,
    COMMENT, CONTINUATION, FORM, PREFIX, QUOTE, SIGIL,
};
use super::{
    is_ident, is_ident_start, line_end, op, op1, op2, Lexed, Offset, Op, Out, Tok, IS_OP1,
    OP2_FIRST,
};
use crate::extract::Language;

/// Lexes `text` with the row of `lang`.
pub(super) fn lex<O: Offset>(lang: Language, text: &str, base: usize) -> Lexed<'_, O> {
    let syn = lang.syntax();
    let mut lx = Lexer {
        syn,
        class: lang.classes(),
        plain_quotes: lang.plain_quotes(),
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
        // Code runs at about one token per 3–8 bytes: reserving for one per
        // 4 spares most files every regrowth copy, and reserved memory that
        // is never written costs next to nothing (a large block is mapped
        // lazily).
        out: Out::new(base, text.len() / 4),
        unclosed_until: [0; 3],
        slash_unclosed_until: 0,
        heredoc: None,
        heredoc_budget: text.len().saturating_mul(4).saturating_add(4096),
        newline: syn.newline,
        brace_brackets: syn.brace_brackets,
        extra_ops: !syn.extra_ops.is_empty(),
        keyword_comments: syn.line_comments.iter().any(|c| c.at == At::Keyword),
        quote_ops: syn.has_form(Form::PerlQuoteOps),
        data_section: syn.has_form(Form::DataSection),
        word_hooks: syn.line_comments.iter().any(|c| c.at == At::Keyword)
            || syn.has_form(Form::PerlQuoteOps),
        max_prefix: syn
            .prefixes
            .iter()
            .filter(|p| p.text.as_bytes()[0].is_ascii_alphabetic())
            .map(|p| p.text.len())
            .max()
            .unwrap_or(0),
    };
    lx.run();
    lx.out.finish()
}

struct Lexer<'a, O: Offset> {
    syn: &'static Syntax,
    class: &'static [u8; 256],
    /// Per byte, 1 + the index of the one-byte quote it opens, if that is
    /// the only construct it may start.
    plain_quotes: &'static [u8; 256],
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Bracket depth: newlines inside brackets end no statement.
    depth: usize,
    out: Out<'a, O>,
    /// Per quote byte: a single-line string opened before this offset found
    /// no closing quote up to here, so no later quote on the line can close
    /// either. Keeps a 3 MB line full of stray apostrophes linear.
    unclosed_until: [usize; 3],
    /// The same for `/…/` literals.
    slash_unclosed_until: usize,
    /// Pending heredoc bodies: at the line break at `.0`, lexing resumes at
    /// `.1` (the end of the last closing line).
    heredoc: Option<(usize, usize)>,
    /// Bytes heredoc searches may still read.
    heredoc_budget: usize,
    /// The row's flags the hot loop reads, copied out of it.
    newline: bool,
    brace_brackets: bool,
    extra_ops: bool,
    /// Whether identifiers may be comments (`REM`), quote operators
    /// (`qq`) or `__END__`: cheap tests before the word lookups.
    keyword_comments: bool,
    quote_ops: bool,
    data_section: bool,
    /// Whether identifiers may be keyword comments or quote operators.
    word_hooks: bool,
    /// The longest letter prefix of a string (`raw"…"`).
    max_prefix: usize,
}

fn quote_slot(q: u8) -> usize {
    match q {
        b'"' => 0,
        b'\'' => 1,
        _ => 2,
    }
}

/// Words after which an operand is expected: a `/` there starts a regex,
/// `<<TAG` a heredoc.
const TERM_WORDS: &[&str] = &[
    "return", "and", "or", "not", "if", "unless", "while", "until", "split", "grep", "map", "join",
    "push", "unshift", "when", "eq", "ne", "lt", "gt", "le", "ge", "cmp", "x", "print", "say",
    "die", "warn", "else", "elsif", "do", "in", "case", "foreach", "for", "my", "our", "local",
    "printf", "sprintf",
];

/// Identifiers that open a documentation string (Elixir).
const DOC_ATTRIBUTES: &[&str] = &["doc", "moduledoc", "typedoc", "shortdoc"];

impl<'a, O: Offset> Lexer<'a, O> {
    fn at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    #[inline]
    fn starts(&self, pat: &str) -> bool {
        self.b[self.i..].starts_with(pat.as_bytes())
    }

    fn starts_at(&self, at: usize, pat: &str) -> bool {
        self.b
            .get(at..)
            .is_some_and(|r| r.starts_with(pat.as_bytes()))
    }

    fn line_end(&self, from: usize) -> usize {
        line_end(self.b, from)
    }

    /// Whether only blanks precede `at` on its line.
    fn at_line_start(&self, at: usize) -> bool {
        self.b[..at]
            .iter()
            .rev()
            .take_while(|&&c| c != b'\n')
            .all(|&c| c == b' ' || c == b'\t')
    }

    /// Whether the last token is an operand, so that `/` divides and `<<`
    /// shifts (else they start a regex or a heredoc).
    fn after_operand(&self) -> bool {
        let Some(t) = self.out.toks.last() else {
            return false;
        };
        match t.tok {
            Tok::Num(_) | Tok::Str(_) => true,
            Tok::Ident(w) => self.sigiled(t.start.get()) || !TERM_WORDS.contains(&w),
            Tok::Op(o) => matches!(o, op!(")") | op!("]") | op!("}")),
            Tok::Newline | Tok::Other => false,
        }
    }

    /// Whether the token starting at file offset `start` begins with a
    /// sigil (`$x`, `@x`): a variable, never a keyword.
    fn sigiled(&self, start: usize) -> bool {
        start
            .checked_sub(self.out.base)
            .and_then(|k| self.b.get(k))
            .is_some_and(|c| matches!(c, b'$' | b'@' | b'%'))
    }

    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            let start = self.i;
            let class = self.class[usize::from(c)];
            if class == QUOTE {
                // Only a string starts here (the usual case).
                let k = self.plain_quotes[usize::from(c)];
                if let Some(q) = usize::from(k)
                    .checked_sub(1)
                    .and_then(|k| self.syn.quotes.get(k))
                {
                    self.quoted(start, c, q.escape, q.multiline, q.interp);
                    continue;
                }
                if self.string(c, start) {
                    continue;
                }
            }
            if class != 0 && self.special(c, class, start) {
                continue;
            }
            match c {
                b'\n' => {
                    if self.newline && self.depth == 0 {
                        self.out.tok(Tok::Newline, start, start + 1);
                    }
                    self.i += 1;
                    if let Some((nl, resume)) = self.heredoc {
                        if nl == start {
                            self.heredoc = None;
                            self.i = resume.max(self.i);
                        }
                    }
                }
                b' ' | b'\t' | b'\r' | 0x0c => {
                    // A run of blanks (indentation) in one step.
                    let mut j = start + 1;
                    while matches!(self.b.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    self.i = j;
                }
                b'0'..=b'9' => {
                    let mut j = self.i;
                    while j < self.b.len()
                        && (self.b[j].is_ascii_alphanumeric()
                            || self.b[j] == b'.'
                            || self.b[j] == b'_')
                    {
                        j += 1;
                    }
                    self.out.tok(Tok::Num(&self.s[start..j]), start, j);
                    self.i = j;
                }
                c if is_ident_start(c) => self.ident(start),
                c if IS_OP1[usize::from(c)] => self.op(c, start),
                _ => {
                    // Skip one whole character.
                    let len = self.s[start..].chars().next().map_or(1, char::len_utf8);
                    self.out.tok(Tok::Other, start, start + len);
                    self.i += len;
                }
            }
        }
    }

    /// The offset after a line break at `at` (`\n` or `\r\n`).
    fn newline_at(&self, at: usize) -> Option<usize> {
        match self.b.get(at) {
            Some(b'\n') => Some(at + 1),
            Some(b'\r') if self.b.get(at + 1) == Some(&b'\n') => Some(at + 2),
            _ => None,
        }
    }

    /// The offset after a line continuation at `at` and its line break:
    /// `\` (Python, Ruby, C macros) or the row's own byte (PowerShell's
    /// backtick, VB's ` _`, which must follow a blank and may be followed by
    /// blanks).
    fn continuation(&self, at: usize) -> Option<usize> {
        let c = self.b[at];
        if c != b'\\' && Some(c) != self.syn.continuation {
            return None;
        }
        if c != b'_' {
            return self.newline_at(at + 1);
        }
        if at > 0 && !matches!(self.b[at - 1], b' ' | b'\t') {
            return None;
        }
        let mut k = at + 1;
        while matches!(self.b.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        self.newline_at(k)
    }

    fn op(&mut self, c: u8, start: usize) {
        let mut two = if OP2_FIRST[usize::from(c)] {
            op2(c, self.at(1))
        } else {
            None
        };
        if self.extra_ops {
            let extra = match (c, self.at(1)) {
                (b'+', b'+') => Some(Op::PlusPlus),
                (b'<', b'>') => Some(Op::LtGt),
                (b'<', b'-') => Some(Op::LArrow),
                _ => None,
            };
            if let Some(op) = extra.filter(|o| self.syn.extra_ops.contains(o)) {
                two = Some(op);
            }
        }
        if let Some(op) = two {
            self.out.tok(Tok::Op(op), start, start + 2);
            self.i += 2;
            return;
        }
        match c {
            b'(' | b'[' => self.depth += 1,
            b'{' if self.brace_brackets => self.depth += 1,
            b')' | b']' => self.depth = self.depth.saturating_sub(1),
            b'}' if self.brace_brackets => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.out.tok(Tok::Op(op1(c)), start, start + 1);
        self.i += 1;
    }

    /// Tries every construct of the byte's `class` that may start with
    /// byte `c`; false when none does (the byte is then an operator or
    /// other text).
    fn special(&mut self, c: u8, class: u8, start: usize) -> bool {
        let syn = self.syn;
        if class == QUOTE {
            // Only strings start with this byte (the usual case): straight
            // to the row's quotes.
            return self.string(c, start);
        }
        if class & COMMENT != 0 {
            for bc in syn.block_comments {
                if self.starts(bc.open)
                    && (!bc.lines || start == 0 || self.b[start - 1] == b'\n')
                    && self.block_comment(bc, start)
                {
                    return true;
                }
            }
            for lc in syn.line_comments {
                if lc.at != At::Keyword && self.starts(lc.marker) && self.line_comment(lc, start) {
                    return true;
                }
            }
        }
        if class & FORM != 0 {
            for &form in syn.forms {
                if self.form(form, c, start) {
                    return true;
                }
            }
        }
        if class & PREFIX != 0 {
            for p in syn.prefixes {
                let len = p.text.len();
                if p.text.as_bytes()[0] == c
                    && self.starts(p.text)
                    && self
                        .b
                        .get(start + len)
                        .is_some_and(|q| p.quotes.contains(q))
                    && self.prefixed(p, start, start + len)
                {
                    return true;
                }
            }
        }
        if class & SIGIL != 0 && self.sigil(c, start) {
            return true;
        }
        if class & QUOTE != 0 && self.string(c, start) {
            return true;
        }
        if class & CONTINUATION != 0 {
            if let Some(next) = self.continuation(start) {
                self.i = next;
                return true;
            }
        }
        false
    }

    /// A string opened by one of the row's quotes at `start`.
    #[inline]
    fn string(&mut self, c: u8, start: usize) -> bool {
        for q in self.syn.quotes {
            let open = q.open.as_bytes();
            if open[0] == c && (open.len() == 1 || self.starts(q.open)) {
                self.quote(start, q, None);
                return true;
            }
        }
        false
    }

    fn block_comment(&mut self, bc: &BlockComment, start: usize) -> bool {
        if !self.starts(bc.open) || (bc.lines && start > 0 && self.b[start - 1] != b'\n') {
            return false;
        }
        let body = start + bc.open.len();
        if bc.letter_after && !self.b.get(body).is_some_and(u8::is_ascii_alphabetic) {
            return false;
        }
        let (end, stop) = if bc.lines {
            // The closing marker starts a line; the comment takes that line.
            let mut from = body;
            loop {
                let nl = self.line_end(from);
                if nl >= self.b.len() {
                    break (self.b.len(), self.b.len());
                }
                if self.starts_at(nl + 1, bc.close) {
                    break (nl + 1, self.line_end(nl + 1));
                }
                from = nl + 1;
            }
        } else if bc.nested {
            let end = self.nested_end(body, bc.open, bc.close);
            (end, (end + bc.close.len()).min(self.b.len()))
        } else {
            let end = memchr::memmem::find(&self.b[body..], bc.close.as_bytes())
                .map_or(self.b.len(), |k| body + k);
            (end, (end + bc.close.len()).min(self.b.len()))
        };
        self.out.comment(&self.s[body..end], body, start, stop);
        self.i = stop;
        true
    }

    /// Where a nested comment opened before `from` closes (or the end).
    fn nested_end(&self, from: usize, open: &str, close: &str) -> usize {
        let (o, c) = (open.as_bytes(), close.as_bytes());
        let mut depth = 0usize;
        let mut k = from;
        while k < self.b.len() {
            if self.b[k..].starts_with(c) {
                if depth == 0 {
                    return k;
                }
                depth -= 1;
                k += c.len();
            } else if self.b[k..].starts_with(o) {
                depth += 1;
                k += o.len();
            } else {
                k += 1;
            }
        }
        self.b.len()
    }

    fn line_comment(&mut self, lc: &LineComment, start: usize) -> bool {
        if !self.starts(lc.marker) {
            return false;
        }
        let body = start + lc.marker.len();
        if self.b.get(body).is_some_and(|a| lc.not_before.contains(a)) {
            return false;
        }
        let placed = match lc.at {
            At::Anywhere => true,
            At::LineStart => self.at_line_start(start),
            At::AfterBlank => start == 0 || matches!(self.b[start - 1], b' ' | b'\t' | b'\n'),
            At::Keyword => false,
        };
        if !placed {
            return false;
        }
        if self.syn.has_form(Form::LongBrackets) {
            if let Some((level_end, close)) = self.long_open(body) {
                // `--[[ … ]]`
                let end = memchr::memmem::find(&self.b[level_end..], close.as_bytes())
                    .map_or(self.b.len(), |k| level_end + k);
                let stop = (end + close.len()).min(self.b.len());
                self.out
                    .comment(&self.s[level_end..end], level_end, start, stop);
                self.i = stop;
                return true;
            }
        }
        self.comment_to_line_end(start, body);
        true
    }

    /// A comment from `start` to the end of the line, its text from `body`.
    fn comment_to_line_end(&mut self, start: usize, body: usize) {
        let end = self.line_end(start);
        let text_start = body.min(end);
        let text = self.s[text_start..end].trim_end_matches('\r');
        self.out.comment(text, text_start, start, end);
        self.i = end;
    }

    /// A Lua long bracket opening at `at` (`[[`, `[==[`): the offset after
    /// it, and its closing bracket.
    fn long_open(&self, at: usize) -> Option<(usize, String)> {
        if self.b.get(at) != Some(&b'[') {
            return None;
        }
        let mut k = at + 1;
        while self.b.get(k) == Some(&b'=') {
            k += 1;
        }
        (self.b.get(k) == Some(&b'[')).then(|| (k + 1, format!("]{}]", "=".repeat(k - at - 1))))
    }

    fn form(&mut self, form: Form, c: u8, start: usize) -> bool {
        match form {
            Form::CharOrTick if c == b'\'' => {
                // A char literal ('x', '\n') or a tick ('a lifetime).
                let is_char =
                    self.at(1) == b'\\' || self.s[start + 1..].chars().nth(1) == Some('\'');
                if is_char {
                    self.quoted(start, b'\'', Escape::Backslash, false, Interp::None);
                } else {
                    self.out.tok(Tok::Other, start, start + 1);
                    self.i += 1;
                }
                true
            }
            Form::LongBrackets if c == b'[' => match self.long_open(start) {
                Some((body, close)) => {
                    let end = memchr::memmem::find(&self.b[body..], close.as_bytes())
                        .map_or(self.b.len(), |k| body + k);
                    let stop = (end + close.len()).min(self.b.len());
                    self.out.verbatim(&self.s[body..end], body, start, stop);
                    self.i = stop;
                    true
                }
                None => false,
            },
            Form::Slash(interp) if c == b'/' => self.slash(start, interp),
            Form::DollarSlash if c == b'$' && self.at(1) == b'/' => {
                let body = start + 2;
                let end =
                    memchr::memmem::find(&self.b[body..], b"/$").map_or(self.b.len(), |k| body + k);
                let from = self.out.parts.len();
                build_parts(
                    &self.s[body..end],
                    body + self.out.base,
                    b'/',
                    Escape::None,
                    Interp::Template,
                    &mut self.out.parts,
                );
                let stop = (end + 2).min(self.b.len());
                self.out.str_from(from, start, stop);
                self.i = stop;
                true
            }
            Form::Sigils if c == b'~' => self.elixir_sigil(start),
            Form::HereString if c == b'@' && matches!(self.at(1), b'"' | b'\'') => {
                // Here-string: @"<newline> … <newline>"@
                let q = self.at(1);
                let close = if q == b'"' { "\n\"@" } else { "\n'@" };
                let body = (self.line_end(start) + 1).min(self.b.len());
                let end = memchr::memmem::find(&self.b[body..], close.as_bytes())
                    .map_or(self.b.len(), |k| body + k);
                let from = self.out.parts.len();
                if q == b'"' {
                    build_parts(
                        &self.s[body..end],
                        body + self.out.base,
                        b'"',
                        Escape::BacktickDoubled,
                        Interp::Dollar,
                        &mut self.out.parts,
                    );
                } else {
                    self.out.text(&self.s[body..end], body);
                }
                let stop = (end + close.len()).min(self.b.len());
                self.out.str_from(from, start, stop);
                self.i = stop;
                true
            }
            Form::Heredoc(h) if self.starts(h.opener) => self.heredoc(h, start),
            Form::ModuleAttributes if c == b'@' => self.module_attribute(start),
            _ => false,
        }
    }

    /// A string prefixed by `p` (which ends at `quote`).
    fn prefixed(&mut self, p: &Prefix, start: usize, quote: usize) -> bool {
        if p.hashes {
            self.i = quote;
            self.rust_raw(start);
            return true;
        }
        let q =
            self.syn.quotes.iter().find(|q| {
                p.quotes.contains(&q.open.as_bytes()[0]) && self.starts_at(quote, q.open)
            });
        match q {
            Some(q) => {
                self.i = quote;
                self.quote(start, q, Some(p));
                true
            }
            None => false,
        }
    }

    /// `$name`, `@name`, Perl's sigils. False when the byte is just an
    /// operator here.
    fn sigil(&mut self, c: u8, start: usize) -> bool {
        let next = self.at(1);
        match (self.syn.sigil, c) {
            (Sigil::Dollar, b'$') if is_ident_start(next) || next == b'{' => {
                let s = self.s;
                let (name, end) = if next == b'{' {
                    match s[start + 2..].find('}') {
                        Some(k) => (&s[start + 2..start + 2 + k], start + 3 + k),
                        None => (&s[start + 2..], self.b.len()),
                    }
                } else {
                    let mut j = start + 1;
                    // PowerShell scopes: `$env:NAME`, `$script:base`.
                    while j < self.b.len()
                        && (is_ident(self.b[j])
                            || (self.syn.any_case
                                && self.b[j] == b':'
                                && j + 1 < self.b.len()
                                && is_ident_start(self.b[j + 1])))
                    {
                        j += 1;
                    }
                    (&s[start + 1..j], j)
                };
                let name = name.rsplit(':').next().unwrap_or("");
                self.out.tok(Tok::Ident(name), start, end);
                self.i = end;
                true
            }
            (Sigil::At, b'@') if is_ident_start(next) || next == b'@' => {
                let mut j = start + 1;
                while j < self.b.len() && (is_ident(self.b[j]) || self.b[j] == b'@') {
                    j += 1;
                }
                self.out.tok(
                    Tok::Ident(self.s[start..j].trim_start_matches('@')),
                    start,
                    j,
                );
                self.i = j;
                true
            }
            (Sigil::Perl, b'$' | b'@' | b'%') => self.perl_variable(c, start),
            _ => false,
        }
    }

    /// Perl variables: `$x`, `$$x`, `${x}`, `@x`, `%x`, and the punctuation
    /// variables (`$/`, `$"`, `$#`, `$1`) taken whole so that their second
    /// byte starts nothing.
    fn perl_variable(&mut self, c: u8, start: usize) -> bool {
        let mut k = start + 1;
        if c == b'$' {
            while self.b.get(k) == Some(&b'$') {
                k += 1;
            }
        }
        match self.b.get(k) {
            Some(&n) if is_ident_start(n) => {
                if c == b'%' && self.after_operand() {
                    return false;
                }
                let mut j = k;
                while j < self.b.len() && is_ident(self.b[j]) {
                    j += 1;
                }
                while !self.s.is_char_boundary(j) {
                    j += 1;
                }
                self.out.tok(Tok::Ident(&self.s[k..j]), start, j);
                self.i = j;
                true
            }
            Some(b'{') if c == b'$' && k == start + 1 => {
                // `${name}`; `${ expr }` is a dereference: the `$` alone.
                let close = self.s[k..].find('}').map(|p| k + p);
                match close {
                    Some(e) if e > k + 1 && self.b[k + 1..e].iter().all(|&b| is_ident(b)) => {
                        self.out.tok(Tok::Ident(&self.s[k + 1..e]), start, e + 1);
                        self.i = e + 1;
                    }
                    _ => {
                        self.out.tok(Tok::Other, start, start + 1);
                        self.i = start + 1;
                    }
                }
                true
            }
            Some(&n) if c == b'$' && n.is_ascii() && !n.is_ascii_whitespace() => {
                // `$#`, `$/`, `$"`, `$1`, `$$` …
                let end = if k > start + 1 { k } else { k + 1 };
                self.out.tok(Tok::Other, start, end);
                self.i = end;
                true
            }
            None if k > start + 1 => {
                self.out.tok(Tok::Other, start, k);
                self.i = k;
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
        if self.syn.prime_idents {
            // Haskell's `x'`, `foldl'`.
            while j < self.b.len() && (is_ident(self.b[j]) || self.b[j] == b'\'') {
                j += 1;
            }
        }
        // Guard against a cut inside a multi-byte character.
        while !self.s.is_char_boundary(j) {
            j += 1;
        }
        let word = &self.s[start..j];
        let next = self.b.get(j).copied().unwrap_or(0);
        // String prefixes: Python r"" f"" b"" rb"" …, Rust r"" r#"" b"",
        // Scala s"" raw"".
        if word.len() <= self.max_prefix && matches!(next, b'"' | b'\'' | b'#') {
            let p = self.syn.prefixes.iter().find(|p| {
                p.quotes.contains(&next)
                    && if p.any_case {
                        p.text.eq_ignore_ascii_case(word)
                    } else {
                        p.text == word
                    }
            });
            if let Some(p) = p {
                if self.prefixed(p, start, j) {
                    return;
                }
            }
        }
        if self.data_section && word.starts_with("__") && self.data(word, start) {
            return;
        }
        if self.word_hooks && self.word(word, start, j) {
            return;
        }
        self.out.tok(Tok::Ident(word), start, j);
        self.i = j;
    }

    /// Identifiers that are more than names: keyword comments (`REM`) and
    /// Perl's quote operators.
    fn word(&mut self, word: &'a str, start: usize, end: usize) -> bool {
        for lc in self.syn.line_comments {
            if self.keyword_comments
                && lc.at == At::Keyword
                && (if self.syn.any_case {
                    lc.marker.eq_ignore_ascii_case(word)
                } else {
                    lc.marker == word
                })
                && matches!(self.b.get(end), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
                && self.statement_start(start)
            {
                self.comment_to_line_end(start, end);
                return true;
            }
        }
        self.quote_ops && self.perl_quote(word, start, end)
    }

    /// `__END__` / `__DATA__` starting a line: the rest of the file is a
    /// comment.
    fn data(&mut self, word: &str, start: usize) -> bool {
        if !(word == "__END__" || word == "__DATA__") || (start > 0 && self.b[start - 1] != b'\n') {
            return false;
        }
        let body = (start + word.len() + 1).min(self.b.len());
        self.out.comment(&self.s[body..], body, start, self.b.len());
        self.i = self.b.len();
        true
    }

    /// Whether `at` starts a statement: only blanks before it on the line,
    /// or a `:` statement separator.
    fn statement_start(&self, at: usize) -> bool {
        let before = self.b[..at]
            .iter()
            .rev()
            .find(|&&c| c != b' ' && c != b'\t')
            .copied();
        matches!(before, None | Some(b'\n' | b':'))
    }

    #[inline]
    fn quote(&mut self, start: usize, q: &Quote, prefix: Option<&Prefix>) {
        let escape = prefix.and_then(|p| p.escape).unwrap_or(q.escape);
        let interp = prefix.and_then(|p| p.interp).unwrap_or(q.interp);
        let multiline = q.multiline || prefix.is_some_and(|p| p.multiline);
        let open = q.open.as_bytes();
        if open.len() == 1 && q.open == q.close {
            self.quoted(start, open[0], escape, multiline, interp);
        } else {
            self.delimited(start, open.len(), q.close, escape, interp);
        }
    }

    /// A string whose opener (of `open_len` bytes, at `self.i`) is closed
    /// by the first `close` not escaped; multi-line.
    fn delimited(
        &mut self,
        start: usize,
        open_len: usize,
        close: &str,
        escape: Escape,
        interp: Interp,
    ) {
        let body = self.i + open_len;
        let backslash = matches!(
            escape,
            Escape::Backslash | Escape::RawBackslash | Escape::Quote
        );
        let mut j = body;
        let end = loop {
            match memchr::memmem::find(&self.b[j..], close.as_bytes()) {
                Some(k) => {
                    let at = j + k;
                    if backslash && at > body && self.b[at - 1] == b'\\' {
                        j = at + 1;
                        continue;
                    }
                    break at;
                }
                None => break self.b.len(),
            }
        };
        let from = self.out.parts.len();
        build_parts(
            &self.s[body..end],
            body + self.out.base,
            close.as_bytes()[0],
            escape,
            interp,
            &mut self.out.parts,
        );
        let stop = (end + close.len()).min(self.b.len());
        self.out.str_from(from, start, stop);
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
            // `r#ident`: a raw identifier.
            self.out.tok(Tok::Other, start, j.max(start + 1));
            self.i = j.max(start + 1);
            return;
        }
        let body = j + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = memchr::memmem::find(&self.b[body..], close.as_bytes())
            .map_or(self.b.len(), |k| body + k);
        let stop = (end + close.len()).min(self.b.len());
        self.out.verbatim(&self.s[body..end], body, start, stop);
        self.i = stop;
    }

    /// A string delimited by the byte `q`; `self.i` is at the opening quote.
    fn quoted(&mut self, start: usize, q: u8, escape: Escape, multiline: bool, interp: Interp) {
        let body = self.i + 1;
        if !multiline && body < self.unclosed_until[quote_slot(q)] {
            self.out.tok(Tok::Other, start, body);
            self.i = body;
            return;
        }
        let backslash = matches!(
            escape,
            Escape::Backslash | Escape::RawBackslash | Escape::Quote
        );
        let backtick = escape == Escape::BacktickDoubled;
        let doubled = matches!(escape, Escape::Doubled | Escape::BacktickDoubled);
        let braces = interp.counts_braces();
        let always_closes = interp == Interp::Dollar || !(interp.nests_quotes() || q == b'`');
        let mut j = body;
        let mut brace_depth = 0usize;
        let end = loop {
            let Some(&c) = self.b.get(j) else { break None };
            match c {
                b'\\' if backslash => j += 2,
                b'`' if backtick => j += 2,
                b'\n' if !multiline && brace_depth == 0 => break None,
                b'{' if braces => {
                    brace_depth += 1;
                    j += 1
                }
                b'}' if braces => {
                    brace_depth = brace_depth.saturating_sub(1);
                    j += 1
                }
                c if c == q && doubled && self.b.get(j + 1) == Some(&q) => j += 2,
                c if c == q && (brace_depth == 0 || always_closes) => break Some(j),
                _ => j += 1,
            }
        };
        let Some(end) = end else {
            // Unterminated on this line: give the quote back.
            if !multiline {
                self.unclosed_until[quote_slot(q)] = j;
            }
            self.out.tok(Tok::Other, start, body);
            self.i = body;
            return;
        };
        let end = end.min(self.b.len());
        let from = self.out.parts.len();
        build_parts(
            &self.s[body..end],
            body + self.out.base,
            q,
            escape,
            interp,
            &mut self.out.parts,
        );
        self.out.str_from(from, start, end + 1);
        self.i = end + 1;
    }

    /// A `/…/` literal where an operand is expected (Perl regex, Groovy
    /// slashy string), closed on the same line.
    fn slash(&mut self, start: usize, interp: Interp) -> bool {
        if self.after_operand() || start < self.slash_unclosed_until {
            return false;
        }
        let mut j = start + 1;
        let close = loop {
            match self.b.get(j) {
                None | Some(b'\n') => break None,
                Some(b'\\') => j += 2,
                Some(b'/') => break Some(j),
                Some(_) => j += 1,
            }
        };
        let Some(close) = close else {
            self.slash_unclosed_until = j;
            return false;
        };
        let body = start + 1;
        let escape = if interp == Interp::None {
            Escape::RawBackslash
        } else {
            Escape::Quote
        };
        let from = self.out.parts.len();
        build_parts(
            &self.s[body..close],
            body + self.out.base,
            b'/',
            escape,
            interp,
            &mut self.out.parts,
        );
        // Regex modifiers (`/i`, `/gx`).
        let mut stop = close + 1;
        if interp == Interp::None {
            while self.b.get(stop).is_some_and(u8::is_ascii_lowercase) {
                stop += 1;
            }
        }
        self.out.str_from(from, start, stop);
        self.i = stop;
        true
    }

    /// The closing delimiter of a Perl or Elixir quote-like construct whose
    /// opening delimiter `d` is at `at`, with bracket pairs nesting; the
    /// end of the text when unterminated.
    fn close_of(&self, at: usize, d: u8) -> (usize, u8) {
        let close = match d {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            _ => d,
        };
        let mut depth = 0usize;
        let mut k = at + 1;
        while k < self.b.len() {
            let c = self.b[k];
            if c == b'\\' {
                k += 2;
                continue;
            }
            if c == close {
                if depth == 0 {
                    return (k, close);
                }
                depth -= 1;
            } else if c == d && close != d {
                depth += 1;
            }
            k += 1;
        }
        (self.b.len(), close)
    }

    /// Perl's `q`, `qq`, `qw`, `qx`, `m`, `qr`, `s`, `tr`, `y` at
    /// `start..end` (the word).
    fn perl_quote(&mut self, word: &str, start: usize, end: usize) -> bool {
        if !matches!(
            word,
            "q" | "qq" | "qw" | "qx" | "m" | "qr" | "s" | "tr" | "y"
        ) {
            return false;
        }
        // `->s(…)`, `sub q {`, `-s $file`: a method, a sub, a file test.
        if matches!(
            self.out.last(),
            Some(Tok::Op(op!("->"))) | Some(Tok::Ident("sub"))
        ) || (start > 0 && self.b[start - 1] == b'-')
        {
            return false;
        }
        let mut k = end;
        while matches!(self.b.get(k), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            k += 1;
        }
        let Some(&d) = self.b.get(k) else {
            return false;
        };
        let spaced = k > end;
        // Delimiters are ASCII punctuation: a byte of a multi-byte character
        // would cut the text inside that character.
        if !d.is_ascii()
            || is_ident(d)
            || d.is_ascii_whitespace()
            || matches!(
                d,
                b'=' | b',' | b';' | b')' | b'}' | b']' | b'>' | b'-' | b'.'
            )
            || (spaced && d == b'#')
            || (d == b':' && self.b.get(k + 1) == Some(&b':'))
        {
            return false;
        }
        let (close1, closer) = self.close_of(k, d);
        let body1 = k + 1;
        let mut stop = (close1 + 1).min(self.b.len());
        // The second part of `s{a}{b}`, `s/a/b/`, `tr/a/b/`.
        let mut second = None;
        if matches!(word, "s" | "tr" | "y") && close1 < self.b.len() {
            if closer != d {
                let mut k2 = stop;
                while matches!(self.b.get(k2), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                    k2 += 1;
                }
                if let Some(&d2) = self.b.get(k2).filter(|c| c.is_ascii_punctuation()) {
                    let (c2, _) = self.close_of(k2, d2);
                    second = Some((k2 + 1, c2));
                    stop = (c2 + 1).min(self.b.len());
                }
            } else {
                let (c2, _) = self.close_of(close1, d);
                second = Some((close1 + 1, c2));
                stop = (c2 + 1).min(self.b.len());
            }
        }
        let modifiers_from = stop;
        while self.b.get(stop).is_some_and(u8::is_ascii_lowercase) {
            stop += 1;
        }
        let evaluated = self.b[modifiers_from..stop].contains(&b'e');
        let body = &self.s[body1..close1.min(self.b.len())];
        let raw_quote = d == b'\'';
        match word {
            "qw" => {
                // One string per word.
                let mut any = false;
                for (k, w) in words(body) {
                    let at = body1 + k;
                    self.out.verbatim(w, at, at, at + w.len());
                    any = true;
                }
                if !any {
                    self.out.tok(Tok::Other, start, stop);
                }
            }
            "tr" | "y" => self.out.tok(Tok::Other, start, stop),
            _ => {
                let (escape, interp) = match word {
                    "q" => (Escape::Quote, Interp::None),
                    "qq" | "qx" if !raw_quote => (Escape::Backslash, Interp::Perl),
                    _ => (Escape::RawBackslash, Interp::None),
                };
                let from = self.out.parts.len();
                build_parts(
                    body,
                    body1 + self.out.base,
                    closer,
                    escape,
                    interp,
                    &mut self.out.parts,
                );
                self.out
                    .str_from(from, start, (close1 + 1).min(self.b.len()));
                if let Some((b2, c2)) = second.filter(|_| word == "s" && !evaluated) {
                    let (escape, interp) = if raw_quote {
                        (Escape::Quote, Interp::None)
                    } else {
                        (Escape::Backslash, Interp::Perl)
                    };
                    let from = self.out.parts.len();
                    build_parts(
                        &self.s[b2..c2.min(self.b.len())],
                        b2 + self.out.base,
                        closer,
                        escape,
                        interp,
                        &mut self.out.parts,
                    );
                    self.out.str_from(from, b2, stop);
                }
            }
        }
        self.i = stop;
        true
    }

    /// Elixir sigils: `~s(…)`, `~S"…"`, `~r/…/i`, `~w[…]`, `~s"""…"""`.
    fn elixir_sigil(&mut self, start: usize) -> bool {
        let mut k = start + 1;
        let Some(&letter) = self.b.get(k) else {
            return false;
        };
        if !letter.is_ascii_alphabetic() {
            return false;
        }
        k += 1;
        if letter.is_ascii_uppercase() {
            while self.b.get(k).is_some_and(u8::is_ascii_uppercase) {
                k += 1;
            }
        }
        let Some(&d) = self.b.get(k) else {
            return false;
        };
        if !matches!(d, b'/' | b'|' | b'"' | b'\'' | b'(' | b'[' | b'{' | b'<') {
            return false;
        }
        let (escape, interp) = if letter.is_ascii_lowercase() {
            (Escape::Backslash, Interp::HashBrace)
        } else {
            (Escape::None, Interp::None)
        };
        let triple = (d == b'"' || d == b'\'')
            && self.starts_at(k, if d == b'"' { "\"\"\"" } else { "'''" });
        let (body, close, close_len) = if triple {
            let delim = if d == b'"' { "\"\"\"" } else { "'''" };
            let body = k + 3;
            let end = memchr::memmem::find(&self.b[body..], delim.as_bytes())
                .map_or(self.b.len(), |p| body + p);
            (body, end, 3)
        } else {
            let (close, _) = self.close_of(k, d);
            (k + 1, close, 1)
        };
        let from = self.out.parts.len();
        let q = self.b.get(close).copied().unwrap_or(d);
        build_parts(
            &self.s[body..close.min(self.b.len())],
            body + self.out.base,
            q,
            escape,
            interp,
            &mut self.out.parts,
        );
        let mut stop = (close + close_len).min(self.b.len());
        while self.b.get(stop).is_some_and(u8::is_ascii_alphabetic) {
            stop += 1;
        }
        self.out.str_from(from, start, stop);
        self.i = stop;
        true
    }

    /// Elixir `@doc "…"`: the string is documentation (a comment); `@base
    /// "…"` starting a line: `base` is defined (`Ident(base)` and an empty
    /// `=`, so that the assembler binds it).
    fn module_attribute(&mut self, start: usize) -> bool {
        let mut j = start + 1;
        while j < self.b.len() && is_ident(self.b[j]) {
            j += 1;
        }
        let mut k = j;
        while matches!(self.b.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        let Some(&c) = self.b.get(k) else {
            return false;
        };
        if j == start + 1 || k == j || !matches!(c, b'"' | b'\'' | b'~') {
            return false;
        }
        if !DOC_ATTRIBUTES.contains(&&self.s[start + 1..j]) {
            if !self.at_line_start(start) {
                return false;
            }
            self.out.tok(Tok::Ident(&self.s[start + 1..j]), start, j);
            self.out.tok(Tok::Op(op!("=")), j, j);
            self.i = j;
            return true;
        }
        let (toks, parts) = (self.out.toks.len(), self.out.parts.len());
        self.i = k;
        let class = self.class[usize::from(c)];
        if self.special(c, class, k) && self.out.toks.len() == toks + 1 {
            if let Some(t) = self.out.toks.pop() {
                if matches!(t.tok, Tok::Str(_)) {
                    self.out.parts.truncate(parts);
                    let stop = t.end.get() - self.out.base;
                    self.out.comment(&self.s[k..stop], k, start, stop);
                    return true;
                }
                self.out.toks.push(t);
            }
        }
        // Not a string after all: lex the attribute as a name.
        self.out.toks.truncate(toks);
        self.out.parts.truncate(parts);
        self.i = start;
        false
    }

    /// A heredoc marker at `start` (`<<"EOF"`, `<<~EOS`, `<<<'TXT'`,
    /// `<<-EOT`): its body is read now, and skipped when the lexer reaches
    /// the end of this line.
    fn heredoc(&mut self, h: Heredoc, start: usize) -> bool {
        if !self.starts(h.opener) {
            return false;
        }
        let mut k = start + h.opener.len();
        let flagged = self.b.get(k).is_some_and(|f| h.flags.contains(f));
        if flagged {
            k += 1;
        }
        let (tag, quote, after) = match self.b.get(k) {
            Some(&q) if q == b'"' || q == b'\'' => {
                let close = self.b[k + 1..]
                    .iter()
                    .position(|&c| c == q || c == b'\n')
                    .map(|p| k + 1 + p);
                match close {
                    Some(e) if self.b[e] == q && e > k + 1 => (&self.s[k + 1..e], Some(q), e + 1),
                    _ => return false,
                }
            }
            Some(&c) if is_ident_start(c) && c.is_ascii() => {
                let mut e = k;
                while e < self.b.len() && is_ident(self.b[e]) && self.b[e].is_ascii() {
                    e += 1;
                }
                (&self.s[k..e], None, e)
            }
            _ => return false,
        };
        if quote.is_none() && !flagged && self.after_operand() {
            // `1 <<EOF` shifts; `print <<EOF` (a bare word before it) is a
            // heredoc when the tag is in capitals.
            let bareword = matches!(self.out.toks.last(), Some(t)
                if matches!(t.tok, Tok::Ident(_)) && !self.sigiled(t.start.get()));
            if !(bareword && tag.bytes().all(|c| !c.is_ascii_lowercase())) {
                return false;
            }
        }
        let nl = self.line_end(after);
        let body = match self.heredoc {
            Some((pending, resume)) if pending == nl => resume + 1,
            _ => nl + 1,
        };
        if body > self.b.len() {
            return false;
        }
        let indented = flagged || h.indented_close;
        // The closing line, within the budget.
        let mut ls = body;
        let close = loop {
            if ls >= self.b.len() || self.heredoc_budget == 0 {
                break None;
            }
            let le = self.line_end(ls);
            self.heredoc_budget = self.heredoc_budget.saturating_sub(le - ls + 1);
            let line = self.s[ls..le].trim_end_matches('\r');
            let line = if indented { line.trim_start() } else { line };
            let closes = if h.opener == "<<<" {
                // PHP: `EOT;` and `EOT,` close too.
                line.strip_prefix(tag)
                    .is_some_and(|r| !r.bytes().next().is_some_and(is_ident))
            } else {
                line == tag
            };
            if closes {
                break Some((ls, le));
            }
            ls = le + 1;
        };
        let Some((body_end, close_end)) = close else {
            return false;
        };
        let (escape, interp) = if quote == Some(b'\'') {
            (Escape::None, Interp::None)
        } else {
            (Escape::Backslash, h.interp)
        };
        let from = self.out.parts.len();
        build_parts(
            &self.s[body..body_end],
            body + self.out.base,
            0,
            escape,
            interp,
            &mut self.out.parts,
        );
        self.out.str_from(from, start, after);
        self.heredoc = Some((nl, close_end));
        self.i = after;
        true
    }
}

/// The whitespace-separated words of `s`, with their offsets.
fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - s.as_ptr() as usize, w))
}

#[cfg(test)]
mod tests;
