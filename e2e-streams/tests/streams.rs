//! Event streams and uploads of the generated client, end to end, against a scripted
//! server on loopback: a recorded chat-completion stream cut at every byte boundary, a log
//! stream cut halfway and resumed, an endless line, a stall, JSON Lines, and a multipart
//! upload read part by part by an independent parser (`multer`).

mod support;

use e2e_streams_client::runtime::{EventError, FilePart, StreamError};
use e2e_streams_client::{
    Client, CompletionChunk, CompletionRequest, Credentials, Error, FileUpload, FileUploadMetadata,
    FileUploadPurpose, LogEvent, MessageRequest, MessageRole, RetryPolicy,
};
use std::time::Duration;
use support::{chunk, finish, json, serve, start_chunked};

/// A chat-completion stream as the wire carries it: a comment, chunks of a completion in
/// the shape chat APIs send, a usage chunk, and the `[DONE]` sentinel.
const RECORDED: &[u8] =
    include_bytes!("../../generator/tests/fixtures/streams/chat_completion.sse");

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .credentials(Credentials::bearer_token("t-1"))
        .build()
        .expect("the client builds")
}

/// A completion request as a caller writes it: `stream` is left unset, since the events
/// method sets it.
fn completion_request() -> CompletionRequest {
    CompletionRequest::new(
        "gpt-test",
        vec![MessageRequest::new(MessageRole::User, "Say something.")],
    )
}

/// The text the chunks of a completion carry, joined, and how many chunks there were.
async fn read_completion(client: &Client) -> (String, usize) {
    let response = client
        .create_completion_events(&completion_request())
        .await
        .expect("the stream starts");
    let mut events = response.body;
    let (mut text, mut chunks) = (String::new(), 0);
    while let Some(event) = events.next_event().await {
        let event = event.expect("every event decodes");
        let chunk: CompletionChunk = event.data;
        chunks += 1;
        for choice in &chunk.choices {
            text.push_str(choice.delta.content.as_deref().unwrap_or_default());
        }
    }
    (text, chunks)
}

const EXPECTED: &str = "The quick brown fox jumps over the lazy dog — naïve café ☕.";

#[tokio::test]
async fn a_recorded_chat_stream_decodes_the_same_however_it_is_split() {
    // Connection n sends the recording in two chunks split at byte n, then one byte per
    // chunk: every byte boundary is a chunk boundary once.
    let server = serve(false, |n, request, mut socket| async move {
        assert_eq!(request.header("accept"), Some("text/event-stream"));
        start_chunked(&mut socket, 200, "text/event-stream").await;
        if n <= RECORDED.len() {
            let (a, b) = RECORDED.split_at(n);
            chunk(&mut socket, a).await;
            chunk(&mut socket, b).await;
        } else {
            for byte in RECORDED.chunks(1) {
                chunk(&mut socket, byte).await;
            }
        }
        finish(&mut socket).await;
    })
    .await;
    let client = client(&server.url);
    for split in 0..=RECORDED.len() + 1 {
        let (text, chunks) = read_completion(&client).await;
        assert_eq!(text, EXPECTED, "split at {split}");
        // A role chunk, 14 words, a stop chunk and a usage chunk; [DONE] ends the stream.
        assert_eq!(chunks, 17, "split at {split}");
    }
}

#[tokio::test]
async fn the_completion_request_asks_for_a_stream() {
    let server = serve(true, |_, _, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        chunk(&mut socket, RECORDED).await;
        finish(&mut socket).await;
    })
    .await;
    let (text, _) = read_completion(&client(&server.url)).await;
    assert_eq!(text, EXPECTED);
    let sent = &server.requests()[0];
    let body: serde_json::Value = serde_json::from_slice(&sent.body).expect("a JSON body");
    // The events method asked for the stream, though the caller's request did not.
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(sent.header("authorization"), Some("Bearer t-1"));
}

fn log_event(id: u32, text: &str) -> String {
    format!("id: {id}\ndata: {{\"type\":\"line\",\"text\":\"{text}\"}}\n\n")
}

