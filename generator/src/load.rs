//! Load: the spec's files into one document, ready to resolve.
//!
//! The steps, in order:
//! 1. `parse`: the root text (YAML or JSON) into a JSON tree; overlays are applied to it.
//! 2. the version check: OpenAPI 3.0, 3.1 and 3.2 are read (3.2 where it uses 3.1's
//!    constructs).
//! 3. `bundle`: the files the root refers to (and those they refer to) are read, each
//!    once, and placed in the tree; every reference becomes a local JSON pointer.
//! 4. `inline`: references the structure reader cannot follow are replaced by copies.
//! 5. checks on the raw tree (schema shapes, parameters, response keys), and the set of
//!    schemas that references name.
//! 6. `structure`: a copy with empty schemas, read by `openapiv3` into the typed document.
//!
//! Positions of nodes in the text ([`Positions`]) are worked out only when there is a
//! diagnostic to place.

mod bundle;
mod grammar;
mod inline;
mod overlay;
mod parse;
mod positions;
mod schema_shape;
pub mod source;
mod structure;
mod tree;

pub use grammar::HTTP_METHODS;
pub use positions::Positions;
pub use source::{ReferencePolicy, SourceFile, SourceMap, SpecFiles};

use crate::diagnostics::{pointer_push, Diagnostic, Position, Severity};
use grammar::{walk, Flow, Node};
use indexmap::IndexMap;
pub use overlay::Overlay;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The OpenAPI version of a document, as far as reading it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpecVersion {
    V3_0,
    V3_1,
    /// Read like 3.1; its additions get warnings where the generator does not use them.
    V3_2,
}

/// A loaded spec.
#[derive(Debug)]
pub struct Loaded {
    /// The document's structure (paths, operations, parameters, responses, security),
    /// with empty schemas: schemas are read from [`Loaded::raw`].
    pub document: openapiv3::OpenAPI,
    /// The whole document as JSON, other files included, every reference local.
    pub raw: Value,
    pub version: SpecVersion,
    /// The files the spec is made of, the root first.
    pub files: Vec<SourceFile>,
    /// Where copies made in place of references come from.
    pub source_map: SourceMap,
    /// The document's webhooks (OpenAPI 3.1), by name.
    pub webhooks: IndexMap<String, openapiv3::PathItem>,
    /// Pointers of the schemas that references name.
    pub ref_targets: BTreeSet<String>,
    /// For a schema that a component schema is only a reference to, that component's
    /// name: the name a multi-file spec gives a schema kept in a file of its own.
    pub alias_names: BTreeMap<String, String>,
    /// Problems found while loading: warnings, and errors that did not stop it (files
    /// that could not be read), which fail the run once the rest has been checked.
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// The file a pointer of the combined document is in (`None` for the root), and the
    /// pointer within that file.
    pub fn file_of<'p>(&self, pointer: &'p str) -> (Option<&SourceFile>, &'p str) {
        let (index, local) = source::split_file(pointer);
        if index == 0 {
            (None, pointer)
        } else {
            (self.files.get(index), local)
        }
    }

    /// Where a node of the combined document was written: through copies made in place of
    /// references, to the original.
    pub fn origin_of(&self, pointer: &str) -> String {
        self.source_map.origin_of(pointer)
    }

    /// The node a schema at `pointer` stands for: following schemas that are only a
    /// reference (a component kept in a file of its own), to the one that is not.
    pub fn alias_target(&self, pointer: &str) -> String {
        let mut current = pointer.to_string();
        // A chain longer than this loops; the resolver reports that.
        for _ in 0..64 {
            let next = self
                .raw
                .pointer(&current)
                .and_then(Value::as_object)
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'));
            match next {
                Some(next) if next != current => current = next.to_string(),
                _ => break,
            }
        }
        current
    }

    /// Gives each diagnostic its file, its pointer within that file, its position and the
    /// line of text there.
    pub fn place(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        place(diagnostics, &self.files, &self.source_map)
    }
}

