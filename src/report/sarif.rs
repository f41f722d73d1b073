//! `--format sarif`: SARIF 2.1.0.

use super::Report;

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let _ = (report, out);
    todo!("sarif printer")
}
