//! Jupyter notebooks (`.ipynb`): code cells read as one Python program.
//!
//! A notebook runs its code cells top to bottom, so their sources are
//! decoded from their JSON strings and joined in cell order into one
//! program, read by the Python assembler in *ordered* mode: a name resolves
//! to a definition in the same cell or an earlier one, never to a later one
//! ([`super::assemble::extract_ordered_for_scan`]). Shell escapes (`!curl …`)
//! and `%%bash` / `%%sh` cells are read as shell; other magics are blanked.
//! Markdown and raw cells, outputs and metadata keep the JSON reading
//! (mentions).
//!
//! Every offset of the program maps back to the raw file ([`Notebook`]):
//! text copied verbatim from a JSON string keeps its byte offset (so a fix
//! edits exactly those bytes), text decoded from an escape (`\"`, `\n`,
//! `\u00e9`) has none (so no fix touches it), and every site maps to the
//! raw span of the escape. [`Notebook::position`] turns a raw offset into
//! the cell (1-based, counting every cell, as nbqa does), the line in the
//! cell and the column (characters) in that line.

use super::structured::{self, NotebookCell};
use super::{assemble, Binding, Expr, Extracted, Language, Seg};
use crate::model::CellPosition;

/// Whether a path names a notebook (`.ipynb`, any case).
pub fn is_notebook(path: &str) -> bool {
    path.len() >= 6 && path[path.len() - 6..].eq_ignore_ascii_case(".ipynb")
}

/// A stretch of the joined program and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    /// Offset in the program.
    virt: usize,
    /// Bytes in the program.
    len: usize,
    /// Offset in the raw file.
    raw: usize,
    /// Bytes in the raw file.
    raw_len: usize,
    /// A verbatim copy (byte `i` is raw byte `raw + i`), or one decoded
    /// escape (or a newline added between cells).
    verbatim: bool,
}

/// Decodes the body of a JSON string (`raw`, at file offset `off`) onto
/// `out`, recording its runs.
fn decode(raw: &str, off: usize, out: &mut String, runs: &mut Vec<Run>) {
    let b = raw.as_bytes();
    let mut from = 0;
    let mut i = 0;
    let flush = |out: &mut String, runs: &mut Vec<Run>, a: usize, z: usize| {
        if z > a {
            runs.push(Run {
                virt: out.len(),
                len: z - a,
                raw: off + a,
                raw_len: z - a,
                verbatim: true,
            });
            out.push_str(&raw[a..z]);
        }
    };
    let hex = |at: usize| {
        raw.get(at..at + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        flush(out, runs, from, i);
        let (decoded, next): (char, usize) = match b.get(i + 1) {
            None => ('\\', i + 1),
            Some(b'n') => ('\n', i + 2),
            Some(b't') => ('\t', i + 2),
            Some(b'r') => ('\r', i + 2),
            Some(b'b') => ('\u{8}', i + 2),
            Some(b'f') => ('\u{c}', i + 2),
            Some(b'u') => match hex(i + 2) {
                Some(hi) if (0xD800..0xDC00).contains(&hi) => {
                    let lo = (raw.get(i + 6..i + 8) == Some("\\u"))
                        .then(|| hex(i + 8))
                        .flatten();
                    match lo {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            (char::from_u32(cp).unwrap_or('\u{FFFD}'), i + 12)
                        }
                        _ => ('\u{FFFD}', i + 6),
                    }
                }
                Some(cp) => (char::from_u32(cp).unwrap_or('\u{FFFD}'), i + 6),
                None => ('u', i + 2),
            },
            Some(_) => {
                // `\"`, `\\`, `\/` and anything unknown: the next character.
                let c = raw[i + 1..].chars().next().unwrap_or('\\');
                (c, i + 1 + c.len_utf8())
            }
        };
        runs.push(Run {
            virt: out.len(),
            len: decoded.len_utf8(),
            raw: off + i,
            raw_len: next - i,
            verbatim: false,
        });
        out.push(decoded);
        i = next;
        from = i;
    }
    flush(out, runs, from, b.len());
}

/// A notebook's cells and the map from its joined code to the file.
#[derive(Clone, Debug, Default)]
pub struct Notebook {
    cells: Vec<NotebookCell>,
    runs: Vec<Run>,
    /// Raw content ranges of code cells' strings, sorted.
    code_strings: Vec<(usize, usize)>,
    /// The program's Python reading (other lines blanked) and its shell
    /// reading (`!` lines and shell cells; the rest blanked), offsets equal
    /// to the program's: a request is read in the decoded code, where
    /// `params={"action": "list"}` is a dict, not JSON escapes.
    python: String,
    shell: String,
    /// The joined program itself (what a code frame shows: `!curl …`).
    program: String,
}

