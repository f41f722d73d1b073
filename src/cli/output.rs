//! Where a report goes: standard output, or `--output FILE`.
//!
//! What `-o FILE` does depends on what `FILE` is (decided before anything
//! is written, following symbolic links):
//!
//! | `FILE` is                                   | sunset                                              |
//! |---------------------------------------------|-----------------------------------------------------|
//! | missing                                     | creates it atomically: a temporary file beside it, fsynced, renamed over it (mode 0666 less the umask) |
//! | a regular file                              | replaces it atomically, keeping its mode and (where permitted) owner and group |
//! | a symbolic link to a regular file           | replaces the *target* atomically (as above); the link stays a link |
//! | `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1` | writes to standard output (also `…/2` and `/dev/stderr`: standard error) |
//! | a character device, a FIFO or a socket (or a link to one) | writes straight into it, never replaces it |
//! | a directory, a block device, a dangling link | refuses with an error (exit 2), writes nothing     |
//!
//! So a failed run never leaves half a report in a regular file, and a
//! device, FIFO or symbolic link is never replaced by a regular file (as
//! root, `-o /dev/null` must stay the null device). Replacing a file
//! through a rename gives it a new inode: other hard links to it keep the
//! old content.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::CliError;

pub enum Output {
    Stdout(BufWriter<std::io::StdoutLock<'static>>),
    Stderr(BufWriter<std::io::StderrLock<'static>>),
    /// Atomic replacement of a regular file.
    File {
        path: PathBuf,
        file: BufWriter<tempfile::NamedTempFile>,
    },
    /// Straight into a device, FIFO or socket.
    Stream {
        path: PathBuf,
        file: BufWriter<std::fs::File>,
    },
}

/// What a destination path is.
#[derive(Debug)]
enum Destination {
    Stdout,
    Stderr,
    /// Create or replace this regular file (a symbolic link resolved).
    Regular {
        target: PathBuf,
        existing: Option<std::fs::Metadata>,
    },
    /// A character device, FIFO or socket.
    Stream,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Output::Stdout(_) => f.write_str("Output::Stdout"),
            Output::Stderr(_) => f.write_str("Output::Stderr"),
            Output::File { path, .. } => write!(f, "Output::File({})", path.display()),
            Output::Stream { path, .. } => write!(f, "Output::Stream({})", path.display()),
        }
    }
}

/// Names of the standard streams (`None` for any other path).
fn standard_stream(path: &Path) -> Option<Destination> {
    let s = path.as_os_str().as_encoded_bytes();
    match s {
        b"/dev/stdout" | b"/dev/fd/1" | b"/proc/self/fd/1" | b"/proc/thread-self/fd/1" => {
            Some(Destination::Stdout)
        }
        b"/dev/stderr" | b"/dev/fd/2" | b"/proc/self/fd/2" | b"/proc/thread-self/fd/2" => {
            Some(Destination::Stderr)
        }
        _ => None,
    }
}

