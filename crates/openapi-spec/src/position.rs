//! Where each node of a loaded document sits in its source text.
//!
//! Lint findings and load errors name a JSON pointer; this index turns the
//! pointer into a line and column. It also keeps the source text of plain
//! YAML scalars, so that a value YAML typed as a number (`version: 1.10`)
//! can be given back to OpenAPI as the exact string that was written.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use fnv::FnvHasher;

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
    line: u32,
    column: u32,
    /// Source text of a plain scalar; `None` for quoted scalars and collections.
    plain: Option<Box<str>>,
}

impl Entry {
    fn position(&self) -> Position {
        Position {
            line: self.line as usize,
            column: self.column as usize,
        }
    }
}

/// JSON pointer → source position, built from the parser's event stream.
///
/// Keyed by the FNV-1a hash of the pointer, not the pointer: FNV hashes a
/// string byte by byte, so a child's key continues its parent's
/// (`hash(p + "/" + token)`) and the index is built without one string per
/// node (a 13 MB document has about a million nodes). Two pointers of one
/// document sharing a 64-bit hash would only misplace a line number.
#[derive(Debug, Clone, Default)]
pub struct PositionIndex {
    entries: HashMap<u64, Entry, BuildHasherDefault<Passthrough>>,
}

/// The keys are hashes already.
#[derive(Default)]
struct Passthrough(u64);

impl Hasher for Passthrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The hash of a whole pointer (already escaped).
fn key(pointer: &str) -> u64 {
    let mut h = FnvHasher::default();
    h.write(pointer.as_bytes());
    h.finish()
}

/// The hash of `parent`'s pointer with one more (unescaped) token.
fn child(parent: u64, token: &str) -> u64 {
    let mut h = FnvHasher::with_key(parent);
    h.write(b"/");
    if token.contains(['~', '/']) {
        h.write(pointer::escape(token).as_bytes());
    } else {
        h.write(token.as_bytes());
    }
    h.finish()
}

enum Frame {
    Mapping {
        pointer: u64,
        key: Option<u64>,
    },
    Sequence {
        pointer: u64,
        next: usize,
    },
    /// Inside a complex (collection) mapping key: nothing is indexed.
    ComplexKey,
}

