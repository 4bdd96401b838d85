//! Values for `cargo xtask conformance`, made from the spec's own schemas (not from the
//! generated types, so that a type that cannot hold what the spec allows shows up):
//! the schema's example first, then its default, its first enum value or const, and
//! otherwise a value built to meet its type, format, pattern, length and bounds.

use rand::{RngExt, SeedableRng};
use serde_json::{json, Map, Value};

/// How deep a synthesized value nests before optional properties are left out, against
/// schemas that nest without end (recursive ones).
const MAX_DEPTH: usize = 6;

pub struct Synth<'a> {
    /// The whole document (multi-file specs bundled into one tree), to follow `$ref`s.
    root: &'a Value,
    rng: rand::rngs::StdRng,
}

impl<'a> Synth<'a> {
    pub fn new(root: &'a Value, seed: u64) -> Self {
        Synth {
            root,
            rng: rand::rngs::StdRng::seed_from_u64(seed),
        }
    }

    /// Follows a local `$ref` chain to the node it names.
    pub fn resolve(&self, node: &'a Value) -> &'a Value {
        let mut node = node;
        for _ in 0..32 {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return node;
            };
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
            else {
                return node;
            };
            node = target;
        }
        node
    }

    /// A value of `schema` for a request: read-only properties are left out.
    pub fn value(&mut self, schema: &'a Value) -> Value {
        self.value_at(schema, 0)
    }

