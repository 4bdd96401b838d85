//! (De)serialization support for generated types: enum values read from a server,
//! optional nullable properties, tagged enums, and the checks example tests run.

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Error as _, IntoDeserializer, MapAccess, Visitor,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A value of a closed enum as read from a server. Servers add enum values over time; a
/// value this client does not know is kept as `Unknown` instead of failing the response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<T> {
    Known(T),
    Unknown(String),
}

impl<T> Open<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Open::Known(value) => Some(value),
            Open::Unknown(_) => None,
        }
    }

    /// The value as the server sent it, when this client does not know it.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Open::Known(_) => None,
            Open::Unknown(raw) => Some(raw),
        }
    }
}

/// `status == Status::Active` reads as it says: an unknown value equals no known one.
impl<T: PartialEq> PartialEq<T> for Open<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(other)
    }
}

/// Why a value read from the API could not become its request type: a property holds an
/// enum value this client does not know (it could not send it back), or lacks something
/// the request needs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConversionError {
    /// Where in the value, e.g. `cloud` or `spec.region`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ConversionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the value cannot be sent back at `{}`: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for ConversionError {}

/// Decodes a JSON body at full speed. Only a body that fails is read a second time,
/// tracking the path, so that the error says where: tracking costs an allocation for every
/// property name, which a body that decodes does not need. The error is (path, message);
/// the path is empty when the body is not one JSON value (e.g. trailing characters).
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    serde_json::from_slice(body).map_err(|first| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
            Ok(_) => match deserializer.end() {
                Err(e) => (String::new(), e.to_string()),
                Ok(()) => (String::new(), first.to_string()),
            },
        }
    })
}

/// The request-side view of a value read from the API: the same JSON read as the request
/// type, so properties it does not have (read-only ones) are dropped, nested views convert
/// too, and an enum value the request type cannot hold is an error naming its place.
#[doc(hidden)]
pub fn request_view<R: Serialize, W: DeserializeOwned>(read: &R) -> Result<W, ConversionError> {
    let json = serde_json::to_value(read).map_err(|e| ConversionError {
        path: ".".into(),
        message: e.to_string(),
    })?;
    serde_path_to_error::deserialize(json).map_err(|e| ConversionError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// The known value of an `Open` that may be absent, in one call:
/// `plugin.cloud.known() == Some(&Cloud::Aws)`.
pub trait Known<T> {
    /// The known value, if there is a value and this client knows it.
    fn known(&self) -> Option<&T>;
}

impl<T> Known<T> for Option<Open<T>> {
    fn known(&self) -> Option<&T> {
        self.as_ref().and_then(Open::known)
    }
}

impl<T> From<T> for Open<T> {
    fn from(value: T) -> Self {
        Open::Known(value)
    }
}

/// A closed set of string values (a generated string enum): each value is written as one
/// string on the wire. It lets any string become an `Open` value, known where it is one.
pub trait KnownValues: Sized {
    /// The value whose wire form is `raw`, if it is one of the set.
    fn from_wire(raw: &str) -> Option<Self>;
}

impl<T: KnownValues> Open<T> {
    /// The value a string stands for: known where it is one of `T`'s values, kept as
    /// written otherwise. `Open::parse("gpt-4o")` is the known model when `T` lists it.
    pub fn parse(raw: impl Into<String> + AsRef<str>) -> Self {
        match T::from_wire(raw.as_ref()) {
            Some(value) => Open::Known(value),
            None => Open::Unknown(raw.into()),
        }
    }
}

/// `"gpt-4o".into()` wherever an open string is expected, as for a plain `String`.
impl<T: KnownValues> From<&str> for Open<T> {
    fn from(raw: &str) -> Self {
        Open::parse(raw)
    }
}

impl<T: KnownValues> From<String> for Open<T> {
    fn from(raw: String) -> Self {
        Open::parse(raw)
    }
}

impl<T: Serialize> Serialize for Open<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Open::Known(value) => value.serialize(serializer),
            Open::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Open<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(OpenVisitor(std::marker::PhantomData))
    }
}

/// Reads the value as a borrowed string where the format allows, so a known value costs
/// no allocation; only an unknown one is copied.
struct OpenVisitor<T>(std::marker::PhantomData<T>);