impl PositionIndex {
    /// Builds the index of the first document in `text`. The text has already
    /// been parsed successfully (with limits) by the loader, so a parse error
    /// here only stops indexing; it is never reported.
    pub fn build(text: &str) -> Self {
        let mut index = PositionIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut seen_root = false;
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let (line, column) = (span.start.line() as u32, span.start.col() as u32 + 1);
            let (is_node, plain) = match &event {
                Event::Scalar(value, style, ..) => (
                    true,
                    matches!(style, ScalarStyle::Plain).then(|| Box::<str>::from(value.as_ref())),
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
            let entry = Entry {
                line,
                column,
                plain: None,
            };
            let Some(node) = index.place(&mut stack, &event, entry, &mut seen_root) else {
                continue;
            };
            let entry = index.entries.entry(node).or_insert(Entry {
                line,
                column,
                plain: None,
            });
            entry.plain = plain;
            match event {
                Event::MappingStart(..) => stack.push(Frame::Mapping {
                    pointer: node,
                    key: None,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Sequence {
                    pointer: node,
                    next: 0,
                }),
                _ => Self::finish_value(&mut stack),
            }
        }
        index.entries.shrink_to_fit();
        index
    }

    /// Where a node goes: its pointer's key, or `None` for a mapping key
    /// (which is remembered, and indexed with its own position: the line a
    /// reader looks for).
    fn place(
        &mut self,
        stack: &mut Vec<Frame>,
        event: &Event<'_>,
        at: Entry,
        seen_root: &mut bool,
    ) -> Option<u64> {
        match stack.last_mut() {
            None => {
                *seen_root = true;
                Some(key(""))
            }
            Some(Frame::ComplexKey) => None,
            Some(Frame::Sequence { pointer: p, next }) => {
                let node = child(*p, &next.to_string());
                *next += 1;
                Some(node)
            }
            Some(Frame::Mapping { pointer: p, key }) => match key {
                None => {
                    let name = match event {
                        Event::Scalar(value, ..) => value.as_ref(),
                        _ => "",
                    };
                    let node = child(*p, name);
                    self.entries.entry(node).or_insert(at);
                    *key = Some(node);
                    if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                        stack.push(Frame::ComplexKey);
                    }
                    None
                }
                Some(node) => Some(*node),
            },
        }
    }

    /// Builds the index of a JSON text, which the loader has already parsed
    /// (so it is valid JSON): a direct scan, about ten times faster than
    /// reading JSON as YAML events, with the same pointers and positions.
    pub fn build_json(text: &str) -> Self {
        let mut index = PositionIndex::default();
        let mut scan = JsonScan {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            column: 1,
        };
        scan.value(&mut index, key(""), 0);
        index.entries.shrink_to_fit();
        index
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
            if let Some(e) = self.entries.get(&key(p)) {
                return Some(e.position());
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }

    /// The exact source text of the plain scalar at `pointer`, if it is one.
    pub fn plain_text(&self, pointer: &str) -> Option<&str> {
        self.entries.get(&key(pointer))?.plain.as_deref()
    }
}

/// A cursor over valid JSON that records where each value starts.
struct JsonScan<'t> {
    bytes: &'t [u8],
    at: usize,
    line: u32,
    column: u32,
}

/// serde_json refuses deeper input, so the scan never recurses further.
const JSON_MAX_DEPTH: usize = 128;

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Moves one byte on, counting lines and (character) columns.
    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.at += 1;
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.bump();
        }
    }

    fn here(&self) -> Entry {
        Entry {
            line: self.line,
            column: self.column,
            plain: None,
        }
    }

    /// One value at `node`; its position is recorded unless its key's
    /// already was (a member's line is its key's, as for YAML).
    fn value(&mut self, index: &mut PositionIndex, node: u64, depth: usize) {
        self.skip_space();
        index.entries.entry(node).or_insert(self.here());
        if depth > JSON_MAX_DEPTH {
            return;
        }
        match self.peek() {
            Some(b'{') => {
                self.bump();
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b'"') => {}
                        Some(b'}') | None => break,
                        Some(_) => {
                            self.bump();
                            continue;
                        }
                    }
                    let at_key = self.here();
                    let name = self.string();
                    let member = child(node, &name);
                    index.entries.entry(member).or_insert(at_key);
                    self.skip_space();
                    self.bump(); // ':'
                    self.value(index, member, depth + 1);
                }
                self.bump();
            }
            Some(b'[') => {
                self.bump();
                let mut i = 0usize;
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b']') | None => break,
                        Some(b',') => self.bump(),
                        Some(_) => {
                            self.value(index, child(node, &i.to_string()), depth + 1);
                            i += 1;
                        }
                    }
                }
                self.bump();
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                let start = self.at;
                while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                {
                    self.bump();
                }
                let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or("");
                if let Some(e) = index.entries.get_mut(&node) {
                    e.plain = Some(text.into());
                }
            }
            None => {}
        }
        self.skip_space();
        if self.peek() == Some(b',') {
            self.bump();
        }
    }

    /// A string token, decoded (escapes are rare: only then is serde_json asked).
    fn string(&mut self) -> String {
        let start = self.at;
        self.bump();
        let mut escaped = false;
        while let Some(b) = self.peek() {
            self.bump();
            match b {
                b'\\' => {
                    escaped = true;
                    self.bump();
                }
                b'"' => break,
                _ => {}
            }
        }
        let raw = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or("\"\"");
        if escaped {
            serde_json::from_str(raw).unwrap_or_default()
        } else {
            raw[1..raw.len().saturating_sub(1)].to_string()
        }
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

    #[test]
    fn the_json_scan_agrees_with_the_yaml_events() {
        let text = "{\n  \"a/b\": {\"c~d\": [1, \"x\", {\"é\\u00e9\": true}],\n   \"e\": -1.5e3},\n \"f\": [[], {}], \"g\": \"\\\"q\\\"\"}";
        let yaml = PositionIndex::build(text);
        let json = PositionIndex::build_json(text);
        for p in [
            "",
            "/a~1b",
            "/a~1b/c~0d",
            "/a~1b/c~0d/0",
            "/a~1b/c~0d/1",
            "/a~1b/c~0d/2",
            "/a~1b/c~0d/2/éé",
            "/a~1b/e",
            "/f",
            "/f/0",
            "/f/1",
            "/g",
        ] {
            assert_eq!(json.locate(p), yaml.locate(p), "{p}");
            assert!(json.entries.contains_key(&key(p)), "{p}");
            assert_eq!(json.plain_text(p), yaml.plain_text(p), "{p}");
        }
        assert_eq!(json.plain_text("/a~1b/e"), Some("-1.5e3"));
    }
}
