//! JSON paths compiled once: dotted fields and `[n]` indexes, as users write JMESPath.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object's field.
    Key(Cow<'static, str>),
    /// An array's element; a negative index counts from the end (`[-1]` is the last).
    Index(i64),
}

/// A compiled JSON path such as `data.step.id`, `data.step.actions[0].type` or
/// `data.session.values."first-name"`.
///
/// The syntax is the subset of JMESPath the reference's users write: identifiers
/// (`[A-Za-z_][A-Za-z0-9_]*`) joined by dots, quoted identifiers (`"any key"`, with `\"` and `\\`
/// escapes) for other keys, and `[n]` indexes (negative from the end). Parsing happens once;
/// [`JsonPath::find`] then walks the value without allocating.
///
/// ```
/// use webhook::filter::JsonPath;
/// use serde_json::json;
///
/// let path = JsonPath::parse("data.step.actions[0].type").unwrap();
/// let doc = json!({"data": {"step": {"actions": [{"type": "wait_action"}]}}});
/// assert_eq!(path.find(&doc), Some(&json!("wait_action")));
///
/// let error = JsonPath::parse("data..step").unwrap_err();
/// assert_eq!(error.position(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    source: Cow<'static, str>,
    segments: Cow<'static, [Segment]>,
}

/// Why a JSON path does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON path `{path}` at position {position}: {reason}")]
pub struct PathError {
    path: String,
    position: usize,
    reason: &'static str,
}

impl PathError {
    /// The byte offset in the path where the error is.
    pub fn position(&self) -> usize {
        self.position
    }

    /// What is wrong.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl JsonPath {
    /// Parses a path.
    pub fn parse(path: &str) -> Result<Self, PathError> {
        let segments = parse_segments(path).map_err(|(position, reason)| PathError {
            path: path.to_owned(),
            position,
            reason,
        })?;
        Ok(Self {
            source: Cow::Owned(path.to_owned()),
            segments: Cow::Owned(segments),
        })
    }

