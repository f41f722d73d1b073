//! Credential redaction (stub: being written).
pub fn redact(text: &str) -> String {
    text.to_string()
}
