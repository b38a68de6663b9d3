//! The rules, and the checker that walks a document collecting broken ones.

use std::fmt;
use std::sync::LazyLock;

use super::pyre::charset::CharSet;
use super::pyre::parse::Category;
#[cfg(test)]
use super::pyre::{Flags, PyRegex};
use super::{Validate, ValidationError, ValidationErrors};
use crate::view::Origin;

/// A constraint of the platform.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// The field is required (and may not be `null`).
    Required,
    /// A text's length, in characters (Unicode scalar values, as Python counts).
    Length {
        /// Minimum (0: none).
        min: usize,
        /// Maximum.
        max: usize,
        /// The length found.
        actual: usize,
    },
    /// A list's number of items.
    Count {
        /// Minimum (0: none).
        min: usize,
        /// Maximum.
        max: usize,
        /// The number found.
        actual: usize,
    },
    /// A MongoDB ObjectID: 24 letters or digits (`^[a-z0-9]{24}$`, any case, as the reference).
    ObjectId,
    /// A URL with a scheme and a host, the scheme among `schemes` when they are given.
    Url {
        /// The schemes accepted (any when empty).
        schemes: &'static [&'static str],
    },
    /// A text matching a pattern.
    Pattern {
        /// The pattern, as the reference writes it.
        pattern: &'static str,
    },
    /// One of a set of values.
    OneOf {
        /// The values accepted.
        allowed: &'static [&'static str],
    },
    /// A number in a range, bounds included.
    Range {
        /// Minimum.
        min: f64,
        /// Maximum.
        max: f64,
    },
    /// An object whose `type` is not accepted here.
    Type {
        /// The types accepted.
        allowed: &'static [&'static str],
        /// The type found (`None`: no `type`).
        actual: Option<String>,
    },
    /// A regular expression that does not compile.
    Regex {
        /// Why.
        error: String,
    },
    /// A value of a string-to-string map that is not a string.
    NotAString,
    /// The title of a section, required when a choices list has more than one section.
    SectionTitle,
    /// A field that may be absent on the platform but not `null`; the reference (and this
    /// crate, for a model built by code) writes a `None` as `null`, so it must be set. A loaded
    /// model leaves such a `None` out ([`Origin`](crate::view::Origin)).
    NotNull,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("required, and may not be null"),
            Rule::Length { min, max, actual } if *max == usize::MAX => {
                write!(
                    f,
                    "the length must be at least {min} characters, not {actual}"
                )
            }
            Rule::Length { min, max, actual } if *min > 0 => write!(
                f,
                "the length must be between {min} and {max} characters, not {actual}"
            ),
            Rule::Length { max, actual, .. } => {
                write!(
                    f,
                    "the length must be at most {max} characters, not {actual}"
                )
            }
            Rule::Count { min, max, actual } if *max == usize::MAX => {
                write!(f, "must hold at least {min} items, not {actual}")
            }
            Rule::Count { min, max, actual } if *min > 0 => {
                write!(f, "must hold between {min} and {max} items, not {actual}")
            }
            Rule::Count { max, actual, .. } => {
                write!(f, "must hold at most {max} items, not {actual}")
            }
            Rule::ObjectId => f.write_str("must be an ObjectID (24 letters or digits)"),
            Rule::Url { schemes: [] } => f.write_str("must be a URL with a scheme and a host"),
            Rule::Url { schemes } => write!(
                f,
                "must be a URL with a host and one of the schemes {}",
                schemes.join(", ")
            ),
            Rule::Pattern { pattern } => write!(f, "must match `{pattern}`"),
            Rule::OneOf { allowed } => write!(f, "must be one of {}", quoted(allowed)),
            Rule::Range { min, max } => write!(f, "must be a number between {min} and {max}"),
            Rule::Type { allowed, actual } => write!(
                f,
                "a {} is not accepted here: the type must be one of {}",
                actual
                    .as_deref()
                    .map_or_else(|| "object without type".to_owned(), |t| format!("`{t}`")),
                quoted(allowed)
            ),
            Rule::Regex { error } => write!(f, "not a valid regular expression: {error}"),
            Rule::NotAString => f.write_str("must be a string"),
            Rule::NotNull => {
                f.write_str("may not be null: set a value (it is written as null when unset)")
            }
            Rule::SectionTitle => {
                f.write_str("a title is required when the list has more than one section")
            }
        }
    }
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `^[\w\d_]+$`: session value keys, user attribute keys, document names, field keys.
pub(crate) const WORD: &str = r"^[\w\d_]+$";
/// `^\d*$`: Intercom and Zendesk ids.
pub(crate) const DIGITS: &str = r"^\d*$";
/// `^[a-z0-9]{24}$` with `re.I`: the reference's `ObjectID` validator.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const OBJECT_ID: &str = r"^[a-z0-9]{24}$";
/// `^[\w\d]+$`: the keys of `customAttributes`.
pub(crate) const KEY: &str = r"^[\w\d]+$";
/// A user attribute key: a word, and not `id` in any case.
pub(crate) const USER_ATTRIBUTE_KEY: &str = r"(?i)^(?!(id)$)[\w\d_]+$";
/// An e-mail address the platform sends from: not at a `clustaar.` domain (with `re.I`).
pub(crate) const NOT_CLUSTAAR: &str = r"^((?!@clustaar\.).)*$";

