//! Decoding a file's bytes into text, and byte offset → line:column.

/// How a file's bytes were turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8: invalid bytes were replaced (U+FFFD), lines kept.
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

/// Decodes text: UTF-8 (BOM removed), UTF-16 with a BOM, else lossily.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Encoding::Utf8Bom,
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        return (
            char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{FFFD}'))
                .collect(),
            Encoding::Utf16Le,
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]));
        return (
            char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{FFFD}'))
                .collect(),
            Encoding::Utf16Be,
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), Encoding::Lossy),
    }
}

/// Long lines are split into blocks of this many bytes for counting
/// columns (see [`LineIndex::line_col`]).
const COLUMN_BLOCK: usize = 1024;

/// Line starts of a text, for byte offset → (line, column). They are
/// found on first use: most parsed files yield nothing to locate.
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
        assert!(is_binary(b"\x89PNG\0\0"));
        assert!(!is_binary(b"\xFF\xFEa\0"));
    }

    #[test]
    fn line_columns_count_chars_and_ignore_cr() {
        let t = "é = 1\r\nab /api\r\n";
        let ix = LineIndex::new(t);
        let off = t.find("/api").expect("present");
        assert_eq!(ix.line_col(off), (2, 4));
        assert_eq!(ix.line_col(3), (1, 3));
        let (s, e) = ix.line_range(1);
        assert_eq!(&t[s..e], "ab /api");
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
}