/// Parses YAML or JSON text into a JSON tree (for documents beside the spec, such as
/// overlays). `what` names what the text should be, for the message when it is empty.
pub fn parse_text(text: &str, what: &str) -> Result<Value, Diagnostic> {
    parse::parse_tree(text, what).map(|p| p.tree)
}

/// A spec to load: the root document's text and how to read the files it refers to.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// How diagnostics name the root document, e.g. `spec/api.yaml`. Other files are
    /// named by their paths joined to this label's folder.
    pub label: &'a str,
    pub text: &'a str,
    /// Reads the other files of a multi-file spec; without it, a reference to another
    /// file is an error.
    pub files: Option<&'a dyn SpecFiles>,
    pub references: ReferencePolicy,
    /// Overlays, applied to the root document in order before it is read.
    pub overlays: &'a [Overlay],
}

impl<'a> Input<'a> {
    /// A spec given as one text.
    pub fn text(label: &'a str, text: &'a str) -> Self {
        Input {
            label,
            text,
            files: None,
            references: ReferencePolicy::default(),
            overlays: &[],
        }
    }

    /// The diagnostics of a run on this input, rendered the way rustc shows errors, each in
    /// the root document or the overlay it is about.
    pub fn report(&self, diagnostics: &[crate::diagnostics::Diagnostic]) -> String {
        use crate::diagnostics::Source;
        let overlays: Vec<Source<'_>> = self
            .overlays
            .iter()
            .map(|o| Source {
                name: &o.label,
                text: &o.text,
            })
            .collect();
        crate::diagnostics::render_report(
            diagnostics,
            Source {
                name: self.label,
                text: self.text,
            },
            &overlays,
        )
    }
}

/// Loads a spec. On failure returns every problem found (errors, and the warnings seen
/// so far), each placed in its file where a position is known.
pub fn load_input(input: &Input<'_>) -> Result<Loaded, Vec<Diagnostic>> {
    let root_path = input
        .label
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(input.label)
        .to_string();
    let root_file = SourceFile {
        path: root_path,
        label: input.label.to_string(),
        text: input.text.to_string(),
    };
    let parsed = match parse::parse_tree(input.text, "an OpenAPI document") {
        Ok(p) => p,
        Err(d) => return Err(place(vec![d], &[root_file], &SourceMap::default())),
    };
    let mut raw = parsed.tree;
    for overlay in input.overlays {
        if let Err(problems) = overlay::apply(&mut raw, overlay) {
            return Err(place(problems, &[root_file], &SourceMap::default()));
        }
    }
    let version = match check_version(&raw) {
        Ok(v) => v,
        Err(d) => return Err(place(vec![d], &[root_file], &SourceMap::default())),
    };
    let reader = bundle::Reader {
        files: input.files,
        policy: input.references,
    };
    let bundled = match bundle::bundle(raw, root_file.clone(), parsed.repeated_keys, &reader) {
        Ok(b) => b,
        Err(problems) => return Err(place(problems, &[root_file], &SourceMap::default())),
    };
    let files = bundled.files;
    let mut raw = bundled.tree;
    // Problems with other files do not stop loading: the resolver still reports what else
    // is wrong, and the run fails at the end.
    let mut problems = bundled.problems;
    problems.extend(repeated_key_warnings(&files, &bundled.repeated_keys));
    let unreadable = problems.len();
    let mut source_map = SourceMap::default();
    inline::inline_references(
        &mut raw,
        version,
        &[(String::new(), grammar::Node::Document)],
        &mut source_map,
        &mut problems,
    );
    let fail = |problems: Vec<Diagnostic>, source_map: &SourceMap| {
        Err(place(problems, &files, source_map))
    };
    if has_errors(&problems[unreadable..]) {
        return fail(problems, &source_map);
    }
    let targets = schema_targets(&raw);
    // Schemas kept in other files are reached only through references: references where
    // none is allowed (a description in a Markdown file, an example in a file of its own)
    // are resolved there too.
    let schema_roots: Vec<(String, Node)> = targets
        .walked
        .iter()
        .map(|t| (t.clone(), Node::Schema))
        .collect();
    inline::inline_references(
        &mut raw,
        version,
        &schema_roots,
        &mut source_map,
        &mut problems,
    );
    let mut roots = vec![(String::new(), Node::Document)];
    roots.extend(schema_roots);
    excuse_unused_references(
        &raw,
        &roots,
        &source_map,
        &bundled.unfollowed,
        &mut problems,
    );
    if has_errors(&problems[unreadable..]) {
        return fail(problems, &source_map);
    }
    check_shape(&raw, version, &targets.walked, &mut problems);
    if has_errors(&problems[unreadable..]) {
        return fail(problems, &source_map);
    }
    let structure = structure::structure(&raw, &mut problems);
    let document = match read_structure(&structure) {
        Ok(d) => d,
        Err(d) => {
            problems.push(d);
            return fail(problems, &source_map);
        }
    };
    let webhooks = match read_webhooks(&structure) {
        Ok(w) => w,
        Err(d) => {
            problems.push(d);
            return fail(problems, &source_map);
        }
    };
    Ok(Loaded {
        document,
        raw,
        version,
        files,
        source_map,
        webhooks,
        ref_targets: targets.targets,
        alias_names: targets.alias_names,
        warnings: problems,
    })
}

