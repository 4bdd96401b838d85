//! The paging methods of a list operation: `{method}_pages`, a stream of every page with
//! its status and headers, and `{method}_stream`, a stream of every item. The model says
//! how the next page is asked for ([`PagingStyle`]) and where each part is in the body
//! ([`FieldStep`]s); this module writes the reads and decides nothing.

use super::context::{argument_type_with, ident, TypeContext};
use crate::model::{FieldStep, Operation, Pagination, PagingStyle, ResponseEncoding};
use proc_macro2::TokenStream;
use quote::quote;

pub fn render_paging(cx: &TypeContext<'_>, op: &Operation, p: &Pagination) -> TokenStream {
    let lifetime = quote!('a);
    let mut args = Vec::new();
    let mut call_args = Vec::new();
    for param in op.parameters.iter().filter(|p| p.is_positional()) {
        let arg = ident(&param.rust_name);
        let ty = argument_type_with(cx, &param.ty, Some(&lifetime));
        args.push(quote!(#arg: #ty));
        call_args.push(quote!(#arg));
    }
    let params = ident(&op.names.params);
    let has_params = op.parameters.iter().any(|p| !p.is_positional());
    if has_params {
        let params_ty = ident(&op.names.params_type);
        args.push(quote!(#params: &'a super::client::#params_ty));
        call_args.push(quote!(#params));
    }
    let item = cx.tokens(&p.item, None);
    let error = cx.tokens(&op.error_body, None);
    let body_ty = match (&op.success.body, op.success.encoding) {
        (Some(t), ResponseEncoding::Json) => cx.tokens(t, None),
        // Recognition wants a JSON body with a list in it.
        _ => quote!(()),
    };
    let headers_ty = match op.success.headers {
        Some(set) => {
            let set_name = ident(&cx.api.header_sets[set.0].name);
            quote!(super::client::#set_name)
        }
        None => quote!(()),
    };
    let l = &p.names.locals;
    let (token, page, response, count, v, next) = (
        ident(&l.token),
        ident(&l.page),
        ident(&l.response),
        ident(&l.count),
        ident(&l.value),
        ident(&l.next),
    );
    let base = ident(&op.names.method);
    let items_ref = read(&quote!(#response.body), &p.items, &v, false);
    let count_of = match &items_ref {
        Read::Plain(place) => quote!(#place.len()),
        Read::Option(option) => quote!(#option.map(Vec::len).unwrap_or(0)),
    };
    let items_owned = match read(&quote!(#response.body), &p.items, &v, true) {
        Read::Plain(place) => place,
        Read::Option(option) => quote!(#option.unwrap_or_default()),
    };
    let text_at = |steps: &[FieldStep]| read_text(&quote!(#response.body), steps, &v);
    // The page is asked for with the parameters given, the cursor in its parameter.
    let set_cursor = |param: &str| {
        let param = ident(param);
        quote! {
            let mut #page = #params.clone();
            if #token.is_some() {
                #page.#param = #token;
            }
        }
    };
    // The parameter's name on the wire, for the docs.
    let wire_of = |param: &str| {
        op.parameters
            .iter()
            .find(|q| q.rust_name == param)
            .map_or(param.to_string(), |q| q.wire_name.clone())
    };
    let base_call = |page_params: TokenStream| {
        let positional = call_args.iter().take(call_args.len().saturating_sub(1));
        quote!(self.#base(#(#positional,)* #page_params).await?)
    };
    let (how, fetch) = match &p.style {
        PagingStyle::Cursor {
            param,
            next: next_at,
            in_url,
        } => {
            let set = set_cursor(param);
            let call = base_call(quote!(&#page));
            let text = text_at(next_at);
            let read_next = match in_url {
                Some(name) => {
                    quote!(super::runtime::__private::cursor_in_url(#text, #name))
                }
                None => quote!(super::runtime::__private::non_empty(#text)),
            };
            let how = match in_url {
                Some(name) => format!(
                    "the stream asks for the next page by the `{name}` that the link to it carries"
                ),
                None => format!(
                    "the stream asks for the next page with the cursor the body gives (`{}`)",
                    path_text(next_at)
                ),
            };
            (
                how,
                quote! {
                    #set
                    let #response = #call;
                    let #count = #count_of;
                    let #next = Ok(#read_next);
                },
            )
        }
        PagingStyle::After {
            param,
            has_more,
            last_id,
            item_id,
        } => {
            let set = set_cursor(param);
            let call = base_call(quote!(&#page));
            let more = match read(&quote!(#response.body), has_more, &v, false) {
                Read::Plain(place) => quote!(#place),
                Read::Option(option) => quote!(#option.copied().unwrap_or(false)),
            };
            let last_item = match &items_ref {
                Read::Plain(place) => quote!(#place.last()),
                Read::Option(option) => quote!(#option.and_then(|#v| #v.last())),
            };
            let from_item = item_id.as_ref().map(|id| {
                let field = ident(&id.field);
                let id_text = match id.options {
                    0 => quote!(.map(|#v| #v.#field.as_str())),
                    1 => quote!(.and_then(|#v| #v.#field.as_deref())),
                    _ => quote!(.and_then(|#v| #v.#field.as_ref()).and_then(|#v| #v.as_deref())),
                };
                quote!(#last_item #id_text)
            });
            let last = match (last_id.as_ref().map(|steps| text_at(steps)), from_item) {
                (Some(given), Some(item)) => quote!(#given.or_else(|| #item)),
                (Some(given), None) => given,
                (None, Some(item)) => item,
                (None, None) => quote!(None),
            };
            let param_wire = wire_of(param);
            (
                format!(
                    "the stream asks for the next page with `{param_wire}` set to the last id read, while `{}` is true",
                    path_text(has_more)
                ),
                quote! {
                    #set
                    let #response = #call;
                    let #count = #count_of;
                    let #next = Ok(if #more && #count > 0 {
                        super::runtime::__private::non_empty(#last)
                    } else {
                        None
                    });
                },
            )
        }
        PagingStyle::NextUrl {
            next: next_at,
            at_method,
        } => {
            let at = ident(at_method);
            let text = text_at(next_at);
            (
                format!(
                    "the stream follows the next page's URL that the body gives (`{}`), on the base URL's origin only",
                    path_text(next_at)
                ),
                quote! {
                    let #response = self.#at(#token.as_deref(), #(#call_args),*).await?;
                    let #count = #count_of;
                    let #next = Ok(super::runtime::__private::non_empty(#text));
                },
            )
        }
        PagingStyle::LinkHeader { header, at_method } => {
            let at = ident(at_method);
            let header = ident(header);
            (
                "the stream follows the `Link` header's `rel=\"next\"` URL, on the base URL's origin only".to_string(),
                quote! {
                    let #response = self.#at(#token.as_deref(), #(#call_args),*).await?;
                    let #count = #count_of;
                    let #next = Ok(super::runtime::__private::link_next(#response.headers.#header.as_deref()));
                },
            )
        }
        PagingStyle::Offset {
            param,
            by_page,
            total,
        } => {
            let field = ident(param);
            let call = base_call(quote!(&#page));
            let first = if *by_page { quote!(1) } else { quote!(0) };
            let step = if *by_page { quote!(1) } else { quote!(#count) };
            let param_wire = wire_of(param);
            // Only an offset counts items, so only an offset can be compared with a total
            // count of items.
            let done = match (total, by_page) {
                (Some(total), false) => {
                    let total = match read(&quote!(#response.body), total, &v, false) {
                        Read::Plain(place) => quote!(Some(&#place)),
                        Read::Option(option) => option,
                    };
                    quote!(super::runtime::__private::reached(#v, #total))
                }
                _ => quote!(false),
            };
            let how = if *by_page {
                format!(
                    "the stream asks for page after page by `{param_wire}`, until a page is empty"
                )
            } else {
                format!("the stream moves `{param_wire}` past the items read, until a page is empty or the total is reached")
            };
            (
                how,
                quote! {
                    let mut #page = #params.clone();
                    if let Some(#token) = #token.as_deref() {
                        #page.#field = Some(super::runtime::__private::offset_value::<_, #error>(#token)?);
                    }
                    let #response = #call;
                    let #count = #count_of;
                    // An offset past its type ends the stream after this page.
                    let #next = if #count == 0 {
                        Ok(None)
                    } else {
                        super::runtime::__private::advance_offset::<_, #error>(#page.#field.unwrap_or(#first), #step)
                            .map(|#v| if #done { None } else { Some(#v.to_string()) })
                    };
                },
            )
        }
    };
    let base_name = &op.names.method;
    let pages_name = ident(&p.names.pages);
    let items_name = ident(&p.names.items);
    let pages_doc = format!(
        " Every page of [`Client::{base_name}`](super::Client::{base_name}), with its status and \
         headers: {how}. The stream ends after the last page, or after yielding an error \
         (`Error::Paging` when it stops before the last page: a page limit, a page named twice, \
         endless empty pages, a page on another origin, an offset past its type)."
    );
    let items_doc = format!(
        " Every item of [`Client::{base_name}`](super::Client::{base_name}), page after page \
         (see [`Client::{0}`](super::Client::{0})).",
        p.names.pages
    );
    // The streams of a deprecated operation are deprecated too, and call it knowingly.
    let deprecated = if op.deprecated {
        quote!(#[deprecated] #[allow(deprecated)])
    } else {
        quote!()
    };
    quote! {
        #[doc = #pages_doc]
        #deprecated
        pub fn #pages_name<'a>(
            &'a self,
            #(#args,)*
        ) -> impl super::runtime::__private::Stream<
            Item = Result<super::runtime::ApiResponse<#body_ty, #headers_ty>, super::runtime::Error<#error>>,
        > + 'a {
            super::runtime::__private::pages(
                super::runtime::__private::page_limit(&self.runtime),
                move |#token: Option<String>| async move {
                    #fetch
                    Ok((#response, #count, #next))
                },
            )
        }

        #[doc = #items_doc]
        #deprecated
        pub fn #items_name<'a>(
            &'a self,
            #(#args,)*
        ) -> impl super::runtime::__private::Stream<Item = Result<#item, super::runtime::Error<#error>>> + 'a {
            super::runtime::__private::page_items(
                self.#pages_name(#(#call_args),*),
                |#response: super::runtime::ApiResponse<#body_ty, #headers_ty>| #items_owned,
            )
        }
    }
}

/// A read of a value inside a page: a place (`response.body.data`) or an `Option` of it.
enum Read {
    Plain(TokenStream),
    Option(TokenStream),
}

/// The read of the value at `steps` from `start`: owned (the body is consumed) or by
/// reference (`Option<&T>`). Each step's `Option`s are unwrapped as the field has them.
fn read(start: &TokenStream, steps: &[FieldStep], v: &proc_macro2::Ident, owned: bool) -> Read {
    let mut at = Read::Plain(start.clone());
    for step in steps {
        let field = ident(&step.field);
        at = match (at, step.options, owned) {
            (Read::Plain(place), 0, _) => Read::Plain(quote!(#place.#field)),
            (Read::Plain(place), 1, true) => Read::Option(quote!(#place.#field)),
            (Read::Plain(place), 1, false) => Read::Option(quote!(#place.#field.as_ref())),
            (Read::Plain(place), _, true) => Read::Option(quote!(#place.#field.flatten())),
            (Read::Plain(place), _, false) => {
                Read::Option(quote!(#place.#field.as_ref().and_then(|#v| #v.as_ref())))
            }
            (Read::Option(option), 0, true) => Read::Option(quote!(#option.map(|#v| #v.#field))),
            (Read::Option(option), 0, false) => Read::Option(quote!(#option.map(|#v| &#v.#field))),
            (Read::Option(option), 1, true) => {
                Read::Option(quote!(#option.and_then(|#v| #v.#field)))
            }
            (Read::Option(option), 1, false) => {
                Read::Option(quote!(#option.and_then(|#v| #v.#field.as_ref())))
            }
            (Read::Option(option), _, true) => {
                Read::Option(quote!(#option.and_then(|#v| #v.#field).flatten()))
            }
            (Read::Option(option), _, false) => Read::Option(
                quote!(#option.and_then(|#v| #v.#field.as_ref()).and_then(|#v| #v.as_ref())),
            ),
        };
    }
    at
}

/// The read of a string at `steps` as an `Option<&str>`.
fn read_text(start: &TokenStream, steps: &[FieldStep], v: &proc_macro2::Ident) -> TokenStream {
    let Some((last, before)) = steps.split_last() else {
        return quote!(Some(#start.as_str()));
    };
    let field = ident(&last.field);
    match (read(start, before, v, false), last.options) {
        (Read::Plain(place), 0) => quote!(Some(#place.#field.as_str())),
        (Read::Plain(place), 1) => quote!(#place.#field.as_deref()),
        (Read::Plain(place), _) => quote!(#place.#field.as_ref().and_then(|#v| #v.as_deref())),
        (Read::Option(option), 0) => quote!(#option.map(|#v| #v.#field.as_str())),
        (Read::Option(option), 1) => quote!(#option.and_then(|#v| #v.#field.as_deref())),
        (Read::Option(option), _) => {
            quote!(#option.and_then(|#v| #v.#field.as_ref()).and_then(|#v| #v.as_deref()))
        }
    }
}

/// A path of fields as the docs show it: `metadata.next`.
fn path_text(steps: &[FieldStep]) -> String {
    steps
        .iter()
        .map(|s| s.field.as_str())
        .collect::<Vec<_>>()
        .join(".")
}
