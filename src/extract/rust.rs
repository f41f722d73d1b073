//! Rust extraction with `syn`.
//!
//! The text is tokenized once and parsed as a file ([`syn::File`]) or, when
//! it is not one (a snippet such as a Markdown fence body), as a list of
//! statements; string expressions are reconstructed from literals, `+`
//! chains, `concat!`, the `format!` family and same-file `const` / `static`
//! / `let` bindings. Comments, which `syn` drops, are found by a small
//! scanner. When the text does not parse, or nests deeper than `syn` can
//! be trusted with, the generic C-like extractor takes over, so a parse
//! error never leaves a file unscanned. Only files whose bytes passed the
//! prefilter get here.
//!
//! Parsing and walking run on a helper thread with a large stack: `syn` and
//! `syn::visit` recurse once per nesting level, and a pathological file must
//! not overflow the stack of the caller (a walker thread). The nesting is
//! estimated before parsing (see [`scan_comments`]) and bounded, since a
//! stack overflow cannot be caught. The thread also owns `proc-macro2`'s
//! span table, which therefore never grows across files.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr as SynExpr, Lit, Member, Stmt, Token};

use super::fold::{self, Weight};
use super::{Binding, Expr, Extracted, Language, Seg};
use crate::model::FindingKind;

/// Stack of the parsing thread. Only the pages actually touched are
/// committed, so a large reservation costs nothing for ordinary files.
const STACK_SIZE: usize = 256 << 20;

/// Texts nested deeper than this (see [`scan_comments`]) are not handed to
/// `syn`; the generic lexer, which does not recurse, takes them. A level
/// costs up to ~13 KiB of stack in a debug build, so [`STACK_SIZE`] leaves a
/// wide margin; real code stays far below (a few dozen).
const MAX_NESTING: usize = 3000;

/// The same bound when no thread could be started and `syn` runs on the
/// caller's stack (2 MiB for a walker thread).
const INLINE_MAX_NESTING: usize = 100;

/// Texts up to this nesting estimate are parsed on the caller's own stack:
/// most files are shallow, and a thread per file (a 256 MiB reservation,
/// its own malloc arena) cost time and a tenth of the peak memory of a
/// large scan. Far inside [`INLINE_MAX_NESTING`], the bound already trusted
/// when no thread can be started.
const SHALLOW_NESTING: usize = 32;

/// Macro bodies nested deeper than this are scanned for literals instead of
/// being parsed (each level re-parses the body of the levels inside it).
const MAX_MACRO_DEPTH: u32 = 12;

/// Bound on the recursion of string evaluation (nested macros, wrappers,
/// constants referring to constants).
const MAX_EVAL_DEPTH: u32 = 48;

/// Extracts the string expressions, bindings and identifiers of a Rust
/// file. `base` is added to every byte offset.
pub fn extract(text: &str, base: usize) -> Extracted {
    // `syn::parse_file` strips a BOM itself, which would shift the columns of
    // the first line; strip it here and account for it in the offsets.
    let (body, shift) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, base + '\u{feff}'.len_utf8()),
        None => (text, base),
    };
    let scan = scan_comments(body);
    let parsed = if scan.max_nesting > MAX_NESTING {
        None
    } else {
        parse_guarded(body, shift, scan.max_nesting)
    };
    match parsed {
        Some(mut out) => {
            out.exprs.extend(comment_exprs(body, shift, &scan.comments));
            out.exprs.sort_by_key(|e| e.site().map_or(0, |s| s.0));
            out
        }
        None => {
            let mut out = super::assemble::extract_code(Language::Rust, text, base);
            // The generic lexer normally reports comments itself; fill in
            // only when it did not.
            if !out.exprs.iter().any(|e| e.kind() == FindingKind::Mention) {
                out.exprs.extend(comment_exprs(body, shift, &scan.comments));
            }
            out
        }
    }
}

/// Runs [`parse_and_walk`] (on a thread with a large stack unless the text
/// is shallow), catching panics.
/// `None` when the text does not parse (or anything went wrong).
fn parse_guarded(body: &str, shift: usize, nesting: usize) -> Option<Extracted> {
    if nesting <= SHALLOW_NESTING {
        return std::panic::catch_unwind(|| parse_and_walk(body, shift))
            .ok()
            .flatten();
    }
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("sunset-rust-parse".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || parse_and_walk(body, shift));
        match spawned {
            Ok(handle) => handle.join().ok().flatten(),
            // No thread available: run here if shallow, still catching panics.
            Err(_) if nesting <= INLINE_MAX_NESTING => {
                std::panic::catch_unwind(|| parse_and_walk(body, shift))
                    .ok()
                    .flatten()
            }
            Err(_) => None,
        }
    })
}

/// What was parsed: a whole file, or the statements of a snippet.
enum Parsed {
    File(syn::File),
    Stmts(Vec<Stmt>),
}

fn parse_and_walk(body: &str, shift: usize) -> Option<Extracted> {
    let mut lines = Lines::new(body);
    // The tree is dropped before the spans are invalidated.
    let out = parse(body, &mut lines).map(|parsed| walk(&parsed, body, shift, lines));
    // Spans are plain numbers into a thread-local table; nothing refers to
    // them any more.
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

/// A whole file, else the statements of a snippet that can contribute (see
/// [`contributing_statements`]), from one tokenization. A snippet fails the
/// file grammar early, at its first top-level `let` or expression. `None`
/// when the text is neither.
fn parse(body: &str, lines: &mut Lines) -> Option<Parsed> {
    if body.starts_with("#!") {
        // `syn::parse_file` knows which `#!` lines are shebangs.
        return match syn::parse_file(body) {
            Ok(file) => Some(Parsed::File(file)),
            Err(_) => syn::parse::Parser::parse_str(syn::Block::parse_within, body)
                .ok()
                .filter(|stmts| !stmts.is_empty())
                .map(Parsed::Stmts),
        };
    }
    let tokens: TokenStream = body.parse().ok()?;
    // The token stream is reference counted: the clone is cheap.
    if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
        return Some(Parsed::File(file));
    }
    let kept = contributing_statements(tokens, body, lines)?;
    syn::parse::Parser::parse2(syn::Block::parse_within, kept)
        .ok()
        .map(Parsed::Stmts)
}

/// The top-level statements of a snippet that can contribute a string or a
/// binding, as one stream; `None` when the snippet is empty. `syn` is slow
/// on statements, and most of a snippet (`let a = f(1); if a > 3 { return
/// None; }`) contributes nothing.
///
/// A name *may hold a string* when a statement that defines it holds a
/// string literal or refers to a name that may hold a string. Kept are the
/// statements that hold a string literal, refer to a name that may hold a
/// string, or define one (another definition may shadow it). A dropped
/// statement therefore defines no string and can build none: every name it
/// refers to evaluates to nothing (a hole, named by the expression, as it
/// would be when not found), and the kept statements resolve every name
/// that may hold a string exactly as in the whole snippet.
///
/// Statements are cut at top-level `;`, which always ends a statement or an
/// item, and between a top-level block and a keyword that cannot continue
/// an expression (`if a > 3 { … } let …`), so every piece is a run of whole
/// statements and the kept pieces parse as they would in place. Names are over-approximated (a reference
/// is any identifier, and any `{name}` capture inside a string literal; a
/// definition is any identifier after `let`, `const` or `static`, past
/// `mut` and `ref`): keeping too much costs time only.
fn contributing_statements(
    tokens: TokenStream,
    body: &str,
    lines: &mut Lines,
) -> Option<TokenStream> {
    /// One piece: its tokens, the names it defines and refers to.
    #[derive(Default)]
    struct Piece<'b> {
        trees: Vec<TokenTree>,
        strings: bool,
        defines: Vec<&'b str>,
        refers: Vec<&'b str>,
    }
    let mut pieces: Vec<Piece> = vec![Piece::default()];
    // Whether the next identifier is a name being defined.
    let mut definition = false;
    let mut after_brace = false;
    for tree in tokens {
        if after_brace && starts_statement(&tree) {
            pieces.push(Piece::default());
        }
        let Some(piece) = pieces.last_mut() else {
            break;
        };
        describe(&tree, body, lines, piece, &mut definition);
        after_brace = matches!(&tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace);
        let ends = matches!(&tree, TokenTree::Punct(p) if p.as_char() == ';');
        piece.trees.push(tree);
        if ends {
            pieces.push(Piece::default());
        }
    }

    /// A keyword that cannot continue an expression after a block: it
    /// starts the next statement or item.
    fn starts_statement(tree: &TokenTree) -> bool {
        matches!(tree, TokenTree::Ident(i) if [
            "let", "if", "fn", "for", "while", "loop", "struct", "enum", "impl", "use", "mod", "trait",
        ].iter().any(|k| i == k))
    }

    /// Adds what `tree` holds to `piece`, without recursion.
    fn describe<'b>(
        tree: &TokenTree,
        body: &'b str,
        lines: &mut Lines,
        piece: &mut Piece<'b>,
        definition: &mut bool,
    ) {
        let mut stack: Vec<proc_macro2::token_stream::IntoIter> = Vec::new();
        let mut next = Some(tree.clone());
        loop {
            let Some(tree) = next
                .take()
                .or_else(|| stack.last_mut().and_then(Iterator::next))
            else {
                if stack.pop().is_none() {
                    break;
                }
                continue;
            };
            match &tree {
                TokenTree::Group(g) => {
                    *definition = false;
                    stack.push(g.stream().into_iter());
                }
                TokenTree::Ident(_) | TokenTree::Literal(_) => {
                    let Some(text) = lines.range(tree.span()).and_then(|(s, e)| body.get(s..e))
                    else {
                        continue;
                    };
                    if matches!(tree, TokenTree::Literal(_)) {
                        *definition = false;
                        // A string: `"…"`, `r"…"`, `b"…"`, `c"…"` (a char
                        // literal may hold a `"` too; a doc comment reaches
                        // here as a literal spanning the comment).
                        let string = text.starts_with('"')
                            || (text.starts_with(['r', 'b', 'c'])
                                && !text.starts_with("b'")
                                && text.contains('"'));
                        if string {
                            piece.strings = true;
                            piece.refers.extend(captures(text));
                        }
                        continue;
                    }
                    let name = text.strip_prefix("r#").unwrap_or(text);
                    match name {
                        "let" | "const" | "static" => *definition = true,
                        "mut" | "ref" => {}
                        _ if *definition => {
                            piece.defines.push(name);
                            *definition = false;
                        }
                        _ => piece.refers.push(name),
                    }
                }
                TokenTree::Punct(_) => *definition = false,
            }
        }
    }

    let mut referred_in: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, piece) in pieces.iter().enumerate() {
        for &name in &piece.refers {
            referred_in.entry(name).or_default().push(i);
        }
    }
    // Names that may hold a string: defined by a piece with a string
    // literal, or by a piece that refers to such a name. Each is followed
    // once.
    let mut kept: Vec<bool> = pieces.iter().map(|p| p.strings).collect();
    let mut work: Vec<usize> = (0..pieces.len()).filter(|&i| kept[i]).collect();
    let mut stringy: HashSet<&str> = HashSet::new();
    while let Some(i) = work.pop() {
        for &name in &pieces[i].defines {
            if stringy.insert(name) {
                for &j in referred_in.get(name).into_iter().flatten() {
                    if !kept[j] {
                        kept[j] = true;
                        work.push(j);
                    }
                }
            }
        }
    }
    // Every other definition of those names too: it may shadow one.
    for (k, piece) in kept.iter_mut().zip(&pieces) {
        *k |= piece.defines.iter().any(|name| stringy.contains(name));
    }
    if pieces.iter().all(|p| p.trees.is_empty()) {
        return None;
    }
    Some(
        pieces
            .into_iter()
            .zip(kept)
            .filter(|(_, kept)| *kept)
            .flat_map(|(piece, _)| piece.trees)
            .collect(),
    )
}

