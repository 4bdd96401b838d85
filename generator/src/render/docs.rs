//! Spec descriptions as rustdoc.
//!
//! Descriptions are Markdown with HTML mixed in (`<SchemaDefinition ... />`), reference
//! style brackets (`[RFC6901]`), bare URLs and indented text. Rustdoc reads brackets as
//! intra-doc links, unknown tags as broken HTML, and indented blocks as Rust code to
//! compile as doctests, so each of those is neutralised here while Markdown links stay
//! links. Markup made for the vendor's documentation site goes: MDX components
//! (`<SchemaDefinition ... />`) and badges that link into the site's own page (lifecycle
//! stages); common HTML (`<code>`, `<b>`, `<a href>`, `<br>`, paragraphs and lists) becomes
//! Markdown or text. Anything else in angle brackets (`Bearer <token>`) stays as written.

use proc_macro2::TokenStream;
use quote::quote;
use regex::Regex;
use std::sync::OnceLock;

/// `#[doc = "..."]` attributes for a description; nothing when there is none.
pub fn doc_attrs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else {
        return TokenStream::new();
    };
    let text = sanitize(doc);
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// The expression is a constant checked by the tests; were it ever to fail to compile,
/// descriptions would be escaped as plain text rather than the generator failing.
fn link_or_url() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        // Either a Markdown inline link `[text](target)` or a bare http(s) URL.
        Regex::new(
            r"\[(?P<text>[^\[\]]*)\]\((?P<target>[^()\s]+)\)|(?P<url>https?://[^\s<>()\[\]`]+[^\s<>()\[\]`.,;:!?'])",
        )
        .ok()
    })
    .as_ref()
}

/// Badges: an image wrapped in a link (`[![Stage](badge.svg)](#section/...)`), or a bare
/// shields.io image.
fn badge() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\[!\[[^\[\]]*\]\([^()\s]*\)\]\([^()\s]*\)|!\[[^\[\]]*\]\(https?://img\.shields\.io/[^()\s]*\)").ok()
    })
    .as_ref()
}

/// An HTML link, `<a href="target">text</a>`.
fn html_link() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"<a\s[^<>]*href\s*=\s*["']([^"'<>]*)["'][^<>]*>([^<>]*)</a\s*>"#).ok()
    })
    .as_ref()
}

/// An opening, closing or self-closing tag.
fn tag() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"</?([A-Za-z][A-Za-z0-9]*)(\s[^<>]*)?/?>").ok())
        .as_ref()
}

/// HTML elements whose tags are dropped, keeping what they enclose.
const DROPPED_TAGS: &[&str] = &[
    "a",
    "blockquote",
    "caption",
    "center",
    "details",
    "div",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "ol",
    "p",
    "pre",
    "small",
    "span",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// A line without the markup of the vendor's site, with common HTML as Markdown. Code
/// spans (between backticks) are left as written.
fn strip_markup(line: &str) -> String {
    line.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                part.to_string()
            } else {
                strip_markup_in_text(part)
            }
        })
        .collect::<Vec<_>>()
        .join("`")
}

fn strip_markup_in_text(line: &str) -> String {
    let mut line = line.to_string();
    if let Some(re) = badge() {
        line = re.replace_all(&line, "").into_owned();
    }
    if let Some(re) = html_link() {
        line = re
            .replace_all(&line, |c: &regex::Captures<'_>| {
                let (target, text) = (&c[1], &c[2]);
                if target.starts_with("http://") || target.starts_with("https://") {
                    format!("[{text}]({target})")
                } else {
                    text.to_string()
                }
            })
            .into_owned();
    }
    if let Some(re) = tag() {
        line = re
            .replace_all(&line, |c: &regex::Captures<'_>| {
                let name = &c[1];
                // Capitalized tags with attributes, or self-closing, are components of the
                // site's MDX, with nothing to show; `<Token>` alone is a placeholder.
                let whole = &c[0];
                if name.starts_with(|ch: char| ch.is_ascii_uppercase()) {
                    return if c.get(2).is_some() || whole.ends_with("/>") {
                        String::new()
                    } else {
                        whole.to_string()
                    };
                }
                match name.to_ascii_lowercase().as_str() {
                    "code" | "tt" | "kbd" => "`".to_string(),
                    "b" | "strong" => "**".to_string(),
                    "i" | "em" => "*".to_string(),
                    "br" => " ".to_string(),
                    "li" if !c[0].starts_with("</") => "- ".to_string(),
                    "li" => String::new(),
                    lower if DROPPED_TAGS.contains(&lower) => String::new(),
                    _ => c[0].to_string(),
                }
            })
            .into_owned();
    }
    line
}

