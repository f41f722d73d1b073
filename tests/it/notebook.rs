//! Jupyter notebooks (issue 13): positions in cells, code cells read as one
//! program in cell order, and `fix` editing only the version bytes of the
//! JSON (or refusing).

use std::path::Path;

use crate::util::{audit_json, code, run_in, stderr, stdout};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/notebook")
        .join(name);
    std::fs::read_to_string(path).expect("fixture")
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// The resolving notebook fixture beside a plain file with a legacy URL:
/// what a notebook's finding carries, the plain file's must not.
fn notebook_and_plain_file() -> tempfile::TempDir {
    tree(&[
        ("nb/cells_resolve.ipynb", &fixture("cells_resolve.ipynb")),
        (
            "nb/plain.py",
            "u = 'https://qualysapi.qualys.com/api/2.0/fo/report/'\n",
        ),
    ])
}

#[test]
fn json_keeps_file_lines_and_adds_the_cell_position() {
    let dir = tree(&[("nb/cells_resolve.ipynb", &fixture("cells_resolve.ipynb"))]);
    let doc = audit_json(dir.path(), &["nb"]);
    let found: Vec<(u64, u64, u64, u64, u64)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let n = &f["notebook"];
            let u = |v: &serde_json::Value| v.as_u64().expect("number");
            (
                u(&f["line"]),
                u(&f["column"]),
                u(&n["cell"]),
                u(&n["line"]),
                u(&n["column"]),
            )
        })
        .collect();
    // The column in the cell counts the decoded `é` (`\u00e9`) as one
    // character and the escaped quotes as one each.
    assert_eq!(
        found,
        vec![
            (8, 17, 1, 2, 12),
            (27, 46, 3, 1, 34),
            (28, 43, 3, 2, 38),
            (36, 83, 4, 2, 27),
        ]
    );
    let scan = &doc["findings"][1];
    assert_eq!(scan["origins"][0]["name"], "BASE");
    assert_eq!(scan["origins"][0]["notebook"]["cell"], 2);
    assert_eq!(scan["via"], "built from `BASE` defined at cell_2:2");
}