/// The names of the `{name}` captures a string literal may hold (a
/// superset: `{{name}}` is no capture).
fn captures(literal: &str) -> impl Iterator<Item = &str> {
    literal.split('{').skip(1).filter_map(|rest| {
        let rest = rest.strip_prefix("r#").unwrap_or(rest);
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// Walks a tree.
fn walk(parsed: &Parsed, body: &str, shift: usize, mut lines: Lines) -> Extracted {
    let mut collector = Collector {
        lines: &mut lines,
        shift,
        blocks: Vec::new(),
        defs: Vec::new(),
    };
    collector.blocks.push(shift + body.len());
    match parsed {
        Parsed::File(file) => collector.visit_file(file),
        Parsed::Stmts(stmts) => stmts.iter().for_each(|s| collector.visit_stmt(s)),
    }
    let defs = std::mem::take(&mut collector.defs);
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, def) in defs.iter().enumerate() {
        by_name.entry(def.name.clone()).or_default().push(i);
    }
    let n = defs.len();
    let mut walker = Walker {
        body,
        shift,
        lines,
        defs,
        by_name,
        memo: vec![None; n],
        in_progress: vec![false; n],
        consumed: HashSet::new(),
        exprs: Vec::new(),
        macro_depth: 0,
    };
    match parsed {
        Parsed::File(file) => walker.visit_file(file),
        Parsed::Stmts(stmts) => stmts.iter().for_each(|s| walker.visit_stmt(s)),
    }
    let mut bindings = Vec::new();
    for i in 0..walker.defs.len() {
        if let Some(value) = walker.def_value(i, 0) {
            let def = &walker.defs[i];
            bindings.push(Binding {
                name: def.name.clone(),
                value,
                offset: def.offset,
            });
        }
    }
    Extracted {
        exprs: walker.exprs,
        bindings,
        // Left empty, as for the generic lexer: the cross-file resolver
        // reads the names a file refers to from its text.
        idents: Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// Offsets

/// Line starts of the parsed text, to turn `proc-macro2` line/column pairs
/// (columns count chars) into byte offsets.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    ascii: Vec<bool>,
    /// Char start offsets (relative to the line) of non-ASCII lines.
    chars: HashMap<usize, Vec<usize>>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            } else if b >= 0x80 {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        Lines {
            text,
            starts,
            ascii,
            chars: HashMap::new(),
        }
    }

    /// Byte offset of a line/column position (line 1-based, column in chars).
    fn offset(&mut self, lc: LineColumn) -> Option<usize> {
        let li = lc.line.checked_sub(1)?;
        let start = *self.starts.get(li)?;
        let end = self.starts.get(li + 1).copied().unwrap_or(self.text.len());
        let len = end.saturating_sub(start);
        if self.ascii.get(li).copied().unwrap_or(false) {
            return Some(start + lc.column.min(len));
        }
        let text = self.text;
        let chars = self.chars.entry(li).or_insert_with(|| {
            text.get(start..end)
                .map(|l| l.char_indices().map(|(i, _)| i).collect())
                .unwrap_or_default()
        });
        Some(start + chars.get(lc.column).copied().unwrap_or(len))
    }

    /// Byte range of a span, relative to the parsed text.
    fn range(&mut self, span: Span) -> Option<(usize, usize)> {
        let s = self.offset(span.start())?;
        let e = self.offset(span.end())?.max(s);
        Some((s, e))
    }
}

// ---------------------------------------------------------------------------
// Pass 1: definitions

/// A `const`, `static` or `let` with an initializer.
struct Def<'ast> {
    name: String,
    /// Absolute byte offset of the defined name.
    offset: usize,
    init: &'ast SynExpr,
    /// For a `let`: the absolute byte range where the name is visible.
    scope: Option<(usize, usize)>,
}

struct Collector<'l, 't, 'ast> {
    lines: &'l mut Lines<'t>,
    shift: usize,
    /// Absolute end offsets of the enclosing blocks.
    blocks: Vec<usize>,
    defs: Vec<Def<'ast>>,
}

impl<'ast> Collector<'_, '_, 'ast> {
    fn add(&mut self, ident: &syn::Ident, init: &'ast SynExpr, scope_start: Option<usize>) {
        let offset = self
            .lines
            .offset(ident.span().start())
            .map_or(self.shift, |o| o + self.shift);
        let scope = scope_start.map(|s| (s, self.blocks.last().copied().unwrap_or(usize::MAX)));
        self.defs.push(Def {
            name: unraw(&ident.to_string()),
            offset,
            init,
            scope,
        });
    }
}

impl<'ast> Visit<'ast> for Collector<'_, '_, 'ast> {
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.add(&i.ident, &i.expr, None);
        visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.add(&i.ident, &i.expr, None);
        visit::visit_item_static(self, i);
    }

    fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
        self.add(&i.ident, &i.expr, None);
        visit::visit_impl_item_const(self, i);
    }

    fn visit_trait_item_const(&mut self, i: &'ast syn::TraitItemConst) {
        if let Some((_, expr)) = &i.default {
            self.add(&i.ident, expr, None);
        }
        visit::visit_trait_item_const(self, i);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        let end = self
            .lines
            .range(b.brace_token.span.close())
            .map_or(usize::MAX, |r| r.1 + self.shift);
        self.blocks.push(end);
        visit::visit_block(self, b);
        self.blocks.pop();
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        let mut pat = &l.pat;
        while let syn::Pat::Type(t) = pat {
            pat = &t.pat;
        }
        if let (syn::Pat::Ident(p), Some(init)) = (pat, &l.init) {
            let visible = self
                .lines
                .range(l.semi_token.span)
                .map_or(usize::MAX, |r| r.1 + self.shift);
            self.add(&p.ident, &init.expr, Some(visible));
        }
        visit::visit_local(self, l);
    }
}

// ---------------------------------------------------------------------------
// Pass 2: string expressions

struct Walker<'t, 'ast> {
    body: &'t str,
    shift: usize,
    lines: Lines<'t>,
    defs: Vec<Def<'ast>>,
    by_name: HashMap<String, Vec<usize>>,
    /// Evaluated values of `defs` (`Some(None)`: not a string).
    memo: Vec<Option<Option<Expr>>>,
    in_progress: Vec<bool>,
    /// Anchor offsets (literal start, `+` operator, macro `!`, method name)
    /// of the nodes already part of an emitted expression.
    consumed: HashSet<usize>,
    exprs: Vec<Expr>,
    /// How many macro bodies enclose the node being visited.
    macro_depth: u32,
}

/// An expression being built, its folded part kept bounded (see
/// [`fold`]): `const A1: &str = concat!(A0, A0);` doubles at every line.
struct Building {
    expr: Expr,
    weight: Weight,
}

impl Default for Building {
    fn default() -> Building {
        Building {
            expr: Expr::new(FindingKind::Call),
            weight: Weight::default(),
        }
    }
}

impl Building {
    fn push(&mut self, seg: Seg) {
        self.weight.add(&seg);
        self.expr.push(seg);
        if self.weight.over() {
            fold::cut(&mut self.expr.segs);
            self.weight = Weight::of(&self.expr.segs);
        }
    }

    fn done(self) -> Expr {
        self.expr
    }
}

/// State of one evaluation: anchors of the nodes it used, recursion depth.
#[derive(Default)]
struct Acc {
    anchors: Vec<usize>,
    depth: u32,
}

/// A string (or byte string) literal, decoded.
struct LitInfo {
    value: String,
    /// Absolute offset of the first content char when the value is a
    /// verbatim copy of the source.
    src: Option<usize>,
    /// Absolute span of the whole literal token.
    site: (usize, usize),
    /// Relative start of the token, the literal's anchor.
    anchor: usize,
}

/// How a macro builds a string.
#[derive(Clone, Copy)]
enum MacroKind {
    /// `concat!`, `concatcp!`: the arguments joined.
    Concat,
    /// The `format!` family; the format string is argument `n`, or the
    /// first string literal when `None`.
    Format(Option<usize>),
    Other,
}

fn macro_kind(name: &str) -> MacroKind {
    match name {
        "concat" | "concatcp" => MacroKind::Concat,
        "format" | "format_args" | "print" | "println" | "eprint" | "eprintln" | "panic"
        | "unreachable" | "todo" | "unimplemented" | "formatcp" | "format_smolstr" => {
            MacroKind::Format(Some(0))
        }
        "write" | "writeln" | "assert" | "debug_assert" => MacroKind::Format(Some(1)),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => {
            MacroKind::Format(Some(2))
        }
        "info" | "warn" | "error" | "debug" | "trace" | "anyhow" | "bail" | "format_err"
        | "eyre" | "ensure" | "log" => MacroKind::Format(None),
        _ => MacroKind::Other,
    }
}

/// Methods and functions that pass a string through unchanged.
fn is_transparent(name: &str) -> bool {
    matches!(
        name,
        "to_string"
            | "to_owned"
            | "into"
            | "as_str"
            | "as_ref"
            | "clone"
            | "borrow"
            | "deref"
            | "from"
            | "Borrowed"
            | "Owned"
            | "unwrap"
            | "expect"
            | "unwrap_or_default"
    )
}

fn unraw(name: &str) -> String {
    name.strip_prefix("r#").unwrap_or(name).to_string()
}

fn last_segment(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| unraw(&s.ident.to_string()))
}

