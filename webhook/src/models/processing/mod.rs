//! Processing on load, as the reference does it: stripping, NFKC normalisation and HTML
//! sanitising of the text fields the reference processes (see each field's documentation).
//!
//! One fault of the reference is fixed: it sanitises *then* normalises, so a full-width
//! `＜script＞` becomes a live `<script>`; here the text is normalised first, then sanitised.
//! The functions are `serde` `deserialize_with` helpers for `Option<Text>` fields: the
//! [`Text`] keeps the form it was received in when processing changes it.

mod sanitize;

pub use sanitize::html_sanitize;

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::Text;

/// NFKC normalisation (the reference's `unicode_normalize`); borrowed when the text is already
/// in NFKC.
pub fn unicode_normalize(text: &str) -> Cow<'_, str> {
    // Most text is already in NFKC (ASCII always is): skip the decomposition then.
    if text.is_ascii() || unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfkc().collect())
}

/// Normalises, then sanitises: no output of this function holds a tag the sanitiser escapes.
pub fn normalize_then_sanitize(text: &str) -> Cow<'_, str> {
    match unicode_normalize(text) {
        Cow::Borrowed(text) => html_sanitize(text),
        Cow::Owned(normal) => Cow::Owned(html_sanitize(&normal).into_owned()),
    }
}

/// Strips whitespace on both sides, as Python's `str.strip()` does.
pub fn strip_whitespace(text: &str) -> &str {
    text.trim()
}

/// Strips `text`, applies `process`, strips again (see [`strip_html`]).
fn strip_around<'a>(text: &'a str, process: impl FnOnce(&'a str) -> Cow<'a, str>) -> Cow<'a, str> {
    match process(strip_whitespace(text)) {
        Cow::Borrowed(done) => Cow::Borrowed(strip_whitespace(done)),
        Cow::Owned(done) => Cow::Owned(strip_whitespace(&done).to_owned()),
    }
}

fn map_opt<'de, D, F>(deserializer: D, process: F) -> Result<Option<Text>, D::Error>
where
    D: Deserializer<'de>,
    F: for<'a> FnOnce(&'a str) -> Cow<'a, str>,
{
    Ok(Option::<String>::deserialize(deserializer)?.map(|text| Text::loaded(text, process)))
}

/// `deserialize_with`: stripped.
pub(crate) fn strip<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, |text| Cow::Borrowed(strip_whitespace(text)))
}

/// `deserialize_with`: HTML-sanitised.
pub(crate) fn html<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, html_sanitize)
}

/// `deserialize_with`: normalised, then HTML-sanitised.
pub(crate) fn html_nfkc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, normalize_then_sanitize)
}

/// `deserialize_with`: stripped, then HTML-sanitised, then stripped again.
///
/// The reference does not strip again: markup removed at either end (a comment, a stray end
/// tag) then leaves whitespace that the next load strips, so the reference's processing is not
/// stable (`"</b> a"` gives `" a"`, then `"a"`). Stripping again makes loading idempotent.
pub(crate) fn strip_html<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, |text| strip_around(text, html_sanitize))
}

/// `deserialize_with`: stripped, normalised, HTML-sanitised, then stripped again (see
/// [`strip_html`]).
pub(crate) fn strip_html_nfkc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, |text| strip_around(text, normalize_then_sanitize))
}

/// `deserialize_with`: a list of strings, each normalised then HTML-sanitised.
pub(crate) fn html_nfkc_list<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Text>>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.map(|items| {
        items
            .into_iter()
            .map(|text| Text::loaded(text, normalize_then_sanitize))
            .collect()
    }))
}

#[cfg(test)]
mod tests;
