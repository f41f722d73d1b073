//! URLs built across files, as real clients build them: each shape from
//! issue 10, with the twin that must not be joined.

use serde_json::Value;

use crate::util::{json, run_in, tree};

fn findings(files: &[(&str, &str)]) -> Vec<(String, u64, String, String)> {
    let dir = tree(files);
    let doc: Value = json(&run_in(
        dir.path(),
        &["audit", ".", "--format", "json", "--as-of", "2026-11-23"],
    ));
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] != "mention")
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["rule"].as_str().expect("rule").to_string(),
                f["confidence"].as_str().expect("confidence").to_string(),
            )
        })
        .collect()
}

/// A version map and a builder in one file of a Go package, call sites in
/// others passing only `path: "scan/"`.
#[test]
fn go_version_map_builder_and_path_keys() {
    let got = findings(&[
        (
            "vmdr/version.go",
            "package vmdr\n\ntype apiVersion string\n\nconst v2_0 apiVersion = \"2.0\"\n\nvar pinned = map[capability]apiVersion{\n\tcapScan: v2_0,\n}\n\nfunc versionFor(c capability) apiVersion {\n\tif v, ok := pinned[c]; ok {\n\t\treturn v\n\t}\n\treturn v2_0\n}\n",
        ),
        (
            "vmdr/client.go",
            "package vmdr\n\nfunc (c *Client) endpoint(cap capability, path string) string {\n\tv := versionFor(cap)\n\treturn fmt.Sprintf(\"%s/api/%s/fo/%s\", c.baseURL.String(), v, strings.TrimLeft(path, \"/\"))\n}\n\nfunc (c *Client) do(req request) {\n\tu := c.endpoint(req.capability, req.path)\n\t_ = u\n}\n",
        ),
        (
            "vmdr/scan.go",
            "package vmdr\n\nfunc (c *Client) Scans() {\n\tc.do(request{\n\t\tcapability: capScan,\n\t\tpath:       \"scan/\",\n\t})\n}\n",
        ),
    ]);
    assert_eq!(
        got,
        vec![(
            "vmdr/scan.go".to_string(),
            6,
            "qualys-scan-v2".to_string(),
            "inferred".to_string()
        )]
    );
}

/// A base constant in one file, a helper joining it to its parameter in
/// another, and callers in a third passing a path with a leading slash.
#[test]
fn python_base_helper_and_callers_in_three_files() {
    let got = findings(&[
        (
            "app/settings.py",
            "BASE = \"https://qualysapi.qualys.com/api/2.0/fo\"\n",
        ),
        (
            "app/client.py",
            "import requests\nfrom .settings import BASE\n\n\ndef fo_post(path, **data):\n    return requests.post(BASE + path, data=data)\n",
        ),
        (
            "app/jobs.py",
            "from .client import fo_post\n\n\ndef nightly():\n    fo_post(\"/report/\", action=\"list\")\n    fo_post(\"/scan/\", action=\"list\")\n",
        ),
    ]);
    let lines: Vec<(&str, u64, &str)> = got
        .iter()
        .map(|(p, l, r, _)| (p.as_str(), *l, r.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("app/jobs.py", 5, "qualys-report-v2"),
            ("app/jobs.py", 6, "qualys-scan-v2")
        ]
    );
}

/// With one base in the repository, a relative-looking string that flows
/// into no request (a directory, a route) is not joined to it.
#[test]
fn a_relative_string_with_no_link_to_the_base_is_no_call() {
    let got = findings(&[
        (
            "settings.py",
            "BASE = \"https://qualysapi.qualys.com/api/2.0/fo/\"\n",
        ),
        (
            "tools.py",
            "import os\nimport shutil\n\nos.makedirs('scan/', exist_ok=True)\nshutil.rmtree('report/')\napp.get('scan/', handler)\n",
        ),
    ]);
    assert!(got.is_empty(), "{got:?}");
}

/// PowerShell: the relative path is a hashtable key a request wrapper
/// reads (`RelativeURI`), the base a value of a settings file.
#[test]
fn powershell_hashtable_key_read_by_a_wrapper() {
    let got = findings(&[
        (
            "Module/Public/Get-Hosts.ps1",
            "function Get-QualysHosts {\n    $params = @{\n        RelativeURI = 'asset/host/'\n        Method = 'GET'\n    }\n    Invoke-QualysRestCall @params\n}\n",
        ),
        (
            "Module/Private/Invoke-QualysRestCall.ps1",
            "function Invoke-QualysRestCall {\n    param([string]$RelativeURI, [string]$Method)\n    $BaseURI = 'https://qualysapi.qualys.com/api/2.0/fo/'\n    Invoke-RestMethod -Uri \"$BaseURI$RelativeURI\" -Method $Method\n}\n",
        ),
    ]);
    let lines: Vec<(&str, u64, &str)> = got
        .iter()
        .map(|(p, l, r, _)| (p.as_str(), *l, r.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![("Module/Public/Get-Hosts.ps1", 3, "qualys-asset-host-v2")]
    );
}