/// The schemas' patterns, compiled as Python compiles them (see [`super::pyre`]): what the
/// checks by hand ([`fixed_match`]) are tested against.
#[cfg(test)]
fn python(pattern: &'static str, flags: Flags) -> PyRegex {
    PyRegex::new(pattern, flags).unwrap_or_else(|error| panic!("{pattern}: {error}"))
}

#[cfg(test)]
static WORD_RE: LazyLock<PyRegex> = LazyLock::new(|| python(WORD, Flags::default()));
#[cfg(test)]
static DIGITS_RE: LazyLock<PyRegex> = LazyLock::new(|| python(DIGITS, Flags::default()));
#[cfg(test)]
static OBJECT_ID_RE: LazyLock<PyRegex> = LazyLock::new(|| python(OBJECT_ID, Flags::IGNORECASE));
#[cfg(test)]
static KEY_RE: LazyLock<PyRegex> = LazyLock::new(|| python(KEY, Flags::default()));
#[cfg(test)]
static USER_ATTRIBUTE_KEY_RE: LazyLock<PyRegex> =
    LazyLock::new(|| python(USER_ATTRIBUTE_KEY, Flags::default()));
#[cfg(test)]
static NOT_CLUSTAAR_RE: LazyLock<PyRegex> =
    LazyLock::new(|| python(NOT_CLUSTAAR, Flags::IGNORECASE));

/// The schemas' fixed patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FixedPattern {
    /// [`WORD`].
    Word,
    /// [`DIGITS`].
    Digits,
    /// [`OBJECT_ID`], with `re.I`.
    ObjectId,
    /// [`KEY`].
    Key,
    /// [`USER_ATTRIBUTE_KEY`].
    UserAttributeKey,
    /// [`NOT_CLUSTAAR`], with `re.I`.
    NotClustaar,
}

impl FixedPattern {
    /// Every fixed pattern.
    #[cfg(test)]
    pub(crate) const ALL: [FixedPattern; 6] = [
        FixedPattern::Word,
        FixedPattern::Digits,
        FixedPattern::ObjectId,
        FixedPattern::Key,
        FixedPattern::UserAttributeKey,
        FixedPattern::NotClustaar,
    ];

