//! Reading a file into a [`Document`], with limits on size, depth and aliases.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::{Document, Position, PositionIndex, Version, dialect, pointer};

/// Limits for untrusted input.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Larger files are refused before they are parsed.
    pub max_bytes: u64,
    /// Deepest nesting of mappings and sequences.
    pub max_depth: usize,
    /// Most events a YAML alias may replay in total (alias bombs).
    pub max_alias_events: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 64,
            max_alias_events: 100_000,
        }
    }
}

/// Why a document could not be loaded. Every variant names the file and,
/// where one exists, the line and column or the JSON pointer.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than the loader's limit.
    #[error("{file}: {size} bytes is over the limit of {limit} bytes")]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not UTF-8.
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file.
        file: PathBuf,
        /// The byte offset of the first bad byte.
        offset: usize,
    },
    /// The file is not valid YAML or JSON.
    #[error("{file}:{position}: {message}")]
    Syntax {
        /// The file.
        file: PathBuf,
        /// Where the parser stopped.
        position: Position,
        /// The parser's complaint.
        message: String,
    },
    /// The file is not valid YAML or JSON, and the parser gave no position.
    #[error("{file}: {message}")]
    SyntaxNoPosition {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The document is not OpenAPI 3.0, 3.1 or 3.2.
    #[error("{file}{}: {message}", at_position(*.position, pointer))]
    Version {
        /// The file.
        file: PathBuf,
        /// Where the version is.
        position: Option<Position>,
        /// Its pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The document does not have its OpenAPI version's structure.
    #[error("{file}{}: not a valid {version} document: {message}", at_position(*.position, pointer))]
    Structure {
        /// The file.
        file: PathBuf,
        /// The version it claims.
        version: Version,
        /// Where.
        position: Option<Position>,
        /// The pointer of the offending node.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The document uses something the toolkit does not read (another
    /// JSON Schema dialect, `$dynamicRef`, a 3.2 field no tool reads):
    /// refused, never ignored.
    #[error("{file}{}: not supported: {message}", at_position(*.position, pointer))]
    Unsupported {
        /// The file.
        file: PathBuf,
        /// Where.
        position: Option<Position>,
        /// The pointer of the first such field.
        pointer: String,
        /// What is not supported, with one line per further use.
        message: String,
    },
}

fn at_position(position: Option<Position>, pointer: &str) -> String {
    match position {
        Some(p) => format!(":{p} (#{pointer})"),
        None => format!(" (#{pointer})"),
    }
}

impl LoadError {
    /// The line and column the error is about, when known.
    pub fn position(&self) -> Option<Position> {
        match self {
            LoadError::Syntax { position, .. } => Some(*position),
            LoadError::Version { position, .. }
            | LoadError::Structure { position, .. }
            | LoadError::Unsupported { position, .. } => *position,
            _ => None,
        }
    }
}

/// Loads the OpenAPI 3.0, 3.1 or 3.2 document at `path` (YAML, or JSON by
/// extension).
pub fn load(path: &Path, options: &LoadOptions) -> Result<Document, LoadError> {
    let io = |source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > options.max_bytes {
        return Err(LoadError::TooLarge {
            file: path.to_path_buf(),
            size,
            limit: options.max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against files that grow, or report no size (pipes).
    file.take(options.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > options.max_bytes {
        return Err(LoadError::TooLarge {
            file: path.to_path_buf(),
            size: bytes.len() as u64,
            limit: options.max_bytes,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        file: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    load_str(&text, path, json, options)
}

/// Loads a document from text; `path` is only used in messages.
pub fn load_str(
    text: &str,
    path: &Path,
    json: bool,
    options: &LoadOptions,
) -> Result<Document, LoadError> {
    if text.len() as u64 > options.max_bytes {
        return Err(LoadError::TooLarge {
            file: path.to_path_buf(),
            size: text.len() as u64,
            limit: options.max_bytes,
        });
    }
    let file = path.to_path_buf();
    let mut raw = if json {
        parse_json(text, &file)?
    } else {
        parse_yaml(text, &file, options)?
    };
    let positions = if json {
        PositionIndex::build_json(text)
    } else {
        PositionIndex::build(text)
    };
    let version = check_version(&raw, &file, &positions)?;
    let mut coerced = Vec::new();
    coerce_strings(&mut raw, "", &positions, &mut coerced);
    let published = validate(&raw, version, &file, &positions)?;
    let reading = match version.json_schema() {
        true => dialect::read(&raw),
        false => dialect::Reading::default(),
    };
    let problems = published.as_deref().unwrap_or_default();
    refuse_unsupported(
        &raw,
        version,
        reading.unsupported,
        problems,
        &file,
        &positions,
    )?;
    let dropped = dialect::fold(&mut raw, version, &reading.to_fold);
    Ok(Document {
        path: file,
        version,
        raw,
        positions,
        coerced,
        dropped,
        published,
    })
}

fn parse_json(text: &str, file: &Path) -> Result<Value, LoadError> {
    // serde_json stops at 128 levels of nesting, so deep input cannot
    // overflow the stack.
    serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        file: file.to_path_buf(),
        position: Position {
            line: e.line(),
            column: e.column(),
        },
        message: strip_position_suffix(&e.to_string()),
    })
}

fn parse_yaml(text: &str, file: &Path, options: &LoadOptions) -> Result<Value, LoadError> {
    let mut opts = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = options.max_depth;
    budget.max_reader_input_bytes = Some(options.max_bytes as usize);
    opts.budget = Some(budget);
    opts.alias_limits.max_total_replayed_events = options.max_alias_events;
    // YAML 1.2: only true/false are booleans (`yes`/`no`/`on` stay strings).
    opts.strict_booleans = true;
    opts.with_snippet = false;
    let value: Value = serde_saphyr::from_str_with_options(text, opts).map_err(|e| {
        let message = clean_yaml_message(&e.to_string());
        match e.location() {
            Some(l) => LoadError::Syntax {
                file: file.to_path_buf(),
                position: Position {
                    line: l.line() as usize,
                    column: l.column() as usize,
                },
                message,
            },
            None => LoadError::SyntaxNoPosition {
                file: file.to_path_buf(),
                message,
            },
        }
    })?;
    Ok(value)
}

/// serde-saphyr prefixes `error: line L column C: `; the position is reported separately.
fn clean_yaml_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.find(": ") {
        Some(i) if first.starts_with("line ") => &first[i + 2..],
        _ => first,
    };
    // The parser's advice to its own caller is not the author's to follow.
    strip_position_suffix(first).replace(
        ", set DuplicateKeyPolicy in Options if acceptable",
        " (each key once per object: OpenAPI's patterned fields are unique)",
    )
}

fn strip_position_suffix(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => format!("{}{}", &message[..i], after_position(&message[i + 9..])),
        None => message.to_string(),
    }
}

/// What follows `line L, column C` (or `line L column C`) in a message.
fn after_position(rest: &str) -> &str {
    let end = rest
        .char_indices()
        .find(|(_, c)| {
            !(c.is_ascii_digit()
                || matches!(c, ',' | ' ')
                || c.is_ascii_alphabetic() && "column".contains(*c))
        })
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    &rest[end..]
}

/// What the tool reads, for the messages that refuse a version.
const READ: &str = "this tool reads OpenAPI 3.0.x, 3.1.x and 3.2.x";

fn check_version(
    raw: &Value,
    file: &Path,
    positions: &PositionIndex,
) -> Result<Version, LoadError> {
    let err = |pointer: &str, message: String| LoadError::Version {
        file: file.to_path_buf(),
        position: positions.locate(pointer),
        pointer: pointer.to_string(),
        message,
    };
    let Some(obj) = raw.as_object() else {
        return Err(err("", "the document is not a mapping".into()));
    };
    if let Some(v) = obj.get("swagger") {
        return Err(err(
            "/swagger",
            format!(
                "Swagger {} (OpenAPI 2.0) is not supported; {READ} (convert it first, e.g. with swagger2openapi)",
                scalar_text(v, "/swagger", positions)
            ),
        ));
    }
    let Some(v) = obj.get("openapi") else {
        return Err(err(
            "",
            format!("no `openapi` field: this is not an OpenAPI document; {READ}"),
        ));
    };
    let text = scalar_text(v, "/openapi", positions);
    Version::of(&text).ok_or_else(|| {
        err(
            "/openapi",
            format!("OpenAPI {text} is not supported; {READ}"),
        )
    })
}

/// Refuses what a 3.1/3.2 document says that no tool would honour: the
/// first use at the error's place, every other one listed after it.
fn refuse_unsupported(
    raw: &Value,
    version: Version,
    unsupported: Vec<dialect::Unsupported>,
    published: &[crate::official::Problem],
    file: &Path,
    positions: &PositionIndex,
) -> Result<(), LoadError> {
    if !version.json_schema() {
        return Ok(());
    }
    let mut found: Vec<crate::official::Problem> = unsupported
        .into_iter()
        .map(|u| crate::official::Problem {
            pointer: u.pointer,
            message: u.message,
            weak: false,
            unknown_field: false,
            blocks_reading: false,
        })
        .collect();
    if version == Version::V3_2 {
        found.extend(
            crate::official::unread_3_2_fields(raw, published)
                .into_iter()
                .map(|mut p| {
                    p.message = format!("{}: no tool here reads it yet", p.message);
                    p
                }),
        );
    }
    let Some((first, rest)) = found.split_first() else {
        return Ok(());
    };
    Err(LoadError::Unsupported {
        file: file.to_path_buf(),
        position: positions.locate(&first.pointer),
        pointer: first.pointer.clone(),
        message: more_problems(&first.message, rest, file, positions),
    })
}

fn scalar_text(v: &Value, pointer: &str, positions: &PositionIndex) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => positions
            .plain_text(pointer)
            .map(str::to_string)
            .unwrap_or_else(|| other.to_string()),
    }
}

/// Keys whose value OpenAPI 3.0 defines as a string, wherever they appear
/// outside example data. YAML types `version: 1.10` as a float; OpenAPI
/// wants the text `1.10`, exactly as written.
const STRING_KEYWORDS: &[&str] = &[
    "openapi",
    "version",
    "title",
    "description",
    "summary",
    "operationId",
    "name",
    "format",
    "pattern",
    "url",
    "email",
    "termsOfService",
    "propertyName",
    "bearerFormat",
    "scheme",
    "operationRef",
    "$ref",
    "in",
    "style",
    "type",
    "contentType",
    "openIdConnectUrl",
    "authorizationUrl",
    "tokenUrl",
    "refreshUrl",
    "externalValue",
];

/// Keys whose value is API data (left exactly as YAML typed it).
fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "const" | "value")
        || key.starts_with("x-") && key != "x-webhooks"
}

/// Gives back as text the scalars YAML typed as numbers or booleans where
/// OpenAPI wants a string; `coerced` gets the pointers of those under
/// string keywords and mappings (the document is wrong there, and the lint
/// says so), not of string-schema `enum` items (which only Spectral's
/// warning-level `typed-enum` judges).
fn coerce_strings(
    value: &mut Value,
    at: &str,
    positions: &PositionIndex,
    coerced: &mut Vec<String>,
) {
    // Depth is bounded by the loader's limits, so recursion is safe here.
    match value {
        Value::Object(map) => {
            let is_string_schema = map.get("type").and_then(Value::as_str) == Some("string");
            for (key, child) in map.iter_mut() {
                let here = pointer::push(at, key);
                if is_data_key(key) {
                    continue;
                }
                if key == "enum" {
                    if is_string_schema {
                        for (i, item) in child.as_array_mut().into_iter().flatten().enumerate() {
                            to_text(item, &format!("{here}/{i}"), positions);
                        }
                    }
                    continue;
                }
                if key == "mapping" {
                    // discriminator mapping: tag → string reference
                    for (k, v) in child.as_object_mut().into_iter().flatten() {
                        let at = pointer::push(&here, k);
                        if to_text(v, &at, positions) {
                            coerced.push(at);
                        }
                    }
                    continue;
                }
                if key == "examples" {
                    // Example Objects hold data under `value`; schema-level arrays are data.
                    if child.is_object() {
                        coerce_strings(child, &here, positions, coerced);
                    }
                    continue;
                }
                if STRING_KEYWORDS.contains(&key.as_str()) && to_text(child, &here, positions) {
                    coerced.push(here.clone());
                }
                coerce_strings(child, &here, positions, coerced);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                coerce_strings(item, &format!("{at}/{i}"), positions, coerced);
            }
        }
        _ => {}
    }
}

/// Whether it changed anything.
fn to_text(value: &mut Value, at: &str, positions: &PositionIndex) -> bool {
    let changed = matches!(value, Value::Number(_) | Value::Bool(_));
    if changed {
        *value = Value::String(scalar_text(value, at, positions));
    }
    changed
}

/// Checks the structure: a 3.1/3.2 document against its version's
/// published schema; a 3.0 document first through `openapiv3`'s types (a
/// field of the wrong type, a missing required field: quicker than the
/// schema on a large valid document), dropped at once (every tool reads the
/// raw tree, and the typed copy of a 13 MB document would hold about 80 MB
/// for nothing), and through the published schema when they refuse it.
/// Gives back what the published schema found in a 3.1/3.2 document that
/// does not stop the tools, for the lint (one validation, not two).
fn validate(
    raw: &Value,
    version: Version,
    file: &Path,
    positions: &PositionIndex,
) -> Result<Option<Vec<crate::official::Problem>>, LoadError> {
    if version.json_schema() {
        // As with 3.0 (where `openapiv3`'s types decide), what stops the
        // tools reading the document (a wrong type, a missing required
        // field) is refused here; the rest is the lint's finding.
        let problems = crate::official::check(raw, version);
        let blocking: Vec<_> = problems
            .iter()
            .filter(|p| p.blocks_reading)
            .cloned()
            .collect();
        return match blocking.as_slice() {
            [] => Ok(Some(problems)),
            [first, rest @ ..] => Err(LoadError::Structure {
                file: file.to_path_buf(),
                version,
                position: positions.locate(&first.pointer),
                message: more_problems(&first.message, rest, file, positions),
                pointer: first.pointer.clone(),
            }),
        };
    }
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(raw)
        .map(|_| None)
        .map_err(|e| {
            let mut ptr = String::new();
            for seg in e.path().iter() {
                match seg {
                    serde_path_to_error::Segment::Seq { index } => {
                        ptr.push_str(&format!("/{index}"))
                    }
                    serde_path_to_error::Segment::Map { key } => ptr = pointer::push(&ptr, key),
                    _ => {}
                }
            }
            match crate::official::check(raw, version).as_slice() {
                // The published JSON Schema says it better: at the value
                // at fault, in a plain sentence, and every problem at once.
                [first, rest @ ..] => LoadError::Structure {
                    file: file.to_path_buf(),
                    version,
                    position: positions.locate(&first.pointer),
                    message: more_problems(&first.message, rest, file, positions),
                    pointer: first.pointer.clone(),
                },
                [] => LoadError::Structure {
                    file: file.to_path_buf(),
                    version,
                    position: positions.locate(&ptr),
                    message: e.inner().to_string(),
                    pointer: ptr,
                },
            }
        })
}

/// The first problem's sentence, then one line per further problem in the
/// same `file:line:column (#pointer): sentence` form.
fn more_problems(
    first: &str,
    rest: &[crate::official::Problem],
    file: &Path,
    positions: &PositionIndex,
) -> String {
    let mut message = first.to_string();
    for p in rest {
        let place = positions
            .locate(&p.pointer)
            .map(|at| format!(":{at}"))
            .unwrap_or_default();
        message.push_str(&format!(
            "\n{}{place} (#{}): {}",
            file.display(),
            p.pointer,
            p.message
        ));
    }
    message
}
