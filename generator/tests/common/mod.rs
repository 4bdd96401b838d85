//! Helpers shared by the generator's integration tests.

#![allow(dead_code)]

use generator::{GeneratedFile, Settings};
use std::path::{Path, PathBuf};
use std::process::Command;

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
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
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

/// Fails the test on any internal diagnostic: the generator's own failures count even
/// when they are warnings or were caught.
pub fn assert_no_internal(name: &str, diagnostics: &[generator::diagnostics::Diagnostic]) {
    let internal: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.internal)
        .map(|d| d.display(name).to_string())
        .collect();
    assert!(
        internal.is_empty(),
        "{name}: internal diagnostics:\n{}",
        internal.join("\n")
    );
}

/// Settings for a crate written into a scratch workspace under `target/`: a member of that
/// workspace, depending on this repository's runtime crate by path.
pub fn scratch_settings(crate_name: impl Into<String>, label: impl Into<String>) -> Settings {
    Settings::new(crate_name, label)
        .with_standalone(false)
        .with_runtime(generator::RuntimeSource::Path(
            repo_root().join("runtime").to_string_lossy().into_owned(),
        ))
}

pub fn generate(name: &str, text: &str) -> Vec<GeneratedFile> {
    let settings = Settings::new(
        format!("fixture-{}", name.replace('_', "-")),
        format!("{name}.yaml"),
    );
    match generator::generate(text, &settings) {
        Ok(g) => {
            assert_no_internal(name, &g.warnings);
            g.files
        }
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
        .filter(|f| {
            f.path == "src/types.rs" || f.path == "src/client.rs" || f.path == "src/webhooks.rs"
        })
        .map(|f| format!("==> {}\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Generated code without the part of the client that every spec shares: the
/// `ClientBuilder` alias, the `Client` struct and its `From`, and the constructors and
/// accessors that open `impl Client`. Code without that part is returned unchanged.
pub fn without_client_preamble(code: &str) -> String {
    const START: &str = "/// The builder of a [`Client`].\n";
    const END: &str =
        "    pub fn runtime(&self) -> &super::runtime::Client {\n        &self.runtime\n    }\n";
    let (Some(start), Some(end)) = (code.find(START), code.find(END)) else {
        return code.to_string();
    };
    if end < start {
        return code.to_string();
    }
    format!(
        "{}// (the client's fixed part, as in the seed's snapshot)\nimpl Client {{\n{}",
        &code[..start],
        &code[end + END.len()..]
    )
}

/// Lines of code: not blank, not a comment (doc comments included).
pub fn code_lines(text: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

pub fn write_crate(dir: &Path, files: &[GeneratedFile]) {
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().expect("files live in folders"))
            .expect("creates folders");
        std::fs::write(&path, &f.contents).expect("writes");
    }
}

/// Makes `root` a workspace of `members`, starting from the repository's lock file so that
/// the scratch crates build the same dependency versions as the checked-in ones.
pub fn write_workspace(root: &Path, members: impl IntoIterator<Item = String>) {
    let members: Vec<String> = members.into_iter().map(|m| format!("\"{m}\"")).collect();
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::create_dir_all(root).expect("creates the workspace folder");
    std::fs::write(root.join("Cargo.toml"), manifest).expect("writes the workspace");
    let _ = std::fs::copy(repo_root().join("Cargo.lock"), root.join("Cargo.lock"));
}

/// Runs cargo in `dir` with the target folder the scratch workspaces share, and returns
/// what it printed; fails the test when cargo fails.
pub fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", repo_root().join("target/scratch"))
        .env_remove("RUSTFLAGS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "cargo {} failed:\n{stdout}\n{stderr}",
        args.join(" ")
    );
    stdout
}

/// Lints and documents every crate of a scratch workspace with warnings denied.
pub fn check_workspace(root: &Path) {
    cargo(
        root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    cargo(
        root,
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
}

/// The files of a multi-file spec, read from a folder, with every path asked for kept so
/// that tests can check each file is read once.
pub struct FolderFiles {
    pub dir: PathBuf,
    pub reads: std::sync::Mutex<Vec<String>>,
}

impl FolderFiles {
    pub fn new(dir: PathBuf) -> Self {
        FolderFiles {
            dir,
            reads: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl generator::SpecFiles for FolderFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        if let Ok(mut reads) = self.reads.lock() {
            reads.push(path.to_string());
        }
        std::fs::read_to_string(self.dir.join(path)).map_err(|e| e.to_string())
    }
}

/// The multi-file fixtures under `tests/fixtures/<name>/openapi.yaml`.
pub fn multi_file_fixture(name: &str) -> (PathBuf, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(dir.join("openapi.yaml")).expect("the fixture reads");
    (dir, text)
}

/// Generates a multi-file fixture; the warnings come with the files.
pub fn generate_multi_file(
    name: &str,
    policy: generator::ReferencePolicy,
) -> Result<generator::Generated, Vec<generator::diagnostics::Diagnostic>> {
    let (dir, text) = multi_file_fixture(name);
    let files = FolderFiles::new(dir);
    let label = format!("{name}/openapi.yaml");
    let input = generator::Input {
        files: Some(&files),
        references: policy,
        ..generator::Input::text(&label, &text)
    };
    let settings = scratch_settings(format!("fixture-{}", name.replace('_', "-")), label.clone());
    generator::generate_input(&input, &settings)
}

/// A file of this repository, by path from its root.
#[allow(dead_code)]
pub fn read_repo_file(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}
