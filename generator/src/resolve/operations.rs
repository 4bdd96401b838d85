//! Operations: parameters, request bodies, responses and security, in spec order.

use super::example_check;
use super::view::{Kind, SchemaRef};
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::load::SpecVersion;
use crate::model::{
    Accepts, Api, BodyEncoding, ErrorResponse, Example, FormField, HeaderKind, HeaderSet,
    HeaderSetId, HttpMethod, Operation, ParamStyle, Parameter, ParameterLocation, RequestBody,
    ResponseEncoding, ResponseHeader, SecurityScheme, SuccessResponse, TypeRef,
};
use crate::naming::{snake_ident, Scope};
use openapiv3::{ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn resolve_api(r: &mut Resolver<'_>) -> Api {
    let doc = &r.loaded.document;
    let mut api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        summary: r
            .loaded
            .raw
            .pointer("/info/summary")
            .and_then(Value::as_str)
            .map(str::to_string),
        default_server: doc
            .servers
            .first()
            .map(server_url)
            .filter(|url| url.contains("://")),
        relative_server: doc
            .servers
            .first()
            .map(server_url)
            .filter(|url| !url.contains("://") && !url.is_empty()),
        ..Api::default()
    };
    api.security_schemes = security_schemes(r);
    let mut method_names = Scope::with_reserved(crate::naming::CLIENT_METHODS);
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let item_pointer = pointer_push("/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                r.diags
                    .error(item_pointer, "path items given by `$ref` are not supported");
                continue;
            }
        };
        for (method, op) in item.iter() {
            let pointer = pointer_push(&item_pointer, method);
            let operation_id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            if let Some(first) = seen_ids.get(&operation_id) {
                // Invalid, but common in published documents: the operation is still
                // generated, its method named apart from the first one's.
                r.diags.push(
                    crate::diagnostics::Diagnostic::warning(
                        pointer_push(&pointer, "operationId"),
                        format!("the operationId `{operation_id}` is already used by the operation at {first}; this operation's method is named apart"),
                    )
                    .with_help("operationIds must be unique within a document"),
                );
            } else {
                seen_ids.insert(operation_id.clone(), pointer.clone());
            }
            let method_name = method_names.claim(snake_ident(&operation_id));
            if let Some(operation) = resolve_operation(
                r,
                &mut api,
                path,
                method,
                &item.parameters,
                op,
                pointer,
                operation_id,
                method_name,
            ) {
                api.operations.push(operation);
            }
        }
    }
    super::webhooks::resolve_webhooks(r, &mut api);
    schema_examples(r, &mut api);
    api
}