    /// A path whose segments were computed ahead of time (by the `#[on]` macro, at compile
    /// time). `source` is the path as written, for messages; the segments are trusted.
    #[doc(hidden)]
    pub const fn from_static(source: &'static str, segments: &'static [Segment]) -> Self {
        Self {
            source: Cow::Borrowed(source),
            segments: Cow::Borrowed(segments),
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The value at this path in `value`, or `None` when a key or an index is missing (or a
    /// step goes through something that is not an object or an array). A key present with
    /// `null` is found: `Some(&Value::Null)`.
    pub fn find<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        self.segments
            .iter()
            .try_fold(value, |current, segment| match segment {
                Segment::Key(key) => current.as_object()?.get(key.as_ref()),
                Segment::Index(index) => {
                    let array = current.as_array()?;
                    let position = if *index < 0 {
                        array
                            .len()
                            .checked_sub(usize::try_from(index.unsigned_abs()).ok()?)?
                    } else {
                        usize::try_from(*index).ok()?
                    };
                    array.get(position)
                }
            })
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for JsonPath {
    type Err = PathError;

    fn from_str(path: &str) -> Result<Self, Self::Err> {
        Self::parse(path)
    }
}

type ParseResult<T> = Result<T, (usize, &'static str)>;

/// Parses `path` into segments; an error is the byte position and the reason.
pub fn parse_segments(path: &str) -> ParseResult<Vec<Segment>> {
    let bytes = path.as_bytes();
    if bytes.is_empty() {
        return Err((0, "the path is empty"));
    }
    let mut segments = Vec::new();
    let mut position = 0;
    // A key is expected at the start and after every dot.
    let mut expect_key = true;
    while position < bytes.len() {
        if expect_key {
            let (key, next) = parse_key(path, position)?;
            segments.push(Segment::Key(Cow::Owned(key)));
            position = next;
            expect_key = false;
            continue;
        }
        match bytes[position] {
            b'.' => {
                if position + 1 == bytes.len() {
                    return Err((position + 1, "a field name is expected after `.`"));
                }
                position += 1;
                expect_key = true;
            }
            b'[' => {
                let (index, next) = parse_index(path, position)?;
                segments.push(Segment::Index(index));
                position = next;
            }
            _ => return Err((position, "expected `.` or `[` after a field or an index")),
        }
    }
    Ok(segments)
}

fn parse_key(path: &str, start: usize) -> ParseResult<(String, usize)> {
    let bytes = path.as_bytes();
    match bytes[start] {
        b'"' => parse_quoted_key(path, start),
        b'.' => Err((start, "a field name is expected here, not `.`")),
        b'[' if start == 0 => {
            // A path may start with an index: `[0].id`.
            Err((start, "a path starts with a field name"))
        }
        first if first == b'_' || first.is_ascii_alphabetic() => {
            let end = bytes[start..]
                .iter()
                .position(|b| !(*b == b'_' || b.is_ascii_alphanumeric()))
                .map_or(bytes.len(), |offset| start + offset);
            Ok((path[start..end].to_owned(), end))
        }
        _ => Err((
            start,
            "a field name starts with a letter or `_` (quote other keys: \"my-key\")",
        )),
    }
}

fn parse_quoted_key(path: &str, start: usize) -> ParseResult<(String, usize)> {
    let mut key = String::new();
    let mut chars = path[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => {
                if key.is_empty() {
                    return Err((start, "a quoted field name is empty"));
                }
                return Ok((key, start + 1 + offset + 1));
            }
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => key.push(escaped),
                _ => {
                    return Err((
                        start + 1 + offset,
                        "only `\\\"` and `\\\\` escapes are allowed",
                    ))
                }
            },
            other => key.push(other),
        }
    }
    Err((start, "a quoted field name is not closed"))
}

fn parse_index(path: &str, start: usize) -> ParseResult<(i64, usize)> {
    let rest = &path[start + 1..];
    let close = rest.find(']').ok_or((start, "`[` is not closed by `]`"))?;
    let digits = &rest[..close];
    let unsigned = digits.strip_prefix('-').unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Err((start + 1, "an index is an integer, such as `[0]` or `[-1]`"));
    }
    let index = digits
        .parse::<i64>()
        .map_err(|_| (start + 1, "the index is too large"))?;
    Ok((index, start + 1 + close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(path: &str) -> Vec<Segment> {
        JsonPath::parse(path).unwrap().segments().to_vec()
    }

    fn key(name: &str) -> Segment {
        Segment::Key(Cow::Owned(name.to_owned()))
    }

    #[test]
    fn parses_dotted_fields_and_indexes() {
        assert_eq!(keys("data.step.id"), [key("data"), key("step"), key("id")]);
        assert_eq!(
            keys("a.b[0].c[-1][2]"),
            [
                key("a"),
                key("b"),
                Segment::Index(0),
                key("c"),
                Segment::Index(-1),
                Segment::Index(2)
            ]
        );
        assert_eq!(
            keys(r#"a."first-name"."q\"uote""#),
            [key("a"), key("first-name"), key("q\"uote")]
        );
        assert_eq!(keys("botID"), [key("botID")]);
    }

    #[test]
    fn names_the_position_of_errors() {
        for (path, position) in [
            ("", 0),
            (".a", 0),
            ("a.", 2),
            ("a..b", 2),
            ("a[", 1),
            ("a[x]", 2),
            ("a[]", 2),
            ("a[0]b", 4),
            ("1a", 0),
            ("a.\"b", 2),
            ("a b", 1),
            ("[0]", 0),
        ] {
            let error = JsonPath::parse(path).unwrap_err();
            assert_eq!(error.position(), position, "{path}: {error}");
        }
    }

    #[test]
    fn finds_values_and_present_nulls() {
        let doc = json!({"a": {"b": [1, {"c": null}]}, "n": null});
        let find = |p: &str| JsonPath::parse(p).unwrap().find(&doc).cloned();
        assert_eq!(find("a.b[0]"), Some(json!(1)));
        assert_eq!(find("a.b[-1].c"), Some(Value::Null));
        assert_eq!(find("a.b[-3]"), None);
        assert_eq!(find("a.b[2]"), None);
        assert_eq!(find("n"), Some(Value::Null));
        assert_eq!(find("n.x"), None);
        assert_eq!(find("a.b.c"), None);
        assert_eq!(find("missing"), None);
    }

    #[test]
    fn static_paths_find_like_parsed_ones() {
        static SEGMENTS: [Segment; 2] = [Segment::Key(Cow::Borrowed("a")), Segment::Index(0)];
        let path = JsonPath::from_static("a[0]", &SEGMENTS);
        assert_eq!(path.find(&json!({"a": [7]})), Some(&json!(7)));
        assert_eq!(path, JsonPath::parse("a[0]").unwrap());
    }
}
