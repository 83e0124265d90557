//! One small document per mistake (tests/mistakes/*.yaml), each naming the
//! rule and the JSON pointer it must be caught at, as an error with a line;
//! the base they share (valid.yaml) has no finding at all.

use std::path::Path;

use openapi_spec::lint::{Severity, lint};

/// The `.yaml` files of `tests/<dir>`, sorted.
fn yaml_files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn cases() -> Vec<std::path::PathBuf> {
    yaml_files("mistakes")
}

#[test]
fn every_mistake_is_an_error_at_its_place_and_the_base_is_clean() {
    let files = cases();
    assert!(files.len() >= 16, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let expect = text.lines().find_map(|l| l.strip_prefix("# expect: "));
        // `syntax LINE`: refused by the parser at that line.
        if let Some(line) = expect.and_then(|e| e.strip_prefix("syntax ")) {
            let refused = openapi_spec::load(&file, &Default::default())
                .expect_err(&file.display().to_string());
            let line: u32 = line.parse().unwrap();
            assert_eq!(
                refused.position().map(|p| p.line as u32),
                Some(line),
                "{}: {refused}",
                file.display()
            );
            continue;
        }
        // `load POINTER`: refused by the loader (exit 2) at that place.
        if let Some(pointer) = expect.and_then(|e| e.strip_prefix("load ")) {
            let refused = openapi_spec::load(&file, &Default::default())
                .expect_err(&file.display().to_string());
            let (openapi_spec::LoadError::Structure {
                pointer: at,
                position,
                ..
            }
            | openapi_spec::LoadError::Version {
                pointer: at,
                position,
                ..
            }
            | openapi_spec::LoadError::Unsupported {
                pointer: at,
                position,
                ..
            }) = &refused
            else {
                panic!("{}: {refused}", file.display());
            };
            assert_eq!(at, pointer, "{}: {refused}", file.display());
            assert!(position.is_some(), "{}: no line", file.display());
            continue;
        }
        let doc = openapi_spec::load(&file, &Default::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let findings = lint(&doc);
        let Some(expect) = expect else {
            assert!(findings.is_empty(), "{}: {findings:#?}", file.display());
            continue;
        };
        let (rule, pointer) = expect.split_once(' ').unwrap();
        let hit = findings
            .iter()
            .find(|f| f.rule == rule && f.location.pointer == pointer);
        let hit = hit
            .unwrap_or_else(|| panic!("{}: no {rule} at {pointer}: {findings:#?}", file.display()));
        assert_eq!(hit.severity, Severity::Error, "{}", file.display());
        assert!(
            hit.location.position.is_some(),
            "{}: no line",
            file.display()
        );
    }
}

#[test]
fn a_key_split_off_a_flow_scalar_gets_a_hint_and_a_misspelling_a_suggestion() {
    let lint_file = |name: &str| {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/mistakes")
            .join(name);
        lint(&openapi_spec::load(&file, &Default::default()).unwrap())
    };
    let comma = lint_file("flow-scalar-comma.yaml");
    assert!(
        comma[0].message.contains("quote the text before it"),
        "{comma:#?}"
    );
    assert_eq!(comma[0].location.position.map(|p| p.line), Some(38));
    let typo = lint_file("parameter-key.yaml");
    assert!(
        typo[0].message.contains("(did you mean `required`?)"),
        "{typo:#?}"
    );
    let typo = lint_file("operation-key.yaml");
    assert!(
        typo[0]
            .message
            .contains("not a field of the Operation Object (did you mean `summary`?)"),
        "{typo:#?}"
    );
}

#[test]
fn severities_have_conventional_defaults_and_a_project_can_set_them() {
    use openapi_spec::lint::{Config, lint_with};
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/mistakes/discriminator-property-missing.yaml");
    let doc = openapi_spec::load(&file, &Default::default()).unwrap();
    let unused = |findings: &[openapi_spec::lint::Finding]| {
        findings
            .iter()
            .find(|f| f.rule == "unused-component")
            .map(|f| f.severity)
    };
    // An unused component is a warning by default; a broken one an error.
    assert_eq!(unused(&lint(&doc)), Some(Severity::Warning));
    let config = Config::parse(
        "rules:\n  unused-component: error\n  discriminator: off\n",
        "t.yaml",
    )
    .unwrap();
    let findings = lint_with(&doc, &config);
    assert_eq!(unused(&findings), Some(Severity::Error));
    assert!(
        findings.iter().all(|f| f.rule != "discriminator"),
        "{findings:#?}"
    );
    let mut flags = Config::default();
    flags.set("unused-component", "off", "--rule").unwrap();
    assert_eq!(unused(&lint_with(&doc, &flags)), None);
    // Mistakes in the configuration are refused, naming where.
    let e = Config::parse("rules:\n  unused-componnent: off\n", "t.yaml").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("t.yaml: unknown lint rule `unused-componnent`"),
        "{e}"
    );
    let e = flags
        .set("example", "loud", "--rule example=loud")
        .unwrap_err();
    assert!(e.to_string().contains("`loud` is not a severity"), "{e}");
    assert!(Config::parse("severity: high\n", "t.yaml").is_err());
}

