//! The language table: one row per language, holding how a file is
//! recognised (extensions, file names, `#!` interpreters, Markdown fence
//! names) and how it writes comments and strings ([`Syntax`]).
//!
//! A language is a row, not a module: the code lexer
//! ([`super::lexer`]) reads the row, and the assembler reads its
//! concatenation operators. Adding a language that writes comments and
//! strings like an existing one is adding a row.

use super::lexer::syntax::{
    classes, plain_quotes, At, BlockComment, Escape, Form, Heredoc, Interp, Lexer, LineComment,
    Prefix, Quote, Sigil, Syntax,
};
use super::lexer::Op;

/// The language of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Python,
    /// Java, C, C++, Swift: C syntax; `"${…}"` is read as a placeholder
    /// (Spring's `@Value("${base}/api/…")`).
    CLike,
    /// JavaScript and TypeScript.
    JavaScript,
    Go,
    CSharp,
    Php,
    Ruby,
    Shell,
    PowerShell,
    Rust,
    Kotlin,
    Scala,
    Groovy,
    Dart,
    ObjectiveC,
    Perl,
    /// VB.NET, VBA, VBScript.
    VisualBasic,
    Haskell,
    Lua,
    R,
    Elixir,
    Julia,
    Clojure,
    /// OCaml and F#.
    Ml,
    /// ColdFusion (CFML).
    Cfml,
    /// Windows `cmd` batch files.
    Batch,
    Makefile,
    Dockerfile,
    /// Terraform and other HCL.
    Hcl,
    Xml,
    /// INI, `.cfg`, `.conf`.
    Ini,
    /// Java `.properties`.
    Properties,
    /// `.env` files.
    Dotenv,
    Json,
    Yaml,
    Markdown,
    /// Anything else: plain text, logs, unknown types.
    Text,
}

/// One language: how its files are named, and its syntax.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub lang: Language,
    pub name: &'static str,
    /// Lower-case extensions, without the dot.
    pub extensions: &'static [&'static str],
    /// Exact file names; a trailing `*` matches any rest
    /// (`Dockerfile.*`).
    pub file_names: &'static [&'static str],
    /// Interpreters named by a `#!` line (`perl`, `python3` → `python`).
    pub interpreters: &'static [&'static str],
    /// Markdown fence info words, lower case.
    pub fences: &'static [&'static str],
    pub syntax: Syntax,
}

const C_COMMENTS: &[LineComment] = &[LineComment::new("//")];
const C_BLOCK: &[BlockComment] = &[BlockComment::new("/*", "*/")];
const C_BLOCK_NESTED: &[BlockComment] = &[BlockComment::nested("/*", "*/")];
const HASH_COMMENTS: &[LineComment] = &[LineComment::new("#")];

/// `"…"` and `'…'`, single-line, backslash escapes.
const C_QUOTES: &[Quote] = &[Quote::plain("\""), Quote::plain("'")];

/// Python's string prefixes, in any case and order.
const PY_PREFIXES: &[Prefix] = {
    const Q: &[u8] = b"\"'";
    &[
        Prefix::new("rb", Q).any_case().escape(Escape::RawBackslash),
        Prefix::new("br", Q).any_case().escape(Escape::RawBackslash),
        Prefix::new("rf", Q)
            .any_case()
            .escape(Escape::RawBackslash)
            .interp(Interp::PyFormat),
        Prefix::new("fr", Q)
            .any_case()
            .escape(Escape::RawBackslash)
            .interp(Interp::PyFormat),
        Prefix::new("r", Q).any_case().escape(Escape::RawBackslash),
        Prefix::new("f", Q).any_case().interp(Interp::PyFormat),
        Prefix::new("b", Q).any_case(),
        Prefix::new("u", Q).any_case(),
    ]
};

