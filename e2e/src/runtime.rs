//! Support code shared by every generated client: credentials, the HTTP client, request
//! and response helpers, and the error type.
//!
//! This file does not depend on any spec. The generator copies it verbatim into each
//! crate it writes; the generated operation methods only call into it.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// How much of an unreadable body an error keeps, in characters.
const EXCERPT_CHARS: usize = 200;

/// The response header that carries the server's request id.
const REQUEST_ID_HEADER: &str = "x-request-id";

// ---------------------------------------------------------------------------------------
// Credentials

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

    fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        // Both helpers mark the `Authorization` header as sensitive.
        match self {
            Credentials::ApiKey { id, secret } => request.basic_auth(id, Some(secret.expose())),
            Credentials::BearerToken(token) => request.bearer_auth(token.expose()),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Enum values read from a server

/// A value of a closed enum as read from a server. Servers add enum values over time; a
/// value this client does not know is kept as `Unknown` instead of failing the response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<T> {
    Known(T),
    Unknown(String),
}

impl<T> Open<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Open::Known(value) => Some(value),
            Open::Unknown(_) => None,
        }
    }
}

impl<T> From<T> for Open<T> {
    fn from(value: T) -> Self {
        Open::Known(value)
    }
}

impl<T: Serialize> Serialize for Open<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Open::Known(value) => value.serialize(serializer),
            Open::Unknown(raw) => serializer.serialize_str(raw),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Open<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let as_known =
            T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&raw));
        Ok(match as_known {
            Ok(value) => Open::Known(value),
            Err(_) => Open::Unknown(raw),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Optional nullable properties

/// (De)serializes `Option<Option<T>>` so that an absent property (`None`, with
/// `#[serde(default)]`) and an explicit `null` (`Some(None)`) stay apart.
#[doc(hidden)]
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

// ---------------------------------------------------------------------------------------
// Tagged enums (oneOf with a discriminator)

/// Serializes `inner` as a JSON object with the discriminator property added.
#[doc(hidden)]
pub fn serialize_tagged<S, T>(
    serializer: S,
    tag: &str,
    value: &str,
    inner: &T,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: Serialize,
{
    use serde::ser::Error as _;
    let mut object = match serde_json::to_value(inner).map_err(S::Error::custom)? {
        serde_json::Value::Object(map) => map,
        _ => {
            return Err(S::Error::custom(
                "a tagged enum variant must serialize as an object",
            ))
        }
    };
    object.insert(
        tag.to_string(),
        serde_json::Value::String(value.to_string()),
    );
    object.serialize(serializer)
}

/// The discriminator value of an object, if it has one that is a string.
#[doc(hidden)]
pub fn tag_of<'v>(value: &'v serde_json::Value, tag: &str) -> Option<&'v str> {
    value.get(tag).and_then(serde_json::Value::as_str)
}

#[doc(hidden)]
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

#[doc(hidden)]
pub fn unknown_tag<E: serde::de::Error>(tag: &str, value: &serde_json::Value, expected: &str) -> E {
    match value.get(tag) {
        Some(found) => E::custom(format_args!(
            "unknown `{tag}` value {found}; expected one of {expected}"
        )),
        None => E::custom(format_args!("missing discriminator property `{tag}`")),
    }
}

// ---------------------------------------------------------------------------------------
// Errors

/// Everything that can go wrong with a call. `E` is the operation's error body type.
///
/// The larger variants are boxed so that `Result`s stay small on the success path.
#[derive(Debug)]
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
pub struct ApiError<E> {
    pub status: u16,
    pub request_id: Option<String>,
    pub rate_limit: RateLimit,
    /// The body parsed as the operation's documented error type, when it parses.
    pub body: Option<E>,
    /// The start of the raw body, for bodies that do not parse (a proxy's HTML page, say).
    pub excerpt: String,
    pub headers: HeaderMap,
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
            write!(f, " (request id {id})")?;
        }
        if !self.excerpt.is_empty() {
            write!(f, ": {}", self.excerpt)?;
        }
        Ok(())
    }
}

