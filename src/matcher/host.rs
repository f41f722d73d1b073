//! Whose host a URL names. `https://registry.npmjs.org/api/2.0/fo/scan/` is
//! not a Qualys call, however the path looks; a placeholder, a variable or
//! an internal proxy may well be one.
//!
//! The platform hosts are those of `../shared/reference/qualys-deprecations.md`
//! §5: every public Qualys API server and gateway ends in one of
//! [`QUALYS_DOMAINS`], private-cloud platforms are `qualysapi.<customer>` /
//! `qualysguard.<customer>` / `qualysgateway.<customer>`, and code also
//! reaches Qualys through corporate proxies with internal names. So a host
//! is foreign only when it is written out in full, is not a Qualys host, and
//! is a public name (a dotted name under a public top-level domain, not an
//! internal one, an IP address or a bare hostname).

/// The registrable domains of the Qualys platforms (US, EU, IN, CA, AE, UK,
/// AU, KSA; `qualys.it` for EU3; `qualys.de` retired in 2012 but still in
/// old scripts).
const QUALYS_DOMAINS: &[&str] = &[
    "qualys.com",
    "qualys.eu",
    "qualys.it",
    "qualys.in",
    "qualys.ca",
    "qualys.ae",
    "qualys.co.uk",
    "qualys.com.au",
    "qualysksa.com",
    "qualys.de",
];

/// Top-level names used inside organisations, never on the public internet.
const INTERNAL_TLDS: &[&str] = &[
    "local",
    "localdomain",
    "internal",
    "intranet",
    "corp",
    "lan",
    "home",
    "private",
    "test",
    "invalid",
    "localhost",
    "arpa",
];

/// What the host part of a URL says about the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// No host written (a path), or one built at run time.
    Unknown,
    /// A Qualys platform or private-cloud host.
    Qualys,
    /// An internal name, an IP address or a bare hostname: possibly a
    /// proxy in front of Qualys.
    Internal,
    /// A public host that is not Qualys: not a Qualys call.
    Foreign,
}

/// Classifies the text before an endpoint path (`https://user@host:443`,
/// `{base}`, `$QUALYS_URL`, empty).
pub fn classify(prefix: &str) -> HostKind {
    let Some(k) = prefix.find("://") else {
        return HostKind::Unknown;
    };
    let rest = &prefix[k + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    // A bracketed IPv6 address keeps its colons; elsewhere `:` ends the host.
    let host = if host.starts_with('[') {
        return HostKind::Internal;
    } else {
        host.split(':').next().unwrap_or("")
    };
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        // Templated (`{{baseUrl}}`, `${HOST}`, `<qualys_base_url>`) or odd.
        return HostKind::Unknown;
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let at_or_under = |d: &str| {
        host.strip_suffix(d)
            .is_some_and(|sub| sub.is_empty() || sub.ends_with('.'))
    };
    if QUALYS_DOMAINS.iter().any(|d| at_or_under(d))
        || host.split('.').any(|label| label.starts_with("qualys"))
    {
        return HostKind::Qualys;
    }
    let tld = host.rsplit('.').next().unwrap_or("");
    if !host.contains('.')
        || INTERNAL_TLDS.contains(&tld)
        || tld.chars().all(|c| c.is_ascii_digit())
    {
        return HostKind::Internal;
    }
    HostKind::Foreign
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualys_platform_hosts() {
        for p in [
            "https://qualysapi.qualys.com",
            "https://qualysapi.qg2.apps.qualys.eu",
            "https://gateway.qg1.apps.qualys.com.au",
            "https://user:pw@qualysguard.qg3.apps.qualys.com:443",
            "https://qualysapi.acme-private.example.net",
            "HTTPS://QUALYSAPI.QUALYS.COM",
            "https://gateway.qg1.apps.qualysksa.com",
        ] {
            assert_eq!(classify(p), HostKind::Qualys, "{p}");
        }
    }

    #[test]
    fn someone_elses_public_hosts_are_foreign() {
        for p in [
            "https://registry.npmjs.org",
            "https://api.github.com",
            "http://example.com",
            "https://notqualys.com",
        ] {
            assert_eq!(classify(p), HostKind::Foreign, "{p}");
        }
    }

    #[test]
    fn placeholders_proxies_and_paths_are_not_foreign() {
        for (p, k) in [
            ("", HostKind::Unknown),
            ("{base}", HostKind::Unknown),
            ("https://{{host}}", HostKind::Unknown),
            ("https://${QUALYS_HOST}", HostKind::Unknown),
            ("https://<qualys_base_url>", HostKind::Unknown),
            ("http://localhost:8080", HostKind::Internal),
            ("http://10.0.0.5", HostKind::Internal),
            ("https://vm-proxy", HostKind::Internal),
            ("https://qualys-proxy", HostKind::Qualys),
            ("https://api-gw.corp", HostKind::Internal),
            ("https://vm-proxy.acme.internal", HostKind::Internal),
        ] {
            assert_eq!(classify(p), k, "{p}");
        }
    }
}
