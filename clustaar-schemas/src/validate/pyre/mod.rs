//! Patterns judged as Python 3's `re` judges them.
//!
//! The platform validates with Python (lupin's `Match` runs `pattern.match(value)`; the
//! `match_regexp` condition's pattern must pass `re.compile`), so a pattern here must accept
//! what Python accepts, to the character. Rust's `regex` crate differs in places; this module
//! parses Python's syntax ([`parse`], `re/_parser.py`'s rules and messages) and writes each
//! pattern in the `fancy-regex` crate's syntax with Python's meaning ([`translate`]), over
//! Python's own Unicode tables ([`tables`], generated from Python 3.11 by
//! `scripts/python_re_tables.py` and checked there against `re` over every code point).
//!
//! | construct | Python 3.11 `re` | Rust `regex` | done here |
//! |---|---|---|---|
//! | `re.match` | anchored at the start only | unanchored search | `\A(?:...)` around the pattern |
//! | `$` (no `re.M`) | end, or before a final `\n` | end only | `\n?\z` at the pattern's end, `(?=\n?\z)` elsewhere |
//! | `$` with `re.M` | before every `\n`, and at the end | the same (`(?m:$)`) | `(?m:$)` |
//! | `^`, `\A` | start (`re.M`: after every `\n`) | the same | `\A`, `(?m:^)` |
//! | `\Z` | end of text only | an escape error (`\z` is the end) | `\z` |
//! | `\d` | `str.isdecimal()` (Unicode 14.0) | Unicode `Nd` of Rust's (newer) Unicode | Python's table |
//! | `\w` | `str.isalnum()` or `_` | UTS #18 word characters (marks, joiners) | Python's table |
//! | `\s` | `str.isspace()` (includes `\x1c`-`\x1f`) | Unicode `White_Space` | Python's table |
//! | `\b`, `\B` | boundary of Python's `\w` | boundary of Rust's `\w` | look-around over Python's `\w` |
//! | `.` | anything but `\n` (`re.S`: anything) | the same | `[^\n]`, `(?s:.)` |
//! | `re.I` | simple lowercase, with `re`'s extra cases (`i`/`ı`/`İ`, `s`/`ſ`, `µ`/`μ`...) | Unicode simple case folding (no `İ`, no `ı`) | Python's equivalences, written as classes |
//! | `re.A` | ASCII `\d\w\s\b` and ASCII-only case | `(?-u)` | ASCII classes |
//! | `(?x)` | whitespace and `#` comments outside sets | the same | read by the parser |
//! | `a{,3}`, `{` alone, `a{}` | `{0,3}`, literal `{`, literal | errors | read as Python reads them |
//! | `(?P<n>)`, `(?P=n)` | named group, reference | `(?P<n>)` only | numbered group, `\N` |
//! | look-around, `\1`, `(?>...)`, `*+` | supported (look-behind of fixed width) | not supported | `fancy-regex`'s backtracking engine, only where the pattern needs it |
//! | `(?(1)a|b)` | supported | not supported | valid; not translated ([`Unsupported`]) |
//! | `\N{NAME}` | a character of the Unicode database | not supported | valid when the name is of the database's alphabet (the name itself is not looked up); not translated |
//! | group names | `str.isidentifier()` | — | `unicode-ident`'s XID tables (a later Unicode than 14.0) |
//! | errors | `re.error` with a message | — | the same messages; positions approximate |
//!
//! A match that exhausts `fancy-regex`'s backtracking limit counts as no match: only patterns
//! with look-around or back-references use that engine, and the schemas' own (`(?!@clustaar\.)`
//! on a length-limited field) stay linear.

// Outside the tests, the schemas' fixed patterns are judged by hand over the same classes
// (`rules::fixed_match`) and `match_regexp` patterns are only parsed ([`check`]): the
// translation and [`PyRegex`] are then the reference those checks are tested against.
#![cfg_attr(not(test), allow(dead_code))]

pub(crate) mod charset;
pub mod parse;
pub(crate) mod tables;
mod translate;

pub use parse::{Flags, SyntaxError};
pub use translate::Unsupported;

/// A pattern refused: not Python (a [`SyntaxError`]), or Python that is not translated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// `re.compile` refuses it.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// Valid Python this module does not translate.
    #[error(transparent)]
    Unsupported(#[from] Unsupported),
    /// The translation did not compile (a repetition too large for the Rust engine).
    #[error("the pattern is too large to compile: {0}")]
    TooLarge(String),
}

/// A compiled Python pattern: [`PyRegex::is_match`] is `re.compile(pattern, flags).match(text)`.
#[derive(Debug, Clone)]
pub struct PyRegex {
    regex: fancy_regex::Regex,
}

impl PyRegex {
    /// Compiles `pattern` as `re.compile(pattern, flags)` does.
    pub fn new(pattern: &str, flags: Flags) -> Result<Self, PatternError> {
        let parsed = parse::parse(pattern, flags)?;
        let translated = translate::translate(&parsed)?;
        let regex = fancy_regex::RegexBuilder::new(&translated)
            .build()
            .map_err(|error| PatternError::TooLarge(error.to_string()))?;
        Ok(Self { regex })
    }

    /// Whether `re.match` finds a match at the start of `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text).unwrap_or(false)
    }
}

/// Whether `re.compile(pattern)` accepts `pattern`: `Err` holds Python's message.
pub fn check(pattern: &str) -> Result<(), SyntaxError> {
    parse::parse(pattern, Flags::default()).map(drop)
}

#[cfg(test)]
mod tests;
