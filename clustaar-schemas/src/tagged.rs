//! Polymorphic objects tagged on their `type` field, with a lossless fallback for unknown types.
//!
//! Every model that the platform writes with a constant `type` (`"card"`, `"step"`, ...) holds a
//! zero-sized *type tag* field ([`type_tag!`]) at the position where the reference writes that
//! key, so a model is dumped with the reference's key order. The tag is ignored on load, as the
//! reference ignores it (its `type` fields are read-only).
//!
//! The platform adds action and input types over time. An object whose `type` this crate does not
//! know is kept as [`UnknownObject`] (the raw JSON object, key order kept) and serialised back
//! unchanged, so a bot keeps working when the platform grows. An object whose `type` is known but
//! whose fields do not load is an error: that is a malformed document, not a new type.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer,
    MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer, StringDeserializer,
    U64Deserializer, UnitDeserializer,
};
use serde::de::{self, DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::objects::Objects;

/// A JSON object of a `type` this crate does not model (yet), kept as it was received.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnknownObject(pub Map<String, Value>);

impl UnknownObject {
    /// The object's `type`, if it has a string one.
    pub fn type_name(&self) -> Option<&str> {
        self.0.get("type").and_then(Value::as_str)
    }

    /// The raw object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }
}

/// Declares the zero-sized type tag of a model: it is written as its constant string and
/// ignored (whatever its value) on load.
macro_rules! type_tag {
    ($( $(#[$meta:meta])* $name:ident = $tag:literal; )*) => {$(
        $(#[$meta])*
        #[doc = concat!("\n\nThe constant `\"type\": \"", $tag, "\"` of the model, written on dump and ignored on load.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;

        impl $name {
            /// The `type` written on the wire.
            pub const TYPE: &'static str = $tag;
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($tag)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::serde::de::IgnoredAny::deserialize(deserializer)?;
                Ok(Self)
            }
        }
    )*};
}

pub(crate) use type_tag;

/// Declares an enum of objects tagged on `type`, with an `Unknown` variant that keeps any other
/// type losslessly. Each variant is `"tag" => Variant(Type)`; `Type` holds its own type tag
/// field (see [`type_tag!`]), so the enum serialises the variant as it is.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $tag:literal => $variant:ident($ty:ty), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)] // Variants are read once and rarely moved.
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// An object of a type this crate does not know, kept as received and sent back
            /// unchanged.
            Unknown($crate::UnknownObject),
        }

        impl $name {
            /// Every `type` this enum models, in declaration order.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($tag),*];

            /// The JSON `type` of this object (`None` for an unknown object without a string
            /// `type`).
            pub fn type_name(&self) -> Option<&str> {
                match self {
                    $( Self::$variant(_) => Some($tag), )*
                    Self::Unknown(object) => object.type_name(),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(value) => value.serialize(serializer), )*
                    Self::Unknown(object) => object.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TaggedVisitor;

                impl<'de> ::serde::de::Visitor<'de> for TaggedVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an object with a `type`")
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        // The entries before `type`, kept (keys borrowed from the input when
                        // they can be) until `type` tells the variant: the platform writes
                        // `type` first in most objects, after an `id` in targets.
                        let mut before = $crate::tagged::Before::new();
                        while let Some(key) = map.next_key_seed($crate::tagged::CowKey)? {
                            if key != "type" {
                                before.push(key, map.next_value()?);
                                continue;
                            }
                            let value: $crate::tagged::FirstValue<'de> = map.next_value()?;
                            match value.as_str() {
                                // A known type: the entries kept, then the rest of the object
                                // straight from the input, go into the variant, without
                                // buffering; a second `type` there is refused, as any repeated
                                // field is (the tree, where the last one wins, then decides
                                // what the object is).
                                $( Some($tag) => {
                                    return $crate::tagged::load_after_type::<$ty, A>($tag, before, map)
                                        .map($name::$variant);
                                } )*
                                _ => {}
                            }
                            let object = before.into_object(key, value, map)?;
                            // The last `type` decides, as in the tree.
                            let tag = object.get("type").and_then(::serde_json::Value::as_str);
                            return match tag {
                                $( Some($tag) => $crate::tagged::load_variant::<$ty, A::Error>($tag, object)
                                    .map($name::$variant), )*
                                _ => Ok($name::Unknown($crate::UnknownObject(object))),
                            };
                        }
                        Ok($name::Unknown($crate::UnknownObject(before.into_map())))
                    }
                }

                deserializer.deserialize_map(TaggedVisitor)
            }
        }

        $(
            impl From<$ty> for $name {
                fn from(value: $ty) -> Self {
                    Self::$variant(value)
                }
            }
        )*
    };
}

