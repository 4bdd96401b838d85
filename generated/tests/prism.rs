//! Conformance against an independent mock server built from the spec: Stoplight Prism
//! serves `spec/`, checks every request the client sends against the spec, and answers
//! from the spec's examples. `.ci/run` installs and starts it and sets `PRISM_URL`.
//!
//! Without `PRISM_URL` the test skips with a notice, except in CI, where it fails: there
//! it must never be skipped silently.

use confluent_custom_plugin_client::{Client, Credentials, Error, RetryPolicy};

fn prism_url() -> Option<String> {
    if let Ok(url) = std::env::var("PRISM_URL") {
        return Some(url);
    }
    let reason =
        std::env::var("PRISM_UNAVAILABLE").unwrap_or_else(|_| "PRISM_URL is not set".into());
    if std::env::var_os("CI").is_some() {
        panic!("the Prism conformance test cannot run: {reason}. `.ci/run` installs @stoplight/prism-cli with npm and starts it.");
    }
    println!("skipped: {reason} (run `.ci/run`, or start `prism mock spec/confluent-custom-connector-plugin.yaml` and set PRISM_URL)");
    None
}

fn client(url: &str, prefer: Option<u16>) -> Client {
    let mut builder = Client::builder()
        .base_url(url)
        .retry_policy(RetryPolicy::disabled())
        .credentials(Credentials::api_key("KEY", "SECRET"));
    if let Some(status) = prefer {
        // Prism answers with the documented response for this status.
        builder = builder.default_header("Prefer", format!("code={status}"));
    }
    builder.build().expect("the client builds")
}

#[tokio::test]
async fn every_operation_and_documented_error_conforms_to_prism() {
    let Some(url) = prism_url() else { return };

    let ok = client(&url, None)
        .get_connect_v1_custom_connector_plugin("dlz-f3a90de")
        .await;
    let ok = ok.expect("Prism accepts the request and its example answer decodes");
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body.id, "dlz-f3a90de");
    assert_eq!(
        ok.body.connector_class,
        "io.confluent.kafka.connect.datagen.DatagenConnector"
    );
    assert!(
        ok.headers.x_request_id.is_some(),
        "documented headers are read"
    );

    for status in [400u16, 401, 403, 404, 500] {
        let err = client(&url, Some(status))
            .get_connect_v1_custom_connector_plugin("dlz-f3a90de")
            .await;
        match err {
            Err(Error::Api(e)) => {
                assert_eq!(e.status, status);
                assert!(e.request_id.is_some(), "{status}: the request id is kept");
                let body = e.body.unwrap_or_else(|| {
                    panic!("{status}: the Failure example parses: {}", e.excerpt)
                });
                assert_eq!(
                    body.errors[0].status.as_deref(),
                    Some(status.to_string().as_str())
                );
            }
            other => panic!("{status}: expected an API error, got {other:?}"),
        }
    }
    match client(&url, Some(429))
        .get_connect_v1_custom_connector_plugin("dlz-f3a90de")
        .await
    {
        Err(Error::RateLimited(e)) => {
            assert_eq!(e.status, 429);
            assert!(e.body.is_none(), "the spec documents no body for 429");
            assert!(
                e.rate_limit.reset.is_some() && e.rate_limit.retry_after.is_some(),
                "{:?}",
                e.rate_limit
            );
        }
        other => panic!("429: expected a rate-limit error, got {other:?}"),
    }
}
