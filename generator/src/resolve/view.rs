//! A flat view of one schema, read straight from the document's JSON, and the allOf merge
//! that combines several views into one.
//!
//! Schemas are read here rather than through `openapiv3`, whose types know OpenAPI 3.0
//! only: the same reader serves 3.0 and 3.1 (JSON Schema 2020-12), so that one model
//! describes both. The rest of the resolver only asks "what are the properties, the
//! items, the enum values", and every form a schema can take is read into [`SchemaView`].

use crate::diagnostics::pointer_push;
use crate::load::SpecVersion;
use crate::model::Constraints;
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// A schema or a reference to one.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Value),
}

impl<'a> SchemaRef<'a> {
    /// How a schema node is read. In OpenAPI 3.0 a `$ref` replaces the whole node (its
    /// siblings are ignored, as the specification says); in 3.1 the siblings apply too,
    /// so a `$ref` with siblings is a schema of its own that includes the reference.
    pub fn of(node: &'a Value, version: SpecVersion) -> Self {
        if let Some(object) = node.as_object() {
            if let Some(Value::String(reference)) = object.get("$ref") {
                // One sibling is honoured in 3.0 too, because documents rely on it:
                // `nullable: true` beside a reference, which a server then sends as null.
                let nullable = object.get("nullable") == Some(&Value::Bool(true));
                if (version == SpecVersion::V3_0 && !nullable) || object.len() == 1 {
                    return SchemaRef::Ref(reference);
                }
            }
        }
        SchemaRef::Inline(node)
    }
}

/// A schema (or reference) with the JSON pointer where it is written.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub pointer: String,
    pub schema: SchemaRef<'a>,
}

impl<'a> Member<'a> {
    /// The member at `pointer`, read as [`SchemaRef::of`] says.
    pub fn at(pointer: String, node: &'a Value, version: SpecVersion) -> Self {
        Member {
            pointer,
            schema: SchemaRef::of(node, version),
        }
    }

    /// Whether two members are the same schema: the same reference, or the same node.
    pub fn same_schema(&self, other: &Member<'_>) -> bool {
        match (self.schema, other.schema) {
            (SchemaRef::Ref(a), SchemaRef::Ref(b)) => a == b,
            _ => self.pointer == other.pointer,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    /// JSON Schema's `null` type (OpenAPI 3.1).
    Null,
    /// A `type` value that is not one of JSON Schema's.
    Unknown,
}

impl Kind {
    pub fn of_name(name: &str) -> Kind {
        match name {
            "string" => Kind::String,
            "number" => Kind::Number,
            "integer" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "object" => Kind::Object,
            "array" => Kind::Array,
            "null" => Kind::Null,
            _ => Kind::Unknown,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Additional<'a> {
    /// `true`, `false` or `{}`: no type to give extra properties (which are ignored on read).
    Free,
    Schema(Member<'a>),
}

/// A discriminator: the property that names the variant, and explicit value → reference
/// entries in spec order.
#[derive(Debug, Clone, Copy)]
pub struct Discriminator<'a> {
    pub property_name: &'a str,
    pub mapping: Option<&'a Map<String, Value>>,
}

impl<'a> Discriminator<'a> {
    /// The explicit mapping entries whose targets are strings.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.mapping
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v)))
    }
}

/// Keywords the generator cannot express as a Rust type. A schema using one is typed as
/// any JSON value, with a warning naming the keyword, so nothing is dropped silently.
pub const INEXPRESSIBLE: &[&str] = &[
    "if",
    "then",
    "else",
    "$dynamicRef",
    "$recursiveRef",
    "dependentSchemas",
    "unevaluatedItems",
];

