//! Generating a client from a build script, into `OUT_DIR`.
//!
//! ```no_run
//! // The `main` of build.rs, in a crate that depends on openapi-rust-gen-runtime, serde,
//! // serde_json, garde and regex (the dependencies of a generated crate).
//! if let Err(e) = generator::build::Build::new("spec/api.yaml").module("api").generate() {
//!     // The report shows each problem in its file and line, as rustc does.
//!     eprintln!("{e}");
//!     std::process::exit(1);
//! }
//! ```
//!
//! and in the crate, anywhere (at its root, or in a module as here):
//!
//! ```ignore
//! pub mod api {
//!     include!(concat!(env!("OUT_DIR"), "/api.rs"));
//! }
//! ```
//!
//! The spec goes through the same pipeline, overlays and diagnostics as on the command line:
//! errors stop the build with the report; warnings are shown by cargo (`cargo:warning`), or
//! stop the build too with [`Build::deny_warnings`]. Cargo reruns the script when the spec,
//! any file it refers to, or an overlay changes.

use crate::{FolderFiles, Overlay, RuntimeSource, Settings};
use std::fmt;
use std::path::{Path, PathBuf};

/// What to generate, and how.
#[derive(Debug, Clone)]
pub struct Build {
    spec: PathBuf,
    module: Option<String>,
    overlays: Vec<PathBuf>,
    types_only: bool,
    string_formats: bool,
    tag_features: bool,
    deny_warnings: bool,
    allow_outside_folder: bool,
}

/// Why a build script's generation failed: the diagnostics report, or an I/O problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(pub String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