    fn value_at(&mut self, schema: &'a Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        let Some(object) = schema.as_object() else {
            // `true` or an empty schema: anything goes.
            return json!("value");
        };
        // The schema's example, where it is a value of the schema: an object is built
        // from its properties instead (their own examples included), since an object's
        // example often leaves out what a request must send, or shows read-only
        // properties it must not.
        let example = object.get("example").or_else(|| {
            object
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
        });
        let builds_object = object.contains_key("properties") || object.contains_key("allOf");
        if let Some(example) = example.filter(|e| !builds_object && self.fits(e, schema, 0)) {
            return self.writable(example, schema);
        }
        if let Some(default) = object.get("default") {
            return default.clone();
        }
        if let Some(constant) = object.get("const") {
            return constant.clone();
        }
        for keyword in ["enum", "x-extensible-enum"] {
            if let Some(Value::Array(values)) = object.get(keyword) {
                if let Some(first) = values.iter().find(|v| !v.is_null()) {
                    return first.clone();
                }
            }
        }
        if let Some(Value::Array(members)) = object.get("allOf") {
            let mut merged = Map::new();
            let mut other = None;
            for member in members {
                match self.value_at(member, depth) {
                    Value::Object(part) => merge(&mut merged, part),
                    value => other = Some(value),
                }
            }
            // Properties beside the allOf belong to the value too.
            if let Value::Object(own) = self.object_value(object, depth) {
                merge(&mut merged, own);
            }
            return match other {
                Some(value) if merged.is_empty() => value,
                _ => Value::Object(merged),
            };
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = object.get(keyword) {
                if let Some(value) = self.one_required_set(object, members, depth) {
                    return value;
                }
                let first = members.iter().find(|m| {
                    let m = self.resolve(m);
                    m.get("type") != Some(&json!("null"))
                });
                if let Some(member) = first {
                    let mut value = self.value_at(member, depth);
                    // A discriminator's property names the member chosen.
                    let discriminator = object.get("discriminator");
                    if let (Some(tag), Value::Object(fields)) = (
                        discriminator
                            .and_then(|d| d.get("propertyName"))
                            .and_then(Value::as_str),
                        &mut value,
                    ) {
                        if !fields.contains_key(tag) {
                            let reference = member.get("$ref").and_then(Value::as_str);
                            // The mapping's value for the member, or its schema's name.
                            let mapped = discriminator
                                .and_then(|d| d.get("mapping"))
                                .and_then(Value::as_object)
                                .and_then(|m| {
                                    m.iter().find(|(_, target)| {
                                        target.as_str() == reference
                                            || reference.is_some_and(|r| {
                                                target
                                                    .as_str()
                                                    .is_some_and(|t| r.ends_with(&format!("/{t}")))
                                            })
                                    })
                                })
                                .map(|(value, _)| value.as_str());
                            let name = mapped
                                .or_else(|| reference.and_then(|r| r.rsplit('/').next()))
                                .unwrap_or("value");
                            fields.insert(tag.to_string(), json!(name));
                        }
                    }
                    return value;
                }
            }
        }
        let kind = match object.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|k| *k != "null")
                .unwrap_or("null"),
            _ if object.contains_key("properties") => "object",
            _ if object.contains_key("items") => "array",
            _ => "string",
        };
        match kind {
            "object" => self.object_value(object, depth),
            "array" if object.contains_key("prefixItems") => {
                let members: Vec<&'a Value> = object
                    .get("prefixItems")
                    .and_then(Value::as_array)
                    .map(|m| m.iter().collect())
                    .unwrap_or_default();
                Value::Array(
                    members
                        .into_iter()
                        .map(|m| self.value_at(m, depth + 1))
                        .collect(),
                )
            }
            "array" => {
                let count = object
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .clamp(1, 16);
                let items = object.get("items").unwrap_or(&Value::Bool(true));
                let mut values: Vec<Value> = Vec::new();
                for _ in 0..count {
                    let item = self.value_at(items, depth + 1);
                    values.push(item);
                }
                // Items made the same way are alike: unique ones are told apart by a
                // suffix on their first text.
                if object.get("uniqueItems") == Some(&Value::Bool(true)) {
                    for (i, value) in values.iter_mut().enumerate().skip(1) {
                        mark_first_text(value, i);
                    }
                    let mut seen = Vec::new();
                    values.retain(|v| {
                        let fresh = !seen.contains(v);
                        if fresh {
                            seen.push(v.clone());
                        }
                        fresh
                    });
                }
                Value::Array(values)
            }
            "integer" => json!(number_within(object, true) as i64),
            "number" => json!(number_within(object, false)),
            "boolean" => json!(true),
            "null" => Value::Null,
            _ => json!(self.string_value(object)),
        }
    }

    /// Whether `example` meets `schema`: its type, enum, string rules, item counts,
    /// required properties, and the same for its items and properties, through allOf
    /// (every member) and oneOf or anyOf (some member). Examples that do not are not sent.
    fn fits(&self, example: &Value, schema: &'a Value, depth: usize) -> bool {
        let schema = self.resolve(schema);
        let Some(object) = schema.as_object() else {
            return true;
        };
        if depth > 16 {
            return true;
        }
        if let Some(Value::Array(members)) = object.get("allOf") {
            if !members.iter().all(|m| self.fits(example, m, depth + 1)) {
                return false;
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(members)) = object.get(keyword) {
                if !members.iter().any(|m| self.fits(example, m, depth + 1)) {
                    return false;
                }
            }
        }
        if !fits_type(example, object) || !fits_counts(example, object) {
            return false;
        }
        if breaks_string_rules(example, schema) {
            return false;
        }
        match example {
            Value::Array(items) => match object.get("items") {
                Some(item) => items.iter().all(|i| self.fits(i, item, depth + 1)),
                None => true,
            },
            Value::Object(fields) => {
                let required = object
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| {
                        r.iter()
                            .filter_map(Value::as_str)
                            .any(|n| !fields.contains_key(n))
                    });
                let properties = object.get("properties").and_then(Value::as_object);
                !required
                    && fields.iter().all(|(name, value)| {
                        properties
                            .and_then(|p| p.get(name))
                            .is_none_or(|p| self.fits(value, p, depth + 1))
                    })
            }
            _ => true,
        }
    }

    /// `example` without the properties its schema marks read-only, at any depth the
    /// schema describes.
    pub fn writable(&mut self, example: &Value, schema: &'a Value) -> Value {
        self.writable_at(example, schema, 0)
    }

    fn writable_at(&mut self, example: &Value, schema: &'a Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > 32 {
            return example.clone();
        }
        if breaks_string_rules(example, schema) {
            if let Some(object) = schema.as_object() {
                return json!(self.string_value(object));
            }
        }
        match example {
            Value::Object(fields) => {
                let mut out = serde_json::Map::new();
                for (name, value) in fields {
                    match self.property_schema(schema, name, 0) {
                        Some(property) => {
                            let property = self.resolve(property);
                            if property.get("readOnly") == Some(&Value::Bool(true)) {
                                continue;
                            }
                            out.insert(name.clone(), self.writable_at(value, property, depth + 1));
                        }
                        None => {
                            out.insert(name.clone(), value.clone());
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => match schema.get("items") {
                Some(item_schema) => Value::Array(
                    items
                        .iter()
                        .map(|i| self.writable_at(i, item_schema, depth + 1))
                        .collect(),
                ),
                None => example.clone(),
            },
            other => other.clone(),
        }
    }

    /// The schema of property `name` in `schema`, through allOf and the first member of
    /// a oneOf or anyOf that has it.
    fn property_schema(&self, schema: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
        let schema = self.resolve(schema);
        if depth > 16 {
            return None;
        }
        if let Some(found) = schema.get("properties").and_then(|p| p.get(name)) {
            return Some(found);
        }
        ["allOf", "oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|member| self.property_schema(member, name, depth + 1))
    }

    /// An object whose oneOf/anyOf members only say which properties it requires
    /// (`anyOf: [{required: [email]}, {required: [phone]}]`): the object, with the first
    /// member's properties and none that only another member requires, so that it meets
    /// exactly one member. `None` for any other union.
    fn one_required_set(
        &mut self,
        object: &'a Map<String, Value>,
        members: &[Value],
        depth: usize,
    ) -> Option<Value> {
        let sets: Vec<Vec<&str>> = members
            .iter()
            .map(|m| {
                let m = m.as_object()?;
                if !m
                    .keys()
                    .all(|k| matches!(k.as_str(), "required" | "description" | "title"))
                {
                    return None;
                }
                m.get("required")?
                    .as_array()?
                    .iter()
                    .map(Value::as_str)
                    .collect::<Option<Vec<&str>>>()
            })
            .collect::<Option<_>>()?;
        let (first, others) = sets.split_first()?;
        let Value::Object(mut value) = self.object_value(object, depth) else {
            return None;
        };
        for name in others.iter().flatten() {
            if !first.contains(name) {
                value.remove(*name);
            }
        }
        Some(Value::Object(value))
    }

    fn object_value(&mut self, object: &'a Map<String, Value>, depth: usize) -> Value {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(Value::Object(properties)) = object.get("properties") {
            for (name, property) in properties {
                let resolved = self.resolve(property);
                if resolved.get("readOnly") == Some(&Value::Bool(true)) {
                    continue;
                }
                // Optional properties too (they are what the spec allows), until the value
                // nests deep.
                if depth >= MAX_DEPTH && !required.contains(&name.as_str()) {
                    continue;
                }
                let value = self.value_at(property, depth + 1);
                out.insert(name.clone(), value);
            }
        }
        if out.is_empty() {
            if let Some(additional @ Value::Object(_)) = object.get("additionalProperties") {
                let value = self.value_at(additional, depth + 1);
                out.insert("key".into(), value);
            }
        }
        Value::Object(out)
    }

    fn string_value(&mut self, object: &Map<String, Value>) -> String {
        let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = object
            .get("maxLength")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
            if let Some(text) = self.matching(pattern, min, max) {
                return text;
            }
        }
        let formatted = match object.get("format").and_then(Value::as_str) {
            Some("date-time") => Some("2024-01-02T03:04:05Z"),
            Some("date") => Some("2024-01-02"),
            Some("time") => Some("03:04:05Z"),
            Some("uuid") => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            Some("uri" | "url" | "uri-reference" | "iri") => Some("https://example.com/a"),
            Some("email" | "idn-email") => Some("someone@example.com"),
            Some("hostname" | "idn-hostname") => Some("example.com"),
            Some("ipv4") => Some("192.0.2.1"),
            Some("ipv6") => Some("2001:db8::1"),
            Some("byte") => Some("YWJj"),
            Some("duration") => Some("P1D"),
            _ => None,
        };
        if let Some(text) = formatted {
            return text.to_string();
        }
        // "value", padded or cut to the length the bounds allow (the minimum wins over a
        // maximum below it, which no string meets anyway).
        let length = max.map_or(5, |m| m.min(5)).max(min).max(1);
        let mut text = String::from("value");
        while text.len() < length {
            text.push('x');
        }
        text.truncate(length);
        text
    }

    /// A string matching `pattern` within the length bounds, if one is found in a few
    /// tries. Anchors are dropped first: the generator cannot place them, and a string it
    /// makes is the whole string anyway.
    fn matching(&mut self, pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
        // Classes such as `\d` and `\w` mean ASCII in the ECMAScript regular expressions
        // the spec's patterns are written in; Unicode only where the pattern needs it.
        let ascii = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .build()
            .parse(pattern)
            .ok();
        let hir = match ascii {
            Some(hir) => hir,
            None => regex_syntax::ParserBuilder::new()
                .build()
                .parse(pattern)
                .ok()?,
        };
        let generator = rand_regex::Regex::with_hir(without_anchors(hir), 8).ok()?;
        let checker = regex::Regex::new(pattern).ok()?;
        for _ in 0..64 {
            let text: String = self.rng.sample(&generator);
            let length = text.chars().count();
            if length >= min && max.is_none_or(|m| length <= m) && checker.is_match(&text) {
                return Some(text);
            }
        }
        None
    }
}

/// Merges the values of two allOf members: objects property by property, at any depth
/// (one member's `spec` adds to another's rather than replacing it).
fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => merge(existing, more),
            (Some(_), Value::Object(more)) if more.is_empty() => {}
            // A later member's example of another kind than the value an earlier member
            // typed (a list where an object is described) is the spec's slip: the typed
            // value stays.
            (Some(existing), value) if kind_of(existing) != kind_of(&value) => {}
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// The JSON kind of a value, numbers as one.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::Null => "null",
    }
}

