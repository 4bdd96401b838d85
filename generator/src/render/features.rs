//! `#[cfg(feature = ...)]` on the items a feature gates: every item a type, an operation
//! or a header set renders to.

use crate::model::FeatureGates;
use proc_macro2::TokenStream;
use quote::quote;

/// The attribute for an item needed by `features` (indexes into the gates), or nothing
/// when the crate is not gated or the item is always compiled.
pub(super) fn cfg_attr(gates: Option<&FeatureGates>, features: Option<&[usize]>) -> TokenStream {
    let (Some(gates), Some(features)) = (gates, features) else {
        return quote!();
    };
    match gates.gate(features).as_deref() {
        Some([one]) => quote!(#[cfg(feature = #one)]),
        Some(names) => quote!(#[cfg(any(#(feature = #names),*))]),
        None => quote!(),
    }
}

/// The same items, each with `cfg` (module-level items: structs, enums, impls).
pub(super) fn gate_items(tokens: TokenStream, cfg: &TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return tokens;
    }
    // Tokens that do not parse are left as they are: the format stage reports them.
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => {
            let items = file.items.iter();
            quote!(#(#cfg #items)*)
        }
        Err(_) => tokens,
    }
}

/// The same associated items (methods of an `impl` block), each with `cfg`.
pub(super) fn gate_methods(tokens: TokenStream, cfg: &TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return tokens;
    }
    match syn::parse2::<syn::ItemImpl>(quote!(impl Gated { #tokens })) {
        Ok(block) => {
            let items = block.items.iter();
            quote!(#(#cfg #items)*)
        }
        Err(_) => tokens,
    }
}
