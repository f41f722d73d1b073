//! The bundled rule data, the rule loader's errors, and the generated rules
//! table in `rules/README.md`.

use std::path::Path;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use proptest::prelude::*;

use sunset::rules::bundled::FILES;
use sunset::rules::load::{load_bundled, load_with_extra, parse_rules, validate_file};
use sunset::rules::{Date, Evidence, Rule, RuleError, RuleOrigin, RuleSet, Status};

fn bundled() -> RuleSet {
    load_bundled().unwrap_or_else(|e| panic!("bundled rules are invalid:\n{}", render(&e)))
}

fn day(s: &str) -> Date {
    Date::parse(s).expect("valid date")
}

fn rule<'a>(set: &'a RuleSet, id: &str) -> &'a Rule {
    set.get(id).unwrap_or_else(|| panic!("no rule {id}"))
}

fn render(e: &dyn Diagnostic) -> String {
    let mut out = String::new();
    GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(80)
        .render_report(&mut out, e)
        .expect("render");
    out
}

fn is_legacy(r: &Rule) -> bool {
    r.replacement.is_some() || r.eos.is_some() || r.eol.is_some()
}

// ---------------------------------------------------------------------------
// The bundled data.
// ---------------------------------------------------------------------------

#[test]
fn bundled_rules_load() {
    let set = bundled();
    assert_eq!(set.len(), 84);
    assert_eq!(set.rules().iter().filter(|r| is_legacy(r)).count(), 44);
    assert_eq!(set.rules().iter().filter(|r| !r.is_confirmed()).count(), 7);
}

#[test]
fn ids_are_unique_kebab_case_across_files() {
    let mut ids = Vec::new();
    for (name, text) in FILES {
        let rules = parse_rules(name, text, RuleOrigin::Bundled(name)).expect("valid file");
        assert!(!rules.is_empty(), "{name} has no rules");
        ids.extend(rules.into_iter().map(|r| r.id));
    }
    for id in &ids {
        assert!(sunset::rules::load::is_kebab_case(id), "{id}");
        assert!(id.starts_with("qualys-"), "{id}");
    }
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids");
}

#[test]
fn endpoints_are_unique_and_in_published_form() {
    let set = bundled();
    let mut seen = std::collections::HashMap::new();
    for r in set.rules() {
        if let Some(other) = seen.insert(r.endpoint.canonical.clone(), r.id.clone()) {
            panic!("{} and {other} share {}", r.id, r.endpoint.canonical);
        }
        let paths = std::iter::once(&r.endpoint_display)
            .chain(&r.replacement)
            .chain(&r.active_versions);
        for p in paths {
            assert!(!p.contains("index.php"), "{}: {p}", r.id);
            assert_eq!(
                p.starts_with("/api/"),
                p.ends_with('/'),
                "{}: /api/ paths end with a slash: {p}",
                r.id
            );
        }
        // A rule keyed by an operation name (`save_merchant`) is matched
        // by that name in code, never looked up as a path.
        let expected = r.operation.is_none().then_some(&r.id);
        assert_eq!(
            set.lookup(&r.endpoint.canonical).map(|x| &x.id),
            expected,
            "lookup {}",
            r.id
        );
    }
}

#[test]
fn eos_is_not_after_eol() {
    for r in bundled().rules() {
        if let (Some(eos), Some(eol)) = (r.eos(), r.eol()) {
            assert!(eos.effective() <= eol.effective(), "{}", r.id);
        }
    }
}

#[test]
fn every_rule_names_a_source() {
    for r in bundled().rules() {
        let sources = std::iter::once(&r.source)
            .chain(r.eos.iter().chain(&r.eol).filter_map(|d| d.source.as_ref()))
            .chain(r.history.iter().map(|h| &h.source));
        for s in sources {
            assert!(!s.title.trim().is_empty(), "{}", r.id);
            assert!(
                s.date == "undated" || sunset::rules::Deadline::parse(&s.date).is_some(),
                "{}",
                r.id
            );
            if s.evidence == Evidence::Primary {
                assert!(
                    s.url
                        .as_deref()
                        .is_some_and(|u| u.starts_with("https://docs.qualys.com/")),
                    "{}: primary source URL",
                    r.id
                );
            }
        }
        for h in &r.history {
            assert!(h.field == "eos" || h.field == "eol", "{}", r.id);
        }
    }
}

