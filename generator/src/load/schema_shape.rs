//! Checks on the raw tree that `openapiv3` and the resolver rely on, with precise
//! diagnostics: the shape of every schema keyword, parameters that say neither `schema`
//! nor `content`, response keys that are not statuses, and discriminator mappings
//! written inline.
//!
//! Schemas are read by the resolver straight from the tree, which tolerates any value,
//! but a keyword of the wrong shape (`maxLength: -1`, `required: id`) is a mistake the
//! author should hear about where it is written rather than have silently ignored.

use super::grammar::{walk, Flow, Node};
use super::SpecVersion;
use crate::diagnostics::{pointer_push, Diagnostic};
use serde_json::Value;

/// Checks every node of the document's own structure.
pub(super) fn check_document(raw: &Value, version: SpecVersion, out: &mut Vec<Diagnostic>) {
    walk(raw, Node::Document, &mut |kind, node, path| {
        let at = || path.pointer();
        match kind {
            Node::Schema => check_schema(node, &at, version, out),
            Node::Parameter => check_parameter(node, &at, out),
            Node::Responses => check_responses(node, &at, out),
            Node::Discriminator => check_mapping(node, &at, out),
            _ => {}
        }
        Flow::Descend
    });
}

/// Checks a schema that lives outside the document's structure (in another file, say)
/// and every schema inside it.
pub(super) fn check_schema_tree(
    schema: &Value,
    at: &str,
    version: SpecVersion,
    out: &mut Vec<Diagnostic>,
) {
    walk(schema, Node::Schema, &mut |kind, node, path| {
        let here = || format!("{at}{}", path.pointer());
        match kind {
            Node::Schema => check_schema(node, &here, version, out),
            Node::Discriminator => check_mapping(node, &here, out),
            _ => {}
        }
        Flow::Descend
    });
}

/// Where a checked node is: its pointer, built only when there is a problem to report
/// (building one for every node would cost more than the checks).
type At<'a> = &'a dyn Fn() -> String;

/// The keywords of one schema (its subschemas are visited on their own).
fn check_schema(schema: &Value, at: At<'_>, version: SpecVersion, out: &mut Vec<Diagnostic>) {
    let v31 = version != SpecVersion::V3_0;
    let s = match schema {
        Value::Object(s) => s,
        // JSON Schema 2020-12 (OpenAPI 3.1) allows `true` and `false` as schemas.
        Value::Bool(_) if v31 => return,
        other => {
            let help = if v31 {
                "write `{}` (or `true`) for a schema that allows any value"
            } else {
                "write `{}` for a schema that allows any value"
            };
            out.push(
                Diagnostic::error(
                    at(),
                    format!("a schema must be a mapping, but this is {}", kind(other)),
                )
                .with_help(help),
            );
            return;
        }
    };
    if let Some(reference) = s.get("$ref") {
        if !reference.is_string() {
            out.push(Diagnostic::error(
                pointer_push(&at(), "$ref"),
                "`$ref` must be a string",
            ));
        }
        // In 3.0 a reference's siblings are ignored, so they are not checked.
        if !v31 {
            return;
        }
    }
    let mut wrong = |key: &str, expected: &str| {
        out.push(Diagnostic::error(
            pointer_push(&at(), key),
            format!("`{key}` must be {expected}"),
        ));
    };
    let schema_like = |v: &Value| v.is_object() || (v31 && v.is_boolean());
    for (key, value) in s {
        let expected = match key.as_str() {
            "type" if v31 => {
                let names = |v: &Value| v.is_string();
                (!(value.is_string()
                    || value
                        .as_array()
                        .is_some_and(|a| !a.is_empty() && a.iter().all(names))))
                .then_some("a type name or a list of type names")
            }
            "type" => (!value.is_string()).then_some(
                "one type name (OpenAPI 3.0 has no type lists; use `nullable: true` for null)",
            ),
            "format" | "pattern" | "title" | "$anchor" | "$id" | "$schema" | "contentMediaType"
            | "contentEncoding" => (!value.is_string()).then_some("a string"),
            "description" => (!value.is_string()).then_some("a string"),
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" => {
                (!value.is_boolean()).then_some("a boolean")
            }
            "exclusiveMinimum" | "exclusiveMaximum" if v31 => {
                (!(value.is_number() || value.is_boolean())).then_some("a number")
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                (!value.is_boolean()).then_some("a boolean (OpenAPI 3.0; a number is the 3.1 form)")
            }
            "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties"
            | "minProperties" | "minContains" | "maxContains" => {
                (value.as_u64().is_none()).then_some("a whole number, zero or more")
            }
            "minimum" | "maximum" | "multipleOf" => (!value.is_number()).then_some("a number"),
            "required" => (!value
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string)))
            .then_some("a list of property names"),
            "enum" | "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                (!value.is_array()).then_some("a list")
            }
            "examples" if v31 => (!value.is_array()).then_some("a list of example values"),
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
            | "dependentRequired" => (!value.is_object()).then_some("a mapping"),
            "discriminator" => (!value.is_object()).then_some("a mapping"),
            "items" => (!(schema_like(value) || value.is_array())).then_some(if v31 {
                "a schema"
            } else {
                "a mapping"
            }),
            "not" | "if" | "then" | "else" | "contains" | "propertyNames" | "unevaluatedItems"
            | "contentSchema" => {
                (!schema_like(value)).then_some(if v31 { "a schema" } else { "a mapping" })
            }
            "additionalProperties" | "unevaluatedProperties" | "additionalItems" => {
                (!(value.is_object() || value.is_boolean())).then_some("a schema or a boolean")
            }
            _ => None,
        };
        if let Some(expected) = expected {
            wrong(key, expected);
        }
    }
    if let Some(d) = s.get("discriminator").and_then(Value::as_object) {
        if !d.get("propertyName").is_some_and(Value::is_string) {
            wrong("discriminator", "a mapping with a `propertyName` string");
        }
    }
    if let Some(Value::String(dialect)) = s.get("$schema") {
        if !dialect.contains("json-schema.org/draft/2020-12")
            && !dialect.contains("spec.openapis.org/oas/3.")
        {
            out.push(Diagnostic::warning(
                pointer_push(&at(), "$schema"),
                format!("the schema says it is written in the dialect `{dialect}`; it is read as OpenAPI's JSON Schema dialect"),
            ));
        }
    }
}

