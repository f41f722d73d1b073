//! Requests, not just paths (issue 12): the request around a call decides
//! the advice. The Scan API 2.0 moved only `action=list` to 3.0; a launch
//! gets no 3.0 advice and no fix, and an action that is not a literal gets
//! no guess. One fixture per language, each with its must-not-flag twin.

use serde_json::Value;

use crate::util::{json, run_in, stdout, tree};

/// The findings of `audit --format json` on one file, as JSON.
fn audit_one(name: &str, body: &str) -> Vec<Value> {
    let dir = tree(&[(name, body)]);
    let doc = json(&run_in(
        dir.path(),
        &["audit", ".", "--format", "json", "--as-of", "2026-11-23"],
    ));
    doc["findings"].as_array().expect("findings").clone()
}

/// The one Scan API 2.0 call finding of a file.
fn scan_call(name: &str, body: &str) -> Value {
    let found: Vec<Value> = audit_one(name, body)
        .into_iter()
        .filter(|f| f["rule"] == "qualys-scan-v2" && f["kind"] == "call")
        .collect();
    assert_eq!(found.len(), 1, "{name}: {found:#?}");
    found.into_iter().next().expect("one")
}

fn codes(f: &Value) -> Vec<String> {
    f["request_checks"]
        .as_array()
        .expect("request_checks")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_string())
        .collect()
}

/// `list`: the 3.0 advice and a fix; the request is data in the output.
fn assert_list(name: &str, f: &Value) {
    assert_eq!(f["replacement"], "/api/3.0/fo/scan/", "{name}");
    assert!(f["fix"].is_object(), "{name}: a list call is rewritten");
    assert_eq!(f["request"]["action"], "list", "{name}");
    assert!(codes(f).is_empty(), "{name}");
}

/// `launch`: EOL still applies, no replacement, no fix, and it says why.
fn assert_launch(name: &str, f: &Value) {
    assert_eq!(f["replacement"], Value::Null, "{name}");
    assert_eq!(f["suggested"], Value::Null, "{name}");
    assert_eq!(f["fix"], Value::Null, "{name}: a launch is never rewritten");
    assert_eq!(f["status"], "eos", "{name}: the deadlines still apply");
    assert_eq!(f["request"]["action"], "launch", "{name}");
    assert_eq!(codes(f), ["action-no-replacement"], "{name}");
    let message = f["request_checks"][0]["message"].as_str().expect("message");
    assert!(
        message.contains("action=launch is not documented on /api/3.0/fo/scan/"),
        "{message}"
    );
}

/// Not a literal: no action, no guess, no fix.
fn assert_unknown(name: &str, f: &Value) {
    assert_eq!(f["replacement"], Value::Null, "{name}");
    assert_eq!(f["fix"], Value::Null, "{name}");
    assert_eq!(f["request"]["action"], Value::Null, "{name}");
    assert_eq!(codes(f), ["action-unknown"], "{name}");
    let action: Vec<&Value> = f["request"]["params"]
        .as_array()
        .expect("params")
        .iter()
        .filter(|p| p["name"] == "action")
        .collect();
    assert!(
        action.iter().all(|p| p["value"].is_null()),
        "{name}: a computed value is unknown, never guessed: {action:?}"
    );
}

