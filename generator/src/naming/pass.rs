//! The naming pass: turns the model resolve leaves, with hints in place of names, into
//! the model render reads. Every crate-level name is decided here, in this order, each
//! kind in spec order so that the outcome is deterministic:
//!
//! 1. types, then the structs of response headers, then the parameter structs, in one
//!    scope (they share the `types` module); then the members of each type, each type a
//!    scope of its own, and the field steps paging and event streams take through them;
//! 2. operation methods, then the paging streams of each list operation, then the twin
//!    methods (`_streaming`, `_events`, `_upload`), in one scope (they share `Client`);
//! 3. the fields of each header set, and for each operation its parameters, then the
//!    arguments render adds to its methods and the locals of their bodies, clear of the
//!    parameters;
//! 4. the functions that decode webhooks.

use super::{
    additional_field, method_locals, parameter_names, setter_name, snake_ident, stream_locals,
    type_ident, MemberNames, Scope, BODY_ARGUMENT, CLIENT_METHODS, PARAMS_ARGUMENT,
};
use crate::model::{
    Additional, Api, Direction, EnumDef, EnumVariant, Field, FieldStep, Findings, HeaderSet,
    MethodNames, Named, Operation, Pagination, PagingNames, PagingStyle, Parameter,
    ResponseEncoding, ResponseHeader, RustName, StreamSwitch, StructDef, TaggedDef, TaggedVariant,
    TypeDef, TypeHint, TypeId, TypeKind, Unnamed, UntaggedDef, UntaggedVariant, VariantHint,
    Webhook,
};
use std::collections::{BTreeMap, BTreeSet};

/// Names every type, method, argument, local and function of the model.
pub fn name(api: Api<Unnamed>) -> Api<Named> {
    let mut types_scope = Scope::new();
    let type_names = type_names(&api.types, &mut types_scope);
    let set_names: Vec<RustName> = api
        .header_sets
        .iter()
        .map(|set| {
            // A set shared by several operations is named for what it is, not for one of
            // them.
            let base = match set.used_by.as_slice() {
                [only] => format!("{only} headers"),
                _ => "response headers".to_string(),
            };
            RustName::new(types_scope.claim(type_ident(&base, true)))
        })
        .collect();
    // The fields of each header set, named after the headers.
    let set_fields: Vec<Vec<RustName>> = api
        .header_sets
        .iter()
        .map(|set| {
            let mut names = MemberNames::fields();
            set.headers
                .iter()
                .map(|h| names.name(&h.wire_name))
                .collect()
        })
        .collect();
    let params_types: Vec<RustName> = api
        .operations
        .iter()
        .map(|op| {
            RustName::new(
                types_scope.claim(type_ident(&format!("{} params", op.operation_id), true)),
            )
        })
        .collect();

    let mut methods = Scope::with_reserved(CLIENT_METHODS);
    let method_names: Vec<RustName> = api
        .operations
        .iter()
        .map(|op| RustName::new(methods.claim(snake_ident(&op.operation_id))))
        .collect();
    let paging_names: Vec<Option<(RustName, RustName, Option<RustName>)>> = api
        .operations
        .iter()
        .zip(&method_names)
        .map(|(op, base)| {
            let p = op.findings.pagination.as_ref()?;
            let items = RustName::new(methods.claim(format!("{base}_stream")));
            let pages = RustName::new(methods.claim(format!("{base}_pages")));
            let at = p
                .style
                .at_method()
                .map(|()| RustName::new(methods.claim(format!("{base}_at"))));
            Some((items, pages, at))
        })
        .collect();
    let twins: Vec<[Option<RustName>; 3]> = api
        .operations
        .iter()
        .zip(&method_names)
        .map(|(op, base)| {
            let streaming = (op.success.encoding == ResponseEncoding::Bytes
                && op.success.body.is_some())
            .then(|| RustName::new(methods.claim(format!("{base}_streaming"))));
            let events = op
                .success
                .stream
                .is_some()
                .then(|| RustName::new(methods.claim(format!("{base}_events"))));
            let upload = op
                .upload
                .is_some()
                .then(|| RustName::new(methods.claim(format!("{base}_upload"))));
            [streaming, events, upload]
        })
        .collect();

    let mut functions = Scope::new();
    let webhooks = api
        .webhooks
        .into_iter()
        .map(|w| Webhook {
            function_name: RustName::new(functions.claim(snake_ident(&w.function_name))),
            name: w.name,
            http_method: w.http_method,
            doc: w.doc,
            deprecated: w.deprecated,
            body: w.body,
            response: w.response,
        })
        .collect();

    let types: Vec<TypeDef<Named>> = api
        .types
        .into_iter()
        .zip(type_names)
        .map(|(def, name)| TypeDef {
            name,
            origin: def.origin,
            doc: def.doc,
            validated: def.validated,
            kind: name_members(def.kind),
        })
        .collect();
    let fields = FieldNames { types: &types };

    let operations = api
        .operations
        .into_iter()
        .zip(method_names)
        .zip(params_types)
        .zip(paging_names)
        .zip(twins)
        .map(|((((op, method), params_type), paging), twins)| {
            name_operation(op, method, params_type, paging, twins, &set_fields, &fields)
        })
        .collect();

    Api {
        title: api.title,
        version: api.version,
        description: api.description,
        summary: api.summary,
        default_server: api.default_server,
        relative_server: api.relative_server,
        types,
        header_sets: api
            .header_sets
            .into_iter()
            .zip(set_names)
            .zip(set_fields)
            .map(|((set, name), fields)| HeaderSet {
                name,
                headers: set
                    .headers
                    .into_iter()
                    .zip(fields)
                    .map(|(h, rust_name)| ResponseHeader {
                        wire_name: h.wire_name,
                        rust_name,
                        kind: h.kind,
                        doc: h.doc,
                    })
                    .collect(),
                used_by: set.used_by,
            })
            .collect(),
        operations,
        webhooks,
        security_schemes: api.security_schemes,
        examples: api.examples,
        request_views: api.request_views,
        merged_types: api.merged_types,
        features: api.features,
    }
}

