//! `sunset rules`: list the rules, or validate a rule file.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{load_rules, print_error, CommonArgs, ExitStatus};
use crate::printer;
use crate::rules::{self, Date};

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Check one rule file and exit (0 when valid, 2 with located errors).
    #[arg(long, value_name = "FILE")]
    pub validate: Option<PathBuf>,
    /// Output format of the listing.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

pub fn run(args: RulesArgs) -> std::io::Result<ExitStatus> {
    if let Some(path) = &args.validate {
        return match rules::load::validate_file(path) {
            Ok(n) => {
                let mut out = std::io::stdout().lock();
                let noun = if n == 1 { "rule" } else { "rules" };
                writeln!(out, "{}: {n} {noun}, valid", path.display())?;
                Ok(ExitStatus::Success)
            }
            Err(e) => {
                print_error(e);
                Ok(ExitStatus::Error)
            }
        };
    }
    let rules = match load_rules(&args.common) {
        Ok(r) => r,
        Err(e) => {
            print_error(e);
            return Ok(ExitStatus::Error);
        }
    };
    let as_of = args.common.as_of.unwrap_or_else(Date::today);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    printer::rules_table::render(&rules, as_of, args.format == RulesFormat::Json, &mut out)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}
