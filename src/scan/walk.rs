//! The only place the directory walk is configured.
//!
//! **Hostile ignore files.** The walker (the `ignore` crate) reads the
//! ignore files of every directory it enters, and of every ancestor of a
//! root, itself: `.gitignore`, `.ignore`, `.git/info/exclude`, and for a
//! git worktree the `.git` file, its `commondir` and the exclude file they
//! lead to. A scanned tree controls those files, and a FIFO named
//! `.gitignore` would block the walk forever, a link to `/dev/zero` would
//! fill memory. So before the walker enters a directory, [`hostile`] checks
//! the files it is about to read ([`crate::readfile::check_regular`]: a
//! regular file of at most 4 MiB whose content matches its size, looked at
//! without opening anything else). A directory with one that fails is not
//! entered by the main walk: it is walked afterwards on its own *without
//! any ignore file* (so it is scanned in full, never less), and a notice
//! names the file and why. When a root or an ancestor of a root has such a
//! file, the whole walk runs without ignore files, with the same notice.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ignore::{WalkBuilder, WalkState};

use crate::readfile;

/// The largest `-j` accepted (refused above it).
pub const MAX_THREADS: usize = 1024;

/// Threads a walk actually starts for `requested` (0: one per core): at
/// most [`MAX_THREADS`] and at most 4 per core (and 16 whatever the core
/// count). More only contend, and each costs a stack: under a process or
/// address-space limit the walker cannot start them and aborts.
pub fn effective_threads(requested: usize) -> usize {
    if requested == 0 {
        return 0;
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    requested.min(MAX_THREADS).min((cores * 4).max(16))
}

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

/// An ignore file the walker must not read: the file, and why.
type Hostile = (PathBuf, String);

/// Directories set aside because of a hostile ignore file.
type Deferred = Arc<Mutex<Vec<(PathBuf, Hostile)>>>;

/// Hidden names scanned by default: where CI systems and git hooks keep
/// their configuration, and with it the curl calls to Qualys that CI jobs
/// make. Matched by name at any depth; a directory's contents follow the
/// usual rules (hidden entries below it stay hidden).
pub const CI_DOT_PATHS: &[&str] = &[
    ".github",
    ".gitlab",
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".circleci",
    ".azure-pipelines",
    ".buildkite",
    ".drone.yml",
    ".drone.yaml",
    ".travis.yml",
    ".woodpecker",
    ".woodpecker.yml",
    ".woodpecker.yaml",
    ".gitea",
    ".forgejo",
    ".semaphore",
    ".tekton",
    ".cirrus.yml",
    ".appveyor.yml",
    ".bitbucket",
    ".husky",
    ".githooks",
];

/// Whether the walk leaves `name` out as hidden: a dot name that is not
/// one of [`CI_DOT_PATHS`] (with `--hidden`, none is). `.git` is never
/// walked, see [`is_git_dir_name`].
fn is_hidden_name(name: &std::ffi::OsStr, hidden: bool) -> bool {
    let bytes = name.as_encoded_bytes();
    !hidden && bytes.starts_with(b".") && !CI_DOT_PATHS.iter().any(|p| p.as_bytes() == bytes)
}

/// `.git`: git's own store (objects, packed refs, hooks samples), never
/// scanned, not even with `--hidden`.
fn is_git_dir_name(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes() == b".git"
}

fn builder(roots: &[PathBuf], opts: &WalkOptions, deferred: Option<Deferred>) -> WalkBuilder {
    let mut b = WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        b.add(r);
    }
    b.standard_filters(!opts.no_ignore)
        // Hidden names are filtered below, where CI dot-paths are let in.
        .hidden(false)
        .follow_links(opts.follow)
        // A scanner should honour .gitignore in an unpacked tarball too.
        .require_git(false)
        .threads(effective_threads(opts.threads));
    let exclude = opts.exclude.clone();
    let deferred = deferred.filter(|_| !opts.no_ignore);
    let hidden = opts.hidden;
    b.filter_entry(move |e| {
        // A root given explicitly is walked even when a glob covers it.
        if e.depth() == 0 {
            return true;
        }
        let name = e.file_name();
        if is_git_dir_name(name) || is_hidden_name(name, hidden) {
            return false;
        }
        if exclude.as_ref().is_some_and(|x| x.excludes(e.path())) {
            return false;
        }
        if let Some(deferred) = &deferred {
            if e.file_type().is_some_and(|t| t.is_dir()) {
                if let Some(h) = hostile(e.path()) {
                    if let Ok(mut d) = deferred.lock() {
                        d.push((e.path().to_path_buf(), h));
                    }
                    return false;
                }
            }
        }
        true
    });
    b
}

