//! The rules' edges, one small document each: what must be found, and the
//! neighbouring case that must not be.

use serde_json::{Value, json};

use super::{Severity, fits_type, lint};
use crate::Version;

/// (rule, pointer) of every error in a document whose `components.schemas`
/// is `schemas` (YAML), plus `extra` top-level YAML.
fn errors_with(schemas: &str, extra: &str) -> Vec<(&'static str, String)> {
    let paths = if extra.contains("paths:") {
        ""
    } else {
        "paths: {}\n"
    };
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{paths}{extra}components:\n  schemas:\n{schemas}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.yaml");
    std::fs::write(&file, text).unwrap();
    let doc = crate::load(&file, &Default::default()).unwrap();
    lint(&doc)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule, f.location.pointer))
        .collect()
}

fn errors(schemas: &str) -> Vec<(&'static str, String)> {
    errors_with(schemas, "")
}

fn bounds_of(fields: &str) -> Vec<String> {
    errors(&format!("    S: {{{fields}}}\n"))
        .into_iter()
        .filter(|(rule, _)| *rule == "bounds")
        .map(|(_, at)| at)
        .collect()
}

#[test]
fn equal_bounds_are_empty_only_with_an_exclusive_minimum_or_maximum() {
    assert!(bounds_of("type: number, minimum: 5, maximum: 5").is_empty());
    assert!(bounds_of("type: number, minimum: 4, maximum: 5, exclusiveMinimum: true").is_empty());
    assert!(bounds_of("type: number, minimum: 5, maximum: 5, exclusiveMinimum: false").is_empty());
    assert!(bounds_of("type: string, minLength: 5, maxLength: 5").is_empty());
    let at = ["/components/schemas/S/minimum".to_string()];
    assert_eq!(
        bounds_of("type: number, minimum: 5, maximum: 5, exclusiveMinimum: true"),
        at
    );
    assert_eq!(
        bounds_of("type: number, minimum: 5, maximum: 5, exclusiveMaximum: true"),
        at
    );
    assert_eq!(bounds_of("type: number, minimum: 6, maximum: 5"), at);
    assert_eq!(
        bounds_of("type: string, minLength: 6, maxLength: 5"),
        ["/components/schemas/S/minLength"]
    );
}

#[test]
fn a_default_must_sit_inside_the_bounds_and_the_enum() {
    let default = ["/components/schemas/S/default".to_string()];
    assert!(bounds_of("type: number, default: 5, maximum: 5").is_empty());
    assert!(bounds_of("type: number, default: 5, minimum: 5").is_empty());
    assert!(bounds_of("type: number, default: 4, maximum: 5, exclusiveMaximum: true").is_empty());
    assert!(bounds_of("type: number, default: 6, minimum: 5, exclusiveMinimum: true").is_empty());
    assert_eq!(bounds_of("type: number, default: 6, maximum: 5"), default);
    assert_eq!(bounds_of("type: number, default: 4, minimum: 5"), default);
    assert_eq!(
        bounds_of("type: number, default: 5, maximum: 5, exclusiveMaximum: true"),
        default
    );
    assert_eq!(
        bounds_of("type: number, default: 5, minimum: 5, exclusiveMinimum: true"),
        default
    );
    assert!(bounds_of("type: string, enum: [a, b], default: a").is_empty());
    assert_eq!(bounds_of("type: string, enum: [a, b], default: c"), default);
}

#[test]
fn a_default_is_of_its_schemas_type() {
    for (kind, fits, not) in [
        ("boolean", json!(true), json!(1)),
        ("number", json!(1.5), json!("1.5")),
        ("integer", json!(1.0), json!(1.5)),
        ("integer", json!(-3), json!(true)),
        ("string", json!("x"), json!(1)),
        ("array", json!([]), json!({})),
        ("object", json!({}), json!([])),
    ] {
        assert!(fits_type(kind, &fits, false), "{kind} {fits}");
        assert!(!fits_type(kind, &not, false), "{kind} {not}");
    }
    assert!(fits_type("string", &Value::Null, true));
    assert!(!fits_type("string", &Value::Null, false));
    // A type OpenAPI 3.0 does not have is the published schema's to judge.
    assert!(fits_type("file", &json!(1), false));
}

#[test]
fn header_names_are_compared_case_blind_and_others_exactly() {
    let operation = |params: &str| {
        let extra = format!(
            "paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{params}]\n      responses: {{'200': {{description: ok}}}}\n"
        );
        errors_with("    S: {type: string}\n", &extra)
            .into_iter()
            .filter(|(rule, _)| *rule == "duplicate-parameter")
            .count()
    };
    let header = |n: &str| format!("{{name: {n}, in: header, schema: {{type: string}}}}");
    let query = |n: &str| format!("{{name: {n}, in: query, schema: {{type: string}}}}");
    assert_eq!(
        operation(&format!("{}, {}", header("X-Key"), header("x-key"))),
        1
    );
    assert_eq!(operation(&format!("{}, {}", query("Key"), query("key"))), 0);
}

