//! The routing scan against the JSON tree (a differential target): the webhook routes a
//! notification on its `topic` and `data.step.id`, read from the body's bytes by a scan that
//! builds no tree (`clustaar_webhook::__private::scan_envelope`, `webhook/src/pipeline/envelope.rs`).
//!
//! Asserted on every input, and on a JSON text generated from it (keys spelt with escapes,
//! repeated keys, odd numbers, strings with escapes, surrogates and invalid UTF-8, whitespace,
//! trailing bytes): the scan finds a topic and a step id exactly when `serde_json`'s tree is an
//! object with a string `topic`, and finds the same ones (the last of a repeated key, as in the
//! tree); the one-pass load of a `conversation.step_reached` notification accepts only what the
//! tree accepts, and reads the same; `Request::topic` and `Request::step_id` read the same from
//! the bytes as from the tree.

#![no_main]

use arbitrary::{Result, Unstructured};
use bytes::Bytes;
use clustaar_webhook::Request;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The topic and step id as the tree has them.
fn from_tree(body: &[u8]) -> Option<(String, Option<String>)> {
    let tree: Value = serde_json::from_slice(body).ok()?;
    let topic = tree.as_object()?.get("topic")?.as_str()?.to_owned();
    let step_id = tree
        .pointer("/data/step/id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some((topic, step_id))
}

fn check(body: &[u8]) {
    let scanned = clustaar_webhook::__private::scan_envelope(body);
    let tree = from_tree(body);
    assert_eq!(
        scanned,
        tree,
        "the scan and the tree disagree on {:?}",
        String::from_utf8_lossy(body)
    );
    // The one-pass load of a `conversation.step_reached` notification accepts only what the
    // tree accepts, and reads the same.
    if let Some(loaded) = clustaar_webhook::__private::load_step_reached_envelope(body) {
        assert_eq!(
            Some(loaded),
            tree,
            "the load and the tree disagree on {:?}",
            String::from_utf8_lossy(body)
        );
    }
    // The same through the public API: a request reads its topic and step id with the scan,
    // or the tree when the scan cannot read them.
    let (head, ()) = http::Request::new(()).into_parts();
    let request = Request::new(head, Bytes::copy_from_slice(body));
    let (topic, step_id) = (request.topic(), request.step_id());
    let json: Value = request.json().clone();
    let (head, ()) = http::Request::new(()).into_parts();
    let parsed = Request::from_parts(head, Bytes::copy_from_slice(body), json);
    assert_eq!(topic, parsed.topic(), "Request::topic");
    assert_eq!(step_id, parsed.step_id(), "Request::step_id");
    if let Some((tree_topic, tree_step_id)) = &tree {
        assert_eq!(topic, Some(tree_topic.as_str()));
        assert_eq!(step_id, tree_step_id.as_deref());
    }
}

/// The keys the scan looks for, and a few near misses.
const KEYS: &[&str] = &[
    "topic", "data", "step", "id", "channel", "name", "Topic", "topic ", "steps", "ids", "",
    "type", "botID",
];

/// Strings: plain, escaped, surrogates (paired, lone), control characters, invalid escapes.
const STRINGS: &[&str] = &[
    "conversation.step_reached",
    "step_reached_event",
    "507f191e810c19729de860ea",
    "t\\u00e9",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\udc00x",
    "\\ud800\\u0041",
    "\\\"",
    "\\\\",
    "\\/",
    "\\b\\f\\n\\r\\t",
    "\\q",
    "\\u12",
    "\\uZZZZ",
    "\u{1}",
    "é",
    "",
];

/// Numbers, valid and not.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "1e400",
    "-1e400",
    "1e-400",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "01",
    "1.",
    ".5",
    "-",
    "1e",
    "1E+2",
    "+1",
    "NaN",
    "Infinity",
];

/// Whitespace, valid and not (JSON knows only these four).
const SPACES: &[&str] = &["", " ", "\n", "\t", "\r", "  ", "\u{a0}", "\u{c}"];

