//! The intermediate model: plain Rust data that describes the client to render.
//!
//! Nothing here refers to `openapiv3`, `syn` or `quote`, so tests can build a model by
//! hand and render it. Types live in an arena ([`Api::types`]) and refer to each other by
//! [`TypeId`], which lets recursive schemas refer to themselves without ownership cycles.

mod features;
mod stage;
#[cfg(test)]
pub(crate) mod testing;
mod types;

pub use features::{FeatureGates, TagFeature};
pub use stage::{
    MethodLocals, MethodNames, Named, PagingNames, RustName, Stage, StreamLocals, TypeHint,
    Unnamed, VariantHint,
};
pub use types::*;

/// Everything the renderer needs to write one client crate.
///
/// `F` is what each operation holds of what is learned from the finished types
/// ([`Findings`]); while resolve is still building the types, operations hold `()` there.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Api<S: Stage = Named, F = Findings<S>> {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// A short summary of the API (OpenAPI 3.1 `info.summary`).
    pub summary: Option<String>,
    /// The first server URL of the document (server variables set to their defaults),
    /// used as the client's default base URL.
    pub default_server: Option<String>,
    /// The first server URL when it is relative (`/api/v3`): relative to wherever the
    /// document is served, so it cannot be a default, but the base URL must end with it.
    pub relative_server: Option<String>,
    pub types: Vec<TypeDef<S>>,
    /// Response header sets, shared by every response that documents the same headers.
    pub header_sets: Vec<HeaderSet<S>>,
    pub operations: Vec<Operation<S, F>>,
    /// The requests the API sends to its users' endpoints (OpenAPI 3.1 `webhooks`).
    pub webhooks: Vec<Webhook<S>>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Examples the spec gives for response bodies and component schemas, with the type
    /// they should decode into.
    pub examples: Vec<Example>,
    /// Structs that are two views of one component schema: (the request-side view, the
    /// response-side view), e.g. `PluginRequest` and `Plugin`. A value read from the API
    /// converts into the request type, dropping its read-only properties.
    pub request_views: Vec<(TypeId, TypeId)>,
    /// Inline schemas written the same way in several places are one type: the JSON
    /// pointer of each place whose type was folded into another, and the pointer of the
    /// schema whose type it became. The change report uses it to say where a type went.
    pub merged_types: Vec<(String, String)>,
    /// Cargo features gating the API by tag, when the crate is generated with them.
    pub features: Option<FeatureGates>,
}

/// What paging was found for an operation, or why one that looks like a list does not
/// page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingNote {
    pub operation_id: String,
    pub note: String,
}

/// One example value from the spec and the type it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example is written.
    pub pointer: String,
    pub ty: TypeRef,
    pub value: serde_json::Value,
    /// How the example breaks its own schema, if it does; such an example is not expected
    /// to decode and is listed rather than checked.
    pub problem: Option<String>,
}

impl Api {
    /// Which operations page and how, and why some that look like lists do not, in
    /// operation order: the generate summary lists them.
    pub fn paging_notes(&self) -> Vec<PagingNote> {
        self.operations
            .iter()
            .filter_map(|op| {
                let note = match (&op.findings.pagination, &op.findings.unpaged) {
                    (Some(p), _) => format!(
                        "pages by {}{}: `{}`, `{}`",
                        p.style.name(),
                        if p.declared { " (declared)" } else { "" },
                        p.names.items,
                        p.names.pages
                    ),
                    (None, Some(why)) => why.clone(),
                    (None, None) => return None,
                };
                Some(PagingNote {
                    operation_id: op.operation_id.clone(),
                    note,
                })
            })
            .collect()
    }
}

impl<S: Stage, F> Api<S, F> {
    /// Pairs (from, to) where `to` holds `from` again by value, directly or through other
    /// types: those references are boxed. Containers (arrays, maps) break the chain. `to`
    /// reaches `from` exactly when both are in one strongly connected component of the
    /// by-value graph, so one pass over the graph finds them all.
    pub fn recursive_edges(&self) -> std::collections::BTreeSet<(TypeId, TypeId)> {
        let by_value: Vec<Vec<TypeId>> = self.types.iter().map(by_value_children).collect();
        let component = strong_components(&by_value);
        let mut out = std::collections::BTreeSet::new();
        for (i, children) in by_value.iter().enumerate() {
            for &c in children {
                if component.get(c.0).is_some_and(|&k| k == component[i]) {
                    out.insert((TypeId(i), c));
                }
            }
        }
        out
    }

