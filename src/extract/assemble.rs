//! From tokens to reconstructed string expressions.
//!
//! One pass over the token stream with a same-file symbol table: string
//! operands joined by concatenation (`+`, PHP `.`, adjacent literals, line
//! continuations), interpolations resolved against same-file constants and
//! variables, `printf`-style and `.format` calls with their arguments
//! substituted, and environment defaults (`os.getenv("X", "https://…")`).
//! Whatever cannot be resolved becomes a named hole.
//!
//! Expressions are built as [`Chain`]s of [`Piece`]s, which borrow their
//! text and names from the tokens: most expressions built are dropped (no
//! literal text, or no `/` when scanning), and only the kept ones are
//! turned into owned [`Expr`]s.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;

use super::fold::{self, Weight};
use super::lexer::syntax::{Sigil, Syntax};
use super::lexer::{fits_u32, lex_split, op, Lexed, Offset, Op, Part, Parts, Tok, Token};
use super::{Binding, Expr, Extracted, Language, Seg, HOLE};
use crate::model::FindingKind;

/// Functions whose first string argument is a format string.
const FORMAT_FNS: &[&str] = &[
    "Sprintf",
    "Printf",
    "Errorf",
    "Fprintf",
    "sprintf",
    "printf",
    "format",
    "Format",
    "formatted",
    "String.format",
    "fmt",
    // Objective-C: `[NSString stringWithFormat:@"%@/api/…", base]`.
    "stringWithFormat",
    "initWithFormat",
    "stringByAppendingFormat",
];

/// Functions that read the environment or a map with a default value.
const DEFAULT_FNS: &[&str] = &[
    "getenv",
    "Getenv",
    "get",
    "GetEnvironmentVariable",
    "fetch",
    "environ",
    "LookupEnv",
    "getOrDefault",
    "get_env",
    "env",
    "getProperty",
];

/// Calls nested deeper than this (`f(g(h(…)))` with format or default
/// functions, which the assembler parses recursively) are skipped as
/// holes: a pathological file must not overflow the stack.
const MAX_CALL_NESTING: u32 = 32;

/// Tokens that end a statement in every language.
fn is_terminator(t: &Tok) -> bool {
    matches!(t, Tok::Newline | Tok::Op(op!(";")))
}

/// Extracts expressions from code in `lang`.
pub fn extract_code(lang: Language, text: &str, base: usize) -> Extracted {
    assemble(lang, text, base, false, false)
}

/// As [`extract_code`], without the expressions and bindings that hold no
/// `/` in their text: the scan can make nothing of those (an endpoint, a
/// relative endpoint piece and a base all have one), so it is spared
/// building, matching and freeing them. Same-file resolution still sees
/// every definition.
pub fn extract_code_for_scan(lang: Language, text: &str, base: usize) -> Extracted {
    assemble(lang, text, base, true, false)
}

/// As [`extract_code_for_scan`], for a program that runs top to bottom
/// once (the code cells of a notebook): a name resolves only to a
/// definition written before its use, never to a later one.
pub fn extract_ordered_for_scan(lang: Language, text: &str, base: usize) -> Extracted {
    assemble(lang, text, base, true, true)
}

/// Whether any text of `expr` holds a `/`.
#[cfg(test)]
pub(crate) fn has_slash(expr: &Expr) -> bool {
    expr.segs.iter().any(|s| s.text.contains('/'))
}

/// The text of a hole.
const HOLE_TEXT: &str = "\u{0}";

/// A [`Seg`] under construction, borrowing its text and names from the
/// tokens (a hole's text is static): building and dropping one costs no
/// allocation.
#[derive(Clone, Debug)]
struct Piece<'t> {
    text: &'t str,
    src: Option<usize>,
    site: (usize, usize),
    via: Option<(Cow<'t, str>, usize)>,
    hole: Option<Cow<'t, str>>,
}

impl<'t> Piece<'t> {
    fn literal(text: &'t str, src: Option<usize>, site: (usize, usize)) -> Piece<'t> {
        Piece {
            text,
            src,
            site,
            via: None,
            hole: None,
        }
    }

    fn hole(name: Option<Cow<'t, str>>, site: (usize, usize)) -> Piece<'t> {
        Piece {
            text: HOLE_TEXT,
            src: None,
            site,
            via: None,
            hole: name,
        }
    }

    /// As [`Seg::is_hole`] (literal text may start with a NUL too).
    fn is_hole(&self) -> bool {
        self.text.starts_with(HOLE)
    }

    fn to_seg(&self) -> Seg {
        Seg {
            text: self.text.to_string(),
            src: self.src,
            site: self.site,
            via: self.via.as_ref().map(|(n, o)| (n.to_string(), *o)),
            hole: self.hole.as_ref().map(|h| h.to_string()),
        }
    }
}

impl fold::Piece for Piece<'_> {
    fn text(&self) -> &str {
        self.text
    }

    fn folded(&self) -> bool {
        self.via.is_some()
    }

    fn site(&self) -> (usize, usize) {
        self.site
    }

    fn slice(&self, a: usize, b: usize) -> Self {
        slice_seg(self, a, b)
    }

    fn gap(site: (usize, usize)) -> Self {
        Piece::hole(None, site)
    }
}

/// An [`Expr`] under construction (see [`Piece`]). Pieces are added with
/// [`Chain::push`] only, which keeps the folded part bounded (see
/// [`fold`]).
#[derive(Clone, Debug, Default)]
struct Chain<'t> {
    segs: Vec<Piece<'t>>,
    kind: Option<FindingKind>,
    /// The folded pieces and bytes of `segs`.
    weight: Weight,
}

impl<'t> Chain<'t> {
    fn new(kind: FindingKind) -> Chain<'t> {
        Chain {
            segs: Vec::new(),
            kind: Some(kind),
            weight: Weight::default(),
        }
    }

    /// Appends a piece; cuts the chain when its folded part passes the
    /// bound (amortised: a cut chain is well under it).
    fn push(&mut self, seg: Piece<'t>) {
        self.weight.add(&seg);
        self.segs.push(seg);
        if self.weight.over() {
            fold::cut(&mut self.segs);
            self.weight = Weight::of(&self.segs);
        }
    }

    fn extend(&mut self, segs: impl IntoIterator<Item = Piece<'t>>) {
        for seg in segs {
            self.push(seg);
        }
    }

    fn to_expr(&self) -> Expr {
        Expr {
            segs: self.segs.iter().map(Piece::to_seg).collect(),
            kind: self.kind,
        }
    }

    fn has_slash(&self) -> bool {
        self.segs.iter().any(|s| has_byte(s.text, b'/'))
    }
}

