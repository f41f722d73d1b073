//! The table-driven lexer, row by row: comments, quotes, escapes,
//! delimiters, interpolation and the special forms.

use super::super::tests::{check_offsets, strs};
use super::super::{comments, lex, Tok};
use crate::extract::Language;

/// The comment texts of `src` (trimmed).
fn coms(lang: Language, src: &str) -> Vec<String> {
    comments(lang, src, 0)
        .into_iter()
        .map(|(t, _)| t.trim().to_string())
        .collect()
}

/// Strings and comments, after checking every offset.
fn both(lang: Language, src: &str) -> (Vec<String>, Vec<String>) {
    check_offsets(lang, src);
    (strs(lang, src), coms(lang, src))
}

fn idents(lang: Language, src: &str) -> Vec<String> {
    lex(lang, src, 0)
        .toks
        .iter()
        .filter_map(|t| match t.tok {
            Tok::Ident(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn perl_strings_comments_and_pod() {
    let src = "# old: /api/2.0/fo/scan/\nmy $url = \"$base/api/2.0/fo/scan/\";\nmy $t = 'it\\'s \\n';\n=pod\n\nLists /api/2.0/fo/report/ \"here\n\n=cut\nmy $z = \"after\";\n";
    let (s, c) = both(Language::Perl, src);
    assert_eq!(s, ["<base>/api/2.0/fo/scan/", "it's \\n", "after"]);
    assert_eq!(c[0], "old: /api/2.0/fo/scan/");
    assert!(c[1].contains("/api/2.0/fo/report/"), "{c:?}");
    assert_eq!(c.len(), 2);
    // `=` starting a line without a letter is code, not POD.
    let (s, c) = both(Language::Perl, "my $x\n= \"a\";\n");
    assert_eq!((s, c.len()), (vec!["a".to_string()], 0));
}

#[test]
fn perl_quote_operators() {
    let src = "q(a(b)c) . qq{$x/y} . q|a\\|b| . qw(/a /b) . qx`ls $d`;\nmy @l = qw/x y/;";
    let (s, _) = both(Language::Perl, src);
    assert_eq!(s, ["a(b)c", "<x>/y", "a|b", "/a", "/b", "ls <d>", "x", "y"]);
    // Substitution: pattern (raw) and replacement; `tr` is no string.
    let (s, _) = both(
        Language::Perl,
        "$u =~ s{/api/2\\.0/}{/api/$v/}g; $w =~ tr/a-z/A-Z/;",
    );
    assert_eq!(s, ["/api/2\\.0/", "/api/<v>/"]);
    let (s, _) = both(Language::Perl, "s/a\\/b/c/;");
    assert_eq!(s, ["a\\/b", "c"]);
    // Not quote operators: hash keys, fat commas, methods, file tests.
    let (s, _) = both(
        Language::Perl,
        "my %h = (s => 1, y => 2); $h{q} = $o->s('x'); if (-s $file) { 1 }",
    );
    assert_eq!(s, ["x"]);
    // Unterminated: to the end, without panicking.
    let (s, _) = both(Language::Perl, "q(never closed");
    assert_eq!(s, ["never closed"]);
    // A multi-byte character where a delimiter would be is not one (a
    // fuzzed input once sliced the text inside `é` here).
    for src in [
        "s{a}\u{e9}b\u{e9}",
        "s{a} \u{e9}x",
        "q\u{e9}abc\u{e9}",
        "tr{a}\u{20ac}",
    ] {
        both(Language::Perl, src);
    }
}

#[test]
fn perl_heredocs() {
    let src = "print <<\"EOF\" . 'tail';\n$base/api/2.0/fo/scan/\nEOF\nmy $r = <<'RAW';\n$not\nRAW\nmy $i = <<~EOT;\n    indented $x\n    EOT\nmy $after = \"z\";\n";
    let (s, _) = both(Language::Perl, src);
    assert_eq!(
        s,
        [
            "<base>/api/2.0/fo/scan/\n",
            "tail",
            "$not\n",
            "    indented <x>\n",
            "z"
        ]
    );
    // Two heredocs on one line, bodies one after the other.
    let (s, _) = both(Language::Perl, "f(<<A, <<B);\none\nA\ntwo\nB\n\"c\";\n");
    assert_eq!(s, ["one\n", "two\n", "c"]);
    // A shift is no heredoc; neither is a tag that never closes.
    let (s, _) = both(Language::Perl, "my $x = 1 <<EOF;\nmy $y = \"q\";\n");
    assert_eq!(s, ["q"]);
    let (s, _) = both(Language::Perl, "print <<EOF;\nno end\n");
    assert!(s.is_empty(), "{s:?}");
}

#[test]
fn perl_variables_and_regexes() {
    // `$/`, `$"`, `$#` and `$'` start no string and no comment.
    let (s, c) = both(
        Language::Perl,
        "local $/; my $n = $#list; print $\" ; my $s = \"a\"; $' ;\n",
    );
    assert_eq!((s, c.len()), (vec!["a".to_string()], 0));
    assert!(idents(Language::Perl, "my ($x, @y, %z) = @_;").contains(&"z".to_string()));
    // A regex where an operand is expected; a division after one.
    let (s, _) = both(Language::Perl, "if ($u =~ /\\/api\\/2/i) { $a / $b / 2 }");
    assert_eq!(s, ["\\/api\\/2"]);
    let (s, _) = both(Language::Perl, "my @p = split /,/, $line;");
    assert_eq!(s, [","]);
    // `__END__`: the rest is data.
    let (s, c) = both(
        Language::Perl,
        "my $a = \"x\";\n__END__\n\"not code\" /api/2.0/fo/scan/\n",
    );
    assert_eq!(s, ["x"]);
    assert!(c[0].contains("/api/2.0/fo/scan/"));
}

#[test]
fn visual_basic_comments_and_quotes() {
    let src = "' old: /api/2.0/fo/scan/ \"q\"\nDim u As String = base & \"/api/2.0/fo/scan/?a=1\" ' trailing\nREM note\n  rem lower\nremark = \"say \"\"hi\"\"\"\nx = 1 : REM after colon\n";
    let (s, c) = both(Language::VisualBasic, src);
    assert_eq!(s, ["/api/2.0/fo/scan/?a=1", "say \"hi\""]);
    assert_eq!(
        c,
        [
            "old: /api/2.0/fo/scan/ \"q\"",
            "trailing",
            "note",
            "lower",
            "after colon"
        ]
    );
    assert!(idents(Language::VisualBasic, src).contains(&"remark".to_string()));
    // Interpolated strings and ` _` continuations.
    let (s, _) = both(
        Language::VisualBasic,
        "u = $\"{base}/api/2.0/\" & _\n    \"fo/scan/\"\n",
    );
    assert_eq!(s, ["<base>/api/2.0/", "fo/scan/"]);
    let toks = lex(Language::VisualBasic, "a = b & _\n  c\n", 0).toks;
    assert_eq!(
        toks.iter().filter(|t| t.tok == Tok::Newline).count(),
        1,
        "{toks:?}"
    );
    // A string never runs past its line.
    let (s, _) = both(Language::VisualBasic, "x = \"open\ny = \"b\"\n");
    assert_eq!(s, ["b"]);
}

#[test]
fn haskell_nested_comments_and_primes() {
    let src = "{- outer {- inner \"x\" -} still -}\nurl' = base ++ \"/api/2.0/fo/scan/\" -- note\nx = a --> b\nc = 'q'\n--- also a comment\n";
    let (s, c) = both(Language::Haskell, src);
    assert_eq!(s, ["/api/2.0/fo/scan/", "q"]);
    assert_eq!(c.len(), 3, "{c:?}");
    assert!(c[0].contains("inner") && c[0].contains("still"));
    assert!(idents(Language::Haskell, src).contains(&"url'".to_string()));
    let ops: Vec<_> = lex(Language::Haskell, "a ++ b <> c", 0)
        .toks
        .iter()
        .filter_map(|t| match t.tok {
            Tok::Op(o) => Some(o.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(ops, ["++", "<>"]);
    // `++` is two pluses elsewhere.
    assert_eq!(
        lex(Language::CLike, "i++", 0)
            .toks
            .iter()
            .filter(|t| matches!(t.tok, Tok::Op(_)))
            .count(),
        2
    );
}

#[test]
fn lua_long_brackets() {
    let src = "--[[ block\n/api/2.0/fo/scan/ ]] local u = base .. \"/x\"\n--[==[ a ]] b ]==] s = [[long \"q\" ]] .. [=[a]]b]=]\n-- line\nt = a[b[1]]\n";
    let (s, c) = both(Language::Lua, src);
    assert_eq!(s, ["/x", "long \"q\" ", "a]]b"]);
    assert_eq!(c, ["block\n/api/2.0/fo/scan/", "a ]] b", "line"]);
}

#[test]
fn groovy_gstrings_and_slashy() {
    let src = "def u = \"$base/api/${v}/fo/scan/\"\ndef r = '''raw $x'''\ndef g = \"\"\"multi\n$y\"\"\"\ndef p = /slash $z\\/q/\ndef d = a / b / c\ndef ds = $/dollar $w/$\n";
    let (s, _) = both(Language::Groovy, src);
    assert_eq!(
        s,
        [
            "<base>/api/<v>/fo/scan/",
            "raw $x",
            "multi\n<y>",
            "slash <z>/q",
            "dollar <w>"
        ]
    );
    // `//` stays a comment, not an empty slashy string.
    let (s, c) = both(Language::Groovy, "x = 1 // c\n");
    assert!(s.is_empty() && c == ["c"]);
}

#[test]
fn kotlin_scala_dart_templates() {
    let (s, _) = both(
        Language::Kotlin,
        "val u = \"$base/api/${v}/x\"\nval r = \"\"\"a\\n${b}\"\"\"\nval c = 'c' /* a /* nested */ b */",
    );
    assert_eq!(s, ["<base>/api/<v>/x", "a\\n<b>", "c"]);
    let (s, c) = both(
        Language::Scala,
        "val a = s\"$base/x\"\nval b = f\"${c}%s\"\nval r = raw\"a\\nb\"\nval p = \"$plain\"\nval t = \"\"\"q\"\"\"\nval ch = 'c'\nval sym = 'name\n/* a /* b */ c */",
    );
    assert_eq!(s, ["<base>/x", "<c>%s", "a\\nb", "$plain", "q", "c"]);
    assert_eq!(c.len(), 1);
    let (s, _) = both(Language::Dart, "var a = '$base/x';\nvar r = r'$raw';\n");
    assert_eq!(s, ["<base>/x", "$raw"]);
}

#[test]
fn elixir_interpolation_sigils_and_docs() {
    let src = "@moduledoc \"\"\"\nCalls /api/2.0/fo/scan/.\n\"\"\"\n@base \"https://h\"\n@doc false\ndef u, do: \"#{@base}/api/2.0/fo/scan/\" <> ~s(/x/#{y}) <> ~S|raw #{z}| # c\n";
    let (s, c) = both(Language::Elixir, src);
    assert_eq!(
        s,
        [
            "https://h",
            "<@base>/api/2.0/fo/scan/",
            "/x/<y>",
            "raw #{z}"
        ]
    );
    assert_eq!(c.len(), 2, "{c:?}");
    assert!(c[0].contains("/api/2.0/fo/scan/"));
    assert!(idents(Language::Elixir, src).contains(&"base".to_string()));
}

#[test]
fn objective_c_strings() {
    let (s, c) = both(
        Language::ObjectiveC,
        "@interface A : NSObject\nNSString *u = @\"/api/2.0/fo/scan/\"; // c\nchar *p = \"plain\";\n",
    );
    assert_eq!(s, ["/api/2.0/fo/scan/", "plain"]);
    assert_eq!(c, ["c"]);
}

#[test]
fn hcl_interpolation_and_heredocs() {
    let src = "# c1\n// c2\n/* c3 */\nlocals {\n  base = \"https://h\"\n  u = \"${local.base}/api/2.0/fo/scan/\"\n  doc = <<-EOT\n    ${local.base}/api/2.0/fo/report/\n    EOT\n  after = \"z\"\n}\n";
    let (s, c) = both(Language::Hcl, src);
    assert_eq!(
        s,
        [
            "https://h",
            "<local.base>/api/2.0/fo/scan/",
            "    <local.base>/api/2.0/fo/report/\n",
            "z"
        ]
    );
    assert_eq!(c, ["c1", "c2", "c3"]);
}

#[test]
fn php_and_ruby_heredocs() {
    let (s, _) = both(
        Language::Php,
        "<?php\n$a = <<<EOT\n{$base}/api/2.0/fo/scan/\nEOT;\n$b = <<<'RAW'\n$raw\n  RAW;\n$c = 'z';\n$d = 1 << 2;\n",
    );
    assert_eq!(s, ["<$base>/api/2.0/fo/scan/\n", "$raw\n", "z"]);
    let (s, _) = both(
        Language::Ruby,
        "u = <<~EOS\n  #{base}/api/2.0/fo/scan/\n  it's\nEOS\nv = 'z'\narr << \"x\"\n__END__\n'data\n",
    );
    assert_eq!(s, ["  <base>/api/2.0/fo/scan/\n  it's\n", "z", "x"]);
}

#[test]
fn csharp_raw_interpolated_and_rust_nested() {
    let (s, _) = both(Language::CSharp, "var u = $$\"\"\"{base}/api\"\"\";");
    assert_eq!(s, ["<base>/api"]);
    let (s, c) = both(Language::Rust, "/* a /* b */ \"not\" */ let s = \"yes\";");
    assert_eq!(s, ["yes"]);
    assert_eq!(c.len(), 1);
}

#[test]
fn r_strings_and_assignment() {
    let (s, c) = both(
        Language::R,
        "# c\nurl <- paste0(base, \"/api/2.0/fo/scan/\")\nx <- 'multi\nline'\n`odd name` <- 1\n",
    );
    assert_eq!(s, ["/api/2.0/fo/scan/", "multi\nline"]);
    assert_eq!(c, ["c"]);
    assert!(lex(Language::R, "a <- 1", 0)
        .toks
        .iter()
        .any(|t| t.tok == Tok::Op(crate::extract::lexer::Op::LArrow)));
}

#[test]
fn long_lines_stay_linear() {
    // Failed searches are not repeated from every later byte.
    let many = |unit: &str| unit.repeat(40_000);
    for (lang, text) in [
        (Language::Groovy, many("(/")),
        (Language::Perl, many("(/")),
        (Language::Perl, many("print <<A ")),
        (Language::Ruby, many("x <<~A ")),
        (Language::Perl, many("q(")),
        (Language::Lua, many("[=[")),
        (Language::Elixir, many("~s(")),
        (Language::VisualBasic, many("\"")),
        (Language::Haskell, many("{-")),
    ] {
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
fn julia_clojure_ml_cfml() {
    let (s, c) = both(
        Language::Julia,
        "#= a #= nested =# \"x\" =#\nu = \"$base/api/$(v)/x\" * raw\"$no\" # c\nch = 'q'\n",
    );
    assert_eq!(s, ["<base>/api/<v>/x", "$no", "q"]);
    assert_eq!(c.len(), 2);
    let (s, c) = both(
        Language::Clojure,
        ";; note \"x\"\n(client/get (str base \"/api/2.0/fo/scan/\") #\"\\d+\")\n",
    );
    assert_eq!(s, ["/api/2.0/fo/scan/", "\\d+"]);
    assert_eq!(c, ["; note \"x\""]);
    let (s, c) = both(
        Language::Ml,
        "(* a (* nested *) \"x\" *)\nlet u = base ^ \"/x\" in let c = 'a' and t : 'a list = [] // fs\n",
    );
    assert_eq!(s, ["/x", "a"]);
    assert_eq!(c.len(), 2);
    let (s, c) = both(
        Language::Cfml,
        "<!--- old \"x\" ---> u = base & \"say \"\"hi\"\"\"; // c\n/* b */",
    );
    assert_eq!(s, ["say \"hi\""]);
    assert_eq!(c.len(), 3);
}
