//! Credential redaction: no password, token or key reaches any output.
//!
//! [`redact`] replaces every secret it recognises with `***` and keeps the
//! key, flag or scheme in front of it, so the output still reads naturally:
//!
//! | input                                   | output                            |
//! |-----------------------------------------|-----------------------------------|
//! | `curl -u admin:s3cret`                  | `curl -u ***`                     |
//! | `curl -u "admin:s3cret"`                | `curl -u "***"`                   |
//! | `["curl", "-u", "admin:s3cret"]`        | `["curl", "-u", "***"]`           |
//! | `-H "Authorization: Bearer eyJ…"`       | `-H "Authorization: Bearer ***"`  |
//! | `Authorization: Basic dXNlcjpw`         | `Authorization: Basic ***`        |
//! | `?username=bob&password=s3cret&x=1`     | `?username=bob&password=***&x=1`  |
//! | `"password": "s3cret"` / `pwd: s3cret`  | `"password": "***"` / `pwd: ***`  |
//! | `QUALYS_PASS=s3cret` / `X-Api-Key: k`   | `QUALYS_PASS=***` / `X-Api-Key: ***` |
//! | `https://bob:s3cret@qualysapi.qualys.com` | `https://***@qualysapi.qualys.com` |
//! | `auth=("bob", "s3cret")`                | `auth=("bob", "***")`             |
//!
//! Keys recognised (case-insensitive, any prefix, the key must end right
//! before the separator `=`, `:`, `:=` or `=>`): `password`, `passwd`,
//! `passphrase`, `pwd`, `pass`, `secret` (so `client_secret`), `token` (so
//! `access_token`, `auth_token`), `api_key`/`api-key`/`apikey`,
//! `access_key`, `secret_key`, `private_key`, `session_id`, `QualysSession`.
//!
//! **References are kept.** A value that is nothing but variable references
//! (`$QPASS`, `${QPASS}`, `$env:QPASS`, `%QPASS%`, `$(QPASS)`, `{password}`,
//! `{{ password }}`, `${{ secrets.QPASS }}`, `<password>`), optionally joined
//! by `:` as in `-u "$QUSER:$QPASS"`, is left as it is: it reveals nothing
//! and tells the reader where the credential comes from. Anything with a
//! literal part (`${QPASS:-hunter2}`, `admin:$QPASS`) is redacted whole.
//! A bare `$name` counts as a reference only in the environment-variable
//! convention (`$QPASS`, `$QUALYS_PASSWORD`): `PASSWORD=$ecret1` in a
//! `.env` file may well be a literal password, so it is redacted.
//!
//! The policy errs on the side of hiding: `bypass=true` becomes
//! `bypass=***` and literal placeholders such as `USERNAME:PASSWD` are
//! redacted too. A `-u` value without a `:` (curl then prompts for the
//! password) or containing `://` is left alone.
//!
//! Every pattern is a `regex` (finite automata: linear in the input, no
//! backtracking blow-up) compiled once. Matches fall on `char` boundaries,
//! so [`Redacted::map_offset`] always returns a `char` boundary.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// What replaces a secret.
const MASK: &str = "***";

/// Redacted text, with enough bookkeeping to map byte offsets of the
/// original text into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    /// Replaced ranges, sorted and disjoint.
    edits: Vec<Edit>,
    original_len: usize,
}

/// One replaced range: `original` became `MASK` at `new_start`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    original: Range<usize>,
    new_start: usize,
}

impl Edit {
    fn new_end(&self) -> usize {
        self.new_start + MASK.len()
    }
}

impl Redacted {
    /// Whether anything was redacted.
    pub fn is_redacted(&self) -> bool {
        !self.edits.is_empty()
    }