    /// The types each type names in its fields, items, additional properties and
    /// variants, by type.
    pub fn named_children(&self) -> Vec<Vec<TypeId>> {
        self.types
            .iter()
            .map(|def| {
                let mut out = Vec::new();
                def.kind.named_ids(&mut out);
                out
            })
            .collect()
    }

    /// The request-side types whose values have rules to check before they are sent: a
    /// constraint on a field of their own, or a type they hold that has one. Only these
    /// implement `garde::Validate`; for the others a check could find nothing.
    pub fn checked_types(&self) -> std::collections::BTreeSet<TypeId> {
        let mut checked: std::collections::BTreeSet<TypeId> = self
            .types
            .iter()
            .enumerate()
            .filter(|(_, def)| {
                def.validated
                    && matches!(&def.kind, TypeKind::Struct(s)
                        if s.fields.iter().any(|f| !f.constraints.is_empty()))
            })
            .map(|(i, _)| TypeId(i))
            .collect();
        let children = self.named_children();
        // Until nothing changes: a holder of a checked type is checked.
        loop {
            let before = checked.len();
            for (i, def) in self.types.iter().enumerate() {
                if def.validated && children[i].iter().any(|c| checked.contains(c)) {
                    checked.insert(TypeId(i));
                }
            }
            if checked.len() == before {
                return checked;
            }
        }
    }

    /// Whether a method takes an argument of this type by value (small `Copy` values:
    /// numbers, flags and string enums), rather than by reference.
    pub fn passed_by_value(&self, t: &TypeRef) -> bool {
        match t.non_null() {
            TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean => true,
            TypeRef::Named(id) => self
                .type_def(*id)
                .is_some_and(|d| matches!(d.kind, TypeKind::Enum(_))),
            _ => false,
        }
    }

    /// The type an id names; `None` for an id that is not in this model (a model built by
    /// hand may hold one).
    pub fn type_def(&self, id: TypeId) -> Option<&TypeDef<S>> {
        self.types.get(id.0)
    }
}

/// One HTTP operation: becomes one async method on the client.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation<S: Stage = Named, F = Findings<S>> {
    /// Where the operation sits in the spec, as a JSON pointer.
    pub origin: String,
    /// The spec's operationId (or a name derived from method and path when absent).
    pub operation_id: String,
    /// The spec's tags of the operation, in order.
    pub tags: Vec<String>,
    pub http_method: HttpMethod,
    /// The path template as written in the spec, e.g. `/things/{id}`.
    pub path: String,
    /// The path template, parsed: its literal text and its parameters, in order.
    pub path_segments: Vec<PathSegment>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub parameters: Vec<Parameter<S>>,
    pub request_body: Option<RequestBody>,
    pub success: SuccessResponse,
    pub errors: Vec<ErrorResponse>,
    /// The Rust type of parsed error bodies for this operation.
    pub error_body: TypeRef,
    /// The body as a multipart upload, when the spec offers one beside the body the
    /// operation's method sends (JSON): a method of its own sends it.
    pub upload: Option<RequestBody>,
    /// Which credentials the operation's security requirements (or the document's) accept.
    pub accepts: Accepts,
    /// The names of the operation's methods, arguments and locals.
    pub names: S::Methods,
    /// What was learned about the operation from the finished types.
    pub findings: F,
}

/// What resolve learns about an operation once every type is finished, since it reads the
/// fields of its bodies: how its pages are followed, and what turns its stream on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Findings<S: Stage = Named> {
    /// How to follow the pages of a list operation, if it is one.
    pub pagination: Option<Pagination<S>>,
    /// Why an operation that looks like a list, or that the spec says pages, has no
    /// paging streams.
    pub unpaged: Option<String>,
    /// The boolean property of the request body that asks the server to stream
    /// (`stream`), when the operation answers with a stream and its body has one: the
    /// events method sets it.
    pub stream_switch: Option<StreamSwitch<S>>,
}