    /// The pattern compiled as Python compiles it (the tests compare the checks by hand with
    /// it).
    #[cfg(test)]
    pub(crate) fn regex(self) -> &'static PyRegex {
        match self {
            FixedPattern::Word => &WORD_RE,
            FixedPattern::Digits => &DIGITS_RE,
            FixedPattern::ObjectId => &OBJECT_ID_RE,
            FixedPattern::Key => &KEY_RE,
            FixedPattern::UserAttributeKey => &USER_ATTRIBUTE_KEY_RE,
            FixedPattern::NotClustaar => &NOT_CLUSTAAR_RE,
        }
    }

    /// Python's verdict on an ASCII `text`, written out by hand (the schemas' texts are
    /// nearly always ASCII): on ASCII, Python's `\w` is `[A-Za-z0-9_]`, its `\d` is `[0-9]`
    /// and `re.I` folds ASCII letters only.
    fn ascii_match(self, text: &[u8]) -> bool {
        let body = without_final_newline(text);
        let word = |body: &[u8]| {
            !body.is_empty() && body.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        };
        match self {
            FixedPattern::Word | FixedPattern::Key => word(body),
            FixedPattern::Digits => body.iter().all(u8::is_ascii_digit),
            FixedPattern::ObjectId => {
                body.len() == 24 && body.iter().all(u8::is_ascii_alphanumeric)
            }
            // `(?!(id)$)`: not `id` (any case) then the end or a final newline.
            FixedPattern::UserAttributeKey => word(body) && !body.eq_ignore_ascii_case(b"id"),
            // `((?!@clustaar\.).)*$`: `.` takes anything but a newline and stops before
            // `@clustaar.` (any case); `$` then needs the end or a final newline.
            FixedPattern::NotClustaar => {
                const DOMAIN: &[u8] = b"@clustaar.";
                !body.contains(&b'\n')
                    && !text
                        .windows(DOMAIN.len())
                        .any(|window| window.eq_ignore_ascii_case(DOMAIN))
            }
        }
    }

    /// Python's verdict on any `text`, by hand over the classes the compiled pattern is made
    /// of (Python's `\w` and `\d`, `re.I`'s equivalences: [`FixedClasses`]).
    fn unicode_match(self, text: &str) -> bool {
        let classes = &*FIXED_CLASSES;
        let body: Vec<char> = without_final_newline_str(text).chars().collect();
        let all_in = |set: &CharSet| body.iter().all(|&c| set.contains(c as u32));
        match self {
            FixedPattern::Word | FixedPattern::Key => !body.is_empty() && all_in(&classes.word),
            FixedPattern::Digits => all_in(&classes.digit),
            FixedPattern::ObjectId => body.len() == 24 && all_in(&classes.object_id),
            FixedPattern::UserAttributeKey => {
                let id = body.len() == 2
                    && classes.i.contains(body[0] as u32)
                    && classes.d.contains(body[1] as u32);
                !body.is_empty() && all_in(&classes.word_ignore_case) && !id
            }
            FixedPattern::NotClustaar => {
                let text: Vec<char> = text.chars().collect();
                !body.contains(&'\n')
                    && !text.windows(classes.domain.len()).any(|window| {
                        window
                            .iter()
                            .zip(&classes.domain)
                            .all(|(&c, set)| set.contains(c as u32))
                    })
            }
        }
    }
}

/// The text `$` (without `re.M`) leaves before it: `$` matches at the end or before a final
/// `\n`.
fn without_final_newline(text: &[u8]) -> &[u8] {
    text.strip_suffix(b"\n").unwrap_or(text)
}

fn without_final_newline_str(text: &str) -> &str {
    text.strip_suffix('\n').unwrap_or(text)
}

/// The classes of the fixed patterns, built as [`super::pyre`]'s translation builds them.
struct FixedClasses {
    /// `[\w\d_]`.
    word: CharSet,
    /// `[\w\d_]` under `re.I`.
    word_ignore_case: CharSet,
    /// `\d`.
    digit: CharSet,
    /// `[a-z0-9]` under `re.I`.
    object_id: CharSet,
    /// `i` under `re.I`.
    i: CharSet,
    /// `d` under `re.I`.
    d: CharSet,
    /// `@clustaar.`, each character under `re.I`.
    domain: Vec<CharSet>,
}

