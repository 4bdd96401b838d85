//! The client against servers that lie, flood or misbehave: absurd waits and lifetimes,
//! huge bodies, redirects to other hosts, token endpoints that hang, bodies cut off on
//! the way, and answers carrying secrets. Every server here is a real one on loopback;
//! tests that would wait run on paused tokio time unless they check a real timeout.

use confluent_custom_plugin_client::runtime::reqwest;
use confluent_custom_plugin_client::runtime::same_origin_redirects;
use confluent_custom_plugin_client::{Client, Credentials, Error, RetryPolicy};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{plugin, raw_server, skip, RawAnswer};

const PLUGIN_PATH: &str = "/connect/v1/custom-connector-plugins/ccp-1";
const TOKEN_PATH: &str = "/sts/v1/oauth2/token";

/// A client without timers of its own: no request timeout or token fetch timeout, which
/// under paused time tokio would fire while the server answers, and no idle-connection
/// timeout, to which paused time would jump whenever the client waits for the server.
fn builder(base_url: &str) -> confluent_custom_plugin_client::ClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .redirect(same_origin_redirects())
        .build()
        .expect("an HTTP client");
    Client::builder()
        .base_url(base_url)
        .token_url(format!("{base_url}{TOKEN_PATH}"))
        .http_client(http)
        .redirects_handled(true)
        .token_fetch_timeout(None)
        .credentials(Credentials::api_key("KEY", "key-secret"))
}

fn oauth(base_url: &str) -> confluent_custom_plugin_client::ClientBuilder {
    builder(base_url).credentials(Credentials::client_credentials(
        "client-id",
        "client-secret",
    ))
}

