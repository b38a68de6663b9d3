//! The syntax of JSON paths: dotted fields, quoted keys and `[n]` indexes.
//!
//! A path in `#[on(json_key_equals(...))]` is parsed at compile time by the very parser the
//! runtime's `JsonPath::parse` uses.

/// A parse failure: the byte position and the reason.
type ParseResult<T> = Result<T, (usize, &'static str)>;

/// One step of a parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object's field.
    Key(String),
    /// An array's element (negative: from the end).
    Index(i64),
}

/// Parses `path` into segments; an error is the byte position and the reason.
///
/// ```
/// use clustaar_webhook_core::json_path::{parse_path, PathSegment};
/// assert_eq!(
///     parse_path("data.actions[-1]"),
///     Ok(vec![
///         PathSegment::Key("data".to_owned()),
///         PathSegment::Key("actions".to_owned()),
///         PathSegment::Index(-1),
///     ])
/// );
/// assert_eq!(parse_path("data..step").unwrap_err().0, 5);
/// ```
pub fn parse_path(path: &str) -> Result<Vec<PathSegment>, (usize, &'static str)> {
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
            segments.push(PathSegment::Key(key));
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
                segments.push(PathSegment::Index(index));
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

    fn key(name: &str) -> PathSegment {
        PathSegment::Key(name.to_owned())
    }

    #[test]
    fn fields_quoted_keys_and_indexes() {
        assert_eq!(parse_path("data"), Ok(vec![key("data")]));
        assert_eq!(
            parse_path(r#"data._x1."first-name"[0][-2]"#),
            Ok(vec![
                key("data"),
                key("_x1"),
                key("first-name"),
                PathSegment::Index(0),
                PathSegment::Index(-2),
            ])
        );
        assert_eq!(parse_path(r#""a\"b\\c""#), Ok(vec![key(r#"a"b\c"#)]));
    }

    #[test]
    fn errors_have_a_position() {
        assert_eq!(parse_path("").unwrap_err().0, 0);
        assert_eq!(parse_path("[0]").unwrap_err().0, 0);
        assert_eq!(parse_path("data.").unwrap_err().0, 5);
        assert_eq!(parse_path("data..step").unwrap_err().0, 5);
        assert_eq!(parse_path("data[x]").unwrap_err().0, 5);
        assert_eq!(parse_path("data[0").unwrap_err().0, 4);
        assert_eq!(parse_path("data.1x").unwrap_err().0, 5);
        assert_eq!(parse_path(r#"data."""#).unwrap_err().0, 5);
        assert_eq!(parse_path(r#"data."open"#).unwrap_err().0, 5);
        assert_eq!(parse_path("data-x").unwrap_err().0, 4);
        assert_eq!(
            parse_path("data[99999999999999999999]").unwrap_err(),
            (5, "the index is too large")
        );
    }
}