const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "scan.py",
        "import requests\nH = 'https://qualysapi.qualys.com'\nrequests.post(H + '/api/2.0/fo/scan/', data={'action': 'list', 'state': 'Running'})\n",
        "import requests\nH = 'https://qualysapi.qualys.com'\nrequests.post(H + '/api/2.0/fo/scan/', data={'action': 'launch', 'scan_title': t})\n",
        "import requests\nH = 'https://qualysapi.qualys.com'\nrequests.post(H + '/api/2.0/fo/scan/', data={'action': kind})\n",
    ),
    (
        "scan.sh",
        "curl -u \"$U:$P\" -H 'X-Requested-With: sh' \\\n  -d action=list \\\n  \"https://qualysapi.qualys.com/api/2.0/fo/scan/\"\n",
        "curl -u \"$U:$P\" -H 'X-Requested-With: sh' -X POST \\\n  --data-urlencode \"action=launch\" \\\n  --data-urlencode \"ip=${TARGET}\" \\\n  \"https://qualysapi.qualys.com/api/2.0/fo/scan/\"\n",
        "curl -u \"$U:$P\" -H 'X-Requested-With: sh' \\\n  -d \"action=${ACTION}\" \\\n  \"https://qualysapi.qualys.com/api/2.0/fo/scan/\"\n",
    ),
    (
        "scan.ps1",
        "Invoke-RestMethod -Uri \"https://qualysapi.qualys.com/api/2.0/fo/scan/\" -Method Post `\n  -Body @{ action = 'list' }\n",
        "$body = @{\n  action = 'launch'\n  scan_title = $title\n}\nInvoke-RestMethod -Uri \"https://qualysapi.qualys.com/api/2.0/fo/scan/\" -Method Post -Body $body\n",
        "Invoke-RestMethod -Uri \"https://qualysapi.qualys.com/api/2.0/fo/scan/\" -Method Post -Body @{ action = $Action }\n",
    ),
    (
        "scan.js",
        "const r = await fetch('https://qualysapi.qualys.com/api/2.0/fo/scan/', { method: 'POST', body: new URLSearchParams({ action: 'list' }) });\n",
        "const r = await axios.post('https://qualysapi.qualys.com/api/2.0/fo/scan/', JSON.stringify({ action: 'launch', ip: target }));\n",
        "const r = await fetch('https://qualysapi.qualys.com/api/2.0/fo/scan/', { method: 'POST', body: new URLSearchParams({ action: mode }) });\n",
    ),
    (
        "scan.go",
        "package main\n\nimport (\n\t\"net/http\"\n\t\"net/url\"\n)\n\nfunc run() {\n\thttp.PostForm(\"https://qualysapi.qualys.com/api/2.0/fo/scan/\", url.Values{\"action\": {\"list\"}})\n}\n",
        "package main\n\nimport (\n\t\"net/http\"\n\t\"net/url\"\n)\n\nfunc run() {\n\thttp.PostForm(\"https://qualysapi.qualys.com/api/2.0/fo/scan/\", url.Values{\"action\": {\"launch\"}})\n}\n",
        "package main\n\nimport (\n\t\"net/http\"\n\t\"net/url\"\n)\n\nfunc run(a string) {\n\thttp.PostForm(\"https://qualysapi.qualys.com/api/2.0/fo/scan/\", url.Values{\"action\": {a}})\n}\n",
    ),
];

fn postman(body_mode: &str, action: &str) -> String {
    format!(
        r#"{{"info": {{"name": "q", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
"item": [{{"name": "scan", "request": {{"method": "POST",
  "url": {{"raw": "https://qualysapi.qualys.com/api/2.0/fo/scan/", "protocol": "https", "host": ["qualysapi", "qualys", "com"], "path": ["api", "2.0", "fo", "scan", ""]}},
  "body": {{"mode": "{body_mode}", "{body_mode}": [{{"key": "action", "value": "{action}"}}]}}}}}}]}}
"#
    )
}

#[test]
fn scan_list_gets_3_0_and_a_fix_in_every_language() {
    for (name, list, _, _) in CASES {
        assert_list(name, &scan_call(name, list));
    }
    let f = scan_call("q.postman_collection.json", &postman("urlencoded", "list"));
    assert_list("postman", &f);
    // The query string alone decides too.
    let f = scan_call(
        "q.sh",
        "curl 'https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list'\n",
    );
    assert_list("query string", &f);
}

#[test]
fn scan_launch_gets_no_3_0_advice_and_no_fix_in_every_language() {
    for (name, _, launch, _) in CASES {
        assert_launch(name, &scan_call(name, launch));
    }
    let f = scan_call("q.postman_collection.json", &postman("formdata", "launch"));
    assert_launch("postman", &f);
}

#[test]
fn a_non_literal_action_is_unknown_never_guessed() {
    for (name, _, _, unknown) in CASES {
        assert_unknown(name, &scan_call(name, unknown));
    }
    let f = scan_call(
        "q.postman_collection.json",
        &postman("urlencoded", "{{action}}"),
    );
    assert_unknown("postman", &f);
}

