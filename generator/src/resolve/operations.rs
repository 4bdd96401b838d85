//! Operations, in spec order: each with its parameters, bodies, responses and security,
//! which the modules named for them read.

use super::bodies::{request_body, upload_body};
use super::params::parameters;
use super::responses::{common_error_body, header_set, response_body, response_entries};
use super::security::{accepts, security_schemes};
use super::servers::server_url;
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::{
    Api, BodyEncoding, ErrorResponse, HttpMethod, Operation, Parameter, ResponseEncoding,
    SuccessResponse,
};
use crate::naming::{snake_ident, Scope};
use openapiv3::ReferenceOr;
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
    api
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
