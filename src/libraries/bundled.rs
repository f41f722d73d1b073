//! The bundled library table, embedded at build time (like the endpoint
//! rules in `crate::rules::bundled`).
//!
//! Every file under `rules/libraries/` is listed here by hand;
//! `tests::lists_every_file_under_rules_libraries` fails when a file is
//! added or removed without updating this list.

/// `(name relative to rules/, content)` of every table file, sorted by name.
pub const FILES: &[(&str, &str)] = &[
    (
        "libraries/pyqualys.toml",
        include_str!("../../rules/libraries/pyqualys.toml"),
    ),
    (
        "libraries/qualysapi.toml",
        include_str!("../../rules/libraries/qualysapi.toml"),
    ),
    (
        "libraries/qualysclient.toml",
        include_str!("../../rules/libraries/qualysclient.toml"),
    ),
    (
        "libraries/qualysdk.toml",
        include_str!("../../rules/libraries/qualysdk.toml"),
    ),
    (
        "libraries/qualysetl.toml",
        include_str!("../../rules/libraries/qualysetl.toml"),
    ),
    (
        "libraries/qualyspy.toml",
        include_str!("../../rules/libraries/qualyspy.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn lists_every_file_under_rules_libraries() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/libraries");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("rules/libraries exists")
            .map(|e| {
                format!(
                    "libraries/{}",
                    e.expect("readable entry").file_name().to_string_lossy()
                )
            })
            .collect();
        on_disk.sort();
        let listed: Vec<String> = FILES.iter().map(|(name, _)| name.to_string()).collect();
        assert_eq!(listed, on_disk, "update FILES in src/libraries/bundled.rs");
    }
}
