//! Structure-aware JSON: values, texts that exercise the models' text processing, and
//! notifications built from the test fixtures then mutated.
//!
//! A notification starts as one of the fixtures' notifications, its step's actions replaced
//! (sometimes) by actions taken from the reference's examples, then goes through a few
//! mutations at places chosen in the tree: a value replaced by a text, a number, `null`, any
//! value or another fixture; a key removed or added; a `type` tag swapped for another known
//! one; an item duplicated; a value replaced by its own JSON text.

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Number, Value};

use crate::fixtures::{FIXTURES, KEYS, TAGS};

/// How deep generated values nest.
const MAX_DEPTH: usize = 5;

/// What texts are made of: HTML the sanitiser escapes or keeps, entities, characters NFKC
/// changes, the whitespace `strip` removes (the separators U+001C-U+001F included), URLs and
/// schemes, ObjectIDs, patterns (`match_regexp`), and a few oddities.
const PIECES: &[&str] = &[
    "a",
    "Hello",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\u{0}",
    "\u{b}",
    "\u{c}",
    "\u{1c}",
    "\u{1d}",
    "\u{1e}",
    "\u{1f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
    "\u{feff}",
    "<",
    ">",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    "&#x3c;",
    "\"",
    "'",
    "<b>",
    "</b>",
    "<br/>",
    "<script>alert(1)</script>",
    "<a href='http://x' onclick='y'>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<p class=x>",
    "<!-- c -->",
    "<![CDATA[x]]>",
    "<img src=x onerror=y>",
    "＜script＞",
    "ﬁ",
    "é",
    "e\u{301}",
    "Å",
    "ǅ",
    "Ⅻ",
    "㍿",
    "①",
    "ｶﾞ",
    "\u{fdfa}",
    "💥",
    "\u{d7ff}",
    "\u{10ffff}",
    "https://example.com/a.png",
    "http://example.com/?q=1#f",
    " https://example.com ",
    "javascript:alert(1)",
    "mailto:a@b.c",
    "tel:+33123456789",
    "ftp://x",
    "//example.com",
    "507f191e810c19729de860ea",
    "a1a1a1a1a1a1a1a1a1a1a1a1",
    "507F191E810C19729DE860EA",
    "^(a+)+$",
    "(?P<x>a)\\1",
    "(?<=a)b",
    "[",
    "\\",
    "{{name}}",
    "%s",
    "0",
    "-1",
    "1e999",
    "true",
    "null",
];

/// A text made of [`PIECES`] and arbitrary strings; now and then long (past the models'
/// length limits).
pub fn text(u: &mut Unstructured) -> Result<String> {
    let mut text = String::new();
    for _ in 0..u.int_in_range(0..=5)? {
        if u.ratio(1, 4)? {
            text.push_str(u.arbitrary::<&str>()?);
        } else {
            text.push_str(u.choose(PIECES)?);
        }
    }
    if !text.is_empty() && u.ratio(1, 40)? {
        let times = u.int_in_range(2..=1200usize)?;
        text = text.repeat(times.min(8192 / text.len()).max(1));
    }
    Ok(text)
}

/// A JSON number: an integer, a float, or an edge (`0`, `-0.0`, `2^53 + 1`, `u64::MAX`...).
pub fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::from(u.arbitrary::<i64>()?),
        1 => Value::from(u.arbitrary::<u64>()?),
        2 => Value::from(u.int_in_range(-10i64..=100)?),
        3 => Number::from_f64(u.arbitrary::<f64>()?).map_or(Value::Null, Value::Number),
        4 => Number::from_f64(u.int_in_range(-100i32..=100)? as f64 / 4.0)
            .map_or(Value::Null, Value::Number),
        _ => u
            .choose(&[
                Value::from(0),
                Value::from(-0.0),
                Value::from(1.5),
                Value::from(9_007_199_254_740_993u64),
                Value::from(u64::MAX),
                Value::from(i64::MIN),
                Value::from(1e308),
                Value::from(f64::MIN_POSITIVE),
            ])?
            .clone(),
    })
}

/// An object key: one the fixtures use, or a text.
pub fn key(u: &mut Unstructured) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok((*u.choose(KEYS)?).to_owned())
    } else {
        text(u)
    }
}

/// Any JSON value, nesting at most [`MAX_DEPTH`] deep from `depth`.
pub fn value(u: &mut Unstructured, depth: usize) -> Result<Value> {
    let kinds = if depth >= MAX_DEPTH { 4 } else { 7 };
    Ok(match u.int_in_range(0..=kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 | 4 => Value::String(text(u)?),
        5 => {
            let mut items = Vec::new();
            for _ in 0..u.int_in_range(0..=4)? {
                items.push(value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        6 => {
            let mut object = Map::new();
            if u.ratio(1, 2)? {
                object.insert("type".to_owned(), Value::from(*u.choose(TAGS)?));
            }
            for _ in 0..u.int_in_range(0..=4)? {
                object.insert(key(u)?, value(u, depth + 1)?);
            }
            Value::Object(object)
        }
        _ => fixture(u)?.clone(),
    })
}

/// The fixtures of at most 4 KiB, parsed (a larger one, cloned, loaded and dumped several
/// times an input, would slow the targets down tenfold; the corpora hold them whole).
fn parsed() -> &'static [(&'static str, Value)] {
    static PARSED: OnceLock<Vec<(&'static str, Value)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FIXTURES
            .iter()
            .filter(|(_, text)| text.len() <= 4096)
            .map(|(name, text)| (*name, serde_json::from_str(text).expect("a fixture")))
            .collect()
    })
}

/// One fixture document.
pub fn fixture(u: &mut Unstructured) -> Result<&'static Value> {
    Ok(&u.choose(parsed())?.1)
}

