//! Skipping the statements of a Rust text that cannot contribute anything
//! to the extraction, so that `syn` parses (and the walker visits) less.
//!
//! The token stream is cut into *chunks* at the top level of the text and
//! of blocks: after each `;`, and between a `}` and a word that can only
//! start a statement (`if a { … } let b = …;`). Removing whole chunks
//! leaves every other statement (or item) exactly as it was, starting where
//! a statement starts, with the same spans. A chunk cut at a brace is kept
//! together with the next one when it is kept, so that nothing kept ever
//! follows it that could continue its expression. A chunk is dropped when
//!
//! - it holds (at any depth) no string literal, no `!` (macros, inner
//!   attributes), no `#` (attributes, doc comments), no `+` and no
//!   `concat` / `join`: then the walker emits nothing from it, and any
//!   `let` / `const` / `static` it defines evaluates to no string, and
//! - no name it may define (the word after `let`, `mut`, `ref`, `const`,
//!   `static`) is mentioned by kept code (identifiers, and `{name}`
//!   captures of string literals), and, if it defines anything, none of
//!   its identifiers is defined by kept code: then no lookup of the kept
//!   code lands on a definition of the chunk, and no definition of the
//!   chunk aliases a kept one. This is a fixpoint: a chunk kept for a name
//!   adds its own. Names are compared hashed; a collision keeps more.
//!
//! What the dropped chunks still decide is whether the text parses at all,
//! and as a file or as statements, and the identifiers they refer to
//! (`Extracted::idents`). Both depend only on a chunk's tokens and on the
//! grammar of its place (items at the top of a file, statements in a block
//! or snippet; a chunk cut at a brace is checked with a statement after
//! it), and both are the same for chunks of the same *shape*: the token
//! structure with identifiers other than keywords, and small decimal
//! integers, made anonymous. One chunk per shape is parsed by `syn` (see
//! [`Checker`]); the others reuse its verdict and the positions of its
//! identifiers. An inner attribute (`#![…]`) keeps every chunk before it.
//!
//! Blocks are found by their tokens (a brace group with a `;` at its top
//! level, not a macro body, not after `impl` / `trait` / `mod` / `extern`
//! / `struct` / `enum` / `union` without `fn`); every block pruned into is
//! then confirmed to be a `syn::Block` of the pruned tree. Whenever anything
//! is not certain, the caller parses the whole stream instead.
//!
//! The kept top level stays cut into chunks: `let name = "…";`, the bulk of
//! a snippet once pruned, is built as the statement `syn` would parse
//! without running the parser ([`Plan::statements`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// A token, with the contents of a group as owned nodes.
enum Node {
    Leaf(TokenTree),
    Group(Head, Vec<Node>),
}

/// A group without its contents.
#[derive(Clone, Copy)]
struct Head {
    delimiter: Delimiter,
    span: Span,
}

impl Head {
    fn group(self, stream: TokenStream) -> TokenTree {
        let mut g = Group::new(self.delimiter, stream);
        // Same span, hence the same open and close positions.
        g.set_span(self.span);
        TokenTree::Group(g)
    }
}

/// The tokens as nodes. A group is let go before its contents are taken,
/// so that the tokens are moved, not copied.
fn tree(tokens: TokenStream) -> Vec<Node> {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => {
                let head = Head {
                    delimiter: g.delimiter(),
                    span: g.span(),
                };
                let stream = g.stream();
                drop(g);
                Node::Group(head, tree(stream))
            }
            other => Node::Leaf(other),
        })
        .collect()
}

fn back(nodes: Vec<Node>) -> TokenStream {
    nodes
        .into_iter()
        .map(|n| match n {
            Node::Leaf(tt) => tt,
            Node::Group(head, inner) => head.group(back(inner)),
        })
        .collect()
}

fn copy(nodes: &[Node]) -> TokenStream {
    nodes
        .iter()
        .map(|n| match n {
            Node::Leaf(tt) => tt.clone(),
            Node::Group(head, inner) => head.group(copy(inner)),
        })
        .collect()
}

