//! The generated client for `spec/` against a real HTTP server on loopback.

use confluent_custom_plugin_client::{
    Client, Credentials, CustomConnectorPluginCloud, CustomConnectorPluginConnectorType,
    CustomConnectorPluginUploadSource, Error, Open,
};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PLUGIN_PATH: &str = "/connect/v1/custom-connector-plugins/ccp-12345";

/// A plugin as the server sends it, built from the examples the spec gives each property.
fn plugin_payload() -> Value {
    json!({
        "api_version": "connect/v1",
        "kind": "CustomConnectorPlugin",
        "id": "dlz-f3a90de",
        "metadata": {
            "self": "https://api.confluent.cloud/connect/v1/custom-connector-plugins/ccp-12345",
            "resource_name": "crn://confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/custom-connector-plugin=ccp-12345",
            "created_at": "2006-01-02T15:04:05-07:00",
            "updated_at": "2006-01-02T15:04:05-07:00"
        },
        "display_name": "Datagen",
        "content_format": "ZIP",
        "description": "Generates data",
        "documentation_link": "https://github.com/confluentinc/kafka-connect-datagen",
        "connector_class": "io.confluent.kafka.connect.datagen.DatagenConnector",
        "connector_type": "SOURCE",
        "cloud": "AWS",
        "sensitive_config_properties": ["passwords", "keys", "tokens"],
        "upload_source": {"location": "PRESIGNED_URL_LOCATION", "upload_id": "e53bb2e8-8de3-49fa-9fb1-4e3fd9a16b66"},
        "runtime_language": "JAVA"
    })
}

fn failure(status: &str) -> Value {
    json!({"errors": [{"id": "ed42afdc-f0d5-4c0d-b428-9fc6ed6e279d", "status": status, "code": "some_code", "title": "Some Title", "detail": "details"}]})
}

/// Retries are off here: these tests are about single answers (`resilience.rs` covers
/// retries).
fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .retry_policy(confluent_custom_plugin_client::RetryPolicy::disabled())
        .credentials(Credentials::api_key("KEY-ID", "key-secret"))
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn the_seed_payload_comes_back_typed_with_its_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        // HTTP basic: base64("KEY-ID:key-secret").
        .and(header("authorization", "Basic S0VZLUlEOmtleS1zZWNyZXQ="))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(plugin_payload())
                .insert_header("X-Request-Id", "req-1")
                .insert_header("X-RateLimit-Limit", "100")
                .insert_header("X-RateLimit-Remaining", "99")
                .insert_header("X-RateLimit-Reset", "30"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let response = client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
        .expect("the call succeeds");
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("req-1"));
    let headers = &response.headers;
    assert_eq!(headers.x_request_id.as_deref(), Some("req-1"));
    assert_eq!(headers.x_rate_limit_limit, Some(100));
    assert_eq!(headers.x_rate_limit_remaining, Some(99));
    assert_eq!(
        headers.x_rate_limit_reset,
        Some(std::time::Duration::from_secs(30))
    );

    let plugin = response.body;
    assert_eq!(plugin.id, "dlz-f3a90de");
    assert_eq!(plugin.display_name, "Datagen");
    assert_eq!(
        plugin.connector_type,
        Open::Known(CustomConnectorPluginConnectorType::Source)
    );
    assert_eq!(
        plugin.cloud,
        Some(Open::Known(CustomConnectorPluginCloud::Aws))
    );
    let metadata = plugin.metadata.as_ref().expect("metadata is present");
    assert_eq!(
        metadata.self_,
        "https://api.confluent.cloud/connect/v1/custom-connector-plugins/ccp-12345"
    );
    assert_eq!(metadata.deleted_at, None);
    match &plugin.upload_source {
        Some(CustomConnectorPluginUploadSource::PresignedUrlLocation(p)) => {
            assert_eq!(p.upload_id, "e53bb2e8-8de3-49fa-9fb1-4e3fd9a16b66")
        }
        other => panic!("expected the presigned URL variant, got {other:?}"),
    }
    // Serializing gives back what the server sent (the discriminator included).
    assert_eq!(
        serde_json::to_value(&plugin).expect("serializes"),
        plugin_payload()
    );
}

#[tokio::test]
async fn unknown_enum_values_unknown_fields_and_unknown_variants_still_decode() {
    let server = MockServer::start().await;
    let mut payload = plugin_payload();
    payload["cloud"] = json!("ORACLE");
    payload["connector_type"] = json!("BIDIRECTIONAL");
    payload["brand_new_field"] = json!({"nested": [1, 2, 3]});
    payload["metadata"]["also_new"] = json!(true);
    payload["upload_source"] =
        json!({"location": "GIT_REPOSITORY", "url": "https://example.com/repo.git"});
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(&payload))
        .mount(&server)
        .await;

    let plugin = client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
        .expect("decodes")
        .body;
    assert_eq!(plugin.cloud, Some(Open::Unknown("ORACLE".into())));
    assert_eq!(plugin.connector_type, Open::Unknown("BIDIRECTIONAL".into()));
    assert_eq!(
        plugin.upload_source,
        Some(CustomConnectorPluginUploadSource::Unknown(
            json!({"location": "GIT_REPOSITORY", "url": "https://example.com/repo.git"})
        ))
    );
    // Unknown values are written back as they came.
    let back = serde_json::to_value(&plugin).expect("serializes");
    assert_eq!(back["cloud"], "ORACLE");
    assert_eq!(back["upload_source"]["location"], "GIT_REPOSITORY");
}

