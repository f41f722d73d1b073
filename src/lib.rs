//! sunset: find calls to Qualys API endpoint versions that are deprecated,
//! past End of Support (EOS) or past End of Life (EOL).
//!
//! The pipeline is `SourceFile → Vec<Expr> → Vec<Finding> → Report`:
//! [`scan`] walks and reads files, [`extract`] turns a file's text into
//! reconstructed string expressions, [`matcher`] finds endpoint identities in
//! them against the [`rules`], and [`report`] renders the sorted result.
//! Only `scan` touches the filesystem; only `report` and `cli` write bytes.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod display;
pub mod extract;
pub mod finding;
pub mod fix;
pub mod gate;
pub mod matcher;
pub mod plan;
pub mod readfile;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;

pub use finding::{Finding, FindingKind, Severity};
pub use rules::{Date, Deadline, Rule, RuleSet, Status};
