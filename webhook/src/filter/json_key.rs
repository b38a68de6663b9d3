//! Filters on the value at a JSON path of the notification.

use serde_json::Value;

use super::{Filter, JsonPath, PathError};
use crate::Request;

/// Passes when the value at `path` equals `value` (JSON equality: `1` and `"1"` differ).
/// A missing key equals nothing, not even `null`.
///
/// ```
/// use clustaar_webhook::{filter::{Filter, JsonKeyEquals}, Request};
/// use serde_json::json;
///
/// let filter = JsonKeyEquals::new("user.id", 1).unwrap();
/// assert!(filter.matches(&Request::from_json(json!({"user": {"id": 1}}))));
/// assert!(!filter.matches(&Request::from_json(json!({"user": {"id": 2}}))));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKeyEquals {
    path: JsonPath,
    value: Value,
}

impl JsonKeyEquals {
    /// Parses `path`; fails with the position of a malformed path.
    pub fn new(path: &str, value: impl Into<Value>) -> Result<Self, PathError> {
        Ok(Self::with_path(JsonPath::parse(path)?, value))
    }

    /// Uses an already compiled path.
    pub fn with_path(path: JsonPath, value: impl Into<Value>) -> Self {
        Self {
            path,
            value: value.into(),
        }
    }

    /// The path.
    pub fn path(&self) -> &JsonPath {
        &self.path
    }

    /// The expected value.
    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl Filter for JsonKeyEquals {
    fn matches(&self, request: &Request) -> bool {
        self.path.find(request.json()) == Some(&self.value)
    }
}

/// Passes when the value at `path` is one of `values`. A missing key is in no list.
///
/// ```
/// use clustaar_webhook::{filter::{Filter, JsonKeyIn}, Request};
/// use serde_json::json;
///
/// let filter = JsonKeyIn::new("user.id", [1, 2]).unwrap();
/// assert!(filter.matches(&Request::from_json(json!({"user": {"id": 2}}))));
/// assert!(!filter.matches(&Request::from_json(json!({"user": {"id": 3}}))));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKeyIn {
    path: JsonPath,
    values: Vec<Value>,
}

impl JsonKeyIn {
    /// Parses `path`; fails with the position of a malformed path.
    pub fn new<I, V>(path: &str, values: I) -> Result<Self, PathError>
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Ok(Self::with_path(JsonPath::parse(path)?, values))
    }

    /// Uses an already compiled path.
    pub fn with_path<I, V>(path: JsonPath, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        Self {
            path,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// The path.
    pub fn path(&self) -> &JsonPath {
        &self.path
    }

    /// The accepted values.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

impl Filter for JsonKeyIn {
    fn matches(&self, request: &Request) -> bool {
        self.path
            .find(request.json())
            .is_some_and(|found| self.values.contains(found))
    }
}

/// Passes when the key at `path` is present, whatever its value (`null` included).
///
/// ```
/// use clustaar_webhook::{filter::{Filter, JsonKeyExists}, Request};
/// use serde_json::json;
///
/// let filter = JsonKeyExists::new("user.id").unwrap();
/// assert!(filter.matches(&Request::from_json(json!({"user": {"id": null}}))));
/// assert!(!filter.matches(&Request::from_json(json!({"user": {}}))));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JsonKeyExists {
    path: JsonPath,
}

impl JsonKeyExists {
    /// Parses `path`; fails with the position of a malformed path.
    pub fn new(path: &str) -> Result<Self, PathError> {
        Ok(Self::with_path(JsonPath::parse(path)?))
    }

    /// Uses an already compiled path.
    pub fn with_path(path: JsonPath) -> Self {
        Self { path }
    }

    /// The path.
    pub fn path(&self) -> &JsonPath {
        &self.path
    }
}

impl Filter for JsonKeyExists {
    fn matches(&self, request: &Request) -> bool {
        self.path.find(request.json()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(value: Value) -> Request {
        Request::from_json(value)
    }

    #[test]
    fn equals_is_json_equality() {
        let filter = JsonKeyEquals::new("user.id", 1).unwrap();
        assert!(filter.matches(&request(json!({"user": {"id": 1}}))));
        assert!(!filter.matches(&request(json!({"user": {"id": "1"}}))));
        assert!(!filter.matches(&request(json!({"user": {}}))));
        assert!(!filter.matches(&request(json!({}))));
    }

    #[test]
    fn a_missing_key_does_not_equal_null() {
        let filter = JsonKeyEquals::new("user.id", Value::Null).unwrap();
        assert!(filter.matches(&request(json!({"user": {"id": null}}))));
        assert!(!filter.matches(&request(json!({"user": {}}))));
    }

    #[test]
    fn in_accepts_each_listed_value() {
        let filter = JsonKeyIn::new("user.id", [1, 2]).unwrap();
        assert!(filter.matches(&request(json!({"user": {"id": 1}}))));
        assert!(filter.matches(&request(json!({"user": {"id": 2}}))));
        assert!(!filter.matches(&request(json!({"user": {"id": 3}}))));
        assert!(!filter.matches(&request(json!({"user": {}}))));
        let with_null = JsonKeyIn::new("user.id", [Value::Null]).unwrap();
        assert!(!with_null.matches(&request(json!({"user": {}}))));
    }

    #[test]
    fn exists_counts_null_as_present() {
        let filter = JsonKeyExists::new("user.id").unwrap();
        assert!(filter.matches(&request(json!({"user": {"id": 1}}))));
        assert!(filter.matches(&request(json!({"user": {"id": null}}))));
        assert!(!filter.matches(&request(json!({"user": {}}))));
        assert!(!filter.matches(&request(json!({"user": null}))));
    }

    #[test]
    fn malformed_paths_fail_at_construction() {
        assert_eq!(JsonKeyEquals::new("a..b", 1).unwrap_err().position(), 2);
        assert_eq!(JsonKeyIn::new("a[", [1]).unwrap_err().position(), 1);
        assert_eq!(JsonKeyExists::new("").unwrap_err().position(), 0);
    }
}
