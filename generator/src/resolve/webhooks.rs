//! Webhooks (OpenAPI 3.1): requests the API sends to its users' endpoints. Their bodies
//! are converted like responses (the receiver reads them, so unknown enum values are
//! kept), and the responses the receiver answers with like request bodies.

use super::bodies::request_body;
use super::operations::http_method;
use super::responses::{response_body, response_entries};
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::{Api, Unnamed, Webhook};

pub(super) fn resolve_webhooks(r: &mut Resolver<'_>, api: &mut Api<Unnamed, ()>) {
    let loaded = r.loaded;
    for (name, item) in &loaded.webhooks {
        let item_at = pointer_push("/webhooks", name);
        let methods: Vec<_> = item.iter().collect();
        let several = methods.len() > 1;
        for (method, op) in methods {
            let at = pointer_push(&item_at, method);
            // The webhook's name says what happened; an operationId, when given, is the
            // author's own name for it.
            let base = op.operation_id.clone().unwrap_or_else(|| {
                if several {
                    format!("{name} {method}")
                } else {
                    name.clone()
                }
            });
            let body = op.request_body.as_ref().and_then(|body| {
                let body_at = pointer_push(&at, "requestBody");
                request_body(
                    r,
                    api,
                    body,
                    &body_at,
                    &format!("{base} payload"),
                    Direction::Read,
                )
            });
            let mut response = None;
            for (code, key, entry) in response_entries(&op.responses) {
                if !code.is_some_and(|c| (200..300).contains(&c)) {
                    continue;
                }
                let response_at = pointer_push(&pointer_push(&at, "responses"), &key);
                let Some((found, found_at)) =
                    r.follow(entry, &response_at, "responses", |c| &c.responses)
                else {
                    continue;
                };
                let hint = format!("{base} response");
                response = response_body(r, api, found, &found_at, &hint, Direction::Write)
                    .map(|(ty, _)| ty);
                break;
            }
            api.webhooks.push(Webhook {
                name: name.clone(),
                http_method: http_method(method),
                function_name: base,
                doc: op.description.clone().or_else(|| op.summary.clone()),
                deprecated: op.deprecated,
                body,
                response,
            });
        }
    }
}
