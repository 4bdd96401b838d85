//! Type definitions and references of the intermediate model.

use super::{Named, Stage};

/// Index of a [`TypeDef`] in [`super::Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A use of a type: what a field, parameter or body holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String,
    Integer(IntegerKind),
    Number,
    Boolean,
    /// Any JSON value: the schema places no constraint on the type.
    Json,
    /// Raw bytes (binary bodies).
    Bytes,
    /// A file sent as a part of a multipart upload (a binary property of its body).
    File,
    Array(Box<TypeRef>),
    /// A fixed-length array whose items have types of their own (JSON Schema
    /// `prefixItems`), written as a Rust tuple.
    Tuple(Vec<TypeRef>),
    /// A JSON object with arbitrary keys (additionalProperties).
    Map(Box<TypeRef>),
    Named(TypeId),
    /// A closed enum read from a server: values the client does not know are kept
    /// rather than rejected, because servers add enum values over time.
    Open(Box<TypeRef>),
    /// Null is a valid value (OpenAPI `nullable: true`).
    Nullable(Box<TypeRef>),
    /// A string of a format with a Rust type of its own.
    Format(StringFormat),
}

/// String formats read into types of their own, rather than kept as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StringFormat {
    /// `date-time` (RFC 3339).
    DateTime,
    /// `date` (RFC 3339 full-date).
    Date,
    Uuid,
    /// `uri`, in a request only: a URL the caller builds cannot be malformed, while one
    /// read from a server is kept as it was sent, so that a value a URL parser refuses
    /// does not fail the whole response.
    Url,
}

impl TypeRef {
    /// The type without the null it may allow (`Nullable` never nests).
    pub fn non_null(&self) -> &TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner,
            other => other,
        }
    }

    /// Pushes the named types this reference mentions, through lists, maps, tuples, `Open`
    /// and `Nullable`.
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Open(inner)
            | TypeRef::Nullable(inner) => inner.named_ids(out),
            TypeRef::Tuple(items) => items.iter().for_each(|i| i.named_ids(out)),
            _ => {}
        }
    }

    /// Calls `f` on each reference this one holds that is not a container: the items of
    /// lists, maps, tuples, `Open` and `Nullable`, through any nesting; itself otherwise.
    pub fn for_each_leaf_mut(&mut self, f: &mut dyn FnMut(&mut TypeRef)) {
        match self {
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Open(inner)
            | TypeRef::Nullable(inner) => inner.for_each_leaf_mut(f),
            TypeRef::Tuple(items) => {
                for item in items {
                    item.for_each_leaf_mut(f);
                }
            }
            _ => f(self),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegerKind {
    I32,
    I64,
}

impl IntegerKind {
    /// The bound `v` as a value of this type, when it is one: a whole number within the
    /// type's range. A spec may write a bound no Rust integer holds (a 20-digit number,
    /// or `1.5`); such a bound cannot be checked.
    pub fn bound(self, v: f64) -> Option<i64> {
        if v.fract() != 0.0 || !v.is_finite() {
            return None;
        }
        // `i64::MAX` has no double of its own: written in a spec it reads as 2^63, one past
        // the range, which stands for the limit and is taken as it (`as` saturates).
        let (min, max) = match self {
            IntegerKind::I32 => (f64::from(i32::MIN), f64::from(i32::MAX)),
            IntegerKind::I64 => (i64::MIN as f64, i64::MAX as f64),
        };
        (v >= min && v <= max).then_some(v as i64)
    }
}

/// Which way data travels: a schema is converted separately for each, since what the
/// client reads from responses and what it writes in requests differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Data the client receives.
    Read,
    /// Data the client sends.
    Write,
}

/// A named type the generator emits.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef<S: Stage = Named> {
    /// The Rust type name, decided by the naming pass.
    pub name: S::TypeName,
    /// The JSON pointer of the schema this type comes from.
    pub origin: String,
    pub doc: Option<String>,
    /// Whether values of this type are validated before being sent (the type is reachable
    /// from a request).
    pub validated: bool,
    pub kind: TypeKind<S>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind<S: Stage = Named> {
    Struct(StructDef<S>),
    Enum(EnumDef<S>),
    /// oneOf with a discriminator: a JSON object whose `tag` property selects the variant.
    Tagged(TaggedDef<S>),
    /// oneOf/anyOf without a discriminator: the first variant that deserializes wins.
    Untagged(UntaggedDef<S>),
    /// A named schema that is just another type (for example an array or a string).
    Alias(TypeRef),
}

impl<S: Stage> TypeKind<S> {
    /// Pushes the id of every type a definition names: in its fields, items, additional
    /// properties and variants.
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeKind::Struct(s) => {
                for field in &s.fields {
                    field.ty.named_ids(out);
                }
                if let Some(a) = &s.additional {
                    a.ty.named_ids(out);
                }
            }
            TypeKind::Untagged(u) => u.variants.iter().for_each(|v| v.ty.named_ids(out)),
            TypeKind::Tagged(t) => out.extend(t.variants.iter().map(|v| v.ty)),
            TypeKind::Alias(t) => t.named_ids(out),
            TypeKind::Enum(_) => {}
        }
    }

    /// Calls `f` on every leaf reference a definition holds (see
    /// [`TypeRef::for_each_leaf_mut`]); tagged variants are type ids, not references.
    pub fn for_each_leaf_mut(&mut self, f: &mut dyn FnMut(&mut TypeRef)) {
        match self {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.ty.for_each_leaf_mut(f);
                }
                if let Some(a) = &mut s.additional {
                    a.ty.for_each_leaf_mut(f);
                }
            }
            TypeKind::Untagged(u) => {
                for v in &mut u.variants {
                    v.ty.for_each_leaf_mut(f);
                }
            }
            TypeKind::Alias(t) => t.for_each_leaf_mut(f),
            TypeKind::Enum(_) | TypeKind::Tagged(_) => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructDef<S: Stage = Named> {
    pub fields: Vec<Field<S>>,
    /// Properties not listed in `fields`, when the schema allows them and describes
    /// their type.
    pub additional: Option<Additional<S>>,
}