/// docs/spec-musts.md: every rule it names exists, and every mistake
/// document it names exists and expects that rule.
#[test]
fn the_table_of_musts_names_real_rules_and_documents() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(root.join("../../docs/spec-musts.md")).unwrap();
    let mut rows = 0;
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && l.ends_with(".yaml` |"))
    {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let (rule, file) = (cells[2].trim_matches('`'), cells[3].trim_matches('`'));
        let known = matches!(rule, "load" | "syntax")
            || openapi_spec::lint::RULES
                .iter()
                .any(|(id, _, _)| *id == rule);
        assert!(known, "docs/spec-musts.md names an unknown rule: {line}");
        let text = std::fs::read_to_string(root.join("tests/mistakes").join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let expect = text.lines().find_map(|l| l.strip_prefix("# expect: "));
        assert_eq!(
            expect.and_then(|e| e.split(' ').next()),
            Some(rule),
            "{file} does not expect {rule}"
        );
        rows += 1;
    }
    assert!(rows >= 40, "{rows} rows");
}

/// The OpenAPI Initiative's own valid examples (tests/valid/): no error.
#[test]
fn the_specifications_own_examples_have_no_error() {
    let files = yaml_files("valid");
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let doc = openapi_spec::load(&file, &Default::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let errors: Vec<_> = lint(&doc)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

/// What a user reads for each mistake, word for word: every finding (or
/// the refusal) of every document, paths relative to the folder.
#[test]
fn every_mistake_reads_as_this() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mistakes");
    let mut out = String::new();
    for file in cases() {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        out.push_str(&format!("{name}\n"));
        match openapi_spec::load(&file, &Default::default()) {
            Err(e) => out.push_str(&format!("  refused: {e}\n")),
            Ok(doc) => {
                for f in lint(&doc) {
                    out.push_str(&format!("  {f}\n"));
                }
            }
        }
    }
    let out = out.replace(&format!("{}/", dir.display()), "");
    insta::assert_snapshot!(out);
}

/// Every rule the lint reports is in the catalogue, which gives its level
/// (in the document's version).
#[test]
fn every_rule_reported_is_in_the_catalogue_at_its_level() {
    let mut reported = std::collections::BTreeSet::new();
    for file in cases() {
        let Ok(doc) = openapi_spec::load(&file, &Default::default()) else {
            continue;
        };
        for f in lint(&doc) {
            let entry = openapi_spec::lint::RULES
                .iter()
                .find(|(id, _, _)| *id == f.rule);
            assert!(entry.is_some(), "{} is not in RULES", f.rule);
            let level = openapi_spec::lint::default_severity(f.rule, doc.version);
            assert_eq!(f.severity, level, "{}", f.rule);
            reported.insert(f.rule);
        }
    }
    assert!(reported.len() >= 25, "{reported:?}");
}
