//! The envelope scan: a notification's `topic` and `data.step.id`, read from its bytes without
//! building its JSON tree.
//!
//! Routing by topic and by the step-id index needs only these two strings, and a handler that
//! takes [`StepReached`](crate::models::StepReached) loads it from the bytes too; the JSON tree
//! ([`Request::json`](crate::Request::json)) is then built only when something asks for it (a
//! JSON filter, a `Json<T>` extractor, strict notifications). Building it is the largest cost of
//! a request (an ordered map a JSON object), so a bot routed by topic and step id never pays it.
//!
//! The scan accepts exactly the documents `serde_json::Value` accepts: every value it does not
//! keep is still parsed by `deserialize_any` (numbers range-checked, strings checked as UTF-8
//! with their escapes), as the tree would parse it. A key given twice counts once, the last, as in
//! the tree. Whatever the scan does not accept (a body that is not an object, no string `topic`)
//! is left to the full parse, which says precisely what is wrong.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::tree_limits::within_tree_limits;
use crate::models::load::from_json_str;
use crate::models::{topics, StepReached};

/// What routing needs of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    /// The `topic` (borrowed when it is a topic the webhook knows: no copy).
    pub(crate) topic: Cow<'static, str>,
    /// `data.step.id`, when it is a string.
    pub(crate) step_id: Option<String>,
}

/// Scans `body`; `None` when it is not a JSON object with a string `topic` (the full parse then
/// tells why).
pub(crate) fn scan(body: &[u8]) -> Option<Envelope> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let Parsed(Top { topic, data }) = Parsed::<Top>::deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(Envelope {
        topic: Cow::Owned(topic?),
        step_id: data.step.id,
    })
}

/// A `conversation.step_reached` notification loaded in one pass: its envelope and its `data`
/// as a [`StepReached`], for a handler that takes one (the request keeps it for the
/// extractor). `None` when the body is not one that loads as such (another topic, a key given
/// twice, a field of the wrong type...) or holds something only the tree's parse would refuse
/// ([`within_tree_limits`]): the scan and the full parse then read it, as they would have
/// without this.
pub(crate) fn load_step_reached(body: &[u8]) -> Option<(Envelope, StepReached)> {
    // As UTF-8 text: parsed from bytes, a string the load skips is not checked.
    let text = std::str::from_utf8(body).ok()?;
    // Structures from objects only, as the tree reads them: serde_json's derived structures
    // would take `["conversation.step_reached", {...}]` (fuzz/corpus/envelope/crash-d46eb92…).
    let StepReachedNotification { topic: _, data } = from_json_str(text).ok()?;
    if !within_tree_limits(body) {
        return None;
    }
    let envelope = Envelope {
        topic: Cow::Borrowed(topics::STEP_REACHED),
        step_id: data.step_id().map(str::to_owned),
    };
    Some((envelope, data))
}

/// A notification whose topic is `conversation.step_reached`, with its `data`.
#[derive(serde::Deserialize)]
struct StepReachedNotification {
    #[allow(dead_code)] // Read to check it, not kept.
    topic: StepReachedTopic,
    data: StepReached,
}

/// The topic `conversation.step_reached`, and no other: another one ends the load at once.
struct StepReachedTopic;

impl<'de> Deserialize<'de> for StepReachedTopic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StepReachedTopic)
    }
}

impl Visitor<'_> for StepReachedTopic {
    type Value = StepReachedTopic;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the topic {:?}", topics::STEP_REACHED)
    }
    fn visit_str<E: de::Error>(self, topic: &str) -> Result<Self::Value, E> {
        if topic == topics::STEP_REACHED {
            Ok(StepReachedTopic)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(topic), &self))
        }
    }
}

/// How a value is read: what it gives for a string, for an object, and for anything else.
/// Whatever a shape does not keep is still parsed, then dropped.
trait Shape: Sized {
    /// A value kept as nothing: a number, a boolean, `null`, an array, or a string or object the
    /// shape does not read.
    fn other() -> Self;

    /// A string.
    fn string(_text: &str) -> Self {
        Self::other()
    }

    /// An object, from its first key on.
    fn object<'de, A: MapAccess<'de>>(mut entries: A) -> Result<Self, A::Error> {
        while entries.next_key::<Parsed<()>>()?.is_some() {
            entries.next_value::<Parsed<()>>()?;
        }
        Ok(Self::other())
    }
}

/// A value read as its [`Shape`] says.
struct Parsed<T>(T);

impl<'de, T: Shape> Deserialize<'de> for Parsed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor(PhantomData))
    }
}

struct ShapeVisitor<T>(PhantomData<T>);

