//! Operations, in spec order: each with its parameters, bodies, responses and security,
//! which the modules named for them read.

use super::bodies::{request_body, upload_body};
use super::params::{parameters, path_segments};
use super::responses::{common_error_body, header_set, response_body, response_entries};
use super::security::{accepts, security_schemes};
use super::servers::server_url;
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::Unnamed;
use crate::model::{
    Api, BodyEncoding, ErrorResponse, HttpMethod, Operation, ResponseEncoding, SuccessResponse,
};
use openapiv3::ReferenceOr;
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn resolve_api(r: &mut Resolver<'_>) -> Api<Unnamed, ()> {
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
            let operation = resolve_operation(
                r,
                &mut api,
                path,
                method,
                &item.parameters,
                op,
                pointer,
                operation_id,
            );
            api.operations.push(operation);
        }
    }
    api
}

#[allow(clippy::too_many_arguments)]
fn resolve_operation<'a>(
    r: &mut Resolver<'a>,
    api: &mut Api<Unnamed, ()>,
    path: &str,
    method: &str,
    path_parameters: &'a [ReferenceOr<openapiv3::Parameter>],
    op: &'a openapiv3::Operation,
    pointer: String,
    operation_id: String,
) -> Operation<Unnamed, ()> {
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
        body: None,
        encoding: ResponseEncoding::Json,
        headers: None,
        stream: None,
    };
    let mut errors = Vec::new();
    // The first success documented is the one the method reads.
    let mut success_found = false;
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
        if is_success && !success_found {
            success_found = true;
            if let Some((ty, encoding)) = body {
                success.body = Some(ty);
                success.encoding = encoding;
            }
            success.headers = header_set(r, api, &response.headers, &at, &operation_id);
            let hint = format!("{operation_id} event");
            success.stream = super::events::event_body(r, response, &at, &hint);
        } else if !is_success {
            errors.push(ErrorResponse {
                body: body.map(|(ty, _)| ty),
            });
        }
    }
    let error_body = common_error_body(&errors);
    let security = match (&op.security, &r.loaded.document.security) {
        (Some(own), _) => Some((own, pointer_push(&pointer, "security"))),
        (None, Some(document)) => Some((document, "/security".to_string())),
        (None, None) => None,
    };
    let accepts = accepts(r, api, security);
    Operation {
        origin: pointer,
        operation_id,
        tags: op.tags.clone(),
        http_method,
        path: path.to_string(),
        path_segments: path_segments(path, &parameters),
        doc: op.description.clone().or_else(|| op.summary.clone()),
        deprecated: op.deprecated,
        parameters,
        request_body,
        success,
        errors,
        error_body,
        upload,
        accepts,
        names: (),
        findings: (),
    }
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
