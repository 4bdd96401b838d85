//! How a generated crate gets its runtime: a dependency on the runtime crate (by path or
//! by version), or a copy of the runtime's files inside the crate (`--vendor-runtime`).
//! Either way generated code reaches it as `crate::runtime`.

use crate::{RuntimeSource, Settings};

/// The runtime crate's package name.
pub const RUNTIME_CRATE: &str = "openapi-rust-gen-runtime";

/// The version requirement generated crates state for the runtime crate.
pub const RUNTIME_VERSION: &str = "0.1";

/// The contract between generated code and the runtime's `__private` module: generated
/// crates check at compile time that the runtime they are built with has this value.
pub const RUNTIME_API: u32 = 4;

/// The runtime crate's files, by path in that crate. `src/lib.rs` becomes
/// `src/runtime/mod.rs` of a crate that carries its own copy.
const RUNTIME_SOURCES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../../runtime/src/auth.rs")),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    ("events.rs", include_str!("../../../runtime/src/events.rs")),
    (
        "exchange.rs",
        include_str!("../../../runtime/src/exchange.rs"),
    ),
    (
        "headers.rs",
        include_str!("../../../runtime/src/headers.rs"),
    ),
    ("lib.rs", include_str!("../../../runtime/src/lib.rs")),
    (
        "multipart.rs",
        include_str!("../../../runtime/src/multipart.rs"),
    ),
    ("paging.rs", include_str!("../../../runtime/src/paging.rs")),
    (
        "request.rs",
        include_str!("../../../runtime/src/request.rs"),
    ),
    (
        "response.rs",
        include_str!("../../../runtime/src/response.rs"),
    ),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    (
        "serde_support.rs",
        include_str!("../../../runtime/src/serde_support.rs"),
    ),
    ("tests.rs", include_str!("../../../runtime/src/tests.rs")),
    ("text.rs", include_str!("../../../runtime/src/text.rs")),
    (
        "validation.rs",
        include_str!("../../../runtime/src/validation.rs"),
    ),
    (
        "webhook.rs",
        include_str!("../../../runtime/src/webhook.rs"),
    ),
];

/// The runtime's modules that need its `client` feature (reqwest, tokio, tracing).
const CLIENT_MODULES: &[&str] = &[
    "auth.rs",
    "client.rs",
    "error.rs",
    "events.rs",
    "exchange.rs",
    "headers.rs",
    "multipart.rs",
    "paging.rs",
    "request.rs",
    "response.rs",
    "retry.rs",
    "tests.rs",
];

/// The runtime's own gate for its client half, and for its tests (which need the client;
/// a vendored copy leaves them out).
const CLIENT_GATE: &str = "#[cfg(feature = \"client\")]";
const TESTS_GATE: &str = "#[cfg(all(test, feature = \"client\"))]";
/// The runtime's gate for multipart uploads (reqwest's multipart forms, files from disk).
const MULTIPART_GATE: &str = "#[cfg(feature = \"multipart\")]";

/// The files of a vendored runtime, as (path in the generated crate, text). A crate with a
/// client gets every file with the client half always compiled; a types-only crate gets the
/// other files, with the client half compiled out (its files are not shipped, and a module
/// that is compiled out is never read). Multipart support is shipped only to a crate whose
/// spec has uploads (`multipart`), the only crates that depend on what it needs. The
/// runtime's own tests stay in the runtime crate: a crate that carries a copy runs its own
/// tests, not the runtime's.
pub fn vendored_files(types_only: bool, multipart: bool) -> Vec<(String, String)> {
    let uploads = multipart && !types_only;
    RUNTIME_SOURCES
        .iter()
        .filter(|(name, _)| *name != "tests.rs")
        .filter(|(name, _)| !(types_only && CLIENT_MODULES.contains(name)))
        .filter(|(name, _)| uploads || *name != "multipart.rs")
        .map(|(name, text)| {
            if *name == "lib.rs" {
                let text = text.replace(&format!("{TESTS_GATE}\nmod tests;\n"), "");
                let module = if types_only {
                    text.replace(CLIENT_GATE, "#[cfg(any())]")
                        .replace(MULTIPART_GATE, "#[cfg(any())]")
                } else {
                    let text = if uploads {
                        text
                    } else {
                        text.replace(MULTIPART_GATE, "#[cfg(any())]")
                    };
                    text.lines()
                        .filter(|line| line.trim() != CLIENT_GATE && line.trim() != MULTIPART_GATE)
                        .map(|line| format!("{line}\n"))
                        .collect()
                };
                ("src/runtime/mod.rs".to_string(), module)
            } else {
                // A module's own tests end its file; helpers only they use carry the tests'
                // gate.
                let code = text.find(INLINE_TESTS).map_or(*text, |at| &text[..=at]);
                let code = code.replace(TESTS_GATE, "#[cfg(any())]");
                // Items of a shared module that only the client half uses carry its gate.
                let code = if types_only {
                    code.replace(CLIENT_GATE, "#[cfg(any())]")
                } else {
                    code.lines()
                        .filter(|line| line.trim() != CLIENT_GATE)
                        .map(|line| format!("{line}\n"))
                        .collect()
                };
                (format!("src/runtime/{name}"), code)
            }
        })
        .collect()
}

/// Where a runtime module's own tests start.
const INLINE_TESTS: &str = "\n#[cfg(test)]\nmod tests {";

