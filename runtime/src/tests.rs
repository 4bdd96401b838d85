//! Tests of the runtime.

use super::__private::*;
use super::text::{excerpt, EXCERPT_CHARS};
use super::*;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Color {
    #[serde(rename = "RED")]
    Red,
    #[serde(rename = "BLUE")]
    Blue,
}

#[test]
fn open_keeps_unknown_values_and_round_trips() {
    let known: Open<Color> = serde_json::from_str("\"RED\"").unwrap();
    assert_eq!(known, Open::Known(Color::Red));
    let unknown: Open<Color> = serde_json::from_str("\"MAUVE\"").unwrap();
    assert_eq!(unknown, Open::Unknown("MAUVE".into()));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), "\"MAUVE\"");
    assert!(serde_json::from_str::<Open<Color>>("5").is_err());
}

#[test]
fn open_values_compare_with_their_enum_and_read_in_one_call() {
    let known: Open<Color> = Open::Known(Color::Red);
    let unknown: Open<Color> = Open::Unknown("MAUVE".into());
    assert!(known == Color::Red);
    assert!(known != Color::Blue);
    assert!(unknown != Color::Red);
    assert_eq!(unknown.unknown(), Some("MAUVE"));
    assert_eq!(known.unknown(), None);
    assert_eq!(Some(known).known(), Some(&Color::Red));
    assert_eq!(Some(unknown).known(), None);
    assert_eq!(None::<Open<Color>>.known(), None);
}

#[test]
fn secrets_never_show_in_debug() {
    let c = Credentials::api_key("KEYID", "hunter2");
    let text = format!("{c:?}");
    assert!(text.contains("KEYID"));
    assert!(!text.contains("hunter2"), "{text}");
    assert!(!format!("{:?}", Credentials::bearer_token("tok3n")).contains("tok3n"));
}

#[test]
fn json_media_types_are_told_by_their_essence() {
    use super::headers::is_json_media_type as json;
    for yes in [
        "application/json",
        "Application/JSON; charset=utf-8",
        " application/problem+json ",
        "application/vnd.api+JSON;v=2",
    ] {
        assert!(json(yes), "{yes}");
    }
    for no in [
        "text/plain",
        "application/jsonl",
        "json",
        "+jsonx",
        "",
        "application/x-ndjson",
    ] {
        assert!(!json(no), "{no}");
    }
}

