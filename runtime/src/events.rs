//! Streamed responses read event by event: server-sent events (`text/event-stream`,
//! parsed as the WHATWG HTML standard says) and JSON Lines (`application/jsonl`,
//! `application/x-ndjson`) or JSON text sequences (`application/json-seq`).
//!
//! The parsers are plain state machines fed with chunks of any size: the same bytes give
//! the same events however they are split. Neither ever holds more than one event (and
//! the line being read) in memory, and each refuses an event over its size limit.

use std::collections::VecDeque;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::exchange::{Answer, ApiResponse, Operation};
use super::headers::{header_string, REQUEST_ID_HEADER};
use super::text::excerpt;

/// The data some APIs send as their last event (`data: [DONE]`). It is never JSON, so it
/// cannot be a payload; the stream ends cleanly when it comes.
const DONE: &str = "[DONE]";

/// The longest a stream waits before reconnecting when the server asked for more (its
/// `retry` field), so that a hostile value cannot stall the stream for days.
const MAX_SERVER_RETRY: Duration = Duration::from_secs(60);

/// One event of a stream, its data decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's type (the `event` field); `None` for the default type, `message`, and
    /// for JSON Lines, which have no types.
    pub event: Option<String>,
    /// The last event id the server gave (the `id` field), which a resumed stream sends
    /// back as `Last-Event-ID`.
    pub id: Option<String>,
    /// The decoded payload.
    pub data: T,
}

/// Why a stream gave an error instead of an event.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventError {
    /// An event's data did not decode into the type the spec gives. The stream goes on:
    /// read on to skip the event, or stop reading to end it.
    Decode {
        /// The event's type, if it had one.
        event: Option<String>,
        /// The last event id, if the server gave one.
        id: Option<String>,
        /// Where in the data decoding failed, as a path such as `choices[0].delta`.
        path: String,
        message: String,
        /// The start of the data, for the error message.
        excerpt: String,
    },
    /// An event (or a line of one) grew past the limit
    /// ([`ClientBuilder::max_event_bytes`](super::ClientBuilder::max_event_bytes)). The
    /// stream ends.
    TooLarge { limit: usize },
    /// The connection failed or went idle, and the stream could not be resumed. The
    /// stream ends.
    Stream(super::StreamError),
    /// Reconnecting after a dropped connection failed. The stream ends.
    Resume(String),
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventError::Decode {
                event,
                id,
                path,
                message,
                excerpt,
            } => {
                write!(f, "the event")?;
                if let Some(event) = event {
                    write!(f, " `{event}`")?;
                }
                if let Some(id) = id {
                    write!(f, " (id `{id}`)")?;
                }
                write!(f, " does not decode")?;
                if !path.is_empty() && path != "." {
                    write!(f, " at `{path}`")?;
                }
                write!(f, ": {message}; its data begins `{excerpt}`")
            }
            EventError::TooLarge { limit } => {
                write!(f, "an event is larger than the limit of {limit} bytes")
            }
            EventError::Stream(e) => write!(f, "the event stream stopped: {e}"),
            EventError::Resume(message) => {
                write!(f, "the event stream could not be resumed: {message}")
            }
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventError::Stream(e) => Some(e),
            _ => None,
        }
    }
}

/// An event as the wire gives it, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// The event type; empty for the default (`message`).
    pub event: String,
    /// The last event id at the time of the event; empty when none was given.
    pub id: String,
    pub data: String,
}

/// A server-sent event stream parser (WHATWG HTML, "Event stream interpretation"): lines
/// end with CR, LF or CRLF; a leading byte order mark is dropped; `data` lines are joined
/// with LF; `event`, `id` and `retry` set the event type, the last event id and the
/// reconnection time; a line starting with a colon is a comment; an empty line
/// dispatches the event, unless it has no data.
///
/// One departure, on purpose: when the stream ends cleanly, a last event that was not
/// followed by an empty line is dispatched rather than dropped, since servers that close
/// the stream after their final event often leave the blank line out.
#[derive(Debug)]
pub struct SseParser {
    line: Vec<u8>,
    /// The last byte fed was a CR: an LF that follows ends the same line.
    after_cr: bool,
    /// No line has been completed yet: the next one may start with a byte order mark.
    first_line: bool,
    data: String,
    /// Whether a `data` field was seen for the pending event (its data may be empty).
    has_data: bool,
    event: String,
    /// The id the event being read will carry (the standard's last event ID buffer).
    id_buffer: String,
    /// The id of the last event dispatched: a stream cut inside an event resumes from the
    /// event before it.
    last_id: String,
    retry: Option<Duration>,
    max: usize,
    ready: VecDeque<RawEvent>,
}

