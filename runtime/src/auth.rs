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
///
/// One value may serve clients of several APIs: clients built with clones of one
/// `ClientCredentials` value share its OAuth2 tokens, so each token endpoint is asked
/// once for all of them (and once again per refresh), not once per client.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(pub(crate) CredentialKind);

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a [`Credentials`] value holds; its constructors make each kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CredentialKind {
    /// An API key, sent with HTTP basic authentication: the key id as the user name and
    /// the key secret as the password.
    ApiKey { id: String, secret: Secret },
    /// Keys for the spec's `apiKey` security schemes, each sent in the header, query
    /// parameter or cookie its scheme names.
    SchemeKeys(Vec<SchemeKey>),
    /// A bearer token, sent in the `Authorization` header as it is.
    BearerToken(Secret),
    /// An OAuth2 client: the client fetches access tokens from the token URL with the
    /// client credentials grant, caches them, and sends them as bearer tokens. Made by
    /// [`Credentials::client_credentials`].
    #[non_exhaustive]
    ClientCredentials {
        client_id: String,
        client_secret: Secret,
        scopes: Vec<String>,
        /// The token caches of this value and its clones, one per token URL.
        tokens: SharedTokens,
    },
}

impl Credentials {
    pub fn api_key(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials(CredentialKind::ApiKey {
            id: id.into(),
            secret: Secret::new(secret),
        })
    }

    /// A key for the spec's `apiKey` security scheme: sent where the scheme an operation
    /// accepts says (a header, a query parameter or a cookie).
    pub fn key(value: impl Into<String>) -> Self {
        Credentials(CredentialKind::SchemeKeys(vec![SchemeKey {
            scheme: None,
            secret: Secret::new(value),
        }]))
    }

    /// Keys for several `apiKey` security schemes, by scheme name, for operations that
    /// need more than one at once (an application key and a user key, say).
    pub fn keys<N: Into<String>, V: Into<String>>(keys: impl IntoIterator<Item = (N, V)>) -> Self {
        Credentials(CredentialKind::SchemeKeys(
            keys.into_iter()
                .map(|(scheme, value)| SchemeKey {
                    scheme: Some(scheme.into()),
                    secret: Secret::new(value),
                })
                .collect(),
        ))
    }

