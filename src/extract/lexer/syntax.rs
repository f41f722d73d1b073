//! The shape of one row of the language table: how a language writes
//! comments and strings, and which operators join strings.
//!
//! The fields follow tokei's `languages.json` (`line_comment`,
//! `multi_line_comments`, `nested`, `quotes`, `verbatim_quotes`,
//! `doc_quotes`), plus what a string *builder* needs: escape style,
//! interpolation style, string prefixes, concatenation operators and
//! newline sensitivity. Constructs that are more than a delimiter pair
//! (heredocs, Perl's quote-like operators, Lua's long brackets, …) are
//! [`Form`]s: each is one mechanism in the lexer, which any row may switch
//! on. The rows themselves are in [`crate::extract::language`].

use super::Op;

/// Which tokenizer reads the language. Most languages are [`Lexer::Code`],
/// driven by the rest of the row; the others are line-oriented formats
/// whose statements are lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lexer {
    /// The table-driven tokenizer ([`super::code`]).
    Code,
    /// POSIX shells: words, `NAME=value`, `$VAR`.
    Shell,
    /// Windows `cmd`: `REM`/`::`, `set NAME=value`, `%VAR%`.
    Batch,
    /// Makefiles: `NAME = value` bindings, recipe lines as shell.
    Make,
    /// Dockerfiles: instructions, `ENV`/`ARG` bindings, shell commands.
    Dockerfile,
    /// INI, `.properties`, `.cfg`, `.conf`, `.env`: `key = value` lines.
    Ini,
    /// XML: attribute values and text nodes.
    Xml,
}

/// How a backslash (or another escape character) behaves in a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// No escapes: the closing delimiter always closes (Go raw strings,
    /// Kotlin `"""`).
    None,
    /// `\x` escapes, decoded (C family).
    Backslash,
    /// A backslash keeps the next character from closing the string, and
    /// both stay as text (Python raw strings, regex literals).
    RawBackslash,
    /// Only `\\` and `\<delimiter>` are escapes; any other backslash is
    /// text (Perl and shell-like single quotes).
    Quote,
    /// The delimiter doubled stands for itself (`""` in VB, C# verbatim,
    /// PowerShell single quotes).
    Doubled,
    /// PowerShell double quotes: backtick escapes, and `""` too.
    BacktickDoubled,
}

/// How a string embeds expressions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interp {
    #[default]
    None,
    /// Python f-strings: `{expr}`, `{{` escapes.
    PyFormat,
    /// C# and VB `$"…{expr}…"`.
    Brace,
    /// JS template literals, HCL, Java placeholders: `${expr}`.
    DollarBrace,
    /// Kotlin, Groovy, Scala `s""`, Dart, Julia: `$name`, `${expr}` and
    /// `$(expr)`.
    Template,
    /// Ruby, Elixir: `#{expr}`.
    HashBrace,
    /// PHP, PowerShell, shell, Make: `$name`, `${name}`, `{$name}`,
    /// `$(expr)`.
    Dollar,
    /// Perl: `$name`, `${name}`, `@name`, subscripts (`$h{k}`,
    /// `$r->{k}`), `@{[ expr ]}`.
    Perl,
    /// Windows `cmd`: `%NAME%`, `!NAME!`, `%~dp0`.
    Percent,
    /// Configuration values: `${name}` (Spring, dotenv), `$NAME`,
    /// `%(name)s` (Python's configparser).
    Config,
}

impl Interp {
    /// Whether a quote inside an interpolation's braces belongs to the
    /// interpolation (`` `${a["b"]}` ``) instead of closing the string.
    pub fn nests_quotes(self) -> bool {
        matches!(self, Interp::DollarBrace | Interp::Template)
    }

    /// Whether braces are counted inside the string body (for
    /// [`Interp::nests_quotes`], and so that a single-line string may break
    /// a line inside an interpolation).
    pub fn counts_braces(self) -> bool {
        !matches!(
            self,
            Interp::None | Interp::Perl | Interp::Percent | Interp::Config
        )
    }
}

/// Where a line-comment marker counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// Anywhere outside a string.
    Anywhere,
    /// Only as the first non-blank text of a line.
    LineStart,
    /// At the start of a line or after a blank (INI's `key = v ; note`).
    AfterBlank,
    /// A keyword, in any case, at the start of a statement (VB's `REM`):
    /// followed by a blank or the end of the line.
    Keyword,
}

/// A line comment: `marker` to the end of the line.
#[derive(Clone, Copy, Debug)]
pub struct LineComment {
    pub marker: &'static str,
    pub at: At,
    /// Bytes that, right after the marker, make it something else (PHP's
    /// `#[` attribute, Haskell's `-->` operator).
    pub not_before: &'static [u8],
}

