//! Human output (stub: being written).
use super::Report;

#[derive(Clone, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
    pub width: Option<usize>,
}

pub fn render(_report: &Report, _options: &HumanOptions, _out: &mut dyn std::io::Write) -> std::io::Result<()> {
    Ok(())
}
