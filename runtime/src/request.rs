//! Writing parameters and bodies.

use reqwest::header::HeaderValue;
use serde::Serialize;

use super::error::{Error, ValidationError};

/// Encodes one path parameter so it stays one path segment whatever it holds. Values
/// that would still change the path's shape (empty, `.`, `..`) are refused.
#[doc(hidden)]
pub fn path_segment<E>(name: &str, value: &str) -> Result<String, Error<E>> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!(
            "the path parameter `{name}` is `{value}`, which cannot be sent as one path segment"
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

/// Everything but RFC 3986 unreserved characters is escaped.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A parameter value as text: strings as they are, numbers and booleans as JSON writes
/// them, enums as their wire value.
#[doc(hidden)]
pub fn param_text<T: Serialize + ?Sized, E>(name: &str, value: &T) -> Result<String, Error<E>> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Ok(serde_json::Value::Bool(b)) => Ok(b.to_string()),
        Ok(other) => Err(Error::InvalidRequest(format!(
            "the parameter `{name}` cannot be sent as text: {other}"
        ))),
        Err(e) => Err(Error::InvalidRequest(format!(
            "the parameter `{name}` cannot be serialized: {e}"
        ))),
    }
}

/// How a parameter's value is written: OpenAPI's `style` (with `explode` beside it).
/// The table of the specification's "Style Examples" is the reference; where OpenAPI 3.0's
/// table and RFC 6570 disagree (an unexploded `label` list), RFC 6570 is followed, as
/// later versions of the specification do.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Path and header parameters: `blue,black`; objects `R,100,G,200` (`R=100,G=200`
    /// exploded).
    Simple,
    /// Path: `.blue`; lists `.blue,black` (`.blue.black` exploded).
    Label,
    /// Path: `;color=blue`; lists `;color=blue,black` (`;color=blue;color=black`
    /// exploded); objects exploded `;R=100;G=200`.
    Matrix,
    /// Query and cookie parameters: `color=blue&color=black` exploded, `color=blue,black`
    /// not; objects exploded are their own pairs, `R=100&G=200`.
    Form,
    /// Query: `color=blue%20black`.
    SpaceDelimited,
    /// Query: `color=blue|black`.
    PipeDelimited,
    /// Query: `color[R]=100&color[G]=200`.
    DeepObject,
}

/// A parameter's value, read as what `style` writes: nothing, one text, a list, or an
/// object's entries.
enum Shape {
    Absent,
    One(String),
    List(Vec<String>),
    Entries(Vec<(String, String)>),
}

fn shape<T: Serialize + ?Sized, E>(name: &str, value: &T) -> Result<Shape, Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| {
        Error::InvalidRequest(format!("the parameter `{name}` cannot be serialized: {e}"))
    })?;
    Ok(match value {
        serde_json::Value::Null => Shape::Absent,
        serde_json::Value::Array(items) => Shape::List(
            items
                .iter()
                .map(|i| param_text(name, i))
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => Shape::Entries(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), param_text(name, v)?)))
                .collect::<Result<_, Error<E>>>()?,
        ),
        scalar => Shape::One(param_text(name, &scalar)?),
    })
}

/// Joins entries as `k,v,k2,v2`, or `k=v,k2=v2` when exploded, each text through `encode`.
fn entries_text(
    entries: &[(String, String)],
    explode: bool,
    separator: &str,
    encode: &dyn Fn(&str) -> String,
) -> String {
    let parts: Vec<String> = if explode {
        entries
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect()
    } else {
        entries
            .iter()
            .flat_map(|(k, v)| [encode(k), encode(v)])
            .collect()
    };
    parts.join(separator)
}

