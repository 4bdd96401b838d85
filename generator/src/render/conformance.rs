//! Conformance hooks: one method on the generated `Client`, `__conformance`, that calls
//! any operation by its operationId with arguments given as JSON (by wire name, the body
//! as `body`) and says what came back. `cargo xtask conformance` drives every operation
//! of a spec through it against a mock server of the same spec. Only crates generated
//! with [`Settings::conformance_hooks`](crate::Settings::conformance_hooks) have it.
//!
//! The hooks are written here, where the signatures are known, so that the driver never
//! has to know how an argument is passed.

use super::context::{ident, TypeContext};
use crate::model::{BodyEncoding, Operation};
use proc_macro2::TokenStream;
use quote::quote;

pub fn render_conformance(cx: &TypeContext<'_>) -> TokenStream {
    // In a crate gated by tag, each operation's arm is there when its method is.
    let gates = cx.api.features.as_ref();
    let cfg = |i: usize| {
        super::features::cfg_attr(
            gates,
            gates.and_then(|g| g.operations.get(i)).map(Vec::as_slice),
        )
    };
    let arms = cx.api.operations.iter().enumerate().map(|(i, op)| {
        let cfg = cfg(i);
        let arm = operation_arm(cx, op);
        quote!(#cfg #arm)
    });
    let stream_arms = cx.api.operations.iter().enumerate().filter_map(|(i, op)| {
        let cfg = cfg(i);
        op.findings.pagination.as_ref().map(|p| {
            let arm = stream_arm(cx, op, p);
            quote!(#cfg #arm)
        })
    });
    quote! {
        //! Hooks for `cargo xtask conformance`: not part of this crate's API.

        /// What one call came to.
        #[derive(Debug)]
        pub struct Outcome {
            /// The status the server answered, if it answered.
            pub status: Option<u16>,
            /// `ok`, or the kind of error (`api`, `decode`, `transport`, ...).
            pub kind: &'static str,
            /// Whether the body decoded into its documented type (for an error, its error
            /// type).
            pub body_decoded: bool,
            pub message: String,
        }

        fn outcome<T, H, E>(
            result: Result<super::runtime::ApiResponse<T, H>, super::runtime::Error<E>>,
        ) -> Outcome {
            let error = match result {
                Ok(response) => {
                    return Outcome {
                        status: Some(response.status),
                        kind: "ok",
                        body_decoded: true,
                        message: String::new(),
                    }
                }
                Err(error) => error,
            };
            let (kind, body_decoded, excerpt) = match &error {
                super::runtime::Error::Api(e) | super::runtime::Error::RateLimited(e) => {
                    ("api", e.body.is_some(), e.excerpt.clone())
                }
                super::runtime::Error::Decode(_) => ("decode", false, String::new()),
                super::runtime::Error::Transport(_) => ("transport", false, String::new()),
                super::runtime::Error::Validation(_) => ("validation", false, String::new()),
                super::runtime::Error::InvalidRequest(_) => ("invalid-request", false, String::new()),
                super::runtime::Error::Authentication(_) => ("authentication", false, String::new()),
                _ => ("other", false, String::new()),
            };
            Outcome {
                status: error.status(),
                kind,
                body_decoded,
                message: format!("{error} {excerpt}"),
            }
        }

        #[allow(dead_code)]
        fn arg<T: ::serde::de::DeserializeOwned>(
            args: &::serde_json::Value,
            name: &str,
        ) -> Result<T, String> {
            let value = args.get(name).cloned().unwrap_or(::serde_json::Value::Null);
            ::serde_json::from_value(value).map_err(|e| format!("argument `{name}`: {e}"))
        }

        #[allow(dead_code)]
        fn optional<T: ::serde::de::DeserializeOwned>(
            args: &::serde_json::Value,
            name: &str,
        ) -> Result<Option<T>, String> {
            match args.get(name) {
                None => Ok(None),
                Some(value) => ::serde_json::from_value(value.clone())
                    .map(Some)
                    .map_err(|e| format!("argument `{name}`: {e}")),
            }
        }


        impl super::client::Client {
            /// Calls the operation `operation` (its operationId) with `args`.
            #[doc(hidden)]
            // Deprecated operations are called too; an API whose operations take no
            // arguments leaves `args` unread.
            #[allow(deprecated, unused_variables)]
            pub async fn __conformance(
                &self,
                operation: &str,
                args: &::serde_json::Value,
            ) -> Result<Outcome, String> {
                match operation {
                    #(#arms)*
                    other => Err(format!("no operation `{other}`")),
                }
            }

            /// Walks the paging stream of the operation `operation` (its operationId) for up
            /// to five items. A mock server answers every page alike, so a stream that
            /// stops at a page it was already given, after items, has done its part.
            #[doc(hidden)]
            #[allow(deprecated, unused_variables)]
            pub async fn __conformance_stream(
                &self,
                operation: &str,
                args: &::serde_json::Value,
            ) -> Result<Outcome, String> {
                match operation {
                    #(#stream_arms)*
                    other => Err(format!("no paging stream for `{other}`")),
                }
            }
        }

        /// Reads up to five items of a paging stream.
        #[allow(dead_code)]
        async fn walk<T, E>(
            stream: impl super::runtime::__private::Stream<Item = Result<T, super::runtime::Error<E>>>,
        ) -> Outcome {
            let mut stream = ::std::pin::pin!(stream);
            let mut read = 0usize;
            loop {
                let next = ::std::future::poll_fn(|cx| {
                    super::runtime::__private::Stream::poll_next(stream.as_mut(), cx)
                })
                .await;
                match next {
                    None => break,
                    Some(Ok(_)) => {
                        read += 1;
                        if read >= 5 {
                            break;
                        }
                    }
                    Some(Err(super::runtime::Error::Paging(_))) if read > 0 => break,
                    Some(Err(error)) => return outcome::<(), (), E>(Err(error)),
                }
            }
            Outcome {
                status: Some(200),
                kind: "ok",
                body_decoded: true,
                message: format!("{read} items"),
            }
        }
    }
}

/// Each positional argument of an operation's method: how it is read from `args` (as the
/// owned type the method borrows from), and whether the method takes it by value.
fn positional_reads(cx: &TypeContext<'_>, op: &Operation) -> Vec<(TokenStream, bool)> {
    op.parameters
        .iter()
        .filter(|p| p.is_positional())
        .map(|p| {
            let key = p.argument_key();
            let ty = p.ty.non_null();
            let owned = cx.tokens(ty, None);
            (
                quote!(arg::<#owned>(args, #key)?),
                cx.api.passed_by_value(ty),
            )
        })
        .collect()
}

/// The operation's optional-parameters struct, each field read from `args`.
fn params_struct(op: &Operation) -> TokenStream {
    let params_ty = ident(&op.names.params_type);
    let fields = op
        .parameters
        .iter()
        .filter(|p| !p.is_positional())
        .map(|p| {
            let (field, key) = (ident(&p.rust_name), p.argument_key());
            quote!(#field: optional(args, #key)?,)
        });
    quote!(super::client::#params_ty { #(#fields)* })
}

/// The arm that walks one operation's paging stream. The stream borrows its arguments
/// for as long as it runs, so they are read into one tuple first.
fn stream_arm(
    cx: &TypeContext<'_>,
    op: &Operation,
    pagination: &crate::model::Pagination,
) -> TokenStream {
    let id = &op.operation_id;
    let method = ident(&pagination.names.items);
    let positional = positional_reads(cx, op);
    let reads = positional.iter().map(|(read, _)| quote!(#read,));
    let passes = positional.iter().enumerate().map(|(i, (_, by_value))| {
        let index = proc_macro2::Literal::usize_unsuffixed(i);
        if *by_value {
            quote!(values.#index)
        } else {
            quote!(&values.#index)
        }
    });
    let params = params_struct(op);
    quote! {
        #id => {
            let values = (#(#reads)*);
            let params = #params;
            Ok(walk(self.#method(#(#passes,)* &params)).await)
        }
    }
}

/// The arm that calls one operation: each argument read from `args` as the type the
/// method takes, and passed as the method takes it.
fn operation_arm(cx: &TypeContext<'_>, op: &Operation) -> TokenStream {
    let id = &op.operation_id;
    let method = ident(&op.names.method);
    let mut reads = Vec::new();
    // Positional arguments are read in place: their temporaries live until the call's
    // statement ends, the await included.
    let mut passes: Vec<TokenStream> = positional_reads(cx, op)
        .into_iter()
        .map(|(read, by_value)| if by_value { read } else { quote!(&#read) })
        .collect();
    if op.parameters.iter().any(|p| !p.is_positional()) {
        let params = params_struct(op);
        reads.push(quote!(let params = #params;));
        passes.push(quote!(&params));
    }
    if let Some(body) = &op.request_body {
        let (read, pass) = match body.encoding {
            BodyEncoding::Bytes => (
                quote!(let body: String = arg(args, "body")?;),
                quote!(body.into_bytes()),
            ),
            BodyEncoding::Text => (quote!(let body: String = arg(args, "body")?;), quote!(body)),
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                let ty = body.ty.non_null();
                let owned = cx.tokens(ty, None);
                let pass = if cx.api.passed_by_value(ty) {
                    quote!(body)
                } else {
                    quote!(&body)
                };
                (quote!(let body: #owned = arg(args, "body")?;), pass)
            }
        };
        reads.push(read);
        passes.push(pass);
    }
    quote! {
        #id => {
            #(#reads)*
            Ok(outcome(self.#method(#(#passes),*).await))
        }
    }
}