#[test]
fn every_legacy_rule_points_to_an_active_rule() {
    let set = bundled();
    for r in set.rules().iter().filter(|r| is_legacy(r)) {
        // A legacy rule may name no replacement (the source names none),
        // but then it must list the versions that are still active.
        let Some(replacement) = r.replacement.as_deref() else {
            assert!(
                !r.active_versions.is_empty(),
                "{} has dates but neither a replacement nor active versions",
                r.id
            );
            continue;
        };
        let pattern =
            sunset::rules::EndpointPattern::parse(replacement).expect("replacement parses");
        let target = set
            .lookup(&pattern.canonical)
            .unwrap_or_else(|| panic!("{}: no rule for {replacement}", r.id));
        assert!(
            !is_legacy(target),
            "{}: replacement {} is itself legacy",
            r.id,
            target.id
        );
        assert!(
            r.active_versions.iter().any(|v| v == replacement),
            "{}: replacement not in active-versions",
            r.id
        );
    }
    for r in set.rules() {
        for v in &r.active_versions {
            let canonical = sunset::rules::EndpointPattern::parse(v)
                .expect("parses")
                .canonical;
            let target = set
                .lookup(&canonical)
                .unwrap_or_else(|| panic!("{}: no rule for active {v}", r.id));
            assert!(!is_legacy(target), "{}: active version {v} is legacy", r.id);
        }
    }
}

// ---------------------------------------------------------------------------
// Spot checks against the sources.
// ---------------------------------------------------------------------------

#[test]
fn option_profile_versions_all_move_to_6_0_with_eol_december_2026() {
    let set = bundled();
    for v in ["2", "3", "4"] {
        let r = rule(&set, &format!("qualys-option-profile-v{v}"));
        assert_eq!(
            r.endpoint_display,
            format!("/api/{v}.0/fo/subscription/option_profile/")
        );
        assert_eq!(
            r.replacement.as_deref(),
            Some("/api/6.0/fo/subscription/option_profile/")
        );
        assert_eq!(r.eol().map(|d| d.published()).as_deref(), Some("2026-12"));
        assert!(r.eos.is_none(), "the PA 1.11 table gives no EOS");
        assert_eq!(r.history.len(), 1);
        assert_eq!(
            (r.history[0].field.as_str(), r.history[0].value.as_str()),
            ("eol", "2026-06")
        );
        assert_eq!(r.status_on(day("2026-11-23")), Status::Deprecated);
        assert_eq!(r.status_on(day("2026-12-01")), Status::Eol);
    }
}

#[test]
fn pcrs_policy_list_1_0() {
    let set = bundled();
    let r = rule(&set, "qualys-pcrs-policy-list-v1");
    assert_eq!(r.endpoint.canonical, "/pcrs/1.0/posture/policy/list");
    assert_eq!(
        r.replacement.as_deref(),
        Some("/pcrs/2.0/posture/policy/list")
    );
    assert_eq!(r.eos().map(|d| d.published()).as_deref(), Some("2026-11"));
    assert_eq!(r.eol().map(|d| d.published()).as_deref(), Some("2027-05"));
    assert_eq!(r.methods, ["GET"]);
    assert!(r.notes.iter().any(|n| n.contains("requireTagInfo")));
    assert_eq!(r.source.title, "Policy Audit Release 1.11 API");
    assert_eq!(r.source.date, "2026-05-11");
    assert_eq!(r.status_on(day("2026-11-23")), Status::Eos);
    assert_eq!(r.next_deadline(day("2026-11-23")).map(|x| x.2), Some(159));
}

#[test]
fn pcrs_posture_info_4_0_is_active_with_its_pa_1_6_history() {
    let set = bundled();
    let r = rule(&set, "qualys-pcrs-posture-info-v4");
    assert!(r.replacement.is_none());
    assert!(r.eos.is_none() && r.eol.is_none());
    assert_eq!(r.status_on(day("2026-11-23")), Status::Active);
    let history: Vec<(&str, &str, &str)> = r
        .history
        .iter()
        .map(|h| (h.field.as_str(), h.value.as_str(), h.source.title.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("eos", "2026-05", "Policy Audit Release 1.6 API"),
            ("eol", "2026-11", "Policy Audit Release 1.6 API")
        ]
    );
    let v1 = rule(&set, "qualys-pcrs-posture-info-v1");
    assert_eq!(v1.active_versions.len(), 4);
    assert!(v1
        .notes
        .iter()
        .chain(&v1.breaking_changes)
        .any(|n| n.contains("PC asset data only")));
}