/// Rate-limit headers of a response. Reset and retry times are durations from when the
/// response was received: the server sends relative seconds, not timestamps.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset: Option<Duration>,
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    fn from_headers(headers: &HeaderMap) -> Self {
        let count =
            |name: &str| header_string(headers, name).and_then(|v| v.trim().parse::<u64>().ok());
        RateLimit {
            limit: count("x-ratelimit-limit"),
            remaining: count("x-ratelimit-remaining"),
            reset: header_seconds(headers, "x-ratelimit-reset"),
            retry_after: header_seconds(headers, "retry-after"),
        }
    }
}

/// A success response whose body does not decode as the documented type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub status: u16,
    pub request_id: Option<String>,
    /// Where in the body decoding failed, e.g. `metadata.created_at`; empty at the top.
    pub path: String,
    pub message: String,
    pub excerpt: String,
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

/// Constraints a request broke, each with the field it is about.
#[derive(Debug, Clone)]
pub struct ValidationError {
    pub report: garde::Report,
}

impl ValidationError {
    /// Each violation as (field path, rule message), e.g. (`display_name`, `length is
    /// greater than 60`).
    pub fn violations(&self) -> Vec<(String, String)> {
        self.report
            .iter()
            .map(|(path, error)| (path.to_string(), error.message().to_string()))
            .collect()
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the request is invalid and was not sent: ")?;
        let mut first = true;
        for (path, error) in self.report.iter() {
            if !first {
                write!(f, "; ")?;
            }
            first = false;
            write!(f, "{path}: {}", error.message())?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Responses

/// A successful response: the decoded body with the status and headers it came with.
#[derive(Clone, Debug, PartialEq)]
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

// ---------------------------------------------------------------------------------------
// The client

/// The HTTP client every operation method runs on.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    credentials: Option<Credentials>,
}

/// Settings for a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    http: Option<reqwest::Client>,
    user_agent: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    #[doc(hidden)]
    pub fn new(default_base_url: &str) -> Self {
        ClientBuilder {
            base_url: default_base_url.to_string(),
            credentials: None,
            http: None,
            user_agent: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            allow_insecure_http: false,
        }
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

    /// Uses this `reqwest` client (its own timeouts and settings apply; the builder's
    /// timeout and user agent are then not used).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The longest a whole request may take (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Allows a plain `http://` base URL on a host other than this machine. Credentials
    /// would then cross the network unencrypted; only for test setups.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        if self.base_url.is_empty() {
            return Err(BuildError(
                "the spec names no server, so a base URL must be set with `base_url`".into(),
            ));
        }
        let url = reqwest::Url::parse(&self.base_url).map_err(|e| {
            BuildError(format!(
                "the base URL `{}` is not a URL: {e}",
                self.base_url
            ))
        })?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(BuildError(format!(
                    "the base URL `{}` is not https; use https, or allow_insecure_http(true) for a test server",
                    self.base_url
                )))
            }
            other => return Err(BuildError(format!("the base URL scheme `{other}` is not http or https"))),
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BuildError(format!(
                "the base URL `{}` must not have a query or fragment",
                self.base_url
            )));
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let agent = self.user_agent.unwrap_or_else(|| {
                    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_string()
                });
                reqwest::Client::builder()
                    .user_agent(agent)
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .build()
                    .map_err(|e| BuildError(format!("the HTTP client could not be built: {e}")))?
            }
        };
        Ok(Client {
            http,
            base_url: url.as_str().trim_end_matches('/').to_string(),
            credentials: self.credentials,
        })
    }
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

/// Why a [`ClientBuilder`] could not build a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(pub String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

