//! Structures read from JSON objects only.
//!
//! serde's derived `Deserialize` of a struct also takes a sequence of its fields in order (for
//! formats without field names), and serde_json hands it one for `[`
//! ([serde#1587](https://github.com/serde-rs/serde/issues/1587)): left alone,
//! `["conversation.step_reached", {"step": null}]` loads as a notification and `{"step": ["1",
//! "Greeting"]}` as a step, where the reference (lupin) refuses anything but an object, and
//! where the webhook's JSON tree sees an array. [`Objects`] wraps a deserializer so that every
//! structure it reaches, at any depth, is read with `deserialize_map`: a sequence is then an
//! error, `invalid type: sequence, expected struct Step`. Every typed read of this crate goes
//! through it ([`load`](crate::load::load), [`from_json_slice`](crate::load::from_json_slice)).
//!
//! The wrapper is the same type at each level: around the deserializer, the visitor it is
//! handed, the sequences, maps and enums that visitor is handed, and the seeds they are given,
//! so that nothing below a wrapped deserializer escapes it.

use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// A deserializer (or visitor, sequence, map, enum, seed) whose structures are read from maps
/// only, at every depth.
pub(crate) struct Objects<T>(pub(crate) T);

/// The methods of [`Deserializer`] that only wrap their visitor.
macro_rules! wrap_visitor {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method($($arg,)* Objects(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    wrap_visitor! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    /// The point of the wrapper: a structure from a map, never from a sequence.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Objects(visitor))
    }

    /// A field's name or a variant's: nothing below it to wrap.
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_identifier(visitor)
    }

    /// A value skipped: nothing built from it.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// The methods of [`Visitor`] that take a plain value: handed on as they are.
macro_rules! plain_values {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: serde::de::Error>(self, value: $ty) -> Result<Self::Value, E> {
            self.0.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Objects<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    plain_values! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Objects(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Objects(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, entries: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Objects(entries))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Objects(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Objects<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Objects(deserializer))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Objects<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Objects(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Objects<A> {
    type Error = A::Error;

    /// A JSON key is a string: nothing below it to wrap.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Objects(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Objects<A> {
    type Error = A::Error;
    type Variant = Objects<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, Objects(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Objects<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Objects(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Objects(visitor))
    }

    /// A struct variant's fields from a map: its value read as a newtype's, through the
    /// wrapper's `deserialize_struct` (`VariantAccess` has no map of its own to ask for).
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(StructSeed { fields, visitor })
    }
}

/// A struct variant's value, read by [`Objects`]'s `deserialize_struct`.
struct StructSeed<V> {
    fields: &'static [&'static str],
    visitor: V,
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructSeed<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        Objects(deserializer).deserialize_struct("", self.fields, self.visitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        id: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Outer {
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
        #[serde(default)]
        by_name: BTreeMap<String, Inner>,
        #[serde(default)]
        pair: Option<(u8, Inner)>,
        #[serde(default)]
        kind: Option<Kind>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(Inner),
        Fields { id: String, inner: Inner },
    }

    fn from_str<T: for<'de> Deserialize<'de>>(text: &str) -> serde_json::Result<T> {
        let mut json = serde_json::Deserializer::from_str(text);
        let value = T::deserialize(Objects(&mut json))?;
        json.end()?;
        Ok(value)
    }

    fn from_value<T: for<'de> Deserialize<'de>>(value: &Value) -> serde_json::Result<T> {
        T::deserialize(Objects(value))
    }

    /// Every document read both ways: from its text and from its tree.
    fn both<T: for<'de> Deserialize<'de> + PartialEq + fmt::Debug>(
        document: &Value,
    ) -> serde_json::Result<T> {
        let text = from_str::<T>(&document.to_string());
        let tree = from_value::<T>(document);
        match (&text, &tree) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(
                a.to_string().split(" at line").next(),
                b.to_string().split(" at line").next()
            ),
            _ => panic!("the text and the tree disagree on {document}: {text:?} / {tree:?}"),
        }
        tree
    }

    #[test]
    fn a_sequence_is_not_a_structure_at_any_depth() {
        let positions = [
            json!(["x"]),
            json!({"inner": ["x"]}),
            json!({"list": [{"id": "a"}, ["b"]]}),
            json!({"by_name": {"a": ["x"]}}),
            json!({"pair": [1, ["x"]]}),
            json!({"kind": {"wrapped": ["x"]}}),
            json!({"kind": {"fields": ["x", {"id": "y"}]}}),
            json!({"kind": {"fields": {"id": "x", "inner": ["y"]}}}),
        ];
        for document in positions {
            let error = both::<Outer>(&document).unwrap_err().to_string();
            assert!(
                error.starts_with("invalid type: sequence, expected struct"),
                "{document}: {error}"
            );
        }
        // Unwrapped, serde_json takes each of them (the wrapper is what refuses them).
        assert!(serde_json::from_value::<Outer>(json!([null])).is_ok());
        assert!(serde_json::from_value::<Outer>(json!({"inner": ["x"]})).is_ok());
    }

    #[test]
    fn everything_else_reads_as_serde_json_reads_it() {
        let document = json!({
            "inner": {"id": "a"},
            "list": [{"id": "b"}],
            "by_name": {"c": {"id": "c"}},
            "pair": [7, {"id": "d"}],
            "kind": {"fields": {"id": "e", "inner": {"id": "f"}}}
        });
        let read: Outer = both(&document).unwrap();
        assert_eq!(read, serde_json::from_value::<Outer>(document).unwrap());
        for kind in [json!("plain"), json!({"wrapped": {"id": "g"}})] {
            let document = json!({ "kind": kind });
            let read: Outer = both(&document).unwrap();
            assert_eq!(read, serde_json::from_value::<Outer>(document).unwrap());
        }
        // The errors are serde_json's own.
        let wrong = json!({"inner": {"id": 1}});
        assert_eq!(
            from_value::<Outer>(&wrong).unwrap_err().to_string(),
            serde_json::from_value::<Outer>(wrong)
                .unwrap_err()
                .to_string()
        );
        assert!(
            from_str::<Outer>(r#"{"inner": null} x"#).is_err(),
            "trailing text"
        );
    }
}
