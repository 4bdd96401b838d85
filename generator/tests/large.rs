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
/// id as a plain string, its answer streamed, and a file upload. The crate is built and
/// this program run against it, as a user would: a model id converts from `&str`, a known
/// one reads back typed, any other is kept, and the unions convert from their members; a
/// recorded chat-completion event stream is read through the events method as typed chunks;
/// a file goes up as a typed multipart form. Slow (the whole crate is compiled), so it
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
    let settings =
        common::scratch_settings("large-openai", "openai.yaml").with_dev_dependencies(vec![(
            "tokio".into(),
            r#"{ version = "1", features = ["io-util", "macros", "net", "rt"] }"#.into(),
        )]);
    let generated = generator::generate(&text, &settings)
        .unwrap_or_else(|d| panic!("openai.yaml does not generate: {d:#?}"));
    let root = common::repo_root().join("target/large-crate");
    let _ = std::fs::remove_dir_all(root.join("openai"));
    common::write_crate(&root.join("openai"), &generated.files);
    std::fs::create_dir_all(root.join("openai/tests")).expect("creates the tests folder");
    let recording =
        common::repo_root().join("generator/tests/fixtures/streams/chat_completion.sse");
    let usage = USAGE.replace("RECORDING_PATH", &recording.to_string_lossy());
    std::fs::write(root.join("openai/tests/unions.rs"), usage).expect("writes the usage test");
    common::write_workspace(&root, ["openai".to_string()]);
    // Not incremental: the crate is built once, and its incremental cache would take a
    // gigabyte of disk for nothing.
    let out = common::cargo(
        &root,
        &["test", "--offline", "-q", "--test", "unions"],
        &[("CARGO_INCREMENTAL", "0")],
    );
    assert!(out.contains("test result: ok. 4 passed"), "{out}");
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

use large_openai::runtime::FilePart;
use large_openai::types::{CreateFileRequest, CreateFileRequestPurpose};
use large_openai::{Client, Credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RECORDED: &[u8] = include_bytes!("RECORDING_PATH");

/// A server on loopback that reads one request whole and sends `answer`; gives back what
/// it read.
async fn serve_once(answer: Vec<u8>) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a connection");
        let mut read = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            let n = socket.read(&mut buffer).await.expect("reads");
            read.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&read).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                if read.len() >= end + 4 + length || n == 0 {
                    break;
                }
            } else if n == 0 {
                break;
            }
        }
        socket.write_all(&answer).await.expect("answers");
        let _ = socket.shutdown().await;
        String::from_utf8_lossy(&read).into_owned()
    });
    (url, handle)
}

fn answer(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::bearer_token("sk-test"))
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn a_recorded_chat_completion_streams_as_typed_chunks() {
    let (url, server) = serve_once(answer("text/event-stream", RECORDED)).await;
    // `stream` is left unset: the events method asks for the stream itself.
    let request = CreateChatCompletionRequest::new(hello(), "gpt-4o-mini");
    let mut events = client(&url)
        .create_chat_completion_events(&request)
        .await
        .expect("the stream starts")
        .body;
    let (mut text, mut chunks, mut usage) = (String::new(), 0, None);
    while let Some(event) = events.next_event().await {
        let chunk = event.expect("every chunk decodes").data;
        chunks += 1;
        for choice in &chunk.choices {
            if let Some(Some(content)) = &choice.delta.content {
                text.push_str(content);
            }
        }
        if let Some(Some(u)) = chunk.usage {
            usage = Some(u.total_tokens);
        }
    }
    assert_eq!(text, "The quick brown fox jumps over the lazy dog — naïve café ☕.");
    assert_eq!(chunks, 17);
    assert_eq!(usage, Some(26));
    let sent = server.await.expect("the server ran");
    assert!(sent.contains("\"stream\":true"), "{sent}");
    assert!(sent.to_ascii_lowercase().contains("accept: text/event-stream"), "{sent}");
}

#[tokio::test]
async fn a_file_uploads_as_a_typed_form() {
    let stored = br#"{"id":"file-1","object":"file","bytes":12,"created_at":1,"filename":"data.jsonl","purpose":"batch","status":"uploaded"}"#;
    let (url, server) = serve_once(answer("application/json", stored)).await;
    let upload = CreateFileRequest::new(
        FilePart::bytes(&b"{\"a\":1}\n"[..]).file_name("data.jsonl"),
        CreateFileRequestPurpose::Batch,
    );
    let file = client(&url).create_file(&upload).await.expect("stored").body;
    assert_eq!(file.id, "file-1");
    let sent = server.await.expect("the server ran");
    assert!(sent.contains("multipart/form-data; boundary="), "{sent}");
    assert!(sent.contains("name=\"file\"; filename=\"data.jsonl\""), "{sent}");
    assert!(sent.contains("name=\"purpose\"\r\n\r\nbatch"), "{sent}");
}
"##;
