//! Client libraries: the committed table, manifests, call sites, vendored
//! copies, and the generator's mapping step on a package-shaped fixture.

use std::path::{Path, PathBuf};
use std::process::Command;

use sunset::libraries::calls::{find_calls, CallSite, Resolution, SourceText};
use sunset::libraries::manifest::{resolve, ManifestKind, ResolvedDependency};
use sunset::libraries::table::{parse_library, LibraryTable, Upgrade};
use sunset::libraries::{library_of_path, retain_legacy, Ecosystem};
use sunset::rules::EndpointPattern;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(dir: &str) -> PathBuf {
    root().join("tests/fixtures/libraries").join(dir)
}

/// Every file under `dir`, as (path relative to it, text), sorted.
fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(e.path()).expect("utf-8")));
        }
    }
    out
}

fn manifests(tree: &[(String, String)]) -> Vec<ResolvedDependency> {
    let m: Vec<(&str, &str)> = tree
        .iter()
        .filter(|(p, _)| ManifestKind::of_path(Path::new(p)).is_some())
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    resolve(&m)
}

fn calls_in(tree: &[(String, String)], deps: &[ResolvedDependency]) -> Vec<CallSite> {
    let table = LibraryTable::bundled().expect("bundled table");
    let files: Vec<SourceText<'_>> = tree
        .iter()
        .map(|(p, t)| SourceText { path: p, text: t })
        .collect();
    find_calls(&files, &table, deps)
}

fn calls_of(files: &[(&str, &str)], deps: &[ResolvedDependency]) -> Vec<CallSite> {
    let tree: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    calls_in(&tree, deps)
}

fn at(sites: &[CallSite], path: &str, line: u32) -> Option<CallSite> {
    sites
        .iter()
        .find(|s| s.path == path && s.line == line)
        .cloned()
}

// ---------------------------------------------------------------------------
// The committed table.
// ---------------------------------------------------------------------------

#[test]
fn the_committed_table_loads_and_its_endpoints_are_well_formed() {
    let table = LibraryTable::bundled().unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
    for name in [
        "qualysapi",
        "qualysdk",
        "qualysetl",
        "pyqualys",
        "qualyspy",
        "qualysclient",
    ] {
        let lib = table
            .get(Ecosystem::PyPi, name)
            .unwrap_or_else(|| panic!("{name} is in the table"));
        assert!(!lib.releases.is_empty(), "{name}");
        for m in &lib.methods {
            assert!(!m.endpoints.is_empty(), "{name} {}", m.name);
            for e in &m.endpoints {
                assert!(e.starts_with('/'), "{name} {}: {e}", m.name);
                assert!(!e.contains(['?', '#', ' ']), "{name} {}: {e}", m.name);
                assert!(
                    EndpointPattern::parse(e).is_some(),
                    "{name} {}: {e}",
                    m.name
                );
            }
        }
        for a in &lib.actions {
            for e in &a.endpoints {
                assert!(
                    EndpointPattern::parse(e).is_some(),
                    "{name} {}: {e}",
                    a.name
                );
            }
        }
    }
}

#[test]
fn the_table_covers_every_release_in_the_inputs() {
    let table = LibraryTable::bundled().expect("bundled table");
    let inputs =
        std::fs::read_to_string(root().join("tools/libraries/inputs.toml")).expect("inputs");
    let doc: toml::Value = toml::from_str(&inputs).expect("inputs.toml is TOML");
    let packages = doc
        .get("package")
        .and_then(|p| p.as_array())
        .expect("[[package]]");
    assert!(packages.len() > 300, "{} releases", packages.len());
    for lib in table.libraries() {
        let mut want: Vec<(&str, &str)> = packages
            .iter()
            .filter(|p| p.get("library").and_then(|l| l.as_str()) == Some(lib.name.as_str()))
            .map(|p| {
                (
                    p.get("version").and_then(|v| v.as_str()).expect("version"),
                    p.get("sha256").and_then(|v| v.as_str()).expect("sha256"),
                )
            })
            .collect();
        let mut got: Vec<(&str, &str)> = lib
            .releases
            .iter()
            .map(|r| (r.version.as_str(), r.sha256.as_str()))
            .collect();
        want.sort();
        got.sort();
        assert_eq!(
            got, want,
            "{}: every locked release, with its sha256",
            lib.name
        );
    }
}

