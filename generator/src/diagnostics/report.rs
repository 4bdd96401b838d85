//! Diagnostics as a person reads them: each with the offending source line and a marker
//! under the node, the way rustc shows errors. `annotate-snippets` draws them.

use super::{Diagnostic, Severity};
use annotate_snippets::{Level, Renderer, Snippet};

/// A file diagnostics may point into: its name as shown, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Renders every diagnostic, in order, followed by a count. `spec` is the file diagnostics
/// are about unless they name another (an overlay) found in `others`.
pub fn render_report(
    diagnostics: &[Diagnostic],
    spec: Source<'_>,
    others: &[Source<'_>],
) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for d in diagnostics {
        let source = match &d.file {
            Some(name) => others
                .iter()
                .find(|s| s.name == name)
                .copied()
                .unwrap_or(Source { name, text: "" }),
            None => spec,
        };
        let level = match d.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let origin = match d.position {
            Some(p) => format!("{}:{}:{}", source.name, p.line, p.column),
            None => source.name.to_string(),
        };
        let pointer = if d.pointer.is_empty() {
            "(document root)".to_string()
        } else {
            d.pointer.clone()
        };
        let at = format!("at {pointer}");
        let mut message = level.title(&d.message);
        let line = d.position.and_then(|p| {
            d.source_line
                .as_deref()
                .or_else(|| line_of(source.text, p.line as usize))
                .map(|l| (p, l))
        });
        match line {
            Some((p, text)) => {
                // Mark from the node to the end of its line: the key and its value.
                let start = floor_char_boundary(
                    text,
                    (p.column as usize).saturating_sub(1).min(text.len()),
                );
                let end = text.trim_end().len().max(start);
                // The renderer adds the line and column to the origin itself.
                let snippet = Snippet::source(text)
                    .line_start(p.line as usize)
                    .origin(source.name);
                let snippet = if end > start {
                    snippet.annotation(level.span(start..end).label(&at))
                } else {
                    snippet
                };
                message = message.snippet(snippet);
                if end <= start {
                    message = message.footer(Level::Note.title(&at));
                }
            }
            None => {
                message = message
                    .footer(Level::Note.title(&origin))
                    .footer(Level::Note.title(&at))
            }
        }
        if let Some(help) = &d.help {
            message = message.footer(Level::Help.title(help));
        }
        out.push_str(&renderer.render(message).to_string());
        out.push_str("\n\n");
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    out.push_str(&format!(
        "{}: {errors} error(s), {warnings} warning(s)\n",
        spec.name
    ));
    out
}

/// Line `n` (from 1) of `text`, without its line break.
fn line_of(text: &str, n: usize) -> Option<&str> {
    text.lines().nth(n.checked_sub(1)?)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Position;

    #[test]
    fn shows_the_line_with_a_marker_the_pointer_and_the_help() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get: 5\n";
        let mut d = Diagnostic::error("/paths/~1a/get", "this is not an operation")
            .with_help("write a mapping");
        d.position = Some(Position { line: 4, column: 5 });
        let out = render_report(
            &[d],
            Source {
                name: "api.yaml",
                text,
            },
            &[],
        );
        assert!(out.contains("error: this is not an operation"), "{out}");
        assert!(out.contains("--> api.yaml:4:5\n"), "{out}");
        assert!(out.contains("4 |     get: 5"), "{out}");
        assert!(out.contains("^^^^^^ at /paths/~1a/get"), "{out}");
        assert!(out.contains("help: write a mapping"), "{out}");
        assert!(
            out.ends_with("api.yaml: 1 error(s), 0 warning(s)\n"),
            "{out}"
        );
    }

    #[test]
    fn diagnostics_without_a_position_or_with_odd_text_still_render() {
        let d = Diagnostic::warning("", "the document is odd");
        let out = render_report(
            &[d],
            Source {
                name: "x.yaml",
                text: "",
            },
            &[],
        );
        assert!(
            out.contains("warning: the document is odd") && out.contains("(document root)"),
            "{out}"
        );
        let mut d = Diagnostic::error("/a", "beyond the end");
        d.position = Some(Position {
            line: 99,
            column: 400,
        });
        assert!(render_report(
            &[d.clone()],
            Source {
                name: "x.yaml",
                text: "é\n"
            },
            &[]
        )
        .contains("beyond the end"));
        d.position = Some(Position { line: 1, column: 2 });
        assert!(render_report(
            &[d],
            Source {
                name: "x.yaml",
                text: "é\n"
            },
            &[]
        )
        .contains("beyond the end"));
    }
}
