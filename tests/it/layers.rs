//! The module floors of `src/`: data flows one way, rules → model → scan →
//! gate / printers / migration / fix → cli, and no module imports from a
//! floor above its own or from a neighbour on its floor. The picture in
//! `docs/architecture.md` is generated from the same imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and its floor: a module may import only
/// modules on lower floors.
const FLOORS: &[(&str, u8)] = &[
    ("source", 0),
    ("text", 0),
    ("redact", 0),
    ("readfile", 0),
    ("display", 1),
    ("rules", 2),
    ("model", 3),
    ("suppress", 4),
    ("extract", 4),
    ("request", 4),
    ("matcher", 5),
    ("libraries", 5),
    ("scan", 6),
    ("gate", 7),
    ("printer", 7),
    ("migration", 7),
    ("fix", 7),
    ("cli", 8),
];

/// Imports between top-level modules, from code that is not a comment and
/// not a test module (tests may use anything).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let needle = regex::Regex::new(r"crate::([a-z_]+)").expect("regex");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("walk src");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in code.lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for cap in needle.captures_iter(line) {
                let target = cap[1].to_string();
                if target != module {
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
        edges.entry(module).or_default();
    }
    edges
}

#[test]
fn no_import_runs_up_or_sideways() {
    let floor: BTreeMap<&str, u8> = FLOORS.iter().copied().collect();
    let edges = imports();
    let mut wrong = Vec::new();
    for (from, tos) in &edges {
        let Some(&f) = floor.get(from.as_str()) else {
            wrong.push(format!("module `{from}` has no floor in FLOORS"));
            continue;
        };
        for to in tos {
            match floor.get(to.as_str()) {
                Some(&t) if t < f => {}
                Some(&t) => wrong.push(format!("{from} (floor {f}) imports {to} (floor {t})")),
                None => wrong.push(format!("{from} imports `{to}`, which has no floor")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        edges["model"],
        BTreeSet::from(["rules".to_string()]),
        "the model depends on nothing but the rules"
    );
}

const BEGIN: &str = "<!-- BEGIN GENERATED IMPORTS -->\n";
const END: &str = "<!-- END GENERATED IMPORTS -->";

#[test]
fn architecture_picture_is_current() {
    let floor: BTreeMap<&str, u8> = FLOORS.iter().copied().collect();
    let mut picture = String::from("```mermaid\nflowchart BT\n");
    for level in 0..=8u8 {
        let on: Vec<&str> = FLOORS
            .iter()
            .filter(|(_, f)| *f == level)
            .map(|(m, _)| *m)
            .collect();
        picture.push_str(&format!(
            "  subgraph floor{level}[\"floor {level}\"]\n    {}\n  end\n",
            on.join(" & ")
        ));
    }
    for (from, tos) in imports() {
        for to in tos {
            if floor.contains_key(to.as_str()) {
                picture.push_str(&format!("  {from} --> {to}\n"));
            }
        }
    }
    picture.push_str("```\n");
    crate::util::generated_section(
        "docs/architecture.md",
        BEGIN,
        END,
        &picture,
        "architecture_picture",
    );
}