fn strip_group(mut e: &SynExpr) -> &SynExpr {
    loop {
        match e {
            SynExpr::Group(g) => e = &g.expr,
            SynExpr::Paren(p) => e = &p.expr,
            SynExpr::Reference(r) => e = &r.expr,
            _ => return e,
        }
    }
}

/// The operands of a left-leaning `a + b + c` chain, without recursion.
fn add_operands(e: &SynExpr) -> (Vec<&SynExpr>, Vec<&syn::token::Plus>) {
    let mut rights = Vec::new();
    let mut ops = Vec::new();
    let mut cur = e;
    while let SynExpr::Binary(b) = cur {
        match &b.op {
            BinOp::Add(plus) => {
                rights.push(&*b.right);
                ops.push(plus);
                cur = &b.left;
            }
            _ => break,
        }
    }
    let mut operands = vec![cur];
    operands.extend(rights.into_iter().rev());
    (operands, ops)
}

type Args = Punctuated<SynExpr, Token![,]>;

fn parse_args(mac: &syn::Macro) -> Option<Args> {
    mac.parse_body_with(Punctuated::<SynExpr, Token![,]>::parse_terminated)
        .ok()
}

impl Walker<'_, '_> {
    fn range(&mut self, span: Span) -> Option<(usize, usize)> {
        self.lines.range(span)
    }

    /// Absolute span of a token, `(shift, shift)` when unknown.
    fn site(&mut self, span: Span) -> (usize, usize) {
        self.range(span).map_or((self.shift, self.shift), |(s, e)| {
            (s + self.shift, e + self.shift)
        })
    }

    fn anchor(&mut self, span: Span) -> Option<usize> {
        self.range(span).map(|r| r.0)
    }

    fn emit(&mut self, expr: Expr, acc: Acc) {
        self.consumed.extend(acc.anchors);
        if !expr.segs.is_empty() && expr.segs.iter().any(|s| !s.text.is_empty()) {
            self.exprs.push(expr);
        }
    }

    // -- literals ----------------------------------------------------------

    fn lit_info(&mut self, lit: &Lit) -> Option<LitInfo> {
        // A plain `"…"` (no escape, no carriage return, no suffix) is its
        // own value: no need for syn's char-by-char decoding.
        let plain = match lit {
            Lit::Str(_) => self.range(lit.span()).and_then(|(s, e)| {
                let content = self.body.get(s..e)?.strip_prefix('"')?.strip_suffix('"')?;
                (!content.contains(['"', '\\', '\r'])).then(|| (s, e, content.to_string()))
            }),
            _ => None,
        };
        let (value, range) = match (lit, plain) {
            (_, Some((s, e, value))) => (value, Some((s, e))),
            (Lit::Str(s), None) => (s.value(), None),
            (Lit::ByteStr(b), None) => (String::from_utf8(b.value()).ok()?, None),
            (Lit::CStr(c), None) => (c.value().into_string().ok()?, None),
            _ => return None,
        };
        let (s, e) = match range {
            Some(r) => r,
            None => self.range(lit.span())?,
        };
        let tok = self.body.get(s..e)?;
        // A doc comment reaches syn as `#[doc = "..."]` with the comment's
        // span; comments are reported by the scanner.
        if tok.starts_with('/') {
            return None;
        }
        let q1 = tok.find('"')?;
        let q2 = tok.rfind('"')?;
        let content = tok.get(q1 + 1..q2.max(q1 + 1))?;
        let src = (content == value).then_some(self.shift + s + q1 + 1);
        Some(LitInfo {
            value,
            src,
            site: (s + self.shift, e + self.shift),
            anchor: s,
        })
    }

    fn lit_seg(info: &LitInfo) -> Seg {
        Seg::literal(info.value.clone(), info.src, info.site)
    }

    /// A literal on its own: emitted unless part of a bigger expression.
    fn root_lit(&mut self, lit: &Lit) {
        let Some(info) = self.lit_info(lit) else {
            return;
        };
        if self.consumed.contains(&info.anchor) {
            return;
        }
        let mut expr = Expr::new(FindingKind::Call);
        expr.push(Self::lit_seg(&info));
        self.emit(
            expr,
            Acc {
                anchors: vec![info.anchor],
                depth: 0,
            },
        );
    }

    /// Text of a non-string literal as `format!` / `concat!` render it.
    fn scalar_seg(&mut self, lit: &Lit, for_concat: bool) -> Option<Seg> {
        let text = match lit {
            Lit::Int(i) => i.base10_digits().to_string(),
            Lit::Float(f) if for_concat => f.base10_digits().to_string(),
            Lit::Float(f) => f.base10_parse::<f64>().ok()?.to_string(),
            Lit::Bool(b) => b.value.to_string(),
            Lit::Char(c) => c.value().to_string(),
            _ => return None,
        };
        let (s, e) = self.range(lit.span())?;
        let src = (self.body.get(s..e) == Some(text.as_str())).then_some(s + self.shift);
        Some(Seg::literal(text, src, (s + self.shift, e + self.shift)))
    }

    // -- symbols -------------------------------------------------------------