pub(crate) use tagged_enum;

/// The entries of a tagged object before its `type` (none when `type` comes first, as the
/// platform mostly writes it: then nothing is allocated).
pub(crate) struct Before<'de>(Vec<(Cow<'de, str>, Value)>);

impl<'de> Before<'de> {
    pub(crate) fn new() -> Self {
        Self(Vec::new())
    }

    pub(crate) fn push(&mut self, key: Cow<'de, str>, value: Value) {
        self.0.push((key, value));
    }

    /// The object without `type`, as the tree holds it (the last of a repeated key wins).
    pub(crate) fn into_map(self) -> Map<String, Value> {
        let mut object = Map::new();
        for (key, value) in self.0 {
            object.insert(key.into_owned(), value);
        }
        object
    }

    /// The whole object, from the entries kept, its `type` and the rest of `map`.
    pub(crate) fn into_object<A: MapAccess<'de>>(
        self,
        key: Cow<'de, str>,
        value: FirstValue<'de>,
        mut map: A,
    ) -> Result<Map<String, Value>, A::Error> {
        let mut object = self.into_map();
        object.insert(key.into_owned(), value.into_value());
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(object)
    }
}

/// Loads the variant `T` of a tagged object whose `type` is `tag`: the entries kept before
/// `type`, then the rest of `map`. An error names the type; one in an entry kept before
/// `type` also gives the path inside the object (`invalid wait_action at duration: …`), as
/// the rest's errors have their own path in the document.
pub(crate) fn load_after_type<'de, T, A>(
    tag: &str,
    before: Before<'de>,
    map: A,
) -> Result<T, A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if before.0.is_empty() {
        // `type` first, as the platform mostly writes it: the entries straight from the input.
        return T::deserialize(MapAccessDeserializer::new(AfterType(map)))
            .map_err(|error| A::Error::custom(format_args!("invalid {tag}: {error}")));
    }
    let mut entries = BeforeThenRest {
        before: before.0.into_iter(),
        key: Cow::Borrowed(""),
        value: None,
        rest: AfterType(map),
        located: None,
    };
    match T::deserialize(MapAccessDeserializer::new(&mut entries)) {
        Ok(model) => Ok(model),
        Err(error) => Err(match entries.located.take() {
            Some((path, inner)) => {
                A::Error::custom(format_args!("invalid {tag} at {path}: {inner}"))
            }
            None => A::Error::custom(format_args!("invalid {tag}: {error}")),
        }),
    }
}