impl LineComment {
    pub const fn new(marker: &'static str) -> LineComment {
        LineComment {
            marker,
            at: At::Anywhere,
            not_before: b"",
        }
    }

    pub const fn at(marker: &'static str, at: At) -> LineComment {
        LineComment {
            marker,
            at,
            not_before: b"",
        }
    }

    pub const fn not_before(marker: &'static str, not_before: &'static [u8]) -> LineComment {
        LineComment {
            marker,
            at: At::Anywhere,
            not_before,
        }
    }
}

/// A block comment between `open` and `close`.
#[derive(Clone, Copy, Debug)]
pub struct BlockComment {
    pub open: &'static str,
    pub close: &'static str,
    /// Whether comments nest (`/* /* */ */` in Rust, Kotlin, Scala;
    /// Haskell's `{- -}`).
    pub nested: bool,
    /// Both markers must start a line, and the comment runs to the end of
    /// the closing line (Ruby `=begin`/`=end`, Perl POD).
    pub lines: bool,
    /// The opening marker must be followed by a letter (POD's `=head1`,
    /// `=pod`, … all open a block).
    pub letter_after: bool,
}

impl BlockComment {
    pub const fn new(open: &'static str, close: &'static str) -> BlockComment {
        BlockComment {
            open,
            close,
            nested: false,
            lines: false,
            letter_after: false,
        }
    }

    pub const fn nested(open: &'static str, close: &'static str) -> BlockComment {
        BlockComment {
            nested: true,
            ..BlockComment::new(open, close)
        }
    }

    pub const fn lines(open: &'static str, close: &'static str) -> BlockComment {
        BlockComment {
            lines: true,
            ..BlockComment::new(open, close)
        }
    }
}

/// A kind of string literal between `open` and `close`.
#[derive(Clone, Copy, Debug)]
pub struct Quote {
    pub open: &'static str,
    pub close: &'static str,
    pub escape: Escape,
    /// Whether a line break may occur inside. A single-line string that
    /// meets the end of its line gives its quote back, so a stray
    /// apostrophe cannot swallow the rest of a file.
    pub multiline: bool,
    pub interp: Interp,
}

impl Quote {
    /// A single-line string with backslash escapes and no interpolation.
    pub const fn plain(q: &'static str) -> Quote {
        Quote {
            open: q,
            close: q,
            escape: Escape::Backslash,
            multiline: false,
            interp: Interp::None,
        }
    }

    pub const fn multiline(self) -> Quote {
        Quote {
            multiline: true,
            ..self
        }
    }

    pub const fn escape(self, escape: Escape) -> Quote {
        Quote { escape, ..self }
    }

    pub const fn interp(self, interp: Interp) -> Quote {
        Quote { interp, ..self }
    }
}

/// A string prefix (`r"…"`, `f'…'`, `$"…"`, `@"…"`, `s"…"`): text written
/// right before one of the row's quotes that changes how the string reads.
#[derive(Clone, Copy, Debug)]
pub struct Prefix {
    pub text: &'static str,
    /// Whether `text` matches in any case (Python's `R"…"`, `Rb'…'`).
    pub any_case: bool,
    /// The opening quotes it applies to (first bytes).
    pub quotes: &'static [u8],
    pub escape: Option<Escape>,
    pub interp: Option<Interp>,
    /// Makes the string multi-line (C# `@"…"`).
    pub multiline: bool,
    /// Rust raw strings: `#`s between the prefix and the quote, repeated
    /// after the closing quote.
    pub hashes: bool,
}

impl Prefix {
    pub const fn new(text: &'static str, quotes: &'static [u8]) -> Prefix {
        Prefix {
            text,
            any_case: false,
            quotes,
            escape: None,
            interp: None,
            multiline: false,
            hashes: false,
        }
    }

    pub const fn any_case(self) -> Prefix {
        Prefix {
            any_case: true,
            ..self
        }
    }

    pub const fn escape(self, escape: Escape) -> Prefix {
        Prefix {
            escape: Some(escape),
            ..self
        }
    }

    pub const fn interp(self, interp: Interp) -> Prefix {
        Prefix {
            interp: Some(interp),
            ..self
        }
    }

    pub const fn multiline(self) -> Prefix {
        Prefix {
            multiline: true,
            ..self
        }
    }

    pub const fn hashes(self) -> Prefix {
        Prefix {
            hashes: true,
            ..self
        }
    }
}

/// Heredocs: `<<TAG` … a line holding `TAG`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// `<<` (Perl, Ruby, HCL) or `<<<` (PHP).
    pub opener: &'static str,
    /// Flags allowed right after the opener that let the closing tag be
    /// indented (`~` and `-`).
    pub flags: &'static [u8],
    /// Whether the closing tag may always be indented (PHP 7.3, HCL).
    pub indented_close: bool,
    /// How an unquoted or double-quoted heredoc interpolates; a
    /// single-quoted tag makes the body raw.
    pub interp: Interp,
}