impl Client {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Starts a request to `path` (already filled in and encoded), with credentials when
    /// the operation needs them.
    #[doc(hidden)]
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        authenticated: bool,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{}", self.base_url, path));
        match (&self.credentials, authenticated) {
            (Some(credentials), true) => credentials.apply(request),
            _ => request,
        }
    }

    #[doc(hidden)]
    pub async fn send<E>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, Error<E>> {
        request.send().await.map_err(Error::Transport)
    }
}

// ---------------------------------------------------------------------------------------
// Pagination

/// The `page_token` of the next page, from the link a list response gives for it (an
/// absolute or relative URL). `None` when there is no link, or it carries no token.
#[doc(hidden)]
pub fn next_page_token(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    if next.is_empty() {
        return None;
    }
    let url = reqwest::Url::parse(next)
        .or_else(|_| {
            reqwest::Url::parse("http://relative.invalid/").and_then(|base| base.join(next))
        })
        .ok()?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "page_token")
        .map(|(_, v)| v.into_owned());
    token.filter(|t| !t.is_empty())
}

/// Streams the items of every page: `fetch` gets the token of the page to read (`None` for
/// the first) and returns its items and the next page's token. The stream ends after the
/// last page, after an error (which it yields), or when a server hands back a token it
/// already gave (which would otherwise loop forever).
#[doc(hidden)]
pub fn paginate<'a, T, E, F, Fut>(
    fetch: F,
) -> impl futures_util::Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + 'a,
{
    use futures_util::StreamExt;
    struct State<F> {
        fetch: F,
        next: Option<Option<String>>,
        seen: std::collections::HashSet<String>,
    }
    let start = State {
        fetch,
        next: Some(None),
        seen: std::collections::HashSet::new(),
    };
    futures_util::stream::unfold(start, |mut state| async move {
        let token = state.next.take()?;
        match (state.fetch)(token).await {
            Ok((items, next)) => {
                state.next = next.filter(|t| state.seen.insert(t.clone())).map(Some);
                Some((Ok(items), state))
            }
            Err(e) => Some((Err(e), state)),
        }
    })
    .flat_map(|page| match page {
        Ok(items) => futures_util::stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(e) => futures_util::stream::once(std::future::ready(Err(e))).right_stream(),
    })
}

// ---------------------------------------------------------------------------------------
// Request helpers

/// Encodes one path parameter so it stays one path segment whatever it holds. Values
/// that would still change the path's shape (empty, `.`, `..`) are refused.
#[doc(hidden)]
pub fn path_segment<E>(name: &str, value: &str) -> Result<String, Error<E>> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!(
            "the path parameter `{name}` is `{value}`, which cannot be sent as one path segment"
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Everything but RFC 3986 unreserved characters is escaped.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A parameter value as text: strings as they are, numbers and booleans as JSON writes
/// them, enums as their wire value.
#[doc(hidden)]
pub fn param_text<T: Serialize + ?Sized, E>(name: &str, value: &T) -> Result<String, Error<E>> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Ok(serde_json::Value::Bool(b)) => Ok(b.to_string()),
        Ok(other) => Err(Error::InvalidRequest(format!(
            "the parameter `{name}` cannot be sent as text: {other}"
        ))),
        Err(e) => Err(Error::InvalidRequest(format!(
            "the parameter `{name}` cannot be serialized: {e}"
        ))),
    }
}

/// How a query parameter's lists and objects are written (OpenAPI `style` and `explode`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded (the default): `id=a&id=b`; objects as `k=v&k2=v2`.
    Form,
    /// `form` with `explode: false`: `id=a,b`; objects as `name=k,v,k2,v2`.
    FormUnexploded,
    /// `spaceDelimited`: `id=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `id=a|b`.
    PipeDelimited,
    /// `deepObject`: `name[k]=v`.
    DeepObject,
}

