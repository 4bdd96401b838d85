//! Broken specs get diagnostics a person can act on: one fixture per kind of problem under
//! `tests/fixtures/diagnostics`, with its rendered report as a snapshot. Inputs that are
//! easier to build than to store (binary, deeply nested) are made here.

mod common;

use generator::diagnostics::{render_report, Diagnostic, Severity, Source};
use generator::Settings;
use std::path::Path;

fn diagnose(name: &str, text: &str) -> (Vec<Diagnostic>, String) {
    let diagnostics = match generator::generate(text, &Settings::new("fixture", name)) {
        Ok(generated) => generated.warnings,
        Err(diagnostics) => diagnostics,
    };
    let report = render_report(&diagnostics, Source { name, text }, &[]);
    (diagnostics, report)
}

/// One snapshot per fixture, each failing on its own.
#[test]
fn every_broken_fixture_has_a_located_diagnostic_and_a_stable_report() {
    let mut seen = 0;
    insta::glob!("fixtures/diagnostics/*.yaml", |path| {
        seen += 1;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("reads");
        let (diagnostics, report) = diagnose(&name, &text);
        assert!(!diagnostics.is_empty(), "{name} produced no diagnostic");
        common::assert_no_internal(&name, &diagnostics);
        for d in &diagnostics {
            let empty_document = text.trim().is_empty();
            assert!(
                d.position.is_some() || empty_document,
                "{name}: no position for {d:?}"
            );
        }
        insta::assert_snapshot!(report);
    });
    assert!(seen >= 15, "only {seen} fixtures");
}

#[test]
fn warnings_alone_do_not_fail_a_run() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/diagnostics/invalid_pattern.yaml"),
    )
    .expect("reads");
    let generated = generator::generate(&text, &Settings::new("fixture", "invalid_pattern.yaml"))
        .expect("generates");
    assert_eq!(generated.warnings.len(), 2);
    assert!(generated
        .warnings
        .iter()
        .all(|w| w.severity == Severity::Warning));
}

#[test]
fn binary_input_is_an_error_not_a_crash() {
    let text = "\u{0}\u{1}PK\u{3}\u{4}\u{14}\u{0}\u{8}\u{0}binary\u{7f}";
    let (diagnostics, report) = diagnose("archive.zip", text);
    assert_eq!(diagnostics.len(), 1);
    assert!(
        report.contains("error: the document is not valid YAML or JSON"),
        "{report}"
    );
}

#[test]
fn nesting_deeper_than_the_parser_allows_is_an_error() {
    let depth = 10_000;
    let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let (diagnostics, report) = diagnose("deep.yaml", &text);
    assert_eq!(diagnostics.len(), 1, "{report}");
    assert!(report.contains("recursion limit exceeded"), "{report}");
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}1{}\n",
        "{a: ".repeat(depth),
        "}".repeat(depth)
    );
    let (diagnostics, _) = diagnose("deep-map.yaml", &text);
    assert_eq!(diagnostics[0].severity, Severity::Error);
}

/// As deep as the YAML reader allows (each level is two YAML levels: `properties` and the
/// name), on a test thread's small stack, in a debug build.
#[test]
fn the_deepest_nesting_the_reader_allows_generates_without_overflowing() {
    let mut schema = String::from("{type: string}");
    for i in 0..58 {
        schema = format!("{{type: object, properties: {{l{i}: {schema}}}}}");
    }
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {schema}\n"
    );
    let outcome = generator::generate(&text, &Settings::new("deep", "deep.yaml"));
    match outcome {
        Ok(g) => assert!(g.files.iter().any(|f| f.path == "src/types.rs")),
        Err(d) => assert!(d.iter().all(|d| d.severity == Severity::Error), "{d:#?}"),
    }
}
