//! Command-line cases as files (typos' `tests/cmd/*.toml`): each case holds
//! the arguments, the exit code and the whole stdout and stderr, next to the
//! tree it runs in (`<case>.in/`). `TRYCMD=overwrite cargo test cmd::`
//! rewrites the expected output after an intended change: review the diff.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("sunset", trycmd::cargo::cargo_bin!("sunset"))
        .case("tests/cmd/*.toml");
}
