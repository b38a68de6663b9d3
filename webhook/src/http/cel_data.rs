//! `data` as CEL sees it: views over the [`Request`] that convert a field only when a filter
//! reads it, borrowing the request's strings instead of copying them.
//!
//! `data`, `data.url` and `data.body` are records (maps whose keys are their field names);
//! `data.headers` is a map whose lookups ignore case, so `data.headers["X-GitHub-Event"]` finds
//! the `x-github-event` header that HTTP/2 and hyper deliver in lower case. Query strings and
//! forms are maps from each key to the list of its values; a JSON body is converted to CEL
//! maps, lists, strings, `int`s (integers), `uint`s (above `i64`), `double`s, `bool`s and
//! `null`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use cel::common::traits::{self, Container, Indexer, Iterable, Sizer};
use cel::common::types::{
    self as cel_types, CelBool, CelBytes, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull,
    CelString, CelUInt, Type,
};
use cel::common::value::{CowVal, Val};
use cel::ExecutionError;
use clustaar_webhook_core::cel::{BODY_FIELDS, DATA_FIELDS, URL_FIELDS};
use http::{HeaderMap, Uri};
use serde_json::Value;

use super::event::{decode, is_form, raw_url};
use crate::Request;

/// The string an index or a field name must be.
fn key_str(key: &dyn Val) -> Result<&str, ExecutionError> {
    key.downcast_ref::<CelString>()
        .map(|key| key.inner())
        .ok_or_else(|| ExecutionError::UnexpectedType {
            got: key.get_type().name().to_owned(),
            want: "string".to_owned(),
        })
}

fn string<'a>(value: impl Into<CelString<'a>>) -> Box<dyn Val + 'a> {
    Box::new(value.into())
}

/// A map from each key of a query string or form to the list of its values.
fn pairs_map(raw: &[u8]) -> Box<dyn Val + '_> {
    let mut order: Vec<Cow<'_, str>> = Vec::new();
    let mut values: HashMap<Cow<'_, str>, Vec<Box<dyn Val + '_>>> = HashMap::new();
    for (key, value) in form_urlencoded::parse(raw) {
        let entry = values.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Vec::new()
        });
        entry.push(string(value));
    }
    let map: HashMap<CelMapKey<'_>, Box<dyn Val + '_>> = order
        .into_iter()
        .map(|key| {
            let list = values.remove(&key).unwrap_or_default();
            let key = match key {
                Cow::Borrowed(key) => CelMapKey::from(key),
                Cow::Owned(key) => CelMapKey::from(key),
            };
            (key, Box::new(CelList::from(list)) as Box<dyn Val + '_>)
        })
        .collect();
    Box::new(CelMap::from(map))
}

