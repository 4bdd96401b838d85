//! The HTTP client every operation method runs on, and its settings.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use super::auth::{
    key_placements, CredentialKind, Credentials, KeyLocation, KeyPlacement, Retired, Secret,
    TokenSource, MIN_TOKEN_AGE_FOR_REFRESH, TOKEN_FETCH_TIMEOUT,
};
use super::error::DecodeError;
use super::error::Error;
use super::exchange::{Answer, Operation, Sent, Unread};
use super::headers::{header_seconds, header_string, header_text, retry_after, REQUEST_ID_HEADER};
use super::retry::{is_idempotent, status_is_retryable, RetryPolicy};

/// The largest event (or JSON line) a stream reads unless told otherwise: 16 MiB. Events
/// that carry generated images in base64 run to several megabytes.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// How much of a response body the client reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Limits {
    /// A success body larger than this is an error, and is not read past it.
    body: usize,
    /// Of an error body, only this much is read: enough to parse the documented error.
    error_body: usize,
}

/// Why a body was not read whole.
enum BodyFailure {
    TooLarge(usize),
    Transport(reqwest::Error),
}

/// Reads a body chunk by chunk, never holding more than the limit for its status. A
/// success body over the limit is an error (a `Content-Length` over it is refused before
/// reading); an error body is cut at its limit, and the rest is not read.
async fn read_body(
    mut response: reqwest::Response,
    status: u16,
    limits: &Limits,
) -> Result<Vec<u8>, BodyFailure> {
    let success = (200..300).contains(&status);
    let limit = if success {
        limits.body
    } else {
        limits.error_body
    };
    let declared = response.content_length().unwrap_or(0);
    if success && declared > limit as u64 {
        return Err(BodyFailure::TooLarge(limit));
    }
    // Capacity is taken from the declared length only up to a small bound: the header
    // is the server's word, not a measurement.
    let mut body = Vec::with_capacity((declared as usize).min(limit).min(1 << 20));
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Transport)? {
        let room = limit - body.len();
        if chunk.len() > room {
            if success {
                return Err(BodyFailure::TooLarge(limit));
            }
            body.extend_from_slice(&chunk[..room]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// How long the server asked to wait before trying again: `Retry-After`, or for 429
/// `X-RateLimit-Reset`.
fn server_wait(status: u16, headers: &HeaderMap) -> Option<Duration> {
    retry_after(headers).or_else(|| {
        (status == 429)
            .then(|| header_seconds(headers, "x-ratelimit-reset"))
            .flatten()
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The HTTP client every operation method runs on.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    credentials: Option<Credentials>,
    tokens: Option<TokenSource>,
    token_timeout: Option<Duration>,
    min_token_age_for_refresh: Duration,
    retry: RetryPolicy,
    default_headers: HeaderMap,
    limits: Limits,
    max_pages: u64,
    timeout: Duration,
    stream_timeout: Duration,
    stream_idle_timeout: Duration,
    max_event_bytes: usize,
}

/// The base URL without its password; default header values are marked sensitive, which
/// `HeaderMap`'s own `Debug` honours.
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &super::text::shown_url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("tokens", &self.tokens)
            .field("retry", &self.retry)
            .field("default_headers", &self.default_headers)
            .field("limits", &self.limits)
            .field("max_pages", &self.max_pages)
            .field("timeout", &self.timeout)
            .field("stream_timeout", &self.stream_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_event_bytes", &self.max_event_bytes)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`], or for a generated crate's client (`C`), which wraps one.
pub struct ClientBuilder<C = Client> {
    base_url: String,
    token_url: Option<String>,
    credentials: Option<Credentials>,
    http: Option<HttpClient>,
    redirects_handled: bool,
    user_agent: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    allow_insecure_http: bool,
    retry: RetryPolicy,
    default_headers: Vec<(String, String)>,
    limits: Limits,
    token_timeout: Option<Duration>,
    min_token_age_for_refresh: Duration,
    max_pages: u64,
    stream_timeout: Duration,
    stream_idle_timeout: Duration,
    max_event_bytes: usize,
    builds: std::marker::PhantomData<fn() -> C>,
}

/// A `reqwest` client the caller gives: built, or to be built with the runtime's redirect
/// rule.
enum HttpClient {
    Built(reqwest::Client),
    Builder(Box<reqwest::ClientBuilder>),
}

/// URLs without their passwords, and default headers by name only: any of them may hold
/// a credential.
impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &super::text::shown_url(&self.base_url))
            .field(
                "token_url",
                &self.token_url.as_deref().map(super::text::shown_url),
            )
            .field("credentials", &self.credentials)
            .field("http_client_given", &self.http.is_some())
            .field("redirects_handled", &self.redirects_handled)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("retry", &self.retry)
            .field("default_header_names", &header_names)
            .field("limits", &self.limits)
            .field("token_timeout", &self.token_timeout)
            .field("min_token_age_for_refresh", &self.min_token_age_for_refresh)
            .field("max_pages", &self.max_pages)
            .field("stream_timeout", &self.stream_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_event_bytes", &self.max_event_bytes)
            .finish()
    }
}

/// The longest a `*_streaming` download may take unless told otherwise: one hour.
pub const DEFAULT_STREAM_TIMEOUT: Duration = Duration::from_secs(3600);

/// The longest a streamed body may go without a byte unless told otherwise: one minute.
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The most pages a paging stream reads unless told otherwise.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// The largest success body a client reads unless told otherwise: 128 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 128 * 1024 * 1024;
/// The most of an error body a client reads unless told otherwise: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for a client of the API at `default_base_url`, whose OAuth2 tokens (if
    /// any) come from `default_token_url`. A generated crate's `Client::builder()` calls it
    /// with its spec's servers; a [`Client`] built here directly can be shared by the
    /// clients of several generated crates (each has `From<Client>`).
    pub fn new(default_base_url: &str, default_token_url: Option<&str>) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_string(),
            token_url: default_token_url.map(str::to_string),
            credentials: None,
            http: None,
            redirects_handled: false,
            user_agent: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            allow_insecure_http: false,
            retry: RetryPolicy::default(),
            default_headers: Vec::new(),
            limits: Limits {
                body: DEFAULT_MAX_BODY_BYTES,
                error_body: DEFAULT_MAX_ERROR_BODY_BYTES,
            },
            token_timeout: Some(TOKEN_FETCH_TIMEOUT),
            min_token_age_for_refresh: MIN_TOKEN_AGE_FOR_REFRESH,
            max_pages: DEFAULT_MAX_PAGES,
            stream_timeout: DEFAULT_STREAM_TIMEOUT,
            stream_idle_timeout: DEFAULT_STREAM_IDLE_TIMEOUT,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            builds: std::marker::PhantomData,
        }
    }

    /// The longest a `*_streaming` download may take, body included
    /// ([`DEFAULT_STREAM_TIMEOUT`] unless set). It replaces [`ClientBuilder::timeout`] for
    /// the body of those requests, which would otherwise cut a large download off after a
    /// minute; the response headers (and an error body) must still arrive within
    /// [`ClientBuilder::timeout`].
    pub fn stream_timeout(mut self, timeout: Duration) -> Self {
        self.stream_timeout = timeout;
        self
    }

    /// The longest a streamed body may go without a byte
    /// ([`DEFAULT_STREAM_IDLE_TIMEOUT`] unless set): a stalled download ends with an error
    /// instead of waiting out [`ClientBuilder::stream_timeout`].
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// The largest event (or JSON line) an event stream reads
    /// ([`DEFAULT_MAX_EVENT_BYTES`](super::DEFAULT_MAX_EVENT_BYTES) unless set): a larger one
    /// ends the stream with [`EventError::TooLarge`](super::EventError::TooLarge), and is not
    /// read past the limit.
    pub fn max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = limit;
        self
    }

    /// The youngest an OAuth2 token may be for a 401 to retire it
    /// ([`MIN_TOKEN_AGE_FOR_REFRESH`](super::MIN_TOKEN_AGE_FOR_REFRESH) unless set). A 401
    /// to an older token fetches a new one (once for all the requests that met it) and
    /// sends the request again; a 401 to a younger one is returned as it is, since a token
    /// that new was refused for a permission, not for its age.
    pub fn min_token_age_for_refresh(mut self, age: Duration) -> Self {
        self.min_token_age_for_refresh = age;
        self
    }

    /// The most pages a `*_stream` method reads ([`DEFAULT_MAX_PAGES`] unless set); past
    /// it, the stream ends with [`Error::Paging`].
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages;
        self
    }

    /// The longest an OAuth2 token fetch may take ([`TOKEN_FETCH_TIMEOUT`] unless set). A
    /// fetch never takes longer than what is left of the request's retry budget
    /// ([`RetryPolicy::max_elapsed`]), with or without this timeout.
    pub fn token_fetch_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.token_timeout = timeout;
        self
    }

    /// The largest success body the client reads ([`DEFAULT_MAX_BODY_BYTES`] unless set):
    /// a larger one is an [`Error::Decode`] saying so, and is not read past the limit.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.limits.body = limit;
        self
    }

    /// How much of an error body the client reads ([`DEFAULT_MAX_ERROR_BODY_BYTES`] unless
    /// set): enough to parse the documented error; the rest is not read.
    pub fn max_error_body_bytes(mut self, limit: usize) -> Self {
        self.limits.error_body = limit;
        self
    }

    /// The server to talk to, e.g. `https://api.example.com`; a path prefix is kept.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Where OAuth2 client credentials are exchanged for tokens (default: the spec's).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Uses a `reqwest` client built from this builder, with the runtime's redirect rule
    /// ([`same_origin_redirects`]) put in place of any it has, so that credentials never
    /// follow a redirect to another origin. The builder's own timeouts and settings apply;
    /// [`ClientBuilder::timeout`] still bounds the wait for the headers of a streamed call.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(HttpClient::Builder(Box::new(builder)));
        self
    }

    /// Uses this `reqwest` client as it is. Its own timeouts and settings apply, the
    /// builder's are not used, and the runtime cannot give it its redirect rule: `build`
    /// refuses it unless [`ClientBuilder::redirects_handled`] says the client was built
    /// with a rule that keeps credentials within the origin
    /// (`.redirect(same_origin_redirects())` or `Policy::none()`). Prefer
    /// [`ClientBuilder::http_client_builder`], which puts the rule in place.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(HttpClient::Built(client));
        self
    }

    /// Says that the client given with [`ClientBuilder::http_client`] follows no redirect
    /// to another origin (it was built with `.redirect(same_origin_redirects())` or
    /// `Policy::none()`). API keys and default headers travel in headers `reqwest` cannot
    /// know to drop, so a client that follows redirects anywhere would send them there.
    pub fn redirects_handled(mut self, handled: bool) -> Self {
        self.redirects_handled = handled;
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The longest one attempt may take (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::disabled`] sends each once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Allows a plain `http://` base URL on a host other than this machine. Credentials
    /// would then cross the network unencrypted; only for test setups.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The client, or what is wrong with the settings.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url = checked_url(&self.base_url, "base URL", self.allow_insecure_http)?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| BuildError(format!("`{name}` is not a valid header name")))?;
            // HeaderValue refuses CR and LF, so a value cannot smuggle in more headers.
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                BuildError(format!(
                    "the value of header `{name}` is not a valid header value"
                ))
            })?;
            // A default header may well carry a credential: keep it out of Debug output.
            value.set_sensitive(true);
            default_headers.append(header, value);
        }
        if let Some(agent) = &self.user_agent {
            // Sent as a header on each request, so it applies to a client passed in too.
            let value = HeaderValue::from_str(agent)
                .map_err(|_| BuildError("the user agent is not a valid header value".into()))?;
            default_headers.insert(reqwest::header::USER_AGENT, value);
        }
        let tokens = match self.credentials.as_ref().map(|c| &c.0) {
            Some(CredentialKind::ClientCredentials {
                client_id,
                client_secret,
                scopes,
                tokens,
            }) => {
                let url = self.token_url.as_deref().ok_or_else(|| {
                    BuildError(
                        "OAuth2 client credentials need a token URL; set one with `token_url`"
                            .into(),
                    )
                })?;
                let url = checked_url(url, "token URL", self.allow_insecure_http)?;
                Some(tokens.source(url, client_id, client_secret, scopes))
            }
            _ => None,
        };
        let http = match self.http {
            Some(HttpClient::Built(http)) if self.redirects_handled => http,
            Some(HttpClient::Built(_)) => return Err(BuildError(
                "a reqwest::Client given with http_client may follow redirects to other hosts, \
                     taking the client's credentials along: give its builder with \
                     http_client_builder (the runtime puts its redirect rule in place), or build \
                     it with .redirect(same_origin_redirects()) and say so with \
                     redirects_handled(true)"
                    .into(),
            )),
            Some(HttpClient::Builder(builder)) => (*builder)
                .redirect(same_origin_redirects())
                .build()
                .map_err(|e| BuildError(format!("the HTTP client could not be built: {e}")))?,
            None => {
                let agent = self.user_agent.unwrap_or_else(|| {
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string()
                });
                reqwest::Client::builder()
                    .user_agent(agent)
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .redirect(same_origin_redirects())
                    .build()
                    .map_err(|e| BuildError(format!("the HTTP client could not be built: {e}")))?
            }
        };
        Ok(C::from(Client {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            credentials: self.credentials,
            tokens,
            token_timeout: self.token_timeout,
            min_token_age_for_refresh: self.min_token_age_for_refresh,
            retry: self.retry,
            default_headers,
            limits: self.limits,
            max_pages: self.max_pages,
            timeout: self.timeout,
            stream_timeout: self.stream_timeout,
            stream_idle_timeout: self.stream_idle_timeout,
            max_event_bytes: self.max_event_bytes,
        }))
    }
}

