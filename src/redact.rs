//! Credential redaction: no password, token or key reaches any output.
//!
//! [`redact`] replaces every secret it recognises with `***` and keeps the
//! key, flag, scheme or URL around it, so the output still reads naturally:
//!
//! | input                                        | output                                 |
//! |----------------------------------------------|----------------------------------------|
//! | `curl -u admin:s3cret` / `-u "bob":"s3cret"` | `curl -u ***` / `-u ***`               |
//! | `curl -u "admin:s3cret"`                     | `curl -u "***"`                        |
//! | `["curl", "-u", "admin:s3cret"]`             | `["curl", "-u", "***"]`                |
//! | `--password s3cret` / `-Token s3cret`        | `--password ***` / `-Token ***`        |
//! | `-H "Authorization: Bearer eyJ…"`            | `-H "Authorization: Bearer ***"`       |
//! | `?username=bob&pw=s3cret&x=1`                | `?username=bob&pw=***&x=1`             |
//! | `"password": "s3cret"` / `QUALYS_PW: s3cret` | `"password": "***"` / `QUALYS_PW: ***` |
//! | `https://bob:p@ss@qualysapi.qualys.com`      | `https://***@qualysapi.qualys.com`     |
//! | `auth=(USER, "s3cret")`                      | `auth=(USER, "***")`                   |
//! | `HTTPBasicAuth(user, "s3cret")`              | `HTTPBasicAuth(user, "***")`           |
//! | `machine h login bob password s3cret`        | `machine h login bob password ***`     |
//! | `{"key":"password","value":"s3cret"}`        | `{"key":"password","value":"***"}`     |
//! | `ConvertTo-SecureString "s3cret" -AsPlainText` | `ConvertTo-SecureString "***" -AsPlainText` |
//!
//! # The model
//!
//! Redaction is decided on what the text *is*, found by small parsers that
//! each look at one construct, not by one pattern per spelling:
//!
//! - **URLs** (`scheme://`, also `:\/\/` in escaped JSON and `%3A%2F%2F`
//!   percent-encoded): the authority is parsed the way a URL parser does and
//!   the userinfo, up to the *last* `@`, is hidden whole (`user:p@ss@host`).
//! - **Keys and values**: at every `=`, `:`, `:=`, `=>`, `%3D` and `,`
//!   the key in front is read (bare, quoted, `["key"]`, percent-decoded)
//!   and split into words (`QUALYS_PW` → qualys, pw; `accessToken` →
//!   access, token). It names a secret when a word is a secret word
//!   (password, passwd, passphrase, pwd, pw, pass, secret, token, jwt,
//!   apikey, api key, access/secret/private key, auth, authorization,
//!   credential, session, session id, cookie, bearer, … also as a suffix:
//!   `qualyspassword`, `bypass`) and the last word is not a word that names
//!   something about the secret (url, endpoint, file, name, type, length,
//!   expiry, user, …: `token_url`, `password_file` are kept). The value is
//!   then parsed: a string literal (any quote, escaped quotes as in JSON
//!   inside JSON, Python/C# prefixes, triple quotes), a YAML block scalar,
//!   a bracketed structure (every string value in it, or for an auth pair
//!   every element after the user), or a bare word (to the end of the line
//!   when the key starts the line, as in `.env`, YAML and HTTP headers). A
//!   `,` separates a key from a *quoted* value only, as a call's first
//!   argument or a constant (`.Set("Authorization", "Bearer x")`,
//!   `CURLOPT_USERPWD, "u:p"`), not in a list (`["PASSWORD", "IMPLICIT"]`).
//!   Keys secret only through a weak word (auth, session, cookie,
//!   credential, sid, pin, otp) keep a value that is a URL or path
//!   (`mysqlAuth: "/api/2.0/fo/auth/mysql/"`), a command (`$cred =
//!   Get-Credential`), a call, or a bare identifier closing an argument
//!   (`auth=auth,`, `auth: BasicAuth)`); strong keys hide those too (a
//!   webhook URL under `webhook_secret` is a secret). Package versions
//!   (`"cookie-parser": "~1.4.6"`) are kept.
//! - **Named pairs**: `{"key": "password", "value": "x"}` (Postman),
//!   `<add key="Password" value="x"/>`, `- name: QUALYS_PW⏎value: x`: when
//!   a `key`/`name` field names a secret, the `value` beside it is hidden.
//! - **Command lines**: curl's `-u`/`--user`/`-U`/`--proxy-user` argument
//!   parsed as a shell word (`"u":"p"`, `-uuser:p`, a JSON array element),
//!   any `--flag`/`-Flag` whose name is secret, netrc `password X`,
//!   Dockerfile `ENV NAME value`, `setx NAME value`,
//!   `ConvertTo-SecureString "p"`.
//! - **Calls**: an auth constructor or login call, named so by its last
//!   word (`HTTPBasicAuth`, `BasicAuth`, `SetBasicAuth`,
//!   `NetworkCredential`, `PSCredential`, `UsernamePasswordCredentials`,
//!   `login`, `.auth(…)`, Ruby's `basic_auth u, p`; not
//!   `resourceAuthRecord`), hides every literal argument after the first
//!   (the user); a setter (`setPassword("x")`, `withToken("x")`) hides its
//!   literal arguments; a base64 encoder's `"user:pass"` literal is hidden.
//!   Keyword arguments are keys of their own.
//! - **Markup**: `<password>x</password>`, `<wsse:Password>x</…>`.
//! - **Self-identifying tokens**: `Authorization` schemes (`Basic`,
//!   `Bearer`, `Token`, … the scheme is kept), a `Basic` base64 value that
//!   decodes to `user:pass`, a long `Bearer` token, a JWT (`eyJ….eyJ….`),
//!   and well-known token prefixes (`ghp_`, `github_pat_`, `glpat-`,
//!   `xoxb-`, `AKIA…`).
//!
//! **References are kept.** A value that is nothing but variable references
//! (`$QPASS`, `${QPASS}`, `$env:QPASS`, `%QPASS%`, `$(QPASS)`, `{password}`,
//! `{{ password }}`, `${{ secrets.QPASS }}`, `<password>`), optionally joined
//! by `:` as in `-u "$QUSER:$QPASS"`, is left as it is: it reveals nothing
//! and tells the reader where the credential comes from. Anything with a
//! literal part (`${QPASS:-hunter2}`, `admin:$QPASS`) is hidden whole. A
//! bare `$name` counts as a reference only in the environment-variable
//! convention (`$QPASS`, `$QUALYS_PASSWORD`): `PASSWORD=$ecret1` in a
//! `.env` file may well be a literal password (on a command line, after a
//! flag, any `$name` is an expansion). A call (`password = getpass()`),
//! `null`/`None`/`true`/`false` and type names (`password: str`) are no
//! secrets either.
//!
//! The policy errs on the side of hiding: `bypass=true` becomes
//! `bypass=***` and literal placeholders such as `USERNAME:PASSWD` are
//! hidden too. A `-u` value without a `:` (curl then prompts for the
//! password) or containing `://` is left alone.
//!
//! A secret never spans lines in the output: a hidden range that crosses
//! a line break (a triple-quoted string, a YAML block) is masked line by
//! line, so [`redact_lines`] and code frames keep their line structure.
//! Masking is repeated until it finds nothing new, so redaction is
//! idempotent.
//!
//! **Context.** A code frame is redacted with 512 bytes around it in view
//! ([`redact_window`]), a diff as whole files ([`redact_lines`]), and a
//! finding's rebuilt URL with the secrets its source shows nearby
//! ([`secrets_near`], [`redact_known`]): a password glued to a URL by
//! string concatenation has lost its shape but not its text.
//!
//! **Cost.** Every parser is a single forward pass; every look-back or
//! look-ahead is bounded by a constant (a key by 128 bytes, a line boundary
//! or a literal by 4 KiB, a structure by 2 KiB and an argument list by
//! 1 KiB, each skipped when a previous scan covered it, a named pair's
//! object by 1.5 KiB), so the whole is linear in the input. The only
//! automata (two Aho-Corasick keyword sets and one reference pattern) are
//! compiled once. Ranges fall on `char` boundaries, so
//! [`Redacted::map_offset`] always returns a `char` boundary.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

/// What replaces a secret.
pub const MASK: &str = "***";

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

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Passes over the text at most (see [`redact`]).
const MAX_PASSES: usize = 4;

/// Redacts `text`, keeping enough information to map offsets.
///
/// Masking can make a new secret visible to the parsers (a token that
/// stopped at a character now inside a mask), so the masked text is parsed
/// again and what it adds is mapped back onto the original, until a pass
/// adds nothing (two passes when there is a secret, one when there is
/// none; at most four). That makes redaction idempotent:
/// `redact(redact(x).text).text == redact(x).text`.
pub fn redact(text: &str) -> Redacted {
    let mut ranges = normalize(text, secret_ranges(text));
    let mut r = apply(text, &ranges);
    for _ in 1..MAX_PASSES {
        if !r.is_redacted() {
            break;
        }
        let again = normalize(&r.text, secret_ranges(&r.text));
        let new: Vec<Range<usize>> = again
            .into_iter()
            .filter(|g| !r.within_mask(g))
            .map(|g| r.unmap(&g))
            .collect();
        if new.is_empty() {
            break;
        }
        ranges.extend(new);
        ranges = normalize(text, ranges);
        r = apply(text, &ranges);
    }
    r
}

impl Redacted {
    /// Whether `r` (in the redacted text) lies inside one mask.
    fn within_mask(&self, r: &Range<usize>) -> bool {
        let idx = self.edits.partition_point(|e| e.new_start <= r.start);
        idx.checked_sub(1)
            .map(|i| &self.edits[i])
            .is_some_and(|e| r.end <= e.new_end())
    }

    /// The original range behind `r` (in the redacted text); a mask it
    /// touches counts whole.
    fn unmap(&self, r: &Range<usize>) -> Range<usize> {
        let back = |p: usize, end: bool| {
            let idx = self
                .edits
                .partition_point(|e| e.new_start < p || (!end && e.new_start == p));
            match idx.checked_sub(1).map(|i| &self.edits[i]) {
                None => p,
                Some(e) if p < e.new_end() || (end && p == e.new_end()) => {
                    if end {
                        e.original.end
                    } else {
                        e.original.start
                    }
                }
                Some(e) => e.original.end + (p - e.new_end()),
            }
        };
        back(r.start, false)..back(r.end, true).max(back(r.start, false))
    }
}