impl<S: Stage> Operation<S, ()> {
    /// The operation with what was learned about it from the finished types.
    pub(crate) fn with_findings(self, findings: Findings<S>) -> Operation<S> {
        // Every field moves across; the struct literal lists them all, so a field added
        // later cannot be forgotten here.
        Operation {
            origin: self.origin,
            operation_id: self.operation_id,
            tags: self.tags,
            http_method: self.http_method,
            path: self.path,
            path_segments: self.path_segments,
            doc: self.doc,
            deprecated: self.deprecated,
            parameters: self.parameters,
            request_body: self.request_body,
            success: self.success,
            errors: self.errors,
            error_body: self.error_body,
            upload: self.upload,
            accepts: self.accepts,
            names: self.names,
            findings,
        }
    }
}

impl<S: Stage> Api<S, ()> {
    /// The model with each operation's findings, which `find` reads off this model
    /// (whose types are finished).
    pub(crate) fn with_findings(
        self,
        mut find: impl FnMut(&Self, &Operation<S, ()>) -> Findings<S>,
    ) -> Api<S> {
        let findings: Vec<Findings<S>> = self.operations.iter().map(|op| find(&self, op)).collect();
        Api {
            title: self.title,
            version: self.version,
            description: self.description,
            summary: self.summary,
            default_server: self.default_server,
            relative_server: self.relative_server,
            types: self.types,
            header_sets: self.header_sets,
            operations: self
                .operations
                .into_iter()
                .zip(findings)
                .map(|(op, found)| op.with_findings(found))
                .collect(),
            webhooks: self.webhooks,
            security_schemes: self.security_schemes,
            examples: self.examples,
            request_views: self.request_views,
            merged_types: self.merged_types,
            features: self.features,
        }
    }
}

/// A webhook: a request the API sends to an endpoint of its user's. The receiver decodes
/// its body and answers with the response the spec describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook<S: Stage = Named> {
    /// The webhook's name in the spec.
    pub name: String,
    pub http_method: HttpMethod,
    /// The Rust name of the function that decodes its body.
    pub function_name: S::FunctionName,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// The request the API sends; `None` when it has no body.
    pub body: Option<RequestBody>,
    /// The type of the body the receiver answers with on success, if the spec gives one.
    pub response: Option<TypeRef>,
}

/// Which credentials an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Accepts {
    /// HTTP basic (API keys).
    pub basic: bool,
    /// A bearer token: HTTP bearer, or an OAuth2 or OpenID Connect access token.
    pub bearer: bool,
    /// No credentials: there is no requirement, or an empty one.
    pub anonymous: bool,
    /// Alternatives made of `apiKey` schemes only, each needing a key for every scheme in
    /// it, in spec order.
    pub keys: Vec<Vec<KeyUse>>,
}

/// An `apiKey` security scheme an operation accepts: where its key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    /// The scheme's name in `components/securitySchemes`.
    pub scheme: String,
    pub location: ParameterLocation,
    /// The header, query parameter or cookie name.
    pub key_name: String,
}

/// A list operation whose pages can be followed: it gets a stream of every item and a
/// stream of every page (each with its headers).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination<S: Stage = Named> {
    /// The names of the stream methods and their locals.
    pub names: S::PagingMethods,
    /// The type of one item of the list.
    pub item: TypeRef,
    /// Where the list is in the body; empty when the body is the list.
    pub items: Vec<FieldStep<S>>,
    pub style: PagingStyle<S>,
    /// Said by the spec (`x-pagination`, or a vendor's extension) rather than recognized.
    pub declared: bool,
}

/// One step into a response body: a field, and how many `Option`s wrap it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep<S: Stage = Named> {
    pub field: S::FieldRef,
    pub options: u8,
}

