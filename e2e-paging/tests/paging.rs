//! The paging streams of `generator/tests/fixtures/e2e/paging.yaml` against a real HTTP
//! server on loopback: each way of paging walked across three pages or more, the pages
//! view with its headers, and the guards (a page named twice, endless empty pages, the page
//! limit, a next page on another origin, an offset past its type).

use e2e_paging_client::{
    Client, Credentials, Error, ListAfterParams, ListByCursorParams, ListByOffsetParams,
    ListByPageParams, ListDeclaredParams, ListLinkedParams, ListWithLinksParams, RetryPolicy,
    Thing,
};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .credentials(Credentials::bearer_token("t-1"))
        .build()
        .expect("the client builds")
}

fn things(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| json!({"id": id})).collect())
}

fn ids(items: &[Thing]) -> Vec<&str> {
    items.iter().map(|t| t.id.as_str()).collect()
}

/// Mounts one page: `GET route` with the query pairs given (a `None` value: the parameter
/// is absent), answering `body` (and headers), for exactly one request, with the token.
async fn page(
    server: &MockServer,
    route: &str,
    query: &[(&str, Option<&str>)],
    answer: ResponseTemplate,
) {
    let mut mock = Mock::given(method("GET"))
        .and(path(route))
        .and(header("authorization", "Bearer t-1"));
    for (name, value) in query {
        mock = match value {
            Some(value) => mock.and(query_param(*name, *value)),
            None => mock.and(query_param_is_missing(*name)),
        };
    }
    mock.respond_with(answer).expect(1).mount(server).await;
}