/// A path parameter in `style` (`simple`, `label` or `matrix`), encoded so that it stays
/// within its place in the path: every character but RFC 3986's unreserved ones is
/// escaped, and only the style's own separators are written bare. A `simple` value that
/// would still change the path's shape (empty, `.`, `..`) is refused.
#[doc(hidden)]
pub fn path_param<T: Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, Error<E>> {
    let encode = |s: &str| percent_encoding::utf8_percent_encode(s, PATH_SEGMENT).to_string();
    let shape = shape(name, value)?;
    let text = match style {
        Style::Label => {
            let separator = if explode { "." } else { "," };
            match shape {
                Shape::Absent => ".".to_string(),
                Shape::One(v) => format!(".{}", encode(&v)),
                Shape::List(items) => format!(
                    ".{}",
                    items
                        .iter()
                        .map(|i| encode(i))
                        .collect::<Vec<_>>()
                        .join(separator)
                ),
                Shape::Entries(entries) => {
                    format!(".{}", entries_text(&entries, explode, separator, &encode))
                }
            }
        }
        Style::Matrix => {
            let key = encode(name);
            match shape {
                Shape::Absent => format!(";{key}"),
                Shape::One(v) => format!(";{key}={}", encode(&v)),
                Shape::List(items) if explode => items
                    .iter()
                    .map(|i| format!(";{key}={}", encode(i)))
                    .collect(),
                Shape::List(items) => format!(
                    ";{key}={}",
                    items
                        .iter()
                        .map(|i| encode(i))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                Shape::Entries(entries) if explode => {
                    format!(";{}", entries_text(&entries, true, ";", &encode))
                }
                Shape::Entries(entries) => {
                    format!(";{key}={}", entries_text(&entries, false, ",", &encode))
                }
            }
        }
        _ => {
            let text = match shape {
                Shape::Absent => String::new(),
                Shape::One(v) => return path_segment(name, &v),
                Shape::List(items) => items
                    .iter()
                    .map(|i| encode(i))
                    .collect::<Vec<_>>()
                    .join(","),
                Shape::Entries(entries) => entries_text(&entries, explode, ",", &encode),
            };
            if text.is_empty() || text == "." || text == ".." {
                return Err(Error::InvalidRequest(format!(
                    "the path parameter `{name}` is `{text}`, which cannot be sent as one path segment"
                )));
            }
            text
        }
    };
    Ok(text)
}

/// The query parameters of a request, each written as its style says, in order.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct Query {
    /// (name, value, whether the value's reserved characters go unescaped).
    pairs: Vec<(String, String, bool)>,
}

impl Query {
    pub fn new() -> Self {
        Query::default()
    }
}

/// RFC 3986's reserved characters, which an `allowReserved` parameter sends as they are.
const RESERVED: &[u8] = b":/?#[]@!$&'()*+,;=";

/// Puts the query on the request's URL: names and values form-encoded (as `reqwest`
/// writes a query), except that a value of an `allowReserved` parameter keeps its
/// reserved characters.
#[doc(hidden)]
pub fn with_query<E>(
    request: reqwest::RequestBuilder,
    query: &Query,
) -> Result<reqwest::RequestBuilder, Error<E>> {
    if query.pairs.is_empty() {
        return Ok(request);
    }
    let written = encoded_query(query);
    let (client, built) = request.build_split();
    let mut built = built.map_err(|e| Error::Transport(e.without_url()))?;
    let url = built.url_mut();
    let joined = match url.query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{written}"),
        _ => written,
    };
    url.set_query(Some(&joined));
    Ok(reqwest::RequestBuilder::from_parts(client, built))
}

/// The pairs of `query`, form-encoded, except that a value of an `allowReserved`
/// parameter keeps its reserved characters.
fn encoded_query(query: &Query) -> String {
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let mut written = String::new();
    for (name, value, allow_reserved) in &query.pairs {
        if !written.is_empty() {
            written.push('&');
        }
        written.push_str(&encode(name));
        written.push('=');
        if *allow_reserved {
            // Each reserved character is written as it is; the rest as form encoding
            // writes it.
            for c in value.chars() {
                if c.is_ascii() && RESERVED.contains(&(c as u8)) {
                    written.push(c);
                } else {
                    written.push_str(&encode(c.encode_utf8(&mut [0; 4])));
                }
            }
        } else {
            written.push_str(&encode(value));
        }
    }
    written
}

