//! Load: spec text (YAML or JSON) into an `openapiv3` document. Positions of nodes in the
//! text ([`Positions`]) are worked out only when there is a diagnostic to place.

mod positions;
mod schema_shape;
mod tree;

pub use positions::Positions;

use crate::diagnostics::{pointer_push, Diagnostic, Position};
use crate::overlay::Overlay;
use serde_json::Value;

/// A parsed document.
#[derive(Debug)]
pub struct Loaded {
    pub document: openapiv3::OpenAPI,
    /// The document as plain JSON, for lookups the typed document does not keep handy
    /// (the raw form of a schema, to check examples against).
    pub raw: Value,
}

/// Parses spec text. On failure returns every problem found, each with a position where one
/// is known.
pub fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load_with_overlays(text, &[])
}

/// Parses spec text and applies overlays to it, in order, before reading it as OpenAPI.
pub fn load_with_overlays(text: &str, overlays: &[Overlay]) -> Result<Loaded, Vec<Diagnostic>> {
    load_with_diagnostics(text, overlays).map_err(|problems| {
        let positions = Positions::from_text(text);
        problems
            .into_iter()
            .map(|mut d| {
                if d.position.is_none() && d.file.is_none() {
                    d.position = positions.find(&d.pointer);
                }
                d
            })
            .collect()
    })
}

/// Parses the text into a JSON tree, applies overlays, checks what `openapiv3` would
/// reject vaguely (or, for response keys, silently), then reads the typed document from the
/// tree. Reading the typed document from a JSON tree rather than from the YAML text also
/// keeps `openapiv3` on one input format, which its error path relies on.
fn load_with_diagnostics(text: &str, overlays: &[Overlay]) -> Result<Loaded, Vec<Diagnostic>> {
    let mut raw = parse_tree(text).map_err(|d| vec![d])?;
    for overlay in overlays {
        crate::overlay::apply(&mut raw, overlay)?;
    }
    let problems = check_shape(&raw);
    if !problems.is_empty() {
        return Err(problems);
    }
    // Tracking the path costs time on every node, so it is only done to explain a failure.
    if let Ok(document) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&raw) {
        return Ok(Loaded { document, raw });
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw) {
        Ok(document) => Ok(Loaded { document, raw }),
        Err(err) => {
            let mut pointer = path_to_pointer(err.path());
            let mut message = format!("this is not a valid OpenAPI 3.0 node: {}", err.inner());
            if let Some((p, m)) = narrow_paths_error(&raw, &pointer) {
                (pointer, message) = (p, m);
            }
            Err(vec![Diagnostic::error(pointer, message)])
        }
    }
}

/// YAML is parsed through `serde_yaml::Value` rather than straight into JSON because YAML
/// allows non-string keys (`200:` for a response status is common) and JSON does not.
/// Keeping this in one function lets another YAML parser replace `serde_yaml` in one place.
fn parse_tree(text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("", "the document is empty")
            .with_help("give an OpenAPI 3.0 document in YAML or JSON"));
    }
    use serde::de::DeserializeSeed;
    tree::Tree
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            let mut d =
                Diagnostic::error("", format!("the document is not valid YAML or JSON: {e}"));
            d.position = e.location().map(|l| Position::new(l.line(), l.column()));
            d
        })
}

