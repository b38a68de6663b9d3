//! Loading a document into a model, reporting *every* error with its JSON path.
//!
//! serde stops at the first error. To report them all, a failed load is retried on a copy of
//! the document without the value that failed (a missing field is `None` for every model, a
//! missing list item is one item fewer), until it loads; each error is reported at its path in
//! the original document (`data.step.actions[2]`).

use std::collections::HashMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::objects::Objects;

/// The most errors reported for one document.
const MAX_ERRORS: usize = 100;

/// A value of a document that cannot be loaded: a field of the wrong JSON type, a malformed
/// object of a known `type`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct LoadError {
    /// Where, as a JSON path (`data.step.actions[2]`); empty for the document itself.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Every error of a document that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            if error.path.is_empty() {
                f.write_str(&error.message)?;
            } else {
                write!(f, "{error}")?;
            }
        }
        Ok(())
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Segment {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_path_to_error::Path) -> Vec<Segment> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
            _ => None,
        })
        .collect()
}

fn render(prefix: &str, segments: &[Segment]) -> String {
    let mut out = prefix.to_owned();
    for segment in segments {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Removes the value at `path` from `document`; `false` when there is nothing to remove.
fn remove(document: &mut Value, path: &[Segment]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut current = document;
    for segment in parents {
        current = match (segment, current) {
            (Segment::Key(key), Value::Object(map)) => match map.get_mut(key) {
                Some(value) => value,
                None => return false,
            },
            (Segment::Index(index), Value::Array(items)) => match items.get_mut(*index) {
                Some(value) => value,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, current) {
        (Segment::Key(key), Value::Object(map)) => map.shift_remove(key).is_some(),
        (Segment::Index(index), Value::Array(items)) if *index < items.len() => {
            items.remove(*index);
            true
        }
        _ => false,
    }
}

/// A model read from JSON bytes, as [`serde_json::from_slice`] reads it (the same value, the
/// same errors), faster: the bytes are checked as UTF-8 once, not string by string (serde_json
/// checks each string of a slice on its own, a tenth of a notification's load). The extractors
/// of the [`axum`](crate::axum) module read a notification with it. As [`from_json_str`], it
/// reads a structure from an object only, never from an array.
///
/// ```
/// use clustaar_schemas::{load::from_json_slice, Step};
///
/// let step: Step = from_json_slice(br#"{"id": "1", "name": "a", "actions": []}"#).unwrap();
/// assert_eq!(step.name.as_deref(), Some("a"));
/// assert!(from_json_slice::<Step>(b"{\"name\": \"\xff\"}").is_err());
/// ```
pub fn from_json_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => from_json_str(text),
        // serde_json's message, at the position of the first bad byte.
        Err(_) => read(serde_json::Deserializer::from_slice(bytes)),
    }
}

/// A model read from JSON text, as [`serde_json::from_str`] reads it (the same value, the same
/// errors), except that a structure is read from an object only, never from an array of its
/// fields (which serde_json's derived structures take, and the reference refuses), as every
/// read of this module does.
///
/// ```
/// use clustaar_schemas::{load::from_json_str, Step};
///
/// assert!(from_json_str::<Step>(r#"{"id": "1", "name": "a"}"#).is_ok());
/// let error = from_json_str::<Step>(r#"["1", "a"]"#).unwrap_err();
/// assert!(error.to_string().starts_with("invalid type: sequence, expected struct Step"));
/// ```
pub fn from_json_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    read(serde_json::Deserializer::from_str(text))
}

/// One JSON value of `json`'s input, nothing after it, structures from objects only.
fn read<'de, R: serde_json::de::Read<'de>, T: serde::Deserialize<'de>>(
    mut json: serde_json::Deserializer<R>,
) -> serde_json::Result<T> {
    let value = T::deserialize(Objects(&mut json))?;
    json.end()?;
    Ok(value)
}

/// Loads `document` as a `T`, without validation, as the reference loads it (a structure from
/// an object only, never from an array); `prefix` is the path of `document` in the notification
/// (`"data"`, or `""`).
pub fn load<T: DeserializeOwned>(document: &Value, prefix: &str) -> Result<T, LoadErrors> {
    // The plain deserialiser first: tracking paths costs on every field, and only an error
    // needs them.
    if let Ok(model) = T::deserialize(Objects(document)) {
        return Ok(model);
    }
    let first = match serde_path_to_error::deserialize::<_, T>(Objects(document)) {
        Ok(model) => return Ok(model),
        Err(error) => error,
    };
    let mut errors = Vec::new();
    let mut working = document.clone();
    // Original indices removed from each list, by the list's original path.
    let mut removed: HashMap<Vec<Segment>, Vec<usize>> = HashMap::new();
    let mut next = Some(first);
    while let Some(error) = next.take() {
        let current = segments(error.path());
        let mut original = Vec::with_capacity(current.len());
        for segment in &current {
            let translated = match segment {
                Segment::Index(index) => {
                    let gone = removed.get(&original).map_or(&[][..], Vec::as_slice);
                    let mut kept = 0;
                    let mut candidate = 0;
                    loop {
                        if !gone.contains(&candidate) {
                            if kept == *index {
                                break;
                            }
                            kept += 1;
                        }
                        candidate += 1;
                    }
                    Segment::Index(candidate)
                }
                key => key.clone(),
            };
            original.push(translated);
        }
        errors.push(LoadError {
            path: render(prefix, &original),
            message: error.inner().to_string(),
        });
        if errors.len() >= MAX_ERRORS || !remove(&mut working, &current) {
            break;
        }
        if let Some((Segment::Index(index), list)) = original.split_last() {
            removed.entry(list.to_vec()).or_default().push(*index);
        }
        if let Err(error) = serde_path_to_error::deserialize::<_, T>(Objects(&working)) {
            next = Some(error);
        }
    }
    Err(LoadErrors(errors))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::StepReached;

    #[test]
    fn reports_every_error_at_its_path_in_the_original_document() {
        let data = json!({
            "channel": 3,
            "step": {"actions": [
                {"type": "send_text_action", "alternatives": "not a list"},
                {"type": "pause_bot_action"},
                {"type": "wait_action", "duration": "long"},
                {"type": "send_text_action", "alternatives": [1]}
            ]},
            "interlocutor": {"isLogged": "yes"}
        });
        let errors = load::<StepReached>(&data, "data").unwrap_err();
        let paths: Vec<&str> = errors.0.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "data.channel",
                "data.step.actions[0].alternatives",
                "data.step.actions[2].duration",
                "data.step.actions[3].alternatives[0]",
                "data.interlocutor.isLogged"
            ],
            "{errors}"
        );
        assert!(errors.0[1]
            .message
            .starts_with("invalid send_text_action: invalid type"));
        // An object whose `type` is not its first key is buffered first: the path inside it
        // is then in the message.
        let late_type = json!({"step": {"actions": [{"duration": "long", "type": "wait_action"}]}});
        let errors = load::<StepReached>(&late_type, "data").unwrap_err();
        assert_eq!(errors.0[0].path, "data.step.actions[0]");
        assert!(
            errors.0[0]
                .message
                .starts_with("invalid wait_action at duration: "),
            "{errors}"
        );
    }

    #[test]
    fn a_loadable_document_loads() {
        let event: StepReached = load(&json!({"step": {"id": "1234"}}), "data").unwrap();
        assert_eq!(event.step_id(), Some("1234"));
    }

    #[test]
    fn a_document_of_the_wrong_kind_is_one_error_at_the_root() {
        let errors = load::<StepReached>(&json!("a string"), "").unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].path, "");
        assert_eq!(errors.to_string(), errors.0[0].message);
    }
}