/// Ranges on `char` boundaries, sorted, merged when they overlap or touch
/// (each secret becomes one mask), split at line breaks (a mask never
/// swallows one) and trimmed of blanks.
fn normalize(text: &str, mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    for r in &mut ranges {
        r.start = floor_char_boundary(text, r.start);
        r.end = ceil_char_boundary(text, r.end.max(r.start));
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        if r.is_empty() {
            continue;
        }
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let bytes = text.as_bytes();
    let mut pieces: Vec<Range<usize>> = Vec::with_capacity(merged.len());
    for r in merged {
        let mut start = r.start;
        for nl in memchr::memchr_iter(b'\n', &bytes[r.clone()]) {
            let nl = r.start + nl;
            push_piece(bytes, start..nl, &mut pieces);
            start = nl + 1;
        }
        push_piece(bytes, start..r.end, &mut pieces);
    }
    pieces
}

/// `text` with each of the sorted, disjoint `ranges` replaced by [`MASK`].
fn apply(text: &str, ranges: &[Range<usize>]) -> Redacted {
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::with_capacity(ranges.len());
    let mut at = 0;
    for r in ranges {
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

fn push_piece(bytes: &[u8], mut r: Range<usize>, pieces: &mut Vec<Range<usize>>) {
    while r.end > r.start && matches!(bytes[r.end - 1], b'\r' | b' ' | b'\t') {
        r.end -= 1;
    }
    while r.start < r.end && matches!(bytes[r.start], b' ' | b'\t') {
        r.start += 1;
    }
    if r.start < r.end {
        pieces.push(r);
    }
}

/// Redacts `text` and returns only the text.
pub fn redact_str(text: &str) -> String {
    redact(text).text
}

/// Bytes around each offset [`secrets_near`] looks at.
const NEAR: usize = 512;

/// The secrets found within 512 bytes (whole lines) of each of `offsets` in `text`,
/// as text, longest first (at least 4 bytes: shorter ones would mask
/// ordinary text). A finding's URL is rebuilt from pieces and can carry a
/// secret that, once glued to it, no longer looks like one
/// (`"bob":"s3cret" "https://h/…"` in Python is one string); its fields are
/// masked with what the source around it shows ([`redact_known`]).
pub fn secrets_near(text: &str, offsets: impl IntoIterator<Item = usize>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let b = text.as_bytes();
    for o in offsets {
        // Whole lines where they are short, so no construct is cut; a
        // secret touching a cut edge is dropped (half a reference is no
        // secret, and would mask ordinary text).
        let o = o.min(text.len());
        let from = floor_char_boundary(text, line_start(b, o.saturating_sub(NEAR)));
        let to = ceil_char_boundary(text, line_end(b, (o + NEAR).min(text.len())));
        let cut_start = from > 0 && b[from - 1] != b'\n';
        let cut_end = to < text.len() && !matches!(b[to], b'\n' | b'\r');
        let window = &text[from..to];
        for r in normalize(window, secret_ranges(window)) {
            if (cut_start && r.start == 0) || (cut_end && r.end == window.len()) {
                continue;
            }
            // A shell word such as `"bob":"s3cret"` is hidden whole; what a
            // rebuilt URL can hold is its quoted pieces.
            let whole = &window[r];
            let pieces = whole
                .split(|c: char| c == '"' || c == '\'' || c == '`' || c.is_whitespace())
                .chain(std::iter::once(whole));
            for secret in pieces {
                if secret.len() >= 4 && secret != MASK && !found.iter().any(|f| f == secret) {
                    found.push(secret.to_string());
                }
            }
        }
    }
    found.sort_by_key(|s| std::cmp::Reverse(s.len()));
    found
}

/// Shortest known secret [`redact_known`] masks inside other text: a
/// shorter one is too likely a word of the URL itself.
const MIN_KNOWN: usize = 8;

/// `text` redacted, with every occurrence of a `known` secret (of at least
/// 8 bytes) masked too, except where it is a whole segment of
/// the URL (`/scan/`, `.qualys.`, `=list&`): a secret glued into a URL is
/// never delimited on both sides, a word of the URL always is.
pub fn redact_known(text: &str, known: &[String]) -> String {
    let delimiter = |c: Option<u8>| {
        c.is_none_or(|c| {
            matches!(
                c,
                b'/' | b'.' | b'?' | b'&' | b'=' | b':' | b'#' | b';' | b'@'
            )
        })
    };
    let mut t = text.to_string();
    for k in known.iter().filter(|k| k.len() >= MIN_KNOWN) {
        let mut out = String::with_capacity(t.len());
        let mut at = 0;
        for (p, _) in t.match_indices(k.as_str()) {
            if p < at {
                continue;
            }
            let before = p.checked_sub(1).map(|q| t.as_bytes()[q]);
            let after = t.as_bytes().get(p + k.len()).copied();
            if delimiter(before) && delimiter(after) {
                continue;
            }
            out.push_str(&t[at..p]);
            out.push_str(MASK);
            at = p + k.len();
        }
        out.push_str(&t[at..]);
        t = out;
    }
    redact_str(&t)
}

/// `text` with every secret's bytes replaced by `*`, one for one: byte
/// offsets into `text` stay valid (for an error that points into a file).
pub fn mask_keeping_offsets(text: &str) -> String {
    let ranges = normalize(text, secret_ranges(text));
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(&text[at..r.start]);
        out.extend(std::iter::repeat_n('*', r.len()));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Redacts `window` of `context` with the whole context in view, so a key
/// left of the window still hides its value inside it (a code frame cut out
/// of a minified line, a line under a multi-line `auth=(…)`). The result
/// holds the window only; its offsets are relative to `window.start`, and a
/// secret that straddles an edge of the window is masked whole.
pub fn redact_window(context: &str, window: Range<usize>) -> Redacted {
    let ws = floor_char_boundary(context, window.start.min(context.len()));
    let we = ceil_char_boundary(context, window.end.clamp(ws, context.len()));
    let full = redact(context);
    let (ns, ne) = full.map_span(ws, we);
    let edits = full
        .edits
        .iter()
        .filter(|e| e.original.end > ws && e.original.start < we.max(ws + 1))
        .map(|e| Edit {
            original: e.original.start.max(ws) - ws..e.original.end.min(we).max(ws) - ws,
            new_start: e.new_start.saturating_sub(ns),
        })
        .collect();
    Redacted {
        text: full.text[ns..ne].to_string(),
        edits,
        original_len: we - ws,
    }
}

/// Redacts a sequence of lines as one text (a value may sit on the line
/// after its key) and returns, per line, its redacted form when it differs.
pub fn redact_lines<S: AsRef<str>>(lines: &[S]) -> Vec<Option<String>> {
    let mut joined = String::with_capacity(lines.iter().map(|l| l.as_ref().len() + 1).sum());
    let mut starts = Vec::with_capacity(lines.len());
    for l in lines {
        starts.push(joined.len());
        joined.push_str(l.as_ref());
        joined.push('\n');
    }
    let r = redact(&joined);
    if !r.is_redacted() {
        return vec![None; lines.len()];
    }
    lines
        .iter()
        .zip(starts)
        .map(|(l, s)| {
            let l = l.as_ref();
            let (ns, ne) = r.map_span(s, s + l.len());
            let red = &r.text[ns..ne];
            (red != l).then(|| red.to_string())
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Byte classes and small readers.

/// Bytes of a bare key: `QUALYS_PW`, `x-api-key`, `self.password`,
/// `p%61ssword`, `$password`, `@token`.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'%' | b'$' | b'@')
}

fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

fn is_hspace(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_eol(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Ends a bare value written inline (in a URL, on a command line, in code).
fn ends_inline_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\''
                | b'`'
                | b'&'
                | b';'
                | b','
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'|'
        )
}

fn skip_hspace(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_hspace(b[i]) {
        i += 1;
    }
    i
}

/// How far line boundaries are looked for: every look-around is bounded,
/// so a megabyte on one line costs no more per position than a short line.
const LOOK: usize = 4096;

/// The start of `i`'s line, looked for at most [`LOOK`] bytes back (past
/// that, the position [`LOOK`] bytes back: a prefix that long is no
/// indentation or keyword).
fn line_start(b: &[u8], i: usize) -> usize {
    let lo = i.saturating_sub(LOOK);
    memchr::memrchr(b'\n', &b[lo..i]).map_or(lo, |p| lo + p + 1)
}

/// The end of `i`'s line (before `\r\n`), looked for at most [`LOOK`]
/// bytes ahead.
fn line_end(b: &[u8], i: usize) -> usize {
    let hi = (i + LOOK).min(b.len());
    line_end_in(b, i, hi)
}

/// The end of `i`'s line however far it is (for a value that runs to the
/// end of the line, read once per line).
fn line_end_full(b: &[u8], i: usize) -> usize {
    line_end_in(b, i, b.len())
}

fn line_end_in(b: &[u8], i: usize, hi: usize) -> usize {
    let mut e = memchr::memchr(b'\n', &b[i..hi]).map_or(hi, |p| i + p);
    if e > i && b[e - 1] == b'\r' {
        e -= 1;
    }
    e
}

/// A quote token at `i`: a quote, possibly escaped by backslashes (`\"`
/// in JSON inside JSON). Returns the quote, the number of backslashes and
/// the position after the quote.
fn quote_token_at(b: &[u8], i: usize) -> Option<(u8, usize, usize)> {
    let mut j = i;
    while j < b.len() && b[j] == b'\\' && j - i < 8 {
        j += 1;
    }
    (j < b.len() && is_quote(b[j])).then(|| (b[j], j - i, j + 1))
}

/// A string literal whose opening quote token ended at `from`. Returns the
/// content range and the end of the literal. An unterminated literal (the
/// line or the text was cut) runs to the end of the line.
fn literal(b: &[u8], from: usize, quote: u8, escapes: usize) -> (Range<usize>, usize) {
    // Triple quotes (Python, Kotlin, Java text blocks): may span lines.
    if escapes == 0 && b[from..].starts_with(&[quote, quote]) {
        let body = from + 2;
        let bound = (body + 16 * 1024).min(b.len());
        let needle = [quote, quote, quote];
        return match memchr::memmem::find(&b[body..bound], &needle) {
            Some(p) => (body..body + p, body + p + 3),
            None => (body..line_end(b, body), line_end(b, body)),
        };
    }
    let mut i = from;
    let bound = (from + LOOK).min(b.len());
    while i < bound {
        let c = b[i];
        if is_eol(c) {
            return (from..i, i);
        }
        if c == quote {
            let mut n = 0;
            while i - n > from && b[i - n - 1] == b'\\' {
                n += 1;
            }
            let closes = if escapes == 0 {
                n % 2 == 0
            } else {
                n == escapes
            };
            if closes {
                return (from..i - escapes, i + 1);
            }
        }
        i += 1;
    }
    (from..bound, bound)
}

/// A string literal starting at `i`, with an optional prefix (`r"…"`,
/// `b'…'`, `f"…"`, `@"…"`, `$"…"`): content range and end.
fn literal_at(b: &[u8], i: usize) -> Option<(Range<usize>, usize)> {
    let mut j = i;
    while j < b.len()
        && j - i < 2
        && matches!(
            b[j],
            b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F' | b'@' | b'$'
        )
    {
        j += 1;
    }
    let (q, k, after) = quote_token_at(b, j)?;
    // A prefix must touch the quote and not be part of a word before it.
    if j > i && i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    Some(literal(b, after, q, k))
}

/// The matching close of the bracket at `open`, string-aware, within
/// `bound` bytes.
fn matching_close(b: &[u8], open: usize, bound: usize) -> Option<usize> {
    let end = (open + bound).min(b.len());
    let mut depth = 0usize;
    let mut i = open;
    while i < end {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            q if is_quote(q) => {
                let (_, e) = literal(b, i + 1, q, 0);
                i = e;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A shell word at `i`: concatenated quoted and bare segments (`"u":"p"`).
/// Returns its range, the inner range when it is one quoted segment, and
/// its text without quotes.
/// A shell word: its range, the inside of its only quoted segment (if it is
/// one), and its text without quotes.
type ShellWord = (Range<usize>, Option<Range<usize>>, Vec<u8>);

fn shell_word(b: &[u8], i: usize) -> Option<ShellWord> {
    let mut j = i;
    let mut text = Vec::new();
    let mut segments = 0;
    let mut single = None;
    let bound = (i + 1024).min(b.len());
    while j < bound {
        let c = b[j];
        if is_quote(c) {
            let (content, end) = literal(b, j + 1, c, 0);
            text.extend_from_slice(&b[content.clone()]);
            single = Some(content);
            segments += 1;
            j = end;
        } else if c.is_ascii_whitespace()
            || matches!(
                c,
                b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')' | b',' | b']'
            )
        {
            break;
        } else {
            let start = j;
            while j < bound
                && !b[j].is_ascii_whitespace()
                && !is_quote(b[j])
                && !matches!(
                    b[j],
                    b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')' | b',' | b']'
                )
            {
                j += 1;
            }
            text.extend_from_slice(&b[start..j]);
            segments += 2;
        }
    }
    (j > i).then_some((i..j, if segments == 1 { single } else { None }, text))
}

// ---------------------------------------------------------------------------
// Key names.

/// What a key names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyClass {
    /// Nothing secret.
    Plain,
    /// A secret value: `password`, `QUALYS_PW`, `api_key`.
    Secret,
    /// A user and a password together: `auth`, `credentials`.
    AuthPair,
    /// The name of a named pair: `key`, `name`.
    Name,
}

const MAX_KEY: usize = 128;
const MAX_WORDS: usize = 12;

/// The lowercase words of a key name: percent-decoded, split at
/// non-alphanumerics and camelCase humps (`XMLHttpToken` → xml, http,
/// token), the last [`MAX_WORDS`] kept.
struct Words {
    lower: [u8; MAX_KEY],
    spans: [(u8, u8); MAX_WORDS],
    n: usize,
}

impl Words {
    fn new(raw: &[u8]) -> Words {
        let raw = &raw[raw.len().saturating_sub(MAX_KEY)..];
        let mut decoded = [0u8; MAX_KEY];
        let mut len = 0;
        let mut i = 0;
        while i < raw.len() {
            let c = raw[i];
            if c == b'%' && i + 2 < raw.len() {
                if let (Some(h), Some(l)) = (hex(raw[i + 1]), hex(raw[i + 2])) {
                    decoded[len] = h * 16 + l;
                    len += 1;
                    i += 3;
                    continue;
                }
            }
            decoded[len] = c;
            len += 1;
            i += 1;
        }
        let d = &decoded[..len];
        let mut w = Words {
            lower: [0; MAX_KEY],
            spans: [(0, 0); MAX_WORDS],
            n: 0,
        };
        for (k, c) in d.iter().enumerate() {
            w.lower[k] = c.to_ascii_lowercase();
        }
        let mut start: Option<usize> = None;
        for k in 0..=len {
            // A hump starts a word: aB, or ABc (the last capital).
            let boundary = k == len
                || !d[k].is_ascii_alphanumeric()
                || (k > 0 && start.is_some() && {
                    let (prev, cur) = (d[k - 1], d[k]);
                    (prev.is_ascii_lowercase() || prev.is_ascii_digit()) && cur.is_ascii_uppercase()
                        || (prev.is_ascii_uppercase()
                            && cur.is_ascii_uppercase()
                            && d.get(k + 1).is_some_and(u8::is_ascii_lowercase))
                });
            if boundary {
                if let Some(s) = start.take() {
                    w.push(s, k);
                }
                if k < len && d[k].is_ascii_alphanumeric() {
                    start = Some(k);
                }
            } else if start.is_none() {
                start = Some(k);
            }
        }
        w
    }

    fn push(&mut self, s: usize, e: usize) {
        if self.n == MAX_WORDS {
            self.spans.copy_within(1.., 0);
            self.n -= 1;
        }
        // MAX_KEY fits in u8.
        self.spans[self.n] = (s as u8, e as u8);
        self.n += 1;
    }

    fn word(&self, k: usize) -> &[u8] {
        let (s, e) = self.spans[k];
        &self.lower[s as usize..e as usize]
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.n).map(|k| self.word(k))
    }

    fn last(&self) -> Option<&[u8]> {
        self.n.checked_sub(1).map(|k| self.word(k))
    }
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Secret words, matched whole (after dropping a plural `s`).
const SECRET_EXACT: &[&[u8]] = &[
    b"jwt",
    b"cred",
    b"bearer",
    b"authorization",
    b"otp",
    b"pin",
    b"sid",
];
/// Secret words, matched as a word or a word's ending (`qualyspassword`,
/// `userpwd`, `bypass`, `oauth`).
const SECRET_SUFFIX: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"passphrase",
    b"pwd",
    b"pw",
    b"pass",
    b"passw",
    b"secret",
    b"token",
    b"apikey",
    b"accesskey",
    b"secretkey",
    b"privatekey",
    b"sessionid",
    b"session",
    b"credential",
    b"cookie",
    b"auth",
];
/// Words that make `key` a secret (`api_key`, `X-Api-Key`, `secretKey`).
const KEY_QUALIFIERS: &[&[u8]] = &[
    b"api",
    b"access",
    b"secret",
    b"private",
    b"auth",
    b"signing",
    b"master",
    b"encryption",
    b"app",
    b"subscription",
    b"client",
    b"consumer",
    b"license",
    b"shared",
    b"x",
];
/// A pair of user and password.
const AUTH_PAIR_WORDS: &[&[u8]] = &[
    b"auth",
    b"basicauth",
    b"credential",
    b"credentials",
    b"cred",
    b"creds",
    b"login",
    b"logon",
    b"signin",
    b"authenticate",
    b"authentication",
];
/// A last word that names something *about* a secret, not the secret:
/// `token_url`, `password_file`, `auth_type`, `secret_name`, `auth_user`.
const META_LAST: &[&[u8]] = &[
    b"url",
    b"uri",
    b"urls",
    b"endpoint",
    b"endpoints",
    b"host",
    b"hostname",
    b"domain",
    b"path",
    b"paths",
    b"file",
    b"files",
    b"filename",
    b"dir",
    b"directory",
    b"folder",
    b"name",
    b"names",
    b"field",
    b"fields",
    b"type",
    b"types",
    b"kind",
    b"hint",
    b"length",
    b"len",
    b"size",
    b"min",
    b"max",
    b"minimum",
    b"maximum",
    b"prompt",
    b"policy",
    b"label",
    b"env",
    b"var",
    b"variable",
    b"required",
    b"enabled",
    b"enable",
    b"disabled",
    b"disable",
    b"expires",
    b"expiry",
    b"expiration",
    b"ttl",
    b"timeout",
    b"age",
    b"lifetime",
    b"count",
    b"format",
    b"mode",
    b"style",
    b"regex",
    b"pattern",
    b"method",
    b"methods",
    b"scheme",
    b"mask",
    b"visible",
    b"placeholder",
    b"id",
    b"ids",
    b"ref",
    b"refs",
    b"reference",
    b"provider",
    b"param",
    b"parameter",
    b"prefix",
    b"suffix",
    b"help",
    b"text",
    b"message",
    b"msg",
    b"title",
    b"description",
    b"error",
    b"at",
    b"date",
    b"time",
    b"timestamp",
    b"since",
    b"until",
    b"user",
    b"username",
    b"userid",
    b"email",
    b"mail",
    b"alg",
    b"algorithm",
    b"version",
    b"location",
    b"class",
    b"header",
    b"headers",
    b"record",
    b"records",
    b"status",
    b"state",
    b"result",
];

fn strip_plural(w: &[u8]) -> &[u8] {
    if w.len() > 3 && w.ends_with(b"s") && !w.ends_with(b"ss") {
        &w[..w.len() - 1]
    } else {
        w
    }
}

fn is_secret_word(w: &[u8]) -> bool {
    let w = strip_plural(w);
    SECRET_EXACT.contains(&w) || SECRET_SUFFIX.iter().any(|s| w.ends_with(s))
}

/// Words that make a key secret only weakly: its value is often a
/// location or a command rather than a credential (`mysqlAuth:
/// "/api/2.0/fo/auth/mysql/"`, `session_url`, `$cred = Get-Credential`).
const WEAK_WORDS: &[&[u8]] = &[
    b"auth",
    b"session",
    b"cookie",
    b"credential",
    b"cred",
    b"sid",
    b"pin",
    b"otp",
];

/// Whether a secret key is secret only through [`WEAK_WORDS`].
fn key_is_weak(raw: &[u8]) -> bool {
    let words = Words::new(trim_ascii(raw));
    let mut prev: &[u8] = b"";
    let mut strong = false;
    for w in words.iter() {
        let base = strip_plural(w);
        let weak = WEAK_WORDS.iter().any(|k| base.ends_with(k));
        if (is_secret_word(w) && !weak)
            || (base == b"key" && KEY_QUALIFIERS.contains(&prev))
            || (w == b"id" && prev == b"session")
        {
            strong = true;
        }
        prev = w;
    }
    !strong
}

/// A URL or an absolute path: what a weakly secret key often holds.
fn looks_like_location(v: &str) -> bool {
    let b = v.as_bytes();
    (b.first() == Some(&b'/')
        && b.get(1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'{'))
        || b.iter().position(|c| *c == b':').is_some_and(|p| {
            p > 0
                && b[p..].starts_with(b"://")
                && b[..p]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
        })
}

/// A command as a value (`Get-Credential`, `Read-Host -AsSecureString`,
/// `Connect-Qualys -qualysCred $c`): PowerShell's Verb-Noun.
fn looks_like_command(v: &str) -> bool {
    let first = v.split_ascii_whitespace().next().unwrap_or("");
    let Some((verb, noun)) = first.split_once('-') else {
        return false;
    };
    let capitalised = |w: &str| {
        w.len() > 1
            && w.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.bytes().all(|c| c.is_ascii_alphanumeric())
    };
    capitalised(verb) && verb.bytes().skip(1).all(|c| c.is_ascii_lowercase()) && capitalised(noun)
}

/// Substrings one of which every non-plain key contains.
static KEY_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "pass", "pw", "secret", "token", "jwt", "key", "auth", "cred", "session", "cookie",
            "bearer", "sid", "pin", "otp", "name", "param", "field", "%",
        ])
        .expect("invariant: the key hints build")
});

/// Substrings one of which every call [`calls`] looks into contains (in
/// its name or receiver): the key hints, logins and base64 encoders.
static CALL_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "pass",
            "pw",
            "secret",
            "token",
            "jwt",
            "key",
            "auth",
            "cred",
            "session",
            "cookie",
            "bearer",
            "sid",
            "pin",
            "otp",
            "%",
            "login",
            "logon",
            "signin",
            "b64",
            "btoa",
            "64",
            "getbytes",
            "encodetostring",
        ])
        .expect("invariant: the call hints build")
});

