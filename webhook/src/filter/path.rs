//! JSON paths compiled once: dotted fields and `[n]` indexes, as users write JMESPath.

use std::borrow::Cow;
use std::fmt;

use clustaar_webhook_core::json_path::{parse_path, PathSegment};
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
/// use clustaar_webhook::filter::JsonPath;
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
        let segments = parse_path(path).map_err(|(position, reason)| PathError {
            path: path.to_owned(),
            position,
            reason,
        })?;
        let segments = segments
            .into_iter()
            .map(|segment| match segment {
                PathSegment::Key(key) => Segment::Key(Cow::Owned(key)),
                PathSegment::Index(index) => Segment::Index(index),
            })
            .collect();
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

static STEP_ID_SEGMENTS: [Segment; 3] = [
    Segment::Key(Cow::Borrowed("data")),
    Segment::Key(Cow::Borrowed("step")),
    Segment::Key(Cow::Borrowed("id")),
];

/// The path of the step id in a notification: `data.step.id`.
pub(crate) static STEP_ID_PATH: JsonPath = JsonPath::from_static("data.step.id", &STEP_ID_SEGMENTS);

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
