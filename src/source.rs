//! A file's bytes as text, and the way back: decoding (BOM, UTF-16,
//! invalid UTF-8), byte offset ↔ line:column, and display paths.
//!
//! The scanner and `fix` decode through the same [`Decoded`], so an edit
//! computed on the scanner's text maps back to exactly the bytes it came
//! from, or is refused.

use std::borrow::Cow;
use std::path::Path;

/// How a file's bytes were turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 (with or without a BOM): each invalid chunk was
    /// replaced by one U+FFFD, lines kept.
    Lossy,
}

/// Whether the bytes look binary: a NUL byte in the first 8 KiB (git's and
/// ripgrep's test), unless a UTF-16 BOM says the NULs are text.
pub fn is_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// Whether bytes that [`is_binary`] calls binary look like UTF-16 text
/// without a byte-order mark: in the first 8 KiB, nearly every byte at one
/// parity is NUL and nearly none at the other (ASCII-range text in UTF-16LE
/// or BE). UTF-32 (three NULs in four) and ordinary binaries do not match.
pub fn looks_utf16_without_bom(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192) & !1];
    let pairs = head.len() / 2;
    if pairs < 4 {
        return false;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 10 <= pairs;
    (mostly(odd) && rarely(even)) || (mostly(even) && rarely(odd))
}

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A decoded file and the way back to its bytes.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    /// The text: borrowed for valid UTF-8 without a BOM (the usual case).
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    /// Length in bytes of the byte-order mark the text starts after.
    bom: usize,
    /// For [`Encoding::Lossy`]: `(text offset, byte offset, length)` of
    /// each valid UTF-8 run, in order, byte offsets counted after the BOM.
    runs: Vec<(usize, usize, usize)>,
}

impl<'a> Decoded<'a> {
    /// Decodes UTF-8 (a BOM removed), UTF-16 with a BOM, else UTF-8 lossily.
    pub fn new(bytes: &'a [u8]) -> Decoded<'a> {
        if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
            return Decoded::utf16(rest, Encoding::Utf16Le);
        }
        if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
            return Decoded::utf16(rest, Encoding::Utf16Be);
        }
        let (bom, rest) = match bytes.strip_prefix(&UTF8_BOM) {
            Some(rest) => (UTF8_BOM.len(), rest),
            None => (0, bytes),
        };
        match std::str::from_utf8(rest) {
            Ok(text) => Decoded {
                text: Cow::Borrowed(text),
                encoding: if bom > 0 {
                    Encoding::Utf8Bom
                } else {
                    Encoding::Utf8
                },
                bom,
                runs: Vec::new(),
            },
            Err(_) => {
                // `from_utf8_lossy` writes one U+FFFD per invalid chunk:
                // walk the same chunks so offsets map back.
                let mut text = String::with_capacity(rest.len() + 16);
                let mut runs = Vec::new();
                let mut b = 0;
                for chunk in rest.utf8_chunks() {
                    runs.push((text.len(), b, chunk.valid().len()));
                    text.push_str(chunk.valid());
                    b += chunk.valid().len();
                    if !chunk.invalid().is_empty() {
                        text.push('\u{FFFD}');
                        b += chunk.invalid().len();
                    }
                }
                Decoded {
                    text: Cow::Owned(text),
                    encoding: Encoding::Lossy,
                    bom,
                    runs,
                }
            }
        }
    }

    fn utf16(rest: &[u8], encoding: Encoding) -> Decoded<'a> {
        let le = encoding == Encoding::Utf16Le;
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut text: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect();
        if rest.len() % 2 == 1 {
            text.push('\u{FFFD}');
        }
        Decoded {
            text: Cow::Owned(text),
            encoding,
            bom: 2,
            runs: Vec::new(),
        }
    }

    /// The text, owned.
    pub fn into_text(self) -> String {
        self.text.into_owned()
    }

    /// The byte range in the file of text range `t..t+len`, when that text
    /// came from the bytes unchanged (not a replacement character standing
    /// for undecodable bytes) and the file re-encodes exactly. `original`
    /// must be the bytes this was decoded from.
    pub fn byte_range(&self, original: &[u8], t: usize, len: usize) -> Option<(usize, usize)> {
        let end = t.checked_add(len)?;
        let text = self.text.as_ref();
        if end > text.len() || !text.is_char_boundary(t) || !text.is_char_boundary(end) {
            return None;
        }
        let range = match self.encoding {
            Encoding::Utf8 | Encoding::Utf8Bom => (self.bom + t, self.bom + end),
            Encoding::Utf16Le | Encoding::Utf16Be => {
                // An odd byte count or an unpaired surrogate was replaced
                // while decoding: offsets would not line up.
                if self.encode(text) != original.get(self.bom..)? {
                    return None;
                }
                let before = text[..t].encode_utf16().count();
                let inside = text[t..end].encode_utf16().count();
                (self.bom + 2 * before, self.bom + 2 * (before + inside))
            }
            Encoding::Lossy => {
                // The run holding `t`; the range must end inside its valid part.
                let k = match self.runs.binary_search_by(|r| r.0.cmp(&t)) {
                    Ok(k) => k,
                    Err(k) => k.checked_sub(1)?,
                };
                let (rt, rb, run_len) = *self.runs.get(k)?;
                if end > rt + run_len {
                    return None;
                }
                (self.bom + rb + (t - rt), self.bom + rb + (end - rt))
            }
        };
        // The bytes there must be the text's own bytes, re-encoded.
        (original.get(range.0..range.1)? == self.encode(&text[t..end]).as_slice()).then_some(range)
    }

    /// `s` encoded as the file is (no BOM).
    pub fn encode(&self, s: &str) -> Vec<u8> {
        match self.encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let le = self.encoding == Encoding::Utf16Le;
                let mut out = Vec::with_capacity(2 * s.len());
                for u in s.encode_utf16() {
                    out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
                }
                out
            }
            _ => s.as_bytes().to_vec(),
        }
    }

    /// Whether the file's bytes are line-oriented ASCII-compatible text, so
    /// that a unified diff of its bytes applies with `patch` (UTF-16 is not).
    pub fn byte_diffable(&self) -> bool {
        !matches!(self.encoding, Encoding::Utf16Le | Encoding::Utf16Be)
    }
}

