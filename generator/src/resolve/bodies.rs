//! Request bodies: the media type a client sends, how it encodes the body (JSON, a form,
//! multipart parts, text or bytes), and the media-type rules responses share.

use super::examples::collect_examples;
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::Unnamed;
use crate::model::{Api, BodyEncoding, FormField, ParamStyle, RequestBody, TypeRef};
use openapiv3::ReferenceOr;
use serde_json::Value;

/// A request body (written at `at`, possibly by reference): the media type the client
/// sends, how, and the type of the body. `dir` is the direction the body travels in
/// (a webhook's request is read by the receiver).
pub(super) fn request_body<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
    at: &str,
    hint: &str,
    dir: Direction,
) -> Option<RequestBody> {
    let (body, at) = r.follow(body, at, "requestBodies", |c| &c.request_bodies)?;
    let (content_type, media) = pick_content(&body.content)?;
    body_of_media(r, api, body, &at, content_type, media, hint, dir)
}

/// The headers an `encoding` object (its `headers` at `at`) gives a multipart part, with the
/// value each one always has: its schema's `const`, its one `enum` value, or its
/// `default`. A header without such a value has nothing a client could send, which a
/// warning says; `Content-Type` is the encoding's `contentType`, so it is left out.
fn part_headers(r: &mut Resolver<'_>, at: &str) -> Vec<(String, String)> {
    let loaded = r.loaded;
    let raw = &loaded.raw;
    let Some(headers) = raw.pointer(at).and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut unsent = Vec::new();
    for (name, header) in headers {
        if name.eq_ignore_ascii_case("content-type") {
            continue;
        }
        let schema = follow_local(
            raw,
            follow_local(raw, header)
                .get("schema")
                .unwrap_or(&Value::Null),
        );
        let fixed = schema
            .get("const")
            .or_else(|| match schema.get("enum").and_then(Value::as_array) {
                Some(one) if one.len() == 1 => one.first(),
                _ => None,
            })
            .or_else(|| schema.get("default"));
        match fixed {
            Some(Value::String(text)) => out.push((name.clone(), text.clone())),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                out.push((name.clone(), v.to_string()))
            }
            _ => unsent.push(name.clone()),
        }
    }
    for name in unsent {
        r.diags.warning(
            pointer_push(at, &name),
            format!("the part header `{name}` has no fixed value (a `const`, one `enum` value or a `default`), so it is not sent"),
        );
    }
    out
}

