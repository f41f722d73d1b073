//! Parameter checks (issue 12 item 2, `[[endpoint.param-check]]`): the
//! parameters of a request against what the sources say the endpoint (or
//! its replacement) takes. Every check is exercised in Python, shell/curl,
//! PowerShell, JavaScript and a Postman collection, each with its
//! must-not-flag twins: the corrected request is clean, and a request whose
//! deciding value is not a literal gets `param-unknown`, never a verdict.

use serde_json::Value;

use crate::util::{json, run_in, stdout, tree};

/// A parameter's value as written: a literal, or a variable.
#[derive(Clone, Copy)]
pub(crate) enum V {
    Lit(&'static str),
    Var,
}

pub(crate) const LANGS: &[&str] = &["py", "sh", "ps1", "js", "postman"];

/// One request to `url` with `params`, written in `lang`.
pub(crate) fn request(lang: &str, url: &str, params: &[(&str, V)]) -> (String, String) {
    let mut body = String::new();
    match lang {
        "py" => {
            let items: Vec<String> = params
                .iter()
                .map(|(k, v)| match v {
                    V::Lit(s) => format!("'{k}': '{s}'"),
                    V::Var => format!("'{k}': value_of_{k}"),
                })
                .collect();
            body.push_str(&format!(
                "import requests\nrequests.post('{url}', data={{{}}})\n",
                items.join(", ")
            ));
            ("req.py".into(), body)
        }
        "sh" => {
            body.push_str("curl -u \"$U:$P\" -H 'X-Requested-With: sh' -X POST \\\n");
            for (k, v) in params {
                match v {
                    V::Lit(s) => body.push_str(&format!("  --data-urlencode '{k}={s}' \\\n")),
                    V::Var => body.push_str(&format!("  --data-urlencode \"{k}=${{V_{k}}}\" \\\n")),
                }
            }
            body.push_str(&format!("  \"{url}\"\n"));
            ("req.sh".into(), body)
        }
        "ps1" => {
            body.push_str("$body = @{\n");
            for (k, v) in params {
                match v {
                    V::Lit(s) => body.push_str(&format!("  {k} = '{s}'\n")),
                    V::Var => body.push_str(&format!("  {k} = $V_{k}\n")),
                }
            }
            body.push_str(&format!(
                "}}\nInvoke-RestMethod -Uri \"{url}\" -Method Post -Body $body\n"
            ));
            ("req.ps1".into(), body)
        }
        "js" => {
            let items: Vec<String> = params
                .iter()
                .map(|(k, v)| match v {
                    V::Lit(s) => format!("{k}: '{s}'"),
                    V::Var => format!("{k}: v_{k}"),
                })
                .collect();
            body.push_str(&format!(
                "const r = await fetch('{url}', {{ method: 'POST', body: new URLSearchParams({{ {} }}) }});\n",
                items.join(", ")
            ));
            ("req.js".into(), body)
        }
        "postman" => {
            let (host, path) = url
                .strip_prefix("https://")
                .and_then(|u| u.split_once('/'))
                .expect("https URL");
            let hosts: Vec<String> = host.split('.').map(|h| format!("\"{h}\"")).collect();
            let segs: Vec<String> = path.split('/').map(|s| format!("\"{s}\"")).collect();
            let items: Vec<String> = params
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        V::Lit(s) => (*s).to_string(),
                        V::Var => format!("{{{{{k}}}}}"),
                    };
                    format!("{{\"key\": \"{k}\", \"value\": \"{value}\"}}")
                })
                .collect();
            body = format!(
                r#"{{"info": {{"name": "q", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
"item": [{{"name": "r", "request": {{"method": "POST",
  "url": {{"raw": "{url}", "protocol": "https", "host": [{}], "path": [{}]}},
  "body": {{"mode": "urlencoded", "urlencoded": [{}]}}}}}}]}}
"#,
                hosts.join(", "),
                segs.join(", "),
                items.join(", ")
            );
            ("q.postman_collection.json".into(), body)
        }
        other => panic!("no language {other}"),
    }
}