/// A server's URL with each `{variable}` replaced by the variable's default value.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// Examples of component schemas that responses use, checked against the response-side
/// type (the one a client decodes). OpenAPI 3.0 gives one `example`; 3.1 a list of
/// `examples` too.
fn schema_examples(r: &mut Resolver<'_>, api: &mut Api) {
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

#[allow(clippy::too_many_arguments)]
fn resolve_operation<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api,
    path: &str,
    method: &str,
    path_parameters: &'a [ReferenceOr<openapiv3::Parameter>],
    op: &'a openapiv3::Operation,
    pointer: String,
    operation_id: String,
    method_name: String,
) -> Option<Operation> {
    let http_method = http_method(method);
    let parameters = parameters(
        r,
        path,
        &pointer,
        path_parameters,
        &op.parameters,
        &operation_id,
    );
    let request_body = op.request_body.as_ref().and_then(|body| {
        let at = pointer_push(&pointer, "requestBody");
        let hint = format!("{operation_id} request");
        request_body(r, api, body, &at, &hint, Direction::Write)
    });
    // A body offered as JSON and as a multipart upload is sent as JSON by the method; the
    // upload gets a method of its own, so that files can be sent too.
    let upload = match (&op.request_body, &request_body) {
        (Some(body), Some(chosen)) if chosen.encoding != BodyEncoding::Multipart => {
            let at = pointer_push(&pointer, "requestBody");
            let hint = format!("{operation_id} upload");
            upload_body(r, api, body, &at, &hint)
        }
        _ => None,
    };

    let responses_pointer = pointer_push(&pointer, "responses");
    let mut success = SuccessResponse {
        status: None,
        body: None,
        encoding: ResponseEncoding::Json,
        headers: None,
        stream: None,
    };
    let mut errors = Vec::new();
    for (code, key, response) in response_entries(&op.responses) {
        let at = pointer_push(&responses_pointer, &key);
        let Some((response, at)) = r.follow(response, &at, "responses", |c| &c.responses) else {
            continue;
        };
        let is_success = code.is_some_and(|c| (200..300).contains(&c));
        let hint = if is_success {
            format!("{operation_id} response")
        } else {
            format!("{operation_id} error")
        };
        // 204, 205 and 304 carry no content (RFC 9110): a body documented for one is
        // never sent, and a client that waited for it would fail on every answer.
        let body = if matches!(code, Some(204 | 205 | 304)) {
            if !response.content.is_empty() {
                r.diags.warning(
                    pointer_push(&at, "content"),
                    format!(
                        "a {} answer has no content, so the content documented for it is not read",
                        code.unwrap_or_default()
                    ),
                );
            }
            None
        } else {
            response_body(r, api, response, &at, &hint, Direction::Read)
        };
        if is_success && success.status.is_none() {
            success.status = code;
            if let Some((ty, encoding)) = body {
                success.body = Some(ty);
                success.encoding = encoding;
            }
            success.headers = header_set(r, api, &response.headers, &at, &operation_id);
            let hint = format!("{operation_id} event");
            success.stream = super::events::event_body(r, response, &at, &hint);
        } else if !is_success {
            errors.push(ErrorResponse {
                status: code,
                description: response.description.clone(),
                body: body.map(|(ty, _)| ty),
            });
        }
    }
    let error_body = common_error_body(&errors);
    let locals = method_locals(&parameters, request_body.is_some());
    let security = match (&op.security, &r.loaded.document.security) {
        (Some(own), _) => Some((own, pointer_push(&pointer, "security"))),
        (None, Some(document)) => Some((document, "/security".to_string())),
        (None, None) => None,
    };
    let accepts = accepts(r, api, security);
    Some(Operation {
        origin: pointer,
        operation_id,
        tags: op.tags.clone(),
        method_name,
        http_method,
        path: path.to_string(),
        doc: op.description.clone().or_else(|| op.summary.clone()),
        deprecated: op.deprecated,
        parameters,
        request_body,
        success,
        errors,
        error_body,
        params_type: String::new(),
        pagination: None,
        byte_stream: None,
        events_method: None,
        upload,
        upload_method: None,
        accepts,
        locals,
    })
}

/// The method's locals, named clear of its arguments: the parameters it takes
/// positionally, `params` for the optional ones, and `body`.
fn method_locals(parameters: &[Parameter], has_body: bool) -> crate::model::MethodLocals {
    let mut arguments: Vec<&str> = parameters
        .iter()
        .filter(|p| p.is_positional())
        .map(|p| p.rust_name.as_str())
        .collect();
    if parameters.iter().any(|p| !p.is_positional()) {
        arguments.push("params");
    }
    if has_body {
        arguments.push("body");
    }
    crate::naming::method_locals(&arguments)
}

pub(super) fn http_method(method: &str) -> HttpMethod {
    match method {
        "get" => HttpMethod::Get,
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "options" => HttpMethod::Options,
        "head" => HttpMethod::Head,
        "patch" => HttpMethod::Patch,
        _ => HttpMethod::Trace,
    }
}

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

/// A request body (written at `at`, possibly by reference): the media type the client
/// sends, how, and the type of the body. `dir` is the direction the body travels in
/// (a webhook's request is read by the receiver).
pub(super) fn request_body<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api,
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
fn upload_body<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api,
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
    api: &mut Api,
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

/// The body of a response (the media type a client prefers: JSON when offered), with how
/// it is read, and the examples the spec gives for it.
pub(super) fn response_body<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api,
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

/// The name for the type of a schema written at `pointer` for an operation: `default`
/// (named after the operation), unless the schema is written in a place operations share
/// (a component, another file), whose name it then takes, so that every operation using
/// it gets one type.
fn schema_hint(r: &Resolver<'_>, pointer: &str, default: &str) -> String {
    let origin = r.loaded.origin_of(pointer);
    if origin.starts_with("/paths/") || origin.starts_with("/webhooks/") {
        default.to_string()
    } else {
        r.schema_base_name(&origin)
    }
}

