//! The JSON format's span fields, written directly and appended rather than rewritten.

use std::cell::RefCell;
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
        with_fields(fields, |visitor| {
            let mut object = std::mem::take(&mut visitor.object);
            object.clear();
            let written = visitor.write_object(&mut object);
            let result = written.and_then(|()| writer.write_str(&object));
            visitor.object = object;
            result
        })
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        with_fields(fields, |visitor| {
            visitor.sort()?;
            let object = &mut current.fields;
            if object.is_empty() {
                visitor.write_object(object)
            } else if visitor.names().any(|name| mentions_key(object, name)) {
                let mut added = String::new();
                visitor.write_object(&mut added)?;
                merge_into_object(object, &added);
                Ok(())
            } else {
                visitor.append_members(object)
            }
        })
    }
}

thread_local! {
    /// The visitor [`AppendingJsonFields`] records a span's fields with, its buffers kept.
    static FIELDS: RefCell<SpanFields> = RefCell::new(SpanFields::default());
}

/// Records `fields` with the thread's visitor (a new one while the thread's is in use: a
/// field's `Debug` that logs) and gives it to `then`.
fn with_fields<R: RecordFields>(
    fields: R,
    then: impl FnOnce(&mut SpanFields) -> fmt::Result,
) -> fmt::Result {
    let record = |visitor: &mut SpanFields| {
        visitor.clear();
        fields.record(visitor);
        then(visitor)
    };
    FIELDS.with(|visitor| match visitor.try_borrow_mut() {
        Ok(mut visitor) => record(&mut visitor),
        Err(_) => record(&mut SpanFields::default()),
    })
}

/// Runs `then` while the thread's visitor is taken, as a field's `Debug` that logs would find
/// it.
#[cfg(test)]
pub(super) fn with_visitor_taken<T>(then: impl FnOnce() -> T) -> T {
    FIELDS.with(|visitor| {
        let _taken = visitor.borrow_mut();
        then()
    })
}

/// The members a record gives, as `JsonFields`'s visitor keeps them: each name with its value's
/// JSON text (in `values`); `object`, a buffer for the object's text.
struct SpanFields {
    members: Vec<(&'static str, Range<usize>)>,
    values: Vec<u8>,
    result: fmt::Result,
    object: String,
}

impl Default for SpanFields {
    fn default() -> Self {
        Self {
            members: Vec::new(),
            values: Vec::new(),
            result: Ok(()),
            object: String::new(),
        }
    }
}

impl SpanFields {
    fn clear(&mut self) {
        self.members.clear();
        self.values.clear();
        self.result = Ok(());
    }

    fn member(&mut self, name: &'static str, value: &(impl Serialize + ?Sized)) {
        if self.result.is_err() {
            return;
        }
        let start = self.values.len();
        self.result = super::json::push_json(&mut self.values, value);
        self.members.push((name, start..self.values.len()));
    }

    /// Sorts the members by name (stable: of a name recorded twice, the later comes last), or
    /// gives the error a value's serialisation met.
    fn sort(&mut self) -> fmt::Result {
        self.result?;
        self.members.sort_by(|a, b| a.0.cmp(b.0));
        Ok(())
    }

    /// The members to write, sorted: of a name recorded twice, the last value, as a map keeps
    /// it.
    fn kept(&self) -> impl Iterator<Item = &(&'static str, Range<usize>)> {
        self.members
            .iter()
            .enumerate()
            .filter_map(|(index, member)| {
                let next = self.members.get(index + 1);
                next.is_none_or(|next| next.0 != member.0).then_some(member)
            })
    }

    /// The names of the members to write.
    fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.kept().map(|(name, _)| *name)
    }

    /// Appends the members' text, `"name":value` separated by commas, to `out`.
    fn write_members(&self, out: &mut String) -> fmt::Result {
        // serde_json writes UTF-8, and each value ends on a character's boundary.
        let values = std::str::from_utf8(&self.values).map_err(|_| fmt::Error)?;
        out.reserve(values.len() + self.members.iter().map(|m| m.0.len() + 4).sum::<usize>());
        let mut first = true;
        for (name, value) in self.kept() {
            if !first {
                out.push(',');
            }
            first = false;
            write_key(out, name)?;
            out.push(':');
            out.push_str(values.get(value.clone()).ok_or(fmt::Error)?);
        }
        Ok(())
    }

    /// Appends the object's text, its members sorted by name, to `out`.
    fn write_object(&mut self, out: &mut String) -> fmt::Result {
        self.sort()?;
        out.push('{');
        self.write_members(out)?;
        out.push('}');
        Ok(())
    }

    /// Appends the (sorted) members to the JSON object `object` (as [`AppendingJsonFields`]
    /// writes it: `{...}`), when none of their keys is already in it.
    fn append_members(&self, object: &mut String) -> fmt::Result {
        if self.members.is_empty() {
            return Ok(());
        }
        if object.pop() != Some('}') {
            // Not an object (no field formatter writes that): start again from the new fields.
            object.clear();
            object.push('{');
        } else if !object.ends_with('{') {
            object.push(',');
        }
        self.write_members(object)?;
        object.push('}');
        Ok(())
    }
}

/// Writes `name` as a JSON string (see [`needs_no_escape`]).
fn write_key(out: &mut String, name: &str) -> fmt::Result {
    if needs_no_escape(name) {
        out.push('"');
        out.push_str(name);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(name).map_err(|_| fmt::Error)?);
    }
    Ok(())
}

/// Whether JSON escapes none of `text`'s characters (no control character, `"` or `\\`):
/// then serde_json writes it as it is between quotes, which is cheaper done directly than
/// through serde_json's escaping, a byte at a time (a field's name, a target, a request id).
pub(super) fn needs_no_escape(text: &str) -> bool {
    // A fold, not `all`: without the early exit the compiler checks many bytes at a time.
    text.bytes().fold(true, |plain, byte| {
        plain & (byte >= b' ') & (byte != b'"') & (byte != b'\\')
    })
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
        if self.result.is_err() {
            return;
        }
        let start = self.values.len();
        self.result = super::json::push_json_str(&mut self.values, value);
        self.members.push((field.name(), start..self.values.len()));
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
    let (object, name) = (object.as_bytes(), name.as_bytes());
    let width = name.len() + 3;
    object.windows(width).any(|window| {
        window[0] == b'"' && window[width - 2..] == *b"\":" && window[1..width - 2] == *name
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

    /// What is written without escaping is exactly what serde_json writes unescaped.
    #[test]
    fn text_needs_no_escape_where_serde_json_escapes_nothing() {
        let mut samples: Vec<String> = (0u8..=0x7f)
            .map(|byte| char::from(byte).to_string())
            .collect();
        samples.extend(
            [
                "",
                "request_id",
                "é",
                "\u{2028}",
                "\u{7f}",
                "a\"b",
                "x\\y",
                "tab\t",
            ]
            .map(String::from),
        );
        for sample in samples {
            let quoted = serde_json::to_string(&sample).unwrap();
            assert_eq!(
                needs_no_escape(&sample),
                quoted == format!("\"{sample}\""),
                "{sample:?}"
            );
        }
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
