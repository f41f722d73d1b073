//! IPv6 in PCI requests (issue 12, PCI Compliance 1.6.2): an IPv6 literal
//! in `assets` of `/pci/asset/add|delete` or `targetIps` of
//! `/pci/scan/launch` is information; IPv6 sent to `save_merchant`, which
//! has no published path and is matched by its operation name, is an
//! error. Every case is written in Python, shell/curl, PowerShell,
//! JavaScript and a Postman collection (the `params` helpers), each with
//! its must-not-flag twins: IPv4 only, a MAC address or a time, and a value
//! that is not a literal (`param-unknown`, never a verdict).

use crate::params::{finding, param_checks, request, LANGS, V};
use crate::util::{json, run_in, stdout, tree};

const ADD: &str = "https://pci-api.qualys.com/pci/asset/add";
const DELETE: &str = "https://pci-api.qualys.com/pci/asset/delete";
const LAUNCH: &str = "https://pci-api.qualys.com/pci/scan/launch";
/// No path is published for save_merchant: this URL holds the name as a
/// path segment, which is how the rule finds it in every language.
const MERCHANT: &str = "https://pci-api.qualys.com/pci/merchant/save_merchant";

/// A request check: code, level, message.
type Check = (String, String, String);

/// The `param-*` checks of the one call of `rule` in each language.
fn checks_in_every_language(
    rule: &str,
    url: &str,
    params: &[(&str, V)],
) -> Vec<(&'static str, Vec<Check>)> {
    LANGS
        .iter()
        .map(|lang| (*lang, param_checks(&finding(lang, rule, url, params))))
        .collect()
}

fn assert_one(rule: &str, url: &str, params: &[(&str, V)], code: &str, level: &str, part: &str) {
    for (lang, got) in checks_in_every_language(rule, url, params) {
        assert_eq!(got.len(), 1, "{lang}: {got:#?}");
        let (c, l, m) = &got[0];
        assert_eq!((c.as_str(), l.as_str()), (code, level), "{lang}: {got:#?}");
        assert!(m.contains(part), "{lang}: {m}");
    }
}

fn assert_none(rule: &str, url: &str, params: &[(&str, V)]) {
    for (lang, got) in checks_in_every_language(rule, url, params) {
        assert!(got.is_empty(), "{lang}: {got:#?}");
    }
}

#[test]
fn ipv6_assets_on_pci_asset_add_and_delete_are_information() {
    for (rule, url) in [
        ("qualys-pci-asset-add", ADD),
        ("qualys-pci-asset-delete", DELETE),
    ] {
        assert_one(
            rule,
            url,
            &[
                ("assetType", V::Lit("IP")),
                ("assets", V::Lit("2001:0db8:85a3:0000:0000:8a2e:0370:7334")),
            ],
            "param-ipv6",
            "info",
            "IPv6 assets need PCI 1.6.2",
        );
        // Twin: IPv4 assets say nothing.
        assert_none(
            rule,
            url,
            &[
                ("assetType", V::Lit("IP")),
                ("assets", V::Lit("10.0.0.1,10.0.0.2-10.0.0.9")),
            ],
        );
    }
}

#[test]
fn ipv6_in_a_mixed_target_list_of_a_pci_scan_launch_is_information() {
    assert_one(
        "qualys-pci-scan-launch",
        LAUNCH,
        &[("targetIps", V::Lit("10.0.0.1,1e80::5c91:4831:88f9:41ef"))],
        "param-ipv6",
        "info",
        "1e80::5c91:4831:88f9:41ef",
    );
    // Twins: IPv4 only, a MAC address, a time: not IPv6.
    for not_ipv6 in ["10.0.0.1,10.0.0.2", "00:1a:2b:3c:4d:5e", "12:30:00"] {
        assert_none(
            "qualys-pci-scan-launch",
            LAUNCH,
            &[("targetIps", V::Lit(not_ipv6))],
        );
    }
    // A value that is not a literal gets no verdict.
    assert_one(
        "qualys-pci-scan-launch",
        LAUNCH,
        &[("targetIps", V::Var)],
        "param-unknown",
        "info",
        "`targetIps` is not a literal",
    );
}

#[test]
fn ipv6_sent_to_save_merchant_is_an_error() {
    let rule = "qualys-pci-save-merchant";
    assert_one(
        rule,
        MERCHANT,
        &[
            ("merchantName", V::Lit("Acme")),
            ("assets", V::Lit("10.0.0.1,2001:db8::1")),
        ],
        "param-ipv6",
        "error",
        "save_merchant does not accept IPv6 assets",
    );
    // Twins: IPv4 assets, and a MAC address or a time in a parameter.
    assert_none(
        rule,
        MERCHANT,
        &[
            ("merchantName", V::Lit("Acme")),
            ("assets", V::Lit("10.0.0.1,10.0.0.2")),
        ],
    );
    assert_none(
        rule,
        MERCHANT,
        &[
            ("mac", V::Lit("00:1a:2b:3c:4d:5e")),
            ("window", V::Lit("12:30:00")),
        ],
    );
    // Not a literal: unknown, never a guess.
    assert_one(
        rule,
        MERCHANT,
        &[("merchantName", V::Lit("Acme")), ("assets", V::Var)],
        "param-unknown",
        "info",
        "`assets` is not a literal",
    );
}

