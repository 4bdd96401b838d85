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

/// How a query parameter's lists and objects are written (OpenAPI `style` and `explode`).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, exploded (the default): `id=a&id=b`; objects as `k=v&k2=v2`.
    Form,
    /// `form` with `explode: false`: `id=a,b`; objects as `name=k,v,k2,v2`.
    FormUnexploded,
    /// `spaceDelimited`: `id=a%20b`.
    SpaceDelimited,
    /// `pipeDelimited`: `id=a|b`.
    PipeDelimited,
    /// `deepObject`: `name[k]=v`.
    DeepObject,
}

/// Adds a query parameter written in `style`. A null value adds nothing.
#[doc(hidden)]
pub fn push_query<T: Serialize + ?Sized, E>(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: QueryStyle,
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(value).map_err(|e| {
        Error::InvalidRequest(format!("the parameter `{name}` cannot be serialized: {e}"))
    })?;
    let delimiter = match style {
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        _ => ",",
    };
    let mut push = |key: String, text: String| pairs.push((key, text));
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            let texts = items
                .iter()
                .map(|i| param_text(name, i))
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(style, QueryStyle::Form | QueryStyle::DeepObject) {
                texts.into_iter().for_each(|t| push(name.to_string(), t));
            } else {
                push(name.to_string(), texts.join(delimiter));
            }
        }
        serde_json::Value::Object(map) => {
            let mut flat = Vec::new();
            for (key, item) in &map {
                let text = param_text(name, item)?;
                match style {
                    QueryStyle::Form => push(key.clone(), text),
                    QueryStyle::DeepObject => push(format!("{name}[{key}]"), text),
                    _ => flat.extend([key.clone(), text]),
                }
            }
            if !flat.is_empty() {
                push(name.to_string(), flat.join(delimiter));
            }
        }
        scalar => push(name.to_string(), param_text(name, &scalar)?),
    }
    Ok(())
}

/// A header parameter value. CR and LF are refused so a value cannot add headers.
#[doc(hidden)]
pub fn header_param<T: Serialize + ?Sized, E>(
    name: &str,
    value: &T,
) -> Result<HeaderValue, Error<E>> {
    let text = match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| param_text(name, i))
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        _ => param_text(name, value)?,
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

/// One cookie parameter as `name=value`: lists joined by commas (OpenAPI's `form` style),
/// and the characters a cookie value cannot hold (RFC 6265: controls, space, `"`, `,`,
/// `;`, `\`, non-ASCII) percent-encoded.
#[doc(hidden)]
pub fn cookie_pair<T: Serialize + ?Sized, E>(name: &str, value: &T) -> Result<String, Error<E>> {
    let is_token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(is_token) {
        return Err(Error::InvalidRequest(format!(
            "`{name}` cannot be a cookie name"
        )));
    }
    let text = match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| param_text(name, i))
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        _ => param_text(name, value)?,
    };
    Ok(format!(
        "{name}={}",
        percent_encoding::utf8_percent_encode(&text, COOKIE_VALUE)
    ))
}

const COOKIE_VALUE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Adds a cookie parameter (see [`cookie_pair`]) to those a request sends.
#[doc(hidden)]
pub fn push_cookie<T: Serialize + ?Sized, E>(
    cookies: &mut Vec<String>,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    cookies.push(cookie_pair(name, value)?);
    Ok(())
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
        .map_err(|report| Error::Validation(ValidationError { report }))
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