#[test]
fn pcrs_1_0_hostids_and_posture_info_guess_no_replacement() {
    // PA 1.11 recommends "the newer versions" without a path, and V3+ drop
    // SCA data (audit R3): no replacement, the published methods.
    let set = bundled();
    for (id, method) in [
        ("qualys-pcrs-hostids-v1", "GET"),
        ("qualys-pcrs-posture-info-v1", "POST"),
    ] {
        let r = rule(&set, id);
        assert_eq!(r.replacement, None, "{id}");
        assert_eq!(r.methods, [method], "{id}");
        assert_eq!(r.active_versions.len(), 4, "{id}");
        assert!(r.version_swap().is_err(), "{id}: nothing to rewrite to");
        assert!(
            r.notes
                .iter()
                .chain(&r.breaking_changes)
                .any(|n| n.contains("SCA")),
            "{id}"
        );
        assert_eq!(r.status_on(day("2026-11-23")), Status::Eos);
    }
}

#[test]
fn compliance_exception_keeps_pa_1_4_dates_as_history() {
    let set = bundled();
    let r = rule(&set, "qualys-compliance-exception-v2");
    assert_eq!(r.eol().map(|d| d.published()).as_deref(), Some("2026-12"));
    let eos = r.eos.as_ref().expect("PA 1.4 EOS");
    assert_eq!(eos.deadline.published(), "2026-04");
    assert_eq!(
        eos.source.as_ref().map(|s| s.title.as_str()),
        Some("Policy Audit Release 1.4 API")
    );
    let history: Vec<(&str, &str, &str)> = r
        .history
        .iter()
        .map(|h| (h.field.as_str(), h.value.as_str(), h.source.title.as_str()))
        .collect();
    // Both earlier EOL values, which disagree, are on record (audit R6).
    assert_eq!(
        history,
        [
            ("eol", "2026-10", "Policy Audit Release 1.4 API"),
            ("eol", "2026-06", "Policy Audit Release 1.11 API")
        ]
    );
}

#[test]
fn secondary_facts_are_unconfirmed() {
    let set = bundled();
    for id in [
        "qualys-host-detection-v2",
        "qualys-host-detection-v4",
        "qualys-search-list-dynamic-v2",
    ] {
        assert!(!rule(&set, id).is_confirmed(), "{id}");
    }
    for v in ["2", "3", "4"] {
        let hld = rule(&set, &format!("qualys-host-detection-v{v}"));
        assert_eq!(hld.eos().map(|d| d.published()).as_deref(), Some("2025-12"));
        // EOL June 2026, quoted from the API guide by a third party: on
        // record, and marked unconfirmed (audit R2).
        let eol = hld.eol.as_ref().expect("EOL June 2026");
        assert_eq!(eol.deadline.published(), "2026-06");
        assert_eq!(
            eol.source.as_ref().map(|s| s.evidence),
            Some(Evidence::Secondary)
        );
        assert!(hld
            .unconfirmed_dates()
            .contains(&sunset::rules::Milestone::Eol));
        assert!(hld.notes.iter().any(|n| n.contains("unknown")));
    }
    let kb3 = rule(&set, "qualys-knowledge-base-vuln-v3");
    assert!(!kb3.is_confirmed());
    assert_eq!(
        kb3.source.url.as_deref(),
        Some("https://github.com/elastic/integrations/issues/16640")
    );
    assert_eq!(kb3.eol().map(|d| d.published()).as_deref(), Some("2026-06"));
    assert_eq!(
        kb3.replacement.as_deref(),
        Some("/api/4.0/fo/knowledge_base/vuln/")
    );
    let kb2 = rule(&set, "qualys-knowledge-base-vuln-v2");
    assert_eq!(
        kb2.eos
            .as_ref()
            .and_then(|d| d.source.as_ref())
            .and_then(|s| s.url.as_deref()),
        Some("https://github.com/elastic/integrations/issues/16640")
    );
    // A primary rule whose EOS only a third party states.
    let scan = rule(&set, "qualys-scan-v2");
    assert!(scan.is_confirmed());
    assert_eq!(
        scan.eos
            .as_ref()
            .and_then(|d| d.source.as_ref())
            .map(|s| s.evidence),
        Some(Evidence::Secondary)
    );
    assert_eq!(scan.replacement.as_deref(), Some("/api/3.0/fo/scan/"));
}

