//! Load: spec text (YAML or JSON) into an `openapiv3` document. Positions of nodes in the
//! text ([`Positions`]) are worked out only when there is a diagnostic to place.

mod positions;

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
    if overlays.is_empty() {
        if let Some(loaded) = load_well_formed(text) {
            return Ok(loaded);
        }
    }
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

/// The common case, a well-formed OpenAPI 3.0 document, parsed once straight into the
/// typed document. Anything else (any error, another version) goes the slow way, which
/// explains what is wrong.
fn load_well_formed(text: &str) -> Option<Loaded> {
    if may_have_bad_response_keys(text) {
        return None;
    }
    let document: openapiv3::OpenAPI = serde_yaml::from_str(text).ok()?;
    if !document.openapi.starts_with("3.0") {
        return None;
    }
    let raw = serde_json::to_value(&document).ok()?;
    Some(Loaded { document, raw })
}

/// `openapiv3` silently drops response keys that are not status codes, so the fast way
/// cannot see them. This scan of block-style YAML (what specs are written in) finds the
/// keys under every `responses:` line and says whether one is not a status; text it cannot
/// judge this way (JSON, flow-style `responses`) also answers yes. A yes only costs the
/// slow way, which checks precisely.
fn may_have_bad_response_keys(text: &str) -> bool {
    if text.trim_start().starts_with('{') {
        return true;
    }
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut lines = text.lines().peekable();
    // Only operations' responses are status-keyed; `components/responses` is keyed by name.
    let mut in_paths = false;
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if indent(line) == 0 && !trimmed.is_empty() && !trimmed.starts_with('#') {
            in_paths = trimmed.starts_with("paths:");
        }
        if !in_paths {
            continue;
        }
        let Some(rest) = trimmed.strip_prefix("responses:") else {
            continue;
        };
        if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
            return true;
        }
        let parent = indent(line);
        let mut level = None;
        while let Some(next) = lines.peek() {
            let t = next.trim();
            if t.is_empty() || t.starts_with('#') {
                lines.next();
                continue;
            }
            let i = indent(next);
            if i <= parent {
                break;
            }
            let level = *level.get_or_insert(i);
            if i == level {
                let key = t
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_matches(|c| c == '\'' || c == '"');
                if !is_status_key(key) && !key.starts_with("x-") && !key.starts_with('$') {
                    return true;
                }
            }
            lines.next();
        }
    }
    false
}

/// Parses step by step, so that a failure can be described precisely.
fn load_with_diagnostics(text: &str, overlays: &[Overlay]) -> Result<Loaded, Vec<Diagnostic>> {
    let mut raw = parse_tree(text).map_err(|d| vec![d])?;
    for overlay in overlays {
        crate::overlay::apply(&mut raw, overlay)?;
    }
    let problems = check_shape(&raw);
    if !problems.is_empty() {
        return Err(problems);
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
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error("", format!("the document is not valid YAML or JSON: {e}"));
        d.position = e.location().map(|l| Position::new(l.line(), l.column()));
        d
    })?;
    yaml_to_json(yaml, "")
}

fn yaml_to_json(yaml: serde_yaml::Value, pointer: &str) -> Result<Value, Diagnostic> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::error(
                            pointer,
                            format!("the number {n} has no JSON representation"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &pointer_push(pointer, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Diagnostic::error(
                            pointer,
                            format!("a mapping key must be a string, found {other:?}"),
                        ))
                    }
                };
                let child = pointer_push(pointer, &key);
                out.insert(key, yaml_to_json(v, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
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
    problems
}

/// OpenAPI 3.0 requires discriminator mapping values to be schema names or references.
/// Documentation pages sometimes print the target schema inline; that is the most common
/// way a copied spec breaks, so it gets a message that says exactly what to change.
fn find_inline_mappings(node: &Value, pointer: &str, out: &mut Vec<Diagnostic>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(mapping)) =
                map.get("discriminator").and_then(|d| d.get("mapping"))
            {
                let base = pointer_push(&pointer_push(pointer, "discriminator"), "mapping");
                for (value, target) in mapping {
                    if target.is_string() {
                        continue;
                    }
                    let here = pointer_push(&base, value);
                    let title = target.get("title").and_then(Value::as_str);
                    let name = title.unwrap_or("SchemaName");
                    let mut d = Diagnostic::error(
                        here,
                        format!(
                            "the discriminator mapping for `{value}` is an inline schema, but OpenAPI 3.0 requires a reference"
                        ),
                    );
                    d = d.with_help(format!(
                        "move the schema under `components/schemas` as `{name}` and write `{value}: '#/components/schemas/{name}'`; \
                         use the same reference in the `oneOf` list"
                    ));
                    out.push(d);
                }
            }
            for (key, child) in map {
                find_inline_mappings(child, &pointer_push(pointer, key), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_inline_mappings(child, &pointer_push(pointer, &i.to_string()), out);
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
    fn response_keys_the_fast_way_cannot_see_send_the_document_the_slow_way() {
        let good = "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n        default:\n          description: y\n        4XX: {description: z}\n";
        assert!(!may_have_bad_response_keys(good));
        let op = |responses: &str| format!("paths:\n  /a:\n    get:\n{responses}");
        assert!(may_have_bad_response_keys(&op(
            "      responses:\n        ok:\n          description: y\n"
        )));
        assert!(may_have_bad_response_keys(&op(
            "      responses:\n        '2000': {description: y}\n"
        )));
        assert!(may_have_bad_response_keys(&op(
            "      responses: {'200': {description: x}}\n"
        )));
        assert!(!may_have_bad_response_keys(
            "components:\n  responses:\n    NotFound:\n      description: x\n"
        ));
        assert!(may_have_bad_response_keys("{\"openapi\": \"3.0.0\"}"));
    }

    #[test]
    fn typed_decode_errors_carry_a_pointer() {
        let e =
            errors("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: 5\n");
        assert_eq!(e[0].pointer, "/paths/~1a/get");
    }
}