/// Classifies a key name.
fn classify_key(raw: &[u8]) -> KeyClass {
    // Most keys in code name nothing secret: a substring check first
    // (every secret, qualifier and name word contains one of these, and a
    // `%` may hide any of them) saves splitting them into words.
    if !KEY_HINTS.is_match(raw) {
        return KeyClass::Plain;
    }
    let trimmed = trim_ascii(raw);
    if trimmed.eq_ignore_ascii_case(b"key")
        || trimmed.eq_ignore_ascii_case(b"name")
        || trimmed.eq_ignore_ascii_case(b"param")
        || trimmed.eq_ignore_ascii_case(b"field")
    {
        return KeyClass::Name;
    }
    let words = Words::new(trimmed);
    let Some(last) = words.last() else {
        return KeyClass::Plain;
    };
    // `header` is meta for `auth_header_name`, but `X-Auth-Header: v` is
    // not a header *about* the secret: only a qualifier before it counts.
    if META_LAST.contains(&last) && last != b"header" {
        return KeyClass::Plain;
    }
    let mut secret = false;
    let mut pair = false;
    let mut prev: &[u8] = b"";
    for w in words.iter() {
        if is_secret_word(w)
            || (strip_plural(w) == b"key" && KEY_QUALIFIERS.contains(&prev))
            || (w == b"id" && prev == b"session")
        {
            secret = true;
        }
        if AUTH_PAIR_WORDS.contains(&w) {
            pair = true;
        }
        prev = w;
    }
    if last == b"header" && !secret {
        return KeyClass::Plain;
    }
    match (secret, pair) {
        (false, _) => KeyClass::Plain,
        (true, true) => KeyClass::AuthPair,
        (true, false) => KeyClass::Secret,
    }
}