/// The first ignore file in `dir` the walker would read that is not a
/// regular file of sane size (see the module documentation).
pub fn hostile(dir: &Path) -> Option<Hostile> {
    let check = |p: PathBuf| {
        readfile::check_regular(&p, readfile::IGNORE_MAX_BYTES)
            .err()
            .map(|e| (p, e.to_string()))
    };
    for name in [".gitignore", ".ignore"] {
        if let Some(h) = check(dir.join(name)) {
            return Some(h);
        }
    }
    let git = dir.join(".git");
    match std::fs::metadata(&git) {
        Ok(m) if m.is_dir() => check(git.join("info").join("exclude")),
        // A worktree: `.git` holds `gitdir: PATH`, PATH/commondir a path
        // whose info/exclude applies. The walker reads the first line of
        // each; check each before it does.
        Ok(m) if m.is_file() => {
            if let Some(h) = check(git.clone()) {
                return Some(h);
            }
            let first = first_line(&git)?;
            let gitdir = PathBuf::from(first.strip_prefix("gitdir: ")?);
            let commondir_file = gitdir.join("commondir");
            if let Some(h) = check(commondir_file.clone()) {
                return Some(h);
            }
            let common = first_line(&commondir_file)?;
            let common = if common.starts_with('.') {
                gitdir.join(common)
            } else {
                PathBuf::from(common)
            };
            check(common.join("info").join("exclude"))
        }
        // Anything else named `.git` the walker does not read.
        _ => None,
    }
}

