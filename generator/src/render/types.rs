//! Type references and struct and alias definitions.

use super::docs::doc_attrs;
use super::validate::field_rules;
use crate::model::{
    Api, Field, IntegerKind, StringFormat, StructDef, TypeDef, TypeId, TypeKind, TypeRef,
};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

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
}

impl<'a> TypeContext<'a> {
    pub fn new(api: &'a Api) -> Self {
        TypeContext {
            api,
            root: quote!(super),
            boxed: api.recursive_edges(),
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

    /// Whether values of the named type can be checked with `garde::Validate`.
    pub fn validatable(&self, id: TypeId) -> bool {
        let Some(def) = self.api.type_def(id) else {
            return false;
        };
        def.validated
            && matches!(
                def.kind,
                TypeKind::Struct(_) | TypeKind::Tagged(_) | TypeKind::Untagged(_)
            )
    }
}

// Derives name the prelude's macros unqualified: derive macros live in their own namespace,
// so no type generated from a schema name can shadow them.

pub fn render_struct(
    cx: &TypeContext<'_>,
    id: TypeId,
    def: &TypeDef,
    s: &StructDef,
) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let validate = if def.validated {
        quote! {
            #[derive(::garde::Validate)]
            #[garde(allow_unvalidated)]
        }
    } else {
        quote!()
    };
    let fields = s
        .fields
        .iter()
        .map(|f| render_field(cx, id, def.validated, f));
    let additional = s.additional.as_ref().map(|t| {
        let value = cx.tokens(t, None);
        let field = ident(s.additional_field().unwrap_or("additional_properties"));
        quote! {
            /// Properties not listed above, by name.
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<String, #value>,
        }
    });
    // Types that requests carry get a constructor with the required properties and a
    // setter per optional one, so callers never write a struct literal that a property
    // added to the spec later would break. With no required property there is a default.
    let builder = def
        .validated
        .then(|| render_builder(cx, &name, id, s, s.additional_field()));
    let conversion = cx
        .api
        .request_views
        .iter()
        .find(|(request, _)| *request == id)
        .and_then(|(_, read)| render_conversion(cx, &name, *read));
    let default = (def.validated && s.fields.iter().all(|f| !f.required)).then(|| quote!(Default,));
    quote! {
        #doc
        #[derive(Debug, Clone, #default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #validate
        pub struct #name {
            #(#fields)*
            #additional
        }

        #builder
        #conversion
    }
}

/// `TryFrom` the response-side view of a schema into its request-side view: read → change →
/// write. Read-only properties are dropped; an enum value read from the server that the
/// request type cannot hold fails, naming its place.
fn render_conversion(
    cx: &TypeContext<'_>,
    name: &proc_macro2::Ident,
    read_id: TypeId,
) -> Option<TokenStream> {
    let read_def = cx.api.type_def(read_id)?;
    let read_ty = cx.tokens(&TypeRef::Named(read_id), None);
    let doc = format!(
        " The request-side view of a `{}` read from the API, without its read-only properties.",
        read_def.name
    );
    Some(quote! {
        impl ::std::convert::TryFrom<#read_ty> for #name {
            type Error = super::runtime::ConversionError;
            #[doc = #doc]
            fn try_from(value: #read_ty) -> Result<Self, Self::Error> {
                super::runtime::__private::request_view(&value)
            }
        }
    })
}

/// How many `Option`s wrap a field's value: an optional nullable property keeps absent
/// (outer `None`) and null (`Some(None)`) apart, which matters to PATCH-style updates.
fn option_depth(f: &Field) -> usize {
    let nullable = matches!(f.ty, TypeRef::Nullable(_));
    match (f.required, nullable) {
        (true, false) => 0,
        (true, true) | (false, false) => 1,
        (false, true) => 2,
    }
}

/// The field's value type without its `Option`s.
fn field_value(cx: &TypeContext<'_>, owner: TypeId, f: &Field) -> TokenStream {
    let inner = match &f.ty {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    cx.tokens(inner, Some(owner))
}

/// `new` with the required properties (in the spec's order) and `with_<field>` for each
/// optional one. A missing required property is a compile error: `new` takes it.
fn render_builder(
    cx: &TypeContext<'_>,
    owner_name: &proc_macro2::Ident,
    owner: TypeId,
    s: &StructDef,
    additional: Option<&str>,
) -> TokenStream {
    let mut arguments = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for f in &s.fields {
        let name = ident(&f.rust_name);
        let value = field_value(cx, owner, f);
        match (f.required, option_depth(f)) {
            (true, 0) => {
                arguments.push(quote!(#name: impl Into<#value>));
                inits.push(quote!(#name: #name.into()));
            }
            // Required but nullable: the caller says which.
            (true, _) => {
                arguments.push(quote!(#name: Option<#value>));
                inits.push(quote!(#name));
            }
            (false, depth) => {
                inits.push(quote!(#name: None));
                let setter = ident(&crate::naming::setter_name(&f.rust_name));
                let doc = format!(" Sets `{}`.", f.wire_name);
                setters.push(if depth == 2 {
                    let doc_null = " `None` sends an explicit `null`.";
                    quote! {
                        #[doc = #doc]
                        #[doc = #doc_null]
                        pub fn #setter(mut self, #name: Option<#value>) -> Self {
                            self.#name = Some(#name);
                            self
                        }
                    }
                } else {
                    quote! {
                        #[doc = #doc]
                        pub fn #setter(mut self, #name: impl Into<#value>) -> Self {
                            self.#name = Some(#name.into());
                            self
                        }
                    }
                });
            }
        }
    }
    if let Some(field) = additional {
        let field = ident(field);
        inits.push(quote!(#field: ::std::collections::BTreeMap::new()));
    }
    quote! {
        impl #owner_name {
            /// A value with the required properties; the optional ones stay unset until
            /// their `with_` method sets them.
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*
        }
    }
}

fn render_field(cx: &TypeContext<'_>, owner: TypeId, validated: bool, f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let doc = doc_attrs(f.doc.as_deref());
    let inner = match &f.ty {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    let options = option_depth(f);
    let ty = (0..options).fold(field_value(cx, owner, f), |t, _| quote!(Option<#t>));
    let mut serde_args = Vec::new();
    if f.rust_name != f.wire_name {
        let wire = &f.wire_name;
        serde_args.push(quote!(rename = #wire));
    }
    if options > 0 {
        // A required but nullable property may be absent in practice; reading it as
        // `None` is kinder than failing the whole response.
        serde_args.push(quote!(default));
    }
    if !f.required {
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if options == 2 {
        serde_args.push(quote!(with = "super::runtime::__private::double_option"));
    }
    let serde_attr = if serde_args.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde_args),*)])
    };
    let garde_attr = if validated {
        field_rules(cx, f, inner, options)
    } else {
        quote!()
    };
    quote! {
        #doc
        #serde_attr
        #garde_attr
        pub #name: #ty,
    }
}

pub fn render_alias(
    cx: &TypeContext<'_>,
    id: TypeId,
    def: &TypeDef,
    target: &TypeRef,
) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let ty = cx.tokens(target, Some(id));
    quote! {
        #doc
        pub type #name = #ty;
    }
}