fn json_page(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn a_cursor_is_followed_until_the_body_gives_none() {
    let server = MockServer::start().await;
    let first = json!({"items": things(&["a", "b"]), "meta": {"next_cursor": "c2"}});
    page(
        &server,
        "/cursor",
        &[("cursor", None), ("limit", Some("2"))],
        json_page(first),
    )
    .await;
    let second = json!({"items": things(&["c"]), "meta": {"next_cursor": "c3"}});
    page(
        &server,
        "/cursor",
        &[("cursor", Some("c2")), ("limit", Some("2"))],
        json_page(second),
    )
    .await;
    let last = json!({"items": things(&["d"]), "meta": {"next_cursor": null}});
    page(
        &server,
        "/cursor",
        &[("cursor", Some("c3")), ("limit", Some("2"))],
        json_page(last),
    )
    .await;
    let params = ListByCursorParams {
        cursor: None,
        limit: Some(2),
    };
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_by_cursor_stream(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(ids(&items), ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn a_cursor_named_twice_stops_the_stream_with_a_paging_error() {
    let server = MockServer::start().await;
    let first = json!({"items": things(&["a"]), "meta": {"next_cursor": "c2"}});
    page(&server, "/cursor", &[("cursor", None)], json_page(first)).await;
    let second = json!({"items": things(&["b"]), "meta": {"next_cursor": "c3"}});
    page(
        &server,
        "/cursor",
        &[("cursor", Some("c2"))],
        json_page(second),
    )
    .await;
    // The third page names the second again: following it would loop.
    let third = json!({"items": things(&["c"]), "meta": {"next_cursor": "c2"}});
    page(
        &server,
        "/cursor",
        &[("cursor", Some("c3"))],
        json_page(third),
    )
    .await;
    let params = ListByCursorParams::default();
    let client = client(&server);
    let read: Vec<Result<Thing, _>> = client.list_by_cursor_stream(&params).collect().await;
    assert_eq!(read.len(), 4, "three items, then why it stopped");
    match read.last() {
        Some(Err(Error::Paging(why))) => assert!(why.contains("already given"), "{why}"),
        other => panic!("expected a paging error, got {other:?}"),
    }
}

/// Answers every request with an empty page that names a new next page.
struct EndlessEmptyPages(AtomicUsize);

impl Respond for EndlessEmptyPages {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        json_page(json!({"items": [], "meta": {"next_cursor": format!("c{n}")}}))
    }
}

#[tokio::test]
async fn endless_empty_pages_stop_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cursor"))
        .respond_with(EndlessEmptyPages(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let params = ListByCursorParams::default();
    let client = client(&server);
    let read: Vec<Result<Thing, _>> = client.list_by_cursor_stream(&params).collect().await;
    match read.as_slice() {
        [Err(Error::Paging(why))] => assert!(why.contains("empty pages"), "{why}"),
        other => panic!("expected one paging error, got {other:?}"),
    }
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(
        requests.len(),
        e2e_paging_client::runtime::MAX_EMPTY_PAGES as usize
    );
}

#[tokio::test]
async fn the_page_limit_stops_a_stream_that_goes_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cursor"))
        .respond_with(EndlessEmptyPages(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::bearer_token("t-1"))
        .max_pages(3)
        .build()
        .expect("the client builds");
    let params = ListByCursorParams::default();
    let read: Vec<_> = client.list_by_cursor_pages(&params).collect().await;
    assert_eq!(read.len(), 4, "three pages, then why it stopped");
    match read.last() {
        Some(Err(Error::Paging(why))) => assert!(why.contains("more than 3 pages"), "{why}"),
        other => panic!("expected a paging error, got {other:?}"),
    }
}

#[tokio::test]
async fn after_takes_the_last_id_while_there_is_more() {
    let server = MockServer::start().await;
    let first = json!({"data": things(&["a", "b"]), "has_more": true, "last_id": "b"});
    page(&server, "/after", &[("after", None)], json_page(first)).await;
    // No `last_id` here: the last item's id leads on.
    let second = json!({"data": things(&["c"]), "has_more": true});
    page(
        &server,
        "/after",
        &[("after", Some("b"))],
        json_page(second),
    )
    .await;
    let last = json!({"data": things(&["d"]), "has_more": false, "last_id": "d"});
    page(&server, "/after", &[("after", Some("c"))], json_page(last)).await;
    let params = ListAfterParams::default();
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_after_stream(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(ids(&items), ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn the_next_url_in_the_body_is_followed_relative_or_absolute() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let first = json!({"results": things(&["a"]), "links": {"next": "/links?size=1&page=2"}});
    page(
        &server,
        "/links",
        &[("size", Some("1")), ("page", None)],
        json_page(first),
    )
    .await;
    let second =
        json!({"results": things(&["b"]), "links": {"next": format!("{uri}/links?size=1&page=3")}});
    page(&server, "/links", &[("page", Some("2"))], json_page(second)).await;
    let last = json!({"results": things(&["c"]), "links": {"self": "/links?page=3"}});
    page(&server, "/links", &[("page", Some("3"))], json_page(last)).await;
    let params = ListWithLinksParams { size: Some(1) };
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_with_links_stream(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(ids(&items), ["a", "b", "c"]);
}

#[tokio::test]
async fn a_next_url_on_another_origin_is_refused_and_never_sent_the_token() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_page(json!({"results": []})))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let next = format!("{}/links?page=2", elsewhere.uri());
    let first = json!({"results": things(&["a"]), "links": {"next": next}});
    page(&server, "/links", &[], json_page(first)).await;
    let params = ListWithLinksParams::default();
    let client = client(&server);
    let read: Vec<Result<Thing, _>> = client.list_with_links_stream(&params).collect().await;
    assert_eq!(read.len(), 2, "the first page's item, then why it stopped");
    match read.last() {
        Some(Err(Error::Paging(why))) => assert!(why.contains("another origin"), "{why}"),
        other => panic!("expected a paging error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_odata_next_link_is_followed() {
    let server = MockServer::start().await;
    let uri = server.uri();
    page(
        &server,
        "/odata",
        &[("$skiptoken", None)],
        json_page(json!({
            "value": things(&["a"]), "@odata.nextLink": format!("{uri}/odata?$skiptoken=2")
        })),
    )
    .await;
    page(
        &server,
        "/odata",
        &[("$skiptoken", Some("2"))],
        json_page(json!({
            "value": things(&["b"]), "@odata.nextLink": format!("{uri}/odata?$skiptoken=3")
        })),
    )
    .await;
    page(
        &server,
        "/odata",
        &[("$skiptoken", Some("3"))],
        json_page(json!({"value": things(&["c"])})),
    )
    .await;
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_o_data_stream()
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(ids(&items), ["a", "b", "c"]);
}

#[tokio::test]
async fn the_link_header_is_followed_and_each_page_keeps_its_headers() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let link = |page: u32| {
        format!(
            "<{uri}/linked?per_page=1&page={page}>; rel=\"next\", <{uri}/linked?per_page=1&page=3>; rel=\"last\""
        )
    };
    page(
        &server,
        "/linked",
        &[("page", None)],
        json_page(things(&["a"])).insert_header("link", link(2).as_str()),
    )
    .await;
    page(
        &server,
        "/linked",
        &[("page", Some("2"))],
        json_page(things(&["b"])).insert_header("link", link(3).as_str()),
    )
    .await;
    page(
        &server,
        "/linked",
        &[("page", Some("3"))],
        json_page(things(&["c"])).insert_header(
            "link",
            format!("<{uri}/linked?page=1>; rel=\"first\"").as_str(),
        ),
    )
    .await;
    let params = ListLinkedParams { per_page: Some(1) };
    let client = client(&server);
    let pages: Vec<_> = client
        .list_linked_pages(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].status, 200);
    assert_eq!(pages[0].headers.link.as_deref(), Some(link(2).as_str()));
    let items: Vec<&str> = pages.iter().flat_map(|p| ids(&p.body)).collect();
    assert_eq!(items, ["a", "b", "c"]);
}

#[tokio::test]
async fn an_offset_moves_past_the_items_read_until_the_total() {
    let server = MockServer::start().await;
    let body = |ids: &[&str]| json_page(json!({"items": things(ids), "total": 5}));
    page(&server, "/offset", &[("offset", None)], body(&["a", "b"])).await;
    page(
        &server,
        "/offset",
        &[("offset", Some("2"))],
        body(&["c", "d"]),
    )
    .await;
    page(&server, "/offset", &[("offset", Some("4"))], body(&["e"])).await;
    let params = ListByOffsetParams {
        offset: None,
        limit: Some(2),
    };
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_by_offset_stream(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn an_offset_past_its_type_stops_the_stream_rather_than_wrapping() {
    let server = MockServer::start().await;
    let start = (i32::MAX - 1).to_string();
    let body = json!({"items": things(&["a", "b"])});
    page(
        &server,
        "/offset",
        &[("offset", Some(start.as_str()))],
        json_page(body),
    )
    .await;
    let params = ListByOffsetParams {
        offset: Some(i32::MAX - 1),
        limit: None,
    };
    let client = client(&server);
    let read: Vec<Result<Thing, _>> = client.list_by_offset_stream(&params).collect().await;
    assert_eq!(read.len(), 3, "two items, then why it stopped");
    match read.last() {
        Some(Err(Error::Paging(why))) => assert!(why.contains("overflows"), "{why}"),
        other => panic!("expected a paging error, got {other:?}"),
    }
}

#[tokio::test]
async fn page_numbers_go_on_until_an_empty_page() {
    let server = MockServer::start().await;
    page(
        &server,
        "/pages",
        &[("page", None), ("per_page", Some("1"))],
        json_page(things(&["a"])),
    )
    .await;
    page(
        &server,
        "/pages",
        &[("page", Some("2")), ("per_page", Some("1"))],
        json_page(things(&["b"])),
    )
    .await;
    page(
        &server,
        "/pages",
        &[("page", Some("3")), ("per_page", Some("1"))],
        json_page(things(&["c"])),
    )
    .await;
    page(
        &server,
        "/pages",
        &[("page", Some("4")), ("per_page", Some("1"))],
        json_page(things(&[])),
    )
    .await;
    let params = ListByPageParams {
        page: None,
        per_page: Some(1),
    };
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_by_page_stream(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(ids(&items), ["a", "b", "c"]);
}

#[tokio::test]
async fn paging_declared_with_x_pagination_is_followed() {
    let server = MockServer::start().await;
    page(
        &server,
        "/declared",
        &[("from", None)],
        json_page(json!({"things": things(&["a"]), "continue_from": "f2"})),
    )
    .await;
    page(
        &server,
        "/declared",
        &[("from", Some("f2"))],
        json_page(json!({"things": things(&["b"]), "continue_from": "f3"})),
    )
    .await;
    page(
        &server,
        "/declared",
        &[("from", Some("f3"))],
        json_page(json!({"things": things(&["c"]), "continue_from": ""})),
    )
    .await;
    let params = ListDeclaredParams::default();
    let client = client(&server);
    let items: Vec<Thing> = client
        .list_declared_stream(&params)
        .try_collect()
        .await
        .expect("every page reads");
    assert_eq!(
        ids(&items),
        ["a", "b", "c"],
        "an empty cursor ends the list"
    );
}
