//! Reading the files sunset obeys rather than scans: `sunset.toml`, rule
//! files, baselines, and the checks on ignore files.
//!
//! A scanned repository chooses these files, so they are hostile input: a
//! `.gitignore` that is a FIFO (opening it blocks forever), a link to
//! `/dev/zero` (endless), to `/proc/kmsg` (a "regular" file of size 0 whose
//! read blocks), to `/proc/self/environ` (the CI's secrets). So every read
//! here:
//!
//! - looks at the file type *before* opening (following symbolic links):
//!   anything but a regular file is refused unopened, so a FIFO or a
//!   device is never opened at all;
//! - opens non-blocking (`O_NONBLOCK`, `O_NOCTTY`), and checks the type
//!   again on the open handle, so a swap between the two checks cannot
//!   turn the read into a hang;
//! - reads at most `limit` bytes plus one, and refuses a longer file;
//! - treats a file whose size says 0 but that has content (procfs, sysfs)
//!   as what it is: not a regular file.

use std::io::Read;
use std::path::Path;

/// Largest `sunset.toml` sunset reads: 4 MiB.
pub const CONFIG_MAX_BYTES: u64 = 4 << 20;

/// Largest rule file sunset reads: 16 MiB, about 80,000 rules (the bundled
/// rules total well under 100 KiB; an organisation's generated table may
/// hold tens of thousands, and loading is linear in their number).
pub const RULES_MAX_BYTES: u64 = 16 << 20;

/// Largest ignore file (`.gitignore`, `.ignore`, `.git/info/exclude`)
/// honoured: 4 MiB.
pub const IGNORE_MAX_BYTES: u64 = 4 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: what it is instead.
    NotRegular(&'static str),
    /// Larger than the limit.
    TooLarge {
        limit: u64,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(f, "not a regular file ({what})"),
            ReadError::TooLarge { limit } => {
                write!(f, "larger than {} MiB", limit >> 20)
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// As an `io::Error` (for error types that hold one).
    pub fn into_io(self) -> std::io::Error {
        match self {
            ReadError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
        }
    }
}

/// What a non-regular file type is, in words.
fn kind(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// The bytes of `path`, a regular file of at most `limit` bytes.
pub fn regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind(meta.file_type())));
    }
    let stated = meta.len();
    let mut bytes = Vec::with_capacity(stated.min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::WouldBlock {
                ReadError::NotRegular("a file whose read would block")
            } else {
                ReadError::Io(e)
            }
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    if stated == 0 && !bytes.is_empty() {
        return Err(ReadError::NotRegular(
            "a pseudo-file whose size is not its content",
        ));
    }
    Ok(bytes)
}

/// Like [`regular`], as UTF-8 text.
pub fn regular_to_string(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(regular(path, limit)?).map_err(|_| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Checks, without keeping its content, that `path` is safe for another
/// reader (the directory walker reads ignore files itself): a regular file
/// of at most `limit` bytes whose content matches its size. `Ok` when it
/// does not exist.
pub fn check_regular(path: &Path, limit: u64) -> Result<(), ReadError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ReadError::Io(e)),
        Ok(meta) if !meta.is_file() => return Err(ReadError::NotRegular(kind(meta.file_type()))),
        Ok(meta) if meta.len() > limit => return Err(ReadError::TooLarge { limit }),
        Ok(meta) if meta.len() > 0 => return Ok(()),
        Ok(_) => {}
    }
    // Size 0: an empty file, or a pseudo-file that lies about its size.
    regular(path, limit).map(|_| ())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "x = 1\n").expect("write");
        assert_eq!(regular_to_string(&p, 100).expect("read"), "x = 1\n");
        assert!(matches!(
            regular(&p, 3),
            Err(ReadError::TooLarge { limit: 3 })
        ));
        assert!(check_regular(&p, 100).is_ok());
        assert!(check_regular(&dir.path().join("missing"), 100).is_ok());
        assert!(regular(&dir.path().join("missing"), 100).is_err_and(|e| e.is_not_found()));
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "").expect("write");
        assert!(check_regular(&empty, 100).is_ok());
    }

    #[test]
    fn devices_fifos_and_pseudo_files_are_refused_without_blocking() {
        let e = regular(Path::new("/dev/zero"), 100).expect_err("device");
        assert!(e.to_string().contains("character device"), "{e}");
        assert!(check_regular(Path::new("/dev/zero"), 100).is_err());
        if Path::new("/proc/self/environ").exists() {
            let e = regular(Path::new("/proc/self/environ"), 1 << 20).expect_err("procfs");
            assert!(e.to_string().contains("pseudo-file"), "{e}");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            let e = regular(&fifo, 100).expect_err("fifo");
            assert!(e.to_string().contains("FIFO"), "{e}");
            assert!(check_regular(&fifo, 100).is_err());
        }
        assert!(regular(dir.path(), 100).is_err());
    }
}