impl Notebook {
    /// Raw offset of program offset `v` (start of a span).
    pub(crate) fn start(&self, v: usize) -> usize {
        let k = self.runs.partition_point(|r| r.virt <= v).saturating_sub(1);
        match self.runs.get(k) {
            Some(r) if r.verbatim => r.raw + (v - r.virt).min(r.len),
            Some(r) if v >= r.virt + r.len => r.raw + r.raw_len,
            Some(r) => r.raw,
            None => 0,
        }
    }

    /// Raw offset of program offset `v` as the (exclusive) end of a span.
    fn end(&self, v: usize) -> usize {
        if v == 0 {
            return self.start(0);
        }
        let k = self.runs.partition_point(|r| r.virt < v).saturating_sub(1);
        match self.runs.get(k) {
            Some(r) if r.verbatim => r.raw + (v - r.virt).min(r.len),
            Some(r) => r.raw + r.raw_len,
            None => 0,
        }
    }

    fn in_code(&self, raw: usize) -> bool {
        let k = self.code_strings.partition_point(|s| s.0 <= raw);
        k > 0 && raw <= self.code_strings[k - 1].1
    }

    /// Moves a segment of the program to the raw file; a verbatim text
    /// that crosses an escape is split so each piece keeps (or loses) its
    /// `src` honestly.
    fn remap_seg(&self, program: &str, seg: Seg, out: &mut Vec<Seg>) {
        let site = (self.start(seg.site.0), self.end(seg.site.1));
        let via = seg.via.clone().map(|(n, o)| (n, self.start(o)));
        let src = seg
            .src
            .filter(|&s| !seg.is_hole() && program.get(s..s + seg.text.len()) == Some(&seg.text));
        let Some(s) = src else {
            out.push(Seg {
                src: None,
                site,
                via,
                ..seg
            });
            return;
        };
        let n = seg.text.len();
        let mut at = 0;
        while at < n {
            let v = s + at;
            let k = self.runs.partition_point(|r| r.virt <= v).saturating_sub(1);
            let Some(r) = self.runs.get(k) else { break };
            let upto = ((r.virt + r.len).min(s + n)).saturating_sub(s).max(at + 1);
            let upto = if seg.text.is_char_boundary(upto) {
                upto
            } else {
                n
            };
            out.push(Seg {
                text: seg.text[at..upto].to_string(),
                src: r.verbatim.then(|| r.raw + (v - r.virt)),
                site,
                via: via.clone(),
                hole: None,
            });
            at = upto;
        }
    }

    fn remap_expr(&self, program: &str, e: Expr) -> Expr {
        let mut segs = Vec::with_capacity(e.segs.len());
        for s in e.segs {
            self.remap_seg(program, s, &mut segs);
        }
        Expr { segs, kind: e.kind }
    }

    /// Program offset of raw offset `raw`, when it lies in a code cell's
    /// source (an escape maps to the start of what it decodes to).
    fn program_offset(&self, raw: usize) -> Option<usize> {
        if !self.in_code(raw) {
            return None;
        }
        // Runs follow the file: their raw offsets never decrease.
        let k = self.runs.partition_point(|r| r.raw <= raw).checked_sub(1)?;
        let r = &self.runs[k];
        Some(if r.verbatim {
            r.virt + (raw - r.raw).min(r.len)
        } else {
            r.virt
        })
    }

    /// The decoded code holding raw `span` (where a request is read and a
    /// code frame is cut): the Python or the shell reading of the program,
    /// its language, and the span in it. `None` outside code cells.
    pub fn code_at(&self, span: (usize, usize)) -> Option<(&str, Language, (usize, usize))> {
        let from = self.program_offset(span.0)?;
        let to = self.program_offset(span.1.max(span.0))?.max(from);
        let is_shell = self
            .shell
            .as_bytes()
            .get(from)
            .is_some_and(|b| !b.is_ascii_whitespace());
        Some(if is_shell {
            (self.shell.as_str(), Language::Shell, (from, to))
        } else {
            (self.python.as_str(), Language::Python, (from, to))
        })
    }

    /// The Python and shell readings of the program (see
    /// [`Notebook::code_at`]) and the program itself; all three have the
    /// same offsets and lines.
    pub fn programs(&self) -> (&str, &str, &str) {
        (&self.python, &self.shell, &self.program)
    }