impl<'de, T: Shape> Visitor<'de> for ShapeVisitor<T> {
    type Value = Parsed<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Parsed(T::other()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Parsed(T::other()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Parsed(T::other()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Parsed(T::other()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Parsed(T::other()))
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Parsed(T::string(text)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        while items.next_element::<Parsed<()>>()?.is_some() {}
        Ok(Parsed(T::other()))
    }
    fn visit_map<A: MapAccess<'de>>(self, entries: A) -> Result<Self::Value, A::Error> {
        T::object(entries).map(Parsed)
    }
}

/// Any value, dropped.
impl Shape for () {
    fn other() -> Self {}
}

/// A string, or `None`.
impl Shape for Option<String> {
    fn other() -> Self {
        None
    }
    fn string(text: &str) -> Self {
        Some(text.to_owned())
    }
}

/// An object key the scan looks for, or `Other`.
enum Key {
    Topic,
    Data,
    Step,
    Id,
    Other,
}

impl Shape for Key {
    fn other() -> Self {
        Key::Other
    }
    fn string(key: &str) -> Self {
        match key {
            "topic" => Key::Topic,
            "data" => Key::Data,
            "step" => Key::Step,
            "id" => Key::Id,
            _ => Key::Other,
        }
    }
}

/// Reads `entries`, handing each key to `keep`, which reads the value of the keys it wants and
/// returns `false` for the others (then parsed and dropped). A key given twice is read twice:
/// the last value wins, as in the JSON tree.
fn fields<'de, A: MapAccess<'de>>(
    mut entries: A,
    mut keep: impl FnMut(&Key, &mut A) -> Result<bool, A::Error>,
) -> Result<(), A::Error> {
    while let Some(Parsed(key)) = entries.next_key::<Parsed<Key>>()? {
        if !keep(&key, &mut entries)? {
            entries.next_value::<Parsed<()>>()?;
        }
    }
    Ok(())
}

/// The notification: `topic` and `data`.
struct Top {
    topic: Option<String>,
    data: Data,
}

impl Shape for Top {
    fn other() -> Self {
        Top {
            topic: None,
            data: Data::other(),
        }
    }
    fn object<'de, A: MapAccess<'de>>(entries: A) -> Result<Self, A::Error> {
        let mut top = Top::other();
        fields(entries, |key, entries| {
            match key {
                Key::Topic => top.topic = entries.next_value::<Parsed<Option<String>>>()?.0,
                Key::Data => top.data = entries.next_value::<Parsed<Data>>()?.0,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(top)
    }
}

/// `data`: its `step`.
struct Data {
    step: Step,
}

impl Shape for Data {
    fn other() -> Self {
        Data {
            step: Step::other(),
        }
    }
    fn object<'de, A: MapAccess<'de>>(entries: A) -> Result<Self, A::Error> {
        let mut data = Data::other();
        fields(entries, |key, entries| match key {
            Key::Step => {
                data.step = entries.next_value::<Parsed<Step>>()?.0;
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok(data)
    }
}

/// `data.step`: its `id`.
struct Step {
    id: Option<String>,
}

impl Shape for Step {
    fn other() -> Self {
        Step { id: None }
    }
    fn object<'de, A: MapAccess<'de>>(entries: A) -> Result<Self, A::Error> {
        let mut step = Step::other();
        fields(entries, |key, entries| match key {
            Key::Id => {
                step.id = entries.next_value::<Parsed<Option<String>>>()?.0;
                Ok(true)
            }
            _ => Ok(false),
        })?;
        Ok(step)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn envelope(topic: &str, step_id: Option<&str>) -> Option<Envelope> {
        Some(Envelope {
            topic: Cow::Owned(topic.to_owned()),
            step_id: step_id.map(str::to_owned),
        })
    }

    #[test]
    fn finds_the_topic_and_the_step_id() {
        let body = br#"{"botID": "b", "data": {"step": {"actions": [{"type": "x", "id": 3}], "id": "507f"}, "id": "no"}, "topic": "t\u00e9", "id": "no"}"#;
        assert_eq!(scan(body), envelope("t\u{e9}", Some("507f")));
    }

    #[test]
    fn a_step_id_that_is_not_a_string_is_none() {
        for data in [
            r#"{"step": {"id": 3}}"#,
            r#"{"step": null}"#,
            "[]",
            r#"{"step": ["id"]}"#,
            "{}",
        ] {
            let body = format!(r#"{{"topic": "t", "data": {data}}}"#);
            assert_eq!(scan(body.as_bytes()), envelope("t", None), "{data}");
        }
        assert_eq!(scan(br#"{"topic": "t"}"#), envelope("t", None));
    }

    #[test]
    fn the_last_of_a_repeated_key_wins_as_in_the_tree() {
        let body = br#"{"topic": "a", "data": {"step": {"id": "1"}}, "topic": "b", "data": {}}"#;
        assert_eq!(scan(body), envelope("b", None));
        let value: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(value["topic"], "b");
    }

    /// The scan accepts a document exactly when the tree does (when it has a string topic).
    #[test]
    fn accepts_what_the_tree_accepts() {
        let cases: &[&[u8]] = &[
            br#"{"topic": "t", "x": 1e400}"#,
            br#"{"topic": "t", "x": -1e400}"#,
            br#"{"topic": "t", "x": 18446744073709551616}"#,
            br#"{"topic": "t", "x": "\ud800"}"#,
            br#"{"topic": "t", "x": "\q"}"#,
            b"{\"topic\": \"t\", \"x\": \"\xff\"}",
            b"{\"topic\": \"t\", \"\xff\": 1}",
            b"{\"topic\": \"t\", \"x\": \"a\x01\"}",
            br#"{"topic": "t", "x": [1, 2,]}"#,
            br#"{"topic": "t", "x": {"a": 1,}}"#,
            br#"{"topic": "t"} {}"#,
            br#"{"topic": "t"}   "#,
            br#"{"topic": "t", "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
            br#"{"topic": "t", "x": tru}"#,
            br#"{"topic": "t", "x": 01}"#,
        ];
        for body in cases {
            let tree = serde_json::from_slice::<Value>(body).is_ok();
            assert_eq!(
                scan(body).is_some(),
                tree,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let deep = format!(
            r#"{{"topic": "t", "x": {}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(serde_json::from_slice::<Value>(deep.as_bytes()).is_err());
        assert!(scan(deep.as_bytes()).is_none());
    }

    /// The load reads the envelope the scan reads, and keeps the `data` the extractor would
    /// load.
    #[test]
    fn the_load_reads_what_the_scan_reads() {
        let sample = include_bytes!("../../../tests/fixtures/step_reached.json");
        for body in [
            &sample[..],
            br#"{"topic": "conversation.step_reached", "data": {"step": {"id": "507f"}}}"#,
            br#"{"data": {"step": {"id": "507f", "name": "x"}}, "botID": [1, {"a": null}], "topic": "conversation.step_reached"}"#,
            br#"{"topic": "conversation.step\u005freached", "data": {"step": null}}"#,
            br#"{"topic": "conversation.step_reached", "data": {}}"#,
            br#"{"topic": "conversation.step_reached", "data": {"x": "\ud83d\ude00", "y": 1.5}}"#,
        ] {
            let text = String::from_utf8_lossy(body);
            let (envelope, data) = load_step_reached(body).expect(&text);
            assert_eq!(Some(envelope), scan(body), "{text}");
            let tree: Value = serde_json::from_slice(body).unwrap();
            let expected: StepReached = serde_json::from_value(tree["data"].clone()).unwrap();
            assert_eq!(data, expected, "{text}");
        }
    }

    /// What the load does not read, the scan and the full parse read as before.
    #[test]
    fn the_load_leaves_the_rest_to_the_scan() {
        for body in [
            // Another topic, a topic or data repeated (the tree keeps the last).
            &br#"{"topic": "conversation.other", "data": {}}"#[..],
            br#"{"topic": "conversation.step_reached", "topic": "b", "data": {}}"#,
            br#"{"topic": "conversation.step_reached", "data": {"step": {"id": "1"}}, "data": {}}"#,
            // Fields of the wrong type, no data.
            br#"{"topic": "conversation.step_reached", "data": {"step": {"id": 5}}}"#,
            br#"{"topic": "conversation.step_reached"}"#,
            // What the tree refuses, and the typed load would skip.
            br#"{"topic": "conversation.step_reached", "data": {"x": 1e400}}"#,
            br#"{"topic": "conversation.step_reached", "data": {}, "x": "\ud800"}"#,
            b"{\"topic\": \"conversation.step_reached\", \"data\": {\"x\": \"\xff\"}}",
            br#"[1]"#,
            // Arrays where the models have objects: serde_json's derived structures would read
            // them as the fields in order, the tree sees arrays (what the fuzz target found).
            br#"["conversation.step_reached",{}]"#,
            br#"{"topic": "conversation.step_reached", "data": ["step_reached_event"]}"#,
            br#"{"topic": "conversation.step_reached", "data": {"step": ["507f", "x"]}}"#,
        ] {
            assert!(
                load_step_reached(body).is_none(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn leaves_what_is_not_a_notification_to_the_full_parse() {
        for body in [
            "[1]",
            "\"t\"",
            "{}",
            r#"{"topic": 1}"#,
            r#"{"topic": null}"#,
            "{",
            "",
        ] {
            assert_eq!(scan(body.as_bytes()), None, "{body}");
        }
    }
}