    /// The definition `name` refers to at absolute offset `at`.
    fn lookup(&self, name: &str, at: usize) -> Option<usize> {
        let ids = self.by_name.get(name)?;
        let mut best: Option<(usize, usize)> = None;
        for &i in ids {
            if let Some((s, e)) = self.defs[i].scope {
                if s <= at && at <= e && !matches!(best, Some((bs, _)) if bs > s) {
                    best = Some((s, i));
                }
            }
        }
        if let Some((_, i)) = best {
            return Some(i);
        }
        let items: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|&i| self.defs[i].scope.is_none())
            .collect();
        items
            .iter()
            .copied()
            .rfind(|&i| self.defs[i].offset < at)
            .or_else(|| items.first().copied())
    }

    fn def_value(&mut self, i: usize, depth: u32) -> Option<Expr> {
        if let Some(Some(done)) = self.memo.get(i) {
            return done.clone();
        }
        if self.in_progress.get(i).copied().unwrap_or(true) || depth > MAX_EVAL_DEPTH {
            return None;
        }
        self.in_progress[i] = true;
        let init = self.defs[i].init;
        let mut acc = Acc {
            anchors: Vec::new(),
            depth: depth + 1,
        };
        let value = self.eval(init, &mut acc);
        self.in_progress[i] = false;
        self.memo[i] = Some(value.clone());
        value
    }

    /// The value of `name` used at `site`, its segments marked as coming
    /// through the definition.
    fn resolve(&mut self, name: &str, site: (usize, usize), depth: u32) -> Option<Expr> {
        let i = self.lookup(name, site.0)?;
        let value = self.def_value(i, depth)?;
        let via = (self.defs[i].name.clone(), self.defs[i].offset);
        let mut out = Expr::new(FindingKind::Call);
        for seg in value.segs {
            out.push(Seg {
                site,
                via: Some(via.clone()),
                ..seg
            });
        }
        Some(out)
    }

    // -- evaluation ----------------------------------------------------------

    /// The string `e` builds, if it is string-ish: a literal, a known
    /// constant, a chain or macro containing one.
    fn eval(&mut self, e: &SynExpr, acc: &mut Acc) -> Option<Expr> {
        if acc.depth > MAX_EVAL_DEPTH {
            return None;
        }
        acc.depth += 1;
        let mark = acc.anchors.len();
        let out = self.eval_inner(e, acc);
        if out.is_none() {
            acc.anchors.truncate(mark);
        }
        acc.depth -= 1;
        out
    }

    fn eval_inner(&mut self, e: &SynExpr, acc: &mut Acc) -> Option<Expr> {
        match e {
            SynExpr::Lit(l) => {
                let info = self.lit_info(&l.lit)?;
                acc.anchors.push(info.anchor);
                let mut out = Expr::new(FindingKind::Call);
                out.push(Self::lit_seg(&info));
                Some(out)
            }
            SynExpr::Group(_) | SynExpr::Paren(_) | SynExpr::Reference(_) => {
                self.eval(strip_group(e), acc)
            }
            SynExpr::Binary(b) if matches!(b.op, BinOp::Add(_)) => self.eval_add(e, acc),
            SynExpr::MethodCall(m) => {
                let method = unraw(&m.method.to_string());
                if is_transparent(&method) {
                    self.eval(&m.receiver, acc)
                } else if method == "concat" || method == "join" {
                    self.eval_array_join(m, acc)
                } else {
                    None
                }
            }
            SynExpr::Call(c) => {
                let SynExpr::Path(p) = strip_group(&c.func) else {
                    return None;
                };
                let name = last_segment(&p.path)?;
                let arg = c.args.first().filter(|_| c.args.len() == 1)?;
                match (name.as_str(), strip_group(arg)) {
                    // `Lazy::new(|| format!(..))`, `LazyLock::new(..)`.
                    ("new", SynExpr::Closure(cl)) => self.eval(&cl.body, acc),
                    (n, _) if is_transparent(n) => self.eval(arg, acc),
                    _ => None,
                }
            }
            SynExpr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                Stmt::Expr(inner, None) => self.eval(inner, acc),
                _ => None,
            },
            SynExpr::Macro(m) => self.eval_macro(&m.mac, acc),
            SynExpr::Path(p) if p.qself.is_none() => {
                let seg = p.path.segments.last()?;
                let name = unraw(&seg.ident.to_string());
                let site = self.site(seg.ident.span());
                self.resolve(&name, site, acc.depth)
            }
            _ => None,
        }
    }

    /// An operand: its string when string-ish, else a hole (or the text of
    /// a number).
    fn operand(&mut self, e: &SynExpr, acc: &mut Acc, for_concat: bool) -> Vec<Seg> {
        if let Some(x) = self.eval(e, acc) {
            return x.segs;
        }
        if let SynExpr::Lit(l) = strip_group(e) {
            if let Some(seg) = self.scalar_seg(&l.lit, for_concat) {
                return vec![seg];
            }
        }
        let site = self.site(e.span());
        vec![Seg::hole(hole_name(e), site)]
    }

    fn eval_add(&mut self, e: &SynExpr, acc: &mut Acc) -> Option<Expr> {
        let (operands, ops) = add_operands(e);
        let mut parts = Vec::with_capacity(operands.len());
        let mut any = false;
        for op in &operands {
            let v = self.eval(op, acc);
            any |= v.is_some();
            parts.push(v);
        }
        if !any {
            return None;
        }
        for plus in ops {
            if let Some(a) = self.anchor(plus.span) {
                acc.anchors.push(a);
            }
        }
        let mut out = Building::default();
        for (op, part) in operands.iter().zip(parts) {
            match part {
                Some(x) => x.segs.into_iter().for_each(|s| out.push(s)),
                None => {
                    let site = self.site(op.span());
                    out.push(Seg::hole(hole_name(op), site));
                }
            }
        }
        Some(out.done())
    }

    /// `[a, b].concat()` and `[a, b].join("/")`.
    fn eval_array_join(&mut self, m: &syn::ExprMethodCall, acc: &mut Acc) -> Option<Expr> {
        let SynExpr::Array(arr) = strip_group(&m.receiver) else {
            return None;
        };
        let sep = match (m.method == "join", m.args.first()) {
            (false, None) => None,
            (true, Some(arg)) if m.args.len() == 1 => Some(self.eval(arg, acc)?),
            _ => return None,
        };
        let mut parts = Vec::new();
        let mut any = false;
        for el in &arr.elems {
            let v = self.eval(el, acc);
            any |= v.is_some();
            parts.push((el, v));
        }
        if !any {
            return None;
        }
        if let Some(a) = self.anchor(m.method.span()) {
            acc.anchors.push(a);
        }
        let mut out = Building::default();
        for (k, (el, v)) in parts.into_iter().enumerate() {
            if k > 0 {
                if let Some(sep) = &sep {
                    sep.segs.iter().cloned().for_each(|s| out.push(s));
                }
            }
            match v {
                Some(x) => x.segs.into_iter().for_each(|s| out.push(s)),
                None => {
                    let site = self.site(el.span());
                    out.push(Seg::hole(hole_name(el), site));
                }
            }
        }
        Some(out.done())
    }

    fn eval_macro(&mut self, mac: &syn::Macro, acc: &mut Acc) -> Option<Expr> {
        let name = last_segment(&mac.path)?;
        let kind = macro_kind(&name);
        if matches!(kind, MacroKind::Other) {
            return None;
        }
        let args = parse_args(mac)?;
        self.eval_macro_args(mac, kind, &args, acc)
    }

    fn eval_macro_args(
        &mut self,
        mac: &syn::Macro,
        kind: MacroKind,
        args: &Args,
        acc: &mut Acc,
    ) -> Option<Expr> {
        let out = match kind {
            MacroKind::Other => return None,
            MacroKind::Concat => {
                let mut out = Building::default();
                for arg in args {
                    self.operand(arg, acc, true)
                        .into_iter()
                        .for_each(|s| out.push(s));
                }
                out.done()
            }
            MacroKind::Format(at) => {
                let list: Vec<&SynExpr> = args.iter().collect();
                let is_fmt = |e: &SynExpr| matches!(strip_group(e), SynExpr::Lit(l) if matches!(l.lit, Lit::Str(_)));
                let k = match at {
                    Some(k) => k,
                    None => list.iter().position(|e| is_fmt(e))?,
                };
                let fmt = list.get(k).copied().filter(|e| is_fmt(e))?;
                let SynExpr::Lit(l) = strip_group(fmt) else {
                    return None;
                };
                let info = self.lit_info(&l.lit)?;
                acc.anchors.push(info.anchor);
                self.expand_format(&info, &list[k + 1..], acc)
            }
        };
        if let Some(a) = self.anchor(mac.bang_token.span) {
            acc.anchors.push(a);
        }
        Some(out)
    }

    /// Substitutes the placeholders of a format string.
    fn expand_format(&mut self, fmt: &LitInfo, rest: &[&SynExpr], acc: &mut Acc) -> Expr {
        let mut positional: Vec<&SynExpr> = Vec::new();
        let mut named: HashMap<String, &SynExpr> = HashMap::new();
        for &arg in rest {
            positional.push(arg);
            if let SynExpr::Assign(a) = arg {
                if let SynExpr::Path(p) = &*a.left {
                    if let Some(id) = p.path.get_ident() {
                        named.insert(unraw(&id.to_string()), &a.right);
                    }
                }
            }
        }
        let value = fmt.value.as_str();
        let v = value.as_bytes();
        let mut out = Building::default();
        let piece = |out: &mut Building, from: usize, to: usize| {
            if let Some(text) = value.get(from..to).filter(|t| !t.is_empty()) {
                out.push(Seg::literal(text, fmt.src.map(|s| s + from), fmt.site));
            }
        };
        let (mut i, mut from, mut next) = (0, 0, 0);
        while i < v.len() {
            match (v[i], v.get(i + 1)) {
                (b'{', Some(b'{')) | (b'}', Some(b'}')) => {
                    piece(&mut out, from, i + 1);
                    i += 2;
                    from = i;
                }
                (b'{', _) => {
                    let Some(k) = v[i + 1..].iter().position(|&c| c == b'}') else {
                        break;
                    };
                    piece(&mut out, from, i);
                    let inner = value.get(i + 1..i + 1 + k).unwrap_or("");
                    let (arg, spec) = inner.split_once(':').unwrap_or((inner, ""));
                    let name = arg.trim();
                    let arg_at = i + 1 + arg.find(name).unwrap_or(0);
                    if spec.contains(".*") {
                        next += 1;
                    }
                    let segs = if name.is_empty() || name.bytes().all(|b| b.is_ascii_digit()) {
                        let idx = if name.is_empty() {
                            next += 1;
                            next - 1
                        } else {
                            name.parse().unwrap_or(usize::MAX)
                        };
                        match positional.get(idx) {
                            Some(&arg) => {
                                let arg = match arg {
                                    SynExpr::Assign(a) => &*a.right,
                                    other => other,
                                };
                                self.operand(arg, acc, false)
                            }
                            None => vec![Seg::hole(None, fmt.site)],
                        }
                    } else {
                        let name = unraw(name);
                        match named.get(&name) {
                            Some(&arg) => self.operand(arg, acc, false),
                            None => self.capture(&name, fmt, arg_at, acc),
                        }
                    };
                    segs.into_iter().for_each(|s| out.push(s));
                    i += k + 2;
                    from = i;
                }
                _ => i += 1,
            }
        }
        piece(&mut out, from, v.len());
        out.done()
    }

    /// An inline `{name}` capture at byte `at` of the format string.
    fn capture(&mut self, name: &str, fmt: &LitInfo, at: usize, acc: &mut Acc) -> Vec<Seg> {
        let site = match fmt.src {
            Some(s) => (s + at, s + at + name.len()),
            None => fmt.site,
        };
        match self.resolve(name, site, acc.depth) {
            Some(x) => x.segs,
            None => vec![Seg::hole(Some(name.to_string()), site)],
        }
    }

    // -- macros ----------------------------------------------------------------

    fn handle_macro(&mut self, mac: &syn::Macro) {
        if self.macro_depth >= MAX_MACRO_DEPTH {
            self.scan_tokens(mac.tokens.clone());
            return;
        }
        self.macro_depth += 1;
        self.handle_macro_body(mac);
        self.macro_depth -= 1;
    }

    fn handle_macro_body(&mut self, mac: &syn::Macro) {
        let kind = last_segment(&mac.path).map_or(MacroKind::Other, |n| macro_kind(&n));
        if let Some(args) = parse_args(mac) {
            if !matches!(kind, MacroKind::Other) {
                let fresh = self
                    .anchor(mac.bang_token.span)
                    .is_some_and(|a| !self.consumed.contains(&a));
                if fresh {
                    let mut acc = Acc::default();
                    if let Some(x) = self.eval_macro_args(mac, kind, &args, &mut acc) {
                        self.emit(x, acc);
                    }
                }
            }
            for arg in &args {
                self.visit_expr(arg);
            }
        } else if let Ok(stmts) = mac.parse_body_with(syn::Block::parse_within) {
            for stmt in &stmts {
                self.visit_stmt(stmt);
            }
        } else {
            self.scan_tokens(mac.tokens.clone());
        }
    }

    /// String literals anywhere in a token stream that is not Rust syntax.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let mut stack = vec![tokens.into_iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                None => {
                    stack.pop();
                }
                Some(TokenTree::Group(g)) => stack.push(g.stream().into_iter()),
                Some(TokenTree::Literal(l)) => self.root_lit(&Lit::new(l)),
                Some(_) => {}
            }
        }
    }

    fn root_expr(&mut self, e: &SynExpr, anchor: Span) {
        let Some(a) = self.anchor(anchor) else { return };
        if self.consumed.contains(&a) {
            return;
        }
        let mut acc = Acc::default();
        if let Some(x) = self.eval(e, &mut acc) {
            self.emit(x, acc);
        }
    }
}

/// The identifier an unresolved expression is known by: `base` for
/// `base`, `self.base`, `cfg.base()`, `&base.to_string()`; the variable name
/// for `env!("X")` and `std::env::var("X")`.
fn hole_name(e: &SynExpr) -> Option<String> {
    let mut cur = e;
    for _ in 0..64 {
        cur = match cur {
            SynExpr::Path(p) => return last_segment(&p.path),
            SynExpr::Field(f) => match &f.member {
                Member::Named(id) => return Some(unraw(&id.to_string())),
                Member::Unnamed(_) => &f.base,
            },
            SynExpr::MethodCall(m) => {
                let method = unraw(&m.method.to_string());
                if is_transparent(&method) || method.starts_with("unwrap_or") {
                    &m.receiver
                } else {
                    return Some(method);
                }
            }
            SynExpr::Call(c) => {
                let name = match strip_group(&c.func) {
                    SynExpr::Path(p) => last_segment(&p.path),
                    _ => None,
                };
                match (name.as_deref(), c.args.first()) {
                    (Some("var" | "var_os"), Some(SynExpr::Lit(l))) => match &l.lit {
                        Lit::Str(s) => return Some(s.value()),
                        _ => return name,
                    },
                    (Some(n), Some(arg)) if is_transparent(n) && c.args.len() == 1 => arg,
                    (Some(_), _) => return name,
                    (None, _) => &c.func,
                }
            }
            SynExpr::Macro(m) => {
                let name = last_segment(&m.mac.path);
                if matches!(name.as_deref(), Some("env" | "option_env")) {
                    if let Ok(s) = m.mac.parse_body_with(|input: syn::parse::ParseStream| {
                        let s: syn::LitStr = input.parse()?;
                        let _rest: TokenStream = input.parse()?;
                        Ok(s)
                    }) {
                        return Some(s.value());
                    }
                }
                return name;
            }
            SynExpr::Reference(r) => &r.expr,
            SynExpr::Paren(p) => &p.expr,
            SynExpr::Group(g) => &g.expr,
            SynExpr::Unary(u) => &u.expr,
            SynExpr::Try(t) => &t.expr,
            SynExpr::Await(a) => &a.base,
            SynExpr::Cast(c) => &c.expr,
            SynExpr::Index(i) => &i.expr,
            _ => return None,
        };
    }
    None
}

