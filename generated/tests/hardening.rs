//! The second round of hostile cases: secrets in `Debug` output, error text that grows
//! with what a server sends, tokens the client cannot send, 401 storms, lock waits past a
//! request's budget, token endpoints that ask to be left alone, and `reqwest` clients
//! that would follow redirects anywhere. Every server here is a real one on loopback.

use confluent_custom_plugin_client::runtime::reqwest;
use confluent_custom_plugin_client::runtime::same_origin_redirects;
use confluent_custom_plugin_client::{Client, Credentials, Error, RetryPolicy};
use serde_json::json;
use std::time::{Duration, Instant};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{plugin, raw_server, skip, RawAnswer};

const PLUGIN_PATH: &str = "/connect/v1/custom-connector-plugins/ccp-1";
const TOKEN_PATH: &str = "/sts/v1/oauth2/token";

fn oauth(base_url: &str) -> confluent_custom_plugin_client::ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .token_url(format!("{base_url}{TOKEN_PATH}"))
        .token_fetch_timeout(None)
        .credentials(Credentials::client_credentials(
            "client-id",
            "client-secret",
        ))
}

fn token(value: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": value, "token_type": "Bearer", "expires_in": 3600}))
}

async fn requests_to(server: &MockServer, wanted: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == wanted)
        .count()
}

/// Mounts `first` as the answer to the first request to `at`, and `then` to every later
/// one.
async fn first_then(
    server: &MockServer,
    at: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    Mock::given(path(at))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path(at)).respond_with(then).mount(server).await;
}

/// Whether `text` shows a character that can steer a terminal or reorder what is shown.
fn has_controls(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c))
}

// ---- secrets in Debug ----

#[test]
fn builder_and_client_debug_show_no_header_value_or_url_password() {
    let builder = Client::builder()
        .base_url("https://api-user:base-pass-1@api.example.com")
        .token_url("https://token-user:token-pass-2@auth.example.com/token")
        .default_header("X-Api-Key", "header-secret-3")
        .credentials(Credentials::client_credentials("id", "client-secret-4"));
    let shown = format!("{builder:?}");
    for secret in [
        "base-pass-1",
        "token-pass-2",
        "header-secret-3",
        "client-secret-4",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        shown.contains("X-Api-Key"),
        "header names are shown: {shown}"
    );
    assert!(shown.contains("api.example.com"), "{shown}");

    let client = builder.build().expect("builds");
    let shown = format!("{client:?}");
    for secret in [
        "base-pass-1",
        "token-pass-2",
        "header-secret-3",
        "client-secret-4",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("api.example.com"), "{shown}");
    assert!(shown.contains("auth.example.com"), "{shown}");
}

#[test]
fn a_url_whose_password_holds_url_delimiters_is_never_shown_raw() {
    for (url, secret) in [
        ("https://user:s3/cr3t@api.example.com", "s3/cr3t"),
        ("https://user:s3?cr3t@api.example.com", "s3?cr3t"),
        ("https://user:s3#cr3t@api.example.com", "s3#cr3t"),
        ("https://user:a@b/c@api.example.com", "a@b/c"),
        ("user:pl41nsecret@api.example.com", "pl41nsecret"),
    ] {
        let builder = Client::builder().base_url(url);
        let shown = format!("{builder:?}");
        assert!(!shown.contains(secret), "{secret} in {shown}");
        match builder.build() {
            Ok(client) => {
                let shown = format!("{client:?}");
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
            Err(e) => assert!(!e.to_string().contains(secret), "{secret} in {e}"),
        }
    }
}

// ---- error text bounded ----

#[tokio::test]
async fn an_8_mb_string_in_a_response_gives_a_short_decode_error() {
    let server = MockServer::start().await;
    let mut body = plugin();
    body["metadata"] = json!("x".repeat(8 * 1024 * 1024));
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::api_key("KEY", "key-secret"))
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("metadata is not a string");
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err}");
    };
    assert_eq!(decode.path, "metadata");
    assert!(
        decode.message.chars().count() <= 300,
        "{}",
        decode.message.len()
    );
    assert!(
        decode.message.contains("expected"),
        "the end of serde's message is kept: {}",
        decode.message
    );
    let text = err.to_string();
    assert!(text.len() < 2_000, "{} bytes of error text", text.len());
    let debug = format!("{err:?}");
    assert!(debug.len() < 2_000, "{} bytes of Debug", debug.len());
}

