//! The error type every operation returns.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

use super::headers::{header_seconds, header_text, retry_after};
use super::text::{bounded, MESSAGE_CHARS};

/// The most characters of a request id an error shows.
const REQUEST_ID_CHARS: usize = 100;

/// Everything that can go wrong with a call. `E` is the operation's error body type.
///
/// The larger variants are boxed so that `Result`s stay small on the success path.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status (other than 429).
    Api(Box<ApiError<E>>),
    /// The server answered 429 Too Many Requests; `rate_limit` says when to try again.
    RateLimited(Box<ApiError<E>>),
    /// The request did not complete: connection, TLS, timeout or body transfer failure.
    Transport(reqwest::Error),
    /// The server answered with success, but the body is not what the spec describes.
    Decode(Box<DecodeError>),
    /// The request breaks a constraint of the spec; nothing was sent.
    Validation(ValidationError),
    /// A parameter or setting cannot be sent as it is; nothing was sent.
    InvalidRequest(String),
    /// No access token could be had from the OAuth2 token endpoint; nothing was sent.
    Authentication(String),
    /// A paging stream stopped before the last page (a page limit, or pages that never
    /// end); the items yielded before it are not the whole list.
    Paging(String),
    /// The server did not answer in time where the transport's own timeout does not apply:
    /// no response headers within [`ClientBuilder::timeout`](super::ClientBuilder::timeout)
    /// for a streamed call, or an error body that did not arrive within it.
    Timeout(String),
}

impl<E> Error<E> {
    /// The server's request id, when the server answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) | Error::RateLimited(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::RateLimited(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "the server answered {e}"),
            Error::RateLimited(e) => {
                write!(f, "rate limited: the server answered {e}")?;
                if let Some(wait) = e.rate_limit.retry_after.or(e.rate_limit.reset) {
                    write!(f, "; retry in {}s", wait.as_secs())?;
                }
                Ok(())
            }
            Error::Transport(e) => write!(f, "the request failed: {e}"),
            Error::Decode(e) => write!(f, "{e}"),
            Error::Validation(e) => write!(f, "{e}"),
            Error::InvalidRequest(message) => write!(f, "the request cannot be sent: {message}"),
            Error::Authentication(message) => write!(f, "authentication failed: {message}"),
            Error::Paging(message) => write!(f, "the list is incomplete: {message}"),
            Error::Timeout(message) => write!(f, "the request timed out: {message}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// An error answer from the server.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApiError<E> {
    pub status: u16,
    pub request_id: Option<String>,
    pub rate_limit: RateLimit,
    /// The body parsed as the operation's documented error type, when it parses.
    pub body: Option<E>,
    /// The start of the raw body, for bodies that do not parse (a proxy's HTML page, say).
    pub excerpt: String,
    pub headers: HeaderMap,
    /// How many times the request was sent; more than one when it was retried.
    pub attempts: u32,
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason());
        write!(f, "{}", self.status)?;
        if let Some(reason) = reason {
            write!(f, " {reason}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", bounded(id, REQUEST_ID_CHARS))?;
        }
        if !self.excerpt.is_empty() {
            write!(f, ": {}", self.excerpt)?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// Rate-limit headers of a response. Reset and retry times are durations from when the
/// response was received: the server sends relative seconds, not timestamps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset: Option<Duration>,
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let count = |name: &str| header_text(headers, name)?.trim().parse::<u64>().ok();
        RateLimit {
            limit: count("x-ratelimit-limit"),
            remaining: count("x-ratelimit-remaining"),
            reset: header_seconds(headers, "x-ratelimit-reset"),
            retry_after: retry_after(headers),
        }
    }
}

/// A success response whose body does not decode as the documented type.
///
/// Its texts come from what the server sent, so each is bounded (a few hundred
/// characters, however large the value that failed) and holds no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    pub status: u16,
    pub request_id: Option<String>,
    /// Where in the body decoding failed, e.g. `metadata.created_at`; empty at the top.
    pub path: String,
    pub message: String,
    pub excerpt: String,
}

impl DecodeError {
    /// The error for `body`, with every text bounded and escaped.
    pub(crate) fn new(
        status: u16,
        request_id: Option<&str>,
        path: &str,
        message: &str,
        body: &[u8],
    ) -> Self {
        DecodeError {
            status,
            request_id: request_id.map(|id| bounded(id, REQUEST_ID_CHARS)),
            path: bounded(path, MESSAGE_CHARS),
            message: bounded(message, MESSAGE_CHARS),
            excerpt: super::text::excerpt(body),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the response body (status {}) could not be decoded",
            self.status
        )?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if !self.excerpt.is_empty() {
            write!(f, "; body starts with: {}", self.excerpt)?;
        }
        Ok(())
    }
}

/// Constraints a request broke, each with the field it is about. The validating crate's
/// own report type is not part of this API: its violations are kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    violations: Vec<(String, String)>,
}

impl ValidationError {
    pub(crate) fn from_report(report: &garde::Report) -> Self {
        ValidationError {
            violations: report
                .iter()
                .map(|(path, error)| (path.to_string(), error.message().to_string()))
                .collect(),
        }
    }

    /// Each violation as (field path, rule message), e.g. (`display_name`, `length is
    /// greater than 60`).
    pub fn violations(&self) -> Vec<(String, String)> {
        self.violations.clone()
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the request is invalid and was not sent: ")?;
        for (i, (path, message)) in self.violations.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{path}: {message}")?;
        }
        Ok(())
    }
}