/// How the next page is asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum PagingStyle<S: Stage = Named> {
    /// A cursor parameter (`param`, a field of the parameters struct) takes the value of a
    /// body field (`next`), until it is absent or empty. With `in_url`, the field is a URL
    /// that carries the cursor in the query parameter of that name (`metadata.next`).
    Cursor {
        param: S::MemberRef,
        next: Vec<FieldStep<S>>,
        in_url: Option<String>,
    },
    /// `after` (or `starting_after`) takes the last item's id (or the body's `last_id`)
    /// while the body's `has_more` is true.
    After {
        param: S::MemberRef,
        has_more: Vec<FieldStep<S>>,
        last_id: Option<Vec<FieldStep<S>>>,
        item_id: Option<FieldStep<S>>,
    },
    /// The body gives the next page's URL (`next`, `links.next`, `@odata.nextLink`); the
    /// page is fetched by `at_method`, the operation's method aimed at that URL.
    NextUrl {
        next: Vec<FieldStep<S>>,
        at_method: S::Name,
    },
    /// The `Link` response header names the next page (`rel="next"`, RFC 8288); the
    /// field of the operation's header set that holds it.
    LinkHeader {
        header: S::MemberRef,
        at_method: S::Name,
    },
    /// An offset (`by_page: false`, advanced by the items read) or a page number
    /// (`by_page: true`, advanced by one) in the integer parameter `param`, until a page
    /// is empty or the body's total is reached.
    Offset {
        param: S::MemberRef,
        by_page: bool,
        total: Option<Vec<FieldStep<S>>>,
    },
}

impl<S: Stage> PagingStyle<S> {
    /// The style's name, as the generate summary and `x-pagination` write it.
    pub fn name(&self) -> &'static str {
        match self {
            PagingStyle::Cursor {
                in_url: Some(_), ..
            } => "cursor in next URL",
            PagingStyle::Cursor { .. } => "cursor",
            PagingStyle::After { .. } => "after",
            PagingStyle::NextUrl { .. } => "next URL",
            PagingStyle::LinkHeader { .. } => "Link header",
            PagingStyle::Offset { by_page: false, .. } => "offset",
            PagingStyle::Offset { by_page: true, .. } => "page",
        }
    }

    /// The hidden method that sends the operation to a URL the server gave.
    pub fn at_method(&self) -> Option<&S::Name> {
        match self {
            PagingStyle::NextUrl { at_method, .. } | PagingStyle::LinkHeader { at_method, .. } => {
                Some(at_method)
            }
            _ => None,
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Text sent as written.
    Literal(String),
    /// A path parameter, by its place in [`Operation::parameters`].
    Parameter(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParameterLocation {
    /// The word OpenAPI's `in` uses for the location.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter<S: Stage = Named> {
    pub wire_name: String,
    pub rust_name: S::Member,
    /// The method of the parameters struct that sets the parameter when it is optional.
    pub setter: S::Member,
    pub location: ParameterLocation,
    /// How the value is written (OpenAPI `style`), and whether lists and objects are
    /// exploded (`explode`, with the specification's default for the style).
    pub style: ParamStyle,
    pub explode: bool,
    /// A query parameter whose value's reserved characters go unescaped (`allowReserved`).
    pub allow_reserved: bool,
    /// For a parameter given by `content` rather than `schema`: the media type its value
    /// is written in (JSON) before it is sent as text.
    pub content: Option<String>,
    pub required: bool,
    pub ty: TypeRef,
    pub doc: Option<String>,
}

impl<S: Stage> Parameter<S> {
    /// Whether the parameter is an argument of its method (path parameters and required
    /// ones), rather than a field of the method's optional-parameters struct.
    pub fn is_positional(&self) -> bool {
        self.location == ParameterLocation::Path || self.required
    }

    /// The parameter's name among the JSON arguments of the conformance hooks:
    /// `{in}.{name}` (`path.id`, `query.id`), since one name may serve two places.
    pub fn argument_key(&self) -> String {
        format!("{}.{}", self.location.as_str(), self.wire_name)
    }
}

/// OpenAPI `style` of a parameter: `simple`, `label` and `matrix` for path parameters,
/// `simple` for headers, `form` (and the delimited and `deepObject` styles) for query
/// parameters, `form` for cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParamStyle {
    #[default]
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub content_type: String,
    pub required: bool,
    pub encoding: BodyEncoding,
    /// For a form or multipart body: how the properties the media type's `encoding`
    /// object names are written (the others as `form`, exploded, or as their type says).
    pub form_fields: Vec<FormField>,
    /// The body's type; for a multipart body, a struct whose binary properties are
    /// [`TypeRef::File`].
    pub ty: TypeRef,
}

/// How one property of an `application/x-www-form-urlencoded` body is written.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// The property's wire name.
    pub name: String,
    pub style: ParamStyle,
    pub explode: bool,
    pub allow_reserved: bool,
    /// Whether its value is written as JSON (an `encoding` `contentType` of JSON).
    pub json: bool,
    /// The `encoding` object's `contentType`, for a multipart body's part.
    pub content_type: Option<String>,
    /// Headers the `encoding` object gives a multipart body's part, each with the value
    /// its schema fixes (`const`, one `enum` value, or `default`).
    pub headers: Vec<(String, String)>,
}

/// How a request body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON, including vendor `+json` types such as JSON Patch.
    Json,
    /// `application/x-www-form-urlencoded`, from a typed struct.
    Form,
    /// `multipart/form-data`, one part per property of a typed struct.
    Multipart,
    /// `text/*`, from a string.
    Text,
    /// Anything else (`application/octet-stream`, images, ...), as raw bytes.
    Bytes,
}

