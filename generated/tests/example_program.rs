//! The example program `get_custom_connector_plugin`, run as a user runs it, against
//! hostile servers on loopback: it must end with an error message (not a panic), keep its
//! memory bounded, and never print the OAuth2 secret. `cargo test` builds the examples
//! beside the test binaries, where this test finds it.

use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, Output};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{plugin, raw_server, RawAnswer};

const PEAK_MEMORY_LIMIT_KIB: i64 = 256 * 1024;

fn example_program() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    // target/<profile>/deps/<test> → target/<profile>/examples/<example>
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("a target folder");
    let program = dir.join("examples").join(format!(
        "get_custom_connector_plugin{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(
        program.exists(),
        "{} is missing: run the tests with `cargo test`, which builds the examples",
        program.display()
    );
    program
}

/// Runs the example for plugin `ccp-1` with only the given environment.
async fn run(vars: &[(&str, String)]) -> Output {
    let mut command = Command::new(example_program());
    command.arg("ccp-1").env_clear();
    for (name, value) in vars {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().expect("the example runs"))
        .await
        .expect("the runner thread")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_clean_failure(output: &Output, expected: &str) {
    let (stdout, stderr) = text(output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

/// The largest resident set of any child this process has waited for, in KiB.
fn children_peak_memory_kib() -> i64 {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(status, 0, "getrusage");
    usage.ru_maxrss
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_program_against_hostile_servers() {
    let api_key = |endpoint: &str| {
        vec![
            ("CONFLUENT_CLOUD_ENDPOINT", endpoint.to_string()),
            ("CONFLUENT_CLOUD_API_KEY", "KEY".to_string()),
            ("CONFLUENT_CLOUD_API_SECRET", "key-secret".to_string()),
        ]
    };
    // A 2^64-1 second Retry-After after a first one-second wait.
    let (url, _, connections) = raw_server(vec![
        RawAnswer {
            head: b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n"
                .to_vec(),
            filler: 0,
        },
        RawAnswer {
            head: b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 18446744073709551615\r\ncontent-length: 0\r\n\r\n"
                .to_vec(),
            filler: 0,
        },
    ])
    .await;
    let output = run(&api_key(&url)).await;
    assert_clean_failure(&output, "503");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);

    // A 404 whose body is a gibibyte long.
    let (url, _, _) = raw_server(vec![RawAnswer {
        head: format!(
            "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
            1u64 << 30
        )
        .into_bytes(),
        filler: 1 << 30,
    }])
    .await;
    let output = run(&api_key(&url)).await;
    assert_clean_failure(&output, "404");
    let peak = children_peak_memory_kib();
    println!("peak memory of the example program: {} MiB", peak / 1024);
    assert!(
        peak < PEAK_MEMORY_LIMIT_KIB,
        "the example program peaked at {peak} KiB"
    );

    // OAuth2 with a token that "never expires", from a token URL given in the environment.
    let server = MockServer::start().await;
    let secret = "oauth-secret-never-printed";
    Mock::given(path("/oauth/token"))
        .and(header(
            "authorization",
            // base64("client-1:oauth-secret-never-printed")
            "Basic Y2xpZW50LTE6b2F1dGgtc2VjcmV0LW5ldmVyLXByaW50ZWQ=",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "tok-123", "token_type": "Bearer", "expires_in": 9223372036854775807i64
        })))
        .mount(&server)
        .await;
    Mock::given(path("/connect/v1/custom-connector-plugins/ccp-1"))
        .and(header("authorization", "Bearer tok-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin()))
        .mount(&server)
        .await;
    let token_url = format!("{}/oauth/token", server.uri());
    let oauth = [
        ("CONFLUENT_CLOUD_ENDPOINT", server.uri()),
        ("CONFLUENT_CLOUD_OAUTH_CLIENT_ID", "client-1".to_string()),
        ("CONFLUENT_CLOUD_OAUTH_CLIENT_SECRET", secret.to_string()),
        ("CONFLUENT_CLOUD_TOKEN_URL", token_url),
    ];
    let output = run(&oauth).await;
    let (stdout, stderr) = text(&output);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("\"id\": \"ccp-1\""), "{stdout}");
    assert!(!stdout.contains(secret) && !stderr.contains(secret));

    // A token endpoint that refuses the client: a clean error, still without the secret.
    let refusing = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client", "error_description": secret
        })))
        .mount(&refusing)
        .await;
    let oauth = [
        ("CONFLUENT_CLOUD_ENDPOINT", refusing.uri()),
        ("CONFLUENT_CLOUD_OAUTH_CLIENT_ID", "client-1".to_string()),
        ("CONFLUENT_CLOUD_OAUTH_CLIENT_SECRET", secret.to_string()),
        (
            "CONFLUENT_CLOUD_TOKEN_URL",
            format!("{}/oauth/token", refusing.uri()),
        ),
    ];
    let output = run(&oauth).await;
    assert_clean_failure(&output, "invalid_client");
    let (stdout, stderr) = text(&output);
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
}