/// A reference that could not be followed is only a warning where the generator would
/// not use what it names: in documentation (a description kept in a Markdown file) or in
/// an extension's data. It is left as written.
fn excuse_unused_references(
    raw: &Value,
    roots: &[(String, Node)],
    source_map: &SourceMap,
    unfollowed: &[usize],
    problems: &mut [Diagnostic],
) {
    if unfollowed.is_empty() {
        return;
    }
    let mut unused = BTreeSet::new();
    for (root, kind) in roots {
        let Some(start) = raw.pointer(root) else {
            continue;
        };
        walk(start, *kind, &mut |kind, node, path| {
            if matches!(kind, Node::Data | Node::Other) && node.get("$ref").is_some() {
                let at = format!("{root}{}", path.pointer());
                unused.insert(source_map.origin_of(&at));
                unused.insert(at);
            }
            Flow::Descend
        });
    }
    for &i in unfollowed {
        let Some(d) = problems.get_mut(i) else {
            continue;
        };
        let holder = d.pointer.rsplit_once('/').map_or("", |(h, _)| h);
        if unused.contains(holder) {
            d.severity = Severity::Warning;
            d.message.push_str("; it is documentation or extension data the generator does not use, so it is left as written");
        }
    }
}

fn has_errors(problems: &[Diagnostic]) -> bool {
    problems.iter().any(|d| d.severity == Severity::Error)
}

/// The OpenAPI version, or why the document is not one this generator reads.
fn check_version(raw: &Value) -> Result<SpecVersion, Diagnostic> {
    let Some(root) = raw.as_object() else {
        return Err(Diagnostic::error(
            "",
            "the document is not an OpenAPI document: its top level is not a mapping",
        ));
    };
    if let Some(v) = root.get("swagger") {
        return Err(Diagnostic::error(
            "/swagger",
            format!(
                "this is a Swagger/OpenAPI {} document; this generator reads OpenAPI 3.0, 3.1 and 3.2",
                v.as_str().unwrap_or("2.0")
            ),
        )
        .with_help("convert the document to OpenAPI 3 first"));
    }
    let Some(version) = root.get("openapi") else {
        return Err(Diagnostic::error(
            "",
            "the document is not an OpenAPI document: it has no `openapi` version field",
        ));
    };
    let text = match version {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut parts = text.split('.');
    match (parts.next(), parts.next()) {
        (Some("3"), Some("0")) => Ok(SpecVersion::V3_0),
        (Some("3"), Some("1")) => Ok(SpecVersion::V3_1),
        (Some("3"), Some("2")) => Ok(SpecVersion::V3_2),
        _ => Err(Diagnostic::error(
            "/openapi",
            format!(
                "this is an OpenAPI {text} document; this generator reads OpenAPI 3.0, 3.1 and 3.2"
            ),
        )
        .with_help("write the version as `3.0.x`, `3.1.x` or `3.2.x`, quoted in YAML")),
    }
}

/// A warning for each key written twice in one mapping (the last value is used).
fn repeated_key_warnings(files: &[SourceFile], counts: &[u32]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, (file, count)) in files.iter().zip(counts).enumerate() {
        if *count == 0 {
            continue;
        }
        let positions = Positions::from_text(&file.text);
        for (pointer, position) in positions.repeated_keys() {
            let key = grammar_last_token(pointer);
            let mut d = Diagnostic::warning(
                format!("{}{pointer}", source::file_base(index)),
                format!("the key `{key}` is written more than once in this mapping; the last value is used"),
            );
            d.position = Some(*position);
            out.push(d);
        }
    }
    out
}

