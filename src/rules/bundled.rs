//! The bundled rule files, embedded at build time so that the binary runs
//! with no configuration.
//!
//! Every file under `rules/qualys/` is listed here by hand (no `build.rs`);
//! `tests::lists_every_file_under_rules_qualys` fails when a file is added
//! to or removed from that directory without updating this list.

/// `(name relative to rules/, content)` of every bundled rule file, sorted
/// by name.
pub const FILES: &[(&str, &str)] = &[
    (
        "qualys/auth-fo.toml",
        include_str!("../../rules/qualys/auth-fo.toml"),
    ),
    (
        "qualys/car.toml",
        include_str!("../../rules/qualys/car.toml"),
    ),
    (
        "qualys/pc-fo.toml",
        include_str!("../../rules/qualys/pc-fo.toml"),
    ),
    (
        "qualys/pci.toml",
        include_str!("../../rules/qualys/pci.toml"),
    ),
    (
        "qualys/policy-audit-pcrs.toml",
        include_str!("../../rules/qualys/policy-audit-pcrs.toml"),
    ),
    (
        "qualys/vm-fo.toml",
        include_str!("../../rules/qualys/vm-fo.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn lists_every_file_under_rules_qualys() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/qualys");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("rules/qualys exists")
            .map(|e| {
                format!(
                    "qualys/{}",
                    e.expect("readable entry").file_name().to_string_lossy()
                )
            })
            .collect();
        on_disk.sort();
        let listed: Vec<String> = FILES.iter().map(|(name, _)| name.to_string()).collect();
        assert_eq!(listed, on_disk, "update FILES in src/rules/bundled.rs");
        for (name, text) in FILES {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("rules")
                .join(name);
            assert_eq!(
                std::fs::read_to_string(path).expect("readable").as_str(),
                *text,
                "{name}"
            );
        }
    }

    #[test]
    fn bundled_rules_load() {
        let set = crate::rules::load::load_bundled().expect("bundled rules are valid");
        assert!(set.len() > 50);
    }
}
