//! One integration test binary (ripgrep's layout): modules by theme.

mod cli;
mod fixtures;
mod formats;
mod plan;
mod rules;