#[tokio::test]
async fn a_dropped_log_stream_resumes_from_the_last_event_id() {
    let server = serve(false, |n, request, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        if n == 0 {
            assert_eq!(request.header("last-event-id"), None);
            let head = format!("retry: 5\n{}{}", log_event(1, "one"), log_event(2, "two"));
            chunk(&mut socket, head.as_bytes()).await;
            // Half an event, then the connection drops without ending the body.
            chunk(&mut socket, b"id: 3\ndata: {\"type\":\"li").await;
            drop(socket);
        } else {
            // The server starts again after the last event the client saw.
            assert_eq!(request.header("last-event-id"), Some("2"));
            let rest = format!(
                "{}id: 4\ndata: {{\"type\":\"finished\",\"status\":\"succeeded\"}}\n\n",
                log_event(3, "three")
            );
            chunk(&mut socket, rest.as_bytes()).await;
            finish(&mut socket).await;
        }
    })
    .await;
    let response = client(&server.url)
        .follow_job_log_events("j-1")
        .await
        .expect("the stream starts");
    let mut events = response.body;
    let mut seen = Vec::new();
    while let Some(event) = events.next_event().await {
        let event = event.expect("the stream resumes without an error");
        match event.data {
            LogEvent::Line(line) => {
                seen.push(format!("{}:{}", event.id.unwrap_or_default(), line.text))
            }
            LogEvent::Finished(done) => seen.push(format!("done:{:?}", done.status)),
            LogEvent::Unknown(other) => panic!("an unknown event: {other}"),
        }
    }
    assert_eq!(seen, ["1:one", "2:two", "3:three", "done:Known(Succeeded)"]);
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_dropped_completion_is_not_sent_again() {
    // A POST may have been acted on: the stream is not resumed, whatever the server says.
    let server = serve(false, |_, _, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        chunk(&mut socket, b"id: 1\nretry: 1\n").await;
        chunk(&mut socket, &RECORDED[..RECORDED.len() / 2]).await;
        drop(socket);
    })
    .await;
    let mut events = client(&server.url)
        .create_completion_events(&completion_request())
        .await
        .expect("the stream starts")
        .body;
    let mut outcome = None;
    while let Some(event) = events.next_event().await {
        if let Err(e) = event {
            outcome = Some(e);
        }
    }
    assert!(
        matches!(outcome, Some(EventError::Stream(StreamError::Transport(_)))),
        "{outcome:?}"
    );
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_resumed_stream_stops_when_the_retry_budget_is_spent() {
    // Every connection drops before its first event: reconnections count since the last
    // event, so the stream ends after the policy's attempts.
    let server = serve(false, |n, _, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        if n == 0 {
            chunk(&mut socket, log_event(1, "one").as_bytes()).await;
        }
        chunk(&mut socket, b"data: {\"type\":").await;
        drop(socket);
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(Duration::from_millis(1)),
        )
        .credentials(Credentials::bearer_token("t-1"))
        .build()
        .expect("the client builds");
    let mut events = client
        .follow_job_log_events("j-1")
        .await
        .expect("the stream starts")
        .body;
    assert!(matches!(events.next_event().await, Some(Ok(_))));
    assert!(matches!(
        events.next_event().await,
        Some(Err(EventError::Stream(_)))
    ));
    assert!(events.next_event().await.is_none());
    // The first connection and two reconnections.
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn an_endless_line_is_cut_at_the_event_limit() {
    let server = serve(false, |_, _, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        chunk(&mut socket, b"data: ").await;
        // No newline ever: the server sends until the client hangs up.
        let block = vec![b'x'; 16 * 1024];
        while chunk(&mut socket, &block).await {}
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .max_event_bytes(256 * 1024)
        .credentials(Credentials::bearer_token("t-1"))
        .build()
        .expect("the client builds");
    let mut events = client
        .follow_job_log_events("j-1")
        .await
        .expect("the stream starts")
        .body;
    assert!(matches!(
        events.next_event().await,
        Some(Err(EventError::TooLarge { limit: 262_144 }))
    ));
    assert!(events.next_event().await.is_none());
}

#[tokio::test]
async fn a_stalled_stream_ends_after_the_idle_timeout() {
    let server = serve(false, |_, _, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        chunk(&mut socket, b"data: {\"type\":\"line\",\"text\":\"a\"}\n\n").await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .stream_idle_timeout(Duration::from_millis(200))
        .credentials(Credentials::bearer_token("t-1"))
        .build()
        .expect("the client builds");
    let mut events = client
        .follow_job_log_events("j-1")
        .await
        .expect("the stream starts")
        .body;
    assert!(matches!(events.next_event().await, Some(Ok(_))));
    // No event id was given, so the stream cannot resume.
    assert!(matches!(
        events.next_event().await,
        Some(Err(EventError::Stream(StreamError::Idle(_))))
    ));
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_named_and_the_stream_goes_on() {
    let server = serve(false, |_, _, mut socket| async move {
        start_chunked(&mut socket, 200, "text/event-stream").await;
        chunk(
            &mut socket,
            b"event: log\nid: 9\ndata: {\"type\":\"finished\",\"status\":7}\n\n\
              data: {\"type\":\"line\",\"text\":\"after\"}\n\n",
        )
        .await;
        finish(&mut socket).await;
    })
    .await;
    let mut events = client(&server.url)
        .follow_job_log_events("j-1")
        .await
        .expect("the stream starts")
        .body;
    match events.next_event().await {
        Some(Err(EventError::Decode {
            event, id, path, ..
        })) => {
            assert_eq!(event.as_deref(), Some("log"));
            assert_eq!(id.as_deref(), Some("9"));
            assert_eq!(path, "status");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    match events.next_event().await {
        Some(Ok(event)) => {
            assert!(matches!(event.data, LogEvent::Line(ref l) if l.text == "after"))
        }
        other => panic!("expected the next event, got {other:?}"),
    }
    assert!(events.next_event().await.is_none());
}

#[tokio::test]
async fn an_error_status_is_an_api_error_before_any_event() {
    let server = serve(false, |_, _, mut socket| async move {
        json(&mut socket, 404, r#"{"message":"no such job"}"#).await;
    })
    .await;
    match client(&server.url).follow_job_log_events("j-1").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 404);
            assert_eq!(
                e.body.as_ref().map(|p| p.message.as_str()),
                Some("no such job")
            );
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn json_lines_come_as_typed_records() {
    let server = serve(false, |_, request, mut socket| async move {
        assert_eq!(request.header("accept"), Some("application/x-ndjson"));
        start_chunked(&mut socket, 200, "application/x-ndjson").await;
        chunk(&mut socket, b"{\"id\":1,\"name\":\"a\"}\r\n\n{\"id\":2,").await;
        chunk(&mut socket, b"\"name\":\"b\"}\n{\"id\":3,\"name\":\"c\"}").await;
        finish(&mut socket).await;
    })
    .await;
    let mut records = client(&server.url)
        .read_export_events("e-1")
        .await
        .expect("the stream starts")
        .body;
    let mut names = Vec::new();
    while let Some(record) = records.next_event().await {
        names.push(record.expect("every line decodes").data.name);
    }
    assert_eq!(names, ["a", "b", "c"]);
}

/// One part of a multipart body, as an independent parser reads it.
#[derive(Debug, PartialEq)]
struct ReadPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    /// The part's headers other than its content disposition and type.
    extra: Vec<(String, String)>,
    data: Vec<u8>,
}

async fn read_parts(request: &support::Request) -> Vec<ReadPart> {
    let content_type = request.header("content-type").expect("a content type");
    let boundary = multer::parse_boundary(content_type).expect("a multipart boundary");
    let body = e2e_streams_client::runtime::bytes::Bytes::from(request.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed body") {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let extra = field
            .headers()
            .iter()
            .filter(|(n, _)| *n != "content-disposition" && *n != "content-type")
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let data = field.bytes().await.expect("a part's bytes").to_vec();
        parts.push(ReadPart {
            name,
            file_name,
            content_type,
            extra,
            data,
        });
    }
    parts
}

fn part(name: &str, file: Option<&str>, content_type: Option<&str>, data: &[u8]) -> ReadPart {
    ReadPart {
        name: name.into(),
        file_name: file.map(str::to_string),
        content_type: content_type.map(str::to_string),
        extra: Vec::new(),
        data: data.to_vec(),
    }
}

#[tokio::test]
async fn an_upload_arrives_part_by_part() {
    let server = serve(true, |_, _, mut socket| async move {
        json(
            &mut socket,
            201,
            r#"{"id":"file-1","bytes":5,"filename":"photo.png"}"#,
        )
        .await;
    })
    .await;
    let dir = std::env::temp_dir().join(format!("e2e-streams-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let on_disk = dir.join("notes.txt");
    std::fs::write(&on_disk, b"read from disk").expect("a file on disk");
    let streamed = futures_util::stream::iter(vec![
        Ok(e2e_streams_client::runtime::bytes::Bytes::from_static(
            b"stre",
        )),
        Ok(e2e_streams_client::runtime::bytes::Bytes::from_static(
            b"amed",
        )),
    ]);
    let upload = FileUpload::new(
        FilePart::bytes(&b"\x89PNG\x00"[..])
            .file_name("photo.png")
            .content_type("image/png"),
        FileUploadPurpose::Vision,
    )
    .with_tags(vec!["a".to_string(), "b".to_string()])
    .with_metadata(FileUploadMetadata::new().with_source("camera"))
    .with_notes("# Notes")
    .with_attachments(vec![
        FilePart::path(&on_disk),
        FilePart::stream(streamed, Some(8)).file_name("s.bin"),
    ]);
    let stored = client(&server.url)
        .upload_file(&upload)
        .await
        .expect("the upload is stored");
    assert_eq!(stored.status, 201);
    assert_eq!(stored.body.id, "file-1");
    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    let parts = read_parts(request).await;
    assert_eq!(
        parts,
        [
            part("file", Some("photo.png"), Some("image/png"), b"\x89PNG\x00"),
            part("purpose", None, None, b"vision"),
            // An array is one part per item.
            part("tags", None, None, b"a"),
            part("tags", None, None, b"b"),
            // The encoding object says JSON for `metadata`, and markdown for `notes`, with a
            // header of a fixed value.
            part(
                "metadata",
                None,
                Some("application/json"),
                br#"{"source":"camera"}"#
            ),
            ReadPart {
                extra: vec![("x-markdown-flavor".into(), "commonmark".into())],
                ..part("notes", None, Some("text/markdown"), b"# Notes")
            },
            part(
                "attachments",
                Some("notes.txt"),
                Some("application/octet-stream"),
                b"read from disk"
            ),
            part(
                "attachments",
                Some("s.bin"),
                Some("application/octet-stream"),
                b"streamed"
            ),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_invalid_upload_is_refused_before_anything_is_sent() {
    let server = serve(true, |_, _, mut socket| async move {
        json(&mut socket, 201, "{}").await;
    })
    .await;
    let client = client(&server.url);
    let too_many_tags = FileUpload::new(FilePart::bytes(&b"x"[..]), FileUploadPurpose::Batch)
        .with_tags(vec!["1".into(), "2".into(), "3".into(), "4".into()]);
    assert!(matches!(
        client.upload_file(&too_many_tags).await,
        Err(Error::Validation(_))
    ));
    let missing = FileUpload::new(
        FilePart::path("/nonexistent/openapi-rust-gen/upload.bin"),
        FileUploadPurpose::Batch,
    );
    match client.upload_file(&missing).await {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("cannot be opened"), "{message}");
        }
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert_eq!(server.connections(), 0);
}