#[test]
fn qualysapi_methods_reach_the_fo_endpoints_read_from_the_package() {
    let table = LibraryTable::bundled().expect("bundled table");
    let lib = table.get(Ecosystem::PyPi, "qualysapi").expect("qualysapi");
    let sel = lib.select_version("6.0.0");
    let reach = |name: &str| {
        let mut v: Vec<String> = lib
            .methods_named(name, &sel)
            .flat_map(|m| m.endpoints.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(reach("launchScan"), ["/api/2.0/fo/scan/"]);
    assert_eq!(reach("listReports"), ["/api/2.0/fo/report/"]);
    assert_eq!(reach("getHost"), ["/api/2.0/fo/asset/host/"]);
    assert_eq!(reach("addIP"), ["/api/2.0/fo/asset/ip/"]);
    // No qualysapi release has moved off the scan API.
    assert_eq!(
        lib.upgrade_for("/api/2.0/fo/scan/"),
        Some(Upgrade::NoReleaseMoved)
    );
    // Before 5.0.0 the package had only request(): no named method.
    assert_eq!(reach_in(lib, "4.1.0", "launchScan"), Vec::<String>::new());
}

fn reach_in(lib: &sunset::libraries::Library, version: &str, name: &str) -> Vec<String> {
    let sel = lib.select_version(version);
    lib.methods_named(name, &sel)
        .flat_map(|m| m.endpoints.clone())
        .collect()
}

// ---------------------------------------------------------------------------
// The generator's mapping step.
// ---------------------------------------------------------------------------

#[test]
fn the_generator_maps_a_package_shaped_fixture() {
    let pkg = fixture("package");
    let out = Command::new("python3")
        .arg(root().join("tools/libraries/generate.py"))
        .args(["map", "--library", "demoqualys", "--version", "1.2.0"])
        .args(["--file", "demoqualys-1.2.0.tar.gz"])
        .args(["--sha256", &"a".repeat(64)])
        .arg("--config")
        .arg(pkg.join("libraries.toml"))
        .arg("--sunset")
        .arg(env!("CARGO_BIN_EXE_sunset"))
        .arg(pkg.join("src"))
        .output()
        .expect("python3 runs tools/libraries/generate.py");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "generator failed: {stderr}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let expected = std::fs::read_to_string(pkg.join("expected.toml")).expect("expected.toml");
    assert_eq!(
        text, expected,
        "regenerate tests/fixtures/libraries/package/expected.toml and review it"
    );
    let lib = parse_library("generated", &text)
        .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
    let sel = lib.select_version("1.2.0");
    let reach = |name: &str| {
        lib.methods_named(name, &sel)
            .flat_map(|m| m.endpoints.clone())
            .collect::<Vec<_>>()
    };
    // A constant of another module.
    assert_eq!(reach("list_scans"), ["/api/2.0/fo/scan/"]);
    // Through a private helper.
    assert_eq!(reach("launch_scan"), ["/api/2.0/fo/scan/"]);
    // An f-string over a constant (sunset's extractor).
    assert_eq!(reach("list_reports"), ["/api/2.0/fo/report/"]);
    // A class constant; a .php name through the wrapper's route.
    assert_eq!(
        reach("dynamic_lists"),
        ["/api/2.0/fo/qid/search_list/dynamic/"]
    );
    assert_eq!(reach("asset_groups"), ["/msp/asset_group_list.php"]);
    // A registry key named in the method.
    assert_eq!(reach("hosts"), ["/api/2.0/fo/asset/host/"]);
    // A module-level function.
    assert_eq!(reach("report_list"), ["/api/2.0/fo/report/"]);
    // The hand-written correction, with its note.
    let corrected = lib
        .methods
        .iter()
        .find(|m| m.name == "dynamic_hosts")
        .expect("dynamic_hosts");
    assert!(corrected
        .note
        .as_deref()
        .is_some_and(|n| n.starts_with("hand-written:")));
    // The wrapper itself and private helpers are not listed; tests are skipped.
    for absent in ["request", "_post", "_call", "test_scan"] {
        assert!(reach(absent).is_empty(), "{absent}");
    }
    assert!(!text.contains("/api/2.0/fo/asset/ip/"), "tests are not API");
    // Docstrings are mentions, not calls.
    assert_eq!(
        lib.action("list_scans", &sel)
            .into_iter()
            .collect::<Vec<_>>(),
        ["/api/3.0/fo/scan/"]
    );
    assert_eq!(
        lib.action("list_reports", &sel)
            .into_iter()
            .collect::<Vec<_>>(),
        ["/api/2.0/fo/report/"]
    );
}

// ---------------------------------------------------------------------------
// Manifests.
// ---------------------------------------------------------------------------

fn dep<'a>(deps: &'a [ResolvedDependency], dir: &str, name: &str) -> &'a ResolvedDependency {
    deps.iter()
        .find(|d| d.directory == dir && d.name == name)
        .unwrap_or_else(|| panic!("{dir}: {name} in {deps:#?}"))
}