fn grammar_last_token(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

/// The schemas references name, found by following references from the document's own
/// schemas into whatever they name (other files included).
struct Targets {
    targets: BTreeSet<String>,
    alias_names: BTreeMap<String, String>,
    /// Target schemas outside the document's own structure, whose shape is checked too.
    walked: Vec<String>,
}

fn schema_targets(raw: &Value) -> Targets {
    let mut targets = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    let found = |node: &Value, targets: &mut BTreeSet<String>, pending: &mut Vec<String>| {
        if let Some(target) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            if targets.insert(target.to_string()) {
                pending.push(target.to_string());
            }
        }
    };
    walk(raw, Node::Document, &mut |kind, node, _| {
        if kind == Node::Schema {
            found(node, &mut targets, &mut pending);
        }
        Flow::Descend
    });
    // Targets inside the document's structure were walked above; those elsewhere (other
    // files, or nodes the structure does not reach) are walked as schemas here.
    let mut walked = Vec::new();
    let mut seen = BTreeSet::new();
    while let Some(target) = pending.pop() {
        if !target.starts_with(&pointer_push("", source::FILES_KEY)) || !seen.insert(target.clone())
        {
            continue;
        }
        let Some(node) = raw.pointer(&target) else {
            continue;
        };
        walked.push(target.clone());
        walk(node, Node::Schema, &mut |kind, node, _| {
            if kind == Node::Schema {
                found(node, &mut targets, &mut pending);
            }
            Flow::Descend
        });
    }
    let mut alias_names = BTreeMap::new();
    if let Some(Value::Object(schemas)) = raw.pointer("/components/schemas") {
        for (name, schema) in schemas {
            let Some(Value::Object(s)) = Some(schema) else {
                continue;
            };
            if let (1, Some(Value::String(r))) = (s.len(), s.get("$ref")) {
                if let Some(target) = r.strip_prefix('#') {
                    if !target.starts_with("/components/schemas/") {
                        alias_names
                            .entry(target.to_string())
                            .or_insert_with(|| name.clone());
                    }
                }
            }
        }
    }
    walked.sort();
    Targets {
        targets,
        alias_names,
        walked,
    }
}

/// Checks on the raw tree: what `openapiv3` would reject vaguely (or, for response keys,
/// silently), and schema shapes the resolver relies on.
fn check_shape(raw: &Value, version: SpecVersion, targets: &[String], out: &mut Vec<Diagnostic>) {
    schema_shape::check_document(raw, version, out);
    for target in targets {
        if let Some(node) = raw.pointer(target) {
            schema_shape::check_schema_tree(node, target, version, out);
        }
    }
}

