//! One integration test binary (ripgrep's layout): modules by theme.

mod adoption;
mod agreement;
mod all_problems;
mod check;
mod cli;
mod cmd;
mod docs;
mod fix;
mod fix_output;
mod fixtures;
mod flow;
mod formats;
mod fuzz;
mod hostile;
mod hostile_scale;
mod layers;
mod libraries;
mod params;
mod pipe;
mod plan;
mod progress;
mod redaction;
mod requests;
mod rules;
mod suppress;
mod util;
