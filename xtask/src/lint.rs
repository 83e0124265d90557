//! `cargo xtask lint [FILE]`: load and lint a document.

use std::path::Path;

use openapi_spec::lint::Severity;

use crate::outcome::{Outcome, Verdict};

/// Prints every finding and a count; lint errors are a violation, warnings pass.
pub fn run(file: &Path) -> Outcome {
    let doc = openapi_spec::load(file, &openapi_spec::LoadOptions::default())?;
    let findings = openapi_spec::lint::lint(&doc);
    for f in &findings {
        println!("{f}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    println!(
        "{}: {errors} error(s), {warnings} warning(s)",
        file.display()
    );
    Ok(if errors > 0 {
        Verdict::Violation
    } else {
        Verdict::Pass
    })
}
