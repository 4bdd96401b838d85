//! The checked-in client crates, and generating a crate for any spec.

use crate::files::{differences, write_crate, Difference};
use crate::workspace::{overlays_beside, read_overlay, workspace_root};
use crate::Failure;
use generator::diagnostics::Diagnostic;
use generator::{FolderFiles, Settings};
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
/// files, for what Confluent documents do not use (API keys, cookies, webhooks, ...);
/// `e2e-paging/` is the client for a fixture with a list operation for each way of paging;
/// `e2e-streams/` the client for a fixture with event streams, JSON Lines and an upload.
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
    Target {
        spec: "generator/tests/fixtures/e2e/paging.yaml",
        out: "e2e-paging",
        crate_name: "e2e-paging-client",
    },
    Target {
        spec: "generator/tests/fixtures/e2e/streams.yaml",
        out: "e2e-streams",
        crate_name: "e2e-streams-client",
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
    ("multer", r#""3""#),
    ("peak_alloc", r#""0.3""#),
];

/// Runs the generator on one spec and shows its diagnostics the way rustc shows errors.
/// Returns the files, or the report when the spec has errors (or warnings, when they are
/// denied).
fn run_generator(
    input: &generator::Input<'_>,
    settings: &Settings,
    deny_warnings: bool,
) -> Result<generator::Generated, String> {
    let report = |diagnostics: &[Diagnostic]| input.report(diagnostics);
    match generator::generate_input(input, settings) {
        Ok(generated) if generated.warnings.is_empty() => Ok(generated),
        Ok(generated) if deny_warnings => Err(format!(
            "{}warnings are denied (--deny-warnings); nothing was written",
            report(&generated.warnings)
        )),
        Ok(generated) => {
            eprint!("{}", report(&generated.warnings));
            Ok(generated)
        }
        Err(diagnostics) => Err(format!("{}nothing was written", report(&diagnostics))),
    }
}

/// The generate summary's paging part: each operation that pages and how, then each that
/// looks like a list but does not page, and why.
pub fn paging_summary(notes: &[generator::model::PagingNote]) -> String {
    let (paged, not): (Vec<_>, Vec<_>) = notes.iter().partition(|n| n.note.starts_with("pages "));
    let mut out = format!(
        "paging: {} operation(s) page
",
        paged.len()
    );
    for n in paged.iter().chain(&not) {
        out.push_str(&format!(
            "  {}: {}
",
            n.operation_id, n.note
        ));
    }
    out
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
        let settings = Settings::new(t.crate_name, t.spec)
            .with_standalone(false)
            .with_dev_dependencies(
                DEV_DEPENDENCIES
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
            )
            // Every checked-in crate sits beside the runtime crate in this workspace.
            .with_runtime(generator::RuntimeSource::Path("../runtime".into()));
        let spec = root.join(t.spec);
        let overlays = overlays_beside(&spec).map_err(|e| (e, true))?;
        let folder = FolderFiles::new(spec.parent().unwrap_or(root), false);
        let input = generator::Input {
            files: Some(&folder),
            overlays: &overlays,
            ..generator::Input::text(t.spec, &text)
        };
        let generated = run_generator(&input, &settings, deny_warnings).map_err(|r| (r, false))?;
        out.push((root.join(t.out), generated.files));
    }
    Ok(out)
}

/// What `cargo xtask codegen` was asked to do.
pub struct Codegen {
    /// Compare only, writing nothing.
    pub check: bool,
    pub deny_warnings: bool,
    /// The git revision the change report compares the specs with.
    pub since: String,
    /// Where to write the change report, besides showing it.
    pub report: Option<PathBuf>,
}

/// Checks (writing nothing) or regenerates the checked-in crates, and reports what the
/// spec changes did to their public API.
pub fn codegen(request: &Codegen) -> Result<ExitCode, Failure> {
    let (check, deny_warnings) = (request.check, request.deny_warnings);
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
    let mut report = format!(
        "## Changes to the generated public API since `{}`\n\n",
        request.since
    );
    for t in TARGETS {
        match crate::report::report_since(&request.since, t.spec, t.crate_name) {
            Ok(part) => report.push_str(&part),
            Err(e) => report.push_str(&format!("### `{}`\n\nNo report: {e}\n", t.crate_name)),
        }
        report.push('\n');
    }
    println!("\n{}", report.trim_end());
    if let Some(path) = &request.report {
        std::fs::write(path, &report)
            .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
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

/// What `cargo xtask generate` was asked to do.
pub struct GenerateRequest {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub name: Option<String>,
    pub overlays: Vec<PathBuf>,
    pub deny_warnings: bool,
    pub allow_outside_folder: bool,
    /// Where the crate's runtime comes from; `None`: this repository's runtime crate, by a
    /// path relative to the crate.
    pub runtime: Option<generator::RuntimeSource>,
    pub types_only: bool,
    /// Keep typed string formats as `String`s.
    pub string_formats: bool,
    /// Gate the operations by tag, a Cargo feature per tag.
    pub tag_features: bool,
    /// Make the crate its own workspace even inside another one.
    pub standalone: bool,
}

/// The workspace a crate written to `out` would be a member of: the nearest folder above
/// it whose `Cargo.toml` has a `[workspace]` table.
pub fn enclosing_workspace(out: &Path) -> Option<PathBuf> {
    let out = absolute(out);
    out.ancestors().skip(1).find_map(|dir| {
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).ok()?;
        text.lines()
            .any(|l| l.trim() == "[workspace]")
            .then_some(manifest)
    })
}

/// `path` made absolute and free of `.` and `..`, through the real path of the nearest part
/// of it that exists (the rest may not exist yet).
fn absolute(path: &Path) -> PathBuf {
    let joined = std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut existing = joined.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in missing.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::Normal(p) => out.push(p),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                missing.push(last);
                existing = parent;
            }
            _ => return joined,
        }
    }
}