/// The fixtures that are notifications (they have a `topic`).
fn notifications() -> &'static [Value] {
    static FOUND: OnceLock<Vec<Value>> = OnceLock::new();
    FOUND.get_or_init(|| {
        parsed()
            .iter()
            .map(|(_, value)| value)
            .filter(|value| value.get("topic").is_some())
            .cloned()
            .collect()
    })
}

/// The fixtures that are actions (their `type` ends with `_action`, or is `choice` or
/// `section`).
fn actions() -> &'static [Value] {
    static FOUND: OnceLock<Vec<Value>> = OnceLock::new();
    FOUND.get_or_init(|| {
        parsed()
            .iter()
            .map(|(_, value)| value)
            .filter(|value| {
                value["type"]
                    .as_str()
                    .is_some_and(|tag| tag.ends_with("_action"))
            })
            .cloned()
            .collect()
    })
}

/// A list of 0 to 6 actions taken from the fixtures.
pub fn action_list(u: &mut Unstructured) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=6)? {
        list.push(u.choose(actions())?.clone());
    }
    Ok(Value::Array(list))
}

/// A notification: a fixture's, its actions sometimes replaced, then mutated.
pub fn notification(u: &mut Unstructured) -> Result<Value> {
    let mut notification = u.choose(notifications())?.clone();
    if u.ratio(1, 2)? {
        if let Some(step) = notification.pointer_mut("/data/step") {
            if step.is_object() {
                step["actions"] = action_list(u)?;
            }
        }
    }
    if u.ratio(1, 3)? {
        if let Some(step) = notification.pointer_mut("/data/step") {
            if step.is_object() {
                let id = *u.choose(&[
                    "507f191e810c19729de860ea",
                    "507f191e810c19729de860eb",
                    "1234",
                    "",
                ])?;
                step["id"] = Value::from(id);
            }
        }
    }
    mutate(u, &mut notification)?;
    Ok(notification)
}

/// An answer: a list of fixture actions, a session and an interlocutor, then mutated.
pub fn answer(u: &mut Unstructured) -> Result<Value> {
    let mut answer = serde_json::json!({
        "actions": action_list(u)?,
        "session": null,
        "interlocutor": null,
    });
    if u.ratio(1, 2)? {
        let mut values = Map::new();
        for _ in 0..u.int_in_range(0..=3)? {
            values.insert(key(u)?, value(u, 3)?);
        }
        answer["session"] = serde_json::json!({ "values": values });
    }
    mutate(u, &mut answer)?;
    Ok(answer)
}

/// Applies 0 to 6 mutations to `document`, each at a place chosen in its tree.
pub fn mutate(u: &mut Unstructured, document: &mut Value) -> Result<()> {
    for _ in 0..u.int_in_range(0..=6)? {
        let place = pick(u, document)?;
        mutate_at(u, place)?;
    }
    Ok(())
}

/// A value of `document`: from the root, going down into a child three times out of four.
fn pick<'a>(u: &mut Unstructured, document: &'a mut Value) -> Result<&'a mut Value> {
    let mut current = document;
    loop {
        let children = match &*current {
            Value::Object(object) => object.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if children == 0 || u.ratio(1, 4)? {
            return Ok(current);
        }
        let index = u.choose_index(children)?;
        current = match current {
            Value::Object(object) => object.values_mut().nth(index).expect("an entry"),
            Value::Array(items) => &mut items[index],
            _ => unreachable!("a container"),
        };
    }
}

fn mutate_at(u: &mut Unstructured, place: &mut Value) -> Result<()> {
    match u.int_in_range(0..=10)? {
        0 => *place = Value::String(text(u)?),
        1 => *place = number(u)?,
        2 => *place = Value::Null,
        3 => *place = value(u, 2)?,
        4 => *place = fixture(u)?.clone(),
        5 => *place = Value::String(place.to_string()),
        6 => match place {
            Value::Object(object) if !object.is_empty() => {
                let index = u.choose_index(object.len())?;
                let key = object.keys().nth(index).expect("a key").clone();
                object.shift_remove(&key);
            }
            Value::Array(items) if !items.is_empty() => {
                let index = u.choose_index(items.len())?;
                items.remove(index);
            }
            _ => *place = Value::Array(Vec::new()),
        },
        7 => match place {
            Value::Object(object) => {
                object.insert(key(u)?, value(u, 3)?);
            }
            Value::Array(items) => items.push(value(u, 3)?),
            _ => *place = Value::Object(Map::new()),
        },
        8 => match place {
            Value::Object(object) => {
                object.insert("type".to_owned(), Value::from(*u.choose(TAGS)?));
            }
            _ => *place = Value::from(*u.choose(TAGS)?),
        },
        9 => match place {
            Value::Array(items) if !items.is_empty() => {
                let index = u.choose_index(items.len())?;
                let copy = items[index].clone();
                items.insert(index, copy);
            }
            _ => *place = Value::Array(vec![place.take()]),
        },
        _ => {
            if let Value::Object(object) = place {
                // A key that the fixtures use, so that a known field changes.
                let key = (*u.choose(KEYS)?).to_owned();
                let new = if u.ratio(1, 2)? {
                    Value::String(text(u)?)
                } else {
                    value(u, 3)?
                };
                object.insert(key, new);
            } else {
                *place = Value::String(text(u)?);
            }
        }
    }
    Ok(())
}

/// `value` as JSON text, compact or pretty.
pub fn to_text(u: &mut Unstructured, value: &Value) -> Result<Vec<u8>> {
    Ok(if u.ratio(1, 4)? {
        serde_json::to_vec_pretty(value).expect("JSON")
    } else {
        serde_json::to_vec(value).expect("JSON")
    })
}
