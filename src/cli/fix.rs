//! `sunset fix`: print the rewrites as a unified diff, or apply them with
//! `--write`.
//!
//! The diff goes to standard output (so `sunset fix > fix.patch` works);
//! what could not be fixed automatically, unsafe rewrites held back and
//! the summary go to standard error.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::{rules_and_roots, CommonArgs, ExitStatus, ScanArgs};
use crate::fix::{self, FixOptions};
use crate::model::{Applicability, Report};
use crate::rules::Status;
use crate::scan;

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
shown masked, so those hunks do not apply; --write is not affected.

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
    pub scan: ScanArgs,
    #[command(flatten)]
    pub common: CommonArgs,
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
}

pub fn run(args: FixArgs) -> std::io::Result<ExitStatus> {
    let Some((rules, roots)) = rules_and_roots(&args.common, &args.scan) else {
        return Ok(ExitStatus::Error);
    };
    let found = scan::scan(&args.scan.scan_options(roots.clone()), &rules);
    let mut report = Report::from_scan(found, args.common.as_of(), false);
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
    for n in &plan.notices {
        writeln!(err, "{}: {}", escape(&n.path), escape(&n.message))?;
    }
    for m in &plan.manual {
        writeln!(
            err,
            "{}:{}:{}: manual: {} {} -> {}: {}",
            escape(&m.path),
            m.line,
            m.column,
            m.rule,
            m.endpoint,
            m.replacement.as_deref().unwrap_or("(none)"),
            escape(&m.reason)
        )?;
    }
    for h in &plan.held {
        let e = &h.edit;
        writeln!(
            err,
            "{}:{}:{}: unsafe, not applied (pass --unsafe): {} {} -> {}",
            escape(&h.path),
            e.line,
            e.column,
            e.rule,
            e.endpoint,
            e.replacement
        )?;
        if e.applicability == Applicability::Unsafe {
            for r in &e.reasons {
                writeln!(err, "    {}", escape(&crate::redact::redact_str(r)))?;
            }
        }
    }

    let edits = plan.edit_count();
    let files = plan.files.len();
    let summary_tail = format!(
        "{} manual, {} unsafe held back",
        plan.manual.len(),
        plan.held.len()
    );
    if !args.write {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let stats = fix::diff::render(&plan, &mut out)?;
        out.flush()?;
        if stats.redacted_lines > 0 {
            writeln!(
                err,
                "note: {} diff line(s) hold a credential and are shown masked; those hunks will not apply with patch (--write edits the files directly)",
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
