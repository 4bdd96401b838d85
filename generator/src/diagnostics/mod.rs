//! Diagnostics: what is wrong with a spec, and where.
//!
//! Every diagnostic carries the JSON pointer of the node it is about; the loader's
//! `Positions` turns pointers into line and column numbers when the
//! diagnostics are shown.

mod report;

pub use report::{render_report, Source};

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A line and column in the spec text, both counted from 1. (`u32` keeps diagnostics
/// small; a text with more lines than that is refused long before.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Position {
            line: clamp(line),
            column: clamp(column),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// JSON pointer (RFC 6901) of the node the diagnostic is about; empty for the root.
    pub pointer: String,
    pub position: Option<Position>,
    pub message: String,
    /// What would fix the problem, when there is an obvious fix.
    pub help: Option<Box<str>>,
    /// The file the diagnostic is about, when it is not the spec's root document (an
    /// overlay, or another file of a multi-file spec), by the name it is shown under.
    pub file: Option<String>,
    /// The line of text at [`Diagnostic::position`], for showing it.
    pub source_line: Option<Box<str>>,
    /// A failure of the generator itself rather than of the spec: a bug, never the user's
    /// to fix. Kept apart so that tests and the fuzzer count every one as a failure, even
    /// when it is only a warning and the run produced files.
    pub internal: bool,
}

impl Diagnostic {
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            pointer: pointer.into(),
            position: None,
            message: message.into(),
            help: None,
            file: None,
            source_line: None,
            internal: false,
        }
    }

    /// A failure of the generator itself (see [`Diagnostic::internal`]).
    pub fn internal_error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            internal: true,
            ..Diagnostic::error(pointer, format!("internal error: {}", message.into()))
        }
    }

    /// An inconsistency of the generator's own that it worked around; generation goes on,
    /// but the diagnostic still counts as a failure in tests and fuzzing.
    pub fn internal_warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            internal: true,
            ..Diagnostic::warning(pointer, format!("internal: {}", message.into()))
        }
    }

    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(pointer, message)
        }
    }

    /// Marks the diagnostic as being about another file than the spec.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file = Some(file.to_string());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// Renders the diagnostic as `file:line:column: severity: message` followed by the JSON
    /// pointer and the help text on their own lines.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayDiagnostic {
            diagnostic: self,
            file,
        }
    }
}

struct DisplayDiagnostic<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for DisplayDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", d.file.as_deref().unwrap_or(self.file))?;
        if let Some(p) = d.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        write!(f, ": {severity}: {}", d.message)?;
        let pointer = if d.pointer.is_empty() {
            "(document root)"
        } else {
            &d.pointer
        };
        write!(f, "\n  at {pointer}")?;
        if let Some(help) = &d.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics while a stage runs. Stages push problems and carry on where they
/// can, so that one run reports every problem rather than only the first.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(pointer, message));
    }

    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(pointer, message));
    }

    pub fn internal_warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::internal_warning(pointer, message));
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{escaped}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(
            pointer_push("/paths", "/things/{id}"),
            "/paths/~1things~1{id}"
        );
        assert_eq!(pointer_push("", "a~b"), "/a~0b");
    }

    #[test]
    fn display_names_file_position_pointer_and_help() {
        let mut d =
            Diagnostic::error("/components/schemas/A", "something is off").with_help("fix it");
        d.position = Some(Position { line: 3, column: 5 });
        let text = d.display("spec.yaml").to_string();
        assert_eq!(
            text,
            "spec.yaml:3:5: error: something is off\n  at /components/schemas/A\n  help: fix it"
        );
    }
}