impl Build {
    /// Generation of the spec at `spec` (relative to the crate's folder, where cargo runs
    /// build scripts).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Build {
            spec: spec.into(),
            module: None,
            overlays: Vec::new(),
            types_only: false,
            string_formats: false,
            tag_features: false,
            deny_warnings: false,
            allow_outside_folder: false,
        }
    }

    /// The name of the file to include, `<module>.rs` in `OUT_DIR` (default: the spec's
    /// file name, made an identifier). Several specs need several names.
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.module = Some(name.into());
        self
    }

    /// An Overlay 1.0 document applied to the spec first; overlays apply in the order given.
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        self.overlays.push(path.into());
        self
    }

    /// Only the types, with no client (see the command line's `--types-only`).
    pub fn types_only(mut self, types_only: bool) -> Self {
        self.types_only = types_only;
        self
    }

    /// Keep `date-time`, `date`, `uuid` and `uri` values as strings (see the command
    /// line's `--string-formats`).
    pub fn string_formats(mut self, strings: bool) -> Self {
        self.string_formats = strings;
        self
    }

    /// Gate the operations by the spec's tags (see the command line's `--tag-features`):
    /// each tag's operations, and the types they need, compile only with the including
    /// crate's feature of that name, which its `Cargo.toml` declares (the included file's
    /// docs list them).
    pub fn tag_features(mut self, gate: bool) -> Self {
        self.tag_features = gate;
        self
    }

    /// Whether warnings stop the build.
    pub fn deny_warnings(mut self, deny: bool) -> Self {
        self.deny_warnings = deny;
        self
    }

    /// Whether the spec may refer to files outside its folder.
    pub fn allow_outside_folder(mut self, allow: bool) -> Self {
        self.allow_outside_folder = allow;
        self
    }

    /// Generates into `OUT_DIR`, telling cargo which files to watch, and returns the path
    /// of the file to include.
    pub fn generate(&self) -> Result<PathBuf, BuildError> {
        let out_dir = std::env::var_os("OUT_DIR")
            .ok_or_else(|| BuildError("OUT_DIR is not set: run this from a build script".into()))?;
        let (root, watched, warnings) = self.generate_into(Path::new(&out_dir))?;
        for path in watched {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        for line in warnings.lines().filter(|l| !l.trim().is_empty()) {
            println!("cargo:warning={line}");
        }
        Ok(root)
    }

    /// Generates into `out_dir`: `<module>.rs` to include, and the modules it declares in
    /// the folder `<module>/`. Returns the file to include, every file read (for cargo to
    /// watch), and the warnings report (empty when there are none). Files whose contents
    /// did not change are not rewritten, so cargo does not rebuild for nothing.
    pub fn generate_into(
        &self,
        out_dir: &Path,
    ) -> Result<(PathBuf, Vec<PathBuf>, String), BuildError> {
        let io = |what: &str, path: &Path, e: std::io::Error| {
            BuildError(format!("cannot {what} {}: {e}", path.display()))
        };
        let text = std::fs::read_to_string(&self.spec).map_err(|e| io("read", &self.spec, e))?;
        let mut overlays = Vec::new();
        for path in &self.overlays {
            let text = std::fs::read_to_string(path).map_err(|e| io("read", path, e))?;
            overlays.push(Overlay::new(path.display().to_string(), text));
        }
        let label = self.spec.display().to_string();
        let module = self.module.clone().unwrap_or_else(|| {
            let stem = self
                .spec
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            crate::naming::snake_ident(&stem)
        });
        let dir = out_dir.join(&module);
        let settings = Settings::new(module.clone(), label.clone())
            .with_standalone(false)
            .with_runtime(RuntimeSource::Version(
                crate::render::runtime::RUNTIME_VERSION.into(),
            ))
            .with_types_only(self.types_only)
            .with_string_formats(self.string_formats)
            .with_tag_features(self.tag_features)
            .with_include_dir(Some(dir.to_string_lossy().replace('\\', "/")));
        let folder = FolderFiles::new(
            self.spec
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
            self.allow_outside_folder,
        );
        let input = crate::Input {
            files: Some(&folder),
            overlays: &overlays,
            references: crate::ReferencePolicy {
                allow_outside_folder: self.allow_outside_folder,
            },
            ..crate::Input::text(&label, &text)
        };
        let report = |diagnostics: &[crate::diagnostics::Diagnostic]| input.report(diagnostics);
        let generated =
            crate::generate_input(&input, &settings).map_err(|d| BuildError(report(&d)))?;
        let warnings = if generated.warnings.is_empty() {
            String::new()
        } else {
            report(&generated.warnings)
        };
        if self.deny_warnings && !warnings.is_empty() {
            return Err(BuildError(format!("{warnings}warnings are denied")));
        }
        let mut watched = vec![self.spec.clone()];
        watched.extend(self.overlays.iter().cloned());
        watched.extend(folder.read_paths());
        let root = out_dir.join(format!("{module}.rs"));
        for file in &generated.files {
            let target = if file.path == "src/lib.rs" {
                root.clone()
            } else if let Some(rest) = file.path.strip_prefix("src/") {
                dir.join(rest)
            } else {
                // The manifest and the example tests belong to a crate of its own.
                continue;
            };
            if std::fs::read(&target).is_ok_and(|old| old == file.contents.as_bytes()) {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io("create", parent, e))?;
            }
            std::fs::write(&target, &file.contents).map_err(|e| io("write", &target, e))?;
        }
        Ok((root, watched, warnings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "openapi-rust-gen-build-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_an_includable_root_and_its_modules() {
        let out = scratch("root");
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/shop-3.1/openapi.yaml");
        let (root, watched, _) = Build::new(&spec)
            .module("shop")
            .generate_into(&out)
            .expect("the shop spec generates");
        assert_eq!(root, out.join("shop.rs"));
        let text = std::fs::read_to_string(&root).expect("the root reads");
        assert!(!text.contains("#!["), "no inner attributes: {text}");
        let client = out
            .join("shop/client.rs")
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            text.contains(&format!("#[path = {client:?}]\npub mod client;")),
            "{text}"
        );
        assert!(out.join("shop/types.rs").is_file());
        assert!(!out.join("shop/Cargo.toml").exists());
        // Every file of the multi-file spec is watched.
        assert!(watched.len() > 2, "{watched:?}");
        assert!(watched.iter().any(|p| p.ends_with("openapi.yaml")));
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn a_broken_spec_is_a_report_and_writes_nothing() {
        let out = scratch("broken");
        let dir = scratch("broken-spec");
        std::fs::create_dir_all(&dir).expect("makes the folder");
        let spec = dir.join("api.yaml");
        std::fs::write(&spec, "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {$ref: '#/nowhere'}}\n").expect("writes");
        let e = Build::new(&spec)
            .generate_into(&out)
            .expect_err("the spec is broken");
        assert!(e.0.contains("api.yaml"), "{e}");
        assert!(e.0.contains("error"), "{e}");
        assert!(!out.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
