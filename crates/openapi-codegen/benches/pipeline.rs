//! Load + lint + generate for the v1 document (target: under 50 ms).
//! Run: `cargo bench -p openapi-codegen --bench pipeline`.

use std::path::PathBuf;

fn main() {
    divan::main();
}

fn spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/signalzen-v1.yaml")
}

/// Everything `cargo xtask codegen` does in-process: load, lint, Rust models
/// (prettyplease-formatted) and all JSON Schema files.
#[divan::bench(sample_count = 50)]
fn load_lint_generate() -> usize {
    let doc = openapi_spec::load(&spec(), &Default::default()).unwrap();
    let findings = openapi_spec::lint::lint(&doc);
    let code = openapi_codegen::rust::generate(
        &doc,
        &openapi_codegen::rust::Options {
            source: "bench".into(),
        },
    )
    .unwrap();
    let schemas = openapi_codegen::schemas::generate(&doc).unwrap();
    findings.len() + code.len() + schemas.len()
}

/// The same, plus the final pass through the toolchain's rustfmt (a child process).
#[divan::bench(sample_count = 20)]
fn load_lint_generate_rustfmt() -> usize {
    let doc = openapi_spec::load(&spec(), &Default::default()).unwrap();
    let findings = openapi_spec::lint::lint(&doc);
    let code = openapi_codegen::rust::generate(
        &doc,
        &openapi_codegen::rust::Options {
            source: "bench".into(),
        },
    )
    .unwrap();
    let code = openapi_codegen::rust::rustfmt(&code).unwrap();
    let schemas = openapi_codegen::schemas::generate(&doc).unwrap();
    findings.len() + code.len() + schemas.len()
}

#[divan::bench(sample_count = 50)]
fn load_only() -> usize {
    openapi_spec::load(&spec(), &Default::default())
        .unwrap()
        .raw
        .as_object()
        .map_or(0, |m| m.len())
}
