//! YAML (or JSON) text straight into a `serde_json::Value`, in one pass.
//!
//! `serde_json::Value` cannot be deserialized from YAML as it is: YAML allows keys that are
//! not strings (`200:` for a response status is common), and JSON does not. This seed
//! takes any scalar key and writes it as text, which is what the key means in an OpenAPI
//! document. Going straight to JSON (rather than through `serde_yaml::Value`) saves a
//! copy of the whole document. The same seed reads JSON text through `serde_json`, so
//! both formats count repeated keys the same way: the last value is kept, and the count
//! lets the loader say where they are.

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::Cell;
use std::fmt;

/// Deserializes any self-describing input into a JSON value, counting keys that repeat
/// within a mapping.
#[derive(Clone, Copy)]
pub(super) struct Tree<'c> {
    pub repeated_keys: &'c Cell<u32>,
}

impl<'de> DeserializeSeed<'de> for Tree<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(TreeVisitor(self))
    }
}

struct TreeVisitor<'c>(Tree<'c>);

impl<'de> Visitor<'de> for TreeVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    /// An integer beyond 64 bits (YAML readers give these as 128-bit): kept as the
    /// nearest floating-point number, as JSON readers keep them. Specs write such numbers
    /// as bounds (`minimum: -9223372036854776000`, the 64-bit limit printed as a double);
    /// the bound's reader decides what a bound beyond its Rust type means.
    fn visit_i128<E: Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(small) => Ok(Value::from(small)),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(small) => Ok(Value::from(small)),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {v} has no JSON form")))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.0.deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        self.0.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(self.0)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(self.0)? {
            let key = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_string(),
                other => {
                    return Err(A::Error::custom(format!(
                        "a mapping key must be a string, found {other}"
                    )))
                }
            };
            let value = map.next_value_seed(self.0)?;
            if out.insert(key, value).is_some() {
                let seen = self.0.repeated_keys;
                seen.set(seen.get().saturating_add(1));
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Result<Value, String> {
        let repeated_keys = Cell::new(0);
        Tree {
            repeated_keys: &repeated_keys,
        }
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| e.to_string())
    }

    #[test]
    fn scalar_keys_become_text_and_values_keep_their_types() {
        let value = read("200: {a: [1, 2.5, true, ~, x]}\ntrue: 'y'\n").expect("reads");
        assert_eq!(
            value,
            json!({"200": {"a": [1, 2.5, true, null, "x"]}, "true": "y"})
        );
    }

    #[test]
    fn repeated_keys_keep_the_last_value_and_are_counted() {
        let repeated_keys = Cell::new(0);
        let tree = Tree {
            repeated_keys: &repeated_keys,
        };
        let value = tree
            .deserialize(&mut serde_json::Deserializer::from_str(
                r#"{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}"#,
            ))
            .expect("reads");
        assert_eq!(value, json!({"a": 3, "b": {"c": 2}}));
        assert_eq!(repeated_keys.get(), 2);
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_doubles() {
        let tree = read(
            "min: -9223372036854776000\nmax: 18446744073709551616\nhuge: 1234567890123456789012345678901234567890\nsmall: -5\n",
        )
        .expect("reads");
        assert_eq!(tree["min"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(tree["max"].as_f64(), Some(1.8446744073709552e19));
        assert!(
            tree["huge"].as_f64().is_some_and(|v| v > 1e39),
            "{}",
            tree["huge"]
        );
        assert_eq!(tree["small"].as_i64(), Some(-5));
    }

    #[test]
    fn complex_keys_are_refused() {
        assert!(read("? [a, b]\n: c\n")
            .expect_err("refused")
            .contains("mapping key must be a string"));
    }
}
