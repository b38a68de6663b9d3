//! Whether the values a typed load skips are ones `serde_json`'s tree accepts.
//!
//! Deserialising a model straight from a body's text skips what the model has no field for
//! (`serde_json`'s `ignored_any`), and skipping checks the syntax but less than the tree
//! (`serde_json::Value`) checks: it does not refuse a number out of `f64`'s range (`1e400`), a
//! lone surrogate escape (`"\ud800"`), or nesting deeper than the tree's limit of 128 (and
//! from bytes rather than text, a skipped string is not checked as UTF-8: parse text). So a
//! body a typed load accepts may be one the tree refuses. [`within_tree_limits`] tells a body
//! that holds none of these, conservatively: a `false` only means "leave it to the parsers that
//! check everything".

/// Deeper than this, the body is left to the full parse (`serde_json`'s tree stops at 128).
const MAX_DEPTH: usize = 100;

/// A run of more digits than this may overflow `f64` (which `1e308` nearly does): left to the
/// full parse.
const MAX_DIGITS: usize = 300;

/// Whether `body` (valid UTF-8, valid JSON syntax: the typed load checks both) has no number
/// with an exponent or of more than 300 digits, no `\u` escape of a surrogate that is not half
/// of a pair, and no nesting deeper than 100. Every such body that a typed load accepts, the tree
/// accepts too.
pub(crate) fn within_tree_limits(body: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut at = 0;
    while at < body.len() {
        let byte = body[at];
        at += 1;
        match BYTE_KINDS[usize::from(byte)] {
            // Spaces, `,`, `:`, `-`, `.`, `+` and the literals' letters: the run of them at once
            // (a body's text between its strings is mostly these).
            Kind::Other => {
                while at < body.len() && BYTE_KINDS[usize::from(body[at])] == Kind::Other {
                    at += 1;
                }
            }
            Kind::Quote => match string_end(body, at) {
                Some(end) => at = end,
                None => return false,
            },
            Kind::Open => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return false;
                }
            }
            Kind::Close => depth = depth.saturating_sub(1),
            // A run of digits (an integer part, a fraction or an exponent's digits), and what
            // follows it: an exponent starts with `e` or `E` right after a digit (the `e` of
            // `true` and `false` follows none).
            Kind::Digit => {
                let start = at - 1;
                while at < body.len() && body[at].is_ascii_digit() {
                    at += 1;
                }
                if at - start > MAX_DIGITS || matches!(body.get(at), Some(b'e' | b'E')) {
                    return false;
                }
            }
        }
    }
    true
}

/// The kinds of byte [`within_tree_limits`] tells apart outside strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Spaces, punctuation other than brackets, and the literals' letters.
    Other,
    /// `"`: a string starts.
    Quote,
    /// `[` or `{`.
    Open,
    /// `]` or `}`.
    Close,
    /// `0` to `9`.
    Digit,
}

/// Each byte's kind, looked up (a `match` on the byte cost ~8 instructions a byte).
static BYTE_KINDS: [Kind; 256] = {
    let mut kinds = [Kind::Other; 256];
    kinds[b'"' as usize] = Kind::Quote;
    kinds[b'[' as usize] = Kind::Open;
    kinds[b'{' as usize] = Kind::Open;
    kinds[b']' as usize] = Kind::Close;
    kinds[b'}' as usize] = Kind::Close;
    let mut digit = b'0';
    while digit <= b'9' {
        kinds[digit as usize] = Kind::Digit;
        digit += 1;
    }
    kinds
};

/// The index after the `"` that ends the string whose text starts at `at`, or `None` when the
/// string holds a `\u` escape of a surrogate that is not half of a pair (or has no end).
fn string_end(body: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let next = at + memchr::memchr2(b'"', b'\\', body.get(at..)?)?;
        if body[next] == b'"' {
            return Some(next + 1);
        }
        // An escape: `\"` and `\\` must not end or start anything; `\u` may be a surrogate.
        at = next + 2;
        if body.get(next + 1) == Some(&b'u') {
            match hex_escape(body, next + 2)? {
                // A high surrogate: a low one must follow, as `\uDC00` to `\uDFFF`.
                0xd800..=0xdbff => {
                    let low = body.get(next + 6..next + 8) == Some(b"\\u")
                        && matches!(hex_escape(body, next + 8), Some(0xdc00..=0xdfff));
                    if !low {
                        return None;
                    }
                    at = next + 12;
                }
                0xdc00..=0xdfff => return None,
                _ => at = next + 6,
            }
        }
    }
}

/// The four hexadecimal digits at `at`, as a number.
fn hex_escape(body: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(body.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn plain_notifications_are_within_the_limits() {
        for body in [
            &br#"{"topic": "conversation.step_reached", "timestamp": 1514998709, "x": -0.5}"#[..],
            br#"{"a": [true, false, null, {"b": "t\u00e9 \ud83d\ude00 \" \\"}], "id": "507f191e810c19729de860ea"}"#,
            br#"{"e": "1e400", "E": "\\ud800"}"#,
            include_bytes!("../../../tests/fixtures/step_reached.json"),
        ] {
            assert!(within_tree_limits(body), "{}", String::from_utf8_lossy(body));
        }
    }

    /// What a typed load skips without the tree's checks is refused here, and the tree refuses
    /// it too.
    #[test]
    fn strings_of_any_length_end_at_their_quote() {
        for length in [0, 1, 14, 15, 16, 17, 40] {
            let text = "a".repeat(length);
            let escaped = format!(r#"{{"x": "{text}\"{text}", "y": [1.5, true]}}"#);
            assert!(within_tree_limits(escaped.as_bytes()), "{escaped}");
            // What follows the string is read as what it is.
            let then_exponent = format!(r#"{{"x": "{text}\"{text}", "y": 1e5}}"#);
            assert!(
                !within_tree_limits(then_exponent.as_bytes()),
                "{then_exponent}"
            );
            let lone = format!(r#"{{"x": "{text}\ud800{text}"}}"#);
            assert!(!within_tree_limits(lone.as_bytes()), "{lone}");
            let pair = format!(r#"{{"x": "{text}\ud83d\ude00{text}"}}"#);
            assert!(within_tree_limits(pair.as_bytes()), "{pair}");
        }
        let digits = |count: usize| format!("[1, {}, 2]", "7".repeat(count));
        assert!(within_tree_limits(digits(300).as_bytes()));
        assert!(!within_tree_limits(digits(301).as_bytes()));
    }

    #[test]
    fn what_the_tree_may_refuse_is_out_of_the_limits() {
        let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
        let long = format!("[1{}]", "0".repeat(400));
        for body in [
            &br#"{"x": 1e400}"#[..],
            br#"{"x": -1E+400}"#,
            br#"{"x": 1.5e3}"#,
            br#"{"x": "\ud800"}"#,
            br#"{"x": "\uDBFF"}"#,
            br#"{"x": "\udc00x"}"#,
            br#"{"x": "\ud800\u0041"}"#,
            br#"{"x": "\ud800\n"}"#,
            br#"{"x": "abc"#,
            deep.as_bytes(),
            long.as_bytes(),
        ] {
            assert!(
                !within_tree_limits(body),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(serde_json::from_slice::<Value>(br#"{"x": 1e400}"#).is_err());
        assert!(serde_json::from_slice::<Value>(br#"{"x": "\ud800"}"#).is_err());
        assert!(serde_json::from_slice::<Value>(long.as_bytes()).is_err());
        let deeper = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert!(serde_json::from_slice::<Value>(deeper.as_bytes()).is_err());
    }
}