/// A parameter with neither `schema` nor `content` has no type; `openapiv3` would reject
/// it with a message naming no field.
fn check_parameter(p: &Value, at: At<'_>, out: &mut Vec<Diagnostic>) {
    let Some(object) = p.as_object() else { return };
    if object.contains_key("$ref")
        || object.contains_key("schema")
        || object.contains_key("content")
    {
        return;
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("?");
    out.push(
        Diagnostic::error(
            at(),
            format!(
                "the parameter `{name}` has neither `schema` nor `content`, so its type is unknown"
            ),
        )
        .with_help("add a `schema`, for example `schema: {type: string}`"),
    );
}

/// Response keys that are not statuses, which `openapiv3` drops silently.
fn check_responses(responses: &Value, at: At<'_>, out: &mut Vec<Diagnostic>) {
    let Some(object) = responses.as_object() else {
        return;
    };
    for key in object.keys() {
        if !is_status_key(key) && !key.starts_with("x-") {
            out.push(
                Diagnostic::error(
                    pointer_push(&at(), key),
                    format!("`{key}` is not a response status"),
                )
                .with_help("use a status code such as `200`, a range such as `4XX`, or `default`"),
            );
        }
    }
}

fn is_status_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    key == "default"
        || (bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && (bytes[1..].iter().all(u8::is_ascii_digit)
                || &bytes[1..] == b"XX"
                || &bytes[1..] == b"xx"))
}

/// Discriminator mapping values must be schema names or references. Documentation pages
/// sometimes print the target schema inline; that is the most common way a copied spec
/// breaks, so it gets a message that says exactly what to change.
fn check_mapping(discriminator: &Value, at: At<'_>, out: &mut Vec<Diagnostic>) {
    let Some(Value::Object(mapping)) = discriminator.get("mapping") else {
        return;
    };
    for (value, target) in mapping {
        if target.is_string() {
            continue;
        }
        let here = pointer_push(&pointer_push(&at(), "mapping"), value);
        let name = target
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("SchemaName");
        out.push(
            Diagnostic::error(
                here,
                format!(
                    "the discriminator mapping for `{value}` is an inline schema, but OpenAPI requires a reference"
                ),
            )
            .with_help(format!(
                "move the schema under `components/schemas` as `{name}` and write `{value}: '#/components/schemas/{name}'`; \
                 use the same reference in the `oneOf` list"
            )),
        );
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

    fn problems(doc: Value, version: SpecVersion) -> Vec<(String, String)> {
        let mut out = Vec::new();
        check_document(&doc, version, &mut out);
        out.into_iter().map(|d| (d.pointer, d.message)).collect()
    }

    #[test]
    fn malformed_keywords_are_found_where_they_are() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"deep": {"properties": {"x": null}}}},
            "B": {"type": ["string", "null"], "maxLength": -1, "required": "id"},
            "C": {"allOf": [{"$ref": 5}], "discriminator": {"mapping": {}}}
        }}});
        let found = problems(doc, SpecVersion::V3_0);
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
    fn json_schema_2020_forms_pass_in_31_only() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": ["string", "null"], "exclusiveMinimum": 5, "examples": ["a"],
                  "items": false, "properties": {"x": true}, "prefixItems": [{"const": 1}]}
        }}});
        assert!(problems(doc.clone(), SpecVersion::V3_1).is_empty());
        let found = problems(doc, SpecVersion::V3_0);
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert!(
            pointers.contains(&"/components/schemas/A/type"),
            "{found:#?}"
        );
        assert!(pointers.contains(&"/components/schemas/A/exclusiveMinimum"));
        assert!(pointers.contains(&"/components/schemas/A/items"));
        assert!(pointers.contains(&"/components/schemas/A/properties/x"));
    }

    #[test]
    fn well_formed_schemas_pass() {
        let doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema":
            {"type": "object", "additionalProperties": false, "properties": {"a": {"$ref": "#/x"}, "b": {}}}}}}}}}}});
        assert!(problems(doc, SpecVersion::V3_0).is_empty());
    }

    #[test]
    fn parameters_and_response_keys() {
        let doc = json!({"paths": {"/a": {"get": {
            "parameters": [{"name": "q", "in": "query"}],
            "responses": {"2000": {"description": "x"}, "ok": {"description": "y"}, "4XX": {"description": "z"}}
        }}}});
        let found = problems(doc, SpecVersion::V3_0);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].1.contains("neither `schema` nor `content`"));
    }
}
