//! Multipart uploads: a typed body becomes a `multipart/form-data` form, one part per
//! property, with file parts taken from memory, from disk or from a stream.
//!
//! A body is written through its `Serialize` implementation, like a JSON body, so that
//! every type a body can hold (unions, open enums, dates) is written the way the spec
//! describes it. A [`FilePart`] cannot be JSON: while a form is being written, each file
//! serializes as a marker that names its place in a list of files kept on the side, and
//! the form takes the file from there.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::Error;

/// The key of the marker object a file serializes as while a form is written.
const FILE_MARKER: &str = "\u{0}openapi-rust-gen-file";

/// How much of a file on disk is read at a time.
const READ_CHUNK: usize = 64 * 1024;

type ByteStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// A stream and its length, when known.
type SizedStream = (ByteStream, Option<u64>);

thread_local! {
    /// The files of the form being written on this thread; `None` outside a form.
    static FILES: RefCell<Option<Vec<FilePart>>> = const { RefCell::new(None) };
}

/// A file sent as one part of a multipart upload: bytes in memory, a file on disk (read
/// as it is sent, never whole), or a stream of chunks; with a file name and a content
/// type.
///
/// A file without a name is sent with the name of the file on disk, or else with the
/// field's name, since many servers refuse a file part without one. A file without a
/// content type is sent as the spec's `encoding` says, or else as
/// `application/octet-stream`.
#[derive(Clone)]
pub struct FilePart {
    source: FileSource,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum FileSource {
    Bytes(Bytes),
    Path(PathBuf),
    /// A stream can be sent once; clones share it, and the first to be sent takes it.
    Stream(Arc<Mutex<Option<SizedStream>>>),
}

impl FilePart {
    /// A file held in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self::from_source(FileSource::Bytes(bytes.into()))
    }

    /// A file on disk, read as the request is sent. Its name is the path's file name.
    /// A file that cannot be opened fails the call before anything is sent.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        FilePart {
            file_name: name,
            ..Self::from_source(FileSource::Path(path))
        }
    }

    /// A file read from a stream of chunks as the request is sent; `length`, when known,
    /// lets the request declare its size. A stream is sent once: a request with one is not
    /// retried.
    pub fn stream<S>(stream: S, length: Option<u64>) -> Self
    where
        S: futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let stream: ByteStream = Box::pin(stream);
        Self::from_source(FileSource::Stream(Arc::new(Mutex::new(Some((
            stream, length,
        ))))))
    }

    /// The file name the part is sent with.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The content type the part is sent with, e.g. `image/png`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    fn from_source(source: FileSource) -> Self {
        FilePart {
            source,
            file_name: None,
            content_type: None,
        }
    }

    /// The part to send as field `field`, with `content_type` unless the file has its own.
    fn into_part(self, field: &str, content_type: Option<&str>) -> Result<Part, String> {
        let part = match self.source {
            FileSource::Bytes(bytes) => Part::stream_with_length(bytes.clone(), bytes.len() as u64),
            FileSource::Path(path) => {
                let file = std::fs::File::open(&path)
                    .map_err(|e| format!("the file `{}` cannot be opened: {e}", path.display()))?;
                let length = file
                    .metadata()
                    .map_err(|e| format!("the file `{}` cannot be read: {e}", path.display()))?
                    .len();
                let body = reqwest::Body::wrap_stream(read_file(tokio::fs::File::from_std(file)));
                Part::stream_with_length(body, length)
            }
            FileSource::Stream(shared) => {
                let taken = shared.lock().ok().and_then(|mut slot| slot.take());
                let Some((stream, length)) = taken else {
                    return Err("the file's stream was already sent".into());
                };
                let body = reqwest::Body::wrap_stream(stream);
                match length {
                    Some(length) => Part::stream_with_length(body, length),
                    None => Part::stream(body),
                }
            }
        };
        let name = self.file_name.unwrap_or_else(|| field.to_string());
        let content_type = self
            .content_type
            .as_deref()
            .or(content_type)
            .unwrap_or("application/octet-stream");
        part.file_name(name)
            .mime_str(content_type)
            .map_err(|e| format!("the content type `{content_type}` is not valid: {e}"))
    }
}