/// What credentials a list of security requirements accepts. Each requirement is an
/// alternative; a requirement naming several schemes needs all of them, which a client
/// holding one kind of credentials can meet only when they are all of that kind (for
/// `apiKey` schemes, one key each). A requirement naming a scheme the document does not
/// declare, or one this client cannot send, gets a warning where it is written.
fn accepts(
    r: &mut Resolver<'_>,
    api: &Api,
    security: Option<(&Vec<openapiv3::SecurityRequirement>, String)>,
) -> Accepts {
    let Some((requirements, at)) = security else {
        return Accepts {
            anonymous: true,
            ..Accepts::default()
        };
    };
    let mut out = Accepts {
        anonymous: requirements.is_empty(),
        ..Accepts::default()
    };
    for (i, requirement) in requirements.iter().enumerate() {
        if requirement.is_empty() {
            out.anonymous = true;
            continue;
        }
        let mut schemes: Vec<Option<&SecurityScheme>> = Vec::new();
        for name in requirement.keys() {
            let found = api.security_schemes.iter().find(|s| s.name() == name);
            if found.is_none() {
                let declared = r
                    .loaded
                    .raw
                    .pointer("/components/securitySchemes")
                    .and_then(|s| s.get(name))
                    .is_some();
                let message = if declared {
                    format!("the security scheme `{name}` is not one this client can send, so this requirement cannot be met")
                } else {
                    format!("the security requirement names `{name}`, which `components/securitySchemes` does not declare")
                };
                r.diags.warning(pointer_push(&at, &i.to_string()), message);
            }
            schemes.push(found);
        }
        let all = |f: &dyn Fn(&SecurityScheme) -> bool| schemes.iter().all(|s| s.is_some_and(f));
        if all(&|s| matches!(s, SecurityScheme::HttpBasic { .. })) {
            out.basic = true;
        } else if all(&|s| {
            matches!(
                s,
                SecurityScheme::HttpBearer { .. } | SecurityScheme::OAuth2ClientCredentials { .. }
            )
        }) {
            out.bearer = true;
        } else if all(&|s| matches!(s, SecurityScheme::ApiKey { .. })) {
            let uses = schemes
                .iter()
                .flatten()
                .filter_map(|s| match s {
                    SecurityScheme::ApiKey {
                        name,
                        location,
                        key_name,
                        ..
                    } => Some(crate::model::KeyUse {
                        scheme: name.clone(),
                        location: *location,
                        key_name: key_name.clone(),
                    }),
                    _ => None,
                })
                .collect();
            out.keys.push(uses);
        }
    }
    out
}

/// Records the media type's `example` and `examples` (inline or by reference). A
/// component response shared by many operations is recorded once.
pub(super) fn collect_examples<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api,
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

/// All error responses of an operation usually share one body schema (Confluent's
/// `Failure`); then that is the error body type. Otherwise bodies are kept as JSON, and so
/// are bodies that are not JSON at all (XML, bytes): an error body is parsed when it can
/// be, and its start is kept in the error either way.
fn common_error_body(errors: &[ErrorResponse]) -> TypeRef {
    let mut bodies = errors.iter().filter_map(|e| e.body.as_ref());
    match bodies.next() {
        Some(TypeRef::Bytes) => TypeRef::Json,
        Some(first) if bodies.all(|b| b == first) => first.clone(),
        _ => TypeRef::Json,
    }
}

/// `*/*` or `application/*`: any type of that family.
fn is_wildcard(essence: &str) -> bool {
    essence == "*/*" || essence == "application/*"
}

/// A schema of binary data: `type: string` with `format: binary`, or a media type.
fn is_binary(schema: &Value) -> bool {
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

fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// The media type a client uses: JSON when offered, else the first listed.
fn pick_content(content: &openapiv3::Content) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(k, _)| is_json(k))
        .or_else(|| content.iter().next())
        .map(|(k, v)| (k.as_str(), v))
}