impl SseParser {
    /// A parser that refuses an event (its lines together) larger than `max_event_bytes`.
    pub fn new(max_event_bytes: usize) -> Self {
        SseParser {
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: String::new(),
            has_data: false,
            event: String::new(),
            id_buffer: String::new(),
            last_id: String::new(),
            retry: None,
            max: max_event_bytes,
            ready: VecDeque::new(),
        }
    }

    /// Reads a chunk. Events it completes are given by [`SseParser::next_event`].
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), EventError> {
        while !chunk.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    chunk = &chunk[1..];
                    continue;
                }
            }
            match memchr::memchr2(b'\n', b'\r', chunk) {
                Some(end) => {
                    if self.line.is_empty() {
                        // A whole line in this chunk is read where it is, without a copy.
                        self.check_size(end)?;
                        self.complete_line(&chunk[..end]);
                    } else {
                        self.push_line_bytes(&chunk[..end])?;
                        let line = std::mem::take(&mut self.line);
                        self.complete_line(&line);
                        // The buffer is kept for the next line.
                        self.line = line;
                        self.line.clear();
                    }
                    self.after_cr = chunk[end] == b'\r';
                    chunk = &chunk[end + 1..];
                }
                None => {
                    self.push_line_bytes(chunk)?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// The stream ended cleanly: the last line, if unterminated, is read, and a pending
    /// event with data is dispatched.
    pub fn finish(&mut self) {
        if !self.line.is_empty() {
            self.end_line();
        }
        self.dispatch();
    }

    /// The next complete event, if any.
    pub fn next_event(&mut self) -> Option<RawEvent> {
        self.ready.pop_front()
    }

    /// Gives back the data of an event that has been read, so that its memory holds the
    /// next event's data rather than being allocated again.
    pub fn recycle(&mut self, mut data: String) {
        if self.data.is_empty() && data.capacity() > self.data.capacity() {
            data.clear();
            self.data = data;
        }
    }

    /// The id of the last event dispatched (empty when none).
    pub fn last_event_id(&self) -> &str {
        &self.last_id
    }

    /// The reconnection time the server asked for, if it did.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Refuses a line that would take the pending line and event past the limit.
    fn check_size(&self, more: usize) -> Result<(), EventError> {
        let size = self
            .line
            .len()
            .saturating_add(more)
            .saturating_add(self.data.len());
        if size > self.max {
            return Err(EventError::TooLarge { limit: self.max });
        }
        Ok(())
    }

    fn push_line_bytes(&mut self, bytes: &[u8]) -> Result<(), EventError> {
        self.check_size(bytes.len())?;
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.complete_line(&line);
        self.line = line;
        self.line.clear();
    }

    fn complete_line(&mut self, mut line: &[u8]) {
        if std::mem::take(&mut self.first_line) && line.starts_with(&[0xEF, 0xBB, 0xBF]) {
            line = &line[3..];
        }
        // Lines are split on bytes that never occur inside a UTF-8 sequence, so each line
        // decodes on its own; invalid bytes become U+FFFD, as the standard says.
        match std::str::from_utf8(line) {
            Ok(text) => self.line_read(text),
            Err(_) => self.line_read(&String::from_utf8_lossy(line)),
        }
    }

    fn line_read(&mut self, line: &str) {
        if line.is_empty() {
            self.dispatch();
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                // One allocation for the usual one-line data, its newline included.
                self.data.reserve(value.len() + 1);
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.id_buffer),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // A value too large for 64 bits is still a valid (very long) time.
                let millis = value.parse::<u64>().unwrap_or(u64::MAX);
                self.retry = Some(Duration::from_millis(millis));
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) {
        self.last_id.clone_from(&self.id_buffer);
        if !self.has_data {
            self.event.clear();
            return;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        self.ready.push_back(RawEvent {
            event: std::mem::take(&mut self.event),
            id: self.last_id.clone(),
            data,
        });
    }
}

/// A parser of JSON Lines (one JSON text per line, blank lines skipped, a CR before the
/// LF dropped) or of JSON text sequences (RFC 7464: each text follows a record separator,
/// 0x1E).
#[derive(Debug)]
pub struct LineParser {
    separator: u8,
    record: Vec<u8>,
    max: usize,
    ready: VecDeque<String>,
}

impl LineParser {
    /// JSON Lines (`application/jsonl`, `application/x-ndjson`).
    pub fn json_lines(max_event_bytes: usize) -> Self {
        Self::split_on(b'\n', max_event_bytes)
    }

    /// JSON text sequences (`application/json-seq`).
    pub fn json_seq(max_event_bytes: usize) -> Self {
        Self::split_on(0x1E, max_event_bytes)
    }

    fn split_on(separator: u8, max: usize) -> Self {
        LineParser {
            separator,
            record: Vec::new(),
            max,
            ready: VecDeque::new(),
        }
    }

    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), EventError> {
        while !chunk.is_empty() {
            let (part, rest) = match memchr::memchr(self.separator, chunk) {
                Some(end) => (&chunk[..end], Some(&chunk[end + 1..])),
                None => (chunk, None),
            };
            if self.record.len().saturating_add(part.len()) > self.max {
                return Err(EventError::TooLarge { limit: self.max });
            }
            self.record.extend_from_slice(part);
            match rest {
                Some(rest) => {
                    self.end_record();
                    chunk = rest;
                }
                None => break,
            }
        }
        Ok(())
    }

    pub fn finish(&mut self) {
        self.end_record();
    }

    pub fn next_event(&mut self) -> Option<RawEvent> {
        self.ready.pop_front().map(|data| RawEvent {
            event: String::new(),
            id: String::new(),
            data,
        })
    }

    fn end_record(&mut self) {
        let text = String::from_utf8_lossy(&self.record);
        let trimmed = text.trim_matches(|c: char| c.is_ascii_whitespace());
        if !trimmed.is_empty() {
            self.ready.push_back(trimmed.to_string());
        }
        self.record.clear();
    }
}

/// The wire format of a stream.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFormat {
    /// `text/event-stream`.
    Sse,
    /// `application/jsonl`, `application/x-ndjson`.
    JsonLines,
    /// `application/json-seq`.
    JsonSeq,
}

