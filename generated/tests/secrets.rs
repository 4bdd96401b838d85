//! A property test: whatever secrets a user hands the client (API keys, bearer tokens,
//! OAuth2 client secrets, scheme keys, default header values, passwords in the base and
//! token URLs) and whatever a server then answers, no `Debug` or `Display` output of the
//! builder, the client, the credentials or an error, and no trace the client writes, holds
//! one of them.

use confluent_custom_plugin_client::{Client, Credentials, RetryPolicy};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::{Arc, Mutex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod support;
use support::Trace;

/// The server's answer, by the request's `x-answer` header, so that one server serves
/// every case.
struct Answers {
    other_origin: String,
    /// The access tokens handed out: secrets too.
    issued: Arc<Mutex<Vec<String>>>,
}

impl Respond for Answers {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path().ends_with("/token") {
            let Ok(mut issued) = self.issued.lock() else {
                return ResponseTemplate::new(500);
            };
            let token = format!(
                "zqtok{:06}x{:x}",
                issued.len(),
                issued.len() * 7919 + 104_729
            );
            issued.push(token.clone());
            return ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": token, "expires_in": 3600}));
        }
        let answer = request
            .headers
            .get("x-answer")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("500");
        match answer {
            "401" => ResponseTemplate::new(401),
            "redirect" => ResponseTemplate::new(307).insert_header(
                "location",
                format!("{}/elsewhere", self.other_origin).as_str(),
            ),
            "garbage" => ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("{\"kind\": 7"),
            "html" => ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"),
            _ => ResponseTemplate::new(500).set_body_string("{\"errors\":[]}"),
        }
    }
}

/// Secrets are long enough, and start with `zq`, so that no other text matches one by
/// chance; URL passwords also hold the characters that end a URL's authority.
fn secret() -> impl Strategy<Value = String> {
    "zq[A-Za-z0-9_.~-]{10,24}"
}

fn url_password() -> impl Strategy<Value = String> {
    "zq[A-Za-z0-9/?#@:%!$&'()*+,;=]{8,16}"
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    ApiKey,
    Bearer,
    Key,
    Keys,
    OAuth,
}

const KINDS: [Kind; 5] = [
    Kind::ApiKey,
    Kind::Bearer,
    Kind::Key,
    Kind::Keys,
    Kind::OAuth,
];

/// How the server answers: every case meets every kind of credentials.
const ANSWERS: [&str; 6] = [
    "401",
    "no-token-endpoint",
    "redirect",
    "garbage",
    "html",
    "500",
];

fn credentials(kind: Kind, secret: &str) -> Credentials {
    match kind {
        Kind::ApiKey => Credentials::api_key("key-id", secret),
        Kind::Bearer => Credentials::bearer_token(secret),
        Kind::Key => Credentials::key(secret),
        Kind::Keys => Credentials::keys([("cloud-api-key", secret)]),
        Kind::OAuth => Credentials::client_credentials("client-id", secret),
    }
}

#[test]
fn no_secret_reaches_debug_display_errors_or_traces() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let issued = Arc::new(Mutex::new(Vec::new()));
    let server = runtime.block_on(async {
        let other = MockServer::start().await;
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(Answers {
                other_origin: other.uri(),
                issued: issued.clone(),
            })
            .mount(&server)
            .await;
        (server, other)
    });
    let base = server.0.uri();
    let trace = Trace::default();
    let writer = trace.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut runner = TestRunner::new(Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    });
    let cases = (
        (secret(), secret(), secret(), secret()),
        (url_password(), url_password()),
    );
    let result = runner.run(
        &cases,
        |((key, header_value, base_wire, token_wire), (base_password, token_password))| {
            let given = [
                &key,
                &header_value,
                &base_password,
                &token_password,
                &base_wire,
                &token_wire,
            ];
            let leaks = |what: &str, text: &str| -> Result<(), TestCaseError> {
                let issued = issued.lock().map(|t| t.clone()).unwrap_or_default();
                for secret in given.into_iter().chain(issued.iter()) {
                    prop_assert!(
                        !text.contains(secret.as_str()),
                        "{what} shows the secret {secret:?}: {text}"
                    );
                }
                Ok(())
            };
            for kind in KINDS {
                let credentials = credentials(kind, &key);
                leaks("Debug of the credentials", &format!("{credentials:?}"))?;
                // A builder holding every secret at once, with passwords in both URLs.
                let full = Client::builder()
                    .base_url(format!("https://user:{base_password}@api.example.com"))
                    .token_url(format!(
                        "https://client:{token_password}@auth.example.com/token"
                    ))
                    .default_header("X-Api-Key", header_value.clone())
                    .credentials(credentials.clone());
                leaks("Debug of the builder", &format!("{full:?}"))?;
                match full.build() {
                    Ok(client) => leaks("Debug of the client", &format!("{client:?}"))?,
                    Err(e) => {
                        leaks("a build error", &e.to_string())?;
                        leaks("Debug of a build error", &format!("{e:?}"))?;
                    }
                }
                for answer in ANSWERS {
                    call(
                        &runtime,
                        &base,
                        kind,
                        &key,
                        &header_value,
                        &base_wire,
                        &token_wire,
                        answer,
                        &trace,
                        &leaks,
                    )?;
                }
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The secrets on the wire, against a server that answers badly: the error, the response
/// and the trace are checked.
#[allow(clippy::too_many_arguments)]
fn call(
    runtime: &tokio::runtime::Runtime,
    base: &str,
    kind: Kind,
    key: &str,
    header_value: &str,
    base_wire: &str,
    token_wire: &str,
    answer: &str,
    trace: &Trace,
    leaks: &dyn Fn(&str, &str) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    trace.0.lock().map(|mut b| b.clear()).unwrap_or(());
    let with_password =
        |url: &str, password: &str| url.replacen("http://", &format!("http://user:{password}@"), 1);
    let token_server = if answer == "no-token-endpoint" {
        // Nothing listens on the discard port: the fetch cannot connect.
        "http://127.0.0.1:9"
    } else {
        base
    };
    let client = Client::builder()
        .base_url(with_password(base, base_wire))
        .token_url(format!("{}/token", with_password(token_server, token_wire)))
        .default_header("X-Api-Key", header_value)
        .default_header("x-answer", answer)
        .credentials(credentials(kind, key))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(2)
                .with_base_delay(std::time::Duration::from_millis(1)),
        )
        .build();
    let client = match client {
        Ok(client) => client,
        Err(e) => return leaks("a build error", &e.to_string()),
    };
    leaks("Debug of the client", &format!("{client:?}"))?;
    match runtime.block_on(client.get_connect_v1_custom_connector_plugin("ccp-1")) {
        Ok(response) => leaks("Debug of a response", &format!("{response:?}"))?,
        Err(e) => {
            leaks("an error", &e.to_string())?;
            leaks("Debug of an error", &format!("{e:?}"))?;
        }
    }
    let traced = trace.text();
    prop_assert!(
        traced.contains("http_request"),
        "the call was traced: {traced}"
    );
    leaks("the trace", &traced)
}
