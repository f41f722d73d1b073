//! XML: attribute values and text nodes are strings; comments, the
//! DOCTYPE and processing instructions are comments.
//!
//! An XML file in a repository is usually configuration (`app.config`,
//! `pom.xml`, Spring beans, JMeter plans) or documentation (PowerShell
//! MAML help, DocBook); a recorded API response is the third kind, and is
//! told apart by where it lives (test data), not by its text. So a value
//! (`<url>https://…</url>`, `value="…"`) is a call candidate, and prose is a
//! mention: a text node or attribute under a prose name (`description`,
//! `summary`, …), or several words with no URL or command in them. The
//! DOCTYPE is a comment, so a response's DTD URL
//! (`…/api/2.0/fo/scan/scan_list_output.dtd`) never reads as a call.
//!
//! `<Key>value</Key>` and `<add key="Key" value="value"/>` bind `Key`
//! (as `Ident(Key) Op(=) Str(value)`), entities are decoded and `${name}`
//! placeholders (Maven, Spring, Ant) are interpolations.

use std::borrow::Cow;

use super::parts::matching_brace;
use super::{Lexed, Offset, Op, Out, Part, Tok};
use crate::extract::markup::line_is_call;
use crate::extract::structured::is_prose_key;

/// Element names deeper than this are not tracked (the prose test then
/// sees no enclosing name).
const MAX_DEPTH: usize = 256;

pub(super) fn lex_xml<O: Offset>(text: &str, base: usize) -> Lexed<'_, O> {
    let mut x = Xml {
        s: text,
        b: text.as_bytes(),
        out: Out::new(base, text.len() / 32),
        stack: Vec::new(),
        depth: 0,
    };
    x.run();
    x.out.finish()
}

struct Xml<'a, O: Offset> {
    s: &'a str,
    b: &'a [u8],
    out: Out<'a, O>,
    /// The local names of the open elements (up to [`MAX_DEPTH`]).
    stack: Vec<&'a str>,
    /// How many elements are open.
    depth: usize,
}

/// An element whose start tag was just read and which has no child yet:
/// (local name, its offset, the offset of the tag's `>`).
type Open<'a> = (&'a str, usize, usize);

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80
}

fn is_name(c: u8) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == b'-' || c == b'.'
}

/// The local part of a qualified name (`maml:para` → `para`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

impl<'a, O: Offset> Xml<'a, O> {
    fn find(&self, from: usize, pat: &str) -> Option<usize> {
        memchr::memmem::find(&self.b[from.min(self.b.len())..], pat.as_bytes()).map(|k| from + k)
    }