#[derive(Debug)]
enum Parser {
    Sse(SseParser),
    Lines(LineParser),
}

impl Parser {
    fn new(format: EventFormat, max: usize) -> Self {
        match format {
            EventFormat::Sse => Parser::Sse(SseParser::new(max)),
            EventFormat::JsonLines => Parser::Lines(LineParser::json_lines(max)),
            EventFormat::JsonSeq => Parser::Lines(LineParser::json_seq(max)),
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), EventError> {
        match self {
            Parser::Sse(p) => p.feed(chunk),
            Parser::Lines(p) => p.feed(chunk),
        }
    }

    fn finish(&mut self) {
        match self {
            Parser::Sse(p) => p.finish(),
            Parser::Lines(p) => p.finish(),
        }
    }

    fn next_event(&mut self) -> Option<RawEvent> {
        match self {
            Parser::Sse(p) => p.next_event(),
            Parser::Lines(p) => p.next_event(),
        }
    }

    fn recycle(&mut self, data: String) {
        if let Parser::Sse(p) = self {
            p.recycle(data);
        }
    }

    /// Forgets a partly read line or event: after a reconnection the server starts again
    /// at an event boundary. The last event id and retry time are kept.
    fn reset_partial(&mut self, format: EventFormat, max: usize) {
        match self {
            Parser::Sse(p) => {
                let mut fresh = SseParser::new(max);
                fresh.last_id = std::mem::take(&mut p.last_id);
                fresh.id_buffer.clone_from(&fresh.last_id);
                fresh.retry = p.retry;
                fresh.ready = std::mem::take(&mut p.ready);
                *p = fresh;
            }
            Parser::Lines(_) => *self = Parser::new(format, max),
        }
    }
}

/// How an event's data becomes the event type: as JSON, or (for a payload the spec types
/// as a string) as the text itself.
#[doc(hidden)]
pub type DecodeEvent<T> = fn(&str) -> Result<T, (String, String)>;

/// Decodes an event's data as JSON.
#[doc(hidden)]
pub fn decode_event_json<T: DeserializeOwned>(data: &str) -> Result<T, (String, String)> {
    // Text already checked as UTF-8 decodes faster as a `str`; the path of a failure is
    // found the same way as for a body.
    serde_json::from_str(data).or_else(|_| super::serde_support::decode_json(data.as_bytes()))
}

/// Keeps an event's data as text.
#[doc(hidden)]
pub fn decode_event_text(data: &str) -> Result<String, (String, String)> {
    Ok(data.to_string())
}

/// What a stream needs to reconnect after its connection drops.
struct Resume {
    client: Client,
    operation: Operation,
    request: reqwest::RequestBuilder,
    /// Reconnections since the last event came.
    attempts: u32,
}

/// A stream of events decoded into `T`, read as they arrive and never held whole.
///
/// Read it with [`EventStream::next_event`], or turn it into a `futures` stream with
/// [`EventStream::into_stream`]. It ends (`None`) when the server closes the stream or
/// sends `data: [DONE]`. An event whose data does not decode is given as
/// [`EventError::Decode`], and the stream goes on: read on to skip it, or stop to end the
/// stream there. Any other error ends the stream after it is given.
///
/// Each chunk must come within the client's
/// [`stream_idle_timeout`](super::ClientBuilder::stream_idle_timeout), and no event may be
/// larger than its [`max_event_bytes`](super::ClientBuilder::max_event_bytes). When the
/// connection drops (or goes idle) after the server gave an event id, and the operation may
/// be repeated (its method is idempotent), the stream reconnects with `Last-Event-ID`,
/// after the server's `retry` time (or the retry policy's backoff), as often as the
/// client's retry policy allows between two events.
pub struct EventStream<T> {
    source: Option<Source>,
    parser: Parser,
    format: EventFormat,
    max: usize,
    idle: Duration,
    decode: DecodeEvent<T>,
    resume: Option<Resume>,
    ended: bool,
}

enum Source {
    Response(reqwest::Response),
    Whole(Option<bytes::Bytes>),
    Chunks(std::vec::IntoIter<bytes::Bytes>),
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("format", &self.format)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    /// The next event, an error, or `None` at the end of the stream.
    pub async fn next_event(&mut self) -> Option<Result<Event<T>, EventError>> {
        loop {
            if let Some(raw) = self.parser.next_event() {
                if let Some(resume) = &mut self.resume {
                    resume.attempts = 0;
                }
                if self.format == EventFormat::Sse && raw.data == DONE {
                    self.end();
                    return None;
                }
                let event = (!raw.event.is_empty()).then_some(raw.event);
                let id = (!raw.id.is_empty()).then_some(raw.id);
                let decoded = match (self.decode)(&raw.data) {
                    Ok(data) => Ok(Event { event, id, data }),
                    Err((path, message)) => Err(EventError::Decode {
                        event,
                        id,
                        path,
                        message,
                        excerpt: excerpt(raw.data.as_bytes()),
                    }),
                };
                self.parser.recycle(raw.data);
                return Some(decoded);
            }
            if self.ended {
                return None;
            }
            match self.chunk().await {
                Ok(Some(chunk)) => {
                    if let Err(e) = self.parser.feed(&chunk) {
                        self.end();
                        return Some(Err(e));
                    }
                }
                Ok(None) => {
                    self.parser.finish();
                    self.end();
                }
                Err(e) => {
                    if let Err(e) = self.reconnect(e).await {
                        self.end();
                        return Some(Err(e));
                    }
                }
            }
        }
    }

