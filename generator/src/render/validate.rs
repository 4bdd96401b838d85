//! `garde` attributes from JSON Schema validation keywords.
//!
//! garde applies a rule on an `Option` to the value inside it, but `inner(...)` on an
//! `Option` reaches the option's value rather than a list's items, so item rules are
//! wrapped once more for each `Option` around a list.

use super::context::TypeContext;
use crate::model::{Constraints, Field, IntegerKind, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The `#[garde(...)]` attribute of a field, or nothing when no rule applies.
pub fn field_rules(cx: &TypeContext<'_>, f: &Field, ty: &TypeRef, options: usize) -> TokenStream {
    let rules = value_rules(cx, ty, &f.constraints, options);
    if rules.is_empty() {
        quote!()
    } else {
        quote!(#[garde(#(#rules),*)])
    }
}

fn value_rules(
    cx: &TypeContext<'_>,
    ty: &TypeRef,
    c: &Constraints,
    options: usize,
) -> Vec<TokenStream> {
    let mut rules = Vec::new();
    match ty {
        TypeRef::String => {
            if let Some(r) = bounds(c.min_length, c.max_length) {
                // JSON Schema counts string length in characters (code points), not bytes.
                rules.push(quote!(length(chars, #r)));
            }
            if let Some(p) = &c.pattern {
                rules.push(quote!(pattern(#p)));
            }
        }
        TypeRef::Integer(kind) => {
            let lit = |v: f64| integer_literal(v, *kind);
            // Between integers, an exclusive bound is the inclusive one next to it.
            let min = c
                .minimum
                .map(|v| {
                    if c.exclusive_minimum {
                        v.floor() + 1.0
                    } else {
                        v.ceil()
                    }
                })
                .and_then(lit)
                .map(|v| quote!(min = #v));
            let max = c
                .maximum
                .map(|v| {
                    if c.exclusive_maximum {
                        v.ceil() - 1.0
                    } else {
                        v.floor()
                    }
                })
                .and_then(lit)
                .map(|v| quote!(max = #v));
            let parts: Vec<_> = min.into_iter().chain(max).collect();
            if !parts.is_empty() {
                rules.push(quote!(range(#(#parts),*)));
            }
        }
        TypeRef::Number => {
            let finite = |v: Option<f64>| v.filter(|v| v.is_finite()).map(Literal::f64_suffixed);
            let (min, max) = (finite(c.minimum), finite(c.maximum));
            let mut parts = Vec::new();
            match min {
                Some(v) if c.exclusive_minimum => {
                    rules.push(quote!(custom(super::runtime::__private::exclusive_minimum(#v))))
                }
                Some(v) => parts.push(quote!(min = #v)),
                None => {}
            }
            match max {
                Some(v) if c.exclusive_maximum => {
                    rules.push(quote!(custom(super::runtime::__private::exclusive_maximum(#v))))
                }
                Some(v) => parts.push(quote!(max = #v)),
                None => {}
            }
            if !parts.is_empty() {
                rules.push(quote!(range(#(#parts),*)));
            }
        }
        TypeRef::Array(item) => {
            if let Some(r) = bounds(c.min_items, c.max_items) {
                rules.push(quote!(length(#r)));
            }
            if c.unique_items {
                rules.push(quote!(custom(super::runtime::__private::unique_items)));
            }
            let default_items = Constraints::default();
            let item_constraints = c.items.as_deref().unwrap_or(&default_items);
            // garde validates every element of a list of validatable values with a plain
            // `dive` on the field (`inner(dive)` is not allowed), at any nesting depth.
            if dives_into(cx, item) {
                rules.push(quote!(dive));
            }
            // `custom` rules apply to a field, not inside `inner`, so an item's exclusive
            // number bound is not checked.
            let item_rules: Vec<TokenStream> = value_rules(cx, item, item_constraints, 0)
                .into_iter()
                .filter(|r| {
                    let text = r.to_string();
                    text != "dive" && !text.starts_with("custom")
                })
                .collect();
            if !item_rules.is_empty() {
                let items = quote!(inner(#(#item_rules),*));
                rules.push((0..options).fold(items, |rule, _| quote!(inner(#rule))));
            }
        }
        TypeRef::Named(id) if cx.validatable(*id) => rules.push(quote!(dive)),
        _ => {}
    }
    rules
}

/// Whether the values of a list (or list of lists) are types with rules of their own.
fn dives_into(cx: &TypeContext<'_>, item: &TypeRef) -> bool {
    match item {
        TypeRef::Named(id) => cx.validatable(*id),
        TypeRef::Array(inner) | TypeRef::Nullable(inner) => dives_into(cx, inner),
        _ => false,
    }
}

fn bounds(min: Option<u64>, max: Option<u64>) -> Option<TokenStream> {
    let min = min.map(|v| {
        let v = Literal::usize_unsuffixed(v as usize);
        quote!(min = #v)
    });
    let max = max.map(|v| {
        let v = Literal::usize_unsuffixed(v as usize);
        quote!(max = #v)
    });
    let parts: Vec<_> = min.into_iter().chain(max).collect();
    if parts.is_empty() {
        None
    } else {
        Some(quote!(#(#parts),*))
    }
}

/// An integer bound as a literal of the field's type; bounds that are fractional or out of
/// the type's range cannot be written as such and are left out (resolve has said so).
fn integer_literal(v: f64, kind: IntegerKind) -> Option<Literal> {
    let v = kind.bound(v)?;
    Some(match kind {
        IntegerKind::I32 => Literal::i32_unsuffixed(i32::try_from(v).ok()?),
        IntegerKind::I64 => Literal::i64_unsuffixed(v),
    })
}