/// Everything the resolver reads from a schema, in one flat record.
#[derive(Debug, Clone, Default)]
pub struct SchemaView<'a> {
    pub pointer: String,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    /// The type (the first non-null one of a 3.1 type list).
    pub kind: Option<Kind>,
    pub type_name: Option<&'a str>,
    /// Further types of a 3.1 type list such as `[string, integer]`: the value is one of
    /// them, which becomes a choice between the types.
    pub more_kinds: Vec<Kind>,
    pub format: Option<&'a str>,
    /// Null is allowed: OpenAPI 3.0's `nullable`, or `null` in a 3.1 type list.
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Each property with every schema that describes it: an allOf may refine a property
    /// that an earlier member defined, and the contributions are merged when converted.
    pub properties: IndexMap<&'a str, Vec<Member<'a>>>,
    pub required: Vec<&'a str>,
    pub additional: Option<Additional<'a>>,
    pub items: Option<Member<'a>>,
    /// The leading items of a tuple (`prefixItems`, or an `items` list).
    pub prefix_items: Vec<Member<'a>>,
    /// No items beyond the prefix are allowed (`items: false`).
    pub closed_tuple: bool,
    /// `enum` values, or the one value of `const`.
    pub enumeration: &'a [Value],
    pub constraints: Constraints,
    pub one_of: Vec<Member<'a>>,
    pub any_of: Vec<Member<'a>>,
    pub all_of: Vec<Member<'a>>,
    pub discriminator: Option<Discriminator<'a>>,
    pub extensible_enum: &'a [Value],
    pub default: Option<&'a Value>,
    /// The schema uses `not` (or is the schema `false`), which a Rust type cannot express.
    pub has_not: bool,
    /// Keywords of [`INEXPRESSIBLE`] the schema uses, with their pointers.
    pub inexpressible: Vec<(&'static str, String)>,
}

