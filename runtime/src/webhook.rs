//! Reading the bodies of webhooks, the requests an API sends to its users' endpoints.

use std::fmt;

use serde::de::DeserializeOwned;

use super::text::{bounded, MESSAGE_CHARS};

/// A webhook body that is not what the spec describes. Its texts are bounded (a few
/// hundred characters) and hold no control characters, whatever the body held.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookError {
    /// Where in the body decoding failed (`.` for the top level).
    pub path: String,
    pub message: String,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the webhook body does not decode at `{}`: {}",
            self.path, self.message
        )
    }
}

impl std::error::Error for WebhookError {}

/// Decodes a webhook's JSON body as `T`, naming the field where it fails.
#[doc(hidden)]
pub fn decode_webhook<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    let value = super::serde_support::decode_json::<T>(body).map_err(|(path, message)| {
        WebhookError {
            // Nothing after the value is a place outside it: the whole body. Both texts
            // come from the body, so both are bounded and escaped.
            path: if path.is_empty() {
                ".".into()
            } else {
                bounded(&path, MESSAGE_CHARS)
            },
            message: bounded(&message, MESSAGE_CHARS),
        }
    })?;
    Ok(value)
}

/// Reads a webhook's text body.
#[doc(hidden)]
pub fn webhook_text(body: &[u8]) -> Result<String, WebhookError> {
    String::from_utf8(body.to_vec()).map_err(|e| WebhookError {
        path: ".".into(),
        message: e.to_string(),
    })
}
