//! A plan as a standard unified diff (`--- a/path`, `+++ b/path`, `@@`
//! hunks with 3 lines of context) that `patch -p1` and `git apply` accept.
//!
//! Each file's diff is preceded by `#` comment lines naming every rewrite
//! and, for an unsafe one, why; both tools skip text before a file header.
//! Lines are compared as bytes, so CRLF endings, a BOM or Latin-1 bytes go
//! into the diff as they are in the file. Every content line passes through
//! [`crate::redact`] first: a line holding a credential is printed with it
//! masked, and such a hunk no longer applies (the caller says so).

use std::io::Write;

use super::{FilePlan, Plan};
use crate::model::Applicability;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// What rendering found worth telling the user.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DiffStats {
    /// Diff lines whose text was masked because it holds a credential.
    pub redacted_lines: usize,
    /// Files shown decoded (UTF-16) whose diff does not apply as bytes.
    pub decoded_files: Vec<String>,
}

/// Writes the diff of every file in `plan`, credentials masked: for a
/// terminal or a CI log.
pub fn render(plan: &Plan, out: &mut dyn Write) -> std::io::Result<DiffStats> {
    render_with(plan, out, true)
}

/// Writes the diff of every file in `plan` with the files' bytes as they
/// are, credentials included, so that every hunk applies: only for
/// `fix --patch FILE`, which writes it to a file of mode 0600 and never
/// to a terminal. The `#` comment lines stay masked.
pub fn render_unmasked(plan: &Plan, out: &mut dyn Write) -> std::io::Result<DiffStats> {
    render_with(plan, out, false)
}

fn render_with(plan: &Plan, out: &mut dyn Write, mask: bool) -> std::io::Result<DiffStats> {
    let mut stats = DiffStats::default();
    for file in &plan.files {
        render_file(file, out, &mut stats, mask)?;
    }
    Ok(stats)
}

fn render_file(
    file: &FilePlan,
    out: &mut dyn Write,
    stats: &mut DiffStats,
    mask: bool,
) -> std::io::Result<()> {
    for e in &file.edits {
        if e.range.0 == e.range.1 {
            // An insertion: the required parameter a rule gives a value
            // for, added with the version rewrite of the same request.
            writeln!(
                out,
                "# sunset fix: {}:{}:{} {} adds `{}` to the request (a parameter the replacement requires)",
                crate::display::escape(&file.display),
                e.line,
                e.column,
                e.rule,
                crate::redact::redact_str(&String::from_utf8_lossy(&e.bytes))
            )?;
            continue;
        }
        let line = format!(
            "# sunset fix: {}:{}:{} {} {} -> {}",
            crate::display::escape(&file.display),
            e.line,
            e.column,
            e.rule,
            e.endpoint,
            e.replacement
        );
        match e.applicability {
            Applicability::Safe => writeln!(out, "{line} (safe: a drop-in replacement)")?,
            Applicability::Unsafe => {
                writeln!(out, "{line} (unsafe: not a documented drop-in)")?;
                for r in &e.reasons {
                    writeln!(out, "#   {}", crate::redact::redact_str(r))?;
                }
            }
        }
    }
    let (old, new) = if file.byte_diffable {
        (file.original.clone(), file.fixed.clone())
    } else {
        // UTF-16: shown as UTF-8 text for reading; `--write` applies it.
        stats.decoded_files.push(file.display.clone());
        writeln!(
            out,
            "# sunset fix: {} is UTF-16; shown as UTF-8, apply it with --write",
            crate::display::escape(&file.display)
        )?;
        (
            crate::source::decode(&file.original).0.into_bytes(),
            crate::source::decode(&file.fixed).0.into_bytes(),
        )
    };
    writeln!(out, "--- {}", header_path("a/", &file.display))?;
    writeln!(out, "+++ {}", header_path("b/", &file.display))?;
    let a = split_lines(&old);
    let b = split_lines(&new);
    // Redacted as whole texts: a value may sit lines away from its key.
    let (mask_a, mask_b) = if mask {
        (masks(&a), masks(&b))
    } else {
        (vec![None; a.len()], vec![None; b.len()])
    };
    for hunk in hunks(&a, &b) {
        writeln!(
            out,
            "@@ -{} +{} @@",
            range(hunk.start, hunk.end - hunk.start),
            range(hunk.start, hunk.end - hunk.start)
        )?;
        let mut i = hunk.start;
        while i < hunk.end {
            if a[i] == b[i] {
                emit(out, b' ', &a[i], mask_a[i].as_deref(), stats)?;
                i += 1;
                continue;
            }
            // A run of changed lines: all removals, then all additions.
            let mut j = i;
            while j < hunk.end && a[j] != b[j] {
                j += 1;
            }
            for k in i..j {
                emit(out, b'-', &a[k], mask_a[k].as_deref(), stats)?;
            }
            for k in i..j {
                emit(out, b'+', &b[k], mask_b[k].as_deref(), stats)?;
            }
            i = j;
        }
    }
    Ok(())
}

