//! Byte-exact edits in a decoded file.
//!
//! The scanner decodes a file's bytes into text (UTF-8, UTF-8 with BOM,
//! UTF-16 with BOM, or lossily when the bytes are not UTF-8, e.g. Latin-1)
//! and reports positions in that text. A fix must change exactly the bytes
//! of the rewritten run and keep every other byte, so this module maps a
//! text offset back to a byte offset and encodes the new text the way the
//! file is encoded. A file whose text cannot be mapped back byte for byte
//! is refused (the caller lists its findings as manual).

use crate::source::{decode, Encoding};

/// A decoded file and the way back to its bytes.
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// For [`Encoding::Lossy`]: `(text offset, byte offset, length)` of
    /// each valid UTF-8 run, in order. Empty for other encodings.
    runs: Vec<(usize, usize, usize)>,
}

impl Decoded {
    /// Decodes `bytes` exactly as the scanner does; `Err` with a reason when
    /// a rewrite could not keep the other bytes intact.
    pub fn new(bytes: &[u8]) -> Result<Decoded, String> {
        let (text, encoding) = decode(bytes);
        let mut runs = Vec::new();
        match encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                // An odd byte count or an unpaired surrogate was replaced
                // while decoding: offsets would no longer line up.
                if encode_utf16(&text, encoding, true) != bytes {
                    return Err(
                        "the UTF-16 text does not re-encode to the same bytes (odd length or unpaired surrogate)"
                            .to_string(),
                    );
                }
            }
            Encoding::Lossy => {
                // `String::from_utf8_lossy` writes one U+FFFD per invalid
                // chunk: walk the same chunks to map offsets back.
                let (mut t, mut b) = (0, 0);
                for chunk in bytes.utf8_chunks() {
                    runs.push((t, b, chunk.valid().len()));
                    t += chunk.valid().len();
                    b += chunk.valid().len();
                    if !chunk.invalid().is_empty() {
                        t += '\u{FFFD}'.len_utf8();
                        b += chunk.invalid().len();
                    }
                }
                if t != text.len() || b != bytes.len() {
                    return Err(
                        "the file's bytes could not be mapped back from its text".to_string()
                    );
                }
            }
            Encoding::Utf8 | Encoding::Utf8Bom => {}
        }
        Ok(Decoded {
            text,
            encoding,
            runs,
        })
    }

    /// The byte offset in the file of text offset `t`, when `t..t+len`
    /// lies in text that came from the bytes unchanged (not a replacement
    /// character standing for undecodable bytes).
    pub fn byte_range(&self, t: usize, len: usize) -> Option<(usize, usize)> {
        let end = t.checked_add(len)?;
        if end > self.text.len()
            || !self.text.is_char_boundary(t)
            || !self.text.is_char_boundary(end)
        {
            return None;
        }
        match self.encoding {
            Encoding::Utf8 => Some((t, end)),
            Encoding::Utf8Bom => Some((t + 3, end + 3)),
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let before = self.text[..t].encode_utf16().count();
                let inside = self.text[t..end].encode_utf16().count();
                Some((2 + 2 * before, 2 + 2 * (before + inside)))
            }
            Encoding::Lossy => {
                // The run holding `t`; the range must end inside its valid part.
                let k = match self.runs.binary_search_by(|r| r.0.cmp(&t)) {
                    Ok(k) => k,
                    Err(k) => k.checked_sub(1)?,
                };
                let (rt, rb, len) = self.runs[k];
                if end > rt + len {
                    return None;
                }
                Some((rb + (t - rt), rb + (end - rt)))
            }
        }
    }

    /// `s` encoded as the file is (no BOM).
    pub fn encode(&self, s: &str) -> Vec<u8> {
        match self.encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => encode_utf16(s, self.encoding, false),
            _ => s.as_bytes().to_vec(),
        }
    }

    /// Whether the file's bytes are line-oriented ASCII-compatible text, so
    /// that a unified diff of its bytes applies with `patch` (UTF-16 is not).
    pub fn byte_diffable(&self) -> bool {
        !matches!(self.encoding, Encoding::Utf16Le | Encoding::Utf16Be)
    }
}

fn encode_utf16(s: &str, encoding: Encoding, bom: bool) -> Vec<u8> {
    let le = encoding == Encoding::Utf16Le;
    let mut out = Vec::with_capacity(2 + 2 * s.len());
    if bom {
        out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

/// Byte offset in `text` of 1-based `line` and 1-based `column` (in
/// characters), as the scanner reports them; `None` when out of range.
pub fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let rest = &text[start..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let mut chars = rest[..line_end].char_indices();
    let mut off = 0;
    for _ in 1..column {
        match chars.next() {
            Some((_, c)) => off += c.len_utf8(),
            // One past the last character: the exclusive end of a span
            // that reaches the end of the line.
            None => return None,
        }
    }
    Some(start + off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_in_every_encoding() {
        let d = Decoded::new(b"ab/api/2.0/x").expect("utf-8");
        assert_eq!(d.byte_range(7, 3), Some((7, 10)));

        let d = Decoded::new(b"\xEF\xBB\xBFab/api/2.0/x").expect("bom");
        assert_eq!(d.text, "ab/api/2.0/x");
        assert_eq!(d.byte_range(7, 3), Some((10, 13)));

        let mut utf16 = vec![0xFF, 0xFE];
        for u in "é/api/2.0".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let d = Decoded::new(&utf16).expect("utf-16");
        let t = d.text.find("2.0").expect("present");
        let (a, b) = d.byte_range(t, 3).expect("maps");
        assert_eq!(&utf16[a..b], &d.encode("2.0")[..]);

        // Latin-1: 0xE9 is one invalid byte, one U+FFFD (3 bytes) in text.
        let latin1 = b"caf\xE9 /api/2.0/x";
        let d = Decoded::new(latin1).expect("lossy");
        let t = d.text.find("2.0").expect("present");
        let (a, b) = d.byte_range(t, 3).expect("maps");
        assert_eq!(&latin1[a..b], b"2.0");
        // A range over the replacement character has no byte equivalent.
        assert_eq!(d.byte_range(3, 3), None);
    }

    #[test]
    fn refuses_utf16_that_does_not_round_trip() {
        assert!(Decoded::new(b"\xFF\xFEa\0b").is_err());
    }

    #[test]
    fn line_and_column_to_offset() {
        let t = "é = 1\r\nab /api\r\n";
        assert_eq!(offset_of(t, 2, 4), Some(t.find("/api").expect("present")));
        assert_eq!(offset_of(t, 1, 1), Some(0));
        assert_eq!(offset_of(t, 9, 1), None);
        assert_eq!(offset_of("abc", 1, 4), Some(3));
    }
}
