//! oneOf and anyOf: a tagged enum when a discriminator names the variant, otherwise an
//! untagged enum whose variants are tried in order.

use super::refs::component_name;
use super::schema::Target;
use super::view::{Member, SchemaRef, SchemaView};
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::{
    TaggedDef, TaggedVariant, TypeDef, TypeKind, TypeRef, UntaggedDef, UntaggedVariant,
};
use crate::naming::{camel_ident, Scope};

impl<'a> Resolver<'a> {
    pub(super) fn choice_type(
        &mut self,
        view: SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> TypeRef {
        let members = if view.one_of.is_empty() {
            view.any_of.clone()
        } else {
            view.one_of.clone()
        };
        if !view.properties.is_empty() {
            self.diags.warning(
                pointer_push(&view.pointer, "properties"),
                "properties beside oneOf/anyOf are not merged into the variants; describe them in each variant",
            );
        }
        if let [only] = members.as_slice() {
            if view.discriminator.is_none() {
                return self.type_of(only, dir, hint);
            }
        }
        if let Some(discriminator) = view.discriminator {
            if !view.one_of.is_empty() {
                if let Some(t) =
                    self.tagged_type(&view, discriminator, &members, dir, hint, target.clone())
                {
                    return t;
                }
            }
        }
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let variant_hint = format!("{hint} variant {}", i + 1);
            let ty = self.type_of(m, dir, &variant_hint);
            let name = match m.schema {
                SchemaRef::Ref(r) => {
                    component_name(r, "schemas").map(|n| crate::naming::type_ident(&n, true))
                }
                SchemaRef::Inline(s) => s
                    .schema_data
                    .title
                    .as_deref()
                    .map(|t| crate::naming::type_ident(t, true)),
            }
            .unwrap_or_else(|| variant_name_for(&ty, i));
            variants.push(UntaggedVariant {
                rust_name: scope.claim(name),
                ty,
            });
        }
        // serde tries untagged variants in order, and a struct also accepts a JSON array
        // (its fields in order) while a map accepts any object. Scalars and arrays go
        // first, named types next, maps and free-form values last, so that the most
        // specific variant wins.
        variants.sort_by_key(|v| untagged_rank(&v.ty));
        let def = TypeDef {
            name: String::new(),
            origin: view.pointer.clone(),
            doc: view.description.map(str::to_string),
            validated: dir == Direction::Write,
            kind: TypeKind::Untagged(UntaggedDef { variants }),
        };
        TypeRef::Named(self.place(def, hint, dir, target))
    }

    /// Builds the tagged enum, or returns `None` (after a diagnostic) when the variants
    /// cannot be told apart by the tag, so that the caller falls back to an untagged enum.
    fn tagged_type(
        &mut self,
        view: &SchemaView<'a>,
        discriminator: &'a openapiv3::Discriminator,
        members: &[Member<'a>],
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> Option<TypeRef> {
        let tag = discriminator.property_name.as_str();
        let mapping_pointer =
            pointer_push(&pointer_push(&view.pointer, "discriminator"), "mapping");
        // Explicit mapping entries first, in spec order; then every oneOf reference the
        // mapping does not name, under its schema name (the implicit mapping).
        let mut entries: Vec<(String, String, String)> = Vec::new();
        for (value, target_ref) in &discriminator.mapping {
            let reference = if target_ref.starts_with('#') {
                target_ref.clone()
            } else {
                format!("#/components/schemas/{target_ref}")
            };
            entries.push((
                value.clone(),
                reference,
                pointer_push(&mapping_pointer, value),
            ));
        }
        for m in members {
            match m.schema {
                SchemaRef::Ref(r) => {
                    if entries.iter().any(|(_, reference, _)| reference == r) {
                        continue;
                    }
                    if let Some(name) = component_name(r, "schemas") {
                        entries.push((name, r.to_string(), m.pointer.clone()));
                    }
                }
                SchemaRef::Inline(_) => {
                    self.diags.warning(
                        m.pointer.clone(),
                        "an inline oneOf member cannot be named by a discriminator; the enum is decoded by trying each variant",
                    );
                    return None;
                }
            }
        }
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        for (value, reference, at) in entries {
            if self.schema_exists(&reference).is_none() {
                self.diags.push(
                    crate::diagnostics::Diagnostic::error(
                        at,
                        format!("the discriminator value `{value}` maps to `{reference}`, which is not a schema of this document"),
                    )
                    .with_help("map it to an entry of `components/schemas`, or remove the mapping"),
                );
                return None;
            }
            let ty = self.component_type(&reference, &at, dir, Some(tag));
            let TypeRef::Named(id) = ty else {
                if ty != TypeRef::Json {
                    self.diags.warning(
                        at,
                        format!("the discriminator value `{value}` maps to a schema that is not an object"),
                    );
                }
                return None;
            };
            variants.push(TaggedVariant {
                rust_name: scope.claim(camel_ident(&value)),
                tag_value: value,
                ty: id,
            });
        }
        let def = TypeDef {
            name: String::new(),
            origin: view.pointer.clone(),
            doc: view.description.map(str::to_string),
            validated: dir == Direction::Write,
            kind: TypeKind::Tagged(TaggedDef {
                tag: tag.to_string(),
                variants,
                open: dir == Direction::Read,
            }),
        };
        Some(TypeRef::Named(self.place(def, hint, dir, target)))
    }
}

fn variant_name_for(ty: &TypeRef, index: usize) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Object".into(),
        _ => format!("Variant{}", index + 1),
    }
}

fn untagged_rank(t: &TypeRef) -> u8 {
    match t {
        TypeRef::Named(_) | TypeRef::Open(_) => 1,
        TypeRef::Map(_) | TypeRef::Json => 2,
        TypeRef::Nullable(inner) => untagged_rank(inner),
        _ => 0,
    }
}
