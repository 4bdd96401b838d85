//! Specs made of several files: a root document and the files it refers to, in nested
//! folders, with references in both directions, a cycle across files and pointers into
//! nested nodes of other files.

mod common;

use generator::diagnostics::Severity;
use generator::ReferencePolicy;

#[test]
fn a_multi_file_spec_generates_reading_each_file_once() {
    let (dir, text) = common::multi_file_fixture("multi");
    let files = common::FolderFiles::new(dir);
    let input = generator::Input {
        files: Some(&files),
        ..generator::Input::text("multi/openapi.yaml", &text)
    };
    let generated = generator::generate_input(
        &input,
        &generator::Settings::new("fixture-multi", "multi/openapi.yaml"),
    )
    .expect("generates");
    common::assert_no_internal("multi", &generated.warnings);
    let mut reads = files.reads.lock().expect("not poisoned").clone();
    let count = reads.len();
    reads.sort();
    reads.dedup();
    assert_eq!(count, reads.len(), "a file was read twice: {reads:?}");
    assert_eq!(
        reads,
        vec![
            "docs/about.md",
            "docs/vaccination.md",
            "docs/vaccine-example.json",
            "paths/pet.yaml",
            "paths/pets.yaml",
            "responses.yaml",
            "schemas/common/vaccination.json",
            "schemas/owner.yaml",
            "schemas/pet.yaml",
        ]
    );
    // Descriptions and an example given by reference are resolved, with a warning where
    // each is written: in the root document, and in a schema file only references reach.
    let warnings: Vec<(Option<&str>, Option<u32>, &str)> = generated
        .warnings
        .iter()
        .map(|d| {
            (
                d.file.as_deref(),
                d.position.map(|p| p.line),
                d.pointer.as_str(),
            )
        })
        .collect();
    let schema_file = Some("multi/schemas/common/vaccination.json");
    assert_eq!(
        warnings,
        vec![
            (None, Some(9), "/info/description/$ref"),
            (None, Some(15), "/tags/0/description/$ref"),
            (schema_file, Some(3), "/description/$ref"),
            (schema_file, Some(5), "/properties/vaccine/example/$ref"),
        ]
    );
    let code = common::spec_dependent_code(&generated.files);
    insta::assert_snapshot!("multi", common::without_client_preamble(&code));
    let lib = generated
        .files
        .iter()
        .find(|f| f.path == "src/lib.rs")
        .expect("a lib.rs");
    assert!(
        lib.contents.contains("//! Sells cats and dogs."),
        "{}",
        lib.contents
    );
    assert!(code.contains("/// A vaccine given to a pet.\n"), "{code}");
}

#[test]
fn a_reference_outside_the_folder_is_refused_unless_allowed() {
    let refused = common::generate_multi_file("multi_outside", ReferencePolicy::default())
        .expect_err("refused");
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert!(
        refused[0].message.contains("leaves the folder"),
        "{}",
        refused[0].message
    );
    assert_eq!(refused[0].position.map(|p| p.line), Some(12));
    let allowed = common::generate_multi_file(
        "multi_outside",
        ReferencePolicy {
            allow_outside_folder: true,
        },
    )
    .expect("generates when allowed");
    assert!(common::spec_dependent_code(&allowed.files).contains("pub struct Pet"));
}

#[test]
fn problems_inside_referenced_files_are_shown_in_those_files() {
    let diagnostics = common::generate_multi_file("multi_broken", ReferencePolicy::default())
        .expect_err("refused");
    common::assert_no_internal("multi_broken", &diagnostics);
    let error = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error && d.pointer.ends_with("maxLength"))
        .expect("the bad keyword is reported");
    assert_eq!(
        error.file.as_deref(),
        Some("multi_broken/schemas/thing.yaml")
    );
    assert_eq!(error.pointer, "/properties/name/maxLength");
    assert_eq!(error.position.map(|p| p.line), Some(5));
    assert_eq!(error.source_line.as_deref(), Some("    maxLength: -1"));
    let missing = diagnostics
        .iter()
        .find(|d| d.message.contains("missing.yaml"))
        .expect("the missing file is reported");
    assert_eq!(missing.severity, Severity::Error);
    assert_eq!(
        missing.file.as_deref(),
        Some("multi_broken/schemas/thing.yaml")
    );
    assert_eq!(missing.position.map(|p| p.line), Some(7));
}

#[test]
fn a_spec_given_as_text_cannot_read_other_files() {
    let (_, text) = common::multi_file_fixture("multi");
    let refused = generator::generate(
        &text,
        &generator::Settings::new("fixture-multi", "openapi.yaml"),
    )
    .expect_err("refused");
    assert!(refused
        .iter()
        .any(|d| d.message.contains("given as one text")));
}

#[test]
fn properties_given_by_reference_and_bounds_beyond_64_bits_generate_with_warnings() {
    let generated = common::generate_multi_file("multi_properties_ref", ReferencePolicy::default())
        .expect("generates");
    common::assert_no_internal("multi_properties_ref", &generated.warnings);
    let warnings: Vec<(&str, &str)> = generated
        .warnings
        .iter()
        .map(|d| (d.pointer.as_str(), d.message.as_str()))
        .collect();
    assert!(
        warnings.iter().any(
            |(at, message)| *at == "/components/schemas/Order/properties/$ref"
                && message.contains("resolved as bundlers do")
        ),
        "{warnings:?}"
    );
    for (at, bound) in [
        (
            "/components/schemas/Sampling/properties/count/maximum",
            "100000000000000000000",
        ),
        (
            "/components/schemas/Sampling/properties/ratio/minimum",
            "0.5",
        ),
    ] {
        assert!(
            warnings.iter().any(|(p, message)| *p == at
                && message.contains(bound)
                && message.contains("not checked")),
            "{at}: {warnings:?}"
        );
    }
    // The bounds at the 64-bit limits are the limits, and say nothing.
    assert!(
        !warnings
            .iter()
            .any(|(p, _)| p.ends_with("seed/minimum") || p.ends_with("seed/maximum")),
        "{warnings:?}"
    );
    let types = generated
        .files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    // The map's properties, not one named `$ref`.
    for field in [
        "pub id: String",
        "pub quantity: Option<i64>",
        "pub sampling: Option<",
    ] {
        assert!(types.contains(field), "{field} missing:\n{types}");
    }
}