impl<T: DeserializeOwned> OpenVisitor<T> {
    fn known(raw: &str) -> Option<T> {
        T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(raw)).ok()
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for OpenVisitor<T> {
    type Value = Open<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<Open<T>, E> {
        Ok(match Self::known(raw) {
            Some(value) => Open::Known(value),
            None => Open::Unknown(raw.to_string()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, raw: String) -> Result<Open<T>, E> {
        Ok(match Self::known(&raw) {
            Some(value) => Open::Known(value),
            None => Open::Unknown(raw),
        })
    }
}

/// A generated struct, described to [`deserialize_struct`]: its `Deserialize` is this
/// one generic visitor plus a `decode` that reads each property into a slot. serde's
/// derive writes a field enum, a field visitor, a sequence visitor and a wrapper type for
/// every `with` field into each struct; for an API of thousands of types that is most of
/// the crate's compile time, and a JSON object never needs the sequence form.
#[doc(hidden)]
pub trait StructDecode: Sized {
    /// The struct's Rust name, for "expected struct …" errors.
    const NAME: &'static str;
    /// The wire names of the listed properties, in the spec's order.
    const FIELDS: &'static [&'static str];
    /// The place of a listed property in `FIELDS`, by its wire name. Generated code writes
    /// a `match`, which the compiler turns into comparisons with each name's length and
    /// bytes known; this search of `FIELDS` is the same answer, slower.
    fn place(name: &str) -> Option<usize> {
        Self::FIELDS.iter().position(|field| *field == name)
    }
    /// Reads the object's properties.
    fn decode<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a generated struct.
#[doc(hidden)]
#[inline]
pub fn deserialize_struct<'de, D: Deserializer<'de>, T: StructDecode>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::FIELDS, StructVisitor(std::marker::PhantomData))
}

struct StructVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: StructDecode> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::decode(map)
    }
}

/// The next property's place among the struct's listed properties, `T::FIELDS.len()` for
/// one not listed, or `None` at the end of the object. The name is matched where it lies,
/// never copied.
#[doc(hidden)]
#[inline]
pub fn next_field<'de, T: StructDecode, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<usize>, A::Error> {
    map.next_key_seed(FieldSeed::<T>(std::marker::PhantomData))
}

struct FieldSeed<T>(std::marker::PhantomData<T>);

impl<'de, T: StructDecode> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = usize;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: StructDecode> Visitor<'de> for FieldSeed<T> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(T::place(key).unwrap_or(T::FIELDS.len()))
    }
}

/// The next property of an object whose unlisted properties are kept: its place among
/// the listed ones, or its name when it is not listed.
#[doc(hidden)]
#[inline]
pub fn next_field_or_name<'de, T: StructDecode, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<Result<usize, String>>, A::Error> {
    map.next_key_seed(NamedFieldSeed::<T>(std::marker::PhantomData))
}

struct NamedFieldSeed<T>(std::marker::PhantomData<T>);

impl<'de, T: StructDecode> DeserializeSeed<'de> for NamedFieldSeed<T> {
    type Value = Result<usize, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: StructDecode> Visitor<'de> for NamedFieldSeed<T> {
    type Value = Result<usize, String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(T::place(key).ok_or_else(|| key.to_string()))
    }
}

/// Reads the current property's value into its slot; a property given twice is an error,
/// as serde's derive has it.
#[doc(hidden)]
#[inline]
pub fn field_value<'de, A: MapAccess<'de>, V: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<V>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads past the value of a property the struct does not list.
#[doc(hidden)]
#[inline]
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// The value of a required property, or the error that names it.
#[doc(hidden)]
#[inline]
pub fn required<'de, A: MapAccess<'de>, V>(
    slot: Option<V>,
    name: &'static str,
) -> Result<V, A::Error> {
    slot.ok_or_else(|| A::Error::missing_field(name))
}

/// `Deserialize::deserialize` of a generated string enum: one of `values`, read where it
/// lies, or the error that lists them.
#[doc(hidden)]
#[inline]
pub fn deserialize_known<'de, D: Deserializer<'de>, T: KnownValues>(
    deserializer: D,
    values: &'static [&'static str],
) -> Result<T, D::Error> {
    deserializer.deserialize_str(KnownVisitor(values, std::marker::PhantomData))
}

struct KnownVisitor<T>(&'static [&'static str], std::marker::PhantomData<T>);

impl<'de, T: KnownValues> Visitor<'de> for KnownVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("one of the enum's values")
    }

    fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<T, E> {
        T::from_wire(raw).ok_or_else(|| E::unknown_variant(raw, self.0))
    }
}

