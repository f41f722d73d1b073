//! Postman collections hold a request URL twice: `url.raw` and the parsed
//! `url.path` array (`["api", "2.0", "fo", "scan", ""]`). Newman and the
//! Postman runtime build the request from the parsed parts, so rewriting
//! `raw` alone would leave the call on the old version. The scanner reports
//! the `raw` string; this module finds the version element of the sibling
//! `path` array so both are rewritten together.

/// The byte offset (content start, after the quote) of the `path` array
/// element holding `old` right after `prev`, in the URL object whose `raw`
/// string contains byte `inside_raw`; `None` when the text around is not
/// such an object or the element is not there exactly once.
pub fn companion(text: &str, inside_raw: usize, prev: Option<&str>, old: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let open = raw_string_start(bytes, inside_raw)?;
    // The end of the raw string.
    let mut i = skip_string(bytes, open)?;
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = skip_string(bytes, i)?;
                if depth == 0 && &bytes[i..end] == b"\"path\"" {
                    let mut j = skip_ws(bytes, end);
                    if bytes.get(j) == Some(&b':') {
                        j = skip_ws(bytes, j + 1);
                        if bytes.get(j) == Some(&b'[') {
                            return element(bytes, j, prev, old);
                        }
                    }
                }
                i = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    // The URL object closed without a `path`.
                    return None;
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset of the opening quote of the string holding `at`, when that
/// string is the value of a `"raw"` key.
fn raw_string_start(bytes: &[u8], at: usize) -> Option<usize> {
    let line_start = bytes[..at.min(bytes.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    // A raw URL holds no quote of its own (it would be escaped as \").
    let quote = (line_start..at).rev().find(|&k| bytes[k] == b'"')?;
    let mut k = quote;
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    if k == 0 || bytes[k - 1] != b':' {
        return None;
    }
    k -= 1;
    while k > 0 && bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    (k >= 5 && &bytes[k - 5..k] == b"\"raw\"").then_some(quote)
}

/// The offset just past the string starting with the quote at `open`.
fn skip_string(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// In the array opening at `open`, the content offset of the one string
/// element equal to `old` whose previous element equals `prev`.
fn element(bytes: &[u8], open: usize, prev: Option<&str>, old: &str) -> Option<usize> {
    let mut items: Vec<(usize, &[u8])> = Vec::new();
    let mut i = skip_ws(bytes, open + 1);
    loop {
        match bytes.get(i)? {
            b'"' => {
                let end = skip_string(bytes, i)?;
                items.push((i + 1, &bytes[i + 1..end - 1]));
                i = skip_ws(bytes, end);
            }
            b',' => i = skip_ws(bytes, i + 1),
            b']' => break,
            // Not an array of plain strings: leave it alone.
            _ => return None,
        }
    }
    let hits: Vec<usize> = (0..items.len())
        .filter(|&k| {
            items[k].1 == old.as_bytes()
                && match prev {
                    Some(p) => k > 0 && items[k - 1].1.eq_ignore_ascii_case(p.as_bytes()),
                    None => k == 0,
                }
        })
        .map(|k| items[k].0)
        .collect();
    match hits[..] {
        [one] => Some(one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::companion;

    #[test]
    fn finds_the_path_element_beside_raw() {
        let t = "{\"url\": {\n  \"raw\": \"{{b}}/api/2.0/fo/scan/\",\n  \"host\": [\"{{b}}\"],\n  \"path\": [\"api\", \"2.0\", \"fo\", \"scan\", \"\"]\n}}";
        let inside = t.find("/api/2.0").expect("present");
        let at = companion(t, inside, Some("api"), "2.0").expect("found");
        assert_eq!(&t[at..at + 3], "2.0");
        assert!(t[..at].ends_with("[\"api\", \""));
    }

    #[test]
    fn stops_at_the_end_of_the_url_object() {
        let t = "{\"url\": {\"raw\": \"/api/2.0/fo/scan/\"}, \"path\": [\"api\", \"2.0\"]}";
        assert_eq!(
            companion(t, t.find("/api").expect("present"), Some("api"), "2.0"),
            None
        );
        let t = "{\"x\": \"/api/2.0/fo/scan/\", \"path\": [\"api\", \"2.0\"]}";
        assert_eq!(
            companion(t, t.find("/api").expect("present"), Some("api"), "2.0"),
            None
        );
    }
}