#[test]
fn every_manifest_format_gives_the_dependency_its_line_and_version() {
    let tree = read_tree(&fixture("manifests"));
    let deps = manifests(&tree);

    // Poetry, locked: the lock file's version; the line of the declaration.
    let d = dep(&deps, "poetry", "pyqualys");
    assert_eq!(d.pinned.as_deref(), Some("0.0.4"));
    let decl = d.declared.as_ref().expect("declared");
    assert_eq!(
        (decl.path.as_str(), decl.line, decl.requirement.as_str()),
        ("poetry/pyproject.toml", 7, "^0.0.4")
    );
    assert_eq!(d.locked.as_ref().map(|l| l.line), Some(4));

    // PEP 621, ranged and not locked.
    let d = dep(&deps, "pep621", "qualysapi");
    assert_eq!(d.pinned, None);
    assert_eq!(d.requirement.as_str(), ">=5.0,<6");
    assert_eq!(d.location().map(|l| l.line), Some(6));

    // Pipfile + Pipfile.lock.
    let d = dep(&deps, "pipenv", "qualysclient");
    assert_eq!(d.pinned.as_deref(), Some("0.0.4.8.3"));
    assert_eq!(d.declared.as_ref().map(|l| l.line), Some(2));
    assert_eq!(d.locked.as_ref().map(|l| l.line), Some(7));

    // setup.py and setup.cfg.
    let d = dep(&deps, "setuppy", "qualysdk");
    assert_eq!(
        (d.requirement.as_str(), d.location().map(|l| l.line)),
        ("~=0.3.2", Some(6))
    );
    let d = dep(&deps, "setupcfg", "qualyspy");
    assert_eq!(d.pinned.as_deref(), Some("0.5.10.9"));
    assert_eq!(d.location().map(|l| l.line), Some(6));

    // A constraints file pins an unpinned requirement.
    let d = dep(&deps, "constrained", "qualysetl");
    assert_eq!(d.pinned.as_deref(), Some("0.9.37"));
    assert_eq!(d.declared.as_ref().map(|l| l.line), Some(2));

    // Ranged: requirements-dev.txt.
    let d = dep(&deps, "ranged", "qualysapi");
    assert_eq!(
        (d.pinned.as_deref(), d.requirement.as_str()),
        (None, ">=6.1")
    );

    // npm: package.json + package-lock.json.
    let d = deps
        .iter()
        .find(|d| d.ecosystem == Ecosystem::Npm && d.name == "left-pad")
        .expect("left-pad");
    assert_eq!(d.pinned.as_deref(), Some("1.3.0"));
    assert_eq!(d.declared.as_ref().map(|l| l.line), Some(4));
    assert_eq!(d.locked.as_ref().map(|l| l.line), Some(6));
}

