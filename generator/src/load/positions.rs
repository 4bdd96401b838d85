//! A map from JSON pointers to line and column numbers in the spec text.
//!
//! Neither `serde_yaml` nor `serde_json` reports where values sit, so the text is read a
//! second time (only when there is something to report): YAML with `yaml-rust2`'s event
//! parser, whose events carry positions, and JSON with the small scanner below (a YAML
//! reader does not accept all of JSON: surrogate-pair escapes, for one). The same walk
//! finds keys that repeat within a mapping.

use crate::diagnostics::{pointer_push, Position};
use std::collections::BTreeMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

#[derive(Debug, Default, Clone)]
pub struct Positions {
    by_pointer: BTreeMap<String, Position>,
    /// Keys written twice in one mapping: the pointer of the value and where the second
    /// one is written.
    repeated: Vec<(String, Position)>,
}

impl Positions {
    /// Builds the map. Text that cannot be read gives an empty map: positions are a help
    /// for diagnostics, never a reason to fail.
    pub fn from_text(text: &str) -> Self {
        if super::parse::looks_like_json(text) {
            if let Some(found) = json::scan(text) {
                return found;
            }
        }
        let mut walker = Walker::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut walker, false).is_err() {
            return Positions::default();
        }
        Positions {
            by_pointer: walker.found,
            repeated: walker.repeated,
        }
    }

    /// Keys written more than once in the same mapping, by the pointer of their value and
    /// where the repetition is written, in text order.
    pub fn repeated_keys(&self) -> &[(String, Position)] {
        &self.repeated
    }

    /// The position of the node at `pointer`, or of its nearest ancestor that has one.
    pub fn find(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.by_pointer.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }
}