/// `save_merchant` as a method call or a string in code: the arguments of
/// the call are its parameters; a definition or a comment is no use.
#[test]
fn save_merchant_is_matched_by_its_operation_name_in_code() {
    let py = "client.save_merchant(name='Acme', assets='2001:db8::5')\n\
              client.save_merchant(name='Acme', assets='10.1.1.1')\n\
              # save_merchant( takes no IPv6\n\
              def save_merchant(self, assets):\n    pass\n\
              std::vector<int> v; // not C++, but the lexer sees it\n";
    let js = "await api.call(\"save_merchant\", { assets: \"fe80::1, 10.0.0.1\" });\n\
              function save_merchant(assets) {}\n";
    let dir = tree(&[("m.py", py), ("m.js", js)]);
    let doc = json(&run_in(
        dir.path(),
        &["audit", ".", "--format", "json", "--include-active"],
    ));
    let found: Vec<(String, usize, Vec<String>)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "qualys-pci-save-merchant")
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line") as usize,
                param_checks(f).into_iter().map(|c| c.0).collect(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("m.js".to_string(), 1, vec!["param-ipv6".to_string()]),
            ("m.py".to_string(), 1, vec!["param-ipv6".to_string()]),
            ("m.py".to_string(), 2, vec![]),
        ],
        "{doc:#}"
    );
}

/// Checks on active endpoints: information only with `--include-active`,
/// but an error (IPv6 to save_merchant) is shown by default and fails
/// `check` at the default `--fail-on-request error`.
#[test]
fn a_request_error_on_an_active_endpoint_is_shown_and_fails_check_by_default() {
    let ipv6 = [("assets", V::Lit("2001:db8::1"))];
    let ipv4 = [("assets", V::Lit("10.0.0.1"))];
    for lang in LANGS {
        let (name, body) = request(lang, MERCHANT, &ipv6);
        let bad = tree(&[(name.as_str(), body.as_str())]);
        let out = run_in(bad.path(), &["check", ".", "--as-of", "2026-12-05"]);
        assert_eq!(out.status.code(), Some(1), "{lang}: {}", stdout(&out));
        assert!(stdout(&out).contains("request error"), "{}", stdout(&out));
        let never = run_in(
            bad.path(),
            &[
                "check",
                ".",
                "--as-of",
                "2026-12-05",
                "--fail-on-request",
                "never",
            ],
        );
        assert_eq!(never.status.code(), Some(0), "{lang}: {}", stdout(&never));

        let (name, body) = request(lang, MERCHANT, &ipv4);
        let good = tree(&[(name.as_str(), body.as_str())]);
        let out = run_in(good.path(), &["check", ".", "--as-of", "2026-12-05"]);
        assert_eq!(out.status.code(), Some(0), "{lang}: {}", stdout(&out));
        let doc = json(&run_in(good.path(), &["audit", ".", "--format", "json"]));
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0), "{doc:#}");

        // The information on /pci/asset/add shows only with --include-active.
        let (name, body) = request(lang, ADD, &ipv6);
        let info = tree(&[(name.as_str(), body.as_str())]);
        let doc = json(&run_in(info.path(), &["audit", ".", "--format", "json"]));
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0), "{doc:#}");
        let out = run_in(info.path(), &["check", ".", "--as-of", "2026-12-05"]);
        assert_eq!(out.status.code(), Some(0), "{lang}: {}", stdout(&out));
    }
}

#[test]
fn an_operation_rule_is_validated() {
    let src = r#"source = { title = "t", date = "2025-07-01", evidence = "primary" }"#;
    let both = format!(
        "[[endpoint]]\nid = \"x-op\"\nname = \"n\"\nproduct = \"p\"\ncategory = \"c\"\nendpoint = \"/x/1/a\"\noperation = \"save_it\"\n{src}\n"
    );
    let bad_name = format!(
        "[[endpoint]]\nid = \"x-op\"\nname = \"n\"\nproduct = \"p\"\ncategory = \"c\"\noperation = \"save-it\"\nreplacement = \"/x/2/a\"\n{src}\n"
    );
    for (text, wants) in [
        (both.as_str(), vec!["not both"]),
        (
            bad_name.as_str(),
            vec!["not an identifier", "no `replacement`"],
        ),
    ] {
        let dir = tree(&[("r.toml", text)]);
        let out = run_in(dir.path(), &["rules", "--validate", "r.toml"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let all = format!("{}{}", stdout(&out), crate::util::stderr(&out));
        assert!(all.contains("sunset::rules::bad_operation"), "{all}");
        for w in wants {
            assert!(all.contains(w), "{w}: {all}");
        }
    }
}

/// Prose names `save_merchant` without calling it: a Markdown sentence is
/// not a use, a curl line in a fence is.
#[test]
fn save_merchant_in_prose_is_not_a_use() {
    let md = "# Notes\n\nThe save_merchant API refuses IPv6 (2001:db8::1).\n\n```sh\ncurl -X POST \"https://pci-api.qualys.com/pci/merchant/save_merchant\" -d \"assets=2001:db8::1\"\n```\n";
    let dir = tree(&[("NOTES.md", md)]);
    let doc = json(&run_in(
        dir.path(),
        &["audit", ".", "--format", "json", "--include-active"],
    ));
    let lines: Vec<u64> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, vec![6], "{doc:#}");
}
