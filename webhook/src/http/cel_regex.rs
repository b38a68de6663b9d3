//! CEL's `matches` with bounded regular expressions.
//!
//! The `cel` crate's own `matches` compiles its pattern at each call, without limits: a filter
//! that matches against a pattern taken from the request (`data.body.json.a.matches(
//! data.body.json.b)`) let a sender make one request cost seconds of CPU with a 4 KiB pattern
//! of a few thousand `.` (found by the `cel` fuzz target: 1.7 s an evaluation). This one is
//! registered instead (the crate's `regex` feature is off): a pattern is at most
//! [`MAX_PATTERN_LENGTH`] bytes, its compiled program at most [`SIZE_LIMIT`], its nesting at most
//! [`NEST_LIMIT`] (a pattern past them is an evaluation error, so no match), and compiled
//! patterns are kept in a small cache, so that a filter's literal pattern is compiled once
//! rather than at every request.

use std::sync::LazyLock;

use cel::common::types::{CelBool, CelString};
use cel::Env;
use cel::ExecutionError;
use quick_cache::sync::Cache;
use regex::{Regex, RegexBuilder};

/// The longest pattern accepted, in bytes: longer ones are refused before they are parsed.
pub(crate) const MAX_PATTERN_LENGTH: usize = 1024;

/// The largest compiled program a pattern may take (the regex crate's `size_limit`; its
/// default is 10 MiB).
pub(crate) const SIZE_LIMIT: usize = 64 * 1024;

/// The deepest nesting of groups and repetitions a pattern may have.
pub(crate) const NEST_LIMIT: u32 = 64;

/// How many patterns (and refusals) are kept compiled.
const CACHED_PATTERNS: usize = 512;

static COMPILED: LazyLock<Cache<String, Result<Regex, String>>> =
    LazyLock::new(|| Cache::new(CACHED_PATTERNS));

/// Compiles `pattern` within the limits.
fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
        .map_err(|error| error.to_string())
}

/// The compiled `pattern`, from the cache when it was compiled before.
fn compiled(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > MAX_PATTERN_LENGTH {
        return Err(format!(
            "the pattern is {} bytes long, more than the {MAX_PATTERN_LENGTH} accepted",
            pattern.len()
        ));
    }
    if let Some(known) = COMPILED.get(pattern) {
        return known;
    }
    let result = compile(pattern);
    COMPILED.insert(pattern.to_owned(), result.clone());
    result
}

/// `text.matches(pattern)` and `matches(text, pattern)`.
fn matches(text: &CelString<'_>, pattern: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    match compiled(pattern.inner()) {
        Ok(regex) => Ok(CelBool::from(regex.is_match(text.inner()))),
        Err(error) => Err(ExecutionError::FunctionError {
            function: "matches".to_owned(),
            message: format!("'{}' is not a usable regex: {error}", pattern.inner()),
        }),
    }
}

/// Adds `matches` (global and member forms) to `env`, which must not have it (the `cel`
/// crate's `regex` feature off).
pub(crate) fn register(env: &mut Env) {
    // The overload macros name CEL's types as the crate's string functions do.
    use cel::common::types::CelString as String;
    cel::add_overload!(env, fn matches: (String, String) -> Result<CelBool>, id = "matches")
        .expect("the cel crate's own `matches` is off (its `regex` feature)");
    cel::add_member_overload!(env, fn matches: (String, String) -> Result<CelBool>)
        .expect("the cel crate's own `matches` is off (its `regex` feature)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_past_the_limits_is_refused_quickly() {
        // What the fuzz target found, in substance: thousands of Unicode `.`.
        let pattern = "......\u{0}$......".repeat(300);
        let started = std::time::Instant::now();
        let refused = compiled(&pattern).unwrap_err();
        assert!(refused.contains("more than the 1024 accepted"), "{refused}");
        // Within the length, past the compiled size.
        let refused = compiled(&".".repeat(1000)).unwrap_err();
        assert!(refused.contains("size limit"), "{refused}");
        assert!(
            started.elapsed() < std::time::Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn usual_patterns_compile_and_are_cached() {
        assert!(compiled("^/webhooks/.*/foo$")
            .unwrap()
            .is_match("/webhooks/x/foo"));
        assert!(COMPILED.get("^/webhooks/.*/foo$").is_some());
        assert!(compiled("application/json(;.*)?").is_ok());
        assert!(compiled("(").is_err());
    }

    #[test]
    fn nesting_past_the_limit_is_refused() {
        let pattern = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(compile(&pattern).unwrap_err().contains("nest"), "{pattern}");
    }
}