    fn run(&mut self) {
        let len = self.b.len();
        let mut i = 0;
        // Where the current text node started.
        let mut node = 0;
        let mut open: Option<Open<'a>> = None;
        while i < len {
            let Some(lt) = memchr::memchr(b'<', &self.b[i..]).map(|k| i + k) else {
                break;
            };
            let next = self.b.get(lt + 1).copied().unwrap_or(0);
            if !(is_name_start(next) || matches!(next, b'/' | b'!' | b'?')) {
                // A stray `<` is text.
                i = lt + 1;
                continue;
            }
            // The text node before this markup is an element's whole
            // content when it sits between its start and end tags.
            let whole = match open {
                Some((name, _, _)) if next == b'/' => self.s[lt + 2..]
                    .split(|c: char| c == '>' || c.is_whitespace())
                    .next()
                    .is_some_and(|full| local(full) == name),
                _ => false,
            };
            self.text_node(node, lt, if whole { open } else { None });
            let pending = open.take();
            i = if self.b[lt..].starts_with(b"<!--") {
                let end = self.find(lt + 4, "-->").unwrap_or(len);
                let stop = (end + 3).min(len);
                self.out.comment(&self.s[lt + 4..end], lt + 4, lt, stop);
                stop
            } else if self.b[lt..].starts_with(b"<![CDATA[") {
                let body = lt + 9;
                let end = self.find(body, "]]>").unwrap_or(len);
                // `<url><![CDATA[…]]></url>`: the element's whole content
                // when only blanks separate it from the tags.
                let closes = |name: &str| {
                    let after = self.s[(end + 3).min(len)..].trim_start();
                    after
                        .strip_prefix("</")
                        .and_then(|r| r.split(|c: char| c == '>' || c.is_whitespace()).next())
                        .is_some_and(|full| local(full) == name)
                };
                let whole = pending
                    .filter(|(name, _, gt)| self.s[gt + 1..lt].trim().is_empty() && closes(name));
                self.value(body, end, whole, self.enclosing());
                (end + 3).min(len)
            } else if next == b'?' {
                let end = self.find(lt + 2, "?>").unwrap_or(len);
                let stop = (end + 2).min(len);
                self.out.comment(&self.s[lt + 2..end], lt + 2, lt, stop);
                stop
            } else if next == b'!' {
                // `<!DOCTYPE … [ internal subset ]>` and other declarations.
                let mut depth = 0usize;
                let mut k = lt + 2;
                while k < len {
                    match self.b[k] {
                        b'[' => depth += 1,
                        b']' => depth = depth.saturating_sub(1),
                        b'>' if depth == 0 => break,
                        _ => {}
                    }
                    k += 1;
                }
                let stop = (k + 1).min(len);
                self.out
                    .comment(&self.s[lt + 2..k.min(len)], lt + 2, lt, stop);
                stop
            } else if next == b'/' {
                let end = memchr::memchr(b'>', &self.b[lt..]).map_or(len, |k| lt + k);
                if self.depth > 0 {
                    self.depth -= 1;
                    if self.depth < MAX_DEPTH {
                        self.stack.pop();
                    }
                }
                (end + 1).min(len)
            } else {
                let (end, element) = self.start_tag(lt);
                open = element;
                end
            };
            node = i;
        }
        self.text_node(node, len, None);
    }

