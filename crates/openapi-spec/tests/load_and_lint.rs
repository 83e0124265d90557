//! Loading bad input and linting bad documents: one clear error each, with
//! a position, and never a panic.

use std::path::{Path, PathBuf};

use openapi_spec::Version;
use openapi_spec::{LoadError, LoadOptions, lint::lint, load, load_str};

fn yaml(text: &str) -> Result<openapi_spec::Document, LoadError> {
    load_str(text, Path::new("t.yaml"), false, &LoadOptions::default())
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n";

fn rules(text: &str) -> Vec<(&'static str, String)> {
    let doc = yaml(text).expect("loads");
    lint(&doc)
        .into_iter()
        .map(|f| (f.rule, f.to_string()))
        .collect()
}

#[test]
fn the_v1_document_is_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for rel in [
        "openapi/signalzen-v1.yaml",
        "openapi/peers/subiz-chats.yaml",
        "openapi/peers/socialintents-chats.yaml",
    ] {
        let doc = load(&root.join(rel), &LoadOptions::default()).expect(rel);
        assert!(lint(&doc).is_empty(), "{rel}: {:#?}", lint(&doc));
    }
}

#[test]
fn yaml_scalars_keep_their_written_text_through_untagged_enums() {
    let doc = yaml("openapi: 3.0.3\ninfo: {title: 2024, version: 1.10}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: string\n      title: 1.0\n      description: yes\n      enum: [1.0, 007, on, true]\n      example: 1.50\n")
    .expect("loads");
    assert_eq!(doc.raw["info"]["version"], "1.10");
    assert_eq!(doc.raw["info"]["title"], "2024");
    let a = &doc.raw["components"]["schemas"]["A"];
    assert_eq!(a["title"], "1.0");
    assert_eq!(a["description"], "yes", "YAML 1.2: `yes` is a string");
    assert_eq!(a["enum"], serde_json::json!(["1.0", "007", "on", "true"]));
    assert_eq!(
        a["example"],
        serde_json::json!(1.5),
        "example data keeps its YAML type"
    );
    // ... and the typed view saw a schema, not a failed untagged enum.
    let typed: openapiv3::OpenAPI = serde_json::from_value(doc.raw.clone()).unwrap();
    let schemas = &typed.components.as_ref().unwrap().schemas;
    assert!(matches!(
        schemas.get("A"),
        Some(openapiv3::ReferenceOr::Item(_))
    ));
}

#[test]
fn malformed_yaml_names_line_and_column() {
    let e = yaml("openapi: 3.0.3\ninfo: [1, 2\npaths: {}").unwrap_err();
    assert!(matches!(e, LoadError::Syntax { .. }), "{e}");
    assert!(e.position().is_some_and(|p| p.line >= 2), "{e}");
    assert!(e.to_string().starts_with("t.yaml:"), "{e}");
}

#[test]
fn malformed_json_names_line_and_column() {
    let e = load_str(
        "{\n  \"openapi\": \"3.0.3\",\n  oops\n}",
        Path::new("t.json"),
        true,
        &LoadOptions::default(),
    )
    .unwrap_err();
    let p = e.position().expect("position");
    assert_eq!(p.line, 3, "{e}");
}

#[test]
fn other_openapi_versions_are_refused() {
    for (text, word) in [
        (
            "openapi: 4.0.0\ninfo: {title: t, version: v}\npaths: {}\n",
            "OpenAPI 4.0.0 is not supported; this tool reads OpenAPI 3.0.x, 3.1.x and 3.2.x",
        ),
        (
            "openapi: 3.3.0\ninfo: {title: t, version: v}\npaths: {}\n",
            "3.3.0",
        ),
        (
            "swagger: \"2.0\"\n",
            "Swagger 2.0 (OpenAPI 2.0) is not supported",
        ),
        ("just: a mapping\n", "not an OpenAPI"),
    ] {
        let e = yaml(text).unwrap_err();
        assert!(matches!(e, LoadError::Version { .. }), "{e}");
        assert!(e.to_string().contains(word), "{e}");
    }
}

