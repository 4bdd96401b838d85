//! The request side of a generated client, against a real HTTP server on loopback:
//! validation before sending, readOnly fields never sent, parameters on the wire.

use e2e_fixture_client::{
    Client, Credentials, CustomConnectorPlugin, CustomConnectorPluginCloud,
    CustomConnectorPluginConnectorType, CustomConnectorPluginRequest,
    CustomConnectorPluginUploadSourceRequest, Error, ListConnectV1CustomConnectorPluginsParams,
    Open, UploadSourcePresignedUrl,
};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::api_key("id", "secret"))
        .build()
        .expect("builds")
}

fn request() -> CustomConnectorPluginRequest {
    CustomConnectorPluginRequest::new(
        "Datagen",
        "io.confluent.kafka.connect.datagen.DatagenConnector",
        CustomConnectorPluginConnectorType::Source,
    )
    .with_documentation_link("https://github.com/confluentinc/kafka-connect-datagen")
    .with_cloud(CustomConnectorPluginCloud::Aws)
    .with_sensitive_config_properties(vec!["passwords".to_string()])
    .with_upload_source(
        CustomConnectorPluginUploadSourceRequest::PresignedUrlLocation(
            UploadSourcePresignedUrl::new("e53bb2e8"),
        ),
    )
}

/// Read, change, write: the response type converts into the request type without its
/// read-only properties; an enum value the client does not know cannot be sent back.
#[test]
fn a_read_value_converts_into_its_request_type() {
    let read: CustomConnectorPlugin = serde_json::from_value(created()).expect("decodes");
    let change = CustomConnectorPluginRequest::try_from(read)
        .expect("converts")
        .with_documentation_link("https://example.com/new");
    let sent = serde_json::to_value(&change).expect("encodes");
    assert_eq!(sent["display_name"], "Datagen");
    assert_eq!(sent["cloud"], "AWS");
    assert_eq!(sent["documentation_link"], "https://example.com/new");
    assert!(sent.get("id").is_none(), "read-only id dropped: {sent}");

    let mut odd = created();
    odd["cloud"] = json!("MARS");
    let read: CustomConnectorPlugin = serde_json::from_value(odd).expect("decodes");
    assert!(read
        .cloud
        .as_ref()
        .is_some_and(|c| c.unknown() == Some("MARS")));
    let e = CustomConnectorPluginRequest::try_from(read).expect_err("MARS cannot be sent back");
    assert_eq!(e.path, "cloud");
    assert!(e.to_string().contains("MARS"), "{e}");
}

fn created() -> Value {
    json!({
        "id": "ccp-1",
        "display_name": "Datagen",
        "connector_class": "io.confluent.kafka.connect.datagen.DatagenConnector",
        "connector_type": "SOURCE",
        "cloud": "AWS"
    })
}

#[tokio::test]
async fn a_valid_body_is_sent_without_read_only_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/v1/custom-connector-plugins"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "display_name": "Datagen",
            "documentation_link": "https://github.com/confluentinc/kafka-connect-datagen",
            "connector_class": "io.confluent.kafka.connect.datagen.DatagenConnector",
            "connector_type": "SOURCE",
            "cloud": "AWS",
            "sensitive_config_properties": ["passwords"],
            "upload_source": {"location": "PRESIGNED_URL_LOCATION", "upload_id": "e53bb2e8"}
        })))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(created())
                .insert_header("X-Request-Id", "req-c"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .create_connect_v1_custom_connector_plugin(&request())
        .await
        .expect("created");
    assert_eq!(response.status, 201);
    assert_eq!(response.headers.x_request_id.as_deref(), Some("req-c"));
    assert_eq!(response.body.id.as_deref(), Some("ccp-1"));
    assert_eq!(
        response.body.cloud,
        Some(Open::Known(CustomConnectorPluginCloud::Aws))
    );
}