/// Constructs beyond delimiter pairs. Each is one mechanism of the code
/// lexer, and any row may switch it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `'` starts a character literal (`'a'`, `'\n'`) or is a lone tick (a
    /// Rust lifetime, a Haskell promoted name, a Scala symbol).
    CharOrTick,
    /// Lua long brackets: `[[…]]`, `[==[…]==]` strings, and `--[[…]]`
    /// comments after the line-comment marker.
    LongBrackets,
    /// Perl's quote-like operators: `q()`, `qq{}`, `qw//`, `qx`, `m`, `qr`,
    /// `s`, `tr`, `y`, with any delimiter.
    PerlQuoteOps,
    /// A `/…/` literal where an operand is expected: a regex (Perl, raw)
    /// or a Groovy slashy string (interpolating). Single-line.
    Slash(Interp),
    /// Groovy's dollar-slashy strings `$/…/$`.
    DollarSlash,
    /// Elixir sigils: `~s(…)`, `~S"…"`, `~r/…/`, `~w[…]`.
    Sigils,
    /// PowerShell here-strings `@"…"@` and `@'…'@`.
    HereString,
    /// Heredocs with the given syntax.
    Heredoc(Heredoc),
    /// `__END__` / `__DATA__` at the start of a line: the rest of the file
    /// is data, read as a comment (Perl, Ruby).
    DataSection,
    /// Elixir module attributes: `@doc`, `@moduledoc`, `@typedoc`
    /// followed by a string are documentation (a comment); any other
    /// `@name "value"` starting a line defines `name`.
    ModuleAttributes,
}

/// Variable sigils that make `$name` (or `@name`) one identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sigil {
    None,
    /// `$name`, `${name}`, PowerShell's `$env:NAME` (PHP, PowerShell).
    Dollar,
    /// `@name`, `@@name` (Ruby instance variables, Elixir attributes).
    At,
    /// Perl: `$name`, `@name`, `%name`, `$#name`, `${name}`, and the
    /// punctuation variables (`$/`, `$"`, `$'`, …) that must not start
    /// anything else.
    Perl,
}

/// One language's syntax: comments, strings, and how strings are joined.
#[derive(Clone, Copy, Debug)]
pub struct Syntax {
    pub lexer: Lexer,
    pub line_comments: &'static [LineComment],
    pub block_comments: &'static [BlockComment],
    /// String literals, tried in order (longer openers first: `"""`
    /// before `"`).
    pub quotes: &'static [Quote],
    pub prefixes: &'static [Prefix],
    pub forms: &'static [Form],
    pub sigil: Sigil,
    /// Whether a line break ends a statement: the lexer then emits
    /// [`super::Tok::Newline`] outside brackets.
    pub newline: bool,
    /// Whether `{` counts as a bracket for that (Python's dicts).
    pub brace_brackets: bool,
    /// A line-continuation byte other than `\`, written before the line
    /// break (PowerShell's backtick, VB's ` _`).
    pub continuation: Option<u8>,
    /// Whether `'` may continue an identifier (Haskell's `x'`).
    pub prime_idents: bool,
    /// Whether keywords are matched in any case (VB).
    pub any_case: bool,
    /// Two-byte operators lexed only in this language (`++`, `<>`, `<-`).
    pub extra_ops: &'static [Op],
    /// Operators that join strings (`+`, PHP/Perl `.`, VB `&`, Lua `..`,
    /// Elixir/Haskell `<>`, Haskell `++`).
    pub concat: &'static [Op],
    /// Whether adjacent literals are one string (`"a" "b"` in Python, C).
    pub adjacent: bool,
    /// Whether a string alone on a line is documentation (Python, Ruby).
    pub docstrings: bool,
    /// Whether `"…%s…" % args` formats (Python, Ruby).
    pub percent_format: bool,
    /// The keyword between a name and its type in a declaration
    /// (`Dim url As String = …`).
    pub type_keyword: Option<&'static str>,
    /// Functions that join their arguments into one string, with the
    /// separator (`paste0` in R).
    pub join_fns: &'static [(&'static str, &'static str)],
    /// Objective-C message sends (`[NSString stringWithFormat:@"…", x]`).
    pub messages: bool,
}

impl Syntax {
    /// A row with nothing switched on; rows override what they use.
    pub const NONE: Syntax = Syntax {
        lexer: Lexer::Code,
        line_comments: &[],
        block_comments: &[],
        quotes: &[],
        prefixes: &[],
        forms: &[],
        sigil: Sigil::None,
        newline: false,
        brace_brackets: false,
        continuation: None,
        prime_idents: false,
        any_case: false,
        extra_ops: &[],
        concat: &[Op::Plus],
        adjacent: false,
        docstrings: false,
        percent_format: false,
        type_keyword: None,
        join_fns: &[],
        messages: false,
    };