/// A `---`/`+++` path. One holding a control or bidi character, a `"` or a `\`
/// is quoted the way git writes it (C escapes, octal for other control
/// bytes), which `git apply` and GNU patch read back: a name never reaches
/// the terminal raw.
fn header_path(prefix: &str, path: &str) -> String {
    let needs = path
        .chars()
        .any(|c| crate::display::is_unsafe(c) || c == '"' || c == '\\');
    if !needs {
        return format!("{prefix}{path}");
    }
    let mut out = String::from("\"");
    out.push_str(prefix);
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c if crate::display::is_unsafe(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `start,len` of a hunk (1-based start), the unified diff way.
fn range(start: usize, len: usize) -> String {
    if len == 1 {
        format!("{}", start + 1)
    } else {
        format!("{},{len}", start + 1)
    }
}

/// One line: its bytes without the `\n` (a `\r` stays), and whether the
/// file ends without a newline right after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line<'a> {
    bytes: &'a [u8],
    no_newline: bool,
}

fn split_lines(bytes: &[u8]) -> Vec<Line<'_>> {
    let mut lines: Vec<Line> = bytes
        .split(|&b| b == b'\n')
        .map(|l| Line {
            bytes: l,
            no_newline: false,
        })
        .collect();
    if lines.last().is_some_and(|l| l.bytes.is_empty()) {
        lines.pop();
    } else if let Some(last) = lines.last_mut() {
        last.no_newline = true;
    }
    lines
}

struct Hunk {
    start: usize,
    end: usize,
}

/// Hunks over line indices. A rewrite never adds or removes a line, so
/// line `i` of the old file is line `i` of the new one and a change is
/// simply a line that differs.
fn hunks(a: &[Line], b: &[Line]) -> Vec<Hunk> {
    let n = a.len().min(b.len());
    let mut out: Vec<Hunk> = Vec::new();
    for i in (0..n).filter(|&i| a[i] != b[i]) {
        let start = i.saturating_sub(CONTEXT);
        let end = (i + 1 + CONTEXT).min(n);
        match out.last_mut() {
            // Overlapping or touching context: one hunk.
            Some(h) if start <= h.end => h.end = end,
            _ => out.push(Hunk { start, end }),
        }
    }
    out
}

/// Each line's redacted text, where redaction changes it.
fn masks(lines: &[Line]) -> Vec<Option<String>> {
    let lossy: Vec<std::borrow::Cow<str>> = lines
        .iter()
        .map(|l| String::from_utf8_lossy(l.bytes))
        .collect();
    crate::redact::redact_lines(&lossy)
}

fn emit(
    out: &mut dyn Write,
    tag: u8,
    line: &Line,
    masked: Option<&str>,
    stats: &mut DiffStats,
) -> std::io::Result<()> {
    out.write_all(&[tag])?;
    match masked {
        // The file's own bytes (Latin-1 stays Latin-1).
        None => out.write_all(line.bytes)?,
        Some(m) => {
            stats.redacted_lines += 1;
            out.write_all(m.as_bytes())?;
        }
    }
    out.write_all(b"\n")?;
    if line.no_newline {
        out.write_all(b"\\ No newline at end of file\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<Line<'_>> {
        split_lines(s.as_bytes())
    }

    #[test]
    fn hunks_merge_when_context_touches() {
        // Changes at 1 and 8 (6 lines apart: merged), then at 16 (7 apart).
        let a = lines("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n");
        let b = lines("0\nX\n2\n3\n4\n5\n6\n7\nY\n9\n10\n11\n12\n13\n14\n15\nZ\n17\n");
        let h: Vec<(usize, usize)> = hunks(&a, &b).iter().map(|h| (h.start, h.end)).collect();
        assert_eq!(h, vec![(0, 12), (13, 18)]);
    }

    #[test]
    fn header_paths_with_controls_are_quoted_like_git() {
        assert_eq!(header_path("a/", "src/x.py"), "a/src/x.py");
        assert_eq!(
            header_path("a/", "evil\u{1b}]0;T\u{7}\"q\\.py"),
            "\"a/evil\\033]0;T\\007\\\"q\\\\.py\""
        );
    }

    #[test]
    fn last_line_without_newline_is_marked() {
        let l = lines("a\nb");
        assert_eq!(l.len(), 2);
        assert!(l[1].no_newline && !l[0].no_newline);
        assert_eq!(lines("a\n").len(), 1);
        assert_eq!(range(0, 1), "1");
        assert_eq!(range(4, 7), "5,7");
    }
}
