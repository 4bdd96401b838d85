//! Render: the model into the files of a client crate.
//!
//! One file per kind of item: `types` (structs and aliases), `enums`, `validate`
//! (garde attributes), `client` (operations), `docs` (rustdoc), `manifest`
//! (Cargo.toml and lib.rs), and `format`, which checks and prints the tokens.

mod client;
mod conformance;
mod context;
mod docs;
mod enums;
mod examples;
mod features;
mod format;
mod manifest;
mod paging;
pub mod runtime;
mod toml;
mod types;
mod validate;
mod webhooks;

use crate::diagnostics::Diagnostic;
use crate::model::{Api, TypeId, TypeKind};
use crate::Settings;
use context::TypeContext;
use proc_macro2::TokenStream;

/// A file of the generated crate, by its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

pub fn render(api: &Api, settings: &Settings) -> Result<Vec<GeneratedFile>, Diagnostic> {
    let header = manifest::generated_header(settings);
    let crate_ident = settings.crate_name.replace('-', "_");
    // The files, and the halves of the types module, are independent, so two threads
    // build and format them side by side. Token streams cannot cross threads; each job
    // builds its own from the shared model. The halves are cut at a fixed place and
    // joined in order, so the output does not depend on which thread finishes first.
    let half = api.types.len() / 2;
    let (first_types, second_types, client, tests) = std::thread::scope(|scope| {
        let first = scope.spawn(|| {
            format::format_file(
                render_types(&TypeContext::new(api), 0..half),
                "types module",
            )
        });
        let others = scope.spawn(|| {
            let cx = TypeContext::new(api);
            // A document without operations (only webhooks, or only schemas) gives a crate
            // of types: there is nothing to call.
            let client = (!api.operations.is_empty() && !settings.types_only)
                .then(|| {
                    let client = format::format_file(client::render_client(&cx), "client module")?;
                    let hooks = settings
                        .conformance_hooks
                        .then(|| {
                            format::format_file(
                                conformance::render_conformance(&cx),
                                "conformance module",
                            )
                        })
                        .transpose()?;
                    Ok((client, hooks))
                })
                .transpose();
            let hooks = (!api.webhooks.is_empty())
                .then(|| format::format_file(webhooks::render_webhooks(&cx), "webhooks module"))
                .transpose();
            let tests = examples::render_example_tests(api, &crate_ident)
                .map(|tokens| format::format_file(tokens, "example tests"))
                .transpose();
            (client.and_then(|c| hooks.map(|h| (c, h))), tests)
        });
        let second = format::format_file(
            render_types(&TypeContext::new(api), half..api.types.len()),
            "types module",
        );
        let (client, tests) = others
            .join()
            .unwrap_or_else(|_| (Err(stopped()), Err(stopped())));
        (joined(first.join()), second, client, tests)
    });
    let (first_types, second_types) = (first_types?, second_types?);
    let types = match (first_types.is_empty(), second_types.is_empty()) {
        (false, false) => format!("{first_types}\n{second_types}"),
        _ => format!("{first_types}{second_types}"),
    };
    let ((client, hooks), tests) = (client?, tests?);
    let file = |path: &str, contents: String| GeneratedFile {
        path: path.into(),
        contents,
    };
    let mut files = vec![file("Cargo.toml", manifest::cargo_toml(api, settings))];
    if let Some((client, conformance)) = client {
        files.push(file("src/client.rs", format!("{header}{client}")));
        if let Some(conformance) = conformance {
            files.push(file("src/conformance.rs", format!("{header}{conformance}")));
        }
    }
    files.push(file("src/lib.rs", manifest::lib_rs(api, settings)));
    files.push(file("src/types.rs", format!("{header}{types}")));
    if let Some(hooks) = hooks {
        files.push(file("src/webhooks.rs", format!("{header}{hooks}")));
    }
    if settings.runtime == crate::RuntimeSource::Vendored {
        files.extend(
            runtime::vendored_files(settings.types_only, api.has_multipart())
                .into_iter()
                .map(|(path, text)| file(&path, text)),
        );
    }
    if let Some(tests) = tests {
        files.push(file("tests/examples/cases.rs", format!("{header}{tests}")));
        files.push(file(
            "tests/examples/main.rs",
            examples::example_tests_main(&header, api.features.is_some()),
        ));
    }
    Ok(files)
}

fn stopped() -> Diagnostic {
    Diagnostic::internal_error("", "rendering stopped unexpectedly (it panicked)")
}

/// A rendering thread's result; a thread that panicked is reported, not propagated.
fn joined(result: std::thread::Result<Result<String, Diagnostic>>) -> Result<String, Diagnostic> {
    result.unwrap_or_else(|_| Err(stopped()))
}

fn render_types(cx: &TypeContext<'_>, range: std::ops::Range<usize>) -> TokenStream {
    let items = cx
        .api
        .types
        .iter()
        .enumerate()
        .skip(range.start)
        .take(range.len())
        .map(|(i, def)| {
            let id = TypeId(i);
            let items = match &def.kind {
                TypeKind::Struct(s) => types::render_struct(cx, id, def, s),
                TypeKind::Alias(t) => types::render_alias(cx, id, def, t),
                TypeKind::Enum(e) => enums::render_enum(def, e),
                TypeKind::Tagged(t) => enums::render_tagged(cx, id, def, t),
                TypeKind::Untagged(u) => enums::render_untagged(cx, id, def, u),
            };
            let gates = cx.api.features.as_ref();
            let needed = gates
                .and_then(|g| g.types.get(i))
                .and_then(Option::as_deref);
            features::gate_items(items, &features::cfg_attr(gates, needed))
        });
    quote::quote! { #(#items)* }
}

/// The Rust type a reference is written as in generated code, without module paths
/// (`Vec<Environment>`, `Option<Open<Status>>`), for reports about the generated API.
pub fn type_name(api: &Api, ty: &crate::model::TypeRef) -> String {
    TypeContext::new(api).rust_type(ty, None).to_text()
}

/// The impls a generated type has beyond those every type of its kind has, as the change
/// report names them (`Default`, `From<String>`, `From<&str>`, `TryFrom<Plugin>`), decided
/// by the same functions that write them.
pub(crate) fn extra_impls(api: &Api, id: TypeId) -> Vec<String> {
    use crate::model::TypeRef;
    let cx = TypeContext::new(api);
    let Some(def) = api.type_def(id) else {
        return Vec::new();
    };
    let union_impls = |variants: Vec<(&str, TypeRef)>| -> Vec<String> {
        enums::conversions(&cx, id, &variants)
            .into_iter()
            .map(|c| match c {
                enums::Conversion::Value(_, ty) => {
                    format!("From<{}>", cx.rust_type(ty, Some(id)).to_text())
                }
                enums::Conversion::Str(_) => "From<&str>".to_string(),
            })
            .collect()
    };
    match &def.kind {
        TypeKind::Struct(s) => {
            let default = types::derives_default(def, s).then(|| "Default".to_string());
            let view = types::read_view(api, id)
                .map(|read| format!("TryFrom<{}>", type_name(api, &TypeRef::Named(read))));
            default.into_iter().chain(view).collect()
        }
        TypeKind::Tagged(t) => union_impls(
            t.variants
                .iter()
                .map(|v| (v.rust_name.as_str(), TypeRef::Named(v.ty)))
                .collect(),
        ),
        TypeKind::Untagged(u) => union_impls(
            u.variants
                .iter()
                .map(|v| (v.rust_name.as_str(), v.ty.clone()))
                .collect(),
        ),
        TypeKind::Enum(_) | TypeKind::Alias(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
