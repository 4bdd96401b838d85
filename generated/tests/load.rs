//! A load run: 1,000 requests, 100 at a time, against a loopback server that answers 5%
//! of them 503 and 5% 429, and whose OAuth2 tokens expire during the run (each is good
//! for 100 requests; after that the server answers 401 to it). Every request must end,
//! in success or a clean error within its retry budget; tokens must be fetched once per
//! lifetime, not once per request; and when the client is gone no task or connection of
//! it may be left. It prints requests per second and the peak memory of this process
//! (client and mock server together); the README quotes them.

use confluent_custom_plugin_client::{Client, Credentials, Error, RetryPolicy};
use futures_util::StreamExt;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const REQUESTS: usize = 1_000;
const CONCURRENCY: usize = 100;
/// How many API requests a token is good for before the server answers 401 to it.
const TOKEN_USES: u64 = 100;
const TOKEN_PATH: &str = "/sts/v1/oauth2/token";

/// The server's tokens: the current one's number and how often it has been used.
#[derive(Default)]
struct Tokens {
    current: u64,
    uses: u64,
}

struct TokenEndpoint(Arc<Mutex<Tokens>>, Arc<AtomicU64>);

impl Respond for TokenEndpoint {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.1.fetch_add(1, Ordering::SeqCst);
        let Ok(mut tokens) = self.0.lock() else {
            return ResponseTemplate::new(500);
        };
        tokens.current += 1;
        tokens.uses = 0;
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("t{}", tokens.current),
            "token_type": "Bearer",
            "expires_in": 3600
        }))
    }
}

struct Api(Arc<Mutex<Tokens>>, Arc<AtomicU64>);

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.1.fetch_add(1, Ordering::SeqCst);
        let Ok(mut tokens) = self.0.lock() else {
            return ResponseTemplate::new(500);
        };
        let presented = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        if presented != format!("Bearer t{}", tokens.current) || tokens.uses >= TOKEN_USES {
            return ResponseTemplate::new(401);
        }
        tokens.uses += 1;
        match n % 20 {
            0 => ResponseTemplate::new(503),
            1 => ResponseTemplate::new(429).insert_header("retry-after", "0"),
            _ => ResponseTemplate::new(200).set_body_json(json!({
                "api_version": "connect/v1", "kind": "CustomConnectorPlugin", "id": "ccp-1",
                "display_name": "Datagen", "connector_class": "io.confluent.Datagen",
                "connector_type": "SOURCE"
            })),
        }
    }
}

fn status_line(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(name))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The process's open sockets. Other descriptors are not counted: test machinery (the
/// mock server's pool, runtimes started lazily) may open event descriptors of its own
/// while the test runs, which says nothing of the client.
fn open_sockets() -> usize {
    open_file_targets()
        .iter()
        .filter(|target| target.contains("socket:"))
        .count()
}

/// The names of the process's threads, to say who holds what a failure left open.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task").map_or_else(
        |_| Vec::new(),
        |d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
                .map(|name| name.trim().to_string())
                .collect()
        },
    )
}

