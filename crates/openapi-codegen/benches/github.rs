//! The generic machinery on a big real document: GitHub's REST description
//! (`api.github.com.json` from the @octokit/openapi npm package, 13 MB;
//! fetched by `bash benches/fetch-github-openapi.sh`, never committed).
//!
//! Prints the median time of each stage (load, lint, models, schemas; and
//! rustfmt once), the process's peak memory, and openapi-generator's time
//! for its Rust client from the same file when it is installed. Writes the
//! generated models as a crate to target/github-models/ with a program that
//! parses every response example the document's own schema accepts into
//! its generated type; with GITHUB_MODELS_CHECK=1 it builds and runs that
//! program (a few minutes: 200,000 lines of models).
//!
//!     cargo bench -p openapi-codegen --bench github
//!     GITHUB_MODELS_CHECK=1 cargo bench -p openapi-codegen --bench github

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use openapi_spec::visit::Schemas;

/// The allocator `cargo xtask` runs with, so the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 3;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The median time of `RUNS` calls, and the last call's result.
fn median<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        // The previous result goes first: two copies would double the peak.
        drop(last.take());
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], last.expect("RUNS > 0"))
}

/// Peak resident memory of this process (Linux), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let file = std::env::var_os("GITHUB_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/github-openapi/23.0.2/api.github.com.json"));
    if !file.is_file() {
        println!(
            "github bench skipped: {} is missing; run `bash benches/fetch-github-openapi.sh 23.0.2`",
            file.display()
        );
        return;
    }
    let options = openapi_spec::LoadOptions::default();
    let (load, doc) = median(|| openapi_spec::load(&file, &options).expect("loads"));
    let (lint, findings) = median(|| openapi_spec::lint::lint(&doc));
    let source = openapi_codegen::rust::Options {
        source: "api.github.com.json".into(),
    };
    let (models, code) = median(|| openapi_codegen::rust::generate(&doc, &source).expect("models"));
    let (schemas, files) = median(|| openapi_codegen::schemas::generate(&doc).expect("schemas"));
    let peak = peak_mb();
    let start = Instant::now();
    let code = openapi_codegen::rust::rustfmt(&code).unwrap_or(code);
    let rustfmt = start.elapsed();
    let errors = findings
        .iter()
        .filter(|f| f.severity == openapi_spec::lint::Severity::Error)
        .count();
    let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
    println!(
        "GitHub REST description {} ({bytes} bytes), medians of {RUNS}, release:",
        file.display()
    );
    println!("  load              {load:>10.2?}");
    println!(
        "  lint              {lint:>10.2?}  ({errors} errors, {} warnings)",
        findings.len() - errors
    );
    println!("  load + lint       {:>10.2?}", load + lint);
    println!(
        "  models            {models:>10.2?}  ({} lines)",
        code.lines().count()
    );
    println!(
        "  schemas           {schemas:>10.2?}  ({} files)",
        files.len()
    );
    println!("  models + schemas  {:>10.2?}", models + schemas);
    println!("  rustfmt (once)    {rustfmt:>10.2?}");
    println!("  peak memory       {peak:>7.0} MB (all of the above in one process)");
    openapi_generator(&file);
    let crate_dir = root().join("target/github-models");
    let examples = write_crate(&crate_dir, &doc, &code);
    println!(
        "  examples to parse {examples:>7} (response and component examples their own schema accepts), crate at {}",
        crate_dir.display()
    );
    if std::env::var_os("GITHUB_MODELS_CHECK").is_some() {
        check_crate(&crate_dir);
    }
}

