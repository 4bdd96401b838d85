//! Turning token streams into source text: checked by `syn`, printed by `prettyplease`.

use crate::diagnostics::Diagnostic;
use proc_macro2::TokenStream;

/// Parses the tokens as a Rust file and pretty-prints them. A parse failure is a bug in
/// the generator, reported as a diagnostic rather than a panic.
pub fn format_file(tokens: TokenStream, what: &str) -> Result<String, Diagnostic> {
    let file = syn::parse2::<syn::File>(tokens).map_err(|e| {
        Diagnostic::internal_error(
            "",
            format!("the generated {what} does not parse as Rust: {e}"),
        )
    })?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// prettyplease puts no blank line between items; one after each closing brace or
/// semicolon that ends an item makes the output readable. Items nested one level (inside
/// `impl` blocks) get the same treatment.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let ends_item = matches!(*line, "}" | "    }")
            || (!line.starts_with([' ', '/']) && line.ends_with(';'));
        let next = lines.get(i + 1).copied().unwrap_or("");
        let next_closes = next.trim_start().starts_with('}');
        if ends_item && !next.is_empty() && !next_closes {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn items_are_separated_by_blank_lines() {
        let text = format_file(
            quote! { pub struct A; pub struct B { x: u8 } impl B { fn a() {} fn b() {} } },
            "test",
        )
        .expect("formats");
        assert_eq!(
            text,
            "pub struct A;\n\npub struct B {\n    x: u8,\n}\n\nimpl B {\n    fn a() {}\n    fn b() {}\n}\n"
        );
    }

    #[test]
    fn unparsable_tokens_are_a_diagnostic() {
        let err = format_file(quote! { pub struct }, "test").expect_err("must fail");
        assert!(err.message.contains("does not parse"));
    }
}