/// Appends `-{n}` to the first string inside `value`, depth first; a value without one
/// is left as it is.
fn mark_first_text(value: &mut Value, n: usize) -> bool {
    match value {
        Value::String(text) => {
            text.push_str(&format!("-{n}"));
            true
        }
        Value::Array(items) => items.iter_mut().any(|i| mark_first_text(i, n)),
        Value::Object(fields) => fields.values_mut().any(|v| mark_first_text(v, n)),
        _ => false,
    }
}

/// Whether an example is of the type its schema declares (when it declares one).
fn fits_type(example: &Value, schema: &Map<String, Value>) -> bool {
    let declared: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return true,
    };
    let actual = match example {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::Null => "null",
    };
    declared
        .iter()
        .any(|d| *d == actual || (*d == "number" && actual == "integer"))
}

/// Whether an example list has as many items as its schema allows.
fn fits_counts(example: &Value, schema: &Map<String, Value>) -> bool {
    let Some(items) = example.as_array() else {
        return true;
    };
    let count = items.len() as u64;
    let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
    let max = schema
        .get("maxItems")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    (min..=max).contains(&count)
}

/// Whether a string example breaks its schema's own length, pattern or enum: then it
/// cannot be sent, and a value is made instead.
fn breaks_string_rules(example: &Value, schema: &Value) -> bool {
    let Some(text) = example.as_str() else {
        return false;
    };
    let length = text.chars().count() as u64;
    let too_long = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .is_some_and(|m| length > m);
    let too_short = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .is_some_and(|m| length < m);
    let off_pattern = schema
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(|p| regex::Regex::new(p).ok())
        .is_some_and(|re| !re.is_match(text));
    let off_enum = schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| !values.contains(example));
    too_long || too_short || off_pattern || off_enum
}

