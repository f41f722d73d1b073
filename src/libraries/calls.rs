//! Finding calls of client-library methods in Python code.
//!
//! A call is a result when its receiver is an object obtained from a
//! library of the table (`conn = qualysapi.connect()`, `self.qgc =
//! QGConnector(...)`, `with QualysClient() as qc`), or a library module or
//! function (`qualysdk.vmdr.get_host_list(auth)`, `from qualysdk.vmdr
//! import get_host_list as ghl`), and the table maps the method, for the
//! dependency's version, to one or more endpoints. A wrapper call
//! (`conn.request('api/2.0/fo/scan')`, `call_api(auth, 'vmdr',
//! 'list_scans')`) is resolved through the library's action names and URL
//! routes. A method of the same name on any other object is not a result.
//!
//! The analysis is token-based (sunset's lexer), linear in the size of the
//! files: each file is lexed once and walked twice (what it binds, then its
//! calls). Objects flow through assignments, `with … as`, `for … in`,
//! `self.attr` (also from a base class defined in another file of the
//! project, found through its import) and module-level names imported from
//! another file. Names are scoped per function, as Python scopes them.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::manifest::ResolvedDependency;
use super::table::{Library, LibraryTable, Selection};
use crate::extract::lexer::{self, Lexed, Op, Tok};
use crate::extract::Language;

/// A source file given to [`find_calls`]: its path (relative to the
/// project root, `/`-separated) and its text.
#[derive(Clone, Copy, Debug)]
pub struct SourceText<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// How the endpoints of a call were found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The table maps the method or function itself.
    Method,
    /// A wrapper called with one of the library's action names.
    Action(String),
    /// A wrapper called with a path (the library's routes applied); the
    /// text of the argument as written or resolved from a constant.
    Path(String),
}

/// One library call that reaches one or more endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    pub path: String,
    /// 1-based line and column (bytes) of the method name.
    pub line: u32,
    pub column: u32,
    /// The library's package name (`qualysapi`).
    pub library: String,
    /// The method or function called (`launchScan`, `request`).
    pub method: String,
    /// The class of the method in the table, when it is a method.
    pub class: Option<String>,
    pub resolution: Resolution,
    /// Endpoint paths as the library calls them, sorted.
    pub endpoints: Vec<String>,
    /// FO API `action=` values the library sends for this method.
    pub actions: Vec<String>,
    /// The requirement in force (`==6.0.0`, `>=6`), when a manifest names
    /// the library.
    pub requirement: Option<String>,
    /// The exact version when one is pinned or locked.
    pub pinned: Option<String>,
    /// The table could not place the version (no manifest, a git URL, a
    /// version outside the releases read): the endpoints are those of
    /// every release.
    pub version_unknown: bool,
    /// The newest release of the table (for "upgrade to …" messages).
    pub newest: Option<String>,
}

/// The longest `a.b().c.d(` chain followed back from a call: longer ones
/// (generated code) are skipped, which keeps the walk linear.
const MAX_CHAIN: usize = 64;

/// Most base classes followed when looking for an attribute.
const MAX_BASES: usize = 64;

/// Finds every library call in `files` (Python; other files are skipped).
/// `deps` are the project's resolved dependencies ([`super::resolve`]);
/// the one whose directory is the nearest ancestor of a file gives that
/// file's version of each library. Sorted by path, line, column.
pub fn find_calls(
    files: &[SourceText<'_>],
    table: &LibraryTable,
    deps: &[ResolvedDependency],
) -> Vec<CallSite> {
    if table.libraries().is_empty() {
        return Vec::new();
    }
    // Each file is modelled, then read for calls, on its own (in parallel:
    // this step runs after the walk, alone); the calls are gathered in file
    // order and sorted, so the result does not depend on the threads.
    let parsed: Vec<Option<FileModel>> = files
        .par_iter()
        .map(|f| is_python(f.path).then(|| FileModel::build(f, table)))
        .collect();
    let index = ProjectIndex::new(files, &parsed);
    let per_file: Vec<Vec<CallSite>> = files
        .par_iter()
        .zip(parsed.par_iter())
        .map(|(f, model)| {
            let mut out = Vec::new();
            let Some(model) = model else { return out };
            model.calls(f, table, deps, &index, &parsed, &mut out);
            // A library's own source (the library's repository, a vendored
            // copy) calls itself: its paths are in its code, which is
            // scanned as code.
            if let Some(own) = super::vendored::library_of_path(table, f.path) {
                out.retain(|site| site.library != own.library);
            }
            out
        })
        .collect();
    let mut out: Vec<CallSite> = per_file.into_iter().flatten().collect();
    out.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    out.dedup_by(|a, b| a.path == b.path && a.line == b.line && a.column == b.column);
    out
}

fn is_python(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".py") || lower.ends_with(".pyw") || lower.ends_with(".pyi")
}

// ---------------------------------------------------------------------------
// Values.
// ---------------------------------------------------------------------------

/// What an expression is, as far as libraries go.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    /// A library module, or a function or class of one
    /// (`qualysapi`, `qualysapi.connect`, `QGConnector`); `name` is its
    /// last dotted segment.
    Entity { lib: usize, name: String },
    /// An object a library call returned; `class` when it was made by
    /// calling a class of the library (`HostListORM(...)`).
    Object { lib: usize, class: Option<String> },
    /// A string constant.
    Str(String),
    /// `self` or `cls` in a class (the class's scope index).
    Class(usize),
    /// Anything else (a parameter, a rebinding): shadows outer names.
    Other,
}

