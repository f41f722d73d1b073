//! `sunset fix`: print the rewrites as a unified diff, or apply them with
//! `--write`.
//!
//! The diff goes to standard output (so `sunset fix > fix.patch` works);
//! what could not be fixed automatically, unsafe rewrites held back and
//! the summary go to standard error.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::{CommonArgs, ExitStatus, ScanArgs, Setup};
use crate::fix::{self, FixOptions};
use crate::model::{Applicability, Report};
use crate::rules::Status;

/// The lowest status `fix` rewrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MinStatus {
    /// Deprecated, EOS and EOL uses (the default).
    Deprecated,
    /// EOS and EOL uses.
    Eos,
    /// EOL uses only.
    Eol,
}

impl MinStatus {
    fn status(self) -> Status {
        match self {
            MinStatus::Deprecated => Status::Deprecated,
            MinStatus::Eos => Status::Eos,
            MinStatus::Eol => Status::Eol,
        }
    }
}

pub const FIX_AFTER_HELP: &str = "\
Only calls are rewritten, never mentions in comments or prose, and only the
version segment changes (/api/2.0/ -> /api/3.0/): host, query, quoting, line
endings, BOM, encoding and permissions are kept. A rewrite is safe when the rule
says the new version is a drop-in (safe-fix = true); others are unsafe and need
--unsafe, and the diff says why. A URL whose version comes from a variable or
another file is listed as manual.

The diff goes to standard output, everything else to standard error. Its paths
are the paths as scanned: run from the repository root with relative paths for
a diff that `patch -p1` and `git apply` take. Lines holding a credential are
shown masked, so those hunks do not apply; --patch FILE writes the same diff
unmasked to FILE (mode 0600, never printed), which applies; --write is not
affected.

Nothing outside the scanned roots is written: a file that resolves outside them
(through a symbolic link) is skipped with a message.

Exit status: 0 when the command ran, whether or not there was anything to fix
(manual and held-back findings are listed on standard error); 1 when --write
left a file holding a rewrite unwritten (each is named: read-only, unreadable,
unreachable, outside the roots, hard-linked, changed on disk since it was read,
I/O error); 2 for a usage error, a broken rule file or a missing path.

Paths are shown losslessly: a backslash in a name as \\\\, a byte that is not
UTF-8 as \\xHH.";

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Apply the rewrites (default: print a unified diff, change nothing).
    #[arg(long)]
    pub write: bool,
    /// Also apply rewrites the rules do not mark as a drop-in (the diff
    /// gives the rule's notes on what changes).
    #[arg(long = "unsafe")]
    pub include_unsafe: bool,
    /// With --write, also write a file that has other hard links: the fixed
    /// file gets a name of its own and the other names keep the old text
    /// (default: such a file is refused with a message).
    #[arg(long)]
    pub break_hardlinks: bool,
    /// The lowest status to fix.
    #[arg(long, value_enum, value_name = "STATUS", default_value_t = MinStatus::Deprecated)]
    pub min_status: MinStatus,
    /// Write a patch that applies (`git apply FILE`, `patch -p1 < FILE`)
    /// to FILE instead of printing the diff: lines holding a credential
    /// are kept as they are, so the file gets mode 0600 and is never
    /// printed.
    #[arg(long, value_name = "FILE", conflicts_with = "write")]
    pub patch: Option<std::path::PathBuf>,
}

