//! Every fixture's generated crate compiles without warnings, passes clippy with
//! `-D warnings`, and documents with `RUSTDOCFLAGS=-D warnings`.
//!
//! All fixtures are written into one scratch workspace under `target/` that shares one
//! target folder, so dependencies are built once.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn fixture_crates_compile_clean() {
    let root = common::repo_root().join("target/fixture-crates");
    let _ = std::fs::remove_dir_all(root.join("crates"));
    let mut members = Vec::new();
    for (name, text) in common::fixtures() {
        let mut settings = generator::Settings::new(
            format!("fixture-{}", name.replace('_', "-")),
            format!("{name}.yaml"),
        );
        settings.standalone = false;
        let files = match generator::generate(&text, &settings) {
            Ok(g) => g.files,
            Err(d) => panic!("{name}: {d:?}"),
        };
        let dir = root.join("crates").join(&name);
        for f in files {
            let path = dir.join(&f.path);
            std::fs::create_dir_all(path.parent().expect("files live in folders"))
                .expect("creates folders");
            std::fs::write(&path, f.contents).expect("writes");
        }
        members.push(format!("\"crates/{name}\""));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(root.join("Cargo.toml"), manifest).expect("writes the workspace");
    // Start from the repository's lock file so that the scratch workspace builds the same
    // dependency versions as the checked-in crates.
    let _ = std::fs::copy(
        common::repo_root().join("Cargo.lock"),
        root.join("Cargo.lock"),
    );

    run(
        &root,
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
    run(
        &root,
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
