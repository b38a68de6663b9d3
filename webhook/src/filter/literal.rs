//! JSON scalars fixed at compile time, compared without building a `Value`.

use serde_json::{Number, Value};

/// A JSON scalar written in the source (`"123"`, `1`, `2.5`, `true`, `null`), as the `#[on]`
/// macro emits them in `json_key_equals` and `json_key_in` filters.
///
/// [`matches`](JsonLiteral::matches) is JSON equality exactly as `serde_json::Value`'s `==`
/// (so the DSL and [`JsonKeyEquals`](super::JsonKeyEquals) agree: `1` and `1.0` differ).
///
/// ```
/// use clustaar_webhook::filter::JsonLiteral;
/// use serde_json::json;
///
/// assert!(JsonLiteral::Str("123").matches(&json!("123")));
/// assert!(!JsonLiteral::Int(123).matches(&json!("123")));
/// assert!(JsonLiteral::Null.matches(&json!(null)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsonLiteral {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A negative integer.
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// A number with a fraction or an exponent.
    Float(f64),
    /// A string.
    Str(&'static str),
}

impl JsonLiteral {
    /// Whether `value` equals this literal.
    pub fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (Self::Null, Value::Null) => true,
            (Self::Bool(expected), Value::Bool(found)) => expected == found,
            (Self::Str(expected), Value::String(found)) => expected == found,
            (Self::Int(expected), Value::Number(found)) => Number::from(*expected) == *found,
            (Self::UInt(expected), Value::Number(found)) => Number::from(*expected) == *found,
            (Self::Float(expected), Value::Number(found)) => {
                Number::from_f64(*expected).is_some_and(|expected| expected == *found)
            }
            _ => false,
        }
    }

    /// The literal as a `Value`.
    pub fn to_value(&self) -> Value {
        match *self {
            Self::Null => Value::Null,
            Self::Bool(value) => Value::Bool(value),
            Self::Int(value) => Value::from(value),
            Self::UInt(value) => Value::from(value),
            Self::Float(value) => Value::from(value),
            Self::Str(value) => Value::from(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agrees_with_value_equality() {
        let literals = [
            JsonLiteral::Null,
            JsonLiteral::Bool(true),
            JsonLiteral::Int(-1),
            JsonLiteral::UInt(1),
            JsonLiteral::Float(1.0),
            JsonLiteral::Float(2.5),
            JsonLiteral::Str("1"),
        ];
        let values = [
            json!(null),
            json!(true),
            json!(-1),
            json!(1),
            json!(1.0),
            json!(2.5),
            json!("1"),
            json!([1]),
        ];
        for literal in literals {
            for value in &values {
                assert_eq!(
                    literal.matches(value),
                    literal.to_value() == *value,
                    "{literal:?} vs {value}"
                );
            }
        }
    }
}
