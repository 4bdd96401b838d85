//! A map from JSON pointers to line and column numbers in the spec text.
//!
//! `serde_yaml` does not report where values sit, so the text is read a second time with
//! `yaml-rust2`'s event parser, whose events carry positions. JSON is valid YAML for this
//! purpose, so the same walk serves JSON specs.

use crate::diagnostics::{pointer_push, Position};
use std::collections::BTreeMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

#[derive(Debug, Default, Clone)]
pub struct Positions {
    by_pointer: BTreeMap<String, Position>,
}

impl Positions {
    /// Builds the map. Text the event parser cannot read gives an empty map: positions are
    /// a help for diagnostics, never a reason to fail.
    pub fn from_text(text: &str) -> Self {
        let mut walker = Walker::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut walker, false).is_err() {
            return Positions::default();
        }
        Positions {
            by_pointer: walker.found,
        }
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
            }) => match pending_key.take() {
                Some((key, at)) => Some((pointer_push(pointer, &key), at)),
                None => {
                    // A key: remember it for the value that follows. Complex keys get a
                    // placeholder so that the walk stays in step.
                    *pending_key = Some((scalar.unwrap_or("?").to_string(), here));
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
    }
}