/// A number within the schema's bounds: 1 when it allows it, else the nearest bound (or
/// just past an exclusive one).
fn number_within(object: &Map<String, Value>, integer: bool) -> f64 {
    let step = if integer { 1.0 } else { 0.5 };
    let bound = |keyword: &str| object.get(keyword).and_then(Value::as_f64);
    let exclusive = |keyword: &str| object.get(keyword) == Some(&Value::Bool(true));
    let mut low = bound("minimum");
    if exclusive("exclusiveMinimum") {
        low = low.map(|l| l + step);
    }
    if let Some(l) = object.get("exclusiveMinimum").and_then(Value::as_f64) {
        low = Some(l + step);
    }
    let mut high = bound("maximum");
    if exclusive("exclusiveMaximum") {
        high = high.map(|h| h - step);
    }
    if let Some(h) = object.get("exclusiveMaximum").and_then(Value::as_f64) {
        high = Some(h - step);
    }
    let mut value = 1.0f64;
    if let Some(l) = low {
        value = value.max(l);
    }
    if let Some(h) = high {
        value = value.min(h);
    }
    if let Some(m) = bound("multipleOf").filter(|m| *m > 0.0) {
        value = (value / m).ceil() * m;
    }
    if integer {
        value.ceil()
    } else {
        value
    }
}

