//! Credentials, and how requests carry them.

use std::fmt;

/// A secret value: shown as `***` by `Debug`, so it cannot leak into logs by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for sending it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The credentials a client sends with requests that need authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// An API key, sent with HTTP basic authentication: the key id as the user name and
    /// the key secret as the password.
    ApiKey { id: String, secret: Secret },
    /// A bearer token, sent in the `Authorization` header.
    BearerToken(Secret),
}

impl Credentials {
    pub fn api_key(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials::ApiKey {
            id: id.into(),
            secret: Secret::new(secret),
        }
    }

    pub fn bearer_token(token: impl Into<String>) -> Self {
        Credentials::BearerToken(Secret::new(token))
    }

    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        // Both helpers mark the `Authorization` header as sensitive.
        match self {
            Credentials::ApiKey { id, secret } => request.basic_auth(id, Some(secret.expose())),
            Credentials::BearerToken(token) => request.bearer_auth(token.expose()),
        }
    }
}