// ---------------------------------------------------------------------------
// The seed table: every row of Policy Audit 1.11 (2026-05-11) and PCI
// 1.6.2 (2025-07-01), at the three dates the seed's timelines turn on.
// ---------------------------------------------------------------------------

/// (endpoint, replacement, EOS, EOL) of each deprecated row of PA 1.11, as
/// the seed states them ("" = the seed states none).
const SEED_DEPRECATED: &[(&str, &str, &str, &str)] = &[
    (
        "/pcrs/1.0/posture/policy/list",
        "/pcrs/2.0/posture/policy/list",
        "2026-11",
        "2027-05",
    ),
    ("/pcrs/1.0/posture/hostids", "", "2026-11", "2027-05"),
    ("/pcrs/1.0/posture/postureInfo", "", "2026-11", "2027-05"),
    (
        "/api/2.0/fo/auth/nsx/",
        "/api/3.0/fo/auth/nsx/",
        "2026-11",
        "2027-05",
    ),
    (
        "/api/2.0/fo/scan/cloud/internal/job/",
        "/api/3.0/fo/scan/cloud/internal/job/",
        "2026-11",
        "2027-05",
    ),
    (
        "/api/2.0/fo/knowledge_base/vuln/",
        "/api/4.0/fo/knowledge_base/vuln/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/knowledge_base/qvs/",
        "/api/4.0/fo/knowledge_base/qvs/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/knowledge_base/qvs/",
        "/api/4.0/fo/knowledge_base/qvs/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/subscription/option_profile/",
        "/api/6.0/fo/subscription/option_profile/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/subscription/option_profile/",
        "/api/6.0/fo/subscription/option_profile/",
        "",
        "2026-12",
    ),
    (
        "/api/4.0/fo/subscription/option_profile/",
        "/api/6.0/fo/subscription/option_profile/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/subscription/option_profile/vm/",
        "/api/4.0/fo/subscription/option_profile/vm/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/subscription/option_profile/vm/",
        "/api/4.0/fo/subscription/option_profile/vm/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/subscription/option_profile/pc/",
        "/api/5.0/fo/subscription/option_profile/pc/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/subscription/option_profile/pc/",
        "/api/5.0/fo/subscription/option_profile/pc/",
        "",
        "2026-12",
    ),
    (
        "/api/4.0/fo/subscription/option_profile/pc/",
        "/api/5.0/fo/subscription/option_profile/pc/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/report/template/scan/",
        "/api/4.0/fo/report/template/scan/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/report/template/scan/",
        "/api/4.0/fo/report/template/scan/",
        "",
        "2026-12",
    ),
    ("/api/2.0/fo/report/", "/api/3.0/fo/report/", "", "2026-12"),
    (
        "/api/2.0/fo/compliance/exception/",
        "/api/3.0/fo/compliance/exception/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/asset/host/",
        "/api/5.0/fo/asset/host/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/asset/host/",
        "/api/5.0/fo/asset/host/",
        "",
        "2026-12",
    ),
    (
        "/api/4.0/fo/asset/host/",
        "/api/5.0/fo/asset/host/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/schedule/scan/",
        "/api/5.0/fo/schedule/scan/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/schedule/scan/",
        "/api/5.0/fo/schedule/scan/",
        "",
        "2026-12",
    ),
    (
        "/api/4.0/fo/schedule/scan/",
        "/api/5.0/fo/schedule/scan/",
        "",
        "2026-12",
    ),
    ("/api/2.0/fo/scan/", "/api/3.0/fo/scan/", "", "2026-12"),
    (
        "/api/2.0/fo/scan/cloud/perimeter/job/",
        "/api/4.0/fo/scan/cloud/perimeter/job/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/scan/cloud/perimeter/job/",
        "/api/4.0/fo/scan/cloud/perimeter/job/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/compliance/control/",
        "/api/4.0/fo/compliance/control/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/compliance/control/",
        "/api/4.0/fo/compliance/control/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/compliance/policy/",
        "/api/4.0/fo/compliance/policy/",
        "",
        "2026-12",
    ),
    (
        "/api/3.0/fo/compliance/policy/",
        "/api/4.0/fo/compliance/policy/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/auth/mysql/",
        "/api/3.0/fo/auth/mysql/",
        "",
        "2026-12",
    ),
    (
        "/api/2.0/fo/auth/sybase/",
        "/api/3.0/fo/auth/sybase/",
        "",
        "2026-12",
    ),
    ("/api/2.0/fo/auth/", "/api/3.0/fo/auth/", "", "2026-12"),
];