/// What the process's open files are, to say which ones a failure left open.
fn open_file_targets() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd").map_or_else(
        |_| Vec::new(),
        |d| {
            d.filter_map(Result::ok)
                .map(|e| {
                    let target = std::fs::read_link(e.path())
                        .map(|t| t.display().to_string())
                        .unwrap_or_default();
                    format!("{} -> {target}", e.file_name().to_string_lossy())
                })
                .collect()
        },
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_through_errors_and_expiring_tokens() {
    let server = MockServer::start().await;
    let tokens = Arc::new(Mutex::new(Tokens::default()));
    let fetches = Arc::new(AtomicU64::new(0));
    let api_requests = Arc::new(AtomicU64::new(0));
    Mock::given(path(TOKEN_PATH))
        .respond_with(TokenEndpoint(tokens.clone(), fetches.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/connect/v1/custom-connector-plugins/ccp-1"))
        .respond_with(Api(tokens.clone(), api_requests.clone()))
        .mount(&server)
        .await;
    let metrics = tokio::runtime::Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();
    let sockets_before = open_sockets();
    let targets_before = open_file_targets();

    let policy = RetryPolicy::default().with_max_elapsed(Duration::from_secs(30));
    let client = Client::builder()
        .base_url(server.uri())
        .token_url(format!("{}{TOKEN_PATH}", server.uri()))
        .credentials(Credentials::client_credentials("load", "load-secret"))
        .retry_policy(policy.clone())
        // This server revokes a token after 100 requests, a fraction of a second: far
        // sooner than the age below which a 401 does not retire a token by default.
        .min_token_age_for_refresh(Duration::ZERO)
        .build()
        .expect("builds");

    let started = Instant::now();
    let outcomes: Vec<(Duration, Result<(), String>)> = futures_util::stream::iter(0..REQUESTS)
        .map(|_| {
            let client = client.clone();
            async move {
                let began = Instant::now();
                let result = client
                    .get_connect_v1_custom_connector_plugin("ccp-1")
                    .await
                    .map(|_| ())
                    .map_err(|e| match e {
                        // Clean errors: an answer the retries could not get past.
                        Error::Api(_) | Error::RateLimited(_) => e.to_string(),
                        other => panic!("an unclean error under load: {other:?}"),
                    });
                (began.elapsed(), result)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let elapsed = started.elapsed();

    assert_eq!(outcomes.len(), REQUESTS, "every request ends");
    let succeeded = outcomes.iter().filter(|(_, r)| r.is_ok()).count();
    let slowest = outcomes.iter().map(|(d, _)| *d).max().unwrap_or_default();
    // The budget bounds the retries; the last attempt may start just before it ends.
    assert!(
        slowest < policy.max_elapsed + Duration::from_secs(10),
        "a request took {slowest:?}"
    );
    let fetched = fetches.load(Ordering::SeqCst);
    let sent = api_requests.load(Ordering::SeqCst);
    // One fetch per token lifetime (a token serves TOKEN_USES requests), with room for the
    // requests that were in flight with the old token when it expired.
    let lifetimes = sent.div_ceil(TOKEN_USES);
    assert!(fetched > 1, "tokens expired during the run");
    assert!(
        fetched <= lifetimes + 2,
        "{fetched} token fetches for {sent} requests ({lifetimes} token lifetimes)"
    );
    assert!(
        succeeded * 10 >= REQUESTS * 9,
        "only {succeeded} of {REQUESTS} succeeded"
    );

    // Nothing of the client outlives it: its connection tasks end and its sockets close.
    drop(client);
    let mut leaked = (usize::MAX, usize::MAX);
    // Up to 20 s: closing is asynchronous, and a loaded machine (CI, a parallel build) is slow.
    for _ in 0..400 {
        leaked = (metrics.num_alive_tasks(), open_sockets());
        if leaked.0 <= tasks_before && leaked.1 <= sockets_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        leaked.0 <= tasks_before,
        "{} tasks alive after the client is gone ({tasks_before} before)",
        leaked.0
    );
    assert!(
        leaked.1 <= sockets_before,
        "{} sockets open after the client is gone ({sockets_before} before): {:?} now, {targets_before:?} before; threads {:?}",
        leaked.1,
        open_file_targets(),
        thread_names()
    );

    let per_second = REQUESTS as f64 / elapsed.as_secs_f64();
    println!(
        "load: {REQUESTS} requests, {CONCURRENCY} at a time, in {:.2} s: {per_second:.0} requests/s; \
         {sent} sent in all (retries included), {succeeded} succeeded, {fetched} token fetches; \
         slowest {:.2} s; peak memory {} MiB",
        elapsed.as_secs_f64(),
        slowest.as_secs_f64(),
        status_line("VmHWM:").unwrap_or(0) / 1024,
    );
}