/// Writes a generated struct: its listed properties in the spec's order (an optional one
/// only when it is set), then its additional properties, if it keeps them. One generic
/// writer instead of serde's derive, whose per-property branches are most of a large
/// crate's `Serialize` code. A struct is written with `serialize_struct`, as the derive
/// writes it; one with additional properties as a map, as the derive does with `flatten`.
#[doc(hidden)]
pub enum ObjectWriter<S: serde::Serializer> {
    Struct(S::SerializeStruct),
    Map(S::SerializeMap),
}

impl<S: serde::Serializer> ObjectWriter<S> {
    /// Starts a struct of `len` properties (those that will be written).
    pub fn structure(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        serializer
            .serialize_struct(name, len)
            .map(ObjectWriter::Struct)
    }

    /// Starts an object of listed and additional properties.
    pub fn map(serializer: S) -> Result<Self, S::Error> {
        serializer.serialize_map(None).map(ObjectWriter::Map)
    }

    /// Writes a property.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        use serde::ser::{SerializeMap as _, SerializeStruct as _};
        match self {
            ObjectWriter::Struct(object) => object.serialize_field(name, value),
            ObjectWriter::Map(object) => object.serialize_entry(name, value),
        }
    }

    /// Writes an optional property when it is set; `Some(None)` is written as `null`.
    pub fn optional<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        use serde::ser::SerializeStruct as _;
        match (self, value) {
            (ObjectWriter::Struct(object), None) => object.skip_field(name),
            (ObjectWriter::Map(_), None) => Ok(()),
            (writer, Some(_)) => writer.field(name, value),
        }
    }

    /// Writes the additional properties.
    pub fn rest<V: Serialize>(
        &mut self,
        rest: &std::collections::BTreeMap<String, V>,
    ) -> Result<(), S::Error> {
        use serde::ser::SerializeMap as _;
        for (name, value) in rest {
            match self {
                ObjectWriter::Map(object) => object.serialize_entry(name, value)?,
                // A struct cannot take names only known at run time.
                ObjectWriter::Struct(_) => {
                    return Err(serde::ser::Error::custom(
                        "additional properties need an object started with `map`",
                    ))
                }
            }
        }
        Ok(())
    }

    /// Ends the object.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap as _, SerializeStruct as _};
        match self {
            ObjectWriter::Struct(object) => object.end(),
            ObjectWriter::Map(object) => object.end(),
        }
    }
}

/// How many properties a struct writes: its required ones and those of its optional ones
/// that are set.
#[doc(hidden)]
pub fn count_present(required: usize, optional: &[bool]) -> usize {
    required + optional.iter().filter(|set| **set).count()
}

/// Serializes `inner` as a JSON object with the discriminator property added.
#[doc(hidden)]
pub fn serialize_tagged<S, T>(
    serializer: S,
    tag: &str,
    value: &str,
    inner: &T,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: Serialize,
{
    use serde::ser::Error as _;
    let mut object = match serde_json::to_value(inner).map_err(S::Error::custom)? {
        serde_json::Value::Object(map) => map,
        _ => {
            return Err(S::Error::custom(
                "a tagged enum variant must serialize as an object",
            ))
        }
    };
    object.insert(
        tag.to_string(),
        serde_json::Value::String(value.to_string()),
    );
    object.serialize(serializer)
}

/// A discriminated oneOf as generated code describes it to [`deserialize_tagged`].
#[doc(hidden)]
pub trait TaggedDecode: Sized {
    /// The discriminator property.
    const TAG: &'static str;
    /// The variant whose tag value is `tag`, decoded from the object's other properties.
    fn decode_variant<'de, D: Deserializer<'de>>(tag: &str, rest: D) -> Result<Self, D::Error>;
    /// An object whose discriminator is missing or not a string.
    fn without_tag<E: serde::de::Error>(object: Map<String, Value>) -> Result<Self, E>;
}

/// Decodes a discriminated oneOf without building the whole object first: properties are
/// held back only until the discriminator is read (none, when it comes first, as servers
/// usually write it); then the held ones and the rest go straight into the variant's type.
#[doc(hidden)]
pub fn deserialize_tagged<'de, D: Deserializer<'de>, T: TaggedDecode>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor(std::marker::PhantomData))
}

