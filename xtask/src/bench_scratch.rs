//! Scratch workspaces for `cargo xtask bench`: generated crates that depend on this
//! repository's runtime by path, a workspace around them, and cargo run inside it with a
//! target folder of its own.

use crate::Failure;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Generates `text` into `scratch/crates/<crate_name>`, a workspace member using this
/// repository's runtime crate.
pub fn generate_member(
    scratch: &Path,
    spec_label: &str,
    text: &str,
    crate_name: &str,
    types_only: bool,
) -> Result<(), Failure> {
    let root = crate::workspace::workspace_root();
    let settings = generator::Settings::new(crate_name, spec_label)
        .with_standalone(false)
        .with_types_only(types_only)
        .with_runtime(generator::RuntimeSource::Path(
            root.join("runtime").to_string_lossy().into_owned(),
        ));
    let generated = generator::generate(text, &settings)
        .map_err(|_| Failure::Io(format!("{spec_label} does not generate")))?;
    crate::files::write_crate(&scratch.join("crates").join(crate_name), &generated.files)
        .map_err(Failure::Io)?;
    Ok(())
}

/// The workspace's manifest (its members, then `extra` TOML), and the repository's lock
/// file, so that the scratch build uses the dependency versions the project tests with.
pub fn write_workspace(scratch: &Path, members: &[String], extra: &str) -> Result<(), Failure> {
    let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    write(
        &scratch.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n{extra}",
            members.join(", ")
        ),
    )?;
    let root = crate::workspace::workspace_root();
    let _ = std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"));
    Ok(())
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, contents: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(path, contents)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))
}

/// Writes a file again unchanged, so that cargo builds its crate again.
pub fn touch(path: &Path) -> Result<(), Failure> {
    let text = std::fs::read(path).map_err(|e| Failure::Io(e.to_string()))?;
    std::fs::write(path, text).map_err(|e| Failure::Io(e.to_string()))
}

/// Runs cargo in `dir` with `target` as its target folder; how long it took.
pub fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<Duration, Failure> {
    let start = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| Failure::Io(format!("cannot run cargo: {e}")))?;
    if status.success() {
        Ok(start.elapsed())
    } else {
        Err(Failure::Io(format!(
            "`cargo {}` failed in {}",
            args.join(" "),
            dir.display()
        )))
    }
}
