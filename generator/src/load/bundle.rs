//! Multi-file specs: reads every file the root document refers to (and the files those
//! refer to), each once, and combines them into one tree in which every reference is a
//! local JSON pointer.
//!
//! The other files are placed whole under [`FILES_KEY`] (file `n` at
//! `/x-openapi-rust-gen-files/n`), and each reference is rewritten to point there: a
//! reference to `schemas/pet.yaml#/Pet` from any file becomes
//! `#/x-openapi-rust-gen-files/3/Pet`. Cycles across files need nothing special, since
//! every file is placed once; diagnostics translate pointers back to the file and its own
//! pointer (see [`super::source::split_file`]).

use super::parse::parse_tree;
use super::source::{
    file_base, percent_decode, resolve_path, ReferencePolicy, SourceFile, SpecFiles, FILES_KEY,
    MAX_FILES, MAX_TOTAL_BYTES,
};
use crate::diagnostics::{pointer_push, Diagnostic};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The combined tree and the files it was made from (the root first).
pub struct Bundle {
    pub tree: Value,
    pub files: Vec<SourceFile>,
    /// Counts of keys repeated within a mapping, per file.
    pub repeated_keys: Vec<u32>,
    /// References that could not be followed (left as written) and files that could not
    /// be read or parsed. Loading goes on, so that one run reports every problem.
    pub problems: Vec<Diagnostic>,
    /// Which of `problems` are references left as written, by index.
    pub unfollowed: Vec<usize>,
}

/// Where the files come from and how far references may reach.
pub struct Reader<'a> {
    pub files: Option<&'a dyn SpecFiles>,
    pub policy: ReferencePolicy,
}

struct State<'a> {
    reader: &'a Reader<'a>,
    files: Vec<SourceFile>,
    trees: Vec<Value>,
    repeated_keys: Vec<u32>,
    by_path: BTreeMap<String, usize>,
    /// `$anchor` names and `$id` values of each file, with their pointers in the file.
    anchors: Vec<BTreeMap<String, String>>,
    ids: Vec<BTreeMap<String, String>>,
    total_bytes: usize,
    /// Files that could not be read, with why.
    unreadable: BTreeMap<String, String>,
    problems: Vec<Diagnostic>,
    unfollowed: Vec<usize>,
}

/// Combines the root document (already parsed) with every file it refers to.
pub fn bundle(
    root: Value,
    root_file: SourceFile,
    repeated_keys: u32,
    reader: &Reader<'_>,
) -> Result<Bundle, Vec<Diagnostic>> {
    let mut state = State {
        reader,
        total_bytes: root_file.text.len(),
        by_path: BTreeMap::from([(root_file.path.clone(), 0)]),
        files: vec![root_file],
        anchors: vec![names_in(&root, "$anchor")],
        ids: vec![names_in(&root, "$id")],
        trees: vec![root],
        repeated_keys: vec![repeated_keys],
        unreadable: BTreeMap::new(),
        problems: Vec::new(),
        unfollowed: Vec::new(),
    };
    let mut next = 0;
    while next < state.trees.len() {
        let mut found = Vec::new();
        find_references(
            &state.trees[next],
            next == 0,
            &mut Vec::new(),
            &mut Vec::new(),
            &mut found,
        );
        let mut edits = Vec::new();
        for occurrence in found {
            if let Some(new) = rewritten(&occurrence, next, &mut state) {
                edits.push((occurrence, new));
            }
        }
        for (occurrence, new) in edits {
            let holder = pointer_of(&occurrence.path);
            if let Some(Value::Object(map)) = state.trees[next].pointer_mut(&holder) {
                map.insert(occurrence.key, Value::String(new));
            }
        }
        next += 1;
    }
    let mut trees = state.trees.into_iter();
    let mut tree = trees.next().unwrap_or(Value::Null);
    let others: Map<String, Value> = trees
        .enumerate()
        .map(|(i, t)| ((i + 1).to_string(), t))
        .collect();
    if let Some(root) = tree.as_object_mut() {
        if root.contains_key(FILES_KEY) {
            return Err(vec![Diagnostic::error(
                pointer_push("", FILES_KEY),
                format!(
                    "`{FILES_KEY}` is reserved by the generator for the files of a multi-file spec"
                ),
            )]);
        }
        if !others.is_empty() {
            root.insert(FILES_KEY.to_string(), Value::Object(others));
        }
    }
    Ok(Bundle {
        tree,
        files: state.files,
        repeated_keys: state.repeated_keys,
        problems: state.problems,
        unfollowed: state.unfollowed,
    })
}