#[test]
fn versions_select_the_releases_of_the_table() {
    let tree = read_tree(&fixture("manifests"));
    let deps = manifests(&tree);
    let table = LibraryTable::bundled().expect("bundled table");
    let lib = table.get(Ecosystem::PyPi, "qualysapi").expect("qualysapi");
    // A range selects several releases, none pinned.
    let sel = lib.select(Some(&dep(&deps, "pep621", "qualysapi").requirement));
    assert!(!sel.unknown);
    assert!(sel.releases.len() > 1);
    assert!(sel
        .releases
        .iter()
        .all(|&i| lib.releases[i].version.as_str().starts_with('5')));
    assert_eq!(sel.pinned, None);
    // A lock file selects one.
    let py = table.get(Ecosystem::PyPi, "pyqualys").expect("pyqualys");
    let sel = py.select(Some(&dep(&deps, "poetry", "pyqualys").requirement));
    assert_eq!(sel.releases.len(), 1);
    assert_eq!(sel.pinned.as_deref(), Some("0.0.4"));
}

// ---------------------------------------------------------------------------
// Call sites.
// ---------------------------------------------------------------------------

#[test]
fn call_sites_in_a_project() {
    let tree = read_tree(&fixture("project"));
    let deps = manifests(&tree);
    let sites = calls_in(&tree, &deps);

    // A connector made in a base class of another file.
    let s = at(&sites, "scanner/handlers/launch.py", 7).expect("launchScan through the base class");
    assert_eq!(
        (s.library.as_str(), s.method.as_str()),
        ("qualysapi", "launchScan")
    );
    assert_eq!(s.endpoints, ["/api/2.0/fo/scan/"]);
    assert_eq!(s.resolution, Resolution::Method);
    assert_eq!(s.pinned.as_deref(), Some("6.0.0"));
    assert_eq!(s.requirement.as_deref(), Some("==6.0.0"));
    assert!(!s.version_unknown);
    assert!(at(&sites, "scanner/handlers/launch.py", 10).is_some());

    // Same method name on an unrelated object, and on a parameter: nothing.
    assert!(
        !sites.iter().any(|s| s.path == "scanner/handlers/other.py"),
        "{sites:#?}"
    );

    // An import alias, a wrapper with a class constant that holds a
    // module constant, written without slashes.
    let s = at(&sites, "reports/export.py", 14).expect("request(self.SCAN_PATH)");
    assert_eq!(s.method, "request");
    assert_eq!(s.endpoints, ["/api/2.0/fo/scan"]);
    assert_eq!(s.resolution, Resolution::Path("api/2.0/fo/scan".into()));
    // A v1 script name goes through the same route table.
    let s = at(&sites, "reports/export.py", 17).expect("request('about.php')");
    assert_eq!(s.endpoints, ["/msp/about.php"]);
    // `from qualysapi import connect as qc`, a `for` over a method's result
    // (nothing to report on `print`), a `with … as`.
    let s = at(&sites, "reports/export.py", 22).expect("conn.listReports()");
    assert_eq!(s.endpoints, ["/api/2.0/fo/report/"]);
    assert!(at(&sites, "reports/export.py", 23).is_none());
    let s = at(&sites, "reports/export.py", 25).expect("c.getHost()");
    assert_eq!(s.endpoints, ["/api/2.0/fo/asset/host/"]);

    // Only legacy endpoints remain after the rules' filter; /msp/about.php
    // has no rule.
    let rules = sunset::rules::load::load_bundled().expect("rules");
    let mut legacy = sites.clone();
    retain_legacy(&mut legacy, &rules);
    assert!(at(&legacy, "reports/export.py", 17).is_none());
    assert!(at(&legacy, "reports/export.py", 14).is_some());
}

