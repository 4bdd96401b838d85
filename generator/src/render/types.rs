//! Struct and alias definitions.

use super::context::{ident, TypeContext};
use super::docs::doc_attrs;
use super::validate::field_rules;
use crate::model::{Field, StructDef, TypeDef, TypeId, TypeRef};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

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
    let validate = if cx.validatable(id) {
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
        .map(|f| render_field(cx, id, cx.validatable(id), f));
    let additional = s.additional.as_ref().map(|a| {
        let value = cx.tokens(&a.ty, None);
        let field = ident(&a.field);
        quote! {
            /// Properties not listed above, by name.
            pub #field: ::std::collections::BTreeMap<String, #value>,
        }
    });
    // Types that requests carry get a constructor with the required properties and a
    // setter per optional one, so callers never write a struct literal that a property
    // added to the spec later would break. With no required property there is a default.
    let builder = def
        .validated
        .then(|| render_builder(cx, &name, id, s, s.additional_field()));
    let conversion = read_view(cx.api, id).and_then(|read| render_conversion(cx, &name, read));
    let default = derives_default(def, s).then(|| quote!(Default,));
    let encode = render_encode(&name, s);
    let decode = render_decode(&name, s);
    quote! {
        #doc
        #[derive(Debug, Clone, #default PartialEq)]
        #validate
        pub struct #name {
            #(#fields)*
            #additional
        }

        #encode
        #decode
        #builder
        #conversion
    }
}