    /// Maps a byte offset in the original text to the redacted text.
    ///
    /// Offsets outside any secret move with the text around them; an offset
    /// at or inside a secret maps to the start of its `***`; offsets past
    /// the end clamp to the end. The result is always a `char` boundary of
    /// [`Redacted::text`] (an offset that was not a boundary of the original
    /// is rounded down).
    pub fn map_offset(&self, original_byte_offset: usize) -> usize {
        let o = original_byte_offset.min(self.original_len);
        let idx = self.edits.partition_point(|e| e.original.start <= o);
        let mapped = match idx.checked_sub(1).map(|i| &self.edits[i]) {
            None => o,
            Some(e) if o < e.original.end => e.new_start,
            Some(e) => e.new_end() + (o - e.original.end),
        };
        floor_char_boundary(&self.text, mapped)
    }

    /// Maps a byte span; an end inside a secret maps to the end of its `***`
    /// so the span still covers the mask.
    pub fn map_span(&self, start: usize, end: usize) -> (usize, usize) {
        let new_start = self.map_offset(start);
        let e = end.min(self.original_len);
        let idx = self.edits.partition_point(|ed| ed.original.start < e);
        let new_end = match idx.checked_sub(1).map(|i| &self.edits[i]) {
            Some(ed) if e <= ed.original.end => ed.new_end(),
            _ => self.map_offset(e),
        };
        (new_start, new_end.max(new_start))
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Redacts `text`, keeping enough information to map offsets.
pub fn redact(text: &str) -> Redacted {
    let mut ranges = secret_ranges(text);
    ranges.sort_by_key(|r| (r.start, r.end));
    // Merge overlapping and touching ranges so each secret becomes one mask.
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::with_capacity(merged.len());
    let mut at = 0;
    for r in merged {
        out.push_str(&text[at..r.start]);
        edits.push(Edit {
            original: r.clone(),
            new_start: out.len(),
        });
        out.push_str(MASK);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Redacted {
        text: out,
        edits,
        original_len: text.len(),
    }
}

/// Redacts `text` and returns only the text.
pub fn redact_str(text: &str) -> String {
    redact(text).text
}

// ---------------------------------------------------------------------------
// Patterns. Horizontal whitespace only (`[ \t]`): a secret never spans lines.

/// A keyed secret: `KEY["']? SEP VALUE`.
const KEYS: &str = r"(?:password|passwd|passphrase|pwd|pass|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|session[_-]?id|qualyssession)";
const DQ: &str = r#""((?:[^"\\\n]|\\.)*)""#;
const SQ: &str = r"'((?:[^'\\\n]|\\.)*)'";

/// `https://user:pass@host`: the userinfo.
static URL_USERINFO: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)\b[a-z][a-z0-9+.\-]*://([^\s/?#@'"<>\\`]+)@"#));

/// curl `-u user:pass`, `--user "user:pass"`, `-uuser:pass`, `"-u", "u:p"`,
/// and the proxy forms `-U` / `--proxy-user`.
static CURL_USER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?:^|[\s"'(\[,;|&=])(?:-u|-U|--user|--proxy-user)(?:[ \t]*["']?[ \t]*,[ \t]*|[ \t]*=[ \t]*|[ \t]+|)(?:{DQ}|{SQ}|([^\s"'\-][^\s"']*))"#
    ))
});