/// Redirects are followed only within the origin (scheme, host and port) of the request,
/// at most ten times. Credentials travel in headers and query parameters of the client's
/// own naming (API keys, default headers), which `reqwest` cannot know to drop: a redirect
/// to another origin, or from https to http, is not followed, and its 3xx answer is
/// returned as an error, so nothing is sent where the caller did not send it.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Checks a URL the client will send credentials to: https, or http on this machine (or
/// when allowed), with no query or fragment.
fn checked_url(url: &str, what: &str, allow_insecure_http: bool) -> Result<String, BuildError> {
    let shown_url = super::text::shown_url(url);
    let url_text = url;
    let url = shown_url.as_str();
    if url.is_empty() {
        return Err(BuildError(format!(
            "no {what} is set, and the spec names none"
        )));
    }
    let parsed = reqwest::Url::parse(url_text)
        .map_err(|e| BuildError(format!("the {what} `{url}` is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&parsed) => {}
        "http" => {
            return Err(BuildError(format!(
                "the {what} `{url}` is not https; use https, or allow_insecure_http(true) for a test server"
            )))
        }
        other => return Err(BuildError(format!("the {what} scheme `{other}` is not http or https"))),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(BuildError(format!(
            "the {what} `{url}` must not have a query or fragment"
        )));
    }
    Ok(parsed.as_str().to_string())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Why a [`ClientBuilder`] could not build a client; its `Display` says what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

impl Client {
    /// A builder for a client of the API at `base_url`; see [`ClientBuilder::new`].
    pub fn builder(base_url: &str) -> ClientBuilder<Client> {
        ClientBuilder::new(base_url, None)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn max_event_bytes(&self) -> usize {
        self.max_event_bytes
    }

    pub(crate) fn stream_idle_timeout(&self) -> Duration {
        self.stream_idle_timeout
    }

    /// How far the client's paging streams go.
    pub(crate) fn page_limit(&self) -> super::paging::PageLimit {
        super::paging::PageLimit {
            max_pages: self.max_pages,
        }
    }

    /// Aims `request` at a URL the server named for a page; see `__private::at_url`.
    pub(crate) fn at_url<E>(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<reqwest::RequestBuilder, Error<E>> {
        let refuse = |why: String| Error::Paging(why);
        let base = reqwest::Url::parse(&format!("{}/", self.base_url))
            .map_err(|e| refuse(format!("the base URL does not parse: {e}")))?;
        let target = base.join(url.trim()).map_err(|e| {
            refuse(format!(
                "the next page's URL `{}` does not parse: {e}",
                super::text::bounded(url, super::text::MESSAGE_CHARS / 2)
            ))
        })?;
        if target.origin() != base.origin() {
            return Err(refuse(format!(
                "the next page is on another origin ({}), which is not followed with this client's credentials",
                super::text::bounded(&target.origin().ascii_serialization(), super::text::MESSAGE_CHARS / 2)
            )));
        }
        let (client, built) = request.build_split();
        let mut built = built.map_err(|e| Error::Transport(e.without_url()))?;
        *built.url_mut() = target;
        Ok(reqwest::RequestBuilder::from_parts(client, built))
    }

    /// Starts a request to the path made of `path` (its pieces, already filled in and
    /// encoded), joined after the base URL into one string.
    pub(crate) fn start(&self, operation: &Operation, path: &[&str]) -> reqwest::RequestBuilder {
        let length = path.iter().map(|piece| piece.len()).sum::<usize>();
        let mut url = String::with_capacity(self.base_url.len().saturating_add(length));
        url.push_str(&self.base_url);
        path.iter().for_each(|piece| url.push_str(piece));
        let request = self.http.request(operation.method.clone(), url);
        if self.default_headers.is_empty() {
            request
        } else {
            request.headers(self.default_headers.clone())
        }
    }

    /// Sends a request with the credentials the operation accepts, retrying as the retry
    /// policy allows, inside a tracing span for the operation.
    pub(crate) async fn send<E>(
        &self,
        operation: &Operation,
        request: reqwest::RequestBuilder,
    ) -> Result<Sent, Error<E>> {
        match self.send_answer(operation, request, false).await? {
            Answer::Read(sent) => Ok(sent),
            // Only `send_streaming` leaves a body unread; should that ever change, the call
            // fails rather than handing on an empty body.
            Answer::Unread(_) => Err(Error::InvalidRequest(format!(
                "`{}`: the response body was left unread",
                operation.id
            ))),
        }
    }

    /// [`Client::send`], leaving a success body unread for the caller to stream. Error
    /// bodies are read as always (within the error limit).
    pub(crate) async fn send_streaming<E>(
        &self,
        operation: &Operation,
        request: reqwest::RequestBuilder,
    ) -> Result<Answer, Error<E>> {
        // The client's timeout counts until the whole body is read; a stream has its own.
        let request = request.timeout(self.stream_timeout);
        self.send_answer(operation, request, true).await
    }

    async fn send_answer<E>(
        &self,
        operation: &Operation,
        request: reqwest::RequestBuilder,
        stream_success: bool,
    ) -> Result<Answer, Error<E>> {
        let span = tracing::info_span!(
            "http_request",
            operation_id = operation.id,
            method = %operation.method,
            path = operation.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        self.send_with_retries(operation, request, stream_success)
            .instrument(span)
            .await
    }

    async fn send_with_retries<E>(
        &self,
        operation: &Operation,
        request: reqwest::RequestBuilder,
        stream_success: bool,
    ) -> Result<Answer, Error<E>> {
        let started = tokio::time::Instant::now();
        let mut original = Some(request);
        let mut attempt = 0;
        let mut refreshed_after_401 = false;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempt", attempt);
            // A body that cannot be copied (a streamed multipart form) can be sent once only.
            // The request is copied only while another attempt may follow; the last one
            // sends the original.
            let more_to_come = attempt < self.retry.max_attempts;
            let (this, last_chance) = match original
                .as_ref()
                .filter(|_| more_to_come)
                .and_then(reqwest::RequestBuilder::try_clone)
            {
                Some(copy) => (copy, false),
                None => match original.take() {
                    Some(only) => (only, true),
                    None => {
                        return Err(Error::InvalidRequest(
                            "the request body can only be sent once".into(),
                        ))
                    }
                },
            };
            // A retry waits only while the policy allows another attempt in its budget.
            let retry_after = |hint: Option<Duration>| {
                self.retry
                    .delay(attempt, started.elapsed(), hint)
                    .filter(|_| !last_chance)
            };
            let budget = self.retry.max_elapsed.saturating_sub(started.elapsed());
            let (this, token) = match self.authorize(operation, this, budget).await {
                Ok(authorized) => authorized,
                Err(AuthorizeFailure::Fatal(e)) => return Err(e),
                Err(AuthorizeFailure::Transient(message, wait)) => match retry_after(wait) {
                    Some(wait) => {
                        tracing::debug!(wait_ms = millis(wait), "token endpoint failed; retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    None => return Err(Error::Authentication(message)),
                },
            };
            // A streamed call's transport timeout is the whole stream's; its headers must
            // still come within the client's timeout.
            let sent = if stream_success {
                match tokio::time::timeout(self.timeout, this.send()).await {
                    Ok(sent) => sent,
                    Err(_) if is_idempotent(&operation.method) => match retry_after(None) {
                        Some(wait) => {
                            tracing::debug!(wait_ms = millis(wait), "no headers in time; retrying");
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        None => return Err(self.headers_timeout()),
                    },
                    Err(_) => return Err(self.headers_timeout()),
                }
            } else {
                this.send().await
            };
            let failure = match sent {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let span = tracing::Span::current();
                    if !span.is_disabled() {
                        span.record("status", status);
                        if let Some(id) = header_string(response.headers(), REQUEST_ID_HEADER) {
                            span.record("request_id", id.as_str());
                        }
                    }
                    if status == 401 && !refreshed_after_401 {
                        if let (Some(tokens), Some(token)) = (&self.tokens, &token) {
                            // The token may have been revoked or expired early: retire it
                            // and try again straight away, as one more attempt, unless it
                            // is too young to have expired (then the 401 stands).
                            if retry_after(Some(Duration::ZERO)).is_some() {
                                let budget =
                                    self.retry.max_elapsed.saturating_sub(started.elapsed());
                                let retired = tokens
                                    .retire(token, self.min_token_age_for_refresh, budget)
                                    .await;
                                tracing::debug!(?retired, "401 with a cached token");
                                if matches!(retired, Retired::Dropped | Retired::Replaced) {
                                    refreshed_after_401 = true;
                                    continue;
                                }
                            }
                        }
                    }
                    if status_is_retryable(status, &operation.method) {
                        let hint = server_wait(status, response.headers());
                        if let Some(wait) = retry_after(hint) {
                            tracing::debug!(status, wait_ms = millis(wait), "retrying");
                            drop(response);
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                    }
                    // Taken, not copied: the body is read without them.
                    let mut response = response;
                    let headers = std::mem::take(response.headers_mut());
                    if stream_success && (200..300).contains(&status) {
                        return Ok(Answer::Unread(Unread {
                            status,
                            headers,
                            attempts: attempt,
                            response,
                            idle_timeout: self.stream_idle_timeout,
                        }));
                    }
                    // Only an error body is read here for a streamed call: it is bounded by
                    // the client's timeout, not the stream's.
                    let read = if stream_success {
                        match tokio::time::timeout(
                            self.timeout,
                            read_body(response, status, &self.limits),
                        )
                        .await
                        {
                            Ok(read) => read,
                            Err(_) => {
                                return Err(Error::Timeout(format!(
                                    "the body of the {status} answer did not arrive within {} ms",
                                    self.timeout.as_millis()
                                )))
                            }
                        }
                    } else {
                        read_body(response, status, &self.limits).await
                    };
                    match read {
                        Ok(body) => {
                            return Ok(Answer::Read(Sent {
                                status,
                                headers,
                                body,
                                attempts: attempt,
                            }))
                        }
                        Err(BodyFailure::TooLarge(limit)) => {
                            return Err(Error::Decode(Box::new(DecodeError::new(
                                status,
                                header_text(&headers, REQUEST_ID_HEADER),
                                "",
                                &format!(
                                    "the body is larger than {limit} bytes, the most this client reads (ClientBuilder::max_body_bytes)"
                                ),
                                &[],
                            ))))
                        }
                        // A body cut off on the way: for methods that may be repeated,
                        // like any other failure on the way.
                        Err(BodyFailure::Transport(e)) => e,
                    }
                }
                Err(e) => e,
            };
            // The URL may carry identifiers or a key in its query; the error (and the
            // trace of a retry) keeps what went wrong, not where.
            let e = failure.without_url();
            // A connection that was never made means the server never saw the request, so
            // even POST may be sent again. A request that could not be built, or that
            // redirected too often, will not do better a second time.
            let retryable = (e.is_connect() || is_idempotent(&operation.method))
                && !e.is_builder()
                && !e.is_redirect();
            if retryable {
                if let Some(wait) = retry_after(None) {
                    tracing::debug!(error = %e, wait_ms = millis(wait), "retrying");
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            return Err(Error::Transport(e));
        }
    }

    fn headers_timeout<E>(&self) -> Error<E> {
        Error::Timeout(format!(
            "no response headers within {} ms (ClientBuilder::timeout)",
            self.timeout.as_millis()
        ))
    }

    /// Adds the credentials the operation accepts. Returns the bearer token used, if any,
    /// so that a 401 can retire it.
    async fn authorize<E>(
        &self,
        operation: &Operation,
        request: reqwest::RequestBuilder,
        budget: Duration,
    ) -> Result<(reqwest::RequestBuilder, Option<Secret>), AuthorizeFailure<E>> {
        let Some(credentials) = &self.credentials else {
            return Ok((request, None));
        };
        if !credentials.fits(&operation.accepts) {
            let accepts = &operation.accepts;
            if accepts.anonymous || !(accepts.basic || accepts.bearer || !accepts.keys.is_empty()) {
                return Ok((request, None));
            }
            let wanted = match (accepts.basic, accepts.bearer) {
                (true, _) => "an API key (HTTP basic)",
                (_, true) => "a bearer token or OAuth2 client credentials",
                _ => "keys for its apiKey schemes (Credentials::key or Credentials::keys)",
            };
            return Err(AuthorizeFailure::Fatal(Error::InvalidRequest(format!(
                "`{}` needs {wanted}, but the client has {}",
                operation.id,
                credentials.describe()
            ))));
        }
        // Both helpers mark the `Authorization` header as sensitive.
        match &credentials.0 {
            CredentialKind::ApiKey { id, secret } => {
                Ok((request.basic_auth(id, Some(secret.expose())), None))
            }
            CredentialKind::BearerToken(token) => Ok((request.bearer_auth(token.expose()), None)),
            CredentialKind::SchemeKeys(keys) => {
                let placements = key_placements(keys, &operation.accepts).unwrap_or_default();
                place_keys(request, &placements)
                    .map(|r| (r, None))
                    .map_err(AuthorizeFailure::Fatal)
            }
            CredentialKind::ClientCredentials { .. } => {
                let Some(tokens) = &self.tokens else {
                    return Ok((request, None));
                };
                match tokens.token(&self.http, budget, self.token_timeout).await {
                    Ok(token) => Ok((request.bearer_auth(token.expose()), Some(token))),
                    Err(failure) if failure.transient => Err(AuthorizeFailure::Transient(
                        failure.message,
                        failure.retry_in,
                    )),
                    Err(failure) => Err(AuthorizeFailure::Fatal(Error::Authentication(
                        failure.message,
                    ))),
                }
            }
        }
    }
}

/// Puts each key where its scheme says. Header values are marked sensitive; a cookie is
/// added to the `Cookie` header the request may already carry (one header, as RFC 6265
/// asks).
fn place_keys<E>(
    mut request: reqwest::RequestBuilder,
    placements: &[(&KeyPlacement, &Secret)],
) -> Result<reqwest::RequestBuilder, Error<E>> {
    let mut cookies = Vec::new();
    for (placement, secret) in placements {
        match placement.location {
            KeyLocation::Header => {
                let mut value = HeaderValue::from_str(secret.expose()).map_err(|_| {
                    Error::InvalidRequest(format!(
                        "the key for `{}` is not a valid header value",
                        placement.scheme
                    ))
                })?;
                value.set_sensitive(true);
                request = request.header(placement.name, value);
            }
            KeyLocation::Query => request = request.query(&[(placement.name, secret.expose())]),
            KeyLocation::Cookie => cookies.push(super::request::cookie_pair(
                placement.name,
                secret.expose(),
            )?),
        }
    }
    if cookies.is_empty() {
        return Ok(request);
    }
    let (http, built) = request.build_split();
    let mut built = built.map_err(|e| Error::Transport(e.without_url()))?;
    let existing = built
        .headers_mut()
        .remove(reqwest::header::COOKIE)
        .and_then(|v| v.to_str().ok().map(str::to_string));
    let joined = existing
        .into_iter()
        .chain(cookies)
        .collect::<Vec<_>>()
        .join("; ");
    let mut value = HeaderValue::from_str(&joined)
        .map_err(|_| Error::InvalidRequest("a cookie is not a valid header value".into()))?;
    value.set_sensitive(true);
    built.headers_mut().insert(reqwest::header::COOKIE, value);
    Ok(reqwest::RequestBuilder::from_parts(http, built))
}

enum AuthorizeFailure<E> {
    /// A failure that may pass, with how long to wait before trying again when known.
    Transient(String, Option<Duration>),
    Fatal(Error<E>),
}
