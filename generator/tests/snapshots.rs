//! Snapshots of the generated code for the seed spec and for one fixture per construct.

mod common;

#[test]
fn fixture_output_matches_snapshots() {
    for (name, text) in common::fixtures() {
        let code = common::spec_dependent_code(&common::generate(&name, &text));
        insta::assert_snapshot!(name.as_str(), code);
    }
}

#[test]
fn seed_output_matches_snapshot() {
    let code = common::spec_dependent_code(&common::generate("seed", &common::seed_spec()));
    insta::assert_snapshot!("seed", code);
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
