//! Credentials, and how requests carry them.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

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

/// A key for an `apiKey` security scheme of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeKey {
    /// The scheme (its name in `components/securitySchemes`) the key is for; `None` for a
    /// key that serves whichever one scheme an operation accepts.
    pub scheme: Option<String>,
    pub secret: Secret,
}

/// The credentials a client sends with requests that need authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// An API key, sent with HTTP basic authentication: the key id as the user name and
    /// the key secret as the password.
    ApiKey { id: String, secret: Secret },
    /// Keys for the spec's `apiKey` security schemes, each sent in the header, query
    /// parameter or cookie its scheme names.
    SchemeKeys(Vec<SchemeKey>),
    /// A bearer token, sent in the `Authorization` header as it is.
    BearerToken(Secret),
    /// An OAuth2 client: the client fetches access tokens from the token URL with the
    /// client credentials grant, caches them, and sends them as bearer tokens.
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
        scopes: Vec<String>,
    },
}

impl Credentials {
    pub fn api_key(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials::ApiKey {
            id: id.into(),
            secret: Secret::new(secret),
        }
    }

    /// A key for the spec's `apiKey` security scheme: sent where the scheme an operation
    /// accepts says (a header, a query parameter or a cookie).
    pub fn key(value: impl Into<String>) -> Self {
        Credentials::SchemeKeys(vec![SchemeKey {
            scheme: None,
            secret: Secret::new(value),
        }])
    }

    /// Keys for several `apiKey` security schemes, by scheme name, for operations that
    /// need more than one at once (an application key and a user key, say).
    pub fn keys<N: Into<String>, V: Into<String>>(keys: impl IntoIterator<Item = (N, V)>) -> Self {
        Credentials::SchemeKeys(
            keys.into_iter()
                .map(|(scheme, value)| SchemeKey {
                    scheme: Some(scheme.into()),
                    secret: Secret::new(value),
                })
                .collect(),
        )
    }

    pub fn bearer_token(token: impl Into<String>) -> Self {
        Credentials::BearerToken(Secret::new(token))
    }

    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Credentials::ClientCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
        }
    }

    /// Whether an operation that accepts `accepts` can be sent with these credentials.
    pub(crate) fn fits(&self, accepts: &Accepts) -> bool {
        match self {
            Credentials::ApiKey { .. } => accepts.basic,
            Credentials::SchemeKeys(keys) => key_placements(keys, accepts).is_some(),
            Credentials::BearerToken(_) | Credentials::ClientCredentials { .. } => accepts.bearer,
        }
    }

    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Credentials::ApiKey { .. } => "an API key (HTTP basic)",
            Credentials::SchemeKeys(_) => "keys for the spec's apiKey schemes",
            Credentials::BearerToken(_) => "a bearer token",
            Credentials::ClientCredentials { .. } => "OAuth2 client credentials (bearer tokens)",
        }
    }
}

/// The first alternative of an operation's `apiKey` requirements that the keys meet,
/// with the key for each of its schemes. A key without a scheme name meets an
/// alternative of one scheme; several schemes at once need keys by name.
pub(crate) fn key_placements<'k>(
    keys: &'k [SchemeKey],
    accepts: &Accepts,
) -> Option<Vec<(&'static KeyPlacement, &'k Secret)>> {
    accepts.keys.iter().find_map(|alternative| {
        alternative
            .iter()
            .map(|placement| {
                let named = keys
                    .iter()
                    .find(|k| k.scheme.as_deref() == Some(placement.scheme));
                let any = (alternative.len() == 1)
                    .then(|| keys.iter().find(|k| k.scheme.is_none()))
                    .flatten();
                named.or(any).map(|k| (placement, &k.secret))
            })
            .collect::<Option<Vec<_>>>()
    })
}

/// Where an `apiKey` scheme's key is sent.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyPlacement {
    /// The scheme's name in `components/securitySchemes`.
    pub scheme: &'static str,
    pub location: KeyLocation,
    /// The header, query parameter or cookie name.
    pub name: &'static str,
}

#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// Which credentials an operation's `security` accepts.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accepts {
    /// HTTP basic (API keys).
    pub basic: bool,
    /// A bearer token (HTTP bearer or OAuth2).
    pub bearer: bool,
    /// No credentials at all (the spec lists an empty requirement, or none).
    pub anonymous: bool,
    /// Alternatives made of `apiKey` schemes only: each needs a key for every scheme in it.
    pub keys: &'static [&'static [KeyPlacement]],
}

/// An access token and when to stop using it.
#[derive(Clone)]
struct CachedToken {
    token: Secret,
    /// When the token should be replaced: a little before it expires, so that a request
    /// never leaves with a token that expires on the way.
    refresh_at: tokio::time::Instant,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Fetches and caches OAuth2 access tokens (client credentials grant). The cache sits
/// behind an async mutex held while a token is fetched, so concurrent requests wait for
/// one refresh instead of starting their own.
#[derive(Clone)]
pub(crate) struct TokenSource {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    cache: Arc<tokio::sync::Mutex<Option<CachedToken>>>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// Why a token could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenFailure {
    pub message: String,
    /// Whether trying again may help (the endpoint was unreachable or answered 5xx or 429).
    pub transient: bool,
}

impl TokenSource {
    pub(crate) fn new(
        token_url: String,
        client_id: String,
        client_secret: Secret,
        scopes: Vec<String>,
    ) -> Self {
        TokenSource {
            token_url,
            client_id,
            client_secret,
            scopes,
            cache: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// A valid token: the cached one, or a new one when it is missing or due for refresh.
    pub(crate) async fn token(&self, http: &reqwest::Client) -> Result<Secret, TokenFailure> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            if tokio::time::Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let fresh = self.fetch(http).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// Drops `rejected` from the cache (after a 401), unless another request has already
    /// replaced it.
    pub(crate) async fn invalidate(&self, rejected: &Secret) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| &c.token == rejected) {
            *cache = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, TokenFailure> {
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let sent = http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .form(&form)
            .send()
            .await
            .map_err(|e| TokenFailure {
                message: format!("the token endpoint could not be reached: {e}"),
                transient: true,
            })?;
        let status = sent.status();
        let body = sent.bytes().await.map_err(|e| TokenFailure {
            message: format!("the token endpoint's answer could not be read: {e}"),
            transient: true,
        })?;
        if !status.is_success() {
            return Err(TokenFailure {
                message: format!(
                    "the token endpoint answered {status}: {}",
                    super::response::excerpt(&body)
                ),
                transient: status.is_server_error() || status.as_u16() == 429,
            });
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| TokenFailure {
            message: format!("the token endpoint's answer is not a token: {e}"),
            transient: false,
        })?;
        // Refresh after four fifths of the lifetime, at most a minute before expiry. A token
        // without a stated lifetime is used until the server rejects it.
        let lifetime = parsed
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(Duration::from_secs(365 * 24 * 3600));
        let early = (lifetime / 5).min(Duration::from_secs(60));
        Ok(CachedToken {
            token: Secret::new(parsed.access_token),
            refresh_at: tokio::time::Instant::now() + lifetime - early,
        })
    }
}
