//! The webhooks module: one function per webhook that decodes the body the API sends, so
//! that a receiver gets typed values (and a decode error naming the field) rather than
//! raw JSON.

use super::context::{ident, TypeContext};
use super::docs::doc_attrs;
use crate::model::{BodyEncoding, TypeRef, Webhook};
use proc_macro2::TokenStream;
use quote::quote;

pub fn render_webhooks(cx: &TypeContext<'_>) -> TokenStream {
    let functions = cx
        .api
        .webhooks
        .iter()
        .filter_map(|hook| render_webhook(cx, hook));
    quote! { #(#functions)* }
}

fn render_webhook(cx: &TypeContext<'_>, hook: &Webhook) -> Option<TokenStream> {
    let body = hook.body.as_ref()?;
    let name = ident(&hook.function_name);
    let mut text = hook
        .doc
        .as_deref()
        .unwrap_or_default()
        .trim_end()
        .to_string();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Decodes the body of the `{}` webhook (`{}`, `{}`).",
        hook.name,
        hook.http_method.as_str(),
        body.content_type
    ));
    if let Some(TypeRef::Named(id)) = &hook.response {
        if let Some(def) = cx.api.type_def(*id) {
            text.push_str(&format!(
                " The receiver answers with a [`{0}`](super::types::{0}).",
                def.name
            ));
        }
    }
    let doc = doc_attrs(Some(&text));
    let deprecated = if hook.deprecated {
        quote!(#[deprecated])
    } else {
        quote!()
    };
    Some(match body.encoding {
        BodyEncoding::Json => {
            let ty = cx.tokens(&body.ty, None);
            quote! {
                #doc
                #deprecated
                pub fn #name(body: &[u8]) -> Result<#ty, super::runtime::WebhookError> {
                    super::runtime::__private::decode_webhook(body)
                }
            }
        }
        BodyEncoding::Text => quote! {
            #doc
            #deprecated
            pub fn #name(body: &[u8]) -> Result<String, super::runtime::WebhookError> {
                super::runtime::__private::webhook_text(body)
            }
        },
        // Bytes are what the receiver already holds; forms and multipart bodies are read
        // by the web framework that receives them.
        BodyEncoding::Bytes | BodyEncoding::Form | BodyEncoding::Multipart => return None,
    })
}