fn classify(path: &Path) -> Result<Destination, String> {
    if let Some(d) = standard_stream(path) {
        return Ok(d);
    }
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Destination::Regular {
                target: path.to_path_buf(),
                existing: None,
            })
        }
        Err(e) => return Err(e.to_string()),
    };
    let meta = if link.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err("it is a symbolic link to a missing file".into())
            }
            Err(e) => return Err(e.to_string()),
        }
    } else {
        link.clone()
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        return Err("it is a directory".into());
    }
    if ft.is_file() {
        let target = if link.file_type().is_symlink() {
            std::fs::canonicalize(path).map_err(|e| e.to_string())?
        } else {
            path.to_path_buf()
        };
        return Ok(Destination::Regular {
            target,
            existing: Some(meta),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_block_device() {
            return Err("it is a block device; sunset does not write reports to disks".into());
        }
        if ft.is_char_device() || ft.is_fifo() || ft.is_socket() {
            return Ok(Destination::Stream);
        }
    }
    Err("it is not a regular file".into())
}

impl Output {
    /// Standard output when `path` is `None`, else the destination as the
    /// module documentation describes.
    pub fn open(path: Option<&Path>) -> Result<Output, CliError> {
        let Some(path) = path else {
            return Ok(Output::Stdout(BufWriter::new(std::io::stdout().lock())));
        };
        match classify(path).map_err(|m| output_error_msg(path, m))? {
            Destination::Stdout => Ok(Output::Stdout(BufWriter::new(std::io::stdout().lock()))),
            Destination::Stderr => Ok(Output::Stderr(BufWriter::new(std::io::stderr().lock()))),
            Destination::Stream => {
                // No create, no truncate: a device or FIFO is written to,
                // never made.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| output_error(path, &e))?;
                Ok(Output::Stream {
                    path: path.to_path_buf(),
                    file: BufWriter::new(file),
                })
            }
            Destination::Regular { target, existing } => {
                let tmp =
                    temp_beside(&target, existing.as_ref()).map_err(|e| output_error(path, &e))?;
                Ok(Output::File {
                    path: target,
                    file: BufWriter::new(tmp),
                })
            }
        }
    }

    /// Flushes, or syncs and renames the temporary file over the target.
    /// A reader that closed a standard stream early (`sunset … | head -1`)
    /// wanted no more: that is not an error (ripgrep, ruff).
    pub fn finish(self) -> Result<(), CliError> {
        let stream = |r: std::io::Result<()>, path: &str| match r {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Output {
                path: path.into(),
                message: e.to_string(),
            }),
            _ => Ok(()),
        };
        match self {
            Output::Stdout(mut out) => stream(out.flush(), "standard output"),
            Output::Stderr(mut out) => stream(out.flush(), "standard error"),
            Output::Stream { path, mut file } => file.flush().map_err(|e| output_error(&path, &e)),
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

/// A temporary file in `target`'s directory with the mode (and, where
/// permitted, the owner and group) of the file it will replace; a new
/// report gets 0666 less the umask, like a shell redirection (tempfile's
/// default is 0600).
fn temp_beside(
    target: &Path,
    existing: Option<&std::fs::Metadata>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sunset-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if existing.is_none() {
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
    }
    let tmp = builder.tempfile_in(dir)?;
    #[cfg(unix)]
    if let Some(meta) = existing {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // Owner first: changing it may clear set-id bits the mode restores.
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o7777))?;
    }
    #[cfg(not(unix))]
    if let Some(meta) = existing {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    Ok(tmp)
}

fn output_error(path: &Path, e: &std::io::Error) -> CliError {
    output_error_msg(path, e.to_string())
}

fn output_error_msg(path: &Path, message: String) -> CliError {
    CliError::Output {
        path: crate::display::path(path),
        message,
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Stderr(w) => w.write(buf),
            Output::File { file, .. } => file.write(buf),
            Output::Stream { file, .. } => file.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Stderr(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
            Output::Stream { file, .. } => file.flush(),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};

    fn write_to(path: &Path, body: &str) -> Result<(), CliError> {
        let mut out = Output::open(Some(path))?;
        out.write_all(body.as_bytes()).expect("write");
        out.finish()
    }

    #[test]
    fn new_and_existing_regular_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let new = dir.path().join("new.json");
        write_to(&new, "a").expect("new");
        assert_eq!(std::fs::read_to_string(&new).expect("read"), "a");

        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, "secret").expect("write");
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_to(&kept, "report").expect("replace");
        assert_eq!(std::fs::read_to_string(&kept).expect("read"), "report");
        let mode = std::fs::metadata(&kept).expect("stat").permissions().mode() & 0o7777;
        assert_eq!(mode, 0o600);
        // nothing left behind
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn a_symlink_to_a_file_stays_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("real.json");
        std::fs::write(&target, "old").expect("write");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).expect("symlink");
        write_to(&link, "new").expect("through link");
        assert!(std::fs::symlink_metadata(&link)
            .expect("lstat")
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
    }

    #[test]
    fn refusals() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = write_to(dir.path(), "x").expect_err("directory");
        assert!(e.to_string().contains("is a directory"), "{e}");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("missing/file", &dangling).expect("symlink");
        let e = write_to(&dangling, "x").expect_err("dangling");
        assert!(e.to_string().contains("missing file"), "{e}");
        assert!(std::fs::symlink_metadata(&dangling)
            .expect("lstat")
            .file_type()
            .is_symlink());
    }

    #[test]
    fn devices_and_fifos_are_written_not_replaced() {
        assert!(matches!(
            classify(Path::new("/dev/stdout")),
            Ok(Destination::Stdout)
        ));
        assert!(matches!(
            classify(Path::new("/proc/self/fd/2")),
            Ok(Destination::Stderr)
        ));
        let dir = tempfile::tempdir().expect("tempdir");
        // A private null device (root only): never the real /dev/null,
        // which a regression here would replace.
        let null = dir.path().join("null");
        let made = std::process::Command::new("mknod")
            .arg(&null)
            .args(["c", "1", "3"])
            .status()
            .is_ok_and(|s| s.success());
        if made {
            write_to(&null, "x").expect("null");
            let meta = std::fs::symlink_metadata(&null).expect("stat");
            assert!(meta.file_type().is_char_device());
        }

        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let _ = tx.send(std::fs::read_to_string(fifo).unwrap_or_default());
            });
        }
        write_to(&fifo, "through the pipe").expect("fifo");
        // Checked before waiting: a regression that renames over the FIFO
        // must fail here, not hang on the reader.
        assert!(std::fs::symlink_metadata(&fifo)
            .expect("stat")
            .file_type()
            .is_fifo());
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("written to");
        assert_eq!(got, "through the pipe");
        // A link to the FIFO: written through, both stay what they are.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&fifo, &link).expect("symlink");
        assert!(matches!(classify(&link), Ok(Destination::Stream)));
    }
}
