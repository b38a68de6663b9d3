//! The JSON format's span fields, appended rather than rewritten.

use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::{JsonVisitor, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields};

/// The JSON format's span fields: a JSON object, as `tracing-subscriber`'s `JsonFields` writes
/// it, except that fields recorded later (a request's `status` and `latency_ms`) are appended
/// to the object's text, where `JsonFields` parses the object and writes it again (about a
/// microsecond a request: `benches/load/log_cost`). A field recorded twice is in the text
/// twice; the line written has it once, with its last value (the JSON format reads the object
/// into a map before writing the span).
#[derive(Debug, Default)]
pub(super) struct AppendingJsonFields;

impl<'writer> FormatFields<'writer> for AppendingJsonFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> std::fmt::Result {
        let mut visitor = JsonVisitor::new(&mut writer);
        fields.record(&mut visitor);
        visitor.finish()
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> std::fmt::Result {
        if current.fields.is_empty() {
            let mut writer = current.as_writer();
            let mut visitor = JsonVisitor::new(&mut writer);
            fields.record(&mut visitor);
            return visitor.finish();
        }
        let mut added = String::new();
        let mut visitor = JsonVisitor::new(&mut added);
        fields.record(&mut visitor);
        visitor.finish()?;
        append_to_object(&mut current.fields, &added);
        Ok(())
    }
}

/// Appends the members of the JSON object `added` to the JSON object `object` (both as
/// `JsonVisitor` writes them: `{...}`).
pub(super) fn append_to_object(object: &mut String, added: &str) {
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
