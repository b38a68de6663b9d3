//! Processing on load, as the reference does it: stripping, NFKC normalisation and HTML
//! sanitising of the text fields the reference processes (see each field's documentation).
//!
//! One fault of the reference is fixed: it sanitises *then* normalises, so a full-width
//! `＜script＞` becomes a live `<script>`; here the text is normalised first, then sanitised.
//! The functions are `serde` `deserialize_with` helpers for `Option<Text>` fields: the
//! [`Text`] keeps the form it was received in when processing changes it.

mod sanitize;

pub use sanitize::html_sanitize;

use serde::{Deserialize, Deserializer};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use super::Text;

/// NFKC normalisation (the reference's `unicode_normalize`).
pub fn unicode_normalize(text: &str) -> String {
    // Most text is already in NFKC (ASCII always is): skip the decomposition then.
    if unicode_normalization::is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        return text.to_owned();
    }
    text.nfkc().collect()
}

/// Normalises, then sanitises: no output of this function holds a tag the sanitiser escapes.
pub fn normalize_then_sanitize(text: &str) -> String {
    html_sanitize(&unicode_normalize(text))
}

/// Strips whitespace on both sides, as Python's `str.strip()` does.
pub fn strip_whitespace(text: &str) -> &str {
    text.trim()
}

fn map_opt<'de, D, F>(deserializer: D, process: F) -> Result<Option<Text>, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> String,
{
    Ok(Option::<String>::deserialize(deserializer)?.map(|text| Text::loaded(text, process)))
}

/// `deserialize_with`: stripped.
pub(crate) fn strip<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, |text| strip_whitespace(text).to_owned())
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
    map_opt(d, |text| {
        strip_whitespace(&html_sanitize(strip_whitespace(text))).to_owned()
    })
}

/// `deserialize_with`: stripped, normalised, HTML-sanitised, then stripped again (see
/// [`strip_html`]).
pub(crate) fn strip_html_nfkc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    map_opt(d, |text| {
        strip_whitespace(&normalize_then_sanitize(strip_whitespace(text))).to_owned()
    })
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
