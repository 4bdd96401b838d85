//! Streamed responses: a success response that may come as server-sent events or JSON
//! lines, and the request property that asks for the stream.

use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::Unnamed;
use crate::model::{
    Api, BodyEncoding, EventBody, EventFormat, Operation, StreamSwitch, TypeKind, TypeRef,
};
use serde_json::Value;

/// The stream format of a media type, if it is one.
pub(super) fn event_format(content_type: &str) -> Option<EventFormat> {
    match super::bodies::essence(content_type).as_str() {
        "text/event-stream" => Some(EventFormat::Sse),
        "application/jsonl"
        | "application/x-jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines"
        | "application/x-ndjson"
        | "application/ndjson" => Some(EventFormat::JsonLines),
        "application/json-seq" => Some(EventFormat::JsonSeq),
        _ => None,
    }
}

/// The stream a success response (written at `at`) offers among its media types, if any:
/// its format and the type of each event's data.
///
/// The payload is described by the media type's `schema` (as most documents write it: the
/// schema of one event's data) or by OpenAPI 3.2's `itemSchema`. For server-sent events,
/// 3.2's item schema describes the whole event (`data`, `event`, `id`, `retry`); the type
/// is then that of its `data`, or of the `contentSchema` that `data` carries.
pub(super) fn event_body<'a>(
    r: &mut Resolver<'a>,
    response: &'a openapiv3::Response,
    at: &str,
    hint: &str,
) -> Option<EventBody> {
    let (media_type, format) = response
        .content
        .keys()
        .find_map(|k| event_format(k).map(|f| (k.clone(), f)))?;
    let media_at = pointer_push(&pointer_push(at, "content"), &media_type);
    let raw = &r.loaded.raw;
    let item_schema_at = pointer_push(&media_at, "itemSchema");
    let schema_at = if raw.pointer(&item_schema_at).is_some() {
        if format == EventFormat::Sse {
            sse_data_schema(r, &item_schema_at)
        } else {
            Some(item_schema_at)
        }
    } else {
        Some(pointer_push(&media_at, "schema")).filter(|p| raw.pointer(p).is_some())
    };
    let item = match schema_at.and_then(|p| r.schema_at(p)) {
        Some(member) => r.type_of(&member, Direction::Read, hint),
        None if format == EventFormat::Sse => TypeRef::String,
        None => TypeRef::Json,
    };
    Some(EventBody {
        format,
        media_type,
        item,
    })
}

/// Where the schema of an event's data is, in a 3.2 item schema of a whole server-sent
/// event: `data`'s `contentSchema` if it has one, else `data` itself; `None` (data kept as
/// text) when the item schema names no `data`.
fn sse_data_schema(r: &Resolver<'_>, item_at: &str) -> Option<String> {
    let raw = &r.loaded.raw;
    let mut at = item_at.to_string();
    // The item schema may be a reference to a component.
    for _ in 0..8 {
        match raw
            .pointer(&at)
            .and_then(|n| n.get("$ref"))
            .and_then(Value::as_str)
        {
            Some(reference) => match reference.strip_prefix('#') {
                Some(local) => at = local.to_string(),
                None => return None,
            },
            None => break,
        }
    }
    let data_at = pointer_push(&pointer_push(&at, "properties"), "data");
    let data = raw.pointer(&data_at)?;
    let content_schema_at = pointer_push(&data_at, "contentSchema");
    if data.get("contentSchema").is_some() {
        Some(content_schema_at)
    } else {
        Some(data_at)
    }
}

/// The boolean property of the operation's request body that asks for its stream
/// (`stream`), when the operation answers with a stream and the body has one: the events
/// method sets it.
pub(super) fn stream_switch(
    api: &Api<Unnamed, ()>,
    op: &Operation<Unnamed, ()>,
) -> Option<StreamSwitch<Unnamed>> {
    op.success.stream.as_ref()?;
    let body = op.request_body.as_ref()?;
    if body.encoding != BodyEncoding::Json && body.encoding != BodyEncoding::Multipart {
        return None;
    }
    // A body that may be null has no field to set.
    let TypeRef::Named(id) = &body.ty else {
        return None;
    };
    let TypeKind::Struct(s) = &api.type_def(*id)?.kind else {
        return None;
    };
    s.fields
        .iter()
        .enumerate()
        .find(|(_, f)| f.wire_name == "stream" && *f.ty.non_null() == TypeRef::Boolean)
        .map(|(place, f)| StreamSwitch {
            wire_name: f.wire_name.clone(),
            field: (*id, place),
            options: f.option_depth(),
        })
}