/// How one property of a form body is written (an entry of the media type's `encoding`
/// object).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct FormField {
    pub name: &'static str,
    pub style: Style,
    pub explode: bool,
    pub allow_reserved: bool,
    /// The value is written as JSON (the entry's `contentType` is JSON).
    pub json: bool,
}

/// Writes `value` (an object) as an `application/x-www-form-urlencoded` body: each
/// property as a query parameter of the same name would be, in the `style` its `fields`
/// entry gives (`form`, exploded, when it has none), or as JSON text where the entry says
/// so. Lists and nested objects are written too, which a plain form serializer refuses.
#[doc(hidden)]
pub fn form_body<T: Serialize + ?Sized, E>(
    request: reqwest::RequestBuilder,
    value: &T,
    fields: &[FormField],
) -> Result<reqwest::RequestBuilder, Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| {
        Error::InvalidRequest(format!("the request body cannot be serialized: {e}"))
    })?;
    let serde_json::Value::Object(properties) = value else {
        return Err(Error::InvalidRequest(
            "a form body must be an object of properties".into(),
        ));
    };
    let mut query = Query::new();
    for (name, property) in &properties {
        let field = fields.iter().find(|f| f.name == name);
        let (style, explode, reserved) = field.map_or((Style::Form, true, false), |f| {
            (f.style, f.explode, f.allow_reserved)
        });
        if field.is_some_and(|f| f.json) {
            if !property.is_null() {
                let text = property.to_string();
                push_query(&mut query, name, &text, Style::Form, true, reserved)?;
            }
        } else {
            push_query(&mut query, name, property, style, explode, reserved)?;
        }
    }
    Ok(request
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(encoded_query(&query)))
}

/// Adds a query parameter written in `style`. A null value adds nothing.
#[doc(hidden)]
pub fn push_query<T: Serialize + ?Sized, E>(
    query: &mut Query,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
    allow_reserved: bool,
) -> Result<(), Error<E>> {
    let mut pairs = Vec::new();
    push_pairs(&mut pairs, name, value, style, explode)?;
    query
        .pairs
        .extend(pairs.into_iter().map(|(k, v)| (k, v, allow_reserved)));
    Ok(())
}

