//! Processing on load, as the reference does it: stripping, NFKC normalisation and HTML
//! sanitising of the text fields the reference processes (see each field's documentation).
//!
//! One fault of the reference is fixed: it sanitises *then* normalises, so a full-width
//! `＜script＞` becomes a live `<script>`; here the text is normalised first, then sanitised.
//! A loaded [`Text`](crate::Text) keeps the form it was received in and its [`Processing`], applied when the
//! text is first read: an answer that only writes texts back (an echo) never processes them.

mod sanitize;

pub use sanitize::html_sanitize;

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// NFKC normalisation (the reference's `unicode_normalize`); borrowed when the text is already
/// in NFKC.
pub fn unicode_normalize(text: &str) -> Cow<'_, str> {
    // Most text is already in NFKC (ASCII always is): nothing is copied then.
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    // The output, from the first segment that changes; `done` bytes of `text` are in it.
    let mut out: Option<String> = None;
    let mut done = 0;
    for (segment, plain) in segments(text) {
        let end = done + segment.len();
        if plain || unicode_normalization::is_nfkc_quick(segment.chars()) == IsNormalized::Yes {
            if let Some(out) = &mut out {
                out.push_str(segment);
            }
        } else {
            let out = out.get_or_insert_with(|| {
                let mut out = String::with_capacity(text.len());
                out.push_str(&text[..done]);
                out
            });
            out.extend(segment.nfkc());
        }
        done = end;
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Splits `text` into runs that NFKC leaves alone (ASCII) and runs it must process: each run of
/// non-ASCII characters with the ASCII character before it (a mark may compose with it).
///
/// Normalising the runs one by one gives the NFKC of the whole: an ASCII character is a
/// starter that never reorders, never decomposes, and never composes with the character before
/// it, so a run may end before one. Most text is ASCII with a few other characters: only
/// those are looked up.
fn segments(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let Some(offset) = bytes[from..].iter().position(|byte| !byte.is_ascii()) else {
            start = bytes.len();
            return Some((&text[from..], true));
        };
        // The non-ASCII run, with the ASCII character before it.
        let run = (from + offset).saturating_sub(1).max(from);
        if run > from {
            start = run;
            return Some((&text[from..run], true));
        }
        let end = bytes[from + offset..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |len| from + offset + len);
        start = end;
        Some((&text[from..end], false))
    })
}

/// Normalises, then sanitises: no output of this function holds a tag the sanitiser escapes.
pub fn normalize_then_sanitize(text: &str) -> Cow<'_, str> {
    match unicode_normalize(text) {
        Cow::Borrowed(text) => html_sanitize(text),
        Cow::Owned(normal) => Cow::Owned(html_sanitize(&normal).into_owned()),
    }
}

/// Strips whitespace on both sides, as Python's `str.strip()` does: Rust's whitespace
/// (Unicode `White_Space`) and the four information separators U+001C to U+001F, which Python
/// counts as whitespace too.
///
/// ```
/// use clustaar_schemas::processing::strip_whitespace;
/// assert_eq!(strip_whitespace("\u{1f} a b\u{3000}"), "a b");
/// ```
pub fn strip_whitespace(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// How the platform processes a text field on load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Processing {
    /// Stripped.
    Strip,
    /// HTML-sanitised.
    Html,
    /// Normalised (NFKC), then HTML-sanitised.
    HtmlNfkc,
    /// Stripped, HTML-sanitised, stripped again.
    ///
    /// The reference does not strip again: markup removed at either end (a comment, a stray
    /// end tag) then leaves whitespace that the next load strips, so the reference's processing
    /// is not stable (`"</b> a"` gives `" a"`, then `"a"`). Stripping again makes it idempotent.
    StripHtml,
    /// Stripped, normalised, HTML-sanitised, stripped again (see [`Processing::StripHtml`]).
    StripHtmlNfkc,
}

impl Processing {
    /// `text` processed; borrowed when unchanged.
    ///
    /// ```
    /// use clustaar_schemas::processing::Processing;
    /// assert_eq!(Processing::StripHtmlNfkc.apply(" ＜b＞x "), "<b>x</b>");
    /// ```
    pub fn apply(self, text: &str) -> Cow<'_, str> {
        match self {
            Self::Strip => Cow::Borrowed(strip_whitespace(text)),
            Self::Html => html_sanitize(text),
            Self::HtmlNfkc => normalize_then_sanitize(text),
            Self::StripHtml => strip_around(text, html_sanitize),
            Self::StripHtmlNfkc => strip_around(text, normalize_then_sanitize),
        }
    }
}

/// Strips `text`, applies `process`, strips again.
fn strip_around<'a>(text: &'a str, process: impl FnOnce(&'a str) -> Cow<'a, str>) -> Cow<'a, str> {
    match process(strip_whitespace(text)) {
        Cow::Borrowed(done) => Cow::Borrowed(strip_whitespace(done)),
        Cow::Owned(done) => Cow::Owned(strip_whitespace(&done).to_owned()),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod nfkc_tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    proptest! {
        #[test]
        fn normalising_by_segments_is_normalising_the_whole(
            text in prop::collection::vec(prop_oneof![
                "[a-zA-Z ]{0,4}",
                Just("\u{0301}".to_owned()), Just("\u{0327}".to_owned()), Just("\u{0308}".to_owned()),
                Just("ＡＢＣ".to_owned()), Just("①".to_owned()), Just("ﬁ".to_owned()),
                Just("é".to_owned()), Just("\u{1100}\u{1161}".to_owned()), Just("가".to_owned()),
                Just("\u{11A8}".to_owned()), Just("ｶﾞ".to_owned()), Just("\u{FF9E}".to_owned()),
                Just("Å".to_owned()), Just("\u{212B}".to_owned()), Just("\u{0345}".to_owned()),
                any::<char>().prop_map(String::from),
            ], 0..12).prop_map(|parts| parts.concat())
        ) {
            let whole: String = text.nfkc().collect();
            let segmented = super::unicode_normalize(&text);
            prop_assert_eq!(segmented.as_ref(), whole.as_str());
        }
    }
}
