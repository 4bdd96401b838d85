//! The checked-in client crates, and generating a crate for any spec.

use crate::files::{differences, write_crate, Difference};
use crate::Failure;
use generator::diagnostics::{render_report, Diagnostic, Source};
use generator::Settings;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A client crate kept in this repository: which spec it comes from and where it lives.
struct Target {
    spec: &'static str,
    out: &'static str,
    crate_name: &'static str,
}

/// The crates `cargo xtask codegen` maintains. `generated/` is the client for the seed
/// operation in `spec/`; `e2e/` is a client for a small fixture with a request body,
/// which the seed operation does not have, so that the write path is tested end to end
/// too; `e2e31/` is the client for `spec/shop-3.1/`, an OpenAPI 3.1 document in several
/// files, for what Confluent documents do not use (API keys, cookies, webhooks, ...).
/// Every file of a multi-file spec is read on each run, so a change to any of them makes
/// the checked-in crate stale.
const TARGETS: &[Target] = &[
    Target {
        spec: "spec/confluent-custom-connector-plugin.yaml",
        out: "generated",
        crate_name: "confluent-custom-plugin-client",
    },
    Target {
        spec: "generator/tests/fixtures/e2e/create_plugin.yaml",
        out: "e2e",
        crate_name: "e2e-fixture-client",
    },
    Target {
        spec: "spec/shop-3.1/openapi.yaml",
        out: "e2e31",
        crate_name: "e2e31-shop-client",
    },
];

/// Dev-dependencies of the checked-in crates, whose hand-written tests run the client
/// against a real HTTP server.
const DEV_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "tokio",
        r#"{ version = "1", features = ["macros", "rt-multi-thread", "test-util"] }"#,
    ),
    (
        "tracing-subscriber",
        r#"{ version = "0.3", default-features = false, features = ["fmt", "std"] }"#,
    ),
    (
        "futures-util",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("httpdate", r#""1""#),
    ("libc", r#""0.2""#),
    ("tracing", r#""0.1""#),
    (
        "proptest",
        r#"{ version = "1", default-features = false, features = ["std"] }"#,
    ),
    ("wiremock", r#""0.6""#),
];

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The files of a spec, read from the folder of its root document. Paths come from the
/// generator already normalized and checked against the folder; the check is repeated
/// here on the real path, so that a symbolic link cannot lead outside either.
pub struct FolderFiles {
    folder: PathBuf,
    allow_outside_folder: bool,
}

/// The largest file of a spec this reader accepts.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl FolderFiles {
    pub fn new(folder: &Path, allow_outside_folder: bool) -> Self {
        FolderFiles {
            folder: folder.to_path_buf(),
            allow_outside_folder,
        }
    }
}

impl generator::SpecFiles for FolderFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        use std::io::Read;
        let full = self.folder.join(path);
        let real = full
            .canonicalize()
            .map_err(|e| format!("{}: {e}", full.display()))?;
        if !self.allow_outside_folder {
            let folder = self
                .folder
                .canonicalize()
                .map_err(|e| format!("{}: {e}", self.folder.display()))?;
            if !real.starts_with(&folder) {
                return Err(format!(
                    "`{path}` leads outside the spec's folder through a symbolic link"
                ));
            }
        }
        let file = std::fs::File::open(&real).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "the file is larger than {} MiB",
                MAX_FILE_BYTES / (1024 * 1024)
            ));
        }
        String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
    }
}

/// Runs the generator on one spec and shows its diagnostics the way rustc shows errors.
/// Returns the files, or the report when the spec has errors (or warnings, when they are
/// denied).
fn run_generator(
    input: &generator::Input<'_>,
    settings: &Settings,
    deny_warnings: bool,
) -> Result<Vec<generator::GeneratedFile>, String> {
    let (label, text, overlays) = (input.label, input.text, input.overlays);
    let report = |diagnostics: &[Diagnostic]| {
        let others: Vec<Source<'_>> = overlays
            .iter()
            .map(|o| Source {
                name: &o.label,
                text: &o.text,
            })
            .collect();
        render_report(diagnostics, Source { name: label, text }, &others)
    };
    match generator::generate_input(input, settings) {
        Ok(generated) if generated.warnings.is_empty() => Ok(generated.files),
        Ok(generated) if deny_warnings => Err(format!(
            "{}warnings are denied (--deny-warnings); nothing was written",
            report(&generated.warnings)
        )),
        Ok(generated) => {
            eprint!("{}", report(&generated.warnings));
            Ok(generated.files)
        }
        Err(diagnostics) => Err(format!("{}nothing was written", report(&diagnostics))),
    }
}

/// Each target crate's folder with the files it should hold.
type Rendered = Vec<(PathBuf, Vec<generator::GeneratedFile>)>;

/// What every target would be, or the rendered diagnostics of the first spec that fails
/// (with `true` when the failure is I/O rather than the spec).
fn render_targets(root: &Path, deny_warnings: bool) -> Result<Rendered, (String, bool)> {
    let mut out = Vec::new();
    for t in TARGETS {
        let text = std::fs::read_to_string(root.join(t.spec))
            .map_err(|e| (format!("cannot read {}: {e}", t.spec), true))?;
        let settings = Settings {
            crate_name: t.crate_name.into(),
            spec_label: t.spec.into(),
            standalone: false,
            dev_dependencies: DEV_DEPENDENCIES
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            // Every checked-in crate sits beside the runtime crate in this workspace.
            runtime: generator::RuntimeSource::Path("../runtime".into()),
            types_only: false,
        };
        let spec = root.join(t.spec);
        let overlays = overlays_beside(&spec).map_err(|e| (e, true))?;
        let folder = FolderFiles::new(spec.parent().unwrap_or(root), false);
        let input = generator::Input {
            files: Some(&folder),
            overlays: &overlays,
            ..generator::Input::text(t.spec, &text)
        };
        let files = run_generator(&input, &settings, deny_warnings).map_err(|r| (r, false))?;
        out.push((root.join(t.out), files));
    }
    Ok(out)
}