impl Value {
    fn lib(&self) -> Option<usize> {
        match self {
            Value::Entity { lib, .. } | Value::Object { lib, .. } => Some(*lib),
            Value::Str(_) | Value::Class(_) | Value::Other => None,
        }
    }
}

// ---------------------------------------------------------------------------
// One file.
// ---------------------------------------------------------------------------

/// A statement: its tokens `[start, end)`, indentation and scope.
#[derive(Clone, Copy, Debug)]
struct Stmt {
    start: usize,
    end: usize,
    /// Index into `FileModel::scopes` of the innermost class or def.
    scope: Option<usize>,
}

#[derive(Clone, Debug)]
struct Scope {
    kind: ScopeKind,
    name: String,
    /// A def's parameter names: local names that shadow module-level ones.
    params: Vec<String>,
    /// The enclosing class of a method (for `self.`).
    class: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ScopeKind {
    Class { bases: Vec<String> },
    Def,
}

#[derive(Clone, Debug)]
enum Import {
    /// `import a.b` binds `a` (`module` = `a`); `import a.b as c` binds
    /// `c` to `a.b`.
    Module(String),
    /// `from m import n [as x]`: the dotted target `m.n`.
    Name(String),
}

struct FileModel<'a> {
    lexed: Lexed<'a, usize>,
    stmts: Vec<Stmt>,
    scopes: Vec<Scope>,
    /// Matching bracket of each `(`/`[`/`{` token (and back).
    matching: HashMap<usize, usize>,
    imports: HashMap<String, Import>,
    /// The module's dotted path segments (`actions/lib/base.py` →
    /// `[actions, lib, base]`).
    module: Vec<String>,
    /// Module-level names: library objects and string constants (final
    /// state, for use inside functions).
    globals: HashMap<String, Value>,
    /// Per class scope: attributes holding library objects (`self.x =
    /// …`, class-level `x = …`) and string constants.
    class_attrs: HashMap<usize, HashMap<String, Value>>,
    line_starts: Vec<usize>,
}

impl<'a> FileModel<'a> {
    fn build(f: &SourceText<'a>, table: &LibraryTable) -> FileModel<'a> {
        let lexed = lexer::lex(Language::Python, f.text, 0);
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', f.text.as_bytes()).map(|i| i + 1))
            .collect();
        let mut m = FileModel {
            lexed,
            stmts: Vec::new(),
            scopes: Vec::new(),
            matching: HashMap::new(),
            imports: HashMap::new(),
            module: module_path(f.path),
            globals: HashMap::new(),
            class_attrs: HashMap::new(),
            line_starts,
        };
        m.split(f.text);
        m.bind(table);
        // Every model is held until the last file's calls are read (a call
        // may use another module's names): comments are never read here,
        // and the growth slack of the token lists was a fifth of the run's
        // peak memory.
        m.lexed.comments = Vec::new();
        m.lexed.toks.shrink_to_fit();
        m.lexed.parts.shrink_to_fit();
        m.stmts.shrink_to_fit();
        m.line_starts.shrink_to_fit();
        m
    }

    fn tok(&self, i: usize) -> Option<Tok<'a>> {
        self.lexed.toks.get(i).map(|t| t.tok)
    }

    fn ident(&self, i: usize) -> Option<&'a str> {
        match self.tok(i) {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }

    fn is_op(&self, i: usize, op: Op) -> bool {
        self.tok(i) == Some(Tok::Op(op))
    }