#[test]
fn the_3_x_lines_are_read() {
    for (text, version) in [
        (
            "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\n",
            Version::V3_0,
        ),
        (
            "openapi: 3.1.1\ninfo: {title: t, version: v}\ncomponents: {}\n",
            Version::V3_1,
        ),
        (
            "openapi: 3.2.0\ninfo: {title: t, version: v}\nwebhooks: {}\n",
            Version::V3_2,
        ),
    ] {
        let doc = yaml(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.version, version);
    }
    // 3.0 needs `paths` (refused: the typed model cannot read it); 3.1
    // needs one of paths, components, webhooks (the published schema's rule).
    let e = yaml("openapi: 3.0.3\ninfo: {title: t, version: v}\n").unwrap_err();
    assert!(matches!(e, LoadError::Structure { .. }), "{e}");
    let doc = yaml("openapi: 3.1.0\ninfo: {title: t, version: v}\n").unwrap();
    let findings = lint(&doc);
    assert!(
        findings.iter().any(|f| f.rule == "oas-schema"
            && f.message
                .contains("needs one of `paths`, `components`, `webhooks`")),
        "{findings:#?}"
    );
    // A value of the wrong type stops every tool: refused in 3.1 as in 3.0.
    let e = yaml("openapi: 3.1.0\ninfo: {title: t, version: v}\npaths: 5\n").unwrap_err();
    assert!(
        matches!(e, LoadError::Structure { ref pointer, .. } if pointer == "/paths"),
        "{e}"
    );
}

#[test]
fn what_no_tool_here_would_honour_is_refused_at_its_place() {
    let head = "openapi: 3.1.0\ninfo: {title: t, version: v}\n";
    for (rest, pointer, word) in [
        (
            "jsonSchemaDialect: https://json-schema.org/draft/2019-09/schema\ncomponents: {}\n",
            "/jsonSchemaDialect",
            "not supported: jsonSchemaDialect `https://json-schema.org/draft/2019-09/schema`",
        ),
        (
            "components:\n  schemas:\n    Tree:\n      $dynamicAnchor: node\n      properties:\n        kids: {items: {$dynamicRef: '#node'}}\n",
            "/components/schemas/Tree/properties/kids/items/$dynamicRef",
            "not supported: `$dynamicRef`",
        ),
        (
            "components:\n  schemas:\n    S: {$schema: 'http://json-schema.org/draft-07/schema#'}\n",
            "/components/schemas/S/$schema",
            "draft-07",
        ),
    ] {
        let e = yaml(&format!("{head}{rest}")).unwrap_err();
        let LoadError::Unsupported {
            pointer: at,
            position,
            ..
        } = &e
        else {
            panic!("{e}");
        };
        assert_eq!(at, pointer, "{e}");
        assert!(position.is_some(), "{e}");
        assert!(e.to_string().contains(word), "{e}");
    }
}

