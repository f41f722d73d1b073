//! sunset: find calls to Qualys API endpoint versions that are deprecated,
//! past End of Support (EOS) or past End of Life (EOL).
//!
//! Data flows one way: [`rules`] → [`scan`] (walk, [`source`] decoding,
//! [`extract`] string expressions, [`matcher`] endpoint identities) →
//! [`model`] findings, time-free → [`model::assess`] at an as-of date →
//! [`gate`] / [`printer`] / [`migration`] / [`fix`]. The model sits at the
//! bottom and depends only on `rules`; nothing below imports from above
//! (`tests/it/layers.rs` checks it).
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod cli;
pub mod display;
pub mod extract;
pub mod fix;
pub mod gate;
pub mod libraries;
pub mod matcher;
pub mod migration;
pub mod model;
pub mod printer;
pub mod readfile;
pub mod redact;
pub mod request;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod text;

pub use model::{Finding, FindingKind, Severity};
pub use rules::{Date, Deadline, Rule, RuleSet, Status};
