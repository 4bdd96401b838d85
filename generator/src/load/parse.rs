//! Text into a JSON tree: JSON with `serde_json` (a YAML reader does not accept all of
//! JSON: surrogate-pair escapes such as `"\ud83d\udc4d"`, for one), YAML with
//! `serde_yaml`. Keeping YAML behind this one function lets a maintained fork replace
//! `serde_yaml` in one place.

use super::tree::Tree;
use crate::diagnostics::{Diagnostic, Position};
use serde::de::DeserializeSeed;
use serde_json::Value;
use std::cell::Cell;

/// A parsed file: its tree, and how many keys repeated within a mapping (the last value
/// is kept; the loader says where, from the text).
#[derive(Debug)]
pub struct Parsed {
    pub tree: Value,
    pub repeated_keys: u32,
}

/// Whether the text is JSON rather than YAML: it starts with `{` or `[`. (YAML's flow
/// style starts the same way; such a text that is not JSON is read as YAML.)
pub fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r'])
        .starts_with(['{', '['])
}

/// Parses `text`. `what` says what the text should be, for the message when it is empty.
pub fn parse_tree(text: &str, what: &str) -> Result<Parsed, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("", "the document is empty")
            .with_help(format!("give {what} in YAML or JSON")));
    }
    let repeated_keys = Cell::new(0);
    let seed = Tree {
        repeated_keys: &repeated_keys,
    };
    let done = |tree| Parsed {
        tree,
        repeated_keys: repeated_keys.get(),
    };
    if looks_like_json(text) {
        let body = text.trim_start_matches('\u{feff}');
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let parsed = seed
            .deserialize(&mut deserializer)
            .and_then(|tree| deserializer.end().map(|()| tree));
        match parsed {
            Ok(tree) => return Ok(done(tree)),
            Err(json_error) => {
                // Flow-style YAML also starts with a brace; only when it is not YAML either
                // is the JSON error the one to report.
                repeated_keys.set(0);
                if let Ok(tree) = seed.deserialize(serde_yaml::Deserializer::from_str(text)) {
                    return Ok(done(tree));
                }
                let mut d =
                    Diagnostic::error("", format!("the document is not valid JSON: {json_error}"));
                if json_error.line() > 0 {
                    d.position = Some(Position::new(json_error.line(), json_error.column()));
                }
                return Err(d);
            }
        }
    }
    seed.deserialize(serde_yaml::Deserializer::from_str(text))
        .map(done)
        .map_err(|e| {
            let mut d =
                Diagnostic::error("", format!("the document is not valid YAML or JSON: {e}"));
            d.position = e.location().map(|l| Position::new(l.line(), l.column()));
            d
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_read_as_json() {
        let parsed = parse_tree(
            r#"{"a": "Hello! \ud83d\udc4d", "big": 18446744073709551615, "n": 12345678901234567890123}"#,
            "x",
        )
        .expect("reads");
        assert_eq!(parsed.tree["a"], json!("Hello! 👍"));
        assert_eq!(parsed.tree["big"], json!(18446744073709551615u64));
        assert!(parsed.tree["n"].is_f64());
    }

    #[test]
    fn repeated_keys_are_counted() {
        let parsed = parse_tree(r#"{"a": 1, "a": 2}"#, "x").expect("reads");
        assert_eq!(parsed.tree, json!({"a": 2}));
        assert_eq!(parsed.repeated_keys, 1);
        let parsed = parse_tree("a: 1\na: 2\n", "x").expect("reads");
        assert_eq!(parsed.repeated_keys, 1);
    }

    #[test]
    fn flow_yaml_and_broken_json_are_told_apart() {
        let parsed = parse_tree("{openapi: 3.1.0, info: {title: t}}", "x").expect("reads");
        assert_eq!(parsed.tree["openapi"], json!("3.1.0"));
        let e = parse_tree("{\n  \"a\": [1,\n}", "x").expect_err("refused");
        assert!(e.message.contains("not valid JSON"), "{}", e.message);
        assert_eq!(e.position.map(|p| p.line), Some(3));
    }
}