/// An operation with the names decided for it, and the parameters, arguments and locals
/// that follow from them. `set_fields` holds the named fields of every header set.
fn name_operation(
    op: Operation<Unnamed>,
    method: RustName,
    params_type: RustName,
    paging: Option<(RustName, RustName, Option<RustName>)>,
    [streaming, events, upload]: [Option<RustName>; 3],
    set_fields: &[Vec<RustName>],
    fields: &FieldNames<'_>,
) -> Operation<Named> {
    let wanted: Vec<_> = op
        .parameters
        .iter()
        .map(|p| (p.wire_name.as_str(), p.location))
        .collect();
    let parameters: Vec<Parameter<Named>> = op
        .parameters
        .iter()
        .zip(parameter_names(&wanted))
        .map(|(p, rust_name)| Parameter {
            wire_name: p.wire_name.clone(),
            setter: setter_name(&rust_name),
            rust_name,
            location: p.location,
            style: p.style,
            explode: p.explode,
            allow_reserved: p.allow_reserved,
            content: p.content.clone(),
            required: p.required,
            ty: p.ty.clone(),
            doc: p.doc.clone(),
        })
        .collect();
    let header_fields: &[RustName] = op
        .success
        .headers
        .and_then(|set| set_fields.get(set.0))
        .map_or(&[], Vec::as_slice);
    let positional: Vec<&str> = parameters
        .iter()
        .filter(|p| p.is_positional())
        .map(|p| p.rust_name.as_str())
        .collect();
    let has_params = parameters.iter().any(|p| !p.is_positional());
    // The method's arguments: the positional parameters, the optional ones (when there are
    // any) and the body (when there is one).
    let mut arguments = positional.clone();
    if has_params {
        arguments.push(PARAMS_ARGUMENT);
    }
    if op.request_body.is_some() {
        arguments.push(BODY_ARGUMENT);
    }
    let locals = method_locals(&arguments);
    // A stream method takes the positional parameters and the parameters struct.
    let mut stream_arguments = positional;
    stream_arguments.push(PARAMS_ARGUMENT);
    let pagination = match (op.findings.pagination, paging) {
        (Some(p), Some((items, pages, at))) => {
            let style = named_style(p.style, at, &parameters, header_fields, fields);
            let steps = fields.steps(p.items);
            style.zip(steps).map(|(style, steps)| Pagination {
                names: PagingNames {
                    items,
                    pages,
                    locals: stream_locals(&stream_arguments),
                },
                item: p.item,
                items: steps,
                style,
                declared: p.declared,
            })
        }
        _ => None,
    };
    Operation {
        origin: op.origin,
        operation_id: op.operation_id,
        tags: op.tags,
        http_method: op.http_method,
        path: op.path,
        path_segments: op.path_segments,
        doc: op.doc,
        deprecated: op.deprecated,
        parameters,
        request_body: op.request_body,
        success: op.success,
        errors: op.errors,
        error_body: op.error_body,
        upload: op.upload,
        accepts: op.accepts,
        names: MethodNames {
            method,
            params_type,
            params: RustName::new(PARAMS_ARGUMENT),
            body: RustName::new(BODY_ARGUMENT),
            streaming,
            events,
            upload,
            locals,
        },
        findings: Findings {
            pagination,
            unpaged: op.findings.unpaged,
            // A switch that names no field (never written by resolve) is left out.
            stream_switch: op.findings.stream_switch.and_then(|w| {
                Some(StreamSwitch {
                    field: fields.name(w.field)?,
                    wire_name: w.wire_name,
                    options: w.options,
                })
            }),
        },
    }
}