fn is_punct(n: &Node, c: char) -> bool {
    matches!(n, Node::Leaf(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_ident(n: &Node, word: &str) -> bool {
    matches!(n, Node::Leaf(TokenTree::Ident(i)) if i == word)
}

/// Keywords that can neither be defined by a `let` / `const` / `static` nor
/// be the last segment of a path expression: they never link chunks.
fn is_inert_keyword(s: &str) -> bool {
    matches!(
        s,
        "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// Identifiers `syn` compares with a keyword somewhere: they stay verbatim
/// in a shape. Generous on purpose (a longer list only means fewer shared
/// shapes).
fn is_syntax_word(s: &str) -> bool {
    is_inert_keyword(s)
        || matches!(
            s,
            "_" | "self"
                | "Self"
                | "super"
                | "crate"
                | "auto"
                | "default"
                | "union"
                | "raw"
                | "safe"
                | "builtin"
                | "macro_rules"
                | "gen"
                | "C"
        )
}

/// A name, hashed. Sets of names only ever decide to keep more: a
/// collision costs time, never a result.
type Name = u64;

fn hash_name(s: &str) -> Name {
    // FNV-1a.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes a token's text into `buf` (no allocation once it has grown).
fn text_of(buf: &mut String, t: &dyn std::fmt::Display) {
    use std::fmt::Write;
    buf.clear();
    let _ = write!(buf, "{t}");
}

/// The name an identifier token is known by (`r#type` is `type`), unless it
/// is an inert keyword.
fn link_name(buf: &mut String, ident: &proc_macro2::Ident) -> Option<Name> {
    text_of(buf, ident);
    match buf.strip_prefix("r#") {
        Some(rest) => Some(hash_name(rest)),
        None if is_inert_keyword(buf) => None,
        None => Some(hash_name(buf)),
    }
}

/// Whether a chunk may contribute to the extraction by itself.
fn is_seed(buf: &mut String, nodes: &[Node]) -> bool {
    nodes.iter().any(|n| match n {
        Node::Leaf(TokenTree::Punct(p)) => matches!(p.as_char(), '!' | '+' | '#'),
        Node::Leaf(TokenTree::Literal(l)) => {
            text_of(buf, l);
            buf.contains('"')
        }
        Node::Leaf(TokenTree::Ident(i)) => {
            i == "concat" || i == "join" || i == "r#concat" || i == "r#join"
        }
        Node::Leaf(TokenTree::Group(_)) => true,
        Node::Group(_, inner) => is_seed(buf, inner),
    })
}

/// Names of the identifiers of a chunk, at any depth.
fn names(buf: &mut String, nodes: &[Node], out: &mut Vec<Name>) {
    for n in nodes {
        match n {
            Node::Leaf(TokenTree::Ident(i)) => out.extend(link_name(buf, i)),
            Node::Group(_, inner) => names(buf, inner, out),
            _ => {}
        }
    }
}

/// Names a chunk may define with `let` / `const` / `static` (the word
/// after `let`, `mut`, `ref`, `const` or `static`), at any depth.
fn defined(buf: &mut String, nodes: &[Node], out: &mut Vec<Name>) {
    let mut after_binder = false;
    for n in nodes {
        match n {
            Node::Leaf(TokenTree::Ident(i)) => {
                if after_binder {
                    out.extend(link_name(buf, i));
                }
                after_binder = ["let", "mut", "ref", "const", "static"]
                    .iter()
                    .any(|w| i == w);
            }
            Node::Group(_, inner) => {
                defined(buf, inner, out);
                after_binder = false;
            }
            _ => after_binder = false,
        }
    }
}

/// Names kept code mentions: identifiers, and every `{name}` a string
/// literal could hold as a format capture (a superset of the captures the
/// walker resolves).
fn mentions(buf: &mut String, nodes: &[Node], out: &mut HashSet<Name>) {
    for n in nodes {
        match n {
            Node::Leaf(TokenTree::Ident(i)) => out.extend(link_name(buf, i)),
            Node::Leaf(TokenTree::Literal(l)) => captures(buf, l, out),
            Node::Group(_, inner) => mentions(buf, inner, out),
            _ => {}
        }
    }
}

fn captures(buf: &mut String, lit: &proc_macro2::Literal, out: &mut HashSet<Name>) {
    text_of(buf, lit);
    if !(buf.starts_with('"') || buf.starts_with('r')) || !buf.contains(['{', '\\']) {
        return;
    }
    let value = match syn::Lit::new(lit.clone()) {
        syn::Lit::Str(s) => s.value(),
        _ => return,
    };
    let mut rest = value.as_str();
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        let inner = rest.find('}').map_or(rest, |k| &rest[..k]);
        let name = inner.split_once(':').map_or(inner, |(a, _)| a).trim();
        out.insert(hash_name(name.strip_prefix("r#").unwrap_or(name)));
    }
}

/// Words that can only start a statement or item: after a `}` at the top
/// level of a block (or of the text), they begin a new one.
fn starts_statement(n: &Node) -> bool {
    matches!(n, Node::Leaf(TokenTree::Ident(i)) if [
        "let", "if", "while", "for", "loop", "match", "return", "fn", "struct", "enum", "use",
        "mod", "impl", "trait", "type",
    ]
    .iter()
    .any(|w| i == w))
}

/// Cuts a token list after each top-level `;`, and between a brace group
/// and a word that starts a statement (`if a { … } let b = …;`). A chunk
/// cut at a brace (`true`) must not be followed by a chunk that could
/// continue its expression: the caller keeps the next chunk with it.
fn split(nodes: Vec<Node>) -> Vec<(Vec<Node>, bool)> {
    let mut chunks = Vec::new();
    let mut cur: Vec<Node> = Vec::new();
    for n in nodes {
        let after_brace =
            matches!(cur.last(), Some(Node::Group(h, _)) if h.delimiter == Delimiter::Brace);
        if after_brace && starts_statement(&n) {
            chunks.push((std::mem::take(&mut cur), true));
        }
        let end = is_punct(&n, ';');
        cur.push(n);
        if end {
            chunks.push((std::mem::take(&mut cur), false));
        }
    }
    if !cur.is_empty() {
        chunks.push((cur, false));
    }
    chunks
}

/// Whether a chunk holds an inner attribute (`#![…]`) at its top level:
/// nothing before it may be dropped, it must stay where it is.
fn has_inner_attr(chunk: &[Node]) -> bool {
    chunk
        .windows(2)
        .any(|w| is_punct(&w[0], '#') && is_punct(&w[1], '!'))
}

/// What a group of kept code is, for pruning.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A macro body or an attribute: left alone.
    Opaque,
    /// Looked into for blocks, not cut.
    Flat,
    /// A block: cut into chunks.
    Block,
}

fn role(nodes: &[Node], j: usize) -> Role {
    let Node::Group(head, inner) = &nodes[j] else {
        return Role::Flat;
    };
    let before = |k: usize| j.checked_sub(k).map(|i| &nodes[i]);
    let after_bang = |n: Option<&Node>| n.is_some_and(|n| is_punct(n, '!') || is_punct(n, '#'));
    if after_bang(before(1))
        || (matches!(before(1), Some(Node::Leaf(TokenTree::Ident(_)))) && after_bang(before(2)))
    {
        return Role::Opaque;
    }
    if head.delimiter != Delimiter::Brace || !inner.iter().any(|n| is_punct(n, ';')) {
        return Role::Flat;
    }
    // Back to the start of the statement or item.
    let mut container = false;
    for n in nodes[..j].iter().rev() {
        match n {
            Node::Group(h, _) if h.delimiter == Delimiter::Brace => break,
            n if is_punct(n, ';') => break,
            n if is_ident(n, "fn") => return Role::Block,
            Node::Leaf(TokenTree::Ident(i))
                if ["impl", "trait", "mod", "extern", "struct", "enum", "union"]
                    .iter()
                    .any(|w| i == w) =>
            {
                container = true
            }
            _ => {}
        }
    }
    if container {
        Role::Flat
    } else {
        Role::Block
    }
}

/// Kept code, with the groups pruned into.
enum Piece {
    Tok(TokenTree),
    Flat(Head, Vec<Piece>),
    Block(Head, Vec<Chunk>),
}

enum Chunk {
    /// Kept code; `true` when cut at a brace.
    Kept(Vec<Piece>, bool),
    Unit(usize),
}

struct Unit {
    nodes: Vec<Node>,
    /// Names the chunk may define, and (once needed) those it mentions.
    defines: Vec<Name>,
    refs: Option<Vec<Name>>,
    kept: bool,
    /// The unit right after, when this one ends at a brace: kept with it.
    glued: Option<usize>,
    /// Index of the enclosing pruned block in `Builder::blocks`; `None` at
    /// the top level.
    block: Option<usize>,
}

#[derive(Default)]
struct Builder {
    units: Vec<Unit>,
    /// Names kept code mentions, or may define.
    mentioned: HashSet<Name>,
    defined: HashSet<Name>,
    buf: String,
    /// Shapes of the dropped chunks, numbered.
    shapes: HashMap<String, usize>,
    /// Open-brace spans of the blocks cut into chunks.
    blocks: Vec<Span>,
}

impl Builder {
    fn level(&mut self, nodes: Vec<Node>, block: Option<usize>) -> Vec<Chunk> {
        let chunks = split(nodes);
        let fixed = chunks
            .iter()
            .rposition(|(c, _)| has_inner_attr(c))
            .map_or(0, |i| i + 1);
        let mut out = Vec::with_capacity(chunks.len());
        // Whether the previous chunk ends at a brace and is kept.
        let mut glued_to_kept = false;
        for (i, (chunk, at_brace)) in chunks.into_iter().enumerate() {
            if i >= fixed && !glued_to_kept && !is_seed(&mut self.buf, &chunk) {
                let mut defines = Vec::new();
                defined(&mut self.buf, &chunk, &mut defines);
                let id = self.units.len();
                if let Some(Chunk::Unit(prev)) = out.last() {
                    if self.units[*prev].glued == Some(usize::MAX) {
                        self.units[*prev].glued = Some(id);
                    }
                }
                out.push(Chunk::Unit(id));
                self.units.push(Unit {
                    nodes: chunk,
                    defines,
                    refs: None,
                    kept: false,
                    glued: at_brace.then_some(usize::MAX),
                    block,
                });
                glued_to_kept = false;
            } else {
                let mut defs = Vec::new();
                defined(&mut self.buf, &chunk, &mut defs);
                self.defined.extend(defs);
                out.push(Chunk::Kept(self.kept(chunk), at_brace));
                glued_to_kept = at_brace;
            }
        }
        out
    }

    fn kept(&mut self, nodes: Vec<Node>) -> Vec<Piece> {
        let roles: Vec<Role> = (0..nodes.len()).map(|j| role(&nodes, j)).collect();
        let mut out = Vec::with_capacity(nodes.len());
        for (n, role) in nodes.into_iter().zip(roles) {
            match (n, role) {
                (Node::Leaf(tt), _) => {
                    match &tt {
                        TokenTree::Ident(i) => self.mentioned.extend(link_name(&mut self.buf, i)),
                        TokenTree::Literal(l) => captures(&mut self.buf, l, &mut self.mentioned),
                        _ => {}
                    }
                    out.push(Piece::Tok(tt));
                }
                (Node::Group(head, inner), Role::Opaque) => {
                    mentions(&mut self.buf, &inner, &mut self.mentioned);
                    out.push(Piece::Tok(head.group(back(inner))));
                }
                (Node::Group(head, inner), Role::Flat) => {
                    let pieces = self.kept(inner);
                    out.push(Piece::Flat(head, pieces));
                }
                (Node::Group(head, inner), Role::Block) => {
                    let id = self.blocks.len();
                    // A group's span starts at its open brace.
                    self.blocks.push(head.span);
                    let chunks = self.level(inner, Some(id));
                    out.push(Piece::Block(head, chunks));
                }
            }
        }
        out
    }

    /// Keeps every unit that may define a name kept code mentions, or
    /// whose definitions may refer to a name kept code defines (and the
    /// units glued to kept ones), until none is left.
    fn settle(&mut self) {
        for pass in 0.. {
            let mut changed = false;
            // A long chain of definitions in an unlucky order takes a pass
            // per link: past a few, keep every definition.
            let all = pass >= 8;
            for k in 0..self.units.len() {
                let u = &mut self.units[k];
                if u.kept || u.defines.is_empty() {
                    continue;
                }
                let mut needed = all || u.defines.iter().any(|n| self.mentioned.contains(n));
                if !needed {
                    let refs = u.refs.get_or_insert_with(|| {
                        let mut refs = Vec::new();
                        names(&mut self.buf, &u.nodes, &mut refs);
                        refs
                    });
                    needed = refs.iter().any(|n| self.defined.contains(n));
                }
                if needed {
                    self.keep(k);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn keep(&mut self, mut k: usize) {
        loop {
            let u = &mut self.units[k];
            if u.kept {
                return;
            }
            u.kept = true;
            mentions(&mut self.buf, &u.nodes, &mut self.mentioned);
            self.defined.extend(u.defines.iter().cloned());
            match u.glued {
                Some(next) if next != usize::MAX => k = next,
                _ => return,
            }
        }
    }

    /// Rebuilds kept code.
    fn rebuild(&mut self, pieces: Vec<Piece>, out: &mut Vec<TokenTree>) {
        for p in pieces {
            let mut inner = Vec::new();
            let head = match p {
                Piece::Tok(tt) => {
                    out.push(tt);
                    continue;
                }
                Piece::Flat(head, pieces) => {
                    self.rebuild(pieces, &mut inner);
                    head
                }
                Piece::Block(head, chunks) => {
                    self.rebuild_level(chunks, &mut inner);
                    head
                }
            };
            out.push(head.group(inner.into_iter().collect()));
        }
    }

    /// Rebuilds the top level: the tokens, and the length of each chunk
    /// with whether it was cut at a brace.
    fn rebuild_top(&mut self, chunks: Vec<Chunk>) -> (Vec<TokenTree>, Vec<(usize, bool)>) {
        let mut out = Vec::new();
        let mut lens = Vec::new();
        for c in chunks {
            let start = out.len();
            let glued = match c {
                Chunk::Kept(pieces, glued) => {
                    self.rebuild(pieces, &mut out);
                    glued
                }
                Chunk::Unit(i) if self.units[i].kept => {
                    out.extend(back(std::mem::take(&mut self.units[i].nodes)));
                    self.units[i].glued.is_some()
                }
                Chunk::Unit(_) => continue,
            };
            lens.push((out.len() - start, glued));
        }
        (out, lens)
    }

    fn rebuild_level(&mut self, chunks: Vec<Chunk>, out: &mut Vec<TokenTree>) {
        for c in chunks {
            match c {
                Chunk::Kept(pieces, _) => self.rebuild(pieces, out),
                Chunk::Unit(i) if self.units[i].kept => {
                    out.extend(back(std::mem::take(&mut self.units[i].nodes)));
                }
                Chunk::Unit(_) => {}
            }
        }
    }
}

impl Plan {
    /// The statements of the pruned stream (taken from the plan). A
    /// top-level `let name = "…";` is built directly, the rest is parsed
    /// by `syn` in runs of chunks; chunks are whole statements, so this is
    /// the same as parsing the stream at once. `None` when a run does not
    /// parse.
    pub(super) fn statements(&mut self) -> Option<Vec<syn::Stmt>> {
        let mut tokens = std::mem::take(&mut self.stream).into_iter();
        let mut stmts = Vec::new();
        let mut run: Vec<TokenTree> = Vec::new();
        let mut after_brace = false;
        for &(len, glued) in &self.chunks {
            let chunk: Vec<TokenTree> = tokens.by_ref().take(len).collect();
            // After a chunk cut at a brace, the run goes on: `syn` must see
            // that a statement follows it.
            match simple_let(&chunk).filter(|_| !after_brace) {
                Some(stmt) => {
                    parse_run(&mut run, &mut stmts)?;
                    stmts.push(stmt);
                }
                None => run.extend(chunk),
            }
            after_brace = glued;
        }
        parse_run(&mut run, &mut stmts)?;
        Some(stmts)
    }
}

fn parse_run(run: &mut Vec<TokenTree>, stmts: &mut Vec<syn::Stmt>) -> Option<()> {
    if !run.is_empty() {
        let tokens: TokenStream = run.drain(..).collect();
        stmts.extend(syn::parse::Parser::parse2(syn::Block::parse_within, tokens).ok()?);
    }
    Some(())
}

/// `let name = "…";` as `syn` parses it.
fn simple_let(chunk: &[TokenTree]) -> Option<syn::Stmt> {
    let [TokenTree::Ident(kw), TokenTree::Ident(name), TokenTree::Punct(eq), TokenTree::Literal(lit), TokenTree::Punct(semi)] =
        chunk
    else {
        return None;
    };
    if kw != "let"
        || eq.as_char() != '='
        || eq.spacing() != proc_macro2::Spacing::Alone
        || semi.as_char() != ';'
    {
        return None;
    }
    let mut buf = String::new();
    text_of(&mut buf, name);
    if is_syntax_word(&buf) {
        return None;
    }
    text_of(&mut buf, lit);
    if !buf.starts_with('"') {
        return None;
    }
    Some(syn::Stmt::Local(syn::Local {
        attrs: Vec::new(),
        let_token: syn::Token![let](kw.span()),
        pat: syn::Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: name.clone(),
            subpat: None,
        }),
        init: Some(syn::LocalInit {
            eq_token: syn::Token![=](eq.span()),
            expr: Box::new(syn::Expr::Lit(syn::ExprLit {
                attrs: Vec::new(),
                lit: syn::Lit::new(lit.clone()),
            })),
            diverge: None,
        }),
        semi_token: syn::Token![;](semi.span()),
    }))
}

/// A dropped chunk.
pub(super) struct Dropped {
    nodes: Vec<Node>,
    /// Cut at a brace: a statement follows it in the text.
    glued: bool,
    /// Number of the shape (including `glued`).
    shape: usize,
}

impl Dropped {
    fn tokens(&self) -> TokenStream {
        copy(&self.nodes)
    }

    /// The identifier tokens, depth first.
    fn idents(&self) -> Vec<&proc_macro2::Ident> {
        fn collect<'n>(nodes: &'n [Node], out: &mut Vec<&'n proc_macro2::Ident>) {
            for n in nodes {
                match n {
                    Node::Leaf(TokenTree::Ident(i)) => out.push(i),
                    Node::Group(_, inner) => collect(inner, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.nodes, &mut out);
        out
    }
}

/// The pruned stream and what was dropped from it.
pub(super) struct Plan {
    pub stream: TokenStream,
    /// Length of each top-level chunk of `stream`, and whether it was cut
    /// at a brace.
    chunks: Vec<(usize, bool)>,
    /// Whether a top-level chunk starts with `let`: then the text is no
    /// file.
    pub has_let: bool,
    /// Chunks dropped from the top level.
    pub top: Vec<Dropped>,
    /// Chunks dropped from blocks.
    pub nested: Vec<Dropped>,
    /// Open-brace spans of the blocks chunks were dropped from.
    pub blocks: Vec<Span>,
}

/// Plans the pruning of a token stream; `Err` gives the stream back when
/// nothing can be dropped.
pub(super) fn plan(tokens: TokenStream) -> Result<Plan, TokenStream> {
    let mut b = Builder::default();
    let top = b.level(tree(tokens), None);
    b.settle();
    let (out, chunks) = b.rebuild_top(top);
    let mut has_let = false;
    let mut at = 0;
    for &(len, _) in &chunks {
        has_let |= matches!(out.get(at), Some(TokenTree::Ident(i)) if i == "let");
        at += len;
    }
    let stream: TokenStream = out.into_iter().collect();
    let mut plan = Plan {
        stream,
        chunks,
        has_let,
        top: Vec::new(),
        nested: Vec::new(),
        blocks: Vec::new(),
    };
    let mut used = vec![false; b.blocks.len()];
    let mut shape = String::new();
    for u in b.units {
        if u.kept {
            continue;
        }
        let glued = u.glued.is_some();
        shape.clear();
        shape.push_str(if glued { "g:" } else { ":" });
        describe(&mut b.buf, &u.nodes, &mut shape);
        let next = b.shapes.len();
        let shape = match b.shapes.get(shape.as_str()) {
            Some(&k) => k,
            None => {
                b.shapes.insert(shape.clone(), next);
                next
            }
        };
        let d = Dropped {
            nodes: u.nodes,
            glued,
            shape,
        };
        match u.block {
            None => plan.top.push(d),
            Some(k) => {
                used[k] = true;
                plan.nested.push(d);
            }
        }
    }
    if plan.top.is_empty() && plan.nested.is_empty() {
        return Err(plan.stream);
    }
    plan.blocks = b
        .blocks
        .into_iter()
        .zip(used)
        .filter_map(|(s, u)| u.then_some(s))
        .collect();
    Ok(plan)
}

/// The shape of a chunk: every token tagged, literals with their length,
/// so that two token lists have the same shape only if they match token
/// for token, up to plain identifiers and small decimal integers.
fn describe(buf: &mut String, nodes: &[Node], shape: &mut String) {
    use std::fmt::Write;
    for n in nodes {
        match n {
            Node::Leaf(TokenTree::Ident(i)) => {
                text_of(buf, i);
                if buf.starts_with("r#") {
                    shape.push('r');
                } else if is_syntax_word(buf) {
                    shape.push('K');
                    shape.push_str(buf);
                    shape.push(' ');
                } else {
                    shape.push('i');
                }
            }
            Node::Leaf(TokenTree::Punct(p)) => {
                shape.push('P');
                shape.push(p.as_char());
                shape.push(match p.spacing() {
                    proc_macro2::Spacing::Joint => 'j',
                    proc_macro2::Spacing::Alone => 'a',
                });
            }
            Node::Leaf(TokenTree::Literal(l)) => {
                text_of(buf, l);
                if buf.len() <= 9 && buf.bytes().all(|b| b.is_ascii_digit()) {
                    shape.push('0');
                } else {
                    let _ = write!(shape, "L{}:{}", buf.len(), buf);
                }
            }
            Node::Leaf(TokenTree::Group(g)) => {
                // Not produced by `tree`; keep the text to stay exact.
                let text = g.to_string();
                let _ = write!(shape, "G{}:{}", text.len(), text);
            }
            Node::Group(head, inner) => {
                let (open, close) = match head.delimiter {
                    Delimiter::Parenthesis => ('(', ')'),
                    Delimiter::Brace => ('{', '}'),
                    Delimiter::Bracket => ('[', ']'),
                    Delimiter::None => ('<', '>'),
                };
                shape.push(open);
                describe(buf, inner, shape);
                shape.push(close);
            }
        }
    }
}

/// The grammar a dropped chunk is checked against.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) enum Grammar {
    /// Items of a file.
    Items,
    /// Statements of a block or snippet.
    Stmts,
}

/// Why dropped chunks could not be accounted for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Failure {
    /// A chunk does not parse in the grammar.
    Invalid,
    /// Something unexpected: do not rely on the plan.
    Unsure,
}

/// Parses one chunk per shape and grammar, remembering which of its
/// identifiers the walker collects.
#[derive(Default)]
pub(super) struct Checker {
    items: HashMap<usize, Result<Vec<usize>, Failure>>,
    stmts: HashMap<usize, Result<Vec<usize>, Failure>>,
    buf: String,
}

impl Checker {
    /// Adds to `out` the identifiers the walker would collect from the
    /// chunks, or fails when one does not parse in `grammar`.
    pub(super) fn idents(
        &mut self,
        chunks: &[Dropped],
        grammar: Grammar,
        out: &mut BTreeSet<String>,
    ) -> Result<(), Failure> {
        let seen = match grammar {
            Grammar::Items => &mut self.items,
            Grammar::Stmts => &mut self.stmts,
        };
        for d in chunks {
            match &*seen.entry(d.shape).or_insert_with(|| check(d, grammar)) {
                Ok(at) if at.is_empty() => {}
                Ok(at) => {
                    let idents = d.idents();
                    for &k in at {
                        let id = idents.get(k).ok_or(Failure::Unsure)?;
                        text_of(&mut self.buf, id);
                        let name = self.buf.strip_prefix("r#").unwrap_or(&self.buf);
                        if !out.contains(name) {
                            out.insert(name.to_string());
                        }
                    }
                }
                Err(Failure::Invalid) => return Err(Failure::Invalid),
                Err(Failure::Unsure) => return Err(Failure::Unsure),
            }
        }
        Ok(())
    }
}

/// Parses a chunk; the indices (in `d.idents()`) of the identifiers the
/// walker collects.
fn check(d: &Dropped, grammar: Grammar) -> Result<Vec<usize>, Failure> {
    let mut v = IdentSpans(Vec::new());
    match grammar {
        Grammar::Items => {
            let file = syn::parse2::<syn::File>(d.tokens()).map_err(|_| Failure::Invalid)?;
            if !file.attrs.is_empty() {
                return Err(Failure::Unsure);
            }
            v.visit_file(&file);
        }
        Grammar::Stmts => {
            let mut tokens = d.tokens();
            if d.glued {
                // In the text, a statement follows: the last one of the
                // chunk must not need a `;` (`S { }` does, `if a { }` not).
                let next: TokenStream = "let _ = 0;".parse().map_err(|_| Failure::Unsure)?;
                tokens.extend(next);
            }
            let mut stmts = syn::parse::Parser::parse2(syn::Block::parse_within, tokens)
                .map_err(|_| Failure::Invalid)?;
            if d.glued && stmts.pop().is_none() {
                return Err(Failure::Unsure);
            }
            for s in &stmts {
                v.visit_stmt(s);
            }
        }
    }
    let at: HashMap<(usize, usize), usize> = d
        .idents()
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let lc = id.span().start();
            ((lc.line, lc.column), k)
        })
        .collect();
    v.0.iter()
        .map(|span| {
            let lc = span.start();
            at.get(&(lc.line, lc.column))
                .copied()
                .ok_or(Failure::Unsure)
        })
        .collect()
}

/// Spans of the identifiers the walker collects (see
/// [`super::rust::expr_ident`]), in a chunk without macros or attributes.
struct IdentSpans(Vec<Span>);

impl<'a> Visit<'a> for IdentSpans {
    fn visit_expr(&mut self, e: &'a syn::Expr) {
        if let Some(id) = super::rust::expr_ident(e) {
            self.0.push(id.span());
        }
        visit::visit_expr(self, e);
    }
}

/// Whether every block chunks were dropped from is a block of the tree
/// parsed from the pruned stream (a `{ … ; … }` could also be, say, the
/// body of an impl or invalid code).
pub(super) fn blocks_confirmed(plan: &Plan, visit_all: impl FnOnce(&mut Blocks)) -> bool {
    if plan.blocks.is_empty() {
        return true;
    }
    let mut v = Blocks(HashSet::new());
    visit_all(&mut v);
    plan.blocks.iter().all(|s| {
        let lc = s.start();
        v.0.contains(&(lc.line, lc.column))
    })
}

/// Open-brace positions of the blocks of a tree.
pub(super) struct Blocks(HashSet<(usize, usize)>);

impl<'a> Visit<'a> for Blocks {
    fn visit_block(&mut self, b: &'a syn::Block) {
        let lc = b.brace_token.span.open().start();
        self.0.insert((lc.line, lc.column));
        visit::visit_block(self, b);
    }
}