enum Frame {
    /// `pending_key` is the key whose value comes next, with where the key is written:
    /// a value is located at its key, which is where a reader looks for it.
    Mapping {
        pointer: String,
        pending_key: Option<(String, Position)>,
        keys: std::collections::BTreeSet<String>,
    },
    Sequence {
        pointer: String,
        next_index: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    found: BTreeMap<String, Position>,
    repeated: Vec<(String, Position)>,
}

impl Walker {
    /// Decides the pointer and position of a node that starts at `here`. Returns `None`
    /// when the node is a mapping key rather than a value.
    fn next_value(&mut self, scalar: Option<&str>, here: Position) -> Option<(String, Position)> {
        match self.stack.last_mut() {
            None => Some((String::new(), here)),
            Some(Frame::Sequence {
                pointer,
                next_index,
            }) => {
                let p = pointer_push(pointer, &next_index.to_string());
                *next_index += 1;
                Some((p, here))
            }
            Some(Frame::Mapping {
                pointer,
                pending_key,
                keys,
            }) => match pending_key.take() {
                Some((key, at)) => Some((pointer_push(pointer, &key), at)),
                None => {
                    // A key: remember it for the value that follows. Complex keys get a
                    // placeholder so that the walk stays in step.
                    let key = scalar.unwrap_or("?").to_string();
                    if !keys.insert(key.clone()) {
                        self.repeated.push((pointer_push(pointer, &key), here));
                    }
                    *pending_key = Some((key, here));
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let position = Position::new(mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(value, ..) => {
                if let Some((p, at)) = self.next_value(Some(&value), position) {
                    self.found.entry(p).or_insert(at);
                }
            }
            Event::Alias(_) => {
                if let Some((p, at)) = self.next_value(None, position) {
                    self.found.entry(p).or_insert(at);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (pointer, at) = self
                    .next_value(None, position)
                    .unwrap_or((String::new(), position));
                self.found.entry(pointer.clone()).or_insert(at);
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Mapping {
                        pointer,
                        pending_key: None,
                        keys: Default::default(),
                    }
                } else {
                    Frame::Sequence {
                        pointer,
                        next_index: 0,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// Positions in JSON text.
mod json {
    use super::{Position, Positions};
    use crate::diagnostics::pointer_push;

    /// Scans JSON text for the positions of its values (located at their keys, as in
    /// YAML) and for repeated keys. `None` when the text is not JSON after all.
    pub(super) fn scan(text: &str) -> Option<Positions> {
        let mut scanner = Scanner {
            chars: text.char_indices().peekable(),
            line: 1,
            column: 1,
            out: Positions::default(),
        };
        scanner.skip_space();
        let here = scanner.position();
        scanner.value(String::new(), here, 0)?;
        Some(scanner.out)
    }

    /// Nesting deeper than this is not JSON the loader accepts anyway.
    const MAX_DEPTH: usize = 512;

    struct Scanner<'t> {
        chars: std::iter::Peekable<std::str::CharIndices<'t>>,
        line: usize,
        column: usize,
        out: Positions,
    }

    impl Scanner<'_> {
        fn position(&self) -> Position {
            Position::new(self.line, self.column)
        }

        fn next(&mut self) -> Option<char> {
            let (_, c) = self.chars.next()?;
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
            Some(c)
        }

        fn peek(&mut self) -> Option<char> {
            self.chars.peek().map(|(_, c)| *c)
        }

        fn skip_space(&mut self) {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r' | '\u{feff}')) {
                self.next();
            }
        }

        fn expect(&mut self, wanted: char) -> Option<()> {
            self.skip_space();
            (self.next()? == wanted).then_some(())
        }

        /// Reads the value at `pointer`, which a reader looks for at `at`.
        fn value(&mut self, pointer: String, at: Position, depth: usize) -> Option<()> {
            if depth > MAX_DEPTH {
                return None;
            }
            self.skip_space();
            self.out.by_pointer.entry(pointer.clone()).or_insert(at);
            match self.peek()? {
                '{' => {
                    self.next();
                    let mut keys = std::collections::BTreeSet::new();
                    self.skip_space();
                    if self.peek()? == '}' {
                        self.next();
                        return Some(());
                    }
                    loop {
                        self.skip_space();
                        let key_at = self.position();
                        let key = self.string()?;
                        let child = pointer_push(&pointer, &key);
                        if !keys.insert(key) {
                            self.out.repeated.push((child.clone(), key_at));
                        }
                        self.expect(':')?;
                        self.value(child, key_at, depth + 1)?;
                        self.skip_space();
                        match self.next()? {
                            ',' => continue,
                            '}' => return Some(()),
                            _ => return None,
                        }
                    }
                }
                '[' => {
                    self.next();
                    self.skip_space();
                    if self.peek()? == ']' {
                        self.next();
                        return Some(());
                    }
                    let mut index = 0usize;
                    loop {
                        self.skip_space();
                        let item_at = self.position();
                        self.value(
                            pointer_push(&pointer, &index.to_string()),
                            item_at,
                            depth + 1,
                        )?;
                        index += 1;
                        self.skip_space();
                        match self.next()? {
                            ',' => continue,
                            ']' => return Some(()),
                            _ => return None,
                        }
                    }
                }
                '"' => self.string().map(|_| ()),
                _ => {
                    // A number or a literal: everything up to the next delimiter.
                    let mut any = false;
                    while let Some(c) = self.peek() {
                        if matches!(c, ',' | '}' | ']' | ' ' | '\t' | '\n' | '\r') {
                            break;
                        }
                        self.next();
                        any = true;
                    }
                    any.then_some(())
                }
            }
        }

        /// Reads a string, decoding its escapes (a key names a pointer token).
        fn string(&mut self) -> Option<String> {
            if self.next()? != '"' {
                return None;
            }
            let mut out = String::new();
            let mut pending_high: Option<u32> = None;
            loop {
                let c = self.next()?;
                match c {
                    '"' => return Some(out),
                    '\\' => {
                        let escaped = self.next()?;
                        let decoded = match escaped {
                            'u' => {
                                let mut code = 0u32;
                                for _ in 0..4 {
                                    code = code * 16 + self.next()?.to_digit(16)?;
                                }
                                if (0xD800..0xDC00).contains(&code) {
                                    pending_high = Some(code);
                                    continue;
                                }
                                let code = match pending_high.take() {
                                    Some(high) if (0xDC00..0xE000).contains(&code) => {
                                        0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                                    }
                                    _ => code,
                                };
                                char::from_u32(code).unwrap_or('\u{fffd}')
                            }
                            'n' => '\n',
                            't' => '\t',
                            'r' => '\r',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            other => other,
                        };
                        out.push(decoded);
                    }
                    c => out.push(c),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_and_falls_back_to_ancestors() {
        let text = "a:\n  b:\n    - x\n    - y: 1\n  c/d: 2\n";
        let p = Positions::from_text(text);
        // Values in mappings are located at their keys, sequence items where they start.
        let at = |line, column| Some(Position { line, column });
        assert_eq!(p.find("/a/b/1/y"), at(4, 7));
        assert_eq!(p.find("/a/c~1d"), at(5, 3));
        assert_eq!(p.find("/a/b"), at(2, 3));
        assert_eq!(p.find("/a/b/0"), at(3, 7));
        // An unknown child falls back to its parent.
        assert_eq!(p.find("/a/b/7"), p.find("/a/b"));
    }

    #[test]
    fn json_text_works_too() {
        let p = Positions::from_text("{\n  \"a\": {\"b\": [1, 2]}\n}");
        assert_eq!(p.find("/a/b/1").map(|p| p.line), Some(2));
        assert_eq!(p.find("/a"), Some(Position { line: 2, column: 3 }));
    }

    #[test]
    fn json_with_surrogate_escapes_and_escaped_keys_is_located() {
        let text = "{\"x\": \"Hello! \\ud83d\\udc4d\",\n \"a/\\u00e9\": {\"k\": true}}";
        let p = Positions::from_text(text);
        assert_eq!(
            p.find("/a~1é/k"),
            Some(Position {
                line: 2,
                column: 15
            })
        );
    }

    #[test]
    fn repeated_keys_are_found_in_yaml_and_json() {
        let p = Positions::from_text("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(
            p.repeated_keys(),
            &[("/b/c".to_string(), Position { line: 4, column: 3 })]
        );
        let p = Positions::from_text("{\"a\": 1,\n\"a\": 2}");
        assert_eq!(
            p.repeated_keys(),
            &[("/a".to_string(), Position { line: 2, column: 1 })]
        );
    }
}