impl<'a> SchemaView<'a> {
    /// Reads a schema in one pass over its keywords (looking each keyword up in turn would
    /// hash every name once per keyword, for every schema, many times over).
    pub fn of(schema: &'a Value, pointer: &str, version: SpecVersion) -> Self {
        let mut v = SchemaView {
            pointer: pointer.to_string(),
            ..SchemaView::default()
        };
        let s = match schema {
            Value::Object(s) => s,
            // JSON Schema's boolean schemas: `true` allows anything, `false` nothing.
            Value::Bool(false) => {
                v.has_not = true;
                return v;
            }
            _ => return v,
        };
        let v31 = version != SpecVersion::V3_0;
        if let (false, Some(Value::String(reference))) = (v31, s.get("$ref")) {
            // A 3.0 reference read as a schema only for a `nullable` beside it; its other
            // siblings are ignored, as the specification says.
            v.nullable = s.get("nullable") == Some(&Value::Bool(true));
            v.all_of.push(Member {
                pointer: pointer.to_string(),
                schema: SchemaRef::Ref(reference),
            });
            return v;
        }
        let member =
            |key: &str, node: &'a Value| Member::at(pointer_push(pointer, key), node, version);
        let list = |key: &str, items: &'a [Value]| -> Vec<Member<'a>> {
            let base = pointer_push(pointer, key);
            items
                .iter()
                .enumerate()
                .map(|(i, node)| Member::at(pointer_push(&base, &i.to_string()), node, version))
                .collect()
        };
        let additional = |key: &str, node: &'a Value| -> Option<Additional<'a>> {
            match node {
                Value::Bool(_) => Some(Additional::Free),
                Value::Object(o) if o.is_empty() => Some(Additional::Free),
                Value::Object(_) => Some(Additional::Schema(member(key, node))),
                _ => None,
            }
        };
        let mut reference = None;
        let mut constant = None;
        let mut exclusive_minimum = None;
        let mut exclusive_maximum = None;
        let mut content = (None, None);
        let mut unevaluated = None;
        let mut patterns = None;
        let mut items = None;
        let mut additional_items_closed = false;
        for (key, value) in s {
            match (key.as_str(), value) {
                ("title", Value::String(t)) => v.title = Some(t),
                ("description", Value::String(t)) => v.description = Some(t),
                ("format", Value::String(t)) => v.format = Some(t),
                ("nullable", Value::Bool(b)) => v.nullable |= *b,
                ("readOnly", Value::Bool(b)) => v.read_only = *b,
                ("writeOnly", Value::Bool(b)) => v.write_only = *b,
                ("default", value) => v.default = Some(value),
                ("type", Value::String(name)) => {
                    v.type_name = Some(name);
                    v.kind = Some(Kind::of_name(name));
                }
                ("type", Value::Array(names)) => {
                    for name in names.iter().filter_map(Value::as_str) {
                        match Kind::of_name(name) {
                            Kind::Null => v.nullable = true,
                            kind if v.kind.is_none() => {
                                v.type_name = Some(name);
                                v.kind = Some(kind);
                            }
                            kind if v.kind != Some(kind) && !v.more_kinds.contains(&kind) => {
                                v.more_kinds.push(kind)
                            }
                            _ => {}
                        }
                    }
                }
                ("contentEncoding", Value::String(e)) if v31 => content.0 = Some(e.as_str()),
                ("contentMediaType", Value::String(m)) if v31 => content.1 = Some(m.as_str()),
                ("x-extensible-enum", Value::Array(values)) => v.extensible_enum = values,
                ("enum", Value::Array(values)) => v.enumeration = values,
                ("const", value) => constant = Some(value),
                ("minLength", n) => v.constraints.min_length = n.as_u64(),
                ("maxLength", n) => v.constraints.max_length = n.as_u64(),
                ("pattern", Value::String(p)) => v.constraints.pattern = Some(p.clone()),
                ("minimum", n) => v.constraints.minimum = n.as_f64(),
                ("maximum", n) => v.constraints.maximum = n.as_f64(),
                ("exclusiveMinimum", value) => exclusive_minimum = Some(value),
                ("exclusiveMaximum", value) => exclusive_maximum = Some(value),
                ("minItems", n) => v.constraints.min_items = n.as_u64(),
                ("maxItems", n) => v.constraints.max_items = n.as_u64(),
                ("uniqueItems", Value::Bool(b)) => v.constraints.unique_items = *b,
                ("oneOf", Value::Array(members)) => v.one_of = list("oneOf", members),
                ("anyOf", Value::Array(members)) => v.any_of = list("anyOf", members),
                ("allOf", Value::Array(members)) => v.all_of = list("allOf", members),
                ("$ref", Value::String(r)) => reference = Some(r.as_str()),
                ("not", _) => v.has_not = true,
                ("discriminator", Value::Object(d)) => {
                    if let Some(Value::String(name)) = d.get("propertyName") {
                        v.discriminator = Some(Discriminator {
                            property_name: name,
                            mapping: d.get("mapping").and_then(Value::as_object),
                        });
                    }
                }
                ("properties", Value::Object(properties)) => {
                    let base = pointer_push(pointer, "properties");
                    for (name, node) in properties {
                        v.properties
                            .entry(name.as_str())
                            .or_default()
                            .push(Member::at(pointer_push(&base, name), node, version));
                    }
                }
                ("required", Value::Array(required)) => {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !v.required.contains(&name) {
                            v.required.push(name);
                        }
                    }
                }
                ("additionalProperties", node) => v.additional = additional(key, node),
                ("unevaluatedProperties", node) if v31 => unevaluated = additional(key, node),
                ("patternProperties", Value::Object(p)) => patterns = Some(p),
                ("prefixItems", Value::Array(prefix)) => {
                    v.prefix_items = list("prefixItems", prefix)
                }
                ("items", node) => items = Some(node),
                ("additionalItems", Value::Bool(false)) => additional_items_closed = true,
                (keyword, _) => {
                    if let Some(k) = INEXPRESSIBLE.iter().find(|k| **k == keyword) {
                        v.inexpressible.push((k, pointer_push(pointer, keyword)));
                    }
                }
            }
        }
        if v.kind.is_none() && v.nullable && s.get("type").is_some_and(Value::is_array) {
            v.kind = Some(Kind::Null);
        }
        if v31 && v.format.is_none() {
            // A string that carries a document of another type is bytes to a client,
            // however it is encoded; base64 text is `format: byte` in 3.0 terms.
            v.format = match content {
                (Some(e), _) if e.eq_ignore_ascii_case("base64") => Some("byte"),
                (_, Some(media)) if !is_textual(media) => Some("binary"),
                _ => None,
            };
        }
        if v.enumeration.is_empty() {
            if let Some(value) = constant {
                v.enumeration = std::slice::from_ref(value);
            }
        }
        // OpenAPI 3.0 (JSON Schema draft 4) makes the bounds exclusive with a flag; 3.1
        // gives the exclusive bound as a number, which wins when it is the stricter one.
        match exclusive_minimum {
            Some(Value::Bool(b)) => v.constraints.exclusive_minimum = *b,
            Some(Value::Number(n)) => {
                if let Some(n) = n.as_f64() {
                    if v.constraints.minimum.is_none_or(|m| n >= m) {
                        v.constraints.minimum = Some(n);
                        v.constraints.exclusive_minimum = true;
                    }
                }
            }
            _ => {}
        }
        match exclusive_maximum {
            Some(Value::Bool(b)) => v.constraints.exclusive_maximum = *b,
            Some(Value::Number(n)) => {
                if let Some(n) = n.as_f64() {
                    if v.constraints.maximum.is_none_or(|m| n <= m) {
                        v.constraints.maximum = Some(n);
                        v.constraints.exclusive_maximum = true;
                    }
                }
            }
            _ => {}
        }
        if let Some(reference) = reference {
            // Only a 3.1 reference with siblings is read as a schema of its own (see
            // `SchemaRef::of`): the reference is one more allOf member, taken first.
            v.all_of.insert(
                0,
                Member {
                    pointer: pointer.to_string(),
                    schema: SchemaRef::Ref(reference),
                },
            );
        }
        if v.additional.is_none() {
            // `unevaluatedProperties` says the same of properties no other keyword (allOf
            // members included, which the merge folds in) describes.
            v.additional = unevaluated;
        }
        if let (None, Some(patterns)) = (&v.additional, patterns) {
            // Keys are strings whatever their pattern: one pattern gives the type of the
            // other properties; several give any value.
            let base = pointer_push(pointer, "patternProperties");
            let mut entries = patterns.iter();
            v.additional = match (entries.next(), entries.next()) {
                (Some((name, node)), None) if node.is_object() => Some(Additional::Schema(
                    Member::at(pointer_push(&base, name), node, version),
                )),
                (None, _) => None,
                _ => Some(Additional::Free),
            };
        }
        match items {
            // An `items` list is the tuple form of earlier JSON Schema drafts.
            Some(Value::Array(prefix)) if v.prefix_items.is_empty() => {
                v.prefix_items = list("items", prefix);
                v.closed_tuple = additional_items_closed;
            }
            Some(Value::Bool(false)) => v.closed_tuple = true,
            Some(node @ Value::Object(_)) => v.items = Some(member("items", node)),
            _ => {}
        }
        if v.kind.is_none() && (!v.properties.is_empty() || v.additional.is_some()) {
            v.kind = Some(Kind::Object);
        }
        if v.kind.is_none() && (v.items.is_some() || !v.prefix_items.is_empty()) {
            v.kind = Some(Kind::Array);
        }
        v
    }

    /// True when the view only annotates (description, example, readOnly, required, ...)
    /// and adds nothing that changes the shape of a value.
    pub fn is_annotation_only(&self) -> bool {
        self.kind.is_none()
            && self.more_kinds.is_empty()
            && self.format.is_none()
            && self.properties.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.prefix_items.is_empty()
            && self.enumeration.is_empty()
            && self.extensible_enum.is_empty()
            && self.constraints.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
            && self.inexpressible.is_empty()
    }

    /// Folds `later` into `self` with allOf semantics: properties and required lists
    /// combine, a property named in both is described by both, and keywords the earlier
    /// member left unset are taken from the later one.
    pub fn absorb(&mut self, later: SchemaView<'a>) {
        self.title = self.title.or(later.title);
        self.description = self.description.or(later.description);
        if self.kind.is_none() {
            self.more_kinds = later.more_kinds;
        }
        self.kind = self.kind.or(later.kind);
        self.type_name = self.type_name.or(later.type_name);
        self.format = self.format.or(later.format);
        self.read_only |= later.read_only;
        self.write_only |= later.write_only;
        for (name, contributions) in later.properties {
            let known = self.properties.entry(name).or_default();
            // The same schema reached twice (a reference repeated, or a schema that
            // includes itself) describes the property once.
            for c in contributions {
                if !known.iter().any(|k| k.same_schema(&c)) {
                    known.push(c);
                }
            }
        }
        for name in later.required {
            if !self.required.contains(&name) {
                self.required.push(name);
            }
        }
        if self.additional.is_none() {
            self.additional = later.additional;
        }
        if self.items.is_none() {
            self.items = later.items;
        }
        if self.prefix_items.is_empty() {
            self.prefix_items = later.prefix_items;
            self.closed_tuple |= later.closed_tuple;
        }
        if self.enumeration.is_empty() {
            self.enumeration = later.enumeration;
        }
        if self.extensible_enum.is_empty() {
            self.extensible_enum = later.extensible_enum;
        }
        self.constraints.fill_from(&later.constraints);
        if self.one_of.is_empty() {
            self.one_of = later.one_of;
        }
        if self.any_of.is_empty() {
            self.any_of = later.any_of;
        }
        self.discriminator = self.discriminator.or(later.discriminator);
        self.default = self.default.or(later.default);
        self.has_not |= later.has_not;
        self.inexpressible.extend(later.inexpressible);
    }
}

/// Media types whose content a string holds as text.
fn is_textual(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.starts_with("text/")
        || essence == "application/json"
        || essence.ends_with("+json")
        || essence == "application/xml"
        || essence.ends_with("+xml")
}
