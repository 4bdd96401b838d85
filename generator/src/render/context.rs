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
        self.rust_type(t, from).to_tokens(&self.root)
    }

    /// The Rust type a reference is written as, seen from inside type `from` (if any):
    /// the one place that decides it, for code ([`RustType::to_tokens`]) and for reports
    /// ([`RustType::to_text`]) alike.
    pub fn rust_type(&self, t: &TypeRef, from: Option<TypeId>) -> RustType {
        let plain = |name| RustType::plain(TypePath::Prelude(name));
        match t {
            TypeRef::String => plain("String"),
            TypeRef::Integer(IntegerKind::I32) => plain("i32"),
            TypeRef::Integer(IntegerKind::I64) => plain("i64"),
            TypeRef::Number => plain("f64"),
            TypeRef::Boolean => plain("bool"),
            TypeRef::Json => RustType::plain(TypePath::SERDE_JSON_VALUE),
            TypeRef::Bytes => RustType::plain(TypePath::Runtime(&["bytes", "Bytes"])),
            TypeRef::File => RustType::plain(TypePath::Runtime(&["FilePart"])),
            // Containers already give their items a finite size, so no box is needed inside.
            TypeRef::Array(inner) => {
                RustType::generic(TypePath::Prelude("Vec"), vec![self.rust_type(inner, None)])
            }
            TypeRef::Map(inner) => RustType::generic(
                TypePath::Std(&["collections", "BTreeMap"]),
                vec![plain("String"), self.rust_type(inner, None)],
            ),
            // A tuple holds its items by value, so they are boxed like fields.
            TypeRef::Tuple(items) => {
                RustType::Tuple(items.iter().map(|t| self.rust_type(t, from)).collect())
            }
            TypeRef::Named(id) => {
                // An id outside the model cannot be named; any JSON value is the safe type.
                let Some(def) = self.api.type_def(*id) else {
                    return RustType::plain(TypePath::SERDE_JSON_VALUE);
                };
                let named = RustType::plain(TypePath::Types(def.name.to_string()));
                match from {
                    Some(from) if self.boxed.contains(&(from, *id)) => {
                        RustType::generic(TypePath::Prelude("Box"), vec![named])
                    }
                    _ => named,
                }
            }
            TypeRef::Open(inner) => RustType::generic(
                TypePath::Runtime(&["Open"]),
                vec![self.rust_type(inner, from)],
            ),
            TypeRef::Nullable(inner) => RustType::generic(
                TypePath::Prelude("Option"),
                vec![self.rust_type(inner, from)],
            ),
            TypeRef::Format(format) => match format {
                StringFormat::DateTime => RustType::generic(
                    TypePath::Runtime(&["chrono", "DateTime"]),
                    vec![RustType::plain(TypePath::Runtime(&[
                        "chrono",
                        "FixedOffset",
                    ]))],
                ),
                StringFormat::Date => RustType::plain(TypePath::Runtime(&["chrono", "NaiveDate"])),
                StringFormat::Uuid => RustType::plain(TypePath::Runtime(&["uuid", "Uuid"])),
                StringFormat::Url => RustType::plain(TypePath::Runtime(&["url", "Url"])),
            },
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

/// A Rust type: a path with its type arguments, or a tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RustType {
    Path(TypePath, Vec<RustType>),
    Tuple(Vec<RustType>),
}

/// Where the item a Rust type names lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypePath {
    /// In scope everywhere: `String`, `i64`, `Vec`, `Option`, `Box`.
    Prelude(&'static str),
    /// In the standard library, below `std`.
    Std(&'static [&'static str]),
    /// In a crate the generated crate depends on: its name, then the path inside it.
    Extern(&'static str, &'static [&'static str]),
    /// In the generated crate's `runtime` module.
    Runtime(&'static [&'static str]),
    /// A generated type, in the `types` module.
    Types(String),
}

impl TypePath {
    const SERDE_JSON_VALUE: TypePath = TypePath::Extern("serde_json", &["Value"]);
}

impl RustType {
    fn plain(path: TypePath) -> Self {
        RustType::Path(path, Vec::new())
    }

    fn generic(path: TypePath, arguments: Vec<RustType>) -> Self {
        RustType::Path(path, arguments)
    }

    /// The type in generated code, with `root` the path to the generated modules' parent.
    pub fn to_tokens(&self, root: &TokenStream) -> TokenStream {
        match self {
            RustType::Tuple(items) => {
                let items = items.iter().map(|t| t.to_tokens(root));
                quote!((#(#items,)*))
            }
            RustType::Path(path, arguments) => {
                let path = match path {
                    TypePath::Prelude(name) => {
                        let name = ident(name);
                        quote!(#name)
                    }
                    TypePath::Std(segments) => {
                        let segments = segments.iter().map(|s| ident(s));
                        quote!(::std #(::#segments)*)
                    }
                    TypePath::Extern(krate, segments) => {
                        let krate = ident(krate);
                        let segments = segments.iter().map(|s| ident(s));
                        quote!(::#krate #(::#segments)*)
                    }
                    TypePath::Runtime(segments) => {
                        let segments = segments.iter().map(|s| ident(s));
                        quote!(#root::runtime #(::#segments)*)
                    }
                    TypePath::Types(name) => {
                        let name = ident(name);
                        quote!(#root::types::#name)
                    }
                };
                if arguments.is_empty() {
                    path
                } else {
                    let arguments = arguments.iter().map(|t| t.to_tokens(root));
                    quote!(#path<#(#arguments),*>)
                }
            }
        }
    }

    /// The type as a reader of the generated crate's documentation names it: generated
    /// types and standard collections by their names, runtime items by their path inside
    /// the runtime (`chrono::NaiveDate`), other crates' items with the crate's name
    /// (`serde_json::Value`).
    pub fn to_text(&self) -> String {
        match self {
            RustType::Tuple(items) => {
                let items: Vec<String> = items.iter().map(RustType::to_text).collect();
                format!("({})", items.join(", "))
            }
            RustType::Path(path, arguments) => {
                let mut text = match path {
                    TypePath::Prelude(name) => (*name).to_string(),
                    TypePath::Std(segments) => {
                        segments.last().copied().unwrap_or_default().to_string()
                    }
                    TypePath::Extern(krate, segments) => std::iter::once(*krate)
                        .chain(segments.iter().copied())
                        .collect::<Vec<_>>()
                        .join("::"),
                    TypePath::Runtime(segments) => segments.join("::"),
                    TypePath::Types(name) => name.clone(),
                };
                if !arguments.is_empty() {
                    let arguments: Vec<String> = arguments.iter().map(RustType::to_text).collect();
                    text.push('<');
                    text.push_str(&arguments.join(", "));
                    text.push('>');
                }
                text
            }
        }
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