async fn refused(body: CustomConnectorPluginRequest) -> Vec<(String, String)> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created()))
        .expect(0)
        .mount(&server)
        .await;
    match client(&server)
        .create_connect_v1_custom_connector_plugin(&body)
        .await
    {
        Err(Error::Validation(e)) => {
            assert!(
                e.to_string()
                    .starts_with("the request is invalid and was not sent"),
                "{e}"
            );
            e.violations()
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    // Dropping the server checks `expect(0)`: nothing reached it.
}

#[tokio::test]
async fn a_61_character_display_name_is_refused_before_sending() {
    let violations = refused(CustomConnectorPluginRequest {
        display_name: "x".repeat(61),
        ..request()
    })
    .await;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].0, "display_name");
    assert!(
        violations[0].1.contains("greater than 60"),
        "{:?}",
        violations
    );
}

#[tokio::test]
async fn length_counts_characters_not_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(created()))
        .expect(1)
        .mount(&server)
        .await;
    // 60 characters, 120 bytes: allowed.
    let body = CustomConnectorPluginRequest {
        display_name: "é".repeat(60),
        ..request()
    };
    client(&server)
        .create_connect_v1_custom_connector_plugin(&body)
        .await
        .expect("sent");
}

#[tokio::test]
async fn patterns_item_rules_and_nested_rules_are_checked() {
    let v = refused(CustomConnectorPluginRequest {
        documentation_link: Some("ftp://x".into()),
        ..request()
    })
    .await;
    assert_eq!(v[0].0, "documentation_link");
    assert!(v[0].1.contains("pattern"), "{v:?}");

    let v = refused(CustomConnectorPluginRequest {
        sensitive_config_properties: Some(vec!["ok".into(), "not ok!".into()]),
        ..request()
    })
    .await;
    assert_eq!(v[0].0, "sensitive_config_properties[1]");

    let v = refused(CustomConnectorPluginRequest {
        sensitive_config_properties: Some(vec!["a".into(), "b".into(), "c".into(), "d".into()]),
        ..request()
    })
    .await;
    assert_eq!(v[0].0, "sensitive_config_properties");

    let v = refused(CustomConnectorPluginRequest {
        sensitive_config_properties: Some(vec!["a".into(), "b".into(), "a".into()]),
        ..request()
    })
    .await;
    assert_eq!(
        v[0],
        (
            "sensitive_config_properties".to_string(),
            "items 0 and 2 are equal, but items must be unique".to_string()
        )
    );

    let v = refused(CustomConnectorPluginRequest {
        upload_source: Some(
            CustomConnectorPluginUploadSourceRequest::PresignedUrlLocation(
                UploadSourcePresignedUrl {
                    upload_id: String::new(),
                },
            ),
        ),
        ..request()
    })
    .await;
    assert!(v[0].0.starts_with("upload_source"), "{v:?}");
    assert!(v[0].0.ends_with("upload_id"), "{v:?}");
}

#[tokio::test]
async fn query_and_header_parameters_go_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connect/v1/custom-connector-plugins"))
        .and(query_param("page_size", "10"))
        .and(query_param("page_token", "a b&c"))
        .and(header("X-Trace", "t-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [created()]})))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListConnectV1CustomConnectorPluginsParams {
        page_size: Some(10),
        page_token: Some("a b&c".into()),
        cloud: Some(vec!["AWS".into(), "GCP".into()]),
        ids: Some(vec!["x".into(), "y".into()]),
        x_trace: Some("t-1".into()),
    };
    let page = client(&server)
        .list_connect_v1_custom_connector_plugins(&params)
        .await
        .expect("listed")
        .body;
    assert_eq!(page.data.len(), 1);
    let requests = server.received_requests().await.unwrap_or_default();
    let query = requests
        .first()
        .and_then(|r| r.url.query().map(str::to_string))
        .unwrap_or_default();
    // `cloud` is exploded (the default form style); `ids` has `explode: false`.
    assert_eq!(
        query,
        "page_size=10&page_token=a+b%26c&cloud=AWS&cloud=GCP&ids=x%2Cy"
    );
}

