//! Polymorphic objects tagged on their `type` field, with a lossless fallback for unknown types.
//!
//! The platform adds action and input types over time. An object whose `type` this crate does not
//! know is kept as [`UnknownObject`] (the raw JSON object, key order kept) and serialised back
//! unchanged, so a bot keeps working when the platform grows. An object whose `type` is known but
//! whose fields do not load is an error: that is a malformed document, not a new type.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

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

/// Serialises `value` (a struct) as a map whose first key is `"type": tag`.
pub(crate) fn serialize_tagged<S, T>(tag: &str, value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
{
    #[derive(Serialize)]
    struct Tagged<'a, T> {
        #[serde(rename = "type")]
        tag: &'a str,
        #[serde(flatten)]
        value: &'a T,
    }
    Tagged { tag, value }.serialize(serializer)
}

/// Declares an enum of objects tagged on `type`, with an `Unknown` variant that keeps any other
/// type losslessly. Each variant is `"tag" => Variant(Type)`; `Type` derives `Deserialize` and
/// `Serialize` without its `type` field, which the enum reads and writes.
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
            Unknown($crate::models::UnknownObject),
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
                    $( Self::$variant(value) => $crate::models::tagged::serialize_tagged($tag, value, serializer), )*
                    Self::Unknown(object) => object.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let object = ::serde_json::Map::<String, ::serde_json::Value>::deserialize(deserializer)?;
                let tag = object.get("type").and_then(::serde_json::Value::as_str);
                match tag {
                    $( Some($tag) => ::serde_json::from_value(::serde_json::Value::Object(object))
                        .map(Self::$variant)
                        .map_err(|error| D::Error::custom(format_args!("invalid {}: {}", $tag, error))), )*
                    _ => Ok(Self::Unknown($crate::models::UnknownObject(object))),
                }
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
