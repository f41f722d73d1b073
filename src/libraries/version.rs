//! Versions and version requirements of the two package ecosystems the
//! library table covers.
//!
//! PyPI versions and specifiers follow PEP 440 (`==1.2.*`, `~=1.2`, `!=`,
//! local versions, pre-releases) through `pep440_rs`; npm versions and ranges
//! follow node-semver (`^1.2`, `~1.2.3`, `1.x`, `*`, `a - b`, `||`) through
//! `node-semver`. Both crates implement the full grammar and its edge cases
//! (pre-release exclusion, `~=` with two vs three segments, `^0.x`), which a
//! hand-written subset would get wrong.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A package registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    /// Python packages (PEP 440 versions).
    PyPi,
    /// npm packages (semver).
    Npm,
}

impl Ecosystem {
    /// `"pypi"` or `"npm"`, as written in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::PyPi => "pypi",
            Ecosystem::Npm => "npm",
        }
    }

    /// The ecosystem named `s` in a table file.
    pub fn parse(s: &str) -> Option<Ecosystem> {
        match s {
            "pypi" => Some(Ecosystem::PyPi),
            "npm" => Some(Ecosystem::Npm),
            _ => None,
        }
    }

    /// A package name in its comparable form: PEP 503 normalisation for
    /// PyPI (`Qualys_API` is `qualys-api`), as is for npm (names are
    /// lowercase and case-sensitive there).
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPi => {
                let mut out = String::with_capacity(name.len());
                let mut sep = false;
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        sep = true;
                    } else {
                        if sep && !out.is_empty() {
                            out.push('-');
                        }
                        sep = false;
                        out.extend(c.to_lowercase());
                    }
                }
                out
            }
            Ecosystem::Npm => name.trim().to_string(),
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A release version of one ecosystem.
#[derive(Clone, Debug)]
pub struct Version {
    text: String,
    inner: VersionInner,
}

#[derive(Clone, Debug)]
enum VersionInner {
    Pep440(pep440_rs::Version),
    Npm(node_semver::Version),
}

