//! Reading a stream of server-sent events: the runtime's parser and each event's decode,
//! against a plain `serde_json` decode of the same payloads already split out.

use crate::bench_measure::{Row, Spread};
use crate::Failure;
use openapi_rust_gen_runtime::bytes::Bytes;
use openapi_rust_gen_runtime::{__private, EventStream, SseParser};
use std::time::Instant;

/// A recorded chat-completion stream (17 chunks), repeated to this many copies for one
/// run, then `[DONE]`.
const COPIES: usize = 200;

/// A chat-completion chunk, typed as the streams fixture's `CompletionChunk` is generated
/// (required fields plain, optional ones in `Option`, a nullable one in two).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct CompletionChunk {
    id: String,
    choices: Vec<Choice>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Choice {
    index: i64,
    delta: Delta,
    #[serde(default, deserialize_with = "present")]
    finish_reason: Option<Option<openapi_rust_gen_runtime::Open<FinishReason>>>,
}

/// A present property, `null` included: `Some(None)` for `null`.
fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Delta {
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    content: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Role {
    System,
    User,
    Assistant,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
enum FinishReason {
    Stop,
    Length,
}

/// The size of the chunks the stream is fed in, as a network read would give them.
const CHUNK: usize = 4096;

pub fn events_decode(runs: usize) -> Result<Row, Failure> {
    let root = crate::workspace::workspace_root();
    let recording =
        std::fs::read(root.join("generator/tests/fixtures/streams/chat_completion.sse"))
            .map_err(|e| Failure::Io(format!("the recorded stream cannot be read: {e}")))?;
    // One stream of many chunks: the copies without their `[DONE]`, which would end it.
    let text = String::from_utf8_lossy(&recording).replace("data: [DONE]\n\n", "");
    let mut stream: Vec<u8> = text.repeat(COPIES).into_bytes();
    stream.extend_from_slice(b"data: [DONE]\n\n");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Failure::Io(e.to_string()))?;
    // The floor's input: each event's data, split out beforehand.
    let payloads: Vec<String> = {
        let mut parser = SseParser::new(usize::MAX);
        parser
            .feed(&stream)
            .map_err(|e| Failure::Io(e.to_string()))?;
        parser.finish();
        std::iter::from_fn(|| parser.next_event())
            .map(|e| e.data)
            .filter(|d| d != "[DONE]")
            .collect()
    };
    let events = payloads.len();
    // The stream's reads, made beforehand as the floor's payloads are.
    let chunks: Vec<Bytes> = stream.chunks(CHUNK).map(Bytes::copy_from_slice).collect();
    let mut ours = Vec::new();
    let mut floor = Vec::new();
    for _ in 0..runs.max(1) {
        // Alternated, so that drift on a noisy machine falls on both alike.
        let start = Instant::now();
        let decoded = parse_and_decode(&runtime, chunks.clone())?;
        ours.push(start.elapsed());
        let start = Instant::now();
        let plain = plain_decode(&payloads)?;
        floor.push(start.elapsed());
        if decoded != events || plain != events {
            return Err(Failure::Io(format!(
                "decoded {decoded} and {plain} events of {events}"
            )));
        }
    }
    let ours = Spread::of(ours);
    let floor = Spread::of(floor);
    let per_second = |s: f64| events as f64 / s;
    println!("\nserver-sent events: {events} chat-completion chunks, fed in {CHUNK}-byte reads:");
    println!(
        "  runtime parser + decode   fastest {:>9.0} events/s   median {:>9.0} events/s",
        per_second(ours.fastest),
        per_second(ours.median)
    );
    println!(
        "  serde_json decode (floor) fastest {:>9.0} events/s   median {:>9.0} events/s",
        per_second(floor.fastest),
        per_second(floor.median)
    );
    Ok(Row {
        figure: format!("decode {events} server-sent events (chat chunks)"),
        floor: "serde_json of the same payloads, split beforehand".into(),
        note: format!(
            "{:.0} events/s against {:.0} (fastest runs)",
            per_second(ours.fastest),
            per_second(floor.fastest)
        ),
        ours,
        base: Some(floor),
        target: Some(1.2),
    })
}

/// The stream read by an events method's stream, from chunks in memory, each event
/// decoded as the events methods decode it.
fn parse_and_decode(
    runtime: &tokio::runtime::Runtime,
    chunks: Vec<Bytes>,
) -> Result<usize, Failure> {
    let mut events: EventStream<CompletionChunk> = EventStream::from_chunks(
        chunks,
        __private::EventFormat::Sse,
        openapi_rust_gen_runtime::DEFAULT_MAX_EVENT_BYTES,
        __private::decode_event_json,
    );
    runtime.block_on(async {
        let mut count = 0;
        while let Some(event) = events.next_event().await {
            let event = event.map_err(|e| Failure::Io(e.to_string()))?;
            std::hint::black_box(event);
            count += 1;
        }
        Ok(count)
    })
}

fn plain_decode(payloads: &[String]) -> Result<usize, Failure> {
    for payload in payloads {
        let chunk: CompletionChunk =
            serde_json::from_str(payload).map_err(|e| Failure::Io(e.to_string()))?;
        std::hint::black_box(chunk);
    }
    Ok(payloads.len())
}
