//! A 3.0 document and its 3.1 rewrite are the same API: every tool must
//! say so. The rewrite is `openapi_spec::upgrade::to_3_1` of
//! `openapi/signalzen-v1.yaml` (type lists with `"null"`, numeric
//! exclusive bounds, `examples` lists, top-level `webhooks`), loaded from
//! its own file like any 3.1 document.

use std::path::{Path, PathBuf};

use openapi_contract::run::Runner;
use openapi_spec::{Document, LoadOptions, Version};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn base() -> Document {
    openapi_spec::load(
        &root().join("openapi/signalzen-v1.yaml"),
        &LoadOptions::default(),
    )
    .unwrap()
}

/// The 3.1 rewrite, written to `dir` and loaded from there.
fn rewrite(dir: &Path) -> (Document, PathBuf) {
    let raw = openapi_spec::upgrade::to_3_1(&base().raw);
    let text = serde_json::to_string_pretty(&raw).unwrap();
    assert!(
        text.contains("\"webhooks\"") && text.contains("\"null\"") && !text.contains("nullable")
    );
    let path = dir.join("signalzen-v1.json");
    std::fs::write(&path, text).unwrap();
    let doc = openapi_spec::load(&path, &LoadOptions::default()).unwrap();
    assert_eq!(doc.version, Version::V3_1);
    (doc, path)
}

/// Where the two differ by spelling alone: the webhooks' root key in
/// pointers (HTML-escaped in the reference's `data-schema` attributes).
fn same_words(text: &str) -> String {
    text.replace("/x-webhooks/", "/webhooks/")
        .replace("&#x2f;x-webhooks&#x2f;", "&#x2f;webhooks&#x2f;")
}

#[test]
fn the_model_and_the_lint_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (new, _) = rewrite(dir.path());
    let old = base();
    let a = openapi_model::Model::build(&old, None).unwrap();
    let b = openapi_model::Model::build(&new, None).unwrap();
    assert_eq!(a.operations.len(), b.operations.len());
    assert!(!a.webhooks.is_empty());
    assert_eq!(
        same_words(&format!("{:?}{:?}", a.operations, a.webhooks)),
        format!("{:?}{:?}", b.operations, b.webhooks)
    );
    let rules = |d: &Document| {
        let mut r: Vec<_> = openapi_spec::lint::lint(d)
            .into_iter()
            .map(|f| (f.rule, same_words(&f.location.pointer)))
            .collect();
        r.sort();
        r
    };
    assert_eq!(rules(&old), rules(&new));
}

#[test]
fn the_generated_code_and_schemas_are_byte_for_byte_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (new, _) = rewrite(dir.path());
    let old = base();
    let options = openapi_codegen::rust::Options {
        source: "openapi/signalzen-v1.yaml".into(),
    };
    assert_eq!(
        openapi_codegen::rust::generate(&old, &options).unwrap(),
        openapi_codegen::rust::generate(&new, &options).unwrap()
    );
    assert_eq!(
        openapi_codegen::schemas::generate(&old).unwrap(),
        openapi_codegen::schemas::generate(&new).unwrap()
    );
    let client = |d: &Document| {
        let model = openapi_model::Model::build(d, None).unwrap();
        let options = openapi_codegen::client::Options {
            source: "openapi/signalzen-v1.yaml".into(),
            models_crate: "signalzen_models".into(),
        };
        openapi_codegen::client::generate(d, &model, &options).unwrap()
    };
    assert_eq!(client(&old), client(&new));
}

#[test]
fn the_reference_is_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (new, _) = rewrite(dir.path());
    let options = openapi_docs::Options {
        source: "openapi/signalzen-v1.yaml".into(),
        models_crate: "signalzen_models".into(),
        downloads: Vec::new(),
    };
    let old = openapi_docs::render(&base(), &options).unwrap();
    let new = openapi_docs::render(&new, &options).unwrap();
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    for (page, text) in &old {
        let (a, b) = (same_words(text), &new[page]);
        let first = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        assert!(
            a == *b,
            "{page} differs at line {first:?}: {:?}",
            first.map(|i| (a.lines().nth(i), b.lines().nth(i)))
        );
    }
}

#[test]
fn the_gate_sees_no_change_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let (new, _) = rewrite(dir.path());
    let old = base();
    for (a, b) in [(&old, &new), (&new, &old)] {
        let report = openapi_diff::compare(a, b);
        let shown: Vec<String> = report.changes.iter().map(|c| format!("{c:?}")).collect();
        assert!(shown.is_empty(), "{}", shown.join("\n"));
    }
}

