//! Following `$ref`s. The loader has made every reference local (files of a multi-file
//! spec are part of one tree), so a reference is a JSON pointer into the document.
//! Schemas may be referenced at any node; other objects (parameters, responses, ...) that
//! are not entries of `components` were copied in place by the loader, so those are found
//! by their component name.

use super::Resolver;
use crate::diagnostics::{pointer_push, Diagnostic};
use openapiv3::ReferenceOr;
use serde_json::Value;

/// The component name a local reference of the given section points to, e.g.
/// `#/components/schemas/A~1B` → `A/B` for section `schemas`.
pub fn component_name(reference: &str, section: &str) -> Option<String> {
    let prefix = format!("#/components/{section}/");
    let rest = reference.strip_prefix(&prefix)?;
    if rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

/// The JSON pointer a local reference names (`#/a/b` → `/a/b`, `#` → the root).
pub fn local_pointer(reference: &str) -> Option<&str> {
    reference
        .strip_prefix('#')
        .filter(|p| p.is_empty() || p.starts_with('/'))
}

/// The reference tokens of a JSON pointer, unescaped.
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

impl<'a> Resolver<'a> {
    /// Reports a reference that cannot be followed.
    fn bad_reference(&mut self, pointer: &str, reference: &str, section: &str) {
        let here = pointer_push(pointer, "$ref");
        if local_pointer(reference).is_none() {
            // The loader makes every reference it can follow local and has reported the
            // others where they are written; the run fails on that report.
        } else {
            self.diags.error(
                here,
                format!("the reference `{reference}` does not point to an entry of `components/{section}`"),
            );
        }
    }

    /// Looks a component up, following chains of references between components. Returns
    /// the item and the JSON pointer where it is defined.
    pub(super) fn follow<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        section: &str,
        table: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let mut current = item;
        let mut at = pointer.to_string();
        // A chain longer than the table itself must loop.
        for _ in 0..=64 {
            match current {
                ReferenceOr::Item(t) => return Some((t, at)),
                ReferenceOr::Reference { reference } => {
                    let target = component_name(reference, section).and_then(|name| {
                        let components = self.loaded.document.components.as_ref()?;
                        let found = table(components).get(&name)?;
                        Some((found, name))
                    });
                    match target {
                        Some((found, name)) => {
                            current = found;
                            at = pointer_push(&pointer_push("/components", section), &name);
                        }
                        None => {
                            self.bad_reference(&at, reference, section);
                            return None;
                        }
                    }
                }
            }
        }
        self.diags
            .error(pointer, "this reference chain loops back on itself");
        None
    }

    /// Whether a schema reference names a node, without reporting.
    pub(super) fn schema_exists(&self, reference: &str) -> bool {
        local_pointer(reference).is_some_and(|p| self.loaded.raw.pointer(p).is_some())
    }

    /// The schema a reference names, with its pointer; reported where the reference is
    /// written when it names nothing.
    pub(super) fn schema_target(
        &mut self,
        reference: &str,
        pointer: &str,
    ) -> Option<(String, &'a Value)> {
        let found = local_pointer(reference)
            .and_then(|p| self.loaded.raw.pointer(p).map(|node| (p.to_string(), node)));
        if found.is_none() {
            if component_name(reference, "schemas").is_some() || local_pointer(reference).is_none()
            {
                self.bad_reference(pointer, reference, "schemas");
            } else {
                self.diags.push(Diagnostic::error(
                    pointer_push(pointer, "$ref"),
                    format!(
                        "the reference `{reference}` does not point to a node of this document"
                    ),
                ));
            }
        }
        found
    }

    /// The name a referenced schema goes by: its component name; the name of a component
    /// that is only a reference to it; its title; or words from where it is written (the
    /// file's name for a file that is one schema).
    pub(super) fn schema_base_name(&self, pointer: &str) -> String {
        if let Some(name) = self.loaded.alias_names.get(pointer) {
            return name.clone();
        }
        let tokens = pointer_tokens(pointer);
        if let [components, schemas, name] = tokens.as_slice() {
            if components == "components" && schemas == "schemas" {
                return name.clone();
            }
        }
        if let Some(title) = self
            .loaded
            .raw
            .pointer(pointer)
            .and_then(|n| n.get("title"))
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
        {
            return title.to_string();
        }
        self.pointer_words(pointer)
    }

    /// Words that say where a node sits, for naming a referenced schema that has no
    /// name of its own: `/components/schemas/Tag/properties/owner` → `Tag owner`,
    /// `/components/parameters/state/schema` → `state`.
    fn pointer_words(&self, pointer: &str) -> String {
        let (file, local) = self.loaded.file_of(pointer);
        let base = pointer.strip_suffix(local).unwrap_or_default();
        let tokens = pointer_tokens(local);
        let raw = &self.loaded.raw;
        let mut words: Vec<String> = Vec::new();
        let mut at = base.to_string();
        let mut i = 0;
        let take = |n: usize, at: &mut String, i: &mut usize| {
            for t in tokens.iter().skip(*i).take(n) {
                *at = pointer_push(at, t);
            }
            *i += n;
        };
        while i < tokens.len() {
            let t = tokens[i].as_str();
            let next = tokens.get(i + 1).map(String::as_str);
            match (t, next) {
                ("components", Some(_)) if i == 0 => {
                    if let Some(name) = tokens.get(i + 2) {
                        words.push(name.clone());
                    }
                    take(3, &mut at, &mut i);
                }
                ("paths" | "webhooks", Some(path)) if i == 0 => {
                    let method = tokens.get(i + 2).cloned().unwrap_or_default();
                    take(3, &mut at, &mut i);
                    match raw
                        .pointer(&pointer_push(&at, "operationId"))
                        .and_then(Value::as_str)
                    {
                        Some(id) => words.push(id.to_string()),
                        None => {
                            words.push(method);
                            words.push(path.to_string());
                        }
                    }
                }
                ("parameters", Some(index)) => {
                    let name = raw
                        .pointer(&pointer_push(
                            &pointer_push(&pointer_push(&at, t), index),
                            "name",
                        ))
                        .and_then(Value::as_str)
                        .unwrap_or("parameter");
                    words.push(name.to_string());
                    take(2, &mut at, &mut i);
                }
                (method, _)
                    if crate::load::HTTP_METHODS.contains(&method)
                        && raw
                            .pointer(&pointer_push(&pointer_push(&at, method), "operationId"))
                            .is_some() =>
                {
                    // An operation in a file of its own: named by its operationId.
                    let id = raw
                        .pointer(&pointer_push(&pointer_push(&at, method), "operationId"))
                        .and_then(Value::as_str)
                        .unwrap_or(method);
                    words.push(id.to_string());
                    take(1, &mut at, &mut i);
                }
                ("requestBody", _) => {
                    words.push("request".into());
                    take(1, &mut at, &mut i);
                }
                ("responses", Some(code)) => {
                    words.push(if code.starts_with('2') {
                        "response".to_string()
                    } else {
                        format!("{code} response")
                    });
                    take(2, &mut at, &mut i);
                }
                ("content" | "encoding", Some(_)) => take(2, &mut at, &mut i),
                ("schema" | "itemSchema", _) => take(1, &mut at, &mut i),
                (
                    "headers" | "properties" | "patternProperties" | "dependentSchemas",
                    Some(name),
                ) => {
                    words.push(name.to_string());
                    take(2, &mut at, &mut i);
                }
                // Definitions are named for themselves, wherever they are kept.
                ("$defs" | "definitions", Some(name)) => {
                    words = vec![name.to_string()];
                    take(2, &mut at, &mut i);
                }
                ("items", _) => {
                    words.push("item".into());
                    take(1, &mut at, &mut i);
                }
                ("additionalProperties" | "unevaluatedProperties", _) => {
                    words.push("value".into());
                    take(1, &mut at, &mut i);
                }
                ("prefixItems" | "allOf" | "oneOf" | "anyOf", Some(index)) => {
                    let n = index.parse::<usize>().map_or(0, |n| n + 1);
                    words.push(match t {
                        "prefixItems" => format!("item {n}"),
                        "allOf" => format!("part {n}"),
                        _ => format!("variant {n}"),
                    });
                    take(2, &mut at, &mut i);
                }
                _ => {
                    words.push(t.to_string());
                    take(1, &mut at, &mut i);
                }
            }
        }
        if words.is_empty() {
            return file.map_or_else(|| "schema".to_string(), |f| f.stem());
        }
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::{component_name, local_pointer, pointer_tokens};

    #[test]
    fn names_are_unescaped_and_sections_checked() {
        assert_eq!(
            component_name("#/components/schemas/a.b", "schemas").as_deref(),
            Some("a.b")
        );
        assert_eq!(
            component_name("#/components/schemas/A~1B~0C", "schemas").as_deref(),
            Some("A/B~C")
        );
        assert_eq!(component_name("#/components/responses/A", "schemas"), None);
        assert_eq!(
            component_name("other.yaml#/components/schemas/A", "schemas"),
            None
        );
        assert_eq!(
            component_name("#/components/schemas/A/properties/b", "schemas"),
            None
        );
    }

    #[test]
    fn local_pointers_and_their_tokens() {
        assert_eq!(local_pointer("#/a/b"), Some("/a/b"));
        assert_eq!(local_pointer("#"), Some(""));
        assert_eq!(local_pointer("#anchor"), None);
        assert_eq!(local_pointer("x.yaml#/a"), None);
        assert_eq!(pointer_tokens("/a~1b/c~0d/"), vec!["a/b", "c~d", ""]);
        assert!(pointer_tokens("").is_empty());
    }
}
