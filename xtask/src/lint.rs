//! `cargo xtask lint [FILE]`: load and lint a document.

use std::path::{Path, PathBuf};

use clap::Args;
use openapi_spec::lint::{Config, Severity};

use crate::outcome::{CommandResult, Failure, Verdict};

/// The project's lint configuration, looked for next to the document.
pub const CONFIG_FILE: &str = ".openapi-lint.yaml";

#[derive(Args)]
pub struct LintArgs {
    /// The document to lint (YAML, or JSON by extension; default: the
    /// SignalZen v1 document).
    pub file: Option<PathBuf>,
    /// Severities per rule, as `rules: {unused-component: error, example: off}`
    /// (default: .openapi-lint.yaml next to the document, when there is one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// One rule's severity, after the file's: `--rule unused-component=off`.
    /// Levels: error, warning, off. May be repeated.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    pub rules: Vec<String>,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// The loader's limits, shared by the commands that read any document.
#[derive(Args, Clone)]
pub struct LoadArgs {
    /// Largest document accepted, in bytes (default 16 MiB).
    #[arg(long, value_name = "BYTES", default_value_t = openapi_spec::LoadOptions::default().max_bytes)]
    pub max_document_bytes: u64,
}

impl LoadArgs {
    pub fn options(&self) -> openapi_spec::LoadOptions {
        openapi_spec::LoadOptions {
            max_bytes: self.max_document_bytes,
            ..openapi_spec::LoadOptions::default()
        }
    }
}

impl LintArgs {
    /// The defaults: the v1 document, its directory's configuration.
    pub fn defaults() -> Self {
        LintArgs {
            file: None,
            config: None,
            rules: Vec::new(),
            load: LoadArgs {
                max_document_bytes: openapi_spec::LoadOptions::default().max_bytes,
            },
        }
    }
}

/// Prints every finding and a count; lint errors are a violation, warnings pass.
pub fn run(args: LintArgs) -> CommandResult {
    let file = args.file.clone().unwrap_or_else(crate::default_spec);
    let config = config(&file, &args)?;
    let doc = openapi_spec::load(&file, &args.load.options())?;
    let findings = openapi_spec::lint::lint_with(&doc, &config);
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

/// The configuration file (given, or next to the document), then the flags.
fn config(file: &Path, args: &LintArgs) -> Result<Config, Failure> {
    let beside = file.parent().unwrap_or(Path::new(".")).join(CONFIG_FILE);
    let path = args
        .config
        .clone()
        .or_else(|| beside.is_file().then_some(beside));
    let mut config = match &path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Failure(format!("cannot read {}: {e}", p.display())))?;
            Config::parse(&text, &p.display().to_string())?
        }
        None => Config::default(),
    };
    for flag in &args.rules {
        let (rule, level) = flag
            .split_once('=')
            .ok_or_else(|| Failure(format!("--rule {flag}: expected RULE=LEVEL")))?;
        config.set(rule.trim(), level, &format!("--rule {flag}"))?;
    }
    Ok(config)
}
