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
        let mut settings = generator::Settings::new(
            format!("fixture-{}", name.replace('_', "-")),
            format!("{name}.yaml"),
        );
        settings.standalone = false;
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
    // The multi-file fixture, read from its folder.
    let multi = common::generate_multi_file("multi", generator::ReferencePolicy::default())
        .expect("the multi-file fixture generates");
    common::assert_no_internal("multi", &multi.warnings);
    common::write_crate(&root.join("crates/multi"), &multi.files);
    members.push("crates/multi".to_string());
    common::write_workspace(&root, members);
    common::check_workspace(&root);
    common::cargo(&root, &["test", "--workspace", "--quiet"], &[]);
}
