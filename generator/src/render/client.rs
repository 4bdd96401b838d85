//! The client module: one async method per operation, the structs for optional
//! parameters, and the typed response header sets.

use super::context::{argument_type, ident, TypeContext};
use super::docs::doc_attrs;
use crate::model::{
    BodyEncoding, EventBody, EventFormat, HeaderKind, HeaderSet, HttpMethod, Operation, ParamStyle,
    Parameter, ParameterLocation, PathSegment, RequestBody, ResponseEncoding, TypeRef,
};
use proc_macro2::TokenStream;
use quote::quote;

pub fn render_client(cx: &TypeContext<'_>) -> TokenStream {
    let api = cx.api;
    let default_url = api.default_server.clone().unwrap_or_default();
    let gates = api.features.as_ref();
    let op_cfg = |i: usize| {
        super::features::cfg_attr(
            gates,
            gates.and_then(|g| g.operations.get(i)).map(Vec::as_slice),
        )
    };
    let header_sets = api.header_sets.iter().enumerate().map(|(i, set)| {
        let needed = gates
            .and_then(|g| g.header_sets.get(i))
            .and_then(Option::as_deref);
        super::features::gate_items(
            render_header_set(set),
            &super::features::cfg_attr(gates, needed),
        )
    });
    let params = api.operations.iter().enumerate().filter_map(|(i, op)| {
        render_params(cx, op).map(|items| super::features::gate_items(items, &op_cfg(i)))
    });
    let methods = api.operations.iter().enumerate().map(|(i, op)| {
        let stream = op
            .findings
            .pagination
            .as_ref()
            .map(|p| super::paging::render_paging(cx, op, p));
        let at = op
            .findings
            .pagination
            .as_ref()
            .and_then(|p| p.style.at_method())
            .map(|_| render_method(cx, op, Twin::At));
        let method = render_method(cx, op, Twin::Plain);
        let byte_stream = op
            .names
            .streaming
            .as_ref()
            .map(|_| render_method(cx, op, Twin::ByteStream));
        let events = op
            .names
            .events
            .as_ref()
            .map(|_| render_method(cx, op, Twin::Events));
        // The upload twin is the operation's method with the multipart body in place of
        // the one the method sends.
        let upload = op.upload.as_ref().map(|body| {
            let upload = Operation {
                request_body: Some(body.clone()),
                ..op.clone()
            };
            render_method(cx, &upload, Twin::Upload)
        });
        super::features::gate_methods(
            quote!(#method #stream #at #byte_stream #events #upload),
            &op_cfg(i),
        )
    });
    let token_url = api.security_schemes.iter().find_map(|s| match s {
        crate::model::SecurityScheme::OAuth2ClientCredentials { token_url, .. } => {
            Some(token_url.clone())
        }
        _ => None,
    });
    let (token_url_value, token_url_doc) = match &token_url {
        Some(url) => (quote!(Some(#url)), " The OAuth2 token endpoint the spec names; [`ClientBuilder::token_url`](super::ClientBuilder::token_url) overrides it."),
        None => (quote!(None), " The spec names no OAuth2 token endpoint."),
    };
    let url_doc = match (&api.default_server, &api.relative_server) {
        (Some(_), _) => " The server the spec names first; [`ClientBuilder::base_url`](super::ClientBuilder::base_url) overrides it.".to_string(),
        (None, Some(relative)) => format!(
            " The spec names its server relative to where the spec is served (`{relative}`), so a base URL must be set with [`ClientBuilder::base_url`](super::ClientBuilder::base_url): the server's address followed by that path."
        ),
        (None, None) => " The spec names no server, so a base URL must be set with [`ClientBuilder::base_url`](super::ClientBuilder::base_url).".to_string(),
    };
    quote! {
        #[doc = #url_doc]
        pub const DEFAULT_BASE_URL: &str = #default_url;

        #[doc = #token_url_doc]
        pub const DEFAULT_TOKEN_URL: Option<&str> = #token_url_value;

        /// The builder of a [`Client`].
        pub type ClientBuilder = super::runtime::ClientBuilder<Client>;

        /// A client of this API: one async method per operation. Cloning is cheap, and
        /// clones share their connections and tokens.
        ///
        /// Clients of several APIs can share one [`runtime::Client`](super::runtime::Client)
        /// (its credentials and their OAuth2 tokens, its `reqwest` client, its retry policy)
        /// through `From`, or be built from clones of one [`Credentials`](super::runtime::Credentials)
        /// value, which share its tokens.
        #[derive(Clone, Debug)]
        pub struct Client {
            runtime: super::runtime::Client,
        }

        impl From<super::runtime::Client> for Client {
            fn from(runtime: super::runtime::Client) -> Self {
                Client { runtime }
            }
        }

        impl Client {
            /// A builder for a client of this API, starting from [`DEFAULT_BASE_URL`].
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(DEFAULT_BASE_URL, DEFAULT_TOKEN_URL)
            }

            /// A client for [`DEFAULT_BASE_URL`] with these credentials and default settings.
            pub fn new(credentials: super::runtime::Credentials) -> Result<Self, super::runtime::BuildError> {
                Self::builder().credentials(credentials).build()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.runtime.base_url()
            }

            /// The runtime client underneath, to share with clients of other APIs.
            pub fn runtime(&self) -> &super::runtime::Client {
                &self.runtime
            }

            #(#methods)*
        }

        #(#params)*
        #(#header_sets)*
    }
}

/// The struct of an operation's optional query and header parameters, if it has any.
fn render_params(cx: &TypeContext<'_>, op: &Operation) -> Option<TokenStream> {
    let optional: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| !p.is_positional())
        .collect();
    if optional.is_empty() {
        return None;
    }
    let name = ident(&op.names.params_type);
    let method = &op.names.method;
    let doc = format!(" Optional parameters of [`Client::{method}`](super::Client::{method}).");
    let fields = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let pdoc = doc_attrs(p.doc.as_deref());
        let ty = cx.tokens(p.ty.non_null(), None);
        quote! {
            #pdoc
            pub #field: Option<#ty>,
        }
    });
    // Setters, so that `Default::default()` and a chain of them keep compiling when the
    // spec adds a parameter.
    let setters = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let setter = ident(&p.setter);
        let ty = cx.tokens(p.ty.non_null(), None);
        let doc = format!(" Sets the `{}` parameter.", p.wire_name);
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, #field: impl Into<#ty>) -> Self {
                self.#field = Some(#field.into());
                self
            }
        }
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#setters)*
        }
    })
}

