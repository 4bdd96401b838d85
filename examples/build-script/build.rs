//! Generates the two clients this crate uses into OUT_DIR.

use generator::build::Build;

fn main() {
    let specs = [
        Build::new("../../spec/confluent-custom-connector-plugin.yaml").module("plugins"),
        Build::new("specs/environments.yaml").module("environments"),
        // Gated by tag: each tag's operations compile with this crate's feature of that
        // name (its Cargo.toml declares them; only `chat` is on by default).
        Build::new("../../generator/tests/fixtures/specs/tagged.yaml")
            .module("tagged")
            .tag_features(true),
    ];
    for spec in specs {
        if let Err(e) = spec.deny_warnings(true).generate() {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
