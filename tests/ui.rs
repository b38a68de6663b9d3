//! Compile-time checks of `#[on]`, `#[authenticator]` and `main!()`: each mistake is a compile error whose
//! snapshot (`tests/ui/**/*.stderr`) documents the message users see.
//!
//! The forms that must compile (`tests/ui/pass/`) are test targets of their own (`ui_pass_*` in
//! `Cargo.toml`), built with the other tests: with only failing cases, trybuild checks the
//! dependencies instead of building them.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/on/*.rs");
    cases.compile_fail("tests/ui/main/*.rs");
    cases.compile_fail("tests/ui/http/*.rs");
    cases.compile_fail("tests/ui/authenticator/*.rs");
}