/// Adds a query parameter written in `style`. A null value adds nothing.
#[doc(hidden)]
pub fn push_query<T: Serialize + ?Sized, E>(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: QueryStyle,
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| {
        Error::InvalidRequest(format!("the parameter `{name}` cannot be serialized: {e}"))
    })?;
    let delimiter = match style {
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        _ => ",",
    };
    let mut push = |key: String, text: String| pairs.push((key, text));
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            let texts = items
                .iter()
                .map(|i| param_text(name, i))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(style, QueryStyle::Form | QueryStyle::DeepObject) {
                texts.into_iter().for_each(|t| push(name.to_string(), t));
            } else {
                push(name.to_string(), texts.join(delimiter));
            }
        }
        serde_json::Value::Object(map) => {
            let mut flat = Vec::new();
            for (key, item) in &map {
                let text = param_text(name, item)?;
                match style {
                    QueryStyle::Form => push(key.clone(), text),
                    QueryStyle::DeepObject => push(format!("{name}[{key}]"), text),
                    _ => flat.extend([key.clone(), text]),
                }
            }
            if !flat.is_empty() {
                push(name.to_string(), flat.join(delimiter));
            }
        }
        scalar => push(name.to_string(), param_text(name, &scalar)?),
    }
    Ok(())
}

/// A header parameter value. CR and LF are refused so a value cannot add headers.
#[doc(hidden)]
pub fn header_param<T: Serialize + ?Sized, E>(
    name: &str,
    value: &T,
) -> Result<HeaderValue, Error<E>> {
    let text = match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| param_text(name, i))
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        _ => param_text(name, value)?,
    };
    if text.contains(['\r', '\n']) {
        return Err(Error::InvalidRequest(format!(
            "the header `{name}` contains a line break"
        )));
    }
    HeaderValue::from_str(&text).map_err(|_| {
        Error::InvalidRequest(format!(
            "the header `{name}` has characters a header cannot carry"
        ))
    })
}

/// Checks a request body against the spec's constraints before anything is sent.
#[doc(hidden)]
pub fn validate<T: garde::Validate<Context = ()> + ?Sized, E>(value: &T) -> Result<(), Error<E>> {
    value
        .validate()
        .map_err(|report| Error::Validation(ValidationError { report }))
}

/// A list, possibly inside `Option`s, whose items can be compared.
#[doc(hidden)]
pub trait ItemList {
    type Item: PartialEq;
    fn item_slice(&self) -> Option<&[Self::Item]>;
}

impl<T: PartialEq> ItemList for Vec<T> {
    type Item = T;
    fn item_slice(&self) -> Option<&[T]> {
        Some(self)
    }
}

impl<L: ItemList> ItemList for Option<L> {
    type Item = L::Item;
    fn item_slice(&self) -> Option<&[L::Item]> {
        self.as_ref().and_then(ItemList::item_slice)
    }
}

/// The `uniqueItems` rule, for garde's `custom`: no two items of the list are equal.
#[doc(hidden)]
pub fn unique_items<L: ItemList>(value: &L, _context: &()) -> garde::Result {
    let items = value.item_slice().unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        if let Some(j) = items[..i].iter().position(|earlier| earlier == item) {
            return Err(garde::Error::new(format!(
                "items {j} and {i} are equal, but items must be unique"
            )));
        }
    }
    Ok(())
}

#[doc(hidden)]
pub fn json_body<T: Serialize + ?Sized, E>(
    request: reqwest::RequestBuilder,
    content_type: &str,
    value: &T,
) -> Result<reqwest::RequestBuilder, Error<E>> {
    let bytes = serde_json::to_vec(value).map_err(|e| {
        Error::InvalidRequest(format!("the request body cannot be serialized: {e}"))
    })?;
    Ok(request
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(bytes))
}

