//! The `xtask` command line: exit codes, what is written, and that a generated standalone
//! crate builds on its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creates the scratch folder");
    dir
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(xtask(&[]).status.code(), Some(2));
    assert_eq!(xtask(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(xtask(&["generate", "--spec"]).status.code(), Some(2));
    assert_eq!(xtask(&["generate", "--out", "x"]).status.code(), Some(2));
    assert_eq!(xtask(&["codegen", "--bogus"]).status.code(), Some(2));
    let missing = xtask(&[
        "generate",
        "--spec",
        "/nonexistent/spec.yaml",
        "--out",
        "/tmp/never",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_broken_spec_exits_1_and_leaves_the_output_folder_as_it_was() {
    let dir = scratch("broken");
    let spec = dir.join("broken.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: 5\n",
    )
    .expect("writes");
    let out = dir.join("client");
    std::fs::create_dir_all(out.join("src")).expect("creates");
    std::fs::write(out.join("src/lib.rs"), "// hand-made\n").expect("writes");
    let o = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--> broken.yaml:5:5"),
        "names file and line: {err}"
    );
    assert!(err.contains("not a valid OpenAPI node"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        err.contains("5 |     get: 5"),
        "the offending line is shown: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap_or_default(),
        "// hand-made\n"
    );
    assert_eq!(
        std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0),
        1,
        "nothing else appeared"
    );
    assert!(!dir.join("client.staging").exists());
}

#[test]
fn a_json_spec_becomes_a_standalone_crate_with_its_own_runtime_that_builds() {
    let dir = scratch("json");
    // The seed spec, converted to JSON, exercises the JSON path of the loader.
    let yaml =
        std::fs::read_to_string(repo_root().join("spec/confluent-custom-connector-plugin.yaml"))
            .expect("reads");
    let value: serde_json::Value = serde_yaml::from_str(&yaml).expect("parses");
    let spec = dir.join("plugin api.json");
    std::fs::write(
        &spec,
        serde_json::to_string_pretty(&value).expect("serializes"),
    )
    .expect("writes");
    let out = dir.join("client");
    let o = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
        "--vendor-runtime",
        "--standalone",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("a workspace of its own (--standalone)"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("a manifest was written");
    assert!(
        manifest.contains("name = \"plugin-api-client\""),
        "{manifest}"
    );
    assert!(manifest.contains("[workspace]"));
    assert!(!manifest.contains("openapi-rust-gen-runtime"), "{manifest}");
    for file in [
        "src/lib.rs",
        "src/types.rs",
        "src/client.rs",
        "src/runtime/mod.rs",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    // A second run with the same input rewrites nothing.
    let again = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
        "--name",
        "plugin-api-client",
        "--vendor-runtime",
        "--standalone",
    ]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("wrote 0 files"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = repo_root().join("target/scratch");
    let _ = std::fs::copy(repo_root().join("Cargo.lock"), out.join("Cargo.lock"));
    let build = Command::new(cargo)
        .current_dir(&out)
        .args(["check", "--quiet"])
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(build.status.success(), "{}", stderr(&build));
}

#[test]
fn overlays_apply_and_a_stale_one_is_reported_against_its_own_file() {
    let dir = scratch("overlay");
    let spec = dir.join("api.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'204': {description: x}}\n",
    )
    .expect("writes");
    let rename = dir.join("rename.yaml");
    std::fs::write(&rename, "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.paths['/a'].get\n    update: {operationId: fetchA}\n").expect("writes");
    let out = dir.join("client");
    let arg = |p: &Path| p.to_str().unwrap_or_default().to_string();
    let o = xtask(&[
        "generate",
        "--spec",
        &arg(&spec),
        "--out",
        &arg(&out),
        "--overlay",
        &arg(&rename),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let client = std::fs::read_to_string(out.join("src/client.rs")).expect("written");
    assert!(
        client.contains("pub async fn fetch_a("),
        "the overlay renamed the operation"
    );

    let stale = dir.join("stale.yaml");
    std::fs::write(&stale, "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.paths['/gone']\n    remove: true\n").expect("writes");
    let o = xtask(&[
        "generate",
        "--spec",
        &arg(&spec),
        "--out",
        &arg(&out),
        "--overlay",
        &arg(&stale),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: `$.paths['/gone']` selects nothing")
            && err.contains("--> stale.yaml:4:5"),
        "{err}"
    );
}

/// A multi-file spec is read from beside its root; a symbolic link inside the folder that
/// leads outside it is refused unless `--allow-outside-folder` is given, and the
/// diagnostic points at the reference.
#[cfg(unix)]
#[test]
fn multi_file_specs_read_their_folder_and_not_through_links_out_of_it() {
    let dir = scratch("multi");
    let root = dir.join("api");
    let outside = dir.join("outside");
    std::fs::create_dir_all(root.join("schemas")).expect("creates");
    std::fs::create_dir_all(&outside).expect("creates");
    std::fs::write(
        outside.join("secret.yaml"),
        "type: object\nproperties: {token: {type: string}}\n",
    )
    .expect("writes");
    std::fs::write(
        root.join("schemas/thing.yaml"),
        "type: object\nproperties: {id: {type: string}}\n",
    )
    .expect("writes");
    std::os::unix::fs::symlink(outside.join("secret.yaml"), root.join("schemas/link.yaml"))
        .expect("links");
    let spec_text = |target: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: '{target}'}}\n"
        )
    };
    let spec = root.join("openapi.yaml");
    std::fs::write(&spec, spec_text("schemas/thing.yaml")).expect("writes");
    let out = dir.join("client");
    let args = [
        "generate",
        "--spec",
        spec.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
    ];
    let o = xtask(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let types = std::fs::read_to_string(out.join("src/types.rs")).expect("types written");
    assert!(types.contains("pub struct Thing"), "{types}");

    std::fs::write(&spec, spec_text("schemas/link.yaml")).expect("writes");
    let o = xtask(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(err.contains("--> openapi.yaml:11:24"), "{err}");
    let mut allowed = args.to_vec();
    allowed.push("--allow-outside-folder");
    let o = xtask(&allowed);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn diff_reports_a_removed_field_and_an_added_operation() {
    let fixtures = repo_root().join("generator/tests/fixtures/diff");
    let path = |p: &Path| p.to_str().unwrap_or_default().to_string();
    let o = xtask(&[
        "diff",
        &path(&fixtures.join("old.yaml")),
        &path(&fixtures.join("new.yaml")),
        "--name",
        "environments-client",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(
        report.contains("- removed field `Environment::display_name`\n"),
        "{report}"
    );
    assert!(
        report.contains("- added operation `Client::create_environment`: `POST /environments`\n"),
        "{report}"
    );
    assert!(report.contains("Semver: **major**"), "{report}");

    // A real spec, changed by an overlay: the report shown in the change's notes.
    let corpus = repo_root().join("../shared/corpus/org-v2.yaml");
    if corpus.is_file() {
        let o = xtask(&[
            "diff",
            &path(&corpus),
            &path(&corpus),
            "--overlay",
            &path(&fixtures.join("org-v2-change.overlay.yaml")),
            "--name",
            "org-v2",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let report = String::from_utf8_lossy(&o.stdout);
        println!("{report}");
        assert!(
            report.contains("- removed field `Environment::display_name`\n"),
            "{report}"
        );
        assert!(report.contains("- added operation `Client::archive_org_v2_environment`: `POST /org/v2/environments/{id}/archive`\n"), "{report}");
    }
}