struct TaggedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: TaggedDecode> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object with a `{}` property", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut held = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed(T::TAG))? {
            match key {
                Key::Tag => {
                    let tag = match map.next_value_seed(TagSeed)? {
                        TagValue::Borrowed(tag) => std::borrow::Cow::Borrowed(tag),
                        TagValue::Owned(tag) => std::borrow::Cow::Owned(tag),
                        TagValue::Other(other) => {
                            held.insert(T::TAG.to_string(), other);
                            while let Some((key, value)) = map.next_entry::<String, Value>()? {
                                held.insert(key, value);
                            }
                            break;
                        }
                    };
                    let rest = HeldThenLive {
                        held: held.into_iter(),
                        pending: None,
                        live: map,
                    };
                    return T::decode_variant(&tag, MapAccessDeserializer::new(rest));
                }
                Key::Other(key) => {
                    let value = map.next_value::<Value>()?;
                    held.insert(key, value);
                }
            }
        }
        T::without_tag(held)
    }
}

enum Key {
    Tag,
    Other(String),
}

/// Reads a property name, telling the discriminator apart without allocating for it.
struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(if key == self.0 {
            Key::Tag
        } else {
            Key::Other(key.to_string())
        })
    }

    fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Key, E> {
        Ok(if key == self.0 {
            Key::Tag
        } else {
            Key::Other(key)
        })
    }
}

/// A discriminator's value: a string, borrowed from the input where the format allows (no
/// allocation), or any other value, kept for an object this client cannot place.
enum TagValue<'de> {
    Borrowed(&'de str),
    Owned(String),
    Other(Value),
}

struct TagSeed;

impl<'de> DeserializeSeed<'de> for TagSeed {
    type Value = TagValue<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TagValue<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TagSeed {
    type Value = TagValue<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a discriminator value")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, tag: &'de str) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Borrowed(tag))
    }

