//! References the reader of the document's structure cannot follow are replaced by a copy
//! of what they name, as bundlers do: references to parameters, responses, request
//! bodies, headers, examples or path items that are not entries of `components` (a
//! pointer into another node, or into another file), 3.1 references whose `summary` or
//! `description` overrides the target's, and references in places where the
//! specification allows none (such as a description), which also get a warning.
//!
//! Schemas are not copied: the resolver reads them where they are, by pointer. Every copy
//! is recorded in the [`SourceMap`], so a diagnostic inside a copy points at the original.

use super::grammar::{walk, Flow, Node};
use super::source::SourceMap;
use super::SpecVersion;
use crate::diagnostics::{pointer_push, Diagnostic};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Rounds of copying: a copy may bring references of its own, which the next round
/// replaces. Deeper nesting than this is a cycle.
const MAX_ROUNDS: usize = 64;
/// Most nodes copies may add in all, against references that multiply (each level
/// referring twice to the next).
const MAX_COPIED_NODES: usize = 4_000_000;

/// Schema keywords whose value is a map of schemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

struct Site {
    /// The pointer of the reference object.
    at: String,
    /// The pointer it names.
    target: String,
    kind: Node,
    /// Whether the specification allows a reference here.
    allowed: bool,
}

/// Replaces references as described above, in the nodes under `roots` (pointers, with
/// the kind of node each is: the document itself, or schemas kept in other files, which
/// the document's own structure does not reach). Problems (a reference that names
/// nothing, a cycle) are errors; references resolved where none is allowed are warnings.
pub fn inline_references(
    tree: &mut Value,
    version: SpecVersion,
    roots: &[(String, Node)],
    map: &mut SourceMap,
    out: &mut Vec<Diagnostic>,
) {
    let mut copied = 0usize;
    // For each copy made: the pointers it (and the copies enclosing it) came from. A
    // reference inside a copy that names one of these would copy itself without end.
    let mut chains: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // References left as written, which later rounds pass over.
    let mut left: BTreeSet<String> = BTreeSet::new();
    for _ in 0..MAX_ROUNDS {
        // Roots may overlap (a file's schema and a node inside it): each site once.
        let mut seen = BTreeSet::new();
        let sites: Vec<Site> = roots
            .iter()
            .flat_map(|(root, kind)| find_sites(tree, root, *kind, version))
            .filter(|site| !left.contains(&site.at) && seen.insert(site.at.clone()))
            .collect();
        if sites.is_empty() {
            return;
        }
        for site in sites {
            let written = pointer_push(&site.at, "$ref");
            let Some((origin, value)) = follow(tree, &site.target) else {
                if site.kind != Node::Data {
                    out.push(Diagnostic::error(
                        written.clone(),
                        format!(
                            "the reference `#{}` does not point to a node of this document",
                            site.target
                        ),
                    ));
                }
                // Data that only looks like a reference stays as written.
                left.insert(site.at);
                continue;
            };
            let (mut chain, written_at) = match enclosing_copy(&chains, &site.at) {
                Some((copy_at, chain)) => {
                    let from = chain.last().cloned().unwrap_or_default();
                    (
                        chain.clone(),
                        format!("{from}{}", &site.at[copy_at.len()..]),
                    )
                }
                None => (Vec::new(), site.at.clone()),
            };
            if chain.contains(&origin)
                || written_at == origin
                || written_at.starts_with(&format!("{origin}/"))
            {
                out.push(Diagnostic::error(
                    pointer_push(&site.at, "$ref"),
                    format!(
                        "the reference `#{}` includes itself, so it cannot be copied in place",
                        site.target
                    ),
                ));
                left.insert(site.at.clone());
                continue;
            }
            let mut copy = value.clone();
            copied = copied.saturating_add(count_nodes(&copy));
            if copied > MAX_COPIED_NODES {
                out.push(Diagnostic::error(
                    written.clone(),
                    format!("references expand the document beyond {MAX_COPIED_NODES} nodes; they probably refer to each other many times over"),
                ));
                return;
            }
            if let (Some(Value::Object(reference)), Value::Object(object)) =
                (tree.pointer(&site.at), &mut copy)
            {
                if site.kind == Node::PathItem {
                    // A path item's fields beside its `$ref` (operations, parameters) are
                    // kept; the specification leaves a clash undefined, and the fields
                    // written here win.
                    for (key, value) in reference {
                        if key != "$ref" {
                            object.insert(key.clone(), value.clone());
                        }
                    }
                }
                if version != SpecVersion::V3_0 && site.allowed {
                    // OpenAPI 3.1: a reference's summary and description override the
                    // target's.
                    for key in ["summary", "description"] {
                        if let Some(v) = reference.get(key) {
                            object.insert(key.to_string(), v.clone());
                        }
                    }
                }
            }
            if !site.allowed {
                out.push(Diagnostic::warning(
                    written.clone(),
                    "the OpenAPI specification allows no reference here; it is resolved as bundlers do, with the referenced value in its place",
                ));
            }
            if let Some(slot) = tree.pointer_mut(&site.at) {
                *slot = copy;
                chain.push(origin.clone());
                chains.insert(site.at.clone(), chain);
                map.record_copy(site.at, origin);
            }
        }
    }
    out.push(Diagnostic::error(
        "",
        format!("references nest more than {MAX_ROUNDS} levels deep; they probably form a cycle"),
    ));
}