fn token_answer(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
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

// ---- waits from the wire ----

#[tokio::test(start_paused = true)]
async fn a_retry_after_of_2_64_after_a_first_wait_gives_up_instead_of_overflowing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503).insert_header("retry-after", "18446744073709551615"),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("builds");
    match client.get_connect_v1_custom_connector_plugin("ccp-1").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 503);
            assert_eq!(
                e.attempts, 2,
                "the absurd wait is past the budget: no third try"
            );
            assert_eq!(
                e.rate_limit.retry_after,
                Some(Duration::from_secs(u64::MAX))
            );
        }
        other => panic!("expected the last 503, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_x_rate_limit_reset_of_2_64_after_a_first_wait_gives_up_instead_of_overflowing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("x-ratelimit-reset", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("x-ratelimit-reset", "18446744073709551615"),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("rate limited");
    assert!(
        matches!(&err, Error::RateLimited(e) if e.attempts == 2),
        "{err:?}"
    );
    // Display of the absurd wait does not overflow either.
    assert!(
        err.to_string().contains("retry in 18446744073709551615s"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_http_date_is_waited_for() {
    let server = MockServer::start().await;
    let when = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(6));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", when.as_str()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("builds");
    let started = tokio::time::Instant::now();
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("succeeds after the wait");
    let waited = started.elapsed();
    // The date has whole seconds, so the wait is between five and six seconds; a backoff
    // of the default policy would be under a second.
    assert!(waited >= Duration::from_secs(4), "waited {waited:?}");
    assert!(waited <= Duration::from_secs(7), "waited {waited:?}");
}

// ---- token lifetimes ----

#[tokio::test]
async fn absurd_and_zero_token_lifetimes_are_clamped() {
    for expires_in in [
        json!(9223372036854775807i64),
        json!(u64::MAX),
        json!(1e300),
        json!(0),
        json!(-5),
        json!("soon"),
    ] {
        let server = MockServer::start().await;
        Mock::given(path(TOKEN_PATH))
            .respond_with(token_answer(
                json!({"access_token": "tok", "token_type": "Bearer", "expires_in": expires_in}),
            ))
            .mount(&server)
            .await;
        Mock::given(path(PLUGIN_PATH))
            .and(header("authorization", "Bearer tok"))
            .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
            .mount(&server)
            .await;
        let client = oauth(&server.uri()).build().expect("builds");
        for _ in 0..5 {
            client
                .get_connect_v1_custom_connector_plugin("ccp-1")
                .await
                .unwrap_or_else(|e| panic!("expires_in {expires_in}: {e}"));
        }
        assert_eq!(
            requests_to(&server, TOKEN_PATH).await,
            1,
            "expires_in {expires_in}: one token for requests made back to back"
        );
    }
}

#[tokio::test]
async fn a_failed_early_refresh_keeps_the_token_that_is_still_valid() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token_answer(
            json!({"access_token": "first", "token_type": "Bearer", "expires_in": 100}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer first"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = oauth(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("first token");
    // Past the early refresh point (four fifths of the lifetime), before expiry.
    skip(Duration::from_secs(85)).await;
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("the refresh fails, the token still serves");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
    // Once it has expired, the failure is the caller's.
    skip(Duration::from_secs(20)).await;
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("no valid token");
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
}

// ---- token endpoints that hang ----

#[tokio::test]
async fn a_hanging_token_endpoint_costs_a_fetch_per_round_not_per_request() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(
            token_answer(json!({"access_token": "late", "expires_in": 3600}))
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;
    let client = oauth(&server.uri())
        .token_fetch_timeout(Some(Duration::from_millis(300)))
        .build()
        .expect("builds");
    let started = std::time::Instant::now();
    let calls = (0..8).map(|_| client.get_connect_v1_custom_connector_plugin("ccp-1"));
    let results = tokio::time::timeout(
        Duration::from_secs(20),
        futures_util::future::join_all(calls),
    )
    .await
    .expect("every request ends");
    for r in &results {
        assert!(matches!(r, Err(Error::Authentication(_))), "{r:?}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // Eight requests of four attempts each: a fetch per round of retries, shared by all
    // of them, not one per request and attempt.
    let fetches = requests_to(&server, TOKEN_PATH).await;
    assert!((1..=4).contains(&fetches), "{fetches} fetches");
}

#[tokio::test]
async fn a_token_fetch_without_a_timeout_still_ends_with_the_retry_budget() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(
            token_answer(json!({"access_token": "late", "expires_in": 3600}))
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;
    let client = oauth(&server.uri())
        .retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_millis(500)))
        .build()
        .expect("builds");
    let err = tokio::time::timeout(
        Duration::from_secs(20),
        client.get_connect_v1_custom_connector_plugin("ccp-1"),
    )
    .await
    .expect("the budget ends the fetch")
    .expect_err("no token");
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
}

// ---- redirects ----

#[tokio::test]
async fn redirects_to_another_origin_are_reported_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    for status in [301, 302, 303, 307, 308] {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}{PLUGIN_PATH}", elsewhere.uri())),
            )
            .mount(&server)
            .await;
        let client = builder(&server.uri())
            .default_header("x-tenant-token", "tenant-secret")
            .build()
            .expect("builds");
        match client.get_connect_v1_custom_connector_plugin("ccp-1").await {
            Err(Error::Api(e)) => assert_eq!(e.status, status),
            other => panic!("{status}: expected the redirect as an error, got {other:?}"),
        }
    }
    assert_eq!(
        elsewhere
            .received_requests()
            .await
            .unwrap_or_default()
            .len(),
        0,
        "no request, so no credentials or default headers, reached the other origin"
    );
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed_and_loops_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved"))
        .mount(&server)
        .await;
    Mock::given(path("/moved"))
        .and(header("authorization", "Basic S0VZOmtleS1zZWNyZXQ="))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("builds");
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("followed on the same origin");

    let looping = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", PLUGIN_PATH))
        .mount(&looping)
        .await;
    let client = builder(&looping.uri()).build().expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("a loop");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let sent = looping.received_requests().await.unwrap_or_default().len();
    assert!(
        sent <= 12,
        "one round of redirects, not one per retry: {sent}"
    );
}

// ---- bodies ----

const GIB: u64 = 1 << 30;

#[tokio::test]
async fn a_1_gib_error_body_is_cut_at_the_error_limit_and_not_read_further() {
    let head = format!(
        "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: {GIB}\r\n\r\n"
    );
    let (url, written, _) = raw_server(vec![RawAnswer {
        head: head.into_bytes(),
        filler: GIB,
    }])
    .await;
    let client = builder(&url).build().expect("builds");
    let err = tokio::time::timeout(
        Duration::from_secs(60),
        client.get_connect_v1_custom_connector_plugin("ccp-1"),
    )
    .await
    .expect("ends")
    .expect_err("404");
    match &err {
        Error::Api(e) => {
            assert_eq!(e.status, 404);
            assert!(e.excerpt.chars().count() <= 201, "{}", e.excerpt.len());
        }
        other => panic!("expected the 404, got {other:?}"),
    }
    // Give the server a moment to see the hang-up, then check how much it got out: the
    // client's 64 KiB and what the sockets' buffers held, far from a gibibyte.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 64 << 20, "the server wrote {sent} bytes");
}

