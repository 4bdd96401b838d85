//! What a run is asked to generate: the crate's name and the choices a caller makes.
//! Built with [`Settings::new`] and `with_` setters, so that a new choice is not a
//! breaking change.

/// What to call the generated crate and how to describe where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    pub(crate) crate_name: String,
    /// How the spec is named in generated headers and diagnostics, e.g. `spec/api.yaml`.
    /// Never an absolute path, so output does not depend on the machine.
    pub(crate) spec_label: String,
    /// Whether the crate is its own workspace (an empty `[workspace]` table), rather than
    /// a member of an enclosing one.
    pub(crate) standalone: bool,
    /// Extra `[dev-dependencies]` entries: (name, TOML value).
    pub(crate) dev_dependencies: Vec<(String, String)>,
    /// Where the crate's runtime comes from.
    pub(crate) runtime: RuntimeSource,
    /// Only the types (with their validation, serde and webhook decoders): no client, and
    /// none of reqwest, tokio or tracing among the dependencies.
    pub(crate) types_only: bool,
    /// Read `date-time`, `date`, `uuid` and `uri` as `String`s rather than as typed values.
    pub(crate) string_formats: bool,
    /// For a build script: the folder the modules will be written to. `src/lib.rs` is then
    /// a file to `include!`, anywhere in a crate, that declares the modules by their paths
    /// in that folder (see [`build`]).
    pub(crate) include_dir: Option<String>,
    /// Adds `Client::__conformance`, which calls any operation by its operationId with
    /// arguments given as JSON, for `cargo xtask conformance` (off unless set).
    pub(crate) conformance_hooks: bool,
    /// Gates the API by the spec's tags: a Cargo feature per tag (and `full`, on by
    /// default, for all of them), so that a crate compiles only the operations it calls
    /// and the types those need (off unless set).
    pub(crate) tag_features: bool,
}

/// Where a generated crate's runtime comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeSource {
    /// A path dependency on the runtime crate, e.g. `../runtime`.
    Path(String),
    /// A version requirement on the runtime crate, e.g. `0.1`.
    Version(String),
    /// A copy of the runtime's files inside the crate, as `src/runtime/`.
    Vendored,
}

impl Settings {
    pub fn new(crate_name: impl Into<String>, spec_label: impl Into<String>) -> Self {
        Settings {
            crate_name: crate_name.into(),
            spec_label: spec_label.into(),
            standalone: true,
            dev_dependencies: Vec::new(),
            // Self-contained unless told where the runtime crate is: the crate then builds
            // wherever it is written.
            runtime: RuntimeSource::Vendored,
            types_only: false,
            string_formats: false,
            include_dir: None,
            conformance_hooks: false,
            tag_features: false,
        }
    }

    /// Whether the crate is its own workspace (the default), rather than a member of an
    /// enclosing one.
    pub fn with_standalone(mut self, standalone: bool) -> Self {
        self.standalone = standalone;
        self
    }

    /// Extra `[dev-dependencies]` entries: (name, TOML value).
    pub fn with_dev_dependencies(mut self, entries: Vec<(String, String)>) -> Self {
        self.dev_dependencies = entries;
        self
    }

    /// Where the crate's runtime comes from (a vendored copy unless set).
    pub fn with_runtime(mut self, runtime: RuntimeSource) -> Self {
        self.runtime = runtime;
        self
    }

    /// Only the types: no client, and none of reqwest, tokio or tracing.
    pub fn with_types_only(mut self, types_only: bool) -> Self {
        self.types_only = types_only;
        self
    }

    /// Read `date-time`, `date`, `uuid` and `uri` as `String`s.
    pub fn with_string_formats(mut self, strings: bool) -> Self {
        self.string_formats = strings;
        self
    }

    /// For a build script: the folder the modules will be written to.
    pub fn with_include_dir(mut self, dir: Option<String>) -> Self {
        self.include_dir = dir;
        self
    }

    /// Adds `Client::__conformance`, for `cargo xtask conformance`.
    pub fn with_conformance_hooks(mut self, hooks: bool) -> Self {
        self.conformance_hooks = hooks;
        self
    }

    /// A Cargo feature per tag, and `full` for all of them.
    pub fn with_tag_features(mut self, gate: bool) -> Self {
        self.tag_features = gate;
        self
    }

    /// The generated crate's package name.
    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }
}

#[cfg(test)]
mod tests {
    use super::{RuntimeSource, Settings};

    #[test]
    fn each_setter_sets_its_choice_and_only_it() {
        let plain = Settings::new("c", "spec.yaml");
        assert!(plain.standalone && plain.runtime == RuntimeSource::Vendored);
        let set = Settings::new("c", "spec.yaml")
            .with_standalone(false)
            .with_dev_dependencies(vec![("x".into(), "\"1\"".into())])
            .with_runtime(RuntimeSource::Version("0.1".into()))
            .with_types_only(true)
            .with_string_formats(true)
            .with_include_dir(Some("out".into()))
            .with_conformance_hooks(true)
            .with_tag_features(true);
        assert_eq!(
            set,
            Settings {
                crate_name: "c".into(),
                spec_label: "spec.yaml".into(),
                standalone: false,
                dev_dependencies: vec![("x".into(), "\"1\"".into())],
                runtime: RuntimeSource::Version("0.1".into()),
                types_only: true,
                string_formats: true,
                include_dir: Some("out".into()),
                conformance_hooks: true,
                tag_features: true,
            }
        );
        assert_eq!(set.crate_name(), "c");
    }
}