#[test]
fn a_method_that_moved_is_no_result_on_the_new_release() {
    let code = "from pyqualys import QualysAPI\n\napi = QualysAPI(username='u', password='p')\nvm = api.service('vulnerability')\nvm.scanner.scan_list()\nvm.scanner.start_scan(scan_title='t')\n";
    let rules = sunset::rules::load::load_bundled().expect("rules");
    let run = |version: &str| {
        let req = format!("pyqualys=={version}\n");
        let files = [("requirements.txt", req.as_str()), ("job.py", code)];
        let deps = resolve(&files);
        let mut sites = calls_of(&files, &deps);
        retain_legacy(&mut sites, &rules);
        sites
    };
    let old = run("0.0.4");
    assert_eq!(
        at(&old, "job.py", 5).map(|s| s.endpoints),
        Some(vec!["/api/2.0/fo/scan/".to_string()])
    );
    let new = run("0.1.1");
    // scan_list moved to /api/3.0/fo/scan/ (current) in 0.1.0.
    assert!(at(&new, "job.py", 5).is_none(), "{new:#?}");
    // start_scan stays on /api/2.0/fo/scan/ in every release.
    assert!(at(&new, "job.py", 6).is_some());
    let table = LibraryTable::bundled().expect("table");
    let lib = table.get(Ecosystem::PyPi, "pyqualys").expect("pyqualys");
    assert_eq!(
        lib.upgrade_for("/api/3.0/fo/scan/"),
        Some(Upgrade::NoReleaseMoved)
    );
    // The way out, per method: scan_list left /api/2.0/fo/scan/ in 0.1.0,
    // start_scan never did.
    assert_eq!(
        lib.upgrade_for_method("scan_list", "/api/2.0/fo/scan/"),
        Some(Upgrade::To("0.1.0".into()))
    );
    assert_eq!(
        lib.upgrade_for_method("start_scan", "/api/2.0/fo/scan/"),
        Some(Upgrade::NoReleaseMoved)
    );
    assert_eq!(
        lib.upgrade_for_method("start_scan", "/api/9.0/fo/none/"),
        None
    );
}

#[test]
fn without_a_manifest_the_version_is_unknown() {
    let code = "import qualysapi\nconn = qualysapi.connect()\nconn.listScans()\n";
    let sites = calls_of(&[("a.py", code)], &[]);
    let s = at(&sites, "a.py", 3).expect("listScans");
    assert!(s.version_unknown);
    assert_eq!(s.pinned, None);
    assert_eq!(s.requirement, None);
}

#[test]
fn the_nearest_manifest_gives_the_version() {
    let code = "import qualysapi\nconn = qualysapi.connect()\nconn.listScans()\n";
    let files = [
        ("requirements.txt", "qualysapi>=5\n"),
        ("svc/requirements.txt", "qualysapi==6.1.0\n"),
        ("svc/job.py", code),
        ("tool.py", code),
    ];
    let deps = resolve(&files);
    let sites = calls_of(&files, &deps);
    assert_eq!(
        at(&sites, "svc/job.py", 3).and_then(|s| s.pinned),
        Some("6.1.0".into())
    );
    let s = at(&sites, "tool.py", 3).expect("tool.py");
    assert_eq!((s.pinned, s.requirement.as_deref()), (None, Some(">=5")));
}

#[test]
fn aliases_and_shadowing() {
    let code = r#"import qualysapi as qa
from qualysapi.connector import QGConnector as Conn

conn = qa.connect()


def uses_global():
    return conn.listScans()


def shadows(conn):
    return conn.listScans()


def rebinds():
    conn = object()
    return conn.listScans()


def direct():
    return Conn(("u", "p"), "host").launchScan("t", "o", "s")


class Scans:
    def listScans(self):
        return self.listScans()
"#;
    let sites = calls_of(&[("m.py", code)], &[]);
    let lines: Vec<u32> = sites.iter().map(|s| s.line).collect();
    assert_eq!(lines, [8, 21], "{sites:#?}");
    assert_eq!(sites[1].method, "launchScan");
}