static FIXED_CLASSES: LazyLock<FixedClasses> = LazyLock::new(|| {
    let word = CharSet::category(Category::Word, false)
        .union(&CharSet::category(Category::Digit, false))
        .union(&CharSet::char('_'));
    FixedClasses {
        word_ignore_case: word.case_closed(false),
        word,
        digit: CharSet::category(Category::Digit, false),
        object_id: CharSet::from_ranges([('a' as u32, 'z' as u32), ('0' as u32, '9' as u32)])
            .case_closed(false),
        i: CharSet::char('i').case_closed(false),
        d: CharSet::char('d').case_closed(false),
        domain: "@clustaar."
            .chars()
            .map(|c| CharSet::char(c).case_closed(false))
            .collect(),
    }
});

/// `re.match(pattern, text)` of a fixed pattern, by hand: the compiled pattern (a
/// backtracking or lazy-DFA search) costs ten times more. The test
/// `fixed_patterns_are_judged_as_the_compiled_patterns_judge` checks both paths against the
/// compiled pattern ([`FixedPattern::regex`]).
pub(crate) fn fixed_match(pattern: FixedPattern, text: &str) -> bool {
    if text.is_ascii() {
        pattern.ascii_match(text.as_bytes())
    } else {
        pattern.unicode_match(text)
    }
}

/// [`fixed_match`] without its ASCII path (for the tests).
#[cfg(test)]
pub(crate) fn fixed_match_unicode(pattern: FixedPattern, text: &str) -> bool {
    pattern.unicode_match(text)
}

/// The scheme of an `http` or `https` URL that [`url::Url::parse`] surely accepts, with a
/// host, read without parsing it (a tenth of the cost): between C0 controls and spaces,
/// `http://` or `https://`, a host of
/// labels that the URL parser takes as they are, then the end or a path, a query or a
/// fragment (which the parser percent-encodes as needed, and never refuses). `None`: not
/// such a URL, which [`url::Url::parse`] then judges.
///
/// A label taken as it is (IDNA's pass-through): a lowercase ASCII letter, then lowercase
/// ASCII letters, digits and hyphens, not ending with a hyphen, without hyphens as its third
/// and fourth characters (`xn--`). The host does not end in a number (its last label starts
/// with a letter): it is a domain, not an IPv4 address. The test
/// `plain_http_urls_are_urls_with_a_host` checks the verdicts against the parser's.
pub(crate) fn plain_http_url(text: &str) -> Option<&'static str> {
    // Far below the parser's only limit on the rest (a `u32` of length, percent-encoded).
    const MAX_LEN: usize = 1 << 16;
    // The parser leaves out the C0 controls and spaces around the URL.
    let text = text.trim_matches(|c: char| c <= ' ');
    let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
        ("https", rest)
    } else {
        ("http", text.strip_prefix("http://")?)
    };
    if text.len() > MAX_LEN {
        return None;
    }
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let host = &rest.as_bytes()[..end];
    let plain_label = |label: &[u8]| match label.split_first() {
        Some((first, tail)) => {
            first.is_ascii_lowercase()
                && tail
                    .iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && label.last() != Some(&b'-')
                && !(label.len() >= 4 && label[2] == b'-' && label[3] == b'-')
        }
        None => false,
    };
    host.split(|&b| b == b'.')
        .all(plain_label)
        .then_some(scheme)
}

/// How many `match_regexp` verdicts are kept.
pub(crate) const PATTERN_VERDICTS: usize = 1024;

/// The longest pattern whose verdict is kept, in bytes (the cache holds at most ~1 MiB).
pub(crate) const CACHED_PATTERN_LEN: usize = 1024;

/// Walks a document, keeping the current JSON path and the broken rules.
///
/// The path is kept as its segments (the keys are the models' field names), and written out
/// only for an error: a valid document, the common case, never writes it.
pub struct Checker {
    prefix: String,
    path: Vec<Segment>,
    errors: Vec<ValidationError>,
}