impl<'a> Visit<'a> for Walker<'_, '_> {
    fn visit_attribute(&mut self, a: &'a syn::Attribute) {
        if a.path().is_ident("doc") {
            // `/// text` reaches syn as `#[doc = "text"]` (reported by the
            // comment scanner); a literal `#[doc = "..."]` is prose too.
            if let syn::Meta::NameValue(nv) = &a.meta {
                if let SynExpr::Lit(l) = &nv.value {
                    if let Some(info) = self.lit_info(&l.lit) {
                        let mut expr = Expr::new(FindingKind::Mention);
                        expr.push(Self::lit_seg(&info));
                        self.emit(
                            expr,
                            Acc {
                                anchors: vec![info.anchor],
                                depth: 0,
                            },
                        );
                    }
                }
            }
            return;
        }
        match &a.meta {
            syn::Meta::List(l) => self.scan_tokens(l.tokens.clone()),
            syn::Meta::NameValue(nv) => self.visit_expr(&nv.value),
            syn::Meta::Path(_) => {}
        }
    }

    fn visit_lit(&mut self, lit: &'a Lit) {
        self.root_lit(lit);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        self.handle_macro(mac);
    }

    fn visit_expr(&mut self, e: &'a SynExpr) {
        match e {
            SynExpr::Binary(b) if matches!(b.op, BinOp::Add(_)) => {
                if let BinOp::Add(plus) = &b.op {
                    self.root_expr(e, plus.span);
                }
                // Long chains are visited without recursing on the spine.
                let (operands, _) = add_operands(e);
                for op in operands {
                    self.visit_expr(op);
                }
                return;
            }
            SynExpr::MethodCall(m) if m.method == "concat" || m.method == "join" => {
                self.root_expr(e, m.method.span());
            }
            _ => {}
        }
        visit::visit_expr(self, e);
    }
}

// ---------------------------------------------------------------------------
// Comments

/// A comment: its whole span and the start of its text (after the opener).
struct Comment {
    start: usize,
    end: usize,
    text_start: usize,
    text_end: usize,
}

struct Scan {
    comments: Vec<Comment>,
    /// A bound on how deeply the parser would recurse: bracket depth plus
    /// runs of prefix operators.
    max_nesting: usize,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// End (exclusive) of a quoted literal whose opening `"` is at `open`.
fn skip_quoted(b: &[u8], open: usize) -> usize {
    let mut j = open + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

/// Keywords that nest an expression or a type without brackets: `return
/// return x`, `x as u8 as u16`, `} else if`, `let` chains, `&mut dyn`.
const NESTING_KEYWORDS: &[&[u8]] = &[
    b"return", b"break", b"yield", b"become", b"box", b"as", b"else", b"let", b"in", b"move",
    b"async", b"unsafe", b"const", b"static", b"dyn", b"impl", b"mut", b"ref", b"raw", b"do",
];

/// Finds comments, skipping string, char, byte and raw string literals and
/// lifetimes, and estimates the nesting depth.
///
/// The estimate bounds how deeply `syn` would recurse (and `syn::visit`, and
/// the tree's drop): every open bracket is a level, and operators and
/// some keywords nest without brackets (`|| || x`, `*const *const T`, `a +
/// b + c`, `return return x`), so each level also counts the operator
/// characters and such keywords of its current statement or list item.
fn scan_comments(text: &str) -> Scan {
    let b = text.as_bytes();
    let n = b.len();
    let mut comments = Vec::new();
    // Operator count of each open bracket level; `sum` is the estimate.
    let mut levels: Vec<usize> = vec![0];
    let (mut sum, mut max_nesting) = (0usize, 0usize);
    let mut i = 0;
    while i < n {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &b[i..]).map_or(n, |k| i + k);
                let opener = if matches!(b.get(i + 2), Some(b'/' | b'!')) {
                    3
                } else {
                    2
                };
                let text_start = (i + opener).min(end);
                let text_end = if end > text_start && b[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                comments.push(Comment {
                    start: i,
                    end: text_end,
                    text_start,
                    text_end,
                });
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut level = 1;
                let mut j = i + 2;
                let mut text_end = n;
                while j < n {
                    if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                        level += 1;
                        j += 2;
                    } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                        level -= 1;
                        j += 2;
                        if level == 0 {
                            text_end = j - 2;
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                let end = j.min(n);
                let opener = if matches!(b.get(i + 2), Some(b'*' | b'!')) && i + 3 <= text_end {
                    3
                } else {
                    2
                };
                comments.push(Comment {
                    start: i,
                    end,
                    text_start: i + opener,
                    text_end,
                });
                i = end;
            }
            b'"' => i = skip_quoted(b, i),
            b'\'' => i = skip_char_or_lifetime(text, i),
            b'(' | b'[' | b'{' => {
                levels.push(0);
                sum += 1;
                max_nesting = max_nesting.max(sum);
                i += 1;
            }
            b')' | b']' | b'}' => {
                if levels.len() > 1 {
                    let ops = levels.pop().unwrap_or(0);
                    sum = sum.saturating_sub(ops + 1);
                }
                i += 1;
                // A block followed by a name or an attribute ends a statement
                // or a match arm (`A => { .. } B => ..`), but not before
                // `else`: an `else if` chain is one nested expression.
                let ends_statement = c == b'}'
                    && match b[i..].iter().position(|c| !c.is_ascii_whitespace()) {
                        None => true,
                        Some(k) => {
                            let rest = &b[i + k..];
                            let is_else = rest.starts_with(b"else")
                                && !rest.get(4).copied().is_some_and(is_ident_byte);
                            (is_ident_byte(rest[0]) || rest[0] == b'#') && !is_else
                        }
                    };
                if ends_statement {
                    if let Some(top) = levels.last_mut() {
                        sum = sum.saturating_sub(*top);
                        *top = 0;
                    }
                }
            }
            b';' | b',' => {
                if let Some(top) = levels.last_mut() {
                    sum = sum.saturating_sub(*top);
                    *top = 0;
                }
                i += 1;
            }
            _ if is_ident_byte(c) && (i == 0 || !is_ident_byte(b[i - 1])) => {
                let mut j = i;
                while j < n && is_ident_byte(b[j]) {
                    j += 1;
                }
                i = match (&b[i..j], b.get(j)) {
                    (b"r" | b"br" | b"cr", Some(b'#' | b'"')) => skip_raw(b, j).unwrap_or(j),
                    (b"b" | b"c", Some(b'"')) => skip_quoted(b, j),
                    (b"b", Some(b'\'')) => skip_char_or_lifetime(text, j),
                    (word, _) => {
                        if NESTING_KEYWORDS.contains(&word) {
                            if let Some(top) = levels.last_mut() {
                                *top += 1;
                                sum += 1;
                                max_nesting = max_nesting.max(sum);
                            }
                        }
                        j
                    }
                };
            }
            _ => {
                if c.is_ascii_punctuation() {
                    if let Some(top) = levels.last_mut() {
                        *top += 1;
                        sum += 1;
                        max_nesting = max_nesting.max(sum);
                    }
                }
                i += 1;
            }
        }
    }
    Scan {
        comments,
        max_nesting,
    }
}

/// End of a raw string whose `#`s or `"` start at `j`; `None` for a raw
/// identifier (`r#ident`).
fn skip_raw(b: &[u8], j: usize) -> Option<usize> {
    let mut k = j;
    while k < b.len() && b[k] == b'#' {
        k += 1;
    }
    if b.get(k) != Some(&b'"') {
        return None;
    }
    let hashes = k - j;
    let mut m = k + 1;
    while m < b.len() {
        if b[m] == b'"'
            && b.len() - m > hashes
            && b[m + 1..m + 1 + hashes].iter().all(|&h| h == b'#')
        {
            return Some(m + 1 + hashes);
        }
        m += 1;
    }
    Some(b.len())
}

/// After a `'` at `i`: the end of a char literal, or `i + 1` for a lifetime.
fn skip_char_or_lifetime(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    if b.get(i + 1) == Some(&b'\\') {
        // Escaped char: up to the closing quote, on the same line.
        let mut j = i + 3;
        while j < b.len() && j < i + 14 {
            match b[j] {
                b'\'' => return j + 1,
                b'\n' => break,
                _ => j += 1,
            }
        }
        return i + 1;
    }
    let Some(ch) = text.get(i + 1..).and_then(|rest| rest.chars().next()) else {
        return i + 1;
    };
    let after = i + 1 + ch.len_utf8();
    if b.get(after) == Some(&b'\'') {
        after + 1
    } else {
        i + 1
    }
}

fn comment_exprs(body: &str, shift: usize, comments: &[Comment]) -> Vec<Expr> {
    let mut out = Vec::new();
    for c in comments {
        let Some(text) = body.get(c.text_start..c.text_end) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let mut expr = Expr::new(FindingKind::Mention);
        expr.push(Seg::literal(
            text,
            Some(shift + c.text_start),
            (shift + c.start, shift + c.end),
        ));
        out.push(expr);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::HOLE;

    fn calls(x: &Extracted) -> Vec<&Expr> {
        x.exprs
            .iter()
            .filter(|e| e.kind() == FindingKind::Call)
            .collect()
    }

    fn texts(x: &Extracted) -> Vec<String> {
        calls(x).iter().map(|e| e.text()).collect()
    }

    fn find<'x>(x: &'x Extracted, needle: &str) -> &'x Expr {
        match calls(x).into_iter().find(|e| e.text().contains(needle)) {
            Some(e) => e,
            None => panic!("no expression contains {needle:?}: {:?}", texts(x)),
        }
    }

    /// Every `src` is a verbatim copy of the file and every site is in
    /// bounds and on char boundaries.
    fn check_offsets(text: &str, base: usize, x: &Extracted) {
        for e in &x.exprs {
            for s in &e.segs {
                let (a, b) = s.site;
                assert!(
                    base <= a && a <= b && b <= base + text.len(),
                    "site {:?} out of bounds",
                    s.site
                );
                assert!(text.is_char_boundary(a - base) && text.is_char_boundary(b - base));
                if let Some(src) = s.src {
                    assert!(src >= base, "src {src} before base");
                    let at = src - base;
                    assert!(
                        at + s.text.len() <= text.len(),
                        "src {src} + {} out of bounds",
                        s.text.len()
                    );
                    assert_eq!(
                        text.get(at..at + s.text.len()),
                        Some(s.text.as_str()),
                        "src mismatch"
                    );
                }
                if let Some((_, off)) = &s.via {
                    assert!(*off >= base && *off <= base + text.len());
                }
            }
        }
        for bnd in &x.bindings {
            assert!(bnd.offset >= base && bnd.offset <= base + text.len());
        }
    }