/// `to` as a path relative to the folder `from` (both made absolute), or `to` itself when
/// they share no root.
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let (from, to) = (absolute(from), absolute(to));
    let (a, b): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to;
    }
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for part in &b[common..] {
        out.push(part);
    }
    out
}

pub fn generate_standalone(request: &GenerateRequest) -> Result<ExitCode, Failure> {
    let GenerateRequest {
        spec,
        out,
        name,
        overlays: overlay_paths,
        deny_warnings,
        allow_outside_folder,
        runtime,
        types_only,
        string_formats,
        tag_features,
        standalone,
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
    let workspace = (!standalone).then(|| enclosing_workspace(out)).flatten();
    // Cargo reads a path dependency relative to the crate; the path given on the command
    // line (or this repository's runtime) is relative to where the command runs.
    // TOML wants forward slashes on every platform.
    let path_source =
        |path: PathBuf| generator::RuntimeSource::Path(path.to_string_lossy().replace('\\', "/"));
    let runtime = match runtime {
        // An absolute path is kept as given.
        Some(generator::RuntimeSource::Path(given)) if Path::new(given).is_absolute() => {
            path_source(PathBuf::from(given))
        }
        Some(generator::RuntimeSource::Path(given)) => {
            path_source(relative_path(out, Path::new(given)))
        }
        Some(other) => other.clone(),
        None => path_source(relative_path(out, &workspace_root().join("runtime"))),
    };
    let settings = Settings::new(crate_name, label.clone())
        .with_standalone(workspace.is_none())
        .with_runtime(runtime)
        .with_types_only(*types_only)
        .with_string_formats(*string_formats)
        .with_tag_features(*tag_features);
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
        Ok(generated) => {
            let written = write_crate(out, &generated.files).map_err(Failure::Io)?;
            print!("{}", paging_summary(&generated.paging));
            println!("wrote {} files to {}", written.len(), out.display());
            match &workspace {
                Some(manifest) => println!(
                    "the crate is a member of the workspace of {} (add `{}` to its `members` unless they already cover it; --standalone makes it a workspace of its own)",
                    manifest.display(),
                    relative_path(manifest.parent().unwrap_or(Path::new(".")), out).display()
                ),
                None if *standalone => println!("the crate is a workspace of its own (--standalone)"),
                None => println!(
                    "the crate is a workspace of its own: no workspace encloses {}",
                    out.display()
                ),
            }
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

    /// An overlay declares paging the names do not show, without touching the document, and
    /// the generate summary lists what pages and why the rest does not.
    #[test]
    fn an_overlay_turns_paging_on_and_the_summary_lists_it() {
        let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /rows:
    get:
      operationId: listRows
      parameters: [{name: from, in: query, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  rows: {type: array, items: {type: string}}
                  continue_from: {type: string}
  /book:
    get:
      operationId: readBook
      parameters: [{name: page, in: query, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"#;
        let overlay = generator::Overlay::new(
            "paging.overlay.yaml",
            r#"
overlay: 1.0.0
info: {title: paging, version: '1'}
actions:
  - target: $.paths['/rows'].get
    update:
      x-pagination: {style: cursor, param: from, next: continue_from, items: rows}
"#,
        );
        let settings = Settings::new("rows-client", "rows.yaml");
        let summary = |overlays: &[generator::Overlay]| {
            let generated = generator::generate_with_overlays(spec, overlays, &settings)
                .expect("the spec generates");
            paging_summary(&generated.paging)
        };
        assert_eq!(
            summary(&[]),
            "paging: 0 operation(s) page\n  readBook: has `page` but no page size parameter, so it is not taken for a page number\n"
        );
        assert_eq!(
            summary(&[overlay]),
            "paging: 1 operation(s) page\n  listRows: pages by cursor (declared): `list_rows_stream`, `list_rows_pages`\n  readBook: has `page` but no page size parameter, so it is not taken for a page number\n"
        );
    }

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

    fn request(spec: &str, out: &Path, standalone: bool) -> GenerateRequest {
        GenerateRequest {
            spec: workspace_root().join(spec),
            out: out.to_path_buf(),
            name: Some("plugin-client".into()),
            overlays: Vec::new(),
            deny_warnings: false,
            allow_outside_folder: false,
            runtime: None,
            types_only: false,
            string_formats: false,
            tag_features: false,
            standalone,
        }
    }

    /// A crate generated inside another workspace joins it, finds the runtime crate by a
    /// relative path, and builds there as it was written.
    #[test]
    fn a_crate_generated_inside_a_workspace_is_a_member_and_builds() {
        let root = workspace_root();
        let scratch = root.join("target/member-workspace");
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).expect("makes the scratch folder");
        std::fs::write(
            scratch.join("Cargo.toml"),
            "[workspace]\nresolver = \"2\"\nmembers = [\"clients/plugin\"]\n",
        )
        .expect("writes the workspace");
        std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))
            .expect("copies the lock");
        let out = scratch.join("clients/plugin");
        let spec = "spec/confluent-custom-connector-plugin.yaml";
        let code = generate_standalone(&request(spec, &out, false)).unwrap_or(ExitCode::FAILURE);
        assert_eq!(code, ExitCode::SUCCESS);
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("the manifest reads");
        assert!(!manifest.contains("[workspace]"), "{manifest}");
        assert!(
            manifest.contains(
                r#"openapi-rust-gen-runtime = { path = "../../../../runtime", version = "0.1" }"#
            ),
            "{manifest}"
        );
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let build = std::process::Command::new(cargo)
            .current_dir(&scratch)
            .args(["build", "--quiet"])
            .env("CARGO_TARGET_DIR", root.join("target/scratch"))
            .output()
            .expect("cargo runs");
        assert!(
            build.status.success(),
            "{}",
            String::from_utf8_lossy(&build.stderr)
        );

        // Asked to stand alone, the same crate is a workspace of its own.
        let code = generate_standalone(&request(spec, &out, true)).unwrap_or(ExitCode::FAILURE);
        assert_eq!(code, ExitCode::SUCCESS);
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("the manifest reads");
        assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    }

    #[test]
    fn workspaces_are_found_above_the_output_folder_only() {
        let root = workspace_root();
        assert_eq!(
            enclosing_workspace(&root.join("target/not/yet/there")),
            Some(root.join("Cargo.toml"))
        );
        // The repository's own manifest does not make its folder a member of itself.
        let outside = std::env::temp_dir().join("openapi-rust-gen-no-workspace/client");
        assert_eq!(enclosing_workspace(&outside), None);
    }

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        let root = workspace_root();
        assert_eq!(
            relative_path(&root.join("a/b/c"), &root.join("runtime")),
            PathBuf::from("../../../runtime")
        );
        assert_eq!(
            relative_path(&root.join("a/../x"), &root.join("runtime")),
            PathBuf::from("../runtime")
        );
    }
}