/// The response the method returns on success: the first documented 2xx status.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessResponse {
    /// `None` when the response has no body (for example 204 No Content).
    pub body: Option<TypeRef>,
    /// How the body is read.
    pub encoding: ResponseEncoding,
    pub headers: Option<HeaderSetId>,
    /// A stream of events the response may be instead (`text/event-stream`, JSON Lines),
    /// read by its own method.
    pub stream: Option<EventBody>,
}

/// A success response read as a stream of events or JSON lines.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBody {
    pub format: EventFormat,
    /// The media type as the spec writes it.
    pub media_type: String,
    /// The type of each event's data (each line's value); a string is kept as text.
    pub item: TypeRef,
}

/// The request body's property that turns streaming on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSwitch<S: Stage = Named> {
    pub wire_name: String,
    /// The body struct's field.
    pub field: S::FieldRef,
    /// How many `Option`s wrap the field's `bool` (optional, nullable, or both).
    pub options: u8,
}

/// The wire format of a stream of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFormat {
    /// `text/event-stream` (server-sent events).
    Sse,
    /// `application/jsonl`, `application/x-ndjson`: one JSON text per line.
    JsonLines,
    /// `application/json-seq` (RFC 7464).
    JsonSeq,
}

/// How a response body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseEncoding {
    /// JSON (also vendor `+json` types), decoded into the body's type; a schema of type
    /// string is a JSON string, quotes and escapes included.
    #[default]
    Json,
    /// `text/*`, read as a string.
    Text,
    /// Anything else, read as raw bytes.
    Bytes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The body documented for the error status, if any.
    pub body: Option<TypeRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HeaderSetId(pub usize);

/// A named struct of typed response headers.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderSet<S: Stage = Named> {
    pub name: S::Name,
    pub headers: Vec<ResponseHeader<S>>,
    /// The operationIds whose success response documents exactly these headers.
    pub used_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader<S: Stage = Named> {
    /// The header name as the spec writes it.
    pub wire_name: String,
    pub rust_name: S::Member,
    pub kind: HeaderKind,
    pub doc: Option<String>,
}

/// How a response header value is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    String,
    Integer,
    Number,
    Boolean,
    /// A count of seconds from now, exposed as `std::time::Duration`.
    Seconds,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SecurityScheme {
    HttpBasic {
        name: String,
    },
    /// A bearer token: HTTP bearer, or OAuth2 (flows other than client credentials) and
    /// OpenID Connect, whose tokens the caller obtains.
    HttpBearer {
        name: String,
    },
    OAuth2ClientCredentials {
        name: String,
        token_url: String,
    },
    /// An `apiKey` scheme: a key in a header, query parameter or cookie.
    ApiKey {
        name: String,
        location: ParameterLocation,
        key_name: String,
    },
}

impl SecurityScheme {
    /// The scheme's name in `components/securitySchemes`.
    pub fn name(&self) -> &str {
        match self {
            SecurityScheme::HttpBasic { name, .. }
            | SecurityScheme::HttpBearer { name, .. }
            | SecurityScheme::OAuth2ClientCredentials { name, .. }
            | SecurityScheme::ApiKey { name, .. } => name,
        }
    }
}