fn first_line(path: &Path) -> Option<String> {
    let bytes = readfile::regular(path, readfile::IGNORE_MAX_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(text.lines().next()?.to_string())
}

/// Hostile ignore files in `roots` and their ancestors, which the walker
/// reads before anything else.
fn hostile_at_roots(roots: &[PathBuf]) -> Vec<Hostile> {
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for root in roots {
        let Ok(real) = std::fs::canonicalize(root) else {
            continue;
        };
        let first = if real.is_dir() {
            Some(real.as_path())
        } else {
            real.parent()
        };
        for dir in first.into_iter().flat_map(Path::ancestors) {
            if seen.insert(dir.to_path_buf()) {
                found.extend(hostile(dir));
            }
        }
    }
    found
}

fn hostile_notice(h: &Hostile, scope: &str) -> Entry {
    Entry::Error {
        path: Some(h.0.clone()),
        message: format!(
            "ignore file not read: {}; {scope} is scanned without ignore files",
            h.1
        ),
    }
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
        } else if is_hidden_name(name, false) {
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
    let mut opts = opts.clone();
    if !opts.no_ignore {
        let at_roots = hostile_at_roots(roots);
        for h in &at_roots {
            visit(hostile_notice(h, "the whole tree"));
        }
        opts.no_ignore = !at_roots.is_empty();
    }
    // With no filter on there is nothing excluded to count.
    let count = !(opts.no_ignore && opts.hidden && opts.exclude.is_none());
    let tally = Tally::default();
    let deferred: Deferred = Arc::default();
    walk_once(
        roots,
        &opts,
        Some(Arc::clone(&deferred)),
        count,
        &tally,
        &visit,
    );
    // Directories set aside: each walked on its own, without ignore files.
    let set_aside = std::mem::take(&mut *deferred.lock().unwrap_or_else(|e| e.into_inner()));
    let mut set_aside = set_aside;
    set_aside.sort();
    let unfiltered = WalkOptions {
        no_ignore: true,
        ..opts.clone()
    };
    for (dir, h) in set_aside {
        visit(hostile_notice(&h, &format!("{}", dir.display())));
        if count {
            Tally::add(&tally.yielded, dir.file_name());
        }
        walk_once(
            std::slice::from_ref(&dir),
            &unfiltered,
            None,
            count,
            &tally,
            &visit,
        );
    }
    if count {
        tally.excluded()
    } else {
        Excluded::default()
    }
}

/// The prefix and suffix of the temporary files `fix --write` creates
/// beside a file before renaming them over it.
pub const FIX_TEMP_PREFIX: &str = ".sunset-fix-";
pub const FIX_TEMP_SUFFIX: &str = ".tmp";

/// Whether `name` is one of `fix`'s temporary files. They are never
/// scanned: one that a killed `fix` left behind holds a half-rewritten copy
/// of a file and would report its calls twice (or, after a rename, never).
pub fn is_fix_temp(name: &std::ffi::OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.len() >= FIX_TEMP_PREFIX.len() + FIX_TEMP_SUFFIX.len()
        && name.starts_with(FIX_TEMP_PREFIX.as_bytes())
        && name.ends_with(FIX_TEMP_SUFFIX.as_bytes())
}

fn walk_once<F>(
    roots: &[PathBuf],
    opts: &WalkOptions,
    deferred: Option<Deferred>,
    count: bool,
    tally: &Tally,
    visit: &F,
) where
    F: Fn(Entry) + Sync,
{
    builder(roots, opts, deferred).build_parallel().run(|| {
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
                    if file_type.is_some_and(|t| t.is_file())
                        && !entry.path().file_name().is_some_and(is_fix_temp)
                    {
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
            None,
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
        builder(roots, opts, None).build_parallel().run(|| {
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

#[cfg(all(test, unix))]
mod hostile_tests {
    use super::*;

    fn files_and_notices(root: &Path) -> (Vec<String>, Vec<String>, Excluded) {
        let files = Mutex::new(Vec::new());
        let notices = Mutex::new(Vec::new());
        let opts = WalkOptions {
            threads: 2,
            ..WalkOptions::default()
        };
        let excluded = walk(&[root.to_path_buf()], &opts, |e| match e {
            Entry::File { path, .. } => files.lock().expect("lock").push(
                path.strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned(),
            ),
            Entry::Error { path, message } => notices
                .lock()
                .expect("lock")
                .push(format!("{}: {message}", path.unwrap_or_default().display())),
            Entry::Loop { .. } => {}
        });
        let mut files = files.into_inner().expect("lock");
        files.sort();
        (files, notices.into_inner().expect("lock"), excluded)
    }

    fn mkfifo(p: &Path) -> bool {
        std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    fn a_hostile_ignore_file_below_the_root_is_not_read_and_its_directory_is_scanned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for rel in [
            "a.py",
            "skip.log",
            "sub/b.py",
            "sub/c.log",
            "ok/d.py",
            "ok/e.tmp",
        ] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "x").expect("write");
        }
        std::fs::write(root.join(".gitignore"), "*.log\n").expect("write");
        std::fs::write(root.join("ok/.gitignore"), "*.tmp\n").expect("write");
        std::os::unix::fs::symlink("/dev/zero", root.join("sub/.gitignore")).expect("symlink");
        let (files, notices, _) = files_and_notices(root);
        // sub/ is scanned without any ignore file (c.log too); elsewhere the
        // ignore files apply.
        assert_eq!(files, ["a.py", "ok/d.py", "sub/b.py", "sub/c.log"]);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(
            notices[0].contains("sub/.gitignore") && notices[0].contains("character device"),
            "{notices:?}"
        );

        // A FIFO instead: same, and no hang.
        std::fs::remove_file(root.join("sub/.gitignore")).expect("rm");
        if mkfifo(&root.join("sub/.gitignore")) {
            let (files, notices, _) = files_and_notices(root);
            assert_eq!(files, ["a.py", "ok/d.py", "sub/b.py", "sub/c.log"]);
            assert!(notices[0].contains("FIFO"), "{notices:?}");
        }
    }

    #[test]
    fn a_hostile_ignore_file_at_the_root_turns_ignore_files_off() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        for rel in ["a.py", "sub/b.log"] {
            std::fs::write(root.join(rel), "x").expect("write");
        }
        std::fs::write(root.join("sub/.ignore"), "*.log\n").expect("write");
        if !mkfifo(&root.join(".gitignore")) {
            return;
        }
        let (files, notices, _) = files_and_notices(root);
        assert_eq!(files, ["a.py", "sub/b.log"]);
        assert!(
            notices
                .iter()
                .any(|n| n.contains(".gitignore") && n.contains("whole tree")),
            "{notices:?}"
        );
    }

    #[test]
    fn a_worktree_git_file_pointing_at_a_fifo_is_caught() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("wt/gd")).expect("mkdir");
        std::fs::write(root.join("wt/a.py"), "x").expect("write");
        std::fs::write(
            root.join("wt/.git"),
            format!("gitdir: {}\n", root.join("wt/gd").display()),
        )
        .expect("write");
        if !mkfifo(&root.join("wt/gd/commondir")) {
            return;
        }
        let h = hostile(&root.join("wt")).expect("hostile");
        assert!(h.0.ends_with("commondir"), "{h:?}");
        let (files, _, _) = files_and_notices(root);
        assert!(files.contains(&"wt/a.py".to_string()), "{files:?}");
    }

    #[test]
    fn ordinary_trees_have_nothing_hostile() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".git/info")).expect("mkdir");
        std::fs::write(dir.path().join(".git/info/exclude"), "x\n").expect("write");
        std::fs::write(dir.path().join(".gitignore"), "").expect("write");
        assert!(hostile(dir.path()).is_none());
    }
}