    fn run(text: &str) -> Extracted {
        let x = extract(text, 0);
        check_offsets(text, 0, &x);
        x
    }

    #[test]
    fn literal_url() {
        let text = "fn main() {\n    let r = client.get(\"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\").send();\n}\n";
        let x = run(text);
        let e = find(&x, "/api/2.0/fo/scan/");
        assert_eq!(e.kind, Some(FindingKind::Call));
        assert_eq!(e.segs.len(), 1);
        let seg = &e.segs[0];
        assert_eq!(
            seg.text,
            "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list"
        );
        assert_eq!(seg.src, text.find("https://"));
        assert_eq!(seg.site.0 + 1, text.find("https://").unwrap_or(0));
        assert_eq!(
            &text[seg.site.0..seg.site.1],
            "\"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\""
        );
        // `let r` binds a non-string: no binding.
        assert!(x.bindings.is_empty());
    }

    #[test]
    fn const_path() {
        let text =
            "const SCAN_PATH: &str = \"/api/2.0/fo/scan/\";\n\nfn list(c: &Client) {\n    c.post(SCAN_PATH);\n}\n";
        let x = run(text);
        // The definition's literal is reported once; the bare use is not.
        assert_eq!(texts(&x), vec!["/api/2.0/fo/scan/"]);
        assert_eq!(x.bindings.len(), 1);
        let b = &x.bindings[0];
        assert_eq!(b.name, "SCAN_PATH");
        assert_eq!(b.offset, text.find("SCAN_PATH").unwrap_or(0));
        assert_eq!(b.value.text(), "/api/2.0/fo/scan/");
    }

    #[test]
    fn format_positional_hole() {
        let text =
            "fn scans(base: &str) -> String {\n    format!(\"{}/api/2.0/fo/scan/\", base)\n}\n";
        let x = run(text);
        assert_eq!(texts(&x), vec![format!("{HOLE}/api/2.0/fo/scan/")]);
        let e = find(&x, "/fo/scan/");
        assert_eq!(e.segs[0].hole.as_deref(), Some("base"));
        assert!(e.segs[0].is_hole());
        assert_eq!(&text[e.segs[0].site.0..e.segs[0].site.1], "base");
        assert_eq!(e.segs[1].text, "/api/2.0/fo/scan/");
        assert_eq!(e.segs[1].src, text.find("/api/"));
    }

    #[test]
    fn concat_macro() {
        let text = "static SCAN: &str = concat!(\"/api/\", \"2.0\", \"/fo/scan/\");\nfn f() { get(SCAN); }\n";
        let x = run(text);
        assert_eq!(texts(&x), vec!["/api/2.0/fo/scan/"]);
        let e = find(&x, "/api/2.0/fo/scan/");
        assert_eq!(e.segs.len(), 3);
        assert_eq!(e.segs[1].text, "2.0");
        assert_eq!(e.segs[1].src, text.find("2.0"));
        assert_eq!(x.bindings.len(), 1);
        assert_eq!(x.bindings[0].value.text(), "/api/2.0/fo/scan/");
    }

    #[test]
    fn const_version_inline_capture() {
        let text = "const API_VERSION: &str = \"2.0\";\n\nfn url(base: &str) -> String {\n    format!(\"{base}/api/{API_VERSION}/fo/scan/\")\n}\n";
        let x = run(text);
        let e = find(&x, "/fo/scan/");
        assert_eq!(e.text(), format!("{HOLE}/api/2.0/fo/scan/"));
        let def = text.find("API_VERSION").unwrap_or(0);
        let ver = e.segs.iter().find(|s| s.text == "2.0").cloned();
        let Some(ver) = ver else {
            panic!("no 2.0 seg: {e:?}")
        };
        assert_eq!(ver.via, Some(("API_VERSION".to_string(), def)));
        assert_eq!(ver.src, text.find("2.0"));
        let use_at = text.rfind("API_VERSION").unwrap_or(0);
        assert_eq!(ver.site, (use_at, use_at + "API_VERSION".len()));
        let hole = &e.segs[0];
        assert_eq!(hole.hole.as_deref(), Some("base"));
        assert_eq!(&text[hole.site.0..hole.site.1], "base");
        // The constant's own literal is an expression too.
        assert!(texts(&x).contains(&"2.0".to_string()));
    }

    #[test]
    fn named_and_indexed_args() {
        let text = "const V: &str = \"2.0\";\nfn f(h: &str) -> String {\n    format!(\"{host}/api/{0}/fo/{{x}}/{v:>4}\", V, host = h, v = \"scan\")\n}\n";
        let x = run(text);
        let e = find(&x, "/fo/");
        assert_eq!(e.text(), format!("{HOLE}/api/2.0/fo/{{x}}/scan"));
        assert_eq!(e.segs[0].hole.as_deref(), Some("h"));
        // "scan" came from a literal argument: not reported on its own.
        assert!(!texts(&x).contains(&"scan".to_string()));
    }