#[test]
fn concise_and_human_name_the_cell_like_nbqa() {
    let dir = tree(&[("nb/cells_resolve.ipynb", &fixture("cells_resolve.ipynb"))]);
    let o = run_in(
        dir.path(),
        &[
            "audit",
            "nb",
            "--format",
            "concise",
            "--as-of",
            crate::util::AS_OF,
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    insta::assert_snapshot!("notebook_concise", out);
    let o = run_in(
        dir.path(),
        &[
            "audit",
            "nb",
            "--color",
            "never",
            "--as-of",
            crate::util::AS_OF,
        ],
    );
    assert!(
        stdout(&o).contains("╭─[nb/cells_resolve.ipynb:cell_3:1:34]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_name_defined_in_a_later_cell_or_another_notebook_does_not_resolve() {
    let dir = tree(&[
        ("a/later_cell.ipynb", &fixture("later_cell.ipynb")),
        ("b/cells_resolve.ipynb", &fixture("cells_resolve.ipynb")),
    ]);
    let doc = audit_json(dir.path(), &["a", "b"]);
    let in_twin: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.contains("later_cell")))
        .collect();
    assert!(in_twin.is_empty(), "{in_twin:?}");
}

#[test]
fn fix_edits_only_the_version_bytes_and_keeps_valid_json() {
    let original = fixture("cells_resolve.ipynb");
    let dir = tree(&[("nb/cells_resolve.ipynb", &original)]);
    let o = run_in(dir.path(), &["fix", "nb", "--write", "--unsafe"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = std::fs::read_to_string(dir.path().join("nb/cells_resolve.ipynb")).expect("read");
    serde_json::from_str::<serde_json::Value>(&after).expect("still JSON");
    // The shell escape and the joined literal of cell 4 hold their own
    // version; the base of cell 2 is shared, so it is left to a person.
    let expected = original
        .replacen(
            "qualys.com/api/2.0/fo/asset/host/",
            "qualys.com/api/5.0/fo/asset/host/",
            1,
        )
        .replacen("\\\"/api/2.0/fo/report/", "\\\"/api/3.0/fo/report/", 1);
    assert_ne!(expected, original);
    assert_eq!(after, expected);
}

#[test]
fn fix_never_touches_an_escaped_version() {
    // `2` written as `\u0032`: the version is not verbatim in the JSON.
    let nb = r#"{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["requests.get(\"https://qualysapi.qualys.com/api/\u0032.0/fo/report/\")"]}], "nbformat": 4}"#;
    let dir = tree(&[("nb/escaped.ipynb", nb)]);
    let doc = audit_json(dir.path(), &["nb"]);
    let f = &doc["findings"][0];
    assert_eq!(f["endpoint"], "/api/2.0/fo/report/");
    assert!(f["fix"].is_null(), "{f}");
    assert!(f["manual_fix"].is_string(), "{f}");
    let o = run_in(dir.path(), &["fix", "nb", "--write", "--unsafe"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = std::fs::read_to_string(dir.path().join("nb/escaped.ipynb")).expect("read");
    assert_eq!(after, nb);
}

/// A request in a code cell is read in the decoded code: the JSON escapes
/// of `params={\"action\": \"list\"}` do not hide the action. A `list`
/// gets the 3.0 advice and its parameter's place in the file; the `launch`
/// twin gets none; a curl `!` line is read as shell.
#[test]
fn requests_in_code_cells_are_read_in_the_decoded_code() {
    let cell = |src: &str| {
        format!(
            r#"{{"cell_type": "code", "metadata": {{}}, "outputs": [], "source": [{}]}}"#,
            serde_json::to_string(src).expect("json string")
        )
    };
    let nb = format!(
        "{{\"cells\": [\n{},\n{},\n{}\n], \"nbformat\": 4}}",
        cell("r = requests.get(\"https://qualysapi.qualys.com/api/2.0/fo/scan/\", params={\"action\": \"list\"})"),
        cell("r = requests.post(\"https://qualysapi.qualys.com/api/2.0/fo/scan/\", data={\"action\": \"launch\"})"),
        cell("!curl -d \"action=list\" \"https://qualysapi.qualys.com/api/2.0/fo/scan/\""),
    );
    let dir = tree(&[("nb/req.ipynb", &nb)]);
    let doc = audit_json(dir.path(), &["nb"]);
    let findings = doc["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 3, "{doc}");
    let (list, launch, curl) = (&findings[0], &findings[1], &findings[2]);
    assert_eq!(list["request"]["action"], "list", "{list}");
    assert_eq!(list["replacement"], "/api/3.0/fo/scan/", "{list}");
    // The parameter is placed in the file: the line of its cell's string.
    let param = &list["request"]["params"][0];
    assert_eq!(param["name"], "action");
    assert_eq!(param["line"], 2, "{param}");
    let at = param["offset"].as_u64().expect("offset") as usize;
    assert!(
        nb[at..].starts_with("action\\\": \\\"list"),
        "{}",
        &nb[at..]
    );
    assert_eq!(launch["request"]["action"], "launch", "{launch}");
    assert!(launch["replacement"].is_null(), "{launch}");
    assert!(launch["fix"].is_null(), "{launch}");
    assert_eq!(curl["request"]["action"], "list", "{curl}");
    assert_eq!(curl["replacement"], "/api/3.0/fo/scan/", "{curl}");
}

/// The code frame of a finding in a code cell is the cell's decoded line
/// (as written in the notebook's editor), redacted there; a mention in a
/// Markdown cell keeps its JSON line.
#[test]
fn code_frames_show_the_decoded_cell_line_redacted() {
    let nb = r#"{"cells": [
{"cell_type": "markdown", "metadata": {}, "source": ["See `/api/2.0/fo/report/` for \"reports\"."]},
{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["r = requests.get(\"https://qualysapi.qualys.com/api/2.0/fo/report/\", auth=(\"bob\", \"hunter2pass\"))"]}
], "nbformat": 4}"#;
    let dir = tree(&[("nb/frame.ipynb", nb)]);
    let o = run_in(dir.path(), &["audit", "--color", "never", "nb"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("│ r = requests.get(\"https://qualysapi.qualys.com/api/2.0/fo/report/\""),
        "{out}"
    );
    assert!(!out.contains("hunter2pass"), "{out}");
    assert!(!out.contains("requests.get(\\\""), "{out}");
    // The Markdown cell is not code: its frame is the file's line.
    assert!(
        out.contains("\"See `/api/2.0/fo/report/` for \\\"reports\\\".\""),
        "{out}"
    );
}

/// CSV holds every JSON field: a notebook finding's cell position is in
/// the last three columns (appended, so no older column moves); a plain
/// file leaves them empty.
#[test]
fn csv_rows_carry_the_cell_position() {
    let dir = notebook_and_plain_file();
    let o = run_in(dir.path(), &["audit", "--format", "csv", "nb"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(
        header[header.len() - 3..],
        ["notebook.cell", "notebook.line", "notebook.column"]
    );
    assert_eq!(header[6], "end_column");
    assert_eq!(header[7], "rule");
    let tails: Vec<(String, String)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[2].to_string(), cells[cells.len() - 3..].join(","))
        })
        .collect();
    assert!(
        tails.contains(&("nb/cells_resolve.ipynb".into(), "3,1,34".into())),
        "{tails:?}"
    );
    assert!(
        tails.contains(&("nb/plain.py".into(), ",,".into())),
        "{tails:?}"
    );
}

/// CI annotations and the migration report: GitHub and GitLab place a
/// notebook finding on the file's line (they annotate the file) and say
/// the cell in the message; the report names the cell and its line as
/// nbqa does. A plain file's finding says nothing of cells.
#[test]
fn ci_formats_and_the_report_name_the_cell() {
    let dir = notebook_and_plain_file();
    let as_of = crate::util::AS_OF;
    let o = run_in(
        dir.path(),
        &["audit", "--format", "github", "--as-of", as_of, "nb"],
    );
    let out = stdout(&o);
    let nb_line = out
        .lines()
        .find(|l| l.contains("file=nb/cells_resolve.ipynb,line=27,col=46"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        nb_line.contains("(Notebook cell 3, line 1, column 34.)"),
        "{nb_line}"
    );
    let plain = out
        .lines()
        .find(|l| l.contains("file=nb/plain.py"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(!plain.contains("Notebook"), "{plain}");

    let o = run_in(
        dir.path(),
        &["audit", "--format", "gitlab", "--as-of", as_of, "nb"],
    );
    let issues: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("gitlab JSON");
    let nb = issues
        .as_array()
        .expect("issues")
        .iter()
        .find(|i| i["location"]["lines"]["begin"] == 27)
        .expect("the notebook's issue");
    assert_eq!(nb["location"]["path"], "nb/cells_resolve.ipynb");
    assert!(
        nb["description"]
            .as_str()
            .expect("description")
            .contains("(Notebook cell 3, line 1, column 34.)"),
        "{nb}"
    );

    let o = run_in(
        dir.path(),
        &["report", "--format", "markdown", "--as-of", as_of, "nb"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("`nb/cells_resolve.ipynb:cell_3:1`"), "{md}");
    assert!(!md.contains("`nb/cells_resolve.ipynb:27`"), "{md}");
    assert!(md.contains("`nb/plain.py:1`"), "{md}");
}
