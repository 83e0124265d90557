//! The same generator on the peer chat APIs (Subiz, Social Intents): proof
//! that nothing in the machinery is SignalZen's.

use std::path::Path;

fn load(rel: &str) -> openapi_spec::Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    openapi_spec::load(&path, &Default::default()).expect("loads")
}

fn check(rel: &str, name: &str) {
    let doc = load(rel);
    assert!(openapi_spec::lint::lint(&doc).is_empty());
    let code = openapi_codegen::rust::generate(
        &doc,
        &openapi_codegen::rust::Options { source: rel.into() },
    )
    .unwrap();
    let code = openapi_codegen::rust::rustfmt(&code).unwrap();
    insta::assert_snapshot!(format!("{name}_models"), code);
    let schemas = openapi_codegen::schemas::generate(&doc).unwrap();
    let listing: Vec<&String> = schemas.keys().collect();
    insta::assert_debug_snapshot!(format!("{name}_schema_files"), listing);
    // Every example validates against the generated schema of its response.
    for ex in openapi_spec::visit::examples(&doc) {
        let schema = doc.raw.pointer(&ex.schema_pointer).unwrap();
        let bundled = openapi_jsonschema::Converter::new(&doc.raw)
            .bundle(schema, &ex.schema_pointer)
            .unwrap();
        let v = jsonschema::options()
            .should_validate_formats(true)
            .build(&bundled)
            .unwrap();
        assert!(v.is_valid(ex.value), "{rel} #{}", ex.pointer);
    }
}

#[test]
fn subiz() {
    check("openapi/peers/subiz-chats.yaml", "subiz");
}

#[test]
fn socialintents() {
    check("openapi/peers/socialintents-chats.yaml", "socialintents");
}
