//! One integration test binary (ripgrep's layout): modules by theme.

mod cli;
mod fix;
mod fixtures;
mod formats;
mod rules;
