//! How render spells a type reference: the Rust type of each model reference, seen from
//! where it is used (boxed inside a recursive type, through the path to the generated
//! modules), and which types are validated.

use crate::model::{Api, IntegerKind, StringFormat, TypeId, TypeKind, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

/// The identifier of a name the model holds.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// What the renderer knows beyond the model: which references must be boxed to give
/// recursive types a finite size.
pub struct TypeContext<'a> {
    pub api: &'a Api,
    /// The path to the parent of the generated modules: `super` from inside them (so the
    /// code works at a crate's root and inside any module, as a build script includes it),
    /// `::name` from the crate's tests.
    root: TokenStream,
    boxed: BTreeSet<(TypeId, TypeId)>,
    /// The types that implement `garde::Validate`: those with rules to check.
    checked: BTreeSet<TypeId>,
}

impl<'a> TypeContext<'a> {
    pub fn new(api: &'a Api) -> Self {
        TypeContext {
            api,
            root: quote!(super),
            boxed: api.recursive_edges(),
            checked: api.checked_types(),
        }
    }

    /// The same, for code outside the crate that names it as `::crate_name`.
    pub fn from_outside(api: &'a Api, crate_ident: &str) -> Self {
        let name = ident(crate_ident);
        TypeContext {
            root: quote!(::#name),
            ..TypeContext::new(api)
        }
    }

    /// The Rust type for a reference, as seen from inside type `from` (if any).
    pub fn tokens(&self, t: &TypeRef, from: Option<TypeId>) -> TokenStream {
        match t {
            TypeRef::String => quote!(String),
            TypeRef::Integer(IntegerKind::I32) => quote!(i32),
            TypeRef::Integer(IntegerKind::I64) => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::Json => quote!(::serde_json::Value),
            TypeRef::Bytes => {
                let root = &self.root;
                quote!(#root::runtime::bytes::Bytes)
            }
            TypeRef::File => {
                let root = &self.root;
                quote!(#root::runtime::FilePart)
            }
            // Containers already give their items a finite size, so no box is needed inside.
            TypeRef::Array(inner) => {
                let inner = self.tokens(inner, None);
                quote!(Vec<#inner>)
            }
            TypeRef::Map(inner) => {
                let inner = self.tokens(inner, None);
                quote!(::std::collections::BTreeMap<String, #inner>)
            }
            // A tuple holds its items by value, so they are boxed like fields.
            TypeRef::Tuple(items) => {
                let items = items.iter().map(|t| self.tokens(t, from));
                quote!((#(#items,)*))
            }
            TypeRef::Named(id) => {
                // An id outside the model cannot be named; any JSON value is the safe type.
                let Some(def) = self.api.type_def(*id) else {
                    return quote!(::serde_json::Value);
                };
                let name = ident(&def.name);
                match from {
                    Some(from) if self.boxed.contains(&(from, *id)) => {
                        let root = &self.root;
                        quote!(Box<#root::types::#name>)
                    }
                    _ => {
                        let root = &self.root;
                        quote!(#root::types::#name)
                    }
                }
            }
            TypeRef::Open(inner) => {
                let inner = self.tokens(inner, from);
                let root = &self.root;
                quote!(#root::runtime::Open<#inner>)
            }
            TypeRef::Nullable(inner) => {
                let inner = self.tokens(inner, from);
                quote!(Option<#inner>)
            }
            TypeRef::Format(format) => {
                let root = &self.root;
                match format {
                    StringFormat::DateTime => {
                        quote!(#root::runtime::chrono::DateTime<#root::runtime::chrono::FixedOffset>)
                    }
                    StringFormat::Date => quote!(#root::runtime::chrono::NaiveDate),
                    StringFormat::Uuid => quote!(#root::runtime::uuid::Uuid),
                    StringFormat::Url => quote!(#root::runtime::url::Url),
                }
            }
        }
    }

    /// Whether values of the named type are checked with `garde::Validate`: request-side
    /// types with rules somewhere in them.
    pub fn validatable(&self, id: TypeId) -> bool {
        let Some(def) = self.api.type_def(id) else {
            return false;
        };
        self.checked.contains(&id)
            && matches!(
                def.kind,
                TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Untagged(_)
            )
    }
}

/// How a positional argument is taken: strings by `&str`, small values by value, the rest
/// by reference.
pub(super) fn argument_type(cx: &TypeContext<'_>, t: &TypeRef) -> TokenStream {
    argument_type_with(cx, t, None)
}

/// [`argument_type`], with references given `lifetime` when there is one.
pub(super) fn argument_type_with(
    cx: &TypeContext<'_>,
    t: &TypeRef,
    lifetime: Option<&TokenStream>,
) -> TokenStream {
    let lt = lifetime.map(|l| quote!(#l)).unwrap_or_default();
    if cx.api.passed_by_value(t) {
        return cx.tokens(t, None);
    }
    match t.non_null() {
        TypeRef::String => quote!(&#lt str),
        TypeRef::Array(inner) => {
            let inner = cx.tokens(inner, None);
            quote!(&#lt [#inner])
        }
        other => {
            let t = cx.tokens(other, None);
            quote!(&#lt #t)
        }
    }
}