/// The one call finding of `rule` in the request written in `lang`.
pub(crate) fn finding(lang: &str, rule: &str, url: &str, params: &[(&str, V)]) -> Value {
    let (name, body) = request(lang, url, params);
    let dir = tree(&[(name.as_str(), body.as_str())]);
    let doc = json(&run_in(
        dir.path(),
        &[
            "audit",
            ".",
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            "--include-active",
        ],
    ));
    let found: Vec<Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule && f["kind"] == "call")
        .cloned()
        .collect();
    assert_eq!(found.len(), 1, "{lang}: {body}\n{found:#?}");
    found.into_iter().next().expect("one")
}

/// The request checks of a finding whose code starts with `param-`.
pub(crate) fn param_checks(f: &Value) -> Vec<(String, String, String)> {
    f["request_checks"]
        .as_array()
        .expect("request_checks")
        .iter()
        .filter(|c| c["code"].as_str().is_some_and(|c| c.starts_with("param-")))
        .map(|c| {
            (
                c["code"].as_str().expect("code").to_string(),
                c["level"].as_str().expect("level").to_string(),
                c["message"].as_str().expect("message").to_string(),
            )
        })
        .collect()
}

/// Asserts that every language gives exactly `want` (code, level, message
/// fragment) for the request.
fn expect(rule: &str, url: &str, params: &[(&str, V)], want: &[(&str, &str, &str)]) {
    for lang in LANGS {
        let f = finding(lang, rule, url, params);
        let got = param_checks(&f);
        assert_eq!(got.len(), want.len(), "{lang}: {got:#?}");
        for ((code, level, message), (wc, wl, wm)) in got.iter().zip(want) {
            assert_eq!(code, wc, "{lang}: {got:#?}");
            assert_eq!(level, wl, "{lang}: {got:#?}");
            assert!(message.contains(wm), "{lang}: {message}");
        }
    }
}

const PCRS_1: &str = "https://gateway.qg1.apps.qualys.com/pcrs/1.0/posture/policy/list";
const PCRS_2: &str = "https://gateway.qg1.apps.qualys.com/pcrs/2.0/posture/policy/list";
const NSX_2: &str = "https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/";
const NSX_3: &str = "https://qualysapi.qualys.com/api/3.0/fo/auth/nsx/";
const JOB_2: &str = "https://qualysapi.qualys.com/api/2.0/fo/scan/cloud/internal/job/";
const JOB_3: &str = "https://qualysapi.qualys.com/api/3.0/fo/scan/cloud/internal/job/";

#[test]
fn require_tag_info_on_pcrs_1_0_is_flagged_and_2_0_is_clean() {
    let tag = [("requireTagInfo", V::Lit("1"))];
    expect(
        "qualys-pcrs-policy-list-v1",
        PCRS_1,
        &tag,
        &[(
            "param-not-accepted",
            "warning",
            "requireTagInfo is not a parameter of 1.0",
        )],
    );
    // Twins: 1.0 without it, and 2.0 with it, are clean.
    expect(
        "qualys-pcrs-policy-list-v1",
        PCRS_1,
        &[("lastEvaluationDate", V::Lit("2021-09-30"))],
        &[],
    );
    expect("qualys-pcrs-policy-list-v2", PCRS_2, &tag, &[]);
}

fn nsx(vault: V, ad: Option<V>) -> Vec<(&'static str, V)> {
    let mut p = vec![
        ("action", V::Lit("create")),
        ("title", V::Lit("API NSX")),
        ("login_type", V::Lit("vault")),
        ("vault_type", vault),
    ];
    if let Some(ad) = ad {
        p.push(("use_ad_hashicorp", ad));
    }
    p
}

