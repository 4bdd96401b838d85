//! The large public document in `../shared/large` (OpenAI's, 3 MB) generates as published:
//! its 20-digit bounds are read, every diagnostic is a warning, and none is internal.
//! Compiling its crate is left to the bench, where its cost is measured.

mod common;

#[test]
fn the_large_public_document_generates_as_published() {
    let path = common::repo_root().join("../shared/large/openai.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is not present", path.display());
        return;
    };
    let settings = common::scratch_settings("large-openai", "openai.yaml");
    let generated = generator::generate(&text, &settings)
        .unwrap_or_else(|d| panic!("openai.yaml does not generate: {d:#?}"));
    common::assert_no_internal("openai.yaml", &generated.warnings);
    let client = generated
        .files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    assert!(
        client.contains("pub async fn create_chat_completion("),
        "the chat completion operation is there"
    );
    println!(
        "openai.yaml: {} files, {} warnings",
        generated.files.len(),
        generated.warnings.len()
    );
}
