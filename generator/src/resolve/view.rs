//! A flat view of one schema, whatever form `openapiv3` parsed it into, and the allOf
//! merge that combines several views into one.
//!
//! `openapiv3` represents a schema as one of several shapes (`type: string`, `oneOf`,
//! a mix of keywords, ...). The rest of the resolver only wants to ask "what are the
//! properties, the items, the enum values", so every shape is read into [`SchemaView`].

use crate::diagnostics::pointer_push;
use crate::model::Constraints;
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// A schema or a reference to one, with the JSON pointer where it is written.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> SchemaRef<'a> {
    pub fn of(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }

    pub fn of_boxed(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub pointer: String,
    pub schema: SchemaRef<'a>,
}

impl Member<'_> {
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
    /// A `type` value that is not one of JSON Schema's.
    Unknown,
}

#[derive(Debug, Clone)]
pub enum Additional<'a> {
    /// `true`, `false` or `{}`: no type to give extra properties (which are ignored on read).
    Free,
    Schema(Member<'a>),
}

/// Everything the resolver reads from a schema, in one flat record.
#[derive(Debug, Clone, Default)]
pub struct SchemaView<'a> {
    pub pointer: String,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub kind: Option<Kind>,
    pub type_name: Option<&'a str>,
    pub format: Option<&'a str>,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Each property with every schema that describes it: an allOf may refine a property
    /// that an earlier member defined, and the contributions are merged when converted.
    pub properties: IndexMap<&'a str, Vec<Member<'a>>>,
    pub required: Vec<&'a str>,
    pub additional: Option<Additional<'a>>,
    pub items: Option<Member<'a>>,
    pub enumeration: Vec<Value>,
    pub constraints: Constraints,
    pub one_of: Vec<Member<'a>>,
    pub any_of: Vec<Member<'a>>,
    pub all_of: Vec<Member<'a>>,
    pub discriminator: Option<&'a openapiv3::Discriminator>,
    pub extensible_enum: Vec<Value>,
    pub default: Option<&'a Value>,
    /// The schema uses `not`, which a Rust type cannot express.
    pub has_not: bool,
}

