//! The large public document in `../shared/large` (OpenAI's, 3 MB) generates as published:
//! its 20-digit bounds are read, every diagnostic is a warning, and none is internal.
//! Compiling its crate is slow: it is done once, to run what a user writes against it
//! (with `LARGE_COMPILE` set), and measured by the bench.

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

/// What a user of the large document writes most: a chat completion request with a model
/// id as a plain string. The crate is built and this program run against it, as a user
/// would: a model id converts from `&str`, a known one reads back typed, any other is kept,
/// and the unions convert from their members. Slow (the whole crate is compiled), so it
/// runs only when `LARGE_COMPILE` is set; CI sets it.
#[test]
fn the_large_client_takes_a_model_id_as_a_string() {
    if std::env::var_os("LARGE_COMPILE").is_none() {
        println!("skipped: set LARGE_COMPILE=1 to compile the large client");
        return;
    }
    let path = common::repo_root().join("../shared/large/openai.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is not present", path.display());
        return;
    };
    let settings = common::scratch_settings("large-openai", "openai.yaml");
    let generated = generator::generate(&text, &settings)
        .unwrap_or_else(|d| panic!("openai.yaml does not generate: {d:#?}"));
    let root = common::repo_root().join("target/large-crate");
    let _ = std::fs::remove_dir_all(root.join("openai"));
    common::write_crate(&root.join("openai"), &generated.files);
    std::fs::create_dir_all(root.join("openai/tests")).expect("creates the tests folder");
    std::fs::write(root.join("openai/tests/unions.rs"), USAGE).expect("writes the usage test");
    common::write_workspace(&root, ["openai".to_string()]);
    // Not incremental: the crate is built once, and its incremental cache would take a
    // gigabyte of disk for nothing.
    let out = common::cargo(
        &root,
        &["test", "--offline", "-q", "--test", "unions"],
        &[("CARGO_INCREMENTAL", "0")],
    );
    assert!(out.contains("test result: ok. 2 passed"), "{out}");
}

/// Written as a user would, against the generated crate's public API.
const USAGE: &str = r##"
use large_openai::types::{
    ChatCompletionRequestMessage, ChatCompletionRequestUserMessage, CreateChatCompletionRequest,
    ModelIdsShared, ModelIdsSharedKnown,
};
use large_openai::Open;

fn hello() -> Vec<ChatCompletionRequestMessage> {
    let user = ChatCompletionRequestUserMessage::new("Hello");
    vec![ChatCompletionRequestMessage::from(user)]
}

#[test]
fn a_model_id_is_a_string_and_a_known_one_reads_back_typed() {
    let request = CreateChatCompletionRequest::new(hello(), "gpt-4o");
    assert_eq!(request.model, Open::Known(ModelIdsSharedKnown::Gpt4o));
    let json = serde_json::to_value(&request).expect("serializes");
    assert_eq!(json["model"], "gpt-4o");
    assert_eq!(json["messages"][0]["role"], "user");
    let back: CreateChatCompletionRequest = serde_json::from_value(json).expect("reads back");
    assert_eq!(back.model, ModelIdsSharedKnown::Gpt4o);
}

#[test]
fn a_model_id_this_client_does_not_know_is_kept() {
    let model: ModelIdsShared = "ft:gpt-4o:acme:1".into();
    assert_eq!(model.unknown(), Some("ft:gpt-4o:acme:1"));
    let request = CreateChatCompletionRequest::new(hello(), model);
    let json = serde_json::to_string(&request).expect("serializes");
    assert!(json.contains(r#""model":"ft:gpt-4o:acme:1""#), "{json}");
}
"##;