/// A file on disk as a stream of chunks, read as they are sent.
fn read_file(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    futures_util::stream::unfold(Some(file), |file| async move {
        use tokio::io::AsyncReadExt;
        let mut file = file?;
        let mut buffer = bytes::BytesMut::with_capacity(READ_CHUNK);
        match file.read_buf(&mut buffer).await {
            Ok(0) => None,
            Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
            Err(e) => Some((Err(e), None)),
        }
    })
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("FilePart");
        match &self.source {
            FileSource::Bytes(bytes) => out.field("bytes", &bytes.len()),
            FileSource::Path(path) => out.field("path", path),
            FileSource::Stream(_) => out.field("stream", &"…"),
        };
        out.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Files are equal when they hold the same bytes, name the same path, or share one
/// stream, with the same name and content type.
impl PartialEq for FilePart {
    fn eq(&self, other: &Self) -> bool {
        let same_source = match (&self.source, &other.source) {
            (FileSource::Bytes(a), FileSource::Bytes(b)) => a == b,
            (FileSource::Path(a), FileSource::Path(b)) => a == b,
            (FileSource::Stream(a), FileSource::Stream(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_source && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

/// An empty file: the start of a body whose fields are set one by one.
impl Default for FilePart {
    fn default() -> Self {
        FilePart::bytes(Bytes::new())
    }
}

/// Inside a form, a marker naming the file's place; anywhere else, an error: a file is
/// sent only in a multipart form.
impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = FILES.with(|files| {
            files.borrow_mut().as_mut().map(|files| {
                files.push(self.clone());
                files.len() - 1
            })
        });
        match index {
            Some(index) => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(FILE_MARKER, &index)?;
                map.end()
            }
            None => Err(serde::ser::Error::custom(
                "a file can only be sent as a part of a multipart form",
            )),
        }
    }
}

/// A file read from JSON (a test's or an example's value) is the text it is given, as
/// bytes.
impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(FilePart::bytes(text.into_bytes()))
    }
}

/// How the spec's `encoding` object says a property is sent.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct MultipartField {
    /// The property's wire name.
    pub name: &'static str,
    /// The part's content type (its `contentType`), for parts that are not files: a JSON
    /// content type sends the value as JSON.
    pub content_type: Option<&'static str>,
    /// Headers every part of the property carries, with their fixed values.
    pub headers: &'static [(&'static str, &'static str)],
}

/// Attaches `body` as a multipart form: one part per property that is set, in the order
/// the type declares them. A file is a file part; an array is one part per item; a string,
/// number or boolean a text part; an object (or anything whose `encoding` says JSON) a JSON
/// part.
#[doc(hidden)]
pub fn multipart_body<B: Serialize, E>(
    request: reqwest::RequestBuilder,
    body: &B,
    fields: &[MultipartField],
) -> Result<reqwest::RequestBuilder, Error<E>> {
    let invalid = |message: String| Error::InvalidRequest(format!("the multipart body: {message}"));
    let previous = FILES.with(|files| files.replace(Some(Vec::new())));
    let value = serde_json::to_value(body);
    let files = FILES
        .with(|files| files.replace(previous))
        .unwrap_or_default();
    let value = value.map_err(|e| invalid(e.to_string()))?;
    let properties = match value {
        Value::Object(map) if !map.contains_key(FILE_MARKER) => map,
        _ => {
            return Err(invalid(
                "the body is not an object, whose properties a form's parts would be".into(),
            ))
        }
    };
    let mut files: Vec<Option<FilePart>> = files.into_iter().map(Some).collect();
    let mut form = Form::new();
    for (name, value) in properties {
        let field = fields.iter().find(|f| f.name == name);
        let content_type = field.and_then(|f| f.content_type);
        let headers = part_headers(field.map_or(&[], |f| f.headers)).map_err(invalid)?;
        let json = content_type.is_some_and(super::headers::is_json_media_type);
        let items = match value {
            Value::Null => continue,
            Value::Array(items) if !json => items,
            one => vec![one],
        };
        for item in items {
            let part = match item {
                Value::Null => continue,
                Value::Object(ref map) if map.contains_key(FILE_MARKER) => {
                    let file = map
                        .get(FILE_MARKER)
                        .and_then(Value::as_u64)
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| files.get_mut(i))
                        .and_then(Option::take)
                        .ok_or_else(|| invalid(format!("the file of `{name}` is missing")))?;
                    file.into_part(&name, content_type)
                        .map_err(|m| invalid(format!("`{name}`: {m}")))?
                }
                other => value_part(&name, other, content_type, json).map_err(invalid)?,
            };
            let part = match &headers {
                Some(headers) => part.headers(headers.clone()),
                None => part,
            };
            form = form.part(name.clone(), part);
        }
    }
    Ok(request.multipart(form))
}

