//! The change report: what a spec change does to the public Rust API of the crate
//! generated from it (`cargo xtask diff`, and `cargo xtask codegen` against a git revision).

use crate::workspace::{overlays_beside, workspace_root};
use crate::Failure;
use generator::{FolderFiles, SpecFiles};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, ExitCode};

/// The model of a spec read from the working tree, with the overlays given.
fn model_from_disk(
    spec: &Path,
    overlays: &[generator::Overlay],
) -> Result<generator::model::Api, String> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let folder = FolderFiles::new(
        spec.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
        false,
    );
    let label = spec.display().to_string();
    let input = generator::Input {
        files: Some(&folder),
        overlays,
        ..generator::Input::text(&label, &text)
    };
    resolved(&label, generator::resolve_input(&input))
}

fn resolved(
    label: &str,
    outcome: Result<
        (
            generator::model::Api,
            Vec<generator::diagnostics::Diagnostic>,
        ),
        Vec<generator::diagnostics::Diagnostic>,
    >,
) -> Result<generator::model::Api, String> {
    outcome.map(|(api, _)| api).map_err(|diagnostics| {
        let first = diagnostics
            .first()
            .map(|d| d.display(label).to_string())
            .unwrap_or_default();
        format!(
            "{label} has errors ({} diagnostics), first: {first}",
            diagnostics.len()
        )
    })
}

/// `cargo xtask diff OLD NEW [--overlay FILE]... [--name CRATE]`: the report between two
/// specs; the overlays apply to NEW (to try a change before making it).
pub fn diff_command(
    old: &Path,
    new: &Path,
    overlays: &[PathBuf],
    name: &str,
) -> Result<ExitCode, Failure> {
    let overlays = overlays
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|text| generator::Overlay::new(p.display().to_string(), text))
                .map_err(|e| Failure::Io(format!("cannot read {}: {e}", p.display())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let models = model_from_disk(old, &[]).and_then(|o| Ok((o, model_from_disk(new, &overlays)?)));
    match models {
        Ok((old, new)) => {
            print!("{}", generator::diff::diff(&old, &new).to_markdown(name));
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("error: {message}");
            Ok(ExitCode::from(1))
        }
    }
}

/// The files of a spec as they were at a git revision, read with `git show`.
struct GitFiles {
    root: PathBuf,
    revision: String,
    /// The spec's folder, relative to the repository.
    folder: PathBuf,
}

impl SpecFiles for GitFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        git_show(
            &self.root,
            &self.revision,
            &normalized(&self.folder.join(path)),
        )
    }
}

/// `path` without `.` and `..` parts, with forward slashes, as git names files.
fn normalized(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn git_show(root: &Path, revision: &str, path: &str) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("{revision}:{path}")])
        .output()
        .map_err(|e| format!("git could not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{path} at {revision}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{path} at {revision} is not UTF-8"))
}

/// The model of a checked-in spec (relative to the repository) as it was at `revision`,
/// with the overlays beside it then; `None` when the spec did not exist.
fn model_at(revision: &str, spec: &str) -> Result<Option<generator::model::Api>, String> {
    let root = workspace_root();
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(&root)
            .args(args)
            .output()
            .map_err(|e| format!("git could not run: {e}"))
    };
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{revision}^{{commit}}"),
    ])?;
    if !commit.status.success() {
        return Err(format!("`{revision}` is not a commit of this repository"));
    }
    // Only a spec missing from the commit's tree is new; any other failure is an error.
    let listed = git(&["ls-tree", "--name-only", revision, "--", spec])?;
    if listed.status.success() && listed.stdout.is_empty() {
        return Ok(None);
    }
    let text = git_show(&root, revision, spec)?;
    // The overlays beside the spec as they were then: the `<stem>.overlay*` files of its
    // folder at that commit.
    let folder = Path::new(spec)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let stem = Path::new(spec)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{stem}.overlay");
    let in_folder = git(&[
        "ls-tree",
        "--name-only",
        revision,
        "--",
        &format!("{}/", normalized(&folder)),
    ])?;
    let mut names: Vec<String> = String::from_utf8_lossy(&in_folder.stdout)
        .lines()
        .filter_map(|p| p.rsplit('/').next().map(str::to_string))
        .filter(|n| {
            n.starts_with(&prefix)
                && (n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        })
        .collect();
    names.sort();
    let overlays = names
        .iter()
        .map(|name| {
            git_show(&root, revision, &normalized(&folder.join(name)))
                .map(|text| generator::Overlay::new(name.clone(), text))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let files = GitFiles {
        root,
        revision: revision.to_string(),
        folder,
    };
    let input = generator::Input {
        files: Some(&files),
        overlays: &overlays,
        ..generator::Input::text(spec, &text)
    };
    resolved(spec, generator::resolve_input(&input)).map(Some)
}

/// The report for one checked-in crate: its spec in the working tree against `revision`.
pub fn report_since(revision: &str, spec: &str, crate_name: &str) -> Result<String, String> {
    let root = workspace_root();
    let overlays = overlays_beside(&root.join(spec))?;
    let new = model_from_disk(&root.join(spec), &overlays)?;
    match model_at(revision, spec)? {
        Some(old) => Ok(generator::diff::diff(&old, &new).to_markdown(crate_name)),
        None => Ok(format!(
            "### `{crate_name}`\n\nNew: `{spec}` did not exist at `{revision}`.\n"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A revision that is not a commit is an error, never a report that calls every spec new.
    #[test]
    fn an_unknown_revision_is_an_error() {
        let e = report_since(
            "no-such-revision",
            "spec/confluent-custom-connector-plugin.yaml",
            "c",
        )
        .expect_err("the revision does not exist");
        assert!(e.contains("is not a commit"), "{e}");
    }

    #[test]
    fn git_paths_are_normalized() {
        assert_eq!(
            normalized(Path::new("spec/shop/../shop/./a.yaml")),
            "spec/shop/a.yaml"
        );
    }

    /// A multi-file spec read back from git at the checked-out commit: when its files are
    /// as committed, the report says nothing changed.
    #[test]
    fn a_spec_as_committed_reports_no_change() {
        let root = workspace_root();
        let spec = "spec/shop-3.1/openapi.yaml";
        let committed = Command::new("git")
            .current_dir(&root)
            .args(["diff", "--quiet", "HEAD", "--", "spec/shop-3.1"])
            .status()
            .is_ok_and(|s| s.success());
        if !committed {
            // Edited in the working tree (or no git here): nothing to compare against.
            return;
        }
        let report = report_since("HEAD", spec, "e2e31-shop-client").expect("the report is made");
        assert_eq!(
            report,
            "### `e2e31-shop-client`\n\nNo change to the public Rust API (semver: patch).\n"
        );
    }
}
