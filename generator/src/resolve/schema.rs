//! Converting schemas into type references, creating named types where a schema needs one.

use super::view::{Additional, Kind, Member, SchemaRef, SchemaView};
use super::{Direction, Resolver, TypeBody};
use crate::model::TypeHint;
use crate::model::{
    Constraints, EnumDef, EnumVariant, Field, IntegerKind, StringFormat, StructDef, TypeId,
    TypeKind, TypeRef,
};
use serde_json::Value;

/// How deep schema conversion may recurse before it is taken to be a loop.
const MAX_NESTING: usize = 96;

/// What the caller of a conversion wants done with a named type the schema produces.
#[derive(Debug, Clone, Default)]
pub(super) struct Target {
    /// Fill this reserved arena slot rather than adding a new entry.
    pub slot: Option<TypeId>,
    /// Leave this property out (the discriminator of a tagged enum variant).
    pub omit: Option<String>,
}

impl<'a> Resolver<'a> {
    /// The type of a schema written at `member.pointer`. `hint` names the type should the
    /// schema need one and have no title.
    pub(super) fn type_of(&mut self, member: &Member<'a>, dir: Direction, hint: &str) -> TypeRef {
        match member.schema {
            SchemaRef::Ref(reference) => self.component_type(reference, &member.pointer, dir, None),
            SchemaRef::Inline(node) => {
                // A schema that a reference names is converted once, as the referenced
                // schema, whether it is reached by the reference or where it is written.
                if self.loaded.ref_targets.contains(&member.pointer) {
                    return self.pointed_type(member.pointer.clone(), node, dir, None);
                }
                // The same for a schema inside a copy made in place of a reference: the
                // reference may name the original.
                if !self.loaded.ref_targets.is_empty() {
                    let origin = self.loaded.origin_of(&member.pointer);
                    if origin != member.pointer && self.loaded.ref_targets.contains(&origin) {
                        return self.pointed_type(origin, node, dir, None);
                    }
                }
                let view = SchemaView::of(node, &member.pointer, self.loaded.version);
                self.type_of_view(view, dir, hint, Target::default())
            }
        }
    }

    /// The response-side type of a referenced schema, if something the client reads uses
    /// it.
    pub(super) fn read_type_of_schema(&self, pointer: &str) -> Option<TypeRef> {
        self.components
            .get(&(pointer.to_string(), Direction::Read, None, false))
            .cloned()
    }

    /// The type of a referenced schema, converting it once per direction.
    pub(super) fn component_type(
        &mut self,
        reference: &str,
        pointer: &str,
        dir: Direction,
        omit: Option<&str>,
    ) -> TypeRef {
        let Some((target, node)) = self.schema_target(reference, pointer) else {
            return TypeRef::Json;
        };
        self.pointed_type(target, node, dir, omit)
    }

