//! Turns an OpenAPI 3.0 document into the source of a typed, validated async Rust client.
//!
//! The pipeline, one module per stage:
//! [`load`] (text → document) → [`resolve`] (document → [`model`](mod@crate::model)) → [`render`]
//! (model → files). [`naming`] decides every Rust name and [`diagnostics`] says what went
//! wrong and where. The library is pure: text in, files and diagnostics out; only the
//! `xtask` binary touches the disk.

pub mod diagnostics;
pub mod load;
pub mod model;
pub mod naming;
pub mod overlay;
pub mod render;
pub mod resolve;

use diagnostics::{Diagnostic, Severity};
pub use overlay::Overlay;
pub use render::GeneratedFile;

/// What to call the generated crate and how to describe where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub crate_name: String,
    /// How the spec is named in generated headers and diagnostics, e.g. `spec/api.yaml`.
    /// Never an absolute path, so output does not depend on the machine.
    pub spec_label: String,
    /// Whether the crate is its own workspace (written outside this repository's).
    pub standalone: bool,
    /// Extra `[dev-dependencies]` entries: (name, TOML value).
    pub dev_dependencies: Vec<(String, String)>,
}

impl Settings {
    pub fn new(crate_name: impl Into<String>, spec_label: impl Into<String>) -> Self {
        Settings {
            crate_name: crate_name.into(),
            spec_label: spec_label.into(),
            standalone: true,
            dev_dependencies: Vec::new(),
        }
    }
}

/// A successful run: the crate's files, and any warnings.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<GeneratedFile>,
    pub warnings: Vec<Diagnostic>,
}

/// Runs the whole pipeline. On failure returns every diagnostic found (errors and
/// warnings), sorted by position in the spec.
pub fn generate(spec_text: &str, settings: &Settings) -> Result<Generated, Vec<Diagnostic>> {
    generate_with_overlays(spec_text, &[], settings)
}

/// [`generate`], with overlays applied to the spec first, in order.
pub fn generate_with_overlays(
    spec_text: &str,
    overlays: &[Overlay],
    settings: &Settings,
) -> Result<Generated, Vec<Diagnostic>> {
    on_large_stack(|| generate_here(spec_text, overlays, settings))
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
                Err(vec![Diagnostic::error(
                    "",
                    "internal error: the generator stopped unexpectedly",
                )])
            }),
            Err(e) => Err(vec![Diagnostic::error(
                "",
                format!("the generator could not start a thread: {e}"),
            )]),
        }
    })
}

fn generate_here(
    spec_text: &str,
    overlays: &[Overlay],
    settings: &Settings,
) -> Result<Generated, Vec<Diagnostic>> {
    let (api, mut diagnostics) = resolve_text(spec_text, overlays)?;
    let Some(api) = api else {
        return Err(diagnostics);
    };
    match render::render(&api, settings) {
        Ok(files) => Ok(Generated {
            files,
            warnings: diagnostics,
        }),
        Err(d) => {
            diagnostics.push(d);
            Err(sorted(diagnostics, spec_text))
        }
    }
}

/// Loads and resolves a spec into the model, for callers (and tests) that want the
/// model rather than files.
pub fn resolve_model(spec_text: &str) -> Result<(model::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (api, diagnostics) = on_large_stack(|| resolve_text(spec_text, &[]))?;
    match api {
        Some(api) => Ok((api, diagnostics)),
        None => Err(diagnostics),
    }
}

type Resolved = (Option<model::Api>, Vec<Diagnostic>);

fn resolve_text(spec_text: &str, overlays: &[Overlay]) -> Result<Resolved, Vec<Diagnostic>> {
    let loaded = load::load_with_overlays(spec_text, overlays)?;
    let (api, diagnostics) = resolve::resolve(&loaded);
    let diagnostics = sorted(diagnostics.into_vec(), spec_text);
    if api.is_none() && !diagnostics.iter().any(|d| d.severity == Severity::Error) {
        // Resolve only withholds the model when it reported an error; keep that promise
        // visible should it ever break.
        let mut diagnostics = diagnostics;
        diagnostics.push(Diagnostic::error(
            "",
            "internal error: no model was produced and no reason was given",
        ));
        return Err(diagnostics);
    }
    Ok((api, diagnostics))
}

/// Places diagnostics in the text (only when there are any: finding positions means
/// reading the text again) and sorts them by position.
fn sorted(mut diagnostics: Vec<Diagnostic>, spec_text: &str) -> Vec<Diagnostic> {
    if diagnostics.is_empty() {
        return diagnostics;
    }
    let positions = load::Positions::from_text(spec_text);
    for d in &mut diagnostics {
        if d.position.is_none() && d.file.is_none() {
            d.position = positions.find(&d.pointer);
        }
    }
    diagnostics.sort_by(|a, b| {
        (a.position, &a.pointer, &a.message).cmp(&(b.position, &b.pointer, &b.message))
    });
    diagnostics.dedup();
    diagnostics
}
