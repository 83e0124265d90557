//! `cargo xtask codegen [--check]` and `cargo xtask docs [--check]`: the
//! Rust models, JSON Schemas and published reference derived from the
//! authoritative document.
//!
//! Generation is all or nothing: every output is produced in memory first;
//! only then are files written, each to a temporary file renamed into place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapi_codegen::rust;
use openapi_spec::lint::Severity;

use crate::fs::write_all;
use crate::outcome::{CommandResult, Failure, Verdict};
use crate::project_root;
use crate::rules_page::RULES_PAGE;

/// One document and where its artefacts go.
struct Target {
    spec: &'static str,
    models: &'static str,
    /// The crate that holds `models`, as the Rust samples import it.
    models_crate: &'static str,
    schemas: &'static str,
    /// The published reference (`cargo xtask docs`).
    docs: &'static str,
    /// The typed client's generated methods.
    client: &'static str,
}

const TARGETS: &[Target] = &[Target {
    spec: "openapi/signalzen-v1.yaml",
    models: "crates/signalzen-models/src/generated.rs",
    models_crate: "signalzen_models",
    schemas: "openapi/schemas",
    docs: "docs/reference",
    client: "crates/signalzen-client/src/generated.rs",
}];

/// Which artefacts a run writes or checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artefacts {
    /// Models, JSON Schemas and the reference (`cargo xtask codegen`).
    All,
    /// Only the reference (`cargo xtask docs`).
    Docs,
}

/// The reference's Changes page, relative to its folder: a release step
/// (`cargo xtask docs --changes-base`) writes it, so `--check` leaves it be.
pub const CHANGES_PAGE: &str = "markdown/changes.md";

/// One generated file and whether it belongs to the reference.
struct Generated {
    text: String,
    docs: bool,
}

pub fn run(check: bool, which: Artefacts) -> CommandResult {
    let root = project_root();
    let (wanted, owned_dirs) = wanted(&root, which)?;
    let stale_extra = stale(&owned_dirs, &wanted);
    let changed: Vec<(&PathBuf, &String)> = wanted
        .iter()
        .filter(|(p, text)| std::fs::read_to_string(p).ok().as_deref() != Some(text.as_str()))
        .collect();
    let command = match which {
        Artefacts::All => "codegen",
        Artefacts::Docs => "docs",
    };
    if check {
        return Ok(report_stale(
            &root,
            command,
            &changed,
            &stale_extra,
            wanted.len(),
        ));
    }
    let bytes: Vec<(&PathBuf, &[u8])> = changed.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    write_all(&bytes).map_err(Failure)?;
    for p in &stale_extra {
        std::fs::remove_file(p)
            .map_err(|e| Failure(format!("cannot remove {}: {e}", p.display())))?;
    }
    println!(
        "{command}: {} written, {} removed, {} unchanged",
        changed.len(),
        stale_extra.len(),
        wanted.len() - changed.len()
    );
    Ok(Verdict::Pass)
}

/// Every file a run produces (path → text), and the directories it owns
/// (with the only extension generated there, if one).
type Wanted = (
    BTreeMap<PathBuf, String>,
    Vec<(PathBuf, Option<&'static str>)>,
);

fn wanted(root: &Path, which: Artefacts) -> Result<Wanted, Failure> {
    let mut wanted: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut owned_dirs = Vec::new();
    for t in TARGETS {
        let files = render(root, t).map_err(Failure)?;
        wanted.extend(
            files
                .into_iter()
                .filter(|(_, g)| which == Artefacts::All || g.docs)
                .map(|(p, g)| (p, g.text)),
        );
        if which == Artefacts::All {
            owned_dirs.push((root.join(t.schemas), Some("json")));
        }
        owned_dirs.push((root.join(t.docs), None));
    }
    if which == Artefacts::All {
        wanted.insert(root.join(RULES_PAGE), crate::rules_page::render(root));
    }
    Ok((wanted, owned_dirs))
}

/// Files in generated directories that generation no longer produces.
fn stale(
    owned_dirs: &[(PathBuf, Option<&str>)],
    wanted: &BTreeMap<PathBuf, String>,
) -> Vec<PathBuf> {
    let mut stale_extra = Vec::new();
    for (dir, ext) in owned_dirs {
        for f in list_files(dir) {
            let ours = ext.is_none_or(|e| f.extension().is_some_and(|x| x == e));
            // The Changes page is a release step's, not generation's.
            let release = f.ends_with(CHANGES_PAGE);
            if ours && !release && !wanted.contains_key(&f) {
                stale_extra.push(f);
            }
        }
    }
    stale_extra
}

/// `--check`: the diff of each stale file, and the verdict.
fn report_stale(
    root: &Path,
    command: &str,
    changed: &[(&PathBuf, &String)],
    stale_extra: &[PathBuf],
    total: usize,
) -> Verdict {
    for (path, text) in changed {
        let old = std::fs::read_to_string(path).unwrap_or_default();
        let rel = path.strip_prefix(root).unwrap_or(path);
        let diff = similar::TextDiff::from_lines(&old, text.as_str());
        print!(
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("a/{}", rel.display()),
                &format!("b/{}", rel.display())
            )
        );
    }
    for p in stale_extra {
        println!(
            "stale file (no longer generated): {}",
            p.strip_prefix(root).unwrap_or(p).display()
        );
    }
    if changed.is_empty() && stale_extra.is_empty() {
        println!("{command}: {total} generated files are up to date");
        return Verdict::Pass;
    }
    eprintln!(
        "error: {} generated file(s) are stale; run `cargo xtask {command}` and commit the result",
        changed.len() + stale_extra.len()
    );
    Verdict::Violation
}

