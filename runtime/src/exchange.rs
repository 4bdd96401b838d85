//! What one call sends and gets back, as the client, the response readers and the event
//! streams share it: the operation sent, the response as received, and a success decoded.

use std::time::Duration;

use reqwest::header::HeaderMap;

use super::auth::Accepts;

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiResponse<T, H = ()> {
    pub status: u16,
    pub request_id: Option<String>,
    /// The response headers the spec documents for this operation, typed.
    pub headers: H,
    pub body: T,
}

impl<T, H> ApiResponse<T, H> {
    pub fn into_body(self) -> T {
        self.body
    }
}

/// What the runtime needs to know about an operation to send it.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Operation {
    /// The spec's operationId.
    pub id: &'static str,
    pub method: reqwest::Method,
    /// The path template as the spec writes it (never the filled-in path, which may hold
    /// identifiers that do not belong in traces).
    pub path: &'static str,
    pub accepts: Accepts,
}

/// A response received whole (its body read within the client's limits), with the
/// number of attempts it took.
#[doc(hidden)]
#[derive(Debug)]
pub struct Sent {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub attempts: u32,
}

/// A success response whose body is left to the caller, to stream.
#[doc(hidden)]
#[derive(Debug)]
pub struct Unread {
    pub status: u16,
    pub headers: HeaderMap,
    pub attempts: u32,
    pub response: reqwest::Response,
    /// The longest the body may go without a byte.
    pub idle_timeout: Duration,
}

/// What a send gives back: a response read whole, or a success left unread.
#[doc(hidden)]
#[derive(Debug)]
pub enum Answer {
    Read(Sent),
    Unread(Unread),
}
