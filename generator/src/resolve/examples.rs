//! The spec's examples, kept to be checked against the types that read them.

use super::example_check;
use super::Resolver;
use crate::diagnostics::pointer_push;
use crate::load::SpecVersion;
use crate::model::Unnamed;
use crate::model::{Api, Example, TypeRef};
use serde_json::Value;

/// Examples of component schemas that responses use, checked against the response-side
/// type (the one a client decodes). OpenAPI 3.0 gives one `example`; 3.1 a list of
/// `examples` too.
pub(super) fn schema_examples(r: &mut Resolver<'_>, api: &mut Api<Unnamed, ()>) {
    let Some(schemas) = r
        .loaded
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, schema) in schemas {
        let schema_pointer = pointer_push("/components/schemas", name);
        let Some(ty) = r.read_type_of_schema(&schema_pointer) else {
            continue;
        };
        if schema.get("$ref").is_some() && r.loaded.version == SpecVersion::V3_0 {
            continue;
        }
        let mut found = Vec::new();
        if let Some(value) = schema.get("example") {
            found.push((pointer_push(&schema_pointer, "example"), value));
        }
        if let Some(Value::Array(values)) = schema.get("examples") {
            let base = pointer_push(&schema_pointer, "examples");
            for (i, value) in values.iter().enumerate() {
                found.push((pointer_push(&base, &i.to_string()), value));
            }
        }
        for (pointer, value) in found {
            let problem = example_check::problem(&r.loaded.raw, &schema_pointer, value);
            api.examples.push(Example {
                pointer,
                ty: ty.clone(),
                value: value.clone(),
                problem,
            });
        }
    }
}

/// Records the media type's `example` and `examples` (inline or by reference). A
/// component response shared by many operations is recorded once.
pub(super) fn collect_examples<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    media: &'a openapiv3::MediaType,
    at: &str,
    ty: &TypeRef,
) {
    let mut found = Vec::new();
    if let Some(value) = &media.example {
        found.push((pointer_push(at, "example"), value.clone()));
    }
    for (name, example) in &media.examples {
        let here = pointer_push(&pointer_push(at, "examples"), name);
        if let Some((example, _)) = r.follow(example, &here, "examples", |c| &c.examples) {
            if let Some(value) = &example.value {
                found.push((pointer_push(&here, "value"), value.clone()));
            }
        }
    }
    let schema = pointer_push(at, "schema");
    for (pointer, value) in found {
        if !api.examples.iter().any(|e| e.pointer == pointer) {
            let problem = example_check::problem(&r.loaded.raw, &schema, &value);
            api.examples.push(Example {
                pointer,
                ty: ty.clone(),
                value,
                problem,
            });
        }
    }
}
