//! Compile-time checks of `#[on]`, `#[authenticator]` and `main!()`: each mistake is a compile error whose
//! snapshot (`tests/ui/**/*.stderr`) documents the message users see.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/on/*.rs");
    cases.compile_fail("tests/ui/main/*.rs");
    cases.compile_fail("tests/ui/http/*.rs");
    cases.compile_fail("tests/ui/authenticator/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