impl Version {
    /// Parses `text` as a version of `eco`; `None` when it is not one.
    pub fn parse(eco: Ecosystem, text: &str) -> Option<Version> {
        let t = text.trim();
        let inner = match eco {
            Ecosystem::PyPi => VersionInner::Pep440(pep440_rs::Version::from_str(t).ok()?),
            Ecosystem::Npm => VersionInner::Npm(node_semver::Version::parse(t).ok()?),
        };
        Some(Version {
            text: t.to_string(),
            inner,
        })
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The ecosystem this version belongs to.
    pub fn ecosystem(&self) -> Ecosystem {
        match self.inner {
            VersionInner::Pep440(_) => Ecosystem::PyPi,
            VersionInner::Npm(_) => Ecosystem::Npm,
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// Versions of one ecosystem compare by its rules; PyPI sorts before
    /// npm (never compared in practice: a library has one ecosystem).
    fn cmp(&self, other: &Version) -> Ordering {
        match (&self.inner, &other.inner) {
            (VersionInner::Pep440(a), VersionInner::Pep440(b)) => a.cmp(b),
            (VersionInner::Npm(a), VersionInner::Npm(b)) => a.cmp(b),
            (VersionInner::Pep440(_), VersionInner::Npm(_)) => Ordering::Less,
            (VersionInner::Npm(_), VersionInner::Pep440(_)) => Ordering::Greater,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a manifest asks for: a version requirement of one ecosystem.
#[derive(Clone, Debug)]
pub struct VersionReq {
    text: String,
    inner: ReqInner,
}

#[derive(Clone, Debug)]
enum ReqInner {
    /// No requirement (`qualysapi`, `*`, `""`, `latest`): any release.
    Any,
    Pep440(pep440_rs::VersionSpecifiers),
    Npm(node_semver::Range),
    /// Something that names no registry release (a git URL, a path, a
    /// tag): the version is unknown.
    Unknown,
}

impl VersionReq {
    /// Parses a requirement as written in a manifest of `eco`. Never
    /// fails: what it cannot read is [`VersionReq::is_unknown`].
    pub fn parse(eco: Ecosystem, text: &str) -> VersionReq {
        let t = text.trim();
        let inner = match eco {
            Ecosystem::PyPi => {
                if t.is_empty() || t == "*" {
                    ReqInner::Any
                } else {
                    // Poetry's `^`/`~` constraints and bare versions are not
                    // PEP 440; read them the way Poetry does.
                    let pep = poetry_to_pep440(t);
                    match pep440_rs::VersionSpecifiers::from_str(&pep) {
                        Ok(s) => ReqInner::Pep440(s),
                        Err(_) => ReqInner::Unknown,
                    }
                }
            }
            Ecosystem::Npm => {
                if t.is_empty() || t == "*" || t == "latest" || t == "x" {
                    ReqInner::Any
                } else {
                    match node_semver::Range::parse(t) {
                        Ok(r) => ReqInner::Npm(r),
                        Err(_) => ReqInner::Unknown,
                    }
                }
            }
        };
        VersionReq {
            text: t.to_string(),
            inner,
        }
    }

    /// A requirement that is exactly one version (`==1.2.3`, `1.2.3` in
    /// package.json or a lock file).
    pub fn exact(eco: Ecosystem, version: &str) -> VersionReq {
        match eco {
            Ecosystem::PyPi => VersionReq::parse(eco, &format!("=={}", version.trim())),
            Ecosystem::Npm => VersionReq::parse(eco, version.trim()),
        }
    }

    /// The requirement as written (empty for none).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the requirement names no registry version at all (a URL, a
    /// path): the version is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.inner, ReqInner::Unknown)
    }

    /// Whether any release satisfies it (no requirement written).
    pub fn is_any(&self) -> bool {
        matches!(self.inner, ReqInner::Any)
    }

    /// Whether `v` satisfies the requirement. An unknown requirement is
    /// satisfied by nothing; callers treat it as "any release".
    pub fn matches(&self, v: &Version) -> bool {
        match (&self.inner, &v.inner) {
            (ReqInner::Any, _) => true,
            (ReqInner::Pep440(s), VersionInner::Pep440(v)) => s.contains(v),
            (ReqInner::Npm(r), VersionInner::Npm(v)) => r.satisfies(v),
            _ => false,
        }
    }

    /// The single version this requirement pins, when it pins one:
    /// `==1.2.3` (no wildcard) for PyPI, a bare `1.2.3` for npm.
    pub fn pinned(&self) -> Option<&str> {
        match &self.inner {
            ReqInner::Pep440(specs) => {
                let mut it = specs.iter();
                let only = it.next()?;
                if it.next().is_some() {
                    return None;
                }
                match only.operator() {
                    pep440_rs::Operator::Equal | pep440_rs::Operator::ExactEqual => {
                        let t = self.text.trim_start_matches(['=', ' ']);
                        Some(t.trim())
                    }
                    _ => None,
                }
            }
            ReqInner::Npm(_) => {
                let t = self.text.trim().trim_start_matches(['=', 'v']);
                node_semver::Version::parse(t).ok().map(|_| t)
            }
            _ => None,
        }
    }
}

/// Poetry writes `^1.2`, `~1.2`, `1.2.*` and bare `1.2.3` (meaning
/// `==1.2.3`); pip-style text passes through.
fn poetry_to_pep440(t: &str) -> String {
    let parts: Vec<String> = t
        .split(',')
        .map(|p| {
            let p = p.trim();
            if let Some(v) = p.strip_prefix('^') {
                caret(v.trim())
            } else if let Some(v) = p.strip_prefix('~').filter(|v| !v.starts_with('=')) {
                tilde(v.trim())
            } else if p.starts_with(|c: char| c.is_ascii_digit()) {
                format!("=={p}")
            } else {
                p.to_string()
            }
        })
        .collect();
    parts.join(",")
}

fn numbers(v: &str) -> Vec<u64> {
    v.split('.').map_while(|s| s.parse::<u64>().ok()).collect()
}

/// Poetry's `^X.Y.Z`: up to, not including, the next change of the first
/// non-zero segment.
fn caret(v: &str) -> String {
    let n = numbers(v);
    if n.is_empty() {
        return format!("=={v}");
    }
    let idx = n.iter().position(|&x| x != 0).unwrap_or(n.len() - 1);
    let mut upper: Vec<u64> = n[..=idx].to_vec();
    if let Some(last) = upper.last_mut() {
        *last += 1;
    }
    let upper: Vec<String> = upper.iter().map(|x| x.to_string()).collect();
    format!(">={v},<{}", upper.join("."))
}

/// Poetry's `~X.Y.Z`: patch updates (`~X` allows minor updates).
fn tilde(v: &str) -> String {
    let n = numbers(v);
    let upper = match n.len() {
        0 => return format!("=={v}"),
        1 => vec![n[0] + 1],
        _ => vec![n[0], n[1] + 1],
    };
    let upper: Vec<String> = upper.iter().map(|x| x.to_string()).collect();
    format!(">={v},<{}", upper.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(v: &str) -> Version {
        Version::parse(Ecosystem::PyPi, v).expect(v)
    }

    fn npm(v: &str) -> Version {
        Version::parse(Ecosystem::Npm, v).expect(v)
    }

    #[test]
    fn pep440_specifiers() {
        let m = |req: &str, v: &str| VersionReq::parse(Ecosystem::PyPi, req).matches(&py(v));
        assert!(m("==6.0.0", "6.0.0"));
        assert!(!m("==6.0.0", "6.0.1"));
        assert!(m(">=5.0,<6", "5.1.0"));
        assert!(!m(">=5.0,<6", "6.0.0"));
        assert!(m("~=3.5", "3.7.0"));
        assert!(!m("~=3.5", "4.0.0"));
        assert!(m("~=3.5.2", "3.5.6"));
        assert!(!m("~=3.5.2", "3.6.0"));
        assert!(m("!=6.0.0", "6.0.1"));
        assert!(!m("!=6.0.0", "6.0.0"));
        assert!(m("==6.*", "6.2.1"));
        assert!(!m("==6.*", "7.0.0"));
        assert!(m("", "1.0"));
        assert!(m("*", "1.0"));
        // Version ordering is numeric, not textual.
        assert!(py("0.1.10") > py("0.1.9"));
        assert!(py("0.5.10.9") > py("0.5.9.0"));
    }

    #[test]
    fn poetry_constraints() {
        let m = |req: &str, v: &str| VersionReq::parse(Ecosystem::PyPi, req).matches(&py(v));
        assert!(m("^6.0", "6.3.0"));
        assert!(!m("^6.0", "7.0.0"));
        assert!(m("^0.3.2", "0.3.17"));
        assert!(!m("^0.3.2", "0.4.0"));
        assert!(m("~6.1", "6.1.2"));
        assert!(!m("~6.1", "6.2.1"));
        assert!(m("6.0.0", "6.0.0"));
        assert!(!m("6.0.0", "6.0.1"));
        // Poetry: a bare version is an exact pin.
        assert_eq!(
            VersionReq::parse(Ecosystem::PyPi, "6.0.0").pinned(),
            Some("6.0.0")
        );
    }

    #[test]
    fn npm_ranges() {
        let m = |req: &str, v: &str| VersionReq::parse(Ecosystem::Npm, req).matches(&npm(v));
        assert!(m("^1.2.0", "1.9.0"));
        assert!(!m("^1.2.0", "2.0.0"));
        assert!(m("~1.2.0", "1.2.9"));
        assert!(!m("~1.2.0", "1.3.0"));
        assert!(m("1.x", "1.4.0"));
        assert!(m("*", "3.0.0"));
        assert!(m("<1.0.0 || >=2.0.0", "2.1.0"));
        assert!(!m("<1.0.0 || >=2.0.0", "1.5.0"));
        assert!(m("1.2.3", "1.2.3"));
        assert!(!m("1.2.3", "1.2.4"));
        assert!(m(">=1.0.0 <1.5.0", "1.4.9"));
    }

    #[test]
    fn pinned_and_unknown() {
        assert_eq!(
            VersionReq::parse(Ecosystem::PyPi, "==6.0.0").pinned(),
            Some("6.0.0")
        );
        assert_eq!(VersionReq::parse(Ecosystem::PyPi, ">=6.0.0").pinned(), None);
        assert_eq!(VersionReq::parse(Ecosystem::PyPi, "==6.*").pinned(), None);
        assert_eq!(
            VersionReq::parse(Ecosystem::Npm, "1.2.3").pinned(),
            Some("1.2.3")
        );
        assert_eq!(VersionReq::parse(Ecosystem::Npm, "^1.2.3").pinned(), None);
        assert!(VersionReq::parse(Ecosystem::PyPi, "git+https://x/y").is_unknown());
        assert!(VersionReq::parse(Ecosystem::PyPi, "").is_any());
    }

    #[test]
    fn names_normalize() {
        assert_eq!(Ecosystem::PyPi.normalize_name("Qualys_API"), "qualys-api");
        assert_eq!(Ecosystem::PyPi.normalize_name("qualysapi"), "qualysapi");
        assert_eq!(Ecosystem::PyPi.normalize_name("a..b--c"), "a-b-c");
    }
}
