//! Every fixture's generated crate compiles without warnings, passes clippy with
//! `-D warnings`, documents with `RUSTDOCFLAGS=-D warnings`, and round-trips its examples.
//!
//! All fixtures are written into one scratch workspace under `target/` whose target
//! folder is shared with the corpus check, so dependencies are built once.

mod common;

#[test]
fn fixture_crates_compile_clean() {
    let root = common::repo_root().join("target/fixture-crates");
    let _ = std::fs::remove_dir_all(root.join("crates"));
    let mut members = Vec::new();
    for (name, text) in common::fixtures() {
        let settings = common::scratch_settings(
            format!("fixture-{}", name.replace('_', "-")),
            format!("{name}.yaml"),
        );
        let files = match generator::generate(&text, &settings) {
            Ok(g) => {
                common::assert_no_internal(&name, &g.warnings);
                g.files
            }
            Err(d) => panic!("{name}: {d:?}"),
        };
        common::write_crate(&root.join("crates").join(&name), &files);
        members.push(format!("crates/{name}"));
    }
    // The multi-file fixtures, read from their folders.
    for name in ["multi", "multi_properties_ref"] {
        let multi = common::generate_multi_file(name, generator::ReferencePolicy::default())
            .unwrap_or_else(|d| panic!("the multi-file fixture {name} generates: {d:?}"));
        common::assert_no_internal(name, &multi.warnings);
        common::write_crate(&root.join("crates").join(name), &multi.files);
        members.push(format!("crates/{name}"));
    }
    // The other ways a crate gets its runtime, on specs that use most of it: multipart
    // bodies, paging, webhooks, validation rules and tagged unions.
    let variants = [
        ("vendored", "e2e/create_plugin.yaml", true, false),
        // With the conformance hooks (every kind of body and parameter), which must be
        // as clean as the rest.
        ("conformance_hooks", "e2e/create_plugin.yaml", false, false),
        ("types_only", "specs/openapi_31.yaml", false, true),
        ("vendored_types_only", "specs/openapi_31.yaml", true, true),
        (
            "webhooks_types_only",
            "specs/webhooks_only.yaml",
            false,
            true,
        ),
    ];
    for (name, spec, vendored, types_only) in variants {
        let text = std::fs::read_to_string(
            common::repo_root()
                .join("generator/tests/fixtures")
                .join(spec),
        )
        .expect("the fixture reads");
        let mut settings =
            common::scratch_settings(format!("variant-{}", name.replace('_', "-")), spec)
                .with_types_only(types_only)
                .with_conformance_hooks(name == "conformance_hooks");
        if vendored {
            settings = settings.with_runtime(generator::RuntimeSource::Vendored);
        }
        let generated = generator::generate(&text, &settings).expect("the variant generates");
        common::assert_no_internal(name, &generated.warnings);
        let paths: Vec<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.contains(&"src/runtime/mod.rs"), vendored, "{name}");
        assert_eq!(!paths.contains(&"src/client.rs"), types_only, "{name}");
        common::write_crate(&root.join("crates").join(name), &generated.files);
        members.push(format!("crates/{name}"));
    }
    common::write_workspace(&root, members);
    common::check_workspace(&root);
    // A types-only crate has none of the client's dependencies, in any way it gets its runtime.
    for name in ["types_only", "vendored_types_only", "webhooks_types_only"] {
        let package = format!("variant-{}", name.replace('_', "-"));
        let tree = common::cargo(&root, &["tree", "-p", &package, "-e", "normal"], &[]);
        for client_crate in ["reqwest", "tokio", "tracing", "hyper"] {
            assert!(
                !tree
                    .lines()
                    .any(|l| l.contains(&format!(" {client_crate} v"))),
                "{package} depends on {client_crate}:\n{tree}"
            );
        }
        assert!(tree.contains("serde v"), "{tree}");
    }
    common::cargo(&root, &["test", "--workspace", "--quiet"], &[]);
}
