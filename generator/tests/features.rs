//! Cargo features that gate a crate by the spec's tags: the features a fixture gets, the
//! gates of its operations and types, and the crate built with one feature, with each, with
//! none and with all, warnings denied.

mod common;

use generator::model::Api;

fn tagged() -> String {
    common::read_repo_file("generator/tests/fixtures/specs/tagged.yaml")
}

fn gated_model() -> Api {
    match generator::resolve_model(&tagged()) {
        Ok((api, _)) => api.with_tag_features(),
        Err(d) => panic!("{d:#?}"),
    }
}

/// The feature names that gate the type called `name`; `None` when it is always there.
fn type_gate(api: &Api, name: &str) -> Option<Vec<String>> {
    let gates = api.features.as_ref().expect("gated");
    let id = api
        .types
        .iter()
        .position(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name}"));
    gates.types[id].as_ref().map(|features| {
        features
            .iter()
            .map(|&f| gates.features[f].name.clone())
            .collect()
    })
}

#[test]
fn each_tag_is_a_feature_and_each_type_is_gated_by_the_tags_that_need_it() {
    let api = gated_model();
    let gates = api.features.as_ref().expect("gated");
    let names: Vec<(&str, usize)> = gates
        .features
        .iter()
        .map(|f| (f.name.as_str(), f.operations))
        .collect();
    assert_eq!(
        names,
        [
            ("chat", 2),
            ("files", 3),
            ("fine-tuning", 1),
            ("untagged", 1)
        ]
    );
    let chat = |s: &[&str]| Some(s.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    assert_eq!(type_gate(&api, "ChatRequest"), chat(&["chat"]));
    // Shared by two tags (and by an operation under both).
    assert_eq!(type_gate(&api, "Usage"), chat(&["chat", "files"]));
    assert_eq!(type_gate(&api, "Job"), chat(&["fine-tuning"]));
    // A request view converts from its response view, so the two go together.
    assert_eq!(type_gate(&api, "NoteRequest"), chat(&["files"]));
    assert_eq!(type_gate(&api, "Note"), chat(&["files"]));
    let op = |id: &str| {
        let i = api
            .operations
            .iter()
            .position(|o| o.operation_id == id)
            .expect("the operation");
        gates.operations[i].clone()
    };
    assert_eq!(op("getUsage"), [0, 1]);
    assert_eq!(op("health"), [3]);
}

#[test]
fn a_gated_crate_builds_with_any_set_of_its_features() {
    let settings =
        common::scratch_settings("tagged-features", "tagged.yaml").with_tag_features(true);
    let generated = generator::generate(&tagged(), &settings)
        .unwrap_or_else(|d| panic!("tagged.yaml does not generate: {d:#?}"));
    let file = |path: &str| {
        generated
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.contents.clone())
            .unwrap_or_default()
    };
    let manifest = file("Cargo.toml");
    assert!(
        manifest.contains(
            "[features]\ndefault = [\"full\"]\nfull = [\"chat\", \"files\", \"fine-tuning\", \"untagged\"]\nchat = []\n"
        ),
        "{manifest}"
    );
    // The crate docs list the features.
    let lib = file("src/lib.rs");
    assert!(lib.contains("//! # Cargo features"), "{lib}");
    assert!(
        lib.contains("//! - `fine-tuning`: the operations tagged `Fine Tuning` (1 operation)"),
        "{lib}"
    );
    assert!(lib.contains("//! - `untagged`: the operations without a tag (1 operation)"));
    // The method is gated by its tag's feature: the attribute comes right before its docs.
    let client = file("src/client.rs");
    let method = client.find("pub async fn list_jobs(").expect("the method");
    let gate = client[..method]
        .rfind("#[cfg(")
        .expect("a gate before the method");
    assert!(
        client[gate..method].starts_with("#[cfg(feature = \"fine-tuning\")]\n    ///")
            && !client[gate..method].contains("fn "),
        "{}",
        &client[gate..method]
    );
    let root = common::repo_root().join("target/features-crate");
    let _ = std::fs::remove_dir_all(root.join("tagged"));
    common::write_crate(&root.join("tagged"), &generated.files);
    common::write_workspace(&root, ["tagged".to_string()]);
    let lint = |features: &[&str]| {
        let mut args = vec!["clippy", "--offline", "-q", "--all-targets"];
        let list = features.join(",");
        if !features.contains(&"full") {
            args.push("--no-default-features");
            if !features.is_empty() {
                args.extend(["--features", list.as_str()]);
            }
        }
        args.extend(["--", "-D", "warnings"]);
        common::cargo(&root, &args, &[]);
    };
    for features in [
        &["full"][..],
        &[],
        &["chat"],
        &["files"],
        &["fine-tuning"],
        &["untagged"],
        &["chat", "fine-tuning"],
    ] {
        lint(features);
    }
}
