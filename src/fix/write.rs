//! Applying a plan: each file is written atomically (a temporary file
//! beside the original, fsynced, then renamed over it), and only if it still
//! holds the bytes the plan was made from.
//!
//! The new file keeps what the original had: its owner and group (first,
//! since a change of owner clears setuid/setgid), then every mode bit
//! including setuid, setgid and sticky, then its extended attributes (ACLs,
//! security labels, `user.*`). Each is checked on the temporary file before
//! the rename; whatever cannot be kept refuses the file with a message,
//! leaving the original untouched. A file with other hard links is refused
//! too (a rename would split them: the other names would keep the old text)
//! unless `--break-hardlinks` says to go ahead.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{resolve_inside, FilePlan, Plan};

/// What happened to one planned file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub path: String,
    /// The number of rewrites written, or why the file was left alone.
    pub result: Result<usize, String>,
}

/// How [`apply_with`] writes.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Write a file that has other hard links (`--break-hardlinks`): the
    /// fixed file gets a name of its own, the other names keep the old text.
    pub break_hardlinks: bool,
}

/// Writes every file of `plan` with the default [`WriteOptions`] (hard-linked
/// files refused). `roots` are the scanned roots: a target is checked again
/// against them right before it is replaced.
pub fn apply(plan: &Plan, roots: &[PathBuf]) -> Vec<Outcome> {
    apply_with(plan, roots, &WriteOptions::default())
}

/// Writes every file of `plan` as `opts` says.
pub fn apply_with(plan: &Plan, roots: &[PathBuf], opts: &WriteOptions) -> Vec<Outcome> {
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    plan.files
        .iter()
        .map(|f| Outcome {
            path: f.display.clone(),
            result: apply_file(f, &canonical_roots, opts).map(|()| f.edits.len()),
        })
        .collect()
}

fn apply_file(file: &FilePlan, roots: &[PathBuf], opts: &WriteOptions) -> Result<(), String> {
    // The path may have been swapped for a symlink since planning.
    let target = resolve_inside(&crate::source::path_of_display(&file.display), roots)?;
    if target != file.target {
        return Err(format!(
            "not written: the path now resolves to {}",
            target.display()
        ));
    }
    let meta = std::fs::metadata(&target).map_err(|e| format!("not written: {e}"))?;
    if meta.permissions().readonly() {
        // Replacing the file by rename would succeed in a writable
        // directory and silently override the owner's intent.
        return Err("not written: the file is read-only".to_string());
    }
    if hard_links(&meta) > 1 && !opts.break_hardlinks {
        return Err(format!(
            "not written: the file has {} hard links and writing would split them (the other names would keep the old text); pass --break-hardlinks to write it anyway",
            hard_links(&meta)
        ));
    }
    unchanged_since_plan(&target, &file.original, None)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let io = |what: &str, e: std::io::Error| format!("not written: {what}: {e}");
    let mut tmp = tempfile::Builder::new()
        .prefix(crate::scan::walk::FIX_TEMP_PREFIX)
        .suffix(crate::scan::walk::FIX_TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| io("cannot create a temporary file beside it", e))?;
    tmp.write_all(&file.fixed)
        .map_err(|e| io("cannot write the temporary file", e))?;
    // Owner first: changing it clears setuid and setgid.
    keep_owner(tmp.as_file(), &meta).map_err(|e| io("cannot keep the file's owner", e))?;
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| io("cannot copy the permissions", e))?;
    keep_xattrs(&target, tmp.as_file())?;
    // Last: an ACL written with the attributes may touch the group bits.
    keep_mode(tmp.as_file(), &meta)?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| io("cannot sync the temporary file", e))?;
    // Last look right before the rename: content, and length and mtime
    // as they were when this function started.
    unchanged_since_plan(&target, &file.original, Some(&meta))?;
    tmp.persist(&target)
        .map_err(|e| io("cannot replace the file", e.error))?;
    // Make the rename itself durable; not every platform can sync a
    // directory, and the data is already in place, so a failure is ignored.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Gives the new file the original's owner and group, so a fix run by
