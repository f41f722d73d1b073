//! What a file is for, from its path: a test, fixture or mock holds calls
//! that never reach Qualys in production (a recorded response, a mock
//! route, a unit test's expected URL), so its calls are of kind `test`.

use std::path::{Path, PathBuf};

/// What a scanned file is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Role {
    /// Production code, scripts, config, docs.
    #[default]
    Code,
    /// A test, fixture or mock.
    Test,
}

impl Role {
    /// The role of `path`, judged on its part below the scanned root that
    /// holds it: a checkout that happens to sit under `~/tests/` is not a
    /// test suite. A root that is the file itself leaves its name.
    pub fn of(path: &Path, roots: &[PathBuf]) -> Role {
        if is_test_path(&below_root(path, roots)) {
            Role::Test
        } else {
            Role::Code
        }
    }
}

/// `path` below the scanned root that holds it, `/`-separated; a root that
/// is the file itself leaves its name.
pub fn below_root(path: &Path, roots: &[PathBuf]) -> String {
    let below = roots
        .iter()
        .filter_map(|r| path.strip_prefix(r).ok())
        .min_by_key(|rest| rest.as_os_str().len())
        .filter(|rest| !rest.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new(path.file_name().unwrap_or(path.as_os_str())));
    below.to_string_lossy().replace('\\', "/")
}

/// Directory names that hold tests, fixtures and mocks.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "specs",
    "__tests__",
    "__mocks__",
    "__fixtures__",
    "testdata",
    "test_data",
    "testing",
    "fixtures",
    "mocks",
];

/// Whether `path` (as displayed, `/`-separated) is a test, fixture or mock
/// file: under a directory of [`TEST_DIRS`], or named as test runners name
/// tests (`test_*.py`, `*_test.py`, `*_test.go`, `*.test.ts`, `*.spec.js`,
/// `*_spec.rb`, `*Test.java`, `*Tests.cs`, `conftest.py`).
pub fn is_test_path(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let Some(name) = parts.pop() else {
        return false;
    };
    if parts
        .iter()
        .any(|d| TEST_DIRS.iter().any(|t| d.eq_ignore_ascii_case(t)))
    {
        return true;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, e.to_ascii_lowercase()),
        None => (name, String::new()),
    };
    let lower = stem.to_ascii_lowercase();
    // Each language's test runners by their default discovery patterns:
    // pytest (`test_*.py`, `*_test.py`), `go test`, Jest/Mocha, RSpec and
    // Minitest, JUnit/Surefire, PHPUnit, xUnit/NUnit, Pester. A Python
    // script named `ApiTest.py` is no test to pytest: it is a script.
    let snake =
        || lower.starts_with("test_") || lower.ends_with("_test") || lower.ends_with("_tests");
    let camel = || stem.ends_with("Test") || stem.ends_with("Tests") || stem.ends_with("Spec");
    let dotted =
        || lower.ends_with(".test") || lower.ends_with(".spec") || lower.ends_with(".tests");
    match ext.as_str() {
        "py" => stem == "conftest" || lower.starts_with("test_") || lower.ends_with("_test"),
        "go" => lower.ends_with("_test"),
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" => dotted() || snake(),
        "rb" => snake() || lower.ends_with("_spec"),
        "java" | "kt" | "scala" | "groovy" | "cs" | "php" | "swift" => camel() || snake(),
        "ps1" => dotted(),
        "rs" => snake(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judged_below_the_root() {
        let roots = [PathBuf::from("/home/me/tests/repo")];
        assert_eq!(
            Role::of(Path::new("/home/me/tests/repo/src/client.py"), &roots),
            Role::Code
        );
        assert_eq!(
            Role::of(
                Path::new("/home/me/tests/repo/tests/test_client.py"),
                &roots
            ),
            Role::Test
        );
        let file = [PathBuf::from("tests/fixtures/python/client.py")];
        assert_eq!(Role::of(&file[0], &file), Role::Code);
    }

    #[test]
    fn tests_fixtures_and_mocks() {
        for p in [
            "tests/test_client.py",
            "pkg/test/mock.py",
            "vmdr/scan_test.go",
            "src/__mocks__/qualys.js",
            "app/client.spec.ts",
            "app/client.test.js",
            "lib/qualys_spec.rb",
            "src/test/java/com/acme/QualysClientTest.java",
            "Qualys.Tests/ClientTests.cs",
            "test_api.py",
            "conftest.py",
            "fixtures/scan_list.xml",
            "testdata/response.json",
            "scan_test.rb",
            "Qualys.Tests.ps1",
            "ScannerSpec.groovy",
            "tests_client_test.rs",
        ] {
            assert!(is_test_path(p), "{p}");
        }
    }

    #[test]
    fn production_code_is_not_a_test() {
        for p in [
            "src/client.py",
            "contest.py",
            "vmdr/scan.go",
            "latest/api.py",
            "attestation/run.sh",
            "src/Testing.md",
            "docs/testing-guide.md",
            "protest_test.txt",
            // Test-like names outside the language's runner conventions.
            "QualysApiTest.py",
            "scan_spec.py",
            "client.spec.go",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
