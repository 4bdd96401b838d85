//! The shape of an OpenAPI document (3.0, 3.1 and 3.2): which kind of object each field
//! holds. One walk built on it serves every pass that needs to know where it is: finding
//! schemas, references and the places references are not allowed, and checking shapes.

use crate::diagnostics::pointer_push;
use serde_json::Value;
use std::borrow::Cow;

/// The kind of a node of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Document,
    Info,
    Server,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Header,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Components,
    Schema,
    Discriminator,
    Tag,
    /// An object of the specification this walk does not look into (contact, license,
    /// external docs, XML, OAuth flows, security requirements).
    Other,
    /// A value that is data, not a document node: examples, defaults, enum values,
    /// extensions, descriptions.
    Data,
}

impl Node {
    /// Whether a Reference Object may stand for a node of this kind.
    pub fn allows_reference(self) -> bool {
        matches!(
            self,
            Node::Schema
                | Node::PathItem
                | Node::Parameter
                | Node::RequestBody
                | Node::Response
                | Node::Header
                | Node::Example
                | Node::Link
                | Node::Callback
                | Node::SecurityScheme
                | Node::MediaType
        )
    }

    /// The `components` section that holds nodes of this kind.
    pub fn section(self) -> Option<&'static str> {
        Some(match self {
            Node::Schema => "schemas",
            Node::PathItem => "pathItems",
            Node::Parameter => "parameters",
            Node::RequestBody => "requestBodies",
            Node::Response => "responses",
            Node::Header => "headers",
            Node::Example => "examples",
            Node::Link => "links",
            Node::Callback => "callbacks",
            Node::SecurityScheme => "securitySchemes",
            Node::MediaType => "mediaTypes",
            _ => return None,
        })
    }
}

/// What one field of a node holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    One(Node),
    /// A mapping from names to nodes of one kind.
    Map(Node),
    /// A list of nodes of one kind.
    List(Node),
    /// A schema, or a list of schemas (the tuple form of `items` in older drafts).
    SchemaOrList,
}

pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What the field `key` of a node of kind `parent` holds.
pub fn field(parent: Node, key: &str) -> Slot {
    use Node::*;
    use Slot::*;
    if key.starts_with("x-") {
        return One(Data);
    }
    match (parent, key) {
        (Document, "info") => One(Info),
        (Document, "servers") | (PathItem, "servers") | (Operation, "servers") => List(Server),
        (Document, "paths") => One(Paths),
        (Document, "webhooks") => Map(PathItem),
        (Document, "components") => One(Components),
        (Document, "tags") => List(Tag),
        (Paths, _) | (Callback, _) => One(PathItem),
        (PathItem, "parameters") | (Operation, "parameters") => List(Parameter),
        (PathItem, "additionalOperations") => Map(Operation),
        (PathItem, method) if HTTP_METHODS.contains(&method) || method == "query" => One(Operation),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => One(Responses),
        (Operation, "callbacks") => Map(Callback),
        (Parameter | Header, "schema") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
        (Parameter | Header | MediaType, "examples") => Map(Example),
        (MediaType, "schema" | "itemSchema") => One(Schema),
        (MediaType, "encoding") => Map(Encoding),
        (Encoding, "headers") | (Response, "headers") => Map(Header),
        (Responses, _) => One(Response),
        (Response, "links") => Map(Link),
        (Components, "schemas") => Map(Schema),
        (Components, "responses") => Map(Response),
        (Components, "parameters") => Map(Parameter),
        (Components, "examples") => Map(Example),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "headers") => Map(Header),
        (Components, "securitySchemes") => Map(SecurityScheme),
        (Components, "links") => Map(Link),
        (Components, "callbacks") => Map(Callback),
        (Components, "pathItems") => Map(PathItem),
        (Components, "mediaTypes") => Map(MediaType),
        (
            Schema,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
        ) => Map(Schema),
        (Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => List(Schema),
        (Schema, "items") => SchemaOrList,
        (
            Schema,
            "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "additionalItems"
            | "contentSchema",
        ) => One(Schema),
        (Schema, "discriminator") => One(Discriminator),
        (Info | Server | Tag | SecurityScheme | Link | Example | Discriminator | Other, _) => {
            One(Other)
        }
        _ => One(Data),
    }
}

/// The path of the node being visited, as reference tokens; the pointer is only built
/// when asked for (building one per node would cost more than the walk itself).
pub struct Path<'v> {
    tokens: Vec<Cow<'v, str>>,
}

impl Path<'_> {
    pub fn pointer(&self) -> String {
        self.tokens
            .iter()
            .fold(String::new(), |p, token| pointer_push(&p, token))
    }

    pub fn depth(&self) -> usize {
        self.tokens.len()
    }
}

/// Whether the walk goes into a node's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Descend,
    Skip,
}

/// Documents nest no deeper than the readers allow; the bound keeps the walk safe anyway.
const MAX_DEPTH: usize = 1024;