#[test]
fn sdk_functions_and_action_names() {
    let code = r#"from qualysdk.auth import BasicAuth
from qualysdk.vmdr import get_scan_list as scans
import qualysdk.vmdr as vmdr
from qualysdk.base.call_api import call_api

auth = BasicAuth("u", "p")
scans(auth)
vmdr.get_scan_list(auth)
call_api(auth, "vmdr", "list_scans")
call_api(auth, module="vmdr", endpoint="launch_scan")
get_scan_list(auth)
"#;
    let sites = calls_of(&[("sdk.py", code)], &[]);
    let s = at(&sites, "sdk.py", 7).expect("aliased function");
    assert_eq!(s.method, "get_scan_list");
    assert!(
        s.endpoints.contains(&"/api/2.0/fo/scan/".to_string()),
        "{s:#?}"
    );
    assert!(at(&sites, "sdk.py", 8).is_some());
    let s = at(&sites, "sdk.py", 9).expect("call_api by action name");
    assert_eq!(s.resolution, Resolution::Action("list_scans".into()));
    assert_eq!(s.endpoints, ["/api/2.0/fo/scan/"]);
    assert!(at(&sites, "sdk.py", 10).is_some());
    // Not imported: a function of the same name is someone else's.
    assert!(at(&sites, "sdk.py", 11).is_none());
}

// ---------------------------------------------------------------------------
// Vendored copies.
// ---------------------------------------------------------------------------

#[test]
fn a_vendored_copy_is_recognised() {
    let table = LibraryTable::bundled().expect("table");
    let v = library_of_path(&table, "vendor/qualysapi/connector.py").expect("vendored");
    assert_eq!(
        (v.library.as_str(), v.module.as_str(), v.root.as_str()),
        ("qualysapi", "qualysapi", "vendor")
    );
    assert!(v.conventional);
    let v = library_of_path(&table, "tools/qualys_etl/etld_lib/etld_lib_functions.py")
        .expect("a copied module");
    assert_eq!(v.library, "qualysetl");
    assert!(!v.conventional);
    let v = library_of_path(&table, "lib/qualysapi.py").expect("a single-file copy");
    assert_eq!(v.library, "qualysapi");
    assert_eq!(
        library_of_path(
            &table,
            ".venv/lib/python3.11/site-packages/qualysdk/vmdr/hosts.py"
        )
        .map(|v| v.conventional),
        Some(true)
    );
    // Other files, including ones that merely mention a library.
    assert_eq!(library_of_path(&table, "src/qualys_client.py"), None);
    assert_eq!(library_of_path(&table, "scanner/base.py"), None);
    // The vendored copy in the project fixture is found by path, and its
    // own code (calls on `self`) is not a call site.
    let tree = read_tree(&fixture("project"));
    let deps = manifests(&tree);
    let sites = calls_in(&tree, &deps);
    assert!(!sites.iter().any(|s| s.path.starts_with("vendor/")));
    assert!(tree
        .iter()
        .filter(|(p, _)| p.starts_with("vendor/"))
        .all(|(p, _)| library_of_path(&table, p).is_some()));
}

// ---------------------------------------------------------------------------
// Through the binary: findings of kind `library` in every command.
// ---------------------------------------------------------------------------

fn sunset_in_fixtures(args: &[&str]) -> std::process::Output {
    crate::util::run_in(&fixture(""), args)
}

