//! The copy of the document that `openapiv3` reads. `openapiv3` knows OpenAPI 3.0; it
//! reads the structure (paths, operations, parameters, responses, security) of 3.0, 3.1
//! and 3.2 documents alike once the few structural differences are smoothed here.
//! Schemas are read from the document itself by the resolver, so in this copy every
//! schema is empty: `openapiv3` neither chokes on JSON Schema 2020-12 keywords nor spends
//! time on schemas.
//!
//! Constructs of OpenAPI 3.2 that the generator does not use get a warning here, where
//! they are met.

use super::grammar::{field, Node, Slot};
use super::source::FILES_KEY;
use crate::diagnostics::{pointer_push, Diagnostic};
use serde_json::{Map, Value};

/// Dialects whose schemas the generator reads as they are meant.
const KNOWN_DIALECTS: &[&str] = &[
    "https://spec.openapis.org/oas/3.1/dialect/",
    "https://spec.openapis.org/oas/3.2/dialect/",
    "https://json-schema.org/draft/2020-12/schema",
];

/// The copy for `openapiv3`, with warnings for what it leaves out.
pub fn structure(tree: &Value, out: &mut Vec<Diagnostic>) -> Value {
    if let Some(Value::String(dialect)) = tree.get("jsonSchemaDialect") {
        if !KNOWN_DIALECTS.iter().any(|d| dialect.starts_with(d)) {
            out.push(Diagnostic::warning(
                "/jsonSchemaDialect",
                format!("schemas of the dialect `{dialect}` are read as OpenAPI's own JSON Schema dialect; keywords of that dialect may be misread"),
            ));
        }
    }
    if tree.get("$self").is_some() {
        out.push(Diagnostic::warning(
            "/$self",
            "`$self` (OpenAPI 3.2) is not used: references are resolved against the location of the files as given",
        ));
    }
    copy(tree, Node::Document, &mut Vec::new(), out)
}

/// The pointer of a path of keys, built only for a warning.
fn pointer_of(path: &[std::borrow::Cow<'_, str>]) -> String {
    path.iter().fold(String::new(), |p, t| pointer_push(&p, t))
}

fn copy<'v>(
    node: &'v Value,
    kind: Node,
    path: &mut Vec<std::borrow::Cow<'v, str>>,
    out: &mut Vec<Diagnostic>,
) -> Value {
    if path.len() > 512 {
        return Value::Null;
    }
    let Value::Object(object) = node else {
        return match kind {
            // A schema's content is not read from this copy.
            Node::Schema => Value::Object(Map::new()),
            _ => node.clone(),
        };
    };
    if kind == Node::Schema {
        // A reference is kept as one, so that `openapiv3` sees the same kind of node.
        let mut empty = Map::new();
        if let Some(r @ Value::String(_)) = object.get("$ref") {
            empty.insert("$ref".into(), r.clone());
        }
        return Value::Object(empty);
    }
    if matches!(kind, Node::Data | Node::Other) || object.contains_key("$ref") {
        return node.clone();
    }
    let mut result = Map::new();
    for (key, child) in object {
        if kind == Node::Document && key == FILES_KEY {
            continue;
        }
        path.push(std::borrow::Cow::Borrowed(key.as_str()));
        if let Some(message) = unused_addition(kind, key) {
            out.push(Diagnostic::warning(pointer_of(path), message));
        }
        let value = match (field(kind, key), child) {
            (Slot::One(k), _) => copy(child, k, path, out),
            (Slot::Map(k), Value::Object(entries)) => {
                let mut copied = Map::new();
                for (name, entry) in entries {
                    path.push(std::borrow::Cow::Borrowed(name.as_str()));
                    if keep_entry(kind, key, entry, path, out) {
                        let value = copy(entry, k, path, out);
                        copied.insert(name.clone(), value);
                    }
                    path.pop();
                }
                Value::Object(copied)
            }
            (Slot::List(k), Value::Array(items)) => {
                let mut copied = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(std::borrow::Cow::Owned(i.to_string()));
                    if keep_item(k, item, path, out) {
                        copied.push(copy(item, k, path, out));
                    }
                    path.pop();
                }
                Value::Array(copied)
            }
            (Slot::SchemaOrList, _) => Value::Object(Map::new()),
            _ => child.clone(),
        };
        path.pop();
        result.insert(key.clone(), value);
    }
    fill_required(kind, &mut result);
    Value::Object(result)
}