    /// The type of the schema at `def_pointer` (a component, or any node a reference
    /// names), converting it once per direction.
    fn pointed_type(
        &mut self,
        def_pointer: String,
        schema: &'a Value,
        dir: Direction,
        omit: Option<&str>,
    ) -> TypeRef {
        // Inside an upload, a schema with binary properties is converted on its own, with
        // files for them; any other schema is the same type as elsewhere.
        let upload = self.uploading && holds_binary(schema, 0);
        let key = (def_pointer.clone(), dir, omit.map(str::to_string), upload);
        if let Some(done) = self.components.get(&key) {
            return done.clone();
        }
        if let Some(id) = self.in_progress.get(&key) {
            return TypeRef::Named(*id);
        }
        if let SchemaRef::Ref(reference) = SchemaRef::of(schema, self.loaded.version) {
            // A schema that is itself only a reference is the same type. A chain of such
            // schemas that comes back to one already in it defines nothing.
            if self.aliasing.contains(&key) {
                self.diags.error(
                    def_pointer.clone(),
                    format!(
                        "the schema `{}` is defined only in terms of itself, so it has no shape",
                        self.schema_base_name(&def_pointer)
                    ),
                );
                return TypeRef::Json;
            }
            self.aliasing.push(key.clone());
            let t = self.component_type(reference, &def_pointer, dir, omit);
            self.aliasing.pop();
            self.components.insert(key, t.clone());
            return t;
        }
        let name = self.schema_base_name(&def_pointer);
        let slot = self.arena.reserve(TypeHint {
            base: name.clone(),
            component: (!upload).then(|| name.clone()),
            direction: dir,
            upload,
        });
        self.in_progress.insert(key.clone(), slot);
        let view = SchemaView::of(schema, &def_pointer, self.loaded.version);
        let target = Target {
            slot: Some(slot),
            omit: omit.map(str::to_string),
        };
        // Nesting is bounded within one schema; a chain of references (A's property is a
        // B, whose property is a C, ...) may be as long as the document has schemas, and
        // cannot loop, since a schema being converted is not converted again.
        let depth = std::mem::replace(&mut self.depth, 0);
        let result = self.type_of_view(view, dir, &name, target);
        self.depth = depth;
        self.in_progress.remove(&key);
        let result = match result {
            // The schema filled its slot (possibly wrapped, e.g. `Open` or `Nullable`).
            _ if self.arena.defs[slot.0].is_some() => result,
            TypeRef::Named(other)
                if other == slot || self.arena.redirects.get(&other) == Some(&slot) =>
            {
                // The schema is only ever itself: references (or allOf members) that lead
                // back here without defining anything.
                self.diags.error(
                    def_pointer.clone(),
                    format!("the schema `{name}` is defined only in terms of itself, so it has no shape"),
                );
                self.arena.defs[slot.0] = Some(TypeBody {
                    origin: def_pointer,
                    doc: None,
                    validated: false,
                    kind: TypeKind::Alias(TypeRef::Json),
                });
                TypeRef::Named(slot)
            }
            TypeRef::Named(other) => {
                // The component is another named type under a new name (e.g. an allOf that
                // only adds annotations to a reference).
                self.arena.redirects.insert(slot, other);
                result
            }
            other => {
                // A primitive, array or map component: an alias keeps its name and doc.
                let doc = schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                self.arena.defs[slot.0] = Some(TypeBody {
                    origin: def_pointer,
                    doc,
                    validated: dir == Direction::Write,
                    kind: TypeKind::Alias(other),
                });
                TypeRef::Named(slot)
            }
        };
        self.components.insert(key, result.clone());
        result
    }

