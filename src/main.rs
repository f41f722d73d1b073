//! The `sunset` binary: parse arguments, run, map the outcome to an exit
//! code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sunset::cli::Cli::parse();
    match sunset::cli::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        // A closed pipe (`sunset audit | head`) is not an error (ripgrep).
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sunset: {e}");
            ExitCode::from(2)
        }
    }
}