/// The expression without its anchors (`^`, `$`, `\b`), which a generator cannot place.
fn without_anchors(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(without_anchors).collect()),
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.into_iter().map(without_anchors).collect())
        }
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(without_anchors(*repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(without_anchors(*capture.sub));
            Hir::capture(capture)
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_meet_their_schemas() {
        let root =
            json!({"components": {"schemas": {"Id": {"type": "string", "pattern": "^\\d{12}$"}}}});
        let schemas = [
            json!({"$ref": "#/components/schemas/Id"}),
            json!({"type": "string", "pattern": "^$|^(http://|https://).+"}),
            json!({"type": "integer", "minimum": 5, "maximum": 9}),
            json!({"type": "integer", "exclusiveMaximum": 1}),
            json!({
                "type": "object", "required": ["a"],
                "properties": {"a": {"type": "string", "minLength": 3, "maxLength": 4},
                               "id": {"type": "string", "readOnly": true},
                               "kind": {"type": "string", "enum": ["x", "y"]}},
                "example": {"id": "read-only", "a": "example"}
            }),
            json!({"type": "string", "minLength": 7}),
            json!({"type": "string", "format": "uuid"}),
            json!({"allOf": [
                {"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "integer"}}}}},
                {"type": "object", "properties": {"spec": {"type": "object", "properties": {"b": {"type": "boolean"}}}}}
            ]}),
            json!({"type": "array", "minItems": 3, "items": {"type": "integer"}, "example": [1]}),
            json!({"type": "string", "maxLength": 2, "example": "too long"}),
        ];
        let mut synth = Synth::new(&root, 1);
        let values: Vec<Value> = schemas.iter().map(|s| synth.value(s)).collect();
        assert!(
            values[0]
                .as_str()
                .is_some_and(|s| s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())),
            "{}",
            values[0]
        );
        assert!(
            values[1]
                .as_str()
                .is_some_and(|s| s.is_empty() || s.starts_with("http")),
            "{}",
            values[1]
        );
        assert_eq!(values[2], json!(5));
        assert_eq!(values[3], json!(0));
        // Built from the properties, not the example (which shows a read-only one).
        assert_eq!(values[4], json!({"a": "valu", "kind": "x"}));
        assert_eq!(values[5], json!("valuexx"));
        assert_eq!(values[6].as_str().map(str::len), Some(36));
        // allOf members add to each other's nested objects.
        assert_eq!(values[7], json!({"spec": {"a": 1, "b": true}}));
        // An example with too few items, or too long, is not used.
        assert_eq!(values[8], json!([1, 1, 1]));
        assert_eq!(values[9], json!("va"));
    }
}
