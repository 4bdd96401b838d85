//! Reading response headers: typed values, `Retry-After`, and which headers may hold
//! secrets. A header that is absent or does not parse is `None`: a response is never
//! rejected because of a header.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// The response header that carries the server's request id.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// A field of a typed response-header set, for its `Debug`.
#[doc(hidden)]
pub trait HeaderField: std::fmt::Debug {
    /// Whether the header was there.
    fn present(&self) -> bool;
}

impl<T: std::fmt::Debug> HeaderField for Option<T> {
    fn present(&self) -> bool {
        self.is_some()
    }
}

/// `Debug` of a typed response-header set: each field as `name: value`, except that a
/// header whose name says it may hold a secret (a cookie, a token, a key) shows `"***"`
/// for its value. Each field is given as (field name, header name, value).
#[doc(hidden)]
pub fn debug_header_set(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    fields: &[(&str, &str, &dyn HeaderField)],
) -> std::fmt::Result {
    let mut out = f.debug_struct(name);
    for (field, header, value) in fields {
        if value.present() && is_sensitive_header(&header.to_ascii_lowercase()) {
            out.field(field, &Some("***"));
        } else {
            out.field(field, value);
        }
    }
    out.finish()
}

/// Headers whose values may be secrets: cookies, credentials, and names that say so.
/// `name` is a `HeaderName`'s text, which is always lower case.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    matches!(
        name,
        "set-cookie" | "cookie" | "authorization" | "proxy-authorization"
    ) || [
        "token", "secret", "key", "session", "auth", "cookie", "password",
    ]
    .iter()
    .any(|word| name.contains(word))
}

#[doc(hidden)]
pub fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    header_text(headers, name).map(str::to_string)
}

/// Whether a content type is JSON: `application/json` or a `+json` type
/// (`application/problem+json`), parameters and case aside.
pub(crate) fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .len()
            .checked_sub("+json".len())
            .and_then(|start| essence.get(start..))
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

/// A header's value as text, borrowed: reading a number or a flag needs no copy.
pub(super) fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[doc(hidden)]
pub fn header_integer(headers: &HeaderMap, name: &str) -> Option<i64> {
    header_text(headers, name)?.trim().parse().ok()
}

#[doc(hidden)]
pub fn header_number(headers: &HeaderMap, name: &str) -> Option<f64> {
    header_text(headers, name)?.trim().parse().ok()
}

#[doc(hidden)]
pub fn header_boolean(headers: &HeaderMap, name: &str) -> Option<bool> {
    header_text(headers, name)?.trim().parse().ok()
}

/// `Retry-After` (RFC 9110): a count of seconds, or an HTTP date, as a wait from now (none
/// for a date already past).
#[doc(hidden)]
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = header_text(headers, "retry-after")?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A header holding a count of seconds from now.
#[doc(hidden)]
pub fn header_seconds(headers: &HeaderMap, name: &str) -> Option<Duration> {
    header_text(headers, name)?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