/// A paging style with its parameter and header named, and the name of the method that
/// follows the URLs it is given for the styles that follow one (`at` is claimed exactly
/// for those). `None` when the style points at a parameter or header the operation does
/// not have, which resolve never writes.
fn named_style(
    style: PagingStyle<Unnamed>,
    at: Option<RustName>,
    parameters: &[Parameter<Named>],
    header_fields: &[RustName],
    fields: &FieldNames<'_>,
) -> Option<PagingStyle<Named>> {
    let param = |i: usize| parameters.get(i).map(|p| p.rust_name.clone());
    let at = at.unwrap_or_default();
    Some(match style {
        PagingStyle::Cursor {
            param: i,
            next,
            in_url,
        } => PagingStyle::Cursor {
            param: param(i)?,
            next: fields.steps(next)?,
            in_url,
        },
        PagingStyle::After {
            param: i,
            has_more,
            last_id,
            item_id,
        } => PagingStyle::After {
            param: param(i)?,
            has_more: fields.steps(has_more)?,
            last_id: match last_id {
                Some(steps) => Some(fields.steps(steps)?),
                None => None,
            },
            item_id: match item_id {
                Some(step) => Some(fields.step(step)?),
                None => None,
            },
        },
        PagingStyle::NextUrl { next, .. } => PagingStyle::NextUrl {
            next: fields.steps(next)?,
            at_method: at,
        },
        PagingStyle::LinkHeader { header, .. } => PagingStyle::LinkHeader {
            header: header_fields.get(header)?.clone(),
            at_method: at,
        },
        PagingStyle::Offset {
            param: i,
            by_page,
            total,
        } => PagingStyle::Offset {
            param: param(i)?,
            by_page,
            total: match total {
                Some(steps) => Some(fields.steps(steps)?),
                None => None,
            },
        },
    })
}