#[test]
fn an_action_in_another_call_is_not_this_requests() {
    // The launch belongs to the next call: this one's action is not known.
    let f = scan_call(
        "scan.py",
        "import requests\nH = 'https://qualysapi.qualys.com'\nr = requests.get(H + '/api/2.0/fo/scan/')\nlog(action='launch')\n",
    );
    assert_eq!(codes(&f), ["action-unknown"]);
    assert!(f["request_checks"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("no action is visible")));
}

#[test]
fn rules_without_action_scope_keep_their_replacement() {
    // The Report API has no per-action scope: its advice does not depend
    // on the action, literal or not.
    let found = audit_one(
        "r.py",
        "import requests\nH = 'https://qualysapi.qualys.com'\nrequests.post(H + '/api/2.0/fo/report/', data={'action': kind})\n",
    );
    let f = found
        .iter()
        .find(|f| f["rule"] == "qualys-report-v2")
        .expect("report finding");
    assert_eq!(f["replacement"], "/api/3.0/fo/report/");
    assert!(codes(f).is_empty());
}

#[test]
fn fix_never_rewrites_a_launch_and_rewrites_a_list() {
    let dir = tree(&[("launch.py", CASES[0].2), ("list.py", CASES[0].1)]);
    let out = run_in(dir.path(), &["fix", ".", "--unsafe"]);
    let diff = stdout(&out);
    assert!(diff.contains("+++ b/list.py"), "{diff}");
    assert!(!diff.contains("+++ b/launch.py"), "{diff}");
}

#[test]
fn human_output_says_why_a_launch_has_no_replacement() {
    let dir = tree(&[("scan.sh", CASES[1].2)]);
    let out = run_in(dir.path(), &["audit", ".", "--as-of", "2026-11-23"]);
    let text = stdout(&out);
    assert!(
        text.contains("help: action=launch is not documented on /api/3.0/fo/scan/"),
        "{text}"
    );
    assert!(!text.contains("use /api/3.0/fo/scan/"), "{text}");
}

#[test]
fn sarif_carries_the_request_as_properties() {
    let dir = tree(&[("scan.sh", CASES[1].2)]);
    let doc = json(&run_in(
        dir.path(),
        &["audit", ".", "--format", "sarif", "--as-of", "2026-11-23"],
    ));
    let props = &doc["runs"][0]["results"][0]["properties"];
    assert_eq!(props["request"]["action"], "launch");
    assert_eq!(props["request"]["method"], "POST");
    assert_eq!(props["requestChecks"][0]["code"], "action-no-replacement");
}

#[test]
fn a_url_built_by_a_wrapper_takes_the_action_of_the_call_that_passes_the_path() {
    let body = "import requests\nBASE = 'https://qualysapi.qualys.com/api/2.0/fo/'\n\nclass C:\n    def _post(self, path, **params):\n        return requests.post(BASE + path, data=params)\n\n    def scans(self):\n        return self._post('scan/', action=\"list\")\n\n    def launch(self, t):\n        return self._post('scan/', action=\"launch\", scan_title=t)\n";
    let found: Vec<Value> = audit_one("client.py", body)
        .into_iter()
        .filter(|f| f["rule"] == "qualys-scan-v2" && f["kind"] == "call")
        .collect();
    let by_line = |line: u64| {
        found
            .iter()
            .find(|f| f["line"] == line)
            .unwrap_or_else(|| panic!("no finding on line {line}: {found:#?}"))
    };
    assert_eq!(by_line(9)["replacement"], "/api/3.0/fo/scan/");
    assert_eq!(by_line(12)["replacement"], Value::Null);
    assert_eq!(codes(by_line(12)), ["action-no-replacement"]);
}

#[test]
fn sunset_rules_shows_the_per_action_replacement() {
    let dir = tree::<&str>(&[]);
    let out = run_in(dir.path(), &["rules", "--as-of", "2026-11-23"]);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.starts_with("qualys-scan-v2 "))
        .expect("scan-v2 row");
    assert!(
        line.contains(
            "/api/3.0/fo/scan/ (action=list; none for launch|fetch|cancel|pause|resume|delete)"
        ),
        "{line}"
    );
    // A rule without action scope shows its replacement alone.
    let report = text
        .lines()
        .find(|l| l.starts_with("qualys-report-v2 "))
        .expect("report-v2 row");
    assert!(report.contains("/api/3.0/fo/report/ "), "{report}");
    assert!(!report.contains("action="), "{report}");
}