// ---------------------------------------------------------------------------------------
// Response helpers

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
        Box::new(DecodeError {
            status: self.status,
            request_id: self.request_id(),
            path,
            message,
            excerpt: excerpt(&self.body),
        })
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
async fn receive<E: DeserializeOwned>(response: reqwest::Response) -> Result<Received, Error<E>> {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::Transport)?.to_vec();
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
    response: reqwest::Response,
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
    if let Some(content_type) = header_string(&received.headers, "content-type") {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            let e = received.decode_error(
                String::new(),
                format!("expected a JSON body, got content type `{content_type}`"),
            );
            return Err(Error::Decode(e));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&received.body);
    let body = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(body) => body,
        Err(e) => {
            let path = e.path().to_string();
            return Err(Error::Decode(
                received.decode_error(path, e.into_inner().to_string()),
            ));
        }
    };
    if let Err(e) = deserializer.end() {
        return Err(Error::Decode(
            received.decode_error(String::new(), e.to_string()),
        ));
    }
    Ok(received.respond(headers, body))
}

/// A success response whose body, if any, is not used (e.g. 204 No Content).
#[doc(hidden)]
pub async fn read_empty<H, E: DeserializeOwned>(
    response: reqwest::Response,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<(), H>, Error<E>> {
    Ok(receive::<E>(response).await?.respond(headers, ()))
}

#[doc(hidden)]
pub async fn read_text<H, E: DeserializeOwned>(
    response: reqwest::Response,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<String, H>, Error<E>> {
    let received = receive::<E>(response).await?;
    match String::from_utf8(received.body.clone()) {
        Ok(text) => Ok(received.respond(headers, text)),
        Err(e) => Err(Error::Decode(
            received.decode_error(String::new(), format!("the body is not UTF-8: {e}")),
        )),
    }
}

#[doc(hidden)]
pub async fn read_bytes<H, E: DeserializeOwned>(
    response: reqwest::Response,
    headers: fn(&HeaderMap) -> H,
) -> Result<ApiResponse<Vec<u8>, H>, Error<E>> {
    let mut received = receive::<E>(response).await?;
    let body = std::mem::take(&mut received.body);
    Ok(received.respond(headers, body))
}

/// For operations that document no response headers.
#[doc(hidden)]
pub fn no_headers(_: &HeaderMap) {}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

// Typed header readers. A header that is absent or does not parse is `None`: a response is
// never rejected because of a header.

#[doc(hidden)]
pub fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[doc(hidden)]
pub fn header_integer(headers: &HeaderMap, name: &str) -> Option<i64> {
    header_string(headers, name)?.trim().parse().ok()
}

#[doc(hidden)]
pub fn header_number(headers: &HeaderMap, name: &str) -> Option<f64> {
    header_string(headers, name)?.trim().parse().ok()
}

#[doc(hidden)]
pub fn header_boolean(headers: &HeaderMap, name: &str) -> Option<bool> {
    header_string(headers, name)?.trim().parse().ok()
}

/// A header holding a count of seconds from now.
#[doc(hidden)]
pub fn header_seconds(headers: &HeaderMap, name: &str) -> Option<Duration> {
    header_string(headers, name)?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Checks that a spec example decodes as `T` and encodes back to the same JSON (property
/// order aside). Used by the example tests the generator writes.
#[doc(hidden)]
pub fn check_example<T: DeserializeOwned + Serialize>(
    pointer: &str,
    json: &str,
) -> Result<(), String> {
    let original: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| format!("{pointer}: the example is not JSON: {e}"))?;
    let decoded: T = serde_path_to_error::deserialize(&original).map_err(|e| {
        format!(
            "{pointer}: does not decode at `{}`: {}",
            e.path(),
            e.inner()
        )
    })?;
    let back =
        serde_json::to_value(&decoded).map_err(|e| format!("{pointer}: does not encode: {e}"))?;
    if back == original {
        Ok(())
    } else {
        Err(format!(
            "{pointer}: encodes back differently\n  spec:    {original}\n  encoded: {back}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    enum Color {
        #[serde(rename = "RED")]
        Red,
    }

    #[test]
    fn open_keeps_unknown_values_and_round_trips() {
        let known: Open<Color> = serde_json::from_str("\"RED\"").unwrap();
        assert_eq!(known, Open::Known(Color::Red));
        let unknown: Open<Color> = serde_json::from_str("\"MAUVE\"").unwrap();
        assert_eq!(unknown, Open::Unknown("MAUVE".into()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"MAUVE\"");
        assert!(serde_json::from_str::<Open<Color>>("5").is_err());
    }

    #[test]
    fn secrets_never_show_in_debug() {
        let c = Credentials::api_key("KEYID", "hunter2");
        let text = format!("{c:?}");
        assert!(text.contains("KEYID"));
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{:?}", Credentials::bearer_token("tok3n")).contains("tok3n"));
    }

    #[test]
    fn path_segments_cannot_change_the_path() {
        let seg = |v: &str| path_segment::<()>("id", v);
        assert_eq!(seg("../x").unwrap(), "..%2Fx");
        assert_eq!(seg("a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(seg("dlz-f3a90de").unwrap(), "dlz-f3a90de");
        assert_eq!(seg("é %").unwrap(), "%C3%A9%20%25");
        for bad in ["", ".", ".."] {
            assert!(matches!(seg(bad), Err(Error::InvalidRequest(_))), "{bad:?}");
        }
    }

    #[test]
    fn header_params_refuse_line_breaks() {
        assert!(matches!(
            header_param::<_, ()>("X-A", "a\r\nX-B: c"),
            Err(Error::InvalidRequest(_))
        ));
        assert_eq!(header_param::<_, ()>("X-A", &[1, 2]).unwrap(), "1,2");
    }

    #[test]
    fn query_lists_explode() {
        let mut pairs = Vec::new();
        push_query::<_, ()>(&mut pairs, "id", &["a", "b"], QueryStyle::Form).unwrap();
        push_query::<_, ()>(&mut pairs, "n", &5, QueryStyle::Form).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("id".into(), "a".into()),
                ("id".into(), "b".into()),
                ("n".into(), "5".into())
            ]
        );
    }

    #[test]
    fn query_styles_write_lists_and_objects_as_the_spec_says() {
        let run = |value: serde_json::Value, style| {
            let mut pairs = Vec::new();
            push_query::<_, ()>(&mut pairs, "p", &value, style).unwrap();
            pairs
        };
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        let list = serde_json::json!(["a", "b"]);
        assert_eq!(
            run(list.clone(), QueryStyle::FormUnexploded),
            vec![pair("p", "a,b")]
        );
        assert_eq!(
            run(list.clone(), QueryStyle::SpaceDelimited),
            vec![pair("p", "a b")]
        );
        assert_eq!(run(list, QueryStyle::PipeDelimited), vec![pair("p", "a|b")]);
        let object = serde_json::json!({"x": 1, "y": "z"});
        assert_eq!(
            run(object.clone(), QueryStyle::Form),
            vec![pair("x", "1"), pair("y", "z")]
        );
        assert_eq!(
            run(object.clone(), QueryStyle::FormUnexploded),
            vec![pair("p", "x,1,y,z")]
        );
        assert_eq!(
            run(object, QueryStyle::DeepObject),
            vec![pair("p[x]", "1"), pair("p[y]", "z")]
        );
        assert!(run(serde_json::Value::Null, QueryStyle::Form).is_empty());
    }

    #[test]
    fn base_urls_must_be_https_unless_loopback_or_allowed() {
        let build = |url: &str| ClientBuilder::new(url).build();
        assert!(build("https://api.example.com/").is_ok());
        assert!(build("http://127.0.0.1:8080").is_ok());
        assert!(build("http://localhost:1").is_ok());
        assert!(build("http://[::1]:1").is_ok());
        assert!(build("http://api.example.com").is_err());
        assert!(ClientBuilder::new("http://api.example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok());
        assert!(build("ftp://x").is_err());
        assert!(build("not a url").is_err());
        let c = build("https://api.example.com/prefix/").unwrap();
        assert_eq!(c.base_url(), "https://api.example.com/prefix");
    }

    #[test]
    fn rate_limit_headers_are_relative_seconds() {
        let mut h = HeaderMap::new();
        h.insert("X-RateLimit-Reset", HeaderValue::from_static("30"));
        h.insert("Retry-After", HeaderValue::from_static("7"));
        h.insert(
            "X-RateLimit-Limit",
            HeaderValue::from_static("not a number"),
        );
        let r = RateLimit::from_headers(&h);
        assert_eq!(r.reset, Some(Duration::from_secs(30)));
        assert_eq!(r.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(r.limit, None);
    }

    #[test]
    fn examples_must_decode_and_encode_back_the_same() {
        #[derive(Serialize, Deserialize)]
        struct Thing {
            #[serde(default, skip_serializing_if = "Option::is_none")]
            a: Option<u8>,
        }
        assert!(check_example::<Thing>("/x", r#"{"a": 1}"#).is_ok());
        let err = check_example::<Thing>("/x", r#"{"a": "one"}"#).unwrap_err();
        assert!(err.starts_with("/x: does not decode at `a`"), "{err}");
        let err = check_example::<Thing>("/x", r#"{"a": null}"#).unwrap_err();
        assert!(err.contains("encodes back differently"), "{err}");
    }

    #[test]
    fn absent_and_null_stay_apart() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Patch {
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                with = "double_option"
            )]
            name: Option<Option<String>>,
        }
        let absent: Patch = serde_json::from_str("{}").unwrap();
        let null: Patch = serde_json::from_str(r#"{"name": null}"#).unwrap();
        let set: Patch = serde_json::from_str(r#"{"name": "x"}"#).unwrap();
        assert_eq!(absent.name, None);
        assert_eq!(null.name, Some(None));
        assert_eq!(set.name, Some(Some("x".into())));
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"name":null}"#);
    }

    #[test]
    fn next_page_tokens_come_from_the_next_link() {
        let token = |s| next_page_token(Some(s));
        assert_eq!(
            token("https://api.example.com/v2/keys?page_size=10&page_token=abc%2Bd").as_deref(),
            Some("abc+d")
        );
        assert_eq!(token("/v2/keys?page_token=xyz").as_deref(), Some("xyz"));
        assert_eq!(token("https://api.example.com/v2/keys"), None);
        assert_eq!(token(""), None);
        assert_eq!(next_page_token(None), None);
    }

    #[test]
    fn pagination_follows_tokens_and_stops_on_a_repeated_one() {
        use futures_util::StreamExt;
        let pages = std::cell::RefCell::new(Vec::new());
        let stream = paginate(|token: Option<String>| {
            pages.borrow_mut().push(token.clone());
            let page = match token.as_deref() {
                None => (vec![1, 2], Some("b".to_string())),
                Some("b") => (vec![3], Some("c".to_string())),
                // A server that points back at an earlier page.
                _ => (vec![4], Some("b".to_string())),
            };
            std::future::ready(Ok::<_, Error<()>>(page))
        });
        let items: Vec<i32> = futures_executor_lite(stream.map(|r| r.unwrap_or(-1)).collect());
        assert_eq!(items, vec![1, 2, 3, 4]);
        assert_eq!(
            *pages.borrow(),
            vec![None, Some("b".into()), Some("c".into())]
        );
    }

    /// Polls a future that never waits on I/O to completion.
    fn futures_executor_lite<F: std::future::Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut context) {
                return out;
            }
        }
    }

    #[test]
    fn unique_items_finds_the_first_repeat() {
        assert!(unique_items(&vec![1, 2, 3], &()).is_ok());
        assert!(unique_items(&None::<Vec<u8>>, &()).is_ok());
        let err = unique_items(&Some(vec!["a", "b", "a"]), &()).unwrap_err();
        assert_eq!(
            err.message(),
            "items 0 and 2 are equal, but items must be unique"
        );
    }

    #[test]
    fn excerpts_are_bounded_in_characters() {
        let long = "é".repeat(500);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }
}