/// The `[dependencies]` line for the runtime crate, or `None` when the runtime is vendored.
pub fn dependency(settings: &Settings, multipart: bool) -> Option<String> {
    let source = match &settings.runtime {
        RuntimeSource::Vendored => return None,
        // The version too, so that the manifest states which runtime the code is for and
        // cargo refuses a path that holds another.
        RuntimeSource::Path(path) => format!(
            "path = {}, version = {}",
            super::toml::toml_string(path),
            super::toml::toml_string(RUNTIME_VERSION)
        ),
        RuntimeSource::Version(version) => {
            format!("version = {}", super::toml::toml_string(version))
        }
    };
    let features = if settings.types_only {
        ", default-features = false"
    } else if multipart {
        ", features = [\"multipart\"]"
    } else {
        ""
    };
    Some(format!("{RUNTIME_CRATE} = {{ {source}{features} }}\n"))
}

/// The lines of `lib.rs` that bring the runtime in as the `runtime` module beside the
/// generated ones, and for a runtime crate, check that it is the one this code was generated
/// for. `attributes` go on a vendored runtime's module declaration.
pub fn lib_items(settings: &Settings, attributes: &str) -> String {
    if settings.runtime == RuntimeSource::Vendored {
        return format!("{attributes}pub mod runtime;\n");
    }
    let library = RUNTIME_CRATE.replace('-', "_");
    format!(
        "pub use {library} as runtime;\n\n\
         // The runtime's contract with generated code: a runtime of another version stops the\n\
         // build here, with what to do, rather than with errors inside generated code.\n\
         const _: () = assert!(\n    \
         runtime::__private::API == {RUNTIME_API},\n    \
         \"this crate was generated for {RUNTIME_CRATE} {RUNTIME_VERSION} (runtime API {RUNTIME_API}): \
         depend on that version of the runtime, or regenerate this crate with the generator of the runtime you use\"\n\
         );\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime")
    }

    /// Every file of the runtime crate is shipped when vendoring, so a new runtime module
    /// cannot be forgotten.
    #[test]
    fn every_runtime_file_is_known() {
        let mut on_disk: Vec<String> = std::fs::read_dir(runtime_dir().join("src"))
            .expect("the runtime folder exists")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        on_disk.sort();
        let known: Vec<&str> = RUNTIME_SOURCES.iter().map(|(name, _)| *name).collect();
        assert_eq!(known, on_disk);
    }

    /// The version and contract generated crates ask for are the runtime crate's.
    #[test]
    fn version_and_contract_match_the_runtime_crate() {
        let manifest = std::fs::read_to_string(runtime_dir().join("Cargo.toml"))
            .expect("the runtime manifest reads");
        assert!(
            manifest.contains(&format!("\nversion = \"{RUNTIME_VERSION}.")),
            "runtime/Cargo.toml's version does not meet {RUNTIME_VERSION}"
        );
        assert!(manifest.contains(&format!("\nname = \"{RUNTIME_CRATE}\"")));
        let lib = RUNTIME_SOURCES
            .iter()
            .find(|(name, _)| *name == "lib.rs")
            .map(|(_, text)| *text)
            .unwrap_or_default();
        assert!(lib.contains(&format!("pub const API: u32 = {RUNTIME_API};")));
    }

    /// A crate that carries the runtime carries its dependencies too: every dependency of
    /// the runtime crate is among a vendoring crate's.
    #[test]
    fn vendored_crates_depend_on_what_the_runtime_does() {
        use super::super::manifest::{
            TYPE_DEPENDENCIES, VENDORED_CLIENT_DEPENDENCIES, VENDORED_RUNTIME_DEPENDENCIES,
        };
        let manifest = std::fs::read_to_string(runtime_dir().join("Cargo.toml"))
            .expect("the runtime manifest reads");
        let section = manifest
            .split("[dependencies]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_default();
        let vendored: Vec<&str> = TYPE_DEPENDENCIES
            .iter()
            .chain(VENDORED_RUNTIME_DEPENDENCIES)
            .chain(VENDORED_CLIENT_DEPENDENCIES)
            .filter_map(|line| line.split(" = ").next())
            .collect();
        let needed: Vec<&str> = section
            .lines()
            .filter_map(|line| line.split(" = ").next())
            .map(str::trim)
            .filter(|name| !name.is_empty() && !name.starts_with('#'))
            .collect();
        assert!(!needed.is_empty());
        for name in needed {
            assert!(vendored.contains(&name), "a vendoring crate lacks `{name}`");
        }
    }

    /// Vendoring leaves no gate behind: every client gate is on its own line, and a crate
    /// with a client compiles all of it.
    #[test]
    fn vendored_module_keeps_no_feature_gate() {
        for (types_only, multipart) in [(false, false), (false, true), (true, true)] {
            let files = vendored_files(types_only, multipart);
            let module = files
                .iter()
                .find(|(path, _)| path == "src/runtime/mod.rs")
                .map(|(_, text)| text.as_str())
                .unwrap_or_default();
            assert!(!module.contains("feature ="), "{module}");
            assert!(module.contains("pub mod __private"));
            assert!(!module.contains("mod tests"), "{module}");
            assert!(!files.iter().any(|(path, _)| path.ends_with("tests.rs")));
            for (path, text) in &files {
                assert!(!text.contains("#[cfg(test)]"), "{path} keeps tests");
                assert!(!text.contains("cfg(all(test"), "{path} keeps a test helper");
            }
            assert_eq!(
                files
                    .iter()
                    .any(|(path, _)| path == "src/runtime/client.rs"),
                !types_only
            );
            assert_eq!(
                files
                    .iter()
                    .any(|(path, _)| path == "src/runtime/multipart.rs"),
                multipart && !types_only
            );
        }
    }
}