/// The entries of a known tagged object: those kept before its `type`, then the rest of the
/// input ([`AfterType`]).
struct BeforeThenRest<'de, A> {
    before: std::vec::IntoIter<(Cow<'de, str>, Value)>,
    /// The key of the entry kept whose value is next.
    key: Cow<'de, str>,
    value: Option<Value>,
    rest: AfterType<A>,
    /// Where in the object, and what, the error of an entry kept is.
    located: Option<(String, serde_json::Error)>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for BeforeThenRest<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                self.key = key;
                self.value = Some(value);
                let key = match &self.key {
                    Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
                    Cow::Owned(key) => seed.deserialize(StrDeserializer::new(key)),
                };
                key.map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let Some(value) = self.value.take() else {
            return self.rest.next_value_seed(seed);
        };
        let mut track = serde_path_to_error::Track::new();
        seed.deserialize(serde_path_to_error::Deserializer::new(
            Objects(value),
            &mut track,
        ))
        .map_err(|error| {
            let inside = track.path().to_string();
            let path = match inside.as_str() {
                "." => self.key.to_string(),
                index if index.starts_with('[') => format!("{}{index}", self.key),
                nested => format!("{}.{nested}", self.key),
            };
            let message = A::Error::custom(&error);
            self.located = Some((path, error));
            message
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest.size_hint().map(|rest| rest + self.before.len())
    }
}

/// The entries of an object after its `type`, read by the fast path of a tagged enum: a
/// second `type` is an error (`duplicate field`), as a repeated field is for any model read from
/// bytes. Without it, `{"type": "send_text_action", "type": "x_action"}` loaded from the bytes
/// as a text action, and from the JSON tree (where the last of a repeated key wins) as an
/// unknown `x_action`.
pub(crate) struct AfterType<A>(pub(crate) A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for AfterType<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(NotType(seed))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// The first key of a tagged object, borrowed from the input when it can be.
pub(crate) struct CowKey;

impl<'de> DeserializeSeed<'de> for CowKey {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The value of a tagged object's first key: a string borrowed from the input when it can be
/// (the `type` of the fast path), any other value as the JSON tree holds it.
pub(crate) enum FirstValue<'de> {
    /// A string.
    Str(Cow<'de, str>),
    /// Anything else (or the value of another key than `type`).
    Other(Value),
}

impl FirstValue<'_> {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            FirstValue::Str(text) => Some(text),
            FirstValue::Other(value) => value.as_str(),
        }
    }

    pub(crate) fn into_value(self) -> Value {
        match self {
            FirstValue::Str(text) => Value::String(text.into_owned()),
            FirstValue::Other(value) => value,
        }
    }
}

impl<'de> Deserialize<'de> for FirstValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FirstValueVisitor)
    }
}

/// Strings as [`FirstValue::Str`]; every other value built by `serde_json::Value`'s own
/// `Deserialize`, so the tree holds what it would have read.
struct FirstValueVisitor;

impl<'de> Visitor<'de> for FirstValueVisitor {
    type Value = FirstValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(FirstValue::Str(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(FirstValue::Str(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(FirstValue::Str(Cow::Owned(text)))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Value::deserialize(BoolDeserializer::new(value)).map(FirstValue::Other)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Value::deserialize(I64Deserializer::new(value)).map(FirstValue::Other)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Value::deserialize(U64Deserializer::new(value)).map(FirstValue::Other)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Value::deserialize(F64Deserializer::new(value)).map(FirstValue::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Value::deserialize(UnitDeserializer::new()).map(FirstValue::Other)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Value::deserialize(UnitDeserializer::new()).map(FirstValue::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(deserializer).map(FirstValue::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(FirstValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(FirstValue::Other)
    }
}

/// A key seed that refuses `type`, then hands the key to `K`.
struct NotType<K>(K);

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for NotType<K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<K::Value, D::Error> {
        match deserializer.deserialize_str(KeyVisitor)? {
            key if key == "type" => Err(D::Error::duplicate_field("type")),
            Cow::Borrowed(key) => self.0.deserialize(BorrowedStrDeserializer::new(key)),
            Cow::Owned(key) => self.0.deserialize(StringDeserializer::new(key)),
        }
    }
}

/// A key, borrowed from the input when it can be.
struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
    }
}

/// Loads a known variant from its object; an error names the type and the path inside it.
pub(crate) fn load_variant<T, E>(tag: &str, object: Map<String, Value>) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    let value = Value::Object(object);
    // Without tracking paths first: only an error needs them (the same error, found again).
    if let Ok(model) = T::deserialize(Objects(&value)) {
        return Ok(model);
    }
    serde_path_to_error::deserialize(Objects(&value)).map_err(|error| {
        let path = error.path().to_string();
        if path == "." {
            E::custom(format_args!("invalid {tag}: {}", error.inner()))
        } else {
            E::custom(format_args!("invalid {tag} at {path}: {}", error.inner()))
        }
    })
}
