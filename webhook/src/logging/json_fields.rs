//! The JSON format's span fields, written directly and appended rather than rewritten.

use std::fmt;
use std::ops::Range;

use serde::Serialize;
use tracing::field::{Field, Visit};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FormatFields, FormattedFields};

/// The JSON format's span fields: the JSON object `tracing-subscriber`'s `JsonFields` writes
/// (its members sorted by name, a `Debug` value as its text, `log.` metadata left out), written
/// without building a `serde_json::Value` a field. Fields recorded later (a request's `status`
/// and `latency_ms`) are appended to the object's text, where `JsonFields` parses the object
/// and writes it again; a field recorded again keeps its place and takes its new value (only
/// then is the object read and written again). The text is what the line's `span` object holds
/// (see [`JsonLine`](super::json::JsonLine)), less its `name`.
#[derive(Debug, Default)]
pub(super) struct AppendingJsonFields;

impl<'writer> FormatFields<'writer> for AppendingJsonFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut visitor = SpanFields::default();
        fields.record(&mut visitor);
        writer.write_str(&visitor.into_object()?.0)
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let mut visitor = SpanFields::default();
        fields.record(&mut visitor);
        let (added, names) = visitor.into_object()?;
        if current.fields.is_empty() {
            current.fields = added;
        } else if names.iter().any(|name| mentions_key(&current.fields, name)) {
            merge_into_object(&mut current.fields, &added);
        } else {
            append_to_object(&mut current.fields, &added);
        }
        Ok(())
    }
}

/// The members a record gives, as `JsonFields`'s visitor keeps them: each name with its value's
/// JSON text (in `values`).
struct SpanFields {
    members: Vec<(&'static str, Range<usize>)>,
    values: Vec<u8>,
    result: fmt::Result,
}

impl Default for SpanFields {
    fn default() -> Self {
        Self {
            members: Vec::new(),
            values: Vec::new(),
            result: Ok(()),
        }
    }
}

impl SpanFields {
    fn member(&mut self, name: &'static str, value: &(impl Serialize + ?Sized)) {
        if self.result.is_err() {
            return;
        }
        let start = self.values.len();
        self.result = serde_json::to_writer(&mut self.values, value).map_err(|_| fmt::Error);
        self.members.push((name, start..self.values.len()));
    }

    /// The object's text, its members sorted by name (the last value of a name recorded twice,
    /// as a map keeps it), and their names.
    fn into_object(mut self) -> Result<(String, Vec<&'static str>), fmt::Error> {
        self.result?;
        // Stable: of a name recorded twice, the last is the later one.
        self.members.sort_by(|a, b| a.0.cmp(b.0));
        let mut object = Vec::with_capacity(self.values.len() + 16 * self.members.len() + 2);
        object.push(b'{');
        let mut names = Vec::with_capacity(self.members.len());
        for (index, (name, value)) in self.members.iter().enumerate() {
            if self
                .members
                .get(index + 1)
                .is_some_and(|next| next.0 == *name)
            {
                continue;
            }
            if object.len() > 1 {
                object.push(b',');
            }
            serde_json::to_writer(&mut object, name).map_err(|_| fmt::Error)?;
            object.push(b':');
            object.extend_from_slice(&self.values[value.clone()]);
            names.push(*name);
        }
        object.push(b'}');
        let object = String::from_utf8(object).map_err(|_| fmt::Error)?;
        Ok((object, names))
    }
}

/// As `JsonFields`'s visitor records each kind of value; the others go to `record_debug` by
/// `Visit`'s defaults, as they do there.
impl Visit for SpanFields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.member(field.name(), &value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field.name(), &value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field.name(), &value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field.name(), &value);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field.name(), value);
    }

    fn record_bytes(&mut self, field: &Field, value: &[u8]) {
        self.member(field.name(), value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let name = field.name();
        // A `log` record's metadata is not a field.
        if !name.starts_with("log.") {
            self.member(
                name.strip_prefix("r#").unwrap_or(name),
                &format_args!("{value:?}"),
            );
        }
    }
}

/// Whether `object`'s text may hold the key `name`: `"name":` somewhere (a string cannot hold
/// it, its quotes being escaped; were it found elsewhere, the slower merge would be taken for
/// nothing, never the wrong one). A name JSON would escape is always said to be there.
fn mentions_key(object: &str, name: &str) -> bool {
    if name
        .bytes()
        .any(|byte| byte == b'"' || byte == b'\\' || byte < b' ')
    {
        return true;
    }
    object.match_indices('"').any(|(at, _)| {
        object[at + 1..]
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with("\":"))
    })
}

/// Appends the members of the JSON object `added` to the JSON object `object` (both as
/// [`AppendingJsonFields`] writes them: `{...}`), when none of its keys is already in `object`.
fn append_to_object(object: &mut String, added: &str) {
    let Some(members) = added
        .strip_prefix('{')
        .and_then(|added| added.strip_suffix('}'))
        .filter(|members| !members.is_empty())
    else {
        return;
    };
    if object.pop() != Some('}') {
        // Not an object (no field formatter writes that): start again from the new fields.
        object.clear();
        object.push_str(added);
        return;
    }
    if !object.ends_with('{') {
        object.push(',');
    }
    object.push_str(members);
    object.push('}');
}

/// Sets the members of the JSON object `added` in the JSON object `object`: a key already there
/// keeps its place and takes the new value, the others come last, in their order (as
/// `tracing-subscriber`'s JSON format would read the two appended into its map: serde_json's
/// `preserve_order` map, which the workspace enables).
fn merge_into_object(object: &mut String, added: &str) {
    type Map = serde_json::Map<String, serde_json::Value>;
    let (Ok(mut merged), Ok(added)) = (
        serde_json::from_str::<Map>(object),
        serde_json::from_str::<Map>(added),
    ) else {
        // Not objects (no field formatter writes that): keep both, as before.
        append_to_object(object, added);
        return;
    };
    for (key, value) in added {
        merged.insert(key, value);
    }
    if let Ok(text) = serde_json::to_string(&merged) {
        *object = text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_where_they_may_be() {
        let object = r#"{"method":"POST","note":"status\":","route":"/"}"#;
        assert!(mentions_key(object, "method"));
        assert!(mentions_key(object, "route"));
        // Inside a string, the quotes are escaped.
        assert!(!mentions_key(object, "status"));
        assert!(!mentions_key(object, "latency_ms"));
        assert!(!mentions_key(object, "POST"));
        assert!(mentions_key(object, "a\"b"));
    }

    #[test]
    fn merging_keeps_the_places_and_takes_the_last_values() {
        let mut object = String::from(r#"{"a":1,"b":"x"}"#);
        merge_into_object(&mut object, r#"{"c":true,"a":2}"#);
        assert_eq!(object, r#"{"a":2,"b":"x","c":true}"#);
        let mut object = String::from("{}");
        append_to_object(&mut object, r#"{"a":1}"#);
        append_to_object(&mut object, "{}");
        append_to_object(&mut object, r#"{"b":"}"}"#);
        assert_eq!(object, r#"{"a":1,"b":"}"}"#);
    }
}