/// The (name, value) pairs a query parameter is written as.
fn push_pairs<T: Serialize + ?Sized, E>(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<(), Error<E>> {
    let delimiter = match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    let plain = |s: &str| s.to_string();
    match shape(name, value)? {
        Shape::Absent => {}
        Shape::One(v) => pairs.push((name.to_string(), v)),
        // deepObject says nothing of lists; they are written as form writes them.
        Shape::List(items) if explode || style == Style::DeepObject => {
            pairs.extend(items.into_iter().map(|i| (name.to_string(), i)));
        }
        Shape::List(items) => pairs.push((name.to_string(), items.join(delimiter))),
        Shape::Entries(entries) if style == Style::DeepObject => {
            pairs.extend(
                entries
                    .into_iter()
                    .map(|(k, v)| (format!("{name}[{k}]"), v)),
            );
        }
        Shape::Entries(entries) if explode && style == Style::Form => pairs.extend(entries),
        Shape::Entries(entries) if !entries.is_empty() => pairs.push((
            name.to_string(),
            entries_text(&entries, false, delimiter, &plain),
        )),
        Shape::Entries(_) => {}
    }
    Ok(())
}

/// A header parameter value (`simple` style). CR and LF are refused so a value cannot add
/// headers.
#[doc(hidden)]
pub fn header_param<T: Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<HeaderValue, Error<E>> {
    let text = match shape(name, value)? {
        Shape::Absent => String::new(),
        Shape::One(v) => v,
        Shape::List(items) => items.join(","),
        Shape::Entries(entries) => entries_text(&entries, explode, ",", &|s| s.to_string()),
    };
    if text.contains(['\r', '\n']) {
        return Err(Error::InvalidRequest(format!(
            "the header `{name}` contains a line break"
        )));
    }
    HeaderValue::from_str(&text).map_err(|_| {
        Error::InvalidRequest(format!(
            "the header `{name}` has characters a header cannot carry"
        ))
    })
}

/// One cookie as `name=value`, the characters a cookie value cannot hold (RFC 6265:
/// controls, space, `"`, `,`, `;`, `\`, non-ASCII) percent-encoded.
#[doc(hidden)]
pub fn cookie_pair<E>(name: &str, text: &str) -> Result<String, Error<E>> {
    let is_token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(is_token) {
        return Err(Error::InvalidRequest(format!(
            "`{name}` cannot be a cookie name"
        )));
    }
    Ok(format!(
        "{name}={}",
        percent_encoding::utf8_percent_encode(text, COOKIE_VALUE)
    ))
}

const COOKIE_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Adds a cookie parameter (`form` style, see [`cookie_pair`]) to those a request sends:
/// lists and objects as one cookie of comma-joined texts, or, exploded, a cookie per
/// item (`name=a; name=b`) or per entry (`R=100; G=200`).
#[doc(hidden)]
pub fn push_cookie<T: Serialize + ?Sized, E>(
    cookies: &mut Vec<String>,
    name: &str,
    value: &T,
    explode: bool,
) -> Result<(), Error<E>> {
    match shape(name, value)? {
        Shape::Absent => {}
        Shape::One(v) => cookies.push(cookie_pair(name, &v)?),
        Shape::List(items) if explode => {
            for item in items {
                cookies.push(cookie_pair(name, &item)?);
            }
        }
        Shape::List(items) => cookies.push(cookie_pair(name, &items.join(","))?),
        Shape::Entries(entries) if explode => {
            for (key, text) in entries {
                cookies.push(cookie_pair(&key, &text)?);
            }
        }
        Shape::Entries(entries) => cookies.push(cookie_pair(
            name,
            &entries_text(&entries, false, ",", &|s| s.to_string()),
        )?),
    }
    Ok(())
}

/// A parameter given by `content` rather than `schema`: its value written in that media
/// type (JSON), then sent as text where the parameter goes.
#[doc(hidden)]
pub fn content_text<T: Serialize + ?Sized, E>(name: &str, value: &T) -> Result<String, Error<E>> {
    serde_json::to_string(value).map_err(|e| {
        Error::InvalidRequest(format!("the parameter `{name}` cannot be serialized: {e}"))
    })
}

/// Sends cookie parameters in one `Cookie` header.
#[doc(hidden)]
pub fn with_cookies<E>(
    request: reqwest::RequestBuilder,
    cookies: &[String],
) -> Result<reqwest::RequestBuilder, Error<E>> {
    if cookies.is_empty() {
        return Ok(request);
    }
    let value = HeaderValue::from_str(&cookies.join("; "))
        .map_err(|_| Error::InvalidRequest("a cookie is not a valid header value".into()))?;
    Ok(request.header(reqwest::header::COOKIE, value))
}

/// Checks a request body against the spec's constraints before anything is sent.
#[doc(hidden)]
pub fn validate<T: garde::Validate<Context = ()> + ?Sized, E>(value: &T) -> Result<(), Error<E>> {
    value
        .validate()
        .map_err(|report| Error::Validation(ValidationError::from_report(&report)))
}

#[doc(hidden)]
pub fn json_body<T: Serialize + ?Sized, E>(
    request: reqwest::RequestBuilder,
    content_type: &str,
    value: &T,
) -> Result<reqwest::RequestBuilder, Error<E>> {
    let bytes = serde_json::to_vec(value).map_err(|e| {
        Error::InvalidRequest(format!("the request body cannot be serialized: {e}"))
    })?;
    Ok(request
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(bytes))
}
