//! Canonical endpoint paths.

/// The canonical form of a path or URL: no scheme or host, no query or
/// fragment, no `index.php`, no trailing slash, no repeated slashes.
/// `None` when nothing path-like is left.
pub fn canonical_path(text: &str) -> Option<String> {
    let mut s = text.trim();
    if let Some(i) = s.find("://") {
        let rest = &s[i + 3..];
        s = rest.find('/').map_or("", |j| &rest[j..]);
    }
    let s = s.split(['?', '#']).next().unwrap_or("");
    let mut out = String::with_capacity(s.len());
    for part in s.split('/').filter(|p| !p.is_empty()) {
        out.push('/');
        out.push_str(part);
    }
    if out.ends_with("/index.php") {
        out.truncate(out.len() - "/index.php".len());
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_path;

    #[test]
    fn host_query_index_and_slash_do_not_matter() {
        for s in [
            "/api/2.0/fo/scan/",
            "/api/2.0/fo/scan",
            "/api/2.0/fo/scan/index.php",
            "https://qualysapi.qualys.com/api/2.0/fo/scan/?action=list",
            "/api/2.0/fo/scan/index.php?action=list#x",
            "/api/2.0//fo/scan/",
        ] {
            assert_eq!(
                canonical_path(s).as_deref(),
                Some("/api/2.0/fo/scan"),
                "{s}"
            );
        }
        assert_eq!(canonical_path("https://host"), None);
    }
}
