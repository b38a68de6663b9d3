//! Compile-time checks of `#[on]`, `#[authenticator]` and `main!()`: each mistake is a compile error whose
//! snapshot (`tests/ui/**/*.stderr`) documents the message users see.
//!
//! The forms that must compile (`tests/ui/pass/`) are test targets of the root package
//! (`ui_pass_*` in the root `Cargo.toml`), built with the other tests: with only failing cases,
//! trybuild checks the dependencies instead of building them. This package depends on the
//! runtime crate alone, so trybuild's project checks nothing else (`lib.rs`); the case paths
//! are relative to this directory (`cargo test -p webhook-ui-tests`, `TRYBUILD=overwrite` to
//! write the snapshots again).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("on/*.rs");
    cases.compile_fail("main/*.rs");
    cases.compile_fail("http/*.rs");
    cases.compile_fail("authenticator/*.rs");
}
