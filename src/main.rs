//! The `sunset` binary: parse arguments, run, map the outcome to an exit
//! code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sunset::cli::Cli::parse();
    match sunset::cli::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        // A closed pipe (`sunset audit | head`) is not an error (ripgrep),
        // even when a writer library wrapped the I/O error in its own.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sunset: {e}");
            ExitCode::from(2)
        }
    }
}

fn broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
            if let Some(inner) = io.get_ref() {
                cur = Some(inner);
                continue;
            }
        }
        cur = err.source();
    }
    false
}