/// Checks that need the raw tree: the OpenAPI version, and forms that `openapiv3` would
/// reject with a message too vague to act on.
fn check_shape(raw: &Value) -> Vec<Diagnostic> {
    let Some(root) = raw.as_object() else {
        return vec![Diagnostic::error(
            "",
            "the document is not an OpenAPI document: its top level is not a mapping",
        )];
    };
    if let Some(v) = root.get("swagger") {
        return vec![Diagnostic::error(
            "/swagger",
            format!(
                "this is a Swagger/OpenAPI {} document; this generator reads OpenAPI 3.0 only",
                v.as_str().unwrap_or("2.0")
            ),
        )
        .with_help("convert the document to OpenAPI 3.0 first")];
    }
    let Some(version) = root.get("openapi") else {
        return vec![Diagnostic::error(
            "",
            "the document is not an OpenAPI document: it has no `openapi` version field",
        )];
    };
    let version_text = match version {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if !version_text.starts_with("3.0") {
        return vec![Diagnostic::error(
            "/openapi",
            format!(
                "this is an OpenAPI {version_text} document; this generator reads OpenAPI 3.0 only"
            ),
        )];
    }
    let mut problems = Vec::new();
    find_inline_mappings(raw, "", &mut problems);
    check_operations(raw, &mut problems);
    schema_shape::check_schemas(raw, &mut problems);
    problems
}

/// OpenAPI 3.0 requires discriminator mapping values to be schema names or references.
/// Documentation pages sometimes print the target schema inline; that is the most common
/// way a copied spec breaks, so it gets a message that says exactly what to change.
fn find_inline_mappings(node: &Value, pointer: &str, out: &mut Vec<Diagnostic>) {
    let mut path = Vec::new();
    walk_mappings(node, &mut path, out);
    // The walk runs from the root; a caller starting lower passes its pointer as a prefix.
    if !pointer.is_empty() {
        for d in out.iter_mut() {
            d.pointer = format!("{pointer}{}", d.pointer);
        }
    }
}

/// The walk keeps the path as a stack of keys and builds a pointer only for a problem:
/// building one per node would cost more than the rest of the check on large documents.
fn walk_mappings<'v>(
    node: &'v Value,
    path: &mut Vec<std::borrow::Cow<'v, str>>,
    out: &mut Vec<Diagnostic>,
) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(mapping)) =
                map.get("discriminator").and_then(|d| d.get("mapping"))
            {
                for (value, target) in mapping {
                    if target.is_string() {
                        continue;
                    }
                    let base = path
                        .iter()
                        .fold(String::new(), |p, key| pointer_push(&p, key));
                    let here = pointer_push(
                        &pointer_push(&pointer_push(&base, "discriminator"), "mapping"),
                        value,
                    );
                    let name = target
                        .get("title")
                        .and_then(Value::as_str)
                        .unwrap_or("SchemaName");
                    out.push(
                        Diagnostic::error(
                            here,
                            format!(
                                "the discriminator mapping for `{value}` is an inline schema, but OpenAPI 3.0 requires a reference"
                            ),
                        )
                        .with_help(format!(
                            "move the schema under `components/schemas` as `{name}` and write `{value}: '#/components/schemas/{name}'`; \
                             use the same reference in the `oneOf` list"
                        )),
                    );
                }
            }
            for (key, child) in map {
                if child.is_object() || child.is_array() {
                    path.push(std::borrow::Cow::Borrowed(key.as_str()));
                    walk_mappings(child, path, out);
                    path.pop();
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    path.push(std::borrow::Cow::Owned(i.to_string()));
                    walk_mappings(child, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// `openapiv3` reads `paths` through a flattened map, which hides where inside it a
/// problem is. Reading each path item on its own finds the item and the node.
fn narrow_paths_error(raw: &Value, pointer: &str) -> Option<(String, String)> {
    if pointer != "/paths" {
        return None;
    }
    let items = raw.get("paths")?.as_object()?;
    for (path, item) in items {
        if item.get("$ref").is_some() {
            continue;
        }
        if let Err(err) = serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item) {
            let base = pointer_push("/paths", path);
            let inner = path_to_pointer(err.path());
            return Some((
                format!("{base}{inner}"),
                format!("this is not a valid OpenAPI 3.0 node: {}", err.inner()),
            ));
        }
    }
    None
}

/// Parameters and responses that `openapiv3` would reject with a message naming no field:
/// a parameter with neither `schema` nor `content`, and response keys that are not status
/// codes.
fn check_operations(raw: &Value, out: &mut Vec<Diagnostic>) {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let check_parameters = |list: Option<&Value>, at: &str, out: &mut Vec<Diagnostic>| {
        for (i, p) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check_parameter(p, &pointer_push(at, &i.to_string()), out);
        }
    };
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_at = pointer_push("/paths", path);
            check_parameters(
                item.get("parameters"),
                &pointer_push(&item_at, "parameters"),
                out,
            );
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_at = pointer_push(&item_at, method);
                check_parameters(
                    op.get("parameters"),
                    &pointer_push(&op_at, "parameters"),
                    out,
                );
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for key in responses.keys() {
                        if !is_status_key(key) {
                            out.push(
                                Diagnostic::error(
                                    pointer_push(&pointer_push(&op_at, "responses"), key),
                                    format!("`{key}` is not a response status"),
                                )
                                .with_help("use a status code such as `200`, a range such as `4XX`, or `default`"),
                            );
                        }
                    }
                }
            }
        }
    }
    if let Some(parameters) = raw
        .pointer("/components/parameters")
        .and_then(Value::as_object)
    {
        for (name, p) in parameters {
            check_parameter(p, &pointer_push("/components/parameters", name), out);
        }
    }
}

fn check_parameter(p: &Value, at: &str, out: &mut Vec<Diagnostic>) {
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
            at,
            format!(
                "the parameter `{name}` has neither `schema` nor `content`, so its type is unknown"
            ),
        )
        .with_help("add a `schema`, for example `schema: {type: string}`"),
    );
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

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => continue,
        };
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<Diagnostic> {
        match load(text) {
            Ok(_) => panic!("expected the document to be rejected"),
            Err(e) => e,
        }
    }

    #[test]
    fn minimal_document_loads_with_integer_status_keys() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let loaded = load(text).expect("loads");
        assert!(loaded.document.paths.paths.contains_key("/a"));
    }

    #[test]
    fn other_versions_are_named() {
        let e = errors("swagger: '2.0'\ninfo: {title: t, version: '1'}\n");
        assert!(
            e[0].message.contains("Swagger/OpenAPI 2.0"),
            "{}",
            e[0].message
        );
        let e = errors("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(e[0].message.contains("OpenAPI 3.1.0"), "{}", e[0].message);
        assert_eq!(e[0].pointer, "/openapi");
        assert_eq!(e[0].position, Some(Position { line: 1, column: 1 }));
    }

    #[test]
    fn empty_and_invalid_yaml_are_errors_with_positions() {
        assert!(errors("  \n")
            .first()
            .is_some_and(|d| d.message.contains("empty")));
        let e = errors("openapi: 3.0.0\ninfo: [unclosed\n");
        assert!(e[0].message.contains("not valid YAML"));
        assert!(e[0].position.is_some());
    }

    #[test]
    fn inline_discriminator_mapping_says_where_and_what_to_do() {
        let text = r#"openapi: 3.0.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Holder:
      oneOf:
        - $ref: '#/components/schemas/X'
      discriminator:
        propertyName: kind
        mapping:
          X:
            type: object
            title: my.X
"#;
        let e = errors(text);
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].pointer,
            "/components/schemas/Holder/discriminator/mapping/X"
        );
        assert_eq!(e[0].position.map(|p| p.line), Some(12));
        let help = e[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("components/schemas` as `my.X`"), "{help}");
        assert!(help.contains("X: '#/components/schemas/my.X'"), "{help}");
    }

    #[test]
    fn typed_decode_errors_carry_a_pointer() {
        let e =
            errors("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: 5\n");
        assert_eq!(e[0].pointer, "/paths/~1a/get");
    }
}