/// Visits `root` (a node of kind `kind`) and every node below it, parents first, in
/// document order. Schemas are visited with all their subschemas; data is visited as
/// [`Node::Data`] through every level (a `$ref` may hide anywhere).
pub fn walk<'v>(
    root: &'v Value,
    kind: Node,
    visit: &mut dyn FnMut(Node, &'v Value, &Path<'v>) -> Flow,
) {
    let mut path = Path { tokens: Vec::new() };
    walk_node(root, kind, &mut path, visit);
}

fn walk_node<'v>(
    node: &'v Value,
    kind: Node,
    path: &mut Path<'v>,
    visit: &mut dyn FnMut(Node, &'v Value, &Path<'v>) -> Flow,
) {
    if path.depth() > MAX_DEPTH || visit(kind, node, path) == Flow::Skip {
        return;
    }
    match node {
        Value::Object(map) => {
            // A reference stands for the node; its siblings are annotations.
            if kind != Node::Data && kind != Node::Schema && map.contains_key("$ref") {
                return;
            }
            for (key, child) in map {
                if !(child.is_object() || child.is_array()) {
                    continue;
                }
                // The other files of a multi-file spec are reached through references,
                // where their kind is known; walked from here, they would be data.
                if kind == Node::Document && key == super::source::FILES_KEY {
                    continue;
                }
                let slot = match kind {
                    Node::Data => Slot::One(Node::Data),
                    _ => field(kind, key),
                };
                path.tokens.push(Cow::Borrowed(key.as_str()));
                match (slot, child) {
                    (Slot::One(k), _) => walk_node(child, k, path, visit),
                    (Slot::Map(k), Value::Object(entries)) => {
                        for (name, entry) in entries {
                            path.tokens.push(Cow::Borrowed(name.as_str()));
                            walk_node(entry, k, path, visit);
                            path.tokens.pop();
                        }
                    }
                    (Slot::List(k), Value::Array(items)) => walk_items(items, k, path, visit),
                    (Slot::SchemaOrList, Value::Array(items)) => {
                        walk_items(items, Node::Schema, path, visit)
                    }
                    (Slot::SchemaOrList, _) => walk_node(child, Node::Schema, path, visit),
                    // A field of the wrong shape is data; the shape check reports it.
                    _ => walk_node(child, Node::Data, path, visit),
                }
                path.tokens.pop();
            }
        }
        Value::Array(items) => walk_items(items, Node::Data, path, visit),
        _ => {}
    }
}

fn walk_items<'v>(
    items: &'v [Value],
    kind: Node,
    path: &mut Path<'v>,
    visit: &mut dyn FnMut(Node, &'v Value, &Path<'v>) -> Flow,
) {
    for (i, item) in items.iter().enumerate() {
        path.tokens.push(Cow::Owned(i.to_string()));
        walk_node(item, kind, path, visit);
        path.tokens.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(doc: &Value) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        walk(doc, Node::Document, &mut |kind, _, path| {
            if kind != Node::Data {
                out.push((path.pointer(), kind));
            }
            Flow::Descend
        });
        out
    }

    #[test]
    fn every_node_gets_its_kind() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/p"}],
                "get": {"responses": {"200": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"x": {"items": [{"type": "string"}]}}},
                    "example": {"deep": {"$ref": "x"}}
                }}}}}
            }},
            "webhooks": {"hook": {"post": {"requestBody": {"content": {}}}}},
            "components": {"schemas": {"S": {"$defs": {"D": {"type": "string"}}}}}
        });
        let found = kinds(&doc);
        let has = |p: &str, k: Node| found.iter().any(|(fp, fk)| fp == p && *fk == k);
        assert!(has("/paths/~1a/parameters/0", Node::Parameter));
        assert!(has("/paths/~1a/get", Node::Operation));
        assert!(has("/paths/~1a/get/responses/200", Node::Response));
        assert!(has(
            "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x/items/0",
            Node::Schema
        ));
        assert!(has("/webhooks/hook/post/requestBody", Node::RequestBody));
        assert!(has("/components/schemas/S/$defs/D", Node::Schema));
        assert!(!found
            .iter()
            .any(|(p, _)| p.contains("example") && !p.ends_with("example")));
    }

    #[test]
    fn data_is_walked_as_data() {
        let doc = json!({"info": {"description": {"$ref": "d.md"}}, "x-a": [{"b": 1}]});
        let mut data = Vec::new();
        walk(&doc, Node::Document, &mut |kind, _, path| {
            if kind == Node::Data {
                data.push(path.pointer());
            }
            Flow::Descend
        });
        assert_eq!(data, vec!["/x-a", "/x-a/0"]);
        let mut other = Vec::new();
        walk(&doc, Node::Document, &mut |kind, _, path| {
            if kind == Node::Other {
                other.push(path.pointer());
            }
            Flow::Descend
        });
        assert_eq!(other, vec!["/info/description"]);
    }
}