fn trim_ascii(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// The key in front of a separator starting at `sep`: a bare name, a
/// quoted one (`"password":`, `\"password\":`), or an index
/// (`["password"] =`, `[:password] =`). Returns the key's text range and
/// whether it was quoted.
fn key_before(b: &[u8], sep: usize) -> Option<(Range<usize>, bool)> {
    let mut i = sep;
    while i > 0 && is_hspace(b[i - 1]) {
        i -= 1;
    }
    if i > 0 && b[i - 1] == b']' {
        i -= 1;
        while i > 0 && is_hspace(b[i - 1]) {
            i -= 1;
        }
    }
    if i > 0 && is_quote(b[i - 1]) {
        let q = b[i - 1];
        let mut end = i - 1;
        while end > 0 && b[end - 1] == b'\\' {
            end -= 1;
        }
        let mut s = end;
        while s > 0 && end - s < MAX_KEY && b[s - 1] != q && !is_eol(b[s - 1]) {
            s -= 1;
        }
        if s == 0 || b[s - 1] != q {
            return None;
        }
        let mut key_start = s;
        while key_start < end && b[key_start] == b'\\' {
            key_start += 1;
        }
        let mut key_end = end;
        while key_end > key_start && b[key_end - 1] == b'\\' {
            key_end -= 1;
        }
        return (key_end > key_start).then_some((key_start..key_end, true));
    }
    let end = i;
    while i > 0 && end - i < MAX_KEY && is_key_byte(b[i - 1]) {
        // `%26` (`&`), `%3D` (`=`), …: a percent-encoded delimiter ends the
        // key as the delimiter would.
        if i >= 3 && b[i - 3] == b'%' {
            if let (Some(h), Some(l)) = (hex(b[i - 2]), hex(b[i - 1])) {
                let c = h * 16 + l;
                if !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')) {
                    break;
                }
            }
        }
        i -= 1;
    }
    // (A Ruby symbol `:password =>` stops at the `:`.)
    (i < end).then_some((i..end, false))
}

/// Whether the key at `key_start` starts its line: only indentation, a
/// YAML `- ` or a shell keyword (`export`, `set`, `ENV`, …) before it. Its
/// bare value then runs to the end of the line (`.env`, YAML, headers).
fn key_starts_line(b: &[u8], key_start: usize) -> bool {
    let ls = line_start(b, key_start);
    let prefix = trim_ascii(&b[ls..key_start]);
    let prefix = prefix.strip_prefix(b"- ").map_or(prefix, trim_ascii);
    let prefix = prefix.strip_suffix(b"\"").unwrap_or(prefix);
    let prefix = prefix.strip_suffix(b"'").unwrap_or(prefix);
    let prefix = trim_ascii(prefix);
    prefix.is_empty()
        || prefix == b"-"
        || [
            b"export".as_slice(),
            b"set",
            b"setenv",
            b"declare",
            b"local",
            b"readonly",
            b"typeset",
            b"env",
            b"arg",
            b"$env:",
        ]
        .iter()
        .any(|k| prefix.eq_ignore_ascii_case(k))
}

// ---------------------------------------------------------------------------
// Values.

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

const NOT_SECRETS: [&str; 12] = [
    "null",
    "none",
    "nil",
    "true",
    "false",
    "undefined",
    "yes",
    "no",
    "on",
    "off",
    "~",
    "\"\"",
];

/// Type names after `password:` in a signature (`password: str,`).
const TYPE_NAMES: [&str; 17] = [
    "str",
    "string",
    "charsequence",
    "bytearray",
    "chararray",
    "bytes",
    "int",
    "bool",
    "any",
    "object",
    "secretstr",
    "securestring",
    "char[]",
    "text",
    "optional[str]",
    "str?",
    "string?",
];

/// Words that start an expression rather than a literal.
const EXPRESSION_WORDS: &[&[u8]] = &[
    b"await",
    b"new",
    b"yield",
    b"typeof",
    b"function",
    b"async",
    b"lambda",
    b"not",
];

/// A package version (`"cookie-signature": "~1.0.7"`, `jsonwebtoken: ^9.0`).
fn looks_like_version(v: &str) -> bool {
    let v = v.trim_start_matches(['^', '~', '=', '>', '<', 'v', ' ']);
    let mut parts = v.split('.');
    let numeric = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    let first_ok = parts.next().is_some_and(numeric);
    let rest: Vec<&str> = parts.collect();
    first_ok
        && !rest.is_empty()
        && rest.len() <= 3
        && rest.iter().enumerate().all(|(k, p)| {
            numeric(p)
                || (k + 1 == rest.len() && p.split(['-', '+']).next().is_some_and(numeric))
                || *p == "x"
                || *p == "*"
        })
}

/// A type in an annotation: a known name, or a generic (`Option<String>`,
/// `list[str]`).
fn is_type_name(word: &str) -> bool {
    TYPE_NAMES.iter().any(|t| word.eq_ignore_ascii_case(t))
        || (word.contains(['<', '['])
            && word.bytes().next().is_some_and(|c| c.is_ascii_alphabetic()))
}

/// A value that is only variable references, optionally joined by `:`.
/// Names are ASCII (`(?-u:\w)`): the Unicode `\w`, repeated eight times
/// here, cost 8 ms to compile on the scan's critical path; a non-ASCII
/// name is then redacted, the safe side.
static REFERENCE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    const REF: &str = r"(?-u:\$[A-Z_][A-Z0-9_]*|\$\{[A-Za-z_][\w.]*\}|(?i:\$env:)[A-Za-z_]\w*|%[A-Za-z_]\w*%|\$\([A-Za-z_]\w*\)|\$?\{\{[ \t]*[\w.\-]+[ \t]*\}\}|\$\{\{[ \t]*[\w.\-]+[ \t]*\}\}|\{[A-Za-z_][\w.]*\}|<[\w \-]+>)";
    Regex::new(&format!(r"^{REF}(?::{REF})*$"))
        .expect("invariant: the reference pattern is a valid regex")
});

fn is_reference_only(value: &str) -> bool {
    REFERENCE_ONLY.is_match(value)
}

/// Any `$name` (a shell or PowerShell expansion on a command line).
fn is_shell_variable(value: &[u8]) -> bool {
    value.len() > 1
        && value[0] == b'$'
        && value[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b':')
}

/// Collects secret ranges.
struct Sink<'t> {
    text: &'t str,
    out: Vec<Range<usize>>,
    /// Where the last structure scan stopped: a structure opening inside
    /// it was covered by that scan (which hides every nested string), so
    /// nested openings cost nothing more.
    structure_until: usize,
    /// The same for argument lists: scans hiding every literal
    /// (`[false]`) and all but the first (`[true]`); a scan of the first
    /// kind covers one of the second, not the other way round.
    args_until: [usize; 2],
    /// The same for base64 encoders' arguments.
    encoded_until: usize,
    /// The key being read is secret only weakly ([`key_is_weak`]): a
    /// location or a command as its value is kept.
    weak_key: bool,
}