/// Checks (writing nothing) or regenerates the checked-in crates.
pub fn codegen(check: bool, deny_warnings: bool) -> Result<ExitCode, Failure> {
    let root = workspace_root();
    let targets = match render_targets(&root, deny_warnings) {
        Ok(t) => t,
        Err((message, true)) => return Err(Failure::Io(message)),
        Err((message, false)) => {
            eprintln!("{message}");
            return Ok(ExitCode::from(1));
        }
    };
    if check {
        let stale = check_targets(&targets).map_err(Failure::Io)?;
        if stale.is_empty() {
            println!("generated code is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated code is out of date:");
        for line in &stale {
            eprintln!("  {line}");
        }
        eprintln!("run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::from(1));
    }
    for (dir, files) in &targets {
        let written = write_crate(dir, files).map_err(Failure::Io)?;
        for path in &written {
            println!(
                "wrote {}",
                path.strip_prefix(&root).unwrap_or(path).display()
            );
        }
        if written.is_empty() {
            println!(
                "{} is up to date",
                dir.strip_prefix(&root).unwrap_or(dir).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check_targets(targets: &Rendered) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for (dir, files) in targets {
        for d in differences(dir, files)? {
            lines.push(match d {
                Difference::Stale(p) => format!("stale:   {}", p.display()),
                Difference::Missing(p) => format!("missing: {}", p.display()),
                Difference::Extra(p) => {
                    format!("extra:   {} (not written by the generator)", p.display())
                }
            });
        }
    }
    Ok(lines)
}

/// The overlays that apply to a spec: files beside it named `<spec stem>.overlay*.yaml`,
/// in name order.
pub fn overlays_beside(spec: &Path) -> Result<Vec<generator::Overlay>, String> {
    let (Some(dir), Some(stem)) = (spec.parent(), spec.file_stem().and_then(|s| s.to_str())) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{stem}.overlay");
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with(&prefix)
                && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| read_overlay(p)).collect()
}

fn read_overlay(path: &Path) -> Result<generator::Overlay, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(generator::Overlay::new(label, text))
}

/// What `cargo xtask generate` was asked to do.
pub struct GenerateRequest {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub name: Option<String>,
    pub overlays: Vec<PathBuf>,
    pub deny_warnings: bool,
    pub allow_outside_folder: bool,
}

pub fn generate_standalone(request: &GenerateRequest) -> Result<ExitCode, Failure> {
    let GenerateRequest {
        spec,
        out,
        name,
        overlays: overlay_paths,
        deny_warnings,
        allow_outside_folder,
    } = request;
    let (spec, out, deny_warnings) = (spec.as_path(), out.as_path(), *deny_warnings);
    let overlays: Vec<generator::Overlay> = overlay_paths
        .iter()
        .map(|p| read_overlay(p))
        .collect::<Result<_, _>>()
        .map_err(Failure::Io)?;
    let text = std::fs::read(spec)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", spec.display())))?;
    let label = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".into());
    let text = match String::from_utf8(text) {
        Ok(t) => t,
        Err(_) => {
            eprintln!("{label}: error: the file is not UTF-8 text, so it cannot be a YAML or JSON document");
            return Ok(ExitCode::from(1));
        }
    };
    let crate_name = name.clone().unwrap_or_else(|| {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cleaned: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let cleaned = cleaned.trim_matches('-').to_string();
        if cleaned.is_empty() || cleaned.starts_with(|c: char| c.is_ascii_digit()) {
            format!("client-{cleaned}")
        } else {
            format!("{cleaned}-client")
        }
    });
    if crate_name.is_empty()
        || !crate_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Failure::Usage(format!(
            "`{crate_name}` is not a valid crate name"
        )));
    }
    let settings = Settings::new(crate_name, label.clone());
    // A bare file name has an empty parent, which is the current folder.
    let folder = FolderFiles::new(
        spec.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
        *allow_outside_folder,
    );
    let input = generator::Input {
        files: Some(&folder),
        overlays: &overlays,
        references: generator::ReferencePolicy {
            allow_outside_folder: *allow_outside_folder,
        },
        ..generator::Input::text(&label, &text)
    };
    match run_generator(&input, &settings, deny_warnings) {
        Ok(files) => {
            let written = write_crate(out, &files).map_err(Failure::Io)?;
            println!("wrote {} files to {}", written.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(report) => {
            eprintln!("{report}");
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when the checked-in crates do not match the specs and generator.
    #[test]
    fn checked_in_crates_are_fresh() {
        let root = workspace_root();
        let targets = match render_targets(&root, false) {
            Ok(t) => t,
            Err((message, _)) => panic!("a checked-in spec does not generate:\n{message}"),
        };
        let stale = check_targets(&targets).expect("the crates can be read");
        assert!(
            stale.is_empty(),
            "run `cargo xtask codegen`:\n{}",
            stale.join("\n")
        );
    }
}