    pub fn bearer_token(token: impl Into<String>) -> Self {
        Credentials(CredentialKind::BearerToken(Secret::new(token)))
    }

    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Credentials(CredentialKind::ClientCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            tokens: SharedTokens::default(),
        })
    }

    /// The scopes to ask OAuth2 tokens for (none unless set). Other credentials are
    /// returned unchanged.
    pub fn with_scopes<S: Into<String>>(self, scopes: impl IntoIterator<Item = S>) -> Self {
        match self.0 {
            CredentialKind::ClientCredentials {
                client_id,
                client_secret,
                ..
            } => Credentials(CredentialKind::ClientCredentials {
                client_id,
                client_secret,
                scopes: scopes.into_iter().map(Into::into).collect(),
                // Tokens of other scopes are not shared with the new value.
                tokens: SharedTokens::default(),
            }),
            other => Credentials(other),
        }
    }

    /// Whether an operation that accepts `accepts` can be sent with these credentials.
    pub(crate) fn fits(&self, accepts: &Accepts) -> bool {
        match &self.0 {
            CredentialKind::ApiKey { .. } => accepts.basic,
            CredentialKind::SchemeKeys(keys) => key_placements(keys, accepts).is_some(),
            CredentialKind::BearerToken(_) | CredentialKind::ClientCredentials { .. } => {
                accepts.bearer
            }
        }
    }

    pub(crate) fn describe(&self) -> &'static str {
        match &self.0 {
            CredentialKind::ApiKey { .. } => "an API key (HTTP basic)",
            CredentialKind::SchemeKeys(_) => "keys for the spec's apiKey schemes",
            CredentialKind::BearerToken(_) => "a bearer token",
            CredentialKind::ClientCredentials { .. } => "OAuth2 client credentials (bearer tokens)",
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
    /// When it expires: until then it is still used if a refresh fails.
    expires_at: tokio::time::Instant,
    /// When it was fetched: a 401 to a token younger than
    /// [`ClientBuilder::min_token_age_for_refresh`](super::ClientBuilder::min_token_age_for_refresh)
    /// does not retire it.
    fetched_at: tokio::time::Instant,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// The shortest and longest lifetime a token is given, whatever the endpoint says: zero
/// would mean a fetch for every request, and a very long one a token kept past any
/// rotation.
pub const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(10);
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// The longest a token fetch may take (and never longer than what is left of the
/// request's retry budget).
pub const TOKEN_FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of a token endpoint's answer that is read.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// The lifetime a token response's `expires_in` gives (seconds, as a number or as
/// digits), clamped to [`MIN_TOKEN_LIFETIME`]..=[`MAX_TOKEN_LIFETIME`]; the longest when it
/// says nothing usable.
#[doc(hidden)]
pub fn token_lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let seconds = match expires_in {
        Some(serde_json::Value::Number(n)) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Some(u),
            (None, Some(_), _) => Some(0),
            (None, None, Some(f)) if f.is_finite() => Some(if f <= 0.0 {
                0
            } else if f >= u64::MAX as f64 {
                u64::MAX
            } else {
                f as u64
            }),
            _ => None,
        },
        Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    seconds
        .map(Duration::from_secs)
        .unwrap_or(MAX_TOKEN_LIFETIME)
        .clamp(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME)
}

/// How long a failed token fetch is remembered: requests (and their retries) in that
/// time get the failure instead of starting fetches of their own. A token endpoint's
/// `Retry-After` makes it longer, up to [`MAX_TOKEN_FAILURE_MEMORY`].
pub const TOKEN_FAILURE_MEMORY: Duration = Duration::from_secs(1);
/// The longest a token endpoint's `Retry-After` keeps requests from fetching again.
pub const MAX_TOKEN_FAILURE_MEMORY: Duration = Duration::from_secs(300);
/// The youngest a token may be for a 401 to retire it unless told otherwise
/// ([`ClientBuilder::min_token_age_for_refresh`](super::ClientBuilder::min_token_age_for_refresh)).
/// A 401 to a token fetched moments ago says that the caller may not do this, not that
/// the token expired: fetching another would only repeat the 401, once per request.
pub const MIN_TOKEN_AGE_FOR_REFRESH: Duration = Duration::from_secs(5);

/// What became of a token a 401 rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retired {
    /// It was dropped: the next request fetches a new one.
    Dropped,
    /// Another request has already replaced it: the new one can be tried.
    Replaced,
    /// It is too young to have expired: the 401 stands.
    TooYoung,
    /// Another request held the cache past this one's budget: the 401 stands.
    Busy,
}

/// The last failed fetch of a token source.
struct FetchFailure {
    /// Which fetch it was (they are counted from 1).
    fetch: u64,
    /// When it failed.
    at: tokio::time::Instant,
    failure: TokenFailure,
}

/// The cache of a token source: the token, and the last fetch's failure.
#[derive(Default)]
struct TokenState {
    cached: Option<CachedToken>,
    failure: Option<FetchFailure>,
}

/// The token sources of one [`Credentials::client_credentials`] value and its clones, one
/// per token URL (and client, secret and scopes). It is not part of the value's identity: two credentials with the same
/// client and scopes are equal whatever their caches hold.
#[derive(Clone, Default)]
pub(crate) struct SharedTokens(Arc<std::sync::Mutex<Vec<TokenSource>>>);

impl SharedTokens {
    /// The token source for `token_url`, made on first use.
    pub(crate) fn source(
        &self,
        token_url: String,
        client_id: &str,
        client_secret: &Secret,
        scopes: &[String],
    ) -> TokenSource {
        // The list is only ever pushed to, so a panic elsewhere cannot leave it torn.
        let mut sources = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // The fields of the credentials are public and may be changed after cloning: a
        // cached token is shared only with the very same client, secret and scopes.
        if let Some(source) = sources.iter().find(|s| {
            s.token_url == token_url
                && s.client_id == client_id
                && &s.client_secret == client_secret
                && s.scopes == scopes
        }) {
            return source.clone();
        }
        let source = TokenSource::new(
            token_url,
            client_id.to_string(),
            client_secret.clone(),
            scopes.to_vec(),
        );
        sources.push(source.clone());
        source
    }
}

impl fmt::Debug for SharedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedTokens")
    }
}