/// The spec's overlay drops `upload_source` from the required properties of the read
/// response (its description says reads ignore it), so a plugin without it decodes.
#[tokio::test]
async fn a_plugin_without_upload_source_decodes() {
    let server = MockServer::start().await;
    let mut payload = plugin_payload();
    payload.as_object_mut().map(|o| o.remove("upload_source"));
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(&payload))
        .mount(&server)
        .await;
    let plugin = client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
        .expect("decodes")
        .body;
    assert_eq!(plugin.upload_source, None);
    assert_eq!(serde_json::to_value(&plugin).expect("serializes"), payload);
}

#[tokio::test]
async fn each_documented_error_status_maps_to_its_error_with_the_request_id() {
    for status in [400u16, 401, 403, 404, 500] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(PLUGIN_PATH))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(failure(&status.to_string()))
                    .insert_header("X-Request-Id", format!("req-{status}").as_str()),
            )
            .mount(&server)
            .await;
        let err = client(&server)
            .get_connect_v1_custom_connector_plugin("ccp-12345")
            .await
            .expect_err("an error status");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.request_id(), Some(format!("req-{status}").as_str()));
        match err {
            Error::Api(api) => {
                let body = api.body.expect("the Failure body parses");
                assert_eq!(body.errors.len(), 1);
                assert_eq!(
                    body.errors[0].status.as_deref(),
                    Some(status.to_string().as_str())
                );
                assert_eq!(body.errors[0].title.as_deref(), Some("Some Title"));
            }
            other => panic!("{status}: expected an API error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn rate_limited_without_a_body_carries_its_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-Request-Id", "req-429")
                .insert_header("X-RateLimit-Limit", "10")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "17")
                .insert_header("Retry-After", "5"),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
        .expect_err("429");
    let message = err.to_string();
    match err {
        Error::RateLimited(e) => {
            assert_eq!(e.status, 429);
            assert_eq!(e.request_id.as_deref(), Some("req-429"));
            assert!(e.body.is_none());
            assert_eq!(e.rate_limit.limit, Some(10));
            assert_eq!(e.rate_limit.remaining, Some(0));
            assert_eq!(e.rate_limit.reset, Some(std::time::Duration::from_secs(17)));
            assert_eq!(
                e.rate_limit.retry_after,
                Some(std::time::Duration::from_secs(5))
            );
        }
        other => panic!("expected a rate-limit error, got {other:?}"),
    }
    assert!(message.contains("retry in 5s"), "{message}");
}

#[tokio::test]
async fn an_error_body_that_is_not_json_is_kept_as_an_excerpt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_string("<html>Bad Gateway</html>")
                .insert_header("X-Request-Id", "r"),
        )
        .mount(&server)
        .await;
    match client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
    {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 502);
            assert!(e.body.is_none());
            assert_eq!(e.excerpt, "<html>Bad Gateway</html>");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// `created_at` is a typed date-time: read as one, and a value that is not RFC 3339 is a