    /// The local name of the innermost open element.
    fn enclosing(&self) -> Option<&'a str> {
        self.stack.last().copied()
    }

    /// A start tag at `lt`: its attributes; returns where it ends and, if
    /// it is no empty-element tag, the element.
    fn start_tag(&mut self, lt: usize) -> (usize, Option<Open<'a>>) {
        let b = self.b;
        let len = b.len();
        let mut k = lt + 1;
        while k < len && is_name(b[k]) {
            k += 1;
        }
        let name = local(&self.s[lt + 1..k]);
        let name_at = k - name.len();
        // (name, its start, the `=`, value start, value end)
        let mut attrs: Vec<(&'a str, usize, usize, usize, usize)> = Vec::new();
        let (end, empty) = loop {
            while k < len && b[k].is_ascii_whitespace() {
                k += 1;
            }
            match b.get(k) {
                None => break (len, true),
                Some(b'>') => break (k + 1, false),
                Some(b'/') if b.get(k + 1) == Some(&b'>') => break (k + 2, true),
                Some(&c) if is_name_start(c) => {
                    let ns = k;
                    while k < len && is_name(b[k]) {
                        k += 1;
                    }
                    let ne = k;
                    while k < len && b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    if b.get(k) != Some(&b'=') {
                        continue;
                    }
                    let eq = k;
                    k += 1;
                    while k < len && b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    match b.get(k) {
                        Some(&q) if q == b'"' || q == b'\'' => {
                            let close = memchr::memchr(q, &b[k + 1..]).map_or(len, |p| k + 1 + p);
                            attrs.push((&self.s[ns..ne], ns, eq, k + 1, close));
                            k = (close + 1).min(len);
                        }
                        _ => {
                            let vs = k;
                            while k < len && !b[k].is_ascii_whitespace() && b[k] != b'>' {
                                k += 1;
                            }
                            attrs.push((&self.s[ns..ne], ns, eq, vs, k));
                        }
                    }
                }
                Some(_) => k += 1,
            }
        };
        self.attributes(&attrs);
        if empty {
            return (end, None);
        }
        if self.depth < MAX_DEPTH {
            self.stack.push(name);
        }
        self.depth += 1;
        (end, Some((name, name_at, end.saturating_sub(1))))
    }

    /// Emits the attributes of one tag: `key="K" value="V"` binds `K`;
    /// every other value is a string (or prose).
    fn attributes(&mut self, attrs: &[(&'a str, usize, usize, usize, usize)]) {
        let named = |n: &[&str]| {
            attrs
                .iter()
                .position(|a| n.iter().any(|x| local(a.0).eq_ignore_ascii_case(x)))
        };
        let pair = match (named(&["key", "name"]), named(&["value"])) {
            (Some(k), Some(v)) if v == k + 1 && attrs[k].4 > attrs[k].3 => Some((k, v)),
            _ => None,
        };
        for (n, &(name, _, eq, vs, ve)) in attrs.iter().enumerate() {
            if name.starts_with("xmlns") || name.starts_with("xsi:") {
                continue;
            }
            match pair {
                Some((k, _)) if n == k => continue,
                Some((k, v)) if n == v => {
                    let key = &self.s[attrs[k].3..attrs[k].4];
                    let key = local(key.rsplit('.').next().unwrap_or(key));
                    let key_at = attrs[k].4 - key.len();
                    self.value(vs, ve, Some((key, key_at, eq)), Some(local(name)));
                }
                _ => self.value(vs, ve, None, Some(local(name))),
            }
        }
    }

    /// A text node `from..to` (trimmed); bound to `element` when it is the
    /// element's whole content.
    fn text_node(&mut self, from: usize, to: usize, element: Option<Open<'a>>) {
        if to <= from {
            return;
        }
        self.value(from, to, element, self.enclosing());
    }

    /// A value `from..to` (trimmed here): a comment when it is prose under
    /// `name`, else a string, bound to `bind` (name, its offset, the offset
    /// standing for `=`) when given.
    fn value(&mut self, from: usize, to: usize, bind: Option<Open<'a>>, name: Option<&str>) {
        let to = to.min(self.b.len());
        let raw = &self.s[from..to];
        let t = raw.trim_start();
        let start = from + (raw.len() - t.len());
        let t = t.trim_end();
        if t.is_empty() {
            return;
        }
        let end = start + t.len();
        let prose =
            name.is_some_and(is_prose_key) || (t.contains(char::is_whitespace) && !line_is_call(t));
        if prose {
            self.out.comment(t, start, start, end);
            return;
        }
        if let Some((key, key_at, eq)) = bind {
            self.out.tok(Tok::Ident(key), key_at, key_at + key.len());
            self.out.tok(Tok::Op(Op::Eq), eq, eq + 1);
        }
        let from = self.out.parts.len();
        xml_parts(t, start + self.out.base, &mut self.out.parts);
        self.out.str_from(from, start, end);
        self.out.tok(Tok::Newline, end, end);
    }
}

/// The parts of an XML value: entities decoded, `${name}` interpolated.
fn xml_parts<'a>(body: &'a str, offset: usize, parts: &mut Vec<Part<'a>>) {
    let b = body.as_bytes();
    let mut run = 0;
    let mut i = 0;
    let flush = |parts: &mut Vec<Part<'a>>, from: usize, to: usize| {
        if to > from {
            parts.push(Part::Text {
                text: Cow::Borrowed(&body[from..to]),
                src: Some(offset + from),
            });
        }
    };
    while i < b.len() {
        match b[i] {
            b'&' => {
                let semi = b[i + 1..]
                    .iter()
                    .take(10)
                    .position(|&c| c == b';')
                    .map(|k| i + 1 + k);
                let decoded = semi.and_then(|e| entity(&body[i + 1..e]).map(|c| (c, e + 1)));
                match decoded {
                    Some((c, next)) => {
                        flush(parts, run, i);
                        parts.push(Part::Text {
                            text: Cow::Owned(c.to_string()),
                            src: None,
                        });
                        i = next;
                        run = i;
                    }
                    None => i += 1,
                }
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                let close = matching_brace(b, i + 2);
                if close >= b.len() {
                    i += 1;
                    continue;
                }
                flush(parts, run, i);
                parts.push(Part::Interp {
                    expr: &body[i + 2..close],
                    start: offset + i,
                    end: offset + close + 1,
                });
                i = close + 1;
                run = i;
            }
            _ => i += 1,
        }
    }
    flush(parts, run, b.len());
}