impl<'t> Sink<'t> {
    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    /// Pushes a value's range unless it is empty, only references, a
    /// keyword such as `null`, or only an auth scheme (`"Bearer " + t`);
    /// after a scheme word only the credential is hidden.
    fn value(&mut self, r: Range<usize>) {
        let b = self.bytes();
        let mut r = r.start.min(b.len())..r.end.min(b.len());
        while r.start < r.end && b[r.start].is_ascii_whitespace() {
            r.start += 1;
        }
        while r.end > r.start && b[r.end - 1].is_ascii_whitespace() {
            r.end -= 1;
        }
        if r.is_empty() {
            return;
        }
        // `Bearer x`, `Basic x`: keep the scheme.
        let word_end = (r.start..r.end).find(|&k| is_hspace(b[k])).unwrap_or(r.end);
        let first = &self.text[r.start..word_end];
        if SCHEMES.iter().any(|s| first.eq_ignore_ascii_case(s)) {
            if word_end == r.end {
                return;
            }
            r.start = skip_hspace(b, word_end);
            if r.is_empty() {
                return;
            }
        }
        let Some(v) = self.text.get(r.clone()) else {
            self.out.push(r);
            return;
        };
        if is_reference_only(v)
            || NOT_SECRETS.iter().any(|k| v.eq_ignore_ascii_case(k))
            || looks_like_version(v)
        {
            return;
        }
        if self.weak_key && (looks_like_location(v) || looks_like_command(v)) {
            return;
        }
        self.out.push(r);
    }

    /// A credential whose whole text is a secret (a JWT, a token).
    fn raw(&mut self, r: Range<usize>) {
        if !r.is_empty() {
            self.out.push(r);
        }
    }
}

/// How a value was introduced.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// `=`, `=>`.
    Assign,
    /// `:`, `:=`.
    Colon,
    /// `%3D` inside a percent-encoded form.
    Encoded,
    /// `,` (a quoted value only).
    Comma,
    /// Whitespace (netrc, a flag's argument, Dockerfile `ENV`).
    Space,
}

/// Parses the value that starts at `at` for a key of class `class`, pushes
/// what is secret and returns the end of what was read (for a structure,
/// where its scan started, since keys inside it are read on their own).
fn value_after(sink: &mut Sink, at: usize, class: KeyClass, sep: Sep, line_key: bool) -> usize {
    let b = sink.bytes();
    let i = skip_hspace(b, at);
    if i >= b.len() || is_eol(b[i]) {
        return i;
    }
    let rest = &b[i..];
    if rest.starts_with(b"${{") || rest.starts_with(b"{{") {
        let end = memchr::memmem::find(&b[i..line_end(b, i)], b"}}")
            .map_or(line_end(b, i), |p| i + p + 2);
        sink.value(i..end);
        return end;
    }
    if rest.starts_with(b"$(") || rest.starts_with(b"${") {
        let end = matching_close(b, i + 1, 1024).map_or(line_end(b, i), |c| c + 1);
        sink.value(i..end);
        return end;
    }
    if let Some((content, end)) = literal_at(b, i) {
        sink.value(content);
        return end;
    }
    if sep == Sep::Comma {
        return i;
    }
    match b[i] {
        b'{' if is_placeholder(b, i) => {
            let end = memchr::memchr(b'}', &b[i..]).map_or(b.len(), |p| i + p + 1);
            sink.value(i..end);
            return end;
        }
        b'<' => {
            let le = line_end(b, i);
            if let Some(p) = memchr::memchr(b'>', &b[i..le]) {
                sink.value(i..i + p + 1);
                return i + p + 1;
            }
        }
        b'(' | b'[' | b'{' => {
            structure(sink, i, class == KeyClass::AuthPair);
            return i;
        }
        b'|' | b'>' if sep == Sep::Colon && line_key => {
            if let Some(end) = block_scalar(sink, i) {
                return end;
            }
        }
        _ => {}
    }
    // A bare word. A call is code, not a secret: `password = getpass()`.
    let mut id_end = i;
    while id_end < b.len() && (is_key_byte(b[id_end]) || b[id_end] == b':') && b[id_end] != b'%' {
        id_end += 1;
    }
    if id_end > i && b.get(id_end) == Some(&b'(') {
        // Only a default after the first argument can be a literal secret:
        // `password = os.environ.get("QPASS", "s3cret")` (a weakly secret
        // key's call is just code: `qualys_auth_x: resourceAuthRecord(…)`).
        if !sink.weak_key {
            arguments(sink, id_end + 1, (id_end + 2048).min(b.len()), true);
        }
        return id_end;
    }
    // An expression, not a literal: `token = await getToken()`.
    if EXPRESSION_WORDS.contains(&&b[i..id_end]) && b.get(id_end).is_some_and(|c| is_hspace(*c)) {
        return id_end;
    }
    if sep == Sep::Colon && id_end > i {
        // A type annotation: `password: str = "x"`, `token: String`.
        let mut ann_end = id_end;
        while ann_end < b.len()
            && matches!(
                b[ann_end],
                b'<' | b'>' | b'[' | b']' | b'?' | b'|' | b'.' | b'_'
            )
            || ann_end < b.len() && b[ann_end].is_ascii_alphanumeric()
        {
            ann_end += 1;
        }
        let after_ann = skip_hspace(b, ann_end);
        if after_ann > ann_end
            && b.get(after_ann) == Some(&b'=')
            && !matches!(b.get(after_ann + 1), Some(b'=') | Some(b'>'))
            && b[i].is_ascii_alphabetic()
        {
            // A word that is no known type may be the value itself
            // (`password: hunter2 = …` in prose): hidden too.
            if !is_type_name(&sink.text[i..ann_end]) {
                sink.value(i..ann_end);
            }
            return value_after(sink, after_ann + 1, class, Sep::Assign, false);
        }
        let word = &sink.text[i..ann_end.max(id_end)];
        let after = skip_hspace(b, ann_end.max(id_end));
        if is_type_name(word)
            && (after >= b.len()
                || matches!(
                    b[after],
                    b',' | b')' | b';' | b'\n' | b'\r' | b'}' | b'|' | b']' | b'='
                ))
        {
            return after;
        }
    }
    // Inline, a weakly secret key's bare identifier closing an argument or
    // a field is code: `auth=auth,`, `auth: BasicAuth)`, `cookies=cookies)`
    // (a literal is quoted there; `QualysSession=abc;` is not code).
    if sink.weak_key && !line_key && id_end > i && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
        let word = &b[i..id_end];
        let next = skip_hspace(b, id_end);
        if word
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
            && matches!(b.get(next), Some(b',' | b')' | b']' | b'}' | b'['))
        {
            return id_end;
        }
    }
    let end = if line_key && matches!(sep, Sep::Assign | Sep::Colon | Sep::Space) {
        let le = line_end_full(b, i);
        comment_start(b, i, le).unwrap_or(le)
    } else {
        let mut e = i;
        while e < b.len() && !ends_inline_value(b[e]) {
            if sep == Sep::Encoded
                && b[e..].len() >= 3
                && b[e] == b'%'
                && b[e + 1] == b'2'
                && b[e + 2] == b'6'
            {
                break;
            }
            e += 1;
        }
        // `Authorization: Bearer x` inline: the credential is the next word.
        let word = &sink.text[i..e];
        if SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s)) && e < b.len() && is_hspace(b[e]) {
            let t = skip_hspace(b, e);
            let mut te = t;
            while te < b.len() && !ends_inline_value(b[te]) {
                te += 1;
            }
            sink.value(t..te);
            return te;
        }
        e
    };
    sink.value(i..end);
    end
}

/// `{password}` or `{user.password}`: a placeholder, not a structure.
fn is_placeholder(b: &[u8], i: usize) -> bool {
    let mut j = i + 1;
    if j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'_') {
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'.') {
            j += 1;
        }
        return b.get(j) == Some(&b'}');
    }
    false
}

/// A ` #` or ` //` comment after a bare value on its line.
fn comment_start(b: &[u8], from: usize, to: usize) -> Option<usize> {
    (from + 1..to).find(|&k| {
        is_hspace(b[k - 1]) && (b[k] == b'#' || (b[k] == b'/' && b.get(k + 1) == Some(&b'/')))
    })
}

/// A YAML block scalar (`|`, `>-`, …) at `i`: hides the more-indented
/// lines that follow. `None` when `i` is not one.
fn block_scalar(sink: &mut Sink, i: usize) -> Option<usize> {
    let b = sink.bytes();
    let mut j = i + 1;
    while j < b.len() && matches!(b[j], b'-' | b'+' | b'0'..=b'9') {
        j += 1;
    }
    let j = skip_hspace(b, j);
    if j < b.len() && !is_eol(b[j]) && b[j] != b'#' {
        return None;
    }
    let ls = line_start(b, i);
    let indent = b[ls..].iter().take_while(|c| is_hspace(**c)).count();
    let mut at = memchr::memchr(b'\n', &b[j..]).map_or(b.len(), |p| j + p + 1);
    let bound = (at + 16 * 1024).min(b.len());
    while at < bound {
        let le = line_end(b, at);
        let ind = b[at..le].iter().take_while(|c| is_hspace(**c)).count();
        if at + ind < le && ind <= indent {
            break;
        }
        sink.value(at..le);
        at = memchr::memchr(b'\n', &b[le..]).map_or(b.len(), |p| le + p + 1);
    }
    Some(at)
}

/// A bracketed structure under a secret key: every string value in it is
/// hidden, except the values of descriptive keys (`type`, `key`, `name`)
/// and, for an auth pair, the first element (the user).
fn structure(sink: &mut Sink, open: usize, pair: bool) {
    if open < sink.structure_until {
        return;
    }
    let b = sink.bytes();
    let bound = (open + 2048).min(b.len());
    let mut depth = 0usize;
    let mut index = 0usize;
    let mut after_sep = false;
    let mut meta_key = false;
    // Per open bracket: whether it is an access (`os.environ["NAME"]`,
    // `getenv("NAME")`), whose strings are names, not values.
    let mut access: Vec<bool> = Vec::new();
    let mut i = open;
    while i < bound {
        let c = b[i];
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                let prev = b[..i]
                    .iter()
                    .rev()
                    .find(|c| !is_hspace(**c))
                    .copied()
                    .unwrap_or(b' ');
                access.push(
                    i > open
                        && (prev.is_ascii_alphanumeric() || matches!(prev, b'_' | b')' | b']')),
                );
                after_sep = false;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                access.pop();
                if depth == 0 {
                    break;
                }
            }
            b',' | b';' => {
                if depth == 1 {
                    index += 1;
                }
                after_sep = false;
                meta_key = false;
            }
            b':' | b'=' => {
                after_sep = true;
                if b.get(i + 1) == Some(&b'>') {
                    i += 1;
                }
            }
            _ => {
                if let Some((content, end)) = literal_at(b, i).filter(|_| {
                    is_quote(c) || c == b'\\' || c.is_ascii_alphabetic() || c == b'@' || c == b'$'
                }) {
                    let next = skip_hspace(b, end);
                    let is_key = matches!(b.get(next), Some(b':') | Some(b'='))
                        && !matches!(b.get(next + 1), Some(b'='));
                    if access.last() == Some(&true) {
                        // a name looked up, not a value
                    } else if is_key {
                        meta_key = is_descriptive(&b[content.clone()]);
                    } else if after_sep {
                        if !meta_key {
                            sink.value(content);
                        }
                    } else if !(pair && depth == 1 && index == 0) {
                        sink.value(content);
                    }
                    after_sep = false;
                    i = end;
                    continue;
                }
                if c.is_ascii_alphabetic() || c == b'_' {
                    let s = i;
                    while i < bound && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                    let next = skip_hspace(b, i);
                    if matches!(b.get(next), Some(b':') | Some(b'=')) {
                        meta_key = is_descriptive(&b[s..i]);
                    }
                    continue;
                }
            }
        }
        i += 1;
    }
    sink.structure_until = i;
}

