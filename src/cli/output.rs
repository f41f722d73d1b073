//! Where a report goes: standard output, or `--output FILE` written
//! atomically (a temporary file beside the target, fsynced, then renamed),
//! so a failed run never leaves half a report behind.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::CliError;

pub enum Output {
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
    File {
        path: PathBuf,
        file: BufWriter<tempfile::NamedTempFile>,
    },
}

impl Output {
    /// Standard output when `path` is `None`, else a temporary file in the
    /// target's directory.
    pub fn open(path: Option<&Path>) -> Result<Output, CliError> {
        let Some(path) = path else {
            return Ok(Output::Stdout(BufWriter::new(std::io::stdout().lock())));
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".sunset-").suffix(".tmp");
        // A report is an ordinary file: 0666 less the umask, like any file
        // a shell redirection creates (tempfile's default is 0600).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder
            .tempfile_in(dir)
            .map_err(|e| output_error(path, &e))?;
        Ok(Output::File {
            path: path.to_path_buf(),
            file: BufWriter::new(tmp),
        })
    }

    /// Flushes standard output, or syncs and renames the temporary file
    /// over the target.
    pub fn finish(self) -> Result<(), CliError> {
        match self {
            Output::Stdout(mut out) => out.flush().map_err(|e| CliError::Output {
                path: "standard output".into(),
                message: e.to_string(),
            }),
            Output::File { path, file } => {
                let tmp = file
                    .into_inner()
                    .map_err(|e| output_error(&path, e.error()))?;
                tmp.as_file()
                    .sync_all()
                    .map_err(|e| output_error(&path, &e))?;
                tmp.persist(&path)
                    .map_err(|e| output_error(&path, &e.error))?;
                Ok(())
            }
        }
    }
}

fn output_error(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Output {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File { file, .. } => file.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}