#[tokio::test]
async fn escapes_from_error_and_success_bodies_never_reach_display() {
    let server = MockServer::start().await;
    Mock::given(path(PLUGIN_PATH))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_string("\u{1b}[2J\u{1b}[31mproxy down\u{7}\r\nspoofed: line\u{202e}"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut body = plugin();
    body["metadata"] = json!("\u{1b}]0;title\u{7}\u{1b}[31m");
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::api_key("KEY", "key-secret"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    for _ in 0..2 {
        let err = client
            .get_connect_v1_custom_connector_plugin("ccp-1")
            .await
            .expect_err("an error either way");
        let text = err.to_string();
        assert!(!has_controls(&text), "{text:?}");
        assert!(text.contains("\\u{1b}"), "escaped, not dropped: {text}");
    }
}

// ---- tokens ----

#[tokio::test]
async fn an_access_token_that_is_not_a_header_value_is_refused_not_cached() {
    let server = MockServer::start().await;
    first_then(&server, TOKEN_PATH, token("bad\u{1}token"), token("good")).await;
    Mock::given(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer good"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = oauth(&server.uri()).build().expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("the first token cannot be sent");
    assert!(
        matches!(&err, Error::Authentication(m) if m.contains("not a valid header value")),
        "{err}"
    );
    assert!(!err.to_string().contains("bad"), "{err}");
    // Once the failure is forgotten, a new token is fetched: the bad one was never cached.
    skip(Duration::from_secs(2)).await;
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("the second token works");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
}

#[tokio::test]
async fn a_401_to_a_fresh_token_is_returned_without_a_refresh_storm() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token("valid"))
        .mount(&server)
        .await;
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = oauth(&server.uri()).build().expect("builds");
    // One after the other, then twenty at once.
    for _ in 0..20 {
        let err = client
            .get_connect_v1_custom_connector_plugin("ccp-1")
            .await
            .expect_err("401");
        assert_eq!(err.status(), Some(401));
    }
    let calls = (0..20).map(|_| client.get_connect_v1_custom_connector_plugin("ccp-1"));
    for result in futures_util::future::join_all(calls).await {
        assert_eq!(result.expect_err("401").status(), Some(401));
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1, "one token fetch");
    assert_eq!(
        requests_to(&server, PLUGIN_PATH).await,
        40,
        "one request each"
    );
}

#[tokio::test]
async fn a_401_to_an_old_token_is_one_refresh_for_every_request_that_met_it() {
    let server = MockServer::start().await;
    first_then(
        &server,
        TOKEN_PATH,
        token("old"),
        token("new").set_delay(Duration::from_millis(200)),
    )
    .await;
    Mock::given(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    // The old token is refused only once it is old: the first call warms the cache.
    Mock::given(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401).set_delay(Duration::from_millis(50)))
        .with_priority(3)
        .mount(&server)
        .await;
    let client = oauth(&server.uri()).build().expect("builds");
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("the old token works at first");
    skip(Duration::from_secs(6)).await;
    let calls = (0..10).map(|_| client.get_connect_v1_custom_connector_plugin("ccp-1"));
    for result in futures_util::future::join_all(calls).await {
        result.expect("succeeds with the new token");
    }
    assert_eq!(
        requests_to(&server, TOKEN_PATH).await,
        2,
        "one refresh for the ten requests"
    );
}

#[tokio::test]
async fn retiring_a_token_waits_for_the_cache_no_longer_than_the_budget() {
    let server = MockServer::start().await;
    // Every later fetch takes 7 s.
    first_then(
        &server,
        TOKEN_PATH,
        token("t1"),
        token("t2").set_delay(Duration::from_secs(7)),
    )
    .await;
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(401).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    // Two clients share the credentials' tokens: one with a long budget, one with 2 s.
    let credentials = Credentials::client_credentials("client-id", "client-secret");
    let build = |budget: u64| {
        Client::builder()
            .base_url(server.uri())
            .token_url(format!("{}{TOKEN_PATH}", server.uri()))
            .token_fetch_timeout(None)
            .min_token_age_for_refresh(Duration::ZERO)
            .retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_secs(budget)))
            .credentials(credentials.clone())
            .build()
            .expect("builds")
    };
    let (patient, hurried) = (build(60), build(2));
    // The patient request meets its 401 first, retires t1 and starts the slow fetch,
    // holding the cache; the hurried one meets its 401 while that fetch runs.
    let slow = tokio::spawn(async move {
        let _ = patient
            .get_connect_v1_custom_connector_plugin("ccp-1")
            .await;
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let err = hurried
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("401 or no token in time");
    let took = started.elapsed();
    slow.abort();
    assert!(
        took < Duration::from_secs(3),
        "a 2 s budget returned after {took:?}: {err}"
    );
}

#[tokio::test]
async fn a_token_endpoints_retry_after_is_waited_for() {
    let server = MockServer::start().await;
    first_then(
        &server,
        TOKEN_PATH,
        ResponseTemplate::new(503).insert_header("retry-after", "3"),
        token("t"),
    )
    .await;
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = oauth(&server.uri()).build().expect("builds");
    let started = Instant::now();
    let calls = (0..5).map(|_| client.get_connect_v1_custom_connector_plugin("ccp-1"));
    for result in futures_util::future::join_all(calls).await {
        result.expect("succeeds after the wait");
    }
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "the second fetch came after {:?}",
        started.elapsed()
    );
    assert_eq!(
        requests_to(&server, TOKEN_PATH).await,
        2,
        "no fetch while the endpoint asked to be left alone"
    );

    // A wait past the budget is not waited: the failure is returned at once.
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let client = oauth(&server.uri())
        .retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_secs(10)))
        .build()
        .expect("builds");
    let started = Instant::now();
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("no token");
    assert!(matches!(err, Error::Authentication(_)), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
}