    #[test]
    fn plus_chain_and_wrappers() {
        let text = "const BASE: &str = \"https://qualysapi.qualys.com\";\nfn f(id: u32) {\n    let u = BASE.to_string() + \"/api/2.0/\" + &String::from(\"fo/scan/\") + &id.to_string();\n    get(&u);\n}\n";
        let x = run(text);
        let e = find(&x, "/api/2.0/");
        assert_eq!(
            e.text(),
            format!("https://qualysapi.qualys.com/api/2.0/fo/scan/{HOLE}")
        );
        assert_eq!(e.segs[0].via.as_ref().map(|v| v.0.as_str()), Some("BASE"));
        assert_eq!(e.segs[3].hole.as_deref(), Some("id"));
        // No duplicate for the literals inside the chain.
        assert_eq!(
            texts(&x).iter().filter(|t| t.contains("fo/scan/")).count(),
            1
        );
        let names: Vec<&str> = x.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, vec!["BASE", "u"]);
    }

    #[test]
    fn let_bindings_and_scopes() {
        let text = "fn a() {\n    let ver = \"2.0\";\n    let url = format!(\"/api/{}/fo/scan/\", ver);\n    get(&url);\n}\nfn b(ver: &str) {\n    get(&format!(\"/api/{ver}/fo/asset/\"));\n}\n";
        let x = run(text);
        let e = find(&x, "/fo/scan/");
        assert_eq!(e.text(), "/api/2.0/fo/scan/");
        let def = text.find("ver =").unwrap_or(0);
        assert_eq!(e.segs[1].via, Some(("ver".to_string(), def)));
        // `ver` in `b` is a parameter, out of the `let`'s block.
        let e = find(&x, "/fo/asset/");
        assert_eq!(e.text(), format!("/api/{HOLE}/fo/asset/"));
        assert_eq!(
            x.bindings
                .iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>(),
            vec!["ver", "url"]
        );
    }

    #[test]
    fn string_with_escapes_has_no_src() {
        let text = "fn f() { get(\"/api/2.0/fo/scan/\\t?action=list\"); }";
        let x = run(text);
        let e = find(&x, "/api/2.0/fo/scan/");
        assert_eq!(e.segs[0].text, "/api/2.0/fo/scan/\t?action=list");
        assert_eq!(e.segs[0].src, None);
        let lit = text.find('"').unwrap_or(0);
        assert_eq!(e.segs[0].site.0, lit);
        // Escaped format strings keep their pieces, without src.
        let text = "fn f(b: &str) { get(format!(\"{}/api/2.0/fo/scan/\\n\", b)); }";
        let x = run(text);
        let e = find(&x, "/api/2.0/fo/scan/");
        assert_eq!(e.text(), format!("{HOLE}/api/2.0/fo/scan/\n"));
        assert_eq!(e.segs[1].src, None);
    }

    #[test]
    fn raw_and_byte_strings() {
        let text = "fn f() { a(r#\"/api/2.0/fo/scan/\"quoted\"\"#); b(b\"/pcrs/1.0/posture/hostids\"); c(br\"/api/2.0/fo/asset/\"); }";
        let x = run(text);
        let e = find(&x, "/api/2.0/fo/scan/");
        assert_eq!(e.segs[0].text, "/api/2.0/fo/scan/\"quoted\"");
        assert_eq!(e.segs[0].src, text.find("/api/2.0/fo/scan/"));
        let e = find(&x, "/pcrs/1.0/");
        assert_eq!(e.segs[0].src, text.find("/pcrs/"));
        let e = find(&x, "/fo/asset/");
        assert_eq!(e.segs[0].src, text.find("/api/2.0/fo/asset/"));
    }

    #[test]
    fn comments_are_mentions() {
        let text = "//! Crate using /api/2.0/fo/report/\n/// Calls /api/2.0/fo/scan/\nfn f<'a>(x: &'a str) -> char {\n    let s = \"// not a comment /api/2.0/fo/x/\"; // migrate /api/2.0/fo/asset/\n    /* block /api/2.0/fo/knowledge_base/ /* nested */ still */\n    let q = '\"'; // after char /pcrs/1.0/posture/hostids\n    let r = r#\"/* raw */\"#;\n    '/'\n}\n";
        let x = run(text);
        let mentions: Vec<String> = x
            .exprs
            .iter()
            .filter(|e| e.kind() == FindingKind::Mention)
            .map(|e| e.text())
            .collect();
        assert_eq!(
            mentions,
            vec![
                " Crate using /api/2.0/fo/report/",
                " Calls /api/2.0/fo/scan/",
                " migrate /api/2.0/fo/asset/",
                " block /api/2.0/fo/knowledge_base/ /* nested */ still ",
                " after char /pcrs/1.0/posture/hostids",
            ]
        );
        for e in x.exprs.iter().filter(|e| e.kind() == FindingKind::Mention) {
            assert!(e.segs[0].src.is_some());
            let (a, b) = e.segs[0].site;
            assert!(text[a..b].starts_with("//") || text[a..b].starts_with("/*"));
        }
        // Doc comments are not also reported as string literals.
        assert!(!texts(&x)
            .iter()
            .any(|t| t.contains("fo/scan/") || t.contains("fo/report/")));
        assert!(texts(&x).iter().any(|t| t.contains("// not a comment")));
    }

    #[test]
    fn multibyte_chars_before_literals() {
        let text = "// héllo wörld — ünïcode 🦀\nconst NAME: &str = \"żółć 🦀\"; const P: &str = \"/api/2.0/fo/scan/\";\nfn f() { let s = format!(\"ü{}🦀/api/{}/fo/asset/\", NAME, \"2.0\"); }\n";
        let x = run(text);
        let e = find(&x, "/fo/scan/");
        assert_eq!(e.segs[0].src, text.find("/api/2.0/fo/scan/"));
        let e = find(&x, "/fo/asset/");
        assert_eq!(e.text(), "üżółć 🦀🦀/api/2.0/fo/asset/");
        for seg in &e.segs {
            let src = seg.src.unwrap_or(usize::MAX);
            assert_eq!(&text[src..][..seg.text.len()], seg.text);
        }
        let m = x.exprs.iter().find(|e| e.kind() == FindingKind::Mention);
        assert_eq!(
            m.map(|m| m.text()),
            Some(" héllo wörld — ünïcode 🦀".to_string())
        );
    }

    #[test]
    fn crlf_line_endings() {
        let text = "// é\r\nconst V: &str = \"2.0\";\r\nfn f(b: &str) {\r\n    get(format!(\"{b}/api/{V}/fo/scan/\"));\r\n}\r\n";
        let x = run(text);
        assert_eq!(
            find(&x, "/fo/scan/").text(),
            format!("{HOLE}/api/2.0/fo/scan/")
        );
        let m = x
            .exprs
            .iter()
            .find(|e| e.kind() == FindingKind::Mention)
            .map(|e| e.text());
        assert_eq!(m.as_deref(), Some(" é"));
    }

    #[test]
    fn explicit_doc_attribute_is_a_mention() {
        let text = "#[doc = \"Wraps /api/2.0/fo/scan/\"]\nfn f() {}\n";
        let x = run(text);
        assert!(calls(&x).is_empty());
        let m: Vec<String> = x
            .exprs
            .iter()
            .filter(|e| e.kind() == FindingKind::Mention)
            .map(|e| e.text())
            .collect();
        assert_eq!(m, vec!["Wraps /api/2.0/fo/scan/"]);
    }

    #[test]
    fn big_generated_code_still_parses() {
        // Long matches with block arms and long `&&` chains are normal code,
        // not deep nesting.
        let mut text = String::from("fn f(x: u32) -> &'static str {\n    match x {\n");
        for i in 0..3000 {
            text.push_str(&format!("        {i} => {{ g({i}) }}\n"));
        }
        text.push_str(
            "        _ => \"/api/2.0/fo/scan/\",\n    }\n}\nfn eq(a: &S, b: &S) -> bool {\n    ",
        );
        let terms: Vec<String> = (0..300).map(|i| format!("a.f{i} == b.f{i}")).collect();
        text.push_str(&terms.join(" && "));
        text.push_str("\n}\n");
        let x = run(&text);
        assert_eq!(texts(&x), vec!["/api/2.0/fo/scan/"]);
        // Deeply nested macros are fine and quick.
        let text = format!(
            "fn f() {{ {}\"/api/2.0/fo/scan/\"{} }}",
            "format!(\"{}\", ".repeat(1000),
            ")".repeat(1000)
        );
        let x = run(&text);
        assert!(texts(&x).iter().any(|t| t.contains("/api/2.0/fo/scan/")));
    }

    #[test]
    fn base_offset_bom_and_shebang() {
        let text = "\u{feff}#!/usr/bin/env run-cargo-script\nfn main() { get(\"/api/2.0/fo/scan/\"); } // ünï /api/2.0/fo/x/\n";
        let x = extract(text, 100);
        check_offsets(text, 100, &x);
        let e = find(&x, "/api/2.0/fo/scan/");
        assert_eq!(
            e.segs[0].src,
            text.find("/api/2.0/fo/scan/").map(|o| o + 100)
        );
        assert_eq!(
            x.exprs
                .iter()
                .filter(|e| e.kind() == FindingKind::Mention)
                .count(),
            1
        );
    }

    #[test]
    fn no_duplicates_but_literals_in_holes_are_kept() {
        let text = "fn f() { let u = format!(\"{}/api/2.0/fo/scan/\", lookup(\"/api/2.0/fo/asset/\")); println!(\"{}\", format!(\"/pcrs/1.0/{}\", \"posture/hostids\")); }";
        let x = run(text);
        let t = texts(&x);
        assert!(t.contains(&format!("{HOLE}/api/2.0/fo/scan/")), "{t:?}");
        assert!(t.contains(&"/api/2.0/fo/asset/".to_string()), "{t:?}");
        assert!(
            t.contains(&"/pcrs/1.0/posture/hostids".to_string()),
            "{t:?}"
        );
        assert_eq!(
            t.iter().filter(|s| s.contains("posture")).count(),
            1,
            "{t:?}"
        );
        let e = find(&x, "/fo/scan/");
        assert_eq!(e.segs[0].hole.as_deref(), Some("lookup"));
    }

    #[test]
    fn write_assert_and_other_macros() {
        let text = "fn f(w: &mut String, b: &str) {\n    write!(w, \"{}/api/2.0/fo/scan/\", b).ok();\n    assert_eq!(x, \"/api/2.0/fo/asset/\", \"bad {}\", 1);\n    let v = vec![\"/pcrs/1.0/posture/hostids\"];\n    json!({\"url\": \"/api/2.0/fo/report/\"});\n}\n";
        let x = run(text);
        let t = texts(&x);
        assert!(t.contains(&format!("{HOLE}/api/2.0/fo/scan/")), "{t:?}");
        assert!(t.contains(&"/api/2.0/fo/asset/".to_string()), "{t:?}");
        assert!(t.contains(&"bad 1".to_string()), "{t:?}");
        assert!(
            t.contains(&"/pcrs/1.0/posture/hostids".to_string()),
            "{t:?}"
        );
        assert!(t.contains(&"/api/2.0/fo/report/".to_string()), "{t:?}");
    }

    #[test]
    fn env_and_lazy_values() {
        let text = "static SCAN: Lazy<String> = Lazy::new(|| format!(\"{}/api/2.0/fo/scan/\", env!(\"QUALYS_URL\")));\nfn f() { let base = client.base(); get(std::env::var(\"QUALYS_BASE\").unwrap() + \"/api/2.0/fo/asset/\"); get(base + \"/api/2.0/fo/report/\"); }\n";
        let x = run(text);
        let e = find(&x, "/fo/scan/");
        assert_eq!(e.segs[0].hole.as_deref(), Some("QUALYS_URL"));
        let e = find(&x, "/fo/asset/");
        assert_eq!(e.segs[0].hole.as_deref(), Some("QUALYS_BASE"));
        // A `let` with a non-string value stays a hole by its own name.
        let e = find(&x, "/fo/report/");
        assert_eq!(e.segs[0].hole.as_deref(), Some("base"));
        assert_eq!(x.bindings.first().map(|b| b.name.as_str()), Some("SCAN"));
    }

    #[test]
    fn array_concat() {
        let text = "const V: &str = \"2.0\"; fn f() { let u = [\"/api/\", V, \"/fo/scan/\"].concat(); let p = [\"api\", \"2.0\", \"fo\"].join(\"/\"); }";
        let x = run(text);
        let t = texts(&x);
        assert!(t.contains(&"/api/2.0/fo/scan/".to_string()), "{t:?}");
        assert!(t.contains(&"api/2.0/fo".to_string()), "{t:?}");
    }

    #[test]
    fn cyclic_constants_terminate() {
        let text = "const A: &str = concatcp!(B, \"/a\"); const B: &str = concatcp!(A, \"/b\"); fn f() { get(A.to_string() + \"/x\"); }";
        let x = run(text);
        assert!(!x.exprs.is_empty());
    }

    #[test]
    fn statement_snippet_parses() {
        // A Markdown fence body: statements, not items.
        let text = "let base = \"https://qualysapi.qualys.com\";\nlet resp = client.get(format!(\"{base}/api/2.0/fo/scan/\")).send()?;\n";
        let x = run(text);
        assert_eq!(
            find(&x, "/fo/scan/").text(),
            "https://qualysapi.qualys.com/api/2.0/fo/scan/"
        );
    }

    #[test]
    fn snippet_of_benchmark_shape_resolves_names() {
        // Filler statements, an alias of a constant defined later, items
        // between statements: one tokenization, parsed as statements.
        let text = "let a = f(1);\nif a > 3 { return None; }\nlet base = BASE;\nconst BASE: &str = \"https://q.example\";\nfn g() {}\nlet u = format!(\"{base}/api/2.0/fo/scan/\");\n";
        let x = run(text);
        assert_eq!(
            find(&x, "/fo/scan/").text(),
            "https://q.example/api/2.0/fo/scan/"
        );
        let names: Vec<&str> = x.bindings.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, vec!["base", "BASE", "u"]);
        // The same statements inside a function are a file.
        let file = format!("fn main() {{\n{text}}}\n");
        let y = run(&file);
        assert_eq!(
            find(&y, "/fo/scan/").text(),
            "https://q.example/api/2.0/fo/scan/"
        );
        // Neither a file nor statements: the generic lexer.
        let z = run("let u = \"/api/2.0/fo/scan/\"; fn (");
        assert_eq!(texts(&z), vec!["/api/2.0/fo/scan/"]);
    }

    /// The statements of a snippet, all parsed and walked (what
    /// [`contributing_statements`] must not change).
    fn whole_snippet(text: &str) -> Option<Extracted> {
        std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn({
                let text = text.to_string();
                move || {
                    let stmts =
                        syn::parse::Parser::parse_str(syn::Block::parse_within, &text).ok()?;
                    let out = walk(&Parsed::Stmts(stmts), &text, 0, Lines::new(&text));
                    proc_macro2::extra::invalidate_current_thread_spans();
                    Some(out)
                }
            })
            .ok()?
            .join()
            .ok()
            .flatten()
    }

    /// Where a snippet parses whole, parsing only its contributing
    /// statements gives the same expressions and bindings.
    fn same_as_whole(text: &str) {
        // A file takes the other way.
        if syn::parse_file(text).is_ok() {
            return;
        }
        let Some(whole) = whole_snippet(text) else {
            return;
        };
        let mut lines = Lines::new(text);
        let tokens: TokenStream = text.parse().unwrap_or_default();
        let kept = contributing_statements(tokens, text, &mut lines);
        let kept = kept.and_then(|k| syn::parse::Parser::parse2(syn::Block::parse_within, k).ok());
        let selected = kept.map(|stmts| walk(&Parsed::Stmts(stmts), text, 0, lines));
        proc_macro2::extra::invalidate_current_thread_spans();
        let selected = selected.unwrap_or_default();
        assert_eq!(selected.exprs, whole.exprs, "{text}");
        assert_eq!(selected.bindings, whole.bindings, "{text}");
    }

    #[test]
    fn contributing_statements_change_nothing() {
        for text in [
            // An alias of a constant, through a capture only.
            "let a = f(1);\nlet base = BASE;\nconst BASE: &str = \"https://q\";\nlet u = format!(\"{base}/api/2.0/fo/scan/\");",
            // A later non-string definition shadows a string.
            "let base = \"https://q\"; let n = 1; let base = g(1); let u = format!(\"{base}/api/2.0/fo/scan/\");",
            "let base = \"https://q\"; if a { } let base = g(1); get(base + \"/api/2.0/fo/scan/\");",
            // No literal in the statements that build the string.
            "const A: &str = \"/api/\"; let x = f(2); let b = A; let c = b.to_string() + B; const B: &str = \"2.0/fo/scan/\"; get(c);",
            "const A: &str = \"/api/\"; let p = [A, V].concat(); let q = concat!(A, V); const V: &str = \"2.0\";",
            "let r#type = \"/x/\"; let z = g(r#type); let u = format!(\"{r#type}/api/2.0/fo/scan/\");",
            // Blocks followed by statements, and blocks that continue.
            "if a > 1 { return None; } let u = \"/api/2.0/fo/scan/\"; if b { } let v = g(2);",
            "let v = if a { \"/api/\" } else { \"/pcrs/\" }; let w = match k { 1 => { f(1) } _ => 2 }; let x = S { a: 1 }.b;",
            "loop { break; } let u = B; fn f() -> &'static str { \"/api/\" } const B: &str = \"/api/2.0/\";",
            "let Some(v) = opt else { return; }; let u = \"/api/2.0/fo/scan/\"; v",
            // Items, macros, attributes and doc comments between statements.
            "/// doc /api/2.0/fo/\nlet a = g(1);\n#[cfg(test)] let q = 1;\nmacro_rules! m { () => { let z = \"/m/\"; }; }\nlet u = vec![\"/api/2.0/fo/scan/\"];",
            "struct P; impl P { const C: &str = \"/api/2.0/\"; } let u = P::C.to_string() + \"fo/scan/\"; let n = t.len();",
            "let a = 1; let b = 2;",
        ] {
            same_as_whole(text);
        }
    }

    #[test]
    fn contributing_statements_random_snippets() {
        let stmts = [
            "let a = f(1);",
            "let b = a;",
            "let base = BASE;",
            "let base = g(2);",
            "let mut u = base;",
            "const BASE: &str = \"https://qualysapi.qualys.com\";",
            "static V: &str = \"2.0\";",
            "let v = V;",
            "if a > 3 { return None; }",
            "if b { let base = \"/x/\"; }",
            "let u = format!(\"{base}/api/{v}/fo/scan/\");",
            "get(base + \"/api/2.0/fo/asset/\");",
            "get(u);",
            "let w = [base, v].join(\"/\");",
            "let c = concat!(BASE, \"/api/\");",
            "let s = S { x: base };",
            "fn h() -> String { format!(\"{}/pcrs/1.0/\", BASE) }",
            "match a { 1 => { g(base) } _ => {} }",
            "for x in y { let v = x; }",
            "let t = (1, 2).0;",
            "// a comment /api/2.0/fo/\n",
            "let z = b.to_string() + &v;",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300 {
            let n = 1 + (next() % 12) as usize;
            let text: Vec<&str> = (0..n)
                .map(|_| stmts[(next() % stmts.len() as u64) as usize])
                .collect();
            same_as_whole(&text.join("\n"));
        }
    }

    #[test]
    fn shebang_file_parses_as_a_file() {
        let text = "#!/usr/bin/env rust-script\nconst V: &str = \"2.0\";\nfn main() { get(format!(\"/api/{V}/fo/scan/\")); }\n";
        let x = run(text);
        assert_eq!(find(&x, "/fo/scan/").text(), "/api/2.0/fo/scan/");
        assert_eq!(
            find(&x, "/fo/scan/").segs[1]
                .via
                .as_ref()
                .map(|v| v.0.as_str()),
            Some("V")
        );
    }

    #[test]
    fn parse_failure_falls_back() {
        let text = "fn broken( {\n    let u = \"/api/2.0/fo/scan/\"; // see /api/2.0/fo/asset/\n";
        let x = run(text);
        let fallback = super::super::assemble::extract_code(Language::Rust, text, 0);
        for e in &fallback.exprs {
            assert!(x.exprs.contains(e));
        }
        // The comment is never lost.
        assert!(x
            .exprs
            .iter()
            .any(|e| e.kind() == FindingKind::Mention && e.text().contains("fo/asset")));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        for text in [
            format!(
                "fn f() {{ let x = {}1{}; }}",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
            format!("fn f() {{ let x = {}1; }}", "|| ".repeat(100_000)),
            format!("fn f() {{ let x = 0 as {}u8; }}", "*const ".repeat(100_000)),
            format!(
                "fn f() {{ let x = {}\"/api/2.0/fo/scan/\"; }}",
                "\"a\" + ".repeat(20_000)
            ),
            format!("fn f() {{ let x = {}; }}", "[".repeat(50_000)),
        ] {
            let _ = run(&text);
        }
        // Keywords nest without brackets too (a stack overflow would abort
        // the whole process: these must be caught before `syn`). The URL is
        // found either way.
        let url = "let u = \"/api/2.0/fo/scan/\";";
        for text in [
            format!("fn f() {{ {url} {}1; }}", "return ".repeat(150_000)),
            format!("{url}\n{}1;", "return ".repeat(150_000)),
            format!("fn f() {{ {url} let x = 1{}; }}", " as u8".repeat(100_000)),
            format!(
                "fn f() {{ {url} if a {{ }}{} }}",
                " else if a { }".repeat(100_000)
            ),
            format!(
                "fn f() {{ {url} loop {{ {}1; }} }}",
                "break ".repeat(100_000)
            ),
            format!("fn f() {{ {url} let x = a{}; }}", ".b()".repeat(100_000)),
            format!(
                "fn f() {{ {url} let x: {}u8 = 1; }}",
                "&mut ".repeat(100_000)
            ),
            format!(
                "fn f() {{ {url} let x = {}a; }}",
                "move || ".repeat(100_000)
            ),
        ] {
            let x = run(&text);
            assert!(texts(&x).iter().any(|t| t == "/api/2.0/fo/scan/"));
        }
        // Moderately long chains still parse.
        let text = format!(
            "fn f() {{ let x = {}\"/api/2.0/fo/scan/\"; }}",
            "\"a\" + ".repeat(1_000)
        );
        let x = run(&text);
        assert_eq!(texts(&x).len(), 1);
    }

    #[test]
    fn folded_constants_are_bounded() {
        // Each line doubles: 20 lines would be a million pieces.
        for step in [
            "const A{i}: &str = concatcp!(A{p}, A{p});",
            "static A{i}: Lazy<String> = Lazy::new(|| format!(\"{A{p}}{A{p}}\"));",
            "const A{i}: &str = [A{p}, A{p}].concat();",
        ] {
            let mut text = String::from("const A0: &str = \"https://h/api/2.0/fo/scan/\";\n");
            for i in 1..=20 {
                let line = step
                    .replace("{i}", &i.to_string())
                    .replace("{p}", &(i - 1).to_string());
                text.push_str(&line);
                text.push('\n');
            }
            let x = run(&text);
            for e in x.exprs.iter().chain(x.bindings.iter().map(|b| &b.value)) {
                let folded = e.segs.iter().filter(|s| s.via.is_some()).count();
                assert!(folded <= fold::MAX_FOLDED_PIECES, "{step}: {folded}");
            }
            let last = x
                .bindings
                .iter()
                .find(|b| b.name == "A20")
                .map(|b| b.value.text());
            let last = last.unwrap_or_default();
            assert!(
                last.starts_with("https://h/api/2.0/fo/scan/https://h/"),
                "{step}: {last}"
            );
            assert!(last.contains(HOLE), "{step}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let pieces = [
            "\"",
            "r#\"",
            "\"#",
            "'",
            "'a",
            "b'",
            "/*",
            "*/",
            "//",
            "\n",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            "format!(",
            "concat!(",
            "\"{}\"",
            "\"{",
            "}\"",
            "{x}",
            ",",
            ";",
            "+",
            "const A: &str = ",
            "let a = ",
            "fn f() {",
            "é",
            "🦀",
            "\\",
            "r",
            "#",
            "b\"",
            "c\"",
            "\u{0}",
            "\r\n",
            " ",
            "x",
            "A",
            "=",
            "!",
            ".to_string()",
            "\"/api/2.0/fo/scan/\"",
            "{{",
            "}}",
            "{:?}",
            "{0}",
            "{:.*}",
            "env!(\"X\")",
            "#[doc = \"d\"]",
            "macro_rules! m { () => {} }",
            "json!({",
            "'\\u{1F980}'",
            "\u{feff}",
            "#!",
        ];
        // Deterministic xorshift, so failures reproduce.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..400 {
            let len = (next() % 60) as usize;
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            let base = (next() % 50) as usize;
            let x = extract(&text, base);
            check_offsets(&text, base, &x);
        }
        // Valid programs cut at every char boundary.
        let program = "const B: &str = \"https://x/api/2.0/\"; // c\nfn f(h: &str) -> String { let v = \"1.0\"; format!(\"{h}/pcrs/{v}/posture/{}\", B) + concat!(\"a\", 1) }\n";
        for (i, _) in program.char_indices() {
            let text = &program[..i];
            let x = extract(text, 3);
            check_offsets(text, 3, &x);
        }
    }

    #[test]
    fn plain_string_values_are_syn_values() {
        for lit in [
            "\"/api/2.0/fo/scan/\"",
            "\"\"",
            "\"żółć 🦀 {x}\"",
            "\"tab\there\"",
            "\"a\\nb\"",
            "\"q\\\"q\"",
            "\"line\nbreak\"",
            "\"suffix\"xyz",
            "r\"raw\"",
        ] {
            let text = format!("fn f() {{ g({lit}); }}");
            let x = extract(&text, 0);
            let value = syn::parse_str::<syn::LitStr>(lit)
                .map(|l| l.value())
                .ok()
                .filter(|v| !v.is_empty());
            let got = calls(&x).first().map(|e| e.text());
            assert_eq!(got, value, "{lit}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}", base in 0usize..1000) {
            let x = extract(&text, base);
            check_offsets(&text, base, &x);
        }

        #[test]
        fn rustish_text_never_panics(text in "(fn f\\(\\) \\{|let [a-z]+ = |\"[^\"]{0,10}\"|r#\"|'[a-z]|format!\\(|\\{[a-z0-9:?]*\\}|[(){}\\[\\];,+]|//[^\n]{0,10}\n|/\\*|\\*/|é|🦀| ){0,40}") {
            let x = extract(&text, 0);
            check_offsets(&text, 0, &x);
        }
    }
}