/// Keys inside a credential structure whose values are descriptions.
fn is_descriptive(key: &[u8]) -> bool {
    [
        b"key".as_slice(),
        b"type",
        b"name",
        b"in",
        b"id",
        b"enabled",
        b"disabled",
        b"description",
        b"mode",
        b"scheme",
        b"kind",
        b"username",
        b"user",
        b"login",
    ]
    .iter()
    .any(|k| key.eq_ignore_ascii_case(k))
}

/// `{"key": "password", "value": "x"}`, `<add key="Password" value="x"/>`,
/// `- name: QUALYS_PW⏎  value: x`: hides the `value` beside a name that
/// names a secret.
fn named_pair(sink: &mut Sink, key_start: usize) {
    let b = sink.bytes();
    // The enclosing object or tag, else this line and the next.
    let lo = key_start.saturating_sub(512);
    let mut open = None;
    let mut k = key_start;
    while k > lo {
        k -= 1;
        match b[k] {
            b'{' | b'<' => {
                open = Some(k);
                break;
            }
            b'}' | b'>' => break,
            _ => {}
        }
    }
    let (from, to) = match open {
        Some(o) => {
            let closer = if b[o] == b'{' { b'}' } else { b'>' };
            let hi = (key_start + 1024).min(b.len());
            let close = memchr::memchr(closer, &b[key_start..hi]).map_or(hi, |p| key_start + p);
            (o, close)
        }
        None => {
            let ls = line_start(b, key_start);
            let le = line_end(b, key_start);
            let hi = (le + LOOK).min(b.len());
            let next_end = match memchr::memchr(b'\n', &b[le..hi]) {
                Some(p) => line_end(b, le + p + 1),
                None => le,
            };
            (
                ls.max(key_start.saturating_sub(512)),
                next_end.min(key_start + 1024).min(b.len()),
            )
        }
    };
    let mut at = from;
    while let Some(p) = find_ascii_ci(&b[at..to], b"value") {
        let s = at + p;
        let e = s + 5;
        at = e;
        if s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
            continue;
        }
        let mut j = e;
        if let Some((q, _, after)) = quote_token_at(b, j) {
            // `"value"`: the closing quote of the key.
            if q != b'`' {
                j = after;
            }
        }
        if j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            continue;
        }
        let j = skip_hspace(b, j);
        let (sep, after) = match b.get(j) {
            Some(b':') => (Sep::Colon, j + 1),
            Some(b'=') if !matches!(b.get(j + 1), Some(b'=')) => (Sep::Assign, j + 1),
            _ => continue,
        };
        value_after(sink, after, KeyClass::Secret, sep, false);
    }
}

fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

// ---------------------------------------------------------------------------
// The parsers.

/// Every byte range of `text` holding a secret (possibly overlapping).
fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut sink = Sink {
        text,
        out: Vec::new(),
        structure_until: 0,
        args_until: [0, 0],
        encoded_until: 0,
        weak_key: false,
    };
    urls(&mut sink);
    assignments(&mut sink);
    flags(&mut sink);
    keywords(&mut sink);
    calls(&mut sink);
    markup(&mut sink);
    base64_credentials(&mut sink);
    sink.out
}

/// A base64 token that decodes to printable `user:pass` (a `Basic`
/// credential built elsewhere: `"Basic " + "dXNlcjpwYXNz"`). Random words
/// almost never decode to printable text, so this hides little else.
fn base64_credentials(sink: &mut Sink) {
    let b = sink.bytes();
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=');
    let mut i = 0;
    while i < b.len() {
        if !is_b64(b[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && is_b64(b[i]) {
            i += 1;
        }
        let tok = &b[s..i];
        if tok.len() >= 8 && tok.len().is_multiple_of(4) && tok.len() <= 1024 {
            if let Some(decoded) = base64_printable(tok) {
                let colon = memchr::memchr(b':', &decoded);
                if colon.is_some_and(|c| c > 0 && c + 1 < decoded.len())
                    && memchr::memmem::find(&decoded, b"://").is_none()
                {
                    sink.raw(s..i);
                }
            }
        }
    }
}

/// Decodes standard base64 when every decoded byte is printable ASCII.
fn base64_printable(tok: &[u8]) -> Option<Vec<u8>> {
    let body = tok
        .strip_suffix(b"==")
        .or_else(|| tok.strip_suffix(b"="))
        .unwrap_or(tok);
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in body {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = ((acc >> bits) & 0xff) as u8;
            if !(0x20..0x7f).contains(&byte) {
                return None;
            }
            out.push(byte);
        }
    }
    Some(out)
}

static URL_MARKS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(["://", ":\\/\\/", "%3a%2f%2f"])
        .expect("invariant: the URL marks build")
});

/// URL userinfo: everything up to the last `@` of the authority.
fn urls(sink: &mut Sink) {
    let b = sink.bytes();
    for m in URL_MARKS.find_iter(b) {
        if m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric() {
            continue;
        }
        let encoded = b[m.start()] == b'%';
        let escaped = b[m.start() + 1] == b'\\';
        let start = m.end();
        let bound = (start + 2048).min(b.len());
        let mut end = start;
        let mut last_at = None;
        let mut colon = None;
        while end < bound {
            let c = b[end];
            if c.is_ascii_whitespace()
                || matches!(
                    c,
                    b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | b'|' | b'^' | b'(' | b')'
                )
                || c == b'/'
                || c == b'?'
                || c == b'#'
            {
                break;
            }
            if encoded && c == b'%' {
                let code = b.get(end + 1..end + 3).map(|s| s.to_ascii_uppercase());
                match code.as_deref() {
                    Some(b"2F") | Some(b"3F") | Some(b"23") | Some(b"26") => break,
                    Some(b"40") => last_at = Some((end, 3)),
                    Some(b"3A") if colon.is_none() => colon = Some(end),
                    _ => {}
                }
            } else if c == b'@' {
                last_at = Some((end, 1));
            } else if c == b':' && colon.is_none() {
                colon = Some(end);
            }
            end += 1;
        }
        let _ = escaped;
        if let Some((at, _)) = last_at {
            if at > start {
                sink.value(start..at);
            }
            continue;
        }
        // `user:pa/ss@host`: a password cut by a reserved character. When
        // what follows `:` is no port, look for the `@` further on.
        if let Some(c) = colon {
            let port = &b[c + 1..end];
            if !port.is_empty() && !port.iter().all(u8::is_ascii_digit) {
                let mut k = end;
                let mut at = None;
                while k < bound
                    && !b[k].is_ascii_whitespace()
                    && !matches!(b[k], b'"' | b'\'' | b'`' | b'<' | b'>' | b'?' | b'#')
                {
                    if b[k] == b'@' {
                        at = Some(k);
                    }
                    k += 1;
                }
                if let Some(at) = at {
                    sink.value(start..at);
                }
            }
        }
    }
}

/// Keys and values at every `=`, `:`, `%3D` and `,`.
fn assignments(sink: &mut Sink) {
    let b = sink.bytes();
    let mut covered = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { 0 };
        let next = b.get(i + 1).copied().unwrap_or(0);
        let (sep_end, sep) = match c {
            b'=' => {
                if next == b'=' || next == b'~' || matches!(prev, b'=' | b'!' | b'<' | b'>' | b':')
                {
                    i += 1;
                    continue;
                }
                (if next == b'>' { i + 2 } else { i + 1 }, Sep::Assign)
            }
            b':' => {
                // `::` paths, and `scheme://` (a URL, not a key).
                if next == b':'
                    || prev == b':'
                    || b[i + 1..].starts_with(b"//")
                    || b[i + 1..].starts_with(b"\\/\\/")
                {
                    i += 1;
                    continue;
                }
                (if next == b'=' { i + 2 } else { i + 1 }, Sep::Colon)
            }
            b',' => (i + 1, Sep::Comma),
            b'%' if next == b'3' && matches!(b.get(i + 2), Some(b'D') | Some(b'd')) => {
                (i + 3, Sep::Encoded)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        // A separator inside a value already hidden, whose own value starts
        // there too, adds nothing (and skipping it keeps
        // `password=password=…` linear).
        if i < covered && skip_hspace(b, sep_end) < covered {
            i = sep_end;
            continue;
        }
        if let Some((mut key, quoted)) = key_before(b, i) {
            let mut class = classify_key(&b[key.clone()]);
            if class == KeyClass::Plain && sep == Sep::Assign && !quoted {
                // Go's `var password string = "x"`: the name before the type.
                if let Some(name) = word_before(b, key.start).filter(|n| declares(b, n.start)) {
                    if matches!(
                        classify_key(&b[name.clone()]),
                        KeyClass::Secret | KeyClass::AuthPair
                    ) {
                        class = classify_key(&b[name.clone()]);
                        key = name;
                    }
                }
            }
            match class {
                KeyClass::Plain => {}
                KeyClass::Name => {
                    if sep != Sep::Comma {
                        let v = skip_hspace(b, sep_end);
                        if let Some((content, _)) = literal_at(b, v) {
                            if matches!(
                                classify_key(&b[content]),
                                KeyClass::Secret | KeyClass::AuthPair
                            ) {
                                named_pair(sink, key.start);
                            }
                        } else if sep == Sep::Colon {
                            // YAML: `- name: QUALYS_PW`
                            let mut e = v;
                            while e < b.len() && is_key_byte(b[e]) {
                                e += 1;
                            }
                            if e > v
                                && matches!(
                                    classify_key(&b[v..e]),
                                    KeyClass::Secret | KeyClass::AuthPair
                                )
                            {
                                named_pair(sink, key.start);
                            }
                        }
                    }
                }
                KeyClass::Secret | KeyClass::AuthPair => {
                    if sep == Sep::Comma && !comma_pair(b, &key, quoted, sep_end) {
                        // `f(password, "literal")` is an argument list and
                        // `"key":"password","value":…` a JSON object.
                    } else {
                        let line_key = !quoted && key_starts_line(b, key.start)
                            || quoted && key_starts_line(b, key.start.saturating_sub(1));
                        let before = sink.out.len();
                        sink.weak_key = key_is_weak(&b[key.clone()]);
                        let end = value_after(sink, sep_end, class, sep, line_key);
                        sink.weak_key = false;
                        if sink.out.len() > before {
                            covered = covered.max(end);
                        }
                    }
                }
            }
        }
        i = sep_end;
    }
}

/// The identifier before `at`, separated from it by horizontal space.
fn word_before(b: &[u8], at: usize) -> Option<Range<usize>> {
    let mut e = at;
    while e > 0 && is_hspace(b[e - 1]) {
        e -= 1;
    }
    if e == at {
        return None;
    }
    let mut s = e;
    while s > 0 && e - s < MAX_KEY && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
        s -= 1;
    }
    (s < e).then_some(s..e)
}

