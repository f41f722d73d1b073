//! Small text helpers shared by the printers and the migration report.

/// Percent-encodes every byte of a path but unreserved characters and `/`
/// (`:` too, so a first segment like `c:x` is not read as a scheme): a file
/// name cannot end a URL, start a fragment or break out of an attribute.
/// Used for SARIF artifact URIs and report links.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
