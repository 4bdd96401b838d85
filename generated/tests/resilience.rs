//! The client against a real HTTP server on loopback when things go wrong: rate limits,
//! server errors, slow servers, and OAuth2 tokens that fail or expire. Tests that would
//! wait run on paused tokio time, so they do not sleep.

use confluent_custom_plugin_client::runtime::reqwest;
use confluent_custom_plugin_client::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;
use support::{plugin, skip, Trace};

const PLUGIN_PATH: &str = "/connect/v1/custom-connector-plugins/ccp-1";

/// A client without a request timeout: under paused time, tokio would otherwise fire the
/// timeout while the server answers.
fn builder(server: &MockServer) -> confluent_custom_plugin_client::ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .http_client_builder(reqwest::Client::builder())
        .credentials(Credentials::api_key("KEY", "key-secret"))
}

fn tracing_into(trace: &Trace) -> tracing::subscriber::DefaultGuard {
    let writer = trace.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    tracing::subscriber::set_default(subscriber)
}

#[tokio::test(start_paused = true)]
async fn rate_limited_with_retry_after_waits_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .insert_header("X-RateLimit-Reset", "30"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let trace = Trace::default();
    let _guard = tracing_into(&trace);
    let started = tokio::time::Instant::now();
    let response = builder(&server)
        .build()
        .expect("builds")
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await;
    assert_eq!(response.expect("succeeds after the wait").body.id, "ccp-1");
    assert!(
        started.elapsed() >= Duration::from_secs(7),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(2));
    // Retry-After wins over X-RateLimit-Reset.
    assert!(trace.text().contains("wait_ms=7000"), "{}", trace.text());
}

#[tokio::test(start_paused = true)]
async fn rate_limited_without_retry_after_waits_for_the_reset() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", "3"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-RateLimit-Reset", "3"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let trace = Trace::default();
    let _guard = tracing_into(&trace);
    builder(&server)
        .build()
        .expect("builds")
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds");
    assert!(trace.text().contains("wait_ms=3000"), "{}", trace.text());
}

#[tokio::test(start_paused = true)]
async fn server_errors_past_the_limit_give_up_with_the_last_response() {
    let server = MockServer::start().await;
    let count = Arc::new(Mutex::new(0u32));
    let counter = count.clone();
    Mock::given(method("GET"))
        .respond_with(move |_: &Request| {
            let n = counter.lock().map(|mut c| {
                *c += 1;
                *c
            });
            ResponseTemplate::new(503)
                .insert_header("X-Request-Id", format!("req-{}", n.unwrap_or(0)).as_str())
                .set_body_json(json!({"errors": [{"status": "503", "title": "Unavailable"}]}))
        })
        .mount(&server)
        .await;
    let policy = RetryPolicy::default().with_max_attempts(3);
    let client = builder(&server)
        .retry_policy(policy)
        .build()
        .expect("builds");
    match client.get_connect_v1_custom_connector_plugin("ccp-1").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 503);
            assert_eq!(e.attempts, 3);
            assert_eq!(
                e.request_id.as_deref(),
                Some("req-3"),
                "the last response is kept"
            );
            assert_eq!(
                e.body.expect("parses").errors[0].title.as_deref(),
                Some("Unavailable")
            );
        }
        other => panic!("expected the last 503, got {other:?}"),
    }
    assert_eq!(*count.lock().expect("counted"), 3);
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_switched_off_and_501_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("503");
    assert!(matches!(&err, Error::Api(e) if e.attempts == 1), "{err:?}");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(501))
        .expect(1)
        .mount(&server)
        .await;
    let err = builder(&server)
        .build()
        .expect("builds")
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("501");
    assert_eq!(err.status(), Some(501));
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_transport_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(plugin())
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    let started = std::time::Instant::now();
    match client.get_connect_v1_custom_connector_plugin("ccp-1").await {
        Err(Error::Transport(e)) => assert!(e.is_timeout(), "{e}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "gave up at the timeout"
    );
}

/// The token tests run in real time: a token fetch is bounded by the retry budget, and
/// paused time would jump to that deadline whenever the client waits for the server.
/// They move the clock with [`skip`] instead of sleeping.
fn token_client(server: &MockServer) -> Client {
    token_client_builder(server).build().expect("builds")
}

fn token_client_builder(server: &MockServer) -> confluent_custom_plugin_client::ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .token_url(format!("{}/sts/v1/oauth2/token", server.uri()))
        .http_client_builder(reqwest::Client::builder())
        .token_fetch_timeout(None)
        .credentials(Credentials::client_credentials(
            "client-id",
            "client-secret",
        ))
}

fn token(value: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"access_token": value, "token_type": "Bearer", "expires_in": expires_in}),
    )
}

