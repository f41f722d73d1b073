//! From a file's text to reconstructed string expressions.
//!
//! Every extractor produces the same shapes: an [`Expr`] is a string as the
//! program would build it (literals joined by concatenation, interpolation,
//! format arguments and same-file constants), made of [`Seg`]ments that
//! remember where each piece of text came from, so a finding can point at
//! the right span and a fix can tell whether one literal holds the version.
//! Unresolved pieces (a variable defined elsewhere, a runtime value) are a
//! single [`HOLE`] character.

pub mod assemble;
pub mod flow;
pub mod fold;
pub mod language;
pub mod lexer;
pub mod markup;
pub mod notebook;
pub mod rust;
pub mod structured;
pub mod window;

use crate::model::FindingKind;

pub use language::Language;

/// Stands for a piece of a string that cannot be known statically.
pub const HOLE: char = '\u{0}';

/// A piece of reconstructed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seg {
    /// The text; a single [`HOLE`] when unresolved.
    pub text: String,
    /// Byte offset in the file of `text[0]` when `text` is a verbatim copy
    /// of the source (no escapes inside): then byte `i` of `text` is byte
    /// `src + i` of the file.
    pub src: Option<usize>,
    /// Byte span, at the place the expression is written, of the token that
    /// supplied this text (the literal itself, or the identifier that was
    /// resolved to it).
    pub site: (usize, usize),
    /// The variable or constant whose value supplied this text, with the
    /// byte offset of its definition.
    pub via: Option<(String, usize)>,
    /// For a hole: the identifier (last dotted name) that could not be
    /// resolved in this file, for cross-file resolution.
    pub hole: Option<String>,
}

impl Seg {
    pub fn literal(text: impl Into<String>, src: Option<usize>, site: (usize, usize)) -> Seg {
        Seg {
            text: text.into(),
            src,
            site,
            via: None,
            hole: None,
        }
    }

    pub fn hole(name: Option<String>, site: (usize, usize)) -> Seg {
        Seg {
            text: HOLE.to_string(),
            src: None,
            site,
            via: None,
            hole: name,
        }
    }

    pub fn is_hole(&self) -> bool {
        self.text.starts_with(HOLE)
    }
}

/// A reconstructed string (or a comment / prose text for mentions).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expr {
    pub segs: Vec<Seg>,
    /// `Call` for code, curl commands, request definitions; `Mention` for
    /// comments and prose.
    pub kind: Option<FindingKind>,
}

impl Expr {
    pub fn new(kind: FindingKind) -> Expr {
        Expr {
            segs: Vec::new(),
            kind: Some(kind),
        }
    }

    pub fn kind(&self) -> FindingKind {
        self.kind.unwrap_or(FindingKind::Call)
    }

    /// The whole text, holes included.
    pub fn text(&self) -> String {
        // Sized up front: the matcher joins every expression it looks at.
        let mut text = String::with_capacity(self.segs.iter().map(|s| s.text.len()).sum());
        for s in &self.segs {
            text.push_str(&s.text);
        }
        text
    }

    /// Byte span covering every site of the expression.
    pub fn site(&self) -> Option<(usize, usize)> {
        let start = self.segs.iter().map(|s| s.site.0).min()?;
        let end = self.segs.iter().map(|s| s.site.1).max()?;
        Some((start, end))
    }

    /// Appends a segment, merging adjacent literal text from one site.
    pub fn push(&mut self, seg: Seg) {
        self.segs.push(seg);
    }
}

/// A name bound to a string value in a file (`BASE = "https://…/api/2.0/fo/"`,
/// `base_url: …` in a settings file), kept for cross-file resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The bound name as written (last dotted component, without `$`).
    pub name: String,
    pub value: Expr,
    /// Byte offset of the definition.
    pub offset: usize,
}

/// Everything extracted from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub exprs: Vec<Expr>,
    pub bindings: Vec<Binding>,
    /// Identifiers the file refers to (for picking a cross-file base by name).
    pub idents: Vec<String>,
}

/// What a scan needs from a file: [`extract`] without the code expressions
/// and bindings that hold no `/`, which can be no endpoint, relative
/// endpoint piece or base (see [`assemble::extract_code_for_scan`]).
pub fn extract_for_scan(lang: Language, text: &str) -> Extracted {
    extract_for_scan_at(lang.refine(text), text, 0)
}

/// [`extract_for_scan`] of a piece of a file that starts at byte `base`
/// (`lang` already refined on the whole file).
pub fn extract_for_scan_at(lang: Language, text: &str, base: usize) -> Extracted {
    match lang {
        Language::Rust | Language::Json | Language::Yaml | Language::Markdown | Language::Text => {
            extract(lang, text, base)
        }
        _ => assemble::extract_code_for_scan(lang, text, base),
    }
}

/// Extracts expressions from `text` (already decoded, BOM removed).
/// `base` is added to every byte offset (for embedded code such as a
/// Markdown fence).
/// A [`Language::Text`] file whose `#!` line names an interpreter is read
/// as that language.
pub fn extract(lang: Language, text: &str, base: usize) -> Extracted {
    let lang = lang.refine(text);
    match lang {
        Language::Rust => rust::extract(text, base),
        Language::Json => structured::extract_json(text, base),
        Language::Yaml => structured::extract_yaml(text, base),
        Language::Markdown => markup::extract_markdown(text, base),
        Language::Text => markup::extract_text(text, base),
        _ => assemble::extract_code(lang, text, base),
    }
}

/// Random code-like text for the extractors' robustness tests: bytes drawn
/// mostly from `alphabet`, one in eight arbitrary (so invalid UTF-8 and
/// control bytes occur), from a xorshift generator seeded with `seed`.
#[cfg(test)]
pub(crate) fn garbage(seed: u64, n: usize, alphabet: &[u8]) -> String {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut bytes = Vec::with_capacity(n);
    for _ in 0..n {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        bytes.push(if s & 7 == 0 {
            (s >> 24) as u8
        } else {
            alphabet[(s >> 32) as usize % alphabet.len()]
        });
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