fn assemble(lang: Language, text: &str, base: usize, slash_only: bool, ordered: bool) -> Extracted {
    if fits_u32(text, base) {
        assemble_with::<u32>(lang, text, base, slash_only, ordered)
    } else {
        assemble_with::<usize>(lang, text, base, slash_only, ordered)
    }
}

/// [`assemble`] with token offsets of type `O`.
fn assemble_with<O: Offset>(
    lang: Language,
    text: &str,
    base: usize,
    slash_only: bool,
    ordered: bool,
) -> Extracted {
    // Comments are mentions; taken out of the stream, they cannot split a
    // concatenation whose operands they sit between.
    // The lexer already keeps them apart; each list only needs to be in
    // source order, which it nearly always is already (a stable sort keeps
    // the order a merged sort-then-split gave).
    let Lexed {
        mut toks,
        mut comments,
        parts,
    } = lex_split::<O>(lang, text, base);
    if !toks.is_sorted_by_key(|t| t.start) {
        toks.sort_by_key(|t| t.start);
    }
    if !comments.is_sorted_by_key(|c| c.start) {
        comments.sort_by_key(|c| c.start);
    }
    let mut asm = Assembler {
        lang,
        syntax: lang.syntax(),
        toks: &toks,
        part_list: &parts,
        syms: HashMap::new(),
        dotted_syms: false,
        spare: Cell::default(),
        out: Extracted::default(),
        slash_only,
        ordered,
        dead: Vec::new(),
        nesting: Cell::new(0),
        closers: std::cell::OnceCell::new(),
    };
    for c in comments {
        if slash_only && !c.text.contains('/') {
            continue;
        }
        let mut e = Expr::new(FindingKind::Mention);
        e.push(Seg::literal(c.text, Some(c.offset), (c.start, c.end)));
        asm.out.exprs.push(e);
    }
    asm.run();
    // `idents` is left empty: the cross-file resolver reads the names a file
    // refers to from its text, and only for the rare file that needs them.
    asm.out
}

struct Assembler<'t, O: Offset> {
    lang: Language,
    /// The language's row: concatenation operators, adjacency, …
    syntax: &'static Syntax,
    toks: &'t [Token<'t, O>],
    /// The parts of the string literals (see [`Assembler::parts_of`]).
    part_list: &'t [Part<'t>],
    /// name → definitions in file order: (offset, value).
    syms: HashMap<Cow<'t, str>, Vec<(usize, Chain<'t>)>>,
    /// Whether a name in `syms` holds a `.`: only then can a dotted name
    /// (`self.base`) be found under its full text, which is otherwise not
    /// even built.
    dotted_syms: bool,
    /// An empty segment list with room, for the next expression: most
    /// expressions are dropped, and hand their list back here, so building
    /// one seldom allocates.
    spare: Cell<Vec<Piece<'t>>>,
    out: Extracted,
    /// Keep only expressions and bindings with a `/` in their text.
    slash_only: bool,
    /// Resolve a name only to a definition before its use (see
    /// [`extract_ordered_for_scan`]).
    ordered: bool,
    /// Tokens known to start nothing (see [`Assembler::run`]); empty until
    /// first needed.
    dead: Vec<bool>,
    /// How many argument lists [`Assembler::args`] is inside.
    nesting: Cell<u32>,
    /// For each opening bracket, the index of the bracket closing it (see
    /// [`closers`]); built on first use.
    closers: std::cell::OnceCell<Vec<u32>>,
}

impl<'t, O: Offset> Assembler<'t, O> {
    fn tok(&self, i: usize) -> Option<&'t Tok<'t>> {
        self.toks.get(i).map(|t| &t.tok)
    }

