//! A generated crate built against a runtime whose contract differs from the one it was
//! generated for stops at its check, with a message that says what to do.

mod common;

use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("makes the folder");
    for entry in std::fs::read_dir(from).expect("lists the folder") {
        let entry = entry.expect("reads the entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies the file");
        }
    }
}

#[test]
fn a_crate_refuses_a_runtime_of_another_contract() {
    let root = common::repo_root().join("target/runtime-contract");
    let _ = std::fs::remove_dir_all(&root);
    // The runtime as a later release would be: the same crate, another contract.
    let runtime = root.join("runtime");
    for folder in ["src", "tests"] {
        copy_dir(
            &common::repo_root().join("runtime").join(folder),
            &runtime.join(folder),
        );
    }
    let manifest = std::fs::read_to_string(common::repo_root().join("runtime/Cargo.toml"))
        .expect("the runtime manifest reads");
    let manifest: String = manifest
        .lines()
        .filter(|l| !l.ends_with(".workspace = true"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace("[package]\n", "[package]\nedition = \"2021\"\n");
    std::fs::write(runtime.join("Cargo.toml"), manifest).expect("writes the manifest");
    let lib = std::fs::read_to_string(runtime.join("src/lib.rs")).expect("lib.rs reads");
    let current: u32 = lib
        .split_once("pub const API: u32 = ")
        .and_then(|(_, rest)| rest.split_once(';'))
        .and_then(|(number, _)| number.parse().ok())
        .expect("the runtime states its contract");
    std::fs::write(
        runtime.join("src/lib.rs"),
        lib.replace(
            &format!("pub const API: u32 = {current};"),
            &format!("pub const API: u32 = {};", current + 1),
        ),
    )
    .expect("writes lib.rs");

    let settings = common::scratch_settings("contract-client", "seed.yaml").with_runtime(
        generator::RuntimeSource::Path(runtime.to_string_lossy().into_owned()),
    );
    let generated =
        generator::generate(&common::seed_spec(), &settings).expect("the seed generates");
    common::write_crate(&root.join("client"), &generated.files);
    common::write_workspace(&root, ["client".to_string(), "runtime".to_string()]);

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["check", "-p", "contract-client", "--quiet"])
        .env(
            "CARGO_TARGET_DIR",
            common::repo_root().join("target/scratch"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the check passed:\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "this crate was generated for openapi-rust-gen-runtime 0.1 (runtime API {current}): \
             depend on that version of the runtime, or regenerate this crate"
        )),
        "{stderr}"
    );
}
