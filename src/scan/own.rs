//! sunset's own output, recognised by its content, never by its name.
//!
//! A report written into the scanned tree (`audit -o out.json`, the
//! Action's `sunset.sarif`, a baseline, a migration report) is full of the
//! very URLs it reports. Read on the next run, each would count again, so a
//! CI gate that passed once fails the second time. Every format sunset
//! writes carries a mark in its first few KiB, and [`detect`] looks there
//! only (the SARIF driver, which sits after the results, is the one mark
//! looked for further in, and only in a file whose head is SARIF).
//!
//! A file is sunset's own when its head has:
//!
//! | format | mark |
//! |---|---|
//! | JSON report, baseline | first key `"schema"` is `sunset/1` or `sunset-baseline/1` |
//! | rules listing | an array whose first element's first key `"schema"` is `sunset-rules/1` |
//! | SARIF | a `$schema` naming SARIF and a first run whose `tool.driver.name` is `sunset` |
//! | GitLab Code Quality | an array whose first issue has `"engine_name": "sunset"` |
//! | JUnit | `<testsuites name="sunset"` |
//! | CSV | the findings header (`repo,as_of,path,line,column,…`) |
//! | Markdown report | the first line `model::MARKDOWN_MARK` |
//! | HTML report | `<meta name="generator" content="sunset …">` |
//! | fix patch | the first line `model::PATCH_MARK` |

use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::model::{MARKDOWN_MARK, PATCH_MARK};

/// How much of a file's head is looked at.
pub const HEAD_BYTES: usize = 8 * 1024;

/// The CSV header's first columns (`audit --format csv`, `report --format csv`).
const CSV_HEADER: &[u8] =
    b"repo,as_of,path,line,column,end_line,end_column,rule,name,endpoint,matched,";

/// Which of sunset's formats a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnFormat {
    Json,
    Baseline,
    /// `sunset rules --format json`.
    Rules,
    Sarif,
    Gitlab,
    Junit,
    Csv,
    Markdown,
    Html,
    Patch,
}

static JSON_SCHEMA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\{\s*"schema"\s*:\s*"sunset(-baseline|-rules)?/1""#)
        .expect("invariant: valid regex")
});
static RULES_ARRAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\[\s*\{\s*"schema"\s*:\s*"sunset-rules/1""#).expect("invariant: valid regex")
});
static SARIF_SCHEMA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\{\s*"\$schema"\s*:\s*"[^"]*sarif[^"]*""#).expect("invariant: valid regex")
});
static SARIF_DRIVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""driver"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]*)""#).expect("invariant: valid regex")
});
static JUNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(<\?xml[^>]*\?>\s*)?<testsuites name="sunset""#).expect("invariant: valid regex")
});
static HTML_GENERATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^<!DOCTYPE html>[\s\S]*?<meta name="generator" content="sunset[ "]"#)
        .expect("invariant: valid regex")
});

/// Which of sunset's own formats `bytes` (a whole file, or at least its
/// head) is, if any.
pub fn detect(bytes: &[u8]) -> Option<OwnFormat> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(HEAD_BYTES)];
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let head = &head[start..];
    match head.first()? {
        b'{' => {
            if let Some(m) = JSON_SCHEMA.captures(head) {
                return Some(match m.get(1).map(|g| g.as_bytes()) {
                    Some(b"-baseline") => OwnFormat::Baseline,
                    Some(_) => OwnFormat::Rules,
                    None => OwnFormat::Json,
                });
            }
            // The driver follows the results: look for it in the whole
            // file, but only once the head says SARIF.
            if SARIF_SCHEMA.is_match(head) {
                let rest = &bytes[start..];
                let name = SARIF_DRIVER.captures(rest)?.get(1)?;
                return (name.as_bytes() == b"sunset").then_some(OwnFormat::Sarif);
            }
            None
        }
        b'[' if RULES_ARRAY.is_match(head) => Some(OwnFormat::Rules),
        b'[' => first_issue_is_ours(head).then_some(OwnFormat::Gitlab),
        b'<' => {
            if JUNIT.is_match(head) {
                Some(OwnFormat::Junit)
            } else if head.starts_with(MARKDOWN_MARK.as_bytes()) {
                Some(OwnFormat::Markdown)
            } else if HTML_GENERATOR.is_match(head) {
                Some(OwnFormat::Html)
            } else {
                None
            }
        }
        b'r' => head.starts_with(CSV_HEADER).then_some(OwnFormat::Csv),
        b's' => head
            .starts_with(PATCH_MARK.as_bytes())
            .then_some(OwnFormat::Patch),
        _ => None,
    }
}