#[test]
fn path_segments_cannot_change_the_path() {
    let seg = |v: &str| path_segment::<()>("id", v);
    assert_eq!(seg("../x").unwrap(), "..%2Fx");
    assert_eq!(seg("a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
    assert_eq!(seg("dlz-f3a90de").unwrap(), "dlz-f3a90de");
    assert_eq!(seg("é %").unwrap(), "%C3%A9%20%25");
    for bad in ["", ".", ".."] {
        assert!(matches!(seg(bad), Err(Error::InvalidRequest(_))), "{bad:?}");
    }
}

#[test]
fn header_params_refuse_line_breaks() {
    assert!(matches!(
        header_param::<_, ()>("X-A", "a\r\nX-B: c", false),
        Err(Error::InvalidRequest(_))
    ));
    assert_eq!(header_param::<_, ()>("X-A", &[1, 2], false).unwrap(), "1,2");
}

/// The values of the specification's "Style Examples": `color` as a string, a list and an
/// object (in that order of properties).
fn style_values() -> [serde_json::Value; 4] {
    [
        serde_json::Value::Null,
        serde_json::json!("blue"),
        serde_json::json!(["blue", "black", "brown"]),
        serde_json::json!({"R": 100, "G": 200, "B": 150}),
    ]
}

/// The query string a request carries once `fill` has written its parameters.
fn query_text(fill: impl FnOnce(&mut Query)) -> String {
    let mut query = Query::new();
    fill(&mut query);
    let request = reqwest::Client::new().get("http://127.0.0.1/p");
    with_query::<()>(request, &query)
        .ok()
        .and_then(|r| r.build().ok())
        .and_then(|r| r.url().query().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn path_styles_follow_the_specification_table() {
    let run = |style, explode| -> Vec<String> {
        style_values()
            .iter()
            .map(|v| {
                path_param::<_, ()>("color", v, style, explode)
                    .unwrap_or_else(|e| format!("error: {e}"))
            })
            .collect()
    };
    assert_eq!(
        run(Style::Matrix, false),
        [
            ";color",
            ";color=blue",
            ";color=blue,black,brown",
            ";color=R,100,G,200,B,150"
        ]
    );
    assert_eq!(
        run(Style::Matrix, true),
        [
            ";color",
            ";color=blue",
            ";color=blue;color=black;color=brown",
            ";R=100;G=200;B=150"
        ]
    );
    // RFC 6570 (and OpenAPI 3.1.1's corrected table): an unexploded label list is
    // comma-separated.
    assert_eq!(
        run(Style::Label, false),
        [".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"]
    );
    assert_eq!(
        run(Style::Label, true),
        [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"]
    );
    let simple = run(Style::Simple, false);
    assert!(
        simple[0].starts_with("error"),
        "an empty path segment is refused"
    );
    assert_eq!(
        simple[1..],
        ["blue", "blue,black,brown", "R,100,G,200,B,150"]
    );
    assert_eq!(run(Style::Simple, true)[3], "R=100,G=200,B=150");
    // Whatever the style, a value stays within its place: reserved characters are escaped.
    assert_eq!(
        path_param::<_, ()>("p", &["a/b", "c;d"], Style::Matrix, true).unwrap(),
        ";p=a%2Fb;p=c%3Bd"
    );
    assert_eq!(
        path_param::<_, ()>("p", &serde_json::json!({"k/": "v,"}), Style::Simple, true).unwrap(),
        "k%2F=v%2C"
    );
    assert!(path_param::<_, ()>("p", &[".."], Style::Simple, false).is_err());
}

#[test]
fn query_styles_follow_the_specification_table() {
    let run = |style, explode| -> Vec<String> {
        style_values()
            .iter()
            .map(|v| {
                query_text(|q| push_query::<_, ()>(q, "color", v, style, explode, false).unwrap())
            })
            .collect()
    };
    assert_eq!(
        run(Style::Form, false),
        [
            "",
            "color=blue",
            "color=blue%2Cblack%2Cbrown",
            "color=R%2C100%2CG%2C200%2CB%2C150"
        ]
    );
    assert_eq!(
        run(Style::Form, true),
        [
            "",
            "color=blue",
            "color=blue&color=black&color=brown",
            "R=100&G=200&B=150"
        ]
    );
    // Form encoding writes the space as `+`, which a server reads as the `%20` of the table.
    assert_eq!(
        run(Style::SpaceDelimited, false)[2..],
        ["color=blue+black+brown", "color=R+100+G+200+B+150"]
    );
    assert_eq!(
        run(Style::PipeDelimited, false)[2..],
        [
            "color=blue%7Cblack%7Cbrown",
            "color=R%7C100%7CG%7C200%7CB%7C150"
        ]
    );
    assert_eq!(
        run(Style::DeepObject, true)[3],
        "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"
    );
}

#[test]
fn header_and_cookie_styles_follow_the_specification_table() {
    let header = |v: &serde_json::Value, explode| {
        header_param::<_, ()>("X-Color", v, explode)
            .map(|h| h.to_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    let [_, string, list, object] = style_values();
    assert_eq!(header(&string, false), "blue");
    assert_eq!(header(&list, false), "blue,black,brown");
    assert_eq!(header(&object, false), "R,100,G,200,B,150");
    assert_eq!(header(&object, true), "R=100,G=200,B=150");
    let cookie = |v: &serde_json::Value, explode| {
        let mut cookies = Vec::new();
        push_cookie::<_, ()>(&mut cookies, "color", v, explode).unwrap();
        cookies.join("; ")
    };
    assert_eq!(cookie(&string, true), "color=blue");
    assert_eq!(cookie(&list, false), "color=blue%2Cblack%2Cbrown");
    assert_eq!(cookie(&list, true), "color=blue; color=black; color=brown");
    assert_eq!(cookie(&object, false), "color=R%2C100%2CG%2C200%2CB%2C150");
    assert_eq!(cookie(&object, true), "R=100; G=200; B=150");
}

#[test]
fn content_parameters_are_written_in_their_media_type() {
    let filter = serde_json::json!({"type": "t-shirt", "color": "blue"});
    let text = content_text::<_, ()>("filter", &filter).unwrap();
    assert_eq!(text, r#"{"type":"t-shirt","color":"blue"}"#);
    assert_eq!(
        query_text(|q| push_query::<_, ()>(q, "filter", &text, Style::Form, true, false).unwrap()),
        "filter=%7B%22type%22%3A%22t-shirt%22%2C%22color%22%3A%22blue%22%7D"
    );
}

#[test]
fn allow_reserved_values_keep_their_reserved_characters() {
    let text = query_text(|q| {
        push_query::<_, ()>(q, "path", "/a b/c:d?e=f", Style::Form, true, true).unwrap();
        push_query::<_, ()>(q, "plain", "/a b", Style::Form, true, false).unwrap();
        push_query::<_, ()>(q, "list", &["x/y", "ü"], Style::Form, false, true).unwrap();
    });
    assert_eq!(text, "path=/a+b/c:d?e=f&plain=%2Fa+b&list=x/y,%C3%BC");
}

#[test]
fn base_urls_must_be_https_unless_loopback_or_allowed() {
    let build = |url: &str| Client::builder(url).build();
    assert!(build("https://api.example.com/").is_ok());
    assert!(build("http://127.0.0.1:8080").is_ok());
    assert!(build("http://localhost:1").is_ok());
    assert!(build("http://[::1]:1").is_ok());
    assert!(build("http://api.example.com").is_err());
    assert!(Client::builder("http://api.example.com")
        .allow_insecure_http(true)
        .build()
        .is_ok());
    assert!(build("ftp://x").is_err());
    assert!(build("not a url").is_err());
    let c = build("https://api.example.com/prefix/").unwrap();
    assert_eq!(c.base_url(), "https://api.example.com/prefix");
}

#[test]
fn rate_limit_headers_are_relative_seconds() {
    let mut h = HeaderMap::new();
    h.insert("X-RateLimit-Reset", HeaderValue::from_static("30"));
    h.insert("Retry-After", HeaderValue::from_static("7"));
    h.insert(
        "X-RateLimit-Limit",
        HeaderValue::from_static("not a number"),
    );
    let r = RateLimit::from_headers(&h);
    assert_eq!(r.reset, Some(Duration::from_secs(30)));
    assert_eq!(r.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(r.limit, None);
}

#[test]
fn examples_must_decode_and_encode_back_the_same() {
    #[derive(Serialize, Deserialize)]
    struct Thing {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        a: Option<u8>,
    }
    assert!(check_example::<Thing>("/x", r#"{"a": 1}"#).is_ok());
    let err = check_example::<Thing>("/x", r#"{"a": "one"}"#).unwrap_err();
    assert!(err.starts_with("/x: does not decode at `a`"), "{err}");
    let err = check_example::<Thing>("/x", r#"{"a": null}"#).unwrap_err();
    assert!(err.contains("encodes back differently"), "{err}");
}

#[test]
fn example_numbers_compare_by_value() {
    #[derive(Serialize, Deserialize)]
    struct Reading {
        value: f64,
        count: i64,
    }
    // `1` read into an `f64` encodes back as `1.0`: the same JSON number.
    assert!(check_example::<Reading>("/x", r#"{"value": 1, "count": 2}"#).is_ok());
    #[derive(Serialize, Deserialize)]
    struct Rounded {
        value: i64,
    }
    let err =
        check_example::<Reading>("/x", r#"{"value": 1.5, "count": 2, "extra": 1}"#).unwrap_err();
    assert!(err.contains("encodes back differently"), "{err}");
    assert!(check_example::<Rounded>("/x", r#"{"value": 1.5}"#).is_err());
}

/// A struct decoded the way generated code decodes one: a required property, an optional
/// one, an optional nullable one, and the properties not listed kept by name.
#[derive(Debug, PartialEq, Serialize)]
struct Patch {
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<Option<String>>,
    #[serde(flatten)]
    extra: std::collections::BTreeMap<String, serde_json::Value>,
}

impl<'de> Deserialize<'de> for Patch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_struct(deserializer)
    }
}

impl StructDecode for Patch {
    const NAME: &'static str = "Patch";
    const FIELDS: &'static [&'static str] = &["id", "tag", "name"];

    fn place(name: &str) -> Option<usize> {
        match name {
            "id" => Some(0),
            "tag" => Some(1),
            "name" => Some(2),
            _ => None,
        }
    }

    fn decode<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut f0, mut f1, mut f2) = (None, None, None);
        let mut f3 = std::collections::BTreeMap::new();
        while let Some(field) = next_field_or_name::<Self, A>(&mut map)? {
            match field {
                Ok(0) => field_value(&mut map, &mut f0, "id")?,
                Ok(1) => field_value(&mut map, &mut f1, "tag")?,
                Ok(2) => field_value(&mut map, &mut f2, "name")?,
                Ok(_) => skip_value(&mut map)?,
                Err(name) => {
                    f3.insert(name, map.next_value()?);
                }
            }
        }
        Ok(Patch {
            id: required::<A, _>(f0, "id")?,
            tag: f1.unwrap_or_default(),
            name: f2,
            extra: f3,
        })
    }
}

/// The same shape without the additional-properties map: what is not listed is skipped.
/// Its properties are found by `StructDecode::place`'s own search of `FIELDS`.
#[derive(Debug, PartialEq)]
struct Listed {
    id: i64,
}

impl<'de> Deserialize<'de> for Listed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_struct(deserializer)
    }
}

impl StructDecode for Listed {
    const NAME: &'static str = "Listed";
    const FIELDS: &'static [&'static str] = &["id"];

    fn decode<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut f0 = None;
        while let Some(field) = next_field::<Self, A>(&mut map)? {
            match field {
                0 => field_value(&mut map, &mut f0, "id")?,
                _ => skip_value(&mut map)?,
            }
        }
        Ok(Listed {
            id: required::<A, _>(f0, "id")?,
        })
    }
}

#[test]
fn absent_and_null_stay_apart() {
    let absent: Patch = serde_json::from_str(r#"{"id": 1}"#).unwrap();
    let null: Patch = serde_json::from_str(r#"{"id": 1, "name": null, "tag": null}"#).unwrap();
    let set: Patch = serde_json::from_str(r#"{"name": "x", "id": 1, "tag": "t"}"#).unwrap();
    assert_eq!(absent.name, None);
    assert_eq!(null.name, Some(None));
    assert_eq!(null.tag, None);
    assert_eq!(set.name, Some(Some("x".into())));
    assert_eq!(set.tag.as_deref(), Some("t"));
    assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"id":1}"#);
    assert_eq!(
        serde_json::to_string(&null).unwrap(),
        r#"{"id":1,"name":null}"#
    );
}

#[test]
fn struct_decoding_names_what_is_wrong() {
    let err = |json: &str| serde_json::from_str::<Patch>(json).unwrap_err().to_string();
    assert!(
        err(r#"{"tag": "t"}"#).starts_with("missing field `id`"),
        "{}",
        err(r#"{"tag": "t"}"#)
    );
    assert!(err(r#"{"id": 1, "id": 2}"#).starts_with("duplicate field `id`"));
    assert!(err(r#"{"id": "one"}"#).starts_with("invalid type: string \"one\", expected i64"));
    // A JSON array is not read as the struct's fields in order.
    assert!(err("[1]").starts_with("invalid type: sequence, expected struct Patch"));
    assert!(err("7").starts_with("invalid type: integer `7`, expected struct Patch"));
    // The path of a bad value is found as through a derived impl.
    let mut json = serde_json::Deserializer::from_str(r#"{"id": 1, "tag": 5}"#);
    let path = serde_path_to_error::deserialize::<_, Patch>(&mut json).unwrap_err();
    assert_eq!(path.path().to_string(), "tag");
}

#[test]
fn properties_not_listed_are_kept_or_skipped() {
    let kept: Patch =
        serde_json::from_str(r#"{"x": [1, {"y": 2}], "id": 1, "z": "\u00e9"}"#).unwrap();
    assert_eq!(kept.extra.len(), 2);
    assert_eq!(kept.extra["x"], serde_json::json!([1, {"y": 2}]));
    assert_eq!(kept.extra["z"], "é");
    let skipped: Listed = serde_json::from_str(r#"{"x": {"deep": [1, 2]}, "id": 3}"#).unwrap();
    assert_eq!(skipped, Listed { id: 3 });
    // An escaped property name is matched like a plain one.
    let escaped: Listed = serde_json::from_str(r#"{"\u0069d": 4}"#).unwrap();
    assert_eq!(escaped, Listed { id: 4 });
    // From a JSON value as well as from text.
    let value: Listed = serde_json::from_value(serde_json::json!({"id": 5, "q": null})).unwrap();
    assert_eq!(value, Listed { id: 5 });
}

#[test]
fn string_enums_read_their_values_only() {
    #[derive(Debug, PartialEq)]
    enum Size {
        Low,
        High,
    }
    impl KnownValues for Size {
        fn from_wire(raw: &str) -> Option<Self> {
            match raw {
                "low" => Some(Size::Low),
                "high" => Some(Size::High),
                _ => None,
            }
        }
    }
    let read = |json: &str| {
        let mut de = serde_json::Deserializer::from_str(json);
        deserialize_known::<_, Size>(&mut de, &["low", "high"]).map_err(|e| e.to_string())
    };
    assert_eq!(read(r#""low""#), Ok(Size::Low));
    assert_eq!(read(r#""hi\u0067h""#), Ok(Size::High));
    let err = read(r#""mid""#).unwrap_err();
    assert!(
        err.starts_with("unknown variant `mid`, expected `low` or `high`"),
        "{err}"
    );
    assert!(read("1").is_err());
}

#[test]
fn next_page_tokens_come_from_the_next_link() {
    let token = |s| cursor_in_url(Some(s), "page_token");
    assert_eq!(
        token("https://api.example.com/v2/keys?page_size=10&page_token=abc%2Bd").as_deref(),
        Some("abc+d")
    );
    assert_eq!(token("/v2/keys?page_token=xyz").as_deref(), Some("xyz"));
    assert_eq!(token("https://api.example.com/v2/keys"), None);
    assert_eq!(token(""), None);
    assert_eq!(cursor_in_url(None, "page_token"), None);
    assert_eq!(
        cursor_in_url(Some("/x?cursor=c2"), "cursor").as_deref(),
        Some("c2")
    );
}

#[test]
fn the_next_link_of_a_link_header_is_found_among_others() {
    let next = |s: &str| link_next(Some(s));
    assert_eq!(
        next(r#"<https://api.example.com/x?page=2>; rel="next", <https://api.example.com/x?page=9>; rel="last""#)
            .as_deref(),
        Some("https://api.example.com/x?page=2")
    );
    // Another relation first, parameters in another order, several relations in one.
    assert_eq!(
        next(r#"</x?page=1>; rel="first", </x?page=3>; title="more"; rel="prefetch next""#)
            .as_deref(),
        Some("/x?page=3")
    );
    assert_eq!(
        next(r#"<https://x/?page=1>; rel=NEXT"#).as_deref(),
        Some("https://x/?page=1")
    );
    assert_eq!(next(r#"<https://x/?page=1>; rel="prev""#), None);
    assert_eq!(next("garbage <without an end; rel=next"), None);
    assert_eq!(next("<>; rel=next"), None);
    assert_eq!(link_next(None), None);
}

#[test]
fn offsets_advance_with_checked_arithmetic() {
    assert_eq!(advance_offset::<i32, ()>(4, 2).ok(), Some(6));
    assert!(matches!(
        advance_offset::<i32, ()>(i32::MAX - 1, 2),
        Err(Error::Paging(why)) if why.contains("overflows")
    ));
    assert!(advance_offset::<i64, ()>(i64::MAX, usize::MAX).is_err());
    assert!(matches!(
        offset_value::<i32, ()>("99999999999"),
        Err(Error::Paging(_))
    ));
    assert!(reached(5_i64, Some(&5_i64)));
    assert!(!reached(4_i64, Some(&5_i64)));
    assert!(!reached(4_i64, None::<&i64>));
    assert_eq!(non_empty(Some("  ")), None);
    assert_eq!(non_empty(Some("c2")).as_deref(), Some("c2"));
}

#[test]
fn pagination_follows_tokens_and_reports_a_repeated_one() {
    use futures_util::StreamExt;
    let pages = std::cell::RefCell::new(Vec::new());
    let limit = PageLimit { max_pages: 100 };
    let stream = paginate(limit, |token: Option<String>| {
        pages.borrow_mut().push(token.clone());
        let page = match token.as_deref() {
            None => (vec![1, 2], Some("b".to_string())),
            Some("b") => (vec![3], Some("c".to_string())),
            // A server that points back at an earlier page.
            _ => (vec![4], Some("b".to_string())),
        };
        std::future::ready(Ok::<_, Error<()>>(page))
    });
    let items: Vec<Result<i32, Error<()>>> = futures_executor_lite(stream.collect());
    let (ok, err): (Vec<_>, Vec<_>) = items.into_iter().partition(|r| r.is_ok());
    let ok: Vec<i32> = ok.into_iter().filter_map(Result::ok).collect();
    assert_eq!(ok, vec![1, 2, 3, 4]);
    assert_eq!(err.len(), 1);
    assert!(
        matches!(&err[0], Err(Error::Paging(why)) if why.contains("already given")),
        "{err:?}"
    );
    assert_eq!(
        *pages.borrow(),
        vec![None, Some("b".into()), Some("c".into())]
    );
}

/// One page as a test server returns it: its items and the next page's token.
type Page = std::future::Ready<Result<(Vec<u32>, Option<String>), Error<()>>>;

/// A server that always names a fresh next page.
fn endless(items_per_page: usize) -> impl FnMut(Option<String>) -> Page {
    let mut n = 0u32;
    move |_token| {
        n += 1;
        let items = vec![n; items_per_page];
        std::future::ready(Ok((items, Some(format!("t{n}")))))
    }
}

#[test]
fn pagination_stops_at_the_page_limit_and_says_so() {
    use futures_util::StreamExt;
    let stream = paginate(PageLimit { max_pages: 5 }, endless(2));
    let items: Vec<Result<u32, Error<()>>> = futures_executor_lite(stream.collect());
    assert_eq!(items.len(), 11, "five pages of two, then the error");
    assert!(items[..10].iter().all(Result::is_ok));
    assert!(
        matches!(&items[10], Err(Error::Paging(why)) if why.contains("more than 5 pages")),
        "{:?}",
        items[10]
    );
}

#[test]
fn pagination_stops_after_too_many_empty_pages() {
    use futures_util::StreamExt;
    let stream = paginate(
        PageLimit {
            max_pages: u64::MAX,
        },
        endless(0),
    );
    let items: Vec<Result<u32, Error<()>>> = futures_executor_lite(stream.collect());
    assert_eq!(items.len(), 1);
    assert!(
        matches!(&items[0], Err(Error::Paging(why)) if why.contains("empty pages")),
        "{:?}",
        items[0]
    );
}

/// Runs a future that never waits on I/O to completion.
fn futures_executor_lite<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime starts")
        .block_on(future)
}

#[test]
fn unique_items_finds_the_first_repeat() {
    assert!(unique_items(&vec![1, 2, 3], &()).is_ok());
    assert!(unique_items(&None::<Vec<u8>>, &()).is_ok());
    let err = unique_items(&Some(vec!["a", "b", "a"]), &()).unwrap_err();
    assert_eq!(
        err.message(),
        "items 0 and 2 are equal, but items must be unique"
    );
}

#[test]
fn excerpts_are_bounded_in_characters() {
    let long = "é".repeat(500);
    let e = excerpt(long.as_bytes());
    assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
    assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
}

#[test]
fn webhook_bodies_decode_or_name_the_field() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Event {
        id: String,
        amount: i64,
    }
    let event: Event = decode_webhook(br#"{"id": "e1", "amount": 5}"#).expect("decodes");
    assert_eq!(
        event,
        Event {
            id: "e1".into(),
            amount: 5
        }
    );
    let err = decode_webhook::<Event>(br#"{"id": "e1", "amount": "five"}"#).unwrap_err();
    assert_eq!(err.path, "amount");
    assert!(err.to_string().contains("at `amount`"), "{err}");
    let err = decode_webhook::<Event>(br#"{"id": "e1", "amount": 5} trailing"#).unwrap_err();
    assert_eq!(err.path, ".");
}

/// Clones of one credentials value share a token per token URL, but only for the very same
/// client, secret and scopes: credentials whose public fields were changed after cloning
/// never get another client's token.
#[test]
fn token_caches_are_shared_only_by_identical_credentials() {
    let tokens = super::auth::SharedTokens::default();
    let secret = Secret::new("s");
    let url = "https://login.example.com/token".to_string();
    let first = tokens.source(url.clone(), "id", &secret, &[]);
    let again = tokens.source(url.clone(), "id", &secret, &[]);
    assert!(first.shares_cache_with(&again));
    let other_client = tokens.source(url.clone(), "tenant-b", &secret, &[]);
    assert!(!first.shares_cache_with(&other_client));
    let other_secret = tokens.source(url.clone(), "id", &Secret::new("t"), &[]);
    assert!(!first.shares_cache_with(&other_secret));
    let other_scopes = tokens.source(url.clone(), "id", &secret, &["read".to_string()]);
    assert!(!first.shares_cache_with(&other_scopes));
    let other_url = tokens.source("https://other.example.com/token".into(), "id", &secret, &[]);
    assert!(!first.shares_cache_with(&other_url));
}

#[derive(Debug, PartialEq, Deserialize)]
struct Aws {
    region: String,
    #[serde(default)]
    zones: Vec<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Gcp {
    project: String,
}

/// What the generator writes for a discriminated oneOf, closed (`OPEN` false) or open.
#[derive(Debug, PartialEq)]
enum Cloud<const OPEN: bool> {
    Aws(Aws),
    Gcp(Gcp),
    Unknown(serde_json::Value),
}

impl<'de, const OPEN: bool> Deserialize<'de> for Cloud<OPEN> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_tagged(deserializer)
    }
}

impl<const OPEN: bool> TaggedDecode for Cloud<OPEN> {
    const TAG: &'static str = "kind";

    fn decode_variant<'de, D: serde::Deserializer<'de>>(
        tag: &str,
        rest: D,
    ) -> Result<Self, D::Error> {
        match tag {
            "AWS" => Aws::deserialize(rest).map(Self::Aws),
            "GCP" => Gcp::deserialize(rest).map(Self::Gcp),
            _ if OPEN => unknown_variant("kind", tag, rest).map(Self::Unknown),
            _ => Err(unknown_tag_value("kind", tag, "AWS, GCP")),
        }
    }

    fn without_tag<E: serde::de::Error>(
        object: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, E> {
        if OPEN {
            Ok(Self::Unknown(serde_json::Value::Object(object)))
        } else {
            Err(missing_tag("kind", &object, "AWS, GCP"))
        }
    }
}

#[test]
fn tagged_unions_decode_with_the_tag_anywhere() {
    let aws = Cloud::<false>::Aws(Aws {
        region: "us-east-1".into(),
        zones: vec!["a".into(), "b".into()],
    });
    for text in [
        r#"{"kind": "AWS", "region": "us-east-1", "zones": ["a", "b"]}"#,
        r#"{"region": "us-east-1", "kind": "AWS", "zones": ["a", "b"]}"#,
        r#"{"region": "us-east-1", "zones": ["a", "b"], "kind": "AWS"}"#,
        // An escaped tag cannot be borrowed from the input; it is read all the same.
        r#"{"kind": "A\u0057S", "region": "us-east-1", "zones": ["a", "b"]}"#,
    ] {
        assert_eq!(
            serde_json::from_str::<Cloud<false>>(text).unwrap(),
            aws,
            "{text}"
        );
        // Through another deserializer than the JSON reader: a `serde_json::Value`.
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::from_value::<Cloud<false>>(value).unwrap(), aws);
    }
    let gcp: Cloud<true> = serde_json::from_str(r#"{"project": "p", "kind": "GCP"}"#).unwrap();
    assert_eq!(
        gcp,
        Cloud::Gcp(Gcp {
            project: "p".into()
        })
    );
}

#[test]
fn tagged_unions_keep_or_refuse_objects_they_do_not_know() {
    let unknown = r#"{"region": "x", "kind": "ORACLE", "shape": {"a": 1}}"#;
    let kept: Cloud<true> = serde_json::from_str(unknown).unwrap();
    assert_eq!(
        kept,
        Cloud::Unknown(serde_json::json!({"region": "x", "kind": "ORACLE", "shape": {"a": 1}}))
    );
    let refused = serde_json::from_str::<Cloud<false>>(unknown).unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with(r#"unknown `kind` value "ORACLE"; expected one of AWS, GCP"#),
        "{refused}"
    );
    for (text, open, closed_error) in [
        (
            r#"{"region": "x"}"#,
            serde_json::json!({"region": "x"}),
            "missing discriminator property `kind`",
        ),
        (
            r#"{"region": "x", "kind": 5, "zones": []}"#,
            serde_json::json!({"region": "x", "kind": 5, "zones": []}),
            "unknown `kind` value 5; expected one of AWS, GCP",
        ),
        (
            r#"{"kind": null, "region": "x"}"#,
            serde_json::json!({"kind": null, "region": "x"}),
            "unknown `kind` value null; expected one of AWS, GCP",
        ),
        (
            r#"{"kind": true}"#,
            serde_json::json!({"kind": true}),
            "unknown `kind` value true; expected one of AWS, GCP",
        ),
        (
            r#"{"kind": ["AWS"], "region": "x"}"#,
            serde_json::json!({"kind": ["AWS"], "region": "x"}),
            r#"unknown `kind` value ["AWS"]; expected one of AWS, GCP"#,
        ),
        (
            r#"{"kind": {"name": "AWS"}, "region": "x"}"#,
            serde_json::json!({"kind": {"name": "AWS"}, "region": "x"}),
            r#"unknown `kind` value {"name":"AWS"}; expected one of AWS, GCP"#,
        ),
    ] {
        assert_eq!(
            serde_json::from_str::<Cloud<true>>(text).unwrap(),
            Cloud::Unknown(open)
        );
        let error = serde_json::from_str::<Cloud<false>>(text).unwrap_err();
        assert!(error.to_string().starts_with(closed_error), "{error}");
    }
    assert!(serde_json::from_str::<Cloud<true>>("[1]").is_err());
}

#[test]
fn errors_inside_a_tagged_variant_name_their_place() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Network {
        cloud: Cloud<false>,
    }
    for text in [
        r#"{"cloud": {"kind": "AWS", "region": "r", "zones": ["a", 7]}}"#,
        r#"{"cloud": {"region": "r", "kind": "AWS", "zones": ["a", 7]}}"#,
    ] {
        let mut reader = serde_json::Deserializer::from_str(text);
        let error = serde_path_to_error::deserialize::<_, Network>(&mut reader).unwrap_err();
        assert_eq!(error.path().to_string(), "cloud.zones[1]", "{text}");
    }
}

#[test]
fn discriminator_errors_quote_the_value_within_a_bound() {
    let mut object = serde_json::Map::new();
    let huge = serde_json::json!({"nested": "\u{1b}[31m".repeat(1_000_000)});
    object.insert("kind".into(), huge);
    let error: serde_json::Error = missing_tag("kind", &object, "`a`, `b`");
    let text = error.to_string();
    assert!(text.len() < 600, "{} bytes", text.len());
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.ends_with("expected one of `a`, `b`"), "{text}");
    let error: serde_json::Error = unknown_tag_value("kind", &"x".repeat(8 << 20), "`a`");
    assert!(error.to_string().len() < 600);
}

#[test]
fn header_sets_show_secret_headers_as_stars() {
    struct Set {
        request_id: Option<String>,
        set_cookie: Option<String>,
        api_key: Option<String>,
        absent_token: Option<String>,
    }
    impl std::fmt::Debug for Set {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            debug_header_set(
                f,
                "Set",
                &[
                    ("request_id", "X-Request-Id", &self.request_id),
                    ("set_cookie", "Set-Cookie", &self.set_cookie),
                    ("api_key", "X-Api-Key", &self.api_key),
                    ("absent_token", "X-Token", &self.absent_token),
                ],
            )
        }
    }
    let shown = format!(
        "{:?}",
        Set {
            request_id: Some("req-1".into()),
            set_cookie: Some("sid=s3cret".into()),
            api_key: Some("k3y".into()),
            absent_token: None,
        }
    );
    assert_eq!(
        shown,
        r#"Set { request_id: Some("req-1"), set_cookie: Some("***"), api_key: Some("***"), absent_token: None }"#
    );
}

#[test]
fn webhook_errors_are_bounded_and_escaped() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Event {
        count: u32,
    }
    let body = serde_json::json!({"count": format!("\u{1b}[31m{}", "9".repeat(4 << 20))});
    let error = decode_webhook::<Event>(body.to_string().as_bytes()).expect_err("a string");
    assert_eq!(error.path, "count");
    let text = error.to_string();
    assert!(text.len() < 1_000, "{} bytes", text.len());
    assert!(!text.contains('\u{1b}'), "{text}");
}

#[test]
fn untagged_unions_prefer_the_variant_that_keeps_every_property() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Short {
        kind: String,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Long {
        kind: String,
        token: String,
    }
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Nested {
        inner: Short,
    }
    #[derive(Debug, PartialEq, Serialize)]
    #[serde(untagged)]
    enum Either {
        Short(Short),
        Long(Long),
        Nested(Nested),
        Text(String),
    }
    impl<'de> Deserialize<'de> for Either {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_untagged(
                d,
                "Either",
                &[
                    |v| untagged_candidate(v, Either::Short),
                    |v| untagged_candidate(v, Either::Long),
                    |v| untagged_candidate(v, Either::Nested),
                    |v| untagged_candidate(v, Either::Text),
                ],
            )
        }
    }
    let read = |json: &str| serde_json::from_str::<Either>(json);
    // The first variant that keeps everything wins.
    assert_eq!(
        read(r#"{"kind": "a"}"#).unwrap(),
        Either::Short(Short { kind: "a".into() })
    );
    // A later variant that keeps `token` beats an earlier one that would drop it.
    assert_eq!(
        read(r#"{"kind": "a", "token": "t"}"#).unwrap(),
        Either::Long(Long {
            kind: "a".into(),
            token: "t".into()
        })
    );
    // When every variant loses something, the one that loses least wins.
    assert_eq!(
        read(r#"{"kind": "a", "token": "t", "extra": 1}"#).unwrap(),
        Either::Long(Long {
            kind: "a".into(),
            token: "t".into()
        })
    );
    // Losses deep inside count too.
    assert!(matches!(
        read(r#"{"inner": {"kind": "a", "more": 1}}"#).unwrap(),
        Either::Nested(_)
    ));
    assert_eq!(read(r#""text""#).unwrap(), Either::Text("text".into()));
    let error = read("5").expect_err("no variant is a number");
    assert!(
        error
            .to_string()
            .contains("did not match any variant of untagged enum Either"),
        "{error}"
    );
}

#[test]
fn a_retry_policy_is_built_from_the_default_with_its_setters() {
    let policy = RetryPolicy::default()
        .with_max_attempts(2)
        .with_max_elapsed(Duration::from_secs(5))
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(40));
    assert_eq!(policy.max_attempts, 2);
    assert_eq!(policy.max_elapsed, Duration::from_secs(5));
    assert_eq!(policy.base_delay, Duration::from_millis(10));
    assert_eq!(policy.max_delay, Duration::from_millis(40));
    // What is not set keeps the default.
    let default = RetryPolicy::default();
    assert_eq!(
        RetryPolicy::default().with_max_attempts(3).max_elapsed,
        default.max_elapsed
    );
    assert_eq!(RetryPolicy::disabled().max_attempts, 1);
    assert_eq!(RetryPolicy::disabled().with_max_attempts(5).max_attempts, 5);
}

#[test]
fn a_validation_error_keeps_each_violation_as_text() {
    let mut report = garde::Report::new();
    report.append(
        garde::Path::new("display_name"),
        garde::Error::new("length is greater than 60"),
    );
    report.append(
        garde::Path::new("tags").join(2),
        garde::Error::new("length is lower than 1"),
    );
    let error = ValidationError::from_report(&report);
    assert_eq!(
        error.violations(),
        vec![
            (
                "display_name".to_string(),
                "length is greater than 60".to_string()
            ),
            ("tags[2]".to_string(), "length is lower than 1".to_string()),
        ]
    );
    assert_eq!(
        error.to_string(),
        "the request is invalid and was not sent: display_name: length is greater than 60; \
         tags[2]: length is lower than 1"
    );
}

/// Streams the items of every page, as generated list methods do: `pages` and
/// `page_items` in one, for a `fetch` that returns a page's items and the next page's cursor.
fn paginate<'a, T, E, F, Fut>(
    limit: super::paging::PageLimit,
    mut fetch: F,
) -> impl futures_util::Stream<Item = Result<T, super::error::Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut:
        std::future::Future<Output = Result<(Vec<T>, Option<String>), super::error::Error<E>>> + 'a,
{
    use futures_util::FutureExt;
    let counted = super::paging::pages(limit, move |token| {
        fetch(token).map(|page| {
            page.map(|(items, next)| {
                let count = items.len();
                (items, count, Ok(next))
            })
        })
    });
    super::paging::page_items(counted, |items| items)
}

// ---- properties: nothing from the wire panics ----

mod properties {
    use super::super::auth::token_lifetime;
    use super::super::headers::{header_seconds, retry_after};
    use super::super::{RetryPolicy, MAX_TOKEN_LIFETIME, MIN_TOKEN_LIFETIME};
    use proptest::prelude::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use serde_json::{json, Value};
    use std::time::Duration;

    fn headers(name: &'static str, value: &str) -> Option<HeaderMap> {
        let value = HeaderValue::from_str(value).ok()?;
        let mut map = HeaderMap::new();
        map.insert(name, value);
        Some(map)
    }

    proptest! {
        #[test]
        fn retry_after_never_panics_and_reads_seconds(text in "[ -~]{0,40}") {
            if let Some(map) = headers("retry-after", &text) {
                let wait = retry_after(&map);
                if let Ok(n) = text.trim().parse::<u64>() {
                    prop_assert_eq!(wait, Some(Duration::from_secs(n)));
                }
            }
            if let Some(map) = headers("x-ratelimit-reset", &text) {
                let _ = header_seconds(&map, "x-ratelimit-reset");
            }
        }

        #[test]
        fn huge_seconds_are_read_without_overflow(n in any::<u64>(), pad in 0usize..3) {
            let text = format!("{}{n}", " ".repeat(pad));
            let map = headers("retry-after", &text).expect("digits are a header value");
            prop_assert_eq!(retry_after(&map), Some(Duration::from_secs(n)));
        }

        #[test]
        fn http_dates_are_waits_from_now(secs in 0u64..400_000_000_000) {
            let when = std::time::UNIX_EPOCH + Duration::from_secs(secs % 253_402_300_799);
            let map = headers("retry-after", &httpdate::fmt_http_date(when)).expect("a date");
            let wait = retry_after(&map).expect("a date parses");
            let until = when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO);
            // Read a moment before `until`, so at most that moment longer.
            prop_assert!(until <= wait && wait <= until + Duration::from_secs(1));
        }

        #[test]
        fn retry_waits_never_overflow_and_stay_in_budget(
            attempt in any::<u32>(),
            elapsed_secs in any::<u64>(),
            elapsed_nanos in 0u32..1_000_000_000,
            hint in proptest::option::of((any::<u64>(), 0u32..1_000_000_000)),
            max_attempts in any::<u32>(),
            max_elapsed_secs in any::<u64>(),
            base_ms in any::<u64>(),
            max_delay_secs in any::<u64>(),
        ) {
            let policy = RetryPolicy::default().with_max_attempts(max_attempts).with_max_elapsed(Duration::from_secs(max_elapsed_secs)).with_base_delay(Duration::from_millis(base_ms)).with_max_delay(Duration::from_secs(max_delay_secs));
            let elapsed = Duration::new(elapsed_secs, elapsed_nanos);
            let hint = hint.map(|(s, n)| Duration::new(s, n));
            if let Some(wait) = policy.delay(attempt, elapsed, hint) {
                prop_assert!(attempt < max_attempts);
                let done = elapsed.checked_add(wait);
                prop_assert!(done.is_some_and(|d| d <= policy.max_elapsed));
                if hint.is_none() {
                    prop_assert!(wait <= policy.max_delay);
                }
            }
        }

        #[test]
        fn token_lifetimes_are_clamped_whatever_expires_in_says(
            value in prop_oneof![
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
                "[ -~]{0,30}".prop_map(Value::from),
                Just(Value::Null),
                Just(json!([1])),
                Just(json!({"seconds": 1})),
            ]
        ) {
            let lifetime = token_lifetime(Some(&value));
            prop_assert!(lifetime >= MIN_TOKEN_LIFETIME && lifetime <= MAX_TOKEN_LIFETIME);
        }
    }
}