    /// The parts of the string literal `r`.
    fn parts_of(&self, r: Parts) -> &'t [Part<'t>] {
        &self.part_list[r.start..r.end]
    }

    fn is_op(&self, i: usize, op: Op) -> bool {
        matches!(self.tok(i), Some(Tok::Op(o)) if *o == op)
    }

    /// Whether the token at `i` joins strings in this language (the row's
    /// `concat`: `+`, PHP/Perl `.`, VB `&`, Lua `..`, `<>`, `++`).
    fn concat_op(&self, i: usize) -> bool {
        matches!(self.tok(i), Some(Tok::Op(o)) if self.syntax.concatenates(*o))
    }

    /// Adjacent literals are joined (Python, Ruby, C/C++) — not in shell,
    /// where words are separate arguments.
    fn adjacency(&self) -> bool {
        self.syntax.adjacent
    }

    fn skip_newlines(&self, mut i: usize) -> usize {
        while matches!(self.tok(i), Some(Tok::Newline)) {
            i += 1;
        }
        i
    }

    fn run(&mut self) {
        let toks = self.toks;
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            match &t.tok {
                Tok::Op(op!("=") | op!(":=") | op!(".=") | op!("+=") | op!("<-")) => {
                    let offset = t.start.get();
                    let name = self.assigned_name(i);
                    let (expr, next) = self.parse_expr(i + 1, true);
                    let name = name.filter(|_| !expr.segs.is_empty());
                    i = self.emit_and_bind(expr, i + 1, next, name, offset);
                }
                Tok::Op(op!(":")) if self.starts_value(i + 1) => match self.key_before(i) {
                    Some(name) => {
                        let offset = t.start.get();
                        let (expr, next) = self.parse_expr(i + 1, true);
                        let name = Some(name).filter(|_| expr.segs.iter().any(|s| !s.is_hole()));
                        i = self.emit_and_bind(expr, i + 1, next, name, offset);
                    }
                    None => i += 1,
                },
                Tok::Ident(name) if !self.may_start_expr(i, name) => i += 1,
                Tok::Str(parts)
                    if self.slash_only && self.inert_literal(i, self.parts_of(*parts)) =>
                {
                    i += 1
                }
                Tok::Str(_) | Tok::Ident(_) if self.dead.get(i) == Some(&true) => i += 1,
                Tok::Str(_) | Tok::Ident(_) => {
                    let mut heads = Vec::new();
                    let (mut expr, next) = self.parse_chain(i, false, Some(&mut heads));
                    if heads.len() > 1 && expr.segs.iter().all(Piece::is_hole) {
                        self.mark_dead(&heads);
                    }
                    if self.is_docstring(i, next) {
                        expr.kind = Some(FindingKind::Mention);
                    }
                    i = self.emit(expr, i, next);
                }
                _ => i += 1,
            }
        }
    }

    /// Marks the heads of the operands of a chain made only of holes (`a ||
    /// b || c`, `x + y.z + w`): a chain started at any of them is the rest
    /// of this one (the same operators follow, and an all-hole chain
    /// continues the same way), made of holes too, so nothing would be
    /// emitted. Without this, every name of an n-term chain parses the rest
    /// of it: n² work. Only the names an operand is called by are heads,
    /// not its arguments (`getenv("K")`), which are scanned as usual.
    fn mark_dead(&mut self, heads: &[(usize, usize)]) {
        if self.dead.is_empty() {
            self.dead = vec![false; self.toks.len()];
        }
        for &(start, end) in heads {
            for k in start..end.min(self.dead.len()) {
                self.dead[k] = true;
            }
        }
    }

    /// Whether the identifier at `i` can begin a string expression worth
    /// assembling: most identifiers are followed by a call, an assignment
    /// or punctuation, and are skipped without any allocation.
    fn may_start_expr(&self, i: usize, name: &str) -> bool {
        match self.tok(i + 1) {
            Some(Tok::Op(op!("("))) => {
                FORMAT_FNS.contains(&name)
                    || DEFAULT_FNS.contains(&name)
                    || self.join_separator(name).is_some()
            }
            Some(Tok::Op(op!(":"))) => self.syntax.messages && FORMAT_FNS.contains(&name),
            Some(Tok::Op(op!(".") | op!("->") | op!("::") | op!("["))) => true,
            Some(Tok::Op(o)) if self.syntax.concatenates(*o) => true,
            Some(Tok::Str(_)) => self.adjacency(),
            Some(Tok::Op(op!("+") | op!("||") | op!("??") | op!("%") | op!("-"))) => true,
            Some(Tok::Ident(w)) => *w == "or",
            _ => false,
        }
    }

    /// The separator a join function (`paste0`) puts between its
    /// arguments, if `name` is one in this language.
    fn join_separator(&self, name: &str) -> Option<&'static str> {
        self.syntax
            .join_fns
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, sep)| *sep)
    }

    /// Whether the string literal at `i` makes an expression of its own
    /// text only, and that text has no `/`: plain text (no interpolation)
    /// that nothing continues, because the next token makes `parse_expr`
    /// stop right there (a closing bracket, a separator, the end of the
    /// statement, or another word in a language without adjacent-literal
    /// joining, such as the words of a shell command). Its expression would
    /// be dropped as slash-less and the scan goes on at `i + 1` either way,
    /// so in `slash_only` mode it is not built at all.
    fn inert_literal(&self, i: usize, parts: &[Part]) -> bool {
        let ends = match self.tok(i + 1) {
            None
            | Some(Tok::Newline | Tok::Op(op!(")") | op!(",") | op!(";") | op!("]") | op!("}"))) => {
                true
            }
            Some(Tok::Str(_)) => !self.adjacency(),
            _ => false,
        };
        ends && parts.iter().all(|p| match p {
            Part::Text { text, .. } => !text.contains('/'),
            Part::Interp { .. } => false,
        })
    }

    /// A string that is a statement by itself (a Python/Ruby docstring): prose.
    fn is_docstring(&self, i: usize, next: usize) -> bool {
        self.syntax.docstrings
            && next == i + 1
            && matches!(self.tok(i), Some(Tok::Str(_)))
            && (i == 0 || matches!(self.tok(i - 1), Some(Tok::Newline)))
            && matches!(self.tok(next), None | Some(Tok::Newline))
    }

    /// Emits `expr` when it holds literal text; returns where to continue.
    fn emit(&mut self, expr: Chain<'t>, at: usize, next: usize) -> usize {
        self.emit_and_bind(expr, at, next, None, 0)
    }

    /// [`Assembler::emit`], binding `expr` to `name` (defined at `offset`)
    /// first when there is one. Only what is kept is turned into an owned
    /// [`Expr`]; the symbol table keeps the borrowed value.
    fn emit_and_bind(
        &mut self,
        expr: Chain<'t>,
        at: usize,
        next: usize,
        name: Option<Cow<'t, str>>,
        offset: usize,
    ) -> usize {
        // Literal text: a segment that is no hole (whether it came from a
        // literal here or through a resolved name).
        let literal = expr.segs.iter().any(|s| !s.is_hole());
        let kept = literal && (!self.slash_only || expr.has_slash());
        if kept {
            self.out.exprs.push(expr.to_expr());
        }
        match name {
            Some(name) => self.bind(name, offset, expr),
            None => {
                let mut segs = expr.segs;
                segs.clear();
                *self.spare.get_mut() = segs;
            }
        }
        if literal {
            next.max(at + 1)
        } else {
            at + 1
        }
    }

    fn bind(&mut self, name: Cow<'t, str>, offset: usize, value: Chain<'t>) {
        if !self.slash_only || value.has_slash() {
            self.out.bindings.push(Binding {
                name: name.to_string(),
                value: value.to_expr(),
                offset,
            });
        }
        if has_byte(&name, b'.') {
            self.dotted_syms = true;
        }
        self.syms.entry(name).or_default().push((offset, value));
    }

    /// The name on the left of the assignment operator at `i`.
    fn assigned_name(&self, i: usize) -> Option<Cow<'t, str>> {
        let ident = |k: usize| match self.tok(k) {
            Some(Tok::Ident(n)) => Some(Cow::Borrowed(*n)),
            _ => None,
        };
        let prev = i.checked_sub(1)?;
        match self.tok(prev)? {
            Tok::Ident(n) => {
                // `x: T = …` (TS, Rust, Python annotations).
                if let Some(k) = prev.checked_sub(2) {
                    if self.is_op(prev - 1, op!(":")) {
                        if let Some(name) = ident(k) {
                            return Some(name);
                        }
                    }
                }
                // Go `var name string = …`.
                if self.lang == Language::Go && *n == "string" {
                    return prev.checked_sub(1).and_then(ident);
                }
                // VB `Dim url As String = …`.
                if let (Some(kw), Some(k)) = (self.syntax.type_keyword, prev.checked_sub(2)) {
                    if matches!(self.tok(prev - 1), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(kw))
                    {
                        return ident(k);
                    }
                }
                Some(Cow::Borrowed(*n))
            }
            // `config["base_url"] = …`
            Tok::Op(op!("]")) => {
                let k = prev.checked_sub(1)?;
                match self.tok(k)? {
                    Tok::Str(parts) => literal_text(self.parts_of(*parts)),
                    _ => None,
                }
            }
            // Perl `$self->{base} = …`, `$h{'base'} = …`.
            Tok::Op(op!("}"))
                if self.syntax.sigil == Sigil::Perl
                    && self.is_op(prev.checked_sub(2)?, op!("{")) =>
            {
                match self.tok(prev - 1)? {
                    Tok::Ident(n) => Some(Cow::Borrowed(*n)),
                    Tok::Str(parts) => literal_text(self.parts_of(*parts)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The key of a `key: value` pair whose colon is at `i`.
    fn key_before(&self, i: usize) -> Option<Cow<'t, str>> {
        let prev = i.checked_sub(1)?;
        let name = match self.tok(prev)? {
            Tok::Ident(n) => Cow::Borrowed(*n),
            Tok::Str(parts) => literal_text(self.parts_of(*parts))?,
            _ => return None,
        };
        // `a ? b : c` and `case x:` are not pairs.
        let before = prev.checked_sub(1).and_then(|k| self.tok(k));
        if matches!(before, Some(Tok::Op(op!("?"))))
            || matches!(before, Some(Tok::Ident(k)) if *k == "case")
        {
            return None;
        }
        Some(name)
    }

    fn starts_value(&self, i: usize) -> bool {
        matches!(self.tok(i), Some(Tok::Str(_)))
    }

    /// Parses a concatenation chain starting at `i`. Returns the expression
    /// (empty when `i` does not start an operand) and the index after it.
    fn parse_expr(&self, i: usize, after_assign: bool) -> (Chain<'t>, usize) {
        self.parse_chain(i, after_assign, None)
    }

    /// [`Assembler::parse_expr`], recording in `heads` the token range of
    /// the name (or literal) each operand of the chain starts with.
    fn parse_chain(
        &self,
        i: usize,
        after_assign: bool,
        mut heads: Option<&mut Vec<(usize, usize)>>,
    ) -> (Chain<'t>, usize) {
        let mut record = |n: usize, head_end: usize| {
            if let Some(h) = heads.as_deref_mut() {
                h.push((n, head_end));
            }
        };
        // Nested calls (arguments) find the spare list taken, and start
        // with a new one.
        let mut expr = Chain {
            segs: self.spare.take(),
            kind: Some(FindingKind::Call),
            weight: Weight::default(),
        };
        let Some((mut j, head_end)) = self.operand_head(i, &mut expr, after_assign) else {
            return (expr, i);
        };
        record(i, head_end);
        loop {
            let k = j;
            if self.concat_op(k) {
                let n = self.skip_newlines(k + 1);
                match self.operand_head(n, &mut expr, false) {
                    Some((next, head_end)) => {
                        record(n, head_end);
                        j = next;
                    }
                    None => break,
                }
            } else if matches!(self.tok(k), Some(Tok::Str(_))) && self.adjacency() {
                match self.operand_head(k, &mut expr, false) {
                    Some((next, head_end)) => {
                        record(k, head_end);
                        j = next;
                    }
                    None => break,
                }
            } else if (self.is_op(k, op!("||"))
                || self.is_op(k, op!("??"))
                || matches!(self.tok(k), Some(Tok::Ident(w)) if *w == "or"))
                && expr.segs.iter().all(Piece::is_hole)
            {
                // `process.env.X || "https://…"`: the default is the value.
                let mut alt = Chain::new(FindingKind::Call);
                match self.operand_head(k + 1, &mut alt, false) {
                    Some((next, head_end)) => {
                        record(k + 1, head_end);
                        expr = alt;
                        j = next;
                    }
                    None => break,
                }
            } else if self.is_op(k, op!("%")) && self.syntax.percent_format && has_printf(&expr) {
                // "…%s…" % (a, b)
                let (args, next) = if self.is_op(k + 1, op!("(")) {
                    self.args(k + 2)
                } else {
                    let mut one = Chain::new(FindingKind::Call);
                    match self.operand(k + 1, &mut one, false) {
                        Some(next) => (vec![one], next),
                        None => break,
                    }
                };
                expr = substitute(&expr, &args);
                j = next;
            } else if self.lang == Language::PowerShell
                && self.is_op(k, op!("-"))
                && matches!(self.tok(k + 1), Some(Tok::Ident(f)) if f.eq_ignore_ascii_case("f"))
            {
                // '{0}/api/…' -f $base, $version
                let mut args = Vec::new();
                let mut n = k + 2;
                loop {
                    let mut arg = Chain::new(FindingKind::Call);
                    match self.operand(n, &mut arg, false) {
                        Some(next) => {
                            args.push(arg);
                            n = next;
                        }
                        None => break,
                    }
                    if !self.is_op(n, op!(",")) {
                        break;
                    }
                    n += 1;
                }
                expr = substitute(&expr, &args);
                j = n;
            } else if self.is_op(k, op!("."))
                && matches!(self.tok(k + 1), Some(Tok::Ident(f)) if *f == "format" || *f == "formatted")
                && self.is_op(k + 2, op!("("))
            {
                let (args, next) = self.args(k + 3);
                expr = substitute(&expr, &args);
                j = next;
            } else {
                break;
            }
        }
        (expr, j)
    }

    /// Parses one operand at `i` into `expr`; returns the index after it.
    fn operand(&self, i: usize, expr: &mut Chain<'t>, after_assign: bool) -> Option<usize> {
        self.operand_head(i, expr, after_assign)
            .map(|(next, _)| next)
    }

    /// [`Assembler::operand`], also returning the end of its head: the
    /// literal, or the (dotted) name before any call arguments.
    fn operand_head(
        &self,
        i: usize,
        expr: &mut Chain<'t>,
        after_assign: bool,
    ) -> Option<(usize, usize)> {
        let t = self.toks.get(i)?;
        match &t.tok {
            Tok::Str(parts) => {
                for p in self.parts_of(*parts) {
                    match p {
                        Part::Text { text, src } => expr.push(Piece::literal(
                            text.as_ref(),
                            *src,
                            (t.start.get(), t.end.get()),
                        )),
                        Part::Interp {
                            expr: inner,
                            start,
                            end,
                        } => self.interpolate(inner, (*start, *end), expr),
                    }
                }
                Some((i + 1, i + 1))
            }
            Tok::Num(n) if after_assign => {
                expr.push(Piece::literal(
                    n,
                    Some(t.start.get()),
                    (t.start.get(), t.end.get()),
                ));
                Some((i + 1, i + 1))
            }
            Tok::Ident(_) => {
                let (name, end) = self.dotted(i, None);
                // One component: the full name is the name.
                let single = end == i + 1;
                let full = || -> Cow<'t, str> {
                    if single {
                        name.clone()
                    } else {
                        let mut full = String::new();
                        self.dotted(i, Some(&mut full));
                        Cow::Owned(full)
                    }
                };
                let message = self.syntax.messages
                    && self.is_op(end, op!(":"))
                    && FORMAT_FNS.contains(&name.as_ref());
                if self.is_op(end, op!("(")) || message {
                    let last: &str = &name;
                    if let Some(sep) = self.join_separator(last).filter(|_| !message) {
                        // `paste0(base, "/api/…")`: the arguments joined.
                        let (args, next) = self.args(end + 1);
                        for (k, arg) in args.into_iter().enumerate() {
                            if k > 0 && !sep.is_empty() {
                                expr.push(Piece::literal(sep, None, (t.start.get(), t.end.get())));
                            }
                            expr.segs.extend(arg.segs);
                        }
                        return Some((next, end));
                    }
                    if FORMAT_FNS.contains(&last) {
                        let (args, next) = self.args(end + 1);
                        let mut args = args.into_iter();
                        let mut fmt = args.next()?;
                        if last == "Fprintf" {
                            fmt = args.next()?;
                        }
                        if !fmt.segs.iter().any(|s| !s.is_hole()) {
                            return None;
                        }
                        let rest: Vec<Chain> = args.collect();
                        expr.extend(substitute(&fmt, &rest).segs);
                        return Some((next, end));
                    }
                    // The full name ends with `environ.get` only if its last
                    // component is `get` (listed) or holds a `.` itself (a
                    // `["key"]`): the full name is built for the latter only.
                    if DEFAULT_FNS.contains(&last)
                        || (has_byte(last, b'.') && full().ends_with("environ.get"))
                    {
                        let (args, next) = self.args(end + 1);
                        let span = (
                            t.start.get(),
                            self.toks
                                .get(next.saturating_sub(1))
                                .map_or(t.end.get(), |x| x.end.get()),
                        );
                        match args.as_slice() {
                            [key, .., default] if !default.segs.is_empty() => {
                                let _ = key;
                                expr.extend(default.segs.iter().cloned());
                            }
                            [key] => {
                                let hole_name = key
                                    .segs
                                    .iter()
                                    .find(|s| !s.is_hole())
                                    .map(|s| Cow::Borrowed(s.text));
                                expr.push(Piece::hole(hole_name, span));
                            }
                            _ => expr.push(Piece::hole(Some(name.clone()), span)),
                        }
                        return Some((next, end));
                    }
                    return None;
                }
                let span = (
                    t.start.get(),
                    self.toks.get(end - 1).map_or(t.end.get(), |x| x.end.get()),
                );
                // A dotted full name holds a `.`: only a dotted symbol can
                // have it.
                let found = if single || !self.dotted_syms {
                    self.resolve(None, &name, t.start.get())
                } else {
                    self.resolve(Some(&full()), &name, t.start.get())
                };
                match found {
                    Some((def, value)) => {
                        for seg in &value.segs {
                            expr.push(Piece {
                                text: seg.text,
                                src: seg.src,
                                site: span,
                                via: Some((name.clone(), def)),
                                hole: seg.hole.clone(),
                            });
                        }
                    }
                    None => expr.push(Piece::hole(Some(name), span)),
                }
                Some((end, end))
            }
            _ => None,
        }
    }

    /// A dotted name at `i` (`self.base`, `settings.BASE_URL`,
    /// `config["base"]`, `$this->base`): (last component, end). The full
    /// text (components joined by `.`) is written to `full` when asked
    /// for; the last component, usually a plain identifier, is borrowed.
    fn dotted(&self, i: usize, mut full: Option<&mut String>) -> (Cow<'t, str>, usize) {
        let mut j = i;
        let mut last: Cow<'t, str> = Cow::Borrowed("");
        while let Some(Tok::Ident(n)) = self.tok(j) {
            if let Some(full) = full.as_deref_mut() {
                full.push_str(n);
            }
            last = Cow::Borrowed(n);
            j += 1;
            let sep = match self.tok(j) {
                Some(Tok::Op(op!("."))) if !self.syntax.concatenates(op!(".")) => ".",
                Some(Tok::Op(op!("->") | op!("::"))) => ".",
                _ => "",
            };
            if !sep.is_empty() && matches!(self.tok(j + 1), Some(Tok::Ident(_))) {
                if let Some(full) = full.as_deref_mut() {
                    full.push('.');
                }
                j += 1;
                continue;
            }
            // `name["key"]`: the key names the value.
            if self.is_op(j, op!("[")) && self.is_op(j + 2, op!("]")) {
                if let Some(Tok::Str(parts)) = self.tok(j + 1) {
                    if let Some(key) = literal_text(self.parts_of(*parts)) {
                        if let Some(full) = full.as_deref_mut() {
                            full.push('.');
                            full.push_str(&key);
                        }
                        last = key;
                        j += 3;
                    }
                }
            }
            // Perl `$h{key}`, `$r->{'key'}`: the key names the value.
            if self.syntax.sigil == Sigil::Perl {
                let k = j + usize::from(self.is_op(j, op!("->")));
                if self.is_op(k, op!("{")) && self.is_op(k + 2, op!("}")) {
                    let key = match self.tok(k + 1) {
                        Some(Tok::Ident(n)) => Some(Cow::Borrowed(*n)),
                        Some(Tok::Str(parts)) => literal_text(self.parts_of(*parts)),
                        _ => None,
                    };
                    if let Some(key) = key {
                        if let Some(full) = full.as_deref_mut() {
                            full.push('.');
                            full.push_str(&key);
                        }
                        last = key;
                        j = k + 3;
                    }
                }
            }
            break;
        }
        (last, j)
    }

    /// The latest definition of a name before `at`, else the first one:
    /// under its full dotted text (when given) first, else its last
    /// component.
    fn resolve(&self, full: Option<&str>, last: &str, at: usize) -> Option<(usize, &Chain<'t>)> {
        let defs = full
            .and_then(|full| self.syms.get(full))
            .or_else(|| self.syms.get(last))?;
        defs.iter()
            .rev()
            .find(|(o, _)| *o < at)
            .or_else(|| if self.ordered { None } else { defs.first() })
            .map(|(o, e)| (*o, e))
    }

    /// Resolves an interpolated expression (`{API_VERSION}`, `${base}`, `$Var`).
    fn interpolate(&self, inner: &'t str, span: (usize, usize), expr: &mut Chain<'t>) {
        let inner = inner.trim();
        // `${VAR:-default}` (shell): the default when VAR is unknown here.
        let (name_part, default) = match inner.find(":-").or_else(|| inner.find(":=")) {
            Some(k) => (&inner[..k], Some(&inner[k + 2..])),
            None => (inner, None),
        };
        // Strip format specs and conversions: `{x!r}`, `{x:>10}`.
        let name_part = name_part.split(['!', ':']).next().unwrap_or("").trim();
        // `$x`, `$env:X` (PowerShell), `@x` (Elixir attributes).
        let name_part = name_part
            .trim_start_matches(['$', '@'])
            .trim_start_matches("env:");
        let simple = !name_part.is_empty()
            && name_part
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '>');
        if simple {
            // `a->b` is `a.b`. The last component is a suffix of the text
            // after the last `->` (the replacement changes nothing after
            // it), so it is borrowed.
            let full: Cow<str> = if name_part.contains("->") {
                Cow::Owned(name_part.replace("->", "."))
            } else {
                Cow::Borrowed(name_part)
            };
            let last_len = full.rsplit('.').next().unwrap_or("").len();
            let last = &name_part[name_part.len() - last_len..];
            if let Some((def, value)) = self.resolve(Some(&full), last, span.0) {
                for seg in &value.segs {
                    expr.push(Piece {
                        text: seg.text,
                        src: seg.src,
                        site: span,
                        via: Some((Cow::Borrowed(last), def)),
                        hole: seg.hole.clone(),
                    });
                }
                return;
            }
            if let Some(d) = default {
                if d.contains('/') {
                    expr.push(Piece::literal(d, None, span));
                    return;
                }
            }
            expr.push(Piece::hole(Some(Cow::Borrowed(last)), span));
            return;
        }
        let hole_name = inner
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
            .find(|w| !w.is_empty())
            .map(Cow::Borrowed);
        expr.push(Piece::hole(hole_name, span));
    }

    /// A name for an argument the assembler cannot read, so a later step
    /// can still tell which value fills it: the variable a call transforms
    /// (`strings.TrimLeft(path, "/")`, `str(kind)` → `path`, `kind`), else
    /// the object a method is called on (`c.baseURL.String()` → `baseURL`).
    fn arg_hole_name(&self, i: usize) -> Option<Cow<'t, str>> {
        let mut names: Vec<&'t str> = Vec::new();
        let mut j = i;
        while let Some(Tok::Ident(n)) = self.tok(j) {
            names.push(n);
            j += 1;
            if self.is_op(j, op!(".")) || self.is_op(j, op!("->")) || self.is_op(j, op!("::")) {
                j += 1;
            } else {
                break;
            }
        }
        if names.is_empty() || !self.is_op(j, op!("(")) {
            return None;
        }
        // The first plain variable among the call's arguments.
        let mut k = j + 1;
        let mut depth = 1usize;
        while let Some(t) = self.tok(k) {
            match t {
                Tok::Op(op!("(") | op!("[") | op!("{")) => depth += 1,
                Tok::Op(op!(")") | op!("]") | op!("}")) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Ident(n)
                    if depth == 1
                        && !self.is_op(k + 1, op!("("))
                        && !self.is_op(k + 1, op!(".")) =>
                {
                    return Some(Cow::Borrowed(n));
                }
                _ => {}
            }
            k += 1;
            if k > j + 64 {
                break;
            }
        }
        let object = if names.len() >= 2 {
            names[names.len() - 2]
        } else {
            names[0]
        };
        Some(Cow::Borrowed(object))
    }

    /// Comma-separated arguments starting at `i` (just after `(`), up to
    /// the matching `)`. Each argument is its concatenation chain (holes for
    /// anything else).
    ///
    /// Past [`MAX_CALL_NESTING`] nested argument lists, the arguments are
    /// skipped (none is returned), without recursion.
    fn args(&self, i: usize) -> (Vec<Chain<'t>>, usize) {
        let depth = self.nesting.get();
        if depth >= MAX_CALL_NESTING {
            return (Vec::new(), self.skip_args(i));
        }
        self.nesting.set(depth + 1);
        let out = self.args_within(i);
        self.nesting.set(depth);
        out
    }

    /// Where the argument list starting at `i` ends, as [`Assembler::args`]
    /// would find it.
    fn skip_args(&self, mut i: usize) -> usize {
        while let Some(t) = self.toks.get(i) {
            match &t.tok {
                Tok::Op(op!("(") | op!("[") | op!("{")) => i = self.after_group(i),
                Tok::Op(op!(")") | op!("]") | op!("}")) => return i + 1,
                tok if is_terminator(tok) => return i,
                _ => i += 1,
            }
        }
        i
    }

    /// The index after the bracket closing the one opened at `i` (the end
    /// when none does).
    fn after_group(&self, i: usize) -> usize {
        let closers = self.closers.get_or_init(|| closers(self.toks));
        match closers.get(i) {
            Some(&c) if c != u32::MAX => c as usize + 1,
            _ => self.toks.len(),
        }
    }

    fn args_within(&self, mut i: usize) -> (Vec<Chain<'t>>, usize) {
        let mut args = Vec::new();
        let mut depth = 0usize;
        let mut current = Chain::new(FindingKind::Call);
        let mut started = false;
        while let Some(t) = self.toks.get(i) {
            match &t.tok {
                // Nothing inside a nested group is looked at: jump over it
                // (a pathological nest would make every level walk it).
                Tok::Op(op!("(") | op!("[") | op!("{")) if self.toks.len() < u32::MAX as usize => {
                    i = self.after_group(i);
                }
                Tok::Op(op!("(") | op!("[") | op!("{")) => {
                    depth += 1;
                    i += 1;
                }
                Tok::Op(op!(")") | op!("]") | op!("}")) if depth > 0 => {
                    depth -= 1;
                    i += 1;
                }
                Tok::Op(op!(")") | op!("]") | op!("}")) => {
                    if started || !current.segs.is_empty() {
                        args.push(std::mem::take(&mut current));
                    }
                    return (args, i + 1);
                }
                Tok::Op(op!(",")) if depth == 0 => {
                    args.push(std::mem::replace(
                        &mut current,
                        Chain::new(FindingKind::Call),
                    ));
                    started = true;
                    i += 1;
                }
                _ if depth == 0 && current.segs.is_empty() => {
                    started = true;
                    let (e, next) = self.parse_expr(i, true);
                    if e.segs.is_empty() {
                        let name = self.arg_hole_name(i);
                        current.push(Piece::hole(name, (t.start.get(), t.end.get())));
                        i += 1;
                    } else {
                        current = e;
                        i = next;
                    }
                }
                _ if is_terminator(&t.tok) && depth == 0 => return (args, i),
                _ => i += 1,
            }
            if args.len() > 32 {
                break;
            }
        }
        (args, i)
    }
}