#[test]
fn a_3_2_field_no_tool_reads_is_refused_and_those_read_are_not() {
    let read = "openapi: 3.2.0\n$self: https://example.com/api.yaml\ninfo: {title: t, version: v}\ntags: [{name: a}, {name: b, parent: a, kind: nav}]\npaths:\n  /s:\n    query:\n      operationId: search\n      parameters: [{name: q, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}]\n      responses: {'200': {description: ok}}\n    additionalOperations:\n      COPY: {operationId: copy, responses: {'200': {description: ok}}}\n";
    let doc = yaml(read).unwrap_or_else(|e| panic!("{e}"));
    let ops: Vec<String> = openapi_spec::visit::operations(&doc.raw)
        .iter()
        .map(|o| o.pointer())
        .collect();
    assert_eq!(
        ops,
        ["/paths/~1s/query", "/paths/~1s/additionalOperations/COPY"]
    );
    // `b` nests under `a`, which exists, without a cycle.
    let errors: Vec<_> = lint(&doc)
        .into_iter()
        .filter(|f| f.severity == openapi_spec::lint::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let unread = read.replace(
        "responses: {'200': {description: ok}}\n    add",
        "responses: {'200': {description: ok, summary: Found}}\n    add",
    );
    let e = yaml(&unread).unwrap_err();
    let LoadError::Unsupported { pointer, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(pointer, "/paths/~1s/query/responses/200/summary", "{e}");
    assert!(
        e.to_string()
            .contains("`summary` (OpenAPI 3.2): no tool here reads it yet"),
        "{e}"
    );
    // A tag's `summary` and a cookie parameter's `style: cookie` are 3.2's too.
    for (from, to, pointer) in [
        ("{name: a}", "{name: a, summary: A}", "/tags/0/summary"),
        (
            "parameters: [{name: q",
            "parameters: [{name: c, in: cookie, style: cookie, schema: {type: string}}, {name: q",
            "/paths/~1s/query/parameters/0/style",
        ),
    ] {
        let e = yaml(&read.replace(from, to)).unwrap_err();
        let LoadError::Unsupported { pointer: at, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(at, pointer, "{e}");
    }
}

#[test]
fn a_3_1_keyword_of_the_wrong_type_is_an_oas_schema_error() {
    let doc = yaml("openapi: 3.1.0\ninfo: {title: t, version: v}\ncomponents:\n  schemas:\n    S: {type: string, minLength: true}\n").unwrap();
    let found: Vec<_> = lint(&doc)
        .into_iter()
        .filter(|f| f.rule == "oas-schema")
        .map(|f| f.location.pointer)
        .collect();
    assert_eq!(found, ["/components/schemas/S/minLength"]);
}

#[test]
fn structural_errors_carry_a_pointer_and_position() {
    let e = yaml(&format!(
        "{HEAD}paths:\n  /x:\n    get:\n      responses: 5\n"
    ))
    .unwrap_err();
    match &e {
        LoadError::Structure {
            pointer, position, ..
        } => {
            // openapiv3's untagged and flattened maps hide the deeper path, so
            // the pointer names the nearest level serde can see.
            assert!(
                "/paths/~1x/get/responses".starts_with(pointer.as_str()) && !pointer.is_empty(),
                "{pointer}"
            );
            assert!(position.is_some());
        }
        other => panic!("{other}"),
    }
}

#[test]
fn alias_bomb_is_stopped() {
    let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..10u8 {
        let (name, prev) = ((b'a' + i) as char, (b'a' + i - 1) as char);
        text.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
    }
    let e = yaml(&text).unwrap_err();
    assert!(e.to_string().contains("alias"), "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(yaml(&deep).is_err());
    let block: String = (0..10_000)
        .map(|i| format!("{}k:\n", " ".repeat(i % 200)))
        .collect();
    assert!(yaml(&block).is_err());
    let e = load_str(&deep, Path::new("d.json"), true, &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("recursion limit"), "{e}");
}

#[test]
fn a_50_mb_file_is_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("big.yaml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let e = load(&path, &LoadOptions::default()).unwrap_err();
    assert!(matches!(e, LoadError::TooLarge { .. }), "{e}");
}

#[test]
fn missing_file_and_binary_file() {
    let e = load(Path::new("/nonexistent/x.yaml"), &LoadOptions::default()).unwrap_err();
    assert!(matches!(e, LoadError::Io { .. }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.yaml");
    std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        load(&path, &LoadOptions::default()).unwrap_err(),
        LoadError::NotUtf8 { .. }
    ));
}

#[test]
fn lint_operation_ids() {
    let r = rules(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses: {{}}\n  /b:\n    get:\n      operationId: x\n      responses: {{}}\n    put:\n      operationId: x\n      responses: {{}}\n"
    ));
    assert!(
        r.iter().any(|(rule, m)| *rule == "operation-id-missing"
            && m.contains("GET /a has no operationId")
            && m.contains("t.yaml:5:")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "operation-id" && m.contains("also used")),
        "{r:?}"
    );
}

#[test]
fn lint_dangling_and_external_refs() {
    let r = rules(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Nope'}}\n        c: {{$ref: 'other.yaml#/X'}}\n"
    ));
    assert!(
        r.iter().any(|(rule, m)| *rule == "ref"
            && m.contains("does not resolve")
            && m.contains("t.yaml:9:")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "ref" && m.contains("outside this document")),
        "{r:?}"
    );
}

#[test]
fn lint_unrepresentable_cycles() {
    let r = rules(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    N:\n      type: object\n      required: [next]\n      properties:\n        next: {{$ref: '#/components/schemas/N'}}\n    Ok:\n      type: object\n      properties:\n        next: {{$ref: '#/components/schemas/Ok'}}\n"
    ));
    let cycles: Vec<_> = r.iter().filter(|(rule, _)| *rule == "ref-cycle").collect();
    assert_eq!(cycles.len(), 2, "{r:?}");
    assert!(cycles.iter().any(|(_, m)| m.contains("A → B → A")));
    assert!(cycles.iter().any(|(_, m)| m.contains("N → N")));
}

#[test]
fn lint_examples_against_schemas() {
    let r = rules(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [when]\n                properties:\n                  when: {{type: string, format: date-time}}\n              example:\n                when: yesterday\n"
    ));
    assert!(
        r.iter().any(|(rule, m)| *rule == "example-format"
            && m.contains("t.yaml:18:")
            && m.contains("/example/when")
            && m.contains("date-time")),
        "{r:?}"
    );
}