/// openapi-generator's Rust client from the same file, when installed.
fn openapi_generator(file: &Path) {
    let installed = ["openapi-generator-cli", "openapi-generator"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(cli) = installed else {
        println!(
            "  openapi-generator not installed here (where it was measured, its Rust client from this document took 9 s and 925 MB)"
        );
        return;
    };
    let out = std::env::temp_dir().join("openapi-generator-rust");
    let start = Instant::now();
    let run = Command::new("/usr/bin/time")
        .args(["-f", "%M", cli, "generate", "-g", "rust", "-i"])
        .arg(file)
        .arg("-o")
        .arg(&out)
        .output();
    let took = start.elapsed();
    match run {
        Ok(o) => {
            let stderr = String::from_utf8_lossy(&o.stderr);
            let kb: f64 = stderr
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(0.0);
            println!(
                "  openapi-generator {took:>10.2?}  peak {:.0} MB (its Rust client)",
                kb / 1024.0
            );
        }
        Err(e) => println!("  openapi-generator failed to start: {e}"),
    }
}

/// The accepted response examples whose schema is a component or a list
/// of one, and the components' own examples: (Rust type, JSON).
fn accepted_examples(doc: &openapi_spec::Document) -> Vec<(String, String)> {
    let converter = openapi_jsonschema::Converter::new(&doc.raw);
    let found = Schemas::of(&doc.raw);
    let mut cases = Vec::new();
    let mut validators: BTreeMap<String, Option<jsonschema::Validator>> = BTreeMap::new();
    for ex in found.examples(doc) {
        // A component's own example (3.1's `examples` list, or `example`).
        let component = ex
            .schema_pointer
            .strip_prefix("/components/schemas/")
            .filter(|n| !n.contains('/'))
            .map(|n| n.replace("~1", "/").replace("~0", "~"));
        if !ex.pointer.contains("/responses/") && component.is_none() {
            continue;
        }
        let Some(schema) = doc.raw.pointer(&ex.schema_pointer) else {
            continue;
        };
        // A component, or a list of one: `Type` or `Vec<Type>`.
        let (name, list) =
            match component.or_else(|| openapi_spec::pointer::schema_ref_name(schema)) {
                Some(n) => (n, false),
                None if schema.get("type").and_then(|t| t.as_str()) == Some("array") => {
                    match schema
                        .get("items")
                        .and_then(openapi_spec::pointer::schema_ref_name)
                    {
                        Some(n) => (n, true),
                        None => continue,
                    }
                }
                None => continue,
            };
        let validator = validators.entry(name.clone()).or_insert_with(|| {
            let target = openapi_spec::pointer::component_pointer(&name);
            let bundled = converter.bundle(doc.raw.pointer(&target)?, &target).ok()?;
            jsonschema::options()
                .should_validate_formats(true)
                .build(&bundled)
                .ok()
        });
        let accepted = match (validator.as_ref(), list, ex.value.as_array()) {
            (Some(v), false, _) => v.is_valid(ex.value),
            (Some(v), true, Some(items)) => items.iter().all(|i| v.is_valid(i)),
            _ => false,
        };
        if accepted {
            let ty = openapi_codegen::naming::type_name(&name);
            let ty = if list {
                format!("Vec<models::{ty}>")
            } else {
                format!("models::{ty}")
            };
            cases.push((ty, ex.value.to_string()));
        }
    }
    cases
}

const MANIFEST: &str = r#"[package]
name = "github-models"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }

[workspace]
"#;

/// Writes the models as a standalone crate with a program that parses each
/// accepted response example into its type; the number of examples.
fn write_crate(dir: &Path, doc: &openapi_spec::Document, code: &str) -> usize {
    let cases = accepted_examples(doc);
    let types: BTreeSet<&str> = cases.iter().map(|(t, _)| t.as_str()).collect();
    let arms: String = types
        .iter()
        .map(|t| format!("        \"{t}\" => serde_json::from_str::<{t}>(json).map(drop),\n"))
        .collect();
    let program = format!(
        r#"//! Parses every accepted response example into its generated type.
use github_models as models;

fn parse(ty: &str, json: &str) -> Result<(), serde_json::Error> {{
    match ty {{
{arms}        _ => Ok(()),
    }}
}}

fn main() {{
    let cases = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples.jsonl")).unwrap();
    let (mut ok, mut failed) = (0, 0);
    for line in cases.lines() {{
        let (ty, json) = line.split_once('\t').unwrap();
        match parse(ty, json) {{
            Ok(()) => ok += 1,
            Err(e) => {{
                failed += 1;
                if failed <= 10 {{
                    eprintln!("{{ty}}: {{e}}");
                }}
            }}
        }}
    }}
    println!("{{ok}} examples parsed, {{failed}} failed");
    if failed > 0 {{
        std::process::exit(1);
    }}
}}
"#
    );
    let lines: String = cases.iter().map(|(t, j)| format!("{t}\t{j}\n")).collect();
    let _ = std::fs::remove_dir_all(dir.join("src"));
    std::fs::create_dir_all(dir.join("src/bin")).expect("crate folder");
    std::fs::write(dir.join("Cargo.toml"), MANIFEST).expect("manifest");
    std::fs::write(dir.join("src/lib.rs"), code).expect("models");
    std::fs::write(dir.join("src/bin/parse-examples.rs"), program).expect("program");
    std::fs::write(dir.join("examples.jsonl"), lines).expect("examples");
    cases.len()
}

/// Builds the crate (no schemars, no utoipa: what a client compiles) and
/// runs the examples program.
fn check_crate(dir: &Path) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--bin", "parse-examples"])
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            root().join("target/github-models-target"),
        )
        .output()
        .expect("cargo runs");
    let errors = String::from_utf8_lossy(&out.stderr);
    let compile_errors = errors.lines().filter(|l| l.starts_with("error")).count();
    let verdict = if out.status.success() {
        "compiled and ran"
    } else {
        "FAILED"
    };
    println!(
        "  generated models: {verdict} in {:.0?}; {}",
        start.elapsed(),
        String::from_utf8_lossy(&out.stdout).trim()
    );
    if !out.status.success() {
        let first: Vec<&str> = errors.lines().take(20).collect();
        println!(
            "  ({compile_errors} compile errors)\n  {}",
            first.join("\n  ")
        );
    }
}
