//! The HTTP client every operation method runs on, and its settings.

use std::fmt;
use std::time::Duration;

use super::auth::Credentials;
use super::error::Error;

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