/// The members of one type, named: struct fields after their wire names, enum variants
/// after their values, tagged variants after their tag values (clear of the `Unknown`
/// variant), and untagged variants after their content or their type.
fn name_members(kind: TypeKind<Unnamed>) -> TypeKind<Named> {
    match kind {
        TypeKind::Struct(s) => {
            let mut names = MemberNames::fields();
            let fields: Vec<Field<Named>> = s
                .fields
                .into_iter()
                .map(|f| {
                    let rust_name = names.name(&f.wire_name);
                    Field {
                        setter: setter_name(&rust_name),
                        rust_name,
                        wire_name: f.wire_name,
                        ty: f.ty,
                        required: f.required,
                        doc: f.doc,
                        constraints: f.constraints,
                    }
                })
                .collect();
            let taken: Vec<RustName> = fields.iter().map(|f| f.rust_name.clone()).collect();
            TypeKind::Struct(StructDef {
                fields,
                additional: s.additional.map(|a| Additional {
                    ty: a.ty,
                    field: additional_field(&taken),
                }),
            })
        }
        TypeKind::Enum(e) => {
            let mut names = MemberNames::variants();
            TypeKind::Enum(EnumDef {
                variants: e
                    .variants
                    .into_iter()
                    .map(|v| EnumVariant {
                        rust_name: names.name(&v.wire_value),
                        wire_value: v.wire_value,
                    })
                    .collect(),
            })
        }
        TypeKind::Tagged(t) => {
            let mut names = MemberNames::tagged_variants();
            TypeKind::Tagged(TaggedDef {
                tag: t.tag,
                variants: t
                    .variants
                    .into_iter()
                    .map(|v| TaggedVariant {
                        rust_name: names.name(&v.tag_value),
                        tag_value: v.tag_value,
                        ty: v.ty,
                    })
                    .collect(),
                open: t.open,
            })
        }
        TypeKind::Untagged(u) => {
            // Variants named by type claim their names in the order they were read (the
            // variants are kept sorted for decoding, most specific first).
            let mut order: Vec<usize> = (0..u.variants.len()).collect();
            order.sort_by_key(|&i| match &u.variants[i].rust_name {
                VariantHint::Type(read) => *read,
                VariantHint::Content(_) => i,
            });
            let mut names = MemberNames::variants();
            let mut chosen: Vec<Option<RustName>> = vec![None; u.variants.len()];
            for i in order {
                let v = &u.variants[i];
                chosen[i] = Some(match &v.rust_name {
                    VariantHint::Content(name) => RustName::new(name.as_str()),
                    VariantHint::Type(read) => names.name_by_type(&v.ty, *read),
                });
            }
            TypeKind::Untagged(UntaggedDef {
                variants: u
                    .variants
                    .into_iter()
                    .zip(chosen)
                    .map(|(v, name)| UntaggedVariant {
                        rust_name: name.unwrap_or_default(),
                        ty: v.ty,
                    })
                    .collect(),
            })
        }
        TypeKind::Alias(t) => TypeKind::Alias(t),
    }
}

/// The named fields of every struct, for the steps and switches that point at them.
struct FieldNames<'a> {
    types: &'a [TypeDef<Named>],
}

impl FieldNames<'_> {
    /// The name of the field at a place of a struct.
    fn name(&self, (owner, place): (TypeId, usize)) -> Option<RustName> {
        match &self.types.get(owner.0)?.kind {
            TypeKind::Struct(s) => s.fields.get(place).map(|f| f.rust_name.clone()),
            _ => None,
        }
    }

    fn step(&self, step: FieldStep<Unnamed>) -> Option<FieldStep<Named>> {
        Some(FieldStep {
            field: self.name(step.field)?,
            options: step.options,
        })
    }

    fn steps(&self, steps: Vec<FieldStep<Unnamed>>) -> Option<Vec<FieldStep<Named>>> {
        steps.into_iter().map(|s| self.step(s)).collect()
    }
}

