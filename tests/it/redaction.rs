//! No credential reaches any output (issue 14, R11).
//!
//! Every form in `src/redact/variants.txt` (the redactor's own table) is
//! planted in a scanned tree with its own secret, on the line of a legacy
//! call, on the line above another, and (for the multi-line forms) with
//! the value lines away from its key. Then every output is read: `audit`
//! in each format, `check --write-baseline` (the file), `report` in each
//! format, and `fix`'s diff (context lines included) with its messages. No
//! secret, nor its base64 `bob:secret`, nor a JWT carrying it, may appear.

use std::path::Path;
use std::process::Output;

use crate::cli::{run_in, stderr};

const AS_OF: &str = "2026-12-01";

const VARIANTS: &str = include_str!("../../src/redact/variants.txt");

/// Forms whose value sits lines away from the key.
const MULTILINE: &[&str] = &[
    "env:\n  - name: QUALYS_PASSWORD\n    value: {S}\n",
    "password: |\n  {S}\n",
    "{\n  \"key\": \"password\",\n  \"value\": \"{S}\"\n}\n",
    "auth = (USER,\n        \"{S}\")\n",
];

const CALL: &str =
    "r = requests.get(\"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list\")";

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A variant with its placeholders filled, and the strings that must not
/// leak.
fn fill(form: &str, secret: &str) -> (String, Vec<String>) {
    let b64 = base64(format!("bob:{secret}").as_bytes());
    let jwt = format!(
        "eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJl",
        base64(format!("{{\"sub\":\"{secret}\"}}").as_bytes()).trim_end_matches('=')
    );
    let text = form
        .replace("{S}", secret)
        .replace("{B64}", &b64)
        .replace("{JWT}", &jwt);
    (text, vec![secret.to_string(), b64, jwt])
}

/// The tree: one file per form. Returns it and every (form, secret).
fn planted() -> (tempfile::TempDir, Vec<(String, String)>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut secrets = Vec::new();
    let single = VARIANTS
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            (
                l.strip_prefix('^').unwrap_or(l).to_string(),
                l.starts_with('^'),
            )
        });
    let multi = MULTILINE.iter().map(|m| (m.to_string(), true));
    for (n, (form, own_line)) in single.chain(multi).enumerate() {
        let secret = format!("Zq{n:03}Secret{n:03}Xw");
        let (text, leaks) = fill(&form, &secret);
        let body = if own_line || text.contains('\n') {
            format!("import requests\n{text}\n{CALL}\n\n{text}\n{CALL}\n")
        } else {
            // On the call's line, and on the line above another call.
            format!("import requests\n{text} ; {CALL}\n{text}\n{CALL}\n")
        };
        std::fs::write(dir.path().join(format!("v{n:03}.py")), body).expect("write");
        for l in leaks {
            secrets.push((form.clone(), l));
        }
    }
    (dir, secrets)
}

fn all_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_no_leak(what: &str, output: &str, secrets: &[(String, String)]) {
    let leaked: Vec<String> = secrets
        .iter()
        .filter(|(_, s)| output.contains(s.as_str()))
        .map(|(form, s)| format!("  {form:?} leaked {s}"))
        .collect();
    assert!(leaked.is_empty(), "{what}:\n{}", leaked.join("\n"));
}

fn run_ok(dir: &Path, args: &[&str]) -> Output {
    let o = run_in(dir, args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        stderr(&o)
    );
    o
}

#[test]
fn no_planted_credential_reaches_any_output() {
    let (dir, secrets) = planted();
    let d = dir.path();
    assert!(secrets.len() >= 3 * 30, "{}", secrets.len());

    // Sanity: the scan sees every file, so every snippet was built.
    let json = run_ok(d, &["audit", "--as-of", AS_OF, "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let files = std::fs::read_dir(d).expect("ls").count();
    let with_findings: std::collections::BTreeSet<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        with_findings.len(),
        files,
        "every planted file has a finding"
    );
    assert!(all_text(&json).contains("***"), "something was masked");

    for format in [
        "human", "json", "sarif", "github", "gitlab", "junit", "concise", "csv",
    ] {
        let o = run_ok(d, &["audit", "--as-of", AS_OF, "--format", format, "."]);
        assert_no_leak(&format!("audit --format {format}"), &all_text(&o), &secrets);
        let o = run_ok(d, &["check", "--as-of", AS_OF, "--format", format, "."]);
        assert_no_leak(&format!("check --format {format}"), &all_text(&o), &secrets);
    }

    let baseline = tempfile::tempdir().expect("tempdir");
    let file = baseline.path().join("baseline.json");
    let o = run_ok(
        d,
        &[
            "check",
            "--as-of",
            AS_OF,
            "--write-baseline",
            &file.to_string_lossy(),
            ".",
        ],
    );
    assert_no_leak("check --write-baseline (stderr)", &all_text(&o), &secrets);
    let written = std::fs::read_to_string(&file).expect("baseline");
    assert!(written.contains("\"entries\""));
    assert_no_leak("the baseline file", &written, &secrets);

    for format in ["markdown", "html", "csv"] {
        let o = run_ok(d, &["report", "--as-of", AS_OF, "--format", format, "."]);
        assert_no_leak(
            &format!("report --format {format}"),
            &all_text(&o),
            &secrets,
        );
    }

    // Without --unsafe (messages about held-back rewrites), and with it (a
    // diff whose context lines hold every planted form).
    let o = run_ok(d, &["fix", "--as-of", AS_OF, "."]);
    assert_no_leak("fix", &all_text(&o), &secrets);
    let o = run_ok(d, &["fix", "--as-of", AS_OF, "--unsafe", "."]);
    let out = all_text(&o);
    assert!(
        out.contains("+r = requests.get"),
        "rewrote the calls: {out}"
    );
    assert!(
        out.contains("hold a credential and are shown masked"),
        "{out}"
    );
    assert_no_leak("fix --unsafe", &out, &secrets);
}

#[test]
fn a_minified_postman_collection_shows_no_credential() {
    // One line, several requests, credentials around and far from the URLs.
    let mut items = Vec::new();
    for k in 0..6 {
        items.push(format!(
            r#"{{"name":"r{k}","request":{{"auth":{{"type":"basic","basic":[{{"key":"password","value":"Zq9PostmanPw{k}"}},{{"key":"username","value":"bob"}}]}},"header":[{{"key":"Authorization","value":"Bearer Zq9PostmanTok{k}.abc"}},{{"key":"X-Api-Key","value":"Zq9PostmanKey{k}"}}],"url":{{"raw":"https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list&pw=Zq9PostmanQ{k}","query":[{{"key":"password","value":"Zq9PostmanQp{k}"}}]}}}}}}"#
        ));
    }
    let collection = format!(
        r#"{{"info":{{"name":"q","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{}]}}"#,
        items.join(",")
    );
    let dir = crate::cli::tree(&[("qualys.postman_collection.json", &collection)]);
    let secrets: Vec<(String, String)> = (0..6)
        .flat_map(|k| {
            [
                "PostmanPw",
                "PostmanTok",
                "PostmanKey",
                "PostmanQ",
                "PostmanQp",
            ]
            .map(|s| ("postman".to_string(), format!("Zq9{s}{k}")))
        })
        .collect();
    for args in [
        vec!["audit", "--as-of", AS_OF, "--format", "json", "."],
        vec!["audit", "--as-of", AS_OF, "."],
        vec!["fix", "--as-of", AS_OF, "--unsafe", "."],
    ] {
        let o = run_ok(dir.path(), &args);
        assert_no_leak(&format!("{args:?}"), &all_text(&o), &secrets);
    }
}