/// Decodes `bytes` into owned text (see [`Decoded::new`]).
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let d = Decoded::new(bytes);
    let encoding = d.encoding;
    (d.into_text(), encoding)
}

/// Long lines are split into blocks of this many bytes for counting
/// columns (see [`LineIndex::line_col`]).
const COLUMN_BLOCK: usize = 1024;

/// Line starts of a text, for byte offset ↔ (line, column). They are found
/// on first use: most parsed files yield nothing to locate.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    /// For each long line asked about: the start of each block of about
    /// [`COLUMN_BLOCK`] bytes and the chars before it (a minified line holds
    /// thousands of findings; counting from the line start for each would
    /// be quadratic).
    blocks: std::cell::RefCell<std::collections::HashMap<usize, Vec<(usize, usize)>>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
            blocks: std::cell::RefCell::default(),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// 0-based line index of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts().binary_search(&offset) {
            Ok(k) => k,
            Err(k) => k - 1,
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let start = self.starts()[line];
        if offset - start <= COLUMN_BLOCK {
            return (line + 1, self.text[start..offset].chars().count() + 1);
        }
        let mut blocks = self.blocks.borrow_mut();
        let marks = blocks.entry(line).or_insert_with(|| {
            let end = self.line_range(line).1;
            let mut marks = vec![(start, 0)];
            let (mut at, mut chars) = (start, 0);
            while at + COLUMN_BLOCK < end {
                let next = ceil_boundary(self.text, at + COLUMN_BLOCK);
                chars += self.text[at..next].chars().count();
                marks.push((next, chars));
                at = next;
            }
            marks
        });
        let k = marks
            .partition_point(|&(at, _)| at <= offset)
            .saturating_sub(1);
        let (at, chars) = marks[k];
        (line + 1, chars + self.text[at..offset].chars().count() + 1)
    }

    /// Byte offset of 1-based `line` and 1-based `column` (in characters);
    /// `None` when out of range. One past the last character of a line is
    /// its end (an exclusive span end).
    pub fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let (start, end) = self.line_range(line.checked_sub(1)?);
        if line > self.starts().len() {
            return None;
        }
        let mut off = start;
        let mut chars = self.text[start..end].chars();
        for _ in 1..column {
            off += chars.next()?.len_utf8();
        }
        Some(off)
    }

    /// Byte range of a 0-based line, without its line ending.
    pub fn line_range(&self, line: usize) -> (usize, usize) {
        let starts = self.starts();
        let start = starts.get(line).copied().unwrap_or(self.text.len());
        let mut end = starts.get(line + 1).map_or(self.text.len(), |e| e - 1);
        if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end.max(start))
    }
}