/// A node, or what its local `$ref` (a header, a schema in the same document) names.
fn follow_local<'v>(raw: &'v Value, mut node: &'v Value) -> &'v Value {
    for _ in 0..8 {
        let target = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| raw.pointer(p));
        match target {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

/// The multipart alternative of a request body (written at `at`), if it offers one.
pub(super) fn upload_body<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
    at: &str,
    hint: &str,
) -> Option<RequestBody> {
    let (body, at) = r.follow(body, at, "requestBodies", |c| &c.request_bodies)?;
    let (content_type, media) = body
        .content
        .iter()
        .find(|(k, _)| essence(k) == "multipart/form-data")?;
    body_of_media(
        r,
        api,
        body,
        &at,
        content_type,
        media,
        hint,
        Direction::Write,
    )
}

/// A request body sent as `content_type`, one of the media types it offers.
#[allow(clippy::too_many_arguments)]
fn body_of_media<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    body: &'a openapiv3::RequestBody,
    at: &str,
    content_type: &'a str,
    media: &'a openapiv3::MediaType,
    hint: &str,
    dir: Direction,
) -> Option<RequestBody> {
    let at = pointer_push(
        &pointer_push(&pointer_push(at, "content"), content_type),
        "schema",
    );
    let essence = essence(content_type);
    let encoding = if is_json(content_type) {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Bytes
    };
    let schema = media.schema.as_ref().and_then(|_| r.schema_at(at.clone()));
    let ty = match (schema, encoding) {
        (Some(s), BodyEncoding::Multipart) if dir == Direction::Write => {
            // The binary properties of an upload are files.
            let hint = schema_hint(r, &at, hint);
            let outer = std::mem::replace(&mut r.uploading, true);
            let t = r.type_of(&s, dir, &hint);
            r.uploading = outer;
            t
        }
        (Some(s), BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart) => {
            let hint = schema_hint(r, &at, hint);
            r.type_of(&s, dir, &hint)
        }
        // A webhook's JSON body without a schema is still JSON: any value.
        (None, BodyEncoding::Json) if dir == Direction::Read => TypeRef::Json,
        (None, BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart) => TypeRef::Json,
        (_, BodyEncoding::Text) => TypeRef::String,
        _ => TypeRef::Bytes,
    };
    if dir == Direction::Read && encoding == BodyEncoding::Json {
        // A body the client reads (a webhook's) comes with examples to check, as a
        // response's do.
        let media_at = at.strip_suffix("/schema").unwrap_or(&at).to_string();
        collect_examples(r, api, media, &media_at, &ty);
    }
    // A form's `encoding` object says how each property it names is written.
    let form_fields = if matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart) {
        let encoding_at = pointer_push(at.strip_suffix("/schema").unwrap_or(&at), "encoding");
        media
            .encoding
            .iter()
            .map(|(name, e)| {
                // `openapiv3` reads an absent `explode` as false; the default depends on the
                // style, so the document itself is asked.
                let written_explode = r
                    .loaded
                    .raw
                    .pointer(&pointer_push(&pointer_push(&encoding_at, name), "explode"))
                    .and_then(serde_json::Value::as_bool);
                let style = match e.style {
                    Some(openapiv3::QueryStyle::SpaceDelimited) => ParamStyle::SpaceDelimited,
                    Some(openapiv3::QueryStyle::PipeDelimited) => ParamStyle::PipeDelimited,
                    Some(openapiv3::QueryStyle::DeepObject) => ParamStyle::DeepObject,
                    _ => ParamStyle::Form,
                };
                FormField {
                    name: name.clone(),
                    style,
                    explode: written_explode.unwrap_or(style == ParamStyle::Form),
                    allow_reserved: e.allow_reserved,
                    json: e.content_type.as_deref().is_some_and(is_json),
                    content_type: e.content_type.clone(),
                    headers: if encoding == BodyEncoding::Multipart {
                        part_headers(
                            r,
                            &pointer_push(&pointer_push(&encoding_at, name), "headers"),
                        )
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(RequestBody {
        content_type: content_type.to_string(),
        required: body.required,
        encoding,
        form_fields,
        ty,
    })
}

/// The name for the type of a schema written at `pointer` for an operation: `default`
/// (named after the operation), unless the schema is written in a place operations share
/// (a component, another file), whose name it then takes, so that every operation using
/// it gets one type.
pub(super) fn schema_hint(r: &Resolver<'_>, pointer: &str, default: &str) -> String {
    let origin = r.loaded.origin_of(pointer);
    if origin.starts_with("/paths/") || origin.starts_with("/webhooks/") {
        default.to_string()
    } else {
        r.schema_base_name(&origin)
    }
}

/// `*/*` or `application/*`: any type of that family.
pub(super) fn is_wildcard(essence: &str) -> bool {
    essence == "*/*" || essence == "application/*"
}

/// A schema of binary data: `type: string` with `format: binary`, or a media type.
pub(super) fn is_binary(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
        || schema.get("contentMediaType").is_some()
}

/// A media type without its parameters, in lower case: `application/json; charset=utf-8`
/// is `application/json`.
pub(super) fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// The media type a client uses: JSON when offered, else the first listed.
pub(super) fn pick_content(content: &openapiv3::Content) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(k, _)| is_json(k))
        .or_else(|| content.iter().next())
        .map(|(k, v)| (k.as_str(), v))
}