#[tokio::test]
async fn the_stream_follows_every_page_and_stops_after_the_last() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    let plugin = |id: &str| json!({"id": id, "display_name": id, "connector_class": "c", "connector_type": "SINK"});
    let page = |items: Vec<Value>, next: Value| json!({"metadata": {"next": next}, "data": items});
    let list = "/connect/v1/custom-connector-plugins";
    let next_url = format!("{}{list}?page_size=2&page_token=p2", server.uri());
    Mock::given(method("GET"))
        .and(path(list))
        .and(query_param("page_token", "p2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(vec![plugin("c")], Value::Null)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list))
        .and(query_param("page_size", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(vec![plugin("a"), plugin("b")], json!(next_url))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let params = ListConnectV1CustomConnectorPluginsParams {
        page_size: Some(2),
        ..Default::default()
    };
    let items: Vec<_> = c
        .list_connect_v1_custom_connector_plugins_stream(&params)
        .collect()
        .await;
    let ids: Vec<Option<String>> = items
        .into_iter()
        .map(|r| r.expect("each page succeeds").id)
        .collect();
    assert_eq!(
        ids,
        vec![Some("a".into()), Some("b".into()), Some("c".into())]
    );
    // The second request kept the caller's page size and added the token.
    let requests = server.received_requests().await.unwrap_or_default();
    let second = requests
        .get(1)
        .and_then(|r| r.url.query().map(str::to_string))
        .unwrap_or_default();
    assert_eq!(second, "page_size=2&page_token=p2");

    // An error on a later page ends the stream after the items already read.
    let failing = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("page_token", "p2"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"errors": []})))
        .mount(&failing)
        .await;
    let next_url = format!("{}{list}?page_token=p2", failing.uri());
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page(vec![plugin("a")], json!(next_url))),
        )
        .mount(&failing)
        .await;
    let results: Vec<_> = client(&failing)
        .list_connect_v1_custom_connector_plugins_stream(&params)
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(Error::Api(e)) if e.status == 500));
}

/// Answers every page with one item and a link to a page it has never named before.
struct FreshTokens(std::sync::atomic::AtomicU64, String);

impl wiremock::Respond for FreshTokens {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let next = format!(
            "{}/connect/v1/custom-connector-plugins?page_token=t{n}",
            self.1
        );
        let item = json!({"id": format!("p{n}"), "display_name": "x", "connector_class": "c", "connector_type": "SINK"});
        ResponseTemplate::new(200)
            .set_body_json(json!({"metadata": {"next": next}, "data": [item]}))
    }
}

#[tokio::test]
async fn a_stream_of_endless_fresh_tokens_ends_at_the_page_limit_with_an_error() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(FreshTokens(Default::default(), server.uri()))
        .mount(&server)
        .await;
    let c = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::api_key("id", "secret"))
        .max_pages(5)
        .build()
        .expect("builds");
    let results: Vec<_> = c
        .list_connect_v1_custom_connector_plugins_stream(&Default::default())
        .collect()
        .await;
    assert_eq!(results.len(), 6, "five pages of one item, then the error");
    assert!(results[..5].iter().all(Result::is_ok));
    match &results[5] {
        Err(e @ Error::Paging(_)) => {
            assert!(e.to_string().contains("the list is incomplete"), "{e}")
        }
        other => panic!("expected a paging error, got {other:?}"),
    }
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        5
    );
}

