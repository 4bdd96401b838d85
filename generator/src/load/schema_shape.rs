//! Checks the shape of every schema before `openapiv3` reads the document.
//!
//! `openapiv3` reads references and schemas through untagged enums that, on failure, try
//! each alternative again on a buffered copy. A malformed schema nested `d` levels deep is
//! therefore read a number of times exponential in `d` (the fuzzer found inputs taking
//! minutes), and the error it ends with names no field. Checking the keywords a schema's
//! reading depends on here, first, turns those inputs into precise diagnostics at once.

use crate::diagnostics::{pointer_push, Diagnostic};
use serde_json::Value;

/// Schemas nest through properties and items; deeper than the YAML reader allows cannot
/// occur, and this bound keeps the walk's recursion safe regardless.
const MAX_DEPTH: usize = 256;

/// Checks every schema the document holds, adding a diagnostic per malformed keyword.
pub(super) fn check_schemas(raw: &Value, out: &mut Vec<Diagnostic>) {
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_at = pointer_push("/paths", path);
            parameters(
                item.get("parameters"),
                &pointer_push(&item_at, "parameters"),
                out,
            );
            for method in methods {
                let Some(op) = item.get(method) else { continue };
                let op_at = pointer_push(&item_at, method);
                parameters(
                    op.get("parameters"),
                    &pointer_push(&op_at, "parameters"),
                    out,
                );
                if let Some(body) = op.get("requestBody") {
                    content(
                        body.get("content"),
                        &pointer_push(&pointer_push(&op_at, "requestBody"), "content"),
                        out,
                    );
                }
                for (status, response) in op
                    .get("responses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    self::response(
                        response,
                        &pointer_push(&pointer_push(&op_at, "responses"), status),
                        out,
                    );
                }
            }
        }
    }
    let Some(components) = raw.get("components") else {
        return;
    };
    let each = |section: &'static str| {
        components
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(name, v)| (pointer_push(&pointer_push("/components", section), name), v))
    };
    for (at, schema) in each("schemas") {
        check(schema, &at, 0, out);
    }
    for (at, p) in each("parameters") {
        parameter(p, &at, out);
    }
    for (at, body) in each("requestBodies") {
        content(body.get("content"), &pointer_push(&at, "content"), out);
    }
    for (at, r) in each("responses") {
        response(r, &at, out);
    }
    for (at, h) in each("headers") {
        parameter(h, &at, out);
    }
}

fn parameters(list: Option<&Value>, at: &str, out: &mut Vec<Diagnostic>) {
    for (i, p) in list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        parameter(p, &pointer_push(at, &i.to_string()), out);
    }
}

fn parameter(p: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    if let Some(schema) = p.get("schema") {
        check(schema, &pointer_push(at, "schema"), 0, out);
    }
    content(p.get("content"), &pointer_push(at, "content"), out);
}

fn response(r: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    content(r.get("content"), &pointer_push(at, "content"), out);
    for (name, h) in r
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        parameter(h, &pointer_push(&pointer_push(at, "headers"), name), out);
    }
}

fn content(content: Option<&Value>, at: &str, out: &mut Vec<Diagnostic>) {
    for (media, m) in content.and_then(Value::as_object).into_iter().flatten() {
        if let Some(schema) = m.get("schema") {
            check(
                schema,
                &pointer_push(&pointer_push(at, media), "schema"),
                0,
                out,
            );
        }
    }
}