/// Rows for which another publication gives an EOS the seed does not
/// (ruleset audit, section 1a): (endpoint, EOS).
const EXTRA_EOS: &[(&str, &str)] = &[
    ("/api/2.0/fo/knowledge_base/vuln/", "2025-12"),
    ("/api/2.0/fo/compliance/exception/", "2026-04"),
    ("/api/2.0/fo/asset/host/", "2025-12"),
    ("/api/3.0/fo/asset/host/", "2025-12"),
    ("/api/4.0/fo/asset/host/", "2025-12"),
    ("/api/2.0/fo/scan/", "2025-12"),
    ("/api/2.0/fo/compliance/policy/", "2025-12"),
];

/// Endpoints the seeds give as Active (or as the recommended version).
const SEED_ACTIVE: &[&str] = &[
    "/api/3.0/fo/auth/",
    "/api/3.0/fo/auth/mysql/",
    "/api/3.0/fo/auth/nsx/",
    "/api/3.0/fo/auth/sybase/",
    "/api/3.0/fo/compliance/exception/",
    "/api/3.0/fo/report/",
    "/api/3.0/fo/scan/",
    "/api/3.0/fo/scan/cloud/internal/job/",
    "/api/4.0/fo/compliance/control/",
    "/api/4.0/fo/compliance/policy/",
    "/api/4.0/fo/knowledge_base/qvs/",
    "/api/4.0/fo/knowledge_base/vuln/",
    "/api/4.0/fo/report/template/scan/",
    "/api/4.0/fo/scan/cloud/perimeter/job/",
    "/api/4.0/fo/subscription/option_profile/vm/",
    "/api/5.0/fo/asset/host/",
    "/api/5.0/fo/schedule/scan/",
    "/api/5.0/fo/subscription/option_profile/pc/",
    "/api/6.0/fo/subscription/option_profile/",
    "/pcrs/2.0/posture/hostids",
    "/pcrs/2.0/posture/policy/list",
    "/pcrs/2.0/posture/postureInfo",
    "/pcrs/3.0/posture/hostids",
    "/pcrs/3.0/posture/postureInfo",
    "/pcrs/4.0/posture/hostids",
    "/pcrs/4.0/posture/postureInfo",
    "/pcrs/5.0/posture/hostids",
    "/pcrs/5.0/posture/postureInfo",
    "/pci/asset/add",
    "/pci/asset/delete",
    "/pci/scan/{scanId}/details",
    "/pci/scan/launch",
];

fn rule_for<'a>(set: &'a RuleSet, path: &str) -> &'a Rule {
    let canonical = sunset::rules::EndpointPattern::parse(path)
        .expect("seed path parses")
        .canonical;
    set.lookup(&canonical)
        .unwrap_or_else(|| panic!("no rule for seed row {path}"))
}

/// The status the seed itself gives on `on` (a month is read from its 1st).
fn seed_status(eos: &str, eol: &str, on: Date) -> Status {
    let reached = |m: &str| !m.is_empty() && day(&format!("{m}-01")) <= on;
    if reached(eol) {
        Status::Eol
    } else if reached(eos) {
        Status::Eos
    } else {
        Status::Deprecated
    }
}

