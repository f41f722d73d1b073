//! One integration test binary (ripgrep's layout): modules by theme.

mod check;
mod cli;
mod fix;
mod fixtures;
mod formats;
mod hostile_scale;
mod plan;
mod rules;
