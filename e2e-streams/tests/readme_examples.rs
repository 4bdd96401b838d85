//! The README's event-stream and upload examples, compiled as written (they need a server
//! to run; `streams.rs` runs the same calls against one).

#![allow(dead_code)]

use e2e_streams_client::runtime::FilePart;
use e2e_streams_client::{
    Client, CompletionRequest, FileUpload, FileUploadMetadata, FileUploadPurpose, MessageRequest,
    MessageRole,
};

async fn stream_a_completion(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    let request = CompletionRequest::new(
        "gpt-test",
        vec![MessageRequest::new(MessageRole::User, "Say something.")],
    ); // `create_completion_events` sets `stream: true` itself
    let mut events = client.create_completion_events(&request).await?.body;
    while let Some(event) = events.next_event().await {
        for choice in event?.data.choices {
            print!("{}", choice.delta.content.unwrap_or_default());
        }
    }
    Ok(())
}

async fn upload_a_file(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    let upload = FileUpload::new(FilePart::path("report.pdf"), FileUploadPurpose::Assistants)
        .with_tags(vec!["q3".to_string()])
        .with_metadata(FileUploadMetadata::new().with_source("crm"))
        .with_attachments(vec![FilePart::bytes(b"a,b\n1,2\n".to_vec())
            .file_name("data.csv")
            .content_type("text/csv")]);
    let stored = client.upload_file(&upload).await?.body;
    let _ = stored;
    Ok(())
}

#[test]
fn the_examples_compile() {}