#[test]
fn a_schema_problem_beside_a_rule_inside_the_same_object_is_kept() {
    // The link names no operation (link-operation, at operationId) and
    // has both operationId and operationRef (the published schema, at the
    // link): two problems, two findings.
    let doc = "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          links:\n            next: {operationId: nope, operationRef: '#/paths/~1a/get'}\n";
    let found = errors_with("    S: {type: string}\n", doc);
    let link = "/paths/~1a/get/responses/200/links/next";
    assert!(
        found.contains(&("link-operation", format!("{link}/operationId"))),
        "{found:?}"
    );
    assert!(
        found.contains(&("oas-schema", link.to_string())),
        "{found:?}"
    );
}

/// `allOf` chains are followed 32 deep (a cycle ends there too).
fn all_of_chain(depth: usize, last: &str) -> String {
    let mut schemas = String::from(
        "    U:\n      oneOf: [{$ref: '#/components/schemas/C0'}]\n      discriminator: {propertyName: kind}\n",
    );
    for i in 0..depth {
        schemas.push_str(&format!(
            "    C{i}: {{allOf: [{{$ref: '#/components/schemas/C{}'}}]}}\n",
            i + 1
        ));
    }
    schemas.push_str(&format!("    C{depth}: {last}\n"));
    schemas
}

#[test]
fn a_discriminator_property_is_found_and_required_through_32_allofs_and_no_more() {
    let leaf = "{type: object, required: [kind], properties: {kind: {type: string}}}";
    let discriminator = |found: &[(&str, String)]| {
        found
            .iter()
            .filter(|(rule, _)| rule.starts_with("discriminator"))
            .count()
    };
    assert_eq!(discriminator(&errors(&all_of_chain(32, leaf))), 0);
    assert_eq!(discriminator(&errors(&all_of_chain(33, leaf))), 1);
    // The property declared, its requirement 32 levels down, then 33.
    let required_below = |depth: usize| {
        let mut chain = all_of_chain(depth, "{type: object, required: [kind]}");
        chain = chain.replacen(
            "    C0: {allOf: [",
            "    C0: {properties: {kind: {type: string}}, allOf: [",
            1,
        );
        errors(&chain)
    };
    assert!(required_below(32).is_empty(), "{:?}", required_below(32));
    assert!(
        required_below(33)
            .iter()
            .any(|(r, _)| *r == "discriminator-required")
    );
}

#[test]
fn an_allof_cycle_under_a_discriminator_ends() {
    let schemas = "    U:\n      oneOf: [{$ref: '#/components/schemas/A'}]\n      discriminator: {propertyName: kind}\n    A: {allOf: [{$ref: '#/components/schemas/A'}]}\n";
    let found = errors(schemas);
    assert!(
        found.iter().any(|(r, _)| *r == "discriminator"),
        "{found:?}"
    );
    // The property found at once, its requirement sought round the cycle.
    let schemas = schemas.replace(
        "A: {allOf:",
        "A: {properties: {kind: {type: string}}, allOf:",
    );
    let found = errors(&schemas);
    assert!(
        found.iter().any(|(r, _)| *r == "discriminator-required"),
        "{found:?}"
    );
}

#[test]
fn refs_inside_example_data_are_data_and_a_property_named_value_is_not() {
    let found = errors(
        "    S:\n      type: object\n      properties:\n        value: {$ref: '#/components/schemas/Missing'}\n",
    );
    assert!(
        found.contains(&(
            "ref",
            "/components/schemas/S/properties/value/$ref".to_string()
        )),
        "{found:?}"
    );
    let extra = "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object}\n              examples:\n                one: {summary: s, value: {$ref: not-a-reference}}\n";
    let found = errors_with("    S: {type: string}\n", extra);
    assert!(!found.iter().any(|(r, _)| *r == "ref"), "{found:?}");
}

#[test]
fn a_rule_s_default_level_follows_the_document_s_version() {
    let config = super::Config::default();
    let level = |v| config.severity("default-type", v);
    assert_eq!(level(Version::V3_0), Some(Severity::Error));
    assert_eq!(level(Version::V3_1), Some(Severity::Warning));
    assert_eq!(level(Version::V3_2), Some(Severity::Warning));
    // Rules the table does not list keep their level in every version.
    assert_eq!(
        config.severity("example", Version::V3_2),
        Some(Severity::Error)
    );
    let mut project = super::Config::default();
    project.set("default-type", "error", "test").unwrap();
    assert_eq!(
        project.severity("default-type", Version::V3_1),
        Some(Severity::Error)
    );
}

#[test]
fn levels_are_error_warning_or_warn_and_off() {
    let mut config = super::Config::default();
    for (level, want) in [
        ("warn", Some(Severity::Warning)),
        ("Warning", Some(Severity::Warning)),
        (" error ", Some(Severity::Error)),
        ("off", None),
    ] {
        config.set("example", level, "test").unwrap();
        assert_eq!(config.severity("example", Version::V3_0), want, "{level}");
    }
    assert!(config.set("example", "loud", "test").is_err());
    assert!(config.set("no-such-rule", "off", "test").is_err());
}
