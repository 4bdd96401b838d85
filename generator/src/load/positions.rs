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
    Mapping {
        pointer: String,
        pending_key: Option<String>,
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
    /// Decides the pointer of a node that starts now. Returns `None` when the node is a
    /// mapping key rather than a value.
    fn next_value_pointer(&mut self, scalar: Option<&str>) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Sequence {
                pointer,
                next_index,
            }) => {
                let p = pointer_push(pointer, &next_index.to_string());
                *next_index += 1;
                Some(p)
            }
            Some(Frame::Mapping {
                pointer,
                pending_key,
            }) => match pending_key.take() {
                Some(key) => Some(pointer_push(pointer, &key)),
                None => {
                    // A key: remember it for the value that follows. Complex keys get a
                    // placeholder so that the walk stays in step.
                    *pending_key = Some(scalar.unwrap_or("?").to_string());
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let position = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(p) = self.next_value_pointer(Some(&value)) {
                    self.found.entry(p).or_insert(position);
                }
            }
            Event::Alias(_) => {
                if let Some(p) = self.next_value_pointer(None) {
                    self.found.entry(p).or_insert(position);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let pointer = self.next_value_pointer(None).unwrap_or_default();
                self.found.entry(pointer.clone()).or_insert(position);
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
        assert_eq!(
            p.find("/a/b/1/y"),
            Some(Position {
                line: 4,
                column: 10
            })
        );
        assert_eq!(p.find("/a/c~1d"), Some(Position { line: 5, column: 8 }));
        assert_eq!(p.find("/a/b/0"), Some(Position { line: 3, column: 7 }));
        // An unknown child falls back to its parent.
        assert_eq!(p.find("/a/b/7"), p.find("/a/b"));
    }

    #[test]
    fn json_text_works_too() {
        let p = Positions::from_text("{\n  \"a\": {\"b\": [1, 2]}\n}");
        assert_eq!(p.find("/a/b/1").map(|p| p.line), Some(2));
    }
}