/// A segment of the current path.
#[derive(Clone, Copy)]
enum Segment {
    /// A field (`.key`, or `key` at the start).
    Key(&'static str),
    /// An item of a list (`[index]`).
    Index(usize),
}

impl Checker {
    pub(crate) fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            // Deeper than the models nest: no growth.
            path: Vec::with_capacity(16),
            errors: Vec::new(),
        }
    }

    pub(crate) fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.errors))
        }
    }

    /// The current path, written out.
    fn path(&self) -> String {
        let mut path = self.prefix.clone();
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Segment::Index(index) => {
                    path.push('[');
                    path.push_str(&index.to_string());
                    path.push(']');
                }
            }
        }
        path
    }

    /// Reports `rule` broken at the current path.
    pub(crate) fn error(&mut self, rule: Rule) {
        self.errors.push(ValidationError {
            path: self.path(),
            rule,
        });
    }

    /// Runs `f` at the field `key` of the current object.
    pub(crate) fn field(&mut self, key: &'static str, f: impl FnOnce(&mut Self)) {
        self.path.push(Segment::Key(key));
        f(self);
        self.path.pop();
    }

    /// Runs `f` at the item `index` of the current list.
    pub(crate) fn item(&mut self, index: usize, f: impl FnOnce(&mut Self)) {
        self.path.push(Segment::Index(index));
        f(self);
        self.path.pop();
    }

    /// Validates a nested model at `key`, required or not.
    pub(crate) fn model<T: Validate>(
        &mut self,
        key: &'static str,
        value: Option<&T>,
        required: bool,
    ) {
        self.field(key, |c| match value {
            Some(value) => value.check(c),
            None if required => c.error(Rule::Required),
            None => {}
        });
    }

    /// Validates a list at `key`: required or not, its count, then each item.
    pub(crate) fn list<T: Validate>(
        &mut self,
        key: &'static str,
        value: Option<&[T]>,
        required: bool,
        min: usize,
        max: usize,
    ) {
        self.field(key, |c| match value {
            Some(items) => {
                c.count(items.len(), min, max);
                for (index, item) in items.iter().enumerate() {
                    c.item(index, |c| item.check(c));
                }
            }
            None if required => c.error(Rule::Required),
            None => {}
        });
    }

    /// A field that may be absent but not `null`: refused when it is `None` and `origin`
    /// writes it `null`.
    pub(crate) fn not_null<T>(&mut self, key: &'static str, value: Option<&T>, origin: Origin) {
        if value.is_none() && origin.writes_null() {
            self.field(key, |c| c.error(Rule::NotNull));
        }
    }

    pub(crate) fn count(&mut self, actual: usize, min: usize, max: usize) {
        if actual < min || actual > max {
            self.error(Rule::Count { min, max, actual });
        }
    }

    /// A text at `key`: required or not, then `rules` when present.
    pub(crate) fn text(
        &mut self,
        key: &'static str,
        value: Option<&str>,
        required: bool,
        rules: impl FnOnce(&mut Self, &str),
    ) {
        self.field(key, |c| match value {
            Some(text) => rules(c, text),
            None if required => c.error(Rule::Required),
            None => {}
        });
    }

    pub(crate) fn length(&mut self, text: &str, min: usize, max: usize) {
        // A character takes 1 to 4 bytes: the bytes mostly settle it without counting.
        if text.len() <= max && text.len().div_ceil(4) >= min {
            return;
        }
        let actual = text.chars().count();
        if actual < min || actual > max {
            self.error(Rule::Length { min, max, actual });
        }
    }

    pub(crate) fn word(&mut self, text: &str) {
        if !fixed_match(FixedPattern::Word, text) {
            self.error(Rule::Pattern { pattern: WORD });
        }
    }

    pub(crate) fn digits(&mut self, text: &str) {
        if !fixed_match(FixedPattern::Digits, text) {
            self.error(Rule::Pattern { pattern: DIGITS });
        }
    }

    /// A user attribute key (`^[\w\d_]+$`, and not `id` in any case, as Python compares).
    pub(crate) fn user_attribute_key(&mut self, text: &str) {
        if !fixed_match(FixedPattern::UserAttributeKey, text) {
            self.error(Rule::Pattern {
                pattern: USER_ATTRIBUTE_KEY,
            });
        }
    }

    /// An e-mail address not at a `clustaar.` domain.
    pub(crate) fn not_clustaar(&mut self, text: &str) {
        if !fixed_match(FixedPattern::NotClustaar, text) {
            self.error(Rule::Pattern {
                pattern: NOT_CLUSTAAR,
            });
        }
    }

    pub(crate) fn object_id(&mut self, text: &str) {
        if !fixed_match(FixedPattern::ObjectId, text) {
            self.error(Rule::ObjectId);
        }
    }

    pub(crate) fn url(&mut self, text: &str, schemes: &'static [&'static str]) {
        let ok = plain_http_url(text)
            .is_some_and(|scheme| schemes.is_empty() || schemes.contains(&scheme))
            || url::Url::parse(text).is_ok_and(|url| {
                url.has_host() && (schemes.is_empty() || schemes.contains(&url.scheme()))
            });
        if !ok {
            self.error(Rule::Url { schemes });
        }
    }

    pub(crate) fn one_of(&mut self, text: &str, allowed: &'static [&'static str]) {
        if !allowed.contains(&text) {
            self.error(Rule::OneOf { allowed });
        }
    }

    pub(crate) fn range(&mut self, value: f64, min: f64, max: f64) {
        if !(min..=max).contains(&value) {
            self.error(Rule::Range { min, max });
        }
    }

    /// A pattern that `re.compile` accepts (the platform compiles it with Python 3's `re`):
    /// parsed with Python's rules ([`super::pyre::check`]), with Python's message when it is
    /// refused. Parsing is what tells a malformed pattern; compiling an automaton would cost a
    /// thousand times more and add size limits that Python does not have.
    ///
    /// The verdicts of up to [`PATTERN_VERDICTS`] patterns (of up to [`CACHED_PATTERN_LEN`]
    /// bytes) are kept: a bot's steps send the same patterns on every request.
    pub(crate) fn regex(&mut self, pattern: &str) {
        static VERDICTS: LazyLock<quick_cache::sync::Cache<Box<str>, Option<String>>> =
            LazyLock::new(|| quick_cache::sync::Cache::new(PATTERN_VERDICTS));
        let parse = |pattern: &str| {
            super::pyre::check(pattern)
                .err()
                .map(|error| error.to_string())
        };
        let error = if pattern.len() > CACHED_PATTERN_LEN {
            parse(pattern)
        } else if let Some(verdict) = VERDICTS.get(pattern) {
            verdict
        } else {
            let verdict = parse(pattern);
            VERDICTS.insert(pattern.into(), verdict.clone());
            verdict
        };
        if let Some(error) = error {
            self.error(Rule::Regex { error });
        }
    }

    /// An object of `actual` type where only `allowed` are accepted.
    pub(crate) fn type_allowed(&mut self, actual: Option<&str>, allowed: &'static [&'static str]) {
        if !actual.is_some_and(|actual| allowed.contains(&actual)) {
            self.error(Rule::Type {
                allowed,
                actual: actual.map(str::to_owned),
            });
        }
    }

    /// A string-to-string map whose keys are word characters (`customAttributes`).
    pub(crate) fn string_map(&mut self, map: &serde_json::Map<String, serde_json::Value>) {
        for (key, value) in map {
            // The key is the map's, not a field name: written into the path of its errors.
            let at = |c: &Self| {
                let mut path = c.path();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                path
            };
            if !fixed_match(FixedPattern::Key, key) {
                let path = at(self);
                self.errors.push(ValidationError {
                    path,
                    rule: Rule::Pattern { pattern: KEY },
                });
            }
            if !value.is_string() {
                let path = at(self);
                self.errors.push(ValidationError {
                    path,
                    rule: Rule::NotAString,
                });
            }
        }
    }
}