#[test]
fn lint_bounds() {
    let r = rules(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - name: limit\n          in: query\n          schema: {{type: integer, minimum: 10, maximum: 1}}\n        - name: page\n          in: query\n          schema: {{type: integer, minimum: 1, default: 0}}\n      responses: {{}}\n"
    ));
    assert!(
        r.iter().any(
            |(rule, m)| *rule == "bounds" && m.contains("minimum 10 is greater than maximum 1")
        ),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "bounds" && m.contains("default 0 is below the minimum 1")),
        "{r:?}"
    );
}

#[test]
fn lint_unused_components_and_path_parameters() {
    let r = rules(&format!(
        "{HEAD}paths:\n  /u/{{id}}:\n    get:\n      operationId: a\n      responses: {{}}\ncomponents:\n  schemas:\n    Lonely: {{type: string}}\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: k}}\n"
    ));
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "unused-component" && m.contains("schemas/Lonely")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "unused-component" && m.contains("securitySchemes/key")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "path-parameter" && m.contains("{id}")),
        "{r:?}"
    );
}

#[test]
fn lint_discriminator_mismatch() {
    let r = rules(&format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    P:\n      oneOf: [{{$ref: '#/components/schemas/C'}}]\n      discriminator: {{propertyName: kind, mapping: {{cat: '#/components/schemas/C', dog: '#/components/schemas/D'}}}}\n    C:\n      type: object\n      properties:\n        kind: {{type: string, enum: [feline]}}\n    D: {{type: object}}\n"
    ));
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "discriminator" && m.contains("does not allow `kind: cat`")),
        "{r:?}"
    );
    assert!(
        r.iter()
            .any(|(rule, m)| *rule == "discriminator" && m.contains("not one of the branches")),
        "{r:?}"
    );
}

#[test]
fn a_misspelt_field_is_a_lint_finding_in_every_version() {
    for head in [
        "openapi: 3.0.3\ninfo: {title: t, version: v, descripton: d}\npaths: {}\n",
        "openapi: 3.1.0\ninfo: {title: t, version: v, descripton: d}\npaths: {}\n",
        "openapi: 3.2.0\ninfo: {title: t, version: v, descripton: d}\npaths: {}\n",
    ] {
        let doc = yaml(head).unwrap_or_else(|e| panic!("{e}"));
        let findings = lint(&doc);
        let hit = findings
            .iter()
            .find(|f| f.location.pointer == "/info/descripton")
            .unwrap_or_else(|| panic!("{head}: {findings:#?}"));
        assert_eq!(hit.rule, "unknown-key", "{hit}");
        assert!(hit.message.contains("did you mean `description`?"), "{hit}");
    }
}