/// Whether `KEY, "value"` names the value: the key is quoted (`.Set(
/// "Authorization", "Bearer x")`) or an upper-case constant
/// (`CURLOPT_USERPWD, "u:p"`), is not itself a value (`"key":"password",`)
/// and the next literal is not a key (`"password", "value": …`).
fn comma_pair(b: &[u8], key: &Range<usize>, quoted: bool, after: usize) -> bool {
    if !quoted && !key_is_constant(&b[key.clone()]) {
        return false;
    }
    let mut k = key.start;
    while k > 0 && (b[k - 1] == b'\\' || (quoted && is_quote(b[k - 1]) && k == key.start)) {
        k -= 1;
    }
    while k > 0 && b[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    if k > 0 && matches!(b[k - 1], b':' | b'=') {
        return false;
    }
    // A quoted name opens a call's arguments (`.Set("Authorization", …)`,
    // `getenv("QUALYS_PW", …)`); one in a list is just an element
    // (`["PASSWORD", "CLIENT_CREDS"]`). A constant may follow other
    // arguments (`curl_setopt($ch, CURLOPT_USERPWD, …)`).
    let opener_ok = k > 0 && (b[k - 1] == b'(' || (!quoted && b[k - 1] == b','));
    if !opener_ok {
        return false;
    }
    let v = skip_hspace(b, after);
    match literal_at(b, v) {
        Some((_, end)) => {
            let n = skip_hspace(b, end);
            !matches!(b.get(n), Some(b':') | Some(b'='))
        }
        None => false,
    }
}

/// Whether the name at `at` is declared: `var`/`const` before it, or it
/// starts its line (a Go `var ( … )` block).
fn declares(b: &[u8], at: usize) -> bool {
    let ls = line_start(b, at);
    let before = trim_ascii(&b[ls..at]);
    before.is_empty() || before.ends_with(b"var") || before.ends_with(b"const")
}

/// `CURLOPT_USERPWD`, `QUALYS_PASSWORD`: an upper-case constant.
fn key_is_constant(key: &[u8]) -> bool {
    key.iter().any(u8::is_ascii_uppercase) && !key.iter().any(u8::is_ascii_lowercase)
}

/// Command-line flags: curl's `-u`/`--user`, and any `--secret-name VALUE`.
fn flags(sink: &mut Sink) {
    let b = sink.bytes();
    for p in memchr::memchr_iter(b'-', b) {
        if p > 0
            && !(b[p - 1].is_ascii_whitespace()
                || matches!(b[p - 1], b'"' | b'\'' | b'(' | b'[' | b',' | b'|'))
        {
            continue;
        }
        let dashes = if b.get(p + 1) == Some(&b'-') { 2 } else { 1 };
        let ns = p + dashes;
        let mut ne = ns;
        while ne < b.len()
            && ne - ns < 64
            && (b[ne].is_ascii_alphanumeric() || b[ne] == b'-' || b[ne] == b'_')
        {
            ne += 1;
        }
        if ne == ns || !b[ns].is_ascii_alphabetic() {
            continue;
        }
        let name = &b[ns..ne];
        let curl_user = match dashes {
            1 => name == b"u" || name == b"U",
            _ => name == b"user" || name == b"proxy-user",
        };
        if dashes == 1 && !curl_user && (name[0] == b'u' || name[0] == b'U') && name.len() > 1 {
            // `-uadmin:s3cret`
            if let Some((range, _, value)) = shell_word(b, ns + 1) {
                if user_password(&value) {
                    sink.raw(range);
                }
            }
            continue;
        }
        let class = if curl_user {
            KeyClass::AuthPair
        } else {
            match classify_key(name) {
                KeyClass::Secret | KeyClass::AuthPair => KeyClass::Secret,
                _ => continue,
            }
        };
        // The argument: `=v`, ` v`, or the next element of an array
        // (`"-u", "v"`).
        let mut v = ne;
        if b.get(v) == Some(&b'=') {
            if !curl_user {
                continue; // the `=` form is a key and value
            }
            v += 1;
        } else if v < b.len() && is_quote(b[v]) {
            let q = b[v];
            let j = skip_hspace(b, v + 1);
            if b.get(j) != Some(&b',') {
                continue;
            }
            let j = skip_hspace(b, j + 1);
            if b.get(j) != Some(&q) {
                continue;
            }
            v = j;
        } else if v < b.len() && is_hspace(b[v]) {
            v = skip_hspace(b, v);
        } else {
            continue;
        }
        // No argument: another flag, a subshell, a line continuation.
        if v >= b.len()
            || b[v] == b'-'
            || is_eol(b[v])
            || b[v] == b'('
            || (b[v] == b'\\' && b.get(v + 1).is_none_or(|c| c.is_ascii_whitespace()))
        {
            continue;
        }
        let Some((range, single, value)) = shell_word(b, v) else {
            continue;
        };
        if class == KeyClass::AuthPair && !user_password(&value) {
            continue;
        }
        if is_shell_variable(&value) || std::str::from_utf8(&value).is_ok_and(is_reference_only) {
            continue;
        }
        match single {
            Some(inner) => sink.value(inner),
            None => sink.raw(range),
        }
    }
}

/// `user:password` for curl (not a URL, not a bare user).
fn user_password(value: &[u8]) -> bool {
    memchr::memchr(b':', value).is_some()
        && memchr::memmem::find(value, b"://").is_none()
        && !std::str::from_utf8(value).is_ok_and(is_reference_only)
}

static KEYWORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build([
            "bearer",                 // 0
            "basic",                  // 1
            "eyj",                    // 2
            "password",               // 3
            "convertto-securestring", // 4
            "setx",                   // 5
            "env",                    // 6
            "basic_auth",             // 7
            "ghp_",                   // 8
            "gho_",                   // 9
            "ghu_",                   // 10
            "ghs_",                   // 11
            "ghr_",                   // 12
            "github_pat_",            // 13
            "glpat-",                 // 14
            "xoxb-",                  // 15
            "xoxp-",                  // 16
            "xoxa-",                  // 17
            "akia",                   // 18
        ])
        .expect("invariant: the keyword set builds")
});

fn token_end(b: &[u8], from: usize, extra: &[u8]) -> usize {
    let mut e = from;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || extra.contains(&b[e])) {
        e += 1;
    }
    e
}

/// Secrets announced by a word: `Bearer`, `Basic`, JWTs, netrc, `ENV`,
/// `setx`, `ConvertTo-SecureString`, `basic_auth u, p`, token prefixes.
fn keywords(sink: &mut Sink) {
    let b = sink.bytes();
    for m in KEYWORDS.find_iter(b) {
        let (s, e) = (m.start(), m.end());
        if s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
            continue;
        }
        match m.pattern().as_usize() {
            0 => {
                // A long token after `Bearer` anywhere.
                if e < b.len() && is_hspace(b[e]) {
                    let t = skip_hspace(b, e);
                    let te = token_end(b, t, b"-._~+/=");
                    let tok = &b[t..te];
                    if tok.len() >= 12
                        && tok
                            .iter()
                            .any(|c| c.is_ascii_digit() || b"-._~+/=".contains(c))
                    {
                        sink.raw(t..te);
                    }
                }
            }
            1 => {
                // `Basic dXNlcjpwYXNz` decoding to `user:pass`.
                if e < b.len() && is_hspace(b[e]) {
                    let t = skip_hspace(b, e);
                    let te = token_end(b, t, b"+/=");
                    if te - t >= 8 && base64_has_colon(&b[t..te]) {
                        sink.raw(t..te);
                    }
                }
            }
            2 => {
                // A JWT: eyJ<header>.eyJ<payload>.<signature>
                if &b[s..e] == b"eyJ" {
                    let h = token_end(b, e, b"-_");
                    if b.get(h) == Some(&b'.') && h - s >= 8 {
                        let p = token_end(b, h + 1, b"-_");
                        if p - h > 4 && b.get(p) == Some(&b'.') {
                            let sig = token_end(b, p + 1, b"-_");
                            sink.raw(s..sig);
                        }
                    }
                }
            }
            3 => netrc(sink, s, e),
            4 => {
                // ConvertTo-SecureString [-String] "p" [-AsPlainText -Force]
                let le = line_end(b, e);
                let mut j = e;
                let mut take_next = false;
                while j < le {
                    j = skip_hspace(b, j);
                    if j >= le || matches!(b[j], b')' | b'|' | b';') {
                        break;
                    }
                    let Some((range, single, value)) = shell_word(b, j) else {
                        break;
                    };
                    j = range.end;
                    if value.eq_ignore_ascii_case(b"-string") {
                        take_next = true;
                        continue;
                    }
                    if value.first() == Some(&b'-') && !take_next {
                        continue;
                    }
                    if !is_shell_variable(&value) {
                        match single {
                            Some(inner) => sink.value(inner),
                            None => sink.value(range),
                        }
                    }
                    break;
                }
            }
            5 | 6 => {
                // `setx NAME value`, Dockerfile `ENV NAME value`: a command,
                // so first on its line or after `&`, `;`, `|`, `(`.
                let ls = line_start(b, s);
                let prefix = trim_ascii(&b[ls..s]);
                if !(prefix.is_empty() || matches!(prefix.last(), Some(b'&' | b';' | b'|' | b'(')))
                    || e >= b.len()
                    || !is_hspace(b[e])
                {
                    continue;
                }
                if m.pattern().as_usize() == 6 && &b[s..e] != b"ENV" {
                    continue;
                }
                let n = skip_hspace(b, e);
                let mut ne = n;
                while ne < b.len()
                    && (b[ne].is_ascii_alphanumeric() || b[ne] == b'_' || b[ne] == b'.')
                {
                    ne += 1;
                }
                if ne == n || ne >= b.len() || !is_hspace(b[ne]) {
                    continue;
                }
                if matches!(
                    classify_key(&b[n..ne]),
                    KeyClass::Secret | KeyClass::AuthPair
                ) {
                    value_after(sink, ne, KeyClass::Secret, Sep::Space, true);
                }
            }
            7 => {
                // Ruby's `basic_auth 'u', 'p'` (no parentheses).
                if e < b.len() && is_hspace(b[e]) {
                    let j = skip_hspace(b, e);
                    if j < b.len() && !matches!(b[j], b'(' | b'=' | b':') {
                        arguments(sink, j, line_end(b, j), true);
                    }
                }
            }
            18 => {
                // AWS access key id: AKIA + 16 upper-case letters or digits.
                let te = token_end(b, e, b"");
                if te - s == 20
                    && b[s..te]
                        .iter()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                {
                    sink.raw(s..te);
                }
            }
            _ => {
                let te = token_end(b, e, b"-_");
                if te - e >= 16 {
                    sink.raw(s..te);
                }
            }
        }
    }
}

