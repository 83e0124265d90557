//! `cargo xtask codegen [--check]`: the Rust models and JSON Schemas derived
//! from the authoritative document.
//!
//! Generation is all or nothing: every output is produced in memory first;
//! only then are files written, each to a temporary file renamed into place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_codegen::rust;
use openapi_spec::lint::Severity;

use crate::project_root;

/// One document and where its artefacts go.
struct Target {
    spec: &'static str,
    models: &'static str,
    schemas: &'static str,
}

const TARGETS: &[Target] = &[Target {
    spec: "openapi/signalzen-v1.yaml",
    models: "crates/signalzen-models/src/generated.rs",
    schemas: "openapi/schemas",
}];

pub fn run(check: bool) -> ExitCode {
    let root = project_root();
    let mut wanted: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut owned_dirs = Vec::new();
    for t in TARGETS {
        match render(&root, t) {
            Ok(files) => wanted.extend(files),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
        owned_dirs.push(root.join(t.schemas));
    }
    // Files in generated directories that generation no longer produces.
    let mut stale_extra = Vec::new();
    for dir in &owned_dirs {
        for f in list_files(dir) {
            if f.extension().is_some_and(|e| e == "json") && !wanted.contains_key(&f) {
                stale_extra.push(f);
            }
        }
    }
    let changed: Vec<(&PathBuf, &String)> = wanted
        .iter()
        .filter(|(p, text)| std::fs::read_to_string(p).ok().as_deref() != Some(text.as_str()))
        .collect();
    if check {
        for (path, text) in &changed {
            let old = std::fs::read_to_string(path).unwrap_or_default();
            let rel = path.strip_prefix(&root).unwrap_or(path);
            let diff = similar::TextDiff::from_lines(&old, text.as_str());
            print!(
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("a/{}", rel.display()),
                    &format!("b/{}", rel.display())
                )
            );
        }
        for p in &stale_extra {
            println!(
                "stale file (no longer generated): {}",
                p.strip_prefix(&root).unwrap_or(p).display()
            );
        }
        if changed.is_empty() && stale_extra.is_empty() {
            println!("codegen: {} generated files are up to date", wanted.len());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "error: {} generated file(s) are stale; run `cargo xtask codegen` and commit the result",
            changed.len() + stale_extra.len()
        );
        return ExitCode::from(1);
    }
    let bytes: Vec<(&PathBuf, &[u8])> = changed.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    if let Err(e) = write_all(&bytes) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    for p in &stale_extra {
        if let Err(e) = std::fs::remove_file(p) {
            eprintln!("error: cannot remove {}: {e}", p.display());
            return ExitCode::from(2);
        }
    }
    println!(
        "codegen: {} written, {} removed, {} unchanged",
        changed.len(),
        stale_extra.len(),
        wanted.len() - changed.len()
    );
    ExitCode::SUCCESS
}

/// Every file one target should hold, as path → contents.
fn render(root: &Path, t: &Target) -> Result<BTreeMap<PathBuf, String>, String> {
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
    files.insert(root.join(t.models), code);
    let schemas =
        openapi_codegen::schemas::generate(&doc).map_err(|e| format!("{}: {e}", t.spec))?;
    for (rel, text) in schemas {
        files.insert(root.join(t.schemas).join(rel), text);
    }
    Ok(files)
}

/// Writes one file through a temporary sibling, so it is never half-written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_all(&[(&path.to_path_buf(), bytes)])
}

/// Writes every file to a temporary sibling first; only when all are written
/// are they renamed into place.
fn write_all(files: &[(&PathBuf, &[u8])]) -> Result<(), String> {
    let mut staged = Vec::new();
    for (path, text) in files {
        let dir = path
            .parent()
            .ok_or_else(|| format!("{} has no parent", path.display()))?;
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        std::io::Write::write_all(&mut tmp, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        staged.push((tmp, *path));
    }
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    }
    Ok(())
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
