//! Helpers shared by the generator's integration tests.

#![allow(dead_code)]

use generator::{GeneratedFile, Settings};
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The fixture specs under `tests/fixtures/specs`, as (name, text), sorted by name.
pub fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("the fixture folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&p).expect("the fixture reads");
            (name, text)
        })
        .collect();
    out.sort();
    out
}

pub fn seed_spec() -> String {
    std::fs::read_to_string(repo_root().join("spec/confluent-custom-connector-plugin.yaml"))
        .expect("the spec reads")
}

pub fn generate(name: &str, text: &str) -> Vec<GeneratedFile> {
    let settings = Settings::new(
        format!("fixture-{}", name.replace('_', "-")),
        format!("{name}.yaml"),
    );
    match generator::generate(text, &settings) {
        Ok(g) => g.files,
        Err(d) => panic!(
            "{name} does not generate:\n{}",
            d.iter()
                .map(|d| d.display(name).to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

/// The spec-dependent part of a generated crate (the runtime is the same for every spec).
pub fn spec_dependent_code(files: &[GeneratedFile]) -> String {
    files
        .iter()
        .filter(|f| f.path == "src/types.rs" || f.path == "src/client.rs")
        .map(|f| format!("==> {}\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}