/// netrc: `machine h login u password X`, or `password X` starting a line.
fn netrc(sink: &mut Sink, s: usize, e: usize) {
    let b = sink.bytes();
    if &b[s..e] != b"password" || e >= b.len() || !is_hspace(b[e]) {
        return;
    }
    let ls = line_start(b, s);
    let before = trim_ascii(&b[ls..s]);
    let netrc_context = before.is_empty() || {
        let mut words = before
            .split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let mut ok = true;
        let mut any = false;
        while let Some(w) = words.next() {
            any = true;
            match w {
                b"machine" | b"login" | b"account" | b"port" => {
                    if words.next().is_none() {
                        ok = false;
                    }
                }
                b"default" => {}
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        ok && any
    };
    // `… login bob password X` anywhere: the pair right before says netrc.
    let after_pair = {
        let mut words = before
            .rsplit(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let _value = words.next();
        matches!(words.next(), Some(b"login" | b"machine" | b"account"))
    };
    if !netrc_context && !after_pair {
        return;
    }
    let v = skip_hspace(b, e);
    if v >= b.len() || matches!(b[v], b'=' | b':') || is_eol(b[v]) {
        return;
    }
    if let Some((range, single, value)) = shell_word(b, v) {
        if !is_shell_variable(&value) {
            match single {
                Some(inner) => sink.value(inner),
                None => sink.value(range),
            }
        }
    }
}

/// Whether `s` is base64 of something holding a `:` (`user:pass`).
fn base64_has_colon(s: &[u8]) -> bool {
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return false,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if (acc >> bits) & 0xff == u32::from(b':') {
                return true;
            }
        }
    }
    false
}

/// Calls: auth constructors and logins hide the literal arguments after the
/// first; setters named after a secret hide them all; base64 encoders hide
/// a `user:pass` literal.
fn calls(sink: &mut Sink) {
    let b = sink.bytes();
    for p in memchr::memchr_iter(b'(', b) {
        let mut e = p;
        while e > 0 && is_hspace(b[e - 1]) {
            e -= 1;
        }
        let mut s = e;
        while s > 0
            && e - s < MAX_KEY
            && (b[s - 1].is_ascii_alphanumeric()
                || matches!(b[s - 1], b'_' | b'.' | b'$' | b':' | b'>' | b'-'))
        {
            s -= 1;
        }
        if s == e {
            continue;
        }
        let chain = &b[s..e];
        if !CALL_HINTS.is_match(chain) {
            continue;
        }
        let name_start = chain
            .iter()
            .rposition(|c| matches!(c, b'.' | b':' | b'>' | b'$'))
            .map_or(0, |k| k + 1);
        let name = &chain[name_start..];
        if name.is_empty() {
            continue;
        }
        let receiver = &chain[..name_start];
        let words = Words::new(name);
        let first = words.iter().next().unwrap_or(b"");
        if [
            b"get".as_slice(),
            b"read",
            b"load",
            b"fetch",
            b"prompt",
            b"ask",
            b"input",
            b"check",
            b"verify",
            b"validate",
            b"is",
            b"has",
            b"hash",
            b"compare",
            b"find",
            b"lookup",
            b"delete",
            b"remove",
            b"clear",
            b"reset",
            b"require",
            b"print",
            b"log",
        ]
        .contains(&first)
        {
            continue;
        }
        let lower_name: Vec<u8> = name.to_ascii_lowercase();
        let close = (p + 2048).min(b.len());
        if [
            b"b64encode".as_slice(),
            b"btoa",
            b"encode64",
            b"strict_encode64",
            b"tobase64string",
            b"getbytes",
            b"encodetostring",
            b"base64encode",
            b"base64_encode",
            b"encodebase64",
        ]
        .contains(&lower_name.as_slice())
        {
            encoded_credentials(sink, p + 1, close);
            continue;
        }
        let receiver_words = Words::new(receiver);
        // An auth constructor or login names itself by its last word
        // (HTTPBasicAuth, NetworkCredential, login); `resourceAuthRecord`
        // or `call_auth_api` are not one.
        let pair = words.last().is_some_and(|w| AUTH_PAIR_WORDS.contains(&w))
            || (receiver_words
                .last()
                .is_some_and(|w| strip_plural(w) == b"credential")
                && [b"basic".as_slice(), b"create", b"of", b"new", b"from"]
                    .contains(&lower_name.as_slice()));
        // A setter says so: setPassword, withToken, use_api_key (a bare
        // `token(…)` is too often something else: `morgan.token('name')`).
        let setter = !pair
            && words.n > 1
            && [
                b"set".as_slice(),
                b"with",
                b"use",
                b"put",
                b"add",
                b"update",
                b"store",
                b"save",
            ]
            .contains(&first)
            && words.last().is_some_and(is_secret_word)
            && classify_key(name) != KeyClass::Plain;
        if pair || setter {
            arguments(sink, p + 1, close, pair);
        }
    }
}

/// The literal arguments of a call from `from` (after `(`, or after a
/// parenless call's name) to its close or `bound`: every one, or with
/// `skip_first` all but the first.
fn arguments(sink: &mut Sink, from: usize, bound: usize, skip_first: bool) {
    let covered = if skip_first {
        sink.args_until[0].max(sink.args_until[1])
    } else {
        sink.args_until[0]
    };
    if from <= covered {
        return;
    }
    let b = sink.bytes();
    let bound = bound.min(from + 1024).min(b.len());
    let mut depth = 0usize;
    let mut index = 0usize;
    // A keyword argument (`key='scan'`) is a key and a value of its own,
    // read by the key parser; its literal is not this call's.
    let mut keyword = false;
    // Where the first nested bracket opens: a call inside the arguments
    // (`auth(req.SetBasicAuth("bob", "pw"))`) is read as a call of its own,
    // so the span marked as done stops there. Each scan is bounded by 1 KiB,
    // so reading again stays linear.
    let mut nested: Option<usize> = None;
    let mut i = from;
    while i < bound {
        let c = b[i];
        match c {
            b'(' | b'[' | b'{' => {
                if depth == 0 {
                    nested.get_or_insert(i);
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            b',' if depth == 0 => {
                index += 1;
                keyword = false;
            }
            _ if depth == 0 && (c.is_ascii_alphabetic() || c == b'_') => {
                let s = i;
                while i < bound && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let next = skip_hspace(b, i);
                if b.get(next) == Some(&b'=') && b.get(next + 1) != Some(&b'=') {
                    keyword = true;
                    continue;
                }
                // A prefixed literal (`b"…"`, `f"…"`) is read whole, so
                // the scan always moves past it (a keyword's own value is
                // skipped, not reported).
                if let Some((content, end)) = literal_at(b, s) {
                    if (!skip_first || index > 0) && !keyword {
                        sink.value(content);
                    }
                    i = end;
                }
                continue;
            }
            _ => {
                if let Some((content, end)) = literal_at(b, i) {
                    if (!skip_first || index > 0) && !keyword {
                        sink.value(content);
                    }
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    sink.args_until[usize::from(skip_first)] = nested.unwrap_or(i);
}

/// `b64encode(b"user:pass")`, `btoa("user:pass")`: a literal with a `:`.
fn encoded_credentials(sink: &mut Sink, from: usize, bound: usize) {
    if from <= sink.encoded_until {
        return;
    }
    let b = sink.bytes();
    let bound = bound.min(from + 1024).min(b.len());
    let mut i = from;
    while i < bound {
        if b[i] == b')' {
            break;
        }
        if let Some((content, end)) = literal_at(b, i) {
            let v = &b[content.clone()];
            if memchr::memchr(b':', v).is_some() && memchr::memmem::find(v, b"://").is_none() {
                sink.value(content);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    sink.encoded_until = i;
}

/// `<password>x</password>`, `<wsse:Password Type="…">x</wsse:Password>`.
fn markup(sink: &mut Sink) {
    let b = sink.bytes();
    for p in memchr::memchr_iter(b'<', b) {
        let ns = p + 1;
        let mut ne = ns;
        while ne < b.len()
            && ne - ns < 64
            && (b[ne].is_ascii_alphanumeric() || matches!(b[ne], b'_' | b'-' | b':' | b'.'))
        {
            ne += 1;
        }
        if ne == ns || !b[ns].is_ascii_alphabetic() {
            continue;
        }
        if !matches!(
            classify_key(&b[ns..ne]),
            KeyClass::Secret | KeyClass::AuthPair
        ) {
            continue;
        }
        let le = line_end(b, ne);
        let Some(gt) = memchr::memchr(b'>', &b[ne..le]).map(|k| ne + k) else {
            continue;
        };
        if b[gt - 1] == b'/' {
            continue;
        }
        // An element only when it closes (`<password>x</password>`), not a
        // placeholder in prose (`Bearer <JWT> header`).
        let ce = memchr::memchr(b'<', &b[gt + 1..le]).map_or(le, |k| gt + 1 + k);
        let closes = b[ce..le].starts_with(b"</") && b[ce + 2..le].starts_with(&b[ns..ne]);
        if closes {
            sink.value(gt + 1..ce);
        }
    }
}

#[cfg(test)]
mod tests;