pub fn run(args: FixArgs) -> std::io::Result<ExitStatus> {
    let Ok(setup) = Setup::load(&args.common, &args.scan) else {
        return Ok(ExitStatus::Error);
    };
    let roots = setup.roots.clone();
    let found = super::scan_with_progress(&setup.scan, &setup.rules, args.scan.quiet);
    let mut report = Report::from_scan(found, args.common.as_of(), false);
    // An excluded file is never planned, so never written.
    setup.exclude(&mut report);
    // A finding someone suppressed with `sunset: ignore` stays as it is.
    // The reasonless-suppression warnings belong to `check`; fix only
    // honours the comment.
    let _ = crate::suppress::apply(&mut report);
    let fix_opts = FixOptions {
        include_unsafe: args.include_unsafe,
        min_status: args.min_status.status(),
    };
    let plan = fix::plan(&report, &roots, &fix_opts);

    // Paths and messages are escaped: a file name can hold terminal controls.
    use crate::display::escape;
    let mut err = std::io::stderr().lock();
    for n in setup.as_of_notice(report.as_of).iter().chain(&plan.notices) {
        writeln!(err, "{}: {}", escape(&n.path), escape(&n.message))?;
    }
    // One note per rule and file (and, for manual ones, per reason): the
    // same lines repeated for every use hid the few that differ.
    for group in group_by(&plan.manual, |m| (&m.path, &m.rule, &m.reason)) {
        let m = group[0];
        writeln!(
            err,
            "{}:{}:{}: manual: {} {} -> {}: {}{}",
            escape(&m.path),
            m.line,
            m.column,
            m.rule,
            m.endpoint,
            m.replacement.as_deref().unwrap_or("(none)"),
            escape(&m.reason),
            more_uses(&group.iter().map(|m| m.line).collect::<Vec<_>>())
        )?;
    }
    for group in group_by(&plan.held, |h| (&h.path, &h.edit.rule)) {
        let e = &group[0].edit;
        writeln!(
            err,
            "{}:{}:{}: unsafe, not applied (pass --unsafe): {} {} -> {}{}",
            escape(&group[0].path),
            e.line,
            e.column,
            e.rule,
            e.endpoint,
            e.replacement,
            more_uses(&group.iter().map(|h| h.edit.line).collect::<Vec<_>>())
        )?;
        if e.applicability == Applicability::Unsafe {
            for r in &e.reasons {
                writeln!(err, "    {}", escape(&crate::redact::redact_str(r)))?;
            }
        }
    }
    if plan.edit_count() == 0 && !plan.held.is_empty() {
        write_unsafe_only(&mut err, &plan.held)?;
    }

    let edits = plan.edit_count();
    let files = plan.files.len();
    let summary_tail = format!(
        "{} manual, {} unsafe held back",
        plan.manual.len(),
        plan.held.len()
    );
    if let Some(file) = &args.patch {
        let mut text = crate::model::PATCH_MARK.as_bytes().to_vec();
        text.push(b'\n');
        let stats = fix::diff::render_unmasked(&plan, &mut text)?;
        if let Err(e) = write_private(file, &text) {
            super::print_error(super::CliError::Output {
                path: crate::display::path(file),
                message: e,
            });
            return Ok(ExitStatus::Error);
        }
        for f in &stats.decoded_files {
            writeln!(
                err,
                "note: {} is UTF-16: its diff is UTF-8 and does not apply with patch (--write keeps UTF-16)",
                escape(f)
            )?;
        }
        writeln!(
            err,
            "wrote a patch for {edits} use(s) in {files} file(s) to {} (mode 0600: unmasked, it may hold credentials; apply it with `git apply`); {summary_tail}",
            crate::display::path(file)
        )?;
        return Ok(ExitStatus::Success);
    }
    if !args.write {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let stats = fix::diff::render(&plan, &mut out)?;
        out.flush()?;
        if stats.redacted_lines > 0 {
            writeln!(
                err,
                "note: {} diff line(s) hold a credential and are shown masked; those hunks will not apply with patch (--patch FILE writes a patch that applies; --write edits the files directly)",
                stats.redacted_lines
            )?;
        }
        for f in &stats.decoded_files {
            writeln!(
                err,
                "note: {} is UTF-16: its diff is shown as UTF-8 and does not apply with patch (--write keeps UTF-16)",
                escape(f)
            )?;
        }
        writeln!(
            err,
            "would rewrite {edits} use(s) in {files} file(s); {summary_tail}; nothing written (pass --write to apply)"
        )?;
        return Ok(ExitStatus::Success);
    }

    let outcomes = fix::write::apply_with(
        &plan,
        &roots,
        &fix::write::WriteOptions {
            break_hardlinks: args.break_hardlinks,
        },
    );
    let mut written = (0, 0);
    let mut failed = 0;
    for o in &outcomes {
        match &o.result {
            Ok(n) => {
                written.0 += n;
                written.1 += 1;
                writeln!(err, "{}: rewrote {n} use(s)", escape(&o.path))?;
            }
            Err(why) => {
                failed += 1;
                writeln!(err, "{}: {}", escape(&o.path), escape(&why.to_string()))?;
            }
        }
    }
    // Files with a rewrite that planning refused (unreachable, unreadable,
    // outside the roots, changed): not written either, named above.
    failed += plan.refused.len();
    writeln!(
        err,
        "rewrote {} use(s) in {} file(s); {} file(s) not written; {summary_tail}",
        written.0, written.1, failed
    )?;
    Ok(if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Writes `text` to `path` as a new file of mode 0600 (a temporary file
/// beside it, renamed over it): never a terminal, a standard stream, a
/// device, a directory or through a symbolic link.
fn write_private(path: &std::path::Path, text: &[u8]) -> Result<(), String> {
    if path.as_os_str() == "-" {
        return Err("the patch holds credentials and is never written to standard output".into());
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => {
            return Err("not a regular file (the patch is only written to one)".into())
        }
        Ok(_) | Err(_) => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| e.to_string())?;
    }
    tmp.write_all(text).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

/// `items` grouped by `key`, in the order each key first appears.
fn group_by<'a, T, K: PartialEq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<Vec<&'a T>> {
    let mut groups: Vec<(K, Vec<&T>)> = Vec::new();
    for item in items {
        let k = key(item);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(item),
            None => groups.push((k, vec![item])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

/// ` (3 uses: lines 4, 9, 12)` after a grouped note; nothing for one use.
fn more_uses(lines: &[usize]) -> String {
    if lines.len() < 2 {
        return String::new();
    }
    let listed: Vec<String> = lines.iter().map(usize::to_string).collect();
    format!(" ({} uses: lines {})", lines.len(), listed.join(", "))
}

/// When nothing is safe to rewrite: how many uses `--unsafe` would
/// rewrite, and why they are unsafe, grouped by reason.
fn write_unsafe_only(err: &mut dyn Write, held: &[fix::Held]) -> std::io::Result<()> {
    let files = {
        let mut paths: Vec<&str> = held.iter().map(|h| h.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        paths.len()
    };
    writeln!(
        err,
        "nothing is safe to rewrite: --unsafe would rewrite {} use(s) in {files} file(s):",
        held.len()
    )?;
    let why = |h: &&fix::Held| match h.edit.applicability {
        Applicability::Unsafe if h.edit.reasons.len() > 1 => {
            "the replacement has documented breaking changes (listed above)"
        }
        Applicability::Unsafe => "no source says the replacement is a drop-in",
        _ => "the rewrite is shown for review only",
    };
    for group in group_by(held, |h| why(&h)) {
        let mut rules: Vec<&str> = group.iter().map(|h| h.edit.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        writeln!(
            err,
            "  {} use(s): {} ({})",
            group.len(),
            why(&group[0]),
            rules.join(", ")
        )?;
    }
    Ok(())
}