/// For each opening bracket (any of `(`, `[`, `{`), the index of the next
/// unmatched closing bracket of any kind after it, as a depth count pairs
/// them; `u32::MAX` for other tokens and unclosed brackets.
fn closers<O: Offset>(toks: &[Token<'_, O>]) -> Vec<u32> {
    let mut out = vec![u32::MAX; toks.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Op(op!("(") | op!("[") | op!("{")) => open.push(i),
            Tok::Op(op!(")") | op!("]") | op!("}")) => {
                if let Some(o) = open.pop() {
                    out[o] = u32::try_from(i).unwrap_or(u32::MAX);
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether `text` holds the ASCII byte `b`. The texts asked about are
/// names and pieces, mostly a few bytes long: a plain loop beats the call
/// into `memchr` that `str::contains` makes.
fn has_byte(text: &str, b: u8) -> bool {
    text.bytes().any(|c| c == b)
}

/// The text of a literal with no interpolation, borrowed when it is one
/// piece.
fn literal_text<'t>(parts: &'t [Part<'t>]) -> Option<Cow<'t, str>> {
    match parts {
        [] => Some(Cow::Borrowed("")),
        [Part::Text { text, .. }] => Some(Cow::Borrowed(text.as_ref())),
        _ => {
            let mut s = String::new();
            for p in parts {
                match p {
                    Part::Text { text, .. } => s.push_str(text),
                    Part::Interp { .. } => return None,
                }
            }
            Some(Cow::Owned(s))
        }
    }
}

fn has_printf(expr: &Chain) -> bool {
    expr.segs
        .iter()
        .any(|s| s.via.is_none() && s.text.contains('%'))
}

/// Substitutes format arguments into the placeholders of `fmt`: `%s`,
/// `%v`, `%d`, `%q` in order; `{}` in order; `{0}`, `{1}` by index. An
/// argument that is missing leaves a hole. `%%`, `{{` stay literal.
fn substitute<'t>(fmt: &Chain<'t>, args: &[Chain<'t>]) -> Chain<'t> {
    let mut out = Chain {
        segs: Vec::new(),
        kind: fmt.kind,
        weight: Weight::default(),
    };
    let mut next_arg = 0usize;
    for seg in &fmt.segs {
        if seg.is_hole() || seg.via.is_some() {
            out.push(seg.clone());
            continue;
        }
        let text = seg.text;
        let b = text.as_bytes();
        let mut last = 0;
        let mut k = 0;
        while k < b.len() {
            let placeholder: Option<(usize, Option<usize>)> = match b[k] {
                b'%' if b.get(k + 1) == Some(&b'%') => {
                    k += 2;
                    continue;
                }
                b'%' => {
                    // %s %v %d %q %+v %5s
                    let mut e = k + 1;
                    while e < b.len()
                        && (b[e] == b'+' || b[e] == b'-' || b[e] == b'#' || b[e].is_ascii_digit())
                    {
                        e += 1;
                    }
                    match b.get(e) {
                        // `%@`: Objective-C's object placeholder.
                        Some(b's' | b'v' | b'd' | b'q' | b'x' | b'@') => Some((e + 1, None)),
                        _ => None,
                    }
                }
                b'{' => {
                    let close = b[k..].iter().position(|&c| c == b'}').map(|p| k + p);
                    match close {
                        Some(c) => {
                            let inner = &text[k + 1..c];
                            let inner = inner.split(':').next().unwrap_or("");
                            if inner.is_empty() {
                                Some((c + 1, None))
                            } else if let Ok(n) = inner.parse::<usize>() {
                                Some((c + 1, Some(n)))
                            } else {
                                None
                            }
                        }
                        None => None,
                    }
                }
                _ => None,
            };
            match placeholder {
                Some((end, index)) => {
                    if k > last {
                        out.push(slice_seg(seg, last, k));
                    }
                    let idx = index.unwrap_or_else(|| {
                        next_arg += 1;
                        next_arg - 1
                    });
                    match args.get(idx) {
                        Some(arg) if !arg.segs.is_empty() => out.extend(arg.segs.iter().cloned()),
                        _ => out.push(Piece::hole(None, seg.site)),
                    }
                    k = end;
                    last = end;
                }
                None => k += 1,
            }
        }
        if last == 0 {
            out.push(seg.clone());
        } else if last < b.len() {
            out.push(slice_seg(seg, last, b.len()));
        }
    }
    out
}

/// The part `[a, b)` of a literal segment.
fn slice_seg<'t>(seg: &Piece<'t>, a: usize, b: usize) -> Piece<'t> {
    let mut a = a.min(seg.text.len());
    let mut b = b.min(seg.text.len()).max(a);
    while !seg.text.is_char_boundary(a) {
        a -= 1;
    }
    while !seg.text.is_char_boundary(b) {
        b += 1;
    }
    Piece {
        text: &seg.text[a..b],
        src: seg.src.map(|s| s + a),
        site: seg.site,
        via: seg.via.clone(),
        hole: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lang: Language, src: &str) -> Vec<String> {
        extract_code(lang, src, 0)
            .exprs
            .iter()
            .filter(|e| e.kind() == FindingKind::Call)
            .map(|e| e.text().replace(crate::extract::HOLE, "{}"))
            .collect()
    }

    #[test]
    fn python_forms() {
        let t = texts(Language::Python, "url = BASE_URL + \"/api/2.0/fo/scan/\"\n");
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::Python,
            "    url = (\"/api/2.0\"\n           \"/fo/scan/\")\n",
        );
        assert!(t.contains(&"/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::Python,
            "    API_VERSION = \"2.0\"\n    url = f\"{base}/api/{API_VERSION}/fo/scan/\"\n",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::Python,
            "u = \"%s/api/%s/fo/scan/\" % (base, \"2.0\")\nv = \"{}/api/{}/x/\".format(b, '3.0')\n",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        assert!(t.contains(&"{}/api/3.0/x/".to_string()), "{t:?}");
        let t = texts(
            Language::Python,
            "BASE = os.getenv('QUALYS', 'https://h/api/2.0/fo/')\nu = BASE + 'scan/'\n",
        );
        assert!(
            t.contains(&"https://h/api/2.0/fo/scan/".to_string()),
            "{t:?}"
        );
    }

    #[test]
    fn other_languages() {
        let t = texts(
            Language::Go,
            "url := fmt.Sprintf(\"%s/api/%s/fo/scan/\", base, \"2.0\")",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::CLike,
            "String url = host + \"/api/\"\n        + \"2.0/fo/scan/\";",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::JavaScript,
            "  const API_VERSION = '2.0';\n  const url = `${base}/api/${API_VERSION}/fo/scan/`;",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::Php,
            "$url = $base . '/api/' . '2.0' . '/fo/scan/';",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::Ruby,
            "  url = base + \"/api/\" \\\n    \"2.0/fo/scan/\"\n",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::PowerShell,
            "$uri = $BaseUri + '/api/' + '2.0' + '/fo/scan/'\n",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
        let t = texts(
            Language::Shell,
            "API_PATH=\"/api/2.0/fo/scan/\"\ncurl -s \"$QUALYS_API$API_PATH\"\n",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
    }

    #[test]
    fn segments_remember_sources() {
        let src = "    API_VERSION = \"2.0\"\n    url = f\"{base}/api/{API_VERSION}/fo/scan/\"\n";
        let ex = extract_code(Language::Python, src, 0);
        let e = ex
            .exprs
            .iter()
            .find(|e| e.text().contains("fo/scan"))
            .expect("expr");
        let ver = e
            .segs
            .iter()
            .find(|s| s.text == "2.0")
            .expect("version seg");
        assert_eq!(ver.via.as_ref().map(|v| v.0.as_str()), Some("API_VERSION"));
        for e in &ex.exprs {
            for s in &e.segs {
                if let Some(o) = s.src {
                    assert_eq!(&src[o..o + s.text.len()], s.text);
                }
            }
        }
        assert!(ex.bindings.iter().any(|b| b.name == "API_VERSION"));
    }

    #[test]
    fn hole_chains_are_parsed_once_and_their_arguments_still_scanned() {
        // The default at the end of a chain of unknowns is found.
        let t = texts(
            Language::JavaScript,
            "const u = a.b || c.d || e || 'https://h/api/2.0/fo/scan/';",
        );
        assert!(
            t.contains(&"https://h/api/2.0/fo/scan/".to_string()),
            "{t:?}"
        );
        // Keys of the calls in an all-hole chain are literals of their own.
        let t = texts(
            Language::Python,
            "x = getenv('/api/2.0/fo/scan/') or getenv('/pcrs/1.0/x/') or y\n",
        );
        assert!(t.contains(&"/api/2.0/fo/scan/".to_string()), "{t:?}");
        assert!(t.contains(&"/pcrs/1.0/x/".to_string()), "{t:?}");
        // A long chain of unknowns: no expression, and a literal after it.
        let mut src = String::from("c = a");
        for _ in 0..5000 {
            src.push_str(" || a.b");
        }
        src.push_str(";\nd = '/api/2.0/fo/scan/';\n");
        let t = texts(Language::JavaScript, &src);
        assert_eq!(t, vec!["/api/2.0/fo/scan/".to_string()]);
    }

    #[test]
    fn folded_values_are_bounded() {
        // Doubling: 20 lines would be a million pieces.
        let mut src = String::from("a0 = 'https://h/api/2.0/fo/scan/'\n");
        for i in 1..=20 {
            src.push_str(&format!("a{i} = a{} + a{}\n", i - 1, i - 1));
        }
        let x = extract_code(Language::Python, &src, 0);
        for e in x.exprs.iter().chain(x.bindings.iter().map(|b| &b.value)) {
            let folded = e.segs.iter().filter(|s| s.via.is_some()).count();
            assert!(folded <= fold::MAX_FOLDED_PIECES, "{folded}");
        }
        let last = x
            .bindings
            .iter()
            .find(|b| b.name == "a20")
            .map(|b| b.value.text());
        let last = last.unwrap_or_default();
        assert!(
            last.starts_with("https://h/api/2.0/fo/scan/https://h/"),
            "{last}"
        );
        assert!(last.contains(HOLE));
        // Text written in the expression itself is never cut.
        let long = "/x".repeat(5000);
        let src = format!("u = base + '{long}' + '/api/2.0/fo/scan/'\n");
        let t = texts(Language::Python, &src);
        assert_eq!(t, vec![format!("{{}}{long}/api/2.0/fo/scan/")]);
    }

    #[test]
    fn deep_calls_do_not_recurse_without_bound() {
        let n = 50_000;
        let src = format!(
            "u = '/api/2.0/fo/scan/'\nx = {}'a'{}\n",
            "format(".repeat(n),
            ")".repeat(n)
        );
        let t = texts(Language::Python, &src);
        assert!(t.contains(&"/api/2.0/fo/scan/".to_string()), "{t:?}");
        // Shallow nesting still substitutes.
        let t = texts(
            Language::Go,
            "u := fmt.Sprintf(\"%s/fo/scan/\", fmt.Sprintf(\"%s/api/%s\", base, \"2.0\"))",
        );
        assert!(t.contains(&"{}/api/2.0/fo/scan/".to_string()), "{t:?}");
    }

    #[test]
    fn scan_extraction_keeps_exactly_what_has_a_slash() {
        let samples = [
            (Language::Python, "# note\n# see /api/2.0/fo/scan/\nV = '2.0'\nB = 'https://h/api/2.0/fo/'\nu = f\"{B}scan/\"\nname = 'x'\nprint('hello', name)\n"),
            (Language::JavaScript, "// plain\n/* a/b */\nconst v = '2.0';\nconst u = `${base}/api/${v}/fo/scan/`;\nlog('no slash');\n"),
            (Language::Shell, "# c\nAPI=/api/2.0/fo/scan/\nX=plain\ncurl \"$H$API\"\necho done\n"),
            (Language::Php, "<?php\n# c\n$v = '2.0';\n$u = $base . '/api/' . $v . '/fo/scan/';\n$n = 'x';\n"),
            // Literals that something continues must still be built: empty
            // defaults, adjacent literals, `%` and `.format`.
            (Language::Python, "u = '' or 'https://h/api/2.0/fo/scan/'\nv = ('/api' '/2.0/fo/')\nw = '%s/fo/' % '/api/2.0'\nf('a', 'b')\ng('https:' '//h/api/2.0/fo/scan/')\n"),
            (Language::JavaScript, "f('x', '/api/2.0/fo/scan/');\nconst a = '' || '/api/2.0/fo/';\nlet b = ['p', 'q'];\n"),
            (Language::Shell, "echo one two\ncurl -s https://h/api/2.0/fo/scan/ plain\nX=${Y:-/api/2.0/fo/} y\n"),
        ];
        for (lang, src) in samples {
            let full = extract_code(lang, src, 0);
            let scan = extract_code_for_scan(lang, src, 0);
            let want: Vec<&Expr> = full.exprs.iter().filter(|e| has_slash(e)).collect();
            assert_eq!(scan.exprs.iter().collect::<Vec<_>>(), want, "{src}");
            let want: Vec<&Binding> = full
                .bindings
                .iter()
                .filter(|b| has_slash(&b.value))
                .collect();
            assert_eq!(scan.bindings.iter().collect::<Vec<_>>(), want, "{src}");
            // The samples do drop something, and keep something.
            assert!(scan.exprs.len() < full.exprs.len(), "{src}");
            assert!(!scan.exprs.is_empty(), "{src}");
        }
    }
}
