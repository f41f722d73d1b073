//! One integration test binary (ripgrep's layout): modules by theme.

mod check;
mod cli;
mod fixtures;
mod formats;
mod rules;
