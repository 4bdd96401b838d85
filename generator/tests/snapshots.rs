//! Snapshots of the generated code for the seed spec and for one fixture per construct.

mod common;

/// One snapshot per fixture, each failing on its own. The client's fixed part (its
/// builder, constructors and accessors) is left out: the seed's snapshot shows it.
#[test]
fn fixture_output_matches_snapshots() {
    insta::glob!("fixtures/specs/*.{yaml,json}", |path| {
        let text = std::fs::read_to_string(path).expect("the fixture reads");
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let code = common::spec_dependent_code(&common::generate(&name, &text));
        insta::assert_snapshot!(common::without_client_preamble(&code));
    });
}

#[test]
fn seed_output_matches_snapshot() {
    let code = common::spec_dependent_code(&common::generate("seed", &common::seed_spec()));
    insta::assert_snapshot!("seed", code);
}

/// The paging fixture, one list operation for each way of paging (its client is checked
/// in as `e2e-paging/`, whose tests run it against a server).
#[test]
fn paging_output_matches_snapshot() {
    let path = common::repo_root().join("generator/tests/fixtures/e2e/paging.yaml");
    let text = std::fs::read_to_string(path).expect("the paging fixture reads");
    let code = common::spec_dependent_code(&common::generate("paging", &text));
    insta::assert_snapshot!("paging", common::without_client_preamble(&code));
}

/// The streams fixture: event streams beside JSON, JSON Lines, and a multipart upload
/// (its client is checked in as `e2e-streams/`).
#[test]
fn streams_output_matches_snapshot() {
    let text = common::read_repo_file("generator/tests/fixtures/e2e/streams.yaml");
    let code = common::spec_dependent_code(&common::generate("streams", &text));
    insta::assert_snapshot!("streams", common::without_client_preamble(&code));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let mut specs = common::fixtures();
    specs.push(("seed".into(), common::seed_spec()));
    for (name, text) in specs {
        let first = common::generate(&name, &text);
        let second = common::generate(&name, &text);
        assert_eq!(
            first, second,
            "{name} generated differently on a second run"
        );
    }
}

/// The seed's descriptions carry markup for Confluent's documentation site: an MDX
/// component and lifecycle badges. None of it reaches rustdoc.
#[test]
fn seed_docs_carry_no_site_markup() {
    let seed = common::seed_spec();
    assert!(seed.contains("<SchemaDefinition") && seed.contains("img.shields.io"));
    for file in common::generate("seed", &seed) {
        for mark in ["SchemaDefinition", "img.shields.io", "#section/"] {
            assert!(!file.contents.contains(mark), "{} holds {mark}", file.path);
        }
    }
}

/// Typed formats by default; `string_formats` keeps them as the server's text.
#[test]
fn string_formats_keep_dates_as_strings() {
    let seed = common::seed_spec();
    let types = |settings: &generator::Settings| {
        let generated = generator::generate(&seed, settings).expect("the seed generates");
        generated
            .files
            .into_iter()
            .find(|f| f.path == "src/types.rs")
            .map(|f| f.contents)
            .unwrap_or_default()
    };
    let settings = generator::Settings::new("seed", "seed.yaml");
    let typed = types(&settings);
    assert!(
        typed.contains("chrono::DateTime<super::runtime::chrono::FixedOffset>"),
        "{typed}"
    );
    let settings = settings.with_string_formats(true);
    let strings = types(&settings);
    assert!(!strings.contains("chrono"), "{strings}");
    assert!(
        strings.contains("pub created_at: Option<String>,"),
        "{strings}"
    );
}
