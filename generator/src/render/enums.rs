//! String enums, tagged enums (oneOf with a discriminator) and untagged enums.

use super::context::{ident, RustType, TypeContext};
use super::docs::doc_attrs;
use crate::model::{EnumDef, TaggedDef, TypeDef, TypeId, TypeKind, TypeRef, UntaggedDef};
use proc_macro2::TokenStream;
use quote::quote;

pub fn render_enum(def: &TypeDef, e: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire_value;
        let vdoc = format!(" `{wire}`");
        quote! {
            #[doc = #vdoc]
            #vname,
        }
    });
    let arms = e.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote!(Self::#vname => #wire,)
    });
    let wires = e.variants.iter().map(|v| &v.wire_value);
    let from_wire = e.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote!(#wire => ::std::option::Option::Some(Self::#vname),)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
        }

        // Written and read as the wire string, through `as_str` and `from_wire`, rather
        // than by a derived serializer and visitor per enum.
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::__private::deserialize_known(deserializer, &[#(#wires),*])
            }
        }

        impl #name {
            /// The value as it is written on the wire.
            pub const fn as_str(&self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl super::runtime::KnownValues for #name {
            fn from_wire(raw: &str) -> ::std::option::Option<Self> {
                match raw {
                    #(#from_wire)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}

/// A discriminated oneOf. serde's internally tagged enums cannot keep an object whose tag
/// is unknown, so (de)serialization is written out: the tag is read first, then the rest
/// of the object is decoded as the variant's struct (which has no tag field of its own).
pub fn render_tagged(
    cx: &TypeContext<'_>,
    id: TypeId,
    def: &TypeDef,
    t: &TaggedDef,
) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let tag = &t.tag;
    let variants = t.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let ty = cx.tokens(&TypeRef::Named(v.ty), Some(id));
        let vdoc = format!(" `{tag}` is `{}`.", v.tag_value);
        let garde = if cx.validatable(id) {
            if cx.validatable(v.ty) {
                quote!(#[garde(dive)])
            } else {
                quote!(#[garde(skip)])
            }
        } else {
            quote!()
        };
        quote! {
            #[doc = #vdoc]
            #vname(#garde #ty),
        }
    });
    let unknown_variant = ident(crate::naming::UNKNOWN_VARIANT);
    let unknown = if t.open {
        let udoc = format!(" An object whose `{tag}` this client does not know, kept as received.");
        let garde = if cx.validatable(id) {
            quote!(#[garde(skip)])
        } else {
            quote!()
        };
        quote! {
            #[doc = #udoc]
            #unknown_variant(#garde ::serde_json::Value),
        }
    } else {
        quote!()
    };
    let ser_arms = t.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let value = &v.tag_value;
        quote!(Self::#vname(inner) => super::runtime::__private::serialize_tagged(serializer, #tag, #value, inner),)
    });
    let ser_unknown = if t.open {
        quote!(Self::#unknown_variant(value) => ::serde::Serialize::serialize(value, serializer),)
    } else {
        quote!()
    };
    let de_arms = t.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let ty = cx.tokens(&TypeRef::Named(v.ty), Some(id));
        let value = &v.tag_value;
        quote!(#value => <#ty as ::serde::Deserialize>::deserialize(rest).map(Self::#vname),)
    });
    let (unknown_arm, without_tag) = if t.open {
        (
            quote!(_ => super::runtime::__private::unknown_variant(#tag, tag, rest).map(Self::#unknown_variant),),
            quote!(Ok(Self::#unknown_variant(::serde_json::Value::Object(object)))),
        )
    } else {
        let expected: Vec<&str> = t.variants.iter().map(|v| v.tag_value.as_str()).collect();
        let expected = expected.join(", ");
        (
            quote!(_ => Err(super::runtime::__private::unknown_tag_value(#tag, tag, #expected)),),
            quote!(Err(super::runtime::__private::missing_tag(#tag, &object, #expected))),
        )
    };
    let validate = if cx.validatable(id) {
        quote!(#[derive(::garde::Validate)])
    } else {
        quote!()
    };
    let conversions = variant_conversions(
        cx,
        id,
        &name,
        &t.variants
            .iter()
            .map(|v| (v.rust_name.as_str(), TypeRef::Named(v.ty)))
            .collect::<Vec<_>>(),
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #validate
        pub enum #name {
            #(#variants)*
            #unknown
        }

        #conversions

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    #ser_unknown
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::__private::deserialize_tagged(deserializer)
            }
        }

        impl super::runtime::__private::TaggedDecode for #name {
            const TAG: &'static str = #tag;

            fn decode_variant<'de, D: ::serde::Deserializer<'de>>(tag: &str, rest: D) -> Result<Self, D::Error> {
                match tag {
                    #(#de_arms)*
                    #unknown_arm
                }
            }

            fn without_tag<E: ::serde::de::Error>(
                object: ::serde_json::Map<String, ::serde_json::Value>,
            ) -> Result<Self, E> {
                #without_tag
            }
        }
    }
}

pub fn render_untagged(
    cx: &TypeContext<'_>,
    id: TypeId,
    def: &TypeDef,
    u: &UntaggedDef,
) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(def.doc.as_deref());
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let ty = cx.tokens(&v.ty, Some(id));
        let garde = if cx.validatable(id) {
            match &v.ty {
                TypeRef::Named(t) if cx.validatable(*t) => quote!(#[garde(dive)]),
                _ => quote!(#[garde(skip)]),
            }
        } else {
            quote!()
        };
        quote!(#vname(#garde #ty),)
    });
    let validate = if cx.validatable(id) {
        quote!(#[derive(::garde::Validate)])
    } else {
        quote!()
    };
    let name_text = def.name.as_str();
    let candidates = u.variants.iter().map(|v| {
        let vname = ident(&v.rust_name);
        quote!(|v| super::runtime::__private::untagged_candidate(v, Self::#vname),)
    });
    let conversions = variant_conversions(
        cx,
        id,
        &name,
        &u.variants
            .iter()
            .map(|v| (v.rust_name.as_str(), v.ty.clone()))
            .collect::<Vec<_>>(),
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #validate
        pub enum #name {
            #(#variants)*
        }

        #conversions

        /// Each variant is tried in turn; one that would drop properties wins only when
        /// no other keeps them all.
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::__private::deserialize_untagged(deserializer, #name_text, &[#(#candidates)*])
            }
        }
    }
}

/// A `From` conversion into a union.
pub(super) enum Conversion<'v> {
    /// From the variant's type, into the variant.
    Value(&'v str, &'v TypeRef),
    /// From `&str`, into the one variant that holds a string.
    Str(&'v str),
}

/// The `From` conversions into a union: from each variant's type that no other variant
/// has (so a value says by its type which variant it is), and from `&str` where exactly
/// one variant holds a string. Types are compared as the compiler sees them, through
/// aliases, so that two variants whose aliases name one type give no conflicting impls.
/// Render writes these, and the change report lists them.
pub(super) fn conversions<'v>(
    cx: &TypeContext<'_>,
    id: TypeId,
    variants: &'v [(&'v str, TypeRef)],
) -> Vec<Conversion<'v>> {
    let keys: Vec<RustType> = variants
        .iter()
        .map(|(_, ty)| conversion_key(cx, ty, 0))
        .collect();
    let mut found = Vec::new();
    for ((variant, ty), key) in variants.iter().zip(&keys) {
        if keys.iter().filter(|k| *k == key).count() == 1 && *ty != TypeRef::Named(id) {
            found.push(Conversion::Value(variant, ty));
        }
    }
    let string = cx.rust_type(&TypeRef::String, None);
    let strings: Vec<&str> = variants
        .iter()
        .zip(&keys)
        .filter(|(_, key)| **key == string)
        .map(|((variant, _), _)| *variant)
        .collect();
    if let [only] = strings.as_slice() {
        found.push(Conversion::Str(only));
    }
    found
}

/// The impls of [`conversions`].
fn variant_conversions(
    cx: &TypeContext<'_>,
    id: TypeId,
    name: &proc_macro2::Ident,
    variants: &[(&str, TypeRef)],
) -> TokenStream {
    let impls = conversions(cx, id, variants).into_iter().map(|c| match c {
        Conversion::Value(variant, ty) => {
            let vname = ident(variant);
            let tokens = cx.tokens(ty, Some(id));
            quote! {
                impl From<#tokens> for #name {
                    fn from(value: #tokens) -> Self {
                        Self::#vname(value)
                    }
                }
            }
        }
        Conversion::Str(variant) => {
            let vname = ident(variant);
            quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        Self::#vname(value.to_string())
                    }
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// The type a reference names once aliases are followed.
fn conversion_key(cx: &TypeContext<'_>, ty: &TypeRef, depth: usize) -> RustType {
    if let TypeRef::Named(target) = ty {
        if let Some(TypeKind::Alias(inner)) = cx.api.type_def(*target).map(|d| &d.kind) {
            if depth < 16 {
                return conversion_key(cx, inner, depth + 1);
            }
        }
    }
    cx.rust_type(ty, None)
}
