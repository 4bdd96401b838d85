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
                if version == SpecVersion::V3_0 || object.len() == 1 {
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
        let text = |key: &str| s.get(key).and_then(Value::as_str);
        let flag = |key: &str| s.get(key).and_then(Value::as_bool).unwrap_or(false);
        let count = |key: &str| s.get(key).and_then(Value::as_u64);
        let number = |key: &str| s.get(key).and_then(Value::as_f64);
        v.title = text("title");
        v.description = text("description");
        v.format = text("format");
        v.nullable = flag("nullable");
        v.read_only = flag("readOnly");
        v.write_only = flag("writeOnly");
        v.default = s.get("default");
        match s.get("type") {
            Some(Value::String(name)) => {
                v.type_name = Some(name);
                v.kind = Some(Kind::of_name(name));
            }
            Some(Value::Array(names)) => {
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
                if v.kind.is_none() && v.nullable {
                    v.kind = Some(Kind::Null);
                }
            }
            _ => {}
        }
        if version != SpecVersion::V3_0 && v.format.is_none() {
            // A string that carries a document of another type is bytes to a client,
            // however it is encoded; base64 text is `format: byte` in 3.0 terms.
            v.format = match (text("contentEncoding"), text("contentMediaType")) {
                (Some(e), _) if e.eq_ignore_ascii_case("base64") => Some("byte"),
                (_, Some(media)) if !is_textual(media) => Some("binary"),
                _ => None,
            };
        }
        if let Some(Value::Array(values)) = s.get("x-extensible-enum") {
            v.extensible_enum = values;
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            v.enumeration = values;
        } else if let Some(value) = s.get("const") {
            v.enumeration = std::slice::from_ref(value);
        }
        v.constraints = Constraints {
            min_length: count("minLength"),
            max_length: count("maxLength"),
            pattern: text("pattern").map(str::to_string),
            minimum: number("minimum"),
            maximum: number("maximum"),
            min_items: count("minItems"),
            max_items: count("maxItems"),
            unique_items: flag("uniqueItems"),
            ..Constraints::default()
        };
        // OpenAPI 3.0 (JSON Schema draft 4) makes the bounds exclusive with a flag; 3.1
        // gives the exclusive bound as a number, which wins when it is the stricter one.
        match s.get("exclusiveMinimum") {
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
        match s.get("exclusiveMaximum") {
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
        let list = |key: &str| -> Vec<Member<'a>> {
            let Some(Value::Array(items)) = s.get(key) else {
                return Vec::new();
            };
            let base = pointer_push(pointer, key);
            items
                .iter()
                .enumerate()
                .map(|(i, node)| Member::at(pointer_push(&base, &i.to_string()), node, version))
                .collect()
        };
        v.one_of = list("oneOf");
        v.any_of = list("anyOf");
        v.all_of = list("allOf");
        if let Some(Value::String(reference)) = s.get("$ref") {
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
        v.has_not = s.contains_key("not");
        if let Some(d) = s.get("discriminator").and_then(Value::as_object) {
            if let Some(Value::String(name)) = d.get("propertyName") {
                v.discriminator = Some(Discriminator {
                    property_name: name,
                    mapping: d.get("mapping").and_then(Value::as_object),
                });
            }
        }
        v.read_object(s, pointer, version);
        v.read_items(s, pointer, version);
        for keyword in INEXPRESSIBLE {
            if s.contains_key(*keyword) {
                v.inexpressible
                    .push((keyword, pointer_push(pointer, keyword)));
            }
        }
        if v.kind.is_none() && (!v.properties.is_empty() || v.additional.is_some()) {
            v.kind = Some(Kind::Object);
        }
        if v.kind.is_none() && (v.items.is_some() || !v.prefix_items.is_empty()) {
            v.kind = Some(Kind::Array);
        }
        v
    }

    fn read_object(&mut self, s: &'a Map<String, Value>, pointer: &str, version: SpecVersion) {
        if let Some(Value::Object(properties)) = s.get("properties") {
            let base = pointer_push(pointer, "properties");
            for (name, node) in properties {
                self.properties
                    .entry(name.as_str())
                    .or_default()
                    .push(Member::at(pointer_push(&base, name), node, version));
            }
        }
        if let Some(Value::Array(required)) = s.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !self.required.contains(&name) {
                    self.required.push(name);
                }
            }
        }
        let additional = |key: &str| -> Option<Additional<'a>> {
            match s.get(key)? {
                Value::Bool(_) => Some(Additional::Free),
                Value::Object(o) if o.is_empty() => Some(Additional::Free),
                node @ Value::Object(_) => Some(Additional::Schema(Member::at(
                    pointer_push(pointer, key),
                    node,
                    version,
                ))),
                _ => None,
            }
        };
        self.additional = additional("additionalProperties");
        if self.additional.is_none() && version != SpecVersion::V3_0 {
            // `unevaluatedProperties` says the same of properties no other keyword (allOf
            // members included, which the merge folds in) describes.
            self.additional = additional("unevaluatedProperties");
        }
        if self.additional.is_none() {
            if let Some(Value::Object(patterns)) = s.get("patternProperties") {
                // Keys are strings whatever their pattern: one pattern gives the type of
                // the other properties; several give any value.
                let base = pointer_push(pointer, "patternProperties");
                self.additional = match patterns.iter().collect::<Vec<_>>().as_slice() {
                    [(name, node)] if node.is_object() => Some(Additional::Schema(Member::at(
                        pointer_push(&base, name),
                        node,
                        version,
                    ))),
                    [] => None,
                    _ => Some(Additional::Free),
                };
            }
        }
    }

    fn read_items(&mut self, s: &'a Map<String, Value>, pointer: &str, version: SpecVersion) {
        let members = |key: &str, list: &'a [Value]| -> Vec<Member<'a>> {
            let base = pointer_push(pointer, key);
            list.iter()
                .enumerate()
                .map(|(i, node)| Member::at(pointer_push(&base, &i.to_string()), node, version))
                .collect()
        };
        if let Some(Value::Array(prefix)) = s.get("prefixItems") {
            self.prefix_items = members("prefixItems", prefix);
        }
        match s.get("items") {
            // An `items` list is the tuple form of earlier JSON Schema drafts.
            Some(Value::Array(prefix)) if self.prefix_items.is_empty() => {
                self.prefix_items = members("items", prefix);
                self.closed_tuple = s.get("additionalItems") == Some(&Value::Bool(false));
            }
            Some(Value::Bool(false)) => self.closed_tuple = true,
            Some(Value::Bool(true)) | None => {}
            Some(node @ Value::Object(_)) => {
                self.items = Some(Member::at(pointer_push(pointer, "items"), node, version))
            }
            Some(_) => {}
        }
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
        let c = &mut self.constraints;
        let l = later.constraints;
        c.min_length = c.min_length.or(l.min_length);
        c.max_length = c.max_length.or(l.max_length);
        c.pattern = c.pattern.take().or(l.pattern);
        if c.minimum.is_none() {
            c.minimum = l.minimum;
            c.exclusive_minimum = l.exclusive_minimum;
        }
        if c.maximum.is_none() {
            c.maximum = l.maximum;
            c.exclusive_maximum = l.exclusive_maximum;
        }
        c.min_items = c.min_items.or(l.min_items);
        c.max_items = c.max_items.or(l.max_items);
        c.unique_items |= l.unique_items;
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