/// The properties of a struct that its schema does not list: their value type, and the
/// field that holds them by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Additional<S: Stage = Named> {
    pub ty: TypeRef,
    pub field: S::Member,
}

impl<S: Stage> Default for StructDef<S> {
    fn default() -> Self {
        StructDef {
            fields: Vec::new(),
            additional: None,
        }
    }
}

impl StructDef {
    /// The name of the field holding the additional properties, when there are any.
    pub fn additional_field(&self) -> Option<&str> {
        self.additional.as_ref().map(|a| a.field.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field<S: Stage = Named> {
    pub wire_name: String,
    pub rust_name: S::Member,
    /// The builder method that sets the field when it is optional.
    pub setter: S::Member,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    pub constraints: Constraints,
}

impl<S: Stage> Field<S> {
    /// How many `Option`s wrap the field's value in Rust: an optional property adds one,
    /// a nullable one another, so that an optional nullable property keeps absent (outer
    /// `None`) and null (`Some(None)`) apart, which matters to PATCH-style updates.
    pub fn option_depth(&self) -> u8 {
        u8::from(!self.required) + u8::from(matches!(self.ty, TypeRef::Nullable(_)))
    }

    /// The field's value type, without the null it may allow: what its `Option`s wrap.
    pub fn value_type(&self) -> &TypeRef {
        self.ty.non_null()
    }
}

/// JSON Schema validation keywords that apply to one value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    /// String length bounds, counted in characters (JSON Schema counts code points).
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// The value must be greater than `minimum` rather than at least it.
    pub exclusive_minimum: bool,
    /// The value must be less than `maximum` rather than at most it.
    pub exclusive_maximum: bool,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// No two items of the array are equal.
    pub unique_items: bool,
    /// Constraints of array items.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self == &Constraints::default()
    }

    /// Takes the keywords this leaves unset from `other` (as allOf combines schemas; a
    /// bound comes with its exclusiveness), and adds `other`'s uniqueness. Item
    /// constraints are not combined.
    pub fn fill_from(&mut self, other: &Constraints) {
        self.min_length = self.min_length.or(other.min_length);
        self.max_length = self.max_length.or(other.max_length);
        if self.pattern.is_none() {
            self.pattern = other.pattern.clone();
        }
        if self.minimum.is_none() {
            self.minimum = other.minimum;
            self.exclusive_minimum = other.exclusive_minimum;
        }
        if self.maximum.is_none() {
            self.maximum = other.maximum;
            self.exclusive_maximum = other.exclusive_maximum;
        }
        self.min_items = self.min_items.or(other.min_items);
        self.max_items = self.max_items.or(other.max_items);
        self.unique_items |= other.unique_items;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef<S: Stage = Named> {
    pub variants: Vec<EnumVariant<S>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant<S: Stage = Named> {
    pub wire_value: String,
    pub rust_name: S::Member,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedDef<S: Stage = Named> {
    /// The discriminator property name.
    pub tag: String,
    pub variants: Vec<TaggedVariant<S>>,
    /// Whether an `Unknown` variant keeps objects whose tag the client does not know.
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant<S: Stage = Named> {
    pub tag_value: String,
    pub rust_name: S::Member,
    /// The struct holding the variant's other properties (the tag property is removed).
    pub ty: TypeId,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedDef<S: Stage = Named> {
    pub variants: Vec<UntaggedVariant<S>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UntaggedVariant<S: Stage = Named> {
    pub rust_name: S::VariantName,
    pub ty: TypeRef,
}

#[cfg(test)]
mod tests {
    use super::IntegerKind;

    #[test]
    fn integer_bounds_are_taken_only_when_the_type_holds_them() {
        assert_eq!(
            IntegerKind::I64.bound(-9.223372036854776e18),
            Some(i64::MIN)
        );
        // 2^63 is how the 64-bit limit reads as a double: the limit itself.
        assert_eq!(IntegerKind::I64.bound(9.223372036854776e18), Some(i64::MAX));
        assert_eq!(IntegerKind::I64.bound(1e20), None);
        assert_eq!(IntegerKind::I64.bound(0.5), None);
        assert_eq!(IntegerKind::I64.bound(f64::NAN), None);
        assert_eq!(IntegerKind::I32.bound(2_147_483_647.0), Some(2_147_483_647));
        assert_eq!(IntegerKind::I32.bound(2_147_483_648.0), None);
        assert_eq!(
            IntegerKind::I32.bound(-2_147_483_648.0),
            Some(-2_147_483_648)
        );
    }
}
