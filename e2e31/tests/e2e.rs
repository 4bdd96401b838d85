//! The client for `spec/shop-3.1/` (an OpenAPI 3.1 document in several files) against a
//! real HTTP server on loopback: API keys in a header, a query parameter and a cookie;
//! cookie parameters; parameters named like the method's own locals; an enum body; a
//! JSON string response; a oneOf told apart by `const`; a tuple; a webhook; an open
//! string of known values and unions named by their members' content.

use e2e31_shop_client::{
    webhooks, Card, Carrier, Client, Credentials, Error, GetOrderParams, GetSessionParams, Invoice,
    Open, OrderContact, OrderGiftWrap, OrderGiftWrapMessage, OrderRequest, Paper, Payment,
    PaymentRequest, RetryPolicy, Status,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .credentials(credentials)
        .build()
        .expect("the client builds")
}

fn order_json() -> serde_json::Value {
    json!({
        "id": "o-1",
        "status": "placed",
        "payment": {"method": "invoice", "due_days": 30},
        "location": [52.5, 13.4],
        "note": null,
        "total": 12.5,
        "carrier": "dhl"
    })
}

#[tokio::test]
async fn parameters_named_like_locals_keep_their_values_and_the_key_goes_in_its_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders/o%2F1"))
        .and(query_param("path", "/etc/passwd"))
        .and(query_param("id", "7"))
        .and(header("request", "r-9"))
        .and(header("x-api-key", "k-1"))
        .and(header("cookie", "tracking=t%3B1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json()))
        .expect(1)
        .mount(&server)
        .await;
    let params = GetOrderParams {
        id_query: Some(7),
        request: Some("r-9".into()),
        tracking: Some("t;1".into()),
    };
    let order = client(&server, Credentials::key("k-1"))
        .get_order("o/1", "/etc/passwd", &params)
        .await
        .expect("the order comes back")
        .body;
    assert_eq!(order.id, "o-1");
    assert_eq!(order.status, Open::Known(Status::Placed));
    assert_eq!(
        order.payment,
        Payment::Invoice(Invoice { due_days: 30 }),
        "`method: invoice` names the variant"
    );
    assert_eq!(order.location, Some((52.5, 13.4)));
    assert_eq!(order.note, Some(None), "null is kept apart from absent");
}

#[tokio::test]
async fn an_enum_body_is_sent_as_a_json_string_and_a_string_response_is_read_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/orders/o-1/status"))
        .and(body_json(json!("shipped")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("now \"shipped\"")))
        .expect(1)
        .mount(&server)
        .await;
    let message = client(&server, Credentials::key("k-1"))
        .set_order_status("o-1", Status::Shipped)
        .await
        .expect("the status is set")
        .body;
    assert_eq!(message, "now \"shipped\"", "quotes and escapes are JSON's");
}

