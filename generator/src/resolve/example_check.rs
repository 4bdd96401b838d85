//! Checks a spec example against the schema it illustrates, so that the example tests
//! can tell an example that breaks its own schema (skipped, and listed) from a generated
//! type that cannot hold a valid value (a failure).
//!
//! The check is structural: types, `null`, required and known properties, enum values,
//! items, allOf/oneOf/anyOf, and the string formats generated types read into types of
//! their own (`date-time`, `date`, `uuid`, `uri`). Length, pattern and range keywords are left out: responses
//! are never rejected for breaking them, so they do not decide whether decoding works.
//! One rule is stricter than JSON Schema: a property that no schema on the path describes
//! counts as a break, because such an example does not illustrate the schema it is given
//! for (and a typed client has nowhere to keep the value).

use serde_json::{Map, Value};

/// Schemas nest through references; deeper than this is taken to be a loop.
const MAX_DEPTH: usize = 64;

/// What is wrong with `value` as an instance of the schema at `schema_pointer` in `doc`,
/// or `None` when it fits.
pub fn problem(doc: &Value, schema_pointer: &str, value: &Value) -> Option<String> {
    let schema = doc.pointer(schema_pointer)?;
    Checker { doc }.check(schema, value, "", 0, true).err()
}

struct Checker<'d> {
    doc: &'d Value,
}

impl<'d> Checker<'d> {
    fn resolve(&self, schema: &'d Value) -> Result<&'d Value, String> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r
                    .strip_prefix('#')
                    .ok_or_else(|| format!("unresolvable reference `{r}`"))?;
                self.doc
                    .pointer(pointer)
                    .ok_or_else(|| format!("unresolvable reference `{r}`"))
            }
            None => Ok(schema),
        }
    }

    /// `strict` is off for allOf members: the schema holding the allOf decides which
    /// properties are described, from all its members together.
    fn check(
        &self,
        schema: &'d Value,
        value: &Value,
        at: &str,
        depth: usize,
        strict: bool,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let schema = self.resolve(schema)?;
        let Some(s) = schema.as_object() else {
            return Ok(());
        };
        if value.is_null() {
            let allowed = s.get("nullable") == Some(&Value::Bool(true))
                || (s.get("type").is_none() && !s.contains_key("allOf"))
                || s.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.contains(&Value::Null))
                || s.get("type")
                    .and_then(Value::as_array)
                    .is_some_and(|t| t.contains(&Value::String("null".into())))
                || s.get("const") == Some(&Value::Null);
            return if allowed {
                Ok(())
            } else {
                Err(format!(
                    "{}: null where the schema does not allow it",
                    here(at)
                ))
            };
        }
        for member in list(s, "allOf") {
            self.check(member, value, at, depth + 1, false)?;
        }
        for key in ["oneOf", "anyOf"] {
            let members = list(s, key);
            if !members.is_empty()
                && !members
                    .iter()
                    .any(|m| self.check(m, value, at, depth + 1, strict).is_ok())
            {
                return Err(format!("{}: matches none of the {key} schemas", here(at)));
            }
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                return Err(format!(
                    "{}: {value} is not one of the enum values",
                    here(at)
                ));
            }
        }
        if let Some(constant) = s.get("const") {
            if constant != value {
                return Err(format!("{}: {value} is not the value {constant}", here(at)));
            }
        }
        // One type name, or (OpenAPI 3.1) a list of them, any of which fits.
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|t| fits_type(t, value)) {
            return Err(format!(
                "{}: {} where the schema says {}",
                here(at),
                kind(value),
                types.join(" or ")
            ));
        }
        if let (Some(format), Some(text)) =
            (s.get("format").and_then(Value::as_str), value.as_str())
        {
            if !fits_format(format, text) {
                return Err(format!(
                    "{}: \"{text}\" is not a valid `{format}`",
                    here(at)
                ));
            }
        }
        if let (Some(items), Some(array)) = (s.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                self.check(items, item, &format!("{at}[{i}]"), depth + 1, true)?;
            }
        }
        if let Some(object) = value.as_object() {
            self.check_object(schema, s, object, at, depth, strict)?;
        }
        Ok(())
    }

    fn check_object(
        &self,
        schema: &'d Value,
        s: &'d Map<String, Value>,
        object: &Map<String, Value>,
        at: &str,
        depth: usize,
        strict: bool,
    ) -> Result<(), String> {
        for name in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                return Err(format!(
                    "{}: the required property `{name}` is missing",
                    here(at)
                ));
            }
        }
        let properties = s.get("properties").and_then(Value::as_object);
        for (name, item) in object {
            let child = if at.is_empty() {
                name.clone()
            } else {
                format!("{at}.{name}")
            };
            if let Some(p) = properties.and_then(|p| p.get(name)) {
                self.check(p, item, &child, depth + 1, true)?;
                continue;
            }
            match s.get("additionalProperties") {
                Some(Value::Bool(false)) => {
                    return Err(format!(
                        "{}: the property `{name}` is not allowed",
                        here(at)
                    ));
                }
                Some(extra @ Value::Object(_)) => {
                    self.check(extra, item, &child, depth + 1, true)?
                }
                Some(Value::Bool(true)) => {}
                _ if !strict => {}
                _ => {
                    let described = self.described_properties(schema, depth);
                    if described.is_some_and(|names| !names.iter().any(|n| n == name)) {
                        return Err(format!(
                            "{}: the property `{name}` is not in the schema",
                            here(at)
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Every property name the schema and its allOf members describe, or `None` when some
    /// part leaves the set open (a free-form object, a oneOf, a reference that does not
    /// resolve).
    fn described_properties(&self, schema: &'d Value, depth: usize) -> Option<Vec<String>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let s = self.resolve(schema).ok()?.as_object()?;
        if s.contains_key("oneOf")
            || s.contains_key("anyOf")
            || s.contains_key("additionalProperties")
        {
            return None;
        }
        let own = s.get("properties").and_then(Value::as_object);
        if own.is_none() && list(s, "allOf").is_empty() {
            // A free-form object.
            return None;
        }
        let mut names: Vec<String> = own.map(|p| p.keys().cloned().collect()).unwrap_or_default();
        for member in list(s, "allOf") {
            names.extend(self.described_properties(member, depth + 1)?);
        }
        Some(names)
    }
}

fn list<'v>(s: &'v Map<String, Value>, key: &str) -> &'v [Value] {
    s.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn here(at: &str) -> String {
    if at.is_empty() {
        "the example".to_string()
    } else {
        format!("`{at}`")
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Item": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "note": {"type": "string", "nullable": true},
                "kind": {"type": "string", "enum": ["A", "B"]}
            }},
            "Wrapped": {"allOf": [{"$ref": "#/components/schemas/Item"}, {"properties": {"extra": {"type": "integer"}}}]},
            "Free": {"type": "object", "additionalProperties": {"type": "integer"}},
            "Stamped": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"},
                "on": {"type": "string", "format": "date"},
                "id": {"type": "string", "format": "uuid"},
                "link": {"type": "string", "format": "uri"},
                "mail": {"type": "string", "format": "email"}
            }}
        }}})
    }

    fn check(schema: &str, value: Value) -> Option<String> {
        problem(&doc(), &format!("/components/schemas/{schema}"), &value)
    }

    #[test]
    fn valid_examples_pass() {
        assert_eq!(
            check(
                "Item",
                json!({"id": "x", "tags": ["a"], "note": null, "kind": "A"})
            ),
            None
        );
        assert_eq!(check("Wrapped", json!({"id": "x", "extra": 3})), None);
        assert_eq!(check("Free", json!({"a": 1})), None);
    }

    #[test]
    fn breaks_are_described_with_where() {
        assert_eq!(
            check("Item", json!({})).as_deref(),
            Some("the example: the required property `id` is missing")
        );
        assert_eq!(
            check("Item", json!({"id": 1})).as_deref(),
            Some("`id`: a number where the schema says string")
        );
        assert_eq!(
            check("Item", json!({"id": "x", "tags": [1]})).as_deref(),
            Some("`tags[0]`: a number where the schema says string")
        );
        assert_eq!(
            check("Item", json!({"id": null})).as_deref(),
            Some("`id`: null where the schema does not allow it")
        );
        assert_eq!(
            check("Item", json!({"id": "x", "kind": "C"})).as_deref(),
            Some("`kind`: \"C\" is not one of the enum values")
        );
        assert_eq!(
            check("Wrapped", json!({"id": "x", "other": 1})).as_deref(),
            Some("the example: the property `other` is not in the schema")
        );
        assert_eq!(
            check("Free", json!({"a": "b"})).as_deref(),
            Some("`a`: a string where the schema says integer")
        );
    }

    #[test]
    fn typed_formats_must_parse() {
        let valid = json!({
            "at": "2024-05-01T10:00:00+02:00", "on": "2024-05-01",
            "id": "0C7A3B1E-5D2F-4E6A-9B8C-1D2E3F4A5B6C", "link": "https://example.com",
            "mail": "not checked"
        });
        assert_eq!(check("Stamped", valid), None);
        assert_eq!(
            check("Stamped", json!({"at": "2024-05-01 10:00"})).as_deref(),
            Some("`at`: \"2024-05-01 10:00\" is not a valid `date-time`")
        );
        assert_eq!(
            check("Stamped", json!({"on": "May 1"})).as_deref(),
            Some("`on`: \"May 1\" is not a valid `date`")
        );
        assert_eq!(
            check("Stamped", json!({"id": "123"})).as_deref(),
            Some("`id`: \"123\" is not a valid `uuid`")
        );
        assert_eq!(
            check("Stamped", json!({"link": "/relative"})).as_deref(),
            Some("`link`: \"/relative\" is not a valid `uri`")
        );
    }
}