/// The innermost copy that contains `at`, with its chain of origins.
fn enclosing_copy<'c>(
    chains: &'c BTreeMap<String, Vec<String>>,
    at: &str,
) -> Option<(&'c str, &'c Vec<String>)> {
    let mut p = at;
    loop {
        if let Some((site, chain)) = chains.get_key_value(p) {
            return Some((site.as_str(), chain));
        }
        let cut = p.rfind('/')?;
        p = &p[..cut];
    }
}

/// The references to replace under `root` (a node of kind `root_kind`), in document
/// order.
fn find_sites(tree: &Value, root: &str, root_kind: Node, version: SpecVersion) -> Vec<Site> {
    let mut sites = Vec::new();
    let Some(start) = tree.pointer(root) else {
        return sites;
    };
    walk(start, root_kind, &mut |kind, node, path| {
        if kind == Node::Schema {
            // A map of schemas (`properties`, say) given as a reference to a map elsewhere:
            // the specification has no such reference, but bundlers resolve it, and specs
            // split into files rely on that. Read as a property named `$ref`, it would
            // lose every property.
            for keyword in SCHEMA_MAPS {
                let Some(Value::Object(map)) = node.get(keyword) else {
                    continue;
                };
                let Some(Value::String(reference)) = map.get("$ref") else {
                    continue;
                };
                if map.len() != 1 {
                    continue;
                }
                if let Some(target) = reference.strip_prefix('#').filter(|t| t.starts_with('/')) {
                    sites.push(Site {
                        at: pointer_push(&format!("{root}{}", path.pointer()), keyword),
                        target: target.to_string(),
                        kind,
                        allowed: false,
                    });
                }
            }
            return Flow::Descend;
        }
        let Some(Value::String(reference)) = node.get("$ref") else {
            return Flow::Descend;
        };
        // The bundler made every reference it could follow local; the others were
        // reported there.
        let Some(target) = reference.strip_prefix('#') else {
            return Flow::Skip;
        };
        if !(target.is_empty() || target.starts_with('/')) {
            return Flow::Skip;
        }
        let allowed = kind.allows_reference();
        if allowed && keeps_reference(kind, node, target, version) {
            return Flow::Skip;
        }
        sites.push(Site {
            at: format!("{root}{}", path.pointer()),
            target: target.to_string(),
            kind,
            allowed,
        });
        Flow::Skip
    });
    sites
}