// ---- redirects with a custom reqwest client ----

#[test]
fn a_custom_client_that_may_follow_redirects_anywhere_is_refused() {
    let err = Client::builder()
        .http_client(reqwest::Client::new())
        .credentials(Credentials::key("k"))
        .build()
        .expect_err("refused");
    assert!(err.to_string().contains("http_client_builder"), "{err}");
    Client::builder()
        .http_client(
            reqwest::Client::builder()
                .redirect(same_origin_redirects())
                .build()
                .expect("a reqwest client"),
        )
        .redirects_handled(true)
        .build()
        .expect("taken when the caller says it handles redirects");
}

#[tokio::test]
async fn a_client_from_a_given_builder_keeps_credentials_within_the_origin() {
    // The other origin counts the connections it is asked for: there must be none.
    let (elsewhere, _, other_connections) = raw_server(vec![RawAnswer {
        head: b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
        filler: 0,
    }])
    .await;
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nlocation: {elsewhere}{PLUGIN_PATH}\r\ncontent-length: 0\r\n\r\n"
    );
    let (base, _, _) = raw_server(vec![RawAnswer {
        head: redirect.into_bytes(),
        filler: 0,
    }])
    .await;
    let client = Client::builder()
        .base_url(base)
        .http_client_builder(reqwest::Client::builder())
        .default_header("X-Api-Key", "do-not-forward")
        .credentials(Credentials::api_key("KEY", "key-secret"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("the redirect is not followed");
    assert_eq!(err.status(), Some(302), "{err}");
    assert_eq!(
        other_connections.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing was sent to the other origin"
    );
}