#[test]
fn seed_table_passes_exactly_at_its_three_dates() {
    let set = bundled();
    assert_eq!(SEED_DEPRECATED.len(), 36);
    for &(path, replacement, eos, eol) in SEED_DEPRECATED {
        let r = rule_for(&set, path);
        assert_eq!(
            r.replacement.as_deref().unwrap_or(""),
            replacement,
            "{path}: replacement (never guessed)"
        );
        assert_eq!(
            r.eol().map(|d| d.published()).as_deref(),
            Some(eol),
            "{path}"
        );
        let extra = EXTRA_EOS.iter().find(|(p, _)| *p == path).map(|(_, e)| *e);
        let eos = match extra {
            Some(e) => {
                assert!(eos.is_empty(), "{path}: the seed gives an EOS");
                e
            }
            None => eos,
        };
        assert_eq!(
            r.eos().map(|d| d.published()).unwrap_or_default(),
            eos,
            "{path}"
        );
        for on in ["2026-11-23", "2026-12-01", "2027-05-01"] {
            assert_eq!(
                r.status_on(day(on)),
                seed_status(eos, eol, day(on)),
                "{path} on {on}"
            );
        }
    }
    for path in SEED_ACTIVE {
        let r = rule_for(&set, path);
        for on in ["2026-11-23", "2026-12-01", "2027-05-01"] {
            assert_eq!(r.status_on(day(on)), Status::Active, "{path} on {on}");
        }
    }
}

#[test]
fn car_eos_range_is_read_from_its_start() {
    let set = bundled();
    let r = rule(&set, "qualys-car-block-commands-v1");
    assert_eq!(r.eos().map(|d| d.published()).as_deref(), Some("2025-12"));
    assert_eq!(r.eol().map(|d| d.published()).as_deref(), Some("2026-06"));
    assert!(r.notes.iter().any(|n| n.contains("range")));
    // The replacement is matched by the legacy `{id}` pattern too: the exact
    // active rule must win.
    assert_eq!(
        set.lookup("/sm/v1/block-commands/search")
            .map(|r| r.id.as_str()),
        Some("qualys-car-block-commands-search-v1")
    );
    assert_eq!(
        set.lookup("/sm/v1/block-commands/42")
            .map(|r| r.id.as_str()),
        Some("qualys-car-block-commands-v1")
    );
}

#[test]
fn pci_endpoints_are_active() {
    let set = bundled();
    for (path, method) in [
        ("/pci/asset/add", "POST"),
        ("/pci/asset/delete", "DELETE"),
        ("/pci/scan/2185043/details", "GET"),
        ("/pci/scan/launch", "POST"),
    ] {
        let r = set.lookup(path).unwrap_or_else(|| panic!("{path}"));
        assert_eq!(r.status_on(day("2026-11-23")), Status::Active, "{path}");
        assert_eq!(r.methods, [method], "{path}");
        assert_eq!(r.source.date, "2025-07-01");
    }
    assert!(rule(&set, "qualys-pci-asset-add")
        .notes
        .iter()
        .any(|n| n.contains("save_merchant")));
}

// ---------------------------------------------------------------------------
// User rule files.
// ---------------------------------------------------------------------------

const USER_RULE: &str = r#"
[[endpoint]]
id = "qualys-scan-v2"
name = "Scan API"
product = "VMDR"
category = "Scan"
endpoint = "/api/2.0/fo/scan/"
replacement = "/api/3.0/fo/scan/"
eol = "2027-03-15"
source = { title = "Our own reading", date = "2026-11-01", evidence = "primary" }
"#;

#[test]
fn a_user_file_overrides_a_bundled_rule_by_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ours.toml");
    std::fs::write(&path, USER_RULE).expect("write");
    let set = load_with_extra(&[path.as_path()]).unwrap_or_else(|e| panic!("{}", render(&e)));
    assert_eq!(set.len(), bundled().len());
    let r = rule(&set, "qualys-scan-v2");
    assert_eq!(
        r.eol().map(|d| d.published()).as_deref(),
        Some("2027-03-15")
    );
    assert_eq!(r.origin, RuleOrigin::File(path.clone()));
    assert_eq!(validate_file(&path).expect("valid"), 1);
}

#[test]
fn a_directory_means_its_toml_files_and_ids_must_differ_between_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.toml"), USER_RULE).expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not a rule file").expect("write");
    assert!(load_with_extra(&[dir.path()]).is_ok());
    std::fs::write(dir.path().join("b.toml"), USER_RULE).expect("write");
    let err = load_with_extra(&[dir.path()]).expect_err("same id in two user files");
    let RuleError::Invalid {
        source_code,
        problems,
    } = &err
    else {
        panic!("{err:?}")
    };
    let name = source_code.name();
    assert!(name.ends_with("b.toml"), "{name}");
    let codes: Vec<String> = problems
        .iter()
        .filter_map(|p| p.code().map(|c| c.to_string()))
        .collect();
    assert_eq!(
        codes,
        [
            "sunset::rules::duplicate_id",
            "sunset::rules::duplicate_endpoint"
        ]
    );
}