    /// A stream over chunks already in memory, as if they had come from a server: for
    /// benchmarks and tests of the parsing and decoding alone.
    #[doc(hidden)]
    pub fn from_chunks(
        chunks: Vec<bytes::Bytes>,
        format: EventFormat,
        max_event_bytes: usize,
        decode: DecodeEvent<T>,
    ) -> Self {
        EventStream {
            source: Some(Source::Chunks(chunks.into_iter())),
            parser: Parser::new(format, max_event_bytes),
            format,
            max: max_event_bytes,
            idle: Duration::MAX,
            decode,
            resume: None,
            ended: false,
        }
    }

    /// The events as a `futures` stream.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<Event<T>, EventError>> {
        futures_util::stream::unfold(self, |mut stream| async move {
            let next = stream.next_event().await?;
            Some((next, stream))
        })
    }

    /// The last event id the server gave, if any.
    pub fn last_event_id(&self) -> Option<&str> {
        match &self.parser {
            Parser::Sse(p) if !p.last_event_id().is_empty() => Some(p.last_event_id()),
            _ => None,
        }
    }

    fn end(&mut self) {
        self.ended = true;
        self.source = None;
        self.resume = None;
    }

    async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, super::StreamError> {
        match &mut self.source {
            Some(Source::Response(response)) => {
                match tokio::time::timeout(self.idle, response.chunk()).await {
                    Ok(chunk) => chunk.map_err(|e| super::StreamError::Transport(e.without_url())),
                    Err(_) => Err(super::StreamError::Idle(self.idle)),
                }
            }
            Some(Source::Whole(rest)) => Ok(rest.take()),
            Some(Source::Chunks(rest)) => Ok(rest.next()),
            None => Ok(None),
        }
    }

