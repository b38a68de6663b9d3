//! How a text field of the models is read (`#[serde(deserialize_with = "text_fields::…")]`):
//! as a [`Text`] that keeps the form it was received in and the [`Processing`] its field gets.

use serde::{Deserialize, Deserializer};

use crate::processing::Processing;
use crate::Text;

fn loaded<'de, D: Deserializer<'de>>(
    deserializer: D,
    processing: Processing,
) -> Result<Option<Text>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(|text| Text::loaded(text, processing)))
}

/// `deserialize_with`: stripped.
pub(crate) fn strip<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    loaded(d, Processing::Strip)
}

/// `deserialize_with`: HTML-sanitised.
pub(crate) fn html<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    loaded(d, Processing::Html)
}

/// `deserialize_with`: normalised, then HTML-sanitised.
pub(crate) fn html_nfkc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    loaded(d, Processing::HtmlNfkc)
}

/// `deserialize_with`: stripped, then HTML-sanitised, then stripped again.
pub(crate) fn strip_html<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    loaded(d, Processing::StripHtml)
}

/// `deserialize_with`: stripped, normalised, HTML-sanitised, then stripped again.
pub(crate) fn strip_html_nfkc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    loaded(d, Processing::StripHtmlNfkc)
}

/// `deserialize_with`: a list of strings, each normalised then HTML-sanitised.
pub(crate) fn html_nfkc_list<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Text>>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.map(|items| {
        items
            .into_iter()
            .map(|text| Text::loaded(text, Processing::HtmlNfkc))
            .collect()
    }))
}