#[test]
fn missing_paths_are_errors_and_all_are_reported() {
    let err = load_with_extra(&[Path::new("no/such/rules.toml"), Path::new("no/such/dir")])
        .expect_err("missing");
    let RuleError::Many { count, errors } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*count, 2);
    assert!(matches!(errors[0], RuleError::NotFound { .. }));
    assert_eq!(
        err.code().map(|c| c.to_string()).as_deref(),
        Some("sunset::rules::invalid_files")
    );
    assert!(matches!(
        validate_file(Path::new("no/such/rules.toml")),
        Err(RuleError::NotFound { .. })
    ));
}

// ---------------------------------------------------------------------------
// Broken rule files: one snapshot of the rendered report per fixture.
// ---------------------------------------------------------------------------

/// The `# expect: <code>` lines of a fixture, in order.
fn expected_codes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn invalid_rule_files() {
    insta::glob!("../fixtures/rules-invalid", "*.toml", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let file = path.file_name().expect("file name").to_string_lossy();
        let name = format!("tests/fixtures/rules-invalid/{file}");
        let err = parse_rules(&name, &text, RuleOrigin::File(path.to_path_buf()))
            .expect_err("fixture is invalid");
        let RuleError::Invalid { problems, .. } = &err else {
            panic!("{err:?}")
        };
        let codes: Vec<String> = problems
            .iter()
            .filter_map(|p| p.code().map(|c| c.to_string()))
            .collect();
        assert_eq!(
            codes,
            expected_codes(&text),
            "{file}: the `# expect:` lines"
        );
        insta::assert_snapshot!(render(&err));
    });
}

// ---------------------------------------------------------------------------
// No input makes the loader panic.
// ---------------------------------------------------------------------------

fn must_not_panic(text: &str) {
    match parse_rules("fuzz.toml", text, RuleOrigin::Bundled("fuzz.toml")) {
        Ok(_) => {}
        // Rendering checks that every label is inside the text.
        Err(e) => {
            render(&e);
        }
    }
}

#[test]
fn garbage_does_not_panic() {
    for text in [
        "",
        "\0",
        "[",
        "[[",
        "[[endpoint]]",
        "[[endpoint]]\n[[endpoint]]",
        "endpoint = []",
        "endpoint = [1, \"x\"]",
        "[[endpoint]]\nid = \"é\"\nendpoint = \"/é/{ü}\"",
        "[[endpoint]]\neos = {}\neol = []",
        "[[endpoint]]\nhistory = 3",
        "[[endpoint.history]]",
        "x = \"\u{202e}\"",
        "a = 1979-05-27T07:32:00Z",
        "[[endpoint]]\neos = \"",
    ] {
        must_not_panic(text);
    }
    // Every prefix of a real file.
    let (_, text) = FILES[0];
    for end in (0..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .step_by(7)
    {
        must_not_panic(&text[..end]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text_does_not_panic(text in "\\PC{0,200}") {
        must_not_panic(&text);
    }

    #[test]
    fn edited_rule_files_do_not_panic(cut in 0usize..4000, len in 0usize..40, insert in "[\\[\\]{}=\"', \\n#a-z0-9.-]{0,12}") {
        let (_, text) = FILES[1];
        let mut start = cut.min(text.len());
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let edited = format!("{}{}{}", &text[..start], insert, &text[end..]);
        must_not_panic(&edited);
    }
}

// ---------------------------------------------------------------------------
// The generated table in rules/README.md.
// ---------------------------------------------------------------------------

const BEGIN: &str = "<!-- BEGIN GENERATED RULES TABLE -->\n";
const END: &str = "<!-- END GENERATED RULES TABLE -->";

#[test]
fn readme_rules_table_is_current() {
    let mut table = Vec::new();
    sunset::printer::rules_table::render_markdown(&bundled(), &mut table).expect("render");
    let table = String::from_utf8(table).expect("utf-8");
    crate::util::generated_section("rules/README.md", BEGIN, END, &table, "readme_rules_table");
}
