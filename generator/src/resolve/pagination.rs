//! Finds list operations that page the Confluent way: an optional `page_token` query
//! parameter, and a body with a `data` list and `metadata.next`, the URL of the next page.
//! Such operations get a second method that streams every item across the pages.

use crate::model::{Api, Field, Pagination, ParameterLocation, TypeKind, TypeRef};
use std::collections::BTreeSet;

pub(super) fn find_pagination(api: &mut Api) {
    let mut taken: BTreeSet<String> = api
        .operations
        .iter()
        .map(|op| op.method_name.clone())
        .collect();
    for i in 0..api.operations.len() {
        let Some(mut found) = pagination_of(api, i) else {
            continue;
        };
        let base = format!("{}_stream", api.operations[i].method_name);
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        found.method_name = name;
        api.operations[i].pagination = Some(found);
    }
}

fn pagination_of(api: &Api, index: usize) -> Option<Pagination> {
    let op = &api.operations[index];
    if op.request_body.is_some() {
        return None;
    }
    let token = op.parameters.iter().find(|p| {
        p.location == ParameterLocation::Query && p.wire_name == "page_token" && !p.required
    })?;
    if !matches!(strip(&token.ty).0, TypeRef::String) {
        return None;
    }
    let body = struct_fields(api, op.success.body.as_ref()?)?;
    let data = body.iter().find(|f| f.wire_name == "data")?;
    let (data_ty, data_options) = options_of(data);
    let TypeRef::Array(item) = data_ty else {
        return None;
    };
    let metadata = body.iter().find(|f| f.wire_name == "metadata")?;
    let (metadata_ty, metadata_options) = options_of(metadata);
    let next = struct_fields(api, metadata_ty)?
        .iter()
        .find(|f| f.wire_name == "next")?;
    let (next_ty, next_options) = options_of(next);
    if !matches!(next_ty, TypeRef::String) {
        return None;
    }
    let mut arguments: Vec<&str> = op
        .parameters
        .iter()
        .filter(|p| p.is_positional())
        .map(|p| p.rust_name.as_str())
        .collect();
    arguments.push("params");
    Some(Pagination {
        method_name: String::new(),
        locals: crate::naming::stream_locals(&arguments),
        item: (**item).clone(),
        token_field: token.rust_name.clone(),
        data_field: data.rust_name.clone(),
        data_options,
        metadata_field: metadata.rust_name.clone(),
        metadata_options,
        next_field: next.rust_name.clone(),
        next_options,
    })
}

fn struct_fields<'a>(api: &'a Api, t: &TypeRef) -> Option<&'a [Field]> {
    let TypeRef::Named(id) = strip(t).0 else {
        return None;
    };
    match &api.types.get(id.0)?.kind {
        TypeKind::Struct(s) => Some(&s.fields),
        _ => None,
    }
}

/// The type under any `Nullable`, and whether there was one.
fn strip(t: &TypeRef) -> (&TypeRef, bool) {
    match t {
        TypeRef::Nullable(inner) => (inner, true),
        other => (other, false),
    }
}

/// A field's value type and how many `Option`s the rendered field wraps it in (the same
/// rule the renderer applies: optional adds one, nullable adds one).
fn options_of(f: &Field) -> (&TypeRef, u8) {
    let (ty, nullable) = strip(&f.ty);
    (ty, u8::from(!f.required) + u8::from(nullable))
}