fn check(schema: &Value, at: &str, depth: usize, out: &mut Vec<Diagnostic>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(s) = schema.as_object() else {
        out.push(
            Diagnostic::error(
                at,
                format!("a schema must be a mapping, but this is {}", kind(schema)),
            )
            .with_help("write `{}` for a schema that allows any value"),
        );
        return;
    };
    if let Some(reference) = s.get("$ref") {
        if !reference.is_string() {
            out.push(Diagnostic::error(
                pointer_push(at, "$ref"),
                "`$ref` must be a string",
            ));
        }
        return;
    }
    let mut wrong = |key: &str, expected: &str| {
        out.push(Diagnostic::error(
            pointer_push(at, key),
            format!("`{key}` must be {expected}"),
        ));
    };
    for (key, value) in s {
        let fits = match key.as_str() {
            "type" => value.is_string(),
            "format" | "pattern" | "title" | "description" => value.is_string(),
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems"
            | "exclusiveMinimum" | "exclusiveMaximum" => value.is_boolean(),
            "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties"
            | "minProperties" => value.as_u64().is_some(),
            "minimum" | "maximum" | "multipleOf" => value.is_number(),
            "required" => value
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string)),
            "enum" | "allOf" | "oneOf" | "anyOf" => value.is_array(),
            "properties" | "items" | "not" | "discriminator" => value.is_object(),
            "additionalProperties" => value.is_object() || value.is_boolean(),
            _ => true,
        };
        if !fits {
            let expected = match key.as_str() {
                "type" => {
                    "one type name (OpenAPI 3.0 has no type lists; use `nullable: true` for null)"
                }
                "format" | "pattern" | "title" | "description" => "a string",
                "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties"
                | "minProperties" => "a whole number, zero or more",
                "minimum" | "maximum" | "multipleOf" => "a number",
                "required" => "a list of property names",
                "enum" | "allOf" | "oneOf" | "anyOf" => "a list",
                "additionalProperties" => "a schema or a boolean",
                "properties" | "items" | "not" | "discriminator" => "a mapping",
                _ => "a boolean",
            };
            wrong(key, expected);
        }
    }
    if let Some(d) = s.get("discriminator").and_then(Value::as_object) {
        if !d.get("propertyName").is_some_and(Value::is_string) {
            wrong("discriminator", "a mapping with a `propertyName` string");
        }
    }
    for (name, p) in s
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        check(
            p,
            &pointer_push(&pointer_push(at, "properties"), name),
            depth + 1,
            out,
        );
    }
    for key in ["items", "not"] {
        if let Some(inner) = s.get(key).filter(|v| v.is_object()) {
            check(inner, &pointer_push(at, key), depth + 1, out);
        }
    }
    if let Some(inner) = s.get("additionalProperties").filter(|v| v.is_object()) {
        check(
            inner,
            &pointer_push(at, "additionalProperties"),
            depth + 1,
            out,
        );
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, member) in s
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check(
                member,
                &pointer_push(&pointer_push(at, key), &i.to_string()),
                depth + 1,
                out,
            );
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(doc: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        check_schemas(&doc, &mut out);
        out.into_iter().map(|d| (d.pointer, d.message)).collect()
    }

    #[test]
    fn malformed_keywords_are_found_where_they_are() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"deep": {"properties": {"x": null}}}},
            "B": {"type": ["string", "null"], "maxLength": -1, "required": "id"},
            "C": {"allOf": [{"$ref": 5}], "discriminator": {"mapping": {}}}
        }}});
        let found = problems(doc);
        assert_eq!(found.len(), 6, "{found:#?}");
        assert_eq!(
            found[0].0,
            "/components/schemas/A/properties/deep/properties/x"
        );
        assert!(found[0].1.contains("empty (null)"));
        assert!(found
            .iter()
            .any(|(p, m)| p == "/components/schemas/B/type" && m.contains("nullable: true")));
        assert!(found
            .iter()
            .any(|(p, _)| p == "/components/schemas/B/maxLength"));
        assert!(found
            .iter()
            .any(|(p, _)| p == "/components/schemas/B/required"));
        assert!(found
            .iter()
            .any(|(p, _)| p == "/components/schemas/C/allOf/0/$ref"));
        assert!(found
            .iter()
            .any(|(p, _)| p == "/components/schemas/C/discriminator"));
    }

    #[test]
    fn well_formed_schemas_pass() {
        let doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema":
            {"type": "object", "additionalProperties": false, "properties": {"a": {"$ref": "#/x"}, "b": {}}}}}}}}}}});
        assert!(problems(doc).is_empty());
    }
}
