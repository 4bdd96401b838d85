//! oneOf and anyOf: a tagged enum when a discriminator names the variant, otherwise an
//! untagged enum whose variants are tried in order.

use super::schema::Target;
use super::view::{Discriminator, Kind, Member, SchemaRef, SchemaView};
use super::TypeBody;
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::{
    TaggedDef, TaggedVariant, TypeKind, TypeRef, UntaggedDef, UntaggedVariant, VariantHint,
};
use crate::naming::VariantWords;

impl<'a> Resolver<'a> {
    pub(super) fn choice_type(
        &mut self,
        view: SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> TypeRef {
        let mut members = if view.one_of.is_empty() {
            view.any_of.clone()
        } else {
            view.one_of.clone()
        };
        // With a discriminator, properties beside the oneOf are by convention the base's
        // own, which each variant includes with allOf.
        if !view.properties.is_empty() && view.discriminator.is_none() {
            self.diags.warning(
                pointer_push(&view.pointer, "properties"),
                "properties beside oneOf/anyOf are not merged into the variants; describe them in each variant",
            );
        }
        // A member that only allows null (`{type: 'null'}`, the usual OpenAPI 3.1 way to
        // say "or null") makes the whole value nullable rather than being a variant.
        let before = members.len();
        members.retain(|m| !self.only_null(m));
        if members.len() < before {
            let rest = SchemaView {
                one_of: if view.one_of.is_empty() {
                    Vec::new()
                } else {
                    members.clone()
                },
                any_of: if view.one_of.is_empty() {
                    members.clone()
                } else {
                    Vec::new()
                },
                ..view
            };
            let t = match members.as_slice() {
                [] => TypeRef::Json,
                [only] if rest.discriminator.is_none() => self.type_of(only, dir, hint),
                _ => self.choice_type(rest, dir, hint, target),
            };
            return match t {
                TypeRef::Nullable(_) => t,
                t => TypeRef::Nullable(Box::new(t)),
            };
        }
        if let [only] = members.as_slice() {
            if view.discriminator.is_none() {
                return self.type_of(only, dir, hint);
            }
        }
        if let Some(discriminator) = view.discriminator {
            if !view.one_of.is_empty() {
                if let Some(t) = self.tagged_type(
                    &view,
                    discriminator.property_name,
                    Some(discriminator),
                    &members,
                    dir,
                    hint,
                    target.clone(),
                ) {
                    return t;
                }
            }
        } else if let Some(tag) = self.inferred_tag(&members) {
            // Every variant names itself with a literal value of one property (`const`,
            // or an enum of one value): that property is the tag, even without a
            // discriminator. Trying variants in turn would not tell them apart, since
            // unknown enum values are kept when reading.
            if let Some(t) = self.tagged_type(&view, tag, None, &members, dir, hint, target.clone())
            {
                return t;
            }
        }
        if view.discriminator.is_none() {
            if let Some(t) = self.open_string(&members, &view.pointer, dir, hint) {
                return t;
            }
            if let Some(t) = self.one_primitive(&members, dir, hint) {
                return t;
            }
        }
        // The names are chosen by the naming module now, not by the naming pass, because the
        // types of inline members are named after their variant.
        let offers: Vec<Vec<VariantWords>> =
            members.iter().map(|m| self.content_words(m)).collect();
        let names = crate::naming::union_variant_names(&offers);
        let mut variants = Vec::new();
        for (m, name) in members.iter().zip(names) {
            // An inline member's type is named for its variant: `{union}{variant}`.
            let ty = self.type_of(m, dir, &format!("{hint} {name}"));
            variants.push(UntaggedVariant {
                rust_name: VariantHint::Content(name),
                ty,
            });
        }
        // serde tries untagged variants in order, and a struct also accepts a JSON array
        // (its fields in order) while a map accepts any object. Scalars and arrays go
        // first, named types next, maps and free-form values last, so that the most
        // specific variant wins.
        variants.sort_by_key(|v| untagged_rank(&v.ty));
        let def = TypeBody {
            origin: view.pointer.clone(),
            doc: view.description.map(str::to_string),
            validated: dir == Direction::Write,
            kind: TypeKind::Untagged(UntaggedDef { variants }),
        };
        TypeRef::Named(self.place(def, hint, dir, target))
    }

    /// Builds the tagged enum, or returns `None` (after a diagnostic) when the variants
    /// cannot be told apart by the tag, so that the caller falls back to an untagged enum.
    /// The value naming each variant is, in order of preference: the discriminator's
    /// explicit mapping; the literal value the variant itself gives the tag property; its
    /// schema name (the implicit mapping of OpenAPI).
    #[allow(clippy::too_many_arguments)]
    fn tagged_type(
        &mut self,
        view: &SchemaView<'a>,
        tag: &'a str,
        discriminator: Option<Discriminator<'a>>,
        members: &[Member<'a>],
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> Option<TypeRef> {
        let inferred = discriminator.is_none();
        let mut entries = mapping_entries(view, discriminator);
        for m in members {
            // Without a discriminator, the tag was inferred from the values each member
            // gives it: one, or several (each of which names the member).
            let values = if inferred {
                self.tag_values(m, tag)
            } else {
                self.tag_value(m, tag).map(|v| vec![v])
            };
            match m.schema {
                SchemaRef::Ref(r) => {
                    if entries
                        .iter()
                        .any(|(_, v, _)| matches!(v, Variant::Reference(known) if known == r))
                    {
                        continue;
                    }
                    let Some(target) = super::refs::local_pointer(r) else {
                        continue;
                    };
                    let values = match values {
                        Some(values) => values,
                        None => vec![self.schema_base_name(target)],
                    };
                    for value in values {
                        entries.push((value, Variant::Reference(r.to_string()), m.pointer.clone()));
                    }
                }
                SchemaRef::Inline(_) => match values.as_deref() {
                    // The variant's struct is named for the (first) value that names it; a
                    // member named by several values is one struct under each.
                    Some([first, ..]) => {
                        let struct_hint = format!("{hint} {first}");
                        for value in values.iter().flatten() {
                            entries.push((
                                value.clone(),
                                Variant::Inline(m.clone(), struct_hint.clone()),
                                m.pointer.clone(),
                            ));
                        }
                    }
                    _ => {
                        self.diags.warning(
                            m.pointer.clone(),
                            "an inline oneOf member that gives its discriminator property no single value cannot be named by the discriminator; the enum is decoded by trying each variant",
                        );
                        return None;
                    }
                },
            }
        }
        self.build_tagged(view, tag, entries, dir, hint, target)
    }

    /// The tagged enum of `entries` (tag value, where the variant comes from, where the
    /// entry is written), or `None` after a diagnostic when a variant cannot be one.
    fn build_tagged(
        &mut self,
        view: &SchemaView<'a>,
        tag: &'a str,
        entries: Vec<(String, Variant<'a>, String)>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> Option<TypeRef> {
        // Two variants named by one value cannot be told apart by it.
        let mut values = std::collections::BTreeSet::new();
        if let Some((value, _, at)) = entries.iter().find(|(v, _, _)| !values.insert(v.clone())) {
            self.diags.warning(
                at.clone(),
                format!("two variants are named by the value `{value}` of `{tag}`, so the enum is decoded by trying each variant"),
            );
            return None;
        }
        let mut variants = Vec::new();
        for (value, variant, at) in entries {
            let ty = match variant {
                Variant::Reference(reference) => {
                    if !self.schema_exists(&reference) {
                        self.diags.push(
                            crate::diagnostics::Diagnostic::error(
                                at,
                                format!("the discriminator value `{value}` maps to `{reference}`, which is not a schema of this document"),
                            )
                            .with_help("map it to an entry of `components/schemas`, or remove the mapping"),
                        );
                        return None;
                    }
                    self.component_type(&reference, &at, dir, Some(tag))
                }
                Variant::Inline(member, variant_hint) => {
                    let view = self.flat_view(&member)?;
                    let target = Target {
                        slot: None,
                        omit: Some(tag.to_string()),
                    };
                    self.type_of_view(view, dir, &variant_hint, target)
                }
            };
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
                rust_name: (),
                tag_value: value,
                ty: id,
            });
        }
        let def = TypeBody {
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

    /// A schema with a discriminator and no oneOf: the base of the schemas that include
    /// it with allOf (and those its mapping names), each told apart by the tag. `None`
    /// when there are none, so that the base is an ordinary struct.
    pub(super) fn subtype_union(
        &mut self,
        view: &SchemaView<'a>,
        discriminator: Discriminator<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> Option<TypeRef> {
        let tag = discriminator.property_name;
        let base_ref = format!("#{}", view.pointer);
        // The base itself, when mapped: an object whose tag names it reads as an unknown
        // one.
        let mut entries: Vec<(String, Variant<'a>, String)> =
            mapping_entries(view, Some(discriminator))
                .into_iter()
                .filter(|(_, v, _)| !matches!(v, Variant::Reference(r) if *r == base_ref))
                .collect();
        let loaded = self.loaded;
        let base = loaded.alias_target(&view.pointer);
        let schemas = loaded
            .raw
            .pointer("/components/schemas")
            .and_then(serde_json::Value::as_object);
        for (name, entry) in schemas.into_iter().flatten() {
            // A component may be only a reference to the schema (kept in a file of its
            // own), and a subtype may name the base by any of its aliases.
            let at = pointer_push("/components/schemas", name);
            let resolved = loaded.alias_target(&at);
            let schema = loaded.raw.pointer(&resolved).unwrap_or(entry);
            let includes_base = schema
                .get("allOf")
                .and_then(serde_json::Value::as_array)
                .is_some_and(|members| {
                    members.iter().any(|m| {
                        m.get("$ref")
                            .and_then(serde_json::Value::as_str)
                            .and_then(super::refs::local_pointer)
                            .is_some_and(|p| loaded.alias_target(p) == base)
                    })
                });
            let listed = entries.iter().any(|(_, v, _)| match v {
                Variant::Reference(r) => super::refs::local_pointer(r)
                    .is_some_and(|p| loaded.alias_target(p) == resolved),
                Variant::Inline(..) => false,
            });
            if !includes_base || listed {
                continue;
            }
            let member = Member::at(at.clone(), schema, loaded.version);
            let value = self.tag_value(&member, tag).unwrap_or_else(|| name.clone());
            entries.push((value, Variant::Reference(format!("#{at}")), at));
        }
        if entries.is_empty() {
            return None;
        }
        self.build_tagged(view, tag, entries, dir, hint, target)
    }

    /// The one value a variant gives the tag property (`const: x`, or `enum: [x]`).
    fn tag_value(&mut self, member: &Member<'a>, tag: &str) -> Option<String> {
        let view = self.flat_view(member)?;
        let contributions = view.properties.get(tag)?.clone();
        let mut value = None;
        for c in &contributions {
            let property = self.flat_view(c)?;
            if let [serde_json::Value::String(v)] = property.enumeration {
                value = Some(v.clone());
            }
        }
        value
    }

    /// The values a member allows for the tag property: its `const`, or its enum of
    /// strings (one value or several).
    fn tag_values(&mut self, member: &Member<'a>, tag: &str) -> Option<Vec<String>> {
        let view = self.flat_view(member)?;
        let contributions = view.properties.get(tag)?.clone();
        let mut values = None;
        for c in &contributions {
            let property = self.flat_view(c)?;
            let strings: Option<Vec<String>> = property
                .enumeration
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect();
            if let Some(strings) = strings.filter(|s| !s.is_empty()) {
                values = Some(strings);
            }
        }
        values
    }

    /// A property every member has and gives literal values, different in each member:
    /// the tag of a oneOf without a discriminator. A single value per member is enough; a
    /// member that allows several (`type: {enum: [sdk, wechatpaySDK]}`) must also require
    /// the property, and no value may name two members.
    fn inferred_tag(&mut self, members: &[Member<'a>]) -> Option<&'a str> {
        if members.len() < 2 {
            return None;
        }
        let views: Vec<SchemaView<'a>> = members
            .iter()
            .map(|m| self.flat_view(m))
            .collect::<Option<_>>()?;
        // A variant that does not require its tag property still names itself by it
        // whenever it is present; an object without it reads as an unknown variant.
        let candidates: Vec<&'a str> = views[0]
            .properties
            .keys()
            .copied()
            .filter(|name| views.iter().all(|v| v.properties.contains_key(name)))
            .collect();
        'candidates: for candidate in &candidates {
            let mut seen = std::collections::BTreeSet::new();
            for m in members {
                let fresh = self
                    .tag_value(m, candidate)
                    .is_some_and(|value| seen.insert(value));
                if !fresh {
                    continue 'candidates;
                }
            }
            return Some(candidate);
        }
        'several: for candidate in candidates {
            let mut seen = std::collections::BTreeSet::new();
            for (m, v) in members.iter().zip(&views) {
                if !v.required.contains(&candidate) {
                    continue 'several;
                }
                let Some(values) = self.tag_values(m, candidate) else {
                    continue 'several;
                };
                if !values.into_iter().all(|value| seen.insert(value)) {
                    continue 'several;
                }
            }
            return Some(candidate);
        }
        None
    }
}

/// The entries of a discriminator's explicit mapping, in spec order: the tag value, the
/// referenced schema (a bare name is one of `components/schemas`), and where the entry is
/// written.
fn mapping_entries<'a>(
    view: &SchemaView<'a>,
    discriminator: Option<Discriminator<'a>>,
) -> Vec<(String, Variant<'a>, String)> {
    let mapping_pointer = pointer_push(&pointer_push(&view.pointer, "discriminator"), "mapping");
    discriminator
        .iter()
        .flat_map(|d| d.entries())
        .map(|(value, target_ref)| {
            let reference = if target_ref.starts_with('#') {
                target_ref.to_string()
            } else {
                format!("#/components/schemas/{target_ref}")
            };
            (
                value.to_string(),
                Variant::Reference(reference),
                pointer_push(&mapping_pointer, value),
            )
        })
        .collect()
}

/// Where a tagged enum's variant comes from.
enum Variant<'a> {
    /// A referenced schema.
    Reference(String),
    /// A schema written in the oneOf, with the name hint for its struct.
    Inline(Member<'a>, String),
}

impl<'a> Resolver<'a> {
    /// What a union member offers to name its variant after, in order of preference: a
    /// referenced schema's name; for an inline schema its title, the one literal value of
    /// a tag-like property or of the schema itself, its kind of value, the members of a
    /// union inside it, what a list holds, and the properties it requires.
    fn content_words(&mut self, m: &Member<'a>) -> Vec<VariantWords> {
        if let SchemaRef::Ref(r) = m.schema {
            return super::refs::local_pointer(r)
                .map(|p| vec![VariantWords::TypeName(self.schema_base_name(p))])
                .unwrap_or_default();
        }
        let Some(view) = self.flat_view(m) else {
            return Vec::new();
        };
        let mut words = Vec::new();
        if let Some(title) = view.title {
            words.push(VariantWords::TypeName(title.to_string()));
        }
        let tags: Vec<&'a str> = view.properties.keys().copied().collect();
        for tag in tags {
            if let Some(value) = self.tag_value(m, tag) {
                words.push(VariantWords::Value(value));
                break;
            }
        }
        if let [serde_json::Value::String(value)] = view.enumeration {
            words.push(VariantWords::Value(value.clone()));
        }
        let uploaded_file = self.uploading
            && view.format == Some("binary")
            && matches!(view.kind, Some(Kind::String) | None);
        let kind = match view.kind {
            _ if uploaded_file => Some("File"),
            Some(Kind::String) => Some("String"),
            Some(Kind::Integer) => Some("Integer"),
            Some(Kind::Number) => Some("Number"),
            Some(Kind::Boolean) => Some("Boolean"),
            Some(Kind::Array) => Some("Array"),
            Some(Kind::Object) | None if view.properties.is_empty() => {
                if view.additional.is_some() || view.kind.is_some() {
                    Some("Object")
                } else if view.one_of.is_empty() && view.any_of.is_empty() {
                    // No keyword that constrains the value: any JSON value.
                    Some("Value")
                } else {
                    None
                }
            }
            _ => None,
        };
        words.extend(kind.map(VariantWords::Kind));
        // A union inside the union: named by its own members, `ImageUrlOrText`.
        let inner = if view.one_of.is_empty() {
            &view.any_of
        } else {
            &view.one_of
        };
        if (2..=3).contains(&inner.len()) && view.kind.is_none() {
            let inner = inner.clone();
            let members = inner.iter().map(|m| self.content_words(m)).collect();
            words.push(VariantWords::Either(members));
        }
        if view.kind == Some(Kind::Array) {
            // Several lists are told apart by what they hold: `StringArray`, `IntegerArray`.
            if let Some(items) = view.items.clone() {
                words.push(VariantWords::ListOf(self.content_words(&items)));
            }
        }
        if !view.required.is_empty() && view.required.len() <= 3 {
            words.push(VariantWords::Requiring(
                view.required.iter().map(|r| r.to_string()).collect(),
            ));
        }
        if view.kind == Some(Kind::Object) || !view.properties.is_empty() {
            words.push(VariantWords::Kind("Object"));
        }
        words
    }

    /// "Any string, or one of these": members that are all strings, some free and some
    /// string enums (written inline, or referenced), become `Open` of the known values, so
    /// a known value is typed, any other string is kept, and a `&str` converts. Several
    /// enums are merged into one set of known values. `None` for any other union.
    fn open_string(
        &mut self,
        members: &[Member<'a>],
        at: &str,
        dir: Direction,
        hint: &str,
    ) -> Option<TypeRef> {
        let mut free = false;
        let mut nullable = false;
        let mut inline_enums = Vec::new();
        let mut known: Vec<crate::model::TypeId> = Vec::new();
        for m in members {
            let view = self.flat_view(m)?;
            nullable |= view.nullable;
            let composed = !view.one_of.is_empty() || !view.any_of.is_empty();
            if composed && matches!(m.schema, SchemaRef::Inline(_)) {
                // Resolving it here would name its type for the wrong place.
                return None;
            }
            if !composed {
                if view.kind != Some(Kind::String) && view.kind.is_some() {
                    return None;
                }
                if !view.more_kinds.is_empty() || view.constraints.pattern.is_some() {
                    return None;
                }
                if view.kind.is_none() && view.enumeration.is_empty() {
                    return None;
                }
            }
            if matches!(m.schema, SchemaRef::Inline(_)) {
                if view.enumeration.is_empty() && view.extensible_enum.is_empty() {
                    if view
                        .format
                        .is_some_and(|f| matches!(f, "date-time" | "date" | "uuid" | "uri"))
                    {
                        return None;
                    }
                    free = true;
                } else if view
                    .enumeration
                    .iter()
                    .all(|v| v.is_string() || v.is_null())
                    && view.enumeration.iter().any(serde_json::Value::is_string)
                {
                    inline_enums.push(m.clone());
                } else {
                    return None;
                }
                continue;
            }
            // A referenced member (or a nested union): its type says what it is.
            let ty = match self.type_of(m, dir, hint) {
                TypeRef::Nullable(inner) => {
                    nullable = true;
                    *inner
                }
                ty => ty,
            };
            match ty {
                TypeRef::String => free = true,
                TypeRef::Open(inner) => match *inner {
                    TypeRef::Named(id) if self.is_enum(id) => known.push(id),
                    _ => return None,
                },
                TypeRef::Named(id) if self.is_enum(id) => known.push(id),
                TypeRef::Named(id) => match self.alias_of(id) {
                    Some(TypeRef::Open(inner)) => match *inner {
                        TypeRef::Named(e) if self.is_enum(e) => {
                            free = true;
                            known.push(e);
                        }
                        _ => return None,
                    },
                    Some(TypeRef::String) => free = true,
                    _ => return None,
                },
                _ => return None,
            }
        }
        if !free || (inline_enums.is_empty() && known.is_empty()) {
            return None;
        }
        let open = self.open_known(&inline_enums, known, at, hint)?;
        Some(if nullable {
            TypeRef::Nullable(Box::new(open))
        } else {
            open
        })
    }

    /// `Open` of the known values of an open-string union: its one set of known values,
    /// or one enum of all of them.
    fn open_known(
        &mut self,
        inline_enums: &[Member<'a>],
        mut known: Vec<crate::model::TypeId>,
        at: &str,
        hint: &str,
    ) -> Option<TypeRef> {
        let known_hint = format!("{hint} known");
        if let ([only], []) = (inline_enums, known.as_slice()) {
            // Resolved as a request type, an enum is itself rather than `Open` of it.
            return match self.type_of(only, Direction::Write, &known_hint) {
                TypeRef::Named(id) => Some(TypeRef::Open(Box::new(TypeRef::Named(id)))),
                _ => None,
            };
        }
        known.dedup();
        if let ([], [only]) = (inline_enums, known.as_slice()) {
            return Some(TypeRef::Open(Box::new(TypeRef::Named(*only))));
        }
        // Several sets of known values: one enum of them all, in the members' order.
        let mut values: Vec<String> = Vec::new();
        let mut add = |v: &str| {
            if !values.iter().any(|have| have == v) {
                values.push(v.to_string());
            }
        };
        for m in inline_enums {
            let view = self.flat_view(m)?;
            view.enumeration
                .iter()
                .filter_map(serde_json::Value::as_str)
                .for_each(&mut add);
        }
        for id in &known {
            if let Some(TypeKind::Enum(e)) = self
                .arena
                .defs
                .get(id.0)
                .and_then(|d| d.as_ref())
                .map(|d| &d.kind)
            {
                e.variants.iter().for_each(|v| add(&v.wire_value));
            }
        }
        let variants = values
            .iter()
            .map(|v| crate::model::EnumVariant {
                wire_value: v.clone(),
                rust_name: (),
            })
            .collect();
        let def = TypeBody {
            origin: at.to_string(),
            doc: None,
            validated: false,
            kind: TypeKind::Enum(crate::model::EnumDef { variants }),
        };
        let id = self.place(def, &known_hint, Direction::Read, Target::default());
        Some(TypeRef::Open(Box::new(TypeRef::Named(id))))
    }

    /// Members that are all one primitive type (`anyOf: [{type: integer}, {type: integer,
    /// enum: [1, 2, 4]}]`, an integer or one of its known values) are that type: numbers
    /// and booleans with known values are not enums here, so the union could not tell its
    /// members apart.
    fn one_primitive(
        &mut self,
        members: &[Member<'a>],
        dir: Direction,
        hint: &str,
    ) -> Option<TypeRef> {
        let mut one = None;
        for m in members {
            let view = self.flat_view(m)?;
            let primitive = matches!(
                view.kind,
                Some(Kind::Integer | Kind::Number | Kind::Boolean)
            ) && view.more_kinds.is_empty()
                && view.one_of.is_empty()
                && view.any_of.is_empty();
            if !primitive {
                return None;
            }
            let t = self.type_of(m, dir, hint);
            match &one {
                None => one = Some(t),
                Some(seen) if *seen == t => {}
                Some(_) => return None,
            }
        }
        one
    }

    fn is_enum(&self, id: crate::model::TypeId) -> bool {
        self.arena
            .defs
            .get(id.0)
            .and_then(Option::as_ref)
            .is_some_and(|d| matches!(d.kind, TypeKind::Enum(_)))
    }

    /// What an alias type stands for, following chains of aliases.
    fn alias_of(&self, mut id: crate::model::TypeId) -> Option<TypeRef> {
        for _ in 0..=self.arena.defs.len() {
            let def = self.arena.defs.get(id.0)?.as_ref()?;
            match &def.kind {
                TypeKind::Alias(TypeRef::Named(next)) => id = *next,
                TypeKind::Alias(t) => return Some(t.clone()),
                _ => return None,
            }
        }
        None
    }

    /// Whether a member allows nothing but null.
    fn only_null(&mut self, m: &Member<'a>) -> bool {
        let Some(v) = self.flat_view(m) else {
            return false;
        };
        let null_enum = !v.enumeration.is_empty() && v.enumeration.iter().all(|e| e.is_null());
        (v.kind == Some(Kind::Null) && v.more_kinds.is_empty()) || (v.kind.is_none() && null_enum)
    }

    /// A 3.1 type list of several types (`type: [string, integer]`): the value is one of
    /// them, so each type is a variant of an untagged enum, read from the same schema.
    pub(super) fn type_list_choice(
        &mut self,
        view: SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> TypeRef {
        let kinds: Vec<Kind> = view
            .kind
            .into_iter()
            .chain(view.more_kinds.iter().copied())
            .collect();
        let mut variants = Vec::new();
        for (i, kind) in kinds.into_iter().enumerate() {
            let mut one = view.clone();
            one.kind = Some(kind);
            one.more_kinds.clear();
            one.nullable = false;
            one.title = None;
            // Keywords of one type do not constrain another's values.
            if kind != Kind::String {
                one.enumeration = &[];
                one.format = one
                    .format
                    .filter(|_| matches!(kind, Kind::Integer | Kind::Number));
            }
            let ty = self.type_of_view(
                one,
                dir,
                &format!("{hint} variant {}", i + 1),
                Target::default(),
            );
            variants.push(UntaggedVariant {
                rust_name: VariantHint::Type(i),
                ty,
            });
        }
        variants.sort_by_key(|v| untagged_rank(&v.ty));
        let def = TypeBody {
            origin: view.pointer.clone(),
            doc: view.description.map(str::to_string),
            validated: dir == Direction::Write,
            kind: TypeKind::Untagged(UntaggedDef { variants }),
        };
        TypeRef::Named(self.place(def, hint, dir, target))
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
