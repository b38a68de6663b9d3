//! The `Content-Type` rule: JSON webhooks accept `application/json` and any `+json` type.
//!
//! | `Content-Type` | [`ContentTypeCheck::Json`] (default) | [`ContentTypeCheck::JsonRequired`] |
//! |---|---|---|
//! | `application/json`, `application/json; charset=utf-8` | accepted | accepted |
//! | `application/vnd.api+json`, `model/gltf+json` (any `*/*+json`) | accepted | accepted |
//! | none | accepted, read as JSON | `415` |
//! | anything else (`text/plain`, `application/x-www-form-urlencoded`, …) | `415` | `415` |
//!
//! Types and parameters are case-insensitive. A request without `Content-Type` is read as JSON
//! by default, as the reference does: a platform that omits the header keeps working.
//! [`ContentTypeCheck::Off`] accepts anything.

use http::{header, HeaderMap, StatusCode};

use crate::error::{status_title, ApiError, RejectionStage};

/// What the content-type stage accepts; set with
/// [`Webhook::content_type_check`](crate::Webhook::content_type_check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentTypeCheck {
    /// `application/json` and `*/*+json`; a request without `Content-Type` is read as JSON.
    #[default]
    Json,
    /// `application/json` and `*/*+json`; a request without `Content-Type` is a `415`.
    JsonRequired,
    /// No check: every request is read as JSON.
    Off,
}

/// Why a `Content-Type` is refused (all `415`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContentTypeError {
    /// The type is not JSON.
    #[error(
        "The request's Content-Type is \"{0}\"; this webhook accepts \"application/json\" or a \
         type ending in \"+json\" (such as \"application/vnd.api+json\")."
    )]
    NotJson(String),
    /// No `Content-Type`, and one is required.
    #[error(
        "The request has no Content-Type; this webhook accepts \"application/json\" or a type \
         ending in \"+json\" (such as \"application/vnd.api+json\")."
    )]
    Missing,
    /// Several `Content-Type` headers, or one that is not text.
    #[error(
        "The request's Content-Type header is ambiguous or not text; send exactly one, \
         \"application/json\" or a type ending in \"+json\"."
    )]
    Unreadable,
}

impl From<ContentTypeError> for ApiError {
    fn from(error: ContentTypeError) -> Self {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            status_title(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            error.to_string(),
        )
        .at_stage(RejectionStage::ContentType)
    }
}

/// Whether `media_type` (the value of a `Content-Type`, parameters included) is a JSON type.
///
/// ```
/// use clustaar_webhook::pipeline::content_type::is_json;
///
/// assert!(is_json("application/json"));
/// assert!(is_json("Application/JSON; charset=UTF-8"));
/// assert!(is_json("model/gltf+json"));
/// assert!(!is_json("text/plain"));
/// assert!(!is_json("application/jsonp"));
/// assert!(!is_json("application/+json"));
/// ```
pub fn is_json(media_type: &str) -> bool {
    // What the Clustaar platform and most senders send.
    if media_type == "application/json" {
        return true;
    }
    // Bytes, not `split(';')` / `split_once('/')`: their character searcher made this check
    // ~800 instructions of every request (`benches/README.md`).
    let end = memchr::memchr(b';', media_type.as_bytes()).unwrap_or(media_type.len());
    let essence = media_type[..end].trim();
    let Some(slash) = memchr::memchr(b'/', essence.as_bytes()) else {
        return false;
    };
    let (kind, subtype) = (&essence[..slash], &essence[slash + 1..]);
    let token = |part: &str| !part.is_empty() && part.bytes().all(is_token_char);
    if !token(kind) || !token(subtype) {
        return false;
    }
    if kind.eq_ignore_ascii_case("application") && subtype.eq_ignore_ascii_case("json") {
        return true;
    }
    let suffix = "+json";
    subtype.len() > suffix.len()
        && subtype[subtype.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// A character of a token (RFC 9110's `tchar`): a visible ASCII character other than the
/// delimiters `"(),/:;<=>?@[\]{}`.
fn is_token_char(byte: u8) -> bool {
    TOKEN_CHARS[usize::from(byte)]
}

/// [`is_token_char`] as a table (one load a byte).
static TOKEN_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'0'..=b'9' | b'A'..=b'Z' | b'^'..=b'z' | b'|' | b'~'
        );
        byte += 1;
    }
    table
};

impl ContentTypeCheck {
    /// Checks the request's `Content-Type` header.
    pub fn check(self, headers: &HeaderMap) -> Result<(), ContentTypeError> {
        if self == Self::Off {
            return Ok(());
        }
        let mut values = headers.get_all(header::CONTENT_TYPE).iter();
        match (values.next(), values.next()) {
            (None, _) if self == Self::JsonRequired => Err(ContentTypeError::Missing),
            (None, _) => Ok(()),
            (Some(_), Some(_)) => Err(ContentTypeError::Unreadable),
            (Some(value), None) => match value.to_str() {
                Ok(text) if is_json(text) => Ok(()),
                Ok(text) => Err(ContentTypeError::NotJson(text.to_owned())),
                Err(_) => Err(ContentTypeError::Unreadable),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn token_characters_are_the_visible_ascii_characters_but_the_delimiters() {
        for byte in 0..=u8::MAX {
            let expected = byte.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&byte);
            assert_eq!(is_token_char(byte), expected, "{byte:#04x}");
        }
    }

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::CONTENT_TYPE, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn json_types_pass() {
        for value in [
            "application/json",
            "application/json;charset=utf-8",
            "APPLICATION/Json ; charset=\"utf-8\"",
            "application/vnd.api+json",
            "model/gltf+JSON",
            "application/calendar+json; version=2",
        ] {
            assert_eq!(
                ContentTypeCheck::Json.check(&headers(&[value])),
                Ok(()),
                "{value}"
            );
        }
    }

    #[test]
    fn other_types_are_refused_naming_what_is_accepted() {
        for value in [
            "text/plain",
            "application/jsonx",
            "application/x-www-form-urlencoded",
            "json",
            "application/+json",
            "/json",
            "application/json+xml",
            "",
        ] {
            let error = ContentTypeCheck::Json
                .check(&headers(&[value]))
                .unwrap_err();
            assert_eq!(error, ContentTypeError::NotJson(value.to_owned()));
            let api = ApiError::from(error);
            assert_eq!(api.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
            assert_eq!(api.title(), "415 Unsupported Media Type");
            assert!(api.description().contains("\"application/json\""));
        }
    }

    #[test]
    fn a_missing_type_is_json_unless_required() {
        assert_eq!(ContentTypeCheck::Json.check(&HeaderMap::new()), Ok(()));
        assert_eq!(
            ContentTypeCheck::JsonRequired.check(&HeaderMap::new()),
            Err(ContentTypeError::Missing)
        );
        assert_eq!(
            ContentTypeCheck::Off.check(&headers(&["text/plain"])),
            Ok(())
        );
    }

    #[test]
    fn two_types_are_ambiguous() {
        assert_eq!(
            ContentTypeCheck::Json.check(&headers(&["application/json", "text/plain"])),
            Err(ContentTypeError::Unreadable)
        );
    }
}
