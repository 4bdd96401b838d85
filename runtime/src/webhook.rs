//! Reading the bodies of webhooks, the requests an API sends to its users' endpoints.

use std::fmt;

use serde::de::DeserializeOwned;

/// A webhook body that is not what the spec describes.
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
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value =
        serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|e| WebhookError {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })?;
    deserializer.end().map_err(|e| WebhookError {
        path: ".".into(),
        message: e.to_string(),
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