impl<S: Stage, F> Api<S, F> {
    /// Whether some operation takes a multipart upload: the crate then needs the runtime's
    /// multipart support.
    pub fn has_multipart(&self) -> bool {
        self.operations.iter().any(|op| {
            op.upload.is_some()
                || op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.encoding == BodyEncoding::Multipart)
        })
    }

    /// Calls `f` on every type reference held outside the type definitions: parameters,
    /// bodies, error bodies and event items of operations, webhook bodies, and examples
    /// (not the paging items among an operation's findings).
    pub fn for_each_operation_ref_mut(&mut self, f: &mut dyn FnMut(&mut TypeRef)) {
        for op in &mut self.operations {
            for p in &mut op.parameters {
                f(&mut p.ty);
            }
            if let Some(b) = &mut op.request_body {
                f(&mut b.ty);
            }
            if let Some(b) = &mut op.upload {
                f(&mut b.ty);
            }
            if let Some(b) = &mut op.success.body {
                f(b);
            }
            if let Some(stream) = &mut op.success.stream {
                f(&mut stream.item);
            }
            for e in &mut op.errors {
                if let Some(b) = &mut e.body {
                    f(b);
                }
            }
            f(&mut op.error_body);
        }
        for hook in &mut self.webhooks {
            if let Some(b) = &mut hook.body {
                f(&mut b.ty);
            }
            if let Some(t) = &mut hook.response {
                f(t);
            }
        }
        for example in &mut self.examples {
            f(&mut example.ty);
        }
    }
}

impl<S: Stage> Api<S> {
    /// The model with every typed string format read as a plain string (the generator's
    /// `string_formats` setting, for users who want the text as the server sent it).
    pub fn with_string_formats(mut self) -> Self {
        let mut erase = |t: &mut TypeRef| {
            if matches!(t, TypeRef::Format(_)) {
                *t = TypeRef::String;
            }
        };
        for def in &mut self.types {
            def.kind.for_each_leaf_mut(&mut erase);
        }
        self.for_each_operation_ref_mut(&mut |t| t.for_each_leaf_mut(&mut erase));
        for op in &mut self.operations {
            if let Some(p) = &mut op.findings.pagination {
                p.item.for_each_leaf_mut(&mut erase);
            }
        }
        self
    }
}