    pub(super) fn type_of_view(
        &mut self,
        view: SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> TypeRef {
        // Schemas nest only as deep as the document, which the YAML reader bounds; merged
        // allOf members can combine without end, though, so depth is bounded here too.
        if self.depth >= MAX_NESTING {
            self.diags.error(
                view.pointer.clone(),
                format!("schemas nest more than {MAX_NESTING} levels deep here; an allOf probably includes itself"),
            );
            return TypeRef::Json;
        }
        self.depth += 1;
        let nullable = view.nullable;
        let t = self.type_of_view_inner(view, dir, hint, target);
        self.depth -= 1;
        if nullable && !matches!(t, TypeRef::Nullable(_)) {
            TypeRef::Nullable(Box::new(t))
        } else {
            t
        }
    }

    fn type_of_view_inner(
        &mut self,
        view: SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> TypeRef {
        let hint = view
            .title
            .map(str::to_string)
            .unwrap_or_else(|| hint.to_string());
        if !view.inexpressible.is_empty() {
            for (keyword, at) in &view.inexpressible {
                self.diags.warning(
                    at.clone(),
                    format!("`{keyword}` cannot be expressed as a Rust type; this value is typed as any JSON value"),
                );
            }
            return TypeRef::Json;
        }
        if !view.all_of.is_empty() {
            if let Some(shortcut) = self.all_of_shortcut(&view, dir, &target) {
                return shortcut;
            }
            let merged = self.expand_all_of(view);
            // The merge may allow null where the schema itself did not say so.
            let nullable = merged.nullable;
            let t = self.type_of_view_inner(merged, dir, &hint, target);
            return if nullable && !matches!(t, TypeRef::Nullable(_)) {
                TypeRef::Nullable(Box::new(t))
            } else {
                t
            };
        }
        if (!view.one_of.is_empty() || !view.any_of.is_empty()) && !only_requires(&view) {
            return self.choice_type(view, dir, &hint, target);
        }
        if !view.more_kinds.is_empty() {
            return self.type_list_choice(view, dir, &hint, target);
        }
        // A named base schema with a discriminator: the schemas that extend it. (As a
        // variant of its own union, with the tag left out, it is a plain struct.)
        if let (Some(discriminator), Some(_), None) =
            (view.discriminator, target.slot, &target.omit)
        {
            if let Some(t) = self.subtype_union(&view, discriminator, dir, &hint, target.clone()) {
                return t;
            }
        }
        if let Some(t) = self.enum_type(&view, dir, &hint, &target) {
            return t;
        }
        if self.uploading
            && view.format == Some("binary")
            && matches!(view.kind, Some(Kind::String) | None)
        {
            return TypeRef::File;
        }
        match view.kind {
            Some(Kind::Object) => self.object_type(view, dir, &hint, target),
            Some(Kind::Array) if !view.prefix_items.is_empty() => self.tuple_type(view, dir, &hint),
            Some(Kind::Array) => {
                let item = match &view.items {
                    Some(m) => self.type_of(&m.clone(), dir, &format!("{hint} item")),
                    None => TypeRef::Json,
                };
                TypeRef::Array(Box::new(item))
            }
            // Only null: there is nothing to hold but the absence of a value.
            Some(Kind::Null) => TypeRef::Json,
            // A request's string with length or pattern rules stays a string, so that the
            // rules are still checked before sending.
            Some(Kind::String)
                if dir == Direction::Write
                    && (view.constraints.min_length.is_some()
                        || view.constraints.max_length.is_some()
                        || view.constraints.pattern.is_some()) =>
            {
                TypeRef::String
            }
            Some(Kind::String) => match (view.format, dir) {
                (Some("date-time"), _) => TypeRef::Format(StringFormat::DateTime),
                (Some("date"), _) => TypeRef::Format(StringFormat::Date),
                (Some("uuid"), _) => TypeRef::Format(StringFormat::Uuid),
                (Some("uri"), Direction::Write) => TypeRef::Format(StringFormat::Url),
                _ => TypeRef::String,
            },
            Some(Kind::Integer) => {
                let kind = if view.format == Some("int32") {
                    IntegerKind::I32
                } else {
                    IntegerKind::I64
                };
                self.warn_unheld_bounds(&view, kind);
                TypeRef::Integer(kind)
            }
            Some(Kind::Number) => TypeRef::Number,
            Some(Kind::Boolean) => TypeRef::Boolean,
            None if view.has_not => {
                self.diags.warning(
                    view.pointer.clone(),
                    "`not` cannot be expressed as a Rust type; this value is typed as any JSON value",
                );
                TypeRef::Json
            }
            Some(Kind::Unknown) => {
                self.diags.error(
                    crate::diagnostics::pointer_push(&view.pointer, "type"),
                    format!(
                        "`{}` is not a JSON Schema type; use one of string, number, integer, boolean, object, array",
                        view.type_name.unwrap_or_default()
                    ),
                );
                TypeRef::Json
            }
            None => TypeRef::Json,
        }
    }

    /// `prefixItems` (or an `items` list): a fixed-length array of values of their own
    /// types, which Rust writes as a tuple. When items beyond the prefix are allowed the
    /// length is open, so the value is a list of JSON values instead.
    fn tuple_type(&mut self, view: SchemaView<'a>, dir: Direction, hint: &str) -> TypeRef {
        let len = view.prefix_items.len() as u64;
        let bounded = view.closed_tuple || view.constraints.max_items.is_some_and(|m| m <= len);
        if !bounded {
            self.diags.warning(
                view.pointer.clone(),
                "the array has leading items of their own types (`prefixItems`) but its length is open \
                 (no `items: false` or `maxItems`), so it is typed as a list of JSON values",
            );
            return TypeRef::Array(Box::new(TypeRef::Json));
        }
        let items = view
            .prefix_items
            .iter()
            .enumerate()
            .map(|(i, m)| self.type_of(m, dir, &format!("{hint} item {}", i + 1)))
            .collect();
        TypeRef::Tuple(items)
    }

    /// `allOf: [$ref: X, {annotations}]` is X itself: members that only annotate (a
    /// description, `required`, an example on a property X already has) do not change
    /// the shape, so no second copy of X is made. The overlay's `required` is not applied
    /// to X, since X is shared with every other place that uses it.
    fn all_of_shortcut(
        &mut self,
        view: &SchemaView<'a>,
        dir: Direction,
        target: &Target,
    ) -> Option<TypeRef> {
        if target.omit.is_some() {
            return None;
        }
        let mut own = view.clone();
        own.all_of.clear();
        let mut annotated: Vec<&'a str> = Vec::new();
        if !only_annotates(own, self.loaded.version, &mut annotated) {
            return None;
        }
        let mut shaping = Vec::new();
        for m in &view.all_of {
            match m.schema {
                SchemaRef::Ref(_) => shaping.push(m.clone()),
                SchemaRef::Inline(s) => {
                    let member = SchemaView::of(s, &m.pointer, self.loaded.version);
                    if !only_annotates(member, self.loaded.version, &mut annotated) {
                        return None;
                    }
                }
            }
        }
        let [only] = shaping.as_slice() else {
            return None;
        };
        let SchemaRef::Ref(reference) = only.schema else {
            return None;
        };
        if !annotated.is_empty() {
            let target_view = self.flat_view(only)?;
            if !annotated
                .iter()
                .all(|name| target_view.properties.contains_key(name))
            {
                return None;
            }
        }
        Some(self.component_type(reference, &only.pointer, dir, None))
    }

    /// The flat view of a schema or reference, with its own allOf already merged.
    pub(super) fn flat_view(&mut self, member: &Member<'a>) -> Option<SchemaView<'a>> {
        match member.schema {
            SchemaRef::Inline(s) => {
                Some(self.expand_all_of(SchemaView::of(s, &member.pointer, self.loaded.version)))
            }
            SchemaRef::Ref(reference) => {
                let (target, schema) = self.schema_target(reference, &member.pointer)?;
                if self.expanding.contains(&target) {
                    let name = self.schema_base_name(&target);
                    let chain = self
                        .expanding
                        .clone()
                        .iter()
                        .map(|p| self.schema_base_name(p))
                        .collect::<Vec<_>>()
                        .join(" -> ");
                    self.diags.error(
                        member.pointer.clone(),
                        format!("allOf cycle: `{name}` includes itself through {chain} -> {name}"),
                    );
                    return None;
                }
                let inner = Member::at(target.clone(), schema, self.loaded.version);
                self.expanding.push(target);
                let v = self.flat_view(&inner);
                self.expanding.pop();
                v
            }
        }
    }

    /// Merges a view's allOf members into it.
    pub(super) fn expand_all_of(&mut self, mut view: SchemaView<'a>) -> SchemaView<'a> {
        let members = std::mem::take(&mut view.all_of);
        // The first member (or the schema itself) that said what type the value is.
        let mut typed_by: Option<(Kind, String)> = view.kind.map(|k| (k, view.pointer.clone()));
        // Null is a value of the whole when every member that says what type the value is
        // allows it (a property declared `nullable` in each part that declares it).
        let mut typed_members = 0usize;
        let mut nullable_members = 0usize;
        for m in members {
            if let Some(mut v) = self.flat_view(&m) {
                if v.kind.is_some() {
                    typed_members += 1;
                    nullable_members += usize::from(v.nullable);
                }
                if matches!(m.schema, SchemaRef::Ref(_)) && v.discriminator.is_some() {
                    // Including a base with a discriminator makes this schema one of the
                    // base's subtypes: its properties apply, not its choice of subtypes.
                    v.discriminator = None;
                    v.one_of.clear();
                    v.any_of.clear();
                }
                match (&typed_by, v.kind) {
                    (Some((first, at)), Some(kind))
                        if *first != kind && kind != Kind::Unknown && *first != Kind::Unknown =>
                    {
                        self.diags.push(
                            crate::diagnostics::Diagnostic::error(
                                m.pointer.clone(),
                                format!(
                                    "allOf members disagree on the type: this one says {}, but {at} says {}; no value can be both",
                                    kind_name(kind),
                                    kind_name(*first)
                                ),
                            )
                            .with_help("make the members agree, or use oneOf if either type is allowed"),
                        );
                    }
                    (None, Some(kind)) => typed_by = Some((kind, m.pointer.clone())),
                    _ => {}
                }
                view.absorb(v);
            }
        }
        if typed_members > 0 && nullable_members == typed_members && view.kind.is_some() {
            view.nullable = true;
        }
        view
    }

    fn object_type(
        &mut self,
        view: SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: Target,
    ) -> TypeRef {
        if view.properties.is_empty() {
            // A free-form object or a map: no named type is needed.
            let value = match &view.additional {
                Some(Additional::Schema(m)) => {
                    self.type_of(&m.clone(), dir, &format!("{hint} value"))
                }
                _ => TypeRef::Json,
            };
            return TypeRef::Map(Box::new(value));
        }
        let mut fields = Vec::new();
        for (name, contributions) in &view.properties {
            if target.omit.as_deref() == Some(*name) {
                continue;
            }
            let flags = self.property_flags(contributions);
            if dir == Direction::Write && flags.read_only {
                continue;
            }
            let field_hint = format!("{hint} {name}");
            let ty = match contributions.as_slice() {
                [one] => self.type_of(one, dir, &field_hint),
                many => {
                    let merged = SchemaView {
                        pointer: many[0].pointer.clone(),
                        all_of: many.to_vec(),
                        ..SchemaView::default()
                    };
                    self.type_of_view(merged, dir, &field_hint, Target::default())
                }
            };
            fields.push(Field {
                wire_name: name.to_string(),
                rust_name: (),
                setter: (),
                ty,
                required: view.required.contains(name),
                doc: with_default(flags.description, flags.default.as_ref()),
                constraints: flags.constraints,
            });
        }
        let additional = match &view.additional {
            Some(Additional::Schema(m)) => {
                Some(self.type_of(&m.clone(), dir, &format!("{hint} value")))
            }
            _ => None,
        };
        let def = TypeBody {
            origin: view.pointer.clone(),
            doc: view.description.map(str::to_string),
            validated: dir == Direction::Write,
            kind: TypeKind::Struct(StructDef {
                fields,
                additional: additional.map(|ty| crate::model::Additional { ty, field: () }),
            }),
        };
        TypeRef::Named(self.place(def, hint, dir, target))
    }

    /// Puts a finished definition into its reserved slot, or interns it.
    pub(super) fn place(
        &mut self,
        def: TypeBody,
        hint: &str,
        dir: Direction,
        target: Target,
    ) -> TypeId {
        match target.slot {
            Some(slot) => {
                self.arena.defs[slot.0] = Some(def);
                slot
            }
            None => self.arena.intern(
                def,
                TypeHint {
                    base: hint.to_string(),
                    component: None,
                    direction: dir,
                    upload: false,
                },
            ),
        }
    }

    /// The flags, doc and constraints of a property, read through references and allOf.
    fn property_flags(&mut self, contributions: &[Member<'a>]) -> PropertyFlags {
        let mut flags = PropertyFlags::default();
        for m in contributions {
            let Some(summary) = self.summary(m) else {
                continue;
            };
            flags.read_only |= summary.read_only;
            if flags.description.is_none() {
                flags.description = summary.description;
            }
            if flags.default.is_none() {
                flags.default = summary.default;
            }
            flags.constraints.fill_from(&summary.constraints);
            if summary.constraints.items.is_some() {
                flags.constraints.items = summary.constraints.items;
            }
        }
        flags.constraints = self.checked_constraints(flags.constraints, contributions);
        flags
    }

    /// What a property's schema says about the property itself. A referenced component is
    /// summarised once: specs refer to the same components from many properties.
    fn summary(&mut self, m: &Member<'a>) -> Option<PropertyFlags> {
        let key = match m.schema {
            SchemaRef::Ref(r) => Some(r),
            SchemaRef::Inline(_) => None,
        };
        if let Some(done) = key.and_then(|k| self.summaries.get(k)) {
            return Some(done.clone());
        }
        let v = self.flat_view(m)?;
        let mut summary = PropertyFlags {
            read_only: v.read_only,
            description: v.description.map(str::to_string),
            default: v.default.cloned(),
            constraints: v.constraints.clone(),
        };
        if let Some(items) = &v.items {
            if let Some(iv) = self.flat_view(&items.clone()) {
                if !iv.constraints.is_empty() {
                    summary.constraints.items = Some(Box::new(iv.constraints.clone()));
                }
            }
        }
        if let Some(k) = key {
            self.summaries.insert(k.to_string(), summary.clone());
        }
        Some(summary)
    }

    /// Says so when an integer's bound cannot be held by its Rust type (a 20-digit number,
    /// or a fraction): the bound is not checked, and the spec still generates.
    fn warn_unheld_bounds(&mut self, view: &SchemaView<'a>, kind: IntegerKind) {
        let rust = match kind {
            IntegerKind::I32 => "i32",
            IntegerKind::I64 => "i64",
        };
        for (keyword, bound) in [
            ("minimum", view.constraints.minimum),
            ("maximum", view.constraints.maximum),
        ] {
            if let Some(v) = bound.filter(|v| kind.bound(*v).is_none()) {
                self.diags.warning(
                    crate::diagnostics::pointer_push(&view.pointer, keyword),
                    format!("the bound {v} is not a value an {rust} holds, so it is not checked"),
                );
            }
        }
    }

    /// Drops a `pattern` the Rust regex engine cannot compile, with a warning: the
    /// generated code must never fail on a pattern at run time.
    fn checked_constraints(&mut self, mut c: Constraints, at: &[Member<'a>]) -> Constraints {
        let pointer = at.first().map(|m| m.pointer.clone()).unwrap_or_default();
        if let Some(p) = &c.pattern {
            let error = self
                .patterns
                .entry(p.clone())
                .or_insert_with(|| pattern_error(p))
                .clone();
            if let Some(e) = error {
                self.diags.warning(
                    crate::diagnostics::pointer_push(&pointer, "pattern"),
                    format!(
                        "the pattern is not a regular expression this client can check, so it is not validated: {e}"
                    ),
                );
                c.pattern = None;
            }
        }
        if let Some(items) = c.items.take() {
            let inner = self.checked_constraints(*items, at);
            if !inner.is_empty() {
                c.items = Some(Box::new(inner));
            }
        }
        c
    }

    /// A string enum (or `x-extensible-enum`) becomes a named Rust enum. Read from a
    /// server, it is wrapped in `Open` so that values added later are kept.
    fn enum_type(
        &mut self,
        view: &SchemaView<'a>,
        dir: Direction,
        hint: &str,
        target: &Target,
    ) -> Option<TypeRef> {
        let values = if view.enumeration.is_empty() {
            view.extensible_enum
        } else {
            view.enumeration
        };
        let has_string = values.iter().any(Value::is_string);
        if !has_string || !values.iter().all(|v| v.is_string() || v.is_null()) {
            return None;
        }
        if matches!(view.kind, Some(k) if k != Kind::String) {
            return None;
        }
        let variants = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| EnumVariant {
                wire_value: v.to_string(),
                rust_name: (),
            })
            .collect();
        let def = TypeBody {
            origin: view.pointer.clone(),
            doc: view.description.map(str::to_string),
            // Enums are the same in both directions; only their use differs.
            validated: false,
            kind: TypeKind::Enum(EnumDef { variants }),
        };
        let id = self.place(def, hint, Direction::Read, target.clone());
        let t = TypeRef::Named(id);
        Some(if dir == Direction::Read {
            TypeRef::Open(Box::new(t))
        } else {
            t
        })
    }
}

/// An object whose oneOf/anyOf members only say which of its properties are required
/// (`anyOf: [{required: [image_url]}, {required: [file_id]}]`, "give one of these"): the
/// value is the object itself, with those properties optional.
fn only_requires(view: &SchemaView<'_>) -> bool {
    let members = view.one_of.iter().chain(&view.any_of);
    !view.properties.is_empty()
        && members.into_iter().all(|m| match m.schema {
            SchemaRef::Inline(Value::Object(keywords)) => {
                keywords.contains_key("required")
                    && keywords
                        .keys()
                        .all(|k| matches!(k.as_str(), "required" | "description" | "title"))
            }
            _ => false,
        })
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::String => "string",
        Kind::Number => "number",
        Kind::Integer => "integer",
        Kind::Boolean => "boolean",
        Kind::Object => "object",
        Kind::Array => "array",
        Kind::Null => "null",
        Kind::Unknown => "an unknown type",
    }
}

/// The description with the spec's default value noted: the server applies it when the
/// property is not sent.
fn with_default(doc: Option<String>, default: Option<&Value>) -> Option<String> {
    let Some(default) = default else { return doc };
    let note = format!("Default when not sent: `{default}`.");
    Some(match doc {
        Some(d) => format!("{}\n\n{note}", d.trim_end()),
        None => note,
    })
}

/// Whether a schema only annotates: no keyword of its own changes the shape of a value
/// (`type: object` alone does not, since it restates what the other members say). The
/// names of properties it annotates are added to `annotated`.
fn only_annotates<'a>(
    mut v: SchemaView<'a>,
    version: crate::load::SpecVersion,
    annotated: &mut Vec<&'a str>,
) -> bool {
    v.title = None;
    v.description = None;
    v.nullable = false;
    v.read_only = false;
    v.write_only = false;
    v.required.clear();
    if v.kind == Some(Kind::Object) {
        v.kind = None;
    }
    for (name, contributions) in std::mem::take(&mut v.properties) {
        let all_annotate = contributions.into_iter().all(|m| match m.schema {
            SchemaRef::Inline(s) => {
                let mut inner = Vec::new();
                only_annotates(SchemaView::of(s, &m.pointer, version), version, &mut inner)
                    && inner.is_empty()
            }
            SchemaRef::Ref(_) => false,
        });
        if !all_annotate {
            return false;
        }
        annotated.push(name);
    }
    v.is_annotation_only()
}

/// Why a pattern cannot be checked by the generated client, if it cannot. Parsing is
/// enough (garde compiles the same syntax with the same `regex` engine), and much cheaper
/// than compiling.
fn pattern_error(pattern: &str) -> Option<String> {
    regex_syntax::Parser::new()
        .parse(pattern)
        .err()
        .map(|e| e.to_string())
}

#[derive(Default, Clone)]
pub(super) struct PropertyFlags {
    read_only: bool,
    description: Option<String>,
    default: Option<Value>,
    constraints: Constraints,
}

/// Whether a schema has binary data of its own: a binary string, in its properties, items
/// or alternatives, not following references (a referenced schema is asked on its own).
fn holds_binary(schema: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let Some(object) = schema.as_object() else {
        return false;
    };
    if object.get("format").and_then(Value::as_str) == Some("binary")
        || (object.contains_key("contentMediaType") && !object.contains_key("contentEncoding"))
    {
        return true;
    }
    let nested = |key: &str| match object.get(key) {
        Some(Value::Object(map)) if key == "properties" => {
            map.values().any(|v| holds_binary(v, depth + 1))
        }
        Some(Value::Array(list)) => list.iter().any(|v| holds_binary(v, depth + 1)),
        Some(other) => holds_binary(other, depth + 1),
        None => false,
    };
    ["properties", "items", "anyOf", "oneOf", "allOf"]
        .iter()
        .any(|k| nested(k))
}