/// A key, spelt as JSON may spell it: some of its characters escaped.
fn spell(u: &mut Unstructured, text: &str, out: &mut Vec<u8>) -> Result<()> {
    out.push(b'"');
    for c in text.chars() {
        match u.int_in_range(0..=7)? {
            0 => out.extend(format!("\\u{:04x}", c as u32 & 0xffff).as_bytes()),
            1 => out.extend(format!("\\u{:04X}", c as u32 & 0xffff).as_bytes()),
            _ => {
                let mut buffer = [0; 4];
                out.extend(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
    out.push(b'"');
    Ok(())
}

fn space(u: &mut Unstructured, out: &mut Vec<u8>) -> Result<()> {
    if u.ratio(1, 3)? {
        out.extend(u.choose(SPACES)?.as_bytes());
    }
    Ok(())
}

/// A JSON-ish value: mostly valid, sometimes not (a byte changed, a comma too many).
fn value(u: &mut Unstructured, depth: usize, out: &mut Vec<u8>) -> Result<()> {
    let kinds = if depth > 6 { 3 } else { 5 };
    match u.int_in_range(0..=kinds)? {
        0 => out.extend(
            u.choose(&["null", "true", "false", "nul", "tru"])?
                .as_bytes(),
        ),
        1 => out.extend(u.choose(NUMBERS)?.as_bytes()),
        2 => {
            out.push(b'"');
            out.extend(u.choose(STRINGS)?.as_bytes());
            if u.ratio(1, 8)? {
                out.extend(u.arbitrary::<&[u8]>()?.iter().take(4));
            }
            out.push(b'"');
        }
        3 => {
            let text: &str = if u.ratio(1, 4)? {
                u.choose(KEYS)?
            } else {
                u.arbitrary()?
            };
            spell(u, text, out)?;
        }
        4 => {
            out.push(b'[');
            for index in 0..u.int_in_range(0..=3)? {
                if index > 0 {
                    out.push(b',');
                }
                space(u, out)?;
                value(u, depth + 1, out)?;
                space(u, out)?;
            }
            if u.ratio(1, 16)? {
                out.push(b',');
            }
            out.push(b']');
        }
        _ => object(u, depth + 1, out)?,
    }
    Ok(())
}

/// An object whose keys are mostly the ones the scan looks for, repeated at times.
fn object(u: &mut Unstructured, depth: usize, out: &mut Vec<u8>) -> Result<()> {
    out.push(b'{');
    for index in 0..u.int_in_range(0..=4)? {
        if index > 0 {
            out.push(b',');
        }
        space(u, out)?;
        let key = if u.ratio(3, 4)? {
            (*u.choose(KEYS)?).to_owned()
        } else {
            u.arbitrary::<String>()?
        };
        spell(u, &key, out)?;
        space(u, out)?;
        out.push(b':');
        space(u, out)?;
        value(u, depth, out)?;
        space(u, out)?;
    }
    if u.ratio(1, 16)? {
        out.push(b',');
    }
    out.push(b'}');
    Ok(())
}

/// A `conversation.step_reached` notification with a step id, and values of any kind added
/// where the model has no field for them (what its load skips: out-of-range numbers, lone
/// surrogates, deep arrays) or where it has one (a key of `KEYS`).
fn step_reached(u: &mut Unstructured, out: &mut Vec<u8>) -> Result<()> {
    out.extend(br#"{"topic": "conversation.step_reached", "data": {"step": {"id": "#);
    if u.ratio(3, 4)? {
        out.push(b'"');
        out.extend(u.choose(STRINGS)?.as_bytes());
        out.push(b'"');
    } else {
        value(u, 2, out)?;
    }
    for depth in 0..3 {
        if u.ratio(1, 2)? {
            out.push(b',');
            let key: &str = if u.ratio(1, 2)? {
                u.choose(KEYS)?
            } else {
                "extra"
            };
            spell(u, key, out)?;
            out.push(b':');
            value(u, depth, out)?;
        }
        out.push(b'}');
    }
    Ok(())
}

/// A document: an object at the top, most of the time, with its surroundings.
fn document(u: &mut Unstructured) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    space(u, &mut out)?;
    if u.ratio(1, 3)? {
        step_reached(u, &mut out)?;
    } else if u.ratio(7, 8)? {
        object(u, 0, &mut out)?;
    } else {
        value(u, 0, &mut out)?;
    }
    space(u, &mut out)?;
    if u.ratio(1, 16)? {
        out.extend(u.arbitrary::<&[u8]>()?.iter().take(8));
    }
    if !out.is_empty() && u.ratio(1, 16)? {
        let at = u.choose_index(out.len())?;
        out[at] = u.arbitrary()?;
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut u = Unstructured::new(data);
    if let Ok(generated) = document(&mut u) {
        check(&generated);
    }
});
