//! Responses: the order they are read in, their bodies, the error body an operation
//! shares, and the typed headers of a success.

use super::bodies::{essence, is_binary, is_json, is_wildcard, pick_content, schema_hint};
use super::examples::collect_examples;
use super::view::{Kind, SchemaRef};
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::Unnamed;
use crate::model::{
    Api, ErrorResponse, HeaderKind, HeaderSet, HeaderSetId, ResponseEncoding, ResponseHeader,
    TypeRef,
};
use openapiv3::{ParameterSchemaOrContent, ReferenceOr, StatusCode};

/// An operation's responses in spec order, the `default` response last, each with its
/// status (`None` for `default`; a range such as `4XX` as its first code) and key.
pub(super) fn response_entries(
    responses: &openapiv3::Responses,
) -> Vec<(Option<u16>, String, &ReferenceOr<openapiv3::Response>)> {
    let mut entries = Vec::new();
    for (status, response) in &responses.responses {
        let code = match status {
            StatusCode::Code(c) => *c,
            StatusCode::Range(n) => n * 100,
        };
        entries.push((Some(code), status.to_string(), response));
    }
    if let Some(default) = &responses.default {
        entries.push((None, "default".to_string(), default));
    }
    entries
}

/// The body of a response (the media type a client prefers: JSON when offered), with how
/// it is read, and the examples the spec gives for it.
pub(super) fn response_body<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    response: &'a openapiv3::Response,
    at: &str,
    hint: &str,
    dir: Direction,
) -> Option<(TypeRef, ResponseEncoding)> {
    let (content_type, media) = pick_content(&response.content)?;
    let media_at = pointer_push(&pointer_push(at, "content"), content_type);
    let schema_at = pointer_push(&media_at, "schema");
    let essence = essence(content_type);
    let schema_node = media
        .schema
        .as_ref()
        .and_then(|_| r.loaded.raw.pointer(&schema_at));
    if is_json(content_type)
        || (is_wildcard(&essence) && schema_node.is_some_and(|s| !is_binary(s)))
    {
        // JSON without a schema is still JSON: any value. A wildcard media type with a
        // schema (as some frameworks write for JSON) is read as JSON too, unless the
        // schema says binary.
        let ty = match media
            .schema
            .as_ref()
            .and_then(|_| r.schema_at(schema_at.clone()))
        {
            Some(s) => {
                let hint = schema_hint(r, &schema_at, hint);
                r.type_of(&s, dir, &hint)
            }
            None => TypeRef::Json,
        };
        if dir == Direction::Read {
            collect_examples(r, api, media, &media_at, &ty);
        }
        Some((ty, ResponseEncoding::Json))
    } else if essence.starts_with("text/") {
        Some((TypeRef::String, ResponseEncoding::Text))
    } else {
        Some((TypeRef::Bytes, ResponseEncoding::Bytes))
    }
}

/// All error responses of an operation usually share one body schema (Confluent's
/// `Failure`); then that is the error body type. Otherwise bodies are kept as JSON, and so
/// are bodies that are not JSON at all (XML, bytes): an error body is parsed when it can
/// be, and its start is kept in the error either way.
pub(super) fn common_error_body(errors: &[ErrorResponse]) -> TypeRef {
    let mut bodies = errors.iter().filter_map(|e| e.body.as_ref());
    match bodies.next() {
        Some(TypeRef::Bytes) => TypeRef::Json,
        Some(first) if bodies.all(|b| b == first) => first.clone(),
        _ => TypeRef::Json,
    }
}

pub(super) fn header_set<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    headers: &'a indexmap::IndexMap<String, ReferenceOr<openapiv3::Header>>,
    at: &str,
    operation_id: &str,
) -> Option<HeaderSetId> {
    if headers.is_empty() {
        return None;
    }
    let mut list = Vec::new();
    for (name, header) in headers {
        let here = pointer_push(&pointer_push(at, "headers"), name);
        let Some((header, header_at)) = r.follow(header, &here, "headers", |c| &c.headers) else {
            continue;
        };
        // Only a header's own schema is read for its type (a referenced one is text).
        let own_schema = match &header.format {
            ParameterSchemaOrContent::Schema(_) => r
                .schema_at(pointer_push(&header_at, "schema"))
                .filter(|m| matches!(m.schema, SchemaRef::Inline(_))),
            ParameterSchemaOrContent::Content(_) => None,
        };
        let schema_kind = match own_schema
            .and_then(|m| r.flat_view(&m))
            .map(|v| (v.kind, v.more_kinds.is_empty()))
        {
            Some((Some(Kind::Integer), true)) => HeaderKind::Integer,
            Some((Some(Kind::Number), true)) => HeaderKind::Number,
            Some((Some(Kind::Boolean), true)) => HeaderKind::Boolean,
            _ => HeaderKind::String,
        };
        // Retry-After and X-RateLimit-Reset count seconds from now (Confluent documents
        // its reset header as relative, unlike some other APIs), so they are durations.
        let lower = name.to_ascii_lowercase();
        let kind = if schema_kind == HeaderKind::Integer
            && (lower == "retry-after" || lower == "x-ratelimit-reset")
        {
            HeaderKind::Seconds
        } else {
            schema_kind
        };
        list.push(ResponseHeader {
            wire_name: name.clone(),
            rust_name: (),
            kind,
            doc: header.description.clone(),
        });
    }
    if let Some(i) = api.header_sets.iter().position(|s| s.headers == list) {
        api.header_sets[i].used_by.push(operation_id.to_string());
        return Some(HeaderSetId(i));
    }
    api.header_sets.push(HeaderSet {
        name: (),
        headers: list,
        used_by: vec![operation_id.to_string()],
    });
    Some(HeaderSetId(api.header_sets.len() - 1))
}