    /// After the connection dropped: sends the request again with the last event id, if
    /// the stream may be resumed, and goes on reading from the new response.
    async fn reconnect(&mut self, dropped: super::StreamError) -> Result<(), EventError> {
        let last_id = match &self.parser {
            Parser::Sse(p) if !p.last_event_id().is_empty() => p.last_event_id().to_string(),
            _ => return Err(EventError::Stream(dropped)),
        };
        let server_retry = match &self.parser {
            Parser::Sse(p) => p.retry(),
            Parser::Lines(_) => None,
        };
        let Some(resume) = &mut self.resume else {
            return Err(EventError::Stream(dropped));
        };
        resume.attempts = resume.attempts.saturating_add(1);
        // The same budget as a request's retries: attempts after the first, counted
        // since the last event came. The server's reconnection time replaces the backoff.
        let hint = server_retry.map(|r| r.min(MAX_SERVER_RETRY));
        let Some(wait) = resume
            .client
            .retry_policy()
            .delay(resume.attempts, Duration::ZERO, hint)
        else {
            return Err(EventError::Stream(dropped));
        };
        let Some(request) = resume.request.try_clone() else {
            return Err(EventError::Stream(dropped));
        };
        tracing::debug!(
            last_event_id = last_id.as_str(),
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            "event stream dropped; resuming"
        );
        tokio::time::sleep(wait).await;
        let request = request.header("Last-Event-ID", last_id);
        let answer = resume
            .client
            .send_streaming::<serde_json::Value>(&resume.operation, request)
            .await
            .map_err(|e| EventError::Resume(e.to_string()))?;
        self.parser.reset_partial(self.format, self.max);
        match answer {
            // 204 No Content: the server has nothing more to send.
            Answer::Unread(unread) if unread.status == 204 => self.source = None,
            Answer::Unread(unread) => self.source = Some(Source::Response(unread.response)),
            Answer::Read(sent) if (200..300).contains(&sent.status) => {
                self.source = Some(Source::Whole(Some(sent.body.into())));
            }
            Answer::Read(sent) => {
                return Err(EventError::Resume(format!(
                    "the server answered {}",
                    sent.status
                )))
            }
        }
        Ok(())
    }
}

