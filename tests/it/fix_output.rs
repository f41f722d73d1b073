//! `fix`'s notes are readable: one per rule and file rather than the same
//! lines per use, and when nothing is safe to rewrite it says how many uses
//! `--unsafe` would rewrite and why they are unsafe, grouped by reason.
//! See: issue 13 ("`fix` output is readable").

use crate::util::{code, run_in, stderr, tree, AS_OF};

const NSX: &str = "https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/";
const OPTION_PROFILE: &str =
    "https://qualysapi.qualys.com/api/3.0/fo/subscription/option_profile/vm/";

#[test]
fn one_note_per_rule_and_file_and_why_unsafe_when_nothing_is_safe() {
    let script = format!(
        "#!/bin/sh\ncurl \"{NSX}?action=list\"\ncurl \"{NSX}?action=list\"\ncurl \"{NSX}?action=list\"\ncurl \"{OPTION_PROFILE}?action=list\"\n"
    );
    let dir = tree(&[("a.sh", script)]);
    let out = run_in(dir.path(), &["fix", "--as-of", AS_OF, "a.sh"]);
    assert_eq!(code(&out), 0);
    let err = stderr(&out);
    assert_eq!(
        err.matches("unsafe, not applied").count(),
        2,
        "one note per rule and file:\n{err}"
    );
    assert!(
        err.contains("a.sh:2:35: unsafe, not applied (pass --unsafe): qualys-auth-nsx-v2 /api/2.0/fo/auth/nsx/ -> /api/3.0/fo/auth/nsx/ (3 uses: lines 2, 3, 4)\n"),
        "{err}"
    );
    assert_eq!(
        err.matches("no source says /api/3.0/fo/auth/nsx/ is a drop-in")
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains(
            "nothing is safe to rewrite: --unsafe would rewrite 4 use(s) in 1 file(s):\n  \
             3 use(s): the replacement has documented breaking changes (listed above) (qualys-auth-nsx-v2)\n  \
             1 use(s): no source says the replacement is a drop-in (qualys-option-profile-vm-v3)\n"
        ),
        "{err}"
    );
}

#[test]
fn no_unsafe_summary_when_something_is_safe_or_nothing_is_held() {
    let dir = tree(&[(
        "a.sh",
        "curl \"https://qualysapi.qualys.com/api/2.0/fo/compliance/exception/?action=list\"\ncurl \"https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/?action=list\"\n",
    )]);
    let out = run_in(dir.path(), &["fix", "--as-of", AS_OF, "a.sh"]);
    let err = stderr(&out);
    assert!(err.contains("would rewrite 1 use(s) in 1 file(s)"), "{err}");
    assert!(!err.contains("nothing is safe"), "{err}");
    assert!(!err.contains("uses: lines"), "{err}");
}
