//! Rust extraction with syn (stub: being written).
use super::Extracted;
pub fn extract(_text: &str, _base: usize) -> Extracted {
    Extracted::default()
}
