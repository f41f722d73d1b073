//! Client libraries: legacy endpoints hidden behind a dependency.
//!
//! Much Qualys automation never writes an endpoint path: it calls a client
//! library (`conn.launchScan(...)`, `qgc.request('api/2.0/fo/scan')`,
//! `vmdr.get_host_list(auth)`) and the library calls `/api/2.0/fo/…`. This
//! module knows, per library and release, which public functions and
//! methods reach which endpoints ([`table`], data in
//! `rules/libraries/*.toml`, generated from the packages themselves by
//! `tools/libraries/generate.py`), finds the dependency and its version in
//! a project's manifests and lock files ([`manifest`]), finds the calls of
//! those methods in Python code ([`calls`]), and tells whether a file is a
//! vendored copy of a known library ([`vendored`]).
//!
//! Everything here is a pure function over text: the caller reads files.
//! Endpoints are returned as the library calls them; the endpoint rules
//! (`crate::rules`) give their status and deadlines.
//!
//! Integration, in order:
//! 1. [`LibraryTable::bundled`] once.
//! 2. [`manifest::resolve`] over every manifest of a directory tree
//!    ([`manifest::ManifestKind::of_path`] says which files are
//!    manifests): the declared dependencies, their lines and the versions
//!    pinned, resolved through the lock files.
//! 3. [`calls::find_calls`] over the Python files, with the table and the
//!    resolved dependencies: one [`calls::CallSite`] per library call that
//!    reaches an endpoint.
//! 4. [`vendored::library_of_path`] for each finding's file, to say when
//!    it sits in a copy of a library.

pub mod bundled;
pub mod calls;
pub mod manifest;
pub mod table;
pub mod vendored;
pub mod version;

pub use calls::{find_calls, CallSite, Resolution, SourceText};
pub use manifest::{parse_manifest, resolve, Dependency, ManifestKind, ResolvedDependency};
pub use table::{Library, LibraryError, LibraryTable, Selection, Upgrade};
pub use vendored::library_of_path;
pub use version::{Ecosystem, Version, VersionReq};

use crate::rules::{Rule, RuleSet};

/// The rule of an endpoint a library calls, when that rule is legacy (it
/// names a replacement or an End of Support/Life date). Time-free: the
/// status on a given day is the rule's business.
pub fn legacy_rule<'r>(rules: &'r RuleSet, endpoint: &str) -> Option<&'r Rule> {
    let canonical = crate::rules::normalize::canonical_path(endpoint)?;
    rules
        .lookup(&canonical)
        .filter(|r| r.replacement.is_some() || r.eos.is_some() || r.eol.is_some())
}

/// Keeps, in each call site, only the endpoints that are legacy per
/// `rules`, and drops the call sites left with none: what remains are the
/// results the issue asks for (a method that moved to a current endpoint
/// in the version in use is no result).
pub fn retain_legacy(sites: &mut Vec<CallSite>, rules: &RuleSet) {
    for s in sites.iter_mut() {
        s.endpoints.retain(|e| legacy_rule(rules, e).is_some());
    }
    sites.retain(|s| !s.endpoints.is_empty());
}