#[tokio::test]
async fn a_tagged_request_is_written_with_its_tag_and_validated_first() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(json!({
            "status": "placed",
            "payment": {"method": "card", "last4": "4242"},
            "location": [1.0, 2.0],
            "total": 3.0,
            "carrier": "ups"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "o-2", "status": "placed", "payment": {"method": "card", "last4": "4242"},
            "carrier": "ups"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, Credentials::key("k-1"));
    let mut order = OrderRequest {
        status: Status::Placed,
        // A union value from its variant's type, by `From`.
        payment: Card {
            last4: "4242".into(),
        }
        .into(),
        location: Some((1.0, 2.0)),
        note: None,
        total: Some(3.0),
        carrier: Carrier::Ups.into(),
        gift_wrap: None,
        contact: None,
    };
    let created = client.create_order(&order).await.expect("created").body;
    assert_eq!(
        created.payment,
        Payment::Card(Card {
            last4: "4242".into()
        })
    );
    assert!(matches!(
        PaymentRequest::from(Card { last4: "1".into() }),
        PaymentRequest::Card(_)
    ));
    // `total` has `exclusiveMinimum: 0`: zero is refused before anything is sent.
    order.total = Some(0.0);
    match client.create_order(&order).await {
        Err(Error::Validation(e)) => assert!(e.to_string().contains("total"), "{e}"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_query_key_goes_in_the_query_and_stays_out_of_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("q", "shoes"))
        .and(query_param("api_key", "secret-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["o-1"])))
        .expect(1)
        .mount(&server)
        .await;
    let found = client(&server, Credentials::key("secret-key"))
        .search_orders("shoes")
        .await
        .expect("found")
        .body;
    assert_eq!(found, vec!["o-1".to_string()]);
    // A server that is gone: the transport error does not carry the URL with the key.
    let gone = Client::builder()
        .base_url("http://127.0.0.1:9")
        .retry_policy(RetryPolicy::disabled())
        .credentials(Credentials::key("secret-key"))
        .build()
        .expect("builds");
    let err = gone
        .search_orders("shoes")
        .await
        .expect_err("nobody listens");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.to_string().contains("secret-key"), "{err}");
    assert!(!format!("{err:?}").contains("secret-key"), "{err:?}");
    // Nor do the traces of the retries on the way.
    let trace = Trace::default();
    let _guard = tracing_into(&trace);
    let retrying = Client::builder()
        .base_url("http://127.0.0.1:9")
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_base_delay(std::time::Duration::from_millis(1)),
        )
        .credentials(Credentials::key("secret-key"))
        .build()
        .expect("builds");
    let _ = retrying.search_orders("shoes").await;
    let text = trace.text();
    assert!(text.contains("retrying"), "{text}");
    assert!(!text.contains("secret-key"), "{text}");
}

/// Collects what the client traces, as text.
#[derive(Clone, Default)]
struct Trace(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Trace {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

impl std::io::Write for Trace {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tracing_into(trace: &Trace) -> tracing::subscriber::DefaultGuard {
    let writer = trace.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_default(subscriber)
}

#[tokio::test]
async fn a_cookie_key_joins_the_cookie_parameters_in_one_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/session"))
        .respond_with(|request: &Request| {
            let cookies: Vec<&str> = request
                .headers
                .get_all("cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if cookies == ["theme=dark; session=s-1"] {
                ResponseTemplate::new(204)
            } else {
                ResponseTemplate::new(400).set_body_string(format!("{cookies:?}"))
            }
        })
        .expect(1)
        .mount(&server)
        .await;
    let params = GetSessionParams {
        theme: Some("dark".into()),
    };
    client(&server, Credentials::key("s-1"))
        .get_session(&params)
        .await
        .expect("one Cookie header with both cookies");
}

#[tokio::test]
async fn keys_by_scheme_name_and_the_wrong_credentials_are_told_apart() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .and(query_param("api_key", "for-query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let keys = Credentials::keys([("key_header", "for-header"), ("key_query", "for-query")]);
    client(&server, keys)
        .search_orders("x")
        .await
        .expect("the query key is chosen by scheme");
    // A bearer token is not what these operations accept: nothing is sent.
    match client(&server, Credentials::bearer_token("t"))
        .search_orders("x")
        .await
    {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("apiKey"), "{message}")
        }
        other => panic!("expected the credentials to be refused, got {other:?}"),
    }
}

#[test]
fn a_webhook_body_decodes_or_names_the_field() {
    let event = webhooks::order_shipped(
        br#"{"order": {"id": "o-1", "status": "shipped", "payment": {"method": "card", "last4": "4242"}, "carrier": "ups"},
             "shipped_at": "2026-11-29T10:00:00Z", "carrier": null}"#,
    )
    .expect("decodes");
    assert_eq!(event.order.status, Open::Known(Status::Shipped));
    assert_eq!(event.carrier, Some(None));
    let err = webhooks::order_shipped(br#"{"order": {"id": 5}, "shipped_at": "x"}"#)
        .expect_err("the id is a number");
    assert_eq!(err.path, "order.id");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_the_key_stays_home() {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/orders/o-1"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/orders/o-1?path=x", elsewhere.uri())),
        )
        .expect(1)
        .mount(&home)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json()))
        .expect(0)
        .mount(&elsewhere)
        .await;
    // Within the origin, a redirect is followed.
    Mock::given(method("GET"))
        .and(path("/orders/o-2"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/orders/o-3?path=x"))
        .mount(&home)
        .await;
    Mock::given(method("GET"))
        .and(path("/orders/o-3"))
        .and(header("x-api-key", "k-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json()))
        .expect(1)
        .mount(&home)
        .await;
    let client = client(&home, Credentials::key("k-1"));
    let params = GetOrderParams::default();
    match client.get_order("o-1", "x", &params).await {
        Err(Error::Api(e)) => assert_eq!(e.status, 307),
        other => panic!("expected the 307 as an error, got {other:?}"),
    }
    client
        .get_order("o-2", "x", &params)
        .await
        .expect("followed within the origin");
}

#[tokio::test]
async fn an_open_string_sends_any_value_and_reads_known_ones_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/orders"))
        .and(body_json(json!({
            "status": "placed",
            "payment": {"method": "card", "last4": "4242"},
            "carrier": "fedex",
            "gift_wrap": {"message": "Happy birthday"},
            "contact": {"phone": "+49 30 1234"}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "o-3", "status": "placed", "payment": {"method": "card", "last4": "4242"},
            "carrier": "dhl", "gift_wrap": {"color": "red"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    // Any string converts: a carrier this client does not know is sent as written.
    let order = OrderRequest::new(
        Status::Placed,
        Card {
            last4: "4242".into(),
        },
        "fedex",
    )
    .with_gift_wrap(OrderGiftWrapMessage {
        message: "Happy birthday".into(),
    })
    .with_contact(OrderContact {
        email: None,
        phone: Some("+49 30 1234".into()),
    });
    assert_eq!(order.carrier, Open::Unknown("fedex".into()));
    let created = client(&server, Credentials::key("k-1"))
        .create_order(&order)
        .await
        .expect("created")
        .body;
    // A known value reads back typed, and the union is named by its members' content.
    assert_eq!(created.carrier, Open::Known(Carrier::Dhl));
    assert_eq!(created.carrier, Carrier::Dhl);
    assert_eq!(
        created.gift_wrap,
        Some(OrderGiftWrap::Paper(Paper {
            color: "red".into()
        }))
    );
    let known: Open<Carrier> = "ups".into();
    assert_eq!(
        known,
        Open::Known(Carrier::Ups),
        "a known value converts typed"
    );
}
