//! Support code shared by every generated client: credentials, the HTTP client, request
//! and response helpers, and the error type.
//!
//! None of it depends on a spec. The generator copies these files verbatim into each
//! crate it writes; the generated operation methods only call into them.

mod auth;
mod client;
mod error;
mod paging;
mod request;
mod response;
mod retry;
mod serde_support;
#[cfg(test)]
mod tests;
mod webhook;

pub use auth::*;
pub use client::*;
pub use error::*;
pub use paging::*;
pub use request::*;
pub use response::*;
pub use retry::*;
pub use serde_support::*;
pub use webhook::*;