#[test]
fn the_recorded_verdicts_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = rewrite(dir.path());
    let options = || openapi_contract::Options {
        strict: false,
        base_url: None,
        valid_secrets: Vec::new(),
        max_body_bytes: 1 << 20,
    };
    let verdicts = |spec: PathBuf| {
        let mut runner = Runner::new(spec, true, options());
        let mut out = Vec::new();
        for har in [
            "across-entries",
            "edge-cases",
            "vendor-examples",
            "violations",
            "webhooks",
        ] {
            let file = root().join(format!("tests/recorded/signalzen/{har}.har"));
            let report = runner.run_file(&file, har, &|_| {});
            assert!(report.error.is_none(), "{har}: {:?}", report.error);
            for e in &report.exchanges {
                for c in &e.checks {
                    let findings: Vec<_> =
                        c.findings.iter().map(|f| same_words(&f.message)).collect();
                    out.push(format!(
                        "{har} {} {:?} {:?} {findings:?}",
                        e.index, c.check, c.outcome
                    ));
                }
            }
        }
        out
    };
    let old = verdicts(root().join("openapi/signalzen-v1.yaml"));
    let new = verdicts(path);
    assert!(
        old.iter().any(|v| v.contains("Fail")),
        "the violations fail"
    );
    assert_eq!(old, new);
}

/// Odd but loadable 3.1 schemas, one per property: every tool reads them
/// without a panic (each may refuse them with an error instead).
#[test]
fn odd_3_1_schemas_reach_every_tool_without_a_panic() {
    let odd = [
        r##"{"type": []}"##,
        r##"{"type": ["null"]}"##,
        r##"{"type": "null"}"##,
        r##"{"type": ["string", "integer", "null"]}"##,
        r##"{"anyOf": [{"type": "null"}, {"type": "null"}]}"##,
        r##"{"anyOf": [{"$ref": "#/components/schemas/S"}, {"type": "null"}], "discriminator": {"propertyName": "k"}}"##,
        r##"{"oneOf": [{"type": "null", "title": "none"}, {"type": "object", "properties": {"a": {"const": null}}}]}"##,
        r##"{"type": "array", "prefixItems": [], "items": false}"##,
        r##"{"type": "array", "prefixItems": [{"type": ["integer", "null"]}, {"$ref": "#/components/schemas/S"}], "maxItems": 2}"##,
        r##"{"type": "integer", "exclusiveMinimum": 5, "minimum": 9, "exclusiveMaximum": 1.5}"##,
        r##"{"const": {"nested": [1, 2]}}"##,
        r##"{"const": 3, "enum": [3, 4]}"##,
        r##"{"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": true, "dependentRequired": {"a": ["c"]}}"##,
        r##"{"$defs": {"x": {"type": "string"}}, "unevaluatedProperties": false, "patternProperties": {"^x": {"type": "integer"}}}"##,
        r##"{"contentMediaType": "image/png", "contentEncoding": "base64", "examples": [1, "a", null]}"##,
        r##"true"##,
        r##"false"##,
    ];
    let properties: Vec<String> = odd
        .iter()
        .enumerate()
        .map(|(i, s)| format!(r##""p{i}": {s}"##))
        .collect();
    let text = format!(
        r##"{{"openapi": "3.1.0", "info": {{"title": "odd", "version": "1"}},
          "paths": {{"/o": {{"get": {{"operationId": "odd", "responses": {{"200": {{"description": "ok",
            "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Odd"}}}}}}}}}}}}}}}},
          "webhooks": {{"hook": {{"post": {{"operationId": "hook", "requestBody": {{"content": {{"application/json":
            {{"schema": {{"$ref": "#/components/schemas/Odd"}}}}}}}}, "responses": {{"200": {{"description": "ok"}}}}}}}}}},
          "components": {{"schemas": {{"S": {{"type": "object", "properties": {{"k": {{"type": "string"}}}}}},
            "Odd": {{"type": "object", "properties": {{{}}}}}}}}}}}"##,
        properties.join(", ")
    );
    let doc = openapi_spec::load_str(&text, Path::new("odd.json"), true, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = openapi_spec::lint::lint(&doc);
    let model = openapi_model::Model::build(&doc, None);
    let options = openapi_codegen::rust::Options {
        source: "odd.json".into(),
    };
    let _ = openapi_codegen::rust::generate(&doc, &options);
    let _ = openapi_codegen::schemas::generate(&doc);
    let _ = openapi_diff::compare(&doc, &base());
    let _ = openapi_diff::compare(&base(), &doc);
    let docs = openapi_docs::Options {
        source: "odd.json".into(),
        models_crate: "odd".into(),
        downloads: Vec::new(),
    };
    let _ = openapi_docs::render(&doc, &docs);
    if let Ok(model) = model {
        let client = openapi_codegen::client::Options {
            source: "odd.json".into(),
            models_crate: "odd".into(),
        };
        let _ = openapi_codegen::client::generate(&doc, &model, &client);
    }
    let _ = openapi_contract::Contract::new(doc, openapi_contract::Options::default());
}
