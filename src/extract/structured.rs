//! JSON and YAML extraction (stub: being written).
use super::Extracted;
pub fn extract_json(_text: &str, _base: usize) -> Extracted {
    Extracted::default()
}
pub fn extract_yaml(_text: &str, _base: usize) -> Extracted {
    Extracted::default()
}