const TABLE: [Row; 37] = [
    Row {
        lang: Language::Python,
        name: "Python",
        extensions: &["py", "pyw", "pyi"],
        file_names: &["SConstruct", "SConscript"],
        interpreters: &["python", "python2", "python3", "ipython"],
        fences: &["python", "py", "python3", "ipython", "py3"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            quotes: &[
                Quote::plain("\"\"\"").multiline(),
                Quote::plain("'''").multiline(),
                Quote::plain("\""),
                Quote::plain("'"),
            ],
            prefixes: PY_PREFIXES,
            newline: true,
            brace_brackets: true,
            adjacent: true,
            docstrings: true,
            percent_format: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::CLike,
        name: "C-like (Java, C, C++, Swift)",
        extensions: &[
            "java", "swift", "c", "h", "cc", "cpp", "hpp", "cxx", "hh", "hxx", "c++", "ino",
        ],
        file_names: &[],
        interpreters: &[],
        fences: &["java", "c", "cpp", "c++", "swift", "h"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK,
            quotes: &[
                Quote::plain("\"\"\"").multiline(),
                Quote::plain("\"").interp(Interp::DollarBrace),
                Quote::plain("'"),
            ],
            adjacent: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::JavaScript,
        name: "JavaScript/TypeScript",
        extensions: &[
            "js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts", "vue", "svelte",
        ],
        file_names: &[],
        interpreters: &["node", "nodejs", "deno", "bun", "ts-node"],
        fences: &["js", "javascript", "ts", "typescript", "jsx", "tsx", "node"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK,
            quotes: &[
                Quote::plain("`").multiline().interp(Interp::DollarBrace),
                Quote::plain("\""),
                Quote::plain("'"),
            ],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Go,
        name: "Go",
        extensions: &["go"],
        file_names: &[],
        interpreters: &[],
        fences: &["go", "golang"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK,
            quotes: &[
                Quote::plain("`").multiline().escape(Escape::None),
                Quote::plain("\""),
                Quote::plain("'"),
            ],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::CSharp,
        name: "C#",
        extensions: &["cs", "csx"],
        file_names: &[],
        interpreters: &[],
        fences: &["cs", "csharp", "c#"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK,
            quotes: &[
                Quote::plain("\"\"\"").multiline(),
                Quote::plain("\""),
                Quote::plain("'"),
            ],
            prefixes: &[
                Prefix::new("$@", b"\"")
                    .escape(Escape::Doubled)
                    .multiline()
                    .interp(Interp::Brace),
                Prefix::new("@$", b"\"")
                    .escape(Escape::Doubled)
                    .multiline()
                    .interp(Interp::Brace),
                Prefix::new("$$", b"\"").interp(Interp::Brace),
                Prefix::new("$", b"\"").interp(Interp::Brace),
                Prefix::new("@", b"\"").escape(Escape::Doubled).multiline(),
            ],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Php,
        name: "PHP",
        extensions: &["php", "phtml", "php3", "php4", "php5", "phps"],
        file_names: &[],
        interpreters: &["php"],
        fences: &["php"],
        syntax: Syntax {
            line_comments: &[LineComment::not_before("#", b"["), LineComment::new("//")],
            block_comments: C_BLOCK,
            quotes: &[
                Quote::plain("\"").multiline().interp(Interp::Dollar),
                Quote::plain("'").multiline(),
                Quote::plain("`").multiline().escape(Escape::None),
            ],
            forms: &[Form::Heredoc(Heredoc {
                opener: "<<<",
                flags: b"",
                indented_close: true,
                interp: Interp::Dollar,
            })],
            sigil: Sigil::Dollar,
            concat: &[Op::Plus, Op::Dot],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Ruby,
        name: "Ruby",
        extensions: &["rb", "rake", "gemspec", "ru", "rbw"],
        file_names: &[
            "Rakefile",
            "Gemfile",
            "Vagrantfile",
            "Guardfile",
            "Podfile",
            "Fastfile",
            "Brewfile",
        ],
        interpreters: &["ruby", "jruby"],
        fences: &["ruby", "rb"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            block_comments: &[BlockComment::lines("=begin", "=end")],
            quotes: &[
                Quote::plain("\"").multiline().interp(Interp::HashBrace),
                Quote::plain("`").multiline().interp(Interp::HashBrace),
                Quote::plain("'").multiline(),
            ],
            forms: &[
                Form::Heredoc(Heredoc {
                    opener: "<<",
                    flags: b"~-",
                    indented_close: false,
                    interp: Interp::HashBrace,
                }),
                Form::DataSection,
            ],
            sigil: Sigil::At,
            newline: true,
            adjacent: true,
            docstrings: true,
            percent_format: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Shell,
        name: "Shell",
        extensions: &[
            "sh", "bash", "zsh", "ksh", "fish", "bats", "command", "tool",
        ],
        file_names: &[
            ".bashrc",
            ".bash_profile",
            ".profile",
            ".zshrc",
            ".zprofile",
            ".kshrc",
            "PKGBUILD",
        ],
        interpreters: &["sh", "bash", "zsh", "ksh", "dash", "ash", "fish", "mksh"],
        fences: &[
            "sh",
            "bash",
            "shell",
            "zsh",
            "console",
            "shell-session",
            "curl",
            "ksh",
        ],
        syntax: Syntax {
            lexer: Lexer::Shell,
            line_comments: HASH_COMMENTS,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::PowerShell,
        name: "PowerShell",
        extensions: &["ps1", "psm1", "psd1"],
        file_names: &[],
        interpreters: &["pwsh", "powershell"],
        fences: &["powershell", "ps1", "pwsh", "ps", "posh"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            block_comments: &[BlockComment::new("<#", "#>")],
            quotes: &[
                Quote::plain("\"")
                    .multiline()
                    .escape(Escape::BacktickDoubled)
                    .interp(Interp::Dollar),
                Quote::plain("'").multiline().escape(Escape::Doubled),
            ],
            forms: &[Form::HereString],
            sigil: Sigil::Dollar,
            newline: true,
            continuation: Some(b'`'),
            any_case: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Rust,
        name: "Rust",
        extensions: &["rs"],
        file_names: &[],
        interpreters: &[],
        fences: &["rust", "rs"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK_NESTED,
            quotes: &[Quote::plain("\"").multiline()],
            prefixes: &[
                Prefix::new("br", b"\"#").hashes(),
                Prefix::new("r", b"\"#").hashes(),
                Prefix::new("b", b"\"").multiline(),
            ],
            forms: &[Form::CharOrTick],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Kotlin,
        name: "Kotlin",
        extensions: &["kt", "kts"],
        file_names: &[],
        interpreters: &["kotlin"],
        fences: &["kotlin", "kt", "kts"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK_NESTED,
            quotes: &[
                Quote::plain("\"\"\"")
                    .multiline()
                    .escape(Escape::None)
                    .interp(Interp::Template),
                Quote::plain("\"").interp(Interp::Template),
                Quote::plain("'"),
            ],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Scala,
        name: "Scala",
        extensions: &["scala", "sc", "sbt"],
        file_names: &[],
        interpreters: &["scala"],
        fences: &["scala", "sbt"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK_NESTED,
            quotes: &[
                Quote::plain("\"\"\"").multiline().escape(Escape::None),
                Quote::plain("\""),
            ],
            prefixes: &[
                Prefix::new("s", b"\"").interp(Interp::Template),
                Prefix::new("f", b"\"").interp(Interp::Template),
                Prefix::new("raw", b"\"")
                    .escape(Escape::None)
                    .interp(Interp::Template),
            ],
            forms: &[Form::CharOrTick],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Groovy,
        name: "Groovy",
        extensions: &["groovy", "gvy", "gy", "gsh", "gradle", "jenkinsfile"],
        file_names: &["Jenkinsfile", "Jenkinsfile.*"],
        interpreters: &["groovy"],
        fences: &["groovy", "gradle", "jenkinsfile"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK,
            quotes: &[
                Quote::plain("\"\"\"").multiline().interp(Interp::Template),
                Quote::plain("'''").multiline(),
                Quote::plain("\"").interp(Interp::Template),
                Quote::plain("'"),
            ],
            forms: &[Form::Slash(Interp::Template), Form::DollarSlash],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Dart,
        name: "Dart",
        extensions: &["dart"],
        file_names: &[],
        interpreters: &["dart"],
        fences: &["dart"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK_NESTED,
            quotes: &[
                Quote::plain("\"\"\"").multiline().interp(Interp::Template),
                Quote::plain("'''").multiline().interp(Interp::Template),
                Quote::plain("\"").interp(Interp::Template),
                Quote::plain("'").interp(Interp::Template),
            ],
            prefixes: &[Prefix::new("r", b"\"'")
                .escape(Escape::None)
                .interp(Interp::None)],
            adjacent: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::ObjectiveC,
        name: "Objective-C",
        extensions: &["m", "mm"],
        file_names: &[],
        interpreters: &[],
        fences: &["objectivec", "objective-c", "objc", "obj-c", "objectivecpp"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: C_BLOCK,
            quotes: C_QUOTES,
            prefixes: &[Prefix::new("@", b"\"")],
            adjacent: true,
            messages: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Perl,
        name: "Perl",
        extensions: &["pl", "pm", "t", "psgi", "pod"],
        file_names: &[],
        interpreters: &["perl", "perl5"],
        fences: &["perl", "pl", "perl5"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            block_comments: &[BlockComment {
                letter_after: true,
                ..BlockComment::lines("=", "=cut")
            }],
            quotes: &[
                Quote::plain("\"").multiline().interp(Interp::Perl),
                Quote::plain("'").multiline().escape(Escape::Quote),
                Quote::plain("`").multiline().interp(Interp::Perl),
            ],
            forms: &[
                Form::PerlQuoteOps,
                Form::Heredoc(Heredoc {
                    opener: "<<",
                    flags: b"~",
                    indented_close: false,
                    interp: Interp::Perl,
                }),
                Form::Slash(Interp::None),
                Form::DataSection,
            ],
            sigil: Sigil::Perl,
            concat: &[Op::Dot],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::VisualBasic,
        name: "Visual Basic (VB.NET, VBA, VBScript)",
        extensions: &["vb", "vbs", "vba", "bas", "frm"],
        file_names: &[],
        interpreters: &[],
        fences: &[
            "vb",
            "vbnet",
            "vb.net",
            "vba",
            "vbscript",
            "vbs",
            "visualbasic",
        ],
        syntax: Syntax {
            line_comments: &[LineComment::new("'"), LineComment::at("REM", At::Keyword)],
            quotes: &[Quote::plain("\"").escape(Escape::Doubled)],
            prefixes: &[Prefix::new("$", b"\"").interp(Interp::Brace)],
            newline: true,
            continuation: Some(b'_'),
            any_case: true,
            concat: &[Op::And, Op::Plus],
            type_keyword: Some("As"),
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Haskell,
        name: "Haskell",
        extensions: &["hs", "hsc"],
        file_names: &[],
        interpreters: &["runhaskell", "runghc", "stack"],
        fences: &["haskell", "hs"],
        syntax: Syntax {
            // `-->` and `--+` are operators; `---` is still a comment.
            line_comments: &[LineComment::not_before("--", b"!#$%&*+./<=>?@\\^|~:")],
            block_comments: &[BlockComment::nested("{-", "-}")],
            quotes: &[Quote::plain("\"")],
            forms: &[Form::CharOrTick],
            prime_idents: true,
            extra_ops: &[Op::PlusPlus, Op::LtGt],
            concat: &[Op::PlusPlus, Op::LtGt],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Lua,
        name: "Lua",
        extensions: &["lua", "rockspec"],
        file_names: &[],
        interpreters: &["lua", "luajit", "texlua"],
        fences: &["lua"],
        syntax: Syntax {
            line_comments: &[LineComment::new("--")],
            quotes: C_QUOTES,
            forms: &[Form::LongBrackets],
            concat: &[Op::DotDot],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::R,
        name: "R",
        extensions: &["r", "rprofile"],
        file_names: &[".Rprofile"],
        interpreters: &["rscript"],
        fences: &["r", "rscript"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            quotes: &[
                Quote::plain("\"").multiline(),
                Quote::plain("'").multiline(),
            ],
            extra_ops: &[Op::LArrow],
            concat: &[],
            join_fns: &[("paste0", "")],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Elixir,
        name: "Elixir",
        extensions: &["ex", "exs"],
        file_names: &[],
        interpreters: &["elixir"],
        fences: &["elixir", "ex", "exs", "iex"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            quotes: &[
                Quote::plain("\"\"\"").multiline().interp(Interp::HashBrace),
                Quote::plain("'''").multiline().interp(Interp::HashBrace),
                Quote::plain("\"").multiline().interp(Interp::HashBrace),
                Quote::plain("'").multiline().interp(Interp::HashBrace),
            ],
            forms: &[Form::Sigils, Form::ModuleAttributes],
            sigil: Sigil::At,
            extra_ops: &[Op::LtGt, Op::PlusPlus],
            concat: &[Op::LtGt],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Julia,
        name: "Julia",
        extensions: &["jl"],
        file_names: &[],
        interpreters: &["julia"],
        fences: &["julia", "jl"],
        syntax: Syntax {
            line_comments: HASH_COMMENTS,
            block_comments: &[BlockComment::nested("#=", "=#")],
            quotes: &[
                Quote::plain("\"\"\"").multiline().interp(Interp::Template),
                Quote::plain("\"").multiline().interp(Interp::Template),
            ],
            prefixes: &[Prefix::new("raw", b"\"")
                .escape(Escape::None)
                .interp(Interp::None)],
            forms: &[Form::CharOrTick],
            // `*` joins strings in Julia; `string(a, b)` too.
            concat: &[Op::Star],
            join_fns: &[("string", "")],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Clojure,
        name: "Clojure",
        extensions: &["clj", "cljs", "cljc", "edn", "bb"],
        file_names: &[],
        interpreters: &["bb", "clojure"],
        fences: &["clojure", "clj", "cljs", "edn"],
        syntax: Syntax {
            line_comments: &[LineComment::new(";")],
            quotes: &[Quote::plain("\"").multiline()],
            // `#"regex"`
            prefixes: &[Prefix::new("#", b"\"").escape(Escape::RawBackslash)],
            concat: &[],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Ml,
        name: "OCaml and F#",
        extensions: &["ml", "mli", "fs", "fsi", "fsx"],
        file_names: &[],
        interpreters: &["ocaml"],
        fences: &["ocaml", "ml", "fsharp", "f#", "fs"],
        syntax: Syntax {
            // `//` is F#'s; OCaml has no such operator.
            line_comments: C_COMMENTS,
            block_comments: &[BlockComment::nested("(*", "*)")],
            quotes: &[
                Quote::plain("\"\"\"").multiline().escape(Escape::None),
                Quote::plain("\"").multiline(),
            ],
            prefixes: &[
                Prefix::new("$", b"\"").interp(Interp::Brace),
                Prefix::new("@", b"\"").escape(Escape::Doubled),
            ],
            forms: &[Form::CharOrTick],
            // OCaml `^`, F# `+`.
            concat: &[Op::Caret, Op::Plus],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Cfml,
        name: "ColdFusion (CFML)",
        extensions: &["cfm", "cfc", "cfml"],
        file_names: &[],
        interpreters: &[],
        fences: &["cfml", "cfm", "cfc", "coldfusion"],
        syntax: Syntax {
            line_comments: C_COMMENTS,
            block_comments: &[
                BlockComment::new("<!---", "--->"),
                BlockComment::new("/*", "*/"),
            ],
            quotes: &[
                Quote::plain("\"").escape(Escape::Doubled),
                Quote::plain("'").escape(Escape::Doubled),
            ],
            any_case: true,
            concat: &[Op::And],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Batch,
        name: "Batch (cmd)",
        extensions: &["bat", "cmd", "btm"],
        file_names: &[],
        interpreters: &[],
        fences: &["bat", "batch", "cmd", "dos", "batchfile"],
        syntax: Syntax {
            lexer: Lexer::Batch,
            line_comments: &[
                LineComment::at("REM", At::Keyword),
                LineComment::at("::", At::LineStart),
            ],
            any_case: true,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Makefile,
        name: "Makefile",
        extensions: &["mk", "mak", "make"],
        file_names: &["Makefile", "makefile", "GNUmakefile", "Makefile.*"],
        interpreters: &["make"],
        fences: &["makefile", "make", "mk"],
        syntax: Syntax {
            lexer: Lexer::Make,
            line_comments: HASH_COMMENTS,
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Dockerfile,
        name: "Dockerfile",
        extensions: &["dockerfile", "containerfile"],
        file_names: &[
            "Dockerfile",
            "Dockerfile.*",
            "Containerfile",
            "Containerfile.*",
        ],
        interpreters: &[],
        fences: &["dockerfile", "docker", "containerfile"],
        syntax: Syntax {
            lexer: Lexer::Dockerfile,
            line_comments: &[LineComment::at("#", At::LineStart)],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Hcl,
        name: "HCL (Terraform)",
        extensions: &["tf", "tfvars", "hcl", "nomad"],
        file_names: &[],
        interpreters: &[],
        fences: &["hcl", "terraform", "tf", "tfvars"],
        syntax: Syntax {
            line_comments: &[LineComment::new("#"), LineComment::new("//")],
            block_comments: C_BLOCK,
            quotes: &[Quote::plain("\"").interp(Interp::DollarBrace)],
            forms: &[Form::Heredoc(Heredoc {
                opener: "<<",
                flags: b"-",
                indented_close: true,
                interp: Interp::DollarBrace,
            })],
            concat: &[],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Xml,
        name: "XML",
        extensions: &[
            "xml", "config", "csproj", "vbproj", "fsproj", "vcxproj", "props", "targets", "nuspec",
            "xsd", "xsl", "xslt", "wsdl", "plist", "resx", "xaml", "pom", "jmx", "ps1xml", "cdxml",
            "manifest", "launch", "wxs",
        ],
        file_names: &[],
        interpreters: &[],
        fences: &["xml", "xsd", "xslt", "wsdl", "plist"],
        syntax: Syntax {
            lexer: Lexer::Xml,
            block_comments: &[BlockComment::new("<!--", "-->")],
            concat: &[],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Ini,
        name: "INI (.ini, .cfg, .conf)",
        extensions: &[
            "ini", "cfg", "conf", "cnf", "inf", "desktop", "service", "toml",
        ],
        file_names: &[".gitconfig", ".npmrc", ".pypirc", ".editorconfig"],
        interpreters: &[],
        fences: &["ini", "cfg", "conf", "toml"],
        syntax: Syntax {
            lexer: Lexer::Ini,
            line_comments: &[
                LineComment::at("#", At::AfterBlank),
                LineComment::at(";", At::AfterBlank),
            ],
            concat: &[],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Properties,
        name: "Java properties",
        extensions: &["properties"],
        file_names: &[],
        interpreters: &[],
        fences: &["properties", "jproperties"],
        syntax: Syntax {
            lexer: Lexer::Ini,
            line_comments: &[
                LineComment::at("#", At::LineStart),
                LineComment::at("!", At::LineStart),
            ],
            concat: &[],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Dotenv,
        name: "dotenv",
        extensions: &["env"],
        file_names: &[".env", ".env.*", "*.env"],
        interpreters: &[],
        fences: &["dotenv", "env"],
        syntax: Syntax {
            lexer: Lexer::Ini,
            line_comments: &[LineComment::at("#", At::AfterBlank)],
            concat: &[],
            ..Syntax::NONE
        },
    },
    Row {
        lang: Language::Json,
        name: "JSON",
        extensions: &["json", "ipynb", "jsonc", "json5", "har"],
        file_names: &[],
        interpreters: &[],
        fences: &["json", "jsonc", "json5"],
        syntax: Syntax::NONE,
    },
    Row {
        lang: Language::Yaml,
        name: "YAML",
        extensions: &["yml", "yaml"],
        file_names: &[],
        interpreters: &[],
        fences: &["yaml", "yml"],
        syntax: Syntax::NONE,
    },
    Row {
        lang: Language::Markdown,
        name: "Markdown (and reStructuredText, AsciiDoc)",
        extensions: &["md", "markdown", "mdx", "rst", "adoc"],
        file_names: &[],
        interpreters: &[],
        fences: &[],
        syntax: Syntax::NONE,
    },
    Row {
        lang: Language::Text,
        name: "Text",
        extensions: &[],
        file_names: &[],
        interpreters: &[],
        fences: &[],
        syntax: Syntax::NONE,
    },
];

/// The table, one row per [`Language`] in declaration order.
pub static ROWS: [Row; TABLE.len()] = TABLE;

/// The byte classes of each row (see [`classes`]).
static CLASSES: [[u8; 256]; TABLE.len()] = {
    let mut t = [[0u8; 256]; TABLE.len()];
    let mut k = 0;
    while k < TABLE.len() {
        t[k] = classes(&TABLE[k].syntax);
        k += 1;
    }
    t
};

/// Per row, the one-byte quotes each byte opens (see [`plain_quotes`]).
static PLAIN_QUOTES: [[u8; 256]; TABLE.len()] = {
    let mut t = [[0u8; 256]; TABLE.len()];
    let mut k = 0;
    while k < TABLE.len() {
        t[k] = plain_quotes(&TABLE[k].syntax);
        k += 1;
    }
    t
};

impl Language {
    /// Whether files of this language are programs (functions, calls,
    /// assignments), not data, settings or prose.
    pub fn is_code(self) -> bool {
        !matches!(
            self,
            Language::Json
                | Language::Yaml
                | Language::Markdown
                | Language::Text
                | Language::Xml
                | Language::Ini
                | Language::Properties
                | Language::Dotenv
        )
    }

    /// Every language, in table order.
    pub fn all() -> impl Iterator<Item = Language> {
        ROWS.iter().map(|r| r.lang)
    }

    pub fn row(self) -> &'static Row {
        &ROWS[self as usize]
    }

    pub fn syntax(self) -> &'static Syntax {
        &ROWS[self as usize].syntax
    }

    /// The byte classes of this language's syntax.
    pub(crate) fn classes(self) -> &'static [u8; 256] {
        &CLASSES[self as usize]
    }

    /// The one-byte quotes of this language's syntax, by opening byte.
    pub(crate) fn plain_quotes(self) -> &'static [u8; 256] {
        &PLAIN_QUOTES[self as usize]
    }

    /// The language of a file, by extension or name. Extension-less
    /// scripts are [`Language::Text`] here; [`Language::refine`] reads
    /// their `#!` line.
    pub fn of_path(path: &std::path::Path) -> Language {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some(row) = ROWS
            .iter()
            .find(|r| r.file_names.iter().any(|p| name_matches(p, name)))
        {
            return row.lang;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.is_empty() {
            return Language::Text;
        }
        // `settings.py.example`, `qualys.ini.sample`, `app.conf.dist`: a copy
        // to fill in is read as the file it becomes.
        if TEMPLATE_SUFFIXES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(ext))
        {
            return path.file_stem().map_or(Language::Text, |stem| {
                Language::of_path(std::path::Path::new(stem))
            });
        }
        ROWS.iter()
            .find(|r| r.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
            .map_or(Language::Text, |r| r.lang)
    }

    /// The language of a Markdown code fence's info string.
    pub fn of_fence(info: &str) -> Language {
        let word = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("");
        let word = word.strip_prefix("language-").unwrap_or(word);
        ROWS.iter()
            .find(|r| r.fences.iter().any(|f| f.eq_ignore_ascii_case(word)))
            .map_or(Language::Text, |r| r.lang)
    }

    /// The language named by a `#!` line at the start of `text`
    /// (`#!/usr/bin/env perl -w`, `#!/bin/bash`, `#!/usr/bin/python3.11`).
    pub fn of_shebang(text: &str) -> Option<Language> {
        let line = text.strip_prefix("#!")?.lines().next()?;
        let mut words = line.split_whitespace();
        let mut program = words.next()?.rsplit('/').next()?;
        if program == "env" {
            // `env -S perl -w`: the first word that is not an option.
            program = words.find(|w| !w.starts_with('-') && !w.contains('='))?;
        }
        // `python3.11`, `perl5.36` → `python3`, `perl5`; then without digits.
        let program = program.to_ascii_lowercase();
        let trimmed = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        ROWS.iter()
            .find(|r| {
                r.interpreters
                    .iter()
                    .any(|i| *i == program || *i == trimmed)
            })
            .map(|r| r.lang)
    }

    /// `self`, or for [`Language::Text`] the language of the text's `#!`
    /// line when it names one.
    pub fn refine(self, text: &str) -> Language {
        if self != Language::Text {
            self
        } else if text.starts_with("#!") {
            Language::of_shebang(text).unwrap_or(self)
        } else if looks_like_key_values(text) {
            Language::Ini
        } else {
            self
        }
    }
}

/// Suffixes of a file that is a template of another (`.env.example`).
const TEMPLATE_SUFFIXES: &[&str] = &["sample", "example", "dist", "template"];

/// Whether an extension-less text is a `KEY=value` settings file
/// (`QualysConf.Sample`, `settings`): within its first lines, at least two
/// assignments, and nothing else than assignments, `[sections]`, blank
/// lines and `#`/`;` comments. One prose line makes it prose.
fn looks_like_key_values(text: &str) -> bool {
    let mut assignments = 0;
    for line in text.lines().take(64) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            return false;
        };
        let key = key.trim_end();
        let key = key.strip_prefix("export ").unwrap_or(key);
        let is_key = key
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && key
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
        if !is_key {
            return false;
        }
        assignments += 1;
    }
    assignments >= 2
}

/// Whether the file name `name` matches `pattern`: exact, or a prefix when
/// the pattern ends with `*`, or a suffix when it starts with `*`.
fn name_matches(pattern: &str, name: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        name.len() > prefix.len() && name.starts_with(prefix)
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        name.len() > suffix.len() && name.ends_with(suffix)
    } else {
        pattern == name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn rows_are_in_declaration_order() {
        for (k, row) in ROWS.iter().enumerate() {
            assert_eq!(row.lang as usize, k, "{}", row.name);
        }
        assert_eq!(Language::all().count(), ROWS.len());
    }

    #[test]
    fn no_extension_file_name_or_fence_is_claimed_twice() {
        let mut seen = std::collections::HashMap::new();
        for row in &ROWS {
            for e in row.extensions {
                assert_eq!(*e, e.to_ascii_lowercase(), "{}", row.name);
                if let Some(other) = seen.insert(format!("ext {e}"), row.name) {
                    panic!("extension {e}: {other} and {}", row.name);
                }
            }
            for f in row.fences {
                if let Some(other) = seen.insert(format!("fence {f}"), row.name) {
                    panic!("fence {f}: {other} and {}", row.name);
                }
            }
            for n in row.file_names {
                if let Some(other) = seen.insert(format!("name {n}"), row.name) {
                    panic!("file name {n}: {other} and {}", row.name);
                }
            }
        }
    }

    #[test]
    fn every_code_row_has_strings_and_comments() {
        for row in &ROWS {
            let s = &row.syntax;
            if s.lexer == Lexer::Code
                && !matches!(
                    row.lang,
                    Language::Json | Language::Yaml | Language::Markdown | Language::Text
                )
            {
                assert!(!s.quotes.is_empty(), "{}", row.name);
                assert!(
                    !s.line_comments.is_empty() || !s.block_comments.is_empty(),
                    "{}",
                    row.name
                );
            }
        }
    }

    #[test]
    fn paths_map_to_rows() {
        let cases = [
            ("lib/Qualys/Client.pm", Language::Perl),
            ("bin/sync.pl", Language::Perl),
            ("Module1.vb", Language::VisualBasic),
            ("sync.VBS", Language::VisualBasic),
            ("Macros.bas", Language::VisualBasic),
            ("src/Api.hs", Language::Haskell),
            ("build.gradle", Language::Groovy),
            ("Jenkinsfile", Language::Groovy),
            ("Jenkinsfile.release", Language::Groovy),
            ("Client.kt", Language::Kotlin),
            ("Client.scala", Language::Scala),
            ("client.lua", Language::Lua),
            ("report.R", Language::R),
            ("lib/client.ex", Language::Elixir),
            ("QualysClient.m", Language::ObjectiveC),
            ("sync.cmd", Language::Batch),
            ("SYNC.BAT", Language::Batch),
            ("Makefile", Language::Makefile),
            ("rules.mk", Language::Makefile),
            ("Dockerfile", Language::Dockerfile),
            ("Dockerfile.prod", Language::Dockerfile),
            ("main.tf", Language::Hcl),
            ("prod.tfvars", Language::Hcl),
            ("app.config", Language::Xml),
            ("pom.xml", Language::Xml),
            ("setup.cfg", Language::Ini),
            ("qualys.ini", Language::Ini),
            ("nginx.conf", Language::Ini),
            ("application.properties", Language::Properties),
            (".env", Language::Dotenv),
            (".env.production", Language::Dotenv),
            ("prod.env", Language::Dotenv),
            ("Vagrantfile", Language::Ruby),
            ("a.py", Language::Python),
            ("Main.java", Language::CLike),
            ("x.ts", Language::JavaScript),
            ("notes.txt", Language::Text),
            ("README", Language::Text),
            ("Makefile.am", Language::Makefile),
            ("client.jl", Language::Julia),
            ("core.clj", Language::Clojure),
            ("qualys.ml", Language::Ml),
            ("Qualys.fs", Language::Ml),
            ("index.cfm", Language::Cfml),
            ("settings.py.example", Language::Python),
            ("qualys.ini.sample", Language::Ini),
            ("app.conf.DIST", Language::Ini),
            (".env.example", Language::Dotenv),
            ("notes.sample", Language::Text),
            ("Makefile.template", Language::Makefile),
        ];
        for (path, lang) in cases {
            assert_eq!(Language::of_path(Path::new(path)), lang, "{path}");
        }
    }

    #[test]
    fn fences_map_to_rows() {
        assert_eq!(Language::of_fence("perl"), Language::Perl);
        assert_eq!(Language::of_fence("vbnet title=x"), Language::VisualBasic);
        assert_eq!(Language::of_fence("kotlin"), Language::Kotlin);
        assert_eq!(Language::of_fence("java"), Language::CLike);
        assert_eq!(Language::of_fence("HCL"), Language::Hcl);
        assert_eq!(Language::of_fence("language-python"), Language::Python);
        assert_eq!(Language::of_fence("http"), Language::Text);
        assert_eq!(Language::of_fence(""), Language::Text);
    }

    #[test]
    fn extensionless_settings_are_read_as_ini() {
        let settings = "# Qualys settings\n\nAPIBaseURL=https://q.example\nAPIPath = api/2.0/fo/scan\n[more]\n; note\nexport TOKEN_NAME=x\n";
        assert_eq!(Language::Text.refine(settings), Language::Ini);
        // Must not: prose, one assignment, a line that is not one.
        for text in [
            "Call api/2.0/fo/scan to list scans.\nThen wait.\n",
            "URL=https://q.example/api/2.0/fo/scan/\n",
            "A=1\nB=2\nsee the guide for C\n",
            "a b=1\nc=2\n",
            "",
        ] {
            assert_eq!(Language::Text.refine(text), Language::Text, "{text:?}");
        }
        // A known language is never re-guessed.
        assert_eq!(Language::Python.refine(settings), Language::Python);
    }

    #[test]
    fn shebangs_name_interpreters() {
        let cases = [
            ("#!/usr/bin/perl -w\n", Some(Language::Perl)),
            ("#!/usr/bin/env perl\n", Some(Language::Perl)),
            ("#!/usr/bin/env -S python3 -u\n", Some(Language::Python)),
            ("#!/usr/local/bin/python3.11\n", Some(Language::Python)),
            ("#!/bin/bash\n", Some(Language::Shell)),
            ("#!/usr/bin/env Rscript\n", Some(Language::R)),
            ("#! /usr/bin/env ruby\n", Some(Language::Ruby)),
            ("#!/usr/bin/env unknown\n", None),
            ("no shebang\n", None),
            ("#!", None),
        ];
        for (text, lang) in cases {
            assert_eq!(Language::of_shebang(text), lang, "{text:?}");
        }
        assert_eq!(
            Language::Text.refine("#!/bin/sh\ncurl x\n"),
            Language::Shell
        );
        assert_eq!(Language::Python.refine("#!/bin/sh\n"), Language::Python);
        assert_eq!(Language::Text.refine("plain"), Language::Text);
    }

    /// Calls (with holes shown as `{}`) and mentions the assembler builds
    /// from `src`.
    fn built(lang: Language, src: &str) -> (Vec<String>, Vec<String>) {
        use crate::model::FindingKind;
        let x = crate::extract::extract(lang, src, 0);
        let of = |kind: FindingKind| -> Vec<String> {
            x.exprs
                .iter()
                .filter(|e| e.kind() == kind)
                .map(|e| e.text().replace(crate::extract::HOLE, "{}"))
                .collect()
        };
        (of(FindingKind::Call), of(FindingKind::Mention))
    }

    fn calls(lang: Language, src: &str) -> Vec<String> {
        built(lang, src).0
    }

    #[test]
    fn rows_join_strings_with_their_operators() {
        let cases = [
            (
                Language::Perl,
                "my $u = $base . '/api/2.0' . \"/fo/scan/\";\n",
            ),
            (
                Language::VisualBasic,
                "Dim u As String = base & \"/api/2.0\" + \"/fo/scan/\"\n",
            ),
            (
                Language::Lua,
                "local u = base .. \"/api/2.0\" .. '/fo/scan/'\n",
            ),
            (
                Language::Elixir,
                "u = base <> \"/api/2.0\" <> \"/fo/scan/\"\n",
            ),
            (
                Language::Haskell,
                "u = base ++ \"/api/2.0\" <> \"/fo/scan/\"\n",
            ),
            (
                Language::R,
                "u <- paste0(base, \"/api/2.0\", '/fo/scan/')\n",
            ),
            (
                Language::Groovy,
                "def u = base + '/api/2.0' + \"/fo/scan/\"\n",
            ),
            (Language::Julia, "u = base * \"/api/2.0\" * \"/fo/scan/\"\n"),
            (
                Language::Julia,
                "u = string(base, \"/api/2.0\", \"/fo/scan/\")\n",
            ),
            (
                Language::Ml,
                "let u = base ^ \"/api/2.0\" ^ \"/fo/scan/\"\n",
            ),
            (Language::Cfml, "u = base & \"/api/2.0\" & '/fo/scan/';\n"),
        ];
        for (lang, src) in cases {
            assert!(
                calls(lang, src).contains(&"{}/api/2.0/fo/scan/".to_string()),
                "{lang:?}: {:?}",
                calls(lang, src)
            );
        }
        // `+` joins nothing in Perl and Lua, `.` nothing in Lua.
        assert!(!calls(Language::Lua, "u = a.b .. 'x/' . 'y'\n").contains(&"x/y".to_string()));
    }

    #[test]
    fn rows_bind_and_resolve_their_definitions() {
        let cases = [
            (
                Language::VisualBasic,
                "Const Base As String = \"https://h\"\nx = Base & \"/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::Perl,
                "my $base = $ENV{QUALYS_API} || 'https://h';\nmy $u = \"$base/api/2.0/fo/scan/\";\n",
            ),
            (
                Language::Perl,
                "$self->{base} = 'https://h';\nmy $u = $self->{base} . '/api/2.0/fo/scan/';\n",
            ),
            (Language::R, "base <- \"https://h\"\nu <- paste0(base, \"/api/2.0/fo/scan/\")\n"),
            (
                Language::Elixir,
                "@base \"https://h\"\ndef u, do: \"#{@base}/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::ObjectiveC,
                "NSString *base = @\"https://h\";\nNSString *u = [NSString stringWithFormat:@\"%@/api/2.0/fo/scan/\", base];\n",
            ),
            (Language::Kotlin, "val base = \"https://h\"\nval u = \"$base/api/2.0/fo/scan/\"\n"),
            (Language::Hcl, "base = \"https://h\"\nu = \"${local.base}/api/2.0/fo/scan/\"\n"),
            (Language::Batch, "set BASE=https://h\ncurl \"%BASE%/api/2.0/fo/scan/\"\n"),
            (Language::Makefile, "BASE := https://h\nall:\n\tcurl $(BASE)/api/2.0/fo/scan/\n"),
            (Language::Dockerfile, "ENV BASE https://h\nRUN curl \"$BASE/api/2.0/fo/scan/\"\n"),
            (Language::Ini, "base = https://h\nscan = %(base)s/api/2.0/fo/scan/\n"),
            (Language::Properties, "q.base=https://h\nq.scan=${q.base}/api/2.0/fo/scan/\n"),
            (Language::Dotenv, "BASE=https://h\nSCAN=\"${BASE}/api/2.0/fo/scan/\"\n"),
        ];
        for (lang, src) in cases {
            let c = calls(lang, src);
            assert!(
                c.contains(&"https://h/api/2.0/fo/scan/".to_string()),
                "{lang:?}: {c:?}"
            );
        }
    }

    #[test]
    fn comments_are_mentions_and_strings_are_calls() {
        let cases = [
            (
                Language::Perl,
                "# old: /api/2.0/fo/scan/\nmy $u = \"/api/2.0/fo/scan/\";\n",
            ),
            (
                Language::VisualBasic,
                "' old: /api/2.0/fo/scan/\nu = \"/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::VisualBasic,
                "REM old: /api/2.0/fo/scan/\nu = \"/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::Haskell,
                "{- old: /api/2.0/fo/scan/ -}\nu = \"/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::Lua,
                "--[[ old: /api/2.0/fo/scan/ ]]\nu = '/api/2.0/fo/scan/'\n",
            ),
            (
                Language::R,
                "# old: /api/2.0/fo/scan/\nu <- '/api/2.0/fo/scan/'\n",
            ),
            (
                Language::Elixir,
                "# old: /api/2.0/fo/scan/\nu = \"/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::Batch,
                ":: old: /api/2.0/fo/scan/\ncurl /api/2.0/fo/scan/\n",
            ),
            (
                Language::Hcl,
                "/* old: /api/2.0/fo/scan/ */\nu = \"/api/2.0/fo/scan/\"\n",
            ),
            (
                Language::Xml,
                "<!-- old: /api/2.0/fo/scan/ -->\n<u>/api/2.0/fo/scan/</u>\n",
            ),
            (
                Language::Ini,
                "; old: /api/2.0/fo/scan/\nu = /api/2.0/fo/scan/\n",
            ),
            (
                Language::Makefile,
                "# old: /api/2.0/fo/scan/\nU = /api/2.0/fo/scan/\n",
            ),
            (
                Language::Dockerfile,
                "# old: /api/2.0/fo/scan/\nRUN curl /api/2.0/fo/scan/\n",
            ),
        ];
        for (lang, src) in cases {
            let (c, m) = built(lang, src);
            assert!(
                c.iter().any(|t| t == "/api/2.0/fo/scan/"),
                "{lang:?}: calls {c:?}"
            );
            assert!(
                m.iter().any(|t| t.trim() == "old: /api/2.0/fo/scan/"),
                "{lang:?}: mentions {m:?}"
            );
            assert!(
                !m.iter().any(|t| t.trim() == "/api/2.0/fo/scan/"),
                "{lang:?}"
            );
        }
    }
}