/// Fields 3.0 requires that 3.1 or 3.2 made optional (or that documents leave out), with
/// the values that mean "none".
fn fill_required(kind: Node, object: &mut Map<String, Value>) {
    let mut fill = |key: &str, value: Value| {
        object.entry(key.to_string()).or_insert(value);
    };
    match kind {
        Node::Document => {
            fill("paths", Value::Object(Map::new()));
            fill("info", Value::Object(Map::new()));
        }
        Node::Operation => fill("responses", Value::Object(Map::new())),
        Node::Response => fill("description", Value::String(String::new())),
        _ => {}
    }
    if kind == Node::Document {
        if let Some(Value::Object(info)) = object.get_mut("info") {
            for key in ["title", "version"] {
                info.entry(key.to_string())
                    .or_insert_with(|| Value::String(String::new()));
            }
            if let Some(Value::Object(license)) = info.get_mut("license") {
                license
                    .entry("name".to_string())
                    .or_insert_with(|| Value::String(String::new()));
            }
        }
    }
}

/// Map entries `openapiv3` cannot read and the client cannot use, left out with a
/// warning: security schemes of types it does not know (`mutualTLS`).
fn keep_entry(
    parent: Node,
    key: &str,
    entry: &Value,
    path: &[std::borrow::Cow<'_, str>],
    out: &mut Vec<Diagnostic>,
) -> bool {
    if parent == Node::Components && key == "securitySchemes" {
        if let Some(Value::String(kind)) = entry.get("type") {
            if !matches!(
                kind.as_str(),
                "apiKey" | "http" | "oauth2" | "openIdConnect"
            ) {
                out.push(Diagnostic::warning(
                    pointer_of(path),
                    format!("the `{kind}` security scheme is not supported; operations that require it are sent without it (for client certificates, pass your own `reqwest::Client` to `ClientBuilder::http_client`)"),
                ));
                return false;
            }
        }
    }
    true
}

/// List items left out with a warning: parameters in places the client cannot send them
/// (`in: querystring`, OpenAPI 3.2).
fn keep_item(
    kind: Node,
    item: &Value,
    path: &[std::borrow::Cow<'_, str>],
    out: &mut Vec<Diagnostic>,
) -> bool {
    if kind == Node::Parameter {
        if let Some(Value::String(place)) = item.get("in") {
            if !matches!(place.as_str(), "path" | "query" | "header" | "cookie") {
                out.push(Diagnostic::warning(
                    pointer_of(path),
                    format!("parameters `in: {place}` are not supported; the operation is generated without this parameter"),
                ));
                return false;
            }
        }
    }
    true
}

/// What the generator leaves out of an OpenAPI 3.2 addition, if `key` of a `kind` node is
/// one it does not use.
fn unused_addition(kind: Node, key: &str) -> Option<String> {
    let message = match (kind, key) {
        (Node::PathItem, "query") => {
            "the QUERY method (OpenAPI 3.2) is not supported; no method is generated for this operation"
        }
        (Node::PathItem, "additionalOperations") => {
            "`additionalOperations` (OpenAPI 3.2) are not supported; no methods are generated for them"
        }
        (Node::MediaType, "itemSchema") => {
            "`itemSchema` (OpenAPI 3.2 streaming) is not supported; the body is read whole as its `schema` says"
        }
        _ => return None,
    };
    Some(message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schemas_are_emptied_and_31_forms_made_readable() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"identifier": "MIT"}},
            "webhooks": {"w": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}}},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "querystring", "content": {}}, {"name": "p", "in": "query", "schema": {"$ref": "#/x", "type": ["a"]}}],
                "responses": {"200": {}}
            }, "query": {}}},
            "components": {"securitySchemes": {"tls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "name": "k", "in": "header"}}},
            FILES_KEY: {"1": {}}
        });
        let mut out = Vec::new();
        let copy = structure(&doc, &mut out);
        assert_eq!(
            copy["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "p", "in": "query", "schema": {"$ref": "#/x"}}])
        );
        assert_eq!(
            copy["paths"]["/a"]["get"]["responses"]["200"]["description"],
            json!("")
        );
        assert_eq!(copy["info"]["license"]["name"], json!(""));
        assert_eq!(
            copy["webhooks"]["w"]["post"]["requestBody"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert!(copy["components"]["securitySchemes"].get("tls").is_none());
        assert!(copy.get(FILES_KEY).is_none());
        let pointers: Vec<&str> = out.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            vec![
                "/paths/~1a/get/parameters/0",
                "/paths/~1a/query",
                "/components/securitySchemes/tls"
            ]
        );
        let parsed: Result<openapiv3::OpenAPI, _> = serde_json::from_value(copy);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