    pub fn has_form(&self, form: Form) -> bool {
        self.forms.contains(&form)
    }

    pub fn heredoc(&self) -> Option<Heredoc> {
        self.forms.iter().find_map(|f| match f {
            Form::Heredoc(h) => Some(*h),
            _ => None,
        })
    }

    pub fn slash(&self) -> Option<Interp> {
        self.forms.iter().find_map(|f| match f {
            Form::Slash(i) => Some(*i),
            _ => None,
        })
    }

    /// Whether `op` joins strings here.
    pub fn concatenates(&self, op: Op) -> bool {
        self.concat.contains(&op)
    }
}

/// Byte classes of a row, for the lexer's hot loop: what a byte may start.
/// A byte with no class (most bytes of code) goes straight to the plain
/// token rules; one with a class is tried only against those constructs.
pub const COMMENT: u8 = 1;
pub const QUOTE: u8 = 2;
/// A string prefix that is no identifier (`$"…"`, `@"…"`).
pub const PREFIX: u8 = 4;
pub const SIGIL: u8 = 8;
pub const FORM: u8 = 16;
/// A line continuation (`\`, or the row's own byte) before a line break.
pub const CONTINUATION: u8 = 32;

const fn mark(t: &mut [u8; 256], b: u8, class: u8) {
    t[b as usize] |= class;
}

/// Per byte, 1 + the index in `s.quotes` of the one-byte quote that byte
/// opens when no other quote of the row starts with it (0 otherwise): the
/// lexer goes straight to that string.
pub const fn plain_quotes(s: &Syntax) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < s.quotes.len() {
        let q = &s.quotes[k];
        let open = q.open.as_bytes();
        let first = open[0] as usize;
        let single = open.len() == 1 && q.close.len() == 1 && q.close.as_bytes()[0] == open[0];
        // Another quote (`"""`) or form starting with the byte keeps it off
        // the table.
        let mut alone = true;
        let mut m = 0;
        while m < s.quotes.len() {
            if m != k && s.quotes[m].open.as_bytes()[0] as usize == first {
                alone = false;
            }
            m += 1;
        }
        if single && alone && k < 255 {
            t[first] = k as u8 + 1;
        }
        k += 1;
    }
    t
}

/// The byte classes of `s`, computed at compile time.
pub const fn classes(s: &Syntax) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut k = 0;
    while k < s.line_comments.len() {
        let c = &s.line_comments[k];
        // Keyword markers are identifiers: the identifier rule checks them.
        if !matches!(c.at, At::Keyword) {
            mark(&mut t, c.marker.as_bytes()[0], COMMENT);
        }
        k += 1;
    }
    k = 0;
    while k < s.block_comments.len() {
        mark(&mut t, s.block_comments[k].open.as_bytes()[0], COMMENT);
        k += 1;
    }
    k = 0;
    while k < s.quotes.len() {
        mark(&mut t, s.quotes[k].open.as_bytes()[0], QUOTE);
        k += 1;
    }
    k = 0;
    while k < s.prefixes.len() {
        let first = s.prefixes[k].text.as_bytes()[0];
        // Letter prefixes are identifiers: the identifier rule checks them.
        if !first.is_ascii_alphabetic() {
            mark(&mut t, first, PREFIX);
        }
        k += 1;
    }
    match s.sigil {
        Sigil::None => {}
        Sigil::Dollar => mark(&mut t, b'$', SIGIL),
        Sigil::At => mark(&mut t, b'@', SIGIL),
        Sigil::Perl => {
            mark(&mut t, b'$', SIGIL);
            mark(&mut t, b'@', SIGIL);
            mark(&mut t, b'%', SIGIL);
        }
    }
    k = 0;
    while k < s.forms.len() {
        match s.forms[k] {
            Form::CharOrTick => mark(&mut t, b'\'', FORM),
            Form::LongBrackets => mark(&mut t, b'[', FORM),
            Form::PerlQuoteOps | Form::DataSection => {}
            Form::Slash(_) => mark(&mut t, b'/', FORM),
            Form::DollarSlash => mark(&mut t, b'$', FORM),
            Form::Sigils => mark(&mut t, b'~', FORM),
            Form::HereString | Form::ModuleAttributes => mark(&mut t, b'@', FORM),
            Form::Heredoc(h) => mark(&mut t, h.opener.as_bytes()[0], FORM),
        }
        k += 1;
    }
    mark(&mut t, b'\\', CONTINUATION);
    if let Some(c) = s.continuation {
        mark(&mut t, c, CONTINUATION);
    }
    t
}