impl PartialEq for SharedTokens {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SharedTokens {}

/// Fetches and caches OAuth2 access tokens (client credentials grant). The cache sits
/// behind an async mutex held while a token is fetched, so concurrent requests wait for
/// one refresh instead of starting their own; a fetch that fails fails for every request
/// that waited for it, rather than each making its own failing fetch in turn.
#[derive(Clone)]
pub(crate) struct TokenSource {
    token_url: String,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    cache: Arc<tokio::sync::Mutex<TokenState>>,
    /// How many fetches have started.
    fetches: Arc<std::sync::atomic::AtomicU64>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &super::text::shown_url(&self.token_url))
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Why a token could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenFailure {
    pub message: String,
    /// Whether trying again may help (the endpoint was unreachable or answered 5xx or 429).
    pub transient: bool,
    /// How long until a new fetch may start: for a failure remembered from an earlier
    /// fetch, what is left of its memory; for a fresh one, the endpoint's `Retry-After`.
    pub retry_in: Option<Duration>,
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
            cache: Arc::new(tokio::sync::Mutex::new(TokenState::default())),
            fetches: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }

    /// Whether the two sources share one cache (one token between them).
    #[cfg(all(test, feature = "client"))]
    pub(crate) fn shares_cache_with(&self, other: &TokenSource) -> bool {
        Arc::ptr_eq(&self.cache, &other.cache)
    }