/// A JSON value as a CEL value, borrowing its strings.
pub(crate) fn json(value: &Value) -> Box<dyn Val + '_> {
    match value {
        Value::Null => Box::new(CelNull),
        Value::Bool(value) => Box::new(CelBool::from(*value)),
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(int), _) => Box::new(CelInt::from(int)),
            (None, Some(uint)) => Box::new(CelUInt::from(uint)),
            _ => Box::new(CelDouble::from(number.as_f64().unwrap_or(f64::NAN))),
        },
        Value::String(text) => string(text.as_str()),
        Value::Array(items) => Box::new(CelList::from(items.iter().map(json).collect::<Vec<_>>())),
        Value::Object(object) => Box::new(CelMap::from(
            object
                .iter()
                .map(|(key, value)| (CelMapKey::from(key.as_str()), json(value)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// Implements `Val` (a map of fixed keys) and `Indexer` for a record view with a
/// `fn field(&self, name) -> Option<Box<dyn Val + 'a>>`.
macro_rules! record {
    ($record:ident, $fields:expr) => {
        impl<'a> Val for $record<'a> {
            fn get_type(&self) -> &Type {
                &cel_types::MAP_TYPE
            }

            fn cel_type() -> &'static Type
            where
                Self: Sized,
            {
                &cel_types::MAP_TYPE
            }

            fn as_container(&self) -> Option<&dyn Container> {
                Some(self)
            }

            fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
            where
                Self: 'w,
            {
                Some(self)
            }

            fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
            where
                Self: 'w,
            {
                Some(self)
            }

            fn as_sizer(&self) -> Option<&dyn Sizer> {
                Some(self)
            }

            fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
            where
                Self: 'w,
            {
                Box::new(*self)
            }
        }

        impl<'a> Indexer for $record<'a> {
            fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
            where
                Self: 'w,
            {
                let name = key_str(key)?;
                self.field(name)
                    .map(CowVal::Owned)
                    .ok_or_else(|| ExecutionError::no_such_key(name))
            }

            fn steal<'w>(
                self: Box<Self>,
                key: &dyn Val,
            ) -> Result<Box<dyn Val + 'w>, ExecutionError>
            where
                Self: 'w,
            {
                self.get(key).map(CowVal::into_owned)
            }
        }

        impl Container for $record<'_> {
            fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
                let name = key_str(key)?;
                Ok($fields.iter().any(|(field, _)| *field == name))
            }
        }

        impl Sizer for $record<'_> {
            fn size(&self) -> CelInt {
                CelInt::from($fields.len() as i64)
            }
        }
    };
}

/// `data`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Data<'a>(pub(crate) &'a Request);

impl<'a> Data<'a> {
    fn field(&self, name: &str) -> Option<Box<dyn Val + 'a>> {
        let request = self.0;
        Some(match name {
            "method" => string(request.method().as_str()),
            "url" => Box::new(UrlView(request.uri())),
            "raw_url" => string(raw_url(request.uri())),
            "headers" => Box::new(Headers::new(request.headers())),
            "body" => Box::new(Body(request)),
            _ => return None,
        })
    }
}

record!(Data, DATA_FIELDS);

/// `data.url`.
#[derive(Debug, Clone, Copy)]
struct UrlView<'a>(&'a Uri);

impl<'a> UrlView<'a> {
    fn field(&self, name: &str) -> Option<Box<dyn Val + 'a>> {
        let uri = self.0;
        Some(match name {
            "path" => string(decode(uri.path())),
            "query" => pairs_map(uri.query().unwrap_or_default().as_bytes()),
            "raw_query" => string(uri.query().unwrap_or_default()),
            "fragment" | "raw_fragment" => string(""),
            _ => return None,
        })
    }
}

record!(UrlView, URL_FIELDS);

/// `data.body`.
#[derive(Debug, Clone, Copy)]
struct Body<'a>(&'a Request);

impl<'a> Body<'a> {
    fn field(&self, name: &str) -> Option<Box<dyn Val + 'a>> {
        let request = self.0;
        let body: &'a [u8] = request.body();
        Some(match name {
            "bytes" if body.is_empty() => Box::new(CelNull),
            "bytes" => Box::new(CelBytes::from(body)),
            "form" if is_form(request.headers()) => pairs_map(body),
            "form" => Box::new(CelNull),
            "json" => match request.json() {
                Value::Object(object) => Box::new(JsonObject::new(object)),
                _ => Box::new(CelNull),
            },
            _ => return None,
        })
    }
}

record!(Body, BODY_FIELDS);

/// `data.headers`: lookups ignore case; a repeated header's values are joined by `", "`.
#[derive(Debug, Clone)]
struct Headers<'a> {
    headers: &'a HeaderMap,
    /// The names, built the first time the map is iterated.
    names: OnceLock<Vec<CelString<'a>>>,
}

impl<'a> Headers<'a> {
    fn new(headers: &'a HeaderMap) -> Self {
        Self {
            headers,
            names: OnceLock::new(),
        }
    }

