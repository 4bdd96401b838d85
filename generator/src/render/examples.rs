//! A test file for the generated crate: every example the spec gives for a response
//! body or a component schema decodes into its generated type and encodes back to the same
//! JSON (property order aside).

use super::context::{ident, TypeContext};
use crate::model::{Api, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The test source, or `None` when the spec has no example a typed decode can check.
pub fn render_example_tests(api: &Api, crate_ident: &str) -> Option<TokenStream> {
    let cx = TypeContext::from_outside(api, crate_ident);
    let checks: Vec<TokenStream> = api
        .examples
        .iter()
        // A free-form value decodes from anything, so its examples prove nothing.
        .filter(|e| !matches!(e.ty, TypeRef::Json | TypeRef::Map(_)) && e.problem.is_none())
        .map(|e| {
            let ty = cx.tokens(&e.ty, None);
            let pointer = &e.pointer;
            let json = e.value.to_string();
            let root = ident(crate_ident);
            quote!(::#root::runtime::__private::check_example::<#ty>(#pointer, #json))
        })
        .collect();
    let skipped: Vec<String> = api
        .examples
        .iter()
        .filter_map(|e| e.problem.as_ref().map(|p| format!("{}: {p}", e.pointer)))
        .collect();
    if checks.is_empty() && skipped.is_empty() {
        return None;
    }
    let count = checks.len();
    let skip_count = skipped.len();
    // The crate name leads each line, so that a run over many crates can be read per crate.
    let skip_line = format!("{crate_ident}: skipped, the example breaks its own schema: {{}}");
    let count_line = format!("{crate_ident}: {{}} of {{}} examples round-trip");
    Some(quote! {
        /// Checks every example, prints what was skipped and counted, and fails when any
        /// example does not round-trip.
        pub fn run() {
            // Examples that break their own schema are not expected to decode.
            let skipped: [&str; #skip_count] = [#(#skipped),*];
            for line in skipped {
                println!(#skip_line, line);
            }
            let results: [Result<(), String>; #count] = [#(#checks),*];
            let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
            println!(#count_line, #count - failures.len(), #count);
            assert!(failures.is_empty(), "{} examples failed:\n{}", failures.len(), failures.join("\n"));
        }
    })
}

/// The test target's root file. It is written as rustfmt lays it out and mounts the
/// generated checks with `#[rustfmt::skip]`, so `cargo fmt` leaves both files alone.
pub fn example_tests_main(header: &str, gated: bool) -> String {
    // A crate gated by tag has every type only with all its features on.
    let gate = if gated {
        "#![cfg(feature = \"full\")]\n\n"
    } else {
        ""
    };
    format!(
        "{header}//! Every example the spec gives for a response body or a schema decodes into its\n\
         //! generated type and encodes back to the same JSON.\n\n\
         {gate}#[rustfmt::skip]\nmod cases;\n\n\
         #[test]\nfn examples_round_trip() {{\n    cases::run();\n}}\n"
    )
}
