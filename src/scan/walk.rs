//! The only place the directory walk is configured.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// Globs of paths not to walk (`exclude` in sunset.toml); counted as
    /// ignored.
    pub exclude: Option<std::sync::Arc<Exclude>>,
}

/// Paths excluded by globs relative to a base directory (the directory of
/// the sunset.toml that lists them).
#[derive(Debug)]
pub struct Exclude {
    base: PathBuf,
    globs: globset::GlobSet,
    /// Each root as given, with its canonical form: an entry's path is the
    /// root as given joined with the rest, so the canonical path costs no
    /// system call per entry.
    roots: Vec<(PathBuf, PathBuf)>,
}

impl Exclude {
    /// `None` when the base cannot be resolved (then nothing is excluded
    /// here; the caller still filters findings).
    pub fn new(base: &Path, globs: globset::GlobSet, roots: &[PathBuf]) -> Option<Exclude> {
        let base = std::fs::canonicalize(base).ok()?;
        let roots = roots
            .iter()
            .filter_map(|r| Some((r.clone(), std::fs::canonicalize(r).ok()?)))
            .collect();
        Some(Exclude { base, globs, roots })
    }

    /// Whether `path` (as the walker reached it) is excluded.
    pub fn excludes(&self, path: &Path) -> bool {
        let Some(canonical) = self.roots.iter().find_map(|(given, canonical)| {
            let rest = path.strip_prefix(given).ok()?;
            Some(if rest.as_os_str().is_empty() {
                canonical.clone()
            } else {
                canonical.join(rest)
            })
        }) else {
            return false;
        };
        canonical
            .strip_prefix(&self.base)
            .is_ok_and(|rel| !rel.as_os_str().is_empty() && self.globs.is_match(rel))
    }
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
    if let Some(exclude) = &opts.exclude {
        let exclude = std::sync::Arc::clone(exclude);
        // A root given explicitly is walked even when a glob covers it.
        b.filter_entry(move |e| e.depth() == 0 || !exclude.excludes(e.path()));
    }
    b
}

/// What the filters left out of a walk: the top-most excluded entries (an
/// excluded directory counts once, not per file), split by whether their
/// name is hidden.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Excluded {
    pub hidden: usize,
    pub ignored: usize,
}

/// Per-walk tallies from which [`Excluded`] is computed. Every excluded
/// entry is a child of a directory the walk descended into, so it is
/// (children listed in those directories) - (children the walk yielded) -
/// (children that failed before the filters looked at them), per class.
/// Counting this way during the walk replaces a second readdir walk and a
/// set of every path reached.
#[derive(Default)]
struct Tally {
    listed: [AtomicUsize; 2],
    yielded: [AtomicUsize; 2],
    failed: [AtomicUsize; 2],
}

impl Tally {
    /// 0 for hidden names, 1 for the rest; `None` for `.git`, which is
    /// never counted (excluded or not).
    fn class(name: &std::ffi::OsStr) -> Option<usize> {
        let bytes = name.as_encoded_bytes();
        if bytes == b".git" {
            None
        } else if bytes.starts_with(b".") {
            Some(0)
        } else {
            Some(1)
        }
    }

