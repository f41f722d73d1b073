//! `--format csv`: one row per finding, every JSON field.

use super::Report;

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let _ = (report, out);
    todo!("csv printer")
}
