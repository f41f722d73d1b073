//! Applying a plan: each file is written atomically (a temporary file
//! beside the original, fsynced, then renamed over it) with the original's
//! permissions, and only if it still holds the bytes the plan was made from.

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

/// Writes every file of `plan`. `roots` are the scanned roots: a target is
/// checked again against them right before it is replaced.
pub fn apply(plan: &Plan, roots: &[PathBuf]) -> Vec<Outcome> {
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    plan.files
        .iter()
        .map(|f| Outcome {
            path: f.display.clone(),
            result: apply_file(f, &canonical_roots).map(|()| f.edits.len()),
        })
        .collect()
}

fn apply_file(file: &FilePlan, roots: &[PathBuf]) -> Result<(), String> {
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
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| io("cannot copy the permissions", e))?;
    keep_owner(tmp.as_file(), &meta).map_err(|e| io("cannot keep the file's owner", e))?;
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