pub fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A path as the walker reached it, with no leading `./`, as one lossless
/// string: every report, baseline and message names a file this way.
///
/// A backslash in a name is written `\\` and a byte that is not UTF-8
/// `\xHH`, so `back\slash.py` is never confused with `back/slash.py`, two
/// names that differ only in invalid bytes never collide, and
/// [`path_of_display`] gives the exact path back (what `fix` writes to). On
/// Windows the separators become `/` (names there are always Unicode and
/// cannot hold `/`).
pub fn display_path(path: &Path) -> String {
    let s = escaped_path(path);
    let mut s: &str = &s;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// `path` escaped as [`display_path`] does, leading `./` kept.
#[cfg(unix)]
pub fn escaped_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// `path` escaped as [`display_path`] does, leading `./` kept.
#[cfg(not(unix))]
pub fn escaped_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The path a [`display_path`] string names: `\\` is a backslash, `\xHH`
/// the byte HH; everything else stands for itself. The inverse of
/// [`display_path`] (up to the dropped leading `./`).
pub fn path_of_display(display: &str) -> std::path::PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        if !display.contains('\\') {
            return std::path::PathBuf::from(display);
        }
        let bytes = display.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\\' {
                if bytes.get(i + 1) == Some(&b'\\') {
                    out.push(b'\\');
                    i += 2;
                    continue;
                }
                if bytes.get(i + 1) == Some(&b'x') {
                    let hex = display
                        .get(i + 2..i + 4)
                        .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()));
                    if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        out.push(b);
                        i += 4;
                        continue;
                    }
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        std::path::PathBuf::from(std::ffi::OsString::from_vec(out))
    }
    #[cfg(not(unix))]
    {
        std::path::PathBuf::from(display)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_invalid_utf8() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFab"),
            ("ab".to_string(), Encoding::Utf8Bom)
        );
        assert_eq!(
            decode(b"\xFF\xFEa\0b\0"),
            ("ab".to_string(), Encoding::Utf16Le)
        );
        assert_eq!(decode(b"caf\xE9\nx").1, Encoding::Lossy);
        assert_eq!(decode(b"\xEF\xBB\xBFcaf\xE9\nx").1, Encoding::Lossy);
        assert!(is_binary(b"\x89PNG\0\0"));
        let le: Vec<u8> = "x = 'https://a/api/2.0/'\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "x = 1\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(is_binary(&le) && looks_utf16_without_bom(&le));
        assert!(looks_utf16_without_bom(&be));
        // Not UTF-16: UTF-32, a PNG header, an ELF-like run of NULs, text.
        let utf32: Vec<u8> = "x = 1\n"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert!(!looks_utf16_without_bom(&utf32));
        assert!(!looks_utf16_without_bom(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_utf16_without_bom(&[0u8; 64]));
        assert!(!looks_utf16_without_bom(b"plain text here"));
        assert!(!is_binary(b"\xFF\xFEa\0"));
    }

    #[test]
    fn maps_offsets_in_every_encoding() {
        let bytes = b"ab/api/2.0/x";
        let d = Decoded::new(bytes);
        assert_eq!(d.byte_range(bytes, 7, 3), Some((7, 10)));

        let bytes = b"\xEF\xBB\xBFab/api/2.0/x";
        let d = Decoded::new(bytes);
        assert_eq!(d.text, "ab/api/2.0/x");
        assert_eq!(d.byte_range(bytes, 7, 3), Some((10, 13)));

        let mut utf16 = vec![0xFF, 0xFE];
        for u in "é/api/2.0".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let d = Decoded::new(&utf16);
        let t = d.text.find("2.0").expect("present");
        let (a, b) = d.byte_range(&utf16, t, 3).expect("maps");
        assert_eq!(&utf16[a..b], &d.encode("2.0")[..]);

        // Latin-1: 0xE9 is one invalid byte, one U+FFFD (3 bytes) in text.
        let latin1 = b"caf\xE9 /api/2.0/x";
        let d = Decoded::new(latin1);
        let t = d.text.find("2.0").expect("present");
        let (a, b) = d.byte_range(latin1, t, 3).expect("maps");
        assert_eq!(&latin1[a..b], b"2.0");
        // A range over the replacement character has no byte equivalent.
        assert_eq!(d.byte_range(latin1, 3, 3), None);
    }

    /// R01: a BOM and an invalid byte before the URL. The edit must land on
    /// the version's own bytes, never shifted.
    #[test]
    fn bom_and_invalid_bytes_together_map_exactly() {
        let bytes = b"\xEF\xBB\xBF# caf\xE9\nu = \"https://h/api/2.0/fo/scan/\"\n";
        let d = Decoded::new(bytes);
        assert_eq!(d.encoding, Encoding::Lossy);
        let t = d.text.find("2.0").expect("present");
        let (a, b) = d.byte_range(bytes, t, 3).expect("maps");
        assert_eq!(&bytes[a..b], b"2.0");
        // The fuzzer's 26-byte case: no range past the end, no panic.
        let bytes = b"\xEF\xBB\xBF\xFE\xFF\xFE\xFF\xFE\xFF\"/api/2.0/fo/scan\"";
        let d = Decoded::new(bytes);
        let t = d.text.find("2.0").expect("present");
        let (a, b) = d.byte_range(bytes, t, 3).expect("maps");
        assert_eq!(&bytes[a..b], b"2.0");
        assert_eq!(d.byte_range(bytes, t, 1000), None);
    }

    #[test]
    fn refuses_utf16_that_does_not_round_trip() {
        let bytes = b"\xFF\xFEa\0b";
        let d = Decoded::new(bytes);
        assert_eq!(d.byte_range(bytes, 0, 1), None);
    }

    #[test]
    fn columns_on_long_lines_match_a_plain_count() {
        let mut t = String::from("x\n");
        for i in 0..3000 {
            t.push_str(if i % 7 == 0 { "é🦀/api;" } else { "ab/api;" });
        }
        t.push_str("\r\nend");
        let ix = LineIndex::new(&t);
        // Every char boundary, out of order, and past the end.
        let mut offsets: Vec<usize> = (0..=t.len()).filter(|&o| t.is_char_boundary(o)).collect();
        offsets.reverse();
        offsets.push(t.len() + 10);
        for o in offsets {
            let o2 = o.min(t.len());
            let line_start = t[..o2].rfind('\n').map_or(0, |k| k + 1);
            let line = t[..o2].matches('\n').count() + 1;
            assert_eq!(
                ix.line_col(o),
                (line, t[line_start..o2].chars().count() + 1),
                "{o}"
            );
        }
    }

    #[test]
    fn line_columns_both_ways() {
        let t = "é = 1\r\nab /api\r\n";
        let ix = LineIndex::new(t);
        let off = t.find("/api").expect("present");
        assert_eq!(ix.line_col(off), (2, 4));
        assert_eq!(ix.line_col(3), (1, 3));
        let (s, e) = ix.line_range(1);
        assert_eq!(&t[s..e], "ab /api");
        assert_eq!(ix.offset(2, 4), Some(off));
        assert_eq!(ix.offset(1, 1), Some(0));
        assert_eq!(ix.offset(9, 1), None);
        assert_eq!(LineIndex::new("abc").offset(1, 4), Some(3));
    }

    #[test]
    fn display_paths_keep_backslashes_off_windows() {
        assert_eq!(display_path(Path::new("./a/b.py")), "a/b.py");
        #[cfg(not(windows))]
        assert_eq!(
            display_path(Path::new("back\\slash.py")),
            "back\\\\slash.py"
        );
    }

    #[cfg(unix)]
    #[test]
    fn display_paths_are_lossless_and_map_back() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let cases: [&[u8]; 7] = [
            b"a/b.py",
            b"back\\slash.py",
            b"bad\xff.py",
            b"bad\xc3.py",
            b"caf\xc3\xa9/\\x41\\\\.py",
            b"\\xZZ\\x4",
            b"trailing\\",
        ];
        let mut shown = Vec::new();
        for raw in cases {
            let p = Path::new(OsStr::from_bytes(raw));
            let d = display_path(p);
            assert_eq!(path_of_display(&d).as_os_str().as_bytes(), raw, "{d}");
            shown.push(d);
        }
        assert_eq!(shown[1], "back\\\\slash.py");
        assert_eq!(shown[2], "bad\\xFF.py");
        assert_eq!(shown[4], "café/\\\\x41\\\\\\\\.py");
        // `back\slash.py` and `back/slash.py` stay two files.
        assert_ne!(display_path(Path::new("back/slash.py")), shown[1]);
        // Distinct names, distinct displays.
        let mut unique = shown.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), shown.len());
    }
}