/// `Serialize` through the runtime's object writer: the listed properties in the spec's
/// order, an optional one only when set (an optional nullable one set to `Some(None)` is
/// written as `null`), then the additional properties.
fn render_encode(name: &Ident, s: &StructDef) -> TokenStream {
    let name_text = name.to_string();
    let writes = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        if f.required {
            quote!(object.field(#wire, &self.#field)?;)
        } else {
            quote!(object.optional(#wire, &self.#field)?;)
        }
    });
    let start = match s.additional_field() {
        Some(_) => {
            quote!(super::runtime::__private::ObjectWriter::map(serializer)?)
        }
        _ => {
            let required =
                Literal::usize_unsuffixed(s.fields.iter().filter(|f| f.required).count());
            let optional: Vec<TokenStream> = s
                .fields
                .iter()
                .filter(|f| !f.required)
                .map(|f| {
                    let field = ident(&f.rust_name);
                    quote!(self.#field.is_some())
                })
                .collect();
            let len = if optional.is_empty() {
                quote!(#required)
            } else {
                quote!(super::runtime::__private::count_present(#required, &[#(#optional),*]))
            };
            quote!(super::runtime::__private::ObjectWriter::structure(serializer, #name_text, #len)?)
        }
    };
    let rest = s.additional_field().map(|field| {
        let field = ident(field);
        quote!(object.rest(&self.#field)?;)
    });
    let body = if s.fields.is_empty() && rest.is_none() {
        quote!(#start.end())
    } else {
        quote! {
            let mut object = #start;
            #(#writes)*
            #rest
            object.end()
        }
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #body
            }
        }
    }
}

/// `Deserialize` through the runtime's one struct visitor: each listed property is read
/// into a slot (`f0`, `f1`, … in the spec's order), then the struct is built. Every arm
/// gives a `Result` and the match has one `?`: one error path per struct rather than one
/// per property keeps the function small for the compiler. A required
/// property that is absent is an error naming it; an optional one is `None`, and an
/// optional nullable one keeps absent (`None`) and `null` (`Some(None)`) apart. Properties
/// not listed are skipped, or kept in the additional-properties map when there is one.
fn render_decode(name: &Ident, s: &StructDef) -> TokenStream {
    let name_text = name.to_string();
    let wires: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
    let slots: Vec<Ident> = (0..s.fields.len())
        .map(|i| ident(&crate::naming::decode_slot(i)))
        .collect();
    let places = s.fields.iter().enumerate().map(|(i, f)| {
        let wire = &f.wire_name;
        let i = Literal::usize_unsuffixed(i);
        quote!(#wire => ::std::option::Option::Some(#i),)
    });
    let place = if s.fields.is_empty() {
        quote! {
            let _ = name;
            ::std::option::Option::None
        }
    } else {
        quote! {
            match name {
                #(#places)*
                _ => ::std::option::Option::None,
            }
        }
    };
    let reads = s
        .fields
        .iter()
        .zip(&slots)
        .enumerate()
        .map(|(i, (f, slot))| {
            let wire = &f.wire_name;
            let i = Literal::usize_unsuffixed(i);
            let place = if s.additional.is_some() {
                quote!(Ok(#i))
            } else {
                quote!(#i)
            };
            quote!(#place => super::runtime::__private::field_value(&mut map, &mut #slot, #wire),)
        });
    let inits = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let value = match f.option_depth() {
            0 => quote!(super::runtime::__private::required::<A, _>(#slot, #wire)?),
            1 => quote!(#slot.unwrap_or_default()),
            _ => quote!(#slot),
        };
        quote!(#field: #value,)
    });
    let (extra_slot, extra_init, read_loop) = match s.additional_field() {
        Some(field) => {
            let field = ident(field);
            let slot = ident(&crate::naming::decode_slot(s.fields.len()));
            (
                quote!(let mut #slot = ::std::collections::BTreeMap::new();),
                quote!(#field: #slot,),
                quote! {
                    while let Some(field) = super::runtime::__private::next_field_or_name::<Self, A>(&mut map)? {
                        match field {
                            #(#reads)*
                            Ok(_) => super::runtime::__private::skip_value(&mut map),
                            Err(name) => map.next_value().map(|value| {
                                #slot.insert(name, value);
                            }),
                        }?;
                    }
                },
            )
        }
        _ if s.fields.is_empty() => (
            quote!(),
            quote!(),
            quote! {
                while super::runtime::__private::next_field::<Self, A>(&mut map)?.is_some() {
                    super::runtime::__private::skip_value(&mut map)?;
                }
            },
        ),
        _ => (
            quote!(),
            quote!(),
            quote! {
                while let Some(field) = super::runtime::__private::next_field::<Self, A>(&mut map)? {
                    match field {
                        #(#reads)*
                        _ => super::runtime::__private::skip_value(&mut map),
                    }?;
                }
            },
        ),
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::__private::deserialize_struct(deserializer)
            }
        }

        impl super::runtime::__private::StructDecode for #name {
            const NAME: &'static str = #name_text;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];

            #[inline]
            fn place(name: &str) -> ::std::option::Option<usize> {
                #place
            }

            #[inline]
            fn decode<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #(let mut #slots = None;)*
                #extra_slot
                #read_loop
                Ok(Self {
                    #(#inits)*
                    #extra_init
                })
            }
        }
    }
}

/// `TryFrom` the response-side view of a schema into its request-side view: read → change →
/// write. Read-only properties are dropped; an enum value read from the server that the
/// request type cannot hold fails, naming its place.
/// Whether a struct derives `Default`: a request type with no required property.
pub(super) fn derives_default(def: &TypeDef, s: &StructDef) -> bool {
    def.validated && s.fields.iter().all(|f| !f.required)
}

/// The response-side view a request struct converts from (`TryFrom`), when it is one.
pub(super) fn read_view(api: &crate::model::Api, id: TypeId) -> Option<TypeId> {
    api.request_views
        .iter()
        .find(|(request, _)| *request == id)
        .map(|(_, read)| *read)
        .filter(|read| api.type_def(*read).is_some())
}

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

/// The field's value type without its `Option`s.
fn field_value(cx: &TypeContext<'_>, owner: TypeId, f: &Field) -> TokenStream {
    cx.tokens(f.value_type(), Some(owner))
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
        match (f.required, f.option_depth()) {
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
                let setter = ident(&f.setter);
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
    let options = f.option_depth();
    let ty = (0..options).fold(field_value(cx, owner, f), |t, _| quote!(Option<#t>));
    let garde_attr = if validated {
        field_rules(cx, f, inner, usize::from(options))
    } else {
        quote!()
    };
    quote! {
        #doc
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