/// Sends a request for an event stream (with `Accept` set to the media type the spec
/// gives, `accept`) and starts reading its events.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub async fn events<T, H, E: DeserializeOwned>(
    client: &Client,
    operation: Operation,
    request: reqwest::RequestBuilder,
    headers: fn(&HeaderMap) -> H,
    format: EventFormat,
    accept: &'static str,
    decode: DecodeEvent<T>,
) -> Result<ApiResponse<EventStream<T>, H>, Error<E>> {
    let request = request.header(reqwest::header::ACCEPT, accept);
    let resume = if super::retry::is_idempotent(&operation.method) {
        request.try_clone().map(|request| Resume {
            client: client.clone(),
            operation: operation.clone(),
            request,
            attempts: 0,
        })
    } else {
        None
    };
    let answer = client.send_streaming::<E>(&operation, request).await?;
    let max = client.max_event_bytes();
    let stream = |source| EventStream {
        source,
        parser: Parser::new(format, max),
        format,
        max,
        idle: client.stream_idle_timeout(),
        decode,
        resume,
        ended: false,
    };
    match answer {
        Answer::Unread(unread) => Ok(ApiResponse {
            status: unread.status,
            request_id: header_string(&unread.headers, REQUEST_ID_HEADER),
            headers: headers(&unread.headers),
            body: stream(Some(Source::Response(unread.response))),
        }),
        Answer::Read(sent) => {
            let response = super::response::read_bytes::<H, E>(sent, headers).await?;
            Ok(ApiResponse {
                status: response.status,
                request_id: response.request_id,
                headers: response.headers,
                body: stream(Some(Source::Whole(Some(response.body)))),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events a parser gives for `input` read in one chunk, the stream then ending.
    fn parse(input: &[u8]) -> Vec<RawEvent> {
        parse_chunks(&[input])
    }

    fn parse_chunks(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = SseParser::new(1 << 20);
        let mut out = Vec::new();
        for chunk in chunks {
            parser.feed(chunk).expect("within the limit");
            while let Some(e) = parser.next_event() {
                out.push(e);
            }
        }
        parser.finish();
        while let Some(e) = parser.next_event() {
            out.push(e);
        }
        out
    }

    fn data(events: &[RawEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    fn event(event: &str, id: &str, data: &str) -> RawEvent {
        RawEvent {
            event: event.into(),
            id: id.into(),
            data: data.into(),
        }
    }

    // The examples of the WHATWG standard's "Event stream interpretation" section.

    #[test]
    fn data_lines_are_joined_with_newlines() {
        let events = parse(b"data: YHOO\ndata: +2\ndata: 10\n\n");
        assert_eq!(data(&events), ["YHOO\n+2\n10"]);
    }

    #[test]
    fn comments_ids_and_one_stripped_space() {
        let events = parse(
            b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
        );
        assert_eq!(
            events,
            [
                event("", "1", "first event"),
                // A bare `id` resets the last event id.
                event("", "", "second event"),
                // Only the first space after the colon is dropped.
                event("", "", " third event"),
            ]
        );
    }

    #[test]
    fn empty_data_and_a_single_newline() {
        let events = parse(b"data\n\ndata\ndata\n\n");
        assert_eq!(data(&events), ["", "\n"]);
    }

    #[test]
    fn a_space_after_the_colon_is_optional() {
        let events = parse(b"data:test\n\ndata: test\n\n");
        assert_eq!(data(&events), ["test", "test"]);
    }

    #[test]
    fn a_last_event_without_a_blank_line_is_kept_when_the_stream_ends_cleanly() {
        // The standard drops it; servers that close after their final event often leave
        // the blank line out, so it is dispatched.
        let events = parse(b"data: one\n\ndata: two");
        assert_eq!(data(&events), ["one", "two"]);
        let events = parse(b"data: one\n\ndata: two\n");
        assert_eq!(data(&events), ["one", "two"]);
    }

    #[test]
    fn cr_lf_and_crlf_all_end_lines() {
        let events = parse(b"data: a\r\rdata: b\r\n\r\ndata: c\n\ndata: d\r\ndata: e\n\r\n");
        assert_eq!(data(&events), ["a", "b", "c", "d\ne"]);
    }

    #[test]
    fn a_leading_byte_order_mark_is_dropped_once() {
        let events = parse(b"\xEF\xBB\xBFdata: a\n\n\xEF\xBB\xBFdata: b\n\n");
        // The second mark is part of a field name, which is then unknown.
        assert_eq!(data(&events), ["a"]);
        let split = parse_chunks(&[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]);
        assert_eq!(data(&split), ["a"]);
    }

    #[test]
    fn event_types_and_unknown_fields() {
        let events = parse(b"event: add\ndata: 1\nfoo: bar\n\nevent: remove\n\ndata: 2\n\n");
        // An event without data is not dispatched, and its type does not carry over.
        assert_eq!(events, [event("add", "", "1"), event("", "", "2")]);
    }

    #[test]
    fn retry_takes_only_digits_and_ids_with_nul_are_ignored() {
        let mut parser = SseParser::new(1024);
        parser
            .feed(b"retry: 1500\nretry: 10a\nid: 7\nid: x\0y\ndata: a\n\n")
            .unwrap();
        assert_eq!(parser.retry(), Some(Duration::from_millis(1500)));
        assert_eq!(parser.next_event(), Some(event("", "7", "a")));
        parser.feed(b"retry: 99999999999999999999999\n").unwrap();
        assert_eq!(parser.retry(), Some(Duration::from_millis(u64::MAX)));
    }

    #[test]
    fn an_id_counts_only_once_its_event_is_dispatched() {
        let mut parser = SseParser::new(1024);
        parser.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b").unwrap();
        assert_eq!(parser.last_event_id(), "1");
        parser.feed(b"\n\n").unwrap();
        assert_eq!(parser.last_event_id(), "2");
    }

    #[test]
    fn the_last_event_id_stays_for_later_events() {
        let events = parse(b"id: 3\ndata: a\n\ndata: b\n\n");
        assert_eq!(events, [event("", "3", "a"), event("", "3", "b")]);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let events = parse(b"data: \xFF\xFEok\n\n");
        assert_eq!(data(&events), ["\u{FFFD}\u{FFFD}ok"]);
    }

    #[test]
    fn an_event_over_the_limit_is_refused() {
        let mut parser = SseParser::new(16);
        assert!(parser.feed(b"data: 0123456789\n").is_ok());
        let refused = parser.feed(b"data: 0123456789\n");
        assert!(matches!(refused, Err(EventError::TooLarge { limit: 16 })));
        // A line with no end at all is refused as it grows, however it is split.
        let mut parser = SseParser::new(1000);
        let refused = (0..2000).try_for_each(|_| parser.feed(b"x"));
        assert!(matches!(refused, Err(EventError::TooLarge { limit: 1000 })));
    }

    const STREAMS: &[&[u8]] = &[
        b"data: YHOO\ndata: +2\ndata: 10\n\n",
        b": c\r\n\r\nevent: e\r\nid: 1\r\ndata: {\"a\":1}\r\n\r\ndata: x\rdata: y\r\r",
        b"\xEF\xBB\xBFdata: \xE2\x82\xAC\n\nretry: 5\ndata\n\ndata: [DONE]\n\n",
        b"data: a\n\ndata: b\r\n\r\ndata: tail",
    ];

    #[test]
    fn every_split_into_two_chunks_gives_the_same_events() {
        for stream in STREAMS {
            let whole = parse(stream);
            for at in 0..=stream.len() {
                let (a, b) = stream.split_at(at);
                assert_eq!(parse_chunks(&[a, b]), whole, "split at {at} of {stream:?}");
            }
            let bytes: Vec<&[u8]> = stream.chunks(1).collect();
            assert_eq!(parse_chunks(&bytes), whole, "byte by byte: {stream:?}");
        }
    }

    #[test]
    fn random_chunkings_give_the_same_events() {
        // A property test over arbitrary chunkings, repeatable from its seeds.
        let mut random = fastrand::Rng::with_seed(0x5EED);
        let joined: Vec<u8> = STREAMS.concat();
        for stream in STREAMS.iter().copied().chain([joined.as_slice()]) {
            let whole = parse(stream);
            for _ in 0..500 {
                let mut chunks = Vec::new();
                let mut rest = stream;
                while !rest.is_empty() {
                    let take = random.usize(0..=rest.len().min(7));
                    let (a, b) = rest.split_at(take);
                    chunks.push(a);
                    rest = b;
                }
                assert_eq!(parse_chunks(&chunks), whole, "{chunks:?}");
            }
        }
    }

    fn lines(parser: &mut LineParser, chunks: &[&[u8]]) -> Vec<String> {
        let mut out = Vec::new();
        for chunk in chunks {
            parser.feed(chunk).expect("within the limit");
        }
        parser.finish();
        while let Some(e) = parser.next_event() {
            out.push(e.data);
        }
        out
    }

    #[test]
    fn json_lines_skip_blank_lines_and_keep_an_unterminated_last_line() {
        let input: &[u8] = b"{\"a\":1}\r\n\n  \n{\"a\":2}\n{\"a\":3}";
        let whole = lines(&mut LineParser::json_lines(1024), &[input]);
        assert_eq!(whole, ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"]);
        for at in 0..=input.len() {
            let (a, b) = input.split_at(at);
            assert_eq!(lines(&mut LineParser::json_lines(1024), &[a, b]), whole);
        }
    }

    #[test]
    fn json_text_sequences_split_on_record_separators() {
        let input: &[u8] = b"\x1E{\"a\":1}\n\x1E\"two\"\n\x1E3";
        let got = lines(&mut LineParser::json_seq(1024), &[input]);
        assert_eq!(got, ["{\"a\":1}", "\"two\"", "3"]);
    }

    #[test]
    fn a_json_line_over_the_limit_is_refused() {
        let mut parser = LineParser::json_lines(8);
        let refused = (0..100).try_for_each(|_| parser.feed(b"[1,"));
        assert!(matches!(refused, Err(EventError::TooLarge { limit: 8 })));
    }
}