/// Rewrites a description into Markdown that rustdoc accepts without warnings.
pub fn sanitize(doc: &str) -> String {
    let mut out = String::new();
    let mut in_fence = false;
    // The column where the text of the current list item starts, while in a list.
    let mut item_text: Option<usize> = None;
    for line in doc.trim().lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            // Fenced blocks are shown as text, never compiled as doctests.
            out.push_str(if in_fence { "```" } else { "```text" });
            out.push('\n');
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if trimmed.is_empty() {
            out.push('\n');
            item_text = None;
            continue;
        }
        let stripped = strip_markup(trimmed);
        let trimmed = stripped.trim();
        if trimmed.is_empty() {
            // Only markup: the line goes, without becoming a paragraph break.
            continue;
        }
        let mut indent = line.len() - line.trim_start().len();
        let marker = list_marker_width(trimmed);
        match (item_text, marker) {
            // A new paragraph right after a list: without a blank line Markdown would fold
            // it into the last item.
            (Some(_), None) if indent == 0 => {
                out.push('\n');
                item_text = None;
            }
            // A continuation of an item is indented at least to the item's text.
            (Some(col), None) => indent = indent.max(col),
            _ => {}
        }
        if item_text.is_none() {
            // Four spaces outside a list would start an indented code block (a doctest).
            indent = indent.min(3);
        }
        if let Some(width) = marker {
            item_text = Some(indent + width);
        }
        out.push_str(&" ".repeat(indent));
        out.push_str(&escape_line(trimmed));
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    // A description that began with markup alone does not begin with blank lines.
    out.trim_start_matches('\n').trim_end().to_string()
}

/// The width of a list marker and its space (`- `, `12. `), if the line starts a list item.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

fn escape_line(line: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    let Some(re) = link_or_url() else {
        return escape_text(line);
    };
    for caps in re.captures_iter(line) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(&escape_text(&line[last..whole.start()]));
        if let Some(url) = caps.name("url") {
            out.push('<');
            out.push_str(url.as_str());
            out.push('>');
        } else {
            let text = caps.name("text").map_or("", |m| m.as_str());
            let target = caps.name("target").map_or("", |m| m.as_str());
            if target.starts_with("http://") || target.starts_with("https://") {
                out.push('[');
                out.push_str(&escape_text(text));
                out.push_str("](");
                out.push_str(target);
                out.push(')');
            } else {
                // Links into the spec's own web page (`#section/...`) lead nowhere in rustdoc.
                out.push_str(&escape_text(text));
            }
        }
        last = whole.end();
    }
    out.push_str(&escape_text(&line[last..]));
    out
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_markup_goes_and_html_becomes_markdown() {
        assert_eq!(
            sanitize("## Model\n<SchemaDefinition schemaRef=\"#/x\" />\n\nText."),
            "## Model\n\nText."
        );
        assert_eq!(
            sanitize("[![General Availability](https://img.shields.io/badge/GA-x)](#section/Versioning)\n\nMake a request."),
            "Make a request."
        );
        assert_eq!(
            sanitize("Use <code>id</code>, <b>not</b> <i>name</i>.<br/>See <a href=\"https://x.io/d\">docs</a>."),
            "Use `id`, **not** *name*. See [docs](https://x.io/d)."
        );
        assert_eq!(sanitize("<p>One</p><ul><li>a</li></ul>"), "One- a");
        // Angle brackets that are not known tags are text.
        assert_eq!(
            sanitize("Send `Bearer <token>` or <foo>."),
            "Send `Bearer &lt;token&gt;` or &lt;foo&gt;."
        );
    }

    #[test]
    fn html_brackets_and_urls_are_neutralised() {
        assert_eq!(
            sanitize("A JSON Pointer [RFC6901] to it"),
            "A JSON Pointer \\[RFC6901\\] to it"
        );
        assert_eq!(
            sanitize("see https://example.com/a."),
            "see <https://example.com/a>."
        );
    }

    #[test]
    fn markdown_links_stay_and_page_anchors_become_text() {
        assert_eq!(
            sanitize("[Guide](https://docs.example.com/g)."),
            "[Guide](https://docs.example.com/g)."
        );
        assert_eq!(sanitize("[Versioning](#section/Versioning)"), "Versioning");
        assert_eq!(
            sanitize("Stage: [![GA](https://img.shields.io/b)](#section/x)"),
            "Stage:"
        );
    }

    #[test]
    fn indentation_and_fences_never_become_doctests() {
        assert_eq!(sanitize("a\n\n    code here\n"), "a\n\n   code here");
        assert_eq!(sanitize("```\nfn x() {}\n```"), "```text\nfn x() {}\n```");
        assert_eq!(sanitize("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn lists_keep_their_continuations_and_end_before_a_new_paragraph() {
        assert_eq!(
            sanitize("- a\n  wrapped\n- b\nAfter."),
            "- a\n  wrapped\n- b\n\nAfter."
        );
        assert_eq!(sanitize("1. one\n2. two"), "1. one\n2. two");
        assert_eq!(
            sanitize("Phase.\n  * `A` is\n    wrapped.\n  * `B` too\n  wrapped less"),
            "Phase.\n  * `A` is\n    wrapped.\n  * `B` too\n    wrapped less"
        );
    }

    #[test]
    fn the_expressions_compile() {
        assert!(link_or_url().is_some_and(|re| re.is_match("https://a.b")));
        assert!(badge().is_some_and(|re| re.is_match("[![a](b)](#c)")));
        assert!(html_link().is_some_and(|re| re.is_match("<a href='x'>y</a>")));
        assert!(tag().is_some_and(|re| re.is_match("<br/>")));
    }
}
