//! Turns an OpenAPI document (3.0, 3.1 or 3.2; one file or many) into the source of a
//! typed, validated async Rust client.
//!
//! The pipeline, one module per stage: `load` (text → document) → `resolve` (document →
//! an unnamed [`model`](mod@crate::model)) → `naming` (every Rust name decided) → `render`
//! (model → files); [`diagnostics`] says what went wrong and where. The stages are
//! internal: callers use [`generate`] (and its siblings for overlays and many files),
//! [`resolve_model`] for the model, [`diff`] for what changes between two specs, and
//! [`build`] in build scripts. The pipeline is pure: text in, files and diagnostics out.
//! Only [`FolderFiles`] (the reader of a spec's files) and [`build`] (generation from a
//! build script into `OUT_DIR`) touch the disk, for the command line and build scripts.

pub mod build;
pub mod diagnostics;
pub mod diff;
mod folder;
mod load;
pub mod model;
mod naming;
mod render;
mod resolve;
mod settings;

use diagnostics::{Diagnostic, Severity};
pub use folder::FolderFiles;
pub use load::Overlay;
pub use load::{parse_text, Input, ReferencePolicy, SpecFiles};
pub use render::{type_name, GeneratedFile};
pub use settings::{RuntimeSource, Settings};

/// A successful run: the crate's files, and any warnings.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub warnings: Vec<Diagnostic>,
    /// Which operations got paging streams and by which style, and why some that look
    /// like lists did not.
    pub paging: Vec<model::PagingNote>,
}

/// Runs the whole pipeline on a spec given as one text. On failure returns every
/// diagnostic found (errors and warnings), sorted by position in the spec.
pub fn generate(spec_text: &str, settings: &Settings) -> Result<Generated, Vec<Diagnostic>> {
    generate_with_overlays(spec_text, &[], settings)
}

/// [`generate`], with overlays applied to the spec first, in order.
pub fn generate_with_overlays(
    spec_text: &str,
    overlays: &[Overlay],
    settings: &Settings,
) -> Result<Generated, Vec<Diagnostic>> {
    let input = Input {
        overlays,
        ..Input::text(&settings.spec_label, spec_text)
    };
    generate_input(&input, settings)
}

/// Runs the whole pipeline on a spec that may be made of several files: `input.files`
/// reads the files the root document refers to. On failure returns every diagnostic
/// found, each placed in its file, sorted by file and position.
pub fn generate_input(
    input: &Input<'_>,
    settings: &Settings,
) -> Result<Generated, Vec<Diagnostic>> {
    on_large_stack(|| generate_here(input, settings))
}

/// Reading and resolving recurse as deep as the document nests (up to the YAML reader's
/// limit). That is well within a main thread's stack but not within the small stacks of
/// spawned threads (test harnesses, async runtimes), so the work runs on a thread of its
/// own with a stack sized for the deepest document the reader accepts.
fn on_large_stack<T: Send>(
    work: impl FnOnce() -> Result<T, Vec<Diagnostic>> + Send,
) -> Result<T, Vec<Diagnostic>> {
    const STACK: usize = 256 * 1024 * 1024;
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("openapi-rust-gen".into())
            .stack_size(STACK)
            .spawn_scoped(scope, work)
        {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(vec![Diagnostic::internal_error(
                    "",
                    "the generator stopped unexpectedly (it panicked)",
                )])
            }),
            Err(e) => Err(vec![Diagnostic::error(
                "",
                format!("the generator could not start a thread: {e}"),
            )]),
        }
    })
}

fn generate_here(input: &Input<'_>, settings: &Settings) -> Result<Generated, Vec<Diagnostic>> {
    let loaded = load::load_input(input)?;
    let (api, diagnostics) = resolve_loaded(&loaded);
    let Some(mut api) = api else {
        return Err(diagnostics);
    };
    if settings.string_formats {
        api = api.with_string_formats();
    }
    if settings.tag_features {
        api = api.with_tag_features();
    }
    match render::render(&api, settings) {
        Ok(files) => Ok(Generated {
            files,
            warnings: diagnostics,
            paging: api.paging_notes(),
        }),
        Err(d) => {
            let mut diagnostics = diagnostics;
            diagnostics.extend(sorted(loaded.place(vec![d])));
            Err(sorted(diagnostics))
        }
    }
}

/// Loads a spec (all its files, with overlays applied) into one JSON tree, as the later
/// stages read it: JSON pointers into it are the `origin`s the model gives.
pub fn load_document(input: &Input<'_>) -> Result<serde_json::Value, Vec<Diagnostic>> {
    on_large_stack(|| load::load_input(input).map(|loaded| loaded.raw))
}

/// Loads and resolves a spec into the model, for callers (and tests) that want the
/// model rather than files.
pub fn resolve_model(spec_text: &str) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    resolve_input(&Input::text("spec", spec_text))
}

/// [`resolve_model`] for a spec that may be made of several files.
pub fn resolve_input(input: &Input<'_>) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    on_large_stack(|| {
        let loaded = load::load_input(input)?;
        match resolve_loaded(&loaded) {
            (Some(api), diagnostics) => Ok((api, diagnostics)),
            (None, diagnostics) => Err(diagnostics),
        }
    })
}

/// Resolves a loaded spec and names the model. The diagnostics (the loader's warnings included) are placed
/// and sorted; the model is withheld when any is an error.
fn resolve_loaded(loaded: &load::Loaded) -> (Option<model::Api>, Vec<Diagnostic>) {
    let (api, found) = resolve::resolve(loaded);
    // Errors the loader carried on past (files it could not read) fail the run too.
    let api = api
        .filter(|_| {
            !loaded
                .warnings
                .iter()
                .any(|d| d.severity == Severity::Error)
        })
        .map(naming::name);
    let mut diagnostics = loaded.warnings.clone();
    diagnostics.extend(found.into_vec());
    let mut diagnostics = sorted(loaded.place(diagnostics));
    if api.is_none() && !diagnostics.iter().any(|d| d.severity == Severity::Error) {
        // Resolve only withholds the model when it reported an error; keep that promise
        // visible should it ever break.
        diagnostics.push(Diagnostic::internal_error(
            "",
            "no model was produced and no reason was given",
        ));
    }
    (api, diagnostics)
}

/// Sorts placed diagnostics: the root document's first, then each other file's, each by
/// position.
fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.position, &a.pointer, &a.message)
            .cmp(&(&b.file, b.position, &b.pointer, &b.message))
    });
    diagnostics.dedup();
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_generation_is_an_internal_error() {
        let outcome: Result<(), Vec<Diagnostic>> = on_large_stack(|| panic!("a bug"));
        let diagnostics = outcome.expect_err("the panic is reported");
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].internal, "{:?}", diagnostics[0]);
        assert!(diagnostics[0].message.starts_with("internal error:"));
    }
}