#[tokio::test]
async fn header_values_with_line_breaks_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let params = ListConnectV1CustomConnectorPluginsParams {
        x_trace: Some("a\r\nX-Evil: 1".into()),
        ..Default::default()
    };
    match client(&server)
        .list_connect_v1_custom_connector_plugins(&params)
        .await
    {
        Err(Error::InvalidRequest(message)) => assert!(message.contains("X-Trace"), "{message}"),
        other => panic!("expected the request to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn no_content_responses_and_their_errors() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/connect/v1/custom-connector-plugins/ccp-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/connect/v1/custom-connector-plugins/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"errors": [{"status": "404", "title": "Not Found"}]})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let done = c
        .delete_connect_v1_custom_connector_plugin("ccp-1")
        .await
        .expect("deleted");
    assert_eq!(done.status, 204);
    match c.delete_connect_v1_custom_connector_plugin("missing").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, 404);
            let body = e.body.expect("parses");
            assert_eq!(body.errors[0].title.as_deref(), Some("Not Found"));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
}

#[test]
fn request_types_offer_only_known_enum_values_and_no_read_only_fields() {
    // The request type has no `id` (readOnly) and its enums are closed: this compiles
    // only because those hold. The JSON shows what is written.
    let value = serde_json::to_value(request()).expect("serializes");
    assert!(value.get("id").is_none());
    assert_eq!(value["connector_type"], "SOURCE");
}

