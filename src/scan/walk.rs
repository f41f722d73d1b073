//! The only place the directory walk is configured.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ignore::{WalkBuilder, WalkState};

/// What the walk includes.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Do not honour .gitignore, .ignore, git excludes.
    pub no_ignore: bool,
    /// Include hidden files and directories.
    pub hidden: bool,
    /// Follow symbolic links (loops are detected and reported).
    pub follow: bool,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
}

/// One entry the walk yields.
pub enum Entry {
    File {
        path: PathBuf,
        explicit: bool,
    },
    Loop {
        path: PathBuf,
    },
    Error {
        path: Option<PathBuf>,
        message: String,
    },
}

fn builder(roots: &[PathBuf], opts: &WalkOptions) -> WalkBuilder {
    let mut b = WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        b.add(r);
    }
    b.standard_filters(!opts.no_ignore)
        .hidden(!opts.hidden)
        .follow_links(opts.follow)
        // A scanner should honour .gitignore in an unpacked tarball too.
        .require_git(false)
        .threads(opts.threads);
    b
}

/// Walks `roots` in parallel, calling `visit` for each file (from many
/// threads). Returns every directory and file path it reached, so that
/// [`count_excluded`] can tell what the filters left out.
pub fn walk<F>(roots: &[PathBuf], opts: &WalkOptions, visit: F) -> HashSet<PathBuf>
where
    F: Fn(Entry) + Sync,
{
    let seen = std::sync::Mutex::new(Vec::<PathBuf>::new());
    builder(roots, opts).build_parallel().run(|| {
        let visit = &visit;
        let seen = &seen;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let path = entry.path().to_path_buf();
                    if is_file {
                        visit(Entry::File {
                            explicit: entry.depth() == 0,
                            path: path.clone(),
                        });
                    }
                    if let Ok(mut s) = seen.lock() {
                        s.push(path);
                    }
                }
                Err(err) => visit(classify(err)),
            }
            WalkState::Continue
        })
    });
    seen.into_inner().unwrap_or_default().into_iter().collect()
}

fn classify(err: ignore::Error) -> Entry {
    let mut path = None;
    let mut e = &err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            ignore::Error::Loop { child, .. } => {
                return Entry::Loop {
                    path: child.clone(),
                }
            }
            _ => break,
        }
    }
    Entry::Error {
        path,
        message: err.to_string(),
    }
}

/// Counts the top-most entries under `roots` that the filters excluded:
/// (hidden, ignored). An excluded directory counts once, not per file.
pub fn count_excluded(
    roots: &[PathBuf],
    opts: &WalkOptions,
    reached: HashSet<PathBuf>,
) -> (usize, usize) {
    if opts.no_ignore && opts.hidden {
        return (0, 0);
    }
    let hidden = Arc::new(AtomicUsize::new(0));
    let ignored = Arc::new(AtomicUsize::new(0));
    let reached = Arc::new(reached);
    let mut b = builder(
        roots,
        &WalkOptions {
            no_ignore: true,
            hidden: true,
            ..opts.clone()
        },
    );
    let (h, i, r) = (hidden.clone(), ignored.clone(), reached.clone());
    b.filter_entry(move |entry| {
        if entry.depth() == 0 || r.contains(entry.path()) {
            return true;
        }
        let name = entry.file_name().to_string_lossy();
        if name == ".git" {
            return false;
        }
        if is_hidden(entry.path()) {
            h.fetch_add(1, Ordering::Relaxed);
        } else {
            i.fetch_add(1, Ordering::Relaxed);
        }
        false
    });
    b.build_parallel().run(|| Box::new(|_| WalkState::Continue));
    (
        hidden.load(Ordering::Relaxed),
        ignored.load(Ordering::Relaxed),
    )
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}
