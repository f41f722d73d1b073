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
    // Hold the original open across the rename: a program that opened it
    // before the rename writes into this inode, and is seen below.
    let held = std::fs::File::open(&target).map_err(|e| io("cannot reopen the file", e))?;
    // Last look right before the rename: content, and length and mtime
    // as they were when this function started.
    unchanged_since_plan(&target, &file.original, Some(&meta))?;
    let before = held
        .metadata()
        .map_err(|e| io("cannot read the file's metadata", e))?;
    tmp.persist(&target)
        .map_err(|e| io("cannot replace the file", e.error))?;
    // An edit saved between the last look and the rename went into the
    // old inode: put that text back rather than lose it. What remains is
    // the same window around this second rename (docs/fix.md).
    keep_late_edit(&held, &before, &target, dir, &meta)?;
    // Make the rename itself durable; not every platform can sync a
    // directory, and the data is already in place, so a failure is ignored.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// After the rename: when `held` (the replaced original) changed since
/// `before`, its text goes back to `target` and the file counts as not
/// fixed.
fn keep_late_edit(
    held: &std::fs::File,
    before: &std::fs::Metadata,
    target: &Path,
    dir: &Path,
    meta: &std::fs::Metadata,
) -> Result<(), String> {
    let Ok(after) = held.metadata() else {
        return Ok(());
    };
    if after.len() == before.len() && after.modified().ok() == before.modified().ok() {
        return Ok(());
    }
    restore(held, target, dir, meta)?;
    Err("not written: the file was edited while sunset was writing it; the edit is kept and this file was not fixed (run fix again)".to_string())
}

/// Puts the text of `held` (the original inode, edited during the
/// rename) back at `target`, with the original's owner, mode and
/// attributes.
fn restore(
    held: &std::fs::File,
    target: &Path,
    dir: &Path,
    meta: &std::fs::Metadata,
) -> Result<(), String> {
    use std::io::{Read, Seek};
    let io = |what: &str, e: std::io::Error| {
        format!(
            "not written, and the edit saved during the write could not be put back ({what}: {e}); it is in no file now"
        )
    };
    let mut text = Vec::new();
    let mut held = held;
    held.seek(std::io::SeekFrom::Start(0))
        .and_then(|_| held.read_to_end(&mut text))
        .map_err(|e| io("cannot read it", e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(crate::scan::walk::FIX_TEMP_PREFIX)
        .suffix(crate::scan::walk::FIX_TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| io("cannot create a temporary file", e))?;
    tmp.write_all(&text)
        .map_err(|e| io("cannot write the temporary file", e))?;
    keep_owner(tmp.as_file(), meta).map_err(|e| io("cannot keep the owner", e))?;
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| io("cannot copy the permissions", e))?;
    keep_xattrs(target, tmp.as_file())?;
    keep_mode(tmp.as_file(), meta)?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| io("cannot sync the temporary file", e))?;
    tmp.persist(target)
        .map_err(|e| io("cannot replace the file", e.error))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The race of R17, without timing: a program opens the file, the fix
    /// renames its new text over it, the program then saves its edit into
    /// the file it holds. The edit must come back.
    #[test]
    fn an_edit_saved_during_the_rename_is_put_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("a.py");
        std::fs::write(&target, "u = '/api/2.0/fo/scan/'\n").expect("write");
        let meta = std::fs::metadata(&target).expect("meta");
        let held = std::fs::File::open(&target).expect("held");
        let before = held.metadata().expect("before");
        let mut editor = std::fs::OpenOptions::new()
            .append(true)
            .open(&target)
            .expect("editor");
        let fixed = dir.path().join("fixed.tmp");
        std::fs::write(&fixed, "u = '/api/3.0/fo/scan/'\n").expect("fixed");
        std::fs::rename(&fixed, &target).expect("rename");
        // Nothing happened to the old file: the fix stands.
        assert!(keep_late_edit(&held, &before, &target, dir.path(), &meta).is_ok());
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "u = '/api/3.0/fo/scan/'\n"
        );
        // The editor saves into the file it opened before the rename.
        std::thread::sleep(std::time::Duration::from_millis(20));
        editor.write_all(b"IMPORTANT = 1\n").expect("edit");
        let err = keep_late_edit(&held, &before, &target, dir.path(), &meta).expect_err("refused");
        assert!(err.contains("edit is kept"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "u = '/api/2.0/fo/scan/'\nIMPORTANT = 1\n"
        );
    }
}