fn parameters<'a>(
    r: &mut Resolver<'a>,
    path: &str,
    pointer: &str,
    path_level: &'a [ReferenceOr<openapiv3::Parameter>],
    op_level: &'a [ReferenceOr<openapiv3::Parameter>],
    operation_id: &str,
) -> Vec<Parameter> {
    let item_pointer = pointer
        .rsplit_once('/')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    let mut found: Vec<(&'a openapiv3::Parameter, String)> = Vec::new();
    let lists = [
        (path_level, pointer_push(&item_pointer, "parameters")),
        (op_level, pointer_push(pointer, "parameters")),
    ];
    for (list, base) in lists {
        for (i, p) in list.iter().enumerate() {
            let at = pointer_push(&base, &i.to_string());
            let Some((p, at)) = r.follow(p, &at, "parameters", |c| &c.parameters) else {
                continue;
            };
            let data = p.parameter_data_ref();
            // An operation's parameter replaces a path-level one with the same name and place.
            found.retain(|(q, _)| {
                let qd = q.parameter_data_ref();
                !(qd.name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(p))
            });
            found.push((p, at));
        }
    }
    let mut out = Vec::new();
    for (p, at) in found {
        let data = p.parameter_data_ref();
        let location = match p {
            openapiv3::Parameter::Path { .. } => ParameterLocation::Path,
            openapiv3::Parameter::Query { .. } => ParameterLocation::Query,
            openapiv3::Parameter::Header { .. } => ParameterLocation::Header,
            openapiv3::Parameter::Cookie { .. } => ParameterLocation::Cookie,
        };
        if location == ParameterLocation::Header {
            // The specification says these header parameters SHALL be ignored: the client
            // sets the content type and accepted types, and sends credentials itself.
            let lower = data.name.to_ascii_lowercase();
            if lower == "accept" || lower == "content-type" {
                continue;
            }
            if lower == "authorization" {
                r.diags.warning(
                    at,
                    "an `Authorization` header parameter is ignored, as the OpenAPI specification says; \
                     send credentials with `Credentials` (or a default header)",
                );
                continue;
            }
        }
        // A parameter given by `content` is typed by its media type's schema, and its
        // value is written in that media type.
        let (schema, content) = match &data.format {
            ParameterSchemaOrContent::Schema(_) => (r.schema_at(pointer_push(&at, "schema")), None),
            ParameterSchemaOrContent::Content(content) => match pick_content(content) {
                Some((media, _)) if is_json(media) => {
                    let media_at = pointer_push(&pointer_push(&at, "content"), media);
                    (
                        r.schema_at(pointer_push(&media_at, "schema")),
                        Some(media.to_string()),
                    )
                }
                // Another media type is sent as the text it is.
                _ => (None, None),
            },
        };
        let ty = match schema {
            Some(s) => {
                let hint = schema_hint(r, &s.pointer, &format!("{operation_id} {}", data.name));
                r.type_of(&s, Direction::Write, &hint)
            }
            None => TypeRef::String,
        };
        let style = match p {
            openapiv3::Parameter::Path { style, .. } => match style {
                openapiv3::PathStyle::Simple => ParamStyle::Simple,
                openapiv3::PathStyle::Label => ParamStyle::Label,
                openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
            },
            openapiv3::Parameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => ParamStyle::Form,
                openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
            },
            openapiv3::Parameter::Header { .. } => ParamStyle::Simple,
            openapiv3::Parameter::Cookie { .. } => ParamStyle::Form,
        };
        out.push(Parameter {
            style,
            // The specification's default: exploded for `form`, not for the others.
            explode: data.explode.unwrap_or(style == ParamStyle::Form),
            allow_reserved: matches!(
                p,
                openapiv3::Parameter::Query {
                    allow_reserved: true,
                    ..
                }
            ),
            content,
            wire_name: data.name.clone(),
            rust_name: String::new(),
            location,
            required: data.required || location == ParameterLocation::Path,
            ty,
            doc: data.description.clone(),
        });
    }
    let names = template_names(path);
    // A path parameter the template does not name has nowhere to go.
    out.retain(|p| {
        let unused = p.location == ParameterLocation::Path && !names.contains(&p.wire_name.as_str());
        if unused {
            r.diags.warning(
                pointer.to_string(),
                format!(
                    "the path parameter `{}` does not appear in the path template `{path}`, so it is left out",
                    p.wire_name
                ),
            );
        }
        !unused
    });
    // Every `{name}` in the path template needs a path parameter to fill it; one the
    // operation does not declare is taken to be a string.
    for name in names {
        if !out
            .iter()
            .any(|p| p.location == ParameterLocation::Path && p.wire_name == name)
        {
            r.diags.push(
                crate::diagnostics::Diagnostic::warning(
                    pointer.to_string(),
                    format!(
                        "the path template names `{{{name}}}`, but the operation declares no path parameter `{name}`; it is taken as a string"
                    ),
                )
                .with_help(format!(
                    "add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to the parameters"
                )),
            );
            out.push(Parameter {
                style: ParamStyle::Simple,
                explode: false,
                allow_reserved: false,
                content: None,
                wire_name: name.to_string(),
                rust_name: String::new(),
                location: ParameterLocation::Path,
                required: true,
                ty: TypeRef::String,
                doc: None,
            });
        }
    }
    let wanted: Vec<(&str, ParameterLocation)> = out
        .iter()
        .map(|p| (p.wire_name.as_str(), p.location))
        .collect();
    let names = crate::naming::parameter_names(&wanted);
    for (p, name) in out.iter_mut().zip(names) {
        p.rust_name = name;
    }
    out
}