#[tokio::test]
async fn bodies_in_other_content_types_go_on_the_wire_as_declared() {
    let server = MockServer::start().await;
    let c = client(&server);
    Mock::given(method("PUT"))
        .and(path("/connect/v1/custom-connector-plugins/p1/archive"))
        .and(header("content-type", "application/octet-stream"))
        .and(wiremock::matchers::body_bytes(vec![0u8, 159, 146, 150]))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    c.upload_plugin_archive("p1", vec![0, 159, 146, 150])
        .await
        .expect("uploaded");

    Mock::given(method("GET"))
        .and(path("/connect/v1/custom-connector-plugins/p1/archive"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![1u8, 2, 255], "application/octet-stream"),
        )
        .mount(&server)
        .await;
    assert_eq!(
        c.download_plugin_archive("p1")
            .await
            .expect("downloaded")
            .body,
        vec![1, 2, 255]
    );

    Mock::given(method("PUT"))
        .and(path("/connect/v1/custom-connector-plugins/p1/readme"))
        .and(header("content-type", "text/plain"))
        .and(wiremock::matchers::body_string("# Readme\n"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    c.put_plugin_readme("p1", "# Readme\n".into())
        .await
        .expect("stored");
    Mock::given(method("GET"))
        .and(path("/connect/v1/custom-connector-plugins/p1/readme"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("héllo", "text/plain; charset=utf-8"))
        .mount(&server)
        .await;
    assert_eq!(c.get_plugin_readme("p1").await.expect("read").body, "héllo");

    Mock::given(method("POST"))
        .and(path("/tokens"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(wiremock::matchers::body_string(
            "grant_type=client_credentials&scope=a+b",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"t"}"#,
            "application/vnd.example.token+json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let form = e2e_fixture_client::RequestTokenRequest::new(
        e2e_fixture_client::RequestTokenRequestGrantType::ClientCredentials,
    )
    .with_scope("a b");
    let token = c.request_token(&form).await.expect("a token");
    assert_eq!(token.body.access_token.as_deref(), Some("t"));
    let too_long = e2e_fixture_client::RequestTokenRequest {
        scope: Some("x".repeat(11)),
        ..form
    };
    assert!(matches!(
        c.request_token(&too_long).await,
        Err(Error::Validation(_))
    ));

    Mock::given(method("POST"))
        .and(path("/uploads"))
        .and(wiremock::matchers::header_regex(
            "content-type",
            "^multipart/form-data; boundary=",
        ))
        .and(wiremock::matchers::body_string_contains("name=\"note\""))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let upload = e2e_fixture_client::UploadFilesRequest::new()
        .with_note("hello")
        .with_file(
            e2e_fixture_client::runtime::FilePart::bytes(vec![1u8, 2, 3]).file_name("a.zip"),
        );
    c.upload_files(&upload).await.expect("uploaded");

    Mock::given(method("PATCH"))
        .and(path("/connect/v1/custom-connector-plugins/p1"))
        .and(header("content-type", "application/json-patch+json"))
        .and(body_json(
            json!([{"op": "replace", "path": "/display_name", "value": "New"}]),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(created()))
        .expect(1)
        .mount(&server)
        .await;
    let patch = vec![
        e2e_fixture_client::PatchConnectV1CustomConnectorPluginRequestItem {
            op: e2e_fixture_client::PatchConnectV1CustomConnectorPluginRequestItemOp::Replace,
            path: "/display_name".into(),
            value: Some(json!("New")),
        },
    ];
    c.patch_connect_v1_custom_connector_plugin("p1", &patch)
        .await
        .expect("patched");
}

/// One parameter in each style of its place, with lists and objects, as the
/// specification's style table writes them, and a parameter given by `content` as JSON.
#[tokio::test]
async fn every_parameter_style_goes_on_the_wire_as_the_specification_writes_it() {
    use e2e_fixture_client::{Color, GetStylesFilter, GetStylesParams};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let color = Color {
        r: 100,
        g: 200,
        b: 150,
    };
    let params = GetStylesParams::default()
        .with_color(color.clone())
        .with_next("/pages/2?size=10")
        .with_tags(vec!["blue".to_string(), "black".to_string()])
        .with_filter(
            GetStylesFilter::default()
                .with_type_("t-shirt")
                .with_color("blue"),
        )
        .with_x_color(color.clone())
        .with_shades(vec!["light".to_string(), "dark".to_string()]);
    client(&server)
        .get_styles(&["blue".to_string(), "black".to_string()], &color, &params)
        .await
        .expect("sent");
    let requests = server.received_requests().await.unwrap_or_default();
    let request = requests.first().expect("one request");
    // `label` (not exploded) and `matrix` (exploded) path parameters.
    assert_eq!(request.url.path(), "/styles/.blue,black/;R=100;G=200;B=150");
    // `deepObject`, `allowReserved`, `pipeDelimited`, and JSON by `content`.
    assert_eq!(
        request.url.query().unwrap_or_default(),
        "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150&next=/pages/2?size=10&tags=blue%7Cblack\
         &filter=%7B%22type%22%3A%22t-shirt%22%2C%22color%22%3A%22blue%22%7D"
    );
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    // A `simple` header object, exploded; a `form` cookie list, not exploded.
    assert_eq!(header("x-color"), "R=100,G=200,B=150");
    assert_eq!(header("cookie"), "shades=light%2Cdark");
}

/// A form body with lists and an object: a list exploded (the default), one not (its
/// `encoding` entry says `explode: false`), and an object written as JSON (its entry's
/// `contentType`).
#[tokio::test]
async fn form_bodies_write_lists_and_objects_as_their_encoding_says() {
    use e2e_fixture_client::{RequestTokenRequest, RequestTokenRequestClaims};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tokens"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"t"}"#,
            "application/vnd.example.token+json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let form = RequestTokenRequest::new(
        e2e_fixture_client::RequestTokenRequestGrantType::ClientCredentials,
    )
    .with_audiences(vec!["api".to_string(), "web".to_string()])
    .with_resources(vec!["r1".to_string(), "r/2".to_string()])
    .with_claims(
        RequestTokenRequestClaims::default()
            .with_tenant("t 1")
            .with_level(3),
    );
    client(&server).request_token(&form).await.expect("a token");
    let requests = server.received_requests().await.unwrap_or_default();
    let body = requests
        .first()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .unwrap_or_default();
    assert_eq!(
        body,
        "grant_type=client_credentials&audiences=api&audiences=web&resources=r1%2Cr%2F2\
         &claims=%7B%22tenant%22%3A%22t+1%22%2C%22level%22%3A3%7D"
    );
}