    /// Statements, brackets and scopes.
    fn split(&mut self, text: &str) {
        let toks = &self.lexed.toks;
        let mut stack: Vec<usize> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match t.tok {
                Tok::Op(Op::LParen | Op::LBracket | Op::LBrace) => stack.push(i),
                Tok::Op(Op::RParen | Op::RBracket | Op::RBrace) => {
                    if let Some(open) = stack.pop() {
                        self.matching.insert(open, i);
                        self.matching.insert(i, open);
                    }
                }
                _ => {}
            }
        }
        let mut scope_stack: Vec<(usize, usize)> = Vec::new(); // (indent, scope index)
        let mut start = 0;
        let n = toks.len();
        let mut i = 0;
        while i <= n {
            let at_end = i == n || toks[i].tok == Tok::Newline;
            if !at_end {
                i += 1;
                continue;
            }
            if start < i {
                let first = toks[start].start;
                let line = self.line_starts.partition_point(|&s| s <= first);
                let line_start = self
                    .line_starts
                    .get(line.saturating_sub(1))
                    .copied()
                    .unwrap_or(0);
                let indent = text
                    .get(line_start..first)
                    .unwrap_or("")
                    .bytes()
                    .map(|b| if b == b'\t' { 8 } else { 1 })
                    .sum();
                while scope_stack.last().is_some_and(|&(ind, _)| ind >= indent) {
                    scope_stack.pop();
                }
                let scope = scope_stack.last().map(|&(_, s)| s);
                self.stmts.push(Stmt {
                    start,
                    end: i,

                    scope,
                });
                // A class or def opens a scope for the statements indented
                // under it.
                let mut k = start;
                if self.ident(k) == Some("async") {
                    k += 1;
                }
                match self.ident(k) {
                    Some("class") => {
                        if let Some(name) = self.ident(k + 1) {
                            let mut bases = Vec::new();
                            if self.is_op(k + 2, Op::LParen) {
                                let close = self.matching.get(&(k + 2)).copied().unwrap_or(k + 2);
                                for arg in self.split_args(k + 2, close) {
                                    if let Some(d) = self.dotted(arg.0, arg.1) {
                                        bases.push(d);
                                    }
                                }
                            }
                            let class = self.enclosing_class(scope);
                            self.scopes.push(Scope {
                                kind: ScopeKind::Class { bases },
                                name: name.to_string(),
                                params: Vec::new(),
                                class,
                            });
                            scope_stack.push((indent, self.scopes.len() - 1));
                        }
                    }
                    Some("def") => {
                        if let Some(name) = self.ident(k + 1) {
                            // A method's class is its directly enclosing scope.
                            let class = scope.filter(|&s| {
                                matches!(self.scopes[s].kind, ScopeKind::Class { .. })
                            });
                            let mut params = Vec::new();
                            if self.is_op(k + 2, Op::LParen) {
                                let close = self.matching.get(&(k + 2)).copied().unwrap_or(k + 2);
                                for (a, _) in self.split_args(k + 2, close) {
                                    // `name`, `name=…`, `name: T`, `*args`, `**kw`
                                    let a =
                                        (a..a + 3).find(|&t| self.ident(t).is_some()).unwrap_or(a);
                                    if let Some(p) = self.ident(a) {
                                        params.push(p.to_string());
                                    }
                                }
                            }
                            self.scopes.push(Scope {
                                kind: ScopeKind::Def,
                                name: name.to_string(),
                                params,
                                class,
                            });
                            scope_stack.push((indent, self.scopes.len() - 1));
                        }
                    }
                    _ => {}
                }
            }
            start = i + 1;
            i += 1;
        }
    }

    /// A def's parameters as shadowing locals (`self`/`cls` excluded).
    fn params_of(&self, def: usize) -> HashMap<String, Value> {
        self.scopes
            .get(def)
            .map(|s| {
                s.params
                    .iter()
                    .filter(|p| !matches!(p.as_str(), "self" | "cls"))
                    .map(|p| (p.clone(), Value::Other))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn enclosing_class(&self, scope: Option<usize>) -> Option<usize> {
        let s = scope?;
        match self.scopes[s].kind {
            ScopeKind::Class { .. } => Some(s),
            ScopeKind::Def => self.scopes[s].class,
        }
    }

    /// The innermost def of a statement's scope, if any.
    fn def_of(&self, scope: Option<usize>) -> Option<usize> {
        scope.filter(|&s| self.scopes[s].kind == ScopeKind::Def)
    }

    /// `a.b.c` written from token `s` to `e` (exclusive), nothing else.
    fn dotted(&self, s: usize, e: usize) -> Option<String> {
        let mut out = String::new();
        let mut want_ident = true;
        for k in s..e {
            match (want_ident, self.tok(k)?) {
                (true, Tok::Ident(x)) => out.push_str(x),
                (false, Tok::Op(Op::Dot)) => out.push('.'),
                _ => return None,
            }
            want_ident = !want_ident;
        }
        (!out.is_empty() && !want_ident).then_some(out)
    }

    /// The arguments between an open bracket and its match, split at
    /// top-level commas: `(start, end)` token ranges.
    fn split_args(&self, open: usize, close: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut s = open + 1;
        let mut k = open + 1;
        while k < close {
            if let Some(&m) = self.matching.get(&k) {
                if m > k {
                    k = m + 1;
                    continue;
                }
            }
            if self.is_op(k, Op::Comma) {
                if s < k {
                    out.push((s, k));
                }
                s = k + 1;
            }
            k += 1;
        }
        if s < close {
            out.push((s, close));
        }
        out
    }

    /// First pass: imports, module-level names, class attributes.
    fn bind(&mut self, table: &LibraryTable) {
        let stmts = self.stmts.clone();
        for st in &stmts {
            self.bind_imports(st);
        }
        // Two rounds so that a module-level object assigned from another
        // module-level object defined later still binds.
        for _ in 0..2 {
            for st in &stmts {
                if let Some((targets, value_range)) = self.assignment(st) {
                    let value = self.eval_range(
                        value_range.0,
                        value_range.1,
                        st,
                        table,
                        None,
                        &HashMap::new(),
                    );
                    for t in targets {
                        self.record_binding(st, &t, value.clone());
                    }
                }
                if let Some((name, (s, e))) = self.with_or_for(st) {
                    let value = self
                        .eval_range(s, e, st, table, None, &HashMap::new())
                        .and_then(|v| v.lib())
                        .map(|lib| Value::Object { lib, class: None });
                    self.record_binding(st, &Target::Name(name), value);
                }
            }
        }
    }

    fn record_binding(&mut self, st: &Stmt, target: &Target, value: Option<Value>) {
        match target {
            Target::Name(n) => match st.scope {
                None => match value {
                    Some(v) => {
                        self.globals.insert(n.clone(), v);
                    }
                    None => {
                        self.globals.remove(n);
                    }
                },
                Some(s) if matches!(self.scopes[s].kind, ScopeKind::Class { .. }) => {
                    if let Some(v) = value {
                        self.class_attrs.entry(s).or_default().insert(n.clone(), v);
                    }
                }
                Some(_) => {}
            },
            Target::SelfAttr(a) => {
                let Some(class) = self.enclosing_class(st.scope) else {
                    return;
                };
                if let Some(v) = value.filter(|v| v.lib().is_some()) {
                    self.class_attrs
                        .entry(class)
                        .or_default()
                        .insert(a.clone(), v);
                }
            }
        }
    }

    fn bind_imports(&mut self, st: &Stmt) {
        let (s, e) = (st.start, st.end);
        match self.ident(s) {
            Some("import") => {
                for (a, b) in self.split_commas(s + 1, e) {
                    // `a.b.c [as x]`
                    let as_at = (a..b).find(|&k| self.ident(k) == Some("as"));
                    let name_end = as_at.unwrap_or(b);
                    let Some(dotted) = self.dotted(a, name_end) else {
                        continue;
                    };
                    match as_at.and_then(|k| self.ident(k + 1)) {
                        Some(alias) => {
                            self.imports
                                .insert(alias.to_string(), Import::Module(dotted));
                        }
                        None => {
                            let top = dotted.split('.').next().unwrap_or(&dotted).to_string();
                            self.imports.insert(top.clone(), Import::Module(top));
                        }
                    }
                }
            }
            Some("from") => {
                let Some(imp) = (s..e).find(|&k| self.ident(k) == Some("import")) else {
                    return;
                };
                // The module: dots (relative) then a dotted name.
                let mut dots = 0;
                let mut k = s + 1;
                while k < imp && self.is_op(k, Op::Dot) {
                    dots += 1;
                    k += 1;
                }
                let base = if k < imp {
                    self.dotted(k, imp)
                } else {
                    Some(String::new())
                };
                let Some(base) = base else { return };
                let module = self.absolute(dots, &base);
                let (mut a, mut b) = (imp + 1, e);
                if self.is_op(a, Op::LParen) {
                    b = self.matching.get(&a).copied().unwrap_or(e);
                    a += 1;
                }
                for (x, y) in self.split_commas(a, b) {
                    let Some(name) = self.ident(x) else { continue };
                    let local = if self.ident(x + 1) == Some("as") {
                        self.ident(x + 2).unwrap_or(name)
                    } else {
                        name
                    };
                    let _ = y;
                    let target = if module.is_empty() {
                        name.to_string()
                    } else {
                        format!("{module}.{name}")
                    };
                    self.imports.insert(local.to_string(), Import::Name(target));
                }
            }
            _ => {}
        }
    }

    fn split_commas(&self, s: usize, e: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut a = s;
        for k in s..e {
            if self.is_op(k, Op::Comma) {
                if a < k {
                    out.push((a, k));
                }
                a = k + 1;
            }
        }
        if a < e {
            out.push((a, e));
        }
        out
    }

    /// A relative module (`from ..x import`) made absolute against this
    /// file's package.
    fn absolute(&self, dots: usize, base: &str) -> String {
        if dots == 0 {
            return base.to_string();
        }
        let pkg_len = self.module.len().saturating_sub(dots);
        let mut parts: Vec<&str> = self.module[..pkg_len].iter().map(String::as_str).collect();
        if !base.is_empty() {
            parts.push(base);
        }
        parts.join(".")
    }

    /// `targets = value` at the top level of a statement: the targets
    /// (names and `self.x`) and the value's token range.
    fn assignment(&self, st: &Stmt) -> Option<(Vec<Target>, (usize, usize))> {
        let mut eqs = Vec::new();
        let mut k = st.start;
        while k < st.end {
            if let Some(&m) = self.matching.get(&k) {
                if m > k {
                    k = m + 1;
                    continue;
                }
            }
            if self.is_op(k, Op::Eq) {
                eqs.push(k);
            }
            if matches!(self.ident(k), Some("lambda" | "def" | "class")) {
                return None;
            }
            k += 1;
        }
        let last = *eqs.last()?;
        let mut targets = Vec::new();
        let mut s = st.start;
        for &eq in &eqs {
            // `x: T = v`: the annotation is not part of the target.
            let end = (s..eq).find(|&k| self.is_op(k, Op::Colon)).unwrap_or(eq);
            if let Some(t) = self.target(s, end) {
                targets.push(t);
            }
            s = eq + 1;
        }
        Some((targets, (last + 1, st.end)))
    }

    fn target(&self, s: usize, e: usize) -> Option<Target> {
        match e.checked_sub(s)? {
            1 => self.ident(s).map(|n| Target::Name(n.to_string())),
            3 if matches!(self.ident(s), Some("self" | "cls")) && self.is_op(s + 1, Op::Dot) => {
                self.ident(s + 2).map(|a| Target::SelfAttr(a.to_string()))
            }
            _ => None,
        }
    }

    /// `with EXPR as NAME:` and `for NAME in EXPR:`: the name and the
    /// expression's range.
    fn with_or_for(&self, st: &Stmt) -> Option<(String, (usize, usize))> {
        let (s, e) = (st.start, st.end);
        let colon = (s..e).rev().find(|&k| self.is_op(k, Op::Colon))?;
        match self.ident(s) {
            Some("with") => {
                let as_at = (s..colon).find(|&k| self.ident(k) == Some("as"))?;
                let name = self.ident(as_at + 1)?;
                (as_at + 2 == colon).then(|| (name.to_string(), (s + 1, as_at)))
            }
            Some("for") => {
                let name = self.ident(s + 1)?;
                (self.ident(s + 2) == Some("in")).then(|| (name.to_string(), (s + 3, colon)))
            }
            _ => None,
        }
    }

    /// The value of the expression in `[s, e)` when it is a string, a
    /// chain of names and attributes, or a call of one (and only then).
    fn eval_range(
        &self,
        s: usize,
        e: usize,
        st: &Stmt,
        table: &LibraryTable,
        ctx: Option<&Ctx<'_>>,
        locals: &HashMap<String, Value>,
    ) -> Option<Value> {
        if s >= e {
            return None;
        }
        // Adjacent string literals: one string.
        if (s..e).all(|k| matches!(self.tok(k), Some(Tok::Str(_)))) {
            let mut out = String::new();
            for k in s..e {
                if let Some(Tok::Str(p)) = self.tok(k) {
                    out.push_str(&super::manifest::string_value(&self.lexed, p)?);
                }
            }
            return Some(Value::Str(out));
        }
        // `await x`
        let s = if self.ident(s) == Some("await") {
            s + 1
        } else {
            s
        };
        let mut v = self.head_value(s, st, table, ctx, locals)?;
        let mut k = s + 1;
        while k < e {
            if self.is_op(k, Op::Dot) {
                let attr = self.ident(k + 1)?;
                v = self.attr_value(&v, attr, ctx)?;
                k += 2;
            } else if self.is_op(k, Op::LParen) {
                let close = *self.matching.get(&k)?;
                v = match v {
                    // A class of the library (a capitalised name) makes an
                    // instance of itself; anything else, some object.
                    Value::Entity { lib, name } => Value::Object {
                        lib,
                        class: name
                            .starts_with(|c: char| c.is_ascii_uppercase())
                            .then_some(name),
                    },
                    Value::Object { lib, .. } => Value::Object { lib, class: None },
                    Value::Str(_) | Value::Class(_) | Value::Other => return None,
                };
                k = close + 1;
            } else {
                return None;
            }
        }
        Some(v)
    }

    /// The value of a name at the head of a chain.
    fn head_value(
        &self,
        k: usize,
        st: &Stmt,
        table: &LibraryTable,
        ctx: Option<&Ctx<'_>>,
        locals: &HashMap<String, Value>,
    ) -> Option<Value> {
        let name = self.ident(k)?;
        if matches!(name, "self" | "cls") {
            return self.enclosing_class(st.scope).map(Value::Class);
        }
        if let Some(v) = locals.get(name) {
            return Some(v.clone());
        }
        // A class-level name used in the class body.
        if let Some(s) = st
            .scope
            .filter(|&s| matches!(self.scopes[s].kind, ScopeKind::Class { .. }))
        {
            if let Some(v) = self.class_attrs.get(&s).and_then(|m| m.get(name)) {
                return Some(v.clone());
            }
        }
        if let Some(v) = self.globals.get(name) {
            return Some(v.clone());
        }
        match self.imports.get(name)? {
            Import::Module(m) => {
                let lib = lib_index(table, m)?;
                Some(Value::Entity {
                    lib,
                    name: m.rsplit('.').next().unwrap_or(m).to_string(),
                })
            }
            Import::Name(target) => {
                if let Some(lib) = lib_index(table, target) {
                    return Some(Value::Entity {
                        lib,
                        name: target.rsplit('.').next().unwrap_or(target).to_string(),
                    });
                }
                // A module-level object or constant of another project file.
                let ctx = ctx?;
                let (module, item) = target.rsplit_once('.')?;
                ctx.index
                    .files_for(module)
                    .into_iter()
                    .find_map(|fi| ctx.parsed.get(fi)?.as_ref()?.globals.get(item).cloned())
            }
        }
    }

    /// `value.attr`.
    fn attr_value(&self, v: &Value, attr: &str, ctx: Option<&Ctx<'_>>) -> Option<Value> {
        match v {
            // self.attr / cls.attr: the class's attributes, then its bases'
            // (this file or another).
            Value::Class(class) => self.class_attr(*class, attr, ctx, &mut Vec::new()),
            Value::Entity { lib, .. } => Some(Value::Entity {
                lib: *lib,
                name: attr.to_string(),
            }),
            // An attribute of a library object is treated as one too
            // (`conn.session`); calls on it are looked up by name.
            Value::Object { lib, .. } => Some(Value::Object {
                lib: *lib,
                class: None,
            }),
            Value::Str(_) | Value::Other => None,
        }
    }

    /// `attr` of a class or of its bases, each class visited once and at
    /// most [`MAX_BASES`] of them (`seen` holds (file, class) pairs).
    fn class_attr(
        &self,
        class: usize,
        attr: &str,
        ctx: Option<&Ctx<'_>>,
        seen: &mut Vec<(usize, usize)>,
    ) -> Option<Value> {
        let me = (self as *const FileModel<'_>) as usize;
        if seen.len() >= MAX_BASES || seen.contains(&(me, class)) {
            return None;
        }
        seen.push((me, class));
        if let Some(v) = self.class_attrs.get(&class).and_then(|m| m.get(attr)) {
            return Some(v.clone());
        }
        let ScopeKind::Class { bases } = &self.scopes.get(class)?.kind else {
            return None;
        };
        for base in bases {
            // A base in this file.
            let last = base.rsplit('.').next().unwrap_or(base);
            if !base.contains('.') {
                if let Some(c) = self.class_named(last) {
                    if c != class {
                        if let Some(v) = self.class_attr(c, attr, ctx, seen) {
                            return Some(v);
                        }
                        continue;
                    }
                }
            }
            // A base imported from another file of the project.
            let Some(ctx) = ctx else { continue };
            let head = base.split('.').next().unwrap_or(base);
            let target = match self.imports.get(head) {
                Some(Import::Name(t)) => {
                    let rest = &base[head.len()..];
                    format!("{t}{rest}")
                }
                Some(Import::Module(m)) => {
                    let rest = &base[head.len()..];
                    format!("{m}{rest}")
                }
                None => continue,
            };
            let Some((module, cname)) = target.rsplit_once('.') else {
                continue;
            };
            for fi in ctx.index.files_for(module) {
                let Some(Some(other)) = ctx.parsed.get(fi) else {
                    continue;
                };
                if let Some(c) = other.class_named(cname) {
                    if let Some(v) = other.class_attr(c, attr, Some(ctx), seen) {
                        return Some(v);
                    }
                }
            }
        }
        None
    }

    fn class_named(&self, name: &str) -> Option<usize> {
        self.scopes
            .iter()
            .position(|s| s.name == name && matches!(s.kind, ScopeKind::Class { .. }))
    }

    fn line_col(&self, offset: usize) -> (u32, u32) {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(offset - start + 1).unwrap_or(u32::MAX),
        )
    }

    /// Second pass: every call on a library value.
    fn calls(
        &self,
        f: &SourceText<'_>,
        table: &LibraryTable,
        deps: &[ResolvedDependency],
        index: &ProjectIndex,
        parsed: &[Option<FileModel<'_>>],
        out: &mut Vec<CallSite>,
    ) {
        let ctx = Ctx { index, parsed };
        // Function-local names, per def, in statement order.
        let mut locals: HashMap<usize, HashMap<String, Value>> = HashMap::new();
        let empty = HashMap::new();
        let mut selections: HashMap<usize, (Selection, Option<&ResolvedDependency>)> =
            HashMap::new();
        for st in &self.stmts {
            let def = self.def_of(st.scope);
            // Calls in this statement.
            if let Some(d) = def {
                locals.entry(d).or_insert_with(|| self.params_of(d));
            }
            let scope_locals = def.and_then(|d| locals.get(&d)).unwrap_or(&empty);
            let mut k = st.start;
            while k < st.end {
                if self.is_op(k, Op::LParen) && k > st.start {
                    if let Some(site) =
                        self.call_at(k, st, f, table, deps, &ctx, scope_locals, &mut selections)
                    {
                        out.push(site);
                    }
                }
                k += 1;
            }
            // Bindings this statement makes in its function.
            if let Some(d) = def {
                let current = locals.get(&d).cloned().unwrap_or_else(|| self.params_of(d));
                let mut updates: Vec<(String, Option<Value>)> = Vec::new();
                if let Some((targets, (s, e))) = self.assignment(st) {
                    let v = self.eval_range(s, e, st, table, Some(&ctx), &current);
                    for t in targets {
                        if let Target::Name(n) = t {
                            updates.push((n, v.clone()));
                        }
                    }
                }
                if let Some((name, (s, e))) = self.with_or_for(st) {
                    let v = self
                        .eval_range(s, e, st, table, Some(&ctx), &current)
                        .and_then(|v| v.lib().map(|lib| Value::Object { lib, class: None }));
                    updates.push((name, v));
                }
                let map = locals.entry(d).or_default();
                for (n, v) in updates {
                    match v {
                        Some(v) => {
                            map.insert(n, v);
                        }
                        // Rebinding to anything else shadows a module-level
                        // object of the same name.
                        None => {
                            map.insert(n, Value::Other);
                        }
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call_at<'d>(
        &self,
        open: usize,
        st: &Stmt,
        f: &SourceText<'_>,
        table: &LibraryTable,
        deps: &'d [ResolvedDependency],
        ctx: &Ctx<'_>,
        locals: &HashMap<String, Value>,
        selections: &mut HashMap<usize, (Selection, Option<&'d ResolvedDependency>)>,
    ) -> Option<CallSite> {
        let name_tok = open - 1;
        let method = self.ident(name_tok)?;
        // The callee chain: walk back over `.name`, `(...)` groups.
        let mut s = name_tok;
        let mut links = 0;
        loop {
            links += 1;
            if links > MAX_CHAIN {
                return None;
            }
            if s >= st.start + 2 && self.is_op(s - 1, Op::Dot) {
                let before = s - 2;
                if self.ident(before).is_some() {
                    s = before;
                    continue;
                }
                if self.is_op(before, Op::RParen) {
                    let o = *self.matching.get(&before)?;
                    if o > st.start && self.ident(o - 1).is_some() {
                        s = o - 1;
                        continue;
                    }
                }
                return None;
            }
            break;
        }
        // Not a definition (`def request(`) nor a keyword argument head.
        if s > st.start && matches!(self.ident(s - 1), Some("def" | "class")) {
            return None;
        }
        if s > st.start && self.is_op(s - 1, Op::Dot) {
            return None;
        }
        let callee = self.eval_range(s, open, st, table, Some(ctx), locals)?;
        let receiver = if s < name_tok {
            self.eval_range(s, name_tok - 1, st, table, Some(ctx), locals)
        } else {
            None
        };
        // The class the receiver was made from, when known.
        let hint = match &receiver {
            Some(Value::Object { class, .. }) => class.clone(),
            _ => None,
        };
        let (lib_idx, is_method) = match &callee {
            // recv.method(): recv is an object, or a module/entity.
            Value::Entity { lib, .. } => (*lib, matches!(receiver, Some(Value::Object { .. }))),
            Value::Object { lib, .. } => (*lib, true),
            Value::Str(_) | Value::Class(_) | Value::Other => return None,
        };
        // A function called by an alias is looked up by its own name.
        let method = match &callee {
            Value::Entity { name, .. } if !is_method => name.as_str(),
            _ => method,
        };
        let lib = table.libraries().get(lib_idx)?;
        let (sel, dep) = selections
            .entry(lib_idx)
            .or_insert_with(|| {
                let dep = dependency_for(lib, f.path, deps);
                (lib.select(dep.map(|d| &d.requirement)), dep)
            })
            .clone();
        let close = *self.matching.get(&open)?;
        let mut endpoints = BTreeSet::new();
        let mut actions = BTreeSet::new();
        let mut class = None;
        let mut resolution = Resolution::Method;
        if let Some(w) = lib.wrapper(method, is_method) {
            let args = self.split_args(open, close);
            let arg = self.wrapper_argument(&args, w.argument, w.keyword.as_deref());
            let value = arg.and_then(|(a, b)| self.eval_range(a, b, st, table, Some(ctx), locals));
            if let Some(Value::Str(text)) = value {
                let named = lib.action(&text, &sel);
                if !named.is_empty() {
                    endpoints.extend(named.into_iter().map(str::to_string));
                    resolution = Resolution::Action(text);
                } else if let Some(p) = w.route(&text) {
                    endpoints.insert(p);
                    resolution = Resolution::Path(text);
                }
            }
        } else {
            // On an instance of a known class, that class's methods when the
            // table has any (else any class's: the method may be inherited).
            let of_hint = hint.as_deref().filter(|h| {
                lib.methods_named(method, &sel)
                    .any(|m| m.class.as_deref() == Some(*h))
            });
            for m in lib.methods_named(method, &sel) {
                if m.class.is_some() != is_method {
                    continue;
                }
                if of_hint.is_some() && m.class.as_deref() != of_hint {
                    continue;
                }
                if class.is_none() {
                    class = m.class.clone();
                }
                endpoints.extend(m.endpoints.iter().cloned());
                actions.extend(m.actions.iter().cloned());
            }
        }
        if endpoints.is_empty() {
            return None;
        }
        let offset = self.lexed.toks.get(name_tok)?.start;
        let (line, column) = self.line_col(offset);
        Some(CallSite {
            path: f.path.to_string(),
            line,
            column,
            library: lib.name.clone(),
            method: method.to_string(),
            class,
            resolution,
            endpoints: endpoints.into_iter().collect(),
            actions: actions.into_iter().collect(),
            requirement: dep.map(|d| d.requirement.as_str().to_string()),
            pinned: sel.pinned.clone().filter(|_| !sel.unknown),
            version_unknown: sel.unknown,
            newest: lib.newest().map(|r| r.version.as_str().to_string()),
        })
    }

    /// The token range of a wrapper's path argument: by keyword, else by
    /// position (keyword arguments do not count as positions).
    fn wrapper_argument(
        &self,
        args: &[(usize, usize)],
        position: usize,
        keyword: Option<&str>,
    ) -> Option<(usize, usize)> {
        let is_kw = |a: &(usize, usize)| self.ident(a.0).is_some() && self.is_op(a.0 + 1, Op::Eq);
        if let Some(kw) = keyword {
            if let Some(a) = args
                .iter()
                .find(|a| is_kw(a) && self.ident(a.0) == Some(kw))
            {
                return Some((a.0 + 2, a.1));
            }
        }
        args.iter().filter(|a| !is_kw(a)).nth(position).copied()
    }
}

/// A `name` or `self.name` assignment target.
#[derive(Clone, Debug)]
enum Target {
    Name(String),
    SelfAttr(String),
}

struct Ctx<'p> {
    index: &'p ProjectIndex,
    parsed: &'p [Option<FileModel<'p>>],
}

/// The library whose module starts a dotted import target.
fn lib_index(table: &LibraryTable, dotted: &str) -> Option<usize> {
    let top = dotted.split('.').next()?;
    table
        .libraries()
        .iter()
        .position(|l| l.modules.iter().any(|m| m == top))
}

/// The dependency on `lib` of the nearest project directory above `path`.
fn dependency_for<'d>(
    lib: &Library,
    path: &str,
    deps: &'d [ResolvedDependency],
) -> Option<&'d ResolvedDependency> {
    let norm = lib.ecosystem.normalize_name(&lib.name);
    deps.iter()
        .filter(|d| d.ecosystem == lib.ecosystem && d.name == norm)
        .filter(|d| {
            d.directory.is_empty()
                || path == d.directory
                || path.starts_with(&format!("{}/", d.directory.trim_end_matches('/')))
        })
        .max_by_key(|d| d.directory.len())
}

/// `a/b/c.py` → `[a, b, c]`; `a/b/__init__.py` → `[a, b]`.
fn module_path(path: &str) -> Vec<String> {
    let path = path.trim_start_matches("./");
    let mut parts: Vec<String> = path.split('/').map(str::to_string).collect();
    if let Some(last) = parts.pop() {
        let stem = last
            .strip_suffix(".py")
            .or_else(|| last.strip_suffix(".pyw"))
            .or_else(|| last.strip_suffix(".pyi"))
            .unwrap_or(&last)
            .to_string();
        if stem != "__init__" {
            parts.push(stem);
        }
    }
    parts
}

/// Which files a dotted module name may be: every file whose module path
/// ends with it (the import root is not known).
struct ProjectIndex {
    by_last: BTreeMap<String, Vec<(usize, Vec<String>)>>,
}

impl ProjectIndex {
    fn new(files: &[SourceText<'_>], parsed: &[Option<FileModel<'_>>]) -> ProjectIndex {
        let mut by_last: BTreeMap<String, Vec<(usize, Vec<String>)>> = BTreeMap::new();
        for (i, f) in files.iter().enumerate() {
            if parsed.get(i).is_some_and(Option::is_some) {
                let m = module_path(f.path);
                if let Some(last) = m.last() {
                    by_last.entry(last.clone()).or_default().push((i, m));
                }
            }
        }
        ProjectIndex { by_last }
    }

    fn files_for(&self, dotted: &str) -> Vec<usize> {
        let want: Vec<&str> = dotted.split('.').filter(|s| !s.is_empty()).collect();
        let Some(last) = want.last() else {
            return Vec::new();
        };
        self.by_last
            .get(*last)
            .map(|v| {
                v.iter()
                    .filter(|(_, m)| {
                        m.len() >= want.len()
                            && m[m.len() - want.len()..]
                                .iter()
                                .zip(&want)
                                .all(|(a, b)| a == b)
                    })
                    .map(|(i, _)| *i)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::libraries::manifest::{parse_manifest, ManifestKind};
    use proptest::prelude::*;

    fn table() -> LibraryTable {
        LibraryTable::bundled().expect("bundled table")
    }

    fn run(files: &[(&str, &str)]) -> Vec<CallSite> {
        let files: Vec<SourceText<'_>> = files
            .iter()
            .map(|(path, text)| SourceText { path, text })
            .collect();
        find_calls(&files, &table(), &[])
    }

    #[test]
    fn one_line_and_nested_bodies() {
        let code = "import qualysapi\nc = qualysapi.connect()\nif c: c.listScans()\ndef f():\n    def g():\n        return c.listReports()\n    return g\n";
        let lines: Vec<u32> = run(&[("a.py", code)]).iter().map(|s| s.line).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn non_python_files_are_skipped() {
        let code = "import qualysapi\nc = qualysapi.connect()\nc.listScans()\n";
        assert!(run(&[("a.txt", code), ("a.js", code)]).is_empty());
        assert_eq!(run(&[("a.py", code)]).len(), 1);
    }

    #[test]
    fn unterminated_and_unbalanced_code() {
        for code in [
            "import qualysapi\nc = qualysapi.connect(\nc.listScans(",
            "from qualysapi import (connect\nx = connect()\nx.listScans()",
            "class A(:\n    def f(self:\n        self.c = qualysapi.connect()\n",
            ")))...(((\n",
            "import\nfrom\nfrom . import\nclass\ndef\nwith as:\nfor in:\n",
            "c = = qualysapi.connect()\nc..listScans()\n",
        ] {
            let _ = run(&[("a.py", code)]);
        }
    }

    #[test]
    fn long_inputs_stay_linear() {
        // 20 000 calls in one file, and a 10 000-link attribute chain.
        let mut code = String::from("import qualysapi\nc = qualysapi.connect()\n");
        for _ in 0..20_000 {
            code.push_str("c.listScans()\n");
        }
        code.push('c');
        for _ in 0..10_000 {
            code.push_str(".a()");
        }
        code.push_str(".listScans()\n");
        let start = std::time::Instant::now();
        let sites = run(&[("big.py", &code)]);
        assert_eq!(sites.len(), 20_000);
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn deep_and_cyclic_inheritance_terminates() {
        let mut code = String::from("import qualysapi\nclass C0(C199):\n    pass\n");
        for i in 1..200 {
            code.push_str(&format!("class C{i}(C{}):\n    pass\n", i - 1));
        }
        code.push_str(
            "class Z(C199):\n    def f(self):\n        return self.missing.listScans()\n",
        );
        assert!(run(&[("a.py", &code)]).is_empty());
    }

    #[test]
    fn a_library_calling_itself_is_not_a_call_site() {
        let code =
            "from qualysdk.base.call_api import call_api\ncall_api(auth, 'vmdr', 'list_scans')\n";
        assert!(run(&[("qualysdk/vmdr/scans.py", code)]).is_empty());
        assert!(run(&[("vendor/qualysdk/vmdr/scans.py", code)]).is_empty());
        assert_eq!(run(&[("app/scans.py", code)]).len(), 1);
    }

    #[test]
    fn an_instance_of_a_known_class_uses_that_class() {
        let code = "from qualyspy.vmdr import HostListORM\norm = HostListORM()\norm.load()\n";
        let sites = run(&[("a.py", code)]);
        let s = sites.first().expect("load()");
        assert_eq!(s.class.as_deref(), Some("HostListORM"));
        assert!(
            s.endpoints.iter().all(|e| e.contains("/fo/asset/host/")),
            "{s:?}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics(text in "(import qualysapi|from qualysapi import connect as q|self\\.c = q\\(\\)|c = qualysapi\\.connect\\(\\)|c\\.listScans\\(|class A\\(B\\):|def f\\(self, c\\):|with q\\(\\) as c:|for x in c:|[\\(\\)\\[\\]{}.,:=\"'#\\n ]|[a-z]{1,4}|    ){0,80}") {
            let _ = run(&[("p.py", &text)]);
            for kind in [
                ManifestKind::Requirements,
                ManifestKind::PyProject,
                ManifestKind::Pipfile,
                ManifestKind::PipfileLock,
                ManifestKind::PoetryLock,
                ManifestKind::SetupPy,
                ManifestKind::SetupCfg,
                ManifestKind::PackageJson,
                ManifestKind::PackageLock,
            ] {
                let _ = parse_manifest(kind, &text);
            }
        }
    }
}