#[test]
fn nsx_3_0_create_with_a_hashicorp_vault_needs_use_ad_hashicorp() {
    let hashi = V::Lit("HashiCorp");
    expect(
        "qualys-auth-nsx-v3",
        NSX_3,
        &nsx(hashi, None),
        &[(
            "param-required",
            "error",
            "3.0 requires use_ad_hashicorp here (HashiCorp vault): add use_ad_hashicorp=1",
        )],
    );
    // Twins: with the parameter (literal or not), another vault, clean.
    expect(
        "qualys-auth-nsx-v3",
        NSX_3,
        &nsx(hashi, Some(V::Lit("1"))),
        &[],
    );
    expect("qualys-auth-nsx-v3", NSX_3, &nsx(hashi, Some(V::Var)), &[]);
    expect(
        "qualys-auth-nsx-v3",
        NSX_3,
        &nsx(V::Lit("CyberArk"), None),
        &[],
    );
    // The vault type is not a literal: unknown, never a verdict.
    expect(
        "qualys-auth-nsx-v3",
        NSX_3,
        &nsx(V::Var, None),
        &[(
            "param-unknown",
            "info",
            "the value of `vault_type` is not a literal",
        )],
    );
    // A list request is not a create or update.
    let mut list = nsx(hashi, None);
    list[0] = ("action", V::Lit("list"));
    expect("qualys-auth-nsx-v3", NSX_3, &list, &[]);
}

#[test]
fn nsx_2_0_warns_what_3_0_needs_and_is_not_rewritten_without_it() {
    let hashi = V::Lit("HashiCorp");
    expect(
        "qualys-auth-nsx-v2",
        NSX_2,
        &nsx(hashi, None),
        &[(
            "param-required",
            "warning",
            "add use_ad_hashicorp=1 when moving this request to /api/3.0/fo/auth/nsx/",
        )],
    );
    let lacking = finding("py", "qualys-auth-nsx-v2", NSX_2, &nsx(hashi, None));
    assert_eq!(
        lacking["fix"],
        Value::Null,
        "a rewrite alone would fail on 3.0"
    );
    assert_eq!(lacking["replacement"], "/api/3.0/fo/auth/nsx/");
    let with = finding(
        "py",
        "qualys-auth-nsx-v2",
        NSX_2,
        &nsx(hashi, Some(V::Lit("0"))),
    );
    assert!(param_checks(&with).is_empty());
    assert!(with["fix"].is_object(), "{with:#}");
}

#[test]
fn gcp_internal_scans_on_the_2_0_job_are_flagged() {
    let req = |provider: V| {
        vec![
            ("action", V::Lit("create")),
            ("scan_title", V::Lit("gcp")),
            ("cloud_provider", provider),
        ]
    };
    expect(
        "qualys-scan-cloud-internal-v2",
        JOB_2,
        &req(V::Lit("gcp")),
        &[(
            "param-value",
            "error",
            "documented only on /api/3.0/fo/scan/cloud/internal/job/",
        )],
    );
    // Twins: another provider is clean; a computed one is unknown; 3.0 is clean.
    expect(
        "qualys-scan-cloud-internal-v2",
        JOB_2,
        &req(V::Lit("aws")),
        &[],
    );
    expect(
        "qualys-scan-cloud-internal-v2",
        JOB_2,
        &req(V::Var),
        &[("param-unknown", "info", "`cloud_provider` is not a literal")],
    );
    expect(
        "qualys-scan-cloud-internal-v3",
        JOB_3,
        &req(V::Lit("gcp")),
        &[],
    );
}