impl<'a> SchemaView<'a> {
    pub fn of(schema: &'a Schema, pointer: &str) -> Self {
        let data = &schema.schema_data;
        let mut v = SchemaView {
            pointer: pointer.to_string(),
            title: data.title.as_deref(),
            description: data.description.as_deref(),
            nullable: data.nullable,
            read_only: data.read_only,
            write_only: data.write_only,
            discriminator: data.discriminator.as_ref(),
            default: data.default.as_ref(),
            ..SchemaView::default()
        };
        if let Some(Value::Array(values)) = data.extensions.get("x-extensible-enum") {
            v.extensible_enum = values.clone();
        }
        let members = |list: &'a [ReferenceOr<Schema>], key: &str| -> Vec<Member<'a>> {
            let base = pointer_push(pointer, key);
            list.iter()
                .enumerate()
                .map(|(i, s)| Member {
                    pointer: pointer_push(&base, &i.to_string()),
                    schema: SchemaRef::of(s),
                })
                .collect()
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                v.kind = Some(Kind::String);
                v.format = variant_format(&t.format);
                v.constraints.pattern = t.pattern.clone();
                v.constraints.min_length = t.min_length.map(|n| n as u64);
                v.constraints.max_length = t.max_length.map(|n| n as u64);
                v.enumeration = t
                    .enumeration
                    .iter()
                    .map(|e| e.clone().map_or(Value::Null, Value::String))
                    .collect();
            }
            SchemaKind::Type(Type::Number(t)) => {
                v.kind = Some(Kind::Number);
                v.format = variant_format(&t.format);
                v.constraints.minimum = t.minimum;
                v.constraints.maximum = t.maximum;
                v.enumeration = t
                    .enumeration
                    .iter()
                    .map(|e| e.map_or(Value::Null, Value::from))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(t)) => {
                v.kind = Some(Kind::Integer);
                v.format = variant_format(&t.format);
                v.constraints.minimum = t.minimum.map(|n| n as f64);
                v.constraints.maximum = t.maximum.map(|n| n as f64);
                v.enumeration = t
                    .enumeration
                    .iter()
                    .map(|e| e.map_or(Value::Null, Value::from))
                    .collect();
            }
            SchemaKind::Type(Type::Boolean(_)) => v.kind = Some(Kind::Boolean),
            SchemaKind::Type(Type::Object(t)) => {
                v.kind = Some(Kind::Object);
                read_object(
                    &mut v,
                    &t.properties,
                    &t.required,
                    t.additional_properties.as_ref(),
                    pointer,
                );
            }
            SchemaKind::Type(Type::Array(t)) => {
                v.kind = Some(Kind::Array);
                v.items = t.items.as_ref().map(|s| Member {
                    pointer: pointer_push(pointer, "items"),
                    schema: SchemaRef::of_boxed(s),
                });
                v.constraints.min_items = t.min_items.map(|n| n as u64);
                v.constraints.max_items = t.max_items.map(|n| n as u64);
                v.constraints.unique_items = t.unique_items;
            }
            SchemaKind::OneOf { one_of } => v.one_of = members(one_of, "oneOf"),
            SchemaKind::AnyOf { any_of } => v.any_of = members(any_of, "anyOf"),
            SchemaKind::AllOf { all_of } => v.all_of = members(all_of, "allOf"),
            SchemaKind::Not { .. } => v.has_not = true,
            SchemaKind::Any(a) => {
                v.type_name = a.typ.as_deref();
                v.kind = a.typ.as_deref().map(kind_of_name);
                v.format = a.format.as_deref();
                v.constraints = Constraints {
                    min_length: a.min_length.map(|n| n as u64),
                    max_length: a.max_length.map(|n| n as u64),
                    pattern: a.pattern.clone(),
                    minimum: a.minimum,
                    maximum: a.maximum,
                    min_items: a.min_items.map(|n| n as u64),
                    max_items: a.max_items.map(|n| n as u64),
                    unique_items: a.unique_items.unwrap_or(false),
                    items: None,
                };
                read_object(
                    &mut v,
                    &a.properties,
                    &a.required,
                    a.additional_properties.as_ref(),
                    pointer,
                );
                v.items = a.items.as_ref().map(|s| Member {
                    pointer: pointer_push(pointer, "items"),
                    schema: SchemaRef::of_boxed(s),
                });
                v.enumeration = a.enumeration.clone();
                v.one_of = members(&a.one_of, "oneOf");
                v.any_of = members(&a.any_of, "anyOf");
                v.all_of = members(&a.all_of, "allOf");
                v.has_not = a.not.is_some();
                if v.kind.is_none() && (!v.properties.is_empty() || v.additional.is_some()) {
                    v.kind = Some(Kind::Object);
                }
                if v.kind.is_none() && v.items.is_some() {
                    v.kind = Some(Kind::Array);
                }
            }
        }
        v
    }

    /// True when the view only annotates (description, example, readOnly, required, ...)
    /// and adds nothing that changes the shape of a value.
    pub fn is_annotation_only(&self) -> bool {
        self.kind.is_none()
            && self.format.is_none()
            && self.properties.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.enumeration.is_empty()
            && self.extensible_enum.is_empty()
            && self.constraints.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
    }

    /// Folds `later` into `self` with allOf semantics: properties and required lists
    /// combine, a property named in both is described by both, and keywords the earlier
    /// member left unset are taken from the later one.
    pub fn absorb(&mut self, later: SchemaView<'a>) {
        self.title = self.title.or(later.title);
        self.description = self.description.or(later.description);
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
        c.minimum = c.minimum.or(l.minimum);
        c.maximum = c.maximum.or(l.maximum);
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
    }
}

fn read_object<'a>(
    v: &mut SchemaView<'a>,
    properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
    pointer: &str,
) {
    let base = pointer_push(pointer, "properties");
    for (name, schema) in properties {
        v.properties.entry(name.as_str()).or_default().push(Member {
            pointer: pointer_push(&base, name),
            schema: SchemaRef::of_boxed(schema),
        });
    }
    for name in required {
        if !v.required.contains(&name.as_str()) {
            v.required.push(name);
        }
    }
    v.additional = additional.map(|a| match a {
        AdditionalProperties::Any(_) => Additional::Free,
        AdditionalProperties::Schema(s) => Additional::Schema(Member {
            pointer: pointer_push(pointer, "additionalProperties"),
            schema: SchemaRef::of(s),
        }),
    });
}

fn kind_of_name(name: &str) -> Kind {
    match name {
        "string" => Kind::String,
        "number" => Kind::Number,
        "integer" => Kind::Integer,
        "boolean" => Kind::Boolean,
        "object" => Kind::Object,
        "array" => Kind::Array,
        _ => Kind::Unknown,
    }
}

fn variant_format<T: serde::Serialize>(
    f: &'_ openapiv3::VariantOrUnknownOrEmpty<T>,
) -> Option<&'static str> {
    // Known formats are enum variants; their wire names are what matter to the resolver.
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Item(item) => match serde_json::to_value(item) {
            Ok(Value::String(s)) => Some(intern_format(&s)),
            _ => None,
        },
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(intern_format(s)),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Maps a format name to a static string so views can borrow it; formats the resolver does
/// not act on are all alike to it.
fn intern_format(s: &str) -> &'static str {
    match s {
        "int32" => "int32",
        "int64" => "int64",
        "float" => "float",
        "double" => "double",
        "binary" => "binary",
        "byte" => "byte",
        "date" => "date",
        "date-time" => "date-time",
        "uuid" => "uuid",
        "uri" => "uri",
        "email" => "email",
        "password" => "password",
        _ => "other",
    }
}