/// decode error naming the field.
#[tokio::test]
async fn dates_are_typed_and_a_malformed_one_names_its_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin_payload()))
        .mount(&server)
        .await;
    let plugin = client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
        .expect("decodes")
        .body;
    let created = plugin
        .metadata
        .and_then(|m| m.created_at)
        .expect("the payload has a creation time");
    assert_eq!(created.timestamp(), 1136239445);
    assert_eq!(created.offset().local_minus_utc(), -7 * 3600);

    let server = MockServer::start().await;
    let mut payload = plugin_payload();
    payload["metadata"]["created_at"] = json!("yesterday at noon");
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(&payload))
        .mount(&server)
        .await;
    match client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
    {
        Err(Error::Decode(e)) => {
            assert_eq!(e.path, "metadata.created_at");
            assert!(
                e.message.contains("input contains invalid characters"),
                "{}",
                e.message
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn bodies_that_do_not_decode_name_the_field_and_the_request_id() {
    let server = MockServer::start().await;
    let mut payload = plugin_payload();
    payload["metadata"]["self"] = json!(42);
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(&payload)
                .insert_header("X-Request-Id", "req-bad"),
        )
        .mount(&server)
        .await;
    match client(&server)
        .get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
    {
        Err(Error::Decode(e)) => {
            assert_eq!(e.path, "metadata.self");
            assert_eq!(e.request_id.as_deref(), Some("req-bad"));
            assert!(e.message.contains("expected a string"), "{}", e.message);
            assert!(e.excerpt.starts_with("{\"api_version\""), "{}", e.excerpt);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_truncated_empty_and_mistyped_bodies_are_decode_errors() {
    let cases: Vec<(&str, ResponseTemplate)> = vec![
        (
            "malformed",
            ResponseTemplate::new(200).set_body_raw("{\"id\": ", "application/json"),
        ),
        (
            "truncated",
            ResponseTemplate::new(200)
                .set_body_raw(&plugin_payload().to_string()[..40], "application/json"),
        ),
        ("empty", ResponseTemplate::new(200)),
        (
            "html",
            ResponseTemplate::new(200).set_body_raw("<html></html>", "text/html"),
        ),
        (
            "trailing",
            ResponseTemplate::new(200)
                .set_body_raw(format!("{} x", plugin_payload()), "application/json"),
        ),
    ];
    for (name, template) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(PLUGIN_PATH))
            .respond_with(template)
            .mount(&server)
            .await;
        match client(&server)
            .get_connect_v1_custom_connector_plugin("ccp-12345")
            .await
        {
            Err(Error::Decode(e)) => assert_eq!(e.status, 200, "{name}"),
            other => panic!("{name}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    let server = MockServer::start().await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    Mock::given(method("GET"))
        .respond_with(move |request: &Request| {
            if let Ok(mut paths) = record.lock() {
                paths.push(request.url.path().to_string());
            }
            ResponseTemplate::new(404).set_body_json(failure("404"))
        })
        .mount(&server)
        .await;
    let c = client(&server);
    for id in ["../x", "a/b?c", "a#b", "100%"] {
        let err = c
            .get_connect_v1_custom_connector_plugin(id)
            .await
            .expect_err("404");
        assert_eq!(err.status(), Some(404));
    }
    for id in ["", ".", ".."] {
        match c.get_connect_v1_custom_connector_plugin(id).await {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("`id`"), "{message}"),
            other => panic!("{id:?}: expected the request to be refused, got {other:?}"),
        }
    }
    let paths = seen.lock().map(|p| p.clone()).unwrap_or_default();
    assert_eq!(
        paths,
        vec![
            "/connect/v1/custom-connector-plugins/..%2Fx",
            "/connect/v1/custom-connector-plugins/a%2Fb%3Fc",
            "/connect/v1/custom-connector-plugins/a%23b",
            "/connect/v1/custom-connector-plugins/100%25",
        ]
    );
}

#[tokio::test]
async fn bearer_tokens_are_sent_and_secrets_stay_out_of_debug_output() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PLUGIN_PATH))
        .and(header("authorization", "Bearer token-value"))
        .respond_with(ResponseTemplate::new(200).set_body_json(plugin_payload()))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::bearer_token("token-value"))
        .build()
        .expect("builds");
    assert!(!format!("{c:?}").contains("token-value"));
    c.get_connect_v1_custom_connector_plugin("ccp-12345")
        .await
        .expect("succeeds");

    let with_key = client(&server);
    assert!(!format!("{with_key:?}").contains("key-secret"));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // A port that was just free and has no listener now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let c = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("builds");
    match c.get_connect_v1_custom_connector_plugin("x").await {
        Err(Error::Transport(_)) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[test]
fn the_default_base_url_is_the_specs_server() {
    assert_eq!(
        confluent_custom_plugin_client::DEFAULT_BASE_URL,
        "https://api.confluent.cloud"
    );
    let c = Client::new(Credentials::api_key("k", "s")).expect("builds");
    assert_eq!(c.base_url(), "https://api.confluent.cloud");
    assert!(Client::builder()
        .base_url("http://api.example.com")
        .build()
        .is_err());
}

#[tokio::test]
async fn json_is_read_under_any_json_content_type_and_refused_under_another() {
    let body = serde_json::to_vec(&plugin_payload()).expect("serializes");
    for (content_type, accepted) in [
        ("application/json", true),
        ("Application/JSON; charset=utf-8", true),
        ("application/vnd.confluent+JSON", true),
        ("text/html", false),
        ("application/jsonp", false),
        ("json", false),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(PLUGIN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), content_type))
            .mount(&server)
            .await;
        let result = client(&server)
            .get_connect_v1_custom_connector_plugin("ccp-12345")
            .await;
        match (accepted, result) {
            (true, Ok(response)) => assert_eq!(response.body.id, "dlz-f3a90de"),
            (false, Err(Error::Decode(e))) => assert!(
                e.message.contains(&format!(
                    "expected a JSON body, got content type `{content_type}`"
                )),
                "{}",
                e.message
            ),
            (_, other) => panic!("{content_type}: unexpected {other:?}"),
        }
    }
}
