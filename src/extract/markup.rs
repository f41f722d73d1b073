//! Markdown and plain-text extraction (stub: being written).
use super::Extracted;
pub fn extract_markdown(_text: &str, _base: usize) -> Extracted {
    Extracted::default()
}
pub fn extract_text(_text: &str, _base: usize) -> Extracted {
    Extracted::default()
}
