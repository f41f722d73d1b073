//! Telling that a file is (part of) a copy of a known library checked into
//! a repository: `vendor/qualysapi/connector.py`, `third_party/qualysapi/`,
//! `lib/python3.11/site-packages/qualysdk/vmdr/hosts.py`, a copied
//! `qualysapi.py`. Such a file is scanned like any code; its findings can
//! say which library they come from.

use super::table::LibraryTable;

/// A file that belongs to a known library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoredFile {
    /// The library's package name (`qualysapi`).
    pub library: String,
    /// The library's top-level module the file sits in (`qualysapi`).
    pub module: String,
    /// The directory holding the copy (`vendor`, `third_party/py`,
    /// `.venv/lib/python3.11/site-packages`), empty when the module sits
    /// at the repository root.
    pub root: String,
    /// The copy sits under a conventional vendoring or install directory
    /// (`vendor`, `third_party`, `site-packages`, `node_modules`, …)
    /// rather than among the project's own modules.
    pub conventional: bool,
}

/// Directory names that hold copies of other projects' code.
const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "_vendor",
    "third_party",
    "third-party",
    "thirdparty",
    "external",
    "externals",
    "deps",
    "site-packages",
    "dist-packages",
    "node_modules",
];

/// The library a file belongs to, by its path (`/`- or `\`-separated,
/// relative to the repository root): a directory or a `.py` file named
/// like one of a library's top-level modules. `None` for any other file.
pub fn library_of_path(table: &LibraryTable, path: &str) -> Option<VendoredFile> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let (file, dirs) = parts.split_last()?;
    let stem = file
        .strip_suffix(".py")
        .or_else(|| file.strip_suffix(".pyi"))
        .or_else(|| file.strip_suffix(".js"))
        .or_else(|| file.strip_suffix(".ts"));
    // The outermost component that names a library module: a directory on
    // the way, or the file itself (`qualysapi.py`).
    let candidates = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| (i, *d))
        .chain(stem.map(|s| (dirs.len(), s)));
    for (i, name) in candidates {
        let Some(lib) = table.by_module(name) else {
            continue;
        };
        // `node_modules/<pkg>` is the package name, not a module name.
        let root = &dirs[..i];
        let conventional = root
            .iter()
            .any(|d| VENDOR_DIRS.iter().any(|v| d.eq_ignore_ascii_case(v)));
        return Some(VendoredFile {
            library: lib.name.clone(),
            module: name.to_string(),
            root: root.join("/"),
            conventional,
        });
    }
    // An npm package installed or vendored under node_modules/<name>/.
    if let Some(i) = dirs.iter().position(|d| *d == "node_modules") {
        if let Some(name) = dirs.get(i + 1) {
            if let Some(lib) = table
                .libraries()
                .iter()
                .find(|l| l.ecosystem == super::Ecosystem::Npm && l.name == *name)
            {
                return Some(VendoredFile {
                    library: lib.name.clone(),
                    module: name.to_string(),
                    root: dirs[..=i].join("/"),
                    conventional: true,
                });
            }
        }
    }
    None
}