    /// The cell, line in the cell and column of raw offset `raw`, when it
    /// lies in a cell's source (not in an output or metadata).
    pub fn position(&self, text: &str, raw: usize) -> Option<CellPosition> {
        for (n, cell) in self.cells.iter().enumerate() {
            let Some(k) = cell.strings.iter().position(|&(a, b)| a <= raw && raw <= b) else {
                continue;
            };
            let mut prefix = String::new();
            let mut runs = Vec::new();
            for &(a, b) in &cell.strings[..k] {
                decode(text.get(a..b)?, a, &mut prefix, &mut runs);
            }
            let (a, b) = cell.strings[k];
            let before = prefix.len();
            decode(text.get(a..b)?, a, &mut prefix, &mut runs);
            let v = runs
                .iter()
                .rev()
                .find(|r| r.virt >= before && r.raw <= raw)
                .map_or(before, |r| {
                    if r.verbatim {
                        r.virt + (raw - r.raw).min(r.len)
                    } else if raw >= r.raw + r.raw_len {
                        r.virt + r.len
                    } else {
                        r.virt
                    }
                });
            let upto = prefix.get(..v)?;
            let line_start = upto.rfind('\n').map_or(0, |i| i + 1);
            return Some(CellPosition {
                cell: n + 1,
                line: upto.matches('\n').count() + 1,
                column: upto[line_start..].chars().count() + 1,
            });
        }
        None
    }
}

/// How a line of a code cell is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Python,
    Shell,
    Blank,
}

/// Extracts a notebook for a scan: the JSON reading for everything but the
/// code cells, whose joined program is read as Python (and shell escapes
/// as shell), with every offset mapped back to the file.
pub fn extract_for_scan(text: &str) -> (Extracted, Notebook) {
    let (json, cells) = structured::extract_json_cells(text);
    let mut program = String::new();
    let mut runs = Vec::new();
    let mut cell_spans = Vec::new();
    let mut code_strings = Vec::new();
    for cell in cells.iter().filter(|c| c.cell_type == "code") {
        let from = program.len();
        for &(a, b) in &cell.strings {
            if let Some(raw) = text.get(a..b) {
                decode(raw, a, &mut program, &mut runs);
                code_strings.push((a, b));
            }
        }
        if program.len() > from && !program.ends_with('\n') {
            let raw = runs.last().map_or(0, |r: &Run| r.raw + r.raw_len);
            runs.push(Run {
                virt: program.len(),
                len: 1,
                raw,
                raw_len: 0,
                verbatim: false,
            });
            program.push('\n');
        }
        cell_spans.push((from, program.len()));
    }
    code_strings.sort_unstable();
    let mut nb = Notebook {
        cells,
        runs,
        code_strings,
        python: String::new(),
        shell: String::new(),
        program: String::new(),
    };
    // Which lines are Python, shell or neither, by offset in the program.
    let mut python = program.clone().into_bytes();
    let mut shell = vec![b' '; program.len()];
    let mut any_shell = false;
    for &(from, to) in &cell_spans {
        let body = &program[from..to];
        let first = body.lines().next().unwrap_or("").trim_start();
        let shell_cell = ["%%bash", "%%sh", "%%script"]
            .iter()
            .any(|m| first.starts_with(m));
        let magic_cell = first.starts_with("%%");
        let mut at = from;
        for (i, line) in body.split_inclusive('\n').enumerate() {
            let trimmed = line.trim_start();
            let kind = if shell_cell && i > 0 || !shell_cell && trimmed.starts_with('!') {
                LineKind::Shell
            } else if magic_cell || trimmed.starts_with('%') {
                // A cell magic's header, its non-shell body, a line magic.
                LineKind::Blank
            } else {
                LineKind::Python
            };
            let end = at + line.len();
            if kind != LineKind::Python {
                blank(&mut python[at..end]);
            }
            if kind == LineKind::Shell {
                any_shell = true;
                shell[at..end].copy_from_slice(line.as_bytes());
                if let Some(bang) = line.find('!').filter(|_| !shell_cell) {
                    shell[at + bang] = b' ';
                }
            }
            at = end;
        }
    }
    // Newlines stay where they were, so lines keep their offsets.
    for (i, b) in program.bytes().enumerate() {
        if b == b'\n' {
            shell[i] = b'\n';
        }
    }
    let python = String::from_utf8(python).unwrap_or_default();
    let mut code = assemble::extract_ordered_for_scan(Language::Python, &python, 0);
    let shell = if any_shell {
        String::from_utf8(shell).unwrap_or_default()
    } else {
        String::new()
    };
    if !shell.is_empty() {
        let sh = super::extract_for_scan_at(Language::Shell, &shell, 0);
        code.exprs.extend(sh.exprs);
        code.bindings.extend(sh.bindings);
    }
    nb.python = python;
    nb.shell = shell;
    let mut out = Extracted {
        exprs: Vec::new(),
        bindings: Vec::new(),
        idents: json.idents,
    };
    // The JSON reading of code cells' strings is replaced by the program's.
    let first_site = |e: &Expr| e.segs.first().map(|s| s.site.0 + 1);
    out.exprs.extend(
        json.exprs
            .into_iter()
            .filter(|e| !first_site(e).is_some_and(|o| nb.in_code(o))),
    );
    out.bindings.extend(
        json.bindings
            .into_iter()
            .filter(|b| !first_site(&b.value).is_some_and(|o| nb.in_code(o))),
    );
    out.exprs
        .extend(code.exprs.into_iter().map(|e| nb.remap_expr(&program, e)));
    out.bindings
        .extend(code.bindings.into_iter().map(|b| Binding {
            name: b.name,
            value: nb.remap_expr(&program, b.value),
            offset: nb.start(b.offset),
        }));
    nb.program = program;
    (out, nb)
}