fn by_value_children<S: Stage>(def: &TypeDef<S>) -> Vec<TypeId> {
    fn direct(t: &TypeRef, out: &mut Vec<TypeId>) {
        match t {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Open(inner) | TypeRef::Nullable(inner) => direct(inner, out),
            TypeRef::Tuple(items) => items.iter().for_each(|t| direct(t, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| direct(&f.ty, &mut out)),
        TypeKind::Tagged(t) => out.extend(t.variants.iter().map(|v| v.ty)),
        TypeKind::Untagged(u) => u.variants.iter().for_each(|v| direct(&v.ty, &mut out)),
        TypeKind::Alias(t) => direct(t, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// The strongly connected component of each node (Tarjan's algorithm, with an explicit
/// stack, so that a long chain of types cannot exhaust the thread's). Edges to nodes
/// outside the graph are ignored.
fn strong_components(graph: &[Vec<TypeId>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = graph.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        // Each entry: a node, and how many of its children have been looked at.
        let mut work = vec![(root, 0usize)];
        while let Some(top) = work.last_mut() {
            let (v, position) = *top;
            if let Some(w) = graph[v].get(position).map(|t| t.0) {
                top.1 += 1;
                if w >= n {
                    continue;
                }
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holding(name: &str, fields: &[TypeRef]) -> TypeDef {
        TypeDef {
            name: name.into(),
            origin: String::new(),
            doc: None,
            validated: false,
            kind: TypeKind::Struct(StructDef {
                fields: fields
                    .iter()
                    .enumerate()
                    .map(|(i, ty)| Field {
                        wire_name: format!("f{i}"),
                        rust_name: RustName::new(format!("f{i}")),
                        setter: RustName::new(format!("with_f{i}")),
                        ty: ty.clone(),
                        required: true,
                        doc: None,
                        constraints: Constraints::default(),
                    })
                    .collect(),
                additional: None,
            }),
        }
    }

    #[test]
    fn recursive_edges_are_the_references_inside_a_cycle() {
        let named = |i| TypeRef::Named(TypeId(i));
        let api: Api = Api {
            types: vec![
                // 0 holds itself.
                holding("Node", &[TypeRef::Nullable(Box::new(named(0)))]),
                // 1 → 2 → 3 → 1, and 1 → 4, which leads nowhere back.
                holding("A", &[named(2), named(4)]),
                holding("B", &[TypeRef::Open(Box::new(named(3)))]),
                holding("C", &[TypeRef::Tuple(vec![named(1)])]),
                holding("Leaf", &[TypeRef::String]),
                // 5 → 6 by value, 6 → 5 only through a list: a list gives a finite size.
                holding("Parent", &[named(6)]),
                holding("Child", &[TypeRef::Array(Box::new(named(5)))]),
                // 7 names a type outside the model.
                holding("Dangling", &[named(99), named(4)]),
            ],
            ..Api::default()
        };
        let edges: Vec<(usize, usize)> = api
            .recursive_edges()
            .into_iter()
            .map(|(from, to)| (from.0, to.0))
            .collect();
        assert_eq!(edges, vec![(0, 0), (1, 2), (2, 3), (3, 1)]);
    }

    #[test]
    fn plain_strings_reach_every_reference_findings_included() {
        let uuid = || TypeRef::Format(StringFormat::Uuid);
        let name = RustName::new;
        let names = MethodNames {
            method: name("list_things"),
            params_type: name("ListThingsParams"),
            params: name("params"),
            body: name("body"),
            streaming: None,
            events: None,
            upload: None,
            locals: MethodLocals {
                request: name("request"),
                response: name("response"),
                path: name("path"),
                query: name("query"),
                cookies: name("cookies"),
                value: name("value"),
                page_url: name("page_url"),
            },
        };
        let mut op = super::testing::operation::<Named>("listThings", names);
        op.success.body = Some(TypeRef::Array(Box::new(uuid())));
        op.findings.pagination = Some(Pagination {
            names: PagingNames {
                items: name("list_things_stream"),
                pages: name("list_things_pages"),
                locals: StreamLocals {
                    token: name("token"),
                    page: name("page"),
                    response: name("response"),
                    count: name("count"),
                    value: name("value"),
                    next: name("next"),
                },
            },
            item: TypeRef::Nullable(Box::new(uuid())),
            items: Vec::new(),
            style: PagingStyle::NextUrl {
                next: Vec::new(),
                at_method: name("list_things_at"),
            },
            declared: false,
        });
        let api: Api = Api {
            operations: vec![op],
            ..Api::default()
        }
        .with_string_formats();
        let op = &api.operations[0];
        assert_eq!(
            op.success.body,
            Some(TypeRef::Array(Box::new(TypeRef::String)))
        );
        assert_eq!(
            op.findings.pagination.as_ref().map(|p| &p.item),
            Some(&TypeRef::Nullable(Box::new(TypeRef::String)))
        );
    }

    #[test]
    fn checked_types_are_request_types_with_a_rule_somewhere_in_them() {
        let named = |i| TypeRef::Named(TypeId(i));
        let sent = |def: TypeDef| TypeDef {
            validated: true,
            ..def
        };
        let mut ruled = sent(holding("Ruled", &[TypeRef::String]));
        if let TypeKind::Struct(s) = &mut ruled.kind {
            s.fields[0].constraints.max_length = Some(3);
        }
        let mut read_ruled = holding("ReadRuled", &[TypeRef::String]);
        if let TypeKind::Struct(s) = &mut read_ruled.kind {
            s.fields[0].constraints.max_length = Some(3);
        }
        let api: Api = Api {
            types: vec![
                ruled,
                // Holds 0 through a list and an option, several levels up.
                sent(holding(
                    "Holder",
                    &[TypeRef::Array(Box::new(TypeRef::Nullable(Box::new(
                        named(0),
                    ))))],
                )),
                sent(holding("Outer", &[named(1)])),
                // Sent, but nothing in it has a rule.
                sent(holding("Plain", &[TypeRef::String, named(4)])),
                sent(holding("Leaf", &[TypeRef::Integer(IntegerKind::I64)])),
                // Rules on a type only read from the server are never checked.
                read_ruled,
                // A cycle with a rule-holder in it, and a cycle without one.
                sent(holding("CycleA", &[named(7), named(0)])),
                sent(holding("CycleB", &[named(6)])),
                sent(holding("LoopA", &[named(9)])),
                sent(holding("LoopB", &[named(8)])),
            ],
            ..Api::default()
        };
        let checked: Vec<usize> = api.checked_types().into_iter().map(|id| id.0).collect();
        assert_eq!(checked, vec![0, 1, 2, 6, 7]);
    }
}