/// The names between braces in a path template, in order.
pub fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

fn header_set<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api,
    headers: &'a indexmap::IndexMap<String, ReferenceOr<openapiv3::Header>>,
    at: &str,
    operation_id: &str,
) -> Option<HeaderSetId> {
    if headers.is_empty() {
        return None;
    }
    let mut scope = Scope::new();
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
            rust_name: scope.claim(snake_ident(name)),
            kind,
            doc: header.description.clone(),
        });
    }
    if let Some(i) = api.header_sets.iter().position(|s| s.headers == list) {
        api.header_sets[i].used_by.push(operation_id.to_string());
        return Some(HeaderSetId(i));
    }
    api.header_sets.push(HeaderSet {
        name: String::new(),
        headers: list,
        used_by: vec![operation_id.to_string()],
    });
    Some(HeaderSetId(api.header_sets.len() - 1))
}

fn security_schemes(r: &mut Resolver<'_>) -> Vec<SecurityScheme> {
    let Some(components) = r.loaded.document.components.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer_push("/components/securitySchemes", name);
        let Some((scheme, at)) = r.follow(scheme, &at, "securitySchemes", |c| &c.security_schemes)
        else {
            continue;
        };
        let name = name.clone();
        match scheme {
            openapiv3::SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => match scheme.to_ascii_lowercase().as_str() {
                "basic" => out.push(SecurityScheme::HttpBasic {
                    name,
                    doc: description.clone(),
                }),
                "bearer" => out.push(SecurityScheme::HttpBearer {
                    name,
                    doc: description.clone(),
                }),
                other => r.diags.warning(
                    at,
                    format!("the HTTP auth scheme `{other}` is not supported"),
                ),
            },
            openapiv3::SecurityScheme::OAuth2 {
                flows, description, ..
            } => match &flows.client_credentials {
                Some(cc) => out.push(SecurityScheme::OAuth2ClientCredentials {
                    name,
                    token_url: cc.token_url.clone(),
                    doc: description.clone(),
                }),
                // Other flows involve a person (authorization code, implicit, password):
                // the caller obtains the token, which the client sends as a bearer token.
                None => out.push(SecurityScheme::HttpBearer {
                    name,
                    doc: description.clone(),
                }),
            },
            openapiv3::SecurityScheme::APIKey {
                location,
                name: key_name,
                description,
                ..
            } => {
                let location = match location {
                    openapiv3::APIKeyLocation::Query => ParameterLocation::Query,
                    openapiv3::APIKeyLocation::Header => ParameterLocation::Header,
                    openapiv3::APIKeyLocation::Cookie => ParameterLocation::Cookie,
                };
                out.push(SecurityScheme::ApiKey {
                    name,
                    location,
                    key_name: key_name.clone(),
                    doc: description.clone(),
                });
            }
            // The caller obtains the token from the provider; the client sends it as a
            // bearer token.
            openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                out.push(SecurityScheme::HttpBearer {
                    name,
                    doc: description.clone(),
                })
            }
        }
    }
    out
}

/// Operations that download raw bytes get a second method that streams the body, and
/// operations whose answer may be a stream of events one that reads it event by event;
/// their names are claimed after every other method's.
pub(super) fn name_byte_streams(api: &mut Api) {
    let mut taken = Scope::with_reserved(crate::naming::CLIENT_METHODS);
    for op in &api.operations {
        taken.claim(op.method_name.clone());
        if let Some(p) = &op.pagination {
            taken.claim(p.method_name.clone());
            taken.claim(p.pages_method_name.clone());
            if let Some(at) = p.style.at_method() {
                taken.claim(at.to_string());
            }
        }
    }
    for op in &mut api.operations {
        if op.success.encoding == ResponseEncoding::Bytes && op.success.body.is_some() {
            op.byte_stream = Some(taken.claim(format!("{}_streaming", op.method_name)));
        }
        if op.success.stream.is_some() {
            op.events_method = Some(taken.claim(format!("{}_events", op.method_name)));
        }
        if op.upload.is_some() {
            op.upload_method = Some(taken.claim(format!("{}_upload", op.method_name)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::template_names;

    #[test]
    fn template_names_in_order() {
        assert_eq!(
            template_names("/a/{id}/b/{other_id}"),
            vec!["id", "other_id"]
        );
        assert!(template_names("/plain").is_empty());
        assert_eq!(template_names("/broken/{x"), Vec::<&str>::new());
    }
}
