//! The examples in the README and the docs are the output of the current
//! build, so they cannot drift (`SUNSET_BLESS=1 cargo test docs::`
//! refreshes them).

use std::path::Path;

use crate::util::{code, run_in, stderr, stdout};

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn readme_example_is_current() {
    let out = run_in(
        crate_root(),
        &[
            "audit",
            "examples/python",
            "--as-of",
            "2026-11-23",
            "--color",
            "never",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = format!("```text\n{}```\n", stdout(&out));
    crate::util::generated_section(
        "README.md",
        "<!-- BEGIN GENERATED EXAMPLE -->\n",
        "<!-- END GENERATED EXAMPLE -->",
        &shown,
        "readme_example",
    );
}

#[test]
fn readme_request_example_is_current() {
    let out = run_in(
        crate_root(),
        &[
            "audit",
            "examples/bash",
            "--as-of",
            "2026-11-23",
            "--color",
            "never",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    // The first finding: the launch call of the Scan API.
    let first = text.split("\n\n").next().unwrap_or_default();
    assert!(
        first.contains("help: action=launch is not documented on /api/3.0/fo/scan/"),
        "{text}"
    );
    let shown = format!("```text\n{first}\n```\n");
    crate::util::generated_section(
        "README.md",
        "<!-- BEGIN GENERATED REQUEST EXAMPLE -->\n",
        "<!-- END GENERATED REQUEST EXAMPLE -->",
        &shown,
        "readme_request_example",
    );
}

/// Issue 12: a request-level finding (IPv6 sent to `save_merchant`, an
/// error even though the operation is active) in the README, from
/// `examples/bash/pci_onboard.sh`.
#[test]
fn readme_pci_request_example_is_current() {
    let out = run_in(
        crate_root(),
        &[
            "audit",
            "examples/bash",
            "--as-of",
            "2026-11-23",
            "--color",
            "never",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let block = text
        .split("\n\n")
        .find(|b| b.contains("save_merchant"))
        .unwrap_or_default();
    assert!(block.contains("request error: assets:"), "{text}");
    assert!(block.contains("(param-ipv6;"), "{text}");
    let shown = format!("```text\n{block}\n```\n");
    crate::util::generated_section(
        "README.md",
        "<!-- BEGIN GENERATED PCI REQUEST EXAMPLE -->\n",
        "<!-- END GENERATED PCI REQUEST EXAMPLE -->",
        &shown,
        "readme_pci_request_example",
    );
}

#[test]
fn json_example_is_current() {
    let out = run_in(
        crate_root(),
        &[
            "audit",
            "examples/python",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
        ],
    );
    let doc = crate::util::json(&out);
    let finding = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["confidence"] == "inferred")
        .expect("the examples have a cross-file finding")
        .clone();
    let shown = format!(
        "```json\n{}\n```\n",
        serde_json::to_string_pretty(&finding).expect("json")
    );
    crate::util::generated_section(
        "docs/json.md",
        "<!-- BEGIN GENERATED JSON -->\n",
        "<!-- END GENERATED JSON -->",
        &shown,
        "json_example",
    );
}