/// Whether the first object of a JSON array (`head` starts at `[`) has the
/// top-level key `"engine_name"` with the value `"sunset"`.
fn first_issue_is_ours(head: &[u8]) -> bool {
    let skip_ws = |mut i: usize| {
        while head.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut i = skip_ws(1);
    if head.get(i) != Some(&b'{') {
        return false;
    }
    i += 1;
    let mut depth = 1usize;
    while i < head.len() {
        match head[i] {
            b'"' => {
                let (text, next) = string_at(head, i);
                i = next;
                if depth == 1 && text == b"engine_name" {
                    let j = skip_ws(i);
                    if head.get(j) == Some(&b':') {
                        let k = skip_ws(j + 1);
                        return head[k..].starts_with(b"\"sunset\"");
                    }
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// The raw text of the JSON string starting at `at` (a `"`), and the
/// index after its closing quote.
fn string_at(head: &[u8], at: usize) -> (&[u8], usize) {
    let mut i = at + 1;
    while i < head.len() {
        match head[i] {
            b'\\' => i += 2,
            b'"' => return (&head[at + 1..i], i + 1),
            _ => i += 1,
        }
    }
    (&head[at + 1..], head.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_recognised_and_lookalikes_are_not() {
        let own: &[(&str, OwnFormat)] = &[
            ("{\n  \"schema\": \"sunset/1\",\n  \"as_of\": \"x\"}", OwnFormat::Json),
            ("\u{feff}{\"schema\":\"sunset-baseline/1\"}", OwnFormat::Baseline),
            ("[\n  {\n    \"schema\": \"sunset-rules/1\",\n    \"id\": \"x\"\n  }\n]", OwnFormat::Rules),
            (
                "{\"$schema\": \"https://x/sarif-schema-2.1.0.json\", \"runs\": [{\"results\": [], \"tool\": {\"driver\": {\"informationUri\": \"u\", \"name\": \"sunset\", \"rules\": []}}}]}",
                OwnFormat::Sarif,
            ),
            (
                "[\n  {\n    \"type\": \"issue\",\n    \"description\": \"d\",\n    \"location\": {\"path\": \"p\", \"lines\": {\"begin\": 1}},\n    \"categories\": [\"C\"],\n    \"engine_name\": \"sunset\"\n  }\n]",
                OwnFormat::Gitlab,
            ),
            (
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sunset\" tests=\"1\">",
                OwnFormat::Junit,
            ),
            ("repo,as_of,path,line,column,end_line,end_column,rule,name,endpoint,matched,replacement\n", OwnFormat::Csv),
            ("<!-- generated by sunset report; sunset does not scan this file -->\n# Qualys", OwnFormat::Markdown),
            ("<!DOCTYPE html>\n<html>\n<meta name=\"generator\" content=\"sunset 0.1.0\">", OwnFormat::Html),
            ("sunset fix patch: apply with `git apply` or `patch -p1`\n--- a/x\n", OwnFormat::Patch),
        ];
        for (text, format) in own {
            assert_eq!(detect(text.as_bytes()), Some(*format), "{text}");
        }
        // The same shapes, not written by sunset.
        let foreign = [
            "{\"schema\": \"other/1\"}",
            "{\"name\": \"x\", \"schema\": \"sunset/1\"}",
            "{\"$schema\": \"https://x/sarif-schema-2.1.0.json\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"semgrep\"}}}]}",
            "{\"$schema\": \"https://x/sarif-schema-2.1.0.json\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"sunsets\"}}}]}",
            "[{\"type\": \"issue\", \"engine_name\": \"rubocop\"}]",
            "[{\"type\": \"issue\", \"nested\": [{\"engine_name\": \"sunset\"}]}]",
            "<testsuites name=\"pytest\">",
            "repo,path,line\n",
            "# Qualys API migration report\n<!-- generated by sunset report; sunset does not scan this file -->",
            "<!DOCTYPE html>\n<meta name=\"generator\" content=\"sunsetter\">",
            "sunset: 3 findings\n",
            "",
            "   ",
        ];
        for text in foreign {
            assert_eq!(detect(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn only_the_head_is_looked_at() {
        let mut late = " ".repeat(HEAD_BYTES);
        late.push_str("{\"schema\": \"sunset/1\"}");
        assert_eq!(detect(late.as_bytes()), None);
    }
}