/// The project pins qualysapi 6.0.0 and calls `launchScan` and `listScans`
/// on a connector made in a base class of another module: each call is a
/// finding of kind `library` at its line, and the manifest line lists what
/// the pinned release reaches.
#[test]
fn audit_reports_library_calls_and_the_dependency() {
    let out = sunset_in_fixtures(&[
        "audit",
        "project",
        "--format",
        "json",
        "--as-of",
        "2026-12-04",
    ]);
    assert_eq!(crate::util::code(&out), 0, "{}", crate::util::stderr(&out));
    let doc = crate::util::json(&out);
    let findings = doc["findings"].as_array().expect("findings");
    let library: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["kind"] == "library").collect();
    let launch = library
        .iter()
        .find(|f| {
            f["path"] == "project/scanner/handlers/launch.py"
                && f["library"]["method"]
                    .as_str()
                    .is_some_and(|m| m.ends_with("launchScan"))
        })
        .expect("the launchScan call");
    assert_eq!(launch["rule"], "qualys-scan-v2");
    assert_eq!(launch["library"]["name"], "qualysapi");
    assert_eq!(launch["library"]["pinned"], "6.0.0");
    assert_eq!(launch["confidence"], "certain", "the version is pinned");
    assert_eq!(launch["origins"][0]["role"], "dependency");
    assert_eq!(launch["origins"][0]["path"], "project/requirements.txt");
    assert!(launch["fix"].is_null(), "a library call is never rewritten");
    assert!(launch["manual_fix"]
        .as_str()
        .is_some_and(|m| m.contains("qualysapi")));
    let dependency = library
        .iter()
        .find(|f| f["path"] == "project/requirements.txt")
        .expect("the manifest line");
    assert_eq!(dependency["line"], 3);
    assert!(dependency["library"]["method"].is_null());
    assert!(dependency["library"]["endpoints"]
        .as_array()
        .is_some_and(|e| e.len() >= 2));
    assert!(doc["summary"]["library_calls"]
        .as_u64()
        .is_some_and(|n| n >= 3));
}

/// `check` fails on library findings like on calls; `--no-libraries`
/// leaves them out; `fix` rewrites nothing; `report` groups them per
/// library with the way out.
#[test]
fn gate_fix_and_report_know_the_library_kind() {
    let fails = sunset_in_fixtures(&[
        "check",
        "project",
        "--no-config",
        "--as-of",
        "2026-12-04",
        "--color",
        "never",
    ]);
    assert_eq!(
        crate::util::code(&fails),
        1,
        "{}",
        crate::util::stdout(&fails)
    );
    assert!(
        crate::util::stdout(&fails).contains("library[EOL]"),
        "{}",
        crate::util::stdout(&fails)
    );
    let without = sunset_in_fixtures(&[
        "check",
        "project",
        "--no-config",
        "--no-libraries",
        "--as-of",
        "2026-12-04",
        "--format",
        "json",
    ]);
    let doc = crate::util::json(&without);
    for f in doc["findings"].as_array().expect("findings") {
        let expected = if f["kind"] == "library" {
            "pass"
        } else {
            "fail"
        };
        assert_eq!(f["verdict"], expected, "{f}");
    }
    let fix = sunset_in_fixtures(&["fix", "project", "--unsafe", "--as-of", "2026-12-04"]);
    assert_eq!(crate::util::code(&fix), 0);
    let diff = crate::util::stdout(&fix);
    // Only the path written in export.py is rewritten; no library call
    // line, base class or manifest.
    for untouched in ["launch.py", "base.py", "requirements.txt"] {
        assert!(!diff.contains(untouched), "{untouched}: {diff}");
    }
    let report = sunset_in_fixtures(&["report", "project", "--as-of", "2026-12-04"]);
    let md = crate::util::stdout(&report);
    assert!(md.contains("## Client libraries"), "{md}");
    assert!(md.contains("### qualysapi (6.0.0)"), "{md}");
    assert!(md.contains("`/api/2.0/fo/scan/`"), "{md}");
}

/// A method of the same name on an object that is not the library's
/// reaches nothing; the same call on the library's connector does.
#[test]
fn same_method_name_on_another_object_is_no_finding() {
    let dir = crate::util::tree(&[
        ("requirements.txt", "qualysapi==6.0.0\n"),
        (
            "jobs.py",
            "import qualysapi\n\nclass Fake:\n    def launchScan(self):\n        return 1\n\nconn = qualysapi.connect()\nconn.launchScan('t', 'p', 'a')\nFake().launchScan()\n",
        ),
    ]);
    let out = crate::util::run_in(
        dir.path(),
        &["audit", ".", "--format", "json", "--as-of", "2026-12-04"],
    );
    let doc = crate::util::json(&out);
    let lines: Vec<u64> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "library" && f["path"] == "jobs.py")
        .map(|f| f["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, vec![8], "{doc}");
}