/// The character of an entity's name (`amp`, `#38`, `#x26`).
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check_offsets, strs};
    use super::super::{comments, lex, Tok};
    use crate::extract::Language;

    fn coms(src: &str) -> Vec<String> {
        comments(Language::Xml, src, 0)
            .into_iter()
            .map(|c| c.0.trim().to_string())
            .collect()
    }

    #[test]
    fn values_bindings_and_prose() {
        let src = "<?xml version=\"1.0\"?>\n<!DOCTYPE SCAN_LIST_OUTPUT SYSTEM \"https://h/api/2.0/fo/scan/scan_list_output.dtd\">\n<configuration xmlns=\"urn:x\">\n  <!-- old: /api/2.0/fo/scan/ -->\n  <appSettings>\n    <add key=\"Qualys.BaseUrl\" value=\"https://h/api/2.0/fo/\" />\n    <add name=\"x\" other=\"y\" value=\"/api/2.0/fo/report/?a=1&amp;b=2\"/>\n  </appSettings>\n  <endpoint>${qualys.base}/api/2.0/fo/asset/host/</endpoint>\n  <description>Calls /api/2.0/fo/scan/ nightly</description>\n  <maml:para>Uses the legacy /api/2.0/fo/report/ API</maml:para>\n  <command>curl -s https://h/api/2.0/fo/scan/</command>\n  <data><![CDATA[https://h/api/2.0/fo/scan/?a=1&b=2]]></data>\n  <mixed>text <b>bold</b> /api/2.0/fo/scan/</mixed>\n</configuration>\n";
        check_offsets(Language::Xml, src);
        assert_eq!(
            strs(Language::Xml, src),
            [
                "https://h/api/2.0/fo/",
                "y",
                "/api/2.0/fo/report/?a=1&b=2",
                "<qualys.base>/api/2.0/fo/asset/host/",
                "curl -s https://h/api/2.0/fo/scan/",
                "https://h/api/2.0/fo/scan/?a=1&b=2",
                "text",
                "bold",
                "/api/2.0/fo/scan/"
            ]
        );
        let c = coms(src);
        assert_eq!(c[0], "xml version=\"1.0\"");
        assert!(c[1].starts_with("DOCTYPE") && c[1].contains("scan_list_output.dtd"));
        assert_eq!(c[2], "old: /api/2.0/fo/scan/");
        // `name` is a prose key, like `description`.
        assert_eq!(c[3], "x");
        assert_eq!(c[4], "Calls /api/2.0/fo/scan/ nightly");
        assert_eq!(c[5], "Uses the legacy /api/2.0/fo/report/ API");
        assert_eq!(c.len(), 6);
        let names: Vec<&str> = lex(Language::Xml, src, 0)
            .toks
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Ident(n) => Some(n),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["BaseUrl", "endpoint", "command", "data", "b"]);
    }

    #[test]
    fn malformed_xml_never_panics() {
        for src in [
            "<",
            "<a",
            "<a b=\"",
            "<!--",
            "<![CDATA[",
            "<!DOCTYPE [",
            "</",
            "a < b",
            "<a>&#xZZ;</a>",
            "<a>&#1114112;</a>",
            "<é é=\"é\">é</é>",
            "<a>${</a>",
            "<a x='1' y=2>t</a>",
        ] {
            check_offsets(Language::Xml, src);
        }
    }
}