/// Reads the typed document from the structure copy. Tracking the path costs time on
/// every node, so it is only done to explain a failure.
fn read_structure(structure: &Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    if let Ok(document) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(structure) {
        return Ok(document);
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(structure) {
        Ok(document) => Ok(document),
        Err(err) => {
            let mut pointer = path_to_pointer(err.path());
            let mut message = format!("this is not a valid OpenAPI node: {}", err.inner());
            if let Some((p, m)) = narrow_paths_error(structure, &pointer) {
                (pointer, message) = (p, m);
            }
            Err(Diagnostic::error(pointer, message))
        }
    }
}

fn read_webhooks(structure: &Value) -> Result<IndexMap<String, openapiv3::PathItem>, Diagnostic> {
    let mut out = IndexMap::new();
    let Some(Value::Object(hooks)) = structure.get("webhooks") else {
        return Ok(out);
    };
    for (name, item) in hooks {
        let at = pointer_push("/webhooks", name);
        match serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item) {
            Ok(item) => {
                out.insert(name.clone(), item);
            }
            Err(err) => {
                return Err(Diagnostic::error(
                    format!("{at}{}", path_to_pointer(err.path())),
                    format!("this is not a valid OpenAPI node: {}", err.inner()),
                ))
            }
        }
    }
    Ok(out)
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
                format!("this is not a valid OpenAPI node: {}", err.inner()),
            ));
        }
    }
    None
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

/// Gives each diagnostic its file, its pointer within that file, its position and the
/// line of text there. Diagnostics that already name a file (an overlay's) are left as
/// they are, but for the line of text.
pub fn place(
    diagnostics: Vec<Diagnostic>,
    files: &[SourceFile],
    source_map: &SourceMap,
) -> Vec<Diagnostic> {
    let mut positions: BTreeMap<usize, Positions> = BTreeMap::new();
    diagnostics
        .into_iter()
        .map(|mut d| {
            if d.file.is_none() {
                // A reference that was replaced by a copy of its target is placed where it
                // was written: by its holder's parent, since the holder's own record leads
                // to the target.
                let origin = match d
                    .pointer
                    .strip_suffix("/$ref")
                    .and_then(|h| h.rsplit_once('/'))
                {
                    Some((parent, key)) => {
                        format!("{}/{key}/$ref", source_map.origin_of(parent))
                    }
                    None => source_map.origin_of(&d.pointer),
                };
                let (index, local) = source::split_file(&origin);
                let local = local.to_string();
                if let Some(file) = files.get(index) {
                    if index > 0 {
                        d.file = Some(file.label.clone());
                    }
                    if d.position.is_none() {
                        let found = positions
                            .entry(index)
                            .or_insert_with(|| Positions::from_text(&file.text));
                        d.position = found.find(&local);
                    }
                    d.source_line = d
                        .position
                        .and_then(|p| line_of(&file.text, p))
                        .map(Box::from);
                }
                d.pointer = local;
            }
            d
        })
        .collect()
}

fn line_of(text: &str, position: Position) -> Option<&str> {
    text.lines().nth((position.line as usize).checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
        load_input(&Input::text("spec", text))
    }

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
    fn versions_are_told_apart() {
        let e = errors("swagger: '2.0'\ninfo: {title: t, version: '1'}\n");
        assert!(
            e[0].message.contains("Swagger/OpenAPI 2.0"),
            "{}",
            e[0].message
        );
        let e = errors("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
        assert!(e[0].message.contains("OpenAPI 4.0.0"), "{}", e[0].message);
        assert_eq!(e[0].pointer, "/openapi");
        assert_eq!(e[0].position, Some(Position { line: 1, column: 1 }));
        for (text, version) in [
            (
                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
                SpecVersion::V3_0,
            ),
            (
                "openapi: 3.1.1\ninfo: {title: t, version: '1'}\n",
                SpecVersion::V3_1,
            ),
            (
                "{\"openapi\": \"3.2.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}}",
                SpecVersion::V3_2,
            ),
        ] {
            assert_eq!(load(text).expect("loads").version, version);
        }
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
        assert_eq!(e.len(), 1, "{e:#?}");
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

    #[test]
    fn repeated_keys_are_warned_about_where_they_are() {
        let text = "{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\",\n \"title\": \"u\"}}";
        let loaded = load(text).expect("loads");
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert_eq!(loaded.warnings[0].pointer, "/info/title");
        assert_eq!(loaded.warnings[0].position.map(|p| p.line), Some(2));
    }
}
