//! Generates the two clients this crate uses into OUT_DIR.

use generator::build::Build;

fn main() {
    let specs = [
        Build::new("../../spec/confluent-custom-connector-plugin.yaml").module("plugins"),
        Build::new("specs/environments.yaml").module("environments"),
    ];
    for spec in specs {
        if let Err(e) = spec.deny_warnings(true).generate() {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