/// The headers of a part, as a header map (`None` when there are none).
fn part_headers(
    headers: &[(&'static str, &'static str)],
) -> Result<Option<reqwest::header::HeaderMap>, String> {
    if headers.is_empty() {
        return Ok(None);
    }
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| format!("the part header `{name}` is not a valid header name: {e}"))?;
        let value = reqwest::header::HeaderValue::from_str(value).map_err(|e| {
            format!("the part header `{name}` has a value that cannot be sent: {e}")
        })?;
        map.insert(name, value);
    }
    Ok(Some(map))
}

/// A part holding a value that is not a file.
fn value_part(
    name: &str,
    value: Value,
    content_type: Option<&str>,
    json: bool,
) -> Result<Part, String> {
    if contains_file(&value) {
        return Err(format!(
            "`{name}` holds a file inside another value; a file can only be a property of the body or an item of one"
        ));
    }
    let (text, default_type) = match value {
        Value::String(text) if !json => (text, None),
        Value::Number(n) if !json => (n.to_string(), None),
        Value::Bool(b) if !json => (b.to_string(), None),
        other => (other.to_string(), Some("application/json")),
    };
    let part = Part::text(text);
    match content_type.or(default_type) {
        Some(content_type) => part
            .mime_str(content_type)
            .map_err(|e| format!("`{name}`: the content type `{content_type}` is not valid: {e}")),
        None => Ok(part),
    }
}

fn contains_file(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key(FILE_MARKER) || map.values().any(contains_file),
        Value::Array(items) => items.iter().any(contains_file),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> reqwest::RequestBuilder {
        reqwest::Client::new().post("http://127.0.0.1:9/upload")
    }

    #[derive(Serialize)]
    struct Upload {
        file: FilePart,
        nested: Option<Nested>,
    }

    #[derive(Serialize)]
    struct Nested {
        inner: FilePart,
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        for refused in [
            multipart_body::<_, ()>(request(), &FilePart::bytes(&b"x"[..]), &[]),
            multipart_body::<_, ()>(request(), &vec!["a"], &[]),
        ] {
            match refused {
                Err(Error::InvalidRequest(message)) => {
                    assert!(message.contains("not an object"), "{message}")
                }
                other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
            }
        }
    }

    #[test]
    fn a_file_inside_another_value_is_refused_and_a_property_file_is_not() {
        let nested = Upload {
            file: FilePart::bytes(&b"a"[..]),
            nested: Some(Nested {
                inner: FilePart::bytes(&b"b"[..]),
            }),
        };
        match multipart_body::<_, ()>(request(), &nested, &[]) {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.contains("`nested` holds a file"), "{message}")
            }
            other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
        }
        let flat = Upload {
            file: FilePart::bytes(&b"a"[..]),
            nested: None,
        };
        assert!(multipart_body::<_, ()>(request(), &flat, &[]).is_ok());
    }

    #[test]
    fn a_file_outside_a_form_does_not_serialize() {
        let refused = serde_json::to_string(&FilePart::bytes(&b"x"[..]));
        assert!(refused.is_err_and(|e| e.to_string().contains("multipart form")));
    }
}
