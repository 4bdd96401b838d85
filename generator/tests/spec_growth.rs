//! Code written against a generated crate keeps compiling when the spec adds an optional
//! property to a request type and an optional parameter to an operation: requests are
//! built with `new` and `with_` methods, parameters with `Default` and `with_` methods.

mod common;

/// A caller of the client generated from the e2e fixture.
const CALLER: &str = r#"
use growth_client::*;

pub fn request() -> CustomConnectorPluginRequest {
    CustomConnectorPluginRequest::new("Datagen", "io.confluent.Datagen", CustomConnectorPluginConnectorType::Source)
        .with_documentation_link("https://example.com/datagen")
        .with_sensitive_config_properties(vec!["password".to_string()])
}

pub fn params() -> ListConnectV1CustomConnectorPluginsParams {
    ListConnectV1CustomConnectorPluginsParams::default()
        .with_page_size(10)
        .with_page_token("t")
}
"#;

fn check(root: &std::path::Path) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    std::process::Command::new(cargo)
        .current_dir(root)
        .args(["check", "--workspace", "--quiet"])
        .env(
            "CARGO_TARGET_DIR",
            common::repo_root().join("target/scratch"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn optional_additions_to_the_spec_break_no_caller() {
    let root = common::repo_root().join("target/spec-growth");
    let _ = std::fs::remove_dir_all(&root);
    let spec = std::fs::read_to_string(
        common::repo_root().join("generator/tests/fixtures/e2e/create_plugin.yaml"),
    )
    .expect("the fixture reads");
    // The same spec, grown: an optional property of the request body's schema and an
    // optional query parameter.
    let grown = spec
        .replace(
            "      required: [display_name, connector_class, connector_type]\n      properties:\n",
            "      required: [display_name, connector_class, connector_type]\n      properties:\n        labels: {type: array, items: {type: string}}\n",
        )
        .replace(
            "        - name: X-Trace\n",
            "        - name: region\n          in: query\n          schema: {type: string}\n        - name: X-Trace\n",
        );
    assert_ne!(
        grown, spec,
        "the fixture still has the places the test grows"
    );

    let generate = |text: &str| {
        let settings = common::scratch_settings("growth-client", "create_plugin.yaml");
        let generated = generator::generate(text, &settings).expect("the fixture generates");
        common::write_crate(&root.join("client"), &generated.files);
        generated.files
    };
    generate(&spec);
    std::fs::create_dir_all(root.join("caller/src")).expect("makes the caller");
    std::fs::write(
        root.join("caller/Cargo.toml"),
        "[package]\nname = \"caller\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ngrowth-client = { path = \"../client\" }\n",
    )
    .expect("writes the caller's manifest");
    std::fs::write(root.join("caller/src/lib.rs"), CALLER).expect("writes the caller");
    common::write_workspace(&root, ["client".to_string(), "caller".to_string()]);
    let before = check(&root);
    assert!(
        before.status.success(),
        "{}",
        String::from_utf8_lossy(&before.stderr)
    );

    let files = generate(&grown);
    let types = files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    assert!(
        types.contains("pub fn with_labels("),
        "the property was added"
    );
    let after = check(&root);
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
}