/// Decides type names. Component names lose their package prefix unless two components
/// would then share a name; a request-side view of a schema that also has a response-side
/// view gets `Request` appended, and the upload view of a schema also sent as JSON gets
/// `Upload`. Remaining clashes are numbered in arena order.
fn type_names(types: &[TypeDef<Unnamed>], scope: &mut Scope) -> Vec<RustName> {
    let hints: Vec<&TypeHint> = types.iter().map(|def| &def.name).collect();
    let mut short_owner: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for h in &hints {
        short_owner
            .entry(type_ident(&h.base, true))
            .or_default()
            .insert(h.base.as_str());
    }
    let read_bases: BTreeSet<&str> = hints
        .iter()
        .filter(|h| h.direction == Direction::Read)
        .map(|h| h.base.as_str())
        .collect();
    // Components sent as JSON too: their upload view is named apart.
    let json_bases: BTreeSet<&str> = hints
        .iter()
        .filter(|h| !h.upload && h.component.is_some())
        .map(|h| h.base.as_str())
        .collect();
    types
        .iter()
        .map(|def| {
            let hint = &def.name;
            let short = short_owner
                .get(&type_ident(&hint.base, true))
                .is_none_or(|owners| owners.len() <= 1);
            let mut name = type_ident(&hint.base, short);
            if hint.upload && json_bases.contains(hint.base.as_str()) {
                name.push_str("Upload");
            } else if hint.direction == Direction::Write
                && read_bases.contains(hint.base.as_str())
                && !matches!(def.kind, TypeKind::Enum(_))
            {
                name.push_str("Request");
            }
            RustName::new(scope.claim(name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::name;
    use crate::model::testing::string_parameter;
    use crate::model::{
        Api, Direction, FieldStep, Operation, Pagination, PagingStyle, Parameter,
        ParameterLocation, ResponseEncoding, RustName, StructDef, TypeDef, TypeHint, TypeKind,
        TypeRef, Unnamed,
    };

    fn operation(id: &str) -> Operation<Unnamed> {
        crate::model::testing::operation(id, ())
    }

    fn hint(base: &str, direction: Direction) -> TypeDef<Unnamed> {
        TypeDef {
            name: TypeHint {
                base: base.into(),
                component: Some(base.into()),
                direction,
                upload: false,
            },
            origin: String::new(),
            doc: None,
            validated: direction == Direction::Write,
            kind: TypeKind::Struct(StructDef::default()),
        }
    }

    #[test]
    fn methods_then_paging_streams_then_twins_share_one_scope() {
        let mut listed = operation("listThings");
        listed.findings.pagination = Some(Pagination {
            names: (),
            item: TypeRef::Json,
            items: Vec::new(),
            style: PagingStyle::NextUrl {
                next: Vec::new(),
                at_method: (),
            },
            declared: false,
        });
        let mut download = operation("new");
        download.success.body = Some(TypeRef::Bytes);
        download.success.encoding = ResponseEncoding::Bytes;
        let api = Api {
            operations: vec![listed, operation("list_things_stream"), download],
            ..Api::default()
        };
        let named = name(api);
        let methods: Vec<&str> = named
            .operations
            .iter()
            .map(|op| op.names.method.as_str())
            .collect();
        // `new` is the client's own; methods are claimed before any stream.
        assert_eq!(methods, ["list_things", "list_things_stream", "new2"]);
        let paging = named.operations[0]
            .findings
            .pagination
            .as_ref()
            .expect("pages");
        assert_eq!(paging.names.items, "list_things_stream2");
        assert_eq!(paging.names.pages, "list_things_pages");
        assert_eq!(
            paging.style.at_method().map(RustName::as_str),
            Some("list_things_at")
        );
        assert_eq!(
            named.operations[2].names.streaming.as_deref(),
            Some("new2_streaming")
        );
        assert_eq!(named.operations[0].names.streaming, None);
        let notes = named.paging_notes();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            notes[0].note,
            "pages by next URL: `list_things_stream2`, `list_things_pages`"
        );
    }

    #[test]
    fn locals_and_arguments_stay_clear_of_parameters() {
        let mut op = operation("get");
        op.parameters
            .push(string_parameter("request", ParameterLocation::Path, (), ()));
        let named = name(Api {
            operations: vec![op],
            ..Api::default()
        });
        let names = &named.operations[0].names;
        assert_eq!(names.locals.request, "request2");
        assert_eq!(names.locals.response, "response");
        assert_eq!(
            (names.params.as_str(), names.body.as_str()),
            ("params", "body")
        );
        assert_eq!(names.params_type, "GetParams");
    }

    #[test]
    fn parameters_are_named_and_paging_points_at_them_by_name() {
        let parameter = |wire: &str, location, required| Parameter {
            required,
            ..string_parameter(wire, location, (), ())
        };
        let mut op = operation("list");
        op.parameters = vec![
            parameter("id", ParameterLocation::Path, true),
            parameter("id", ParameterLocation::Query, false),
            parameter("body", ParameterLocation::Query, false),
            parameter("page-token", ParameterLocation::Query, false),
        ];
        op.findings.pagination = Some(Pagination {
            names: (),
            item: TypeRef::Json,
            items: Vec::new(),
            style: PagingStyle::Cursor {
                param: 3,
                next: Vec::new(),
                in_url: None,
            },
            declared: false,
        });
        let named = name(Api {
            operations: vec![op],
            ..Api::default()
        });
        let op = &named.operations[0];
        let names: Vec<&str> = op.parameters.iter().map(|p| p.rust_name.as_str()).collect();
        // A name met twice takes its location; `body` is the method's own argument.
        assert_eq!(names, ["id", "id_query", "body_query", "page_token"]);
        let paging = op.findings.pagination.as_ref().expect("pages");
        assert!(
            matches!(&paging.style, PagingStyle::Cursor { param, .. } if param == "page_token"),
            "{:?}",
            paging.style
        );
    }

    #[test]
    fn members_are_named_in_the_pass_and_steps_find_them_by_place() {
        let mut body = hint("Page", Direction::Read);
        let field = |wire: &str| crate::model::Field {
            wire_name: wire.into(),
            rust_name: (),
            setter: (),
            ty: TypeRef::String,
            required: false,
            doc: None,
            constraints: Default::default(),
        };
        body.kind = TypeKind::Struct(StructDef {
            fields: vec![
                field("next-cursor"),
                field("type"),
                field("Type"),
                field("additionalProperties"),
            ],
            additional: Some(crate::model::Additional {
                ty: TypeRef::Json,
                field: (),
            }),
        });
        let mut list = operation("list");
        list.findings.pagination = Some(Pagination {
            names: (),
            item: TypeRef::Json,
            items: Vec::new(),
            style: PagingStyle::NextUrl {
                next: vec![FieldStep {
                    field: (crate::model::TypeId(0), 0),
                    options: 1,
                }],
                at_method: (),
            },
            declared: false,
        });
        let named = name(Api {
            types: vec![body],
            operations: vec![list],
            ..Api::default()
        });
        let TypeKind::Struct(s) = &named.types[0].kind else {
            panic!("a struct")
        };
        let names: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
        // A keyword takes `_`; two names that meet are numbered.
        assert_eq!(
            names,
            ["next_cursor", "type_", "type_2", "additional_properties"]
        );
        // The field of the properties the schema does not list stays clear of them.
        assert_eq!(s.additional_field(), Some("additional_properties_"));
        let paging = named.operations[0]
            .findings
            .pagination
            .as_ref()
            .expect("pages");
        let PagingStyle::NextUrl { next, .. } = &paging.style else {
            panic!("next URL")
        };
        assert_eq!(next[0].field, "next_cursor");
    }

    #[test]
    fn a_request_view_of_a_read_type_is_named_apart() {
        let named = name(Api {
            types: vec![
                hint("pkg.Thing", Direction::Read),
                hint("pkg.Thing", Direction::Write),
                hint("other.Thing", Direction::Read),
            ],
            ..Api::default()
        });
        let names: Vec<&str> = named.types.iter().map(|t| t.name.as_str()).collect();
        // Two packages define `Thing`: the package stays in the name.
        assert_eq!(names, ["PkgThing", "PkgThingRequest", "OtherThing"]);
    }
}