/// Replaces every byte but newlines with a space (valid UTF-8 whatever
/// was there, offsets unchanged).
fn blank(bytes: &mut [u8]) {
    for b in bytes {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notebook(cells: &[(&str, &str)]) -> String {
        let cells: Vec<String> = cells
            .iter()
            .map(|(t, src)| {
                format!("{{\"cell_type\": \"{t}\", \"metadata\": {{}}, \"source\": {src}}}")
            })
            .collect();
        format!("{{\"cells\": [{}], \"nbformat\": 4}}", cells.join(",\n"))
    }

    #[test]
    fn decode_maps_escapes_and_verbatim_runs() {
        let raw = r#"a\"b\n\u00e9\ud83d\ude00c"#;
        let (mut out, mut runs) = (String::new(), Vec::new());
        decode(raw, 10, &mut out, &mut runs);
        assert_eq!(out, "a\"b\né😀c");
        assert_eq!(runs.iter().filter(|r| r.verbatim).count(), 3);
        let smiley = runs.iter().find(|r| r.len == 4).expect("the pair");
        assert_eq!((smiley.raw, smiley.raw_len), (10 + 12, 12));
    }

    #[test]
    fn positions_count_every_cell_and_decoded_lines() {
        let text = notebook(&[
            ("markdown", r##"["# Title\n", "text"]"##),
            ("code", r#""x = 1\ny = \"/api/2.0/fo/scan/\"""#),
        ]);
        let at = text.find("/api/2.0").expect("planted");
        let p = extract_for_scan(&text)
            .1
            .position(&text, at)
            .expect("in a cell");
        assert_eq!((p.cell, p.line, p.column), (2, 2, 6));
        let at = text.find("text").expect("planted");
        let p = extract_for_scan(&text)
            .1
            .position(&text, at)
            .expect("in a cell");
        assert_eq!((p.cell, p.line, p.column), (1, 2, 1));
    }

    #[test]
    fn code_cells_join_in_order_and_keep_raw_offsets() {
        let text = notebook(&[
            (
                "code",
                r#"["BASE = \"https://qualysapi.qualys.com/api/2.0/fo/\"\n"]"#,
            ),
            ("code", r#"["r = requests.get(BASE + \"scan/\")"]"#),
        ]);
        let (x, _) = extract_for_scan(&text);
        let e = x
            .exprs
            .iter()
            .find(|e| e.text().ends_with("/fo/scan/"))
            .expect("joined across cells");
        for s in &e.segs {
            if let Some(src) = s.src {
                assert_eq!(&text[src..src + s.text.len()], s.text);
            }
        }
        let via = e.segs[0].via.as_ref().expect("resolved from cell 1");
        assert_eq!(via.0, "BASE");
        assert!(via.1 < text.find("requests").expect("planted"));
    }

    #[test]
    fn later_cells_do_not_resolve() {
        let text = notebook(&[
            ("code", r#"["r = requests.get(BASE + \"scan/\")"]"#),
            (
                "code",
                r#"["BASE = \"https://qualysapi.qualys.com/api/2.0/fo/\"\n"]"#,
            ),
        ]);
        let (x, _) = extract_for_scan(&text);
        assert!(!x
            .exprs
            .iter()
            .any(|e| e.text().contains("qualys.com/api/2.0/fo/scan/")));
    }

    #[test]
    fn garbage_never_panics() {
        for seed in 0..200 {
            let g = crate::extract::garbage(seed, 300, b"{}[]:,\"\\ncode_typesourceu0\n !%");
            let (x, nb) = extract_for_scan(&g);
            for e in &x.exprs {
                for s in &e.segs {
                    assert!(s.site.0 <= g.len() && s.site.1 <= g.len());
                    let _ = nb.position(&g, s.site.0);
                }
            }
        }
    }
}
