//! Reading responses: bodies, errors and headers.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error, RateLimit};
use super::exchange::{Answer, ApiResponse, Sent};
use super::headers::{header_string, header_text, is_sensitive_header, REQUEST_ID_HEADER};
use super::text::excerpt;

struct Received {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn request_id(&self) -> Option<String> {
        header_string(&self.headers, REQUEST_ID_HEADER)
    }

    fn decode_error(&self, path: String, message: String) -> Box<DecodeError> {
        Box::new(DecodeError::new(
            self.status,
            header_text(&self.headers, REQUEST_ID_HEADER),
            &path,
            &message,
            &self.body,
        ))
    }

    fn respond<T, H>(self, headers: fn(&HeaderMap) -> H, body: T) -> ApiResponse<T, H> {
        ApiResponse {
            status: self.status,
            request_id: self.request_id(),
            headers: headers(&self.headers),
            body,
        }
    }
}

/// Reads the whole response. Error statuses become [`Error::Api`] or
/// [`Error::RateLimited`], with the body parsed as `E` when it parses.
async fn receive<E: DeserializeOwned>(sent: Sent) -> Result<Received, Error<E>> {
    let Sent {
        status,
        mut headers,
        body,
        attempts,
    } = sent;
    // Cookies and credentials a server sends back stay out of Debug output.
    for (name, value) in headers.iter_mut() {
        if is_sensitive_header(name.as_str()) {
            value.set_sensitive(true);
        }
    }
    if (200..300).contains(&status) {
        return Ok(Received {
            status,
            headers,
            body,
        });
    }
    let parsed = if body.is_empty() {
        None
    } else {
        serde_json::from_slice::<E>(&body).ok()
    };
    let error = ApiError {
        status,
        request_id: header_string(&headers, REQUEST_ID_HEADER),
        rate_limit: RateLimit::from_headers(&headers),
        excerpt: if parsed.is_some() {
            String::new()
        } else {
            excerpt(&body)
        },
        body: parsed,
        headers,
        attempts,
    };
    let error = Box::new(error);
    Err(if status == 429 {
        Error::RateLimited(error)
    } else {
        Error::Api(error)
    })
}

/// A success response with a JSON body of type `T`.
#[doc(hidden)]
pub async fn read_json<T: DeserializeOwned, H, E: DeserializeOwned>(
    response: Sent,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<T, H>, Error<E>> {
    let received = receive::<E>(response).await?;
    if received.body.is_empty() {
        let e = received.decode_error(
            String::new(),
            "the body is empty, but a JSON body was expected".into(),
        );
        return Err(Error::Decode(e));
    }
    if let Some(content_type) = header_text(&received.headers, "content-type") {
        if !super::headers::is_json_media_type(content_type) {
            let e = received.decode_error(
                String::new(),
                format!("expected a JSON body, got content type `{content_type}`"),
            );
            return Err(Error::Decode(e));
        }
    }
    let body = match super::serde_support::decode_json::<T>(&received.body) {
        Ok(body) => body,
        Err((path, message)) => {
            return Err(Error::Decode(received.decode_error(path, message)));
        }
    };
    Ok(received.respond(headers, body))
}

/// A success response whose body, if any, is not used (e.g. 204 No Content).
#[doc(hidden)]
pub async fn read_empty<H, E: DeserializeOwned>(
    response: Sent,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<(), H>, Error<E>> {
    Ok(receive::<E>(response).await?.respond(headers, ()))
}

#[doc(hidden)]
pub async fn read_text<H, E: DeserializeOwned>(
    response: Sent,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<String, H>, Error<E>> {
    let mut received = receive::<E>(response).await?;
    // The body becomes the string in place; it is copied only to describe an error.
    match String::from_utf8(std::mem::take(&mut received.body)) {
        Ok(text) => Ok(received.respond(headers, text)),
        Err(e) => {
            let message = format!("the body is not UTF-8: {}", e.utf8_error());
            received.body = e.into_bytes();
            Err(Error::Decode(received.decode_error(String::new(), message)))
        }
    }
}

#[doc(hidden)]
pub async fn read_bytes<H, E: DeserializeOwned>(
    response: Sent,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<bytes::Bytes, H>, Error<E>> {
    let mut received = receive::<E>(response).await?;
    let body = std::mem::take(&mut received.body);
    Ok(received.respond(headers, body.into()))
}

/// A success body as it arrives, chunk by chunk, never held whole: for downloads larger
/// than memory should hold. The client's body limit does not apply; the reader decides how
/// much to take. The whole download, body included, is bounded by
/// [`ClientBuilder::stream_timeout`](super::ClientBuilder::stream_timeout) rather than by the
/// client's timeout, and each chunk must come within
/// [`ClientBuilder::stream_idle_timeout`](super::ClientBuilder::stream_idle_timeout).
pub struct ByteStream {
    source: ByteSource,
}

enum ByteSource {
    Response(reqwest::Response, Duration),
    /// A body that was read whole anyway (given back as one chunk).
    Whole(Option<bytes::Bytes>),
}

/// Why a streamed body stopped before its end.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed, or the whole stream's timeout passed.
    Transport(reqwest::Error),
    /// No byte came for this long
    /// ([`ClientBuilder::stream_idle_timeout`](super::ClientBuilder::stream_idle_timeout)).
    Idle(Duration),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Transport(e) => write!(f, "the body stopped: {e}"),
            StreamError::Idle(idle) => {
                write!(f, "the body stopped: no byte for {} ms", idle.as_millis())
            }
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Transport(e) => Some(e),
            StreamError::Idle(_) => None,
        }
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ByteStream")
    }
}

impl ByteStream {
    /// The next chunk, or `None` at the end of the body.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, StreamError> {
        match &mut self.source {
            ByteSource::Response(response, idle) => {
                match tokio::time::timeout(*idle, response.chunk()).await {
                    Ok(chunk) => chunk.map_err(|e| StreamError::Transport(e.without_url())),
                    Err(_) => Err(StreamError::Idle(*idle)),
                }
            }
            ByteSource::Whole(rest) => Ok(rest.take()),
        }
    }

    /// The chunks as a `futures` stream.
    pub fn into_stream(
        self,
    ) -> impl futures_util::Stream<Item = Result<bytes::Bytes, StreamError>> {
        futures_util::stream::unfold(Some(self), |state| async move {
            let mut stream = state?;
            match stream.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(stream))),
                Ok(None) => None,
                // An error ends the stream after it is given.
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}

/// A success response whose body is streamed rather than read.
#[doc(hidden)]
pub async fn read_stream<H, E: DeserializeOwned>(
    answer: Answer,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<ByteStream, H>, Error<E>> {
    match answer {
        Answer::Unread(unread) => Ok(ApiResponse {
            status: unread.status,
            request_id: header_string(&unread.headers, REQUEST_ID_HEADER),
            headers: headers(&unread.headers),
            body: ByteStream {
                source: ByteSource::Response(unread.response, unread.idle_timeout),
            },
        }),
        Answer::Read(sent) => {
            let mut received = receive::<E>(sent).await?;
            let body = std::mem::take(&mut received.body);
            Ok(received.respond(
                headers,
                ByteStream {
                    source: ByteSource::Whole(Some(body.into())),
                },
            ))
        }
    }
}

/// For operations that document no response headers.
#[doc(hidden)]
pub fn no_headers(_: &HeaderMap) {}