/// another user (or root) does not take the file over. When that is not
/// allowed the file is left alone rather than silently changing hands.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let now = file.metadata()?;
    if now.uid() == original.uid() && now.gid() == original.gid() {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()))
}

#[cfg(not(unix))]
fn keep_owner(_file: &std::fs::File, _original: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn hard_links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn hard_links(_meta: &std::fs::Metadata) -> u64 {
    1
}

/// Checks the new file has every mode bit of the original: a user who is
/// not in the file's group cannot set setgid, and the kernel drops it
/// silently.
#[cfg(unix)]
fn keep_mode(file: &std::fs::File, original: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let want = original.mode() & 0o7777;
    let got = file
        .metadata()
        .map_err(|e| format!("not written: cannot check the new file's mode: {e}"))?
        .mode()
        & 0o7777;
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "not written: cannot keep its mode {want:04o} (the new file would be {got:04o})"
        ))
    }
}

#[cfg(not(unix))]
fn keep_mode(_file: &std::fs::File, _original: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

/// Copies every extended attribute of `original` to `file`. One that
/// cannot be set is fine only when the new file already holds the same
/// value (a security label the system gives every new file); otherwise the
/// file is refused.
#[cfg(target_os = "linux")]
fn keep_xattrs(original: &Path, file: &std::fs::File) -> Result<(), String> {
    use rustix::fs::{fgetxattr, fgetxattr_query, flistxattr, flistxattr_query, fsetxattr};
    let from = std::fs::File::open(original)
        .map_err(|e| format!("not written: cannot read its extended attributes: {e}"))?;
    let unsupported = |e: &rustix::io::Errno| {
        *e == rustix::io::Errno::NOTSUP || *e == rustix::io::Errno::OPNOTSUPP
    };
    let fail = |what: &str, e: rustix::io::Errno| {
        format!("not written: cannot {what} its extended attributes: {e}")
    };
    let size = match flistxattr_query(&from) {
        Ok(n) => n,
        // A file system without extended attributes has none to keep.
        Err(e) if unsupported(&e) => return Ok(()),
        Err(e) => return Err(fail("list", e)),
    };
    if size == 0 {
        return Ok(());
    }
    let mut names = vec![0u8; size];
    let n = flistxattr(&from, &mut names[..]).map_err(|e| fail("list", e))?;
    names.truncate(n);
    let read = |fd: &std::fs::File, name: &[u8]| -> Result<Vec<u8>, rustix::io::Errno> {
        let len = fgetxattr_query(fd, name)?;
        let mut value = vec![0u8; len];
        let got = fgetxattr(fd, name, &mut value[..])?;
        value.truncate(got);
        Ok(value)
    };
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let shown = String::from_utf8_lossy(name);
        let value = read(&from, name).map_err(|e| fail(&format!("read {shown} of"), e))?;
        if let Err(e) = fsetxattr(file, name, &value, rustix::fs::XattrFlags::empty()) {
            if read(file, name).ok().as_deref() != Some(value.as_slice()) {
                return Err(format!(
                    "not written: cannot keep its extended attribute {}: {e}",
                    crate::display::escape(&shown)
                ));
            }
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn keep_xattrs(_original: &Path, _file: &std::fs::File) -> Result<(), String> {
    Ok(())
}

fn unchanged_since_plan(
    target: &Path,
    original: &[u8],
    meta: Option<&std::fs::Metadata>,
) -> Result<(), String> {
    let changed = || "skipped: the file changed on disk since it was read".to_string();
    if let Some(before) = meta {
        let now = std::fs::metadata(target).map_err(|e| format!("not written: {e}"))?;
        if now.len() != before.len() || now.modified().ok() != before.modified().ok() {
            return Err(changed());
        }
    }
    let current = std::fs::read(target).map_err(|e| format!("not written: {e}"))?;
    if current != original {
        return Err(changed());
    }
    Ok(())
}