    /// A valid token: the cached one, or a new one when it is missing or due for refresh.
    /// The fetch takes at most `timeout`, and never more than `budget`. When an early
    /// refresh fails, the cached token is used until it expires.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        budget: Duration,
        timeout: Option<Duration>,
    ) -> Result<Secret, TokenFailure> {
        use std::sync::atomic::Ordering;
        // Fetches started before this request waited for the cache.
        let before = self.fetches.load(Ordering::SeqCst);
        // Clients sharing the cache may have other limits: waiting for another request's
        // fetch is bounded by this one's, like a fetch of its own.
        let limit = timeout.map_or(budget, |t| t.min(budget));
        // One deadline for the wait and the fetch together.
        let started = tokio::time::Instant::now();
        // A limit past what an `Instant` can hold is a year: no fetch is waited on longer.
        let deadline = started
            .checked_add(limit)
            .or_else(|| started.checked_add(Duration::from_secs(365 * 24 * 3600)))
            .unwrap_or(started);
        let Ok(mut state) = tokio::time::timeout_at(deadline, self.cache.lock()).await else {
            return Err(TokenFailure {
                message: format!(
                    "another request's token fetch took longer than {} ms",
                    limit.as_millis()
                ),
                transient: true,
                retry_in: None,
            });
        };
        let now = tokio::time::Instant::now();
        let still_valid = |state: &TokenState, now| {
            state
                .cached
                .as_ref()
                .filter(|c| now < c.expires_at)
                .map(|c| c.token.clone())
        };
        if let Some(cached) = state.cached.as_ref().filter(|c| now < c.refresh_at) {
            return Ok(cached.token.clone());
        }
        if let Some(last) = &state.failure {
            // A fetch that started while this request waited has failed, or one failed a
            // moment ago: so does this request, without a fetch of its own.
            let memory = last
                .failure
                .retry_in
                .unwrap_or_default()
                .clamp(TOKEN_FAILURE_MEMORY, MAX_TOKEN_FAILURE_MEMORY);
            let forgotten_at = last.at.checked_add(memory).unwrap_or(last.at);
            if last.fetch > before || now < forgotten_at {
                let failure = TokenFailure {
                    retry_in: Some(forgotten_at.saturating_duration_since(now)),
                    ..last.failure.clone()
                };
                return still_valid(&state, now).ok_or(failure);
            }
        }
        let this_fetch = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        // The fetch never outlasts the caller's budget, whatever the timeout setting.
        let fetched = match tokio::time::timeout_at(deadline, self.fetch(http)).await {
            Ok(result) => result,
            Err(_) => Err(TokenFailure {
                message: format!(
                    "the token endpoint did not answer within {} ms",
                    limit.as_millis()
                ),
                transient: true,
                retry_in: None,
            }),
        };
        let now = tokio::time::Instant::now();
        match fetched {
            Ok(fresh) => {
                let token = fresh.token.clone();
                *state = TokenState {
                    cached: Some(fresh),
                    failure: None,
                };
                Ok(token)
            }
            Err(failure) => {
                state.failure = Some(FetchFailure {
                    fetch: this_fetch,
                    at: now,
                    failure: failure.clone(),
                });
                match still_valid(&state, now) {
                    Some(token) => {
                        tracing::debug!("token refresh failed; the current token is still valid");
                        Ok(token)
                    }
                    None => Err(failure),
                }
            }
        }
    }

    /// Retires `rejected` after a 401: drops it from the cache unless another request has
    /// already replaced it, or it is younger than `min_age`. Waits for the cache no longer
    /// than `budget`. Requests that met a 401 with the same token together retire it once
    /// (the first drops it, the others find it replaced or gone), so the fetch that follows
    /// is one for them all.
    pub(crate) async fn retire(
        &self,
        rejected: &Secret,
        min_age: Duration,
        budget: Duration,
    ) -> Retired {
        let Ok(mut state) = tokio::time::timeout(budget, self.cache.lock()).await else {
            return Retired::Busy;
        };
        match &state.cached {
            Some(cached) if &cached.token == rejected => {
                if cached.fetched_at.elapsed() < min_age {
                    Retired::TooYoung
                } else {
                    state.cached = None;
                    Retired::Dropped
                }
            }
            // Replaced by another request, or dropped by one that met the same 401 (its
            // fetch, if it failed, is remembered as a failure, not retried by this one).
            _ => Retired::Replaced,
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, TokenFailure> {
        let mut form = vec![("grant_type", "client_credentials".to_string())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        // RFC 6749 §2.3.1: the client id and secret are form-encoded before they are put
        // in the basic credentials, so `%`, `+` and `:` reach the server as written.
        let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let mut sent = http
            .post(&self.token_url)
            .basic_auth(
                encode(&self.client_id),
                Some(encode(self.client_secret.expose())),
            )
            .form(&form)
            .send()
            .await
            .map_err(|e| TokenFailure {
                message: format!(
                    "the token endpoint could not be reached: {}",
                    e.without_url()
                ),
                transient: true,
                retry_in: None,
            })?;
        let status = sent.status();
        // The answer may hold a token: it is read within a bound and never quoted in an
        // error.
        let mut body = Vec::new();
        while let Some(chunk) = sent.chunk().await.map_err(|e| TokenFailure {
            message: format!(
                "the token endpoint's answer could not be read: {}",
                e.without_url()
            ),
            transient: true,
            retry_in: None,
        })? {
            if body.len() + chunk.len() > MAX_TOKEN_BODY {
                return Err(TokenFailure {
                    message: format!(
                        "the token endpoint's answer is larger than {MAX_TOKEN_BODY} bytes"
                    ),
                    transient: false,
                    retry_in: None,
                });
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            // The endpoint may say how long to leave it alone (RFC 9110 §10.2.3).
            let retry_in = super::headers::retry_after(sent.headers());
            // RFC 6749 §5.2: the `error` code says what went wrong and is not secret.
            let code = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
                .filter(|c| c.len() <= 64 && c.chars().all(|c| c.is_ascii_graphic()));
            let mut message = format!("the token endpoint answered {status}");
            if let Some(code) = code {
                message.push_str(&format!(" ({code})"));
            }
            return Err(TokenFailure {
                message,
                transient: status.is_server_error() || status.as_u16() == 429,
                retry_in,
            });
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| TokenFailure {
            message: "the token endpoint's answer is not a token response with an `access_token`"
                .into(),
            transient: false,
            retry_in: None,
        })?;
        // A token is sent as a header value: one that cannot be (a control character, say)
        // would make every request fail before it is sent, never meet a 401, and so never
        // be replaced. It is refused here, not cached.
        if parsed.access_token.is_empty()
            || reqwest::header::HeaderValue::from_str(&parsed.access_token).is_err()
        {
            return Err(TokenFailure {
                message: "the token endpoint's access token is empty or not a valid header value"
                    .into(),
                transient: false,
                retry_in: None,
            });
        }
        // Refresh after four fifths of the lifetime, at most a minute before expiry.
        let lifetime = token_lifetime(parsed.expires_in.as_ref());
        let early = (lifetime / 5).min(Duration::from_secs(60));
        let now = tokio::time::Instant::now();
        let at = |d: Duration| now.checked_add(d).unwrap_or(now);
        Ok(CachedToken {
            token: Secret::new(parsed.access_token),
            refresh_at: at(lifetime.saturating_sub(early)),
            expires_at: at(lifetime),
            fetched_at: now,
        })
    }
}