/// Values of `key` (`$anchor` or `$id`) anywhere in a tree, with the pointers of the
/// objects holding them.
fn names_in(tree: &Value, key: &str) -> BTreeMap<String, String> {
    fn go(node: &Value, key: &str, at: &str, out: &mut BTreeMap<String, String>, depth: usize) {
        if depth > 1024 {
            return;
        }
        match node {
            Value::Object(map) => {
                if let Some(Value::String(name)) = map.get(key) {
                    out.entry(name.clone()).or_insert_with(|| at.to_string());
                }
                for (k, v) in map {
                    if v.is_object() || v.is_array() {
                        go(v, key, &pointer_push(at, k), out, depth + 1);
                    }
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    go(v, key, &pointer_push(at, &i.to_string()), out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    // Only documents that use the keyword pay for building pointers.
    if contains_key(tree, key, 0) {
        go(tree, key, "", &mut out, 0);
    }
    out
}

fn contains_key(node: &Value, key: &str, depth: usize) -> bool {
    if depth > 1024 {
        return false;
    }
    match node {
        Value::Object(map) => {
            map.contains_key(key) || map.values().any(|v| contains_key(v, key, depth + 1))
        }
        Value::Array(items) => items.iter().any(|v| contains_key(v, key, depth + 1)),
        _ => false,
    }
}

/// A reference as written: the object holding it (by its path), the key (`$ref`, or a
/// discriminator mapping value), the text, and the enclosing `$id` resources.
struct Occurrence {
    path: Vec<String>,
    key: String,
    reference: String,
    resources: Vec<String>,
}

/// Finds every reference in `node` that needs rewriting: `$ref` values anywhere, and
/// discriminator mapping values that name files or pointers. `resources` holds the
/// pointers of enclosing objects with an `$id`, against which JSON Schema resolves
/// fragment-only references. A local pointer outside any such object is already in its
/// final form and is passed over, which keeps single-file documents cheap.
fn find_references<'v>(
    node: &'v Value,
    root: bool,
    path: &mut Vec<Cow<'v, str>>,
    resources: &mut Vec<String>,
    out: &mut Vec<Occurrence>,
) {
    if path.len() > 1024 {
        return;
    }
    let owned = |path: &[Cow<'v, str>]| path.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    // Local pointers of the root document keep their form; other files' are moved under
    // the key where the file is placed.
    let settled = |reference: &str, resources: &[String]| {
        root && resources.is_empty() && reference.starts_with("#/") && !reference.contains('%')
    };
    match node {
        Value::Object(map) => {
            let resource = matches!(map.get("$id"), Some(Value::String(_)));
            if resource {
                resources.push(path.iter().fold(String::new(), |p, t| pointer_push(&p, t)));
            }
            if let Some(Value::String(reference)) = map.get("$ref") {
                if !settled(reference, resources) {
                    out.push(Occurrence {
                        path: owned(path),
                        key: "$ref".into(),
                        reference: reference.clone(),
                        resources: resources.clone(),
                    });
                }
            }
            if path.last().is_some_and(|k| k == "discriminator") {
                if let Some(Value::Object(mapping)) = map.get("mapping") {
                    for (value, target) in mapping {
                        // A bare schema name is not a reference to follow here.
                        if let Value::String(reference) = target {
                            if looks_like_reference(reference) && !settled(reference, resources) {
                                let mut at = owned(path);
                                at.push("mapping".into());
                                out.push(Occurrence {
                                    path: at,
                                    key: value.clone(),
                                    reference: reference.clone(),
                                    resources: resources.clone(),
                                });
                            }
                        }
                    }
                }
            }
            for (key, child) in map {
                if child.is_object() || child.is_array() {
                    path.push(Cow::Borrowed(key.as_str()));
                    find_references(child, root, path, resources, out);
                    path.pop();
                }
            }
            if resource {
                resources.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    path.push(Cow::Owned(i.to_string()));
                    find_references(child, root, path, resources, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

fn looks_like_reference(text: &str) -> bool {
    text.contains('#')
        || text.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| text.to_ascii_lowercase().ends_with(ext))
}

fn pointer_of(path: &[String]) -> String {
    path.iter().fold(String::new(), |p, t| pointer_push(&p, t))
}

/// The local form of a reference written in file `file`; `None` when it stays as it is
/// or cannot be followed (reported).
fn rewritten(occurrence: &Occurrence, file: usize, state: &mut State<'_>) -> Option<String> {
    let reference = occurrence.reference.as_str();
    let (target, fragment) = match reference.split_once('#') {
        Some((t, f)) => (t, f),
        None => (reference, ""),
    };
    let report = |state: &mut State<'_>, message: String, help: Option<String>| {
        let at = pointer_push(&pointer_of(&occurrence.path), &occurrence.key);
        let mut d = Diagnostic::error(format!("{}{at}", file_base(file)), message);
        if let Some(help) = help {
            d = d.with_help(help);
        }
        state.unfollowed.push(state.problems.len());
        state.problems.push(d);
    };
    let fragment = percent_decode(fragment);
    let (target_file, base) = if target.is_empty() {
        // A fragment-only reference inside a schema with an `$id` resolves against that
        // schema (JSON Schema 2020-12) when the pointer exists there; documents commonly
        // mean the whole document, which is the fallback.
        let base = occurrence
            .resources
            .last()
            .filter(|r| {
                fragment.starts_with('/')
                    && lookup(&state.trees, file, &format!("{r}{fragment}")).is_some()
            })
            .cloned()
            .unwrap_or_default();
        (file, base)
    } else if let Some(pointer) = state.ids[file].get(target).cloned() {
        (file, pointer)
    } else {
        let Some(reader) = state.reader.files else {
            report(
                state,
                format!("the reference `{reference}` names another file, but the spec was given as one text, so other files cannot be read"),
                Some("generate from the spec's file (`cargo xtask generate --spec FILE`), so that files beside it can be read".into()),
            );
            return None;
        };
        let referrer = state.files[file].path.clone();
        let resolved = match resolve_path(&referrer, target, state.reader.policy) {
            Ok(p) => p,
            Err(refusal) => {
                let (message, help) = refusal.message(reference);
                report(state, message, help);
                return None;
            }
        };
        if let Some(message) = state.unreadable.get(&resolved).cloned() {
            report(state, message, None);
            return None;
        }
        let index = match state.by_path.get(&resolved) {
            Some(i) => *i,
            None => match load_file(reader, &resolved, state) {
                Ok(i) => i,
                Err(message) => {
                    // Remembered, so that a file named by many references is tried once.
                    state.unreadable.insert(resolved, message.clone());
                    report(state, message, None);
                    return None;
                }
            },
        };
        (index, String::new())
    };
    let pointer = if fragment.is_empty() || fragment.starts_with('/') {
        format!("{base}{fragment}")
    } else {
        match state
            .anchors
            .get(target_file)
            .and_then(|a| a.get(&fragment))
        {
            Some(p) => p.clone(),
            None => {
                report(
                    state,
                    format!("the reference `{reference}` names the anchor `{fragment}`, which no `$anchor` in that document declares"),
                    None,
                );
                return None;
            }
        }
    };
    let local = format!("#{}{pointer}", file_base(target_file));
    (local != reference).then_some(local)
}

/// The node at `pointer` of file `file`, while files are being combined.
fn lookup<'t>(trees: &'t [Value], file: usize, pointer: &str) -> Option<&'t Value> {
    trees.get(file)?.pointer(pointer)
}

/// Reads and parses a file at `path` (relative to the root's folder) and adds it to the
/// set. Files that are not YAML or JSON by their extension (Markdown descriptions, say)
/// are kept as text.
fn load_file(reader: &dyn SpecFiles, path: &str, state: &mut State<'_>) -> Result<usize, String> {
    if state.files.len() >= MAX_FILES {
        return Err(format!(
            "the spec refers to more than {MAX_FILES} files; `{path}` is not read"
        ));
    }
    if state.total_bytes >= MAX_TOTAL_BYTES {
        return Err(format!(
            "the spec's files already hold {} MiB; `{path}` is not read",
            MAX_TOTAL_BYTES / (1024 * 1024)
        ));
    }
    let text = reader
        .read(path)
        .map_err(|e| format!("the file `{path}` cannot be read: {e}"))?;
    state.total_bytes = state.total_bytes.saturating_add(text.len());
    if state.total_bytes > MAX_TOTAL_BYTES {
        return Err(format!(
            "the spec's files hold more than {} MiB; `{path}` is not read",
            MAX_TOTAL_BYTES / (1024 * 1024)
        ));
    }
    let lower = path.to_ascii_lowercase();
    let structured = [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    let index = state.files.len();
    let label = match state.files[0].label.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/{path}"),
        None => path.to_string(),
    };
    let (tree, repeated) = if structured {
        match parse_tree(&text, "a YAML or JSON document") {
            Ok(parsed) => (parsed.tree, parsed.repeated_keys),
            Err(mut d) => {
                // Reported in the file itself, at the position the parser gives.
                d.file = Some(label.clone());
                d.pointer = String::new();
                state.problems.push(d);
                (Value::Null, 0)
            }
        }
    } else {
        (Value::String(text.clone()), 0)
    };
    state.anchors.push(names_in(&tree, "$anchor"));
    state.ids.push(names_in(&tree, "$id"));
    state.trees.push(tree);
    state.repeated_keys.push(repeated);
    state.files.push(SourceFile {
        path: path.to_string(),
        label,
        text,
    });
    state.by_path.insert(path.to_string(), index);
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    struct Files(BTreeMap<&'static str, &'static str>);

    impl SpecFiles for Files {
        fn read(&self, path: &str) -> Result<String, String> {
            self.0
                .get(path)
                .map(|t| t.to_string())
                .ok_or_else(|| "no such file".to_string())
        }
    }

    fn root(tree: Value) -> (Value, SourceFile) {
        let file = SourceFile {
            path: "openapi.yaml".into(),
            label: "spec/openapi.yaml".into(),
            text: String::new(),
        };
        (tree, file)
    }

    #[test]
    fn files_are_placed_once_and_references_made_local() {
        let files = Files(BTreeMap::from([
            ("schemas/pet.yaml", "Pet: {type: object, properties: {owner: {$ref: '../openapi.yaml#/components/schemas/Owner'}, tag: {$ref: 'tag.json'}}}\n"),
            ("schemas/tag.json", "{\"type\": \"string\", \"description\": {\"$ref\": \"../docs/tag.md\"}}"),
            ("docs/tag.md", "# A tag\n"),
        ]));
        let (tree, file) = root(json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "Pet": {"$ref": "schemas/pet.yaml#/Pet"},
                "Again": {"$ref": "./schemas/pet.yaml#/Pet"},
                "Owner": {"$ref": "#/components/schemas/Pet"}
            }}
        }));
        let reader = Reader {
            files: Some(&files),
            policy: ReferencePolicy::default(),
        };
        let bundle = bundle(tree, file, 0, &reader).expect("bundles");
        let files_at = format!("#{}", file_base(1));
        assert_eq!(
            bundle.tree["components"]["schemas"]["Pet"]["$ref"],
            json!(format!("{files_at}/Pet"))
        );
        assert_eq!(
            bundle.tree["components"]["schemas"]["Again"]["$ref"],
            json!(format!("{files_at}/Pet"))
        );
        let pet = &bundle.tree[FILES_KEY]["1"]["Pet"]["properties"];
        assert_eq!(pet["owner"]["$ref"], json!("#/components/schemas/Owner"));
        assert_eq!(pet["tag"]["$ref"], json!(format!("#{}", file_base(2))));
        assert_eq!(
            bundle.tree[FILES_KEY]["3"],
            json!("# A tag\n"),
            "a Markdown file is kept as text"
        );
        assert_eq!(bundle.files.len(), 4);
        assert_eq!(bundle.files[2].label, "spec/schemas/tag.json");
    }

    #[test]
    fn unreadable_and_forbidden_files_are_reported_where_referenced() {
        let files = Files(BTreeMap::new());
        let (tree, file) = root(
            json!({"a": {"$ref": "missing.yaml"}, "b": {"$ref": "../up.yaml"}, "c": {"$ref": "https://example.com/x.yaml"}}),
        );
        let reader = Reader {
            files: Some(&files),
            policy: ReferencePolicy::default(),
        };
        let problems = bundle(tree, file, 0, &reader).expect("bundles").problems;
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|d| (d.pointer.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].0 == "/a/$ref" && found[0].1.contains("cannot be read"));
        assert!(found[1].0 == "/b/$ref" && found[1].1.contains("leaves the folder"));
        assert!(found[2].0 == "/c/$ref" && found[2].1.contains("network"));
    }

    #[test]
    fn anchors_ids_and_percent_escapes_resolve() {
        let (tree, file) = root(json!({
            "components": {"schemas": {
                "A": {"$anchor": "thing", "type": "string"},
                "B": {"$ref": "#thing"},
                "C": {"$ref": "#/components/schemas/A%20B"},
                "D": {"$id": "https://example.com/d", "$defs": {"x": {"type": "integer"}},
                      "properties": {"x": {"$ref": "#/$defs/x"}, "y": {"$ref": "#/components/schemas/A"}}},
                "E": {"$ref": "https://example.com/d"}
            }}
        }));
        let reader = Reader {
            files: None,
            policy: ReferencePolicy::default(),
        };
        let bundle = bundle(tree, file, 0, &reader).expect("bundles");
        let s = &bundle.tree["components"]["schemas"];
        assert_eq!(s["B"]["$ref"], json!("#/components/schemas/A"));
        assert_eq!(s["C"]["$ref"], json!("#/components/schemas/A B"));
        assert_eq!(
            s["D"]["properties"]["x"]["$ref"],
            json!("#/components/schemas/D/$defs/x")
        );
        assert_eq!(
            s["D"]["properties"]["y"]["$ref"],
            json!("#/components/schemas/A")
        );
        assert_eq!(s["E"]["$ref"], json!("#/components/schemas/D"));
    }
}