/// Whether a reference can stay: it names an entry of the `components` section of its
/// own kind (which the structure reader follows by name), and, in 3.1, overrides nothing.
fn keeps_reference(kind: Node, node: &Value, target: &str, version: SpecVersion) -> bool {
    // Path items and callbacks are not read through references.
    if matches!(kind, Node::PathItem | Node::Callback | Node::MediaType) {
        return false;
    }
    let Some(section) = kind.section() else {
        return false;
    };
    let Some(rest) = target.strip_prefix(&format!("/components/{section}/")) else {
        return false;
    };
    if rest.contains('/') {
        return false;
    }
    let overrides = version != SpecVersion::V3_0
        && node
            .as_object()
            .is_some_and(|o| o.contains_key("summary") || o.contains_key("description"));
    !overrides
}

/// The node a pointer names, following references that the node itself is (a reference
/// to a reference); with the pointer of the node finally reached.
fn follow<'t>(tree: &'t Value, target: &str) -> Option<(String, &'t Value)> {
    let mut pointer = target.to_string();
    for _ in 0..64 {
        let node = tree.pointer(&pointer)?;
        match node.get("$ref").and_then(Value::as_str) {
            Some(next) if node.as_object().is_some_and(|o| o.len() == 1) => {
                let next = next.strip_prefix('#')?;
                if next == pointer {
                    return None;
                }
                pointer = next.to_string();
            }
            _ => return Some((pointer, node)),
        }
    }
    None
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(count_nodes).sum::<usize>(),
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut tree: Value, version: SpecVersion) -> (Value, SourceMap, Vec<Diagnostic>) {
        let mut map = SourceMap::default();
        let mut out = Vec::new();
        inline_references(
            &mut tree,
            version,
            &[(String::new(), Node::Document)],
            &mut map,
            &mut out,
        );
        (tree, map, out)
    }

    #[test]
    fn component_references_stay_and_others_are_copied() {
        let tree = json!({
            "paths": {"/a": {"get": {
                "parameters": [
                    {"$ref": "#/components/parameters/p"},
                    {"$ref": "#/paths/~1b/get/parameters/0"}
                ],
                "responses": {"200": {"$ref": "#/components/responses/r", "description": "better"}}
            }}, "/b": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}}},
            "components": {
                "parameters": {"p": {"name": "p", "in": "query", "schema": {"type": "string"}}},
                "responses": {"r": {"description": "plain"}}
            }
        });
        let (tree, map, out) = run(tree.clone(), SpecVersion::V3_0);
        assert!(out.is_empty(), "{out:?}");
        let params = &tree["paths"]["/a"]["get"]["parameters"];
        assert_eq!(params[0], json!({"$ref": "#/components/parameters/p"}));
        assert_eq!(params[1]["name"], json!("q"));
        assert_eq!(
            map.origin_of("/paths/~1a/get/parameters/1/schema"),
            "/paths/~1b/get/parameters/0/schema"
        );
        // 3.0 ignores a reference's siblings; 3.1 applies its description.
        assert_eq!(
            tree["paths"]["/a"]["get"]["responses"]["200"]["$ref"],
            json!("#/components/responses/r")
        );
    }

    #[test]
    fn overrides_path_items_and_misplaced_references() {
        let tree = json!({
            "info": {"description": {"$ref": "#/x-text"}},
            "x-text": "from elsewhere",
            "paths": {"/a": {"$ref": "#/components/pathItems/A"}},
            "components": {
                "pathItems": {"A": {"get": {"responses": {"200": {"$ref": "#/components/responses/r", "description": "better"}}}}},
                "responses": {"r": {"description": "plain"}}
            }
        });
        let (tree, _, out) = run(tree, SpecVersion::V3_1);
        assert_eq!(tree["info"]["description"], json!("from elsewhere"));
        assert_eq!(
            tree["paths"]["/a"]["get"]["responses"]["200"],
            json!({"description": "better"})
        );
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].pointer, "/info/description/$ref");
    }

    #[test]
    fn dangling_and_self_including_references_are_errors() {
        let tree = json!({
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/nowhere"}],
                "callbacks": {"c": {"$ref": "#/paths/~1a/get"}}
            }}}
        });
        let (_, _, out) = run(tree, SpecVersion::V3_1);
        let messages: Vec<&str> = out.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("does not point")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("includes itself")),
            "{messages:?}"
        );
    }
}
