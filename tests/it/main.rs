//! One integration test binary (ripgrep's layout): modules by theme.

mod check;
mod cli;
mod fix;
mod fixtures;
mod formats;
mod libraries;
mod plan;
mod rules;
