//! Following `$ref`s to components. Only local references (`#/components/...`) are
//! supported; anything else is reported where it is written.

use super::Resolver;
use crate::diagnostics::pointer_push;
use openapiv3::ReferenceOr;

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

impl<'a> Resolver<'a> {
    /// Reports a reference that cannot be followed.
    fn bad_reference(&mut self, pointer: &str, reference: &str, section: &str) {
        let here = pointer_push(pointer, "$ref");
        if !reference.starts_with('#') {
            self.diags.push(
                crate::diagnostics::Diagnostic::error(
                    here,
                    format!(
                    "the reference `{reference}` points into another file (`{}`); only references within this document are supported",
                    reference.split('#').next().unwrap_or(reference)
                ),
                )
                .with_help("bundle the referenced files into one document first"),
            );
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

    /// Whether a `#/components/schemas/...` reference names a schema, without reporting.
    pub(super) fn schema_exists(&self, reference: &str) -> Option<()> {
        let name = component_name(reference, "schemas")?;
        self.loaded
            .document
            .components
            .as_ref()?
            .schemas
            .get(&name)
            .map(|_| ())
    }

    /// The schema a `#/components/schemas/...` reference names, with its pointer.
    pub(super) fn schema_component(
        &mut self,
        reference: &str,
        pointer: &str,
    ) -> Option<(String, &'a openapiv3::ReferenceOr<openapiv3::Schema>)> {
        let found = component_name(reference, "schemas").and_then(|name| {
            let schemas = &self.loaded.document.components.as_ref()?.schemas;
            schemas.get(&name).map(|s| (name, s))
        });
        if found.is_none() {
            self.bad_reference(pointer, reference, "schemas");
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::component_name;

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
}