#[tokio::test]
async fn a_token_endpoint_that_fails_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        // HTTP basic: base64("client-id:client-secret").
        .and(header(
            "authorization",
            "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=",
        ))
        .and(wiremock::matchers::body_string(
            "grant_type=client_credentials",
        ))
        .respond_with(token("t1", 3600))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .expect(2)
        .mount(&server)
        .await;
    let client = token_client(&server);
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds once a token is had");
    // The token is cached: a second call fetches none.
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds");
    let token_calls = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/token"))
        .count();
    assert_eq!(
        token_calls, 2,
        "one failed fetch, one good one, then the cache"
    );
}

#[tokio::test]
async fn a_401_triggers_one_token_refresh() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        .respond_with(token("old", 3600))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        .respond_with(token("new", 3600))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    // Tokens this young are not retired by a 401 unless the client is told otherwise.
    token_client_builder(&server)
        .min_token_age_for_refresh(Duration::ZERO)
        .build()
        .expect("builds")
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds with the new token");

    // A server that keeps answering 401 gets one refresh, not a loop.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        .respond_with(token("t", 3600))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let err = token_client_builder(&server)
        .min_token_age_for_refresh(Duration::ZERO)
        .build()
        .expect("builds")
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("401");
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn concurrent_requests_share_one_token_refresh_and_tokens_are_refreshed_before_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        .respond_with(token("t", 120).set_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = Arc::new(token_client(&server));
    let calls: Vec<_> = (0..5)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                c.get_connect_v1_custom_connector_plugin("ccp-1")
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    for call in calls {
        call.await.expect("joins").expect("succeeds");
    }
    let token_calls = |requests: &[Request]| {
        requests
            .iter()
            .filter(|r| r.url.path().ends_with("/token"))
            .count()
    };
    assert_eq!(
        token_calls(&server.received_requests().await.unwrap_or_default()),
        1
    );
    // The token lives 120 s and is replaced a little before that.
    skip(Duration::from_secs(100)).await;
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds");
    assert_eq!(
        token_calls(&server.received_requests().await.unwrap_or_default()),
        2
    );
}

#[tokio::test]
async fn credentials_the_operation_does_not_accept_are_refused_and_secrets_stay_out_of_errors_and_traces(
) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("invalid_client"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(plugin())
                .insert_header("X-Request-Id", "req-t"),
        )
        .mount(&server)
        .await;
    let trace = Trace::default();
    let _guard = tracing_into(&trace);

    // The token endpoint refuses the client: an authentication error, without the secret.
    let client = token_client(&server);
    assert!(!format!("{client:?}").contains("client-secret"));
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("no token");
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
    assert!(
        err.to_string().contains("400") && !err.to_string().contains("client-secret"),
        "{err}"
    );

    let with_token_header = builder(&server)
        .default_header("X-Api-Token", "header-secret")
        .build()
        .expect("builds");
    assert!(
        !format!("{with_token_header:?}").contains("header-secret"),
        "default headers are redacted"
    );

    let client = builder(&server)
        .user_agent("my-agent/1.0")
        .default_header("X-Extra", "1")
        .build()
        .expect("builds");
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds");
    let requests = server.received_requests().await.unwrap_or_default();
    let last = requests.last().expect("a request");
    assert_eq!(
        last.headers.get("user-agent").and_then(|v| v.to_str().ok()),
        Some("my-agent/1.0")
    );
    assert_eq!(
        last.headers.get("x-extra").and_then(|v| v.to_str().ok()),
        Some("1")
    );

    let text = trace.text();
    assert!(
        text.contains("operation_id=\"getConnectV1CustomConnectorPlugin\""),
        "{text}"
    );
    assert!(
        text.contains("path=\"/connect/v1/custom-connector-plugins/{id}\""),
        "the template, not the filled path: {text}"
    );
    assert!(
        text.contains("method=GET") && text.contains("status=200") && text.contains("attempt=1"),
        "{text}"
    );
    assert!(text.contains("request_id=\"req-t\""), "{text}");
    for secret in [
        "client-secret",
        "key-secret",
        "S0VZOmtleS1zZWNyZXQ=",
        "ccp-1\"",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into traces: {text}"
        );
    }
}

#[test]
fn header_values_and_base_urls_are_checked_when_the_client_is_built() {
    let bad = Client::builder()
        .default_header("X-Evil", "a\r\nInjected: 1")
        .build();
    assert!(bad.is_err());
    assert!(
        Client::builder()
            .base_url("http://api.confluent.cloud")
            .build()
            .is_err(),
        "http only on loopback"
    );
    assert!(Client::builder()
        .base_url("http://api.confluent.cloud")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    let oauth_without_url = Client::builder()
        .credentials(Credentials::client_credentials("a", "b"))
        .token_url("")
        .build();
    assert!(oauth_without_url.is_err());
    assert_eq!(
        confluent_custom_plugin_client::DEFAULT_TOKEN_URL,
        Some("https://api.confluent.cloud/sts/v1/oauth2/token")
    );
}