    fn visit_str<E: serde::de::Error>(self, tag: &str) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Owned(tag.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, tag: String) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Owned(tag))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Other(Value::Bool(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Other(Value::from(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Other(Value::from(v)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Other(Value::from(v)))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Other(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Other(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<TagValue<'de>, D::Error> {
        Value::deserialize(inner).map(TagValue::Other)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<TagValue<'de>, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(TagValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TagValue<'de>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(TagValue::Other)
    }
}

/// The properties read before the discriminator, then the ones still to come.
struct HeldThenLive<A> {
    held: serde_json::map::IntoIter,
    pending: Option<Value>,
    live: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for HeldThenLive<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.held.next() {
            Some((key, value)) => {
                self.pending = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => self.live.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value).map_err(A::Error::custom),
            None => self.live.next_value_seed(seed),
        }
    }
}

/// An object whose discriminator this client does not know, kept whole (tag included).
#[doc(hidden)]
pub fn unknown_variant<'de, D: Deserializer<'de>>(
    tag_name: &str,
    tag: &str,
    rest: D,
) -> Result<Value, D::Error> {
    let mut object = Map::<String, Value>::deserialize(rest)?;
    object.insert(tag_name.to_string(), Value::String(tag.to_string()));
    Ok(Value::Object(object))
}

/// The error for a discriminator value a closed union does not list.
#[doc(hidden)]
pub fn unknown_tag_value<E: serde::de::Error>(tag_name: &str, tag: &str, expected: &str) -> E {
    E::custom(format_args!(
        "unknown `{tag_name}` value {}; expected one of {expected}",
        shown_value(&Value::String(tag.to_string()))
    ))
}

/// A value from the wire as an error message quotes it: as JSON, bounded and escaped.
fn shown_value(value: &Value) -> String {
    // A long string is cut before it is written out as JSON, so that quoting it costs no
    // more than the bound.
    let cut;
    let value = match value {
        Value::String(s) if s.len() > super::text::MESSAGE_CHARS * 4 => {
            cut = Value::String(s.chars().take(super::text::MESSAGE_CHARS).collect());
            &cut
        }
        other => other,
    };
    super::text::bounded(&value.to_string(), super::text::MESSAGE_CHARS / 2)
}

/// The error for an object without a string discriminator, in a closed union.
#[doc(hidden)]
pub fn missing_tag<E: serde::de::Error>(
    tag_name: &str,
    object: &Map<String, Value>,
    expected: &str,
) -> E {
    match object.get(tag_name) {
        Some(found) => E::custom(format_args!(
            "unknown `{tag_name}` value {}; expected one of {expected}",
            shown_value(found)
        )),
        None => E::custom(format_args!("missing discriminator property `{tag_name}`")),
    }
}

/// Decodes an untagged union (a oneOf or anyOf that no property tells apart) by trying
/// each variant in turn, keeping nothing that loses data when another does not: a variant
/// that decodes the value but drops properties it does not know (a struct of fewer
/// properties, say) wins only when no later variant keeps them all. Of the variants that
/// lose something, the one that loses least (the first of those) wins.
#[doc(hidden)]
pub fn deserialize_untagged<'de, D: Deserializer<'de>, U>(
    deserializer: D,
    name: &str,
    candidates: &[UntaggedCandidate<U>],
) -> Result<U, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let mut best: Option<(U, usize)> = None;
    for candidate in candidates {
        if let Some((decoded, lost)) = candidate(&value) {
            if lost == 0 {
                return Ok(decoded);
            }
            match &best {
                Some((_, least)) if *least <= lost => {}
                _ => best = Some((decoded, lost)),
            }
        }
    }
    best.map(|(decoded, _)| decoded).ok_or_else(|| {
        D::Error::custom(format_args!(
            "data did not match any variant of untagged enum {name}"
        ))
    })
}

/// A variant of an untagged union `U`, tried on a value: see [`untagged_candidate`].
#[doc(hidden)]
pub type UntaggedCandidate<U> = fn(&Value) -> Option<(U, usize)>;

/// One variant of an untagged union tried on `value`: the decoded variant and how many
/// properties (at any depth) it would not write back.
#[doc(hidden)]
pub fn untagged_candidate<T: DeserializeOwned + Serialize, U>(
    value: &Value,
    wrap: fn(T) -> U,
) -> Option<(U, usize)> {
    let decoded = T::deserialize(value).ok()?;
    let lost = match value {
        Value::Object(_) | Value::Array(_) => {
            serde_json::to_value(&decoded).map_or(usize::MAX, |back| lost_properties(value, &back))
        }
        _ => 0,
    };
    Some((wrap(decoded), lost))
}

/// Properties of `original` (at any depth) that `back` does not have: what a decode and
/// an encode lost. A property whose `null` came back absent counts as lost.
fn lost_properties(original: &Value, back: &Value) -> usize {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .map(|(key, v)| b.get(key).map_or(1, |w| lost_properties(v, w)))
            .fold(0usize, usize::saturating_add),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .map(|(v, w)| lost_properties(v, w))
            .fold(a.len().saturating_sub(b.len()), usize::saturating_add),
        _ => 0,
    }
}

/// Whether two strings are one value of a typed format written two ways: the same instant
/// (`2024-01-01T01:00:00+01:00` and `2024-01-01T00:00:00Z`), the same UUID in another case,
/// or the same URL before and after normalization (`https://a.io` and `https://a.io/`).
fn same_formatted(a: &str, b: &str) -> bool {
    if let (Ok(x), Ok(y)) = (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        return x == y;
    }
    if let (Ok(x), Ok(y)) = (uuid::Uuid::parse_str(a), uuid::Uuid::parse_str(b)) {
        return x == y;
    }
    matches!((url::Url::parse(a), url::Url::parse(b)), (Ok(x), Ok(y)) if x == y)
}

/// Whether two JSON values are the same, numbers compared by value (a `number` field
/// holding `1` encodes back as `1.0`, which is the same JSON number) and typed formats by
/// what they denote.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y || same_formatted(x, y),
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.is_f64() || y.is_f64()) && x.as_f64() == y.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Checks that a spec example decodes as `T` and encodes back to the same JSON (property
/// order aside). Used by the example tests the generator writes.
#[doc(hidden)]
pub fn check_example<T: DeserializeOwned + Serialize>(
    pointer: &str,
    json: &str,
) -> Result<(), String> {
    let original: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("{pointer}: the example is not JSON: {e}"))?;
    let decoded: T = serde_path_to_error::deserialize(&original).map_err(|e| {
        format!(
            "{pointer}: does not decode at `{}`: {}",
            e.path(),
            e.inner()
        )
    })?;
    let back =
        serde_json::to_value(&decoded).map_err(|e| format!("{pointer}: does not encode: {e}"))?;
    if same_json(&back, &original) {
        Ok(())
    } else {
        Err(format!(
            "{pointer}: encodes back differently\n  spec:    {original}\n  encoded: {back}"
        ))
    }
}