#[test]
fn a_3_1_document_gets_3_1_tables() {
    let doc = yaml(
        "openapi: 3.1.0\ninfo: {title: t, summary: s, version: v, license: {name: MIT, identifier: MIT}}\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\ncomponents:\n  pathItems: {}\n  schemas:\n    S:\n      type: array\n      prefixItems: [{const: a}, {type: [integer, 'null']}]\n      examples: [[a, 1]]\n      $comment: fine\n    T:\n      type: string\n      nullable: true\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let findings: Vec<_> = lint(&doc)
        .into_iter()
        .filter(|f| f.rule != "unused-component")
        .map(|f| (f.rule, f.location.pointer))
        .collect();
    assert_eq!(
        findings,
        [(
            "version-keyword",
            "/components/schemas/T/nullable".to_string()
        )]
    );
    // The same fields in a 3.0 document are not fields.
    let old =
        yaml("openapi: 3.0.3\ninfo: {title: t, summary: s, version: v}\npaths: {}\n").unwrap();
    assert!(
        lint(&old)
            .iter()
            .any(|f| f.rule == "unknown-key" && f.location.pointer == "/info/summary")
    );
}

#[test]
fn a_3_1_reference_object_holds_ref_summary_and_description() {
    let text = "openapi: VERSION\ninfo: {title: t, version: v}\npaths:\n  /a:\n    get:\n      parameters:\n        - {$ref: '#/components/parameters/P', summary: s, description: d, required: true}\n      responses: {'200': {description: ok}}\ncomponents:\n  parameters:\n    P: {name: p, in: query, schema: {type: string}}\n";
    let at = "/paths/~1a/get/parameters/0/required";
    let found = |version: &str| {
        let doc = yaml(&text.replace("VERSION", version)).unwrap();
        lint(&doc)
            .into_iter()
            .filter(|f| f.rule == "unknown-key")
            .map(|f| f.location.pointer)
            .collect::<Vec<_>>()
    };
    assert_eq!(found("3.1.0"), [at]);
    assert!(
        found("3.0.3").is_empty(),
        "3.0 ignores a reference's siblings"
    );
}

/// An example that breaks only a `format` is an error in 3.0 and a warning
/// in 3.1 and 3.2, where JSON Schema 2020-12 makes `format` an annotation;
/// one that breaks an assertion stays an error everywhere.
#[test]
fn an_example_breaking_only_a_format_is_an_error_in_3_0_and_a_warning_from_3_1() {
    use openapi_spec::lint::Severity;
    for (version, level) in [
        ("3.0.3", Severity::Error),
        ("3.1.0", Severity::Warning),
        ("3.2.0", Severity::Warning),
    ] {
        let doc = yaml(&format!(
            "openapi: {version}\ninfo: {{title: t, version: v}}\npaths: {{}}\ncomponents:\n  schemas:\n    Id:\n      type: object\n      properties:\n        id: {{type: string, format: uuid}}\n        n: {{type: integer}}\n      example: {{id: 4f4e4e1-c824-4d63-b37a-d8d698862f1d, n: one}}\n"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let found: Vec<_> = lint(&doc)
            .into_iter()
            .filter(|f| f.rule.starts_with("example"))
            .map(|f| (f.rule, f.severity, f.location.pointer))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "example-format",
                    level,
                    "/components/schemas/Id/example/id".to_string()
                ),
                (
                    "example",
                    Severity::Error,
                    "/components/schemas/Id/example/n".to_string()
                ),
            ],
            "{version}"
        );
    }
}