    fn value(&self, name: &str) -> Option<Box<dyn Val + 'a>> {
        let mut values = self.headers.get_all(name).iter();
        let first = values.next()?;
        match (values.next(), first.to_str()) {
            (None, Ok(value)) => Some(string(value)),
            _ => super::event::header_value(self.headers, name).map(string),
        }
    }
}

impl<'a> Val for Headers<'a> {
    fn get_type(&self) -> &Type {
        &cel_types::MAP_TYPE
    }

    fn cel_type() -> &'static Type
    where
        Self: Sized,
    {
        &cel_types::MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(Headers::new(self.headers))
    }
}

impl<'a> Indexer for Headers<'a> {
    fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        let name = key_str(key)?;
        self.value(name)
            .map(CowVal::Owned)
            .ok_or_else(|| ExecutionError::no_such_key(name))
    }

    fn steal<'w>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

impl Container for Headers<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(self.headers.contains_key(key_str(key)?))
    }
}

impl Sizer for Headers<'_> {
    fn size(&self) -> CelInt {
        CelInt::from(self.headers.keys_len() as i64)
    }
}

impl<'a> Iterable for Headers<'a> {
    fn iter<'b, 'w>(&'b self) -> Box<dyn traits::Iterator<'b, 'w> + 'b>
    where
        Self: 'w,
    {
        let names = self.names.get_or_init(|| {
            self.headers
                .keys()
                .map(|name| CelString::from(name.as_str()))
                .collect()
        });
        Box::new(Names(names.iter()))
    }
}

/// Lends the header names one by one.
struct Names<'b, 'a>(std::slice::Iter<'b, CelString<'a>>);

impl<'b, 'a: 'w, 'w> traits::Iterator<'b, 'w> for Names<'b, 'a> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'w)> {
        self.0.next().map(|name| name as &(dyn Val + 'w))
    }
}

/// `data.body.json`: a JSON object whose entries are converted only when a filter reads them
/// (`data.body.json.ref` converts one string, not the whole payload).
#[derive(Debug, Clone)]
struct JsonObject<'a> {
    object: &'a serde_json::Map<String, Value>,
    /// The keys, built the first time the object is iterated.
    keys: OnceLock<Vec<CelString<'a>>>,
}

impl<'a> JsonObject<'a> {
    fn new(object: &'a serde_json::Map<String, Value>) -> Self {
        Self {
            object,
            keys: OnceLock::new(),
        }
    }

    /// The whole object, converted.
    fn converted(&self) -> CelMap<'a> {
        CelMap::from(
            self.object
                .iter()
                .map(|(key, value)| (CelMapKey::from(key.as_str()), json(value)))
                .collect::<HashMap<_, _>>(),
        )
    }
}

impl<'a> Val for JsonObject<'a> {
    fn get_type(&self) -> &Type {
        &cel_types::MAP_TYPE
    }

    fn cel_type() -> &'static Type
    where
        Self: Sized,
    {
        &cel_types::MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn equals(&self, other: &dyn Val) -> bool {
        self.converted().equals(other)
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(JsonObject::new(self.object))
    }
}

impl<'a> Indexer for JsonObject<'a> {
    fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        let name = key_str(key)?;
        self.object
            .get(name)
            .map(|value| CowVal::Owned(json(value)))
            .ok_or_else(|| ExecutionError::no_such_key(name))
    }

    fn steal<'w>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

impl Container for JsonObject<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(self.object.contains_key(key_str(key)?))
    }
}

impl Sizer for JsonObject<'_> {
    fn size(&self) -> CelInt {
        CelInt::from(self.object.len() as i64)
    }
}

impl<'a> Iterable for JsonObject<'a> {
    fn iter<'b, 'w>(&'b self) -> Box<dyn traits::Iterator<'b, 'w> + 'b>
    where
        Self: 'w,
    {
        let keys = self.keys.get_or_init(|| {
            self.object
                .keys()
                .map(|key| CelString::from(key.as_str()))
                .collect()
        });
        Box::new(Names(keys.iter()))
    }
}