fn body_argument_type(cx: &TypeContext<'_>, body: &RequestBody) -> TokenStream {
    match (body.encoding, &body.ty) {
        // Bytes in memory (`Vec<u8>`, `Bytes`) or a stream (`reqwest::Body::wrap_stream`).
        (BodyEncoding::Bytes, _) => quote!(impl Into<super::runtime::reqwest::Body>),
        (BodyEncoding::Text, _) => quote!(String),
        (_, other) => argument_type(cx, other),
    }
}

/// Which of an operation's methods to render.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Twin {
    /// The operation's method.
    Plain,
    /// The twin that gives the success body as a [`ByteStream`](super::runtime::ByteStream)
    /// instead of reading it whole.
    ByteStream,
    /// The twin a paging stream calls to fetch a page at a URL the server named.
    At,
    /// The twin that reads a stream of events (or JSON lines) the response may be.
    Events,
    /// The twin that sends the body as a multipart upload.
    Upload,
}

/// One of an operation's methods.
fn render_method(cx: &TypeContext<'_>, op: &Operation, twin: Twin) -> TokenStream {
    let streaming = twin == Twin::ByteStream;
    let at_method = op
        .findings
        .pagination
        .as_ref()
        .and_then(|p| p.style.at_method());
    let (name, mut doc_text) = match (twin, &op.names.streaming, at_method) {
        (Twin::ByteStream, Some(stream), _) => (
            ident(stream),
            format!(
                "[`Client::{0}`](super::Client::{0}), with the body as a stream of chunks, never \
                 held whole in memory (the client's body limit does not apply).",
                op.names.method
            ),
        ),
        (Twin::At, _, Some(at)) => (
            ident(at),
            format!(
                "[`Client::{0}`](super::Client::{0}), sent to `page_url` (a page the server \
                 named, on the base URL's origin) when it is given.",
                op.names.method
            ),
        ),
        (Twin::Upload, _, _) => (
            ident(op.names.upload.as_deref().unwrap_or(&op.names.method)),
            format!(
                "[`Client::{0}`](super::Client::{0}), with the body sent as a multipart \
                 upload (`multipart/form-data`), whose files are read as they are sent.",
                op.names.method
            ),
        ),
        (Twin::Events, _, _) => match (&op.names.events, &op.success.stream) {
            (Some(name), Some(stream)) => (ident(name), events_doc(op, stream)),
            _ => (ident(&op.names.method), String::new()),
        },
        _ => (ident(&op.names.method), op.doc.clone().unwrap_or_default()),
    };
    if !doc_text.is_empty() {
        doc_text.push_str("\n\n");
    }
    doc_text.push_str(&format!(
        "`{} {}` (operation `{}`).",
        op.http_method.as_str(),
        op.path,
        op.operation_id
    ));
    let mut doc = doc_attrs(Some(&doc_text));
    if twin == Twin::At {
        doc = quote!(#[doc(hidden)] #doc);
    }
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };

    let mut args = Vec::new();
    let page_url = ident(&op.names.locals.page_url);
    if twin == Twin::At {
        args.push(quote!(#page_url: Option<&str>));
    }
    for p in op.parameters.iter().filter(|p| p.is_positional()) {
        let arg = ident(&p.rust_name);
        let ty = argument_type(cx, &p.ty);
        args.push(quote!(#arg: #ty));
    }
    let has_params = op.parameters.iter().any(|p| !p.is_positional());
    if has_params {
        let params_ty = ident(&op.names.params_type);
        let params = ident(&op.names.params);
        args.push(quote!(#params: &super::client::#params_ty));
    }
    if let Some(body) = &op.request_body {
        let ty = body_argument_type(cx, body);
        let body = ident(&op.names.body);
        args.push(quote!(#body: #ty));
    }

    let l = &op.names.locals;
    let (request, response, path_local) = (ident(&l.request), ident(&l.response), ident(&l.path));
    let path = render_path(op);
    let method = http_method(op.http_method);
    let operation_id = &op.operation_id;
    let template = &op.path;
    let (basic, bearer, anonymous) = (op.accepts.basic, op.accepts.bearer, op.accepts.anonymous);
    let keys = op.accepts.keys.iter().map(|alternative| {
        let placements = alternative.iter().map(|k| {
            let (scheme, name) = (&k.scheme, &k.key_name);
            let location = match k.location {
                ParameterLocation::Header => quote!(super::runtime::__private::KeyLocation::Header),
                ParameterLocation::Cookie => quote!(super::runtime::__private::KeyLocation::Cookie),
                _ => quote!(super::runtime::__private::KeyLocation::Query),
            };
            quote!(super::runtime::__private::KeyPlacement { scheme: #scheme, location: #location, name: #name })
        });
        quote!(&[#(#placements),*])
    });
    let query = render_query(op);
    let headers = render_header_params(op);
    let cookies = render_cookie_params(op);
    let (validate, attach) = op
        .request_body
        .as_ref()
        .map(|b| render_body(cx, op, b))
        .unwrap_or_default();
    // An events method asks for the stream itself, on a copy of the body.
    let switch_on = match (twin, &op.findings.stream_switch) {
        (Twin::Events, Some(switch)) => {
            let field = ident(&switch.field);
            let value = (0..switch.options).fold(quote!(true), |v, _| quote!(Some(#v)));
            let body = ident(&op.names.body);
            quote! {
                let mut #body = #body.clone();
                #body.#field = #value;
                let #body = &#body;
            }
        }
        _ => quote!(),
    };
    let aim = if twin == Twin::At {
        quote! {
            if let Some(#page_url) = #page_url {
                #request = super::runtime::__private::at_url(&self.runtime, #request, #page_url)?;
            }
        }
    } else {
        quote!()
    };
    let changes_request = !query.is_empty()
        || !headers.is_empty()
        || !cookies.is_empty()
        || !attach.is_empty()
        || twin == Twin::At;
    let binding = if changes_request {
        quote!(let mut #request)
    } else {
        quote!(let #request)
    };

    let (ok_ty, reader) = match (&op.success.body, op.success.encoding) {
        _ if twin == Twin::Events => {
            let item = op
                .success
                .stream
                .as_ref()
                .map_or(TypeRef::Json, |s| s.item.clone());
            let item = cx.tokens(&item, None);
            (quote!(super::runtime::EventStream<#item>), quote!(events))
        }
        (None, _) => (quote!(()), quote!(read_empty)),
        (Some(_), ResponseEncoding::Bytes) if streaming => {
            (quote!(super::runtime::ByteStream), quote!(read_stream))
        }
        (Some(_), ResponseEncoding::Bytes) => {
            (quote!(super::runtime::bytes::Bytes), quote!(read_bytes))
        }
        (Some(_), ResponseEncoding::Text) => (quote!(String), quote!(read_text)),
        (Some(t), ResponseEncoding::Json) => (cx.tokens(t, None), quote!(read_json)),
    };
    let (headers_ty, headers_fn) = match op.success.headers {
        Some(set) => {
            let set_name = ident(&cx.api.header_sets[set.0].name);
            (
                quote!(super::client::#set_name),
                quote!(super::client::#set_name::from_headers),
            )
        }
        None => (quote!(()), quote!(super::runtime::__private::no_headers)),
    };
    let error_ty = cx.tokens(&op.error_body, None);
    let send = if streaming {
        quote!(send_streaming)
    } else {
        quote!(send)
    };
    // An events method sends and starts reading in one call, which keeps the request to
    // resume the stream with.
    let (send_and_read, binding_response) = match (&op.success.stream, twin) {
        (Some(stream), Twin::Events) => {
            let format = match stream.format {
                EventFormat::Sse => quote!(super::runtime::__private::EventFormat::Sse),
                EventFormat::JsonLines => quote!(super::runtime::__private::EventFormat::JsonLines),
                EventFormat::JsonSeq => quote!(super::runtime::__private::EventFormat::JsonSeq),
            };
            let decode = if stream.item.non_null() == &TypeRef::String {
                quote!(super::runtime::__private::decode_event_text)
            } else {
                quote!(super::runtime::__private::decode_event_json)
            };
            let accept = &stream.media_type;
            (
                quote!(super::runtime::__private::events(&self.runtime, OPERATION, #request, #headers_fn, #format, #accept, #decode).await),
                false,
            )
        }
        _ => (
            quote!(super::runtime::__private::#reader(#response, #headers_fn).await),
            true,
        ),
    };
    let send_statement = if binding_response {
        quote!(let #response = super::runtime::__private::#send(&self.runtime, &OPERATION, #request).await?;)
    } else {
        quote!()
    };
    quote! {
        #doc
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<
            super::runtime::ApiResponse<#ok_ty, #headers_ty>,
            super::runtime::Error<#error_ty>,
        > {
            const OPERATION: super::runtime::__private::Operation = super::runtime::__private::Operation {
                id: #operation_id,
                method: #method,
                path: #template,
                accepts: super::runtime::__private::Accepts {
                    basic: #basic,
                    bearer: #bearer,
                    anonymous: #anonymous,
                    keys: &[#(#keys),*],
                },
            };
            #switch_on
            #validate
            #path
            #binding = super::runtime::__private::request(&self.runtime, &OPERATION, #path_local);
            #query
            #aim
            #headers
            #cookies
            #attach
            #send_statement
            #send_and_read
        }
    }
}

fn http_method(m: HttpMethod) -> TokenStream {
    match m {
        HttpMethod::Get => quote!(super::runtime::reqwest::Method::GET),
        HttpMethod::Put => quote!(super::runtime::reqwest::Method::PUT),
        HttpMethod::Post => quote!(super::runtime::reqwest::Method::POST),
        HttpMethod::Delete => quote!(super::runtime::reqwest::Method::DELETE),
        HttpMethod::Options => quote!(super::runtime::reqwest::Method::OPTIONS),
        HttpMethod::Head => quote!(super::runtime::reqwest::Method::HEAD),
        HttpMethod::Patch => quote!(super::runtime::reqwest::Method::PATCH),
        HttpMethod::Trace => quote!(super::runtime::reqwest::Method::TRACE),
    }
}

/// `let path = ...;` with every path parameter encoded as one segment. The pieces are
/// joined with `concat` rather than `format!`, so no brace in a template can be misread.
fn render_path(op: &Operation) -> TokenStream {
    let pieces = op.path_segments.iter().map(|segment| {
        let index = match segment {
            PathSegment::Literal(text) => return quote!(#text),
            PathSegment::Parameter(index) => *index,
        };
        let Some(p) = op.parameters.get(index) else {
            // A model built by hand may point past its parameters; one resolved from a spec
            // never does.
            return quote!(compile_error!("a path segment names no parameter"));
        };
        let (wire, arg) = (&p.wire_name, ident(&p.rust_name));
        let plain_text = p.style == ParamStyle::Simple
            && p.content.is_none()
            && matches!(p.ty.non_null(), TypeRef::String);
        if plain_text {
            // The common case, a string in a simple segment, without a detour through JSON.
            quote!(&super::runtime::__private::path_segment(#wire, #arg)?)
        } else {
            let value = param_value(p, &quote!(&#arg));
            let style = runtime_style(p.style);
            let explode = p.explode;
            quote!(&super::runtime::__private::path_param(#wire, #value, #style, #explode)?)
        }
    });
    // The pieces are joined by the runtime, after the base URL, into the one string the
    // request needs.
    let path = ident(&op.names.locals.path);
    quote!(let #path: &[&str] = &[#(#pieces),*];)
}

fn render_query(op: &Operation) -> TokenStream {
    let query: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Query)
        .collect();
    if query.is_empty() {
        return quote!();
    }
    let l = &op.names.locals;
    let (request, query_local, value) = (ident(&l.request), ident(&l.query), ident(&l.value));
    let params = ident(&op.names.params);
    let pushes = query.iter().map(|p| {
        let wire = &p.wire_name;
        let arg = ident(&p.rust_name);
        let style = runtime_style(p.style);
        let (explode, reserved) = (p.explode, p.allow_reserved);
        if p.is_positional() {
            let given = param_value(p, &quote!(&#arg));
            quote!(super::runtime::__private::push_query(&mut #query_local, #wire, #given, #style, #explode, #reserved)?;)
        } else {
            let given = param_value(p, &quote!(#value));
            quote! {
                if let Some(#value) = &#params.#arg {
                    super::runtime::__private::push_query(&mut #query_local, #wire, #given, #style, #explode, #reserved)?;
                }
            }
        }
    });
    quote! {
        let mut #query_local = super::runtime::__private::Query::new();
        #(#pushes)*
        #request = super::runtime::__private::with_query(#request, &#query_local)?;
    }
}

/// The runtime's name for a parameter style.
fn runtime_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Simple => quote!(super::runtime::__private::Style::Simple),
        ParamStyle::Label => quote!(super::runtime::__private::Style::Label),
        ParamStyle::Matrix => quote!(super::runtime::__private::Style::Matrix),
        ParamStyle::Form => quote!(super::runtime::__private::Style::Form),
        ParamStyle::SpaceDelimited => quote!(super::runtime::__private::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(super::runtime::__private::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(super::runtime::__private::Style::DeepObject),
    }
}

/// The value a parameter sends (a reference): as given, or, for a parameter given by
/// `content`, written in its media type first.
fn param_value(p: &Parameter, given: &TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    match p.content {
        Some(_) => quote!(&super::runtime::__private::content_text(#wire, #given)?),
        None => given.clone(),
    }
}

fn render_header_params(op: &Operation) -> TokenStream {
    let (request, value) = (
        ident(&op.names.locals.request),
        ident(&op.names.locals.value),
    );
    let params = ident(&op.names.params);
    let sets = op.parameters.iter().filter(|p| p.location == ParameterLocation::Header).map(|p| {
        let wire = &p.wire_name;
        let arg = ident(&p.rust_name);
        let explode = p.explode;
        if p.is_positional() {
            let given = param_value(p, &quote!(&#arg));
            quote!(#request = #request.header(#wire, super::runtime::__private::header_param(#wire, #given, #explode)?);)
        } else {
            let given = param_value(p, &quote!(#value));
            quote! {
                if let Some(#value) = &#params.#arg {
                    #request = #request.header(#wire, super::runtime::__private::header_param(#wire, #given, #explode)?);
                }
            }
        }
    });
    quote!(#(#sets)*)
}

/// Cookie parameters go out in one `Cookie` header, as `name=value` pairs.
fn render_cookie_params(op: &Operation) -> TokenStream {
    let cookies: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Cookie)
        .collect();
    if cookies.is_empty() {
        return quote!();
    }
    let params = ident(&op.names.params);
    let l = &op.names.locals;
    let (request, cookies_local, value) = (ident(&l.request), ident(&l.cookies), ident(&l.value));
    let pushes = cookies.iter().map(|p| {
        let wire = &p.wire_name;
        let arg = ident(&p.rust_name);
        let explode = p.explode;
        if p.is_positional() {
            let given = param_value(p, &quote!(&#arg));
            quote!(super::runtime::__private::push_cookie(&mut #cookies_local, #wire, #given, #explode)?;)
        } else {
            let given = param_value(p, &quote!(#value));
            quote! {
                if let Some(#value) = &#params.#arg {
                    super::runtime::__private::push_cookie(&mut #cookies_local, #wire, #given, #explode)?;
                }
            }
        }
    });
    quote! {
        let mut #cookies_local: Vec<String> = Vec::new();
        #(#pushes)*
        #request = super::runtime::__private::with_cookies(#request, &#cookies_local)?;
    }
}

/// The statement that validates the body (first, so that nothing is built or sent when
/// it fails) and the one that attaches it to the request.
fn render_body(
    cx: &TypeContext<'_>,
    op: &Operation,
    body: &RequestBody,
) -> (TokenStream, TokenStream) {
    let request = ident(&op.names.locals.request);
    let content_type = &body.content_type;
    let argument = ident(&op.names.body);
    let validate = match (&body.ty, body.encoding) {
        (TypeRef::Named(id), _) if cx.validatable(*id) => {
            quote!(super::runtime::__private::validate(#argument)?;)
        }
        _ => quote!(),
    };
    // Serializers take the body by reference; small values are passed by value.
    let body_ref = if cx.api.passed_by_value(&body.ty) {
        quote!(&#argument)
    } else {
        quote!(#argument)
    };
    let attach = match body.encoding {
        BodyEncoding::Json => {
            quote!(#request = super::runtime::__private::json_body(#request, #content_type, #body_ref)?;)
        }
        BodyEncoding::Form => {
            let fields = body.form_fields.iter().map(|f| {
                let (name, style) = (&f.name, runtime_style(f.style));
                let (explode, reserved, json) = (f.explode, f.allow_reserved, f.json);
                quote! {
                    super::runtime::__private::FormField {
                        name: #name,
                        style: #style,
                        explode: #explode,
                        allow_reserved: #reserved,
                        json: #json,
                    },
                }
            });
            quote!(#request = super::runtime::__private::form_body(#request, #body_ref, &[#(#fields)*])?;)
        }
        BodyEncoding::Multipart => {
            let fields = body.form_fields.iter().map(|f| {
                let name = &f.name;
                let content_type = match &f.content_type {
                    Some(t) => quote!(Some(#t)),
                    None => quote!(None),
                };
                let headers = f.headers.iter().map(|(n, v)| quote!((#n, #v)));
                quote!(super::runtime::__private::MultipartField { name: #name, content_type: #content_type, headers: &[#(#headers),*] },)
            });
            quote!(#request = super::runtime::__private::multipart_body(#request, #body_ref, &[#(#fields)*])?;)
        }
        BodyEncoding::Text => {
            quote!(#request = #request.header(super::runtime::reqwest::header::CONTENT_TYPE, #content_type).body(#argument);)
        }
        BodyEncoding::Bytes => {
            quote!(#request = #request.header(super::runtime::reqwest::header::CONTENT_TYPE, #content_type).body(#argument.into());)
        }
    };
    (validate, attach)
}

fn render_header_set(set: &HeaderSet) -> TokenStream {
    let name = ident(&set.name);
    let fields = set.headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let doc = doc_attrs(h.doc.as_deref());
        let ty = match h.kind {
            HeaderKind::String => quote!(String),
            HeaderKind::Integer => quote!(i64),
            HeaderKind::Number => quote!(f64),
            HeaderKind::Boolean => quote!(bool),
            HeaderKind::Seconds => quote!(::std::time::Duration),
        };
        quote! {
            #doc
            pub #field: Option<#ty>,
        }
    });
    let reads = set.headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let wire = h.wire_name.to_ascii_lowercase();
        let reader = match h.kind {
            HeaderKind::String => quote!(header_string),
            HeaderKind::Integer => quote!(header_integer),
            HeaderKind::Number => quote!(header_number),
            HeaderKind::Boolean => quote!(header_boolean),
            HeaderKind::Seconds => quote!(header_seconds),
        };
        quote!(#field: super::runtime::__private::#reader(headers, #wire),)
    });
    let name_text = set.name.as_str();
    let debug_fields = set.headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let field_text = h.rust_name.as_str();
        let wire = &h.wire_name;
        quote!((#field_text, #wire, &self.#field),)
    });
    quote! {
        /// Response headers the spec documents. A header that is absent or malformed is `None`.
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        /// A header whose name says it may hold a secret (a cookie, a token, a key) shows
        /// `"***"` for its value.
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                super::runtime::__private::debug_header_set(f, #name_text, &[#(#debug_fields)*])
            }
        }

        impl #name {
            #[doc(hidden)]
            pub fn from_headers(headers: &super::runtime::reqwest::header::HeaderMap) -> Self {
                Self { #(#reads)* }
            }
        }
    }
}

/// The docs of an events method: what it reads, and how to ask for the stream.
fn events_doc(op: &Operation, stream: &EventBody) -> String {
    let what = match stream.format {
        EventFormat::Sse => "the answer as a stream of server-sent events",
        EventFormat::JsonLines | EventFormat::JsonSeq => {
            "the answer as a stream of JSON values, one per line"
        }
    };
    let mut doc = format!(
        "[`Client::{0}`](super::Client::{0}), reading {what} (`{1}`), each decoded as it \
         arrives and never held whole.",
        op.names.method, stream.media_type
    );
    if let Some(switch) = &op.findings.stream_switch {
        doc.push_str(&format!(
            " It sends the body with `{}` set to `true`, which asks the server to stream.",
            switch.wire_name
        ));
    }
    doc
}