#[tokio::test]
async fn success_bodies_over_the_limit_are_an_error_not_an_allocation() {
    // A declared length over the limit is refused before reading.
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {GIB}\r\n\r\n"
    );
    let (url, written, _) = raw_server(vec![RawAnswer {
        head: head.into_bytes(),
        filler: GIB,
    }])
    .await;
    let client = builder(&url)
        .max_body_bytes(1 << 20)
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("too large");
    assert!(
        matches!(&err, Error::Decode(e) if e.message.contains("larger than 1048576 bytes")),
        "{err:?}"
    );
    // A body without a length, read until the connection closes, is cut at the limit.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
    let (url, undeclared_written, _) = raw_server(vec![RawAnswer {
        head: head.as_bytes().to_vec(),
        filler: GIB,
    }])
    .await;
    let client = builder(&url)
        .max_body_bytes(1 << 20)
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("too large");
    assert!(
        matches!(&err, Error::Decode(e) if e.message.contains("larger than")),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    for sent in [
        written.load(Ordering::SeqCst),
        undeclared_written.load(Ordering::SeqCst),
    ] {
        assert!(sent < 64 << 20, "the server wrote {sent} bytes");
    }
}

#[tokio::test(start_paused = true)]
async fn a_body_cut_off_on_the_way_is_retried_for_get() {
    let body = plugin().to_string();
    let cut = RawAnswer {
        head: b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\""
            .to_vec(),
        filler: 0,
    };
    let whole = RawAnswer {
        head: format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
        filler: 0,
    };
    let (url, _, connections) = raw_server(vec![cut, whole]).await;
    let client = builder(&url).build().expect("builds");
    let response = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("the second try reads the whole body");
    assert_eq!(response.body.id, "ccp-1");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

// ---- the refresh after a 401 ----

#[tokio::test]
async fn the_refresh_after_a_401_counts_against_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(token_answer(
            json!({"access_token": "tok", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    Mock::given(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = oauth(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        requests_to(&server, PLUGIN_PATH).await,
        1,
        "one attempt allowed: no resend after the refresh"
    );
}

// ---- secrets ----

#[tokio::test]
async fn token_endpoint_answers_never_reach_an_error() {
    for (status, body) in [
        (
            200,
            json!({"access_token": 42, "refresh_token": "SECRET-REFRESH", "id_token": "SECRET-ID"}),
        ),
        (
            400,
            json!({"error": "invalid_client", "error_description": "SECRET-DESCRIPTION"}),
        ),
        (500, json!({"access_token": "SECRET-TOKEN"})),
    ] {
        let server = MockServer::start().await;
        Mock::given(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        let client = oauth(&server.uri())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("builds");
        let err = client
            .get_connect_v1_custom_connector_plugin("ccp-1")
            .await
            .expect_err("no token");
        assert!(matches!(err, Error::Authentication(_)), "{err:?}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SECRET"), "{status}: {shown}");
        if status == 400 {
            assert!(shown.contains("invalid_client"), "{shown}");
        }
    }
}

#[tokio::test]
async fn transport_errors_do_not_name_the_filled_in_url() {
    // A server that hangs up without answering.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            drop(stream);
        }
    });
    let client = builder(&format!("http://{address}"))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-private-id-77")
        .await
        .expect_err("hung up");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("ccp-private-id-77"), "{shown}");
}

#[tokio::test]
async fn sensitive_response_headers_are_redacted_in_debug() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("set-cookie", "session=COOKIE-SECRET")
                .insert_header("x-auth-token", "HEADER-SECRET")
                .insert_header("x-request-id", "req-1"),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("builds");
    let err = client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect_err("404");
    let debug = format!("{err:?}");
    assert!(!debug.contains("COOKIE-SECRET"), "{debug}");
    assert!(!debug.contains("HEADER-SECRET"), "{debug}");
    assert!(
        debug.contains("req-1"),
        "other headers stay visible: {debug}"
    );
    // The values are still there for code that asks for them.
    let Error::Api(api) = err else {
        panic!("expected an API error")
    };
    assert_eq!(
        api.headers.get("set-cookie").and_then(|v| v.to_str().ok()),
        Some("session=COOKIE-SECRET")
    );
}

#[test]
fn url_errors_do_not_echo_user_and_password() {
    for url in [
        "https://user:hunter2@api.example.com/?query=1",
        "https://user:hunter2@exa mple.com/",
        "http://user:hunter2@api.example.com/",
    ] {
        let err = Client::builder()
            .base_url(url)
            .build()
            .expect_err("refused");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[tokio::test]
async fn oauth2_client_id_and_secret_are_form_encoded_before_basic_auth() {
    let server = MockServer::start().await;
    // base64("id%3A1:p%25a%2Bs%3As+w"): each part form-encoded (RFC 6749 §2.3.1).
    Mock::given(path(TOKEN_PATH))
        .and(header(
            "authorization",
            "Basic aWQlM0ExOnAlMjVhJTJCcyUzQXMrdw==",
        ))
        .respond_with(token_answer(
            json!({"access_token": "tok", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    Mock::given(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .credentials(Credentials::client_credentials("id:1", "p%a+s:s w"))
        .build()
        .expect("builds");
    client
        .get_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("the token endpoint read the credentials as sent");
}