/// Whether a (non-null) value is of the JSON Schema type `t`.
/// Whether a string is valid for a format the generated types read into a type of their
/// own (a `date-time` read as a date-time, ...); other formats are not checked.
fn fits_format(format: &str, text: &str) -> bool {
    match format {
        "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        "uuid" => uuid::Uuid::parse_str(text).is_ok(),
        "uri" => url::Url::parse(text).is_ok(),
        _ => true,
    }
}

fn fits_type(t: &str, value: &Value) -> bool {
    match t {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => false,
        _ => true,
    }
}

#[cfg(test)]
mod json_schema_2020_tests {
    use super::problem;
    use serde_json::json;

    #[test]
    fn type_lists_null_and_const_are_understood() {
        let doc = json!({"S": {
            "type": "object",
            "properties": {
                "note": {"type": ["string", "null"]},
                "size": {"type": ["integer", "string"]},
                "kind": {"const": "circle"}
            }
        }});
        assert_eq!(
            problem(
                &doc,
                "/S",
                &json!({"note": null, "size": "xl", "kind": "circle"})
            ),
            None
        );
        assert_eq!(problem(&doc, "/S", &json!({"size": 3})), None);
        assert_eq!(
            problem(&doc, "/S", &json!({"size": true})).as_deref(),
            Some("`size`: a boolean where the schema says integer or string")
        );
        assert_eq!(
            problem(&doc, "/S", &json!({"kind": "square"})).as_deref(),
            Some("`kind`: \"square\" is not the value \"circle\"")
        );
        assert!(problem(&doc, "/S", &json!({"size": null})).is_some());
    }
}