#[test]
fn exclusive_pairs_on_internal_gcp_scans_on_3_0() {
    let base = || {
        vec![
            ("action", V::Lit("create")),
            ("cloud_provider", V::Lit("gcp")),
            ("connector_name", V::Lit("c1")),
            ("option_title", V::Lit("Qualys Recommended")),
            ("iscanner_name", V::Lit("RM_GCP_SCANNER")),
        ]
    };
    // The clean twin: one of each pair.
    expect("qualys-scan-cloud-internal-v3", JOB_3, &base(), &[]);
    for (extra, first) in [
        ("connector_uuid", "connector_name"),
        ("option_id", "option_title"),
        ("iscanner_id", "iscanner_id"),
    ] {
        let mut p = base();
        p.push((extra, V::Var));
        expect(
            "qualys-scan-cloud-internal-v3",
            JOB_3,
            &p,
            &[("param-exclusive", "error", &format!("{first} and "))],
        );
    }
    // Not a GCP scan: the pair rule is the GCP section's, no verdict.
    let mut aws = base();
    aws[1] = ("cloud_provider", V::Lit("aws"));
    aws.push(("connector_uuid", V::Lit("7")));
    expect("qualys-scan-cloud-internal-v3", JOB_3, &aws, &[]);
    // The action is not a literal: unknown.
    let mut unknown = base();
    unknown[0] = ("action", V::Var);
    unknown.push(("option_id", V::Lit("9")));
    let f = finding("sh", "qualys-scan-cloud-internal-v3", JOB_3, &unknown);
    let got = param_checks(&f);
    assert!(
        !got.is_empty()
            && got
                .iter()
                .all(|(c, l, _)| c == "param-unknown" && l == "info"),
        "{got:#?}"
    );
}

#[test]
fn human_output_prints_the_check_under_the_finding() {
    let (name, body) = request("sh", NSX_3, &nsx(V::Lit("HashiCorp"), None));
    let dir = tree(&[(name.as_str(), body.as_str())]);
    let out = run_in(
        dir.path(),
        &["audit", ".", "--as-of", "2026-11-23", "--include-active"],
    );
    let text = stdout(&out);
    assert!(text.contains("add use_ad_hashicorp=1"), "{text}");
}

#[test]
fn sarif_carries_the_param_checks() {
    let (name, body) = request("py", PCRS_1, &[("requireTagInfo", V::Lit("1"))]);
    let dir = tree(&[(name.as_str(), body.as_str())]);
    let doc = json(&run_in(
        dir.path(),
        &["audit", ".", "--format", "sarif", "--as-of", "2026-11-23"],
    ));
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let checks: Vec<&Value> = results
        .iter()
        .filter_map(|r| r["properties"]["requestChecks"].as_array())
        .flatten()
        .collect();
    assert!(
        checks.iter().any(|c| c["code"] == "param-not-accepted"),
        "{doc:#}"
    );
}

#[test]
fn check_fails_on_a_request_error_unless_fail_on_request_never() {
    let gcp = [
        ("action", V::Lit("create")),
        ("cloud_provider", V::Lit("gcp")),
    ];
    let aws = [
        ("action", V::Lit("create")),
        ("cloud_provider", V::Lit("aws")),
    ];
    let (name, body) = request("sh", JOB_2, &gcp);
    let dir = tree(&[(name.as_str(), body.as_str())]);
    // At 2026-11-23 the 2.0 job is at EOS: `--fail-on eol` alone passes it.
    let check = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--as-of", "2026-11-23"];
        args.extend_from_slice(extra);
        run_in(dir.path(), &args)
    };
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("1 call with a request error (--fail-on-request)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        check(&["--fail-on-request", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        check(&["--fail-on-request", "warning"]).status.code(),
        Some(1)
    );
    // The twin: another provider passes by default.
    let (name, body) = request("sh", JOB_2, &aws);
    let clean = tree(&[(name.as_str(), body.as_str())]);
    let out = run_in(clean.path(), &["check", ".", "--as-of", "2026-11-23"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A warning-level check (requireTagInfo on 1.0) fails only at warning.
    let (name, body) = request("py", PCRS_1, &[("requireTagInfo", V::Lit("1"))]);
    let warn = tree(&[(name.as_str(), body.as_str())]);
    let at = |level: &str| {
        run_in(
            warn.path(),
            &[
                "check",
                ".",
                "--as-of",
                "2026-11-23",
                "--fail-on-request",
                level,
            ],
        )
        .status
        .code()
    };
    assert_eq!(at("error"), Some(0));
    assert_eq!(at("warning"), Some(1));
}
