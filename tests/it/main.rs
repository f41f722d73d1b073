//! One integration test binary (ripgrep's layout): modules by theme.

mod adoption;
mod agreement;
mod check;
mod cli;
mod cmd;
mod docs;
mod fix;
mod fixtures;
mod flow;
mod formats;
mod fuzz;
mod hostile;
mod hostile_scale;
mod layers;
mod libraries;
mod params;
mod pci;
mod pipe;
mod plan;
mod redaction;
mod requests;
mod rules;
mod util;