    fn add(counter: &[AtomicUsize; 2], name: Option<&std::ffi::OsStr>) {
        if let Some(k) = name.and_then(Tally::class) {
            counter[k].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lists a directory the walker descends into (it reads it too, but
    /// does not hand its full listing out).
    fn list(&self, dir: &Path) {
        let Ok(read) = std::fs::read_dir(dir) else {
            // The walker fails the same way and reports it.
            return;
        };
        let mut counts = [0usize; 2];
        for entry in read.flatten() {
            if let Some(k) = Tally::class(&entry.file_name()) {
                counts[k] += 1;
            }
        }
        for (counter, n) in self.listed.iter().zip(counts) {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    fn excluded(&self) -> Excluded {
        let left = |k: usize| {
            let get = |c: &[AtomicUsize; 2]| c[k].load(Ordering::Relaxed);
            get(&self.listed).saturating_sub(get(&self.yielded) + get(&self.failed))
        };
        Excluded {
            hidden: left(0),
            ignored: left(1),
        }
    }
}

/// The child a walk error stands for, when the walker gave up on a listed
/// entry before its filters saw it (the entry's type could not be read, a
/// followed link is broken or loops). Errors about a directory's own
/// listing, ignore files or a root are not about such a child.
fn failed_child(err: &ignore::Error) -> Option<&Path> {
    use ignore::Error as E;
    match err {
        // `DirEntryRaw::from_entry` / `from_path` below a root.
        E::WithPath { path, err } => match &**err {
            E::WithDepth { depth, .. } if *depth > 0 => Some(path),
            _ => None,
        },
        // `check_symlink_loop`.
        E::WithDepth { depth, err } if *depth > 0 => match &**err {
            E::Loop { child, .. } => Some(child),
            _ => None,
        },
        _ => None,
    }
}

/// Walks `roots` in parallel, calling `visit` for each file (from many
/// threads), and returns what the hidden and ignore filters excluded.
pub fn walk<F>(roots: &[PathBuf], opts: &WalkOptions, visit: F) -> Excluded
where
    F: Fn(Entry) + Sync,
{
    // With no filter on there is nothing excluded to count.
    let count = !(opts.no_ignore && opts.hidden && opts.exclude.is_none());
    let tally = Tally::default();
    builder(roots, opts).build_parallel().run(|| {
        let visit = &visit;
        let tally = &tally;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let file_type = entry.file_type();
                    if count {
                        if entry.depth() > 0 {
                            Tally::add(&tally.yielded, entry.path().file_name());
                        }
                        // The walker descends exactly into what is a
                        // directory and not a symlink (followed links
                        // already have their target's type).
                        if file_type.is_some_and(|t| t.is_dir() && !t.is_symlink()) {
                            tally.list(entry.path());
                        }
                    }
                    if file_type.is_some_and(|t| t.is_file()) {
                        visit(Entry::File {
                            explicit: entry.depth() == 0,
                            path: entry.into_path(),
                        });
                    }
                }
                Err(err) => {
                    if count {
                        Tally::add(&tally.failed, failed_child(&err).and_then(Path::file_name));
                    }
                    visit(classify(err))
                }
            }
            WalkState::Continue
        })
    });
    if count {
        tally.excluded()
    } else {
        Excluded::default()
    }
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

#[cfg(test)]
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    /// The former two-walk count, kept as the reference the one-walk tally
    /// must agree with: a second walk without filters that stops at, and
    /// counts, every entry the first walk did not reach.
    /// Counts the top-most entries under `roots` that the filters excluded:
    /// (hidden, ignored). An excluded directory counts once, not per file.
    fn count_excluded(
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

    fn reached(roots: &[PathBuf], opts: &WalkOptions) -> HashSet<PathBuf> {
        let seen = std::sync::Mutex::new(HashSet::new());
        builder(roots, opts).build_parallel().run(|| {
            Box::new(|result| {
                if let (Ok(entry), Ok(mut s)) = (result, seen.lock()) {
                    s.insert(entry.into_path());
                }
                WalkState::Continue
            })
        });
        seen.into_inner().unwrap_or_default()
    }

    fn write(root: &Path, rel: &str) {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, b"x\n").expect("write");
    }

    #[test]
    fn one_walk_counts_what_two_walks_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for rel in [
            ".gitignore",
            ".env",
            ".hidden/a.py",
            ".hidden/deeper/b.py",
            ".git/config",
            "build/out.js",
            "build/.cache/x",
            "src/app.py",
            "src/.ignore",
            "src/gen/skip.py",
            "src/keep.log",
            "src/.secret.py",
            "vendor/lib/x.py",
            "docs/a.md",
        ] {
            write(root, rel);
        }
        std::fs::write(root.join(".gitignore"), b"build/\nvendor\n*.log\n").expect("write");
        std::fs::write(root.join("src/.ignore"), b"gen/\n!keep.log\n").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("..", root.join("src/up")).expect("symlink");
            std::os::unix::fs::symlink("missing", root.join("src/broken")).expect("symlink");
            std::os::unix::fs::symlink("../.hidden", root.join("docs/.link")).expect("symlink");
        }
        let roots = vec![root.to_path_buf()];
        let mut checked = 0;
        for no_ignore in [false, true] {
            for hidden in [false, true] {
                for follow in [false, true] {
                    let opts = WalkOptions {
                        no_ignore,
                        hidden,
                        follow,
                        threads: 2,
                        exclude: None,
                    };
                    let (h, i) = count_excluded(&roots, &opts, reached(&roots, &opts));
                    let got = walk(&roots, &opts, |_| {});
                    assert_eq!(
                        got,
                        Excluded {
                            hidden: h,
                            ignored: i
                        },
                        "{opts:?}"
                    );
                    checked += usize::from(h + i > 0);
                }
            }
        }
        // The filters did exclude something in most configurations.
        assert!(checked >= 4, "{checked}");
    }

    #[test]
    fn exclude_globs_are_relative_to_their_base_and_skip_the_walk() {
        let dir = tempfile::tempdir().expect("tempdir");
        for rel in ["svc/a.py", "svc/vendor/b.py", "vendor/c.py"] {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "x").expect("write");
        }
        let mut globs = globset::GlobSetBuilder::new();
        globs.add(globset::Glob::new("svc/vendor/**").expect("glob"));
        let globs = globs.build().expect("globs");
        let root = dir.path().join("svc");
        let exclude =
            Exclude::new(dir.path(), globs, std::slice::from_ref(&root)).expect("resolves");
        assert!(exclude.excludes(&root.join("vendor/b.py")));
        assert!(!exclude.excludes(&root.join("a.py")));
        assert!(!exclude.excludes(Path::new("/elsewhere/svc/vendor/b.py")));
        let opts = WalkOptions {
            threads: 1,
            exclude: Some(Arc::new(exclude)),
            ..WalkOptions::default()
        };
        let seen = std::sync::Mutex::new(Vec::new());
        let excluded = walk(std::slice::from_ref(&root), &opts, |e| {
            if let Entry::File { path, .. } = e {
                seen.lock().expect("lock").push(path);
            }
        });
        assert_eq!(seen.into_inner().expect("lock"), vec![root.join("a.py")]);
        assert_eq!(excluded.ignored, 1);
    }
}