/// Every file one target should hold, as path → contents.
fn render(root: &Path, t: &Target) -> Result<BTreeMap<PathBuf, Generated>, String> {
    let spec = root.join(t.spec);
    let doc = openapi_spec::load(&spec, &openapi_spec::LoadOptions::default())
        .map_err(|e| e.to_string())?;
    let findings = openapi_spec::lint::lint(&doc);
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "{} has lint errors; fix them first (`cargo xtask lint`):\n{}",
            t.spec,
            errors.join("\n")
        ));
    }
    let mut files = BTreeMap::new();
    let code = rust::generate(
        &doc,
        &rust::Options {
            source: t.spec.to_string(),
        },
    )
    .map_err(|e| format!("{}: {e}", t.spec))?;
    let code = rust::rustfmt(&code).map_err(|e| format!("{}: {e}", t.spec))?;
    let model = |text| Generated { text, docs: false };
    files.insert(root.join(t.models), model(code));
    let document_model =
        openapi_model::Model::build(&doc, None).map_err(|e| format!("{}: {e}", t.spec))?;
    let client = openapi_codegen::client::generate(
        &doc,
        &document_model,
        &openapi_codegen::client::Options {
            source: t.spec.to_string(),
            models_crate: t.models_crate.to_string(),
        },
    )
    .map_err(|e| format!("{}: {e}", t.spec))?;
    let client = rust::rustfmt(&client).map_err(|e| format!("{}: {e}", t.spec))?;
    files.insert(root.join(t.client), model(client));
    let schemas =
        openapi_codegen::schemas::generate(&doc).map_err(|e| format!("{}: {e}", t.spec))?;
    let reference = docs(&doc, t, &schemas)?;
    for (rel, text) in schemas {
        files.insert(root.join(t.schemas).join(rel), model(text));
    }
    for (rel, text) in reference {
        files.insert(root.join(t.docs).join(rel), Generated { text, docs: true });
    }
    Ok(files)
}

/// The reference's files: the pages, and the document and its schemas for download.
fn docs(
    doc: &openapi_spec::Document,
    t: &Target,
    schemas: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let name = Path::new(t.spec)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("openapi");
    let source = std::fs::read_to_string(&doc.path)
        .map_err(|e| format!("cannot read {}: {e}", doc.path.display()))?;
    let json = serde_json::to_string_pretty(&doc.raw).map_err(|e| e.to_string())? + "\n";
    let mut downloads = vec![
        openapi_docs::Download {
            path: format!("downloads/{name}.yaml"),
            title: "The OpenAPI document (YAML, authoritative)".into(),
            contents: source,
        },
        openapi_docs::Download {
            path: format!("downloads/{name}.json"),
            title: "The OpenAPI document (JSON)".into(),
            contents: json,
        },
    ];
    for (rel, text) in schemas {
        downloads.push(openapi_docs::Download {
            path: format!("downloads/schemas/{rel}"),
            title: format!("JSON Schema (2020-12): {rel}"),
            contents: text.clone(),
        });
    }
    let options = openapi_docs::Options {
        source: t.spec.to_string(),
        models_crate: t.models_crate.to_string(),
        downloads,
    };
    openapi_docs::render(doc, &options).map_err(|e| format!("{}: {e}", t.spec))
}

fn list_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