/// `Authorization: Bearer <token>`, `"Authorization": "Basic <b64>"`,
/// `.Set("Authorization", "Bearer x")`, `'Authorization' => 'Token x'`.
static AUTHORIZATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(?:proxy-)?authorization["']?[ \t]*(?:=>|:=|:|=|,)[ \t]*["']?[ \t]*(?:(?:bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|jwt|sso)[ \t]+)?([^\s"'<>,;`]+)"#,
    )
});

/// An obvious token after `Bearer` anywhere (checked for a digit in code).
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bbearer[ \t]+([A-Za-z0-9\-._~+/]{16,}=*)"));

/// `password=…`, `"password": "…"`, `PASSWORD: …`, `X-Api-Key: …`.
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?i){KEYS}["']?[ \t]*(?:=>|:=|=|:)[ \t]*(?:{DQ}|{SQ}|(\$\{{\{{[^}}\n]*\}}\}})|([^\s"'&;,<>(){{}}\[\]#=:][^\s"'&;,<>()\[\]]*))"#
    ))
});

/// A typed declaration: `password: str = "…"`, `token: String = "…"`.
static KEY_TYPED: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?i){KEYS}["']?[ \t]*:[ \t]*[A-Za-z_][\w.\[\]<>]*[ \t]*=[ \t]*(?:{DQ}|{SQ})"#
    ))
});

/// `auth=("user", "pass")`, `HTTPBasicAuth("user", "pass")`.
static AUTH_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(?:\bauth[ \t]*=[ \t]*[(\[]|\b(?:HTTPBasicAuth|HTTPDigestAuth|BasicAuth)[ \t]*\()[ \t]*["'][^"'\n]*["'][ \t]*,[ \t]*(?:"([^"\n]*)"|'([^'\n]*)')"#,
    )
});

/// A value that is only variable references, optionally joined by `:`.
/// Names are ASCII (`(?-u:\w)`): the Unicode `\w`, repeated eight times
/// here, made this one pattern cost 8 ms to compile, more than all the
/// other redaction patterns together, on the scan's critical path; a
/// non-ASCII name is then redacted, the safe side.
static REFERENCE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    const REF: &str = r"(?-u:\$[A-Z_][A-Z0-9_]*|\$\{[A-Za-z_][\w.]*\}|(?i:\$env:)[A-Za-z_]\w*|%[A-Za-z_]\w*%|\$\([A-Za-z_]\w*\)|\$?\{\{[ \t]*[\w.\-]+[ \t]*\}\}|\{[A-Za-z_][\w.]*\}|<[\w \-]+>)";
    re(&format!(r"^{REF}(?::{REF})*$"))
});

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("invariant: redaction patterns are valid regexes")
}

const SCHEMES: [&str; 10] = [
    "bearer",
    "basic",
    "token",
    "digest",
    "negotiate",
    "ntlm",
    "apikey",
    "api-key",
    "jwt",
    "sso",
];

fn is_reference_only(value: &str) -> bool {
    REFERENCE_ONLY.is_match(value)
}

/// The first participating capture group among `groups`.
fn first_group(caps: &regex::Captures<'_>, groups: &[usize]) -> Option<Range<usize>> {
    groups.iter().find_map(|&g| caps.get(g)).map(|m| m.range())
}

/// Every byte range of `text` holding a secret (possibly overlapping).
fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut push = |r: Range<usize>| {
        let value = &text[r.clone()];
        if !value.is_empty() && !is_reference_only(value) {
            out.push(r);
        }
    };

    for caps in URL_USERINFO.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1]) {
            push(r);
        }
    }
    for caps in CURL_USER.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1, 2, 3]) {
            let value = &text[r.clone()];
            // Without `:` curl prompts for the password; a URL is not a credential.
            if value.contains(':') && !value.contains("://") {
                push(r);
            }
        }
    }
    for caps in AUTHORIZATION.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1]) {
            // `"Bearer " + token`: the scheme alone is no secret.
            if !SCHEMES
                .iter()
                .any(|s| text[r.clone()].eq_ignore_ascii_case(s))
            {
                push(r);
            }
        }
    }
    for caps in BEARER.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1]) {
            if text[r.clone()].bytes().any(|b| b.is_ascii_digit()) {
                push(r);
            }
        }
    }
    for caps in KEY_VALUE.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1, 2, 3, 4]) {
            push(r);
        }
    }
    for caps in KEY_TYPED.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1, 2]) {
            push(r);
        }
    }
    for caps in AUTH_PAIR.captures_iter(text) {
        if let Some(r) = first_group(&caps, &[1, 2]) {
            push(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `(input, expected output)`.
    const CASES: &[(&str, &str)] = &[
        // curl -u / --user
        ("curl -u admin:s3cret https://h/", "curl -u *** https://h/"),
        (
            "curl --user admin:s3cret https://h/",
            "curl --user *** https://h/",
        ),
        (
            r#"curl -u "admin:s3cret" https://h/"#,
            r#"curl -u "***" https://h/"#,
        ),
        (
            "curl -u 'admin:s3cret' https://h/",
            "curl -u '***' https://h/",
        ),
        ("curl -uadmin:s3cret https://h/", "curl -u*** https://h/"),
        ("curl --user=admin:s3cret x", "curl --user=*** x"),
        (
            r#"subprocess.run(["curl", "-u", "admin:s3cret", url])"#,
            r#"subprocess.run(["curl", "-u", "***", url])"#,
        ),
        ("curl -U proxy:s3cret -x p", "curl -U *** -x p"),
        (r#"curl -u "admin:p\"w" x"#, r#"curl -u "***" x"#),
        // references are kept
        (
            r#"curl -u "$QUSER:$QPASS" https://h/"#,
            r#"curl -u "$QUSER:$QPASS" https://h/"#,
        ),
        ("curl -u ${QUSER}:${QPASS} x", "curl -u ${QUSER}:${QPASS} x"),
        (
            r#"curl.exe -u "$env:QUSER:$env:QPASS" x"#,
            r#"curl.exe -u "$env:QUSER:$env:QPASS" x"#,
        ),
        ("curl -u %QUSER%:%QPASS% x", "curl -u %QUSER%:%QPASS% x"),
        (
            "curl -u {{user}}:{{password}} x",
            "curl -u {{user}}:{{password}} x",
        ),
        // ... but not a reference with a literal part
        (r#"curl -u "admin:$QPASS" x"#, r#"curl -u "***" x"#),
        ("curl -u ${QUSER}:${QPASS:-hunter2} x", "curl -u *** x"),
        ("PASSWORD=$ecret1", "PASSWORD=***"),
        (r#"curl -u "$quser:$qpass" x"#, r#"curl -u "***" x"#),
        ("curl -u ${quser}:${qpass} x", "curl -u ${quser}:${qpass} x"),
        // no password given, or not curl's -u: left alone
        ("curl -u admin https://h/", "curl -u admin https://h/"),
        ("git push -u origin main", "git push -u origin main"),
        (
            "curl -u https://h/api/2.0/fo/scan/",
            "curl -u https://h/api/2.0/fo/scan/",
        ),
        // Authorization headers
        (
            "-H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.c2ln'",
            "-H 'Authorization: Bearer ***'",
        ),
        (
            "Authorization: Basic dXNlcjpwYXNz",
            "Authorization: Basic ***",
        ),
        (
            r#"{"Authorization": "Basic dXNlcjpwYXNz"}"#,
            r#"{"Authorization": "Basic ***"}"#,
        ),
        (
            r#"req.Header.Set("Authorization", "Bearer abc.def")"#,
            r#"req.Header.Set("Authorization", "Bearer ***")"#,
        ),
        (
            "'Authorization' => 'Token abcdef'",
            "'Authorization' => 'Token ***'",
        ),
        ("authorization: dXNlcjpwYXNz", "authorization: ***"),
        (
            r#"headers = {"Authorization": "Bearer " + token}"#,
            r#"headers = {"Authorization": "Bearer " + token}"#,
        ),
        (
            "Authorization: Bearer $TOKEN",
            "Authorization: Bearer $TOKEN",
        ),
        (
            "Authorization: <Bearer Token>",
            "Authorization: <Bearer Token>",
        ),
        (
            "Proxy-Authorization: Basic Zm9vOmJhcg==",
            "Proxy-Authorization: Basic ***",
        ),
        // a long token after Bearer anywhere
        (
            "token is Bearer abcdef0123456789abcdef",
            "token is Bearer ***",
        ),
        (
            "the Bearer authentication scheme",
            "the Bearer authentication scheme",
        ),
        // key = value
        (
            "https://h/api/2.0/fo/scan/?action=list&password=s3cret&x=1",
            "https://h/api/2.0/fo/scan/?action=list&password=***&x=1",
        ),
        ("username=bob&passwd=s3cret", "username=bob&passwd=***"),
        ("pwd=s3cret", "pwd=***"),
        ("secret=s3cret", "secret=***"),
        ("token=s3cret", "token=***"),
        ("api_key=s3cret", "api_key=***"),
        ("apikey=s3cret", "apikey=***"),
        ("access_token=s3cret", "access_token=***"),
        ("client_secret=s3cret", "client_secret=***"),
        ("QUALYS_PASSWORD=s3cret", "QUALYS_PASSWORD=***"),
        ("export QPASS='s3cret'", "export QPASS='***'"),
        (
            r#"{"username": "bob", "password": "s3cret"}"#,
            r#"{"username": "bob", "password": "***"}"#,
        ),
        ("password: s3cret # yaml", "password: *** # yaml"),
        (r#"password: "s3cret""#, r#"password: "***""#),
        ("X-Api-Key: s3cret", "X-Api-Key: ***"),
        (r#"-H "X-API-KEY:s3cret""#, r#"-H "X-API-KEY:***""#),
        ("'password' => 's3cret'", "'password' => '***'"),
        ("password := \"s3cret\"", "password := \"***\""),
        ("password: str = \"s3cret\"", "password: *** = \"***\""),
        ("-b QualysSession=abc123", "-b QualysSession=***"),
        (
            "token: ${{ secrets.QUALYS_TOKEN }}",
            "token: ${{ secrets.QUALYS_TOKEN }}",
        ),
        ("password = $QPASS", "password = $QPASS"),
        ("password={password}", "password={password}"),
        ("password=<your password>", "password=<your password>"),
        // not secrets
        (
            "token_url = \"https://h/api/2.0/fo/scan/\"",
            "token_url = \"https://h/api/2.0/fo/scan/\"",
        ),
        ("let t = Token::new(x);", "let t = Token::new(x);"),
        ("if password == other {", "if password == other {"),
        ("/api/2.0/fo/auth/password/", "/api/2.0/fo/auth/password/"),
        // URL userinfo
        (
            "https://bob:s3cret@qualysapi.qualys.com/api/2.0/fo/scan/",
            "https://***@qualysapi.qualys.com/api/2.0/fo/scan/",
        ),
        (
            "git clone https://ghp_abc123@github.com/x/y",
            "git clone https://***@github.com/x/y",
        ),
        ("https://$QUSER:$QPASS@h/", "https://$QUSER:$QPASS@h/"),
        (
            "mailto bob@example.com https://h/?a=b@c",
            "mailto bob@example.com https://h/?a=b@c",
        ),
        // auth pairs
        (
            r#"requests.get(url, auth=("bob", "s3cret"))"#,
            r#"requests.get(url, auth=("bob", "***"))"#,
        ),
        (
            "HTTPBasicAuth('bob', 's3cret')",
            "HTTPBasicAuth('bob', '***')",
        ),
        // several on one line
        (
            "curl -u bob:s3cret -H 'Authorization: Basic Zm9v' 'https://h/?password=s3cret'",
            "curl -u *** -H 'Authorization: Basic ***' 'https://h/?password=***'",
        ),
        // multi-byte characters next to secrets
        (
            "mot de passe: password=héllo→wörld ✓",
            "mot de passe: password=*** ✓",
        ),
        ("✓password=s3cret✓", "✓password=***"),
        ("curl -u «admin:s3cret» é", "curl -u *** é"),
    ];

    #[test]
    fn each_form_is_redacted() {
        for (input, expected) in CASES {
            assert_eq!(redact_str(input), *expected, "input: {input}");
        }
    }

    #[test]
    fn known_secret_never_appears() {
        for (input, _) in CASES {
            if input.contains("s3cret") {
                let out = redact_str(input);
                assert!(!out.contains("s3cret"), "{input} -> {out}");
            }
        }
        let secrets = [
            ("dXNlcjpwYXNz", "Authorization: Basic dXNlcjpwYXNz"),
            (
                "eyJhbGciOiJIUzI1NiJ9",
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
            ),
            ("abcdef0123456789abcdef", "Bearer abcdef0123456789abcdef"),
            ("hunter2", "curl -u ${U}:${P:-hunter2} x"),
            ("hunter2", "PASS=hunter2"),
            ("hunter2", "x-api-key: hunter2"),
        ];
        for (secret, input) in secrets {
            assert!(!redact_str(input).contains(secret), "{input}");
        }
    }

    #[test]
    fn map_offset_follows_the_text() {
        let input = "curl -u admin:s3cret https://h/api/2.0/fo/scan/";
        let r = redact(input);
        assert_eq!(r.text, "curl -u *** https://h/api/2.0/fo/scan/");
        let url = input.find("https").expect("present");
        let url_new = r.text.find("https").expect("present");
        assert_eq!(r.map_offset(url), url_new);
        assert_eq!(r.map_offset(input.len()), r.text.len());
        assert_eq!(r.map_offset(input.len() + 50), r.text.len());
        assert_eq!(r.map_offset(0), 0);
        // inside the secret: the start of the mask
        assert_eq!(r.map_offset(10), 8);
        assert_eq!(r.map_span(9, 12), (8, 11));
        assert_eq!(r.map_span(url, input.len()), (url_new, r.text.len()));
        assert!(r.is_redacted());
        assert!(!redact("nothing here").is_redacted());
    }

    #[test]
    fn map_offset_after_multibyte_and_userinfo() {
        let input = "é https://bob:pw@h/api/2.0/fo/scan/ ✓";
        let r = redact(input);
        assert_eq!(r.text, "é https://***@h/api/2.0/fo/scan/ ✓");
        let api = input.find("/api").expect("present");
        assert_eq!(r.map_offset(api), r.text.find("/api").expect("present"));
        // not a char boundary of the original: rounded down
        let check = input.find('✓').expect("present");
        assert_eq!(r.map_offset(check + 1), r.text.find('✓').expect("present"));
    }

    #[test]
    fn large_input_is_linear() {
        // A 3 MB single line full of near-misses and real secrets.
        let chunk = "x password=s3cret&token= -u a:b https://u:p@h/ Bearer 0123456789abcdefXYZ é ";
        let input = chunk.repeat(3_000_000 / chunk.len());
        let started = std::time::Instant::now();
        let r = redact(&input);
        assert!(!r.text.contains("s3cret") && !r.text.contains("u:p@"));
        assert_eq!(r.map_offset(input.len()), r.text.len());
        // Generous bound for unoptimised builds; catches quadratic behaviour.
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }

    fn check_invariants(input: &str) {
        let r = redact(input);
        let mut last = 0;
        for o in 0..=input.len() + 2 {
            let m = r.map_offset(o);
            assert!(r.text.is_char_boundary(m), "{input:?} offset {o} -> {m}");
            assert!(m >= last, "map_offset is monotonic");
            last = m;
            let (s, e) = r.map_span(o.min(input.len()), input.len());
            assert!(s <= e && e <= r.text.len() && r.text.is_char_boundary(e));
        }
    }

    #[test]
    fn case_inputs_keep_invariants() {
        for (input, _) in CASES {
            // On real credential forms, redacting again changes nothing.
            let once = redact_str(input);
            assert_eq!(redact_str(&once), once, "{input:?}");
            check_invariants(input);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn random_text_never_panics(s in "\\PC*") {
            check_invariants(&s);
        }

        #[test]
        fn random_secretish_text_never_panics(
            s in r#"([ \t\n"':=@/&,;({\[$%<>-]|-u|--user|password|Bearer |Authorization|https://|é|✓|日本|[a-z0-9]{1,6}){0,24}"#
        ) {
            check_invariants(&s);
        }
    }
}
