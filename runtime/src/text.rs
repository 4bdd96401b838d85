//! Text from the wire, made safe to show: bounded in length and free of control
//! characters, so an error message can neither grow with what a server sends nor carry
//! terminal escapes into a log or a terminal.

/// The most characters of a server's text an error message keeps.
pub(crate) const MESSAGE_CHARS: usize = 300;

/// `text`, at most `max` characters long (cut on character boundaries), with control
/// characters and Unicode direction overrides written as escapes (`\u{1b}`). A text that is
/// too long keeps its start and its end, joined by `…`: serde's messages end with what was
/// expected, which says more than the middle of a long value.
pub(crate) fn bounded(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return escaped(text.chars(), count);
    }
    // A quarter for the end, the rest (less the ellipsis) for the start.
    let tail = max / 4;
    let head = max.saturating_sub(tail).saturating_sub(1);
    let mut out = escaped(text.chars().take(head), head);
    out.push('…');
    out.push_str(&escaped(text.chars().skip(count - tail), tail));
    out
}

fn escaped(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    for c in chars {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (ANSI escapes start with one), and the marks that reorder text on
/// screen so that what is shown is not what is written.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How much of an unreadable body an error keeps, in characters.
#[cfg(feature = "client")]
pub(crate) const EXCERPT_CHARS: usize = 200;

/// The start of a body, as errors show it: at most [`EXCERPT_CHARS`] characters, control
/// characters escaped. Only the start is decoded, however large the body.
#[cfg(feature = "client")]
pub(crate) fn excerpt(body: &[u8]) -> String {
    // Four bytes per character at most, and one more to tell whether anything follows.
    let start = &body[..body.len().min(EXCERPT_CHARS * 4 + 1)];
    let text = String::from_utf8_lossy(start);
    let mut out = bounded(
        &text.chars().take(EXCERPT_CHARS).collect::<String>(),
        EXCERPT_CHARS,
    );
    if text.chars().nth(EXCERPT_CHARS).is_some() || start.len() < body.len() {
        out.push('…');
    }
    out
}

/// A URL as error messages and `Debug` show it: without the user name and password it
/// may carry. A URL that parses is shown as parsed; one that does not (a password holding
/// `/`, `?` or `#` unescaped, say) is cut at its last `@`, wherever that is, since where
/// its authority ends cannot be known.
#[cfg(feature = "client")]
pub(crate) fn shown_url(url: &str) -> String {
    // A URL without an authority (`user:pass@host` reads as the scheme `user`) is shown
    // the careful way.
    if let Some(mut parsed) = url::Url::parse(url).ok().filter(|u| !u.cannot_be_a_base()) {
        if parsed.username().is_empty() && parsed.password().is_none() {
            return bounded(url, 2_000);
        }
        if parsed.set_password(None).is_ok() && parsed.set_username("").is_ok() {
            let text = parsed.as_str();
            if let Some((scheme, rest)) = text.split_once("://") {
                return bounded(&format!("{scheme}://***@{rest}"), 2_000);
            }
        }
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let shown = match rest.rfind('@') {
        Some(at) if scheme.is_empty() => format!("***@{}", &rest[at + 1..]),
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    };
    bounded(&shown, 2_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_controls_are_escaped() {
        assert_eq!(bounded("plain", 10), "plain");
        assert_eq!(bounded("a\u{1b}[31mred", 20), "a\\u{1b}[31mred");
        assert_eq!(bounded("line\nnext\r", 20), "line\\u{a}next\\u{d}");
        assert_eq!(bounded("x\u{202e}y", 20), "x\\u{202e}y");
    }

    #[test]
    fn long_text_keeps_its_start_and_end_within_the_bound() {
        let long = format!("start{}end", "é".repeat(1_000_000));
        let shown = bounded(&long, 40);
        assert_eq!(shown.chars().count(), 40);
        assert!(shown.starts_with("startéé"), "{shown}");
        assert!(shown.ends_with("éend"), "{shown}");
        assert!(shown.contains('…'));
    }

    #[test]
    fn tiny_bounds_do_not_underflow() {
        for max in 0..4 {
            assert!(bounded("abcdefgh", max).chars().count() <= max.max(1));
        }
    }
}
