//! Where each node of a loaded document sits in its source text.
//!
//! Lint findings and load errors name a JSON pointer; this index turns the
//! pointer into a line and column. It also keeps the source text of plain
//! YAML scalars, so that a value YAML typed as a number (`version: 1.10`)
//! can be given back to OpenAPI as the exact string that was written.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

use crate::pointer;

/// A 1-based line and column in the source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[derive(Debug, Clone)]
struct Entry {
    position: Position,
    /// Source text of a plain scalar; `None` for quoted scalars and collections.
    plain: Option<String>,
}

/// JSON pointer → source position, built from the parser's event stream.
#[derive(Debug, Clone, Default)]
pub struct PositionIndex {
    entries: HashMap<String, Entry>,
}

enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
}

impl PositionIndex {
    /// Builds the index of the first document in `text`. The text has already
    /// been parsed successfully (with limits) by the loader, so a parse error
    /// here only stops indexing; it is never reported.
    pub fn build(text: &str) -> Self {
        let mut entries = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut seen_root = false;
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let position = Position {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            let (is_node, plain) = match &event {
                Event::Scalar(value, style, ..) => (
                    true,
                    matches!(style, ScalarStyle::Plain).then(|| value.to_string()),
                ),
                Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(..) => {
                    (true, None)
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    Self::finish_value(&mut stack);
                    continue;
                }
                Event::DocumentEnd if seen_root => break,
                _ => continue,
            };
            if !is_node {
                continue;
            }
            let Some(node_pointer) =
                Self::place(&mut stack, &mut entries, &event, position, &mut seen_root)
            else {
                continue;
            };
            let entry = entries.entry(node_pointer.clone()).or_insert(Entry {
                position,
                plain: None,
            });
            entry.plain = plain;
            match event {
                Event::MappingStart(..) => stack.push(Frame::Mapping {
                    pointer: node_pointer,
                    key: None,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Sequence {
                    pointer: node_pointer,
                    next: 0,
                }),
                _ => Self::finish_value(&mut stack),
            }
        }
        Self { entries }
    }

    /// Where a node goes: its pointer, or `None` for a mapping key (which
    /// is remembered, and indexed with its own position: the line a reader
    /// looks for).
    fn place(
        stack: &mut Vec<Frame>,
        entries: &mut HashMap<String, Entry>,
        event: &Event<'_>,
        position: Position,
        seen_root: &mut bool,
    ) -> Option<String> {
        match stack.last_mut() {
            None => {
                *seen_root = true;
                Some(String::new())
            }
            Some(Frame::Sequence { pointer: p, next }) => {
                let ptr = format!("{p}/{next}");
                *next += 1;
                Some(ptr)
            }
            Some(Frame::Mapping { pointer: p, key }) => match key {
                None => {
                    let name = match event {
                        Event::Scalar(value, ..) => value.to_string(),
                        _ => String::new(),
                    };
                    let ptr = pointer::push(p, &name);
                    entries.entry(ptr).or_insert(Entry {
                        position,
                        plain: None,
                    });
                    *key = Some(name);
                    if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                        // A complex key: index nothing inside it.
                        stack.push(Frame::Mapping {
                            pointer: "\u{0}complex-key".into(),
                            key: None,
                        });
                    }
                    None
                }
                Some(name) => Some(pointer::push(p, name)),
            },
        }
    }

    /// After a complete value inside a mapping, the next node is a key.
    fn finish_value(stack: &mut [Frame]) {
        if let Some(Frame::Mapping { key, .. }) = stack.last_mut()
            && key.is_some()
        {
            *key = None;
        }
    }

    /// The position of `pointer`, or of its nearest ancestor that has one
    /// (nodes reached through a YAML alias share the alias's position).
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(e) = self.entries.get(p) {
                return Some(e.position);
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }

    /// The exact source text of the plain scalar at `pointer`, if it is one.
    pub fn plain_text(&self, pointer: &str) -> Option<&str> {
        self.entries.get(pointer)?.plain.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_items_and_plain_text() {
        let text = "a:\n  b: 1.10\n  c:\n    - x\n    - 'y'\nd: {e: [1, 2]}\n";
        let idx = PositionIndex::build(text);
        assert_eq!(idx.locate("/a"), Some(Position { line: 1, column: 1 }));
        assert_eq!(idx.locate("/a/b"), Some(Position { line: 2, column: 3 }));
        assert_eq!(idx.plain_text("/a/b"), Some("1.10"));
        assert_eq!(idx.locate("/a/c/1"), Some(Position { line: 5, column: 7 }));
        assert_eq!(idx.plain_text("/a/c/1"), None, "quoted scalar is not plain");
        assert_eq!(
            idx.locate("/d/e/1"),
            Some(Position {
                line: 6,
                column: 12
            })
        );
        // Unknown child falls back to the nearest ancestor.
        assert_eq!(
            idx.locate("/a/c/9/z"),
            Some(Position { line: 3, column: 3 })
        );
    }

    #[test]
    fn json_text_is_indexed_too() {
        let idx = PositionIndex::build("{\n  \"k\": {\n    \"n\": 5\n  }\n}");
        assert_eq!(idx.locate("/k/n"), Some(Position { line: 3, column: 5 }));
    }
}
