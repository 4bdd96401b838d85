//! Inputs the fuzzer (`cargo xtask fuzz`) found that once made the generator panic, stall
//! or fail internally. Each must now end in files or diagnostics, none of them internal.

mod common;

use std::path::Path;

#[test]
fn saved_fuzz_findings_no_longer_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the findings folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("reads");
        let settings = generator::Settings::new("finding", "finding.yaml");
        let outcome = std::panic::catch_unwind(|| generator::generate(&text, &settings));
        match outcome {
            Ok(Ok(generated)) => {
                common::assert_no_internal(&file.display().to_string(), &generated.warnings)
            }
            Ok(Err(diagnostics)) => {
                assert!(
                    !diagnostics.is_empty(),
                    "{}: rejected without a reason",
                    file.display()
                );
                common::assert_no_internal(&file.display().to_string(), &diagnostics);
            }
            Err(_) => panic!("{} panics again", file.display()),
        }
    }
}
