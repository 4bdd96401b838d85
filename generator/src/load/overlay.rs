//! OpenAPI Overlay Specification 1.0: documents of ordered actions, each selecting nodes
//! of the spec with an RFC 9535 JSONPath expression and updating or removing them. Fixes
//! to a published spec live in an overlay beside it, so the spec stays as published.
//!
//! An action whose target selects nothing is an error rather than a no-op: a fix that no
//! longer applies (the spec changed under it) should be noticed, not silently skipped.

use crate::diagnostics::{pointer_push, Diagnostic};
use serde_json::Value;
use serde_json_path::JsonPath;

/// An overlay document and the name it is reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    pub label: String,
    pub text: String,
}

impl Overlay {
    pub fn new(label: impl Into<String>, text: impl Into<String>) -> Self {
        Overlay {
            label: label.into(),
            text: text.into(),
        }
    }
}

/// Applies every action of `overlay` to `doc`, in order. Problems are reported against the
/// overlay file; on error `doc` may hold the actions applied so far, so callers discard it.
pub fn apply(doc: &mut Value, overlay: &Overlay) -> Result<(), Vec<Diagnostic>> {
    let in_file = |d: Diagnostic| d.in_file(&overlay.label);
    let parsed = super::parse_text(&overlay.text, "an Overlay 1.0 document")
        .map_err(|d| vec![in_file(d)])?;
    let version = parsed
        .get("overlay")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("1.0") {
        return Err(vec![in_file(Diagnostic::error(
            "/overlay",
            "this is not an Overlay 1.0 document: `overlay: 1.0.0` is missing",
        ))]);
    }
    let Some(actions) = parsed.get("actions").and_then(Value::as_array) else {
        return Err(vec![in_file(Diagnostic::error(
            "/actions",
            "the overlay has no `actions` list",
        ))]);
    };
    let mut problems = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let at = pointer_push("/actions", &i.to_string());
        if let Err(d) = apply_action(doc, action, &at) {
            problems.push(in_file(d));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let positions = super::Positions::from_text(&overlay.text);
    for d in &mut problems {
        d.position = positions.find(&d.pointer);
    }
    Err(problems)
}

fn apply_action(doc: &mut Value, action: &Value, at: &str) -> Result<(), Diagnostic> {
    let target_at = pointer_push(at, "target");
    let target = action
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| Diagnostic::error(at, "the action has no `target` JSONPath"))?;
    let path = JsonPath::parse(target).map_err(|e| {
        Diagnostic::error(
            &target_at,
            format!("`{target}` is not an RFC 9535 JSONPath: {e}"),
        )
    })?;
    let pointers: Vec<String> = path
        .query_located(doc)
        .locations()
        .map(|l| l.to_json_pointer())
        .collect();
    if pointers.is_empty() {
        return Err(Diagnostic::error(&target_at, format!("`{target}` selects nothing in the spec"))
            .with_help("the spec may have changed so that this fix no longer applies; update or drop the action"));
    }
    let remove = action
        .get("remove")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if remove {
        // Later siblings first, so that removing array items does not shift the indexes
        // of the items still to remove.
        for pointer in pointers.iter().rev() {
            remove_at(doc, pointer);
        }
        return Ok(());
    }
    let update = action.get("update").ok_or_else(|| {
        Diagnostic::error(at, "the action has neither `update` nor `remove: true`")
    })?;
    for pointer in &pointers {
        if let Some(node) = doc.pointer_mut(pointer) {
            merge(node, update);
        }
    }
    Ok(())
}

/// Merges `update` into `node`: objects property by property (recursively), arrays by
/// appending, anything else by replacing.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(changes)) => {
            for (key, value) in changes {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(items)) => target.extend(items.iter().cloned()),
        (Value::Array(target), item) => target.push(item.clone()),
        (node, value) => *node = value.clone(),
    }
}

fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: &mut Value, overlay: &str) -> Result<(), Vec<Diagnostic>> {
        apply(doc, &Overlay::new("fix.overlay.yaml", overlay))
    }

    #[test]
    fn updates_merge_and_removals_delete() {
        let mut doc = json!({"info": {"title": "a"}, "tags": [{"name": "x"}], "paths": {"/a": {}, "/b": {}},
            "req": ["id", "upload_source", "name"]});
        let overlay = r#"
overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.info
    update: {title: b, description: new}
  - target: $.tags
    update: {name: y}
  - target: "$.paths['/b']"
    remove: true
  - target: "$.req[?@ == 'upload_source']"
    remove: true
"#;
        run(&mut doc, overlay).expect("applies");
        assert_eq!(
            doc,
            json!({"info": {"title": "b", "description": "new"}, "tags": [{"name": "x"}, {"name": "y"}],
                "paths": {"/a": {}}, "req": ["id", "name"]})
        );
    }

    #[test]
    fn stale_and_malformed_actions_are_reported_in_the_overlay_file() {
        let mut doc = json!({"info": {}});
        let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.nothing\n    remove: true\n  - target: '$[oops'\n    remove: true\n  - target: $.info\n";
        let errors = run(&mut doc, overlay).expect_err("fails");
        assert_eq!(errors.len(), 3);
        assert!(errors
            .iter()
            .all(|e| e.file.as_deref() == Some("fix.overlay.yaml")));
        assert_eq!(errors[0].pointer, "/actions/0/target");
        assert_eq!(errors[0].position.map(|p| p.line), Some(4));
        assert!(errors[0].message.contains("selects nothing"));
        assert!(errors[1].message.contains("not an RFC 9535 JSONPath"));
        assert!(errors[2]
            .message
            .contains("neither `update` nor `remove: true`"));
        assert!(run(&mut doc, "actions: []").expect_err("no version")[0]
            .message
            .contains("Overlay 1.0"));
    }
}
